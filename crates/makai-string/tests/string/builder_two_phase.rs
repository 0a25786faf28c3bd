//! The two-phase builder's counting helpers, upper-bound counts that trim, `as_str`,
//! finishing into an arena, and panics that name the caller's line.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use makai_alloc::Arena;
use makai_string::{DisplayLen, Str, StringBuilder};
use proptest::prelude::*;

use super::{counted, panic_message};

proptest! {
    // No failure file (Miri's isolation forbids the file system); XorShift under Miri.
    #![proptest_config(super::encode::config())]

    #[test]
    fn display_len_matches_display(a in any::<i64>(), b in any::<u64>(), c in any::<i8>(),
                                   d in any::<u128>(), e in any::<i128>(), ch in any::<char>(),
                                   s in ".{0,12}") {
        prop_assert_eq!(a.display_len(), a.to_string().len());
        prop_assert_eq!(b.display_len(), b.to_string().len());
        prop_assert_eq!(c.display_len(), c.to_string().len());
        prop_assert_eq!(d.display_len(), d.to_string().len());
        prop_assert_eq!(e.display_len(), e.to_string().len());
        prop_assert_eq!(ch.display_len(), ch.to_string().len());
        prop_assert_eq!(s.display_len(), s.len());
        // Counted without formatting, appended with it: the buffer is exactly full.
        let mut builder = StringBuilder::new();
        builder.count_display(&a).count_display(&b).count_display(&ch).count_display(&s);
        let f = builder.allocate();
        f.append_display(&a);
        f.append_display(&b);
        f.append_display(&ch);
        f.append_display(&s);
        prop_assert_eq!(f.remaining(), 0);
        prop_assert_eq!(&*f.finish(), format!("{a}{b}{ch}{s}"));
    }
}

#[test]
fn display_len_edges() {
    for (n, len) in [
        (0u64, 1),
        (9, 1),
        (10, 2),
        (99, 2),
        (100, 3),
        (u64::MAX, 20),
    ] {
        assert_eq!(n.display_len(), len, "{n}");
    }
    for (n, len) in [(0i32, 1), (-1, 2), (-10, 3), (i32::MIN, 11), (i32::MAX, 10)] {
        assert_eq!(n.display_len(), len, "{n}");
    }
    assert_eq!((true.display_len(), false.display_len()), (4, 5));
    assert_eq!((&&"abc").display_len(), 3);
    assert_eq!(Str::from("shared").display_len(), 6);
    assert_eq!(Box::new(u8::MAX).display_len(), 3);
    // The digit loop of `append_display` at its edges.
    fn shown<T: DisplayLen + ?Sized>(v: &T) -> String {
        let mut b = StringBuilder::new();
        b.count_display(v);
        let f = b.allocate();
        f.append_display(v);
        String::from(f.finish())
    }
    for n in [
        0u128,
        9,
        10,
        99,
        100,
        101,
        999,
        1000,
        u64::MAX as u128,
        u64::MAX as u128 + 1,
        u128::MAX,
    ] {
        assert_eq!(shown(&n), n.to_string());
    }
    for n in [i128::MIN, -100, -99, -10, -9, -1, 0, i128::MAX] {
        assert_eq!(shown(&n), n.to_string());
    }
    assert_eq!(
        (shown(&i8::MIN), shown(&&u16::MAX), shown("s"), shown(&true)),
        ("-128".into(), "65535".into(), "s".into(), "true".into())
    );
}

#[test]
fn upper_bound_counts_trim_on_every_finish() {
    fn escaped<A: makai_alloc::Allocator>(f: &makai_string::Filler<A>, s: &str) {
        for c in s.chars() {
            match c {
                '"' => f.append("\\\""),
                c => f.append(c.encode_utf8(&mut [0; 4])),
            };
        }
    }
    let text = "a \"quoted\" word";
    // Box<str> through the global allocator: one allocation, shrunk (realloc, not counted
    // as a new block by the test allocator).
    let (s, allocs, frees) = counted(|| {
        let mut b = StringBuilder::new();
        b.count_upper_bound(text.len() * 2);
        assert!(!b.is_exact());
        let f = b.allocate();
        escaped(&f, text);
        assert_eq!(f.as_str(), "a \\\"quoted\\\" word");
        f.finish()
    });
    assert_eq!(&*s, "a \\\"quoted\\\" word");
    assert_eq!((allocs, frees), (1, 0));
    drop(s);
    // Nothing appended: an empty box, the block freed.
    let mut b = StringBuilder::new();
    b.count_upper_bound(64);
    let ((), allocs, frees) = counted(|| assert_eq!(&*b.allocate().finish(), ""));
    assert_eq!((allocs, frees), (1, 1));
    // Str: the spare bytes stay as capacity.
    let mut b = StringBuilder::new();
    b.count("id=").count_upper_bound(40);
    let f = b.allocate();
    let addr = f.append("id=").as_ptr();
    f.append_display(&12345u32);
    let s = f.into_str();
    assert_eq!((s.as_str(), s.as_ptr()), ("id=12345", addr));
    // Arena.
    let arena = Arena::new();
    let mut b = StringBuilder::new_in(&arena);
    b.count_upper_bound(100);
    let f = b.allocate();
    escaped(&f, text);
    let s: &str = f.finish();
    assert_eq!(s, "a \\\"quoted\\\" word");
    let mut b = StringBuilder::new_in(&arena);
    b.count_upper_bound(4);
    let empty: &str = b.allocate().finish();
    assert_eq!((s, empty), ("a \\\"quoted\\\" word", ""));
}

#[test]
fn exact_counts_that_are_not_filled_panic_in_every_profile() {
    for finish in 0..4 {
        let err = catch_unwind(AssertUnwindSafe(|| {
            let arena = Arena::new();
            let mut b = StringBuilder::new();
            b.count("0123456789");
            let mut a = StringBuilder::new_in(&arena);
            a.count("0123456789");
            let (f, fa) = (b.allocate(), a.allocate());
            f.append("01234");
            fa.append("01234");
            match finish {
                0 => drop(f.finish()),
                1 => drop(f.finish_bytes()),
                2 => drop(f.into_str()),
                _ => drop(fa.finish()),
            }
        }))
        .unwrap_err();
        let msg = panic_message(err);
        assert!(
            msg.contains("only 5 of the 10 counted bytes were appended"),
            "{msg}"
        );
    }
}

#[test]
fn arena_strings_outlive_their_fillers_and_use_one_arena_block_each() {
    let arena = Arena::new();
    let before = arena.allocated_bytes();
    let names: Vec<&str> = ["message_start", "ping", "message_stop"]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut b = StringBuilder::new_in(&arena);
            b.count(n).count(":").count_display(&i);
            let f = b.allocate();
            f.append(n);
            f.append(":");
            f.append_display(&i);
            f.finish()
        })
        .collect();
    assert_eq!(names, ["message_start:0", "ping:1", "message_stop:2"]);
    assert!(arena.allocated_bytes() >= before);
    let bytes: &[u8] = {
        let mut b = StringBuilder::new_in(&arena);
        b.count_bytes(&[0xFF, 0]);
        let f = b.allocate();
        f.append_bytes(&[0xFF, 0]);
        f.finish_bytes()
    };
    assert_eq!((bytes, names[1]), (&[0xFF, 0][..], "ping:1"));
    // Raw bytes that are not UTF-8 cannot be finished as text.
    let mut b = StringBuilder::new_in(&arena);
    b.count_bytes(&[0xC3]);
    let f = b.allocate();
    f.append_bytes(&[0xC3]);
    let err = catch_unwind(AssertUnwindSafe(|| f.finish().len())).unwrap_err();
    assert!(panic_message(err).contains("not UTF-8"));
}

#[test]
fn as_str_shows_everything_so_far_and_checks_raw_bytes() {
    let mut b = StringBuilder::new();
    b.count("ab").count_bytes(&[0xC3]).count_bytes(&[0xA9]);
    let f = b.allocate();
    assert_eq!(f.as_str(), "");
    let early = f.append("ab");
    let so_far = f.as_str();
    f.append_bytes(&[0xC3]);
    assert_eq!(f.as_bytes(), b"ab\xC3");
    let err = catch_unwind(AssertUnwindSafe(|| f.as_str().len())).unwrap_err();
    assert!(panic_message(err).contains("Filler::as_str"));
    f.append_bytes(&[0xA9]);
    assert_eq!((f.as_str(), so_far, early), ("abé", "ab", "ab"));
    assert_eq!(&*f.finish(), "abé");
}

#[test]
fn write_macro_appends() {
    use std::fmt::Write as _;
    let mut b = StringBuilder::new();
    let x = "x";
    b.count_fmt(format_args!("{}-{x}", 1));
    let mut f = b.allocate();
    write!(f, "{}-{x}", 1).unwrap();
    assert_eq!(&*f.finish(), "1-x");
}

/// Panic locations recorded by a hook, per thread.
static LOCATIONS: Mutex<Vec<(std::thread::ThreadId, String, u32)>> = Mutex::new(Vec::new());

/// Runs `f`, which must panic, and returns the file and line the panic reported.
fn panic_location(f: impl FnOnce()) -> (String, u32) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(l) = info.location() {
                LOCATIONS.lock().unwrap_or_else(|e| e.into_inner()).push((
                    std::thread::current().id(),
                    l.file().to_owned(),
                    l.line(),
                ));
            }
            previous(info);
        }));
    });
    assert!(catch_unwind(AssertUnwindSafe(f)).is_err());
    let me = std::thread::current().id();
    let all = LOCATIONS.lock().unwrap_or_else(|e| e.into_inner());
    let (_, file, line) = all.iter().rev().find(|(t, _, _)| *t == me).unwrap().clone();
    (file, line)
}

#[test]
#[cfg_attr(
    miri,
    ignore = "seven panics through the default hook take minutes under Miri; no unsafe code of its own"
)]
fn every_appending_method_panics_at_the_callers_line() {
    let f = StringBuilder::new().allocate();
    // Each case records its own line next to the call, so formatting cannot move them apart.
    let at_line = std::cell::Cell::new(0);
    let cases: [&dyn Fn(); 5] = [
        &|| _ = (at_line.set(line!()), f.append("x")),
        &|| _ = (at_line.set(line!()), f.append_bytes(b"x")),
        &|| _ = (at_line.set(line!()), f.append_with_nul("x")),
        &|| _ = (at_line.set(line!()), f.append_fmt(format_args!("{}", 10))),
        &|| _ = (at_line.set(line!()), f.append_display(&10)),
    ];
    for case in cases {
        let (file, at) = panic_location(case);
        assert!(file.ends_with("builder_two_phase.rs"), "{file}:{at}");
        assert_eq!(at, at_line.get());
    }
    let (file, at) = panic_location(|| {
        let mut b = StringBuilder::new();
        b.count_len(usize::MAX);
        at_line.set(line!());
        b.count_display(&1u8);
    });
    assert!(
        file.ends_with("builder_two_phase.rs") && at == at_line.get() + 1,
        "{file}:{at}"
    );
    let (file, at) = panic_location(|| {
        let mut b = StringBuilder::new();
        b.count("abc");
        at_line.set(line!());
        let _ = b.allocate().finish();
    });
    assert!(
        file.ends_with("builder_two_phase.rs") && at == at_line.get() + 1,
        "{file}:{at}"
    );
}
