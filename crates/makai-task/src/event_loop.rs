//! [`EventLoop`]: the one-thread tick of Bun's event loop — a local run queue of tagged task
//! handles, a concurrent queue fed from any thread, a waker, timers and keep-alives.

use std::cell::UnsafeCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use makai_collections::{Dynamic, LinearFifo};

use crate::queue::{Link, Linked, UnboundedQueue};
use crate::sync::{Arc, AtomicU32, Ordering};

/// A task the [`EventLoop`] runs: typically a [`tagged_union!`](makai_ptr::tagged_union)
/// handle (8 bytes) whose `run` matches on the variant (Bun's `Task` and `tickQueueWithCount`).
///
/// `run` gets the loop, so a task can enqueue tasks, set timers and change keep-alives.
pub trait LoopTask: Sized + 'static {
    /// Runs the task on the loop thread.
    fn run(self, ev: &mut EventLoop<Self>);

    /// Handles one readiness event of a source registered with
    /// [`EventLoop::registry`] (feature `mio`). The default ignores it.
    #[cfg(feature = "mio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mio")))]
    fn io(ev: &mut EventLoop<Self>, event: &mio::event::Event) {
        let _ = (ev, event);
    }
}

/// An internal completion: called on the loop thread with the node, and with the loop (or
/// `None` when the loop is being dropped: then it frees the node without running anything).
pub(crate) type RunFn<T> = unsafe fn(NonNull<ConcurrentTask<T>>, Option<&mut EventLoop<T>>);

/// What a [`ConcurrentTask`] carries to the loop thread.
enum Payload<T: LoopTask> {
    /// A task for the local queue.
    Task(Option<T>),
    /// An internal completion (the promise helper): called with the node on the loop thread.
    Run(RunFn<T>),
}

/// A node that carries a task from any thread to an [`EventLoop`]'s thread (Bun's
/// `ConcurrentTask`): the link of the loop's concurrent queue plus the task.
///
/// [`LoopHandle::send`] boxes one per task; [`LoopHandle::send_node`] takes a node you
/// embed in your own long-lived struct, so sending allocates nothing.
///
/// ```
/// use makai_task::{ConcurrentTask, EventLoop, LoopTask};
/// use std::ptr::NonNull;
///
/// struct Print(u32);
/// impl LoopTask for Print {
///     fn run(self, _: &mut EventLoop<Print>) { assert_eq!(self.0, 7) }
/// }
///
/// let mut ev = EventLoop::new();
/// let handle = ev.handle();
/// let mut node = ConcurrentTask::new(Print(7));
/// // SAFETY: `node` stays alive and in place until the tick below has taken its task out.
/// unsafe { handle.send_node(NonNull::from(&mut node)) };
/// assert_eq!(ev.tick(), 1);
/// assert!(!node.is_pending()); // reusable: `node.refill(task)` and send it again
/// ```
pub struct ConcurrentTask<T: LoopTask> {
    link: Link<ConcurrentTask<T>>,
    payload: UnsafeCell<Payload<T>>,
    /// Boxed by `send`: the loop frees it after taking the task.
    auto_delete: bool,
}

// SAFETY: `link` returns the same field every time.
unsafe impl<T: LoopTask> Linked for ConcurrentTask<T> {
    fn link(&self) -> &Link<ConcurrentTask<T>> {
        &self.link
    }
}

// SAFETY: a node carries a `T` to another thread: sound when `T: Send`. The payload is only
// touched by the sender before the push and by the loop thread after the pop (the queue's
// Release/Acquire orders the two).
unsafe impl<T: LoopTask + Send> Send for ConcurrentTask<T> {}
// SAFETY: `&ConcurrentTask` exposes nothing but the atomic link.
unsafe impl<T: LoopTask + Send> Sync for ConcurrentTask<T> {}

impl<T: LoopTask> ConcurrentTask<T> {
    /// A node carrying `task`.
    #[must_use]
    pub fn new(task: T) -> Self {
        Self {
            link: Link::new(),
            payload: UnsafeCell::new(Payload::Task(Some(task))),
            auto_delete: false,
        }
    }

    /// A node that makes the loop call `run(node, loop)` (the promise helper's completion).
    pub(crate) fn with_run(run: RunFn<T>) -> Self {
        Self {
            link: Link::new(),
            payload: UnsafeCell::new(Payload::Run(run)),
            auto_delete: false,
        }
    }

    /// Puts `task` back into a node whose task the loop has taken (to reuse it).
    ///
    /// # Panics
    ///
    /// If the node still holds a task.
    pub fn refill(&mut self, task: T) {
        match self.payload.get_mut() {
            Payload::Task(slot @ None) => *slot = Some(task),
            _ => panic!("ConcurrentTask::refill: the node still holds a task"),
        }
    }

    /// Whether the node holds a task that the loop has not taken yet.
    #[must_use]
    pub fn is_pending(&mut self) -> bool {
        matches!(self.payload.get_mut(), Payload::Task(Some(_)))
    }
}

impl<T: LoopTask> fmt::Debug for ConcurrentTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConcurrentTask")
            .field("auto_delete", &self.auto_delete)
            .finish_non_exhaustive()
    }
}

const AWAKE: u32 = 0;
const SLEEPING: u32 = 1;
const NOTIFIED: u32 = 2;

/// Spin steps (CPU pause hints) a loop with nothing to do takes, watching for a notification,
/// before it sleeps: a few microseconds (a pause hint takes from a few to a few dozen
/// nanoseconds depending on the CPU; 24 ns on the benchmark machine), longer than a short pool
/// job takes to come back.
const SPIN_BEFORE_SLEEP: u32 = if cfg!(makai_loom) { 1 } else { 256 };

/// How another thread wakes the loop: the wake-up state word and, with `mio`, the poller's
/// waker. Not generic over the task type, so the registry of loops (see `dropped_active`) can
/// wake a loop whose keep-alive was dropped on another thread.
pub(crate) struct Wakeup {
    /// `AWAKE`, `SLEEPING` (the loop is about to sleep or sleeps) or `NOTIFIED` (a wake-up
    /// is pending).
    state: crate::sync::Futex,
    #[cfg(feature = "mio")]
    waker: mio::Waker,
}

impl Wakeup {
    pub(crate) fn wake(&self) {
        // Release: pairs with the loop's Acquire swap back to AWAKE, so the loop that consumes
        // this notification sees the task pushed (or the keep-alive drop recorded) before it.
        // (Weakened to Relaxed, the loom models `loop_waker` and `keep_alive_dropped_elsewhere`
        // lose the task or the drop and deadlock.)
        if self.state.word().swap(NOTIFIED, Ordering::Release) == SLEEPING {
            #[cfg(feature = "mio")]
            {
                // A failed eventfd/pipe write leaves the loop to its timeout; nothing to do.
                let _ = self.waker.wake();
            }
            #[cfg(not(feature = "mio"))]
            self.state.wake(1);
        }
    }
}

/// The loop's side that other threads touch: the concurrent queue and the wake-up.
pub(crate) struct Remote<T: LoopTask> {
    pub(crate) queue: UnboundedQueue<ConcurrentTask<T>>,
    pub(crate) wakeup: Wakeup,
    /// Live [`ConcurrentKeepAlive`]s: like active keep-alives, they keep `run` going.
    concurrent_refs: AtomicU32,
}

impl<T: LoopTask> Remote<T> {
    #[inline]
    pub(crate) fn wake(&self) {
        self.wakeup.wake();
    }
}

impl<T: LoopTask> Drop for Remote<T> {
    /// The last handle is gone, so nothing can be sent any more: drop the tasks that arrived
    /// after the loop was dropped (the loop drained the queue when it was dropped; a node sent
    /// after that waits here). A promise completion (a `Run` node) is left leaked: its callback
    /// need not be `Send` and this may be another thread (see `spawn_promise`).
    fn drop(&mut self) {
        let Some(mut consumer) = self.queue.try_consumer() else {
            return;
        };
        let batch = consumer.pop_all();
        drop(consumer);
        for node in batch {
            // SAFETY: a queued node is alive until its payload is taken (send contract), and
            // with the last reference to the queue gone no other thread touches it.
            let cell = unsafe { &(*node.as_ptr()).payload };
            // SAFETY: as above: no other reference to the payload exists.
            let payload = unsafe { &mut *cell.get() };
            if let Payload::Task(task) = payload {
                // Only `send`/`send_node` push task nodes, and they need `T: Send`, so dropping
                // the task on this thread is sound.
                let task = task.take();
                // SAFETY: as above; read before any free.
                if unsafe { node.as_ref() }.auto_delete {
                    // SAFETY: `send` leaked this box and no one else holds the node.
                    drop(unsafe { Box::from_raw(node.as_ptr()) });
                }
                drop(task);
            }
        }
    }
}

/// A `Send + Sync` handle to an [`EventLoop`]: sends tasks to the loop thread and wakes it.
/// Cloning it is one reference-count increment.
///
/// ```
/// use makai_task::{EventLoop, KeepAlive, LoopTask};
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// static TOTAL: AtomicU32 = AtomicU32::new(0);
///
/// // A plain enum works as a loop task; a `tagged_union!` handle is the 8-byte version.
/// enum Msg { Add(u32), Stop(KeepAlive) }
/// impl LoopTask for Msg {
///     fn run(self, ev: &mut EventLoop<Msg>) {
///         match self {
///             Msg::Add(n) => { TOTAL.fetch_add(n, Ordering::Relaxed); }
///             Msg::Stop(mut keep) => keep.deactivate(ev),
///         }
///     }
/// }
///
/// let mut ev = EventLoop::new();
/// let mut keep = KeepAlive::new();
/// keep.activate(&mut ev); // the worker's job keeps the loop alive ...
/// let handle = ev.handle();
/// let worker = std::thread::spawn(move || {
///     handle.send(Msg::Add(2));
///     handle.send(Msg::Add(3));
///     handle.send(Msg::Stop(keep)); // ... until it hands the keep-alive back
/// });
/// ev.run(); // sleeps until the tasks arrive; returns when the keep-alive ends
/// worker.join().unwrap();
/// assert_eq!(TOTAL.load(Ordering::Relaxed), 5);
/// ```
pub struct LoopHandle<T: LoopTask> {
    remote: Arc<Remote<T>>,
}

impl<T: LoopTask> Clone for LoopHandle<T> {
    fn clone(&self) -> Self {
        Self {
            remote: Arc::clone(&self.remote),
        }
    }
}

impl<T: LoopTask> fmt::Debug for LoopHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopHandle").finish_non_exhaustive()
    }
}

impl<T: LoopTask + Send> LoopHandle<T> {
    /// Sends `task` to the loop thread (boxing a [`ConcurrentTask`] for it) and wakes the
    /// loop. Bun's `enqueueTaskConcurrent` with an auto-deleting node.
    ///
    /// A task sent after the [`EventLoop`] has been dropped is never run: it waits in the
    /// queue and is dropped when the last handle is dropped (on that handle's thread).
    #[doc(alias = "enqueueTaskConcurrent")]
    pub fn send(&self, task: T) {
        let mut node = Box::new(ConcurrentTask::new(task));
        node.auto_delete = true;
        let node = NonNull::from(Box::leak(node));
        // SAFETY: the box is leaked until the loop frees it after taking the task.
        unsafe { self.send_node(node) };
    }

    /// Sends a caller-owned node: no allocation.
    ///
    /// # Safety
    ///
    /// `node` points to a live [`ConcurrentTask`] holding a task, that stays alive and in
    /// place, and is not sent again, until the loop has taken the task out (at the latest when
    /// the task starts running; reuse it with [`ConcurrentTask::refill`] after that).
    pub unsafe fn send_node(&self, node: NonNull<ConcurrentTask<T>>) {
        // SAFETY: forwarded from the caller.
        unsafe { self.send_raw(node) }
    }

    /// Wakes the loop without sending anything (a sleeping `run` re-checks its timers and
    /// queues).
    pub fn wake(&self) {
        self.remote.wake();
    }
}

impl<T: LoopTask> LoopHandle<T> {
    /// A keep-alive taken from any thread: while it lives, [`EventLoop::run`] does not
    /// return. Dropping it (on any thread) ends it and wakes the loop. Bun's
    /// `refConcurrently`/`unrefConcurrently`.
    ///
    /// Tasks this thread sent before dropping it have run when `run` returns because of it.
    #[doc(alias = "refConcurrently")]
    #[must_use = "the loop is kept alive only while the guard lives"]
    pub fn keep_alive(&self) -> ConcurrentKeepAlive<T> {
        // Relaxed: the increment only has to be seen by the loop's next check, which the
        // caller orders (the handle came from the loop thread, or a guard is already held).
        self.remote.concurrent_refs.fetch_add(1, Ordering::Relaxed);
        ConcurrentKeepAlive {
            remote: Arc::clone(&self.remote),
        }
    }
}

/// A keep-alive held from any thread, from [`LoopHandle::keep_alive`]: `Send + Sync`, ended
/// by dropping it. See [`KeepAlive`] for the loop-thread kind (no atomics).
///
/// ```
/// use makai_task::{EventLoop, LoopTask};
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// static SUM: AtomicU32 = AtomicU32::new(0);
/// struct Add(u32);
/// impl LoopTask for Add {
///     fn run(self, _: &mut EventLoop<Add>) { SUM.fetch_add(self.0, Ordering::Relaxed); }
/// }
///
/// let mut ev = EventLoop::new();
/// let handle = ev.handle();
/// let guard = handle.keep_alive(); // taken here, so `run` below cannot miss it
/// let worker = std::thread::spawn(move || {
///     handle.send(Add(4));
///     drop(guard); // the loop may end now; `Add(4)` has run by then
/// });
/// ev.run();
/// assert_eq!(SUM.load(Ordering::Relaxed), 4);
/// worker.join().unwrap();
/// ```
#[doc(alias = "unrefConcurrently")]
pub struct ConcurrentKeepAlive<T: LoopTask> {
    remote: Arc<Remote<T>>,
}

impl<T: LoopTask> Drop for ConcurrentKeepAlive<T> {
    fn drop(&mut self) {
        // Release: pairs with `run`'s Acquire load, so the tasks this thread sent before are
        // seen by the tick that follows that load.
        self.remote.concurrent_refs.fetch_sub(1, Ordering::Release);
        self.remote.wake();
    }
}

impl<T: LoopTask> fmt::Debug for ConcurrentKeepAlive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConcurrentKeepAlive")
            .finish_non_exhaustive()
    }
}

impl<T: LoopTask> LoopHandle<T> {
    /// # Safety
    ///
    /// As `send_node`; the node's payload may be any `Payload` whose use on the loop thread
    /// is sound (`Run` nodes are built by the promise helper).
    pub(crate) unsafe fn send_raw(&self, node: NonNull<ConcurrentTask<T>>) {
        // SAFETY: forwarded from the caller.
        unsafe { self.remote.queue.push(node) };
        self.remote.wake();
    }
}

/// The status of a [`KeepAlive`]: Bun's `KeepAlive.Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum KeepAliveStatus {
    /// Not counted (the start state).
    #[default]
    Inactive,
    /// Counted: the loop's `run` does not return while it is active.
    Active,
    /// Finished for good: never counted again.
    Done,
}

/// A reason for an [`EventLoop`] to keep running (Bun's `KeepAlive`, libuv's `ref`): while
/// any keep-alive of a loop is active, [`EventLoop::run`] does not return.
///
/// The methods are idempotent exactly like Bun's: `activate` only counts an inactive
/// keep-alive, `deactivate` only uncounts an active one, `done` uncounts it if needed and
/// then ignores every later `activate`.
///
/// **Dropping an active keep-alive uncounts it**, so a keep-alive lost with its owner (a
/// timer task given back by [`cancel_timeout`](EventLoop::cancel_timeout) and dropped, a
/// task that panicked, a struct dropped early) never keeps [`EventLoop::run`] going forever.
/// Dropped on the loop thread, it is seen at the end of the tick it happened in; dropped on
/// another thread, it also wakes the loop, so a sleeping `run` returns if it was the last,
/// after running the tasks that thread sent before dropping it. A `KeepAlive` is `Send`:
/// activate it on the loop thread, then move it to the worker whose job it stands for.
/// A keep-alive that outlives its loop is ignored when dropped. `deactivate` and `done` stay
/// the fast path: the drop of an active keep-alive takes a process-wide lock (it is the rare
/// path; an inactive or done keep-alive drops for free).
///
/// ```
/// use makai_task::{EventLoop, KeepAlive, KeepAliveStatus, LoopTask};
/// struct Nop;
/// impl LoopTask for Nop { fn run(self, _: &mut EventLoop<Nop>) {} }
///
/// let mut ev = EventLoop::<Nop>::new();
/// let mut keep = KeepAlive::new();
/// keep.activate(&mut ev);
/// keep.activate(&mut ev); // already active: not counted twice
/// assert_eq!(ev.keep_alive_count(), 1);
/// keep.done(&mut ev);
/// keep.activate(&mut ev); // done: ignored
/// assert_eq!(keep.status(), KeepAliveStatus::Done);
/// assert_eq!(ev.keep_alive_count(), 0);
/// ev.run(); // nothing keeps it alive: returns at once
/// ```
#[derive(Debug, Default)]
pub struct KeepAlive {
    status: KeepAliveStatus,
    /// The loop that counts it while active (to catch a keep-alive moved between loops).
    owner: u64,
}

impl KeepAlive {
    /// An inactive keep-alive.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            status: KeepAliveStatus::Inactive,
            owner: 0,
        }
    }

    /// The current status.
    #[must_use]
    pub fn status(&self) -> KeepAliveStatus {
        self.status
    }

    /// Whether it keeps a loop alive right now.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.status == KeepAliveStatus::Active
    }

    /// Counts it in `ev`'s keep-alives, if it is inactive.
    #[doc(alias = "ref")]
    pub fn activate<T: LoopTask>(&mut self, ev: &mut EventLoop<T>) {
        if self.status != KeepAliveStatus::Inactive {
            return;
        }
        self.status = KeepAliveStatus::Active;
        self.owner = ev.id;
        ev.active += 1;
    }

    /// Uncounts it, if it is active.
    ///
    /// # Panics
    ///
    /// If it was activated on another loop.
    #[doc(alias = "unref")]
    pub fn deactivate<T: LoopTask>(&mut self, ev: &mut EventLoop<T>) {
        if self.status != KeepAliveStatus::Active {
            return;
        }
        assert_eq!(
            self.owner, ev.id,
            "KeepAlive::deactivate: the keep-alive was activated on another loop"
        );
        self.status = KeepAliveStatus::Inactive;
        ev.active -= 1;
    }

    /// Uncounts it if active and marks it done: later `activate`s do nothing.
    ///
    /// # Panics
    ///
    /// If it is active on another loop.
    #[doc(alias = "disable")]
    pub fn done<T: LoopTask>(&mut self, ev: &mut EventLoop<T>) {
        self.deactivate(ev);
        self.status = KeepAliveStatus::Done;
    }
}

impl KeepAlive {
    /// Marks it done without touching any loop's count: for a keep-alive whose loop is being
    /// dropped (its count dies with it).
    pub(crate) fn disown(&mut self) {
        self.status = KeepAliveStatus::Done;
    }
}

impl Drop for KeepAlive {
    fn drop(&mut self) {
        if self.status == KeepAliveStatus::Active {
            dropped_active::record(self.owner);
        }
    }
}

/// The registry of live loops, for active keep-alives dropped without `deactivate`: each
/// loop's id, its wake-up, and how many of its keep-alives were dropped while active. The loop
/// subtracts them from its count when it next looks (`EventLoop::run`, `keep_alive_count`);
/// a drop on another thread also wakes it, so a sleeping `run` sees the drop and can return.
/// A loop registers when it is made and leaves when it is dropped; a keep-alive of a loop that
/// is gone is ignored.
mod dropped_active {
    use super::Wakeup;
    use crate::sync::{AtomicBool, Ordering};
    use std::ptr::NonNull;

    struct Entry {
        id: u64,
        /// Valid while the entry is in the registry (see `register`).
        wakeup: NonNull<Wakeup>,
        /// Its keep-alives dropped while active, not yet taken by the loop.
        dropped: u32,
    }

    // SAFETY: the entry only lends `&Wakeup` to whichever thread holds the registry lock, and
    // `Wakeup` is `Sync` (an atomic word, a futex fallback of mutex and condvar, a
    // `mio::Waker`); the pointee outlives the entry (see `register`).
    unsafe impl Send for Entry {}

    const _: () = {
        const fn sync<S: Sync>() {}
        sync::<Wakeup>();
    };

    #[cfg(makai_loom)]
    type Lock<V> = loom::sync::Mutex<V>;
    #[cfg(not(makai_loom))]
    type Lock<V> = std::sync::Mutex<V>;

    #[cfg(not(makai_loom))]
    static LOOPS: Lock<Vec<Entry>> = Lock::new(Vec::new());
    /// Whether some entry has `dropped > 0`: a hint that keeps the lock off the loop's path.
    /// Set and cleared under the lock. Relaxed: a drop on the loop thread is ordered before the
    /// loop's next look by program order, and one on another thread is followed by a wake-up
    /// whose Release/Acquire pair makes the store visible to the look after the wake-up.
    #[cfg(not(makai_loom))]
    static ANY: AtomicBool = AtomicBool::new(false);

    // Under loom the statics are per execution (and loom's mutex is what a model may block
    // on: a std mutex held across a loom scheduling point would hang the model).
    #[cfg(makai_loom)]
    loom::lazy_static! {
        static ref LOOPS: Lock<Vec<Entry>> = Lock::new(Vec::new());
        static ref ANY: AtomicBool = AtomicBool::new(false);
    }

    fn lock() -> impl std::ops::DerefMut<Target = Vec<Entry>> {
        // Nothing panics while holding the lock but a failed push; the list stays whole.
        LOOPS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds loop `id`, woken through `wakeup`.
    ///
    /// # Safety
    ///
    /// `wakeup` stays alive and in place until `unregister(id)` has returned.
    pub(super) unsafe fn register(id: u64, wakeup: &Wakeup) {
        lock().push(Entry {
            id,
            wakeup: NonNull::from(wakeup),
            dropped: 0,
        });
    }

    /// Removes loop `id` (and the drops recorded for it).
    pub(super) fn unregister(id: u64) {
        let mut loops = lock();
        if let Some(i) = loops.iter().position(|e| e.id == id) {
            loops.swap_remove(i);
        }
        let any = loops.iter().any(|e| e.dropped > 0);
        ANY.store(any, Ordering::Relaxed);
    }

    /// Records one active keep-alive of loop `id` dropped, and wakes that loop (ignored if the
    /// loop is gone).
    pub(super) fn record(id: u64) {
        let mut loops = lock();
        if let Some(e) = loops.iter_mut().find(|e| e.id == id) {
            e.dropped = e.dropped.saturating_add(1);
            ANY.store(true, Ordering::Relaxed);
            // SAFETY: the entry is registered, so its wake-up is alive (`register`); the lock
            // keeps `unregister` from running meanwhile.
            unsafe { e.wakeup.as_ref() }.wake();
        }
    }

    /// How many are recorded for `id`.
    pub(super) fn count(id: u64) -> u32 {
        if !ANY.load(Ordering::Relaxed) {
            return 0;
        }
        lock().iter().find(|e| e.id == id).map_or(0, |e| e.dropped)
    }

    /// Takes (resets and returns) the count recorded for `id`.
    pub(super) fn take(id: u64) -> u32 {
        if !ANY.load(Ordering::Relaxed) {
            return 0;
        }
        let mut loops = lock();
        let taken = loops
            .iter_mut()
            .find(|e| e.id == id)
            .map_or(0, |e| std::mem::take(&mut e.dropped));
        if taken > 0 {
            let any = loops.iter().any(|e| e.dropped > 0);
            ANY.store(any, Ordering::Relaxed);
        }
        taken
    }
}

/// Identifies a timer set with [`EventLoop::set_timeout`], for
/// [`cancel_timeout`](EventLoop::cancel_timeout).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimerId {
    slot: u32,
    generation: u32,
}

struct TimerSlot<T> {
    generation: u32,
    task: Option<T>,
}

/// Pending timers: a min-heap of (deadline, sequence, slot) over a slot table, so cancelling
/// is O(1) (the heap entry is skipped when it comes up) and equal deadlines fire in the order
/// they were set.
/// Dead heap entries tolerated beyond the live count before [`Timers::compact`] runs.
const COMPACT_SLACK: usize = 32;

struct Timers<T> {
    heap: BinaryHeap<Reverse<(Instant, u64, u32, u32)>>,
    slots: Vec<TimerSlot<T>>,
    free: Vec<u32>,
    seq: u64,
    live: usize,
}

impl<T> Timers<T> {
    fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            seq: 0,
            live: 0,
        }
    }

    fn insert(&mut self, deadline: Instant, task: T) -> TimerId {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                let s = u32::try_from(self.slots.len()).expect("more than u32::MAX timers");
                self.slots.push(TimerSlot {
                    generation: 0,
                    task: None,
                });
                s
            }
        };
        let entry = &mut self.slots[slot as usize];
        entry.task = Some(task);
        let generation = entry.generation;
        self.heap
            .push(Reverse((deadline, self.seq, slot, generation)));
        self.seq += 1;
        self.live += 1;
        TimerId { slot, generation }
    }

    fn remove(&mut self, id: TimerId) -> Option<T> {
        let entry = self.slots.get_mut(id.slot as usize)?;
        if entry.generation != id.generation {
            return None;
        }
        let task = entry.task.take()?;
        entry.generation = entry.generation.wrapping_add(1);
        self.free.push(id.slot);
        self.live -= 1;
        // A removed timer's heap entry stays until it reaches the top (a heap cannot drop an
        // inner entry cheaply). Once dead entries outnumber the live ones (and there are more
        // than a few), rebuild the heap from the live ones: O(heap) every time at least half
        // of it is dead, so O(1) amortised per cancel, and the heap stays within about twice
        // the live timers however many are set and cancelled.
        if self.heap.len() > 2 * self.live + COMPACT_SLACK {
            self.compact();
        }
        Some(task)
    }

    /// Drops every heap entry whose timer was removed.
    fn compact(&mut self) {
        let slots = &self.slots;
        self.heap.retain(|&Reverse((_, _, slot, generation))| {
            let entry = &slots[slot as usize];
            entry.generation == generation && entry.task.is_some()
        });
    }

    /// The earliest live deadline (dropping cancelled entries on the way).
    fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(&Reverse((deadline, _, slot, generation))) = self.heap.peek() {
            if self.slots[slot as usize].generation == generation {
                return Some(deadline);
            }
            self.heap.pop();
        }
        None
    }

    /// Pops the earliest timer due at `now`.
    fn pop_due(&mut self, now: Instant) -> Option<T> {
        let deadline = self.next_deadline()?;
        if deadline > now {
            return None;
        }
        let Reverse((_, _, slot, generation)) = self.heap.pop()?;
        self.remove(TimerId { slot, generation })
    }
}

static NEXT_LOOP_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A one-thread event loop (Bun's `EventLoop` tick): local tasks, tasks from other threads,
/// timers, and keep-alives that decide when [`run`](EventLoop::run) returns.
///
/// - **Local queue**: [`enqueue`](EventLoop::enqueue) appends a task `T` (typically an 8-byte
///   [`tagged_union!`](makai_ptr::tagged_union) handle) to a [`LinearFifo`]; a tick pops
///   and [`run`](LoopTask::run)s them in order, including tasks they enqueue.
/// - **Concurrent queue**: a [`LoopHandle`] (`Send`, from [`handle`](EventLoop::handle))
///   pushes [`ConcurrentTask`]s from any thread onto an [`UnboundedQueue`] and wakes the
///   loop; each tick moves them into the local queue.
/// - **Timers**: [`set_timeout`](EventLoop::set_timeout) /
///   [`cancel_timeout`](EventLoop::cancel_timeout); due timers fire in deadline order
///   (ties in the order set). A timer alone does not keep the loop alive: hold a
///   [`KeepAlive`] for it, as Bun's timers hold a ref.
/// - **Keep-alives**: `run` ticks and sleeps until no [`KeepAlive`] is active and no local
///   task is ready, then returns.
/// - **Sleeping**: without the `mio` feature the loop sleeps on a futex until the next
///   timer or a [`LoopHandle`] wakes it; with `mio`, in `mio::Poll` (register sources with
///   [`registry`](EventLoop::registry); events go to [`LoopTask::io`]), woken by a
///   `mio::Waker`.
///
/// The loop is neither `Send` nor `Sync`: it and its tasks stay on the thread that made it.
///
/// **Dropping the loop** drops, without running them, its queued local tasks, its pending
/// timers' tasks and the tasks other threads sent that it has not taken yet; a task sent after
/// the drop is dropped with the last [`LoopHandle`]. Keep-alives of a dropped loop are ignored.
///
/// ```compile_fail
/// use makai_task::{EventLoop, LoopTask};
/// struct Nop;
/// impl LoopTask for Nop { fn run(self, _: &mut EventLoop<Nop>) {} }
/// fn needs_send<S: Send>(_: S) {}
/// needs_send(EventLoop::<Nop>::new()); // the loop is !Send
/// ```
///
/// ```
/// use makai_ptr::tagged_union;
/// use makai_task::{EventLoop, KeepAlive, LoopTask};
/// use std::time::Duration;
///
/// pub struct Log { lines: Vec<&'static str>, keep: KeepAlive }
/// pub struct Tick(&'static str);
/// tagged_union! { pub Job { Line(Box<Tick>) } }
///
/// thread_local!(static LOG: std::cell::RefCell<Log> =
///     std::cell::RefCell::new(Log { lines: Vec::new(), keep: KeepAlive::new() }));
///
/// impl LoopTask for Job {
///     fn run(self, ev: &mut EventLoop<Job>) {
///         match self.into_inner() {
///             JobOwned::Line(t) => LOG.with(|l| {
///                 let mut l = l.borrow_mut();
///                 l.lines.push(t.0);
///                 if t.0 == "timer" {
///                     let mut keep = std::mem::take(&mut l.keep);
///                     keep.deactivate(ev); // the last keep-alive: run() returns after this tick
///                 }
///             }),
///         }
///     }
/// }
///
/// let mut ev = EventLoop::new();
/// LOG.with(|l| l.borrow_mut().keep.activate(&mut ev));
/// ev.set_timeout(Duration::from_millis(5), Job::Line(Box::new(Tick("timer"))));
/// ev.enqueue(Job::Line(Box::new(Tick("first"))));
/// ev.run();
/// assert_eq!(LOG.with(|l| l.borrow().lines.clone()), ["first", "timer"]);
/// ```
pub struct EventLoop<T: LoopTask> {
    tasks: LinearFifo<T, Dynamic>,
    pub(crate) remote: Arc<Remote<T>>,
    timers: Timers<T>,
    /// Active keep-alives.
    active: u32,
    id: u64,
    #[cfg(feature = "mio")]
    poll: mio::Poll,
    #[cfg(feature = "mio")]
    events: mio::Events,
    _not_send: PhantomData<*mut ()>,
}

/// The token the loop's own `mio::Waker` uses; user sources must use other tokens.
#[cfg(feature = "mio")]
#[cfg_attr(docsrs, doc(cfg(feature = "mio")))]
pub const WAKER_TOKEN: mio::Token = mio::Token(usize::MAX);

impl<T: LoopTask> EventLoop<T> {
    /// A loop with empty queues and no keep-alive.
    ///
    /// # Panics
    ///
    /// With feature `mio`, if the poller cannot be created (see
    /// [`try_new`](EventLoop::try_new)).
    #[must_use]
    pub fn new() -> Self {
        match Self::try_new() {
            Ok(ev) => ev,
            Err(e) => panic!("EventLoop::new: {e}"),
        }
    }

    /// A loop, reporting a failure to create the poller (only possible with feature `mio`).
    ///
    /// # Errors
    ///
    /// The error of `mio::Poll::new` or `mio::Waker::new`.
    pub fn try_new() -> std::io::Result<Self> {
        #[cfg(feature = "mio")]
        let poll = mio::Poll::new()?;
        #[cfg(feature = "mio")]
        let waker = mio::Waker::new(poll.registry(), WAKER_TOKEN)?;
        let ev = Self {
            tasks: LinearFifo::<T, Dynamic>::new(),
            remote: Arc::new(Remote {
                queue: UnboundedQueue::new(),
                wakeup: Wakeup {
                    state: crate::sync::Futex::new(AWAKE),
                    #[cfg(feature = "mio")]
                    waker,
                },
                concurrent_refs: AtomicU32::new(0),
            }),
            timers: Timers::new(),
            active: 0,
            id: NEXT_LOOP_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            #[cfg(feature = "mio")]
            poll,
            #[cfg(feature = "mio")]
            events: mio::Events::with_capacity(256),
            _not_send: PhantomData,
        };
        // SAFETY: the loop holds `remote` (so the wake-up stays alive and in place) until its
        // drop, which unregisters it first.
        unsafe { dropped_active::register(ev.id, &ev.remote.wakeup) };
        Ok(ev)
    }

    /// A handle for other threads to send tasks and wake the loop.
    #[must_use]
    pub fn handle(&self) -> LoopHandle<T> {
        LoopHandle {
            remote: Arc::clone(&self.remote),
        }
    }

    /// Appends a task to the local run queue (Bun's `enqueueTask`).
    ///
    /// Aborts through [`makai_error::out_of_memory`] if the queue cannot grow.
    #[doc(alias = "enqueueTask")]
    pub fn enqueue(&mut self, task: T) {
        if self.tasks.write_item(task).is_err() {
            makai_error::out_of_memory();
        }
    }

    /// Runs `task` after `delay` (Bun's `setTimeout`). The timer does not keep the loop
    /// alive by itself.
    #[doc(alias = "setTimeout")]
    pub fn set_timeout(&mut self, delay: Duration, task: T) -> TimerId {
        let deadline = Instant::now()
            .checked_add(delay)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(u64::from(u32::MAX)));
        self.timers.insert(deadline, task)
    }

    /// Cancels a pending timer and gives its task back; `None` if it already fired or was
    /// cancelled.
    ///
    /// A [`KeepAlive`] the task holds is uncounted when the task is dropped (see
    /// [`KeepAlive`]); call [`deactivate`](KeepAlive::deactivate) on it to say so explicitly.
    #[doc(alias = "clearTimeout")]
    #[must_use = "the cancelled task is given back; drop it explicitly if it is not needed"]
    pub fn cancel_timeout(&mut self, id: TimerId) -> Option<T> {
        self.timers.remove(id)
    }

    /// The number of active [`KeepAlive`]s (a dropped active one no longer counts). Live
    /// [`ConcurrentKeepAlive`]s are not in it (they are counted atomically, apart); `run`
    /// waits for both kinds.
    #[must_use]
    pub fn keep_alive_count(&self) -> u32 {
        self.active - dropped_active::count(self.id)
    }

    /// Uncounts the active keep-alives that were dropped without `deactivate`; returns how
    /// many.
    fn reclaim_dropped_keep_alives(&mut self) -> u32 {
        let dropped = dropped_active::take(self.id);
        self.active -= dropped;
        dropped
    }

    /// The number of tasks in the local run queue.
    #[must_use]
    pub fn pending_tasks(&self) -> usize {
        self.tasks.len()
    }

    /// The number of timers that have neither fired nor been cancelled.
    #[must_use]
    pub fn pending_timers(&self) -> usize {
        self.timers.live
    }

    /// The `mio` registry: register sources with tokens other than [`WAKER_TOKEN`]; their
    /// events are handed to [`LoopTask::io`] while the loop runs.
    #[cfg(feature = "mio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mio")))]
    #[must_use]
    pub fn registry(&self) -> &mio::Registry {
        self.poll.registry()
    }

    /// Moves every task sent from other threads into the local queue (running internal
    /// completions at once). Returns how many nodes it took.
    fn drain_concurrent(&mut self, running: bool) -> usize {
        let Some(mut consumer) = self.remote.queue.try_consumer() else {
            return 0;
        };
        let batch = consumer.pop_all();
        drop(consumer);
        let n = batch.len();
        for node in batch {
            // SAFETY: the node is alive until we take its payload (send contract), and only
            // this thread touches it now (the queue's Acquire ordered the sender's writes
            // before this read).
            let cell = unsafe { &(*node.as_ptr()).payload };
            // SAFETY: as above: no other reference to the payload exists.
            let payload = unsafe { &mut *cell.get() };
            match payload {
                Payload::Task(task) => {
                    let task = task.take();
                    // SAFETY: as above; read before any free.
                    let auto_delete = unsafe { node.as_ref() }.auto_delete;
                    if auto_delete {
                        // SAFETY: `send` leaked this box; the node is out of the queue and we
                        // are its last user.
                        drop(unsafe { Box::from_raw(node.as_ptr()) });
                    }
                    if let Some(task) = task
                        && running
                    {
                        self.enqueue(task);
                    }
                }
                Payload::Run(run) => {
                    let run = *run;
                    // SAFETY: `Run` nodes are built by the promise helper with a `run` that
                    // takes over the node on the loop thread.
                    unsafe { run(node, running.then_some(&mut *self)) };
                }
            }
        }
        n
    }

    /// Moves due timers' tasks into the local queue; returns how many fired.
    fn fire_timers(&mut self) -> usize {
        if self.timers.live == 0 {
            return 0;
        }
        let now = Instant::now();
        let mut fired = 0;
        while let Some(task) = self.timers.pop_due(now) {
            self.enqueue(task);
            fired += 1;
        }
        fired
    }

    /// One non-blocking tick: takes tasks from other threads, fires due timers, and runs the
    /// local queue until it is empty (tasks enqueued meanwhile run too). Returns the number of
    /// tasks run.
    pub fn tick(&mut self) -> usize {
        self.drain_concurrent(true);
        self.fire_timers();
        let mut ran = 0;
        while let Some(task) = self.tasks.read_item() {
            task.run(self);
            ran += 1;
        }
        ran
    }

    /// Ticks until no keep-alive is active, sleeping while nothing is ready (until the next
    /// timer, a [`LoopHandle`] wake-up or, with `mio`, an I/O event).
    ///
    /// Every call ticks at least once: ready local tasks, concurrent tasks that arrived and
    /// due timers run even when no keep-alive is active, and then it returns. Otherwise it
    /// returns right after the tick in which the last keep-alive ended: tasks that tick
    /// enqueued have run; timers still pending and tasks sent later stay for the next `run`.
    /// [`ConcurrentKeepAlive`]s (held on any thread) count as keep-alives too, and an active
    /// [`KeepAlive`] that was dropped stops counting (see its docs).
    pub fn run(&mut self) {
        loop {
            // Read before the tick: a `ConcurrentKeepAlive` seen ended here had its thread's
            // earlier sends pushed already (Acquire, pairing with its drop's Release), so the
            // tick runs them.
            let remote_refs = self.remote.concurrent_refs.load(Ordering::Acquire);
            self.tick();
            let dropped = self.reclaim_dropped_keep_alives();
            if self.active == 0 && remote_refs == 0 {
                // A keep-alive dropped on another thread after this tick's drain: the tasks
                // that thread sent before dropping it are queued by now (the registry lock
                // orders them before the count we took). Run them before returning: take them
                // and tick again (they may start keep-alives of their own).
                if dropped > 0 && self.drain_concurrent(true) > 0 {
                    continue;
                }
                return;
            }
            self.sleep();
        }
    }

    /// Sleeps until the next timer is due or another thread wakes the loop.
    fn sleep(&mut self) {
        let remote = Arc::clone(&self.remote);
        let w = remote.wakeup.state.word();
        // Watch for a notification a short, bounded while before sleeping: a reply that
        // arrives within it (a pool job's result, say) costs neither side a futex syscall.
        for _ in 0..SPIN_BEFORE_SLEEP {
            // Relaxed: only decides whether to stop spinning; the swap below synchronises.
            if w.load(Ordering::Relaxed) == NOTIFIED {
                break;
            }
            crate::sync::spin_loop();
        }
        // Acquire: pairs with a sender's Release swap (when a notification is pending).
        if w.compare_exchange(AWAKE, SLEEPING, Ordering::Acquire, Ordering::Acquire)
            .is_err()
        {
            // NOTIFIED: a task came in since the last check; consume the wake-up and look.
            // Acquire: pairs with the sender's Release swap.
            w.swap(AWAKE, Ordering::Acquire);
            return;
        }
        // Anything pushed before our SLEEPING store would have made the CAS fail; re-check the
        // local state that decides the timeout.
        let timeout = self
            .timers
            .next_deadline()
            .map(|d| d.saturating_duration_since(Instant::now()));
        if timeout != Some(Duration::ZERO) {
            self.park(timeout);
        }
        // Acquire: pairs with the Release swap of the sender that woke us.
        w.swap(AWAKE, Ordering::Acquire);
    }

    #[cfg(not(feature = "mio"))]
    fn park(&mut self, timeout: Option<Duration>) {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return,
                },
                None => None,
            };
            self.remote.wakeup.state.wait(SLEEPING, left);
            // Relaxed: only decides whether to keep sleeping; the caller's Acquire swap
            // synchronises.
            if self.remote.wakeup.state.word().load(Ordering::Relaxed) != SLEEPING {
                return;
            }
            #[cfg(makai_loom)]
            if left.is_some() {
                return;
            }
        }
    }

    #[cfg(feature = "mio")]
    fn park(&mut self, timeout: Option<Duration>) {
        // Round up so a timer 0.4 ms away does not make poll return early in a spin.
        let timeout = timeout.map(|t| {
            let ms = t.as_nanos().div_ceil(1_000_000);
            Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
        });
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return,
            Err(e) => panic!("EventLoop: mio::Poll::poll failed: {e}"),
        }
        let events = std::mem::replace(&mut self.events, mio::Events::with_capacity(0));
        for event in &events {
            if event.token() != WAKER_TOKEN {
                T::io(self, event);
            }
        }
        self.events = events;
    }
}

impl<T: LoopTask> Default for EventLoop<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: LoopTask> Drop for EventLoop<T> {
    fn drop(&mut self) {
        // Free the boxed nodes that arrived (their tasks are dropped, not run; promise results
        // are dropped without calling their callbacks). Caller-owned nodes are left as they
        // are, their tasks taken and dropped.
        self.drain_concurrent(false);
        // Leave the registry: keep-alives of this loop dropped from now on (its own tasks and
        // timers among them) are ignored, and no thread wakes it any more.
        dropped_active::unregister(self.id);
    }
}

impl<T: LoopTask> fmt::Debug for EventLoop<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoop")
            .field("pending_tasks", &self.pending_tasks())
            .field("pending_timers", &self.pending_timers())
            .field("keep_alive_count", &self.keep_alive_count())
            .finish_non_exhaustive()
    }
}

const _: () = {
    const fn send_sync<S: Send + Sync>() {}
    struct Nop;
    impl LoopTask for Nop {
        fn run(self, _: &mut EventLoop<Nop>) {}
    }
    send_sync::<LoopHandle<Nop>>();
    send_sync::<ConcurrentTask<Nop>>();
};

#[cfg(test)]
mod tests {
    use super::{COMPACT_SLACK, Timers};
    use std::time::{Duration, Instant};

    #[test]
    fn cancelled_timers_leave_the_heap_before_their_deadline() {
        let now = Instant::now();
        let far = now + Duration::from_secs(3600);
        let mut t = Timers::new();
        // Live timers at distinct deadlines, and many more set and cancelled among them.
        let keep: Vec<_> = (0..10u32)
            .map(|i| t.insert(far + Duration::from_millis(u64::from(i) * 7), i))
            .collect();
        for round in 0..50u32 {
            let ids: Vec<_> = (0..100u32)
                .map(|i| {
                    t.insert(
                        far + Duration::from_millis(u64::from(i * 3 + round)),
                        1000 + i,
                    )
                })
                .collect();
            for id in ids {
                assert!(t.remove(id).is_some());
            }
            assert!(
                t.heap.len() <= 2 * t.live + COMPACT_SLACK,
                "heap {} for {} live timers",
                t.heap.len(),
                t.live
            );
        }
        assert_eq!(t.live, keep.len());
        // The survivors still fire, in deadline order, and nothing else does.
        let late = far + Duration::from_secs(60);
        let fired: Vec<u32> = std::iter::from_fn(|| t.pop_due(late)).collect();
        assert_eq!(fired, (0..10).collect::<Vec<_>>());
        assert!(t.heap.is_empty());
        // Ids of removed timers stay dead after their slots are reused.
        for id in keep {
            assert!(t.remove(id).is_none());
        }
    }

    #[test]
    fn compaction_keeps_a_reused_slot_and_drops_its_old_entry() {
        let now = Instant::now();
        let mut t = Timers::new();
        let a = t.insert(now + Duration::from_secs(10), 1u32);
        assert_eq!(t.remove(a), Some(1));
        // The slot is reused with a new generation; the old entry must not fire it early.
        let b = t.insert(now + Duration::from_secs(20), 2);
        assert_eq!(b.slot, a.slot);
        t.compact();
        assert_eq!(t.heap.len(), 1);
        assert_eq!(t.pop_due(now + Duration::from_secs(15)), None);
        assert_eq!(t.pop_due(now + Duration::from_secs(25)), Some(2));
    }
}
