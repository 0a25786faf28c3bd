//! makai-ptr against its peers, side by side in one run.
//!
//! - `cow_build_scan_drop`: build 10^6 copy-on-write entries over one input buffer (1 in 16 owned,
//!   the rest borrowed), scan them, drop them. `CowSlice` vs `std::borrow::Cow` vs
//!   `beef::lean::Cow`.
//! - `cow_scan`: the scan alone over 10^6 prebuilt borrowed entries (density: 16 vs 24 bytes).
//! - `shared_clone_drop`: 1000 clone+drop pairs of one handle. `Shared` vs `Rc`.
//! - `atomic_shared_clone_drop`: the same for `AtomicShared` vs `Arc` vs `triomphe::Arc`.
//!
//! Before the timings it prints bytes per element of `Vec<…>` and the bytes each shared-pointer
//! type allocates per object, measured by the byte-counting global allocator below.
//!
//! Reproduce: `cargo bench -p makai-benches --bench ptr`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use makai::ptr::{AtomicShared, CowSlice, Shared};

/// Counts the bytes the process requests, forwarding to [`System`].
struct ByteCountingAlloc;

static REQUESTED_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract is exactly `System`'s; the counter has no effect on memory.
unsafe impl GlobalAlloc for ByteCountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Relaxed: a statistic read on this thread after the measured code has run.
        REQUESTED_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract for `layout`.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through this allocator) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Relaxed: see `alloc`.
        REQUESTED_BYTES.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: ByteCountingAlloc = ByteCountingAlloc;

/// Bytes requested from the heap while `f` runs (single-threaded use).
fn bytes_requested<R>(f: impl FnOnce() -> R) -> (R, usize) {
    // Relaxed: single-threaded; the counter only needs to be monotonic.
    let before = REQUESTED_BYTES.load(Ordering::Relaxed);
    let r = f();
    // Relaxed: as above.
    let after = REQUESTED_BYTES.load(Ordering::Relaxed);
    (r, after - before)
}

const N: usize = 1_000_000;
/// One entry in this many is owned (an unescaped copy); the rest borrow the input.
const OWNED_EVERY: usize = 16;

/// An input buffer and `N` token spans in it, 4 to 27 bytes long.
fn input() -> (Vec<u8>, Vec<(usize, usize)>) {
    let mut spans = Vec::with_capacity(N);
    let mut at = 0;
    for i in 0..N {
        let len = 4 + (i * 7) % 24;
        spans.push((at, at + len));
        at += len;
    }
    let buf = (0..at).map(|i| b'a' + (i % 26) as u8).collect();
    (buf, spans)
}

fn scan<'e, E: std::ops::Deref<Target = [u8]> + 'e>(entries: impl Iterator<Item = &'e E>) -> usize {
    entries.fold(0, |acc, e| acc + e.len() + usize::from(e[0]))
}

fn build_makai<'b>(buf: &'b [u8], spans: &[(usize, usize)]) -> Vec<CowSlice<'b, u8>> {
    spans
        .iter()
        .enumerate()
        .map(|(i, &(s, e))| {
            let token = &buf[s..e];
            if i % OWNED_EVERY == 0 {
                CowSlice::copy_of(token)
            } else {
                CowSlice::borrowed(token)
            }
        })
        .collect()
}

fn build_std<'b>(buf: &'b [u8], spans: &[(usize, usize)]) -> Vec<Cow<'b, [u8]>> {
    spans
        .iter()
        .enumerate()
        .map(|(i, &(s, e))| {
            let token = &buf[s..e];
            if i % OWNED_EVERY == 0 {
                Cow::Owned(token.to_vec())
            } else {
                Cow::Borrowed(token)
            }
        })
        .collect()
}

fn build_beef<'b>(buf: &'b [u8], spans: &[(usize, usize)]) -> Vec<beef::lean::Cow<'b, [u8]>> {
    spans
        .iter()
        .enumerate()
        .map(|(i, &(s, e))| {
            let token = &buf[s..e];
            if i % OWNED_EVERY == 0 {
                beef::lean::Cow::owned(token.to_vec())
            } else {
                beef::lean::Cow::borrowed(token)
            }
        })
        .collect()
}

fn report_sizes(buf: &[u8], spans: &[(usize, usize)]) {
    let (m, makai_bytes) = bytes_requested(|| build_makai(buf, spans));
    let (s, std_bytes) = bytes_requested(|| build_std(buf, spans));
    let (b, beef_bytes) = bytes_requested(|| build_beef(buf, spans));
    assert_eq!(scan(m.iter()), scan(s.iter()));
    assert_eq!(scan(m.iter()), scan(b.iter()));
    println!(
        "bytes per element of the Vec: CowSlice {}, std Cow {}, beef::lean::Cow {}",
        size_of::<CowSlice<'_, u8>>(),
        size_of::<Cow<'_, [u8]>>(),
        size_of::<beef::lean::Cow<'_, [u8]>>()
    );
    println!(
        "heap bytes for {N} entries (vector + owned copies): CowSlice {makai_bytes}, \
         std Cow {std_bytes}, beef::lean::Cow {beef_bytes}"
    );
    let per_object = |f: &dyn Fn()| bytes_requested(f).1;
    println!(
        "heap bytes per shared u64: Shared {}, AtomicShared {}, Rc {}, Arc {}, triomphe::Arc {}",
        per_object(&|| drop(black_box(Shared::new(1u64)))),
        per_object(&|| drop(black_box(AtomicShared::new(1u64)))),
        per_object(&|| drop(black_box(Rc::new(1u64)))),
        per_object(&|| drop(black_box(Arc::new(1u64)))),
        per_object(&|| drop(black_box(triomphe::Arc::new(1u64)))),
    );
    println!(
        "heap bytes per shared u32: Shared {}, Rc {}, triomphe::Arc {}",
        per_object(&|| drop(black_box(Shared::new(1u32)))),
        per_object(&|| drop(black_box(Rc::new(1u32)))),
        per_object(&|| drop(black_box(triomphe::Arc::new(1u32)))),
    );
}

fn cow(c: &mut Criterion) {
    let (buf, spans) = input();
    report_sizes(&buf, &spans);

    let mut g = c.benchmark_group("cow_build_scan_drop");
    g.sample_size(20);
    g.bench_function("makai_CowSlice", |b| {
        b.iter(|| {
            let v = build_makai(black_box(&buf), black_box(&spans));
            scan(v.iter())
        })
    });
    g.bench_function("std_Cow", |b| {
        b.iter(|| {
            let v = build_std(black_box(&buf), black_box(&spans));
            scan(v.iter())
        })
    });
    g.bench_function("beef_lean_Cow", |b| {
        b.iter(|| {
            let v = build_beef(black_box(&buf), black_box(&spans));
            scan(v.iter())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("cow_scan");
    g.sample_size(30);
    let m = build_makai(&buf, &spans);
    let s = build_std(&buf, &spans);
    let b = build_beef(&buf, &spans);
    g.bench_function("makai_CowSlice", |bn| {
        bn.iter(|| scan(black_box(&m).iter()))
    });
    g.bench_function("std_Cow", |bn| bn.iter(|| scan(black_box(&s).iter())));
    g.bench_function("beef_lean_Cow", |bn| bn.iter(|| scan(black_box(&b).iter())));
    g.finish();
}

const CLONES: usize = 1000;

fn shared(c: &mut Criterion) {
    let mut g = c.benchmark_group("shared_clone_drop");
    let s = Shared::new(7u64);
    g.bench_function("makai_Shared", |b| {
        b.iter(|| {
            for _ in 0..CLONES {
                black_box(black_box(&s).clone());
            }
        })
    });
    let r = Rc::new(7u64);
    g.bench_function("std_Rc", |b| {
        b.iter(|| {
            for _ in 0..CLONES {
                black_box(black_box(&r).clone());
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("atomic_shared_clone_drop");
    let s = AtomicShared::new(7u64);
    g.bench_function("makai_AtomicShared", |b| {
        b.iter(|| {
            for _ in 0..CLONES {
                black_box(black_box(&s).clone());
            }
        })
    });
    let a = Arc::new(7u64);
    g.bench_function("std_Arc", |b| {
        b.iter(|| {
            for _ in 0..CLONES {
                black_box(black_box(&a).clone());
            }
        })
    });
    let t = triomphe::Arc::new(7u64);
    g.bench_function("triomphe_Arc", |b| {
        b.iter(|| {
            for _ in 0..CLONES {
                black_box(black_box(&t).clone());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, cow, shared);
criterion_main!(benches);
