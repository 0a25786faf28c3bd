//! The `ConcurrentPromiseTask` pattern: run a closure on the [`ThreadPool`], deliver its
//! result to a callback on the loop thread, and keep the loop alive meanwhile.

use std::mem::offset_of;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

use crate::event_loop::{ConcurrentTask, EventLoop, KeepAlive, LoopTask, Remote};
use crate::pool::{Task, ThreadPool};
use crate::sync::Arc;

/// The loop's remote side, carried to a pool thread only to push a completion node.
struct RemotePtr<T: LoopTask>(Arc<Remote<T>>);

// SAFETY: `Remote` is an atomic queue and a futex; the promise only pushes its own `Run` node
// through it (no `T` crosses threads), which is sound from any thread whatever `T` is.
unsafe impl<T: LoopTask> Send for RemotePtr<T> {}

/// One job in flight. `node` comes first (`repr(C)`): the loop gets the promise back from
/// the node pointer.
#[repr(C)]
struct Promise<T: LoopTask, W, R, C> {
    node: ConcurrentTask<T>,
    task: Task,
    remote: Option<RemotePtr<T>>,
    work: Option<W>,
    result: Option<std::thread::Result<R>>,
    then: Option<C>,
    keep: KeepAlive,
}

impl<T: LoopTask> EventLoop<T> {
    /// Runs `work` on `pool`, then `then(loop, result)` on this loop's thread, holding a
    /// [`KeepAlive`] in between so [`run`](EventLoop::run) cannot return before the result
    /// is delivered (Bun's `ConcurrentPromiseTask`).
    ///
    /// One allocation holds the job, its pool task and its completion node; no other
    /// allocation happens on the way there and back. `then` need not be `Send`: it never
    /// leaves this thread.
    ///
    /// If `work` panics, the panic is caught on the pool and resumed on the loop thread when
    /// the completion runs (out of `tick`/`run`), after the keep-alive is released. If the
    /// loop is dropped while the completion is already queued, the result is dropped unseen
    /// (`then` is not called). If the loop is dropped before the work finishes, the
    /// completion arrives at a queue no one drains and **the promise allocation is leaked**,
    /// result and `then` included (they are not dropped: `then` need not be `Send`, so it
    /// cannot be dropped on the thread that drops the last [`LoopHandle`](crate::LoopHandle)).
    /// Let `run` return before dropping the loop.
    ///
    /// ```
    /// use makai_task::{EventLoop, LoopTask, ThreadPool};
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// struct Nop;
    /// impl LoopTask for Nop { fn run(self, _: &mut EventLoop<Nop>) {} }
    ///
    /// # if cfg!(miri) { return; } // crossbeam-epoch in crossbeam-deque is not strict-provenance clean
    /// let pool = ThreadPool::new(2);
    /// let mut ev = EventLoop::<Nop>::new();
    /// let total = Rc::new(Cell::new(0)); // not Send: stays on the loop thread
    /// for n in [10u64, 20, 30] {
    ///     let total = Rc::clone(&total);
    ///     ev.spawn_promise(&pool, move || (1..=n).sum::<u64>(), move |_ev, sum| {
    ///         total.set(total.get() + sum);
    ///     });
    /// }
    /// assert_eq!(ev.keep_alive_count(), 3);
    /// ev.run(); // returns once the three results are in
    /// assert_eq!(total.get(), 55 + 210 + 465);
    /// ```
    #[doc(alias = "ConcurrentPromiseTask")]
    pub fn spawn_promise<W, R, C>(&mut self, pool: &ThreadPool, work: W, then: C)
    where
        W: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
        C: FnOnce(&mut EventLoop<T>, R) + 'static,
    {
        let mut keep = KeepAlive::new();
        keep.activate(self);
        let promise = Box::new(Promise::<T, W, R, C> {
            node: ConcurrentTask::with_run(complete::<T, W, R, C>),
            task: Task::new(on_pool::<T, W, R, C>),
            remote: Some(RemotePtr(Arc::clone(&self.remote))),
            work: Some(work),
            result: None,
            then: Some(then),
            keep,
        });
        let promise = NonNull::from(Box::leak(promise));
        // SAFETY: `promise` is the live leaked box; a raw place projection keeps the whole
        // allocation's provenance, so `on_pool` can step back to the `Promise`.
        let task = unsafe { &raw mut (*promise.as_ptr()).task };
        let task = NonNull::new(task).expect("a field of a box is not null");
        // SAFETY: the box stays leaked until `complete` frees it, after the pool callback has
        // finished with it; the pool thread touches only `work`, `result` and `remote`, which
        // are `Send` (`W`, `R`, `RemotePtr`).
        unsafe { pool.schedule(task) };
    }
}

/// The pool side: run the work, store the result, send the node to the loop.
fn on_pool<T: LoopTask, W, R, C>(task: NonNull<Task>)
where
    W: FnOnce() -> R,
{
    // SAFETY: `task` is the `task` field of a live leaked `Promise` (see `spawn_promise`) with
    // the allocation's provenance; stepping back by its offset gives the promise.
    let promise = unsafe {
        task.byte_sub(offset_of!(Promise<T, W, R, C>, task))
            .cast::<Promise<T, W, R, C>>()
    };
    let p = promise.as_ptr();
    // SAFETY: until the node is pushed below, this thread is the only user of these fields.
    let work = unsafe { (*p).work.take() }.expect("promise work runs once");
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    // SAFETY: as above.
    unsafe { (*p).result = Some(result) };
    // SAFETY: as above. Taken out first: once the node is pushed the loop may free `promise`.
    let remote = unsafe { (*p).remote.take() }.expect("promise completes once");
    // SAFETY: the node is the promise's first field (`repr(C)`), alive until `complete` frees
    // it, and pushed once.
    unsafe { remote.0.queue.push(promise.cast::<ConcurrentTask<T>>()) };
    remote.0.wake();
}

/// The loop side: release the keep-alive and call `then` (or re-raise the work's panic).
///
/// # Safety
///
/// `node` is the node of a `Promise<T, W, R, C>` leaked by `spawn_promise`, whose pool callback
/// has finished with it; called once, on the loop thread.
unsafe fn complete<T: LoopTask, W, R, C>(
    node: NonNull<ConcurrentTask<T>>,
    ev: Option<&mut EventLoop<T>>,
) where
    C: FnOnce(&mut EventLoop<T>, R),
{
    // SAFETY: the caller's promise: the node starts the leaked box, which is ours now.
    let mut promise = unsafe { Box::from_raw(node.cast::<Promise<T, W, R, C>>().as_ptr()) };
    let Some(ev) = ev else {
        // The loop is being dropped: drop everything unseen (its keep-alive count with it).
        promise.keep.disown();
        return;
    };
    promise.keep.deactivate(ev);
    let then = promise.then.take().expect("promise completes once");
    let result = promise
        .result
        .take()
        .expect("pool callback stored the result");
    drop(promise);
    match result {
        Ok(r) => then(ev, r),
        Err(payload) => panic::resume_unwind(payload),
    }
}
