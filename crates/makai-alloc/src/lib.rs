#![doc = include_str!("../README.md")]

mod allocator;
#[cfg(feature = "allocator-api2")]
mod api2;
mod arena;
mod failing;
mod fallback;
mod global;
#[cfg(feature = "mimalloc")]
mod mimalloc;
mod no_alloc;
pub mod testing;
mod tracked;

pub use allocator::Allocator;
#[cfg(feature = "allocator-api2")]
pub use api2::Api2;
pub use arena::{Arena, ArenaBox};
pub use failing::Failing;
pub use fallback::{BufferFallback, StackFallback};
pub use global::Global;
pub use makai_error::AllocError;
#[cfg(feature = "mimalloc")]
pub use mimalloc::{MiHeap, Mimalloc};
pub use no_alloc::{NoAlloc, NullableAllocator};
pub use tracked::{
    DEFAULT_BACKTRACE_DEPTH, DEFAULT_FREE_HISTORY, DEFAULT_REPORT_LIMIT, DebugScope, Labeled, Leak,
    LeakReport, Stats, Tracked,
};
