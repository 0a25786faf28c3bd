//! Shared pieces of the differential fuzz targets in `fuzz_targets/`: text generation that
//! favours the lengths where string representations switch, and a hash helper.

use std::hash::{BuildHasher, Hash};

use arbitrary::{Arbitrary, Unstructured};

/// Lengths where an inline/heap representation changes: empty, around 16 and 24 bytes, 64.
pub const BOUNDARY_LENS: [usize; 9] = [0, 1, 15, 16, 17, 23, 24, 25, 64];

/// Text chosen by the fuzzer: either one of the boundary lengths (ASCII, a 2-, 3- or 4-byte
/// character repeated, so that lengths fall on and next to character boundaries) or free text.
#[derive(Debug, Clone)]
pub struct Text(pub String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.ratio(1, 2)? {
            let len = *u.choose(&BOUNDARY_LENS)?;
            let ch = *u.choose(&['a', 'é', '€', '😀'])?;
            let mut s = String::with_capacity(len);
            while s.len() + ch.len_utf8() <= len {
                s.push(ch);
            }
            while s.len() < len {
                s.push('z');
            }
            Ok(Text(s))
        } else {
            let s: &str = u.arbitrary()?;
            Ok(Text(s.chars().take(80).collect()))
        }
    }
}

/// A `String` holding `s` with `spare` bytes of unused capacity (so adopting its buffer has
/// to free the whole capacity, not only the length).
#[must_use]
pub fn with_spare(s: &str, spare: u8) -> String {
    let mut out = String::with_capacity(s.len() + usize::from(spare));
    out.push_str(s);
    out
}

/// The hash of `v` under one fixed hasher, for comparing the hashes of a makai value and its
/// model.
pub fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
        .hash_one(v)
}
