//! [`IntoStatic`]: turn a whole value that borrows (fields of type `CowStr<'a>`,
//! `CowSlice<'a, T>`, `MaybeOwned<'a, T>`, ...) into its `'static` form, copying only what is
//! borrowed.

use alloc::borrow::Cow;
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;
#[cfg(feature = "std")]
use core::hash::{BuildHasher, Hash};
#[cfg(feature = "std")]
use std::collections::HashMap;

use crate::{CowCStr, CowSlice, CowStr, MaybeOwned};

/// A value that can give up every borrow it holds: the `'static` form of a type with
/// borrowed-or-owned fields, for when a value parsed from a short-lived buffer must outlive
/// it (stored in a map, sent to another thread). Owned parts are moved, borrowed parts are
/// copied once. This is Bun's `cloneIfBorrowed`, for a whole value.
///
/// Implemented for the makai types ([`CowStr`], [`CowSlice`], [`CowCStr`], [`MaybeOwned`],
/// and in makai-string for `Str` and `SmolStr`), for `Option`, `Result`, `Vec`, `Box`,
/// `VecDeque`, `HashMap`, `BTreeMap`, std's `Cow`, tuples of up to six values, and (as the
/// identity) for the primitive types, `String`, `Box<str>` and `&'static T`.
///
/// # Implementing it
///
/// For a struct with one lifetime parameter, [`impl_into_static!`](crate::impl_into_static) writes the impl from the
/// list of its fields. By hand:
///
/// Name the `'static` form of your type in `Static` and convert field by field; a field
/// that borrows nothing is moved as it is:
///
/// ```
/// use makai_ptr::{CowStr, IntoStatic};
///
/// struct Delta<'a> {
///     id: CowStr<'a>,
///     text: Option<CowStr<'a>>,
///     tools: Vec<CowStr<'a>>,
///     index: u32,
/// }
///
/// impl IntoStatic for Delta<'_> {
///     type Static = Delta<'static>;
///     fn into_static(self) -> Delta<'static> {
///         Delta {
///             id: self.id.into_static(),
///             text: self.text.into_static(),
///             tools: self.tools.into_static(),
///             index: self.index,
///         }
///     }
/// }
///
/// let line = String::from("msg_01 hello");
/// let d = Delta {
///     id: CowStr::borrowed(&line[..6]),
///     text: Some(CowStr::from_string("owned".into())),
///     tools: vec![CowStr::borrowed(&line[7..])],
///     index: 2,
/// };
/// let kept: Delta<'static> = d.into_static();
/// drop(line); // nothing borrows it any more
/// assert_eq!((kept.id.as_str(), kept.tools[0].as_str(), kept.index), ("msg_01", "hello", 2));
/// ```
///
/// A value that still borrows cannot outlive its input; `into_static` is what makes this
/// compile:
///
/// ```compile_fail,E0505
/// use makai_ptr::CowStr;
/// fn keep(_: Vec<CowStr<'static>>) {}
/// let line = String::from("a b");
/// let words: Vec<CowStr<'_>> = line.split(' ').map(CowStr::borrowed).collect();
/// drop(line); // error: cannot move out of `line` because it is borrowed
/// keep(words);
/// ```
#[doc(alias = "cloneIfBorrowed")]
#[doc(alias = "to_static")]
pub trait IntoStatic {
    /// The same value with every borrow replaced by owned data.
    type Static: 'static;

    /// Moves what is owned and copies what is borrowed.
    ///
    /// # Panics
    ///
    /// If a `Clone` implementation panics. Out of memory aborts through
    /// [`makai_error::out_of_memory`].
    ///
    /// ```
    /// use makai_ptr::{CowStr, IntoStatic};
    /// let temp = String::from("t");
    /// let v: Option<CowStr<'static>> = Some(CowStr::borrowed(&temp)).into_static();
    /// drop(temp);
    /// assert_eq!(v.unwrap(), "t");
    /// ```
    fn into_static(self) -> Self::Static;
}

impl IntoStatic for CowStr<'_> {
    type Static = CowStr<'static>;
    /// Same as [`CowStr::into_static`].
    #[inline]
    fn into_static(self) -> CowStr<'static> {
        CowStr::into_static(self)
    }
}

impl IntoStatic for CowCStr<'_> {
    type Static = CowCStr<'static>;
    /// Same as [`CowCStr::into_static`].
    #[inline]
    fn into_static(self) -> CowCStr<'static> {
        CowCStr::into_static(self)
    }
}

impl<T: Clone + IntoStatic> IntoStatic for CowSlice<'_, T> {
    type Static = CowSlice<'static, T::Static>;
    /// Converts every element; an owned slice whose elements keep their layout is converted
    /// in place (no new allocation), a borrowed one is copied once.
    ///
    /// For elements that borrow themselves (`CowSlice<'a, CowStr<'a>>`), call it through the
    /// trait: the inherent [`CowSlice::into_static`] takes precedence in method syntax and
    /// needs `T: 'static`.
    ///
    /// ```
    /// use makai_ptr::{CowSlice, CowStr, IntoStatic};
    /// let line = String::from("a,b");
    /// let parts: CowSlice<'_, CowStr<'_>> = line.split(',').map(CowStr::borrowed).collect();
    /// let kept: CowSlice<'static, CowStr<'static>> = IntoStatic::into_static(parts);
    /// drop(line);
    /// assert_eq!(kept[1], "b");
    /// ```
    fn into_static(self) -> CowSlice<'static, T::Static> {
        match self.as_borrowed() {
            Some(slice) => slice.iter().cloned().map(T::into_static).collect(),
            None => self
                .into_vec()
                .into_iter()
                .map(T::into_static)
                .collect::<Vec<_>>()
                .into(),
        }
    }
}

impl<T> IntoStatic for MaybeOwned<'_, T>
where
    T: ?Sized + ToOwned + 'static,
    Box<T>: From<T::Owned>,
{
    type Static = MaybeOwned<'static, T>;
    /// An owned value is kept; a borrowed one is copied into a box.
    ///
    /// ```
    /// use makai_ptr::{IntoStatic, MaybeOwned};
    /// let text = String::from("cfg");
    /// let m: MaybeOwned<'static, str> = MaybeOwned::Borrowed(text.as_str()).into_static();
    /// drop(text);
    /// assert!(m.is_owned() && &*m == "cfg");
    /// ```
    #[inline]
    fn into_static(self) -> MaybeOwned<'static, T> {
        MaybeOwned::Owned(self.into_owned())
    }
}

impl<B: ?Sized + ToOwned + 'static> IntoStatic for Cow<'_, B> {
    type Static = Cow<'static, B>;
    /// An owned value is kept; a borrowed one is copied.
    #[inline]
    fn into_static(self) -> Cow<'static, B> {
        Cow::Owned(self.into_owned())
    }
}

impl<T: IntoStatic> IntoStatic for Option<T> {
    type Static = Option<T::Static>;
    #[inline]
    fn into_static(self) -> Option<T::Static> {
        self.map(T::into_static)
    }
}

impl<T: IntoStatic, E: IntoStatic> IntoStatic for Result<T, E> {
    type Static = Result<T::Static, E::Static>;
    #[inline]
    fn into_static(self) -> Result<T::Static, E::Static> {
        match self {
            Ok(t) => Ok(t.into_static()),
            Err(e) => Err(e.into_static()),
        }
    }
}

impl<T: IntoStatic> IntoStatic for Vec<T> {
    type Static = Vec<T::Static>;
    /// Converts every element (in place when the two element types have the same layout).
    #[inline]
    fn into_static(self) -> Vec<T::Static> {
        self.into_iter().map(T::into_static).collect()
    }
}

impl<T: IntoStatic> IntoStatic for VecDeque<T> {
    type Static = VecDeque<T::Static>;
    #[inline]
    fn into_static(self) -> VecDeque<T::Static> {
        self.into_iter().map(T::into_static).collect()
    }
}

impl<T: IntoStatic> IntoStatic for Box<T> {
    type Static = Box<T::Static>;
    #[inline]
    fn into_static(self) -> Box<T::Static> {
        Box::new((*self).into_static())
    }
}

impl<T: IntoStatic> IntoStatic for Box<[T]> {
    type Static = Box<[T::Static]>;
    #[inline]
    fn into_static(self) -> Box<[T::Static]> {
        self.into_vec().into_static().into_boxed_slice()
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl<K, V, S> IntoStatic for HashMap<K, V, S>
where
    K: IntoStatic,
    K::Static: Eq + Hash,
    V: IntoStatic,
    S: BuildHasher + Default + 'static,
{
    type Static = HashMap<K::Static, V::Static, S>;
    /// Rebuilds the map with converted keys and values (the hasher state is created anew).
    fn into_static(self) -> Self::Static {
        self.into_iter()
            .map(|(k, v)| (k.into_static(), v.into_static()))
            .collect()
    }
}

impl<K, V> IntoStatic for BTreeMap<K, V>
where
    K: IntoStatic,
    K::Static: Ord,
    V: IntoStatic,
{
    type Static = BTreeMap<K::Static, V::Static>;
    fn into_static(self) -> Self::Static {
        self.into_iter()
            .map(|(k, v)| (k.into_static(), v.into_static()))
            .collect()
    }
}

impl<T: ?Sized + 'static> IntoStatic for &'static T {
    type Static = &'static T;
    /// Already `'static`: returned as it is.
    #[inline]
    fn into_static(self) -> &'static T {
        self
    }
}

/// The identity for types that borrow nothing.
macro_rules! identity {
    ($($t:ty),* $(,)?) => {$(
        impl IntoStatic for $t {
            type Static = $t;
            /// Borrows nothing: returned as it is.
            #[inline]
            fn into_static(self) -> $t {
                self
            }
        }
    )*};
}

identity!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    Box<str>,
    alloc::ffi::CString,
    core::time::Duration,
);
#[cfg(feature = "std")]
identity!(std::ffi::OsString, std::path::PathBuf);

/// `IntoStatic` for tuples, converting each element.
macro_rules! tuples {
    ($(($($name:ident),+)),* $(,)?) => {$(
        impl<$($name: IntoStatic),+> IntoStatic for ($($name,)+) {
            type Static = ($($name::Static,)+);
            #[inline]
            #[expect(non_snake_case, reason = "the element bindings reuse the type names")]
            fn into_static(self) -> Self::Static {
                let ($($name,)+) = self;
                ($($name.into_static(),)+)
            }
        }
    )*};
}

tuples!(
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
);

/// Implements [`IntoStatic`] for a struct with one lifetime parameter by converting every
/// field with [`IntoStatic::into_static`]: the hand-written impl of the trait's docs, without
/// the typing. List every field (a missing one is a compile error, `missing field`), so adding
/// a field to the struct reminds you to add it here too. Every field's type must implement
/// `IntoStatic`; the primitive types, `String` and the makai and std containers do.
///
/// ```
/// use makai_ptr::{CowStr, IntoStatic, impl_into_static};
///
/// struct Delta<'a> {
///     id: CowStr<'a>,
///     text: Option<CowStr<'a>>,
///     tools: Vec<CowStr<'a>>,
///     index: u32,
/// }
/// impl_into_static!(Delta<'a> { id, text, tools, index });
///
/// let line = String::from("msg_01 hello");
/// let d = Delta {
///     id: CowStr::borrowed(&line[..6]),
///     text: None,
///     tools: vec![CowStr::borrowed(&line[7..])],
///     index: 2,
/// };
/// let kept: Delta<'static> = d.into_static();
/// drop(line);
/// assert_eq!((kept.id.as_str(), kept.tools[0].as_str(), kept.index), ("msg_01", "hello", 2));
/// ```
///
/// Leaving a field out does not compile:
///
/// ```compile_fail,E0063
/// use makai_ptr::{CowStr, impl_into_static};
/// struct Pair<'a> {
///     a: CowStr<'a>,
///     b: CowStr<'a>,
/// }
/// impl_into_static!(Pair<'a> { a });
/// ```
///
/// Generic structs, structs with more than one lifetime and tuple structs need the impl by
/// hand (see [`IntoStatic`]).
#[macro_export]
macro_rules! impl_into_static {
    ($name:ident < $lt:lifetime > { $($field:ident),* $(,)? }) => {
        impl<$lt> $crate::IntoStatic for $name<$lt> {
            type Static = $name<'static>;
            #[inline]
            fn into_static(self) -> $name<'static> {
                $name {
                    $($field: $crate::IntoStatic::into_static(self.$field),)*
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_parts_move_and_borrowed_parts_copy() {
        let line = String::from("borrowed");
        let owned = CowStr::copy_of("owned");
        let owned_addr = owned.as_ptr();
        let v = vec![(CowStr::borrowed(&line), 1u32), (owned, 2)];
        let kept = v.into_static();
        assert!(kept.iter().all(|(s, _)| s.is_owned()));
        assert_ne!(kept[0].0.as_ptr(), line.as_ptr());
        assert_eq!(
            kept[1].0.as_ptr(),
            owned_addr,
            "an owned string is moved, not copied"
        );
        drop(line);
        assert_eq!((kept[0].0.as_str(), kept[1].1), ("borrowed", 2));
    }

    #[test]
    fn owned_cow_slice_of_bytes_keeps_its_buffer() {
        let c = CowSlice::from_vec(vec![1u8, 2, 3]);
        let addr = c.as_ptr();
        let s = c.into_static();
        assert_eq!((s.as_ptr(), &*s), (addr, &[1, 2, 3][..]));
    }

    #[test]
    fn nested_containers_and_tuples() {
        let text = String::from("k v");
        let mut map = HashMap::new();
        map.insert(
            CowStr::borrowed(&text[..1]),
            Some(CowStr::borrowed(&text[2..])),
        );
        let b: Box<(CowStr<'_>, Result<CowStr<'_>, u8>)> =
            Box::new((CowStr::borrowed(&text), Err(7)));
        let deque: VecDeque<CowStr<'_>> = [CowStr::borrowed(&text)].into();
        let btree: BTreeMap<u8, CowCStr<'_>> = [(1, CowCStr::borrowed(c"c"))].into();
        let all = (map, b, deque, btree, Cow::Borrowed(text.as_str())).into_static();
        drop(text);
        let (map, b, deque, btree, cow) = all;
        assert_eq!(map.get("k").unwrap().as_ref().unwrap(), "v");
        assert_eq!((b.0.as_str(), b.1.clone().unwrap_err()), ("k v", 7));
        assert_eq!(
            (deque[0].as_str(), btree[&1].as_bytes()),
            ("k v", &b"c"[..])
        );
        assert!(matches!(cow, Cow::Owned(ref s) if s == "k v"));
    }
}
