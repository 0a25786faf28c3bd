//! [`CowCStr<'a>`]: a borrowed-or-owned NUL-terminated string in 16 bytes (Bun's `CowSliceZ`).
//!
//! The stored slice includes the terminating NUL, so owned storage holds `len + 1` bytes and is
//! freed as such; [`len`](CowCStr::len) and [`as_bytes`](CowCStr::as_bytes) exclude it. (Bun's
//! Rust port left the sentinel out when copying; here it is part of the type's invariant.)

use alloc::boxed::Box;
use alloc::ffi::CString;
use alloc::vec::Vec;
use core::ffi::{CStr, FromBytesWithNulError, c_char};
use core::fmt;

use makai_error::{AllocError, HandleOom};

use crate::CowSlice;

/// The error of [`CowCStr::from_bytes`]: the input holds a NUL byte, which a C string cannot
/// contain before its end.
///
/// ```
/// let e = makai_ptr::CowCStr::from_bytes(b"a\0b").unwrap_err();
/// assert_eq!(e.position(), 1);
/// assert_eq!(e.to_string(), "interior NUL byte at position 1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InteriorNulError {
    position: usize,
}

impl InteriorNulError {
    /// The index of the first NUL byte in the input.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowCStr::from_bytes(b"\0").unwrap_err().position(), 0);
    /// ```
    #[inline]
    pub fn position(&self) -> usize {
        self.position
    }
}

impl fmt::Display for InteriorNulError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interior NUL byte at position {}", self.position)
    }
}

impl core::error::Error for InteriorNulError {}

/// A borrowed-or-owned C string: NUL-terminated, no interior NUL, 16 bytes.
///
/// **Invariant:** the stored bytes end with the one NUL they contain.
///
/// ```
/// use makai_ptr::CowCStr;
/// let path = CowCStr::from_bytes(b"/tmp/makai").unwrap(); // copies and adds the NUL
/// assert_eq!((path.len(), path.as_bytes()), (10, &b"/tmp/makai"[..]));
/// assert_eq!(path.as_c_str(), c"/tmp/makai");
/// let borrowed = CowCStr::borrowed(c"/etc");
/// assert!(!borrowed.is_owned());
/// assert_eq!(size_of::<CowCStr<'_>>(), 16);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CowCStr<'a> {
    bytes_with_nul: CowSlice<'a, u8>,
}

const _: () = assert!(size_of::<CowCStr<'static>>() == 2 * size_of::<usize>());
const _: () = assert!(size_of::<Option<CowCStr<'static>>>() == 2 * size_of::<usize>());

/// Copies `bytes` (which holds no NUL) and appends the NUL.
fn try_copy_with_nul(bytes: &[u8]) -> Result<Box<[u8]>, AllocError> {
    let mut v = Vec::new();
    let total = bytes.len().checked_add(1).ok_or(AllocError)?;
    v.try_reserve_exact(total).map_err(|_| AllocError)?;
    v.extend_from_slice(bytes);
    v.push(0);
    Ok(v.into_boxed_slice())
}

impl<'a> CowCStr<'a> {
    /// Borrows `s` for `'a`; no allocation.
    ///
    /// ```
    /// const HOME: makai_ptr::CowCStr<'static> = makai_ptr::CowCStr::borrowed(c"/home");
    /// assert_eq!(HOME.len(), 5);
    /// ```
    #[inline]
    pub const fn borrowed(s: &'a CStr) -> Self {
        Self {
            bytes_with_nul: CowSlice::borrowed(s.to_bytes_with_nul()),
        }
    }

    /// Borrows a `'static` C string.
    ///
    /// ```
    /// assert!(!makai_ptr::CowCStr::from_static(c"x").is_owned());
    /// ```
    #[inline]
    #[doc(alias = "initStatic")]
    pub const fn from_static(s: &'static CStr) -> Self {
        Self::borrowed(s)
    }

    /// Takes ownership of `s`; no copy (a `CString` already stores its NUL).
    ///
    /// ```
    /// let c = std::ffi::CString::new("owned").unwrap();
    /// assert!(makai_ptr::CowCStr::from_c_string(c).is_owned());
    /// ```
    #[inline]
    #[doc(alias = "initOwned")]
    pub fn from_c_string(s: CString) -> Self {
        Self {
            bytes_with_nul: CowSlice::from_vec(s.into_bytes_with_nul()),
        }
    }

    /// Copies `s` (with its NUL) into owned storage.
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// assert!(makai_ptr::CowCStr::copy_of(c"abc").is_owned());
    /// ```
    #[inline]
    #[doc(alias = "initDupe", alias = "dupe")]
    pub fn copy_of(s: &CStr) -> Self {
        Self::try_copy_of(s).handle_oom()
    }

    /// The earlier name of [`copy_of`](CowCStr::copy_of) (Bun's `dupe`).
    #[doc(hidden)]
    #[inline]
    pub fn dupe(s: &CStr) -> Self {
        Self::copy_of(s)
    }

    /// Like [`copy_of`](CowCStr::copy_of), but reports out of memory instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the copy cannot be allocated.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowCStr::try_copy_of(c"a").unwrap().as_bytes(), b"a");
    /// ```
    #[inline]
    pub fn try_copy_of(s: &CStr) -> Result<Self, AllocError> {
        Ok(Self {
            bytes_with_nul: CowSlice::try_copy_of(s.to_bytes_with_nul())?,
        })
    }

    /// Copies `bytes` into owned storage and appends the NUL.
    ///
    /// # Errors
    ///
    /// [`InteriorNulError`] if `bytes` contains a NUL byte (nothing is allocated then).
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// use makai_ptr::CowCStr;
    /// assert_eq!(CowCStr::from_bytes(b"").unwrap().as_bytes_with_nul(), b"\0");
    /// assert!(CowCStr::from_bytes(b"trailing\0").is_err()); // the NUL is added, not given
    /// ```
    #[inline]
    pub fn from_bytes(bytes: &[u8]) -> Result<CowCStr<'static>, InteriorNulError> {
        Self::try_from_bytes(bytes).handle_oom()
    }

    /// Like [`from_bytes`](CowCStr::from_bytes), but reports out of memory instead of aborting:
    /// the outer `Result` is the allocation, the inner one the NUL check.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the copy cannot be allocated; `Ok(Err(InteriorNulError))` when
    /// `bytes` contains a NUL byte.
    ///
    /// ```
    /// let c = makai_ptr::CowCStr::try_from_bytes(b"ok").unwrap().unwrap();
    /// assert_eq!(c.as_bytes(), b"ok");
    /// ```
    #[inline]
    pub fn try_from_bytes(
        bytes: &[u8],
    ) -> Result<Result<CowCStr<'static>, InteriorNulError>, AllocError> {
        if let Some(position) = bytes.iter().position(|&b| b == 0) {
            return Ok(Err(InteriorNulError { position }));
        }
        Ok(Ok(CowCStr {
            bytes_with_nul: CowSlice::owned(try_copy_with_nul(bytes)?),
        }))
    }

    /// Borrows `bytes`, which must end with the only NUL they contain.
    ///
    /// # Errors
    ///
    /// The [`FromBytesWithNulError`] of `CStr::from_bytes_with_nul`.
    ///
    /// ```
    /// use makai_ptr::CowCStr;
    /// assert!(!CowCStr::from_bytes_with_nul(b"hi\0").unwrap().is_owned());
    /// assert!(CowCStr::from_bytes_with_nul(b"no nul").is_err());
    /// ```
    #[inline]
    pub fn from_bytes_with_nul(bytes: &'a [u8]) -> Result<Self, FromBytesWithNulError> {
        CStr::from_bytes_with_nul(bytes).map(Self::borrowed)
    }

    /// Whether this value owns its bytes.
    ///
    /// ```
    /// assert!(!makai_ptr::CowCStr::borrowed(c"a").is_owned());
    /// ```
    #[inline]
    #[doc(alias = "isOwned")]
    pub const fn is_owned(&self) -> bool {
        self.bytes_with_nul.is_owned()
    }

    /// The length in bytes, without the NUL.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowCStr::borrowed(c"abc").len(), 3);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        self.bytes_with_nul.len() - 1
    }

    /// Whether the string is empty (holds only the NUL).
    ///
    /// ```
    /// assert!(makai_ptr::CowCStr::default().is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes without the NUL.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowCStr::borrowed(c"ab").as_bytes(), b"ab");
    /// ```
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        let with_nul = self.bytes_with_nul.as_slice();
        &with_nul[..with_nul.len() - 1]
    }

    /// The bytes including the NUL.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowCStr::borrowed(c"ab").as_bytes_with_nul(), b"ab\0");
    /// ```
    #[inline]
    pub const fn as_bytes_with_nul(&self) -> &[u8] {
        self.bytes_with_nul.as_slice()
    }

    /// The string as a `&CStr`.
    ///
    /// ```
    /// assert_eq!(makai_ptr::CowCStr::from_bytes(b"x").unwrap().as_c_str(), c"x");
    /// ```
    #[inline]
    #[doc(alias = "slice")]
    pub const fn as_c_str(&self) -> &CStr {
        // SAFETY: the bytes end with the only NUL they contain (type invariant).
        unsafe { CStr::from_bytes_with_nul_unchecked(self.bytes_with_nul.as_slice()) }
    }

    /// A pointer to the first byte, for C; valid while `self` lives and is not changed.
    ///
    /// ```
    /// let c = makai_ptr::CowCStr::borrowed(c"p");
    /// // SAFETY: `c` is alive and NUL-terminated.
    /// assert_eq!(unsafe { std::ffi::CStr::from_ptr(c.as_ptr()) }, c"p");
    /// ```
    #[inline]
    pub const fn as_ptr(&self) -> *const c_char {
        self.as_c_str().as_ptr()
    }

    /// A borrowed `CowCStr` of the same string, tied to `self`.
    ///
    /// ```
    /// let owner = makai_ptr::CowCStr::copy_of(c"o");
    /// assert!(!owner.reborrow().is_owned());
    /// ```
    #[inline]
    #[doc(alias = "borrow")]
    pub const fn reborrow(&self) -> CowCStr<'_> {
        CowCStr::borrowed(self.as_c_str())
    }

    /// The string as a `CString`: no copy when owned.
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let s = makai_ptr::CowCStr::borrowed(c"to C").into_c_string();
    /// assert_eq!(s.as_bytes(), b"to C");
    /// ```
    #[inline]
    pub fn into_c_string(self) -> CString {
        self.try_into_c_string().handle_oom()
    }

    /// Like [`into_c_string`](CowCStr::into_c_string), but reports out of memory instead of
    /// aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a borrowed value's copy cannot be allocated.
    ///
    /// ```
    /// assert!(makai_ptr::CowCStr::borrowed(c"a").try_into_c_string().is_ok());
    /// ```
    #[inline]
    pub fn try_into_c_string(self) -> Result<CString, AllocError> {
        let bytes = self.bytes_with_nul.try_into_owned()?;
        // SAFETY: the bytes end with the only NUL they contain (type invariant).
        Ok(unsafe { CString::from_vec_with_nul_unchecked(bytes.into_vec()) })
    }

    /// A value that borrows nothing: owned values are kept, borrowed ones copied (Bun's
    /// `cloneIfBorrowed`).
    ///
    /// # Panics
    ///
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// let s: makai_ptr::CowCStr<'static> = makai_ptr::CowCStr::borrowed(c"s").into_static();
    /// assert!(s.is_owned());
    /// ```
    #[inline]
    #[doc(alias = "cloneIfBorrowed")]
    #[doc(alias = "toOwned")]
    pub fn into_static(self) -> CowCStr<'static> {
        self.try_into_static().handle_oom()
    }

    /// Like [`into_static`](CowCStr::into_static), but reports out of memory instead of
    /// aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a borrowed value's copy cannot be allocated.
    ///
    /// ```
    /// assert!(makai_ptr::CowCStr::borrowed(c"s").try_into_static().is_ok());
    /// ```
    #[inline]
    pub fn try_into_static(self) -> Result<CowCStr<'static>, AllocError> {
        Ok(CowCStr {
            bytes_with_nul: self.bytes_with_nul.try_into_static()?,
        })
    }
}

impl Default for CowCStr<'_> {
    /// The empty C string, borrowed (no allocation).
    #[inline]
    fn default() -> Self {
        Self::borrowed(c"")
    }
}

crate::cow::view_traits!(CowCStr, CStr, as_c_str);

impl<'a> From<&'a CStr> for CowCStr<'a> {
    /// Borrows the string.
    #[inline]
    fn from(s: &'a CStr) -> Self {
        Self::borrowed(s)
    }
}

impl From<CString> for CowCStr<'_> {
    /// Same as [`CowCStr::from_c_string`].
    #[inline]
    fn from(s: CString) -> Self {
        Self::from_c_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_storage_keeps_the_nul() {
        let c = CowCStr::from_bytes(b"abc").unwrap();
        assert!(c.is_owned());
        assert_eq!(c.as_bytes_with_nul(), b"abc\0");
        let s = c.clone().into_c_string();
        assert_eq!(s.as_bytes_with_nul(), b"abc\0");
        let back = CowCStr::from(s);
        assert_eq!(back, c);
    }

    #[test]
    fn interior_nul_is_an_error_anywhere() {
        for (input, at) in [(&b"\0"[..], 0), (b"a\0", 1), (b"ab\0cd", 2)] {
            assert_eq!(CowCStr::from_bytes(input).unwrap_err().position(), at);
        }
        assert!(CowCStr::from_bytes_with_nul(b"a\0b\0").is_err());
    }
}
