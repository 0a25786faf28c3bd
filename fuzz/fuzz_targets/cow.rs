//! `CowSlice` and `CowStr` against `std::borrow::Cow`: the same construction and mutation
//! steps on both, comparing contents, ownership, ordering and hashes after every step.
#![no_main]

use std::borrow::Cow;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use makai_fuzz::{Text, hash_of};
use makai_ptr::{CowSlice, CowStr};

#[derive(Arbitrary, Debug)]
enum SliceSrc {
    /// Borrow a sub-slice `start..end` of the input.
    Borrowed(u8, u8),
    Vec(Vec<u16>),
    Boxed(Vec<u16>),
    Dupe(u8, u8),
    Iter(Vec<u16>),
    FromCow(bool, Vec<u16>),
}

#[derive(Arbitrary, Debug)]
enum StrSrc {
    Borrowed(u8, u8),
    String(Text),
    Boxed(Text),
    Dupe(Text),
    Utf8(Vec<u8>),
    Utf8Vec(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Op {
    NewSlice(SliceSrc),
    NewStr(StrSrc),
    /// Write `value` at `index` through `to_mut` (copies a borrowed value first).
    SliceWrite(u8, u16),
    StrUpper,
    SliceSub(u8, u8),
    StrSub(u8, u8),
    CloneSlice,
    CloneStr,
    IntoOwned,
    IntoStatic,
    IntoVec,
    IntoString,
    /// Round trip through `Cow` and back.
    ViaCow,
}

fn range(len: usize, a: u8, b: u8) -> std::ops::Range<usize> {
    let (a, b) = (usize::from(a) % (len + 1), usize::from(b) % (len + 1));
    a.min(b)..a.max(b)
}

#[expect(clippy::ptr_arg, reason = "whether the model is owned is compared too")]
fn check_slice(model: &Cow<'_, [u16]>, cow: &CowSlice<'_, u16>) {
    assert_eq!(cow.as_slice(), &**model);
    assert_eq!(cow.len(), model.len());
    assert_eq!(cow.is_empty(), model.is_empty());
    assert_eq!(cow.is_owned(), matches!(model, Cow::Owned(_)));
    assert_eq!(cow.as_borrowed().is_some(), !cow.is_owned());
    assert_eq!(hash_of(cow), hash_of(&**model));
    assert_eq!(*cow, *model.as_ref());
}

#[expect(clippy::ptr_arg, reason = "whether the model is owned is compared too")]
fn check_str(model: &Cow<'_, str>, cow: &CowStr<'_>) {
    assert_eq!(cow.as_str(), &**model);
    assert_eq!(cow.as_bytes(), model.as_bytes());
    assert_eq!(cow.len(), model.len());
    assert_eq!(cow.is_owned(), matches!(model, Cow::Owned(_)));
    assert_eq!(cow.as_borrowed().is_some(), !cow.is_owned());
    assert_eq!(hash_of(cow), hash_of(&**model));
}

struct Input {
    nums: Vec<u16>,
    text: String,
}

fn new_slice<'a>(input: &'a Input, src: SliceSrc) -> (Cow<'a, [u16]>, CowSlice<'a, u16>) {
    match src {
        SliceSrc::Borrowed(a, b) => {
            let s = &input.nums[range(input.nums.len(), a, b)];
            (Cow::Borrowed(s), CowSlice::borrowed(s))
        }
        SliceSrc::Vec(v) => (Cow::Owned(v.clone()), CowSlice::from_vec(v)),
        SliceSrc::Boxed(v) => (Cow::Owned(v.clone()), CowSlice::owned(v.into_boxed_slice())),
        SliceSrc::Dupe(a, b) => {
            let s = &input.nums[range(input.nums.len(), a, b)];
            (Cow::Owned(s.to_vec()), CowSlice::copy_of(s))
        }
        SliceSrc::Iter(v) => (Cow::Owned(v.clone()), v.into_iter().collect()),
        SliceSrc::FromCow(borrow, v) => {
            let c: Cow<'a, [u16]> = if borrow {
                Cow::Borrowed(&input.nums[..v.len().min(input.nums.len())])
            } else {
                Cow::Owned(v)
            };
            (c.clone(), CowSlice::from(c))
        }
    }
}

fn new_str<'a>(input: &'a Input, src: StrSrc) -> Option<(Cow<'a, str>, CowStr<'a>)> {
    Some(match src {
        StrSrc::Borrowed(a, b) => {
            let r = range(input.text.len(), a, b);
            let s = input.text.get(r)?;
            (Cow::Borrowed(s), CowStr::borrowed(s))
        }
        StrSrc::String(t) => (Cow::Owned(t.0.clone()), CowStr::from_string(t.0)),
        StrSrc::Boxed(t) => (Cow::Owned(t.0.clone()), CowStr::owned(t.0.into_boxed_str())),
        StrSrc::Dupe(t) => (Cow::Owned(t.0.clone()), CowStr::copy_of(&t.0)),
        StrSrc::Utf8(bytes) => {
            let ok = std::str::from_utf8(&bytes).is_ok();
            let text = input.text.as_bytes();
            let n = bytes.len().min(text.len());
            let slice = &text[..n];
            let m = std::str::from_utf8(slice).ok();
            let c = CowStr::from_utf8(slice).ok();
            assert_eq!(m.is_some(), c.is_some());
            let _ = ok;
            (Cow::Borrowed(m?), c?)
        }
        StrSrc::Utf8Vec(bytes) => {
            let m = String::from_utf8(bytes.clone()).ok();
            let c = CowStr::from_utf8_vec(bytes).ok();
            assert_eq!(m.is_some(), c.is_some());
            (Cow::Owned(m?), c?)
        }
    })
}

fuzz_target!(|data: (Vec<u16>, Text, Vec<Op>)| {
    let (nums, text, ops) = data;
    let input = Input { nums, text: text.0 };
    let mut slice_model: Cow<'_, [u16]> = Cow::Borrowed(&input.nums);
    let mut slice = CowSlice::borrowed(&input.nums[..]);
    let mut str_model: Cow<'_, str> = Cow::Borrowed(&input.text);
    let mut cstr = CowStr::borrowed(&input.text);
    for op in ops.into_iter().take(48) {
        match op {
            Op::NewSlice(src) => (slice_model, slice) = new_slice(&input, src),
            Op::NewStr(src) => {
                if let Some(pair) = new_str(&input, src) {
                    (str_model, cstr) = pair;
                }
            }
            Op::SliceWrite(i, v) => {
                if !slice_model.is_empty() {
                    let i = usize::from(i) % slice_model.len();
                    slice_model.to_mut()[i] = v;
                    slice.to_mut()[i] = v;
                }
            }
            Op::StrUpper => {
                str_model.to_mut().make_ascii_uppercase();
                cstr.to_mut().make_ascii_uppercase();
            }
            Op::SliceSub(a, b) => {
                let r = range(slice_model.len(), a, b);
                let sub = slice.borrow_sub(r.clone());
                check_slice(&Cow::Borrowed(&slice_model[r]), &sub);
            }
            Op::StrSub(a, b) => {
                let r = range(str_model.len(), a, b);
                if let Some(m) = str_model.get(r.clone()) {
                    let sub = cstr.borrow_sub(r);
                    check_str(&Cow::Borrowed(m), &sub);
                }
            }
            Op::CloneSlice => {
                let c = slice.clone();
                check_slice(&slice_model, &c);
                slice = c;
            }
            Op::CloneStr => {
                let c = cstr.clone();
                check_str(&str_model, &c);
                cstr = c;
            }
            Op::IntoOwned => {
                let owned = std::mem::take(&mut slice).into_owned();
                assert_eq!(&*owned, &*slice_model);
                slice = CowSlice::owned(owned);
                slice_model = Cow::Owned(slice_model.into_owned());
                let s = std::mem::replace(&mut cstr, CowStr::borrowed("")).into_owned();
                assert_eq!(&*s, &*str_model);
                cstr = CowStr::owned(s);
                str_model = Cow::Owned(str_model.into_owned());
            }
            Op::IntoStatic => {
                let st: CowSlice<'static, u16> = slice.clone().into_static();
                check_slice(&Cow::Owned(slice_model.to_vec()), &st);
                let st: CowStr<'static> = cstr.clone().into_static();
                check_str(&Cow::Owned(str_model.to_string()), &st);
            }
            Op::IntoVec => {
                let v = std::mem::take(&mut slice).into_vec();
                assert_eq!(v, *slice_model);
                slice = CowSlice::from_vec(v);
                slice_model = Cow::Owned(slice_model.into_owned());
            }
            Op::IntoString => {
                let s = std::mem::replace(&mut cstr, CowStr::borrowed("")).into_string();
                assert_eq!(s, *str_model);
                cstr = CowStr::from_string(s);
                str_model = Cow::Owned(str_model.into_owned());
            }
            Op::ViaCow => {
                let c: Cow<'_, [u16]> = std::mem::take(&mut slice).into();
                assert_eq!(
                    matches!(c, Cow::Owned(_)),
                    matches!(slice_model, Cow::Owned(_))
                );
                slice = CowSlice::from(c);
            }
        }
        check_slice(&slice_model, &slice);
        check_str(&str_model, &cstr);
    }
});
