//! The park/wake handshake of idle pool workers (public only so the loom models can drive it).
#![cfg_attr(
    not(makai_loom),
    expect(
        unreachable_pub,
        reason = "public only for the loom models in tests/loom.rs"
    )
)]

use std::fmt;

use crossbeam_utils::CachePadded;

use crate::sync::{AtomicU32, Futex, Ordering};

/// A worker's slot word: running or searching.
const AWAKE: u32 = 0;
/// A worker's slot word: announced asleep and not yet claimed by a waker.
const SLEEPING: u32 = 1;

/// The park/wake handshake of idle workers: one futex word per worker and a count of the
/// sleeping ones.
///
/// A worker that found no work marks its slot `SLEEPING`, counts itself in `sleeping`, looks
/// for work once more, and only then sleeps on its slot. A scheduler publishes the work, then
/// reads `sleeping`: when it is 0 (the common case while the workers are busy or still
/// spinning) `notify` costs a fence and a load and makes no syscall. Otherwise it *claims*
/// sleeping workers, flipping their slot back to `AWAKE` with a compare-exchange and taking
/// them out of the count, and wakes exactly those. A claimed worker no longer counts as
/// sleeping, so the schedulers that follow while it is still waking up do not wake it again
/// (one syscall per sleep, not one per scheduled task).
///
/// No lost wake-up: the two sides each do "write, SeqCst fence, read". Either the
/// scheduler's read of `sleeping` sees the worker's announcement (and its `SLEEPING` slot), or
/// the worker's re-check sees the new work. A worker whose re-check finds work takes back its
/// announcement, unless a scheduler claimed it first (then it simply goes back to work).
#[doc(hidden)]
pub struct Sleepers {
    /// Workers whose slot is `SLEEPING`: announced, not yet claimed or taken back.
    sleeping: CachePadded<AtomicU32>,
    /// One futex word per worker (`AWAKE` or `SLEEPING`), on its own cache line.
    slots: Box<[CachePadded<Futex>]>,
}

impl Sleepers {
    /// The handshake for `workers` workers, none asleep.
    #[must_use]
    pub fn new(workers: usize) -> Self {
        Self {
            sleeping: CachePadded::new(AtomicU32::new(0)),
            slots: (0..workers)
                .map(|_| CachePadded::new(Futex::new(AWAKE)))
                .collect(),
        }
    }

    /// The number of workers asleep and not yet claimed by a waker.
    #[must_use]
    pub fn sleeping(&self) -> u32 {
        // Relaxed: a snapshot for callers that only report it.
        self.sleeping.load(Ordering::Relaxed)
    }

    /// Wakes up to `n` sleeping workers. Call it after publishing the work they should find.
    pub fn notify(&self, mut n: u32) {
        // SeqCst fence: pairs with the fence in `park` (the Dekker pattern): either this
        // load sees the worker's announcement, or the worker's re-check sees our work.
        // (Removing it loses wake-ups; the loom models `pool_park_wake` and
        // `pool_park_wake_claims` catch that.)
        crate::sync::fence_seq_cst();
        // Relaxed: ordered by the fence above. No sleeper: no claim, no syscall.
        if self.sleeping.load(Ordering::Relaxed) == 0 {
            return;
        }
        for slot in &self.slots {
            if n == 0 {
                break;
            }
            // Relaxed peek: skips awake workers without a read-modify-write.
            if slot.word().load(Ordering::Relaxed) != SLEEPING {
                continue;
            }
            // Acquire: pairs with the Release store of `SLEEPING` in `park`, so the worker's
            // increment of `sleeping` comes before our decrement (the count never wraps).
            // Release: the worker whose wait loop reads `AWAKE` sees what we published.
            if slot
                .word()
                .compare_exchange(SLEEPING, AWAKE, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                // Relaxed: the count is only read behind the fences.
                self.sleeping.fetch_sub(1, Ordering::Relaxed);
                slot.wake(1);
                n -= 1;
            }
        }
    }

    /// Worker `index` sleeps until a [`notify`](Sleepers::notify) claims it, unless
    /// `has_work` finds something after the worker announced itself asleep.
    ///
    /// # Panics
    ///
    /// If `index` is not below the worker count given to [`new`](Sleepers::new).
    pub fn park(&self, index: usize, has_work: impl Fn() -> bool) {
        let slot = &self.slots[index];
        // Relaxed: the Release store below publishes it to a claiming waker.
        self.sleeping.fetch_add(1, Ordering::Relaxed);
        // Release: pairs with the claim's Acquire (see `notify`).
        slot.word().store(SLEEPING, Ordering::Release);
        // SeqCst fence: pairs with the one in `notify`.
        crate::sync::fence_seq_cst();
        if has_work() {
            // Take the announcement back, unless a waker claimed us already (it then took us
            // out of the count itself). Relaxed: nothing is published through the slot here.
            if slot
                .word()
                .compare_exchange(SLEEPING, AWAKE, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                self.sleeping.fetch_sub(1, Ordering::Relaxed);
            }
            return;
        }
        // Acquire: pairs with the claim's Release. A spurious return (or a late wake from an
        // earlier claim) finds the slot still `SLEEPING` and waits again.
        while slot.word().load(Ordering::Acquire) == SLEEPING {
            slot.wait(SLEEPING, None);
        }
    }
}

impl fmt::Debug for Sleepers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleepers")
            .field("workers", &self.slots.len())
            .field("sleeping", &self.sleeping())
            .finish_non_exhaustive()
    }
}
