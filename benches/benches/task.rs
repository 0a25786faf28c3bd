//! makai-task against its peers, all in one run:
//!
//! - `queue_4p1c`: 4 producer threads send 25 000 items each (10^5 in all) to one consumer:
//!   `UnboundedQueue` (intrusive items, pushed singly, and in batches of 64) vs
//!   `crossbeam-channel` unbounded and `std::sync::mpsc` (sending `u64`s). The consumer sums
//!   the values, so every item is read.
//! - `pool_1m_tasks`: 10^6 tiny tasks (each bumps a counter; the last one sets an event):
//!   `ThreadPool::schedule_batch` of intrusive tasks in batches of 1024 and
//!   `ThreadPool::spawn` (boxed closures) vs `rayon::ThreadPool::spawn` + a counter, with the
//!   same number of workers.
//! - `loop_tick_1m`: 10^6 tasks through one loop: `EventLoop` with 8-byte `tagged_union!`
//!   handles pointing at 1024 distinct objects (two kinds) vs a `Vec<Box<dyn FnOnce()>>`
//!   loop doing the same work. Both build and run the 10^6 tasks per iteration.
//! - `round_trip`: one job from the loop thread to a worker and its result back, one at a
//!   time: `EventLoop::spawn_promise` on a 1-thread `ThreadPool` vs a `crossbeam-channel`
//!   request/reply pair with a dedicated worker thread. Besides criterion's mean, the bench
//!   prints the median and p99 of 20 000 timed round trips.
//!
//! A counting allocator prints allocations per item for the queue and the pool.
//!
//! Reproduce: `cargo bench -p makai-benches --bench task`.

use std::hint::black_box;
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use makai::ptr::tagged_union;
use makai::task::{
    Batch, EventLoop, Link, Linked, LoopTask, ResetEvent, Task, ThreadPool, UnboundedQueue,
};
use makai_benches::{CountingAlloc, count_allocations};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const PRODUCERS: usize = 4;
const PER_PRODUCER: usize = 25_000;

struct Item {
    value: u64,
    link: Link<Item>,
}

// SAFETY: `link` returns the same field every time.
unsafe impl Linked for Item {
    fn link(&self) -> &Link<Item> {
        &self.link
    }
}

/// One round of the makai queue: producers push their (reused) items, the consumer pops
/// until it has them all. Returns the sum.
fn makai_queue_round(queue: &UnboundedQueue<Item>, stores: &mut [Vec<Item>], batch: usize) -> u64 {
    std::thread::scope(|s| {
        for store in stores.iter_mut() {
            s.spawn(move || {
                if batch <= 1 {
                    for item in store.iter_mut() {
                        // SAFETY: the stores outlive the round and every item is popped
                        // before the next round pushes it again.
                        unsafe { queue.push(NonNull::from(item)) };
                    }
                } else {
                    for chunk in store.chunks_mut(batch) {
                        let mut b = Batch::new();
                        for item in chunk {
                            // SAFETY: as above.
                            unsafe { b.push_back(NonNull::from(item)) };
                        }
                        // SAFETY: as above.
                        unsafe { queue.push_batch(b) };
                    }
                }
            });
        }
        let mut consumer = queue.try_consumer().expect("one consumer");
        let mut got = 0;
        let mut sum = 0u64;
        while got < PRODUCERS * PER_PRODUCER {
            let all = consumer.pop_all();
            if all.is_empty() {
                // Give the core to the producers, as a blocking `recv` does (the machine has
                // fewer cores than threads here; spinning would starve them).
                std::thread::yield_now();
                continue;
            }
            for item in all {
                // SAFETY: the item lives in `stores`.
                sum += unsafe { item.as_ref() }.value;
                got += 1;
            }
        }
        sum
    })
}

fn crossbeam_round() -> u64 {
    let (tx, rx) = crossbeam_channel::unbounded::<u64>();
    std::thread::scope(|s| {
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            s.spawn(move || {
                for i in 0..PER_PRODUCER {
                    tx.send((p * PER_PRODUCER + i) as u64).unwrap();
                }
            });
        }
        drop(tx);
        rx.iter().sum()
    })
}

fn mpsc_round() -> u64 {
    let (tx, rx) = std::sync::mpsc::channel::<u64>();
    std::thread::scope(|s| {
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            s.spawn(move || {
                for i in 0..PER_PRODUCER {
                    tx.send((p * PER_PRODUCER + i) as u64).unwrap();
                }
            });
        }
        drop(tx);
        rx.iter().sum()
    })
}

fn bench_queue(c: &mut Criterion) {
    let mut stores: Vec<Vec<Item>> = (0..PRODUCERS)
        .map(|p| {
            (0..PER_PRODUCER)
                .map(|i| Item {
                    value: (p * PER_PRODUCER + i) as u64,
                    link: Link::new(),
                })
                .collect()
        })
        .collect();
    let queue = UnboundedQueue::new();
    let n = (PRODUCERS * PER_PRODUCER) as u64;
    let expect = n * (n - 1) / 2;

    // Allocations per item (thread spawns of the round included, the same for every peer).
    let (sum, a) = count_allocations(|| makai_queue_round(&queue, &mut stores, 1));
    assert_eq!(sum, expect);
    let (_, ab) = count_allocations(|| makai_queue_round(&queue, &mut stores, 64));
    let (sum, cb) = count_allocations(crossbeam_round);
    assert_eq!(sum, expect);
    let (_, m) = count_allocations(mpsc_round);
    eprintln!(
        "queue_4p1c allocations per item: UnboundedQueue {:.4}, batched {:.4}, crossbeam-channel {:.4}, std mpsc {:.4} (each round also spawns 4 threads)",
        a as f64 / n as f64,
        ab as f64 / n as f64,
        cb as f64 / n as f64,
        m as f64 / n as f64
    );

    let mut g = c.benchmark_group("queue_4p1c");
    g.throughput(Throughput::Elements(n));
    g.sample_size(20);
    g.bench_function("makai UnboundedQueue", |b| {
        b.iter(|| black_box(makai_queue_round(&queue, &mut stores, 1)));
    });
    g.bench_function("makai UnboundedQueue batch64", |b| {
        b.iter(|| black_box(makai_queue_round(&queue, &mut stores, 64)));
    });
    g.bench_function("crossbeam-channel unbounded", |b| {
        b.iter(|| black_box(crossbeam_round()));
    });
    g.bench_function("std mpsc", |b| b.iter(|| black_box(mpsc_round())));
    g.finish();
}

const POOL_TASKS: usize = 1_000_000;
const POOL_BATCH: usize = 1024;

/// The shared end condition of a pool round: a counter and the event the last task sets.
struct Finish {
    count: AtomicUsize,
    done: ResetEvent,
}

impl Finish {
    fn hit(&self) {
        // Relaxed increment; the last one publishes through the event's Release.
        if self.count.fetch_add(1, Ordering::Relaxed) + 1 == POOL_TASKS {
            self.done.set();
        }
    }
}

#[repr(C)]
struct Tiny {
    task: Task,
    finish: *const Finish,
}

// SAFETY: `finish` points to a `Finish` (Sync) that outlives the round.
unsafe impl Send for Tiny {}

fn run_tiny(task: NonNull<Task>) {
    // SAFETY: every task scheduled with `run_tiny` is the first field of a live `Tiny`,
    // pointed to with the whole struct's provenance; its `finish` outlives the round.
    let tiny = unsafe { task.cast::<Tiny>().as_ref() };
    // SAFETY: `finish` outlives the round (the scheduler waits for the last task).
    let finish = unsafe { &*tiny.finish };
    finish.hit();
}

fn bench_pool(c: &mut Criterion) {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let pool = ThreadPool::new(threads);
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut tiny: Vec<Tiny> = (0..POOL_TASKS)
        .map(|_| Tiny {
            task: Task::new(run_tiny),
            finish: std::ptr::null(),
        })
        .collect();

    let makai_batched = |tiny: &mut [Tiny]| {
        let finish = Finish {
            count: AtomicUsize::new(0),
            done: ResetEvent::new(),
        };
        for chunk in tiny.chunks_mut(POOL_BATCH) {
            let mut batch = Batch::new();
            for t in chunk {
                t.finish = &raw const finish;
                // SAFETY: `tiny` and `finish` outlive the round (we wait for the last task).
                unsafe { batch.push_back(NonNull::from(&mut t.task)) };
            }
            // SAFETY: as above.
            unsafe { pool.schedule_batch(batch) };
        }
        finish.done.wait();
    };
    let makai_spawn = || {
        let finish = Arc::new(Finish {
            count: AtomicUsize::new(0),
            done: ResetEvent::new(),
        });
        for _ in 0..POOL_TASKS {
            let f = Arc::clone(&finish);
            pool.spawn(move || f.hit());
        }
        finish.done.wait();
    };
    let rayon_spawn = || {
        let finish = Arc::new(Finish {
            count: AtomicUsize::new(0),
            done: ResetEvent::new(),
        });
        for _ in 0..POOL_TASKS {
            let f = Arc::clone(&finish);
            rayon_pool.spawn(move || f.hit());
        }
        finish.done.wait();
    };

    let ((), a) = count_allocations(|| makai_batched(&mut tiny));
    let ((), s) = count_allocations(makai_spawn);
    let ((), r) = count_allocations(rayon_spawn);
    eprintln!(
        "pool_1m_tasks ({threads} workers) allocations per task: schedule_batch {:.4}, spawn {:.4}, rayon spawn {:.4}",
        a as f64 / POOL_TASKS as f64,
        s as f64 / POOL_TASKS as f64,
        r as f64 / POOL_TASKS as f64
    );

    let mut g = c.benchmark_group("pool_1m_tasks");
    g.throughput(Throughput::Elements(POOL_TASKS as u64));
    g.sample_size(10);
    g.bench_function("makai schedule_batch(1024)", |b| {
        b.iter(|| makai_batched(&mut tiny));
    });
    g.bench_function("makai spawn (boxed)", |b| b.iter(makai_spawn));
    g.bench_function("rayon spawn + counter", |b| b.iter(rayon_spawn));
    g.finish();
}

#[derive(Debug)]
/// Per-object state the loop tasks update (1024 of each kind, so the tasks touch distinct
/// memory like real completions do).
pub struct Counter {
    hits: u64,
}
/// The second kind of object.
#[derive(Debug)]
pub struct Mixer {
    state: u64,
}

tagged_union! {
    /// The loop task: a pointer to the object whose completion runs.
    pub Job { Count(NonNull<Counter>), Mix(NonNull<Mixer>) }
}

impl LoopTask for Job {
    fn run(self, _: &mut EventLoop<Job>) {
        match self.into_inner() {
            // SAFETY: the objects outlive the loop's tick and are touched only by it.
            JobOwned::Count(c) => unsafe { (*c.as_ptr()).hits += 1 },
            // SAFETY: as above.
            JobOwned::Mix(m) => unsafe {
                let s = &mut (*m.as_ptr()).state;
                *s = s.rotate_left(5) ^ 0x9e37_79b9;
            },
        }
    }
}

const LOOP_TASKS: usize = 1_000_000;
const OBJECTS: usize = 1024;

fn bench_loop(c: &mut Criterion) {
    let mut counters: Vec<Counter> = (0..OBJECTS).map(|_| Counter { hits: 0 }).collect();
    let mut mixers: Vec<Mixer> = (0..OBJECTS).map(|i| Mixer { state: i as u64 }).collect();
    let counter_ptrs: Vec<NonNull<Counter>> = counters.iter_mut().map(NonNull::from).collect();
    let mixer_ptrs: Vec<NonNull<Mixer>> = mixers.iter_mut().map(NonNull::from).collect();
    // The same pseudo-random sequence of (kind, object) for both contenders.
    let order: Vec<(bool, usize)> = (0..LOOP_TASKS)
        .map(|i| {
            let h = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (h >> 63 == 1, (h >> 20) as usize % OBJECTS)
        })
        .collect();
    let mut ev = EventLoop::<Job>::new();

    let mut g = c.benchmark_group("loop_tick_1m");
    g.throughput(Throughput::Elements(LOOP_TASKS as u64));
    g.sample_size(10);
    g.bench_function("makai EventLoop tagged tasks", |b| {
        b.iter(|| {
            for &(count, i) in &order {
                ev.enqueue(if count {
                    Job::Count(counter_ptrs[i])
                } else {
                    Job::Mix(mixer_ptrs[i])
                });
            }
            black_box(ev.tick())
        });
    });
    g.bench_function("Vec<Box<dyn FnOnce()>> loop", |b| {
        b.iter(|| {
            let mut tasks: Vec<Box<dyn FnOnce()>> = Vec::new();
            for &(count, i) in &order {
                if count {
                    let c = counter_ptrs[i];
                    // SAFETY: as in `Job::run`.
                    tasks.push(Box::new(move || unsafe { (*c.as_ptr()).hits += 1 }));
                } else {
                    let m = mixer_ptrs[i];
                    tasks.push(Box::new(move || {
                        // SAFETY: as in `Job::run`.
                        let s = unsafe { &mut (*m.as_ptr()).state };
                        *s = s.rotate_left(5) ^ 0x9e37_79b9;
                    }));
                }
            }
            let n = tasks.len();
            for t in tasks {
                t();
            }
            black_box(n)
        });
    });
    g.finish();
    black_box((&counters[0].hits, &mixers[0].state));
}

/// A loop task type for the round trip (never enqueued: completions run as callbacks).
struct Never;
impl LoopTask for Never {
    fn run(self, _: &mut EventLoop<Never>) {}
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort_unstable();
    (v[v.len() / 2], v[v.len() * 99 / 100])
}

fn bench_round_trip(c: &mut Criterion) {
    let pool = ThreadPool::new(1);
    let mut ev = EventLoop::<Never>::new();
    let got = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let mut makai_trip = |x: u64| {
        let g = std::rc::Rc::clone(&got);
        ev.spawn_promise(&pool, move || x + 1, move |_, r| g.set(r));
        ev.run();
        got.get()
    };

    let (req_tx, req_rx) = crossbeam_channel::unbounded::<u64>();
    let (rep_tx, rep_rx) = crossbeam_channel::unbounded::<u64>();
    let worker = std::thread::spawn(move || {
        for x in req_rx {
            rep_tx.send(x + 1).unwrap();
        }
    });
    let crossbeam_trip = |x: u64| {
        req_tx.send(x).unwrap();
        rep_rx.recv().unwrap()
    };

    // Median and p99 over 20 000 trips each, interleaved in blocks to share the noise.
    let mut makai_t = Vec::new();
    let mut cb_t = Vec::new();
    for block in 0..20 {
        for i in 0..1000u64 {
            let t = Instant::now();
            assert_eq!(makai_trip(i), i + 1);
            makai_t.push(t.elapsed());
            let t = Instant::now();
            assert_eq!(crossbeam_trip(i), i + 1);
            cb_t.push(t.elapsed());
        }
        black_box(block);
    }
    let (m50, m99) = percentiles(makai_t);
    let (c50, c99) = percentiles(cb_t);
    eprintln!(
        "round_trip latency: makai spawn_promise median {m50:?} p99 {m99:?}; crossbeam-channel median {c50:?} p99 {c99:?}"
    );

    let mut g = c.benchmark_group("round_trip");
    g.throughput(Throughput::Elements(1));
    let mut x = 0u64;
    g.bench_function("makai loop->pool->loop", |b| {
        b.iter(|| {
            x = makai_trip(x);
        });
    });
    g.bench_function("crossbeam-channel request/reply", |b| {
        b.iter(|| {
            x = crossbeam_trip(x);
        });
    });
    g.finish();
    drop(req_tx);
    worker.join().unwrap();
    black_box(x);
}

criterion_group!(
    benches,
    bench_queue,
    bench_pool,
    bench_loop,
    bench_round_trip
);
criterion_main!(benches);
