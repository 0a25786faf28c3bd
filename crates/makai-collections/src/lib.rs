#![doc = include_str!("../README.md")]

mod bitset;
mod fallback;
mod fifo;
mod hive;
mod raw;

pub use bitset::{BitIter, BitSet, DynBitSet};
pub use fallback::HiveFallback;
pub use fifo::{Dynamic, DynamicBuf, LinearFifo, Slice, Static, Storage};
pub use hive::{HiveArray, HiveBox};
pub use makai_error::AllocError;
