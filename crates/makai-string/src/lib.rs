#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

extern crate alloc;

mod builder;
mod common;
mod convert;
mod enc_str;
mod enc_tag;
pub mod encode;
mod interner;
mod last_byte;
mod path_buffer;
mod repr;
#[cfg(feature = "serde")]
mod serde_impl;
mod shared;
mod smol;
#[cfg(feature = "smol_str")]
mod smol_str_impl;
mod sync;
mod zstr;

pub use builder::{DisplayLen, Filler, StringBuilder};
pub use enc_str::{EncStr, Encoding};
pub use interner::Interner;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use interner::SyncInterner;
pub use makai_error::AllocError;
/// The string [`EncStr::to_utf8`] returns (re-exported from makai-ptr).
pub use makai_ptr::CowStr;
pub use path_buffer::{PATH_MAX, PathBuffer, PathBufferError};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use path_buffer::{PooledPathBuffer, path_buffer};
pub use shared::Str;
pub use smol::SmolStr;
pub use zstr::{ZStr, ZStrError};
