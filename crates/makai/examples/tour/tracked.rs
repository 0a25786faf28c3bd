//! makai-alloc's test allocators: a planted leak caught by `Tracked`, and every allocation
//! failure of a small function driven by `check_all_allocation_failures`.

use std::alloc::Layout;
use std::ptr::NonNull;
use std::time::Instant;

use makai::alloc::testing::{FailingTracked, check_all_allocation_failures_counted};
use makai::alloc::{AllocError, Allocator, DebugScope, Global, Tracked};

pub(crate) fn section() {
    crate::heading("makai-alloc: Tracked, DebugScope, Failing, testing");

    // 1. A planted leak: a labeled block that is never freed.
    let tracked = Tracked::new(Global);
    let layout = Layout::new::<[u8; 48]>();
    let freed = tracked.allocate(layout).expect("allocation");
    let leaked = plant_leak(&tracked, layout);
    // SAFETY: `freed` was allocated above by `tracked` with `layout`.
    unsafe { tracked.deallocate(freed.cast(), layout) };
    let start = Instant::now();
    let report = tracked.finish().expect_err("the planted leak is found");
    let text = report.to_string();
    println!(
        "planted leak caught ({} block, {} bytes); the report (symbols resolved in {:.1?}):",
        report.leaked_blocks(),
        report.leaked_bytes(),
        start.elapsed()
    );
    for line in text.lines() {
        println!("  | {line}");
    }
    // SAFETY: the leaked block is still allocated in `Global`, with `layout`.
    unsafe { Global.deallocate(leaked.cast(), layout) };

    // 2. Every allocation failure of a small function.
    let points =
        check_all_allocation_failures_counted(greeting).expect("greeting handles every failure");
    println!(
        "check_all_allocation_failures: `greeting` makes {points} allocations; each one failed in its own run, every run returned Err and leaked nothing"
    );
    let report = check_all_allocation_failures_counted(greeting_forgetting_on_error)
        .expect_err("the forgetful version is caught");
    let first_line = report.to_string();
    let first_line = first_line.lines().next().unwrap_or_default();
    println!("  a version that forgets its buffer on the error path is caught:\n  | {first_line}");
    // The forgetful version leaked into `Global` on purpose; a real test would fail here.

    // 3. What the wrappers cost in this build.
    println!(
        "size_of: Tracked<Global> = {} bytes, DebugScope<Global> = {} bytes in this {} build (Global = {})",
        size_of::<Tracked<Global>>(),
        size_of::<DebugScope<Global>>(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        size_of::<Global>(),
    );
    let (bare, tracked_ns, tracked_bt) = (
        ns_per_pair(&Global),
        ns_per_pair(&Tracked::new(Global).with_backtrace_depth(0)),
        ns_per_pair(&Tracked::new(Global)),
    );
    println!(
        "allocate+free of 64 bytes: bare {bare:.0} ns, Tracked {tracked_ns:.0} ns, Tracked with backtraces {tracked_bt:.0} ns"
    );
}

/// Allocates a labeled block and "forgets" to free it.
#[inline(never)]
fn plant_leak(tracked: &Tracked, layout: Layout) -> NonNull<[u8]> {
    tracked
        .labeled("session cache")
        .allocate(layout)
        .expect("allocation")
}

/// Average nanoseconds of one allocate + free pair through `a`.
fn ns_per_pair<A: Allocator>(a: &A) -> f64 {
    let layout = Layout::new::<[u8; 64]>();
    let rounds = 2000_u32;
    let start = Instant::now();
    for _ in 0..rounds {
        let p = a.allocate(layout).expect("allocation");
        std::hint::black_box(p);
        // SAFETY: allocated just above by `a` with `layout`.
        unsafe { a.deallocate(p.cast(), layout) };
    }
    start.elapsed().as_nanos() as f64 / f64::from(rounds)
}

/// A byte buffer in the allocator under test that frees itself on drop.
struct Buf<'a> {
    alloc: &'a FailingTracked,
    ptr: NonNull<u8>,
    len: usize,
}

impl<'a> Buf<'a> {
    fn try_from(alloc: &'a FailingTracked, bytes: &[u8]) -> Result<Buf<'a>, AllocError> {
        let block = alloc.allocate(Layout::array::<u8>(bytes.len()).map_err(|_| AllocError)?)?;
        let ptr = block.cast::<u8>();
        // SAFETY: the new block holds at least `bytes.len()` bytes and does not overlap `bytes`.
        unsafe {
            ptr.as_ptr()
                .copy_from_nonoverlapping(bytes.as_ptr(), bytes.len())
        };
        Ok(Buf {
            alloc,
            ptr,
            len: bytes.len(),
        })
    }

    fn try_append(&mut self, more: &[u8]) -> Result<(), AllocError> {
        let old = self.layout();
        let new = Layout::array::<u8>(self.len + more.len()).map_err(|_| AllocError)?;
        // SAFETY: `ptr` is live in `alloc` with `old`, and `new` is at least as large.
        let block = unsafe { self.alloc.grow(self.ptr, old, new) }?;
        self.ptr = block.cast();
        // SAFETY: the grown block holds `len + more.len()` bytes; the tail is ours to write.
        let tail = unsafe { self.ptr.as_ptr().add(self.len) };
        // SAFETY: `tail` has room for `more.len()` bytes, which do not overlap `more`.
        unsafe { tail.copy_from_nonoverlapping(more.as_ptr(), more.len()) };
        self.len += more.len();
        Ok(())
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: the first `len` bytes are initialised and live as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    fn layout(&self) -> Layout {
        Layout::array::<u8>(self.len).expect("the length was a valid layout before")
    }
}

impl Drop for Buf<'_> {
    fn drop(&mut self) {
        // SAFETY: `ptr` is live in `alloc` with this layout.
        unsafe { self.alloc.deallocate(self.ptr, self.layout()) };
    }
}

/// Builds "hello, world" and a copy of it: 4 allocations (2 allocate, 2 grow).
fn greeting(alloc: &FailingTracked) -> Result<(), AllocError> {
    let mut s = Buf::try_from(alloc, b"hello")?;
    s.try_append(b", ")?;
    s.try_append(b"world")?;
    let copy = Buf::try_from(alloc, s.bytes())?;
    assert_eq!(copy.bytes(), b"hello, world");
    Ok(())
}

/// Like `greeting`, but forgets (leaks) its buffer when the copy fails.
fn greeting_forgetting_on_error(alloc: &FailingTracked) -> Result<(), AllocError> {
    let mut s = Buf::try_from(alloc, b"hello")?;
    s.try_append(b", ")?;
    s.try_append(b"world")?;
    match Buf::try_from(alloc, s.bytes()) {
        Ok(copy) => assert_eq!(copy.bytes(), b"hello, world"),
        Err(e) => {
            std::mem::forget(s);
            return Err(e);
        }
    }
    Ok(())
}
