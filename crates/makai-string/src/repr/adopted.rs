//! Adopted buffers: a block someone else allocated (a `String`, a `Box<str>`, a `Filler`'s
//! buffer), kept where it is, behind a small separate header that holds the count, the
//! block's size, and how to free it.

use core::alloc::Layout;
use core::mem::offset_of;
use core::ptr::{self, NonNull};

use makai_alloc::{Allocator, Global};

use super::count::{HEADER, Header};
use super::{EXT_TAG, Repr};

/// The header of an adopted buffer: the common [`Header`], then where the bytes are and how
/// to free them.
#[repr(C)]
struct ExtPrefix {
    head: Header,
    /// The adopted block (`head.cap` bytes, alignment 1).
    data: NonNull<u8>,
    /// Frees the block and this header: `free_in::<A>` for the allocator it came from.
    free: unsafe fn(NonNull<ExtPrefix>),
}

/// An [`ExtPrefix`] followed by the allocator that owns the adopted block.
#[repr(C)]
struct ExtHeader<A> {
    prefix: ExtPrefix,
    alloc: A,
}

const _: () = assert!(offset_of!(ExtPrefix, data) == HEADER);

/// Wraps a block of `cap` bytes (allocated by `alloc` with alignment 1), holding `len` bytes
/// of UTF-8, as a counted representation, by allocating a small header for it. The bytes stay
/// where they are.
///
/// # Safety
///
/// `data` is a live block of `alloc` with layout `(cap, 1)` whose first `len` bytes are
/// initialised UTF-8, and `data` may access the whole block (it was derived from the
/// allocation, not from a shorter borrow); on success its ownership moves into the returned
/// representation, which holds one reference.
///
/// # Errors
///
/// Gives `alloc` back when the header cannot be allocated (the block is untouched).
pub(crate) unsafe fn adopt<A: Allocator + Send + 'static>(
    data: NonNull<u8>,
    len: usize,
    cap: usize,
    alloc: A,
) -> Result<Repr, A> {
    let Ok(block) = Global.allocate(Layout::new::<ExtHeader<A>>()) else {
        return Err(alloc);
    };
    let header = block.cast::<ExtHeader<A>>();
    // SAFETY: the block is fresh and fits an `ExtHeader<A>`.
    unsafe {
        header.as_ptr().write(ExtHeader {
            prefix: ExtPrefix {
                head: Header::new(cap),
                data,
                free: free_in::<A>,
            },
            alloc,
        })
    };
    // SAFETY: the `data` field is inside the header block, `HEADER` bytes from its start.
    let word = unsafe { block.cast::<u8>().add(HEADER) };
    // SAFETY: the word of a fresh adopted header holding one reference, `len` bytes of UTF-8.
    Ok(unsafe { Repr::pointer(word.as_ptr(), len, EXT_TAG) })
}

/// The data pointer of an adopted form whose pointer word is `word`.
///
/// # Safety
///
/// `word` is the pointer word of a live adopted form.
#[inline(always)]
pub(super) unsafe fn data_of(word: NonNull<u8>) -> *const u8 {
    // SAFETY: the word points at the `data` field of a live `ExtPrefix`, never written after
    // construction.
    unsafe { word.cast::<NonNull<u8>>().read() }.as_ptr()
}

/// Frees an adopted buffer through the function recorded in its header.
///
/// # Safety
///
/// `word` is the pointer word of a live adopted form that no one else uses any more.
pub(super) unsafe fn free(word: NonNull<u8>) {
    // SAFETY: the header starts `HEADER` bytes before the word (caller's contract).
    let prefix = unsafe { word.sub(HEADER) }.cast::<ExtPrefix>();
    // SAFETY: caller's contract: the header is live.
    let free = unsafe { (*prefix.as_ptr()).free };
    // SAFETY: `free` is the `free_in` instance for this header's allocator type.
    unsafe { free(prefix) }
}

/// Frees an adopted block and its header.
///
/// # Safety
///
/// `prefix` heads a live `ExtHeader<A>` that no one else uses any more.
unsafe fn free_in<A: Allocator>(prefix: NonNull<ExtPrefix>) {
    let header = prefix.cast::<ExtHeader<A>>().as_ptr();
    // SAFETY: the header is live (caller's contract) and these fields are never written
    // after construction.
    let data = unsafe { (*header).prefix.data };
    // SAFETY: as above.
    let cap = unsafe { (*header).prefix.head.cap };
    // SAFETY: the allocator is moved out exactly once; the header is freed below without
    // dropping its fields again.
    let alloc_field = unsafe { &raw const (*header).alloc };
    // SAFETY: as above: a live, initialised field, read once.
    let alloc = unsafe { ptr::read(alloc_field) };
    // SAFETY: the count was written at construction and is dropped exactly once, here.
    let head = unsafe { &raw mut (*header).prefix.head };
    // SAFETY: as above: a live, initialised field, dropped once.
    unsafe { ptr::drop_in_place(head) };
    // SAFETY: the header block came from `Global` with exactly this layout.
    unsafe { Global.deallocate(prefix.cast::<u8>(), Layout::new::<ExtHeader<A>>()) };
    // SAFETY: the adopted block came from `alloc` with layout `(cap, 1)` (contract of
    // `adopt`); `cap` was a valid layout size then.
    let layout = unsafe { Layout::from_size_align_unchecked(cap, 1) };
    // SAFETY: as above; nothing refers to the block any more, and `data` may access all of
    // it (contract of `adopt`).
    unsafe { alloc.deallocate(data, layout) };
}
