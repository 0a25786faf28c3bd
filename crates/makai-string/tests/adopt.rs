//! Regression tests for adopting a `String`'s buffer (`Str::from(String)`,
//! `Str::from(Box<str>)`, serde's owned-string path): the whole allocation, spare capacity
//! included, must be freed through a pointer that is valid for all of it.
//!
//! Under Miri with `-Zmiri-strict-provenance` (Stacked and Tree Borrows) these fail when the
//! buffer's pointer is derived from a `&mut str` of the string's length only: freeing
//! `capacity` bytes through it is then undefined behaviour.

use makai_string::{SmolStr, Str};

/// The boundary lengths of the representation: empty, the inline limits, the first heap
/// lengths, and one longer string.
const LENGTHS: [usize; 8] = [0, 1, 15, 16, 17, 23, 24, 64];

fn text(len: usize) -> String {
    // A two-byte character first, where it fits, so the bytes are not all ASCII.
    let mut s = String::with_capacity(len);
    if len >= 2 {
        s.push('é');
    }
    while s.len() < len {
        s.push(char::from(b'a' + (s.len() % 26) as u8));
    }
    assert_eq!(s.len(), len);
    s
}

/// A `String` holding `len` bytes in a buffer of `cap >= len` bytes.
fn with_spare(len: usize, cap: usize) -> String {
    let mut s = String::with_capacity(cap);
    s.push_str(&text(len));
    assert!(s.capacity() >= cap);
    s
}

#[test]
fn adopting_a_string_with_spare_capacity_frees_the_whole_buffer() {
    // The original report: 17 bytes in a 64-byte buffer.
    let s = with_spare(17, 64);
    let addr = s.as_ptr();
    let adopted = Str::from(s);
    assert_eq!(
        adopted.as_ptr(),
        addr,
        "a heap-length String is adopted, not copied"
    );
    assert_eq!(adopted, text(17));
    drop(adopted);
}

#[test]
fn adoption_at_every_boundary_length_and_capacity() {
    for &len in &LENGTHS {
        for cap in [len, len + 1, 64, 100] {
            if cap < len {
                continue;
            }
            let expected = text(len);
            let s = with_spare(len, cap);
            let addr = s.as_ptr();
            let adopted = Str::from(s);
            assert_eq!(adopted, expected.as_str(), "len {len} cap {cap}");
            assert_eq!(adopted.len(), len);
            if len > 16 {
                assert_eq!(
                    adopted.as_ptr(),
                    addr,
                    "len {len} cap {cap}: adopted in place"
                );
                assert!(!adopted.is_inline());
            } else {
                assert!(adopted.is_inline(), "len {len}: copied inline");
            }
            // Clones share the adopted buffer; the last drop frees it, whichever it is.
            let clone = adopted.clone();
            assert!(len <= 16 || Str::ptr_eq(&adopted, &clone));
            drop(adopted);
            assert_eq!(clone, expected.as_str());
            drop(clone);
        }
    }
}

#[test]
fn adoption_through_try_from_string_and_box_and_cow() {
    for &len in &LENGTHS {
        let s = Str::try_from_string(with_spare(len, 2 * len + 8)).unwrap();
        assert_eq!(s, text(len));
        // `Box<str>` has no spare capacity, but goes through the same adoption.
        let boxed: Box<str> = text(len).into_boxed_str();
        assert_eq!(Str::from(boxed), text(len));
        let cow: std::borrow::Cow<'_, str> = std::borrow::Cow::Owned(with_spare(len, 80));
        assert_eq!(Str::from(cow), text(len));
    }
}

#[test]
fn adopted_strings_move_between_threads_and_free_once() {
    let s = Str::from(with_spare(40, 128));
    let t = s.clone();
    let h = std::thread::spawn(move || {
        assert_eq!(t.len(), 40);
        drop(t);
    });
    assert_eq!(s, text(40));
    h.join().unwrap();
    drop(s);
}

#[test]
fn smol_str_from_string_with_spare_capacity() {
    // `SmolStr` copies (its heap form needs its own header), but must read the bytes only.
    for &len in &LENGTHS {
        let s = SmolStr::from(with_spare(len, 64.max(len)));
        assert_eq!(s, text(len));
        assert_eq!(s.freeze(), text(len));
    }
}

#[cfg(feature = "serde")]
mod serde_path {
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StringDeserializer};

    use super::*;

    /// `Deserialize for Str` takes an owned `String` through `Str::from(String)`: the adoption
    /// path, with whatever spare capacity the format left in it.
    #[test]
    fn deserializing_an_owned_string_adopts_it_soundly() {
        for &len in &LENGTHS {
            for cap in [len, 64.max(len)] {
                let owned = with_spare(len, cap);
                let addr = owned.as_ptr();
                let d: StringDeserializer<Error> = owned.into_deserializer();
                let s = Str::deserialize(d).unwrap();
                assert_eq!(s, text(len), "len {len} cap {cap}");
                if len > 16 {
                    assert_eq!(s.as_ptr(), addr, "len {len}: adopted, not copied");
                }
                let again = s.clone();
                drop(s);
                assert_eq!(again.len(), len);
            }
        }
    }
}
