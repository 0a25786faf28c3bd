//! `cargo xtask tidy`: checks on the repository's text that no compiler makes.
//!
//! Each check reads files tracked by git and reports every offence at once (file and line), so
//! one run lists everything to fix:
//!
//! - **The code map is true.** Every `.rs` file under a crate's `src/` (other than `lib.rs`) is
//!   named in that crate's section of `docs/ARCHITECTURE.md`, every path a section names exists,
//!   and every crate has a section.
//! - **The crate graph is true.** The dependency list in `docs/ARCHITECTURE.md` (the lines
//!   `` - `crate` uses: `dep`, ... ``) names exactly the makai crates each manifest's
//!   `[dependencies]` table names.
//! - **The repository stands alone.** No tracked file refers to a design file or directory
//!   outside the repository.
//! - **Every module says what it is for:** each `.rs` file under `crates/*/src` starts its docs
//!   with `//!` (or, for a crate root, `#![doc = include_str!(...)]`).
//! - **No silent `#[ignore]`:** every ignored test gives its reason (`ignore = "..."`).
//! - **The lint wall stands:** the workspace lint table still denies undocumented `unsafe`
//!   blocks and unsafe functions without a `# Safety` section (clippy then checks every block).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use xshell::{Shell, cmd};

use crate::{Result, project_root};

/// Runs every check and fails with the list of offences.
pub(crate) fn tidy(sh: &Shell) -> Result {
    let files: Vec<String> = cmd!(sh, "git ls-files")
        .quiet()
        .read()?
        .lines()
        .map(str::to_owned)
        .collect();
    let root = project_root();
    let read = |path: &str| std::fs::read_to_string(root.join(path));
    let mut problems = Vec::new();

    let architecture = read("docs/ARCHITECTURE.md")?;
    let crates = crate_dirs(&files);
    code_map(&architecture, &crates, &files, &root, &mut problems);
    crate_graph(&architecture, &crates, &read, &mut problems)?;
    for path in &files {
        if !is_text(path) {
            continue;
        }
        let Ok(text) = read(path) else { continue };
        outside_citations(path, &text, &mut problems);
        if path.ends_with(".rs") {
            // This file's tests hold examples of what the check rejects.
            if path != "xtask/src/tidy.rs" {
                ignore_reasons(path, &text, &mut problems);
            }
            if path.starts_with("crates/") && path.contains("/src/") {
                module_docs(path, &text, &mut problems);
            }
        }
    }
    lint_wall(&read("Cargo.toml")?, &mut problems);

    if problems.is_empty() {
        println!(
            "tidy: {} tracked files checked, nothing to fix",
            files.len()
        );
        Ok(())
    } else {
        for p in &problems {
            eprintln!("tidy: {p}");
        }
        Err(format!("{} problem(s), listed above", problems.len()).into())
    }
}

/// The crate directories under `crates/` (their names), from the tracked manifests.
fn crate_dirs(files: &[String]) -> BTreeSet<String> {
    files
        .iter()
        .filter_map(|f| f.strip_prefix("crates/")?.strip_suffix("/Cargo.toml"))
        .filter(|name| !name.contains('/'))
        .map(str::to_owned)
        .collect()
}

/// The sections of `ARCHITECTURE.md` headed ``## <crate> (`crates/<crate>`)``, with their text up
/// to the next `## ` heading (its `### ` subsections included).
fn crate_sections(architecture: &str) -> BTreeMap<String, String> {
    let mut sections = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in architecture.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            if let Some((name, text)) = current.take() {
                sections.insert(name, text);
            }
            if let Some(start) = heading.find("(`crates/") {
                let rest = &heading[start + "(`crates/".len()..];
                if let Some(end) = rest.find('`') {
                    current = Some((rest[..end].to_owned(), String::new()));
                }
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((name, text)) = current {
        sections.insert(name, text);
    }
    sections
}

/// Every backticked path in `text` that starts with `src/`, `tests/`, `examples/` or `benches/`.
fn named_paths(text: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for (i, chunk) in text.split('`').enumerate() {
        // Odd chunks are inside backticks.
        let is_path = ["src/", "tests/", "examples/", "benches/"]
            .iter()
            .any(|p| chunk.starts_with(p));
        if i % 2 == 1 && is_path && !chunk.contains(' ') {
            paths.insert(chunk.to_owned());
        }
    }
    paths
}

fn code_map(
    architecture: &str,
    crates: &BTreeSet<String>,
    files: &[String],
    root: &Path,
    problems: &mut Vec<String>,
) {
    let sections = crate_sections(architecture);
    for krate in crates {
        let Some(section) = sections.get(krate) else {
            problems.push(format!(
                "docs/ARCHITECTURE.md: no section `## {krate} (`crates/{krate}`)`"
            ));
            continue;
        };
        let named = named_paths(section);
        for path in &named {
            if !root.join("crates").join(krate).join(path).exists() {
                problems.push(format!(
                    "docs/ARCHITECTURE.md: the {krate} section names `{path}`, which does not exist"
                ));
            }
        }
        let prefix = format!("crates/{krate}/");
        for file in files {
            let Some(rel) = file.strip_prefix(&prefix) else {
                continue;
            };
            if !rel.starts_with("src/") || !rel.ends_with(".rs") || rel == "src/lib.rs" {
                continue;
            }
            // A named directory (`src/repr/`) covers the files in it.
            let covered = named.contains(rel)
                || named
                    .iter()
                    .any(|n| n.ends_with('/') && rel.starts_with(n.as_str()));
            if !covered {
                problems.push(format!(
                    "docs/ARCHITECTURE.md: the {krate} section does not name `{rel}`"
                ));
            }
        }
    }
    for name in sections.keys() {
        if !crates.contains(name) {
            problems.push(format!(
                "docs/ARCHITECTURE.md: a section names `crates/{name}`, which is not a crate"
            ));
        }
    }
}

/// The makai crates named in the `[dependencies]` table of a manifest (not dev-dependencies:
/// the graph is about what a user's build pulls in).
fn manifest_deps(manifest: &str) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && line.starts_with("makai") {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            deps.insert(name);
        }
    }
    deps
}

/// The documented graph: lines `` - `crate` uses: `a`, `b` `` (or `uses: nothing`).
fn documented_graph(architecture: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for line in architecture.lines() {
        let Some(rest) = line.strip_prefix("- `") else {
            continue;
        };
        let Some((krate, deps)) = rest.split_once("` uses: ") else {
            continue;
        };
        let deps = deps
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, d)| d.to_owned())
            .collect();
        graph.insert(krate.to_owned(), deps);
    }
    graph
}

fn crate_graph(
    architecture: &str,
    crates: &BTreeSet<String>,
    read: &dyn Fn(&str) -> std::io::Result<String>,
    problems: &mut Vec<String>,
) -> Result {
    let documented = documented_graph(architecture);
    for krate in crates {
        let actual = manifest_deps(&read(&format!("crates/{krate}/Cargo.toml"))?);
        match documented.get(krate) {
            None => problems.push(format!(
                "docs/ARCHITECTURE.md: the crate graph has no line ``- `{krate}` uses: ...``"
            )),
            Some(listed) if *listed != actual => problems.push(format!(
                "docs/ARCHITECTURE.md: the crate graph says `{krate}` uses {listed:?}, its \
                 manifest's [dependencies] name {actual:?}"
            )),
            Some(_) => {}
        }
    }
    for krate in documented.keys() {
        if !crates.contains(krate) {
            problems.push(format!(
                "docs/ARCHITECTURE.md: the crate graph names `{krate}`, which is not a crate"
            ));
        }
    }
    Ok(())
}

/// Files worth reading as text (sources, docs, manifests, scripts).
fn is_text(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or("");
    matches!(ext, "rs" | "md" | "toml" | "txt" | "yml" | "yaml" | "sh") || path.starts_with(".ci/")
}

/// The names of files and directories that live beside the repository, not in it. Built from
/// pieces so this file does not match its own check.
fn outside_names() -> [String; 4] {
    [
        ["DESIGN", ".md"].concat(),
        ["STYLE", ".md"].concat(),
        ["../", "shared"].concat(),
        ["bun-zig", "-patterns"].concat(),
    ]
}

fn outside_citations(path: &str, text: &str, problems: &mut Vec<String>) {
    let names = outside_names();
    for (n, line) in text.lines().enumerate() {
        for name in &names {
            if line.contains(name.as_str()) {
                problems.push(format!(
                    "{path}:{}: cites `{name}`, which is not in the repository (put what a \
                     reader needs into docs/)",
                    n + 1
                ));
            }
        }
    }
}

/// `#[ignore]` and `cfg_attr(..., ignore)` must carry `= "reason"`.
fn ignore_reasons(path: &str, text: &str, problems: &mut Vec<String>) {
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for (at, _) in code.match_indices("ignore") {
            let before = code[..at].trim_end();
            let after = code[at + "ignore".len()..].trim_start();
            let is_attr =
                before.ends_with("#[") || (code.contains("cfg_attr") && before.ends_with(','));
            if is_attr && !after.starts_with('=') {
                problems.push(format!(
                    "{path}:{}: an ignored test without a reason (write `ignore = \"why\"`)",
                    n + 1
                ));
            }
        }
    }
}

fn module_docs(path: &str, text: &str, problems: &mut Vec<String>) {
    let documented = text.lines().any(|l| l.starts_with("//!"))
        || (path.ends_with("/lib.rs") && text.contains("#![doc = include_str!("));
    if !documented {
        problems.push(format!("{path}: no `//!` module docs"));
    }
}

fn lint_wall(workspace_manifest: &str, problems: &mut Vec<String>) {
    for lint in ["undocumented_unsafe_blocks", "missing_safety_doc"] {
        let denied = workspace_manifest
            .lines()
            .any(|l| l.trim().starts_with(lint) && l.contains("\"deny\""));
        if !denied {
            problems.push(format!(
                "Cargo.toml: the workspace lint table no longer denies `{lint}`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_paths() {
        let doc = "# t\n## makai-x (`crates/makai-x`)\n- `src/a.rs`: a; `src/d/` dir\n### sub\n\
                   `tests/t.rs` and `not a path` and `src/with space.rs`\n## other\n`src/z.rs`\n";
        let sections = crate_sections(doc);
        assert_eq!(sections.len(), 1);
        let named = named_paths(&sections["makai-x"]);
        let want: BTreeSet<String> = ["src/a.rs", "src/d/", "tests/t.rs"]
            .map(str::to_owned)
            .into();
        assert_eq!(named, want);
    }

    #[test]
    fn graph_lines_and_manifests() {
        let doc = "- `makai-b` uses: `makai-a`, `makai-c`\n- `makai-a` uses: nothing\n- `x`: no\n";
        let g = documented_graph(doc);
        assert_eq!(g.len(), 2);
        assert_eq!(g["makai-b"].len(), 2);
        assert!(g["makai-a"].is_empty());
        let manifest = "[package]\nname = \"makai-b\"\n[dependencies]\nmakai-a.workspace = true\n\
                        serde = \"1\"\nmakai-c = { path = \"../c\" }\n[dev-dependencies]\nmakai-d = \"1\"\n";
        let deps = manifest_deps(manifest);
        assert_eq!(deps, ["makai-a", "makai-c"].map(str::to_owned).into());
    }

    #[test]
    fn ignores_need_reasons() {
        let mut p = Vec::new();
        ignore_reasons(
            "f.rs",
            "#[ignore]\nfn a() {}\n#[ignore = \"slow\"]\n",
            &mut p,
        );
        ignore_reasons(
            "g.rs",
            "#[cfg_attr(miri, ignore)]\n#[cfg_attr(miri, ignore = \"ffi\")]\n",
            &mut p,
        );
        ignore_reasons("h.rs", "// #[ignore]\nlet ignore = 1;\n", &mut p);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("f.rs:1:") && p[1].starts_with("g.rs:1:"));
    }

    #[test]
    fn outside_names_are_found_but_not_in_this_file() {
        let mut p = Vec::new();
        outside_citations(
            "a.md",
            &format!("see {}\nfine\n", outside_names()[0]),
            &mut p,
        );
        assert_eq!(p.len(), 1);
        let mut q = Vec::new();
        outside_citations("tidy.rs", include_str!("tidy.rs"), &mut q);
        assert!(q.is_empty(), "{q:?}");
    }
}
