//! [`DebugScope`]: a [`Tracked`] allocator in debug builds, the bare inner allocator (same
//! size, every call an inlined forward) in release builds.
//!
//! The release form is the private `Bare<A>`, which is compiled (and unit-tested) in every
//! profile; only the choice of `DebugScope`'s field depends on `debug_assertions`.

use core::fmt;

use makai_error::AllocError;

use super::{LeakReport, Stats, Tracked};
use crate::{Allocator, Global};

/// The allocator inside a `DebugScope`: `Tracked<A>` with `debug_assertions`.
#[cfg(debug_assertions)]
type Scope<A> = Tracked<A>;

/// The allocator inside a `DebugScope`: `Bare<A>` without `debug_assertions`.
#[cfg(not(debug_assertions))]
type Scope<A> = Bare<A>;

/// Leak and misuse tracking in debug builds, nothing at all in release builds (Bun's
/// `AllocationScope` with `enableAllocScopes`).
///
/// With `debug_assertions` it is a [`Tracked<A>`]: dropping it with live blocks panics with a
/// [`LeakReport`], and double, invalid or mismatched frees panic. Without them it is a
/// `#[repr(transparent)]` wrapper of `A` with the same size (checked at compile time) whose
/// methods are inlined forwards, so release code pays nothing.
///
/// ```
/// use makai_alloc::{DebugScope, Global};
/// use allocator_api2::vec::Vec;
///
/// let scope = DebugScope::new(Global);
/// let mut v = Vec::new_in(&scope);
/// v.push(1_u8);
/// drop(v);
/// assert!(scope.finish().is_ok());
/// if !DebugScope::<Global>::IS_TRACKING {
///     assert_eq!(size_of::<DebugScope<Global>>(), 0);
/// }
/// ```
#[repr(transparent)]
pub struct DebugScope<A = Global> {
    scope: Scope<A>,
}

impl<A> DebugScope<A> {
    /// Whether this build tracks (`cfg!(debug_assertions)`).
    pub const IS_TRACKING: bool = cfg!(debug_assertions);

    /// Wraps `inner`.
    ///
    /// ```
    /// use makai_alloc::{DebugScope, Global};
    /// let scope = DebugScope::new(Global);
    /// assert_eq!(scope.tracked().is_some(), DebugScope::<Global>::IS_TRACKING);
    /// ```
    #[inline]
    pub const fn new(inner: A) -> Self {
        #[cfg(not(debug_assertions))]
        const {
            assert!(size_of::<DebugScope<A>>() == size_of::<A>());
            assert!(align_of::<DebugScope<A>>() == align_of::<A>());
        }
        DebugScope {
            scope: Scope::new(inner),
        }
    }

    /// [`Tracked::with_backtrace_depth`] in debug builds (0 turns capture off, which makes a
    /// tracked allocation a hash-map insert instead of a stack walk); does nothing in release
    /// builds.
    ///
    /// ```
    /// use makai_alloc::{DebugScope, Global};
    /// let scope = DebugScope::new(Global).with_backtrace_depth(0);
    /// assert_eq!(scope.tracked().map_or(0, |t| t.backtrace_depth()), 0);
    /// ```
    #[inline]
    #[must_use]
    pub fn with_backtrace_depth(self, depth: usize) -> Self {
        #[cfg(debug_assertions)]
        {
            DebugScope {
                scope: self.scope.with_backtrace_depth(depth),
            }
        }
        #[cfg(not(debug_assertions))]
        {
            let _ = depth;
            self
        }
    }

    /// The `Tracked` allocator doing the work in debug builds; `None` in release builds.
    ///
    /// ```
    /// use makai_alloc::{DebugScope, Global};
    /// let scope = DebugScope::new(Global);
    /// if let Some(t) = scope.tracked() {
    ///     assert_eq!(t.stats().live_blocks, 0);
    /// }
    /// ```
    #[inline]
    pub fn tracked(&self) -> Option<&Tracked<A>> {
        #[cfg(debug_assertions)]
        {
            Some(&self.scope)
        }
        #[cfg(not(debug_assertions))]
        {
            None
        }
    }

    /// The counters in debug builds; `None` in release builds.
    ///
    /// ```
    /// use makai_alloc::{DebugScope, Global};
    /// let scope = DebugScope::new(Global);
    /// assert_eq!(scope.stats().map(|s| s.live_blocks).unwrap_or(0), 0);
    /// ```
    #[inline]
    pub fn stats(&self) -> Option<Stats> {
        self.tracked().map(Tracked::stats)
    }

    /// The inner allocator.
    ///
    /// ```
    /// use makai_alloc::{DebugScope, Global};
    /// assert_eq!(*DebugScope::new(Global).inner(), Global);
    /// ```
    #[inline]
    pub fn inner(&self) -> &A {
        self.scope.inner()
    }

    /// [`Tracked::assert_owned`] in debug builds; does nothing in release builds.
    ///
    /// # Panics
    ///
    /// In debug builds, if no live block starts at `ptr`.
    ///
    /// ```
    /// use makai_alloc::{DebugScope, Global};
    /// let scope = DebugScope::new(Global);
    /// let b = allocator_api2::boxed::Box::new_in(1_u32, &scope);
    /// scope.assert_owned(&*b as *const u32);
    /// ```
    #[inline]
    #[track_caller]
    pub fn assert_owned<T: ?Sized>(&self, ptr: *const T) {
        if let Some(t) = self.tracked() {
            t.assert_owned(ptr);
        }
    }

    /// Ends the scope: [`Tracked::finish`] in debug builds (without the counters); always
    /// `Ok` in release builds.
    ///
    /// # Errors
    ///
    /// In debug builds, a [`LeakReport`] when blocks are still live.
    ///
    /// ```
    /// use makai_alloc::{DebugScope, Global};
    /// assert!(DebugScope::new(Global).finish().is_ok());
    /// ```
    #[inline]
    pub fn finish(self) -> Result<(), LeakReport> {
        self.scope.finish_scope()
    }
}

impl<A: Default> Default for DebugScope<A> {
    fn default() -> Self {
        DebugScope::new(A::default())
    }
}

impl<A: fmt::Debug> fmt::Debug for DebugScope<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DebugScope")
            .field("scope", &self.scope)
            .finish()
    }
}

// SAFETY: every method forwards to the scope allocator (`Tracked<A>` or `Bare<A>`), whose
// `Allocator` impl upholds the contract.
unsafe impl<A: Allocator> Allocator for DebugScope<A> {
    crate::forward::forward_allocator! {
        forward: [allocate allocate_zeroed deallocate grow grow_zeroed shrink],
        attrs: #[inline],
        to: |self| &self.scope,
        via: Allocator,
        error: AllocError,
    }
}

#[cfg(feature = "allocator-api2")]
crate::api2::impl_allocator_api2!([A: Allocator] DebugScope<A>);

impl<A> Tracked<A> {
    /// `finish` without the counters, the shape `DebugScope::finish` returns.
    #[cfg_attr(
        not(debug_assertions),
        expect(dead_code, reason = "DebugScope holds a Bare<A> in release builds")
    )]
    fn finish_scope(self) -> Result<(), LeakReport> {
        self.finish().map(drop)
    }
}

/// `A` itself, forwarding every call: `DebugScope`'s field in release builds.
#[repr(transparent)]
#[derive(Debug)]
pub(crate) struct Bare<A>(A);

const _: () = assert!(size_of::<Bare<Global>>() == 0);
const _: () = assert!(size_of::<Bare<&Global>>() == size_of::<&Global>());
const _: () = assert!(size_of::<Bare<u64>>() == 8 && align_of::<Bare<u64>>() == align_of::<u64>());
#[cfg(not(debug_assertions))]
const _: () = assert!(size_of::<DebugScope<Global>>() == 0);
#[cfg(not(debug_assertions))]
const _: () = assert!(size_of::<DebugScope<&Global>>() == size_of::<&Global>());

#[cfg_attr(
    all(debug_assertions, not(test)),
    expect(dead_code, reason = "DebugScope holds a Tracked<A> in debug builds")
)]
impl<A> Bare<A> {
    #[inline]
    pub(crate) const fn new(inner: A) -> Self {
        Bare(inner)
    }

    #[inline]
    pub(crate) fn inner(&self) -> &A {
        &self.0
    }

    #[inline]
    pub(crate) fn finish_scope(self) -> Result<(), LeakReport> {
        Ok(())
    }
}

// SAFETY: every method forwards to `A` unchanged; `Bare` is `A` (repr(transparent)).
unsafe impl<A: Allocator> Allocator for Bare<A> {
    crate::forward::forward_allocator! {
        forward: [allocate allocate_zeroed deallocate grow grow_zeroed shrink],
        attrs: #[inline(always)],
        to: |self| &self.0,
        via: Allocator,
        error: AllocError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::alloc::Layout;

    #[test]
    fn bare_forwards_everything() {
        let bare = Bare::new(Tracked::new(Global).with_backtrace_depth(0));
        let l = Layout::from_size_align(8, 8).unwrap();
        let p = bare.allocate(l).unwrap();
        assert_eq!(bare.inner().stats().live_bytes, 8);
        let l2 = Layout::from_size_align(32, 8).unwrap();
        // SAFETY: `p` is live in `bare` with `l`; 32 >= 8.
        let p = unsafe { bare.grow_zeroed(p.cast(), l, l2) }.unwrap();
        // SAFETY: the grown tail is zeroed, the block holds 32 bytes.
        assert_eq!(unsafe { p.as_ref() }[31], 0);
        // SAFETY: `p` is live with `l2`; 16 <= 32.
        let p = unsafe { bare.shrink(p.cast(), l2, Layout::from_size_align(16, 8).unwrap()) };
        let p = p.unwrap();
        // SAFETY: live with the shrunk layout.
        let p = unsafe { bare.grow(p.cast(), Layout::from_size_align(16, 8).unwrap(), l2) };
        let p = p.unwrap();
        // SAFETY: live with `l2`.
        unsafe { bare.deallocate(p.cast(), l2) };
        let z = bare.allocate_zeroed(l).unwrap();
        // SAFETY: live with `l`.
        unsafe { bare.deallocate(z.cast(), l) };
        assert!(bare.finish_scope().is_ok());
    }

    #[test]
    fn debug_scope_matches_the_profile() {
        let scope = DebugScope::new(Global);
        assert_eq!(DebugScope::<Global>::IS_TRACKING, cfg!(debug_assertions));
        assert_eq!(scope.stats().is_some(), cfg!(debug_assertions));
        if cfg!(debug_assertions) {
            assert!(size_of::<DebugScope<Global>>() > 0);
        } else {
            assert_eq!(size_of::<DebugScope<Global>>(), 0);
        }
        assert!(format!("{scope:?}").starts_with("DebugScope"));
        assert!(DebugScope::<Global>::default().finish().is_ok());
    }
}
