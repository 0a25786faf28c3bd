//! makai-error's `fs` wrappers: each failure names the syscall that really failed.

use makai::error::{FsError, fs};

pub(crate) fn section() {
    crate::heading("makai-error fs: the real syscall and path in every file error");
    let dir = std::env::temp_dir().join(format!("makai-tour-fs-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");

    // Reading a directory: open(2) succeeds, read(2) fails with EISDIR.
    let err = fs::read(&dir).expect_err("a directory is not a file");
    println!("fs::read(<a directory>)        -> {err}");

    // A file that is not UTF-8: no errno, an invalid-data error that keeps the bytes.
    let latin1 = dir.join("latin1.txt");
    fs::write(&latin1, b"caf\xE9 cr\xE8me").expect("write");
    let err = fs::read_to_string(&latin1).expect_err("Latin-1 is not UTF-8");
    println!("fs::read_to_string(<Latin-1>)  -> {err}");
    println!(
        "  errno {:?}, invalid data {}, {} bytes handed back",
        err.errno(),
        err.is_invalid_data(),
        err.into_bytes().map_or(0, |b| b.len())
    );

    let err = fs::rename(dir.join("missing"), dir.join("other")).expect_err("no source");
    println!("fs::rename(<missing>, ..)      -> {err}");
    println!(
        "  size_of::<Result<(), FsError>>() = {} bytes",
        size_of::<Result<(), FsError>>()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
