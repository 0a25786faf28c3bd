#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

extern crate alloc;

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
pub use fifo::{Dynamic, LinearFifo, Slice, Static};
// Secondary names live in `fifo`; these root paths are the earlier ones, kept for code that
// uses them.
#[doc(hidden)]
pub use fifo::{DynamicBuf, SliceFifo, Storage};
pub use hive::{HiveArray, HiveBox, HiveClaim, HiveRc, RcSlot};
pub use makai_error::AllocError;
