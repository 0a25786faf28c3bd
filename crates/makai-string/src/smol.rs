//! [`SmolStr`]: a mutable string in 16 bytes, inline up to 16 bytes, that freezes into a
//! [`Str`] without copying.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ptr;

use makai_error::{AllocError, HandleOom};

use crate::Str;
use crate::repr::{self, HEAP_TAG, INLINE_CAP, MAX_LEN, Repr};

/// A mutable UTF-8 string in 16 bytes (Bun's `SmolStr`): up to 16 bytes live inline, longer
/// strings in one heap buffer whose header also has room for a reference count, so
/// [`freeze`](SmolStr::freeze) turns it into a shareable [`Str`] in O(1), without copying or
/// reallocating.
///
/// `size_of::<SmolStr>()` and `size_of::<Option<SmolStr>>()` are both 16. Strings of 17 bytes
/// or more are on the heap; a heap string stays on the heap when it shrinks (like `String`,
/// it keeps its capacity).
///
/// ```
/// use makai_string::SmolStr;
///
/// let mut s = SmolStr::new();
/// s.push_str("tool_call");
/// assert!(s.is_inline());
/// s.push_str(".arguments.delta");
/// assert!(!s.is_inline());
/// assert_eq!(s, "tool_call.arguments.delta");
/// let addr = s.as_ptr();
/// let frozen = s.freeze();
/// assert_eq!(frozen.as_ptr(), addr); // no copy
/// ```
pub struct SmolStr {
    /// Inline, or `HEAP_TAG` with a buffer whose count is 1 and that only this value uses.
    repr: Repr,
}

// SAFETY: a `SmolStr` owns its bytes exclusively (its heap buffer's count is always 1), like a
// `String`, so moving it to another thread or sharing `&SmolStr` is as safe as for `String`.
unsafe impl Send for SmolStr {}
// SAFETY: `&SmolStr` only reads; see `Send`.
unsafe impl Sync for SmolStr {}

const _: () = assert!(size_of::<SmolStr>() == 16);
const _: () = assert!(size_of::<Option<SmolStr>>() == 16);

impl SmolStr {
    /// The empty string; allocates nothing.
    ///
    /// ```
    /// let s = makai_string::SmolStr::new();
    /// assert!(s.is_empty() && s.is_inline());
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> SmolStr {
        SmolStr { repr: Repr::EMPTY }
    }

    /// An empty string with room for at least `capacity` bytes (inline when that is 16 or
    /// less).
    ///
    /// ```
    /// let s = makai_string::SmolStr::with_capacity(100);
    /// assert!(s.capacity() >= 100 && s.is_empty());
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> SmolStr {
        SmolStr::try_with_capacity(capacity).handle_oom()
    }

    /// Like [`with_capacity`](SmolStr::with_capacity).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot be allocated or `capacity` is too large.
    ///
    /// ```
    /// assert!(makai_string::SmolStr::try_with_capacity(usize::MAX).is_err());
    /// ```
    pub fn try_with_capacity(capacity: usize) -> Result<SmolStr, AllocError> {
        if capacity <= INLINE_CAP {
            return Ok(SmolStr::new());
        }
        let data = repr::alloc_heap(capacity)?;
        Ok(SmolStr {
            repr: Repr::pointer(data.as_ptr(), 0, HEAP_TAG),
        })
    }

    /// A copy of `s`.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when `s` is longer than 16 bytes and the buffer cannot be allocated.
    ///
    /// ```
    /// let s = makai_string::SmolStr::try_from_str("hi").unwrap();
    /// assert_eq!(s, "hi");
    /// ```
    #[inline]
    pub fn try_from_str(s: &str) -> Result<SmolStr, AllocError> {
        if s.len() <= INLINE_CAP {
            return Ok(SmolStr {
                repr: Repr::inline(s),
            });
        }
        SmolStr::try_from_long(s)
    }

    /// The heap path of [`try_from_str`](SmolStr::try_from_str), kept out of line.
    #[inline(never)]
    pub(crate) fn try_from_long(s: &str) -> Result<SmolStr, AllocError> {
        let data = repr::alloc_heap(s.len())?;
        // SAFETY: the buffer has room for `s.len()` bytes and is distinct from `s`.
        unsafe { ptr::copy_nonoverlapping(s.as_ptr(), data.as_ptr(), s.len()) };
        Ok(SmolStr {
            repr: Repr::pointer(data.as_ptr(), s.len(), HEAP_TAG),
        })
    }

    /// A copy of `bytes`, which must be UTF-8.
    ///
    /// # Errors
    ///
    /// The UTF-8 error when `bytes` is not UTF-8.
    ///
    /// ```
    /// use makai_string::SmolStr;
    /// assert_eq!(SmolStr::from_utf8(b"ok").unwrap(), "ok");
    /// assert!(SmolStr::from_utf8(b"\xff").is_err());
    /// ```
    pub fn from_utf8(bytes: &[u8]) -> Result<SmolStr, std::str::Utf8Error> {
        std::str::from_utf8(bytes).map(SmolStr::from)
    }

    /// The length in bytes.
    ///
    /// ```
    /// assert_eq!(makai_string::SmolStr::from("héllo").len(), 6);
    /// ```
    #[inline]
    #[must_use]
    pub const fn len(&self) -> usize {
        self.repr.len()
    }

    /// Whether the string is empty.
    ///
    /// ```
    /// assert!(makai_string::SmolStr::new().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many bytes fit without reallocating: 16 inline, the buffer size on the heap.
    ///
    /// ```
    /// assert_eq!(makai_string::SmolStr::new().capacity(), 16);
    /// ```
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        if self.repr.is_inline() {
            INLINE_CAP
        } else {
            // SAFETY: a non-inline `SmolStr` is a live heap buffer.
            let data = unsafe { self.repr.word_non_null() };
            // SAFETY: as above.
            unsafe { repr::heap_cap(data) }
        }
    }

    /// Whether the bytes live inside the 16-byte value (no heap buffer).
    ///
    /// ```
    /// use makai_string::SmolStr;
    /// assert!(SmolStr::from("sixteen bytes!!!").is_inline());
    /// assert!(!SmolStr::from("seventeen bytes!!").is_inline());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_inline(&self) -> bool {
        self.repr.is_inline()
    }

    /// The string.
    ///
    /// ```
    /// assert_eq!(makai_string::SmolStr::from("a").as_str(), "a");
    /// ```
    #[inline]
    #[must_use]
    pub fn as_str(&self) -> &str {
        // SAFETY: a `SmolStr` always holds UTF-8 (every write appends a `&str` or keeps a
        // char boundary).
        unsafe { std::str::from_utf8_unchecked(self.repr.as_bytes()) }
    }

    /// The string, mutably (for in-place changes such as `make_ascii_uppercase`).
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::from("abc");
    /// s.as_mut_str().make_ascii_uppercase();
    /// assert_eq!(s, "ABC");
    /// ```
    #[inline]
    pub fn as_mut_str(&mut self) -> &mut str {
        let len = self.len();
        let data = if self.repr.is_inline() {
            self.repr.inline_base_mut()
        } else {
            // A heap `SmolStr` owns its buffer exclusively, so writing through it is allowed.
            self.repr.word().cast_mut()
        };
        // SAFETY: `len` initialised UTF-8 bytes at `data`, borrowed mutably through `self`.
        // Safe `&mut str` methods keep the bytes UTF-8, so byte 15 of a 16-byte inline string
        // stays a valid last byte (below 0xC0).
        let bytes = unsafe { std::slice::from_raw_parts_mut(data, len) };
        // SAFETY: the bytes are UTF-8 (see `as_str`).
        unsafe { std::str::from_utf8_unchecked_mut(bytes) }
    }

    /// Appends `s`.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::from("a");
    /// s.push_str("bc");
    /// assert_eq!(s, "abc");
    /// ```
    #[inline]
    pub fn push_str(&mut self, s: &str) {
        self.try_push_str(s).handle_oom();
    }

    /// Like [`push_str`](SmolStr::push_str).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the string must grow and cannot; it is unchanged then.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::new();
    /// s.try_push_str("x").unwrap();
    /// assert_eq!(s, "x");
    /// ```
    pub fn try_push_str(&mut self, s: &str) -> Result<(), AllocError> {
        let len = self.len();
        let new_len = len.checked_add(s.len()).ok_or(AllocError)?;
        if self.repr.is_inline() && new_len <= INLINE_CAP {
            let base = self.repr.inline_base_mut();
            // SAFETY: `new_len <= 16`, so `len` is inside the 16 bytes.
            let dst = unsafe { base.add(len) };
            // SAFETY: bytes `len..new_len` of `self` are writable and distinct from `s`
            // (`s` cannot borrow `self`, which is borrowed mutably).
            unsafe { ptr::copy_nonoverlapping(s.as_ptr(), dst, s.len()) };
            // SAFETY: the bytes are written; the padding past `new_len` was zero already; for
            // 16 bytes, byte 15 is the last byte of `s` (or of the old string), so valid.
            unsafe { self.repr.set_inline_len(new_len) };
            return Ok(());
        }
        self.try_reserve(s.len())?;
        // After `try_reserve` the string is a heap buffer owned by `self` with capacity for
        // `new_len` bytes.
        let data = self.repr.word().cast_mut();
        // SAFETY: `len <= capacity`.
        let dst = unsafe { data.add(len) };
        // SAFETY: room for `s.len()` bytes at `dst` (checked by `try_reserve`); `s` is
        // elsewhere.
        unsafe { ptr::copy_nonoverlapping(s.as_ptr(), dst, s.len()) };
        self.repr = Repr::pointer(data, new_len, HEAP_TAG);
        Ok(())
    }

    /// Appends one character.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::new();
    /// s.push('é');
    /// assert_eq!(s, "é");
    /// ```
    #[inline]
    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Like [`push`](SmolStr::push).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the string must grow and cannot; it is unchanged then.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::new();
    /// s.try_push('z').unwrap();
    /// assert_eq!(s, "z");
    /// ```
    #[inline]
    pub fn try_push(&mut self, c: char) -> Result<(), AllocError> {
        self.try_push_str(c.encode_utf8(&mut [0; 4]))
    }

    /// Removes and returns the last character.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::from("ab€");
    /// assert_eq!(s.pop(), Some('€'));
    /// assert_eq!(s, "ab");
    /// ```
    pub fn pop(&mut self) -> Option<char> {
        let c = self.as_str().chars().next_back()?;
        let new_len = self.len() - c.len_utf8();
        self.set_len_shorter(new_len);
        Some(c)
    }

    /// Shortens the string to `new_len` bytes; does nothing if it is not longer.
    ///
    /// # Panics
    ///
    /// If `new_len` is not on a `char` boundary.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::from("hello");
    /// s.truncate(2);
    /// assert_eq!(s, "he");
    /// ```
    pub fn truncate(&mut self, new_len: usize) {
        if new_len >= self.len() {
            return;
        }
        assert!(
            self.as_str().is_char_boundary(new_len),
            "SmolStr::truncate: {new_len} is not a char boundary"
        );
        self.set_len_shorter(new_len);
    }

    /// Empties the string, keeping its capacity.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::from("some text that is long");
    /// s.clear();
    /// assert!(s.is_empty() && s.capacity() >= 22);
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Sets a shorter length that is a char boundary.
    fn set_len_shorter(&mut self, new_len: usize) {
        debug_assert!(new_len < self.len());
        if self.repr.is_inline() {
            let base = self.repr.inline_base_mut();
            // SAFETY: `new_len < len <= 16`, so the offset is inside `self`.
            let tail = unsafe { base.add(new_len) };
            // SAFETY: zero bytes `new_len..15` (never byte 15, the tag, which is set next) so
            // the padding stays zero and equality stays a 16-byte compare.
            unsafe { tail.write_bytes(0, INLINE_CAP - 1 - new_len) };
            // SAFETY: inline, `new_len < 16`, bytes written and padding zero.
            unsafe { self.repr.set_inline_len(new_len) };
        } else {
            let data = self.repr.word();
            self.repr = Repr::pointer(data, new_len, HEAP_TAG);
        }
    }

    /// Makes room for at least `additional` more bytes: afterwards
    /// `capacity() >= len() + additional`.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::from("abc");
    /// s.reserve(100);
    /// assert!(s.capacity() >= 103);
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        self.try_reserve(additional).handle_oom();
    }

    /// Like [`reserve`](SmolStr::reserve).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot grow or the size overflows; the string is
    /// unchanged then.
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::new();
    /// assert!(s.try_reserve(usize::MAX).is_err());
    /// assert!(s.try_reserve(40).is_ok() && s.capacity() >= 40);
    /// ```
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        let len = self.len();
        let needed = len.checked_add(additional).ok_or(AllocError)?;
        let cap = self.capacity();
        if needed <= cap {
            return Ok(());
        }
        if needed > MAX_LEN {
            return Err(AllocError);
        }
        // Amortised growth: at least double, and start at 32 bytes.
        let new_cap = needed.max(cap.saturating_mul(2)).clamp(32, MAX_LEN);
        if self.repr.is_inline() {
            let data = repr::alloc_heap(new_cap)?;
            // SAFETY: the new buffer has room for `new_cap >= len` bytes; the inline bytes
            // are inside `self`, a different place.
            unsafe { ptr::copy_nonoverlapping(self.repr.data_ptr(), data.as_ptr(), len) };
            self.repr = Repr::pointer(data.as_ptr(), len, HEAP_TAG);
        } else {
            // SAFETY: a heap `SmolStr`: the word is its non-null data pointer.
            let data = unsafe { self.repr.word_non_null() };
            // SAFETY: the buffer is live, owned only by `self`, and `new_cap > cap`.
            let data = unsafe { repr::grow_heap(data, new_cap) }?;
            self.repr = Repr::pointer(data.as_ptr(), len, HEAP_TAG);
        }
        Ok(())
    }

    /// Turns the string into a shareable [`Str`] in O(1): inline strings stay inline, a heap
    /// buffer becomes the `Str`'s buffer (same address, no copy, no reallocation).
    ///
    /// ```
    /// let mut s = makai_string::SmolStr::new();
    /// for _ in 0..10 { s.push_str("ab"); }
    /// let p = s.as_ptr();
    /// let shared = s.freeze();
    /// assert_eq!(shared.as_ptr(), p);
    /// assert_eq!(shared, "abababababababababab");
    /// ```
    #[inline]
    #[must_use]
    pub fn freeze(self) -> Str {
        let this = ManuallyDrop::new(self);
        // SAFETY: the heap buffer's count is 1 and now belongs to the `Str`; `this` is never
        // dropped, so the buffer has exactly one owner.
        unsafe { Str::from_repr(this.repr) }
    }
}

impl Drop for SmolStr {
    #[inline]
    fn drop(&mut self) {
        if !self.repr.is_inline() {
            // SAFETY: a heap `SmolStr` owns its buffer alone; the word is its data pointer.
            let data = unsafe { self.repr.word_non_null() };
            // SAFETY: as above; nothing uses the buffer after this.
            unsafe { repr::free_heap(data) };
        }
    }
}

impl Clone for SmolStr {
    /// Copies the string (a `SmolStr` is mutable, so it never shares its buffer; freeze it
    /// into a [`Str`] for O(1) clones).
    #[inline]
    fn clone(&self) -> SmolStr {
        if self.repr.is_inline() {
            return SmolStr { repr: self.repr };
        }
        SmolStr::from(self.as_str())
    }
}

impl PartialEq for SmolStr {
    #[inline]
    fn eq(&self, other: &SmolStr) -> bool {
        if self.repr.is_inline() && other.repr.is_inline() {
            // Both inline: their padding is zero, so equal strings have equal representations.
            return self.repr.inline_bytes() == other.repr.inline_bytes();
        }
        self.as_str() == other.as_str()
    }
}

impl Eq for SmolStr {}

impl Default for SmolStr {
    #[inline]
    fn default() -> SmolStr {
        SmolStr::new()
    }
}

impl From<&str> for SmolStr {
    #[inline]
    fn from(s: &str) -> SmolStr {
        SmolStr::try_from_str(s).handle_oom()
    }
}

impl From<&mut str> for SmolStr {
    #[inline]
    fn from(s: &mut str) -> SmolStr {
        SmolStr::from(&*s)
    }
}

impl From<&String> for SmolStr {
    #[inline]
    fn from(s: &String) -> SmolStr {
        SmolStr::from(s.as_str())
    }
}

impl From<String> for SmolStr {
    /// Copies the bytes (the heap form needs its header in front of them).
    #[inline]
    fn from(s: String) -> SmolStr {
        SmolStr::from(s.as_str())
    }
}

impl From<Box<str>> for SmolStr {
    #[inline]
    fn from(s: Box<str>) -> SmolStr {
        SmolStr::from(&*s)
    }
}

impl From<char> for SmolStr {
    #[inline]
    fn from(c: char) -> SmolStr {
        SmolStr {
            repr: Repr::inline(c.encode_utf8(&mut [0; 4])),
        }
    }
}

impl From<&Str> for SmolStr {
    #[inline]
    fn from(s: &Str) -> SmolStr {
        SmolStr::from(s.as_str())
    }
}

impl From<Str> for SmolStr {
    /// O(1) when `s` is inline; otherwise the bytes are copied (a `Str` buffer may be shared).
    #[inline]
    fn from(s: Str) -> SmolStr {
        SmolStr::from(s.as_str())
    }
}

impl From<SmolStr> for String {
    #[inline]
    fn from(s: SmolStr) -> String {
        String::from(s.as_str())
    }
}

impl From<SmolStr> for Box<str> {
    #[inline]
    fn from(s: SmolStr) -> Box<str> {
        Box::from(s.as_str())
    }
}

impl std::str::FromStr for SmolStr {
    type Err = std::convert::Infallible;
    #[inline]
    fn from_str(s: &str) -> Result<SmolStr, Self::Err> {
        Ok(SmolStr::from(s))
    }
}

impl fmt::Write for SmolStr {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
    #[inline]
    fn write_char(&mut self, c: char) -> fmt::Result {
        self.push(c);
        Ok(())
    }
}

impl std::ops::DerefMut for SmolStr {
    #[inline]
    fn deref_mut(&mut self) -> &mut str {
        self.as_mut_str()
    }
}

impl Extend<char> for SmolStr {
    fn extend<I: IntoIterator<Item = char>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        for c in iter {
            self.push(c);
        }
    }
}

impl<'a> Extend<&'a char> for SmolStr {
    fn extend<I: IntoIterator<Item = &'a char>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl<'a> Extend<&'a str> for SmolStr {
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, iter: I) {
        for s in iter {
            self.push_str(s);
        }
    }
}

impl Extend<String> for SmolStr {
    fn extend<I: IntoIterator<Item = String>>(&mut self, iter: I) {
        for s in iter {
            self.push_str(&s);
        }
    }
}

impl FromIterator<char> for SmolStr {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> SmolStr {
        let mut s = SmolStr::new();
        s.extend(iter);
        s
    }
}

impl<'a> FromIterator<&'a char> for SmolStr {
    fn from_iter<I: IntoIterator<Item = &'a char>>(iter: I) -> SmolStr {
        iter.into_iter().copied().collect()
    }
}

impl<'a> FromIterator<&'a str> for SmolStr {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> SmolStr {
        let mut s = SmolStr::new();
        s.extend(iter);
        s
    }
}

impl FromIterator<String> for SmolStr {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> SmolStr {
        let mut s = SmolStr::new();
        s.extend(iter);
        s
    }
}

crate::common::string_traits!(SmolStr);
