//! Inline strings (0..=16 bytes inside the 16-byte value): construction in registers, and
//! equality without a `memcmp` call.
//!
//! Where the time went before this file existed (x86-64, `Str::from(&str)` of 15 bytes and
//! its drop, about 8x compact_str): the bytes were copied into a stack buffer with two
//! overlapping 8-byte stores, then reloaded as 16 bytes at other offsets (a store-forwarding
//! stall, about 12 cycles), copied again into the `Result` the fallible constructor returns,
//! and once more into the caller's value; the pointer-form length was assembled from four
//! byte loads. Now the two words are built in registers: one or two loads of the input
//! (8-, 4- or 1-byte, overlapping, never past its end), a shift to drop the overlap, and the
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

impl Repr {
    /// An inline string holding `s`.
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
        let (lo, hi) = if len > 8 {
            // SAFETY: `8 < len`, so bytes `0..8` are inside `s`.
            let head = unsafe { load8(p) };
            // SAFETY: `8 < len`, so `len - 8` is inside `s`.
            let last8 = unsafe { p.add(len - 8) };
            // SAFETY: bytes `len - 8..len` are inside `s`.
            let tail = unsafe { load8(last8) };
            // `tail` holds bytes `len - 8..len`; the first `16 - len` of them are already in
            // `head`. The shift is 0..=56 bits.
            (head, tail >> ((INLINE_CAP - len) * 8))
        } else if len >= 4 {
            // SAFETY: `4 <= len`, so bytes `0..4` are inside `s`.
            let head = unsafe { load4(p) };
            // SAFETY: `4 <= len`, so `len - 4` is inside `s`.
            let last4 = unsafe { p.add(len - 4) };
            // SAFETY: bytes `len - 4..len` are inside `s`.
            let tail = unsafe { load4(last4) };
            // Overlapping bytes are equal, so OR-ing them is harmless. Shift: 0..=32 bits.
            (head | tail << ((len - 4) * 8), 0)
        } else if len > 0 {
            // One, two or three bytes: first, middle and last (some of them the same byte).
            let b = s.as_bytes();
            let mid = len / 2;
            let v = u64::from(b[0])
                | u64::from(b[mid]) << (mid * 8)
                | u64::from(b[len - 1]) << ((len - 1) * 8);
            (v, 0)
        } else {
            (0, 0)
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
    /// or pointer forms compare lengths, then the pointers (a clone shares its buffer), then
    /// the bytes.
    #[inline(always)]
    pub(crate) fn eq_repr(&self, other: &Repr) -> bool {
        if self.tag().max(other.tag()) < STATIC_TAG {
            return self.inline_bytes() == other.inline_bytes();
        }
        self.eq_slow(other)
    }

    /// The pointer-form part of [`eq_repr`](Repr::eq_repr), out of line.
    #[inline(never)]
    fn eq_slow(&self, other: &Repr) -> bool {
        let (a, b) = (self.as_bytes(), other.as_bytes());
        a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
    }

    /// Equality with a `&str`. When `self` is inline and `s` is short, `s` is loaded into
    /// registers as an inline representation and the two compared as 16 bytes: no `memcmp`.
    #[inline(always)]
    pub(crate) fn eq_str(&self, s: &str) -> bool {
        if self.is_inline() {
            return s.len() <= INLINE_CAP && self.inline_bytes() == Repr::inline(s).inline_bytes();
        }
        self.as_bytes() == s.as_bytes()
    }
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
}
