#![doc = include_str!("../README.md")]

mod refcount;
mod sync;

pub use refcount::{AtomicRefCount, Counter, RefCount, RefCounted, RefPtr};
