#![doc = include_str!("../README.md")]

mod cow;
mod cow_cstr;
mod cow_str;
mod maybe_owned;
mod refcount;
mod shared;
mod sync;

pub use cow::CowSlice;
pub use cow_cstr::{CowCStr, InteriorNulError};
pub use cow_str::{CowBytes, CowStr};
pub use maybe_owned::MaybeOwned;
pub use refcount::{AtomicRefCount, Counter, RefCount, RefCounted, RefPtr};
pub use shared::{AtomicShared, Shared};
