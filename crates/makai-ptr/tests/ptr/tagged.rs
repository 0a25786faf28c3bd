//! `TaggedPtr`, `TagScheme` and `tagged_union!`: round trips for every payload kind and tag,
//! drop counting, reference counts through clone and drop, raw words, and property tests.
// Several unions below (alignment-1 payloads, 20 variants) need the high-bit scheme, which exists
// only where the top address bits are free; elsewhere they are compile errors by design.
#![cfg(all(
    target_pointer_width = "64",
    not(all(target_arch = "aarch64", target_os = "android"))
))]

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;
use std::rc::Rc;

use makai_ptr::{RefCount, RefPtr, TagScheme, TaggedPtr, ref_counted, tagged_union};
use proptest::prelude::*;

/// Counts its drops in a shared cell.
#[derive(Debug)]
struct Counted {
    value: u64,
    drops: Rc<Cell<usize>>,
}

impl Clone for Counted {
    fn clone(&self) -> Self {
        Self {
            value: self.value,
            drops: Rc::clone(&self.drops),
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

/// A zero-sized payload whose drops are counted in a thread-local.
#[derive(Debug, Clone)]
struct ZstDrop;

thread_local! {
    static ZST_DROPS: Cell<usize> = const { Cell::new(0) };
}

impl Drop for ZstDrop {
    fn drop(&mut self) {
        ZST_DROPS.with(|d| d.set(d.get() + 1));
    }
}

#[derive(Debug)]
struct Timer {
    ms: u32,
}

#[derive(Debug)]
struct Read {
    refs: RefCount,
    fd: i32,
}
ref_counted!(Read, refs);

#[derive(Debug)]
struct Thing {
    id: u16,
}

tagged_union! {
    /// One of each payload kind.
    pub Task {
        /// Owned.
        Stat(Box<Counted>),
        Timer(&'static Timer),
        Read(RefPtr<Read>),
        Raw(NonNull<Thing>),
        Unit(Box<ZstDrop>),
    }
}

static TICK: Timer = Timer { ms: 16 };
static TOCK: Timer = Timer { ms: 250 };

fn counted(value: u64, drops: &Rc<Cell<usize>>) -> Box<Counted> {
    Box::new(Counted {
        value,
        drops: Rc::clone(drops),
    })
}

fn read(fd: i32) -> RefPtr<Read> {
    RefPtr::new(Read {
        refs: RefCount::new(),
        fd,
    })
}

/// Dispatches exhaustively; the value identifies variant and payload.
fn describe(task: &Task) -> String {
    match task.as_ref() {
        TaskRef::Stat(c) => format!("stat {}", c.value),
        TaskRef::Timer(t) => format!("timer {}", t.ms),
        TaskRef::Read(r) => format!("read {}", r.fd),
        TaskRef::Raw(p) => {
            // SAFETY: every `Raw` in these tests points to a live `Thing` on the test's stack.
            format!("raw {}", unsafe { p.as_ref() }.id)
        }
        TaskRef::Unit(_) => "unit".to_owned(),
    }
}

#[test]
fn sizes_and_scheme() {
    assert_eq!(size_of::<Task>(), size_of::<usize>());
    assert_eq!(size_of::<Option<Task>>(), size_of::<usize>());
    assert_eq!(Task::VARIANT_COUNT, 5);
    assert_eq!(
        Task::VARIANT_NAMES,
        ["Stat", "Timer", "Read", "Raw", "Unit"]
    );
    // `Thing` (align 2) and `ZstDrop` (align 1) leave no room for 3 low bits.
    if TagScheme::HIGH_BITS_AVAILABLE {
        assert_eq!(Task::SCHEME, TagScheme::High16);
    }
}

#[test]
fn every_payload_kind_round_trips_with_its_tag() {
    let drops = Rc::new(Cell::new(0));
    let thing = Thing { id: 9 };
    let r = read(4);
    let tasks = [
        Task::Stat(counted(7, &drops)),
        Task::Timer(&TICK),
        Task::Read(r.clone()),
        Task::Raw(NonNull::from(&thing)),
        Task::Unit(Box::new(ZstDrop)),
    ];
    let described: Vec<String> = tasks.iter().map(describe).collect();
    assert_eq!(described, ["stat 7", "timer 16", "read 4", "raw 9", "unit"]);
    for (i, t) in tasks.iter().enumerate() {
        assert_eq!(t.tag() as usize, i);
        assert_eq!(t.variant_name(), Task::VARIANT_NAMES[i]);
    }
    assert_eq!(r.ref_count(), 2);

    let mut owned = tasks.map(Task::into_inner).into_iter();
    match owned.next() {
        Some(TaskOwned::Stat(b)) => assert_eq!(b.value, 7),
        other => panic!("expected Stat, got {other:?}"),
    }
    match owned.next() {
        Some(TaskOwned::Timer(t)) => assert!(std::ptr::eq(t, &raw const TICK)),
        other => panic!("expected Timer, got {other:?}"),
    }
    match owned.next() {
        Some(TaskOwned::Read(p)) => assert!(p.ptr_eq(&r)),
        _ => panic!("expected Read"),
    }
    match owned.next() {
        Some(TaskOwned::Raw(p)) => assert_eq!(p, NonNull::from(&thing)),
        other => panic!("expected Raw, got {other:?}"),
    }
    assert!(matches!(owned.next(), Some(TaskOwned::Unit(_))));
    drop(owned);
    assert_eq!(
        drops.get(),
        1,
        "the owned Counted is dropped once, with its TaskOwned"
    );
    assert_eq!(r.ref_count(), 1);
}

#[test]
fn owned_payloads_drop_exactly_once_and_borrowed_never() {
    let drops = Rc::new(Cell::new(0));
    let zst_before = ZST_DROPS.with(Cell::get);
    {
        let a = Task::Stat(counted(1, &drops));
        let b = Task::Stat(counted(2, &drops));
        let _unit = Task::Unit(Box::new(ZstDrop));
        let timer = Task::Timer(&TOCK);
        assert_eq!(describe(&timer), "timer 250");
        drop(a);
        assert_eq!(drops.get(), 1);
        // into_inner moves ownership out: the handle's own Drop must not run again.
        let TaskOwned::Stat(inner) = b.into_inner() else {
            panic!("expected Stat");
        };
        assert_eq!(drops.get(), 1);
        drop(inner);
        assert_eq!(drops.get(), 2);
    }
    assert_eq!(drops.get(), 2);
    assert_eq!(ZST_DROPS.with(Cell::get) - zst_before, 1);
    // The statics are untouched (a borrowed payload is never dropped or freed).
    assert_eq!((TICK.ms, TOCK.ms), (16, 250));
}

#[test]
fn clone_clones_each_payload_kind() {
    let drops = Rc::new(Cell::new(0));
    let thing = Thing { id: 3 };
    let r = read(11);
    let originals = [
        Task::Stat(counted(5, &drops)),
        Task::Timer(&TICK),
        Task::Read(r.clone()),
        Task::Raw(NonNull::from(&thing)),
        Task::Unit(Box::new(ZstDrop)),
    ];
    let copies = originals.clone();
    assert_eq!(
        r.ref_count(),
        3,
        "cloning the Read handle increments the count"
    );
    for (o, c) in originals.iter().zip(&copies) {
        assert_eq!(describe(o), describe(c));
        assert_eq!(o.tag(), c.tag());
    }
    // The boxed payload is a deep copy; the borrowed ones share their target.
    assert_ne!(
        originals[0].get_ptr::<Counted>(),
        copies[0].get_ptr::<Counted>()
    );
    assert_eq!(
        originals[1].get_ptr::<Timer>(),
        copies[1].get_ptr::<Timer>()
    );
    assert_eq!(
        originals[3].get_ptr::<Thing>(),
        copies[3].get_ptr::<Thing>()
    );
    drop(originals);
    assert_eq!((drops.get(), r.ref_count()), (1, 2));
    drop(copies);
    assert_eq!((drops.get(), r.ref_count()), (2, 1));
}

#[test]
fn clone_while_a_view_is_borrowed() {
    // Cloning must not invalidate references the view handed out (Miri checks the aliasing).
    let drops = Rc::new(Cell::new(0));
    let task = Task::Stat(counted(42, &drops));
    let TaskRef::Stat(borrowed) = task.as_ref() else {
        panic!("expected Stat");
    };
    let copy = task.clone();
    assert_eq!(borrowed.value, 42);
    assert_eq!(describe(&copy), "stat 42");
    drop(copy);
    assert_eq!(borrowed.value, 42);
}

#[test]
fn ref_ptr_counts_through_the_union() {
    let r = read(5);
    assert_eq!(r.ref_count(), 1);
    let t = Task::Read(r.clone());
    assert_eq!(r.ref_count(), 2);
    let t2 = t.clone();
    assert_eq!(r.ref_count(), 3);
    let word = t2.into_raw_word();
    assert_eq!(r.ref_count(), 3, "the raw word keeps its reference");
    // SAFETY: `word` came from `into_raw_word` of a `Task` and is taken back once.
    let t3 = unsafe { Task::from_raw_word(word) };
    assert_eq!(describe(&t3), "read 5");
    drop(t3);
    assert_eq!(r.ref_count(), 2);
    let TaskOwned::Read(p) = t.into_inner() else {
        panic!("expected Read");
    };
    assert_eq!(r.ref_count(), 2);
    drop(p);
    assert_eq!(r.ref_count(), 1);
}

#[test]
fn typed_access() {
    let drops = Rc::new(Cell::new(0));
    let thing = Thing { id: 1 };
    let stat = Task::Stat(counted(8, &drops));
    let timer = Task::Timer(&TICK);
    let raw = Task::Raw(NonNull::from(&thing));
    assert!(stat.is::<Counted>() && !stat.is::<Timer>() && !stat.is::<u64>());
    assert_eq!(stat.get::<Counted>().map(|c| c.value), Some(8));
    assert!(stat.get::<Timer>().is_none());
    assert_eq!(timer.get::<Timer>().map(|t| t.ms), Some(16));
    // A `NonNull` payload is never lent as a reference, only as a pointer.
    assert!(raw.is::<Thing>());
    assert!(raw.get::<Thing>().is_none());
    assert_eq!(raw.get_ptr::<Thing>(), Some(NonNull::from(&thing)));
    assert_eq!(raw.get_ptr::<Timer>(), None);
}

#[test]
fn owned_view_converts_back() {
    let drops = Rc::new(Cell::new(0));
    let t = Task::from(TaskOwned::Stat(counted(3, &drops)));
    assert_eq!(describe(&t), "stat 3");
    let t = Task::from(t.into_inner());
    assert_eq!(describe(&t), "stat 3");
    drop(t);
    assert_eq!(drops.get(), 1);
}

#[test]
fn debug_shows_variant_and_payload() {
    let t = Task::Timer(&TICK);
    let shown = format!("{t:?}");
    assert!(shown.starts_with("Task::Timer(0x"), "{shown}");
    assert_eq!(format!("{:?}", t.as_ref()), "Timer(Timer { ms: 16 })");
    assert_eq!(format!("{:?}", t.into_inner()), "Timer(Timer { ms: 16 })");
}

#[test]
fn raw_words_round_trip_and_bad_words_are_rejected() {
    let drops = Rc::new(Cell::new(0));
    let word = Task::Stat(counted(6, &drops)).into_raw_word();
    assert!(Task::is_valid_raw_word(word));
    assert!(!Task::is_valid_raw_word(std::ptr::null()));
    // SAFETY: a null word is rejected before anything is built.
    assert!(unsafe { Task::try_from_raw_word(std::ptr::null_mut()) }.is_none());
    // SAFETY: `word` came from `into_raw_word`; taken back once.
    let back = unsafe { Task::try_from_raw_word(word) }.expect("a valid word");
    assert_eq!(describe(&back), "stat 6");
    drop(back);
    assert_eq!(drops.get(), 1);
}

// ---------------------------------------------------------------------------------------------
// The low-bit scheme, and words with out-of-range tags.

tagged_union! {
    pub(crate) Small { Wide(Box<u64>), Narrow(&'static u32), Ptr(NonNull<u32>) }
}

#[test]
fn low_bit_scheme_when_alignment_allows() {
    assert_eq!(Small::SCHEME, TagScheme::LowBits { bits: 2 });
    static N: u32 = 77;
    let mut slot = 5u32;
    let items = [
        Small::Wide(Box::new(u64::MAX)),
        Small::Narrow(&N),
        Small::Ptr(NonNull::from(&mut slot)),
    ];
    let seen: Vec<u64> = items
        .iter()
        .map(|s| match s.as_ref() {
            SmallRef::Wide(w) => *w,
            SmallRef::Narrow(n) => u64::from(*n),
            // SAFETY: points to `slot`, alive and not otherwise borrowed.
            SmallRef::Ptr(p) => u64::from(unsafe { *p.as_ptr() }),
        })
        .collect();
    assert_eq!(seen, [u64::MAX, 77, 5]);

    // Tag 3 is in the 2 tag bits but names no variant: rejected, not trusted.
    let word = Small::Narrow(&N).into_raw_word();
    let forged = word.map_addr(|a| (a & !3) | 3);
    assert!(!Small::is_valid_raw_word(forged));
    // SAFETY: the forged word fails the tag check, so nothing is built from it.
    assert!(unsafe { Small::try_from_raw_word(forged) }.is_none());
    // SAFETY: the genuine word, taken back once.
    let back = unsafe { Small::from_raw_word(word) };
    assert!(matches!(back.as_ref(), SmallRef::Narrow(n) if *n == 77));
}

#[test]
fn misaligned_nonnull_panics_under_the_low_bit_scheme() {
    let words = [0u32; 2];
    let misaligned = NonNull::from(&words)
        .cast::<u8>()
        .map_addr(|a| a | 1)
        .cast::<u32>();
    let err = catch_unwind(AssertUnwindSafe(|| Small::Ptr(misaligned)))
        .expect_err("a misaligned NonNull cannot carry a low-bit tag");
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(
        msg.contains("Small::Ptr") && msg.contains("not aligned"),
        "{msg}"
    );
}

/// Under the high-bit scheme an address using the top bits is refused.
#[test]
fn high_bit_scheme_refuses_addresses_that_use_the_top_bits() {
    if !TagScheme::HIGH_BITS_AVAILABLE {
        return;
    }
    let thing = Thing { id: 0 };
    let top = NonNull::from(&thing).map_addr(|a| a | (1 << (usize::BITS - 2)));
    let err = catch_unwind(AssertUnwindSafe(|| Task::Raw(top)))
        .expect_err("the address's top bits would be lost");
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(
        msg.contains("Task::Raw") && msg.contains("top 16 bits"),
        "{msg}"
    );
    // Forged words with a tag past the last variant are rejected too.
    let word = Task::Timer(&TICK).into_raw_word();
    let forged = word.map_addr(|a| a | (7 << (usize::BITS - 16)));
    assert!(!Task::is_valid_raw_word(forged));
    // SAFETY: the genuine word, taken back once.
    drop(unsafe { Task::from_raw_word(word) });
}

// ---------------------------------------------------------------------------------------------
// A union with an alignment-1 payload, and one with 20 variants.

tagged_union! {
    Bytes { One(Box<u8>), Text(&'static [u8; 5]), Pair(Box<[u8; 2]>) }
}

#[test]
fn alignment_one_payload_union_round_trips() {
    if TagScheme::HIGH_BITS_AVAILABLE {
        assert_eq!(Bytes::SCHEME, TagScheme::High16);
    }
    let items = [
        Bytes::One(Box::new(200)),
        Bytes::Text(b"hello"),
        Bytes::Pair(Box::new([1, 2])),
    ];
    let sums: Vec<usize> = items
        .iter()
        .map(|b| match b.as_ref() {
            BytesRef::One(v) => usize::from(*v),
            BytesRef::Text(s) => s.len(),
            BytesRef::Pair(p) => usize::from(p[0]) + usize::from(p[1]),
        })
        .collect();
    assert_eq!(sums, [200, 5, 3]);
    assert_eq!(items.iter().map(Bytes::tag).collect::<Vec<_>>(), [0, 1, 2]);
}

tagged_union! {
    pub Twenty {
        V0(Box<u64>), V1(Box<u64>), V2(Box<u64>), V3(Box<u64>), V4(Box<u64>),
        V5(Box<u64>), V6(Box<u64>), V7(Box<u64>), V8(Box<u64>), V9(Box<u64>),
        V10(Box<u64>), V11(Box<u64>), V12(Box<u64>), V13(Box<u64>), V14(Box<u64>),
        V15(Box<u64>), V16(Box<u64>), V17(Box<u64>), V18(Box<u64>), V19(Box<u64>),
    }
}

/// Builds variant `i` of `Twenty` around `v`.
fn twenty(i: usize, v: u64) -> Twenty {
    let b = Box::new(v);
    match i {
        0 => Twenty::V0(b),
        1 => Twenty::V1(b),
        2 => Twenty::V2(b),
        3 => Twenty::V3(b),
        4 => Twenty::V4(b),
        5 => Twenty::V5(b),
        6 => Twenty::V6(b),
        7 => Twenty::V7(b),
        8 => Twenty::V8(b),
        9 => Twenty::V9(b),
        10 => Twenty::V10(b),
        11 => Twenty::V11(b),
        12 => Twenty::V12(b),
        13 => Twenty::V13(b),
        14 => Twenty::V14(b),
        15 => Twenty::V15(b),
        16 => Twenty::V16(b),
        17 => Twenty::V17(b),
        18 => Twenty::V18(b),
        19 => Twenty::V19(b),
        _ => unreachable!("Twenty has 20 variants"),
    }
}

/// The variant index and value, read through the exhaustive borrowed view.
fn untwenty(t: &Twenty) -> (usize, u64) {
    match t.as_ref() {
        TwentyRef::V0(v) => (0, *v),
        TwentyRef::V1(v) => (1, *v),
        TwentyRef::V2(v) => (2, *v),
        TwentyRef::V3(v) => (3, *v),
        TwentyRef::V4(v) => (4, *v),
        TwentyRef::V5(v) => (5, *v),
        TwentyRef::V6(v) => (6, *v),
        TwentyRef::V7(v) => (7, *v),
        TwentyRef::V8(v) => (8, *v),
        TwentyRef::V9(v) => (9, *v),
        TwentyRef::V10(v) => (10, *v),
        TwentyRef::V11(v) => (11, *v),
        TwentyRef::V12(v) => (12, *v),
        TwentyRef::V13(v) => (13, *v),
        TwentyRef::V14(v) => (14, *v),
        TwentyRef::V15(v) => (15, *v),
        TwentyRef::V16(v) => (16, *v),
        TwentyRef::V17(v) => (17, *v),
        TwentyRef::V18(v) => (18, *v),
        TwentyRef::V19(v) => (19, *v),
    }
}

#[test]
fn twenty_variants_round_trip_every_tag() {
    if TagScheme::HIGH_BITS_AVAILABLE {
        assert_eq!(Twenty::SCHEME, TagScheme::High16);
    }
    for i in 0..20 {
        let t = twenty(i, i as u64 * 1000 + 1);
        assert_eq!(t.tag() as usize, i);
        assert_eq!(untwenty(&t), (i, i as u64 * 1000 + 1));
        let c = t.clone();
        // SAFETY: the word came from `into_raw_word` and is taken back once.
        let back = unsafe { Twenty::from_raw_word(t.into_raw_word()) };
        assert_eq!(untwenty(&back), untwenty(&c));
    }
}

// ---------------------------------------------------------------------------------------------
// A non-Clone payload still compiles; Send/Sync follow the payloads.

struct NotClone(#[expect(dead_code, reason = "only the type matters")] u8);

tagged_union! {
    Mixed { Plain(Box<NotClone>), Shared(&'static u8) }
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn non_clone_payload_compiles_and_auto_traits_follow_payloads() {
    let m = Mixed::Plain(Box::new(NotClone(1)));
    assert!(m.is::<NotClone>());
    assert_send_sync::<Mixed>();
    assert_send_sync::<Bytes>();
}

// ---------------------------------------------------------------------------------------------
// Property tests.

proptest! {
    // No failure file: Miri's isolation forbids the file system. Natively the case count comes
    // from `PROPTEST_CASES` (default 256); under Miri it is 4, whatever the environment says.
    #![proptest_config(makai_testkit::proptest_config())]

    /// `TaggedPtr` keeps pointer and tag for every tag.
    #[test]
    fn tagged_ptr_round_trips(values in proptest::collection::vec(any::<u64>(), 1..16), tags in proptest::collection::vec(0usize..8, 1..16)) {
        for (v, &tag) in values.iter().zip(&tags) {
            let p = TaggedPtr::<u64, 3>::new(NonNull::from(v), tag);
            prop_assert_eq!(p.tag(), tag);
            // SAFETY: points to `v`, alive and shared.
            prop_assert_eq!(unsafe { *p.ptr().as_ref() }, *v);
        }
    }

    /// A queue of handles over many tags matches a `Vec<(tag, value)>` model through build,
    /// view, clone, raw words and into_inner.
    #[test]
    fn union_matches_model(ops in proptest::collection::vec((0usize..20, any::<u64>(), any::<bool>()), 0..40)) {
        let mut model = Vec::new();
        let mut queue = Vec::new();
        for &(i, v, via_raw) in &ops {
            let t = twenty(i, v);
            let t = if via_raw {
                // SAFETY: the word came from `into_raw_word` and is taken back once.
                unsafe { Twenty::from_raw_word(t.into_raw_word()) }
            } else {
                t.clone()
            };
            queue.push(t);
            model.push((i, v));
        }
        let seen: Vec<(usize, u64)> = queue.iter().map(untwenty).collect();
        prop_assert_eq!(&seen, &model);
        let tags: Vec<usize> = queue.iter().map(|t| t.tag() as usize).collect();
        prop_assert_eq!(tags, model.iter().map(|m| m.0).collect::<Vec<_>>());
        for (t, &(_, v)) in queue.into_iter().zip(&model) {
            let (TwentyOwned::V0(b) | TwentyOwned::V1(b) | TwentyOwned::V2(b) | TwentyOwned::V3(b)
            | TwentyOwned::V4(b) | TwentyOwned::V5(b) | TwentyOwned::V6(b) | TwentyOwned::V7(b)
            | TwentyOwned::V8(b) | TwentyOwned::V9(b) | TwentyOwned::V10(b) | TwentyOwned::V11(b)
            | TwentyOwned::V12(b) | TwentyOwned::V13(b) | TwentyOwned::V14(b) | TwentyOwned::V15(b)
            | TwentyOwned::V16(b) | TwentyOwned::V17(b) | TwentyOwned::V18(b) | TwentyOwned::V19(b)) = t.into_inner();
            prop_assert_eq!(*b, v);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The smallest union: one variant, no tag bits at all.

tagged_union! {
    Single { Only(Box<[u8; 3]>) }
}

#[test]
fn single_variant_union_needs_no_tag_bits() {
    assert_eq!(Single::SCHEME, TagScheme::LowBits { bits: 0 });
    let s = Single::Only(Box::new([1, 2, 3]));
    assert_eq!(s.tag(), 0);
    let SingleRef::Only(bytes) = s.as_ref();
    assert_eq!(bytes, &[1, 2, 3]);
    let word = s.into_raw_word();
    assert!(Single::is_valid_raw_word(word));
    // SAFETY: the word came from `into_raw_word` and is taken back once.
    let SingleOwned::Only(back) = unsafe { Single::from_raw_word(word) }.into_inner();
    assert_eq!(*back, [1, 2, 3]);
}
