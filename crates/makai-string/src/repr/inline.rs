//! Inline strings (0..=16 bytes inside the 16-byte value): construction in registers, and
//! equality without a `memcmp` call.
//!
//! Where the time went before this file existed (x86-64, `Str::from(&str)` of 15 bytes and
//! its drop, about 8x compact_str): the bytes were copied into a stack buffer with two
//! overlapping 8-byte stores, then reloaded as 16 bytes at other offsets (a store-forwarding
//! stall, about 12 cycles), copied again into the `Result` the fallible constructor returns,
//! and once more into the caller's value; the pointer-form length was assembled from four
//! byte loads. Now the two words are built in registers: one or two loads of the input
//! (8-, 4-, 2- or 1-byte, overlapping, never past its end), a shift to drop the overlap, and the
//! length tag OR-ed into byte 15; the infallible constructors never build a `Result`.

use super::{EXT_TAG, INLINE_CAP, Repr, SHORT_TAG, STATIC_TAG};

/// Reads 8 bytes at `p` as a little-endian number.
///
/// # Safety
///
/// `p..p + 8` is readable.
#[inline(always)]
unsafe fn load8(p: *const u8) -> u64 {
    // SAFETY: caller's contract; `read_unaligned` needs no alignment.
    u64::from_le(unsafe { p.cast::<u64>().read_unaligned() })
}

/// Reads 4 bytes at `p` as a little-endian number.
///
/// # Safety
///
/// `p..p + 4` is readable.
#[inline(always)]
unsafe fn load4(p: *const u8) -> u64 {
    // SAFETY: caller's contract; `read_unaligned` needs no alignment.
    u64::from(u32::from_le(unsafe { p.cast::<u32>().read_unaligned() }))
}

/// Reads 2 bytes at `p` as a little-endian number.
///
/// # Safety
///
/// `p..p + 2` is readable.
#[inline(always)]
unsafe fn load2(p: *const u8) -> u64 {
    // SAFETY: caller's contract; `read_unaligned` needs no alignment.
    u64::from(u16::from_le(unsafe { p.cast::<u16>().read_unaligned() }))
}

/// Bytes 8..16 of an inline string of `len` bytes (`len < 16`) before its data is OR-ed in
/// (as a little-endian number): the length tag `SHORT_TAG + len` in byte 15, zeros elsewhere.
///
/// Computed (an `add` and a `shl`), not read from a table: a `static` table in this crate is
/// reached through the GOT from a position-independent binary in another crate (the
/// benchmark's loop loaded the table's address, then the entry, on every string: two dependent
/// loads on the way to the tag, 0.93-0.99x compact_str at 9..=15 bytes, 2026-12-05).
#[inline(always)]
const fn short_tag(len: usize) -> u64 {
    ((SHORT_TAG as u64) + len as u64) << 56
}

/// Bytes `0..len` of `s` (`len < 8`) as a little-endian number, zero above: two overlapping
/// 4-byte loads (4..=7), two 2-byte loads (2..=3), or one byte (0..=1, read from a zero byte
/// when `s` is empty), never past the end of `s`.
///
/// # Safety
///
/// `p..p + len` is readable and `len < 8`.
#[inline(always)]
unsafe fn load_short(p: *const u8, len: usize) -> u64 {
    if len >= 4 {
        // SAFETY: `4 <= len`, so bytes `0..4` are readable (caller's contract).
        let head = unsafe { load4(p) };
        // SAFETY: `4 <= len`, so `len - 4` is inside the readable bytes.
        let last4 = unsafe { p.add(len - 4) };
        // SAFETY: bytes `len - 4..len` are readable.
        let tail = unsafe { load4(last4) };
        // Overlapping bytes are equal, so OR-ing them is harmless. Shift: 0..=24 bits.
        head | tail << ((len - 4) * 8)
    } else if len >= 2 {
        // SAFETY: `2 <= len`, so bytes `0..2` are readable.
        let head = unsafe { load2(p) };
        // SAFETY: `2 <= len`, so `len - 2` is inside the readable bytes.
        let last2 = unsafe { p.add(len - 2) };
        // SAFETY: bytes `len - 2..len` are readable.
        let tail = unsafe { load2(last2) };
        // As above; shift 0 or 8 bits.
        head | tail << ((len - 2) * 8)
    } else {
        // One byte, or none: read the zero byte instead of an empty string's dangling
        // pointer (a select between two valid pointers, not a branch).
        static ZERO: u8 = 0;
        let from = if len == 1 { p } else { &raw const ZERO };
        // SAFETY: `from` is the first byte of a one-byte string, or a static byte.
        u64::from(unsafe { from.read() })
    }
}

/// The bytes of `s` (at most 15), zero-padded to 16, read with the same fixed load sequences
/// as [`Repr::inline`] (at most two reads per 8-byte half, never past the end of `s`): no
/// variable-length `memcpy` call. For the other inline layouts (`EncStr`).
///
/// # Panics
///
/// If `s` is longer than 15 bytes (callers test the length first, so the check folds away).
#[inline(always)]
pub(crate) fn padded15(s: &[u8]) -> [u8; 16] {
    let len = s.len();
    assert!(len < INLINE_CAP, "padded15 takes at most 15 bytes");
    let p = s.as_ptr();
    let (lo, hi) = if len < 8 {
        // SAFETY: `len < 8` and `s` has `len` readable bytes.
        (unsafe { load_short(p, len) }, 0)
    } else if len == 8 {
        // SAFETY: `s` is 8 bytes long.
        (unsafe { load8(p) }, 0)
    } else {
        // SAFETY: `8 < len`, so bytes `0..8` are inside `s`.
        let head = unsafe { load8(p) };
        // SAFETY: `8 < len`, so `len - 8` is inside `s`.
        let last8 = unsafe { p.add(len - 8) };
        // SAFETY: bytes `len - 8..len` are inside `s`.
        let tail = unsafe { load8(last8) };
        // `tail` holds bytes `len - 8..len`; the first `16 - len` of them are in `head`.
        (head, tail >> ((INLINE_CAP - len) * 8))
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&lo.to_le_bytes());
    out[8..].copy_from_slice(&hi.to_le_bytes());
    out
}

impl Repr {
    /// An inline string holding `s`.
    ///
    /// Five length classes, each a fixed sequence of loads (never past the end of `s`), tested
    /// in this order: 16 bytes (two 8-byte loads, no shift, no tag: the last data byte is byte
    /// 15), 0..=7 (see [`load_short`]), 8 (one 8-byte load), 9..=15 (two overlapping 8-byte
    /// loads and one shift). Below 16 the length tag is [`short_tag`].
    ///
    /// Why this order and these classes (x86-64, 1024 distinct keys of one length built and
    /// dropped per iteration, docs/BENCHMARKS.md): the time follows the taken branches on a
    /// length's path more than its instruction count. The earlier single class for 8..=16
    /// (a tail shift of 0..=64 bits done as two halves, and a `cmp`/`cmov` to drop the tag
    /// at 16) cost 1.5x compact_str at 8 bytes and 1.15-1.35x at 15-16. With 16 tested first
    /// (its path falls through), 8 on its own (no shift) and the tag one `or` from memory,
    /// `Str` measured 1.41x compact_str at 16 bytes and 1.10-1.14x at 2..=7. At 8..=15 bytes
    /// the loop body is about as long as compact_str's (25 instructions for 9..=15), and the
    /// result moves with code placement: `SmolStr`, whose loop is the same instructions,
    /// measured 1.01-1.08x compact_str there while `Str` measured 0.90-0.98x in the same
    /// binary (docs/BENCHMARKS.md, 2026-12-04).
    ///
    /// # Panics
    ///
    /// If `s` is longer than [`INLINE_CAP`]. Callers test the length first (to choose the
    /// heap path), so once inlined the check folds away.
    #[inline(always)]
    pub(crate) fn inline(s: &str) -> Repr {
        let len = s.len();
        assert!(len <= INLINE_CAP, "inline string longer than 16 bytes");
        let p = s.as_ptr();
        // Bytes 0..8 (`lo`) and 8..16 (`hi`) as little-endian numbers, zero past `len`, with
        // the length tag in byte 15 below 16 bytes.
        let (lo, hi) = if len == INLINE_CAP {
            // SAFETY: `s` is 16 bytes long: bytes `0..8` are inside it.
            let head = unsafe { load8(p) };
            // SAFETY: offset 8 is inside `s`.
            let second = unsafe { p.add(8) };
            // SAFETY: bytes `8..16` are inside `s`.
            (head, unsafe { load8(second) })
        } else {
            let tag = short_tag(len);
            if len < 8 {
                // SAFETY: `len < 8` and `s` has `len` readable bytes.
                (unsafe { load_short(p, len) }, tag)
            } else if len == 8 {
                // SAFETY: `s` is 8 bytes long.
                (unsafe { load8(p) }, tag)
            } else {
                // SAFETY: `8 < len`, so bytes `0..8` are inside `s`.
                let head = unsafe { load8(p) };
                // SAFETY: `8 < len`, so `len - 8` is inside `s`.
                let last8 = unsafe { p.add(len - 8) };
                // SAFETY: bytes `len - 8..len` are inside `s`.
                let tail = unsafe { load8(last8) };
                // `tail` holds bytes `len - 8..len`; the first `16 - len` of them are already
                // in `head`, so it moves right by `128 - 8 * len` bits: 8..=56 for 9..=15
                // bytes, which also leaves byte 15 zero for the tag.
                (head, tail >> ((INLINE_CAP - len) * 8) | tag)
            }
        };
        let words = [lo.to_le(), hi.to_le()];
        // SAFETY: 16 initialised bytes; byte 15 is a length tag (at most 0xCF) or, for 16
        // bytes, the last byte of UTF-8 (below 0xC0); bytes past `len` are zero; the data is
        // UTF-8 (`s` is a `&str`). Both are 16 bytes; `transmute` ignores alignment.
        unsafe { core::mem::transmute::<[u64; 2], Repr>(words) }
    }

    /// Equality of two representations, any forms.
    ///
    /// Two inline strings are equal exactly when their 16 bytes are (the padding is zero and
    /// the length is in byte 15): one 16-byte compare, no call, no branch on the length. Two
    /// heap (or two static) strings of the same length, the shape of comparing stored keys,
    /// are found with one more compare (bytes 8..16: tag and length together) and go straight
    /// to [`bytes_eq`] with their words as the data pointers. Other pairs (mixed forms,
    /// adopted buffers, different lengths) go through `as_bytes` first.
    ///
    /// Where the time went (x86-64, 4096 shuffled pairs of 24-byte heap strings, half
    /// equal): with every pair through `as_bytes`, each side paid a branch on the inline tag
    /// for its length and one on the adopted tag for its data pointer, 0.85-0.88x `String`'s
    /// `==`; the shortcut skips both.
    #[inline(always)]
    pub(crate) fn eq_repr(&self, other: &Repr) -> bool {
        let tag = self.tag();
        if tag.max(other.tag()) < STATIC_TAG {
            return self.inline_bytes() == other.inline_bytes();
        }
        if tag < EXT_TAG && self.same_tag_and_pointer_len(other) {
            // Both static or both heap (`tag` is a pointer tag and the tags are equal), of
            // the same length `n`: each word is the data pointer.
            let n = self.pointer_len();
            // SAFETY: a static or heap form's word points at its `n` bytes, which live as
            // long as the representation (a `'static` string, or a buffer it holds a
            // reference to).
            let a = unsafe { core::slice::from_raw_parts(self.word(), n) };
            // SAFETY: as above, for `other` (same form, same length).
            let b = unsafe { core::slice::from_raw_parts(other.word(), n) };
            return bytes_eq(a, b);
        }
        bytes_eq(self.as_bytes(), other.as_bytes())
    }

    /// Equality with a `&str`. When `self` is inline and `s` is short, `s` is loaded into
    /// registers as an inline representation and the two compared as 16 bytes: no `memcmp`.
    #[inline(always)]
    pub(crate) fn eq_str(&self, s: &str) -> bool {
        if self.is_inline() {
            return s.len() <= INLINE_CAP && self.inline_bytes() == Repr::inline(s).inline_bytes();
        }
        bytes_eq(self.as_bytes(), s.as_bytes())
    }
}

/// Equality of two byte strings, for the pointer forms: without a call from 16 to 64 bytes.
///
/// Where the time went (x86-64, 4096 shuffled pairs of distinct 24-byte heap strings, half
/// equal): comparing the slices with `==` (a length compare and a `bcmp` call), whether out
/// of line or inline, cost 2.2-6 ns per pair against `String`'s 1.5-1.7 ns for the same
/// `bcmp` on the same bytes; a 24-byte compare without the call cost 1.2-1.3 ns. So lengths
/// 16..=64 compare two or four overlapping 16-byte chunks per side, all inside the strings,
/// combined without branching; other lengths (short static strings, long buffers) compare
/// the pointers first (a clone shares its buffer) and then call `bcmp`.
#[inline(always)]
fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if let (Some(a_head), Some(b_head), Some(a_tail), Some(b_tail)) = (
        a.first_chunk::<16>(),
        b.first_chunk::<16>(),
        a.last_chunk::<16>(),
        b.last_chunk::<16>(),
    ) && n <= 64
    {
        // `&` rather than `&&`: both compares run, no branch between them.
        let mut same = (a_head == b_head) & (a_tail == b_tail);
        if n > 32 {
            // Bytes 16..32 and n - 32..n - 16: with the two above, every byte of 33..=64.
            let (a_mid, b_mid) = (&a[16..], &b[16..]);
            let (a_back, b_back) = (&a[..n - 16], &b[..n - 16]);
            if let (Some(x), Some(y), Some(z), Some(w)) = (
                a_mid.first_chunk::<16>(),
                b_mid.first_chunk::<16>(),
                a_back.last_chunk::<16>(),
                b_back.last_chunk::<16>(),
            ) {
                same &= (x == y) & (z == w);
            }
        }
        return same;
    }
    core::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_lengths_and_canonical_padding() {
        let text = "0123456789abcdef";
        for n in 0..=INLINE_CAP {
            let r = Repr::inline(&text[..n]);
            assert!(r.is_inline());
            assert_eq!(r.len(), n);
            assert_eq!(r.as_bytes(), &text.as_bytes()[..n]);
            let raw = r.inline_bytes();
            assert_eq!(&raw[..n], &text.as_bytes()[..n]);
            if n < INLINE_CAP {
                assert!(raw[n..15].iter().all(|&b| b == 0), "padding of {n}");
                assert_eq!(raw[15], SHORT_TAG + n as u8);
            }
        }
    }

    #[test]
    fn padded15_places_every_byte_and_zero_pads() {
        let src: Vec<u8> = (1..=15).collect();
        for len in 0..INLINE_CAP {
            let got = padded15(&src[..len]);
            let mut want = [0u8; 16];
            want[..len].copy_from_slice(&src[..len]);
            assert_eq!(got, want, "len {len}");
        }
    }

    #[test]
    fn every_byte_position_is_placed() {
        // Distinct bytes at every position catch a wrong shift or a lost overlap.
        let text = "ABCDEFGHIJKLMNOP";
        for n in 0..=INLINE_CAP {
            for start in 0..=(INLINE_CAP - n) {
                let s = &text[start..start + n];
                assert_eq!(Repr::inline(s).as_str(), s);
            }
        }
    }

    #[test]
    fn equality_of_inline_and_str() {
        let a = Repr::inline("héllo");
        assert!(a.eq_repr(&Repr::inline("héllo")));
        assert!(!a.eq_repr(&Repr::inline("héllp")));
        assert!(!a.eq_repr(&Repr::inline("héll")));
        assert!(a.eq_str("héllo"));
        assert!(!a.eq_str("héll"));
        assert!(!a.eq_str("héllo, and a lot more than sixteen bytes"));
        assert!(Repr::EMPTY.eq_str(""));
        let st = Repr::from_static("héllo");
        assert!(st.eq_repr(&a) && a.eq_repr(&st));
        assert!(st.eq_str("héllo") && !st.eq_str("hello"));
    }

    #[test]
    fn same_form_pointer_pairs_compare_by_bytes_at_short_lengths_too() {
        // Two heap buffers (a `SmolStr` with spare capacity, frozen: heap even when short) or
        // two static strings of one length take `eq_repr`'s shortcut; it must compare the
        // bytes, at lengths inside and outside `bytes_eq`'s chunk range.
        const TEXT: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
        const OTHER: &str = "0123456789abcdefghijklmnopqrstuvwxyZ";
        let heap = |s: &str| {
            let mut b = crate::SmolStr::with_capacity(64);
            b.push_str(s);
            b
        };
        for n in (0..=TEXT.len()).filter(|&n| !cfg!(miri) || n % 5 < 2 || n >= 15) {
            let s = &TEXT[..n];
            let (a, b) = (heap(s).freeze(), heap(s).freeze());
            assert!(!a.is_inline() && !a.is_static(), "len {n}");
            let (sa, sb) = (
                crate::Str::from_static(&TEXT[..n]),
                crate::Str::from_static(s),
            );
            for (x, y) in [(&a, &b), (&b, &a), (&sa, &sb), (&a, &sa), (&sb, &b)] {
                assert!(x == y, "len {n}");
            }
            assert!(heap(s) == heap(s), "SmolStr, len {n}");
            if n > 0 {
                // The last byte differs (the shape of the benchmark's unequal half), then the first.
                let last = &OTHER[TEXT.len() - n..];
                let mut first = String::from("#");
                first.push_str(&s[1..]);
                for t in [String::from(&s[..n - 1]) + &last[n - 1..], first] {
                    let o = heap(&t).freeze();
                    for (x, y) in [(&a, &o), (&o, &a)] {
                        assert!(x != y, "len {n}: {t}");
                    }
                    assert!(heap(s) != heap(&t), "SmolStr, len {n}: {t}");
                }
                let st = crate::Str::from_static(&OTHER[..n]);
                assert_eq!(sa == st, n < TEXT.len(), "static, len {n}");
            }
            let longer = heap(&TEXT[..(n + 1).min(TEXT.len())]).freeze();
            assert_eq!(
                a == longer,
                n == TEXT.len(),
                "len {n} against one more byte"
            );
        }
    }

    #[test]
    fn pointer_forms_equal_at_every_length_and_differ_at_every_byte() {
        // Lengths around each chunk boundary of `bytes_eq` (16, 32, 64), every byte changed.
        const TEXT: &str =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij";
        // The adopted form (a `Box<str>` past 16 bytes), a heap copy and the static form.
        // Natively every length and every byte; Miri interprets about a thousand times slower,
        // so there the lengths and bytes next to each chunk edge and the ends stand for the rest.
        let near_edges = |i: usize| {
            [0, 1, 2, 7, 8, 9].contains(&i)
                || [16, 32, 64, 82].iter().any(|&e| i + 2 >= e && i <= e + 2)
        };
        let text = TEXT;
        for n in (0..=text.len()).filter(|&n| !cfg!(miri) || near_edges(n)) {
            let s = &text[..n];
            let adopted = crate::Str::from(String::from(s).into_boxed_str());
            let copy = crate::Str::try_from_str(s).unwrap();
            let stat = crate::Str::from_static(&TEXT[..n]);
            for (a, b) in [(&adopted, &copy), (&copy, &stat), (&stat, &adopted)] {
                assert!(a.eq(b), "len {n}");
                assert!(b.eq(a), "len {n}");
            }
            assert_eq!(adopted, *s, "len {n} against &str");
            assert_eq!(stat, *s, "len {n} against &str");
            assert_eq!(adopted.clone(), adopted, "a clone, len {n}");
            for i in (0..n).filter(|&i| !cfg!(miri) || near_edges(i) || i + 2 >= n) {
                let mut other = s.as_bytes().to_vec();
                other[i] = b' ';
                let other = String::from_utf8(other).unwrap();
                let o = crate::Str::try_from_str(&other).unwrap();
                for a in [&adopted, &copy, &stat] {
                    assert!(!a.eq(&o), "len {n}, byte {i}");
                    assert!(!o.eq(a), "len {n}, byte {i}");
                    assert_ne!(*a, *other.as_str(), "len {n}, byte {i} against &str");
                }
            }
            let longer = crate::Str::from(format!("{s}!").as_str());
            assert!(!copy.eq(&longer), "len {n} vs {}", n + 1);
            assert!(!longer.eq(&copy), "len {n} vs {}", n + 1);
        }
    }
}
