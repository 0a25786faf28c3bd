//! The 16-byte representation shared by [`SmolStr`](crate::SmolStr) and [`Str`](crate::Str).
//! This module is the only code that knows the layout; each concern has its own file:
//!
//! - `inline.rs`: building an inline string in registers, and equality without `memcmp`;
//! - `count.rs`: the header every counted buffer starts with, and its reference count;
//! - `heap.rs`: heap buffers (header in front of the bytes) and their typed constructor;
//! - `adopted.rs`: buffers someone else allocated, kept in place behind a separate header;
//! - `unique.rs`: [`Unique`], the exclusively owned representation of `SmolStr`, with the
//!   growth operations (`push_str`, `reserve`, `truncate`) and the re-tagging they need.
//!
//! Byte layout (`P` is the pointer size, 8 or 4; byte 15 is always the [`LastByte`]):
//!
//! | form | bytes `0..P` | bytes `P..15` | byte 15 |
//! |---|---|---|---|
//! | inline, 16 bytes | data | data | data (`< 0xC0`: the last byte of UTF-8 is never a lead byte) |
//! | inline, 0..=15 bytes | data, zero padded | data, zero padded | `0xC0 + len` |
//! | static | `*const u8` to the bytes | length | `0xD0` |
//! | heap | `*const u8` to the bytes; a `Header` sits just before them | length | `0xD1` |
//! | adopted | `*const u8` to the `data` field of an `ExtPrefix` | length | `0xD2` |
//!
//! The length of a pointer form is encoded so that, on 64-bit targets, it shares the second
//! machine word with byte 15 on either endianness (56 bits of length): reading it is one load
//! and one mask (little-endian) or shift (big-endian). On 32-bit targets it is the second
//! word, and bytes 8..15 are zero. No tag ever lives in pointer bits.
//!
//! Both counted forms (heap, adopted) keep their reference count `HEADER` bytes before the word
//! in bytes `0..P`, so cloning needs no branch on the form.
//!
//! A pointer form can only be made by a typed constructor: [`Repr::from_static`] (safe: a
//! `&'static str` is valid forever), `heap::Repr::heap` and `adopted::adopt` (`unsafe`, or
//! private to this module): no safe function tags an arbitrary pointer as a counted buffer.

mod adopted;
mod count;
mod heap;
mod inline;
mod unique;

use core::mem::MaybeUninit;
use core::ptr::{self, NonNull};

pub(crate) use adopted::adopt;
pub(crate) use heap::alloc as alloc_heap;
pub(crate) use inline::padded15;
pub(crate) use unique::Unique;

use crate::last_byte::{LAST_BYTE_MAX, LastByte};

#[cfg(not(any(target_pointer_width = "32", target_pointer_width = "64")))]
compile_error!("makai-string supports 32- and 64-bit targets");

/// How many bytes an inline string holds.
pub(crate) const INLINE_CAP: usize = 16;
const PTR_SIZE: usize = size_of::<*const u8>();
/// The bytes between the pointer word and byte 15.
const MID: usize = 15 - PTR_SIZE;
/// Byte 15 of an inline string shorter than 16 bytes is `SHORT_TAG + len`.
pub(crate) const SHORT_TAG: u8 = 0xC0;
/// Byte 15 of a `&'static str` borrowed by [`Str::from_static`](crate::Str::from_static).
pub(crate) const STATIC_TAG: u8 = 0xD0;
/// Byte 15 of a heap buffer with its `Header` in front.
pub(crate) const HEAP_TAG: u8 = 0xD1;
/// Byte 15 of an adopted buffer whose header (`ExtPrefix`) is a separate allocation.
pub(crate) const EXT_TAG: u8 = 0xD2;

/// The longest string a pointer form can describe.
#[cfg(target_pointer_width = "64")]
pub(crate) const MAX_LEN: usize = (1 << 56) - 1;
/// The longest string a pointer form can describe.
#[cfg(target_pointer_width = "32")]
pub(crate) const MAX_LEN: usize = isize::MAX as usize;

/// Sixteen bytes: an inline string or a pointer form (see the module docs).
///
/// Invariants: every byte is initialised; an inline string's bytes past its length are zero
/// (so two inline strings are equal exactly when their representations are); the `ptr` word
/// holds a pointer (with provenance) exactly when the tag is a pointer tag; the bytes are
/// UTF-8. `Repr` is `Copy` and owns nothing: [`Str`](crate::Str) and [`Unique`] give a counted
/// form its meaning (one reference each).
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Repr {
    /// A pointer in the pointer forms, data bytes in the inline form. `MaybeUninit` so that
    /// copies are byte copies and data bytes are never read as a pointer.
    ptr: MaybeUninit<*const u8>,
    mid: [u8; MID],
    last: LastByte,
}

const _: () = assert!(size_of::<Repr>() == 16);
const _: () = assert!(size_of::<Option<Repr>>() == 16);
const _: () = assert!(align_of::<Repr>() == align_of::<usize>());
const _: () = assert!(LAST_BYTE_MAX == EXT_TAG);
const _: () = assert!(SHORT_TAG as usize + INLINE_CAP - 1 < STATIC_TAG as usize);

impl Repr {
    /// The empty inline string.
    pub(crate) const EMPTY: Repr = {
        let mut bytes = [0u8; 16];
        bytes[15] = SHORT_TAG;
        // SAFETY: byte 15 is `SHORT_TAG`, a `LastByte`; no data, zero padding.
        unsafe { Repr::from_bytes(bytes) }
    };

    /// Reinterprets sixteen bytes as an inline representation.
    ///
    /// # Safety
    ///
    /// `bytes[15] <= LAST_BYTE_MAX`, and the bytes form a valid inline string (zero padding,
    /// UTF-8 data).
    #[inline(always)]
    const unsafe fn from_bytes(bytes: [u8; 16]) -> Repr {
        // SAFETY: `Repr` is 16 bytes with no padding; the pointer word is `MaybeUninit`, the
        // middle bytes are plain `u8`s and byte 15 is a valid `LastByte` (caller's contract).
        unsafe { core::mem::transmute::<[u8; 16], Repr>(bytes) }
    }

    /// Borrows a `&'static str` (the static form).
    ///
    /// # Panics
    ///
    /// If `s` is longer than [`MAX_LEN`] (2^56 - 1 bytes on 64-bit targets).
    #[inline]
    pub(crate) const fn from_static(s: &'static str) -> Repr {
        // SAFETY: a `&'static str` is valid UTF-8 for the whole program, and the static form
        // owns nothing.
        unsafe { Repr::pointer_const(s.as_ptr(), s.len(), STATIC_TAG) }
    }

    /// Bytes 8..16 of a pointer form on 64-bit targets, as a native-endian number.
    #[cfg(target_pointer_width = "64")]
    #[inline(always)]
    const fn high_word_of(len: usize, tag: u8) -> u64 {
        if cfg!(target_endian = "little") {
            len as u64 | (tag as u64) << 56
        } else {
            (len as u64) << 8 | tag as u64
        }
    }

    /// A pointer form, written as two words (the compiler keeps the `const` version's byte
    /// copies as separate byte stores, and a caller that loads the 16 bytes right after would
    /// wait on them: a store-forwarding stall). Private to the `repr` module.
    ///
    /// # Panics
    ///
    /// If `len > MAX_LEN`.
    ///
    /// # Safety
    ///
    /// As [`pointer_const`](Repr::pointer_const).
    #[inline(always)]
    unsafe fn pointer(ptr: *const u8, len: usize, tag: u8) -> Repr {
        assert!(len <= MAX_LEN, "string too long for a makai-string");
        debug_assert!((STATIC_TAG..=LAST_BYTE_MAX).contains(&tag));
        let mut r = MaybeUninit::<Repr>::uninit();
        let base = r.as_mut_ptr().cast::<u8>();
        // SAFETY: offset 0 of the 16-byte value: the pointer word.
        unsafe { base.cast::<*const u8>().write(ptr) };
        #[cfg(target_pointer_width = "64")]
        let high = Repr::high_word_of(len, tag);
        #[cfg(target_pointer_width = "32")]
        let high = {
            // SAFETY: bytes 4..8, the length word of a 32-bit target.
            unsafe { base.add(4).cast::<u32>().write_unaligned(len as u32) };
            u64::from_ne_bytes([0, 0, 0, 0, 0, 0, 0, tag])
        };
        // SAFETY: offset 8 of the 16-byte value.
        let high_ptr = unsafe { base.add(8) };
        // SAFETY: bytes 8..16 inside `r`; `write_unaligned` needs no alignment.
        unsafe { high_ptr.cast::<u64>().write_unaligned(high) };
        // SAFETY: all 16 bytes are written; byte 15 is `tag`, a pointer tag (caller's
        // contract); the pointer word holds the pointer with its provenance.
        unsafe { r.assume_init() }
    }

    /// A pointer form, in `const` code. Private to the `repr` module: only its typed
    /// constructors call it.
    ///
    /// # Panics
    ///
    /// If `len > MAX_LEN`.
    ///
    /// # Safety
    ///
    /// `tag` is a pointer tag and `ptr` is what that form expects: `len` bytes of UTF-8 valid
    /// as long as the representation is used (static), or the data pointer of a counted buffer
    /// (heap) or of an `ExtPrefix` (adopted) whose reference the caller hands over.
    #[inline(always)]
    const unsafe fn pointer_const(ptr: *const u8, len: usize, tag: u8) -> Repr {
        assert!(len <= MAX_LEN, "string too long for a makai-string");
        debug_assert!(tag >= STATIC_TAG && tag <= LAST_BYTE_MAX);
        let mut mid = [0u8; MID];
        #[cfg(target_pointer_width = "64")]
        let len_bytes = Repr::high_word_of(len, tag).to_ne_bytes();
        #[cfg(target_pointer_width = "32")]
        let len_bytes = len.to_ne_bytes();
        let mut i = 0;
        while i < len_bytes.len() && i < MID {
            mid[i] = len_bytes[i];
            i += 1;
        }
        // SAFETY: the tag is a pointer tag (caller's contract), at most `LAST_BYTE_MAX`.
        let last = unsafe { core::mem::transmute::<u8, LastByte>(tag) };
        Repr {
            ptr: MaybeUninit::new(ptr),
            mid,
            last,
        }
    }

    /// The same form and pointer with another length (for the growth operations).
    ///
    /// # Safety
    ///
    /// `self` is a pointer form whose bytes `0..len` are initialised UTF-8 inside its buffer.
    #[inline(always)]
    unsafe fn with_pointer_len(self, len: usize) -> Repr {
        // SAFETY: same pointer and tag, a length the caller vouches for.
        unsafe { Repr::pointer(self.word(), len, self.tag()) }
    }

    /// Byte 15 as a number.
    #[inline(always)]
    pub(crate) const fn tag(&self) -> u8 {
        self.last as u8
    }

    /// Whether the string is stored in these 16 bytes.
    #[inline(always)]
    pub(crate) const fn is_inline(&self) -> bool {
        self.tag() < STATIC_TAG
    }

    /// Whether the string is a reference-counted buffer (heap or adopted).
    #[inline(always)]
    pub(crate) const fn is_counted(&self) -> bool {
        self.tag() >= HEAP_TAG
    }

    /// Bytes 8..16 as a native-endian number: one load (the middle bytes and byte 15 together).
    /// 64-bit targets only: a 32-bit target keeps the length elsewhere.
    #[cfg(target_pointer_width = "64")]
    #[inline(always)]
    const fn high_word(&self) -> u64 {
        let base = ptr::from_ref(self).cast::<u8>();
        // SAFETY: offset 8 of a 16-byte value.
        let high = unsafe { base.add(8) };
        // SAFETY: bytes 8..16 of a `Repr` are initialised plain bytes inside `self` (on 64-bit
        // targets the middle bytes and byte 15; on 32-bit targets part of the middle bytes
        // too), never a pointer; `read_unaligned` needs no alignment.
        unsafe { high.cast::<u64>().read_unaligned() }
    }

    /// The length of a pointer form.
    #[inline(always)]
    const fn pointer_len(&self) -> usize {
        #[cfg(target_pointer_width = "64")]
        {
            let word = self.high_word() as usize;
            if cfg!(target_endian = "little") {
                word & MAX_LEN
            } else {
                word >> 8
            }
        }
        #[cfg(target_pointer_width = "32")]
        {
            let m = self.mid;
            usize::from_ne_bytes([m[0], m[1], m[2], m[3]])
        }
    }

    /// Whether `self` and `other` have the same byte 15 and, if that is a pointer tag, the
    /// same length. On 64-bit targets both sit in bytes 8..16: one compare.
    #[inline(always)]
    pub(crate) const fn same_tag_and_pointer_len(&self, other: &Repr) -> bool {
        #[cfg(target_pointer_width = "64")]
        {
            self.high_word() == other.high_word()
        }
        #[cfg(target_pointer_width = "32")]
        {
            self.tag() == other.tag() && self.pointer_len() == other.pointer_len()
        }
    }

    /// The length of an inline string.
    #[inline(always)]
    const fn inline_len(&self) -> usize {
        let short = self.tag().wrapping_sub(SHORT_TAG) as usize;
        if short < INLINE_CAP {
            short
        } else {
            INLINE_CAP
        }
    }

    /// The length in bytes.
    #[inline(always)]
    pub(crate) const fn len(&self) -> usize {
        if self.is_inline() {
            self.inline_len()
        } else {
            self.pointer_len()
        }
    }

    /// The pointer word (meaningful in the pointer forms only; an inline string's first bytes
    /// come out as a pointer without provenance, which is never dereferenced).
    #[inline(always)]
    pub(crate) const fn word(&self) -> *const u8 {
        // SAFETY: all 16 bytes are always initialised (type invariant), and any initialised
        // bytes are a valid raw pointer value.
        unsafe { self.ptr.assume_init() }
    }

    /// The pointer word of a pointer form as `NonNull`.
    ///
    /// # Safety
    ///
    /// `self` is a pointer form (its word is a non-null pointer).
    #[inline(always)]
    pub(crate) const unsafe fn word_non_null(&self) -> NonNull<u8> {
        // SAFETY: pointer forms store a non-null pointer (caller's contract).
        unsafe { NonNull::new_unchecked(self.word().cast_mut()) }
    }

    /// Where the bytes start (for an inline string: `self`).
    #[inline(always)]
    pub(crate) fn data_ptr(&self) -> *const u8 {
        let tag = self.tag();
        if tag < STATIC_TAG {
            ptr::from_ref(self).cast::<u8>()
        } else if tag == EXT_TAG {
            // SAFETY: a pointer form.
            let word = unsafe { self.word_non_null() };
            // SAFETY: the word of a live adopted form (alive as long as `self`).
            unsafe { adopted::data_of(word) }
        } else {
            self.word()
        }
    }

    /// The bytes. They are valid UTF-8 (every constructor takes `&str` or checks).
    #[inline(always)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        // SAFETY: `data_ptr` points at `len` initialised bytes that live as long as `self`:
        // inside `self` for inline strings, in a `'static` string, or in a buffer this
        // representation holds a reference to.
        unsafe { core::slice::from_raw_parts(self.data_ptr(), self.len()) }
    }

    /// The string.
    #[inline(always)]
    pub(crate) fn as_str(&self) -> &str {
        // SAFETY: the bytes are UTF-8 (type invariant).
        unsafe { core::str::from_utf8_unchecked(self.as_bytes()) }
    }

    /// The sixteen bytes (used for inline strings, where they are the whole value).
    #[inline(always)]
    pub(crate) const fn inline_bytes(&self) -> [u8; 16] {
        // SAFETY: every byte is initialised and `Repr` has no padding; a pointer word turns
        // into plain bytes (provenance is dropped, which is allowed), and for an inline string
        // there is no pointer at all.
        unsafe { core::mem::transmute::<Repr, [u8; 16]>(*self) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_lengths_round_trip_with_their_tag() {
        for tag in [STATIC_TAG, HEAP_TAG, EXT_TAG] {
            // `u32::MAX` is past `MAX_LEN` (`isize::MAX`) on 32-bit targets.
            let lens = [0, 1, 16, 17, 255, 256, 65_536, u32::MAX as usize, MAX_LEN];
            for len in lens.into_iter().filter(|&len| len <= MAX_LEN) {
                // SAFETY: the representation is only inspected, never dereferenced or dropped.
                let r = unsafe { Repr::pointer(ptr::null(), len, tag) };
                assert_eq!((r.len(), r.tag()), (len, tag), "len {len} tag {tag:#x}");
                assert!(!r.is_inline());
                assert_eq!(r.is_counted(), tag != STATIC_TAG);
                // SAFETY: as above.
                let c = unsafe { Repr::pointer_const(ptr::null(), len, tag) };
                assert_eq!(
                    c.inline_bytes(),
                    r.inline_bytes(),
                    "const and runtime agree"
                );
            }
        }
    }

    #[test]
    #[should_panic(expected = "string too long")]
    fn pointer_rejects_lengths_past_the_maximum() {
        // SAFETY: never dereferenced (the call panics).
        let _ = unsafe { Repr::pointer(ptr::null(), MAX_LEN + 1, STATIC_TAG) };
    }

    #[test]
    fn static_form() {
        let r = Repr::from_static("a static string, longer than 16");
        assert_eq!(r.tag(), STATIC_TAG);
        assert_eq!(r.as_str(), "a static string, longer than 16");
        assert_eq!(Repr::from_static("").len(), 0);
    }
}
