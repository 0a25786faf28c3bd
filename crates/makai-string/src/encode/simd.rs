//! The `simdutf` backend: thin calls into the C++ library Bun itself uses.
//!
//! Each function has the contract of its namesake in `scalar.rs`, except that a too-short
//! destination would be undefined behaviour here; the public functions in `encode` size or
//! check every destination first.

use simdutf::ErrorCode;

/// The index of the first byte `>= 0x80`.
pub(super) fn first_non_ascii(src: &[u8]) -> Option<usize> {
    let r = simdutf::validate_ascii_with_errors(src);
    (r.error != ErrorCode::Success).then_some(r.count)
}

/// Whether `src` is valid UTF-8.
pub(super) fn is_utf8(src: &[u8]) -> bool {
    simdutf::validate_utf8(src)
}

/// Whether `src` is well-formed UTF-16.
pub(super) fn is_utf16(src: &[u16]) -> bool {
    simdutf::validate_utf16(src)
}

/// The UTF-8 length of Latin-1 text.
pub(super) fn utf8_len_from_latin1(src: &[u8]) -> usize {
    simdutf::utf8_length_from_latin1(src)
}

/// Latin-1 to UTF-8.
///
/// # Safety
///
/// `dst.len() >= utf8_len_from_latin1(src)`.
pub(super) unsafe fn latin1_to_utf8(src: &[u8], dst: &mut [u8]) -> usize {
    // SAFETY: both slices are valid and do not overlap (one is `&mut`); `dst` holds the whole
    // output (caller's contract). Latin-1 has no invalid input.
    unsafe { simdutf::convert_latin1_to_utf8(src.as_ptr(), src.len(), dst.as_mut_ptr()) }
}

/// Latin-1 to UTF-16.
///
/// # Safety
///
/// `dst.len() >= src.len()`.
pub(super) unsafe fn latin1_to_utf16(src: &[u8], dst: &mut [u16]) {
    // SAFETY: as in `latin1_to_utf8`; the output is one unit per input byte.
    let written =
        unsafe { simdutf::convert_latin1_to_utf16(src.as_ptr(), src.len(), dst.as_mut_ptr()) };
    debug_assert_eq!(written, src.len());
}

/// The UTF-8 length of well-formed UTF-16.
pub(super) fn utf8_len_from_valid_utf16(src: &[u16]) -> usize {
    simdutf::utf8_length_from_utf16(src)
}

/// Well-formed UTF-16 to UTF-8.
///
/// # Safety
///
/// `src` is well-formed and `dst.len() >= utf8_len_from_valid_utf16(src)`.
pub(super) unsafe fn valid_utf16_to_utf8(src: &[u16], dst: &mut [u8]) -> usize {
    // SAFETY: valid, non-overlapping slices; the input is well-formed and `dst` holds the
    // whole output (caller's contract).
    unsafe { simdutf::convert_valid_utf16_to_utf8(src.as_ptr(), src.len(), dst.as_mut_ptr()) }
}

/// The UTF-16 length of valid UTF-8.
pub(super) fn utf16_len_from_valid_utf8(src: &[u8]) -> usize {
    simdutf::utf16_length_from_utf8(src)
}

/// Valid UTF-8 to UTF-16.
///
/// # Safety
///
/// `src` is valid UTF-8 and `dst.len() >= utf16_len_from_valid_utf8(src)`.
pub(super) unsafe fn valid_utf8_to_utf16(src: &[u8], dst: &mut [u16]) -> usize {
    // SAFETY: valid, non-overlapping slices; the input is valid UTF-8 and `dst` holds the
    // whole output (caller's contract).
    unsafe { simdutf::convert_valid_utf8_to_utf16(src.as_ptr(), src.len(), dst.as_mut_ptr()) }
}

// One-pass conversions (validate while converting).
//
// What simdutf promises, and what these functions rely on: its `convert_*_with_errors`
// calls document the destination only as "a buffer that can hold the conversion result",
// and on invalid input they report the error's position in the *input*, not how much they
// wrote. So these are called only with the worst case for the input's length: three bytes
// per UTF-16 unit, one UTF-16 unit per UTF-8 byte. No input of that length, valid or not,
// converts to more, and the library's kernels bound their stores by the output of the
// input they have consumed plus a margin a valid input of the same remaining length would
// need, which the worst case covers. On failure nothing that was written is read: the
// caller starts again on its portable path and overwrites the buffer.

/// UTF-16 to UTF-8 in one pass; `None` when `src` has a lone surrogate (then the first
/// `3 * src.len()` bytes at `dst` hold unspecified values).
///
/// # Safety
///
/// `dst` is valid for writes of `3 * src.len()` bytes and does not overlap `src`.
pub(super) unsafe fn utf16_to_utf8_checked(src: &[u16], dst: *mut u8) -> Option<usize> {
    // SAFETY: `src` is a valid slice; `dst` holds the worst-case output of `src.len()` units
    // (caller's contract), which bounds what the call writes even on invalid input (see
    // above); the regions do not overlap.
    let r = unsafe { simdutf::convert_utf16_to_utf8_with_errors(src.as_ptr(), src.len(), dst) };
    (r.error == ErrorCode::Success).then_some(r.count)
}

/// UTF-8 to UTF-16 in one pass; `None` when `src` is not valid UTF-8 (then the first
/// `src.len()` units at `dst` hold unspecified values).
///
/// # Safety
///
/// `dst` is valid for writes of `src.len()` units and does not overlap `src`.
pub(super) unsafe fn utf8_to_utf16_checked(src: &[u8], dst: *mut u16) -> Option<usize> {
    // SAFETY: as in `utf16_to_utf8_checked`; one unit per input byte is the worst case.
    let r = unsafe { simdutf::convert_utf8_to_utf16_with_errors(src.as_ptr(), src.len(), dst) };
    (r.error == ErrorCode::Success).then_some(r.count)
}
