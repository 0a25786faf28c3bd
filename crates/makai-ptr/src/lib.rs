#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

extern crate alloc;

mod cow;
mod cow_cstr;
mod cow_str;
mod into_static;
mod maybe_owned;
mod overflow;
mod refcount;
#[cfg(feature = "serde")]
mod serde_impl;
mod shared;
mod sync;
mod tagged;

pub use cow::CowSlice;
pub use cow_cstr::{CowCStr, InteriorNulError};
pub use cow_str::{CowBytes, CowStr};
pub use into_static::IntoStatic;
pub use maybe_owned::MaybeOwned;
pub use refcount::{AtomicRefCount, Counter, RefCount, RefCounted, RefPtr};
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use serde_impl::serde_seq;
pub use shared::{AtomicShared, Shared};
pub use tagged::{TagScheme, TaggedPayload, TaggedPtr};

/// What `ref_counted!` expands to calls these; not a public interface.
#[doc(hidden)]
pub use refcount::private as __refcount;

/// What `tagged_union!` expands to calls these; not a public interface.
#[doc(hidden)]
pub use tagged::union::private as __tagged;

/// The reference-count overflow rule, shared with makai-string's `Str`; not a public interface.
#[doc(hidden)]
pub mod __overflow {
    pub use crate::overflow::{MAX_REF_COUNT, OVERFLOW_MESSAGE, check_incremented, overflow_abort};
}
