//! Integration tests for makai-ptr: `CowSlice`/`CowStr` against `std::borrow::Cow` as the
//! model, zero-sized elements, drop counting, panic safety, and the reference-counted handles.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use makai_ptr::{
    AtomicRefCount, AtomicShared, CowBytes, CowCStr, CowSlice, CowStr, MaybeOwned, RefCount,
    RefPtr, Shared, ref_counted,
};
use proptest::prelude::*;

#[cfg(feature = "serde")]
mod serde_cow;
mod tagged;
mod tagged_hostile;

fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

// ---------------------------------------------------------------------------------------------
// CowSlice against Cow<[u8]>

#[derive(Debug, Clone)]
enum Op {
    /// `to_mut()[i % len] = v` (copies when borrowed).
    Set(usize, u8),
    /// Replace both with their clones (a borrowed clone stays borrowed).
    Clone,
    /// Compare a sub-borrow `a..b` (clamped) with the model's slice.
    Sub(usize, usize),
    /// Round-trip through `into_owned` and back.
    IntoOwned,
    /// Round-trip through `Cow` and back.
    ViaCow,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, v)| Op::Set(i, v)),
        Just(Op::Clone),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::Sub(a, b)),
        Just(Op::IntoOwned),
        Just(Op::ViaCow),
    ]
}

#[expect(
    clippy::ptr_arg,
    reason = "the check reads the model's variant, not only its contents"
)]
fn check_same(c: &CowSlice<'_, u8>, m: &Cow<'_, [u8]>) {
    assert_eq!(c.as_slice(), &**m);
    assert_eq!(c.len(), m.len());
    assert_eq!(c.is_owned(), matches!(m, Cow::Owned(_)));
    assert_eq!(hash_of(c), hash_of(&**m));
}

proptest! {
    #![proptest_config(makai_testkit::proptest_config())]

    #[test]
    fn cow_slice_matches_std_cow(
        source in proptest::collection::vec(any::<u8>(), 0..24),
        start_owned in any::<bool>(),
        ops in proptest::collection::vec(op(), 0..16),
    ) {
        let (mut c, mut m): (CowSlice<'_, u8>, Cow<'_, [u8]>) = if start_owned {
            (CowSlice::from_vec(source.clone()), Cow::Owned(source.clone()))
        } else {
            (CowSlice::borrowed(&source), Cow::Borrowed(&source))
        };
        check_same(&c, &m);
        for op in ops {
            match op {
                Op::Set(i, v) => {
                    if !m.is_empty() {
                        let i = i % m.len();
                        c.to_mut()[i] = v;
                        m.to_mut()[i] = v;
                    } else {
                        // `to_mut` on an empty value still makes it owned, like `Cow`.
                        assert!(c.to_mut().is_empty());
                        assert!(m.to_mut().is_empty());
                    }
                }
                Op::Clone => {
                    let c2 = c.clone();
                    let m2 = m.clone();
                    if !c.is_owned() {
                        assert_eq!(c2.as_ptr(), c.as_ptr(), "a borrowed clone must not copy");
                    }
                    c = c2;
                    m = m2;
                }
                Op::Sub(a, b) => {
                    let len = m.len();
                    let (a, b) = (a % (len + 1), b % (len + 1));
                    let (a, b) = (a.min(b), a.max(b));
                    let sub = c.borrow_sub(a..b);
                    assert!(!sub.is_owned());
                    assert_eq!(&*sub, &m[a..b]);
                }
                Op::IntoOwned => {
                    let was_owned = c.is_owned();
                    let addr = c.as_ptr();
                    let boxed = c.into_owned();
                    if was_owned {
                        assert_eq!(boxed.as_ptr(), addr, "owned into_owned must not copy");
                    }
                    assert_eq!(&*boxed, &*m);
                    c = CowSlice::owned(boxed);
                    m = Cow::Owned(m.into_owned());
                }
                Op::ViaCow => {
                    let cow: Cow<'_, [u8]> = c.into();
                    assert_eq!(matches!(cow, Cow::Owned(_)), matches!(m, Cow::Owned(_)));
                    c = CowSlice::from(cow);
                }
            }
            check_same(&c, &m);
        }
        prop_assert_eq!(&*source, &*source.clone(), "the borrowed source is never written");
        let st = c.into_static();
        prop_assert!(st.is_owned());
        prop_assert_eq!(&*st, &*m);
    }

    #[test]
    fn cow_slice_orders_like_slices(a in proptest::collection::vec(any::<u8>(), 0..8),
                                    b in proptest::collection::vec(any::<u8>(), 0..8),
                                    owned_a in any::<bool>()) {
        let ca = if owned_a { CowSlice::from_vec(a.clone()) } else { CowSlice::borrowed(&a) };
        let cb = CowSlice::borrowed(&b);
        prop_assert_eq!(ca.cmp(&cb), a.cmp(&b));
        prop_assert_eq!(ca == cb, a == b);
        prop_assert_eq!(ca.partial_cmp(&cb), Cow::<[u8]>::Borrowed(&a).partial_cmp(&Cow::<[u8]>::Borrowed(&b)));
    }

    #[test]
    fn cow_str_orders_against_str_like_str(a in "[a-c]{0,4}", b in "[a-c]{0,4}", owned in any::<bool>()) {
        let ca = if owned { CowStr::from(a.clone()) } else { CowStr::borrowed(&a) };
        let want = a.as_str().partial_cmp(b.as_str());
        prop_assert_eq!(ca.partial_cmp(b.as_str()), want);
        prop_assert_eq!(ca.partial_cmp(&b.as_str()), want);
        prop_assert_eq!(b.as_str().partial_cmp(&ca), want.map(std::cmp::Ordering::reverse));
        prop_assert_eq!((&b.as_str()).partial_cmp(&ca), want.map(std::cmp::Ordering::reverse));
        prop_assert_eq!(ca < b.as_str(), a < b);
    }

    #[test]
    fn cow_str_matches_std_cow(
        source in proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        start_owned in any::<bool>(),
        upper in any::<bool>(),
        a in any::<usize>(),
        b in any::<usize>(),
    ) {
        let (mut c, mut m): (CowStr<'_>, Cow<'_, str>) = if start_owned {
            (CowStr::from_string(source.clone()), Cow::Owned(source.clone()))
        } else {
            (CowStr::borrowed(&source), Cow::Borrowed(&source))
        };
        prop_assert_eq!(c.is_owned(), matches!(m, Cow::Owned(_)));
        if upper {
            c.to_mut().make_ascii_uppercase();
            m.to_mut().make_ascii_uppercase();
        }
        prop_assert_eq!(c.as_str(), &*m);
        prop_assert_eq!(c.is_owned(), matches!(m, Cow::Owned(_)));
        prop_assert_eq!(hash_of(&c), hash_of(&*m));
        let len = m.len();
        let (a, b) = (a % (len + 1), b % (len + 1));
        let (a, b) = (a.min(b), a.max(b));
        if m.is_char_boundary(a) && m.is_char_boundary(b) {
            let sub = c.borrow_sub(a..b);
            prop_assert_eq!(sub.as_str(), &m[a..b]);
        }
        let cl = c.clone();
        prop_assert_eq!(cl.is_owned(), c.is_owned());
        prop_assert_eq!(&cl, &c);
        let bytes = CowStr::from_utf8(source.as_bytes()).unwrap();
        prop_assert_eq!(bytes.as_str(), source.as_str());
        prop_assert_eq!(&*c.into_owned(), &*m.into_owned());
    }

    #[test]
    fn from_utf8_agrees_with_std(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
        match (CowStr::from_utf8(&bytes), std::str::from_utf8(&bytes)) {
            (Ok(c), Ok(s)) => prop_assert_eq!(c.as_str(), s),
            (Err(e), Err(f)) => prop_assert_eq!(e, f),
            (c, s) => prop_assert!(false, "disagree: {c:?} vs {s:?}"),
        }
    }

    #[test]
    fn cow_cstr_from_bytes_agrees_with_cstring(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
        match (CowCStr::from_bytes(&bytes), std::ffi::CString::new(bytes.clone())) {
            (Ok(c), Ok(s)) => {
                prop_assert_eq!(c.as_bytes_with_nul(), s.as_bytes_with_nul());
                prop_assert_eq!(c.len(), bytes.len());
            }
            (Err(e), Err(f)) => prop_assert_eq!(e.position(), f.nul_position()),
            (c, s) => prop_assert!(false, "disagree: {c:?} vs {s:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edges

#[test]
fn empty_values() {
    let e: CowSlice<'_, String> = CowSlice::default();
    assert!(e.is_empty() && !e.is_owned());
    let mut o = CowSlice::<u8>::from_vec(Vec::new());
    assert!(o.is_owned() && o.is_empty());
    assert!(o.to_mut().is_empty());
    assert_eq!(o.borrow_sub(0..0).len(), 0);
    assert_eq!(&*CowSlice::<u8>::copy_of(&[]), &[] as &[u8]);
    assert_eq!(CowStr::default(), "");
    assert_eq!(CowCStr::default().as_bytes_with_nul(), b"\0");
    assert!(CowCStr::from_bytes(b"").unwrap().is_empty());
}

#[test]
#[should_panic(expected = "range end index 4 out of range")]
fn borrow_sub_past_the_end_panics() {
    let _ = CowSlice::from_vec(vec![1, 2, 3]).borrow_sub(1..4);
}

#[test]
fn invalid_utf8_is_rejected_and_given_back() {
    assert!(CowStr::from_utf8(b"\xc3\x28").is_err());
    let bytes: CowBytes<'_> = CowSlice::from_vec(vec![b'a', 0xff]);
    let back = CowStr::try_from(bytes).unwrap_err();
    assert_eq!(&*back, b"a\xff");
    let e = CowStr::from_utf8_vec(vec![0xe2, 0x82]).unwrap_err();
    assert_eq!(e.into_bytes(), [0xe2, 0x82]);
}

#[test]
fn cow_cstr_edges() {
    assert_eq!(CowCStr::from_bytes(b"\0").unwrap_err().position(), 0);
    assert_eq!(CowCStr::from_bytes(b"ab\0").unwrap_err().position(), 2);
    let b = CowCStr::from_bytes_with_nul(b"ok\0").unwrap();
    assert!(!b.is_owned());
    let owned = b.clone().into_static();
    assert!(owned.is_owned());
    assert_eq!(owned.as_c_str(), c"ok");
    assert_eq!(owned, c"ok");
    assert_eq!(hash_of(&owned), hash_of(c"ok"));
    assert_eq!(CowCStr::copy_of(c"x").into_c_string().as_bytes(), b"x");
}

// ---------------------------------------------------------------------------------------------
// Zero-sized elements

#[test]
fn zero_sized_elements() {
    let c = CowSlice::from_vec(vec![(); 10]);
    assert!(c.is_owned());
    assert_eq!(c.len(), 10);
    let b = c.borrow_sub(2..7);
    assert_eq!(b.len(), 5);
    let mut m = CowSlice::borrowed(&[(), (), ()][..]);
    assert_eq!(m.to_mut().len(), 3);
    assert!(m.is_owned());
    assert_eq!(m.into_owned().len(), 3);
    let s: CowSlice<'static, ()> = CowSlice::borrowed(&[(); 4][..]).into_static();
    assert_eq!(s.len(), 4);
}

#[test]
fn long_zero_sized_borrow_keeps_its_full_length() {
    // beef::lean::Cow truncates this length to 5; CowSlice keeps all 63 bits.
    let len = (1usize << 32) + 5;
    // SAFETY: zero-sized elements need no memory; any length up to isize::MAX is a valid slice.
    let huge: &[()] =
        unsafe { std::slice::from_raw_parts(NonNull::<()>::dangling().as_ptr(), len) };
    let c = CowSlice::borrowed(huge);
    assert_eq!(c.len(), len);
    assert!(!c.is_owned());
    assert_eq!(c.borrow_sub(len - 2..len).len(), 2);
    let max = isize::MAX as usize;
    // SAFETY: as above.
    let biggest: &[()] =
        unsafe { std::slice::from_raw_parts(NonNull::<()>::dangling().as_ptr(), max) };
    assert_eq!(CowSlice::borrowed(biggest).len(), max);
}

#[test]
#[should_panic(expected = "longer than isize::MAX")]
fn zero_sized_borrow_past_isize_max_panics() {
    // SAFETY: zero-sized elements need no memory; any length is a valid slice.
    let huge: &[()] =
        unsafe { std::slice::from_raw_parts(NonNull::<()>::dangling().as_ptr(), usize::MAX) };
    let _ = CowSlice::borrowed(huge);
}

struct ZstDrop;
static ZST_DROPS: AtomicUsize = AtomicUsize::new(0);
impl Drop for ZstDrop {
    fn drop(&mut self) {
        // Relaxed: a counter read by this test's thread after the drops.
        ZST_DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn zero_sized_elements_with_drop_are_dropped_once() {
    let c = CowSlice::from_vec(vec![ZstDrop, ZstDrop, ZstDrop]);
    let borrowed_copy = c.reborrow();
    drop(borrowed_copy);
    // Relaxed: single-threaded read of the counter above.
    assert_eq!(ZST_DROPS.load(Ordering::Relaxed), 0);
    drop(c);
    // Relaxed: as above.
    assert_eq!(ZST_DROPS.load(Ordering::Relaxed), 3);
    let s = Shared::new(ZstDrop);
    drop(s.clone());
    drop(s);
    // Relaxed: as above.
    assert_eq!(ZST_DROPS.load(Ordering::Relaxed), 4);
}

// ---------------------------------------------------------------------------------------------
// Drop counting and panic safety

#[derive(Debug)]
struct Counted {
    drops: Rc<Cell<usize>>,
    clones: Rc<Cell<usize>>,
    /// `clone` panics once `clones` reaches this.
    panic_at: usize,
}

impl Clone for Counted {
    fn clone(&self) -> Self {
        assert!(self.clones.get() < self.panic_at, "clone panics on purpose");
        self.clones.set(self.clones.get() + 1);
        Self {
            drops: self.drops.clone(),
            clones: self.clones.clone(),
            panic_at: self.panic_at,
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

fn counted(n: usize, panic_at: usize) -> (Vec<Counted>, Rc<Cell<usize>>, Rc<Cell<usize>>) {
    let drops = Rc::new(Cell::new(0));
    let clones = Rc::new(Cell::new(0));
    let v = (0..n)
        .map(|_| Counted {
            drops: drops.clone(),
            clones: clones.clone(),
            panic_at,
        })
        .collect();
    (v, drops, clones)
}

#[test]
fn every_element_is_dropped_exactly_once() {
    let (source, drops, clones) = counted(4, usize::MAX);
    {
        let mut c = CowSlice::borrowed(&source);
        let _ = c.clone(); // borrowed clone: no element clones
        assert_eq!(clones.get(), 0);
        c.to_mut(); // copies 4
        let d = c.clone(); // copies 4 more
        let boxed = d.into_owned(); // moves, no copy
        assert_eq!(clones.get(), 8);
        drop(boxed);
        assert_eq!(drops.get(), 4);
    }
    assert_eq!(drops.get(), 8);
    drop(source);
    assert_eq!(drops.get(), 12);
}

#[test]
fn panicking_clone_in_to_mut_leaves_the_value_borrowed_and_leaks_nothing() {
    let (source, drops, clones) = counted(5, 3);
    let mut c = CowSlice::borrowed(&source);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        c.to_mut();
    }));
    assert!(r.is_err());
    assert_eq!(clones.get(), 3);
    assert_eq!(drops.get(), 3, "the three finished clones were dropped");
    assert!(!c.is_owned());
    assert_eq!(c.as_ptr(), source.as_ptr());
}

#[test]
fn panicking_clone_in_make_mut_keeps_the_handle() {
    let (mut v, drops, _clones) = counted(1, 0);
    let mut a = Shared::new(v.pop().unwrap());
    let b = a.clone();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        a.make_mut();
    }));
    assert!(r.is_err());
    assert!(a.ptr_eq(&b));
    assert_eq!(a.ref_count(), 2);
    drop((a, b));
    assert_eq!(drops.get(), 1);
}

// ---------------------------------------------------------------------------------------------
// Reference counting

struct Node {
    count: RefCount,
    drops: Rc<Cell<usize>>,
    value: u32,
}
ref_counted!(Node, count);
impl Drop for Node {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

#[test]
fn ref_ptr_graph_drops_each_node_once() {
    let drops = Rc::new(Cell::new(0));
    let nodes: Vec<RefPtr<Node>> = (0..8)
        .map(|i| {
            RefPtr::new(Node {
                count: RefCount::new(),
                drops: drops.clone(),
                value: i,
            })
        })
        .collect();
    let mut holders: Vec<RefPtr<Node>> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        for _ in 0..i {
            holders.push(n.clone());
        }
    }
    assert_eq!(nodes[5].ref_count(), 6);
    assert_eq!(nodes[5].value, 5);
    drop(nodes);
    assert_eq!(drops.get(), 1, "only node 0 had no other holder");
    // Half the holders go through a raw round trip, as through C.
    let raws: Vec<NonNull<Node>> = holders.drain(..14).map(RefPtr::into_raw).collect();
    drop(holders);
    // Nodes 6 and 7 lose their last holder; node 5 still has four raw references.
    assert_eq!(drops.get(), 1 + 2);
    for raw in raws {
        // SAFETY: each pointer came from `into_raw` above and is reclaimed once.
        drop(unsafe { RefPtr::from_raw(raw) });
    }
    assert_eq!(drops.get(), 8);
}

#[test]
fn adopt_takes_a_boxed_object() {
    let drops = Rc::new(Cell::new(0));
    let raw = NonNull::from(Box::leak(Box::new(Node {
        count: RefCount::new(),
        drops: drops.clone(),
        value: 1,
    })));
    // SAFETY: a fresh `Box` allocation with count 1, owned by nobody else.
    let p = unsafe { RefPtr::adopt(raw) };
    assert_eq!(p.value, 1);
    drop(p);
    assert_eq!(drops.get(), 1);
}

struct SharedNode {
    count: AtomicRefCount,
    hits: AtomicUsize,
}
ref_counted!(SharedNode, count);

#[test]
fn atomic_handles_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RefPtr<SharedNode>>();
    assert_send_sync::<AtomicShared<String>>();
    assert_send_sync::<CowSlice<'static, u8>>();
    assert_send_sync::<CowStr<'static>>();
    assert_send_sync::<MaybeOwned<'static, str>>();

    let threads = if cfg!(miri) { 2 } else { 4 };
    let rounds = if cfg!(miri) { 10 } else { 1000 };
    let node = RefPtr::new(SharedNode {
        count: AtomicRefCount::new(),
        hits: AtomicUsize::new(0),
    });
    let value = AtomicShared::new(Arc::new(7u32));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let node = node.clone();
            let value = value.clone();
            std::thread::spawn(move || {
                for _ in 0..rounds {
                    let n = node.clone();
                    // Relaxed: a counter, read after every thread is joined.
                    n.hits.fetch_add(1, Ordering::Relaxed);
                    let v = value.clone();
                    assert_eq!(**v, 7);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!((node.ref_count(), value.ref_count()), (1, 1));
    // Relaxed: the threads were joined, which orders their increments before this load.
    assert_eq!(node.hits.load(Ordering::Relaxed), threads * rounds);
    let inner = value.try_unwrap().unwrap();
    assert_eq!(
        Arc::strong_count(&inner),
        1,
        "the value was moved out, not cloned"
    );
}

#[test]
fn shared_try_unwrap_and_get_mut() {
    let mut a = Shared::new(vec![1]);
    a.get_mut().unwrap().push(2);
    let b = a.clone();
    assert!(a.get_mut().is_none());
    let a = a.try_unwrap().unwrap_err();
    drop(b);
    assert_eq!(a.try_unwrap().unwrap(), [1, 2]);
    let raw = AtomicShared::new(String::from("r")).into_raw();
    // SAFETY: came from `into_raw` just above.
    let back = unsafe { AtomicShared::from_raw(raw) };
    assert_eq!(back.as_str(), "r");
}

#[test]
fn sizes() {
    assert_eq!(size_of::<CowSlice<'_, u64>>(), 16);
    assert_eq!(size_of::<Option<CowSlice<'_, u64>>>(), 16);
    assert_eq!(size_of::<Cow<'_, [u64]>>(), 24);
    assert_eq!(size_of::<Shared<u64>>(), 8);
    assert_eq!(size_of::<AtomicShared<u64>>(), 8);
    assert_eq!(size_of::<RefPtr<Node>>(), 8);
    assert_eq!(size_of::<Option<RefPtr<Node>>>(), 8);
}

/// Compiles only if `CowSlice` and `CowStr` are covariant (a compile-pass check).
#[test]
fn covariance_compiles() {
    fn shorten_slice<'s, 'l: 's>(c: CowSlice<'l, &'l str>) -> CowSlice<'s, &'s str> {
        c
    }
    fn shorten_str<'s, 'l: 's>(c: CowStr<'l>) -> CowStr<'s> {
        c
    }
    fn shorten_maybe<'s, 'l: 's>(c: MaybeOwned<'l, &'l str>) -> MaybeOwned<'s, &'s str> {
        c
    }
    let words = ["a"];
    assert_eq!(shorten_slice(CowSlice::borrowed(&words)).len(), 1);
    assert_eq!(shorten_str(CowStr::borrowed("x")), "x");
    assert_eq!(*shorten_maybe(MaybeOwned::Borrowed(&"m")), "m");
}
