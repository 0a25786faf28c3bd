//! `cargo xtask nostd`: makai-error, makai-alloc, makai-ptr, makai-string, makai-collections
//! and the facade (with those five features) check-build for a target that has no standard
//! library at all, `x86_64-unknown-none`, with only `core` and `alloc`.
//!
//! Each crate's `std` feature (on by default) brings back what needs the standard library;
//! without it, a `std::` path anywhere outside that feature is a compile error on this target,
//! which is what a host build with `--no-default-features` cannot show (the host still links
//! `std`, and a crate that names it by accident builds). Nightly's `-Zbuild-std=core,alloc`
//! builds the target's `core` and `alloc` from `rust-src`; `cargo check` links nothing. Two
//! checks: every crate with no features, then with every feature that works without `std`
//! (`allocator-api2`, `serde`, `smol_str`, `bitvec`). The builds share `target/cross` with the
//! `cross` stage.

use std::time::Instant;

use xshell::{Shell, cmd};

use crate::{DENY_WARNINGS, Result, run};

/// The target: no operating system, no `std`.
const TARGET: &str = "x86_64-unknown-none";

/// The crates that build without `std`.
const CRATES: &[&str] = &[
    "makai-error",
    "makai-alloc",
    "makai-ptr",
    "makai-string",
    "makai-collections",
];

/// The features of those crates (and the facade) that do not need `std`.
const NO_STD_FEATURES: &str = "makai-alloc/allocator-api2,makai-ptr/serde,makai-string/serde,\
makai-string/smol_str,makai-collections/bitvec,makai/error,makai/alloc,makai/ptr,makai/string,\
makai/collections,makai/serde";

pub(crate) fn nostd(sh: &Shell) -> Result {
    let target_dir = crate::cross::prepare(sh)?;
    let env = [
        ("RUSTFLAGS", DENY_WARNINGS),
        ("CARGO_TARGET_DIR", target_dir.as_str()),
    ];
    let packages: Vec<String> = CRATES
        .iter()
        .flat_map(|c| ["-p".to_owned(), (*c).to_owned()])
        .collect();
    let packages_ref = &packages;
    let start = Instant::now();
    run(
        cmd!(
            sh,
            "cargo +nightly check --quiet -Zbuild-std=core,alloc --target {TARGET} {packages_ref...} --no-default-features"
        ),
        &env,
    )?;
    let bare = start.elapsed().as_secs_f64();
    let start = Instant::now();
    run(
        cmd!(
            sh,
            "cargo +nightly check --quiet -Zbuild-std=core,alloc --target {TARGET} {packages_ref...} -p makai --no-default-features --features {NO_STD_FEATURES}"
        ),
        &env,
    )?;
    let featured = start.elapsed().as_secs_f64();
    println!(
        "nostd: {} crates check for {TARGET} with core + alloc only: no features {bare:.1}s, \
         every no_std feature and the facade {featured:.1}s",
        CRATES.len()
    );
    Ok(())
}
