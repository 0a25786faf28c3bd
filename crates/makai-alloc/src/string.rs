//! [`String`]: a growable UTF-8 string in any allocator, over `allocator_api2`'s `Vec<u8, A>`
//! (which has no string type of its own).
//!
//! ```
//! use makai_alloc::Arena;
//! use makai_alloc::string::String;
//! use std::fmt::Write;
//!
//! let arena = Arena::new();
//! let mut line = String::new_in(&arena);
//! write!(line, "event: {}", "message_start").unwrap();
//! line.push('\n');
//! assert_eq!(line, "event: message_start\n");
//! ```

use alloc::borrow::Borrow;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::{Deref, DerefMut};

use allocator_api2::alloc::{Allocator, Global};
use allocator_api2::vec::Vec;
use makai_error::AllocError;

/// A growable UTF-8 string whose buffer lives in the allocator `A` (any
/// `allocator_api2::alloc::Allocator`: `&Arena`, `&MiHeap`, `&StackFallback`, `Global`, ...).
///
/// The method names are `std::string::String`'s, plus the `_in` constructors of
/// allocator-taking containers.
///
/// The string borrows its allocator, so it cannot outlive an arena:
///
/// ```compile_fail
/// let s = {
///     let arena = makai_alloc::Arena::new();
///     makai_alloc::string::String::from_str_in("x", &arena)
/// };
/// ```
pub struct String<A: Allocator = Global> {
    /// Always valid UTF-8: every method that writes appends or keeps whole `str`s.
    vec: Vec<u8, A>,
}

impl String {
    /// An empty string in the global allocator; allocates nothing.
    ///
    /// ```
    /// assert!(makai_alloc::string::String::new().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> String {
        String { vec: Vec::new() }
    }
}

impl<A: Allocator> String<A> {
    /// An empty string in `alloc`; allocates nothing.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let s = makai_alloc::string::String::new_in(&arena);
    /// assert_eq!(s.capacity(), 0);
    /// ```
    #[must_use]
    pub fn new_in(alloc: A) -> String<A> {
        String {
            vec: Vec::new_in(alloc),
        }
    }

    /// An empty string with room for `capacity` bytes, in `alloc`.
    ///
    /// # Panics
    ///
    /// If the capacity overflows `isize::MAX` bytes; calls [`makai_error::out_of_memory`] when
    /// the allocation fails.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let s = makai_alloc::string::String::with_capacity_in(64, &arena);
    /// assert!(s.capacity() >= 64);
    /// ```
    #[must_use]
    pub fn with_capacity_in(capacity: usize, alloc: A) -> String<A> {
        let mut s = String::new_in(alloc);
        s.reserve(capacity);
        s
    }

    /// A copy of `s` in `alloc`.
    ///
    /// ```
    /// let arena = makai_alloc::Arena::new();
    /// let s = makai_alloc::string::String::from_str_in("tool_use", &arena);
    /// assert_eq!(s.as_str(), "tool_use");
    /// ```
    #[must_use]
    pub fn from_str_in(s: &str, alloc: A) -> String<A> {
        let mut out = String::with_capacity_in(s.len(), alloc);
        out.push_str(s);
        out
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // SAFETY: `vec` always holds valid UTF-8 (see the field).
        unsafe { core::str::from_utf8_unchecked(&self.vec) }
    }

    /// The text, mutably (only UTF-8-preserving edits are possible through `&mut str`).
    ///
    /// ```
    /// let mut s = makai_alloc::string::String::from_str_in("abc", allocator_api2::alloc::Global);
    /// s.as_mut_str().make_ascii_uppercase();
    /// assert_eq!(s, "ABC");
    /// ```
    #[must_use]
    pub fn as_mut_str(&mut self) -> &mut str {
        // SAFETY: `vec` always holds valid UTF-8, and `&mut str` only allows edits that keep it.
        unsafe { core::str::from_utf8_unchecked_mut(&mut self.vec) }
    }

    /// Appends `s`.
    ///
    /// Calls [`makai_error::out_of_memory`] when growing fails; see
    /// [`try_push_str`](String::try_push_str).
    pub fn push_str(&mut self, s: &str) {
        self.reserve(s.len());
        self.vec.extend_from_slice(s.as_bytes());
    }

    /// Appends `s`, reporting allocation failure instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the buffer cannot grow; the string is unchanged.
    ///
    /// ```
    /// let mut s = makai_alloc::string::String::new_in(makai_alloc::NoAlloc);
    /// assert!(s.try_push_str("x").is_err());
    /// assert!(s.try_push_str("").is_ok());
    /// ```
    pub fn try_push_str(&mut self, s: &str) -> Result<(), AllocError> {
        self.try_reserve(s.len())?;
        self.vec.extend_from_slice(s.as_bytes());
        Ok(())
    }

    /// Appends one character.
    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Removes and returns the last character.
    ///
    /// ```
    /// let mut s = makai_alloc::string::String::from_str_in("hé", allocator_api2::alloc::Global);
    /// assert_eq!(s.pop(), Some('é'));
    /// assert_eq!(s, "h");
    /// ```
    pub fn pop(&mut self) -> Option<char> {
        let c = self.as_str().chars().next_back()?;
        self.vec.truncate(self.vec.len() - c.len_utf8());
        Some(c)
    }

    /// Shortens the string to `new_len` bytes (no effect if it is not shorter).
    ///
    /// # Panics
    ///
    /// If `new_len` is not on a character boundary.
    pub fn truncate(&mut self, new_len: usize) {
        if new_len < self.len() {
            assert!(
                self.as_str().is_char_boundary(new_len),
                "String::truncate: {new_len} is not a char boundary"
            );
            self.vec.truncate(new_len);
        }
    }

    /// Empties the string, keeping its buffer.
    pub fn clear(&mut self) {
        self.vec.clear();
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.vec.len()
    }

    /// `true` when the string is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.vec.is_empty()
    }

    /// Bytes the buffer holds without growing.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.vec.capacity()
    }

    /// Makes room for at least `additional` more bytes.
    ///
    /// Calls [`makai_error::out_of_memory`] when growing fails; see
    /// [`try_reserve`](String::try_reserve).
    pub fn reserve(&mut self, additional: usize) {
        self.try_reserve(additional)
            .unwrap_or_else(|_| makai_error::out_of_memory());
    }

    /// Makes room for at least `additional` more bytes, reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocator refuses or the size overflows.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        self.vec.try_reserve(additional).map_err(|_| AllocError)
    }

    /// The UTF-8 bytes, as the vector that holds them.
    #[must_use]
    pub fn into_bytes(self) -> Vec<u8, A> {
        self.vec
    }

    /// The allocator.
    #[must_use]
    pub fn allocator(&self) -> &A {
        self.vec.allocator()
    }
}

impl Default for String {
    fn default() -> String {
        String::new()
    }
}

impl From<&str> for String {
    fn from(s: &str) -> String {
        String::from_str_in(s, Global)
    }
}

impl<A: Allocator> Deref for String<A> {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<A: Allocator> DerefMut for String<A> {
    fn deref_mut(&mut self) -> &mut str {
        self.as_mut_str()
    }
}

impl<A: Allocator> AsRef<str> for String<A> {
    fn as_ref(&self) -> &str {
        self
    }
}

impl<A: Allocator> AsRef<[u8]> for String<A> {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<A: Allocator> Borrow<str> for String<A> {
    fn borrow(&self) -> &str {
        self
    }
}

impl<A: Allocator + Clone> Clone for String<A> {
    fn clone(&self) -> Self {
        String::from_str_in(self, self.allocator().clone())
    }
}

impl<A: Allocator> fmt::Write for String<A> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.try_push_str(s).map_err(|_| fmt::Error)
    }
}

impl<A: Allocator> fmt::Debug for String<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<A: Allocator> fmt::Display for String<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl<A: Allocator, B: Allocator> PartialEq<String<B>> for String<A> {
    fn eq(&self, other: &String<B>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<A: Allocator> Eq for String<A> {}

impl<A: Allocator> PartialEq<str> for String<A> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<A: Allocator> PartialEq<&str> for String<A> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<A: Allocator> PartialOrd for String<A> {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<A: Allocator> Ord for String<A> {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl<A: Allocator> Hash for String<A> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl<'s, A: Allocator> Extend<&'s str> for String<A> {
    fn extend<I: IntoIterator<Item = &'s str>>(&mut self, iter: I) {
        for s in iter {
            self.push_str(s);
        }
    }
}

impl<A: Allocator> Extend<char> for String<A> {
    fn extend<I: IntoIterator<Item = char>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        for c in iter {
            self.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Arena, StackFallback};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        // Text from `any::<char>()` (every scalar value, so 1- to 4-byte sequences): a regex
        // strategy such as `\PC{0,6}` builds its Unicode class on every case, which costs minutes
        // under Miri.
        fn matches_std_string(ops in proptest::collection::vec(
            (0_u8..4, proptest::collection::vec(any::<char>(), 0..6).prop_map(alloc::string::String::from_iter)),
            0..40,
        )) {
            let arena = Arena::new();
            let mut ours = String::new_in(&arena);
            let mut model = alloc::string::String::new();
            for (op, text) in ops {
                match op {
                    0 => { ours.push_str(&text); model.push_str(&text); }
                    1 => { prop_assert_eq!(ours.pop(), model.pop()); }
                    2 => if let Some(c) = text.chars().next() { ours.push(c); model.push(c); },
                    _ => {
                        let cut = model.char_indices().map(|(i, _)| i).nth(1).unwrap_or(0);
                        ours.truncate(cut);
                        model.truncate(cut);
                    }
                }
                prop_assert_eq!(ours.as_str(), model.as_str());
            }
        }
    }

    #[test]
    fn traits_and_edges() {
        let buf = StackFallback::<64>::new();
        let mut s = String::with_capacity_in(0, &buf);
        assert_eq!(s.pop(), None);
        s.extend(["a", "b"]);
        s.extend("çd".chars());
        assert_eq!(s, "abçd");
        s.truncate(100);
        assert_eq!(s.len(), 5);
        let c = s.clone();
        assert_eq!(c, s);
        let (x, y) = (String::from("a"), String::from("b"));
        assert!(x < y);
        assert_eq!(format!("{s} {s:?}"), "abçd \"abçd\"");
        assert_eq!(buf.fallback_count(), 0);
        s.clear();
        assert!(s.is_empty());
        assert_eq!(String::default().into_bytes().len(), 0);
    }

    #[test]
    #[should_panic(expected = "not a char boundary")]
    fn truncate_inside_a_char_panics() {
        let mut s = String::from("é");
        s.truncate(1);
    }
}
