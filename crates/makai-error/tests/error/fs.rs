//! The `fs` wrappers against the real file system: the syscall and path each failure names,
//! the no-errno failures, and what a `main` returning the errors prints.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Termination};

use makai_error::{Errno, FsError, SysError, Syscall, fs};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("makai-error-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn path_bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

#[test]
fn reading_a_directory_fails_in_read_not_open() {
    let dir = TempDir::new("isdir");
    for err in [
        fs::read(&dir.0).unwrap_err(),
        fs::read_to_string(&dir.0).unwrap_err(),
    ] {
        assert_eq!(err.errno(), Some(Errno::ISDIR));
        assert_eq!(err.syscall(), Syscall::Read);
        assert_eq!(err.path(), Some(path_bytes(&dir.0)));
        assert_eq!(
            err.to_string(),
            format!(
                "EISDIR: illegal operation on a directory, read '{}'",
                dir.0.display()
            )
        );
    }
}

#[test]
fn missing_files_fail_in_the_call_that_looked() {
    let dir = TempDir::new("missing");
    let gone = dir.join("gone");
    let cases: [(FsError, Syscall); 9] = [
        (fs::open(&gone).unwrap_err(), Syscall::Open),
        (fs::read(&gone).unwrap_err(), Syscall::Open),
        (fs::read_to_string(&gone).unwrap_err(), Syscall::Open),
        (fs::write(gone.join("x"), b"").unwrap_err(), Syscall::Open),
        (fs::metadata(&gone).unwrap_err(), Syscall::Stat),
        (fs::symlink_metadata(&gone).unwrap_err(), Syscall::Lstat),
        (fs::read_dir(&gone).unwrap_err(), Syscall::Opendir),
        (fs::remove_file(&gone).unwrap_err(), Syscall::Unlink),
        (fs::remove_dir(&gone).unwrap_err(), Syscall::Rmdir),
    ];
    for (err, syscall) in cases {
        assert_eq!(err.errno(), Some(Errno::NOENT), "{err}");
        assert_eq!(err.syscall(), syscall, "{err}");
        assert!(err.path().is_some_and(|p| p.starts_with(path_bytes(&gone))));
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
    assert!(!fs::exists(&gone).unwrap());
}

#[test]
fn round_trip_and_two_path_calls() {
    let dir = TempDir::new("rt");
    let a = dir.join("a.txt");
    let b = dir.join("b.txt");
    fs::write(&a, "hello").unwrap();
    assert_eq!(fs::read_to_string(&a).unwrap(), "hello");
    assert_eq!(fs::copy(&a, &b).unwrap(), 5);
    fs::remove_file(&b).unwrap();
    fs::rename(&a, &b).unwrap();
    assert!(fs::exists(&b).unwrap() && !fs::exists(&a).unwrap());

    let err = fs::rename(&a, dir.join("c")).unwrap_err();
    assert_eq!(
        (err.errno(), err.syscall()),
        (Some(Errno::NOENT), Syscall::Rename)
    );
    assert_eq!(err.path(), Some(path_bytes(&a)));
    assert_eq!(err.dest(), Some(path_bytes(&dir.join("c"))));
    assert!(err.to_string().ends_with(&format!(
        "rename '{}' -> '{}'",
        a.display(),
        dir.join("c").display()
    )));

    let err = fs::hard_link(&b, &b).unwrap_err();
    assert_eq!(
        (err.errno(), err.syscall()),
        (Some(Errno::EXIST), Syscall::Link)
    );

    fs::create_dir_all(dir.join("x/y")).unwrap();
    let err = fs::create_dir(dir.join("x")).unwrap_err();
    assert_eq!(
        (err.errno(), err.syscall()),
        (Some(Errno::EXIST), Syscall::Mkdir)
    );
    let err = fs::remove_dir(dir.join("x")).unwrap_err();
    assert_eq!(
        (err.errno(), err.syscall()),
        (Some(Errno::NOTEMPTY), Syscall::Rmdir)
    );

    let mut names: Vec<String> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["b.txt", "x"]);
}

#[test]
fn invalid_utf8_is_invalid_data_without_errno() {
    let dir = TempDir::new("utf8");
    let f = dir.join("latin1.txt");
    fs::write(&f, b"na\xEFve").unwrap();
    let err = fs::read_to_string(&f).unwrap_err();
    assert_eq!(err.errno(), None);
    assert!(err.is_invalid_data());
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(err.syscall(), Syscall::Read);
    assert_eq!(err.path(), Some(path_bytes(&f)));
    assert_eq!(err.utf8_error().unwrap().valid_up_to(), 2);
    assert_eq!(
        err.to_string(),
        format!(
            "ERR_INVALID_DATA: invalid utf-8 sequence of 1 bytes from index 2, read '{}'",
            f.display()
        )
    );
    let io: std::io::Error = err.clone().into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(err.into_bytes().unwrap(), b"na\xEFve");
    // Empty and valid files still read.
    fs::write(&f, b"").unwrap();
    assert_eq!(fs::read_to_string(&f).unwrap(), "");
}

#[test]
fn std_errors_without_errno_do_not_panic() {
    // std refuses a NUL byte before any syscall: no errno, but no panic either.
    let err = fs::open("nul\0byte").unwrap_err();
    assert_eq!(err.errno(), None);
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(err.syscall(), Syscall::Open);
    assert!(err.to_string().starts_with("ERR_INVALID_INPUT: "));
    assert!(err.into_sys_error().is_err());
    // The same `io::Error` makes `SysError::from_io_error` return `None`.
    let io = std::fs::File::open("nul\0byte").unwrap_err();
    assert!(SysError::from_io_error(&io, Syscall::Open).is_none());
}

/// The question mark from a borrowed `SysError` into `FsError` copies the path.
fn load(dir: &Path) -> Result<Vec<u8>, FsError> {
    let path = dir.join("config.toml");
    let io = std::fs::File::open(&path).unwrap_err();
    let errno = Errno::from_raw(io.raw_os_error().unwrap()).unwrap();
    Err(SysError::new(errno, Syscall::Open).with_std_path(&path))?
}

fn fake_main_fs() -> Result<(), FsError> {
    let _config = fs::read_to_string("/no/such/dir/config.toml")?;
    Ok(())
}

fn fake_main_sys() -> Result<(), SysError<'static>> {
    let path = String::from("/no/such/dir/data.bin");
    let e = SysError::new(Errno::NOENT, Syscall::Open).with_path(path.as_bytes());
    Err(e.into_owned())
}

#[test]
fn owned_errors_leave_the_function() {
    let err = load(Path::new("/no/such/dir")).unwrap_err();
    assert_eq!(err.path(), Some(&b"/no/such/dir/config.toml"[..]));
}

/// Runs the fake `main`s in a child process (this test binary, re-entered through an
/// environment variable) and checks what std's `Termination` printed for them.
#[test]
fn main_returning_the_errors_prints_node_style() {
    const CHILD: &str = "MAKAI_ERROR_FAKE_MAIN";
    if let Ok(which) = std::env::var(CHILD) {
        // Child: do what `fn main() -> Result<(), E>` does with the error, then exit.
        let code = if which == "fs" {
            fake_main_fs().report()
        } else {
            fake_main_sys().report()
        };
        std::process::exit(if code == ExitCode::FAILURE { 1 } else { 0 });
    }
    for (which, message) in [
        (
            "fs",
            "Error: ENOENT: no such file or directory, open '/no/such/dir/config.toml'\n",
        ),
        (
            "sys",
            "Error: ENOENT: no such file or directory, open '/no/such/dir/data.bin'\n",
        ),
    ] {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "fs::main_returning_the_errors_prints_node_style",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, which)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr, message);
    }
}
