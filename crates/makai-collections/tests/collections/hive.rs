//! `HiveArray` and `HiveBox`: Bun's hive test, slot reuse, `from_raw` validation, `alloc_with`,
//! drop counting, zero-sized values, pinning, and a model against the set of live slots.

use std::cell::Cell;
use std::collections::HashSet;
use std::ptr::NonNull;
use std::rc::Rc;

use makai_collections::{HiveArray, HiveBox};
use proptest::prelude::*;

use super::{Counted, config, size};

/// Bun's "an integer with a weird alignment" (`u127`), spelled for Rust.
#[repr(align(16))]
#[derive(Debug, Clone, Copy, PartialEq)]
struct Odd([u8; 15]);

#[test]
fn bun_hive_array_test() {
    const SIZE: usize = 64;
    let a = HiveArray::<Odd, 64>::new();
    {
        let b = a.alloc(Odd([1; 15])).unwrap();
        let second = a.alloc(Odd([2; 15])).unwrap();
        assert_ne!(HiveBox::as_ptr(&b), HiveBox::as_ptr(&second));
        assert_eq!(a.index_of(&raw const *b), Some(0));
        let b_ptr = HiveBox::as_ptr(&b);
        drop(b);
        let again = a.alloc(Odd([3; 15])).unwrap();
        assert_eq!(
            HiveBox::as_ptr(&again),
            b_ptr,
            "the freed slot is reused first"
        );
        let mut c = a.alloc(Odd([0; 15])).unwrap();
        c.0[0] = 123;
        assert_eq!(c.0[0], 123);
        let d = Odd([5; 15]);
        assert!(!a.contains(&raw const d));
        assert_eq!(a.index_of(&raw const d), None);
        // SAFETY: deliberately wrong: `from_raw` must reject the foreign pointer with a
        // panic before using it.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
            drop(a.from_raw(NonNull::from(&d)));
        }));
        assert!(r.is_err());
        assert_eq!(a.len(), 3);
    }
    assert!(a.is_empty());
    let mut live = Vec::new();
    for i in 0..SIZE {
        let b = a.alloc(Odd([i as u8; 15])).unwrap();
        assert_eq!(a.index_of(&raw const *b), Some(i));
        let p = HiveBox::as_ptr(&b);
        drop(b);
        let b = a.alloc(Odd([i as u8; 15])).unwrap();
        assert_eq!(HiveBox::as_ptr(&b), p);
        live.push(b);
    }
    for _ in 0..SIZE {
        assert_eq!(
            a.alloc(Odd([9; 15])).unwrap_err(),
            Odd([9; 15]),
            "full hive gives the value back"
        );
    }
    assert!(a.is_full());
    assert_eq!(live[10].0, [10; 15]);
}

#[test]
fn new_is_all_zero_bytes() {
    let hive = HiveArray::<u64, 2048>::new();
    let size = size_of_val(&hive);
    assert_eq!(size, 32 * 8 + 8 + 8 + 2048 * 8);
    // SAFETY: `u64` slots have no padding and `new()` zeroes every byte, so all `size` bytes
    // of the hive are initialised; only read through the shared borrow.
    let bytes = unsafe { std::slice::from_raw_parts((&raw const hive).cast::<u8>(), size) };
    assert!(bytes.iter().all(|&b| b == 0));
}

#[test]
fn new_boxed_works_at_full_size() {
    // The largest hive (4096 slots) natively; a small one under Miri.
    const N: usize = if cfg!(miri) { 65 } else { 4096 };
    let hive = HiveArray::<[u64; 4], N>::new_boxed();
    assert_eq!(hive.capacity(), N);
    let boxes: Vec<_> = (0..N as u64).map(|i| hive.alloc([i; 4]).unwrap()).collect();
    assert!(hive.is_full());
    assert_eq!(hive.index_of(&raw const *boxes[N - 1]), Some(N - 1));
    assert_eq!(boxes[N - 3][3], N as u64 - 3);
}

#[test]
fn from_raw_round_trip_and_validation() {
    let hive = HiveArray::<u32, 128>::new();
    let raws: Vec<_> = (0..70)
        .map(|i| HiveBox::into_raw(hive.alloc(i).unwrap()))
        .collect();
    assert_eq!(hive.len(), 70);
    // SAFETY: from `into_raw` of this hive, reclaimed once.
    let b = unsafe { hive.from_raw(raws[69]) };
    assert_eq!(*b, 69);
    drop(b);
    let expect_panic = |p: NonNull<u32>, msg: &str| {
        // SAFETY: deliberately invalid pointers: `from_raw` must panic before using them.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
            drop(hive.from_raw(p));
        }));
        let err = r.expect_err("from_raw must reject this pointer");
        let text = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(text.contains(msg), "{text:?} should mention {msg:?}");
    };
    let local = 5u32;
    expect_panic(NonNull::from(&local), "not inside this hive");
    expect_panic(raws[69], "free slot");
    let misaligned = raws[3].cast::<u8>().map_addr(|a| a.checked_add(2).unwrap());
    expect_panic(misaligned.cast(), "start of a slot");
    for (i, p) in raws[..69].iter().enumerate() {
        // SAFETY: from `into_raw` of this hive, reclaimed once.
        let b = unsafe { hive.from_raw(*p) };
        assert_eq!(*b, i as u32);
    }
    assert!(hive.is_empty());
}

#[test]
fn alloc_with_sees_its_address_and_panic_releases() {
    struct SelfRef {
        me: NonNull<SelfRef>,
    }
    let hive = HiveArray::<SelfRef, 64>::new();
    let a = hive.alloc_with(|me| SelfRef { me }).ok().unwrap();
    assert_eq!(a.me, HiveBox::as_ptr(&a));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = hive.alloc_with(|_| panic!("constructor fails"));
    }));
    assert!(r.is_err());
    assert_eq!(
        hive.len(),
        1,
        "the panicking constructor's slot was released"
    );
    let b = hive.alloc_with(|me| SelfRef { me }).ok().unwrap();
    assert_eq!(hive.index_of(&raw const *b), Some(1));
    let full = HiveArray::<u8, 0>::new();
    let called = Cell::new(false);
    assert!(
        full.alloc_with(|_| {
            called.set(true);
            1
        })
        .is_err()
    );
    assert!(!called.get(), "a full hive does not call the constructor");
}

#[test]
fn drop_counting() {
    let drops = Rc::new(Cell::new(0));
    {
        let hive = HiveArray::<Counted, 64>::new();
        let a = hive.alloc(Counted(drops.clone(), 1)).ok().unwrap();
        let b = hive.alloc(Counted(drops.clone(), 2)).ok().unwrap();
        drop(a);
        assert_eq!(drops.get(), 1);
        let inner = HiveBox::into_inner(b);
        assert_eq!(drops.get(), 1);
        assert!(hive.is_empty());
        drop(inner);
        assert_eq!(drops.get(), 2);
        // A full hive gives the value back, undropped.
        let boxes: Vec<_> = (0..64)
            .map(|i| hive.alloc(Counted(drops.clone(), i)).ok().unwrap())
            .collect();
        let back = hive.alloc(Counted(drops.clone(), 99)).err().unwrap();
        assert_eq!(drops.get(), 2);
        drop(back);
        drop(boxes);
        assert_eq!(drops.get(), 67);
        // Leaked boxes are dropped with the hive.
        std::mem::forget(hive.alloc(Counted(drops.clone(), 0)).ok().unwrap());
        let _raw = HiveBox::into_raw(hive.alloc(Counted(drops.clone(), 0)).ok().unwrap());
    }
    assert_eq!(drops.get(), 69);
}

#[test]
fn panicking_drop_still_frees_the_slot() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("boom");
        }
    }
    let hive = HiveArray::<Bomb, 64>::new();
    let b = hive.alloc(Bomb).ok().unwrap();
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(b))).is_err());
    assert!(hive.is_empty());
}

#[test]
fn zero_sized_values() {
    thread_local! { static ZST_DROPS: Cell<usize> = const { Cell::new(0) }; }
    struct Z;
    impl Drop for Z {
        fn drop(&mut self) {
            ZST_DROPS.with(|d| d.set(d.get() + 1));
        }
    }
    let hive = HiveArray::<Z, 64>::new();
    let mut boxes: Vec<_> = (0..64).map(|_| hive.alloc(Z).ok().unwrap()).collect();
    assert!(hive.is_full());
    assert!(hive.alloc(Z).is_err());
    assert_eq!(ZST_DROPS.with(Cell::get), 1);
    assert!(hive.contains(&raw const *boxes[0]));
    assert_eq!(hive.index_of(&raw const *boxes[5]), Some(5));
    let raw = HiveBox::into_raw(boxes.pop().unwrap());
    drop(boxes);
    assert_eq!(hive.len(), 1);
    assert_eq!(ZST_DROPS.with(Cell::get), 64);
    // SAFETY: from `into_raw` of this hive, reclaimed once.
    drop(unsafe { hive.from_raw(raw) });
    assert!(hive.is_empty());
    assert_eq!(ZST_DROPS.with(Cell::get), 65);
}

#[test]
fn pinned_static_hive() {
    let raw = Box::into_raw(HiveArray::<String, 64>::new_boxed());
    // SAFETY: `raw` is a live heap hive, freed only after its last use at the end.
    let hive: &'static HiveArray<String, 64> = unsafe { &*raw };
    let mut p = HiveBox::into_pin(hive.alloc("pinned".to_owned()).unwrap());
    p.as_mut().get_mut().push('!');
    assert_eq!(&**p, "pinned!");
    drop(p);
    assert!(hive.is_empty());
    // SAFETY: no box of the hive is left, and `hive` is not used again.
    drop(unsafe { Box::from_raw(raw) });
}

#[derive(Debug, Clone)]
enum Op {
    Alloc(u32),
    Free(usize),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            any::<u32>().prop_map(Op::Alloc),
            any::<usize>().prop_map(Op::Free)
        ],
        0..size(400, 16),
    )
}

proptest! {
    #![proptest_config(config())]

    /// Random alloc/free against a set of live slots: the hive always hands out the lowest
    /// free slot, and values stay where they were put.
    #[test]
    fn model_against_live_set(ops in ops()) {
        let hive = HiveArray::<u32, 3>::new();
        let mut live: HashSet<usize> = HashSet::new();
        let mut boxes: Vec<(usize, HiveBox<'_, u32>)> = Vec::new();
        for op in ops {
            match op {
                Op::Alloc(v) => {
                    let expect = (0..hive.capacity()).find(|i| !live.contains(i));
                    match hive.alloc(v) {
                        Ok(b) => {
                            let i = hive.index_of(&raw const *b).unwrap();
                            prop_assert_eq!(Some(i), expect);
                            live.insert(i);
                            boxes.push((i, b));
                        }
                        Err(back) => {
                            prop_assert_eq!(back, v);
                            prop_assert_eq!(expect, None);
                        }
                    }
                }
                Op::Free(k) if !boxes.is_empty() => {
                    let (i, b) = boxes.swap_remove(k % boxes.len());
                    prop_assert!(live.remove(&i));
                    drop(b);
                }
                Op::Free(_) => {}
            }
            prop_assert_eq!(hive.len(), live.len());
            prop_assert_eq!(hive.is_full(), live.len() == hive.capacity());
            for (i, b) in &boxes {
                prop_assert_eq!(hive.index_of(&raw const **b), Some(*i));
            }
        }
    }
}
