//! makai-string: a batch of event names built with one allocation, `Str`s shared across
//! threads, and a `SmolStr` that grows past its inline bytes and freezes without a copy.

use std::alloc::Layout;
use std::cell::Cell;
use std::ptr::NonNull;

use makai::alloc::{Allocator, Global};
use makai::error::AllocError;
use makai::string::{SmolStr, Str, StringBuilder};

/// Counts the blocks it hands out, forwarding to `Global`.
#[derive(Default)]
struct Counting(Cell<usize>);

// SAFETY: forwards to `Global` unchanged; the counter does not touch memory.
unsafe impl Allocator for Counting {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.0.set(self.0.get() + 1);
        Global.allocate(layout)
    }
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the block came from `Global` through `allocate` with this layout.
        unsafe { Global.deallocate(ptr, layout) }
    }
}

const KINDS: [&str; 6] = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
];

pub(crate) fn section() {
    crate::heading("makai-string: 16-byte strings, and a builder that allocates once");
    println!(
        "size_of: Str {} B, Option<Str> {} B, SmolStr {} B; String {} B, Arc<str> {} B + a 16 B header",
        size_of::<Str>(),
        size_of::<Option<Str>>(),
        size_of::<SmolStr>(),
        size_of::<String>(),
        size_of::<std::sync::Arc<str>>(),
    );

    // 1000 event names: count, allocate once, append through `&self`, keep every slice.
    let counting = Counting::default();
    let mut b = StringBuilder::new_in(&counting);
    for i in 0..1000 {
        b.count_fmt(format_args!("stream.{}#{i}", KINDS[i % KINDS.len()]));
    }
    let counted = b.len();
    let filler = b.allocate();
    let names: Vec<&str> = (0..1000)
        .map(|i| filler.append_fmt(format_args!("stream.{}#{i}", KINDS[i % KINDS.len()])))
        .collect();
    println!(
        "StringBuilder: {} names, {counted} bytes, {} allocation(s) from the builder's allocator",
        names.len(),
        counting.0.get()
    );
    println!(
        "  all slices usable at once: {:?} .. {:?}",
        names[0], names[999]
    );
    drop(names);

    // The same kind of batch as one shareable `Str`, without copying the buffer.
    let mut b = StringBuilder::new();
    for k in KINDS {
        b.count(k).count(";");
    }
    let filler = b.allocate();
    let first = filler.append(KINDS[0]).as_ptr();
    filler.append(";");
    for k in &KINDS[1..] {
        filler.append(k);
        filler.append(";");
    }
    let all = filler.into_str();
    println!(
        "into_str: {} bytes, same address as the first append: {}",
        all.len(),
        all.as_ptr() == first
    );

    // `Str`s shared across threads: clones are an atomic increment (heap) or a 16-byte copy.
    let shared: Vec<Str> = KINDS
        .iter()
        .map(|k| Str::from(format!("anthropic.stream.{k}")))
        .chain([Str::from_static("a static name, never allocated")])
        .collect();
    let totals: Vec<usize> = (0..4)
        .map(|t| {
            let mine: Vec<Str> = shared.clone();
            std::thread::spawn(move || {
                (0..10_000)
                    .map(|i| mine[(i + t) % mine.len()].clone().len())
                    .sum::<usize>()
            })
        })
        .map(|h| h.join().expect("the thread does not panic"))
        .collect();
    println!(
        "4 threads cloned {} shared Strs 10 000 times each; bytes seen per thread: {totals:?}",
        shared.len()
    );
    println!(
        "  a clone shares the buffer: {}",
        Str::ptr_eq(&shared[2], &shared[2].clone())
    );

    // A `SmolStr` growing one character at a time, then frozen without a copy.
    let mut s = SmolStr::new();
    let mut spilled_at = None;
    for c in "tool_use.input_json_delta".chars() {
        s.push(c);
        if spilled_at.is_none() && !s.is_inline() {
            spilled_at = Some(s.len());
        }
    }
    let addr = s.as_ptr();
    println!(
        "SmolStr {s:?}: inline up to 16 bytes, moved to the heap at {} bytes (capacity now {})",
        spilled_at.unwrap_or(0),
        s.capacity()
    );
    let frozen: Str = s.freeze();
    println!(
        "  freeze -> Str at the same address: {} (no copy, no reallocation)",
        frozen.as_ptr() == addr
    );
}
