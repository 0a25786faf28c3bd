//! `HiveArray`, `HiveFallback` and `HiveRc` against a model of live slots: a `Vec<Option<_>>`
//! of the values each slot holds. Allocations must take the lowest free slot, fail exactly when
//! every slot is live (or spill, for the fallback), and frees must make the slot reusable.
//! Capacities are small and not multiples of 64, plus one just past a word (65) and 130.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use makai_collections::capacity::{SlotCount, Slots};
use makai_collections::{FallbackBox, HiveArray, HiveBox, HiveFallback, HiveRc, RcSlot};

#[derive(Arbitrary, Debug)]
enum Op {
    Alloc(u16),
    /// Claim a slot, then either write it or abandon the claim.
    Claim(u16, bool),
    Free(u8),
    IntoInner(u8),
    Mutate(u8),
    /// Free every live value.
    FreeAll,
}

fn lowest_free(model: &[Option<String>]) -> Option<usize> {
    model.iter().position(Option::is_none)
}

fn run_hive<const N: usize>(ops: &[Op])
where
    Slots<N>: SlotCount,
{
    let hive = HiveArray::<String, N>::new_boxed();
    let mut model: Vec<Option<String>> = vec![None; N];
    // Live boxes in allocation order, with the slot index each one sits in.
    let mut live: Vec<(usize, HiveBox<'_, String>)> = Vec::new();
    for op in ops {
        match *op {
            Op::Alloc(v) => {
                let want = lowest_free(&model);
                assert_eq!(hive.next_free_index(), want);
                match hive.alloc(format!("v{v}")) {
                    Ok(b) => {
                        let i = hive
                            .index_of(&raw const *b)
                            .expect("a live box is at a slot start");
                        assert_eq!(Some(i), want);
                        model[i] = Some(format!("v{v}"));
                        live.push((i, b));
                    }
                    Err(back) => {
                        assert_eq!(want, None);
                        assert_eq!(back, format!("v{v}"));
                        assert!(hive.is_full());
                    }
                }
            }
            Op::Claim(v, write) => {
                let want = lowest_free(&model);
                match hive.claim() {
                    Some(c) => {
                        assert_eq!(Some(c.index()), want);
                        let i = c.index();
                        if write {
                            let b = c.write(format!("c{v}"));
                            model[i] = Some(format!("c{v}"));
                            live.push((i, b));
                        } else {
                            drop(c);
                        }
                    }
                    None => assert_eq!(want, None),
                }
            }
            Op::Free(k) | Op::IntoInner(k) => {
                if !live.is_empty() {
                    let (i, b) = live.remove(usize::from(k) % live.len());
                    let want = model[i].take().expect("model slot live");
                    if matches!(op, Op::IntoInner(_)) {
                        assert_eq!(HiveBox::into_inner(b), want);
                    } else {
                        assert_eq!(*b, want);
                        drop(b);
                    }
                }
            }
            Op::Mutate(k) => {
                if !live.is_empty() {
                    let n = live.len();
                    let (i, b) = &mut live[usize::from(k) % n];
                    b.push('+');
                    model[*i].as_mut().expect("model slot live").push('+');
                }
            }
            Op::FreeAll => {
                live.clear();
                model.iter_mut().for_each(|m| *m = None);
            }
        }
        let count = model.iter().filter(|m| m.is_some()).count();
        assert_eq!(hive.len(), count);
        assert_eq!(hive.is_empty(), count == 0);
        assert_eq!(hive.is_full(), count == N);
        for (i, b) in &live {
            assert!(hive.contains(&raw const **b));
            assert_eq!(hive.index_of(&raw const **b), Some(*i));
            assert_eq!(Some(&**b), model[*i].as_ref());
        }
    }
}

fn run_fallback<const N: usize>(ops: &[Op])
where
    Slots<N>: SlotCount,
{
    let hive = HiveFallback::<String, N>::new_boxed();
    let mut model: Vec<Option<String>> = vec![None; N];
    let mut spilled: Vec<(FallbackBox<'_, String>, String)> = Vec::new();
    let mut inline: Vec<(usize, FallbackBox<'_, String>)> = Vec::new();
    let mut spills = 0;
    for op in ops {
        match *op {
            Op::Alloc(v) | Op::Claim(v, _) => {
                let want = lowest_free(&model);
                let b = hive.alloc(format!("f{v}"));
                assert_eq!(FallbackBox::is_spilled(&b), want.is_none());
                match want {
                    Some(i) => {
                        assert_eq!(hive.hive().index_of(&raw const *b), Some(i));
                        model[i] = Some(format!("f{v}"));
                        inline.push((i, b));
                    }
                    None => {
                        assert!(!hive.hive().contains(&raw const *b));
                        spills += 1;
                        spilled.push((b, format!("f{v}")));
                    }
                }
            }
            Op::Free(k) | Op::IntoInner(k) => {
                let total = inline.len() + spilled.len();
                if total > 0 {
                    let k = usize::from(k) % total;
                    let into = matches!(op, Op::IntoInner(_));
                    if k < inline.len() {
                        let (i, b) = inline.remove(k);
                        let want = model[i].take().expect("model slot live");
                        if into {
                            assert_eq!(FallbackBox::into_inner(b), want);
                        } else {
                            assert_eq!(*b, want);
                        }
                    } else {
                        let (b, want) = spilled.remove(k - inline.len());
                        if into {
                            assert_eq!(FallbackBox::into_inner(b), want);
                        } else {
                            assert_eq!(*b, want);
                        }
                    }
                }
            }
            Op::Mutate(k) => {
                let n = spilled.len().max(1);
                if let Some((b, want)) = spilled.get_mut(usize::from(k) % n) {
                    b.push('*');
                    want.push('*');
                }
                if !inline.is_empty() {
                    let n = inline.len();
                    let (i, b) = &mut inline[usize::from(k) % n];
                    b.push('+');
                    model[*i].as_mut().expect("model slot live").push('+');
                }
            }
            Op::FreeAll => {
                inline.clear();
                spilled.clear();
                model.iter_mut().for_each(|m| *m = None);
            }
        }
        assert_eq!(hive.fallback_count(), spills);
        assert_eq!(hive.hive().len(), inline.len());
        for (b, want) in &spilled {
            assert_eq!(&**b, want);
        }
        for (i, b) in &inline {
            assert_eq!(Some(&**b), model[*i].as_ref());
        }
    }
}

/// Reference-counted slots: clones share a slot, the last drop frees it.
fn run_rc<const N: usize>(ops: &[Op])
where
    Slots<N>: SlotCount,
{
    let hive = HiveArray::<RcSlot<String>, N>::new_boxed();
    // Per live slot: its handles.
    let mut handles: Vec<Vec<HiveRc<'_, String>>> = Vec::new();
    for op in ops {
        match *op {
            Op::Alloc(v) => match hive.alloc_rc(format!("r{v}")) {
                Ok(rc) => handles.push(vec![rc]),
                Err(_) => assert_eq!(handles.len(), N),
            },
            Op::Claim(k, _) => {
                if !handles.is_empty() {
                    let n = handles.len();
                    let group = &mut handles[usize::from(k) % n];
                    let c = group[0].clone();
                    assert!(HiveRc::ptr_eq(&c, &group[0]));
                    group.push(c);
                }
            }
            Op::Free(k) | Op::IntoInner(k) | Op::Mutate(k) => {
                if !handles.is_empty() {
                    let g = usize::from(k) % handles.len();
                    handles[g].pop();
                    if handles[g].is_empty() {
                        handles.remove(g);
                    }
                }
            }
            Op::FreeAll => handles.clear(),
        }
        assert_eq!(hive.len(), handles.len());
        for group in &handles {
            for h in group {
                assert_eq!(HiveRc::strong_count(h) as usize, group.len());
                assert!(h.starts_with('r'));
            }
        }
    }
}

fuzz_target!(|input: (u8, Vec<Op>)| {
    let (which, ops) = input;
    let ops = &ops[..ops.len().min(200)];
    match which % 9 {
        0 => run_hive::<1>(ops),
        1 => run_hive::<5>(ops),
        2 => run_hive::<65>(ops),
        3 => run_hive::<130>(ops),
        4 => run_fallback::<3>(ops),
        5 => run_fallback::<67>(ops),
        6 => run_rc::<4>(ops),
        7 => run_rc::<70>(ops),
        _ => run_hive::<0>(ops),
    }
});
