//! [`Tracked`]: an allocator value that records every live block and reports leaks, double
//! frees, invalid frees and layout mismatches (Bun's `AllocationScope`, Zig's
//! `std.testing.allocator`), and [`DebugScope`], which is a `Tracked` in debug builds and
//! costs nothing in release builds.
//!
//! The main types are also at the crate root; this module holds the secondary ones:
//! [`Stats`] (counters), [`Leak`] (one entry of a [`LeakReport`]) and [`Labeled`] (a view that
//! labels the blocks it allocates).
//!
//! What it guarantees: recording never allocates through the tracked allocator (so the inner
//! allocator can be anything: an arena, a failing allocator); a double or invalid free is
//! caught before the inner allocator sees it, even when two threads race to free one block;
//! `grow` and `shrink` use the inner allocator's own (a `Vec` growing in place stays in
//! place); backtraces are resolved only when a report prints. Misuse panics (see
//! [`Tracked`]'s "Panics" section); leaks are reported by [`Tracked::finish`] or by a panic on
//! drop.

// Maintainers' notes.
// Design:
//
// - The bookkeeping (`state.rs`) is a map from address to record plus a bounded ring of
//   recent frees, behind one `std::sync::Mutex`, on the global heap. It never allocates
//   through the tracked allocator, so the inner allocator can be anything (an arena, a
//   failing allocator) and recording cannot recurse.
// - The inner allocator is called outside the lock. A free is checked and its record removed
//   under the lock *before* the inner allocator sees it, so a double or invalid free never
//   reaches the inner allocator, even when two threads race to free the same block.
// - `grow` and `shrink` forward to the inner allocator's own `grow`/`shrink` (a `Vec` growing
//   in place stays in place) and move the record to the new address.
// - Backtraces (`trace.rs`) are captured unresolved and resolved only when a report prints.
// - Misuse panics (see [`Tracked`]'s "Panics" section); leaks are reported by
//   [`Tracked::finish`] or by a panic on drop.

mod debug_scope;
mod report;
mod state;
mod trace;

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use makai_error::AllocError;

pub use debug_scope::DebugScope;
pub use report::{Leak, LeakReport, Stats};

use crate::{Allocator, Global};
use report::write_block;
use state::{FreedBy, Misuse, Record, State};
use trace::{Frames, Trace};

/// The earlier name of [`Tracked::DEFAULT_BACKTRACE_DEPTH`].
#[doc(hidden)]
pub const DEFAULT_BACKTRACE_DEPTH: usize = Tracked::DEFAULT_BACKTRACE_DEPTH;

/// The earlier name of [`Tracked::DEFAULT_REPORT_LIMIT`].
#[doc(hidden)]
pub const DEFAULT_REPORT_LIMIT: usize = Tracked::DEFAULT_REPORT_LIMIT;

/// The earlier name of [`Tracked::DEFAULT_FREE_HISTORY`].
#[doc(hidden)]
pub const DEFAULT_FREE_HISTORY: usize = Tracked::DEFAULT_FREE_HISTORY;

impl Tracked {
    /// Frames shown per backtrace in reports unless [`Tracked::with_backtrace_depth`] says
    /// otherwise: 8, or 0 (no capture) under Miri, which cannot resolve symbols.
    ///
    /// ```
    /// assert!(makai_alloc::Tracked::DEFAULT_BACKTRACE_DEPTH <= 8);
    /// ```
    pub const DEFAULT_BACKTRACE_DEPTH: usize = if cfg!(miri) { 0 } else { 8 };

    /// Leaks listed in a [`LeakReport`]'s text unless [`Tracked::with_report_limit`] says
    /// otherwise (all of them are always available from [`LeakReport::leaks`]).
    pub const DEFAULT_REPORT_LIMIT: usize = 10;

    /// Recent frees remembered for double-free reports unless [`Tracked::with_free_history`]
    /// says otherwise.
    pub const DEFAULT_FREE_HISTORY: usize = 1024;
}

/// An allocator that records every live block of its inner allocator `A` and reports misuse.
///
/// Each live block is recorded with its size, alignment, an optional label
/// ([`labeled`](Tracked::labeled), [`set_label`](Tracked::set_label)) and, unless turned off,
/// the backtrace of its allocation (the first [`Tracked::DEFAULT_BACKTRACE_DEPTH`] user frames are
/// printed; see [`with_backtrace_depth`](Tracked::with_backtrace_depth)). Because `Tracked` is
/// a value and not a global allocator, every test can have its own, and the parallel test
/// runner keeps working.
///
/// - [`finish`](Tracked::finish) returns the [`Stats`], or a [`LeakReport`] listing every
///   block still live.
/// - Dropping a `Tracked` with live blocks panics with that report (unless the thread is
///   already panicking: then the report goes to standard error).
/// - `grow` and `shrink` forward to `A`'s own `grow` and `shrink`.
/// - `A` may be a reference: `Tracked::new(&arena)` tracks a borrowed allocator.
/// - `Tracked<A>` is `Send` when `A` is, and `Sync` when `A` is: threads can share one.
///
/// Zero-sized blocks are passed through untracked: they own no memory, and distinct
/// zero-sized blocks may share one (dangling) address.
///
/// # Panics
///
/// Misuse is a bug in the caller, so it panics at the faulty call, with a message saying what
/// happened (in a thread that is already panicking, the message goes to standard error
/// instead and the call does nothing). The faulty call never reaches the inner allocator.
///
/// - `deallocate`, `grow`, `grow_zeroed` or `shrink` of an address freed before: "double
///   free", with the allocation backtrace and the backtrace of the first free (if the free
///   is still in the ring of the last [`Tracked::DEFAULT_FREE_HISTORY`] frees).
/// - of an address this allocator never handed out: "invalid free".
/// - with a layout that does not fit the block (another alignment, or a size outside the
///   requested size up to the length `allocate` returned): "layout mismatch"; the block
///   stays live.
/// - of a block registered with [`track_external`](Tracked::track_external): refused.
///
/// These checks all run before the inner allocator is called. One problem can only be seen
/// after it: `allocate`, `grow` or `shrink` returning an address that is still live in the
/// records (a block freed through the inner allocator behind `Tracked`'s back, a block handed
/// out twice, or [`track_external`](Tracked::track_external) memory that was really the inner
/// allocator's). By then the block is handed out (and, in `grow`/`shrink`, the old one may be
/// freed), so a panic would lose it or leave the caller holding a freed pointer. `Tracked`
/// therefore never panics there: the new block replaces the stale record, and the problem is
/// listed in the [`LeakReport`] of
/// [`finish`](Tracked::finish) (which then fails) or of the drop-time panic
/// ([`LeakReport::anomalies`]).
///
/// ```
/// use makai_alloc::{Allocator, Global, Tracked};
/// use std::alloc::Layout;
///
/// let tracked = Tracked::new(Global);
/// let layout = Layout::new::<[u64; 4]>();
/// let block = tracked.allocate(layout).unwrap();
/// assert_eq!(tracked.stats().live_bytes, 32);
/// tracked.assert_owned(block.as_ptr());
/// // SAFETY: allocated just above by `tracked` with `layout`.
/// unsafe { tracked.deallocate(block.cast(), layout) };
/// let stats = tracked.finish().expect("nothing leaked");
/// assert_eq!(stats.allocations, 1);
/// ```
///
/// A leak is reported with counts, sizes and where the block was allocated:
///
/// ```
/// use makai_alloc::{Global, Tracked};
/// use allocator_api2::vec::Vec;
///
/// let tracked = Tracked::new(Global);
/// let mut v = Vec::new_in(&tracked);
/// v.extend_from_slice(&[1_u32, 2, 3]);
/// let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
/// std::mem::forget(v);
/// let report = tracked.finish().unwrap_err();
/// assert_eq!(report.leaked_blocks(), 1);
/// assert_eq!(report.leaked_bytes(), cap * 4);
/// # // SAFETY: the leaked vector's buffer is still allocated in `Global`.
/// # drop(unsafe { Vec::from_raw_parts_in(ptr, len, cap, allocator_api2::alloc::Global) });
/// ```
///
/// # Threads
///
/// `Tracked<A>` is `Send` and `Sync` exactly when `A` is. Over `Global` it can be shared:
///
/// ```
/// fn shared<T: Send + Sync>(_: &T) {}
/// shared(&makai_alloc::Tracked::new(makai_alloc::Global));
/// ```
///
/// Over an allocator that is not `Sync` (an arena with `Cell` state, say), it is not either:
///
/// ```compile_fail
/// # struct CellArena(std::cell::Cell<usize>);
/// fn shared<T: Sync>(_: &T) {}
/// shared(&makai_alloc::Tracked::new(CellArena(std::cell::Cell::new(0))));
/// ```
///
/// and over a borrowed `!Sync` allocator it cannot even move to another thread:
///
/// ```compile_fail
/// # struct CellArena(std::cell::Cell<usize>);
/// fn send<T: Send>(_: T) {}
/// let arena = CellArena(std::cell::Cell::new(0));
/// send(makai_alloc::Tracked::new(&arena));
/// ```
///
/// (The same `CellArena` passes both checks once it is `Sync`, so the failures above are the
/// thread-safety checks and nothing else:)
///
/// ```
/// # struct CellArena(std::sync::atomic::AtomicUsize);
/// fn shared<T: Send + Sync>(_: &T) {}
/// shared(&makai_alloc::Tracked::new(CellArena(Default::default())));
/// let arena = CellArena(Default::default());
/// shared(&makai_alloc::Tracked::new(&arena));
/// ```
pub struct Tracked<A = Global> {
    inner: A,
    state: Mutex<State>,
    /// Frames printed per backtrace; 0 turns capture off.
    depth: usize,
    /// Leaks listed in a report's text.
    report_limit: usize,
}

impl<A> Tracked<A> {
    /// Wraps `inner`, with backtraces of [`Tracked::DEFAULT_BACKTRACE_DEPTH`] frames.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// assert_eq!(t.stats().live_blocks, 0);
    /// assert_eq!(t.backtrace_depth(), makai_alloc::Tracked::DEFAULT_BACKTRACE_DEPTH);
    /// ```
    pub const fn new(inner: A) -> Self {
        Tracked {
            inner,
            state: Mutex::new(State::new(Tracked::DEFAULT_FREE_HISTORY)),
            depth: Tracked::DEFAULT_BACKTRACE_DEPTH,
            report_limit: Tracked::DEFAULT_REPORT_LIMIT,
        }
    }

    /// Sets how many user frames of each allocation's backtrace reports show; 0 turns
    /// capturing off (allocation then costs a hash-map insert, not a stack walk).
    ///
    /// Capturing walks the whole stack whatever the depth (std's backtrace has no depth
    /// limit); symbols are resolved only when a report is printed. Capture ignores
    /// `RUST_BACKTRACE`. Applies to blocks allocated from now on.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global).with_backtrace_depth(0);
    /// assert_eq!(t.backtrace_depth(), 0);
    /// ```
    #[must_use]
    pub fn with_backtrace_depth(mut self, depth: usize) -> Self {
        self.depth = depth;
        self
    }

    /// Sets how many leaks a report's text lists (default [`Tracked::DEFAULT_REPORT_LIMIT`]).
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global).with_report_limit(3);
    /// # drop(t);
    /// ```
    #[must_use]
    pub fn with_report_limit(mut self, limit: usize) -> Self {
        self.report_limit = limit;
        self
    }

    /// Sets how many recent frees are remembered to explain double frees (default
    /// [`Tracked::DEFAULT_FREE_HISTORY`]; 0 remembers none, and a double free is then reported as an
    /// invalid free).
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global).with_free_history(16);
    /// # drop(t);
    /// ```
    #[must_use]
    pub fn with_free_history(mut self, frees: usize) -> Self {
        self.state_mut().set_free_history(frees);
        self
    }

    /// The number of frames reports show per backtrace (0: capture is off).
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// assert_eq!(Tracked::new(Global).with_backtrace_depth(3).backtrace_depth(), 3);
    /// ```
    pub fn backtrace_depth(&self) -> usize {
        self.depth
    }

    /// The inner allocator.
    ///
    /// Freeing a tracked block through it directly makes `Tracked` report the block as
    /// leaked (and panic if the inner allocator hands the address out again).
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// assert_eq!(*t.inner(), Global);
    /// ```
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// The current counters.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// let v = allocator_api2::vec::Vec::<u8, _>::with_capacity_in(100, &t);
    /// assert_eq!((t.stats().live_blocks, t.stats().live_bytes), (1, 100));
    /// drop(v);
    /// assert_eq!(t.stats().live_blocks, 0);
    /// ```
    pub fn stats(&self) -> Stats {
        self.lock().stats
    }

    /// A view of this allocator that labels every block it allocates with `label`; the label
    /// appears in leak reports. Blocks keep their label when grown or shrunk.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// use allocator_api2::vec::Vec;
    ///
    /// let t = Tracked::new(Global).with_backtrace_depth(0);
    /// let mut names = Vec::new_in(t.labeled("names"));
    /// names.push("ada");
    /// let (ptr, len, cap) = (names.as_mut_ptr(), names.len(), names.capacity());
    /// std::mem::forget(names);
    /// let report = t.finish().unwrap_err();
    /// assert!(report.to_string().contains("label \"names\""));
    /// # // SAFETY: the leaked buffer is still allocated in `Global`.
    /// # drop(unsafe { Vec::from_raw_parts_in(ptr, len, cap, allocator_api2::alloc::Global) });
    /// ```
    pub fn labeled(&self, label: &'static str) -> Labeled<'_, A> {
        Labeled {
            tracked: self,
            label,
        }
    }

    /// Labels the live block that starts at `ptr`; returns `false` (and does nothing) if no
    /// live block starts there.
    ///
    /// ```
    /// use makai_alloc::{Allocator, Global, Tracked};
    /// use std::alloc::Layout;
    /// let t = Tracked::new(Global);
    /// let layout = Layout::new::<u32>();
    /// let p = t.allocate(layout).unwrap();
    /// assert!(t.set_label(p.as_ptr(), "id"));
    /// assert!(!t.set_label(std::ptr::null::<u8>(), "nothing"));
    /// // SAFETY: allocated just above with `layout`.
    /// unsafe { t.deallocate(p.cast(), layout) };
    /// ```
    pub fn set_label<T: ?Sized>(&self, ptr: *const T, label: &'static str) -> bool {
        match self.lock().live_mut(ptr.addr()) {
            Some(record) => {
                record.label = Some(label);
                true
            }
            None => false,
        }
    }

    /// Whether a live block (allocated here, or registered with
    /// [`track_external`](Tracked::track_external)) starts at `ptr`. Safe for any pointer:
    /// only the address is compared.
    ///
    /// ```
    /// use makai_alloc::{Allocator, Global, Tracked};
    /// use std::alloc::Layout;
    /// let t = Tracked::new(Global);
    /// let layout = Layout::new::<u32>();
    /// let p = t.allocate(layout).unwrap();
    /// assert!(t.owns(p.as_ptr()));
    /// // SAFETY: allocated just above with `layout`.
    /// unsafe { t.deallocate(p.cast(), layout) };
    /// assert!(!t.owns(p.as_ptr()));
    /// ```
    pub fn owns<T: ?Sized>(&self, ptr: *const T) -> bool {
        self.lock().live(ptr.addr()).is_some()
    }

    /// Panics unless a live block starts at `ptr` (Bun's `assertOwned`).
    ///
    /// # Panics
    ///
    /// If no live block of this allocator starts at `ptr`; the message says whether the
    /// address was freed recently, and where.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// let b = allocator_api2::boxed::Box::new_in(5_u64, &t);
    /// t.assert_owned(&*b as *const u64);
    /// ```
    #[track_caller]
    pub fn assert_owned<T: ?Sized>(&self, ptr: *const T) {
        let addr = ptr.addr();
        let st = self.lock();
        if st.live(addr).is_some() {
            return;
        }
        let msg = match st.freed(addr) {
            Some(freed) => {
                let mut msg = format!(
                    "Tracked::assert_owned: {addr:#x} is not live here: it was freed\n  the block: {}",
                    describe_block(&freed.record, addr)
                );
                self.append_freed(&mut msg, freed);
                msg
            }
            None => format!(
                "Tracked::assert_owned: {addr:#x} is not the start of a live block of this allocator"
            ),
        };
        drop(st);
        panic!("{msg}");
    }

    /// Panics if a live block starts at `ptr` (Bun's `assertUnowned`).
    ///
    /// # Panics
    ///
    /// If a live block of this allocator starts at `ptr`.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// let on_stack = 5_u64;
    /// t.assert_unowned(&on_stack as *const u64);
    /// ```
    #[track_caller]
    pub fn assert_unowned<T: ?Sized>(&self, ptr: *const T) {
        let addr = ptr.addr();
        let st = self.lock();
        if let Some(record) = st.live(addr) {
            let msg = format!(
                "Tracked::assert_unowned: {addr:#x} is a live block of this allocator ({})",
                describe_block(record, addr)
            );
            drop(st);
            panic!("{msg}");
        }
    }

    /// Records memory that did not come from this allocator (Bun's
    /// `trackExternalAllocation`): it counts as live, and leaks unless released with
    /// [`untrack_external`](Tracked::untrack_external). Only the address and layout are
    /// stored; the memory is never touched. A zero-sized layout is ignored.
    ///
    /// This is safe for any pointer and layout. If the inner allocator later hands out the
    /// same address (the registration was wrong or stale), the allocation still succeeds and
    /// is recorded normally, and the collision is reported as an anomaly by
    /// [`finish`](Tracked::finish) (see [`Tracked`]'s "Panics" section).
    ///
    /// # Panics
    ///
    /// If a live block already starts at `ptr` (nothing has been touched then).
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// use std::alloc::Layout;
    /// let t = Tracked::new(Global);
    /// let from_ffi = vec![0_u8; 64];
    /// t.track_external(from_ffi.as_ptr(), Layout::for_value(&from_ffi[..]));
    /// assert_eq!(t.stats().live_bytes, 64);
    /// t.untrack_external(from_ffi.as_ptr());
    /// assert!(t.finish().is_ok());
    /// ```
    #[track_caller]
    pub fn track_external<T: ?Sized>(&self, ptr: *const T, layout: Layout) {
        if layout.size() == 0 {
            return;
        }
        let addr = ptr.addr();
        let trace = Trace::capture(self.depth).map(Arc::new);
        let mut st = self.lock();
        if let Some(record) = st.live(addr) {
            let msg = format!(
                "Tracked::track_external: {addr:#x} is already a live block ({})",
                describe_block(record, addr)
            );
            drop(st);
            panic!("{msg}");
        }
        let serial = st.next_serial();
        st.insert(
            addr,
            Record {
                size: layout.size(),
                usable: layout.size(),
                align: layout.align(),
                label: None,
                trace,
                serial,
                external: true,
            },
        );
    }

    /// Stops tracking a block registered with [`track_external`](Tracked::track_external)
    /// (Bun's `trackExternalFree`).
    ///
    /// # Panics
    ///
    /// If no external block starts at `ptr` ("invalid free" or "double free"), or if the
    /// block there was allocated by this allocator (free it with `deallocate`).
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// use std::alloc::Layout;
    /// let t = Tracked::new(Global);
    /// let buf = [0_u8; 8];
    /// t.track_external(buf.as_ptr(), Layout::new::<[u8; 8]>());
    /// t.untrack_external(buf.as_ptr());
    /// assert_eq!(t.stats().live_blocks, 0);
    /// ```
    #[track_caller]
    pub fn untrack_external<T: ?Sized>(&self, ptr: *const T) {
        let addr = ptr.addr();
        let free_trace = Trace::capture(self.depth).map(Arc::new);
        let mut st = self.lock();
        // The external block's own layout: only the address identifies it here.
        let layout = st
            .live(addr)
            .and_then(|r| Layout::from_size_align(r.size, r.align).ok());
        let result = match layout {
            Some(layout) => st.take(addr, layout, true),
            None => st.take(addr, Layout::new::<u8>(), true),
        };
        match result {
            Ok(record) => st.remember_free(addr, record, FreedBy::UntrackExternal, free_trace),
            Err(misuse) => {
                let layout = layout.unwrap_or(Layout::new::<u8>());
                let msg = self.describe_misuse(&st, "untrack_external", misuse, addr, layout);
                drop(st);
                self.misuse(msg);
            }
        }
    }

    /// Ends tracking: the counters if every block was freed, otherwise a [`LeakReport`]
    /// listing the blocks still live. Leaked blocks are not freed (something may still point
    /// at them).
    ///
    /// # Errors
    ///
    /// A [`LeakReport`] when blocks are still live.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// drop(allocator_api2::vec::Vec::<u32, _>::with_capacity_in(8, &t));
    /// let stats = t.finish().unwrap();
    /// assert_eq!((stats.allocations, stats.deallocations, stats.peak_bytes), (1, 1, 32));
    /// ```
    pub fn finish(mut self) -> Result<Stats, LeakReport> {
        let stats = self.state_mut().stats;
        match self.take_report() {
            Some(report) => Err(report),
            None => Ok(stats),
        }
    }

    /// Moves every live block into a report, leaving the state empty (so `Drop` is quiet).
    fn take_report(&mut self) -> Option<LeakReport> {
        let (limit, depth) = (self.report_limit, self.depth);
        let st = self.state_mut();
        if !st.has_live() && !st.has_anomalies() {
            return None;
        }
        let stats = st.stats;
        let leaks = st.drain_leaks();
        let (anomalies, dropped) = st.take_anomalies();
        Some(LeakReport::new(leaks, stats, limit, depth).with_anomalies(anomalies, dropped))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is never left half-updated: nothing panics while the lock is held (misuse
        // messages are built under it, the panic happens after it is released). So a poisoned
        // lock (from an allocation failure abort racing, say) still holds consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn state_mut(&mut self) -> &mut State {
        self.state.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reports misuse: panics, or, in a thread that is already panicking (where a second
    /// panic would abort the process), prints the message to standard error.
    #[track_caller]
    fn misuse(&self, msg: String) {
        if std::thread::panicking() {
            eprintln!("{msg}");
        } else {
            panic!("{msg}");
        }
    }

    /// The message for a refused free, resize or untrack.
    fn describe_misuse(
        &self,
        st: &State,
        op: &str,
        misuse: Misuse,
        addr: usize,
        layout: Layout,
    ) -> String {
        let (size, align) = (layout.size(), layout.align());
        match misuse {
            Misuse::DoubleFree => {
                let mut msg = format!(
                    "Tracked: double free: {op} of {addr:#x} ({size} bytes, align {align}), which was already freed"
                );
                if let Some(freed) = st.freed(addr) {
                    msg.push_str(&format!(
                        "\n  the block: {}",
                        describe_block(&freed.record, addr)
                    ));
                    self.append_freed(&mut msg, freed);
                }
                msg
            }
            Misuse::InvalidFree => format!(
                "Tracked: invalid free: {op} of {addr:#x} ({size} bytes, align {align}), which is not a live block of this allocator (never allocated here, or freed longer ago than the free history remembers)"
            ),
            Misuse::LayoutMismatch => {
                let Some(record) = st.live(addr) else {
                    return format!("Tracked: layout mismatch: {op} of {addr:#x}");
                };
                let mut msg = format!(
                    "Tracked: layout mismatch: {op} of {addr:#x} with {size} bytes, align {align}, but the block is {}",
                    describe_block(record, addr)
                );
                if record.usable != record.size {
                    msg.push_str(&format!(
                        " (any size from {} to {} fits)",
                        record.size, record.usable
                    ));
                }
                self.append_trace(&mut msg, "allocated at", record.trace.as_deref());
                msg
            }
            Misuse::ExternalThroughAllocator => format!(
                "Tracked: {op} of {addr:#x}, a block registered with track_external: release it with untrack_external, not through the allocator"
            ),
            Misuse::NotExternal => format!(
                "Tracked: {op} of {addr:#x}, a block this allocator allocated: free it with deallocate"
            ),
        }
    }

    /// Appends "allocated at ... and freed at ..." for a block in the free ring.
    fn append_freed(&self, msg: &mut String, freed: &state::Freed) {
        self.append_trace(msg, "allocated at", freed.record.trace.as_deref());
        let how = match freed.freed_by {
            FreedBy::Deallocate => "first freed at",
            FreedBy::Resize => "moved away by grow or shrink at",
            FreedBy::UntrackExternal => "untracked at",
        };
        self.append_trace(msg, how, freed.free_trace.as_deref());
    }

    fn append_trace(&self, msg: &mut String, what: &str, trace: Option<&Trace>) {
        match trace {
            Some(trace) => {
                let frames = Frames {
                    trace,
                    depth: self.depth.max(1),
                    indent: "      ",
                }
                .to_string();
                msg.push_str(&format!("\n  {what}:\n{}", frames.trim_end()));
            }
            None => msg.push_str(&format!("\n  {what}: (no backtrace: capture was off)")),
        }
    }
}

impl<A: Allocator> Tracked<A> {
    /// Allocates through the inner allocator and records the block.
    ///
    /// Nothing after the inner allocator's call can panic: the block is already handed out,
    /// and the `Allocator` contract forbids unwinding out of `allocate` (the block would be
    /// lost). A record collision found there is kept as an anomaly for `finish`/`drop`.
    fn allocate_labeled(
        &self,
        layout: Layout,
        zeroed: bool,
        label: Option<&'static str>,
    ) -> Result<NonNull<[u8]>, AllocError> {
        let block = if zeroed {
            self.inner.allocate_zeroed(layout)?
        } else {
            self.inner.allocate(layout)?
        };
        if layout.size() == 0 {
            return Ok(block);
        }
        let trace = Trace::capture(self.depth).map(Arc::new);
        let addr = block.cast::<u8>().as_ptr().addr();
        let mut st = self.lock();
        let serial = st.next_serial();
        st.stats.allocations = st.stats.allocations.wrapping_add(1);
        st.stats.total_bytes = st.stats.total_bytes.saturating_add(layout.size() as u64);
        let displaced = st.insert(
            addr,
            Record {
                size: layout.size(),
                usable: block.len(),
                align: layout.align(),
                label,
                trace,
                serial,
                external: false,
            },
        );
        if let Some(old) = displaced {
            let msg = displaced_message("allocate", addr, &old);
            st.record_anomaly(msg);
        }
        Ok(block)
    }

    /// Shared body of `grow`, `grow_zeroed` and `shrink`.
    ///
    /// Every check that can fail (is the block live here, does `old` fit it) runs before the
    /// inner allocator is called. After the call, the inner allocator may have moved the block
    /// and freed the old one, so nothing may panic any more: the caller would keep its old,
    /// freed pointer. A record collision found there becomes an anomaly for `finish`/`drop`.
    ///
    /// # Safety
    ///
    /// The caller upholds the contract of the `Allocator` method `kind` names.
    unsafe fn resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        kind: Resize,
    ) -> Result<NonNull<[u8]>, AllocError> {
        let addr = ptr.as_ptr().addr();
        let record = if old.size() == 0 {
            None
        } else {
            let mut st = self.lock();
            match st.take(addr, old, false) {
                Ok(record) => Some(record),
                Err(misuse) => {
                    let msg = self.describe_misuse(&st, kind.name(), misuse, addr, old);
                    drop(st);
                    self.misuse(msg);
                    return Err(AllocError);
                }
            }
        };
        // Puts the record back if the inner allocator unwinds (it should not, but a nested
        // `Tracked` refusing a free it cannot see does), so the block is not forgotten.
        let mut restore = Restore {
            state: &self.state,
            addr,
            record,
        };
        // In each arm: the caller upholds `kind`'s contract, and the block was checked live
        // and fitting `old` (or is zero-sized and untracked).
        let result = match kind {
            // SAFETY: see above.
            Resize::Grow => unsafe { self.inner.grow(ptr, old, new) },
            // SAFETY: see above.
            Resize::GrowZeroed => unsafe { self.inner.grow_zeroed(ptr, old, new) },
            // SAFETY: see above.
            Resize::Shrink => unsafe { self.inner.shrink(ptr, old, new) },
        };
        let record = restore.record.take();
        drop(restore);
        let block = match result {
            Ok(block) => block,
            Err(e) => {
                if let Some(record) = record {
                    self.lock().put_back(addr, record);
                }
                return Err(e);
            }
        };
        // From here on nothing panics: the block may have moved and the old one be freed.
        let new_addr = block.cast::<u8>().as_ptr().addr();
        let moved = new_addr != addr || new.size() == 0;
        let free_trace = match (&record, moved) {
            (Some(_), true) => Trace::capture(self.depth).map(Arc::new),
            _ => None,
        };
        let new_trace = match &record {
            Some(r) => r.trace.clone(),
            None if new.size() != 0 => Trace::capture(self.depth).map(Arc::new),
            None => None,
        };
        let mut st = self.lock();
        match kind {
            Resize::Grow | Resize::GrowZeroed => {
                st.stats.grows = st.stats.grows.wrapping_add(1);
                let added = new.size().saturating_sub(old.size()) as u64;
                st.stats.total_bytes = st.stats.total_bytes.saturating_add(added);
            }
            Resize::Shrink => st.stats.shrinks = st.stats.shrinks.wrapping_add(1),
        }
        let (label, serial) = match &record {
            Some(r) => (r.label, r.serial),
            None => (None, st.next_serial()),
        };
        if let Some(record) = record
            && moved
        {
            st.remember_free(addr, record, FreedBy::Resize, free_trace);
        }
        if new.size() == 0 {
            return Ok(block);
        }
        let displaced = st.insert(
            new_addr,
            Record {
                size: new.size(),
                usable: block.len(),
                align: new.align(),
                label,
                trace: new_trace,
                serial,
                external: false,
            },
        );
        if let Some(old_record) = displaced {
            let msg = displaced_message(kind.name(), new_addr, &old_record);
            st.record_anomaly(msg);
        }
        Ok(block)
    }
}

/// Puts a taken record back into the state when dropped with one (an unwinding inner
/// allocator); `resize` takes the record out before the guard drops on the normal path.
struct Restore<'s> {
    state: &'s Mutex<State>,
    addr: usize,
    record: Option<Record>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        if let Some(record) = self.record.take() {
            self.state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .put_back(self.addr, record);
        }
    }
}

/// The anomaly message for an address the inner allocator returned while it was still live in
/// the records.
fn displaced_message(op: &str, addr: usize, old: &Record) -> String {
    let what = if old.external {
        "registered with track_external (that memory belonged to the inner allocator, or was freed and reused); the registration is replaced by the new block"
    } else {
        "allocated here (it was freed through the inner allocator behind Tracked's back, or the inner allocator handed it out twice)"
    };
    format!(
        "Tracked: {op} returned {addr:#x}, which was still live here ({}): {what}",
        describe_block(old, addr)
    )
}

#[cfg(feature = "allocator-api2")]
crate::api2::impl_allocator_api2!([A: Allocator] Tracked<A>);
#[cfg(feature = "allocator-api2")]
crate::api2::impl_allocator_api2!(['t, A: Allocator] Labeled<'t, A>);

#[derive(Debug, Clone, Copy)]
enum Resize {
    Grow,
    GrowZeroed,
    Shrink,
}

impl Resize {
    fn name(self) -> &'static str {
        match self {
            Resize::Grow => "grow",
            Resize::GrowZeroed => "grow_zeroed",
            Resize::Shrink => "shrink",
        }
    }
}

/// "`N bytes, align A, label "x", at 0xADDR`" for a record.
fn describe_block(record: &Record, addr: usize) -> String {
    struct Block<'r>(&'r Record, usize);
    impl fmt::Display for Block<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_block(f, self.0.size, self.0.align, self.0.label, self.1)
        }
    }
    Block(record, addr).to_string()
}

// SAFETY: every block comes from `self.inner` unchanged (size and alignment as `A` returned
// them), so `A`'s guarantees carry over; bookkeeping never touches block memory. Frees and
// resizes reach `A` only after the block was checked live with a fitting layout, and are
// refused (panic, or an error while panicking) otherwise. Moving a `Tracked` moves `A`, which
// `A`'s own contract allows.
unsafe impl<A: Allocator> Allocator for Tracked<A> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.allocate_labeled(layout, false, None)
    }

    #[inline]
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.allocate_labeled(layout, true, None)
    }

    /// Frees a block after checking it.
    ///
    /// # Safety
    ///
    /// As [`Allocator::deallocate`]; a double free, an invalid free or a wrong layout is
    /// detected and refused instead of reaching the inner allocator.
    ///
    /// # Panics
    ///
    /// On misuse (see [`Tracked`]).
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            let addr = ptr.as_ptr().addr();
            let free_trace = Trace::capture(self.depth).map(Arc::new);
            let mut st = self.lock();
            match st.take(addr, layout, false) {
                Ok(record) => {
                    st.stats.deallocations = st.stats.deallocations.wrapping_add(1);
                    st.remember_free(addr, record, FreedBy::Deallocate, free_trace);
                }
                Err(misuse) => {
                    let msg = self.describe_misuse(&st, "deallocate", misuse, addr, layout);
                    drop(st);
                    self.misuse(msg);
                    return;
                }
            }
        }
        // SAFETY: the block was live here with a fitting layout (checked and removed just
        // above, so no other free can pass the check), or is zero-sized; it came from
        // `self.inner`.
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds `grow`'s contract.
        unsafe { self.resize(ptr, old, new, Resize::Grow) }
    }

    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds `grow_zeroed`'s contract.
        unsafe { self.resize(ptr, old, new, Resize::GrowZeroed) }
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds `shrink`'s contract.
        unsafe { self.resize(ptr, old, new, Resize::Shrink) }
    }
}

impl<A> Drop for Tracked<A> {
    /// # Panics
    ///
    /// With the [`LeakReport`] if blocks are still live, unless the thread is already
    /// panicking (then the report is printed to standard error).
    fn drop(&mut self) {
        if let Some(report) = self.take_report() {
            if std::thread::panicking() {
                eprintln!("{report}");
            } else {
                panic!("{report}");
            }
        }
    }
}

impl<A: fmt::Debug> fmt::Debug for Tracked<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stats = self.stats();
        f.debug_struct("Tracked")
            .field("inner", &self.inner)
            .field("live_blocks", &stats.live_blocks)
            .field("live_bytes", &stats.live_bytes)
            .field("backtrace_depth", &self.depth)
            .finish_non_exhaustive()
    }
}

impl<A: Default> Default for Tracked<A> {
    fn default() -> Self {
        Tracked::new(A::default())
    }
}

/// A view of a [`Tracked`] allocator that labels every block it allocates; made by
/// [`Tracked::labeled`]. Frees and resizes go to the `Tracked` unchanged.
///
/// ```
/// use makai_alloc::{Global, Tracked};
/// let t = Tracked::new(Global);
/// let b = allocator_api2::boxed::Box::new_in([0_u8; 16], t.labeled("header"));
/// assert_eq!(t.stats().live_bytes, 16);
/// drop(b);
/// ```
///
/// The view borrows the `Tracked`, so it cannot outlive it:
///
/// ```compile_fail
/// use makai_alloc::{Global, Tracked};
/// let view = {
///     let t = Tracked::new(Global);
///     t.labeled("too long")
/// };
/// ```
pub struct Labeled<'t, A = Global> {
    tracked: &'t Tracked<A>,
    label: &'static str,
}

impl<'t, A> Labeled<'t, A> {
    /// The label given to every block allocated through this view.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// assert_eq!(t.labeled("x").label(), "x");
    /// ```
    pub fn label(&self) -> &'static str {
        self.label
    }

    /// The `Tracked` allocator behind this view.
    ///
    /// ```
    /// use makai_alloc::{Global, Tracked};
    /// let t = Tracked::new(Global);
    /// assert!(std::ptr::eq(t.labeled("x").tracked(), &t));
    /// ```
    pub fn tracked(&self) -> &'t Tracked<A> {
        self.tracked
    }
}

impl<A> Clone for Labeled<'_, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A> Copy for Labeled<'_, A> {}

impl<A> fmt::Debug for Labeled<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Labeled")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

// SAFETY: every method forwards to the `Tracked` (whose `Allocator` impl upholds the
// contract); copies of a view are the same allocator.
unsafe impl<A: Allocator> Allocator for Labeled<'_, A> {
    crate::forward::forward_allocator! {
        allocate: |self, layout, zero| {
            self.tracked.allocate_labeled(layout, zero, Some(self.label))
        },
        attrs: #[inline],
    }

    crate::forward::forward_allocator! {
        forward: [deallocate grow grow_zeroed shrink],
        attrs: #[inline],
        to: |self| self.tracked,
        via: Allocator,
        error: AllocError,
    }
}
