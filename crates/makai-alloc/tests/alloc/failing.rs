//! `Failing` and the `testing` module: every allocation failure of a function that builds a
//! vector of strings, and the bugs the checker must catch.

use std::alloc::Layout;

use allocator_api2::collections::TryReserveError;
use allocator_api2::vec::Vec as AVec;
use makai_alloc::testing::{
    FailingTracked, FailureKind, check_all_allocation_failures,
    check_all_allocation_failures_counted, check_leaks,
};
use makai_alloc::{AllocError, Allocator, Failing, Global, Tracked};

/// A string whose bytes live in the allocator under test.
type AString<'a> = AVec<u8, &'a FailingTracked>;

/// Builds a vector of owned copies of `words`, propagating every allocation failure.
fn build_strings<'a>(
    alloc: &'a FailingTracked,
    words: &[&str],
) -> Result<AVec<AString<'a>, &'a FailingTracked>, TryReserveError> {
    let mut out = AVec::new_in(alloc);
    for w in words {
        let mut s = AVec::new_in(alloc);
        s.try_reserve_exact(w.len())?;
        s.extend_from_slice(w.as_bytes());
        // Grow one at a time (not `try_reserve(words.len())` up front), so the outer vector's
        // growth is a failure point too.
        out.try_reserve(1)?;
        out.push(s);
    }
    Ok(out)
}

const WORDS: &[&str] = &["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];

#[test]
fn vector_of_strings_passes_every_failure_point() {
    let points = check_all_allocation_failures_counted(|alloc| {
        let v = build_strings(alloc, WORDS)?;
        assert_eq!(v.len(), WORDS.len());
        assert_eq!(&v[4][..], b"epsilon");
        Ok::<(), TryReserveError>(())
    })
    .unwrap();
    // One allocation per string, plus the outer vector's growth (4, 8 elements: 2 or more).
    assert!(points > WORDS.len(), "{points} failure points");
}

#[test]
fn swallowed_failure_names_the_index() {
    let report = check_all_allocation_failures(|alloc| {
        let _first = build_strings(alloc, &WORDS[..1])?;
        // The second batch "handles" its failure by pretending all is well.
        let _second = build_strings(alloc, &WORDS[1..2]).ok();
        Ok::<(), TryReserveError>(())
    })
    .unwrap_err();
    // Allocations 0 and 1 are the first batch (string, then outer vector); 2 is the second's.
    assert_eq!(report.failing_index(), Some(2));
    assert!(matches!(report.kind(), FailureKind::SwallowedFailure));
    let text = report.to_string();
    assert!(
        text.starts_with("with allocation 2 failing (of 4 allocations)"),
        "{text}"
    );
}

#[test]
fn leak_on_the_error_path_is_caught() {
    // Keeps the first string alive by leaking it when the second allocation fails: the bug
    // `checkAllAllocationFailures` exists to find.
    let mut leaked: Vec<(*mut u8, usize)> = Vec::new();
    let report = check_all_allocation_failures(|alloc| {
        let mut first: AVec<u8, _> = AVec::new_in(alloc);
        first.try_reserve_exact(8).map_err(|_| AllocError)?;
        let mut second: AVec<u8, _> = AVec::new_in(alloc);
        if second.try_reserve_exact(8).is_err() {
            let mut first = std::mem::ManuallyDrop::new(first);
            leaked.push((first.as_mut_ptr(), first.capacity()));
            return Err(AllocError);
        }
        Ok(())
    })
    .unwrap_err();
    assert_eq!(report.failing_index(), Some(1));
    let leaks = report.leak_report().expect("the run leaked");
    assert_eq!((leaks.leaked_blocks(), leaks.leaked_bytes()), (1, 8));
    assert!(std::error::Error::source(&report).is_some());
    assert!(report.to_string().contains("leaked 1 block (8 bytes)"));
    // The leaking run ran twice (the second time with backtraces, for the report).
    for (ptr, cap) in leaked {
        // SAFETY: each leaked buffer is still allocated in `Global` with `cap` bytes.
        drop(unsafe { AVec::from_raw_parts_in(ptr, 0, cap, allocator_api2::alloc::Global) });
    }
}

#[test]
fn panic_in_a_failing_run_is_reported() {
    let report = check_all_allocation_failures(|alloc| {
        let l = Layout::new::<u32>();
        // `expect` turns allocation failure into a panic instead of an error.
        let p = alloc.allocate(l).expect("allocation must not fail");
        // SAFETY: allocated just above with `l`.
        unsafe { alloc.deallocate(p.cast(), l) };
        Ok::<(), AllocError>(())
    })
    .unwrap_err();
    assert_eq!(report.failing_index(), Some(0));
    assert!(
        matches!(report.kind(), FailureKind::Panicked(m) if m.contains("allocation must not fail"))
    );
}

#[test]
fn failing_fails_exactly_the_chosen_index_in_a_vec() {
    for k in 0..4 {
        let alloc = Failing::new(Global, k);
        let mut v: AVec<u64, _> = AVec::new_in(&alloc);
        let mut failed_at = None;
        for i in 0..100_u64 {
            if v.try_reserve(1).is_err() {
                failed_at.get_or_insert(alloc.allocations() - 1);
                continue;
            }
            v.push(i);
        }
        assert_eq!(failed_at, Some(k), "allocation {k} is the one that failed");
        assert_eq!(alloc.failures(), 1);
        assert_eq!(v.len(), 99, "only one push was refused");
    }
}

#[test]
fn failing_every_later_keeps_failing() {
    let alloc = Failing::new(Global, 2).and_every_later();
    let mut boxes = Vec::new();
    for i in 0..6_u32 {
        boxes.push(allocator_api2::boxed::Box::try_new_in(i, &alloc).is_ok());
    }
    assert_eq!(boxes, [true, true, false, false, false, false]);
    assert_eq!((alloc.allocations(), alloc.failures()), (6, 4));
}

#[test]
fn failing_under_tracked_records_only_what_succeeded() {
    let t = Tracked::new(Failing::new(Global, 1)).with_backtrace_depth(0);
    let l = Layout::new::<[u8; 16]>();
    let a = t.allocate(l).unwrap();
    assert!(t.allocate(l).is_err());
    assert_eq!(t.stats().live_blocks, 1);
    // A failed grow leaves the block tracked with its old layout.
    let c = t.allocate(l).unwrap();
    let t2 = Tracked::new(Failing::new(Global, 0)).with_backtrace_depth(0);
    assert!(t2.allocate(l).is_err());
    assert!(t2.finish().is_ok());
    // SAFETY: both blocks are live in `t` with `l`.
    unsafe { t.deallocate(a.cast(), l) };
    // SAFETY: as above.
    unsafe { t.deallocate(c.cast(), l) };
    assert_eq!(t.finish().unwrap().allocations, 2);
}

#[test]
fn failed_grow_keeps_the_old_block_tracked() {
    let t = Tracked::new(Failing::new(Global, 1)).with_backtrace_depth(0);
    let l = Layout::new::<[u8; 16]>();
    let a = t.allocate(l).unwrap();
    // SAFETY: `a` is live with `l`; allocation 1 (this grow) fails.
    assert!(unsafe { t.grow(a.cast(), l, Layout::new::<[u8; 64]>()) }.is_err());
    assert_eq!(t.stats().live_bytes, 16);
    t.assert_owned(a.as_ptr());
    // SAFETY: still live with `l`.
    unsafe { t.deallocate(a.cast(), l) };
    assert!(t.finish().is_ok());
}

#[test]
fn check_leaks_passes_clean_code_and_returns_its_value() {
    let n = check_leaks(|alloc| {
        let mut map = hashbrown::HashMap::new_in(alloc);
        for i in 0..50 {
            map.insert(i, i);
        }
        map.len()
    })
    .unwrap();
    assert_eq!(n, 50);
}
