//! loom model of `Str`'s reference count: clones and drops on several threads free the buffer
//! exactly once, and only after every other owner is done with it.
//!
//! Run with `RUSTFLAGS="--cfg makai_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release -p
//! makai-string --test loom`.
#![cfg(makai_loom)]

use std::alloc::Layout;
use std::ptr::NonNull;

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use makai_alloc::{AllocError, Allocator, Global};
use makai_string::{Str, StringBuilder};

/// Shared state of the model: owners still using the string, and frees seen.
struct State {
    live: AtomicUsize,
    frees: AtomicUsize,
}

/// An allocator whose `deallocate` checks that no owner is still using the string.
#[derive(Clone)]
struct Watch(Arc<State>);

// SAFETY: forwards to `Global` unchanged.
unsafe impl Allocator for Watch {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        Global.allocate(layout)
    }
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // Relaxed: the owners' `live` decrements happen before their Release decrement of
        // the string's count, and the freeing thread's Acquire fence makes them visible here.
        // A weaker protocol in `Str` would let this load see a stale non-zero value.
        assert_eq!(self.0.live.load(Ordering::Relaxed), 0, "freed while in use");
        // Relaxed: read after every thread is joined.
        self.0.frees.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the block came from `Global` with `layout`.
        unsafe { Global.deallocate(ptr, layout) }
    }
}

fn shared_string(state: &Arc<State>) -> Str {
    let mut b = StringBuilder::new_in(Watch(state.clone()));
    b.count("loom");
    let f = b.allocate();
    f.append("loom");
    f.into_str()
}

/// Uses the string, then gives up this owner's `live` mark and drops it.
fn use_and_drop(s: Str, state: &State) {
    assert_eq!(s, "loom");
    // Relaxed: ordered before the drop's Release decrement by program order.
    state.live.fetch_sub(1, Ordering::Relaxed);
    drop(s);
}

#[test]
fn clone_and_drop_on_two_threads_frees_once() {
    loom::model(|| {
        let state = Arc::new(State {
            live: AtomicUsize::new(2),
            frees: AtomicUsize::new(0),
        });
        let s = shared_string(&state);
        let t = s.clone();
        let st = state.clone();
        let h = thread::spawn(move || use_and_drop(t, &st));
        use_and_drop(s, &state);
        h.join().unwrap();
        // Relaxed: the join orders the other thread's increments before this load.
        assert_eq!(state.frees.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn clones_made_on_other_threads_free_once() {
    loom::model(|| {
        let state = Arc::new(State {
            live: AtomicUsize::new(3),
            frees: AtomicUsize::new(0),
        });
        let s = shared_string(&state);
        let t = s.clone();
        let st = state.clone();
        let h = thread::spawn(move || {
            let u = t.clone();
            use_and_drop(t, &st);
            use_and_drop(u, &st);
        });
        use_and_drop(s, &state);
        h.join().unwrap();
        // Relaxed: see above.
        assert_eq!(state.frees.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn heap_strings_clone_and_drop_concurrently() {
    loom::model(|| {
        let s = Str::from("a heap string, longer than sixteen bytes");
        let t = s.clone();
        let h = thread::spawn(move || {
            let u = t.clone();
            assert_eq!(u.len(), t.len());
        });
        assert!(s.starts_with("a heap"));
        drop(s);
        h.join().unwrap();
    });
}
