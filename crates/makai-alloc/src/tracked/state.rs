//! The bookkeeping behind a [`Tracked`](super::Tracked): live blocks, the ring of recent frees
//! and the counters, all guarded by one mutex.
//!
//! Everything here lives on the global heap through std collections, never in the tracked
//! allocator, so recording an allocation cannot recurse into the allocator being recorded.
//! Addresses are stored as `usize` keys only (never dereferenced), which keeps the state `Send`
//! and free of provenance questions.

use alloc::sync::Arc;
use core::alloc::Layout;
use core::hash::{BuildHasherDefault, Hasher};
use std::collections::{HashMap, VecDeque};

use super::report::{Leak, Stats};
use super::trace::Trace;

/// A fast hasher for addresses: a multiply that spreads the (aligned, so low-zero) bits of the
/// address into the high bits hashbrown's control bytes use. SipHash, the std default, costs
/// several times more per lookup and buys nothing here: keys are not attacker-chosen.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        // 2^64 / golden ratio: Fibonacci hashing.
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type AddrMap<V> = HashMap<usize, V, BuildHasherDefault<AddrHasher>>;

/// What is known about one live block.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// The size the block was requested with (or last resized to).
    pub(crate) size: usize,
    /// The length the inner allocator returned: freeing with any size in `size..=usable` is
    /// allowed by the `Allocator` contract.
    pub(crate) usable: usize,
    pub(crate) align: usize,
    pub(crate) label: Option<&'static str>,
    pub(crate) trace: Option<Arc<Trace>>,
    /// Allocation order, so reports list leaks oldest first.
    pub(crate) serial: u64,
    /// Registered with `track_external`: not the inner allocator's memory.
    pub(crate) external: bool,
}

/// How a block stopped being live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FreedBy {
    Deallocate,
    /// Moved elsewhere by `grow` or `shrink`.
    Resize,
    UntrackExternal,
}

/// A recently freed block, kept so a second free can show both traces.
#[derive(Debug)]
pub(crate) struct Freed {
    pub(crate) record: Record,
    pub(crate) freed_by: FreedBy,
    pub(crate) free_trace: Option<Arc<Trace>>,
    /// Position in the ring; stale ring slots are recognised by a mismatch.
    seq: u64,
}

/// Why a free (or resize, or untrack) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Misuse {
    /// The address was freed before and is in the recent-free ring.
    DoubleFree,
    /// The address is not live and not in the ring: never handed out (or freed long ago).
    InvalidFree,
    /// The block is live but the layout does not fit it.
    LayoutMismatch,
    /// The block was registered with `track_external` and is freed through the allocator.
    ExternalThroughAllocator,
    /// `untrack_external` on a block the allocator handed out.
    NotExternal,
}

/// The mutable state of a `Tracked`.
#[derive(Debug)]
pub(crate) struct State {
    live: AddrMap<Record>,
    freed: AddrMap<Freed>,
    /// Ring order of `freed`: (address, seq). Bounded by `free_history`.
    free_order: VecDeque<(usize, u64)>,
    free_history: usize,
    next_serial: u64,
    next_free_seq: u64,
    pub(crate) stats: Stats,
    /// Problems found where a panic would have been unsound (after the inner allocator had
    /// already handed out or moved a block), reported by `finish` and `drop` instead.
    anomalies: Vec<String>,
    /// Anomalies beyond [`MAX_ANOMALIES`], counted but not kept.
    anomalies_dropped: usize,
}

/// Anomaly messages kept per `Tracked`; further ones are only counted.
const MAX_ANOMALIES: usize = 16;

impl State {
    pub(crate) const fn new(free_history: usize) -> State {
        State {
            live: HashMap::with_hasher(BuildHasherDefault::new()),
            freed: HashMap::with_hasher(BuildHasherDefault::new()),
            free_order: VecDeque::new(),
            free_history,
            next_serial: 0,
            next_free_seq: 0,
            stats: Stats::new(),
            anomalies: Vec::new(),
            anomalies_dropped: 0,
        }
    }

    pub(crate) fn set_free_history(&mut self, n: usize) {
        self.free_history = n;
        self.trim_ring();
    }

    /// Remembers a problem to report at `finish`/`drop` (never panics).
    pub(crate) fn record_anomaly(&mut self, message: String) {
        if self.anomalies.len() < MAX_ANOMALIES {
            self.anomalies.push(message);
        } else {
            self.anomalies_dropped = self.anomalies_dropped.saturating_add(1);
        }
    }

    /// Takes the recorded anomalies out: the kept messages and how many more were dropped.
    pub(crate) fn take_anomalies(&mut self) -> (Vec<String>, usize) {
        let dropped = core::mem::take(&mut self.anomalies_dropped);
        (core::mem::take(&mut self.anomalies), dropped)
    }

    pub(crate) fn has_anomalies(&self) -> bool {
        !self.anomalies.is_empty() || self.anomalies_dropped != 0
    }

    pub(crate) fn next_serial(&mut self) -> u64 {
        let s = self.next_serial;
        self.next_serial += 1;
        s
    }

    pub(crate) fn live(&self, addr: usize) -> Option<&Record> {
        self.live.get(&addr)
    }

    pub(crate) fn live_mut(&mut self, addr: usize) -> Option<&mut Record> {
        self.live.get_mut(&addr)
    }

    pub(crate) fn freed(&self, addr: usize) -> Option<&Freed> {
        self.freed.get(&addr)
    }

    /// Records a block that just became live. Returns the record it displaced, if the address
    /// was somehow live already (the inner allocator handed it out twice).
    pub(crate) fn insert(&mut self, addr: usize, record: Record) -> Option<Record> {
        // The address is live again: an old free of it is no longer "recent history".
        //
        // The counters use wrapping arithmetic: this runs after the inner allocator handed the
        // block out, where a panic (an overflow check) would lose it, and `track_external` can
        // register sizes that real blocks never have. They stay exact whenever the true value
        // fits in a `usize`.
        self.freed.remove(&addr);
        self.stats.live_blocks = self.stats.live_blocks.wrapping_add(1);
        self.stats.live_bytes = self.stats.live_bytes.wrapping_add(record.size);
        self.stats.peak_blocks = self.stats.peak_blocks.max(self.stats.live_blocks);
        self.stats.peak_bytes = self.stats.peak_bytes.max(self.stats.live_bytes);
        let old = self.live.insert(addr, record);
        if let Some(old) = &old {
            self.stats.live_blocks = self.stats.live_blocks.wrapping_sub(1);
            self.stats.live_bytes = self.stats.live_bytes.wrapping_sub(old.size);
        }
        old
    }

    /// Removes the live block at `addr` after checking that `layout` fits it.
    ///
    /// `external` says whether the caller expects a `track_external` block.
    pub(crate) fn take(
        &mut self,
        addr: usize,
        layout: Layout,
        external: bool,
    ) -> Result<Record, Misuse> {
        let Some(record) = self.live.get(&addr) else {
            return Err(if self.freed.contains_key(&addr) {
                Misuse::DoubleFree
            } else {
                Misuse::InvalidFree
            });
        };
        if record.external != external {
            return Err(if external {
                Misuse::NotExternal
            } else {
                Misuse::ExternalThroughAllocator
            });
        }
        if !fits(record, layout) {
            return Err(Misuse::LayoutMismatch);
        }
        let record = self.live.remove(&addr).expect("checked just above");
        self.stats.live_blocks = self.stats.live_blocks.wrapping_sub(1);
        self.stats.live_bytes = self.stats.live_bytes.wrapping_sub(record.size);
        Ok(record)
    }

    /// Puts back a record taken for a resize that the inner allocator refused.
    pub(crate) fn put_back(&mut self, addr: usize, record: Record) {
        self.stats.live_blocks = self.stats.live_blocks.wrapping_add(1);
        self.stats.live_bytes = self.stats.live_bytes.wrapping_add(record.size);
        self.live.insert(addr, record);
    }

    /// Remembers a freed block in the bounded ring.
    pub(crate) fn remember_free(
        &mut self,
        addr: usize,
        record: Record,
        freed_by: FreedBy,
        free_trace: Option<Arc<Trace>>,
    ) {
        if self.free_history == 0 {
            return;
        }
        let seq = self.next_free_seq;
        self.next_free_seq += 1;
        self.freed.insert(
            addr,
            Freed {
                record,
                freed_by,
                free_trace,
                seq,
            },
        );
        self.free_order.push_back((addr, seq));
        self.trim_ring();
    }

    fn trim_ring(&mut self) {
        while self.free_order.len() > self.free_history {
            let Some((addr, seq)) = self.free_order.pop_front() else {
                break;
            };
            // A newer free of the same address (or a reuse) replaced this slot's entry; only
            // drop the entry this slot describes.
            if self.freed.get(&addr).is_some_and(|f| f.seq == seq) {
                self.freed.remove(&addr);
            }
        }
    }

    /// Takes every live block out as a leak, oldest first.
    pub(crate) fn drain_leaks(&mut self) -> Vec<Leak> {
        let mut leaks: Vec<Leak> = self
            .live
            .drain()
            .map(|(addr, r)| Leak::from_record(addr, r))
            .collect();
        leaks.sort_by_key(Leak::serial);
        self.stats.live_blocks = 0;
        self.stats.live_bytes = 0;
        leaks
    }

    pub(crate) fn has_live(&self) -> bool {
        !self.live.is_empty()
    }
}

/// Whether freeing with `layout` is allowed for `record`: the same alignment, and a size
/// between the requested size and the usable length (the `Allocator` contract's "fits").
pub(crate) fn fits(record: &Record, layout: Layout) -> bool {
    layout.align() == record.align && (record.size..=record.usable).contains(&layout.size())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(size: usize, serial: u64) -> Record {
        Record {
            size,
            usable: size,
            align: 8,
            label: None,
            trace: None,
            serial,
            external: false,
        }
    }

    #[test]
    fn insert_take_and_stats() {
        let mut s = State::new(4);
        assert!(s.insert(0x1000, record(16, 0)).is_none());
        assert!(s.insert(0x2000, record(32, 1)).is_none());
        assert_eq!((s.stats.live_blocks, s.stats.live_bytes), (2, 48));
        let l16 = Layout::from_size_align(16, 8).unwrap();
        let r = s.take(0x1000, l16, false).unwrap();
        assert_eq!(r.size, 16);
        assert_eq!((s.stats.live_blocks, s.stats.live_bytes), (1, 32));
        assert_eq!(s.stats.peak_bytes, 48);
        s.remember_free(0x1000, r, FreedBy::Deallocate, None);
        assert_eq!(s.take(0x1000, l16, false).unwrap_err(), Misuse::DoubleFree);
        assert_eq!(s.take(0x3000, l16, false).unwrap_err(), Misuse::InvalidFree);
        assert_eq!(
            s.take(0x2000, l16, false).unwrap_err(),
            Misuse::LayoutMismatch
        );
        assert_eq!(
            s.take(0x2000, Layout::from_size_align(32, 8).unwrap(), true)
                .unwrap_err(),
            Misuse::NotExternal
        );
    }

    #[test]
    fn reuse_clears_the_ring_entry() {
        let mut s = State::new(4);
        s.insert(0x1000, record(16, 0));
        let l = Layout::from_size_align(16, 8).unwrap();
        let r = s.take(0x1000, l, false).unwrap();
        s.remember_free(0x1000, r, FreedBy::Deallocate, None);
        assert!(s.freed(0x1000).is_some());
        s.insert(0x1000, record(16, 1));
        assert!(s.freed(0x1000).is_none());
    }

    #[test]
    fn ring_is_bounded_and_keeps_the_newest() {
        let mut s = State::new(3);
        let l = Layout::from_size_align(16, 8).unwrap();
        for i in 0..10_usize {
            let addr = 0x1000 * (i + 1);
            s.insert(addr, record(16, i as u64));
            let r = s.take(addr, l, false).unwrap();
            s.remember_free(addr, r, FreedBy::Deallocate, None);
        }
        assert_eq!(s.freed.len(), 3);
        assert!(s.freed(0xA000).is_some());
        assert_eq!(s.freed(0x8000).unwrap().record.serial, 7);
        assert!(s.freed(0x7000).is_none());
        s.set_free_history(1);
        assert_eq!(s.freed.len(), 1);
        s.set_free_history(0);
        assert!(s.freed.is_empty());
        s.insert(0x1, record(1, 99));
        let r = s.take(0x1, Layout::from_size_align(1, 8).unwrap(), false);
        s.remember_free(0x1, r.unwrap(), FreedBy::Deallocate, None);
        assert!(s.freed.is_empty(), "history 0 keeps nothing");
    }

    #[test]
    fn same_address_freed_twice_in_ring_keeps_latest() {
        let mut s = State::new(2);
        let l = Layout::from_size_align(8, 8).unwrap();
        for serial in 0..2 {
            s.insert(0x10, record(8, serial));
            let r = s.take(0x10, l, false).unwrap();
            s.remember_free(0x10, r, FreedBy::Deallocate, None);
        }
        // Push the first (stale) slot out: the newest entry for 0x10 must survive.
        s.insert(0x20, record(8, 5));
        let r = s.take(0x20, l, false).unwrap();
        s.remember_free(0x20, r, FreedBy::Deallocate, None);
        assert_eq!(s.freed(0x10).unwrap().record.serial, 1);
    }

    #[test]
    fn fits_accepts_the_usable_range() {
        let mut r = record(10, 0);
        r.usable = 16;
        assert!(fits(&r, Layout::from_size_align(10, 8).unwrap()));
        assert!(fits(&r, Layout::from_size_align(16, 8).unwrap()));
        assert!(!fits(&r, Layout::from_size_align(9, 8).unwrap()));
        assert!(!fits(&r, Layout::from_size_align(17, 8).unwrap()));
        assert!(!fits(&r, Layout::from_size_align(10, 4).unwrap()));
    }

    #[test]
    fn hasher_spreads_aligned_addresses() {
        let h = |a: usize| {
            let mut h = AddrHasher::default();
            h.write_usize(a);
            h.finish()
        };
        // Aligned neighbours differ in the top 7 bits hashbrown uses for control bytes.
        assert_ne!(h(0x1000) >> 57, h(0x1010) >> 57);
        let mut bytes = AddrHasher::default();
        bytes.write(&[1, 2, 3]);
        assert_ne!(bytes.finish(), 0);
    }

    #[test]
    fn drain_leaks_orders_by_serial() {
        let mut s = State::new(0);
        s.insert(0x30, record(3, 2));
        s.insert(0x10, record(1, 0));
        s.insert(0x20, record(2, 1));
        let leaks = s.drain_leaks();
        let sizes: Vec<usize> = leaks.iter().map(Leak::size).collect();
        assert_eq!(sizes, [1, 2, 3]);
        assert!(!s.has_live());
        assert_eq!(s.stats.live_bytes, 0);
    }
}
