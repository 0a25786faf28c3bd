//! `makai::string::encode` (and `EncStr`) against simdutf, encoding_rs and std.
//!
//! Inputs: ASCII prose, Latin-1 prose (French and German, one byte per letter), CJK text and
//! emoji-heavy chat text, each cut into many distinct pieces of 64 B, 4 KiB and 1 MiB from a
//! 2 MiB corpus (so a 64 B run touches 32768 different strings, not one hot value). Every
//! iteration converts every piece of its size once; throughput is input bytes per second.
//!
//! Groups: `latin1_to_utf8`, `utf16_to_utf8` (into a buffer, and allocating vs
//! `String::from_utf16`), `utf8_to_utf16`, `validate_utf8`, `first_non_ascii`,
//! `eq_ignore_ascii_case` and `starts_with_ignore_ascii_case` (HTTP header names, half
//! equal), `index_of_byte`; the remaining wrappers against the call they make
//! (`validate_utf16`, `latin1_to_utf16`, `utf8_len_from_latin1`, `index_of_any`, `find`, at
//! 64 B and 4 KiB); and `EncStr` construction and clone against `Str` (4096 distinct strings
//! per length).
//!
//! Reproduce: `cargo bench -p makai-benches --bench encode -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use makai::string::{EncStr, Str, encode};

const CORPUS: usize = 2 << 20;
const SIZES: [(usize, &str); 3] = [(64, "64B"), (4096, "4KiB"), (1 << 20, "1MiB")];

/// A small deterministic generator (xorshift) so corpora are the same in every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

fn corpus(words: &[&str], sep: &str) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut s = String::with_capacity(CORPUS + 64);
    while s.len() < CORPUS {
        s.push_str(words[rng.next() % words.len()]);
        s.push_str(sep);
    }
    s
}

fn ascii_text() -> String {
    corpus(
        &[
            "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "server", "request",
            "stream", "token", "delta", "tool_use", "function", "response", "latency", "Bun",
        ],
        " ",
    )
}

fn latin1_text() -> String {
    corpus(
        &[
            "café", "crème", "brûlée", "naïve", "façade", "über", "Straße", "Grüße", "à", "la",
            "carte", "déjà", "vu", "el", "niño", "año", "Köln", "Zürich", "et", "les", "mots",
        ],
        " ",
    )
}

fn cjk_text() -> String {
    corpus(
        &[
            "漢字",
            "かな",
            "交じり",
            "文",
            "の",
            "例",
            "です",
            "東京",
            "北京",
            "서울",
            "天気",
            "今日は",
            "晴れ",
            "。",
            "、",
            "中文",
            "日本語",
        ],
        "",
    )
}

fn emoji_text() -> String {
    corpus(
        &[
            "😀", "🎉", "🚀", "👍🏽", "❤️", "🔥", "ok", "lol", "🙈", "🇯🇵", "✨", "👀",
        ],
        " ",
    )
}

/// `text` cut into pieces of about `size` bytes at character boundaries.
fn pieces(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    while start + size <= text.len() {
        let mut end = start + size;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

fn total(pieces: &[impl AsRef<[u8]>]) -> u64 {
    pieces.iter().map(|p| p.as_ref().len() as u64).sum()
}

fn latin1_to_utf8(c: &mut Criterion) {
    let mut g = c.benchmark_group("latin1_to_utf8");
    for (kind, text) in [("ascii", ascii_text()), ("latin1", latin1_text())] {
        let latin1: Vec<u8> = text
            .chars()
            .map(|ch| u8::try_from(ch).expect("Latin-1"))
            .collect();
        for (size, label) in SIZES {
            let inputs: Vec<&[u8]> = latin1.chunks_exact(size).collect();
            g.throughput(Throughput::Bytes(total(&inputs)));
            let id = |who: &str| BenchmarkId::new(who, format!("{kind}/{label}"));
            let mut out = vec![0u8; 2 * size];
            g.bench_function(id("makai"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        black_box(encode::latin1_to_utf8_into(s, &mut out).unwrap());
                    }
                })
            });
            g.bench_function(id("simdutf"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        // SAFETY: `out` holds twice the input, the most Latin-1 can grow.
                        black_box(unsafe {
                            simdutf::convert_latin1_to_utf8(s.as_ptr(), s.len(), out.as_mut_ptr())
                        });
                    }
                })
            });
            g.bench_function(id("encoding_rs"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        black_box(encoding_rs::mem::convert_latin1_to_utf8(s, &mut out));
                    }
                })
            });
            let mut string = String::with_capacity(2 * size);
            g.bench_function(id("std_char_loop"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        string.clear();
                        string.extend(s.iter().map(|&b| char::from(b)));
                        black_box(string.len());
                    }
                })
            });
        }
    }
    g.finish();
}

fn utf16_inputs() -> Vec<(&'static str, String)> {
    vec![
        ("ascii", ascii_text()),
        ("latin1", latin1_text()),
        ("cjk", cjk_text()),
        ("emoji", emoji_text()),
    ]
}

fn utf16_to_utf8(c: &mut Criterion) {
    let mut g = c.benchmark_group("utf16_to_utf8");
    for (kind, text) in utf16_inputs() {
        for (size, label) in SIZES {
            let inputs: Vec<Vec<u16>> = pieces(&text, size)
                .iter()
                .map(|p| p.encode_utf16().collect())
                .collect();
            let bytes: u64 = inputs.iter().map(|u| 2 * u.len() as u64).sum();
            g.throughput(Throughput::Bytes(bytes));
            let id = |who: &str| BenchmarkId::new(who, format!("{kind}/{label}"));
            let max = inputs.iter().map(Vec::len).max().unwrap_or(0);
            let mut out = vec![0u8; 3 * max];
            g.bench_function(id("makai"), |b| {
                b.iter(|| {
                    for u in &inputs {
                        black_box(encode::utf16_to_utf8_into(u, &mut out).unwrap());
                    }
                })
            });
            g.bench_function(id("simdutf"), |b| {
                b.iter(|| {
                    for u in &inputs {
                        // SAFETY: `out` holds three bytes per unit, the most UTF-16 can grow.
                        black_box(unsafe {
                            simdutf::convert_utf16_to_utf8(u.as_ptr(), u.len(), out.as_mut_ptr())
                        });
                    }
                })
            });
            g.bench_function(id("encoding_rs"), |b| {
                b.iter(|| {
                    for u in &inputs {
                        black_box(encoding_rs::mem::convert_utf16_to_utf8(u, &mut out));
                    }
                })
            });
            g.bench_function(id("makai_string"), |b| {
                b.iter(|| {
                    for u in &inputs {
                        black_box(encode::utf16_to_string(u));
                    }
                })
            });
            g.bench_function(id("std_from_utf16"), |b| {
                b.iter(|| {
                    for u in &inputs {
                        black_box(String::from_utf16(u).unwrap());
                    }
                })
            });
        }
    }
    g.finish();
}

fn utf8_to_utf16(c: &mut Criterion) {
    let mut g = c.benchmark_group("utf8_to_utf16");
    for (kind, text) in utf16_inputs() {
        for (size, label) in SIZES {
            let inputs = pieces(&text, size);
            g.throughput(Throughput::Bytes(total(&inputs)));
            let id = |who: &str| BenchmarkId::new(who, format!("{kind}/{label}"));
            let mut out = vec![0u16; size + 1]; // encoding_rs asks for one unit more than the input
            g.bench_function(id("makai"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        black_box(encode::utf8_to_utf16_into(s.as_bytes(), &mut out).unwrap());
                    }
                })
            });
            g.bench_function(id("simdutf"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        // SAFETY: `out` holds one unit per input byte, the most UTF-8 needs.
                        black_box(unsafe {
                            simdutf::convert_utf8_to_utf16(s.as_ptr(), s.len(), out.as_mut_ptr())
                        });
                    }
                })
            });
            g.bench_function(id("encoding_rs"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        black_box(encoding_rs::mem::convert_utf8_to_utf16(
                            s.as_bytes(),
                            &mut out,
                        ));
                    }
                })
            });
            g.bench_function(id("std_encode_utf16"), |b| {
                b.iter(|| {
                    for s in &inputs {
                        let mut n = 0;
                        for (d, u) in out.iter_mut().zip(s.encode_utf16()) {
                            *d = u;
                            n += 1;
                        }
                        black_box(n);
                    }
                })
            });
        }
    }
    g.finish();
}

fn validate(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate_utf8");
    for (kind, text) in utf16_inputs() {
        for (size, label) in SIZES {
            let inputs = pieces(&text, size);
            g.throughput(Throughput::Bytes(total(&inputs)));
            let id = |who: &str| BenchmarkId::new(who, format!("{kind}/{label}"));
            g.bench_function(id("makai"), |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|s| encode::is_utf8(black_box(s.as_bytes())))
                        .count()
                })
            });
            g.bench_function(id("simdutf"), |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|s| simdutf::validate_utf8(black_box(s.as_bytes())))
                        .count()
                })
            });
            g.bench_function(id("std"), |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|s| std::str::from_utf8(black_box(s.as_bytes())).is_ok())
                        .count()
                })
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("first_non_ascii");
    // ASCII text with one non-ASCII byte near the end of each piece: the full scan.
    let text = ascii_text();
    for (size, label) in SIZES {
        let inputs: Vec<Vec<u8>> = text
            .as_bytes()
            .chunks_exact(size)
            .map(|c| {
                let mut v = c.to_vec();
                v[size - 3] = 0xE9;
                v
            })
            .collect();
        g.throughput(Throughput::Bytes(total(&inputs)));
        let id = |who: &str| BenchmarkId::new(who, label);
        g.bench_function(id("makai"), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| encode::first_non_ascii(black_box(s)))
                    .sum::<usize>()
            })
        });
        g.bench_function(id("simdutf"), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .map(|s| simdutf::validate_ascii_with_errors(black_box(s)).count)
                    .sum::<usize>()
            })
        });
        g.bench_function(id("std_position"), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| black_box(s).iter().position(|&b| b >= 0x80))
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

fn ascii_helpers(c: &mut Criterion) {
    let mut g = c.benchmark_group("eq_ignore_ascii_case");
    let names = [
        "Content-Type",
        "Content-Length",
        "Accept-Encoding",
        "Authorization",
        "Host",
        "User-Agent",
        "X-Request-Id",
        "Cache-Control",
        "Transfer-Encoding",
        "Connection",
        "Sec-WebSocket-Accept",
        "Access-Control-Allow-Origin",
        "If-None-Match",
        "Cookie",
    ];
    // Pairs: half the same name in another case, half a different name of similar length.
    let mut rng = Rng(7);
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = (0..4096)
        .map(|i| {
            let a = names[rng.next() % names.len()];
            let b = if i % 2 == 0 {
                a.to_ascii_lowercase()
            } else {
                names[rng.next() % names.len()].to_ascii_uppercase()
            };
            (a.as_bytes().to_vec(), b.into_bytes())
        })
        .collect();
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("makai", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|(x, y)| encode::eq_ignore_ascii_case(black_box(x), y))
                .count()
        })
    });
    g.bench_function("std", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|(x, y)| black_box(x).eq_ignore_ascii_case(y))
                .count()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("starts_with_ignore_ascii_case");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    // The first six bytes of the other name as the prefix: half match.
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = pairs
        .into_iter()
        .map(|(x, y)| {
            let n = y.len().min(6);
            (x, y[..n].to_vec())
        })
        .collect();
    g.bench_function("makai", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|(x, p)| encode::starts_with_ignore_ascii_case(black_box(x), p))
                .count()
        })
    });
    g.bench_function("std", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|(x, p)| {
                    let x = black_box(x);
                    x.len() >= p.len() && x[..p.len()].eq_ignore_ascii_case(p)
                })
                .count()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("index_of_byte");
    let text = ascii_text();
    for (size, label) in SIZES {
        let inputs = pieces(&text, size);
        g.throughput(Throughput::Bytes(total(&inputs)));
        // 'z' is rare in the word list (only "lazy"), so most searches scan far.
        g.bench_function(BenchmarkId::new("makai", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| encode::index_of_byte(black_box(s.as_bytes()), b'z'))
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("memchr", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| memchr::memchr(b'z', black_box(s.as_bytes())))
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("std_position", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| black_box(s.as_bytes()).iter().position(|&c| c == b'z'))
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

/// The wrappers with no group above, each against the call it makes, at 64 B and 4 KiB
/// (call overhead shows at the small size; the 1 MiB rows above already cover throughput).
fn wrappers(c: &mut Criterion) {
    const SMALL_SIZES: [(usize, &str); 2] = [(64, "64B"), (4096, "4KiB")];

    let mut g = c.benchmark_group("validate_utf16");
    for (kind, text) in [("ascii", ascii_text()), ("emoji", emoji_text())] {
        for (size, label) in SMALL_SIZES {
            let inputs: Vec<Vec<u16>> = pieces(&text, size)
                .iter()
                .map(|p| p.encode_utf16().collect())
                .collect();
            g.throughput(Throughput::Bytes(
                inputs.iter().map(|u| 2 * u.len() as u64).sum(),
            ));
            let id = |who: &str| BenchmarkId::new(who, format!("{kind}/{label}"));
            g.bench_function(id("makai"), |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|u| encode::is_utf16(black_box(u)))
                        .count()
                })
            });
            g.bench_function(id("simdutf"), |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|u| simdutf::validate_utf16(black_box(u)))
                        .count()
                })
            });
            g.bench_function(id("std_decode_utf16"), |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|u| {
                            char::decode_utf16(black_box(u).iter().copied()).all(|r| r.is_ok())
                        })
                        .count()
                })
            });
        }
    }
    g.finish();

    let latin1: Vec<u8> = latin1_text()
        .chars()
        .map(|ch| u8::try_from(ch).expect("Latin-1"))
        .collect();

    let mut g = c.benchmark_group("latin1_to_utf16");
    for (size, label) in SMALL_SIZES {
        let inputs: Vec<&[u8]> = latin1.chunks_exact(size).collect();
        g.throughput(Throughput::Bytes(total(&inputs)));
        let mut out = vec![0u16; size];
        g.bench_function(BenchmarkId::new("makai", label), |b| {
            b.iter(|| {
                for s in &inputs {
                    black_box(encode::latin1_to_utf16_into(s, &mut out).unwrap());
                }
            })
        });
        g.bench_function(BenchmarkId::new("simdutf", label), |b| {
            b.iter(|| {
                for s in &inputs {
                    // SAFETY: `out` holds one unit per input byte, the whole output.
                    black_box(unsafe {
                        simdutf::convert_latin1_to_utf16(s.as_ptr(), s.len(), out.as_mut_ptr())
                    });
                }
            })
        });
        g.bench_function(BenchmarkId::new("encoding_rs", label), |b| {
            b.iter(|| {
                for s in &inputs {
                    encoding_rs::mem::convert_latin1_to_utf16(s, &mut out);
                    black_box(&out);
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("utf8_len_from_latin1");
    for (size, label) in SMALL_SIZES {
        let inputs: Vec<&[u8]> = latin1.chunks_exact(size).collect();
        g.throughput(Throughput::Bytes(total(&inputs)));
        g.bench_function(BenchmarkId::new("makai", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .map(|s| encode::utf8_len_from_latin1(black_box(s)))
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("simdutf", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .map(|s| simdutf::utf8_length_from_latin1(black_box(s)))
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    let text = ascii_text();
    let mut g = c.benchmark_group("index_of_any");
    for (size, label) in SMALL_SIZES {
        let inputs = pieces(&text, size);
        g.throughput(Throughput::Bytes(total(&inputs)));
        // Three bytes that are rare in the word list: most searches scan far.
        g.bench_function(BenchmarkId::new("makai", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| encode::index_of_any(black_box(s.as_bytes()), b"zxB"))
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("memchr3", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| memchr::memchr3(b'z', b'x', b'B', black_box(s.as_bytes())))
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("find");
    for (size, label) in SMALL_SIZES {
        let inputs = pieces(&text, size);
        g.throughput(Throughput::Bytes(total(&inputs)));
        g.bench_function(BenchmarkId::new("makai", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| encode::find(black_box(s.as_bytes()), b"lazy dog"))
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("memmem", label), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter_map(|s| memchr::memmem::find(black_box(s.as_bytes()), b"lazy dog"))
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

fn enc_str(c: &mut Criterion) {
    // 4096 distinct strings per length, from the mixed ASCII/Latin-1 corpus.
    let text = latin1_text();
    let mut g = c.benchmark_group("enc_str_new");
    for len in [8usize, 15, 32, 200] {
        let inputs: Vec<&str> = pieces(&text, len).into_iter().take(4096).collect();
        g.throughput(Throughput::Elements(inputs.len() as u64));
        g.bench_function(BenchmarkId::new("EncStr", len), |b| {
            b.iter(|| {
                for s in &inputs {
                    black_box(EncStr::from(black_box(*s)));
                }
            })
        });
        g.bench_function(BenchmarkId::new("Str", len), |b| {
            b.iter(|| {
                for s in &inputs {
                    black_box(Str::from(black_box(*s)));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("enc_str_clone");
    for len in [8usize, 200] {
        let encs: Vec<EncStr> = pieces(&text, len)
            .into_iter()
            .take(4096)
            .map(EncStr::from)
            .collect();
        let strs: Vec<Str> = pieces(&text, len)
            .into_iter()
            .take(4096)
            .map(Str::from)
            .collect();
        g.throughput(Throughput::Elements(encs.len() as u64));
        g.bench_function(BenchmarkId::new("EncStr", len), |b| {
            b.iter(|| {
                for s in &encs {
                    black_box(black_box(s).clone());
                }
            })
        });
        g.bench_function(BenchmarkId::new("Str", len), |b| {
            b.iter(|| {
                for s in &strs {
                    black_box(black_box(s).clone());
                }
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // 20 samples: a 1 MiB row converts 2 MiB per iteration, and 100 linear samples would
    // stretch a one-second measurement to many seconds.
    config = Criterion::default().sample_size(20);
    targets = latin1_to_utf8, utf16_to_utf8, utf8_to_utf16, validate, ascii_helpers, wrappers, enc_str
}
criterion_main!(benches);
