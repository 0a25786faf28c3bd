//! `SmolStr` against `String` and `Str` against `str`: proptest models over strings whose
//! lengths sit on the inline and heap boundaries, and the 4 KiB strings Miri runs too.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use makai_string::{SmolStr, Str};
use proptest::prelude::*;

/// A string of exactly `n` bytes made of `chars` repeated (padded with ASCII to hit `n`).
fn exact(n: usize, chars: &[char]) -> String {
    let unit: String = chars.iter().collect();
    let mut s = unit.repeat(n / unit.len());
    while s.len() < n {
        s.push('x');
    }
    s
}

/// Strings whose lengths sit on the boundaries that matter (0, 15, 16, 23, 24, 64, 4096),
/// with multi-byte characters mixed in.
fn text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(if cfg!(miri) {
            // Under Miri every byte copied is slow: 4096 is covered by
            // `four_kib_strings_under_miri_too` instead.
            vec![0usize, 1, 15, 16, 17, 23, 24, 64]
        } else {
            vec![0usize, 1, 2, 14, 15, 16, 17, 23, 24, 25, 64, 4096]
        }),
        prop::collection::vec(any::<char>(), 1..6),
    )
        .prop_map(|(n, chars)| exact(n, &chars))
}

#[derive(Debug, Clone)]
enum Op {
    Push(char),
    PushStr(String),
    Pop,
    Truncate(usize),
    Clear,
    Reserve(usize),
    Freeze,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<char>().prop_map(Op::Push),
        3 => text().prop_map(Op::PushStr),
        2 => Just(Op::Pop),
        1 => (0usize..5000).prop_map(Op::Truncate),
        1 => Just(Op::Clear),
        1 => prop::sample::select(vec![0usize, 1, 15, 16, 17, 100]).prop_map(Op::Reserve),
        1 => Just(Op::Freeze),
    ]
}

proptest! {
    // No failure file: Miri's isolation forbids the file system (and CI prints the case).
    // Under Miri, XorShift: the default ChaCha generator dominated the run time there.
    #![proptest_config(super::encode::config())]

    #[test]
    fn smol_str_behaves_like_string(
        start in text(),
        // Fewer steps under Miri, where each 4096-byte copy is slow; the boundaries stay.
        ops in prop::collection::vec(op(), 0..if cfg!(miri) { 8 } else { 24 }),
    ) {
        let mut model = start.clone();
        let mut s = SmolStr::from(start.as_str());
        // Once on the heap, a SmolStr stays there (like String keeping its capacity).
        let mut on_heap = start.len() > 16;
        for op in ops {
            match op {
                Op::Push(c) => { s.push(c); model.push(c); }
                Op::PushStr(t) => { s.push_str(&t); model.push_str(&t); }
                Op::Pop => prop_assert_eq!(s.pop(), model.pop()),
                Op::Truncate(n) => {
                    let n = n.min(model.len());
                    let n = (0..=n).rev().find(|&i| model.is_char_boundary(i)).unwrap();
                    s.truncate(n);
                    model.truncate(n);
                }
                Op::Clear => { s.clear(); model.clear(); }
                Op::Reserve(n) => {
                    s.reserve(n);
                    prop_assert!(s.capacity() >= s.len() + n);
                    if model.len() + n > 16 { on_heap = true; }
                }
                Op::Freeze => {
                    let addr = s.as_ptr();
                    let was_inline = s.is_inline();
                    let frozen = s.freeze();
                    prop_assert_eq!(frozen.as_str(), model.as_str());
                    if !was_inline {
                        prop_assert_eq!(frozen.as_ptr(), addr, "freeze must not copy");
                    }
                    s = SmolStr::from(frozen);
                    on_heap = model.len() > 16;
                }
            }
            if model.len() > 16 { on_heap = true; }
            prop_assert_eq!(s.as_str(), model.as_str());
            prop_assert_eq!(s.len(), model.len());
            prop_assert_eq!(s.is_inline(), !on_heap, "len {}", model.len());
            prop_assert!(s.capacity() >= s.len());
            prop_assert_eq!(s.clone(), s.as_str());
        }
    }

    #[test]
    fn str_hash_eq_ord_agree_with_str(a in text(), b in text(), pick in 0usize..4) {
        // `&'static str`s made by leaking a box, freed again at the end (Miri checks leaks).
        let mut leaked: Vec<*mut str> = Vec::new();
        let mut make = |t: &String| -> Str {
            match pick {
                0 => Str::from(t.as_str()),
                1 => Str::from(t.clone()),
                2 => {
                    let raw = Box::into_raw(t.clone().into_boxed_str());
                    leaked.push(raw);
                    // SAFETY: `raw` is a live box, freed only after every `Str` using it.
                    Str::from_static(unsafe { &*raw })
                }
                _ => SmolStr::from(t.as_str()).freeze(),
            }
        };
        let (x, y) = (make(&a), Str::from(b.as_str()));
        let again = make(&a);
        let h = |v: &dyn Fn(&mut DefaultHasher)| { let mut s = DefaultHasher::new(); v(&mut s); s.finish() };
        prop_assert_eq!(h(&|s| x.hash(s)), h(&|s| a.as_str().hash(s)));
        prop_assert_eq!(x == y, a == b);
        prop_assert_eq!(x.cmp(&y), a.as_str().cmp(b.as_str()));
        prop_assert_eq!(x.partial_cmp(&y), a.partial_cmp(&b));
        prop_assert!(x == x.clone());
        prop_assert!(x == again);
        let (sa, sb) = (SmolStr::from(a.as_str()), SmolStr::from(b.as_str()));
        prop_assert_eq!(sa == sb, a == b);
        drop((x, again));
        for raw in leaked {
            // SAFETY: made by `Box::into_raw` above; the `Str`s borrowing it are dropped.
            drop(unsafe { Box::from_raw(raw) });
        }
    }
}

#[test]
fn four_kib_strings_under_miri_too() {
    let big = exact(4096, &['a', 'é', '€', '😀']);
    assert_eq!(big.len(), 4096);
    let mut s = SmolStr::from(big.as_str());
    assert!(!s.is_inline() && s.capacity() >= 4096);
    s.push('€');
    assert_eq!(s.len(), 4099);
    assert_eq!(s.pop(), Some('€'));
    s.truncate(4095);
    let mut model = big.clone();
    model.truncate(4095);
    assert_eq!(s, model.as_str());
    let frozen = s.freeze();
    let shared = Str::from(big.as_str());
    assert_eq!((frozen.len(), shared.len()), (4095, 4096));
    assert!(shared.starts_with(frozen.as_str()));
    let adopted = Str::from(big.clone());
    assert_eq!(adopted, shared);
    let h = |v: &dyn Fn(&mut DefaultHasher)| {
        let mut st = DefaultHasher::new();
        v(&mut st);
        st.finish()
    };
    assert_eq!(h(&|st| adopted.hash(st)), h(&|st| big.as_str().hash(st)));
}
