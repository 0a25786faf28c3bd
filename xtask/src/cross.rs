//! `cargo xtask cross`: makai-error, and the `makai` facade with its `error` feature alone,
//! check-build for macOS (`aarch64-apple-darwin`), FreeBSD (`x86_64-unknown-freebsd`), WASI
//! (`wasm32-wasip1`) and Emscripten (`wasm32-unknown-emscripten`). The tables and their checks
//! need no `std`, so these builds use `-Zbuild-std=core,alloc`, much cheaper than a whole
//! standard library per target.
//!
//! makai-error picks its errno table by `target_os` and checks every number against the `libc`
//! crate's constant for the target at compile time, so a wrong Darwin, FreeBSD, WASI or
//! Emscripten number fails here, on a Linux machine. Nightly's `-Zbuild-std` builds each
//! target's `core` and `alloc` (and, for the 32-bit check below, `std`) from `rust-src` (no
//! `rustup target add`), and `cargo check` links nothing (no cross linker). The facade's other
//! features pull in C and C++ build scripts (mimalloc) that need a cross compiler, so they stay
//! out. One `cargo check` per target covers both packages; the builds go to `target/cross`, so
//! they leave the other stages' builds alone.
//!
//! Then the library crates check-build for `i686-unknown-linux-gnu`, a 32-bit target: the
//! size asserts and makai-string's 32-bit layout code must compile there.

use std::time::Instant;

use xshell::{Shell, cmd};

use crate::{DENY_WARNINGS, Result, project_root, run};

/// The targets every build of makai-error's tables must compile for, besides the host.
const TARGETS: &[&str] = &[
    "aarch64-apple-darwin",
    "x86_64-unknown-freebsd",
    "wasm32-wasip1",
    "wasm32-unknown-emscripten",
];

/// The 32-bit target the library crates check-build for.
const THIRTY_TWO_BIT: &str = "i686-unknown-linux-gnu";

/// `-p` arguments of the library crates the 32-bit check builds.
const LIBRARIES: &[&str] = &[
    "-p",
    "makai-error",
    "-p",
    "makai-alloc",
    "-p",
    "makai-ptr",
    "-p",
    "makai-string",
    "-p",
    "makai-collections",
    "-p",
    "makai-task",
];

/// Their `std` features, without the ones that build C or C++ (`mimalloc`, `simdutf`).
const STD_FEATURES: &str = "makai-error/std,makai-alloc/std,makai-alloc/allocator-api2,\
makai-ptr/std,makai-ptr/serde,makai-string/std,makai-string/serde,makai-collections/std";

/// Makes sure nightly has `rust-src` and returns `target/cross` as a string, the target
/// directory the `cross` and `nostd` builds share (with `-D warnings`, one set of flags).
pub(crate) fn prepare(sh: &Shell) -> Result<String> {
    crate::sanitize::ensure_rust_src(sh)?;
    let target_dir = project_root().join("target").join("cross");
    Ok(target_dir
        .to_str()
        .ok_or("target dir is not UTF-8")?
        .to_owned())
}

pub(crate) fn cross(sh: &Shell) -> Result {
    let target_dir = prepare(sh)?;
    let env = [
        ("RUSTFLAGS", DENY_WARNINGS),
        ("CARGO_TARGET_DIR", target_dir.as_str()),
    ];
    let mut times = Vec::new();
    for &target in TARGETS {
        let start = Instant::now();
        run(
            cmd!(
                sh,
                "cargo +nightly check --quiet -Zbuild-std=core,alloc --target {target} -p makai-error -p makai --no-default-features --features makai/error"
            ),
            &env,
        )?;
        let secs = start.elapsed().as_secs_f64();
        println!("{target}: makai-error and makai (feature error) check in {secs:.1}s");
        times.push(format!("{target} {secs:.1}s"));
    }
    // A 32-bit target: every size assert must hold there too, and makai-string's 32-bit layout
    // code compiles only there. Without mimalloc and simdutf, whose C and C++ build scripts
    // would need a 32-bit compiler.
    let start = Instant::now();
    run(
        cmd!(
            sh,
            "cargo +nightly check --quiet -Zbuild-std=std --target {THIRTY_TWO_BIT} {LIBRARIES...} --no-default-features --features {STD_FEATURES}"
        ),
        &env,
    )?;
    let secs = start.elapsed().as_secs_f64();
    println!("{THIRTY_TWO_BIT}: the library crates check in {secs:.1}s");
    times.push(format!("{THIRTY_TWO_BIT} {secs:.1}s"));
    println!("cross: {}", times.join(", "));
    Ok(())
}
