//! The rule for `Arena::alloc` (issue 11): it accepts exactly the types without drop glue.
//! `ManuallyDrop<T>` is the user's explicit opt-out and is accepted; zero-length arrays hold
//! nothing to drop and are accepted; every type whose destructor would be skipped is refused
//! at compile time (the `compile_fail` doctests on `Arena` and `Arena::alloc` show that).

use std::cell::Cell;
use std::mem::{ManuallyDrop, needs_drop};
use std::rc::Rc;

use makai_alloc::Arena;

/// Counts its drops.
struct Loud(Rc<Cell<usize>>);

impl Drop for Loud {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn the_rule_is_needs_drop() {
    assert!(!needs_drop::<ManuallyDrop<Vec<u8>>>());
    assert!(!needs_drop::<[Vec<u8>; 0]>());
    assert!(!needs_drop::<(u8, [String; 0], ManuallyDrop<Loud>)>());
    assert!(needs_drop::<Vec<u8>>() && needs_drop::<[Vec<u8>; 1]>());
    assert!(needs_drop::<(u8, Option<Loud>)>());
}

#[test]
fn manually_drop_is_an_explicit_opt_out_the_caller_can_honour() {
    let drops = Rc::new(Cell::new(0));
    let arena = Arena::new();
    let kept = arena.alloc(ManuallyDrop::new(Loud(Rc::clone(&drops))));
    let boxed = arena.alloc(ManuallyDrop::new(vec![1_u8, 2, 3]));
    boxed.push(4);
    assert_eq!(**boxed, [1, 2, 3, 4]);
    // The arena never runs these destructors, so the caller does (Miri's leak check would
    // report the Vec's buffer otherwise).
    // SAFETY: `kept` is not used again after being dropped.
    unsafe { ManuallyDrop::drop(kept) };
    // SAFETY: `boxed` is not used again after being dropped.
    unsafe { ManuallyDrop::drop(boxed) };
    assert_eq!(drops.get(), 1);
    drop(arena);
    assert_eq!(
        drops.get(),
        1,
        "dropping the arena runs no destructor again"
    );
}

#[test]
fn zero_length_arrays_hold_nothing_to_drop() {
    let arena = Arena::new();
    let empty: &mut [Vec<u8>; 0] = arena.alloc([]);
    assert!(empty.is_empty());
    let pair: &mut (u32, [Loud; 0]) = arena.alloc((7, []));
    assert_eq!(pair.0, 7);
    let fallible = arena.try_alloc::<[String; 0]>([]).unwrap();
    assert_eq!(fallible.len(), 0);
}

#[test]
fn values_with_destructors_go_through_alloc_boxed() {
    let drops = Rc::new(Cell::new(0));
    let arena = Arena::new();
    let b = arena.alloc_boxed([Loud(Rc::clone(&drops)), Loud(Rc::clone(&drops))]);
    drop(b);
    assert_eq!(drops.get(), 2);
}
