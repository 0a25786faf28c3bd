//! The shared property harness: random allocate / grow / shrink / deallocate sequences run
//! against any `Allocator`, writing a pattern into every block and re-checking every live block
//! after every step (so overlapping or corrupted blocks are caught), plus size and alignment
//! (1 to 4096, zero-sized layouts included). Then one proptest per allocator.

use std::alloc::Layout;
use std::mem::MaybeUninit;
use std::ptr::NonNull;

use makai_alloc::{
    Allocator, Api2, Arena, BufferFallback, Global, NoAlloc, NullableAllocator, StackFallback,
};
use proptest::prelude::*;

/// One step of a random sequence. Indices pick a live block modulo the live count.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Alloc {
        size: usize,
        align_log: u8,
        zeroed: bool,
    },
    Grow {
        idx: usize,
        extra: usize,
        align_log: u8,
        zeroed: bool,
    },
    Shrink {
        idx: usize,
        keep: usize,
        align_log: u8,
    },
    Free {
        idx: usize,
    },
}

/// The largest block size generated: smaller under Miri, which interprets every byte check.
const MAX_SIZE: usize = if cfg!(miri) { 160 } else { 5000 };
/// The longest sequence generated.
const MAX_OPS: usize = if cfg!(miri) { 16 } else { 40 };

fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => Just(0_usize),
        10 => 1_usize..=64,
        4 => 65_usize..=MAX_SIZE.min(600),
        1 => MAX_SIZE.min(601)..=MAX_SIZE,
    ]
}

fn align_log() -> impl Strategy<Value = u8> {
    prop_oneof![6 => 0_u8..=4, 1 => 5_u8..=12]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (size(), align_log(), any::<bool>())
            .prop_map(|(size, align_log, zeroed)| Op::Alloc { size, align_log, zeroed }),
        2 => (any::<usize>(), size(), align_log(), any::<bool>())
            .prop_map(|(idx, extra, align_log, zeroed)| Op::Grow { idx, extra, align_log, zeroed }),
        2 => (any::<usize>(), any::<usize>(), align_log())
            .prop_map(|(idx, keep, align_log)| Op::Shrink { idx, keep, align_log }),
        2 => any::<usize>().prop_map(|idx| Op::Free { idx }),
    ]
}

pub(crate) fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), 0..MAX_OPS)
}

struct Live {
    ptr: NonNull<u8>,
    layout: Layout,
    seed: u8,
}

fn byte(seed: u8, i: usize) -> u8 {
    seed.wrapping_add((i as u8).wrapping_mul(31))
}

fn fill(b: &Live) {
    // SAFETY: the block holds `layout.size()` writable bytes, owned by the model.
    let bytes = unsafe { std::slice::from_raw_parts_mut(b.ptr.as_ptr(), b.layout.size()) };
    for (i, x) in bytes.iter_mut().enumerate() {
        *x = byte(b.seed, i);
    }
}

fn check(b: &Live, len: usize) {
    // SAFETY: the first `len <= layout.size()` bytes were written by `fill`.
    let bytes = unsafe { std::slice::from_raw_parts(b.ptr.as_ptr(), len) };
    for (i, &v) in bytes.iter().enumerate() {
        assert_eq!(
            v,
            byte(b.seed, i),
            "byte {i} of a {:?} block changed",
            b.layout
        );
    }
}

fn check_fit(block: NonNull<[u8]>, layout: Layout) {
    assert!(
        block.len() >= layout.size(),
        "block shorter than {layout:?}"
    );
    assert_eq!(
        block.cast::<u8>().as_ptr().addr() % layout.align(),
        0,
        "block misaligned for {layout:?}"
    );
}

fn layout(size: usize, align_log: u8) -> Layout {
    Layout::from_size_align(size, 1 << align_log).unwrap()
}

/// What a run did, so tests can assert that work happened.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) ok: usize,
    pub(crate) failed: usize,
}

/// Runs `ops` against `a`, checking contents, sizes and alignment throughout; frees everything
/// at the end.
pub(crate) fn run<A: Allocator>(a: &A, ops: &[Op]) -> Outcome {
    let mut live: Vec<Live> = Vec::new();
    let mut out = Outcome::default();
    let mut seed = 1_u8;
    for op in ops {
        seed = seed.wrapping_add(1);
        match *op {
            Op::Alloc {
                size,
                align_log,
                zeroed,
            } => {
                let l = layout(size, align_log);
                let r = if zeroed {
                    a.allocate_zeroed(l)
                } else {
                    a.allocate(l)
                };
                let Ok(block) = r else {
                    out.failed += 1;
                    continue;
                };
                out.ok += 1;
                check_fit(block, l);
                let b = Live {
                    ptr: block.cast(),
                    layout: l,
                    seed,
                };
                if zeroed {
                    // SAFETY: a zeroed block of `size` bytes.
                    let bytes = unsafe { std::slice::from_raw_parts(b.ptr.as_ptr(), size) };
                    assert!(
                        bytes.iter().all(|&x| x == 0),
                        "allocate_zeroed gave non-zero bytes"
                    );
                }
                fill(&b);
                live.push(b);
            }
            Op::Grow {
                idx,
                extra,
                align_log,
                zeroed,
            } if !live.is_empty() => {
                let i = idx % live.len();
                let old = live[i].layout;
                let Some(new_size) = old.size().checked_add(extra) else {
                    continue;
                };
                let new = layout(new_size, align_log);
                let r = if zeroed {
                    // SAFETY: `live[i]` is a live block of `a` fitting `old`; `new` is not
                    // smaller.
                    unsafe { a.grow_zeroed(live[i].ptr, old, new) }
                } else {
                    // SAFETY: as above.
                    unsafe { a.grow(live[i].ptr, old, new) }
                };
                match r {
                    Ok(block) => {
                        out.ok += 1;
                        check_fit(block, new);
                        let b = Live {
                            ptr: block.cast(),
                            layout: new,
                            seed: live[i].seed,
                        };
                        check(&b, old.size());
                        if zeroed {
                            // SAFETY: the block holds `new_size` initialised bytes.
                            let bytes =
                                unsafe { std::slice::from_raw_parts(b.ptr.as_ptr(), new_size) };
                            let tail = &bytes[old.size()..];
                            assert!(tail.iter().all(|&x| x == 0), "grow_zeroed tail not zero");
                        }
                        live[i] = Live { seed, ..b };
                        fill(&live[i]);
                    }
                    Err(_) => {
                        out.failed += 1;
                        check(&live[i], old.size());
                    }
                }
            }
            Op::Shrink {
                idx,
                keep,
                align_log,
            } if !live.is_empty() => {
                let i = idx % live.len();
                let old = live[i].layout;
                let new = layout(keep % (old.size() + 1), align_log);
                // SAFETY: `live[i]` is a live block of `a` fitting `old`; `new` is not larger.
                match unsafe { a.shrink(live[i].ptr, old, new) } {
                    Ok(block) => {
                        out.ok += 1;
                        check_fit(block, new);
                        live[i] = Live {
                            ptr: block.cast(),
                            layout: new,
                            seed: live[i].seed,
                        };
                        check(&live[i], new.size());
                    }
                    Err(_) => {
                        out.failed += 1;
                        check(&live[i], old.size());
                    }
                }
            }
            Op::Free { idx } if !live.is_empty() => {
                let b = live.swap_remove(idx % live.len());
                check(&b, b.layout.size());
                // SAFETY: a live block of `a` fitting its layout, removed from the model.
                unsafe { a.deallocate(b.ptr, b.layout) };
                out.ok += 1;
            }
            _ => {}
        }
        for b in &live {
            check(b, b.layout.size());
        }
    }
    for b in live {
        check(&b, b.layout.size());
        // SAFETY: a live block of `a` fitting its layout.
        unsafe { a.deallocate(b.ptr, b.layout) };
    }
    out
}

/// A pseudo-random sequence drawn like `ops()` but from a fixed xorshift seed: the same
/// reproducible sequences run natively and under Miri, next to the proptests.
pub(crate) fn seeded_ops(mut seed: u64, n: usize) -> Vec<Op> {
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let size = |r: u64, r2: u64| match r % 18 {
        0..=2 => 0,
        3..=12 => 1 + (r2 % 64) as usize,
        13..=16 => 65 + (r2 % (MAX_SIZE.min(600) as u64 - 64)) as usize,
        _ => MAX_SIZE.min(601) + (r2 % (MAX_SIZE - MAX_SIZE.min(601) + 1) as u64) as usize,
    };
    let mut ops = Vec::with_capacity(n);
    for _ in 0..n {
        let r = next();
        let align_log = if r % 7 == 0 {
            5 + (r >> 8) % 8
        } else {
            (r >> 8) % 5
        } as u8;
        let zeroed = (r >> 16) % 2 == 0;
        let idx = (r >> 20) as usize;
        let r2 = next();
        ops.push(match r % 10 {
            0..=3 => Op::Alloc {
                size: size(r >> 24, r2),
                align_log,
                zeroed,
            },
            4 | 5 => Op::Grow {
                idx,
                extra: size(r >> 24, r2),
                align_log,
                zeroed,
            },
            6 | 7 => Op::Shrink {
                idx,
                keep: (r >> 32) as usize,
                align_log,
            },
            _ => Op::Free { idx },
        });
    }
    ops
}

/// Runs a fixed sequence that touches every operation (used as a quick smoke test).
pub(crate) fn smoke() -> Vec<Op> {
    vec![
        Op::Alloc {
            size: 0,
            align_log: 12,
            zeroed: false,
        },
        Op::Alloc {
            size: 24,
            align_log: 3,
            zeroed: true,
        },
        Op::Alloc {
            size: 100,
            align_log: 12,
            zeroed: false,
        },
        Op::Grow {
            idx: 1,
            extra: 40,
            align_log: 4,
            zeroed: true,
        },
        Op::Grow {
            idx: 0,
            extra: 10,
            align_log: 0,
            zeroed: false,
        },
        Op::Shrink {
            idx: 2,
            keep: 7,
            align_log: 6,
        },
        Op::Shrink {
            idx: 1,
            keep: 0,
            align_log: 0,
        },
        Op::Free { idx: 0 },
        Op::Alloc {
            size: 3000,
            align_log: 5,
            zeroed: true,
        },
    ]
}

proptest! {
    // No failure-persistence file: it needs the working directory, which Miri's isolation
    // refuses; failing seeds are printed instead.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn global_model(ops in ops()) {
        let out = run(&Global, &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    fn arena_model(ops in ops()) {
        let arena = Arena::new();
        let out = run(&&arena, &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    fn arena_through_api2_model(ops in ops()) {
        let arena = Arena::new();
        let out = run(&Api2(&arena), &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    fn stack_fallback_model(ops in ops()) {
        let buf = StackFallback::<512>::new();
        let out = run(&&buf, &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    fn stack_fallback_over_arena_model(ops in ops()) {
        let arena = Arena::new();
        let buf = StackFallback::<256, &Arena>::new_in(&arena);
        let out = run(&&buf, &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    fn buffer_fallback_model(ops in ops(), skew in 0_usize..16) {
        // An odd start address: alignment must come from the address, not the buffer type.
        let mut storage = vec![MaybeUninit::<u8>::uninit(); 1024 + skew];
        let buf = BufferFallback::new(&mut storage[skew..]);
        let out = run(&&buf, &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    fn fixed_buffer_model(ops in ops()) {
        // `NoAlloc` fallback: a fixed buffer; requests that do not fit fail cleanly and leave
        // the old block untouched (the harness checks it).
        let mut storage = [MaybeUninit::<u8>::uninit(); 600];
        let buf = BufferFallback::new_in(&mut storage, NoAlloc);
        let out = run(&&buf, &ops);
        prop_assert_eq!(buf.fallback_count(), 0);
        prop_assert!(out.ok + out.failed <= ops.len());
    }

    #[test]
    fn no_alloc_model(ops in ops()) {
        let out = run(&NoAlloc, &ops);
        prop_assert_eq!(out.ok, 0);
    }

    #[test]
    fn nullable_model(ops in ops(), null in any::<bool>()) {
        let a = if null { NullableAllocator::null() } else { NullableAllocator::new(&Global) };
        let out = run(&a, &ops);
        if null {
            prop_assert_eq!(out.ok, 0);
        } else {
            prop_assert_eq!(out.failed, 0);
        }
    }

    #[test]
    fn api2_global_model(ops in ops()) {
        let out = run(&Api2(allocator_api2::alloc::Global), &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    fn dyn_allocator_model(ops in ops()) {
        let arena = Arena::new();
        let a: &dyn Allocator = &&arena;
        let out = run(&a, &ops);
        prop_assert_eq!(out.failed, 0);
    }
}

proptest! {
    // No failure-persistence file: it needs the working directory, which Miri's isolation
    // refuses; failing seeds are printed instead.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    #[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
    fn mimalloc_model(ops in ops()) {
        let out = run(&makai_alloc::Mimalloc, &ops);
        prop_assert_eq!(out.failed, 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
    fn mi_heap_model(ops in ops()) {
        let heap = makai_alloc::MiHeap::new();
        let out = run(&&heap, &ops);
        prop_assert_eq!(out.failed, 0);
    }
}

#[test]
fn smoke_sequence_everywhere() {
    let ops = smoke();
    assert_eq!(run(&Global, &ops).failed, 0);
    let arena = Arena::new();
    assert_eq!(run(&&arena, &ops).failed, 0);
    let buf = StackFallback::<128>::new();
    assert_eq!(run(&&buf, &ops).failed, 0);
    assert!(buf.fallback_count() > 0, "3000 bytes cannot fit in 128");
    assert_eq!(run(&NoAlloc, &ops).ok, 0);
}

#[test]
#[cfg_attr(miri, ignore = "mimalloc is C code; Miri cannot run FFI")]
fn smoke_sequence_mimalloc() {
    let ops = smoke();
    assert_eq!(run(&makai_alloc::Mimalloc, &ops).failed, 0);
    let heap = makai_alloc::MiHeap::new();
    assert_eq!(run(&&heap, &ops).failed, 0);
}

/// The model harness over seeded sequences, for every allocator that Miri can run (and
/// natively too).
#[test]
fn seeded_sequences() {
    let seeds: &[u64] = if cfg!(miri) {
        &[1, 2]
    } else {
        &[1, 2, 3, 4, 5, 6, 7, 8]
    };
    for &seed in seeds {
        let ops = seeded_ops(0x9E37_79B9_7F4A_7C15 ^ seed, MAX_OPS);
        assert_eq!(run(&Global, &ops).failed, 0);
        let arena = Arena::new();
        assert_eq!(run(&&arena, &ops).failed, 0);
        assert_eq!(run(&Api2(&arena), &ops).failed, 0);
        let buf = StackFallback::<512>::new();
        assert_eq!(run(&&buf, &ops).failed, 0);
        let over = StackFallback::<256, &Arena>::new_in(&arena);
        assert_eq!(run(&&over, &ops).failed, 0);
        let mut storage = vec![MaybeUninit::<u8>::uninit(); 700];
        let skewed = BufferFallback::new(&mut storage[3..]);
        assert_eq!(run(&&skewed, &ops).failed, 0);
        let mut fixed_storage = [MaybeUninit::<u8>::uninit(); 300];
        let fixed = BufferFallback::new_in(&mut fixed_storage, NoAlloc);
        run(&&fixed, &ops);
        assert_eq!(fixed.fallback_count(), 0);
        assert_eq!(run(&NoAlloc, &ops).ok, 0);
        assert_eq!(run(&NullableAllocator::new(&Global), &ops).failed, 0);
        assert_eq!(run(&NullableAllocator::null(), &ops).ok, 0);
        assert_eq!(run(&Api2(allocator_api2::alloc::Global), &ops).failed, 0);
        let dyn_alloc: &dyn Allocator = &&arena;
        assert_eq!(run(&dyn_alloc, &ops).failed, 0);
    }
}
