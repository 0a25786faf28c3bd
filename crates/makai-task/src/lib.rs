#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]

mod event_loop;
mod pool;
mod promise;
mod queue;
mod sleep;
mod sync;
mod wait;

#[cfg(feature = "mio")]
#[cfg_attr(docsrs, doc(cfg(feature = "mio")))]
pub use event_loop::WAKER_TOKEN;
pub use event_loop::{
    ConcurrentKeepAlive, ConcurrentTask, EventLoop, KeepAlive, KeepAliveStatus, LoopHandle,
    LoopTask, TimerId,
};
pub use makai_error::AllocError;
pub use pool::{Task, TaskPanicked, ThreadPool};
pub use queue::{Batch, Consumer, Link, Linked, UnboundedQueue};
pub use wait::{ResetEvent, WaitGroup};

/// Internals the loom models in `tests/loom.rs` drive directly (only under `cfg(makai_loom)`).
#[cfg(makai_loom)]
#[doc(hidden)]
pub mod loom_support {
    pub use crate::sleep::Sleepers;
}
