//! [`TaggedPayload`]: the pointer kinds a tagged union can hold, and how each one travels
//! through a raw pointer and back.

use alloc::boxed::Box;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;

use crate::{RefCounted, RefPtr};

/// A thin pointer type that a [`tagged_union!`](crate::tagged_union) can store: it turns into a
/// raw [`NonNull`] (giving up whatever it owns to that pointer) and comes back from it.
///
/// Implemented for [`Box<T>`], `&'static T`, [`NonNull<T>`] and [`RefPtr<T>`](crate::RefPtr).
/// The union stores only the (tagged) raw pointer, so every payload costs the same 8 bytes.
///
/// # Safety
///
/// An implementation promises, for every value `p`:
///
/// 1. `into_raw(p)` returns a pointer with the provenance `p` had, and
///    `from_raw(into_raw(p))` gives back a value equivalent to `p` (the same object, the same
///    ownership); whatever `p` owned is owned by the raw pointer in between.
/// 2. While the raw pointer owns the value (after `into_raw`, before `from_raw`), `borrow(ptr)`
///    returns a [`Ref`](TaggedPayload::Ref) that stays valid for as long as the caller keeps
///    the raw pointer from being passed to `from_raw`.
/// 3. If [`LENDS_REF`](TaggedPayload::LENDS_REF) is `true`, the pointer is valid for shared
///    reads of a `Self::Target` under the same condition as 2 (and nothing mutates the target
///    through another path meanwhile, except through `UnsafeCell`).
/// 4. `clone_raw(ptr)` (where `Self: Clone`) returns a value equal to what cloning the payload
///    would give, without invalidating references handed out by `borrow`.
///
/// Nothing is promised about alignment: the union checks every address it tags, so a
/// misaligned pointer (a `NonNull` can be one) panics at construction instead of losing bits.
///
/// ```
/// use makai_ptr::TaggedPayload;
/// let raw = <Box<u64> as TaggedPayload>::into_raw(Box::new(7));
/// // SAFETY: `raw` came from `into_raw` of a `Box<u64>` and is reclaimed once.
/// assert_eq!(*unsafe { <Box<u64> as TaggedPayload>::from_raw(raw) }, 7);
/// ```
pub unsafe trait TaggedPayload: Sized {
    /// What the pointer points to.
    type Target;
    /// What the borrowed view of a union lends for this payload: `&'a Target` for payloads that
    /// keep their target alive, the pointer itself for [`NonNull`].
    type Ref<'a>: Copy
    where
        Self: 'a;
    /// Whether the raw pointer may be read as `&Target` while the payload lives (what
    /// `get::<T>()` of a union needs).
    const LENDS_REF: bool;

    /// Gives up the payload, transferring what it owns to the returned pointer.
    fn into_raw(this: Self) -> NonNull<Self::Target>;

    /// Takes the payload back from a pointer made by [`into_raw`](TaggedPayload::into_raw).
    ///
    /// # Safety
    ///
    /// `ptr` came from `Self::into_raw` and is passed to `from_raw` at most once.
    unsafe fn from_raw(ptr: NonNull<Self::Target>) -> Self;

    /// Lends the payload that `ptr` owns.
    ///
    /// # Safety
    ///
    /// `ptr` came from `Self::into_raw`, has not been passed to `from_raw`, and will not be
    /// until the returned value (with lifetime `'a`) is gone.
    unsafe fn borrow<'a>(ptr: NonNull<Self::Target>) -> Self::Ref<'a>
    where
        Self: 'a;

    /// Clones the payload that `ptr` owns, leaving it owned by `ptr`.
    ///
    /// # Safety
    ///
    /// The same as for [`borrow`](TaggedPayload::borrow).
    unsafe fn clone_raw(ptr: NonNull<Self::Target>) -> Self
    where
        Self: Clone,
    {
        // SAFETY: the caller's contract: `ptr` came from `into_raw` and still owns the payload;
        // `ManuallyDrop` keeps this temporary from releasing it.
        let tmp = ManuallyDrop::new(unsafe { Self::from_raw(ptr) });
        (*tmp).clone()
    }
}

// SAFETY: 1. `Box::into_raw` keeps the allocation's provenance and `Box::from_raw` reverses it.
// 2./3. The box's allocation lives until `from_raw` rebuilds and drops it; nobody else has it.
// 4. `clone_raw` reads the box in place (see there) instead of rebuilding a `Box`, whose
//    uniqueness would invalidate outstanding borrows.
unsafe impl<T> TaggedPayload for Box<T> {
    type Target = T;
    type Ref<'a>
        = &'a T
    where
        T: 'a;
    const LENDS_REF: bool = true;

    #[inline]
    fn into_raw(this: Self) -> NonNull<T> {
        let raw = Box::into_raw(this);
        // SAFETY: `Box::into_raw` never returns null.
        unsafe { NonNull::new_unchecked(raw) }
    }

    #[inline]
    unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        // SAFETY: the caller's contract: `ptr` came from `Box::into_raw` and is reclaimed once.
        unsafe { Box::from_raw(ptr.as_ptr()) }
    }

    #[inline]
    unsafe fn borrow<'a>(ptr: NonNull<T>) -> &'a T
    where
        T: 'a,
    {
        // SAFETY: the caller's contract: the box is live and owned by `ptr` for `'a`; boxes
        // hand out shared references only while the union is borrowed.
        unsafe { ptr.as_ref() }
    }

    #[inline]
    unsafe fn clone_raw(ptr: NonNull<T>) -> Self
    where
        Self: Clone,
    {
        // Rebuilding a `Box` (even inside `ManuallyDrop`) would retag the pointer as unique
        // and invalidate `&T`s that `borrow` handed out (Stacked Borrows). Instead, read the
        // pointer in place as a `Box<T>`: for sized `T` with the global allocator, `Box<T>`
        // has exactly the layout of `NonNull<T>` (documented by std), and `Box::clone` only
        // reads through `&Box<T>`.
        let slot = ptr;
        #[expect(
            clippy::borrowed_box,
            reason = "the point is to call `Box::clone` on the box in place"
        )]
        // SAFETY: `slot` is a live, aligned `NonNull<T>` that owns a box allocation (the
        // caller's contract), and a `Box<T>` has its layout; the reference lives only for
        // the clone below and is never used to drop or move the box.
        let boxed: &Box<T> = unsafe { &*(&raw const slot).cast::<Box<T>>() };
        Box::clone(boxed)
    }
}

// SAFETY: 1. `NonNull::from(&T)` keeps the reference's provenance, and `as_ref` rebuilds it.
// 2./3. The target is `'static` and shared: valid forever. 4. Copying a reference disturbs nothing.
unsafe impl<T: 'static> TaggedPayload for &'static T {
    type Target = T;
    type Ref<'a> = &'a T;
    const LENDS_REF: bool = true;

    #[inline]
    fn into_raw(this: Self) -> NonNull<T> {
        NonNull::from(this)
    }

    #[inline]
    unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        // SAFETY: the caller's contract: `ptr` came from a `&'static T`.
        unsafe { ptr.as_ref() }
    }

    #[inline]
    unsafe fn borrow<'a>(ptr: NonNull<T>) -> &'a T {
        // SAFETY: the caller's contract: `ptr` came from a `&'static T`, so `'a` is fine.
        unsafe { ptr.as_ref() }
    }
}

// SAFETY: 1. The pointer is the payload itself (possibly misaligned: the union checks). 2. The
// view lends the pointer (a copy), which is always valid to hold. 3. `LENDS_REF` is `false`: the
// union knows nothing about the target. 4. Copying the pointer disturbs nothing.
unsafe impl<T> TaggedPayload for NonNull<T> {
    type Target = T;
    type Ref<'a>
        = NonNull<T>
    where
        T: 'a;
    const LENDS_REF: bool = false;

    #[inline]
    fn into_raw(this: Self) -> NonNull<T> {
        this
    }

    #[inline]
    unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        ptr
    }

    #[inline]
    unsafe fn borrow<'a>(ptr: NonNull<T>) -> NonNull<T>
    where
        T: 'a,
    {
        ptr
    }

    #[inline]
    unsafe fn clone_raw(ptr: NonNull<T>) -> Self {
        ptr
    }
}

// SAFETY: 1. `RefPtr::into_raw` hands its reference (and the allocation's provenance) to the
// pointer and `RefPtr::from_raw` takes it back. 2./3. The reference the raw pointer owns keeps
// the object alive, and `RefPtr` only ever hands out shared access. 4. The default `clone_raw`
// rebuilds a `RefPtr` (a plain pointer, no uniqueness) in `ManuallyDrop` and clones it, which
// increments the count.
unsafe impl<T: RefCounted> TaggedPayload for RefPtr<T> {
    type Target = T;
    type Ref<'a>
        = &'a T
    where
        T: 'a;
    const LENDS_REF: bool = true;

    #[inline]
    fn into_raw(this: Self) -> NonNull<T> {
        RefPtr::into_raw(this)
    }

    #[inline]
    unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        // SAFETY: the caller's contract: `ptr` came from `RefPtr::into_raw`, reclaimed once.
        unsafe { RefPtr::from_raw(ptr) }
    }

    #[inline]
    unsafe fn borrow<'a>(ptr: NonNull<T>) -> &'a T
    where
        T: 'a,
    {
        // SAFETY: the caller's contract: the reference `ptr` owns keeps the object alive for
        // `'a`, and counted objects are only accessed through shared references.
        unsafe { ptr.as_ref() }
    }
}
