//! makai-error: a real failing `open`, turned into a `SysError` and printed like Node would.

use makai::error::{Errno, HandleOom, Maybe, SysError, Syscall, check};

pub(crate) fn section() {
    crate::heading("makai-error: errors that carry errno, syscall and path");

    // A real system call that fails: open(2) on a path that does not exist.
    let path = c"/nonexistent/makai/tour.txt";
    // SAFETY: `open` reads a NUL-terminated string that lives for the whole call.
    let rc = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY) };
    let result: Maybe<usize, SysError<'_>> =
        check(rc as isize, Syscall::Open).map_err(|e| e.with_path(path.to_bytes()));
    let err = result.expect_err("opening a missing file must fail");
    println!("open(\"{}\") failed:  {err}", path.to_string_lossy());
    println!(
        "  errno {} ({}), syscall `{}`",
        err.errno().raw(),
        err.errno().name(),
        err.syscall()
    );
    println!(
        "  size_of::<Result<usize, SysError>>() = {} bytes (std::io::Error alone: {} bytes, with no path)",
        size_of::<Result<usize, SysError<'_>>>(),
        size_of::<std::io::Error>()
    );

    let io: std::io::Error = err.clone().into();
    println!(
        "  as std::io::Error: kind {:?}, raw_os_error {:?}",
        io.kind(),
        io.raw_os_error()
    );

    let renamed = SysError::new(Errno::XDEV, Syscall::Rename)
        .with_path(b"/mnt/a")
        .with_dest(b"/home/b");
    println!("a two-path error:   {renamed}");

    // handle_oom diverts only out-of-memory; other errors come back untouched.
    let not_oom: std::io::Result<()> = Err(std::io::ErrorKind::NotFound.into());
    println!(
        "handle_oom on NotFound hands it back: {:?}",
        not_oom.handle_oom().unwrap_err().kind()
    );
}
