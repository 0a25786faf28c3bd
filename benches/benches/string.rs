//! makai-string against its peers, in the shapes of `rosetta-rs/string-rosetta-rs`.
//!
//! Groups (each over lengths 0, 1, 8, 15, 16, 23, 24, 64 and 500 bytes):
//! - `new`: build from a `&str` and drop; `new_static`: build from a `&'static str`;
//! - `clone`: clone and drop the clone; `clone_static`: the same for static strings;
//! - `access`: `as_str().len()` through `black_box`; `access_static`;
//! - `self_eq`: compare a string with its clone; `self_eq_static`.
//!
//! Plus `builder_1000`: building 1000 strings (copies of ~48-byte inputs) as `Vec<String>`,
//! with one `StringBuilder`, and with a pre-sized bumpalo arena; and `freeze`: growing a
//! 40-byte string one char at a time and sharing it. Allocation counts are printed first.
//!
//! Peers: `String`, `Arc<str>` (std), `compact_str::CompactString`, `smol_str::SmolStr`.
//!
//! Reproduce: `cargo bench -p makai-benches --bench string -- --warm-up-time 0.5 --measurement-time 1`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::ops::Deref;
use std::sync::Arc;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use makai::string::{SmolStr, Str, StringBuilder};
use makai_benches::{CountingAlloc, count_allocations};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

const SAMPLE: &str = "12345678901234567890123456789012345678901234567890123456789012345678901234567890\
12345678901234567890123456789012345678901234567890123456789012345678901234567890\
12345678901234567890123456789012345678901234567890123456789012345678901234567890\
12345678901234567890123456789012345678901234567890123456789012345678901234567890\
12345678901234567890123456789012345678901234567890123456789012345678901234567890\
12345678901234567890123456789012345678901234567890123456789012345678901234567890\
12345678901234567890";
const LENS: [usize; 9] = [0, 1, 8, 15, 16, 23, 24, 64, 500];

fn fixtures() -> impl Iterator<Item = &'static str> {
    LENS.iter().map(|&n| &SAMPLE[..n])
}

type Group<'a> = BenchmarkGroup<'a, WallTime>;

fn clone_one<T: Clone>(g: &mut Group<'_>, name: &str, len: usize, s: T) {
    g.bench_with_input(BenchmarkId::new(name, len), &s, |b, s| {
        b.iter(|| black_box(s).clone())
    });
}

fn access_one<T: Deref<Target = str>>(g: &mut Group<'_>, name: &str, len: usize, s: T) {
    g.bench_with_input(BenchmarkId::new(name, len), &s, |b, s| {
        b.iter(|| black_box(s).len())
    });
}

fn eq_one<T: Clone + PartialEq>(g: &mut Group<'_>, name: &str, len: usize, s: T) {
    let t = black_box(s.clone());
    g.bench_with_input(BenchmarkId::new(name, len), &s, |b, s| {
        b.iter(|| black_box(s) == black_box(&t))
    });
}

/// Runs `$one` for every type, built from the fixture `$fx`.
macro_rules! each_type {
    ($one:ident, $g:expr, $fx:expr) => {{
        let fx: &'static str = $fx;
        let len = fx.len();
        $one($g, "String", len, String::from(fx));
        $one($g, "Arc<str>", len, Arc::<str>::from(fx));
        $one($g, "compact_str", len, compact_str::CompactString::new(fx));
        $one($g, "smol_str", len, smol_str::SmolStr::new(fx));
        $one($g, "makai_SmolStr", len, SmolStr::from(fx));
        $one($g, "makai_Str", len, Str::from(fx));
    }};
}

/// Runs `$one` for every type that can borrow a `&'static str`.
macro_rules! each_static {
    ($one:ident, $g:expr, $fx:expr) => {{
        let fx: &'static str = $fx;
        let len = fx.len();
        $one($g, "&'static str", len, fx);
        $one(
            $g,
            "compact_str",
            len,
            compact_str::CompactString::const_new(fx),
        );
        $one($g, "smol_str", len, smol_str::SmolStr::new_static(fx));
        $one($g, "makai_Str", len, Str::from_static(fx));
    }};
}

fn new(c: &mut Criterion) {
    let mut g = c.benchmark_group("new");
    for fx in fixtures() {
        let len = fx.len();
        g.bench_with_input(BenchmarkId::new("String", len), &fx, |b, fx| {
            b.iter(|| String::from(black_box(*fx)))
        });
        g.bench_with_input(BenchmarkId::new("Arc<str>", len), &fx, |b, fx| {
            b.iter(|| Arc::<str>::from(black_box(*fx)))
        });
        g.bench_with_input(BenchmarkId::new("compact_str", len), &fx, |b, fx| {
            b.iter(|| compact_str::CompactString::new(black_box(*fx)))
        });
        g.bench_with_input(BenchmarkId::new("smol_str", len), &fx, |b, fx| {
            b.iter(|| smol_str::SmolStr::new(black_box(*fx)))
        });
        g.bench_with_input(BenchmarkId::new("makai_SmolStr", len), &fx, |b, fx| {
            b.iter(|| SmolStr::from(black_box(*fx)))
        });
        g.bench_with_input(BenchmarkId::new("makai_Str", len), &fx, |b, fx| {
            b.iter(|| Str::from(black_box(*fx)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("new_static");
    for fx in fixtures() {
        let len = fx.len();
        g.bench_with_input(BenchmarkId::new("compact_str", len), &fx, |b, fx| {
            b.iter(|| compact_str::CompactString::const_new(black_box(*fx)))
        });
        g.bench_with_input(BenchmarkId::new("smol_str", len), &fx, |b, fx| {
            b.iter(|| smol_str::SmolStr::new_static(black_box(*fx)))
        });
        g.bench_with_input(BenchmarkId::new("makai_Str", len), &fx, |b, fx| {
            b.iter(|| Str::from_static(black_box(*fx)))
        });
    }
    g.finish();
}

fn clone(c: &mut Criterion) {
    let mut g = c.benchmark_group("clone");
    for fx in fixtures() {
        each_type!(clone_one, &mut g, fx);
    }
    g.finish();
    let mut g = c.benchmark_group("clone_static");
    for fx in fixtures() {
        each_static!(clone_one, &mut g, fx);
    }
    g.finish();
}

fn access(c: &mut Criterion) {
    let mut g = c.benchmark_group("access");
    for fx in fixtures() {
        each_type!(access_one, &mut g, fx);
    }
    g.finish();
    let mut g = c.benchmark_group("access_static");
    for fx in fixtures() {
        each_static!(access_one, &mut g, fx);
    }
    g.finish();
}

fn self_eq(c: &mut Criterion) {
    // Two equal strings in distinct values: the second is a clone (as in rosetta).
    let mut g = c.benchmark_group("self_eq");
    for fx in fixtures() {
        each_type!(eq_one, &mut g, fx);
    }
    g.finish();
    let mut g = c.benchmark_group("self_eq_static");
    for fx in fixtures() {
        each_static!(eq_one, &mut g, fx);
    }
    g.finish();
}

/// 1000 inputs of about 48 bytes each.
fn inputs() -> Vec<String> {
    (0..1000)
        .map(|i| format!("anthropic.stream.content_block_delta#{i:06}.text"))
        .collect()
}

fn build_vec_string(inputs: &[String]) -> Vec<String> {
    inputs.iter().map(|s| s.as_str().to_owned()).collect()
}

fn build_makai(inputs: &[String]) -> usize {
    let mut b = StringBuilder::new();
    for s in inputs {
        b.count(s);
    }
    let f = b.allocate();
    let mut total = 0;
    for s in inputs {
        total += black_box(f.append(s)).len();
    }
    total
}

fn build_makai_with_table(inputs: &[String]) -> usize {
    let mut b = StringBuilder::new();
    for s in inputs {
        b.count(s);
    }
    let f = b.allocate();
    let slices: Vec<&str> = inputs.iter().map(|s| f.append(s)).collect();
    black_box(&slices).len()
}

fn build_bumpalo(inputs: &[String]) -> usize {
    let total: usize = inputs.iter().map(String::len).sum();
    let bump = bumpalo::Bump::with_capacity(total);
    let slices: Vec<&str> = inputs.iter().map(|s| &*bump.alloc_str(s)).collect();
    black_box(&slices).len()
}

fn builder(c: &mut Criterion) {
    let inputs = inputs();
    let (_, vec) = count_allocations(|| drop(black_box(build_vec_string(&inputs))));
    let (_, makai) = count_allocations(|| black_box(build_makai(&inputs)));
    let (_, table) = count_allocations(|| black_box(build_makai_with_table(&inputs)));
    let (_, bump) = count_allocations(|| black_box(build_bumpalo(&inputs)));
    println!(
        "allocations for 1000 strings: Vec<String> {vec}, StringBuilder {makai}, \
         StringBuilder + Vec<&str> of slices {table}, bumpalo + Vec<&str> {bump}"
    );

    let mut g = c.benchmark_group("builder_1000");
    g.bench_function("Vec<String>", |b| {
        b.iter(|| build_vec_string(black_box(&inputs)))
    });
    g.bench_function("makai_StringBuilder", |b| {
        b.iter(|| build_makai(black_box(&inputs)))
    });
    g.bench_function("makai_StringBuilder+slices", |b| {
        b.iter(|| build_makai_with_table(black_box(&inputs)))
    });
    g.bench_function("bumpalo_presized+slices", |b| {
        b.iter(|| build_bumpalo(black_box(&inputs)))
    });
    g.finish();
}

const GROWN: &str = "tool_use.input_json_delta.partial_json.x";

fn freeze_makai() -> Str {
    let mut s = SmolStr::new();
    for ch in GROWN.chars() {
        s.push(black_box(ch));
    }
    s.freeze()
}

fn freeze_smol_str() -> smol_str::SmolStr {
    let mut s = smol_str::SmolStrBuilder::new();
    for ch in GROWN.chars() {
        s.push(black_box(ch));
    }
    s.finish()
}

fn freeze_arc() -> Arc<str> {
    let mut s = String::new();
    for ch in GROWN.chars() {
        s.push(black_box(ch));
    }
    Arc::from(s)
}

fn freeze(c: &mut Criterion) {
    let (_, makai) = count_allocations(|| drop(black_box(freeze_makai())));
    let (_, smol) = count_allocations(|| drop(black_box(freeze_smol_str())));
    let (_, arc) = count_allocations(|| drop(black_box(freeze_arc())));
    println!(
        "allocations to grow 40 bytes one char at a time and share: SmolStr::freeze {makai}, \
         smol_str builder {smol}, String -> Arc<str> {arc}"
    );
    let mut g = c.benchmark_group("grow_then_share_40");
    g.bench_function("makai_SmolStr_freeze", |b| b.iter(freeze_makai));
    g.bench_function("smol_str_builder", |b| b.iter(freeze_smol_str));
    g.bench_function("String_to_Arc<str>", |b| b.iter(freeze_arc));
    g.finish();
    let mut sink = String::new();
    let _ = write!(sink, "{}", freeze_makai());
    black_box(sink);
}

criterion_group!(benches, builder, freeze, new, clone, access, self_eq);
criterion_main!(benches);
