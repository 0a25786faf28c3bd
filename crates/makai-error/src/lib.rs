#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

extern crate alloc;

mod abort;
pub mod cleanup;
mod errno;
mod fd;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod fs;
#[cfg(feature = "std")]
mod fs_error;
mod oom;
mod sys_error;
mod syscall;

#[doc(hidden)]
pub use abort::abort_with;
pub use errno::Errno;
pub use fd::{Fd, NegativeFd};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use fs_error::FsError;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use oom::set_oom_hook;
pub use oom::{AllocError, HandleOom, OomError, out_of_memory};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use sys_error::check;
pub use sys_error::{Maybe, SysError};
pub use syscall::Syscall;
