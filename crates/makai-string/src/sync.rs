//! The atomics this crate uses, from `std` normally and from `loom` under `cfg(makai_loom)`, so
//! the loom model in `tests/loom.rs` explores the real reference-counting code.

#[cfg(not(makai_loom))]
pub(crate) use core::sync::atomic::{AtomicU32, Ordering, fence};
#[cfg(makai_loom)]
pub(crate) use loom::sync::atomic::{AtomicU32, Ordering, fence};
