//! Stopping the process without unwinding, with or without `std`.

/// Writes `message` and a newline to standard error and aborts the process; never unwinds.
///
/// The shared last step of makai's "this must not continue" paths (a reference count past its
/// limit, a hive generation that would wrap): unwinding there could be caught and retried.
///
/// Without the `std` feature there is no standard error and no process abort in `core`. The
/// message then goes to the target's panic handler from inside a function that cannot unwind,
/// so a handler that tries to unwind is stopped by an abort before it leaves this function.
#[doc(hidden)]
#[cold]
#[inline(never)]
pub fn abort_with(message: &'static str) -> ! {
    #[cfg(feature = "std")]
    {
        use std::io::Write as _;
        // One write of a static string and one of a newline: no formatting machinery.
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(message.as_bytes());
        let _ = err.write_all(b"\n");
        std::process::abort()
    }
    #[cfg(not(feature = "std"))]
    no_unwind_panic(&message)
}

/// Panics inside an `extern "C"` function: unwinding out of one aborts (Rust 1.81 and later),
/// which is the one abort `core` offers on stable.
#[cfg(not(feature = "std"))]
extern "C" fn no_unwind_panic(message: &&'static str) -> ! {
    panic!("{message}")
}
