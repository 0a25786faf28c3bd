//! [`HiveFallback`] and [`FallbackBox`]: a [`HiveArray`] that spills to an allocator when it is
//! full.
//!
//! **Invariant:** a [`FallbackBox`] whose `hive` is `Some` owns a slot of the pool's hive (and
//! frees it as a [`HiveBox`] would); one whose `hive` is `None` owns a block of
//! `Layout::new::<T>()` from the pool's allocator, counted in `live_spills`.

use alloc::boxed::Box;
use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::ptr::NonNull;

use makai_alloc::{Allocator, Global};
use makai_error::AllocError;

use crate::hive::{HiveArray, HiveBox, SlotCount, Slots};

/// The part of a [`HiveFallback`] its boxes need: the allocator and the spill bookkeeping.
struct Spill<A> {
    /// Values that went to the heap since creation.
    spills: Cell<usize>,
    /// Heap blocks currently owned by boxes or raw pointers.
    live: Cell<usize>,
    /// Address of this `Spill` when a hive value last left through `into_raw` (0: never).
    raw_home: Cell<usize>,
    alloc: A,
}

/// A [`HiveArray`] of `N` slots with a heap behind it (Bun's `HiveArray.Fallback`):
/// [`alloc`](HiveFallback::alloc) never fails, it spills to `A` when the hive is full, and each
/// [`FallbackBox`] frees to wherever its value came from.
/// [`fallback_count`](HiveFallback::fallback_count) says how often the hive was too small, to size `N`.
///
/// ```
/// use makai_collections::HiveFallback;
///
/// let pool = HiveFallback::<u64, 64>::new(); // 64 slots
/// let boxes: Vec<_> = (0..100).map(|i| pool.alloc(i)).collect();
/// assert_eq!(pool.fallback_count(), 36);
/// assert!(pool.hive().contains(&*boxes[63]));
/// assert!(!pool.hive().contains(&*boxes[64]));
/// drop(boxes);
/// assert!(pool.hive().is_empty());
/// ```
///
/// Addresses of hive values are stable only while the pool stays where it is; see
/// [`from_raw`](HiveFallback::from_raw).
#[doc(alias = "Fallback")]
pub struct HiveFallback<T, const N: usize, A: Allocator = Global>
where
    Slots<N>: SlotCount,
{
    hive: HiveArray<T, N>,
    spill: Spill<A>,
}

impl<T, const N: usize> HiveFallback<T, N, Global>
where
    Slots<N>: SlotCount,
{
    /// An empty pool spilling to the global allocator.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 4>::new();
    /// assert_eq!(pool.fallback_count(), 0);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self::new_in(Global)
    }

    /// An empty pool on the heap, built in place from zeroed memory (no stack copy of the
    /// hive); see [`HiveArray::new_boxed`].
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<[u8; 320], 2048>::new_boxed();
    /// assert_eq!(*pool.alloc([1; 320]), [1; 320]);
    /// ```
    #[must_use]
    pub fn new_boxed() -> Box<Self> {
        let zeroed = Box::<Self>::new_zeroed();
        // SAFETY: all-zero bytes are a valid empty hive (see `HiveArray::new_boxed`), zero
        // counters, a zero `raw_home` ("never"), and `Global`, which is zero-sized.
        unsafe { zeroed.assume_init() }
    }
}

impl<T, const N: usize, A: Allocator> HiveFallback<T, N, A>
where
    Slots<N>: SlotCount,
{
    /// An empty pool spilling to `alloc`.
    ///
    /// ```
    /// use makai_alloc::Global;
    /// let pool = makai_collections::HiveFallback::<u8, 4, Global>::new_in(Global);
    /// assert_eq!(*pool.alloc(1), 1);
    /// ```
    #[must_use]
    pub const fn new_in(alloc: A) -> Self {
        Self {
            hive: HiveArray::new(),
            spill: Spill {
                spills: Cell::new(0),
                live: Cell::new(0),
                raw_home: Cell::new(0),
                alloc,
            },
        }
    }

    /// Puts `value` in the hive, or on the heap when the hive is full.
    ///
    /// # Panics
    ///
    /// Never; if the allocator fails, [`makai_error::out_of_memory`] aborts the process.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<String, 4>::new();
    /// let s = pool.alloc("hello".to_owned());
    /// assert_eq!(*s, "hello");
    /// ```
    #[inline]
    pub fn alloc(&self, value: T) -> FallbackBox<'_, T, A> {
        match self.try_alloc(value) {
            Ok(b) => b,
            Err(AllocError) => makai_error::out_of_memory(),
        }
    }

    /// Like [`alloc`](HiveFallback::alloc), reporting a failing allocator instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the hive is full and `A` cannot allocate; `value` is dropped.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 4>::new();
    /// assert_eq!(*pool.try_alloc(4).unwrap(), 4);
    /// ```
    #[inline]
    pub fn try_alloc(&self, value: T) -> Result<FallbackBox<'_, T, A>, AllocError> {
        match self.hive.alloc(value) {
            Ok(b) => Ok(FallbackBox::in_hive(b, &self.spill)),
            Err(value) => self.spill(value),
        }
    }

    #[cold]
    fn spill(&self, value: T) -> Result<FallbackBox<'_, T, A>, AllocError> {
        let block = self.spill.alloc.allocate(Layout::new::<T>())?;
        let ptr = block.cast::<T>();
        // SAFETY: a fresh block that fits `Layout::new::<T>()`: valid and aligned for a `T`.
        unsafe { ptr.write(value) };
        self.spill.spills.set(self.spill.spills.get() + 1);
        self.spill.live.set(self.spill.live.get() + 1);
        Ok(FallbackBox {
            ptr,
            hive: None,
            spill: &self.spill,
        })
    }

    /// How many values have gone to the heap because the hive was full, since creation.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 0>::new(); // no hive slots at all
    /// let _b = pool.alloc(1);
    /// assert_eq!(pool.fallback_count(), 1);
    /// ```
    #[inline]
    #[must_use]
    #[doc(alias = "spill_count")]
    pub fn fallback_count(&self) -> usize {
        self.spill.spills.get()
    }

    /// The earlier name of [`fallback_count`](HiveFallback::fallback_count).
    #[doc(hidden)]
    #[inline]
    #[must_use]
    pub fn spill_count(&self) -> usize {
        self.fallback_count()
    }

    /// The inline hive (for `len`, `contains`, `index_of`).
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 64>::new();
    /// assert_eq!(pool.hive().capacity(), 64);
    /// ```
    #[inline]
    #[must_use]
    pub fn hive(&self) -> &HiveArray<T, N> {
        &self.hive
    }

    /// The fallback allocator, which values spill to when the hive is full (the same name as
    /// on makai-alloc's `StackFallback` and `BufferFallback`).
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 4>::new();
    /// let _: &makai_alloc::Global = pool.fallback();
    /// ```
    #[inline]
    #[must_use]
    pub fn fallback(&self) -> &A {
        &self.spill.alloc
    }

    /// The earlier name of [`fallback`](HiveFallback::fallback).
    #[doc(hidden)]
    #[inline]
    #[must_use]
    pub fn allocator(&self) -> &A {
        self.fallback()
    }

    /// Takes back ownership of a value given away with [`FallbackBox::into_raw`] from a box of
    /// this pool. A pointer into the hive is validated as in [`HiveArray::from_raw`]. A heap
    /// pointer cannot be checked against the allocator, but the pool knows how many heap
    /// blocks are out and where its hive was when a hive value last left through `into_raw`.
    ///
    /// # Panics
    ///
    /// When `ptr` is inside the hive but not at the start of a slot, or at a free slot; when
    /// it is outside the hive but no spilled value is out (so it cannot be a heap block of
    /// this pool); when it points into the place the hive occupied at the last hive
    /// `into_raw`, and the pool has moved since.
    ///
    /// # Safety
    ///
    /// 1. `ptr` came from [`FallbackBox::into_raw`] of a box of this pool, **and, if that
    ///    value lived in the hive, the pool has not moved since** (moving the pool moves its
    ///    hive values; the checks above catch the common cases, not all), and
    /// 2. no other box owns that value.
    ///
    /// ```
    /// use makai_collections::{FallbackBox, HiveFallback};
    /// let pool = HiveFallback::<u8, 0>::new();
    /// let raw = FallbackBox::into_raw(pool.alloc(3)); // spilled to the heap
    /// // SAFETY: `raw` came from `into_raw` on this pool and is reclaimed once.
    /// assert_eq!(*unsafe { pool.from_raw(raw) }, 3);
    /// ```
    #[track_caller]
    pub unsafe fn from_raw(&self, ptr: NonNull<T>) -> FallbackBox<'_, T, A> {
        if self.hive.contains(ptr.as_ptr()) {
            // SAFETY: the caller's promises are those of `HiveArray::from_raw`.
            let b = unsafe { self.hive.from_raw(ptr) };
            return FallbackBox::in_hive(b, &self.spill);
        }
        let raw = ptr.as_ptr().cast_const();
        // Where the pool was at the last hive `into_raw` (`raw_home` is its `spill` field's
        // address then), and whether the pointer falls inside that old place.
        let home = self.spill.raw_home.get();
        let moved = home != 0 && home != core::ptr::from_ref(&self.spill).addr();
        let old_start = home.wrapping_sub(core::mem::offset_of!(Self, spill));
        let in_old_place = raw.addr().wrapping_sub(old_start) < size_of::<Self>();
        assert!(
            !(moved && in_old_place),
            "HiveFallback::from_raw: pointer {raw:p} points where the hive was before the pool \
             moved (hive addresses are stable only while the pool stays put)"
        );
        assert!(
            self.spill.live.get() != 0,
            "HiveFallback::from_raw: pointer {raw:p} is neither in the hive nor a spilled block \
             (none is out; did the pool move after `into_raw`?)"
        );
        FallbackBox {
            ptr,
            hive: None,
            spill: &self.spill,
        }
    }
}

impl<T, const N: usize, A: Allocator + Default> Default for HiveFallback<T, N, A>
where
    Slots<N>: SlotCount,
{
    fn default() -> Self {
        Self::new_in(A::default())
    }
}

impl<T, const N: usize, A: Allocator> fmt::Debug for HiveFallback<T, N, A>
where
    Slots<N>: SlotCount,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HiveFallback")
            .field("hive", &self.hive)
            .field("fallback_count", &self.spill.spills.get())
            .finish_non_exhaustive()
    }
}

/// An owning pointer to a value of a [`HiveFallback`], in its hive or spilled to its
/// allocator: `Deref`/`DerefMut` to the value; dropping it drops the value and frees the slot
/// or the heap block, whichever it came from.
///
/// Like [`HiveBox`], it borrows its pool and is not `Send`:
///
/// ```compile_fail,E0277
/// fn send<T: Send>(_: T) {}
/// let pool = makai_collections::HiveFallback::<u32, 8>::new();
/// send(pool.alloc(1));
/// ```
pub struct FallbackBox<'h, T, A: Allocator = Global> {
    ptr: NonNull<T>,
    /// The hive box this was, or `None` for a spilled value.
    hive: Option<ManuallyDrop<HiveBox<'h, T>>>,
    spill: &'h Spill<A>,
}

// SAFETY: a shared `&FallbackBox` only gives out `&T` and never touches the pool's
// bookkeeping or allocator, so sharing it is sharing `&T`.
unsafe impl<T: Sync, A: Allocator> Sync for FallbackBox<'_, T, A> {}

impl<'h, T, A: Allocator> FallbackBox<'h, T, A> {
    fn in_hive(b: HiveBox<'h, T>, spill: &'h Spill<A>) -> Self {
        Self {
            ptr: HiveBox::as_ptr(&b),
            hive: Some(ManuallyDrop::new(b)),
            spill,
        }
    }

    /// `true` when the value lives on the heap (the hive was full when it was allocated).
    ///
    /// ```
    /// use makai_collections::{FallbackBox, HiveFallback};
    /// let pool = HiveFallback::<u8, 1>::new();
    /// let (a, b) = (pool.alloc(1), pool.alloc(2));
    /// assert!(!FallbackBox::is_spilled(&a) && FallbackBox::is_spilled(&b));
    /// ```
    #[must_use]
    pub fn is_spilled(b: &Self) -> bool {
        b.hive.is_none()
    }

    /// Gives up ownership without dropping the value or freeing its storage, until
    /// [`HiveFallback::from_raw`] takes it back. For a value in the hive, the pointer stays
    /// valid only while the pool stays where it is.
    ///
    /// ```
    /// use makai_collections::{FallbackBox, HiveFallback};
    /// let pool = HiveFallback::<String, 4>::new();
    /// let raw = FallbackBox::into_raw(pool.alloc("x".into()));
    /// // SAFETY: from `into_raw` of this pool, which has not moved; reclaimed once.
    /// assert_eq!(*unsafe { pool.from_raw(raw) }, "x");
    /// ```
    #[must_use = "the value stays in the pool until the pointer is passed to `from_raw`"]
    pub fn into_raw(b: Self) -> NonNull<T> {
        let mut b = ManuallyDrop::new(b);
        if let Some(hive_box) = b.hive.take() {
            let ptr = HiveBox::into_raw(ManuallyDrop::into_inner(hive_box));
            // Remember where the pool is, so `from_raw` can recognise a pointer into the place
            // a moved pool used to occupy.
            b.spill.raw_home.set(core::ptr::from_ref(b.spill).addr());
            return ptr;
        }
        b.ptr
    }

    /// Moves the value out and frees its storage.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<String, 0>::new();
    /// let s = makai_collections::FallbackBox::into_inner(pool.alloc("x".into()));
    /// assert_eq!(s, "x");
    /// ```
    pub fn into_inner(b: Self) -> T {
        let mut b = ManuallyDrop::new(b);
        if let Some(hive_box) = b.hive.take() {
            return HiveBox::into_inner(ManuallyDrop::into_inner(hive_box));
        }
        // SAFETY: the box owns the initialised value in its heap block; read once, and the box
        // is not dropped.
        let value = unsafe { b.ptr.read() };
        // SAFETY: the block came from `spill.alloc` with `Layout::new::<T>()` (type invariant)
        // and its value was just moved out.
        unsafe { b.spill.free_block(b.ptr) };
        value
    }

    /// The address of the value, without giving up ownership.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 4>::new();
    /// let b = pool.alloc(3);
    /// assert_eq!(makai_collections::FallbackBox::as_ptr(&b).as_ptr().cast_const(), &*b as *const u8);
    /// ```
    #[must_use]
    pub fn as_ptr(b: &Self) -> NonNull<T> {
        b.ptr
    }
}

impl<A: Allocator> Spill<A> {
    /// Frees a spilled block and counts it.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of `Layout::new::<T>()` from `self.alloc`, whose value is gone.
    unsafe fn free_block<T>(&self, ptr: NonNull<T>) {
        self.live.set(self.live.get() - 1);
        // SAFETY: the caller's promise.
        unsafe { self.alloc.deallocate(ptr.cast(), Layout::new::<T>()) };
    }
}

impl<T, A: Allocator> FallbackBox<'static, T, A> {
    /// Pins the value where it is; only for boxes of a `'static` pool, which never moves (see
    /// [`HiveBox::into_pin`]). A spilled value's heap block does not move either.
    ///
    /// ```
    /// use makai_collections::{FallbackBox, HiveFallback};
    /// let raw = Box::into_raw(HiveFallback::<u32, 1>::new_boxed());
    /// // SAFETY: `raw` is a live heap pool that is freed only after its last use below.
    /// let pool: &'static HiveFallback<u32, 1> = unsafe { &*raw };
    /// let pinned = FallbackBox::into_pin(pool.alloc(5));
    /// assert_eq!(*pinned, 5);
    /// drop(pinned);
    /// // SAFETY: no box of the pool is left, and `pool` is not used again.
    /// drop(unsafe { Box::from_raw(raw) });
    /// ```
    #[must_use]
    pub fn into_pin(b: Self) -> Pin<Self> {
        // SAFETY: the value lives in a `'static` pool's hive (which never moves) or in a heap
        // block (which never moves), and is freed only after `Drop` has dropped it;
        // `FallbackBox` has no API that moves the value out of a `Pin<FallbackBox>`.
        unsafe { Pin::new_unchecked(b) }
    }
}

impl<T, A: Allocator> Deref for FallbackBox<'_, T, A> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the box owns an initialised value at `ptr` for as long as it lives.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T, A: Allocator> DerefMut for FallbackBox<'_, T, A> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and the box is the only owner.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T, A: Allocator> Drop for FallbackBox<'_, T, A> {
    fn drop(&mut self) {
        if let Some(hive_box) = self.hive.take() {
            drop(ManuallyDrop::into_inner(hive_box));
            return;
        }
        /// Frees the block even if `T::drop` panics.
        struct Free<'a, T, A: Allocator>(&'a Spill<A>, NonNull<T>);
        impl<T, A: Allocator> Drop for Free<'_, T, A> {
            fn drop(&mut self) {
                // SAFETY: a spilled box's block (type invariant), whose value was dropped.
                unsafe { self.0.free_block(self.1) };
            }
        }
        let _free = Free(self.spill, self.ptr);
        // SAFETY: the box owns the initialised value that nothing else will drop.
        unsafe { self.ptr.drop_in_place() };
    }
}

impl<T: fmt::Debug, A: Allocator> fmt::Debug for FallbackBox<'_, T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display, A: Allocator> fmt::Display for FallbackBox<'_, T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T, A: Allocator> fmt::Pointer for FallbackBox<'_, T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&core::ptr::from_ref::<T>(self), f)
    }
}

impl<T, A: Allocator> AsRef<T> for FallbackBox<'_, T, A> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T, A: Allocator> AsMut<T> for FallbackBox<'_, T, A> {
    fn as_mut(&mut self) -> &mut T {
        self
    }
}
