//! The hot paths of `Str` and `SmolStr` (inline construction in registers, 16-byte equality,
//! `Hash`, the last-owner release) checked against `str` in every form and at every boundary
//! length. Runs under Miri (Stacked and Tree Borrows, and big-endian s390x).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use makai_string::{SmolStr, Str};

/// Every length from 0 to 24 and a few longer ones: the inline limits (15, 16), the first heap
/// lengths, and the size-class edges of the register loads (3/4, 8/9).
fn lengths() -> impl Iterator<Item = usize> {
    (0..=24).chain([31, 32, 33, 64, 65])
}

/// A string of exactly `len` bytes whose bytes all differ from their neighbours, with a
/// multi-byte character where one fits, so a misplaced byte cannot go unnoticed.
fn text(len: usize, salt: u8) -> String {
    let mut s = String::new();
    if len >= 4 && salt.is_multiple_of(2) {
        s.push('€');
    }
    let mut i = 0u8;
    while s.len() < len {
        s.push(char::from(
            b'A' + (i.wrapping_mul(7).wrapping_add(salt)) % 58,
        ));
        i += 1;
    }
    assert_eq!(s.len(), len);
    s
}

/// `s` with its last byte changed (kept ASCII; `s` must end in ASCII).
fn differ_last(s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    let last = b.last_mut().expect("non-empty");
    *last = if *last == b'z' { b'y' } else { b'z' };
    String::from_utf8(b).expect("still UTF-8")
}

/// Every form a `Str` with these bytes can take. The static form borrows a leaked box that
/// is freed again when this value drops (after the strings: Miri checks for leaks).
struct Forms {
    v: Vec<(&'static str, Str)>,
    raw: *mut str,
}

impl Drop for Forms {
    fn drop(&mut self) {
        self.v.clear();
        // SAFETY: made by `Box::into_raw` in `forms`; every `Str` borrowing it is gone (the
        // test code only keeps clones inside the `Forms` scope).
        drop(unsafe { Box::from_raw(self.raw) });
    }
}

impl std::ops::Deref for Forms {
    type Target = [(&'static str, Str)];
    fn deref(&self) -> &Self::Target {
        &self.v
    }
}

fn forms(s: &str) -> Forms {
    let raw = Box::into_raw(s.to_owned().into_boxed_str());
    // SAFETY: `raw` is a live box, freed only when the `Forms` drops, after its strings.
    let leaked: &'static str = unsafe { &*raw };
    let mut v = vec![
        ("from &str", Str::from(s)),
        ("from String", Str::from(s.to_owned())),
        ("static", Str::from_static(leaked)),
        ("frozen SmolStr", SmolStr::from(s).freeze()),
    ];
    // A heap buffer holding a short string (a `SmolStr` that grew, then shrank).
    let mut grown = SmolStr::with_capacity(64);
    grown.push_str(s);
    v.push(("frozen grown SmolStr", grown.freeze()));
    Forms { v, raw }
}

/// Records every call a `Hash` impl makes on its hasher.
#[derive(Default)]
struct Recorder(Vec<(&'static str, Vec<u8>)>);

impl Hasher for Recorder {
    fn finish(&self) -> u64 {
        self.0.len() as u64
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.push(("write", bytes.to_vec()));
    }
    fn write_u8(&mut self, i: u8) {
        self.0.push(("write_u8", vec![i]));
    }
    fn write_usize(&mut self, i: usize) {
        self.0.push(("write_usize", i.to_ne_bytes().to_vec()));
    }
}

fn record<T: Hash + ?Sized>(v: &T) -> Vec<(&'static str, Vec<u8>)> {
    let mut r = Recorder::default();
    v.hash(&mut r);
    r.0
}

fn sip<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

#[test]
fn hash_makes_exactly_the_calls_str_makes() {
    for len in lengths() {
        let t = text(len, 0);
        let expected = record(t.as_str());
        for (form, s) in forms(&t).iter() {
            assert_eq!(record(s), expected, "Str {form}, len {len}");
            assert_eq!(sip(s), sip(t.as_str()), "Str {form}, len {len}");
        }
        let smol = SmolStr::from(t.as_str());
        assert_eq!(record(&smol), expected, "SmolStr, len {len}");
        assert_eq!(sip(&smol), sip(t.as_str()));
    }
}

#[test]
fn equality_agrees_with_str_across_forms_and_lengths() {
    for len in lengths() {
        let t = text(len, 0);
        let others: Vec<String> = if len == 0 {
            vec![text(1, 1)]
        } else {
            vec![
                differ_last(&t),
                text(len, 1),
                t[..t.len() - 1].to_owned().replace('€', "e"),
                text(len + 1, 0),
            ]
        };
        let ours = forms(&t);
        for (fa, a) in ours.iter() {
            assert_eq!(a, t.as_str(), "{fa} len {len} == &str");
            assert_eq!(a, &t, "{fa} len {len} == String");
            assert_eq!(t.as_str(), a, "&str == {fa} len {len}");
            assert_eq!(a, &SmolStr::from(t.as_str()), "{fa} == SmolStr");
            for (fb, b) in ours.iter() {
                assert_eq!(a, b, "{fa} == {fb}, len {len}");
            }
            for o in &others {
                assert_ne!(a, o.as_str(), "{fa} len {len} != {o:?}");
                assert_ne!(o.as_str(), a);
                for (fb, b) in forms(o).iter() {
                    assert_ne!(a, b, "{fa} {t:?} != {fb} {o:?}");
                    assert_ne!(b, a);
                }
                assert_ne!(SmolStr::from(t.as_str()), SmolStr::from(o.as_str()));
                assert_ne!(SmolStr::from(t.as_str()), o.as_str());
            }
        }
        assert_eq!(SmolStr::from(t.as_str()), t.as_str());
        assert_eq!(SmolStr::from(t.as_str()), SmolStr::from(t.clone()));
    }
}

#[test]
fn construction_keeps_every_byte_at_every_length_and_offset() {
    // Substrings at every offset of a longer string: the register loads read exactly the
    // bytes of the slice, wherever it starts.
    let base = "0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
    for len in 0..=24 {
        for start in 0..(base.len() - len) {
            let s = &base[start..start + len];
            let a = Str::from(s);
            let b = SmolStr::from(s);
            assert_eq!(a.as_str(), s);
            assert_eq!(b.as_str(), s);
            assert_eq!(a.is_inline(), len <= 16);
            assert_eq!(a.len(), len);
            assert_eq!(b.len(), len);
        }
    }
}

#[test]
fn map_lookups_by_str_hit_every_form() {
    for len in lengths() {
        let t = text(len, 0);
        for (form, s) in forms(&t).iter() {
            let mut m: HashMap<Str, u32> = HashMap::new();
            m.insert(s.clone(), 7);
            assert_eq!(m.get(t.as_str()), Some(&7), "{form} len {len}");
            if len > 0 {
                assert_eq!(m.get(differ_last(&t).as_str()), None, "{form} len {len}");
            }
            assert_eq!(m.get(&Str::from(t.as_str())), Some(&7));
        }
        let mut m: HashMap<SmolStr, u32> = HashMap::new();
        m.insert(SmolStr::from(t.as_str()), 9);
        assert_eq!(m.get(t.as_str()), Some(&9));
    }
}

#[test]
fn clones_of_every_form_share_or_copy_and_drop_once() {
    for len in lengths() {
        let t = text(len, 0);
        let mut all = forms(&t);
        for (form, s) in std::mem::take(&mut all.v) {
            let clones: Vec<Str> = (0..3).map(|_| s.clone()).collect();
            if !s.is_inline() {
                assert!(
                    clones.iter().all(|c| Str::ptr_eq(c, &s)),
                    "{form} len {len}"
                );
            }
            let moved = clones.clone();
            std::thread::spawn(move || assert!(moved.iter().all(|c| c.len() == len)))
                .join()
                .unwrap();
            drop(s);
            assert!(clones.iter().all(|c| *c == t), "{form} len {len}");
        }
    }
}

#[test]
fn smol_str_growth_ops_across_the_inline_boundary() {
    let mut s = SmolStr::new();
    let mut model = String::new();
    for i in 0..40 {
        let piece = ["a", "é", "€", "bc"][i % 4];
        s.push_str(piece);
        model.push_str(piece);
        assert_eq!(s, model.as_str());
        // Inline while it fits; once on the heap, it stays there.
        assert_eq!(s.is_inline(), model.len() <= 16, "len {}", model.len());
    }
    // Shrinking a heap string keeps the heap buffer; it still equals its inline twin.
    s.truncate(6);
    model.truncate(6);
    assert!(!s.is_inline());
    assert_eq!(s, SmolStr::from(model.as_str()));
    assert_eq!(SmolStr::from(model.as_str()), s);
    assert_eq!(s.clone().freeze(), Str::from(model.as_str()));
    s.clear();
    assert!(s.is_empty() && s.capacity() >= 40);
    // Inline truncation re-zeroes the padding: equality stays a 16-byte compare.
    let mut t = SmolStr::from("0123456789abcdef");
    t.truncate(3);
    assert_eq!(t, SmolStr::from("012"));
    t.push_str("x");
    assert_eq!(t, SmolStr::from("012x"));
    assert_eq!(t.pop(), Some('x'));
    assert_eq!(t, "012");
}

#[test]
#[should_panic(expected = "SmolStr::truncate: 1 is not a char boundary")]
fn truncate_inside_a_char_panics() {
    SmolStr::from("€uro").truncate(1);
}
