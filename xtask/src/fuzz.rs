//! `cargo xtask fuzz [--secs N] [--target NAME]`: builds every differential fuzz target in
//! `fuzz/` with libFuzzer's coverage instrumentation and AddressSanitizer (nightly), replays the
//! checked-in corpus of each target, then fuzzes each for `N` seconds. Fails on any crash, leak
//! or assertion, and prints the executions per target.
//!
//! The targets are built directly with the `RUSTFLAGS` that `cargo fuzz build` passes, rather
//! than through cargo-fuzz: installing cargo-fuzz on a fresh machine compiles a few hundred
//! crates (minutes on two cores) only to run the same `cargo build`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use xshell::{Shell, cmd};

use crate::{Result, project_root, run};

/// Seconds each target fuzzes in `cargo xtask ci` (after replaying its corpus).
const CI_SECS: u64 = 5;

/// The flags `cargo fuzz build` uses (sanitizer coverage for libFuzzer, `cfg(fuzzing)`, ASan),
/// with debug assertions and overflow checks on through the package's release profile.
const FUZZ_RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing -Zsanitizer=address";

/// AddressSanitizer settings for every run (see [`fuzz_one`]).
pub(crate) const ASAN_OPTIONS: &str = "allocator_may_return_null=1:detect_leaks=1";

/// The host target: named explicitly so that the sanitizer flags skip build scripts and
/// procedural macros, as cargo-fuzz does.
const HOST: &str = "x86_64-unknown-linux-gnu";

/// Every target, in `fuzz/fuzz_targets/<name>.rs` with its corpus in `fuzz/corpus/<name>/`.
pub(crate) const TARGETS: &[&str] = &[
    "string",
    "cow",
    "fifo",
    "hive",
    "bitset",
    "builder",
    "alloc",
    "tagged_union",
];

/// The stage: `--secs N` and `--target NAME` come from the command line (`cargo xtask fuzz
/// --secs 60 --target fifo`); in `cargo xtask ci` each target fuzzes for [`CI_SECS`].
pub(crate) fn fuzz(sh: &Shell) -> Result {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let mut secs = CI_SECS;
    let mut only: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--secs" => {
                secs = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--secs needs a number of seconds")?;
            }
            "--target" => only = Some(it.next().ok_or("--target needs a target name")?.clone()),
            other => return Err(format!("unknown fuzz argument `{other}`").into()),
        }
    }
    let targets: Vec<&str> = match &only {
        Some(name) => vec![
            TARGETS
                .iter()
                .copied()
                .find(|t| t == name)
                .ok_or_else(|| format!("no fuzz target `{name}` (targets: {TARGETS:?})"))?,
        ],
        None => TARGETS.to_vec(),
    };
    ensure_nightly(sh)?;
    let root = project_root();
    let manifest = root.join("fuzz").join("Cargo.toml");
    let manifest = manifest.to_str().ok_or("fuzz manifest path is not UTF-8")?;
    // The fuzz package is its own workspace (nightly-only flags), so the `fmt` and `lint`
    // stages do not see it: check it here, clippy -D warnings with `cfg(fuzzing)`.
    run(
        cmd!(sh, "cargo fmt --manifest-path {manifest} -- --check"),
        &[],
    )?;
    run(
        cmd!(
            sh,
            "cargo +nightly clippy --manifest-path {manifest} --all-targets -- -D warnings"
        ),
        &[("RUSTFLAGS", "--cfg fuzzing")],
    )?;
    let build = Instant::now();
    run(
        cmd!(
            sh,
            "cargo +nightly build --manifest-path {manifest} --release --target {HOST} --bins"
        ),
        &[("RUSTFLAGS", FUZZ_RUSTFLAGS)],
    )?;
    println!(
        "fuzz targets built in {:.1}s",
        build.elapsed().as_secs_f64()
    );
    let bin_dir = root.join("fuzz").join("target").join(HOST).join("release");
    let mut summary = Vec::new();
    for target in targets {
        let execs = fuzz_one(&root, &bin_dir.join(target), target, secs)?;
        summary.push(format!("{target:>14}: {execs:>10} executions, 0 crashes"));
    }
    println!("fuzz summary ({secs}s per target after the corpus replay):");
    for line in summary {
        println!("  {line}");
    }
    Ok(())
}

/// Checks that a nightly toolchain is installed (sanitizer flags need it).
fn ensure_nightly(sh: &Shell) -> Result {
    cmd!(sh, "cargo +nightly --version")
        .quiet()
        .ignore_stdout()
        .run()
        .map_err(|e| {
            format!("fuzzing needs a nightly toolchain (`rustup toolchain install nightly`): {e}")
                .into()
        })
}

/// Replays `fuzz/corpus/<target>/` and fuzzes `target` for `secs` seconds; returns the number
/// of executions. New inputs go to a scratch directory, so the checked-in corpus stays as it is;
/// a crashing input is saved under `fuzz/artifacts/<target>/`.
fn fuzz_one(root: &Path, bin: &Path, target: &str, secs: u64) -> Result<u64> {
    let corpus = root.join("fuzz").join("corpus").join(target);
    let scratch = root
        .join("fuzz")
        .join("target")
        .join("scratch-corpus")
        .join(target);
    let artifacts = root.join("fuzz").join("artifacts").join(target);
    for dir in [&corpus, &scratch, &artifacts] {
        std::fs::create_dir_all(dir)?;
    }
    let mut cmd = Command::new(bin);
    // A request too large for any heap must come back as an error (null), as from the system
    // allocator, not abort the run; leaks are reported (LeakSanitizer) and fail it.
    cmd.env("ASAN_OPTIONS", ASAN_OPTIONS);
    cmd.arg(format!("-max_total_time={secs}"))
        .arg("-print_final_stats=1")
        .arg("-timeout=20")
        .arg("-rss_limit_mb=2048")
        .arg("-max_len=4096")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(&scratch)
        .arg(&corpus);
    let shown = format!("{cmd:?}");
    println!("$ {shown}");
    let start = Instant::now();
    let out = cmd.output()?;
    let log = String::from_utf8_lossy(&out.stderr);
    let execs = log
        .lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse::<u64>().ok());
    if !out.status.success() || execs.is_none() {
        let tail: Vec<&str> = log.lines().rev().take(60).collect();
        for line in tail.into_iter().rev() {
            eprintln!("{line}");
        }
        return Err(format!(
            "fuzz target `{target}` failed ({}); the crashing input is in {}\n    \
             reproduce with: {} <that file>",
            out.status,
            artifacts.display(),
            bin.display()
        )
        .into());
    }
    let execs = execs.unwrap_or(0);
    println!(
        "{target}: {execs} executions in {:.1}s (corpus {} files), no crash",
        start.elapsed().as_secs_f64(),
        std::fs::read_dir(&corpus)?.count()
    );
    Ok(execs)
}
