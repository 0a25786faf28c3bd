//! [`MaybeOwned<'a, T>`]: a value that is either owned (`Box<T>`) or borrowed (`&'a T`), for any
//! `T`, unsized ones included (Bun's `owned/maybe.zig`).

use alloc::borrow::Borrow;
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;

/// Either an owned `Box<T>` or a borrowed `&'a T`. Dropping an owned value drops and frees it;
/// a borrowed one is left alone.
///
/// For slices and strings of plain data prefer [`CowSlice`](crate::CowSlice) /
/// [`CowStr`](crate::CowStr) (16 bytes instead of 24); `MaybeOwned` is for other types, such as
/// trait objects or a large configuration struct.
///
/// ```
/// use makai_ptr::MaybeOwned;
/// #[derive(Clone, Debug, PartialEq)]
/// struct Config { retries: u32 }
/// static DEFAULT: Config = Config { retries: 3 };
///
/// fn config(custom: Option<u32>) -> MaybeOwned<'static, Config> {
///     match custom {
///         Some(retries) => MaybeOwned::Owned(Box::new(Config { retries })),
///         None => MaybeOwned::Borrowed(&DEFAULT),
///     }
/// }
/// assert_eq!(config(None).retries, 3);
/// assert!(config(Some(5)).is_owned());
/// let shown: MaybeOwned<'_, dyn std::fmt::Debug> = MaybeOwned::Owned(Box::new(1));
/// assert_eq!(format!("{shown:?}"), "1");
/// ```
pub enum MaybeOwned<'a, T: ?Sized> {
    /// Owned: dropped and freed with this value.
    Owned(Box<T>),
    /// Borrowed for `'a`.
    Borrowed(&'a T),
}

impl<'a, T: ?Sized> MaybeOwned<'a, T> {
    /// Whether the value is owned.
    ///
    /// ```
    /// use makai_ptr::MaybeOwned;
    /// assert!(MaybeOwned::Owned(Box::new(1)).is_owned());
    /// assert!(!MaybeOwned::Borrowed(&1).is_owned());
    /// ```
    #[doc(alias = "isOwned")]
    #[inline]
    pub fn is_owned(&self) -> bool {
        matches!(self, Self::Owned(_))
    }

    /// The value.
    ///
    /// ```
    /// assert_eq!(*makai_ptr::MaybeOwned::Borrowed("s").get(), *"s");
    /// ```
    #[inline]
    pub fn get(&self) -> &T {
        match self {
            Self::Owned(b) => b,
            Self::Borrowed(r) => r,
        }
    }

    /// A borrowed `MaybeOwned` of the same value, tied to `self`.
    ///
    /// ```
    /// let owner = makai_ptr::MaybeOwned::<str>::Owned("o".into());
    /// assert!(!owner.reborrow().is_owned());
    /// ```
    #[inline]
    #[doc(alias = "borrow")]
    pub fn reborrow(&self) -> MaybeOwned<'_, T> {
        MaybeOwned::Borrowed(self.get())
    }

    /// The value as a box: moved when owned, copied through [`ToOwned`] when borrowed.
    ///
    /// Works for every `T: Clone` (a `#[derive(Clone)]` struct) and for `str`, `[T]`,
    /// `CStr`, `OsStr` and `Path` (whose owned forms `String`, `Vec<T>`, `CString`,
    /// `OsString` and `PathBuf` turn into the box without another copy).
    ///
    /// # Panics
    ///
    /// If cloning panics. Out of memory aborts, as with `Box::new`.
    ///
    /// ```
    /// use makai_ptr::MaybeOwned;
    /// #[derive(Clone, Debug, PartialEq)]
    /// struct Config { retries: u32 }
    /// let shared = Config { retries: 3 };
    /// let mine: Box<Config> = MaybeOwned::Borrowed(&shared).into_owned();
    /// assert_eq!(*mine, shared);
    /// let b: Box<[u8]> = MaybeOwned::Borrowed(&[1u8, 2][..]).into_owned();
    /// assert_eq!(&*b, &[1, 2]);
    /// let p: Box<std::path::Path> = MaybeOwned::Borrowed(std::path::Path::new("/tmp")).into_owned();
    /// assert_eq!(p.to_str(), Some("/tmp"));
    /// ```
    ///
    /// A type that cannot be cloned cannot be copied out of a borrow; the error names
    /// `Clone` (through `ToOwned`):
    ///
    /// ```compile_fail,E0277
    /// struct Handle(u32); // not Clone
    /// let h = Handle(1);
    /// let _ = makai_ptr::MaybeOwned::Borrowed(&h).into_owned(); // error: `Handle: Clone` is not satisfied
    /// ```
    #[doc(alias = "toOwned")]
    #[inline]
    pub fn into_owned(self) -> Box<T>
    where
        T: ToOwned,
        Box<T>: From<T::Owned>,
    {
        match self {
            Self::Owned(b) => b,
            Self::Borrowed(r) => Box::from(r.to_owned()),
        }
    }

    /// The value, mutably: a borrowed value is first copied into a box (through
    /// [`ToOwned`], for the same types as [`into_owned`](MaybeOwned::into_owned)).
    ///
    /// # Panics
    ///
    /// If cloning panics (`self` stays borrowed then).
    ///
    /// ```
    /// use makai_ptr::MaybeOwned;
    /// let text = String::from("abc");
    /// let mut m = MaybeOwned::Borrowed(text.as_str());
    /// m.to_mut().make_ascii_uppercase();
    /// assert_eq!((m.get(), text.as_str()), ("ABC", "abc"));
    ///
    /// #[derive(Clone)]
    /// struct Limits { max: u32 }
    /// let defaults = Limits { max: 10 };
    /// let mut l = MaybeOwned::Borrowed(&defaults);
    /// l.to_mut().max = 20; // copies first: `defaults` is untouched
    /// assert_eq!((l.max, defaults.max, l.is_owned()), (20, 10, true));
    /// ```
    #[inline]
    pub fn to_mut(&mut self) -> &mut T
    where
        T: ToOwned,
        Box<T>: From<T::Owned>,
    {
        if let Self::Borrowed(r) = *self {
            *self = Self::Owned(Box::from(r.to_owned()));
        }
        match self {
            Self::Owned(b) => b,
            Self::Borrowed(_) => unreachable!("made owned just above"),
        }
    }
}

impl<T: ?Sized> Deref for MaybeOwned<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: ?Sized> Clone for MaybeOwned<'_, T>
where
    Box<T>: Clone,
{
    /// A borrowed value stays borrowed; an owned one is cloned.
    #[inline]
    fn clone(&self) -> Self {
        match self {
            Self::Owned(b) => Self::Owned(b.clone()),
            Self::Borrowed(r) => Self::Borrowed(r),
        }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MaybeOwned<'_, T> {
    /// Formats the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MaybeOwned<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.get(), f)
    }
}

impl<T: ?Sized + PartialEq> PartialEq for MaybeOwned<'_, T> {
    /// Compares the values, whoever owns them.
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: ?Sized + Eq> Eq for MaybeOwned<'_, T> {}

impl<T: ?Sized + PartialOrd> PartialOrd for MaybeOwned<'_, T> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.get().partial_cmp(other.get())
    }
}

impl<T: ?Sized + Ord> Ord for MaybeOwned<'_, T> {
    #[inline]
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.get().cmp(other.get())
    }
}

impl<T: ?Sized + Hash> Hash for MaybeOwned<'_, T> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.get().hash(state)
    }
}

impl<T: ?Sized> AsRef<T> for MaybeOwned<'_, T> {
    #[inline]
    fn as_ref(&self) -> &T {
        self.get()
    }
}

impl<T: ?Sized> Borrow<T> for MaybeOwned<'_, T> {
    #[inline]
    fn borrow(&self) -> &T {
        self.get()
    }
}

impl<'a, T: ?Sized> From<&'a T> for MaybeOwned<'a, T> {
    #[inline]
    fn from(r: &'a T) -> Self {
        Self::Borrowed(r)
    }
}

impl<T: ?Sized> From<Box<T>> for MaybeOwned<'_, T> {
    #[inline]
    fn from(b: Box<T>) -> Self {
        Self::Owned(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::Cell;

    struct CountDrops<'c>(&'c Cell<u32>);
    impl Drop for CountDrops<'_> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn only_owned_values_are_dropped() {
        let drops = Cell::new(0);
        let kept = CountDrops(&drops);
        drop(MaybeOwned::Borrowed(&kept));
        assert_eq!(drops.get(), 0);
        drop(MaybeOwned::Owned(Box::new(CountDrops(&drops))));
        assert_eq!(drops.get(), 1);
    }

    #[test]
    fn clone_keeps_state_and_compares_by_value() {
        let b: MaybeOwned<'_, str> = MaybeOwned::Borrowed("x");
        let o: MaybeOwned<'_, str> = MaybeOwned::Owned("x".into());
        assert!(!b.clone().is_owned() && o.clone().is_owned());
        assert_eq!(b, o);
        assert_eq!(size_of::<MaybeOwned<'_, u64>>(), 16);
    }

    #[test]
    fn into_owned_and_to_mut_for_clone_types_and_unsized_std_types() {
        use std::ffi::{CStr, OsStr};
        use std::path::Path;

        #[derive(Clone, Debug, PartialEq)]
        struct Plain {
            name: String,
        }
        let p = Plain { name: "x".into() };
        let mut m = MaybeOwned::Borrowed(&p);
        m.to_mut().name.push('y');
        assert_eq!((m.name.as_str(), p.name.as_str()), ("xy", "x"));
        let owned = m.into_owned();
        assert_eq!(owned.name, "xy");

        // An owned value is moved, never copied.
        let boxed = Box::new(Plain { name: "o".into() });
        let addr: *const Plain = &raw const *boxed;
        let mut o = MaybeOwned::Owned(boxed);
        assert_eq!(core::ptr::from_mut(o.to_mut()).cast_const(), addr);
        assert_eq!(&raw const *o.into_owned(), addr);

        let s: Box<str> = MaybeOwned::Borrowed("s").into_owned();
        let v: Box<[String]> = MaybeOwned::Borrowed(&["a".to_string()][..]).into_owned();
        let c: Box<CStr> = MaybeOwned::Borrowed(c"c").into_owned();
        let os: Box<OsStr> = MaybeOwned::Borrowed(OsStr::new("os")).into_owned();
        let path: Box<Path> = MaybeOwned::Borrowed(Path::new("/p")).into_owned();
        assert_eq!(
            (&*s, v[0].as_str(), c.to_bytes(), os.to_str(), path.to_str()),
            ("s", "a", &b"c"[..], Some("os"), Some("/p"))
        );
        let mut slice = MaybeOwned::Borrowed(&[1, 2][..]);
        slice.to_mut()[0] = 9;
        assert_eq!(*slice, [9, 2]);
    }
}
