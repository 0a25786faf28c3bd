//! `cargo xtask sanitize`: the test suites under AddressSanitizer and the cross-thread tests
//! under ThreadSanitizer.
//!
//! Both lanes run on nightly (`-Zsanitizer` is unstable) for `x86_64-unknown-linux-gnu`, with
//! `-Zbuild-std` so the standard library is instrumented too (ThreadSanitizer reports false
//! races in an uninstrumented std, and rustc refuses to link crates built with different
//! sanitizers). The C code of mimalloc is compiled with the same sanitizer through the `CFLAGS`
//! the `cc` crate reads, with mimalloc's own support switched on: `MI_TRACK_ASAN` poisons freed
//! blocks and pads each block with a red zone, `MI_TSAN` disables its racy debug reads.
//! Each lane has its own target directory, so neither rebuilds the other's artifacts.
//!
//! A test that cannot run under a sanitizer is skipped with
//! `#[cfg_attr(makai_sanitize = "address", ignore = "<reason>")]` (or `"thread"`): the lanes
//! pass `--cfg makai_sanitize="<name>"`.

use xshell::{Shell, cmd};

use crate::{Result, crates_with_unsafe, project_root, run};

/// Property tests run this many cases under a sanitizer (the `test` stage runs the full count).
const SANITIZER_PROPTEST_CASES: &str = "16";

/// The only target the sanitizers are run on.
const TARGET: &str = "x86_64-unknown-linux-gnu";

/// The ThreadSanitizer suppressions file, relative to the workspace root. Each entry in it
/// says why the race it hides is harmless; today only crossbeam-deque's speculative slot read.
const TSAN_SUPPRESSIONS: &str = "xtask/tsan-suppressions.txt";

/// Test-name filters (substrings of the test's path) of the tests that share data between
/// threads. The rule: such a test has `thread` in its name; makai-task is about threads, so all
/// of its test modules run; the other entries are tests named before the rule.
const THREADED_TESTS: &[&str] = &[
    "thread",
    // makai-task: every test module.
    "event_loop::",
    "pool::",
    "queue::",
    "wait::",
    // makai-alloc
    "racing_double_free",
    "buffer_fallback_is_send",
    // makai-string
    "clones_of_every_form_share_or_copy_and_drop_once",
];

pub(crate) fn sanitize(sh: &Shell) -> Result {
    let crates = crates_with_unsafe(sh)?;
    if crates.is_empty() {
        println!("no crate contains unsafe code: nothing to sanitize");
        return Ok(());
    }
    ensure_rust_src(sh)?;
    address(sh, &crates)?;
    thread(sh, &crates)
}

/// Makes sure nightly has `rust-src` (for `-Zbuild-std`), installing it if needed.
pub(crate) fn ensure_rust_src(sh: &Shell) -> Result {
    let sysroot = cmd!(sh, "rustc +nightly --print sysroot").read()?;
    let library =
        std::path::Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/std/Cargo.toml");
    if library.is_file() {
        return Ok(());
    }
    println!("rust-src is missing from the nightly toolchain: installing it");
    run(
        cmd!(sh, "rustup component add rust-src --toolchain nightly"),
        &[],
    )?;
    if !library.is_file() {
        return Err("rust-src still missing after installing it".into());
    }
    Ok(())
}

/// The environment of one sanitizer lane: rustc and the C/C++ compilers instrument the same
/// way, and the build goes to `target/<dir>`.
fn lane_env(
    sanitizer: &str,
    c_defines: &str,
    dir: &str,
    options: (&'static str, String),
) -> Result<Vec<(&'static str, String)>> {
    let target_dir = project_root().join("target").join(dir);
    let target_dir = target_dir.to_str().ok_or("target dir is not UTF-8")?;
    let c_flags = format!("-fsanitize={sanitizer} -fno-omit-frame-pointer -g {c_defines}");
    Ok(vec![
        (
            "RUSTFLAGS",
            format!("-Zsanitizer={sanitizer} --cfg makai_sanitize=\"{sanitizer}\""),
        ),
        ("CFLAGS_x86_64_unknown_linux_gnu", c_flags.clone()),
        ("CXXFLAGS_x86_64_unknown_linux_gnu", c_flags),
        ("CARGO_TARGET_DIR", target_dir.to_owned()),
        ("PROPTEST_CASES", SANITIZER_PROPTEST_CASES.to_owned()),
        options,
    ])
}

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Every lib and integration test of the crates with unsafe code under AddressSanitizer
/// (with LeakSanitizer: a leak fails the run). Doctests are left to the `test` and `miri`
/// stages.
fn address(sh: &Shell, crates: &[String]) -> Result {
    let env = lane_env(
        "address",
        "-DMI_TRACK_ASAN=1",
        "asan",
        (
            "ASAN_OPTIONS",
            "detect_leaks=1:detect_stack_use_after_return=1:allocator_may_return_null=1".to_owned(),
        ),
    )?;
    let packages = package_args(crates);
    run(
        cmd!(
            sh,
            "cargo +nightly test -Zbuild-std --target {TARGET} --all-features {packages...} --lib --tests"
        ),
        &borrowed(&env),
    )
}

/// The tests that share data between threads ([`THREADED_TESTS`]) of the crates with unsafe
/// code under ThreadSanitizer. One cargo run for all crates, so the dependencies are built once
/// with one feature set.
fn thread(sh: &Shell, crates: &[String]) -> Result {
    let suppressions = project_root().join(TSAN_SUPPRESSIONS);
    let suppressions = suppressions
        .to_str()
        .ok_or("suppressions path is not UTF-8")?;
    let env = lane_env(
        "thread",
        "-DMI_TSAN=1",
        "tsan",
        (
            "TSAN_OPTIONS",
            format!(
                "halt_on_error=1:second_deadlock_stack=1:allocator_may_return_null=1:\
                 suppressions={suppressions}"
            ),
        ),
    )?;
    let packages = package_args(crates);
    run(
        cmd!(
            sh,
            "cargo +nightly test -Zbuild-std --target {TARGET} --all-features {packages...} --lib --tests -- {THREADED_TESTS...}"
        ),
        &borrowed(&env),
    )
}

fn package_args(crates: &[String]) -> Vec<String> {
    crates
        .iter()
        .flat_map(|c| ["-p".to_owned(), c.clone()])
        .collect()
}
