//! [`StackFallback`] (an inline buffer, then another allocator) and [`BufferFallback`] (the
//! same over a caller's buffer).
//!
//! Both bump upward through their buffer; the most recent block can be grown, shrunk or freed
//! in place (freeing rewinds the cursor, so blocks freed in reverse order all come back);
//! anything that does not fit goes to the fallback allocator, and [`fallback_count`]
//! says how often that happened, to tune the buffer size. `Allocator` is implemented only on
//! the shared reference: containers borrow the buffer, so it cannot move or be reset under
//! them.
//!
//! [`fallback_count`]: StackFallback::fallback_count

use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use makai_error::AllocError;

use crate::allocator::{Allocator, dangling};
use crate::global::Global;

/// The bump state shared by both fallback allocators: a cursor into a buffer plus counters.
/// `Cell`s make the owning types `!Sync`, which is what keeps the cursor race-free.
#[derive(Debug, Default)]
struct BumpState {
    /// Offset of the first free byte of the buffer.
    cursor: Cell<usize>,
    /// Requests served by the fallback allocator since creation.
    fallbacks: Cell<usize>,
}

impl BumpState {
    const fn new() -> Self {
        BumpState {
            cursor: Cell::new(0),
            fallbacks: Cell::new(0),
        }
    }

    /// Offset of `ptr` inside the buffer, if it points into it.
    #[inline]
    fn offset_of(base: NonNull<u8>, cap: usize, ptr: NonNull<u8>) -> Option<usize> {
        let off = ptr.as_ptr().addr().wrapping_sub(base.as_ptr().addr());
        (off < cap).then_some(off)
    }

    /// Bumps a block for a non-zero-sized `layout` out of the buffer, if it fits.
    #[inline]
    fn bump(&self, base: NonNull<u8>, cap: usize, layout: Layout) -> Option<NonNull<[u8]>> {
        let cursor = self.cursor.get();
        // SAFETY: `cursor <= cap`, so the pointer stays inside (or one past) the buffer.
        let at = unsafe { base.add(cursor) };
        // `align_offset` may answer `usize::MAX` ("cannot tell", e.g. under Miri's symbolic
        // alignment check); the checked arithmetic turns that into "does not fit".
        let pad = at.align_offset(layout.align());
        let start = cursor.checked_add(pad)?;
        let end = start.checked_add(layout.size())?;
        if end > cap {
            return None;
        }
        self.cursor.set(end);
        // SAFETY: `start < end <= cap`: inside the buffer.
        let ptr = unsafe { base.add(start) };
        Some(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    /// Allocates from the buffer, else from `fallback`.
    #[inline]
    fn allocate<A: Allocator>(
        &self,
        base: NonNull<u8>,
        cap: usize,
        fallback: &A,
        layout: Layout,
        zeroed: bool,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if layout.size() == 0 {
            return Ok(dangling(layout));
        }
        if let Some(block) = self.bump(base, cap, layout) {
            if zeroed {
                // SAFETY: the block is `layout.size()` fresh bytes of the buffer.
                unsafe { block.cast::<u8>().as_ptr().write_bytes(0, layout.size()) };
            }
            return Ok(block);
        }
        let block = if zeroed {
            fallback.allocate_zeroed(layout)?
        } else {
            fallback.allocate(layout)?
        };
        self.fallbacks.set(self.fallbacks.get() + 1);
        Ok(block)
    }

    /// Frees a block: rewinds the cursor if it is the last buffer block, forwards fallback
    /// blocks, ignores other buffer blocks (their bytes come back at reset).
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this allocator (buffer or `fallback`) fitting `layout`.
    #[inline]
    unsafe fn deallocate<A: Allocator>(
        &self,
        base: NonNull<u8>,
        cap: usize,
        fallback: &A,
        ptr: NonNull<u8>,
        layout: Layout,
    ) {
        if layout.size() == 0 {
            return;
        }
        match Self::offset_of(base, cap, ptr) {
            Some(off) => {
                if off + layout.size() == self.cursor.get() {
                    self.cursor.set(off);
                }
            }
            // SAFETY: a non-zero-sized block outside the buffer came from `fallback`.
            None => unsafe { fallback.deallocate(ptr, layout) },
        }
    }

    /// Grows or shrinks a block, in place when it is the last buffer block and the new layout
    /// fits there.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this allocator fitting `old`; for growing
    /// `new.size() >= old.size()`, for shrinking `new.size() <= old.size()` (`grow` says which).
    #[expect(
        clippy::too_many_arguments,
        reason = "private helper shared by two allocators"
    )]
    unsafe fn resize<A: Allocator>(
        &self,
        base: NonNull<u8>,
        cap: usize,
        fallback: &A,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        grow: bool,
        zeroed: bool,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if old.size() == 0 {
            return self.allocate(base, cap, fallback, new, zeroed);
        }
        let Some(off) = Self::offset_of(base, cap, ptr) else {
            // A fallback block stays with the fallback allocator.
            return match (grow, zeroed) {
                // SAFETY: `ptr` is a live `fallback` block fitting `old` (caller's contract),
                // and the size relation matches the method called (in the three arms).
                (true, true) => unsafe { fallback.grow_zeroed(ptr, old, new) },
                // SAFETY: as above.
                (true, false) => unsafe { fallback.grow(ptr, old, new) },
                // SAFETY: as above.
                (false, _) => unsafe { fallback.shrink(ptr, old, new) },
            };
        };
        if new.size() == 0 {
            // SAFETY: `ptr` is a live buffer block fitting `old`.
            unsafe { self.deallocate(base, cap, fallback, ptr, old) };
            return Ok(dangling(new));
        }
        let is_last = off + old.size() == self.cursor.get();
        let aligned = ptr.as_ptr().addr().is_multiple_of(new.align());
        if aligned {
            if !grow {
                if is_last {
                    self.cursor.set(off + new.size());
                }
                return Ok(NonNull::slice_from_raw_parts(ptr, new.size()));
            }
            if is_last && off.checked_add(new.size()).is_some_and(|end| end <= cap) {
                self.cursor.set(off + new.size());
                if zeroed {
                    // SAFETY: `old.size() < new.size()` and the block's end is inside the
                    // buffer (just checked).
                    let tail = unsafe { ptr.add(old.size()) };
                    // SAFETY: the bytes `old.size()..new.size()` of the block now belong to it.
                    unsafe { tail.write_bytes(0, new.size() - old.size()) };
                }
                return Ok(NonNull::slice_from_raw_parts(ptr, new.size()));
            }
        }
        // Move: new block (buffer or fallback), copy, free the old one.
        let fresh = self.allocate(base, cap, fallback, new, zeroed)?;
        let keep = old.size().min(new.size());
        // SAFETY: both blocks hold `keep` bytes; the old block is still live, so the fresh one
        // (allocated after it) does not overlap it.
        unsafe { core::ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.cast::<u8>().as_ptr(), keep) };
        // SAFETY: `ptr` is a live buffer block fitting `old`.
        unsafe { self.deallocate(base, cap, fallback, ptr, old) };
        Ok(fresh)
    }
}

/// Implements `Allocator` for `&$ty`, given `buf(&self) -> (NonNull<u8>, usize)`.
macro_rules! bump_allocator_impl {
    ([$($gen:tt)*] $ty:ty) => {
        // SAFETY: buffer blocks are disjoint ranges below the cursor, aligned by `align_offset`,
        // and stay valid until freed or until `reset(&mut self)`/drop, which cannot happen while
        // `&Self` is borrowed; the buffer cannot move while borrowed either. Other blocks come
        // from the fallback allocator, which upholds the contract itself. Zero-sized layouts get
        // dangling pointers. The type is `!Sync` (it holds `Cell`s), so the cursor is never raced.
        unsafe impl<$($gen)*> Allocator for &$ty {
            #[inline]
            fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
                let (base, cap) = self.buf();
                self.state.allocate(base, cap, &self.fallback, layout, false)
            }

            #[inline]
            fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
                let (base, cap) = self.buf();
                self.state.allocate(base, cap, &self.fallback, layout, true)
            }

            #[inline]
            unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
                let (base, cap) = self.buf();
                // SAFETY: the caller's block is a live block of this allocator.
                unsafe { self.state.deallocate(base, cap, &self.fallback, ptr, layout) }
            }

            #[inline]
            unsafe fn grow(
                &self,
                ptr: NonNull<u8>,
                old: Layout,
                new: Layout,
            ) -> Result<NonNull<[u8]>, AllocError> {
                let (base, cap) = self.buf();
                // SAFETY: the caller upholds `grow`'s contract.
                unsafe { self.state.resize(base, cap, &self.fallback, ptr, old, new, true, false) }
            }

            #[inline]
            unsafe fn grow_zeroed(
                &self,
                ptr: NonNull<u8>,
                old: Layout,
                new: Layout,
            ) -> Result<NonNull<[u8]>, AllocError> {
                let (base, cap) = self.buf();
                // SAFETY: the caller upholds `grow_zeroed`'s contract.
                unsafe { self.state.resize(base, cap, &self.fallback, ptr, old, new, true, true) }
            }

            #[inline]
            unsafe fn shrink(
                &self,
                ptr: NonNull<u8>,
                old: Layout,
                new: Layout,
            ) -> Result<NonNull<[u8]>, AllocError> {
                let (base, cap) = self.buf();
                // SAFETY: the caller upholds `shrink`'s contract.
                unsafe { self.state.resize(base, cap, &self.fallback, ptr, old, new, false, false) }
            }
        }
    };
}

/// The inline buffer: 16-aligned, so common alignments are known to hold even under Miri's
/// symbolic alignment check. Each byte is a `Cell`, so blocks may be written through pointers
/// derived from `&self`.
#[repr(C, align(16))]
struct Inline<const N: usize>([Cell<MaybeUninit<u8>>; N]);

/// An inline buffer of `N` bytes that serves allocations first, then falls back to `A`
/// (Zig's `StackFallbackAllocator`, Bun's port of it).
///
/// Put it on the stack for short-lived scratch data: while requests fit in `N` bytes nothing
/// touches the heap. `Allocator` is implemented for `&StackFallback` only, so containers
/// borrow it: the buffer cannot move and [`reset`](StackFallback::reset) cannot run while they
/// live (Zig's "call `get()` only once" rule becomes a borrow-checker fact). It is `!Sync`.
///
/// When only one container needs inline storage, a small-vector type is the simpler tool; a
/// `StackFallback` shines when several containers (or a hash map) share one buffer.
///
/// ```
/// use makai_alloc::StackFallback;
/// use allocator_api2::vec::Vec;
///
/// let buf = StackFallback::<256>::new();
/// let mut v = Vec::new_in(&buf);
/// v.extend_from_slice(b"small enough for the stack");
/// assert_eq!(buf.fallback_count(), 0); // no heap allocation happened
/// let mut big: Vec<u8, _> = Vec::with_capacity_in(1000, &buf);
/// big.push(1);
/// assert_eq!(buf.fallback_count(), 1); // this one went to `Global`
/// ```
///
/// Resetting needs `&mut`, which the borrow checker refuses while a container lives:
///
/// ```compile_fail
/// use makai_alloc::{Allocator, StackFallback};
/// let mut buf = StackFallback::<64>::new();
/// let alloc = &buf;
/// buf.reset();
/// let _ = alloc.allocate(std::alloc::Layout::new::<u8>());
/// ```
///
/// and it cannot be shared between threads:
///
/// ```compile_fail
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<makai_alloc::StackFallback<64>>();
/// ```
pub struct StackFallback<const N: usize, A: Allocator = Global> {
    buf: Inline<N>,
    state: BumpState,
    fallback: A,
}

impl<const N: usize> StackFallback<N, Global> {
    /// An empty buffer of `N` bytes falling back to [`Global`].
    ///
    /// ```
    /// let buf = makai_alloc::StackFallback::<1024>::new();
    /// assert_eq!(buf.capacity(), 1024);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self::new_in(Global)
    }
}

impl<const N: usize> Default for StackFallback<N, Global> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, A: Allocator> StackFallback<N, A> {
    /// An empty buffer of `N` bytes falling back to `fallback`.
    ///
    /// ```
    /// use makai_alloc::{Arena, StackFallback};
    /// let arena = Arena::new();
    /// let buf = StackFallback::<64, &Arena>::new_in(&arena);
    /// assert_eq!(buf.used(), 0);
    /// ```
    #[must_use]
    pub const fn new_in(fallback: A) -> Self {
        StackFallback {
            buf: Inline([const { Cell::new(MaybeUninit::uninit()) }; N]),
            state: BumpState::new(),
            fallback,
        }
    }

    /// The earlier name of [`new_in`](StackFallback::new_in).
    #[doc(hidden)]
    #[must_use]
    pub const fn with_fallback(fallback: A) -> Self {
        Self::new_in(fallback)
    }

    /// How many requests the buffer could not serve and passed to the fallback allocator,
    /// since creation (not cleared by [`reset`](StackFallback::reset)).
    ///
    /// ```
    /// use makai_alloc::{Allocator, StackFallback};
    /// use std::alloc::Layout;
    /// let buf = StackFallback::<16>::new();
    /// let l = Layout::new::<[u8; 64]>();
    /// let block = (&buf).allocate(l).unwrap();
    /// assert_eq!(buf.fallback_count(), 1);
    /// // SAFETY: allocated above from `&buf` with `l`.
    /// unsafe { (&buf).deallocate(block.cast(), l) };
    /// ```
    #[must_use]
    pub fn fallback_count(&self) -> usize {
        self.state.fallbacks.get()
    }

    /// Bytes of the buffer in use (up to the cursor, alignment padding included).
    ///
    /// ```
    /// let buf = makai_alloc::StackFallback::<64>::new();
    /// let mut v = allocator_api2::vec::Vec::<u8, _>::with_capacity_in(10, &buf);
    /// v.push(1);
    /// assert_eq!(buf.used(), 10);
    /// ```
    #[must_use]
    pub fn used(&self) -> usize {
        self.state.cursor.get()
    }

    /// The buffer's size, `N`.
    ///
    /// ```
    /// assert_eq!(makai_alloc::StackFallback::<8>::new().capacity(), 8);
    /// ```
    #[must_use]
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The fallback allocator.
    ///
    /// ```
    /// let buf = makai_alloc::StackFallback::<8>::new();
    /// assert_eq!(*buf.fallback(), makai_alloc::Global);
    /// ```
    #[must_use]
    pub const fn fallback(&self) -> &A {
        &self.fallback
    }

    /// Rewinds the buffer: all of it is free again. `&mut self` proves no container borrows
    /// it. Blocks that went to the fallback allocator were freed by their owners already.
    ///
    /// ```
    /// use makai_alloc::StackFallback;
    /// let mut buf = StackFallback::<64>::new();
    /// let v = allocator_api2::vec::Vec::<u8, _>::with_capacity_in(40, &buf);
    /// std::mem::forget(v); // leaked: its bytes stay used until reset
    /// assert_eq!(buf.used(), 40);
    /// buf.reset();
    /// assert_eq!(buf.used(), 0);
    /// ```
    pub fn reset(&mut self) {
        self.state.cursor.set(0);
    }

    /// The buffer's start and length.
    #[inline]
    fn buf(&self) -> (NonNull<u8>, usize) {
        // The pointer comes from a shared reference to `Cell`s, so writes through it are
        // allowed; it covers the whole buffer.
        (NonNull::from(&self.buf).cast::<u8>(), N)
    }
}

bump_allocator_impl!([const N: usize, A: Allocator] StackFallback<N, A>);

impl<const N: usize, A: Allocator + fmt::Debug> fmt::Debug for StackFallback<N, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StackFallback")
            .field("capacity", &N)
            .field("used", &self.used())
            .field("fallback_count", &self.fallback_count())
            .field("fallback", &self.fallback)
            .finish()
    }
}

/// A caller's buffer that serves allocations first, then falls back to `A` (Bun's
/// `BufferFallbackAllocator`); like [`StackFallback`] but the buffer is borrowed for `'buf`
/// instead of owned, so the value itself is small and may move.
///
/// ```
/// use makai_alloc::BufferFallback;
/// use std::mem::MaybeUninit;
///
/// let mut storage = [MaybeUninit::<u8>::uninit(); 128];
/// let buf = BufferFallback::new(&mut storage);
/// let mut map = hashbrown::HashMap::with_capacity_in(4, &buf);
/// map.insert(1_u8, 2_u8);
/// assert_eq!(map[&1], 2);
/// assert_eq!(buf.fallback_count(), 0);
/// ```
///
/// The buffer stays borrowed while the allocator lives:
///
/// ```compile_fail
/// use makai_alloc::BufferFallback;
/// use std::mem::MaybeUninit;
/// let mut storage = [MaybeUninit::<u8>::uninit(); 16];
/// let buf = BufferFallback::new(&mut storage);
/// storage[0] = MaybeUninit::new(1);
/// drop(buf);
/// ```
pub struct BufferFallback<'buf, A: Allocator = Global> {
    base: NonNull<u8>,
    cap: usize,
    state: BumpState,
    fallback: A,
    /// Exclusively borrows the caller's buffer for `'buf`.
    _buf: PhantomData<&'buf mut [MaybeUninit<u8>]>,
}

// SAFETY: a `BufferFallback` is an exclusive borrow of bytes plus `Cell` counters and an `A`:
// moving it to another thread moves all of that (like `&mut [u8]`, which is `Send`). It is
// deliberately not `Sync`.
unsafe impl<A: Allocator + Send> Send for BufferFallback<'_, A> {}

impl<'buf> BufferFallback<'buf, Global> {
    /// Serves allocations from `buf`, then from [`Global`].
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// let mut storage = [MaybeUninit::uninit(); 32];
    /// let buf = makai_alloc::BufferFallback::new(&mut storage);
    /// assert_eq!(buf.capacity(), 32);
    /// ```
    #[must_use]
    pub fn new(buf: &'buf mut [MaybeUninit<u8>]) -> Self {
        Self::new_in(buf, Global)
    }
}

impl<'buf, A: Allocator> BufferFallback<'buf, A> {
    /// Serves allocations from `buf`, then from `fallback`.
    ///
    /// ```
    /// use makai_alloc::{BufferFallback, NoAlloc};
    /// use std::mem::MaybeUninit;
    /// let mut storage = [MaybeUninit::uninit(); 8];
    /// // A fixed buffer: once it is full, allocations fail instead of spilling.
    /// let buf = BufferFallback::new_in(&mut storage, NoAlloc);
    /// let mut v = allocator_api2::vec::Vec::<u8, _>::new_in(&buf);
    /// assert!(v.try_reserve(8).is_ok());
    /// assert!(v.try_reserve(9).is_err());
    /// ```
    #[must_use]
    pub fn new_in(buf: &'buf mut [MaybeUninit<u8>], fallback: A) -> Self {
        let cap = buf.len();
        BufferFallback {
            base: NonNull::from(buf).cast::<u8>(),
            cap,
            state: BumpState::new(),
            fallback,
            _buf: PhantomData,
        }
    }

    /// The earlier name of [`new_in`](BufferFallback::new_in).
    #[doc(hidden)]
    #[must_use]
    pub fn with_fallback(buf: &'buf mut [MaybeUninit<u8>], fallback: A) -> Self {
        Self::new_in(buf, fallback)
    }

    /// How many requests the buffer could not serve and passed to the fallback allocator,
    /// since creation (not cleared by [`reset`](BufferFallback::reset)).
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// let mut storage = [MaybeUninit::uninit(); 4];
    /// let buf = makai_alloc::BufferFallback::new(&mut storage);
    /// let v = allocator_api2::vec::Vec::<u64, _>::with_capacity_in(1, &buf);
    /// assert_eq!(buf.fallback_count(), 1);
    /// # drop(v);
    /// ```
    #[must_use]
    pub fn fallback_count(&self) -> usize {
        self.state.fallbacks.get()
    }

    /// Bytes of the buffer in use (up to the cursor, alignment padding included).
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// let mut storage = [MaybeUninit::uninit(); 16];
    /// let buf = makai_alloc::BufferFallback::new(&mut storage);
    /// assert_eq!(buf.used(), 0);
    /// ```
    #[must_use]
    pub fn used(&self) -> usize {
        self.state.cursor.get()
    }

    /// The buffer's length.
    ///
    /// ```
    /// let buf = makai_alloc::BufferFallback::new(&mut []);
    /// assert_eq!(buf.capacity(), 0);
    /// ```
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The fallback allocator.
    ///
    /// ```
    /// let buf = makai_alloc::BufferFallback::new(&mut []);
    /// assert_eq!(*buf.fallback(), makai_alloc::Global);
    /// ```
    #[must_use]
    pub fn fallback(&self) -> &A {
        &self.fallback
    }

    /// Rewinds the buffer: all of it is free again (see [`StackFallback::reset`]).
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// let mut storage = [MaybeUninit::uninit(); 16];
    /// let mut buf = makai_alloc::BufferFallback::new(&mut storage);
    /// std::mem::forget(allocator_api2::vec::Vec::<u8, _>::with_capacity_in(9, &buf));
    /// assert_eq!(buf.used(), 9);
    /// buf.reset();
    /// assert_eq!(buf.used(), 0);
    /// ```
    pub fn reset(&mut self) {
        self.state.cursor.set(0);
    }

    /// The buffer's start and length.
    #[inline]
    fn buf(&self) -> (NonNull<u8>, usize) {
        (self.base, self.cap)
    }
}

bump_allocator_impl!(['buf, A: Allocator] BufferFallback<'buf, A>);

impl<A: Allocator + fmt::Debug> fmt::Debug for BufferFallback<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferFallback")
            .field("capacity", &self.cap)
            .field("used", &self.used())
            .field("fallback_count", &self.fallback_count())
            .field("fallback", &self.fallback)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifo_frees_rewind_the_cursor() {
        let buf = StackFallback::<64>::new();
        let a = &buf;
        let l = Layout::new::<[u8; 8]>();
        let x = a.allocate(l).unwrap();
        let y = a.allocate(l).unwrap();
        assert_eq!(buf.used(), 16);
        // SAFETY: `y` then `x` are live blocks fitting `l`.
        unsafe {
            a.deallocate(y.cast(), l);
        }
        assert_eq!(buf.used(), 8);
        // SAFETY: `x` is live and fits `l`.
        unsafe { a.deallocate(x.cast(), l) };
        assert_eq!(buf.used(), 0);
        assert_eq!(buf.fallback_count(), 0);
    }

    #[test]
    fn last_block_grows_in_place_then_spills() {
        let buf = StackFallback::<32>::new();
        let a = &buf;
        let small = Layout::new::<[u8; 8]>();
        let p = a.allocate(small).unwrap().cast::<u8>();
        // SAFETY: 8 writable bytes.
        unsafe { p.as_ptr().write_bytes(5, 8) };
        let mid = Layout::new::<[u8; 24]>();
        // SAFETY: `p` is the last block, fitting `small`; 24 >= 8.
        let q = unsafe { a.grow_zeroed(p, small, mid) }
            .unwrap()
            .cast::<u8>();
        assert_eq!(p, q, "grown in place");
        // SAFETY: `q` holds 24 initialised bytes.
        let bytes = unsafe { core::slice::from_raw_parts(q.as_ptr(), 24) };
        assert_eq!(&bytes[..8], &[5; 8]);
        assert_eq!(&bytes[8..], &[0; 16]);
        let big = Layout::new::<[u8; 100]>();
        // SAFETY: `q` is live, fitting `mid`; 100 >= 24.
        let r = unsafe { a.grow(q, mid, big) }.unwrap().cast::<u8>();
        assert_eq!(buf.fallback_count(), 1);
        assert_eq!(buf.used(), 0, "the moved block was the last one: rewound");
        // SAFETY: the first 8 bytes were copied.
        let moved = unsafe { core::slice::from_raw_parts(r.as_ptr(), 8) };
        assert_eq!(moved, &[5; 8]);
        // SAFETY: `r` is a fallback block fitting `big`.
        unsafe { a.deallocate(r, big) };
    }

    #[test]
    fn empty_buffer_always_falls_back() {
        let buf = BufferFallback::new(&mut []);
        let a = &buf;
        let l = Layout::new::<u32>();
        let p = a.allocate(l).unwrap();
        assert_eq!(buf.fallback_count(), 1);
        // SAFETY: allocated above with `l`.
        unsafe { a.deallocate(p.cast(), l) };
        let z = a.allocate(Layout::new::<()>()).unwrap();
        assert_eq!(z.len(), 0);
        assert_eq!(
            buf.fallback_count(),
            1,
            "zero-sized requests never fall back"
        );
    }
}
