//! [`HiveFallback`]: a [`HiveArray`] that spills to an allocator when it is full.
//!
//! **Invariant:** a box from [`HiveFallback::alloc`] whose value lives in the hive names the hive
//! as its owner; a box whose value was spilled names the fallback itself, whose `release`
//! frees the heap block through `A`. So every box frees to where its value came from, without
//! a tag word.

use std::alloc::Layout;
use std::cell::Cell;
use std::fmt;
use std::ptr::NonNull;

use makai_alloc::{Allocator, Global};
use makai_error::AllocError;

use crate::hive::{HiveArray, HiveBox, SlotOwner};

/// A [`HiveArray`] of `64 * W` slots with a heap behind it (Bun's `HiveArray.Fallback`):
/// [`alloc`](HiveFallback::alloc) never fails, it spills to `A` when the hive is full, and each
/// box frees to wherever its value came from. [`spill_count`](HiveFallback::spill_count) says
/// how often the hive was too small, to size `W`.
///
/// ```
/// use makai_collections::HiveFallback;
///
/// let pool = HiveFallback::<u64, 1>::new(); // 64 slots
/// let boxes: Vec<_> = (0..100).map(|i| pool.alloc(i)).collect();
/// assert_eq!(pool.spill_count(), 36);
/// assert!(pool.hive().contains(&*boxes[63]));
/// assert!(!pool.hive().contains(&*boxes[64]));
/// drop(boxes);
/// assert!(pool.hive().is_empty());
/// ```
pub struct HiveFallback<T, const W: usize, A: Allocator = Global> {
    hive: HiveArray<T, W>,
    spills: Cell<usize>,
    alloc: A,
}

impl<T, const W: usize> HiveFallback<T, W, Global> {
    /// An empty pool spilling to the global allocator.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 1>::new();
    /// assert_eq!(pool.spill_count(), 0);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self::new_in(Global)
    }

    /// An empty pool on the heap, built in place from zeroed memory (no stack copy of the
    /// hive); see [`HiveArray::new_boxed`].
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<[u8; 320], 32>::new_boxed();
    /// assert_eq!(*pool.alloc([1; 320]), [1; 320]);
    /// ```
    #[must_use]
    pub fn new_boxed() -> Box<Self> {
        let zeroed = Box::<Self>::new_zeroed();
        // SAFETY: all-zero bytes are a valid empty hive (see `HiveArray::new_boxed`), a zero
        // spill count, and `Global`, which is zero-sized.
        unsafe { zeroed.assume_init() }
    }
}

impl<T, const W: usize, A: Allocator> HiveFallback<T, W, A> {
    /// An empty pool spilling to `alloc`.
    ///
    /// ```
    /// use makai_alloc::Global;
    /// let pool = makai_collections::HiveFallback::<u8, 1, Global>::new_in(Global);
    /// assert_eq!(*pool.alloc(1), 1);
    /// ```
    #[must_use]
    pub const fn new_in(alloc: A) -> Self {
        Self {
            hive: HiveArray::new(),
            spills: Cell::new(0),
            alloc,
        }
    }

    /// Puts `value` in the hive, or on the heap when the hive is full.
    ///
    /// # Panics
    ///
    /// Never; if the allocator fails, [`makai_error::out_of_memory`] aborts the process.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<String, 1>::new();
    /// let s = pool.alloc("hello".to_owned());
    /// assert_eq!(*s, "hello");
    /// ```
    #[inline]
    pub fn alloc(&self, value: T) -> HiveBox<'_, T> {
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
    /// let pool = makai_collections::HiveFallback::<u8, 1>::new();
    /// assert_eq!(*pool.try_alloc(4).unwrap(), 4);
    /// ```
    #[inline]
    pub fn try_alloc(&self, value: T) -> Result<HiveBox<'_, T>, AllocError> {
        match self.hive.alloc(value) {
            Ok(b) => Ok(b),
            Err(value) => self.spill(value),
        }
    }

    #[cold]
    fn spill(&self, value: T) -> Result<HiveBox<'_, T>, AllocError> {
        let block = self.alloc.allocate(Layout::new::<T>())?;
        let ptr = block.cast::<T>();
        // SAFETY: a fresh block that fits `Layout::new::<T>()`: valid and aligned for a `T`.
        unsafe { ptr.write(value) };
        self.spills.set(self.spills.get() + 1);
        Ok(HiveBox::from_parts(ptr, self))
    }

    /// How many values have gone to the heap because the hive was full, since creation.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 0>::new(); // no hive slots at all
    /// let _b = pool.alloc(1);
    /// assert_eq!(pool.spill_count(), 1);
    /// ```
    #[inline]
    #[must_use]
    pub fn spill_count(&self) -> usize {
        self.spills.get()
    }

    /// The inline hive (for `len`, `contains`, `index_of`).
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 1>::new();
    /// assert_eq!(pool.hive().capacity(), 64);
    /// ```
    #[inline]
    #[must_use]
    pub fn hive(&self) -> &HiveArray<T, W> {
        &self.hive
    }

    /// The allocator values spill to.
    ///
    /// ```
    /// let pool = makai_collections::HiveFallback::<u8, 1>::new();
    /// let _: &makai_alloc::Global = pool.allocator();
    /// ```
    #[inline]
    #[must_use]
    pub fn allocator(&self) -> &A {
        &self.alloc
    }

    /// Takes back ownership of a value given away with [`HiveBox::into_raw`] from a box of this
    /// pool. A pointer into the hive is validated as in [`HiveArray::from_raw`]; a heap
    /// pointer cannot be checked.
    ///
    /// # Panics
    ///
    /// When `ptr` is inside the hive but not at the start of a slot, or at a free slot.
    ///
    /// # Safety
    ///
    /// 1. `ptr` came from [`HiveBox::into_raw`] of a box of this pool, and
    /// 2. no other box owns that value.
    ///
    /// ```
    /// use makai_collections::{HiveBox, HiveFallback};
    /// let pool = HiveFallback::<u8, 0>::new();
    /// let raw = HiveBox::into_raw(pool.alloc(3)); // spilled to the heap
    /// // SAFETY: `raw` came from `into_raw` on this pool and is reclaimed once.
    /// assert_eq!(*unsafe { pool.from_raw(raw) }, 3);
    /// ```
    #[track_caller]
    pub unsafe fn from_raw(&self, ptr: NonNull<T>) -> HiveBox<'_, T> {
        if self.hive.contains(ptr.as_ptr()) {
            // SAFETY: the caller's promises are those of `HiveArray::from_raw`.
            unsafe { self.hive.from_raw(ptr) }
        } else {
            HiveBox::from_parts(ptr, self)
        }
    }
}

impl<T, const W: usize, A: Allocator> SlotOwner<T> for HiveFallback<T, W, A> {
    unsafe fn release(&self, ptr: NonNull<T>) {
        if self.hive.contains(ptr.as_ptr()) {
            // SAFETY: the caller's promises (a live, dropped slot of this pool) are the
            // hive's.
            unsafe { self.hive.release(ptr) };
        } else {
            // SAFETY: a box owned by the pool whose value is outside the hive was spilled:
            // its block came from `self.alloc` with `Layout::new::<T>()`.
            unsafe { self.alloc.deallocate(ptr.cast(), Layout::new::<T>()) };
        }
    }
}

impl<T, const W: usize, A: Allocator + Default> Default for HiveFallback<T, W, A> {
    fn default() -> Self {
        Self::new_in(A::default())
    }
}

impl<T, const W: usize, A: Allocator> fmt::Debug for HiveFallback<T, W, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HiveFallback")
            .field("hive", &self.hive)
            .field("spill_count", &self.spills.get())
            .finish_non_exhaustive()
    }
}
