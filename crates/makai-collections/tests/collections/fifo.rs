//! `LinearFifo`: Zig's tests rewritten, every storage kind and item width, full fixed storages,
//! `io` traits, drop counting, zero-sized items, and models against `VecDeque`.

use std::cell::Cell;
use std::collections::VecDeque;
use std::io::{BufRead, Read, Write};
use std::mem::MaybeUninit;
use std::rc::Rc;

use makai_collections::fifo::{SliceFifo, Storage};
use makai_collections::{Dynamic, LinearFifo, Slice, Static};
use proptest::prelude::*;

use super::{Counted, config, size};

/// Zig's "LinearFifo(u8, .Dynamic)" test, rewritten.
#[test]
fn zig_u8_dynamic() {
    let mut fifo = LinearFifo::<u8, Dynamic>::new();
    fifo.write(b"HELLO").unwrap();
    assert_eq!(fifo.len(), 5);
    assert_eq!(fifo.readable_slice(0), b"HELLO");
    for i in 0..5 {
        let c = *fifo.peek_item(i).unwrap();
        fifo.write(&[c]).unwrap();
    }
    assert_eq!(fifo.len(), 10);
    assert_eq!(fifo.readable_slice(0), b"HELLOHELLO");
    for c in *b"HELLO" {
        assert_eq!(fifo.read_item(), Some(c));
    }
    assert_eq!(fifo.len(), 5);
    // Writes that wrap around.
    assert_eq!(fifo.writable_len(), 11);
    assert_eq!(fifo.writable_slices().0.len(), 6);
    fifo.write_assume_capacity(b"6<chars<11");
    assert_eq!(fifo.readable_slice(0), b"HELLO6<char");
    assert_eq!(fifo.readable_slice(11), b"s<11");
    assert_eq!(fifo.readable_slice(13), b"11");
    assert_eq!(fifo.readable_slice(15), b"");
    fifo.discard(11);
    assert_eq!(fifo.readable_slice(0), b"s<11");
    fifo.discard(4);
    assert_eq!(fifo.len(), 0);
    // writableWithSize(12) + update(10).
    fifo.ensure_unused_capacity(12).unwrap();
    fifo.realign();
    let (a, _) = fifo.writable_slices();
    assert!(a.len() >= 12);
    for (i, slot) in a[..10].iter_mut().enumerate() {
        slot.write(b'a' + i as u8);
    }
    // SAFETY: the first 10 free slots were just written.
    unsafe { fifo.commit(10) };
    assert_eq!(fifo.readable_slice(0), b"abcdefghij");
    // unget.
    fifo.unget(b"prependedstring").unwrap();
    let mut result = [0u8; 30];
    let n = fifo.read(&mut result);
    assert_eq!(&result[..n], b"prependedstringabcdefghij");
    fifo.unget(b"b").unwrap();
    fifo.unget(b"a").unwrap();
    let n = fifo.read(&mut result);
    assert_eq!(&result[..n], b"ab");
    fifo.shrink(0);
    assert_eq!(fifo.capacity(), 0);
    // writer().print and reader().
    let (hello, world) = ("Hello", "World");
    write!(fifo, "{hello}, {world}!").unwrap();
    let mut s = String::new();
    fifo.read_to_string(&mut s).unwrap();
    assert_eq!(s, "Hello, World!");
    fifo.write_all(b"This is a test").unwrap();
    let words: Vec<Vec<u8>> = (&mut fifo).split(b' ').map(Result::unwrap).collect();
    assert_eq!(words, [&b"This"[..], b"is", b"a", b"test"]);
}

#[test]
fn discard_zero_on_empty() {
    LinearFifo::<u8, Dynamic>::new().discard(0);
    LinearFifo::<u8, Static<0>>::new().discard(0);
    LinearFifo::<u8, Slice<'_>>::new(&mut []).discard(0);
    let mut f = LinearFifo::<u8, Static<4>>::new();
    f.write(b"ab").unwrap();
    f.discard(2);
    f.discard(0);
    assert!(f.is_empty());
}

/// Zig's generic test: every storage kind × u8/u16/u64.
fn generic<T, S>(mut fifo: LinearFifo<T, S>)
where
    T: Copy + PartialEq + std::fmt::Debug + From<u8>,
    S: Storage<T>,
{
    let (zero, one) = (T::from(0), T::from(1));
    fifo.write(&[zero, one, one, zero, one]).unwrap();
    assert_eq!(fifo.len(), 5);
    for v in [zero, one, one, zero, one] {
        assert_eq!(fifo.read_item(), Some(v));
    }
    assert_eq!(fifo.len(), 0);
    for _ in 0..3 {
        fifo.write_item(one).unwrap();
    }
    assert_eq!(fifo.len(), 3);
    let mut buf = [zero; 3];
    assert_eq!(fifo.read(&mut buf), 3);
    assert_eq!(buf, [one; 3]);
    // Wrap, read across the wrap, realign.
    let cap = fifo.capacity();
    let vals: Vec<T> = (0..cap).map(|i| T::from(i as u8)).collect();
    fifo.write(&vals).unwrap();
    fifo.discard(cap / 2);
    fifo.write(&vals[..cap / 2]).unwrap();
    let expect: Vec<T> = vals[cap / 2..]
        .iter()
        .chain(&vals[..cap / 2])
        .copied()
        .collect();
    let (a, b) = fifo.as_slices();
    assert_eq!([a, b].concat(), expect);
    assert_eq!(fifo.readable_slice(a.len()), b);
    fifo.realign();
    assert_eq!(fifo.as_slices().0, &expect[..]);
}

#[test]
fn every_storage_and_width() {
    fn all<T: Copy + PartialEq + std::fmt::Debug + From<u8>>() {
        generic(LinearFifo::<T, Static<32>>::new());
        let mut mem = [MaybeUninit::<T>::uninit(); 32];
        generic(LinearFifo::<T, Slice<'_>>::new(&mut mem));
        let mut odd = [MaybeUninit::<T>::uninit(); 13]; // not a power of two
        generic(LinearFifo::<T, Slice<'_>>::new(&mut odd));
        let mut dynamic = LinearFifo::<T, Dynamic>::new();
        dynamic.ensure_unused_capacity(32).unwrap();
        generic(dynamic);
    }
    all::<u8>();
    all::<u16>();
    all::<u64>();
}

#[test]
fn full_fixed_storage_errors() {
    let mut f = LinearFifo::<u8, Static<4>>::new();
    f.write(b"abcd").unwrap();
    assert!(f.write_item(b'e').is_err());
    assert!(f.write(b"e").is_err());
    assert!(f.unget(b"e").is_err());
    assert!(f.ensure_unused_capacity(1).is_err());
    assert!(f.ensure_unused_capacity(1).is_err());
    assert_eq!(f.write(b"").map(|()| 0), Ok(0));
    assert_eq!(Write::write(&mut f, b"xyz").unwrap(), 0);
    f.discard(1);
    assert_eq!(Write::write(&mut f, b"xyz").unwrap(), 1);
    assert_eq!(
        f.write_all(b"q").unwrap_err().kind(),
        std::io::ErrorKind::WriteZero
    );
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    assert_eq!(s, "bcdx");
    assert!(std::panic::catch_unwind(|| LinearFifo::<u8, Static<1>>::new().discard(1)).is_err());
}

#[test]
fn extend_exact_fills_across_the_wrap() {
    // The event-loop drain: free space that wraps must take the whole batch.
    let mut f = LinearFifo::<u64, Static<8>>::new();
    f.write(&[0; 6]).unwrap();
    f.discard(5);
    let (a, b) = f.writable_slices();
    assert_eq!((a.len(), b.len()), (2, 5));
    f.extend_exact((100..107u32).map(u64::from)).unwrap();
    assert_eq!(f.len(), 8);
    let (a, b) = f.as_slices();
    assert_eq!([a, b].concat(), [0, 100, 101, 102, 103, 104, 105, 106]);
    let mut more = vec![1u64, 2].into_iter();
    assert!(f.extend_exact(more.by_ref()).is_err());
    assert_eq!(more.len(), 2, "nothing taken when there is no room");
    let n = size(1000, 100);
    let mut d = LinearFifo::<u64, Dynamic>::new();
    d.extend_exact((0..n).map(|i| i as u64)).unwrap();
    assert_eq!(d.len(), n);
    assert_eq!(d.capacity(), n.next_power_of_two());
}

#[test]
fn bufread_and_writable_slices_for_io() {
    let mut f = LinearFifo::<u8, Dynamic>::new();
    f.write_all(b"line one\nline two\n").unwrap();
    let mut line = String::new();
    f.read_line(&mut line).unwrap();
    assert_eq!(line, "line one\n");
    assert_eq!(f.fill_buf().unwrap(), b"line two\n");
    f.consume(5);
    assert_eq!(f.readable_slice(0), b"two\n");
}

#[test]
fn drop_counting_non_copy() {
    let drops = Rc::new(Cell::new(0));
    let c = |v| Counted(drops.clone(), v);
    {
        let mut f = LinearFifo::<Counted, Static<4>>::new();
        f.write_item(c(1)).ok().unwrap();
        f.write_item(c(2)).ok().unwrap();
        f.write_item(c(3)).ok().unwrap();
        f.discard(2);
        assert_eq!(drops.get(), 2);
        f.extend_exact([c(4), c(5), c(6)]).unwrap(); // wraps
        assert!(f.write_item(c(7)).is_err()); // dropped with the error
        assert_eq!(drops.get(), 3);
        let got = f.read_item().unwrap();
        drop(got);
        assert_eq!(drops.get(), 4);
        f.realign();
        f.unget_item(c(8)).ok().unwrap();
        assert_eq!(f.len(), 4);
    }
    assert_eq!(drops.get(), 8);
    {
        let mut f = LinearFifo::<Counted, Dynamic>::new();
        for i in 0..20 {
            f.write_item(c(i)).ok().unwrap();
            if i % 3 == 0 {
                drop(f.read_item());
            }
        }
        let mut dst: Vec<Counted> = (0..4).map(c).collect();
        assert_eq!(f.read(&mut dst), 4);
        assert_eq!(drops.get(), 8 + 7 + 4);
        f.shrink(0);
    }
    assert_eq!(drops.get(), 8 + 20 + 4);
    {
        let mut mem = [const { MaybeUninit::<Counted>::uninit() }; 3];
        let mut f = LinearFifo::<Counted, Slice<'_>>::new(&mut mem);
        f.write_item(c(0)).ok().unwrap();
        f.write_item(c(0)).ok().unwrap();
    }
    assert_eq!(drops.get(), 8 + 20 + 4 + 2);
}

#[test]
fn zero_sized_items() {
    let mut f = LinearFifo::<(), Dynamic>::new();
    f.extend_exact(std::iter::repeat_n((), 100)).unwrap();
    assert_eq!(f.len(), 100);
    assert_eq!(f.capacity(), 128);
    f.discard(99);
    assert_eq!(f.read_item(), Some(()));
    assert_eq!(f.read_item(), None);
}

#[derive(Debug, Clone)]
enum Op {
    Write(Vec<u16>),
    WriteItem(u16),
    Read(usize),
    ReadItem,
    Discard(usize),
    Unget(Vec<u16>),
    Extend(Vec<u16>),
    Realign,
    Shrink(usize),
    Commit(usize),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let small = || prop::collection::vec(any::<u16>(), 0..12);
    prop::collection::vec(
        prop_oneof![
            small().prop_map(Op::Write),
            any::<u16>().prop_map(Op::WriteItem),
            (0usize..20).prop_map(Op::Read),
            Just(Op::ReadItem),
            (0usize..20).prop_map(Op::Discard),
            small().prop_map(Op::Unget),
            small().prop_map(Op::Extend),
            Just(Op::Realign),
            (0usize..40).prop_map(Op::Shrink),
            (0usize..20).prop_map(Op::Commit),
        ],
        0..size(80, 10),
    )
}

fn run_model<S: Storage<String>>(
    mut f: LinearFifo<String, S>,
    ops: Vec<Op>,
    growable: bool,
    shrink: impl Fn(&mut LinearFifo<String, S>, usize),
) -> Result<(), TestCaseError> {
    let mut model: VecDeque<String> = VecDeque::new();
    let s = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>();
    for op in ops {
        let room = growable || f.writable_len() >= op_len(&op);
        match op {
            Op::Write(v) => {
                prop_assert_eq!(f.write(&s(&v)).is_ok(), room);
                if room {
                    model.extend(s(&v));
                }
            }
            Op::WriteItem(v) => {
                prop_assert_eq!(f.write_item(v.to_string()).is_ok(), room);
                if room {
                    model.push_back(v.to_string());
                }
            }
            Op::Read(n) => {
                let mut dst = vec![String::from("x"); n];
                let got = f.read(&mut dst);
                prop_assert_eq!(got, n.min(model.len()));
                for d in &dst[..got] {
                    prop_assert_eq!(Some(d.clone()), model.pop_front());
                }
            }
            Op::ReadItem => prop_assert_eq!(f.read_item(), model.pop_front()),
            Op::Discard(n) => {
                let n = n.min(model.len());
                f.discard(n);
                model.drain(..n);
            }
            Op::Unget(v) => {
                prop_assert_eq!(f.unget(&s(&v)).is_ok(), room);
                if room {
                    for x in s(&v).into_iter().rev() {
                        model.push_front(x);
                    }
                }
            }
            Op::Extend(v) => {
                prop_assert_eq!(f.extend_exact(s(&v)).is_ok(), room);
                if room {
                    model.extend(s(&v));
                }
            }
            Op::Realign => {
                f.realign();
                prop_assert_eq!(f.as_slices().1.len(), 0);
            }
            Op::Shrink(n) => {
                shrink(&mut f, n);
                prop_assert!(f.capacity() >= f.len());
            }
            Op::Commit(n) => {
                let n = n.min(f.writable_len());
                let (a, b) = f.writable_slices();
                for (i, slot) in a.iter_mut().chain(b.iter_mut()).take(n).enumerate() {
                    slot.write(format!("c{i}"));
                    model.push_back(format!("c{i}"));
                }
                // SAFETY: the first `n` free slots were just written, in order.
                unsafe { f.commit(n) };
            }
        }
        prop_assert_eq!(f.len(), model.len());
        prop_assert!(f.len() <= f.capacity());
        let (a, b) = f.as_slices();
        let (ma, mb) = model.as_slices();
        prop_assert_eq!([a, b].concat(), [ma, mb].concat());
        for i in 0..=model.len() {
            let run = f.readable_slice(i);
            prop_assert_eq!(run.first(), model.get(i));
        }
    }
    Ok(())
}

fn op_len(op: &Op) -> usize {
    match op {
        Op::Write(v) | Op::Unget(v) | Op::Extend(v) => v.len(),
        Op::WriteItem(_) => 1,
        _ => 0,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn static_against_vecdeque(ops in ops()) {
        run_model(LinearFifo::<String, Static<16>>::new(), ops, false, |_, _| {})?;
    }

    #[test]
    fn slice_against_vecdeque(ops in ops(), cap in 0usize..20) {
        let mut mem: Vec<MaybeUninit<String>> = (0..cap).map(|_| MaybeUninit::uninit()).collect();
        run_model(LinearFifo::<String, Slice<'_>>::new(&mut mem), ops, false, |_, _| {})?;
    }

    #[test]
    fn dynamic_against_vecdeque(ops in ops()) {
        run_model(LinearFifo::<String, Dynamic>::new(), ops, true, |f, n| {
            f.shrink(n);
            assert!(f.capacity() == 0 || f.capacity().is_power_of_two());
        })?;
    }

    #[test]
    fn byte_stream_round_trip(chunks in prop::collection::vec((prop::collection::vec(any::<u8>(), 0..40), 0usize..50), 0..size(30, 4))) {
        let mut f = LinearFifo::<u8, Static<64>>::new();
        let mut model: VecDeque<u8> = VecDeque::new();
        for (data, read) in chunks {
            let n = f.write(&data).map(|()| data.len()).unwrap_or(0);
            model.extend(&data[..n]);
            let mut out = vec![0; read];
            let got = Read::read(&mut f, &mut out).unwrap();
            let want: Vec<u8> = model.drain(..read.min(model.len())).collect();
            prop_assert_eq!(&out[..got], &want[..]);
        }
    }
}

/// `iter`, `Clone`, `Extend` and `collect` see the values oldest first across the wrap, for
/// fixed and growable storage, and a clone owns its own copies.
#[test]
fn iter_clone_extend_follow_the_wrap() {
    let mut f = LinearFifo::<String, Static<4>>::new();
    for s in ["a", "b", "c"] {
        f.write_item(s.to_owned()).unwrap();
    }
    f.discard(2);
    for s in ["d", "e", "f"] {
        f.write_item(s.to_owned()).unwrap(); // wraps
    }
    assert_eq!(f.as_slices().1.len(), 2, "the fifo wraps");
    let c = f.clone();
    assert!(c.iter().eq(["c", "d", "e", "f"].iter()));
    assert_eq!(c.as_slices().1.len(), 0, "the clone starts at slot 0");
    drop(f);
    assert_eq!((&c).into_iter().map(String::len).sum::<usize>(), 4);

    let mut g: LinearFifo<String, Dynamic> = c.iter().cloned().collect();
    g.extend(["g".to_owned()]);
    let mut bytes = LinearFifo::<u8, Dynamic>::new();
    bytes.extend(b"xy");
    assert!(bytes.iter().eq(b"xy"));
    let h = g.clone();
    assert_eq!(g.read_item().as_deref(), Some("c"));
    assert!(h.iter().map(String::as_str).eq(["c", "d", "e", "f", "g"]));
}

#[test]
fn fmt_write_wraps_around_and_fails_whole() {
    // `io::Write` is imported above, so `write!` would be ambiguous: call `fmt::Write` by path.
    use std::fmt::Write as FmtWrite;
    let mut ring = LinearFifo::<u8, Static<8>>::new();
    ring.write(b"abcdef").unwrap();
    ring.discard(5);
    // Head at 5, one byte stored: "xyz12" wraps past the end of the buffer.
    FmtWrite::write_fmt(&mut ring, format_args!("{}{}", "xyz", 12)).unwrap();
    assert_eq!(ring.iter().copied().collect::<Vec<u8>>(), b"fxyz12");
    // Two bytes of room: a three-byte piece fails and writes nothing.
    assert!(FmtWrite::write_str(&mut ring, "abc").is_err());
    assert_eq!(ring.len(), 6);
    FmtWrite::write_str(&mut ring, "ab").unwrap();
    assert_eq!(ring.iter().copied().collect::<Vec<u8>>(), b"fxyz12ab");

    let mut grown = LinearFifo::<u8, Dynamic>::new();
    FmtWrite::write_fmt(&mut grown, format_args!("{:>40}", "right")).unwrap();
    assert_eq!(grown.len(), 40);
}
