//! makai-ptr `tagged_union!`: dispatching a queue of 10^6 tasks of 8 kinds, in a shuffled
//! order, through four handle representations that an event loop could queue:
//!
//! - `tagged_union`: the 8-byte handle from `tagged_union!` (tag in the low 3 bits here), a
//!   `match` on `as_ref()`;
//! - `enum_of_boxes`: a Rust `enum` of 8 `Box` variants (16 bytes), a `match`;
//! - `tag_ptr_pair`: a `(u8, *mut ())` pair (16 bytes; Bun's Rust-port guideline), a `match` on
//!   the tag plus a cast;
//! - `box_dyn`: `Box<dyn Trait>` (16 bytes), a virtual call.
//!
//! Each task's payload is its own heap allocation in every contender (same sizes, same order),
//! so the difference is the handle: its size (queue memory and cache footprint) and the cost of
//! decoding it. The handle sizes are printed before the run.
//!
//! Reproduce: `cargo bench -p makai-benches --bench tagged`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use makai::ptr::tagged_union;

/// Tasks in the queue.
const TASKS: usize = 1_000_000;

macro_rules! kinds {
    ($($kind:ident = $mul:literal),+) => {
        $(
            /// A task kind: one word of state and a distinct piece of work.
            struct $kind {
                state: u64,
            }

            impl $kind {
                #[inline(always)]
                fn run(&self) -> u64 {
                    self.state.wrapping_mul($mul).rotate_left($mul % 61)
                }
            }

            impl Run for $kind {
                fn run(&self) -> u64 {
                    $kind::run(self)
                }
            }
        )+
    };
}

/// The virtual-call contender's interface.
trait Run {
    fn run(&self) -> u64;
}

kinds!(
    K0 = 3,
    K1 = 5,
    K2 = 7,
    K3 = 11,
    K4 = 13,
    K5 = 17,
    K6 = 19,
    K7 = 23
);

tagged_union! {
    /// The makai handle.
    Task { K0(Box<K0>), K1(Box<K1>), K2(Box<K2>), K3(Box<K3>), K4(Box<K4>), K5(Box<K5>), K6(Box<K6>), K7(Box<K7>) }
}

/// The Rust `enum` contender.
enum BoxTask {
    K0(Box<K0>),
    K1(Box<K1>),
    K2(Box<K2>),
    K3(Box<K3>),
    K4(Box<K4>),
    K5(Box<K5>),
    K6(Box<K6>),
    K7(Box<K7>),
}

/// The `(u8, *mut ())` contender: owns its payloads and frees them on drop.
struct PairQueue(Vec<(u8, *mut ())>);

impl Drop for PairQueue {
    #[expect(
        clippy::multiple_unsafe_ops_per_block,
        reason = "one operation per match arm, and only one arm runs"
    )]
    fn drop(&mut self) {
        for &(tag, p) in &self.0 {
            // SAFETY: each pair was made by `pair` from `Box::into_raw` of the kind its tag
            // names, and is freed once, here.
            unsafe {
                match tag {
                    0 => drop(Box::from_raw(p.cast::<K0>())),
                    1 => drop(Box::from_raw(p.cast::<K1>())),
                    2 => drop(Box::from_raw(p.cast::<K2>())),
                    3 => drop(Box::from_raw(p.cast::<K3>())),
                    4 => drop(Box::from_raw(p.cast::<K4>())),
                    5 => drop(Box::from_raw(p.cast::<K5>())),
                    6 => drop(Box::from_raw(p.cast::<K6>())),
                    _ => drop(Box::from_raw(p.cast::<K7>())),
                }
            }
        }
    }
}

/// The shuffled kind sequence (xorshift, fixed seed), the same for every contender.
fn kinds_sequence() -> Vec<(u8, u64)> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..TASKS)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x % 8) as u8, i as u64)
        })
        .collect()
}

fn tagged(k: u8, s: u64) -> Task {
    match k {
        0 => Task::K0(Box::new(K0 { state: s })),
        1 => Task::K1(Box::new(K1 { state: s })),
        2 => Task::K2(Box::new(K2 { state: s })),
        3 => Task::K3(Box::new(K3 { state: s })),
        4 => Task::K4(Box::new(K4 { state: s })),
        5 => Task::K5(Box::new(K5 { state: s })),
        6 => Task::K6(Box::new(K6 { state: s })),
        _ => Task::K7(Box::new(K7 { state: s })),
    }
}

fn boxed(k: u8, s: u64) -> BoxTask {
    match k {
        0 => BoxTask::K0(Box::new(K0 { state: s })),
        1 => BoxTask::K1(Box::new(K1 { state: s })),
        2 => BoxTask::K2(Box::new(K2 { state: s })),
        3 => BoxTask::K3(Box::new(K3 { state: s })),
        4 => BoxTask::K4(Box::new(K4 { state: s })),
        5 => BoxTask::K5(Box::new(K5 { state: s })),
        6 => BoxTask::K6(Box::new(K6 { state: s })),
        _ => BoxTask::K7(Box::new(K7 { state: s })),
    }
}

fn pair(k: u8, s: u64) -> (u8, *mut ()) {
    let p = match k {
        0 => Box::into_raw(Box::new(K0 { state: s })).cast::<()>(),
        1 => Box::into_raw(Box::new(K1 { state: s })).cast::<()>(),
        2 => Box::into_raw(Box::new(K2 { state: s })).cast::<()>(),
        3 => Box::into_raw(Box::new(K3 { state: s })).cast::<()>(),
        4 => Box::into_raw(Box::new(K4 { state: s })).cast::<()>(),
        5 => Box::into_raw(Box::new(K5 { state: s })).cast::<()>(),
        6 => Box::into_raw(Box::new(K6 { state: s })).cast::<()>(),
        _ => Box::into_raw(Box::new(K7 { state: s })).cast::<()>(),
    };
    (k, p)
}

fn dynamic(k: u8, s: u64) -> Box<dyn Run> {
    match k {
        0 => Box::new(K0 { state: s }),
        1 => Box::new(K1 { state: s }),
        2 => Box::new(K2 { state: s }),
        3 => Box::new(K3 { state: s }),
        4 => Box::new(K4 { state: s }),
        5 => Box::new(K5 { state: s }),
        6 => Box::new(K6 { state: s }),
        _ => Box::new(K7 { state: s }),
    }
}

fn dispatch_tagged(queue: &[Task]) -> u64 {
    queue.iter().fold(0u64, |acc, t| {
        acc.wrapping_add(match t.as_ref() {
            TaskRef::K0(k) => k.run(),
            TaskRef::K1(k) => k.run(),
            TaskRef::K2(k) => k.run(),
            TaskRef::K3(k) => k.run(),
            TaskRef::K4(k) => k.run(),
            TaskRef::K5(k) => k.run(),
            TaskRef::K6(k) => k.run(),
            TaskRef::K7(k) => k.run(),
        })
    })
}

fn dispatch_enum(queue: &[BoxTask]) -> u64 {
    queue.iter().fold(0u64, |acc, t| {
        acc.wrapping_add(match t {
            BoxTask::K0(k) => k.run(),
            BoxTask::K1(k) => k.run(),
            BoxTask::K2(k) => k.run(),
            BoxTask::K3(k) => k.run(),
            BoxTask::K4(k) => k.run(),
            BoxTask::K5(k) => k.run(),
            BoxTask::K6(k) => k.run(),
            BoxTask::K7(k) => k.run(),
        })
    })
}

#[expect(
    clippy::multiple_unsafe_ops_per_block,
    reason = "one operation per match arm, and only one arm runs"
)]
fn dispatch_pair(queue: &PairQueue) -> u64 {
    queue.0.iter().fold(0u64, |acc, &(tag, p)| {
        // SAFETY: each pair's pointer came from `Box::into_raw` of the kind its tag names and
        // stays alive until the queue drops.
        let v = unsafe {
            match tag {
                0 => (*p.cast::<K0>()).run(),
                1 => (*p.cast::<K1>()).run(),
                2 => (*p.cast::<K2>()).run(),
                3 => (*p.cast::<K3>()).run(),
                4 => (*p.cast::<K4>()).run(),
                5 => (*p.cast::<K5>()).run(),
                6 => (*p.cast::<K6>()).run(),
                _ => (*p.cast::<K7>()).run(),
            }
        };
        acc.wrapping_add(v)
    })
}

fn dispatch_dyn(queue: &[Box<dyn Run>]) -> u64 {
    queue
        .iter()
        .fold(0u64, |acc, t| acc.wrapping_add(Run::run(&**t)))
}

fn bench(c: &mut Criterion) {
    let seq = kinds_sequence();
    let q_tagged: Vec<Task> = seq.iter().map(|&(k, s)| tagged(k, s)).collect();
    let q_enum: Vec<BoxTask> = seq.iter().map(|&(k, s)| boxed(k, s)).collect();
    let q_pair = PairQueue(seq.iter().map(|&(k, s)| pair(k, s)).collect());
    let q_dyn: Vec<Box<dyn Run>> = seq.iter().map(|&(k, s)| dynamic(k, s)).collect();

    // Every contender computes the same result.
    let expected = dispatch_tagged(&q_tagged);
    assert_eq!(dispatch_enum(&q_enum), expected);
    assert_eq!(dispatch_pair(&q_pair), expected);
    assert_eq!(dispatch_dyn(&q_dyn), expected);
    println!(
        "bytes per queued handle: tagged_union {} (scheme {:?}), enum_of_boxes {}, tag_ptr_pair {}, box_dyn {}; \
         queue of 10^6: {} MB vs {} MB",
        size_of::<Task>(),
        Task::SCHEME,
        size_of::<BoxTask>(),
        size_of::<(u8, *mut ())>(),
        size_of::<Box<dyn Run>>(),
        size_of::<Task>() * TASKS / 1_000_000,
        size_of::<BoxTask>() * TASKS / 1_000_000,
    );

    let mut g = c.benchmark_group("tagged_dispatch_1M_8_kinds");
    g.throughput(Throughput::Elements(TASKS as u64));
    g.bench_function("tagged_union", |b| {
        b.iter(|| dispatch_tagged(black_box(&q_tagged)))
    });
    g.bench_function("enum_of_boxes", |b| {
        b.iter(|| dispatch_enum(black_box(&q_enum)))
    });
    g.bench_function("tag_ptr_pair", |b| {
        b.iter(|| dispatch_pair(black_box(&q_pair)))
    });
    g.bench_function("box_dyn", |b| b.iter(|| dispatch_dyn(black_box(&q_dyn))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
