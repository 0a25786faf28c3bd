//! `StackFallback` and `BufferFallback`: buffer first, then the fallback allocator.

use std::alloc::Layout;
use std::mem::MaybeUninit;

use allocator_api2::vec::Vec as AVec;
use makai_alloc::{Allocator, Arena, BufferFallback, NoAlloc, StackFallback};

#[test]
fn small_buffers_never_touch_the_fallback() {
    // The fallback is `NoAlloc`: reaching it would be an error, so success proves the buffer
    // served every request.
    let buf = StackFallback::<512, NoAlloc>::new_in(NoAlloc);
    let mut a = AVec::new_in(&buf);
    let mut b = AVec::new_in(&buf);
    for i in 0..32_u8 {
        a.push(i);
        b.push(u32::from(i));
    }
    assert_eq!(
        a.iter().map(|&x| u32::from(x)).sum::<u32>(),
        b.iter().sum::<u32>()
    );
    assert_eq!(buf.fallback_count(), 0);
}

#[test]
fn overflow_goes_to_the_fallback_and_is_counted() {
    let buf = StackFallback::<64>::new();
    let mut v: AVec<u64, _> = AVec::new_in(&buf);
    v.extend(0..100);
    assert_eq!(v.iter().sum::<u64>(), 4950);
    assert!(buf.fallback_count() >= 1);
    let counted = buf.fallback_count();
    drop(v);
    assert_eq!(buf.fallback_count(), counted, "frees are not counted");
}

#[test]
fn the_last_vec_grows_in_place() {
    let buf = StackFallback::<1024>::new();
    let mut v: AVec<u8, _> = AVec::with_capacity_in(8, &buf);
    let start = v.as_ptr();
    for i in 0..=255 {
        v.push(i);
    }
    assert_eq!(v.as_ptr(), start, "grown in place: it is the last block");
    assert_eq!(buf.used(), v.capacity());
    assert_eq!(buf.fallback_count(), 0);
}

#[test]
fn reset_makes_the_buffer_reusable() {
    let mut buf = StackFallback::<128>::new();
    for round in 0..4_u8 {
        let mut v = AVec::with_capacity_in(100, &buf);
        v.extend(std::iter::repeat_n(round, 100));
        assert_eq!(v[99], round);
        std::mem::forget(v); // forgotten: its bytes stay used until reset
        assert!(buf.used() >= 100);
        buf.reset();
        assert_eq!(buf.used(), 0);
    }
    assert_eq!(buf.fallback_count(), 0);
}

#[test]
fn alignment_up_to_4096() {
    let buf = StackFallback::<16384>::new();
    let a = &buf;
    for log in 0..=12 {
        let l = Layout::from_size_align(3, 1 << log).unwrap();
        let block = a.allocate(l).unwrap();
        assert_eq!(block.cast::<u8>().as_ptr().addr() % (1 << log), 0);
    }
    if cfg!(not(miri)) {
        // Natively every request fits the buffer (Miri's symbolic alignment may send the
        // over-aligned ones to the fallback, which is allowed).
        assert_eq!(buf.fallback_count(), 0);
    }
}

#[test]
fn buffer_fallback_over_an_arena_fallback() {
    let arena = Arena::new();
    let mut storage = [MaybeUninit::<u8>::uninit(); 64];
    let buf = BufferFallback::new_in(&mut storage, &arena);
    let mut v: AVec<u32, _> = AVec::new_in(&buf);
    v.extend(0..100);
    assert_eq!(v.len(), 100);
    assert!(buf.fallback_count() >= 1);
    assert!(arena.allocated_bytes() >= 400, "spilled into the arena");
    assert!(format!("{buf:?}").contains("fallback_count"));
}

#[test]
fn buffer_fallback_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let mut storage = vec![MaybeUninit::<u8>::uninit(); 256];
    let buf = BufferFallback::new(&mut storage);
    assert_send(&buf);
    let used = std::thread::scope(|s| {
        s.spawn(move || {
            let mut v = AVec::new_in(&buf);
            v.extend_from_slice(b"moved to another thread");
            drop(v);
            (buf.used(), buf.fallback_count())
        })
        .join()
        .unwrap()
    });
    assert_eq!(used, (0, 0), "the only block was freed in place");
}

#[test]
fn zero_capacity_stack_fallback() {
    let buf = StackFallback::<0>::new();
    let mut v = AVec::new_in(&buf);
    v.push(1_u8);
    assert_eq!(buf.fallback_count(), 1);
    assert_eq!(buf.capacity(), 0);
    assert!(format!("{buf:?}").starts_with("StackFallback { capacity: 0"));
}
