//! makai-alloc against its peers, all in one run.
//!
//! - `alloc_small/<size>`: 1000 allocations of 16, 64 or 256 bytes, then release them all
//!   (arenas: `reset`; heaps: free each block). `Arena` (through the `Allocator` trait) vs
//!   `bumpalo::Bump` vs `std::alloc::System` (malloc) vs `Mimalloc` vs `MiHeap` (+ reset).
//! - `mi_heap_teardown`: releasing 10^6 live 32-byte blocks: dropping the `MiHeap` (one
//!   `mi_heap_destroy`) vs freeing the blocks one by one.
//! - `scratch_buffer`: a short-lived 64..192-byte buffer filled and summed: `StackFallback`
//!   vs a heap `Vec`.
//! - `hashbrown_fill`: a `hashbrown::HashMap<u64, u64>` filled with 1000 entries in an `Arena`
//!   (reset between rounds) vs in `Global`.
//!
//! No counting global allocator here: `Global` is the plain system allocator, so the `Global`
//! and `System` rows are not penalised.
//!
//! Reproduce: `cargo bench -p makai-benches --bench alloc`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::ptr::NonNull;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use makai::alloc::{Allocator, Arena, MiHeap, Mimalloc, StackFallback};

const BLOCKS: usize = 1000;

fn alloc_small(c: &mut Criterion) {
    for size in [16_usize, 64, 256] {
        let layout = Layout::from_size_align(size, 8).unwrap();
        let mut g = c.benchmark_group(format!("alloc_small/{size}"));
        g.throughput(Throughput::Elements(BLOCKS as u64));
        let mut ptrs: Vec<NonNull<u8>> = Vec::with_capacity(BLOCKS);

        let mut arena = Arena::new();
        g.bench_function("makai Arena", |b| {
            b.iter(|| {
                ptrs.clear();
                for _ in 0..BLOCKS {
                    ptrs.push(
                        Allocator::allocate(&&arena, black_box(layout))
                            .unwrap()
                            .cast(),
                    );
                }
                black_box(&ptrs);
                arena.reset();
            });
        });

        let mut bump = bumpalo::Bump::new();
        g.bench_function("bumpalo", |b| {
            b.iter(|| {
                ptrs.clear();
                for _ in 0..BLOCKS {
                    ptrs.push(bump.alloc_layout(black_box(layout)));
                }
                black_box(&ptrs);
                bump.reset();
            });
        });

        g.bench_function("System malloc", |b| {
            b.iter(|| {
                ptrs.clear();
                for _ in 0..BLOCKS {
                    // SAFETY: non-zero size.
                    let p = unsafe { System.alloc(black_box(layout)) };
                    ptrs.push(NonNull::new(p).unwrap());
                }
                black_box(&ptrs);
                for &p in &ptrs {
                    // SAFETY: allocated above by `System` with `layout`.
                    unsafe { System.dealloc(p.as_ptr(), layout) };
                }
            });
        });

        g.bench_function("makai Mimalloc", |b| {
            b.iter(|| {
                ptrs.clear();
                for _ in 0..BLOCKS {
                    ptrs.push(Mimalloc.allocate(black_box(layout)).unwrap().cast());
                }
                black_box(&ptrs);
                for &p in &ptrs {
                    // SAFETY: allocated above by `Mimalloc` with `layout`.
                    unsafe { Mimalloc.deallocate(p, layout) };
                }
            });
        });

        let mut heap = MiHeap::new();
        g.bench_function("makai MiHeap + reset", |b| {
            b.iter(|| {
                ptrs.clear();
                for _ in 0..BLOCKS {
                    ptrs.push((&heap).allocate(black_box(layout)).unwrap().cast());
                }
                black_box(&ptrs);
                heap.reset();
            });
        });
        g.finish();
    }
}

const TEARDOWN_BLOCKS: usize = 1_000_000;

fn filled_heap() -> (MiHeap, Vec<NonNull<u8>>) {
    let heap = MiHeap::new();
    let layout = Layout::new::<[u8; 32]>();
    let ptrs = (0..TEARDOWN_BLOCKS)
        .map(|_| (&heap).allocate(layout).unwrap().cast())
        .collect();
    (heap, ptrs)
}

fn mi_heap_teardown(c: &mut Criterion) {
    let layout = Layout::new::<[u8; 32]>();
    let mut g = c.benchmark_group("mi_heap_teardown");
    g.sample_size(10);
    g.throughput(Throughput::Elements(TEARDOWN_BLOCKS as u64));
    g.bench_function("drop MiHeap (one mi_heap_destroy)", |b| {
        b.iter_batched(
            filled_heap,
            |(heap, ptrs)| {
                drop(heap);
                ptrs // dropped outside the measurement
            },
            BatchSize::PerIteration,
        );
    });
    g.bench_function("free each block", |b| {
        b.iter_batched(
            filled_heap,
            |(heap, ptrs)| {
                for &p in &ptrs {
                    // SAFETY: a live block of `heap`, which outlives this loop.
                    unsafe { (&heap).deallocate(p, layout) };
                }
                drop(heap);
                ptrs
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

/// Fills a buffer of `n` bytes and sums it: the shape of a short-lived scratch buffer.
fn use_buffer(buf: &mut [u8]) -> u64 {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = i as u8;
    }
    buf.iter().map(|&b| u64::from(b)).sum()
}

fn scratch_buffer(c: &mut Criterion) {
    let mut g = c.benchmark_group("scratch_buffer");
    let sizes: Vec<usize> = (0..64).map(|i| 64 + (i * 37) % 129).collect();
    g.throughput(Throughput::Elements(sizes.len() as u64));
    g.bench_function("makai StackFallback<256>", |b| {
        b.iter(|| {
            let mut total = 0;
            for &n in &sizes {
                let sf = StackFallback::<256>::new();
                let mut v = allocator_api2::vec::Vec::with_capacity_in(black_box(n), &sf);
                v.resize(n, 0_u8);
                total += use_buffer(&mut v);
            }
            total
        });
    });
    g.bench_function("heap Vec", |b| {
        b.iter(|| {
            let mut total = 0;
            for &n in &sizes {
                let mut v = Vec::with_capacity(black_box(n));
                v.resize(n, 0_u8);
                total += use_buffer(&mut v);
            }
            total
        });
    });
    g.finish();
}

fn hashbrown_fill(c: &mut Criterion) {
    let mut g = c.benchmark_group("hashbrown_fill");
    g.throughput(Throughput::Elements(1000));
    let mut arena = Arena::new();
    g.bench_function("makai Arena (reset per round)", |b| {
        b.iter(|| {
            {
                let mut map = hashbrown::HashMap::new_in(&arena);
                for i in 0..1000_u64 {
                    map.insert(black_box(i), i);
                }
                black_box(map.len());
            }
            arena.reset();
        });
    });
    g.bench_function("Global", |b| {
        b.iter(|| {
            let mut map = hashbrown::HashMap::new();
            for i in 0..1000_u64 {
                map.insert(black_box(i), i);
            }
            black_box(map.len())
        });
    });
    g.finish();
}

criterion_group!(
    benches,
    alloc_small,
    mi_heap_teardown,
    scratch_buffer,
    hashbrown_fill
);
criterion_main!(benches);
