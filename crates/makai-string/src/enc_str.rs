//! [`EncStr`]: an immutable shared string that remembers its encoding (Bun's `bun.String`).
//!
//! Byte layout (`P` is the pointer size; byte 15 is always the [`EncTag`]):
//!
//! | form | bytes `0..P` | bytes `P..15` | byte 15 |
//! |---|---|---|---|
//! | inline | data (Latin-1/UTF-8 bytes or native-endian UTF-16 units), zero padded | data | tag, form = length in units (`0..=15`) |
//! | static | pointer to `'static` data | length in units | tag, form 16 |
//! | heap | pointer to the data of a makai-string heap buffer (count header in front) | length in units | tag, form 17 |
//!
//! The length of a pointer form shares the second machine word with byte 15 on 64-bit
//! targets (56 bits, either endianness), like [`Str`]'s. Heap buffers are the same
//! reference-counted buffers `Str` uses (one `u32` count in a header before the data), so
//! cloning is one atomic increment.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use core::cmp::Ordering;
use core::fmt::{self, Write as _};
use core::hash::{Hash, Hasher};
use core::mem::MaybeUninit;
use core::ptr;

use makai_error::{AllocError, HandleOom};
use makai_ptr::CowStr;

use crate::enc_tag::EncTag;
use crate::encode;
use crate::repr::{MAX_LEN, Repr, alloc_heap, padded15};
use crate::{SmolStr, Str};

const PTR_SIZE: usize = size_of::<*const u8>();
/// The bytes between the pointer word and byte 15.
const MID: usize = 15 - PTR_SIZE;
/// Bytes an inline string holds.
const INLINE_BYTES: usize = 15;
/// Form value of a static string.
const FORM_STATIC: u8 = 16;
/// Form value of a heap string.
const FORM_HEAP: u8 = 17;

/// The text encoding of an [`EncStr`].
///
/// ```
/// use makai_string::{EncStr, Encoding};
/// assert_eq!(EncStr::from("x").encoding(), Encoding::Utf8);
/// assert_eq!(EncStr::from_latin1(b"x").encoding(), Encoding::Latin1);
/// assert_eq!(EncStr::from_utf16(&[0x78]).encoding(), Encoding::Utf16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Encoding {
    /// One byte per code point, U+0000 to U+00FF.
    Latin1 = 0,
    /// Valid UTF-8.
    Utf8 = 1,
    /// Native-endian UTF-16, possibly with lone surrogates.
    Utf16 = 2,
}

impl Encoding {
    /// Bytes per code unit: 1, 1 or 2.
    ///
    /// ```
    /// assert_eq!(makai_string::Encoding::Utf16.unit_size(), 2);
    /// ```
    pub const fn unit_size(self) -> usize {
        match self {
            Encoding::Latin1 | Encoding::Utf8 => 1,
            Encoding::Utf16 => 2,
        }
    }
}

/// An immutable, shared string in Latin-1, UTF-8 or UTF-16 that knows whether it is all
/// ASCII: Bun's `bun.String`, the way a JavaScript runtime holds text that came from the
/// engine (Latin-1 or UTF-16) next to text that came from files and sockets (UTF-8).
///
/// - **16 bytes**, and `Option<EncStr>` too. Up to 15 bytes (Latin-1, UTF-8) or 7 units
///   (UTF-16) are stored inline; longer text lives in a reference-counted heap buffer, or is
///   borrowed from a `'static` with no allocation ([`from_static`](EncStr::from_static)).
/// - `clone` is O(1): a copy, or one atomic increment. `Send + Sync`.
/// - Equality, ordering and hashing are **by code points**: the same text in different
///   encodings is equal and hashes equal. A lone surrogate is its own code point
///   (U+D800..U+DFFF), so it equals only the same lone surrogate.
/// - Views without conversion ([`as_latin1`](EncStr::as_latin1),
///   [`as_utf8`](EncStr::as_utf8), [`as_utf16`](EncStr::as_utf16)) return `Some` when the
///   stored units are valid in that encoding; ASCII text is valid as both Latin-1 and
///   UTF-8. [`to_utf8`](EncStr::to_utf8) borrows when it can and converts otherwise, lone
///   surrogates becoming U+FFFD (the `encode` module's rule).
///
/// ```
/// use std::collections::HashSet;
/// use makai_string::{EncStr, Encoding};
///
/// let latin1 = EncStr::from_latin1(b"caf\xE9");
/// let utf16 = EncStr::from_utf16(&[0x63, 0x61, 0x66, 0xE9]);
/// let utf8 = EncStr::from("café");
/// assert!(latin1 == utf16 && utf16 == utf8);
/// let set: HashSet<EncStr> = [latin1.clone(), utf16.clone(), utf8.clone()].into();
/// assert_eq!(set.len(), 1);
/// assert_eq!((latin1.len(), utf16.len(), utf8.len()), (4, 4, 5)); // units of each
/// assert_eq!(latin1.to_utf8(), "café");
/// assert!(!utf8.to_utf8().is_owned()); // borrowed: no conversion needed
/// assert_eq!(utf16.encoding(), Encoding::Utf16);
/// ```
///
/// # Looking up a map by `&str`
///
/// `EncStr` is not `Borrow<str>`: it hashes by code points, which a `str` does not. Look up
/// with `&EncStr::from(s)`, which stays inline (no allocation) for up to 15 bytes:
///
/// ```
/// use std::collections::HashMap;
/// use makai_string::EncStr;
///
/// let units: Vec<u16> = "café".encode_utf16().collect();
/// let map = HashMap::from([(EncStr::from_utf16(&units), 1)]);
/// assert_eq!(map.get(&EncStr::from("café")), Some(&1));
/// ```
#[doc(alias = "bun.String")]
#[repr(C)]
pub struct EncStr {
    /// A pointer in the pointer forms, data in the inline form. `MaybeUninit` so copies are
    /// byte copies and data is never read as a pointer.
    word: MaybeUninit<*const u8>,
    mid: [u8; MID],
    tag: EncTag,
}

const _: () = assert!(size_of::<EncStr>() == 16);
const _: () = assert!(size_of::<Option<EncStr>>() == 16);
const _: () = assert!(align_of::<EncStr>() >= align_of::<u16>());

// SAFETY: the heap form's count is atomic (it is `Str`'s buffer), static data is `'static`
// and immutable, and inline data is plain bytes; nothing is ever written after construction.
unsafe impl Send for EncStr {}
// SAFETY: as above: shared access only reads.
unsafe impl Sync for EncStr {}

/// Builds a tag byte.
const fn tag_byte(form: u8, enc: Encoding, ascii: bool) -> u8 {
    form << 3 | (enc as u8) << 1 | ascii as u8
}

/// Whether every byte is ASCII, in a `const` context.
const fn const_is_ascii(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] >= 0x80 {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether every unit is ASCII, in a `const` context.
const fn const_is_ascii_utf16(units: &[u16]) -> bool {
    let mut i = 0;
    while i < units.len() {
        if units[i] >= 0x80 {
            return false;
        }
        i += 1;
    }
    true
}

impl EncStr {
    /// The empty string (UTF-8, ASCII).
    ///
    /// ```
    /// assert!(makai_string::EncStr::new().is_empty());
    /// ```
    pub const fn new() -> EncStr {
        EncStr::inline_raw([0; 16], 0, Encoding::Utf8, true)
    }

    /// An inline string from its sixteen bytes (byte 15 is replaced by the tag).
    #[inline(always)]
    const fn inline_raw(bytes: [u8; 16], len: usize, enc: Encoding, ascii: bool) -> EncStr {
        assert!(len <= INLINE_BYTES);
        let mut mid = [0u8; MID];
        let mut i = 0;
        while i < MID {
            mid[i] = bytes[PTR_SIZE + i];
            i += 1;
        }
        let mut word = [0u8; PTR_SIZE];
        let mut i = 0;
        while i < PTR_SIZE {
            word[i] = bytes[i];
            i += 1;
        }
        EncStr {
            // Data bytes as an address without provenance: an inline string's word is never
            // dereferenced.
            word: MaybeUninit::new(ptr::without_provenance(usize::from_ne_bytes(word))),
            mid,
            tag: EncTag::new(tag_byte(len as u8, enc, ascii)),
        }
    }

    /// A pointer form.
    const fn pointer(ptr: *const u8, len: usize, form: u8, enc: Encoding, ascii: bool) -> EncStr {
        assert!(len <= MAX_LEN, "string too long for an EncStr");
        let tag = tag_byte(form, enc, ascii);
        let mut mid = [0u8; MID];
        #[cfg(target_pointer_width = "64")]
        let len_bytes = if cfg!(target_endian = "little") {
            (len | (tag as usize) << 56).to_ne_bytes()
        } else {
            ((len << 8) | tag as usize).to_ne_bytes()
        };
        #[cfg(target_pointer_width = "32")]
        let len_bytes = len.to_ne_bytes();
        let mut i = 0;
        while i < len_bytes.len() && i < MID {
            mid[i] = len_bytes[i];
            i += 1;
        }
        EncStr {
            word: MaybeUninit::new(ptr),
            mid,
            tag: EncTag::new(tag),
        }
    }

    /// A `&'static str` without copying or allocating.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// const GREETING: EncStr = EncStr::from_static("¡hola!");
    /// assert!(GREETING.is_static() && !GREETING.is_ascii());
    /// assert_eq!(GREETING, "¡hola!");
    /// ```
    pub const fn from_static(s: &'static str) -> EncStr {
        EncStr::pointer(
            s.as_ptr(),
            s.len(),
            FORM_STATIC,
            Encoding::Utf8,
            const_is_ascii(s.as_bytes()),
        )
    }

    /// `'static` Latin-1 bytes without copying or allocating.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// const NAME: EncStr = EncStr::from_static_latin1(b"Ren\xE9");
    /// assert_eq!(NAME, "René");
    /// ```
    pub const fn from_static_latin1(bytes: &'static [u8]) -> EncStr {
        EncStr::pointer(
            bytes.as_ptr(),
            bytes.len(),
            FORM_STATIC,
            Encoding::Latin1,
            const_is_ascii(bytes),
        )
    }

    /// `'static` UTF-16 units without copying or allocating.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// static UNITS: [u16; 2] = [0xD83D, 0xDE00];
    /// const SMILE: EncStr = EncStr::from_static_utf16(&UNITS);
    /// assert_eq!(SMILE, "😀");
    /// ```
    pub const fn from_static_utf16(units: &'static [u16]) -> EncStr {
        EncStr::pointer(
            units.as_ptr().cast::<u8>(),
            units.len(),
            FORM_STATIC,
            Encoding::Utf16,
            const_is_ascii_utf16(units),
        )
    }

    /// Copies `bytes` (whose length is `len` units of `enc`) into an inline string or a new
    /// heap buffer.
    fn copy_in(bytes: &[u8], len: usize, enc: Encoding, ascii: bool) -> Result<EncStr, AllocError> {
        if bytes.len() <= INLINE_BYTES {
            return Ok(EncStr::inline_raw(padded15(bytes), len, enc, ascii));
        }
        let data = alloc_heap(bytes.len())?;
        // SAFETY: the fresh buffer has room for `bytes.len()` bytes and cannot overlap them.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), data.as_ptr(), bytes.len()) };
        Ok(EncStr::pointer(data.as_ptr(), len, FORM_HEAP, enc, ascii))
    }

    /// Copies UTF-8 text, reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the heap buffer cannot be allocated.
    ///
    /// ```
    /// let s = makai_string::EncStr::try_from_str("text").unwrap();
    /// assert_eq!(s, "text");
    /// ```
    #[inline]
    pub fn try_from_str(s: &str) -> Result<EncStr, AllocError> {
        let bytes = s.as_bytes();
        if bytes.len() <= INLINE_BYTES {
            // Fixed loads, no `memcpy` call (a copy into a stack buffer cost 4-10x `Str`).
            let buf = padded15(bytes);
            // Padding is zero, so one test of both words covers every byte.
            let lo = u64::from_ne_bytes(buf[..8].try_into().expect("8 bytes"));
            let hi = u64::from_ne_bytes(buf[8..].try_into().expect("8 bytes"));
            let ascii = (lo | hi) & 0x8080_8080_8080_8080 == 0;
            return Ok(EncStr::inline_raw(buf, bytes.len(), Encoding::Utf8, ascii));
        }
        EncStr::copy_in(bytes, bytes.len(), Encoding::Utf8, bytes.is_ascii())
    }

    /// Checks and copies UTF-8 bytes.
    ///
    /// # Errors
    ///
    /// The [`Utf8Error`](std::str::Utf8Error) when `bytes` are not UTF-8. Aborts on
    /// allocation failure.
    ///
    /// ```
    /// assert!(makai_string::EncStr::from_utf8(b"ok").is_ok());
    /// assert!(makai_string::EncStr::from_utf8(b"\xFF").is_err());
    /// ```
    pub fn from_utf8(bytes: &[u8]) -> Result<EncStr, core::str::Utf8Error> {
        core::str::from_utf8(bytes).map(EncStr::from)
    }

    /// Copies Latin-1 bytes (every byte sequence is valid Latin-1). Aborts on allocation
    /// failure; see [`try_from_latin1`](EncStr::try_from_latin1).
    ///
    /// ```
    /// let s = makai_string::EncStr::from_latin1(b"\xA9 2026");
    /// assert_eq!(s, "© 2026");
    /// assert_eq!(s.as_latin1(), Some(b"\xA9 2026".as_slice()));
    /// ```
    #[doc(alias = "cloneLatin1")]
    pub fn from_latin1(bytes: &[u8]) -> EncStr {
        EncStr::try_from_latin1(bytes).handle_oom()
    }

    /// [`from_latin1`](EncStr::from_latin1), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the heap buffer cannot be allocated.
    ///
    /// ```
    /// assert!(makai_string::EncStr::try_from_latin1(b"x").is_ok());
    /// ```
    pub fn try_from_latin1(bytes: &[u8]) -> Result<EncStr, AllocError> {
        EncStr::copy_in(bytes, bytes.len(), Encoding::Latin1, bytes.is_ascii())
    }

    /// Copies UTF-16 units (lone surrogates allowed). Aborts on allocation failure; see
    /// [`try_from_utf16`](EncStr::try_from_utf16).
    ///
    /// ```
    /// let units: Vec<u16> = "日本".encode_utf16().collect();
    /// let s = makai_string::EncStr::from_utf16(&units);
    /// assert_eq!(s, "日本");
    /// assert_eq!(s.as_utf16(), Some(units.as_slice()));
    /// ```
    #[doc(alias = "cloneUTF16")]
    pub fn from_utf16(units: &[u16]) -> EncStr {
        EncStr::try_from_utf16(units).handle_oom()
    }

    /// [`from_utf16`](EncStr::from_utf16), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the heap buffer cannot be allocated.
    ///
    /// ```
    /// assert!(makai_string::EncStr::try_from_utf16(&[0x41]).is_ok());
    /// ```
    pub fn try_from_utf16(units: &[u16]) -> Result<EncStr, AllocError> {
        let ascii = encode::first_non_ascii_utf16(units).is_none();
        let bytes_len = units.len().checked_mul(2).ok_or(AllocError)?;
        if bytes_len <= INLINE_BYTES {
            let mut buf = [0u8; 16];
            for (i, u) in units.iter().enumerate() {
                buf[2 * i..2 * i + 2].copy_from_slice(&u.to_ne_bytes());
            }
            return Ok(EncStr::inline_raw(buf, units.len(), Encoding::Utf16, ascii));
        }
        let data = alloc_heap(bytes_len)?;
        // SAFETY: the fresh buffer has room for `bytes_len` bytes, is aligned for `u16`
        // (heap data follows a word-aligned header) and cannot overlap `units`.
        unsafe {
            ptr::copy_nonoverlapping(units.as_ptr(), data.as_ptr().cast::<u16>(), units.len())
        };
        Ok(EncStr::pointer(
            data.as_ptr(),
            units.len(),
            FORM_HEAP,
            Encoding::Utf16,
            ascii,
        ))
    }

    /// Byte 15 as a number.
    #[inline(always)]
    const fn tag(&self) -> u8 {
        self.tag as u8
    }

    /// The form: `0..=15` inline length, [`FORM_STATIC`] or [`FORM_HEAP`].
    #[inline(always)]
    const fn form(&self) -> u8 {
        self.tag() >> 3
    }

    /// The encoding of the stored units.
    ///
    /// ```
    /// assert_eq!(makai_string::EncStr::from("a").encoding(), makai_string::Encoding::Utf8);
    /// ```
    #[inline]
    pub const fn encoding(&self) -> Encoding {
        match (self.tag() >> 1) & 3 {
            0 => Encoding::Latin1,
            1 => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// Whether every code point is ASCII (computed once, at construction).
    ///
    /// ```
    /// assert!(makai_string::EncStr::from_utf16(&[0x41]).is_ascii());
    /// assert!(!makai_string::EncStr::from("é").is_ascii());
    /// ```
    #[doc(alias = "isAllASCII")]
    #[inline]
    pub const fn is_ascii(&self) -> bool {
        self.tag() & 1 != 0
    }

    /// Whether the text is stored in these 16 bytes.
    ///
    /// ```
    /// assert!(makai_string::EncStr::from("short").is_inline());
    /// ```
    #[inline]
    pub const fn is_inline(&self) -> bool {
        self.form() < FORM_STATIC
    }

    /// Whether the text is borrowed from a `'static`.
    ///
    /// ```
    /// assert!(makai_string::EncStr::from_static("s").is_static());
    /// ```
    #[inline]
    pub const fn is_static(&self) -> bool {
        self.form() == FORM_STATIC
    }

    /// Whether the text is in a reference-counted heap buffer.
    #[inline]
    const fn is_heap(&self) -> bool {
        self.form() == FORM_HEAP
    }

    /// The length in code units of its encoding: bytes for Latin-1 and UTF-8, `u16`s for
    /// UTF-16. See [`utf8_len`](EncStr::utf8_len) and [`utf16_len`](EncStr::utf16_len) for
    /// a given encoding.
    ///
    /// ```
    /// assert_eq!(makai_string::EncStr::from("é").len(), 2);
    /// assert_eq!(makai_string::EncStr::from_latin1(b"\xE9").len(), 1);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        let form = self.form();
        if form < FORM_STATIC {
            return form as usize;
        }
        let m = self.mid;
        #[cfg(target_pointer_width = "64")]
        {
            let word = usize::from_ne_bytes([m[0], m[1], m[2], m[3], m[4], m[5], m[6], self.tag()]);
            if cfg!(target_endian = "little") {
                word & MAX_LEN
            } else {
                word >> 8
            }
        }
        #[cfg(target_pointer_width = "32")]
        {
            usize::from_ne_bytes([m[0], m[1], m[2], m[3]])
        }
    }

    /// Whether the string is empty.
    ///
    /// ```
    /// assert!(makai_string::EncStr::from_utf16(&[]).is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the text occupies in its encoding (`len() * unit size`), wherever it is
    /// stored.
    ///
    /// ```
    /// assert_eq!(makai_string::EncStr::from_utf16(&[1, 2, 3]).byte_len(), 6);
    /// ```
    #[inline]
    pub const fn byte_len(&self) -> usize {
        self.len() * self.encoding().unit_size()
    }

    /// Where the units start.
    #[inline(always)]
    fn data_ptr(&self) -> *const u8 {
        if self.is_inline() {
            ptr::from_ref(self).cast::<u8>()
        } else {
            // SAFETY: all 16 bytes are initialised, and pointer forms hold a pointer there.
            unsafe { self.word.assume_init() }
        }
    }

    /// The stored bytes (for UTF-16, the units' native-endian bytes).
    #[inline(always)]
    fn bytes(&self) -> &[u8] {
        // SAFETY: `data_ptr` points at `byte_len` initialised bytes that live as long as
        // `self`: inside `self`, in a `'static`, or in a heap buffer `self` holds a
        // reference to.
        unsafe { core::slice::from_raw_parts(self.data_ptr(), self.byte_len()) }
    }

    /// The stored units when the encoding is UTF-16.
    #[inline(always)]
    fn units(&self) -> &[u16] {
        debug_assert_eq!(self.encoding(), Encoding::Utf16);
        let data = self.data_ptr().cast::<u16>();
        debug_assert!(data.is_aligned());
        // SAFETY: a UTF-16 string's data holds `len` units, aligned for `u16` (inline: at
        // the start of the 8-aligned `self`; heap: after a word-aligned header; static: from
        // a `&'static [u16]`), alive as long as `self`.
        unsafe { core::slice::from_raw_parts(data, self.len()) }
    }

    /// The bytes as Latin-1, when they are: a Latin-1 string, or an ASCII UTF-8 one.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// assert_eq!(EncStr::from("abc").as_latin1(), Some(b"abc".as_slice()));
    /// assert_eq!(EncStr::from("é").as_latin1(), None); // UTF-8 bytes are not Latin-1
    /// ```
    #[inline]
    pub fn as_latin1(&self) -> Option<&[u8]> {
        match self.encoding() {
            Encoding::Latin1 => Some(self.bytes()),
            Encoding::Utf8 if self.is_ascii() => Some(self.bytes()),
            _ => None,
        }
    }

    /// The text as `&str`, when the stored bytes are UTF-8: a UTF-8 string, or an ASCII
    /// Latin-1 one.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// assert_eq!(EncStr::from_latin1(b"ascii").as_utf8(), Some("ascii"));
    /// assert_eq!(EncStr::from_latin1(b"\xE9").as_utf8(), None);
    /// ```
    #[inline]
    pub fn as_utf8(&self) -> Option<&str> {
        match self.encoding() {
            Encoding::Utf8 => {
                // SAFETY: UTF-8 strings are built from `&str` or checked bytes.
                Some(unsafe { core::str::from_utf8_unchecked(self.bytes()) })
            }
            Encoding::Latin1 if self.is_ascii() => {
                // SAFETY: the ASCII flag was computed from these bytes at construction, and
                // ASCII is UTF-8.
                Some(unsafe { core::str::from_utf8_unchecked(self.bytes()) })
            }
            _ => None,
        }
    }

    /// The units, when the encoding is UTF-16.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// assert_eq!(EncStr::from_utf16(&[0x41]).as_utf16(), Some([0x41].as_slice()));
    /// assert_eq!(EncStr::from("A").as_utf16(), None);
    /// ```
    #[inline]
    pub fn as_utf16(&self) -> Option<&[u16]> {
        (self.encoding() == Encoding::Utf16).then(|| self.units())
    }

    /// The text as UTF-8: borrowed when the stored bytes already are (UTF-8, or ASCII
    /// Latin-1), converted otherwise. Lone surrogates become U+FFFD. The result is a
    /// [`CowStr`](crate::CowStr) (re-exported as `makai_string::CowStr`); `.into()` gives a
    /// std `Cow<str>`, and `.to_string()` a `String`.
    ///
    /// Aborts on allocation failure.
    ///
    /// ```
    /// use makai_string::{CowStr, EncStr};
    /// fn name(s: &EncStr) -> CowStr<'_> {
    ///     s.to_utf8()
    /// }
    /// let latin1 = EncStr::from_latin1(b"caf\xE9");
    /// let c: std::borrow::Cow<'_, str> = name(&latin1).into();
    /// assert_eq!(c, "café");
    /// let s = EncStr::from_utf16(&[0x61, 0xD800]);
    /// assert_eq!(s.to_utf8(), "a\u{FFFD}");
    /// assert!(!EncStr::from("b").to_utf8().is_owned());
    /// ```
    #[doc(alias = "toUTF8")]
    pub fn to_utf8(&self) -> CowStr<'_> {
        if let Some(s) = self.as_utf8() {
            return CowStr::borrowed(s);
        }
        match self.encoding() {
            Encoding::Latin1 => CowStr::from_string(encode::latin1_to_string(self.bytes())),
            _ => CowStr::from_string(encode::utf16_to_string(self.units())),
        }
    }

    /// The text as UTF-16: borrowed when it is stored so, converted otherwise.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// assert_eq!(&*EncStr::from("é").to_utf16(), &[0xE9]);
    /// ```
    pub fn to_utf16(&self) -> Cow<'_, [u16]> {
        match self.encoding() {
            Encoding::Utf16 => Cow::Borrowed(self.units()),
            Encoding::Latin1 => Cow::Owned(encode::latin1_to_utf16(self.bytes())),
            Encoding::Utf8 => Cow::Owned(encode::utf8_to_utf16(self.bytes())),
        }
    }

    /// The length in UTF-16 units (JavaScript's `length`). O(1) except for non-ASCII UTF-8,
    /// which is measured.
    ///
    /// ```
    /// assert_eq!(makai_string::EncStr::from("a😀").utf16_len(), 3);
    /// ```
    pub fn utf16_len(&self) -> usize {
        match self.encoding() {
            Encoding::Utf8 if !self.is_ascii() => encode::utf16_len_from_utf8(self.bytes()),
            _ => self.len(),
        }
    }

    /// The length in UTF-8 bytes ([`to_utf8`](EncStr::to_utf8)'s length). O(1) for UTF-8
    /// and ASCII, measured otherwise.
    ///
    /// ```
    /// assert_eq!(makai_string::EncStr::from_latin1(b"\xE9").utf8_len(), 2);
    /// ```
    pub fn utf8_len(&self) -> usize {
        match self.encoding() {
            Encoding::Latin1 if !self.is_ascii() => encode::utf8_len_from_latin1(self.bytes()),
            Encoding::Utf16 if !self.is_ascii() => encode::utf8_len_from_utf16(self.units()),
            _ => self.len(),
        }
    }

    /// The characters, lone surrogates as U+FFFD.
    ///
    /// ```
    /// let s = makai_string::EncStr::from_latin1(b"\xE9t\xE9");
    /// assert_eq!(s.chars().collect::<String>(), "été");
    /// ```
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.code_points()
            .map(|c| char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// The code points (lone surrogates as their own value).
    fn code_points(&self) -> CodePoints<'_> {
        match self.encoding() {
            Encoding::Latin1 => CodePoints::Latin1(self.bytes().iter()),
            Encoding::Utf8 => CodePoints::Utf8(
                // SAFETY: UTF-8 strings are built from `&str` or checked bytes.
                unsafe { core::str::from_utf8_unchecked(self.bytes()) }.chars(),
            ),
            Encoding::Utf16 => CodePoints::Utf16(char::decode_utf16(self.units().iter().copied())),
        }
    }

    /// Whether two strings share storage (the same heap buffer or static data); inline
    /// strings never do.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// let a = EncStr::from("a string long enough for the heap");
    /// assert!(EncStr::ptr_eq(&a, &a.clone()));
    /// ```
    pub fn ptr_eq(a: &EncStr, b: &EncStr) -> bool {
        !a.is_inline() && !b.is_inline() && a.data_ptr() == b.data_ptr() && a.len() == b.len()
    }

    /// A `Repr` that names this string's heap buffer, so reference counting goes through
    /// the same code as `Str`'s.
    ///
    /// # Safety
    ///
    /// `self` is a heap form.
    #[inline(always)]
    unsafe fn heap_repr(&self) -> Repr {
        debug_assert!(self.is_heap());
        // SAFETY: pointer forms hold a pointer in `word`; all bytes are initialised.
        let word = unsafe { self.word.assume_init() };
        // SAFETY: `word` is the data pointer of the live heap buffer (from `alloc_heap`) that
        // `self` holds a reference to; the caller uses the handle for that reference only.
        unsafe { Repr::heap_handle(word) }
    }
}

/// Code points of any encoding; a lone surrogate is its own value.
enum CodePoints<'a> {
    Latin1(core::slice::Iter<'a, u8>),
    Utf8(core::str::Chars<'a>),
    Utf16(core::char::DecodeUtf16<core::iter::Copied<core::slice::Iter<'a, u16>>>),
}

impl Iterator for CodePoints<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            CodePoints::Latin1(it) => it.next().map(|&b| u32::from(b)),
            CodePoints::Utf8(it) => it.next().map(u32::from),
            CodePoints::Utf16(it) => it
                .next()
                .map(|r| r.map_or_else(|e| u32::from(e.unpaired_surrogate()), u32::from)),
        }
    }
}

impl Clone for EncStr {
    #[inline]
    fn clone(&self) -> EncStr {
        if self.is_heap() {
            // SAFETY: checked just above: a heap form.
            let repr = unsafe { self.heap_repr() };
            // SAFETY: `repr` names the heap buffer `self` holds a live reference to.
            unsafe { repr.retain() };
        }
        EncStr {
            word: self.word,
            mid: self.mid,
            tag: self.tag,
        }
    }
}

impl Drop for EncStr {
    #[inline]
    fn drop(&mut self) {
        if self.is_heap() {
            // SAFETY: checked just above: a heap form.
            let repr = unsafe { self.heap_repr() };
            // SAFETY: `self` gives up its live reference and is not used afterwards.
            unsafe { repr.release() };
        }
    }
}

impl Default for EncStr {
    fn default() -> EncStr {
        EncStr::new()
    }
}

// ---------------------------------------------------------------------------------------
// Comparison and hashing by code points
// ---------------------------------------------------------------------------------------

/// Whether the stored bytes of `s` compare as code points byte by byte (Latin-1 always,
/// UTF-8 by UTF-8's design; `Some(bytes)` if so).
#[inline(always)]
fn byte_view(s: &EncStr) -> Option<(&[u8], Encoding)> {
    match s.encoding() {
        Encoding::Utf16 => None,
        enc => Some((s.bytes(), enc)),
    }
}

impl PartialEq for EncStr {
    #[inline]
    fn eq(&self, other: &EncStr) -> bool {
        // The same text has the same ASCII-ness in every encoding.
        if self.is_ascii() != other.is_ascii() {
            return false;
        }
        let ascii = self.is_ascii();
        match (byte_view(self), byte_view(other)) {
            (Some((a, ea)), Some((b, eb))) if ea == eb || ascii => a == b,
            (None, None) => self.units() == other.units(),
            (Some((a, _)), None) if ascii => {
                let b = other.units();
                a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| u16::from(x) == y)
            }
            (None, Some((b, _))) if ascii => {
                let a = self.units();
                a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| x == u16::from(y))
            }
            _ => self.code_points().eq(other.code_points()),
        }
    }
}

impl Eq for EncStr {}

impl PartialOrd for EncStr {
    fn partial_cmp(&self, other: &EncStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EncStr {
    fn cmp(&self, other: &EncStr) -> Ordering {
        match (byte_view(self), byte_view(other)) {
            // Byte order is code point order within Latin-1 and within UTF-8, and across
            // them for ASCII.
            (Some((a, ea)), Some((b, eb))) if ea == eb || (self.is_ascii() && other.is_ascii()) => {
                a.cmp(b)
            }
            _ => self.code_points().cmp(other.code_points()),
        }
    }
}

/// Hashing writes the text's UTF-8 bytes (WTF-8 for lone surrogates) in chunks of exactly
/// `HASH_CHUNK` bytes (the last one shorter), then `0xFF`, whatever the encoding. Hashers may
/// treat `write` calls of different sizes differently, so every encoding cuts the byte
/// stream at the same places.
const HASH_CHUNK: usize = 64;

/// Collects UTF-8 bytes and writes them to a hasher in `HASH_CHUNK`-byte chunks.
struct ChunkedHasher<'h, H> {
    state: &'h mut H,
    buf: [u8; HASH_CHUNK + 4],
    len: usize,
}

impl<H: Hasher> ChunkedHasher<'_, H> {
    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        if self.len >= HASH_CHUNK {
            self.state.write(&self.buf[..HASH_CHUNK]);
            self.buf.copy_within(HASH_CHUNK..self.len, 0);
            self.len -= HASH_CHUNK;
        }
    }

    fn finish(self) {
        if self.len > 0 {
            self.state.write(&self.buf[..self.len]);
        }
        self.state.write_u8(0xFF);
    }
}

impl Hash for EncStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // UTF-8 bytes as they are: UTF-8 strings and ASCII Latin-1 ones.
        let direct = match self.encoding() {
            Encoding::Utf8 => true,
            Encoding::Latin1 => self.is_ascii(),
            Encoding::Utf16 => false,
        };
        if direct {
            let bytes = self.bytes();
            for chunk in bytes.chunks(HASH_CHUNK) {
                state.write(chunk);
            }
            state.write_u8(0xFF);
            return;
        }
        let mut out = ChunkedHasher {
            state,
            buf: [0; HASH_CHUNK + 4],
            len: 0,
        };
        for cp in self.code_points() {
            let mut enc = [0u8; 4];
            let bytes: &[u8] = match char::from_u32(cp) {
                Some(c) => c.encode_utf8(&mut enc).as_bytes(),
                None => {
                    // A lone surrogate: its generalised (WTF-8) three bytes.
                    enc[..3].copy_from_slice(&[
                        0xE0 | (cp >> 12) as u8,
                        0x80 | ((cp >> 6) & 0x3F) as u8,
                        0x80 | (cp & 0x3F) as u8,
                    ]);
                    &enc[..3]
                }
            };
            out.push(bytes);
        }
        out.finish();
    }
}

impl PartialEq<str> for EncStr {
    fn eq(&self, other: &str) -> bool {
        match self.as_utf8() {
            Some(s) => s == other,
            None => {
                self.is_ascii() == other.is_ascii()
                    && self.code_points().eq(other.chars().map(u32::from))
            }
        }
    }
}

impl PartialEq<&str> for EncStr {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<EncStr> for str {
    fn eq(&self, other: &EncStr) -> bool {
        *other == *self
    }
}

impl PartialEq<EncStr> for &str {
    fn eq(&self, other: &EncStr) -> bool {
        *other == **self
    }
}

impl PartialEq<String> for EncStr {
    fn eq(&self, other: &String) -> bool {
        *self == **other
    }
}

/// `String == EncStr`, the mirror of `EncStr == String`.
///
/// ```
/// use makai_string::EncStr;
///
/// let units: Vec<u16> = "café".encode_utf16().collect();
/// assert!(String::from("café") == EncStr::from_utf16(&units));
/// assert!(String::from("cafe") != EncStr::from_utf16(&units));
/// ```
impl PartialEq<EncStr> for String {
    fn eq(&self, other: &EncStr) -> bool {
        *other == **self
    }
}

impl PartialEq<Str> for EncStr {
    fn eq(&self, other: &Str) -> bool {
        *self == **other
    }
}

impl PartialEq<EncStr> for Str {
    fn eq(&self, other: &EncStr) -> bool {
        *other == **self
    }
}

// ---------------------------------------------------------------------------------------
// Conversions and formatting
// ---------------------------------------------------------------------------------------

impl From<&str> for EncStr {
    #[inline]
    fn from(s: &str) -> EncStr {
        EncStr::try_from_str(s).handle_oom()
    }
}

impl From<&String> for EncStr {
    fn from(s: &String) -> EncStr {
        EncStr::from(s.as_str())
    }
}

impl From<String> for EncStr {
    fn from(s: String) -> EncStr {
        EncStr::from(s.as_str())
    }
}

impl From<&Str> for EncStr {
    fn from(s: &Str) -> EncStr {
        EncStr::from(s.as_str())
    }
}

impl From<Str> for EncStr {
    fn from(s: Str) -> EncStr {
        EncStr::from(s.as_str())
    }
}

impl From<&SmolStr> for EncStr {
    fn from(s: &SmolStr) -> EncStr {
        EncStr::from(s.as_str())
    }
}

impl From<char> for EncStr {
    fn from(c: char) -> EncStr {
        EncStr::from(c.encode_utf8(&mut [0; 4]) as &str)
    }
}

impl From<&EncStr> for String {
    fn from(s: &EncStr) -> String {
        s.to_utf8().into_string()
    }
}

impl core::str::FromStr for EncStr {
    type Err = core::convert::Infallible;

    fn from_str(s: &str) -> Result<EncStr, Self::Err> {
        Ok(EncStr::from(s))
    }
}

impl fmt::Display for EncStr {
    /// The text; lone surrogates as U+FFFD. Formats without allocating unless a width or
    /// precision is given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.as_utf8() {
            return fmt::Display::fmt(s, f);
        }
        if f.width().is_some() || f.precision().is_some() {
            return fmt::Display::fmt(&*self.to_utf8(), f);
        }
        for c in self.chars() {
            f.write_char(c)?;
        }
        Ok(())
    }
}

impl fmt::Debug for EncStr {
    /// The encoding and the text: `Latin1("café")`; a lone surrogate prints as `\u{d800}`.
    ///
    /// ```
    /// use makai_string::EncStr;
    /// let lone = EncStr::from_utf16(&[0x61, 0xD800, 0x22]);
    /// assert_eq!(format!("{lone:?}"), r#"Utf16("a\u{d800}\"")"#);
    /// let replaced = EncStr::from_utf16(&[0x61, 0xFFFD]);
    /// assert_eq!(format!("{replaced:?}"), "Utf16(\"a\u{FFFD}\")");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.encoding() {
            Encoding::Latin1 => "Latin1",
            Encoding::Utf8 => "Utf8",
            Encoding::Utf16 => "Utf16",
        };
        match self.as_utf16() {
            Some(units) if !crate::encode::is_utf16(units) => {
                f.debug_tuple(name).field(&LoneSurrogates(units)).finish()
            }
            _ => f.debug_tuple(name).field(&&*self.to_utf8()).finish(),
        }
    }
}

/// UTF-16 with lone surrogates, debug-printed like a `str` with each lone surrogate as
/// `\u{d800}` (as std prints WTF-8), so it never looks like U+FFFD.
struct LoneSurrogates<'a>(&'a [u16]);

impl fmt::Debug for LoneSurrogates<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        let mut run = String::new();
        let flush = |run: &mut String, f: &mut fmt::Formatter<'_>| -> fmt::Result {
            if !run.is_empty() {
                let quoted = format!("{run:?}");
                f.write_str(&quoted[1..quoted.len() - 1])?;
                run.clear();
            }
            Ok(())
        };
        for r in char::decode_utf16(self.0.iter().copied()) {
            match r {
                Ok(c) => run.push(c),
                Err(e) => {
                    flush(&mut run, f)?;
                    write!(f, "\\u{{{:x}}}", e.unpaired_surrogate())?;
                }
            }
        }
        flush(&mut run, f)?;
        f.write_char('"')
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::EncStr;

    impl serde::Serialize for EncStr {
        /// As a string (lone surrogates as U+FFFD).
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&self.to_utf8())
        }
    }

    /// Builds a UTF-8 `EncStr` from whatever string the deserializer offers.
    struct Visitor;

    impl serde::de::Visitor<'_> for Visitor {
        type Value = EncStr;

        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<EncStr, E> {
            Ok(EncStr::from(v))
        }
    }

    impl<'de> serde::Deserialize<'de> for EncStr {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<EncStr, D::Error> {
            deserializer.deserialize_str(Visitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_lengths_round_trip() {
        for enc in [Encoding::Latin1, Encoding::Utf8, Encoding::Utf16] {
            for ascii in [false, true] {
                for len in 0..=INLINE_BYTES {
                    let s = EncStr::inline_raw([0; 16], len, enc, ascii);
                    assert_eq!((s.len(), s.encoding(), s.is_ascii()), (len, enc, ascii));
                    assert!(s.is_inline());
                }
                // `u32::MAX` is past `MAX_LEN` (`isize::MAX`) on 32-bit targets.
                let lens = [0, 16, 255, 65_536, u32::MAX as usize, MAX_LEN];
                for len in lens.into_iter().filter(|&len| len <= MAX_LEN) {
                    let s = EncStr::pointer(ptr::null(), len, FORM_STATIC, enc, ascii);
                    assert_eq!((s.len(), s.encoding(), s.is_ascii()), (len, enc, ascii));
                    assert!(s.is_static());
                }
            }
        }
    }
}
