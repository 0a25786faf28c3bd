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

use super::{INLINE_CAP, Repr, SHORT_TAG, STATIC_TAG};

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

impl Repr {
    /// An inline string holding `s`.
    ///
    /// Four length classes, each a fixed sequence of loads (never past the end of `s`) and
    /// shifts: 8..=16 bytes (two overlapping 8-byte loads), 4..=7 (two 4-byte), 2..=3 (two
    /// 2-byte), 0..=1 (one byte, read from a zero byte when `s` is empty). Measured against
    /// compact_str (docs/BENCHMARKS.md): the earlier three-byte-loads path for 1..=3 bytes
    /// cost 1.4x compact_str's two 2-byte loads, and sending 8 bytes down the 4-byte path
    /// cost 1.5x its one 8-byte load.
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
        // Bytes 0..8 (`lo`) and 8..16 (`hi`) as little-endian numbers, zero past `len`.
        let (lo, hi) = if len >= 8 {
            // SAFETY: `8 <= len`, so bytes `0..8` are inside `s`.
            let head = unsafe { load8(p) };
            // SAFETY: `8 <= len`, so `len - 8` is inside `s`.
            let last8 = unsafe { p.add(len - 8) };
            // SAFETY: bytes `len - 8..len` are inside `s`.
            let tail = unsafe { load8(last8) };
            // `tail` holds bytes `len - 8..len`; the first `16 - len` of them are already in
            // `head`, so it moves right by `128 - 8 * len` bits: 0..=64. A 64-bit shift does
            // not exist, so it is done as two equal halves of 0..=32 bits (8 bytes give 0
            // with no branch of their own).
            let half = (INLINE_CAP - len) * 4;
            (head, (tail >> half) >> half)
        } else if len >= 4 {
            // SAFETY: `4 <= len`, so bytes `0..4` are inside `s`.
            let head = unsafe { load4(p) };
            // SAFETY: `4 <= len`, so `len - 4` is inside `s`.
            let last4 = unsafe { p.add(len - 4) };
            // SAFETY: bytes `len - 4..len` are inside `s`.
            let tail = unsafe { load4(last4) };
            // Overlapping bytes are equal, so OR-ing them is harmless. Shift: 0..=24 bits.
            (head | tail << ((len - 4) * 8), 0)
        } else if len >= 2 {
            // SAFETY: `2 <= len`, so bytes `0..2` are inside `s`.
            let head = unsafe { load2(p) };
            // SAFETY: `2 <= len`, so `len - 2` is inside `s`.
            let last2 = unsafe { p.add(len - 2) };
            // SAFETY: bytes `len - 2..len` are inside `s`.
            let tail = unsafe { load2(last2) };
            // As above; shift 0 or 8 bits.
            (head | tail << ((len - 2) * 8), 0)
        } else {
            // One byte, or none: read the zero byte instead of an empty string's dangling
            // pointer (a select between two valid pointers, not a branch).
            static ZERO: u8 = 0;
            let from = if len == 1 { p } else { &raw const ZERO };
            // SAFETY: `from` is the first byte of a one-byte `s`, or a static byte.
            (u64::from(unsafe { from.read() }), 0)
        };
        // Byte 15 is the length tag below 16 bytes, and the last data byte at 16.
        let tag = if len < INLINE_CAP {
            u64::from(SHORT_TAG + len as u8) << 56
        } else {
            0
        };
        let words = [lo.to_le(), (hi | tag).to_le()];
        // SAFETY: 16 initialised bytes; byte 15 is a length tag (at most 0xCF) or, for 16
        // bytes, the last byte of UTF-8 (below 0xC0); bytes past `len` are zero; the data is
        // UTF-8 (`s` is a `&str`). Both are 16 bytes; `transmute` ignores alignment.
        unsafe { std::mem::transmute::<[u64; 2], Repr>(words) }
    }

    /// Equality of two representations, any forms.
    ///
    /// Two inline strings are equal exactly when their 16 bytes are (the padding is zero and
    /// the length is in byte 15): one 16-byte compare, no call, no branch on the length. Mixed
    /// or pointer forms go through [`bytes_eq`].
    #[inline(always)]
    pub(crate) fn eq_repr(&self, other: &Repr) -> bool {
        if self.tag().max(other.tag()) < STATIC_TAG {
            return self.inline_bytes() == other.inline_bytes();
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
    std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b
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
