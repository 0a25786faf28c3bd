//! makai-string against its peers, in the shapes of `rosetta-rs/string-rosetta-rs`.
//!
//! Groups (each over lengths 0, 1, 8, 15, 16, 23, 24, 64 and 500 bytes):
//! - `new`: build from a `&str` and drop; `new_static`: build from a `&'static str`;
//! - `clone`: clone and drop the clone; `clone_static`: the same for static strings;
//! - `access`: `as_str().len()` through `black_box`; `access_static`;
//! - `self_eq`: compare a string with its clone; `self_eq_static`.
//!
//! Shapes of real programs (many distinct values, mixed hits and misses), each reported per
//! element (`Throughput::Elements`):
//! - `keys_build_drop/L`: build 1024 distinct `L`-byte keys from `&str` and drop each, at
//!   every inline length L = 0..=16 (below 2 bytes the keys repeat), and at 24 and 64;
//! - `eq_pairs/L`: `==` over a shuffled array of 4096 distinct pairs, half equal (built
//!   separately from the same bytes, so no pointer shortcut), half differing in the last byte;
//!   `eq_pairs_str/L` the same against a `&str`;
//! - `map_get/L`: `HashMap<T, u32>` (std's default hasher) with 1024 keys, 2048 lookups by
//!   `&str`, shuffled, 50 % hits;
//! - `clone_many/L`: clone and drop each of 1024 distinct strings (heap at 64 B: the atomic
//!   count against `Arc<str>`).
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
use std::collections::HashMap;

use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use makai::string::{SmolStr, Str, StringBuilder};
use makai_benches::Rng;
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

// ---------------------------------------------------------------------------------------------
// Many distinct values.

const KEYS: usize = 1024;
const PAIRS: usize = 4096;
const LOOKUPS: usize = 2048;

/// `n` distinct random ASCII strings of exactly `len` bytes (letters, digits, `_`, `.`).
fn distinct_keys(rng: &mut Rng, n: usize, len: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.";
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let s: String = (0..len)
            .map(|_| char::from(ALPHABET[rng.below(ALPHABET.len())]))
            .collect();
        if seen.insert(s.clone()) {
            out.push(s);
        }
    }
    out
}

/// `n` keys of `len` bytes: distinct when the alphabet allows it (`len >= 2`), otherwise
/// every possible key repeated in turn.
fn keys_of_len(rng: &mut Rng, n: usize, len: usize) -> Vec<String> {
    if len >= 2 {
        return distinct_keys(rng, n, len);
    }
    let few = distinct_keys(rng, if len == 0 { 1 } else { 64 }, len);
    (0..n).map(|i| few[i % few.len()].clone()).collect()
}

/// The same bytes with the last one changed (still ASCII).
fn differ_in_last_byte(s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    let last = b.last_mut().expect("non-empty key");
    *last = if *last == b'x' { b'y' } else { b'x' };
    String::from_utf8(b).expect("ASCII")
}

fn keys_build_drop(c: &mut Criterion) {
    let mut g = c.benchmark_group("keys_build_drop");
    g.throughput(Throughput::Elements(KEYS as u64));
    // Every inline length 0..=16 (the inline constructor has a path per length class), then
    // two heap lengths. Below 2 bytes there are fewer than 1024 distinct strings: the keys
    // repeat (0 bytes: 1024 empty strings, 1 byte: 64 letters cycled).
    for len in (0..=16).chain([24, 64]) {
        let keys = keys_of_len(&mut Rng(0x9E37_79B9_7F4A_7C15 ^ len as u64), KEYS, len);
        macro_rules! run {
            ($name:expr, $make:expr) => {
                g.bench_with_input(BenchmarkId::new($name, len), &keys, |b, keys| {
                    b.iter(|| {
                        for k in keys {
                            black_box($make(black_box(k.as_str())));
                        }
                    })
                });
            };
        }
        run!("String", String::from);
        run!("Arc<str>", Arc::<str>::from);
        run!("compact_str", compact_str::CompactString::new);
        run!("smol_str", smol_str::SmolStr::new);
        run!("makai_SmolStr", SmolStr::from);
        run!("makai_Str", Str::from);
    }
    g.finish();
}

/// `PAIRS` pairs of separately built values, half equal, half differing in the last byte,
/// in a shuffled order.
fn pairs<T>(len: usize, make: impl Fn(&str) -> T) -> Vec<(T, T)> {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ len as u64);
    let keys = distinct_keys(&mut rng, PAIRS, len);
    let mut out: Vec<(T, T)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let other = if i % 2 == 0 {
                k.clone()
            } else {
                differ_in_last_byte(k)
            };
            (make(k), make(&other))
        })
        .collect();
    rng.shuffle(&mut out);
    out
}

fn count_equal<T: PartialEq<U>, U>(pairs: &[(T, U)]) -> usize {
    pairs.iter().filter(|(a, b)| a == b).count()
}

fn eq_pairs(c: &mut Criterion) {
    let mut g = c.benchmark_group("eq_pairs");
    g.throughput(Throughput::Elements(PAIRS as u64));
    for len in [5, 10, 16, 24, 64] {
        macro_rules! run {
            ($name:expr, $make:expr) => {
                let p = pairs(len, |s: &str| $make(s));
                assert_eq!(count_equal(&p), PAIRS / 2);
                g.bench_with_input(BenchmarkId::new($name, len), &p, |b, p| {
                    b.iter(|| count_equal(black_box(p)))
                });
            };
        }
        run!("String", String::from);
        run!("Arc<str>", Arc::<str>::from);
        run!("compact_str", compact_str::CompactString::new);
        run!("smol_str", smol_str::SmolStr::new);
        run!("makai_SmolStr", SmolStr::from);
        run!("makai_Str", Str::from);
    }
    g.finish();

    // Against a borrowed `&str` (a parsed token compared with a stored name).
    let mut g = c.benchmark_group("eq_pairs_str");
    g.throughput(Throughput::Elements(PAIRS as u64));
    for len in [10, 24] {
        let owned = pairs(len, |s: &str| String::from(s));
        macro_rules! run {
            ($name:expr, $make:expr) => {
                let p: Vec<_> = owned.iter().map(|(a, b)| ($make(a), b.as_str())).collect();
                assert_eq!(count_equal(&p), PAIRS / 2);
                g.bench_with_input(BenchmarkId::new($name, len), &p, |b, p| {
                    b.iter(|| count_equal(black_box(p)))
                });
            };
        }
        run!("String", |s: &String| s.clone());
        run!("compact_str", |s: &String| compact_str::CompactString::new(
            s
        ));
        run!("makai_SmolStr", |s: &String| SmolStr::from(s));
        run!("makai_Str", |s: &String| Str::from(s));
    }
    g.finish();
}

/// `LOOKUPS` queries, half of them keys of the map, half absent keys of the same length.
fn map_workload(len: usize) -> (Vec<String>, Vec<String>) {
    let mut rng = Rng(0x94D0_49BB_1331_11EB ^ len as u64);
    let all = distinct_keys(&mut rng, KEYS + LOOKUPS / 2, len);
    let (keys, absent) = all.split_at(KEYS);
    let mut queries: Vec<String> = (0..LOOKUPS / 2)
        .map(|i| keys[i % KEYS].clone())
        .chain(absent.iter().cloned())
        .collect();
    rng.shuffle(&mut queries);
    (keys.to_vec(), queries)
}

fn lookups<K: std::hash::Hash + Eq + std::borrow::Borrow<str>>(
    map: &HashMap<K, u32>,
    queries: &[String],
) -> u64 {
    let mut sum = 0u64;
    for q in queries {
        if let Some(&v) = map.get(q.as_str()) {
            sum += u64::from(v);
        }
    }
    sum
}

fn map_get(c: &mut Criterion) {
    let mut g = c.benchmark_group("map_get");
    g.throughput(Throughput::Elements(LOOKUPS as u64));
    for len in [10, 16, 24, 64] {
        let (keys, queries) = map_workload(len);
        macro_rules! run {
            ($name:expr, $make:expr) => {
                let map: HashMap<_, u32> = keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| ($make(k.as_str()), i as u32 + 1))
                    .collect();
                let expected: u64 = (0..LOOKUPS / 2).map(|i| (i % KEYS) as u64 + 1).sum();
                assert_eq!(lookups(&map, &queries), expected);
                g.bench_with_input(BenchmarkId::new($name, len), &queries, |b, q| {
                    b.iter(|| lookups(&map, black_box(q)))
                });
            };
        }
        run!("String", String::from);
        run!("Arc<str>", Arc::<str>::from);
        run!("compact_str", compact_str::CompactString::new);
        run!("smol_str", smol_str::SmolStr::new);
        run!("makai_SmolStr", SmolStr::from);
        run!("makai_Str", Str::from);
    }
    g.finish();
}

fn clone_many(c: &mut Criterion) {
    let mut g = c.benchmark_group("clone_many");
    g.throughput(Throughput::Elements(KEYS as u64));
    for len in [10, 64] {
        let keys = distinct_keys(&mut Rng(0xBF58_476D_1CE4_E5B9 ^ len as u64), KEYS, len);
        macro_rules! run {
            ($name:expr, $make:expr) => {
                let values: Vec<_> = keys.iter().map(|k| $make(k.as_str())).collect();
                g.bench_with_input(BenchmarkId::new($name, len), &values, |b, v| {
                    b.iter(|| {
                        for s in black_box(v) {
                            black_box(s.clone());
                        }
                    })
                });
            };
        }
        run!("String", String::from);
        run!("Arc<str>", Arc::<str>::from);
        run!("compact_str", compact_str::CompactString::new);
        run!("smol_str", smol_str::SmolStr::new);
        run!("makai_Str", Str::from);
    }
    g.finish();
}

criterion_group!(
    benches,
    keys_build_drop,
    eq_pairs,
    map_get,
    clone_many,
    builder,
    freeze,
    new,
    clone,
    access,
    self_eq
);
criterion_main!(benches);
