#![doc = include_str!("../README.md")]

mod allocator;
mod global;

pub use allocator::Allocator;
pub use global::Global;
pub use makai_error::AllocError;
