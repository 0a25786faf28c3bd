//! [`StringBuilder`] and [`Filler`]: count every piece, allocate once, then append through
//! `&self` and keep every appended slice.
//!
//! Soundness of appends through `&self`: the [`Filler`] keeps the buffer as a raw base
//! pointer (taken once from the allocator) and a `Cell<usize>` cursor. An append checks the
//! room left, copies into the bytes after the cursor, moves the cursor past them, and only
//! then creates a shared slice over exactly those bytes. Every byte is written once, before
//! any reference to it exists, and no `&mut` to the buffer is ever created while the filler
//! is alive, so slices handed out earlier are never aliased by a write (Stacked and Tree
//! Borrows both accept this; the tests run under Miri with both). The cursor is a `Cell`, so
//! `Filler` is not `Sync`: two threads cannot race on it.

use std::alloc::Layout;
use std::cell::Cell;
use std::ffi::CStr;
use std::fmt;
use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};

use makai_alloc::{Allocator, Global};
use makai_error::{AllocError, HandleOom};

use crate::Str;
use crate::repr;

/// The counting phase of Bun's two-phase builder: add up the size of every piece, then
/// [`allocate`](StringBuilder::allocate) exactly that many bytes at once and fill them through
/// the returned [`Filler`].
///
/// ```
/// use makai_string::StringBuilder;
///
/// let names = ["message_start", "content_block_delta", "message_stop"];
/// let mut b = StringBuilder::new();
/// for n in names {
///     b.count("event.").count(n);
/// }
/// let filler = b.allocate(); // one allocation
/// let slices: Vec<&str> = names
///     .iter()
///     .map(|n| filler.append_fmt(format_args!("event.{n}")))
///     .collect();
/// assert_eq!(slices[1], "event.content_block_delta"); // every slice is still usable
/// let all: Box<str> = filler.finish(); // the same buffer, no copy
/// assert!(all.starts_with("event.message_start"));
/// ```
pub struct StringBuilder<A: Allocator = Global> {
    /// Bytes counted so far.
    len: usize,
    alloc: A,
}

impl StringBuilder {
    /// A builder that will allocate from the global allocator.
    ///
    /// ```
    /// assert_eq!(makai_string::StringBuilder::new().len(), 0);
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> StringBuilder {
        StringBuilder {
            len: 0,
            alloc: Global,
        }
    }
}

impl Default for StringBuilder {
    #[inline]
    fn default() -> StringBuilder {
        StringBuilder::new()
    }
}

impl<A: Allocator> StringBuilder<A> {
    /// A builder whose one allocation comes from `alloc`.
    ///
    /// ```
    /// use makai_alloc::Global;
    /// let mut b = makai_string::StringBuilder::with_allocator(&Global);
    /// b.count("abc");
    /// assert_eq!(b.allocate().append("abc"), "abc");
    /// ```
    #[inline]
    pub fn with_allocator(alloc: A) -> StringBuilder<A> {
        StringBuilder { len: 0, alloc }
    }

    /// Adds `n` bytes to the count.
    #[inline]
    fn add(&mut self, n: usize) -> &mut Self {
        self.len = self.len.checked_add(n).unwrap_or_else(|| count_overflow());
        self
    }

    /// Counts a string that will be appended with [`Filler::append`].
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("ab").count("c");
    /// assert_eq!(b.len(), 3);
    /// ```
    #[inline]
    pub fn count(&mut self, s: &str) -> &mut Self {
        self.add(s.len())
    }

    /// Counts bytes that will be appended with [`Filler::append_bytes`].
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_bytes(b"\x00\x01");
    /// assert_eq!(b.len(), 2);
    /// ```
    #[inline]
    pub fn count_bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.add(bytes.len())
    }

    /// Counts `n` bytes that will be appended in some other way (for example in several
    /// pieces, or by formatting whose length is known).
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_len(4);
    /// let f = b.allocate();
    /// f.append("ab");
    /// f.append("cd");
    /// assert_eq!(&*f.finish(), "abcd");
    /// ```
    #[inline]
    pub fn count_len(&mut self, n: usize) -> &mut Self {
        self.add(n)
    }

    /// Counts a string that will be appended with [`Filler::append_z`] (its bytes plus a NUL).
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_z("ls");
    /// assert_eq!(b.len(), 3);
    /// ```
    #[inline]
    pub fn count_z(&mut self, s: &str) -> &mut Self {
        self.add(s.len()).add(1)
    }

    /// Counts the output of `args`, which will be appended with [`Filler::append_fmt`]. The
    /// arguments are formatted once here and once when appended, so their `Display` must
    /// print the same both times.
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`, or a formatting implementation returns an error.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_fmt(format_args!("{}-{}", 12, "ab"));
    /// assert_eq!(b.len(), 5);
    /// ```
    pub fn count_fmt(&mut self, args: fmt::Arguments<'_>) -> &mut Self {
        if let Some(s) = args.as_str() {
            return self.add(s.len());
        }
        let mut counter = CountWriter(0);
        fmt::write(&mut counter, args)
            .expect("a formatting trait implementation returned an error");
        self.add(counter.0)
    }

    /// Bytes counted so far: the size [`allocate`](StringBuilder::allocate) will request.
    ///
    /// ```
    /// assert_eq!(makai_string::StringBuilder::new().count("xyz").len(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was counted.
    ///
    /// ```
    /// assert!(makai_string::StringBuilder::new().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Allocates exactly the counted number of bytes, in one allocation, and starts filling.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("hi");
    /// let f = b.allocate();
    /// assert_eq!(f.capacity(), 2);
    /// ```
    #[must_use]
    pub fn allocate(self) -> Filler<A> {
        self.try_allocate().handle_oom()
    }

    /// Like [`allocate`](StringBuilder::allocate).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the allocator fails or the count exceeds `isize::MAX`.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_bytes(&[0; 3]);
    /// assert!(b.try_allocate().is_ok());
    /// ```
    pub fn try_allocate(self) -> Result<Filler<A>, AllocError> {
        let layout = Layout::from_size_align(self.len, 1).map_err(|_| AllocError)?;
        let block = self.alloc.allocate(layout)?;
        Ok(Filler {
            base: block.cast::<u8>(),
            cap: self.len,
            pos: Cell::new(0),
            raw_bytes: Cell::new(false),
            formatting: Cell::new(false),
            alloc: ManuallyDrop::new(self.alloc),
        })
    }
}

impl<A: Allocator> fmt::Debug for StringBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StringBuilder")
            .field("counted", &self.len)
            .finish_non_exhaustive()
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn count_overflow() -> ! {
    panic!("StringBuilder: the counted size overflows usize")
}

/// Counts formatted bytes without storing them.
struct CountWriter(usize);

impl fmt::Write for CountWriter {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self
            .0
            .checked_add(s.len())
            .unwrap_or_else(|| count_overflow());
        Ok(())
    }
}

/// The filling phase: one buffer of exactly the counted size, appended to through `&self`.
/// Each append returns a slice of the buffer that stays valid, next to every other appended
/// slice, as long as the filler is borrowed.
///
/// Appending more than was counted panics (in every build profile; never undefined
/// behaviour). [`finish`](Filler::finish) and [`into_str`](Filler::into_str) hand the same
/// buffer over without copying it; dropping the filler frees it.
///
/// ```
/// use makai_string::StringBuilder;
///
/// let args = ["ls", "-la", "/tmp"];
/// let mut b = StringBuilder::new();
/// for a in args {
///     b.count_z(a);
/// }
/// let f = b.allocate();
/// let argv: Vec<&std::ffi::CStr> = args.iter().map(|a| f.append_z(a)).collect();
/// assert_eq!(argv[2].to_bytes(), b"/tmp");
/// assert_eq!(f.remaining(), 0);
/// ```
///
/// The slices borrow the filler, so it cannot be finished while they are in use:
///
/// ```compile_fail
/// let mut b = makai_string::StringBuilder::new();
/// b.count("a");
/// let f = b.allocate();
/// let s = f.append("a");
/// let all = f.finish(); // error: `f` is still borrowed by `s`
/// println!("{s}{all}");
/// ```
///
/// A filler is not `Sync` (its cursor is a `Cell`):
///
/// ```compile_fail
/// fn shared<T: Sync>(_: &T) {}
/// let f = makai_string::StringBuilder::new().allocate();
/// shared(&f);
/// ```
pub struct Filler<A: Allocator = Global> {
    /// Start of the block, from the allocator; every access goes through this raw pointer.
    base: NonNull<u8>,
    /// Size of the block: the counted bytes.
    cap: usize,
    /// Bytes `0..pos` are written and may be shared; `pos..cap` are untouched.
    pos: Cell<usize>,
    /// Whether `append_bytes` was used, so UTF-8 must be checked before handing out a `str`.
    raw_bytes: Cell<bool>,
    /// Whether `append_fmt` is formatting (then `append_bytes` must not run, see there).
    formatting: Cell<bool>,
    alloc: ManuallyDrop<A>,
}

// SAFETY: the filler owns its block like a `Box<[u8]>` and the allocator `A`; moving it to
// another thread moves both (appended slices borrow the filler, so none can be left behind).
unsafe impl<A: Allocator + Send> Send for Filler<A> {}

impl<A: Allocator> Filler<A> {
    /// The counted size of the buffer.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("four");
    /// assert_eq!(b.allocate().capacity(), 4);
    /// ```
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Bytes appended so far.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("four");
    /// let f = b.allocate();
    /// f.append("fo");
    /// assert_eq!(f.len(), 2);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.pos.get()
    }

    /// Whether nothing was appended yet.
    ///
    /// ```
    /// assert!(makai_string::StringBuilder::new().allocate().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pos.get() == 0
    }

    /// Counted bytes not appended yet.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("four");
    /// let f = b.allocate();
    /// f.append("f");
    /// assert_eq!(f.remaining(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.cap - self.pos.get()
    }

    /// Copies `bytes` after the cursor and moves the cursor past them; returns where they
    /// start. This is the only place that writes to the buffer.
    #[inline]
    #[track_caller]
    fn write(&self, bytes: &[u8], what: &str) -> *const u8 {
        let pos = self.pos.get();
        if bytes.len() > self.cap - pos {
            overflow(what, pos, bytes.len(), self.cap);
        }
        // SAFETY: `pos <= cap`, so the offset stays inside the block (or one past its end).
        let dst = unsafe { self.base.as_ptr().add(pos) };
        // SAFETY: bytes `pos..pos + len` are inside the block (checked above), have never
        // been handed out (every slice covers bytes before the cursor), and `bytes` cannot
        // overlap them: it is either outside the block or an earlier, already written slice.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len()) };
        self.pos.set(pos + bytes.len());
        dst
    }

    /// A shared slice of `len` bytes at `start`, which `write` filled.
    ///
    /// # Safety
    ///
    /// `start..start + len` were written by `write` on this filler.
    #[inline]
    unsafe fn written(&self, start: *const u8, len: usize) -> &[u8] {
        // SAFETY: the bytes are initialised and inside the block, which lives as long as
        // `&self`; they are behind the cursor, so they are never written again.
        unsafe { std::slice::from_raw_parts(start, len) }
    }

    /// Appends `s` and returns the copy inside the buffer.
    ///
    /// # Panics
    ///
    /// If `s` does not fit in the counted bytes that remain.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("tool").count("_use");
    /// let f = b.allocate();
    /// let (a, c) = (f.append("tool"), f.append("_use"));
    /// assert_eq!((a, c), ("tool", "_use"));
    /// ```
    #[inline]
    #[track_caller]
    pub fn append(&self, s: &str) -> &str {
        let start = self.write(s.as_bytes(), "append");
        // SAFETY: `write` just filled `s.len()` bytes at `start`.
        let bytes = unsafe { self.written(start, s.len()) };
        // SAFETY: they are a copy of `s`, which is UTF-8.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Appends raw bytes and returns the copy inside the buffer.
    ///
    /// The bytes need not be UTF-8 (a character may also be split across two calls);
    /// [`finish`](Filler::finish) and [`into_str`](Filler::into_str) check that the whole
    /// buffer is UTF-8 once any bytes were appended this way, and
    /// [`finish_bytes`](Filler::finish_bytes) never checks.
    ///
    /// # Panics
    ///
    /// If `bytes` do not fit in the counted bytes that remain, or when called from a
    /// `Display` implementation that [`append_fmt`](Filler::append_fmt) is running (the
    /// bytes would land inside the `str` it returns).
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_bytes(&[0xE2, 0x82]).count_bytes(&[0xAC]);
    /// let f = b.allocate();
    /// f.append_bytes(&[0xE2, 0x82]);
    /// f.append_bytes(&[0xAC]);
    /// assert_eq!(&*f.finish(), "€");
    /// ```
    #[inline]
    #[track_caller]
    pub fn append_bytes(&self, bytes: &[u8]) -> &[u8] {
        assert!(
            !self.formatting.get(),
            "Filler::append_bytes called while append_fmt is formatting"
        );
        self.raw_bytes.set(true);
        let start = self.write(bytes, "append_bytes");
        // SAFETY: `write` just filled `bytes.len()` bytes at `start`.
        unsafe { self.written(start, bytes.len()) }
    }

    /// Appends `s` and a NUL byte and returns them as a C string (counted with
    /// [`StringBuilder::count_z`]).
    ///
    /// # Panics
    ///
    /// If `s` contains a NUL byte (a C string cannot), or `s` and the NUL do not fit in the
    /// counted bytes that remain.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_z("PATH=/bin");
    /// let f = b.allocate();
    /// assert_eq!(f.append_z("PATH=/bin"), c"PATH=/bin");
    /// ```
    #[track_caller]
    pub fn append_z(&self, s: &str) -> &CStr {
        if let Some(i) = s.bytes().position(|b| b == 0) {
            panic!("Filler::append_z: the string has a NUL byte at index {i}");
        }
        let needed = s.len().checked_add(1).unwrap_or_else(|| count_overflow());
        let pos = self.pos.get();
        if needed > self.cap - pos {
            overflow("append_z", pos, needed, self.cap);
        }
        let start = self.write(s.as_bytes(), "append_z");
        self.write(&[0], "append_z");
        // SAFETY: `write` filled `s.len() + 1` contiguous bytes at `start` (the room was
        // checked first, so both writes succeeded).
        let bytes = unsafe { self.written(start, needed) };
        // SAFETY: the bytes end with the NUL just written and `s` has no NUL (checked).
        unsafe { CStr::from_bytes_with_nul_unchecked(bytes) }
    }

    /// Appends the output of `args` (counted with [`StringBuilder::count_fmt`]) and returns
    /// it.
    ///
    /// # Panics
    ///
    /// If the output does not fit in the counted bytes that remain (for example when a
    /// `Display` prints differently the second time), or a formatting implementation returns
    /// an error.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_fmt(format_args!("id-{}", 42));
    /// let f = b.allocate();
    /// assert_eq!(f.append_fmt(format_args!("id-{}", 42)), "id-42");
    /// ```
    #[track_caller]
    pub fn append_fmt(&self, args: fmt::Arguments<'_>) -> &str {
        if let Some(s) = args.as_str() {
            return self.append(s);
        }
        let start = self.pos.get();
        let outer = self.formatting.replace(true);
        let reset = ResetOnDrop(&self.formatting, outer);
        // Each piece is committed as it is written, so a `Display` that appends to this
        // filler itself writes after it instead of over it.
        fmt::write(&mut FmtSink(self), args)
            .expect("a formatting trait implementation returned an error");
        drop(reset);
        let end = self.pos.get();
        // SAFETY: `start <= end <= cap`, inside the block.
        let first = unsafe { self.base.as_ptr().add(start) };
        // SAFETY: bytes `start..end` were all written by `write` since `start` was read.
        let bytes = unsafe { self.written(first, end - start) };
        // SAFETY: they are copies of `&str` pieces, or of strings and NUL bytes appended by
        // nested `append`/`append_z`/`append_fmt` calls (nested `append_bytes` panics), so
        // they are UTF-8.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Checks the buffer before it is handed over: in debug builds, that it was filled
    /// exactly; in release builds an unfilled tail becomes zero bytes. Returns the bytes.
    #[track_caller]
    fn sealed_bytes(&self) -> &[u8] {
        let pos = self.pos.get();
        debug_assert!(
            pos == self.cap,
            "Filler: {pos} of the {} counted bytes were appended; count and append must match",
            self.cap
        );
        if pos < self.cap {
            // SAFETY: `pos < cap`: inside the block.
            let tail = unsafe { self.base.as_ptr().add(pos) };
            // SAFETY: bytes `pos..cap` are inside the block and were never handed out.
            unsafe { tail.write_bytes(0, self.cap - pos) };
            self.pos.set(self.cap);
        }
        // SAFETY: all `cap` bytes are now initialised; `write` filled `0..pos`.
        unsafe { self.written(self.base.as_ptr(), self.cap) }
    }

    /// Checks that the sealed buffer is UTF-8 when raw bytes went in.
    #[track_caller]
    fn check_utf8(&self, bytes: &[u8]) {
        if self.raw_bytes.get()
            && let Err(e) = std::str::from_utf8(bytes)
        {
            panic!(
                "Filler: append_bytes left bytes that are not UTF-8 (at byte {}); use finish_bytes",
                e.valid_up_to()
            );
        }
    }

    /// Takes the block and allocator out without running `Drop`.
    fn into_parts(self) -> (NonNull<u8>, usize, A) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the allocator is moved out exactly once.
        let alloc = unsafe { ManuallyDrop::take(&mut this.alloc) };
        (this.base, this.cap, alloc)
    }
}

impl Filler<Global> {
    /// Hands the buffer over as a `Box<str>`, without copying: the box's bytes are at the
    /// address the first append wrote to.
    ///
    /// # Panics
    ///
    /// In debug builds, if the appended bytes do not add up to the counted size (in release
    /// builds the unfilled tail is zero bytes); if [`append_bytes`](Filler::append_bytes) left
    /// bytes that are not UTF-8.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("key=").count("value");
    /// let f = b.allocate();
    /// let addr = f.append("key=").as_ptr();
    /// f.append("value");
    /// let s = f.finish();
    /// assert_eq!((&*s, s.as_ptr()), ("key=value", addr));
    /// ```
    #[track_caller]
    #[must_use]
    pub fn finish(self) -> Box<str> {
        let bytes = self.sealed_bytes();
        self.check_utf8(bytes);
        let bytes = self.finish_bytes();
        // SAFETY: checked above when raw bytes were appended; otherwise every byte came from
        // a `&str` (or is a NUL).
        unsafe { std::str::from_boxed_utf8_unchecked(bytes) }
    }

    /// Hands the buffer over as bytes, without copying and without a UTF-8 check.
    ///
    /// # Panics
    ///
    /// In debug builds, if the appended bytes do not add up to the counted size (in release
    /// builds the unfilled tail is zero bytes).
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_bytes(&[0xFF]);
    /// let f = b.allocate();
    /// f.append_bytes(&[0xFF]);
    /// assert_eq!(&*f.finish_bytes(), &[0xFF]);
    /// ```
    #[track_caller]
    #[must_use]
    pub fn finish_bytes(self) -> Box<[u8]> {
        self.sealed_bytes();
        let (base, cap, Global) = self.into_parts();
        let slice = ptr::slice_from_raw_parts_mut(base.as_ptr(), cap);
        // SAFETY: the block came from `makai_alloc::Global` (the process's global allocator,
        // the one `Box` uses) with layout `(cap, 1)`, which is `Layout::for_value` of a
        // `[u8]` of length `cap`; all bytes are initialised; ownership moves to the box.
        unsafe { Box::from_raw(slice) }
    }
}

impl<A: Allocator + Send + 'static> Filler<A> {
    /// Hands the buffer over as a shareable [`Str`], without copying: the bytes stay at the
    /// address they were appended to (also for short strings), and a small header holding
    /// the reference count and the allocator is allocated next to it from the global
    /// allocator (the buffer has exactly the counted size, so the count cannot live in it).
    /// An empty buffer gives `Str::new()`.
    ///
    /// # Panics
    ///
    /// As [`finish`](Filler::finish).
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("shared ").count_fmt(format_args!("{}", 7));
    /// let f = b.allocate();
    /// let addr = f.append("shared ").as_ptr();
    /// f.append_fmt(format_args!("{}", 7));
    /// let s = f.into_str();
    /// let t = s.clone();
    /// assert_eq!((s.as_str(), t.as_ptr()), ("shared 7", addr));
    /// ```
    #[track_caller]
    #[must_use]
    pub fn into_str(self) -> Str {
        self.try_into_str().handle_oom()
    }

    /// Like [`into_str`](Filler::into_str).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the header cannot be allocated; the buffer is freed.
    ///
    /// # Panics
    ///
    /// As [`finish`](Filler::finish).
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("x");
    /// let f = b.allocate();
    /// f.append("x");
    /// assert_eq!(f.try_into_str().unwrap(), "x");
    /// ```
    #[track_caller]
    pub fn try_into_str(self) -> Result<Str, AllocError> {
        let bytes = self.sealed_bytes();
        self.check_utf8(bytes);
        if self.cap == 0 {
            return Ok(Str::new());
        }
        let (base, cap, alloc) = self.into_parts();
        // SAFETY: `base` is a block of `alloc` with layout `(cap, 1)`, all bytes initialised
        // and UTF-8 (checked above, or copied from `&str`s); ownership moves on success.
        match unsafe { repr::adopt(base, cap, cap, alloc) } {
            // SAFETY: a fresh counted representation with one reference, now the `Str`'s.
            Ok(repr) => Ok(unsafe { Str::from_repr(repr) }),
            Err(alloc) => {
                // SAFETY: the adoption failed, so the block is still ours, with this layout.
                let layout = unsafe { Layout::from_size_align_unchecked(cap, 1) };
                // SAFETY: as above.
                unsafe { alloc.deallocate(base, layout) };
                Err(AllocError)
            }
        }
    }
}

impl<A: Allocator> Drop for Filler<A> {
    fn drop(&mut self) {
        // SAFETY: `cap` with alignment 1 was a valid layout when the block was allocated.
        let layout = unsafe { Layout::from_size_align_unchecked(self.cap, 1) };
        // SAFETY: the block came from `self.alloc` with this layout and is freed once, here;
        // no slice of it outlives `self`.
        unsafe { self.alloc.deallocate(self.base, layout) };
        // SAFETY: dropped exactly once, after its last use.
        unsafe { ManuallyDrop::drop(&mut self.alloc) };
    }
}

impl<A: Allocator> fmt::Debug for Filler<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filler")
            .field("len", &self.pos.get())
            .field("capacity", &self.cap)
            .finish_non_exhaustive()
    }
}

/// The panic for an append past the counted size.
#[cold]
#[inline(never)]
#[track_caller]
fn overflow(what: &str, pos: usize, needed: usize, cap: usize) -> ! {
    panic!(
        "Filler::{what}: {needed} more bytes do not fit: {pos} of the {cap} counted bytes are \
         already used (count every piece before allocate)"
    )
}

/// `fmt::Write` into a filler, committing each piece as it is written.
struct FmtSink<'f, A: Allocator>(&'f Filler<A>);

impl<A: Allocator> fmt::Write for FmtSink<'_, A> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes(), "append_fmt");
        Ok(())
    }
}

/// Restores the `formatting` flag, also when formatting panics.
struct ResetOnDrop<'a>(&'a Cell<bool>, bool);

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(self.1);
    }
}
