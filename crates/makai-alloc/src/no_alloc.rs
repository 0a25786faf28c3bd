//! [`NoAlloc`] (an allocator that never allocates) and [`NullableAllocator`] (an optional
//! allocator reference: freeing through null is a no-op).

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

use makai_error::AllocError;

use crate::allocator::Allocator;

/// An allocator that refuses every allocation with [`AllocError`] (zero-sized ones included)
/// and whose deallocation does nothing: Bun's "borrowed `MaybeOwned`" allocator.
///
/// Use it as the allocator of a value that must never own memory, e.g. a container that only
/// ever views borrowed data: any attempt to allocate surfaces as an error (or, through the
/// infallible container APIs, as the out-of-memory path), never as undefined behaviour.
///
/// ```
/// use makai_alloc::{Allocator, NoAlloc};
/// use std::alloc::Layout;
/// assert!(NoAlloc.allocate(Layout::new::<u64>()).is_err());
/// assert!(NoAlloc.allocate(Layout::new::<()>()).is_err());
/// assert_eq!(size_of::<NoAlloc>(), 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NoAlloc;

// SAFETY: no block is ever handed out, so every block-related promise holds vacuously; failure
// is `Err(AllocError)`.
unsafe impl Allocator for NoAlloc {
    crate::forward::forward_allocator! {
        allocate: |self, _layout, _zero| { Err(AllocError) },
        attrs: #[inline],
    }

    #[inline]
    unsafe fn deallocate(&self, _ptr: NonNull<u8>, _layout: Layout) {}

    crate::forward::forward_allocator! {
        resize: |self, _ptr, _old, _new, _zero| { Err(AllocError) },
        attrs: #[inline],
    }
}

/// An optional allocator reference (Bun's `NullableAllocator`): `Option<&'a dyn Allocator>`,
/// 16 bytes (the null niche lives in the data pointer).
///
/// When set, every call forwards to the allocator. When null, allocations fail with
/// [`AllocError`] and freeing is a no-op: the Rust spelling of "free me with X, or do not
/// free me at all" for values that may borrow their memory.
///
/// ```
/// use makai_alloc::{Allocator, Global, NullableAllocator};
/// use std::alloc::Layout;
///
/// let layout = Layout::new::<u32>();
/// let owned = NullableAllocator::new(&Global);
/// let block = owned.allocate(layout).unwrap();
/// // SAFETY: allocated by `owned` (that is, by `Global`) with `layout`.
/// unsafe { owned.deallocate(block.cast(), layout) };
///
/// let null = NullableAllocator::null();
/// assert!(null.is_null());
/// assert!(null.allocate(layout).is_err());
/// assert_eq!(size_of::<NullableAllocator<'_>>(), 16);
/// ```
#[derive(Clone, Copy, Default)]
pub struct NullableAllocator<'a> {
    inner: Option<&'a dyn Allocator>,
}

// Two words (a `dyn` reference; `None` is its null niche), three inside another `Option`.
const _: () = assert!(size_of::<NullableAllocator<'static>>() == 2 * size_of::<usize>());
const _: () = assert!(size_of::<Option<NullableAllocator<'static>>>() == 3 * size_of::<usize>());

impl<'a> NullableAllocator<'a> {
    /// An allocator reference that forwards to `alloc`.
    ///
    /// ```
    /// let a = makai_alloc::NullableAllocator::new(&makai_alloc::Global);
    /// assert!(!a.is_null());
    /// ```
    #[inline]
    #[must_use]
    pub const fn new(alloc: &'a dyn Allocator) -> Self {
        NullableAllocator { inner: Some(alloc) }
    }

    /// The null allocator: allocations fail, frees do nothing.
    ///
    /// ```
    /// assert!(makai_alloc::NullableAllocator::null().is_null());
    /// ```
    #[inline]
    #[must_use]
    pub const fn null() -> Self {
        NullableAllocator { inner: None }
    }

    /// Whether no allocator is set.
    ///
    /// ```
    /// assert!(makai_alloc::NullableAllocator::default().is_null());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_null(&self) -> bool {
        self.inner.is_none()
    }

    /// The allocator, if one is set.
    ///
    /// ```
    /// let a = makai_alloc::NullableAllocator::null();
    /// assert!(a.get().is_none());
    /// ```
    #[inline]
    #[must_use]
    pub const fn get(&self) -> Option<&'a dyn Allocator> {
        self.inner
    }
}

impl<'a> From<&'a dyn Allocator> for NullableAllocator<'a> {
    fn from(alloc: &'a dyn Allocator) -> Self {
        NullableAllocator::new(alloc)
    }
}

impl<'a> From<Option<&'a dyn Allocator>> for NullableAllocator<'a> {
    fn from(inner: Option<&'a dyn Allocator>) -> Self {
        NullableAllocator { inner }
    }
}

impl fmt::Debug for NullableAllocator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner {
            Some(a) => f
                .debug_tuple("NullableAllocator")
                .field(&core::ptr::from_ref(a).cast::<()>())
                .finish(),
            None => f.write_str("NullableAllocator(null)"),
        }
    }
}

// SAFETY: when set, every method forwards unchanged to the inner allocator (which upholds the
// contract; copies of the reference are the same allocator). When null, no block is ever
// handed out, so deallocation has nothing to do and resizing fails.
unsafe impl Allocator for NullableAllocator<'_> {
    crate::forward::forward_allocator! {
        forward: [allocate allocate_zeroed grow grow_zeroed shrink],
        attrs: #[inline],
        to: |self| self.inner.ok_or(AllocError)?,
        via: Allocator,
        error: AllocError,
    }

    /// Frees through the inner allocator; a no-op when null.
    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if let Some(a) = self.inner {
            // SAFETY: the caller's block came from this allocator, that is from `a`.
            unsafe { a.deallocate(ptr, layout) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Global;

    #[test]
    fn null_frees_are_noops_and_debug_prints() {
        let null = NullableAllocator::null();
        // SAFETY: deallocating through null does nothing, whatever the pointer.
        unsafe { null.deallocate(NonNull::dangling(), Layout::new::<u64>()) };
        assert_eq!(format!("{null:?}"), "NullableAllocator(null)");
        let set = NullableAllocator::from(&Global as &dyn Allocator);
        assert!(format!("{set:?}").starts_with("NullableAllocator(0x"));
        assert!(NullableAllocator::from(None).is_null());
    }

    #[test]
    fn no_alloc_resizes_fail() {
        let l = Layout::new::<u8>();
        // SAFETY: `NoAlloc` never touches the pointer.
        assert!(unsafe { NoAlloc.grow(NonNull::dangling(), l, l) }.is_err());
        // SAFETY: as above.
        assert!(unsafe { NoAlloc.shrink(NonNull::dangling(), l, l) }.is_err());
        assert!(NoAlloc.allocate_zeroed(l).is_err());
    }
}
