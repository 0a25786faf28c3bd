//! Test helpers: run code against a leak-checking allocator ([`check_leaks`]) and through
//! every one of its allocation failures ([`check_all_allocation_failures`], Zig's
//! `std.testing.checkAllAllocationFailures`).
//!
//! Each check builds its own allocator values, so tests using them run in parallel like any
//! other test; nothing here touches the global allocator's configuration.
//!
//! ```
//! use makai_alloc::testing::{check_all_allocation_failures, check_leaks};
//! use allocator_api2::vec::Vec;
//!
//! // Clean code passes the leak check and gives its result back.
//! let sum = check_leaks(|alloc| {
//!     let mut v = Vec::new_in(alloc);
//!     v.extend([1, 2, 3]);
//!     v.iter().sum::<i32>()
//! })
//! .unwrap();
//! assert_eq!(sum, 6);
//!
//! // Code that propagates every allocation failure passes the failure check.
//! check_all_allocation_failures(|alloc| {
//!     let mut v = Vec::new_in(alloc);
//!     v.try_reserve(10)?;
//!     v.extend([1, 2, 3]);
//!     Ok::<(), allocator_api2::collections::TryReserveError>(())
//! })
//! .unwrap();
//! ```

use core::any::Any;
use core::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{Failing, Global, LeakReport, Tracked};

/// The allocator [`check_all_allocation_failures`] hands to the code under test: leak
/// tracking over an allocator that fails one chosen allocation.
pub type FailingTracked = Tracked<Failing<Global>>;

/// Runs `f` with a fresh [`Tracked<Global>`] and checks that it freed everything.
///
/// The closure's result cannot borrow the allocator, so everything it allocated must be
/// freed (or leaked) by the time it returns.
///
/// # Errors
///
/// The [`LeakReport`] of the blocks `f` left allocated. They stay allocated (leaked).
///
/// # Panics
///
/// If `f` panics (the allocator is then dropped quietly, without a second panic).
///
/// ```
/// use makai_alloc::testing::check_leaks;
/// use makai_alloc::{Allocator, Tracked};
/// use std::alloc::Layout;
///
/// let mut leaked = None;
/// let report = check_leaks(|alloc| {
///     leaked = Some(alloc.allocate(Layout::new::<[u8; 12]>()).unwrap());
/// })
/// .unwrap_err();
/// assert_eq!((report.leaked_blocks(), report.leaked_bytes()), (1, 12));
/// # // SAFETY: the leaked block is still allocated in `Global`.
/// # unsafe { makai_alloc::Global.deallocate(leaked.unwrap().cast(), Layout::new::<[u8; 12]>()) };
/// ```
///
/// Memory allocated in the check cannot escape it, because the result may not borrow the
/// allocator:
///
/// ```compile_fail
/// use makai_alloc::testing::check_leaks;
/// let v = check_leaks(|alloc| allocator_api2::vec::Vec::<u8, _>::new_in(alloc)).unwrap();
/// ```
pub fn check_leaks<R>(f: impl FnOnce(&Tracked<Global>) -> R) -> Result<R, LeakReport> {
    let tracked = Tracked::new(Global);
    let result = f(&tracked);
    tracked.finish().map(|_| result)
}

/// Runs `f` once to count its allocations, then once per allocation, failing exactly that one
/// (0, 1, 2, ...), and requires every failing run to return `Err` and leak nothing.
///
/// `f` receives a [`FailingTracked`] (`Tracked<Failing<Global>>`): allocate everything
/// through it. `f` must be deterministic: each run must make the same allocations in the
/// same order until the failure.
///
/// Runs are checked without backtraces (they are costly and every run repeats the same
/// work); when a run leaks, it is run again with backtraces so the report says where the
/// leaked blocks were allocated.
///
/// # Errors
///
/// A [`FailureReport`] for the first run that went wrong, naming the failing allocation's
/// index: the run panicked, returned `Ok` although its allocation failed (it swallowed the
/// out-of-memory error), never reached the allocation it was meant to fail (the number of
/// allocations changed between runs), or leaked. The counting run (no failure) must return
/// `Ok` and leak nothing.
///
/// ```
/// use makai_alloc::testing::check_all_allocation_failures;
/// use makai_alloc::AllocError;
/// use allocator_api2::boxed::Box;
///
/// check_all_allocation_failures(|alloc| {
///     let a = Box::try_new_in(1_u64, alloc).map_err(|_| AllocError)?;
///     let b = Box::try_new_in(2_u64, alloc).map_err(|_| AllocError)?;
///     assert_eq!(*a + *b, 3);
///     Ok::<(), AllocError>(())
/// })
/// .unwrap();
///
/// // Swallowing the failure of allocation 1 is caught, and the report names the index.
/// let report = check_all_allocation_failures(|alloc| {
///     let _a = Box::try_new_in(1_u64, alloc).map_err(|_| AllocError)?;
///     let _b = Box::try_new_in(2_u64, alloc).ok();
///     Ok::<(), AllocError>(())
/// })
/// .unwrap_err();
/// assert_eq!(report.failing_index(), Some(1));
/// ```
pub fn check_all_allocation_failures<E, F>(f: F) -> Result<(), FailureReport>
where
    E: fmt::Debug,
    F: FnMut(&FailingTracked) -> Result<(), E>,
{
    check_all_allocation_failures_counted(f).map(drop)
}

/// [`check_all_allocation_failures`], returning the number of allocations `f` makes (the
/// number of failure points checked) on success.
///
/// # Errors
///
/// As [`check_all_allocation_failures`].
///
/// ```
/// use makai_alloc::testing::check_all_allocation_failures_counted;
/// use allocator_api2::vec::Vec;
///
/// let points = check_all_allocation_failures_counted(|alloc| {
///     let mut v: Vec<u8, _> = Vec::new_in(alloc);
///     v.try_reserve_exact(4).map_err(|_| "oom")?;
///     v.try_reserve_exact(64).map_err(|_| "oom")?;
///     Ok::<(), &str>(())
/// })
/// .unwrap();
/// assert_eq!(points, 2);
/// ```
pub fn check_all_allocation_failures_counted<E, F>(mut f: F) -> Result<usize, FailureReport>
where
    E: fmt::Debug,
    F: FnMut(&FailingTracked) -> Result<(), E>,
{
    let counting = run(&mut f, None, 0);
    let allocations = counting.allocations;
    if let Some(kind) = counting.problem {
        return Err(FailureReport {
            index: None,
            allocations,
            kind: with_traces(kind, &mut f, None),
        });
    }
    for index in 0..allocations {
        let outcome = run(&mut f, Some(index), 0);
        if let Some(kind) = outcome.problem {
            return Err(FailureReport {
                index: Some(index),
                allocations,
                kind: with_traces(kind, &mut f, Some(index)),
            });
        }
    }
    Ok(allocations)
}

/// What one run found.
struct Outcome {
    allocations: usize,
    problem: Option<FailureKind>,
}

/// Runs `f` once with allocation `fail_at` failing (none if `None`).
fn run<E, F>(f: &mut F, fail_at: Option<usize>, depth: usize) -> Outcome
where
    E: fmt::Debug,
    F: FnMut(&FailingTracked) -> Result<(), E>,
{
    let failing = match fail_at {
        Some(k) => Failing::new(Global, k),
        None => Failing::counting(Global),
    };
    let tracked = Tracked::new(failing).with_backtrace_depth(depth);
    // `f` is not used again after a panic (the check stops at the first problem), and the
    // allocator's state stays consistent across a panic (see `Tracked::lock`).
    let result = catch_unwind(AssertUnwindSafe(|| f(&tracked)));
    let allocations = tracked.inner().allocations();
    let failed = tracked.inner().has_failed();
    let problem = match result {
        Err(payload) => Some(FailureKind::Panicked(panic_message(payload.as_ref()))),
        Ok(Ok(())) if failed => Some(FailureKind::SwallowedFailure),
        Ok(Ok(())) if fail_at.is_some() => Some(FailureKind::NotReached),
        Ok(Ok(())) => None,
        Ok(Err(e)) if !failed => Some(FailureKind::ErrorWithoutFailure(format!("{e:?}"))),
        Ok(Err(_)) => None,
    };
    let leaks = tracked.finish().err();
    Outcome {
        allocations,
        problem: problem.or(leaks.map(|r| FailureKind::Leaked(Box::new(r)))),
    }
}

/// For a leak found without backtraces, runs the same index again with backtraces to get a
/// report that says where the blocks were allocated.
fn with_traces<E, F>(kind: FailureKind, f: &mut F, fail_at: Option<usize>) -> FailureKind
where
    E: fmt::Debug,
    F: FnMut(&FailingTracked) -> Result<(), E>,
{
    if !matches!(kind, FailureKind::Leaked(_)) || crate::Tracked::DEFAULT_BACKTRACE_DEPTH == 0 {
        return kind;
    }
    match run(f, fail_at, crate::Tracked::DEFAULT_BACKTRACE_DEPTH).problem {
        Some(traced @ FailureKind::Leaked(_)) => traced,
        // Not deterministic after all: keep what the first run found.
        _ => kind,
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic payload that is not a string)".to_owned()
    }
}

/// Why [`check_all_allocation_failures`] failed, and at which allocation.
///
/// `Display` says which allocation was failing (or that it was the counting run) and what
/// went wrong; a leak includes the full [`LeakReport`], also available as the error's
/// `source()`.
///
/// ```
/// use makai_alloc::testing::{check_all_allocation_failures, FailureKind};
/// use makai_alloc::{Allocator, AllocError};
/// use std::alloc::Layout;
///
/// let report = check_all_allocation_failures(|alloc| -> Result<(), AllocError> {
///     let layout = Layout::new::<u8>();
///     let block = alloc.allocate(layout)?;
///     // SAFETY: allocated just above with `layout`.
///     unsafe { alloc.deallocate(block.cast(), layout) };
///     panic!("boom")
/// })
/// .unwrap_err();
/// assert_eq!(report.failing_index(), None, "the counting run panicked");
/// assert!(matches!(report.kind(), FailureKind::Panicked(m) if m == "boom"));
/// assert!(report.to_string().contains("the closure panicked: boom"));
/// ```
#[derive(Debug)]
pub struct FailureReport {
    index: Option<usize>,
    allocations: usize,
    kind: FailureKind,
}

/// What went wrong in the run a [`FailureReport`] describes.
#[derive(Debug)]
#[non_exhaustive]
pub enum FailureKind {
    /// The closure panicked; the panic message.
    Panicked(String),
    /// The closure returned `Ok` although its allocation failed: the out-of-memory error was
    /// swallowed.
    SwallowedFailure,
    /// The run never reached the allocation it was meant to fail and returned `Ok`: the
    /// closure allocates differently from run to run.
    NotReached,
    /// The closure returned an error although no allocation had failed; the error's `Debug`
    /// text.
    ErrorWithoutFailure(String),
    /// The closure left blocks allocated (boxed: a report is large, and this travels in a
    /// `Result`).
    Leaked(Box<LeakReport>),
}

impl FailureReport {
    /// The index of the allocation that was made to fail, or `None` for the counting run (no
    /// allocation failing).
    pub fn failing_index(&self) -> Option<usize> {
        self.index
    }

    /// How many allocations the counting run made.
    pub fn allocations(&self) -> usize {
        self.allocations
    }

    /// What went wrong.
    pub fn kind(&self) -> &FailureKind {
        &self.kind
    }

    /// The leak report, if the run leaked.
    pub fn leak_report(&self) -> Option<&LeakReport> {
        match &self.kind {
            FailureKind::Leaked(report) => Some(report),
            _ => None,
        }
    }
}

impl fmt::Display for FailureReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(
                f,
                "with allocation {i} failing (of {} allocations): ",
                self.allocations
            )?,
            None => write!(
                f,
                "in the counting run (no allocation failing, {} allocations): ",
                self.allocations
            )?,
        }
        match &self.kind {
            FailureKind::Panicked(msg) => write!(f, "the closure panicked: {msg}"),
            FailureKind::SwallowedFailure => f.write_str(
                "the closure returned Ok although the allocation failed (the error was swallowed)",
            ),
            FailureKind::NotReached => f.write_str(
                "the closure returned Ok without reaching the failing allocation (it allocates differently from run to run)",
            ),
            FailureKind::ErrorWithoutFailure(e) => {
                write!(f, "the closure returned an error although no allocation failed: {e}")
            }
            FailureKind::Leaked(report) => write!(f, "{report}"),
        }
    }
}

impl core::error::Error for FailureReport {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.leak_report()
            .map(|r| r as &(dyn core::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Allocator;
    use core::alloc::Layout;

    #[test]
    fn error_without_failure_in_counting_run() {
        let report = check_all_allocation_failures(|_| Err::<(), _>("nope")).unwrap_err();
        assert_eq!(report.failing_index(), None);
        assert_eq!(report.allocations(), 0);
        assert!(matches!(report.kind(), FailureKind::ErrorWithoutFailure(e) if e == "\"nope\""));
        assert!(report.to_string().contains("in the counting run"));
    }

    #[test]
    fn zero_allocations_is_zero_points() {
        assert_eq!(
            check_all_allocation_failures_counted(|_| Ok::<(), ()>(())).unwrap(),
            0
        );
    }

    #[test]
    fn not_reached_is_reported() {
        let mut runs = 0;
        let report = check_all_allocation_failures(|alloc| {
            runs += 1;
            // Allocates twice on the counting run only.
            let n = if runs == 1 { 2 } else { 0 };
            for _ in 0..n {
                let l = Layout::new::<u8>();
                let p = alloc.allocate(l).map_err(drop)?;
                // SAFETY: allocated just above with `l`.
                unsafe { alloc.deallocate(p.cast(), l) };
            }
            Ok::<(), ()>(())
        })
        .unwrap_err();
        assert_eq!(report.failing_index(), Some(0));
        assert!(matches!(report.kind(), FailureKind::NotReached));
        assert!(report.to_string().contains("without reaching"));
    }

    #[test]
    fn panic_messages_are_extracted() {
        assert_eq!(panic_message(&"a"), "a");
        assert_eq!(panic_message(&String::from("b")), "b");
        assert!(panic_message(&5_u8).contains("not a string"));
    }
}
