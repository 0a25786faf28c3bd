//! The atomics, threads and futex this crate uses: from `std` (and the futex syscall on Linux)
//! normally, from `loom` under `cfg(makai_loom)`, so the models in `tests/loom.rs` explore the
//! real protocols.

#[cfg(makai_loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};
#[cfg(not(makai_loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

#[cfg(makai_loom)]
pub(crate) use loom::sync::Arc;
#[cfg(not(makai_loom))]
pub(crate) use std::sync::Arc;

#[cfg(makai_loom)]
pub(crate) use loom::thread;
#[cfg(not(makai_loom))]
pub(crate) use std::thread;

use std::time::Duration;

/// One step of a spin wait: a CPU hint normally, a scheduling point under loom (a spin loop
/// that never yields would never let loom run the thread it waits for).
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(makai_loom)]
    loom::thread::yield_now();
    #[cfg(not(makai_loom))]
    std::hint::spin_loop();
}

/// A 32-bit word that threads can sleep on until another thread changes it and wakes them:
/// the futex interface (`FUTEX_WAIT_PRIVATE`/`FUTEX_WAKE_PRIVATE` on Linux).
///
/// On other targets, and under loom, a mutex and condition variable stand in for the kernel's
/// wait queue: `wait` re-checks the word under the mutex and `wake` takes the mutex before it
/// notifies, so a change made before `wake` is never missed.
pub(crate) struct Futex {
    word: AtomicU32,
    #[cfg(any(makai_loom, not(any(target_os = "linux", target_os = "android"))))]
    queue: Fallback,
}

#[cfg(any(makai_loom, not(any(target_os = "linux", target_os = "android"))))]
struct Fallback {
    #[cfg(makai_loom)]
    lock: loom::sync::Mutex<()>,
    #[cfg(makai_loom)]
    cv: loom::sync::Condvar,
    #[cfg(not(makai_loom))]
    lock: std::sync::Mutex<()>,
    #[cfg(not(makai_loom))]
    cv: std::sync::Condvar,
}

impl Futex {
    pub(crate) fn new(value: u32) -> Self {
        Self {
            word: AtomicU32::new(value),
            #[cfg(any(makai_loom, not(any(target_os = "linux", target_os = "android"))))]
            queue: Fallback {
                lock: Default::default(),
                cv: Default::default(),
            },
        }
    }

    /// The word itself, for loads, stores and read-modify-writes.
    #[inline]
    pub(crate) fn word(&self) -> &AtomicU32 {
        &self.word
    }

    /// Sleeps while the word equals `expected`, at most `timeout` (forever when `None`).
    ///
    /// May return early (spuriously, or because the word changed); callers re-check their
    /// condition in a loop. Under loom a timed wait returns at once (loom has no clock).
    pub(crate) fn wait(&self, expected: u32, timeout: Option<Duration>) {
        #[cfg(all(not(makai_loom), any(target_os = "linux", target_os = "android")))]
        {
            let ts = timeout.map(|d| libc::timespec {
                tv_sec: libc::time_t::try_from(d.as_secs()).unwrap_or(libc::time_t::MAX),
                // Below 10^9: fits `c_long` on every target (32 bits or more).
                tv_nsec: d.subsec_nanos() as libc::c_long,
            });
            let ts_ptr = ts.as_ref().map_or(std::ptr::null(), std::ptr::from_ref);
            // SAFETY: FUTEX_WAIT reads the aligned u32 behind `as_ptr()` (alive for the whole
            // call, as `self` is borrowed) and the optional relative timeout behind `ts_ptr`
            // (null or a live local). EINTR, EAGAIN and ETIMEDOUT are all "return early",
            // which the caller's loop handles, so the result is not inspected.
            unsafe {
                libc::syscall(
                    libc::SYS_futex,
                    self.word.as_ptr(),
                    libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                    expected,
                    ts_ptr,
                );
            }
        }
        #[cfg(any(makai_loom, not(any(target_os = "linux", target_os = "android"))))]
        {
            let guard = self.queue.lock.lock().unwrap_or_else(|e| e.into_inner());
            // SeqCst: this load and the waker's store are ordered through the mutex as well;
            // SeqCst keeps the emulation at least as strong as the kernel's check.
            if self.word.load(Ordering::SeqCst) != expected {
                return;
            }
            #[cfg(makai_loom)]
            {
                if timeout.is_some() {
                    return;
                }
                drop(self.queue.cv.wait(guard));
            }
            #[cfg(not(makai_loom))]
            match timeout {
                Some(d) => drop(self.queue.cv.wait_timeout(guard, d)),
                None => drop(self.queue.cv.wait(guard)),
            }
        }
    }

    /// Wakes up to `n` threads sleeping in [`wait`](Futex::wait) (`u32::MAX`: all of them).
    pub(crate) fn wake(&self, n: u32) {
        #[cfg(all(not(makai_loom), any(target_os = "linux", target_os = "android")))]
        {
            let n = libc::c_int::try_from(n).unwrap_or(libc::c_int::MAX);
            // SAFETY: FUTEX_WAKE only uses the address as a key to find sleepers; it does not
            // access memory. The count of woken threads is not needed.
            unsafe {
                libc::syscall(
                    libc::SYS_futex,
                    self.word.as_ptr(),
                    libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                    n,
                );
            }
        }
        #[cfg(any(makai_loom, not(any(target_os = "linux", target_os = "android"))))]
        {
            // Taking the lock orders this wake after any waiter's check of the word.
            drop(self.queue.lock.lock().unwrap_or_else(|e| e.into_inner()));
            if n == 1 {
                self.queue.cv.notify_one();
            } else {
                self.queue.cv.notify_all();
            }
        }
    }
}

impl std::fmt::Debug for Futex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Futex")
            .field("word", &self.word.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A sequentially consistent fence (loom's under `cfg(makai_loom)`).
#[inline]
pub(crate) fn fence_seq_cst() {
    #[cfg(makai_loom)]
    loom::sync::atomic::fence(Ordering::SeqCst);
    #[cfg(not(makai_loom))]
    std::sync::atomic::fence(Ordering::SeqCst);
}
