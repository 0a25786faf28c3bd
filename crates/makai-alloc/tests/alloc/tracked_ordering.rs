//! `Tracked` never panics after its inner allocator has touched a block (issue 11, bug 4).
//!
//! The bug: `grow`/`shrink` let the inner allocator move the block (freeing the old one) and
//! only then checked the records; a collision with a `track_external` registration panicked,
//! so `allocator_api2::vec::Vec::push` inside `catch_unwind` kept its old, freed pointer (a
//! use-after-free on the next read). `allocate` had the same ordering and unwound after the
//! block was handed out. Now every check that can fail runs first, and a collision seen later
//! is an anomaly reported by `finish`.

use std::alloc::Layout;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

use allocator_api2::vec::Vec as AVec;
use makai_alloc::{AllocError, Allocator, Arena, Global, Tracked};

/// An inner allocator over `Global` that can reserve the next block in advance, so a test
/// knows which address `allocate`, `grow` or `shrink` will return (and can register it with
/// `track_external` first). Without a reservation of the exact layout it forwards to `Global`.
#[derive(Default)]
struct Reserve {
    next: Cell<Option<(NonNull<u8>, Layout)>>,
}

impl Reserve {
    /// Allocates the block the next request for exactly `layout` will get, and returns its
    /// address.
    fn reserve(&self, layout: Layout) -> *const u8 {
        let block = Global.allocate(layout).unwrap().cast::<u8>();
        assert!(self.next.replace(Some((block, layout))).is_none());
        block.as_ptr()
    }

    /// The reserved block, if it has exactly `layout`.
    fn take(&self, layout: Layout) -> Option<NonNull<u8>> {
        match self.next.take() {
            Some((block, l)) if l == layout => Some(block),
            other => {
                self.next.set(other);
                None
            }
        }
    }

    /// Moves a block into the reserved one (copying `keep` bytes), or `None` if nothing fits.
    ///
    /// # Safety
    ///
    /// `ptr` is a live `Global` block of layout `old`, and `keep <= min(old, new)` sizes.
    unsafe fn relocate(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        let to = self.take(new)?;
        let keep = old.size().min(new.size());
        // SAFETY: both blocks hold at least `keep` bytes and are distinct live blocks.
        unsafe { std::ptr::copy_nonoverlapping(ptr.as_ptr(), to.as_ptr(), keep) };
        // SAFETY: the caller's contract: `ptr` is a live `Global` block of layout `old`.
        unsafe { Global.deallocate(ptr, old) };
        Some(NonNull::slice_from_raw_parts(to, new.size()))
    }
}

impl Drop for Reserve {
    fn drop(&mut self) {
        if let Some((block, layout)) = self.next.take() {
            // SAFETY: an unused reservation, allocated from `Global` with `layout`.
            unsafe { Global.deallocate(block, layout) };
        }
    }
}

// SAFETY: every block comes from `Global` with the requested layout (a reservation is used
// only for exactly its layout), and frees go to `Global` with the layout the block has.
unsafe impl Allocator for Reserve {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        match self.take(layout) {
            Some(block) => Ok(NonNull::slice_from_raw_parts(block, layout.size())),
            None => Global.allocate(layout),
        }
    }
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's contract; every block is a `Global` block of that layout.
        unsafe { Global.deallocate(ptr, layout) }
    }
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller's contract for `grow`: `ptr` is live with layout `old`.
        if let Some(block) = unsafe { self.relocate(ptr, old, new) } {
            return Ok(block);
        }
        // SAFETY: as above.
        unsafe { Global.grow(ptr, old, new) }
    }
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller's contract for `shrink`: `ptr` is live with layout `old`.
        if let Some(block) = unsafe { self.relocate(ptr, old, new) } {
            return Ok(block);
        }
        // SAFETY: as above.
        unsafe { Global.shrink(ptr, old, new) }
    }
}

/// The program: a `Vec::push` whose grow moves the buffer onto an address registered
/// with `track_external`, inside `catch_unwind`. Before the fix, the push panicked after the
/// old buffer was freed and the vector kept pointing at it.
#[test]
fn vec_push_whose_grow_collides_with_an_external_block_does_not_unwind() {
    let inner = Reserve::default();
    let t = Tracked::new(&inner).with_backtrace_depth(0);
    let mut v = AVec::<u64, _>::with_capacity_in(4, &t);
    v.extend([1, 2, 3, 4]);
    let grown = Layout::new::<[u64; 8]>();
    let next = inner.reserve(grown);
    t.track_external(next, grown);
    let pushed = catch_unwind(AssertUnwindSafe(|| v.push(5)));
    assert!(
        pushed.is_ok(),
        "grow must not unwind after the inner allocator moved the block"
    );
    assert_eq!(
        v.as_ptr().cast::<u8>(),
        next,
        "the buffer moved onto the registered address"
    );
    assert_eq!(v, [1, 2, 3, 4, 5]);
    v.extend([6, 7, 8]);
    drop(v);
    let report = t.finish().unwrap_err();
    assert_eq!(report.leaked_blocks(), 0, "{report}");
    assert_eq!(report.anomaly_count(), 1, "{report}");
    assert!(report.anomalies()[0].contains("grow returned"), "{report}");
    assert!(
        report.anomalies()[0].contains("registered with track_external"),
        "{report}"
    );
    assert!(report.to_string().contains("found 1 problem"), "{report}");
}

#[test]
fn shrink_onto_an_external_block_does_not_unwind() {
    let inner = Reserve::default();
    let t = Tracked::new(&inner).with_backtrace_depth(0);
    let mut v = AVec::<u32, _>::with_capacity_in(16, &t);
    v.extend([7, 8]);
    let small = Layout::new::<[u32; 2]>();
    let next = inner.reserve(small);
    t.track_external(next, small);
    let shrunk = catch_unwind(AssertUnwindSafe(|| v.shrink_to_fit()));
    assert!(shrunk.is_ok());
    assert_eq!(v.as_ptr().cast::<u8>(), next);
    assert_eq!(v, [7, 8]);
    drop(v);
    let report = t.finish().unwrap_err();
    assert_eq!((report.leaked_blocks(), report.anomaly_count()), (0, 1));
    assert!(
        report.anomalies()[0].contains("shrink returned"),
        "{report}"
    );
}

/// `allocate` over `&Arena`: the arena hands its most recently freed block out again, which
/// was registered as external meanwhile. Before the fix, `allocate` unwound with the block
/// already handed out (and lost).
#[test]
fn allocate_over_an_arena_never_unwinds_on_a_collision() {
    let arena = Arena::new();
    let l = Layout::new::<[u8; 32]>();
    let first = (&arena).allocate(l).unwrap().cast::<u8>();
    // SAFETY: allocated just above from the arena with `l`; the arena reclaims its last block.
    unsafe { (&arena).deallocate(first, l) };
    let t = Tracked::new(&arena).with_backtrace_depth(0);
    t.track_external(first.as_ptr(), l);
    let block = catch_unwind(AssertUnwindSafe(|| t.allocate(l)))
        .expect("allocate must never unwind")
        .unwrap();
    assert_eq!(block.cast::<u8>(), first, "the arena reused its last block");
    assert!(t.owns(block.as_ptr()));
    // The registration was replaced by the real block: untracking it is refused safely.
    let refused = catch_unwind(AssertUnwindSafe(|| t.untrack_external(first.as_ptr())));
    assert!(refused.is_err());
    // SAFETY: allocated just above by `t` with `l`.
    unsafe { t.deallocate(block.cast(), l) };
    let report = t.finish().unwrap_err();
    assert_eq!((report.leaked_blocks(), report.anomaly_count()), (0, 1));
    assert!(
        report.anomalies()[0].contains("allocate returned"),
        "{report}"
    );
}

/// A block freed through the inner allocator behind `Tracked`'s back (allowed by the inner
/// allocator's contract) and handed out again: reported, never a panic inside `allocate`.
#[test]
fn a_block_freed_behind_trackeds_back_is_an_anomaly_not_a_panic() {
    let arena = Arena::new();
    let t = Tracked::new(&arena).with_backtrace_depth(0);
    let l = Layout::new::<u64>();
    let a = t.allocate(l).unwrap();
    // SAFETY: `a` is a live block of the arena (every `Tracked` block is the inner's).
    unsafe { t.inner().deallocate(a.cast(), l) };
    let b = catch_unwind(AssertUnwindSafe(|| t.allocate(l)))
        .expect("allocate must never unwind")
        .unwrap();
    assert_eq!(a.cast::<u8>(), b.cast::<u8>());
    // SAFETY: allocated just above by `t` with `l`.
    unsafe { t.deallocate(b.cast(), l) };
    let report = t.finish().unwrap_err();
    assert_eq!((report.leaked_blocks(), report.anomaly_count()), (0, 1));
    assert!(
        report.anomalies()[0].contains("behind Tracked's back"),
        "{report}"
    );
}

/// Huge external registrations cannot make the counters overflow (a debug-build panic) on
/// the allocation path, after the inner allocator handed the block out.
#[test]
fn huge_external_registrations_do_not_overflow_the_counters() {
    let t = Tracked::new(Global).with_backtrace_depth(0);
    let huge = Layout::from_size_align(isize::MAX as usize, 1).unwrap();
    let (x, y) = (
        std::ptr::without_provenance::<u8>(0x1000),
        std::ptr::without_provenance::<u8>(0x2000),
    );
    t.track_external(x, huge);
    t.track_external(y, huge);
    let v = catch_unwind(AssertUnwindSafe(|| {
        let mut v = AVec::<u8, _>::new_in(&t);
        v.extend_from_slice(b"still fine");
        v.len()
    }));
    assert_eq!(v.ok(), Some(10));
    t.untrack_external(x);
    t.untrack_external(y);
    let stats = t.finish().unwrap();
    assert_eq!(stats.live_bytes, 0);
}

/// A nested `Tracked` that refuses a resize (it saw the block freed) unwinds out of the
/// outer one's `grow`; the outer one keeps its record instead of forgetting the block.
#[test]
fn an_unwinding_inner_allocator_keeps_the_outer_record() {
    let inner = Tracked::new(Global).with_backtrace_depth(0);
    let outer = Tracked::new(&inner).with_backtrace_depth(0);
    let l = Layout::new::<[u8; 16]>();
    let block = outer.allocate(l).unwrap().cast::<u8>();
    // SAFETY: a live block of `inner` (the outer `Tracked` got it from there).
    unsafe { inner.deallocate(block, l) };
    let grow = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `block` is live as far as `outer` knows, with layout `l`; `inner` refuses
        // the resize before touching memory (it saw the free).
        unsafe { outer.grow(block, l, Layout::new::<[u8; 32]>()) }
    }));
    assert!(grow.is_err(), "the inner Tracked reports the double free");
    assert!(outer.owns(block.as_ptr()), "the outer record was put back");
    let report = outer.finish().unwrap_err();
    assert_eq!(report.leaked_blocks(), 1);
    assert!(inner.finish().is_ok());
}
