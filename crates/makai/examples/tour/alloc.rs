//! makai-alloc: a hash map in an arena, a stack buffer that spares the heap, a heap teardown.

use std::alloc::Layout;
use std::time::Instant;

use makai::alloc::{Allocator, Arena, Global, MiHeap, NullableAllocator, StackFallback};

pub(crate) fn section() {
    crate::heading("makai-alloc: arenas, stack buffers, mimalloc heaps");

    // A hashbrown map whose table lives in an arena: freed with the arena, no per-entry frees.
    let arena = Arena::new();
    let mut map = hashbrown::HashMap::new_in(&arena);
    for i in 0..10_000_u64 {
        map.insert(i, i * i);
    }
    let sum: u64 = map.values().sum();
    println!(
        "hashbrown map with {} entries in an Arena: {} bytes of arena chunks (sum of squares {sum})",
        map.len(),
        arena.allocated_bytes()
    );
    drop(map);

    // A scratch buffer on the stack: the request line fits, so the heap is never asked.
    let buf = StackFallback::<512>::new();
    let mut line = allocator_api2::vec::Vec::new_in(&buf);
    line.extend_from_slice(b"GET /index.html HTTP/1.1");
    let mut headers = allocator_api2::vec::Vec::new_in(&buf);
    headers.push(("host", "example.com"));
    println!(
        "StackFallback<512>: a {}-byte line and a header list share {} bytes of the buffer, \
         fallback_count() = {}",
        line.len(),
        buf.used(),
        buf.fallback_count()
    );
    line.extend(std::iter::repeat_n(b'x', 1000));
    println!(
        "after growing the line to {} bytes: fallback_count() = {} (it moved to the heap)",
        line.len(),
        buf.fallback_count()
    );
    drop((line, headers));

    // Heap teardown: 200 000 blocks released by one `mi_heap_destroy`, against one-by-one frees.
    const BLOCKS: usize = 200_000;
    let layout = Layout::new::<[u8; 32]>();
    let heap = MiHeap::new();
    for _ in 0..BLOCKS {
        let _ = (&heap).allocate(layout).unwrap();
    }
    let t = Instant::now();
    drop(heap);
    let bulk = t.elapsed();
    let heap = MiHeap::new();
    let blocks: Vec<_> = (0..BLOCKS)
        .map(|_| (&heap).allocate(layout).unwrap())
        .collect();
    let t = Instant::now();
    for b in blocks {
        // SAFETY: each block was allocated above by `&heap` with `layout` and is freed once.
        unsafe { (&heap).deallocate(b.cast(), layout) };
    }
    let one_by_one = t.elapsed();
    drop(heap);
    println!(
        "MiHeap teardown of {BLOCKS} blocks: {bulk:?} in one call vs {one_by_one:?} freeing each \
         ({:.0}x)",
        one_by_one.as_secs_f64() / bulk.as_secs_f64().max(1e-9)
    );
    println!(
        "sizes: MiHeap {} B, Global {} B, NullableAllocator {} B, Arena {} B",
        size_of::<MiHeap>(),
        size_of::<Global>(),
        size_of::<NullableAllocator<'_>>(),
        size_of::<Arena>()
    );
}
