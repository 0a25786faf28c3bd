//! `cargo xtask package`: every published crate packages as crates.io would take it, and each
//! package builds on its own (`cargo package`'s verification build, which compiles the
//! `.crate` file's contents with the packaged versions of its makai dependencies).
//!
//! This catches what the other stages cannot: a file the build reads from outside the crate
//! directory (a `README.md` or `include_str!` path that is not packaged), a dependency without a
//! version, a missing manifest field crates.io requires. The crates that are not published
//! (`publish = false` in their manifests: the benches, xtask, the test-support crate) are left
//! out.

use xshell::{Shell, cmd};

use crate::{Result, project_root, run};

/// The members whose manifest says `publish = false`.
fn unpublished(sh: &Shell) -> Result<Vec<String>> {
    let root = project_root();
    let mut dirs = vec![root.join("benches"), root.join("xtask")];
    dirs.extend(
        sh.read_dir(root.join("crates"))?
            .into_iter()
            .filter(|d| d.join("Cargo.toml").is_file()),
    );
    let mut names = Vec::new();
    for dir in dirs {
        let manifest = sh.read_file(dir.join("Cargo.toml"))?;
        if !manifest.lines().any(|l| l.trim() == "publish = false") {
            continue;
        }
        let name = manifest
            .lines()
            .find_map(|l| {
                let v = l.trim().strip_prefix("name")?.trim().strip_prefix('=')?;
                Some(v.trim().trim_matches('"').to_owned())
            })
            .ok_or_else(|| format!("{} has no package name", dir.display()))?;
        names.push(name);
    }
    names.sort();
    Ok(names)
}

/// Removes the sources cargo extracted from earlier runs' local overlay registries (the
/// `.crate` files `cargo package --workspace` verifies against). Cargo extracts a registry
/// crate once per registry path and reuses the directory while its `.cargo-ok` marker exists,
/// so a second run from the same checkout path would verify against the *previous* run's
/// makai sources: a crate that uses an item added since fails to build (or, worse, a removed
/// item still builds). The overlay registries are the `registry/src` entries whose name does
/// not start with an index host (`-<hash>`); only their `makai*` directories are removed.
fn remove_stale_overlay_sources() -> Result<usize> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let src = home.join("registry").join("src");
    let Ok(registries) = std::fs::read_dir(&src) else {
        return Ok(0);
    };
    let mut removed = 0;
    for registry in registries {
        let registry = registry?;
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in std::fs::read_dir(registry.path())? {
            let krate = krate?;
            if krate.file_name().to_string_lossy().starts_with("makai") {
                std::fs::remove_dir_all(krate.path())?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

pub(crate) fn package(sh: &Shell) -> Result {
    let cargo = crate::cargo();
    let stale = remove_stale_overlay_sources()?;
    if stale > 0 {
        println!(
            "removed {stale} makai source trees left by earlier package runs' overlay registries"
        );
    }
    let mut args = vec!["--workspace".to_owned()];
    let skipped = unpublished(sh)?;
    for name in &skipped {
        args.push("--exclude".to_owned());
        args.push(name.clone());
    }
    // `--allow-dirty`: CI runs on a fresh clone, but a developer runs this with edits in hand;
    // the packaged files are the working tree's either way.
    run(cmd!(sh, "{cargo} package --allow-dirty {args...}"), &[])?;
    println!(
        "every published crate packages and builds from its .crate file (not published: {})",
        skipped.join(", ")
    );
    Ok(())
}
