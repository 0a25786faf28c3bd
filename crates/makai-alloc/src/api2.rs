//! Bridges to `allocator_api2` **0.2** (the trait `hashbrown` 0.17 and `bumpalo` 3.20 use):
//! every makai allocator implements `allocator_api2::alloc::Allocator`, and [`Api2`] adapts a
//! foreign `allocator_api2` allocator into a makai [`Allocator`].

use allocator_api2::alloc as api2;
use makai_error::AllocError;

use crate::allocator::Allocator;

/// Implements `allocator_api2::alloc::Allocator` (0.2) for a type that implements
/// [`Allocator`], forwarding every method (written by `forward_allocator!`). `[generics] Type`,
/// e.g. `impl_allocator_api2!(['a] &'a Arena);`.
///
/// Usable by every module of this crate (`crate::api2::impl_allocator_api2`).
macro_rules! impl_allocator_api2 {
    ([$($gen:tt)*] $ty:ty) => {
        // SAFETY: every method forwards to the type's `makai_alloc::Allocator` impl, whose
        // contract is the same as `allocator_api2`'s (both mirror `core::alloc::Allocator`);
        // only the error type is converted.
        unsafe impl<$($gen)*> ::allocator_api2::alloc::Allocator for $ty {
            $crate::forward::forward_allocator! {
                forward: [allocate allocate_zeroed deallocate grow grow_zeroed shrink],
                attrs: #[inline],
                to: |self| self,
                via: $crate::Allocator,
                error: ::allocator_api2::alloc::AllocError,
                map_err: |_| ::allocator_api2::alloc::AllocError,
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
    crate::forward::forward_allocator! {
        forward: [allocate allocate_zeroed deallocate grow grow_zeroed shrink],
        attrs: #[inline],
        to: |self| &self.0,
        via: api2::Allocator,
        error: AllocError,
        map_err: |_| AllocError,
    }
}

// SAFETY: `Api2<A>` forwards every call to `A`'s own `allocator_api2` impl unchanged.
unsafe impl<A: api2::Allocator> api2::Allocator for Api2<A> {
    crate::forward::forward_allocator! {
        forward: [allocate allocate_zeroed deallocate grow grow_zeroed shrink],
        attrs: #[inline],
        to: |self| &self.0,
        via: api2::Allocator,
        error: api2::AllocError,
    }
}
