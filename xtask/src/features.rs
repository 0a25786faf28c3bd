//! `cargo xtask features`: every library crate builds with no default features and with each
//! of its features alone, and the workspace builds with its declared `rust-version`.
//!
//! The `test` and `lint` stages build with `--all-features`, which hides a feature that only
//! compiles next to another one (an import used only under `serde`, say) and code that needs a
//! default feature without saying so. This stage checks (`cargo check --lib`) each crate under
//! `crates/` alone: `--no-default-features`, then `--no-default-features --features <f>` for
//! every feature its manifest declares.

use xshell::{Shell, cmd};

use crate::{DENY_WARNINGS, Result, project_root, run};

/// The feature names a manifest's `[features]` table declares, `default` excluded.
pub(crate) fn manifest_features(manifest: &str) -> Vec<String> {
    let mut features = Vec::new();
    let mut in_features = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features || line.starts_with('#') {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if name != "default" && !name.is_empty() {
                features.push(name.to_owned());
            }
        }
    }
    features
}

/// The `rust-version` of the workspace manifest's `[workspace.package]` table.
fn declared_rust_version(manifest: &str) -> Option<String> {
    manifest.lines().find_map(|l| {
        let value = l
            .trim()
            .strip_prefix("rust-version")?
            .trim()
            .strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

pub(crate) fn features(sh: &Shell) -> Result {
    let root = project_root();
    let env = [("RUSTFLAGS", DENY_WARNINGS)];
    let mut crates: Vec<String> = sh
        .read_dir(root.join("crates"))?
        .into_iter()
        .filter(|d| d.join("Cargo.toml").is_file())
        .filter_map(|d| Some(d.file_name()?.to_str()?.to_owned()))
        .collect();
    crates.sort();
    let mut checked = 0;
    for krate in &crates {
        let manifest = std::fs::read_to_string(root.join("crates").join(krate).join("Cargo.toml"))?;
        run(
            cmd!(
                sh,
                "cargo check --quiet --lib -p {krate} --no-default-features"
            ),
            &env,
        )?;
        checked += 1;
        for feature in manifest_features(&manifest) {
            run(
                cmd!(
                    sh,
                    "cargo check --quiet --lib -p {krate} --no-default-features --features {feature}"
                ),
                &env,
            )?;
            checked += 1;
        }
    }
    println!(
        "{checked} feature sets of {} crates build alone",
        crates.len()
    );

    let workspace = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let declared = declared_rust_version(&workspace).ok_or("no rust-version in Cargo.toml")?;
    let rustc = cmd!(sh, "rustc --version").quiet().read()?;
    // `rustc 1.95.0 (...)`: compare major.minor with the declared `1.95`.
    let current = rustc.split_whitespace().nth(1).unwrap_or("");
    if current == declared || current.starts_with(&format!("{declared}.")) {
        println!(
            "the toolchain every other stage builds with ({current}) is the declared \
             rust-version {declared}"
        );
    } else {
        let toolchain = declared.as_str();
        run(
            cmd!(sh, "rustup toolchain install {toolchain} --profile minimal"),
            &[],
        )?;
        run(
            cmd!(
                sh,
                "cargo +{toolchain} check --workspace --all-features --lib"
            ),
            &env,
        )?;
        println!("the workspace builds with its declared rust-version {declared}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_and_rust_version_from_manifests() {
        let manifest = "[package]\nname = \"x\"\n[features]\ndefault = [\"a\"]\n## docs\na = []\n\
                        b = [\"dep:b\"]\n\n[dependencies]\nc = \"1\"\n";
        assert_eq!(manifest_features(manifest), ["a", "b"]);
        assert!(manifest_features("[package]\nname = \"y\"\n").is_empty());
        let ws = "[workspace.package]\nedition = \"2024\"\nrust-version = \"1.95\"\n";
        assert_eq!(declared_rust_version(ws).as_deref(), Some("1.95"));
    }
}
