//! `WaitGroup` and `ResetEvent`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use makai_task::{ResetEvent, WaitGroup};

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn wait_group_waits_for_every_job() {
    let wg = Arc::new(WaitGroup::new());
    wg.wait(); // zero: returns at once
    let sum = Arc::new(AtomicU32::new(0));
    let n = if cfg!(miri) { 3 } else { 8 };
    wg.add(n);
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (wg, sum) = (Arc::clone(&wg), Arc::clone(&sum));
            std::thread::spawn(move || {
                sum.fetch_add(i, Ordering::Relaxed);
                wg.done();
            })
        })
        .collect();
    wg.wait();
    assert_eq!(sum.load(Ordering::Relaxed), (0..n).sum::<u32>());
    assert_eq!(wg.count(), 0);
    threads.into_iter().for_each(|t| t.join().unwrap());
}

#[test]
fn wait_group_done_without_add_panics_and_keeps_the_count() {
    let wg = WaitGroup::new();
    let r = std::panic::catch_unwind(|| wg.done());
    assert!(r.is_err());
    assert_eq!(wg.count(), 0);
    wg.add(2);
    wg.done();
    assert_eq!(wg.count(), 1);
}

#[test]
fn wait_group_add_overflow_panics() {
    let wg = WaitGroup::new();
    wg.add(u32::MAX);
    assert!(std::panic::catch_unwind(|| wg.add(1)).is_err());
    assert_eq!(wg.count(), u32::MAX);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn reset_event_releases_waiters_and_stays_set() {
    let ev = Arc::new(ResetEvent::new());
    assert!(!ev.is_set());
    assert!(!ev.wait_timeout(Duration::from_millis(1)));
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let ev = Arc::clone(&ev);
            std::thread::spawn(move || ev.wait())
        })
        .collect();
    ev.set();
    ev.set();
    waiters.into_iter().for_each(|t| t.join().unwrap());
    assert!(ev.is_set());
    assert!(ev.wait_timeout(Duration::ZERO));
    ev.wait();
    let mut ev = Arc::into_inner(ev).unwrap();
    ev.reset();
    assert!(!ev.is_set());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "threads and futexes: loom and the native run cover them; Miri runs the single-threaded parts"
)]
fn reset_event_timeout_expires() {
    let ev = ResetEvent::new();
    let start = std::time::Instant::now();
    assert!(!ev.wait_timeout(Duration::from_millis(20)));
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert!(!ev.is_set());
}
