#![doc = include_str!("../README.md")]

mod bitset;
mod caps;
mod fallback;
pub mod fifo;
mod hive;
mod raw;

/// The hive's secondary names: the capacity marker and its trait, for code that is generic over
/// a hive's capacity.
pub mod capacity {
    pub use crate::hive::{SlotCount, Slots};
}

pub use bitset::{AutoBitSet, BitIter, BitSet, DynBitSet};
pub use fallback::{FallbackBox, HiveFallback};
pub use fifo::{Dynamic, DynamicBuf, LinearFifo, Slice, SliceFifo, Static, Storage};
pub use hive::{HiveArray, HiveBox, HiveClaim, HiveRc, RcSlot};
pub use makai_error::AllocError;
