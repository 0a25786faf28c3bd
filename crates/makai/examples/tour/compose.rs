//! The types together: a builder that counts integers without formatting and trims an
//! upper-bound count, a record finished into an arena, conversions between the string types,
//! and `IntoStatic` detaching parsed events from their input line.

use std::time::Instant;

use makai::alloc::Arena;
use makai::ptr::{CowStr, IntoStatic};
use makai::string::{SmolStr, Str, StringBuilder};

/// A parsed event that borrows its input line.
struct Event<'a> {
    kind: CowStr<'a>,
    text: CowStr<'a>,
    index: u32,
}

impl IntoStatic for Event<'_> {
    type Static = Event<'static>;
    fn into_static(self) -> Event<'static> {
        Event {
            kind: self.kind.into_static(),
            text: self.text.into_static(),
            index: self.index,
        }
    }
}

pub(crate) fn section() {
    crate::heading("the types together: counting without formatting, arenas, conversions");

    // 1. 1000 SSE header lines, counted without formatting the integers.
    let n = 1000u32;
    let start = Instant::now();
    let mut b = StringBuilder::new();
    for i in 0..n {
        b.count("id: ").count_display(&i).count("\n");
    }
    let f = b.allocate();
    for i in 0..n {
        f.append("id: ");
        f.append_display(&i);
        f.append("\n");
    }
    let all = f.finish();
    let exact = start.elapsed();
    let start = Instant::now();
    let mut twice = StringBuilder::new();
    for i in 0..n {
        twice.count_fmt(format_args!("id: {i}\n"));
    }
    let f = twice.allocate();
    for i in 0..n {
        f.append_fmt(format_args!("id: {i}\n"));
    }
    let all_fmt = f.finish();
    let formatted = start.elapsed();
    assert_eq!(all, all_fmt);
    println!(
        "{n} header lines, {} bytes, one allocation: count_display + append_display {:?}, \
         count_fmt + append_fmt (formats twice) {:?}",
        all.len(),
        exact,
        formatted
    );

    // 2. Escaping with an upper-bound count: the buffer is trimmed at finish.
    let delta = "she said \"hi\"\n\tthen left";
    let mut b = StringBuilder::new();
    b.count_upper_bound(delta.len() * 2);
    let f = b.allocate();
    for c in delta.chars() {
        match c {
            '"' => f.append("\\\""),
            '\n' => f.append("\\n"),
            '\t' => f.append("\\t"),
            c => f.append(c.encode_utf8(&mut [0; 4])),
        };
    }
    let counted = f.capacity();
    let escaped = f.finish();
    println!(
        "escaped delta: counted {counted} bytes as an upper bound, finished {} bytes: {escaped}",
        escaped.len()
    );

    // 3. Records finished into an arena: `&str`s that live as long as the arena.
    let arena = Arena::new();
    let records: Vec<&str> = ["msg_01", "msg_02", "msg_03"]
        .iter()
        .zip([12u32, 7, 301])
        .map(|(id, tokens)| {
            let mut b = StringBuilder::new_in(&arena);
            b.count(id).count(" tokens=").count_display(&tokens);
            let f = b.allocate();
            f.append(id);
            f.append(" tokens=");
            f.append_display(&tokens);
            f.finish()
        })
        .collect();
    println!(
        "records in the arena: {records:?} ({} arena bytes in use)",
        arena.allocated_bytes()
    );

    // 4. Conversions: a borrowed CowStr, a shared Str, a SmolStr, all comparable.
    let line = String::from("content_block_delta hello");
    {
        let kind = CowStr::borrowed(&line[..19]);
        let shared = Str::from(&kind);
        let scratch = SmolStr::from(kind.clone());
        let view = CowStr::from(&shared);
        println!(
            "CowStr == Str == SmolStr: {}; a CowStr from &Str borrows: {}",
            kind == shared && shared == scratch && scratch == kind,
            !view.is_owned() && view.as_ptr() == shared.as_ptr()
        );
    }

    // 5. IntoStatic: events parsed from a line outlive it.
    let events: Vec<Event<'_>> = line
        .split(' ')
        .enumerate()
        .map(|(i, w)| Event {
            kind: CowStr::borrowed("text_delta"),
            text: CowStr::borrowed(w),
            index: i as u32,
        })
        .collect();
    let kept: Vec<Event<'static>> = events.into_static();
    drop(line);
    println!(
        "{} events kept after their line was dropped: {:?}",
        kept.len(),
        kept.iter()
            .map(|e| format!("{}#{}={}", e.kind, e.index, e.text))
            .collect::<Vec<_>>()
    );
}
