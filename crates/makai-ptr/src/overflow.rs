//! The one reference-count overflow rule of the workspace: every count (makai-ptr's
//! [`RefCount`](crate::RefCount) and [`AtomicRefCount`](crate::AtomicRefCount), and the count
//! in the header of a shared makai-string `Str`) aborts the process, with the same message,
//! once more than `i32::MAX` references exist. A count that wrapped around would free an
//! object that is still in use; leaking clones in a loop (`mem::forget`) is safe code, so the
//! limit must be checked on every increment. Leaving `u32::MAX - i32::MAX` of headroom means
//! racing atomic increments cannot wrap before one of them sees the limit and aborts.

/// The largest count a reference count may hold.
pub const MAX_REF_COUNT: u32 = i32::MAX as u32;

/// The message printed before aborting.
pub const OVERFLOW_MESSAGE: &str =
    "makai: reference count overflow (more than i32::MAX references); aborting";

/// Aborts when `old`, the value an atomic `fetch_add(1)` returned, was already past the limit.
#[inline(always)]
pub fn check_incremented(old: u32) {
    if old > MAX_REF_COUNT {
        overflow_abort();
    }
}

/// Prints [`OVERFLOW_MESSAGE`] and aborts the process (never unwinds: an unwinding clone could
/// be caught and retried until the count wraps).
#[cold]
#[inline(never)]
pub fn overflow_abort() -> ! {
    makai_error::abort_with(OVERFLOW_MESSAGE)
}
