//! Allocation failure everywhere (issue 11): every makai-alloc allocator that takes another
//! allocator (`StackFallback`, `BufferFallback`, `NullableAllocator`, `Tracked`,
//! `DebugScope`, `Failing`, and `&Arena`-backed fallbacks through them) is driven through
//! `check_all_allocation_failures`: with each allocation of the inner allocator failing in
//! turn, the `try_` forms of the containers on top must return `Err`, and nothing may leak
//! (the checker's `Tracked` sees the inner allocator's blocks; Miri's leak check sees the
//! rest). The counted number of failure points is asserted, so a workload that never reaches
//! the failing allocator cannot pass silently.

use std::mem::MaybeUninit;

use allocator_api2::collections::TryReserveError;
use allocator_api2::vec::Vec as AVec;
use makai_alloc::testing::check_all_allocation_failures_counted;
use makai_alloc::{
    AllocError, Allocator, BufferFallback, DebugScope, Failing, NullableAllocator, StackFallback,
    Tracked,
};

/// Several vectors growing in turns (so blocks are freed, grown and moved between the inline
/// buffer and the fallback), plus a hash map. Only `try_` forms allocate.
fn workload<A>(alloc: A) -> Result<usize, TryReserveError>
where
    A: allocator_api2::alloc::Allocator + Copy,
{
    let mut bytes: AVec<u8, A> = AVec::new_in(alloc);
    let mut words: AVec<u64, A> = AVec::new_in(alloc);
    let mut names: AVec<AVec<u8, A>, A> = AVec::new_in(alloc);
    let mut map = hashbrown::HashMap::<u32, u64, _, A>::with_hasher_in(
        hashbrown::DefaultHashBuilder::default(),
        alloc,
    );
    for round in 0..5_u8 {
        bytes.try_reserve(9)?;
        bytes.extend_from_slice(&[round; 9]);
        words.try_reserve(24)?;
        words.extend(0..24_u64);
        let mut name = AVec::new_in(alloc);
        name.try_reserve_exact(usize::from(round) * 5 + 1)?;
        name.push(round);
        names.try_reserve(1)?;
        names.push(name);
        map.try_reserve(8)
            .map_err(|_| bytes.try_reserve(usize::MAX).unwrap_err())?;
        for k in 0..8 {
            map.insert(u32::from(round) * 8 + k, u64::from(k));
        }
    }
    Ok(bytes.len() + words.len() + names.len() + map.len())
}

/// Runs `workload` through the allocator that `$wrap` builds over the checker's allocator
/// `$alloc`; evaluates to the number of failure points.
macro_rules! check {
    (|$alloc:ident| $wrap:expr) => {
        check_all_allocation_failures_counted(|$alloc| {
            let w = $wrap;
            let n = workload(&w)?;
            assert_eq!(n, 45 + 120 + 5 + 40);
            Ok::<(), TryReserveError>(())
        })
        .unwrap_or_else(|report| panic!("{report}"))
    };
}

#[test]
fn stack_fallback_propagates_every_fallback_failure() {
    let points = check!(|alloc| StackFallback::<256, _>::new_in(alloc));
    assert!(points >= 5, "the fallback was reached {points} times");
}

#[test]
fn buffer_fallback_propagates_every_fallback_failure() {
    let points = check_all_allocation_failures_counted(|alloc| {
        // Aligned for the `u64`s carved from it (Miri's symbolic alignment check follows the
        // buffer's declared alignment, not its address).
        #[repr(align(16))]
        struct Buf([MaybeUninit<u8>; 192]);
        let mut buf = Buf([MaybeUninit::uninit(); 192]);
        let w = BufferFallback::new_in(&mut buf.0, alloc);
        workload(&w)?;
        Ok::<(), TryReserveError>(())
    })
    .unwrap_or_else(|report| panic!("{report}"));
    assert!(points >= 5, "the fallback was reached {points} times");
}

#[test]
fn nullable_allocator_propagates_every_failure() {
    let points = check!(|alloc| NullableAllocator::new(alloc as &dyn Allocator));
    assert!(points >= 10, "{points} failure points");
}

#[test]
fn nested_tracked_debug_scope_and_failing_propagate_every_failure() {
    let tracked = check!(|alloc| Tracked::new(alloc).with_backtrace_depth(0));
    let scope = check!(|alloc| DebugScope::new(alloc).with_backtrace_depth(0));
    // A `Failing` that never fails itself (index past the end) passes the checker's failures on.
    let failing = check!(|alloc| Failing::new(alloc, usize::MAX));
    assert!(tracked >= 10, "{tracked} failure points");
    assert_eq!(
        (tracked, scope),
        (failing, failing),
        "the same allocations reach the checker"
    );
}

#[test]
fn two_fallbacks_deep() {
    // An `Arena` is hard-wired to the global heap (bumpalo), so it is a leaf, not a wrapper;
    // this stacks two fallbacks over the checker instead.
    let points = check_all_allocation_failures_counted(|alloc| {
        let inner = StackFallback::<64, _>::new_in(alloc);
        let inner_ref = &inner;
        let outer = StackFallback::<64, _>::new_in(NullableAllocator::new(&inner_ref));
        workload(&outer)?;
        Ok::<(), TryReserveError>(())
    })
    .unwrap_or_else(|report| panic!("{report}"));
    assert!(points >= 5);
}

/// The raw `Allocator` methods of each wrapper: `allocate`, `grow`, `shrink` report the
/// failure and keep the old block intact (its bytes survive a failed grow).
#[test]
fn raw_grow_failure_keeps_the_old_block() {
    use std::alloc::Layout;
    check_all_allocation_failures_counted(|alloc| {
        let stack = StackFallback::<32, _>::new_in(alloc);
        let w = &stack;
        let small = Layout::new::<[u8; 16]>();
        let big = Layout::new::<[u8; 256]>();
        let p = w.allocate(small)?.cast::<u8>();
        // SAFETY: a fresh 16-byte block.
        unsafe { p.as_ptr().write_bytes(0x5A, 16) };
        // SAFETY: `p` is live with layout `small`; `big` is larger.
        let grown = match unsafe { w.grow(p, small, big) } {
            Ok(g) => g.cast::<u8>(),
            Err(AllocError) => {
                // SAFETY: a failed grow leaves `p` live with its 16 bytes.
                let last = unsafe { p.add(15) };
                // SAFETY: as above; the byte was written before the grow.
                assert_eq!(unsafe { last.read() }, 0x5A);
                // SAFETY: still live with layout `small`.
                unsafe { w.deallocate(p, small) };
                return Err(AllocError);
            }
        };
        // SAFETY: the grown block holds 256 bytes.
        let last = unsafe { grown.add(15) };
        // SAFETY: the first 16 bytes were copied by `grow`.
        assert_eq!(unsafe { last.read() }, 0x5A);
        // SAFETY: live with layout `big`.
        unsafe { w.deallocate(grown, big) };
        Ok(())
    })
    .unwrap_or_else(|report| panic!("{report}"));
}
