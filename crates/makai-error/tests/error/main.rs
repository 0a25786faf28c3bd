//! Integration tests for makai-error: allocation counts, agreement with libc, OOM diversion.

mod fs;

use makai_error::{AllocError, Errno, HandleOom, OomError, SysError, Syscall, check};
use makai_testkit::{ThreadCounting, count_in};

mod oom_hook;

/// Counts allocations made by the current thread, so parallel tests do not disturb each other.
#[global_allocator]
static GLOBAL: ThreadCounting = ThreadCounting;

/// The allocations and reallocations the current thread makes while `f` runs.
fn allocations_in(f: impl FnOnce()) -> usize {
    let ((), n) = count_in(f);
    n.allocs + n.reallocs
}

#[test]
fn one_borrowed_path_allocates_nothing() {
    let path = b"/tmp/some/long/path/name".to_vec();
    let n = allocations_in(|| {
        let e = SysError::new(Errno::NOENT, Syscall::Open)
            .with_path(&path)
            .with_fd(3);
        assert_eq!(std::hint::black_box(&e).path(), Some(&path[..]));
        drop(e);
    });
    assert_eq!(n, 0);
    // The counter itself works: a destination path boxes its context.
    let n = allocations_in(|| {
        let e = SysError::new(Errno::XDEV, Syscall::Rename)
            .with_path(&path)
            .with_dest(&path);
        drop(std::hint::black_box(e));
    });
    assert_eq!(n, 1);
}

#[test]
fn errno_constants_match_libc() {
    let pairs = [
        (Errno::PERM, libc::EPERM),
        (Errno::NOENT, libc::ENOENT),
        (Errno::INTR, libc::EINTR),
        (Errno::TOOBIG, libc::E2BIG),
        (Errno::AGAIN, libc::EAGAIN),
        (Errno::WOULDBLOCK, libc::EWOULDBLOCK),
        (Errno::NOMEM, libc::ENOMEM),
        (Errno::ACCES, libc::EACCES),
        (Errno::EXIST, libc::EEXIST),
        (Errno::NOTEMPTY, libc::ENOTEMPTY),
        (Errno::LOOP, libc::ELOOP),
        (Errno::NOMSG, libc::ENOMSG),
        (Errno::OPNOTSUPP, libc::EOPNOTSUPP),
        (Errno::NOTSUP, libc::ENOTSUP),
        (Errno::CONNREFUSED, libc::ECONNREFUSED),
        (Errno::CANCELED, libc::ECANCELED),
    ];
    for (e, raw) in pairs {
        assert_eq!(e.raw(), raw, "{}", e.name());
    }
    // Names only one OS has.
    #[cfg(target_os = "linux")]
    for (e, raw) in [
        (Errno::BFONT, libc::EBFONT),
        (Errno::HWPOISON, libc::EHWPOISON),
    ] {
        assert_eq!(e.raw(), raw, "{}", e.name());
    }
    #[cfg(any(target_os = "macos", target_os = "freebsd"))]
    assert_eq!(Errno::FTYPE.raw(), libc::EFTYPE);
}

#[test]
fn errno_kind_agrees_with_std() {
    for raw in 1..=133 {
        let e = Errno::from_raw(raw).unwrap();
        assert_eq!(e.kind(), std::io::Error::from_raw_os_error(raw).kind());
    }
}

#[test]
fn check_reads_the_threads_errno() {
    // SAFETY: `close(-1)` touches no memory; it fails with EBADF and sets errno.
    let rc = unsafe { libc::close(-1) };
    let err = check(rc as isize, Syscall::Close).unwrap_err();
    assert_eq!(err.errno(), Errno::BADF);
    assert_eq!(err.to_string(), "EBADF: bad file descriptor, close");
    // SAFETY: `mkdir` reads a NUL-terminated string that lives for the call.
    let rc = unsafe { libc::mkdir(c"/".as_ptr(), 0o755) };
    assert_eq!(
        check(rc as isize, Syscall::Mkdir).unwrap_err().errno(),
        Errno::EXIST
    );
}

#[test]
fn real_failing_open_converts_both_ways() {
    let path = std::path::Path::new("/definitely/missing/makai");
    let io = std::fs::File::open(path).unwrap_err();
    let e = SysError::from_io_error(&io, Syscall::Open)
        .unwrap()
        .with_std_path(path);
    assert_eq!(
        e.to_string(),
        "ENOENT: no such file or directory, open '/definitely/missing/makai'"
    );
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    let back: std::io::Error = e.into();
    assert_eq!(back.raw_os_error(), io.raw_os_error());
}

#[derive(Debug, PartialEq)]
enum ParseError {
    Oom,
    Syntax(u32),
}

impl OomError for ParseError {
    fn is_oom(&self) -> bool {
        matches!(self, ParseError::Oom)
    }
}

#[test]
fn handle_oom_passes_other_errors_through() {
    let r: Result<u8, ParseError> = Err(ParseError::Syntax(7));
    assert_eq!(r.handle_oom(), Err(ParseError::Syntax(7)));
    let r: Result<u8, ParseError> = Ok(1);
    assert_eq!(r.handle_oom(), Ok(1));
    let r: Result<&str, AllocError> = Ok("fine");
    assert_eq!(r.handle_oom(), "fine");
    let e = SysError::new(Errno::NOENT, Syscall::Open);
    assert!(!e.is_oom());
    assert!(SysError::new(Errno::NOMEM, Syscall::Mmap).is_oom());
    let r: Result<(), SysError<'_>> = Err(e.clone());
    assert_eq!(r.handle_oom(), Err(e));
}

/// `handle_oom` on an OOM error must abort the process. The test re-runs this test binary in a
/// child process that takes the OOM path, and checks it died by abort with the one-line message.
#[test]
fn handle_oom_aborts_on_oom() {
    if std::env::var_os("MAKAI_OOM_CHILD").is_some() {
        let r: Result<u8, ParseError> = Err(ParseError::Oom);
        let _ = r.handle_oom();
        unreachable!("handle_oom returned on OOM");
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "handle_oom_aborts_on_oom",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MAKAI_OOM_CHILD", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(libc::SIGABRT));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("makai: out of memory"), "{stderr}");
}

#[test]
fn oom_hook_is_set_once() {
    fn first() {}
    fn second() {}
    let a = makai_error::set_oom_hook(first);
    let b = makai_error::set_oom_hook(second);
    assert!(a, "first hook installs");
    assert!(!b, "second hook must not replace the first");
}
