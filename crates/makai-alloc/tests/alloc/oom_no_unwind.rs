//! The issue-11 bug-6 program: with a panicking out-of-memory hook,
//! `catch_unwind(|| Arena::with_capacity(usize::MAX / 2))` used to return `Err`. It must abort
//! instead. Runs in a child process (the hook is process-wide and the check is an abort).

use std::os::unix::process::ExitStatusExt;
use std::panic::catch_unwind;

use makai_alloc::Arena;

/// `SIGABRT` on the Unix targets the workspace supports (Linux, macOS, the BSDs).
const SIGABRT: i32 = 6;

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn arena_out_of_memory_with_a_panicking_hook_aborts() {
    if std::env::var_os("MAKAI_ALLOC_OOM_CHILD").is_some() {
        fn hook() {
            panic!("hook panics on purpose");
        }
        assert!(makai_error::set_oom_hook(hook));
        let caught = catch_unwind(|| Arena::with_capacity(usize::MAX / 2).allocated_bytes());
        eprintln!("UNWOUND: {caught:?}");
        std::process::exit(0);
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "oom_no_unwind::arena_out_of_memory_with_a_panicking_hook_aborts",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MAKAI_ALLOC_OOM_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.signal(), Some(SIGABRT), "{stderr}");
    assert!(!stderr.contains("UNWOUND"), "{stderr}");
    assert!(stderr.contains("hook panics on purpose"), "{stderr}");
}
