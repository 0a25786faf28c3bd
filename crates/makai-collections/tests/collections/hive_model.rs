//! The hive against a model (a vector of live slots), at the capacities where the bitmap
//! changes shape (1, 4, 63, 64, 65, 4096), for a zero-sized and a sized payload, with
//! re-entrant `alloc_with` constructors that drop other boxes and panic, abandoned and
//! written claims, raw round trips, and drop counting after every step. Also the regressions
//! of the soundness reports: the zero-sized double drop, `from_raw` after the hive moved,
//! `LinearFifo::shrink(usize::MAX)`.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

use makai_collections::capacity::{SlotCount, Slots};
use makai_collections::{
    Dynamic, FallbackBox, HiveArray, HiveBox, HiveClaim, HiveFallback, HiveRc, LinearFifo, RcSlot,
};
use proptest::prelude::*;

use super::{config, size};

thread_local! {
    /// Values constructed and dropped, for every payload type of this file.
    static MADE: Cell<usize> = const { Cell::new(0) };
    static DROPPED: Cell<usize> = const { Cell::new(0) };
}

fn made() -> usize {
    MADE.with(Cell::get)
}

fn dropped() -> usize {
    DROPPED.with(Cell::get)
}

/// A payload that counts its constructions and drops.
trait Payload: Sized {
    fn make(id: u32) -> Self;
    /// The id given to `make`, when the type can hold one.
    fn id(&self) -> Option<u32>;
}

/// A zero-sized token whose `Drop` undoes its constructor, as a capability guard would.
struct Token;

impl Payload for Token {
    fn make(_: u32) -> Self {
        MADE.with(|m| m.set(m.get() + 1));
        Token
    }
    fn id(&self) -> Option<u32> {
        None
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        DROPPED.with(|d| d.set(d.get() + 1));
    }
}

/// A sized payload (with an odd size: 12 bytes, alignment 4).
struct Sized12(u32, [u8; 8]);

impl Payload for Sized12 {
    fn make(id: u32) -> Self {
        MADE.with(|m| m.set(m.get() + 1));
        Sized12(id, [id as u8; 8])
    }
    fn id(&self) -> Option<u32> {
        assert_eq!(self.1, [self.0 as u8; 8]);
        Some(self.0)
    }
}

impl Drop for Sized12 {
    fn drop(&mut self) {
        DROPPED.with(|d| d.set(d.get() + 1));
    }
}

#[derive(Debug, Clone)]
enum Op {
    Alloc,
    /// `alloc_with` whose constructor first drops live box `k` (if any), then allocates another
    /// value if `nested`, then panics if `panic`.
    AllocWith {
        k: usize,
        nested: bool,
        panic: bool,
    },
    Free(usize),
    /// `into_raw` then `from_raw` of box `k`.
    RawRoundTrip(usize),
    /// Claim a slot and abandon it, or write it.
    Claim {
        write: bool,
    },
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            3 => Just(Op::Alloc),
            2 => (any::<usize>(), any::<bool>(), any::<bool>())
                .prop_map(|(k, nested, panic)| Op::AllocWith { k, nested, panic }),
            3 => any::<usize>().prop_map(Op::Free),
            1 => any::<usize>().prop_map(Op::RawRoundTrip),
            1 => any::<bool>().prop_map(|write| Op::Claim { write }),
        ],
        0..size(120, 12),
    )
}

/// The lowest index not in `live`, if below `n`.
fn lowest_free(live: &[(usize, u32)], n: usize) -> Option<usize> {
    (0..n).find(|i| !live.iter().any(|(j, _)| j == i))
}

/// Runs `ops` on a hive of `N` slots of `P`, checking it against the model after every step.
fn run<P: Payload, const N: usize>(ops: &[Op]) -> Result<(), TestCaseError>
where
    Slots<N>: SlotCount,
{
    let start_made = made();
    let start_dropped = dropped();
    {
        let hive = HiveArray::<P, N>::new();
        // Boxes with their slot index and id; the model is the list of (index, id).
        let mut boxes: Vec<(usize, u32, HiveBox<'_, P>)> = Vec::new();
        for (n, op) in ops.iter().enumerate() {
            let id = u32::try_from(n).expect("few ops") + 1;
            match *op {
                Op::Alloc => {
                    let model: Vec<_> = boxes.iter().map(|(i, v, _)| (*i, *v)).collect();
                    let expect = lowest_free(&model, N);
                    match hive.alloc(P::make(id)) {
                        Ok(b) => {
                            let i = hive.index_of(&raw const *b).expect("a slot of the hive");
                            prop_assert_eq!(Some(i), expect);
                            boxes.push((i, id, b));
                        }
                        Err(back) => {
                            prop_assert_eq!(expect, None);
                            drop(back);
                        }
                    }
                }
                Op::AllocWith { k, nested, panic } => {
                    let model: Vec<_> = boxes.iter().map(|(i, v, _)| (*i, *v)).collect();
                    let expect = lowest_free(&model, N);
                    let mut extra = None;
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        hive.alloc_with(|me| {
                            // The constructor uses the hive: frees one box, maybe allocates.
                            if !boxes.is_empty() {
                                let (_, _, b) = boxes.swap_remove(k % boxes.len());
                                drop(b);
                            }
                            if nested && let Ok(b) = hive.alloc(P::make(id + 1_000_000)) {
                                extra = Some(b);
                            }
                            assert!(hive.contains(me.as_ptr()));
                            if panic {
                                panic!("constructor fails");
                            }
                            P::make(id)
                        })
                        .map_err(drop)
                    }));
                    if let Some(b) = extra {
                        let i = hive.index_of(&raw const *b).expect("a slot of the hive");
                        boxes.push((i, id + 1_000_000, b));
                    }
                    match result {
                        Ok(Ok(b)) => {
                            prop_assert!(!panic);
                            let i = hive.index_of(&raw const *b).expect("a slot of the hive");
                            prop_assert_eq!(Some(i), expect);
                            boxes.push((i, id, b));
                        }
                        Ok(Err(())) => prop_assert_eq!(expect, None),
                        Err(_) => prop_assert!(panic && expect.is_some()),
                    }
                }
                Op::Free(k) if !boxes.is_empty() => {
                    let (_, _, b) = boxes.swap_remove(k % boxes.len());
                    drop(b);
                }
                Op::RawRoundTrip(k) if !boxes.is_empty() => {
                    let at = k % boxes.len();
                    let (i, v, b) = boxes.swap_remove(at);
                    let raw = HiveBox::into_raw(b);
                    prop_assert_eq!(hive.index_of(raw.as_ptr()), Some(i));
                    // SAFETY: from `into_raw` of this hive, which has not moved; reclaimed once.
                    let b = unsafe { hive.from_raw(raw) };
                    boxes.push((i, v, b));
                }
                Op::Free(_) | Op::RawRoundTrip(_) => {}
                Op::Claim { write } => {
                    let model: Vec<_> = boxes.iter().map(|(i, v, _)| (*i, *v)).collect();
                    let expect = lowest_free(&model, N);
                    let claim: Option<HiveClaim<'_, P>> = hive.claim();
                    prop_assert_eq!(claim.as_ref().map(HiveClaim::index), expect);
                    if let Some(claim) = claim {
                        let i = claim.index();
                        if write {
                            boxes.push((i, id, claim.write(P::make(id))));
                        } else {
                            drop(claim);
                        }
                    }
                }
            }
            // The hive agrees with the model, and every value constructed and not in a box has
            // been dropped exactly once.
            prop_assert_eq!(hive.len(), boxes.len());
            prop_assert_eq!(hive.is_full(), boxes.len() == N);
            let model: Vec<_> = boxes.iter().map(|(i, v, _)| (*i, *v)).collect();
            prop_assert_eq!(hive.next_free_index(), lowest_free(&model, N));
            for (i, v, b) in &boxes {
                prop_assert_eq!(hive.index_of(&raw const **b), Some(*i));
                if let Some(got) = b.id() {
                    prop_assert_eq!(got, *v);
                }
            }
            prop_assert_eq!(
                (made() - start_made) - (dropped() - start_dropped),
                boxes.len()
            );
        }
        // Leak half of the boxes: the hive drops them.
        for (n, (_, _, b)) in boxes.into_iter().enumerate() {
            if n % 2 == 0 {
                std::mem::forget(b);
            }
        }
    }
    prop_assert_eq!(made() - start_made, dropped() - start_dropped);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn model_zst(ops in ops()) {
        run::<Token, 1>(&ops)?;
        run::<Token, 4>(&ops)?;
        run::<Token, 63>(&ops)?;
        run::<Token, 64>(&ops)?;
        run::<Token, 65>(&ops)?;
        run::<Token, 4096>(&ops)?;
    }

    #[test]
    fn model_sized(ops in ops()) {
        run::<Sized12, 1>(&ops)?;
        run::<Sized12, 4>(&ops)?;
        run::<Sized12, 63>(&ops)?;
        run::<Sized12, 64>(&ops)?;
        run::<Sized12, 65>(&ops)?;
        run::<Sized12, 4096>(&ops)?;
    }
}

/// Issue 20, item 1: a re-entrant `alloc_with` constructor that drops another box of a
/// zero-sized hive and then panics. Before the fix, dropping the other box freed "the lowest
/// used slot", which was the slot under construction; the unwind then freed it again, and the
/// hive's drop ran `Drop` on a token that was never constructed.
#[test]
fn zst_reentrant_alloc_with_drop_then_panic() {
    let start = (made(), dropped());
    {
        let hive = HiveArray::<Token, 4>::new();
        let mut other = Some(hive.alloc(Token::make(0)).ok().unwrap());
        let r = catch_unwind(AssertUnwindSafe(|| {
            let _ = hive.alloc_with(|_| {
                drop(other.take());
                panic!("constructor fails after dropping another box");
            });
        }));
        assert!(r.is_err());
        assert!(hive.is_empty(), "both slots are free again");
        assert_eq!(hive.next_free_index(), Some(0));
        // The two slots keep their identities: a box knows its own.
        let a = hive.alloc(Token::make(1)).ok().unwrap();
        let b = hive.alloc(Token::make(2)).ok().unwrap();
        assert_eq!(hive.index_of(&raw const *a), Some(0));
        assert_eq!(hive.index_of(&raw const *b), Some(1));
        drop(a);
        assert_eq!(
            hive.next_free_index(),
            Some(0),
            "dropping `a` freed slot 0, not slot 1"
        );
        drop(b);
    }
    assert_eq!(made() - start.0, 3);
    assert_eq!(dropped() - start.1, 3, "one drop per constructed token");
}

/// Issue 20, item 2: `from_raw` with a pointer taken before the hive (or pool) moved.
#[test]
fn from_raw_after_the_hive_moved_panics() {
    let hive = HiveArray::<String, 4>::new();
    let raw = HiveBox::into_raw(hive.alloc("kept".to_owned()).unwrap());
    let moved = Box::new(hive); // certainly a new address
    // SAFETY: deliberately breaks "the hive has not moved": `from_raw` must panic before using
    // the stale pointer.
    let r = catch_unwind(AssertUnwindSafe(|| unsafe { drop(moved.from_raw(raw)) }));
    let msg = r.expect_err("stale pointer rejected");
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("moved"), "{msg}");
    assert_eq!(
        moved.len(),
        1,
        "the value stays in the moved hive, dropped with it"
    );

    let pool = HiveFallback::<String, 4>::new();
    let raw = FallbackBox::into_raw(pool.alloc("in the hive".to_owned()));
    let moved = Box::new(pool);
    // SAFETY: as above; the pool has no spilled block out, and the pointer is where its hive
    // was, so `from_raw` must panic rather than free it as a heap block.
    let r = catch_unwind(AssertUnwindSafe(|| unsafe { drop(moved.from_raw(raw)) }));
    let msg = r.expect_err("stale pointer rejected");
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("moved"), "{msg}");
    assert_eq!(moved.hive().len(), 1);

    // With a spilled block out, a pointer into the old place is still recognised.
    let pool = HiveFallback::<String, 1>::new();
    let in_hive = FallbackBox::into_raw(pool.alloc("a".to_owned()));
    let spilled = FallbackBox::into_raw(pool.alloc("b".to_owned()));
    let moved = Box::new(pool);
    // SAFETY: as above for `in_hive`.
    let r = catch_unwind(AssertUnwindSafe(|| unsafe {
        drop(moved.from_raw(in_hive))
    }));
    assert!(r.is_err());
    // SAFETY: a spilled block lives on the heap, so the move did not affect it; reclaimed once.
    let b = unsafe { moved.from_raw(spilled) };
    assert!(FallbackBox::is_spilled(&b));
    assert_eq!(*b, "b");
}

/// Issue 11, bug 3: `shrink` with a size that has no power of two is no shrink at all, in every
/// profile, and never frees the buffer of an empty fifo.
#[test]
fn fifo_shrink_huge_size_is_a_no_op() {
    let mut f = LinearFifo::<u8, Dynamic>::new();
    f.write(b"abc").unwrap();
    for size in [usize::MAX, usize::MAX / 2 + 2, (1 << (usize::BITS - 1)) + 1] {
        f.shrink(size);
        assert_eq!((f.len(), f.capacity()), (3, 4));
    }
    f.shrink(1 << (usize::BITS - 1)); // a power of two, larger than the buffer: no shrink
    assert_eq!(f.capacity(), 4);
    f.clear();
    f.shrink(usize::MAX);
    assert_eq!(f.capacity(), 4, "an empty fifo keeps its buffer");
    f.write(b"xy").unwrap();
    assert_eq!(f.readable_slice(0), b"xy");
    f.shrink(0);
    assert_eq!(f.capacity(), 2);
}

#[test]
fn claims_abandoned_and_leaked() {
    let start = (made(), dropped());
    {
        let hive = HiveArray::<Sized12, 3>::new();
        let a = hive.claim().unwrap();
        let b = hive.claim().unwrap();
        assert_eq!((a.index(), b.index(), hive.len()), (0, 1, 2));
        drop(a);
        assert_eq!(hive.next_free_index(), Some(0));
        let v = b.write(Sized12::make(1));
        assert_eq!(v.id(), Some(1));
        let mut c = hive.claim().unwrap();
        c.as_uninit_mut().write(Sized12::make(2));
        // SAFETY: just initialised.
        let c = unsafe { c.assume_init() };
        assert_eq!(hive.index_of(&raw const *c), Some(0));
        drop((v, c));
        assert!(hive.is_empty());
    }
    assert_eq!((made() - start.0, dropped() - start.1), (2, 2));
    // A leaked claim makes the hive leak its values instead of dropping an empty slot.
    let start = (made(), dropped());
    {
        let hive = HiveArray::<Sized12, 3>::new();
        std::mem::forget(hive.alloc(Sized12::make(1)).ok().unwrap());
        std::mem::forget(hive.claim().unwrap());
        assert_eq!(hive.len(), 2);
    }
    assert_eq!((made() - start.0, dropped() - start.1), (1, 0));
}

#[test]
fn hive_rc_counts_and_frees_on_last_drop() {
    let start = (made(), dropped());
    {
        let hive = HiveArray::<RcSlot<Sized12>, 2>::new();
        let a = hive.alloc_rc(Sized12::make(1)).ok().unwrap();
        let b = a.clone();
        let c = HiveRc::clone(&b);
        assert_eq!(HiveRc::strong_count(&a), 3);
        assert!(HiveRc::ptr_eq(&a, &c));
        let other = hive.alloc_rc(Sized12::make(2)).ok().unwrap();
        assert!(hive.is_full());
        assert!(hive.alloc_rc(Sized12::make(3)).is_err());
        assert_eq!(
            dropped() - start.1,
            1,
            "the refused value was given back and dropped"
        );
        drop(a);
        drop(c);
        assert_eq!((HiveRc::strong_count(&b), b.id()), (1, Some(1)));
        assert_eq!(dropped() - start.1, 1);
        drop(b);
        assert_eq!(dropped() - start.1, 2);
        assert_eq!(hive.len(), 1);
        let mut other = other;
        assert!(HiveRc::get_mut(&mut other).is_some());
        assert_eq!(hive.next_free_index(), Some(0));
        let again = hive.alloc_rc(Sized12::make(4)).ok().unwrap();
        assert_eq!(hive.next_free_index(), None);
        // A leaked handle's value is dropped with the hive.
        std::mem::forget(again);
        drop(other);
    }
    assert_eq!((made() - start.0, dropped() - start.1), (4, 4));
}

#[test]
fn alloc_expect_needs_no_debug() {
    let hive = HiveArray::<Token, 1>::new();
    let t = hive.alloc_expect(Token::make(0), "pool");
    let r = catch_unwind(AssertUnwindSafe(|| {
        hive.alloc_expect(Token::make(1), "pool")
    }));
    let msg = r.err().expect("full");
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(msg, "pool: HiveArray full (1 slots)");
    drop(t);
}

#[test]
fn foreign_zst_pointer_is_rejected() {
    let hive = HiveArray::<Token, 4>::new();
    let _a = hive.alloc(Token::make(0)).ok().unwrap();
    let free_slot = hive.claim().map(|c| c.as_ptr()).unwrap(); // slot 1, freed again
    // SAFETY: deliberately invalid: slot 1 is free, so `from_raw` must panic.
    let r = catch_unwind(AssertUnwindSafe(|| unsafe {
        drop(hive.from_raw(free_slot))
    }));
    assert!(r.is_err());
    let far: NonNull<Token> = NonNull::dangling();
    // SAFETY: deliberately invalid: not inside the hive.
    let r = catch_unwind(AssertUnwindSafe(|| unsafe { drop(hive.from_raw(far)) }));
    assert!(r.is_err());
}

/// `read_from` on every storage: bytes go straight into the free space, across the wrap over
/// several calls, and a `Slice` fifo over uninitialised memory is zeroed before `read` sees it.
#[test]
fn fifo_read_from_every_storage() {
    use makai_collections::{Slice, Static};
    use std::io::Read;
    use std::mem::MaybeUninit;

    /// A reader that yields at most 5 bytes per call.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(5).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let input: Vec<u8> = (0..40u8).collect();

    fn pump<S: makai_collections::fifo::Storage<u8>>(
        f: &mut LinearFifo<u8, S>,
        input: &[u8],
    ) -> Vec<u8> {
        let mut src = Trickle(input);
        let mut out = Vec::new();
        loop {
            let n = f.read_from(&mut src, 8).unwrap();
            // Drain all but two bytes, so later reads wrap around the end of the buffer.
            let mut buf = [0u8; 16];
            let keep = if n == 0 { 0 } else { 2 };
            let take = f.len().saturating_sub(keep);
            let got = f.read(&mut buf[..take]);
            out.extend_from_slice(&buf[..got]);
            if n == 0 && f.is_empty() {
                return out;
            }
        }
    }
    let mut d = LinearFifo::<u8, Dynamic>::new();
    assert_eq!(pump(&mut d, &input), input);
    let mut s = LinearFifo::<u8, Static<8>>::new();
    assert_eq!(pump(&mut s, &input), input);
    let mut mem = [MaybeUninit::<u8>::uninit(); 8];
    let mut sl = LinearFifo::<u8, Slice<'_>>::from_slice(&mut mem);
    assert_eq!(pump(&mut sl, &input), input);
    // Full fixed storage reads nothing.
    let mut full = LinearFifo::<u8, Static<2>>::new();
    full.write(b"ab").unwrap();
    assert_eq!(full.read_from(&mut Trickle(b"xyz"), 1).unwrap(), 0);
}
