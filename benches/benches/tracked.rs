//! makai-alloc `Tracked` and `DebugScope`: what leak tracking costs per allocation.
//!
//! Contenders, all over the same `Global` (here the system allocator behind the counting
//! global allocator every bench binary installs):
//! - `bare`: `Global` itself;
//! - `tracked_nobt`: `Tracked<Global>` with backtraces off (a mutex and a hash-map entry);
//! - `tracked_bt8`: `Tracked<Global>` with 8-frame backtraces (a stack walk per allocation
//!   and per free);
//! - `debug_scope`: `DebugScope<Global>`, which in this release build must be the bare
//!   allocator (target: identical within noise).
//!
//! Groups:
//! - `tracked_pair`: allocate and free one 64-byte block (the allocator's hot path);
//! - `tracked_batch`: allocate 1000 blocks of 16..=256 bytes, then free them all (the live map
//!   holds 1000 entries, so hashing and growth show).
//!
//! Reproduce: `cargo bench -p makai-benches --bench tracked`.

use std::alloc::Layout;
use std::hint::black_box;
use std::ptr::NonNull;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use makai::alloc::{Allocator, DebugScope, Global, Tracked};
use makai_benches::CountingAlloc;

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

const BATCH: usize = 1000;

/// One allocation and its free. Generic (not `&dyn`), so the bare and `DebugScope` cases
/// inline exactly as user code would.
fn pair<A: Allocator>(a: &A, layout: Layout) {
    let block = a.allocate(layout).expect("allocation succeeds");
    black_box(block);
    // SAFETY: allocated just above by `a` with `layout`.
    unsafe { a.deallocate(block.cast(), layout) };
}

/// `BATCH` allocations of assorted sizes, then every free, oldest first.
fn batch<A: Allocator>(a: &A, blocks: &mut Vec<(NonNull<[u8]>, Layout)>) {
    for i in 0..BATCH {
        let layout = Layout::from_size_align(16 + (i % 16) * 16, 8).expect("valid layout");
        blocks.push((a.allocate(layout).expect("allocation succeeds"), layout));
    }
    for (block, layout) in blocks.drain(..) {
        // SAFETY: each block was allocated above by `a` with its layout.
        unsafe { a.deallocate(block.cast(), layout) };
    }
}

type Group<'c> = criterion::BenchmarkGroup<'c, criterion::measurement::WallTime>;

fn bench_pair(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracked_pair");
    let layout = Layout::new::<[u8; 64]>();
    fn run<A: Allocator>(group: &mut Group<'_>, name: &str, a: &A, layout: Layout) {
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| pair(a, black_box(layout)));
        });
    }
    run(&mut group, "bare", &Global, layout);
    run(
        &mut group,
        "tracked_nobt",
        &Tracked::new(Global).with_backtrace_depth(0),
        layout,
    );
    run(
        &mut group,
        "tracked_bt8",
        &Tracked::new(Global).with_backtrace_depth(8),
        layout,
    );
    run(&mut group, "debug_scope", &DebugScope::new(Global), layout);
    group.finish();
}

fn bench_batch(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracked_batch");
    group.sample_size(20);
    fn run<A: Allocator>(group: &mut Group<'_>, name: &str, a: &A) {
        let mut blocks = Vec::with_capacity(BATCH);
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| batch(a, &mut blocks));
        });
    }
    run(&mut group, "bare", &Global);
    run(
        &mut group,
        "tracked_nobt",
        &Tracked::new(Global).with_backtrace_depth(0),
    );
    run(
        &mut group,
        "tracked_bt8",
        &Tracked::new(Global).with_backtrace_depth(8),
    );
    run(&mut group, "debug_scope", &DebugScope::new(Global));
    group.finish();
}

/// Facts printed next to the timings: `DebugScope`'s size in this profile.
fn sizes(_: &mut Criterion) {
    println!(
        "size_of::<DebugScope<Global>>() = {} (release: must be 0), size_of::<Tracked<Global>>() = {}",
        size_of::<DebugScope<Global>>(),
        size_of::<Tracked<Global>>()
    );
}

criterion_group!(benches, sizes, bench_pair, bench_batch);
criterion_main!(benches);
