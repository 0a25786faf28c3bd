//! `NoAlloc` and `NullableAllocator` edges.

use std::alloc::Layout;

use makai_alloc::{Allocator, Arena, Global, NoAlloc, NullableAllocator};

#[test]
fn sizes() {
    assert_eq!(size_of::<NullableAllocator<'_>>(), 16);
    assert_eq!(size_of::<NoAlloc>(), 0);
    assert_eq!(size_of::<Global>(), 0);
}

#[test]
fn nullable_forwards_to_the_arena_it_wraps() {
    let arena = Arena::new();
    let arena_ref = &arena;
    let a = NullableAllocator::new(&arena_ref);
    let l = Layout::new::<[u8; 100]>();
    let block = a.allocate(l).unwrap();
    assert!(
        arena.allocated_bytes() >= 100,
        "the block came from the arena"
    );
    // SAFETY: allocated by `a` with `l`.
    unsafe { a.deallocate(block.cast(), l) };
    let copy = a; // `Copy`: the same allocator
    assert!(!copy.is_null());
    assert!(copy.get().is_some());
}

#[test]
fn no_alloc_even_refuses_zero_sized_requests() {
    assert!(NoAlloc.allocate(Layout::new::<()>()).is_err());
    assert!(
        NoAlloc
            .allocate(Layout::from_size_align(0, 4096).unwrap())
            .is_err()
    );
    let v: allocator_api2::vec::Vec<(), NoAlloc> = allocator_api2::vec::Vec::new_in(NoAlloc);
    assert_eq!(v.len(), 0);
}
