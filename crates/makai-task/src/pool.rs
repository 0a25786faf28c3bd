//! [`ThreadPool`]: fixed workers running intrusive [`Task`]s, with batch scheduling, work
//! stealing and futex parking (Bun's `ThreadPool`, after kprotty's zap design).
//!
//! Where work lives:
//! - tasks scheduled from outside the pool go to one shared [`UnboundedQueue`] (one swap per
//!   task or per batch, no allocation);
//! - tasks scheduled by a running task go to its worker's local deque (`crossbeam-deque`);
//! - a worker looks in its own deque, then takes the shared queue's consumer handle and moves
//!   up to [`INJECT_BATCH`] tasks into its deque, then steals half of another worker's deque.
//!
//! Idle workers sleep on a futex (see [`Sleepers`]).

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::Mutex;

use crossbeam_deque::{Steal, Stealer, Worker};

use crate::queue::{Batch, Link, Linked, UnboundedQueue};
use crate::sleep::Sleepers;
use crate::sync::{Arc, AtomicBool, Ordering, thread};

/// How many tasks a worker moves from the shared queue into its own deque per visit: enough to
/// amortise the consumer handle, few enough that other workers find work to steal.
const INJECT_BATCH: usize = 64;

/// Idle rounds a worker spends spinning before it yields: one CPU pause hint each, then a
/// look for work. One hint per look keeps the time from a task's arrival to a spinning
/// worker noticing it at one hint (a pause costs from a few to a few dozen nanoseconds
/// depending on the CPU; about 24 ns on the benchmark machine's EPYC), so the spin phase
/// lasts a few microseconds in all.
const SPIN_ROUNDS: u32 = 256;
/// Idle rounds a worker spends yielding its core before it parks: work scheduled within them
/// (a few microseconds when other threads want the core, less when none do) costs the
/// scheduler no wake-up.
const YIELD_ROUNDS: u32 = 16;

/// A unit of work for a [`ThreadPool`]: a link and a callback (Bun's `ThreadPool.Task`).
///
/// Embed a `Task` in your own struct and schedule a pointer to it; the pool calls
/// `callback` with the same pointer, from which the callback finds its struct again. With the
/// `Task` as the first field of a `#[repr(C)]` struct, and the pointer derived from a pointer
/// to the whole struct, the callback can cast it back.
///
/// ```
/// use makai_task::{Task, ThreadPool};
/// use std::ptr::NonNull;
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// #[repr(C)]
/// struct Sum {
///     task: Task, // first field: a pointer to `task` is a pointer to the `Sum`
///     n: u64,
///     out: AtomicU64,
/// }
///
/// fn run(task: NonNull<Task>) {
///     // SAFETY: every `Task` scheduled with this callback is the first field of a `Sum`,
///     // and the pointer was derived from a pointer to that whole `Sum`.
///     let sum = unsafe { task.cast::<Sum>().as_ref() };
///     sum.out.store((1..=sum.n).sum(), Ordering::Release);
/// }
///
/// # if cfg!(miri) { return; } // crossbeam-epoch in crossbeam-deque is not strict-provenance clean
/// let pool = ThreadPool::new(2);
/// let mut job = Sum { task: Task::new(run), n: 100, out: AtomicU64::new(0) };
/// let ptr = NonNull::from(&mut job).cast::<Task>();
/// // SAFETY: `job` stays alive and in place until the pool has run it (shutdown below
/// // waits for every task).
/// unsafe { pool.schedule(ptr) };
/// pool.shutdown().unwrap();
/// assert_eq!(job.out.load(Ordering::Acquire), 5050);
/// ```
#[repr(C)]
pub struct Task {
    link: Link<Task>,
    callback: fn(NonNull<Task>),
}

impl Task {
    /// A task that runs `callback` with a pointer to itself.
    #[must_use]
    pub fn new(callback: fn(NonNull<Task>)) -> Self {
        Self {
            link: Link::new(),
            callback,
        }
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("callback", &(self.callback as *const ()))
            .finish_non_exhaustive()
    }
}

// SAFETY: `link` returns the same field of `self` every time.
unsafe impl Linked for Task {
    fn link(&self) -> &Link<Task> {
        &self.link
    }
}

/// A task pointer that may cross threads (the scheduling contract makes this sound).
#[derive(Clone, Copy)]
struct TaskPtr(NonNull<Task>);

// SAFETY: `schedule`'s contract makes the task usable from whichever worker runs it.
unsafe impl Send for TaskPtr {}

/// The panics caught from tasks.
#[derive(Default)]
struct Panics {
    count: usize,
    first: Option<Box<dyn Any + Send + 'static>>,
}

struct Shared {
    injector: UnboundedQueue<Task>,
    stealers: Box<[Stealer<TaskPtr>]>,
    sleepers: Sleepers,
    shutdown: AtomicBool,
    panics: Mutex<Panics>,
}

impl Shared {
    fn has_work(&self) -> bool {
        // Acquire: pairs with `shutdown`'s Release store.
        self.shutdown.load(Ordering::Acquire)
            || !self.injector.is_empty()
            || self.stealers.iter().any(|s| !s.is_empty())
    }

    fn record_panic(&self, payload: Box<dyn Any + Send + 'static>) {
        let mut p = self.panics.lock().unwrap_or_else(|e| e.into_inner());
        p.count += 1;
        if p.first.is_none() {
            p.first = Some(payload);
        }
    }
}

/// The worker a thread is, if it is one: set for the whole life of a worker thread.
struct Current {
    shared: *const Shared,
    index: usize,
    local: *const Worker<TaskPtr>,
}

std::thread_local! {
    /// Points to the `Current` in this thread's `worker_main` frame while it runs, else null.
    static CURRENT: Cell<*const Current> = const { Cell::new(std::ptr::null()) };
}

/// The calling thread's worker record, when it is a worker of the pool behind `shared`.
fn current_worker(shared: *const Shared) -> Option<&'static Current> {
    let p = CURRENT.with(Cell::get);
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null CURRENT points to the `Current` of this thread's running
    // `worker_main` frame (cleared before that frame ends); callers use the reference only
    // within their own call, which that frame outlives.
    let current = unsafe { &*p };
    std::ptr::eq(current.shared, shared).then_some(current)
}

/// What [`ThreadPool::shutdown`] reports when tasks panicked: how many, and the first one's
/// payload (to re-raise with [`std::panic::resume_unwind`] if you like).
pub struct TaskPanicked {
    /// How many tasks panicked.
    pub count: usize,
    /// The payload of the first panic.
    pub payload: Box<dyn Any + Send + 'static>,
}

impl TaskPanicked {
    /// The first panic's message, when it was a string.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.payload
            .downcast_ref::<&'static str>()
            .copied()
            .or_else(|| self.payload.downcast_ref::<String>().map(String::as_str))
    }
}

impl fmt::Debug for TaskPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskPanicked")
            .field("count", &self.count)
            .field("message", &self.message())
            .finish()
    }
}

impl fmt::Display for TaskPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} pool task(s) panicked", self.count)?;
        if let Some(m) = self.message() {
            write!(f, "; the first with: {m}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TaskPanicked {}

/// A fixed set of worker threads running intrusive [`Task`]s (Bun's `ThreadPool`).
///
/// - **Scheduling allocates nothing**: [`schedule`](ThreadPool::schedule) and
///   [`schedule_batch`](ThreadPool::schedule_batch) link the caller's tasks into a lock-free
///   queue (one atomic swap per call) and wake at most as many sleeping workers as there are
///   tasks. [`spawn`](ThreadPool::spawn) is the closure convenience and boxes the closure.
/// - **Work stealing**: a task scheduled from a worker goes to that worker's deque; idle
///   workers steal half of a busy worker's deque.
/// - **Parking**: a worker that finds nothing looks again for a short, bounded while
///   (spinning, then yielding its core), then sleeps on its own futex word; it never spins
///   forever. Scheduling wakes a worker only when one sleeps, and wakes each sleeper once.
/// - **Shutdown runs queued work**: [`shutdown`](ThreadPool::shutdown) (and `Drop`) lets the
///   workers run every task already scheduled, including tasks those tasks schedule, then
///   joins them. Nothing is dropped or handed back.
/// - **Panics**: a panicking task does not kill its worker. The panic is caught, counted,
///   and the first payload kept; `shutdown` returns it as [`TaskPanicked`], and dropping a
///   pool whose tasks panicked (without calling `shutdown`) panics with that message, so a
///   panic is never silent. The panicking task's own memory is the task owner's business
///   (a [`spawn`](ThreadPool::spawn)ed closure is dropped by the unwinding). Catching does
///   not silence the panic hook: the default hook still prints each panic's message to
///   stderr as it happens (install your own with [`std::panic::set_hook`] to change that).
///   A job run by [`EventLoop::spawn_promise`](crate::EventLoop::spawn_promise) is not
///   counted here: its panic travels back and is resumed on the loop thread.
///
/// ```
/// use makai_task::{ThreadPool, WaitGroup};
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// # if cfg!(miri) { return; } // crossbeam-epoch in crossbeam-deque is not strict-provenance clean
/// let pool = ThreadPool::new(2);
/// let hits = Arc::new(AtomicUsize::new(0));
/// let wg = Arc::new(WaitGroup::new());
/// for _ in 0..100 {
///     wg.add(1);
///     let (hits, wg) = (Arc::clone(&hits), Arc::clone(&wg));
///     pool.spawn(move || {
///         hits.fetch_add(1, Ordering::Relaxed);
///         wg.done();
///     });
/// }
/// wg.wait();
/// assert_eq!(hits.load(Ordering::Relaxed), 100);
/// ```
pub struct ThreadPool {
    shared: Arc<Shared>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl ThreadPool {
    /// A pool of `threads` workers.
    ///
    /// # Panics
    ///
    /// If `threads` is 0 or a thread cannot be spawned (see [`try_new`](ThreadPool::try_new)).
    #[must_use]
    pub fn new(threads: usize) -> Self {
        match Self::try_new(threads) {
            Ok(pool) => pool,
            Err(e) => panic!("ThreadPool::new({threads}): {e}"),
        }
    }

    /// A pool of `threads` workers, reporting a failure to spawn them.
    ///
    /// # Errors
    ///
    /// [`std::io::ErrorKind::InvalidInput`] when `threads` is 0, or the error of spawning a
    /// thread (the threads already started are shut down first).
    pub fn try_new(threads: usize) -> std::io::Result<Self> {
        if threads == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a thread pool needs at least one thread",
            ));
        }
        let locals: Vec<Worker<TaskPtr>> = (0..threads).map(|_| Worker::new_fifo()).collect();
        let shared = Arc::new(Shared {
            injector: UnboundedQueue::new(),
            stealers: locals.iter().map(Worker::stealer).collect(),
            sleepers: Sleepers::new(threads),
            shutdown: AtomicBool::new(false),
            panics: Mutex::new(Panics::default()),
        });
        let mut pool = Self {
            shared,
            threads: Vec::with_capacity(threads),
        };
        for (index, local) in locals.into_iter().enumerate() {
            let shared = Arc::clone(&pool.shared);
            let spawned = thread::Builder::new()
                .name(format!("makai-pool-{index}"))
                .spawn(move || worker_main(&shared, index, &local));
            match spawned {
                Ok(handle) => pool.threads.push(handle),
                Err(e) => {
                    // Dropping `pool` shuts down the workers already running.
                    return Err(e);
                }
            }
        }
        Ok(pool)
    }

    /// The number of worker threads.
    #[must_use]
    pub fn threads(&self) -> usize {
        self.shared.stealers.len()
    }

    /// Schedules one task. Allocates nothing.
    ///
    /// # Safety
    ///
    /// `task` points to a live [`Task`] that stays alive and in place, and is not scheduled
    /// again, until its callback starts running; the callback must be sound to call with
    /// `task` on any worker thread (whatever `task` leads to must be `Send`).
    pub unsafe fn schedule(&self, task: NonNull<Task>) {
        if let Some(local) = self.local_worker() {
            local.push(TaskPtr(task));
        } else {
            // SAFETY: forwarded from the caller.
            unsafe { self.shared.injector.push(task) };
        }
        self.shared.sleepers.notify(1);
    }

    /// Schedules every task of `batch` with one atomic swap and wakes at most as many
    /// sleeping workers as there are tasks. Allocates nothing (from a worker, the tasks go to
    /// its deque, whose buffer grows when it must).
    ///
    /// # Safety
    ///
    /// As for [`schedule`](ThreadPool::schedule), for every task of `batch`.
    pub unsafe fn schedule_batch(&self, batch: Batch<Task>) {
        let n = u32::try_from(batch.len()).unwrap_or(u32::MAX);
        if n == 0 {
            return;
        }
        if let Some(local) = self.local_worker() {
            for task in batch {
                local.push(TaskPtr(task));
            }
        } else {
            // SAFETY: forwarded from the caller.
            unsafe { self.shared.injector.push_batch(batch) };
        }
        self.shared.sleepers.notify(n);
    }

    /// Runs `f` on a worker. Boxes the closure (one allocation); for allocation-free
    /// scheduling embed a [`Task`] and use [`schedule`](ThreadPool::schedule).
    pub fn spawn<F: FnOnce() + Send + 'static>(&self, f: F) {
        #[repr(C)]
        struct Spawned<F> {
            task: Task,
            f: F,
        }
        fn run<F: FnOnce()>(task: NonNull<Task>) {
            // SAFETY: the pointer is the `Box<Spawned<F>>` leaked below (its `task` field sits
            // at offset 0 of a `repr(C)` struct and the pointer keeps the whole allocation's
            // provenance); each spawned task runs once.
            let spawned = unsafe { Box::from_raw(task.cast::<Spawned<F>>().as_ptr()) };
            (spawned.f)();
        }
        let boxed = Box::new(Spawned {
            task: Task::new(run::<F>),
            f,
        });
        let ptr = NonNull::from(Box::leak(boxed)).cast::<Task>();
        // SAFETY: the box is leaked until `run` rebuilds it; `F: Send + 'static` makes it
        // usable on any worker.
        unsafe { self.schedule(ptr) };
    }

    /// The calling thread's deque, when it is one of this pool's workers.
    fn local_worker(&self) -> Option<&Worker<TaskPtr>> {
        let current = current_worker(Arc::as_ptr(&self.shared))?;
        // SAFETY: `local` points into the running `worker_main` frame of this very thread,
        // which outlives every task callback it makes (we are inside one).
        Some(unsafe { &*current.local })
    }

    /// Lets the workers run every queued task, joins them, and reports panicked tasks.
    ///
    /// # Errors
    ///
    /// [`TaskPanicked`] when at least one task panicked during the pool's life.
    pub fn shutdown(mut self) -> Result<(), TaskPanicked> {
        self.stop_and_join();
        let mut p = self.shared.panics.lock().unwrap_or_else(|e| e.into_inner());
        let count = std::mem::take(&mut p.count);
        match p.first.take() {
            Some(payload) => Err(TaskPanicked { count, payload }),
            None => Ok(()),
        }
    }

    fn stop_and_join(&mut self) {
        // Release: pairs with the workers' Acquire load in `has_work`.
        self.shared.shutdown.store(true, Ordering::Release);
        self.shared.sleepers.notify(u32::MAX);
        let me = current_worker(Arc::as_ptr(&self.shared)).map(|c| c.index);
        for (index, handle) in self.threads.drain(..).enumerate() {
            // Dropped from one of its own tasks: that worker cannot join itself; it exits on
            // its own once the queues are empty.
            if Some(index) != me {
                // A worker never panics (task panics are caught), so join cannot fail.
                let _ = handle.join();
            }
        }
    }
}

impl Default for ThreadPool {
    /// A pool with one worker per available CPU.
    fn default() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        if self.threads.is_empty() {
            return;
        }
        self.stop_and_join();
        let p = self.shared.panics.lock().unwrap_or_else(|e| e.into_inner());
        if p.count > 0 && !std::thread::panicking() {
            let count = p.count;
            let msg = p
                .first
                .as_ref()
                .and_then(|f| {
                    f.downcast_ref::<&'static str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| f.downcast_ref::<String>().cloned())
                })
                .unwrap_or_default();
            drop(p);
            panic!(
                "{count} pool task(s) panicked (pool dropped without `shutdown`); the first with: {msg}"
            );
        }
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("threads", &self.threads())
            .finish_non_exhaustive()
    }
}

fn worker_main(shared: &Arc<Shared>, index: usize, local: &Worker<TaskPtr>) {
    let current = Current {
        shared: Arc::as_ptr(shared),
        index,
        local: std::ptr::from_ref(local),
    };
    CURRENT.with(|c| c.set(&raw const current));
    /// Clears CURRENT before `current` goes out of scope, even when unwinding.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(std::ptr::null()));
        }
    }
    let _clear = Clear;

    let mut idle_rounds = 0;
    loop {
        if let Some(task) = find_task(shared, index, local) {
            run_task(shared, task);
            idle_rounds = 0;
            continue;
        }
        // Acquire: pairs with `stop_and_join`'s Release. Every queue was empty just now and no
        // one outside can schedule any more; the other workers run what they still hold.
        if shared.shutdown.load(Ordering::Acquire) {
            return;
        }
        // Look again for a short, bounded while before sleeping: work that arrives within it
        // is found without the scheduler paying a wake-up syscall (it sees no sleeper).
        if idle_rounds < SPIN_ROUNDS + YIELD_ROUNDS {
            if idle_rounds < SPIN_ROUNDS {
                std::hint::spin_loop();
            } else {
                thread::yield_now();
            }
            idle_rounds += 1;
            continue;
        }
        idle_rounds = 0;
        shared.sleepers.park(index, || shared.has_work());
    }
}

fn run_task(shared: &Shared, task: TaskPtr) {
    // SAFETY: `schedule`'s contract: the task is alive until its callback starts.
    let callback = unsafe { task.0.as_ref() }.callback;
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| callback(task.0))) {
        shared.record_panic(payload);
    }
}

fn find_task(shared: &Shared, index: usize, local: &Worker<TaskPtr>) -> Option<TaskPtr> {
    if let Some(t) = local.pop() {
        return Some(t);
    }
    // The emptiness checks are plain loads: an idle worker looking again does not write to
    // the lines the schedulers use.
    if !shared.injector.is_empty()
        && let Some(mut consumer) = shared.injector.try_consumer()
        && let Some(first) = consumer.pop()
    {
        let mut moved = 0;
        while moved < INJECT_BATCH - 1 {
            match consumer.pop() {
                Some(t) => local.push(TaskPtr(t)),
                None => break,
            }
            moved += 1;
        }
        drop(consumer);
        if moved > 0 {
            // More work than this worker can start now: let a sleeper steal some.
            shared.sleepers.notify(1);
        }
        return Some(TaskPtr(first));
    }
    let n = shared.stealers.len();
    for offset in 1..n {
        let victim = &shared.stealers[(index + offset) % n];
        if victim.is_empty() {
            continue;
        }
        loop {
            match victim.steal_batch_and_pop(local) {
                Steal::Success(t) => return Some(t),
                Steal::Empty => break,
                Steal::Retry => crate::sync::spin_loop(),
            }
        }
    }
    None
}
