//! [`Failing`]: an allocator that fails a chosen allocation, to drive out-of-memory paths in
//! tests (Zig's `std.testing.FailingAllocator`).

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;
use std::sync::{Mutex, PoisonError};

use makai_error::AllocError;

use crate::{Allocator, Global};

/// Wraps an allocator and fails the allocation with index `k` (counted from 0), and
/// optionally every later one; every other call is forwarded.
///
/// What counts as an allocation: `allocate`, `allocate_zeroed`, `grow` and `grow_zeroed`
/// (each may need new memory). `shrink` and `deallocate` are forwarded and not counted.
/// Zero-sized allocations count too: the code under test cannot tell they are free.
///
/// The counter is per value (behind a mutex, so a `Failing` shared by threads counts every
/// thread's calls), so tests running in parallel do not disturb each other. `Failing<A>` is
/// `Send`/`Sync` when `A` is.
///
/// ```
/// use makai_alloc::{Allocator, Failing, Global};
/// use std::alloc::Layout;
///
/// let alloc = Failing::new(Global, 1);
/// let layout = Layout::new::<u64>();
/// let first = alloc.allocate(layout).expect("allocation 0 succeeds");
/// assert!(alloc.allocate(layout).is_err(), "allocation 1 fails");
/// let third = alloc.allocate(layout).expect("allocation 2 succeeds again");
/// assert_eq!((alloc.allocations(), alloc.failures()), (3, 1));
/// // SAFETY: both blocks were allocated by `alloc` with `layout`.
/// unsafe {
///     alloc.deallocate(first.cast(), layout);
/// }
/// // SAFETY: as above.
/// unsafe { alloc.deallocate(third.cast(), layout) };
/// ```
pub struct Failing<A = Global> {
    inner: A,
    fail_at: usize,
    every_later: bool,
    counts: Mutex<Counts>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    /// Allocation calls seen so far, failed ones included: the next call's index.
    allocations: usize,
    failures: usize,
}

impl<A> Failing<A> {
    /// Fails allocation number `fail_at` (counted from 0); every other allocation goes to
    /// `inner`. `Failing::new(inner, usize::MAX)` never fails in practice and just counts.
    ///
    /// ```
    /// use makai_alloc::{Allocator, Failing, Global};
    /// let a = Failing::new(Global, 0);
    /// assert!(a.allocate(std::alloc::Layout::new::<u8>()).is_err());
    /// assert!(a.has_failed());
    /// ```
    pub const fn new(inner: A, fail_at: usize) -> Self {
        Failing {
            inner,
            fail_at,
            every_later: false,
            counts: Mutex::new(Counts {
                allocations: 0,
                failures: 0,
            }),
        }
    }

    /// Never fails; only counts allocations (the counting run of
    /// [`check_all_allocation_failures`](crate::testing::check_all_allocation_failures)).
    ///
    /// ```
    /// use makai_alloc::{Failing, Global};
    /// let a = Failing::counting(Global);
    /// drop(allocator_api2::vec::Vec::<u8, _>::with_capacity_in(4, &a));
    /// assert_eq!((a.allocations(), a.failures()), (1, 0));
    /// ```
    pub const fn counting(inner: A) -> Self {
        Failing::new(inner, usize::MAX)
    }

    /// Also fails every allocation after the chosen one (Zig's behaviour: once memory runs
    /// out, it stays out).
    ///
    /// ```
    /// use makai_alloc::{Allocator, Failing, Global};
    /// use std::alloc::Layout;
    /// let a = Failing::new(Global, 0).and_every_later();
    /// assert!(a.allocate(Layout::new::<u8>()).is_err());
    /// assert!(a.allocate(Layout::new::<u8>()).is_err());
    /// assert_eq!(a.failures(), 2);
    /// ```
    #[must_use]
    pub const fn and_every_later(mut self) -> Self {
        self.every_later = true;
        self
    }

    /// The index of the allocation that fails.
    ///
    /// ```
    /// assert_eq!(makai_alloc::Failing::new(makai_alloc::Global, 7).failing_index(), 7);
    /// ```
    pub fn failing_index(&self) -> usize {
        self.fail_at
    }

    /// The earlier name of [`failing_index`](Failing::failing_index).
    #[doc(hidden)]
    pub fn fail_index(&self) -> usize {
        self.failing_index()
    }

    /// How many allocations were attempted (failed ones included).
    ///
    /// ```
    /// use makai_alloc::{Allocator, Failing, Global};
    /// let a = Failing::new(Global, 0);
    /// let _ = a.allocate(std::alloc::Layout::new::<u8>());
    /// assert_eq!(a.allocations(), 1);
    /// ```
    pub fn allocations(&self) -> usize {
        self.counts().allocations
    }

    /// How many allocations this allocator failed.
    ///
    /// ```
    /// let a = makai_alloc::Failing::new(makai_alloc::Global, 3);
    /// assert_eq!(a.failures(), 0);
    /// ```
    pub fn failures(&self) -> usize {
        self.counts().failures
    }

    /// Whether an allocation has been failed yet.
    ///
    /// ```
    /// let a = makai_alloc::Failing::new(makai_alloc::Global, 3);
    /// assert!(!a.has_failed());
    /// ```
    pub fn has_failed(&self) -> bool {
        self.failures() > 0
    }

    /// The inner allocator.
    ///
    /// ```
    /// assert_eq!(*makai_alloc::Failing::new(makai_alloc::Global, 0).inner(), makai_alloc::Global);
    /// ```
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// Unwraps the inner allocator.
    ///
    /// ```
    /// let g: makai_alloc::Global = makai_alloc::Failing::new(makai_alloc::Global, 0).into_inner();
    /// ```
    pub fn into_inner(self) -> A {
        self.inner
    }

    fn counts(&self) -> Counts {
        // Counts are plain integers updated in one statement: a poisoned lock still holds
        // consistent values.
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one allocation; `true` if it must fail.
    fn should_fail(&self) -> bool {
        let mut c = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let index = c.allocations;
        c.allocations = c.allocations.saturating_add(1);
        let fail = index == self.fail_at || (self.every_later && index >= self.fail_at);
        if fail {
            c.failures += 1;
        }
        fail
    }
}

impl<A: fmt::Debug> fmt::Debug for Failing<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.counts();
        f.debug_struct("Failing")
            .field("inner", &self.inner)
            .field("fail_at", &self.fail_at)
            .field("every_later", &self.every_later)
            .field("allocations", &c.allocations)
            .field("failures", &c.failures)
            .finish()
    }
}

// SAFETY: every call either returns `Err(AllocError)` without touching `A`, or forwards to `A`
// unchanged, so `A`'s guarantees carry over; a failed `grow` leaves the old block untouched,
// as the contract requires.
unsafe impl<A: Allocator> Allocator for Failing<A> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if self.should_fail() {
            return Err(AllocError);
        }
        self.inner.allocate(layout)
    }

    #[inline]
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if self.should_fail() {
            return Err(AllocError);
        }
        self.inner.allocate_zeroed(layout)
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller upholds `deallocate`'s contract; the block came from `A`.
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    #[inline]
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if self.should_fail() {
            return Err(AllocError);
        }
        // SAFETY: the caller upholds `grow`'s contract; the block came from `A`.
        unsafe { self.inner.grow(ptr, old, new) }
    }

    #[inline]
    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if self.should_fail() {
            return Err(AllocError);
        }
        // SAFETY: the caller upholds `grow_zeroed`'s contract; the block came from `A`.
        unsafe { self.inner.grow_zeroed(ptr, old, new) }
    }

    #[inline]
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds `shrink`'s contract; the block came from `A`.
        unsafe { self.inner.shrink(ptr, old, new) }
    }
}

#[cfg(feature = "allocator-api2")]
crate::api2::impl_allocator_api2!([A: Allocator] Failing<A>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_counts_and_fails_without_touching_the_block() {
        let a = Failing::new(Global, 1);
        let l = Layout::new::<[u8; 8]>();
        let p = a.allocate(l).unwrap();
        // SAFETY: `p` holds 8 writable bytes.
        unsafe { p.cast::<u8>().write_bytes(7, 8) };
        let big = Layout::new::<[u8; 64]>();
        // SAFETY: `p` is live in `a` with `l`, and 64 >= 8.
        assert!(unsafe { a.grow(p.cast(), l, big) }.is_err());
        // The old block is intact after the refused grow.
        // SAFETY: `p` is still live and initialised.
        assert_eq!(unsafe { p.as_ref() }[7], 7);
        // SAFETY: as above; allocation 2 succeeds.
        let p = unsafe { a.grow_zeroed(p.cast(), l, big) }.unwrap();
        // SAFETY: live with `big`; shrink is not counted.
        let p = unsafe { a.shrink(p.cast(), big, l) }.unwrap();
        assert_eq!(a.allocations(), 3);
        // SAFETY: live with `l`.
        unsafe { a.deallocate(p.cast(), l) };
        assert_eq!(a.allocations(), 3, "deallocate is not counted");
        assert!(format!("{a:?}").contains("failures: 1"));
    }

    #[test]
    fn zeroed_and_every_later() {
        let a = Failing::new(Global, 1).and_every_later();
        let l = Layout::new::<u32>();
        let p = a.allocate_zeroed(l).unwrap();
        for _ in 0..3 {
            assert!(a.allocate_zeroed(l).is_err());
        }
        assert_eq!((a.allocations(), a.failures()), (4, 3));
        // SAFETY: `p` is live with `l`.
        unsafe { a.deallocate(p.cast(), l) };
    }

    #[test]
    fn zero_sized_allocations_count() {
        let a = Failing::new(Global, 0);
        assert!(a.allocate(Layout::new::<()>()).is_err());
        assert!(a.allocate(Layout::new::<()>()).is_ok());
        assert_eq!(a.allocations(), 2);
        assert_eq!(a.into_inner(), Global);
    }
}
