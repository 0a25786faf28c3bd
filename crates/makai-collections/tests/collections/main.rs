//! Integration tests of makai-collections: Bun's own tests rewritten for this API, models
//! against std collections, drop counting, and the edges (full, empty, capacity 0, ZSTs,
//! foreign pointers).

use std::cell::Cell;
use std::collections::{HashSet, VecDeque};
use std::io::{BufRead, Read, Write};
use std::mem::MaybeUninit;
use std::ptr::NonNull;
use std::rc::Rc;

use makai_collections::{
    AutoBitSet, BitSet, DynBitSet, Dynamic, FallbackBox, HiveArray, HiveBox, HiveFallback,
    LinearFifo, Slice, SliceFifo, Static, Storage,
};
use proptest::prelude::*;

mod alloc_failures;
mod hive_model;

/// `native` normally, `miri` under Miri, where every step is interpreted (keeps
/// `cargo miri test` of this crate to a few minutes; the native run covers the big cases).
const fn size(native: usize, miri: usize) -> usize {
    if cfg!(miri) { miri } else { native }
}

/// Proptest settings: no regression files (they need the file system, which Miri isolates),
/// and 4 cases under Miri, where `PROPTEST_CASES` from the host environment is not visible.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) {
            4
        } else {
            ProptestConfig::default().cases
        },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Counts drops into a shared counter; not `Copy`, not `Debug`.
struct Counted(
    Rc<Cell<usize>>,
    #[expect(dead_code, reason = "payload to move around")] u64,
);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

mod hive {
    use super::*;

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
}

mod fallback {
    use super::*;

    #[test]
    fn spills_and_frees_to_origin() {
        let drops = Rc::new(Cell::new(0));
        {
            let pool = HiveFallback::<Counted, 64>::new();
            let boxes: Vec<_> = (0..100)
                .map(|i| pool.alloc(Counted(drops.clone(), i)))
                .collect();
            assert_eq!(pool.fallback_count(), 36);
            assert_eq!(pool.hive().len(), 64);
            assert!(
                boxes[..64]
                    .iter()
                    .all(|b| pool.hive().contains(&raw const **b))
            );
            assert!(
                boxes[64..]
                    .iter()
                    .all(|b| !pool.hive().contains(&raw const **b))
            );
            drop(boxes);
            assert_eq!(drops.get(), 100);
            assert!(pool.hive().is_empty());
            // Hive slots are used again before the heap.
            let b = pool.alloc(Counted(drops.clone(), 0));
            assert!(pool.hive().contains(&raw const *b));
            assert_eq!(pool.fallback_count(), 36);
        }
        assert_eq!(drops.get(), 101);
        {
            let heap_only = HiveFallback::<Counted, 0>::new();
            let b = heap_only.try_alloc(Counted(drops.clone(), 0)).ok().unwrap();
            assert_eq!(heap_only.fallback_count(), 1);
            drop(b);
        }
        assert_eq!(drops.get(), 102);
    }

    #[test]
    fn from_raw_for_both_origins() {
        let pool = HiveFallback::<String, 64>::new_boxed();
        let raws: Vec<_> = (0..66)
            .map(|i| FallbackBox::into_raw(pool.alloc(i.to_string())))
            .collect();
        for (i, p) in raws.into_iter().enumerate().rev() {
            // SAFETY: from `into_raw` of this pool, reclaimed once.
            let b = unsafe { pool.from_raw(p) };
            assert_eq!(*b, i.to_string());
        }
        assert!(pool.hive().is_empty());
        assert_eq!(pool.fallback_count(), 2);
    }
}

mod bitset {
    use super::*;

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
}

mod fifo {
    use super::*;

    /// Zig's "LinearFifo(u8, .Dynamic)" test, rewritten.
    #[test]
    fn zig_u8_dynamic() {
        let mut fifo = LinearFifo::<u8, Dynamic>::new();
        fifo.write(b"HELLO").unwrap();
        assert_eq!(fifo.len(), 5);
        assert_eq!(fifo.readable_slice(0), b"HELLO");
        for i in 0..5 {
            let c = *fifo.peek_item(i).unwrap();
            fifo.write(&[c]).unwrap();
        }
        assert_eq!(fifo.len(), 10);
        assert_eq!(fifo.readable_slice(0), b"HELLOHELLO");
        for c in *b"HELLO" {
            assert_eq!(fifo.read_item(), Some(c));
        }
        assert_eq!(fifo.len(), 5);
        // Writes that wrap around.
        assert_eq!(fifo.writable_len(), 11);
        assert_eq!(fifo.writable_slices().0.len(), 6);
        fifo.write_assume_capacity(b"6<chars<11");
        assert_eq!(fifo.readable_slice(0), b"HELLO6<char");
        assert_eq!(fifo.readable_slice(11), b"s<11");
        assert_eq!(fifo.readable_slice(13), b"11");
        assert_eq!(fifo.readable_slice(15), b"");
        fifo.discard(11);
        assert_eq!(fifo.readable_slice(0), b"s<11");
        fifo.discard(4);
        assert_eq!(fifo.len(), 0);
        // writableWithSize(12) + update(10).
        fifo.ensure_unused_capacity(12).unwrap();
        fifo.realign();
        let (a, _) = fifo.writable_slices();
        assert!(a.len() >= 12);
        for (i, slot) in a[..10].iter_mut().enumerate() {
            slot.write(b'a' + i as u8);
        }
        // SAFETY: the first 10 free slots were just written.
        unsafe { fifo.commit(10) };
        assert_eq!(fifo.readable_slice(0), b"abcdefghij");
        // unget.
        fifo.unget(b"prependedstring").unwrap();
        let mut result = [0u8; 30];
        let n = fifo.read(&mut result);
        assert_eq!(&result[..n], b"prependedstringabcdefghij");
        fifo.unget(b"b").unwrap();
        fifo.unget(b"a").unwrap();
        let n = fifo.read(&mut result);
        assert_eq!(&result[..n], b"ab");
        fifo.shrink(0);
        assert_eq!(fifo.capacity(), 0);
        // writer().print and reader().
        let (hello, world) = ("Hello", "World");
        write!(fifo, "{hello}, {world}!").unwrap();
        let mut s = String::new();
        fifo.read_to_string(&mut s).unwrap();
        assert_eq!(s, "Hello, World!");
        fifo.write_all(b"This is a test").unwrap();
        let words: Vec<Vec<u8>> = (&mut fifo).split(b' ').map(Result::unwrap).collect();
        assert_eq!(words, [&b"This"[..], b"is", b"a", b"test"]);
    }

    #[test]
    fn discard_zero_on_empty() {
        LinearFifo::<u8, Dynamic>::new().discard(0);
        LinearFifo::<u8, Static<0>>::new().discard(0);
        LinearFifo::<u8, Slice<'_>>::new(&mut []).discard(0);
        let mut f = LinearFifo::<u8, Static<4>>::new();
        f.write(b"ab").unwrap();
        f.discard(2);
        f.discard(0);
        assert!(f.is_empty());
    }

    /// Zig's generic test: every storage kind × u8/u16/u64.
    fn generic<T, S>(mut fifo: LinearFifo<T, S>)
    where
        T: Copy + PartialEq + std::fmt::Debug + From<u8>,
        S: Storage<T>,
    {
        let (zero, one) = (T::from(0), T::from(1));
        fifo.write(&[zero, one, one, zero, one]).unwrap();
        assert_eq!(fifo.len(), 5);
        for v in [zero, one, one, zero, one] {
            assert_eq!(fifo.read_item(), Some(v));
        }
        assert_eq!(fifo.len(), 0);
        for _ in 0..3 {
            fifo.write_item(one).unwrap();
        }
        assert_eq!(fifo.len(), 3);
        let mut buf = [zero; 3];
        assert_eq!(fifo.read(&mut buf), 3);
        assert_eq!(buf, [one; 3]);
        // Wrap, read across the wrap, realign.
        let cap = fifo.capacity();
        let vals: Vec<T> = (0..cap).map(|i| T::from(i as u8)).collect();
        fifo.write(&vals).unwrap();
        fifo.discard(cap / 2);
        fifo.write(&vals[..cap / 2]).unwrap();
        let expect: Vec<T> = vals[cap / 2..]
            .iter()
            .chain(&vals[..cap / 2])
            .copied()
            .collect();
        let (a, b) = fifo.as_slices();
        assert_eq!([a, b].concat(), expect);
        assert_eq!(fifo.readable_slice(a.len()), b);
        fifo.realign();
        assert_eq!(fifo.as_slices().0, &expect[..]);
    }

    #[test]
    fn every_storage_and_width() {
        fn all<T: Copy + PartialEq + std::fmt::Debug + From<u8>>() {
            generic(LinearFifo::<T, Static<32>>::new());
            let mut mem = [MaybeUninit::<T>::uninit(); 32];
            generic(LinearFifo::<T, Slice<'_>>::new(&mut mem));
            let mut odd = [MaybeUninit::<T>::uninit(); 13]; // not a power of two
            generic(LinearFifo::<T, Slice<'_>>::new(&mut odd));
            let mut dynamic = LinearFifo::<T, Dynamic>::new();
            dynamic.ensure_unused_capacity(32).unwrap();
            generic(dynamic);
        }
        all::<u8>();
        all::<u16>();
        all::<u64>();
    }

    #[test]
    fn full_fixed_storage_errors() {
        let mut f = LinearFifo::<u8, Static<4>>::new();
        f.write(b"abcd").unwrap();
        assert!(f.write_item(b'e').is_err());
        assert!(f.write(b"e").is_err());
        assert!(f.unget(b"e").is_err());
        assert!(f.ensure_unused_capacity(1).is_err());
        assert!(f.ensure_unused_capacity(1).is_err());
        assert_eq!(f.write(b"").map(|()| 0), Ok(0));
        assert_eq!(Write::write(&mut f, b"xyz").unwrap(), 0);
        f.discard(1);
        assert_eq!(Write::write(&mut f, b"xyz").unwrap(), 1);
        assert_eq!(
            f.write_all(b"q").unwrap_err().kind(),
            std::io::ErrorKind::WriteZero
        );
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        assert_eq!(s, "bcdx");
        assert!(
            std::panic::catch_unwind(|| LinearFifo::<u8, Static<1>>::new().discard(1)).is_err()
        );
    }

    #[test]
    fn extend_exact_fills_across_the_wrap() {
        // The event-loop drain: free space that wraps must take the whole batch.
        let mut f = LinearFifo::<u64, Static<8>>::new();
        f.write(&[0; 6]).unwrap();
        f.discard(5);
        let (a, b) = f.writable_slices();
        assert_eq!((a.len(), b.len()), (2, 5));
        f.extend_exact((100..107u32).map(u64::from)).unwrap();
        assert_eq!(f.len(), 8);
        let (a, b) = f.as_slices();
        assert_eq!([a, b].concat(), [0, 100, 101, 102, 103, 104, 105, 106]);
        let mut more = vec![1u64, 2].into_iter();
        assert!(f.extend_exact(more.by_ref()).is_err());
        assert_eq!(more.len(), 2, "nothing taken when there is no room");
        let n = size(1000, 100);
        let mut d = LinearFifo::<u64, Dynamic>::new();
        d.extend_exact((0..n).map(|i| i as u64)).unwrap();
        assert_eq!(d.len(), n);
        assert_eq!(d.capacity(), n.next_power_of_two());
    }

    #[test]
    fn bufread_and_writable_slices_for_io() {
        let mut f = LinearFifo::<u8, Dynamic>::new();
        f.write_all(b"line one\nline two\n").unwrap();
        let mut line = String::new();
        f.read_line(&mut line).unwrap();
        assert_eq!(line, "line one\n");
        assert_eq!(f.fill_buf().unwrap(), b"line two\n");
        f.consume(5);
        assert_eq!(f.readable_slice(0), b"two\n");
    }

    #[test]
    fn drop_counting_non_copy() {
        let drops = Rc::new(Cell::new(0));
        let c = |v| Counted(drops.clone(), v);
        {
            let mut f = LinearFifo::<Counted, Static<4>>::new();
            f.write_item(c(1)).ok().unwrap();
            f.write_item(c(2)).ok().unwrap();
            f.write_item(c(3)).ok().unwrap();
            f.discard(2);
            assert_eq!(drops.get(), 2);
            f.extend_exact([c(4), c(5), c(6)]).unwrap(); // wraps
            assert!(f.write_item(c(7)).is_err()); // dropped with the error
            assert_eq!(drops.get(), 3);
            let got = f.read_item().unwrap();
            drop(got);
            assert_eq!(drops.get(), 4);
            f.realign();
            f.unget_item(c(8)).ok().unwrap();
            assert_eq!(f.len(), 4);
        }
        assert_eq!(drops.get(), 8);
        {
            let mut f = LinearFifo::<Counted, Dynamic>::new();
            for i in 0..20 {
                f.write_item(c(i)).ok().unwrap();
                if i % 3 == 0 {
                    drop(f.read_item());
                }
            }
            let mut dst: Vec<Counted> = (0..4).map(c).collect();
            assert_eq!(f.read(&mut dst), 4);
            assert_eq!(drops.get(), 8 + 7 + 4);
            f.shrink(0);
        }
        assert_eq!(drops.get(), 8 + 20 + 4);
        {
            let mut mem = [const { MaybeUninit::<Counted>::uninit() }; 3];
            let mut f = LinearFifo::<Counted, Slice<'_>>::new(&mut mem);
            f.write_item(c(0)).ok().unwrap();
            f.write_item(c(0)).ok().unwrap();
        }
        assert_eq!(drops.get(), 8 + 20 + 4 + 2);
    }

    #[test]
    fn zero_sized_items() {
        let mut f = LinearFifo::<(), Dynamic>::new();
        f.extend_exact(std::iter::repeat_n((), 100)).unwrap();
        assert_eq!(f.len(), 100);
        assert_eq!(f.capacity(), 128);
        f.discard(99);
        assert_eq!(f.read_item(), Some(()));
        assert_eq!(f.read_item(), None);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Write(Vec<u16>),
        WriteItem(u16),
        Read(usize),
        ReadItem,
        Discard(usize),
        Unget(Vec<u16>),
        Extend(Vec<u16>),
        Realign,
        Shrink(usize),
        Commit(usize),
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        let small = || prop::collection::vec(any::<u16>(), 0..12);
        prop::collection::vec(
            prop_oneof![
                small().prop_map(Op::Write),
                any::<u16>().prop_map(Op::WriteItem),
                (0usize..20).prop_map(Op::Read),
                Just(Op::ReadItem),
                (0usize..20).prop_map(Op::Discard),
                small().prop_map(Op::Unget),
                small().prop_map(Op::Extend),
                Just(Op::Realign),
                (0usize..40).prop_map(Op::Shrink),
                (0usize..20).prop_map(Op::Commit),
            ],
            0..size(80, 10),
        )
    }

    fn run_model<S: Storage<String>>(
        mut f: LinearFifo<String, S>,
        ops: Vec<Op>,
        growable: bool,
        shrink: impl Fn(&mut LinearFifo<String, S>, usize),
    ) -> Result<(), TestCaseError> {
        let mut model: VecDeque<String> = VecDeque::new();
        let s = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>();
        for op in ops {
            let room = growable || f.writable_len() >= op_len(&op);
            match op {
                Op::Write(v) => {
                    prop_assert_eq!(f.write(&s(&v)).is_ok(), room);
                    if room {
                        model.extend(s(&v));
                    }
                }
                Op::WriteItem(v) => {
                    prop_assert_eq!(f.write_item(v.to_string()).is_ok(), room);
                    if room {
                        model.push_back(v.to_string());
                    }
                }
                Op::Read(n) => {
                    let mut dst = vec![String::from("x"); n];
                    let got = f.read(&mut dst);
                    prop_assert_eq!(got, n.min(model.len()));
                    for d in &dst[..got] {
                        prop_assert_eq!(Some(d.clone()), model.pop_front());
                    }
                }
                Op::ReadItem => prop_assert_eq!(f.read_item(), model.pop_front()),
                Op::Discard(n) => {
                    let n = n.min(model.len());
                    f.discard(n);
                    model.drain(..n);
                }
                Op::Unget(v) => {
                    prop_assert_eq!(f.unget(&s(&v)).is_ok(), room);
                    if room {
                        for x in s(&v).into_iter().rev() {
                            model.push_front(x);
                        }
                    }
                }
                Op::Extend(v) => {
                    prop_assert_eq!(f.extend_exact(s(&v)).is_ok(), room);
                    if room {
                        model.extend(s(&v));
                    }
                }
                Op::Realign => {
                    f.realign();
                    prop_assert_eq!(f.as_slices().1.len(), 0);
                }
                Op::Shrink(n) => {
                    shrink(&mut f, n);
                    prop_assert!(f.capacity() >= f.len());
                }
                Op::Commit(n) => {
                    let n = n.min(f.writable_len());
                    let (a, b) = f.writable_slices();
                    for (i, slot) in a.iter_mut().chain(b.iter_mut()).take(n).enumerate() {
                        slot.write(format!("c{i}"));
                        model.push_back(format!("c{i}"));
                    }
                    // SAFETY: the first `n` free slots were just written, in order.
                    unsafe { f.commit(n) };
                }
            }
            prop_assert_eq!(f.len(), model.len());
            prop_assert!(f.len() <= f.capacity());
            let (a, b) = f.as_slices();
            let (ma, mb) = model.as_slices();
            prop_assert_eq!([a, b].concat(), [ma, mb].concat());
            for i in 0..=model.len() {
                let run = f.readable_slice(i);
                prop_assert_eq!(run.first(), model.get(i));
            }
        }
        Ok(())
    }

    fn op_len(op: &Op) -> usize {
        match op {
            Op::Write(v) | Op::Unget(v) | Op::Extend(v) => v.len(),
            Op::WriteItem(_) => 1,
            _ => 0,
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn static_against_vecdeque(ops in ops()) {
            run_model(LinearFifo::<String, Static<16>>::new(), ops, false, |_, _| {})?;
        }

        #[test]
        fn slice_against_vecdeque(ops in ops(), cap in 0usize..20) {
            let mut mem: Vec<MaybeUninit<String>> = (0..cap).map(|_| MaybeUninit::uninit()).collect();
            run_model(LinearFifo::<String, Slice<'_>>::new(&mut mem), ops, false, |_, _| {})?;
        }

        #[test]
        fn dynamic_against_vecdeque(ops in ops()) {
            run_model(LinearFifo::<String, Dynamic>::new(), ops, true, |f, n| {
                f.shrink(n);
                assert!(f.capacity() == 0 || f.capacity().is_power_of_two());
            })?;
        }

        #[test]
        fn byte_stream_round_trip(chunks in prop::collection::vec((prop::collection::vec(any::<u8>(), 0..40), 0usize..50), 0..size(30, 4))) {
            let mut f = LinearFifo::<u8, Static<64>>::new();
            let mut model: VecDeque<u8> = VecDeque::new();
            for (data, read) in chunks {
                let n = f.write(&data).map(|()| data.len()).unwrap_or(0);
                model.extend(&data[..n]);
                let mut out = vec![0; read];
                let got = Read::read(&mut f, &mut out).unwrap();
                let want: Vec<u8> = model.drain(..read.min(model.len())).collect();
                prop_assert_eq!(&out[..got], &want[..]);
            }
        }
    }
}
