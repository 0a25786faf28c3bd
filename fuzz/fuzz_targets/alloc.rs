//! Every makai allocator against the model "each live block keeps its bytes": raw blocks
//! (allocate, zeroed allocate, grow, shrink, free, alignments 1 to 4096, impossible sizes)
//! whose contents are checked after every step, plus an `allocator_api2::vec::Vec` against a
//! `Vec` and a `hashbrown::HashMap` against a `std` `HashMap`, both in the allocator under test.
//! Failing allocators must report failure as `Err`, never corrupt a block; leak-checking ones
//! must see every block freed at the end.
#![no_main]

use std::alloc::Layout;
use std::collections::HashMap as StdMap;
use std::mem::MaybeUninit;
use std::ptr::NonNull;

use allocator_api2::alloc::Allocator;
use allocator_api2::vec::Vec as AVec;
use arbitrary::Arbitrary;
use hashbrown::{DefaultHashBuilder, HashMap};
use libfuzzer_sys::fuzz_target;
use makai_alloc::{
    Arena, BufferFallback, DebugScope, Failing, Global, MiHeap, Mimalloc, StackFallback, Tracked,
};

#[derive(Arbitrary, Debug)]
enum Op {
    /// `size`, alignment `1 << (align % 13)` (up to 4096), zeroed or not.
    Alloc(u16, u8, bool),
    /// An impossible or enormous request: must be `Err`, never a block.
    AllocHuge(u8, u8),
    Grow(u8, u16, u8, bool),
    Shrink(u8, u16, u8),
    Free(u8),
    VecPush(u64),
    VecExtend(u8),
    VecPop,
    VecTruncate(u8),
    VecReserve(u16),
    VecShrinkToFit,
    VecCloneSwap,
    MapInsert(u16, u16),
    MapRemove(u16),
    MapShrink,
    MapClear,
}

struct Block {
    ptr: NonNull<u8>,
    layout: Layout,
    fill: u8,
}

fn align(a: u8) -> usize {
    1 << (a % 13)
}

/// Fills `len` bytes at `ptr` with `fill`.
///
/// # Safety
///
/// `ptr` is valid for `len` bytes of writes.
unsafe fn fill_bytes(ptr: NonNull<u8>, len: usize, fill: u8) {
    // SAFETY: the caller guarantees `len` writable bytes at `ptr`.
    unsafe { ptr.as_ptr().write_bytes(fill, len) };
}

fn check_block(b: &Block) {
    // SAFETY: `b` is a live block of `b.layout.size()` bytes, all written with `b.fill`.
    let bytes = unsafe { std::slice::from_raw_parts(b.ptr.as_ptr(), b.layout.size()) };
    assert!(
        bytes.iter().all(|&x| x == b.fill),
        "block of {:?} changed",
        b.layout
    );
    assert!(b.ptr.as_ptr().addr().is_multiple_of(b.layout.align()));
}

fn exercise<A: Allocator + Clone>(alloc: A, may_fail: bool, ops: &[Op]) {
    let mut blocks: Vec<Block> = Vec::new();
    let mut vec: AVec<u64, A> = AVec::new_in(alloc.clone());
    let mut vec_model: Vec<u64> = Vec::new();
    let mut map: HashMap<u16, String, DefaultHashBuilder, A> =
        HashMap::with_hasher_in(DefaultHashBuilder::default(), alloc.clone());
    let mut map_model: StdMap<u16, String> = StdMap::new();
    for (step, op) in ops.iter().enumerate() {
        let fill = step as u8 | 1;
        match *op {
            Op::Alloc(size, a, zeroed) => {
                let layout =
                    Layout::from_size_align(usize::from(size), align(a)).expect("small layout");
                let res = if zeroed {
                    alloc.allocate_zeroed(layout)
                } else {
                    alloc.allocate(layout)
                };
                match res {
                    Ok(block) => {
                        assert!(block.len() >= layout.size());
                        let ptr = block.cast::<u8>();
                        if zeroed {
                            // SAFETY: a fresh block of at least `layout.size()` bytes.
                            let bytes =
                                unsafe { std::slice::from_raw_parts(ptr.as_ptr(), layout.size()) };
                            assert!(
                                bytes.iter().all(|&x| x == 0),
                                "allocate_zeroed gave non-zero bytes"
                            );
                        }
                        // SAFETY: the block holds `layout.size()` bytes.
                        unsafe { fill_bytes(ptr, layout.size(), fill) };
                        blocks.push(Block { ptr, layout, fill });
                    }
                    Err(_) => assert!(may_fail, "allocate({layout:?}) failed"),
                }
            }
            Op::AllocHuge(k, a) => {
                let size = (isize::MAX as usize >> (k % 8)) - usize::from(k);
                if let Ok(layout) = Layout::from_size_align(size, align(a)) {
                    // `black_box`: an unused allocation may otherwise be elided by the
                    // optimizer, which then assumes it succeeded.
                    if let Ok(block) = std::hint::black_box(alloc.allocate(layout)) {
                        panic!("allocate({layout:?}) succeeded at {block:p}");
                    }
                }
            }
            Op::Grow(k, extra, a, zeroed) => {
                if !blocks.is_empty() {
                    let i = usize::from(k) % blocks.len();
                    let old = blocks[i].layout;
                    let new =
                        Layout::from_size_align(old.size() + usize::from(extra), align(a).max(1))
                            .expect("small layout");
                    // SAFETY: `blocks[i]` is live with layout `old`, and `new` is not smaller.
                    let res = unsafe {
                        if zeroed {
                            alloc.grow_zeroed(blocks[i].ptr, old, new)
                        } else {
                            alloc.grow(blocks[i].ptr, old, new)
                        }
                    };
                    match res {
                        Ok(block) => {
                            let ptr = block.cast::<u8>();
                            // SAFETY: the first `old.size()` bytes moved; the block holds
                            // `new.size()` bytes.
                            let bytes =
                                unsafe { std::slice::from_raw_parts(ptr.as_ptr(), new.size()) };
                            assert!(bytes[..old.size()].iter().all(|&x| x == blocks[i].fill));
                            if zeroed {
                                assert!(
                                    bytes[old.size()..].iter().all(|&x| x == 0),
                                    "grow_zeroed tail"
                                );
                            }
                            // SAFETY: as above.
                            unsafe { fill_bytes(ptr, new.size(), fill) };
                            blocks[i] = Block {
                                ptr,
                                layout: new,
                                fill,
                            };
                        }
                        // The old block stays live and unchanged.
                        Err(_) => assert!(
                            may_fail || new.align() > old.align(),
                            "grow({old:?} -> {new:?}) failed"
                        ),
                    }
                }
            }
            Op::Shrink(k, to, a) => {
                if !blocks.is_empty() {
                    let i = usize::from(k) % blocks.len();
                    let old = blocks[i].layout;
                    let size = usize::from(to) % (old.size() + 1);
                    let new = Layout::from_size_align(size, align(a)).expect("small layout");
                    // SAFETY: `blocks[i]` is live with layout `old`, and `new` is not larger.
                    match unsafe { alloc.shrink(blocks[i].ptr, old, new) } {
                        Ok(block) => {
                            let b = &mut blocks[i];
                            b.ptr = block.cast();
                            b.layout = new;
                        }
                        Err(_) => assert!(
                            may_fail || new.align() > old.align(),
                            "shrink({old:?} -> {new:?}) failed"
                        ),
                    }
                }
            }
            Op::Free(k) => {
                if !blocks.is_empty() {
                    let b = blocks.swap_remove(usize::from(k) % blocks.len());
                    check_block(&b);
                    // SAFETY: `b` is live with this layout and is forgotten after this.
                    unsafe { alloc.deallocate(b.ptr, b.layout) };
                }
            }
            Op::VecPush(v) => {
                if vec.try_reserve(1).is_ok() {
                    vec.push(v);
                    vec_model.push(v);
                } else {
                    assert!(may_fail);
                }
            }
            Op::VecExtend(n) => {
                let src: Vec<u64> = (0..u64::from(n)).map(|x| x * 3 + step as u64).collect();
                if vec.try_reserve(src.len()).is_ok() {
                    vec.extend_from_slice(&src);
                    vec_model.extend_from_slice(&src);
                } else {
                    assert!(may_fail);
                }
            }
            Op::VecPop => assert_eq!(vec.pop(), vec_model.pop()),
            Op::VecTruncate(n) => {
                vec.truncate(usize::from(n));
                vec_model.truncate(usize::from(n));
            }
            Op::VecReserve(n) => {
                if vec.try_reserve_exact(usize::from(n)).is_ok() {
                    assert!(vec.capacity() >= vec.len() + usize::from(n));
                } else {
                    assert!(may_fail);
                }
            }
            Op::VecShrinkToFit => {
                if !may_fail {
                    vec.shrink_to_fit();
                    assert!(vec.capacity() >= vec.len());
                }
            }
            Op::VecCloneSwap => {
                if !may_fail {
                    let copy = vec.clone();
                    assert_eq!(&copy[..], &vec[..]);
                    vec = copy;
                }
            }
            Op::MapInsert(k, v) => {
                if map.try_reserve(1).is_ok() {
                    assert_eq!(
                        map.insert(k, format!("{v}")),
                        map_model.insert(k, format!("{v}"))
                    );
                } else {
                    assert!(may_fail);
                }
            }
            Op::MapRemove(k) => assert_eq!(map.remove(&k), map_model.remove(&k)),
            Op::MapShrink => {
                if !may_fail {
                    map.shrink_to_fit();
                }
            }
            Op::MapClear => {
                map.clear();
                map_model.clear();
            }
        }
        blocks.iter().for_each(check_block);
        assert_eq!(&vec[..], &vec_model[..]);
        assert_eq!(map.len(), map_model.len());
    }
    for (k, v) in &map_model {
        assert_eq!(map.get(k), Some(v));
    }
    for b in blocks {
        check_block(&b);
        // SAFETY: every remaining block is live with its recorded layout.
        unsafe { alloc.deallocate(b.ptr, b.layout) };
    }
}

fuzz_target!(|input: (u8, u16, Vec<Op>)| {
    let (which, fail_at, ops) = input;
    let ops = &ops[..ops.len().min(128)];
    match which % 12 {
        0 => exercise(Global, false, ops),
        1 => exercise(Mimalloc, false, ops),
        2 => {
            let heap = MiHeap::new();
            exercise(&heap, false, ops);
        }
        3 => {
            let arena = Arena::new();
            exercise(&arena, false, ops);
        }
        4 => {
            let arena = Arena::with_capacity(usize::from(fail_at % 4096));
            exercise(&arena, false, ops);
        }
        5 => {
            let buf = StackFallback::<256>::new();
            exercise(&buf, false, ops);
        }
        6 => {
            let mut mem = vec![MaybeUninit::<u8>::uninit(); usize::from(fail_at % 2048)];
            let buf = BufferFallback::new(&mut mem);
            exercise(&buf, false, ops);
        }
        7 => {
            let t = Tracked::new(Global).with_backtrace_depth(0);
            exercise(&t, false, ops);
            t.finish().expect("every block of the run was freed");
        }
        8 => {
            let arena = Arena::new();
            let t = Tracked::new(&arena).with_backtrace_depth(0);
            exercise(&t, false, ops);
            t.finish().expect("every block of the run was freed");
        }
        9 => {
            let f = Failing::new(Global, usize::from(fail_at % 64));
            exercise(&f, true, ops);
        }
        10 => {
            let f = Failing::new(Global, usize::from(fail_at % 64)).and_every_later();
            exercise(&f, true, ops);
        }
        _ => {
            let scope = DebugScope::new(Global);
            exercise(&scope, false, ops);
            scope.finish().expect("every block of the run was freed");
        }
    }
});
