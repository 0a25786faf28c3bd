//! Bridges to `allocator_api2` **0.2** (the trait `hashbrown` 0.17 and `bumpalo` 3.20 use):
//! every makai allocator implements `allocator_api2::alloc::Allocator`, and [`Api2`] adapts a
//! foreign `allocator_api2` allocator into a makai [`Allocator`].

use std::alloc::Layout;
use std::ptr::NonNull;

use allocator_api2::alloc as api2;
use makai_error::AllocError;

use crate::allocator::Allocator;

/// Implements `allocator_api2::alloc::Allocator` (0.2) for a type that implements
/// [`Allocator`], forwarding every method. `[generics] Type`, e.g.
/// `impl_allocator_api2!(['a] &'a Arena);`.
///
/// Usable by every module of this crate (`crate::api2::impl_allocator_api2`).
macro_rules! impl_allocator_api2 {
    ([$($gen:tt)*] $ty:ty) => {
        // SAFETY: every method forwards to the type's `makai_alloc::Allocator` impl, whose
        // contract is the same as `allocator_api2`'s (both mirror `core::alloc::Allocator`);
        // only the error type is converted.
        unsafe impl<$($gen)*> ::allocator_api2::alloc::Allocator for $ty {
            #[inline]
            fn allocate(
                &self,
                layout: ::std::alloc::Layout,
            ) -> Result<::std::ptr::NonNull<[u8]>, ::allocator_api2::alloc::AllocError> {
                $crate::Allocator::allocate(self, layout)
                    .map_err(|_| ::allocator_api2::alloc::AllocError)
            }

            #[inline]
            fn allocate_zeroed(
                &self,
                layout: ::std::alloc::Layout,
            ) -> Result<::std::ptr::NonNull<[u8]>, ::allocator_api2::alloc::AllocError> {
                $crate::Allocator::allocate_zeroed(self, layout)
                    .map_err(|_| ::allocator_api2::alloc::AllocError)
            }

            #[inline]
            unsafe fn deallocate(&self, ptr: ::std::ptr::NonNull<u8>, layout: ::std::alloc::Layout) {
                // SAFETY: the caller upholds the same `deallocate` contract.
                unsafe { $crate::Allocator::deallocate(self, ptr, layout) }
            }

            #[inline]
            unsafe fn grow(
                &self,
                ptr: ::std::ptr::NonNull<u8>,
                old: ::std::alloc::Layout,
                new: ::std::alloc::Layout,
            ) -> Result<::std::ptr::NonNull<[u8]>, ::allocator_api2::alloc::AllocError> {
                // SAFETY: the caller upholds the same `grow` contract.
                unsafe { $crate::Allocator::grow(self, ptr, old, new) }
                    .map_err(|_| ::allocator_api2::alloc::AllocError)
            }

            #[inline]
            unsafe fn grow_zeroed(
                &self,
                ptr: ::std::ptr::NonNull<u8>,
                old: ::std::alloc::Layout,
                new: ::std::alloc::Layout,
            ) -> Result<::std::ptr::NonNull<[u8]>, ::allocator_api2::alloc::AllocError> {
                // SAFETY: the caller upholds the same `grow_zeroed` contract.
                unsafe { $crate::Allocator::grow_zeroed(self, ptr, old, new) }
                    .map_err(|_| ::allocator_api2::alloc::AllocError)
            }

            #[inline]
            unsafe fn shrink(
                &self,
                ptr: ::std::ptr::NonNull<u8>,
                old: ::std::alloc::Layout,
                new: ::std::alloc::Layout,
            ) -> Result<::std::ptr::NonNull<[u8]>, ::allocator_api2::alloc::AllocError> {
                // SAFETY: the caller upholds the same `shrink` contract.
                unsafe { $crate::Allocator::shrink(self, ptr, old, new) }
                    .map_err(|_| ::allocator_api2::alloc::AllocError)
            }
        }
    };
}
pub(crate) use impl_allocator_api2;

crate::api2::impl_allocator_api2!([] crate::Global);
crate::api2::impl_allocator_api2!([] crate::NoAlloc);
crate::api2::impl_allocator_api2!(['a] crate::NullableAllocator<'a>);
crate::api2::impl_allocator_api2!(['a] &'a crate::Arena);
crate::api2::impl_allocator_api2!(['a, const N: usize, A: Allocator] &'a crate::StackFallback<N, A>);
crate::api2::impl_allocator_api2!(['a, 'buf, A: Allocator] &'a crate::BufferFallback<'buf, A>);
#[cfg(feature = "mimalloc")]
crate::api2::impl_allocator_api2!([] crate::Mimalloc);
#[cfg(feature = "mimalloc")]
crate::api2::impl_allocator_api2!(['a] &'a crate::MiHeap);

/// Adapts an `allocator_api2` 0.2 allocator (for example `allocator_api2::alloc::Global`,
/// `&bumpalo::Bump`, or any third-party allocator written against that trait) into a makai
/// [`Allocator`]. It implements both traits, so it also stays usable by `hashbrown`.
///
/// ```
/// use makai_alloc::{Allocator, Api2};
/// use std::alloc::Layout;
///
/// let bump = bumpalo::Bump::new();
/// let alloc = Api2(&bump);
/// let layout = Layout::new::<[u32; 4]>();
/// let block = alloc.allocate(layout).unwrap();
/// // SAFETY: allocated by `alloc` with `layout`.
/// unsafe { alloc.deallocate(block.cast(), layout) };
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Api2<A>(pub A);

impl<A> Api2<A> {
    /// The wrapped allocator.
    ///
    /// ```
    /// let a = makai_alloc::Api2(allocator_api2::alloc::Global);
    /// let _inner: allocator_api2::alloc::Global = a.into_inner();
    /// ```
    pub fn into_inner(self) -> A {
        self.0
    }
}

// SAFETY: every method forwards to `A`, whose `allocator_api2` contract is the same as
// makai's (both mirror `core::alloc::Allocator`); only the error type is converted.
unsafe impl<A: api2::Allocator> Allocator for Api2<A> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.0.allocate(layout).map_err(|_| AllocError)
    }

    #[inline]
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.0.allocate_zeroed(layout).map_err(|_| AllocError)
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller upholds the same `deallocate` contract for `A`.
        unsafe { self.0.deallocate(ptr, layout) }
    }

    #[inline]
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds the same `grow` contract for `A`.
        unsafe { self.0.grow(ptr, old, new) }.map_err(|_| AllocError)
    }

    #[inline]
    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds the same `grow_zeroed` contract for `A`.
        unsafe { self.0.grow_zeroed(ptr, old, new) }.map_err(|_| AllocError)
    }

    #[inline]
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller upholds the same `shrink` contract for `A`.
        unsafe { self.0.shrink(ptr, old, new) }.map_err(|_| AllocError)
    }
}

// SAFETY: `Api2<A>` forwards every call to `A`'s own `allocator_api2` impl unchanged.
unsafe impl<A: api2::Allocator> api2::Allocator for Api2<A> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, api2::AllocError> {
        self.0.allocate(layout)
    }

    #[inline]
    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, api2::AllocError> {
        self.0.allocate_zeroed(layout)
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller upholds `deallocate`'s contract for `A`.
        unsafe { self.0.deallocate(ptr, layout) }
    }

    #[inline]
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, api2::AllocError> {
        // SAFETY: the caller upholds `grow`'s contract for `A`.
        unsafe { self.0.grow(ptr, old, new) }
    }

    #[inline]
    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, api2::AllocError> {
        // SAFETY: the caller upholds `grow_zeroed`'s contract for `A`.
        unsafe { self.0.grow_zeroed(ptr, old, new) }
    }

    #[inline]
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, api2::AllocError> {
        // SAFETY: the caller upholds `shrink`'s contract for `A`.
        unsafe { self.0.shrink(ptr, old, new) }
    }
}
