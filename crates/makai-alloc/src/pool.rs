//! [`ArenaPool`]: reusable arenas handed out behind a guard, for per-request memory.
//!
//! An arena per request is the right lifetime for request data, but creating one per request
//! pays for fresh chunks each time. The pool keeps reset arenas (their chunks stay allocated)
//! and hands them out again, as oxc's `AllocatorPool` does for its per-file allocators.

use core::fmt;
use core::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};

use crate::{Arena, RcArena};

/// A pool of reusable [`Arena`]s, shared by cloning (clones are handles to one pool) and usable
/// from any thread.
///
/// [`get`](ArenaPool::get) hands out a [`PooledArena`] guard; dropping the guard resets the
/// arena and puts it back, so its chunks serve the next request without new allocations.
/// [`get_rc`](ArenaPool::get_rc) hands out an [`RcArena`] instead, whose strings are owned
/// handles (no lifetime) that can live in request state; its arena returns to the pool when
/// the last handle is gone.
///
/// Two interleaved requests, each with its own memory, the second finishing first:
///
/// ```
/// use makai_alloc::{ArenaPool, ArenaStr, RcArena};
///
/// struct Request {
///     mem: RcArena,
///     model: ArenaStr,
///     text: Vec<ArenaStr>,
/// }
///
/// let pool = ArenaPool::new();
/// let mut requests = Vec::new();
/// for id in 0..2 {
///     let mem = pool.get_rc();
///     let model = mem.alloc_str(&format!("model-{id}"));
///     requests.push(Request { mem, model, text: Vec::new() });
/// }
/// // Events arrive interleaved: a, b, a, b ...
/// for (n, delta) in ["Hel", "Bon", "lo", "jour"].iter().enumerate() {
///     let r = &mut requests[n % 2];
///     let s = r.mem.alloc_str(delta);
///     r.text.push(s);
/// }
/// let b = requests.pop().unwrap(); // request 1 finishes first
/// assert_eq!((&*b.model, b.text.concat()), ("model-1", "Bonjour".to_string()));
/// drop(b); // its arena is reset and back in the pool
/// assert_eq!(pool.idle_count(), 1);
///
/// let a = requests.pop().unwrap();
/// assert_eq!((&*a.model, a.text.concat()), ("model-0", "Hello".to_string()));
/// let kept = a.text[0].clone(); // a handle keeps the arena alive on its own
/// drop(a);
/// assert_eq!((&*kept, pool.idle_count()), ("Hel", 1));
/// drop(kept);
/// assert_eq!(pool.idle_count(), 2);
/// ```
#[derive(Clone, Default)]
pub struct ArenaPool {
    inner: Arc<PoolInner>,
}

#[derive(Default)]
struct PoolInner {
    idle: Mutex<Vec<Arena>>,
    /// Arenas beyond this many idle ones are dropped instead of kept.
    max_idle: Option<usize>,
}

impl ArenaPool {
    /// An empty pool that keeps every returned arena.
    ///
    /// ```
    /// assert_eq!(makai_alloc::ArenaPool::new().idle_count(), 0);
    /// ```
    #[must_use]
    pub fn new() -> ArenaPool {
        ArenaPool::default()
    }

    /// An empty pool that keeps at most `max_idle` returned arenas and drops the rest (so a
    /// burst of concurrent requests does not hold its peak memory forever).
    ///
    /// ```
    /// let pool = makai_alloc::ArenaPool::with_max_idle(1);
    /// let (a, b) = (pool.get(), pool.get());
    /// drop((a, b));
    /// assert_eq!(pool.idle_count(), 1);
    /// ```
    #[must_use]
    pub fn with_max_idle(max_idle: usize) -> ArenaPool {
        ArenaPool {
            inner: Arc::new(PoolInner {
                idle: Mutex::new(Vec::new()),
                max_idle: Some(max_idle),
            }),
        }
    }

    fn take(&self) -> Arena {
        self.lock().pop().unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arena>> {
        // A panic while the lock was held left the vector itself intact (push and pop do not
        // unwind halfway), so a poisoned pool is still a valid pool.
        self.inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Resets `arena` and keeps it, unless the pool is full.
    fn give_back(&self, mut arena: Arena) {
        arena.reset();
        let mut idle = self.lock();
        if self.inner.max_idle.is_none_or(|max| idle.len() < max) {
            idle.push(arena);
        }
    }

    /// An arena from the pool (or a new one when none is idle), behind a guard that resets it
    /// and returns it when dropped.
    ///
    /// ```
    /// let pool = makai_alloc::ArenaPool::new();
    /// {
    ///     let arena = pool.get();
    ///     let s = arena.alloc_str("scratch for one request");
    ///     assert_eq!(s.len(), 23);
    /// }
    /// assert_eq!(pool.idle_count(), 1);
    /// let again = pool.get(); // the same chunks, reset
    /// assert!(again.allocated_bytes() > 0);
    /// ```
    #[must_use]
    pub fn get(&self) -> PooledArena {
        PooledArena {
            arena: Some(self.take()),
            pool: self.clone(),
        }
    }

    /// An arena from the pool as an [`RcArena`]: its allocations are owned handles, and the
    /// arena comes back to this pool, reset, when the `RcArena` and all its handles are gone.
    ///
    /// ```
    /// let pool = makai_alloc::ArenaPool::new();
    /// let s = pool.get_rc().alloc_str("outlives the RcArena value");
    /// assert_eq!(pool.idle_count(), 0);
    /// drop(s);
    /// assert_eq!(pool.idle_count(), 1);
    /// ```
    #[must_use]
    pub fn get_rc(&self) -> RcArena {
        RcArena::pooled(self.take(), self.clone())
    }

    pub(crate) fn recycle(&self, arena: Arena) {
        self.give_back(arena);
    }

    /// How many reset arenas wait in the pool.
    #[must_use]
    pub fn idle_count(&self) -> usize {
        self.lock().len()
    }

    /// Drops every idle arena, releasing its chunks.
    ///
    /// ```
    /// let pool = makai_alloc::ArenaPool::new();
    /// drop(pool.get());
    /// pool.clear();
    /// assert_eq!(pool.idle_count(), 0);
    /// ```
    pub fn clear(&self) {
        let idle = core::mem::take(&mut *self.lock());
        drop(idle);
    }
}

impl fmt::Debug for ArenaPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArenaPool")
            .field("idle", &self.idle_count())
            .field("max_idle", &self.inner.max_idle)
            .finish()
    }
}

/// An [`Arena`] borrowed from an [`ArenaPool`]: derefs to the arena, and on drop resets it and
/// returns it to the pool. It owns a handle to the pool, so it has no lifetime and can be sent
/// to another thread (`Arena` is `Send`).
///
/// Values allocated in it borrow the guard, as they borrow an `Arena`:
///
/// ```compile_fail
/// let pool = makai_alloc::ArenaPool::new();
/// let s = {
///     let arena = pool.get();
///     arena.alloc_str("x")
/// };
/// ```
///
/// Keep it for scoped work (one call, one task, one thread); to keep per-request strings in
/// the request's own state, use [`ArenaPool::get_rc`].
pub struct PooledArena {
    /// Always `Some` until `drop` or `into_inner` takes it.
    arena: Option<Arena>,
    pool: ArenaPool,
}

impl PooledArena {
    /// Takes the arena out of the pool for good.
    ///
    /// ```
    /// let pool = makai_alloc::ArenaPool::new();
    /// let arena: makai_alloc::Arena = makai_alloc::PooledArena::into_inner(pool.get());
    /// drop(arena);
    /// assert_eq!(pool.idle_count(), 0);
    /// ```
    #[must_use]
    pub fn into_inner(mut guard: PooledArena) -> Arena {
        guard.arena.take().unwrap_or_default()
    }
}

impl Deref for PooledArena {
    type Target = Arena;

    fn deref(&self) -> &Arena {
        // `arena` is `Some` for the guard's whole life (only `drop`/`into_inner` take it).
        self.arena
            .as_ref()
            .unwrap_or_else(|| unreachable!("PooledArena used after its arena was taken"))
    }
}

impl DerefMut for PooledArena {
    fn deref_mut(&mut self) -> &mut Arena {
        self.arena
            .as_mut()
            .unwrap_or_else(|| unreachable!("PooledArena used after its arena was taken"))
    }
}

impl Drop for PooledArena {
    fn drop(&mut self) {
        if let Some(arena) = self.arena.take() {
            self.pool.give_back(arena);
        }
    }
}

impl fmt::Debug for PooledArena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PooledArena").field(&**self).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arenas_are_reused_and_reset() {
        let pool = ArenaPool::new();
        let first_chunk = {
            let a = pool.get();
            let s = a.alloc_str("hello");
            s.as_ptr() as usize
        };
        assert_eq!(pool.idle_count(), 1);
        let a = pool.get();
        assert_eq!(pool.idle_count(), 0);
        // Reset: the next allocation starts over in the same chunk.
        let s = a.alloc_str("hello");
        assert_eq!(s.as_ptr() as usize, first_chunk);
    }

    #[test]
    fn clones_share_one_pool_across_threads() {
        let pool = ArenaPool::new();
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    let a = pool.get();
                    assert_eq!(&*a.alloc_str(&i.to_string()), i.to_string());
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!((1..=2).contains(&pool.idle_count()));
        let guard = pool.get();
        std::thread::spawn(move || drop(guard)).join().unwrap();
    }

    #[test]
    fn max_idle_zero_keeps_nothing() {
        let pool = ArenaPool::with_max_idle(0);
        drop(pool.get());
        drop(pool.get_rc());
        assert_eq!(pool.idle_count(), 0);
        assert!(format!("{pool:?}").contains("max_idle"));
    }

    #[test]
    fn a_panic_inside_a_guard_still_returns_it() {
        let pool = ArenaPool::new();
        let p2 = pool.clone();
        let r = std::panic::catch_unwind(move || {
            let a = p2.get();
            a.alloc(1_u8);
            panic!("request failed");
        });
        assert!(r.is_err());
        assert_eq!(pool.idle_count(), 1);
    }
}
