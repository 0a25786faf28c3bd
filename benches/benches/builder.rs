//! makai-string's two-phase `StringBuilder` against the ways a program builds many strings:
//! one `String` each (`Vec<String>`), and a bumpalo arena sized up front.
//!
//! Groups (1000 distinct strings per iteration, every result used):
//! - `builder_1000_copy`: copy 1000 inputs of 30–70 bytes (event names with a request
//!   number) and keep a `&str` to each in a pre-sized `Vec` (the table is the same for every
//!   contender; `Vec<String>` is its own table).
//! - `builder_1000_format`: format 1000 records `"{name}:{index}\n"` (a string and an
//!   integer): `format!` per record, `write!` into a pre-sized bumpalo `String`, and the
//!   builder with `count_display` (no formatting while counting) or `count_fmt` (formats
//!   twice, the old way).
//!
//! Allocation counts are printed first (the builder's buffer is its only allocation besides
//! the table).
//!
//! Reproduce: `cargo bench -p makai-benches --bench builder -- --warm-up-time 1 --measurement-time 3`.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use makai::string::StringBuilder;
use makai_benches::{CountingAlloc, count_allocations};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// 1000 distinct inputs of 30–70 bytes.
fn inputs() -> Vec<String> {
    const NAMES: [&str; 5] = [
        "message_start",
        "content_block_delta.text_delta",
        "content_block_start.tool_use.input_json_delta",
        "ping",
        "message_delta.usage.output_tokens.stop_reason",
    ];
    (0..1000)
        .map(|i| format!("anthropic.{}#{i:07}", NAMES[i % NAMES.len()]))
        .collect()
}

fn copy_vec_string(inputs: &[String]) -> Vec<String> {
    inputs.iter().map(|s| s.as_str().to_owned()).collect()
}

fn copy_makai(inputs: &[String]) -> usize {
    let mut b = StringBuilder::new();
    for s in inputs {
        b.count(s);
    }
    let f = b.allocate();
    let mut table: Vec<&str> = Vec::with_capacity(inputs.len());
    for s in inputs {
        table.push(f.append(s));
    }
    black_box(&table);
    table.len()
}

fn copy_bumpalo(inputs: &[String]) -> usize {
    let total: usize = inputs.iter().map(String::len).sum();
    let bump = bumpalo::Bump::with_capacity(total);
    let mut table: Vec<&str> = Vec::with_capacity(inputs.len());
    for s in inputs {
        table.push(bump.alloc_str(s));
    }
    black_box(&table);
    table.len()
}

const RECORD_NAMES: [&str; 4] = ["message_start", "text_delta", "input_json_delta", "stop"];

fn format_vec_string(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{}:{i}\n", RECORD_NAMES[i % 4]))
        .collect()
}

fn format_bumpalo(n: usize) -> usize {
    // Sized up front like the builder: one exact count of the output.
    let len =
        |i: usize| RECORD_NAMES[i % 4].len() + 2 + i.checked_ilog10().map_or(1, |d| d as usize + 1);
    let total: usize = (0..n).map(len).sum();
    let bump = bumpalo::Bump::with_capacity(total);
    let mut table: Vec<&str> = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = bumpalo::collections::String::with_capacity_in(len(i), &bump);
        writeln!(s, "{}:{i}", RECORD_NAMES[i % 4]).unwrap();
        table.push(s.into_bump_str());
    }
    black_box(&table);
    table.len()
}

fn format_makai_display(n: usize) -> usize {
    let mut b = StringBuilder::new();
    for i in 0..n {
        b.count(RECORD_NAMES[i % 4])
            .count(":")
            .count_display(&i)
            .count("\n");
    }
    let f = b.allocate();
    let mut table: Vec<&str> = Vec::with_capacity(n);
    for i in 0..n {
        let start = f.len();
        f.append(RECORD_NAMES[i % 4]);
        f.append(":");
        f.append_display(&i);
        f.append("\n");
        table.push(&f.as_str()[start..]);
    }
    black_box(&table);
    table.len()
}

fn format_makai_fmt(n: usize) -> usize {
    let mut b = StringBuilder::new();
    for i in 0..n {
        b.count_fmt(format_args!("{}:{i}\n", RECORD_NAMES[i % 4]));
    }
    let f = b.allocate();
    let mut table: Vec<&str> = Vec::with_capacity(n);
    for i in 0..n {
        table.push(f.append_fmt(format_args!("{}:{i}\n", RECORD_NAMES[i % 4])));
    }
    black_box(&table);
    table.len()
}

fn builder(c: &mut Criterion) {
    let inputs = inputs();
    let (_, vec) = count_allocations(|| drop(black_box(copy_vec_string(&inputs))));
    let (_, makai) = count_allocations(|| black_box(copy_makai(&inputs)));
    let (_, bump) = count_allocations(|| black_box(copy_bumpalo(&inputs)));
    let (_, fvec) = count_allocations(|| drop(black_box(format_vec_string(1000))));
    let (_, fmakai) = count_allocations(|| black_box(format_makai_display(1000)));
    let (_, fbump) = count_allocations(|| black_box(format_bumpalo(1000)));
    println!(
        "allocations for 1000 strings (each with its table): copy: Vec<String> {vec}, \
         StringBuilder {makai}, bumpalo {bump}; format: Vec<String> {fvec}, \
         StringBuilder {fmakai}, bumpalo {fbump}"
    );

    let mut g = c.benchmark_group("builder_1000_copy");
    g.bench_function("Vec<String>", |b| {
        b.iter(|| copy_vec_string(black_box(&inputs)))
    });
    g.bench_function("bumpalo_presized", |b| {
        b.iter(|| copy_bumpalo(black_box(&inputs)))
    });
    g.bench_function("makai_StringBuilder", |b| {
        b.iter(|| copy_makai(black_box(&inputs)))
    });
    g.finish();

    let mut g = c.benchmark_group("builder_1000_format");
    g.bench_function("Vec<String>_format", |b| {
        b.iter(|| format_vec_string(black_box(1000)))
    });
    g.bench_function("bumpalo_presized_write", |b| {
        b.iter(|| format_bumpalo(black_box(1000)))
    });
    g.bench_function("makai_count_display", |b| {
        b.iter(|| format_makai_display(black_box(1000)))
    });
    g.bench_function("makai_count_fmt", |b| {
        b.iter(|| format_makai_fmt(black_box(1000)))
    });
    g.finish();
}

criterion_group!(benches, builder);
criterion_main!(benches);
