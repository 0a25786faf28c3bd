//! Allocation counts of shared strings: `Str::from_static` clones without allocating, heap
//! buffers are freed exactly once, and clones cross threads.

use makai_string::{SmolStr, Str};

use super::counted;

#[test]
fn from_static_is_const_and_clones_without_allocating() {
    const LONG: Str = Str::from_static("a static string that is longer than sixteen bytes");
    let ((), allocs, frees) = counted(|| {
        let a = LONG;
        let clones: Vec<Str> = (0..8).map(|_| a.clone()).collect::<Vec<_>>();
        assert!(
            clones
                .iter()
                .all(|c| c.as_ptr() == LONG.as_ptr() && c.is_static())
        );
        drop(clones);
    });
    // The Vec is the only allocation.
    assert_eq!((allocs, frees), (1, 1));
    assert_eq!(Str::from_static("").len(), 0);
}

#[test]
fn heap_buffers_are_freed_exactly_once() {
    let long = "heap bytes that are longer than the inline sixteen";
    // Str from &str: one buffer, shared by every clone, freed once.
    let ((), allocs, frees) = counted(|| {
        let s = Str::from(long);
        let clones: [Str; 6] = std::array::from_fn(|_| s.clone());
        assert!(clones.iter().all(|c| Str::ptr_eq(c, &s)));
        drop(clones);
        assert_eq!(s, long);
    });
    assert_eq!((allocs, frees), (1, 1));

    // SmolStr grown char by char, then frozen and cloned: every block is freed.
    let ((), allocs, frees) = counted(|| {
        let mut s = SmolStr::new();
        for c in long.chars() {
            s.push(c);
        }
        let frozen = s.freeze();
        let c = frozen.clone();
        drop(frozen);
        assert_eq!(c, long);
    });
    assert_eq!(allocs, frees);
    assert!(allocs >= 1);

    // Str from a String adopts its buffer: the String and the header, both freed.
    let ((), allocs, frees) = counted(|| {
        let s = Str::from(String::from(long));
        let t = s.clone();
        drop(s);
        assert_eq!(t, long);
    });
    assert_eq!((allocs, frees), (2, 2));

    // Inline strings never allocate.
    let ((), allocs, frees) = counted(|| {
        let s = Str::from("inline");
        let t = SmolStr::from("inline too");
        assert_eq!(s.clone(), "inline");
        assert_eq!(t.clone().freeze(), "inline too");
    });
    assert_eq!((allocs, frees), (0, 0));
}

#[test]
fn shared_across_threads() {
    let s = Str::from("shared between threads, on the heap");
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || {
                let mine: Vec<Str> = (0..if cfg!(miri) { 3 } else { 100 })
                    .map(|_| s.clone())
                    .collect();
                assert!(mine.iter().all(|m| *m == s));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(s, "shared between threads, on the heap");
}
