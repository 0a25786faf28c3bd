//! `std::fs` with errors that name the real system call and the path.
//!
//! Each function does what its `std::fs` namesake does, step by step, so that a failure reports
//! the step that failed: reading a directory on Linux opens fine and fails in `read` with
//! `EISDIR`, and [`read`] says so instead of guessing `open`. Errors are [`FsError`]s, which own
//! their path and print like Node:
//!
//! ```
//! use makai_error::{Errno, Syscall, fs};
//!
//! let err = fs::read("/").unwrap_err(); // a directory
//! assert_eq!((err.errno(), err.syscall()), (Some(Errno::ISDIR), Syscall::Read));
//! assert_eq!(err.to_string(), "EISDIR: illegal operation on a directory, read '/'");
//!
//! let err = fs::metadata("/no/such/file").unwrap_err();
//! assert_eq!(err.to_string(), "ENOENT: no such file or directory, stat '/no/such/file'");
//! ```
//!
//! In `main`, `?` is all it takes, and a failure prints `Error: ` and the Node-style message:
//!
//! ```no_run
//! fn main() -> Result<(), makai_error::FsError> {
//!     let config = makai_error::fs::read_to_string("config.toml")?;
//!     println!("{} bytes of config", config.len());
//!     Ok(())
//! }
//! ```
//!
//! | function | syscalls named in its errors |
//! |---|---|
//! | [`open`], [`create`], [`open_with`] | `open` |
//! | [`read`], [`read_to_string`] | `open`, then `read` (invalid UTF-8: no errno, `read`) |
//! | [`write()`] | `open`, then `write` |
//! | [`metadata`] / [`symlink_metadata`] / [`exists`] | `stat` / `lstat` / `stat` |
//! | [`read_dir`] | `opendir`, then `scandir` for each entry (Node's name) |
//! | [`create_dir`], [`create_dir_all`] | `mkdir` |
//! | [`remove_file`] / [`remove_dir`] | `unlink` / `rmdir` |
//! | [`rename`] / [`copy`] / [`hard_link`] | `rename` / `copyfile` / `link`, with both paths |
//! | [`read_link`] / [`canonicalize`] / [`set_permissions`] | `readlink` / `realpath` / `chmod` |

use std::fs::{DirEntry, File, Metadata, OpenOptions, Permissions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::Syscall;

/// The error every function here returns (also at the crate root).
#[doc(no_inline)]
pub use crate::FsError;

/// The error of `syscall` on `path`.
fn fail(err: std::io::Error, syscall: Syscall, path: &Path) -> FsError {
    FsError::from_io_error(err, syscall).with_std_path(path)
}

/// Runs the std call `op` on `path`; its failure is the error of `syscall` on `path`.
fn on_path<'a, T>(
    path: &'a Path,
    syscall: Syscall,
    op: impl FnOnce(&'a Path) -> std::io::Result<T>,
) -> Result<T, FsError> {
    op(path).map_err(|e| fail(e, syscall, path))
}

/// Runs the two-path std call `op`; its failure is the error of `syscall` from `from` to `to`.
fn on_paths<'a, T>(
    from: &'a Path,
    to: &'a Path,
    syscall: Syscall,
    op: impl FnOnce(&'a Path, &'a Path) -> std::io::Result<T>,
) -> Result<T, FsError> {
    op(from, to).map_err(|e| {
        FsError::from_io_error(e, syscall)
            .with_std_path(from)
            .with_std_dest(to)
    })
}

/// Opens a file for reading ([`File::open`]).
///
/// # Errors
///
/// `open` with the path.
///
/// ```
/// let err = makai_error::fs::open("/no/such/file").unwrap_err();
/// assert_eq!(err.to_string(), "ENOENT: no such file or directory, open '/no/such/file'");
/// ```
pub fn open(path: impl AsRef<Path>) -> Result<File, FsError> {
    on_path(path.as_ref(), Syscall::Open, File::open)
}

/// Creates or truncates a file for writing ([`File::create`]).
///
/// # Errors
///
/// `open` with the path.
///
/// ```
/// let err = makai_error::fs::create("/no/such/dir/file").unwrap_err();
/// assert_eq!(err.syscall(), makai_error::Syscall::Open);
/// ```
pub fn create(path: impl AsRef<Path>) -> Result<File, FsError> {
    on_path(path.as_ref(), Syscall::Open, File::create)
}

/// Opens a file with the given options ([`OpenOptions::open`]).
///
/// # Errors
///
/// `open` with the path.
///
/// ```
/// use std::fs::OpenOptions;
/// let err = makai_error::fs::open_with("/", OpenOptions::new().write(true)).unwrap_err();
/// assert_eq!(err.errno(), Some(makai_error::Errno::ISDIR));
/// ```
pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<File, FsError> {
    on_path(path.as_ref(), Syscall::Open, |p| options.open(p))
}

/// Reads a whole file into a vector ([`std::fs::read`]).
///
/// # Errors
///
/// `open` if the file cannot be opened, `read` if reading fails (a directory fails here with
/// `EISDIR`), both with the path. A file too large for memory is a no-errno error of kind
/// [`OutOfMemory`](std::io::ErrorKind::OutOfMemory).
///
/// ```
/// let path = std::env::temp_dir().join(format!("makai-fs-read-{}", std::process::id()));
/// makai_error::fs::write(&path, b"bytes")?;
/// assert_eq!(makai_error::fs::read(&path)?, b"bytes");
/// # makai_error::fs::remove_file(&path)?;
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn read(path: impl AsRef<Path>) -> Result<Vec<u8>, FsError> {
    let path = path.as_ref();
    let mut file = open(path)?;
    // The size is only a capacity hint, as in std: a failing `fstat` (or a size that changes
    // while reading) does not fail the read.
    let hint = file
        .metadata()
        .ok()
        .and_then(|m| usize::try_from(m.len()).ok());
    let mut buf = Vec::new();
    if let Some(hint) = hint {
        buf.try_reserve_exact(hint).map_err(|_| {
            let oom = std::io::Error::from(std::io::ErrorKind::OutOfMemory);
            fail(oom, Syscall::Read, path)
        })?;
    }
    file.read_to_end(&mut buf)
        .map_err(|e| fail(e, Syscall::Read, path))?;
    Ok(buf)
}

/// Reads a whole file into a string ([`std::fs::read_to_string`]).
///
/// # Errors
///
/// As [`read`]; bytes that are not UTF-8 give an invalid-data error (no errno, syscall `read`,
/// the path) that still holds them ([`FsError::into_bytes`]).
///
/// ```
/// use makai_error::fs;
/// let path = std::env::temp_dir().join(format!("makai-fs-rts-{}", std::process::id()));
/// fs::write(&path, b"caf\xE9")?; // Latin-1, not UTF-8
/// let err = fs::read_to_string(&path).unwrap_err();
/// assert!(err.is_invalid_data() && err.errno().is_none());
/// assert_eq!(err.utf8_error().unwrap().valid_up_to(), 3);
/// assert_eq!(err.into_bytes().unwrap(), b"caf\xE9");
/// # fs::remove_file(&path)?;
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn read_to_string(path: impl AsRef<Path>) -> Result<String, FsError> {
    let path = path.as_ref();
    let bytes = read(path)?;
    String::from_utf8(bytes)
        .map_err(|e| FsError::from_utf8_error(e, Syscall::Read).with_std_path(path))
}

/// Creates (or truncates) a file and writes all of `contents` ([`std::fs::write`]).
///
/// # Errors
///
/// `open` if the file cannot be created, `write` if writing fails, both with the path.
///
/// ```
/// let err = makai_error::fs::write("/no/such/dir/f", b"x").unwrap_err();
/// assert_eq!(err.to_string(), "ENOENT: no such file or directory, open '/no/such/dir/f'");
/// ```
pub fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Result<(), FsError> {
    let path = path.as_ref();
    let mut file = create(path)?;
    file.write_all(contents.as_ref())
        .map_err(|e| fail(e, Syscall::Write, path))
}

/// The metadata of a file, following symbolic links ([`std::fs::metadata`]).
///
/// # Errors
///
/// `stat` with the path.
///
/// ```
/// assert!(makai_error::fs::metadata("/")?.is_dir());
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn metadata(path: impl AsRef<Path>) -> Result<Metadata, FsError> {
    on_path(path.as_ref(), Syscall::Stat, std::fs::metadata)
}

/// The metadata of a file without following symbolic links ([`std::fs::symlink_metadata`]).
///
/// # Errors
///
/// `lstat` with the path.
///
/// ```
/// let err = makai_error::fs::symlink_metadata("/no/such").unwrap_err();
/// assert_eq!(err.syscall(), makai_error::Syscall::Lstat);
/// ```
pub fn symlink_metadata(path: impl AsRef<Path>) -> Result<Metadata, FsError> {
    on_path(path.as_ref(), Syscall::Lstat, std::fs::symlink_metadata)
}

/// Whether the path exists: `Ok(false)` for `ENOENT`, an error for anything else (a permission
/// problem is not an answer) ([`std::fs::exists`]).
///
/// # Errors
///
/// `stat` with the path, for every failure except "not found".
///
/// ```
/// assert!(makai_error::fs::exists("/")?);
/// assert!(!makai_error::fs::exists("/no/such/file")?);
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn exists(path: impl AsRef<Path>) -> Result<bool, FsError> {
    on_path(path.as_ref(), Syscall::Stat, std::fs::exists)
}

/// The entries of a directory ([`std::fs::read_dir`]); the iterator's errors carry the
/// directory's path too.
///
/// # Errors
///
/// `opendir` with the path; each entry's error is `scandir` (Node's name for the call).
///
/// ```
/// let err = makai_error::fs::read_dir("/no/such/dir").unwrap_err();
/// assert_eq!(err.to_string(), "ENOENT: no such file or directory, opendir '/no/such/dir'");
/// let entries = makai_error::fs::read_dir("/")?.collect::<Result<Vec<_>, _>>()?;
/// assert!(!entries.is_empty());
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn read_dir(path: impl AsRef<Path>) -> Result<ReadDir, FsError> {
    let path = path.as_ref();
    match std::fs::read_dir(path) {
        Ok(inner) => Ok(ReadDir {
            inner,
            path: path.to_path_buf(),
        }),
        Err(e) => Err(fail(e, Syscall::Opendir, path)),
    }
}

/// The iterator of [`read_dir`]: [`DirEntry`]s, or errors that name the directory.
#[derive(Debug)]
pub struct ReadDir {
    inner: std::fs::ReadDir,
    path: PathBuf,
}

impl ReadDir {
    /// The directory being read.
    ///
    /// ```
    /// let dir = makai_error::fs::read_dir("/")?;
    /// assert_eq!(dir.path(), std::path::Path::new("/"));
    /// # Ok::<(), makai_error::FsError>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Iterator for ReadDir {
    type Item = Result<DirEntry, FsError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.inner.next()?;
        Some(next.map_err(|e| fail(e, Syscall::Readdir, &self.path)))
    }
}

/// Creates a directory ([`std::fs::create_dir`]).
///
/// # Errors
///
/// `mkdir` with the path.
///
/// ```
/// let err = makai_error::fs::create_dir("/").unwrap_err();
/// assert_eq!(err.to_string(), "EEXIST: file already exists, mkdir '/'");
/// ```
pub fn create_dir(path: impl AsRef<Path>) -> Result<(), FsError> {
    on_path(path.as_ref(), Syscall::Mkdir, std::fs::create_dir)
}

/// Creates a directory and its missing parents ([`std::fs::create_dir_all`]).
///
/// # Errors
///
/// `mkdir` with the full path given (std does not say which ancestor failed).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("makai-fs-cda-{}/a/b", std::process::id()));
/// makai_error::fs::create_dir_all(&dir)?;
/// assert!(makai_error::fs::metadata(&dir)?.is_dir());
/// # std::fs::remove_dir_all(dir.parent().unwrap().parent().unwrap()).unwrap();
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn create_dir_all(path: impl AsRef<Path>) -> Result<(), FsError> {
    on_path(path.as_ref(), Syscall::Mkdir, std::fs::create_dir_all)
}

/// Removes a file ([`std::fs::remove_file`]).
///
/// # Errors
///
/// `unlink` with the path.
///
/// ```
/// let err = makai_error::fs::remove_file("/no/such/file").unwrap_err();
/// assert_eq!(err.to_string(), "ENOENT: no such file or directory, unlink '/no/such/file'");
/// ```
pub fn remove_file(path: impl AsRef<Path>) -> Result<(), FsError> {
    on_path(path.as_ref(), Syscall::Unlink, std::fs::remove_file)
}

/// Removes an empty directory ([`std::fs::remove_dir`]).
///
/// # Errors
///
/// `rmdir` with the path.
///
/// ```
/// let err = makai_error::fs::remove_dir("/no/such/dir").unwrap_err();
/// assert_eq!(err.syscall(), makai_error::Syscall::Rmdir);
/// ```
pub fn remove_dir(path: impl AsRef<Path>) -> Result<(), FsError> {
    on_path(path.as_ref(), Syscall::Rmdir, std::fs::remove_dir)
}

/// Renames a file or directory ([`std::fs::rename`]).
///
/// # Errors
///
/// `rename` with both paths.
///
/// ```
/// let err = makai_error::fs::rename("/no/a", "/no/b").unwrap_err();
/// assert_eq!(err.to_string(), "ENOENT: no such file or directory, rename '/no/a' -> '/no/b'");
/// ```
pub fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<(), FsError> {
    on_paths(from.as_ref(), to.as_ref(), Syscall::Rename, std::fs::rename)
}

/// Copies a file's contents and permissions, returning the number of bytes copied
/// ([`std::fs::copy`]).
///
/// # Errors
///
/// `copyfile` with both paths (Node's name; std does not say which of its steps failed).
///
/// ```
/// let err = makai_error::fs::copy("/no/a", "/tmp/b").unwrap_err();
/// assert_eq!(err.dest(), Some(&b"/tmp/b"[..]));
/// ```
pub fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<u64, FsError> {
    on_paths(from.as_ref(), to.as_ref(), Syscall::Copyfile, std::fs::copy)
}

/// Creates a hard link `link` to `original` ([`std::fs::hard_link`]).
///
/// # Errors
///
/// `link` with both paths.
///
/// ```
/// let err = makai_error::fs::hard_link("/no/a", "/no/b").unwrap_err();
/// assert_eq!(err.syscall(), makai_error::Syscall::Link);
/// ```
pub fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> Result<(), FsError> {
    on_paths(
        original.as_ref(),
        link.as_ref(),
        Syscall::Link,
        std::fs::hard_link,
    )
}

/// The target of a symbolic link ([`std::fs::read_link`]).
///
/// # Errors
///
/// `readlink` with the path.
///
/// ```
/// let err = makai_error::fs::read_link("/").unwrap_err(); // not a link
/// assert_eq!(err.to_string(), "EINVAL: invalid argument, readlink '/'");
/// ```
pub fn read_link(path: impl AsRef<Path>) -> Result<PathBuf, FsError> {
    on_path(path.as_ref(), Syscall::Readlink, std::fs::read_link)
}

/// The absolute, resolved form of a path ([`std::fs::canonicalize`]).
///
/// # Errors
///
/// `realpath` with the path.
///
/// ```
/// assert_eq!(makai_error::fs::canonicalize("/")?, std::path::Path::new("/"));
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn canonicalize(path: impl AsRef<Path>) -> Result<PathBuf, FsError> {
    on_path(path.as_ref(), Syscall::Realpath, std::fs::canonicalize)
}

/// Changes a file's permissions ([`std::fs::set_permissions`]).
///
/// # Errors
///
/// `chmod` with the path.
///
/// ```
/// let perm = makai_error::fs::metadata("/")?.permissions();
/// let err = makai_error::fs::set_permissions("/no/such", perm).unwrap_err();
/// assert_eq!(err.syscall(), makai_error::Syscall::Chmod);
/// # Ok::<(), makai_error::FsError>(())
/// ```
pub fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> Result<(), FsError> {
    on_path(path.as_ref(), Syscall::Chmod, |p| {
        std::fs::set_permissions(p, perm)
    })
}
