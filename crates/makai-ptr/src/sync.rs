//! The atomics makai-ptr uses, from `std` normally and from `loom` under `cfg(makai_loom)`, so
//! the loom models in `tests/loom.rs` check the very code that ships.

#[cfg(not(makai_loom))]
pub(crate) use core::sync::atomic::{AtomicU32, Ordering, fence};

#[cfg(makai_loom)]
pub(crate) use loom::sync::atomic::{AtomicU32, Ordering, fence};
