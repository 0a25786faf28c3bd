//! Integration tests of makai-collections: Bun's own tests rewritten for this API, models
//! against std collections, drop counting, and the edges (full, empty, capacity 0, ZSTs,
//! foreign pointers).

use std::cell::Cell;
use std::rc::Rc;

// The proptest settings of every module: no regression files (they need the file system,
// which Miri isolates), and 4 cases under Miri whatever the environment says.
use makai_testkit::proptest_config as config;

mod alloc_failures;
mod bitset;
mod fallback;
mod fifo;
mod hive;
mod hive_model;

/// `native` normally, `miri` under Miri, where every step is interpreted (keeps
/// `cargo miri test` of this crate to a few minutes; the native run covers the big cases).
const fn size(native: usize, miri: usize) -> usize {
    if cfg!(miri) { miri } else { native }
}

/// Counts drops into a shared counter; not `Copy`, not `Debug`.
struct Counted(
    Rc<Cell<usize>>,
    #[expect(dead_code, reason = "payload to move around")] u64,
);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}
