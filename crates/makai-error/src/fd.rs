//! [`Fd`]: a file descriptor that is known to be valid in form (non-negative), 4 bytes, with
//! `Option<Fd>` 4 bytes too: the type to keep a descriptor in a struct, and to hand to
//! [`SysError::with_fd`](crate::SysError::with_fd).

use core::fmt;
use core::num::NonZeroU32;

/// A non-negative file descriptor number (`0..=i32::MAX`).
///
/// It is a number, not an owner: dropping it closes nothing (see `std::os::fd::OwnedFd` for
/// that). `Option<Fd>` is the size of an `i32` (`-1`, the usual "no descriptor", becomes
/// `None`), so a struct can keep an optional descriptor for free.
///
/// ```
/// use makai_error::Fd;
/// let fd = Fd::new(3).unwrap();
/// assert_eq!(fd.get(), 3);
/// assert_eq!(i32::from(fd), 3);
/// assert_eq!(Fd::new(-1), None);
/// assert!(Fd::try_from(-9).is_err());
/// assert_eq!(size_of::<Option<Fd>>(), size_of::<i32>());
/// assert_eq!(format!("{fd} {fd:?}"), "3 Fd(3)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fd(
    // The bitwise complement of the number: `!n` of a non-negative `i32` has the top bit set,
    // so it is never 0, and 0 is left as the niche that `None` uses.
    NonZeroU32,
);

const _: () = assert!(size_of::<Option<Fd>>() == size_of::<i32>());

impl Fd {
    /// Standard input, 0.
    pub const STDIN: Fd = Fd::from_non_negative(0);
    /// Standard output, 1.
    pub const STDOUT: Fd = Fd::from_non_negative(1);
    /// Standard error, 2.
    pub const STDERR: Fd = Fd::from_non_negative(2);

    /// The descriptor `fd`, or `None` when it is negative.
    #[inline]
    #[must_use]
    pub const fn new(fd: i32) -> Option<Fd> {
        if fd < 0 {
            None
        } else {
            Some(Fd::from_non_negative(fd))
        }
    }

    /// `fd >= 0` (checked by the callers).
    #[inline]
    const fn from_non_negative(fd: i32) -> Fd {
        match NonZeroU32::new(!fd.cast_unsigned()) {
            Some(bits) => Fd(bits),
            None => panic!("Fd: a non-negative descriptor never complements to 0"),
        }
    }

    /// The number.
    #[inline]
    #[must_use]
    pub const fn get(self) -> i32 {
        (!self.0.get()).cast_signed()
    }
}

impl fmt::Debug for Fd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fd({})", self.get())
    }
}

impl fmt::Display for Fd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.get(), f)
    }
}

impl PartialOrd for Fd {
    fn partial_cmp(&self, other: &Fd) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Fd {
    /// By number (the stored complement would order them backwards).
    fn cmp(&self, other: &Fd) -> core::cmp::Ordering {
        self.get().cmp(&other.get())
    }
}

impl From<Fd> for i32 {
    #[inline]
    fn from(fd: Fd) -> i32 {
        fd.get()
    }
}

/// The error of `Fd::try_from(i32)`: the number was negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NegativeFd(pub i32);

impl fmt::Display for NegativeFd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not a file descriptor (negative)", self.0)
    }
}

impl core::error::Error for NegativeFd {}

impl TryFrom<i32> for Fd {
    type Error = NegativeFd;
    #[inline]
    fn try_from(fd: i32) -> Result<Fd, NegativeFd> {
        Fd::new(fd).ok_or(NegativeFd(fd))
    }
}

#[cfg(all(unix, feature = "std"))]
impl From<std::os::fd::BorrowedFd<'_>> for Fd {
    /// The number of a descriptor std knows to be open (never negative).
    ///
    /// ```
    /// use std::os::fd::AsFd;
    /// let fd = makai_error::Fd::from(std::io::stderr().as_fd());
    /// assert_eq!(fd, makai_error::Fd::STDERR);
    /// ```
    #[inline]
    fn from(fd: std::os::fd::BorrowedFd<'_>) -> Fd {
        use std::os::fd::AsRawFd;
        Fd::new(fd.as_raw_fd()).unwrap_or_else(|| panic!("BorrowedFd holds a negative number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_edge() {
        for n in [0, 1, 2, 3, 1023, 65_535, i32::MAX - 1, i32::MAX] {
            let fd = Fd::new(n).unwrap();
            assert_eq!(fd.get(), n);
            assert_eq!(Fd::try_from(n), Ok(fd));
        }
        for n in [-1, -2, i32::MIN] {
            assert_eq!(Fd::new(n), None);
            assert_eq!(Fd::try_from(n), Err(NegativeFd(n)));
        }
        assert_eq!(
            (Fd::STDIN.get(), Fd::STDOUT.get(), Fd::STDERR.get()),
            (0, 1, 2)
        );
    }

    #[test]
    fn orders_by_number() {
        let mut v: Vec<Fd> = [7, 0, i32::MAX, 3]
            .into_iter()
            .map(|n| Fd::new(n).unwrap())
            .collect();
        v.sort();
        assert_eq!(
            v.iter().map(|f| f.get()).collect::<Vec<_>>(),
            [0, 3, 7, i32::MAX]
        );
        assert!(Fd::STDIN < Fd::STDERR);
    }
}
