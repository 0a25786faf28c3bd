//! Cross-thread stress: several threads allocate (from their own `MiHeap` and from the global
//! `Mimalloc`), hand every block to the next thread, which checks its contents and frees it.
//! 10^6 allocate + free operations in total. The same protocol runs small, over `Global`,
//! under Miri.

use std::alloc::Layout;
use std::ptr::NonNull;
use std::sync::{Barrier, mpsc};

use makai_alloc::{Allocator, Global};

/// A block in flight between threads.
struct Block {
    ptr: NonNull<u8>,
    layout: Layout,
    tag: u8,
}
// SAFETY: a block is plain memory whose allocator frees it from any thread (mimalloc's free and
// the global allocator are thread-agnostic).
unsafe impl Send for Block {}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `threads` threads each allocate `per_thread` blocks with `alloc(thread, i, layout)` and
/// free the blocks they receive with `free`. Returns the number of blocks checked and freed.
fn ring<F, G>(threads: usize, per_thread: usize, alloc: F, free: G) -> usize
where
    F: Fn(usize, usize, Layout) -> NonNull<u8> + Sync,
    G: Fn(NonNull<u8>, Layout) + Sync,
{
    let (senders, receivers): (Vec<_>, Vec<_>) =
        (0..threads).map(|_| mpsc::channel::<Vec<Block>>()).unzip();
    let barrier = Barrier::new(threads);
    let freed: usize = std::thread::scope(|s| {
        let mut handles = Vec::new();
        for (t, rx) in receivers.into_iter().enumerate() {
            let tx = senders[(t + 1) % threads].clone();
            let (alloc, free, barrier) = (&alloc, &free, &barrier);
            handles.push(s.spawn(move || {
                let mut rng = 0x2545_F491_4F6C_DD1D_u64 ^ (t as u64 + 1);
                let mut batch = Vec::with_capacity(64);
                let mut freed = 0;
                let free_batch = |blocks: Vec<Block>, freed: &mut usize| {
                    for b in blocks {
                        // SAFETY: the sender wrote `layout.size()` bytes of `tag`.
                        let bytes =
                            unsafe { std::slice::from_raw_parts(b.ptr.as_ptr(), b.layout.size()) };
                        assert!(
                            bytes.iter().all(|&x| x == b.tag),
                            "block corrupted in flight"
                        );
                        free(b.ptr, b.layout);
                        *freed += 1;
                    }
                };
                for i in 0..per_thread {
                    let size = 1 + (xorshift(&mut rng) % 256) as usize;
                    let align = 1 << (xorshift(&mut rng) % 5);
                    let layout = Layout::from_size_align(size, align).unwrap();
                    let ptr = alloc(t, i, layout);
                    assert_eq!(ptr.as_ptr().addr() % align, 0);
                    let tag = (t * 31 + i) as u8;
                    // SAFETY: a fresh block of `size` writable bytes.
                    unsafe { ptr.as_ptr().write_bytes(tag, size) };
                    batch.push(Block { ptr, layout, tag });
                    if batch.len() == 64 {
                        tx.send(std::mem::take(&mut batch)).unwrap();
                    }
                    while let Ok(blocks) = rx.try_recv() {
                        free_batch(blocks, &mut freed);
                    }
                }
                tx.send(batch).unwrap();
                drop(tx);
                // Every sender to `rx` is gone once the previous thread finishes.
                for blocks in rx {
                    free_batch(blocks, &mut freed);
                }
                // All blocks of every thread are freed past this point, so per-thread heaps
                // may be destroyed.
                barrier.wait();
                freed
            }));
        }
        drop(senders);
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    freed
}

#[test]
fn cross_thread_ring_over_global_small() {
    let per_thread = if cfg!(miri) { 40 } else { 2000 };
    let freed = ring(
        3,
        per_thread,
        |_, _, l| Global.allocate(l).unwrap().cast(),
        // SAFETY: every block came from `Global` with this layout.
        |p, l| unsafe { Global.deallocate(p, l) },
    );
    assert_eq!(freed, 3 * per_thread);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "mimalloc is C code; Miri cannot run FFI (and 10^6 operations)"
)]
fn cross_thread_ring_mimalloc_million_ops() {
    use makai_alloc::{MiHeap, Mimalloc};
    use std::cell::RefCell;
    thread_local! {
        // One heap per thread, created on first use, on the thread that owns it.
        static HEAP: RefCell<Option<MiHeap>> = const { RefCell::new(None) };
    }
    const THREADS: usize = 4;
    const PER_THREAD: usize = 125_000; // 4 x 125 000 allocations + as many frees = 10^6 ops
    let freed = ring(
        THREADS,
        PER_THREAD,
        |_, i, l| {
            if i % 2 == 0 {
                Mimalloc.allocate(l).unwrap().cast()
            } else {
                HEAP.with(|h| {
                    let mut h = h.borrow_mut();
                    let heap = h.get_or_insert_with(MiHeap::new);
                    (&*heap).allocate(l).unwrap().cast()
                })
            }
        },
        // SAFETY: every block is a live mimalloc block (global or a live per-thread heap, which
        // is only destroyed when its thread exits, after the ring's barrier), and `Mimalloc`
        // frees blocks of every heap from any thread.
        |p, l| unsafe { Mimalloc.deallocate(p, l) },
    );
    assert_eq!(freed, THREADS * PER_THREAD);
}
