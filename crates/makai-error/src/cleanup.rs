//! Cleanup guards: Zig's `defer` / `errdefer` for code that holds raw resources.
//!
//! [`defer`] returns a guard that runs its closure when dropped (at the end of the scope, on
//! an early `return`, on `?`, and during unwinding) unless [`Defer::disarm`] was called first.
//! The `errdefer` pattern is: arm the guard right after acquiring the resource, and disarm it
//! once the function has succeeded and handed the resource on.
//!
//! ```
//! use makai_error::cleanup::defer;
//! use std::cell::Cell;
//!
//! let closed = Cell::new(0);
//! fn open_pair(fail: bool, closed: &Cell<i32>) -> Result<(), &'static str> {
//!     let first = defer(|| closed.set(closed.get() + 1)); // errdefer close(first)
//!     if fail {
//!         return Err("second open failed"); // `first` is closed here
//!     }
//!     first.disarm(); // success: the caller owns the descriptor now
//!     Ok(())
//! }
//! assert!(open_pair(true, &closed).is_err());
//! assert_eq!(closed.get(), 1);
//! assert!(open_pair(false, &closed).is_ok());
//! assert_eq!(closed.get(), 1);
//! ```

use core::fmt;

/// A guard that runs a closure on drop unless disarmed. Build it with [`defer`].
#[must_use = "the closure runs when the guard is dropped; binding it to `_` drops it at once"]
pub struct Defer<F: FnOnce()> {
    f: Option<F>,
}

/// The `errdefer` spelling of [`Defer`]: the same guard, named for its usual purpose.
pub type ErrDefer<F> = Defer<F>;

/// Arms a guard that runs `f` when it goes out of scope.
///
/// ```
/// let mut log = Vec::new();
/// {
///     let _g = makai_error::cleanup::defer(|| log.push("cleaned"));
/// }
/// assert_eq!(log, ["cleaned"]);
/// ```
#[inline]
pub fn defer<F: FnOnce()>(f: F) -> Defer<F> {
    Defer { f: Some(f) }
}

/// The same as [`defer`], for code that reads better as Zig's `errdefer`.
#[inline]
pub fn errdefer<F: FnOnce()>(f: F) -> ErrDefer<F> {
    defer(f)
}

impl<F: FnOnce()> Defer<F> {
    /// Cancels the guard: the closure is dropped without running.
    ///
    /// ```
    /// let mut ran = false;
    /// makai_error::cleanup::defer(|| ran = true).disarm();
    /// assert!(!ran);
    /// ```
    #[inline]
    pub fn disarm(mut self) {
        self.f = None;
    }
}

impl<F: FnOnce()> Drop for Defer<F> {
    #[inline]
    fn drop(&mut self) {
        if let Some(f) = self.f.take() {
            f();
        }
    }
}

impl<F: FnOnce()> fmt::Debug for Defer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Defer")
            .field("armed", &self.f.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::Cell;

    #[test]
    fn runs_during_unwinding() {
        let ran = Cell::new(false);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _g = defer(|| ran.set(true));
            panic!("boom");
        }));
        assert!(r.is_err());
        assert!(ran.get());
    }

    #[test]
    fn runs_once_and_debug_shows_state() {
        let n = Cell::new(0);
        let g = errdefer(|| n.set(n.get() + 1));
        assert_eq!(format!("{g:?}"), "Defer { armed: true }");
        drop(g);
        assert_eq!(n.get(), 1);
    }
}
