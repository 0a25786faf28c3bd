//! makai-string's `Interner` / `SyncInterner` against `lasso`, `string-interner` and `ustr`.
//!
//! Vocabulary: 4096 distinct strings in the shapes an LLM streaming client sees: HTTP header
//! names, SSE event types, model names, tool-use ids (`toolu_01...`, 24 bytes), JSON keys and
//! generated identifiers; lengths 2 to 40 bytes, about a third of them 16 bytes or shorter.
//! The lookup sequence (16384 lookups) is skewed like real traffic: half the lookups go to the
//! 64 most common names, half are uniform over the whole vocabulary.
//!
//! Groups, throughput in lookups:
//! - `hit`: every lookup finds an interned string (the handle is returned and dropped);
//! - `miss`: a fresh interner interns 4096 never-seen strings;
//! - `mixed`: a fresh interner pre-filled with the vocabulary serves 80 % hits and 20 % misses;
//! - `resolve`: from the handle back to `&str` for the 16384 handles of the sequence.
//!
//! Peers: `lasso::Rodeo` (its default SipHash, and with foldhash, the hash makai uses),
//! `lasso::ThreadedRodeo`, `string_interner::DefaultStringInterner` (foldhash through
//! hashbrown), `ustr` (global, sharded spin locks, ahash). makai: `Interner::intern`
//! (counted `Str`: the hit includes one atomic increment and, when the handle drops, one
//! decrement), `SyncInterner::intern` (the same behind a shard mutex) and
//! `Interner::intern_static` / `SyncInterner::intern_static` (an interner that lives for the
//! whole program, leaked or in a `static`: uncounted `Str`, no atomics besides the lock).
//!
//! ustr is a process-global cache: its `miss` and `mixed` setups clear it (`_clear_cache`,
//! with no `Ustr` of earlier iterations alive), outside the timed part.
//!
//! Reproduce: `cargo bench -p makai-benches --bench interner -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use lasso::{Rodeo, Spur, ThreadedRodeo};
use makai::string::{Interner, Str, SyncInterner};
use makai_benches::Rng;
use string_interner::DefaultStringInterner;

const HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "cache-control",
    "connection",
    "date",
    "server",
    "x-request-id",
    "request-id",
    "anthropic-ratelimit-requests-limit",
    "anthropic-ratelimit-requests-remaining",
    "anthropic-ratelimit-tokens-reset",
    "retry-after",
    "transfer-encoding",
    "cf-ray",
    "via",
    "accept",
    "authorization",
    "user-agent",
    "x-api-key",
    "anthropic-version",
];
const EVENTS: &[&str] = &[
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
    "text_delta",
    "input_json_delta",
    "thinking_delta",
    "signature_delta",
];
const MODELS: &[&str] = &[
    "claude-sonnet-4-5-20250929",
    "claude-opus-4-1-20250805",
    "claude-haiku-4-5",
    "claude-3-5-haiku-latest",
    "gpt-4o",
    "gpt-4o-mini",
    "o3",
    "gemini-2.5-pro",
    "llama-3.1-70b-instruct",
    "mistral-large-2411",
];

const VOCAB: usize = 4096;
const LOOKUPS: usize = 16384;

fn base62(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for b in out.iter_mut().rev() {
        *b = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap()
}

/// `n` distinct strings; `salt` makes a disjoint set (for misses).
fn vocabulary(n: usize, salt: u64) -> Vec<String> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut out: Vec<String> = Vec::with_capacity(n);
    if salt == 0 {
        out.extend(
            HEADERS
                .iter()
                .chain(EVENTS)
                .chain(MODELS)
                .map(|s| s.to_string()),
        );
    }
    let mut seen: std::collections::HashSet<String> = out.iter().cloned().collect();
    while out.len() < n {
        let i = rng.next_u64();
        let s = match i % 6 {
            0 => format!("toolu_01{}", base62(rng.next_u64(), 16)),
            1 => format!("field_{}", rng.below(100_000)),
            2 => format!("x-meta-{}-{}", salt, rng.below(1_000_000)),
            3 => format!("{}_{}", EVENTS[rng.below(EVENTS.len())], rng.below(1000)),
            4 => base62(rng.next_u64(), 2 + rng.below(10)),
            _ => format!("srv_{}", base62(rng.next_u64(), 8 + rng.below(24))),
        };
        if seen.insert(s.clone()) {
            out.push(s);
        }
    }
    out
}

/// Indices into `vocab`: half from the 64 most common, half uniform.
fn lookup_sequence(vocab_len: usize, len: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng(seed | 1);
    (0..len)
        .map(|_| {
            if rng.next_u64() & 1 == 0 {
                rng.below(64)
            } else {
                rng.below(vocab_len)
            }
        })
        .collect()
}

static HIT_STATIC: SyncInterner = SyncInterner::new();
/// Distinct salts for fresh miss sets, so ustr's global cache never sees a string twice.
static SALT: AtomicUsize = AtomicUsize::new(1);

fn fresh_words(n: usize) -> Vec<String> {
    vocabulary(n, SALT.fetch_add(1, Ordering::Relaxed) as u64)
}

fn clear_ustr() {
    // SAFETY: no `Ustr` created before this call is used after it: every benchmark drops its
    // outputs before the next setup runs (`BatchSize::PerIteration`).
    unsafe { ustr::_clear_cache() };
}

fn bench_hit(c: &mut Criterion, vocab: &[String], seq: &[usize]) {
    let words: Vec<&str> = seq.iter().map(|&i| vocab[i].as_str()).collect();
    let mut g = c.benchmark_group("interner_hit");
    g.throughput(Throughput::Elements(words.len() as u64));

    let makai = Interner::new();
    vocab.iter().for_each(|w| drop(makai.intern(w)));
    g.bench_function("makai_Interner", |b| {
        b.iter(|| {
            for w in &words {
                black_box(makai.intern(black_box(w)));
            }
        })
    });
    let leaked: &'static Interner = Box::leak(Box::new(Interner::new()));
    vocab.iter().for_each(|w| drop(leaked.intern_static(w)));
    g.bench_function("makai_Interner_static", |b| {
        b.iter(|| {
            for w in &words {
                black_box(leaked.intern_static(black_box(w)));
            }
        })
    });
    let sync = SyncInterner::new();
    vocab.iter().for_each(|w| drop(sync.intern(w)));
    g.bench_function("makai_SyncInterner", |b| {
        b.iter(|| {
            for w in &words {
                black_box(sync.intern(black_box(w)));
            }
        })
    });
    vocab.iter().for_each(|w| drop(HIT_STATIC.intern_static(w)));
    g.bench_function("makai_SyncInterner_static", |b| {
        b.iter(|| {
            for w in &words {
                black_box(HIT_STATIC.intern_static(black_box(w)));
            }
        })
    });

    let mut rodeo: Rodeo<Spur> = Rodeo::new();
    vocab.iter().for_each(|w| _ = rodeo.get_or_intern(w));
    g.bench_function("lasso_Rodeo", |b| {
        b.iter(|| {
            for w in &words {
                black_box(rodeo.get_or_intern(black_box(*w)));
            }
        })
    });
    let mut rodeo_fh: Rodeo<Spur, foldhash::fast::RandomState> =
        Rodeo::with_hasher(foldhash::fast::RandomState::default());
    vocab.iter().for_each(|w| _ = rodeo_fh.get_or_intern(w));
    g.bench_function("lasso_Rodeo_foldhash", |b| {
        b.iter(|| {
            for w in &words {
                black_box(rodeo_fh.get_or_intern(black_box(*w)));
            }
        })
    });
    let threaded: ThreadedRodeo<Spur> = ThreadedRodeo::new();
    vocab.iter().for_each(|w| _ = threaded.get_or_intern(w));
    g.bench_function("lasso_ThreadedRodeo", |b| {
        b.iter(|| {
            for w in &words {
                black_box(threaded.get_or_intern(black_box(*w)));
            }
        })
    });
    let mut si = <DefaultStringInterner>::new();
    vocab.iter().for_each(|w| _ = si.get_or_intern(w));
    g.bench_function("string_interner", |b| {
        b.iter(|| {
            for w in &words {
                black_box(si.get_or_intern(black_box(*w)));
            }
        })
    });
    vocab.iter().for_each(|w| _ = ustr::ustr(w));
    g.bench_function("ustr", |b| {
        b.iter(|| {
            for w in &words {
                black_box(ustr::ustr(black_box(w)));
            }
        })
    });
    g.finish();
}

fn bench_miss(c: &mut Criterion) {
    let mut g = c.benchmark_group("interner_miss");
    g.throughput(Throughput::Elements(VOCAB as u64));
    g.bench_function("makai_Interner", |b| {
        b.iter_batched(
            || (Interner::new(), fresh_words(VOCAB)),
            |(i, words)| {
                for w in &words {
                    black_box(i.intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("makai_SyncInterner", |b| {
        b.iter_batched(
            || (SyncInterner::new(), fresh_words(VOCAB)),
            |(i, words)| {
                for w in &words {
                    black_box(i.intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("lasso_Rodeo", |b| {
        b.iter_batched(
            || (Rodeo::<Spur>::new(), fresh_words(VOCAB)),
            |(mut i, words)| {
                for w in &words {
                    black_box(i.get_or_intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("lasso_Rodeo_foldhash", |b| {
        b.iter_batched(
            || {
                let r: Rodeo<Spur, _> = Rodeo::with_hasher(foldhash::fast::RandomState::default());
                (r, fresh_words(VOCAB))
            },
            |(mut i, words)| {
                for w in &words {
                    black_box(i.get_or_intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("lasso_ThreadedRodeo", |b| {
        b.iter_batched(
            || (ThreadedRodeo::<Spur>::new(), fresh_words(VOCAB)),
            |(i, words)| {
                for w in &words {
                    black_box(i.get_or_intern(w.as_str()));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("string_interner", |b| {
        b.iter_batched(
            || (<DefaultStringInterner>::new(), fresh_words(VOCAB)),
            |(mut i, words)| {
                for w in &words {
                    black_box(i.get_or_intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("ustr", |b| {
        b.iter_batched(
            || {
                clear_ustr();
                fresh_words(VOCAB)
            },
            |words| {
                for w in &words {
                    black_box(ustr::ustr(w));
                }
                words
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// 80 % hits (the skewed sequence over the vocabulary), 20 % fresh misses, interleaved.
fn mixed_words(vocab: &[String], seq: &[usize]) -> Vec<String> {
    let misses = fresh_words(seq.len() / 4);
    let mut rng = Rng(7);
    let mut out = Vec::with_capacity(seq.len() + misses.len());
    let mut m = misses.into_iter();
    for &i in seq {
        out.push(vocab[i].clone());
        if rng.below(4) == 0
            && let Some(w) = m.next()
        {
            out.push(w);
        }
    }
    out.extend(m);
    out
}

fn bench_mixed(c: &mut Criterion, vocab: &[String], seq: &[usize]) {
    let mut g = c.benchmark_group("interner_mixed");
    let n = mixed_words(vocab, seq).len();
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("makai_Interner", |b| {
        b.iter_batched(
            || {
                let i = Interner::with_capacity(vocab.len());
                vocab.iter().for_each(|w| drop(i.intern(w)));
                (i, mixed_words(vocab, seq))
            },
            |(i, words)| {
                for w in &words {
                    black_box(i.intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("makai_SyncInterner", |b| {
        b.iter_batched(
            || {
                let i = SyncInterner::new();
                vocab.iter().for_each(|w| drop(i.intern(w)));
                (i, mixed_words(vocab, seq))
            },
            |(i, words)| {
                for w in &words {
                    black_box(i.intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("lasso_Rodeo_foldhash", |b| {
        b.iter_batched(
            || {
                let mut r: Rodeo<Spur, _> =
                    Rodeo::with_hasher(foldhash::fast::RandomState::default());
                vocab.iter().for_each(|w| _ = r.get_or_intern(w));
                (r, mixed_words(vocab, seq))
            },
            |(mut i, words)| {
                for w in &words {
                    black_box(i.get_or_intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("lasso_Rodeo", |b| {
        b.iter_batched(
            || {
                let mut r = Rodeo::<Spur>::new();
                vocab.iter().for_each(|w| _ = r.get_or_intern(w));
                (r, mixed_words(vocab, seq))
            },
            |(mut i, words)| {
                for w in &words {
                    black_box(i.get_or_intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("string_interner", |b| {
        b.iter_batched(
            || {
                let mut i = <DefaultStringInterner>::new();
                vocab.iter().for_each(|w| _ = i.get_or_intern(w));
                (i, mixed_words(vocab, seq))
            },
            |(mut i, words)| {
                for w in &words {
                    black_box(i.get_or_intern(w));
                }
                (i, words)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("ustr", |b| {
        b.iter_batched(
            || {
                clear_ustr();
                vocab.iter().for_each(|w| _ = ustr::ustr(w));
                mixed_words(vocab, seq)
            },
            |words| {
                for w in &words {
                    black_box(ustr::ustr(w));
                }
                words
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn bench_resolve(c: &mut Criterion, vocab: &[String], seq: &[usize]) {
    let mut g = c.benchmark_group("interner_resolve");
    g.throughput(Throughput::Elements(seq.len() as u64));

    let makai = Interner::new();
    let strs: Vec<Str> = seq.iter().map(|&i| makai.intern(&vocab[i])).collect();
    g.bench_function("makai_Str", |b| {
        b.iter(|| {
            for s in &strs {
                black_box(black_box(s).as_str());
            }
        })
    });
    let mut rodeo: Rodeo<Spur, foldhash::fast::RandomState> =
        Rodeo::with_hasher(foldhash::fast::RandomState::default());
    let keys: Vec<Spur> = seq
        .iter()
        .map(|&i| rodeo.get_or_intern(&vocab[i]))
        .collect();
    g.bench_function("lasso_Rodeo", |b| {
        b.iter(|| {
            for k in &keys {
                black_box(rodeo.resolve(black_box(k)));
            }
        })
    });
    let mut si = <DefaultStringInterner>::new();
    let syms: Vec<_> = seq.iter().map(|&i| si.get_or_intern(&vocab[i])).collect();
    g.bench_function("string_interner", |b| {
        b.iter(|| {
            for s in &syms {
                black_box(si.resolve(*black_box(s)));
            }
        })
    });
    clear_ustr();
    let us: Vec<ustr::Ustr> = seq.iter().map(|&i| ustr::ustr(&vocab[i])).collect();
    g.bench_function("ustr", |b| {
        b.iter(|| {
            for u in &us {
                black_box(black_box(u).as_str());
            }
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let vocab = vocabulary(VOCAB, 0);
    let short = vocab.iter().filter(|s| s.len() <= 16).count();
    let mean = vocab.iter().map(String::len).sum::<usize>() as f64 / vocab.len() as f64;
    println!(
        "vocabulary: {} distinct strings, mean {mean:.1} bytes, {short} of 16 bytes or less",
        vocab.len()
    );
    let seq = lookup_sequence(vocab.len(), LOOKUPS, 42);
    bench_hit(c, &vocab, &seq);
    bench_resolve(c, &vocab, &seq);
    bench_miss(c);
    bench_mixed(c, &vocab, &seq);
}

criterion_group!(interner, benches);
criterion_main!(interner);
