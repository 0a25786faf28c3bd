//! [`LinearFifo`]: a ring buffer over inline ([`Static`]), borrowed ([`Slice`]) or heap
//! ([`Dynamic`]) storage, for any `T`.
//!
//! **Invariant:** with `cap` the storage length, `len <= cap`, `head < cap` (or `head == 0`
//! when `cap == 0`), and exactly the `len` slots at physical positions `head, head + 1, ...`
//! (wrapping past `cap` to 0) hold initialised values. Physical positions are computed with
//! one conditional subtract (`head + offset < 2 * cap`), never `%`, so capacity 0 is fine
//! (`discard(0)` on an empty, unallocated fifo is a no-op rather than Zig's wrap trap).
//!
//! Uninitialised slots are only ever exposed as `MaybeUninit<T>` (`writable_slices`), never
//! as `&T`: Bun's Rust port hands out `&mut [T]` over them and calls it latent UB.

use core::fmt;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ops::Range;
#[cfg(feature = "std")]
use std::io;

use makai_alloc::{Allocator, Global};
use makai_error::AllocError;

use crate::raw::RawBuf;

/// Storage of a [`LinearFifo`]: the buffer type a marker ([`Static`], [`Slice`], [`Dynamic`])
/// stands for, and how (whether) it grows.
///
/// # Safety
///
/// 1. `slice` and `slice_mut` return the same memory, of the same length, every time, until
///    `try_grow` succeeds;
/// 2. `try_grow` either fails leaving the buffer unchanged, or leaves a buffer of at least
///    `min_cap` slots whose first `len` slots hold, in order, the `len` values that were at
///    positions `head, head + 1, ...` (wrapping) of the old buffer;
/// 3. `GROWABLE` is `false` when `try_grow` always fails;
/// 4. when `INIT_BYTES` is `true`, every byte of the buffer is always initialised (so the free
///    space of a `u8` fifo can be handed to `io::Read::read` as `&mut [u8]`).
///
/// The trait is sealed: the three markers are its only implementations (the fifo's soundness
/// rests on its rules, and its methods are the fifo's internals, not a user extension point).
///
/// ```compile_fail,E0277
/// use makai_collections::fifo::Storage;
/// use std::mem::MaybeUninit;
/// struct Mine;
/// // error: the trait bound `Mine: Sealed` is not satisfied
/// unsafe impl Storage<u8> for Mine {
///     type Buf = [MaybeUninit<u8>; 4];
///     const GROWABLE: bool = false;
///     fn slice(buf: &Self::Buf) -> &[MaybeUninit<u8>] { buf }
///     fn slice_mut(buf: &mut Self::Buf) -> &mut [MaybeUninit<u8>] { buf }
///     fn try_grow(_: &mut Self::Buf, _: usize, _: usize, _: usize)
///         -> Result<(), makai_error::AllocError> { Err(makai_error::AllocError) }
/// }
/// ```
pub unsafe trait Storage<T>: sealed::Sealed {
    /// The buffer this storage keeps.
    type Buf;
    /// `true` when `try_grow` can succeed.
    const GROWABLE: bool;
    /// `true` when every byte of the buffer is initialised at all times (rule 4).
    const INIT_BYTES: bool = false;
    /// The whole buffer.
    fn slice(buf: &Self::Buf) -> &[MaybeUninit<T>];
    /// The whole buffer, mutably.
    fn slice_mut(buf: &mut Self::Buf) -> &mut [MaybeUninit<T>];
    /// Grows to at least `min_cap` slots, moving the `len` values from `head` (wrapping) to the
    /// front.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the storage cannot grow (fixed storage, or the allocator failed).
    fn try_grow(
        buf: &mut Self::Buf,
        head: usize,
        len: usize,
        min_cap: usize,
    ) -> Result<(), AllocError>;
}

/// A fixed-storage fifo ([`Static`], [`Slice`]) without room for what was written; nothing
/// was written. (A [`Dynamic`] fifo grows instead; allocation failure is [`AllocError`], from
/// the `try_` methods.)
///
/// ```
/// use makai_collections::{LinearFifo, Static, fifo::Full};
/// let mut f = LinearFifo::<u8, Static<2>>::new();
/// assert_eq!(f.write(b"abc"), Err(Full));
/// assert_eq!(Full.to_string(), "LinearFifo is full");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Full;

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinearFifo is full")
    }
}

impl core::error::Error for Full {}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<Full> for io::Error {
    fn from(Full: Full) -> Self {
        io::Error::new(io::ErrorKind::WriteZero, Full)
    }
}

mod sealed {
    /// Implemented by the fifo storage markers only.
    pub trait Sealed {}
    impl<const N: usize> Sealed for super::Static<N> {}
    impl Sealed for super::Slice<'_> {}
    impl<A: makai_alloc::Allocator> Sealed for super::Dynamic<A> {}
}

/// Storage with an empty buffer that needs no argument ([`Static`], `Dynamic<Global>`): the
/// storages of [`LinearFifo::new`].
pub trait EmptyStorage<T>: Storage<T> {
    /// An empty buffer.
    const EMPTY: Self::Buf;
}

impl<T, const N: usize> EmptyStorage<T> for Static<N> {
    const EMPTY: [MaybeUninit<T>; N] = [const { MaybeUninit::zeroed() }; N];
}

impl<T> EmptyStorage<T> for Dynamic<Global> {
    const EMPTY: DynamicBuf<T, Global> = DynamicBuf(RawBuf::new_in(Global));
}

/// The `new` constructor of a [`Slice`] fifo, as a trait: one inherent `LinearFifo::new()`
/// serves [`Static`] and [`Dynamic`] (so `let q: LinearFifo<T, Dynamic> = LinearFifo::new();`
/// infers its storage), and a second inherent `new` with another signature would make that
/// call ambiguous. [`LinearFifo::from_slice`] needs no import.
///
/// ```
/// use std::mem::MaybeUninit;
/// use makai_collections::{LinearFifo, Slice, fifo::SliceFifo};
/// let mut mem = [MaybeUninit::<u32>::uninit(); 3];
/// let f = LinearFifo::<u32, Slice<'_>>::new(&mut mem);
/// assert_eq!(f.capacity(), 3);
/// ```
pub trait SliceFifo<'a, T> {
    /// An empty fifo over the caller's buffer; its capacity is `buf.len()`.
    fn new(buf: &'a mut [MaybeUninit<T>]) -> Self;
}

impl<'a, T: 'a> SliceFifo<'a, T> for LinearFifo<T, Slice<'a>> {
    fn new(buf: &'a mut [MaybeUninit<T>]) -> Self {
        Self::from_slice(buf)
    }
}

/// Inline storage of `N` slots: `LinearFifo<T, Static<N>>` holds a `[MaybeUninit<T>; N]`.
///
/// ```
/// use makai_collections::{LinearFifo, Static};
/// let mut f = LinearFifo::<u8, Static<4>>::new();
/// f.write(b"abcd").unwrap();
/// assert!(f.write_item(b'e').is_err()); // full: fixed storage never grows
/// ```
#[derive(Debug)]
pub struct Static<const N: usize>(());

/// Storage borrowed from the caller: `LinearFifo<T, Slice<'a>>` keeps a
/// `&'a mut [MaybeUninit<T>]`.
///
/// ```
/// use std::mem::MaybeUninit;
/// use makai_collections::{LinearFifo, Slice};
/// let mut mem = [MaybeUninit::<u32>::uninit(); 3];
/// let mut f = LinearFifo::<u32, Slice<'_>>::from_slice(&mut mem);
/// f.write(&[1, 2, 3]).unwrap();
/// assert_eq!(f.read_item(), Some(1));
/// ```
#[derive(Debug)]
pub struct Slice<'a>(PhantomData<&'a mut ()>);

/// Heap storage from `A`, capacity 0 or a power of two, growing on demand.
///
/// ```
/// use makai_collections::{Dynamic, LinearFifo};
/// let mut f = LinearFifo::<String, Dynamic>::new();
/// f.write_item("a".to_owned()).unwrap();
/// assert_eq!(f.capacity(), 1);
/// f.write_item("b".to_owned()).unwrap();
/// f.write_item("c".to_owned()).unwrap();
/// assert_eq!(f.capacity(), 4);
/// ```
#[derive(Debug)]
pub struct Dynamic<A = Global>(PhantomData<A>);

/// The heap buffer of a [`Dynamic`] fifo (an implementation detail of that storage).
pub struct DynamicBuf<T, A: Allocator>(RawBuf<T, A>);

impl<T, A: Allocator> fmt::Debug for DynamicBuf<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicBuf")
            .field("capacity", &self.0.cap())
            .finish_non_exhaustive()
    }
}

/// Moves the values of `src` into the front of `dst` (a bitwise copy; `src` becomes
/// logically uninitialised).
fn move_into<T>(src: &[MaybeUninit<T>], dst: &mut [MaybeUninit<T>]) {
    let dst = &mut dst[..src.len()];
    // SAFETY: both slices are valid for `src.len()` elements and come from distinct
    // buffers (or are disjoint parts of one), so they do not overlap.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_mut_ptr(), src.len()) };
}

/// The physical ranges of `n` slots starting at `start`, in a buffer of `cap` slots.
#[inline]
fn wrapped(start: usize, n: usize, cap: usize) -> (Range<usize>, Range<usize>) {
    if start + n <= cap {
        (start..start + n, 0..0)
    } else {
        (start..cap, 0..start + n - cap)
    }
}

// SAFETY: the array is the same memory every time (1); it never grows (2, 3).
unsafe impl<T, const N: usize> Storage<T> for Static<N> {
    type Buf = [MaybeUninit<T>; N];
    const GROWABLE: bool = false;
    // The only constructor (`LinearFifo::new`, through `EmptyStorage::EMPTY`) zeroes the array.
    const INIT_BYTES: bool = true;
    #[inline]
    fn slice(buf: &Self::Buf) -> &[MaybeUninit<T>] {
        buf
    }
    #[inline]
    fn slice_mut(buf: &mut Self::Buf) -> &mut [MaybeUninit<T>] {
        buf
    }
    fn try_grow(_: &mut Self::Buf, _: usize, _: usize, _: usize) -> Result<(), AllocError> {
        Err(AllocError)
    }
}

// SAFETY: the borrowed slice is the same memory every time (1); it never grows (2, 3).
unsafe impl<'a, T: 'a> Storage<T> for Slice<'a> {
    type Buf = &'a mut [MaybeUninit<T>];
    const GROWABLE: bool = false;
    #[inline]
    fn slice(buf: &Self::Buf) -> &[MaybeUninit<T>] {
        buf
    }
    #[inline]
    fn slice_mut(buf: &mut Self::Buf) -> &mut [MaybeUninit<T>] {
        buf
    }
    fn try_grow(_: &mut Self::Buf, _: usize, _: usize, _: usize) -> Result<(), AllocError> {
        Err(AllocError)
    }
}

// SAFETY: the block changes only in `try_grow` (1), which moves the values in order to the
// front of a block of at least `min_cap` slots, or changes nothing on failure (2, 3).
unsafe impl<T, A: Allocator> Storage<T> for Dynamic<A> {
    type Buf = DynamicBuf<T, A>;
    const GROWABLE: bool = true;
    // Every block comes zeroed from the allocator (`relocate`), and the empty buffer has no
    // bytes.
    const INIT_BYTES: bool = true;
    #[inline]
    fn slice(buf: &Self::Buf) -> &[MaybeUninit<T>] {
        buf.0.as_slice()
    }
    #[inline]
    fn slice_mut(buf: &mut Self::Buf) -> &mut [MaybeUninit<T>] {
        buf.0.as_mut_slice()
    }
    fn try_grow(
        buf: &mut Self::Buf,
        head: usize,
        len: usize,
        min_cap: usize,
    ) -> Result<(), AllocError> {
        let cap = min_cap.checked_next_power_of_two().ok_or(AllocError)?;
        if cap <= buf.0.cap() {
            return Ok(());
        }
        relocate(&mut buf.0, head, len, cap)
    }
}

/// Moves the `len` values at `head` (wrapping) into a new block of `cap` slots, at its front.
fn relocate<T, A: Allocator>(
    buf: &mut RawBuf<T, A>,
    head: usize,
    len: usize,
    cap: usize,
) -> Result<(), AllocError> {
    let old_cap = buf.cap();
    buf.try_realloc_with(cap, true, |old, new| {
        let (a, b) = wrapped(head, len, old_cap);
        let first = a.len();
        move_into(&old[a], new);
        move_into(&old[b], &mut new[first..]);
    })
}

/// A first-in first-out ring buffer (Bun's `LinearFifo`) over storage `S`: [`Static<N>`]
/// (inline), [`Slice<'a>`] (the caller's buffer) or [`Dynamic<A>`] (heap, power-of-two
/// capacity, grows).
///
/// Works for any `T` and drops what it holds. Reads come out as `&[T]` runs
/// ([`readable_slice`](LinearFifo::readable_slice), [`as_slices`](LinearFifo::as_slices)) or by
/// value; writes go in by value, by clone, from an iterator across the wrap in one call
/// ([`extend_exact`](LinearFifo::extend_exact)), or straight into the free space
/// ([`writable_slices`](LinearFifo::writable_slices) + [`commit`](LinearFifo::commit)), e.g.
/// for `read(2)`. `LinearFifo<u8, _>` is an `io::Read`, `io::BufRead` and `io::Write`.
///
/// Fixed storage ([`Static`], [`Slice`]) cannot grow: a write that does not fit writes nothing
/// and returns `Err`: the item itself from [`write_item`](LinearFifo::write_item) and
/// [`unget_item`](LinearFifo::unget_item), [`Full`] from the slice and iterator writes.
/// [`Dynamic`] grows; its plain methods abort through [`makai_error::out_of_memory`] if the
/// allocator fails, and its `try_` twins return `Err(AllocError)` instead.
///
/// ```
/// use makai_collections::{Dynamic, LinearFifo};
///
/// let mut f = LinearFifo::<u32, Dynamic>::new();
/// f.write(&[1, 2, 3, 4]).unwrap(); // capacity 4
/// assert_eq!(f.read_item(), Some(1));
/// assert_eq!(f.read_item(), Some(2));
/// f.write(&[5, 6]).unwrap(); // wraps around the end of the buffer
/// assert_eq!(f.as_slices(), (&[3, 4][..], &[5, 6][..]));
/// let mut out = [0; 8];
/// assert_eq!(f.read(&mut out), 4);
/// assert_eq!(out[..4], [3, 4, 5, 6]);
/// ```
pub struct LinearFifo<T, S: Storage<T>> {
    buf: S::Buf,
    head: usize,
    len: usize,
    _owns: PhantomData<T>,
}

impl<T, S: EmptyStorage<T>> LinearFifo<T, S> {
    /// An empty fifo: `N` inline slots for [`Static<N>`], no allocation yet for [`Dynamic`].
    /// The storage can come from the type annotation alone.
    ///
    /// ```
    /// use makai_collections::{Dynamic, LinearFifo, Static};
    /// let f = LinearFifo::<u64, Static<8>>::new();
    /// assert_eq!((f.len(), f.capacity()), (0, 8));
    /// let q: LinearFifo<String, Dynamic> = LinearFifo::new();
    /// assert_eq!(q.capacity(), 0);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            buf: S::EMPTY,
            head: 0,
            len: 0,
            _owns: PhantomData,
        }
    }
}

impl<T, S: EmptyStorage<T>> Default for LinearFifo<T, S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a, T: 'a> LinearFifo<T, Slice<'a>> {
    /// An empty fifo over the caller's buffer; its capacity is `buf.len()` (any length). Also
    /// spelled `LinearFifo::<T, Slice>::new(buf)` with [`SliceFifo`] in scope.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// let mut mem = [const { MaybeUninit::<String>::uninit() }; 5];
    /// let f = makai_collections::LinearFifo::from_slice(&mut mem);
    /// assert_eq!(f.capacity(), 5);
    /// ```
    #[must_use]
    pub fn from_slice(buf: &'a mut [MaybeUninit<T>]) -> Self {
        Self {
            buf,
            head: 0,
            len: 0,
            _owns: PhantomData,
        }
    }
}

impl<T, A: Allocator> LinearFifo<T, Dynamic<A>> {
    /// An empty heap fifo allocating through `alloc`.
    ///
    /// ```
    /// use makai_collections::{Dynamic, LinearFifo};
    /// let f = LinearFifo::<u8, Dynamic<makai_alloc::Global>>::new_in(makai_alloc::Global);
    /// assert!(f.is_empty());
    /// ```
    #[must_use]
    pub const fn new_in(alloc: A) -> Self {
        Self {
            buf: DynamicBuf(RawBuf::new_in(alloc)),
            head: 0,
            len: 0,
            _owns: PhantomData,
        }
    }

    /// Reduces the capacity to the smallest power of two that holds `max(size, len())` values
    /// (0 when both are 0), moving the values to the front. Keeps the old buffer if the
    /// allocator fails, and when no power of two that large exists (`size > 2^63`, say
    /// `usize::MAX`): such a capacity is never smaller than the current one, so that is no
    /// shrink at all.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// f.write(&[0; 100]).unwrap();
    /// f.discard(97);
    /// f.shrink(0);
    /// assert_eq!((f.len(), f.capacity()), (3, 4));
    /// ```
    pub fn shrink(&mut self, size: usize) {
        let want = size.max(self.len);
        let cap = if want == 0 {
            0
        } else {
            match want.checked_next_power_of_two() {
                Some(cap) => cap,
                None => return,
            }
        };
        if cap < self.capacity() && relocate(&mut self.buf.0, self.head, self.len, cap).is_ok() {
            self.head = 0;
        }
    }

    /// Like [`ensure_unused_capacity`](LinearFifo::ensure_unused_capacity), reporting a failing
    /// allocator (or an impossible size) as an error instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the room cannot be made.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// assert!(f.try_ensure_unused_capacity(usize::MAX).is_err());
    /// assert!(f.try_ensure_unused_capacity(10).is_ok());
    /// ```
    pub fn try_ensure_unused_capacity(&mut self, n: usize) -> Result<(), AllocError> {
        self.reserve_fallible(n)
    }

    /// Like [`write_item`](LinearFifo::write_item), reporting allocator failure as an error.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the room cannot be made; `item` is dropped.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// f.try_write_item(1).unwrap();
    /// ```
    #[inline]
    pub fn try_write_item(&mut self, item: T) -> Result<(), AllocError> {
        self.reserve_fallible(1)?;
        self.push_within_capacity(item);
        Ok(())
    }

    /// Like [`write`](LinearFifo::write), reporting allocator failure as an error.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the room cannot be made; nothing is written.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// f.try_write(b"abc").unwrap();
    /// ```
    pub fn try_write(&mut self, src: &[T]) -> Result<(), AllocError>
    where
        T: Clone,
    {
        self.reserve_fallible(src.len())?;
        self.write_assume_capacity(src);
        Ok(())
    }

    /// Like [`extend_exact`](LinearFifo::extend_exact), reporting allocator failure as an
    /// error.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the room cannot be made; as in `extend_exact`.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// f.try_extend_exact(0..10u8).unwrap();
    /// assert_eq!(f.len(), 10);
    /// ```
    pub fn try_extend_exact<I>(&mut self, iter: I) -> Result<(), AllocError>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let iter = iter.into_iter();
        self.reserve_fallible(iter.len())?;
        self.fill_from(iter, Self::try_write_item)
    }

    /// Like [`unget`](LinearFifo::unget), reporting allocator failure as an error.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the room cannot be made; nothing is written.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// f.try_unget(b"x").unwrap();
    /// ```
    pub fn try_unget(&mut self, src: &[T]) -> Result<(), AllocError>
    where
        T: Clone,
    {
        self.reserve_fallible(src.len())?;
        for item in src.iter().rev() {
            self.push_front_within_capacity(item.clone());
        }
        Ok(())
    }
}

impl<T, S: Storage<T>> LinearFifo<T, S> {
    /// Number of values in the fifo.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write_item(1).unwrap();
    /// assert_eq!(f.len(), 1);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when the fifo holds nothing.
    ///
    /// ```
    /// assert!(makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of slots in the storage.
    ///
    /// ```
    /// assert_eq!(makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new().capacity(), 4);
    /// ```
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        S::slice(&self.buf).len()
    }

    /// Number of free slots, `capacity() - len()`.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write_item(1).unwrap();
    /// assert_eq!(f.writable_len(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub fn writable_len(&self) -> usize {
        self.capacity() - self.len
    }

    /// Physical position of logical `offset` (`offset <= capacity`): one conditional subtract.
    #[inline]
    fn phys(&self, offset: usize) -> usize {
        let cap = self.capacity();
        let i = self.head + offset;
        if i >= cap { i - cap } else { i }
    }

    /// The physical ranges holding the values.
    #[inline]
    fn readable_ranges(&self) -> (Range<usize>, Range<usize>) {
        wrapped(self.head, self.len, self.capacity())
    }

    /// The physical ranges of the free slots, in write order.
    #[inline]
    fn writable_ranges(&self) -> (Range<usize>, Range<usize>) {
        wrapped(self.phys(self.len), self.writable_len(), self.capacity())
    }

    /// The values as at most two runs, oldest first.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"abc").unwrap();
    /// f.discard(2);
    /// f.write(b"de").unwrap(); // wraps
    /// assert_eq!(f.as_slices(), (&b"cd"[..], &b"e"[..]));
    /// ```
    #[must_use]
    pub fn as_slices(&self) -> (&[T], &[T]) {
        let (a, b) = self.readable_ranges();
        let buf = S::slice(&self.buf);
        // SAFETY: the readable ranges hold initialised values (type invariant).
        let a = unsafe { buf[a].assume_init_ref() };
        // SAFETY: as above.
        let b = unsafe { buf[b].assume_init_ref() };
        (a, b)
    }

    /// The values, oldest first (the two runs of [`as_slices`](LinearFifo::as_slices),
    /// chained).
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"abc").unwrap();
    /// f.discard(2);
    /// f.write(b"de").unwrap(); // wraps
    /// assert!(f.iter().eq(b"cde"));
    /// ```
    pub fn iter(&self) -> core::iter::Chain<core::slice::Iter<'_, T>, core::slice::Iter<'_, T>> {
        let (a, b) = self.as_slices();
        a.iter().chain(b)
    }

    /// The values as at most two mutable runs, oldest first.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"ab").unwrap();
    /// f.as_mut_slices().0[0] = b'z';
    /// assert_eq!(f.read_item(), Some(b'z'));
    /// ```
    #[must_use]
    pub fn as_mut_slices(&mut self) -> (&mut [T], &mut [T]) {
        let (a, b) = self.readable_ranges();
        let buf = S::slice_mut(&mut self.buf);
        let (lo, hi) = buf.split_at_mut(a.start);
        let hi = &mut hi[..a.len()];
        let lo = &mut lo[b];
        // SAFETY: the readable ranges hold initialised values (type invariant).
        let a = unsafe { hi.assume_init_mut() };
        // SAFETY: as above.
        let b = unsafe { lo.assume_init_mut() };
        (a, b)
    }

    /// The contiguous run of values starting at logical `offset` (up to the wrap or the end);
    /// empty when `offset >= len()`. Calling it again with `offset + run.len()` gives the
    /// wrapped rest.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"xyz").unwrap();
    /// f.discard(2);
    /// f.write(b"abc").unwrap();
    /// assert_eq!(f.readable_slice(0), b"za");
    /// assert_eq!(f.readable_slice(2), b"bc");
    /// assert_eq!(f.readable_slice(3), b"c");
    /// assert_eq!(f.readable_slice(4), b"");
    /// ```
    #[must_use]
    pub fn readable_slice(&self, offset: usize) -> &[T] {
        if offset >= self.len {
            return &[];
        }
        let cap = self.capacity();
        let i = self.head + offset;
        let range = if i < cap {
            i..(self.head + self.len).min(cap)
        } else {
            i - cap..self.head + self.len - cap
        };
        // SAFETY: the range lies within the readable ranges, which hold initialised values.
        unsafe { S::slice(&self.buf)[range].assume_init_ref() }
    }

    /// The value at logical `index` (0 is the oldest).
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"ab").unwrap();
    /// assert_eq!(f.peek_item(1), Some(&b'b'));
    /// assert_eq!(f.peek_item(2), None);
    /// ```
    #[must_use]
    pub fn peek_item(&self, index: usize) -> Option<&T> {
        if index >= self.len {
            return None;
        }
        let i = self.phys(index);
        // SAFETY: logical `index < len` is a readable slot (type invariant).
        Some(unsafe { S::slice(&self.buf)[i].assume_init_ref() })
    }

    /// The value at logical `index`, mutably.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"ab").unwrap();
    /// *f.peek_item_mut(0).unwrap() = b'c';
    /// assert_eq!(f.read_item(), Some(b'c'));
    /// ```
    #[must_use]
    pub fn peek_item_mut(&mut self, index: usize) -> Option<&mut T> {
        if index >= self.len {
            return None;
        }
        let i = self.phys(index);
        // SAFETY: logical `index < len` is a readable slot (type invariant).
        Some(unsafe { S::slice_mut(&mut self.buf)[i].assume_init_mut() })
    }

    /// Removes and returns the oldest value.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<String, makai_collections::Static<2>>::new();
    /// f.write_item("a".into()).unwrap();
    /// assert_eq!(f.read_item().as_deref(), Some("a"));
    /// assert_eq!(f.read_item(), None);
    /// ```
    #[inline]
    pub fn read_item(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let head = self.head;
        let slots = S::slice(&self.buf);
        debug_assert!(head < slots.len(), "LinearFifo: head past the capacity");
        // SAFETY: `head < capacity` whenever the fifo holds a value (every write of `head`
        // stores a physical index below the capacity, or 0), so the slot is in bounds.
        let slot = unsafe { slots.get_unchecked(head) };
        // SAFETY: the oldest readable slot holds a value; it leaves the readable range below,
        // so the value is moved out exactly once.
        let item = unsafe { slot.assume_init_read() };
        self.len -= 1;
        // The next slot, wrapping; an emptied fifo starts again at slot 0 (so a stream that
        // drains keeps its writes contiguous).
        let next = if head + 1 == slots.len() { 0 } else { head + 1 };
        self.head = if self.len == 0 { 0 } else { next };
        Some(item)
    }

    /// Moves up to `dst.len()` of the oldest values into `dst` (dropping what `dst` held) and
    /// returns how many.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<8>>::new();
    /// f.write(b"hello").unwrap();
    /// let mut out = [0; 3];
    /// assert_eq!(f.read(&mut out), 3);
    /// assert_eq!(&out, b"hel");
    /// ```
    pub fn read(&mut self, dst: &mut [T]) -> usize {
        let n = dst.len().min(self.len);
        if core::mem::needs_drop::<T>() {
            for d in &mut dst[..n] {
                // The fifo gives the value up before the old `*d` is dropped, so a panicking
                // destructor leaves both consistent.
                *d = self.read_item().expect("n <= len");
            }
            return n;
        }
        let (a, b) = wrapped(self.head, n, self.capacity());
        let first = a.len();
        {
            let buf = S::slice(&self.buf);
            copy_out(&buf[a], &mut dst[..first]);
            // Most reads do not wrap: skip the second (empty) copy, a `memcpy` call each.
            if !b.is_empty() {
                copy_out(&buf[b], &mut dst[first..n]);
            }
        }
        self.advance(n);
        n
    }

    /// Moves the head past `n` values (already moved out or dropped).
    #[inline]
    fn advance(&mut self, n: usize) {
        self.head = self.phys(n);
        self.len -= n;
        if self.len == 0 {
            self.head = 0;
        }
    }

    /// Drops the `n` oldest values. `discard(0)` is always fine, even on an empty fifo with
    /// no storage.
    ///
    /// # Panics
    ///
    /// When `n > len()`.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// f.discard(0);
    /// f.write(b"abc").unwrap();
    /// f.discard(2);
    /// assert_eq!(f.readable_slice(0), b"c");
    /// ```
    #[track_caller]
    pub fn discard(&mut self, n: usize) {
        assert!(
            n <= self.len,
            "LinearFifo::discard({n}) with only {} values",
            self.len
        );
        let (a, b) = wrapped(self.head, n, self.capacity());
        self.advance(n);
        if core::mem::needs_drop::<T>() {
            let buf = S::slice_mut(&mut self.buf);
            // SAFETY: these slots held the `n` oldest values and have just left the readable
            // range, so they are dropped exactly once (a panicking destructor leaks the rest).
            unsafe { buf[a].assume_init_drop() };
            // SAFETY: as above.
            unsafe { buf[b].assume_init_drop() };
        }
    }

    /// Drops every value.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"ab").unwrap();
    /// f.clear();
    /// assert!(f.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.discard(self.len);
    }

    /// Makes room for `n` more values: fixed storage checks, [`Dynamic`] grows (to a power of
    /// two), moving the values to the front of the new buffer.
    ///
    /// # Errors
    ///
    /// [`Full`] when fixed storage lacks room. [`Dynamic`] never returns an error: if the
    /// allocator fails it aborts through [`makai_error::out_of_memory`] (the `try_` form
    /// reports it instead).
    ///
    /// # Panics
    ///
    /// When `len() + n` overflows `usize` for a [`Dynamic`] fifo.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Dynamic>::new();
    /// f.ensure_unused_capacity(100).unwrap();
    /// assert_eq!(f.capacity(), 128);
    /// ```
    #[inline]
    pub fn ensure_unused_capacity(&mut self, n: usize) -> Result<(), Full> {
        if n <= self.writable_len() {
            return Ok(());
        }
        self.make_room(n)
    }

    #[cold]
    fn make_room(&mut self, n: usize) -> Result<(), Full> {
        if !S::GROWABLE {
            return Err(Full);
        }
        let total = self
            .len
            .checked_add(n)
            .expect("LinearFifo capacity overflow");
        match self.grow(total) {
            Ok(()) => Ok(()),
            Err(AllocError) => makai_error::out_of_memory(),
        }
    }

    /// Makes room for `n` more values, reporting a failing allocator (or an impossible size,
    /// or fixed storage without room) as [`AllocError`].
    fn reserve_fallible(&mut self, n: usize) -> Result<(), AllocError> {
        if n <= self.writable_len() {
            return Ok(());
        }
        let total = self.len.checked_add(n).ok_or(AllocError)?;
        self.grow(total)
    }

    #[cold]
    fn grow(&mut self, total: usize) -> Result<(), AllocError> {
        S::try_grow(&mut self.buf, self.head, self.len, total)?;
        self.head = 0;
        Ok(())
    }

    /// Appends `item` (after making room).
    ///
    /// # Errors
    ///
    /// Gives `item` back when fixed storage is full (it is never dropped). A [`Dynamic`] fifo
    /// grows instead and never returns `Err`; it aborts if the allocator fails (see
    /// [`try_write_item`](LinearFifo::try_write_item)).
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<String, makai_collections::Static<1>>::new();
    /// assert!(f.write_item("a".into()).is_ok());
    /// assert_eq!(f.write_item("b".into()), Err("b".to_owned()));
    /// ```
    #[inline]
    pub fn write_item(&mut self, item: T) -> Result<(), T> {
        // One compare on the fast path; growing (or refusing) is out of line.
        if self.len == self.capacity() && self.make_room(1).is_err() {
            return Err(item);
        }
        let slots = S::slice_mut(&mut self.buf);
        let cap = slots.len();
        debug_assert!(
            self.head < cap && self.len < cap,
            "LinearFifo: no free slot"
        );
        let i = self.head + self.len;
        let tail = if i >= cap { i - cap } else { i };
        // SAFETY: `head < cap` and `len < cap` (room was made above), so `head + len < 2 * cap`
        // and `tail < cap`: in bounds. It is the first free slot after the readable range, so
        // writing it overwrites no live value.
        let slot = unsafe { slots.get_unchecked_mut(tail) };
        slot.write(item);
        self.len += 1;
        Ok(())
    }

    /// Appends into a free slot; the caller made room.
    #[inline]
    fn push_within_capacity(&mut self, item: T) {
        assert!(self.len < self.capacity(), "LinearFifo is full");
        let tail = self.phys(self.len);
        S::slice_mut(&mut self.buf)[tail].write(item);
        self.len += 1;
    }

    /// Appends clones of `src`.
    ///
    /// # Errors
    ///
    /// [`Full`] when fixed storage lacks room for all of `src`; nothing is written.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"abc").unwrap();
    /// assert!(f.write(b"de").is_err());
    /// assert_eq!(f.len(), 3);
    /// ```
    pub fn write(&mut self, src: &[T]) -> Result<(), Full>
    where
        T: Clone,
    {
        self.ensure_unused_capacity(src.len())?;
        self.write_assume_capacity(src);
        Ok(())
    }

    /// Appends clones of `src` into the free space, across the wrap; the caller made room.
    ///
    /// # Panics
    ///
    /// When `src.len() > writable_len()` (nothing is written then). A panicking `clone`
    /// leaves the values cloned before it in the fifo.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write_assume_capacity(b"abcd");
    /// assert_eq!(f.len(), 4);
    /// ```
    #[track_caller]
    pub fn write_assume_capacity(&mut self, src: &[T])
    where
        T: Clone,
    {
        assert!(
            src.len() <= self.writable_len(),
            "LinearFifo::write_assume_capacity: {} values, {} free slots",
            src.len(),
            self.writable_len()
        );
        let (a, b) = self.writable_ranges();
        let (first, rest) = src.split_at(a.len().min(src.len()));
        let a = a.start..a.start + first.len();
        let b = b.start..b.start + rest.len();
        S::slice_mut(&mut self.buf)[a].write_clone_of_slice(first);
        self.len += first.len();
        S::slice_mut(&mut self.buf)[b].write_clone_of_slice(rest);
        self.len += rest.len();
    }

    /// Bytewise append for `Copy` values (two `memcpy`s); the caller made room.
    fn copy_in(&mut self, src: &[T])
    where
        T: Copy,
    {
        let (a, b) = self.writable_ranges();
        let (first, rest) = src.split_at(a.len().min(src.len()));
        let buf = S::slice_mut(&mut self.buf);
        buf[a.start..a.start + first.len()].write_copy_of_slice(first);
        // Most writes do not wrap: skip the second (empty) copy, a `memcpy` call each.
        if !rest.is_empty() {
            buf[b.start..b.start + rest.len()].write_copy_of_slice(rest);
        }
        self.len += src.len();
    }

    /// The free slots as two runs, in write order: fill a prefix of their concatenation, then
    /// [`commit`](LinearFifo::commit) it. Together they always cover every free slot, so no
    /// item has to wait for a second round (the "first segment, then `break`" loss in Bun's
    /// event loop cannot happen).
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"ab").unwrap();
    /// f.discard(1);
    /// let (a, b) = f.writable_slices();
    /// assert_eq!((a.len(), b.len()), (2, 1));
    /// a[0].write(b'c');
    /// // SAFETY: the first free slot was just initialised.
    /// unsafe { f.commit(1) };
    /// assert_eq!(f.readable_slice(0), b"bc");
    /// ```
    #[must_use]
    pub fn writable_slices(&mut self) -> (&mut [MaybeUninit<T>], &mut [MaybeUninit<T>]) {
        let (a, b) = self.writable_ranges();
        let buf = S::slice_mut(&mut self.buf);
        let (lo, hi) = buf.split_at_mut(a.start);
        (&mut hi[..a.len()], &mut lo[b])
    }

    /// Adds the first `n` free slots (in [`writable_slices`](LinearFifo::writable_slices)
    /// order) to the fifo.
    ///
    /// # Panics
    ///
    /// When `n > writable_len()`.
    ///
    /// # Safety
    ///
    /// The first `n` slots of `writable_slices()` (first run, then second) hold initialised
    /// values, which the fifo now owns.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u64, makai_collections::Static<2>>::new();
    /// f.writable_slices().0[0].write(7);
    /// // SAFETY: the first free slot was just initialised.
    /// unsafe { f.commit(1) };
    /// assert_eq!(f.read_item(), Some(7));
    /// ```
    #[track_caller]
    pub unsafe fn commit(&mut self, n: usize) {
        assert!(
            n <= self.writable_len(),
            "LinearFifo::commit({n}) with {} free slots",
            self.writable_len()
        );
        self.len += n;
    }

    /// Appends every item of `iter`, filling the free space across the wrap in one pass:
    /// room for `iter.len()` items is made first, so a truthful `ExactSizeIterator` never
    /// loses an item.
    ///
    /// # Errors
    ///
    /// [`Full`] when fixed storage lacks room for `iter.len()` items; then nothing is taken
    /// from the iterator (pass `iter.by_ref()` to keep the items). If the iterator yields more
    /// than its `len()` and fixed storage fills up, the first item that does not fit is
    /// dropped and the error returned.
    ///
    /// ```
    /// use makai_collections::{LinearFifo, Static};
    /// let mut f = LinearFifo::<String, Static<4>>::new();
    /// f.write_item("old".into()).unwrap();
    /// f.discard(1); // the free space now wraps
    /// f.extend_exact(["a", "b", "c", "d"].map(String::from)).unwrap();
    /// assert_eq!(f.len(), 4);
    /// let mut rest = vec!["e".to_owned()].into_iter();
    /// assert!(f.extend_exact(rest.by_ref()).is_err());
    /// assert_eq!(rest.len(), 1); // not lost
    /// ```
    pub fn extend_exact<I>(&mut self, iter: I) -> Result<(), Full>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let iter = iter.into_iter();
        self.ensure_unused_capacity(iter.len())?;
        self.fill_from(iter, |f, item| f.write_item(item).map_err(|_| Full))
    }

    /// Writes the items of `iter` into the free space, then any extra ones with `push`.
    fn fill_from<E>(
        &mut self,
        mut iter: impl Iterator<Item = T>,
        push: impl Fn(&mut Self, T) -> Result<(), E>,
    ) -> Result<(), E> {
        let (a, b) = self.writable_ranges();
        for range in [a, b] {
            for i in range {
                let Some(item) = iter.next() else {
                    return Ok(());
                };
                S::slice_mut(&mut self.buf)[i].write(item);
                self.len += 1;
            }
        }
        // The iterator reported fewer items than it has.
        for item in iter {
            push(self, item)?;
        }
        Ok(())
    }

    /// Puts clones of `src` back in front of the values, so they are read next, in order.
    ///
    /// # Errors
    ///
    /// [`Full`] when fixed storage lacks room for all of `src`; nothing is written.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<8>>::new();
    /// f.write(b"cd").unwrap();
    /// f.unget(b"ab").unwrap();
    /// let mut out = [0; 4];
    /// f.read(&mut out);
    /// assert_eq!(&out, b"abcd");
    /// ```
    pub fn unget(&mut self, src: &[T]) -> Result<(), Full>
    where
        T: Clone,
    {
        self.ensure_unused_capacity(src.len())?;
        for item in src.iter().rev() {
            self.push_front_within_capacity(item.clone());
        }
        Ok(())
    }

    /// Puts `item` back in front, so it is read next.
    ///
    /// # Errors
    ///
    /// Gives `item` back when fixed storage is full.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<String, makai_collections::Static<2>>::new();
    /// f.write_item("b".into()).unwrap();
    /// f.unget_item("a".into()).unwrap();
    /// assert_eq!(f.unget_item("z".into()), Err("z".to_owned())); // full: given back
    /// assert_eq!(f.read_item().as_deref(), Some("a"));
    /// ```
    pub fn unget_item(&mut self, item: T) -> Result<(), T> {
        if self.ensure_unused_capacity(1).is_err() {
            return Err(item);
        }
        self.push_front_within_capacity(item);
        Ok(())
    }

    #[inline]
    fn push_front_within_capacity(&mut self, item: T) {
        let cap = self.capacity();
        assert!(self.len < cap, "LinearFifo is full");
        self.head = if self.head == 0 {
            cap - 1
        } else {
            self.head - 1
        };
        S::slice_mut(&mut self.buf)[self.head].write(item);
        self.len += 1;
    }

    /// Moves the values to the front of the storage, so they form one run starting at slot 0
    /// and the free space is one run after them. In place for any `T` (a rotation; no
    /// temporary buffer).
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<4>>::new();
    /// f.write(b"abc").unwrap();
    /// f.discard(2);
    /// f.write(b"de").unwrap();
    /// f.realign();
    /// assert_eq!(f.as_slices(), (&b"cde"[..], &b""[..]));
    /// assert_eq!(f.writable_slices().0.len(), 1);
    /// ```
    pub fn realign(&mut self) {
        let (head, len, cap) = (self.head, self.len, self.capacity());
        if head == 0 {
            return;
        }
        let buf = S::slice_mut(&mut self.buf);
        if head + len <= cap {
            buf[..head + len].rotate_left(head);
        } else {
            buf.rotate_left(head);
        }
        self.head = 0;
    }

    /// [`realign`](LinearFifo::realign)s and returns the values as one slice.
    ///
    /// ```
    /// let mut f = makai_collections::LinearFifo::<u8, makai_collections::Static<2>>::new();
    /// f.write(b"ab").unwrap();
    /// f.discard(1);
    /// f.write(b"c").unwrap();
    /// assert_eq!(f.make_contiguous(), b"bc");
    /// ```
    pub fn make_contiguous(&mut self) -> &mut [T] {
        self.realign();
        self.as_mut_slices().0
    }
}

/// Copies `src` over `dst` bytewise (`T` has no drop glue, so nothing in `dst` needs dropping
/// and the values in `src` are moved).
fn copy_out<T>(src: &[MaybeUninit<T>], dst: &mut [T]) {
    assert_eq!(src.len(), dst.len());
    // SAFETY: `src` holds initialised values (the caller passes readable ranges); the slices
    // have equal lengths and do not overlap (`dst` is a `&mut` distinct from the fifo).
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr().cast::<T>(), dst.as_mut_ptr(), src.len())
    };
}

impl<T, S: Storage<T>> Drop for LinearFifo<T, S> {
    fn drop(&mut self) {
        self.clear();
    }
}

impl<'a, T, S: Storage<T>> IntoIterator for &'a LinearFifo<T, S> {
    type Item = &'a T;
    type IntoIter = core::iter::Chain<core::slice::Iter<'a, T>, core::slice::Iter<'a, T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T, A: Allocator> Extend<T> for LinearFifo<T, Dynamic<A>> {
    /// Appends every item, growing as needed (aborts through
    /// [`makai_error::out_of_memory`] if the allocator fails, like `write_item`).
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        if self.ensure_unused_capacity(iter.size_hint().0).is_err() {
            unreachable!("a Dynamic fifo grows");
        }
        for item in iter {
            if self.write_item(item).is_err() {
                unreachable!("a Dynamic fifo grows");
            }
        }
    }
}

impl<'a, T: Copy + 'a, A: Allocator> Extend<&'a T> for LinearFifo<T, Dynamic<A>> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl<T> FromIterator<T> for LinearFifo<T, Dynamic> {
    /// ```
    /// use makai_collections::{Dynamic, LinearFifo};
    /// let f: LinearFifo<u32, Dynamic> = (1..=3).collect();
    /// assert!(f.iter().eq(&[1, 2, 3]));
    /// ```
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut f = Self::new();
        f.extend(iter);
        f
    }
}

impl<T: Clone> Clone for LinearFifo<T, Dynamic> {
    /// A fifo with clones of the values, in order, in a new buffer.
    ///
    /// ```
    /// use makai_collections::{Dynamic, LinearFifo};
    /// let a: LinearFifo<String, Dynamic> = ["x".to_owned(), "y".to_owned()].into_iter().collect();
    /// let b = a.clone();
    /// assert!(b.iter().eq(a.iter()));
    /// ```
    fn clone(&self) -> Self {
        self.iter().cloned().collect()
    }
}

impl<T: Clone, const N: usize> Clone for LinearFifo<T, Static<N>> {
    /// A fifo with clones of the values, in order (from slot 0).
    ///
    /// ```
    /// use makai_collections::{LinearFifo, Static};
    /// let mut a = LinearFifo::<u8, Static<4>>::new();
    /// a.write(b"hi").unwrap();
    /// assert_eq!(a.clone().as_slices().0, b"hi");
    /// ```
    fn clone(&self) -> Self {
        let mut f = Self::new();
        for item in self {
            if f.write_item(item.clone()).is_err() {
                unreachable!("the clone has the same capacity");
            }
        }
        f
    }
}

impl<T: fmt::Debug, S: Storage<T>> fmt::Debug for LinearFifo<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.as_slices();
        f.debug_list().entries(a.iter().chain(b)).finish()
    }
}

impl<S: Storage<u8>> LinearFifo<u8, S> {
    /// Reads from `reader` straight into the free space (one `read` call, into the first free
    /// run) and adds what it read: no staging buffer. With [`Static`] and [`Dynamic`] storage
    /// the free space is always initialised bytes, so nothing is zeroed; a [`Slice`] fifo zeroes
    /// the run first (its buffer may be uninitialised). A [`Dynamic`] fifo first makes room for
    /// at least `min_room` bytes (aborting if the allocator fails); fixed storage reads into
    /// what is free. Returns the number of bytes read (`Ok(0)` at end of input, or when fixed
    /// storage is full).
    ///
    /// # Errors
    ///
    /// Whatever `reader.read` returns; nothing is added then.
    ///
    /// ```
    /// use makai_collections::{Dynamic, LinearFifo};
    /// let mut input: &[u8] = b"GET / HTTP/1.1\r\n";
    /// let mut f = LinearFifo::<u8, Dynamic>::new();
    /// while f.read_from(&mut input, 4096).unwrap() != 0 {}
    /// assert_eq!(f.readable_slice(0), b"GET / HTTP/1.1\r\n");
    /// ```
    #[doc(alias = "readFrom")]
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn read_from(&mut self, reader: &mut impl io::Read, min_room: usize) -> io::Result<usize> {
        if S::GROWABLE {
            let _ = self.ensure_unused_capacity(min_room);
        }
        let (free, _) = self.writable_slices();
        if !S::INIT_BYTES {
            free.fill(MaybeUninit::new(0));
        }
        // SAFETY: every byte of `free` is initialised: the storage guarantees it
        // (`INIT_BYTES`, `Storage` rule 4) or it was just zeroed; `u8` accepts any value and
        // `MaybeUninit<u8>` has `u8`'s layout.
        let bytes = unsafe { free.assume_init_mut() };
        let n = reader.read(bytes)?;
        assert!(
            n <= bytes.len(),
            "io::Read::read returned more than the buffer"
        );
        // SAFETY: the first `n` free bytes were initialised (and written by `read`).
        unsafe { self.commit(n) };
        Ok(n)
    }
}

impl<S: Storage<u8>> fmt::Write for LinearFifo<u8, S> {
    /// Appends the UTF-8 bytes of `s`, all or nothing, so `write!` formats into a byte ring
    /// without `std`. Fixed storage without room for all of `s` (or a [`Dynamic`] allocator
    /// that fails) gives `fmt::Error` and writes none of `s`; the pieces a `write!` already
    /// wrote stay.
    ///
    /// ```
    /// use core::fmt::Write as _;
    /// use makai_collections::{LinearFifo, Static};
    ///
    /// let mut log = LinearFifo::<u8, Static<16>>::new();
    /// write!(log, "id={} ok", 42).unwrap();
    /// assert_eq!(log.as_slices().0, b"id=42 ok");
    /// assert!(write!(log, "{}", "a line too long").is_err());
    /// assert_eq!(log.len(), 8); // the failed piece wrote nothing
    /// ```
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Fixed storage without room fails here too: it cannot grow.
        self.reserve_fallible(s.len())
            .map_err(|AllocError| fmt::Error)?;
        self.copy_in(s.as_bytes());
        Ok(())
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl<S: Storage<u8>> io::Read for LinearFifo<u8, S> {
    /// Moves up to `buf.len()` bytes out; `Ok(0)` when the fifo is empty.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(LinearFifo::read(self, buf))
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl<S: Storage<u8>> io::BufRead for LinearFifo<u8, S> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        Ok(self.readable_slice(0))
    }
    fn consume(&mut self, amt: usize) {
        self.discard(amt.min(self.len));
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl<S: Storage<u8>> io::Write for LinearFifo<u8, S> {
    /// Appends `buf`. Fixed storage writes what fits and returns the count (`Ok(0)` when full,
    /// which `write_all` reports as `WriteZero`); [`Dynamic`] grows and reports allocator
    /// failure as `ErrorKind::OutOfMemory`.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = if S::GROWABLE {
            self.reserve_fallible(buf.len())
                .map_err(|AllocError| io::Error::from(io::ErrorKind::OutOfMemory))?;
            buf.len()
        } else {
            buf.len().min(self.writable_len())
        };
        self.copy_in(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_ranges() {
        assert_eq!(wrapped(3, 2, 8), (3..5, 0..0));
        assert_eq!(wrapped(6, 4, 8), (6..8, 0..2));
        assert_eq!(wrapped(0, 0, 0), (0..0, 0..0));
    }

    #[test]
    fn grow_moves_wrapped_values_to_front() {
        let mut f = LinearFifo::<u8, Dynamic>::new();
        f.write(b"abcdefgh").unwrap();
        f.discard(6);
        f.write(b"ijklm").unwrap();
        assert_eq!(f.capacity(), 8);
        assert!(f.head + f.len > f.capacity(), "must wrap");
        f.write(b"nop").unwrap();
        assert_eq!(f.head, 0);
        assert_eq!(f.as_slices().0, b"ghijklmnop");
    }
}
