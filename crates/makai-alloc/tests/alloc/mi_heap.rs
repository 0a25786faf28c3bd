//! `MiHeap` and `Mimalloc` behaviour (mimalloc is C: none of this runs under Miri).

use std::alloc::{GlobalAlloc, Layout};

use makai_alloc::{Allocator, Global, MiHeap, Mimalloc};

#[test]
#[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
fn contains_is_safe_for_any_pointer() {
    let heap = MiHeap::new();
    let other = MiHeap::new();
    let l = Layout::new::<[u8; 40]>();
    let block = (&heap).allocate(l).unwrap().cast::<u8>();
    let p = block.as_ptr();
    assert!(heap.contains(p));
    // SAFETY: 40-byte block: offset 13 is inside it.
    let interior = unsafe { p.add(13) };
    assert!(heap.contains(interior), "interior, unaligned pointer");
    assert!(!other.contains(p));
    let on_stack = 5_u64;
    assert!(!heap.contains(std::ptr::from_ref(&on_stack).cast()));
    assert!(!heap.contains(std::ptr::null()));
    assert!(!heap.contains(std::ptr::dangling()));
    assert!(!heap.contains(std::ptr::without_provenance(usize::MAX)));
    let g = Global.allocate(l).unwrap();
    assert!(!heap.contains(g.cast::<u8>().as_ptr()));
    // SAFETY: allocated above from `Global` with `l`.
    unsafe { Global.deallocate(g.cast(), l) };
    let m = Mimalloc.allocate(l).unwrap();
    assert!(
        !heap.contains(m.cast::<u8>().as_ptr()),
        "a global mimalloc block"
    );
    // SAFETY: allocated above from `Mimalloc` with `l`.
    unsafe { Mimalloc.deallocate(m.cast(), l) };
}

#[test]
#[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
fn reset_and_drop_free_everything_at_once() {
    let mut heap = MiHeap::try_new().unwrap();
    let l = Layout::new::<[u64; 4]>();
    let mut last = None;
    for _ in 0..10_000 {
        last = Some((&heap).allocate(l).unwrap().cast::<u8>());
    }
    let last = last.unwrap();
    assert!(heap.contains(last.as_ptr()));
    heap.reset(); // 10 000 blocks gone in one call; the heap is fresh
    let again = (&heap).allocate(l).unwrap();
    assert!(heap.contains(again.cast::<u8>().as_ptr()));
    heap.try_reset().unwrap();
    for _ in 0..10_000 {
        let _ = (&heap).allocate(l).unwrap();
    }
    drop(heap); // and dropping frees whatever is left
    assert!(format!("{:?}", MiHeap::default()).starts_with("MiHeap"));
}

#[test]
#[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
fn heap_blocks_are_freed_by_mimalloc_from_another_thread() {
    struct Block(std::ptr::NonNull<u8>);
    // SAFETY: the block is plain memory; mimalloc frees it from any thread.
    unsafe impl Send for Block {}
    let heap = MiHeap::new();
    let l = Layout::new::<[u8; 64]>();
    let blocks: Vec<Block> = (0..1000_u32)
        .map(|i| {
            let b = (&heap).allocate(l).unwrap().cast::<u8>();
            // SAFETY: 64 writable bytes.
            unsafe { b.as_ptr().write_bytes(i as u8, 64) };
            Block(b)
        })
        .collect();
    std::thread::spawn(move || {
        for (i, b) in blocks.into_iter().enumerate() {
            // SAFETY: written above.
            assert_eq!(unsafe { b.0.as_ptr().read() }, i as u8);
            // SAFETY: a live `MiHeap` block (the heap outlives this thread: it is joined
            // below before the heap drops); `Mimalloc` frees blocks of any heap.
            unsafe { Mimalloc.deallocate(b.0, l) };
        }
    })
    .join()
    .unwrap();
    drop(heap);
}

#[test]
#[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
fn mimalloc_global_alloc_interface() {
    let a = Mimalloc;
    for align in [1, 8, 16, 32, 4096] {
        let l = Layout::from_size_align(24, align).unwrap();
        // SAFETY: non-zero size.
        let p = unsafe { a.alloc_zeroed(l) };
        assert!(!p.is_null());
        assert_eq!(p.addr() % align, 0);
        // SAFETY: 24 zeroed bytes.
        let zeroed = unsafe { std::slice::from_raw_parts(p, 24) };
        assert!(zeroed.iter().all(|&b| b == 0));
        // SAFETY: `p` is a live block fitting `l`; 5000 is a valid size.
        let q = unsafe { a.realloc(p, l, 5000) };
        assert!(!q.is_null());
        assert_eq!(q.addr() % align, 0);
        // SAFETY: `q` is a live 5000-byte block with `l`'s alignment.
        unsafe { a.dealloc(q, Layout::from_size_align(5000, align).unwrap()) };
    }
    assert_eq!(size_of::<Mimalloc>(), 0);
    assert_eq!(size_of::<MiHeap>(), 8);
    assert_eq!(size_of::<Option<MiHeap>>(), 8);
}
