//! The [`Allocator`] trait: std's unstable `core::alloc::Allocator`, on stable Rust.

use core::alloc::Layout;
use core::ptr::NonNull;

use makai_error::AllocError;

/// An allocator: the method set and contracts of the standard library's unstable
/// `core::alloc::Allocator`, usable on stable Rust and object safe (`&dyn Allocator` works).
///
/// # Safety
///
/// Implementors must uphold the contract of `core::alloc::Allocator`:
///
/// 1. A block returned by `allocate` (or `grow`/`shrink`) stays valid, and is not handed out
///    again, until it is passed to `deallocate`, `grow` or `shrink` on this allocator or until
///    the allocator itself (every copy and reference of it) is dropped.
/// 2. Returned blocks fit the layout: at least `layout.size()` bytes, aligned to
///    `layout.align()`. The returned slice's length is the block's real size, which callers may
///    use.
/// 3. Moving the allocator, or cloning it (if it is `Clone`), must not invalidate blocks: a
///    clone behaves like the same allocator.
/// 4. Failure is reported as `Err(AllocError)`, never as a null or dangling pointer, and never
///    by unwinding out of `allocate`.
///
/// ```
/// use makai_alloc::{Allocator, Global};
/// use std::alloc::Layout;
///
/// fn make_zeroed(a: &dyn Allocator, n: usize) -> std::ptr::NonNull<[u8]> {
///     a.allocate_zeroed(Layout::array::<u8>(n).unwrap()).unwrap()
/// }
/// let block = make_zeroed(&Global, 64);
/// // SAFETY: the block is 64 initialised (zeroed) bytes just allocated.
/// let bytes = unsafe { block.as_ref() };
/// assert!(bytes[..64].iter().all(|&b| b == 0));
/// // SAFETY: allocated by `Global` with this layout.
/// unsafe { Global.deallocate(block.cast(), Layout::array::<u8>(64).unwrap()) };
/// ```
pub unsafe trait Allocator {
    /// Allocates a block that fits `layout`.
    ///
    /// A zero-sized layout gives a dangling, well-aligned pointer that must still be passed to
    /// `deallocate` (which then does nothing).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the memory cannot be provided.
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError>;

    /// Like [`allocate`](Allocator::allocate), and the block's bytes are all zero.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the memory cannot be provided.
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let block = self.allocate(layout)?;
        // SAFETY: `block` is a fresh allocation of `block.len()` writable bytes.
        unsafe { block.cast::<u8>().as_ptr().write_bytes(0, block.len()) };
        Ok(block)
    }

    /// Frees the block at `ptr`.
    ///
    /// # Safety
    ///
    /// 1. `ptr` is a block currently allocated by this allocator, and
    /// 2. `layout` fits that block: the same alignment it was allocated with, and a size
    ///    between the requested size and the returned length.
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout);

    /// Grows the block at `ptr` to fit `new_layout`, keeping its contents; the old block is
    /// invalid after success and still valid after failure.
    ///
    /// # Safety
    ///
    /// 1. `ptr` is a block currently allocated by this allocator,
    /// 2. `old_layout` fits that block, and
    /// 3. `new_layout.size() >= old_layout.size()`.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the memory cannot be provided; the old block is untouched.
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        debug_assert!(
            new_layout.size() >= old_layout.size(),
            "grow: new size is smaller"
        );
        let new = self.allocate(new_layout)?;
        // SAFETY: both blocks are valid for `old_layout.size()` bytes (the new one is at least
        // that large by precondition 3) and distinct, since the old one is still allocated.
        unsafe {
            core::ptr::copy_nonoverlapping(
                ptr.as_ptr(),
                new.cast::<u8>().as_ptr(),
                old_layout.size(),
            )
        };
        // SAFETY: preconditions 1 and 2 of this method are those of `deallocate`.
        unsafe { self.deallocate(ptr, old_layout) };
        Ok(new)
    }

    /// Like [`grow`](Allocator::grow), and the new bytes past the old size are zero.
    ///
    /// # Safety
    ///
    /// The same as [`grow`](Allocator::grow).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the memory cannot be provided; the old block is untouched.
    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds `grow`'s preconditions, which are this method's.
        let new = unsafe { self.grow(ptr, old_layout, new_layout) }?;
        let tail = new.len() - old_layout.size();
        // SAFETY: the old size is within the new block (precondition 3), so the offset stays in
        // bounds of the same allocation.
        let tail_start = unsafe { new.cast::<u8>().as_ptr().add(old_layout.size()) };
        // SAFETY: the `tail` bytes from `tail_start` are the writable end of the new block.
        unsafe { tail_start.write_bytes(0, tail) };
        Ok(new)
    }

    /// Shrinks the block at `ptr` to fit `new_layout`, keeping the first `new_layout.size()`
    /// bytes.
    ///
    /// # Safety
    ///
    /// 1. `ptr` is a block currently allocated by this allocator,
    /// 2. `old_layout` fits that block, and
    /// 3. `new_layout.size() <= old_layout.size()`.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the memory cannot be provided; the old block is untouched.
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        debug_assert!(
            new_layout.size() <= old_layout.size(),
            "shrink: new size is larger"
        );
        let new = self.allocate(new_layout)?;
        // SAFETY: the new block holds `new_layout.size()` bytes, which the old block has too
        // (precondition 3); the blocks are distinct.
        unsafe {
            core::ptr::copy_nonoverlapping(
                ptr.as_ptr(),
                new.cast::<u8>().as_ptr(),
                new_layout.size(),
            )
        };
        // SAFETY: preconditions 1 and 2 of this method are those of `deallocate`.
        unsafe { self.deallocate(ptr, old_layout) };
        Ok(new)
    }

    /// Borrows this allocator; `&A` is itself an allocator.
    #[inline]
    fn by_ref(&self) -> &Self
    where
        Self: Sized,
    {
        self
    }
}

// SAFETY: every method forwards to `A` unchanged, so `&A` keeps `A`'s guarantees; copies of the
// reference are the same allocator (contract point 3).
unsafe impl<A: Allocator + ?Sized> Allocator for &A {
    crate::forward::forward_allocator! {
        forward: [allocate allocate_zeroed deallocate grow grow_zeroed shrink],
        attrs: #[inline],
        to: |self| &**self,
        via: Allocator,
        error: AllocError,
    }
}

/// A dangling pointer aligned for `layout`: the block of a zero-sized allocation.
#[inline]
pub(crate) fn dangling(layout: Layout) -> NonNull<[u8]> {
    let ptr = NonNull::<u8>::dangling()
        .with_addr(layout.align().try_into().expect("alignment is non-zero"));
    NonNull::slice_from_raw_parts(ptr, 0)
}
