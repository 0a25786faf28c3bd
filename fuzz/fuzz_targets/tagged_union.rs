//! `tagged_union!` round trips against a plain enum model: build a variant from a value, then
//! check the tag, the name, the type queries (`is`/`get`/`get_ptr` for every payload type,
//! including one named `T` like the macro's own generics), the borrowed and owned views, clones,
//! and the trip through a raw word. One union packs its tag in the low alignment bits, the
//! other (an alignment-1 payload) in the top 16 bits.
#![no_main]

use std::ptr::NonNull;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use makai_ptr::{RefCount, RefPtr, ref_counted, tagged_union};

/// A payload type named like a generic parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct T(u64);

#[derive(Debug)]
pub struct Counted {
    refs: RefCount,
    value: u32,
}
ref_counted!(Counted, refs);

#[derive(Debug)]
pub struct Thing {
    id: u64,
}

static THINGS: [Thing; 4] = [
    Thing { id: 10 },
    Thing { id: 11 },
    Thing { id: 12 },
    Thing { id: 13 },
];

tagged_union! {
    /// Low-bit tags: every payload is at least 8-aligned.
    pub Low {
        Text(Box<String>),
        Named(Box<T>),
        Static(&'static Thing),
        Shared(RefPtr<Counted>),
        Raw(NonNull<Thing>),
    }
}

tagged_union! {
    /// High-bit tags: `Box<u8>` leaves no alignment bits.
    pub High {
        Byte(Box<u8>),
        Words(Box<Vec<u64>>),
        Named(Box<T>),
    }
}

#[derive(Arbitrary, Debug, Clone)]
enum Val {
    Text(String),
    Named(u64),
    Static(u8),
    Shared(u32),
    Raw(u8),
    Byte(u8),
    Words(Vec<u64>),
    HighNamed(u64),
}

#[derive(Arbitrary, Debug)]
enum Op {
    Make(Val),
    Clone,
    RoundTripOwned,
    RoundTripWord,
    /// `is_valid_raw_word` on an arbitrary word must not crash (and must refuse null).
    CheckWord(usize),
}

enum Any {
    Low(Low),
    High(High),
}

fn make(v: &Val) -> Any {
    match v {
        Val::Text(s) => Any::Low(Low::Text(Box::new(s.clone()))),
        Val::Named(n) => Any::Low(Low::Named(Box::new(T(*n)))),
        Val::Static(i) => Any::Low(Low::Static(&THINGS[usize::from(*i) % THINGS.len()])),
        Val::Shared(n) => Any::Low(Low::Shared(RefPtr::new(Counted {
            refs: RefCount::new(),
            value: *n,
        }))),
        Val::Raw(i) => Any::Low(Low::Raw(NonNull::from(
            &THINGS[usize::from(*i) % THINGS.len()],
        ))),
        Val::Byte(b) => Any::High(High::Byte(Box::new(*b))),
        Val::Words(w) => Any::High(High::Words(Box::new(w.clone()))),
        Val::HighNamed(n) => Any::High(High::Named(Box::new(T(*n)))),
    }
}

fn check(u: &Any, v: &Val) {
    match (u, v) {
        (Any::Low(l), _) => {
            let (tag, name) = match v {
                Val::Text(_) => (0, "Text"),
                Val::Named(_) => (1, "Named"),
                Val::Static(_) => (2, "Static"),
                Val::Shared(_) => (3, "Shared"),
                Val::Raw(_) => (4, "Raw"),
                _ => panic!("a low union for {v:?}"),
            };
            assert_eq!((l.tag(), l.variant_name()), (tag, name));
            assert_eq!(l.is::<String>(), tag == 0);
            assert_eq!(l.is::<T>(), tag == 1);
            assert_eq!(l.is::<Counted>(), tag == 3);
            assert_eq!(l.is::<Thing>(), tag == 2 || tag == 4);
            assert!(!l.is::<u64>() && !l.is::<u8>());
            assert_eq!(l.get_ptr::<String>().is_some(), tag == 0);
            assert_eq!(l.get_ptr::<Thing>().is_some(), tag == 2 || tag == 4);
            assert!(l.get::<u64>().is_none() && l.get::<Vec<u64>>().is_none());
            match (l.as_ref(), v) {
                (LowRef::Text(s), Val::Text(want)) => {
                    assert_eq!(s, want);
                    assert_eq!(l.get::<String>(), Some(want));
                }
                (LowRef::Named(t), Val::Named(want)) => {
                    assert_eq!(t.0, *want);
                    assert_eq!(l.get::<T>(), Some(&T(*want)));
                    assert!(l.get::<String>().is_none());
                }
                (LowRef::Static(t), Val::Static(i)) => {
                    assert_eq!(t.id, 10 + u64::from(*i % 4));
                    assert_eq!(l.get::<Thing>().map(|t| t.id), Some(t.id));
                }
                (LowRef::Shared(c), Val::Shared(want)) => {
                    assert_eq!(c.value, *want);
                    assert_eq!(l.get::<Counted>().map(|c| c.value), Some(*want));
                }
                (LowRef::Raw(p), Val::Raw(i)) => {
                    assert_eq!(p, NonNull::from(&THINGS[usize::from(*i) % 4]));
                    assert!(
                        l.get::<Thing>().is_none(),
                        "a NonNull payload lends no reference"
                    );
                }
                _ => panic!("low view does not match {v:?}"),
            }
        }
        (Any::High(h), _) => {
            match (h.as_ref(), v) {
                (HighRef::Byte(b), Val::Byte(want)) => {
                    assert_eq!((h.tag(), h.variant_name()), (0, "Byte"));
                    assert_eq!(b, want);
                    assert_eq!(h.get::<u8>(), Some(want));
                }
                (HighRef::Words(w), Val::Words(want)) => {
                    assert_eq!(h.tag(), 1);
                    assert_eq!(w, want);
                    assert_eq!(h.get::<Vec<u64>>(), Some(want));
                }
                (HighRef::Named(t), Val::HighNamed(want)) => {
                    assert_eq!(h.tag(), 2);
                    assert_eq!(t.0, *want);
                    assert_eq!(h.get::<T>(), Some(&T(*want)));
                }
                _ => panic!("high view does not match {v:?}"),
            }
            assert_eq!(h.is::<u8>(), h.tag() == 0);
            assert_eq!(h.is::<Vec<u64>>(), h.tag() == 1);
            assert_eq!(h.is::<T>(), h.tag() == 2);
            assert!(h.get::<String>().is_none());
        }
    }
}

fn clone_any(u: &Any) -> Option<Any> {
    match u {
        // `Low` holds a `Box<T>` and a `Box<String>`, all `Clone`.
        Any::Low(l) => Some(Any::Low(l.clone())),
        Any::High(h) => Some(Any::High(h.clone())),
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut cur: Option<(Any, Val)> = None;
    for op in ops.into_iter().take(64) {
        match op {
            Op::Make(v) => cur = Some((make(&v), v)),
            Op::Clone => {
                if let Some((u, v)) = &cur {
                    let c = clone_any(u).expect("every payload is Clone");
                    check(&c, v);
                    if let (Any::Low(a), Any::Low(b)) = (u, &c)
                        && let (LowRef::Shared(x), LowRef::Shared(y)) = (a.as_ref(), b.as_ref())
                    {
                        assert!(std::ptr::eq(x, y), "a cloned RefPtr shares its object");
                    }
                    cur = Some((c, v.clone()));
                }
            }
            Op::RoundTripOwned => {
                if let Some((u, v)) = cur.take() {
                    let back = match u {
                        Any::Low(l) => Any::Low(Low::from(l.into_inner())),
                        Any::High(h) => Any::High(High::from(h.into_inner())),
                    };
                    cur = Some((back, v));
                }
            }
            Op::RoundTripWord => {
                if let Some((u, v)) = cur.take() {
                    let back = match u {
                        Any::Low(l) => {
                            let w = l.into_raw_word();
                            assert!(Low::is_valid_raw_word(w));
                            // SAFETY: `w` came from `into_raw_word` just above, once.
                            Any::Low(unsafe { Low::from_raw_word(w) })
                        }
                        Any::High(h) => {
                            let w = h.into_raw_word();
                            assert!(High::is_valid_raw_word(w));
                            // SAFETY: `w` came from `into_raw_word` just above, once.
                            Any::High(unsafe { High::from_raw_word(w) })
                        }
                    };
                    cur = Some((back, v));
                }
            }
            Op::CheckWord(w) => {
                let p = std::ptr::without_provenance::<()>(w);
                let _ = Low::is_valid_raw_word(p);
                let _ = High::is_valid_raw_word(p);
                assert!(!Low::is_valid_raw_word(std::ptr::null()));
                assert!(!High::is_valid_raw_word(std::ptr::null()));
            }
        }
        if let Some((u, v)) = &cur {
            check(u, v);
        }
    }
});
