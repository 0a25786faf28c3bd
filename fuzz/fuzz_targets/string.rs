//! `SmolStr` and `Str` against `String`: every operation runs on both, and after each one the
//! text, length, equality, ordering and hash must agree.
#![no_main]

use std::cmp::Ordering;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use makai_fuzz::{Text, hash_of, with_spare};
use makai_string::{SmolStr, Str};

/// How a fresh value is built (each source of the `From` impls).
#[derive(Arbitrary, Debug)]
enum Source {
    Str(Text),
    /// A `String` with spare capacity: adopting it must free the whole capacity.
    StringSpare(Text, u8),
    BoxStr(Text),
    Char(char),
    Utf8(Vec<u8>),
    Iter(Vec<char>),
}

#[derive(Arbitrary, Debug)]
enum Op {
    Reset(Source),
    Push(char),
    PushStr(Text),
    Pop,
    Truncate(u8),
    Clear,
    Reserve(u8),
    MutAscii,
    /// Clone the current value, then keep working on the clone (the original is dropped).
    Clone,
    /// Freeze into a `Str` (alongside the string), check, and thaw back.
    Freeze,
    /// A `Str` built from the same source as the model.
    SharedFrom(Source),
    /// Compare against another value built from a source.
    Compare(Source),
    IntoString,
}

fn build(src: &Source) -> Option<(String, SmolStr, Str)> {
    Some(match src {
        Source::Str(t) => (
            t.0.clone(),
            SmolStr::from(t.0.as_str()),
            Str::from(t.0.as_str()),
        ),
        Source::StringSpare(t, spare) => (
            t.0.clone(),
            SmolStr::from(with_spare(&t.0, *spare)),
            Str::from(with_spare(&t.0, *spare)),
        ),
        Source::BoxStr(t) => (
            t.0.clone(),
            SmolStr::from(t.0.clone().into_boxed_str()),
            Str::from(t.0.clone().into_boxed_str()),
        ),
        Source::Char(c) => (c.to_string(), SmolStr::from(*c), Str::from(*c)),
        Source::Utf8(bytes) => {
            let model = std::str::from_utf8(bytes).ok();
            let smol = SmolStr::from_utf8(bytes).ok();
            let shared = Str::from_utf8(bytes).ok();
            assert_eq!(model.is_some(), smol.is_some());
            assert_eq!(model.is_some(), shared.is_some());
            (model?.to_owned(), smol?, shared?)
        }
        Source::Iter(chars) => (
            chars.iter().collect(),
            chars.iter().collect(),
            chars.iter().collect(),
        ),
    })
}

fn check(model: &str, smol: &SmolStr, shared: &Str) {
    assert_eq!(smol.as_str(), model);
    assert_eq!(smol.len(), model.len());
    assert!(smol.capacity() >= smol.len());
    assert_eq!(shared.as_str(), model);
    assert_eq!(hash_of(smol), hash_of(model));
    assert_eq!(hash_of(shared), hash_of(model));
    assert!(<Str as PartialEq<SmolStr>>::eq(shared, smol));
    assert!(<SmolStr as PartialEq<Str>>::eq(smol, shared));
}

fn compare(a_model: &str, a: &SmolStr, a_shared: &Str, b_model: &str, b: &SmolStr, b_shared: &Str) {
    let want: Ordering = a_model.cmp(b_model);
    assert_eq!(a.cmp(b), want);
    assert_eq!(a.partial_cmp(b), Some(want));
    assert_eq!(a_shared.cmp(b_shared), want);
    assert_eq!(a == b, want == Ordering::Equal);
    assert_eq!(a_shared == b_shared, want == Ordering::Equal);
    if want == Ordering::Equal {
        assert_eq!(hash_of(a), hash_of(b));
        assert_eq!(hash_of(a_shared), hash_of(b_shared));
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut model = String::new();
    let mut smol = SmolStr::default();
    let mut shared = Str::default();
    check(&model, &smol, &shared);
    for op in ops.into_iter().take(64) {
        match op {
            Op::Reset(src) => {
                if let Some((m, s, sh)) = build(&src) {
                    (model, smol, shared) = (m, s, sh);
                }
            }
            Op::Push(c) => {
                model.push(c);
                smol.push(c);
            }
            Op::PushStr(t) => {
                model.push_str(&t.0);
                smol.push_str(&t.0);
            }
            Op::Pop => assert_eq!(smol.pop(), model.pop()),
            Op::Truncate(n) => {
                let n = usize::from(n);
                if model.is_char_boundary(n.min(model.len())) {
                    model.truncate(n);
                    smol.truncate(n);
                }
            }
            Op::Clear => {
                model.clear();
                smol.clear();
            }
            Op::Reserve(n) => {
                smol.reserve(usize::from(n));
                assert!(smol.capacity() >= smol.len() + usize::from(n));
            }
            Op::MutAscii => {
                model.make_ascii_uppercase();
                smol.as_mut_str().make_ascii_uppercase();
            }
            Op::Clone => {
                let copy = smol.clone();
                let copy_shared = shared.clone();
                assert_eq!(copy_shared, shared);
                drop(std::mem::replace(&mut smol, copy));
                drop(std::mem::replace(&mut shared, copy_shared));
            }
            Op::Freeze => {
                let frozen = smol.freeze();
                assert_eq!(frozen.as_str(), model);
                let again = frozen.clone();
                smol = SmolStr::from(frozen);
                assert_eq!(again.as_str(), model);
                shared = again;
            }
            Op::SharedFrom(src) => {
                if let Some((m, _, sh)) = build(&src) {
                    assert_eq!(sh.as_str(), m);
                    let from_cow = Str::from(std::borrow::Cow::Owned(m.clone()));
                    assert_eq!(from_cow.as_str(), m);
                    let try_owned = Str::try_from_string(with_spare(&m, 9)).expect("small string");
                    assert_eq!(try_owned.as_str(), m);
                }
            }
            Op::Compare(src) => {
                if let Some((m, s, sh)) = build(&src) {
                    check(&m, &s, &sh);
                    compare(&model, &smol, &shared, &m, &s, &sh);
                    compare(&m, &s, &sh, &model, &smol, &shared);
                }
            }
            Op::IntoString => {
                let s = String::from(smol.clone());
                assert_eq!(s, model);
                let b: Box<str> = shared.clone().into();
                assert_eq!(&*b, shared.as_str());
            }
        }
        // Keep the shared string in step with the model unless an op just set it.
        if shared.as_str() != model {
            shared = Str::from(&smol);
        }
        check(&model, &smol, &shared);
    }
});
