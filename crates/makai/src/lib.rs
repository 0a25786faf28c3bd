#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

// Note: no `extern crate alloc` here: it would clash with the `alloc` re-export (E0254).

#[cfg(feature = "error")]
#[doc(inline)]
pub use makai_error as error;

#[cfg(feature = "alloc")]
#[doc(inline)]
pub use makai_alloc as alloc;

#[cfg(feature = "ptr")]
#[doc(inline)]
pub use makai_ptr as ptr;

#[cfg(feature = "string")]
#[doc(inline)]
pub use makai_string as string;

#[cfg(feature = "collections")]
#[doc(inline)]
pub use makai_collections as collections;

#[cfg(feature = "task")]
#[doc(inline)]
pub use makai_task as task;

#[cfg(feature = "error")]
pub use makai_error::{AllocError, Errno, HandleOom, Maybe, SysError, Syscall};

#[cfg(feature = "alloc")]
pub use makai_alloc::{
    Allocator, Arena, ArenaBox, BufferFallback, DebugScope, Failing, Global, LeakReport, MiHeap,
    Mimalloc, NoAlloc, NullableAllocator, StackFallback, Tracked,
};

#[cfg(feature = "ptr")]
pub use makai_ptr::{
    AtomicRefCount, AtomicShared, CowBytes, CowCStr, CowSlice, CowStr, MaybeOwned, RefCount,
    RefCounted, RefPtr, Shared, TagScheme, TaggedPtr, ref_counted, tagged_union,
};

#[cfg(feature = "string")]
pub use makai_string::{SmolStr, Str, StringBuilder};

#[cfg(feature = "string")]
pub use makai_string::{EncStr, Encoding, PathBuffer, ZStr, encode, path_buffer, zstr};

#[cfg(feature = "collections")]
pub use makai_collections::{BitSet, DynBitSet, HiveArray, HiveBox, HiveFallback, LinearFifo};

#[cfg(feature = "task")]
pub use makai_task::{
    EventLoop, KeepAlive, LoopHandle, LoopTask, ResetEvent, ThreadPool, UnboundedQueue, WaitGroup,
};

/// The types and traits most makai code uses: `use makai::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "error")]
    pub use makai_error::{AllocError, Errno, HandleOom, Maybe, OomError, SysError, Syscall};

    #[cfg(feature = "alloc")]
    pub use makai_alloc::{Allocator, Arena, Global, StackFallback};

    #[cfg(feature = "ptr")]
    pub use makai_ptr::{AtomicShared, CowBytes, CowSlice, CowStr, MaybeOwned, RefPtr, Shared};

    #[cfg(feature = "collections")]
    pub use makai_collections::{BitSet, DynBitSet, HiveArray, HiveBox, HiveFallback, LinearFifo};

    #[cfg(feature = "string")]
    pub use makai_string::{SmolStr, Str, StringBuilder};

    #[cfg(feature = "task")]
    pub use makai_task::{EventLoop, KeepAlive, LoopTask, ThreadPool, WaitGroup};
}
