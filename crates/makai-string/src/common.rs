//! Trait implementations that `SmolStr` and `Str` share: they behave exactly like `str`.

/// Implements the `str`-like traits for a type with `fn as_str(&self) -> &str`.
macro_rules! string_traits {
    ($T:ident) => {
        impl ::core::convert::From<&mut str> for $T {
            #[inline]
            fn from(s: &mut str) -> $T {
                $T::from(&*s)
            }
        }

        impl ::core::convert::From<&::alloc::string::String> for $T {
            #[inline]
            fn from(s: &::alloc::string::String) -> $T {
                $T::from(s.as_str())
            }
        }

        impl ::core::convert::From<::alloc::borrow::Cow<'_, str>> for $T {
            /// A borrowed text is copied (or built inline); an owned `String` goes through
            /// `From<String>`.
            #[inline]
            fn from(s: ::alloc::borrow::Cow<'_, str>) -> $T {
                match s {
                    ::alloc::borrow::Cow::Borrowed(s) => $T::from(s),
                    ::alloc::borrow::Cow::Owned(s) => $T::from(s),
                }
            }
        }

        impl ::core::convert::From<$T> for ::alloc::string::String {
            #[inline]
            fn from(s: $T) -> ::alloc::string::String {
                ::alloc::string::String::from(s.as_str())
            }
        }

        impl ::core::convert::From<&$T> for ::alloc::string::String {
            /// Copies the text.
            #[inline]
            fn from(s: &$T) -> ::alloc::string::String {
                ::alloc::string::String::from(s.as_str())
            }
        }

        impl<'a> ::core::convert::From<&'a $T> for ::alloc::borrow::Cow<'a, str> {
            /// Borrows the text: no copy.
            #[inline]
            fn from(s: &'a $T) -> ::alloc::borrow::Cow<'a, str> {
                ::alloc::borrow::Cow::Borrowed(s.as_str())
            }
        }

        impl ::core::convert::From<$T> for ::alloc::boxed::Box<str> {
            #[inline]
            fn from(s: $T) -> ::alloc::boxed::Box<str> {
                ::alloc::boxed::Box::from(s.as_str())
            }
        }

        impl ::core::str::FromStr for $T {
            type Err = ::core::convert::Infallible;
            #[inline]
            fn from_str(s: &str) -> ::core::result::Result<$T, Self::Err> {
                ::core::result::Result::Ok($T::from(s))
            }
        }

        impl ::core::ops::Deref for $T {
            type Target = str;
            #[inline]
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::convert::AsRef<str> for $T {
            #[inline]
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::convert::AsRef<[u8]> for $T {
            #[inline]
            fn as_ref(&self) -> &[u8] {
                self.as_str().as_bytes()
            }
        }

        #[cfg(feature = "std")]
        impl ::core::convert::AsRef<::std::ffi::OsStr> for $T {
            #[inline]
            fn as_ref(&self) -> &::std::ffi::OsStr {
                self.as_str().as_ref()
            }
        }

        #[cfg(feature = "std")]
        impl ::core::convert::AsRef<::std::path::Path> for $T {
            #[inline]
            fn as_ref(&self) -> &::std::path::Path {
                self.as_str().as_ref()
            }
        }

        impl ::alloc::borrow::Borrow<str> for $T {
            #[inline]
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::fmt::Debug for $T {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl ::core::fmt::Display for $T {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(self.as_str(), f)
            }
        }

        impl ::core::hash::Hash for $T {
            /// Hashes exactly like the `str` it holds.
            #[inline]
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl ::core::cmp::PartialOrd for $T {
            #[inline]
            fn partial_cmp(&self, other: &$T) -> Option<::core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::core::cmp::Ord for $T {
            /// Orders like `str` (by bytes).
            #[inline]
            fn cmp(&self, other: &$T) -> ::core::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::core::cmp::PartialEq<str> for $T {
            #[inline]
            fn eq(&self, other: &str) -> bool {
                self.repr.eq_str(other)
            }
        }

        impl<'a> ::core::cmp::PartialEq<&'a str> for $T {
            #[inline]
            fn eq(&self, other: &&'a str) -> bool {
                self.repr.eq_str(other)
            }
        }

        impl ::core::cmp::PartialEq<String> for $T {
            #[inline]
            fn eq(&self, other: &String) -> bool {
                self.repr.eq_str(other)
            }
        }

        impl ::core::cmp::PartialEq<$T> for str {
            #[inline]
            fn eq(&self, other: &$T) -> bool {
                other.repr.eq_str(self)
            }
        }

        impl<'a> ::core::cmp::PartialEq<$T> for &'a str {
            #[inline]
            fn eq(&self, other: &$T) -> bool {
                other.repr.eq_str(self)
            }
        }

        impl ::core::cmp::PartialEq<$T> for String {
            #[inline]
            fn eq(&self, other: &$T) -> bool {
                other.repr.eq_str(self)
            }
        }

        impl ::core::cmp::PartialOrd<str> for $T {
            #[inline]
            fn partial_cmp(&self, other: &str) -> Option<::core::cmp::Ordering> {
                self.as_str().partial_cmp(other)
            }
        }

        impl ::core::cmp::PartialOrd<$T> for str {
            #[inline]
            fn partial_cmp(&self, other: &$T) -> Option<::core::cmp::Ordering> {
                self.partial_cmp(other.as_str())
            }
        }
    };
}

pub(crate) use string_traits;
