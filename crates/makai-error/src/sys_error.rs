//! [`SysError`]: errno + syscall + optional fd, path and destination path, printed like Node.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::ToString as _;
use core::fmt;
#[cfg(feature = "std")]
use std::path::Path;

use crate::{Errno, Syscall};

/// The error of a failed system call: errno, which call, and optionally the file descriptor,
/// the path and the destination path (for `rename`, `link`, `copyfile`, ...).
///
/// Paths are *borrowed* for `'p` (no copy, no allocation) and copied only when the error has
/// to outlive them ([`SysError::into_owned`]). The borrow checker enforces what Bun's
/// `withoutPath()` leaves to the programmer.
///
/// It prints the way Node.js prints a `SystemError`:
///
/// ```
/// use makai_error::{Errno, SysError, Syscall};
/// let e = SysError::new(Errno::NOENT, Syscall::Open).with_path(b"/tmp/x");
/// assert_eq!(e.to_string(), "ENOENT: no such file or directory, open '/tmp/x'");
///
/// let e = SysError::new(Errno::XDEV, Syscall::Rename).with_path(b"/a").with_dest(b"/b");
/// assert_eq!(e.to_string(), "EXDEV: cross-device link not permitted, rename '/a' -> '/b'");
///
/// let e = SysError::new(Errno::BADF, Syscall::Close).with_fd(7);
/// assert_eq!(e.to_string(), "EBADF: bad file descriptor, close (fd 7)");
/// ```
///
/// # Size
///
/// `SysError` and `Result<usize, SysError>` are 24 bytes (three words): errno (2 bytes),
/// syscall (1), a variant tag (1), fd (4) and a borrowed path (16) share one enum, and anything
/// rarer (a destination path, or paths owned after [`SysError::into_owned`]) moves behind one
/// `Box`. The 16-byte layout would need a thin path pointer rebuilt into a slice with `unsafe`,
/// and this crate has none.
///
/// # Lifetimes
///
/// A `SysError` holding a borrowed path cannot outlive the path's buffer:
///
/// ```compile_fail
/// use makai_error::{Errno, SysError, Syscall};
/// let err;
/// {
///     let buf = b"/tmp/x".to_vec();
///     err = SysError::new(Errno::NOENT, Syscall::Open).with_path(&buf);
/// }
/// println!("{err}");
/// ```
///
/// [`into_owned`](SysError::into_owned) is the way out:
///
/// ```
/// use makai_error::{Errno, SysError, Syscall};
/// let err;
/// {
///     let buf = b"/tmp/x".to_vec();
///     err = SysError::new(Errno::NOENT, Syscall::Open).with_path(&buf).into_owned();
/// }
/// assert_eq!(err.path(), Some(&b"/tmp/x"[..]));
/// ```
///
/// # Returning it: `into_owned`, or `FsError` and `?`
///
/// An error that borrows a path built inside the function cannot be returned from it
/// (E0515, "returns a value referencing data owned by the current function"):
///
/// ```compile_fail,E0515
/// use makai_error::{Errno, SysError, Syscall};
/// fn load(dir: &str) -> Result<(), SysError<'static>> {
///     let path = format!("{dir}/config.toml");
///     Err(SysError::new(Errno::NOENT, Syscall::Open).with_path(path.as_bytes()))
/// }
/// ```
///
/// Call [`into_owned`](SysError::into_owned) (it copies the path into the error), or return
/// [`FsError`](crate::FsError), the owned error of the [`fs`](crate::fs) wrappers: `?`
/// converts any `SysError` into it and copies the path on the way. Both print the Node-style
/// message from a `main` (`Debug` prints what `Display` does):
///
/// ```
/// use makai_error::{Errno, FsError, SysError, Syscall};
/// fn load(dir: &str) -> Result<(), SysError<'static>> {
///     let path = format!("{dir}/config.toml");
///     Err(SysError::new(Errno::NOENT, Syscall::Open).with_path(path.as_bytes()).into_owned())
/// }
/// fn load_fs(dir: &str) -> Result<(), FsError> {
///     let path = format!("{dir}/config.toml");
///     Err(SysError::new(Errno::NOENT, Syscall::Open).with_path(path.as_bytes()))?
/// }
/// let msg = "ENOENT: no such file or directory, open '/etc/app/config.toml'";
/// assert_eq!(format!("{:?}", load("/etc/app").unwrap_err()), msg);
/// assert_eq!(format!("{:?}", load_fs("/etc/app").unwrap_err()), msg);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SysError<'p> {
    repr: Repr<'p>,
}

/// One enum, so that errno and syscall share the words of every variant and the variant tag
/// sits in their padding. (A struct of `errno`, `syscall` and a context enum is 32 bytes.)
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr<'p> {
    Bare {
        errno: Errno,
        syscall: Syscall,
    },
    Fd {
        errno: Errno,
        syscall: Syscall,
        fd: i32,
    },
    Path {
        errno: Errno,
        syscall: Syscall,
        path: &'p [u8],
    },
    FdPath {
        errno: Errno,
        syscall: Syscall,
        fd: i32,
        path: &'p [u8],
    },
    /// A destination path, or owned paths: rare, so one allocation is fine.
    Boxed {
        errno: Errno,
        syscall: Syscall,
        ctx: Box<Context<'p>>,
    },
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Context<'p> {
    fd: Option<i32>,
    path: Option<Cow<'p, [u8]>>,
    dest: Option<Cow<'p, [u8]>>,
}

/// The context of a [`Repr`], split from its errno and syscall: the fd and borrowed path of
/// the four unboxed variants, or the box.
enum Ctx<'p> {
    Unboxed(Option<i32>, Option<&'p [u8]>),
    Boxed(Box<Context<'p>>),
}

const _: () = assert!(size_of::<SysError<'_>>() <= 24);
const _: () = assert!(size_of::<Result<usize, SysError<'_>>>() <= 24);
const _: () = assert!(size_of::<Option<SysError<'_>>>() <= 24);

/// The result of a system call wrapper: Bun's `Maybe(T)`.
///
/// The error defaults to `SysError<'static>` (no borrowed path); an error that borrows a path
/// is `Maybe<T, SysError<'p>>`. With `std`, [`check`] turns a C-style return code into one
/// (it reads `errno`):
///
/// ```
/// use makai_error::{Maybe, Syscall, check};
/// fn fake_read(rc: isize) -> Maybe<usize> {
///     check(rc, Syscall::Read)
/// }
/// assert_eq!(fake_read(5).unwrap(), 5);
/// ```
///
/// Without `std` (no `errno` to read), build the error from the number the platform returned:
///
/// ```
/// use makai_error::{Errno, Maybe, SysError, Syscall};
/// // A kernel-style call that returns `-errno` on failure.
/// fn open_at<'p>(path: &'p [u8], rc: i32) -> Maybe<u32, SysError<'p>> {
///     match u32::try_from(rc) {
///         Ok(fd) => Ok(fd),
///         Err(_) => {
///             let errno = Errno::from_raw(-rc).unwrap_or(Errno::UNKNOWN);
///             Err(SysError::new(errno, Syscall::Open).with_path(path))
///         }
///     }
/// }
/// let err = open_at(b"/etc/x", -2).unwrap_err();
/// assert_eq!(err.to_string(), "ENOENT: no such file or directory, open '/etc/x'");
/// ```
pub type Maybe<T, E = SysError<'static>> = Result<T, E>;

/// Turns a C-style return value into a [`Maybe`]: a non-negative `rc` is the result, a negative
/// one means failure and the error is the thread's current [`Errno::last`].
///
/// Call it right after the system call, before anything else can change `errno`.
///
/// # Errors
///
/// Returns a [`SysError`] with [`Errno::last`] and `syscall` when `rc < 0`.
///
/// ```
/// use makai_error::{Errno, Syscall, check};
/// let _ = std::fs::File::open("/definitely/not/here"); // leaves errno = ENOENT
/// let err = check(-1, Syscall::Open).unwrap_err();
/// assert_eq!(err.errno(), Errno::NOENT);
/// assert_eq!(err.syscall(), Syscall::Open);
/// ```
#[inline]
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub fn check(rc: isize, syscall: Syscall) -> Maybe<usize> {
    match usize::try_from(rc) {
        Ok(n) => Ok(n),
        Err(_) => Err(SysError::new(Errno::last(), syscall)),
    }
}

impl<'p> SysError<'p> {
    /// An error with no fd and no path.
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// let e = SysError::new(Errno::NOENT, Syscall::Open);
    /// assert_eq!(e.to_string(), "ENOENT: no such file or directory, open");
    /// ```
    #[inline]
    pub const fn new(errno: Errno, syscall: Syscall) -> SysError<'p> {
        SysError {
            repr: Repr::Bare { errno, syscall },
        }
    }

    /// The error of `syscall` with the thread's current `errno` ([`Errno::last`]).
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn last(syscall: Syscall) -> SysError<'p> {
        SysError::new(Errno::last(), syscall)
    }

    /// The error in `err` if it came from the operating system (`raw_os_error()` is `Some`).
    ///
    /// `None` for errors std raises itself (a NUL byte in a path, a short write, invalid UTF-8
    /// in `read_to_string`): do not `unwrap` it on the result of a std call. Use
    /// [`FsError::from_io_error`](crate::FsError::from_io_error), which accepts every
    /// `io::Error`, or the [`fs`](crate::fs) wrappers, which also record the real syscall.
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// let io = std::fs::File::open("/definitely/not/here").unwrap_err();
    /// let e = SysError::from_io_error(&io, Syscall::Open).unwrap();
    /// assert_eq!(e.errno(), Errno::NOENT);
    /// ```
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn from_io_error(err: &std::io::Error, syscall: Syscall) -> Option<SysError<'p>> {
        err.raw_os_error()
            .and_then(Errno::from_raw)
            .map(|errno| SysError::new(errno, syscall))
    }

    /// Errno, syscall and the context: the fd and borrowed path of an unboxed error, or the box.
    #[inline]
    fn split(self) -> (Errno, Syscall, Ctx<'p>) {
        match self.repr {
            Repr::Bare { errno, syscall } => (errno, syscall, Ctx::Unboxed(None, None)),
            Repr::Fd { errno, syscall, fd } => (errno, syscall, Ctx::Unboxed(Some(fd), None)),
            Repr::Path {
                errno,
                syscall,
                path,
            } => (errno, syscall, Ctx::Unboxed(None, Some(path))),
            Repr::FdPath {
                errno,
                syscall,
                fd,
                path,
            } => (errno, syscall, Ctx::Unboxed(Some(fd), Some(path))),
            Repr::Boxed {
                errno,
                syscall,
                ctx,
            } => (errno, syscall, Ctx::Boxed(ctx)),
        }
    }

    /// The unboxed error with this fd and borrowed path.
    #[inline]
    fn unboxed(errno: Errno, syscall: Syscall, fd: Option<i32>, path: Option<&'p [u8]>) -> Self {
        let repr = match (fd, path) {
            (None, None) => Repr::Bare { errno, syscall },
            (Some(fd), None) => Repr::Fd { errno, syscall, fd },
            (None, Some(path)) => Repr::Path {
                errno,
                syscall,
                path,
            },
            (Some(fd), Some(path)) => Repr::FdPath {
                errno,
                syscall,
                fd,
                path,
            },
        };
        SysError { repr }
    }

    /// Replaces the fd and/or the borrowed path (`None` keeps what is there), in place: an
    /// unboxed error stays unboxed, a boxed one keeps its box.
    #[inline]
    fn replace_fd_path(self, new_fd: Option<i32>, new_path: Option<&'p [u8]>) -> Self {
        match self.split() {
            (errno, syscall, Ctx::Unboxed(fd, path)) => {
                SysError::unboxed(errno, syscall, new_fd.or(fd), new_path.or(path))
            }
            (errno, syscall, Ctx::Boxed(mut ctx)) => {
                if let Some(fd) = new_fd {
                    ctx.fd = Some(fd);
                }
                if let Some(path) = new_path {
                    ctx.path = Some(Cow::Borrowed(path));
                }
                SysError {
                    repr: Repr::Boxed {
                        errno,
                        syscall,
                        ctx,
                    },
                }
            }
        }
    }

    fn parts(self) -> Parts<'p> {
        match self.split() {
            (errno, syscall, Ctx::Unboxed(fd, path)) => Parts {
                fd,
                path: path.map(Cow::Borrowed),
                ..Parts::new(errno, syscall)
            },
            (errno, syscall, Ctx::Boxed(ctx)) => {
                let Context { fd, path, dest } = *ctx;
                Parts {
                    errno,
                    syscall,
                    fd,
                    path,
                    dest,
                }
            }
        }
    }

    /// Adds (or replaces) the file descriptor: an `i32` as the system call saw it, or an
    /// [`Fd`](crate::Fd).
    ///
    /// ```
    /// use makai_error::{Errno, Fd, SysError, Syscall};
    /// let e = SysError::new(Errno::BADF, Syscall::Read).with_fd(3);
    /// assert_eq!(e.fd(), Some(3));
    /// let e = SysError::new(Errno::BADF, Syscall::Write).with_fd(Fd::STDERR);
    /// assert_eq!(e.fd(), Some(2));
    /// ```
    #[inline]
    #[must_use]
    pub fn with_fd(self, fd: impl Into<i32>) -> SysError<'p> {
        self.replace_fd_path(Some(fd.into()), None)
    }

    /// Adds (or replaces) the path, borrowed: no copy, no allocation.
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// let path = String::from("/etc/shadow");
    /// let e = SysError::new(Errno::ACCES, Syscall::Open).with_path(path.as_bytes());
    /// assert_eq!(e.path(), Some(path.as_bytes()));
    /// ```
    #[inline]
    #[must_use]
    pub fn with_path(self, path: &'p [u8]) -> SysError<'p> {
        self.replace_fd_path(None, Some(path))
    }

    /// Adds (or replaces) the destination path of a two-path call such as `rename`.
    ///
    /// The destination is borrowed, but this is the one builder that allocates: the context
    /// moves behind a `Box` so that the common one-path error stays three words.
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// let e = SysError::new(Errno::EXIST, Syscall::Link).with_path(b"a").with_dest(b"b");
    /// assert_eq!(e.dest(), Some(&b"b"[..]));
    /// ```
    #[must_use]
    pub fn with_dest(self, dest: &'p [u8]) -> SysError<'p> {
        let mut parts = self.parts();
        parts.dest = Some(Cow::Borrowed(dest));
        parts.build()
    }

    /// [`with_path`](SysError::with_path) for a [`Path`] (its bytes as the OS encodes them).
    #[inline]
    #[must_use]
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn with_std_path(self, path: &'p Path) -> SysError<'p> {
        self.with_path(path.as_os_str().as_encoded_bytes())
    }

    /// [`with_dest`](SysError::with_dest) for a [`Path`].
    #[must_use]
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn with_std_dest(self, dest: &'p Path) -> SysError<'p> {
        self.with_dest(dest.as_os_str().as_encoded_bytes())
    }

    /// The earlier name of [`with_std_path`](SysError::with_std_path).
    #[doc(hidden)]
    #[must_use]
    #[cfg(feature = "std")]
    pub fn with_path_ref(self, path: &'p Path) -> SysError<'p> {
        self.with_std_path(path)
    }

    /// The earlier name of [`with_std_dest`](SysError::with_std_dest).
    #[doc(hidden)]
    #[must_use]
    #[cfg(feature = "std")]
    pub fn with_dest_ref(self, dest: &'p Path) -> SysError<'p> {
        self.with_std_dest(dest)
    }

    /// Copies any borrowed path so that the error no longer borrows anything: the way to
    /// return an error whose path lives in a local buffer, or to use `?` in a `main` that
    /// returns `Result<_, SysError<'static>>` (see [Returning it](SysError#returning-it-into_owned-or-fserror-and-)).
    ///
    /// An error without paths is returned as it is, with no allocation.
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// let owned: SysError<'static> = {
    ///     let local = String::from("/tmp/x");
    ///     SysError::new(Errno::NOENT, Syscall::Open).with_path(local.as_bytes()).into_owned()
    /// };
    /// assert_eq!(owned.path(), Some(&b"/tmp/x"[..]));
    /// ```
    pub fn into_owned(self) -> SysError<'static> {
        match self.repr {
            Repr::Bare { errno, syscall } => SysError::new(errno, syscall),
            Repr::Fd { errno, syscall, fd } => SysError::new(errno, syscall).with_fd(fd),
            _ => {
                let Parts {
                    errno,
                    syscall,
                    fd,
                    path,
                    dest,
                } = self.parts();
                let own = |p: Cow<'_, [u8]>| Cow::<'static, [u8]>::Owned(p.into_owned());
                Parts {
                    errno,
                    syscall,
                    fd,
                    path: path.map(own),
                    dest: dest.map(own),
                }
                .build()
            }
        }
    }

    /// The error number.
    #[inline]
    pub fn errno(&self) -> Errno {
        self.head().0
    }

    /// The system call that failed.
    #[inline]
    pub fn syscall(&self) -> Syscall {
        self.head().1
    }

    #[inline]
    fn head(&self) -> (Errno, Syscall) {
        match &self.repr {
            Repr::Bare { errno, syscall }
            | Repr::Fd { errno, syscall, .. }
            | Repr::Path { errno, syscall, .. }
            | Repr::FdPath { errno, syscall, .. }
            | Repr::Boxed { errno, syscall, .. } => (*errno, *syscall),
        }
    }

    /// The file descriptor, if one was recorded.
    #[inline]
    pub fn fd(&self) -> Option<i32> {
        match &self.repr {
            Repr::Fd { fd, .. } | Repr::FdPath { fd, .. } => Some(*fd),
            Repr::Boxed { ctx, .. } => ctx.fd,
            Repr::Bare { .. } | Repr::Path { .. } => None,
        }
    }

    /// The path, if one was recorded.
    #[inline]
    pub fn path(&self) -> Option<&[u8]> {
        match &self.repr {
            Repr::Path { path, .. } | Repr::FdPath { path, .. } => Some(path),
            Repr::Boxed { ctx, .. } => ctx.path.as_deref(),
            Repr::Bare { .. } | Repr::Fd { .. } => None,
        }
    }

    /// The path as a [`Path`], if one was recorded (Unix, where a path is any bytes; the
    /// counterpart of [`with_std_path`](SysError::with_std_path)).
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// use std::path::Path;
    /// let e = SysError::new(Errno::NOENT, Syscall::Open).with_std_path(Path::new("/etc/x"));
    /// assert_eq!(e.std_path(), Some(Path::new("/etc/x")));
    /// ```
    #[cfg(unix)]
    #[inline]
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn std_path(&self) -> Option<&Path> {
        use std::os::unix::ffi::OsStrExt;
        self.path()
            .map(|p| Path::new(std::ffi::OsStr::from_bytes(p)))
    }

    /// The destination path, if one was recorded.
    #[inline]
    pub fn dest(&self) -> Option<&[u8]> {
        match &self.repr {
            Repr::Boxed { ctx, .. } => ctx.dest.as_deref(),
            _ => None,
        }
    }

    /// The [`std::io::ErrorKind`] of the errno.
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// let e = SysError::new(Errno::EXIST, Syscall::Mkdir);
    /// assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    /// ```
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn kind(&self) -> std::io::ErrorKind {
        self.errno().kind()
    }

    /// `true` when the call should simply be retried (`EAGAIN`, `EINTR`).
    pub fn is_retry(&self) -> bool {
        self.errno().is_retry()
    }

    /// An [`std::io::Error`] that keeps the full message (syscall and paths) as its payload.
    ///
    /// Unlike `From<SysError> for io::Error`, its `raw_os_error()` is `None`: std only reports
    /// the raw number for errors built by `from_raw_os_error`, which cannot carry a payload.
    ///
    /// ```
    /// use makai_error::{Errno, SysError, Syscall};
    /// let e = SysError::new(Errno::NOENT, Syscall::Open).with_path(b"/x");
    /// let io = e.to_io_error_with_context();
    /// assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    /// assert_eq!(io.to_string(), "ENOENT: no such file or directory, open '/x'");
    /// ```
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn to_io_error_with_context(&self) -> std::io::Error {
        std::io::Error::new(self.kind(), self.clone().into_owned())
    }
}

/// The decomposed form used by the rare builders; [`Parts::build`] picks the smallest
/// representation that holds it.
struct Parts<'p> {
    errno: Errno,
    syscall: Syscall,
    fd: Option<i32>,
    path: Option<Cow<'p, [u8]>>,
    dest: Option<Cow<'p, [u8]>>,
}

impl<'p> Parts<'p> {
    fn new(errno: Errno, syscall: Syscall) -> Parts<'p> {
        Parts {
            errno,
            syscall,
            fd: None,
            path: None,
            dest: None,
        }
    }

    fn build(self) -> SysError<'p> {
        let (errno, syscall) = (self.errno, self.syscall);
        match (self.fd, self.path, self.dest) {
            (fd, None, None) => SysError::unboxed(errno, syscall, fd, None),
            (fd, Some(Cow::Borrowed(path)), None) => {
                SysError::unboxed(errno, syscall, fd, Some(path))
            }
            (fd, path, dest) => SysError {
                repr: Repr::Boxed {
                    errno,
                    syscall,
                    ctx: Box::new(Context { fd, path, dest }),
                },
            },
        }
    }
}

/// Writes bytes as UTF-8, replacing invalid sequences with U+FFFD, without allocating.
struct Lossy<'a>(&'a [u8]);

impl fmt::Display for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        Ok(())
    }
}

/// Writes the context after the syscall name: ` 'path' -> 'dest'`, or ` (fd N)` when there is
/// no path. Shared with [`FsError`](crate::FsError), so both print alike.
pub(crate) fn write_context(
    f: &mut fmt::Formatter<'_>,
    path: Option<&[u8]>,
    dest: Option<&[u8]>,
    fd: Option<i32>,
) -> fmt::Result {
    match (path, dest, fd) {
        (Some(path), dest, _) => {
            write!(f, " '{}'", Lossy(path))?;
            if let Some(dest) = dest {
                write!(f, " -> '{}'", Lossy(dest))?;
            }
            Ok(())
        }
        (None, Some(dest), _) => write!(f, " -> '{}'", Lossy(dest)),
        (None, None, Some(fd)) => write!(f, " (fd {fd})"),
        (None, None, None) => Ok(()),
    }
}

impl fmt::Display for SysError<'_> {
    /// Node's format: `CODE: message, syscall 'path' -> 'dest'`; with no path but an fd,
    /// `CODE: message, syscall (fd N)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errno = self.errno();
        write!(
            f,
            "{}: {}, {}",
            errno.name(),
            errno.message(),
            self.syscall().name()
        )?;
        write_context(f, self.path(), self.dest(), self.fd())
    }
}

impl fmt::Debug for SysError<'_> {
    /// The Node-style message, as `Display` writes it, so that a `main` returning
    /// `Result<_, SysError<'static>>` prints `Error: ENOENT: no such file or directory, open
    /// '/x'`. The alternate form (`{:#?}`) shows the fields.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        let mut d = f.debug_struct("SysError");
        d.field("errno", &self.errno())
            .field("syscall", &self.syscall());
        if let Some(fd) = self.fd() {
            d.field("fd", &fd);
        }
        if let Some(path) = self.path() {
            d.field("path", &Lossy(path).to_string());
        }
        if let Some(dest) = self.dest() {
            d.field("dest", &Lossy(dest).to_string());
        }
        d.finish()
    }
}

impl core::error::Error for SysError<'_> {}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<SysError<'_>> for std::io::Error {
    /// Keeps `raw_os_error()` (so `kind()` and the OS number survive); the syscall and paths
    /// are dropped, because std's OS-error form has no room for them. Use
    /// [`SysError::to_io_error_with_context`] to keep the message instead.
    fn from(e: SysError<'_>) -> std::io::Error {
        std::io::Error::from_raw_os_error(e.errno().raw())
    }
}

impl From<SysError<'_>> for Errno {
    fn from(e: SysError<'_>) -> Errno {
        e.errno()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size_of::<SysError<'_>>(), 24);
        assert_eq!(size_of::<Result<usize, SysError<'_>>>(), 24);
        assert_eq!(size_of::<Maybe<()>>(), 24);
    }

    #[test]
    fn every_context_variant_displays() {
        let e = |errno, sc| SysError::new(errno, sc);
        assert_eq!(
            e(Errno::NOENT, Syscall::Open).to_string(),
            "ENOENT: no such file or directory, open"
        );
        assert_eq!(
            e(Errno::NOENT, Syscall::Open)
                .with_path(b"/tmp/x")
                .to_string(),
            "ENOENT: no such file or directory, open '/tmp/x'"
        );
        assert_eq!(
            e(Errno::BADF, Syscall::Fstat).with_fd(5).to_string(),
            "EBADF: bad file descriptor, fstat (fd 5)"
        );
        // With both, the path wins in the message (as in Node), the fd stays queryable.
        let both = e(Errno::ISDIR, Syscall::Read).with_fd(5).with_path(b"/d");
        assert_eq!(
            both.to_string(),
            "EISDIR: illegal operation on a directory, read '/d'"
        );
        assert_eq!(both.fd(), Some(5));
        assert_eq!(
            e(Errno::XDEV, Syscall::Rename)
                .with_path(b"/a")
                .with_dest(b"/b")
                .to_string(),
            "EXDEV: cross-device link not permitted, rename '/a' -> '/b'"
        );
        assert_eq!(
            e(Errno::EXIST, Syscall::Symlink)
                .with_dest(b"/b")
                .to_string(),
            "EEXIST: file already exists, symlink -> '/b'"
        );
        assert_eq!(
            e(Errno::NOENT, Syscall::Open)
                .with_path(b"bad\xFFname")
                .to_string(),
            "ENOENT: no such file or directory, open 'bad\u{FFFD}name'"
        );
    }

    #[test]
    fn builders_commute_and_replace() {
        let a = SysError::new(Errno::IO, Syscall::Write)
            .with_fd(1)
            .with_path(b"p")
            .with_dest(b"d");
        let b = SysError::new(Errno::IO, Syscall::Write)
            .with_dest(b"d")
            .with_path(b"p")
            .with_fd(1);
        assert_eq!(a, b);
        let c = a.clone().with_fd(2).with_path(b"q");
        assert_eq!(
            (c.fd(), c.path(), c.dest()),
            (Some(2), Some(&b"q"[..]), Some(&b"d"[..]))
        );
        let owned = c.into_owned();
        assert_eq!(owned.path(), Some(&b"q"[..]));
        assert_eq!(owned.to_string(), "EIO: i/o error, write 'q' -> 'd'");
    }

    #[test]
    fn into_owned_keeps_everything() {
        let buf = b"/var/x".to_vec();
        for e in [
            SysError::new(Errno::PERM, Syscall::Chmod),
            SysError::new(Errno::PERM, Syscall::Chmod).with_fd(9),
            SysError::new(Errno::PERM, Syscall::Chmod).with_path(&buf),
            SysError::new(Errno::PERM, Syscall::Chmod)
                .with_fd(9)
                .with_path(&buf),
            SysError::new(Errno::PERM, Syscall::Chmod)
                .with_path(&buf)
                .with_dest(&buf),
        ] {
            let text = e.to_string();
            let (fd, path, dest) = (
                e.fd(),
                e.path().map(<[u8]>::to_vec),
                e.dest().map(<[u8]>::to_vec),
            );
            let o = e.into_owned();
            assert_eq!(o.to_string(), text);
            assert_eq!(
                (
                    o.fd(),
                    o.path().map(<[u8]>::to_vec),
                    o.dest().map(<[u8]>::to_vec)
                ),
                (fd, path, dest)
            );
        }
    }

    #[test]
    fn io_error_conversion_keeps_raw_os_error() {
        let e = SysError::new(Errno::ACCES, Syscall::Open).with_path(b"/root");
        let io: std::io::Error = e.into();
        assert_eq!(io.raw_os_error(), Some(13));
        assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
    }

    #[test]
    fn check_maps_only_negative() {
        assert_eq!(check(0, Syscall::Write), Ok(0));
        assert_eq!(check(isize::MAX, Syscall::Write), Ok(isize::MAX as usize));
        let _ = std::fs::File::open("/definitely/not/here/either");
        let err = check(-1, Syscall::Open).unwrap_err();
        assert_eq!(err.errno(), Errno::NOENT);
    }
}
