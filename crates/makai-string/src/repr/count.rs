//! The header in front of every counted buffer, and its reference count.
//!
//! The atomic protocol (std's `Arc`, checked by loom in `tests/loom.rs`): increment with
//! `Relaxed` and abort past `i32::MAX` (makai-ptr's rule and message, shared code); release
//! with a `Release` decrement, and the owner that brings the count to zero issues an `Acquire`
//! fence before freeing. One shortcut: an owner that loads (`Acquire`) a count of 1 is the
//! only owner, and nobody can make a new reference without one, so it frees without the
//! read-modify-write; a string built, used and dropped by one owner never pays a locked
//! instruction.

use core::ptr::NonNull;

use super::{EXT_TAG, Repr, adopted, heap};
use crate::sync::{AtomicU32, Ordering, fence};

/// The front of every counted buffer.
#[repr(C)]
pub(crate) struct Header {
    /// Owners of the buffer. A `SmolStr`'s buffer always has exactly one.
    pub(super) count: AtomicU32,
    /// Bytes available after the header (heap form) or in the adopted block.
    pub(super) cap: usize,
}

/// Bytes from a counted buffer's header to its pointer word.
pub(crate) const HEADER: usize = size_of::<Header>();

impl Header {
    /// A header with one owner.
    #[inline(always)]
    pub(super) fn new(cap: usize) -> Header {
        Header {
            count: AtomicU32::new(1),
            cap,
        }
    }
}

/// The header of a counted buffer whose pointer word is `word`.
///
/// # Safety
///
/// `word` is the pointer word of a live counted form.
#[inline(always)]
pub(super) unsafe fn header_of(word: NonNull<u8>) -> NonNull<Header> {
    // SAFETY: both counted forms place their `Header` exactly `HEADER` bytes before the word,
    // inside the same allocation.
    unsafe { word.sub(HEADER) }.cast::<Header>()
}

impl Repr {
    /// The count of a counted form.
    ///
    /// # Safety
    ///
    /// `self.is_counted()` and `self` holds a live reference.
    #[inline(always)]
    unsafe fn count(&self) -> &AtomicU32 {
        // SAFETY: counted forms are pointer forms (caller's contract).
        let word = unsafe { self.word_non_null() };
        // SAFETY: a live counted form has its header in front of the word (caller's contract).
        let header = unsafe { header_of(word) };
        // SAFETY: the header outlives the borrow of `self`, which holds a reference to it.
        unsafe { &(*header.as_ptr()).count }
    }

    /// Adds a reference to a counted buffer.
    ///
    /// # Safety
    ///
    /// `self.is_counted()` and `self` holds a live reference.
    #[inline(always)]
    pub(crate) unsafe fn retain(&self) {
        // SAFETY: caller's contract.
        let count = unsafe { self.count() };
        // Relaxed: a new reference is made from one this thread already holds, which keeps
        // the buffer alive; no memory is published by the increment. The decrements in
        // `release` (Release, then an Acquire fence) order every use before the free.
        let old = count.fetch_add(1, Ordering::Relaxed);
        // Leaked clones (mem::forget in a loop) would otherwise wrap the count and cause a use
        // after free: abort, exactly as makai-ptr's `AtomicRefCount` does.
        makai_ptr::__overflow::check_incremented(old);
    }

    /// Gives up one reference to a counted buffer, freeing it when it was the last.
    ///
    /// # Safety
    ///
    /// `self.is_counted()`, `self` holds a live reference, and neither `self` nor any copy
    /// of it is used afterwards.
    #[inline(always)]
    pub(crate) unsafe fn release(&self) {
        // SAFETY: caller's contract.
        let count = unsafe { self.count() };
        // Acquire: seeing 1 means every other owner has already given up its reference with a
        // Release decrement; this load synchronises with those, so their reads of the bytes
        // happen before the free. No new owner can appear: making one needs a reference, and
        // this is the only one.
        if count.load(Ordering::Acquire) != 1 {
            // Release: every read of the bytes through this reference happens before the
            // decrement; pairs with the Acquire fence below in the thread that frees.
            if count.fetch_sub(1, Ordering::Release) != 1 {
                return;
            }
            // Acquire: pairs with the Release decrements of every other owner.
            fence(Ordering::Acquire);
        }
        // SAFETY: this was the last reference.
        unsafe { self.free_counted() }
    }

    /// Frees a counted buffer (out of line: the hot paths only decrement).
    ///
    /// # Safety
    ///
    /// `self.is_counted()` and `self` held the last reference, now given up.
    #[inline(never)]
    unsafe fn free_counted(&self) {
        // SAFETY: a counted form's word is non-null.
        let word = unsafe { self.word_non_null() };
        if self.tag() == EXT_TAG {
            // SAFETY: the last reference to an adopted buffer: it and its header are ours.
            unsafe { adopted::free(word) }
        } else {
            // SAFETY: the last reference to a heap buffer with its header in front.
            unsafe { heap::free(word) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHILD: &str = "MAKAI_STRING_COUNT_OVERFLOW_CHILD";

    /// A clone past `i32::MAX` references aborts the process with makai-ptr's message (the
    /// rule is shared code). The abort runs in a child process: this test re-runs itself.
    #[test]
    #[cfg_attr(miri, ignore = "spawns a child process")]
    fn retain_past_the_limit_aborts_like_makai_ptr() {
        if std::env::var_os(CHILD).is_some() {
            let r = Repr::try_heap_copy("a heap string, longer than sixteen bytes").unwrap();
            // SAFETY: a fresh heap form holding one reference.
            let count = unsafe { r.count() };
            count.store(makai_ptr::__overflow::MAX_REF_COUNT + 1, Ordering::Relaxed);
            // SAFETY: as above; the count is past the limit, so this aborts.
            unsafe { r.retain() };
            unreachable!("retain returned past the limit");
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "repr::count::tests::retain_past_the_limit_aborts_like_makai_ptr",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "the child survived: {stderr}");
        assert!(
            stderr.contains(makai_ptr::__overflow::OVERFLOW_MESSAGE),
            "stderr: {stderr}"
        );
        assert!(!stderr.contains("retain returned"), "stderr: {stderr}");
    }

    #[test]
    fn the_limit_is_makai_ptrs() {
        assert_eq!(makai_ptr::__overflow::MAX_REF_COUNT, i32::MAX as u32);
        // Up to the limit a retain is an ordinary increment.
        let r = Repr::try_heap_copy("a heap string, longer than sixteen bytes").unwrap();
        // SAFETY: a fresh heap form holding one reference.
        let count = unsafe { r.count() };
        count.store(makai_ptr::__overflow::MAX_REF_COUNT, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { r.retain() };
        assert_eq!(
            count.load(Ordering::Relaxed),
            makai_ptr::__overflow::MAX_REF_COUNT + 1
        );
        count.store(1, Ordering::Relaxed);
        // SAFETY: the one reference, given up; `r` is not used again.
        unsafe { r.release() };
    }
}
