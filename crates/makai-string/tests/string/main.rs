//! Integration tests of makai-string: models against `String`/`str`, the builder's shared
//! slices, panics, and allocation counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use makai_alloc::{AllocError, Allocator, Global};
use makai_string::{Filler, SmolStr, Str, StringBuilder};
use proptest::prelude::*;

mod alloc_failures;
mod builder_two_phase;
#[cfg(feature = "serde")]
mod serde_str;

// ---------------------------------------------------------------------------------------------
// Allocation counting: a global allocator with per-thread counters, so tests running in
// parallel do not see each other's allocations.

struct ThreadCounting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    static FREES: Cell<usize> = const { Cell::new(0) };
}

fn bump(counter: &'static std::thread::LocalKey<Cell<usize>>) {
    // `try_with`: the allocator may run while thread locals are being torn down.
    let _ = counter.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards to `System` unchanged; the counters do not touch memory.
unsafe impl GlobalAlloc for ThreadCounting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(&ALLOCS);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        bump(&FREES);
        // SAFETY: `ptr` came from `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: ThreadCounting = ThreadCounting;

/// Runs `f` and returns how many blocks this thread allocated and freed meanwhile.
fn counted<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    let (a0, f0) = (ALLOCS.with(Cell::get), FREES.with(Cell::get));
    let r = f();
    let (a1, f1) = (ALLOCS.with(Cell::get), FREES.with(Cell::get));
    (r, a1 - a0, f1 - f0)
}

/// An allocator value that counts its blocks across threads (for `with_allocator`).
#[derive(Clone, Default)]
struct CountingAlloc {
    allocs: Arc<AtomicUsize>,
    frees: Arc<AtomicUsize>,
}

impl CountingAlloc {
    fn allocs(&self) -> usize {
        // SeqCst: read after the threads that freed were joined; ordering is not a concern.
        self.allocs.load(Ordering::SeqCst)
    }
    fn frees(&self) -> usize {
        // SeqCst: as above.
        self.frees.load(Ordering::SeqCst)
    }
}

// SAFETY: forwards to `Global` unchanged; clones share counters and are the same allocator.
unsafe impl Allocator for CountingAlloc {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        // SeqCst: a plain statistic; see `allocs`.
        self.allocs.fetch_add(1, Ordering::SeqCst);
        Global.allocate(layout)
    }
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SeqCst: a plain statistic; see `allocs`.
        self.frees.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the block came from `Global` through this allocator with `layout`.
        unsafe { Global.deallocate(ptr, layout) }
    }
}

/// An allocator that always fails.
struct Refuse;

// SAFETY: it never hands out a block, so there is nothing to keep valid.
unsafe impl Allocator for Refuse {
    fn allocate(&self, _: Layout) -> Result<NonNull<[u8]>, AllocError> {
        Err(AllocError)
    }
    unsafe fn deallocate(&self, _: NonNull<u8>, _: Layout) {
        unreachable!("Refuse never allocates");
    }
}

fn panic_message(err: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = err.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = err.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        String::from("<non-string panic>")
    }
}

// ---------------------------------------------------------------------------------------------
// Layout facts

#[test]
fn sizes_are_sixteen_bytes_with_a_niche() {
    assert_eq!(size_of::<SmolStr>(), 16);
    assert_eq!(size_of::<Option<SmolStr>>(), 16);
    assert_eq!(size_of::<Str>(), 16);
    assert_eq!(size_of::<Option<Str>>(), 16);
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Str>();
    send_sync::<SmolStr>();
    fn send<T: Send>() {}
    send::<Filler>();
}

#[test]
fn sixteen_bytes_inline_seventeen_on_the_heap() {
    let s16 = "0123456789abcdef";
    let s17 = "0123456789abcdefg";
    let ((), allocs, _) = counted(|| {
        assert!(SmolStr::from(s16).is_inline());
        assert!(Str::from(s16).is_inline());
    });
    assert_eq!(allocs, 0, "16 bytes must not allocate");
    assert!(!SmolStr::from(s17).is_inline());
    assert!(!Str::from(s17).is_inline());
    assert_eq!(SmolStr::new().capacity(), 16);
}

// ---------------------------------------------------------------------------------------------
// SmolStr against String

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
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        rng_algorithm: if cfg!(miri) {
            proptest::test_runner::RngAlgorithm::XorShift
        } else {
            ProptestConfig::default().rng_algorithm
        },
        ..ProptestConfig::default()
    })]

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

#[test]
fn map_lookups_by_str() {
    let mut h: HashMap<Str, u32> = HashMap::new();
    h.insert(Str::from("short"), 1);
    h.insert(Str::from("a key that lives on the heap"), 2);
    h.insert(Str::from_static("static key"), 3);
    assert_eq!(h.get("short"), Some(&1));
    assert_eq!(h.get("a key that lives on the heap"), Some(&2));
    assert_eq!(h.get("static key"), Some(&3));
    let b: BTreeMap<SmolStr, u32> = [(SmolStr::from("b"), 2), (SmolStr::from("a"), 1)].into();
    assert_eq!(b.get("a"), Some(&1));
    assert_eq!(b.keys().next().map(SmolStr::as_str), Some("a"));
}

#[test]
fn multi_byte_utf8_at_the_inline_boundary() {
    // 13 ASCII + '€' (3 bytes) = 16 bytes, the last byte a continuation byte (0xAC).
    let mut s = SmolStr::from("abcdefghijklm");
    s.push('€');
    assert!(s.is_inline());
    assert_eq!(s.len(), 16);
    assert_eq!(s.as_bytes()[15], 0xAC);
    assert_eq!(s, "abcdefghijklm€");
    assert_eq!(s.pop(), Some('€'));
    assert_eq!(s.len(), 13);
    assert!(s.is_inline());
    // 14 + 3 = 17 bytes: spills.
    s.push('n');
    s.push('€');
    assert!(!s.is_inline());
    assert_eq!(s, "abcdefghijklmn€");
    // Eight 2-byte chars, four 4-byte chars: both exactly 16 bytes inline.
    for t in ["éééééééé", "😀😀😀😀", "a😀😀😀bcd"] {
        let x = Str::from(t);
        assert!(x.is_inline(), "{t}");
        assert_eq!(x, t);
        let y = SmolStr::from(t);
        assert_eq!(y, t);
        assert_eq!(x, Str::from(String::from(t)));
    }
    // A 4-byte char that does not fit goes to the heap whole.
    let mut e = SmolStr::from("0123456789abc");
    e.push('😀');
    assert!(!e.is_inline());
    assert_eq!(e, "0123456789abc😀");
    // Truncating inside a character panics; on a boundary it works.
    let mut t = SmolStr::from("aé");
    let err = catch_unwind(AssertUnwindSafe(|| t.truncate(2))).unwrap_err();
    assert!(panic_message(err).contains("not a char boundary"));
    t.truncate(1);
    assert_eq!(t, "a");
}

#[test]
fn from_utf8_rejects_invalid_bytes() {
    let bad: [&[u8]; 6] = [
        b"\xff",
        b"\xc3",
        b"\xc0\x80",
        b"\xed\xa0\x80",
        b"0123456789abcde\xe2\x82",
        b"a string longer than sixteen \xf0\x28\x8c\x28",
    ];
    for b in bad {
        assert!(SmolStr::from_utf8(b).is_err(), "{b:?}");
        assert!(Str::from_utf8(b).is_err(), "{b:?}");
    }
    assert_eq!(
        Str::from_utf8("0123456789abcde€".as_bytes()).unwrap(),
        "0123456789abcde€"
    );
    assert_eq!(SmolStr::from_utf8(b"").unwrap(), "");
}

#[test]
fn reserve_and_allocation_errors() {
    let mut s = SmolStr::from("abc");
    assert!(s.try_reserve(usize::MAX).is_err());
    assert!(s.try_reserve(usize::MAX - 2).is_err());
    assert_eq!(s, "abc");
    s.reserve(13);
    assert!(s.is_inline(), "3 + 13 = 16 still fits inline");
    s.reserve(14);
    assert!(!s.is_inline() && s.capacity() >= 17);
    let cap = s.capacity();
    assert!(s.try_reserve(usize::MAX / 2).is_err());
    assert_eq!((s.as_str(), s.capacity()), ("abc", cap));
    assert!(SmolStr::try_with_capacity(usize::MAX).is_err());
    let mut e = SmolStr::with_capacity(0);
    assert!(e.is_inline());
    e.clear();
    assert_eq!(e.pop(), None);
}

#[test]
fn conversions_and_traits() {
    use std::fmt::Write as _;
    let long = "a longer string with more than 16 bytes";
    let s: SmolStr = long.parse().unwrap();
    assert_eq!(String::from(s.clone()), long);
    assert_eq!(&*Box::<str>::from(s.clone()), long);
    let shared = Str::from(Box::<str>::from(long));
    assert_eq!(String::from(shared.clone()), long);
    assert_eq!(format!("{shared}|{shared:?}"), format!("{long}|{long:?}"));
    assert_eq!(format!("{s:>45}"), format!("{long:>45}"));
    let collected: Str = "héllo".chars().collect();
    assert_eq!(collected, "héllo");
    let mut grown: SmolStr = ["ab", "cd"].into_iter().collect();
    grown.extend(['e', 'f']);
    grown.extend(["-tail", "-more-than-sixteen"]);
    write!(grown, "-{}", 42).unwrap();
    assert_eq!(grown, "abcdef-tail-more-than-sixteen-42");
    assert!(grown > *"abc");
    assert!(*"abd" > grown);
    let bytes: &[u8] = grown.as_ref();
    assert_eq!(bytes.len(), grown.len());
    grown.make_ascii_uppercase();
    assert!(grown.starts_with("ABCDEF"));
    assert_eq!(Str::default(), "");
    assert_eq!(SmolStr::default(), String::new());
    assert_eq!(Str::from('é'), "é");
    assert_eq!(Str::from(std::borrow::Cow::Borrowed("cow")), "cow");
    assert_eq!(Str::from(SmolStr::from("x")), SmolStr::from("x"));
}

#[test]
fn from_static_is_const_and_clones_without_allocating() {
    const LONG: Str = Str::from_static("a static string that is longer than sixteen bytes");
    let ((), allocs, frees) = counted(|| {
        let a = LONG;
        let clones: Vec<Str> = (0..8).map(|_| a.clone()).collect::<Vec<_>>();
        assert!(
            clones
                .iter()
                .all(|c| c.as_ptr() == LONG.as_ptr() && c.is_static())
        );
        drop(clones);
    });
    // The Vec is the only allocation.
    assert_eq!((allocs, frees), (1, 1));
    assert_eq!(Str::from_static("").len(), 0);
}

#[test]
fn heap_buffers_are_freed_exactly_once() {
    let long = "heap bytes that are longer than the inline sixteen";
    // Str from &str: one buffer, shared by every clone, freed once.
    let ((), allocs, frees) = counted(|| {
        let s = Str::from(long);
        let clones: [Str; 6] = std::array::from_fn(|_| s.clone());
        assert!(clones.iter().all(|c| Str::ptr_eq(c, &s)));
        drop(clones);
        assert_eq!(s, long);
    });
    assert_eq!((allocs, frees), (1, 1));

    // SmolStr grown char by char, then frozen and cloned: every block is freed.
    let ((), allocs, frees) = counted(|| {
        let mut s = SmolStr::new();
        for c in long.chars() {
            s.push(c);
        }
        let frozen = s.freeze();
        let c = frozen.clone();
        drop(frozen);
        assert_eq!(c, long);
    });
    assert_eq!(allocs, frees);
    assert!(allocs >= 1);

    // Str from a String adopts its buffer: the String and the header, both freed.
    let ((), allocs, frees) = counted(|| {
        let s = Str::from(String::from(long));
        let t = s.clone();
        drop(s);
        assert_eq!(t, long);
    });
    assert_eq!((allocs, frees), (2, 2));

    // Inline strings never allocate.
    let ((), allocs, frees) = counted(|| {
        let s = Str::from("inline");
        let t = SmolStr::from("inline too");
        assert_eq!(s.clone(), "inline");
        assert_eq!(t.clone().freeze(), "inline too");
    });
    assert_eq!((allocs, frees), (0, 0));
}

#[test]
fn shared_across_threads() {
    let s = Str::from("shared between threads, on the heap");
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || {
                let mine: Vec<Str> = (0..if cfg!(miri) { 3 } else { 100 })
                    .map(|_| s.clone())
                    .collect();
                assert!(mine.iter().all(|m| *m == s));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(s, "shared between threads, on the heap");
}

// ---------------------------------------------------------------------------------------------
// StringBuilder / Filler

#[test]
fn builder_holds_many_slices_at_once() {
    let n = if cfg!(miri) { 40 } else { 1000 };
    let words: Vec<String> = (0..n).map(|i| format!("event-{i}")).collect();
    let mut b = StringBuilder::new();
    for (i, w) in words.iter().enumerate() {
        match i % 4 {
            0 => b.count(w),
            1 => b.count_with_nul(w),
            2 => b.count_fmt(format_args!("<{w}>")),
            _ => b.count_bytes(w.as_bytes()),
        };
    }
    let counted_len = b.len();
    let ((), allocs, frees) = counted(|| {
        let f = b.allocate();
        assert_eq!(f.capacity(), counted_len);
        let mut strs: Vec<&str> = Vec::new();
        let mut cstrs: Vec<&std::ffi::CStr> = Vec::new();
        let mut raw: Vec<&[u8]> = Vec::new();
        let base = f.append("").as_ptr();
        for (i, w) in words.iter().enumerate() {
            match i % 4 {
                0 => strs.push(f.append(w)),
                1 => cstrs.push(f.append_with_nul(w)),
                2 => strs.push(f.append_fmt(format_args!("<{w}>"))),
                _ => raw.push(f.append_bytes(w.as_bytes())),
            }
        }
        // Every slice is still valid, after all appends.
        let mut k = 0;
        for (i, w) in words.iter().enumerate() {
            match i % 4 {
                0 => {
                    assert_eq!(strs[k], w);
                    k += 1;
                }
                2 => {
                    assert_eq!(strs[k], format!("<{w}>"));
                    k += 1;
                }
                _ => {}
            }
        }
        assert!(
            cstrs
                .iter()
                .zip(words.iter().skip(1).step_by(4))
                .all(|(c, w)| c.to_bytes() == w.as_bytes())
        );
        assert!(
            raw.iter()
                .zip(words.iter().skip(3).step_by(4))
                .all(|(r, w)| *r == w.as_bytes())
        );
        assert_eq!(f.remaining(), 0);
        drop((strs, cstrs, raw));
        let all = f.finish();
        assert_eq!(all.as_ptr(), base, "finish keeps the buffer");
        assert!(all.starts_with("event-0event-1\0<event-2>event-3"));
    });
    // One buffer, plus the three Vecs of slices.
    assert!(allocs >= 1 && allocs == frees);
}

#[test]
fn builder_makes_exactly_one_allocation() {
    let alloc = CountingAlloc::default();
    let mut b = StringBuilder::new_in(alloc.clone());
    for i in 0..100 {
        b.count_fmt(format_args!("name-{i};"));
    }
    let f = b.allocate();
    for i in 0..100 {
        f.append_fmt(format_args!("name-{i};"));
    }
    assert_eq!(alloc.allocs(), 1);
    drop(f);
    assert_eq!(
        (alloc.allocs(), alloc.frees()),
        (1, 1),
        "an unfinished filler frees its buffer"
    );
}

#[test]
fn into_str_keeps_the_buffer_and_frees_it_once_across_threads() {
    let alloc = CountingAlloc::default();
    let mut b = StringBuilder::new_in(alloc.clone());
    b.count("short");
    let f = b.allocate();
    let addr = f.append("short").as_ptr();
    let s = f.into_str();
    assert_eq!(
        (s.as_str(), s.as_ptr()),
        ("short", addr),
        "into_str keeps the address"
    );
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || {
                let c = s.clone();
                assert_eq!(c, "short");
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(alloc.frees(), 0);
    drop(s);
    assert_eq!((alloc.allocs(), alloc.frees()), (1, 1));
}

#[test]
fn empty_builders() {
    let f = StringBuilder::new().allocate();
    assert_eq!(f.append(""), "");
    assert_eq!(&*f.finish(), "");
    let f = StringBuilder::new().allocate();
    assert!(f.into_str().is_empty());
    let err = catch_unwind(AssertUnwindSafe(|| {
        StringBuilder::new().allocate().append("x");
    }))
    .unwrap_err();
    assert!(panic_message(err).contains("do not fit"));
}

#[test]
fn appending_past_the_count_panics_and_leaves_the_filler_usable() {
    let mut b = StringBuilder::new();
    b.count("abc");
    let f = b.allocate();
    let first = f.append("ab");
    let err = catch_unwind(AssertUnwindSafe(|| f.append("cd"))).unwrap_err();
    let msg = panic_message(err);
    assert!(
        msg.contains("2 more bytes do not fit: 2 of the 3 counted bytes"),
        "{msg}"
    );
    assert!(catch_unwind(AssertUnwindSafe(|| f.append_with_nul("c"))).is_err());
    assert!(catch_unwind(AssertUnwindSafe(|| f.append_fmt(format_args!("{}{}", 1, 2)))).is_err());
    assert!(catch_unwind(AssertUnwindSafe(|| f.append_bytes(b"xy"))).is_err());
    assert_eq!(f.len(), 2);
    assert_eq!(f.append("c"), "c");
    assert_eq!(first, "ab");
    assert_eq!(&*f.finish(), "abc");
}

#[test]
fn append_z_rejects_interior_nul() {
    let mut b = StringBuilder::new();
    b.count_with_nul("a\0b");
    let f = b.allocate();
    let err = catch_unwind(AssertUnwindSafe(|| f.append_with_nul("a\0b"))).unwrap_err();
    assert!(panic_message(err).contains("NUL byte at index 1"));
    assert_eq!(f.len(), 0, "nothing was written");
}

#[test]
fn count_overflow_panics() {
    let mut b = StringBuilder::new();
    b.count_len(usize::MAX);
    let err = catch_unwind(AssertUnwindSafe(|| {
        b.count("x");
    }))
    .unwrap_err();
    assert!(panic_message(err).contains("overflows usize"));
    let mut b = StringBuilder::new();
    b.count_len(usize::MAX);
    assert!(
        catch_unwind(AssertUnwindSafe(|| {
            b.count_with_nul("");
        }))
        .is_err()
    );
}

#[test]
fn try_allocate_reports_failure() {
    let mut b = StringBuilder::new_in(Refuse);
    b.count("abc");
    assert!(b.try_allocate().is_err());
    let mut too_big = StringBuilder::new();
    too_big.count_len(isize::MAX as usize + 1);
    assert!(too_big.try_allocate().is_err());
}

#[test]
fn utf8_is_checked_when_raw_bytes_went_in() {
    let mut b = StringBuilder::new();
    b.count_bytes(&[0xFF, b'a']);
    let f = b.allocate();
    f.append_bytes(&[0xFF, b'a']);
    let err = catch_unwind(AssertUnwindSafe(|| f.finish())).unwrap_err();
    assert!(panic_message(err).contains("not UTF-8 (at byte 0)"));

    let mut b = StringBuilder::new();
    b.count_bytes(&[0xFF]);
    let f = b.allocate();
    f.append_bytes(&[0xFF]);
    assert!(catch_unwind(AssertUnwindSafe(|| f.into_str())).is_err());

    let mut b = StringBuilder::new();
    b.count_bytes(&[0xFF]);
    let f = b.allocate();
    f.append_bytes(&[0xFF]);
    assert_eq!(&*f.finish_bytes(), &[0xFF]);
}

#[test]
fn append_bytes_inside_append_fmt_panics() {
    struct Sneaky<'f>(&'f Filler);
    impl std::fmt::Display for Sneaky<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.append_bytes(&[0xFF]);
            f.write_str("x")
        }
    }
    let mut b = StringBuilder::new();
    b.count_bytes(&[0; 8]);
    let filler = b.allocate();
    let err = catch_unwind(AssertUnwindSafe(|| {
        filler.append_fmt(format_args!("{}", Sneaky(&filler)));
    }))
    .unwrap_err();
    assert!(panic_message(err).contains("while append_fmt is formatting"));
    // The flag was reset by the unwinding.
    assert_eq!(filler.append_bytes(b"ok"), b"ok");

    // A nested `append` from a Display lands after the outer output, never over it.
    struct Nested<'f>(&'f Filler, std::cell::Cell<Option<&'f str>>);
    impl std::fmt::Display for Nested<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("<")?;
            self.1.set(Some(self.0.append("in")));
            f.write_str(">")
        }
    }
    let nested = Nested(&filler, std::cell::Cell::new(None));
    let outer = filler.append_fmt(format_args!("{nested}"));
    assert_eq!(outer, "<in>");
    assert_eq!(nested.1.get(), Some("in"));
}

#[test]
fn unfilled_buffers_are_caught() {
    let mut b = StringBuilder::new();
    b.count("abcd");
    let f = b.allocate();
    f.append("ab");
    let r = catch_unwind(AssertUnwindSafe(|| f.finish()));
    if cfg!(debug_assertions) {
        assert!(panic_message(r.unwrap_err()).contains("2 of the 4 counted bytes"));
    } else {
        assert_eq!(&*r.unwrap(), "ab\0\0");
    }
}
mod enc_str;
mod encode;
mod zstr;

/// Appending to a heap string: with room (the inline fast path), to exactly its capacity, and
/// past it (growth), from every starting length around the inline boundary, checked against
/// `String` after every step (run under Miri too: the copy must stay inside the buffer).
#[test]
fn heap_appends_with_room_at_capacity_and_past_it_match_string() {
    for start in [0usize, 15, 16, 17, 23, 24, 31, 32, 64] {
        let base = "x".repeat(start);
        let mut s = SmolStr::from(base.as_str());
        let mut model = base.clone();
        for (step, piece) in ["a", "bcdefghij", "", "é", "0123456789abcdef", "z"]
            .iter()
            .cycle()
            .take(14)
            .enumerate()
        {
            if step == 5 {
                // Fill exactly to the capacity, then go one past it.
                let room = s.capacity() - s.len();
                let fill = "f".repeat(room);
                s.push_str(&fill);
                model.push_str(&fill);
                assert_eq!(s.len(), s.capacity(), "start {start}");
            }
            s.push_str(piece);
            model.push_str(piece);
            assert_eq!(s, model.as_str(), "start {start} step {step}");
            assert!(s.capacity() >= s.len());
        }
        let mut reserved = SmolStr::new();
        reserved.reserve(40);
        let cap = reserved.capacity();
        for _ in 0..4 {
            reserved.push_str("0123456789");
        }
        assert_eq!(
            reserved.capacity(),
            cap,
            "appends within the reserved room do not grow"
        );
        assert_eq!(reserved, "0123456789".repeat(4).as_str());
    }
}
