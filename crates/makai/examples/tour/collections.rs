//! makai-collections: a request pool that overflows into the heap, and a byte stream through a
//! fixed ring buffer with `io::Write` / `io::BufRead`.

use std::io::{BufRead, Read, Write};

use makai::collections::{FallbackBox, HiveArray, HiveBox, HiveFallback, LinearFifo, Static};

/// A request object, as a server would pool it.
struct Request {
    id: u32,
    path: String,
}

pub(crate) fn section() {
    crate::heading("makai-collections: pools with stable addresses, rings that never lose an item");

    // 64 inline slots (the parameter is the capacity in slots), then the heap. Built in place
    // on the heap: no stack copy of the pool.
    let pool = HiveFallback::<Request, 64>::new_boxed();
    println!(
        "request pool: {} inline slots, {} bytes; a FallbackBox is {} bytes, a HiveBox {}",
        pool.hive().capacity(),
        size_of::<HiveFallback<Request, 64>>(),
        size_of::<FallbackBox<'_, Request>>(),
        size_of::<HiveBox<'_, Request>>()
    );
    // Small pools cost what they hold: Bun's 4-slot pool of 1 KiB connection states.
    println!(
        "a 4-slot hive of 1 KiB states is {} bytes (slots + {} bytes of bitmap and bookkeeping)",
        size_of::<HiveArray<[u8; 1024], 4>>(),
        size_of::<HiveArray<[u8; 1024], 4>>() - 4 * 1024
    );

    // A burst of 100 concurrent requests: the first 64 get hive slots, the rest spill.
    let burst: Vec<FallbackBox<'_, Request>> = (0..100)
        .map(|id| {
            pool.alloc(Request {
                id,
                path: format!("/item/{id}"),
            })
        })
        .collect();
    let in_hive = burst
        .iter()
        .filter(|r| pool.hive().contains(&raw const ***r))
        .count();
    println!(
        "burst of {}: {in_hive} in the hive, fallback_count() = {} (size N for the peak)",
        burst.len(),
        pool.fallback_count()
    );
    let addr = FallbackBox::as_ptr(&burst[10]);
    println!(
        "request {} at slot {:?}, path {}",
        burst[10].id,
        pool.hive().index_of(addr.as_ptr()),
        burst[10].path
    );

    // Finish half of the hive's requests: their slots come back, lowest first.
    let mut burst = burst;
    burst.retain(|r| r.id % 2 == 1 || r.id >= 64);
    let next = pool.alloc(Request {
        id: 1000,
        path: "/late".into(),
    });
    println!(
        "after finishing the even requests, a new one takes slot {:?}; hive holds {}, spills still {}",
        pool.hive().index_of(&raw const *next),
        pool.hive().len(),
        pool.fallback_count()
    );
    drop((burst, next));
    println!(
        "all done: hive empty = {}, heap blocks freed back to the allocator",
        pool.hive().is_empty()
    );

    // A byte stream through a 32-byte ring: the writer and reader interleave, so the data
    // wraps around the end of the buffer.
    let mut ring = LinearFifo::<u8, Static<32>>::new();
    let request = b"GET /item/7 HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n";
    let mut lines = Vec::new();
    let mut sent = 0;
    let mut wrapped = false;
    while sent < request.len() || !ring.is_empty() {
        // The writer pushes whatever fits (io::Write on fixed storage writes what fits).
        sent += Write::write(&mut ring, &request[sent..]).expect("in memory");
        wrapped |= !ring.as_slices().1.is_empty();
        // The reader takes complete lines.
        while ring.fill_buf().expect("in memory").contains(&b'\n')
            || ring.as_slices().1.contains(&b'\n')
        {
            let mut line = String::new();
            ring.read_line(&mut line).expect("valid UTF-8");
            lines.push(line.trim_end().to_owned());
        }
        if sent == request.len() && !ring.is_empty() {
            let mut rest = String::new();
            ring.read_to_string(&mut rest).expect("valid UTF-8");
            lines.push(rest);
        }
    }
    println!(
        "{} bytes through a {}-byte ring (wrapped: {wrapped}), lines: {:?}",
        request.len(),
        ring.capacity(),
        lines
    );
}
