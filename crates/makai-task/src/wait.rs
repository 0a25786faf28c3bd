//! [`WaitGroup`] and [`ResetEvent`]: futex-backed waits (Bun's `WaitGroup` and
//! `ResetEvent`), one 32-bit word each on Linux.

use std::fmt;
use std::time::{Duration, Instant};

use crate::sync::{Futex, Ordering};

/// Waits for a count of jobs to finish (Bun's `WaitGroup`; Go's `sync.WaitGroup`).
///
/// [`add`](WaitGroup::add) before handing out work, [`done`](WaitGroup::done) once per job,
/// [`wait`](WaitGroup::wait) until the count is back to zero. Everything a job wrote before
/// its `done` is visible after `wait` returns.
///
/// ```
/// use makai_task::WaitGroup;
/// use std::sync::Arc;
///
/// let wg = Arc::new(WaitGroup::new());
/// wg.add(4);
/// for _ in 0..4 {
///     let wg = Arc::clone(&wg);
///     std::thread::spawn(move || wg.done());
/// }
/// wg.wait();
/// assert_eq!(wg.count(), 0);
/// ```
pub struct WaitGroup {
    count: Futex,
}

impl WaitGroup {
    /// A wait group with a count of zero.
    #[must_use]
    pub fn new() -> Self {
        Self {
            count: Futex::new(0),
        }
    }

    /// Adds `n` jobs to the count.
    ///
    /// # Panics
    ///
    /// If the count would exceed `u32::MAX`.
    pub fn add(&self, n: u32) {
        // Relaxed: like a reference-count increment, the new jobs are handed out after this
        // call by the same thread; `done`'s Release carries their results.
        let prev = self.count.word().fetch_add(n, Ordering::Relaxed);
        if prev.checked_add(n).is_none() {
            self.count.word().fetch_sub(n, Ordering::Relaxed);
            panic!("WaitGroup::add: the count overflows u32");
        }
    }

    /// Marks one job finished; wakes the waiters when it was the last one.
    ///
    /// # Panics
    ///
    /// If the count is already zero (more `done`s than `add`s).
    #[doc(alias = "finish")]
    pub fn done(&self) {
        // Release: pairs with `wait`'s Acquire load, so the job's writes are visible to the
        // waiter. (Weakened to Relaxed, the loom model `wait_group` sees a data race.)
        let prev = self.count.word().fetch_sub(1, Ordering::Release);
        if prev == 0 {
            self.count.word().fetch_add(1, Ordering::Relaxed);
            panic!("WaitGroup::done called more times than add");
        }
        if prev == 1 {
            self.count.wake(u32::MAX);
        }
    }

    /// Blocks until the count is zero (returns at once if it is).
    pub fn wait(&self) {
        loop {
            // Acquire: pairs with `done`'s Release.
            let n = self.count.word().load(Ordering::Acquire);
            if n == 0 {
                return;
            }
            self.count.wait(n, None);
        }
    }

    /// The current count (a snapshot).
    #[must_use]
    pub fn count(&self) -> u32 {
        self.count.word().load(Ordering::Relaxed)
    }
}

impl Default for WaitGroup {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for WaitGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitGroup")
            .field("count", &self.count())
            .finish()
    }
}

const UNSET: u32 = 0;
const WAITING: u32 = 1;
const SET: u32 = 2;

/// A one-shot event: threads [`wait`](ResetEvent::wait) until some thread calls
/// [`set`](ResetEvent::set); once set it stays set (until [`reset`](ResetEvent::reset)
/// through `&mut`). Bun's `ResetEvent`.
///
/// `set` makes everything written before it visible to the threads its wait releases; it
/// enters the kernel only when someone sleeps.
///
/// ```
/// use makai_task::ResetEvent;
/// use std::sync::Arc;
///
/// let ready = Arc::new(ResetEvent::new());
/// let setter = Arc::clone(&ready);
/// let t = std::thread::spawn(move || setter.set());
/// ready.wait();
/// assert!(ready.is_set());
/// t.join().unwrap();
/// ```
pub struct ResetEvent {
    state: Futex,
}

impl ResetEvent {
    /// An event that is not set.
    #[must_use]
    pub fn new() -> Self {
        Self {
            state: Futex::new(UNSET),
        }
    }

    /// Whether the event is set.
    #[must_use]
    pub fn is_set(&self) -> bool {
        // Acquire: pairs with `set`'s Release, so `true` comes with the setter's writes.
        self.state.word().load(Ordering::Acquire) == SET
    }

    /// Sets the event and wakes every waiter. Setting it again does nothing.
    pub fn set(&self) {
        // Release: pairs with the waiters' Acquire loads.
        if self.state.word().swap(SET, Ordering::Release) == WAITING {
            self.state.wake(u32::MAX);
        }
    }

    /// Blocks until the event is set.
    pub fn wait(&self) {
        while !self.wait_step(None) {}
    }

    /// Blocks until the event is set or `timeout` passed; returns whether it is set.
    #[must_use]
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        loop {
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return self.is_set(),
                },
                None => None,
            };
            if self.wait_step(left) {
                return true;
            }
        }
    }

    /// One sleep; returns whether the event is set.
    fn wait_step(&self, timeout: Option<Duration>) -> bool {
        // Acquire: pairs with `set`'s Release.
        let mut state = self.state.word().load(Ordering::Acquire);
        if state == SET {
            return true;
        }
        if state == UNSET {
            // Relaxed on both sides: this only announces a sleeper; the Acquire load after
            // the wait carries the synchronisation.
            match self.state.word().compare_exchange(
                UNSET,
                WAITING,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => state = WAITING,
                Err(s) => state = s,
            }
            if state == SET {
                return self.is_set();
            }
        }
        self.state.wait(WAITING, timeout);
        self.is_set()
    }

    /// Makes the event unset again (`&mut`: no thread can be waiting).
    pub fn reset(&mut self) {
        self.state.word().store(UNSET, Ordering::Relaxed);
    }
}

impl Default for ResetEvent {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ResetEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetEvent")
            .field("is_set", &self.is_set())
            .finish()
    }
}
