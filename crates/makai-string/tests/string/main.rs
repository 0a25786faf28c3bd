//! Integration tests of makai-string: models against `String`/`str`, the builder's shared
//! slices, panics, and allocation counts.

use makai_testkit::{ThreadCounting, count_in};

mod alloc_failures;
mod builder;
mod builder_two_phase;
mod edges;
mod enc_str;
mod encode;
mod layout;
mod model;
#[cfg(feature = "serde")]
mod serde_str;
mod sharing;
mod zstr;

// Allocation counting: a global allocator with per-thread counters, so tests running in
// parallel do not see each other's allocations.
#[global_allocator]
static GLOBAL: ThreadCounting = ThreadCounting;

/// Runs `f` and returns how many blocks this thread allocated and freed meanwhile
/// (reallocations are neither).
fn counted<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    let (r, n) = count_in(f);
    (r, n.allocs, n.frees)
}

fn panic_message(err: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = err.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = err.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        String::from("<non-string panic>")
    }
}
