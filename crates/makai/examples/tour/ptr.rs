//! makai-ptr: a tokenizer whose tokens borrow the input and own only what needed unescaping, and
//! a configuration object shared by reference count.

use std::borrow::Cow;

use makai::ptr::{AtomicShared, CowStr, Shared};

/// Splits `input` into whitespace-separated tokens; a quoted token with backslash escapes is
/// unescaped into owned storage, every other token borrows the input.
fn tokenize(input: &str) -> Vec<CowStr<'_>> {
    input
        .split_ascii_whitespace()
        .map(|t| {
            if t.contains('\\') {
                let mut out = String::with_capacity(t.len());
                let mut chars = t.chars();
                while let Some(c) = chars.next() {
                    match (c, c == '\\') {
                        (_, true) => match chars.next() {
                            Some('n') => out.push('\n'),
                            Some('t') => out.push('\t'),
                            Some(other) => out.push(other),
                            None => {}
                        },
                        (c, false) => out.push(c),
                    }
                }
                CowStr::from_string(out)
            } else {
                CowStr::borrowed(t)
            }
        })
        .collect()
}

pub(crate) fn section() {
    crate::heading("makai-ptr: 16-byte copy-on-write tokens, 4-byte reference counts");

    let line = r#"GET /api/v1/items "name\"with\"quotes" limit=50 Host: example.com Accept: */* Connection: keep-alive "#;
    let input: String = line.repeat(2_000);
    let tokens = tokenize(&input);
    let owned = tokens.iter().filter(|t| t.is_owned()).count();
    let within_input = tokens
        .iter()
        .filter(|t| input.as_bytes().as_ptr_range().contains(&t.as_ptr()))
        .count();
    println!(
        "tokenized {} bytes into {} tokens: {} borrow the input, {} own an unescaped copy",
        input.len(),
        tokens.len(),
        within_input,
        owned
    );
    println!(
        "  token 2 in the input: {}   unescaped into owned storage: {}",
        input.split_ascii_whitespace().nth(2).unwrap_or_default(),
        tokens[2].as_str()
    );
    println!(
        "  size_of: CowStr {} bytes, std Cow<str> {} bytes; Vec of these tokens: {} KiB vs {} KiB",
        size_of::<CowStr<'_>>(),
        size_of::<Cow<'_, str>>(),
        tokens.len() * size_of::<CowStr<'_>>() / 1024,
        tokens.len() * size_of::<Cow<'_, str>>() / 1024
    );
    // Keeping a token past the input's lifetime is a compile error; `into_static` copies it.
    let kept: CowStr<'static> = tokens[1].clone().into_static();
    drop(tokens);
    drop(input);
    println!("  kept past the input with into_static: {kept:?}");

    // A shared configuration: one allocation, counted across clones.
    let config = Shared::new(vec!["gzip", "br"]);
    let users: Vec<Shared<Vec<&str>>> = (0..5).map(|_| config.clone()).collect();
    println!(
        "Shared<Vec<_>>: {} bytes per handle, count after 5 clones = {}",
        size_of::<Shared<Vec<&str>>>(),
        config.ref_count()
    );
    drop(users);
    println!("  count after dropping them = {}", config.ref_count());

    let stats = AtomicShared::new(std::sync::atomic::AtomicU64::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let stats = stats.clone();
            std::thread::spawn(move || {
                for _ in 0..1000 {
                    // Relaxed: a counter read after the threads are joined.
                    stats.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker thread panicked");
    }
    println!(
        "AtomicShared counter across 2 threads: {} increments, handle count back to {}",
        // Relaxed: the workers were joined, which orders their updates before this load.
        stats.load(std::sync::atomic::Ordering::Relaxed),
        stats.ref_count()
    );
}
