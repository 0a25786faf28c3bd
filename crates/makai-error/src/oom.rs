//! Out-of-memory handling: the [`AllocError`] value, the [`HandleOom`] diverter (Bun's
//! `handleOom`) and the process-wide [`out_of_memory`] exit.

#[cfg(feature = "std")]
use core::sync::atomic::{AtomicBool, Ordering};
#[cfg(feature = "std")]
use std::sync::OnceLock;

/// The error every fallible makai allocation returns: the allocator could not satisfy the
/// request.
///
/// It is zero-sized, so `Result<T, AllocError>` costs no more than `Option<T>`.
///
/// ```
/// use makai_error::AllocError;
/// assert_eq!(AllocError.to_string(), "out of memory");
/// assert_eq!(size_of::<AllocError>(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, thiserror::Error)]
#[error("out of memory")]
pub struct AllocError;

/// An error type that can say whether it means "out of memory".
///
/// [`HandleOom`] uses this to divert only the out-of-memory case of a mixed error to
/// [`out_of_memory`], leaving every other error untouched.
///
/// ```
/// use makai_error::OomError;
/// let e = std::io::Error::from(std::io::ErrorKind::OutOfMemory);
/// assert!(e.is_oom());
/// assert!(!std::io::Error::from(std::io::ErrorKind::NotFound).is_oom());
/// ```
pub trait OomError {
    /// Returns `true` when this error means the allocator ran out of memory.
    fn is_oom(&self) -> bool;
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl OomError for std::io::Error {
    fn is_oom(&self) -> bool {
        self.kind() == std::io::ErrorKind::OutOfMemory
    }
}

impl OomError for crate::SysError<'_> {
    /// A system call failing with `ENOMEM` is out of memory.
    fn is_oom(&self) -> bool {
        self.errno() == crate::Errno::NOMEM
    }
}

/// Turns out-of-memory into a process abort, and nothing else (Bun's `handleOom`).
///
/// - `Result<T, AllocError>::handle_oom()` returns `T`: the only possible error is OOM.
/// - `Result<T, E: OomError>::handle_oom()` returns `Result<T, E>`: an OOM error aborts, every
///   other error is handed back unchanged. Unlike `.unwrap_or_else(|_| out_of_memory())`, it
///   can never swallow an unrelated error by mistake.
///
/// ```
/// use makai_error::{AllocError, HandleOom};
/// let n: u32 = Ok::<u32, AllocError>(7).handle_oom();
/// assert_eq!(n, 7);
///
/// // A non-OOM error passes through untouched.
/// let r: std::io::Result<u32> = Err(std::io::ErrorKind::NotFound.into());
/// let r = r.handle_oom();
/// assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::NotFound);
/// ```
///
/// An extension trait of `Result`, sealed: implement [`OomError`] for an error type to make its
/// `Result` work here.
pub trait HandleOom: sealed::Sealed {
    /// What remains once OOM has been diverted.
    type Output;
    /// Diverts OOM to [`out_of_memory`] and returns the rest.
    fn handle_oom(self) -> Self::Output;
}

mod sealed {
    /// Implemented by `Result` only.
    pub trait Sealed {}
    impl<T, E> Sealed for Result<T, E> {}
}

impl<T> HandleOom for Result<T, AllocError> {
    type Output = T;
    #[inline]
    fn handle_oom(self) -> T {
        match self {
            Ok(v) => v,
            Err(AllocError) => out_of_memory(),
        }
    }
}

impl<T, E: OomError> HandleOom for Result<T, E> {
    type Output = Result<T, E>;
    #[inline]
    fn handle_oom(self) -> Result<T, E> {
        match self {
            Err(e) if e.is_oom() => out_of_memory(),
            other => other,
        }
    }
}

#[cfg(feature = "std")]
static OOM_HOOK: OnceLock<fn()> = OnceLock::new();

/// Installs a function that [`out_of_memory`] runs before it aborts (for example to flush logs
/// or write a crash report).
///
/// The hook can be set once per process: a second call leaves the first hook in place and
/// returns `false`. The hook must not allocate much; it runs when memory is exhausted.
///
/// ```
/// fn flush_logs() {}
/// // In a real program this is called once at start-up.
/// let installed = makai_error::set_oom_hook(flush_logs);
/// assert!(installed);
/// assert!(!makai_error::set_oom_hook(flush_logs));
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub fn set_oom_hook(hook: fn()) -> bool {
    OOM_HOOK.set(hook).is_ok()
}

/// Reports that the process ran out of memory and stops it.
///
/// This build has no `std` feature, so there is no hook and no standard error: the message
/// `makai: out of memory, aborting` goes to the target's panic handler from a function that
/// cannot unwind, and the process aborts if the handler tries to unwind (unwinding code may
/// itself need memory).
#[cold]
#[inline(never)]
#[cfg(not(feature = "std"))]
pub fn out_of_memory() -> ! {
    crate::abort_with("makai: out of memory, aborting")
}

/// Reports that the process ran out of memory and aborts it.
///
/// Runs the hook from [`set_oom_hook`] (if any), prints one line to standard error and calls
/// [`std::process::abort`]: no unwinding, because unwinding code may itself need memory.
///
/// Whatever the hook does, `out_of_memory` never unwinds: a hook that panics is stopped by an
/// abort before the panic can leave this function (the unwinding reaches a guard whose drop
/// aborts), and a hook that runs out of memory again and calls `out_of_memory` is not run a
/// second time (the nested call goes straight to the abort).
///
/// Without the `std` feature there is no hook (`core` has no safe once-cell for it) and no
/// standard error: the message goes to the target's panic handler from a function that cannot
/// unwind, and the process aborts if the handler tries to unwind.
#[cold]
#[inline(never)]
#[cfg(feature = "std")]
pub fn out_of_memory() -> ! {
    /// Aborts when dropped: dropped only if the hook unwinds past it.
    struct AbortOnUnwind;
    impl Drop for AbortOnUnwind {
        fn drop(&mut self) {
            crate::abort_with("makai: the out-of-memory hook panicked; aborting")
        }
    }

    // Relaxed: only this flag is read and written; it orders nothing else.
    if !HOOK_RUNNING.swap(true, Ordering::Relaxed)
        && let Some(hook) = OOM_HOOK.get()
    {
        let guard = AbortOnUnwind;
        hook();
        core::mem::forget(guard);
    }
    // A static string, written without formatting machinery (which could allocate).
    crate::abort_with("makai: out of memory, aborting")
}

/// Set by the first [`out_of_memory`] call that runs the hook, so a hook that itself runs out
/// of memory is not re-entered.
#[cfg(feature = "std")]
static HOOK_RUNNING: AtomicBool = AtomicBool::new(false);
