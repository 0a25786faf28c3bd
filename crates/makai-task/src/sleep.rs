//! The park/wake handshake of idle pool workers (public only so the loom models can drive it).
#![cfg_attr(
    not(makai_loom),
    expect(
        unreachable_pub,
        reason = "public only for the loom models in tests/loom.rs"
    )
)]

use std::fmt;

use crate::sync::{AtomicU32, Futex, Ordering};

/// The park/wake handshake of idle workers: an event count on a futex.
///
/// A worker that found no work reads the epoch, announces itself idle, looks for work once
/// more, and only then sleeps on the epoch. A scheduler publishes the work, then checks for
/// idle workers and bumps the epoch before waking them. The two sides each do "write, SeqCst
/// fence, read", so at least one sees the other: either the worker finds the new work, or the
/// scheduler sees the idle worker, and the epoch bump makes its futex wait return.
#[doc(hidden)]
pub struct Sleepers {
    epoch: Futex,
    idle: AtomicU32,
}

impl Sleepers {
    /// No worker idle.
    #[must_use]
    pub fn new() -> Self {
        Self {
            epoch: Futex::new(0),
            idle: AtomicU32::new(0),
        }
    }

    /// Wakes up to `n` idle workers. Call it after publishing the work they should find.
    pub fn notify(&self, n: u32) {
        // SeqCst fence: pairs with the fence in `park` (the Dekker pattern): either this
        // load sees the worker's `idle` increment, or the worker's re-check sees our work.
        // (Removing it loses wake-ups; the loom model `pool_park_wake` catches that.)
        crate::sync::fence_seq_cst();
        // Relaxed: ordered by the fence above.
        if self.idle.load(Ordering::Relaxed) == 0 {
            return;
        }
        // Release: a worker whose wait returns sees the work published before this call.
        self.epoch.word().fetch_add(1, Ordering::Release);
        self.epoch.wake(n);
    }

    /// Sleeps unless `has_work` finds something after the worker announced itself idle.
    pub fn park(&self, has_work: impl Fn() -> bool) {
        // Acquire: pairs with the Release bump in `notify`.
        let key = self.epoch.word().load(Ordering::Acquire);
        // Relaxed: ordered by the fence below.
        self.idle.fetch_add(1, Ordering::Relaxed);
        // SeqCst fence: pairs with the one in `notify`.
        crate::sync::fence_seq_cst();
        if !has_work() {
            self.epoch.wait(key, None);
        }
        // Relaxed: only a hint for `notify`; a stale count causes at most one extra wake.
        self.idle.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Default for Sleepers {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Sleepers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleepers")
            .field("idle", &self.idle.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
