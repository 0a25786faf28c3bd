//! makai-string's encodings, JavaScript style: one word held as Latin-1, UTF-16 and UTF-8
//! `EncStr`s that compare and hash equal, transcoding speed measured on the spot, and a path
//! built in a pooled `PathBuffer` handed to `open(2)` as a NUL-terminated `ZStr`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Instant;

use makai::error::{SysError, Syscall, check};
use makai::string::{EncStr, PathBuffer, ZStr, encode, path_buffer, zstr};

fn hash_of(s: &EncStr) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Opens `path` read-only with `open(2)` and closes it again.
fn open_close(path: &ZStr) -> Result<(), SysError<'_>> {
    // SAFETY: `as_ptr` is a NUL-terminated string that lives across the call.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    let fd = check(fd as isize, Syscall::Open).map_err(|e| e.with_path(path.as_bytes()))?;
    // SAFETY: `fd` was just opened by this function and is closed once.
    unsafe { libc::close(fd as i32) };
    Ok(())
}

pub(crate) fn section() {
    crate::heading("makai-string encodings: one word, three encodings; paths without the heap");

    // What a JavaScript engine hands over: a one-byte (Latin-1) string and a two-byte (UTF-16)
    // one; what a socket hands over: UTF-8.
    let word = "Smörgåsbord";
    let latin1_bytes: Vec<u8> = word
        .chars()
        .map(|c| u8::try_from(c).expect("Latin-1"))
        .collect();
    let utf16_units: Vec<u16> = word.encode_utf16().collect();
    let forms = [
        EncStr::from_latin1(&latin1_bytes),
        EncStr::from_utf16(&utf16_units),
        EncStr::from(word),
    ];
    for s in &forms {
        println!(
            "{:<7} {s:<12} {:>2} units, {:>2} bytes, inline {}, ascii {}, hash {:016x}",
            format!("{:?}", s.encoding()),
            s.len(),
            s.byte_len(),
            s.is_inline(),
            s.is_ascii(),
            hash_of(s)
        );
    }
    let all_equal = forms
        .iter()
        .all(|s| *s == forms[0] && hash_of(s) == hash_of(&forms[0]));
    println!(
        "all three equal and hash-equal: {all_equal}; to_utf8 borrows for UTF-8: {}, converts Latin-1: {}",
        !forms[2].to_utf8().is_owned(),
        forms[0].to_utf8().is_owned()
    );
    let lone = EncStr::from_utf16(&[0x61, 0xD800]);
    println!(
        "a lone surrogate: as str {:?}, as bytes (WTF-8) {:02X?}",
        lone.to_utf8().as_str(),
        encode::utf16_to_wtf8(lone.as_utf16().expect("UTF-16"))
    );
    println!(
        "size_of::<EncStr>() = {} bytes, Option<EncStr> {} bytes",
        size_of::<EncStr>(),
        size_of::<Option<EncStr>>()
    );

    // Transcoding 1 MiB of Latin-1 prose, makai vs a std char loop (one run, this machine).
    let prose: Vec<u8> = b"Cr\xE8me br\xFBl\xE9e, caf\xE9 au lait et na\xEFvet\xE9. "
        .iter()
        .copied()
        .cycle()
        .take(1 << 20)
        .collect();
    let mut out = vec![0u8; 2 << 20];
    let t = Instant::now();
    let n = encode::latin1_to_utf8_into(&prose, &mut out).expect("sized for the worst case");
    let makai_time = t.elapsed();
    let t = Instant::now();
    let std_string: String = prose.iter().map(|&b| char::from(b)).collect();
    let std_time = t.elapsed();
    assert_eq!(&out[..n], std_string.as_bytes());
    println!(
        "Latin-1 -> UTF-8, 1 MiB: makai {makai_time:?}, std char loop {std_time:?} ({:.1}x; simdutf backend: {})",
        std_time.as_secs_f64() / makai_time.as_secs_f64().max(1e-9),
        encode::uses_simdutf()
    );

    // Paths: built in a pooled 4 KiB buffer (no heap, no 4 KiB on this stack frame) and given
    // to open(2) as a NUL-terminated string.
    const CONFIG: &ZStr = zstr!("Cargo.toml");
    let mut p = path_buffer();
    p.push(env!("CARGO_MANIFEST_DIR"))
        .and_then(|p| p.push(CONFIG.as_bytes()))
        .expect("fits");
    println!(
        "open({:?}) -> {:?}",
        p.as_zstr(),
        open_close(p.as_zstr()).map_err(|e| e.to_string())
    );
    p.pop();
    p.push("no-such-file.toml").expect("fits");
    match open_close(p.as_zstr()) {
        Ok(()) => println!("unexpectedly opened {:?}", p.as_zstr()),
        Err(e) => println!("open(<missing>) -> {e}"),
    }
    let too_long = vec![b'x'; PathBuffer::capacity() + 1];
    println!(
        "a {}-byte path -> {}",
        too_long.len(),
        p.push(&too_long).expect_err("too long")
    );
    drop(p);
    println!(
        "pooled path buffers on this thread: {}",
        makai::string::PooledPathBuffer::pooled()
    );
}
