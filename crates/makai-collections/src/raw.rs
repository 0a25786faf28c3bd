//! [`RawBuf`]: an allocator-owned array of `cap` possibly uninitialised `T`s.
//!
//! **Invariant:** `ptr` is valid for `cap` elements. When `Layout::array::<T>(cap)` has a
//! non-zero size the block came from `alloc` with exactly that layout; otherwise `ptr` is
//! dangling (aligned) and was never allocated, so it is never deallocated.

use core::alloc::Layout;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use makai_alloc::Allocator;
use makai_error::AllocError;

/// A heap array of `cap` `MaybeUninit<T>`s; dropping it frees the block, never the elements.
pub(crate) struct RawBuf<T, A: Allocator> {
    ptr: NonNull<MaybeUninit<T>>,
    cap: usize,
    alloc: A,
}

impl<T, A: Allocator> RawBuf<T, A> {
    /// An empty buffer that owns no memory.
    pub(crate) const fn new_in(alloc: A) -> Self {
        Self {
            ptr: NonNull::dangling(),
            cap: 0,
            alloc,
        }
    }

    /// Number of elements.
    #[inline]
    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// The elements as a slice.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[MaybeUninit<T>] {
        // SAFETY: `ptr` is valid and aligned for `cap` elements (type invariant), and
        // `MaybeUninit` accepts any contents.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.cap) }
    }

    /// The elements as a mutable slice.
    #[inline]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [MaybeUninit<T>] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.cap) }
    }

    /// Moves to a fresh block of `cap` elements (zeroed when `zeroed` is set):
    /// `move_items(old, new)` moves whatever the caller needs (it must not panic), then the old
    /// block is freed. On failure nothing changes.
    pub(crate) fn try_realloc_with(
        &mut self,
        cap: usize,
        zeroed: bool,
        move_items: impl FnOnce(&mut [MaybeUninit<T>], &mut [MaybeUninit<T>]),
    ) -> Result<(), AllocError> {
        let new_ptr = allocate::<T, A>(&self.alloc, cap, zeroed)?;
        // SAFETY: `new_ptr` is a fresh block (or dangling for a zero-sized array) valid for
        // `cap` elements, distinct from `self.ptr`'s block.
        let new = unsafe { core::slice::from_raw_parts_mut(new_ptr.as_ptr(), cap) };
        move_items(self.as_mut_slice(), new);
        let old_ptr = core::mem::replace(&mut self.ptr, new_ptr);
        let old_cap = core::mem::replace(&mut self.cap, cap);
        // SAFETY: the previous block of `self.alloc`, with its element count; no longer used.
        unsafe { free::<T, A>(&self.alloc, old_ptr, old_cap) };
        Ok(())
    }
}

/// Frees a block made by `allocate` (nothing for a zero-sized array).
///
/// # Safety
///
/// `ptr` came from `allocate::<T, A>(alloc, cap, _)` and is not used afterwards.
unsafe fn free<T, A: Allocator>(alloc: &A, ptr: NonNull<MaybeUninit<T>>, cap: usize) {
    let layout = Layout::array::<T>(cap).expect("the layout was valid when allocated");
    if layout.size() != 0 {
        // SAFETY: a non-zero-sized block came from `alloc` with this layout (caller).
        unsafe { alloc.deallocate(ptr.cast(), layout) };
    }
}

/// Allocates `cap` elements from `alloc` (dangling for a zero-sized array).
fn allocate<T, A: Allocator>(
    alloc: &A,
    cap: usize,
    zeroed: bool,
) -> Result<NonNull<MaybeUninit<T>>, AllocError> {
    let layout = Layout::array::<T>(cap).map_err(|_| AllocError)?;
    if layout.size() == 0 {
        return Ok(NonNull::dangling());
    }
    let block = if zeroed {
        alloc.allocate_zeroed(layout)?
    } else {
        alloc.allocate(layout)?
    };
    Ok(block.cast())
}

impl<T, A: Allocator> Drop for RawBuf<T, A> {
    fn drop(&mut self) {
        // SAFETY: `ptr` and `cap` describe this buffer's block (type invariant), dropped once.
        unsafe { free::<T, A>(&self.alloc, self.ptr, self.cap) };
    }
}

// SAFETY: `RawBuf` owns its elements like a `Box<[MaybeUninit<T>]>` and its allocator by value.
unsafe impl<T: Send, A: Allocator + Send> Send for RawBuf<T, A> {}
// SAFETY: shared access gives only `&[MaybeUninit<T>]` and `&A`.
unsafe impl<T: Sync, A: Allocator + Sync> Sync for RawBuf<T, A> {}
