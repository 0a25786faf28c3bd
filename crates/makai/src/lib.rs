#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]
#![doc = ""]
#![doc = include_str!("../GUIDE.md")]
#![forbid(unsafe_code)]

// Note: no `extern crate alloc` here: it would clash with the `alloc` module (E0255).

// Each crate is a module of the facade holding a glob re-export of the crate, not an alias
// (`pub use makai_error as error`): rustc prints the path of a crate re-exported under an alias
// with the crate's own name (`makai::makai_error::fs::read_to_string`), while a glob re-export
// in a module is printed as `makai::error::fs::read_to_string`. The test
// `tests/diagnostic_paths.rs` checks what rustc prints.

/// Errors with errno, syscall and path (`SysError`, `Errno`, `Syscall`, `Maybe`), file
/// operations reporting them (`fs`), out-of-memory handling and cleanup guards: the
/// `makai-error` crate.
#[cfg(feature = "error")]
#[cfg_attr(docsrs, doc(cfg(feature = "error")))]
pub mod error {
    #[doc(inline)]
    pub use makai_error::*;
}

/// The `Allocator` trait on stable, `Global`, mimalloc heaps, bump arenas and their pool,
/// stack-buffer-with-fallback and leak-checking test allocators: the `makai-alloc` crate.
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub mod alloc {
    #[doc(inline)]
    pub use makai_alloc::*;
}

/// Copy-on-write slices and strings, `MaybeOwned`, reference counting, tagged pointers and
/// `IntoStatic`: the `makai-ptr` crate.
#[cfg(feature = "ptr")]
#[cfg_attr(docsrs, doc(cfg(feature = "ptr")))]
pub mod ptr {
    #[doc(inline)]
    pub use makai_ptr::*;
}

/// Small shared strings (`SmolStr`, `Str`), interners, the two-phase `StringBuilder`,
/// NUL-terminated and encoded strings, path buffers and transcoding: the `makai-string` crate.
#[cfg(feature = "string")]
#[cfg_attr(docsrs, doc(cfg(feature = "string")))]
pub mod string {
    #[doc(inline)]
    pub use makai_string::*;
}

/// `HiveArray` pools, bit sets and `LinearFifo` ring buffers: the `makai-collections` crate.
#[cfg(feature = "collections")]
#[cfg_attr(docsrs, doc(cfg(feature = "collections")))]
pub mod collections {
    #[doc(inline)]
    pub use makai_collections::*;
}

/// The intrusive MPSC queue, the work-stealing pool, futex waits and the one-thread event
/// loop: the `makai-task` crate.
#[cfg(feature = "task")]
#[cfg_attr(docsrs, doc(cfg(feature = "task")))]
pub mod task {
    #[doc(inline)]
    pub use makai_task::*;
}

#[cfg(feature = "error")]
#[cfg_attr(docsrs, doc(cfg(feature = "error")))]
#[doc(no_inline)]
pub use makai_error::{
    AllocError, Errno, Fd, HandleOom, Maybe, OomError, SysError, Syscall,
    cleanup::{defer, errdefer},
};

#[cfg(all(feature = "error", feature = "std"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "error", feature = "std"))))]
#[doc(no_inline)]
pub use makai_error::FsError;

#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[doc(no_inline)]
pub use makai_alloc::{
    Allocator, Arena, ArenaBox, BufferFallback, Global, NoAlloc, NullableAllocator, StackFallback,
};

#[cfg(all(feature = "alloc", feature = "std"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "alloc", feature = "std"))))]
#[doc(no_inline)]
pub use makai_alloc::{
    ArenaPool, DebugScope, Failing, LeakReport, MiHeap, Mimalloc, PooledArena, Tracked,
};

#[cfg(feature = "ptr")]
#[cfg_attr(docsrs, doc(cfg(feature = "ptr")))]
#[doc(no_inline)]
pub use makai_ptr::{
    AtomicRefCount, AtomicShared, CowBytes, CowCStr, CowSlice, CowStr, IntoStatic, MaybeOwned,
    RefCount, RefCounted, RefPtr, Shared, TagScheme, TaggedPtr, ref_counted, tagged_union,
};

#[cfg(feature = "string")]
#[cfg_attr(docsrs, doc(cfg(feature = "string")))]
#[doc(no_inline)]
pub use makai_string::{
    EncStr, Encoding, Interner, PathBuffer, SmolStr, Str, StringBuilder, ZStr, encode, zstr,
};

#[cfg(all(feature = "string", feature = "std"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "string", feature = "std"))))]
#[doc(no_inline)]
pub use makai_string::{SyncInterner, path_buffer};

#[cfg(feature = "collections")]
#[cfg_attr(docsrs, doc(cfg(feature = "collections")))]
#[doc(no_inline)]
pub use makai_collections::{
    AutoBitSet, BitSet, DynBitSet, FallbackBox, HiveArray, HiveBox, HiveFallback, LinearFifo,
};

#[cfg(feature = "task")]
#[cfg_attr(docsrs, doc(cfg(feature = "task")))]
#[doc(no_inline)]
pub use makai_task::{
    ConcurrentTask, EventLoop, KeepAlive, LoopHandle, LoopTask, ResetEvent, ThreadPool,
    UnboundedQueue, WaitGroup,
};

/// The types and traits most makai code uses: `use makai::prelude::*;`.
///
/// Every name here is also at the crate root (`makai::SysError`, `makai::defer`, ...), so code
/// can move between `use makai::prelude::*` and `makai::Name` freely.
pub mod prelude {
    #[cfg(feature = "error")]
    #[cfg_attr(docsrs, doc(cfg(feature = "error")))]
    #[doc(no_inline)]
    pub use crate::{
        AllocError, Errno, HandleOom, Maybe, OomError, SysError, Syscall, defer, errdefer,
    };

    #[cfg(all(feature = "error", feature = "std"))]
    #[cfg_attr(docsrs, doc(cfg(all(feature = "error", feature = "std"))))]
    #[doc(no_inline)]
    pub use crate::FsError;

    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    #[doc(no_inline)]
    pub use crate::{Allocator, Arena, Global, StackFallback};

    #[cfg(feature = "ptr")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ptr")))]
    #[doc(no_inline)]
    pub use crate::{
        AtomicShared, CowBytes, CowSlice, CowStr, IntoStatic, MaybeOwned, RefPtr, Shared,
    };

    #[cfg(feature = "collections")]
    #[cfg_attr(docsrs, doc(cfg(feature = "collections")))]
    #[doc(no_inline)]
    pub use crate::{BitSet, DynBitSet, FallbackBox, HiveArray, HiveBox, HiveFallback, LinearFifo};

    #[cfg(feature = "string")]
    #[cfg_attr(docsrs, doc(cfg(feature = "string")))]
    #[doc(no_inline)]
    pub use crate::{SmolStr, Str, StringBuilder};

    #[cfg(feature = "task")]
    #[cfg_attr(docsrs, doc(cfg(feature = "task")))]
    #[doc(no_inline)]
    pub use crate::{EventLoop, KeepAlive, LoopTask, ThreadPool, WaitGroup};
}
