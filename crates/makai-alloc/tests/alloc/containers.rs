//! `hashbrown::HashMap` and `allocator_api2::vec::Vec` living in makai allocators, checked
//! against std models. This is the `allocator-api2` 0.2 bridge doing real work.

use std::collections::HashMap as StdMap;

use allocator_api2::alloc::Allocator as Api2Allocator;
use allocator_api2::vec::Vec as AVec;
use makai_alloc::{Arena, StackFallback};

const N: u64 = if cfg!(miri) { 60 } else { 3000 };

/// Fills a map and a vector in `alloc`, mutates them, and compares with std.
fn exercise<A: Api2Allocator + Copy>(alloc: A) {
    let mut map = hashbrown::HashMap::new_in(alloc);
    let mut model = StdMap::new();
    let mut v = AVec::new_in(alloc);
    let mut v_model = Vec::new();
    for i in 0..N {
        let k = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % (N / 2 + 1);
        map.insert(k, i);
        model.insert(k, i);
        v.push(format!("{k}:{i}"));
        v_model.push(format!("{k}:{i}"));
        if i % 7 == 0 {
            map.remove(&(i % 13));
            model.remove(&(i % 13));
            v.swap_remove(0);
            v_model.swap_remove(0);
        }
    }
    assert_eq!(map.len(), model.len());
    for (k, val) in &model {
        assert_eq!(map.get(k), Some(val));
    }
    assert_eq!(&v[..], &v_model[..]);
    v.shrink_to_fit();
    map.shrink_to_fit();
    assert_eq!(&v[..], &v_model[..]);
    assert_eq!(map.len(), model.len());
}

#[test]
fn containers_in_an_arena() {
    let arena = Arena::new();
    exercise(&arena);
    assert!(arena.allocated_bytes() > 0);
}

#[test]
fn containers_in_a_stack_fallback() {
    let buf = StackFallback::<4096>::new();
    exercise(&buf);
    assert!(
        buf.fallback_count() > 0,
        "a map of {N} entries outgrows 4 KiB"
    );
    let small = StackFallback::<4096>::new();
    let mut map = hashbrown::HashMap::with_capacity_in(16, &small);
    for i in 0..16_u32 {
        map.insert(i, i * i);
    }
    assert_eq!(map[&15], 225);
    assert_eq!(
        small.fallback_count(),
        0,
        "a small map lives entirely in the buffer"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
fn containers_in_a_mi_heap() {
    let heap = makai_alloc::MiHeap::new();
    exercise(&heap);
    let mut v = AVec::new_in(&heap);
    v.extend_from_slice(&[1_u8, 2, 3]);
    assert!(heap.contains(v.as_ptr()));
    exercise(makai_alloc::Mimalloc);
}
