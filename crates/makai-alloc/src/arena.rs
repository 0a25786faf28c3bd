//! [`Arena`]: a bump arena over `bumpalo::Bump` that cannot silently leak destructors, and
//! [`ArenaBox`], its drop-running box.

use core::alloc::Layout;
use core::fmt;
use core::marker::PhantomData;
use core::mem::needs_drop;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use allocator_api2::alloc::Allocator as _;
use bumpalo::Bump;
use makai_error::AllocError;

use crate::allocator::{Allocator, dangling};

/// A bump arena: allocation is a pointer bump, and everything is freed at once by
/// [`reset`](Arena::reset) or drop.
///
/// Bun's arenas (and `bumpalo` used directly) silently leak anything with a destructor: an
/// arena-allocated node holding a `Vec` never frees that `Vec`. `Arena` closes the hole:
///
/// - [`alloc`](Arena::alloc) returns `&mut T` and refuses **at compile time** any `T` that
///   needs `Drop`;
/// - [`alloc_boxed`](Arena::alloc_boxed) returns an [`ArenaBox`], which runs `T`'s destructor
///   when dropped (its memory returns to the arena at the next reset).
///
/// `Allocator` is implemented for `&Arena` (and, with the `allocator-api2` feature,
/// `allocator_api2::alloc::Allocator` too), so containers borrow the arena and it cannot be
/// reset or dropped while they live. Freeing or resizing reclaims space only for the most
/// recent block; other freed blocks stay dead until reset (a growing `Vec` leaves its old
/// buffers behind: prefer [`MiHeap`](crate::MiHeap) for containers that grow a lot).
///
/// `Arena` is `Send` but not `Sync` (one thread allocates at a time).
///
/// Its chunks come from the global heap (bumpalo's chunk allocator); there is no allocator
/// parameter. [`try_with_capacity`](Arena::try_with_capacity) and the `try_` methods report a
/// chunk that cannot be allocated.
///
/// Miri note: bumpalo aligns blocks by address inside 16-byte-aligned chunks, so Miri's
/// `-Zmiri-symbolic-alignment-check` reports typed accesses to values aligned above 16 as
/// misaligned (a false positive of that flag; without it, Miri accepts them).
///
/// ```
/// use makai_alloc::Arena;
/// let arena = Arena::new();
/// let x = arena.alloc(41_u64);
/// *x += 1;
/// let name = arena.alloc_str("makai");
/// let nums = arena.alloc_slice_copy(&[1, 2, 3]);
/// assert_eq!((*x, &*name, &*nums), (42, "makai", &[1, 2, 3][..]));
/// ```
///
/// A value with a destructor is rejected at compile time (its destructor would never run):
///
/// ```compile_fail
/// let arena = makai_alloc::Arena::new();
/// let v = arena.alloc(vec![1, 2, 3]);
/// ```
///
/// and the arena cannot be reset while anything borrows from it:
///
/// ```compile_fail
/// let mut arena = makai_alloc::Arena::new();
/// let x = arena.alloc(1_u32);
/// arena.reset();
/// assert_eq!(*x, 1);
/// ```
#[derive(Default)]
pub struct Arena {
    bump: Bump,
}

impl Arena {
    /// An empty arena; its first chunk is allocated on first use.
    ///
    /// ```
    /// assert_eq!(makai_alloc::Arena::new().allocated_bytes(), 0);
    /// ```
    #[must_use]
    pub fn new() -> Arena {
        Arena { bump: Bump::new() }
    }

    /// An arena with room for at least `capacity` bytes before it needs another chunk.
    ///
    /// Calls [`makai_error::out_of_memory`] if the chunk cannot be allocated; see
    /// [`try_with_capacity`](Arena::try_with_capacity).
    ///
    /// ```
    /// let arena = makai_alloc::Arena::with_capacity(4096);
    /// assert!(arena.allocated_bytes() >= 4096);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Arena {
        Self::try_with_capacity(capacity).unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Like [`with_capacity`](Arena::with_capacity), reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the first chunk cannot be allocated.
    ///
    /// ```
    /// assert!(makai_alloc::Arena::try_with_capacity(1 << 20).is_ok());
    /// assert!(makai_alloc::Arena::try_with_capacity(usize::MAX).is_err());
    /// ```
    pub fn try_with_capacity(capacity: usize) -> Result<Arena, AllocError> {
        Bump::try_with_capacity(capacity)
            .map(|bump| Arena { bump })
            .map_err(|_| AllocError)
    }

    /// Moves `val` into the arena and returns a reference that lives as long as the borrow.
    ///
    /// `T` must not need `Drop` (checked at compile time): its destructor would never run. Use
    /// [`alloc_boxed`](Arena::alloc_boxed) for such values.
    ///
    /// # The rule: exactly the types without drop glue
    ///
    /// `alloc` accepts a `T` exactly when [`std::mem::needs_drop::<T>()`](std::mem::needs_drop)
    /// is `false`, so the arena never skips a destructor the language would have run. Two
    /// accepted cases look surprising but follow from that rule:
    ///
    /// - [`ManuallyDrop<T>`](std::mem::ManuallyDrop) is accepted for any `T`: it is the
    ///   language's explicit, visible opt-out of dropping (like [`std::mem::forget`], which is
    ///   safe). Whoever writes `arena.alloc(ManuallyDrop::new(v))` chose to run `v`'s
    ///   destructor themselves (`ManuallyDrop::drop` / `ManuallyDrop::take`) or to leak it;
    ///   the arena does not second-guess that.
    /// - Zero-length arrays such as `[Vec<u8>; 0]` are accepted: they contain no value, so
    ///   there is nothing to drop.
    ///
    /// ```
    /// use std::mem::ManuallyDrop;
    /// let arena = makai_alloc::Arena::new();
    /// let names = arena.alloc(ManuallyDrop::new(vec![String::from("kept")]));
    /// names.push("by hand".into());
    /// // The opt-out means the caller drops it; here it is taken back out and dropped.
    /// // SAFETY: `names` is not used again after `take`.
    /// let names = unsafe { ManuallyDrop::take(names) };
    /// assert_eq!(names.len(), 2);
    /// let none: &mut [Vec<u8>; 0] = arena.alloc([]);
    /// assert!(none.is_empty());
    /// ```
    ///
    /// A non-empty array of values with destructors is refused like the values themselves:
    ///
    /// ```compile_fail
    /// let arena = makai_alloc::Arena::new();
    /// arena.alloc([String::from("dropped by nobody")]);
    /// ```
    ///
    /// Calls [`makai_error::out_of_memory`] when the arena cannot grow; see
    /// [`try_alloc`](Arena::try_alloc).
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let p = arena.alloc((1_u8, 2.5_f64));
    /// p.0 = 7;
    /// assert_eq!(*p, (7, 2.5));
    /// ```
    #[inline]
    pub fn alloc<T>(&self, val: T) -> &mut T {
        const {
            assert!(
                !needs_drop::<T>(),
                "Arena::alloc: T needs Drop, use Arena::alloc_boxed"
            )
        };
        self.try_alloc(val)
            .unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Like [`alloc`](Arena::alloc), reporting failure (the value is dropped, which is a no-op
    /// since `T` needs no `Drop`).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the arena cannot grow.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// assert_eq!(*arena.try_alloc(3_i32)?, 3);
    /// # Ok::<(), makai_alloc::AllocError>(())
    /// ```
    #[inline]
    #[expect(
        clippy::mut_from_ref,
        reason = "every call returns a distinct arena block"
    )]
    pub fn try_alloc<T>(&self, val: T) -> Result<&mut T, AllocError> {
        const {
            assert!(
                !needs_drop::<T>(),
                "Arena::alloc: T needs Drop, use Arena::alloc_boxed"
            )
        };
        let ptr = self.place(val)?;
        // SAFETY: `place` returned a fresh, initialised, exclusive block that lives as long as
        // `&self` (the arena is neither reset nor dropped while borrowed).
        Ok(unsafe { &mut *ptr.as_ptr() })
    }

    /// Moves `val` into the arena and returns a box that runs `T`'s destructor when dropped.
    ///
    /// Calls [`makai_error::out_of_memory`] when the arena cannot grow; see
    /// [`try_alloc_boxed`](Arena::try_alloc_boxed).
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let mut names = arena.alloc_boxed(vec![String::from("a")]);
    /// names.push("b".into());
    /// assert_eq!(names.len(), 2);
    /// drop(names); // the Vec and its Strings are freed here
    /// ```
    #[inline]
    pub fn alloc_boxed<T>(&self, val: T) -> ArenaBox<'_, T> {
        self.try_alloc_boxed(val)
            .unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Like [`alloc_boxed`](Arena::alloc_boxed), reporting failure (`val` is dropped then).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the arena cannot grow.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let b = arena.try_alloc_boxed(String::from("x"))?;
    /// assert_eq!(&*b, "x");
    /// # Ok::<(), makai_alloc::AllocError>(())
    /// ```
    #[inline]
    pub fn try_alloc_boxed<T>(&self, val: T) -> Result<ArenaBox<'_, T>, AllocError> {
        let ptr = self.place(val)?;
        Ok(ArenaBox {
            ptr,
            _marker: PhantomData,
        })
    }

    /// Copies `s` into the arena.
    ///
    /// Calls [`makai_error::out_of_memory`] when the arena cannot grow; see
    /// [`try_alloc_str`](Arena::try_alloc_str).
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let s = arena.alloc_str("hello");
    /// s.make_ascii_uppercase();
    /// assert_eq!(s, "HELLO");
    /// ```
    #[inline]
    pub fn alloc_str(&self, s: &str) -> &mut str {
        self.try_alloc_str(s)
            .unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Like [`alloc_str`](Arena::alloc_str), reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the arena cannot grow.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// assert_eq!(arena.try_alloc_str("")?, "");
    /// # Ok::<(), makai_alloc::AllocError>(())
    /// ```
    #[inline]
    pub fn try_alloc_str(&self, s: &str) -> Result<&mut str, AllocError> {
        self.bump.try_alloc_str(s).map_err(|_| AllocError)
    }

    /// Copies `src` into the arena.
    ///
    /// Calls [`makai_error::out_of_memory`] when the arena cannot grow; see
    /// [`try_alloc_slice_copy`](Arena::try_alloc_slice_copy).
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let xs = arena.alloc_slice_copy(&[3_u16, 1, 2]);
    /// xs.sort_unstable();
    /// assert_eq!(xs, &[1, 2, 3]);
    /// ```
    #[inline]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
        self.try_alloc_slice_copy(src)
            .unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Like [`alloc_slice_copy`](Arena::alloc_slice_copy), reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the arena cannot grow.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// assert_eq!(arena.try_alloc_slice_copy::<u8>(&[])?.len(), 0);
    /// # Ok::<(), makai_alloc::AllocError>(())
    /// ```
    #[inline]
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        self.bump.try_alloc_slice_copy(src).map_err(|_| AllocError)
    }

    /// Frees everything at once and keeps the largest chunk for reuse.
    ///
    /// `&mut self` proves nothing borrows from the arena any more. Destructors are not run
    /// (values with destructors live in [`ArenaBox`]es, which have already been dropped).
    ///
    /// ```
    /// let mut arena = makai_alloc::Arena::new();
    /// for round in 0..3 {
    ///     let xs = arena.alloc_slice_copy(&[round; 100]);
    ///     assert_eq!(xs[99], round);
    ///     arena.reset();
    /// }
    /// ```
    pub fn reset(&mut self) {
        self.bump.reset();
    }

    /// Bytes held in the arena's chunks (capacity, not only the part in use), excluding
    /// bookkeeping.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// arena.alloc([0_u8; 100]);
    /// assert!(arena.allocated_bytes() >= 100);
    /// ```
    #[must_use]
    pub fn allocated_bytes(&self) -> usize {
        self.bump.allocated_bytes()
    }

    /// Moves `val` into a fresh block.
    #[inline]
    fn place<T>(&self, val: T) -> Result<NonNull<T>, AllocError> {
        let ptr = Allocator::allocate(&self, Layout::new::<T>())?.cast::<T>();
        // SAFETY: the block is fresh, fits `T` and is aligned for it (dangling but aligned for
        // a zero-sized `T`, where the write is a no-op).
        unsafe { ptr.as_ptr().write(val) };
        Ok(ptr)
    }
}

impl fmt::Debug for Arena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena")
            .field("allocated_bytes", &self.allocated_bytes())
            .finish()
    }
}

// SAFETY: zero-sized layouts get a dangling aligned pointer and never reach bumpalo; every
// other call forwards to bumpalo's `Allocator for &Bump`, which upholds the same contract.
// Blocks stay valid until freed, reset or drop, and neither reset nor drop can happen while
// `&Arena` is borrowed.
unsafe impl Allocator for &Arena {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if layout.size() == 0 {
            return Ok(dangling(layout));
        }
        match self.bump.try_alloc_layout(layout) {
            Ok(p) => Ok(NonNull::slice_from_raw_parts(p, layout.size())),
            Err(_) => Err(AllocError),
        }
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            // SAFETY: a non-zero-sized block of this allocator is a live bumpalo block.
            unsafe { (&self.bump).deallocate(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if old.size() == 0 {
            return Allocator::allocate(self, new);
        }
        // SAFETY: `ptr` is a live bumpalo block fitting `old`; `new` is not smaller.
        unsafe { (&self.bump).grow(ptr, old, new) }.map_err(|_| AllocError)
    }

    #[inline]
    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if old.size() == 0 {
            return Allocator::allocate_zeroed(self, new);
        }
        // SAFETY: `ptr` is a live bumpalo block fitting `old`; `new` is not smaller.
        unsafe { (&self.bump).grow_zeroed(ptr, old, new) }.map_err(|_| AllocError)
    }

    #[inline]
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if new.size() == 0 {
            // SAFETY: `ptr` is a block of this allocator fitting `old`.
            unsafe { Allocator::deallocate(self, ptr, old) };
            return Ok(dangling(new));
        }
        // SAFETY: `ptr` is a live bumpalo block fitting `old` (non-zero, since `new.size() > 0`
        // and `new.size() <= old.size()`); `new` is not larger.
        unsafe { (&self.bump).shrink(ptr, old, new) }.map_err(|_| AllocError)
    }
}

/// A value in an [`Arena`] whose destructor runs when the box is dropped (the memory itself
/// returns to the arena at its next reset). Borrows the arena, so it cannot outlive it.
///
/// ```
/// use std::rc::Rc;
/// let arena = makai_alloc::Arena::new();
/// let shared = Rc::new(5);
/// let boxed = arena.alloc_boxed(Rc::clone(&shared));
/// assert_eq!(Rc::strong_count(&shared), 2);
/// drop(boxed);
/// assert_eq!(Rc::strong_count(&shared), 1);
/// ```
///
/// The box cannot outlive its arena:
///
/// ```compile_fail
/// let b = {
///     let arena = makai_alloc::Arena::new();
///     arena.alloc_boxed(String::from("x"))
/// };
/// ```
pub struct ArenaBox<'a, T> {
    /// An initialised `T` in the arena, owned by this box.
    ptr: NonNull<T>,
    /// Borrows the arena for `'a` and owns a `T` (for drop check and variance).
    _marker: PhantomData<(&'a Arena, T)>,
}

// SAFETY: an `ArenaBox` owns its `T` exclusively, like `Box<T>`; the arena memory it points to
// cannot be freed while the `'a` borrow lives, whatever thread the box is on.
unsafe impl<T: Send> Send for ArenaBox<'_, T> {}
// SAFETY: `&ArenaBox<T>` only gives `&T`.
unsafe impl<T: Sync> Sync for ArenaBox<'_, T> {}

impl<T> ArenaBox<'_, T> {
    /// Moves the value out of the arena (the box's memory returns at the next reset).
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let b = arena.alloc_boxed(String::from("out"));
    /// let s: String = makai_alloc::ArenaBox::into_inner(b);
    /// assert_eq!(s, "out");
    /// ```
    #[must_use]
    pub fn into_inner(b: Self) -> T {
        let ptr = b.ptr;
        core::mem::forget(b);
        // SAFETY: the box owned an initialised `T`; forgetting the box means it is read once.
        unsafe { ptr.as_ptr().read() }
    }
}

impl<T> Deref for ArenaBox<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `ptr` is an initialised `T` that this box owns and the arena keeps alive.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> DerefMut for ArenaBox<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T> Drop for ArenaBox<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the box owns an initialised `T` and is dropped once.
        unsafe { self.ptr.as_ptr().drop_in_place() }
    }
}

impl<T: fmt::Debug> fmt::Debug for ArenaBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for ArenaBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: PartialEq> PartialEq for ArenaBox<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::{Arena, ArenaBox};
    use crate::Allocator;
    use core::alloc::Layout;

    #[test]
    fn zero_sized_values_and_boxes() {
        let arena = Arena::new();
        let unit = arena.alloc(());
        assert_eq!(*unit, ());
        let b = arena.alloc_boxed(());
        assert_eq!(*b, ());
        assert_eq!(
            arena.allocated_bytes(),
            0,
            "zero-sized values take no chunk"
        );
    }

    #[test]
    fn boxes_drop_exactly_once() {
        use core::cell::Cell;
        struct Count<'c>(&'c Cell<u32>);
        impl Drop for Count<'_> {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
            }
        }
        let drops = Cell::new(0);
        let arena = Arena::new();
        let a = arena.alloc_boxed(Count(&drops));
        let b = arena.alloc_boxed(Count(&drops));
        drop(a);
        assert_eq!(drops.get(), 1);
        let inner = ArenaBox::into_inner(b);
        assert_eq!(drops.get(), 1);
        drop(inner);
        assert_eq!(drops.get(), 2);
    }

    #[test]
    fn last_block_is_reclaimed() {
        let arena = Arena::new();
        let a = &arena;
        let l = Layout::new::<[u8; 32]>();
        let first = a.allocate(l).unwrap();
        // SAFETY: `first` is the last block, fitting `l`.
        unsafe { a.deallocate(first.cast(), l) };
        let second = a.allocate(l).unwrap();
        assert_eq!(first.cast::<u8>(), second.cast::<u8>());
    }
}
