//! makai-task: an event loop that reads files on the thread pool, fires two timers, and
//! returns when its last keep-alive ends.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use makai::ptr::tagged_union;
use makai::task::{EventLoop, KeepAlive, LoopTask, ThreadPool};

/// A timer's task: when it was due, and the keep-alive it ends.
struct Fire {
    name: &'static str,
    due: Instant,
    keep: KeepAlive,
}

tagged_union! {
    /// The loop's task handle: 8 bytes.
    Job { Fire(Box<Fire>) }
}

thread_local! {
    static TIMER_LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

impl LoopTask for Job {
    fn run(self, ev: &mut EventLoop<Job>) {
        match self.into_inner() {
            JobOwned::Fire(mut f) => {
                let late = f.due.elapsed();
                f.keep.deactivate(ev);
                TIMER_LOG.with(|l| {
                    l.borrow_mut().push(format!(
                        "timer {:>5} fired {late:?} after its deadline; keep-alives left: {}",
                        f.name,
                        ev.keep_alive_count()
                    ));
                });
            }
        }
    }
}

pub(crate) fn section() {
    crate::heading("makai-task: an event loop with pool reads, timers and keep-alives");

    let pool = ThreadPool::new(2);
    let mut ev = EventLoop::<Job>::new();
    println!(
        "task handle {} bytes, Option<handle> {} bytes; pool of {} workers",
        size_of::<Job>(),
        size_of::<Option<Job>>(),
        pool.threads()
    );

    let start = Instant::now();
    // Two timers, each holding a keep-alive until it fires.
    for (name, ms) in [("short", 5), ("long", 25)] {
        let mut keep = KeepAlive::new();
        keep.activate(&mut ev);
        let delay = Duration::from_millis(ms);
        let due = Instant::now() + delay;
        ev.set_timeout(delay, Job::Fire(Box::new(Fire { name, due, keep })));
    }

    // A few files read on the pool; each result comes back to this thread.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = [
        "Cargo.toml",
        "README.md",
        "src/lib.rs",
        "examples/tour/task.rs",
    ];
    let reads = Rc::new(RefCell::new(Vec::new()));
    for name in files {
        let path = root.join(name);
        let reads = Rc::clone(&reads);
        let sent = Instant::now();
        ev.spawn_promise(
            &pool,
            move || {
                let t = Instant::now();
                let r = std::fs::read(&path).map(|b| b.len());
                (
                    r,
                    t.elapsed(),
                    std::thread::current().name().map(str::to_owned),
                )
            },
            move |_ev, (result, on_pool, thread)| {
                reads
                    .borrow_mut()
                    .push((name, result, on_pool, sent.elapsed(), thread));
            },
        );
    }
    println!(
        "before run(): {} keep-alives (2 timers + {} reads in flight)",
        ev.keep_alive_count(),
        files.len()
    );

    ev.run();
    let total = start.elapsed();

    for (name, result, on_pool, round_trip, thread) in reads.borrow().iter() {
        match result {
            Ok(n) => println!(
                "read {name:<22} {n:>6} bytes on {:<13} in {on_pool:>10.1?}; result on the loop after {round_trip:.1?}",
                thread.as_deref().unwrap_or("?")
            ),
            Err(e) => println!("read {name:<22} failed: {e}"),
        }
    }
    TIMER_LOG.with(|l| l.borrow().iter().for_each(|line| println!("{line}")));
    println!(
        "run() returned after {total:.1?}, when the last keep-alive ended ({} left, {} timers pending)",
        ev.keep_alive_count(),
        ev.pending_timers()
    );
    if let Err(e) = pool.shutdown() {
        println!("pool: {e}");
    }
}
