//! `cargo xtask`: the one entry point for every check makai runs.
//!
//! `cargo xtask ci` runs every stage in order and stops at the first failure; `cargo xtask
//! <stage>` runs one. Each stage prints its name and duration, and a failing stage prints the
//! exact command that reproduces it.

mod fuzz;
mod nostd;

use std::path::{Path, PathBuf};
use std::time::Instant;

use xshell::{Cmd, Shell, cmd};

mod sanitize;
use sanitize::sanitize;
mod cross;
mod features;
mod package;
mod tidy;

/// The lints of `-D warnings` applied to every stage that compiles code.
const DENY_WARNINGS: &str = "-D warnings";
/// Flags for every Miri run: strict provenance and symbolic alignment (docs/TESTING.md, "Miri").
/// Miri isolates the interpreted program from the host environment, so `PROPTEST_CASES` has to
/// be forwarded explicitly or proptest would run its full default case count.
const MIRIFLAGS: &str =
    "-Zmiri-strict-provenance -Zmiri-symbolic-alignment-check -Zmiri-env-forward=PROPTEST_CASES";
/// Property tests run this many cases under Miri (every test also runs natively with the full
/// count in the `test` stage).
const MIRI_PROPTEST_CASES: &str = "4";

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "usage: cargo xtask <ci | fmt | tidy | lint | test | doc | features | cross | package | bench | miri | sanitize | loom | fuzz [--secs N] [--target NAME]>";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("ci");
    let stages: Vec<Stage> = match task {
        "ci" => ALL_STAGES.to_vec(),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return;
        }
        name => match ALL_STAGES.iter().find(|s| s.name == name) {
            Some(s) => vec![*s],
            None => {
                eprintln!("unknown task `{name}`\n{USAGE}");
                std::process::exit(2);
            }
        },
    };
    let sh = match shell() {
        Ok(sh) => sh,
        Err(e) => {
            eprintln!("xtask: cannot set up the shell: {e}");
            std::process::exit(1);
        }
    };
    let total = Instant::now();
    for stage in stages {
        println!("\n==> xtask {} — {}", stage.name, stage.what);
        let start = Instant::now();
        let result = (stage.run)(&sh);
        let secs = start.elapsed().as_secs_f64();
        match result {
            Ok(()) => println!("==> xtask {}: ok in {secs:.1}s", stage.name),
            Err(e) => {
                eprintln!("==> xtask {}: FAILED after {secs:.1}s: {e}", stage.name);
                std::process::exit(1);
            }
        }
    }
    println!(
        "\n==> all stages passed in {:.1}s",
        total.elapsed().as_secs_f64()
    );
}

#[derive(Clone, Copy)]
struct Stage {
    name: &'static str,
    what: &'static str,
    run: fn(&Shell) -> Result,
}

const ALL_STAGES: &[Stage] = &[
    Stage {
        name: "fmt",
        what: "rustfmt check",
        run: fmt,
    },
    Stage {
        name: "tidy",
        what: "the code map, crate graph, module docs and ignore reasons match the tree",
        run: tidy::tidy,
    },
    Stage {
        name: "lint",
        what: "clippy, all targets and features, -D warnings",
        run: lint,
    },
    Stage {
        name: "test",
        what: "unit, integration and doc tests",
        run: test,
    },
    Stage {
        name: "doc",
        what: "rustdoc with -D warnings",
        run: doc,
    },
    Stage {
        name: "features",
        what: "each crate with no default features and each feature alone; the declared rust-version",
        run: features::features,
    },
    Stage {
        name: "cross",
        what: "makai-error and the facade's error feature check-build for macOS, FreeBSD, WASI and Emscripten, the library crates for 32-bit i686 (nightly, -Zbuild-std)",
        run: cross::cross,
    },
    Stage {
        name: "nostd",
        what: "the core crates and the facade check-build for x86_64-unknown-none with only core and alloc (nightly, -Zbuild-std)",
        run: nostd::nostd,
    },
    Stage {
        name: "package",
        what: "every published crate packages and builds from its .crate file (cargo package)",
        run: package::package,
    },
    Stage {
        name: "bench",
        what: "benchmarks compile (cargo bench --no-run)",
        run: bench,
    },
    Stage {
        name: "miri",
        what: "Miri (Stacked and Tree Borrows, big-endian, 32-bit) on every crate with unsafe code",
        run: miri,
    },
    Stage {
        name: "sanitize",
        what: "AddressSanitizer and ThreadSanitizer (nightly, -Zbuild-std)",
        run: sanitize,
    },
    Stage {
        name: "loom",
        what: "clippy on the cfg(makai_loom) code, then the loom models of every atomic protocol",
        run: loom,
    },
    Stage {
        name: "fuzz",
        what: "differential fuzz targets: corpus replay, then a short run each (nightly, ASan)",
        run: fuzz::fuzz,
    },
];

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn shell() -> Result<Shell> {
    let sh = Shell::new()?;
    sh.change_dir(project_root());
    Ok(sh)
}

/// Runs `cmd`; on failure the error names the exact command (with its environment) to re-run.
fn run(cmd: Cmd<'_>, env: &[(&str, &str)]) -> Result {
    let mut shown = String::new();
    for (k, v) in env {
        shown.push_str(&format!("{k}=\"{v}\" "));
    }
    shown.push_str(&cmd.to_string());
    let mut cmd = cmd;
    for (k, v) in env {
        cmd = cmd.env(k, v);
    }
    println!("$ {shown}");
    cmd.run()
        .map_err(|e| format!("{e}\n    reproduce with: {shown}").into())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn fmt(sh: &Shell) -> Result {
    let cargo = cargo();
    run(cmd!(sh, "{cargo} fmt --all -- --check"), &[])
}

fn lint(sh: &Shell) -> Result {
    let cargo = cargo();
    run(
        cmd!(
            sh,
            "{cargo} clippy --workspace --all-targets --all-features -- -D warnings"
        ),
        &[],
    )
}

fn test(sh: &Shell) -> Result {
    let cargo = cargo();
    run(
        cmd!(sh, "{cargo} test --workspace --all-features"),
        &[("RUSTFLAGS", DENY_WARNINGS)],
    )
}

fn doc(sh: &Shell) -> Result {
    let cargo = cargo();
    run(
        cmd!(sh, "{cargo} doc --workspace --no-deps --all-features"),
        &[("RUSTDOCFLAGS", DENY_WARNINGS)],
    )
}

fn bench(sh: &Shell) -> Result {
    let cargo = cargo();
    run(
        cmd!(sh, "{cargo} bench --package makai-benches --no-run"),
        &[("RUSTFLAGS", DENY_WARNINGS)],
    )
}

/// The library crates under `crates/` whose sources contain the word `unsafe` in code.
fn crates_with_unsafe(sh: &Shell) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for dir in sh.read_dir(project_root().join("crates"))? {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if contains_unsafe(&dir.join("src"))? {
            found.push(name);
        }
    }
    found.sort();
    Ok(found)
}

fn contains_unsafe(dir: &Path) -> Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if contains_unsafe(&path)? {
                return Ok(true);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)?;
            let code_uses_unsafe = text.lines().any(|l| {
                let l = l.trim_start();
                !l.starts_with("//")
                    && (l.contains("unsafe {")
                        || l.contains("unsafe fn")
                        || l.contains("unsafe impl"))
            });
            if code_uses_unsafe {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Makes sure the nightly toolchain has Miri, installing it if needed. Never skips: if Miri
/// cannot be installed, the stage fails.
fn ensure_miri(sh: &Shell) -> Result {
    if cmd!(sh, "cargo +nightly miri --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_ok()
    {
        return Ok(());
    }
    println!("Miri is missing from the nightly toolchain: installing it");
    run(
        cmd!(sh, "rustup component add miri rust-src --toolchain nightly"),
        &[],
    )?;
    cmd!(sh, "cargo +nightly miri --version")
        .run()
        .map_err(|e| format!("Miri still unavailable after installing it: {e}"))?;
    Ok(())
}

fn miri(sh: &Shell) -> Result {
    let crates = crates_with_unsafe(sh)?;
    if crates.is_empty() {
        println!("no crate contains unsafe code: nothing for Miri to check");
        return Ok(());
    }
    println!("crates with unsafe code: {}", crates.join(", "));
    ensure_miri(sh)?;
    let target_dir = project_root().join("target").join("miri-host");
    let target_dir = target_dir.to_str().ok_or("target dir is not UTF-8")?;
    let mut args = Vec::new();
    for c in &crates {
        args.push("-p".to_owned());
        args.push(c.clone());
    }
    let env = [
        ("MIRIFLAGS", MIRIFLAGS),
        ("PROPTEST_CASES", MIRI_PROPTEST_CASES),
        ("CARGO_TARGET_DIR", target_dir),
    ];
    let package_args = &args;
    // Build every lane's tests first (cargo holds the build lock while it compiles), then run
    // the lanes side by side.
    run(
        cmd!(
            sh,
            "cargo +nightly miri test --all-features {package_args...} --no-run"
        ),
        &env,
    )?;
    // Layouts with tag bytes (makai-string keeps its tag in the last byte and its length in an
    // endian- and width-dependent encoding) also run on a big-endian and a 32-bit target. Miri builds the target's
    // sysroot itself from rust-src; no `rustup target add` is needed. Built here, run below in
    // the background.
    let mut other_targets = Vec::new();
    for &(lane, target, krate, extra) in OTHER_TARGET_MIRI {
        if crates.iter().any(|c| c == krate) {
            let mut lane_args = vec![
                "-p".to_owned(),
                krate.to_owned(),
                "--target".to_owned(),
                target.to_owned(),
            ];
            lane_args.extend(extra.iter().map(|&a| a.to_owned()));
            let build_args = &lane_args;
            run(
                cmd!(
                    sh,
                    "cargo +nightly miri test --all-features {build_args...} --no-run"
                ),
                &env,
            )?;
            other_targets.push((lane, lane_args));
        }
    }
    // Four lanes side by side: Tree Borrows (lib and integration tests; doctests run under
    // Stacked Borrows only: they add minutes and exercise the code the other tests reach), the
    // big-endian and the 32-bit one in the background, Stacked Borrows in the foreground. Each
    // Miri process interprets on one core, so on two cores the stage takes about half their
    // summed time.
    let mut tree_args = args.clone();
    tree_args.extend(["--lib".to_owned(), "--tests".to_owned()]);
    let tree_borrows = miri_lane_start(
        "Tree Borrows",
        "tree-borrows.log",
        MIRIFLAGS_TREE_BORROWS,
        &tree_args,
        target_dir,
    )?;
    let other_targets: Vec<MiriLane> = other_targets
        .iter()
        .map(|(lane, lane_args)| {
            miri_lane_start(
                lane,
                &format!("{}.log", lane.replace(' ', "-")),
                MIRIFLAGS,
                lane_args,
                target_dir,
            )
        })
        .collect::<Result<_>>()?;
    let stacked = run(
        cmd!(
            sh,
            "cargo +nightly miri test --all-features {package_args...}"
        ),
        &env,
    );
    let mut outcomes = vec![miri_lane_finish(tree_borrows)];
    outcomes.extend(other_targets.into_iter().map(miri_lane_finish));
    stacked?;
    outcomes.into_iter().collect::<Result>()?;
    Ok(())
}

/// Flags of the Tree Borrows lane: the Stacked Borrows lane's flags under the other aliasing model.
const MIRIFLAGS_TREE_BORROWS: &str = "-Zmiri-tree-borrows -Zmiri-strict-provenance \
     -Zmiri-symbolic-alignment-check -Zmiri-env-forward=PROPTEST_CASES";

/// A Miri lane started in the background: `cargo +nightly miri test {args}` with `miriflags`,
/// its output in `target_dir/{log_name}`, printed when it ends. Miri reads its flags when it
/// runs a test, not when it builds it, so every lane reuses the build made beforehand in
/// `target_dir` (and cargo does not hold the build lock while tests run, so lanes overlap).
fn miri_lane_start(
    name: &'static str,
    log_name: &str,
    miriflags: &str,
    args: &[String],
    target_dir: &str,
) -> Result<MiriLane> {
    let log_path = Path::new(target_dir).join(log_name);
    let log = std::fs::File::create(&log_path)?;
    let mut command = std::process::Command::new("cargo");
    command
        .args(["+nightly", "miri", "test", "--all-features"])
        .args(args)
        .env("MIRIFLAGS", miriflags)
        .env("PROPTEST_CASES", MIRI_PROPTEST_CASES)
        .env("CARGO_TARGET_DIR", target_dir)
        .stdout(log.try_clone()?)
        .stderr(log);
    let shown = format!(
        "MIRIFLAGS=\"{miriflags}\" PROPTEST_CASES=\"{MIRI_PROPTEST_CASES}\" \
         CARGO_TARGET_DIR=\"{target_dir}\" cargo +nightly miri test --all-features {}",
        args.join(" ")
    );
    println!(
        "$ {shown} (the {name} lane, in the background, output in {})",
        log_path.display()
    );
    let child = command.spawn()?;
    Ok(MiriLane {
        name,
        child,
        log_path,
        shown,
    })
}

/// A background Miri lane while it runs.
struct MiriLane {
    name: &'static str,
    child: std::process::Child,
    log_path: PathBuf,
    shown: String,
}

/// Waits for a background lane and prints its output.
fn miri_lane_finish(mut lane: MiriLane) -> Result {
    let status = lane.child.wait()?;
    println!(
        "==> the {} lane's output ({}):",
        lane.name,
        lane.log_path.display()
    );
    print!("{}", std::fs::read_to_string(&lane.log_path)?);
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the {} lane failed ({status})\n    reproduce with: {}",
            lane.name, lane.shown
        )
        .into())
    }
}

/// Lanes on targets other than the host: (lane name, target, crate, test targets). makai-string
/// keeps its tag in the last byte and its length in an endian- and width-dependent encoding,
/// so its layout code runs big-endian (64-bit s390x) and 32-bit (i686, the layout wasm32 also
/// has), where it has separate `cfg` branches. Doctests are left to the native run: they add
/// minutes and exercise no extra layout.
const OTHER_TARGET_MIRI: &[(&str, &str, &str, &[&str])] = &[
    (
        "big-endian",
        "s390x-unknown-linux-gnu",
        "makai-string",
        &["--lib", "--test", "string"],
    ),
    (
        "32-bit",
        "i686-unknown-linux-gnu",
        "makai-string",
        &["--lib", "--test", "string"],
    ),
];

/// Crates that have a `tests/loom.rs` model file.
fn crates_with_loom(sh: &Shell) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for dir in sh.read_dir(project_root().join("crates"))? {
        if dir.join("tests").join("loom.rs").is_file() {
            found.push(
                dir.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    found.sort();
    Ok(found)
}

fn loom(sh: &Shell) -> Result {
    let crates = crates_with_loom(sh)?;
    if crates.is_empty() {
        println!("no crate has a tests/loom.rs model yet: nothing for loom to check");
        return Ok(());
    }
    let target_dir = project_root().join("target").join("loom");
    let target_dir = target_dir.to_str().ok_or("target dir is not UTF-8")?;
    let cargo = cargo();
    // Clippy over the code only `cfg(makai_loom)` compiles (the loom atomics and cells, the
    // models), which the `lint` stage cannot see.
    let packages: Vec<String> = crates
        .iter()
        .flat_map(|c| ["-p".to_owned(), c.clone()])
        .collect();
    let packages_ref = &packages;
    run(
        cmd!(
            sh,
            "{cargo} clippy {packages_ref...} --lib --test loom -- -D warnings"
        ),
        &[
            ("RUSTFLAGS", "--cfg makai_loom"),
            ("CARGO_TARGET_DIR", target_dir),
        ],
    )?;
    for c in crates {
        run(
            cmd!(sh, "{cargo} test --release -p {c} --test loom"),
            &[
                ("RUSTFLAGS", "--cfg makai_loom"),
                ("LOOM_MAX_PREEMPTIONS", "2"),
                ("CARGO_TARGET_DIR", target_dir),
            ],
        )?;
    }
    Ok(())
}
