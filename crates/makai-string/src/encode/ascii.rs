//! ASCII case-insensitive comparison and byte search.

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Lowercases the ASCII capitals among the eight bytes of `word`, leaving every other byte
/// (including bytes `>= 0x80`) unchanged.
#[inline(always)]
const fn lower8(word: u64) -> u64 {
    // Per byte b (no carries cross bytes: every sum stays below 0x100):
    // low7 + (0x80 - b'A') has bit 7 set iff low7 >= b'A';
    // low7 + (0x7F - b'Z') has bit 7 set iff low7 > b'Z'.
    let low7 = word & (0x7F * ONES);
    let ge_a = low7 + (0x80 - b'A' as u64) * ONES;
    let gt_z = low7 + (0x7F - b'Z' as u64) * ONES;
    let ascii = !word & (0x80 * ONES);
    let upper = (ge_a ^ gt_z) & ascii;
    // Bit 7 of each capital, moved to bit 5 (0x20, the case bit).
    word | (upper >> 2)
}

/// Reads eight bytes as a native-endian word.
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

/// Whether `a` and `b` are equal when ASCII letters are compared without case. Non-ASCII
/// bytes must match exactly. Same answer as [`<[u8]>::eq_ignore_ascii_case`], eight bytes
/// at a time.
///
/// ```
/// use makai_string::encode::eq_ignore_ascii_case;
/// assert!(eq_ignore_ascii_case(b"Content-Type", b"content-type"));
/// assert!(!eq_ignore_ascii_case(b"Content-Type", b"content-typ"));
/// assert!(!eq_ignore_ascii_case("É".as_bytes(), "é".as_bytes()));
/// ```
#[doc(alias = "eqlCaseInsensitiveASCII")]
#[inline]
pub fn eq_ignore_ascii_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && eq_ignore_case_same_len(a, b)
}

/// The comparison behind [`eq_ignore_ascii_case`] for slices of the same length.
#[inline]
fn eq_ignore_case_same_len(a: &[u8], b: &[u8]) -> bool {
    debug_assert_eq!(a.len(), b.len());
    let len = a.len();
    if len < 8 {
        return a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y));
    }
    let mut i = 0;
    while i + 8 <= len {
        if lower8(word_at(a, i)) != lower8(word_at(b, i)) {
            return false;
        }
        i += 8;
    }
    // The last (overlapping) word covers the tail.
    i == len || lower8(word_at(a, len - 8)) == lower8(word_at(b, len - 8))
}

/// Whether `haystack` starts with `prefix` when ASCII letters are compared without case.
///
/// ```
/// use makai_string::encode::starts_with_ignore_ascii_case;
/// assert!(starts_with_ignore_ascii_case(b"HTTP/1.1 200 OK", b"http/"));
/// assert!(!starts_with_ignore_ascii_case(b"ftp", b"ftps"));
/// ```
#[doc(alias = "hasPrefixCaseInsensitive")]
#[inline]
pub fn starts_with_ignore_ascii_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack.len() >= prefix.len() && eq_ignore_case_same_len(&haystack[..prefix.len()], prefix)
}

/// The index of the first `needle` byte in `haystack` (memchr).
///
/// ```
/// assert_eq!(makai_string::encode::index_of_byte(b"key=value", b'='), Some(3));
/// ```
#[doc(alias = "indexOfChar")]
#[inline]
pub fn index_of_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    memchr::memchr(needle, haystack)
}

/// The index of the last `needle` byte in `haystack`.
///
/// ```
/// assert_eq!(makai_string::encode::last_index_of_byte(b"/usr/lib/x", b'/'), Some(8));
/// ```
#[doc(alias = "lastIndexOfChar")]
#[inline]
pub fn last_index_of_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    memchr::memrchr(needle, haystack)
}

/// The index of the first byte of `haystack` that is one of `set`.
///
/// Sets of up to three bytes use memchr's vectorised search; larger sets a 256-bit table.
///
/// ```
/// use makai_string::encode::index_of_any;
/// assert_eq!(index_of_any(b"a+b*c", b"*+"), Some(1));
/// assert_eq!(index_of_any(b"<a href=\"x\">", b"\"&<>'"), Some(0));
/// assert_eq!(index_of_any(b"plain", b""), None);
/// ```
#[doc(alias = "indexOfAny")]
pub fn index_of_any(haystack: &[u8], set: &[u8]) -> Option<usize> {
    match *set {
        [] => None,
        [a] => memchr::memchr(a, haystack),
        [a, b] => memchr::memchr2(a, b, haystack),
        [a, b, c] => memchr::memchr3(a, b, c, haystack),
        _ => {
            let mut table = [0u64; 4];
            for &b in set {
                table[usize::from(b >> 6)] |= 1 << (b & 63);
            }
            haystack
                .iter()
                .position(|&b| table[usize::from(b >> 6)] & (1 << (b & 63)) != 0)
        }
    }
}

/// The index of the first occurrence of `needle` in `haystack` (memchr's `memmem`). An empty
/// needle is found at 0.
///
/// ```
/// assert_eq!(makai_string::encode::find(b"a needle in a haystack", b"needle"), Some(2));
/// ```
#[doc(alias = "indexOf")]
#[inline]
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The index of the last occurrence of `needle` in `haystack`. An empty needle is found at
/// `haystack.len()`.
///
/// ```
/// assert_eq!(makai_string::encode::rfind(b"abcabc", b"bc"), Some(4));
/// ```
#[doc(alias = "lastIndexOf")]
#[inline]
pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower8_matches_std_on_every_byte() {
        for b in 0..=255u8 {
            let word = u64::from_ne_bytes([b, b'A', b'z', b, 0x80, b'Z', b, 0xC1]);
            let expect = u64::from_ne_bytes(
                [b, b'A', b'z', b, 0x80, b'Z', b, 0xC1].map(|x| x.to_ascii_lowercase()),
            );
            assert_eq!(lower8(word), expect, "byte {b:#x}");
        }
    }

    #[test]
    fn case_insensitive_equality_matches_std() {
        let all: Vec<u8> = (0..=255u8).collect();
        let upper: Vec<u8> = all.iter().map(u8::to_ascii_uppercase).collect();
        for len in 0..all.len() {
            assert!(eq_ignore_ascii_case(&all[..len], &upper[..len]));
        }
        for i in 0..all.len() {
            let mut other = upper.clone();
            other[i] ^= 0x40;
            assert_eq!(
                eq_ignore_ascii_case(&all, &other),
                all.eq_ignore_ascii_case(&other),
                "flip at {i}"
            );
        }
    }
}
