//! [`Errno`]: a 2-byte, never-zero error number with the name and message Node prints, from the
//! target OS's table (Linux, Darwin, FreeBSD, WASI or Emscripten numbers).

use core::fmt;
use core::num::NonZeroU16;

/// A system error number (`errno`), never zero, 2 bytes (`Option<Errno>` is 2 bytes too).
///
/// Numbers and names are the target OS's: Linux and Android use the Linux table, macOS, iOS,
/// tvOS, watchOS and visionOS the Darwin table, FreeBSD the FreeBSD table, WASI
/// (`wasm32-wasip1`, `wasm32-wasip2`) the WASI table, Emscripten its own (WASI's numbers plus
/// Linux's other names past them), and every other target the Linux table. So
/// [`Errno::AGAIN`] is 11 on Linux, 35 on macOS and FreeBSD and 6 on WASI, and
/// a name one OS lacks (`EBFONT` outside Linux, `EFTYPE` outside the BSDs) has no constant
/// there. The constants every OS shares (`NOENT`, `ACCES`, `AGAIN`, `INTR`, ...) exist on all.
///
/// Messages are the ones Node.js (through libuv) prints, such as `"no such file or
/// directory"`, and the same for a name on every OS; numbers libuv has no text for use the C
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

/// The largest value the Linux kernel returns as an error (`MAX_ERRNO`); every OS's numbers lie
/// below it.
const MAX_ERRNO: i32 = 4095;

/// Emits `$mac!($n, $args)` under the `cfg` of the targets that use table `$os`, or nothing when
/// that OS has no number for the row (`_`). The one place that says which target uses which
/// table (besides [`Errno::NOTSUP`]'s alias and the tests).
macro_rules! on_os {
    ($os:ident _ => $mac:ident!($($args:tt)*)) => {};
    (linux $n:literal => $mac:ident!($($args:tt)*)) => {
        #[cfg(not(any(
            target_os = "macos",
            target_os = "ios",
            target_os = "tvos",
            target_os = "watchos",
            target_os = "visionos",
            target_os = "freebsd",
            target_os = "wasi",
            target_os = "emscripten",
        )))]
        $mac!($n, linux $($args)*);
    };
    (darwin $n:literal => $mac:ident!($($args:tt)*)) => {
        #[cfg(any(
            target_os = "macos",
            target_os = "ios",
            target_os = "tvos",
            target_os = "watchos",
            target_os = "visionos",
        ))]
        $mac!($n, darwin $($args)*);
    };
    (freebsd $n:literal => $mac:ident!($($args:tt)*)) => {
        #[cfg(target_os = "freebsd")]
        $mac!($n, freebsd $($args)*);
    };
    (wasi $n:literal => $mac:ident!($($args:tt)*)) => {
        #[cfg(target_os = "wasi")]
        $mac!($n, wasi $($args)*);
    };
    (emscripten $n:literal => $mac:ident!($($args:tt)*)) => {
        #[cfg(target_os = "emscripten")]
        $mac!($n, emscripten $($args)*);
    };
}

/// A constant's docs: the name, the message and the number on each OS (`-`: none).
macro_rules! errno_doc {
    (@num _) => {
        "-"
    };
    (@num $n:literal) => {
        stringify!($n)
    };
    ($cname:ident $msg:literal $l:tt $d:tt $f:tt $w:tt $e:tt) => {
        concat!(
            "`", stringify!($cname), "`: ", $msg, ".\n\nLinux ", errno_doc!(@num $l),
            ", Darwin ", errno_doc!(@num $d), ", FreeBSD ", errno_doc!(@num $f),
            ", WASI ", errno_doc!(@num $w), ", Emscripten ", errno_doc!(@num $e), "."
        )
    };
}

/// One constant of the target's table.
macro_rules! errno_const {
    ($n:literal, $os:ident $id:ident $cname:ident $msg:literal [$l:tt $d:tt $f:tt $w:tt $e:tt]) => {
        #[doc = errno_doc!($cname $msg $l $d $f $w $e)]
        pub const $id: Errno = Errno(NonZeroU16::new($n).unwrap());
    };
}

/// Raises `$max` to the row's number.
macro_rules! errno_max {
    ($n:literal, $os:ident $max:ident) => {
        if $n > $max {
            $max = $n;
        }
    };
}

/// Puts the row's name and message at its number; two names for one number fail the build.
macro_rules! errno_fill {
    ($n:literal, $os:ident $t:ident $cname:ident $msg:literal) => {
        assert!(
            $t[$n].is_none(),
            concat!("a second name for the number of ", stringify!($cname))
        );
        $t[$n] = Some((stringify!($cname), $msg));
    };
}

/// Checks the row's number against the `libc` crate's constant for the target. Linux is
/// checked where the libc crate has the generic numbers (glibc and musl outside MIPS and SPARC,
/// whose kernels number errors differently) and on Android, whose libc module lacks the rows
/// marked `not_in_android_libc`.
macro_rules! errno_check {
    ($n:literal, linux $id:ident $cname:ident not_in_android_libc) => {
        #[cfg(not(target_os = "android"))]
        errno_check!($n, linux $id $cname);
    };
    ($n:literal, linux $id:ident $cname:ident) => {
        #[cfg(any(
            target_os = "android",
            all(
                target_os = "linux",
                any(target_env = "gnu", target_env = "musl"),
                not(any(
                    target_arch = "mips",
                    target_arch = "mips32r6",
                    target_arch = "mips64",
                    target_arch = "mips64r6",
                    target_arch = "sparc",
                    target_arch = "sparc64",
                )),
            ),
        ))]
        errno_check!($n, checked $id $cname);
    };
    ($n:literal, $os:ident $id:ident $cname:ident $(not_in_android_libc)?) => {
        const _: () = assert!(
            Errno::$id.raw() == $n && $n == libc::$cname,
            concat!("Errno::", stringify!($id), " is not libc::", stringify!($cname))
        );
    };
}

/// A row for number-agnostic tests of all three tables on any host.
#[cfg(test)]
macro_rules! errno_row_num {
    (_) => {
        None
    };
    ($n:literal) => {
        Some($n)
    };
}

/// The tables. Each row: the constant, the C name, the number on Linux, Darwin, FreeBSD, WASI
/// and Emscripten (`_`: the OS has no such error; WASI and Emscripten share one numbering,
/// and Emscripten adds Linux's other names past it), the message, and `not_in_android_libc` where the `libc`
/// crate has no Android constant to check against.
macro_rules! errno_table {
    ($(
        $id:ident $cname:ident $l:tt $d:tt $f:tt $w:tt $e:tt $msg:literal $($flag:ident)?;
    )*) => {
        impl Errno {
            $(
                on_os!(linux $l => errno_const!($id $cname $msg [$l $d $f $w $e]));
                on_os!(darwin $d => errno_const!($id $cname $msg [$l $d $f $w $e]));
                on_os!(freebsd $f => errno_const!($id $cname $msg [$l $d $f $w $e]));
                on_os!(wasi $w => errno_const!($id $cname $msg [$l $d $f $w $e]));
                on_os!(emscripten $e => errno_const!($id $cname $msg [$l $d $f $w $e]));
            )*
        }

        $(
            on_os!(linux $l => errno_check!($id $cname $($flag)?));
            on_os!(darwin $d => errno_check!($id $cname));
            on_os!(freebsd $f => errno_check!($id $cname));
            on_os!(wasi $w => errno_check!($id $cname));
            on_os!(emscripten $e => errno_check!($id $cname));
        )*

        /// The largest number in the target's table, plus one.
        const TABLE_LEN: usize = {
            let mut max = 0;
            $(
                on_os!(linux $l => errno_max!(max));
                on_os!(darwin $d => errno_max!(max));
                on_os!(freebsd $f => errno_max!(max));
                on_os!(wasi $w => errno_max!(max));
                on_os!(emscripten $e => errno_max!(max));
            )*
            max + 1
        };

        /// `(name, message)` for each number of the target's table, indexed by the number.
        const TABLE: [Option<(&str, &str)>; TABLE_LEN] = {
            let mut t: [Option<(&str, &str)>; TABLE_LEN] = [None; TABLE_LEN];
            $(
                on_os!(linux $l => errno_fill!(t $cname $msg));
                on_os!(darwin $d => errno_fill!(t $cname $msg));
                on_os!(freebsd $f => errno_fill!(t $cname $msg));
                on_os!(wasi $w => errno_fill!(t $cname $msg));
                on_os!(emscripten $e => errno_fill!(t $cname $msg));
            )*
            t
        };

        /// Every row of every table: `(name, message, [Linux, Darwin, FreeBSD, WASI,
        /// Emscripten])`.
        #[cfg(test)]
        const ROWS: &[(&str, &str, [Option<u16>; 5])] = &[
            $((
                stringify!($cname),
                $msg,
                [
                    errno_row_num!($l),
                    errno_row_num!($d),
                    errno_row_num!($f),
                    errno_row_num!($w),
                    errno_row_num!($e),
                ],
            ),)*
        ];
    };
}

errno_table! {
    // constant     C name          Linux Darwin FreeBSD WASI Emscripten  message
    PERM            EPERM               1    1    1   63   63  "operation not permitted";
    NOENT           ENOENT              2    2    2   44   44  "no such file or directory";
    SRCH            ESRCH               3    3    3   71   71  "no such process";
    INTR            EINTR               4    4    4   27   27  "interrupted system call";
    IO              EIO                 5    5    5   29   29  "i/o error";
    NXIO            ENXIO               6    6    6   60   60  "no such device or address";
    TOOBIG          E2BIG               7    7    7    1    1  "argument list too long";
    NOEXEC          ENOEXEC             8    8    8   45   45  "exec format error";
    BADF            EBADF               9    9    9    8    8  "bad file descriptor";
    CHILD           ECHILD             10   10   10   12   12  "no child processes";
    AGAIN           EAGAIN             11   35   35    6    6  "resource temporarily unavailable";
    NOMEM           ENOMEM             12   12   12   48   48  "not enough memory";
    ACCES           EACCES             13   13   13    2    2  "permission denied";
    FAULT           EFAULT             14   14   14   21   21  "bad address in system call argument";
    NOTBLK          ENOTBLK            15   15   15    _  105  "block device required";
    BUSY            EBUSY              16   16   16   10   10  "resource busy or locked";
    EXIST           EEXIST             17   17   17   20   20  "file already exists";
    XDEV            EXDEV              18   18   18   75   75  "cross-device link not permitted";
    NODEV           ENODEV             19   19   19   43   43  "no such device";
    NOTDIR          ENOTDIR            20   20   20   54   54  "not a directory";
    ISDIR           EISDIR             21   21   21   31   31  "illegal operation on a directory";
    INVAL           EINVAL             22   22   22   28   28  "invalid argument";
    NFILE           ENFILE             23   23   23   41   41  "file table overflow";
    MFILE           EMFILE             24   24   24   33   33  "too many open files";
    NOTTY           ENOTTY             25   25   25   59   59  "inappropriate ioctl for device";
    TXTBSY          ETXTBSY            26   26   26   74   74  "text file is busy";
    FBIG            EFBIG              27   27   27   22   22  "file too large";
    NOSPC           ENOSPC             28   28   28   51   51  "no space left on device";
    SPIPE           ESPIPE             29   29   29   70   70  "invalid seek";
    ROFS            EROFS              30   30   30   69   69  "read-only file system";
    MLINK           EMLINK             31   31   31   34   34  "too many links";
    PIPE            EPIPE              32   32   32   64   64  "broken pipe";
    DOM             EDOM               33   33   33   18   18  "numerical argument out of domain";
    RANGE           ERANGE             34   34   34   68   68  "result too large";
    DEADLK          EDEADLK            35   11   11   16   16  "resource deadlock avoided";
    NAMETOOLONG     ENAMETOOLONG       36   63   63   37   37  "name too long";
    NOLCK           ENOLCK             37   77   77   46   46  "no locks available";
    NOSYS           ENOSYS             38   78   78   52   52  "function not implemented";
    NOTEMPTY        ENOTEMPTY          39   66   66   55   55  "directory not empty";
    LOOP            ELOOP              40   62   62   32   32  "too many symbolic links encountered";
    NOMSG           ENOMSG             42   91   83   49   49  "no message of desired type";
    IDRM            EIDRM              43   90   82   24   24  "identifier removed";
    CHRNG           ECHRNG             44    _    _    _  106  "channel number out of range";
    L2NSYNC         EL2NSYNC           45    _    _    _  156  "level 2 not synchronized";
    L3HLT           EL3HLT             46    _    _    _  107  "level 3 halted";
    L3RST           EL3RST             47    _    _    _  108  "level 3 reset";
    LNRNG           ELNRNG             48    _    _    _  109  "link number out of range";
    UNATCH          EUNATCH            49    _    _    _  110  "protocol driver not attached";
    NOCSI           ENOCSI             50    _    _    _  111  "no csi structure available";
    L2HLT           EL2HLT             51    _    _    _  112  "level 2 halted";
    BADE            EBADE              52    _    _    _  113  "invalid exchange";
    BADR            EBADR              53    _    _    _  114  "invalid request descriptor";
    XFULL           EXFULL             54    _    _    _  115  "exchange full";
    NOANO           ENOANO             55    _    _    _  104  "no anode";
    BADRQC          EBADRQC            56    _    _    _  103  "invalid request code";
    BADSLT          EBADSLT            57    _    _    _  102  "invalid slot";
    BFONT           EBFONT             59    _    _    _  101  "bad font file format";
    NOSTR           ENOSTR             60   99    _    _  100  "device not a stream";
    NODATA          ENODATA            61   96    _    _  116  "no data available";
    TIME            ETIME              62  101    _    _  117  "timer expired";
    NOSR            ENOSR              63   98    _    _  118  "out of streams resources";
    NONET           ENONET             64    _    _    _  119  "machine is not on the network";
    NOPKG           ENOPKG             65    _    _    _  120  "package not installed";
    REMOTE          EREMOTE            66   71   71    _  121  "object is remote";
    NOLINK          ENOLINK            67   97   91   47   47  "link has been severed";
    ADV             EADV               68    _    _    _  122  "advertise error";
    SRMNT           ESRMNT             69    _    _    _  123  "srmount error";
    COMM            ECOMM              70    _    _    _  124  "communication error on send";
    PROTO           EPROTO             71  100   92   65   65  "protocol error";
    MULTIHOP        EMULTIHOP          72   95   90   36   36  "multihop attempted";
    DOTDOT          EDOTDOT            73    _    _    _  125  "rfs specific error";
    BADMSG          EBADMSG            74   94   89    9    9  "bad message";
    OVERFLOW        EOVERFLOW          75   84   84   61   61  "value too large for defined data type";
    NOTUNIQ         ENOTUNIQ           76    _    _    _  126  "name not unique on network";
    BADFD           EBADFD             77    _    _    _  127  "file descriptor in bad state";
    REMCHG          EREMCHG            78    _    _    _  128  "remote address changed";
    LIBACC          ELIBACC            79    _    _    _  129  "can not access a needed shared library";
    LIBBAD          ELIBBAD            80    _    _    _  130  "accessing a corrupted shared library";
    LIBSCN          ELIBSCN            81    _    _    _  131  ".lib section in a.out corrupted";
    LIBMAX          ELIBMAX            82    _    _    _  132  "attempting to link in too many shared libraries";
    LIBEXEC         ELIBEXEC           83    _    _    _  133  "cannot exec a shared library directly";
    ILSEQ           EILSEQ             84   92   86   25   25  "illegal byte sequence";
    RESTART         ERESTART           85    _    _    _  134  "interrupted system call should be restarted";
    STRPIPE         ESTRPIPE           86    _    _    _  135  "streams pipe error";
    USERS           EUSERS             87   68   68    _  136  "too many users";
    NOTSOCK         ENOTSOCK           88   38   38   57   57  "socket operation on non-socket";
    DESTADDRREQ     EDESTADDRREQ       89   39   39   17   17  "destination address required";
    MSGSIZE         EMSGSIZE           90   40   40   35   35  "message too long";
    PROTOTYPE       EPROTOTYPE         91   41   41   67   67  "protocol wrong type for socket";
    NOPROTOOPT      ENOPROTOOPT        92   42   42   50   50  "protocol not available";
    PROTONOSUPPORT  EPROTONOSUPPORT    93   43   43   66   66  "protocol not supported";
    SOCKTNOSUPPORT  ESOCKTNOSUPPORT    94   44   44    _  137  "socket type not supported";
    OPNOTSUPP       EOPNOTSUPP         95  102   45   58  138  "operation not supported on socket";
    NOTSUP          ENOTSUP             _   45    _    _    _  "operation not supported on socket";
    PFNOSUPPORT     EPFNOSUPPORT       96   46   46    _  139  "protocol family not supported";
    AFNOSUPPORT     EAFNOSUPPORT       97   47   47    5    5  "address family not supported";
    ADDRINUSE       EADDRINUSE         98   48   48    3    3  "address already in use";
    ADDRNOTAVAIL    EADDRNOTAVAIL      99   49   49    4    4  "address not available";
    NETDOWN         ENETDOWN          100   50   50   38   38  "network is down";
    NETUNREACH      ENETUNREACH       101   51   51   40   40  "network is unreachable";
    NETRESET        ENETRESET         102   52   52   39   39  "network dropped connection on reset";
    CONNABORTED     ECONNABORTED      103   53   53   13   13  "software caused connection abort";
    CONNRESET       ECONNRESET        104   54   54   15   15  "connection reset by peer";
    NOBUFS          ENOBUFS           105   55   55   42   42  "no buffer space available";
    ISCONN          EISCONN           106   56   56   30   30  "socket is already connected";
    NOTCONN         ENOTCONN          107   57   57   53   53  "socket is not connected";
    SHUTDOWN        ESHUTDOWN         108   58   58    _  140  "cannot send after transport endpoint shutdown";
    TOOMANYREFS     ETOOMANYREFS      109   59   59    _  141  "too many references: cannot splice";
    TIMEDOUT        ETIMEDOUT         110   60   60   73   73  "connection timed out";
    CONNREFUSED     ECONNREFUSED      111   61   61   14   14  "connection refused";
    HOSTDOWN        EHOSTDOWN         112   64   64    _  142  "host is down";
    HOSTUNREACH     EHOSTUNREACH      113   65   65   23   23  "host is unreachable";
    ALREADY         EALREADY          114   37   37    7    7  "connection already in progress";
    INPROGRESS      EINPROGRESS       115   36   36   26   26  "operation now in progress";
    STALE           ESTALE            116   70   70   72   72  "stale file handle";
    UCLEAN          EUCLEAN           117    _    _    _  143  "structure needs cleaning";
    NOTNAM          ENOTNAM           118    _    _    _  144  "not a xenix named type file";
    NAVAIL          ENAVAIL           119    _    _    _  145  "no xenix semaphores available";
    ISNAM           EISNAM            120    _    _    _  146  "is a named type file";
    REMOTEIO        EREMOTEIO         121    _    _    _  147  "remote i/o error";
    DQUOT           EDQUOT            122   69   69   19   19  "disk quota exceeded";
    NOMEDIUM        ENOMEDIUM         123    _    _    _  148  "no medium found";
    MEDIUMTYPE      EMEDIUMTYPE       124    _    _    _  149  "wrong medium type";
    CANCELED        ECANCELED         125   89   85   11   11  "operation canceled";
    NOKEY           ENOKEY            126    _    _    _  150  "required key not available";
    KEYEXPIRED      EKEYEXPIRED       127    _    _    _  151  "key has expired";
    KEYREVOKED      EKEYREVOKED       128    _    _    _  152  "key has been revoked";
    KEYREJECTED     EKEYREJECTED      129    _    _    _  153  "key was rejected by service";
    OWNERDEAD       EOWNERDEAD        130  105   96   62   62  "owner died";
    NOTRECOVERABLE  ENOTRECOVERABLE   131  104   95   56   56  "state not recoverable";
    RFKILL          ERFKILL           132    _    _    _  154  "operation not possible due to rf-kill" not_in_android_libc;
    HWPOISON        EHWPOISON         133    _    _    _  155  "memory page has hardware error" not_in_android_libc;
    PROCLIM         EPROCLIM            _   67   67    _    _  "too many processes";
    BADRPC          EBADRPC             _   72   72    _    _  "rpc struct is bad";
    RPCMISMATCH     ERPCMISMATCH        _   73   73    _    _  "rpc version wrong";
    PROGUNAVAIL     EPROGUNAVAIL        _   74   74    _    _  "rpc program not available";
    PROGMISMATCH    EPROGMISMATCH       _   75   75    _    _  "program version wrong";
    PROCUNAVAIL     EPROCUNAVAIL        _   76   76    _    _  "bad procedure for program";
    FTYPE           EFTYPE              _   79   79    _    _  "inappropriate file type or format";
    AUTH            EAUTH               _   80   80    _    _  "authentication error";
    NEEDAUTH        ENEEDAUTH           _   81   81    _    _  "need authenticator";
    PWROFF          EPWROFF             _   82    _    _    _  "device power is off";
    DEVERR          EDEVERR             _   83    _    _    _  "device error";
    BADEXEC         EBADEXEC            _   85    _    _    _  "bad executable (or shared library)";
    BADARCH         EBADARCH            _   86    _    _    _  "bad cpu type in executable";
    SHLIBVERS       ESHLIBVERS          _   87    _    _    _  "shared library version mismatch";
    BADMACHO        EBADMACHO           _   88    _    _    _  "malformed mach-o file";
    NOATTR          ENOATTR             _   93   87    _    _  "attribute not found";
    NOPOLICY        ENOPOLICY           _  103    _    _    _  "policy not found";
    QFULL           EQFULL              _  106    _    _    _  "interface output queue is full";
    NOTCAPABLE      ENOTCAPABLE         _  107   93   76    _  "capabilities insufficient";
    DOOFUS          EDOOFUS             _    _   88    _    _  "programming error";
    CAPMODE         ECAPMODE            _    _   94    _    _  "not permitted in capability mode";
    INTEGRITY       EINTEGRITY          _    _   97    _    _  "integrity check failed";
}

impl Errno {
    /// `EWOULDBLOCK`, the same number as [`Errno::AGAIN`] on every OS.
    pub const WOULDBLOCK: Errno = Errno::AGAIN;
    /// `EDEADLOCK`, the same number as [`Errno::DEADLK`] (Darwin and FreeBSD have only
    /// `EDEADLK`; Linux on PowerPC, MIPS and SPARC gives `EDEADLOCK` a number this crate does
    /// not name).
    pub const DEADLOCK: Errno = Errno::DEADLK;
    /// `ENOTSUP`, the same number as [`Errno::OPNOTSUPP`] on Linux, FreeBSD, WASI and
    /// Emscripten (Darwin gives it its own number, 45, and its own row).
    #[cfg(not(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "tvos",
        target_os = "watchos",
        target_os = "visionos",
    )))]
    pub const NOTSUP: Errno = Errno::OPNOTSUPP;
    /// Stands for "the system reported failure but left `errno` at 0" (see [`Errno::last`]).
    /// Its number, 65535, is outside the kernel's range, so [`Errno::from_raw`] never yields it.
    pub const UNKNOWN: Errno = Errno(NonZeroU16::MAX);

    /// Wraps a raw error number: `Some` for `1..=4095` (Linux's error range, which holds every
    /// OS's numbers, known or not),
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
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn last() -> Errno {
        std::io::Error::last_os_error()
            .raw_os_error()
            .and_then(Errno::from_raw)
            .unwrap_or(Errno::UNKNOWN)
    }

    fn entry(self) -> Option<(&'static str, &'static str)> {
        TABLE.get(self.0.get() as usize).copied().flatten()
    }

    /// The symbolic name, such as `"ENOENT"`; `"UNKNOWN"` for numbers the target's table does
    /// not define.
    ///
    /// ```
    /// assert_eq!(makai_error::Errno::TOOBIG.name(), "E2BIG");
    /// assert_eq!(makai_error::Errno::from_raw(4000).unwrap().name(), "UNKNOWN");
    /// ```
    pub fn name(self) -> &'static str {
        self.entry().map_or("UNKNOWN", |(name, _)| name)
    }

    /// The message Node prints, such as `"no such file or directory"`; `"unknown error"` for
    /// numbers the target's table does not define.
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
        let n = self.0.get();
        n == Errno::AGAIN.0.get() || n == Errno::INTR.0.get()
    }

    /// The [`std::io::ErrorKind`] std assigns to this number. std decodes the target's own
    /// numbers, so the kind follows the name on every OS (`EAGAIN` is `WouldBlock` as 11 on
    /// Linux and as 35 on macOS).
    ///
    /// ```
    /// assert_eq!(makai_error::Errno::NOENT.kind(), std::io::ErrorKind::NotFound);
    /// ```
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
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

impl core::error::Error for Errno {}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
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

// The aliases, checked like the rows (`EDEADLOCK` only where Linux numbers it as `EDEADLK`).
on_os!(linux 11 => errno_check!(WOULDBLOCK EWOULDBLOCK));
on_os!(darwin 35 => errno_check!(WOULDBLOCK EWOULDBLOCK));
on_os!(freebsd 35 => errno_check!(WOULDBLOCK EWOULDBLOCK));
on_os!(linux 95 => errno_check!(NOTSUP ENOTSUP));
on_os!(freebsd 45 => errno_check!(NOTSUP ENOTSUP));
on_os!(wasi 6 => errno_check!(WOULDBLOCK EWOULDBLOCK));
on_os!(wasi 58 => errno_check!(NOTSUP ENOTSUP));
on_os!(emscripten 6 => errno_check!(WOULDBLOCK EWOULDBLOCK));
on_os!(emscripten 138 => errno_check!(NOTSUP ENOTSUP));
#[cfg(target_os = "emscripten")]
const _: () = assert!(Errno::DEADLOCK.raw() == libc::EDEADLOCK);
#[cfg(all(
    target_os = "linux",
    any(target_env = "gnu", target_env = "musl"),
    any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv64",
    ),
))]
const _: () = assert!(Errno::DEADLOCK.raw() == libc::EDEADLOCK);

#[cfg(test)]
mod tests {
    use super::*;

    /// Which column of [`ROWS`] the host's table is.
    const HOST: usize = if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "tvos",
        target_os = "watchos",
        target_os = "visionos",
    )) {
        1
    } else if cfg!(target_os = "freebsd") {
        2
    } else if cfg!(target_os = "wasi") {
        3
    } else if cfg!(target_os = "emscripten") {
        4
    } else {
        0
    };

    #[test]
    fn the_host_table_round_trips() {
        let mut known = 0;
        for &(name, message, numbers) in ROWS {
            let Some(n) = numbers[HOST] else { continue };
            known += 1;
            let e = Errno::from_raw(i32::from(n)).expect("table numbers are in range");
            assert_eq!(e.raw(), i32::from(n));
            assert_eq!((e.name(), e.message()), (name, message), "{n}");
        }
        // Linux leaves 41 and 58 unused (they were EWOULDBLOCK and EDEADLOCK aliases); Darwin,
        // FreeBSD and WASI number 1..=107, 1..=97 and 1..=76 without a gap; Emscripten has
        // WASI's numbers but 58 and 76, then Linux's other names from 100 to 156.
        assert_eq!(known, [131, 107, 97, 76, 131][HOST]);
        assert_eq!(TABLE_LEN, [134, 108, 98, 77, 157][HOST]);
        assert_eq!(TABLE.iter().flatten().count(), known);
        // Every number in range either is a row or prints as unknown.
        for raw in 1..TABLE_LEN as i32 {
            let e = Errno::from_raw(raw).unwrap();
            let row = ROWS.iter().find(|r| r.2[HOST] == Some(raw as u16));
            assert_eq!(e.name(), row.map_or("UNKNOWN", |r| r.0), "{raw}");
        }
        if HOST == 0 {
            assert_eq!(Errno::from_raw(41).unwrap().name(), "UNKNOWN");
        }
    }

    #[test]
    fn every_table_is_well_formed() {
        let mut names: Vec<&str> = ROWS.iter().map(|r| r.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ROWS.len(), "one row per name");
        for os in 0..5 {
            let mut numbers: Vec<u16> = ROWS.iter().filter_map(|r| r.2[os]).collect();
            let count = numbers.len();
            numbers.sort_unstable();
            numbers.dedup();
            assert_eq!(numbers.len(), count, "table {os}: two names for one number");
            assert!(numbers.iter().all(|&n| (1..=MAX_ERRNO as u16).contains(&n)));
        }
        for &(name, message, _) in ROWS {
            assert!(name.starts_with('E') && name.len() > 2, "{name}");
            assert!(!message.is_empty());
            assert_eq!(
                message,
                message.to_lowercase(),
                "{name}: messages are lower case"
            );
        }
        assert_eq!(
            [0, 1, 2, 3, 4].map(|os| ROWS.iter().filter(|r| r.2[os].is_some()).count()),
            [131, 107, 97, 76, 131]
        );
    }

    #[test]
    fn the_numbers_differ_by_os() {
        let row = |name: &str| ROWS.iter().find(|r| r.0 == name).unwrap().2;
        assert_eq!(
            row("EAGAIN"),
            [Some(11), Some(35), Some(35), Some(6), Some(6)]
        );
        assert_eq!(
            row("ENOENT"),
            [Some(2), Some(2), Some(2), Some(44), Some(44)]
        );
        assert_eq!(
            row("EDEADLK"),
            [Some(35), Some(11), Some(11), Some(16), Some(16)]
        );
        assert_eq!(
            row("EOPNOTSUPP"),
            [Some(95), Some(102), Some(45), Some(58), Some(138)]
        );
        assert_eq!(row("ENOTSUP"), [None, Some(45), None, None, None]);
        assert_eq!(row("EBFONT"), [Some(59), None, None, None, Some(101)]);
        assert_eq!(row("EFTYPE"), [None, Some(79), Some(79), None, None]);
        assert_eq!(row("EINTEGRITY"), [None, None, Some(97), None, None]);
        assert_eq!(
            row("ENOTCAPABLE"),
            [None, Some(107), Some(93), Some(76), None]
        );
    }

    #[test]
    fn retry_and_kind_follow_the_name() {
        use std::io::ErrorKind;
        assert!(Errno::AGAIN.is_retry() && Errno::WOULDBLOCK.is_retry() && Errno::INTR.is_retry());
        assert!(!Errno::DEADLK.is_retry() && !Errno::NOENT.is_retry());
        assert_eq!(Errno::AGAIN.kind(), ErrorKind::WouldBlock);
        assert_eq!(Errno::NOENT.kind(), ErrorKind::NotFound);
        assert_eq!(Errno::ACCES.kind(), ErrorKind::PermissionDenied);
        assert_eq!(Errno::EXIST.kind(), ErrorKind::AlreadyExists);
        assert_eq!(Errno::INTR.kind(), ErrorKind::Interrupted);
        assert_eq!(Errno::CONNREFUSED.kind(), ErrorKind::ConnectionRefused);
        assert_eq!(Errno::NOTEMPTY.kind(), ErrorKind::DirectoryNotEmpty);
        assert_eq!(Errno::DEADLK.kind(), ErrorKind::Deadlock);
    }

    #[test]
    fn out_of_range_is_rejected() {
        assert_eq!(Errno::from_raw(0), None);
        assert_eq!(Errno::from_raw(-1), None);
        assert_eq!(Errno::from_raw(4096), None);
        assert_eq!(Errno::from_raw(4095).map(Errno::raw), Some(4095));
        assert_eq!(Errno::from_raw(4095).unwrap().name(), "UNKNOWN");
        assert_eq!(Errno::from_raw(4095).unwrap().message(), "unknown error");
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
        assert_eq!(
            format!("{:?}", Errno::AGAIN),
            format!("EAGAIN({})", Errno::AGAIN.raw())
        );
    }
}
