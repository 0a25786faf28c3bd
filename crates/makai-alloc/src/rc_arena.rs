//! [`RcArena`]: an arena owned by reference count, whose allocations are owned handles
//! ([`ArenaStr`], [`ArenaSlice`]) that keep it alive.
//!
//! This is per-request memory for interleaved requests: a request's state holds its `RcArena`
//! and the handles, with no lifetime, so it can sit in a map next to other requests; the arena's
//! memory goes away (or back to its [`ArenaPool`]) when the last handle does.

use alloc::borrow::Borrow;
use alloc::rc::Rc;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;
use core::ptr::NonNull;

use makai_error::AllocError;

use crate::Arena;
#[cfg(feature = "std")]
use crate::ArenaPool;

/// The pool an arena goes back to: none can exist without `std` (`ArenaPool` needs a mutex).
#[cfg(feature = "std")]
type Pool = ArenaPool;
#[cfg(not(feature = "std"))]
type Pool = core::convert::Infallible;

/// An [`Arena`] shared by reference count. Strings and slices copied into it come back as
/// owned handles ([`ArenaStr`], [`ArenaSlice`]) that hold a count on the arena: no lifetime to
/// thread through request state, and the memory is freed in one go when the `RcArena` and
/// every handle are dropped. From [`ArenaPool::get_rc`], the arena is reset and returned to
/// the pool instead.
///
/// An allocation is a bump plus a count increment; a handle is 24 bytes. Single-threaded
/// (`!Send`, `!Sync`): the count is not atomic. For work on other threads, use
/// [`ArenaPool::get`].
///
/// `RcArena` derefs to [`Arena`], so scoped allocations (`Arena::alloc`, containers through
/// `&Arena`) work as usual and borrow it. It can never be reset: resetting would free what
/// the handles point to.
///
/// ```
/// use makai_alloc::{ArenaStr, RcArena};
/// use std::collections::HashMap;
///
/// // Request state with no lifetime parameter:
/// struct Request { _mem: RcArena, tool: ArenaStr, args: Vec<ArenaStr> }
///
/// let mut live: HashMap<u32, Request> = HashMap::new();
/// for id in [7, 8] {
///     let mem = RcArena::new();
///     let tool = mem.alloc_str(if id == 7 { "search" } else { "fetch" });
///     live.insert(id, Request { _mem: mem, tool, args: Vec::new() });
/// }
/// for (id, frag) in [(7, "{\"q\":"), (8, "{\"url\":"), (7, "\"rust\"}")] {
///     let r = live.get_mut(&id).unwrap();
///     let frag = r._mem.alloc_str(frag);
///     r.args.push(frag);
/// }
/// let done = live.remove(&7).unwrap();
/// assert_eq!((&*done.tool, done.args.concat()), ("search", "{\"q\":\"rust\"}".to_string()));
/// ```
///
/// Handles are not `Send` (the count is not atomic):
///
/// ```compile_fail
/// let s = makai_alloc::RcArena::new().alloc_str("x");
/// std::thread::spawn(move || drop(s));
/// ```
#[derive(Clone, Default)]
pub struct RcArena {
    inner: Rc<Inner>,
}

#[derive(Default)]
struct Inner {
    arena: Arena,
    /// Where the arena goes back to when the last owner is gone.
    pool: Option<Pool>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            #[cfg(feature = "std")]
            pool.recycle(core::mem::take(&mut self.arena));
            #[cfg(not(feature = "std"))]
            match pool {}
        }
    }
}

impl RcArena {
    /// A new, empty arena (its first chunk is allocated on first use).
    ///
    /// ```
    /// let mem = makai_alloc::RcArena::new();
    /// assert_eq!(mem.allocated_bytes(), 0);
    /// ```
    #[must_use]
    pub fn new() -> RcArena {
        RcArena::default()
    }

    /// Shares an existing arena (for example one made [`with_capacity`](Arena::with_capacity)).
    ///
    /// ```
    /// let mem = makai_alloc::RcArena::from_arena(makai_alloc::Arena::with_capacity(1024));
    /// assert!(mem.allocated_bytes() >= 1024);
    /// ```
    #[must_use]
    pub fn from_arena(arena: Arena) -> RcArena {
        RcArena {
            inner: Rc::new(Inner { arena, pool: None }),
        }
    }

    #[cfg(feature = "std")]
    pub(crate) fn pooled(arena: Arena, pool: ArenaPool) -> RcArena {
        RcArena {
            inner: Rc::new(Inner {
                arena,
                pool: Some(pool),
            }),
        }
    }

    /// Copies `s` into the arena and returns an owned handle to the copy.
    ///
    /// Calls [`makai_error::out_of_memory`] when the arena cannot grow; see
    /// [`try_alloc_str`](RcArena::try_alloc_str).
    ///
    /// ```
    /// let mem = makai_alloc::RcArena::new();
    /// let s = mem.alloc_str("claude-sonnet");
    /// drop(mem); // the handle keeps the arena alive
    /// assert_eq!(s, "claude-sonnet");
    /// ```
    #[must_use]
    pub fn alloc_str(&self, s: &str) -> ArenaStr {
        self.try_alloc_str(s)
            .unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Like [`alloc_str`](RcArena::alloc_str), reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the arena cannot grow.
    ///
    /// ```
    /// let s = makai_alloc::RcArena::new().try_alloc_str("ok")?;
    /// assert_eq!(s.len(), 2);
    /// # Ok::<(), makai_alloc::AllocError>(())
    /// ```
    pub fn try_alloc_str(&self, s: &str) -> Result<ArenaStr, AllocError> {
        Ok(ArenaStr {
            bytes: self.try_alloc_slice_copy(s.as_bytes())?,
        })
    }

    /// Copies `src` into the arena and returns an owned handle to the copy.
    ///
    /// Calls [`makai_error::out_of_memory`] when the arena cannot grow; see
    /// [`try_alloc_slice_copy`](RcArena::try_alloc_slice_copy).
    ///
    /// ```
    /// let mem = makai_alloc::RcArena::new();
    /// let ids = mem.alloc_slice_copy(&[3_u32, 1, 4]);
    /// assert_eq!(&*ids, &[3, 1, 4]);
    /// ```
    #[must_use]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> ArenaSlice<T> {
        self.try_alloc_slice_copy(src)
            .unwrap_or_else(|_| makai_error::out_of_memory())
    }

    /// Like [`alloc_slice_copy`](RcArena::alloc_slice_copy), reporting failure.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the arena cannot grow.
    ///
    /// ```
    /// let mem = makai_alloc::RcArena::new();
    /// assert!(mem.try_alloc_slice_copy::<u8>(&[]).is_ok());
    /// ```
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<ArenaSlice<T>, AllocError> {
        let copy: &mut [T] = self.inner.arena.try_alloc_slice_copy(src)?;
        Ok(ArenaSlice {
            ptr: NonNull::from(copy),
            owner: Rc::clone(&self.inner),
        })
    }

    /// How many owners the arena has: `RcArena` values plus live handles.
    ///
    /// ```
    /// let mem = makai_alloc::RcArena::new();
    /// let s = mem.alloc_str("a");
    /// assert_eq!(mem.owner_count(), 2);
    /// drop(s);
    /// assert_eq!(mem.owner_count(), 1);
    /// ```
    #[must_use]
    pub fn owner_count(&self) -> usize {
        Rc::strong_count(&self.inner)
    }
}

impl Deref for RcArena {
    type Target = Arena;

    fn deref(&self) -> &Arena {
        &self.inner.arena
    }
}

impl fmt::Debug for RcArena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RcArena")
            .field("allocated_bytes", &self.allocated_bytes())
            .field("owners", &self.owner_count())
            .field("pooled", &self.inner.pool.is_some())
            .finish()
    }
}

/// An owned handle to a slice copied into an [`RcArena`]: derefs to `[T]`, clones in O(1)
/// (a count increment), and keeps the arena alive until dropped. 24 bytes.
///
/// ```
/// let mem = makai_alloc::RcArena::new();
/// let a = mem.alloc_slice_copy(b"bytes");
/// let b = a.clone();
/// assert_eq!(a.as_ptr(), b.as_ptr()); // the same memory
/// ```
pub struct ArenaSlice<T> {
    /// `len` initialised `T`s in `owner`'s arena. The arena is never reset or dropped while
    /// `owner` is held (it resets only in `Inner::drop`, at count zero), and nothing writes to
    /// these elements after the copy, so shared access for the handle's life is sound.
    ptr: NonNull<[T]>,
    owner: Rc<Inner>,
}

// Three words: the slice (pointer and length) and the owner.
const _: () = assert!(size_of::<ArenaSlice<u8>>() == 3 * size_of::<usize>());
const _: () = assert!(size_of::<ArenaStr>() == 3 * size_of::<usize>());

impl<T> ArenaSlice<T> {
    /// The elements.
    ///
    /// ```
    /// let s = makai_alloc::RcArena::new().alloc_slice_copy(&[1, 2]);
    /// assert_eq!(s.as_slice(), &[1, 2]);
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: see the `ptr` field: the elements are initialised, their memory lives while
        // `self.owner` is held, and nothing mutates them.
        unsafe { self.ptr.as_ref() }
    }

    /// `true` when both handles point to the same copy (not merely equal contents).
    ///
    /// ```
    /// let mem = makai_alloc::RcArena::new();
    /// let (a, b) = (mem.alloc_slice_copy(&[1]), mem.alloc_slice_copy(&[1]));
    /// assert!(a.ptr_eq(&a.clone()) && !a.ptr_eq(&b));
    /// ```
    #[must_use]
    pub fn ptr_eq(&self, other: &ArenaSlice<T>) -> bool {
        core::ptr::eq(self.ptr.as_ptr(), other.ptr.as_ptr())
    }
}

impl<T> Clone for ArenaSlice<T> {
    fn clone(&self) -> Self {
        ArenaSlice {
            ptr: self.ptr,
            owner: Rc::clone(&self.owner),
        }
    }
}

impl<T> Deref for ArenaSlice<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> AsRef<[T]> for ArenaSlice<T> {
    fn as_ref(&self) -> &[T] {
        self
    }
}

impl<T> Borrow<[T]> for ArenaSlice<T> {
    fn borrow(&self) -> &[T] {
        self
    }
}

impl<T: fmt::Debug> fmt::Debug for ArenaSlice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl<T: PartialEq> PartialEq for ArenaSlice<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: PartialEq> PartialEq<[T]> for ArenaSlice<T> {
    fn eq(&self, other: &[T]) -> bool {
        self.as_slice() == other
    }
}

impl<T: Eq> Eq for ArenaSlice<T> {}

impl<T: Hash> Hash for ArenaSlice<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

/// An owned handle to a string copied into an [`RcArena`]: derefs to `str`, clones in O(1),
/// hashes and compares like `str`, and keeps the arena alive until dropped. 24 bytes.
///
/// ```
/// use std::collections::HashSet;
/// let mem = makai_alloc::RcArena::new();
/// let mut seen = HashSet::new();
/// seen.insert(mem.alloc_str("content_block_delta"));
/// assert!(seen.contains("content_block_delta")); // look up by &str
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ArenaStr {
    /// UTF-8: built only from a `&str` in [`RcArena::try_alloc_str`].
    bytes: ArenaSlice<u8>,
}

impl ArenaStr {
    /// The text.
    ///
    /// ```
    /// let s = makai_alloc::RcArena::new().alloc_str("text");
    /// assert_eq!(s.as_str(), "text");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        // SAFETY: the bytes were copied from a `&str` (see the `bytes` field) and never change.
        unsafe { core::str::from_utf8_unchecked(self.bytes.as_slice()) }
    }

    /// `true` when both handles point to the same copy.
    ///
    /// ```
    /// let s = makai_alloc::RcArena::new().alloc_str("a");
    /// assert!(s.ptr_eq(&s.clone()));
    /// ```
    #[must_use]
    pub fn ptr_eq(&self, other: &ArenaStr) -> bool {
        self.bytes.ptr_eq(&other.bytes)
    }
}

impl Deref for ArenaStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ArenaStr {
    fn as_ref(&self) -> &str {
        self
    }
}

impl AsRef<[u8]> for ArenaStr {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<str> for ArenaStr {
    fn borrow(&self) -> &str {
        self
    }
}

impl fmt::Debug for ArenaStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ArenaStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for ArenaStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ArenaStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<ArenaStr> for str {
    fn eq(&self, other: &ArenaStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<ArenaStr> for &str {
    fn eq(&self, other: &ArenaStr) -> bool {
        *self == other.as_str()
    }
}

impl Hash for ArenaStr {
    /// Hashes as `str` does (not as `[u8]`), so that `Borrow<str>` lookups find it.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for ArenaStr {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ArenaStr {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn handles_outlive_the_arena_value_and_free_with_the_last() {
        let mem = RcArena::new();
        let a = mem.alloc_str("alpha");
        let b = mem.alloc_slice_copy(&[1_u64, 2, 3]);
        let empty = mem.alloc_str("");
        let zst = mem.alloc_slice_copy(&[(), ()]);
        drop(mem);
        assert_eq!(
            (&*a, &*b, &*empty, zst.len()),
            ("alpha", &[1, 2, 3][..], "", 2)
        );
        let a2 = a.clone();
        drop(a);
        assert_eq!(a2, "alpha");
        assert_eq!(a2.owner_count_for_test(), 4);
    }

    impl ArenaStr {
        fn owner_count_for_test(&self) -> usize {
            Rc::strong_count(&self.bytes.owner)
        }
    }

    #[test]
    fn many_interleaved_requests_match_a_string_model() {
        let pool = ArenaPool::with_max_idle(4);
        let mut live: HashMap<usize, (RcArena, Vec<ArenaStr>, String)> = HashMap::new();
        let mut finished = 0;
        // Small under Miri, which is slow; the shape (12 live requests, random order) is kept.
        let steps = if cfg!(miri) { 300 } else { 2_000_usize };
        for step in 0..steps {
            let id = step.wrapping_mul(2_654_435_761) % 12;
            let entry = live
                .entry(id)
                .or_insert_with(|| (pool.get_rc(), Vec::new(), String::new()));
            let delta = format!("{step}-é;");
            entry.1.push(entry.0.alloc_str(&delta));
            entry.2.push_str(&delta);
            if step % 17 == 0 {
                let (_, parts, model) = live.remove(&id).unwrap();
                assert_eq!(parts.concat(), model);
                finished += 1;
            }
        }
        for (_, (_, parts, model)) in live.drain() {
            assert_eq!(parts.concat(), model);
        }
        assert!(finished >= steps / 20);
        assert_eq!(pool.idle_count(), 4);
    }

    #[test]
    fn equality_hash_and_order_follow_str() {
        let mem = RcArena::new();
        let (a, b) = (mem.alloc_str("b"), mem.alloc_str("a"));
        assert!(b < a);
        assert_eq!(a, "b");
        assert_eq!("b", a);
        assert_eq!(*"a", b);
        #[expect(
            clippy::mutable_key_type,
            reason = "the arena's bump pointer is a Cell, but an ArenaStr's hash is its immutable text"
        )]
        let mut m = HashMap::new();
        m.insert(a.clone(), 1);
        assert_eq!(m.get("b"), Some(&1));
        assert_eq!(format!("{a:?} {a}"), "\"b\" b");
        assert!(format!("{mem:?}").contains("owners: 4"));
    }
}
