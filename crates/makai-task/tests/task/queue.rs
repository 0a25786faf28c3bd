//! `UnboundedQueue`: order, batches, the consumer rule, and a 4-producer stress test.

use std::ptr::NonNull;
use std::sync::Arc;

use makai_task::{Batch, Link, Linked, UnboundedQueue};

struct Item {
    producer: u32,
    seq: u32,
    link: Link<Item>,
}

// SAFETY: `link` returns the same field every time.
unsafe impl Linked for Item {
    fn link(&self) -> &Link<Item> {
        &self.link
    }
}

fn items(producer: u32, n: u32) -> Vec<Item> {
    (0..n)
        .map(|seq| Item {
            producer,
            seq,
            link: Link::new(),
        })
        .collect()
}

/// Reads an item the test owns (the `Vec`s outlive the queue's use).
fn seq(item: NonNull<Item>) -> u32 {
    get(item).1
}

/// `(producer, seq)` of an item the test owns.
fn get(item: NonNull<Item>) -> (u32, u32) {
    // SAFETY: every pointer in these tests points into a live `Vec<Item>` of the test.
    let item = unsafe { item.as_ref() };
    (item.producer, item.seq)
}

#[test]
fn pop_is_fifo_and_empty_is_none() {
    let mut store = items(0, 5);
    let queue = UnboundedQueue::new();
    assert!(queue.is_empty());
    assert!(queue.try_consumer().unwrap().pop().is_none());
    for item in &mut store {
        // SAFETY: `store` outlives the queue's use and each item is pushed once.
        unsafe { queue.push(NonNull::from(item)) };
    }
    assert!(!queue.is_empty());
    let mut c = queue.try_consumer().unwrap();
    let got: Vec<u32> = std::iter::from_fn(|| c.pop()).map(seq).collect();
    assert_eq!(got, [0, 1, 2, 3, 4]);
    assert!(c.pop().is_none());
    assert!(c.is_empty());
}

#[test]
fn items_can_be_pushed_again_after_pop() {
    let mut store = items(0, 2);
    let queue = UnboundedQueue::new();
    let mut c = queue.try_consumer().unwrap();
    for round in 0..3 {
        for item in &mut store {
            // SAFETY: each item is out of the queue (popped) before it is pushed again.
            unsafe { queue.push(NonNull::from(item)) };
        }
        let got: Vec<u32> = std::iter::from_fn(|| c.pop()).map(seq).collect();
        assert_eq!(got, [0, 1], "round {round}");
    }
}

#[test]
fn one_consumer_at_a_time() {
    let mut queue = UnboundedQueue::<Item>::new();
    let c = queue.try_consumer().unwrap();
    assert!(queue.try_consumer().is_none(), "second consumer handed out");
    drop(c);
    assert!(queue.try_consumer().is_some());
    // `&mut` access gives one too, and after it the flag is released.
    drop(queue.consumer());
    assert!(queue.try_consumer().is_some());
}

#[test]
fn batch_push_stays_contiguous_and_pop_all_takes_everything() {
    let mut a = items(0, 3);
    let mut b = items(1, 2);
    let queue = UnboundedQueue::new();
    let mut batch = Batch::new();
    assert!(batch.is_empty());
    // SAFETY: pushing an empty batch is a no-op.
    unsafe { queue.push_batch(Batch::new()) };
    assert!(queue.is_empty());
    for item in &mut a {
        // SAFETY: `a` outlives the queue's use; each item is in one batch.
        unsafe { batch.push_back(NonNull::from(item)) };
    }
    let mut tail = Batch::new();
    for item in &mut b {
        // SAFETY: as above, for `b`.
        unsafe { tail.push_back(NonNull::from(item)) };
    }
    batch.append(tail);
    batch.append(Batch::new());
    assert_eq!(batch.len(), 5);
    // SAFETY: the items outlive the queue's use.
    unsafe { queue.push_batch(batch) };
    let mut c = queue.try_consumer().unwrap();
    let first = c.pop().unwrap();
    assert_eq!(seq(first), 0);
    let rest = c.pop_all();
    assert_eq!(rest.len(), 4);
    let got: Vec<(u32, u32)> = rest.map(get).collect();
    assert_eq!(got, [(0, 1), (0, 2), (1, 0), (1, 1)]);
    assert!(c.pop_all().is_empty());
    assert!(queue.is_empty());
}

#[test]
fn pop_all_then_push_again() {
    let mut store = items(0, 4);
    let queue = UnboundedQueue::new();
    let mut c = queue.try_consumer().unwrap();
    let (first, second) = store.split_at_mut(2);
    for item in first.iter_mut() {
        // SAFETY: the items outlive the queue's use.
        unsafe { queue.push(NonNull::from(item)) };
    }
    assert_eq!(c.pop_all().map(seq).collect::<Vec<_>>(), [0, 1]);
    for item in second.iter_mut() {
        // SAFETY: the items outlive the queue's use.
        unsafe { queue.push(NonNull::from(item)) };
    }
    assert_eq!(c.pop_all().map(seq).collect::<Vec<_>>(), [2, 3]);
}

/// 4 producers x 10^5 items (100 under Miri), half pushed singly and half in batches of 7:
/// every item arrives exactly once and each producer's items arrive in order.
#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn stress_four_producers_exactly_once_in_order() {
    const PRODUCERS: u32 = 4;
    let per = if cfg!(miri) { 100 } else { 100_000 };
    let mut stores: Vec<Vec<Item>> = (0..PRODUCERS).map(|p| items(p, per)).collect();
    let queue = Arc::new(UnboundedQueue::new());
    std::thread::scope(|s| {
        for store in &mut stores {
            let queue = Arc::clone(&queue);
            s.spawn(move || {
                let mut batch = Batch::new();
                for item in store.iter_mut() {
                    let ptr = NonNull::from(item);
                    if seq(ptr).is_multiple_of(2) {
                        // SAFETY: the stores outlive the scope; each item is pushed once.
                        unsafe { queue.push(ptr) };
                    } else {
                        // SAFETY: as above.
                        unsafe { batch.push_back(ptr) };
                        if batch.len() == 7 {
                            // SAFETY: as above.
                            unsafe { queue.push_batch(std::mem::take(&mut batch)) };
                        }
                    }
                }
                // SAFETY: as above.
                unsafe { queue.push_batch(batch) };
            });
        }
        // Batches keep their relative order with the producer's single pushes only at batch
        // granularity, so check order per producer among singles and among batched items.
        let mut next_even = [0u32; PRODUCERS as usize];
        let mut next_odd = [1u32; PRODUCERS as usize];
        let mut got = 0;
        let mut c = queue.try_consumer().unwrap();
        let total = PRODUCERS * per;
        while got < total {
            let mode = got % 3;
            let mut take = |item: NonNull<Item>| {
                let (p, n) = get(item);
                let p = p as usize;
                let expect = if n % 2 == 0 {
                    &mut next_even[p]
                } else {
                    &mut next_odd[p]
                };
                assert_eq!(n, *expect, "producer {p} out of order");
                *expect += 2;
                got += 1;
            };
            if mode == 0 {
                c.pop_all().for_each(&mut take);
            } else if let Some(item) = c.pop() {
                take(item);
            } else {
                std::thread::yield_now();
            }
        }
        assert!(c.pop().is_none());
    });
}
