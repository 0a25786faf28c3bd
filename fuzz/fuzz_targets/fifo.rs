//! `LinearFifo` with each storage (`Static`, `Slice`, `Dynamic`) against `VecDeque`: the same
//! writes, reads, ungets and discards on both, with heap-owning items so that a value dropped
//! twice or never shows up (under ASan and the leak check), comparing contents after each step.
#![no_main]

use std::collections::VecDeque;
use std::mem::MaybeUninit;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use makai_collections::fifo::Storage;
use makai_collections::{Dynamic, LinearFifo, Static};

#[derive(Arbitrary, Debug)]
enum Op {
    WriteItem(u16),
    Write(u8),
    ExtendExact(u8),
    ReadItem,
    Read(u8),
    Discard(u8),
    Unget(u8),
    UngetItem(u16),
    Clear,
    Ensure(u8),
    Realign,
    MakeContiguous,
    PeekMut(u8),
    ReadableSlice(u8),
    /// `Dynamic` only: `shrink(size)`, with huge sizes allowed.
    Shrink(u16, bool),
    IoRoundTrip(u8),
}

/// Items own heap memory, so leaks and double drops are visible.
fn item(v: u32) -> String {
    format!("item-{v}")
}

struct Run<'f, T, S: Storage<T>> {
    fifo: &'f mut LinearFifo<T, S>,
    model: VecDeque<T>,
    /// `None` for a growing fifo.
    cap: Option<usize>,
    next: u32,
}

impl<S: Storage<String>> Run<'_, String, S> {
    fn fresh(&mut self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                self.next += 1;
                item(self.next)
            })
            .collect()
    }

    fn room(&self, n: usize) -> bool {
        self.cap.is_none_or(|c| self.model.len() + n <= c)
    }

    fn check(&self) {
        let (a, b) = self.fifo.as_slices();
        let (ma, mb) = self.model.as_slices();
        let got: Vec<&String> = a.iter().chain(b).collect();
        let want: Vec<&String> = ma.iter().chain(mb).collect();
        assert_eq!(got, want);
        assert_eq!(self.fifo.len(), self.model.len());
        assert_eq!(self.fifo.is_empty(), self.model.is_empty());
        assert_eq!(
            self.fifo.writable_len(),
            self.fifo.capacity() - self.fifo.len()
        );
        if let Some(c) = self.cap {
            assert_eq!(self.fifo.capacity(), c);
        }
        for (i, v) in self.model.iter().enumerate() {
            assert_eq!(self.fifo.peek_item(i), Some(v));
        }
        assert_eq!(self.fifo.peek_item(self.model.len()), None);
    }

    fn step(&mut self, op: &Op) {
        match *op {
            Op::WriteItem(v) => {
                let it = item(u32::from(v));
                let fits = self.room(1);
                match self.fifo.write_item(it.clone()) {
                    Ok(()) => {
                        assert!(fits);
                        self.model.push_back(it);
                    }
                    Err(back) => {
                        assert!(!fits);
                        assert_eq!(back, it);
                    }
                }
            }
            Op::Write(n) => {
                let src = self.fresh(usize::from(n % 40));
                let fits = self.room(src.len());
                assert_eq!(self.fifo.write(&src).is_ok(), fits);
                if fits {
                    self.model.extend(src);
                }
            }
            Op::ExtendExact(n) => {
                let src = self.fresh(usize::from(n % 40));
                let fits = self.room(src.len());
                let res = self.fifo.extend_exact(src.clone());
                assert_eq!(res.is_ok(), fits);
                // Without room for all of them, nothing is taken from the iterator.
                if fits {
                    self.model.extend(src);
                }
            }
            Op::ReadItem => assert_eq!(self.fifo.read_item(), self.model.pop_front()),
            Op::Read(n) => {
                let mut dst = vec![String::from("old"); usize::from(n % 40)];
                let got = self.fifo.read(&mut dst);
                let want = dst.len().min(self.model.len());
                assert_eq!(got, want);
                for d in &dst[..got] {
                    assert_eq!(Some(d), self.model.pop_front().as_ref());
                }
                assert!(dst[got..].iter().all(|d| d == "old"));
            }
            Op::Discard(n) => {
                let n = usize::from(n) % (self.model.len() + 1);
                self.fifo.discard(n);
                self.model.drain(..n);
            }
            Op::Unget(n) => {
                let src = self.fresh(usize::from(n % 40));
                let fits = self.room(src.len());
                assert_eq!(self.fifo.unget(&src).is_ok(), fits);
                if fits {
                    for s in src.into_iter().rev() {
                        self.model.push_front(s);
                    }
                }
            }
            Op::UngetItem(v) => {
                let it = item(u32::from(v));
                let fits = self.room(1);
                match self.fifo.unget_item(it.clone()) {
                    Ok(()) => self.model.push_front(it),
                    Err(back) => {
                        assert!(!fits);
                        assert_eq!(back, it);
                    }
                }
            }
            Op::Clear => {
                self.fifo.clear();
                self.model.clear();
            }
            Op::Ensure(n) => {
                let n = usize::from(n);
                let fits = self.room(n);
                assert_eq!(self.fifo.ensure_unused_capacity(n).is_ok(), fits);
                if fits {
                    assert!(self.fifo.writable_len() >= n);
                }
            }
            Op::Realign => {
                self.fifo.realign();
                assert_eq!(self.fifo.as_slices().1.len(), 0);
            }
            Op::MakeContiguous => {
                let got = self.fifo.make_contiguous().to_vec();
                assert_eq!(got, self.model.make_contiguous().to_vec());
            }
            Op::PeekMut(i) => {
                let i = usize::from(i);
                match (self.fifo.peek_item_mut(i), self.model.get_mut(i)) {
                    (Some(a), Some(b)) => {
                        a.push('!');
                        b.push('!');
                    }
                    (None, None) => {}
                    (a, b) => panic!("peek_item_mut({i}): {a:?} vs {b:?}"),
                }
            }
            Op::ReadableSlice(off) => {
                let off = usize::from(off);
                let run = self.fifo.readable_slice(off);
                let want: Vec<&String> = self.model.iter().skip(off).take(run.len()).collect();
                assert_eq!(run.iter().collect::<Vec<_>>(), want);
                assert_eq!(run.is_empty(), off >= self.model.len());
            }
            Op::Shrink(..) | Op::IoRoundTrip(_) => {}
        }
        self.check();
    }
}

fn run_fixed<S: Storage<String>>(fifo: &mut LinearFifo<String, S>, ops: &[Op]) {
    let cap = fifo.capacity();
    let mut run = Run {
        fifo,
        model: VecDeque::new(),
        cap: Some(cap),
        next: 0,
    };
    for op in ops {
        run.step(op);
    }
}

/// The byte fifo's `io::Write`/`io::Read` against the model's bytes.
fn run_bytes(ops: &[Op]) {
    let mut fifo = LinearFifo::<u8, Static<37>>::new();
    let mut model: VecDeque<u8> = VecDeque::new();
    for (k, op) in ops.iter().enumerate() {
        if let Op::IoRoundTrip(n) = *op {
            let src: Vec<u8> = (0..n)
                .map(|i| i.wrapping_mul(31).wrapping_add(k as u8))
                .collect();
            let wrote =
                std::io::Write::write(&mut fifo, &src).expect("io::Write into a fifo never fails");
            assert_eq!(wrote, src.len().min(37 - model.len()));
            model.extend(&src[..wrote]);
            let mut out = vec![0; usize::from(n / 2)];
            let got =
                std::io::Read::read(&mut fifo, &mut out).expect("io::Read from a fifo never fails");
            assert_eq!(got, out.len().min(model.len()));
            let want: Vec<u8> = model.drain(..got).collect();
            assert_eq!(&out[..got], &want[..]);
        }
    }
}

fuzz_target!(|input: (u8, Vec<Op>)| {
    let (which, ops) = input;
    let ops = &ops[..ops.len().min(96)];
    match which % 5 {
        0 => run_fixed(&mut LinearFifo::<String, Static<7>>::new(), ops),
        1 => run_fixed(&mut LinearFifo::<String, Static<64>>::new(), ops),
        2 => {
            let len = usize::from(which / 5) % 70;
            let mut mem: Vec<MaybeUninit<String>> =
                (0..len).map(|_| MaybeUninit::uninit()).collect();
            run_fixed(&mut LinearFifo::from_slice(&mut mem), ops);
        }
        3 => run_bytes(ops),
        _ => {
            let mut fifo = LinearFifo::<String, Dynamic>::new();
            let mut run = Run {
                fifo: &mut fifo,
                model: VecDeque::new(),
                cap: None,
                next: 0,
            };
            for op in ops {
                if let Op::Shrink(size, huge) = *op {
                    let size = if huge {
                        usize::MAX - usize::from(size)
                    } else {
                        usize::from(size)
                    };
                    let before = run.fifo.capacity();
                    run.fifo.shrink(size);
                    let want = size.max(run.model.len());
                    // The smallest power of two holding `want` (0 for 0); no such power: no shrink.
                    let target = if want == 0 {
                        Some(0)
                    } else {
                        want.checked_next_power_of_two()
                    };
                    let expect = match target {
                        Some(t) if t < before => t,
                        _ => before,
                    };
                    assert_eq!(run.fifo.capacity(), expect, "shrink({size}) from {before}");
                }
                run.step(op);
            }
        }
    }
});
