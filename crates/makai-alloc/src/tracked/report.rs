//! What a [`Tracked`](super::Tracked) reports: [`Stats`], [`Leak`] and [`LeakReport`].

use alloc::sync::Arc;
use core::fmt;
use std::backtrace::Backtrace;

use super::state::Record;
use super::trace::Trace;

/// Counters of a [`Tracked`](super::Tracked) allocator.
///
/// Zero-sized blocks are not counted: they own no memory (see [`Tracked`](super::Tracked)).
///
/// ```
/// use makai_alloc::{Allocator, Global, Tracked};
/// use std::alloc::Layout;
///
/// let t = Tracked::new(Global);
/// let layout = Layout::new::<[u8; 40]>();
/// let block = t.allocate(layout).unwrap();
/// let s = t.stats();
/// assert_eq!((s.live_blocks, s.live_bytes, s.allocations), (1, 40, 1));
/// // SAFETY: allocated just above by `t` with `layout`.
/// unsafe { t.deallocate(block.cast(), layout) };
/// let s = t.finish().unwrap();
/// assert_eq!((s.live_blocks, s.peak_bytes, s.deallocations), (0, 40, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Stats {
    /// Blocks live now (including blocks registered with `track_external`).
    pub live_blocks: usize,
    /// Bytes live now: the sum of the sizes the live blocks were requested with.
    pub live_bytes: usize,
    /// The most blocks live at once.
    pub peak_blocks: usize,
    /// The most bytes live at once.
    pub peak_bytes: usize,
    /// Successful `allocate` and `allocate_zeroed` calls.
    pub allocations: u64,
    /// Successful `deallocate` calls.
    pub deallocations: u64,
    /// Successful `grow` and `grow_zeroed` calls.
    pub grows: u64,
    /// Successful `shrink` calls.
    pub shrinks: u64,
    /// Bytes ever requested: every allocation's size plus every grow's increase.
    pub total_bytes: u64,
}

impl Stats {
    pub(crate) const fn new() -> Stats {
        Stats {
            live_blocks: 0,
            live_bytes: 0,
            peak_blocks: 0,
            peak_bytes: 0,
            allocations: 0,
            deallocations: 0,
            grows: 0,
            shrinks: 0,
            total_bytes: 0,
        }
    }
}

/// One block that was still live when its [`Tracked`](super::Tracked) allocator finished.
///
/// ```
/// use makai_alloc::{Allocator, Global, Tracked};
/// use std::alloc::Layout;
///
/// let t = Tracked::new(Global).with_backtrace_depth(0);
/// let layout = Layout::new::<u64>();
/// let block = t.labeled("counter").allocate(layout).unwrap();
/// let report = t.finish().unwrap_err();
/// let leak = &report.leaks()[0];
/// assert_eq!((leak.size(), leak.align(), leak.label()), (8, 8, Some("counter")));
/// assert_eq!(leak.address(), block.cast::<u8>().as_ptr().addr());
/// # // SAFETY: the leaked block is still allocated in `Global`, with `layout`.
/// # unsafe { Global.deallocate(block.cast(), layout) };
/// ```
#[derive(Clone)]
pub struct Leak {
    addr: usize,
    size: usize,
    align: usize,
    label: Option<&'static str>,
    external: bool,
    serial: u64,
    trace: Option<Arc<Trace>>,
}

impl Leak {
    pub(crate) fn from_record(addr: usize, r: Record) -> Leak {
        Leak {
            addr,
            size: r.size,
            align: r.align,
            label: r.label,
            external: r.external,
            serial: r.serial,
            trace: r.trace,
        }
    }

    pub(crate) fn serial(&self) -> u64 {
        self.serial
    }

    /// The block's address (for matching against pointers; it is never dereferenced).
    pub fn address(&self) -> usize {
        self.addr
    }

    /// The size the block was requested with (or last resized to), in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The block's alignment in bytes.
    pub fn align(&self) -> usize {
        self.align
    }

    /// The label given with [`Tracked::labeled`](super::Tracked::labeled) or
    /// [`Tracked::set_label`](super::Tracked::set_label), if any.
    pub fn label(&self) -> Option<&'static str> {
        self.label
    }

    /// Whether the block was registered with
    /// [`Tracked::track_external`](super::Tracked::track_external) rather than allocated.
    pub fn is_external(&self) -> bool {
        self.external
    }

    /// Where the block was allocated, if backtraces were on. Symbols are resolved the first
    /// time the backtrace is formatted.
    pub fn backtrace(&self) -> Option<&Backtrace> {
        self.trace.as_deref().map(Trace::backtrace)
    }

    /// Writes the block's one-line description: size, alignment, label, address.
    pub(crate) fn write_summary(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_block(f, self.size, self.align, self.label, self.addr)?;
        if self.external {
            f.write_str(", registered with track_external")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Leak")
            .field("address", &format_args!("{:#x}", self.addr))
            .field("size", &self.size)
            .field("align", &self.align)
            .field("label", &self.label)
            .field("external", &self.external)
            .field("has_backtrace", &self.trace.is_some())
            .finish()
    }
}

/// Writes "`N bytes, align A, label "x", at 0xADDR`".
pub(crate) fn write_block(
    f: &mut fmt::Formatter<'_>,
    size: usize,
    align: usize,
    label: Option<&'static str>,
    addr: usize,
) -> fmt::Result {
    write!(f, "{size} {}, align {align}", plural(size, "byte", "bytes"))?;
    if let Some(label) = label {
        write!(f, ", label {label:?}")?;
    }
    write!(f, ", at {addr:#x}")
}

pub(crate) fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// The blocks a [`Tracked`](super::Tracked) allocator still held when it finished: the error
/// of [`Tracked::finish`](super::Tracked::finish), and the message of the panic when a
/// `Tracked` is dropped with live blocks.
///
/// `Display` (and `Debug`, so that `unwrap` prints something readable) gives the number of
/// leaked blocks and bytes as decimal numbers, then up to the report limit of leaks (oldest
/// first), each with size, alignment, label, address and the user frames of its allocation
/// backtrace:
///
/// ```text
/// Tracked allocator leaked 2 blocks (48 bytes):
///   leak 1 of 2: 32 bytes, align 8, label "names", at 0x5581d2a4bd40, allocated at:
///       my_crate::tests::build_names (./src/lib.rs:40:17)
///       ...
///   leak 2 of 2: 16 bytes, align 8, at 0x5581d2a4bd70 (no backtrace: capture was off)
/// ```
///
/// ```
/// use makai_alloc::{Allocator, Global, Tracked};
/// use std::alloc::Layout;
///
/// let t = Tracked::new(Global).with_backtrace_depth(0);
/// let layout = Layout::new::<[u8; 24]>();
/// let block = t.allocate(layout).unwrap();
/// let report = t.finish().unwrap_err();
/// assert_eq!((report.leaked_blocks(), report.leaked_bytes()), (1, 24));
/// assert!(report.to_string().starts_with("Tracked allocator leaked 1 block (24 bytes)"));
/// let as_error: &dyn std::error::Error = &report;
/// assert!(as_error.to_string().contains("24 bytes, align 1"));
/// # // SAFETY: the leaked block is still allocated in `Global`, with `layout`.
/// # unsafe { Global.deallocate(block.cast(), layout) };
/// ```
pub struct LeakReport {
    leaks: Vec<Leak>,
    stats: Stats,
    limit: usize,
    depth: usize,
    /// Problems that could not panic where they were found (see [`LeakReport::anomalies`]),
    /// boxed because they are rare and the report travels in `Result`s.
    anomalies: Option<Box<Anomalies>>,
}

/// The anomalies of a report: the kept messages and how many more were dropped.
struct Anomalies {
    messages: Vec<String>,
    dropped: usize,
}

const _: () = assert!(
    size_of::<LeakReport>() <= 128,
    "LeakReport travels in Results"
);

impl LeakReport {
    pub(crate) fn new(leaks: Vec<Leak>, stats: Stats, limit: usize, depth: usize) -> LeakReport {
        LeakReport {
            leaks,
            stats,
            limit,
            depth,
            anomalies: None,
        }
    }

    /// Adds the anomalies a `Tracked` recorded.
    pub(crate) fn with_anomalies(mut self, messages: Vec<String>, dropped: usize) -> Self {
        self.anomalies = (!messages.is_empty() || dropped != 0)
            .then(|| Box::new(Anomalies { messages, dropped }));
        self
    }

    /// Problems found at a point where panicking would have been unsound, so they are
    /// reported here instead: the inner allocator handed out (from `allocate`, `grow` or
    /// `shrink`) an address that was still live in the records. That happens when a block
    /// was freed through the inner allocator behind `Tracked`'s back, when the inner
    /// allocator hands a block out twice, or when memory registered with
    /// [`Tracked::track_external`](super::Tracked::track_external) was really the inner
    /// allocator's (its registration is then replaced by the new block). A report with
    /// anomalies and no leaks still makes [`Tracked::finish`](super::Tracked::finish) fail.
    ///
    /// At most 16 messages are kept; [`anomaly_count`](LeakReport::anomaly_count) counts all.
    pub fn anomalies(&self) -> &[String] {
        self.anomalies.as_ref().map_or(&[], |a| &a.messages)
    }

    /// How many anomalies were found (including any beyond the kept messages).
    pub fn anomaly_count(&self) -> usize {
        self.anomalies
            .as_ref()
            .map_or(0, |a| a.messages.len().saturating_add(a.dropped))
    }

    /// How many blocks leaked.
    pub fn leaked_blocks(&self) -> usize {
        self.leaks.len()
    }

    /// How many bytes leaked (sum of the requested sizes).
    pub fn leaked_bytes(&self) -> usize {
        self.leaks
            .iter()
            .map(|l| l.size)
            .fold(0, usize::wrapping_add)
    }

    /// Every leaked block, oldest allocation first (the `Display` text shows only the first
    /// few; this has them all).
    pub fn leaks(&self) -> &[Leak] {
        &self.leaks
    }

    /// The allocator's counters when it finished, before the leaks were taken out.
    pub fn stats(&self) -> Stats {
        self.stats
    }
}

impl fmt::Display for LeakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.leaks.len();
        write!(
            f,
            "Tracked allocator leaked {n} {} ({} {})",
            plural(n, "block", "blocks"),
            self.leaked_bytes(),
            plural(self.leaked_bytes(), "byte", "bytes"),
        )?;
        if n == 0 {
            return self.write_anomalies(f);
        }
        f.write_str(":\n")?;
        for (i, leak) in self.leaks.iter().take(self.limit).enumerate() {
            write!(f, "  leak {} of {n}: ", i + 1)?;
            leak.write_summary(f)?;
            match &leak.trace {
                Some(trace) => {
                    f.write_str(", allocated at:\n")?;
                    trace.write_frames(f, self.depth, "      ")?;
                }
                None => f.write_str(" (no backtrace: capture was off)\n")?,
            }
        }
        if n > self.limit {
            let rest = n - self.limit;
            let rest_bytes = self.leaks[self.limit..]
                .iter()
                .map(|l| l.size)
                .fold(0, usize::wrapping_add);
            writeln!(
                f,
                "  ... and {rest} more {} ({rest_bytes} {}) not shown",
                plural(rest, "leak", "leaks"),
                plural(rest_bytes, "byte", "bytes"),
            )?;
        }
        self.write_anomalies(f)
    }
}

impl LeakReport {
    /// Appends the anomalies, if any, after the leaks.
    fn write_anomalies(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.anomaly_count();
        if count == 0 {
            return Ok(());
        }
        if self.leaks.is_empty() {
            f.write_str("\n")?;
        }
        writeln!(
            f,
            "and found {count} {} where panicking was not possible (the inner allocator had already handed the block out):",
            plural(count, "problem", "problems"),
        )?;
        let Some(anomalies) = &self.anomalies else {
            return Ok(());
        };
        for message in &anomalies.messages {
            writeln!(f, "  - {message}")?;
        }
        if anomalies.dropped != 0 {
            writeln!(f, "  ... and {} more not shown", anomalies.dropped)?;
        }
        Ok(())
    }
}

/// Prints the same text as `Display`, so `finish().unwrap()` shows the report.
impl fmt::Debug for LeakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl core::error::Error for LeakReport {}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(size: usize, serial: u64, label: Option<&'static str>) -> Leak {
        Leak {
            addr: 0x1000 + serial as usize * 0x100,
            size,
            align: 8,
            label,
            external: serial == 2,
            serial,
            trace: None,
        }
    }

    #[test]
    fn display_counts_and_limit() {
        let leaks = vec![leak(1, 0, Some("one")), leak(16, 1, None), leak(7, 2, None)];
        let report = LeakReport::new(leaks, Stats::new(), 2, 8);
        assert_eq!(report.leaked_blocks(), 3);
        assert_eq!(report.leaked_bytes(), 24);
        let text = report.to_string();
        assert!(
            text.starts_with("Tracked allocator leaked 3 blocks (24 bytes):\n"),
            "{text}"
        );
        assert!(
            text.contains("  leak 1 of 3: 1 byte, align 8, label \"one\", at 0x1000 (no backtrace")
        );
        assert!(text.contains("  leak 2 of 3: 16 bytes, align 8, at 0x1100"));
        assert!(text.contains("... and 1 more leak (7 bytes) not shown"));
        assert!(!text.contains("leak 3 of 3"));
        assert_eq!(format!("{report:?}"), text);
        assert!(format!("{:?}", report.leaks()[2]).contains("external: true"));
    }

    #[test]
    fn one_block_is_singular() {
        let report = LeakReport::new(vec![leak(1, 0, None)], Stats::new(), 10, 8);
        assert!(
            report
                .to_string()
                .starts_with("Tracked allocator leaked 1 block (1 byte):")
        );
        let empty = LeakReport::new(Vec::new(), Stats::new(), 10, 8);
        assert_eq!(
            empty.to_string(),
            "Tracked allocator leaked 0 blocks (0 bytes)"
        );
    }
}
