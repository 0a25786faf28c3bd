//! Allocation failure everywhere (issue 11): `StringBuilder::with_allocator` makes exactly one
//! allocation through the given allocator in `try_allocate`. Under
//! `check_all_allocation_failures`, each failing `try_allocate` returns `Err` and leaks
//! nothing, and a filler that was allocated frees its buffer through the same allocator.
//!
//! (`Filler::try_into_str` needs an allocator that is `Send + 'static`, which the checker's
//! borrowed allocator is not, so it is not covered here.)

use makai_alloc::AllocError;
use makai_alloc::testing::check_all_allocation_failures_counted;
use makai_string::StringBuilder;

#[test]
fn string_builder_with_allocator_try_allocate() {
    let inputs: [&[&str]; 4] = [&["a"], &["hello", ", ", "world"], &["x"; 17], &["é", "ü"]];
    let points = check_all_allocation_failures_counted(|alloc| {
        let mut built = Vec::new();
        for words in inputs {
            let mut b = StringBuilder::new_in(alloc);
            for w in words {
                b.count(w);
            }
            b.count_fmt(format_args!("#{}", words.len()));
            let filler = b.try_allocate()?;
            for w in words {
                filler.append(w);
            }
            filler.append_fmt(format_args!("#{}", words.len()));
            assert_eq!(filler.remaining(), 0);
            built.push(filler.len());
        }
        assert_eq!(built, [3, 14, 20, 6]);
        Ok::<(), AllocError>(())
    })
    .unwrap_or_else(|report| panic!("{report}"));
    assert_eq!(points, 4, "one allocation per builder");
}
