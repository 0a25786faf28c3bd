//! `ThreadPool`: intrusive tasks, batches, nested spawns, shutdown and panics.

use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use makai_task::{Batch, ResetEvent, Task, ThreadPool, WaitGroup};

/// An intrusive job: counts its own runs.
#[repr(C)]
struct Job {
    task: Task,
    runs: AtomicUsize,
    done: Arc<WaitGroup>,
}

fn run_job(task: NonNull<Task>) {
    // SAFETY: every task scheduled with `run_job` is the first field of a live `Job`, and its
    // pointer was derived from a pointer to the whole `Job`.
    let job = unsafe { task.cast::<Job>().as_ref() };
    job.runs.fetch_add(1, Ordering::Relaxed);
    job.done.done();
}

fn jobs(n: usize, done: &Arc<WaitGroup>) -> Vec<Job> {
    (0..n)
        .map(|_| Job {
            task: Task::new(run_job),
            runs: AtomicUsize::new(0),
            done: Arc::clone(done),
        })
        .collect()
}

fn task_ptr(job: &mut Job) -> NonNull<Task> {
    NonNull::from(job).cast::<Task>()
}

#[test]
#[cfg_attr(
    miri,
    ignore = "crossbeam-epoch (inside crossbeam-deque) casts integers to pointers, which -Zmiri-strict-provenance rejects"
)]
fn intrusive_tasks_and_batches_run_exactly_once() {
    let n = if cfg!(miri) { 20 } else { 10_000 };
    let pool = ThreadPool::new(if cfg!(miri) { 2 } else { 3 });
    assert_eq!(pool.threads(), if cfg!(miri) { 2 } else { 3 });
    let done = Arc::new(WaitGroup::new());
    let mut store = jobs(n, &done);
    done.add(u32::try_from(n).unwrap());
    let (singles, batched) = store.split_at_mut(n / 2);
    for job in singles.iter_mut() {
        // SAFETY: `store` outlives the pool's use (we wait below); each job is scheduled once.
        unsafe { pool.schedule(task_ptr(job)) };
    }
    for chunk in batched.chunks_mut(13) {
        let mut batch = Batch::new();
        for job in chunk {
            // SAFETY: as above.
            unsafe { batch.push_back(task_ptr(job)) };
        }
        // SAFETY: as above.
        unsafe { pool.schedule_batch(batch) };
    }
    done.wait();
    assert!(store.iter().all(|j| j.runs.load(Ordering::Relaxed) == 1));
    pool.shutdown().unwrap();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn spawned_tasks_spawn_more_and_stealing_spreads_them() {
    let pool = Arc::new(ThreadPool::new(2));
    let hits = Arc::new(AtomicUsize::new(0));
    let wg = Arc::new(WaitGroup::new());
    let (outer, inner) = if cfg!(miri) { (3, 3) } else { (50, 100) };
    wg.add(outer * (inner + 1));
    for _ in 0..outer {
        let (p, hits, wg) = (Arc::clone(&pool), Arc::clone(&hits), Arc::clone(&wg));
        pool.spawn(move || {
            // Scheduled from a worker: these go to its local deque; the other worker steals.
            for _ in 0..inner {
                let (hits, wg) = (Arc::clone(&hits), Arc::clone(&wg));
                p.spawn(move || {
                    hits.fetch_add(1, Ordering::Relaxed);
                    wg.done();
                });
            }
            wg.done();
        });
    }
    wg.wait();
    assert_eq!(hits.load(Ordering::Relaxed), (outer * inner) as usize);
    Arc::into_inner(pool).unwrap().shutdown().unwrap();
}

/// Shutdown (and drop) runs every queued task before it returns: nothing is dropped or
/// handed back.
#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn shutdown_and_drop_run_queued_work() {
    let n = if cfg!(miri) { 10 } else { 2_000 };
    for via_drop in [false, true] {
        let pool = ThreadPool::new(1);
        let hits = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(ResetEvent::new());
        {
            // The first task holds the only worker until the gate opens, so the others are
            // still queued when shutdown starts.
            let gate = Arc::clone(&gate);
            pool.spawn(move || gate.wait());
        }
        for _ in 0..n {
            let hits = Arc::clone(&hits);
            pool.spawn(move || {
                hits.fetch_add(1, Ordering::Relaxed);
            });
        }
        assert_eq!(hits.load(Ordering::Relaxed), 0);
        let opener = {
            let gate = Arc::clone(&gate);
            std::thread::spawn(move || gate.set())
        };
        if via_drop {
            drop(pool);
        } else {
            pool.shutdown().unwrap();
        }
        assert_eq!(hits.load(Ordering::Relaxed), n, "via_drop = {via_drop}");
        opener.join().unwrap();
    }
}

/// The last handle to a pool dropped inside one of its own tasks: that worker is not joined
/// (it cannot join itself) and the drop does not deadlock.
#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn dropping_the_pool_from_its_own_task_does_not_deadlock() {
    let pool = Arc::new(ThreadPool::new(2));
    let started = Arc::new(ResetEvent::new());
    let finished = Arc::new(ResetEvent::new());
    let (p, s, f) = (
        Arc::clone(&pool),
        Arc::clone(&started),
        Arc::clone(&finished),
    );
    pool.spawn(move || {
        s.wait();
        drop(p); // the last handle: Drop runs here, on a worker
        f.set();
    });
    drop(pool);
    started.set();
    finished.wait();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn zero_threads_is_an_error() {
    let err = ThreadPool::try_new(0).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(std::panic::catch_unwind(|| ThreadPool::new(0)).is_err());
}

/// A panicking task does not kill its worker: later tasks still run, and shutdown reports
/// the panic with its count and message.
#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn panics_are_caught_counted_and_reported() {
    let pool = ThreadPool::new(1);
    let wg = Arc::new(WaitGroup::new());
    wg.add(1);
    pool.spawn(|| panic!("first boom"));
    pool.spawn(|| panic!("second boom"));
    let w = Arc::clone(&wg);
    pool.spawn(move || w.done()); // runs on the same (only) worker after the panics
    wg.wait();
    let err = pool.shutdown().unwrap_err();
    assert_eq!(err.count, 2);
    assert_eq!(err.message(), Some("first boom"));
    assert!(err.to_string().contains("2 pool task(s) panicked"));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn dropping_a_pool_whose_task_panicked_panics() {
    let pool = ThreadPool::new(1);
    pool.spawn(|| panic!("lost boom"));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(pool)));
    let payload = r.unwrap_err();
    let msg = payload.downcast_ref::<String>().unwrap();
    assert!(msg.contains("lost boom"), "{msg}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn default_pool_uses_available_parallelism() {
    let pool = ThreadPool::default();
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    assert_eq!(pool.threads(), cpus);
    assert!(format!("{pool:?}").contains("threads"));
}
