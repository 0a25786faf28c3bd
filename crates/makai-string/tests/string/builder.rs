//! `StringBuilder` and `Filler`: many slices alive at once, exactly one allocation, `into_str`,
//! and the panics of appending past the count, interior NULs, count overflow, failed
//! allocation, raw bytes that are not UTF-8, and unfilled buffers.

use std::alloc::Layout;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use makai_alloc::{AllocError, Allocator, Global};
use makai_string::{Filler, StringBuilder};

use super::{counted, panic_message};

/// An allocator value that counts its blocks across threads (for `with_allocator`).
#[derive(Clone, Default)]
struct CountingAlloc {
    allocs: Arc<AtomicUsize>,
    frees: Arc<AtomicUsize>,
}

impl CountingAlloc {
    fn allocs(&self) -> usize {
        // SeqCst: read after the threads that freed were joined; ordering is not a concern.
        self.allocs.load(Ordering::SeqCst)
    }
    fn frees(&self) -> usize {
        // SeqCst: as above.
        self.frees.load(Ordering::SeqCst)
    }
}

// SAFETY: forwards to `Global` unchanged; clones share counters and are the same allocator.
unsafe impl Allocator for CountingAlloc {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        // SeqCst: a plain statistic; see `allocs`.
        self.allocs.fetch_add(1, Ordering::SeqCst);
        Global.allocate(layout)
    }
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SeqCst: a plain statistic; see `allocs`.
        self.frees.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the block came from `Global` through this allocator with `layout`.
        unsafe { Global.deallocate(ptr, layout) }
    }
}

/// An allocator that always fails.
struct Refuse;

// SAFETY: it never hands out a block, so there is nothing to keep valid.
unsafe impl Allocator for Refuse {
    fn allocate(&self, _: Layout) -> Result<NonNull<[u8]>, AllocError> {
        Err(AllocError)
    }
    unsafe fn deallocate(&self, _: NonNull<u8>, _: Layout) {
        unreachable!("Refuse never allocates");
    }
}

#[test]
fn builder_holds_many_slices_at_once() {
    let n = if cfg!(miri) { 40 } else { 1000 };
    let words: Vec<String> = (0..n).map(|i| format!("event-{i}")).collect();
    let mut b = StringBuilder::new();
    for (i, w) in words.iter().enumerate() {
        match i % 4 {
            0 => b.count(w),
            1 => b.count_with_nul(w),
            2 => b.count_fmt(format_args!("<{w}>")),
            _ => b.count_bytes(w.as_bytes()),
        };
    }
    let counted_len = b.len();
    let ((), allocs, frees) = counted(|| {
        let f = b.allocate();
        assert_eq!(f.capacity(), counted_len);
        let mut strs: Vec<&str> = Vec::new();
        let mut cstrs: Vec<&std::ffi::CStr> = Vec::new();
        let mut raw: Vec<&[u8]> = Vec::new();
        let base = f.append("").as_ptr();
        for (i, w) in words.iter().enumerate() {
            match i % 4 {
                0 => strs.push(f.append(w)),
                1 => cstrs.push(f.append_with_nul(w)),
                2 => strs.push(f.append_fmt(format_args!("<{w}>"))),
                _ => raw.push(f.append_bytes(w.as_bytes())),
            }
        }
        // Every slice is still valid, after all appends.
        let mut k = 0;
        for (i, w) in words.iter().enumerate() {
            match i % 4 {
                0 => {
                    assert_eq!(strs[k], w);
                    k += 1;
                }
                2 => {
                    assert_eq!(strs[k], format!("<{w}>"));
                    k += 1;
                }
                _ => {}
            }
        }
        assert!(
            cstrs
                .iter()
                .zip(words.iter().skip(1).step_by(4))
                .all(|(c, w)| c.to_bytes() == w.as_bytes())
        );
        assert!(
            raw.iter()
                .zip(words.iter().skip(3).step_by(4))
                .all(|(r, w)| *r == w.as_bytes())
        );
        assert_eq!(f.remaining(), 0);
        drop((strs, cstrs, raw));
        let all = f.finish();
        assert_eq!(all.as_ptr(), base, "finish keeps the buffer");
        assert!(all.starts_with("event-0event-1\0<event-2>event-3"));
    });
    // One buffer, plus the three Vecs of slices.
    assert!(allocs >= 1 && allocs == frees);
}

#[test]
fn builder_makes_exactly_one_allocation() {
    let alloc = CountingAlloc::default();
    let mut b = StringBuilder::new_in(alloc.clone());
    for i in 0..100 {
        b.count_fmt(format_args!("name-{i};"));
    }
    let f = b.allocate();
    for i in 0..100 {
        f.append_fmt(format_args!("name-{i};"));
    }
    assert_eq!(alloc.allocs(), 1);
    drop(f);
    assert_eq!(
        (alloc.allocs(), alloc.frees()),
        (1, 1),
        "an unfinished filler frees its buffer"
    );
}

#[test]
fn into_str_keeps_the_buffer_and_frees_it_once_across_threads() {
    let alloc = CountingAlloc::default();
    let mut b = StringBuilder::new_in(alloc.clone());
    b.count("short");
    let f = b.allocate();
    let addr = f.append("short").as_ptr();
    let s = f.into_str();
    assert_eq!(
        (s.as_str(), s.as_ptr()),
        ("short", addr),
        "into_str keeps the address"
    );
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || {
                let c = s.clone();
                assert_eq!(c, "short");
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(alloc.frees(), 0);
    drop(s);
    assert_eq!((alloc.allocs(), alloc.frees()), (1, 1));
}

#[test]
fn empty_builders() {
    let f = StringBuilder::new().allocate();
    assert_eq!(f.append(""), "");
    assert_eq!(&*f.finish(), "");
    let f = StringBuilder::new().allocate();
    assert!(f.into_str().is_empty());
    let err = catch_unwind(AssertUnwindSafe(|| {
        StringBuilder::new().allocate().append("x");
    }))
    .unwrap_err();
    assert!(panic_message(err).contains("do not fit"));
}

#[test]
fn appending_past_the_count_panics_and_leaves_the_filler_usable() {
    let mut b = StringBuilder::new();
    b.count("abc");
    let f = b.allocate();
    let first = f.append("ab");
    let err = catch_unwind(AssertUnwindSafe(|| f.append("cd"))).unwrap_err();
    let msg = panic_message(err);
    assert!(
        msg.contains("2 more bytes do not fit: 2 of the 3 counted bytes"),
        "{msg}"
    );
    assert!(catch_unwind(AssertUnwindSafe(|| f.append_with_nul("c"))).is_err());
    assert!(catch_unwind(AssertUnwindSafe(|| f.append_fmt(format_args!("{}{}", 1, 2)))).is_err());
    assert!(catch_unwind(AssertUnwindSafe(|| f.append_bytes(b"xy"))).is_err());
    assert_eq!(f.len(), 2);
    assert_eq!(f.append("c"), "c");
    assert_eq!(first, "ab");
    assert_eq!(&*f.finish(), "abc");
}

#[test]
fn append_z_rejects_interior_nul() {
    let mut b = StringBuilder::new();
    b.count_with_nul("a\0b");
    let f = b.allocate();
    let err = catch_unwind(AssertUnwindSafe(|| f.append_with_nul("a\0b"))).unwrap_err();
    assert!(panic_message(err).contains("NUL byte at index 1"));
    assert_eq!(f.len(), 0, "nothing was written");
}

#[test]
fn count_overflow_panics() {
    let mut b = StringBuilder::new();
    b.count_len(usize::MAX);
    let err = catch_unwind(AssertUnwindSafe(|| {
        b.count("x");
    }))
    .unwrap_err();
    assert!(panic_message(err).contains("overflows usize"));
    let mut b = StringBuilder::new();
    b.count_len(usize::MAX);
    assert!(
        catch_unwind(AssertUnwindSafe(|| {
            b.count_with_nul("");
        }))
        .is_err()
    );
}

#[test]
fn try_allocate_reports_failure() {
    let mut b = StringBuilder::new_in(Refuse);
    b.count("abc");
    assert!(b.try_allocate().is_err());
    let mut too_big = StringBuilder::new();
    too_big.count_len(isize::MAX as usize + 1);
    assert!(too_big.try_allocate().is_err());
}

#[test]
fn utf8_is_checked_when_raw_bytes_went_in() {
    let mut b = StringBuilder::new();
    b.count_bytes(&[0xFF, b'a']);
    let f = b.allocate();
    f.append_bytes(&[0xFF, b'a']);
    let err = catch_unwind(AssertUnwindSafe(|| f.finish())).unwrap_err();
    assert!(panic_message(err).contains("not UTF-8 (at byte 0)"));

    let mut b = StringBuilder::new();
    b.count_bytes(&[0xFF]);
    let f = b.allocate();
    f.append_bytes(&[0xFF]);
    assert!(catch_unwind(AssertUnwindSafe(|| f.into_str())).is_err());

    let mut b = StringBuilder::new();
    b.count_bytes(&[0xFF]);
    let f = b.allocate();
    f.append_bytes(&[0xFF]);
    assert_eq!(&*f.finish_bytes(), &[0xFF]);
}

#[test]
fn append_bytes_inside_append_fmt_panics() {
    struct Sneaky<'f>(&'f Filler);
    impl std::fmt::Display for Sneaky<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.append_bytes(&[0xFF]);
            f.write_str("x")
        }
    }
    let mut b = StringBuilder::new();
    b.count_bytes(&[0; 8]);
    let filler = b.allocate();
    let err = catch_unwind(AssertUnwindSafe(|| {
        filler.append_fmt(format_args!("{}", Sneaky(&filler)));
    }))
    .unwrap_err();
    assert!(panic_message(err).contains("while append_fmt is formatting"));
    // The flag was reset by the unwinding.
    assert_eq!(filler.append_bytes(b"ok"), b"ok");

    // A nested `append` from a Display lands after the outer output, never over it.
    struct Nested<'f>(&'f Filler, std::cell::Cell<Option<&'f str>>);
    impl std::fmt::Display for Nested<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("<")?;
            self.1.set(Some(self.0.append("in")));
            f.write_str(">")
        }
    }
    let nested = Nested(&filler, std::cell::Cell::new(None));
    let outer = filler.append_fmt(format_args!("{nested}"));
    assert_eq!(outer, "<in>");
    assert_eq!(nested.1.get(), Some("in"));
}

#[test]
fn unfilled_buffers_are_caught() {
    let mut b = StringBuilder::new();
    b.count("abcd");
    let f = b.allocate();
    f.append("ab");
    let r = catch_unwind(AssertUnwindSafe(|| f.finish()));
    if cfg!(debug_assertions) {
        assert!(panic_message(r.unwrap_err()).contains("2 of the 4 counted bytes"));
    } else {
        assert_eq!(&*r.unwrap(), "ab\0\0");
    }
}
