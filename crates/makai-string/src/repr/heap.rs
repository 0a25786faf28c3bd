//! Heap buffers: one allocation, a [`Header`] (count and capacity) just before the bytes.
//!
//! Building a heap string from `&str` is one allocation of `HEADER + len` bytes, two header
//! stores and the copy; `String::from` is the allocation and the copy. The header is kept
//! at 16 bytes (a 4-byte count, padding, an 8-byte capacity) so the data stays 16-aligned
//! for `memcpy` and `SmolStr` can grow in place.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use makai_alloc::{Allocator, Global};
use makai_error::AllocError;

use super::count::{HEADER, Header, header_of};
use super::{HEAP_TAG, MAX_LEN, Repr};

/// The layout of a heap buffer with `cap` data bytes.
fn layout(cap: usize) -> Result<Layout, AllocError> {
    if cap > MAX_LEN {
        return Err(AllocError);
    }
    let size = HEADER.checked_add(cap).ok_or(AllocError)?;
    Layout::from_size_align(size, align_of::<Header>()).map_err(|_| AllocError)
}

/// Allocates a heap buffer with room for `cap` bytes and a count of 1; returns the data
/// pointer (the header sits `HEADER` bytes before it).
///
/// # Errors
///
/// [`AllocError`] when `cap` is over `MAX_LEN` or the allocator fails.
#[inline]
pub(crate) fn alloc(cap: usize) -> Result<NonNull<u8>, AllocError> {
    let layout = layout(cap)?;
    let block = Global.allocate(layout)?.cast::<u8>();
    // SAFETY: the block is fresh, aligned for `Header` and at least `HEADER` bytes long.
    unsafe { block.cast::<Header>().as_ptr().write(Header::new(cap)) };
    // SAFETY: `HEADER <= layout.size()`, so the offset stays inside the block (or one past
    // its end when `cap == 0`).
    Ok(unsafe { block.add(HEADER) })
}

/// The capacity of a heap buffer.
///
/// # Safety
///
/// `data` is the data pointer of a live heap buffer.
#[inline]
pub(super) unsafe fn cap(data: NonNull<u8>) -> usize {
    // SAFETY: the header of a live heap buffer is `HEADER` bytes before its data.
    let header = unsafe { header_of(data) };
    // SAFETY: `cap` is only written by `grow`, which requires exclusive ownership.
    unsafe { (*header.as_ptr()).cap }
}

/// Frees a heap buffer.
///
/// # Safety
///
/// `data` is the data pointer of a live heap buffer that no one else uses any more.
pub(super) unsafe fn free(data: NonNull<u8>) {
    // SAFETY: caller's contract: a live heap buffer.
    let header = unsafe { header_of(data) };
    // SAFETY: as above.
    let cap = unsafe { (*header.as_ptr()).cap };
    let layout = layout(cap).expect("the layout was valid when the buffer was allocated");
    // SAFETY: the header was written by `alloc` and is dropped exactly once, here.
    unsafe { ptr::drop_in_place(header.as_ptr()) };
    // SAFETY: the block came from `Global` with exactly this layout.
    unsafe { Global.deallocate(header.cast::<u8>(), layout) };
}

/// Grows a heap buffer to `new_cap` bytes, keeping its contents; returns the new data
/// pointer. On failure the buffer is untouched.
///
/// # Safety
///
/// `data` is the data pointer of a live heap buffer owned only by the caller, and
/// `new_cap >= cap(data)`.
///
/// # Errors
///
/// [`AllocError`] when `new_cap` is over `MAX_LEN` or the allocator fails.
pub(super) unsafe fn grow(data: NonNull<u8>, new_cap: usize) -> Result<NonNull<u8>, AllocError> {
    // SAFETY: caller's contract: a live heap buffer.
    let header = unsafe { header_of(data) };
    // SAFETY: as above.
    let old_cap = unsafe { (*header.as_ptr()).cap };
    let old = layout(old_cap).expect("the layout was valid when the buffer was allocated");
    let new = layout(new_cap)?;
    // SAFETY: the block came from `Global` with `old`, and `new` is not smaller.
    let block = unsafe { Global.grow(header.cast::<u8>(), old, new) }?.cast::<u8>();
    // SAFETY: the header moved with the contents; only the caller owns the buffer, so no one
    // reads `cap` concurrently.
    unsafe { (*block.cast::<Header>().as_ptr()).cap = new_cap };
    // SAFETY: `HEADER <= new.size()`.
    Ok(unsafe { block.add(HEADER) })
}

/// A heap buffer holding a copy of `s`, with a count of 1; returns its data pointer. Out
/// of line: the callers' inline paths stay small.
///
/// # Errors
///
/// [`AllocError`] when the buffer cannot be allocated.
#[inline(never)]
fn copy_to_heap(s: &str) -> Result<NonNull<u8>, AllocError> {
    let data = alloc(s.len())?;
    // SAFETY: the buffer has room for `s.len()` bytes and is distinct from `s`.
    unsafe { ptr::copy_nonoverlapping(s.as_ptr(), data.as_ptr(), s.len()) };
    Ok(data)
}

impl Repr {
    /// The heap form for a buffer made by `alloc`.
    ///
    /// # Safety
    ///
    /// `data` is the data pointer of a live heap buffer whose first `len` bytes are
    /// initialised UTF-8; the caller hands over one of its references.
    #[inline(always)]
    pub(super) unsafe fn heap(data: NonNull<u8>, len: usize) -> Repr {
        // SAFETY: caller's contract.
        unsafe { Repr::pointer(data.as_ptr(), len, HEAP_TAG) }
    }

    /// A heap form of length 0 naming the buffer whose data pointer is `word`: a handle for
    /// another type that keeps the same heap buffers (`EncStr`, whose bytes need not be UTF-8)
    /// to reach the buffer's count through [`retain`](Repr::retain) and
    /// [`release`](Repr::release). With length 0 it names no bytes.
    ///
    /// # Safety
    ///
    /// `word` is the data pointer of a live heap buffer made by [`alloc`]; the caller owns the
    /// reference that `release` gives up (or that `retain` clones).
    #[inline(always)]
    pub(crate) unsafe fn heap_handle(word: *const u8) -> Repr {
        // SAFETY: caller's contract; zero bytes are UTF-8.
        unsafe { Repr::pointer(word, 0, HEAP_TAG) }
    }

    /// A heap copy of `s` (any length) with a count of 1.
    ///
    /// The allocation and the copy are out of line ([`copy_to_heap`]) and return only the
    /// data pointer, one register (`Result<NonNull<u8>, AllocError>` uses the null niche);
    /// the two words of the representation are put together here, in the caller's
    /// registers. Before, the whole function was out of line and returned a
    /// `Result<Repr, AllocError>`, which x86-64 passes through memory: the callee wrote 16
    /// bytes and the caller read them back.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot be allocated.
    #[inline(always)]
    pub(crate) fn try_heap_copy(s: &str) -> Result<Repr, AllocError> {
        let data = copy_to_heap(s)?;
        // SAFETY: a fresh heap buffer with `s.len()` bytes of UTF-8 and one reference.
        Ok(unsafe { Repr::heap(data, s.len()) })
    }
}
