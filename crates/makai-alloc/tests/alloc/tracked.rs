//! `Tracked` and `DebugScope`: leaks, double/invalid frees, layout mismatches, native resizes,
//! containers over `Global` and `Arena`, and several threads sharing one allocator.

use std::alloc::Layout;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

use allocator_api2::vec::Vec as AVec;
use makai_alloc::{AllocError, Allocator, Arena, DebugScope, Global, LeakReport, Tracked};

/// An inner allocator that counts what reaches it, forwarding to `Global`.
#[derive(Debug, Default)]
struct Probe {
    allocations: Cell<usize>,
    deallocations: Cell<usize>,
    grows: Cell<usize>,
    shrinks: Cell<usize>,
}

// SAFETY: every method forwards to `Global` unchanged; the counters do not touch memory.
unsafe impl Allocator for Probe {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.allocations.set(self.allocations.get() + 1);
        Global.allocate(layout)
    }
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        self.deallocations.set(self.deallocations.get() + 1);
        // SAFETY: the caller upholds the contract; the block came from `Global`.
        unsafe { Global.deallocate(ptr, layout) }
    }
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        self.grows.set(self.grows.get() + 1);
        // SAFETY: the caller upholds the contract; the block came from `Global`.
        unsafe { Global.grow(ptr, old, new) }
    }
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        self.shrinks.set(self.shrinks.get() + 1);
        // SAFETY: the caller upholds the contract; the block came from `Global`.
        unsafe { Global.shrink(ptr, old, new) }
    }
}

/// Runs `f`, which must panic, and returns the panic message.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the call must panic");
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        panic!("panic payload is not a string")
    }
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
fn leaking_closure_reports_count_and_bytes() {
    let t = Tracked::new(Global).with_backtrace_depth(0);
    let kept = t.allocate(layout(24, 8)).unwrap();
    let leaked_a = t.allocate(layout(100, 4)).unwrap();
    let leaked_b = t.labeled("tail").allocate(layout(3, 1)).unwrap();
    // SAFETY: allocated above with this layout.
    unsafe { t.deallocate(kept.cast(), layout(24, 8)) };
    let report = t.finish().unwrap_err();
    assert_eq!(report.leaked_blocks(), 2);
    assert_eq!(report.leaked_bytes(), 103);
    let text = report.to_string();
    assert!(
        text.starts_with("Tracked allocator leaked 2 blocks (103 bytes):"),
        "{text}"
    );
    assert!(text.contains("leak 1 of 2: 100 bytes, align 4"), "{text}");
    assert!(
        text.contains("leak 2 of 2: 3 bytes, align 1, label \"tail\""),
        "{text}"
    );
    assert_eq!(
        report.leaks()[0].address(),
        leaked_a.cast::<u8>().as_ptr().addr()
    );
    assert_eq!(report.stats().live_blocks, 2);
    assert_eq!(report.stats().allocations, 3);
    // SAFETY: the leaked blocks are still allocated in `Global` with these layouts.
    unsafe { Global.deallocate(leaked_a.cast(), layout(100, 4)) };
    // SAFETY: as above.
    unsafe { Global.deallocate(leaked_b.cast(), layout(3, 1)) };
}

#[test]
fn leak_through_check_leaks_closure() {
    let mut escaped = None;
    let report = makai_alloc::testing::check_leaks(|alloc| {
        let mut v: AVec<u64, _> = AVec::with_capacity_in(5, alloc);
        v.push(1);
        let (ptr, _, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
        std::mem::forget(v);
        escaped = Some((ptr, cap));
    })
    .unwrap_err();
    assert_eq!((report.leaked_blocks(), report.leaked_bytes()), (1, 40));
    let (ptr, cap) = escaped.unwrap();
    // SAFETY: the forgotten vector's buffer is still allocated in `Global`.
    drop(unsafe { AVec::from_raw_parts_in(ptr, 1, cap, allocator_api2::alloc::Global) });
}

#[test]
#[cfg_attr(
    miri,
    ignore = "resolving symbols needs getcwd and file reads, which Miri's isolation refuses"
)]
fn leak_report_names_the_allocating_test_function() {
    let t = Tracked::new(Global).with_backtrace_depth(12);
    let l = layout(16, 8);
    let block = t.allocate(l).unwrap();
    let report = t.finish().unwrap_err();
    let text = report.to_string();
    assert!(
        text.contains("leak_report_names_the_allocating_test_function"),
        "the report must name this function:\n{text}"
    );
    assert!(text.contains("allocated at:"), "{text}");
    assert!(report.leaks()[0].backtrace().is_some());
    // SAFETY: the leaked block is still allocated in `Global` with `l`.
    unsafe { Global.deallocate(block.cast(), l) };
}

#[test]
fn drop_with_live_blocks_panics_with_the_report() {
    let l = layout(8, 8);
    let mut block = None;
    let msg = panic_message(|| {
        let t = Tracked::new(Global).with_backtrace_depth(0);
        block = Some(t.allocate(l).unwrap());
        drop(t);
    });
    assert!(
        msg.starts_with("Tracked allocator leaked 1 block (8 bytes)"),
        "{msg}"
    );
    // SAFETY: the leaked block is still allocated in `Global` with `l`.
    unsafe { Global.deallocate(block.unwrap().cast(), l) };
}

#[test]
fn drop_while_panicking_does_not_abort() {
    let l = layout(8, 8);
    let mut block = None;
    let msg = panic_message(|| {
        let t = Tracked::new(Global).with_backtrace_depth(0);
        block = Some(t.allocate(l).unwrap());
        panic!("the test's own panic");
    });
    // The original panic comes through; the leak went to stderr instead of a second panic.
    assert_eq!(msg, "the test's own panic");
    // SAFETY: the leaked block is still allocated in `Global` with `l`.
    unsafe { Global.deallocate(block.unwrap().cast(), l) };
}

#[test]
fn double_free_is_caught_and_never_reaches_the_inner_allocator() {
    let probe = Probe::default();
    let t = Tracked::new(&probe);
    let l = layout(32, 8);
    let block = t.allocate(l).unwrap();
    // SAFETY: allocated above with `l`.
    unsafe { t.deallocate(block.cast(), l) };
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong (a double free): `Tracked` must refuse it before `Global`
        // sees it, which is what this test checks.
        unsafe { t.deallocate(block.cast(), l) };
    });
    assert!(
        msg.starts_with("Tracked: double free: deallocate of "),
        "{msg}"
    );
    assert!(msg.contains("32 bytes, align 8"), "{msg}");
    assert!(msg.contains("allocated at"), "{msg}");
    assert!(msg.contains("first freed at"), "{msg}");
    if makai_alloc::Tracked::DEFAULT_BACKTRACE_DEPTH > 0 {
        // Both traces name this test: the allocation and the first free happened here.
        let hits = msg
            .matches("double_free_is_caught_and_never_reaches_the_inner_allocator")
            .count();
        assert!(hits >= 2, "both traces must name this test:\n{msg}");
    }
    assert_eq!(
        probe.deallocations.get(),
        1,
        "the second free never reached the inner allocator"
    );
    assert!(t.finish().is_ok());
}

#[test]
fn double_free_by_grow_is_caught() {
    let t = Tracked::new(Global).with_backtrace_depth(0);
    let l = layout(8, 8);
    let block = t.allocate(l).unwrap();
    // SAFETY: allocated above with `l`.
    unsafe { t.deallocate(block.cast(), l) };
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong (grow after free): must be refused.
        let _ = unsafe { t.grow(block.cast(), l, layout(64, 8)) };
    });
    assert!(msg.starts_with("Tracked: double free: grow of"), "{msg}");
    assert!(msg.contains("(no backtrace: capture was off)"), "{msg}");
}

#[test]
fn invalid_free_is_caught() {
    let probe = Probe::default();
    let t = Tracked::new(&probe);
    let on_stack = [0_u64; 4];
    let foreign = NonNull::from(&on_stack).cast::<u8>();
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong (a pointer this allocator never returned): must be refused
        // before it reaches `Global`.
        unsafe { t.deallocate(foreign, layout(32, 8)) };
    });
    assert!(
        msg.starts_with("Tracked: invalid free: deallocate of 0x"),
        "{msg}"
    );
    assert!(msg.contains("32 bytes, align 8"), "{msg}");
    assert_eq!(probe.deallocations.get(), 0);

    // A block from another allocator is just as foreign.
    let other = Global.allocate(layout(16, 8)).unwrap();
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong, refused as above.
        let _ = unsafe { t.shrink(other.cast(), layout(16, 8), layout(8, 8)) };
    });
    assert!(msg.starts_with("Tracked: invalid free: shrink of"), "{msg}");
    assert_eq!(probe.shrinks.get(), 0);
    // SAFETY: `other` is still allocated in `Global`.
    unsafe { Global.deallocate(other.cast(), layout(16, 8)) };
    assert!(t.finish().is_ok());
}

#[test]
fn layout_mismatch_is_caught_and_the_block_stays_live() {
    let probe = Probe::default();
    let t = Tracked::new(&probe).with_backtrace_depth(0);
    let l = layout(48, 16);
    let block = t.labeled("frame").allocate(l).unwrap();
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong size: must be refused.
        unsafe { t.deallocate(block.cast(), layout(40, 16)) };
    });
    assert!(
        msg.starts_with("Tracked: layout mismatch: deallocate of"),
        "{msg}"
    );
    assert!(msg.contains("with 40 bytes, align 16"), "{msg}");
    assert!(msg.contains("48 bytes, align 16, label \"frame\""), "{msg}");
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong alignment: must be refused.
        unsafe { t.deallocate(block.cast(), layout(48, 8)) };
    });
    assert!(msg.contains("layout mismatch"), "{msg}");
    assert_eq!(probe.deallocations.get(), 0);
    assert_eq!(t.stats().live_blocks, 1);
    t.assert_owned(block.as_ptr());
    // SAFETY: the right layout this time.
    unsafe { t.deallocate(block.cast(), l) };
    assert_eq!(t.finish().unwrap().deallocations, 1);
}

#[test]
fn grow_and_shrink_reach_the_inner_allocator_natively() {
    let probe = Probe::default();
    let t = Tracked::new(&probe);
    let mut v: AVec<u32, _> = AVec::new_in(&t);
    for i in 0..1000 {
        v.push(i);
    }
    v.truncate(10);
    v.shrink_to_fit();
    assert_eq!(v.iter().sum::<u32>(), 45);
    assert_eq!(probe.allocations.get(), 1, "one allocate, then only grows");
    assert!(probe.grows.get() >= 5, "growth went through grow");
    assert_eq!(probe.shrinks.get(), 1);
    let s = t.stats();
    assert_eq!((s.live_blocks, s.live_bytes), (1, 40));
    assert_eq!(s.grows as usize, probe.grows.get());
    assert!(s.peak_bytes >= 4000);
    t.assert_owned(v.as_ptr());
    drop(v);
    let s = t.finish().unwrap();
    assert_eq!((s.allocations, s.deallocations, s.shrinks), (1, 1, 1));
}

#[test]
fn moved_block_is_remembered_as_freed() {
    let t = Tracked::new(Global).with_backtrace_depth(0);
    let small = layout(8, 8);
    let a = t.allocate(small).unwrap();
    // Force a move: a grow to a different alignment cannot stay in place with `realloc`.
    // SAFETY: `a` is live with `small`.
    let b = unsafe { t.grow(a.cast(), small, layout(4096, 4096)) }.unwrap();
    // `Global` moves a block whose alignment changes: the new block is allocated while the
    // old one is live, so the addresses differ.
    assert_ne!(a.cast::<u8>(), b.cast::<u8>());
    let msg = panic_message(|| t.assert_owned(a.as_ptr()));
    assert!(msg.contains("is not live here: it was freed"), "{msg}");
    assert!(msg.contains("moved away by grow or shrink"), "{msg}");
    // SAFETY: `b` is live with the grown layout.
    unsafe { t.deallocate(b.cast(), layout(4096, 4096)) };
    assert!(t.finish().is_ok());
}

#[test]
fn zero_sized_blocks_are_not_tracked() {
    let t = Tracked::new(Global);
    let z = t.allocate(layout(0, 8)).unwrap();
    assert_eq!(t.stats().live_blocks, 0);
    // SAFETY: the zero-sized block just allocated.
    unsafe { t.deallocate(z.cast(), layout(0, 8)) };
    let b: allocator_api2::boxed::Box<(), _> = allocator_api2::boxed::Box::new_in((), &t);
    drop(b);
    assert_eq!(t.finish().unwrap().allocations, 0);
}

#[test]
fn hashbrown_and_vec_in_tracked_global_finish_clean() {
    let t = Tracked::new(Global);
    {
        let mut map = hashbrown::HashMap::new_in(&t);
        let mut v = AVec::new_in(&t);
        for i in 0..200_u32 {
            map.insert(i, i * 2);
            v.push(u64::from(i));
        }
        assert_eq!(map[&7], 14);
        assert_eq!(v.len(), 200);
        assert!(t.stats().live_blocks >= 2);
        map.retain(|k, _| k % 2 == 0);
        map.shrink_to_fit();
    }
    let stats = t.finish().unwrap();
    assert!(stats.allocations >= 2);
    assert_eq!(stats.live_blocks, 0);
}

#[test]
fn hashbrown_and_vec_in_tracked_arena_finish_clean() {
    let arena = Arena::new();
    let t = Tracked::new(&arena);
    {
        let mut map = hashbrown::HashMap::new_in(&t);
        let mut v = AVec::new_in(&t);
        for i in 0..200_u32 {
            map.insert(i, i * 2);
            v.push(u64::from(i));
        }
        assert_eq!(map.get(&199), Some(&398));
        assert_eq!(v[199], 199);
    }
    let stats = t.finish().unwrap();
    assert!(stats.allocations >= 2);
    assert!(arena.allocated_bytes() > 0);
}

#[test]
fn leak_into_an_arena_is_still_reported() {
    let arena = Arena::new();
    let t = Tracked::new(&arena).with_backtrace_depth(0);
    let mut v = AVec::new_in(&t);
    v.extend_from_slice(&[1_u8, 2, 3]);
    std::mem::forget(v);
    // The arena frees the memory when dropped; the leak is still a bug worth reporting.
    let report = t.finish().unwrap_err();
    assert_eq!(report.leaked_blocks(), 1);
}

#[test]
fn external_blocks() {
    let t = Tracked::new(Global).with_backtrace_depth(0);
    let buf = [0_u8; 64];
    t.track_external(buf.as_ptr(), Layout::for_value(&buf));
    assert!(t.owns(buf.as_ptr()));
    assert_eq!(t.stats().live_bytes, 64);
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong: an external block freed through the allocator must be
        // refused before it reaches `Global`.
        unsafe { t.deallocate(NonNull::from(&buf).cast(), Layout::for_value(&buf)) };
    });
    assert!(msg.contains("registered with track_external"), "{msg}");
    let msg = panic_message(|| t.track_external(buf.as_ptr(), Layout::for_value(&buf)));
    assert!(msg.contains("already a live block"), "{msg}");
    t.untrack_external(buf.as_ptr());
    let msg = panic_message(|| t.untrack_external(buf.as_ptr()));
    assert!(msg.contains("double free"), "{msg}");
    let l = layout(4, 4);
    let own = t.allocate(l).unwrap();
    let msg = panic_message(|| t.untrack_external(own.as_ptr()));
    assert!(msg.contains("free it with deallocate"), "{msg}");
    // SAFETY: allocated above with `l`.
    unsafe { t.deallocate(own.cast(), l) };

    // An external block left registered is reported as a leak, marked external.
    t.track_external(buf.as_ptr(), Layout::for_value(&buf));
    let report = t.finish().unwrap_err();
    assert!(report.leaks()[0].is_external());
    assert!(
        report
            .to_string()
            .contains("registered with track_external")
    );
}

#[test]
fn assert_owned_and_unowned() {
    let t = Tracked::new(Global).with_backtrace_depth(0);
    let x = 1_u32;
    t.assert_unowned(&raw const x);
    let msg = panic_message(|| t.assert_owned(&raw const x));
    assert!(msg.contains("is not the start of a live block"), "{msg}");
    let b = allocator_api2::boxed::Box::new_in(7_u32, &t);
    t.assert_owned(&raw const *b);
    let msg = panic_message(|| t.assert_unowned(&raw const *b));
    assert!(msg.contains("is a live block of this allocator"), "{msg}");
    let p = &raw const *b;
    drop(b);
    let msg = panic_message(|| t.assert_owned(p));
    assert!(msg.contains("it was freed"), "{msg}");
    assert!(msg.contains("first freed at"), "{msg}");
}

#[test]
fn free_history_zero_reports_double_free_as_invalid() {
    let t = Tracked::new(Global).with_free_history(0);
    let l = layout(8, 8);
    let p = t.allocate(l).unwrap();
    // SAFETY: allocated above with `l`.
    unsafe { t.deallocate(p.cast(), l) };
    let msg = panic_message(|| {
        // SAFETY: deliberately wrong (double free): must be refused.
        unsafe { t.deallocate(p.cast(), l) };
    });
    assert!(msg.contains("invalid free"), "{msg}");
}

#[test]
fn report_limit_caps_the_listing() {
    let t = Tracked::new(Global)
        .with_backtrace_depth(0)
        .with_report_limit(2);
    let l = layout(10, 2);
    let blocks: Vec<_> = (0..5).map(|_| t.allocate(l).unwrap()).collect();
    let report = t.finish().unwrap_err();
    let text = report.to_string();
    assert!(text.contains("leak 2 of 5"), "{text}");
    assert!(!text.contains("leak 3 of 5"), "{text}");
    assert!(
        text.contains("... and 3 more leaks (30 bytes) not shown"),
        "{text}"
    );
    assert_eq!(report.leaks().len(), 5);
    for b in blocks {
        // SAFETY: each leaked block is still allocated in `Global` with `l`.
        unsafe { Global.deallocate(b.cast(), l) };
    }
}

#[test]
fn several_threads_share_one_tracked() {
    let threads = 4;
    let rounds = if cfg!(miri) { 20 } else { 2000 };
    let t = Tracked::new(Global).with_backtrace_depth(0);
    std::thread::scope(|s| {
        for id in 0..threads {
            let t = &t;
            s.spawn(move || {
                let mut kept = AVec::new_in(t);
                for i in 0..rounds {
                    let l = layout(8 + (i % 5) * 8, 8);
                    let p = t.allocate(l).unwrap();
                    // SAFETY: `p` holds at least 8 writable bytes.
                    unsafe { p.cast::<u64>().write(id as u64) };
                    if i % 3 == 0 {
                        kept.push((p, l));
                    } else {
                        // SAFETY: allocated just above with `l`.
                        unsafe { t.deallocate(p.cast(), l) };
                    }
                }
                for (p, l) in kept {
                    // SAFETY: each kept block is still ours, with its layout.
                    assert_eq!(unsafe { p.cast::<u64>().read() }, id as u64);
                    // SAFETY: as above.
                    unsafe { t.deallocate(p.cast(), l) };
                }
            });
        }
    });
    let s = t.finish().unwrap();
    let per_thread = rounds as u64;
    // Each thread also grew its `kept` vector through `t`.
    assert!(s.allocations >= threads as u64 * per_thread);
    assert_eq!(s.allocations, s.deallocations);
    assert_eq!(s.live_blocks, 0);
    assert!(s.peak_blocks >= 1);
}

#[test]
fn racing_double_free_reaches_the_inner_allocator_once() {
    use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
    let freed = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    let tries = if cfg!(miri) { 3 } else { 50 };
    for _ in 0..tries {
        let t = Tracked::new(Global).with_backtrace_depth(0);
        let l = layout(16, 8);
        let p = t.allocate(l).unwrap();
        // An `AtomicPtr` carries the pointer (with its provenance) to both threads.
        let shared = AtomicPtr::new(p.cast::<u8>().as_ptr());
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    // Relaxed: `scope` spawned this thread after the store in `new`.
                    let addr = NonNull::new(shared.load(Ordering::Relaxed)).unwrap();
                    let r = catch_unwind(AssertUnwindSafe(|| {
                        // SAFETY: both threads free the same block: exactly one free must pass
                        // the check; the other is refused before `Global` sees it.
                        unsafe { t.deallocate(addr, l) };
                    }));
                    // Relaxed: read after the scope joins the threads.
                    match r {
                        Ok(()) => freed.fetch_add(1, Ordering::Relaxed),
                        Err(_) => refused.fetch_add(1, Ordering::Relaxed),
                    };
                });
            }
        });
        assert!(t.finish().is_ok());
    }
    // Relaxed: the threads were joined by `scope`.
    assert_eq!(freed.load(Ordering::Relaxed), tries);
    assert_eq!(refused.load(Ordering::Relaxed), tries);
}

#[test]
fn labels_survive_resizes() {
    let t = Tracked::new(Global).with_backtrace_depth(0);
    let mut v = AVec::new_in(t.labeled("growing"));
    for i in 0..100_u16 {
        v.push(i);
    }
    assert!(t.stats().grows > 0);
    let mut other = AVec::new_in(&t);
    other.push(1_u8);
    assert!(t.set_label(other.as_ptr(), "relabeled"));
    drop(other);
    assert!(!t.set_label(std::ptr::dangling::<u8>(), "nothing"));
    let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
    std::mem::forget(v);
    let report = t.finish().unwrap_err();
    assert_eq!(report.leaks()[0].label(), Some("growing"));
    // SAFETY: the forgotten buffer is still allocated in `Global`.
    drop(unsafe { AVec::from_raw_parts_in(ptr, len, cap, allocator_api2::alloc::Global) });
}

#[test]
fn debug_scope_tracks_in_debug_builds() {
    let scope = DebugScope::new(Global);
    let l = layout(8, 8);
    let p = scope.allocate(l).unwrap();
    scope.assert_owned(p.as_ptr());
    #[cfg(debug_assertions)]
    {
        assert_eq!(scope.stats().unwrap().live_blocks, 1);
        let msg = panic_message(|| drop(scope));
        assert!(msg.contains("leaked 1 block (8 bytes)"), "{msg}");
        // SAFETY: the leaked block is still allocated in `Global` with `l`.
        unsafe { Global.deallocate(p.cast(), l) };
    }
    #[cfg(not(debug_assertions))]
    {
        assert!(scope.stats().is_none());
        // SAFETY: allocated above with `l`.
        unsafe { scope.deallocate(p.cast(), l) };
        assert!(scope.finish().is_ok());
    }
}

#[test]
fn thread_safety_follows_the_inner_allocator() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Tracked<Global>>();
    send_sync::<DebugScope<Global>>();
    send_sync::<makai_alloc::Failing<Global>>();
    send_sync::<LeakReport>();
    send_sync::<makai_alloc::testing::FailureReport>();
    send::<Tracked<Arena>>();
}

mod model_runs {
    //! `Tracked` (and `Failing` under it) through the shared property harness: random
    //! allocate / grow / shrink / free sequences, zero-sized and over-aligned layouts included.
    //! Any misuse `Tracked` detected would panic; every run must end with nothing live.

    use makai_alloc::{Arena, Failing, Global, Tracked};
    use proptest::prelude::*;

    use super::super::model::{ops, run};

    proptest! {
        // No failure-persistence file: it needs the working directory, which Miri's isolation
        // refuses; failing seeds are printed instead.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        #[cfg_attr(miri, ignore = "the shared harness takes minutes per case under Miri; the tests above cover every Tracked path there")]
        fn tracked_global_model(ops in ops()) {
            let t = Tracked::new(Global).with_backtrace_depth(0);
            let out = run(&t, &ops);
            prop_assert_eq!(out.failed, 0);
            let stats = t.finish().expect("the harness frees everything");
            prop_assert_eq!(stats.live_blocks, 0);
            prop_assert!(stats.allocations <= out.ok as u64);
        }

        #[test]
        #[cfg_attr(miri, ignore = "the shared harness takes minutes per case under Miri; the tests above cover Tracked<&Arena> there")]
        fn tracked_arena_model(ops in ops()) {
            let arena = Arena::new();
            let t = Tracked::new(&arena).with_backtrace_depth(0);
            let out = run(&t, &ops);
            prop_assert_eq!(out.failed, 0);
            prop_assert!(t.finish().is_ok());
        }

        #[test]
        #[cfg_attr(miri, ignore = "the shared harness takes minutes per case under Miri; the tests above cover every Tracked path there")]
        fn tracked_over_failing_model(ops in ops(), k in 0_usize..24) {
            let t = Tracked::new(Failing::new(Global, k)).with_backtrace_depth(0);
            let out = run(&t, &ops);
            // Exactly the one chosen allocation fails, if the sequence gets that far.
            prop_assert_eq!(out.failed, t.inner().failures());
            prop_assert!(out.failed <= 1);
            prop_assert!(t.finish().is_ok());
        }
    }
}
