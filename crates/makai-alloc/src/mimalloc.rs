//! [`Mimalloc`] (the global mimalloc heap as an allocator value and a `#[global_allocator]`)
//! and [`MiHeap`] (a private mimalloc heap that frees every block at once).
//!
//! Both run over the bundled mimalloc **v2** build (`libmimalloc-sys` with its `v2` feature,
//! mimalloc 2.3.2). The crate README explains why ("Why mimalloc v2"): in short, the bundled
//! v3.3.2 has a known multi-threaded crash fixed only in 3.4, and v2 is the one choice under
//! which `MiHeap`'s thread rules stay sound whatever features other crates turn on.

use alloc::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use core::fmt;
use core::ptr::NonNull;

use libmimalloc_sys as ffi;
use makai_error::AllocError;

use crate::allocator::{Allocator, dangling};

/// mimalloc guarantees this alignment for every block of at least this size
/// (`MI_MAX_ALIGN_SIZE`); smaller blocks are aligned to their size class (a multiple of 8).
const MI_MAX_ALIGN_SIZE: usize = 16;

/// Whether a plain (unaligned) mimalloc call already gives `layout`'s alignment.
#[inline]
fn plain_is_aligned(layout: Layout) -> bool {
    layout.align() <= MI_MAX_ALIGN_SIZE && layout.align() <= layout.size()
}

/// Wraps a mimalloc result of `size` bytes.
#[inline]
fn block(ptr: *mut c_void, size: usize) -> Result<NonNull<[u8]>, AllocError> {
    NonNull::new(ptr.cast::<u8>())
        .map(|p| NonNull::slice_from_raw_parts(p, size))
        .ok_or(AllocError)
}

/// Zeroes `new_size - old_size` bytes of `block` starting at `old_size`.
///
/// # Safety
///
/// `block` is valid for writes of `new_size` bytes and `old_size <= new_size`.
#[inline]
unsafe fn zero_tail(block: NonNull<u8>, old_size: usize, new_size: usize) {
    // SAFETY: `old_size <= new_size`, so the offset stays inside the block (caller's contract).
    let tail = unsafe { block.as_ptr().add(old_size) };
    // SAFETY: the `new_size - old_size` bytes from `tail` are the end of the writable block.
    unsafe { tail.write_bytes(0, new_size - old_size) };
}

/// The global mimalloc heap: a zero-sized [`Allocator`] and [`GlobalAlloc`].
///
/// Binaries may install it with `#[global_allocator]`; libraries never set a global allocator,
/// but can use `Mimalloc` as an allocator value (e.g. as a container's allocator parameter).
/// It is `Send + Sync`, and a block may be freed from any thread.
///
/// Blocks of every live [`MiHeap`] may also be freed through `Mimalloc` (mimalloc's free is
/// heap- and thread-agnostic): that is how a block allocated in one thread's heap is released
/// by another thread.
///
/// ```
/// use makai_alloc::{Allocator, Mimalloc};
/// use std::alloc::Layout;
/// # #[cfg(not(miri))] { // mimalloc is C code: Miri cannot run it
/// let layout = Layout::from_size_align(100, 64).unwrap();
/// let block = Mimalloc.allocate(layout).unwrap();
/// assert_eq!(block.cast::<u8>().as_ptr().addr() % 64, 0);
/// // SAFETY: allocated by `Mimalloc` with `layout` just above.
/// unsafe { Mimalloc.deallocate(block.cast(), layout) };
/// # }
/// assert_eq!(size_of::<Mimalloc>(), 0);
/// ```
///
/// As the process's allocator:
///
/// ```no_run
/// #[global_allocator]
/// static GLOBAL: makai_alloc::Mimalloc = makai_alloc::Mimalloc;
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Mimalloc;

// SAFETY: every method forwards to mimalloc with a layout it accepts: plain `mi_malloc` only
// when mimalloc's natural alignment covers the request, the `_aligned` variants otherwise;
// `mi_free` accepts every block of every mimalloc heap from any thread. Null becomes null,
// which `GlobalAlloc` callers treat as failure.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain_is_aligned(layout) {
            // SAFETY: `mi_malloc` accepts any size; the alignment is natural (checked above).
            unsafe { ffi::mi_malloc(layout.size()) }.cast()
        } else {
            // SAFETY: `layout.align()` is a power of two, as mimalloc requires.
            unsafe { ffi::mi_malloc_aligned(layout.size(), layout.align()) }.cast()
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain_is_aligned(layout) {
            // SAFETY: `mi_zalloc` accepts any size; the alignment is natural (checked above).
            unsafe { ffi::mi_zalloc(layout.size()) }.cast()
        } else {
            // SAFETY: `layout.align()` is a power of two, as mimalloc requires.
            unsafe { ffi::mi_zalloc_aligned(layout.size(), layout.align()) }.cast()
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` is a live mimalloc block (caller's `GlobalAlloc` contract).
        unsafe { ffi::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align(new_size, layout.align());
        if new.is_ok_and(plain_is_aligned) {
            // SAFETY: `ptr` is a live mimalloc block; plain blocks keep natural alignment.
            unsafe { ffi::mi_realloc(ptr.cast(), new_size) }.cast()
        } else {
            // SAFETY: `ptr` is a live mimalloc block and the alignment is a power of two.
            unsafe { ffi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()) }.cast()
        }
    }
}

// SAFETY: zero-sized layouts get a dangling aligned pointer and never reach mimalloc; every
// other request goes through the `GlobalAlloc` impl above, whose blocks fit their layouts and
// stay valid until freed; null becomes `AllocError`.
unsafe impl Allocator for Mimalloc {
    crate::forward::forward_allocator! {
        allocate: |self, layout, zero| {
            if layout.size() == 0 {
                return Ok(dangling(layout));
            }
            let ptr = if zero {
                // SAFETY: the size is non-zero.
                unsafe { GlobalAlloc::alloc_zeroed(self, layout) }
            } else {
                // SAFETY: the size is non-zero.
                unsafe { GlobalAlloc::alloc(self, layout) }
            };
            block(ptr.cast(), layout.size())
        },
        attrs: #[inline],
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            // SAFETY: a non-zero-sized block of this allocator is a live mimalloc block.
            unsafe { ffi::mi_free(ptr.as_ptr().cast()) }
        }
    }

    crate::forward::forward_allocator! {
        resize: |self, ptr, old, new, zero| {
            // SAFETY: the caller upholds the contract of `grow`, `grow_zeroed` or `shrink`
            // (whichever this is); `Mimalloc` blocks are blocks of the global mimalloc heap.
            unsafe { mi_resize(None, ptr, old, new, zero) }
        },
        attrs: #[inline],
    }
}

/// Resizes a mimalloc block, in `heap` (or the global heap when `None`).
///
/// Zero-sized old blocks are dangling (never mimalloc's): they are replaced by a fresh block;
/// zero-sized new layouts free the old block and return a dangling pointer.
///
/// # Safety
///
/// 1. `ptr` is a live block of `heap` (or of the global heap) that `old` fits (a dangling
///    pointer when `old.size() == 0`), and
/// 2. when `heap` is `Some`, it is a live heap owned by the calling thread.
unsafe fn mi_resize(
    heap: Option<NonNull<ffi::mi_heap_t>>,
    ptr: NonNull<u8>,
    old: Layout,
    new: Layout,
    zero: bool,
) -> Result<NonNull<[u8]>, AllocError> {
    if old.size() == 0 {
        let fresh = match (heap, zero) {
            // SAFETY: precondition 2.
            (Some(h), _) => unsafe { heap_alloc(h, new, zero) },
            (None, true) => Mimalloc.allocate_zeroed(new),
            (None, false) => Mimalloc.allocate(new),
        };
        return fresh;
    }
    if new.size() == 0 {
        // SAFETY: `ptr` is a live mimalloc block (precondition 1).
        unsafe { ffi::mi_free(ptr.as_ptr().cast()) };
        return Ok(dangling(new));
    }
    if old.align() != new.align() && !plain_is_aligned(new) {
        // An alignment change mimalloc's realloc does not model: allocate, copy, free.
        let fresh = match heap {
            // SAFETY: precondition 2.
            Some(h) => unsafe { heap_alloc(h, new, zero) }?,
            None if zero => Mimalloc.allocate_zeroed(new)?,
            None => Mimalloc.allocate(new)?,
        };
        let keep = old.size().min(new.size());
        // SAFETY: both blocks hold `keep` bytes and are distinct (the old one is still live).
        unsafe { core::ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.cast::<u8>().as_ptr(), keep) };
        // SAFETY: `ptr` is a live mimalloc block (precondition 1).
        unsafe { ffi::mi_free(ptr.as_ptr().cast()) };
        return Ok(fresh);
    }
    let raw = ptr.as_ptr().cast::<c_void>();
    let p = match heap {
        // SAFETY: `ptr` is a live block of `h`, which this thread owns (preconditions 1, 2);
        // `new.align()` is a power of two.
        Some(h) => unsafe {
            ffi::mi_heap_realloc_aligned(h.as_ptr(), raw, new.size(), new.align())
        },
        None if plain_is_aligned(new) => {
            // SAFETY: `ptr` is a live mimalloc block; natural alignment covers `new`.
            unsafe { ffi::mi_realloc(raw, new.size()) }
        }
        // SAFETY: `ptr` is a live mimalloc block; `new.align()` is a power of two.
        None => unsafe { ffi::mi_realloc_aligned(raw, new.size(), new.align()) },
    };
    let resized = block(p, new.size())?;
    if zero && new.size() > old.size() {
        // SAFETY: the resized block holds `new.size()` writable bytes, more than `old.size()`.
        unsafe { zero_tail(resized.cast(), old.size(), new.size()) };
    }
    Ok(resized)
}

/// Allocates a non-zero-sized or zero-sized block from `heap`.
///
/// # Safety
///
/// `heap` is a live heap owned by the calling thread.
#[inline]
unsafe fn heap_alloc(
    heap: NonNull<ffi::mi_heap_t>,
    layout: Layout,
    zero: bool,
) -> Result<NonNull<[u8]>, AllocError> {
    if layout.size() == 0 {
        return Ok(dangling(layout));
    }
    let h = heap.as_ptr();
    let (size, align) = (layout.size(), layout.align());
    let p = match (plain_is_aligned(layout), zero) {
        // SAFETY: `h` is a live heap of this thread (caller's contract), the size is non-zero
        // and the alignment a power of two (true of the four arms).
        (true, false) => unsafe { ffi::mi_heap_malloc(h, size) },
        // SAFETY: as above.
        (true, true) => unsafe { ffi::mi_heap_zalloc(h, size) },
        // SAFETY: as above.
        (false, false) => unsafe { ffi::mi_heap_malloc_aligned(h, size, align) },
        // SAFETY: as above.
        (false, true) => unsafe { ffi::mi_heap_zalloc_aligned(h, size, align) },
    };
    block(p, size)
}

/// A private mimalloc heap (Bun's `MimallocArena`): 8 bytes; dropping it frees every block
/// it still holds in one call (`mi_heap_destroy`), with no per-block work.
///
/// Thread rules, enforced by the type system rather than debug asserts:
///
/// - **never `Sync`**: two threads may not allocate from one heap at once;
/// - **not `Send`** either: in the mimalloc v2 build this crate uses, a heap belongs to the
///   thread that created it, and only that thread may allocate from, reset or destroy it;
/// - a block may be *freed* from any thread, through [`Mimalloc`] (mimalloc's free is heap- and
///   thread-agnostic), as long as the heap is still alive.
///
/// `Allocator` is implemented for `&MiHeap`, so containers borrow the heap: it cannot be reset
/// or dropped while they live (Bun's use-after-free through a cursor into a destroyed heap,
/// #53599, cannot be written).
///
/// Drop order note: mimalloc deletes a thread's heaps when the thread exits. A `MiHeap` kept in
/// a `thread_local!` is dropped by Rust's thread-local destructors, which glibc runs before
/// mimalloc's thread teardown.
///
/// ```
/// use makai_alloc::{Allocator, MiHeap};
/// use std::alloc::Layout;
/// # #[cfg(not(miri))] { // mimalloc is C code: Miri cannot run it
/// let heap = MiHeap::new();
/// let layout = Layout::new::<[u64; 4]>();
/// let block = (&heap).allocate(layout).unwrap();
/// assert!(heap.contains(block.cast::<u8>().as_ptr()));
/// assert!(!heap.contains(&layout as *const Layout as *const u8));
/// drop(heap); // frees `block` too, in one call
/// # }
/// assert_eq!(size_of::<MiHeap>(), 8);
/// ```
///
/// A heap cannot be shared between threads:
///
/// ```compile_fail
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<makai_alloc::MiHeap>();
/// ```
///
/// nor moved to another thread (mimalloc v2 heaps are bound to their thread):
///
/// ```compile_fail
/// fn assert_send<T: Send>() {}
/// assert_send::<makai_alloc::MiHeap>();
/// ```
///
/// and cannot be reset while a container borrows it:
///
/// ```compile_fail
/// use makai_alloc::{Allocator, MiHeap};
/// let mut heap = MiHeap::new();
/// let alloc = &heap;
/// heap.reset();
/// let _ = alloc.allocate(std::alloc::Layout::new::<u8>());
/// ```
pub struct MiHeap {
    /// The heap; `NonNull` makes the type `!Send` and `!Sync`, which is the contract.
    heap: NonNull<ffi::mi_heap_t>,
}

const _: () = assert!(size_of::<MiHeap>() == 8);
const _: () = assert!(size_of::<Option<MiHeap>>() == 8);

impl MiHeap {
    /// Creates a heap owned by the calling thread.
    ///
    /// Calls [`makai_error::out_of_memory`] if mimalloc cannot create it; see
    /// [`try_new`](MiHeap::try_new).
    ///
    /// ```
    /// # #[cfg(not(miri))] { // mimalloc is C code: Miri cannot run it
    /// let heap = makai_alloc::MiHeap::new();
    /// # drop(heap); }
    /// ```
    #[must_use]
    pub fn new() -> MiHeap {
        Self::try_new().unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Creates a heap owned by the calling thread.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if mimalloc cannot create the heap.
    ///
    /// ```
    /// # #[cfg(not(miri))] { // mimalloc is C code: Miri cannot run it
    /// let heap = makai_alloc::MiHeap::try_new()?;
    /// # drop(heap); }
    /// # Ok::<(), makai_alloc::AllocError>(())
    /// ```
    pub fn try_new() -> Result<MiHeap, AllocError> {
        // SAFETY: `mi_heap_new` has no preconditions; null means failure.
        let heap = unsafe { ffi::mi_heap_new() };
        NonNull::new(heap)
            .map(|heap| MiHeap { heap })
            .ok_or(AllocError)
    }

    /// Frees every block of the heap at once and starts over with an empty heap.
    ///
    /// `&mut self` proves no container still uses the heap. Calls
    /// [`makai_error::out_of_memory`] if the fresh heap cannot be created (the old one is then
    /// kept intact); see [`try_reset`](MiHeap::try_reset).
    ///
    /// ```
    /// use makai_alloc::{Allocator, MiHeap};
    /// use std::alloc::Layout;
    /// # #[cfg(not(miri))] { // mimalloc is C code: Miri cannot run it
    /// let mut heap = MiHeap::new();
    /// let block = (&heap).allocate(Layout::new::<[u8; 64]>()).unwrap();
    /// assert!(heap.contains(block.cast::<u8>().as_ptr()));
    /// heap.reset(); // `block` is freed (never touch it again)
    /// # }
    /// ```
    pub fn reset(&mut self) {
        if self.try_reset().is_err() {
            makai_error::out_of_memory();
        }
    }

    /// Like [`reset`](MiHeap::reset), reporting failure instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the fresh heap cannot be created; the heap and its blocks are then
    /// untouched.
    pub fn try_reset(&mut self) -> Result<(), AllocError> {
        let fresh = MiHeap::try_new()?;
        // Dropping the old value destroys the old heap and all its blocks.
        drop(core::mem::replace(self, fresh));
        Ok(())
    }

    /// Whether `ptr` points into memory this heap manages (a live block, or a free slot of one
    /// of its pages). Safe for any pointer: null, dangling, foreign, or another heap's.
    ///
    /// Cost: a walk over the heap's pages (not its blocks).
    ///
    /// ```
    /// use makai_alloc::{Allocator, MiHeap};
    /// # #[cfg(not(miri))] { // mimalloc is C code: Miri cannot run it
    /// let (a, b) = (MiHeap::new(), MiHeap::new());
    /// let block = (&a).allocate(std::alloc::Layout::new::<u32>()).unwrap();
    /// let p = block.cast::<u8>().as_ptr();
    /// assert!(a.contains(p));
    /// assert!(!b.contains(p));
    /// assert!(!a.contains(std::ptr::null()));
    /// # }
    /// ```
    #[must_use]
    pub fn contains(&self, ptr: *const u8) -> bool {
        if ptr.is_null() {
            return false;
        }
        // `mi_heap_check_owned` only answers for word-aligned pointers; round down (an address
        // inside a block is inside the same page).
        let word = ptr.map_addr(|a| a & !(size_of::<usize>() - 1));
        // SAFETY: `self.heap` is live and owned by this thread (`MiHeap` is neither `Send` nor
        // `Sync`); `mi_heap_check_owned` compares `word` against the heap's page ranges and
        // never dereferences it.
        unsafe { ffi::mi_heap_check_owned(self.heap.as_ptr(), word.cast()) }
    }
}

impl Default for MiHeap {
    fn default() -> Self {
        MiHeap::new()
    }
}

impl fmt::Debug for MiHeap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MiHeap").field("heap", &self.heap).finish()
    }
}

impl Drop for MiHeap {
    fn drop(&mut self) {
        // SAFETY: the heap is live and owned by this thread (the type is `!Send`); after this
        // call nothing refers to it: containers borrowed `&self`, so none outlives it.
        unsafe { ffi::mi_heap_destroy(self.heap.as_ptr()) }
    }
}

// SAFETY: blocks come from this heap (or are dangling for zero sizes), fit their layouts, and
// stay valid until freed or until the heap is dropped or reset, neither of which can happen
// while `&MiHeap` is borrowed. The heap is only used from its owning thread because `MiHeap`
// and `&MiHeap` are `!Send`. Null becomes `AllocError`.
unsafe impl Allocator for &MiHeap {
    crate::forward::forward_allocator! {
        allocate: |self, layout, zero| {
            // SAFETY: the heap is live and owned by this thread (see the impl's comment).
            unsafe { heap_alloc(self.heap, layout, zero) }
        },
        attrs: #[inline],
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            // SAFETY: a non-zero-sized block of this allocator is a live block of this heap.
            unsafe { ffi::mi_free(ptr.as_ptr().cast()) }
        }
    }

    crate::forward::forward_allocator! {
        resize: |self, ptr, old, new, zero| {
            // SAFETY: the caller upholds the contract of `grow`, `grow_zeroed` or `shrink`
            // (whichever this is); the heap is live and owned by this thread.
            unsafe { mi_resize(Some(self.heap), ptr, old, new, zero) }
        },
        attrs: #[inline],
    }
}

#[cfg(all(test, not(miri)))]
mod tests {
    use super::*;

    #[test]
    fn natural_alignment_rule() {
        assert!(plain_is_aligned(Layout::from_size_align(16, 16).unwrap()));
        assert!(plain_is_aligned(Layout::from_size_align(3, 1).unwrap()));
        assert!(!plain_is_aligned(Layout::from_size_align(8, 16).unwrap()));
        assert!(!plain_is_aligned(Layout::from_size_align(64, 32).unwrap()));
    }

    #[test]
    fn heap_alignment_change_on_grow_and_shrink() {
        let heap = MiHeap::new();
        let a = &heap;
        let old = Layout::from_size_align(24, 8).unwrap();
        let p = a.allocate(old).unwrap().cast::<u8>();
        // SAFETY: 24 writable bytes.
        unsafe { p.as_ptr().write_bytes(7, 24) };
        let new = Layout::from_size_align(100, 256).unwrap();
        // SAFETY: `p` is a live block of `heap` fitting `old`; 100 >= 24.
        let q = unsafe { a.grow(p, old, new) }.unwrap().cast::<u8>();
        assert_eq!(q.as_ptr().addr() % 256, 0);
        // SAFETY: the first 24 bytes were copied.
        let kept = unsafe { core::slice::from_raw_parts(q.as_ptr(), 24) };
        assert!(kept.iter().all(|&b| b == 7));
        assert!(heap.contains(q.as_ptr()));
        let small = Layout::from_size_align(4, 4096).unwrap();
        // SAFETY: `q` fits `new`; 4 <= 100.
        let r = unsafe { a.shrink(q, new, small) }.unwrap().cast::<u8>();
        assert_eq!(r.as_ptr().addr() % 4096, 0);
        // SAFETY: `r` fits `small`.
        unsafe { a.deallocate(r, small) };
    }
}
