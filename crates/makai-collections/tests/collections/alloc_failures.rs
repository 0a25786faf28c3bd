//! Allocation failure everywhere (issue 11): every makai-collections API that allocates
//! through a caller-given allocator (`DynBitSet::try_with_len_in`/`try_clone`,
//! `LinearFifo<_, Dynamic<A>>`'s `try_` writes, `HiveFallback::try_alloc` once the hive is
//! full) runs under `check_all_allocation_failures`: with each allocation failing in turn, the
//! `try_` form returns `Err` and nothing leaks, including the values handed to a failing call
//! (they own global-heap `String`s, which Miri's leak check watches).

use makai_alloc::AllocError;
use makai_alloc::testing::check_all_allocation_failures_counted;
use makai_collections::{DynBitSet, Dynamic, HiveFallback, LinearFifo};

fn checked<E: std::fmt::Debug>(
    f: impl FnMut(&makai_alloc::testing::FailingTracked) -> Result<(), E>,
) -> usize {
    check_all_allocation_failures_counted(f).unwrap_or_else(|report| panic!("{report}"))
}

#[test]
fn dyn_bit_set_with_len_in_and_try_clone() {
    let points = checked(|alloc| {
        let mut sets = Vec::new();
        for len in [1, 64, 65, 200, 0, 1000] {
            let mut s = DynBitSet::try_with_len_in(len, alloc)?;
            if len > 0 {
                s.set(len - 1);
            }
            let copy = s.try_clone()?;
            assert_eq!(copy, s);
            sets.push((s, copy));
        }
        assert_eq!(sets.len(), 6);
        Ok::<(), AllocError>(())
    });
    // `len == 0` needs no words; every other length allocates twice (the set and its clone).
    assert!(points >= 10, "{points} failure points");
}

#[test]
fn linear_fifo_dynamic_try_writes() {
    let points = checked(|alloc| {
        let mut f = LinearFifo::<String, Dynamic<_>>::new_in(alloc);
        for i in 0..20 {
            f.try_write_item(format!("item {i}"))?;
            if i % 3 == 0 {
                assert!(f.read_item().is_some());
            }
        }
        f.try_ensure_unused_capacity(100)?;
        let mut bytes = LinearFifo::<u8, Dynamic<_>>::new_in(alloc);
        bytes.try_write(&[7; 33])?;
        bytes.discard(30);
        bytes.try_unget(&[1; 40])?;
        bytes.try_extend_exact(0..64_u8)?;
        assert_eq!(bytes.len(), 3 + 40 + 64);
        Ok::<(), AllocError>(())
    });
    assert!(points >= 6, "{points} failure points");
}

#[test]
fn hive_fallback_try_alloc_spills_through_the_allocator() {
    let points = checked(|alloc| {
        let pool = HiveFallback::<String, 1, _>::new_in(alloc);
        let mut live = Vec::new();
        // Fill the hive (however many slots it has), then spill three values to the allocator.
        while pool.fallback_count() < 3 {
            assert!(live.len() < 1000, "the hive never spilled");
            live.push(pool.try_alloc(format!("value {}", live.len()))?);
        }
        let in_hive = live.len() - 3;
        // A freed hive slot is reused before the allocator.
        live.swap_remove(0);
        live.push(pool.try_alloc(String::from("reused"))?);
        assert_eq!(pool.fallback_count(), 3);
        assert_eq!(live.len(), in_hive + 3);
        Ok::<(), AllocError>(())
    });
    assert_eq!(points, 3, "one allocation per spilled value");
}

/// `LinearFifo::shrink` has no `try_` form because it cannot fail: when the allocator
/// refuses the smaller buffer, the fifo keeps its old one, contents intact.
#[test]
fn linear_fifo_shrink_keeps_the_buffer_when_the_allocator_fails() {
    use makai_alloc::{Failing, Global, Tracked};
    // Allocation 0 (the first buffer) succeeds, allocation 1 (the shrink's) fails.
    let t = Tracked::new(Failing::new(Global, 1)).with_backtrace_depth(0);
    let mut f = LinearFifo::<String, Dynamic<_>>::new_in(&t);
    f.try_ensure_unused_capacity(40).unwrap();
    for i in 0..40 {
        f.try_write_item(i.to_string()).unwrap();
    }
    let cap = f.capacity();
    f.discard(37);
    f.shrink(0);
    assert!(t.inner().has_failed(), "the shrink asked the allocator");
    assert_eq!(f.capacity(), cap);
    let rest: Vec<String> = std::iter::from_fn(|| f.read_item()).collect();
    assert_eq!(rest, ["37", "38", "39"]);
    drop(f);
    t.finish().unwrap();
}
