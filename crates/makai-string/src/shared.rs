//! [`Str`]: an immutable, shareable string in 16 bytes with O(1) clones.

use alloc::boxed::Box;
use alloc::string::String;
use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};

use makai_alloc::Global;
use makai_error::{AllocError, HandleOom};

use crate::SmolStr;
use crate::repr::{self, INLINE_CAP, Repr, STATIC_TAG};

// Where the time goes, and why the hot paths look the way they do (measured in
// `benches/benches/string.rs`, findings in docs/BENCHMARKS.md):
// - building an inline `Str` is `Repr::inline` (two words in registers, see `repr/inline.rs`)
//   behind one length test; the infallible `From<&str>` never builds a `Result`, and the heap
//   path (`Repr::try_heap_copy`) is out of line;
// - dropping or cloning an inline or static `Str` is one compare of byte 15 and a branch, no
//   atomic; a counted buffer's last owner frees it without a locked instruction (`release`
//   in `repr/count.rs`), and the free itself is out of line;
// - `==` of two inline strings is one 16-byte compare; against a `&str` of at most 16 bytes,
//   the `&str` is loaded into registers the same way and compared as 16 bytes; pointer forms
//   of 16..=64 bytes compare overlapping 16-byte chunks inline (`bytes_eq` in
//   `repr/inline.rs`: an out-of-line compare that called `bcmp` cost 3-4x `String`'s `==`
//   over many distinct 24-byte pairs), and two heap strings of one length are recognised by
//   one compare of bytes 8..16 and compared without reading their lengths and data pointers
//   through `as_bytes` (0.88x `String` before at 24 bytes, 1.08x after);
// - in the x86-64 assembly, `Drop` of an inline or static `Str` is `cmpb $0xd1, 15(%rdi)`
//   and a return, and `Clone` the same compare and a 16-byte copy: no atomic, no call. Only
//   a counted buffer reaches the count (`lock incl`, whose flags give the overflow check in
//   the same instruction; a last owner frees with a plain load and no locked instruction).

/// An immutable UTF-8 string in 16 bytes that is cheap to clone and to share between threads.
///
/// Four forms, chosen by the constructor; clones are O(1) in each:
///
/// - **inline**: up to 16 bytes inside the value; a clone copies 16 bytes;
/// - **static**: a `&'static str` ([`Str::from_static`], a `const fn`); a clone copies 16
///   bytes, with no atomic operation;
/// - **heap**: one buffer with a 4-byte reference count and the capacity in front of the
///   bytes (made by `From<&str>` for 17 bytes or more, or by [`SmolStr::freeze`]); a clone is
///   one relaxed atomic increment;
/// - **adopted**: a buffer someone else allocated (a `String`, a `Box<str>`, or a
///   [`Filler`](crate::Filler)'s buffer), kept where it is, with a small separate header
///   that holds the count; clones work as for the heap form.
///
/// `size_of::<Str>()` and `size_of::<Option<Str>>()` are both 16. `Hash`, `Eq` and `Ord`
/// agree with `str`, so a `HashMap<Str, _>` can be queried with a `&str`.
///
/// ```
/// use makai_string::Str;
///
/// static GREETING: Str = Str::from_static("hello from a static, no allocation here");
/// let a = Str::from("a string longer than sixteen bytes");
/// let b = a.clone(); // one atomic increment, same bytes
/// assert_eq!(a.as_ptr(), b.as_ptr());
/// std::thread::spawn(move || assert!(b.starts_with("a string"))).join().unwrap();
/// assert_eq!(GREETING.clone(), "hello from a static, no allocation here");
/// ```
pub struct Str {
    /// Any form. A counted form holds one reference to its buffer.
    repr: Repr,
}

// SAFETY: the bytes are immutable; counted buffers are freed by whichever owner drops the
// last reference, with the Release/Acquire protocol in `Repr::release`; adopted buffers'
// allocators are `Send` (required by `adopt`).
unsafe impl Send for Str {}
// SAFETY: `&Str` only reads immutable bytes and increments an atomic count.
unsafe impl Sync for Str {}

const _: () = assert!(size_of::<Str>() == 16);
const _: () = assert!(size_of::<Option<Str>>() == 16);

impl Str {
    /// The empty string; allocates nothing.
    ///
    /// ```
    /// assert!(makai_string::Str::new().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> Str {
        Str { repr: Repr::EMPTY }
    }

    /// Borrows a `&'static str`: no allocation, no copy, and clones without atomics.
    ///
    /// # Panics
    ///
    /// On 64-bit targets, if `s` is 2^56 bytes or longer (no such string exists in practice).
    ///
    /// ```
    /// use makai_string::Str;
    /// const NAME: Str = Str::from_static("content_block_delta");
    /// assert_eq!(NAME, "content_block_delta");
    /// assert!(NAME.is_static());
    /// ```
    #[inline]
    #[must_use]
    pub const fn from_static(s: &'static str) -> Str {
        Str {
            repr: Repr::from_static(s),
        }
    }

    /// A copy of `s`: inline up to 16 bytes, otherwise one heap buffer.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot be allocated.
    ///
    /// ```
    /// let s = makai_string::Str::try_from_str("hello").unwrap();
    /// assert!(s.is_inline());
    /// ```
    #[inline]
    pub fn try_from_str(s: &str) -> Result<Str, AllocError> {
        let repr = if s.len() <= INLINE_CAP {
            Repr::inline(s)
        } else {
            Repr::try_heap_copy(s)?
        };
        Ok(Str { repr })
    }

    /// Takes a `String` without copying its bytes when it is longer than 16 bytes (its
    /// buffer is adopted behind a small header allocation); shorter strings are copied inline
    /// and the `String` is freed.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the header cannot be allocated (the `String` is dropped).
    ///
    /// ```
    /// let text = String::from("a string from elsewhere, kept in place");
    /// let addr = text.as_ptr();
    /// let s = makai_string::Str::try_from_string(text).unwrap();
    /// assert_eq!(s.as_ptr(), addr);
    /// ```
    pub fn try_from_string(s: String) -> Result<Str, AllocError> {
        if s.len() <= INLINE_CAP {
            return Ok(Str {
                repr: Repr::inline(&s),
            });
        }
        // The pointer must come from the `Vec`, not from `&mut str`: `Vec::as_mut_ptr` is
        // derived from the whole allocation (`capacity` bytes), while a pointer taken through
        // `DerefMut<Target = str>` is only valid for `len` bytes, and freeing the spare
        // capacity through it is undefined behaviour (Stacked and Tree Borrows both say so).
        let mut bytes = ManuallyDrop::new(s.into_bytes());
        let (len, cap) = (bytes.len(), bytes.capacity());
        // SAFETY: a `Vec`'s pointer is never null, and `len > 16` means it has allocated.
        let data = unsafe { NonNull::new_unchecked(bytes.as_mut_ptr()) };
        // SAFETY: a `String`'s buffer is a block of the global allocator (`Global`) with
        // layout `(capacity, 1)` and `len` initialised UTF-8 bytes, and `data` may access all
        // of it; on success its ownership moves to the new representation and `bytes` is
        // never dropped.
        match unsafe { repr::adopt(data, len, cap, Global) } {
            Ok(repr) => Ok(Str { repr }),
            Err(_) => {
                // SAFETY: the adoption failed, so `bytes` still owns its buffer; drop it once.
                unsafe { ManuallyDrop::drop(&mut bytes) };
                Err(AllocError)
            }
        }
    }

    /// A copy of `bytes`, which must be UTF-8.
    ///
    /// # Errors
    ///
    /// The UTF-8 error when `bytes` is not UTF-8.
    ///
    /// ```
    /// use makai_string::Str;
    /// assert_eq!(Str::from_utf8("é".as_bytes()).unwrap(), "é");
    /// assert!(Str::from_utf8(&[0xC3]).is_err());
    /// ```
    pub fn from_utf8(bytes: &[u8]) -> Result<Str, core::str::Utf8Error> {
        core::str::from_utf8(bytes).map(Str::from)
    }

    /// The length in bytes.
    ///
    /// ```
    /// assert_eq!(makai_string::Str::from("abc").len(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub const fn len(&self) -> usize {
        self.repr.len()
    }

    /// Whether the string is empty.
    ///
    /// ```
    /// assert!(makai_string::Str::default().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the bytes live inside the 16-byte value.
    ///
    /// ```
    /// assert!(makai_string::Str::from("short").is_inline());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_inline(&self) -> bool {
        self.repr.is_inline()
    }

    /// Whether the string borrows a `&'static str` (made by [`Str::from_static`]).
    ///
    /// ```
    /// assert!(makai_string::Str::from_static("x").is_static());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_static(&self) -> bool {
        self.repr.tag() == STATIC_TAG
    }

    /// The string.
    ///
    /// ```
    /// assert_eq!(makai_string::Str::from("a").as_str(), "a");
    /// ```
    #[inline]
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.repr.as_str()
    }

    /// Whether `a` and `b` share their bytes (same buffer, or the same static string).
    ///
    /// ```
    /// use makai_string::Str;
    /// let a = Str::from("a long string, longer than 16");
    /// assert!(Str::ptr_eq(&a, &a.clone()));
    /// assert!(!Str::ptr_eq(&a, &Str::from(a.as_str())));
    /// ```
    #[inline]
    #[must_use]
    pub fn ptr_eq(a: &Str, b: &Str) -> bool {
        !a.is_inline() && ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()
    }

    /// Builds from a representation.
    ///
    /// # Safety
    ///
    /// `repr` is valid, and a counted form brings one reference the `Str` now owns.
    #[inline]
    pub(crate) unsafe fn from_repr(repr: Repr) -> Str {
        Str { repr }
    }
}

impl Clone for Str {
    /// O(1): copies 16 bytes, plus one relaxed atomic increment for a counted buffer.
    #[inline]
    fn clone(&self) -> Str {
        if self.repr.is_counted() {
            // SAFETY: a counted form, alive as long as `self`.
            unsafe { self.repr.retain() };
        }
        Str { repr: self.repr }
    }
}

impl Drop for Str {
    #[inline]
    fn drop(&mut self) {
        if self.repr.is_counted() {
            // SAFETY: a counted form holding one reference, given up here; `self` is not used
            // again.
            unsafe { self.repr.release() };
        }
    }
}

impl Default for Str {
    #[inline]
    fn default() -> Str {
        Str::new()
    }
}

impl PartialEq for Str {
    #[inline]
    /// Two inline strings: one 16-byte compare (no `memcmp` call).
    fn eq(&self, other: &Str) -> bool {
        self.repr.eq_repr(&other.repr)
    }
}

impl Eq for Str {}

impl PartialEq<SmolStr> for Str {
    #[inline]
    fn eq(&self, other: &SmolStr) -> bool {
        self.repr.eq_repr(other.repr())
    }
}

impl PartialEq<Str> for SmolStr {
    #[inline]
    fn eq(&self, other: &Str) -> bool {
        self.repr().eq_repr(&other.repr)
    }
}

impl From<&str> for Str {
    /// Up to 16 bytes: built in registers, no allocation, no `Result` on the way.
    #[inline]
    fn from(s: &str) -> Str {
        let repr = if s.len() <= INLINE_CAP {
            Repr::inline(s)
        } else {
            Repr::try_heap_copy(s).handle_oom()
        };
        Str { repr }
    }
}

impl From<String> for Str {
    /// See [`Str::try_from_string`]: no copy above 16 bytes.
    #[inline]
    fn from(s: String) -> Str {
        Str::try_from_string(s).handle_oom()
    }
}

impl From<Box<str>> for Str {
    /// Adopts the box's buffer without copying above 16 bytes.
    #[inline]
    fn from(s: Box<str>) -> Str {
        Str::from(String::from(s))
    }
}

impl From<char> for Str {
    #[inline]
    fn from(c: char) -> Str {
        SmolStr::from(c).freeze()
    }
}

impl From<SmolStr> for Str {
    /// [`SmolStr::freeze`]: O(1), no copy.
    #[inline]
    fn from(s: SmolStr) -> Str {
        s.freeze()
    }
}

impl From<&SmolStr> for Str {
    #[inline]
    fn from(s: &SmolStr) -> Str {
        Str::from(s.as_str())
    }
}

/// Collecting builds a `SmolStr` and freezes it (O(1)), so a collected `Str` is one
/// allocation at most.
macro_rules! collect_via_smol {
    ($($item:ty),*) => {$(
        impl<'a> FromIterator<$item> for Str {
            fn from_iter<I: IntoIterator<Item = $item>>(iter: I) -> Str {
                SmolStr::from_iter(iter).freeze()
            }
        }
    )*};
}
collect_via_smol!(char, &'a char, &'a str, String);

crate::common::string_traits!(Str);
