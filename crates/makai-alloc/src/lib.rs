#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

extern crate alloc;

mod allocator;
#[cfg(feature = "allocator-api2")]
mod api2;
mod arena;
#[cfg(feature = "std")]
mod failing;
mod fallback;
mod forward;
mod global;
#[cfg(feature = "mimalloc")]
mod mimalloc;
mod no_alloc;
#[cfg(feature = "std")]
mod pool;
mod rc_arena;
#[cfg(feature = "allocator-api2")]
#[cfg_attr(docsrs, doc(cfg(feature = "allocator-api2")))]
pub mod string;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod testing;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod tracked;

pub use allocator::Allocator;
#[cfg(feature = "allocator-api2")]
#[cfg_attr(docsrs, doc(cfg(feature = "allocator-api2")))]
pub use api2::Api2;
pub use arena::{Arena, ArenaBox};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use failing::Failing;
pub use fallback::{BufferFallback, StackFallback};
pub use global::Global;
pub use makai_error::AllocError;
#[cfg(feature = "mimalloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "mimalloc")))]
pub use mimalloc::{MiHeap, Mimalloc};
pub use no_alloc::{NoAlloc, NullableAllocator};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use pool::{ArenaPool, PooledArena};
pub use rc_arena::{ArenaSlice, ArenaStr, RcArena};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use tracked::{DebugScope, LeakReport, Tracked};
// The tracking allocator's secondary names live in `tracked`; these root paths are the earlier
// ones, kept for code that uses them.
#[cfg(feature = "std")]
#[doc(hidden)]
pub use tracked::{
    DEFAULT_BACKTRACE_DEPTH, DEFAULT_FREE_HISTORY, DEFAULT_REPORT_LIMIT, Labeled, Leak, Stats,
};

/// `allocator_api2`'s `Vec<T, A>` (re-exported, so no extra dependency is needed): a vector in
/// any makai allocator, such as `Vec::new_in(&arena)`.
///
/// ```
/// let arena = makai_alloc::Arena::new();
/// let mut v = makai_alloc::vec::Vec::new_in(&arena);
/// v.extend_from_slice(&[1, 2, 3]);
/// assert_eq!(v.iter().sum::<i32>(), 6);
/// ```
#[cfg(feature = "allocator-api2")]
#[cfg_attr(docsrs, doc(cfg(feature = "allocator-api2")))]
pub mod vec {
    pub use allocator_api2::vec::*;
}

/// `allocator_api2`'s `Box<T, A>` (re-exported): a box in any makai allocator.
///
/// ```
/// let buf = makai_alloc::StackFallback::<64>::new();
/// let b = makai_alloc::boxed::Box::new_in([0_u8; 32], &buf);
/// assert_eq!(b.len(), 32);
/// ```
#[cfg(feature = "allocator-api2")]
#[cfg_attr(docsrs, doc(cfg(feature = "allocator-api2")))]
pub mod boxed {
    pub use allocator_api2::boxed::*;
}
