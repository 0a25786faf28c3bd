//! [`SmolStr`]: a mutable string in 16 bytes, inline up to 16 bytes, that freezes into a
//! [`Str`] without copying.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

use makai_error::{AllocError, HandleOom};

use crate::Str;
use crate::repr::{INLINE_CAP, Unique};

/// A mutable UTF-8 string in 16 bytes (Bun's `SmolStr`): up to 16 bytes live inline, longer
/// strings in one heap buffer whose header also has room for a reference count, so
/// [`freeze`](SmolStr::freeze) turns it into a shareable [`Str`] in O(1), without copying or
/// reallocating.
///
/// **Not the `smol_str` crate's `SmolStr`.** That one is an *immutable* string with O(1)
/// clones: its counterpart here is [`Str`]. This `SmolStr` is a growable buffer like `String`
/// (`push_str`, `clear`, `reserve`; `clone` copies), named after Bun's type, whose users this
/// crate serves first; the `smol_str` interop feature converts between the two crates' types.
/// The name stays: renaming Bun's most used string type would cost its port more than the
/// clash costs anyone (the crate paths, `makai_string::SmolStr` and `smol_str::SmolStr`, tell
/// them apart).
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
    /// Inline, or a heap buffer whose count is 1 and that only this value uses.
    repr: Unique,
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
        SmolStr {
            repr: Unique::EMPTY,
        }
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
        Ok(SmolStr {
            repr: Unique::try_with_capacity(capacity)?,
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
                repr: Unique::inline(s),
            });
        }
        Ok(SmolStr {
            repr: Unique::try_heap_copy(s)?,
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
    pub fn from_utf8(bytes: &[u8]) -> Result<SmolStr, core::str::Utf8Error> {
        core::str::from_utf8(bytes).map(SmolStr::from)
    }

    /// The length in bytes.
    ///
    /// ```
    /// assert_eq!(makai_string::SmolStr::from("héllo").len(), 6);
    /// ```
    #[inline]
    #[must_use]
    pub const fn len(&self) -> usize {
        self.repr.as_repr().len()
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
        self.repr.capacity()
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
        self.repr.as_repr().is_inline()
    }

    /// The string.
    ///
    /// ```
    /// assert_eq!(makai_string::SmolStr::from("a").as_str(), "a");
    /// ```
    #[inline]
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.repr.as_str()
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
        // SAFETY: the bytes are UTF-8 and only leave as `&mut str`, whose safe methods keep
        // them UTF-8 (so byte 15 of a 16-byte inline string stays a valid last byte).
        let bytes = unsafe { self.repr.as_bytes_mut() };
        // SAFETY: the bytes are UTF-8 (see above).
        unsafe { core::str::from_utf8_unchecked_mut(bytes) }
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
    #[inline]
    pub fn try_push_str(&mut self, s: &str) -> Result<(), AllocError> {
        self.repr.try_push_str(s)
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
        self.repr.truncate(new_len, "SmolStr::pop");
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
        self.repr.truncate(new_len, "SmolStr::truncate");
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
        self.repr.try_reserve(additional)
    }

    /// The representation, for comparisons with [`Str`].
    #[inline(always)]
    pub(crate) fn repr(&self) -> &crate::repr::Repr {
        &self.repr
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
        // SAFETY: an inline string or a heap buffer whose one reference moves to the `Str`.
        unsafe { Str::from_repr(self.repr.into_shared()) }
    }
}

impl Clone for SmolStr {
    /// Copies the string (a `SmolStr` is mutable, so it never shares its buffer; freeze it
    /// into a [`Str`] for O(1) clones).
    #[inline]
    fn clone(&self) -> SmolStr {
        SmolStr {
            repr: self.repr.clone(),
        }
    }
}

impl PartialEq for SmolStr {
    /// Two inline strings: one 16-byte compare (no `memcmp` call).
    #[inline]
    fn eq(&self, other: &SmolStr) -> bool {
        self.repr.eq_repr(&other.repr)
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
    /// Up to 16 bytes: built in registers, no allocation, no `Result` on the way.
    #[inline]
    fn from(s: &str) -> SmolStr {
        let repr = if s.len() <= INLINE_CAP {
            Unique::inline(s)
        } else {
            Unique::try_heap_copy(s).handle_oom()
        };
        SmolStr { repr }
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
            repr: Unique::inline(c.encode_utf8(&mut [0; 4])),
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

impl core::ops::DerefMut for SmolStr {
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
