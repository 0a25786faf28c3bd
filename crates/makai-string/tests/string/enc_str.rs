//! `EncStr` against a `Vec<char>` (and, with lone surrogates, a `Vec<u32>`) model.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use makai_string::{EncStr, Encoding, Str};
use proptest::prelude::*;

fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Leaked buffers behind the `'static` forms. They are recorded in statics so that Miri's leak
/// check sees them as reachable: the leak is the test's own, not one in the code under test.
static KEPT_UTF8: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
static KEPT_UTF16: Mutex<Vec<&'static [u16]>> = Mutex::new(Vec::new());
static KEPT_LATIN1: Mutex<Vec<&'static [u8]>> = Mutex::new(Vec::new());

fn keep<T: ?Sized>(kept: &Mutex<Vec<&'static T>>, b: Box<T>) -> &'static T {
    let r: &'static T = Box::leak(b);
    kept.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(r);
    r
}

/// Every encoding the text fits: UTF-8 and UTF-16 always, Latin-1 when every char is below
/// U+0100; each both copied and (leaked) static.
fn encodings(model: &[char]) -> Vec<EncStr> {
    let s: String = model.iter().collect();
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut out = vec![
        EncStr::from(s.as_str()),
        EncStr::from_utf16(&units),
        EncStr::from_static(keep(&KEPT_UTF8, s.clone().into_boxed_str())),
        EncStr::from_static_utf16(keep(&KEPT_UTF16, units.clone().into_boxed_slice())),
    ];
    let latin1: Option<Vec<u8>> = model.iter().map(|&c| u8::try_from(c).ok()).collect();
    if let Some(latin1) = latin1 {
        out.push(EncStr::from_latin1(&latin1));
        out.push(EncStr::from_static_latin1(keep(
            &KEPT_LATIN1,
            latin1.into_boxed_slice(),
        )));
    }
    out
}

/// Characters biased towards ASCII, Latin-1 and astral planes.
fn model_char() -> impl Strategy<Value = char> {
    prop_oneof![
        (0x20u8..0x7F).prop_map(char::from),
        (0x80u8..=0xFF).prop_map(char::from),
        any::<char>(),
    ]
}

fn model() -> impl Strategy<Value = Vec<char>> {
    prop_oneof![
        prop::collection::vec(model_char(), 0..20),
        // Only Latin-1, so the Latin-1 encoding takes part.
        prop::collection::vec((0u8..=0xFF).prop_map(char::from), 0..40),
    ]
}

#[test]
fn layout_is_sixteen_bytes() {
    assert_eq!(size_of::<EncStr>(), 16);
    assert_eq!(size_of::<Option<EncStr>>(), 16);
    assert_eq!(size_of::<EncStr>(), size_of::<Str>());
}

#[test]
fn the_same_word_in_three_encodings() {
    let latin1 = EncStr::from_latin1(b"na\xEFve");
    let utf16 = EncStr::from_utf16(&"naïve".encode_utf16().collect::<Vec<_>>());
    let utf8 = EncStr::from("naïve");
    for (s, enc, bytes) in [
        (&latin1, Encoding::Latin1, 5),
        (&utf16, Encoding::Utf16, 10),
        (&utf8, Encoding::Utf8, 6),
    ] {
        assert_eq!(s.encoding(), enc);
        assert_eq!(s.byte_len(), bytes);
        assert_eq!(*s, "naïve");
        assert_eq!(s.to_string(), "naïve");
        assert_eq!(s.utf16_len(), 5);
        assert_eq!(s.utf8_len(), 6);
        assert!(!s.is_ascii());
        assert!(s.is_inline());
        assert_eq!(hash_of(s), hash_of(&latin1));
    }
    assert_eq!(latin1, utf16);
    assert_eq!(utf16, utf8);
    assert!(latin1.to_utf8().is_owned());
    assert!(!utf8.to_utf8().is_owned());
    assert_eq!(format!("{utf16:?}"), "Utf16(\"naïve\")");
    assert_eq!(format!("[{latin1:>7}]"), "[  naïve]");
}

#[test]
fn inline_and_heap_boundaries() {
    let text = "0123456789abcdefghij";
    for n in 0..=text.len() {
        let t = &text[..n];
        let units: Vec<u16> = t.encode_utf16().collect();
        let a = EncStr::from(t);
        let b = EncStr::from_latin1(t.as_bytes());
        let c = EncStr::from_utf16(&units);
        assert_eq!(a.is_inline(), n <= 15, "utf8 {n}");
        assert_eq!(b.is_inline(), n <= 15, "latin1 {n}");
        assert_eq!(c.is_inline(), n <= 7, "utf16 {n}");
        for s in [&a, &b, &c] {
            assert_eq!(s.len(), n);
            assert!(s.is_ascii());
            assert_eq!(*s, t);
            assert_eq!(s.as_utf8().is_some(), s.encoding() != Encoding::Utf16);
            assert_eq!(s.as_latin1().is_some(), s.encoding() != Encoding::Utf16);
            let copy = s.clone();
            assert_eq!(&copy, s);
            assert_eq!(EncStr::ptr_eq(&copy, s), !s.is_inline());
        }
        assert_eq!(c.as_utf16(), Some(units.as_slice()));
        assert_eq!(a.as_utf8(), Some(t));
        assert_eq!(b.as_latin1(), Some(t.as_bytes()));
    }
}

#[test]
fn lone_surrogates_are_their_own_code_points() {
    let lone = EncStr::from_utf16(&[0x61, 0xD800, 0x62]);
    let replaced = EncStr::from("a\u{FFFD}b");
    assert_ne!(lone, replaced, "U+D800 is not U+FFFD");
    assert_eq!(lone.to_utf8(), "a\u{FFFD}b");
    assert_eq!(lone.utf8_len(), 5);
    assert_eq!(lone, EncStr::from_utf16(&[0x61, 0xD800, 0x62]));
    assert_eq!(
        hash_of(&lone),
        hash_of(&EncStr::from_utf16(&[0x61, 0xD800, 0x62]))
    );
    // Code point order: U+DC00 (lone) < U+10000 (a pair starting with 0xD800).
    let low = EncStr::from_utf16(&[0xDC00]);
    let astral = EncStr::from_utf16(&[0xD800, 0xDC00]);
    assert!(low < astral);
    assert!(EncStr::from_utf16(&[0xE000]) < astral);
    let bmp_top = EncStr::from("\u{FFFF}");
    assert!(bmp_top < astral);
}

#[test]
fn shared_across_threads() {
    let s = EncStr::from_utf16(
        &"a string long enough for the heap"
            .encode_utf16()
            .collect::<Vec<_>>(),
    );
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let t = s.clone();
            std::thread::spawn(move || {
                let u = t.clone();
                assert_eq!(u, "a string long enough for the heap");
                u
            })
        })
        .collect();
    for h in handles {
        assert!(EncStr::ptr_eq(&h.join().unwrap(), &s));
    }
}

#[test]
fn conversions_with_str() {
    let s = Str::from("shared text that lives on the heap");
    let e = EncStr::from(&s);
    assert_eq!(e, s);
    assert_eq!(s, e);
    assert_eq!(String::from(&e), s.as_str());
    assert_eq!(EncStr::from('é'), "é");
    assert_eq!("é", EncStr::from('é'));
    assert!(EncStr::from_utf8(b"\xC3").is_err());
    assert_eq!("x".parse::<EncStr>().unwrap(), "x");
    assert_eq!(EncStr::default(), "");
    assert_eq!(EncStr::from_latin1(b"\xE9").to_utf16().as_ref(), &[0xE9]);
}

proptest! {
    #![proptest_config(super::encode::config())]

    #[test]
    fn equality_order_and_hash_agree_with_the_model(a in model(), b in model()) {
        let text_a: String = a.iter().collect();
        let ea = encodings(&a);
        let eb = encodings(&b);
        let ascii = a.iter().all(char::is_ascii);
        for x in &ea {
            prop_assert_eq!(x, &ea[0]);
            prop_assert_eq!(hash_of(x), hash_of(&ea[0]));
            prop_assert_eq!(x.to_utf8().into_string(), text_a.clone());
            prop_assert_eq!(x.to_string(), text_a.clone());
            prop_assert_eq!(x.chars().collect::<Vec<_>>(), a.clone());
            prop_assert_eq!(x.utf16_len(), text_a.encode_utf16().count());
            prop_assert_eq!(x.utf8_len(), text_a.len());
            prop_assert_eq!(x.is_ascii(), ascii);
            prop_assert!(*x == *text_a.as_str());
            for y in &eb {
                prop_assert_eq!(x == y, a == b);
                prop_assert_eq!(x.cmp(y), a.cmp(&b), "{:?} vs {:?}", x, y);
                if a == b {
                    prop_assert_eq!(hash_of(x), hash_of(y));
                }
            }
        }
    }

    #[test]
    fn utf16_with_lone_surrogates_orders_by_code_point(
        a in prop::collection::vec(prop_oneof![0u16..0x80, 0xD7F0u16..0xE010, 0xFFF0u16..=0xFFFF], 0..10),
        b in prop::collection::vec(prop_oneof![0u16..0x80, 0xD7F0u16..0xE010, 0xFFF0u16..=0xFFFF], 0..10),
    ) {
        let points = |u: &[u16]| -> Vec<u32> {
            char::decode_utf16(u.iter().copied())
                .map(|r| r.map_or_else(|e| u32::from(e.unpaired_surrogate()), u32::from))
                .collect()
        };
        let (ea, eb) = (EncStr::from_utf16(&a), EncStr::from_utf16(&b));
        prop_assert_eq!(ea.cmp(&eb), points(&a).cmp(&points(&b)));
        prop_assert_eq!(ea == eb, a == b);
        if a == b {
            prop_assert_eq!(hash_of(&ea), hash_of(&eb));
        }
        // Without lone surrogates the UTF-8 form is the same text.
        if let Ok(s) = String::from_utf16(&a) {
            let u8form = EncStr::from(s.as_str());
            prop_assert_eq!(&u8form, &ea);
            prop_assert_eq!(hash_of(&u8form), hash_of(&ea));
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn serde_writes_text_and_reads_utf8() {
    let utf16 = EncStr::from_utf16(&[0x68, 0xE9, 0xD800]);
    assert_eq!(serde_json::to_string(&utf16).unwrap(), "\"hé\u{FFFD}\"");
    let latin1 = EncStr::from_latin1(b"caf\xE9");
    assert_eq!(serde_json::to_string(&latin1).unwrap(), "\"café\"");
    let back: EncStr = serde_json::from_str("\"caf\\u00e9\"").unwrap();
    assert_eq!((back.encoding(), &back), (Encoding::Utf8, &latin1));
    assert!(serde_json::from_str::<EncStr>("7").is_err());
}
