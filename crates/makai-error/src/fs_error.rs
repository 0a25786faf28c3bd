//! [`FsError`]: the owned error of the [`fs`](crate::fs) wrappers, a [`SysError`] or a failure
//! that has no errno (invalid UTF-8, a path with a NUL byte, a short write).

use alloc::string::FromUtf8Error;
use core::fmt;
use std::path::Path;

use crate::{Errno, SysError, Syscall};

/// The error of a file operation: a failed system call ([`SysError<'static>`](SysError), with
/// errno, the real syscall and the path), or a failure that has **no errno**, such as a file
/// that is not valid UTF-8 in [`fs::read_to_string`](crate::fs::read_to_string).
///
/// It owns everything it holds, so it is the easy error type for `main` and for functions that
/// build paths locally: `?` converts any [`SysError<'_>`](SysError) into it, copying a borrowed
/// path on the way (what [`SysError::into_owned`] does by hand).
///
/// A `main` that returns it prints the Node-style message, because `Debug` prints what
/// `Display` does (`{:#?}` shows the fields):
///
/// ```
/// use makai_error::{FsError, fs};
///
/// fn main() -> Result<(), FsError> {
///     let text = fs::read_to_string("/no/such/dir/config.toml");
///     let err = text.unwrap_err();
///     // What `main` would print after "Error: ":
///     assert_eq!(
///         format!("{err:?}"),
///         "ENOENT: no such file or directory, open '/no/such/dir/config.toml'"
///     );
///     Ok(())
/// }
/// ```
///
/// Failures without an errno print `ERR_` and their [`std::io::ErrorKind`] in Node's
/// upper-case style, then the cause, the syscall and the path:
///
/// ```
/// use makai_error::{FsError, Syscall};
/// let bad = String::from_utf8(b"ok \xFF".to_vec()).unwrap_err();
/// let err = FsError::from_utf8_error(bad, Syscall::Read).with_path(b"/tmp/x");
/// assert_eq!(err.errno(), None);
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
/// assert_eq!(
///     err.to_string(),
///     "ERR_INVALID_DATA: invalid utf-8 sequence of 1 bytes from index 3, read '/tmp/x'"
/// );
/// assert_eq!(err.into_bytes(), Some(b"ok \xFF".to_vec())); // the data is not lost
/// ```
///
/// # Size
///
/// 24 bytes, as `SysError` is: the rare no-errno failures live behind one `Box`, and the
/// variant tag hides in `SysError`'s unused tag values.
#[derive(Clone, PartialEq, Eq)]
pub struct FsError {
    repr: FsRepr,
}

#[derive(Clone, PartialEq, Eq)]
enum FsRepr {
    Sys(SysError<'static>),
    NoErrno(Box<NoErrno>),
}

/// A failure that has no errno: its cause and the context `SysError` would have held.
#[derive(Clone, PartialEq, Eq)]
struct NoErrno {
    cause: Cause,
    syscall: Syscall,
    fd: Option<i32>,
    path: Option<Box<[u8]>>,
    dest: Option<Box<[u8]>>,
}

#[derive(Clone, PartialEq, Eq)]
enum Cause {
    /// Bytes that are not UTF-8 where a string was promised; the bytes are kept.
    Utf8(FromUtf8Error),
    /// An `io::Error` without an OS error number: its kind and message.
    Io {
        kind: std::io::ErrorKind,
        message: Box<str>,
    },
}

const _: () = assert!(size_of::<FsError>() <= 24);
const _: () = assert!(size_of::<Result<usize, FsError>>() <= 24);

impl FsError {
    /// The error of `syscall` from a [`std::io::Error`], whatever it holds: an OS error number
    /// becomes a [`SysError`], anything else (std's own checks, such as a NUL byte in a path, or
    /// a short write) is kept as a no-errno failure with its kind and message.
    ///
    /// This conversion is total, unlike [`SysError::from_io_error`], which returns `None` for
    /// errors without an errno.
    ///
    /// ```
    /// use makai_error::{Errno, FsError, Syscall};
    /// let io = std::fs::File::open("/definitely/not/here").unwrap_err();
    /// assert_eq!(FsError::from_io_error(io, Syscall::Open).errno(), Some(Errno::NOENT));
    ///
    /// let io = std::fs::File::open("nul\0byte").unwrap_err(); // std refuses it, no errno
    /// let e = FsError::from_io_error(io, Syscall::Open);
    /// assert_eq!((e.errno(), e.kind()), (None, std::io::ErrorKind::InvalidInput));
    /// ```
    pub fn from_io_error(err: std::io::Error, syscall: Syscall) -> FsError {
        if let Some(errno) = err.raw_os_error().and_then(Errno::from_raw) {
            return FsError::from(SysError::new(errno, syscall));
        }
        let kind = err.kind();
        let message = err.to_string().into_boxed_str();
        FsError::no_errno(Cause::Io { kind, message }, syscall)
    }

    /// An invalid-data error for bytes that should have been UTF-8 (as `read_to_string`
    /// reports it). The bytes stay available through [`FsError::into_bytes`].
    pub fn from_utf8_error(err: FromUtf8Error, syscall: Syscall) -> FsError {
        FsError::no_errno(Cause::Utf8(err), syscall)
    }

    fn no_errno(cause: Cause, syscall: Syscall) -> FsError {
        FsError {
            repr: FsRepr::NoErrno(Box::new(NoErrno {
                cause,
                syscall,
                fd: None,
                path: None,
                dest: None,
            })),
        }
    }

    /// The builders' shared step: `sys` rebuilds a [`SysError`] (and the result copies what it
    /// borrows), `no_errno` edits the context of a failure without an errno.
    fn edit<'a>(
        self,
        sys: impl FnOnce(SysError<'a>) -> SysError<'a>,
        no_errno: impl FnOnce(&mut NoErrno),
    ) -> FsError {
        match self.repr {
            FsRepr::Sys(e) => FsError::from(sys(e)),
            FsRepr::NoErrno(mut b) => {
                no_errno(&mut b);
                FsError {
                    repr: FsRepr::NoErrno(b),
                }
            }
        }
    }

    /// Adds (or replaces) the path. The error owns its data, so the path is copied.
    ///
    /// ```
    /// use makai_error::{Errno, FsError, SysError, Syscall};
    /// let e = FsError::from(SysError::new(Errno::NOENT, Syscall::Stat)).with_path(b"/x");
    /// assert_eq!(e.path(), Some(&b"/x"[..]));
    /// ```
    #[must_use]
    pub fn with_path(self, path: &[u8]) -> FsError {
        self.edit(|e| e.with_path(path), |b| b.path = Some(path.into()))
    }

    /// [`with_path`](FsError::with_path) for a [`Path`].
    #[must_use]
    pub fn with_std_path(self, path: &Path) -> FsError {
        self.with_path(path.as_os_str().as_encoded_bytes())
    }

    /// Adds (or replaces) the destination path of a two-path call such as `rename`.
    #[must_use]
    pub fn with_dest(self, dest: &[u8]) -> FsError {
        self.edit(|e| e.with_dest(dest), |b| b.dest = Some(dest.into()))
    }

    /// [`with_dest`](FsError::with_dest) for a [`Path`].
    #[must_use]
    pub fn with_std_dest(self, dest: &Path) -> FsError {
        self.with_dest(dest.as_os_str().as_encoded_bytes())
    }

    /// The earlier name of [`with_std_path`](FsError::with_std_path).
    #[doc(hidden)]
    #[must_use]
    pub fn with_path_ref(self, path: &Path) -> FsError {
        self.with_std_path(path)
    }

    /// The earlier name of [`with_std_dest`](FsError::with_std_dest).
    #[doc(hidden)]
    #[must_use]
    pub fn with_dest_ref(self, dest: &Path) -> FsError {
        self.with_std_dest(dest)
    }

    /// Adds (or replaces) the file descriptor: an `i32` or an [`Fd`](crate::Fd).
    #[must_use]
    pub fn with_fd(self, fd: impl Into<i32>) -> FsError {
        let fd = fd.into();
        self.edit(|e| e.with_fd(fd), |b| b.fd = Some(fd))
    }

    /// The error number; `None` for failures that have none (invalid data and std's own
    /// checks).
    #[inline]
    pub fn errno(&self) -> Option<Errno> {
        match &self.repr {
            FsRepr::Sys(e) => Some(e.errno()),
            FsRepr::NoErrno(_) => None,
        }
    }

    /// The system call that failed, or that produced the data found invalid.
    #[inline]
    pub fn syscall(&self) -> Syscall {
        match &self.repr {
            FsRepr::Sys(e) => e.syscall(),
            FsRepr::NoErrno(b) => b.syscall,
        }
    }

    /// The file descriptor, if one was recorded.
    pub fn fd(&self) -> Option<i32> {
        match &self.repr {
            FsRepr::Sys(e) => e.fd(),
            FsRepr::NoErrno(b) => b.fd,
        }
    }

    /// The path, if one was recorded.
    pub fn path(&self) -> Option<&[u8]> {
        match &self.repr {
            FsRepr::Sys(e) => e.path(),
            FsRepr::NoErrno(b) => b.path.as_deref(),
        }
    }

    /// The path as a [`Path`], if one was recorded (Unix, where a path is any bytes).
    ///
    /// ```
    /// let e = makai_error::fs::read_to_string("/nonexistent/makai/x.toml").unwrap_err();
    /// assert_eq!(e.std_path(), Some(std::path::Path::new("/nonexistent/makai/x.toml")));
    /// ```
    #[cfg(unix)]
    pub fn std_path(&self) -> Option<&Path> {
        use std::os::unix::ffi::OsStrExt;
        self.path()
            .map(|p| Path::new(std::ffi::OsStr::from_bytes(p)))
    }

    /// The destination path, if one was recorded.
    pub fn dest(&self) -> Option<&[u8]> {
        match &self.repr {
            FsRepr::Sys(e) => e.dest(),
            FsRepr::NoErrno(b) => b.dest.as_deref(),
        }
    }

    /// The [`std::io::ErrorKind`]: the errno's kind, [`InvalidData`](std::io::ErrorKind::InvalidData)
    /// for invalid UTF-8, the original kind for other failures without an errno.
    pub fn kind(&self) -> std::io::ErrorKind {
        match &self.repr {
            FsRepr::Sys(e) => e.kind(),
            FsRepr::NoErrno(b) => match &b.cause {
                Cause::Utf8(_) => std::io::ErrorKind::InvalidData,
                Cause::Io { kind, .. } => *kind,
            },
        }
    }

    /// `true` for invalid data: bytes that are not what the call promised (such as invalid
    /// UTF-8 in `read_to_string`).
    pub fn is_invalid_data(&self) -> bool {
        self.errno().is_none() && self.kind() == std::io::ErrorKind::InvalidData
    }

    /// The [`SysError`] inside, when the failure has an errno.
    pub fn as_sys_error(&self) -> Option<&SysError<'static>> {
        match &self.repr {
            FsRepr::Sys(e) => Some(e),
            FsRepr::NoErrno(_) => None,
        }
    }

    /// The [`SysError`] inside, or the error itself when it has no errno.
    ///
    /// # Errors
    ///
    /// Gives `self` back when the failure has no errno.
    pub fn into_sys_error(self) -> Result<SysError<'static>, FsError> {
        match self.repr {
            FsRepr::Sys(e) => Ok(e),
            repr @ FsRepr::NoErrno(_) => Err(FsError { repr }),
        }
    }

    /// The UTF-8 error of an invalid-UTF-8 failure (where decoding stopped and why).
    pub fn utf8_error(&self) -> Option<core::str::Utf8Error> {
        match &self.repr {
            FsRepr::NoErrno(b) => match &b.cause {
                Cause::Utf8(e) => Some(e.utf8_error()),
                Cause::Io { .. } => None,
            },
            FsRepr::Sys(_) => None,
        }
    }

    /// The bytes that were read but are not valid UTF-8, so a caller can still use them (for
    /// example with [`String::from_utf8_lossy`]). `None` for other failures.
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self.repr {
            FsRepr::NoErrno(b) => match b.cause {
                Cause::Utf8(e) => Some(e.into_bytes()),
                Cause::Io { .. } => None,
            },
            FsRepr::Sys(_) => None,
        }
    }

    /// An [`std::io::Error`] of the same kind whose message is the full Node-style text.
    pub fn to_io_error_with_context(&self) -> std::io::Error {
        std::io::Error::new(self.kind(), self.clone())
    }
}

impl From<SysError<'_>> for FsError {
    /// Copies a borrowed path ([`SysError::into_owned`]), so `?` turns any `SysError` into an
    /// `FsError` without a borrow escaping the function.
    fn from(e: SysError<'_>) -> FsError {
        FsError {
            repr: FsRepr::Sys(e.into_owned()),
        }
    }
}

impl TryFrom<FsError> for SysError<'static> {
    type Error = FsError;

    /// [`FsError::into_sys_error`].
    fn try_from(e: FsError) -> Result<SysError<'static>, FsError> {
        e.into_sys_error()
    }
}

impl From<FsError> for std::io::Error {
    /// Keeps the whole error: the `io::Error` has the same [`kind`](FsError::kind), prints the
    /// full Node-style message (syscall and paths included), and carries the `FsError` as its
    /// payload, so `?` from a function returning `io::Result` loses nothing that prints.
    ///
    /// std reports `raw_os_error()` only for errors built from a bare number, which cannot carry
    /// a payload, so it is `None` here; get the errno back from the payload, as below, or
    /// convert with [`SysError`]'s `From` (which keeps the number and drops the message) when
    /// the number is what the caller needs.
    ///
    /// ```
    /// use makai_error::{Errno, FsError};
    /// fn load() -> std::io::Result<String> {
    ///     Ok(makai_error::fs::read_to_string("/no/such/dir/config.toml")?)
    /// }
    /// let io = load().unwrap_err();
    /// assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    /// assert_eq!(
    ///     io.to_string(),
    ///     "ENOENT: no such file or directory, open '/no/such/dir/config.toml'"
    /// );
    /// let errno = io.get_ref().and_then(|e| e.downcast_ref::<FsError>()).and_then(FsError::errno);
    /// assert_eq!(errno, Some(Errno::NOENT));
    /// ```
    fn from(e: FsError) -> std::io::Error {
        std::io::Error::new(e.kind(), e)
    }
}

/// Writes `ERR_` and an error kind in upper snake case: `InvalidData` gives `ERR_INVALID_DATA`.
fn write_code(f: &mut fmt::Formatter<'_>, kind: std::io::ErrorKind) -> fmt::Result {
    use fmt::Write as _;
    // `ErrorKind`'s `Debug` is its variant name; write it through a converting adapter so no
    // `String` is needed.
    struct Snake<'a, 'b>(&'a mut fmt::Formatter<'b>, bool);
    impl fmt::Write for Snake<'_, '_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for c in s.chars() {
                if c.is_ascii_uppercase() && self.1 {
                    self.0.write_char('_')?;
                }
                self.1 = true;
                self.0.write_char(c.to_ascii_uppercase())?;
            }
            Ok(())
        }
    }
    f.write_str("ERR_")?;
    write!(Snake(f, false), "{kind:?}")
}

impl fmt::Display for FsError {
    /// Node's format: `CODE: message, syscall 'path' -> 'dest'`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = match &self.repr {
            FsRepr::Sys(e) => return fmt::Display::fmt(e, f),
            FsRepr::NoErrno(b) => b,
        };
        write_code(f, self.kind())?;
        match &b.cause {
            Cause::Utf8(e) => write!(f, ": {}", e.utf8_error())?,
            Cause::Io { message, .. } => write!(f, ": {message}")?,
        }
        write!(f, ", {}", b.syscall.name())?;
        crate::sys_error::write_context(f, b.path.as_deref(), b.dest.as_deref(), b.fd)
    }
}

impl fmt::Debug for FsError {
    /// The Node-style message (what `main` prints after `Error: `); `{:#?}` shows the fields.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        match &self.repr {
            FsRepr::Sys(e) => f.debug_tuple("FsError").field(e).finish(),
            FsRepr::NoErrno(b) => {
                let mut d = f.debug_struct("FsError");
                d.field("kind", &self.kind());
                match &b.cause {
                    Cause::Utf8(e) => d.field("utf8_error", &e.utf8_error()),
                    Cause::Io { message, .. } => d.field("message", message),
                };
                d.field("syscall", &b.syscall);
                if let Some(fd) = b.fd {
                    d.field("fd", &fd);
                }
                if let Some(path) = &b.path {
                    d.field("path", &String::from_utf8_lossy(path));
                }
                if let Some(dest) = &b.dest {
                    d.field("dest", &String::from_utf8_lossy(dest));
                }
                d.finish()
            }
        }
    }
}

impl core::error::Error for FsError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match &self.repr {
            FsRepr::Sys(e) => Some(e),
            FsRepr::NoErrno(b) => match &b.cause {
                Cause::Utf8(e) => Some(e),
                Cause::Io { .. } => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size_of::<FsError>(), 24);
        assert_eq!(size_of::<Result<(), FsError>>(), 24);
    }

    #[test]
    fn codes_are_upper_snake_case() {
        let e = |kind| {
            FsError::from_io_error(std::io::Error::new(kind, "m"), Syscall::Write).to_string()
        };
        assert_eq!(e(std::io::ErrorKind::WriteZero), "ERR_WRITE_ZERO: m, write");
        assert_eq!(
            e(std::io::ErrorKind::InvalidInput),
            "ERR_INVALID_INPUT: m, write"
        );
        assert_eq!(e(std::io::ErrorKind::Other), "ERR_OTHER: m, write");
    }

    #[test]
    fn builders_on_no_errno_errors() {
        let e = FsError::from_io_error(
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad"),
            Syscall::Rename,
        )
        .with_fd(3)
        .with_path(b"/a")
        .with_dest(b"/b");
        assert_eq!(
            (e.fd(), e.path(), e.dest()),
            (Some(3), Some(&b"/a"[..]), Some(&b"/b"[..]))
        );
        assert_eq!(e.to_string(), "ERR_INVALID_INPUT: bad, rename '/a' -> '/b'");
        assert!(!e.is_invalid_data());
        assert!(e.as_sys_error().is_none());
        assert!(e.clone().into_sys_error().is_err());
        assert_eq!(e.clone().into_bytes(), None);
        let io: std::io::Error = e.into();
        assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(io.raw_os_error(), None);
    }

    #[test]
    fn sys_errors_pass_through() {
        let path = String::from("/etc/x");
        let e =
            FsError::from(SysError::new(Errno::ACCES, Syscall::Open).with_path(path.as_bytes()));
        drop(path); // the FsError owns its copy
        assert_eq!(e.errno(), Some(Errno::ACCES));
        assert_eq!(e.to_string(), "EACCES: permission denied, open '/etc/x'");
        assert_eq!(format!("{e:?}"), e.to_string());
        assert!(format!("{e:#?}").contains("errno"));
        let io: std::io::Error = e.clone().into();
        assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
        assert_eq!(io.to_string(), "EACCES: permission denied, open '/etc/x'");
        let payload = io.get_ref().and_then(|p| p.downcast_ref::<FsError>());
        assert_eq!(payload.and_then(FsError::errno), Some(Errno::ACCES));
        let sys = SysError::try_from(e).unwrap();
        assert_eq!(sys.path(), Some(&b"/etc/x"[..]));
    }

    #[test]
    fn utf8_errors_keep_position_and_bytes() {
        let bad = String::from_utf8(vec![b'a', 0xE2, 0x82]).unwrap_err();
        let e = FsError::from_utf8_error(bad, Syscall::Read).with_path(b"/f");
        assert!(e.is_invalid_data());
        assert_eq!(e.utf8_error().map(|u| u.valid_up_to()), Some(1));
        assert_eq!(
            e.to_string(),
            "ERR_INVALID_DATA: incomplete utf-8 byte sequence from index 1, read '/f'"
        );
        assert!(core::error::Error::source(&e).is_some());
        assert!(format!("{e:#?}").contains("utf8_error"));
        assert_eq!(e.into_bytes(), Some(vec![b'a', 0xE2, 0x82]));
    }
}
