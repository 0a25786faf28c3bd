#![doc = include_str!("../README.md")]

mod builder;
mod common;
pub mod encode;
mod last_byte;
mod repr;
#[cfg(feature = "serde")]
mod serde_impl;
mod shared;
mod smol;
#[cfg(feature = "smol_str")]
mod smol_str_impl;
mod sync;

pub use builder::{Filler, StringBuilder};
pub use makai_error::AllocError;
pub use shared::Str;
pub use smol::SmolStr;
