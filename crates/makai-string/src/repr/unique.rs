//! [`Unique`]: a representation with exactly one owner (the one of `SmolStr`), and the
//! growth operations on it. Here, and only here, an inline string turns into a heap buffer
//! and a heap buffer is re-tagged with a new length.

use core::ops::Deref;
use core::ptr::{self, NonNull};

use makai_error::{AllocError, HandleOom};

use super::{INLINE_CAP, MAX_LEN, Repr, SHORT_TAG, heap};
use crate::last_byte::LastByte;

/// Inline, or a heap buffer with a count of 1 that only this value uses (never static or
/// adopted). Dropping it frees the buffer.
pub(crate) struct Unique(Repr);

impl Unique {
    /// The empty string.
    pub(crate) const EMPTY: Unique = Unique(Repr::EMPTY);

    /// An inline copy of `s`.
    ///
    /// # Panics
    ///
    /// If `s` is longer than 16 bytes (callers check first; the check then folds away).
    #[inline(always)]
    pub(crate) fn inline(s: &str) -> Unique {
        Unique(Repr::inline(s))
    }

    /// A heap copy of `s` (out of line).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot be allocated.
    #[inline]
    pub(crate) fn try_heap_copy(s: &str) -> Result<Unique, AllocError> {
        Repr::try_heap_copy(s).map(Unique)
    }

    /// An empty string with room for `capacity` bytes (inline up to 16).
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot be allocated or `capacity` is too large.
    pub(crate) fn try_with_capacity(capacity: usize) -> Result<Unique, AllocError> {
        if capacity <= INLINE_CAP {
            return Ok(Unique::EMPTY);
        }
        let data = heap::alloc(capacity)?;
        // SAFETY: a fresh heap buffer; zero bytes are initialised UTF-8.
        Ok(Unique(unsafe { Repr::heap(data, 0) }))
    }

    /// The representation (for `const` accessors; `Deref` gives the same).
    #[inline(always)]
    pub(crate) const fn as_repr(&self) -> &Repr {
        &self.0
    }

    /// Gives the representation, and its one reference, to a [`Str`](crate::Str).
    #[inline(always)]
    pub(crate) fn into_shared(self) -> Repr {
        let repr = self.0;
        core::mem::forget(self);
        repr
    }

    /// The heap buffer's data pointer.
    ///
    /// # Safety
    ///
    /// `self` is not inline.
    #[inline(always)]
    unsafe fn heap_data(&self) -> NonNull<u8> {
        // SAFETY: the only pointer form of a `Unique` is the heap form (caller's contract).
        unsafe { self.0.word_non_null() }
    }

    /// 16 inline, the buffer size on the heap.
    #[inline]
    pub(crate) fn capacity(&self) -> usize {
        if self.0.is_inline() {
            INLINE_CAP
        } else {
            // SAFETY: not inline.
            let data = unsafe { self.heap_data() };
            // SAFETY: a live heap buffer (type invariant).
            unsafe { heap::cap(data) }
        }
    }

    /// The bytes, mutably (callers keep them UTF-8).
    ///
    /// # Safety
    ///
    /// The caller keeps the bytes UTF-8 (so byte 15 of a 16-byte inline string stays below
    /// 0xC0).
    #[inline]
    pub(crate) unsafe fn as_bytes_mut(&mut self) -> &mut [u8] {
        let len = self.0.len();
        let data = if self.0.is_inline() {
            ptr::from_mut(&mut self.0).cast::<u8>()
        } else {
            // A heap `Unique` owns its buffer exclusively, so writing through it is allowed.
            self.0.word().cast_mut()
        };
        // SAFETY: `len` initialised bytes at `data`, borrowed mutably through `self`.
        unsafe { core::slice::from_raw_parts_mut(data, len) }
    }

    /// Appends `s`.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the string must grow and cannot; it is unchanged then.
    #[inline]
    pub(crate) fn try_push_str(&mut self, s: &str) -> Result<(), AllocError> {
        // The hot case of a string that is being built up (a text accumulated from many small
        // deltas): already on the heap, with room. It is kept inline in the caller and free of
        // calls, apart from the copy; growing, and every inline case, go out of line.
        if !self.0.is_inline() {
            let len = self.0.pointer_len();
            // SAFETY: not inline, so the heap form (the only pointer form of a `Unique`).
            let data = unsafe { self.heap_data() };
            // SAFETY: a live heap buffer (type invariant).
            let cap = unsafe { heap::cap(data) };
            // `len <= cap` always holds, so the subtraction cannot wrap.
            if s.len() <= cap - len {
                // SAFETY: `len <= cap`: inside the buffer (or one past its end).
                let dst = unsafe { data.as_ptr().add(len) };
                // SAFETY: `len + s.len() <= cap`: the bytes `len..len + s.len()` are inside the
                // buffer, which only `self` uses; `s` cannot borrow it (`self` is borrowed
                // mutably here).
                unsafe { ptr::copy_nonoverlapping(s.as_ptr(), dst, s.len()) };
                // SAFETY: the heap form, now with `len + s.len()` initialised UTF-8 bytes.
                self.0 = unsafe { self.0.with_pointer_len(len + s.len()) };
                return Ok(());
            }
        }
        self.try_push_str_slow(s)
    }

    /// [`try_push_str`](Unique::try_push_str) when the string is inline or must grow.
    #[inline(never)]
    fn try_push_str_slow(&mut self, s: &str) -> Result<(), AllocError> {
        let len = self.0.len();
        let new_len = len.checked_add(s.len()).ok_or(AllocError)?;
        if self.0.is_inline() && new_len <= INLINE_CAP {
            let base = ptr::from_mut(&mut self.0).cast::<u8>();
            // SAFETY: `len <= new_len <= 16`: inside `self`.
            let dst = unsafe { base.add(len) };
            // SAFETY: bytes `len..new_len` are inside `self`, writable, and distinct from `s`
            // (which cannot borrow `self`, borrowed mutably here).
            unsafe { ptr::copy_nonoverlapping(s.as_ptr(), dst, s.len()) };
            // The padding past `new_len` was zero already; byte 15 is the new length tag, or
            // at 16 bytes the last byte of `s` (or of the old string), below 0xC0.
            if new_len < INLINE_CAP {
                self.set_inline_tag(new_len);
            }
            return Ok(());
        }
        self.try_reserve(s.len())?;
        // SAFETY: after `try_reserve` the string is a heap buffer owned by `self` with room
        // for `new_len` bytes.
        let data = unsafe { self.heap_data() }.as_ptr();
        // SAFETY: `len <= capacity`: inside the buffer (or one past its end).
        let dst = unsafe { data.add(len) };
        // SAFETY: room for `s.len()` bytes at `dst`; `s` is elsewhere.
        unsafe { ptr::copy_nonoverlapping(s.as_ptr(), dst, s.len()) };
        // SAFETY: the heap form, with `new_len` initialised UTF-8 bytes.
        self.0 = unsafe { self.0.with_pointer_len(new_len) };
        Ok(())
    }

    /// Sets byte 15 of an inline string to the length tag of `len < 16`.
    #[inline(always)]
    fn set_inline_tag(&mut self, len: usize) {
        debug_assert!(self.0.is_inline() && len < INLINE_CAP);
        // SAFETY: `SHORT_TAG + len <= 0xCF` is a `LastByte`.
        self.0.last = unsafe { core::mem::transmute::<u8, LastByte>(SHORT_TAG + len as u8) };
    }

    /// Shortens the string to `new_len` bytes; does nothing if it is not longer.
    ///
    /// # Panics
    ///
    /// If `new_len` is not on a `char` boundary (`what` names the caller in the message).
    pub(crate) fn truncate(&mut self, new_len: usize, what: &str) {
        let len = self.0.len();
        if new_len >= len {
            return;
        }
        assert!(
            self.0.as_str().is_char_boundary(new_len),
            "{what}: {new_len} is not a char boundary"
        );
        if self.0.is_inline() {
            let base = ptr::from_mut(&mut self.0).cast::<u8>();
            // SAFETY: `new_len < len <= 16`: inside `self`.
            let tail = unsafe { base.add(new_len) };
            // SAFETY: zero bytes `new_len..15` of `self` (never byte 15, the tag, which is set
            // next) so the padding stays zero and equality stays a 16-byte compare.
            unsafe { tail.write_bytes(0, INLINE_CAP - 1 - new_len) };
            self.set_inline_tag(new_len);
        } else {
            // SAFETY: the heap form; `new_len < len` bytes on a char boundary are UTF-8.
            self.0 = unsafe { self.0.with_pointer_len(new_len) };
        }
    }

    /// Makes room for at least `additional` more bytes.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot grow or the size overflows; the string is
    /// unchanged then.
    pub(crate) fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        let len = self.0.len();
        let needed = len.checked_add(additional).ok_or(AllocError)?;
        let cap = self.capacity();
        if needed <= cap {
            return Ok(());
        }
        if needed > MAX_LEN {
            return Err(AllocError);
        }
        // Amortised growth: at least double, and start at 32 bytes.
        let new_cap = needed.max(cap.saturating_mul(2)).clamp(32, MAX_LEN);
        let data = if self.0.is_inline() {
            let data = heap::alloc(new_cap)?;
            // SAFETY: the new buffer has room for `new_cap >= len` bytes; the inline bytes
            // are inside `self`, a different place.
            unsafe { ptr::copy_nonoverlapping(self.0.data_ptr(), data.as_ptr(), len) };
            data
        } else {
            // SAFETY: not inline.
            let old = unsafe { self.heap_data() };
            // SAFETY: the buffer is live, owned only by `self`, and `new_cap > cap`.
            unsafe { heap::grow(old, new_cap) }?
        };
        // SAFETY: a heap buffer owned by `self` alone (the old one, inline or moved, is gone)
        // with `len` bytes of UTF-8.
        self.0 = unsafe { Repr::heap(data, len) };
        Ok(())
    }
}

impl Deref for Unique {
    type Target = Repr;
    #[inline(always)]
    fn deref(&self) -> &Repr {
        &self.0
    }
}

impl Drop for Unique {
    #[inline]
    fn drop(&mut self) {
        if !self.0.is_inline() {
            // SAFETY: not inline.
            let data = unsafe { self.heap_data() };
            // SAFETY: a heap buffer that only `self` uses; nothing uses it after this.
            unsafe { heap::free(data) };
        }
    }
}

impl Clone for Unique {
    /// Inline: a 16-byte copy. Heap: a new buffer (a `Unique` never shares).
    #[inline]
    fn clone(&self) -> Unique {
        if self.0.is_inline() {
            return Unique(self.0);
        }
        Unique::try_heap_copy(self.0.as_str()).handle_oom()
    }
}
