//! `BitSet`, `DynBitSet` and `AutoBitSet`: inline and heap sets agree, the edges, models against
//! `Vec<bool>` (single bits, ranges, set algebra), and the `bitvec` conversions.

use makai_collections::{AutoBitSet, BitSet, DynBitSet};
use proptest::prelude::*;

use super::{config, size};

#[test]
fn inline_and_dynamic_agree() {
    let mut a = BitSet::<3>::new();
    let mut d = DynBitSet::with_len(192);
    for i in [0, 63, 64, 100, 191] {
        a.set(i);
        d.set(i);
    }
    assert_eq!(a.as_words(), d.as_words());
    assert_eq!(
        a.iter_set().collect::<Vec<_>>(),
        d.iter_set().collect::<Vec<_>>()
    );
    assert_eq!(a.find_first_unset(), Some(1));
    assert_eq!(
        a.iter_set().rev().collect::<Vec<_>>(),
        [191, 100, 64, 63, 0]
    );
    let b = !a;
    assert_eq!(b.count(), 187);
    assert_eq!((a | b).count(), 192);
    assert_eq!((a & b).count(), 0);
}

#[test]
fn edges() {
    let empty = DynBitSet::with_len(0);
    assert_eq!(empty.find_first_set(), None);
    assert_eq!(empty.find_first_unset(), None);
    assert_eq!(empty.iter_unset().count(), 0);
    let mut full = DynBitSet::with_len(130);
    full.set_all();
    assert_eq!(full.find_first_unset(), None);
    assert_eq!(full.as_words()[2], 0b11);
    assert!(std::panic::catch_unwind(|| DynBitSet::with_len(3).is_set(3)).is_err());
    assert!(std::panic::catch_unwind(|| DynBitSet::with_len(3).set_range(2..4)).is_err());
    let mut it = full.iter_set();
    assert_eq!((it.next(), it.next_back()), (Some(0), Some(129)));
    assert_eq!(it.count(), 128);
}

#[derive(Debug, Clone)]
enum Op {
    Set(usize),
    Unset(usize),
    Toggle(usize),
    SetRange(usize, usize),
    UnsetRange(usize, usize),
    ToggleFirst,
    Complement,
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            any::<usize>().prop_map(Op::Set),
            any::<usize>().prop_map(Op::Unset),
            any::<usize>().prop_map(Op::Toggle),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::SetRange(a, b)),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::UnsetRange(a, b)),
            Just(Op::ToggleFirst),
            Just(Op::Complement),
        ],
        0..size(60, 6),
    )
}

/// An in-place set operation.
type InPlace = fn(&mut DynBitSet, &DynBitSet);
/// The same operation on one pair of bits.
type Model = fn(bool, bool) -> bool;

fn check(model: &[bool], s: &DynBitSet) -> Result<(), TestCaseError> {
    let set: Vec<usize> = (0..model.len()).filter(|&i| model[i]).collect();
    let unset: Vec<usize> = (0..model.len()).filter(|&i| !model[i]).collect();
    prop_assert_eq!(s.iter_set().collect::<Vec<_>>(), set.clone());
    prop_assert_eq!(
        s.iter_set().rev().collect::<Vec<_>>(),
        set.iter().rev().copied().collect::<Vec<_>>()
    );
    prop_assert_eq!(s.iter_unset().collect::<Vec<_>>(), unset.clone());
    prop_assert_eq!(
        s.iter_unset().rev().collect::<Vec<_>>(),
        unset.iter().rev().copied().collect::<Vec<_>>()
    );
    prop_assert_eq!(s.count(), set.len());
    prop_assert_eq!(s.find_first_set(), set.first().copied());
    prop_assert_eq!(s.find_last_set(), set.last().copied());
    prop_assert_eq!(s.find_first_unset(), unset.first().copied());
    if !model.len().is_multiple_of(64) {
        let pad = s.as_words().last().unwrap() >> (model.len() % 64);
        prop_assert_eq!(pad, 0, "padding bits stay zero");
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dyn_bitset_against_vec_bool(len in 0usize..size(200, 70), ops in ops()) {
        let mut model = vec![false; len];
        let mut s = DynBitSet::with_len(len);
        let mut inline = BitSet::<4>::new(); // 256 bits, mirrors the first `len`
        let mut auto = AutoBitSet::with_len(len); // inline up to 127 bits, heap beyond
        prop_assert_eq!(auto.is_inline(), len <= 127);
        for op in ops {
            if len == 0 { break; }
            match op {
                Op::Set(i) => { let i = i % len; model[i] = true; s.set(i); inline.set(i); auto.set(i); }
                Op::Unset(i) => { let i = i % len; model[i] = false; s.unset(i); inline.unset(i); auto.unset(i); }
                Op::Toggle(i) => { let i = i % len; model[i] = !model[i]; s.toggle(i); inline.toggle(i); auto.toggle(i); }
                Op::SetRange(a, b) | Op::UnsetRange(a, b) => {
                    let (a, b) = (a % (len + 1), b % (len + 1));
                    let (a, b) = (a.min(b), a.max(b));
                    let v = matches!(op, Op::SetRange(..));
                    model[a..b].iter_mut().for_each(|m| *m = v);
                    if v { s.set_range(a..b); inline.set_range(a..b); auto.set_range(a..b); } else { s.unset_range(a..b); inline.unset_range(a..b); auto.unset_range(a..b); }
                }
                Op::ToggleFirst => {
                    let first = model.iter().position(|&m| m);
                    if let Some(i) = first { model[i] = false; }
                    prop_assert_eq!(s.toggle_first_set(), first);
                    prop_assert_eq!(inline.toggle_first_set(), first);
                    prop_assert_eq!(auto.toggle_first_set(), first);
                }
                Op::Complement => {
                    model.iter_mut().for_each(|m| *m = !*m);
                    s.complement();
                    inline.complement();
                    inline.unset_range(len..);
                    auto.complement();
                }
            }
            check(&model, &s)?;
            prop_assert_eq!(inline.iter_set().collect::<Vec<_>>(), s.iter_set().collect::<Vec<_>>());
            prop_assert_eq!(auto.as_words(), s.as_words());
            prop_assert_eq!(auto.find_first_unset(), model.iter().position(|&m| !m));
            prop_assert_eq!(auto.iter_unset().next_back(), model.iter().rposition(|&m| !m));
        }
    }

    #[test]
    fn set_algebra_against_vec_bool(a in prop::collection::vec(any::<bool>(), 0..size(150, 40)), seed in any::<u64>()) {
        let len = a.len();
        let b: Vec<bool> = (0..len).map(|i| (seed.rotate_left(i as u32) ^ i as u64) & 1 == 1).collect();
        let build = |m: &[bool]| {
            let mut s = DynBitSet::with_len(len);
            for (i, &v) in m.iter().enumerate() { s.set_value(i, v); }
            s
        };
        let (sa, sb) = (build(&a), build(&b));
        let cases: [(InPlace, Model); 4] = [
            (DynBitSet::union, |x, y| x | y),
            (DynBitSet::intersection, |x, y| x & y),
            (DynBitSet::difference, |x, y| x & !y),
            (DynBitSet::symmetric_difference, |x, y| x ^ y),
        ];
        for (op, f) in cases {
            let mut r = sa.clone();
            op(&mut r, &sb);
            let model: Vec<bool> = a.iter().zip(&b).map(|(&x, &y)| f(x, y)).collect();
            check(&model, &r)?;
        }
        let mut inter = sa.clone();
        inter.intersection(&sb);
        prop_assert!(inter.is_subset(&sa) && inter.is_subset(&sb));
    }
}

/// Our conversions are safe code; what Miri cannot check is `bitvec` itself.
#[cfg(feature = "bitvec")]
#[test]
#[cfg_attr(
    miri,
    ignore = "bitvec 1.1.1 casts integers to pointers (ptr/span.rs), which \
              -Zmiri-strict-provenance rejects, and violates Stacked Borrows in \
              wyz::comu; the conversions themselves contain no unsafe code"
)]
fn bitvec_round_trip() {
    use bitvec::prelude::*;
    let mut s = DynBitSet::with_len(70);
    s.set(0);
    s.set(69);
    let v: BitVec<u64, Lsb0> = (&s).into();
    assert_eq!(v.len(), 70);
    assert_eq!(v.as_raw_slice(), [1, 1 << 5]);
    assert_eq!(v.iter_ones().collect::<Vec<_>>(), [0, 69]);
    let back = DynBitSet::from(v.as_bitslice());
    assert_eq!(back, s);
    let mut fixed = BitSet::<2>::new();
    fixed.set(127);
    let arr: BitArray<[u64; 2], Lsb0> = fixed.into();
    assert!(arr[127]);
    assert_eq!(BitSet::from(arr), fixed);
    let v: BitVec<u64, Lsb0> = (&fixed).into();
    assert_eq!(v.len(), 128);
}
