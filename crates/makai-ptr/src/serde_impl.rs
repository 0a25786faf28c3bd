//! `serde` support (feature `serde`) for the copy-on-write types and [`MaybeOwned`].
//!
//! Deserializing **borrows from the input when it can and owns only when it must**: a
//! [`CowStr<'a>`] deserialized from `&'a str` JSON borrows every string that has no escape
//! sequence and owns (a fresh `Box<str>`) only the strings that the parser had to unescape.
//! The same holds for [`CowBytes`] and bytes, through `Option`, and in any derived struct. In
//! a `#[derive(Deserialize)]` struct, put `#[serde(borrow)]` on the field: serde's derive
//! borrows implicitly only for `&str` and `&[u8]`, and for every other type the attribute is
//! what tells it that the field may keep the input borrowed (`'de: 'a`).
//!
//! ```
//! use makai_ptr::CowStr;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Delta<'a> {
//!     #[serde(borrow)]
//!     text: CowStr<'a>,
//!     #[serde(borrow, default)]
//!     tool: Option<CowStr<'a>>,
//! }
//!
//! let line = r#"{"text":"say \"hi\"","tool":"search"}"#;
//! let d: Delta<'_> = serde_json::from_str(line).unwrap();
//! assert_eq!((d.text.as_str(), d.text.is_owned()), ("say \"hi\"", true)); // unescaped: owned
//! let tool = d.tool.unwrap();
//! assert_eq!((tool.as_str(), tool.is_owned()), ("search", false)); // points into `line`
//! ```
//!
//! Without `#[serde(borrow)]` the derive does not promise that the input outlives the field,
//! so it does not compile:
//!
//! ```compile_fail
//! #[derive(serde::Deserialize)]
//! struct Delta<'a> {
//!     text: makai_ptr::CowStr<'a>, // error: lifetime may not live long enough
//! }
//! ```
//!
//! Formats:
//! - [`CowStr`] serializes as a string and deserializes from a string (or UTF-8 bytes).
//! - [`CowBytes`] (`CowSlice<'_, u8>`) serializes as bytes (`serialize_bytes`, compact in
//!   binary formats; a JSON array of numbers in serde_json) and deserializes from bytes, a
//!   string, or a sequence of `u8` (so serde_json's arrays round-trip; they are owned).
//! - [`CowCStr`] serializes as its bytes without the NUL (like serde's `CString`) and
//!   deserializes from bytes or a string; a NUL inside them is an error, a single trailing
//!   NUL is taken as the terminator (so bytes that carry their NUL can stay borrowed).
//! - `CowSlice<'_, T>` for other element types: a Rust impl cannot treat `u8` and every other
//!   `T` differently, so the generic form goes through [`serde_seq`](crate::serde_seq) with
//!   `#[serde(with = "makai_ptr::serde_seq")]` (a sequence; deserialized values are owned).
//! - [`MaybeOwned<'_, T>`] serializes as the `T` and deserializes as an owned `Box<T>`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;
use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Unexpected, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::{CowBytes, CowCStr, CowSlice, CowStr, MaybeOwned};

impl Serialize for CowStr<'_> {
    /// Serializes as a string.
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    /// Borrows a string that the input holds as it is; owns one the format had to build
    /// (unescaped, or from a reader).
    ///
    /// ```
    /// use makai_ptr::CowStr;
    /// let v: Vec<CowStr<'_>> = serde_json::from_str(r#"["plain","tab\t"]"#).unwrap();
    /// assert_eq!((v[0].is_owned(), v[1].is_owned()), (false, true));
    /// assert_eq!(v[1], "tab\t");
    /// ```
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CowStr<'a>, D::Error> {
        deserializer.deserialize_str(CowStrVisitor(PhantomData))
    }
}

/// Builds a [`CowStr`], borrowing what lives for `'a`.
struct CowStrVisitor<'a>(PhantomData<CowStr<'a>>);

impl<'de: 'a, 'a> Visitor<'de> for CowStrVisitor<'a> {
    type Value = CowStr<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<CowStr<'a>, E> {
        Ok(CowStr::borrowed(v))
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<CowStr<'a>, E> {
        Ok(CowStr::copy_of(v))
    }

    #[inline]
    fn visit_string<E: de::Error>(self, v: String) -> Result<CowStr<'a>, E> {
        Ok(CowStr::from_string(v))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<CowStr<'a>, E> {
        CowStr::from_utf8(v).map_err(|_| E::invalid_value(Unexpected::Bytes(v), &self))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<CowStr<'a>, E> {
        match core::str::from_utf8(v) {
            Ok(s) => Ok(CowStr::copy_of(s)),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(v), &self)),
        }
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<CowStr<'a>, E> {
        CowStr::from_utf8_vec(v)
            .map_err(|e| E::invalid_value(Unexpected::Bytes(e.as_bytes()), &self))
    }
}

impl Serialize for CowSlice<'_, u8> {
    /// Serializes as bytes (`serialize_bytes`).
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.as_slice())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for CowSlice<'a, u8> {
    /// Borrows bytes (or a string's bytes) that the input holds as they are; owns the rest,
    /// including a sequence of numbers.
    ///
    /// ```
    /// use makai_ptr::CowBytes;
    /// let b: CowBytes<'_> = serde_json::from_str(r#""GET /""#).unwrap();
    /// assert_eq!((&*b, b.is_owned()), (&b"GET /"[..], false));
    /// let n: CowBytes<'_> = serde_json::from_str("[1,2,255]").unwrap();
    /// assert_eq!((&*n, n.is_owned()), (&[1, 2, 255][..], true));
    /// ```
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CowBytes<'a>, D::Error> {
        deserializer.deserialize_bytes(CowBytesVisitor(PhantomData))
    }
}

/// Builds a [`CowBytes`], borrowing what lives for `'a`.
struct CowBytesVisitor<'a>(PhantomData<CowBytes<'a>>);

impl<'de: 'a, 'a> Visitor<'de> for CowBytesVisitor<'a> {
    type Value = CowBytes<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bytes, a string, or a sequence of bytes")
    }

    #[inline]
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<CowBytes<'a>, E> {
        Ok(CowSlice::borrowed(v))
    }

    #[inline]
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<CowBytes<'a>, E> {
        Ok(CowSlice::copy_of(v))
    }

    #[inline]
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<CowBytes<'a>, E> {
        Ok(CowSlice::from_vec(v))
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<CowBytes<'a>, E> {
        Ok(CowSlice::borrowed(v.as_bytes()))
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<CowBytes<'a>, E> {
        Ok(CowSlice::copy_of(v.as_bytes()))
    }

    #[inline]
    fn visit_string<E: de::Error>(self, v: String) -> Result<CowBytes<'a>, E> {
        Ok(CowSlice::from_vec(v.into_bytes()))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<CowBytes<'a>, S::Error> {
        // The hint comes from the input: cap it so a hostile length cannot reserve much.
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(b) = seq.next_element::<u8>()? {
            v.push(b);
        }
        Ok(CowSlice::from_vec(v))
    }
}

impl Serialize for CowCStr<'_> {
    /// Serializes as the bytes without the NUL, like serde's `CString`.
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.as_bytes())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for CowCStr<'a> {
    /// Copies the bytes (or a string's bytes) and appends the NUL; borrows them instead when
    /// the input holds them with a single trailing NUL. A NUL before the end is an error.
    ///
    /// ```
    /// use makai_ptr::CowCStr;
    /// let c: CowCStr<'_> = serde_json::from_str(r#""/tmp/x""#).unwrap();
    /// assert_eq!((c.as_c_str(), c.is_owned()), (c"/tmp/x", true));
    /// assert!(serde_json::from_str::<CowCStr<'_>>(r#""a\u0000b""#).is_err());
    /// ```
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CowCStr<'a>, D::Error> {
        deserializer.deserialize_bytes(CowCStrVisitor(PhantomData))
    }
}

/// Builds a [`CowCStr`], borrowing bytes that already end with their only NUL.
struct CowCStrVisitor<'a>(PhantomData<CowCStr<'a>>);

impl CowCStrVisitor<'_> {
    /// A copy of `v` (with a single trailing NUL dropped) plus the NUL.
    fn copy<E: de::Error>(&self, v: &[u8]) -> Result<CowCStr<'static>, E> {
        let text = v.strip_suffix(&[0]).unwrap_or(v);
        CowCStr::from_bytes(text).map_err(|_| E::invalid_value(Unexpected::Bytes(v), self))
    }
}

impl<'de: 'a, 'a> Visitor<'de> for CowCStrVisitor<'a> {
    type Value = CowCStr<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bytes or a string without NUL bytes")
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<CowCStr<'a>, E> {
        match CStr::from_bytes_with_nul(v) {
            Ok(c) => Ok(CowCStr::borrowed(c)),
            Err(_) => self.copy(v),
        }
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<CowCStr<'a>, E> {
        self.copy(v)
    }

    fn visit_byte_buf<E: de::Error>(self, mut v: Vec<u8>) -> Result<CowCStr<'a>, E> {
        if v.last() == Some(&0) {
            v.pop();
        }
        match alloc::ffi::CString::new(v) {
            Ok(c) => Ok(CowCStr::from_c_string(c)),
            Err(e) => {
                let bytes = e.into_vec();
                Err(E::invalid_value(Unexpected::Bytes(&bytes), &self))
            }
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<CowCStr<'a>, E> {
        self.visit_borrowed_bytes(v.as_bytes())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CowCStr<'a>, E> {
        self.copy(v.as_bytes())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<CowCStr<'a>, E> {
        self.visit_byte_buf(v.into_bytes())
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<CowCStr<'a>, S::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(b) = seq.next_element::<u8>()? {
            v.push(b);
        }
        self.visit_byte_buf(v)
    }
}

impl<T: ?Sized + Serialize> Serialize for MaybeOwned<'_, T> {
    /// Serializes the value, owned or borrowed alike.
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

impl<'de, T: ?Sized> Deserialize<'de> for MaybeOwned<'_, T>
where
    Box<T>: Deserialize<'de>,
{
    /// Deserializes an owned `Box<T>`.
    ///
    /// ```
    /// use makai_ptr::MaybeOwned;
    /// let m: MaybeOwned<'_, [u32]> = serde_json::from_str("[1,2]").unwrap();
    /// assert!(m.is_owned() && *m == [1, 2]);
    /// ```
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<T>::deserialize(deserializer).map(MaybeOwned::Owned)
    }
}

/// `#[serde(with = "makai_ptr::serde_seq")]` for a `CowSlice<'_, T>` of any element type:
/// serializes it as a sequence of `T` and deserializes an owned one (a sequence cannot be
/// borrowed from the input). For [`CowBytes`] the plain impls are better: they use
/// `serialize_bytes` and borrow.
///
/// ```
/// use makai_ptr::CowSlice;
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Usage<'a> {
///     #[serde(with = "makai_ptr::serde_seq")]
///     tokens: CowSlice<'a, u32>,
/// }
/// let counts = [3, 5];
/// let json = serde_json::to_string(&Usage { tokens: CowSlice::borrowed(&counts) }).unwrap();
/// assert_eq!(json, r#"{"tokens":[3,5]}"#);
/// let back: Usage<'_> = serde_json::from_str(&json).unwrap();
/// assert_eq!((&*back.tokens, back.tokens.is_owned()), (&counts[..], true));
/// ```
pub mod serde_seq {
    use super::*;

    /// Serializes the elements as a sequence.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports.
    ///
    /// ```
    /// let c = makai_ptr::CowSlice::borrowed(&[true, false]);
    /// let mut out = Vec::new();
    /// makai_ptr::serde_seq::serialize(&c, &mut serde_json::Serializer::new(&mut out)).unwrap();
    /// assert_eq!(out, b"[true,false]");
    /// ```
    #[inline]
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &CowSlice<'_, T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value.as_slice())
    }

    /// Deserializes a sequence of `T` into an owned `CowSlice`.
    ///
    /// # Errors
    ///
    /// Whatever the deserializer reports, for example when the input is not a sequence.
    ///
    /// ```
    /// let mut de = serde_json::Deserializer::from_str("[1.5]");
    /// let c: makai_ptr::CowSlice<'_, f64> = makai_ptr::serde_seq::deserialize(&mut de).unwrap();
    /// assert_eq!(&*c, &[1.5]);
    /// ```
    #[inline]
    pub fn deserialize<'de, 'a, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<CowSlice<'a, T>, D::Error> {
        Vec::<T>::deserialize(deserializer).map(CowSlice::from_vec)
    }
}
