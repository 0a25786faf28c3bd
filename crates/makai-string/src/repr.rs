//! The 16-byte representation shared by [`SmolStr`](crate::SmolStr) and [`Str`](crate::Str),
//! and the heap buffers behind it.
//!
//! Byte layout (`P` is the pointer size, 8 or 4; byte 15 is always the [`LastByte`]):
//!
//! | form | bytes `0..P` | bytes `P..15` | byte 15 |
//! |---|---|---|---|
//! | inline, 16 bytes | data | data | data (`< 0xC0`: the last byte of UTF-8 is never a lead byte) |
//! | inline, 0..=15 bytes | data, zero padded | data, zero padded | `0xC0 + len` |
//! | static | `*const u8` to the bytes | length | `0xD0` |
//! | heap | `*const u8` to the bytes; a [`Header`] sits just before them | length | `0xD1` |
//! | adopted | `*const u8` to the `data` field of an [`ExtPrefix`] | length | `0xD2` |
//!
//! The length of a pointer form is encoded so that, on 64-bit targets, it shares the second
//! machine word with byte 15 on either endianness (56 bits of length); on 32-bit targets it is
//! the second word, and bytes 8..15 are zero. No tag ever lives in pointer bits.
//!
//! Both counted forms (heap, adopted) keep their reference count `HEADER` bytes before the word
//! in bytes `0..P`, so cloning needs no branch on the form.

use std::alloc::Layout;
use std::mem::{MaybeUninit, offset_of};
use std::ptr::{self, NonNull};

use makai_alloc::{Allocator, Global};
use makai_error::AllocError;

use crate::last_byte::{LAST_BYTE_MAX, LastByte};
use crate::sync::{AtomicU32, Ordering, fence};

#[cfg(not(any(target_pointer_width = "32", target_pointer_width = "64")))]
compile_error!("makai-string supports 32- and 64-bit targets");

/// How many bytes an inline string holds.
pub(crate) const INLINE_CAP: usize = 16;
const PTR_SIZE: usize = size_of::<*const u8>();
/// The bytes between the pointer word and byte 15.
const MID: usize = 15 - PTR_SIZE;
/// Byte 15 of an inline string shorter than 16 bytes is `SHORT_TAG + len`.
pub(crate) const SHORT_TAG: u8 = 0xC0;
/// Byte 15 of a `&'static str` borrowed by [`Str::from_static`](crate::Str::from_static).
pub(crate) const STATIC_TAG: u8 = 0xD0;
/// Byte 15 of a heap buffer with its [`Header`] in front.
pub(crate) const HEAP_TAG: u8 = 0xD1;
/// Byte 15 of an adopted buffer whose header ([`ExtPrefix`]) is a separate allocation.
pub(crate) const EXT_TAG: u8 = 0xD2;

/// The longest string a pointer form can describe.
#[cfg(target_pointer_width = "64")]
pub(crate) const MAX_LEN: usize = (1 << 56) - 1;
/// The longest string a pointer form can describe.
#[cfg(target_pointer_width = "32")]
pub(crate) const MAX_LEN: usize = isize::MAX as usize;

/// Sixteen bytes: an inline string or a pointer form (see the module docs).
///
/// Invariants: every byte is initialised; an inline string's bytes past its length are zero
/// (so two inline strings are equal exactly when their representations are); the `ptr` word
/// holds a pointer (with provenance) exactly when the tag is a pointer tag.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Repr {
    /// A pointer in the pointer forms, data bytes in the inline form. `MaybeUninit` so that
    /// copies are byte copies and data bytes are never read as a pointer.
    ptr: MaybeUninit<*const u8>,
    mid: [u8; MID],
    last: LastByte,
}

const _: () = assert!(size_of::<Repr>() == 16);
const _: () = assert!(size_of::<Option<Repr>>() == 16);
const _: () = assert!(align_of::<Repr>() == align_of::<usize>());
const _: () = assert!(LAST_BYTE_MAX == EXT_TAG);
const _: () = assert!(SHORT_TAG as usize + INLINE_CAP - 1 < STATIC_TAG as usize);

impl Repr {
    /// The empty inline string.
    pub(crate) const EMPTY: Repr = {
        let mut bytes = [0u8; 16];
        bytes[15] = SHORT_TAG;
        // SAFETY: byte 15 is `SHORT_TAG`, a `LastByte`.
        unsafe { Repr::from_bytes(bytes) }
    };

    /// Reinterprets sixteen bytes as an inline representation.
    ///
    /// # Safety
    ///
    /// `bytes[15] <= LAST_BYTE_MAX`, and the bytes form a valid inline string (zero padding,
    /// UTF-8 data).
    #[inline]
    const unsafe fn from_bytes(bytes: [u8; 16]) -> Repr {
        // SAFETY: `Repr` is 16 bytes with no padding; the pointer word is `MaybeUninit`, the
        // middle bytes are plain `u8`s and byte 15 is a valid `LastByte` (caller's contract).
        unsafe { std::mem::transmute::<[u8; 16], Repr>(bytes) }
    }

    /// An inline string holding `s`, which must be at most [`INLINE_CAP`] bytes.
    #[inline]
    pub(crate) fn inline(s: &str) -> Repr {
        let len = s.len();
        assert!(len <= INLINE_CAP, "inline string longer than 16 bytes");
        let src = s.as_bytes();
        let mut bytes = [0u8; 16];
        // Two overlapping fixed-size copies instead of a variable-length `memcpy` call: each
        // is one load and one store, and bytes past `len` stay zero.
        if len >= 8 {
            bytes[..8].copy_from_slice(&src[..8]);
            bytes[len - 8..len].copy_from_slice(&src[len - 8..]);
        } else if len >= 4 {
            bytes[..4].copy_from_slice(&src[..4]);
            bytes[len - 4..len].copy_from_slice(&src[len - 4..]);
        } else if len > 0 {
            bytes[0] = src[0];
            bytes[len / 2] = src[len / 2];
            bytes[len - 1] = src[len - 1];
        }
        if len < INLINE_CAP {
            bytes[15] = SHORT_TAG + len as u8;
        }
        // SAFETY: byte 15 is a length tag, or (for 16 bytes) the last byte of valid UTF-8,
        // which is below 0xC0; the padding is zero.
        unsafe { Repr::from_bytes(bytes) }
    }

    /// A pointer form. `len <= MAX_LEN` and `tag` is one of the pointer tags.
    #[inline]
    pub(crate) const fn pointer(ptr: *const u8, len: usize, tag: u8) -> Repr {
        assert!(len <= MAX_LEN, "string too long for a makai-string");
        assert!(tag >= STATIC_TAG && tag <= LAST_BYTE_MAX);
        let mut mid = [0u8; MID];
        #[cfg(target_pointer_width = "64")]
        let len_bytes = if cfg!(target_endian = "little") {
            (len | (tag as usize) << 56).to_ne_bytes()
        } else {
            ((len << 8) | tag as usize).to_ne_bytes()
        };
        #[cfg(target_pointer_width = "32")]
        let len_bytes = len.to_ne_bytes();
        let mut i = 0;
        while i < len_bytes.len() && i < MID {
            mid[i] = len_bytes[i];
            i += 1;
        }
        // SAFETY: `tag <= LAST_BYTE_MAX` was asserted, so it is a `LastByte`.
        let last = unsafe { std::mem::transmute::<u8, LastByte>(tag) };
        Repr {
            ptr: MaybeUninit::new(ptr),
            mid,
            last,
        }
    }

    /// Byte 15 as a number.
    #[inline(always)]
    pub(crate) const fn tag(&self) -> u8 {
        self.last as u8
    }

    /// Whether the string is stored in these 16 bytes.
    #[inline(always)]
    pub(crate) const fn is_inline(&self) -> bool {
        self.tag() < STATIC_TAG
    }

    /// Whether the string is a reference-counted buffer (heap or adopted).
    #[inline(always)]
    pub(crate) const fn is_counted(&self) -> bool {
        self.tag() >= HEAP_TAG
    }

    /// The length of a pointer form.
    #[inline(always)]
    const fn pointer_len(&self) -> usize {
        let m = self.mid;
        #[cfg(target_pointer_width = "64")]
        {
            let word = usize::from_ne_bytes([m[0], m[1], m[2], m[3], m[4], m[5], m[6], self.tag()]);
            if cfg!(target_endian = "little") {
                word & MAX_LEN
            } else {
                word >> 8
            }
        }
        #[cfg(target_pointer_width = "32")]
        {
            usize::from_ne_bytes([m[0], m[1], m[2], m[3]])
        }
    }

    /// The length in bytes.
    #[inline(always)]
    pub(crate) const fn len(&self) -> usize {
        let tag = self.tag();
        if tag >= STATIC_TAG {
            self.pointer_len()
        } else {
            let short = tag.wrapping_sub(SHORT_TAG) as usize;
            if short < INLINE_CAP {
                short
            } else {
                INLINE_CAP
            }
        }
    }

    /// The pointer word (meaningful in the pointer forms only; an inline string's first bytes
    /// come out as a pointer without provenance, which is never dereferenced).
    #[inline(always)]
    pub(crate) const fn word(&self) -> *const u8 {
        // SAFETY: all 16 bytes are always initialised (type invariant), and any initialised
        // bytes are a valid raw pointer value.
        unsafe { self.ptr.assume_init() }
    }

    /// The pointer word of a pointer form as `NonNull`.
    ///
    /// # Safety
    ///
    /// `self` is a pointer form (its word is a non-null pointer).
    #[inline(always)]
    pub(crate) const unsafe fn word_non_null(&self) -> NonNull<u8> {
        // SAFETY: pointer forms store a non-null pointer (caller's contract).
        unsafe { NonNull::new_unchecked(self.word().cast_mut()) }
    }

    /// Where the bytes start (for an inline string: `self`).
    #[inline(always)]
    pub(crate) fn data_ptr(&self) -> *const u8 {
        let tag = self.tag();
        if tag < STATIC_TAG {
            ptr::from_ref(self).cast::<u8>()
        } else {
            let word = self.word();
            if tag == EXT_TAG {
                // SAFETY: an adopted form's word points at the `data` field of a live
                // `ExtPrefix`, which is never written after construction.
                unsafe { word.cast::<NonNull<u8>>().read() }.as_ptr()
            } else {
                word
            }
        }
    }

    /// The bytes. They are valid UTF-8 (every constructor takes `&str` or checks).
    #[inline(always)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        // SAFETY: `data_ptr` points at `len` initialised bytes that live as long as `self`:
        // inside `self` for inline strings, in a `'static` string, or in a buffer this
        // representation holds a reference to.
        unsafe { std::slice::from_raw_parts(self.data_ptr(), self.len()) }
    }

    /// The sixteen bytes (used for inline strings, where they are the whole value).
    #[inline(always)]
    pub(crate) const fn inline_bytes(&self) -> [u8; 16] {
        // SAFETY: every byte is initialised and `Repr` has no padding; a pointer word turns
        // into plain bytes (provenance is dropped, which is allowed), and for an inline string
        // there is no pointer at all.
        unsafe { std::mem::transmute::<Repr, [u8; 16]>(*self) }
    }

    /// A pointer to byte 0 of `self`, for writing an inline string in place.
    #[inline(always)]
    pub(crate) fn inline_base_mut(&mut self) -> *mut u8 {
        ptr::from_mut(self).cast::<u8>()
    }

    /// Sets the length of an inline string whose bytes `0..len` are already written and
    /// whose bytes from `len` to 14 are zero.
    ///
    /// # Safety
    ///
    /// `self` is inline, `len <= INLINE_CAP`, and for `len == INLINE_CAP` byte 15 already
    /// holds the last byte of valid UTF-8.
    #[inline(always)]
    pub(crate) unsafe fn set_inline_len(&mut self, len: usize) {
        if len < INLINE_CAP {
            // SAFETY: `SHORT_TAG + len <= 0xCF` is a `LastByte`.
            self.last = unsafe { std::mem::transmute::<u8, LastByte>(SHORT_TAG + len as u8) };
        }
    }

    /// Adds a reference to a counted buffer.
    ///
    /// # Safety
    ///
    /// `self.is_counted()` and `self` holds a live reference.
    #[inline]
    pub(crate) unsafe fn retain(&self) {
        // SAFETY: counted forms are pointer forms (caller's contract).
        let word = unsafe { self.word_non_null() };
        // SAFETY: counted forms hold a live buffer (caller's contract).
        let header = unsafe { header_of(word) };
        // SAFETY: the header outlives this call: `self` holds a reference to it.
        let count = unsafe { &(*header.as_ptr()).count };
        // Relaxed: a new reference is made from one this thread already holds, which keeps
        // the buffer alive; no memory is published by the increment. The decrements in
        // `release` (Release, then an Acquire fence) order every use before the free.
        let old = count.fetch_add(1, Ordering::Relaxed);
        if old > i32::MAX as u32 {
            // Leaked clones (mem::forget in a loop) would otherwise wrap the count and cause
            // a use after free; aborting is what `Arc` does.
            std::process::abort();
        }
    }

    /// Gives up one reference to a counted buffer, freeing it when it was the last.
    ///
    /// # Safety
    ///
    /// `self.is_counted()`, `self` holds a live reference, and neither `self` nor any copy
    /// of it is used afterwards.
    #[inline]
    pub(crate) unsafe fn release(&self) {
        // SAFETY: counted forms are pointer forms (caller's contract).
        let word = unsafe { self.word_non_null() };
        // SAFETY: the reference `self` gives up is still live (caller's contract).
        let header = unsafe { header_of(word) };
        // SAFETY: as above, the header is live until the count reaches zero.
        let count = unsafe { &(*header.as_ptr()).count };
        // Release: every read of the bytes through this reference happens before the
        // decrement; pairs with the Acquire fence below in the thread that frees.
        if count.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        // Acquire: pairs with the Release decrements of every other owner, so their reads
        // happen before the buffer is freed.
        fence(Ordering::Acquire);
        if self.tag() == EXT_TAG {
            // SAFETY: this was the last reference: the buffer and its `ExtPrefix` are ours.
            unsafe { free_ext(header.cast::<ExtPrefix>()) }
        } else {
            // SAFETY: this was the last reference to a heap buffer with its header in front;
            // the word is its data pointer, which is non-null.
            unsafe { free_heap(word) }
        }
    }
}

/// The front of every counted buffer.
#[repr(C)]
pub(crate) struct Header {
    /// Owners of the buffer. `SmolStr` buffers always have exactly one.
    count: AtomicU32,
    /// Bytes available after the header (heap form) or in the adopted block.
    cap: usize,
}

/// Bytes from a heap buffer's header to its data.
pub(crate) const HEADER: usize = size_of::<Header>();

/// The header of a counted buffer whose pointer word is `word`.
///
/// # Safety
///
/// `word` is the pointer word of a live counted form.
#[inline(always)]
unsafe fn header_of(word: NonNull<u8>) -> NonNull<Header> {
    // SAFETY: both counted forms place their `Header` exactly `HEADER` bytes before the word,
    // inside the same allocation.
    unsafe { word.sub(HEADER) }.cast::<Header>()
}

/// The layout of a heap buffer with `cap` data bytes.
fn heap_layout(cap: usize) -> Result<Layout, AllocError> {
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
pub(crate) fn alloc_heap(cap: usize) -> Result<NonNull<u8>, AllocError> {
    let layout = heap_layout(cap)?;
    let block = Global.allocate(layout)?.cast::<u8>();
    // SAFETY: the block is fresh, aligned for `Header` and at least `HEADER` bytes long.
    unsafe {
        block.cast::<Header>().as_ptr().write(Header {
            count: AtomicU32::new(1),
            cap,
        })
    };
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
pub(crate) unsafe fn heap_cap(data: NonNull<u8>) -> usize {
    // SAFETY: the header of a live heap buffer is `HEADER` bytes before its data.
    let header = unsafe { header_of(data) };
    // SAFETY: `cap` is only written by `grow_heap`, which requires exclusive ownership.
    unsafe { (*header.as_ptr()).cap }
}

/// Frees a heap buffer.
///
/// # Safety
///
/// `data` is the data pointer of a live heap buffer that no one else uses any more.
pub(crate) unsafe fn free_heap(data: NonNull<u8>) {
    // SAFETY: caller's contract: a live heap buffer.
    let header = unsafe { header_of(data) };
    // SAFETY: as above.
    let cap = unsafe { (*header.as_ptr()).cap };
    let layout = heap_layout(cap).expect("the layout was valid when the buffer was allocated");
    // SAFETY: the header was written by `alloc_heap` and is dropped exactly once, here.
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
/// `new_cap >= heap_cap(data)`.
///
/// # Errors
///
/// [`AllocError`] when `new_cap` is over `MAX_LEN` or the allocator fails.
pub(crate) unsafe fn grow_heap(
    data: NonNull<u8>,
    new_cap: usize,
) -> Result<NonNull<u8>, AllocError> {
    // SAFETY: caller's contract: a live heap buffer.
    let header = unsafe { header_of(data) };
    // SAFETY: as above.
    let old_cap = unsafe { (*header.as_ptr()).cap };
    let old = heap_layout(old_cap).expect("the layout was valid when the buffer was allocated");
    let new = heap_layout(new_cap)?;
    // SAFETY: the block came from `Global` with `old`, and `new` is not smaller.
    let block = unsafe { Global.grow(header.cast::<u8>(), old, new) }?.cast::<u8>();
    // SAFETY: the header moved with the contents; only the caller owns the buffer, so no one
    // reads `cap` concurrently.
    unsafe { (*block.cast::<Header>().as_ptr()).cap = new_cap };
    // SAFETY: `HEADER <= new.size()`.
    Ok(unsafe { block.add(HEADER) })
}

/// The header of an adopted buffer (a block of another owner, such as a `String` or a
/// `Filler`): the common [`Header`], then where the bytes are and how to free them.
#[repr(C)]
pub(crate) struct ExtPrefix {
    head: Header,
    /// The adopted block (`head.cap` bytes, alignment 1).
    data: NonNull<u8>,
    /// Frees the block and this header: `free_ext_in::<A>` for the allocator it came from.
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
/// initialised UTF-8; on success its ownership moves into the returned representation.
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
                head: Header {
                    count: AtomicU32::new(1),
                    cap,
                },
                data,
                free: free_ext_in::<A>,
            },
            alloc,
        })
    };
    // SAFETY: the `data` field is inside the header block, `HEADER` bytes from its start.
    let word = unsafe { block.cast::<u8>().add(HEADER) };
    Ok(Repr::pointer(word.as_ptr(), len, EXT_TAG))
}

/// Frees an adopted buffer through the function recorded in its header.
///
/// # Safety
///
/// `prefix` is a live adopted header that no one else uses any more.
unsafe fn free_ext(prefix: NonNull<ExtPrefix>) {
    // SAFETY: caller's contract: the header is live.
    let free = unsafe { (*prefix.as_ptr()).free };
    // SAFETY: `free` is the `free_ext_in` instance for this header's allocator type.
    unsafe { free(prefix) }
}

/// Frees an adopted block and its header.
///
/// # Safety
///
/// `prefix` heads a live `ExtHeader<A>` that no one else uses any more.
unsafe fn free_ext_in<A: Allocator>(prefix: NonNull<ExtPrefix>) {
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
    // SAFETY: as above; nothing refers to the block any more.
    unsafe { alloc.deallocate(data, layout) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_lengths_round_trip_with_their_tag() {
        for tag in [STATIC_TAG, HEAP_TAG, EXT_TAG] {
            for len in [0, 1, 16, 17, 255, 256, 65_536, u32::MAX as usize, MAX_LEN] {
                let r = Repr::pointer(ptr::null(), len, tag);
                assert_eq!((r.len(), r.tag()), (len, tag), "len {len} tag {tag:#x}");
                assert!(!r.is_inline());
            }
        }
    }

    #[test]
    fn inline_lengths_and_canonical_padding() {
        let text = "0123456789abcdef";
        for n in 0..=INLINE_CAP {
            let r = Repr::inline(&text[..n]);
            assert!(r.is_inline());
            assert_eq!(r.len(), n);
            assert_eq!(r.as_bytes(), &text.as_bytes()[..n]);
            let raw = r.inline_bytes();
            if n < INLINE_CAP {
                assert!(raw[n..15].iter().all(|&b| b == 0), "padding of {n}");
                assert_eq!(raw[15], SHORT_TAG + n as u8);
            }
        }
    }

    #[test]
    #[should_panic(expected = "string too long")]
    fn pointer_rejects_lengths_past_the_maximum() {
        let _ = Repr::pointer(ptr::null(), MAX_LEN + 1, STATIC_TAG);
    }
}
