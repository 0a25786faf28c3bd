//! `out_of_memory` never unwinds, whatever its hook does (issue 11, bug 6).
//!
//! Each test re-runs this test binary in a child process that installs a hostile hook (a hook
//! can be set once per process, so every scenario needs its own process) and checks that the
//! child died by `SIGABRT`, with `catch_unwind` around the call never returning.

use std::os::unix::process::ExitStatusExt;
use std::panic::catch_unwind;
use std::process::Command;

/// Runs `test` (a full test path) in a child with `MAKAI_OOM_HOOK_CHILD` set; returns its
/// standard error after checking it was aborted.
fn run_child(test: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("MAKAI_OOM_HOOK_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.signal(), Some(libc::SIGABRT), "{stderr}");
    assert!(!stderr.contains("UNWOUND"), "{stderr}");
    stderr
}

fn is_child() -> bool {
    std::env::var_os("MAKAI_OOM_HOOK_CHILD").is_some()
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn a_panicking_hook_cannot_unwind_out_of_memory() {
    if is_child() {
        fn hook() {
            panic!("hook panics on purpose");
        }
        assert!(makai_error::set_oom_hook(hook));
        let caught = catch_unwind(|| makai_error::out_of_memory());
        // Only reached if the panic escaped `out_of_memory`.
        eprintln!("UNWOUND: {}", caught.is_err());
        std::process::exit(0);
    }
    let stderr = run_child("oom_hook::a_panicking_hook_cannot_unwind_out_of_memory");
    assert!(stderr.contains("hook panics on purpose"), "{stderr}");
    assert!(
        stderr.contains("the out-of-memory hook panicked"),
        "{stderr}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn a_hook_that_runs_out_of_memory_again_is_not_reentered() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    if is_child() {
        fn hook() {
            // Relaxed: a counter on one thread.
            let n = CALLS.fetch_add(1, Ordering::Relaxed);
            eprintln!("hook call {n}");
            makai_error::out_of_memory();
        }
        assert!(makai_error::set_oom_hook(hook));
        let caught = catch_unwind(|| makai_error::out_of_memory());
        eprintln!("UNWOUND: {}", caught.is_err());
        std::process::exit(0);
    }
    let stderr = run_child("oom_hook::a_hook_that_runs_out_of_memory_again_is_not_reentered");
    assert!(stderr.contains("hook call 0"), "{stderr}");
    assert!(!stderr.contains("hook call 1"), "{stderr}");
    assert!(
        stderr.contains("makai: out of memory, aborting"),
        "{stderr}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn a_quiet_hook_runs_then_the_process_aborts() {
    if is_child() {
        fn hook() {
            eprintln!("hook ran");
        }
        assert!(makai_error::set_oom_hook(hook));
        let caught = catch_unwind(|| makai_error::out_of_memory());
        eprintln!("UNWOUND: {}", caught.is_err());
        std::process::exit(0);
    }
    let stderr = run_child("oom_hook::a_quiet_hook_runs_then_the_process_aborts");
    let hook = stderr.find("hook ran").expect(&stderr);
    let line = stderr
        .find("makai: out of memory, aborting")
        .expect(&stderr);
    assert!(hook < line, "the hook runs before the message: {stderr}");
}
