//! [`BitSet`] (inline, `64 * WORDS` bits) and [`DynBitSet`] (heap, any length), with word-at-a-time
//! search and iteration in both directions.
//!
//! Bit `i` is bit `i % 64` of word `i / 64` (least significant first), the layout of
//! `bitvec`'s `BitSlice<u64, Lsb0>`, so conversions copy words.
//!
//! **Invariant:** the padding bits of a `DynBitSet`'s last word (positions `len..` rounded up
//! to 64) are always zero, so `count`, equality and the unset-bit searches need no masking
//! beyond the length bound.

use core::fmt;
use core::ops::{Bound, RangeBounds};

use makai_alloc::{Allocator, Global};
use makai_error::AllocError;

use core::alloc::Layout;
use core::ptr::NonNull;

const BITS: usize = 64;

/// Resolves `range` against a set of `len` bits.
#[track_caller]
fn bounds(range: impl RangeBounds<usize>, len: usize) -> (usize, usize) {
    let start = match range.start_bound() {
        Bound::Included(&s) => s,
        Bound::Excluded(&s) => s.checked_add(1).expect("range start overflows usize"),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&e) => e.checked_add(1).expect("range end overflows usize"),
        Bound::Excluded(&e) => e,
        Bound::Unbounded => len,
    };
    assert!(
        start <= end && end <= len,
        "bit range {start}..{end} out of bounds for a set of {len} bits"
    );
    (start, end)
}

/// Sets (or clears) bits `start..end`, a word at a time.
fn fill(words: &mut [u64], start: usize, end: usize, value: bool) {
    if start >= end {
        return;
    }
    let (first, last) = (start / BITS, (end - 1) / BITS);
    let head = u64::MAX << (start % BITS);
    let tail = u64::MAX >> (BITS - 1 - (end - 1) % BITS);
    let apply = |w: &mut u64, mask: u64| {
        if value {
            *w |= mask;
        } else {
            *w &= !mask;
        }
    };
    if first == last {
        apply(&mut words[first], head & tail);
        return;
    }
    apply(&mut words[first], head);
    for w in &mut words[first + 1..last] {
        *w = if value { u64::MAX } else { 0 };
    }
    apply(&mut words[last], tail);
}

/// The lowest `i` in `from..to` whose bit, XOR `invert`, is one.
#[inline]
fn next_one(words: &[u64], invert: u64, from: usize, to: usize) -> Option<usize> {
    if from >= to {
        return None;
    }
    let mut w = from / BITS;
    let mut word = (words[w] ^ invert) & (u64::MAX << (from % BITS));
    loop {
        if word != 0 {
            let i = w * BITS + word.trailing_zeros() as usize;
            return (i < to).then_some(i);
        }
        w += 1;
        if w * BITS >= to {
            return None;
        }
        word = words[w] ^ invert;
    }
}

/// The highest `i` in `from..to` whose bit, XOR `invert`, is one.
#[inline]
fn prev_one(words: &[u64], invert: u64, from: usize, to: usize) -> Option<usize> {
    if from >= to {
        return None;
    }
    let last = to - 1;
    let mut w = last / BITS;
    let mut word = (words[w] ^ invert) & (u64::MAX >> (BITS - 1 - last % BITS));
    loop {
        if word != 0 {
            let i = w * BITS + (BITS - 1 - word.leading_zeros() as usize);
            return (i >= from).then_some(i);
        }
        if w * BITS <= from {
            return None;
        }
        w -= 1;
        word = words[w] ^ invert;
    }
}

/// An iterator over the set (or unset) bits of a bit set, ascending, and descending from the
/// back (`DoubleEndedIterator`). Made by `iter_set` and `iter_unset`.
///
/// ```
/// let mut s = makai_collections::BitSet::<1>::new();
/// s.set(3);
/// s.set(9);
/// assert_eq!(s.iter_set().rev().collect::<Vec<_>>(), [9, 3]);
/// ```
#[derive(Clone, Debug)]
pub struct BitIter<'a> {
    words: &'a [u64],
    invert: u64,
    front: usize,
    back: usize,
}

impl Iterator for BitIter<'_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        match next_one(self.words, self.invert, self.front, self.back) {
            Some(i) => {
                self.front = i + 1;
                Some(i)
            }
            None => {
                self.front = self.back;
                None
            }
        }
    }
}

impl DoubleEndedIterator for BitIter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<usize> {
        match prev_one(self.words, self.invert, self.front, self.back) {
            Some(i) => {
                self.back = i;
                Some(i)
            }
            None => {
                self.back = self.front;
                None
            }
        }
    }
}

impl core::iter::FusedIterator for BitIter<'_> {}

/// The methods `BitSet` and `DynBitSet` share, over `self.words()`, `self.words_mut()`,
/// `self.len()`. `$new` is an expression building an empty set of at least 128 bits for the
/// examples.
macro_rules! bitset_methods {
    ($new:literal) => {
        /// `true` when bit `i` is set.
        ///
        /// # Panics
        ///
        /// When `i >= self.len()`.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(5);
        /// assert!(s.is_set(5) && !s.is_set(6));
        /// ```
        #[inline]
        #[must_use]
        #[track_caller]
        pub fn is_set(&self, i: usize) -> bool {
            self.check(i);
            self.words()[i / BITS] >> (i % BITS) & 1 != 0
        }

        /// Sets bit `i`.
        ///
        /// # Panics
        ///
        /// When `i >= self.len()`.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(70);
        /// assert_eq!(s.count(), 1);
        /// ```
        #[inline]
        #[track_caller]
        pub fn set(&mut self, i: usize) {
            self.check(i);
            self.words_mut()[i / BITS] |= 1 << (i % BITS);
        }

        /// Clears bit `i`.
        ///
        /// # Panics
        ///
        /// When `i >= self.len()`.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(7);
        /// s.unset(7);
        /// assert!(!s.is_set(7));
        /// ```
        #[inline]
        #[track_caller]
        pub fn unset(&mut self, i: usize) {
            self.check(i);
            self.words_mut()[i / BITS] &= !(1 << (i % BITS));
        }

        /// Flips bit `i`.
        ///
        /// # Panics
        ///
        /// When `i >= self.len()`.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.toggle(2);
        /// assert!(s.is_set(2));
        /// s.toggle(2);
        /// assert!(!s.is_set(2));
        /// ```
        #[inline]
        #[track_caller]
        pub fn toggle(&mut self, i: usize) {
            self.check(i);
            self.words_mut()[i / BITS] ^= 1 << (i % BITS);
        }

        /// Sets bit `i` to `value`.
        ///
        /// # Panics
        ///
        /// When `i >= self.len()`.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_value(4, true);
        /// assert!(s.is_set(4));
        /// ```
        #[inline]
        #[track_caller]
        pub fn set_value(&mut self, i: usize, value: bool) {
            if value { self.set(i) } else { self.unset(i) }
        }

        /// Number of set bits.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_range(10..20);
        /// assert_eq!(s.count(), 10);
        /// ```
        #[must_use]
        pub fn count(&self) -> usize {
            self.words().iter().map(|w| w.count_ones() as usize).sum()
        }

        /// `true` when no bit is set.
        ///
        /// ```
        #[doc = concat!("assert!(", $new, ".is_clear());")]
        /// ```
        #[must_use]
        pub fn is_clear(&self) -> bool {
            self.words().iter().all(|&w| w == 0)
        }

        /// The lowest set bit.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// assert_eq!(s.find_first_set(), None);
        /// s.set(100);
        /// s.set(65);
        /// assert_eq!(s.find_first_set(), Some(65));
        /// ```
        #[inline]
        #[must_use]
        pub fn find_first_set(&self) -> Option<usize> {
            next_one(self.words(), 0, 0, self.len())
        }

        /// The lowest unset bit.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_range(0..70);
        /// assert_eq!(s.find_first_unset(), Some(70));
        /// ```
        #[inline]
        #[must_use]
        pub fn find_first_unset(&self) -> Option<usize> {
            next_one(self.words(), u64::MAX, 0, self.len())
        }

        /// The highest set bit.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(3);
        /// s.set(90);
        /// assert_eq!(s.find_last_set(), Some(90));
        /// ```
        #[inline]
        #[must_use]
        pub fn find_last_set(&self) -> Option<usize> {
            prev_one(self.words(), 0, 0, self.len())
        }

        /// The lowest set bit at or after `from` (`None` when `from >= len`).
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(3);
        /// s.set(90);
        /// assert_eq!(s.find_next_set(4), Some(90));
        /// ```
        #[inline]
        #[must_use]
        pub fn find_next_set(&self, from: usize) -> Option<usize> {
            next_one(self.words(), 0, from, self.len())
        }

        /// The lowest unset bit at or after `from` (`None` when `from >= len`).
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_range(5..9);
        /// assert_eq!(s.find_next_unset(5), Some(9));
        /// ```
        #[inline]
        #[must_use]
        pub fn find_next_unset(&self, from: usize) -> Option<usize> {
            next_one(self.words(), u64::MAX, from, self.len())
        }

        /// Clears the lowest set bit and returns its index.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(8);
        /// s.set(9);
        /// assert_eq!(s.toggle_first_set(), Some(8));
        /// assert_eq!(s.toggle_first_set(), Some(9));
        /// assert_eq!(s.toggle_first_set(), None);
        /// ```
        #[inline]
        pub fn toggle_first_set(&mut self) -> Option<usize> {
            for (w, word) in self.words_mut().iter_mut().enumerate() {
                if *word != 0 {
                    let b = word.trailing_zeros() as usize;
                    *word &= *word - 1;
                    return Some(w * BITS + b);
                }
            }
            None
        }

        /// Sets every bit in `range`.
        ///
        /// # Panics
        ///
        /// When the range is decreasing or ends past `self.len()`.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_range(60..=67);
        /// assert_eq!(s.iter_set().collect::<Vec<_>>(), (60..68).collect::<Vec<_>>());
        /// ```
        #[track_caller]
        pub fn set_range(&mut self, range: impl RangeBounds<usize>) {
            let (start, end) = bounds(range, self.len());
            fill(self.words_mut(), start, end, true);
        }

        /// Clears every bit in `range`.
        ///
        /// # Panics
        ///
        /// When the range is decreasing or ends past `self.len()`.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_range(..);
        /// s.unset_range(1..);
        /// assert_eq!(s.count(), 1);
        /// ```
        #[track_caller]
        pub fn unset_range(&mut self, range: impl RangeBounds<usize>) {
            let (start, end) = bounds(range, self.len());
            fill(self.words_mut(), start, end, false);
        }

        /// Sets every bit.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_all();
        /// assert_eq!(s.count(), s.len());
        /// ```
        pub fn set_all(&mut self) {
            let len = self.len();
            fill(self.words_mut(), 0, len, true);
        }

        /// Clears every bit.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(1);
        /// s.unset_all();
        /// assert!(s.is_clear());
        /// ```
        pub fn unset_all(&mut self) {
            self.words_mut().fill(0);
        }

        /// Iterates over the indices of set bits, ascending (`.rev()` for descending).
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(1);
        /// s.set(64);
        /// assert_eq!(s.iter_set().collect::<Vec<_>>(), [1, 64]);
        /// ```
        #[must_use]
        pub fn iter_set(&self) -> BitIter<'_> {
            BitIter {
                words: self.words(),
                invert: 0,
                front: 0,
                back: self.len(),
            }
        }

        /// Iterates over the indices of unset bits, ascending (`.rev()` for descending).
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set_range(2..);
        /// assert_eq!(s.iter_unset().collect::<Vec<_>>(), [0, 1]);
        /// ```
        #[must_use]
        pub fn iter_unset(&self) -> BitIter<'_> {
            BitIter {
                words: self.words(),
                invert: u64::MAX,
                front: 0,
                back: self.len(),
            }
        }

        /// The words, least significant bit first; padding bits past `len` are zero.
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.set(65);
        /// assert_eq!(s.as_words()[1], 2);
        /// ```
        #[inline]
        #[must_use]
        pub fn as_words(&self) -> &[u64] {
            self.words()
        }

        /// In place: `self = self ∪ other`.
        ///
        /// # Panics
        ///
        /// When the lengths differ.
        ///
        /// ```
        #[doc = concat!("let (mut a, mut b) = (", $new, ", ", $new, ");")]
        /// a.set(1);
        /// b.set(2);
        /// a.union(&b);
        /// assert_eq!(a.iter_set().collect::<Vec<_>>(), [1, 2]);
        /// ```
        #[track_caller]
        pub fn union(&mut self, other: &Self) {
            self.zip_with(other, |a, b| a | b);
        }

        /// In place: `self = self ∩ other`.
        ///
        /// # Panics
        ///
        /// When the lengths differ.
        ///
        /// ```
        #[doc = concat!("let (mut a, mut b) = (", $new, ", ", $new, ");")]
        /// a.set_range(0..4);
        /// b.set_range(2..6);
        /// a.intersection(&b);
        /// assert_eq!(a.iter_set().collect::<Vec<_>>(), [2, 3]);
        /// ```
        #[track_caller]
        pub fn intersection(&mut self, other: &Self) {
            self.zip_with(other, |a, b| a & b);
        }

        /// In place: `self = self \ other`.
        ///
        /// # Panics
        ///
        /// When the lengths differ.
        ///
        /// ```
        #[doc = concat!("let (mut a, mut b) = (", $new, ", ", $new, ");")]
        /// a.set_range(0..4);
        /// b.set_range(2..6);
        /// a.difference(&b);
        /// assert_eq!(a.iter_set().collect::<Vec<_>>(), [0, 1]);
        /// ```
        #[track_caller]
        pub fn difference(&mut self, other: &Self) {
            self.zip_with(other, |a, b| a & !b);
        }

        /// In place: `self = self △ other` (bits set in exactly one of the two).
        ///
        /// # Panics
        ///
        /// When the lengths differ.
        ///
        /// ```
        #[doc = concat!("let (mut a, mut b) = (", $new, ", ", $new, ");")]
        /// a.set_range(0..4);
        /// b.set_range(2..6);
        /// a.symmetric_difference(&b);
        /// assert_eq!(a.iter_set().collect::<Vec<_>>(), [0, 1, 4, 5]);
        /// ```
        #[track_caller]
        pub fn symmetric_difference(&mut self, other: &Self) {
            self.zip_with(other, |a, b| a ^ b);
        }

        /// In place: flips every bit (padding bits stay zero).
        ///
        /// ```
        #[doc = concat!("let mut s = ", $new, ";")]
        /// s.complement();
        /// assert_eq!(s.count(), s.len());
        /// ```
        pub fn complement(&mut self) {
            for w in self.words_mut() {
                *w = !*w;
            }
            self.clear_padding();
        }

        /// `true` when every bit set in `self` is set in `other`.
        ///
        /// # Panics
        ///
        /// When the lengths differ.
        ///
        /// ```
        #[doc = concat!("let (mut a, mut b) = (", $new, ", ", $new, ");")]
        /// a.set(3);
        /// b.set_range(0..8);
        /// assert!(a.is_subset(&b) && !b.is_subset(&a));
        /// ```
        #[must_use]
        #[track_caller]
        pub fn is_subset(&self, other: &Self) -> bool {
            self.same_len(other);
            self.words()
                .iter()
                .zip(other.words())
                .all(|(a, b)| a & !b == 0)
        }

        #[inline]
        #[track_caller]
        fn check(&self, i: usize) {
            assert!(
                i < self.len(),
                "bit index {i} out of bounds for a set of {} bits",
                self.len()
            );
        }

        #[track_caller]
        fn same_len(&self, other: &Self) {
            assert_eq!(self.len(), other.len(), "bit sets of different lengths");
        }

        #[track_caller]
        fn zip_with(&mut self, other: &Self, f: impl Fn(u64, u64) -> u64) {
            self.same_len(other);
            for (a, &b) in self.words_mut().iter_mut().zip(other.words()) {
                *a = f(*a, b);
            }
            self.clear_padding();
        }
    };
}

/// A set of `64 * WORDS` bits stored inline (Bun's `ArrayBitSet`), `Copy`.
///
/// ```
/// use makai_collections::BitSet;
/// let mut s = BitSet::<2>::new(); // 128 bits, all unset
/// s.set(127);
/// s.set_range(0..3);
/// assert_eq!(s.find_first_unset(), Some(3));
/// assert_eq!(s.iter_set().collect::<Vec<_>>(), [0, 1, 2, 127]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BitSet<const WORDS: usize> {
    words: [u64; WORDS],
}

impl<const WORDS: usize> BitSet<WORDS> {
    /// Number of bits, `64 * WORDS`.
    pub const LEN: usize = BITS * WORDS;

    /// A set with every bit unset (all-zero, so a `static` one lands in `.bss`).
    ///
    /// ```
    /// assert!(makai_collections::BitSet::<4>::new().is_clear());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { words: [0; WORDS] }
    }

    /// A set over the given words (bit `i` is bit `i % 64` of word `i / 64`).
    ///
    /// ```
    /// let s = makai_collections::BitSet::from_words([0b101]);
    /// assert_eq!(s.iter_set().collect::<Vec<_>>(), [0, 2]);
    /// ```
    #[must_use]
    pub const fn from_words(words: [u64; WORDS]) -> Self {
        Self { words }
    }

    /// Number of bits, `64 * WORDS`.
    ///
    /// ```
    /// assert_eq!(makai_collections::BitSet::<3>::new().len(), 192);
    /// ```
    #[inline]
    #[must_use]
    pub const fn len(&self) -> usize {
        Self::LEN
    }

    /// `true` when the set has no bits at all (`WORDS == 0`).
    ///
    /// ```
    /// assert!(makai_collections::BitSet::<0>::new().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        WORDS == 0
    }

    #[inline]
    fn words(&self) -> &[u64] {
        &self.words
    }

    #[inline]
    fn words_mut(&mut self) -> &mut [u64] {
        &mut self.words
    }

    /// A `BitSet` has no padding bits.
    #[inline]
    fn clear_padding(&mut self) {}

    bitset_methods!("makai_collections::BitSet::<2>::new()");
}

impl<const WORDS: usize> Default for BitSet<WORDS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const WORDS: usize> fmt::Debug for BitSet<WORDS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter_set()).finish()
    }
}

macro_rules! bitset_op {
    ($trait:ident, $method:ident, $assign_trait:ident, $assign:ident, $f:ident) => {
        impl<const WORDS: usize> core::ops::$trait for BitSet<WORDS> {
            type Output = Self;
            fn $method(mut self, rhs: Self) -> Self {
                self.$f(&rhs);
                self
            }
        }
        impl<const WORDS: usize> core::ops::$assign_trait for BitSet<WORDS> {
            fn $assign(&mut self, rhs: Self) {
                self.$f(&rhs);
            }
        }
    };
}
bitset_op!(BitOr, bitor, BitOrAssign, bitor_assign, union);
bitset_op!(BitAnd, bitand, BitAndAssign, bitand_assign, intersection);
bitset_op!(
    BitXor,
    bitxor,
    BitXorAssign,
    bitxor_assign,
    symmetric_difference
);
bitset_op!(Sub, sub, SubAssign, sub_assign, difference);

impl<const WORDS: usize> core::ops::Not for BitSet<WORDS> {
    type Output = Self;
    fn not(mut self) -> Self {
        self.complement();
        self
    }
}

/// A heap bit set of any length, allocated through `A` (Bun's `DynamicBitSet`).
///
/// ```
/// use makai_collections::DynBitSet;
/// let mut s = DynBitSet::with_len(100);
/// s.set_range(..);
/// assert_eq!(s.count(), 100);
/// s.complement();
/// assert_eq!(s.find_first_set(), None);
/// ```
///
/// Two words (with a zero-sized allocator): the word pointer and the length in bits; the word
/// count is `len.div_ceil(64)`.
///
/// **Invariant:** `ptr` points at `len.div_ceil(64)` initialised words allocated from `alloc`
/// with `Layout::array::<u64>(len.div_ceil(64))`, or is dangling when that is 0 words.
pub struct DynBitSet<A: Allocator = Global> {
    ptr: NonNull<u64>,
    len: usize,
    alloc: A,
}

const _: () = assert!(size_of::<DynBitSet>() == 2 * size_of::<usize>());

// SAFETY: `DynBitSet` owns its words like a `Box<[u64]>`, and its allocator by value.
unsafe impl<A: Allocator + Send> Send for DynBitSet<A> {}
// SAFETY: shared access only reads the words and gives `&A`.
unsafe impl<A: Allocator + Sync> Sync for DynBitSet<A> {}

impl<A: Allocator> Drop for DynBitSet<A> {
    fn drop(&mut self) {
        let words = self.len.div_ceil(BITS);
        if words != 0 {
            let layout = Layout::array::<u64>(words).expect("valid when allocated");
            // SAFETY: the block came from `alloc` with this layout (type invariant), freed once.
            unsafe { self.alloc.deallocate(self.ptr.cast(), layout) };
        }
    }
}

impl DynBitSet<Global> {
    /// A set of `len` bits, all unset.
    ///
    /// # Panics
    ///
    /// Aborts through [`makai_error::out_of_memory`] if the allocation fails.
    ///
    /// ```
    /// assert_eq!(makai_collections::DynBitSet::with_len(5).len(), 5);
    /// ```
    #[must_use]
    pub fn with_len(len: usize) -> Self {
        Self::with_len_in(len, Global)
    }

    /// Like [`with_len`](DynBitSet::with_len), reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocation fails.
    ///
    /// ```
    /// assert!(makai_collections::DynBitSet::try_with_len(5).is_ok());
    /// ```
    pub fn try_with_len(len: usize) -> Result<Self, AllocError> {
        Self::try_with_len_in(len, Global)
    }
}

impl<A: Allocator> DynBitSet<A> {
    /// A set of `len` bits, all unset, allocated through `alloc`.
    ///
    /// # Panics
    ///
    /// Aborts through [`makai_error::out_of_memory`] if the allocation fails.
    ///
    /// ```
    /// let s = makai_collections::DynBitSet::with_len_in(9, makai_alloc::Global);
    /// assert!(s.is_clear());
    /// ```
    #[must_use]
    pub fn with_len_in(len: usize, alloc: A) -> Self {
        match Self::try_with_len_in(len, alloc) {
            Ok(s) => s,
            Err(AllocError) => makai_error::out_of_memory(),
        }
    }

    /// Like [`with_len_in`](DynBitSet::with_len_in), reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocation fails.
    ///
    /// ```
    /// let s = makai_collections::DynBitSet::try_with_len_in(9, makai_alloc::Global).unwrap();
    /// assert_eq!(s.len(), 9);
    /// ```
    pub fn try_with_len_in(len: usize, alloc: A) -> Result<Self, AllocError> {
        let words = len.div_ceil(BITS);
        if words == 0 {
            return Ok(Self {
                ptr: NonNull::dangling(),
                len,
                alloc,
            });
        }
        let layout = Layout::array::<u64>(words).map_err(|_| AllocError)?;
        let ptr = alloc.allocate_zeroed(layout)?.cast::<u64>();
        Ok(Self { ptr, len, alloc })
    }

    /// Number of bits.
    ///
    /// ```
    /// assert_eq!(makai_collections::DynBitSet::with_len(3).len(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when the set has no bits at all.
    ///
    /// ```
    /// assert!(makai_collections::DynBitSet::with_len(0).is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Like [`Clone::clone`], reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocation fails.
    ///
    /// ```
    /// let mut a = makai_collections::DynBitSet::with_len(70);
    /// a.set(69);
    /// assert_eq!(a.try_clone().unwrap(), a);
    /// ```
    pub fn try_clone(&self) -> Result<Self, AllocError>
    where
        A: Clone,
    {
        let mut copy = Self::try_with_len_in(self.len, self.alloc.clone())?;
        copy.words_mut().copy_from_slice(self.words());
        Ok(copy)
    }

    #[inline]
    fn words(&self) -> &[u64] {
        // SAFETY: `ptr` points at `len.div_ceil(64)` initialised words (allocated zeroed, only
        // ever written with `u64`s), or is dangling and aligned for 0 words.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len.div_ceil(BITS)) }
    }

    #[inline]
    fn words_mut(&mut self) -> &mut [u64] {
        // SAFETY: as in `words`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len.div_ceil(BITS)) }
    }

    /// Restores the invariant that bits past `len` are zero.
    #[inline]
    fn clear_padding(&mut self) {
        let rem = self.len % BITS;
        if rem != 0
            && let Some(last) = self.words_mut().last_mut()
        {
            *last &= (1 << rem) - 1;
        }
    }

    bitset_methods!("makai_collections::DynBitSet::with_len(130)");
}

impl<A: Allocator + Clone> Clone for DynBitSet<A> {
    /// # Panics
    ///
    /// Aborts through [`makai_error::out_of_memory`] if the allocation fails.
    fn clone(&self) -> Self {
        match self.try_clone() {
            Ok(s) => s,
            Err(AllocError) => makai_error::out_of_memory(),
        }
    }
}

impl<A: Allocator, B: Allocator> PartialEq<DynBitSet<B>> for DynBitSet<A> {
    fn eq(&self, other: &DynBitSet<B>) -> bool {
        self.len == other.len && self.words() == other.words()
    }
}

impl<A: Allocator> Eq for DynBitSet<A> {}

impl<A: Allocator> core::hash::Hash for DynBitSet<A> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.len.hash(state);
        self.words().hash(state);
    }
}

impl<A: Allocator> fmt::Debug for DynBitSet<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter_set()).finish()
    }
}

/// Bits an [`AutoBitSet`] keeps inline.
const AUTO_INLINE_BITS: usize = 127;

/// A bit set that keeps up to 127 bits inline and goes to the heap (a [`DynBitSet`]) beyond
/// (Bun's `AutoBitSet`): small sets, the common case, allocate nothing. 24 bytes.
///
/// ```
/// use makai_collections::AutoBitSet;
/// let mut small = AutoBitSet::with_len(100);
/// assert!(small.is_inline());
/// small.set(99);
/// let mut big = AutoBitSet::with_len(1000);
/// assert!(!big.is_inline());
/// big.set(999);
/// assert_eq!((small.find_first_set(), big.find_first_set()), (Some(99), Some(999)));
/// ```
pub struct AutoBitSet<A: Allocator = Global> {
    repr: Auto<A>,
}

enum Auto<A: Allocator> {
    /// `len <= 127`; the padding bits of `words` are zero.
    Inline {
        len: u8,
        words: [u64; 2],
        alloc: A,
    },
    Heap(DynBitSet<A>),
}

// The two inline words and one more `u64` slot for the length and the variant (24 bytes on
// 64-bit targets; 20 on i686, where a `u64` is 4-aligned).
const _: () = assert!(size_of::<AutoBitSet>() == 2 * size_of::<u64>() + align_of::<u64>());

impl AutoBitSet<Global> {
    /// A set of `len` bits, all unset: inline up to 127 bits, on the heap beyond.
    ///
    /// # Panics
    ///
    /// Aborts through [`makai_error::out_of_memory`] if a heap allocation fails.
    ///
    /// ```
    /// let s = makai_collections::AutoBitSet::with_len(127);
    /// assert!(s.is_inline() && s.len() == 127);
    /// assert!(!makai_collections::AutoBitSet::with_len(128).is_inline());
    /// ```
    #[must_use]
    pub fn with_len(len: usize) -> Self {
        Self::with_len_in(len, Global)
    }

    /// Like [`with_len`](AutoBitSet::with_len), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a set over 127 bits cannot be allocated.
    ///
    /// ```
    /// # #[cfg(not(miri))] { // Miri stops at a 256 PiB request instead of failing it
    /// assert!(makai_collections::AutoBitSet::try_with_len(usize::MAX).is_err());
    /// # }
    /// ```
    pub fn try_with_len(len: usize) -> Result<Self, AllocError> {
        Self::try_with_len_in(len, Global)
    }
}

impl<A: Allocator> AutoBitSet<A> {
    /// A set of `len` bits whose heap form (over 127 bits) allocates from `alloc`.
    ///
    /// # Panics
    ///
    /// Aborts through [`makai_error::out_of_memory`] if a heap allocation fails.
    ///
    /// ```
    /// let s = makai_collections::AutoBitSet::with_len_in(5, makai_alloc::Global);
    /// assert_eq!(s.len(), 5);
    /// ```
    #[must_use]
    pub fn with_len_in(len: usize, alloc: A) -> Self {
        match Self::try_with_len_in(len, alloc) {
            Ok(s) => s,
            Err(AllocError) => makai_error::out_of_memory(),
        }
    }

    /// Like [`with_len_in`](AutoBitSet::with_len_in), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when a set over 127 bits cannot be allocated.
    ///
    /// ```
    /// let s = makai_collections::AutoBitSet::try_with_len_in(500, makai_alloc::Global).unwrap();
    /// assert_eq!(s.count(), 0);
    /// ```
    pub fn try_with_len_in(len: usize, alloc: A) -> Result<Self, AllocError> {
        let repr = match u8::try_from(len) {
            Ok(small) if len <= AUTO_INLINE_BITS => Auto::Inline {
                len: small,
                words: [0; 2],
                alloc,
            },
            _ => Auto::Heap(DynBitSet::try_with_len_in(len, alloc)?),
        };
        Ok(Self { repr })
    }

    /// Number of bits.
    ///
    /// ```
    /// assert_eq!(makai_collections::AutoBitSet::with_len(9).len(), 9);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        match &self.repr {
            Auto::Inline { len, .. } => usize::from(*len),
            Auto::Heap(d) => d.len(),
        }
    }

    /// `true` for a set of 0 bits.
    ///
    /// ```
    /// assert!(makai_collections::AutoBitSet::with_len(0).is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `true` when the bits are stored inline (127 bits or fewer).
    ///
    /// ```
    /// assert!(makai_collections::AutoBitSet::with_len(64).is_inline());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_inline(&self) -> bool {
        matches!(self.repr, Auto::Inline { .. })
    }

    /// A copy, reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the heap form cannot be allocated.
    ///
    /// ```
    /// let mut s = makai_collections::AutoBitSet::with_len(300);
    /// s.set(7);
    /// assert_eq!(s.try_clone().unwrap(), s);
    /// ```
    pub fn try_clone(&self) -> Result<Self, AllocError>
    where
        A: Clone,
    {
        let repr = match &self.repr {
            Auto::Inline { len, words, alloc } => Auto::Inline {
                len: *len,
                words: *words,
                alloc: alloc.clone(),
            },
            Auto::Heap(d) => Auto::Heap(d.try_clone()?),
        };
        Ok(Self { repr })
    }

    #[inline]
    fn words(&self) -> &[u64] {
        match &self.repr {
            Auto::Inline { len, words, .. } => &words[..usize::from(*len).div_ceil(BITS)],
            Auto::Heap(d) => d.words(),
        }
    }

    #[inline]
    fn words_mut(&mut self) -> &mut [u64] {
        match &mut self.repr {
            Auto::Inline { len, words, .. } => &mut words[..usize::from(*len).div_ceil(BITS)],
            Auto::Heap(d) => d.words_mut(),
        }
    }

    #[inline]
    fn clear_padding(&mut self) {
        let rem = self.len() % BITS;
        if rem != 0
            && let Some(last) = self.words_mut().last_mut()
        {
            *last &= (1 << rem) - 1;
        }
    }

    bitset_methods!("makai_collections::AutoBitSet::with_len(130)");
}

impl<A: Allocator + Clone> Clone for AutoBitSet<A> {
    fn clone(&self) -> Self {
        match self.try_clone() {
            Ok(s) => s,
            Err(AllocError) => makai_error::out_of_memory(),
        }
    }
}

impl<A: Allocator, B: Allocator> PartialEq<AutoBitSet<B>> for AutoBitSet<A> {
    fn eq(&self, other: &AutoBitSet<B>) -> bool {
        self.len() == other.len() && self.words() == other.words()
    }
}

impl<A: Allocator> Eq for AutoBitSet<A> {}

impl<A: Allocator> core::hash::Hash for AutoBitSet<A> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        self.words().hash(state);
    }
}

impl<A: Allocator> fmt::Debug for AutoBitSet<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter_set()).finish()
    }
}

impl Default for AutoBitSet<Global> {
    /// An empty set of 0 bits.
    fn default() -> Self {
        Self::with_len(0)
    }
}

#[cfg(feature = "bitvec")]
mod bitvec_conv {
    //! Conversions to and from `bitvec` (feature `bitvec`): same bit order (`Lsb0`) and word
    //! type (`u64`), so they copy whole words.

    use bitvec::array::BitArray;
    use bitvec::order::Lsb0;
    use bitvec::slice::BitSlice;
    use bitvec::vec::BitVec;
    use makai_alloc::{Allocator, Global};

    use super::{BitSet, DynBitSet};

    impl<const WORDS: usize> From<BitSet<WORDS>> for BitArray<[u64; WORDS], Lsb0> {
        fn from(s: BitSet<WORDS>) -> Self {
            BitArray::new(s.words)
        }
    }

    impl<const WORDS: usize> From<BitArray<[u64; WORDS], Lsb0>> for BitSet<WORDS> {
        fn from(a: BitArray<[u64; WORDS], Lsb0>) -> Self {
            BitSet::from_words(a.into_inner())
        }
    }

    impl<const WORDS: usize> From<&BitSet<WORDS>> for BitVec<u64, Lsb0> {
        fn from(s: &BitSet<WORDS>) -> Self {
            BitVec::from_vec(s.words.to_vec())
        }
    }

    impl<A: Allocator> From<&DynBitSet<A>> for BitVec<u64, Lsb0> {
        fn from(s: &DynBitSet<A>) -> Self {
            let mut v = BitVec::from_vec(s.words().to_vec());
            v.truncate(s.len());
            v
        }
    }

    impl From<&BitSlice<u64, Lsb0>> for DynBitSet<Global> {
        /// # Panics
        ///
        /// Aborts through [`makai_error::out_of_memory`] if the allocation fails.
        fn from(bits: &BitSlice<u64, Lsb0>) -> Self {
            let mut s = DynBitSet::with_len(bits.len());
            for i in bits.iter_ones() {
                s.set(i);
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_helpers_respect_bounds() {
        let words = [0b1000u64, 0, 1];
        assert_eq!(next_one(&words, 0, 0, 192), Some(3));
        assert_eq!(next_one(&words, 0, 4, 128), None);
        assert_eq!(next_one(&words, 0, 4, 129), Some(128));
        assert_eq!(prev_one(&words, 0, 0, 128), Some(3));
        assert_eq!(prev_one(&words, 0, 4, 128), None);
        assert_eq!(prev_one(&words, u64::MAX, 0, 4), Some(2));
        assert_eq!(next_one(&words, u64::MAX, 129, 130), Some(129));
    }

    #[test]
    fn padding_stays_zero() {
        let mut s = DynBitSet::with_len(65);
        s.complement();
        assert_eq!(s.as_words(), [u64::MAX, 1]);
        s.set_range(..);
        assert_eq!(s.as_words(), [u64::MAX, 1]);
        assert_eq!(s.iter_unset().next(), None);
        assert_eq!(s.find_first_unset(), None);
    }
}
