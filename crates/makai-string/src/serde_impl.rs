//! `serde` support (feature `serde`): both types serialize as a string and deserialize from
//! one, taking an owned `String` without copying when the format hands one over.

use alloc::string::String;
use core::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::{SmolStr, Str};

/// Builds `T` from whatever string the deserializer offers.
struct StrVisitor<T>(core::marker::PhantomData<T>);

impl<T: for<'a> From<&'a str> + From<String>> Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<T, E> {
        core::str::from_utf8(v)
            .map(T::from)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(v), &self))
    }
}

macro_rules! serde_impls {
    ($T:ident) => {
        impl Serialize for $T {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $T {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$T, D::Error> {
                deserializer.deserialize_string(StrVisitor(core::marker::PhantomData))
            }
        }
    };
}

serde_impls!(SmolStr);
serde_impls!(Str);

#[cfg(test)]
mod tests {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer, StringDeserializer};

    use super::*;

    #[test]
    fn deserializes_from_borrowed_and_owned_strings() {
        let d: StrDeserializer<'_, ValueError> = "hello".into_deserializer();
        assert_eq!(Str::deserialize(d).unwrap(), "hello");
        let long = "a string that is longer than sixteen bytes".to_owned();
        let d: StringDeserializer<ValueError> = long.clone().into_deserializer();
        assert_eq!(SmolStr::deserialize(d).unwrap(), long.as_str());
        let d: StringDeserializer<ValueError> = long.clone().into_deserializer();
        assert_eq!(Str::deserialize(d).unwrap(), long.as_str());
    }

    #[test]
    fn rejects_non_strings() {
        let d: serde::de::value::U32Deserializer<ValueError> = 7u32.into_deserializer();
        assert!(Str::deserialize(d).is_err());
    }
}
