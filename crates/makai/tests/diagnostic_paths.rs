//! What rustc prints for facade items in its error messages: `makai::error::...`, never the
//! underlying crate's name (`makai::makai_error::...`, what an alias re-export such as
//! `pub use makai_error as error` produced).
//!
//! The test compiles small erroneous programs against the `makai` library this test was built
//! with (the newest `libmakai-*.rlib` next to the test binary) and reads the messages.
//! rustc still names the defining crate in one place it controls itself, the note
//! ``note: `makai::Str` is defined in crate `makai_string` ``; the tests allow exactly that.

#![cfg(not(miri))] // Miri cannot start processes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `deps` directory holding this test binary and the rlibs it was linked against.
fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent().expect("deps directory").to_path_buf()
}

/// The most recently built `libmakai-*.rlib` (cargo builds the library right before its tests).
fn makai_rlib(deps: &Path) -> PathBuf {
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(deps).expect("read deps directory") {
        let path = entry.expect("deps entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("libmakai-") && name.ends_with(".rlib") {
            let modified = path
                .metadata()
                .and_then(|m| m.modified())
                .expect("rlib mtime");
            if best.as_ref().is_none_or(|(t, _)| modified > *t) {
                best = Some((modified, path));
            }
        }
    }
    best.expect("libmakai-*.rlib next to the test binary").1
}

/// Compiles `source` as a library crate depending on `makai` and returns rustc's messages.
fn rustc_messages(name: &str, source: &str) -> String {
    let deps = deps_dir();
    let rlib = makai_rlib(&deps);
    let dir = std::env::temp_dir().join(format!("makai-diag-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("probe.rs");
    std::fs::write(&file, source).expect("write probe");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc)
        .arg("--edition=2024")
        .arg("--crate-type=lib")
        .arg("--emit=metadata")
        .arg("--color=never")
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg("--extern")
        .arg(format!("makai={}", rlib.display()))
        .arg("--out-dir")
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("run rustc");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success(), "the probe is meant not to compile");
    String::from_utf8(out.stderr).expect("UTF-8 messages")
}

/// The messages with rustc's own "is defined in crate `...`" notes removed.
fn without_defined_in_notes(messages: &str) -> String {
    messages
        .lines()
        .filter(|l| !l.contains("is defined in crate `makai_"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn module_items_are_printed_under_the_facade_modules() {
    let messages = rustc_messages(
        "modules",
        r#"
        pub fn f() {
            makai::error::fs::read_to_string(5u8);
            let _: () = makai::collections::fifo::Slice::nothing();
            let _: () = makai::alloc::testing::nothing;
        }
        "#,
    );
    assert!(
        messages.contains("makai::error::fs::read_to_string"),
        "{messages}"
    );
    assert!(messages.contains("makai::collections::Slice"), "{messages}");
    assert!(messages.contains("makai::alloc::testing"), "{messages}");
    assert!(
        !without_defined_in_notes(&messages).contains("makai_"),
        "{messages}"
    );
}

#[test]
fn root_types_are_printed_at_the_root() {
    let messages = rustc_messages(
        "root",
        r#"
        pub struct Str;
        pub struct HiveArray;
        pub struct CowStr;
        pub fn f() {
            let _: Str = makai::string::Str::from("x");
            let _: HiveArray = makai::collections::HiveArray::<u8, 4>::new();
            let _: CowStr = makai::ptr::CowStr::borrowed("x");
            let _: () = makai::SysError::new(makai::Errno::NOENT, makai::Syscall::Open);
        }
        "#,
    );
    assert!(messages.contains("found `makai::Str`"), "{messages}");
    assert!(messages.contains("`makai::HiveArray<u8, 4>`"), "{messages}");
    assert!(messages.contains("`makai::CowStr<"), "{messages}");
    assert!(messages.contains("found `SysError<"), "{messages}");
    assert!(
        !without_defined_in_notes(&messages).contains("makai_"),
        "{messages}"
    );
}
