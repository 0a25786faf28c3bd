//! `StringBuilder` against plain concatenation: count a list of pieces, allocate, append the
//! same pieces (checking each returned copy and the text so far), finish in one of the ways
//! offered (`Box<str>`, bytes, `Str`, arena `&str`), and compare with the concatenated `String`.
//! An upper-bound count leaves room that `finish` trims.
#![no_main]

use std::fmt::Write as _;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use makai_alloc::{Allocator, Arena};
use makai_fuzz::Text;
use makai_string::{Filler, StringBuilder};

#[derive(Arbitrary, Debug)]
enum Piece {
    Str(Text),
    /// Valid UTF-8, appended as raw bytes (optionally split in two calls).
    Bytes(Text, u8),
    WithNul(Text),
    Z(Text),
    DisplayU64(u64),
    DisplayI32(i32),
    DisplayChar(char),
    Fmt(u32, Text),
}

#[derive(Arbitrary, Debug)]
enum Finish {
    Boxed,
    Bytes,
    IntoStr,
    Arena,
}

/// Counts every piece into `b`.
fn count<A: Allocator>(b: &mut StringBuilder<A>, pieces: &[Piece]) {
    for p in pieces {
        match p {
            Piece::Str(t) => {
                b.count(&t.0);
            }
            Piece::Bytes(t, _) => {
                b.count_bytes(t.0.as_bytes());
            }
            Piece::WithNul(t) => {
                b.count_with_nul(&t.0);
            }
            Piece::Z(t) => {
                b.count_z(&t.0);
            }
            Piece::DisplayU64(v) => {
                b.count_display(v);
            }
            Piece::DisplayI32(v) => {
                b.count_display(v);
            }
            Piece::DisplayChar(v) => {
                b.count_display(v);
            }
            Piece::Fmt(n, t) => {
                b.count_fmt(format_args!("{n:>5}|{}", t.0));
            }
        }
    }
}

/// Appends every piece to `f` and `model`, checking each returned copy and the text so far.
fn append<A: Allocator>(f: &Filler<A>, pieces: &[Piece], model: &mut String) {
    for p in pieces {
        let before = model.len();
        match p {
            Piece::Str(t) => {
                assert_eq!(f.append(&t.0), t.0);
                model.push_str(&t.0);
            }
            Piece::Bytes(t, split) => {
                let bytes = t.0.as_bytes();
                let at = usize::from(*split) % (bytes.len() + 1);
                assert_eq!(f.append_bytes(&bytes[..at]), &bytes[..at]);
                assert_eq!(f.append_bytes(&bytes[at..]), &bytes[at..]);
                model.push_str(&t.0);
            }
            Piece::WithNul(t) | Piece::Z(t) => {
                let c = if matches!(p, Piece::Z(_)) {
                    f.append_z(&t.0)
                } else {
                    f.append_with_nul(&t.0)
                };
                assert_eq!(c.to_bytes(), t.0.as_bytes());
                model.push_str(&t.0);
                model.push('\0');
            }
            Piece::DisplayU64(v) => {
                assert_eq!(f.append_display(v), v.to_string());
                write!(model, "{v}").expect("String write");
            }
            Piece::DisplayI32(v) => {
                assert_eq!(f.append_display(v), v.to_string());
                write!(model, "{v}").expect("String write");
            }
            Piece::DisplayChar(v) => {
                assert_eq!(f.append_display(v), v.to_string());
                model.push(*v);
            }
            Piece::Fmt(n, t) => {
                let want = format!("{n:>5}|{}", t.0);
                assert_eq!(f.append_fmt(format_args!("{n:>5}|{}", t.0)), want);
                model.push_str(&want);
            }
        }
        assert_eq!(f.len(), model.len());
        assert_eq!(f.as_bytes(), model.as_bytes());
        assert!(f.len() >= before);
        assert_eq!(f.remaining(), f.capacity() - f.len());
    }
    assert_eq!(f.as_str(), model);
}

fuzz_target!(|input: (Vec<Piece>, Option<u8>, Finish)| {
    let (mut pieces, slack, finish) = input;
    pieces.truncate(24);
    // A C string cannot hold a NUL: keep those pieces NUL-free.
    for p in &mut pieces {
        if let Piece::WithNul(t) | Piece::Z(t) = p {
            t.0.retain(|c| c != '\0');
        }
    }
    let mut model = String::new();
    match finish {
        Finish::Arena => {
            let arena = Arena::new();
            let mut b = StringBuilder::new_in(&arena);
            count(&mut b, &pieces);
            if let Some(extra) = slack {
                b.count_upper_bound(usize::from(extra));
            }
            let exact = slack.is_none();
            assert_eq!(b.is_exact(), exact);
            let f = b.allocate();
            append(&f, &pieces, &mut model);
            assert_eq!(f.finish(), model);
        }
        other => {
            let mut b = StringBuilder::new();
            count(&mut b, &pieces);
            if let Some(extra) = slack {
                b.count_upper_bound(usize::from(extra));
            }
            let f = b.allocate();
            append(&f, &pieces, &mut model);
            match other {
                Finish::Boxed => assert_eq!(&*f.finish(), model),
                Finish::Bytes => assert_eq!(&*f.finish_bytes(), model.as_bytes()),
                _ => assert_eq!(f.into_str().as_str(), model),
            }
        }
    }
});
