//! The portable backend: plain Rust loops, word at a time where that is simple.
//!
//! It serves inputs too short for a SIMD call to pay off, targets without the `simdutf`
//! backend, and Miri (which cannot call into C++). Every function has the contract of its
//! namesake in `simd.rs`; the differential tests compare the two.

/// `0x80` in every byte of a word: the non-ASCII bits.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
/// `0xFF80` in every `u16` lane of a word: the bits that make a UTF-16 unit non-ASCII.
const HIGH_BITS_16: u64 = 0xFF80_FF80_FF80_FF80;

/// The index of the first byte `>= 0x80`.
pub(super) fn first_non_ascii(src: &[u8]) -> Option<usize> {
    let mut chunks = src.chunks_exact(8);
    let mut base = 0;
    for chunk in chunks.by_ref() {
        let word = u64::from_ne_bytes(chunk.try_into().expect("chunks of 8"));
        if word & HIGH_BITS != 0 {
            break;
        }
        base += 8;
    }
    src[base..]
        .iter()
        .position(|&b| b >= 0x80)
        .map(|i| base + i)
}

/// The index of the first unit `>= 0x80`.
pub(super) fn first_non_ascii_utf16(src: &[u16]) -> Option<usize> {
    let mut base = 0;
    for chunk in src.chunks_exact(4) {
        let word = u64::from(chunk[0])
            | u64::from(chunk[1]) << 16
            | u64::from(chunk[2]) << 32
            | u64::from(chunk[3]) << 48;
        if word & HIGH_BITS_16 != 0 {
            break;
        }
        base += 4;
    }
    src[base..]
        .iter()
        .position(|&u| u >= 0x80)
        .map(|i| base + i)
}

/// The UTF-8 length of Latin-1 text: one byte per ASCII byte, two per other byte.
pub(super) fn utf8_len_from_latin1(src: &[u8]) -> usize {
    src.len() + src.iter().filter(|&&b| b >= 0x80).count()
}

/// Latin-1 to UTF-8. Panics (never UB) if `dst` is shorter than the output.
///
/// # Safety
///
/// None beyond the signature; `unsafe` only to share the contract of the SIMD backend,
/// whose callers guarantee `dst.len() >= utf8_len_from_latin1(src)`.
pub(super) unsafe fn latin1_to_utf8(src: &[u8], dst: &mut [u8]) -> usize {
    let mut w = 0;
    for &b in src {
        if b < 0x80 {
            dst[w] = b;
            w += 1;
        } else {
            dst[w] = 0xC0 | (b >> 6);
            dst[w + 1] = 0x80 | (b & 0x3F);
            w += 2;
        }
    }
    w
}

/// Latin-1 to UTF-16: every byte widens to one unit.
///
/// # Safety
///
/// None beyond the signature (see [`latin1_to_utf8`]); callers guarantee
/// `dst.len() >= src.len()`.
pub(super) unsafe fn latin1_to_utf16(src: &[u8], dst: &mut [u16]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = u16::from(s);
    }
}

/// Whether `src` is valid UTF-8.
pub(super) fn is_utf8(src: &[u8]) -> bool {
    core::str::from_utf8(src).is_ok()
}

/// Whether `src` is well-formed UTF-16.
pub(super) fn is_utf16(src: &[u16]) -> bool {
    utf16_valid_up_to(src) == src.len()
}

/// How many leading units of `src` are well-formed UTF-16 (every surrogate paired).
pub(super) fn utf16_valid_up_to(src: &[u16]) -> usize {
    let mut i = 0;
    while i < src.len() {
        let u = src[i];
        if (0xD800..0xDC00).contains(&u) {
            match src.get(i + 1) {
                Some(&next) if (0xDC00..0xE000).contains(&next) => i += 2,
                _ => return i,
            }
        } else if (0xDC00..0xE000).contains(&u) {
            return i;
        } else {
            i += 1;
        }
    }
    i
}

/// The UTF-8 length of well-formed UTF-16.
pub(super) fn utf8_len_from_valid_utf16(src: &[u16]) -> usize {
    src.iter()
        .map(|&u| match u {
            0..0x80 => 1,
            0x80..0x800 => 2,
            // A surrogate pair is four bytes, two per unit.
            0xD800..0xE000 => 2,
            _ => 3,
        })
        .sum()
}

/// Well-formed UTF-16 to UTF-8.
///
/// # Safety
///
/// None beyond the signature (see [`latin1_to_utf8`]); callers guarantee that `src` is
/// well-formed and `dst.len() >= utf8_len_from_valid_utf16(src)`.
pub(super) unsafe fn valid_utf16_to_utf8(src: &[u16], dst: &mut [u8]) -> usize {
    let mut w = 0;
    for c in char::decode_utf16(src.iter().copied()) {
        let c = c.expect("the caller checked that the input is well-formed");
        w += c.encode_utf8(&mut dst[w..]).len();
    }
    w
}

/// How many leading bytes of `src` are valid UTF-8.
pub(super) fn utf8_valid_up_to(src: &[u8]) -> usize {
    match core::str::from_utf8(src) {
        Ok(_) => src.len(),
        Err(e) => e.valid_up_to(),
    }
}

/// The UTF-16 length of valid UTF-8: one unit per byte that is not a continuation byte,
/// plus one more for each four-byte sequence.
pub(super) fn utf16_len_from_valid_utf8(src: &[u8]) -> usize {
    src.iter()
        .map(|&b| match b {
            0x80..0xC0 => 0,
            0xF0.. => 2,
            _ => 1,
        })
        .sum()
}

/// Valid UTF-8 to UTF-16.
///
/// # Safety
///
/// None beyond the signature (see [`latin1_to_utf8`]); callers guarantee that `src` is
/// valid UTF-8 and `dst.len() >= utf16_len_from_valid_utf8(src)`.
pub(super) unsafe fn valid_utf8_to_utf16(src: &[u8], dst: &mut [u16]) -> usize {
    let text = core::str::from_utf8(src).expect("the caller checked that the input is UTF-8");
    let mut w = 0;
    for unit in text.encode_utf16() {
        dst[w] = unit;
        w += 1;
    }
    w
}
