//! makai-ptr `tagged_union!`: one tick of a tiny event loop whose queue holds 8-byte tagged
//! handles, dispatched with an exhaustive `match`.

use std::collections::VecDeque;
use std::ptr::NonNull;

use makai::ptr::{RefCount, RefPtr, TagScheme, ref_counted, tagged_union};

/// Reads a file's metadata (owned by its task).
struct StatTask {
    path: &'static str,
}

/// A timer shared by every tick (lives forever).
struct TimerTask {
    interval_ms: u32,
}

/// A read whose buffer other parts of the program also hold (counted).
struct ReadTask {
    refs: RefCount,
    fd: i32,
}
ref_counted!(ReadTask, refs);

/// A foreign object the loop only points to (owned elsewhere, e.g. by C).
struct Socket {
    port: u16,
}

tagged_union! {
    /// A queued unit of work, like Bun's `Task`.
    Task {
        Stat(Box<StatTask>),
        Timer(&'static TimerTask),
        Read(RefPtr<ReadTask>),
        Poll(NonNull<Socket>),
    }
}

static HEARTBEAT: TimerTask = TimerTask { interval_ms: 250 };

pub(crate) fn section() {
    crate::heading("makai-ptr: tagged_union!, an event-loop tick over 8-byte task handles");

    let socket = Socket { port: 8080 };
    let read = RefPtr::new(ReadTask {
        refs: RefCount::new(),
        fd: 5,
    });
    let mut queue: VecDeque<Task> = VecDeque::new();
    queue.push_back(Task::Stat(Box::new(StatTask { path: "/etc/hosts" })));
    queue.push_back(Task::Timer(&HEARTBEAT));
    queue.push_back(Task::Read(read.clone()));
    queue.push_back(Task::Poll(NonNull::from(&socket)));
    queue.push_back(Task::Read(read.clone()));
    println!(
        "queued {} tasks; the read buffer now has {} references",
        queue.len(),
        read.ref_count()
    );

    // One tick: pop and dispatch every task. The `match` is exhaustive: adding a variant to
    // `Task` makes this a compile error until it is handled (Bun: a runtime "Unknown tag").
    while let Some(task) = queue.pop_front() {
        let line = match task.as_ref() {
            TaskRef::Stat(s) => format!("stat {}", s.path),
            TaskRef::Timer(t) => format!("timer every {} ms", t.interval_ms),
            TaskRef::Read(r) => format!("read fd {} ({} refs)", r.fd, r.refs.get()),
            TaskRef::Poll(p) => {
                // SAFETY: `socket` outlives the queue and nothing mutates it during the tick.
                let socket = unsafe { p.as_ref() };
                format!("poll port {}", socket.port)
            }
        };
        println!("  tag {} {:<6} -> {line}", task.tag(), task.variant_name());
        // Dropping the handle frees the `Stat` box, releases a `Read` reference, and leaves
        // the static timer and the foreign socket alone.
    }
    println!(
        "after the tick the read buffer has {} reference (the loop released its two)",
        read.ref_count()
    );
    println!(
        "size_of::<Task>() = {} bytes, Option<Task> = {} bytes (a Rust enum of the same payloads: {} bytes); tag scheme {:?}",
        size_of::<Task>(),
        size_of::<Option<Task>>(),
        size_of::<TaskOwned>(),
        Task::SCHEME,
    );
    let narrow = TagScheme::choose(4, 8);
    println!(
        "with 4 variants all aligned to 8 the tag would sit in the low bits instead: {narrow:?}"
    );
}
