//! `cargo xtask cross`: makai-error, and the `makai` facade with its `error` feature alone,
//! check-build for macOS (`aarch64-apple-darwin`) and FreeBSD (`x86_64-unknown-freebsd`), with
//! their `std` features (the `std::io` conversions use the tables too).
//!
//! makai-error picks its errno table by `target_os` and checks every number against the `libc`
//! crate's constant for the target at compile time, so a wrong Darwin or FreeBSD number fails
//! here, on a Linux machine. Nightly's `-Zbuild-std=std` builds each target's standard library
//! from `rust-src` (no `rustup target add`), and `cargo check` links nothing (no cross linker).
//! The facade's other features pull in C and C++ build scripts (mimalloc) that need a cross
//! compiler, so they stay out. One `cargo check` per target covers both packages; the builds go
//! to `target/cross`, so they leave the other stages' builds alone.

use std::time::Instant;

use xshell::{Shell, cmd};

use crate::{DENY_WARNINGS, Result, project_root, run};

/// The targets every build of makai-error's tables must compile for, besides the host.
const TARGETS: &[&str] = &["aarch64-apple-darwin", "x86_64-unknown-freebsd"];

pub(crate) fn cross(sh: &Shell) -> Result {
    crate::sanitize::ensure_rust_src(sh)?;
    let target_dir = project_root().join("target").join("cross");
    let target_dir = target_dir.to_str().ok_or("target dir is not UTF-8")?;
    let env = [
        ("RUSTFLAGS", DENY_WARNINGS),
        ("CARGO_TARGET_DIR", target_dir),
    ];
    let mut times = Vec::new();
    for &target in TARGETS {
        let start = Instant::now();
        run(
            cmd!(
                sh,
                "cargo +nightly check --quiet -Zbuild-std=std --target {target} -p makai-error -p makai --no-default-features --features makai/error,makai/std"
            ),
            &env,
        )?;
        let secs = start.elapsed().as_secs_f64();
        println!("{target}: makai-error and makai (feature error) check in {secs:.1}s");
        times.push(format!("{target} {secs:.1}s"));
    }
    println!("cross: {}", times.join(", "));
    Ok(())
}
