//! `BitSet`, `DynBitSet` and `AutoBitSet` against `Vec<bool>`: single-bit and range updates,
//! searches, iteration and set algebra, compared bit for bit after every step. Lengths include
//! ones that are not multiples of 64, so padding bits must stay clear.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use makai_collections::{AutoBitSet, BitSet, DynBitSet};

#[derive(Arbitrary, Debug)]
enum Op {
    Set(u16),
    Unset(u16),
    Toggle(u16),
    SetValue(u16, bool),
    SetRange(u16, u16),
    UnsetRange(u16, u16),
    SetAll,
    UnsetAll,
    ToggleFirstSet,
    Complement,
    /// Combine with a second set built from `bits` (repeated to the length).
    Union(Vec<u8>),
    Intersection(Vec<u8>),
    Difference(Vec<u8>),
    SymmetricDifference(Vec<u8>),
    Subset(Vec<u8>),
    FindNextSet(u16),
    FindNextUnset(u16),
}

fn other_bits(len: usize, bytes: &[u8]) -> Vec<bool> {
    (0..len)
        .map(|i| {
            bytes
                .get(i / 8 % bytes.len().max(1))
                .is_some_and(|b| b >> (i % 8) & 1 != 0)
        })
        .collect()
}

fn range(len: usize, a: u16, b: u16) -> std::ops::Range<usize> {
    let (a, b) = (usize::from(a) % (len + 1), usize::from(b) % (len + 1));
    a.min(b)..a.max(b)
}

macro_rules! run {
    ($set:expr, $make:expr, $ops:expr) => {{
        let mut set = $set;
        let len = set.len();
        let mut model = vec![false; len];
        let make = $make;
        let from_bits = |bits: &[bool]| {
            let mut s = make();
            for (i, &b) in bits.iter().enumerate() {
                if b {
                    s.set(i);
                }
            }
            s
        };
        for op in $ops {
            match op {
                Op::Set(i) | Op::Unset(i) | Op::Toggle(i) | Op::SetValue(i, _) if len == 0 => {
                    let _ = i;
                }
                Op::Set(i) => {
                    let i = usize::from(*i) % len;
                    set.set(i);
                    model[i] = true;
                }
                Op::Unset(i) => {
                    let i = usize::from(*i) % len;
                    set.unset(i);
                    model[i] = false;
                }
                Op::Toggle(i) => {
                    let i = usize::from(*i) % len;
                    set.toggle(i);
                    model[i] = !model[i];
                }
                Op::SetValue(i, v) => {
                    let i = usize::from(*i) % len;
                    set.set_value(i, *v);
                    model[i] = *v;
                }
                Op::SetRange(a, b) => {
                    let r = range(len, *a, *b);
                    set.set_range(r.clone());
                    model[r].iter_mut().for_each(|m| *m = true);
                }
                Op::UnsetRange(a, b) => {
                    let r = range(len, *a, *b);
                    set.unset_range(r.clone());
                    model[r].iter_mut().for_each(|m| *m = false);
                }
                Op::SetAll => {
                    set.set_all();
                    model.iter_mut().for_each(|m| *m = true);
                }
                Op::UnsetAll => {
                    set.unset_all();
                    model.iter_mut().for_each(|m| *m = false);
                }
                Op::ToggleFirstSet => {
                    let want = model.iter().position(|&b| b);
                    assert_eq!(set.toggle_first_set(), want);
                    if let Some(i) = want {
                        model[i] = false;
                    }
                }
                Op::Complement => {
                    set.complement();
                    model.iter_mut().for_each(|m| *m = !*m);
                }
                Op::Union(b)
                | Op::Intersection(b)
                | Op::Difference(b)
                | Op::SymmetricDifference(b) => {
                    let bits = other_bits(len, b);
                    let other = from_bits(&bits);
                    let f: fn(bool, bool) -> bool = match op {
                        Op::Union(_) => {
                            set.union(&other);
                            |a, b| a | b
                        }
                        Op::Intersection(_) => {
                            set.intersection(&other);
                            |a, b| a & b
                        }
                        Op::Difference(_) => {
                            set.difference(&other);
                            |a, b| a & !b
                        }
                        _ => {
                            set.symmetric_difference(&other);
                            |a, b| a ^ b
                        }
                    };
                    for (m, o) in model.iter_mut().zip(bits) {
                        *m = f(*m, o);
                    }
                }
                Op::Subset(b) => {
                    let bits = other_bits(len, b);
                    let other = from_bits(&bits);
                    let want = model.iter().zip(&bits).all(|(&a, &b)| !a || b);
                    assert_eq!(set.is_subset(&other), want);
                }
                Op::FindNextSet(from) => {
                    let from = usize::from(*from) % (len + 2);
                    let want = model
                        .iter()
                        .enumerate()
                        .skip(from)
                        .find(|(_, b)| **b)
                        .map(|(i, _)| i);
                    assert_eq!(set.find_next_set(from), want);
                }
                Op::FindNextUnset(from) => {
                    let from = usize::from(*from) % (len + 2);
                    let want = model
                        .iter()
                        .enumerate()
                        .skip(from)
                        .find(|(_, b)| !**b)
                        .map(|(i, _)| i);
                    assert_eq!(set.find_next_unset(from), want);
                }
            }
            for (i, &b) in model.iter().enumerate() {
                assert_eq!(set.is_set(i), b, "bit {i} of {len}");
            }
            let ones: Vec<usize> = (0..len).filter(|&i| model[i]).collect();
            let zeros: Vec<usize> = (0..len).filter(|&i| !model[i]).collect();
            assert_eq!(set.count(), ones.len());
            assert_eq!(set.is_clear(), ones.is_empty());
            assert_eq!(set.iter_set().collect::<Vec<_>>(), ones);
            assert_eq!(
                set.iter_set().rev().collect::<Vec<_>>(),
                ones.iter().rev().copied().collect::<Vec<_>>()
            );
            assert_eq!(set.iter_unset().collect::<Vec<_>>(), zeros);
            assert_eq!(set.find_first_set(), ones.first().copied());
            assert_eq!(set.find_last_set(), ones.last().copied());
            assert_eq!(set.find_first_unset(), zeros.first().copied());
            // Padding bits past `len` stay clear.
            let words = set.as_words();
            assert_eq!(
                words.iter().map(|w| w.count_ones() as usize).sum::<usize>(),
                ones.len()
            );
        }
    }};
}

fuzz_target!(|input: (u8, u16, Vec<Op>)| {
    let (which, len, ops) = input;
    let ops = &ops[..ops.len().min(64)];
    let len = usize::from(len) % 300;
    match which % 4 {
        0 => run!(BitSet::<1>::new(), BitSet::<1>::new, ops),
        1 => run!(BitSet::<3>::new(), BitSet::<3>::new, ops),
        2 => run!(DynBitSet::with_len(len), || DynBitSet::with_len(len), ops),
        _ => run!(AutoBitSet::with_len(len), || AutoBitSet::with_len(len), ops),
    }
});
