//! Conversions and comparisons between the string types: [`Str`], [`SmolStr`],
//! [`CowStr`](makai_ptr::CowStr), std's `Cow<str>`, `&str` and `String`, in every direction
//! that makes sense, plus [`IntoStatic`](makai_ptr::IntoStatic) for `Str` and `SmolStr`.
//!
//! What each conversion costs:
//!
//! | from → to | cost |
//! |---|---|
//! | `&'a Str` / `&'a SmolStr` → `CowStr<'a>` or `Cow<'a, str>` | borrows: no copy |
//! | owned `CowStr` → `Str` | adopts the `Box<str>` above the inline size (no copy) |
//! | borrowed `CowStr` → `Str` / `SmolStr` | copies (inline up to 16 bytes: no allocation) |
//! | `Str` / `SmolStr` → `CowStr<'static>` | copies into a `Box<str>` |
//! | `SmolStr` → `Str` | O(1), [`SmolStr::freeze`] |
//!
//! Equality is by text everywhere (`Str == CowStr`, `CowStr == SmolStr`, `Str == Cow<str>`,
//! ...), so any of them can be compared with any other without converting.
//!
//! ```
//! use makai_ptr::CowStr;
//! use makai_string::{SmolStr, Str};
//!
//! let line = String::from("content_block_delta");
//! let event = CowStr::borrowed(&line);
//! let kept: Str = Str::from(&event); // a copy the line can be dropped after
//! let scratch = SmolStr::from(event.clone());
//! assert!(kept == event && event == scratch && scratch == kept);
//! let view: CowStr<'_> = CowStr::from(&kept); // borrows `kept`
//! assert!(!view.is_owned() && view.as_ptr() == kept.as_ptr());
//! ```

use alloc::borrow::Cow;
use alloc::string::String;

use makai_ptr::{CowStr, IntoStatic};

use crate::{SmolStr, Str};

impl From<CowStr<'_>> for Str {
    /// Adopts an owned `CowStr`'s buffer (no copy above the inline size); copies a borrowed
    /// one.
    ///
    /// ```
    /// use makai_ptr::CowStr;
    /// let long = "an owned string longer than sixteen bytes".to_string();
    /// let addr = long.as_ptr();
    /// let s = makai_string::Str::from(CowStr::from_string(long));
    /// assert_eq!(s.as_ptr(), addr);
    /// ```
    #[inline]
    fn from(s: CowStr<'_>) -> Str {
        match s.as_borrowed() {
            Some(text) => Str::from(text),
            None => Str::from(s.into_owned()),
        }
    }
}

impl From<&CowStr<'_>> for Str {
    /// Copies the text.
    #[inline]
    fn from(s: &CowStr<'_>) -> Str {
        Str::from(s.as_str())
    }
}

impl From<CowStr<'_>> for SmolStr {
    /// Copies the text (adopting an owned buffer above the inline size, as from `String`).
    ///
    /// ```
    /// let s = makai_string::SmolStr::from(makai_ptr::CowStr::borrowed("tool_use"));
    /// assert!(s.is_inline() && s == "tool_use");
    /// ```
    #[inline]
    fn from(s: CowStr<'_>) -> SmolStr {
        match s.as_borrowed() {
            Some(text) => SmolStr::from(text),
            None => SmolStr::from(s.into_string()),
        }
    }
}

impl From<&CowStr<'_>> for SmolStr {
    /// Copies the text.
    #[inline]
    fn from(s: &CowStr<'_>) -> SmolStr {
        SmolStr::from(s.as_str())
    }
}

impl<'a> From<&'a Str> for CowStr<'a> {
    /// Borrows the text: no copy.
    ///
    /// ```
    /// let s = makai_string::Str::from("model");
    /// let c = makai_ptr::CowStr::from(&s);
    /// assert!(!c.is_owned() && c == s);
    /// ```
    ///
    /// The borrow is tied to the `Str`; detach it with `into_static` to keep it longer:
    ///
    /// ```compile_fail,E0597
    /// fn keep(_: makai_ptr::CowStr<'static>) {}
    /// let s = makai_string::Str::from("x");
    /// keep(makai_ptr::CowStr::from(&s)); // error: `s` does not live long enough
    /// ```
    #[inline]
    fn from(s: &'a Str) -> CowStr<'a> {
        CowStr::borrowed(s.as_str())
    }
}

impl<'a> From<&'a SmolStr> for CowStr<'a> {
    /// Borrows the text: no copy.
    #[inline]
    fn from(s: &'a SmolStr) -> CowStr<'a> {
        CowStr::borrowed(s.as_str())
    }
}

impl From<Str> for CowStr<'_> {
    /// Copies the text into an owned `CowStr` (a `Str` shares its buffer, a `CowStr` owns
    /// one alone). Prefer `CowStr::from(&s)` (a borrow) where the lifetime allows it.
    ///
    /// ```
    /// let c: makai_ptr::CowStr<'static> = makai_string::Str::from("id").into();
    /// assert!(c.is_owned() && c == "id");
    /// ```
    #[inline]
    fn from(s: Str) -> Self {
        CowStr::copy_of(s.as_str())
    }
}

impl From<SmolStr> for CowStr<'_> {
    /// Copies the text into an owned `CowStr`.
    #[inline]
    fn from(s: SmolStr) -> Self {
        CowStr::from_string(String::from(s))
    }
}

/// `PartialEq` both ways between a makai string type and another string type, by text.
macro_rules! eq_by_text {
    ($(($a:ty, $b:ty)),* $(,)?) => {$(
        impl PartialEq<$b> for $a {
            #[inline]
            fn eq(&self, other: &$b) -> bool {
                <str as PartialEq>::eq(self, other)
            }
        }

        impl PartialEq<$a> for $b {
            #[inline]
            fn eq(&self, other: &$a) -> bool {
                <str as PartialEq>::eq(self, other)
            }
        }
    )*};
}

eq_by_text!(
    (Str, CowStr<'_>),
    (SmolStr, CowStr<'_>),
    (Str, Cow<'_, str>),
    (SmolStr, Cow<'_, str>),
);

impl IntoStatic for Str {
    type Static = Str;
    /// A `Str` borrows nothing: returned as it is.
    #[inline]
    fn into_static(self) -> Str {
        self
    }
}

impl IntoStatic for SmolStr {
    type Static = SmolStr;
    /// A `SmolStr` borrows nothing: returned as it is.
    #[inline]
    fn into_static(self) -> SmolStr {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_text_and_borrow_where_they_can() {
        for text in [
            "",
            "short",
            "exactly sixteen!",
            "a text that is longer than the inline size",
        ] {
            let owner = String::from(text);
            let borrowed = CowStr::borrowed(&owner);
            let owned = CowStr::copy_of(text);
            let s1 = Str::from(&borrowed);
            let s2 = Str::from(owned.clone());
            let m1 = SmolStr::from(&owned);
            let m2 = SmolStr::from(borrowed.clone());
            assert!(s1 == borrowed && s2 == owned && m1 == owned && m2 == borrowed);
            assert!(borrowed == s1);
            assert!(owned == s2);
            assert!(owned == m1);
            assert!(borrowed == m2);
            let c: CowStr<'_> = (&s1).into();
            assert!(!c.is_owned() && c.as_ptr() == s1.as_ptr());
            let c: CowStr<'_> = (&m1).into();
            assert!(!c.is_owned() && c.as_ptr() == m1.as_ptr());
            let c: CowStr<'static> = s1.clone().into();
            assert!(c.is_owned() && c == text);
            let c: CowStr<'static> = m1.clone().into();
            assert!(c.is_owned() && c == text);
            let cow: Cow<'_, str> = (&s1).into();
            assert!(matches!(cow, Cow::Borrowed(b) if b.as_ptr() == s1.as_ptr()));
            assert!(s1 == cow);
            assert!(cow == s1);
            assert!(m1 == cow);
            assert!(cow == m1);
            assert_eq!(String::from(&s1), text);
            assert_eq!(String::from(&m1), text);
            assert_eq!(SmolStr::from(Cow::Owned(text.to_owned())), text);
            assert_eq!(SmolStr::from(Cow::Borrowed(text)), text);
            assert_eq!(s1.clone().into_static(), m1.clone().into_static());
        }
        let (a, b) = (Str::from("a"), SmolStr::from("b"));
        assert!(a != CowStr::borrowed("b"));
        assert!(CowStr::borrowed("a") != b);
    }
}
