//! [`CowStr<'a>`] (UTF-8) and [`CowBytes<'a>`]: the text and byte forms of
//! [`CowSlice`], 16 bytes each.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::FromUtf8Error;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;
use core::ops::Range;
use core::str::Utf8Error;

use makai_error::{AllocError, HandleOom};

use crate::CowSlice;

/// Borrowed-or-owned bytes: `CowSlice<'a, u8>`. Bun's data is mostly bytes (WTF-8 paths,
/// HTTP headers), so this is the form most code uses.
///
/// ```
/// let b: makai_ptr::CowBytes<'_> = makai_ptr::CowSlice::borrowed(b"GET /");
/// assert_eq!(&b[..3], b"GET");
/// ```
pub type CowBytes<'a> = CowSlice<'a, u8>;

/// A borrowed-or-owned UTF-8 string in 16 bytes (`Cow<'a, str>` is 24).
///
/// **Invariant:** the bytes are valid UTF-8.
///
/// ```
/// use makai_ptr::CowStr;
/// let line = "name: Zoë";
/// let mut value = CowStr::borrowed(&line[6..]);
/// assert!(!value.is_owned());
/// value.to_mut().make_ascii_uppercase();
/// assert_eq!((value.as_str(), value.is_owned()), ("ZOë", true));
/// assert_eq!(size_of::<CowStr<'_>>(), 16);
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CowStr<'a> {
    bytes: CowSlice<'a, u8>,
}

const _: () = assert!(size_of::<CowStr<'static>>() == 2 * size_of::<usize>());
const _: () = assert!(size_of::<Option<CowStr<'static>>>() == 2 * size_of::<usize>());

impl<'a> CowStr<'a> {
    /// Borrows `s` for `'a`; no allocation.
    ///
    /// ```
    /// const NAME: makai_ptr::CowStr<'static> = makai_ptr::CowStr::borrowed("makai");
    /// assert_eq!(NAME.len(), 5);
    /// ```
    #[inline]
    pub const fn borrowed(s: &'a str) -> Self {
        Self {
            bytes: CowSlice::borrowed(s.as_bytes()),
        }
    }

    /// Borrows a `'static` string; dropping it does nothing.
    ///
    /// ```
    /// assert!(!makai_ptr::CowStr::from_static("x").is_owned());
    /// ```
    #[inline]
    #[doc(alias = "initStatic")]
    pub const fn from_static(s: &'static str) -> Self {
        Self::borrowed(s)
    }

    /// Takes ownership of `s`; no copy.
    ///
    /// ```
    /// assert!(makai_ptr::CowStr::owned("x".into()).is_owned());
    /// ```
    #[inline]
    #[doc(alias = "initOwned")]
    pub fn owned(s: Box<str>) -> Self {
        Self {
            bytes: CowSlice::owned(s.into_boxed_bytes()),
        }
    }

    /// Takes ownership of `s` through `String::into_boxed_str` (which reallocates when there
    /// is spare capacity).
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowStr::from_string(String::from("hi")), "hi");
    /// ```
    #[inline]
    #[doc(alias = "initOwned")]
    pub fn from_string(s: String) -> Self {
        Self::owned(s.into_boxed_str())
    }

    /// Copies `s` into owned storage.
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// assert!(makai_ptr::CowStr::copy_of("copy me").is_owned());
    /// ```
    #[inline]
    #[doc(alias = "initDupe", alias = "dupe")]
    pub fn copy_of(s: &str) -> Self {
        Self::try_copy_of(s).handle_oom()
    }

    /// The earlier name of [`copy_of`](CowStr::copy_of) (Bun's `dupe`).
    #[doc(hidden)]
    #[inline]
    pub fn dupe(s: &str) -> Self {
        Self::copy_of(s)
    }

    /// Like [`copy_of`](CowStr::copy_of), but reports out of memory instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the copy cannot be allocated.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowStr::try_copy_of("a").unwrap(), "a");
    /// ```
    #[inline]
    pub fn try_copy_of(s: &str) -> Result<Self, AllocError> {
        Ok(Self {
            bytes: CowSlice::try_copy_of(s.as_bytes())?,
        })
    }

    /// Borrows `bytes` as text after checking that they are UTF-8.
    ///
    /// # Errors
    ///
    /// The [`Utf8Error`] of `std::str::from_utf8` when they are not.
    ///
    /// ```
    /// use makai_ptr::CowStr;
    /// assert_eq!(CowStr::from_utf8(b"ok").unwrap(), "ok");
    /// assert_eq!(CowStr::from_utf8(b"bad \xff").unwrap_err().valid_up_to(), 4);
    /// ```
    #[inline]
    pub fn from_utf8(bytes: &'a [u8]) -> Result<Self, Utf8Error> {
        core::str::from_utf8(bytes).map(Self::borrowed)
    }

    /// Takes ownership of `bytes` after checking that they are UTF-8.
    ///
    /// # Errors
    ///
    /// The [`FromUtf8Error`] of `String::from_utf8` (which gives the bytes back) when they are
    /// not.
    ///
    /// ```
    /// let e = makai_ptr::CowStr::from_utf8_vec(vec![0xc3]).unwrap_err();
    /// assert_eq!(e.into_bytes(), [0xc3]);
    /// ```
    #[inline]
    pub fn from_utf8_vec(bytes: Vec<u8>) -> Result<Self, FromUtf8Error> {
        String::from_utf8(bytes).map(Self::from_string)
    }

    /// Whether this value owns its bytes.
    ///
    /// ```
    /// assert!(!makai_ptr::CowStr::borrowed("a").is_owned());
    /// ```
    #[inline]
    #[doc(alias = "isOwned")]
    pub const fn is_owned(&self) -> bool {
        self.bytes.is_owned()
    }

    /// The length in bytes.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowStr::borrowed("é").len(), 2);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the string is empty.
    ///
    /// ```
    /// assert!(makai_ptr::CowStr::default().is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The text.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowStr::borrowed("t").as_str(), "t");
    /// ```
    #[inline]
    #[doc(alias = "slice")]
    pub const fn as_str(&self) -> &str {
        // SAFETY: the bytes are UTF-8 (type invariant).
        unsafe { core::str::from_utf8_unchecked(self.bytes.as_slice()) }
    }

    /// The bytes.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowStr::borrowed("t").as_bytes(), b"t");
    /// ```
    #[inline]
    pub const fn as_bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// The borrowed string with its full lifetime `'a`, or `None` when owned.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowStr::from_static("s").as_borrowed(), Some("s"));
    /// ```
    #[inline]
    pub const fn as_borrowed(&self) -> Option<&'a str> {
        match self.bytes.as_borrowed() {
            // SAFETY: the bytes are UTF-8 (type invariant).
            Some(bytes) => Some(unsafe { core::str::from_utf8_unchecked(bytes) }),
            None => None,
        }
    }

    /// A borrowed `CowStr` of the whole text, tied to `self`.
    ///
    /// ```
    /// let owner = makai_ptr::CowStr::copy_of("abc");
    /// assert!(!owner.reborrow().is_owned());
    /// ```
    #[inline]
    #[doc(alias = "borrow")]
    pub const fn reborrow(&self) -> CowStr<'_> {
        CowStr::borrowed(self.as_str())
    }

    /// A borrowed `CowStr` of the bytes in `range`.
    ///
    /// # Panics
    ///
    /// Like `str` indexing: if the range is out of bounds, reversed, or does not fall on
    /// character boundaries.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowStr::copy_of("key=val").borrow_sub(4..7), "val");
    /// ```
    ///
    /// ```should_panic
    /// makai_ptr::CowStr::borrowed("é").borrow_sub(0..1); // inside a character
    /// ```
    #[inline]
    #[doc(alias = "borrowSubslice")]
    pub fn borrow_sub(&self, range: Range<usize>) -> CowStr<'_> {
        CowStr::borrowed(&self.as_str()[range])
    }

    /// The text, mutably: a borrowed value is first copied into owned storage.
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let mut s = makai_ptr::CowStr::borrowed("abc");
    /// s.to_mut().make_ascii_uppercase();
    /// assert_eq!(s, "ABC");
    /// ```
    #[inline]
    #[doc(alias = "sliceMut")]
    pub fn to_mut(&mut self) -> &mut str {
        self.try_to_mut().handle_oom()
    }

    /// Like [`to_mut`](CowStr::to_mut), but reports out of memory instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the copy cannot be allocated (`self` stays borrowed).
    ///
    /// ```
    /// let mut s = makai_ptr::CowStr::borrowed("a");
    /// s.try_to_mut().unwrap().make_ascii_uppercase();
    /// assert_eq!(s, "A");
    /// ```
    #[inline]
    pub fn try_to_mut(&mut self) -> Result<&mut str, AllocError> {
        let bytes = self.bytes.try_to_mut()?;
        // SAFETY: the bytes are UTF-8 (type invariant), and `&mut str` only allows edits that
        // keep them UTF-8.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }

    /// The text as an owned `Box<str>`: no copy when already owned.
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let b: Box<str> = makai_ptr::CowStr::borrowed("x").into_owned();
    /// assert_eq!(&*b, "x");
    /// ```
    #[inline]
    #[doc(alias = "takeSlice")]
    pub fn into_owned(self) -> Box<str> {
        self.try_into_owned().handle_oom()
    }

    /// Like [`into_owned`](CowStr::into_owned), but reports out of memory instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a borrowed value's copy cannot be allocated.
    ///
    /// ```
    /// assert_eq!(&*makai_ptr::CowStr::borrowed("x").try_into_owned().unwrap(), "x");
    /// ```
    #[inline]
    pub fn try_into_owned(self) -> Result<Box<str>, AllocError> {
        let bytes = self.bytes.try_into_owned()?;
        // SAFETY: the bytes are UTF-8 (type invariant).
        Ok(unsafe { alloc::str::from_boxed_utf8_unchecked(bytes) })
    }

    /// The text as a `String` (no copy when owned).
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let mut s = makai_ptr::CowStr::borrowed("a").into_string();
    /// s.push('b');
    /// assert_eq!(s, "ab");
    /// ```
    #[inline]
    pub fn into_string(self) -> String {
        self.into_owned().into_string()
    }

    /// A value that borrows nothing: owned values are kept, borrowed ones copied. This is
    /// Bun's `cloneIfBorrowed`; [`IntoStatic`](crate::IntoStatic) does the same for a whole
    /// value with `CowStr` fields.
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let temp = String::from("t");
    /// let s: makai_ptr::CowStr<'static> = makai_ptr::CowStr::borrowed(&temp).into_static();
    /// drop(temp);
    /// assert_eq!(s, "t");
    /// ```
    #[inline]
    #[doc(alias = "cloneIfBorrowed")]
    #[doc(alias = "toOwned")]
    pub fn into_static(self) -> CowStr<'static> {
        self.try_into_static().handle_oom()
    }

    /// Like [`into_static`](CowStr::into_static), but reports out of memory instead of
    /// aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a borrowed value's copy cannot be allocated.
    ///
    /// ```
    /// assert!(makai_ptr::CowStr::borrowed("t").try_into_static().unwrap().is_owned());
    /// ```
    #[inline]
    pub fn try_into_static(self) -> Result<CowStr<'static>, AllocError> {
        Ok(CowStr {
            bytes: self.bytes.try_into_static()?,
        })
    }

    /// The bytes, keeping their borrowed or owned state.
    ///
    /// ```
    /// let b = makai_ptr::CowStr::borrowed("hi").into_bytes();
    /// assert_eq!(&*b, b"hi");
    /// ```
    #[inline]
    pub fn into_bytes(self) -> CowBytes<'a> {
        self.bytes
    }
}

impl fmt::Display for CowStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq<String> for CowStr<'_> {
    #[inline]
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<CowStr<'_>> for str {
    #[inline]
    fn eq(&self, other: &CowStr<'_>) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<CowStr<'_>> for &str {
    #[inline]
    fn eq(&self, other: &CowStr<'_>) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<CowStr<'_>> for String {
    #[inline]
    fn eq(&self, other: &CowStr<'_>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Cow<'_, str>> for CowStr<'_> {
    #[inline]
    fn eq(&self, other: &Cow<'_, str>) -> bool {
        self.as_str() == &**other
    }
}

impl PartialEq<CowStr<'_>> for Cow<'_, str> {
    #[inline]
    fn eq(&self, other: &CowStr<'_>) -> bool {
        &**self == other.as_str()
    }
}

impl PartialOrd<str> for CowStr<'_> {
    #[inline]
    fn partial_cmp(&self, other: &str) -> Option<Ordering> {
        self.as_str().partial_cmp(other)
    }
}

impl PartialOrd<&str> for CowStr<'_> {
    /// So `cow < "m"` works as it does for `String`.
    ///
    /// ```
    /// let cow = makai_ptr::CowStr::borrowed("apple");
    /// assert!(cow < "banana" && cow > "Apple");
    /// ```
    #[inline]
    fn partial_cmp(&self, other: &&str) -> Option<Ordering> {
        self.as_str().partial_cmp(*other)
    }
}

impl PartialOrd<CowStr<'_>> for str {
    #[inline]
    fn partial_cmp(&self, other: &CowStr<'_>) -> Option<Ordering> {
        self.partial_cmp(other.as_str())
    }
}

impl PartialOrd<CowStr<'_>> for &str {
    #[inline]
    fn partial_cmp(&self, other: &CowStr<'_>) -> Option<Ordering> {
        (*self).partial_cmp(other.as_str())
    }
}

impl AsRef<[u8]> for CowStr<'_> {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

crate::cow::view_traits!(CowStr, str, as_str);

#[cfg(feature = "std")]
impl AsRef<std::ffi::OsStr> for CowStr<'_> {
    #[inline]
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.as_str().as_ref()
    }
}

#[cfg(feature = "std")]
impl AsRef<std::path::Path> for CowStr<'_> {
    /// So a `CowStr` can name a file: `std::fs::read(&cow)`.
    #[inline]
    fn as_ref(&self) -> &std::path::Path {
        self.as_str().as_ref()
    }
}

impl<'a> From<&'a str> for CowStr<'a> {
    /// Borrows the string.
    #[inline]
    fn from(s: &'a str) -> Self {
        Self::borrowed(s)
    }
}

impl<'a> From<&'a String> for CowStr<'a> {
    /// Borrows the string.
    #[inline]
    fn from(s: &'a String) -> Self {
        Self::borrowed(s)
    }
}

impl From<String> for CowStr<'_> {
    /// Same as [`CowStr::from_string`].
    #[inline]
    fn from(s: String) -> Self {
        Self::from_string(s)
    }
}

impl From<Box<str>> for CowStr<'_> {
    /// Same as [`CowStr::owned`].
    #[inline]
    fn from(s: Box<str>) -> Self {
        Self::owned(s)
    }
}

impl<'a> From<Cow<'a, str>> for CowStr<'a> {
    /// Keeps a borrow borrowed and takes an owned `String` over.
    #[inline]
    fn from(cow: Cow<'a, str>) -> Self {
        match cow {
            Cow::Borrowed(s) => Self::borrowed(s),
            Cow::Owned(s) => Self::from_string(s),
        }
    }
}

impl<'a> From<CowStr<'a>> for Cow<'a, str> {
    /// Keeps a borrow borrowed and an owned string owned (no copy either way).
    #[inline]
    fn from(s: CowStr<'a>) -> Self {
        match s.as_borrowed() {
            Some(b) => Cow::Borrowed(b),
            None => Cow::Owned(s.into_string()),
        }
    }
}

impl<'a> From<CowStr<'a>> for CowBytes<'a> {
    /// Same as [`CowStr::into_bytes`].
    #[inline]
    fn from(s: CowStr<'a>) -> Self {
        s.into_bytes()
    }
}

impl<'a> TryFrom<CowBytes<'a>> for CowStr<'a> {
    type Error = CowBytes<'a>;
    /// Checks that the bytes are UTF-8, keeping their borrowed or owned state; gives them back
    /// otherwise.
    #[inline]
    fn try_from(bytes: CowBytes<'a>) -> Result<Self, CowBytes<'a>> {
        if core::str::from_utf8(&bytes).is_ok() {
            Ok(Self { bytes })
        } else {
            Err(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_from_bytes_checks_utf8_and_keeps_state() {
        let ok = CowStr::try_from(CowSlice::borrowed(&b"fine"[..])).unwrap();
        assert!(!ok.is_owned());
        let bad = CowStr::try_from(CowSlice::from_vec(vec![0xff])).unwrap_err();
        assert!(bad.is_owned());
    }

    #[test]
    fn equal_to_string_and_cow_both_ways() {
        let c = CowStr::borrowed("x");
        assert!(
            *"x".to_owned() == *c.as_str()
                && "x".to_owned().eq(&c)
                && c == Cow::Borrowed("x")
                && Cow::<str>::Borrowed("x") == c
        );
        assert!(!"y".to_owned().eq(&c));
    }

    #[test]
    fn cow_conversions_keep_state() {
        let c: Cow<'_, str> = CowStr::borrowed("b").into();
        assert!(matches!(c, Cow::Borrowed("b")));
        let c: Cow<'_, str> = CowStr::copy_of("o").into();
        assert!(matches!(c, Cow::Owned(ref s) if s == "o"));
    }
}
