//! `Api2<A>` in both directions and the `allocator_api2` impls of makai allocators.

use std::alloc::Layout;

use allocator_api2::alloc::Allocator as Api2Allocator;
use makai_alloc::{Allocator, Api2, Arena, Global, NoAlloc, NullableAllocator};

#[test]
fn makai_allocators_speak_allocator_api2() {
    fn round_trip<A: Api2Allocator>(a: A) {
        let l = Layout::from_size_align(48, 16).unwrap();
        let block = a.allocate_zeroed(l).unwrap();
        assert_eq!(block.cast::<u8>().as_ptr().addr() % 16, 0);
        // SAFETY: 48 zeroed bytes just allocated.
        assert!(unsafe { block.as_ref() }[..48].iter().all(|&b| b == 0));
        // SAFETY: allocated above by `a` with `l`.
        unsafe { a.deallocate(block.cast(), l) };
    }
    round_trip(Global);
    round_trip(NullableAllocator::new(&Global));
    let arena = Arena::new();
    round_trip(&arena);
    assert!(Api2Allocator::allocate(&NoAlloc, Layout::new::<u8>()).is_err());
    assert!(Api2Allocator::allocate(&NullableAllocator::null(), Layout::new::<u8>()).is_err());
}

#[test]
fn foreign_allocator_through_api2() {
    let bump = bumpalo::Bump::new();
    let a = Api2(&bump);
    let l = Layout::new::<[u64; 8]>();
    let block = Allocator::allocate(&a, l).unwrap();
    assert!(block.len() >= 64);
    // SAFETY: allocated above with `l`.
    unsafe { Allocator::deallocate(&a, block.cast(), l) };
    // Api2 is also an allocator_api2 allocator, so hashbrown accepts it.
    let mut map = hashbrown::HashMap::new_in(Api2(allocator_api2::alloc::Global));
    map.insert("k", 1);
    assert_eq!(map["k"], 1);
    assert_eq!(Api2(7_u8).into_inner(), 7);
}

#[test]
fn makai_vec_error_surfaces_as_alloc_error() {
    let mut v = allocator_api2::vec::Vec::<u8, _>::new_in(NoAlloc);
    assert!(v.try_reserve(1).is_err());
    v.extend_from_slice(&[]);
    assert!(v.is_empty());
}
