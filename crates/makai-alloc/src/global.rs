//! [`Global`]: the process's global allocator as a zero-sized [`Allocator`].

use core::alloc::Layout;
use core::ptr::NonNull;

use makai_error::AllocError;

use crate::allocator::{Allocator, dangling};

/// The global allocator (`#[global_allocator]`, or the system allocator if none is set), as a
/// zero-sized [`Allocator`]. It is the default allocator type of every makai container.
///
/// ```
/// use makai_alloc::{Allocator, Global};
/// use std::alloc::Layout;
/// let l = Layout::new::<[u32; 8]>();
/// let p = Global.allocate(l).unwrap();
/// // SAFETY: allocated just above with `l`.
/// unsafe { Global.deallocate(p.cast(), l) };
/// assert_eq!(size_of::<Global>(), 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Global;

#[expect(
    clippy::disallowed_methods,
    reason = "makai-alloc is the one crate that calls the raw allocation functions"
)]
// SAFETY: zero-sized layouts get a dangling aligned pointer and are never passed to the global
// allocator; every other call forwards to `std::alloc` with the caller's layout, whose
// contract matches `Allocator`'s (null becomes `AllocError`).
unsafe impl Allocator for Global {
    crate::forward::forward_allocator! {
        allocate: |self, layout, zero| {
            if layout.size() == 0 {
                return Ok(dangling(layout));
            }
            let ptr = if zero {
                // SAFETY: `layout` has a non-zero size.
                unsafe { alloc::alloc::alloc_zeroed(layout) }
            } else {
                // SAFETY: `layout` has a non-zero size.
                unsafe { alloc::alloc::alloc(layout) }
            };
            NonNull::new(ptr)
                .map(|p| NonNull::slice_from_raw_parts(p, layout.size()))
                .ok_or(AllocError)
        },
        attrs: #[inline],
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            // SAFETY: a non-zero-sized block of this allocator came from `std::alloc::alloc`
            // (or `realloc`) with this layout (caller's contract).
            unsafe { alloc::alloc::dealloc(ptr.as_ptr(), layout) }
        }
    }

    crate::forward::forward_allocator! {
        resize: |self, ptr, old, new, zero| {
            // SAFETY: the caller upholds the contract of `grow`, `grow_zeroed` or `shrink`
            // (whichever this is), which `realloc_block` requires.
            unsafe { realloc_block(ptr, old, new, zero) }
        },
        attrs: #[inline],
    }
}

/// Resizes a `Global` block in place when `realloc` can, otherwise by allocate + copy + free.
///
/// # Safety
///
/// 1. `ptr` is a live block of `Global` that `old` fits, and
/// 2. for growing, `new.size() >= old.size()`; for shrinking, `new.size() <= old.size()`.
#[expect(
    clippy::disallowed_methods,
    reason = "makai-alloc is the one crate that calls the raw allocation functions"
)]
unsafe fn realloc_block(
    ptr: NonNull<u8>,
    old: Layout,
    new: Layout,
    zero_tail: bool,
) -> Result<NonNull<[u8]>, AllocError> {
    if old.align() == new.align() && old.size() != 0 && new.size() != 0 {
        // SAFETY: `ptr` came from the global allocator with `old` (precondition 1), the
        // alignment is unchanged and `new.size()` is non-zero and a valid layout size.
        let p = unsafe { alloc::alloc::realloc(ptr.as_ptr(), old, new.size()) };
        let p = NonNull::new(p).ok_or(AllocError)?;
        if zero_tail && new.size() > old.size() {
            // SAFETY: `old.size() < new.size()`, so the offset is inside the new block.
            let tail = unsafe { p.as_ptr().add(old.size()) };
            // SAFETY: the bytes from `tail` to the end of the `new.size()`-byte block are ours.
            unsafe { tail.write_bytes(0, new.size() - old.size()) };
        }
        return Ok(NonNull::slice_from_raw_parts(p, new.size()));
    }
    let block = if zero_tail {
        Global.allocate_zeroed(new)?
    } else {
        Global.allocate(new)?
    };
    let keep = old.size().min(new.size());
    // SAFETY: both blocks hold at least `keep` bytes and are distinct (the old one is live).
    unsafe { core::ptr::copy_nonoverlapping(ptr.as_ptr(), block.cast::<u8>().as_ptr(), keep) };
    // SAFETY: precondition 1: `ptr` is a live `Global` block fitting `old`.
    unsafe { Global.deallocate(ptr, old) };
    Ok(block)
}
