//! [`Syscall`]: which system call failed, in one byte.

use core::fmt;

macro_rules! syscalls {
    ($($variant:ident $name:literal,)*) => {
        /// The system calls a runtime makes, one byte each, named the way Node names them in
        /// error messages (`open`, `epoll_ctl`, ...).
        ///
        /// ```
        /// use makai_error::Syscall;
        /// assert_eq!(Syscall::Open.name(), "open");
        /// assert_eq!(Syscall::CopyFileRange.name(), "copy_file_range");
        /// assert_eq!(size_of::<Syscall>(), 1);
        /// ```
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        #[repr(u8)]
        pub enum Syscall {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl Syscall {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Syscall] = &[$(Syscall::$variant,)*];

            /// The call's name as Node prints it, such as `"open"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Syscall::$variant => $name,)*
                }
            }
        }
    };
}

syscalls! {
    Open "open",
    Openat "openat",
    Read "read",
    Write "write",
    Pread "pread",
    Pwrite "pwrite",
    Readv "readv",
    Writev "writev",
    Preadv "preadv",
    Pwritev "pwritev",
    Close "close",
    Stat "stat",
    Fstat "fstat",
    Lstat "lstat",
    Fstatat "fstatat",
    Statx "statx",
    Mkdir "mkdir",
    Mkdirat "mkdirat",
    Mkdtemp "mkdtemp",
    Rmdir "rmdir",
    Unlink "unlink",
    Unlinkat "unlinkat",
    Rename "rename",
    Renameat "renameat",
    Link "link",
    Linkat "linkat",
    Symlink "symlink",
    Symlinkat "symlinkat",
    Readlink "readlink",
    Realpath "realpath",
    Access "access",
    Chmod "chmod",
    Fchmod "fchmod",
    Chown "chown",
    Fchown "fchown",
    Lchown "lchown",
    Utimes "utime",
    Futimes "futime",
    Truncate "truncate",
    Ftruncate "ftruncate",
    Fsync "fsync",
    Fdatasync "fdatasync",
    Lseek "lseek",
    Dup "dup",
    Dup2 "dup2",
    Fcntl "fcntl",
    Ioctl "ioctl",
    Pipe "pipe",
    Mmap "mmap",
    Munmap "munmap",
    Opendir "opendir",
    Readdir "scandir",
    Getcwd "getcwd",
    Chdir "chdir",
    Copyfile "copyfile",
    CopyFileRange "copy_file_range",
    Sendfile "sendfile",
    Splice "splice",
    Socket "socket",
    Bind "bind",
    Listen "listen",
    Accept "accept",
    Connect "connect",
    Send "send",
    Recv "recv",
    Sendmsg "sendmsg",
    Recvmsg "recvmsg",
    Shutdown "shutdown",
    Setsockopt "setsockopt",
    Getsockopt "getsockopt",
    Poll "poll",
    EpollCreate "epoll_create",
    EpollCtl "epoll_ctl",
    EpollWait "epoll_wait",
    Eventfd "eventfd",
    Kqueue "kqueue",
    Kevent "kevent",
    InotifyInit "inotify_init",
    InotifyAddWatch "inotify_add_watch",
    Watch "watch",
    Spawn "spawn",
    Kill "kill",
    Waitpid "waitpid",
    Uname "uname",
    // Added later, at the end so the earlier variants keep their numbers and order.
    // Files and directories.
    Faccessat "faccessat",
    Fchmodat "fchmodat",
    Lchmod "lchmod",
    Fchownat "fchownat",
    Lutimes "lutime",
    Futimens "futimens",
    Utimensat "utimensat",
    Readlinkat "readlinkat",
    Renameat2 "renameat2",
    Getdents64 "getdents64",
    Getdirentries64 "getdirentries64",
    Statfs "statfs",
    Fstatfs "fstatfs",
    Flock "flock",
    Fchdir "fchdir",
    Clonefile "clonefile",
    Fcopyfile "fcopyfile",
    IoctlFiclone "ioctl_ficlone",
    MemfdCreate "memfd_create",
    // Descriptors and memory.
    Dup3 "dup3",
    Pipe2 "pipe2",
    Mprotect "mprotect",
    Madvise "madvise",
    // Sockets.
    Socketpair "socketpair",
    Accept4 "accept4",
    Sendto "sendto",
    Recvfrom "recvfrom",
    Sendmmsg "sendmmsg",
    Recvmmsg "recvmmsg",
    Getsockname "getsockname",
    Getpeername "getpeername",
    Getaddrinfo "getaddrinfo",
    // Polling and processes.
    EpollCreate1 "epoll_create1",
    EpollPwait "epoll_pwait",
    InotifyRmWatch "inotify_rm_watch",
    PidfdOpen "pidfd_open",
    PosixSpawn "posix_spawn",
}

const _: () = assert!(size_of::<Syscall>() == 1);

impl fmt::Debug for Syscall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Syscall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Syscall;

    #[test]
    fn names_are_unique_and_lower_case() {
        let mut names: Vec<&str> = Syscall::ALL.iter().map(|s| s.name()).collect();
        assert!(names.iter().all(|n| *n == n.to_lowercase()));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(n, names.len());
        assert_eq!(Syscall::Rename.name(), "rename");
        assert_eq!(Syscall::Readdir.name(), "scandir");
        assert_eq!(Syscall::Lutimes.name(), "lutime");
        assert_eq!(Syscall::EpollPwait.name(), "epoll_pwait");
        assert_eq!(Syscall::IoctlFiclone.to_string(), "ioctl_ficlone");
    }

    #[test]
    fn one_byte_and_the_first_variants_keep_their_numbers() {
        assert_eq!(size_of::<Syscall>(), 1);
        assert_eq!(size_of::<Option<Syscall>>(), 1);
        assert!(Syscall::ALL.len() <= 256);
        let first = [
            Syscall::Open,
            Syscall::Openat,
            Syscall::Read,
            Syscall::Write,
        ];
        assert_eq!(&Syscall::ALL[..4], &first);
        assert_eq!(Syscall::Uname as u8, 83);
        assert!(Syscall::ALL.windows(2).all(|w| w[0] < w[1]));
    }
}
