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
//!
//! Counting is exact by default, and then [`Filler::finish`] (and the other finishing
//! methods) panic when fewer bytes were appended than counted, in every build profile: a
//! buffer is never handed over with a tail of bytes nobody wrote. Output whose size is only
//! known up to a bound (escaping, formatting whose length is not cheap to know) is counted
//! with [`StringBuilder::count_upper_bound`]; the finishing methods then trim the buffer to
//! what was appended.

use alloc::boxed::Box;
use alloc::string::String;
use core::alloc::Layout;
use core::cell::Cell;
use core::ffi::CStr;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};

use makai_alloc::{Allocator, Arena, Global};
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
    /// Whether some piece was counted by an upper bound (then finishing trims).
    bounded: bool,
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
            bounded: false,
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
    /// With an [`Arena`], the finished string borrows the arena
    /// ([`finish`](Filler::<&Arena>::finish) returns `&'a str`):
    ///
    /// ```
    /// use makai_alloc::Arena;
    /// let arena = Arena::new();
    /// let mut b = makai_string::StringBuilder::new_in(&arena);
    /// b.count("model=").count_display(&4.5f32.to_bits());
    /// let f = b.allocate();
    /// f.append("model=");
    /// f.append_display(&4.5f32.to_bits());
    /// let s: &str = f.finish(); // lives as long as `arena`
    /// assert_eq!(s, "model=1083179008");
    /// ```
    #[inline]
    pub fn new_in(alloc: A) -> StringBuilder<A> {
        StringBuilder {
            len: 0,
            bounded: false,
            alloc,
        }
    }

    /// The earlier name of [`new_in`](StringBuilder::new_in), kept so that code written
    /// against it compiles.
    ///
    /// ```
    /// use makai_alloc::Global;
    /// let mut b = makai_string::StringBuilder::with_allocator(&Global);
    /// b.count("abc");
    /// assert_eq!(b.allocate().append("abc"), "abc");
    /// ```
    #[doc(hidden)]
    #[inline]
    pub fn with_allocator(alloc: A) -> StringBuilder<A> {
        StringBuilder::new_in(alloc)
    }

    /// Adds `n` bytes to the count.
    #[inline]
    #[track_caller]
    fn add(&mut self, n: usize) -> &mut Self {
        self.len = match self.len.checked_add(n) {
            Some(len) => len,
            None => count_overflow(),
        };
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
    #[track_caller]
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
    #[track_caller]
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
    #[track_caller]
    pub fn count_len(&mut self, n: usize) -> &mut Self {
        self.add(n)
    }

    /// Counts a string that will be appended with [`Filler::append_with_nul`] (its bytes plus
    /// a NUL).
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_with_nul("ls");
    /// assert_eq!(b.len(), 3);
    /// ```
    #[doc(alias = "countZ")]
    #[doc(alias = "count_z")]
    #[inline]
    #[track_caller]
    pub fn count_with_nul(&mut self, s: &str) -> &mut Self {
        self.add(s.len()).add(1)
    }

    /// The earlier name of [`count_with_nul`](StringBuilder::count_with_nul).
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// assert_eq!(b.count_z("ls").len(), 3);
    /// ```
    #[doc(hidden)]
    #[inline]
    #[track_caller]
    pub fn count_z(&mut self, s: &str) -> &mut Self {
        self.count_with_nul(s)
    }

    /// Counts the `Display` output of `value` without formatting it: integers count their
    /// digits, strings their length (see [`DisplayLen`]). Append it with
    /// [`Filler::append_display`].
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_display(&-1204i32).count_display(&u64::MAX).count_display("id").count_display(&'é');
    /// assert_eq!(b.len(), 5 + 20 + 2 + 2);
    /// ```
    #[inline]
    #[track_caller]
    pub fn count_display<T: DisplayLen + ?Sized>(&mut self, value: &T) -> &mut Self {
        self.add(value.display_len())
    }

    /// Counts a piece by an upper bound `max` of its length, for output whose exact size is
    /// not cheap to know (escaping, `{:?}`, floats). The builder allocates the bound; the
    /// finishing methods ([`Filler::finish`], [`Filler::into_str`], ...) then trim the buffer
    /// to the bytes actually appended instead of requiring the exact count: with the global
    /// allocator `finish` shrinks the block in place when the allocator can (one `realloc`),
    /// `into_str` keeps the spare bytes as capacity, and an arena keeps them as unused arena
    /// space until it is reset.
    ///
    /// # Panics
    ///
    /// If the total overflows `usize`.
    ///
    /// ```
    /// // JSON-escape a delta: at most 6 output bytes per input byte (`\u001f`).
    /// let delta = "say \"hi\"\n";
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("\"").count_upper_bound(delta.len() * 6).count("\"");
    /// let f = b.allocate();
    /// f.append("\"");
    /// for c in delta.chars() {
    ///     match c {
    ///         '"' => f.append("\\\""),
    ///         '\n' => f.append("\\n"),
    ///         c => f.append(c.encode_utf8(&mut [0; 4])),
    ///     };
    /// }
    /// f.append("\"");
    /// assert_eq!(&*f.finish(), r#""say \"hi\"\n""#); // trimmed to what was appended
    /// ```
    #[inline]
    #[track_caller]
    pub fn count_upper_bound(&mut self, max: usize) -> &mut Self {
        self.bounded = true;
        self.add(max)
    }

    /// Whether every piece was counted exactly (no [`count_upper_bound`]); then the
    /// finishing methods require the buffer to be filled exactly.
    ///
    /// [`count_upper_bound`]: StringBuilder::count_upper_bound
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// assert!(b.count("x").is_exact());
    /// assert!(!b.count_upper_bound(4).is_exact());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_exact(&self) -> bool {
        !self.bounded
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
    #[doc(alias = "fmtCount")]
    #[track_caller]
    pub fn count_fmt(&mut self, args: fmt::Arguments<'_>) -> &mut Self {
        if let Some(s) = args.as_str() {
            return self.add(s.len());
        }
        let mut counter = CountWriter(0);
        if fmt::write(&mut counter, args).is_err() {
            if counter.0 == usize::MAX {
                count_overflow();
            }
            format_error();
        }
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
            exact: !self.bounded,
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
            .field("exact", &!self.bounded)
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
    /// Adds up the pieces; an overflow stops formatting with the count at `usize::MAX`
    /// (the caller panics, at its own call site).
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.0.checked_add(s.len()) {
            Some(n) => {
                self.0 = n;
                Ok(())
            }
            None => {
                self.0 = usize::MAX;
                Err(fmt::Error)
            }
        }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn format_error() -> ! {
    panic!("a formatting trait implementation returned an error")
}

/// The filling phase: one buffer of the counted size, appended to through `&self`. Each
/// append returns a slice of the buffer that stays valid, next to every other appended slice,
/// as long as the filler is borrowed; [`as_str`](Filler::as_str) shows everything so far.
///
/// Appending more than was counted panics (in every build profile, at the caller's line;
/// never undefined behaviour). [`finish`](Filler::finish) and [`into_str`](Filler::into_str)
/// hand the same buffer over without copying it; dropping the filler frees it. After exact
/// counting, finishing a buffer that is not full panics, in every build profile; after
/// [`StringBuilder::count_upper_bound`] it trims.
///
/// ```
/// use makai_string::StringBuilder;
///
/// let args = ["ls", "-la", "/tmp"];
/// let mut b = StringBuilder::new();
/// for a in args {
///     b.count_with_nul(a);
/// }
/// let f = b.allocate();
/// let argv: Vec<&std::ffi::CStr> = args.iter().map(|a| f.append_with_nul(a)).collect();
/// assert_eq!(argv[2].to_bytes(), b"/tmp");
/// assert_eq!(f.remaining(), 0);
/// ```
///
/// The slices borrow the filler, so it cannot be finished while they are in use:
///
/// ```compile_fail,E0505
/// let mut b = makai_string::StringBuilder::new();
/// b.count("a");
/// let f = b.allocate();
/// let s = f.append("a");
/// let all = f.finish(); // error: `f` is still borrowed by `s`
/// println!("{s}{all}");
/// ```
///
/// A string finished into an arena borrows the arena, so the arena cannot be reset while it
/// is in use:
///
/// ```compile_fail,E0502
/// let mut arena = makai_alloc::Arena::new();
/// let mut b = makai_string::StringBuilder::new_in(&arena);
/// b.count("x");
/// let f = b.allocate();
/// f.append("x");
/// let s: &str = f.finish();
/// arena.reset(); // error: `arena` is still borrowed by `s`
/// println!("{s}");
/// ```
///
/// A filler is not `Sync` (its cursor is a `Cell`):
///
/// ```compile_fail,E0277
/// fn shared<T: Sync>(_: &T) {}
/// let f = makai_string::StringBuilder::new().allocate();
/// shared(&f);
/// ```
pub struct Filler<A: Allocator = Global> {
    /// Start of the block, from the allocator; every access goes through this raw pointer.
    base: NonNull<u8>,
    /// Size of the block: the counted bytes.
    cap: usize,
    /// Whether the count was exact (then finishing requires `pos == cap`), or an upper
    /// bound (then finishing trims to `pos`).
    exact: bool,
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

    /// Whether the count was exact (see [`StringBuilder::is_exact`]).
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_upper_bound(8);
    /// assert!(!b.allocate().is_exact());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// Everything appended so far, as bytes. The slice stays valid while more is appended.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_bytes(&[0xFF]).count("a");
    /// let f = b.allocate();
    /// f.append_bytes(&[0xFF]);
    /// let so_far = f.as_bytes();
    /// f.append("a");
    /// assert_eq!((so_far, f.as_bytes()), (&[0xFF][..], &[0xFF, b'a'][..]));
    /// ```
    #[inline]
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: bytes `0..pos` were written by `write` and are never written again.
        unsafe { self.written(self.base.as_ptr(), self.pos.get()) }
    }

    /// Everything appended so far, as text (for example to hash or look up a record before
    /// finishing it). The slice stays valid while more is appended.
    ///
    /// # Panics
    ///
    /// If [`append_bytes`](Filler::append_bytes) left bytes that are not UTF-8 (such as half
    /// of a character); [`as_bytes`](Filler::as_bytes) never panics.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("event: ").count("ping");
    /// let f = b.allocate();
    /// f.append("event: ");
    /// assert_eq!(f.as_str(), "event: ");
    /// f.append("ping");
    /// assert_eq!(f.as_str(), "event: ping");
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn as_str(&self) -> &str {
        let bytes = self.as_bytes();
        if self.raw_bytes.get() {
            match core::str::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => not_utf8("as_str", e.valid_up_to()),
            }
        } else {
            // SAFETY: without `append_bytes`, every byte is a copy of a `&str` piece or a NUL.
            unsafe { core::str::from_utf8_unchecked(bytes) }
        }
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
        unsafe { core::slice::from_raw_parts(start, len) }
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
        unsafe { core::str::from_utf8_unchecked(bytes) }
    }

    /// Appends raw bytes and returns the copy inside the buffer.
    ///
    /// The bytes need not be UTF-8 (a character may also be split across two calls);
    /// [`finish`](Filler::finish), [`into_str`](Filler::into_str) and
    /// [`as_str`](Filler::as_str) check that the bytes are UTF-8 once any bytes were appended
    /// this way, and [`finish_bytes`](Filler::finish_bytes) never checks.
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
        if self.formatting.get() {
            bytes_while_formatting();
        }
        self.raw_bytes.set(true);
        let start = self.write(bytes, "append_bytes");
        // SAFETY: `write` just filled `bytes.len()` bytes at `start`.
        unsafe { self.written(start, bytes.len()) }
    }

    /// Appends `s` and a NUL byte and returns them as a C string (counted with
    /// [`StringBuilder::count_with_nul`]).
    ///
    /// # Panics
    ///
    /// If `s` contains a NUL byte (a C string cannot), or `s` and the NUL do not fit in the
    /// counted bytes that remain.
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_with_nul("PATH=/bin");
    /// let f = b.allocate();
    /// assert_eq!(f.append_with_nul("PATH=/bin"), c"PATH=/bin");
    /// ```
    #[doc(alias = "appendZ")]
    #[doc(alias = "append_z")]
    #[track_caller]
    pub fn append_with_nul(&self, s: &str) -> &CStr {
        if let Some(i) = s.bytes().position(|b| b == 0) {
            panic!("Filler::append_with_nul: the string has a NUL byte at index {i}");
        }
        let Some(needed) = s.len().checked_add(1) else {
            count_overflow()
        };
        let pos = self.pos.get();
        if needed > self.cap - pos {
            overflow("append_with_nul", pos, needed, self.cap);
        }
        let start = self.write(s.as_bytes(), "append_with_nul");
        self.write(&[0], "append_with_nul");
        // SAFETY: `write` filled `s.len() + 1` contiguous bytes at `start` (the room was
        // checked first, so both writes succeeded).
        let bytes = unsafe { self.written(start, needed) };
        // SAFETY: the bytes end with the NUL just written and `s` has no NUL (checked).
        unsafe { CStr::from_bytes_with_nul_unchecked(bytes) }
    }

    /// The earlier name of [`append_with_nul`](Filler::append_with_nul).
    ///
    /// ```
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count_with_nul("x");
    /// assert_eq!(b.allocate().append_z("x"), c"x");
    /// ```
    #[doc(hidden)]
    #[inline]
    #[track_caller]
    pub fn append_z(&self, s: &str) -> &CStr {
        self.append_with_nul(s)
    }

    /// Appends the output of `args` (counted with [`StringBuilder::count_fmt`], or by an
    /// upper bound) and returns it.
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
    #[doc(alias = "fmt")]
    #[track_caller]
    pub fn append_fmt(&self, args: fmt::Arguments<'_>) -> &str {
        if let Some(s) = args.as_str() {
            return self.append(s);
        }
        let start = self.pos.get();
        let outer = self.formatting.replace(true);
        let reset = ResetOnDrop(&self.formatting, outer);
        // Each piece is committed as it is written, so a `Display` that appends to this
        // filler itself writes after it instead of over it. A piece that does not fit stops
        // formatting and is reported here, so the panic names the caller's line.
        let mut sink = FmtSink {
            filler: self,
            overflow: None,
        };
        let result = fmt::write(&mut sink, args);
        drop(reset);
        if let Some(needed) = sink.overflow {
            overflow("append_fmt", self.pos.get(), needed, self.cap);
        }
        if result.is_err() {
            format_error();
        }
        let end = self.pos.get();
        // SAFETY: `start <= end <= cap`, inside the block.
        let first = unsafe { self.base.as_ptr().add(start) };
        // SAFETY: bytes `start..end` were all written by `write` since `start` was read.
        let bytes = unsafe { self.written(first, end - start) };
        // SAFETY: they are copies of `&str` pieces, or of strings and NUL bytes appended by
        // nested `append`/`append_with_nul`/`append_fmt` calls (nested `append_bytes`
        // panics), so they are UTF-8.
        unsafe { core::str::from_utf8_unchecked(bytes) }
    }

    /// Appends the `Display` output of `value` (counted with
    /// [`StringBuilder::count_display`]) and returns it. Integers are written by a digit
    /// loop straight into the buffer, without the formatting machinery.
    ///
    /// # Panics
    ///
    /// As [`append_fmt`](Filler::append_fmt).
    ///
    /// ```
    /// let (index, tokens) = (3u32, -17i64);
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("index=").count_display(&index).count(" tokens=").count_display(&tokens);
    /// let f = b.allocate();
    /// f.append("index=");
    /// f.append_display(&index);
    /// f.append(" tokens=");
    /// assert_eq!(f.append_display(&tokens), "-17");
    /// assert_eq!(&*f.finish(), "index=3 tokens=-17");
    /// ```
    #[inline]
    #[track_caller]
    pub fn append_display<T: DisplayLen + ?Sized>(&self, value: &T) -> &str {
        let mut digits = [0u8; 40];
        // `decimal` is a safe trait method that other crates may implement, so its output is
        // checked (a few ASCII bytes) rather than trusted.
        if let Some(start) = value.decimal(&mut digits)
            && let Some(Ok(text)) = digits.get(start..).map(core::str::from_utf8)
        {
            return self.append(text);
        }
        self.append_fmt(format_args!("{value}"))
    }

    /// Checks the buffer before it is handed over and returns the length to hand over:
    /// after an exact count, that it was filled exactly; after an upper-bound count, the
    /// bytes appended.
    #[inline]
    #[track_caller]
    fn seal(&self) -> usize {
        let pos = self.pos.get();
        if self.exact && pos != self.cap {
            unfilled(pos, self.cap);
        }
        pos
    }

    /// Checks that the appended bytes are UTF-8 when raw bytes went in.
    #[track_caller]
    fn check_utf8(&self, what: &str) {
        if self.raw_bytes.get()
            && let Err(e) = core::str::from_utf8(self.as_bytes())
        {
            not_utf8(what, e.valid_up_to());
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
    /// address the first append wrote to. After [`StringBuilder::count_upper_bound`] the
    /// block is first shrunk to the appended bytes (a `realloc`, usually in place).
    ///
    /// `finish` takes the filler by value, so the slices the `append` methods returned (which
    /// borrow the filler) must be used before it; the finished `Box<str>` holds the same bytes
    /// at the same address.
    ///
    /// # Panics
    ///
    /// After an exact count, if fewer bytes were appended than counted (in every build
    /// profile); if [`append_bytes`](Filler::append_bytes) left bytes that are not UTF-8.
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
    ///
    /// ```should_panic
    /// let mut b = makai_string::StringBuilder::new();
    /// b.count("counted, never appended");
    /// let f = b.allocate();
    /// f.append("counted");
    /// let _ = f.finish(); // panics: 7 of the 23 counted bytes were appended
    /// ```
    #[track_caller]
    #[must_use]
    pub fn finish(self) -> Box<str> {
        self.check_utf8("finish");
        let bytes = self.finish_bytes();
        // SAFETY: checked above when raw bytes were appended; otherwise every byte came from
        // a `&str` (or is a NUL).
        unsafe { alloc::str::from_boxed_utf8_unchecked(bytes) }
    }

    /// Hands the buffer over as bytes, without copying and without a UTF-8 check (trimmed
    /// after an upper-bound count, as [`finish`](Filler::finish)).
    ///
    /// # Panics
    ///
    /// After an exact count, if fewer bytes were appended than counted.
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
        let len = self.seal();
        let (base, cap, Global) = self.into_parts();
        // `cap` with alignment 1 was a valid layout when the block was allocated, and
        // `len <= cap`, so both layouts are valid.
        let old = Layout::from_size_align(cap, 1).expect("the block's layout");
        let new = Layout::from_size_align(len, 1).expect("not larger than the block's");
        let base = if len == cap {
            base
        } else if len == 0 {
            // SAFETY: `cap > len = 0`: a live block of `Global` with layout `old`.
            unsafe { Global.deallocate(base, old) };
            return Box::default();
        } else {
            // SAFETY: `base` is a live block of `Global` with layout `old`, and `new` is not
            // larger; on success the block moves to the returned pointer.
            match unsafe { Global.shrink(base, old, new) } {
                Ok(block) => block.cast::<u8>(),
                Err(AllocError) => {
                    // SAFETY: the first `len` bytes are initialised (written by `write`).
                    let copy = Box::<[u8]>::from(unsafe {
                        core::slice::from_raw_parts(base.as_ptr(), len)
                    });
                    // SAFETY: the shrink failed, so the block is still live with `old`.
                    unsafe { Global.deallocate(base, old) };
                    return copy;
                }
            }
        };
        let slice = ptr::slice_from_raw_parts_mut(base.as_ptr(), len);
        // SAFETY: the block came from `makai_alloc::Global` (the process's global allocator,
        // the one `Box` uses) with layout `(len, 1)` (allocated so, or shrunk to it), which
        // is `Layout::for_value` of a `[u8]` of length `len`; its bytes are initialised;
        // ownership moves to the box.
        unsafe { Box::from_raw(slice) }
    }
}

impl<'a> Filler<&'a Arena> {
    /// Hands the buffer over as a string that lives as long as the arena, without copying.
    /// After [`StringBuilder::count_upper_bound`] the string is the appended bytes and the
    /// rest of the block stays unused arena space until the arena is reset.
    ///
    /// # Panics
    ///
    /// After an exact count, if fewer bytes were appended than counted; if
    /// [`append_bytes`](Filler::append_bytes) left bytes that are not UTF-8.
    ///
    /// ```
    /// use makai_alloc::Arena;
    /// use makai_string::StringBuilder;
    ///
    /// let arena = Arena::new();
    /// let records: Vec<&str> = (0..3)
    ///     .map(|i| {
    ///         let mut b = StringBuilder::new_in(&arena);
    ///         b.count("req-").count_display(&i);
    ///         let f = b.allocate();
    ///         f.append("req-");
    ///         f.append_display(&i);
    ///         f.finish()
    ///     })
    ///     .collect();
    /// assert_eq!(records, ["req-0", "req-1", "req-2"]); // all alive until `arena` goes
    /// ```
    #[track_caller]
    #[must_use]
    pub fn finish(self) -> &'a str {
        self.check_utf8("finish");
        let bytes = self.finish_bytes();
        // SAFETY: checked above when raw bytes were appended; otherwise every byte came from
        // a `&str` (or is a NUL).
        unsafe { core::str::from_utf8_unchecked(bytes) }
    }

    /// Hands the buffer over as bytes that live as long as the arena, without copying and
    /// without a UTF-8 check.
    ///
    /// # Panics
    ///
    /// After an exact count, if fewer bytes were appended than counted.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let mut b = makai_string::StringBuilder::new_in(&arena);
    /// b.count_upper_bound(16);
    /// let f = b.allocate();
    /// f.append_bytes(&[1, 2]);
    /// assert_eq!(f.finish_bytes(), &[1, 2]);
    /// ```
    #[track_caller]
    #[must_use]
    pub fn finish_bytes(self) -> &'a [u8] {
        let len = self.seal();
        let (base, _, _arena) = self.into_parts();
        // SAFETY: the block came from `&'a Arena` and is never freed individually now (the
        // filler's `Drop` does not run): it stays valid until the arena is reset or dropped,
        // which needs the arena unborrowed, after `'a`. Its first `len` bytes are
        // initialised and nothing writes to them again.
        unsafe { core::slice::from_raw_parts(base.as_ptr(), len) }
    }
}

impl<A: Allocator + Send + 'static> Filler<A> {
    /// Hands the buffer over as a shareable [`Str`], without copying: the bytes stay at the
    /// address they were appended to (also for short strings), and a small header holding
    /// the reference count and the allocator is allocated next to it from the global
    /// allocator (the buffer has exactly the counted size, so the count cannot live in it).
    /// An empty result gives `Str::new()`. After [`StringBuilder::count_upper_bound`] the
    /// bytes not appended stay with the buffer as unused capacity.
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
        let len = self.seal();
        self.check_utf8("into_str");
        if len == 0 {
            return Ok(Str::new());
        }
        let (base, cap, alloc) = self.into_parts();
        // SAFETY: `base` is a block of `alloc` with layout `(cap, 1)` whose first `len` bytes
        // are initialised UTF-8 (checked above, or copied from `&str`s); ownership moves on
        // success.
        match unsafe { repr::adopt(base, len, cap, alloc) } {
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
            .field("exact", &self.exact)
            .finish_non_exhaustive()
    }
}

impl<A: Allocator> fmt::Write for Filler<A> {
    /// Appends `s`, so `write!(filler, ...)` works; the text must have been counted.
    ///
    /// # Panics
    ///
    /// If `s` does not fit in the counted bytes that remain.
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.append(s);
        Ok(())
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

/// The panic for finishing an exactly counted buffer that is not full.
#[cold]
#[inline(never)]
#[track_caller]
fn unfilled(pos: usize, cap: usize) -> ! {
    panic!(
        "Filler: only {pos} of the {cap} counted bytes were appended; count and append must \
         match (or count with StringBuilder::count_upper_bound to let finishing trim)"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn not_utf8(what: &str, at: usize) -> ! {
    panic!(
        "Filler::{what}: append_bytes left bytes that are not UTF-8 (at byte {at}); use as_bytes \
         or finish_bytes"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn bytes_while_formatting() -> ! {
    panic!("Filler::append_bytes called while append_fmt is formatting")
}

/// `fmt::Write` into a filler, committing each piece as it is written; a piece that does not
/// fit is recorded (its size) and stops formatting.
struct FmtSink<'f, A: Allocator> {
    filler: &'f Filler<A>,
    overflow: Option<usize>,
}

impl<A: Allocator> fmt::Write for FmtSink<'_, A> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.len() > self.filler.remaining() {
            self.overflow = Some(s.len());
            return Err(fmt::Error);
        }
        self.filler.write(s.as_bytes(), "append_fmt");
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

/// Types whose `Display` output has a length that is cheap to compute exactly, without
/// formatting: what [`StringBuilder::count_display`] counts.
///
/// Implemented for the integer types (their digits, plus a `-`), `bool`, `char`, `str`,
/// `String`, `Str`, `SmolStr`, `makai_ptr::CowStr`, std's `Cow<str>`, and references and
/// boxes of these. Floats are not: their shortest representation is only known by
/// formatting; count them with [`StringBuilder::count_fmt`] or an upper bound.
///
/// Implement it for a type of yours when its `Display` length is known cheaply; the length
/// must equal what `Display` prints (a longer output panics at append, a shorter one at
/// finish):
///
/// ```
/// use std::fmt;
/// use makai_string::{DisplayLen, StringBuilder};
///
/// struct RequestId(u32);
/// impl fmt::Display for RequestId {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         write!(f, "req_{:08}", self.0)
///     }
/// }
/// impl DisplayLen for RequestId {
///     fn display_len(&self) -> usize {
///         4 + self.0.display_len().max(8)
///     }
/// }
///
/// let mut b = StringBuilder::new();
/// b.count_display(&RequestId(42));
/// let f = b.allocate();
/// f.append_display(&RequestId(42));
/// assert_eq!(&*f.finish(), "req_00000042");
/// ```
///
/// A type without a cheap exact length (a float, say) is refused at compile time; the error
/// points to `count_upper_bound` and `count_fmt`:
///
/// ```compile_fail,E0277
/// let mut b = makai_string::StringBuilder::new();
/// b.count_display(&1.5f64);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no cheap exact display length (`DisplayLen`)",
    label = "`count_display` needs the exact length without formatting",
    note = "count it with `count_upper_bound` (a bound; `finish` trims) or `count_fmt` (formats once to count), or implement `DisplayLen` for your own type"
)]
pub trait DisplayLen: fmt::Display {
    /// The number of bytes `Display` prints for `self`.
    ///
    /// ```
    /// use makai_string::DisplayLen;
    /// assert_eq!((0u8.display_len(), i64::MIN.display_len(), "é".display_len()), (1, 20, 2));
    /// ```
    fn display_len(&self) -> usize;

    /// For integers: writes the decimal form right-aligned into `out` and returns where it
    /// starts, so [`Filler::append_display`] can skip the formatting machinery. Other types
    /// keep the provided `None` (then `Display` is used).
    #[doc(hidden)]
    #[inline]
    fn decimal(&self, out: &mut [u8; 40]) -> Option<usize> {
        let _ = out;
        None
    }
}

/// Pairs of decimal digits "00".."99", two at a time per division.
const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `n` in decimal right-aligned into `out`, returning where it starts.
#[inline]
fn write_decimal(mut n: u128, out: &mut [u8; 40]) -> usize {
    let mut at = out.len();
    // `u64` arithmetic is much cheaper than `u128`: divide down first.
    while n > u128::from(u64::MAX) {
        let rest = (n % 10) as u8;
        n /= 10;
        at -= 1;
        out[at] = b'0' + rest;
    }
    let mut m = n as u64;
    while m >= 100 {
        let pair = (m % 100) as usize * 2;
        m /= 100;
        at -= 2;
        out[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if m >= 10 {
        let pair = m as usize * 2;
        at -= 2;
        out[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        out[at] = b'0' + m as u8;
    }
    at
}

/// `DisplayLen` for unsigned integers: the number of decimal digits.
macro_rules! display_len_unsigned {
    ($($t:ty),*) => {$(
        impl DisplayLen for $t {
            #[inline]
            fn display_len(&self) -> usize {
                match self.checked_ilog10() {
                    Some(d) => d as usize + 1,
                    None => 1,
                }
            }

            #[inline]
            fn decimal(&self, out: &mut [u8; 40]) -> Option<usize> {
                Some(write_decimal(*self as u128, out))
            }
        }
    )*};
}

/// `DisplayLen` for signed integers: the digits of the magnitude plus a minus sign.
macro_rules! display_len_signed {
    ($($t:ty),*) => {$(
        impl DisplayLen for $t {
            #[inline]
            fn display_len(&self) -> usize {
                usize::from(*self < 0) + self.unsigned_abs().display_len()
            }

            #[inline]
            fn decimal(&self, out: &mut [u8; 40]) -> Option<usize> {
                let mut at = write_decimal(self.unsigned_abs() as u128, out);
                if *self < 0 {
                    at -= 1;
                    out[at] = b'-';
                }
                Some(at)
            }
        }
    )*};
}

display_len_unsigned!(u8, u16, u32, u64, u128, usize);
display_len_signed!(i8, i16, i32, i64, i128, isize);

impl DisplayLen for bool {
    #[inline]
    fn display_len(&self) -> usize {
        if *self { 4 } else { 5 }
    }
}

impl DisplayLen for char {
    #[inline]
    fn display_len(&self) -> usize {
        self.len_utf8()
    }
}

impl DisplayLen for str {
    #[inline]
    fn display_len(&self) -> usize {
        self.len()
    }
}

impl DisplayLen for String {
    #[inline]
    fn display_len(&self) -> usize {
        self.len()
    }
}

impl DisplayLen for Str {
    #[inline]
    fn display_len(&self) -> usize {
        self.len()
    }
}

impl DisplayLen for crate::SmolStr {
    #[inline]
    fn display_len(&self) -> usize {
        self.len()
    }
}

impl DisplayLen for alloc::borrow::Cow<'_, str> {
    #[inline]
    fn display_len(&self) -> usize {
        self.len()
    }
}

impl DisplayLen for makai_ptr::CowStr<'_> {
    #[inline]
    fn display_len(&self) -> usize {
        self.len()
    }
}

impl<T: DisplayLen + ?Sized> DisplayLen for &T {
    #[inline]
    fn display_len(&self) -> usize {
        (**self).display_len()
    }

    #[inline]
    fn decimal(&self, out: &mut [u8; 40]) -> Option<usize> {
        (**self).decimal(out)
    }
}

impl<T: DisplayLen + ?Sized> DisplayLen for Box<T> {
    #[inline]
    fn display_len(&self) -> usize {
        (**self).display_len()
    }

    #[inline]
    fn decimal(&self, out: &mut [u8; 40]) -> Option<usize> {
        (**self).decimal(out)
    }
}
