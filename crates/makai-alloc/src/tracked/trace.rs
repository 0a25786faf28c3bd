//! Allocation backtraces: captured unresolved, resolved and trimmed only when a report prints.
//!
//! `std::backtrace::Backtrace::force_capture` records instruction pointers only (about 7 µs on
//! a test-sized stack, measured on the development machine) and resolves symbols lazily, the
//! first time it is formatted (about 90 ms for the first report of a process, then cached).
//! `force_capture` ignores `RUST_BACKTRACE`, so a report has its frames whatever the
//! environment says. Stable Rust gives no per-frame access to a `Backtrace`, so printing parses
//! its `Display` text ("`  N: symbol`" lines, each optionally followed by "`at file:line:col`"),
//! drops the allocator's own frames and the runtime's, and keeps the configured depth. If the
//! text ever has another shape, the report falls back to the first lines of it unparsed.

use core::fmt;
use std::backtrace::{Backtrace, BacktraceStatus};

/// Symbol prefixes of frames that never say where user code allocated: the standard library,
/// the test harness, and the allocator and container layers between the caller and `Tracked`.
///
/// Std's `alloc` crate is listed module by module: a bare `alloc::` would also hide user crates
/// named `alloc` (such as this crate's own integration-test binary).
const INTERNAL_PREFIXES: &[&str] = &[
    "std::",
    "core::",
    "alloc::alloc::",
    "alloc::boxed::",
    "alloc::collections::",
    "alloc::fmt::",
    "alloc::raw_vec::",
    "alloc::rc::",
    "alloc::slice::",
    "alloc::str::",
    "alloc::string::",
    "alloc::sync::",
    "alloc::vec::",
    "test::",
    "makai_alloc::",
    "allocator_api2::",
    "hashbrown::",
    "__rust",
    "_start",
    "__libc_start",
    "start_thread",
    "clone",
];

/// Symbol prefixes of frames that are skipped only while they lead the trace: container code
/// just above the allocator. Below the first user frame they are kept, as they give context.
const LEADING_ONLY_PREFIXES: &[&str] = &["allocator_api2::", "hashbrown::"];

/// A captured stack, resolved when first printed.
pub(crate) struct Trace(Backtrace);

impl Trace {
    /// Captures the current stack, or nothing when `depth` is 0 (capture is off).
    #[inline]
    pub(crate) fn capture(depth: usize) -> Option<Trace> {
        if depth == 0 {
            return None;
        }
        Some(Trace(Backtrace::force_capture()))
    }

    /// The captured backtrace, for callers who want all of it.
    pub(crate) fn backtrace(&self) -> &Backtrace {
        &self.0
    }

    /// Writes up to `depth` user frames, one per line, each line starting with `indent`.
    pub(crate) fn write_frames(
        &self,
        f: &mut fmt::Formatter<'_>,
        depth: usize,
        indent: &str,
    ) -> fmt::Result {
        if self.0.status() != BacktraceStatus::Captured {
            return writeln!(
                f,
                "{indent}(no backtrace: this platform cannot capture one)"
            );
        }
        let text = self.0.to_string();
        let frames = parse_frames(&text);
        if frames.is_empty() {
            // Unknown format: show the beginning of the raw text rather than nothing.
            for line in text.lines().take(depth.saturating_mul(2)) {
                writeln!(f, "{indent}{}", line.trim())?;
            }
            return Ok(());
        }
        let mut shown = 0;
        let mut leading = true;
        let total_user = frames.iter().filter(|fr| !fr.is_internal()).count();
        for frame in &frames {
            if shown == depth {
                break;
            }
            if frame.is_internal()
                || (leading && starts_with_any(frame.symbol, LEADING_ONLY_PREFIXES))
            {
                continue;
            }
            leading = false;
            match frame.location {
                Some(at) => writeln!(f, "{indent}{} ({at})", frame.symbol)?,
                None => writeln!(f, "{indent}{}", frame.symbol)?,
            }
            shown += 1;
        }
        if shown == 0 {
            writeln!(
                f,
                "{indent}(every captured frame is inside the runtime or the allocator)"
            )?;
        } else if total_user > shown {
            writeln!(f, "{indent}...")?;
        }
        Ok(())
    }
}

/// `Display`s up to `depth` user frames of a trace, each line starting with `indent`.
pub(crate) struct Frames<'t> {
    pub(crate) trace: &'t Trace,
    pub(crate) depth: usize,
    pub(crate) indent: &'static str,
}

impl fmt::Display for Frames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.trace.write_frames(f, self.depth, self.indent)
    }
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Trace").field(&self.0.status()).finish()
    }
}

/// One frame of a formatted backtrace.
#[derive(Debug, PartialEq, Eq)]
struct Frame<'t> {
    symbol: &'t str,
    location: Option<&'t str>,
}

impl Frame<'_> {
    /// Whether the frame belongs to the runtime or the allocator stack: by symbol, or by a
    /// location in the standard library's sources (`/rustc/<commit>/library/...`), which
    /// catches std's generic glue such as `<fn() as FnOnce>::call_once`.
    fn is_internal(&self) -> bool {
        is_internal(self.symbol) || self.location.is_some_and(|at| at.starts_with("/rustc/"))
    }
}

/// Splits `Backtrace`'s `Display` text into frames; empty if the text has no numbered frames.
fn parse_frames(text: &str) -> Vec<Frame<'_>> {
    let mut frames: Vec<Frame<'_>> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(at) = line.strip_prefix("at ") {
            if let Some(last) = frames.last_mut() {
                last.location.get_or_insert(at);
            }
            continue;
        }
        let Some((number, symbol)) = line.split_once(": ") else {
            continue;
        };
        if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
            frames.push(Frame {
                symbol: symbol.trim(),
                location: None,
            });
        }
    }
    frames
}

/// Whether a frame belongs to the runtime or the allocator stack rather than to user code.
///
/// makai-alloc's own unit tests (`::tests::` paths) count as user code.
fn is_internal(symbol: &str) -> bool {
    starts_with_any(symbol, INTERNAL_PREFIXES) && !symbol.contains("::tests::")
}

/// Whether `symbol`, with the `<` and `&` of trait-impl paths stripped, starts with a prefix.
fn starts_with_any(symbol: &str, prefixes: &[&str]) -> bool {
    let bare = symbol.trim_start_matches(['<', '&']);
    prefixes.iter().any(|p| bare.starts_with(p))
        || symbol.contains(" as makai_alloc::")
        || symbol.contains(" as allocator_api2::")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "   0: makai_alloc::tracked::trace::Trace::capture
             at ./src/tracked/trace.rs:40:14
   1: <makai_alloc::tracked::Tracked<A> as makai_alloc::allocator::Allocator>::allocate
             at ./src/tracked.rs:300:9
   2: allocator_api2::stable::raw_vec::RawVec<T,A>::grow_amortized
   3: my_crate::build_names
             at ./src/lib.rs:12:5
   4: core::ops::function::FnOnce::call_once
             at /rustc/x/library/core/src/ops/function.rs:250:5
   5: hashbrown::map::HashMap<K,V,S,A>::insert
   6: my_crate::main
             at ./src/main.rs:3:5
   7: std::rt::lang_start
";

    #[test]
    fn parses_numbered_frames_and_locations() {
        let frames = parse_frames(SAMPLE);
        assert_eq!(frames.len(), 8);
        assert_eq!(frames[3].symbol, "my_crate::build_names");
        assert_eq!(frames[3].location, Some("./src/lib.rs:12:5"));
        assert_eq!(frames[2].location, None);
        assert!(parse_frames("disabled backtrace").is_empty());
        assert!(parse_frames("").is_empty());
    }

    #[test]
    fn std_locations_are_internal() {
        let glue = Frame {
            symbol: "<fn() as core::ops::function::FnOnce<()>>::call_once",
            location: Some("/rustc/abc/library/core/src/ops/function.rs:250:5"),
        };
        assert!(glue.is_internal());
        let user = Frame {
            symbol: "<my::T as core::fmt::Display>::fmt",
            location: Some("./src/lib.rs:3:1"),
        };
        assert!(!user.is_internal());
    }

    #[test]
    fn internal_frames_are_recognised() {
        assert!(is_internal("makai_alloc::tracked::trace::Trace::capture"));
        assert!(is_internal(
            "<makai_alloc::tracked::Tracked<A> as makai_alloc::allocator::Allocator>::allocate"
        ));
        assert!(is_internal(
            "<&A as makai_alloc::allocator::Allocator>::allocate"
        ));
        assert!(is_internal("core::ops::function::FnOnce::call_once"));
        assert!(!is_internal("my_crate::build_names"));
        assert!(!is_internal("alloc::tracked::leaking_closure"));
        assert!(is_internal("alloc::raw_vec::finish_grow"));
        assert!(!is_internal("makai_alloc::tracked::tests::leak"));
        assert!(!is_internal("<my_crate::Thing as core::fmt::Display>::fmt"));
        assert!(starts_with_any(
            "hashbrown::map::HashMap<K,V,S,A>::insert",
            LEADING_ONLY_PREFIXES
        ));
    }

    #[test]
    fn no_capture_at_depth_zero() {
        assert!(Trace::capture(0).is_none());
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "resolving symbols needs getcwd and file reads, which Miri's isolation refuses"
    )]
    fn capture_names_this_function() {
        let trace = Trace::capture(4).expect("depth 4 captures");
        assert!(format!("{trace:?}").starts_with("Trace("));
        let text = Frames {
            trace: &trace,
            depth: 4,
            indent: "> ",
        }
        .to_string();
        assert!(
            text.contains("capture_names_this_function"),
            "frames were: {text}"
        );
        assert!(text.lines().all(|l| l.starts_with("> ")));
        assert!(text.lines().count() <= 5);
    }
}
