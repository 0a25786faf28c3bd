//! Test support shared by makai's test suites: code that several `tests/` binaries used to
//! carry a copy of. Only `[dev-dependencies]` name this crate (it is `publish = false`).
//!
//! - [`ThreadCounting`]: a global allocator that forwards to [`System`] and counts, per thread,
//!   the allocations, reallocations and frees it sees; [`count_in`] reads what a closure did.
//!   A suite registers it itself:
//!
//!   ```
//!   #[global_allocator]
//!   static GLOBAL: makai_testkit::ThreadCounting = makai_testkit::ThreadCounting;
//!
//!   let (v, counts) = makai_testkit::count_in(|| vec![1u8, 2, 3]);
//!   assert_eq!((v.len(), counts.allocs, counts.frees), (3, 1, 0));
//!   ```
//!
//! - [`proptest_config`]: the default proptest settings without failure files, and 4 cases
//!   under Miri.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::thread::LocalKey;

use proptest::test_runner::Config as ProptestConfig;

/// Proptest settings for tests that also run under Miri: the default configuration (so
/// `PROPTEST_CASES` applies natively), without failure persistence (it needs the file system,
/// which Miri's isolation forbids), and 4 cases under Miri whatever the environment says.
pub fn proptest_config() -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if cfg!(miri) { 4 } else { default.cases },
        failure_persistence: None,
        ..default
    }
}

/// A global allocator that forwards every call to [`System`] unchanged and counts, per
/// thread, the calls it sees, so tests running in parallel do not see each other's
/// allocations. `alloc_zeroed` is counted as an allocation (the trait's default calls `alloc`).
///
/// It counts only once a test binary registers it with `#[global_allocator]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadCounting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    static REALLOCS: Cell<usize> = const { Cell::new(0) };
    static FREES: Cell<usize> = const { Cell::new(0) };
}

fn bump(counter: &'static LocalKey<Cell<usize>>) {
    // `try_with`: the allocator may run while thread locals are being torn down.
    let _ = counter.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract is exactly `System`'s; the counters do not touch memory.
unsafe impl GlobalAlloc for ThreadCounting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(&ALLOCS);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract for `layout`.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        bump(&FREES);
        // SAFETY: `ptr` was allocated by `System` (through this allocator) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump(&REALLOCS);
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// The calls [`ThreadCounting`] saw on one thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// `alloc` and `alloc_zeroed` calls.
    pub allocs: usize,
    /// `realloc` calls (not counted in `allocs` or `frees`).
    pub reallocs: usize,
    /// `dealloc` calls.
    pub frees: usize,
}

impl Counts {
    /// This thread's totals so far.
    pub fn now() -> Self {
        Self {
            allocs: ALLOCS.with(Cell::get),
            reallocs: REALLOCS.with(Cell::get),
            frees: FREES.with(Cell::get),
        }
    }
}

/// Runs `f` and returns its result with the calls this thread made to [`ThreadCounting`]
/// meanwhile (all zero when it is not the registered global allocator).
pub fn count_in<R>(f: impl FnOnce() -> R) -> (R, Counts) {
    let before = Counts::now();
    let r = f();
    let after = Counts::now();
    let counts = Counts {
        allocs: after.allocs - before.allocs,
        reallocs: after.reallocs - before.reallocs,
        frees: after.frees - before.frees,
    };
    (r, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[global_allocator]
    static GLOBAL: ThreadCounting = ThreadCounting;

    #[test]
    fn counts_this_threads_calls() {
        let (v, counts) = count_in(|| {
            let mut v: Vec<u64> = Vec::with_capacity(1);
            v.extend([1, 2, 3]);
            v
        });
        assert_eq!(
            counts,
            Counts {
                allocs: 1,
                reallocs: 1,
                frees: 0
            }
        );
        let ((), counts) = count_in(|| drop(v));
        assert_eq!(counts.frees, 1);
        // Another thread's calls land in that thread's counters.
        let inner = std::thread::spawn(|| count_in(|| drop(vec![0u8; 64])).1)
            .join()
            .unwrap();
        assert_eq!((inner.allocs, inner.frees), (1, 1));
    }

    #[test]
    fn proptest_config_has_no_failure_file() {
        let config = proptest_config();
        assert!(config.failure_persistence.is_none());
        if cfg!(miri) {
            assert_eq!(config.cases, 4);
        }
    }
}
