//! loom models of makai-task's atomic protocols: the queue (push/push/pop, batch push,
//! pop-all, the consumer handle changing threads), the pool's park/wake handshake, `WaitGroup`, and the event loop's waker and
//! keep-alive counting.
//!
//! Run with `RUSTFLAGS="--cfg makai_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release -p
//! makai-task --test loom`.
#![cfg(makai_loom)]

use std::ptr::NonNull;

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use makai_task::loom_support::Sleepers;
use makai_task::{Batch, Link, Linked, UnboundedQueue, WaitGroup};

/// A queue item whose payload is a loom cell: reading it without a happens-before edge from
/// the producer's write is reported by loom as a causality violation.
struct Item {
    link: Link<Item>,
    value: UnsafeCell<u32>,
}

// SAFETY: `link` returns the same field every time.
unsafe impl Linked for Item {
    fn link(&self) -> &Link<Item> {
        &self.link
    }
}

fn new_item(value: u32) -> NonNull<Item> {
    let item = Box::new(Item {
        link: Link::new(),
        value: UnsafeCell::new(0),
    });
    // Written before the push: the push must publish it.
    // SAFETY: the item is not shared yet.
    item.value.with_mut(|v| unsafe { *v = value });
    NonNull::from(Box::leak(item))
}

/// Reads and frees a popped item.
fn take(item: NonNull<Item>) -> u32 {
    // SAFETY: every item is a leaked box, popped once.
    let item = unsafe { Box::from_raw(item.as_ptr()) };
    // Freeing the item is a plain write to its link: every producer store to the link must
    // happen before it (weakening the link store's Release or `wait_set`'s Acquire fails here).
    item.link.loom_assert_quiescent();
    // SAFETY: popped: the producer is done with it (loom checks that claim).
    item.value.with(|v| unsafe { *v })
}

/// Two producers push one item each; the consumer pops until it has both.
/// Key ordering: the producers' Release swap of `back` paired with the consumer's Acquire
/// swap that takes the chain (weakening either one fails this model and the next two).
/// Second key ordering: the producer's Release store of its item's link after the swap, paired
/// with the consumer's Acquire load of it (weakening either one fails this model and the next
/// two when `take` frees the item).
#[test]
fn queue_push_push_pop() {
    loom::model(|| {
        let q = Arc::new(UnboundedQueue::<Item>::new());
        let producers: Vec<_> = (1..=2)
            .map(|v| {
                let q = Arc::clone(&q);
                // SAFETY: the item lives until the consumer frees it.
                thread::spawn(move || unsafe { q.push(new_item(v)) })
            })
            .collect();
        let mut c = q.try_consumer().unwrap();
        let mut seen = Vec::new();
        while seen.len() < 2 {
            match c.pop() {
                Some(item) => seen.push(take(item)),
                None => thread::yield_now(),
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, [1, 2]);
        assert!(c.pop().is_none());
        drop(c);
        producers.into_iter().for_each(|t| t.join().unwrap());
    });
}

/// One producer pushes a batch of two, another a single item; the consumer pops one at a
/// time, and the batch comes out contiguous and in order.
#[test]
fn queue_batch_push() {
    loom::model(|| {
        let q = Arc::new(UnboundedQueue::<Item>::new());
        let q1 = Arc::clone(&q);
        let a = thread::spawn(move || {
            let mut b = Batch::new();
            // SAFETY: the items (all three) live until the consumer frees them.
            unsafe { b.push_back(new_item(10)) };
            // SAFETY: as above.
            unsafe { b.push_back(new_item(11)) };
            // SAFETY: as above.
            unsafe { q1.push_batch(b) };
        });
        let q2 = Arc::clone(&q);
        // SAFETY: the item lives until the consumer frees it.
        let b = thread::spawn(move || unsafe { q2.push(new_item(20)) });
        let mut c = q.try_consumer().unwrap();
        let mut seen = Vec::new();
        while seen.len() < 3 {
            match c.pop() {
                Some(item) => seen.push(take(item)),
                None => thread::yield_now(),
            }
        }
        let at = seen.iter().position(|&v| v == 10).unwrap();
        assert_eq!(seen.get(at + 1), Some(&11), "batch split: {seen:?}");
        drop(c);
        a.join().unwrap();
        b.join().unwrap();
    });
}

/// Two producers push; the consumer takes everything with `pop_all` until it has both.
/// Key ordering: as for `queue_push_push_pop`, through `pop_all`'s Acquire swap of `back`.
#[test]
fn queue_pop_all() {
    loom::model(|| {
        let q = Arc::new(UnboundedQueue::<Item>::new());
        let producers: Vec<_> = (1..=2)
            .map(|v| {
                let q = Arc::clone(&q);
                // SAFETY: the item lives until the consumer frees it.
                thread::spawn(move || unsafe { q.push(new_item(v)) })
            })
            .collect();
        let mut c = q.try_consumer().unwrap();
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let batch = c.pop_all();
            if batch.is_empty() {
                thread::yield_now();
            }
            seen.extend(batch.map(take));
        }
        seen.sort_unstable();
        assert_eq!(seen, [1, 2]);
        drop(c);
        producers.into_iter().for_each(|t| t.join().unwrap());
    });
}

/// The consumer handle changes threads (as the pool's workers take turns): a producer pushes a
/// batch of two; one thread takes the handle, pops the first item (the consumer moves both
/// into its own list) and drops the handle; the main thread, once it sees a Relaxed flag (no
/// happens-before edge of its own), takes the handle and pops the second item from that list.
/// Key ordering: the handle's Release (drop) and Acquire (`try_consumer`) on `consuming`.
#[test]
fn queue_consumer_handoff() {
    loom::model(|| {
        let q = Arc::new(UnboundedQueue::<Item>::new());
        let done = Arc::new(AtomicUsize::new(0));
        let (q1, done1) = (Arc::clone(&q), Arc::clone(&done));
        let first = thread::spawn(move || {
            let mut b = Batch::new();
            // SAFETY: the items (all three) live until a consumer frees them.
            unsafe { b.push_back(new_item(1)) };
            // SAFETY: as above.
            unsafe { b.push_back(new_item(2)) };
            // SAFETY: as above.
            unsafe { q1.push_batch(b) };
            let mut c = q1.try_consumer().unwrap();
            let v = take(c.pop().unwrap());
            drop(c);
            done1.store(1, Ordering::Relaxed);
            v
        });
        while done.load(Ordering::Relaxed) == 0 {
            thread::yield_now();
        }
        let mut c = q.try_consumer().expect("the other handle was dropped");
        let second = take(c.pop().expect("the second item is in the consumer's list"));
        assert!(c.pop().is_none());
        drop(c);
        assert_eq!((first.join().unwrap(), second), (1, 2));
    });
}

/// The pool's park/wake handshake: a worker that finds no work parks; a scheduler publishes
/// one unit of work and notifies. The worker must get it (a lost wake-up is a deadlock, which
/// loom reports). Key ordering: the SeqCst fences in `Sleepers::notify` and `Sleepers::park`.
#[test]
fn pool_park_wake() {
    loom::model(|| {
        let sleepers = Arc::new(Sleepers::new(1));
        let work = Arc::new(AtomicUsize::new(0));
        let (s, w) = (Arc::clone(&sleepers), Arc::clone(&work));
        let worker = thread::spawn(move || {
            loop {
                // Acquire: pairs with the scheduler's Release increment.
                if w.load(Ordering::Acquire) == 1 {
                    return;
                }
                s.park(0, || w.load(Ordering::Relaxed) == 1);
            }
        });
        // Relaxed: the `notify` fence orders it before the sleeper check, as the pool's queue
        // push is.
        work.store(1, Ordering::Relaxed);
        sleepers.notify(1);
        worker.join().unwrap();
        assert_eq!(sleepers.sleeping(), 0);
    });
}

/// Two workers and a scheduler: the scheduler publishes two units, calling `notify(1)` after
/// each; a worker takes units one at a time and parks when it finds none; the worker that
/// takes the last unit wakes everyone (as shutdown does). Every unit must be taken and both
/// workers must end (a lost wake-up, or a claim that leaves a worker asleep with work
/// pending, is a deadlock), and the sleeper count must come back to 0 (claims and take-backs
/// never double-count). Key ordering: the SeqCst fences in `notify` and `park`, and the
/// claim's Acquire against the announcement's Release.
#[test]
fn pool_park_wake_claims() {
    const UNITS: usize = 2;
    loom::model(|| {
        let sleepers = Arc::new(Sleepers::new(2));
        // Units published and not yet taken; units taken.
        let available = Arc::new(AtomicUsize::new(0));
        let taken = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..2)
            .map(|index| {
                let (s, a, t) = (
                    Arc::clone(&sleepers),
                    Arc::clone(&available),
                    Arc::clone(&taken),
                );
                thread::spawn(move || {
                    loop {
                        let n = a.load(Ordering::Acquire);
                        if n > 0 {
                            if a.compare_exchange(n, n - 1, Ordering::AcqRel, Ordering::Relaxed)
                                .is_ok()
                                && t.fetch_add(1, Ordering::AcqRel) + 1 == UNITS
                            {
                                s.notify(u32::MAX);
                            }
                            continue;
                        }
                        if t.load(Ordering::Acquire) == UNITS {
                            return;
                        }
                        s.park(index, || {
                            a.load(Ordering::Relaxed) > 0 || t.load(Ordering::Relaxed) == UNITS
                        });
                    }
                })
            })
            .collect();
        for _ in 0..UNITS {
            // Release: a worker that takes the unit sees it published.
            available.fetch_add(1, Ordering::Release);
            sleepers.notify(1);
        }
        workers.into_iter().for_each(|w| w.join().unwrap());
        assert_eq!(taken.load(Ordering::Relaxed), UNITS);
        assert_eq!(sleepers.sleeping(), 0);
    });
}

/// Two jobs write their slot and call `done`; after `wait` the waiter reads both slots.
/// Key ordering: `done`'s Release decrement paired with `wait`'s Acquire load.
#[test]
fn wait_group() {
    loom::model(|| {
        let wg = Arc::new(WaitGroup::new());
        let slots = Arc::new([UnsafeCell::new(0u32), UnsafeCell::new(0u32)]);
        wg.add(2);
        let jobs: Vec<_> = (0..2)
            .map(|i| {
                let (wg, slots) = (Arc::clone(&wg), Arc::clone(&slots));
                thread::spawn(move || {
                    // SAFETY: each job writes only its own slot (loom checks the waiter's read).
                    slots[i].with_mut(|p| unsafe { *p = 1 + i as u32 });
                    wg.done();
                })
            })
            .collect();
        wg.wait();
        // SAFETY: after `wait` the jobs are done writing (loom checks that claim).
        let sum: u32 = slots.iter().map(|s| s.with(|p| unsafe { *p })).sum();
        assert_eq!(sum, 3);
        jobs.into_iter().for_each(|t| t.join().unwrap());
    });
}

mod event_loop {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicUsize, Ordering};
    use loom::thread;
    use makai_task::{EventLoop, KeepAlive, LoopTask};

    /// A task that ends the keep-alive it carries and counts itself.
    struct Release(KeepAlive, Arc<AtomicUsize>);

    impl LoopTask for Release {
        fn run(mut self, ev: &mut EventLoop<Release>) {
            self.0.deactivate(ev);
            // Relaxed: read on this thread after `run` returns.
            self.1.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The loop sleeps until a task sent from another thread arrives: the send's wake-up is
    /// never lost (a lost one is a deadlock), and `run` returns after that task.
    /// Key ordering: the sender's Release swap of the wake state, paired with the loop's
    /// Acquire swap back to awake, which makes the pushed node visible to the drain.
    #[test]
    fn loop_waker() {
        loom::model(|| {
            let ran = Arc::new(AtomicUsize::new(0));
            let mut ev = EventLoop::new();
            let mut keep = KeepAlive::new();
            keep.activate(&mut ev);
            let handle = ev.handle();
            let r = Arc::clone(&ran);
            let sender = thread::spawn(move || handle.send(Release(keep, r)));
            ev.run();
            assert_eq!(ran.load(Ordering::Relaxed), 1);
            assert_eq!(ev.keep_alive_count(), 0);
            sender.join().unwrap();
        });
    }

    /// Two keep-alives, each ended by a task from its own thread: `run` returns only after
    /// both ran, never after the first.
    /// Key ordering: as for `loop_waker` (the count itself lives on the loop thread; what can
    /// break it is a completion the loop does not see).
    #[test]
    fn keep_alive_counting() {
        loom::model(|| {
            let ran = Arc::new(AtomicUsize::new(0));
            let mut ev = EventLoop::new();
            let senders: Vec<_> = (0..2)
                .map(|_| {
                    let mut keep = KeepAlive::new();
                    keep.activate(&mut ev);
                    let (handle, r) = (ev.handle(), Arc::clone(&ran));
                    thread::spawn(move || handle.send(Release(keep, r)))
                })
                .collect();
            assert_eq!(ev.keep_alive_count(), 2);
            ev.run();
            assert_eq!(ran.load(Ordering::Relaxed), 2);
            assert_eq!(ev.keep_alive_count(), 0);
            senders.into_iter().for_each(|t| t.join().unwrap());
        });
    }

    /// A task that counts itself.
    struct Count(Arc<AtomicUsize>);
    impl LoopTask for Count {
        fn run(self, _: &mut EventLoop<Count>) {
            // Relaxed: read on this thread after `run` returns.
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// An active keep-alive moved to another thread, which sends a task and drops the
    /// keep-alive, while the loop runs with nothing else to wake it: the drop wakes the loop,
    /// `run` returns (a missed drop is a deadlock) after the task ran, and the keep-alive no
    /// longer counts.
    /// Key ordering: the Release swap of the wake state in the drop's wake-up, paired with the
    /// loop's Acquire swap back to awake, which makes the recorded drop (and its hint) visible
    /// to the loop's next look. (Weakened to Relaxed, loom finds the deadlock.)
    #[test]
    fn keep_alive_dropped_elsewhere() {
        loom::model(|| {
            let ran = Arc::new(AtomicUsize::new(0));
            let mut ev = EventLoop::<Count>::new();
            let mut keep = KeepAlive::new();
            keep.activate(&mut ev);
            let (handle, r) = (ev.handle(), Arc::clone(&ran));
            let dropper = thread::spawn(move || {
                handle.send(Count(r));
                drop(keep);
            });
            ev.run();
            // The task sent before the drop has run by the time `run` returns.
            assert_eq!(ran.load(Ordering::Relaxed), 1);
            assert_eq!(ev.keep_alive_count(), 0);
            dropper.join().unwrap();
        });
    }
}
