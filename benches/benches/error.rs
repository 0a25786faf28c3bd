//! makai-error: the cost of turning a failed `open` into an error that names the path.
//!
//! Two groups, both in one run:
//! - `error_build`: building the error value alone from an errno and a borrowed path.
//!   makai's `SysError` vs `std::io::Error::new` with a formatted message vs `anyhow` context.
//! - `error_open`: a real failing `open(2)` plus the error, end to end. `fs-err` builds its
//!   error privately, so it can only be measured here; its overhead is its time minus the bare
//!   `std::fs::File::open` line.
//!
//! Reproduce: `cargo bench -p makai-benches --bench error`.

use std::hint::black_box;
use std::path::Path;

use anyhow::Context as _;
use criterion::{Criterion, criterion_group, criterion_main};
use makai::error::{Errno, SysError, Syscall};
use makai_benches::{CountingAlloc, count_allocations};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

const MISSING: &str = "/nonexistent/makai/bench/config.toml";

fn makai_build(path: &Path) -> SysError<'_> {
    SysError::new(Errno::NOENT, Syscall::Open).with_std_path(path)
}

fn std_build(path: &Path) -> std::io::Error {
    // The leanest std way to attach a path: the kind plus a formatted message (no strerror).
    std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("open '{}'", path.display()),
    )
}

fn anyhow_build(path: &Path) -> anyhow::Error {
    let raw = std::io::Error::from_raw_os_error(2);
    Err::<(), _>(raw)
        .with_context(|| format!("open '{}'", path.display()))
        .unwrap_err()
}

fn report_allocations(path: &Path) {
    let (_, makai) = count_allocations(|| drop(black_box(makai_build(path))));
    let (_, std) = count_allocations(|| drop(black_box(std_build(path))));
    let (_, anyhow) = count_allocations(|| drop(black_box(anyhow_build(path))));
    let (_, fs_err) = count_allocations(|| drop(black_box(fs_err::File::open(path))));
    let (_, std_open) = count_allocations(|| drop(black_box(std::fs::File::open(path))));
    println!(
        "allocations per error: makai {makai}, io::Error::new+format {std}, anyhow context {anyhow}; \
         failing open: fs-err {fs_err}, std {std_open}"
    );
}

fn bench(c: &mut Criterion) {
    let path = Path::new(MISSING);
    report_allocations(path);

    let mut g = c.benchmark_group("error_build");
    g.bench_function("makai_SysError", |b| {
        b.iter(|| makai_build(black_box(path)))
    });
    g.bench_function("std_io_Error_new_format", |b| {
        b.iter(|| std_build(black_box(path)))
    });
    g.bench_function("anyhow_context", |b| {
        b.iter(|| anyhow_build(black_box(path)))
    });
    g.finish();

    let mut g = c.benchmark_group("error_open");
    g.bench_function("std_open_bare", |b| {
        b.iter(|| std::fs::File::open(black_box(path)).unwrap_err())
    });
    g.bench_function("makai_open", |b| {
        b.iter(|| {
            let p = black_box(path);
            let io = std::fs::File::open(p).unwrap_err();
            SysError::from_io_error(&io, Syscall::Open).map(|e| e.with_std_path(p))
        })
    });
    g.bench_function("fs_err_open", |b| {
        b.iter(|| fs_err::File::open(black_box(path)).unwrap_err())
    });
    g.bench_function("anyhow_open", |b| {
        b.iter(|| {
            let p = black_box(path);
            std::fs::File::open(p)
                .with_context(|| format!("open '{}'", p.display()))
                .unwrap_err()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
