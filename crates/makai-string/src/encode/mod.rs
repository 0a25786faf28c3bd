//! Transcoding between Latin-1, UTF-8 and UTF-16, validation, ASCII helpers and byte search:
//! the string helpers a JavaScript runtime calls most (Bun's `strings` namespace).
//!
//! # Encodings
//!
//! - **Latin-1** is one byte per code point, U+0000 to U+00FF (what JavaScript engines call a
//!   one-byte string). Every byte sequence is valid Latin-1.
//! - **UTF-16** is in native byte order, as `&[u16]`. It may hold *lone surrogates* (a
//!   surrogate unit without its partner), which JavaScript strings allow.
//! - **UTF-8** is `&str` when it is known to be valid, `&[u8]` otherwise.
//!
//! # The lone-surrogate rule
//!
//! One rule everywhere: **on the way to bytes a lone surrogate becomes its three-byte
//! [WTF-8](https://simonsapin.github.io/wtf-8/) form; where a `str` is required it becomes
//! U+FFFD.** Both are three bytes, so one length function ([`utf8_len_from_utf16`]) serves
//! both. [`utf16_to_utf8_into`] and [`utf16_to_wtf8`] write WTF-8; [`utf16_to_string`]
//! replaces. Going back, [`utf8_to_utf16_into`] and [`utf8_to_utf16`] read WTF-8: a
//! three-byte surrogate sequence decodes to the lone surrogate again (so UTF-16 → WTF-8 →
//! UTF-16 is the identity), and any other invalid sequence becomes one U+FFFD per maximal
//! invalid subpart, exactly like [`String::from_utf8_lossy`].
//!
//! # Buffers
//!
//! The `_into` functions write into a caller's buffer and return how many units they wrote.
//! A buffer of the `max_` length always suffices and needs no extra pass; a shorter one is
//! measured first, and if the exact output does not fit the function returns
//! [`BufferTooSmall`] (saying how much is needed) and writes nothing. The allocating forms
//! allocate exactly the output length, and have `try_` twins that report [`AllocError`].
//!
//! # Backend
//!
//! With the `simdutf` feature (on by default) on x86-64 and AArch64, transcoding and
//! validation call the [`simdutf`](https://github.com/simdutf/simdutf) C++ library, which
//! picks the widest SIMD instructions the CPU has at run time. Elsewhere, under Miri, and
//! for inputs shorter than a few words (where the call costs more than the work), portable
//! Rust loops do the same job with the same results. Byte search uses `memchr`. The crate
//! README explains the choice with measurements.
//!
//! ```
//! use makai_string::encode;
//!
//! let latin1 = b"caf\xE9"; // "café" in Latin-1
//! let utf8 = encode::latin1_to_string(latin1);
//! assert_eq!(utf8, "café");
//! let utf16 = encode::utf8_to_utf16(utf8.as_bytes());
//! assert_eq!(utf16, [0x63, 0x61, 0x66, 0xE9]);
//! assert_eq!(encode::utf16_to_string(&utf16), "café");
//! assert_eq!(encode::first_non_ascii(latin1), Some(3));
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use makai_error::{AllocError, HandleOom};

mod ascii;
mod scalar;
#[cfg(all(
    feature = "simdutf",
    any(target_arch = "x86_64", target_arch = "aarch64"),
    not(miri)
))]
mod simd;

pub use ascii::{
    eq_ignore_ascii_case, find, index_of_any, index_of_byte, last_index_of_byte, rfind,
    starts_with_ignore_ascii_case,
};

/// Inputs shorter than this many units take the portable loops even when the SIMD backend
/// is compiled in: below it the call and the library's dispatch cost more than the work.
#[cfg(all(
    feature = "simdutf",
    any(target_arch = "x86_64", target_arch = "aarch64"),
    not(miri)
))]
const SMALL: usize = 16;

/// Calls `simd::$f` for inputs of at least `SMALL` units when that backend is compiled in,
/// `scalar::$f` otherwise. Both have the same contract.
macro_rules! backend {
    ($len:expr, $f:ident($($arg:expr),*)) => {{
        #[cfg(all(
            feature = "simdutf",
            any(target_arch = "x86_64", target_arch = "aarch64"),
            not(miri)
        ))]
        {
            if $len >= SMALL { simd::$f($($arg),*) } else { scalar::$f($($arg),*) }
        }
        #[cfg(not(all(
            feature = "simdutf",
            any(target_arch = "x86_64", target_arch = "aarch64"),
            not(miri)
        )))]
        {
            scalar::$f($($arg),*)
        }
    }};
}

/// Whether transcoding runs on the `simdutf` backend in this build (see the module docs).
///
/// ```
/// // Either answer is correct; the results are the same.
/// println!("simdutf backend: {}", makai_string::encode::uses_simdutf());
/// ```
pub const fn uses_simdutf() -> bool {
    cfg!(all(
        feature = "simdutf",
        any(target_arch = "x86_64", target_arch = "aarch64"),
        not(miri)
    ))
}

/// The destination of an `_into` function was too short; nothing was written.
///
/// ```
/// use makai_string::encode;
///
/// let mut small = [0u8; 4];
/// let err = encode::latin1_to_utf8_into(b"\xE9t\xE9", &mut small).unwrap_err();
/// assert_eq!(err.needed(), 5);
/// assert_eq!(
///     err.to_string(),
///     "destination too small: the output needs 5 elements (bytes for UTF-8, u16 units for UTF-16)"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BufferTooSmall {
    needed: usize,
}

impl BufferTooSmall {
    /// How many elements the output needs: bytes for a UTF-8 destination, `u16` units for
    /// a UTF-16 one.
    ///
    /// ```
    /// # use makai_string::encode;
    /// let err = encode::latin1_to_utf16_into(b"abc", &mut [0u16; 2]).unwrap_err();
    /// assert_eq!(err.needed(), 3);
    /// ```
    pub const fn needed(&self) -> usize {
        self.needed
    }
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "destination too small: the output needs {} elements (bytes for UTF-8, u16 units for UTF-16)",
            self.needed
        )
    }
}

impl core::error::Error for BufferTooSmall {}

// ---------------------------------------------------------------------------------------
// ASCII and validation
// ---------------------------------------------------------------------------------------

/// Whether every byte is below `0x80`.
///
/// ```
/// assert!(makai_string::encode::is_ascii(b"plain"));
/// assert!(!makai_string::encode::is_ascii("naïve".as_bytes()));
/// ```
#[doc(alias = "isAllASCII")]
#[inline]
pub fn is_ascii(src: &[u8]) -> bool {
    // std's check is already vectorised and as fast as simdutf's (measured in
    // benches/benches/encode.rs); the position variant below is where simdutf helps.
    src.is_ascii()
}

/// The index of the first byte `>= 0x80`, or `None` when all of `src` is ASCII.
///
/// ```
/// assert_eq!(makai_string::encode::first_non_ascii("abcé".as_bytes()), Some(3));
/// assert_eq!(makai_string::encode::first_non_ascii(b"abc"), None);
/// ```
#[doc(alias = "firstNonASCII")]
#[inline]
pub fn first_non_ascii(src: &[u8]) -> Option<usize> {
    backend!(src.len(), first_non_ascii(src))
}

/// The index of the first UTF-16 unit `>= 0x80`, or `None` when all of `src` is ASCII.
///
/// ```
/// let units: Vec<u16> = "ab€".encode_utf16().collect();
/// assert_eq!(makai_string::encode::first_non_ascii_utf16(&units), Some(2));
/// ```
#[doc(alias = "firstNonASCII16")]
#[inline]
pub fn first_non_ascii_utf16(src: &[u16]) -> Option<usize> {
    scalar::first_non_ascii_utf16(src)
}

/// Whether `src` is valid UTF-8 (WTF-8 surrogate sequences are not).
///
/// ```
/// assert!(makai_string::encode::is_utf8("日本".as_bytes()));
/// assert!(!makai_string::encode::is_utf8(b"\xFF"));
/// ```
#[inline]
pub fn is_utf8(src: &[u8]) -> bool {
    backend!(src.len(), is_utf8(src))
}

/// How many leading bytes of `src` are valid UTF-8 (all of them when it is valid), like
/// [`Utf8Error::valid_up_to`](std::str::Utf8Error::valid_up_to).
///
/// ```
/// assert_eq!(makai_string::encode::utf8_valid_up_to(b"ab\xFFcd"), 2);
/// ```
#[inline]
pub fn utf8_valid_up_to(src: &[u8]) -> usize {
    // The portable check is std's: the position is exact by construction. simdutf's boolean
    // check goes first because it is much faster on non-ASCII text.
    if is_utf8(src) {
        src.len()
    } else {
        scalar::utf8_valid_up_to(src)
    }
}

/// Whether `src` is well-formed UTF-16: every surrogate is part of a pair.
///
/// ```
/// assert!(makai_string::encode::is_utf16(&[0x61, 0xD83D, 0xDE00]));
/// assert!(!makai_string::encode::is_utf16(&[0xD83D]));
/// ```
#[inline]
pub fn is_utf16(src: &[u16]) -> bool {
    backend!(src.len(), is_utf16(src))
}

/// How many leading units of `src` are well-formed UTF-16: the index of the first lone
/// surrogate, or `src.len()`.
///
/// ```
/// assert_eq!(makai_string::encode::utf16_valid_up_to(&[0x61, 0xDC00, 0x62]), 1);
/// ```
#[inline]
pub fn utf16_valid_up_to(src: &[u16]) -> usize {
    if is_utf16(src) {
        src.len()
    } else {
        scalar::utf16_valid_up_to(src)
    }
}

// ---------------------------------------------------------------------------------------
// Lengths
// ---------------------------------------------------------------------------------------

/// The exact UTF-8 length of Latin-1 text (each byte `>= 0x80` takes two bytes).
///
/// ```
/// assert_eq!(makai_string::encode::utf8_len_from_latin1(b"caf\xE9"), 5);
/// ```
#[doc(alias = "elementLengthLatin1IntoUTF8")]
#[inline]
pub fn utf8_len_from_latin1(src: &[u8]) -> usize {
    backend!(src.len(), utf8_len_from_latin1(src))
}

/// An upper bound on the UTF-8 length of `latin1_len` bytes of Latin-1: `2 * latin1_len`.
///
/// # Panics
///
/// When the bound overflows `usize` (no such input fits in memory).
///
/// ```
/// assert_eq!(makai_string::encode::max_utf8_len_from_latin1(10), 20);
/// ```
#[inline]
pub const fn max_utf8_len_from_latin1(latin1_len: usize) -> usize {
    latin1_len.checked_mul(2).expect("length overflow")
}

/// The exact UTF-8 (or WTF-8) length of UTF-16 text; a lone surrogate counts three bytes,
/// the size of both its WTF-8 form and of U+FFFD.
///
/// ```
/// let units: Vec<u16> = "a€😀".encode_utf16().collect();
/// assert_eq!(makai_string::encode::utf8_len_from_utf16(&units), 1 + 3 + 4);
/// assert_eq!(makai_string::encode::utf8_len_from_utf16(&[0xD800]), 3);
/// ```
#[doc(alias = "elementLengthUTF16IntoUTF8")]
pub fn utf8_len_from_utf16(src: &[u16]) -> usize {
    if is_utf16(src) {
        return backend!(src.len(), utf8_len_from_valid_utf16(src));
    }
    utf8_len_from_ill_formed_utf16(src)
}

/// [`utf8_len_from_utf16`] for input known to have a lone surrogate (correct for any input).
fn utf8_len_from_ill_formed_utf16(src: &[u16]) -> usize {
    let mut len = 0;
    let mut rest = src;
    loop {
        let valid = scalar::utf16_valid_up_to(rest);
        len += backend!(valid, utf8_len_from_valid_utf16(&rest[..valid]));
        if valid == rest.len() {
            return len;
        }
        len += 3;
        rest = &rest[valid + 1..];
    }
}

/// An upper bound on the UTF-8 length of `utf16_len` UTF-16 units: `3 * utf16_len`.
///
/// # Panics
///
/// When the bound overflows `usize`.
///
/// ```
/// assert_eq!(makai_string::encode::max_utf8_len_from_utf16(4), 12);
/// ```
#[inline]
pub const fn max_utf8_len_from_utf16(utf16_len: usize) -> usize {
    utf16_len.checked_mul(3).expect("length overflow")
}

/// The exact number of UTF-16 units that [`utf8_to_utf16_into`] writes for `src` (read as
/// WTF-8, invalid sequences replaced).
///
/// ```
/// assert_eq!(makai_string::encode::utf16_len_from_utf8("a😀".as_bytes()), 3);
/// assert_eq!(makai_string::encode::utf16_len_from_utf8(b"\xFF\xFE"), 2);
/// ```
#[doc(alias = "elementLengthUTF8IntoUTF16")]
pub fn utf16_len_from_utf8(src: &[u8]) -> usize {
    if is_utf8(src) {
        return backend!(src.len(), utf16_len_from_valid_utf8(src));
    }
    utf16_len_from_invalid_utf8(src)
}

/// [`utf16_len_from_utf8`] for input known to be invalid UTF-8 (correct for any input).
fn utf16_len_from_invalid_utf8(src: &[u8]) -> usize {
    let mut len = 0;
    let mut rest = src;
    loop {
        let valid = scalar::utf8_valid_up_to(rest);
        len += backend!(valid, utf16_len_from_valid_utf8(&rest[..valid]));
        if valid == rest.len() {
            return len;
        }
        let (_, used) = decode_invalid(&rest[valid..]);
        len += 1;
        rest = &rest[valid + used..];
    }
}

/// An upper bound on the UTF-16 length of `utf8_len` bytes: `utf8_len` (no byte sequence
/// decodes to more units than it has bytes).
///
/// ```
/// assert_eq!(makai_string::encode::max_utf16_len_from_utf8(7), 7);
/// ```
#[inline]
pub const fn max_utf16_len_from_utf8(utf8_len: usize) -> usize {
    utf8_len
}

// ---------------------------------------------------------------------------------------
// Into caller buffers
// ---------------------------------------------------------------------------------------

/// Checks that `dst_len` units hold the output: at once when it is at least `max`,
/// otherwise by measuring the exact length.
#[inline]
fn ensure_room(
    dst_len: usize,
    max: Option<usize>,
    exact: impl FnOnce() -> usize,
) -> Result<(), BufferTooSmall> {
    if max.is_some_and(|max| dst_len >= max) {
        return Ok(());
    }
    let needed = exact();
    if dst_len >= needed {
        Ok(())
    } else {
        Err(BufferTooSmall { needed })
    }
}

/// Converts Latin-1 to UTF-8 into `dst`; returns the number of bytes written.
///
/// # Errors
///
/// [`BufferTooSmall`] when `dst` is shorter than [`utf8_len_from_latin1`]`(src)`; nothing
/// is written then. A `dst` of [`max_utf8_len_from_latin1`]`(src.len())` bytes always fits.
///
/// ```
/// let mut buf = [0u8; 16];
/// let n = makai_string::encode::latin1_to_utf8_into(b"na\xEFve", &mut buf).unwrap();
/// assert_eq!(&buf[..n], "naïve".as_bytes());
/// ```
#[doc(alias = "copyLatin1IntoUTF8")]
#[doc(alias = "convertLatin1ToUTF8")]
pub fn latin1_to_utf8_into(src: &[u8], dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
    ensure_room(dst.len(), src.len().checked_mul(2), || {
        utf8_len_from_latin1(src)
    })?;
    // SAFETY: `dst` holds the whole output (checked just above).
    Ok(unsafe { backend!(src.len(), latin1_to_utf8(src, dst)) })
}

/// Converts Latin-1 to UTF-16 into `dst`; returns the number of units written
/// (`src.len()`).
///
/// # Errors
///
/// [`BufferTooSmall`] when `dst.len() < src.len()`; nothing is written then.
///
/// ```
/// let mut buf = [0u16; 4];
/// assert_eq!(makai_string::encode::latin1_to_utf16_into(b"\xE9t\xE9", &mut buf), Ok(3));
/// assert_eq!(buf[..3], [0xE9, 0x74, 0xE9]);
/// ```
#[doc(alias = "copyLatin1IntoUTF16")]
pub fn latin1_to_utf16_into(src: &[u8], dst: &mut [u16]) -> Result<usize, BufferTooSmall> {
    ensure_room(dst.len(), Some(src.len()), || src.len())?;
    // SAFETY: `dst.len() >= src.len()` (checked just above).
    unsafe { backend!(src.len(), latin1_to_utf16(src, dst)) };
    Ok(src.len())
}

/// The three WTF-8 bytes of a lone surrogate (the generalised UTF-8 encoding of its value).
#[inline]
fn wtf8_surrogate(unit: u16) -> [u8; 3] {
    debug_assert!((0xD800..0xE000).contains(&unit));
    [
        0xE0 | (unit >> 12) as u8,
        0x80 | ((unit >> 6) & 0x3F) as u8,
        0x80 | (unit & 0x3F) as u8,
    ]
}

/// Converts UTF-16 to UTF-8 into `dst`, writing each lone surrogate as WTF-8; returns the
/// number of bytes written. Well-formed input gives valid UTF-8.
///
/// # Errors
///
/// [`BufferTooSmall`] when `dst` is shorter than [`utf8_len_from_utf16`]`(src)`; nothing
/// is written then. [`max_utf8_len_from_utf16`]`(src.len())` bytes always fit, and a
/// destination that long is converted in one validating pass (bytes of `dst` past the
/// returned count may be overwritten then).
///
/// ```
/// let units: Vec<u16> = "ж😀".encode_utf16().collect();
/// let mut buf = [0u8; 12];
/// let n = makai_string::encode::utf16_to_utf8_into(&units, &mut buf).unwrap();
/// assert_eq!(&buf[..n], "ж😀".as_bytes());
/// // A lone surrogate becomes WTF-8.
/// let n = makai_string::encode::utf16_to_utf8_into(&[0xD800], &mut buf).unwrap();
/// assert_eq!(&buf[..n], b"\xED\xA0\x80");
/// ```
#[doc(alias = "copyUTF16IntoUTF8")]
#[doc(alias = "convertUTF16ToUTF8")]
pub fn utf16_to_utf8_into(src: &[u16], dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
    if src.len().checked_mul(3).is_some_and(|max| dst.len() >= max) {
        // SAFETY: `dst` holds three bytes per unit of `src`, the worst case.
        if let Some(n) = unsafe { one_pass_utf16_to_utf8(src, dst.as_mut_ptr()) } {
            return Ok(n);
        }
        // SAFETY: `dst` holds the worst case, so the whole output.
        return Ok(unsafe { utf16_to_wtf8_runs(src, dst) });
    }
    if is_utf16(src) {
        let needed = backend!(src.len(), utf8_len_from_valid_utf16(src));
        if dst.len() < needed {
            return Err(BufferTooSmall { needed });
        }
        // SAFETY: the input is well-formed (just checked) and `dst` holds the whole output.
        return Ok(unsafe { backend!(src.len(), valid_utf16_to_utf8(src, dst)) });
    }
    let needed = utf8_len_from_ill_formed_utf16(src);
    if dst.len() < needed {
        return Err(BufferTooSmall { needed });
    }
    // SAFETY: `dst` holds the whole output (checked just above).
    Ok(unsafe { utf16_to_wtf8_runs(src, dst) })
}

/// Tries the SIMD backend's one-pass (validating) conversion; `None` when the input has a
/// lone surrogate or the call was not made (short input, or no SIMD backend in this build).
///
/// # Safety
///
/// `dst` is valid for writes of `3 * src.len()` bytes and does not overlap `src`. Its
/// contents are unspecified after `None`.
#[inline]
unsafe fn one_pass_utf16_to_utf8(src: &[u16], dst: *mut u8) -> Option<usize> {
    #[cfg(all(
        feature = "simdutf",
        any(target_arch = "x86_64", target_arch = "aarch64"),
        not(miri)
    ))]
    if src.len() >= SMALL {
        // SAFETY: the caller's contract is the callee's.
        return unsafe { simd::utf16_to_utf8_checked(src, dst) };
    }
    let _ = (src, dst);
    None
}

/// Tries the SIMD backend's one-pass UTF-8 to UTF-16 conversion, as
/// [`one_pass_utf16_to_utf8`]; `None` on invalid input or when the call was not made.
///
/// # Safety
///
/// `dst` is valid for writes of `src.len()` units and does not overlap `src`.
#[inline]
unsafe fn one_pass_utf8_to_utf16(src: &[u8], dst: *mut u16) -> Option<usize> {
    #[cfg(all(
        feature = "simdutf",
        any(target_arch = "x86_64", target_arch = "aarch64"),
        not(miri)
    ))]
    if src.len() >= SMALL {
        // SAFETY: the caller's contract is the callee's.
        return unsafe { simd::utf8_to_utf16_checked(src, dst) };
    }
    let _ = (src, dst);
    None
}

/// UTF-16 to WTF-8, run by run: each well-formed run through the backend, each lone
/// surrogate as its three WTF-8 bytes. Returns the bytes written.
///
/// # Safety
///
/// `dst.len() >= utf8_len_from_utf16(src)`.
unsafe fn utf16_to_wtf8_runs(src: &[u16], dst: &mut [u8]) -> usize {
    let mut written = 0;
    let mut rest = src;
    loop {
        let valid = scalar::utf16_valid_up_to(rest);
        let out = &mut dst[written..];
        // SAFETY: `rest[..valid]` is well-formed (the portable check above found its end),
        // and `out` holds the output of all of `rest`, of which this run's is a prefix.
        written += unsafe { backend!(valid, valid_utf16_to_utf8(&rest[..valid], out)) };
        if valid == rest.len() {
            return written;
        }
        dst[written..written + 3].copy_from_slice(&wtf8_surrogate(rest[valid]));
        written += 3;
        rest = &rest[valid + 1..];
    }
}

/// Decodes the start of `rest`, which does not begin with valid UTF-8: a WTF-8 surrogate
/// sequence gives its surrogate, anything else U+FFFD for one maximal invalid subpart.
/// Returns the unit and the bytes used.
fn decode_invalid(rest: &[u8]) -> (u16, usize) {
    if let [0xED, b1 @ 0xA0..=0xBF, b2 @ 0x80..=0xBF, ..] = *rest {
        return (0xD000 | u16::from(b1 & 0x3F) << 6 | u16::from(b2 & 0x3F), 3);
    }
    let window = &rest[..rest.len().min(4)];
    let used = match core::str::from_utf8(window) {
        // `error_len` is the maximal invalid subpart (what `from_utf8_lossy` replaces);
        // `None` means the input ends inside a sequence, which is one replacement.
        Err(e) if e.valid_up_to() == 0 => e.error_len().unwrap_or(window.len()),
        // Unreachable for callers, which stop at the first invalid byte; one byte keeps the
        // loop moving whatever happens.
        _ => 1,
    };
    (0xFFFD, used)
}

/// Converts UTF-8 (read as WTF-8) to UTF-16 into `dst`; returns the number of units
/// written. Invalid sequences become U+FFFD, one per maximal invalid subpart; a WTF-8
/// surrogate sequence becomes that lone surrogate.
///
/// # Errors
///
/// [`BufferTooSmall`] when `dst` is shorter than [`utf16_len_from_utf8`]`(src)`; nothing
/// is written then. `src.len()` units always fit, and a destination that long is
/// converted in one validating pass (units of `dst` past the returned count may be
/// overwritten then).
///
/// ```
/// let mut buf = [0u16; 8];
/// let n = makai_string::encode::utf8_to_utf16_into("é😀".as_bytes(), &mut buf).unwrap();
/// assert_eq!(buf[..n], [0xE9, 0xD83D, 0xDE00]);
/// let n = makai_string::encode::utf8_to_utf16_into(b"a\xFFb", &mut buf).unwrap();
/// assert_eq!(buf[..n], [0x61, 0xFFFD, 0x62]);
/// ```
#[doc(alias = "copyUTF8IntoUTF16")]
#[doc(alias = "convertUTF8ToUTF16")]
pub fn utf8_to_utf16_into(src: &[u8], dst: &mut [u16]) -> Result<usize, BufferTooSmall> {
    if dst.len() >= src.len() {
        // SAFETY: `dst` holds one unit per input byte, the worst case.
        if let Some(n) = unsafe { one_pass_utf8_to_utf16(src, dst.as_mut_ptr()) } {
            return Ok(n);
        }
        // SAFETY: `dst` holds the worst case, so the whole output.
        return Ok(unsafe { utf8_to_utf16_runs(src, dst) });
    }
    if is_utf8(src) {
        let needed = backend!(src.len(), utf16_len_from_valid_utf8(src));
        if dst.len() < needed {
            return Err(BufferTooSmall { needed });
        }
        // SAFETY: the input is valid UTF-8 (just checked) and `dst` holds the whole output.
        return Ok(unsafe { backend!(src.len(), valid_utf8_to_utf16(src, dst)) });
    }
    let needed = utf16_len_from_invalid_utf8(src);
    if dst.len() < needed {
        return Err(BufferTooSmall { needed });
    }
    // SAFETY: `dst` holds the whole output (checked just above).
    Ok(unsafe { utf8_to_utf16_runs(src, dst) })
}

/// UTF-8 (read as WTF-8) to UTF-16, run by run: each valid run through the backend, each
/// invalid sequence as one unit. Returns the units written.
///
/// # Safety
///
/// `dst.len() >= utf16_len_from_utf8(src)`.
unsafe fn utf8_to_utf16_runs(src: &[u8], dst: &mut [u16]) -> usize {
    let mut written = 0;
    let mut rest = src;
    loop {
        let valid = scalar::utf8_valid_up_to(rest);
        let out = &mut dst[written..];
        // SAFETY: `rest[..valid]` is valid UTF-8 (std's check found its end), and `out`
        // holds the output of all of `rest`, of which this run's is a prefix.
        written += unsafe { backend!(valid, valid_utf8_to_utf16(&rest[..valid], out)) };
        if valid == rest.len() {
            return written;
        }
        let (unit, used) = decode_invalid(&rest[valid..]);
        dst[written] = unit;
        written += 1;
        rest = &rest[valid + used..];
    }
}

// ---------------------------------------------------------------------------------------
// Allocating forms
// ---------------------------------------------------------------------------------------

/// A vector of exactly `len` zeroed units, or `AllocError`.
fn zeroed_vec<T: Copy + Default>(len: usize) -> Result<Vec<T>, AllocError> {
    let mut v = Vec::new();
    zero_fill(&mut v, len)?;
    Ok(v)
}

/// Latin-1 as a UTF-8 `String` (every Latin-1 byte is a code point, so this never fails to
/// be valid).
///
/// Aborts through [`makai_error::out_of_memory`] when the allocation fails; see
/// [`try_latin1_to_string`].
///
/// ```
/// assert_eq!(makai_string::encode::latin1_to_string(b"\xA1Hola!"), "¡Hola!");
/// ```
#[doc(alias = "toUTF8Alloc")]
pub fn latin1_to_string(src: &[u8]) -> String {
    try_latin1_to_string(src).handle_oom()
}

/// [`latin1_to_string`], reporting allocation failure.
///
/// # Errors
///
/// [`AllocError`] when the allocation fails.
///
/// ```
/// assert_eq!(makai_string::encode::try_latin1_to_string(b"\xB5s").unwrap(), "µs");
/// ```
pub fn try_latin1_to_string(src: &[u8]) -> Result<String, AllocError> {
    let mut bytes = zeroed_vec(utf8_len_from_latin1(src))?;
    let n = latin1_to_utf8_into(src, &mut bytes).expect("sized exactly");
    debug_assert_eq!(n, bytes.len());
    // UTF-8 encoding of code points below U+0100 is valid by construction; checking keeps
    // this function free of `unsafe` at the price of one fast validation pass.
    Ok(String::from_utf8(bytes).expect("Latin-1 always transcodes to valid UTF-8"))
}

/// Latin-1 widened to UTF-16.
///
/// Aborts on allocation failure; see [`try_latin1_to_utf16`].
///
/// ```
/// assert_eq!(makai_string::encode::latin1_to_utf16(b"\xFF"), [0xFF]);
/// ```
#[doc(alias = "toUTF16Alloc")]
pub fn latin1_to_utf16(src: &[u8]) -> Vec<u16> {
    try_latin1_to_utf16(src).handle_oom()
}

/// [`latin1_to_utf16`], reporting allocation failure.
///
/// # Errors
///
/// [`AllocError`] when the allocation fails.
///
/// ```
/// assert_eq!(makai_string::encode::try_latin1_to_utf16(b"ok").unwrap(), [0x6F, 0x6B]);
/// ```
pub fn try_latin1_to_utf16(src: &[u8]) -> Result<Vec<u16>, AllocError> {
    let mut units = zeroed_vec(src.len())?;
    latin1_to_utf16_into(src, &mut units).expect("sized exactly");
    Ok(units)
}

/// UTF-16 as UTF-8 bytes, lone surrogates as WTF-8 (the byte side of the lone-surrogate
/// rule). Well-formed input gives valid UTF-8.
///
/// Aborts on allocation failure; see [`try_utf16_to_wtf8`].
///
/// ```
/// assert_eq!(makai_string::encode::utf16_to_wtf8(&[0x61, 0xDFFF]), b"a\xED\xBF\xBF");
/// ```
pub fn utf16_to_wtf8(src: &[u16]) -> Vec<u8> {
    try_utf16_to_wtf8(src).handle_oom()
}

/// [`utf16_to_wtf8`], reporting allocation failure.
///
/// # Errors
///
/// [`AllocError`] when the allocation fails.
///
/// ```
/// assert_eq!(makai_string::encode::try_utf16_to_wtf8(&[0x41]).unwrap(), b"A");
/// ```
pub fn try_utf16_to_wtf8(src: &[u16]) -> Result<Vec<u8>, AllocError> {
    utf16_to_wtf8_vec(src).map(|(bytes, _)| bytes)
}

/// Whether inputs of `len` units take the SIMD backend's one-pass conversions.
#[inline]
const fn one_pass_available(len: usize) -> bool {
    #[cfg(all(
        feature = "simdutf",
        any(target_arch = "x86_64", target_arch = "aarch64"),
        not(miri)
    ))]
    {
        len >= SMALL
    }
    #[cfg(not(all(
        feature = "simdutf",
        any(target_arch = "x86_64", target_arch = "aarch64"),
        not(miri)
    )))]
    {
        let _ = len;
        false
    }
}

/// Spare capacity, in bytes, that an allocating form may leave on its result rather than
/// pay for a reallocation.
const SLACK_BYTES: usize = 64;

/// Gives back a worst-case allocation's unused tail when it is more than [`SLACK_BYTES`].
#[inline]
fn trim<T>(v: &mut Vec<T>) {
    if (v.capacity() - v.len()) * core::mem::size_of::<T>() > SLACK_BYTES {
        v.shrink_to_fit();
    }
}

/// A vector of `len` zeroed units in `v`, which is empty: reserves what is missing.
fn zero_fill<T: Copy + Default>(v: &mut Vec<T>, len: usize) -> Result<(), AllocError> {
    v.try_reserve_exact(len).map_err(|_| AllocError)?;
    v.resize(len, T::default());
    Ok(())
}

/// UTF-16 as WTF-8 in a new vector, and whether the input was well-formed.
///
/// With the SIMD backend the output is written straight into a worst-case allocation in
/// one validating pass (then trimmed); on a lone surrogate, or without that backend, the
/// exact length is measured and the runs are converted one by one.
fn utf16_to_wtf8_vec(src: &[u16]) -> Result<(Vec<u8>, bool), AllocError> {
    let mut bytes = Vec::new();
    if one_pass_available(src.len()) {
        let max = src.len().checked_mul(3).ok_or(AllocError)?;
        bytes.try_reserve_exact(max).map_err(|_| AllocError)?;
        // SAFETY: the allocation holds `max` bytes, three per unit of `src`.
        if let Some(n) = unsafe { one_pass_utf16_to_utf8(src, bytes.as_mut_ptr()) } {
            // SAFETY: the call initialised the first `n` bytes, and `n <= max <= capacity`
            // (it wrote no more than the allocation holds).
            unsafe { bytes.set_len(n) };
            trim(&mut bytes);
            return Ok((bytes, true));
        }
        // A lone surrogate: the allocation already holds the worst case; its contents are
        // unspecified and overwritten below.
        zero_fill(&mut bytes, utf8_len_from_ill_formed_utf16(src))?;
        // SAFETY: `bytes` has exactly the output length.
        unsafe { utf16_to_wtf8_runs(src, &mut bytes) };
        trim(&mut bytes);
        return Ok((bytes, false));
    }
    let valid = is_utf16(src);
    if valid {
        zero_fill(
            &mut bytes,
            backend!(src.len(), utf8_len_from_valid_utf16(src)),
        )?;
        // SAFETY: the input is well-formed and `bytes` has exactly the output length.
        unsafe { backend!(src.len(), valid_utf16_to_utf8(src, &mut bytes)) };
    } else {
        zero_fill(&mut bytes, utf8_len_from_ill_formed_utf16(src))?;
        // SAFETY: `bytes` has exactly the output length.
        unsafe { utf16_to_wtf8_runs(src, &mut bytes) };
    }
    Ok((bytes, valid))
}

/// UTF-16 as a `String`, each lone surrogate replaced by U+FFFD (the `str` side of the
/// lone-surrogate rule). Same result as [`String::from_utf16_lossy`], faster.
///
/// Aborts on allocation failure; see [`try_utf16_to_string`].
///
/// ```
/// let s = makai_string::encode::utf16_to_string(&[0x68, 0x69, 0xD800]);
/// assert_eq!(s, "hi\u{FFFD}");
/// ```
#[doc(alias = "toUTF8AllocWithType")]
pub fn utf16_to_string(src: &[u16]) -> String {
    try_utf16_to_string(src).handle_oom()
}

/// [`utf16_to_string`], reporting allocation failure.
///
/// # Errors
///
/// [`AllocError`] when the allocation fails.
///
/// ```
/// assert_eq!(makai_string::encode::try_utf16_to_string(&[0x263A]).unwrap(), "☺");
/// ```
pub fn try_utf16_to_string(src: &[u16]) -> Result<String, AllocError> {
    let (mut bytes, well_formed) = utf16_to_wtf8_vec(src)?;
    if well_formed {
        debug_assert!(core::str::from_utf8(&bytes).is_ok());
        // SAFETY: well-formed UTF-16 converts to valid UTF-8 (every backend encodes each
        // decoded code point by the UTF-8 rules).
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    // Each lone surrogate's WTF-8 bytes (ED A0..BF xx) turn into the bytes of U+FFFD in
    // place: both are three bytes. Valid UTF-8 never contains ED A0..BF, so every match is
    // one of ours.
    let mut i = 0;
    while let Some(pos) = index_of_byte(&bytes[i..], 0xED) {
        let at = i + pos;
        if bytes.get(at + 1).is_some_and(|&b| b >= 0xA0) {
            bytes[at..at + 3].copy_from_slice("\u{FFFD}".as_bytes());
        }
        i = at + 1;
    }
    Ok(String::from_utf8(bytes).expect("surrogates were replaced, the rest is UTF-8"))
}

/// UTF-8 (read as WTF-8) as UTF-16, invalid sequences replaced by U+FFFD.
///
/// Aborts on allocation failure; see [`try_utf8_to_utf16`].
///
/// ```
/// assert_eq!(makai_string::encode::utf8_to_utf16("€".as_bytes()), [0x20AC]);
/// assert_eq!(makai_string::encode::utf8_to_utf16(b"\xED\xA0\x80"), [0xD800]);
/// ```
#[doc(alias = "toUTF16Alloc")]
pub fn utf8_to_utf16(src: &[u8]) -> Vec<u16> {
    try_utf8_to_utf16(src).handle_oom()
}

/// [`utf8_to_utf16`], reporting allocation failure.
///
/// # Errors
///
/// [`AllocError`] when the allocation fails.
///
/// ```
/// assert_eq!(makai_string::encode::try_utf8_to_utf16(b"hi").unwrap(), [0x68, 0x69]);
/// ```
pub fn try_utf8_to_utf16(src: &[u8]) -> Result<Vec<u16>, AllocError> {
    let mut units = Vec::new();
    if one_pass_available(src.len()) {
        units.try_reserve_exact(src.len()).map_err(|_| AllocError)?;
        // SAFETY: the allocation holds `src.len()` units, one per input byte.
        if let Some(n) = unsafe { one_pass_utf8_to_utf16(src, units.as_mut_ptr()) } {
            // SAFETY: the call initialised the first `n` units, `n <= src.len() <= capacity`.
            unsafe { units.set_len(n) };
            trim(&mut units);
            return Ok(units);
        }
        zero_fill(&mut units, utf16_len_from_invalid_utf8(src))?;
        // SAFETY: `units` has exactly the output length.
        unsafe { utf8_to_utf16_runs(src, &mut units) };
        trim(&mut units);
        return Ok(units);
    }
    zero_fill(&mut units, utf16_len_from_utf8(src))?;
    let n = utf8_to_utf16_into(src, &mut units).expect("sized exactly");
    debug_assert_eq!(n, units.len());
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every backend function against the portable one on the same inputs (only meaningful
    /// when the SIMD backend is compiled in; otherwise both sides are the same code).
    #[test]
    fn backends_agree_on_edge_inputs() {
        let texts = [
            "",
            "a",
            "ascii only, long enough for the SIMD path to be taken",
            "Zoë’s café façade — naïve coöperation, ×÷ and ÿ at the end ÿ",
            "漢字かな交じり文の例です。漢字かな交じり文の例です。",
            "emoji 😀🎉🚀 mixed with text 😀🎉🚀 and more text",
        ];
        for t in texts {
            let units: Vec<u16> = t.encode_utf16().collect();
            assert_eq!(utf8_len_from_utf16(&units), t.len());
            assert_eq!(scalar::utf8_len_from_valid_utf16(&units), t.len());
            assert_eq!(utf16_len_from_utf8(t.as_bytes()), units.len());
            assert_eq!(scalar::utf16_len_from_valid_utf8(t.as_bytes()), units.len());
            assert_eq!(utf8_to_utf16(t.as_bytes()), units);
            assert_eq!(utf16_to_wtf8(&units), t.as_bytes());
            assert_eq!(
                first_non_ascii(t.as_bytes()),
                scalar::first_non_ascii(t.as_bytes())
            );
            let latin1: Vec<u8> = t.chars().filter_map(|c| u8::try_from(c).ok()).collect();
            let expect: String = latin1.iter().map(|&b| char::from(b)).collect();
            assert_eq!(latin1_to_string(&latin1), expect);
            assert_eq!(
                utf8_len_from_latin1(&latin1),
                scalar::utf8_len_from_latin1(&latin1)
            );
        }
    }

    #[test]
    fn decode_invalid_follows_maximal_subparts() {
        assert_eq!(decode_invalid(b"\xED\xA0\x80"), (0xD800, 3));
        assert_eq!(decode_invalid(b"\xED\xBF\xBFx"), (0xDFFF, 3));
        assert_eq!(decode_invalid(b"\xFF"), (0xFFFD, 1));
        assert_eq!(decode_invalid(b"\xE2\x82"), (0xFFFD, 2));
        assert_eq!(decode_invalid(b"\xE2\x82x"), (0xFFFD, 2));
        assert_eq!(decode_invalid(b"\xF0\x9F\x98"), (0xFFFD, 3));
        assert_eq!(decode_invalid(b"\x80\x80"), (0xFFFD, 1));
    }
}
