//! Trait implementations that `SmolStr` and `Str` share: they behave exactly like `str`.

/// Implements the `str`-like traits for a type with `fn as_str(&self) -> &str`.
macro_rules! string_traits {
    ($T:ident) => {
        impl ::std::convert::From<&mut str> for $T {
            #[inline]
            fn from(s: &mut str) -> $T {
                $T::from(&*s)
            }
        }

        impl ::std::convert::From<&::std::string::String> for $T {
            #[inline]
            fn from(s: &::std::string::String) -> $T {
                $T::from(s.as_str())
            }
        }

        impl ::std::convert::From<::std::borrow::Cow<'_, str>> for $T {
            /// A borrowed text is copied (or built inline); an owned `String` goes through
            /// `From<String>`.
            #[inline]
            fn from(s: ::std::borrow::Cow<'_, str>) -> $T {
                match s {
                    ::std::borrow::Cow::Borrowed(s) => $T::from(s),
                    ::std::borrow::Cow::Owned(s) => $T::from(s),
                }
            }
        }

        impl ::std::convert::From<$T> for ::std::string::String {
            #[inline]
            fn from(s: $T) -> ::std::string::String {
                ::std::string::String::from(s.as_str())
            }
        }

        impl ::std::convert::From<&$T> for ::std::string::String {
            /// Copies the text.
            #[inline]
            fn from(s: &$T) -> ::std::string::String {
                ::std::string::String::from(s.as_str())
            }
        }

        impl<'a> ::std::convert::From<&'a $T> for ::std::borrow::Cow<'a, str> {
            /// Borrows the text: no copy.
            #[inline]
            fn from(s: &'a $T) -> ::std::borrow::Cow<'a, str> {
                ::std::borrow::Cow::Borrowed(s.as_str())
            }
        }

        impl ::std::convert::From<$T> for ::std::boxed::Box<str> {
            #[inline]
            fn from(s: $T) -> ::std::boxed::Box<str> {
                ::std::boxed::Box::from(s.as_str())
            }
        }

        impl ::std::str::FromStr for $T {
            type Err = ::std::convert::Infallible;
            #[inline]
            fn from_str(s: &str) -> ::std::result::Result<$T, Self::Err> {
                ::std::result::Result::Ok($T::from(s))
            }
        }

        impl ::std::ops::Deref for $T {
            type Target = str;
            #[inline]
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::convert::AsRef<str> for $T {
            #[inline]
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::convert::AsRef<[u8]> for $T {
            #[inline]
            fn as_ref(&self) -> &[u8] {
                self.as_str().as_bytes()
            }
        }

        impl ::std::convert::AsRef<::std::ffi::OsStr> for $T {
            #[inline]
            fn as_ref(&self) -> &::std::ffi::OsStr {
                self.as_str().as_ref()
            }
        }

        impl ::std::convert::AsRef<::std::path::Path> for $T {
            #[inline]
            fn as_ref(&self) -> &::std::path::Path {
                self.as_str().as_ref()
            }
        }

        impl ::std::borrow::Borrow<str> for $T {
            #[inline]
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Debug for $T {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl ::std::fmt::Display for $T {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self.as_str(), f)
            }
        }

        impl ::std::hash::Hash for $T {
            /// Hashes exactly like the `str` it holds.
            #[inline]
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl ::std::cmp::PartialOrd for $T {
            #[inline]
            fn partial_cmp(&self, other: &$T) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $T {
            /// Orders like `str` (by bytes).
            #[inline]
            fn cmp(&self, other: &$T) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::cmp::PartialEq<str> for $T {
            #[inline]
            fn eq(&self, other: &str) -> bool {
                self.repr.eq_str(other)
            }
        }

        impl<'a> ::std::cmp::PartialEq<&'a str> for $T {
            #[inline]
            fn eq(&self, other: &&'a str) -> bool {
                self.repr.eq_str(other)
            }
        }

        impl ::std::cmp::PartialEq<String> for $T {
            #[inline]
            fn eq(&self, other: &String) -> bool {
                self.repr.eq_str(other)
            }
        }

        impl ::std::cmp::PartialEq<$T> for str {
            #[inline]
            fn eq(&self, other: &$T) -> bool {
                other.repr.eq_str(self)
            }
        }

        impl<'a> ::std::cmp::PartialEq<$T> for &'a str {
            #[inline]
            fn eq(&self, other: &$T) -> bool {
                other.repr.eq_str(self)
            }
        }

        impl ::std::cmp::PartialEq<$T> for String {
            #[inline]
            fn eq(&self, other: &$T) -> bool {
                other.repr.eq_str(self)
            }
        }

        impl ::std::cmp::PartialOrd<str> for $T {
            #[inline]
            fn partial_cmp(&self, other: &str) -> Option<::std::cmp::Ordering> {
                self.as_str().partial_cmp(other)
            }
        }

        impl ::std::cmp::PartialOrd<$T> for str {
            #[inline]
            fn partial_cmp(&self, other: &$T) -> Option<::std::cmp::Ordering> {
                self.partial_cmp(other.as_str())
            }
        }
    };
}

pub(crate) use string_traits;
