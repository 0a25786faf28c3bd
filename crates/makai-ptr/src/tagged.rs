//! Tagged pointers: [`TaggedPtr`] (a raw pointer with a small tag in its alignment bits) and
//! [`tagged_union!`](crate::tagged_union) (Bun's `TaggedPointerUnion`: an 8-byte handle to one
//! of several pointer payloads, with owned and borrowed `enum` views for exhaustive `match`).
//!
//! # Where the tag goes
//!
//! [`TagScheme`] is the one place that touches tag bits. A union needs `ceil(log2(n))` tag bits
//! for `n` variants. When every payload's pointee alignment leaves that many zero bits at the
//! bottom of the address, the tag goes there ([`TagScheme::LowBits`]: portable, no run-time
//! check for `Box`, `&'static` and `RefPtr` payloads). Otherwise (an alignment-1 payload, or
//! more variants than the alignment has bits: Bun's event loop has about 95 task kinds) the
//! tag goes in the top 16 bits ([`TagScheme::High16`]) and every address is checked at
//! construction: an address that already uses those bits (a hardware-tagged heap such as
//! Android's, Intel LAM, 5-level paging) panics with a clear message instead of being
//! truncated the way Bun's 49-bit `TaggedPointer` does. On targets where the top bits are not
//! free (32-bit targets, aarch64 Android) only the low-bit scheme exists, and a union that
//! needs more is a compile error naming the payload.
//!
//! The union picks its scheme by itself (there is no opt-in syntax), so a union never
//! fails to compile on x86-64 or aarch64 Linux/macOS/Windows just because a payload has small
//! alignment. The explicit low-bit type [`TaggedPtr<T, BITS>`] is where the compile-time
//! alignment check is a hard error: `TaggedPtr<u8, 1>` does not compile.
//!
//! Pointers keep their provenance throughout: tags are added and removed with `map_addr`,
//! never with integer casts, and the word handed to C by `into_raw_word` is a pointer.

mod payload;
pub(crate) mod union;

use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use core::ptr::NonNull;

pub use payload::TaggedPayload;

/// The number of top address bits [`TagScheme::High16`] uses for the tag.
const HIGH_TAG_BITS: u32 = 16;
/// The shift of the tag in [`TagScheme::High16`]: bits 48..64 on 64-bit targets.
const HIGH_SHIFT: u32 = usize::BITS - HIGH_TAG_BITS;
/// The address bits [`TagScheme::High16`] keeps.
const HIGH_ADDR_MASK: usize = usize::MAX >> HIGH_TAG_BITS;

/// How a tagged word splits into a pointer and a tag.
///
/// A `tagged_union!` chooses its scheme at compile time (see [`TagScheme::choose`]) and exposes
/// it as the associated constant `SCHEME`. The methods here are the only code that touches
/// tag bits; they are safe, never dereference anything, and keep provenance.
///
/// ```
/// use makai_ptr::TagScheme;
/// // 8 variants need 3 bits: `u64` payloads (align 8) have them at the bottom...
/// assert_eq!(TagScheme::choose(8, 8), Some(TagScheme::LowBits { bits: 3 }));
/// // ...but an alignment-1 payload does not, so the tag moves to the top 16 bits.
/// # #[cfg(all(target_pointer_width = "64", not(all(target_arch = "aarch64", target_os = "android"))))]
/// assert_eq!(TagScheme::choose(8, 1), Some(TagScheme::High16));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagScheme {
    /// The tag lives in the low `bits` bits of the address, which the payloads' alignment
    /// keeps zero. Tags `0..1 << bits`.
    LowBits {
        /// How many low address bits hold the tag.
        bits: u32,
    },
    /// The tag lives in the top 16 bits of the address (bits 48..64), the address in the low
    /// 48. Tags `0..65536`. Encoding checks that the address leaves the top bits free.
    High16,
}

impl TagScheme {
    /// Whether this target leaves the top 16 address bits free for [`TagScheme::High16`]:
    /// 64-bit targets except aarch64 Android (whose heap pointers carry a hardware tag in the
    /// top byte). Even where this is `true`, each address is checked when it is encoded.
    pub const HIGH_BITS_AVAILABLE: bool = cfg!(all(
        target_pointer_width = "64",
        not(all(target_arch = "aarch64", target_os = "android"))
    ));

    /// The number of tag bits `variants` distinct tags need: `ceil(log2(variants))`, 0 for one
    /// variant.
    ///
    /// ```
    /// use makai_ptr::TagScheme;
    /// assert_eq!(
    ///     [1, 2, 3, 4, 5, 8, 9, 20].map(TagScheme::bits_for),
    ///     [0, 1, 2, 2, 3, 3, 4, 5]
    /// );
    /// ```
    pub const fn bits_for(variants: usize) -> u32 {
        if variants <= 1 {
            0
        } else {
            usize::BITS - (variants - 1).leading_zeros()
        }
    }

    /// Chooses the scheme for `variants` tags over payloads whose smallest pointee alignment is
    /// `min_align`: low bits when the alignment leaves enough of them, otherwise the top 16
    /// bits where this target has them free, otherwise `None`.
    ///
    /// ```
    /// use makai_ptr::TagScheme;
    /// assert_eq!(TagScheme::choose(1, 1), Some(TagScheme::LowBits { bits: 0 }));
    /// assert_eq!(TagScheme::choose(4, 4), Some(TagScheme::LowBits { bits: 2 }));
    /// # #[cfg(all(target_pointer_width = "64", not(all(target_arch = "aarch64", target_os = "android"))))]
    /// assert_eq!(TagScheme::choose(20, 8), Some(TagScheme::High16));
    /// assert_eq!(TagScheme::choose(70_000, 8), None);
    /// ```
    pub const fn choose(variants: usize, min_align: usize) -> Option<Self> {
        let bits = Self::bits_for(variants);
        if bits < usize::BITS && min_align >= 1 << bits {
            Some(Self::LowBits { bits })
        } else if Self::HIGH_BITS_AVAILABLE && variants <= 1 << HIGH_TAG_BITS {
            Some(Self::High16)
        } else {
            None
        }
    }

    /// How many distinct tags the scheme holds.
    ///
    /// ```
    /// use makai_ptr::TagScheme;
    /// assert_eq!(TagScheme::LowBits { bits: 3 }.capacity(), 8);
    /// assert_eq!(TagScheme::High16.capacity(), 65536);
    /// ```
    pub const fn capacity(self) -> usize {
        match self {
            Self::LowBits { bits } => match 1usize.checked_shl(bits) {
                Some(n) => n,
                None => usize::MAX,
            },
            Self::High16 => 1 << HIGH_TAG_BITS,
        }
    }

    /// The mask of the tag bits of [`TagScheme::LowBits`].
    const fn low_mask(bits: u32) -> usize {
        match 1usize.checked_shl(bits) {
            Some(n) => n - 1,
            None => usize::MAX,
        }
    }

    /// Puts `tag` into `ptr`, or `None` when it does not fit: the tag is out of range, the
    /// address is not aligned enough for the low bits, or (for [`TagScheme::High16`]) the
    /// address already uses the top 16 bits. Never truncates. Private: a union's words are
    /// made by `tagged_union!` only.
    #[inline]
    pub(crate) fn encode(self, ptr: NonNull<()>, tag: usize) -> Option<NonNull<()>> {
        let addr = ptr.addr().get();
        match self {
            Self::LowBits { bits } => {
                let mask = Self::low_mask(bits);
                if tag & !mask != 0 || addr & mask != 0 {
                    return None;
                }
                Some(ptr.map_addr(|a| a | tag))
            }
            Self::High16 => {
                if tag >= 1 << HIGH_TAG_BITS || addr & !HIGH_ADDR_MASK != 0 {
                    return None;
                }
                Some(ptr.map_addr(|a| a | (tag << HIGH_SHIFT)))
            }
        }
    }

    /// The tag of an encoded word. Public only for the code `tagged_union!` generates in
    /// the user's crate; hidden from the docs.
    #[doc(hidden)]
    #[inline]
    pub fn tag(self, word: NonNull<()>) -> usize {
        let addr = word.addr().get();
        match self {
            Self::LowBits { bits } => addr & Self::low_mask(bits),
            Self::High16 => addr >> HIGH_SHIFT,
        }
    }

    /// The pointer of an encoded word, with the tag bits cleared and the word's provenance.
    /// A raw pointer, because a word that was never encoded may untag to null.
    #[inline]
    pub(crate) fn untag(self, word: NonNull<()>) -> *mut () {
        match self {
            Self::LowBits { bits } => {
                let mask = Self::low_mask(bits);
                word.as_ptr().map_addr(|a| a & !mask)
            }
            Self::High16 => word.as_ptr().map_addr(|a| a & HIGH_ADDR_MASK),
        }
    }
}

/// A raw pointer to `T` with a `BITS`-bit tag in its low alignment bits: 8 bytes, `Option` 8.
///
/// This is the explicit low-bit form: `align_of::<T>()` must be at least `1 << BITS`, checked
/// at compile time. Like [`NonNull`], it owns nothing, is `Copy`, and is neither `Send` nor
/// `Sync`. For several payload types with owned and borrowed views, use
/// [`tagged_union!`](crate::tagged_union).
///
/// ```
/// use makai_ptr::TaggedPtr;
/// use std::ptr::NonNull;
/// let node = 42u64;
/// let p = TaggedPtr::<u64, 3>::new(NonNull::from(&node), 5);
/// // SAFETY: `p` points at `node`, which is alive and not mutated.
/// assert_eq!((p.tag(), unsafe { *p.ptr().as_ref() }), (5, 42));
/// assert_eq!(size_of::<Option<TaggedPtr<u64, 3>>>(), 8);
/// ```
///
/// A pointee aligned too little for the tag is rejected at compile time:
///
/// ```compile_fail,E0080
/// use makai_ptr::TaggedPtr;
/// use std::ptr::NonNull;
/// let byte = 1u8;
/// // `u8` has alignment 1: no low bit is free for a 1-bit tag.
/// let p = TaggedPtr::<u8, 1>::new(NonNull::from(&byte), 1);
/// ```
pub struct TaggedPtr<T, const BITS: u32> {
    /// The pointer with the tag in its low `BITS` bits. **Invariant:** with the tag cleared,
    /// the address is not zero.
    word: NonNull<()>,
    /// Behaves like a `NonNull<T>` (covariant, neither `Send` nor `Sync`).
    _ptr: PhantomData<NonNull<T>>,
}

impl<T, const BITS: u32> TaggedPtr<T, BITS> {
    /// The scheme, after the compile-time check that `T`'s alignment leaves `BITS` low bits.
    const SCHEME: TagScheme = {
        assert!(
            BITS < usize::BITS && align_of::<T>() >= 1 << BITS,
            "TaggedPtr<T, BITS>: align_of::<T>() must be at least 1 << BITS, or the tag would \
             overwrite address bits (the note below names T)"
        );
        TagScheme::LowBits { bits: BITS }
    };

    /// How many distinct tags fit: `1 << BITS`.
    pub const TAG_LIMIT: usize = 1 << BITS;

    /// Tags `ptr` with `tag`.
    ///
    /// # Panics
    ///
    /// If `tag >= 1 << BITS`, or if `ptr` is not aligned to `align_of::<T>()` (a `NonNull`
    /// may be misaligned; its tag bits would not be zero).
    ///
    /// ```
    /// use makai_ptr::TaggedPtr;
    /// use std::ptr::NonNull;
    /// let x = 0u32;
    /// assert_eq!(TaggedPtr::<u32, 2>::new(NonNull::from(&x), 3).tag(), 3);
    /// ```
    #[inline]
    pub fn new(ptr: NonNull<T>, tag: usize) -> Self {
        match Self::try_new(ptr, tag) {
            Some(p) => p,
            None => tag_does_not_fit(ptr.cast(), tag, BITS),
        }
    }

    /// Tags `ptr` with `tag`, or `None` if the tag is out of range or `ptr` is misaligned.
    ///
    /// ```
    /// use makai_ptr::TaggedPtr;
    /// use std::ptr::NonNull;
    /// let x = 0u32;
    /// assert!(TaggedPtr::<u32, 2>::try_new(NonNull::from(&x), 4).is_none());
    /// ```
    #[inline]
    pub fn try_new(ptr: NonNull<T>, tag: usize) -> Option<Self> {
        let word = Self::SCHEME.encode(ptr.cast(), tag)?;
        Some(Self {
            word,
            _ptr: PhantomData,
        })
    }

    /// The pointer, without the tag.
    ///
    /// ```
    /// use makai_ptr::TaggedPtr;
    /// use std::ptr::NonNull;
    /// let x = 9u16;
    /// assert_eq!(TaggedPtr::<u16, 1>::new(NonNull::from(&x), 1).ptr(), NonNull::from(&x));
    /// ```
    #[inline]
    pub fn ptr(self) -> NonNull<T> {
        let raw = Self::SCHEME.untag(self.word).cast::<T>();
        // SAFETY: the field invariant: the untagged address is not zero.
        unsafe { NonNull::new_unchecked(raw) }
    }

    /// The tag, in `0..1 << BITS`.
    ///
    /// ```
    /// use makai_ptr::TaggedPtr;
    /// use std::ptr::NonNull;
    /// let x = 9u16;
    /// assert_eq!(TaggedPtr::<u16, 1>::new(NonNull::from(&x), 0).tag(), 0);
    /// ```
    #[doc(hidden)]
    #[inline]
    pub fn tag(self) -> usize {
        Self::SCHEME.tag(self.word)
    }

    /// The same pointer with another tag.
    ///
    /// # Panics
    ///
    /// If `tag >= 1 << BITS`.
    ///
    /// ```
    /// use makai_ptr::TaggedPtr;
    /// use std::ptr::NonNull;
    /// let x = 9u64;
    /// let p = TaggedPtr::<u64, 3>::new(NonNull::from(&x), 1).with_tag(7);
    /// assert_eq!((p.tag(), p.ptr()), (7, NonNull::from(&x)));
    /// ```
    #[inline]
    pub fn with_tag(self, tag: usize) -> Self {
        Self::new(self.ptr(), tag)
    }

    /// The tagged word, as a pointer with the original provenance (for C, or for a `usize`
    /// slot through `expose_provenance`).
    ///
    /// ```
    /// use makai_ptr::TaggedPtr;
    /// use std::ptr::NonNull;
    /// let x = 9u64;
    /// let p = TaggedPtr::<u64, 3>::new(NonNull::from(&x), 2);
    /// assert_eq!(TaggedPtr::<u64, 3>::try_from_raw_word(p.into_raw_word()), Some(p));
    /// ```
    #[inline]
    pub fn into_raw_word(self) -> *mut () {
        self.word.as_ptr()
    }

    /// Rebuilds a tagged pointer from a word, or `None` if the word is null or its address
    /// part is zero. Safe: a `TaggedPtr` owns nothing and dereferencing its pointer is unsafe
    /// anyway.
    ///
    /// ```
    /// use makai_ptr::TaggedPtr;
    /// assert!(TaggedPtr::<u64, 3>::try_from_raw_word(std::ptr::null_mut()).is_none());
    /// ```
    #[inline]
    pub fn try_from_raw_word(word: *mut ()) -> Option<Self> {
        let word = NonNull::new(word)?;
        if Self::SCHEME.untag(word).is_null() {
            return None;
        }
        Some(Self {
            word,
            _ptr: PhantomData,
        })
    }
}

/// The panic of [`TaggedPtr::new`], out of line.
#[cold]
#[inline(never)]
#[track_caller]
fn tag_does_not_fit(ptr: NonNull<()>, tag: usize, bits: u32) -> ! {
    panic!(
        "TaggedPtr: tag {tag} does not fit in {bits} low bits of {ptr:p} (tag too large or pointer misaligned)"
    )
}

impl<T, const BITS: u32> Clone for TaggedPtr<T, BITS> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, const BITS: u32> Copy for TaggedPtr<T, BITS> {}

impl<T, const BITS: u32> PartialEq for TaggedPtr<T, BITS> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.word == other.word
    }
}

impl<T, const BITS: u32> Eq for TaggedPtr<T, BITS> {}

impl<T, const BITS: u32> Hash for TaggedPtr<T, BITS> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.word.hash(state);
    }
}

impl<T, const BITS: u32> fmt::Debug for TaggedPtr<T, BITS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaggedPtr")
            .field("ptr", &self.ptr())
            .field("tag", &self.tag())
            .finish()
    }
}

const _: () = assert!(size_of::<TaggedPtr<u64, 3>>() == size_of::<usize>());
const _: () = assert!(size_of::<Option<TaggedPtr<u64, 3>>>() == size_of::<usize>());

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(makai_testkit::proptest_config())]

        /// Any tag and any suitably aligned address round-trip through every scheme that has room.
        #[test]
        fn scheme_encode_decode(addr in 1usize..(1 << 47), tag in 0usize..65_536, bits in 0u32..6) {
            let base = NonNull::<u64>::dangling().cast::<()>();
            let low = TagScheme::LowBits { bits };
            let aligned = base.with_addr(core::num::NonZero::new(addr << bits).expect("non-zero"));
            let low_tag = tag & ((1 << bits) - 1);
            let word = low.encode(aligned, low_tag).expect("aligned address, tag in range");
            proptest::prop_assert_eq!(low.tag(word), low_tag);
            proptest::prop_assert_eq!(low.untag(word), aligned.as_ptr());
            if bits > 0 {
                proptest::prop_assert!(low.encode(aligned, 1 << bits).is_none());
            }
            let plain = base.with_addr(core::num::NonZero::new(addr).expect("non-zero"));
            if TagScheme::HIGH_BITS_AVAILABLE {
                let word = TagScheme::High16.encode(plain, tag).expect("47-bit address");
                proptest::prop_assert_eq!(TagScheme::High16.tag(word), tag);
                proptest::prop_assert_eq!(TagScheme::High16.untag(word), plain.as_ptr());
            }
        }
    }

    #[test]
    fn low_bits_round_trip_and_refuse() {
        let x = 5u64;
        let p = NonNull::from(&x).cast::<()>();
        let s = TagScheme::LowBits { bits: 3 };
        let word = s.encode(p, 6).unwrap();
        assert_eq!(s.tag(word), 6);
        assert_eq!(s.untag(word), p.as_ptr());
        // Out of range for 3 bits.
        assert!(s.encode(p, 8).is_none());
        // An address that is not aligned enough for the tag bits.
        let bytes = [1u8, 2];
        let odd = NonNull::from(&bytes[1]).cast::<()>();
        let even = NonNull::from(&bytes[0]).cast::<()>();
        let misaligned = if odd.addr().get() % 2 == 1 { odd } else { even };
        assert!(
            TagScheme::LowBits { bits: 1 }
                .encode(misaligned, 1)
                .is_none()
        );
    }

    #[test]
    #[cfg(all(
        target_pointer_width = "64",
        not(all(target_arch = "aarch64", target_os = "android"))
    ))]
    fn high16_round_trip() {
        let x = [1u8, 2];
        let p = NonNull::from(&x[1]).cast::<()>();
        let word = TagScheme::High16.encode(p, 300).unwrap();
        assert_eq!(
            (TagScheme::High16.tag(word), TagScheme::High16.untag(word)),
            (300, p.as_ptr())
        );
        assert!(TagScheme::High16.encode(p, 1 << 16).is_none());
    }

    #[test]
    fn bits_for_is_ceil_log2() {
        for n in 2..5000usize {
            let bits = TagScheme::bits_for(n);
            assert!(1usize << bits >= n && 1usize << (bits - 1) < n, "n = {n}");
        }
        assert_eq!(TagScheme::bits_for(0), 0);
        assert_eq!(TagScheme::bits_for(usize::MAX), usize::BITS);
    }

    #[test]
    fn choose_prefers_low_bits() {
        assert_eq!(
            TagScheme::choose(16, 16),
            Some(TagScheme::LowBits { bits: 4 })
        );
        assert_eq!(
            TagScheme::choose(2, 2),
            Some(TagScheme::LowBits { bits: 1 })
        );
        let high = TagScheme::choose(17, 16);
        if TagScheme::HIGH_BITS_AVAILABLE {
            assert_eq!(high, Some(TagScheme::High16));
            assert_eq!(TagScheme::choose(65_536, 1), Some(TagScheme::High16));
        } else {
            assert_eq!(high, None);
        }
        assert_eq!(TagScheme::choose(65_537, 1), None);
    }

    #[test]
    fn encode_rejects_instead_of_truncating() {
        let x = [0u64; 2];
        let p = NonNull::from(&x[0]).cast::<()>();
        let low = TagScheme::LowBits { bits: 3 };
        assert!(low.encode(p, 8).is_none(), "tag out of range");
        let odd = p.map_addr(|a| a | 1);
        assert!(low.encode(odd, 0).is_none(), "misaligned address");
        assert!(TagScheme::High16.encode(p, 1 << 16).is_none());
        // An address using the top bits (as Android's tagged heap would) is refused.
        let top = p.map_addr(|a| a | (1 << (usize::BITS - 1)));
        assert!(TagScheme::High16.encode(top, 0).is_none());
    }

    #[test]
    fn oversized_low_bits_never_panic() {
        // A hand-built scheme with more bits than an address has: every operation is total.
        let x = 1u8;
        let p = NonNull::from(&x).cast::<()>();
        let silly = TagScheme::LowBits { bits: 200 };
        assert_eq!(silly.capacity(), usize::MAX);
        assert!(silly.encode(p, 0).is_none());
        assert_eq!(silly.tag(p), p.addr().get());
        assert!(silly.untag(p).is_null());
    }

    #[test]
    fn tagged_ptr_round_trips_every_tag() {
        let values = [10u64, 20, 30];
        for v in &values {
            for tag in 0..8 {
                let p = TaggedPtr::<u64, 3>::new(NonNull::from(v), tag);
                assert_eq!(p.tag(), tag);
                assert_eq!(p.ptr(), NonNull::from(v));
                // SAFETY: `p` points to `v`, alive and shared.
                assert_eq!(unsafe { *p.ptr().as_ref() }, *v);
                let back = TaggedPtr::<u64, 3>::try_from_raw_word(p.into_raw_word());
                assert_eq!(back, Some(p));
            }
        }
    }

    #[test]
    fn tagged_ptr_zero_bits_and_zst() {
        let unit = ();
        let p = TaggedPtr::<(), 0>::new(NonNull::from(&unit), 0);
        assert_eq!((p.tag(), p.ptr()), (0, NonNull::from(&unit)));
        assert!(TaggedPtr::<(), 0>::try_new(NonNull::from(&unit), 1).is_none());
        let zst = [0u64; 0];
        let q = TaggedPtr::<[u64; 0], 3>::new(NonNull::from(&zst), 7);
        assert_eq!(q.ptr(), NonNull::from(&zst));
    }

    #[test]
    #[should_panic(expected = "does not fit in 2 low bits")]
    fn tagged_ptr_new_panics_on_large_tag() {
        let x = 0u32;
        let _ = TaggedPtr::<u32, 2>::new(NonNull::from(&x), 4);
    }

    #[test]
    fn tagged_ptr_rejects_misaligned_and_null_words() {
        let x = [0u64; 2];
        let misaligned = NonNull::from(&x[0])
            .cast::<u8>()
            .map_addr(|a| a | 4)
            .cast::<u64>();
        assert!(TaggedPtr::<u64, 3>::try_new(misaligned, 0).is_none());
        assert!(TaggedPtr::<u64, 3>::try_from_raw_word(core::ptr::null_mut()).is_none());
        // A word that is only a tag has no address.
        let only_tag = NonNull::from(&x[0]).cast::<()>().as_ptr().with_addr(5);
        assert!(TaggedPtr::<u64, 3>::try_from_raw_word(only_tag).is_none());
    }
}
