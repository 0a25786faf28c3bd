//! [`Errno`]: a 2-byte, never-zero error number with the name and message Node prints.

use std::fmt;
use std::num::NonZeroU16;

/// A system error number (`errno`), never zero, 2 bytes (`Option<Errno>` is 2 bytes too).
///
/// Numbers, names and messages follow Linux. Messages are the ones Node.js (through libuv)
/// prints, such as `"no such file or directory"`; numbers libuv has no text for use the C
/// library's message in lower case.
///
/// ```
/// use makai_error::Errno;
/// let e = Errno::from_raw(2).unwrap();
/// assert_eq!(e, Errno::NOENT);
/// assert_eq!(e.name(), "ENOENT");
/// assert_eq!(e.message(), "no such file or directory");
/// assert_eq!(e.raw(), 2);
/// assert_eq!(Errno::from_raw(0), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Errno(NonZeroU16);

const _: () = assert!(size_of::<Errno>() == 2 && size_of::<Option<Errno>>() == 2);

/// The largest value the Linux kernel returns as an error (`MAX_ERRNO`).
const MAX_ERRNO: i32 = 4095;

macro_rules! errno_table {
    ($($n:literal $id:ident $name:literal $msg:literal;)*) => {
        impl Errno {
            $(
                #[doc = concat!("`", $name, "` (", stringify!($n), "): ", $msg, ".")]
                pub const $id: Errno = Errno(NonZeroU16::new($n).unwrap());
            )*
        }

        /// `(name, message)` for each known number, indexed by the number.
        const TABLE: [Option<(&str, &str)>; 134] = {
            let mut t: [Option<(&str, &str)>; 134] = [None; 134];
            $( t[$n] = Some(($name, $msg)); )*
            t
        };
    };
}

errno_table! {
    1 PERM "EPERM" "operation not permitted";
    2 NOENT "ENOENT" "no such file or directory";
    3 SRCH "ESRCH" "no such process";
    4 INTR "EINTR" "interrupted system call";
    5 IO "EIO" "i/o error";
    6 NXIO "ENXIO" "no such device or address";
    7 TOOBIG "E2BIG" "argument list too long";
    8 NOEXEC "ENOEXEC" "exec format error";
    9 BADF "EBADF" "bad file descriptor";
    10 CHILD "ECHILD" "no child processes";
    11 AGAIN "EAGAIN" "resource temporarily unavailable";
    12 NOMEM "ENOMEM" "not enough memory";
    13 ACCES "EACCES" "permission denied";
    14 FAULT "EFAULT" "bad address in system call argument";
    15 NOTBLK "ENOTBLK" "block device required";
    16 BUSY "EBUSY" "resource busy or locked";
    17 EXIST "EEXIST" "file already exists";
    18 XDEV "EXDEV" "cross-device link not permitted";
    19 NODEV "ENODEV" "no such device";
    20 NOTDIR "ENOTDIR" "not a directory";
    21 ISDIR "EISDIR" "illegal operation on a directory";
    22 INVAL "EINVAL" "invalid argument";
    23 NFILE "ENFILE" "file table overflow";
    24 MFILE "EMFILE" "too many open files";
    25 NOTTY "ENOTTY" "inappropriate ioctl for device";
    26 TXTBSY "ETXTBSY" "text file is busy";
    27 FBIG "EFBIG" "file too large";
    28 NOSPC "ENOSPC" "no space left on device";
    29 SPIPE "ESPIPE" "invalid seek";
    30 ROFS "EROFS" "read-only file system";
    31 MLINK "EMLINK" "too many links";
    32 PIPE "EPIPE" "broken pipe";
    33 DOM "EDOM" "numerical argument out of domain";
    34 RANGE "ERANGE" "result too large";
    35 DEADLK "EDEADLK" "resource deadlock avoided";
    36 NAMETOOLONG "ENAMETOOLONG" "name too long";
    37 NOLCK "ENOLCK" "no locks available";
    38 NOSYS "ENOSYS" "function not implemented";
    39 NOTEMPTY "ENOTEMPTY" "directory not empty";
    40 LOOP "ELOOP" "too many symbolic links encountered";
    42 NOMSG "ENOMSG" "no message of desired type";
    43 IDRM "EIDRM" "identifier removed";
    44 CHRNG "ECHRNG" "channel number out of range";
    45 L2NSYNC "EL2NSYNC" "level 2 not synchronized";
    46 L3HLT "EL3HLT" "level 3 halted";
    47 L3RST "EL3RST" "level 3 reset";
    48 LNRNG "ELNRNG" "link number out of range";
    49 UNATCH "EUNATCH" "protocol driver not attached";
    50 NOCSI "ENOCSI" "no csi structure available";
    51 L2HLT "EL2HLT" "level 2 halted";
    52 BADE "EBADE" "invalid exchange";
    53 BADR "EBADR" "invalid request descriptor";
    54 XFULL "EXFULL" "exchange full";
    55 NOANO "ENOANO" "no anode";
    56 BADRQC "EBADRQC" "invalid request code";
    57 BADSLT "EBADSLT" "invalid slot";
    59 BFONT "EBFONT" "bad font file format";
    60 NOSTR "ENOSTR" "device not a stream";
    61 NODATA "ENODATA" "no data available";
    62 TIME "ETIME" "timer expired";
    63 NOSR "ENOSR" "out of streams resources";
    64 NONET "ENONET" "machine is not on the network";
    65 NOPKG "ENOPKG" "package not installed";
    66 REMOTE "EREMOTE" "object is remote";
    67 NOLINK "ENOLINK" "link has been severed";
    68 ADV "EADV" "advertise error";
    69 SRMNT "ESRMNT" "srmount error";
    70 COMM "ECOMM" "communication error on send";
    71 PROTO "EPROTO" "protocol error";
    72 MULTIHOP "EMULTIHOP" "multihop attempted";
    73 DOTDOT "EDOTDOT" "rfs specific error";
    74 BADMSG "EBADMSG" "bad message";
    75 OVERFLOW "EOVERFLOW" "value too large for defined data type";
    76 NOTUNIQ "ENOTUNIQ" "name not unique on network";
    77 BADFD "EBADFD" "file descriptor in bad state";
    78 REMCHG "EREMCHG" "remote address changed";
    79 LIBACC "ELIBACC" "can not access a needed shared library";
    80 LIBBAD "ELIBBAD" "accessing a corrupted shared library";
    81 LIBSCN "ELIBSCN" ".lib section in a.out corrupted";
    82 LIBMAX "ELIBMAX" "attempting to link in too many shared libraries";
    83 LIBEXEC "ELIBEXEC" "cannot exec a shared library directly";
    84 ILSEQ "EILSEQ" "illegal byte sequence";
    85 RESTART "ERESTART" "interrupted system call should be restarted";
    86 STRPIPE "ESTRPIPE" "streams pipe error";
    87 USERS "EUSERS" "too many users";
    88 NOTSOCK "ENOTSOCK" "socket operation on non-socket";
    89 DESTADDRREQ "EDESTADDRREQ" "destination address required";
    90 MSGSIZE "EMSGSIZE" "message too long";
    91 PROTOTYPE "EPROTOTYPE" "protocol wrong type for socket";
    92 NOPROTOOPT "ENOPROTOOPT" "protocol not available";
    93 PROTONOSUPPORT "EPROTONOSUPPORT" "protocol not supported";
    94 SOCKTNOSUPPORT "ESOCKTNOSUPPORT" "socket type not supported";
    95 OPNOTSUPP "EOPNOTSUPP" "operation not supported on socket";
    96 PFNOSUPPORT "EPFNOSUPPORT" "protocol family not supported";
    97 AFNOSUPPORT "EAFNOSUPPORT" "address family not supported";
    98 ADDRINUSE "EADDRINUSE" "address already in use";
    99 ADDRNOTAVAIL "EADDRNOTAVAIL" "address not available";
    100 NETDOWN "ENETDOWN" "network is down";
    101 NETUNREACH "ENETUNREACH" "network is unreachable";
    102 NETRESET "ENETRESET" "network dropped connection on reset";
    103 CONNABORTED "ECONNABORTED" "software caused connection abort";
    104 CONNRESET "ECONNRESET" "connection reset by peer";
    105 NOBUFS "ENOBUFS" "no buffer space available";
    106 ISCONN "EISCONN" "socket is already connected";
    107 NOTCONN "ENOTCONN" "socket is not connected";
    108 SHUTDOWN "ESHUTDOWN" "cannot send after transport endpoint shutdown";
    109 TOOMANYREFS "ETOOMANYREFS" "too many references: cannot splice";
    110 TIMEDOUT "ETIMEDOUT" "connection timed out";
    111 CONNREFUSED "ECONNREFUSED" "connection refused";
    112 HOSTDOWN "EHOSTDOWN" "host is down";
    113 HOSTUNREACH "EHOSTUNREACH" "host is unreachable";
    114 ALREADY "EALREADY" "connection already in progress";
    115 INPROGRESS "EINPROGRESS" "operation now in progress";
    116 STALE "ESTALE" "stale file handle";
    117 UCLEAN "EUCLEAN" "structure needs cleaning";
    118 NOTNAM "ENOTNAM" "not a xenix named type file";
    119 NAVAIL "ENAVAIL" "no xenix semaphores available";
    120 ISNAM "EISNAM" "is a named type file";
    121 REMOTEIO "EREMOTEIO" "remote i/o error";
    122 DQUOT "EDQUOT" "disk quota exceeded";
    123 NOMEDIUM "ENOMEDIUM" "no medium found";
    124 MEDIUMTYPE "EMEDIUMTYPE" "wrong medium type";
    125 CANCELED "ECANCELED" "operation canceled";
    126 NOKEY "ENOKEY" "required key not available";
    127 KEYEXPIRED "EKEYEXPIRED" "key has expired";
    128 KEYREVOKED "EKEYREVOKED" "key has been revoked";
    129 KEYREJECTED "EKEYREJECTED" "key was rejected by service";
    130 OWNERDEAD "EOWNERDEAD" "owner died";
    131 NOTRECOVERABLE "ENOTRECOVERABLE" "state not recoverable";
    132 RFKILL "ERFKILL" "operation not possible due to rf-kill";
    133 HWPOISON "EHWPOISON" "memory page has hardware error";
}

impl Errno {
    /// `EWOULDBLOCK`, the same number as [`Errno::AGAIN`] on Linux.
    pub const WOULDBLOCK: Errno = Errno::AGAIN;
    /// `EDEADLOCK`, the same number as [`Errno::DEADLK`] on Linux.
    pub const DEADLOCK: Errno = Errno::DEADLK;
    /// `ENOTSUP`, the same number as [`Errno::OPNOTSUPP`] on Linux.
    pub const NOTSUP: Errno = Errno::OPNOTSUPP;
    /// Stands for "the system reported failure but left `errno` at 0" (see [`Errno::last`]).
    /// Its number, 65535, is outside the kernel's range, so [`Errno::from_raw`] never yields it.
    pub const UNKNOWN: Errno = Errno(NonZeroU16::MAX);

    /// Wraps a raw error number: `Some` for `1..=4095` (the kernel's error range, known or not),
    /// `None` for zero, negative or larger values.
    ///
    /// ```
    /// use makai_error::Errno;
    /// assert_eq!(Errno::from_raw(13), Some(Errno::ACCES));
    /// assert_eq!(Errno::from_raw(-2), None);
    /// assert_eq!(Errno::from_raw(70_000), None);
    /// ```
    #[inline]
    pub const fn from_raw(raw: i32) -> Option<Errno> {
        if raw <= 0 || raw > MAX_ERRNO {
            return None;
        }
        // `raw` is in 1..=4095, so it fits a u16 and is non-zero.
        match NonZeroU16::new(raw as u16) {
            Some(n) => Some(Errno(n)),
            None => None,
        }
    }

    /// The raw number, as C's `errno` holds it.
    ///
    /// ```
    /// assert_eq!(makai_error::Errno::INTR.raw(), 4);
    /// ```
    #[inline]
    pub const fn raw(self) -> i32 {
        self.0.get() as i32
    }

    /// The thread's current `errno` (what the last failing system call left behind).
    ///
    /// Returns [`Errno::UNKNOWN`] when `errno` is 0 or out of range: the caller asked for the
    /// error of a call that did not report one, and a made-up real errno would mislead.
    ///
    /// ```
    /// use makai_error::Errno;
    /// let _ = std::fs::File::open("/definitely/not/here");
    /// assert_eq!(Errno::last(), Errno::NOENT);
    /// ```
    pub fn last() -> Errno {
        std::io::Error::last_os_error()
            .raw_os_error()
            .and_then(Errno::from_raw)
            .unwrap_or(Errno::UNKNOWN)
    }

    fn entry(self) -> Option<(&'static str, &'static str)> {
        TABLE.get(self.0.get() as usize).copied().flatten()
    }

    /// The symbolic name, such as `"ENOENT"`; `"UNKNOWN"` for numbers Linux does not define.
    ///
    /// ```
    /// assert_eq!(makai_error::Errno::TOOBIG.name(), "E2BIG");
    /// assert_eq!(makai_error::Errno::from_raw(41).unwrap().name(), "UNKNOWN");
    /// ```
    pub fn name(self) -> &'static str {
        self.entry().map_or("UNKNOWN", |(name, _)| name)
    }

    /// The message Node prints, such as `"no such file or directory"`; `"unknown error"` for
    /// numbers Linux does not define.
    ///
    /// ```
    /// assert_eq!(makai_error::Errno::ACCES.message(), "permission denied");
    /// ```
    pub fn message(self) -> &'static str {
        self.entry().map_or("unknown error", |(_, msg)| msg)
    }

    /// `true` for errors that mean "try the same call again": `EAGAIN` (= `EWOULDBLOCK`) and
    /// `EINTR`.
    ///
    /// ```
    /// use makai_error::Errno;
    /// assert!(Errno::AGAIN.is_retry() && Errno::INTR.is_retry());
    /// assert!(!Errno::NOENT.is_retry());
    /// ```
    #[inline]
    pub const fn is_retry(self) -> bool {
        matches!(self.0.get(), 4 | 11)
    }

    /// The [`std::io::ErrorKind`] std assigns to this number.
    ///
    /// ```
    /// assert_eq!(makai_error::Errno::NOENT.kind(), std::io::ErrorKind::NotFound);
    /// ```
    pub fn kind(self) -> std::io::ErrorKind {
        std::io::Error::from_raw_os_error(self.raw()).kind()
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name(), self.raw())
    }
}

impl fmt::Display for Errno {
    /// `ENOENT: no such file or directory`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.message())
    }
}

impl std::error::Error for Errno {}

impl From<Errno> for std::io::Error {
    fn from(e: Errno) -> Self {
        std::io::Error::from_raw_os_error(e.raw())
    }
}

impl From<Errno> for i32 {
    fn from(e: Errno) -> i32 {
        e.raw()
    }
}

impl TryFrom<i32> for Errno {
    type Error = i32;
    /// Fails (giving the number back) for values outside `1..=4095`.
    fn try_from(raw: i32) -> Result<Errno, i32> {
        Errno::from_raw(raw).ok_or(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_linux_errno_round_trips() {
        let mut known = 0;
        for raw in 1..=133 {
            let e = Errno::from_raw(raw).expect("1..=133 is in range");
            assert_eq!(e.raw(), raw);
            assert_eq!(Errno::from_raw(e.raw()), Some(e));
            if raw == 41 || raw == 58 {
                // Linux leaves these unused (they were EWOULDBLOCK and EDEADLOCK aliases).
                assert_eq!(e.name(), "UNKNOWN");
                continue;
            }
            known += 1;
            assert!(
                e.name().starts_with('E') && e.name().len() > 2,
                "{raw}: {}",
                e.name()
            );
            assert!(!e.message().is_empty());
            assert_eq!(
                e.message(),
                e.message().to_lowercase(),
                "{raw}: messages are lower case"
            );
        }
        assert_eq!(known, 131);
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = (1..=133)
            .filter_map(Errno::from_raw)
            .map(Errno::name)
            .collect();
        names.retain(|n| *n != "UNKNOWN");
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(before, names.len());
    }

    #[test]
    fn out_of_range_is_rejected() {
        assert_eq!(Errno::from_raw(0), None);
        assert_eq!(Errno::from_raw(-1), None);
        assert_eq!(Errno::from_raw(4096), None);
        assert_eq!(Errno::from_raw(4095).map(Errno::raw), Some(4095));
        assert_eq!(Errno::from_raw(4095).unwrap().name(), "UNKNOWN");
        assert_eq!(Errno::UNKNOWN.name(), "UNKNOWN");
        assert_eq!(Errno::try_from(0), Err(0));
    }

    #[test]
    fn display_and_debug() {
        assert_eq!(
            Errno::NOENT.to_string(),
            "ENOENT: no such file or directory"
        );
        assert_eq!(format!("{:?}", Errno::BADF), "EBADF(9)");
    }
}
