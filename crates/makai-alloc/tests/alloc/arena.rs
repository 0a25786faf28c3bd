//! `Arena` and `ArenaBox`: destructors, reset, threads.

use std::rc::Rc;
use std::sync::Arc;

use makai_alloc::{Arena, ArenaBox};

#[test]
fn boxed_values_run_their_destructors() {
    let arena = Arena::new();
    let counter = Rc::new(());
    let boxes: Vec<ArenaBox<'_, Rc<()>>> = (0..10)
        .map(|_| arena.alloc_boxed(Rc::clone(&counter)))
        .collect();
    assert_eq!(Rc::strong_count(&counter), 11);
    drop(boxes);
    assert_eq!(
        Rc::strong_count(&counter),
        1,
        "every ArenaBox dropped its Rc"
    );
}

#[test]
fn reset_reuses_the_chunk() {
    let mut arena = Arena::new();
    for _ in 0..100 {
        arena.alloc([7_u64; 4]);
    }
    // After a reset bumpalo keeps its largest chunk; once that chunk holds a whole round,
    // later rounds allocate no chunk at all.
    let mut steady = None;
    for round in 0..6_u64 {
        arena.reset();
        for i in 0..100 {
            let x = arena.alloc([round, i, 0, 0]);
            assert_eq!(x[1], i);
        }
        let bytes = arena.allocated_bytes();
        if round >= 2 {
            assert_eq!(Some(bytes), steady, "no new chunk after reset");
        }
        steady = Some(bytes);
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "bumpalo aligns by address inside 16-aligned chunks; Miri's symbolic alignment \
              check cannot see that (a false positive for alignments above 16)"
)]
fn over_aligned_values() {
    #[repr(align(64))]
    #[derive(Clone, Copy)]
    struct Line([u8; 64]);
    let arena = Arena::new();
    let _pad = arena.alloc(1_u8);
    let line = arena.alloc(Line([3; 64]));
    assert_eq!(std::ptr::from_mut(line).addr() % 64, 0);
    assert_eq!(line.0[63], 3);
}

#[test]
fn values_keep_their_alignment() {
    let arena = Arena::new();
    let _pad = arena.alloc(1_u8);
    let wide = arena.alloc(7_u128);
    assert_eq!(std::ptr::from_mut(wide).addr() % align_of::<u128>(), 0);
    assert_eq!(*wide, 7);
    let s = arena.alloc_str("héllo");
    assert_eq!(s, "héllo");
    let empty = arena.alloc_slice_copy::<u64>(&[]);
    assert!(empty.is_empty());
}

#[test]
fn try_variants_report_impossible_sizes() {
    assert!(Arena::try_with_capacity(usize::MAX).is_err());
    let arena = Arena::new();
    assert_eq!(*arena.try_alloc(5_u8).unwrap(), 5);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri stops on a huge allocation instead of returning null"
)]
fn huge_requests_fail_cleanly() {
    let arena = Arena::new();
    let huge = std::alloc::Layout::from_size_align(isize::MAX as usize - 4096, 1).unwrap();
    assert!(makai_alloc::Allocator::allocate(&&arena, huge).is_err());
    assert_eq!(*arena.try_alloc(5_u8).unwrap(), 5, "the arena still works");
}

#[test]
fn arena_moves_between_threads_and_boxes_cross_them() {
    // `Arena: Send` (moved into a thread) and `ArenaBox<T: Send>: Send` (sent while the
    // arena stays borrowed on this thread).
    let arena = Arena::new();
    let shared = Arc::new(());
    let b = arena.alloc_boxed((Arc::clone(&shared), String::from("across")));
    std::thread::scope(|s| {
        s.spawn(move || {
            assert_eq!(b.1, "across");
            drop(b);
        });
    });
    assert_eq!(Arc::strong_count(&shared), 1);
    let handle = std::thread::spawn(move || {
        let x = arena.alloc(21_u32);
        *x * 2
    });
    assert_eq!(handle.join().unwrap(), 42);
}

#[test]
fn debug_output_names_the_arena() {
    let arena = Arena::with_capacity(64);
    assert!(format!("{arena:?}").starts_with("Arena { allocated_bytes: "));
    let b = arena.alloc_boxed(5);
    assert_eq!(format!("{b:?} {b}"), "5 5");
    assert_eq!(b, arena.alloc_boxed(5));
}
