//! makai-collections against its peers, all in one run:
//!
//! - `hive_churn/{T}/{N}`: 4096 random allocs and frees (random free order, at most `N` live)
//!   of `T = [u8; 64]` and `T = u64`, hive sizes `N` = 64 and 2048: `HiveBox` vs `slab`, `Box`
//!   (system allocator) and a box over mimalloc (alloc/write/free through `MiMalloc`'s
//!   `GlobalAlloc`, which is what `Box` would do under `#[global_allocator] MiMalloc`).
//! - `hive_access`: random reads through 192 live handles: `HiveBox` deref vs `slab[key]`.
//! - `free_slot_search`: find the lowest free slot of 2048 at 50–99.9 % occupancy (free
//!   slots at random positions) and with only the last slot free (a scan's worst case): the hive's two-level bitmap (`next_free_index`) vs a
//!   word-by-word scan (Bun's `IntegerBitSet(2048)`), makai's own `BitSet` (also a scan),
//!   `bitvec`'s `first_zero` and `fixedbitset`'s `zeroes().next()`.
//! - `free_slot_claim`: the same search plus claiming and releasing the slot: hive
//!   `alloc` + drop of the box vs scan + set + clear.
//! - `fifo_stream`: 1500-byte writes and 1024-byte reads through `io::Write`/`io::Read`:
//!   `LinearFifo<u8, Dynamic>` and `LinearFifo<u8, Static<8192>>` vs `VecDeque<u8>`.
//!
//! - `fifo_from_reader`: the same stream from a `Read` source that yields one packet per call:
//!   `LinearFifo::read_from` (reads into the free space) vs `VecDeque` (stack buffer + copy).
//! - `fifo_items_u64` / `fifo_items_String`: bursts of 1–32 pushes, then half as many pops:
//!   `LinearFifo<T, Dynamic>` `write_item`/`read_item` vs `VecDeque` `push_back`/`pop_front`.
//!
//! The process uses the system allocator (no counting allocator: it would tax `Box`).
//!
//! Reproduce: `cargo bench -p makai-benches --bench collections`.

use std::alloc::{GlobalAlloc, Layout};
use std::collections::VecDeque;
use std::hint::black_box;
use std::io::{Read, Write};
use std::ptr::NonNull;

use bitvec::prelude::{BitArray, Lsb0};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fixedbitset::FixedBitSet;
use makai::collections::capacity::{SlotCount, Slots};
use makai::collections::{BitSet, Dynamic, HiveArray, HiveBox, LinearFifo, Static};
use makai_benches::Rng;
use mimalloc::MiMalloc;
use slab::Slab;

type Payload = [u64; 16];

/// `None` = allocate, `Some(k)` = free the live handle at `k % live`: first `max_live / 2`
/// allocations (a pool at half occupancy), then `n` random allocs and frees, never more than
/// `max_live` live.
fn churn_ops(n: usize, max_live: usize) -> Vec<Option<usize>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut live = max_live / 2;
    let fill = std::iter::repeat_n(None, live);
    fill.chain((0..n).map(|_| {
        let alloc = live == 0 || (live < max_live && rng.next_u64() & 1 == 0);
        if alloc {
            live += 1;
            None
        } else {
            live -= 1;
            Some(rng.below(usize::MAX))
        }
    }))
    .collect()
}

fn payload(i: usize) -> Payload {
    [i as u64; 16]
}

/// One churn case: `OPS` random allocs and frees (random free order), at most `N` live, through
/// a hive of `N` slots, slab, `Box` (system allocator) and a box over mimalloc.
fn churn_case<T: Copy, const N: usize>(c: &mut Criterion, label: &str, make: fn(usize) -> T)
where
    Slots<N>: SlotCount,
{
    const OPS: usize = 4096;
    let ops = churn_ops(OPS, N);
    let mut g = c.benchmark_group(format!("hive_churn/{label}/{N}"));
    g.throughput(Throughput::Elements(ops.len() as u64));

    g.bench_function("makai_HiveBox", |b| {
        let hive = HiveArray::<T, N>::new_boxed();
        let mut live: Vec<HiveBox<'_, T>> = Vec::with_capacity(N);
        b.iter(|| {
            for (i, op) in ops.iter().enumerate() {
                match op {
                    None => live.push(hive.alloc_expect(make(i), "fits")),
                    Some(k) => drop(live.swap_remove(k % live.len())),
                }
            }
            live.clear();
        });
    });

    g.bench_function("slab", |b| {
        let mut slab: Slab<T> = Slab::with_capacity(N);
        let mut live: Vec<usize> = Vec::with_capacity(N);
        b.iter(|| {
            for (i, op) in ops.iter().enumerate() {
                match op {
                    None => live.push(slab.insert(make(i))),
                    Some(k) => {
                        black_box(slab.remove(live.swap_remove(k % live.len())));
                    }
                }
            }
            live.drain(..).for_each(|k| {
                black_box(slab.remove(k));
            });
        });
    });

    g.bench_function("Box_system", |b| {
        let mut live: Vec<Box<T>> = Vec::with_capacity(N);
        b.iter(|| {
            for (i, op) in ops.iter().enumerate() {
                match op {
                    None => live.push(Box::new(make(i))),
                    Some(k) => drop(live.swap_remove(k % live.len())),
                }
            }
            live.clear();
        });
    });

    g.bench_function("Box_mimalloc", |b| {
        let layout = Layout::new::<T>();
        let mut live: Vec<NonNull<T>> = Vec::with_capacity(N);
        let free = |p: NonNull<T>| {
            // SAFETY: `p` came from `MiMalloc.alloc(layout)` below and is freed once.
            unsafe { MiMalloc.dealloc(black_box(p.cast::<u8>().as_ptr()), layout) }
        };
        b.iter(|| {
            for (i, op) in ops.iter().enumerate() {
                match op {
                    None => {
                        // SAFETY: `layout` has a non-zero size.
                        let raw = unsafe { MiMalloc.alloc(layout) };
                        let p = NonNull::new(raw.cast::<T>()).expect("mimalloc OOM");
                        // SAFETY: a fresh block that fits a `T`.
                        unsafe { p.write(make(i)) };
                        live.push(p);
                    }
                    Some(k) => free(live.swap_remove(k % live.len())),
                }
            }
            live.drain(..).for_each(free);
        });
    });
    g.finish();
}

fn hive_churn(c: &mut Criterion) {
    churn_case::<[u8; 64], 64>(c, "u8x64", |i| [i as u8; 64]);
    churn_case::<[u8; 64], 2048>(c, "u8x64", |i| [i as u8; 64]);
    churn_case::<u64, 64>(c, "u64", |i| i as u64);
    churn_case::<u64, 2048>(c, "u64", |i| i as u64);
}

fn hive_access(c: &mut Criterion) {
    const LIVE: usize = 192;
    const READS: usize = 4096;
    let mut rng = Rng(42);
    let order: Vec<usize> = (0..READS).map(|_| rng.below(LIVE)).collect();
    let mut g = c.benchmark_group("hive_access");
    g.throughput(Throughput::Elements(READS as u64));

    let hive = HiveArray::<Payload, 256>::new_boxed();
    let boxes: Vec<_> = (0..LIVE)
        .map(|i| hive.alloc(payload(i)).expect("fits"))
        .collect();
    g.bench_function("makai_HiveBox_deref", |b| {
        b.iter(|| order.iter().map(|&i| boxes[i][3]).sum::<u64>());
    });

    let mut slab = Slab::with_capacity(256);
    let keys: Vec<usize> = (0..LIVE).map(|i| slab.insert(payload(i))).collect();
    g.bench_function("slab_key_index", |b| {
        b.iter(|| order.iter().map(|&i| slab[keys[i]][3]).sum::<u64>());
    });
    g.finish();
}

/// Bun's `IntegerBitSet(2048).findFirstUnset`: one word after another.
fn word_scan(words: &[u64; 32]) -> Option<usize> {
    words
        .iter()
        .position(|&w| w != u64::MAX)
        .map(|i| i * 64 + words[i].trailing_ones() as usize)
}

/// Occupancy levels of a 2048-slot pool: (label, number of free slots). `free == 1` is the
/// worst case for a scan: the only free slot is the last one (random layouts at high occupancy
/// still tend to leave a free slot in the first word, which a scan finds at once).
const OCCUPANCY: [(&str, usize); 5] = [
    ("50%", 1024),
    ("90%", 205),
    ("99%", 20),
    ("99.9%", 2),
    ("last_slot_free", 1),
];
const SLOTS: usize = 2048;

/// The same set of `free` free slots for every contender: random positions, except that a
/// single free slot is always the last one.
fn free_positions(free: usize) -> Vec<bool> {
    if free == 1 {
        let mut is_free = vec![false; SLOTS];
        is_free[SLOTS - 1] = true;
        return is_free;
    }
    let mut rng = Rng(7 + free as u64);
    let mut is_free = vec![false; SLOTS];
    let mut left = free;
    while left > 0 {
        let i = rng.below(SLOTS);
        if !is_free[i] {
            is_free[i] = true;
            left -= 1;
        }
    }
    is_free
}

/// A hive with exactly the slots of `is_free` free, and the boxes that fill the others.
fn occupied_hive<'h>(hive: &'h HiveArray<u8, 2048>, is_free: &[bool]) -> Vec<HiveBox<'h, u8>> {
    let all: Vec<_> = (0..SLOTS).map(|_| hive.alloc(0).expect("fits")).collect();
    all.into_iter()
        .enumerate()
        .filter_map(|(i, b)| (!is_free[i]).then_some(b))
        .collect()
}

fn used_words(is_free: &[bool]) -> [u64; 32] {
    let mut words = [0u64; 32];
    for (i, &f) in is_free.iter().enumerate() {
        if !f {
            words[i / 64] |= 1 << (i % 64);
        }
    }
    words
}

/// Searches per measured iteration, so the harness's per-iteration cost does not dominate a
/// few-nanosecond operation.
const BATCH: u64 = 256;

/// The search alone: where is the lowest free slot?
fn free_slot_search(c: &mut Criterion) {
    let mut g = c.benchmark_group("free_slot_search");
    g.throughput(Throughput::Elements(BATCH));
    for (label, free) in OCCUPANCY {
        let is_free = free_positions(free);
        let hive = HiveArray::<u8, 2048>::new_boxed();
        let kept = occupied_hive(&hive, &is_free);
        g.bench_function(BenchmarkId::new("makai_HiveArray_2level", label), |b| {
            b.iter(|| {
                for _ in 0..BATCH {
                    black_box(black_box(&*hive).next_free_index());
                }
            });
        });
        let words = used_words(&is_free);
        g.bench_function(BenchmarkId::new("word_scan", label), |b| {
            b.iter(|| {
                for _ in 0..BATCH {
                    black_box(word_scan(black_box(&words)));
                }
            });
        });
        let set = BitSet::<32>::from_words(words);
        g.bench_function(
            BenchmarkId::new("makai_BitSet_find_first_unset", label),
            |b| {
                b.iter(|| {
                    for _ in 0..BATCH {
                        black_box(black_box(&set).find_first_unset());
                    }
                });
            },
        );
        let bits: BitArray<[u64; 32], Lsb0> = BitArray::new(words);
        g.bench_function(BenchmarkId::new("bitvec_first_zero", label), |b| {
            b.iter(|| {
                for _ in 0..BATCH {
                    black_box(black_box(&bits).first_zero());
                }
            });
        });
        let mut fbs = FixedBitSet::with_capacity(SLOTS);
        for (i, &f) in is_free.iter().enumerate() {
            fbs.set(i, !f);
        }
        g.bench_function(BenchmarkId::new("fixedbitset_zeroes", label), |b| {
            b.iter(|| {
                for _ in 0..BATCH {
                    black_box(black_box(&fbs).zeroes().next());
                }
            });
        });
        drop(kept);
    }
    g.finish();
}

/// Search + claim + release: what a pool does per object.
fn free_slot_claim(c: &mut Criterion) {
    let mut g = c.benchmark_group("free_slot_claim");
    for (label, free) in OCCUPANCY {
        let is_free = free_positions(free);
        let hive = HiveArray::<u8, 2048>::new_boxed();
        let kept = occupied_hive(&hive, &is_free);
        g.bench_function(BenchmarkId::new("makai_HiveArray_alloc_drop", label), |b| {
            b.iter(|| drop(black_box(hive.alloc(1).expect("has a free slot"))));
        });
        let mut words = used_words(&is_free);
        g.bench_function(BenchmarkId::new("word_scan_set_clear", label), |b| {
            b.iter(|| {
                let w = black_box(&mut words);
                let i = word_scan(w).expect("has a free slot");
                w[i / 64] |= 1 << (i % 64);
                w[i / 64] &= !(1 << (i % 64));
                i
            });
        });
        drop(kept);
    }
    g.finish();
}

fn fifo_stream(c: &mut Criterion) {
    const PACKET: usize = 1500;
    const READ: usize = 1024;
    const PACKETS: usize = 64;
    let packet: Vec<u8> = (0..PACKET).map(|i| i as u8).collect();
    let mut g = c.benchmark_group("fifo_stream");
    g.throughput(Throughput::Bytes((PACKET * PACKETS) as u64));

    /// Writes `PACKETS` packets, draining the buffer in `READ`-byte reads after each one.
    fn pump(rw: &mut (impl Read + Write), packet: &[u8]) -> u64 {
        let mut out = [0u8; READ];
        let mut sum = 0u64;
        for _ in 0..PACKETS {
            rw.write_all(packet).expect("room");
            loop {
                let n = rw.read(&mut out).expect("read");
                sum += u64::from(out[n.saturating_sub(1)]);
                if n < READ {
                    break;
                }
            }
        }
        sum
    }

    g.bench_function("makai_LinearFifo_Dynamic", |b| {
        let mut f = LinearFifo::<u8, Dynamic>::new();
        f.ensure_unused_capacity(8192).expect("grows");
        b.iter(|| pump(&mut f, black_box(&packet)));
    });
    g.bench_function("makai_LinearFifo_Static", |b| {
        let mut f = Box::new(LinearFifo::<u8, Static<8192>>::new());
        b.iter(|| pump(&mut *f, black_box(&packet)));
    });
    g.bench_function("VecDeque", |b| {
        let mut f: VecDeque<u8> = VecDeque::with_capacity(8192);
        b.iter(|| pump(&mut f, black_box(&packet)));
    });
    g.finish();

    // The same stream arriving from a reader (a socket-like source that yields at most one
    // packet per `read`): the fifo reads straight into its free space (`read_from`, which is
    // `writable_slices` + `Read::read` + `commit`); `VecDeque` has no spare-capacity API, so
    // it reads into a stack buffer and copies.
    struct Source<'a>(&'a [u8]);
    impl Read for Source<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(PACKET).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let input: Vec<u8> = (0..PACKET * PACKETS).map(|i| (i * 7) as u8).collect();
    let mut g = c.benchmark_group("fifo_from_reader");
    g.throughput(Throughput::Bytes(input.len() as u64));
    fn drain(rw: &mut impl Read, out: &mut [u8; READ]) -> u64 {
        let mut sum = 0;
        loop {
            let n = rw.read(out).expect("read");
            sum += u64::from(out[n.saturating_sub(1)]);
            if n < READ {
                return sum;
            }
        }
    }
    g.bench_function("makai_LinearFifo_Dynamic_read_from", |b| {
        let mut f = LinearFifo::<u8, Dynamic>::new();
        f.ensure_unused_capacity(8192).expect("grows");
        let mut out = [0u8; READ];
        b.iter(|| {
            let mut src = Source(black_box(&input));
            let mut sum = 0;
            while f.read_from(&mut src, PACKET).expect("read") != 0 {
                sum += drain(&mut f, &mut out);
            }
            sum
        });
    });
    g.bench_function("makai_LinearFifo_Static_read_from", |b| {
        let mut f = Box::new(LinearFifo::<u8, Static<8192>>::new());
        let mut out = [0u8; READ];
        b.iter(|| {
            let mut src = Source(black_box(&input));
            let mut sum = 0;
            while f.read_from(&mut src, PACKET).expect("read") != 0 {
                sum += drain(&mut *f, &mut out);
            }
            sum
        });
    });
    g.bench_function("VecDeque_stack_buffer", |b| {
        let mut f: VecDeque<u8> = VecDeque::with_capacity(8192);
        let mut out = [0u8; READ];
        let mut stage = [0u8; PACKET];
        b.iter(|| {
            let mut src = Source(black_box(&input));
            let mut sum = 0;
            loop {
                let n = src.read(&mut stage).expect("read");
                if n == 0 {
                    break;
                }
                f.write_all(&stage[..n]).expect("grows");
                sum += drain(&mut f, &mut out);
            }
            sum
        });
    });
    g.finish();
}

/// Item queues: bursts of pushes and pops (`u64`), and 64 `String`s moved in and out.
fn fifo_items(c: &mut Criterion) {
    let mut rng = Rng(99);
    let bursts: Vec<usize> = (0..256).map(|_| 1 + rng.below(32)).collect();
    let total: usize = bursts.iter().sum();
    let mut g = c.benchmark_group("fifo_items_u64");
    g.throughput(Throughput::Elements(total as u64));
    g.bench_function("makai_LinearFifo_Dynamic", |b| {
        let mut f = LinearFifo::<u64, Dynamic>::new();
        b.iter(|| {
            let mut sum = 0u64;
            for (i, &n) in bursts.iter().enumerate() {
                for k in 0..n {
                    f.write_item((i + k) as u64).expect("grows");
                }
                for _ in 0..n.div_ceil(2) {
                    sum += f.read_item().expect("non-empty");
                }
            }
            while let Some(v) = f.read_item() {
                sum += v;
            }
            sum
        });
    });
    g.bench_function("VecDeque", |b| {
        let mut f: VecDeque<u64> = VecDeque::new();
        b.iter(|| {
            let mut sum = 0u64;
            for (i, &n) in bursts.iter().enumerate() {
                for k in 0..n {
                    f.push_back((i + k) as u64);
                }
                for _ in 0..n.div_ceil(2) {
                    sum += f.pop_front().expect("non-empty");
                }
            }
            while let Some(v) = f.pop_front() {
                sum += v;
            }
            sum
        });
    });
    g.finish();

    let mut g = c.benchmark_group("fifo_items_String");
    g.throughput(Throughput::Elements(total as u64));
    let strings: Vec<String> = (0..total).map(|i| format!("event-{i}")).collect();
    g.bench_function("makai_LinearFifo_Dynamic", |b| {
        let mut f = LinearFifo::<String, Dynamic>::new();
        let mut pool = strings.clone();
        b.iter(|| {
            let mut len = 0;
            let mut src = pool.drain(..);
            let mut back = Vec::with_capacity(total);
            for &n in &bursts {
                for s in src.by_ref().take(n) {
                    f.write_item(s).expect("grows");
                }
                for _ in 0..n.div_ceil(2) {
                    let s = f.read_item().expect("non-empty");
                    len += s.len();
                    back.push(s);
                }
            }
            drop(src);
            while let Some(s) = f.read_item() {
                back.push(s);
            }
            pool = back;
            len
        });
    });
    g.bench_function("VecDeque", |b| {
        let mut f: VecDeque<String> = VecDeque::new();
        let mut pool = strings.clone();
        b.iter(|| {
            let mut len = 0;
            let mut src = pool.drain(..);
            let mut back = Vec::with_capacity(total);
            for &n in &bursts {
                for s in src.by_ref().take(n) {
                    f.push_back(s);
                }
                for _ in 0..n.div_ceil(2) {
                    let s = f.pop_front().expect("non-empty");
                    len += s.len();
                    back.push(s);
                }
            }
            drop(src);
            while let Some(s) = f.pop_front() {
                back.push(s);
            }
            pool = back;
            len
        });
    });
    g.finish();
}

criterion_group!(
    benches,
    hive_churn,
    hive_access,
    free_slot_search,
    free_slot_claim,
    fifo_stream,
    fifo_items
);
criterion_main!(benches);
