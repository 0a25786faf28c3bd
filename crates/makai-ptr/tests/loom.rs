//! loom models of makai-ptr's atomic reference counts: two threads, each holding a handle, one
//! writing the shared value before dropping its handle; whichever drops last runs the value's
//! destructor, which reads what the other thread wrote. loom explores every interleaving and
//! every weak-memory outcome, and reports a "causality violation" if the read is not ordered
//! after the write, which is what happens without the Acquire fence after the last decrement.
//!
//! Run: `RUSTFLAGS="--cfg makai_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release -p makai-ptr --test loom`.

#![cfg(makai_loom)]

use loom::cell::UnsafeCell;
use loom::thread;
use makai_ptr::{AtomicRefCount, AtomicShared, RefPtr, ref_counted};

/// A value whose destructor reads data another thread may have written.
struct Payload {
    data: UnsafeCell<u32>,
}

// SAFETY: in these models only one thread writes `data`, and only while it holds a handle and
// before dropping it; all other accesses happen in `drop` (after the last handle is gone) or
// through `get_mut`/`try_unwrap` (when the handle is unique). The reference counts must order
// these accesses, which is exactly what the models check.
unsafe impl Sync for Payload {}

impl Payload {
    fn new() -> Self {
        Self {
            data: UnsafeCell::new(0),
        }
    }

    fn write(&self, v: u32) {
        // SAFETY: see the `Sync` impl: the model's protocol makes this the only access now.
        self.data.with_mut(|p| unsafe { *p = v });
    }

    fn read(&self) -> u32 {
        // SAFETY: see the `Sync` impl.
        self.data.with(|p| unsafe { *p })
    }
}

impl Drop for Payload {
    fn drop(&mut self) {
        let v = self.read();
        assert!(
            v == 0 || v == 1,
            "the destructor sees a value that was written: {v}"
        );
    }
}

#[test]
fn atomic_shared_destructor_sees_the_other_threads_write() {
    loom::model(|| {
        let a = AtomicShared::new(Payload::new());
        let b = a.clone();
        let t = thread::spawn(move || {
            b.write(1);
            drop(b);
        });
        drop(a);
        t.join().unwrap();
    });
}

#[test]
fn atomic_shared_get_mut_is_ordered_after_the_other_drop() {
    loom::model(|| {
        let mut a = AtomicShared::new(Payload::new());
        let b = a.clone();
        let t = thread::spawn(move || {
            b.write(1);
            drop(b);
        });
        // Only succeeds once the other handle is gone; the write then must not race with the
        // other thread's write (is_unique's Acquire load orders them).
        if let Some(p) = a.get_mut() {
            p.write(0);
        }
        t.join().unwrap();
        assert_eq!(a.ref_count(), 1);
    });
}

#[test]
fn atomic_shared_try_unwrap_is_ordered_after_the_other_drop() {
    loom::model(|| {
        let a = AtomicShared::new(Payload::new());
        let b = a.clone();
        let t = thread::spawn(move || {
            b.write(1);
            drop(b);
        });
        match a.try_unwrap() {
            Ok(p) => p.write(0),
            Err(a) => drop(a),
        }
        t.join().unwrap();
    });
}

struct Node {
    count: AtomicRefCount,
    payload: Payload,
}
ref_counted!(Node, count);

#[test]
fn ref_ptr_destructor_sees_the_other_threads_write() {
    loom::model(|| {
        let a = RefPtr::new(Node {
            count: AtomicRefCount::new(),
            payload: Payload::new(),
        });
        let b = a.clone();
        let t = thread::spawn(move || {
            b.payload.write(1);
            drop(b);
        });
        drop(a);
        t.join().unwrap();
    });
}
