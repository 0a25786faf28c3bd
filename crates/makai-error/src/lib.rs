#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod cleanup;
mod errno;
mod fd;
pub mod fs;
mod fs_error;
mod oom;
mod sys_error;
mod syscall;

pub use errno::Errno;
pub use fd::{Fd, NegativeFd};
pub use fs_error::FsError;
pub use oom::{AllocError, HandleOom, OomError, out_of_memory, set_oom_hook};
pub use sys_error::{Maybe, SysError, check};
pub use syscall::Syscall;
