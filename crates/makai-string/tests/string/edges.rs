//! `SmolStr` and `Str` edges: map lookups by `str`, multi-byte UTF-8 at the inline boundary,
//! invalid UTF-8, reserve failures, conversions and trait impls, and heap appends against
//! `String`.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};

use makai_string::{SmolStr, Str};

use super::panic_message;

#[test]
fn map_lookups_by_str() {
    let mut h: HashMap<Str, u32> = HashMap::new();
    h.insert(Str::from("short"), 1);
    h.insert(Str::from("a key that lives on the heap"), 2);
    h.insert(Str::from_static("static key"), 3);
    assert_eq!(h.get("short"), Some(&1));
    assert_eq!(h.get("a key that lives on the heap"), Some(&2));
    assert_eq!(h.get("static key"), Some(&3));
    let b: BTreeMap<SmolStr, u32> = [(SmolStr::from("b"), 2), (SmolStr::from("a"), 1)].into();
    assert_eq!(b.get("a"), Some(&1));
    assert_eq!(b.keys().next().map(SmolStr::as_str), Some("a"));
}

#[test]
fn multi_byte_utf8_at_the_inline_boundary() {
    // 13 ASCII + '€' (3 bytes) = 16 bytes, the last byte a continuation byte (0xAC).
    let mut s = SmolStr::from("abcdefghijklm");
    s.push('€');
    assert!(s.is_inline());
    assert_eq!(s.len(), 16);
    assert_eq!(s.as_bytes()[15], 0xAC);
    assert_eq!(s, "abcdefghijklm€");
    assert_eq!(s.pop(), Some('€'));
    assert_eq!(s.len(), 13);
    assert!(s.is_inline());
    // 14 + 3 = 17 bytes: spills.
    s.push('n');
    s.push('€');
    assert!(!s.is_inline());
    assert_eq!(s, "abcdefghijklmn€");
    // Eight 2-byte chars, four 4-byte chars: both exactly 16 bytes inline.
    for t in ["éééééééé", "😀😀😀😀", "a😀😀😀bcd"] {
        let x = Str::from(t);
        assert!(x.is_inline(), "{t}");
        assert_eq!(x, t);
        let y = SmolStr::from(t);
        assert_eq!(y, t);
        assert_eq!(x, Str::from(String::from(t)));
    }
    // A 4-byte char that does not fit goes to the heap whole.
    let mut e = SmolStr::from("0123456789abc");
    e.push('😀');
    assert!(!e.is_inline());
    assert_eq!(e, "0123456789abc😀");
    // Truncating inside a character panics; on a boundary it works.
    let mut t = SmolStr::from("aé");
    let err = catch_unwind(AssertUnwindSafe(|| t.truncate(2))).unwrap_err();
    assert!(panic_message(err).contains("not a char boundary"));
    t.truncate(1);
    assert_eq!(t, "a");
}

#[test]
fn from_utf8_rejects_invalid_bytes() {
    let bad: [&[u8]; 6] = [
        b"\xff",
        b"\xc3",
        b"\xc0\x80",
        b"\xed\xa0\x80",
        b"0123456789abcde\xe2\x82",
        b"a string longer than sixteen \xf0\x28\x8c\x28",
    ];
    for b in bad {
        assert!(SmolStr::from_utf8(b).is_err(), "{b:?}");
        assert!(Str::from_utf8(b).is_err(), "{b:?}");
    }
    assert_eq!(
        Str::from_utf8("0123456789abcde€".as_bytes()).unwrap(),
        "0123456789abcde€"
    );
    assert_eq!(SmolStr::from_utf8(b"").unwrap(), "");
}

#[test]
fn reserve_and_allocation_errors() {
    let mut s = SmolStr::from("abc");
    assert!(s.try_reserve(usize::MAX).is_err());
    assert!(s.try_reserve(usize::MAX - 2).is_err());
    assert_eq!(s, "abc");
    s.reserve(13);
    assert!(s.is_inline(), "3 + 13 = 16 still fits inline");
    s.reserve(14);
    assert!(!s.is_inline() && s.capacity() >= 17);
    let cap = s.capacity();
    assert!(s.try_reserve(usize::MAX / 2).is_err());
    assert_eq!((s.as_str(), s.capacity()), ("abc", cap));
    assert!(SmolStr::try_with_capacity(usize::MAX).is_err());
    let mut e = SmolStr::with_capacity(0);
    assert!(e.is_inline());
    e.clear();
    assert_eq!(e.pop(), None);
}

#[test]
fn conversions_and_traits() {
    use std::fmt::Write as _;
    let long = "a longer string with more than 16 bytes";
    let s: SmolStr = long.parse().unwrap();
    assert_eq!(String::from(s.clone()), long);
    assert_eq!(&*Box::<str>::from(s.clone()), long);
    let shared = Str::from(Box::<str>::from(long));
    assert_eq!(String::from(shared.clone()), long);
    assert_eq!(format!("{shared}|{shared:?}"), format!("{long}|{long:?}"));
    assert_eq!(format!("{s:>45}"), format!("{long:>45}"));
    let collected: Str = "héllo".chars().collect();
    assert_eq!(collected, "héllo");
    let mut grown: SmolStr = ["ab", "cd"].into_iter().collect();
    grown.extend(['e', 'f']);
    grown.extend(["-tail", "-more-than-sixteen"]);
    write!(grown, "-{}", 42).unwrap();
    assert_eq!(grown, "abcdef-tail-more-than-sixteen-42");
    assert!(grown > *"abc");
    assert!(*"abd" > grown);
    let bytes: &[u8] = grown.as_ref();
    assert_eq!(bytes.len(), grown.len());
    grown.make_ascii_uppercase();
    assert!(grown.starts_with("ABCDEF"));
    assert_eq!(Str::default(), "");
    assert_eq!(SmolStr::default(), String::new());
    assert_eq!(Str::from('é'), "é");
    assert_eq!(Str::from(std::borrow::Cow::Borrowed("cow")), "cow");
    assert_eq!(Str::from(SmolStr::from("x")), SmolStr::from("x"));
}

/// Appending to a heap string: with room (the inline fast path), to exactly its capacity, and
/// past it (growth), from every starting length around the inline boundary, checked against
/// `String` after every step (run under Miri too: the copy must stay inside the buffer).
#[test]
fn heap_appends_with_room_at_capacity_and_past_it_match_string() {
    for start in [0usize, 15, 16, 17, 23, 24, 31, 32, 64] {
        let base = "x".repeat(start);
        let mut s = SmolStr::from(base.as_str());
        let mut model = base.clone();
        for (step, piece) in ["a", "bcdefghij", "", "é", "0123456789abcdef", "z"]
            .iter()
            .cycle()
            .take(14)
            .enumerate()
        {
            if step == 5 {
                // Fill exactly to the capacity, then go one past it.
                let room = s.capacity() - s.len();
                let fill = "f".repeat(room);
                s.push_str(&fill);
                model.push_str(&fill);
                assert_eq!(s.len(), s.capacity(), "start {start}");
            }
            s.push_str(piece);
            model.push_str(piece);
            assert_eq!(s, model.as_str(), "start {start} step {step}");
            assert!(s.capacity() >= s.len());
        }
        let mut reserved = SmolStr::new();
        reserved.reserve(40);
        let cap = reserved.capacity();
        for _ in 0..4 {
            reserved.push_str("0123456789");
        }
        assert_eq!(
            reserved.capacity(),
            cap,
            "appends within the reserved room do not grow"
        );
        assert_eq!(reserved, "0123456789".repeat(4).as_str());
    }
}

/// `Str` and `SmolStr` take and give the same conversions (one macro writes them), and each
/// gives back the text it was built from.
#[test]
fn both_string_types_convert_alike() {
    use std::borrow::Cow;
    use std::str::FromStr;

    fn round_trips<T>(text: &str)
    where
        T: for<'a> From<&'a mut str>
            + for<'a> From<&'a String>
            + for<'a> From<Cow<'a, str>>
            + FromStr<Err = std::convert::Infallible>
            + Into<String>
            + Into<Box<str>>
            + std::ops::Deref<Target = str>,
        for<'a> &'a T: Into<String> + Into<Cow<'a, str>>,
    {
        let mut owned = text.to_owned();
        let values = [
            T::from(owned.as_mut_str()),
            T::from(&owned),
            T::from(Cow::Borrowed(text)),
            T::from(Cow::Owned(text.to_owned())),
            T::from_str(text).unwrap(),
        ];
        for v in values {
            assert_eq!(&*v, text);
            let s: String = (&v).into();
            assert_eq!(s, text);
            let c: Cow<'_, str> = (&v).into();
            assert!(matches!(c, Cow::Borrowed(b) if b == text));
            let b: Box<str> = T::from(&owned).into();
            assert_eq!(&*b, text);
            let s: String = v.into();
            assert_eq!(s, text);
        }
    }
    for text in ["", "short", "a text longer than sixteen bytes, on the heap"] {
        round_trips::<Str>(text);
        round_trips::<SmolStr>(text);
    }
}
