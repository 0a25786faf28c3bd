//! [`Interner`] and [`SyncInterner`]: one shared [`Str`] per distinct text.
//!
//! Interning keeps one buffer per distinct string and hands out [`Str`]s that point to it, so
//! equal texts share their bytes ([`Str::ptr_eq`]) and a clone is O(1). It suits vocabularies
//! that repeat: model names, event types, header names, identifiers.
//!
//! Every interned string is a counted heap buffer, whatever its length (also the short ones
//! that `Str::from` would store inline), so the same text always gives the same buffer.
//!
//! Hashing is `foldhash` (fast, not HashDoS-resistant). An interner fed with text an attacker
//! chooses freely should be bounded by the caller (interned text is never removed).

use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;
use core::hash::{BuildHasher, Hasher};
#[cfg(feature = "std")]
use std::sync::{Mutex, MutexGuard, PoisonError};

#[cfg(feature = "std")]
use foldhash::fast::FixedState;
use foldhash::fast::RandomState;
use hashbrown::HashTable;
use makai_error::{AllocError, HandleOom};

use crate::Str;

/// A new counted buffer holding `s` (never the inline form, so clones share the buffer).
fn shared_copy(s: &str) -> Result<Str, AllocError> {
    let repr = crate::repr::Repr::try_heap_copy(s)?;
    // SAFETY: a fresh heap buffer holding one reference, which the `Str` now owns.
    Ok(unsafe { Str::from_repr(repr) })
}

/// Hashes the bytes (not `str`'s `Hash`, which adds a terminator byte): one `write` call.
#[inline]
fn hash_bytes(state: &impl BuildHasher, s: &[u8]) -> u64 {
    let mut h = state.build_hasher();
    h.write(s);
    h.finish()
}

/// Finds `s` in `table` or inserts a new shared copy; returns the table's `Str`.
#[inline]
fn find_or_insert<'t>(
    table: &'t mut HashTable<Str>,
    state: &impl BuildHasher,
    hash: u64,
    s: &str,
) -> Result<&'t Str, AllocError> {
    match table.find_entry(hash, |e| e.as_bytes() == s.as_bytes()) {
        Ok(hit) => Ok(hit.into_mut()),
        Err(absent) => {
            let table = absent.into_table();
            let copy = shared_copy(s)?;
            table
                .try_reserve(1, |e| hash_bytes(state, e.as_bytes()))
                .map_err(|_| AllocError)?;
            Ok(table
                .insert_unique(hash, copy, |e| hash_bytes(state, e.as_bytes()))
                .into_mut())
        }
    }
}

/// A single-threaded string interner: [`intern`](Interner::intern) returns the one shared
/// [`Str`] for each distinct text.
///
/// It interns through `&self` (a `RefCell` inside), so request handlers can share it without
/// `&mut`; it is `Send` but not `Sync` (see [`SyncInterner`] for threads). Dropping it drops
/// its own references: buffers still held by returned `Str`s stay valid, the rest are freed.
///
/// ```
/// use makai_string::{Interner, Str};
///
/// let names = Interner::new();
/// let a = names.intern("content_block_delta");
/// let b = names.intern(&String::from("content_block_delta"));
/// assert!(Str::ptr_eq(&a, &b)); // same text, same buffer
/// let short = names.intern("ok"); // short strings are shared too
/// assert!(Str::ptr_eq(&short, &names.intern("ok")));
/// assert_eq!(names.len(), 2);
/// ```
///
/// It cannot be shared between threads:
///
/// ```compile_fail
/// let names = makai_string::Interner::new();
/// std::thread::scope(|s| {
///     s.spawn(|| names.intern("x"));
/// });
/// ```
pub struct Interner {
    table: RefCell<HashTable<Str>>,
    state: RandomState,
}

impl Interner {
    /// An empty interner with a random hash seed; allocates nothing.
    ///
    /// ```
    /// assert!(makai_string::Interner::new().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Interner {
        Interner::with_capacity(0)
    }

    /// An empty interner with room for `capacity` distinct strings before it rehashes.
    ///
    /// ```
    /// let names = makai_string::Interner::with_capacity(64);
    /// assert_eq!(names.len(), 0);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Interner {
        Interner {
            table: RefCell::new(HashTable::with_capacity(capacity)),
            state: RandomState::default(),
        }
    }

    /// The shared `Str` for `s`: the existing one if `s` was interned before, otherwise a new
    /// buffer (one allocation) that later calls return.
    ///
    /// Calls [`makai_error::out_of_memory`] when allocation fails; see
    /// [`try_intern`](Interner::try_intern).
    ///
    /// ```
    /// let names = makai_string::Interner::new();
    /// let model = names.intern("claude-sonnet-4-5");
    /// assert_eq!(model, "claude-sonnet-4-5");
    /// ```
    #[inline]
    #[must_use]
    pub fn intern(&self, s: &str) -> Str {
        self.try_intern(s).handle_oom()
    }

    /// Like [`intern`](Interner::intern), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the buffer or the table cannot grow; the interner is unchanged.
    ///
    /// ```
    /// let names = makai_string::Interner::new();
    /// assert_eq!(names.try_intern("x")?, "x");
    /// # Ok::<(), makai_string::AllocError>(())
    /// ```
    #[inline]
    pub fn try_intern(&self, s: &str) -> Result<Str, AllocError> {
        let hash = hash_bytes(&self.state, s.as_bytes());
        let mut table = self.table.borrow_mut();
        find_or_insert(&mut table, &self.state, hash, s).cloned()
    }

    /// The shared text of `s` as a `Str` with **no reference count** (clone copies 16 bytes,
    /// drop does nothing), for an interner that lives for the whole program: `&'static self`
    /// proves it is never dropped, so its buffers never are. See
    /// [`SyncInterner::intern_static`] for the details; this is the single-threaded twin,
    /// for a leaked interner.
    ///
    /// Calls [`makai_error::out_of_memory`] when allocation fails; see
    /// [`try_intern_static`](Interner::try_intern_static).
    ///
    /// ```
    /// # #[cfg(not(miri))] { // the interner is leaked on purpose, and Miri reports leaks
    /// use makai_string::{Interner, Str};
    /// let names: &'static Interner = Box::leak(Box::new(Interner::new()));
    /// let a = names.intern_static("content-type");
    /// assert!(a.is_static() && Str::ptr_eq(&a, &names.intern("content-type")));
    /// # }
    /// ```
    #[inline]
    #[must_use]
    pub fn intern_static(&'static self, s: &str) -> Str {
        self.try_intern_static(s).handle_oom()
    }

    /// Like [`intern_static`](Interner::intern_static), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the buffer or the table cannot grow.
    #[inline]
    pub fn try_intern_static(&'static self, s: &str) -> Result<Str, AllocError> {
        let hash = hash_bytes(&self.state, s.as_bytes());
        let mut table = self.table.borrow_mut();
        let entry: *const str = find_or_insert(&mut table, &self.state, hash, s)?.as_str();
        // SAFETY: as in `SyncInterner::try_intern_static`: the entry's buffer is owned by a
        // table entry that is never removed, of an interner borrowed for `'static` and so never
        // dropped; the bytes are immutable.
        let text: &'static str = unsafe { &*entry };
        Ok(Str::from_static(text))
    }

    /// The shared `Str` for `s` if it was interned, without interning it.
    ///
    /// ```
    /// let names = makai_string::Interner::new();
    /// let _ = names.intern("message_stop");
    /// assert!(names.get("message_stop").is_some());
    /// assert!(names.get("ping").is_none());
    /// ```
    #[must_use]
    pub fn get(&self, s: &str) -> Option<Str> {
        let hash = hash_bytes(&self.state, s.as_bytes());
        self.table
            .borrow()
            .find(hash, |e| e.as_bytes() == s.as_bytes())
            .cloned()
    }

    /// Whether `s` was interned.
    ///
    /// ```
    /// let names = makai_string::Interner::new();
    /// let _ = names.intern("a");
    /// assert!(names.contains("a") && !names.contains("b"));
    /// ```
    #[must_use]
    pub fn contains(&self, s: &str) -> bool {
        self.get(s).is_some()
    }

    /// The number of distinct strings interned.
    #[must_use]
    pub fn len(&self) -> usize {
        self.table.borrow().len()
    }

    /// Whether nothing was interned yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every interned string, in no particular order (clones of the shared `Str`s).
    ///
    /// ```
    /// let names = makai_string::Interner::new();
    /// let _ = (names.intern("b"), names.intern("a"));
    /// let mut all = names.to_vec();
    /// all.sort();
    /// assert_eq!(all, ["a", "b"]);
    /// ```
    #[must_use]
    pub fn to_vec(&self) -> Vec<Str> {
        self.table.borrow().iter().cloned().collect()
    }
}

impl Default for Interner {
    fn default() -> Interner {
        Interner::new()
    }
}

impl fmt::Debug for Interner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interner")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl<'s> Extend<&'s str> for Interner {
    fn extend<I: IntoIterator<Item = &'s str>>(&mut self, iter: I) {
        for s in iter {
            let _ = self.intern(s);
        }
    }
}

impl<'s> FromIterator<&'s str> for Interner {
    fn from_iter<I: IntoIterator<Item = &'s str>>(iter: I) -> Interner {
        let mut interner = Interner::new();
        interner.extend(iter);
        interner
    }
}

/// The number of independently locked shards of a [`SyncInterner`].
#[cfg(feature = "std")]
const SHARDS: usize = 32;

/// A thread-safe string interner: the same as [`Interner`], with the table split into
/// independently locked shards so threads rarely wait for each other.
///
/// [`SyncInterner::new`] is a `const fn`, so it can be a `static`; a `static` interner also
/// offers [`intern_static`](SyncInterner::intern_static), whose `Str`s need no reference
/// count at all (the interner, and so every buffer it holds, lives for the whole program).
///
/// ```
/// use makai_string::{Str, SyncInterner};
///
/// static EVENTS: SyncInterner = SyncInterner::new();
///
/// let from_thread = std::thread::spawn(|| EVENTS.intern("message_delta")).join().unwrap();
/// let here = EVENTS.intern("message_delta");
/// assert!(Str::ptr_eq(&from_thread, &here));
///
/// let fast = EVENTS.intern_static("message_delta"); // no count: a clone copies 16 bytes
/// assert!(fast.is_static() && Str::ptr_eq(&fast, &here));
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub struct SyncInterner {
    shards: [Mutex<HashTable<Str>>; SHARDS],
    state: FixedState,
}

/// The fixed seed of [`SyncInterner`]'s hasher (a `const` constructor cannot draw a random
/// one). Any odd 64-bit constant works.
#[cfg(feature = "std")]
const SYNC_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl SyncInterner {
    /// An empty interner; allocates nothing, usable in a `static`.
    ///
    /// ```
    /// static NAMES: makai_string::SyncInterner = makai_string::SyncInterner::new();
    /// assert!(NAMES.is_empty());
    /// ```
    #[must_use]
    pub const fn new() -> SyncInterner {
        SyncInterner {
            shards: [const { Mutex::new(HashTable::new()) }; SHARDS],
            state: FixedState::with_seed(SYNC_SEED),
        }
    }

    /// The shard for `hash`. hashbrown takes the bucket index from the low bits and its tag
    /// byte from the top 7, so the shard takes bits 32..37, which neither uses for any table
    /// under 2^32 buckets (using the others would make every key in a shard collide there).
    #[inline]
    fn shard(&self, hash: u64) -> MutexGuard<'_, HashTable<Str>> {
        let i = (hash >> 32) as usize % SHARDS;
        // A panic cannot leave a table half-updated (hashbrown is panic-safe and nothing in
        // here calls user code), so a poisoned shard is still a valid one.
        self.shards[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The shared `Str` for `s` (see [`Interner::intern`]). Its clones and drops are one
    /// atomic operation each, as for any counted `Str`.
    ///
    /// Calls [`makai_error::out_of_memory`] when allocation fails; see
    /// [`try_intern`](SyncInterner::try_intern).
    ///
    /// ```
    /// let names = makai_string::SyncInterner::new();
    /// assert_eq!(names.intern("x-request-id"), "x-request-id");
    /// ```
    #[inline]
    #[must_use]
    pub fn intern(&self, s: &str) -> Str {
        self.try_intern(s).handle_oom()
    }

    /// Like [`intern`](SyncInterner::intern), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the buffer or the shard's table cannot grow.
    #[inline]
    pub fn try_intern(&self, s: &str) -> Result<Str, AllocError> {
        let hash = hash_bytes(&self.state, s.as_bytes());
        let mut shard = self.shard(hash);
        find_or_insert(&mut shard, &self.state, hash, s).cloned()
    }

    /// The shared text of `s` as a `Str` that carries **no reference count**: it borrows the
    /// interner's buffer the way [`Str::from_static`] borrows a literal, so a clone copies 16
    /// bytes and a drop does nothing. [`Str::ptr_eq`] holds with every other `Str` for the
    /// same text from this interner.
    ///
    /// Only a `static` interner (or a leaked one) offers it: `&'static self` proves the
    /// interner, and with it every buffer in its table, is never dropped.
    ///
    /// Calls [`makai_error::out_of_memory`] when allocation fails; see
    /// [`try_intern_static`](SyncInterner::try_intern_static).
    ///
    /// ```
    /// static HEADERS: makai_string::SyncInterner = makai_string::SyncInterner::new();
    /// let h = HEADERS.intern_static("content-type");
    /// assert!(h.is_static());
    /// ```
    ///
    /// A local interner cannot hand out uncounted strings:
    ///
    /// ```compile_fail
    /// let local = makai_string::SyncInterner::new();
    /// let s = local.intern_static("x");
    /// drop(local);
    /// println!("{s}");
    /// ```
    #[inline]
    #[must_use]
    pub fn intern_static(&'static self, s: &str) -> Str {
        self.try_intern_static(s).handle_oom()
    }

    /// Like [`intern_static`](SyncInterner::intern_static), reporting allocation failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the buffer or the shard's table cannot grow.
    #[inline]
    pub fn try_intern_static(&'static self, s: &str) -> Result<Str, AllocError> {
        let hash = hash_bytes(&self.state, s.as_bytes());
        let mut shard = self.shard(hash);
        let entry: *const str = find_or_insert(&mut shard, &self.state, hash, s)?.as_str();
        // SAFETY: `entry` is the text of a counted `Str` owned by this interner's table. That
        // `Str` is never removed (no method removes entries; a rehash moves the 16-byte handle,
        // not its buffer) and never dropped, because the interner itself is borrowed for
        // `'static` and so is never dropped. The buffer is immutable, so a `&'static str` to it
        // is valid for the rest of the program.
        let text: &'static str = unsafe { &*entry };
        Ok(Str::from_static(text))
    }

    /// The shared `Str` for `s` if it was interned, without interning it.
    ///
    /// ```
    /// let names = makai_string::SyncInterner::new();
    /// assert!(names.get("tool_use").is_none());
    /// let _ = names.intern("tool_use");
    /// assert!(names.get("tool_use").is_some());
    /// ```
    #[must_use]
    pub fn get(&self, s: &str) -> Option<Str> {
        let hash = hash_bytes(&self.state, s.as_bytes());
        self.shard(hash)
            .find(hash, |e| e.as_bytes() == s.as_bytes())
            .cloned()
    }

    /// Whether `s` was interned.
    #[must_use]
    pub fn contains(&self, s: &str) -> bool {
        self.get(s).is_some()
    }

    /// The number of distinct strings interned (a sum over the shards, each locked in turn,
    /// so concurrent interning can make it stale at once).
    #[must_use]
    pub fn len(&self) -> usize {
        (0..SHARDS)
            .map(|i| {
                self.shards[i]
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .len()
            })
            .sum()
    }

    /// Whether nothing was interned yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl Default for SyncInterner {
    fn default() -> SyncInterner {
        SyncInterner::new()
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl fmt::Debug for SyncInterner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncInterner")
            .field("len", &self.len())
            .field("shards", &SHARDS)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vocabulary(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| match i % 4 {
                0 => format!("x-{i}"),
                1 => format!("content_block_delta_{i}"),
                2 => String::new() + &"é".repeat(i % 9) + &i.to_string(),
                _ => format!("claude-model-{i}-2025-{}", i * 7),
            })
            .collect()
    }

    #[test]
    fn same_text_same_buffer_any_length() {
        let names = Interner::new();
        let n = if cfg!(miri) { 40 } else { 2_000 };
        let vocab = vocabulary(n);
        let first: Vec<Str> = vocab.iter().map(|s| names.intern(s)).collect();
        let mut model: HashMap<&str, &Str> = HashMap::new();
        for (s, i) in vocab.iter().zip(&first) {
            assert_eq!(i, s.as_str());
            model.insert(s, i);
        }
        assert_eq!(names.len(), model.len());
        for s in vocab.iter().rev() {
            let again = names.intern(s);
            assert!(Str::ptr_eq(&again, model[s.as_str()]), "{s:?}");
            assert!(!again.is_inline());
        }
        let empty = names.intern("");
        assert!(Str::ptr_eq(&empty, &names.intern("")));
        assert_eq!(names.len(), model.len() + 1);
    }

    #[test]
    fn strings_outlive_the_interner() {
        let names = Interner::new();
        let s = names.intern("survivor string, longer than sixteen");
        let t = names.intern("tiny");
        drop(names);
        assert_eq!(
            (s.as_str(), t.as_str()),
            ("survivor string, longer than sixteen", "tiny")
        );
    }

    #[test]
    fn get_does_not_insert_and_collects() {
        let names: Interner = ["a", "b", "a"].into_iter().collect();
        assert_eq!(names.len(), 2);
        assert!(names.get("c").is_none() && names.len() == 2);
        assert!(format!("{names:?}").contains("len: 2"));
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "the interner is leaked on purpose, and Miri reports leaks"
    )]
    #[cfg_attr(
        makai_sanitize = "address",
        ignore = "the interner is leaked on purpose, and LeakSanitizer reports leaks"
    )]
    fn leaked_interner_hands_out_uncounted_strings() {
        let names: &'static Interner = Box::leak(Box::new(Interner::new()));
        let counted = names.intern("a header name, longer than 16");
        let fast = names.intern_static("a header name, longer than 16");
        let short = names.intern_static("ok");
        assert!(fast.is_static() && Str::ptr_eq(&fast, &counted));
        assert!(Str::ptr_eq(&short, &names.intern("ok")));
        drop(counted);
        assert_eq!(fast.clone(), "a header name, longer than 16");
    }

    static SHARED: SyncInterner = SyncInterner::new();

    #[test]
    fn sync_interner_agrees_across_threads() {
        let n = if cfg!(miri) { 16 } else { 500 };
        let vocab = vocabulary(n);
        let results: Vec<Vec<Str>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|t| {
                    let vocab = &vocab;
                    scope.spawn(move || {
                        vocab
                            .iter()
                            .map(|s| {
                                if t == 0 {
                                    SHARED.intern(s)
                                } else {
                                    SHARED.intern_static(s)
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for ((a, b), s) in results[0].iter().zip(&results[1]).zip(&vocab) {
            assert!(Str::ptr_eq(a, b), "{s:?}");
            assert!(b.is_static() && a == s.as_str());
        }
        assert!(SHARED.len() >= n);
        assert!(SHARED.contains(&vocab[0]));
        let local = SyncInterner::default();
        assert!(local.get("nothing").is_none() && local.is_empty());
    }
}
