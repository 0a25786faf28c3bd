//! `EventLoop`: local tasks, timers, concurrent tasks, keep-alives, the promise helper.

use std::cell::RefCell;
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use makai_ptr::tagged_union;
use makai_task::{
    ConcurrentTask, EventLoop, KeepAlive, KeepAliveStatus, LoopTask, ThreadPool, WaitGroup,
};

thread_local! {
    /// What the loop did, in order (each test runs on its own thread).
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(s: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(s.into()));
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// The test's task type.
enum Ev {
    Log(&'static str),
    /// Logs, then enqueues `Chain(n - 1)` until 0.
    Chain(u32),
    /// Ends a keep-alive and logs the count left.
    Release(KeepAlive, &'static str),
    /// Counts one arrival from another thread.
    Arrive(usize),
    /// Panics while holding a keep-alive.
    PanicHolding(KeepAlive),
    /// Drops a counter when dropped (to see whether a task was dropped or run).
    Tracked(#[expect(dead_code, reason = "held for its Drop")] DropCount),
}

struct DropCount(Arc<AtomicUsize>);
impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

impl LoopTask for Ev {
    fn run(self, ev: &mut EventLoop<Ev>) {
        match self {
            Ev::Log(s) => log(s),
            Ev::Chain(n) => {
                log(format!("chain {n}"));
                if n > 0 {
                    ev.enqueue(Ev::Chain(n - 1));
                }
            }
            Ev::Release(mut keep, what) => {
                keep.deactivate(ev);
                log(format!("release {what} -> {}", ev.keep_alive_count()));
            }
            Ev::Arrive(i) => ARRIVED.with(|a| a.borrow_mut().push(i)),
            Ev::Tracked(_) => log("tracked ran"),
            Ev::PanicHolding(_keep) => panic!("a task panicked holding a keep-alive"),
        }
    }
}

thread_local! {
    static ARRIVED: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

fn active(ev: &mut EventLoop<Ev>) -> KeepAlive {
    let mut k = KeepAlive::new();
    k.activate(ev);
    k
}

#[test]
fn tick_runs_local_tasks_in_order_with_nested_enqueues() {
    let mut ev = EventLoop::new();
    assert_eq!(ev.tick(), 0);
    ev.enqueue(Ev::Log("a"));
    ev.enqueue(Ev::Chain(2));
    ev.enqueue(Ev::Log("b"));
    assert_eq!(ev.pending_tasks(), 3);
    assert_eq!(ev.tick(), 5);
    assert_eq!(take_log(), ["a", "chain 2", "b", "chain 1", "chain 0"]);
    assert_eq!(ev.pending_tasks(), 0);
}

#[test]
fn run_without_keep_alive_runs_ready_tasks_and_returns() {
    let mut ev = EventLoop::new();
    ev.enqueue(Ev::Log("ready"));
    ev.set_timeout(Duration::from_secs(3600), Ev::Log("never"));
    ev.run();
    assert_eq!(take_log(), ["ready"]);
    assert_eq!(ev.pending_timers(), 1);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn timers_fire_in_deadline_order_and_cancel_gives_the_task_back() {
    let mut ev = EventLoop::new();
    let mut keep = KeepAlive::new();
    keep.activate(&mut ev);
    ev.set_timeout(Duration::from_millis(30), Ev::Log("30 ms"));
    let cancelled = ev.set_timeout(Duration::from_millis(10), Ev::Log("cancelled"));
    ev.set_timeout(Duration::from_millis(5), Ev::Log("5 ms, first set"));
    ev.set_timeout(Duration::from_millis(5), Ev::Log("5 ms, second set"));
    ev.set_timeout(Duration::ZERO, Ev::Log("0 ms"));
    ev.set_timeout(Duration::from_millis(40), Ev::Release(keep, "timer"));
    assert_eq!(ev.pending_timers(), 6);
    assert!(matches!(
        ev.cancel_timeout(cancelled),
        Some(Ev::Log("cancelled"))
    ));
    assert!(ev.cancel_timeout(cancelled).is_none(), "cancelled twice");
    assert_eq!(ev.pending_timers(), 5);
    ev.run();
    assert_eq!(
        take_log(),
        [
            "0 ms",
            "5 ms, first set",
            "5 ms, second set",
            "30 ms",
            "release timer -> 0"
        ]
    );
    assert_eq!(ev.pending_timers(), 0);
    // A slot is reused by the next timer; the old id does not cancel it.
    let fresh = ev.set_timeout(Duration::from_secs(60), Ev::Log("fresh"));
    assert!(ev.cancel_timeout(cancelled).is_none());
    assert!(ev.cancel_timeout(fresh).is_some());
}

#[test]
fn keep_alive_states_follow_bun() {
    let mut ev = EventLoop::<Ev>::new();
    let mut k = KeepAlive::new();
    assert_eq!(k.status(), KeepAliveStatus::Inactive);
    k.deactivate(&mut ev); // inactive: no-op
    assert_eq!(ev.keep_alive_count(), 0);
    k.activate(&mut ev);
    k.activate(&mut ev);
    assert!(k.is_active());
    assert_eq!(ev.keep_alive_count(), 1);
    k.deactivate(&mut ev);
    k.deactivate(&mut ev);
    assert_eq!(ev.keep_alive_count(), 0);
    k.activate(&mut ev);
    k.done(&mut ev);
    assert_eq!(k.status(), KeepAliveStatus::Done);
    assert_eq!(ev.keep_alive_count(), 0);
    k.activate(&mut ev);
    assert_eq!(
        ev.keep_alive_count(),
        0,
        "a done keep-alive never counts again"
    );
}

#[test]
fn deactivating_on_another_loop_panics() {
    let mut a = EventLoop::<Ev>::new();
    let mut b = EventLoop::<Ev>::new();
    let mut k = KeepAlive::new();
    k.activate(&mut a);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| k.deactivate(&mut b)));
    assert!(r.is_err());
    assert_eq!(a.keep_alive_count(), 1);
    assert_eq!(b.keep_alive_count(), 0);
}

#[test]
fn dropping_an_active_keep_alive_uncounts_it() {
    let mut a = EventLoop::<Ev>::new();
    let mut b = EventLoop::<Ev>::new();
    let kb = active(&mut b);
    let ka = active(&mut a);
    let mut done = active(&mut a);
    done.done(&mut a);
    assert_eq!(a.keep_alive_count(), 1);
    drop(done); // done: nothing to uncount
    drop(KeepAlive::new()); // inactive: nothing to uncount
    assert_eq!(a.keep_alive_count(), 1);
    drop(ka);
    assert_eq!(a.keep_alive_count(), 0, "the drop uncounts it");
    assert_eq!(b.keep_alive_count(), 1, "another loop's count is its own");
    a.run(); // returns: nothing keeps it alive
    // A keep-alive activated again after a drop of another counts normally.
    let mut again = active(&mut a);
    assert_eq!(a.keep_alive_count(), 1);
    again.deactivate(&mut a);
    assert_eq!(a.keep_alive_count(), 0);
    drop(b); // a loop dropped with an active keep-alive outstanding
    drop(kb); // its keep-alive dropped later: recorded against a dead loop, harmless
    assert_eq!(a.keep_alive_count(), 0);
}

#[test]
fn a_cancelled_timer_holding_a_keep_alive_does_not_hang_run() {
    let mut ev = EventLoop::new();
    let keep = active(&mut ev);
    let id = ev.set_timeout(Duration::from_secs(3600), Ev::Release(keep, "never"));
    drop(ev.cancel_timeout(id)); // the task and its keep-alive dropped, not run
    assert_eq!(ev.keep_alive_count(), 0);
    ev.run(); // would sleep for an hour, then forever, if the count leaked
    assert!(take_log().is_empty());
}

#[test]
fn a_task_panicking_while_holding_a_keep_alive_does_not_hang_run() {
    let mut ev = EventLoop::new();
    let keep = active(&mut ev);
    ev.enqueue(Ev::PanicHolding(keep));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ev.run()));
    assert!(r.is_err(), "the panic reaches the caller of run");
    assert_eq!(ev.keep_alive_count(), 0);
    ev.enqueue(Ev::Log("after"));
    ev.run(); // returns after running the ready task
    assert_eq!(take_log(), ["after"]);
}

#[test]
fn a_keep_alive_dropped_on_another_thread_is_uncounted_when_the_loop_looks() {
    let mut ev = EventLoop::<Ev>::new();
    let keep = active(&mut ev);
    std::thread::spawn(move || drop(keep)).join().unwrap();
    assert_eq!(ev.keep_alive_count(), 0);
    ev.run();
}

/// The loop sleeps with nothing to wake it but a far timer; the last keep-alive is dropped on
/// another thread meanwhile: the drop wakes the loop and `run` returns long before the timer.
#[test]
fn a_keep_alive_dropped_on_another_thread_wakes_a_sleeping_run() {
    let mut ev = EventLoop::<Ev>::new();
    ev.set_timeout(Duration::from_secs(30), Ev::Log("timer"));
    let keep = active(&mut ev);
    let dropper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        drop(keep);
    });
    ev.run();
    dropper.join().unwrap();
    // Had the drop not woken it, `run` would have slept until the timer fired.
    assert_eq!(ev.pending_timers(), 1);
    assert_eq!(ev.keep_alive_count(), 0);
    assert!(take_log().is_empty());
}

/// A keep-alive that outlives its loop is ignored when dropped, on any thread, and does not
/// count on a loop made later.
#[test]
fn a_keep_alive_outliving_its_loop_drops_quietly() {
    let mut ev = EventLoop::<Ev>::new();
    let here = active(&mut ev);
    let there = active(&mut ev);
    drop(ev);
    drop(here);
    std::thread::spawn(move || drop(there)).join().unwrap();
    let mut next = EventLoop::<Ev>::new();
    assert_eq!(next.keep_alive_count(), 0);
    next.run();
}

/// Timers, local tasks, concurrent tasks, a pool job and keep-alives interleave; `run()`
/// returns exactly when the last keep-alive ends: nothing runs after it, and the timer that
/// nothing keeps alive is still pending.
#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn run_returns_exactly_when_the_last_keep_alive_ends() {
    let pool = ThreadPool::new(2);
    let mut ev = EventLoop::new();
    // 1: ended by a timer.
    let timer_keep = active(&mut ev);
    ev.set_timeout(Duration::from_millis(15), Ev::Release(timer_keep, "timer"));
    // 2: ended by a task sent from another thread after a pause.
    let remote_keep = active(&mut ev);
    let handle = ev.handle();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(5));
        handle.send(Ev::Log("remote hello"));
        std::thread::sleep(Duration::from_millis(20));
        handle.send(Ev::Release(remote_keep, "remote"));
    });
    // 3: ended by a local chain of tasks.
    let local_keep = active(&mut ev);
    ev.enqueue(Ev::Chain(2));
    ev.enqueue(Ev::Release(local_keep, "local"));
    // 4: a pool job (its own keep-alive inside `spawn_promise`).
    ev.spawn_promise(
        &pool,
        || {
            std::thread::sleep(Duration::from_millis(10));
            6 * 7
        },
        |_ev, answer| log(format!("pool answer {answer}")),
    );
    // Nothing keeps this one alive: `run` must return before it fires.
    ev.set_timeout(Duration::from_secs(3600), Ev::Log("unkept timer"));
    assert_eq!(ev.keep_alive_count(), 4);

    ev.run();
    sender.join().unwrap();

    let log = take_log();
    assert_eq!(ev.keep_alive_count(), 0);
    assert_eq!(ev.pending_timers(), 1, "{log:?}");
    for expect in [
        "chain 2",
        "chain 1",
        "chain 0",
        "release local -> 3",
        "remote hello",
        "pool answer 42",
    ] {
        assert!(
            log.iter().any(|l| l == expect),
            "{expect:?} missing: {log:?}"
        );
    }
    // The last entry is the end of the last keep-alive: nothing ran after it.
    let last = log.last().unwrap();
    assert!(
        last.starts_with("release ") && last.ends_with("-> 0"),
        "{log:?}"
    );
    assert_eq!(log.iter().filter(|l| l.ends_with("-> 0")).count(), 1);
    // Local work of the first tick comes before anything that needed a sleep.
    assert_eq!(
        &log[..4],
        ["chain 2", "release local -> 3", "chain 1", "chain 0"]
    );
}

/// Four threads send 1000 tasks each (boxed and caller-owned nodes): every task arrives once,
/// in each sender's order.
#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn concurrent_tasks_arrive_exactly_once_in_sender_order() {
    const SENDERS: usize = 4;
    let per = if cfg!(miri) { 20 } else { 1_000 };
    let mut ev = EventLoop::new();
    let keep = active(&mut ev);
    let handle = ev.handle();
    let done = Arc::new(WaitGroup::new());
    done.add(SENDERS as u32);
    let threads: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (handle, done) = (handle.clone(), Arc::clone(&done));
            std::thread::spawn(move || {
                // Half the tasks through caller-owned nodes, kept alive until the loop is done.
                let mut nodes: Vec<ConcurrentTask<Ev>> = (0..per / 2)
                    .map(|i| ConcurrentTask::new(Ev::Arrive(s * per + 2 * i)))
                    .collect();
                for (i, node) in nodes.iter_mut().enumerate() {
                    // SAFETY: `nodes` lives until the loop has taken every task (`finish`
                    // below is waited on before the loop's end, and `nodes` is kept until
                    // then); each node is sent once.
                    unsafe { handle.send_node(NonNull::from(node)) };
                    handle.send(Ev::Arrive(s * per + 2 * i + 1));
                }
                done.done();
                nodes
            })
        })
        .collect();
    // A finisher: when all senders are done, release the keep-alive through the queue too.
    let finisher = {
        let (handle, done) = (handle.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            done.wait();
            handle.send(Ev::Release(keep, "finisher"));
        })
    };
    ev.run();
    finisher.join().unwrap();
    let mut nodes: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(nodes.iter_mut().flatten().all(|n| !n.is_pending()));
    let arrived = ARRIVED.with(|a| std::mem::take(&mut *a.borrow_mut()));
    assert_eq!(arrived.len(), SENDERS * per);
    for s in 0..SENDERS {
        let mine: Vec<usize> = arrived.iter().copied().filter(|&i| i / per == s).collect();
        let expect: Vec<usize> = (s * per..(s + 1) * per).collect();
        assert_eq!(mine, expect, "sender {s}");
    }
    assert_eq!(take_log(), ["release finisher -> 0"]);
    // A node can be refilled and sent again.
    let node = &mut nodes[0][0];
    node.refill(Ev::Log("again"));
    // SAFETY: `node` outlives the tick below and is sent once.
    unsafe { handle.send_node(NonNull::from(&mut *node)) };
    assert_eq!(ev.tick(), 1);
    assert_eq!(take_log(), ["again"]);
}

#[test]
fn refill_of_a_pending_node_panics() {
    let mut node = ConcurrentTask::new(Ev::Log("x"));
    assert!(node.is_pending());
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        node.refill(Ev::Log("y"));
    }));
    assert!(r.is_err());
}

/// A task sent after the loop is gone is never run; it is dropped with the last handle.
#[test]
fn a_task_sent_after_the_loop_is_dropped_is_dropped_with_the_last_handle() {
    let drops = Arc::new(AtomicUsize::new(0));
    let ev = EventLoop::new();
    let handle = ev.handle();
    let other = handle.clone();
    drop(ev);
    handle.send(Ev::Tracked(DropCount(Arc::clone(&drops))));
    let mut node = Box::new(ConcurrentTask::new(Ev::Tracked(DropCount(Arc::clone(
        &drops,
    )))));
    // SAFETY: the node lives in this box, not moved, until after the last handle is dropped.
    unsafe { other.send_node(NonNull::from(&mut *node)) };
    drop(handle);
    assert_eq!(drops.load(Ordering::Relaxed), 0, "a handle is still alive");
    drop(other);
    assert_eq!(drops.load(Ordering::Relaxed), 2);
    // The caller-owned node was emptied, not freed.
    assert!(!node.is_pending());
    assert!(take_log().is_empty());
}

#[test]
fn dropping_the_loop_drops_tasks_that_never_ran() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut ev = EventLoop::new();
    ev.enqueue(Ev::Tracked(DropCount(Arc::clone(&drops))));
    ev.set_timeout(
        Duration::from_secs(60),
        Ev::Tracked(DropCount(Arc::clone(&drops))),
    );
    ev.handle().send(Ev::Tracked(DropCount(Arc::clone(&drops))));
    drop(ev);
    assert_eq!(drops.load(Ordering::Relaxed), 3);
    assert!(take_log().is_empty());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "crossbeam-epoch (inside crossbeam-deque) casts integers to pointers, which -Zmiri-strict-provenance rejects"
)]
fn promise_results_arrive_on_the_loop_thread() {
    let pool = std::rc::Rc::new(ThreadPool::new(2));
    let mut ev = EventLoop::<Ev>::new();
    let loop_thread = std::thread::current().id();
    let results = std::rc::Rc::new(RefCell::new(Vec::new()));
    let jobs = if cfg!(miri) { 2 } else { 8 };
    for n in 0..jobs {
        let results = std::rc::Rc::clone(&results);
        let nested = std::rc::Rc::clone(&pool);
        ev.spawn_promise(
            &pool,
            move || (n, std::thread::current().id()),
            move |ev, (n, worker)| {
                assert_eq!(std::thread::current().id(), loop_thread);
                assert_ne!(worker, loop_thread);
                results.borrow_mut().push(n);
                if n == 0 {
                    // A completion may start more work.
                    let results = std::rc::Rc::clone(&results);
                    ev.spawn_promise(
                        &nested,
                        || 100,
                        move |_, v| {
                            results.borrow_mut().push(v);
                        },
                    );
                }
            },
        );
    }
    ev.run();
    let mut got = results.borrow().clone();
    got.sort_unstable();
    let mut expect: Vec<u64> = (0..jobs).collect();
    expect.push(100);
    assert_eq!(got, expect);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn promise_panic_resumes_on_the_loop_and_releases_the_keep_alive() {
    let pool = ThreadPool::new(1);
    let mut ev = EventLoop::<Ev>::new();
    ev.spawn_promise(
        &pool,
        || -> u32 { panic!("work failed") },
        |_, _| unreachable!("the callback of a panicked job is not called"),
    );
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ev.run()));
    let payload = r.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"work failed"));
    assert_eq!(ev.keep_alive_count(), 0);
    ev.run(); // nothing left: returns at once
    pool.shutdown().unwrap();
}

/// The loop's task can be an 8-byte `tagged_union!` handle.
#[test]
fn tagged_union_tasks() {
    struct Add(u32);
    struct Mul(u32);
    tagged_union! { Op { Add(Box<Add>), Mul(Box<Mul>) } }
    thread_local!(static ACC: std::cell::Cell<u32> = const { std::cell::Cell::new(1) });
    impl LoopTask for Op {
        fn run(self, _: &mut EventLoop<Op>) {
            match self.into_inner() {
                OpOwned::Add(a) => ACC.with(|c| c.set(c.get() + a.0)),
                OpOwned::Mul(m) => ACC.with(|c| c.set(c.get() * m.0)),
            }
        }
    }
    assert_eq!(size_of::<Op>(), 8);
    let mut ev = EventLoop::new();
    ev.enqueue(Op::Add(Box::new(Add(2))));
    ev.enqueue(Op::Mul(Box::new(Mul(5))));
    let h = ev.handle();
    std::thread::spawn(move || h.send(Op::Add(Box::new(Add(1)))))
        .join()
        .unwrap();
    assert_eq!(ev.tick(), 3);
    assert_eq!(ACC.with(std::cell::Cell::get), 16);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn concurrent_keep_alives_hold_run_until_the_last_is_dropped_on_its_thread() {
    const SENDERS: usize = 3;
    const PER: usize = 200;
    let mut ev = EventLoop::new();
    let handle = ev.handle();
    // No keep-alive of either kind: `run` returns at once.
    ev.run();
    // Guards taken on the loop thread, dropped on the senders' threads after their sends.
    let threads: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (handle, guard) = (handle.clone(), handle.keep_alive());
            std::thread::spawn(move || {
                for i in 0..PER {
                    handle.send(Ev::Arrive(s * PER + i));
                    if i == PER / 2 {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
                // A nested guard taken while one is held, dropped first.
                let inner = handle.keep_alive();
                handle.send(Ev::Log("inner"));
                drop(inner);
                drop(guard);
            })
        })
        .collect();
    ev.run();
    // Every task sent before the last guard ended has run.
    let arrived = ARRIVED.with(|a| std::mem::take(&mut *a.borrow_mut()));
    assert_eq!(arrived.len(), SENDERS * PER);
    for s in 0..SENDERS {
        let mine: Vec<usize> = arrived.iter().copied().filter(|&i| i / PER == s).collect();
        assert_eq!(
            mine,
            (s * PER..(s + 1) * PER).collect::<Vec<_>>(),
            "sender {s}"
        );
    }
    assert_eq!(take_log(), ["inner"; SENDERS]);
    threads.into_iter().for_each(|t| t.join().unwrap());
    // A loop-thread keep-alive and a remote one together: `run` waits for both.
    let mut keep = active(&mut ev);
    let guard = handle.keep_alive();
    let h = handle.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(5));
        h.send(Ev::Log("remote"));
        drop(guard);
    });
    ev.set_timeout(Duration::from_millis(1), Ev::Log("timer"));
    // The loop-thread keep-alive ends first (inside the run, from a task).
    ev.enqueue(Ev::Log("local"));
    keep.deactivate(&mut ev);
    ev.run();
    t.join().unwrap();
    let log = take_log();
    assert_eq!(log.first().map(String::as_str), Some("local"));
    assert!(log.contains(&"remote".to_owned()), "{log:?}");
}
