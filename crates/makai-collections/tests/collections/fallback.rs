//! `HiveFallback` and `FallbackBox`: spilling to the heap once the hive is full, and freeing
//! (and `from_raw`) back to the right origin.

use std::cell::Cell;
use std::rc::Rc;

use makai_collections::{FallbackBox, HiveFallback};

use super::Counted;

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
