//! [`ZStr`]: borrowed NUL-terminated bytes that know their length (Zig's `[:0]const u8`,
//! Bun's `stringZ`), and the [`zstr!`](crate::zstr!) literal macro.

use alloc::borrow::ToOwned as _;
use core::ffi::{CStr, c_char};
use core::fmt;

/// A borrowed NUL-terminated byte string whose length is known: `len` is O(1), unlike
/// [`CStr::count_bytes`] on some platforms and `strlen` in C.
///
/// `&ZStr` is a fat pointer (address + length) over the bytes **including** the final NUL,
/// so [`as_ptr`](ZStr::as_ptr) and [`as_c_str`](ZStr::as_c_str) hand C a terminated string
/// for free while [`as_bytes`](ZStr::as_bytes) drops the NUL with one subtraction. The bytes
/// are not necessarily UTF-8 (paths and C strings often are not).
///
/// **Invariant:** the slice is non-empty, ends in `0`, and has no other `0`.
///
/// ```
/// use makai_string::{ZStr, zstr};
///
/// let path: &ZStr = zstr!("/etc/hosts");
/// assert_eq!(path.len(), 10);
/// assert_eq!(path.as_bytes(), b"/etc/hosts");
/// assert_eq!(path.as_bytes_with_nul(), b"/etc/hosts\0");
/// assert_eq!(path.as_c_str(), c"/etc/hosts");
///
/// let owned = b"tmp\0".to_vec();
/// let z = ZStr::from_bytes_with_nul(&owned)?;
/// assert_eq!(z, b"tmp".as_slice());
/// # Ok::<(), makai_string::ZStrError>(())
/// ```
#[doc(alias = "stringZ")]
#[doc(alias = "sliceZ")]
#[repr(transparent)]
pub struct ZStr {
    /// The bytes and their NUL terminator.
    with_nul: [u8],
}

/// Why bytes are not a [`ZStr`]: no NUL at the end, or a NUL before it.
///
/// ```
/// use makai_string::{ZStr, ZStrError};
///
/// assert_eq!(ZStr::from_bytes_with_nul(b"abc"), Err(ZStrError::MissingNul));
/// assert_eq!(
///     ZStr::from_bytes_with_nul(b"a\0bc\0"),
///     Err(ZStrError::InteriorNul { position: 1 })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZStrError {
    /// The bytes do not end in a NUL (or are empty).
    MissingNul,
    /// A NUL appears before the last byte.
    InteriorNul {
        /// Where the first NUL is.
        position: usize,
    },
}

impl fmt::Display for ZStrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZStrError::MissingNul => f.write_str("bytes are not terminated by a NUL"),
            ZStrError::InteriorNul { position } => {
                write!(
                    f,
                    "bytes contain a NUL at position {position} before their end"
                )
            }
        }
    }
}

impl core::error::Error for ZStrError {}

impl ZStr {
    /// The empty string (just the NUL).
    ///
    /// ```
    /// assert!(makai_string::ZStr::EMPTY.is_empty());
    /// ```
    pub const EMPTY: &'static ZStr = match ZStr::from_bytes_with_nul(b"\0") {
        Ok(z) => z,
        Err(_) => unreachable!(),
    };

    /// Views `bytes`, which must end in their only NUL, as a `ZStr`. `const`, so
    /// [`zstr!`](crate::zstr!) checks literals with it at compile time.
    ///
    /// # Errors
    ///
    /// [`ZStrError::MissingNul`] when the last byte is not `0` (or `bytes` is empty);
    /// [`ZStrError::InteriorNul`] when a `0` comes earlier.
    ///
    /// ```
    /// use makai_string::ZStr;
    /// assert_eq!(ZStr::from_bytes_with_nul(b"hi\0").unwrap().len(), 2);
    /// assert!(ZStr::from_bytes_with_nul(b"").is_err());
    /// ```
    pub const fn from_bytes_with_nul(bytes: &[u8]) -> Result<&ZStr, ZStrError> {
        let Some((&last, body)) = bytes.split_last() else {
            return Err(ZStrError::MissingNul);
        };
        if last != 0 {
            return Err(ZStrError::MissingNul);
        }
        let mut i = 0;
        while i < body.len() {
            if body[i] == 0 {
                return Err(ZStrError::InteriorNul { position: i });
            }
            i += 1;
        }
        // SAFETY: the bytes end in their only NUL (checked above).
        Ok(unsafe { ZStr::from_bytes_with_nul_unchecked(bytes) })
    }

    /// Views the bytes of `bytes` up to and including its first NUL: the `strlen` step, done
    /// once so later `len` calls are O(1).
    ///
    /// # Errors
    ///
    /// [`ZStrError::MissingNul`] when `bytes` has no NUL at all.
    ///
    /// ```
    /// use makai_string::ZStr;
    /// let buf = *b"name\0garbage after the terminator";
    /// assert_eq!(ZStr::from_bytes_until_nul(&buf).unwrap().as_bytes(), b"name");
    /// ```
    pub fn from_bytes_until_nul(bytes: &[u8]) -> Result<&ZStr, ZStrError> {
        let end = memchr::memchr(0, bytes).ok_or(ZStrError::MissingNul)?;
        // SAFETY: `bytes[..=end]` ends in its first NUL.
        Ok(unsafe { ZStr::from_bytes_with_nul_unchecked(&bytes[..=end]) })
    }

    /// Views `bytes` as a `ZStr` without checking.
    ///
    /// # Safety
    ///
    /// `bytes` is non-empty, its last byte is `0` and no other byte is `0`.
    ///
    /// ```
    /// // SAFETY: one NUL, at the end.
    /// let z = unsafe { makai_string::ZStr::from_bytes_with_nul_unchecked(b"ok\0") };
    /// assert_eq!(z.len(), 2);
    /// ```
    pub const unsafe fn from_bytes_with_nul_unchecked(bytes: &[u8]) -> &ZStr {
        debug_assert!(!bytes.is_empty() && bytes[bytes.len() - 1] == 0);
        // SAFETY: `ZStr` is `repr(transparent)` over `[u8]`, so the fat pointers have the same
        // layout and metadata; the caller guarantees the invariant.
        unsafe { &*(core::ptr::from_ref::<[u8]>(bytes) as *const ZStr) }
    }

    /// Views a `CStr` as a `ZStr` (measuring it once).
    ///
    /// ```
    /// let z = makai_string::ZStr::from_c_str(c"abc");
    /// assert_eq!(z.len(), 3);
    /// ```
    pub const fn from_c_str(s: &CStr) -> &ZStr {
        // SAFETY: a `CStr`'s bytes with NUL end in their only NUL.
        unsafe { ZStr::from_bytes_with_nul_unchecked(s.to_bytes_with_nul()) }
    }

    /// The length in bytes, without the NUL. O(1).
    ///
    /// ```
    /// assert_eq!(makai_string::zstr!("four").len(), 4);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        self.with_nul.len() - 1
    }

    /// Whether there are no bytes before the NUL.
    ///
    /// ```
    /// assert!(makai_string::zstr!("").is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes without the NUL.
    ///
    /// ```
    /// assert_eq!(makai_string::zstr!("ab").as_bytes(), b"ab");
    /// ```
    #[inline]
    pub const fn as_bytes(&self) -> &[u8] {
        self.with_nul.split_at(self.len()).0
    }

    /// The bytes with the NUL.
    ///
    /// ```
    /// assert_eq!(makai_string::zstr!("ab").as_bytes_with_nul(), b"ab\0");
    /// ```
    #[inline]
    pub const fn as_bytes_with_nul(&self) -> &[u8] {
        &self.with_nul
    }

    /// The same bytes as a `&CStr`, for APIs that take one. Free.
    ///
    /// ```
    /// assert_eq!(makai_string::zstr!("x").as_c_str().to_bytes(), b"x");
    /// ```
    #[inline]
    pub const fn as_c_str(&self) -> &CStr {
        // SAFETY: the type invariant is exactly `CStr`'s: one NUL, at the end.
        unsafe { CStr::from_bytes_with_nul_unchecked(&self.with_nul) }
    }

    /// A pointer to the first byte, for C functions that take a `const char *`. The string
    /// is terminated, and the pointer is valid while `self` is borrowed.
    ///
    /// ```
    /// let z = makai_string::zstr!("hi");
    /// // SAFETY: the pointer comes from a live, NUL-terminated `ZStr`.
    /// let back = unsafe { std::ffi::CStr::from_ptr(z.as_ptr()) };
    /// assert_eq!(back.to_bytes(), b"hi");
    /// ```
    #[inline]
    pub const fn as_ptr(&self) -> *const c_char {
        self.with_nul.as_ptr().cast::<c_char>()
    }

    /// The bytes as `&str` when they are UTF-8.
    ///
    /// # Errors
    ///
    /// The UTF-8 error of the bytes (without the NUL).
    ///
    /// ```
    /// assert_eq!(makai_string::zstr!("ok").to_str(), Ok("ok"));
    /// ```
    pub const fn to_str(&self) -> Result<&str, core::str::Utf8Error> {
        core::str::from_utf8(self.as_bytes())
    }

    /// The bytes as a path (Unix paths are bytes).
    ///
    /// ```
    /// assert_eq!(makai_string::zstr!("/tmp").as_path(), std::path::Path::new("/tmp"));
    /// ```
    #[cfg(all(unix, feature = "std"))]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn as_path(&self) -> &std::path::Path {
        use std::os::unix::ffi::OsStrExt;
        std::path::Path::new(std::ffi::OsStr::from_bytes(self.as_bytes()))
    }
}

/// A `&ZStr` from a string literal, checked at compile time: the literal gets its NUL
/// appended, and a literal that already contains a NUL is a compile error.
///
/// ```
/// use makai_string::{ZStr, zstr};
///
/// const HOSTS: &ZStr = zstr!("/etc/hosts");
/// assert_eq!(HOSTS.as_bytes_with_nul(), b"/etc/hosts\0");
/// assert_eq!(zstr!("").len(), 0);
/// ```
///
/// An interior NUL does not compile:
///
/// ```compile_fail
/// let bad = makai_string::zstr!("a\0b");
/// ```
///
/// Nor does anything but a string literal:
///
/// ```compile_fail
/// let name = "runtime";
/// let bad = makai_string::zstr!(name);
/// ```
#[macro_export]
macro_rules! zstr {
    ($lit:literal) => {{
        const __MAKAI_ZSTR: &$crate::ZStr =
            match $crate::ZStr::from_bytes_with_nul(::core::concat!($lit, "\0").as_bytes()) {
                ::core::result::Result::Ok(z) => z,
                ::core::result::Result::Err(_) => {
                    ::core::panic!("zstr! literal contains a NUL byte")
                }
            };
        __MAKAI_ZSTR
    }};
}

impl fmt::Debug for ZStr {
    /// Like `CStr`'s: the bytes quoted, non-printable ones escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.as_bytes().escape_ascii())
    }
}

impl Default for &ZStr {
    fn default() -> Self {
        ZStr::EMPTY
    }
}

impl PartialEq for ZStr {
    fn eq(&self, other: &ZStr) -> bool {
        self.with_nul == other.with_nul
    }
}

impl Eq for ZStr {}

impl PartialOrd for ZStr {
    fn partial_cmp(&self, other: &ZStr) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ZStr {
    fn cmp(&self, other: &ZStr) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl core::hash::Hash for ZStr {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialEq<[u8]> for ZStr {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

impl PartialEq<&[u8]> for ZStr {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_bytes() == *other
    }
}

impl PartialEq<str> for ZStr {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for ZStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<CStr> for ZStr {
    fn eq(&self, other: &CStr) -> bool {
        self.as_bytes_with_nul() == other.to_bytes_with_nul()
    }
}

impl AsRef<[u8]> for ZStr {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<CStr> for ZStr {
    fn as_ref(&self) -> &CStr {
        self.as_c_str()
    }
}

#[cfg(all(unix, feature = "std"))]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl AsRef<std::path::Path> for ZStr {
    fn as_ref(&self) -> &std::path::Path {
        self.as_path()
    }
}

impl<'a> From<&'a CStr> for &'a ZStr {
    fn from(s: &'a CStr) -> &'a ZStr {
        ZStr::from_c_str(s)
    }
}

impl<'a> From<&'a ZStr> for &'a CStr {
    fn from(s: &'a ZStr) -> &'a CStr {
        s.as_c_str()
    }
}

impl From<&ZStr> for alloc::ffi::CString {
    fn from(s: &ZStr) -> alloc::ffi::CString {
        s.as_c_str().to_owned()
    }
}

impl<'a> TryFrom<&'a [u8]> for &'a ZStr {
    type Error = ZStrError;

    fn try_from(bytes: &'a [u8]) -> Result<&'a ZStr, ZStrError> {
        ZStr::from_bytes_with_nul(bytes)
    }
}
