//! [`CowSlice<'a, T>`]: a borrowed-or-owned slice in 16 bytes (Bun's `CowSlice`).
//!
//! The value is a pointer and a length word whose top bit says "owned"; the other 63 bits are
//! the full length (a slice never holds more than `isize::MAX` elements, and zero-sized element
//! types are checked at construction). Owned storage is a `Box<[T]>` on the global heap.
//!
//! Unlike Bun's, the borrowed form carries the lifetime `'a`, so the borrow checker proves what
//! Bun checks with debug-only borrow counters: a borrow never outlives its owner.
//!
//! ```compile_fail,E0597
//! use makai_ptr::CowSlice;
//! let view;
//! {
//!     let owner = CowSlice::from_vec(vec![1, 2, 3]);
//!     view = owner.reborrow(); // error: `owner` does not live long enough
//! }
//! assert_eq!(view.len(), 3);
//! ```

use alloc::borrow::{Borrow, Cow};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::{Deref, Range};
use core::ptr::NonNull;

use makai_error::{AllocError, HandleOom};

/// The length word: the element count in the low 63 bits and the owned flag in the top bit.
///
/// **Invariant:** the count is at most `isize::MAX`, so the top bit is free for the flag.
#[derive(Clone, Copy, PartialEq, Eq)]
struct TaggedLen(usize);

impl TaggedLen {
    /// The owned flag: the length word's top bit.
    const OWNED: usize = 1 << (usize::BITS - 1);

    /// The length word of a slice of `len` elements of type `T`.
    ///
    /// # Panics
    ///
    /// If `len > isize::MAX`. Only a slice of zero-sized elements can be that long (any other
    /// slice spans at most `isize::MAX` bytes), so the check is compiled only for those.
    #[inline]
    const fn new<T>(len: usize, owned: bool) -> Self {
        if size_of::<T>() == 0 {
            assert!(
                len <= isize::MAX as usize,
                "CowSlice: a slice longer than isize::MAX elements cannot be stored"
            );
        }
        Self(if owned { len | Self::OWNED } else { len })
    }

    #[inline]
    const fn len(self) -> usize {
        self.0 & !Self::OWNED
    }

    #[inline]
    const fn is_owned(self) -> bool {
        self.0 & Self::OWNED != 0
    }
}

/// A slice that is either borrowed for `'a` or owned (a `Box<[T]>`), in 16 bytes.
///
/// `std::borrow::Cow<'a, [T]>` is 24 bytes and invariant in `T`; `beef::lean::Cow` is 16 bytes
/// but truncates lengths to 32 bits. `CowSlice` is 16 bytes, `Option<CowSlice>` too, keeps the
/// full length, and is covariant in `'a` and `T`:
///
/// ```
/// use makai_ptr::CowSlice;
/// fn shorten<'short, 'long: 'short>(c: CowSlice<'long, &'long str>) -> CowSlice<'short, &'short str> {
///     c // covariance: a longer borrow can stand in for a shorter one
/// }
/// let words = ["a", "b"];
/// assert_eq!(shorten(CowSlice::borrowed(&words)).len(), 2);
/// assert_eq!(size_of::<CowSlice<'_, u8>>(), 16);
/// assert_eq!(size_of::<Option<CowSlice<'_, u8>>>(), 16);
/// ```
///
/// A short borrow cannot be stored where a longer one is expected (through `&mut`, which is
/// invariant):
///
/// ```compile_fail
/// use makai_ptr::CowSlice;
/// fn store<'a>(slot: &mut CowSlice<'static, u8>, short: CowSlice<'a, u8>) {
///     *slot = short; // error: lifetime may not live long enough
/// }
/// ```
///
/// `Send` and `Sync` follow `Cow<'a, [T]>`: `Send` when `T: Send + Sync`, `Sync` when
/// `T: Sync`.
///
/// ```compile_fail,E0277
/// fn needs_send<T: Send>(_: T) {}
/// let cells = [std::cell::Cell::new(1)];
/// needs_send(makai_ptr::CowSlice::borrowed(&cells)); // `Cell` is not `Sync`
/// ```
///
/// ```
/// use makai_ptr::CowSlice;
/// let input = b"key=value";
/// let key = CowSlice::borrowed(&input[..3]);
/// let mut value = CowSlice::borrowed(&input[4..]);
/// assert!(!value.is_owned());
/// value.to_mut()[0] = b'V'; // copies first: the input is untouched
/// assert!(value.is_owned());
/// assert_eq!((&*key, &*value, &input[4..]), (&b"key"[..], &b"Value"[..], &b"value"[..]));
/// ```
pub struct CowSlice<'a, T> {
    /// Borrowed: the start of a `&'a [T]` (never written through). Owned: the pointer of a
    /// `Box<[T]>` of `len` elements, from `Box::into_raw`, with full write provenance.
    ptr: NonNull<T>,
    len: TaggedLen,
    /// Covariant in `'a` and `T`; owns `T`s when owned (for drop check).
    _marker: PhantomData<(&'a [T], Box<[T]>)>,
}

const _: () = assert!(size_of::<CowSlice<'static, u8>>() == 2 * size_of::<usize>());
const _: () = assert!(size_of::<Option<CowSlice<'static, u8>>>() == 2 * size_of::<usize>());
const _: () = assert!(size_of::<CowSlice<'static, String>>() == 2 * size_of::<usize>());
const _: () = assert!(size_of::<Option<CowSlice<'static, ()>>>() == 2 * size_of::<usize>());

// SAFETY: as for `Cow<'a, [T]>`: moving it to another thread moves either a `&[T]` (needs
// `T: Sync`) or a `Box<[T]>` (needs `T: Send`).
unsafe impl<T: Send + Sync> Send for CowSlice<'_, T> {}
// SAFETY: `&CowSlice` gives only `&[T]` (and `Clone`, which reads through `&T`): `T: Sync`.
unsafe impl<T: Sync> Sync for CowSlice<'_, T> {}

/// Copies `items` into a new boxed slice, reporting allocation failure.
pub(crate) fn try_copy<T: Clone>(items: &[T]) -> Result<Box<[T]>, AllocError> {
    let mut v = Vec::new();
    v.try_reserve_exact(items.len()).map_err(|_| AllocError)?;
    v.extend_from_slice(items);
    Ok(v.into_boxed_slice())
}

impl<'a, T> CowSlice<'a, T> {
    /// Borrows `slice` for `'a`; no allocation.
    ///
    /// # Panics
    ///
    /// If `slice` has more than `isize::MAX` elements (only possible for zero-sized `T`).
    ///
    /// ```
    /// const GREETING: makai_ptr::CowSlice<'static, u8> = makai_ptr::CowSlice::borrowed(b"hi");
    /// assert_eq!(&*GREETING, b"hi");
    /// ```
    #[inline]
    pub const fn borrowed(slice: &'a [T]) -> Self {
        Self {
            len: TaggedLen::new::<T>(slice.len(), false),
            ptr: NonNull::from_ref(slice).cast::<T>(),
            _marker: PhantomData,
        }
    }

    /// Borrows a `'static` slice (Bun's `initStatic`); dropping it does nothing.
    ///
    /// # Panics
    ///
    /// If `slice` has more than `isize::MAX` elements (only possible for zero-sized `T`).
    ///
    /// ```
    /// let c = makai_ptr::CowSlice::from_static(&[1, 2, 3]);
    /// assert!(!c.is_owned() && c.len() == 3);
    /// ```
    #[inline]
    #[doc(alias = "initStatic")]
    pub const fn from_static(slice: &'static [T]) -> Self
    where
        T: 'static,
    {
        Self::borrowed(slice)
    }

    /// Takes ownership of `boxed`; no copy, no allocation.
    ///
    /// # Panics
    ///
    /// If `boxed` has more than `isize::MAX` elements (only possible for zero-sized `T`).
    ///
    /// ```
    /// let c = makai_ptr::CowSlice::owned(vec![1, 2].into_boxed_slice());
    /// assert!(c.is_owned());
    /// ```
    #[inline]
    #[doc(alias = "initOwned")]
    pub fn owned(boxed: Box<[T]>) -> Self {
        let len = TaggedLen::new::<T>(boxed.len(), true);
        let raw = NonNull::from(Box::leak(boxed));
        Self {
            ptr: raw.cast::<T>(),
            len,
            _marker: PhantomData,
        }
    }

    /// Takes ownership of `vec` through `Vec::into_boxed_slice`, which reallocates to drop
    /// spare capacity when there is any (none after `vec![..]` or `collect` of an exact-size
    /// iterator).
    ///
    /// # Panics
    ///
    /// If `vec` has more than `isize::MAX` elements (only possible for zero-sized `T`).
    ///
    /// ```
    /// let c = makai_ptr::CowSlice::from_vec(vec!["x".to_string()]);
    /// assert_eq!(c[0], "x");
    /// ```
    #[inline]
    #[doc(alias = "initOwned")]
    pub fn from_vec(vec: Vec<T>) -> Self {
        Self::owned(vec.into_boxed_slice())
    }

    /// Copies `slice` into a new owned `CowSlice` (Bun's `initDupe`).
    ///
    /// # Panics
    ///
    /// If `T::clone` panics (the partial copy is dropped). Out of memory aborts through
    /// [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let src = [1, 2, 3];
    /// let c = makai_ptr::CowSlice::copy_of(&src);
    /// assert!(c.is_owned() && c.as_ptr() != src.as_ptr());
    /// ```
    #[inline]
    #[doc(alias = "initDupe", alias = "dupe")]
    pub fn copy_of(slice: &[T]) -> Self
    where
        T: Clone,
    {
        Self::try_copy_of(slice).handle_oom()
    }

    /// The earlier name of [`copy_of`](CowSlice::copy_of) (Bun's `dupe`).
    #[doc(hidden)]
    #[inline]
    pub fn dupe(slice: &[T]) -> Self
    where
        T: Clone,
    {
        Self::copy_of(slice)
    }

    /// Like [`copy_of`](CowSlice::copy_of), but reports out of memory instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the copy cannot be allocated.
    ///
    /// # Panics
    ///
    /// If `T::clone` panics.
    ///
    /// ```
    /// let c = makai_ptr::CowSlice::try_copy_of(&[7u8; 4]).unwrap();
    /// assert_eq!(&*c, &[7; 4]);
    /// ```
    #[inline]
    pub fn try_copy_of(slice: &[T]) -> Result<Self, AllocError>
    where
        T: Clone,
    {
        try_copy(slice).map(Self::owned)
    }

    /// Whether this value owns its elements (dropping it frees them).
    ///
    /// ```
    /// use makai_ptr::CowSlice;
    /// assert!(!CowSlice::borrowed(&[1]).is_owned());
    /// assert!(CowSlice::from_vec(vec![1]).is_owned());
    /// ```
    #[inline]
    #[doc(alias = "isOwned")]
    pub const fn is_owned(&self) -> bool {
        self.len.is_owned()
    }

    /// The number of elements.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowSlice::borrowed(&[0u8; 5]).len(), 5);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        self.len.len()
    }

    /// Whether there are no elements.
    ///
    /// ```
    /// assert!(makai_ptr::CowSlice::<u8>::default().is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowSlice::borrowed(&[1, 2]).as_slice(), &[1, 2]);
    /// ```
    #[inline]
    #[doc(alias = "slice")]
    pub const fn as_slice(&self) -> &[T] {
        // SAFETY: `ptr` and `len` describe a live slice: either the `&'a [T]` it was built from
        // (alive for `'a`, which outlives `&self`) or the owned box, alive until `self` drops.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len()) }
    }

    /// The borrowed slice with its full lifetime `'a`, or `None` when owned.
    ///
    /// ```
    /// use makai_ptr::CowSlice;
    /// let data = [1, 2];
    /// let b: Option<&'static [i32]> = CowSlice::from_static(&[1, 2]).as_borrowed();
    /// assert_eq!(b, Some(&data[..]));
    /// assert_eq!(CowSlice::from_vec(vec![1]).as_borrowed(), None);
    /// ```
    #[inline]
    pub const fn as_borrowed(&self) -> Option<&'a [T]> {
        if self.is_owned() {
            None
        } else {
            // SAFETY: borrowed: `ptr` and `len` come from a `&'a [T]`.
            Some(unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len()) })
        }
    }

    /// A borrowed `CowSlice` of all the elements, tied to `self` (Bun's `borrow`, checked by
    /// the compiler instead of debug counters).
    ///
    /// ```
    /// let owner = makai_ptr::CowSlice::from_vec(vec![1, 2, 3]);
    /// let view = owner.reborrow();
    /// assert!(!view.is_owned() && view.as_ptr() == owner.as_ptr());
    /// ```
    #[inline]
    #[doc(alias = "borrow")]
    pub const fn reborrow(&self) -> CowSlice<'_, T> {
        CowSlice::borrowed(self.as_slice())
    }

    /// A borrowed `CowSlice` of the elements in `range` (Bun's `borrowSubslice`).
    ///
    /// # Panics
    ///
    /// If `range.start > range.end` or `range.end > self.len()`, like slice indexing.
    ///
    /// ```
    /// let owner = makai_ptr::CowSlice::from_vec(vec![1, 2, 3, 4]);
    /// assert_eq!(&*owner.borrow_sub(1..3), &[2, 3]);
    /// ```
    ///
    /// ```should_panic
    /// makai_ptr::CowSlice::borrowed(&[1, 2]).borrow_sub(1..3); // end 3 > len 2
    /// ```
    #[inline]
    #[doc(alias = "borrowSubslice")]
    pub fn borrow_sub(&self, range: Range<usize>) -> CowSlice<'_, T> {
        CowSlice::borrowed(&self.as_slice()[range])
    }

    /// The elements, mutably: a borrowed value is first copied into owned storage (the
    /// borrowed data is never written).
    ///
    /// # Panics
    ///
    /// If `T::clone` panics (`self` is unchanged then). Out of memory aborts through
    /// [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let src = [1, 2];
    /// let mut c = makai_ptr::CowSlice::borrowed(&src);
    /// c.to_mut()[1] = 20;
    /// assert_eq!((&*c, src), (&[1, 20][..], [1, 2]));
    /// ```
    #[inline]
    #[doc(alias = "sliceMut")]
    pub fn to_mut(&mut self) -> &mut [T]
    where
        T: Clone,
    {
        self.try_to_mut().handle_oom()
    }

    /// Like [`to_mut`](CowSlice::to_mut), but reports out of memory instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the copy cannot be allocated (`self` stays borrowed).
    ///
    /// # Panics
    ///
    /// If `T::clone` panics.
    ///
    /// ```
    /// let mut c = makai_ptr::CowSlice::borrowed(&[3u8]);
    /// c.try_to_mut().unwrap()[0] = 4;
    /// assert_eq!(&*c, &[4]);
    /// ```
    pub fn try_to_mut(&mut self) -> Result<&mut [T], AllocError>
    where
        T: Clone,
    {
        if !self.is_owned() {
            *self = Self::owned(try_copy(self.as_slice())?);
        }
        // SAFETY: owned: `ptr` is the box's pointer with write provenance and `len` elements;
        // `&mut self` makes this the only access for the returned borrow's lifetime.
        Ok(unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len()) })
    }

    /// The elements as an owned box: no copy when already owned (Bun's `takeSlice`).
    ///
    /// # Panics
    ///
    /// If `T::clone` panics. Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let v = vec![1, 2];
    /// let addr = v.as_ptr();
    /// let b = makai_ptr::CowSlice::from_vec(v).into_owned();
    /// assert_eq!(b.as_ptr(), addr); // moved, not copied
    /// ```
    #[inline]
    #[doc(alias = "takeSlice")]
    pub fn into_owned(self) -> Box<[T]>
    where
        T: Clone,
    {
        self.try_into_owned().handle_oom()
    }

    /// Like [`into_owned`](CowSlice::into_owned), but reports out of memory instead of
    /// aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a borrowed value's copy cannot be allocated.
    ///
    /// # Panics
    ///
    /// If `T::clone` panics.
    ///
    /// ```
    /// let b = makai_ptr::CowSlice::borrowed(&[1u8]).try_into_owned().unwrap();
    /// assert_eq!(&*b, &[1]);
    /// ```
    #[inline]
    pub fn try_into_owned(self) -> Result<Box<[T]>, AllocError>
    where
        T: Clone,
    {
        match self.into_box_or_slice() {
            Ok(boxed) => Ok(boxed),
            Err(slice) => try_copy(slice),
        }
    }

    /// An owned value keeps its box; a borrowed one gives back its `&'a [T]`.
    #[inline]
    fn into_box_or_slice(self) -> Result<Box<[T]>, &'a [T]> {
        let this = ManuallyDrop::new(self);
        if this.is_owned() {
            let raw = NonNull::slice_from_raw_parts(this.ptr, this.len());
            // SAFETY: owned: `ptr`/`len` are a `Box<[T]>` from `Box::leak` in `owned`, and
            // `this` will not drop it (`ManuallyDrop`), so ownership moves to the result.
            Ok(unsafe { Box::from_raw(raw.as_ptr()) })
        } else {
            Err(this.as_borrowed().expect("checked: borrowed"))
        }
    }

    /// A value that borrows nothing: owned values are kept as they are, borrowed ones copied
    /// (Bun's `cloneIfBorrowed`).
    ///
    /// # Panics
    ///
    /// If `T::clone` panics. Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// fn keep(c: makai_ptr::CowSlice<'static, u8>) -> usize { c.len() }
    /// let line = String::from("temporary");
    /// let c = makai_ptr::CowSlice::borrowed(line.as_bytes());
    /// assert_eq!(keep(c.into_static()), 9);
    /// ```
    #[inline]
    #[doc(alias = "cloneIfBorrowed")]
    #[doc(alias = "toOwned")]
    pub fn into_static(self) -> CowSlice<'static, T>
    where
        T: Clone + 'static,
    {
        self.try_into_static().handle_oom()
    }

    /// Like [`into_static`](CowSlice::into_static), but reports out of memory instead of
    /// aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a borrowed value's copy cannot be allocated.
    ///
    /// # Panics
    ///
    /// If `T::clone` panics.
    ///
    /// ```
    /// let c = makai_ptr::CowSlice::borrowed(&[1u8]).try_into_static().unwrap();
    /// assert!(c.is_owned());
    /// ```
    #[inline]
    pub fn try_into_static(self) -> Result<CowSlice<'static, T>, AllocError>
    where
        T: Clone + 'static,
    {
        match self.into_box_or_slice() {
            Ok(boxed) => Ok(CowSlice::owned(boxed)),
            Err(slice) => try_copy(slice).map(CowSlice::owned),
        }
    }

    /// The elements as a `Vec` (no copy when owned).
    ///
    /// # Panics
    ///
    /// If `T::clone` panics. Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let mut v = makai_ptr::CowSlice::borrowed(&[1]).into_vec();
    /// v.push(2);
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[inline]
    pub fn into_vec(self) -> Vec<T>
    where
        T: Clone,
    {
        self.into_owned().into_vec()
    }
}

impl<T> Drop for CowSlice<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if self.is_owned() {
            let raw = NonNull::slice_from_raw_parts(self.ptr, self.len());
            // SAFETY: owned: `ptr`/`len` are the `Box<[T]>` leaked in `owned`, dropped once here.
            drop(unsafe { Box::from_raw(raw.as_ptr()) });
        }
    }
}

impl<T> Deref for CowSlice<'_, T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Clone> Clone for CowSlice<'_, T> {
    /// A borrowed value stays borrowed (same pointer, no allocation); an owned one is copied.
    #[inline]
    fn clone(&self) -> Self {
        match self.as_borrowed() {
            Some(slice) => Self::borrowed(slice),
            None => Self::copy_of(self.as_slice()),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for CowSlice<'_, T> {
    /// Formats the elements, like `Cow` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl<T> Default for CowSlice<'_, T> {
    /// An empty borrowed slice.
    #[inline]
    fn default() -> Self {
        Self::borrowed(&[])
    }
}

impl<T: PartialEq> PartialEq for CowSlice<'_, T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for CowSlice<'_, T> {}

impl<T: PartialEq> PartialEq<[T]> for CowSlice<'_, T> {
    #[inline]
    fn eq(&self, other: &[T]) -> bool {
        self.as_slice() == other
    }
}

impl<T: PartialEq> PartialEq<&[T]> for CowSlice<'_, T> {
    #[inline]
    fn eq(&self, other: &&[T]) -> bool {
        self.as_slice() == *other
    }
}

impl<T: PartialEq> PartialEq<Vec<T>> for CowSlice<'_, T> {
    #[inline]
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: PartialOrd> PartialOrd for CowSlice<'_, T> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.as_slice().partial_cmp(other.as_slice())
    }
}

impl<T: Ord> Ord for CowSlice<'_, T> {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl<T: Hash> Hash for CowSlice<'_, T> {
    /// Hashes like `[T]`, so `Borrow<[T]>` lookups work.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state)
    }
}

impl<T> Borrow<[T]> for CowSlice<'_, T> {
    #[inline]
    fn borrow(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> AsRef<[T]> for CowSlice<'_, T> {
    #[inline]
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'a, T> From<&'a [T]> for CowSlice<'a, T> {
    /// Borrows the slice.
    #[inline]
    fn from(slice: &'a [T]) -> Self {
        Self::borrowed(slice)
    }
}

impl<'a, T> From<&'a Vec<T>> for CowSlice<'a, T> {
    /// Borrows the vector's elements.
    #[inline]
    fn from(vec: &'a Vec<T>) -> Self {
        Self::borrowed(vec)
    }
}

impl<T> From<Vec<T>> for CowSlice<'_, T> {
    /// Same as [`CowSlice::from_vec`].
    #[inline]
    fn from(vec: Vec<T>) -> Self {
        Self::from_vec(vec)
    }
}

impl<T> From<Box<[T]>> for CowSlice<'_, T> {
    /// Same as [`CowSlice::owned`].
    #[inline]
    fn from(boxed: Box<[T]>) -> Self {
        Self::owned(boxed)
    }
}

impl<'a, T: Clone> From<Cow<'a, [T]>> for CowSlice<'a, T> {
    /// Keeps a borrow borrowed and takes an owned `Vec` over (see [`CowSlice::from_vec`]).
    #[inline]
    fn from(cow: Cow<'a, [T]>) -> Self {
        match cow {
            Cow::Borrowed(slice) => Self::borrowed(slice),
            Cow::Owned(vec) => Self::from_vec(vec),
        }
    }
}

impl<'a, T: Clone> From<CowSlice<'a, T>> for Cow<'a, [T]> {
    /// Keeps a borrow borrowed and an owned box owned (no copy either way).
    #[inline]
    fn from(c: CowSlice<'a, T>) -> Self {
        match c.into_box_or_slice() {
            Ok(boxed) => Cow::Owned(boxed.into_vec()),
            Err(slice) => Cow::Borrowed(slice),
        }
    }
}

impl<T> FromIterator<T> for CowSlice<'_, T> {
    /// Collects into owned storage.
    #[inline]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self::from_vec(iter.into_iter().collect())
    }
}

impl<'s, T> IntoIterator for &'s CowSlice<'_, T> {
    type Item = &'s T;
    type IntoIter = core::slice::Iter<'s, T>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

/// The traits a text view over a [`CowSlice`] (`CowStr`, `CowCStr`) has in common: it derefs
/// to its target (`str`, `CStr`) and debugs, hashes, compares and borrows exactly as the
/// target does, so `Borrow` lookups in maps work. `$as` is the inherent accessor.
macro_rules! view_traits {
    ($T:ident, $Target:ty, $as:ident) => {
        impl ::core::ops::Deref for $T<'_> {
            type Target = $Target;
            #[inline]
            fn deref(&self) -> &$Target {
                self.$as()
            }
        }

        impl ::core::fmt::Debug for $T<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(self.$as(), f)
            }
        }

        impl ::core::hash::Hash for $T<'_> {
            /// Hashes like the target, so `Borrow` lookups work.
            #[inline]
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                ::core::hash::Hash::hash(self.$as(), state)
            }
        }

        impl PartialEq<$Target> for $T<'_> {
            #[inline]
            fn eq(&self, other: &$Target) -> bool {
                self.$as() == other
            }
        }

        impl PartialEq<&$Target> for $T<'_> {
            #[inline]
            fn eq(&self, other: &&$Target) -> bool {
                self.$as() == *other
            }
        }

        impl ::alloc::borrow::Borrow<$Target> for $T<'_> {
            #[inline]
            fn borrow(&self) -> &$Target {
                self.$as()
            }
        }

        impl AsRef<$Target> for $T<'_> {
            #[inline]
            fn as_ref(&self) -> &$Target {
                self.$as()
            }
        }
    };
}
pub(crate) use view_traits;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_lives_in_the_top_bit() {
        let t = TaggedLen::new::<()>(isize::MAX as usize, true);
        assert_eq!(t.len(), isize::MAX as usize);
        assert!(t.is_owned());
        assert_eq!(t.0, usize::MAX);
        let b = TaggedLen::new::<u8>(5, false);
        assert_eq!((b.len(), b.is_owned(), b.0), (5, false, 5));
    }

    #[test]
    fn clone_of_borrowed_stays_borrowed() {
        let data = [1, 2, 3];
        let c = CowSlice::borrowed(&data);
        let d = c.clone();
        assert!(!d.is_owned());
        assert_eq!(d.as_ptr(), data.as_ptr());
        let o = CowSlice::from_vec(vec![1]);
        let p = o.clone();
        assert!(p.is_owned());
        assert_ne!(p.as_ptr(), o.as_ptr());
    }

    #[test]
    fn into_owned_moves_an_owned_box() {
        let b: Box<[String]> = vec!["a".to_string(), "b".to_string()].into_boxed_slice();
        let addr = b.as_ptr();
        let c = CowSlice::owned(b);
        let back = c.into_owned();
        assert_eq!(back.as_ptr(), addr);
    }

    #[test]
    fn cow_round_trip() {
        let data = [1, 2];
        let cow: Cow<'_, [i32]> = CowSlice::borrowed(&data).into();
        assert!(matches!(cow, Cow::Borrowed(_)));
        let cow: Cow<'_, [i32]> = CowSlice::from_vec(vec![3]).into();
        assert!(matches!(&cow, Cow::Owned(v) if v == &[3]));
        let back = CowSlice::from(cow);
        assert!(back.is_owned());
    }

    #[test]
    #[should_panic(expected = "longer than isize::MAX")]
    fn zero_sized_slice_past_isize_max_panics() {
        let huge: &[()] =
            // SAFETY: a slice of zero-sized elements needs no memory; any length is valid.
            unsafe { core::slice::from_raw_parts(NonNull::<()>::dangling().as_ptr(), usize::MAX) };
        let _ = CowSlice::borrowed(huge);
    }
}
