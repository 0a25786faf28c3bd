//! [`PathBuffer`]: a `PATH_MAX`-byte inline buffer that builds NUL-terminated paths without
//! allocating, and [`path_buffer`], a per-thread pool of them behind an RAII guard.

#[cfg(feature = "std")]
use alloc::boxed::Box;
#[cfg(feature = "std")]
use core::cell::RefCell;
use core::fmt;
#[cfg(feature = "std")]
use core::ops::{Deref, DerefMut};

use crate::ZStr;

/// The size of a [`PathBuffer`] in bytes, NUL included: the platform's `PATH_MAX` (4096 on
/// Linux and most systems, 1024 on Apple platforms and the BSDs).
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
))]
pub const PATH_MAX: usize = 1024;
/// The size of a [`PathBuffer`] in bytes, NUL included: the platform's `PATH_MAX` (4096 on
/// Linux and most systems, 1024 on Apple platforms and the BSDs).
#[cfg(not(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
)))]
pub const PATH_MAX: usize = 4096;

/// The separator [`PathBuffer::push`] inserts.
const SEP: u8 = b'/';

/// Why a [`PathBuffer`] refused bytes. The buffer is unchanged after either error: a path
/// is never truncated.
///
/// ```
/// use makai_string::{PathBuffer, PathBufferError};
///
/// let mut p = PathBuffer::new();
/// # #[cfg(not(miri))] {
/// let long = vec![b'x'; 5000];
/// assert!(matches!(p.push(&long), Err(PathBufferError::TooLong { .. })));
/// # }
/// assert_eq!(p.push("a\0b"), Err(PathBufferError::InteriorNul));
/// assert!(p.is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathBufferError {
    /// The path would need `needed` bytes plus the NUL; a buffer holds `capacity`.
    TooLong {
        /// Bytes the path would have, without the NUL.
        needed: usize,
        /// Bytes a buffer holds, without the NUL ([`PathBuffer::capacity`]).
        capacity: usize,
    },
    /// The bytes contain a NUL, which cannot be part of a NUL-terminated path.
    InteriorNul,
}

impl fmt::Display for PathBufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathBufferError::TooLong { needed, capacity } => write!(
                f,
                "path too long: {needed} bytes do not fit a path buffer of {capacity}"
            ),
            PathBufferError::InteriorNul => f.write_str("path contains a NUL byte"),
        }
    }
}

impl core::error::Error for PathBufferError {}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<PathBufferError> for std::io::Error {
    fn from(e: PathBufferError) -> std::io::Error {
        let kind = match e {
            PathBufferError::TooLong { .. } => std::io::ErrorKind::InvalidFilename,
            PathBufferError::InteriorNul => std::io::ErrorKind::InvalidInput,
        };
        std::io::Error::new(kind, e)
    }
}

/// The error `open` reports for such a path, so `?` works in functions that return
/// [`FsError`](makai_error::FsError): `ENAMETOOLONG` for a path too long (as Node reports
/// it), `EINVAL` for an interior NUL. The syscall is `open`, the usual next step.
///
/// ```
/// use makai_error::{Errno, FsError};
///
/// fn open_cfg(dir: &[u8]) -> Result<std::fs::File, FsError> {
///     let mut p = makai_string::path_buffer();
///     p.push(dir)?.push("cfg")?;
///     makai_error::fs::open(p.as_path())
/// }
/// # #[cfg(not(miri))] {
/// let err = open_cfg(&vec![b'x'; 5000]).unwrap_err();
/// assert_eq!(err.errno(), Some(Errno::NAMETOOLONG));
/// # }
/// assert_eq!(open_cfg(b"a\0b").unwrap_err().errno(), Some(Errno::INVAL));
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<PathBufferError> for makai_error::FsError {
    fn from(e: PathBufferError) -> makai_error::FsError {
        let errno = match e {
            PathBufferError::TooLong { .. } => makai_error::Errno::NAMETOOLONG,
            PathBufferError::InteriorNul => makai_error::Errno::INVAL,
        };
        makai_error::SysError::new(errno, makai_error::Syscall::Open).into()
    }
}

/// A path of up to [`PATH_MAX`]` - 1` bytes built in place, always NUL-terminated, never on
/// the heap (Bun's `PathBuffer`). It is [`PATH_MAX`] bytes plus a length, so prefer a pooled
/// one from [`path_buffer`] over one on the stack in deep call chains.
///
/// Paths are bytes (as on Unix); [`push`](PathBuffer::push) joins with `/`.
///
/// **Invariant:** `bytes[len] == 0` and `bytes[..len]` has no NUL.
///
/// ```
/// use makai_string::PathBuffer;
///
/// let mut p = PathBuffer::new();
/// p.push("/usr")?.push("lib")?.push("libc.so")?;
/// assert_eq!(p.as_zstr().as_bytes_with_nul(), b"/usr/lib/libc.so\0");
/// assert!(p.pop());
/// assert_eq!(p.as_bytes(), b"/usr/lib");
/// # Ok::<(), makai_string::PathBufferError>(())
/// ```
#[derive(Clone)]
pub struct PathBuffer {
    len: usize,
    bytes: [u8; PATH_MAX],
}

impl PathBuffer {
    /// An empty path.
    ///
    /// ```
    /// assert!(makai_string::PathBuffer::new().is_empty());
    /// ```
    pub const fn new() -> PathBuffer {
        PathBuffer {
            len: 0,
            bytes: [0; PATH_MAX],
        }
    }

    /// A buffer holding `path`.
    ///
    /// # Errors
    ///
    /// [`PathBufferError`] when `path` is too long or contains a NUL.
    ///
    /// ```
    /// let p = makai_string::PathBuffer::from_bytes(b"/tmp")?;
    /// assert_eq!(p.len(), 4);
    /// # Ok::<(), makai_string::PathBufferError>(())
    /// ```
    pub fn from_bytes(path: impl AsRef<[u8]>) -> Result<PathBuffer, PathBufferError> {
        let mut p = PathBuffer::new();
        p.append(path)?;
        Ok(p)
    }

    /// How many path bytes fit (without the NUL): `PATH_MAX - 1`.
    ///
    /// ```
    /// assert_eq!(makai_string::PathBuffer::capacity(), makai_string::PATH_MAX - 1);
    /// ```
    pub const fn capacity() -> usize {
        PATH_MAX - 1
    }

    /// The length in bytes, without the NUL.
    ///
    /// ```
    /// assert_eq!(makai_string::PathBuffer::from_bytes("ab").unwrap().len(), 2);
    /// ```
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the path is empty.
    ///
    /// ```
    /// assert!(makai_string::PathBuffer::new().is_empty());
    /// ```
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The path bytes, without the NUL.
    ///
    /// ```
    /// assert_eq!(makai_string::PathBuffer::from_bytes("x/y").unwrap().as_bytes(), b"x/y");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The path as a NUL-terminated [`ZStr`], ready for a system call. Free.
    ///
    /// ```
    /// let p = makai_string::PathBuffer::from_bytes("/dev/null").unwrap();
    /// assert_eq!(p.as_zstr().as_c_str(), c"/dev/null");
    /// ```
    pub fn as_zstr(&self) -> &ZStr {
        // SAFETY: type invariant: `bytes[len]` is the NUL and no byte before it is.
        unsafe { ZStr::from_bytes_with_nul_unchecked(&self.bytes[..=self.len]) }
    }

    /// The path as a `std::path::Path`.
    ///
    /// ```
    /// let p = makai_string::PathBuffer::from_bytes("/etc").unwrap();
    /// assert!(p.as_path().is_absolute());
    /// ```
    #[cfg(all(unix, feature = "std"))]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn as_path(&self) -> &std::path::Path {
        self.as_zstr().as_path()
    }

    /// Empties the path.
    ///
    /// ```
    /// let mut p = makai_string::PathBuffer::from_bytes("a").unwrap();
    /// p.clear();
    /// assert!(p.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Shortens the path to `len` bytes; does nothing when it is not longer.
    ///
    /// ```
    /// let mut p = makai_string::PathBuffer::from_bytes("abc").unwrap();
    /// p.truncate(1);
    /// assert_eq!(p.as_bytes(), b"a");
    /// ```
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
            self.bytes[len] = 0;
        }
    }

    /// Checks `extra` (no NUL, fits after `at` bytes) and returns the new length.
    fn room(&self, at: usize, extra: &[u8]) -> Result<usize, PathBufferError> {
        if memchr::memchr(0, extra).is_some() {
            return Err(PathBufferError::InteriorNul);
        }
        let needed = at.saturating_add(extra.len());
        if needed > PathBuffer::capacity() {
            return Err(PathBufferError::TooLong {
                needed,
                capacity: PathBuffer::capacity(),
            });
        }
        Ok(needed)
    }

    /// Appends bytes as they are, with no separator.
    ///
    /// # Errors
    ///
    /// [`PathBufferError`] when the result would not fit or `bytes` contains a NUL; the
    /// buffer is unchanged then.
    ///
    /// ```
    /// let mut p = makai_string::PathBuffer::from_bytes("file")?;
    /// p.append(".tmp")?;
    /// assert_eq!(p.as_bytes(), b"file.tmp");
    /// # Ok::<(), makai_string::PathBufferError>(())
    /// ```
    pub fn append(&mut self, bytes: impl AsRef<[u8]>) -> Result<&mut PathBuffer, PathBufferError> {
        let bytes = bytes.as_ref();
        let end = self.room(self.len, bytes)?;
        self.bytes[self.len..end].copy_from_slice(bytes);
        self.bytes[end] = 0;
        self.len = end;
        Ok(self)
    }

    /// Adds a path component the way `PathBuf::push` does: an absolute `part` (starting with
    /// `/`) replaces the path; otherwise a `/` goes between unless the path is empty or
    /// already ends in one.
    ///
    /// # Errors
    ///
    /// [`PathBufferError`] when the result would not fit or `part` contains a NUL; the buffer
    /// is unchanged then.
    ///
    /// ```
    /// let mut p = makai_string::PathBuffer::from_bytes("/srv/")?;
    /// p.push("www")?.push("index.html")?;
    /// assert_eq!(p.as_bytes(), b"/srv/www/index.html");
    /// p.push("/etc")?;
    /// assert_eq!(p.as_bytes(), b"/etc");
    /// # Ok::<(), makai_string::PathBufferError>(())
    /// ```
    #[doc(alias = "joinAbsString")]
    pub fn push(&mut self, part: impl AsRef<[u8]>) -> Result<&mut PathBuffer, PathBufferError> {
        let part = part.as_ref();
        if part.first() == Some(&SEP) {
            let end = self.room(0, part)?;
            self.bytes[..end].copy_from_slice(part);
            self.bytes[end] = 0;
            self.len = end;
            return Ok(self);
        }
        let needs_sep = self.len > 0 && self.bytes[self.len - 1] != SEP;
        let start = self.len + usize::from(needs_sep);
        let end = self.room(start, part)?;
        if needs_sep {
            self.bytes[self.len] = SEP;
        }
        self.bytes[start..end].copy_from_slice(part);
        self.bytes[end] = 0;
        self.len = end;
        Ok(self)
    }

    /// Pushes every part in turn (see [`push`](PathBuffer::push)) and returns the result as
    /// a [`ZStr`]. All or nothing: on error the buffer is as it was before the call.
    ///
    /// # Errors
    ///
    /// The first [`PathBufferError`] a part causes.
    ///
    /// ```
    /// let mut p = makai_string::PathBuffer::new();
    /// let z = p.join(&["/var", "log", "app.log"])?;
    /// assert_eq!(z.as_bytes(), b"/var/log/app.log");
    /// # Ok::<(), makai_string::PathBufferError>(())
    /// ```
    pub fn join<P: AsRef<[u8]>>(&mut self, parts: &[P]) -> Result<&ZStr, PathBufferError> {
        // Check first, write second: a failed join leaves the buffer untouched without
        // keeping a copy of it.
        let mut len = self.len;
        let mut last = self.as_bytes().last().copied();
        for part in parts {
            let part = part.as_ref();
            if memchr::memchr(0, part).is_some() {
                return Err(PathBufferError::InteriorNul);
            }
            let sep = part.first() != Some(&SEP) && last.is_some_and(|b| b != SEP);
            len = if part.first() == Some(&SEP) {
                part.len()
            } else {
                len.saturating_add(usize::from(sep))
                    .saturating_add(part.len())
            };
            if len > PathBuffer::capacity() {
                return Err(PathBufferError::TooLong {
                    needed: len,
                    capacity: PathBuffer::capacity(),
                });
            }
            if let Some(&b) = part.last() {
                last = Some(b);
            } else if sep {
                last = Some(SEP);
            }
        }
        for part in parts {
            self.push(part).expect("checked above");
        }
        debug_assert_eq!(self.len, len);
        Ok(self.as_zstr())
    }

    /// Removes the last component, like `PathBuf::pop`: `/a/b` becomes `/a`, `/a` becomes
    /// `/`, `a` becomes empty. Returns `false` (and changes nothing) when there is no
    /// component to remove (empty or `/`).
    ///
    /// ```
    /// let mut p = makai_string::PathBuffer::from_bytes("/a/b/").unwrap();
    /// assert!(p.pop());
    /// assert_eq!(p.as_bytes(), b"/a");
    /// assert!(p.pop());
    /// assert_eq!(p.as_bytes(), b"/");
    /// assert!(!p.pop());
    /// ```
    pub fn pop(&mut self) -> bool {
        let path = self.as_bytes();
        // Ignore trailing separators, then cut after the previous one.
        let Some(last) = path.iter().rposition(|&b| b != SEP) else {
            return false;
        };
        let new_len = match memchr::memrchr(SEP, &path[..last]) {
            None => 0,
            // Collapse the separators before the cut, keeping a root `/`.
            Some(sep) => path[..sep]
                .iter()
                .rposition(|&b| b != SEP)
                .map_or(1, |i| i + 1),
        };
        self.truncate(new_len);
        true
    }
}

impl Default for PathBuffer {
    fn default() -> PathBuffer {
        PathBuffer::new()
    }
}

impl fmt::Debug for PathBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_zstr(), f)
    }
}

impl PartialEq for PathBuffer {
    fn eq(&self, other: &PathBuffer) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for PathBuffer {}

impl AsRef<ZStr> for PathBuffer {
    fn as_ref(&self) -> &ZStr {
        self.as_zstr()
    }
}

impl AsRef<[u8]> for PathBuffer {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

#[cfg(all(unix, feature = "std"))]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl AsRef<std::path::Path> for PathBuffer {
    fn as_ref(&self) -> &std::path::Path {
        self.as_path()
    }
}

/// How many free buffers a thread keeps; more are freed when their guards drop.
#[cfg(feature = "std")]
const POOL_KEEP: usize = 8;

#[cfg(feature = "std")]
thread_local! {
    /// Free buffers of this thread, most recently returned last.
    static POOL: RefCell<Vec<Box<PathBuffer>>> = const { RefCell::new(Vec::new()) };
}

/// A [`PathBuffer`] borrowed from this thread's pool; it goes back (emptied) when the guard
/// drops. Dereferences to the buffer, and is `AsRef<Path>`, `AsRef<[u8]>` and `AsRef<ZStr>`
/// like it, so `&p` goes straight to `std::fs` and `makai_error::fs` functions.
///
/// The guard is `Send`: dropped on another thread, the buffer joins *that* thread's pool
/// (or is freed if that pool is full or being torn down), not the pool it came from.
///
/// ```
/// use makai_string::ZStr;
///
/// let mut p = makai_string::path_buffer();
/// p.push("/tmp")?;
/// assert_eq!(p.as_bytes(), b"/tmp");
/// let path: &std::path::Path = p.as_ref();
/// assert_eq!(path, std::path::Path::new("/tmp"));
/// if cfg!(unix) && !cfg!(miri) {
///     // Miri isolates the file system; everywhere else `&p` is a path argument.
///     assert!(std::fs::metadata(&p)?.is_dir());
/// }
/// let bytes: &[u8] = p.as_ref();
/// let z: &ZStr = p.as_ref();
/// assert_eq!(bytes, z.as_bytes());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub struct PooledPathBuffer {
    /// Always `Some` until `drop` takes it.
    buf: Option<Box<PathBuffer>>,
}

/// Hands out an empty [`PathBuffer`] from this thread's pool (Bun's `path_buffer_pool.get()`),
/// allocating one only when every pooled buffer is in use. The guard returns it on drop, so
/// a deep call chain holds one 8-byte pointer per level instead of 4 KiB of stack.
///
/// ```
/// use makai_string::path_buffer;
///
/// fn config_path(dir: &str) -> Result<Vec<u8>, makai_string::PathBufferError> {
///     let mut p = path_buffer();
///     p.push(dir)?.push("config.json")?;
///     Ok(p.as_bytes().to_vec())
/// }
/// assert_eq!(config_path("/etc/app").unwrap(), b"/etc/app/config.json");
/// let a = path_buffer();
/// let b = path_buffer(); // a second one while the first is held
/// assert!(a.is_empty() && b.is_empty());
/// ```
#[doc(alias = "path_buffer_pool")]
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub fn path_buffer() -> PooledPathBuffer {
    let pooled = POOL.try_with(|pool| pool.borrow_mut().pop()).ok().flatten();
    PooledPathBuffer {
        buf: Some(pooled.unwrap_or_else(|| Box::new(PathBuffer::new()))),
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl PooledPathBuffer {
    /// How many free buffers this thread's pool holds now (for tests and diagnostics).
    ///
    /// ```
    /// let held = makai_string::path_buffer();
    /// drop(held);
    /// assert!(makai_string::PooledPathBuffer::pooled() >= 1);
    /// ```
    pub fn pooled() -> usize {
        POOL.try_with(|pool| pool.borrow().len()).unwrap_or(0)
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl Deref for PooledPathBuffer {
    type Target = PathBuffer;

    fn deref(&self) -> &PathBuffer {
        self.buf.as_deref().expect("present until drop")
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl DerefMut for PooledPathBuffer {
    fn deref_mut(&mut self) -> &mut PathBuffer {
        self.buf.as_deref_mut().expect("present until drop")
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl Drop for PooledPathBuffer {
    fn drop(&mut self) {
        let Some(mut buf) = self.buf.take() else {
            return;
        };
        buf.clear();
        // During thread teardown the pool may be gone; the buffer is then simply freed.
        let _ = POOL.try_with(|pool| {
            let mut pool = pool.borrow_mut();
            if pool.len() < POOL_KEEP {
                pool.push(buf);
            }
        });
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl AsRef<ZStr> for PooledPathBuffer {
    fn as_ref(&self) -> &ZStr {
        self.as_zstr()
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl AsRef<[u8]> for PooledPathBuffer {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl AsRef<std::path::Path> for PooledPathBuffer {
    fn as_ref(&self) -> &std::path::Path {
        self.as_path()
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl fmt::Debug for PooledPathBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PooledPathBuffer").field(&**self).finish()
    }
}
