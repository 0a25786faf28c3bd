//! [`UnboundedQueue`]: the intrusive multi-producer, single-consumer queue (Bun's
//! `UnboundedQueue`), with [`Batch`] for pushing and taking many items at once.
//!
//! The queue is two words: `back`, the last item pushed, swapped by every producer, and
//! `front`, the next item to pop, owned by the consumer (producers store to it only when they
//! find the queue empty). Each item carries its own [`Link`], so pushing allocates nothing and
//! is one atomic swap plus one store, whatever the number of producers.

use std::fmt;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use crossbeam_utils::CachePadded;

use crate::sync::{AtomicBool, AtomicPtr, Ordering, spin_loop};

/// The link an item embeds to be queued in an [`UnboundedQueue`]: one pointer.
///
/// A `Link` belongs to one queue at a time. It holds no meaning while the item is not queued;
/// it is reset by every push.
///
/// ```
/// use makai_task::{Link, Linked};
///
/// struct Job {
///     id: u32,
///     link: Link<Job>,
/// }
///
/// // SAFETY: `link` always returns the same field of `self`.
/// unsafe impl Linked for Job {
///     fn link(&self) -> &Link<Job> {
///         &self.link
///     }
/// }
/// assert_eq!(size_of::<Link<Job>>(), size_of::<usize>());
/// ```
pub struct Link<T> {
    next: AtomicPtr<T>,
}

impl<T> Link<T> {
    /// A link that is not in any queue.
    #[must_use]
    pub fn new() -> Self {
        Self {
            next: AtomicPtr::new(ptr::null_mut()),
        }
    }
}

impl<T> Default for Link<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for Link<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Link")
    }
}

#[cfg(not(makai_loom))]
const _: () = assert!(size_of::<Link<u64>>() == size_of::<usize>());

/// A type whose values embed a [`Link`], so they can be queued without allocating.
///
/// # Safety
///
/// `link` must return a reference to a field of `self` (the same field on every call, for the
/// value's whole life) that no other value shares.
pub unsafe trait Linked: Sized {
    /// The value's link.
    fn link(&self) -> &Link<Self>;
}

/// Reads the link of the item behind `item`.
///
/// # Safety
///
/// `item` points to a live `T` that outlives `'a`.
#[inline]
unsafe fn next_of<'a, T: Linked>(item: *mut T) -> &'a AtomicPtr<T> {
    // SAFETY: the caller keeps `item` alive for as long as the queue uses the reference (the
    // lifetime is chosen by the caller and never outlives one queue operation).
    unsafe { &(*item).link().next }
}

/// A chain of linked items: what [`Consumer::pop_all`] returns and what
/// [`UnboundedQueue::push_batch`] takes.
///
/// A batch is built without atomics read-modify-writes (each `push_back` is one store into the
/// previous item's link) and pushed to a queue with a single swap. It iterates front to back,
/// yielding the items' pointers.
///
/// ```
/// use makai_task::{Batch, Link, Linked, UnboundedQueue};
/// use std::ptr::NonNull;
///
/// struct Job { id: u32, link: Link<Job> }
/// // SAFETY: `link` always returns the same field of `self`.
/// unsafe impl Linked for Job { fn link(&self) -> &Link<Job> { &self.link } }
///
/// let mut jobs: Vec<Job> = (0..3).map(|id| Job { id, link: Link::new() }).collect();
/// let queue = UnboundedQueue::new();
/// let mut batch = Batch::new();
/// for job in &mut jobs {
///     // SAFETY: each job outlives the queue's use of it and is in no other batch or queue.
///     unsafe { batch.push_back(NonNull::from(job)) };
/// }
/// assert_eq!(batch.len(), 3);
/// // SAFETY: the batch's items stay alive until they are popped below.
/// unsafe { queue.push_batch(batch) };
/// let mut consumer = queue.try_consumer().unwrap();
/// // SAFETY: the items are alive (they live in `jobs`).
/// let ids: Vec<u32> = consumer.pop_all().map(|j| unsafe { j.as_ref() }.id).collect();
/// assert_eq!(ids, [0, 1, 2]);
/// ```
pub struct Batch<T: Linked> {
    front: *mut T,
    back: *mut T,
    len: usize,
    _own: PhantomData<T>,
}

// SAFETY: a batch hands its items from thread to thread, which is sound when `T` is `Send`.
unsafe impl<T: Linked + Send> Send for Batch<T> {}

impl<T: Linked> Batch<T> {
    /// An empty batch.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            front: ptr::null_mut(),
            back: ptr::null_mut(),
            len: 0,
            _own: PhantomData,
        }
    }

    /// The number of items in the batch.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the batch holds no item.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `item` at the back.
    ///
    /// # Safety
    ///
    /// `item` points to a live `T` that stays alive, and is neither moved nor given to another
    /// batch or queue, until it comes out of the batch again (by iteration, or by being popped
    /// from the queue this batch is pushed to).
    pub unsafe fn push_back(&mut self, item: NonNull<T>) {
        let item = item.as_ptr();
        // SAFETY: the caller promises `item` is live.
        let link = unsafe { next_of(item) };
        // Relaxed: the batch is private to this thread until it is pushed, and the push's
        // Release store publishes every link written here.
        link.store(ptr::null_mut(), Ordering::Relaxed);
        if self.back.is_null() {
            self.front = item;
        } else {
            // SAFETY: `back` is a live item of this batch (pushed earlier under the same
            // promise).
            unsafe { next_of(self.back) }.store(item, Ordering::Relaxed);
        }
        self.back = item;
        self.len += 1;
    }

    /// Appends every item of `other` at the back, in order.
    pub fn append(&mut self, other: Batch<T>) {
        if other.is_empty() {
            return;
        }
        if self.back.is_null() {
            *self = other;
            return;
        }
        // SAFETY: `back` is a live item of this batch.
        unsafe { next_of(self.back) }.store(other.front, Ordering::Relaxed);
        self.back = other.back;
        self.len += other.len;
    }
}

impl<T: Linked> Default for Batch<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Linked> Iterator for Batch<T> {
    type Item = NonNull<T>;

    fn next(&mut self) -> Option<NonNull<T>> {
        let item = NonNull::new(self.front)?;
        self.len -= 1;
        if self.len == 0 {
            self.front = ptr::null_mut();
            self.back = ptr::null_mut();
        } else {
            // SAFETY: `item` is a live item of this batch. Relaxed: the link was written by
            // this thread (`push_back`) or already read with Acquire by `pop_all`.
            self.front = unsafe { next_of(item.as_ptr()) }.load(Ordering::Relaxed);
        }
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<T: Linked> ExactSizeIterator for Batch<T> {}

impl<T: Linked> fmt::Debug for Batch<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch").field("len", &self.len).finish()
    }
}

/// An intrusive, unbounded, multi-producer single-consumer queue (Bun's `UnboundedQueue`).
///
/// - Any number of threads [`push`](UnboundedQueue::push) items (or whole
///   [`Batch`]es with one swap) through `&self`: lock-free, allocation-free, never blocking.
/// - One [`Consumer`] at a time pops one item or takes all of them: the handle is unique
///   (a flag taken by [`try_consumer`](UnboundedQueue::try_consumer), or `&mut self` in
///   [`consumer`](UnboundedQueue::consumer)) and its methods take `&mut self`, so two threads
///   can never pop at once.
/// - Items come out in push order per producer; a batch stays contiguous.
///
/// The queue stores raw pointers and never owns, drops or frees its items: pushing is `unsafe`,
/// the caller promising the item stays alive and in place until it is popped. A queue dropped
/// while it still holds items just forgets them.
///
/// **Progress.** Producers are lock-free. The consumer can meet a producer between its two
/// steps (the swap that claims the back, and the store that links the item in) and then spins
/// until that store lands; this window is two instructions long, so the spin ends as soon as
/// the producer runs again.
///
/// `back` and `front` sit on separate cache lines: producers hammer `back` while the consumer
/// reads and writes `front`.
///
/// ```
/// use makai_task::{Link, Linked, UnboundedQueue};
/// use std::ptr::NonNull;
/// use std::sync::Arc;
///
/// struct Msg { value: u64, link: Link<Msg> }
/// // SAFETY: `link` always returns the same field of `self`.
/// unsafe impl Linked for Msg { fn link(&self) -> &Link<Msg> { &self.link } }
///
/// let queue = Arc::new(UnboundedQueue::<Msg>::new());
/// let producers: Vec<_> = (0..2u64)
///     .map(|p| {
///         let queue = Arc::clone(&queue);
///         std::thread::spawn(move || {
///             for i in 0..100 {
///                 let msg = Box::new(Msg { value: p * 1000 + i, link: Link::new() });
///                 // SAFETY: the box is leaked here and rebuilt by the consumer after the pop.
///                 unsafe { queue.push(NonNull::from(Box::leak(msg))) };
///             }
///         })
///     })
///     .collect();
/// producers.into_iter().for_each(|t| t.join().unwrap());
///
/// let mut consumer = queue.try_consumer().expect("no other consumer");
/// let mut sum = 0;
/// while let Some(msg) = consumer.pop() {
///     // SAFETY: every item was a leaked box, popped exactly once.
///     sum += unsafe { Box::from_raw(msg.as_ptr()) }.value;
/// }
/// assert_eq!(sum, (0..100).sum::<u64>() * 2 + 100_000);
/// ```
#[doc(alias = "MPSC")]
pub struct UnboundedQueue<T: Linked> {
    /// The last item pushed, or null when the queue is empty. Swapped by producers.
    back: CachePadded<AtomicPtr<T>>,
    /// The next item to pop, or null when the queue is empty or the only producer in flight
    /// has not linked its item yet. Written by the consumer, and by a producer that found
    /// `back` null.
    front: CachePadded<AtomicPtr<T>>,
    /// Whether a [`Consumer`] exists.
    consuming: AtomicBool,
}

// SAFETY: the queue hands items from producer threads to the consumer thread: sound when `T`
// is `Send`. It holds only atomics.
unsafe impl<T: Linked + Send> Send for UnboundedQueue<T> {}
// SAFETY: every `&self` method is an atomic protocol; the consumer side is unique (see
// `Consumer`).
unsafe impl<T: Linked + Send> Sync for UnboundedQueue<T> {}

impl<T: Linked> UnboundedQueue<T> {
    /// An empty queue.
    #[must_use]
    pub fn new() -> Self {
        Self {
            back: CachePadded::new(AtomicPtr::new(ptr::null_mut())),
            front: CachePadded::new(AtomicPtr::new(ptr::null_mut())),
            consuming: AtomicBool::new(false),
        }
    }

    /// Pushes one item at the back.
    ///
    /// # Safety
    ///
    /// `item` points to a live `T` that stays alive, and is neither moved nor pushed to any
    /// queue or batch again, until the consumer pops it.
    #[inline]
    pub unsafe fn push(&self, item: NonNull<T>) {
        // SAFETY: forwarded from the caller.
        unsafe { self.push_chain(item.as_ptr(), item.as_ptr()) }
    }

    /// Pushes every item of `batch` at the back, in order, with one atomic swap. An empty
    /// batch is a no-op.
    ///
    /// # Safety
    ///
    /// Every item of `batch` stays alive, and is neither moved nor pushed again, until the
    /// consumer pops it.
    #[inline]
    pub unsafe fn push_batch(&self, batch: Batch<T>) {
        if batch.is_empty() {
            return;
        }
        // SAFETY: forwarded from the caller; `front..=back` is the batch's chain.
        unsafe { self.push_chain(batch.front, batch.back) }
    }

    /// # Safety
    ///
    /// `first ..= last` is a chain of live items linked through their `Link`s, owned by the
    /// caller, that stays alive until popped.
    unsafe fn push_chain(&self, first: *mut T, last: *mut T) {
        // SAFETY: `last` is live (caller). Relaxed: published by the Release store below.
        unsafe { next_of(last) }.store(ptr::null_mut(), Ordering::Relaxed);
        // AcqRel: Acquire pairs with the consumer's Release when it empties the queue (its
        // `front = null` must come before our `front = first` below); Release publishes the
        // chain to whoever swaps after us.
        let prev = self.back.swap(last, Ordering::AcqRel);
        let slot = if prev.is_null() {
            &*self.front
        } else {
            // SAFETY: `prev` is still in the queue: the consumer cannot finish popping it
            // before this store links it to `first` (it waits for the link, see `pop`).
            unsafe { next_of(prev) }
        };
        // Release: publishes the items (and the chain's links) to the consumer's Acquire
        // loads of `front` and of links.
        slot.store(first, Ordering::Release);
    }

    /// Whether the queue looks empty right now (a concurrent push may change that at once).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        // Acquire: pairs with the producers' swap, so a caller that sees "not empty" and then
        // pops finds the items' writes.
        self.back.load(Ordering::Acquire).is_null()
    }

    /// The consumer handle, unless one exists already (then `None`).
    ///
    /// Taking and dropping the handle costs one atomic each, so several threads can take turns
    /// consuming (the thread pool's workers do this with its shared queue).
    #[must_use]
    pub fn try_consumer(&self) -> Option<Consumer<'_, T>> {
        // Acquire: pairs with the Release in `Consumer::drop`, so this consumer sees the
        // previous one's writes to `front`.
        if self.consuming.swap(true, Ordering::Acquire) {
            None
        } else {
            Some(Consumer { queue: self })
        }
    }

    /// The consumer handle, from exclusive access (no other handle can exist).
    pub fn consumer(&mut self) -> Consumer<'_, T> {
        // Relaxed: `&mut self` already orders this with every other access.
        self.consuming.store(true, Ordering::Relaxed);
        Consumer { queue: self }
    }
}

impl<T: Linked> Default for UnboundedQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Linked> fmt::Debug for UnboundedQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedQueue")
            .field("is_empty", &self.is_empty())
            .finish_non_exhaustive()
    }
}

/// The unique consumer side of an [`UnboundedQueue`]: pops one item or takes all of them.
///
/// Only one exists per queue at a time; dropping it lets another be taken.
///
/// ```compile_fail
/// use makai_task::{Link, Linked, UnboundedQueue};
/// struct Job { link: Link<Job> }
/// // SAFETY: `link` always returns the same field of `self`.
/// unsafe impl Linked for Job { fn link(&self) -> &Link<Job> { &self.link } }
/// let queue = UnboundedQueue::<Job>::new();
/// let mut c = queue.try_consumer().unwrap();
/// // Popping needs `&mut Consumer`: two pops through shared references do not compile.
/// let shared = &c;
/// shared.pop();
/// ```
pub struct Consumer<'q, T: Linked> {
    queue: &'q UnboundedQueue<T>,
}

impl<T: Linked> Consumer<'_, T> {
    /// Pops the front item, or `None` when the queue is empty.
    ///
    /// An item whose push has not returned yet may or may not be seen.
    #[must_use]
    pub fn pop(&mut self) -> Option<NonNull<T>> {
        let q = self.queue;
        // Acquire: pairs with the Release store of a producer that found the queue empty.
        let first = NonNull::new(q.front.load(Ordering::Acquire))?;
        // SAFETY: `first` is queued, hence live (push contract).
        let link = unsafe { next_of(first.as_ptr()) };
        // Acquire: pairs with the Release store that linked the next item in.
        let next = link.load(Ordering::Acquire);
        if !next.is_null() {
            // Relaxed: `front` is ours while `back` is non-null (producers only write it after
            // finding `back` null, and only we make it null).
            q.front.store(next, Ordering::Relaxed);
            return Some(first);
        }
        // `first` looks like the last item. Clear `front` first, then try to clear `back`.
        q.front.store(ptr::null_mut(), Ordering::Relaxed);
        // Release on success: the next producer's AcqRel swap reads this null and then
        // stores `front`; this Release orders our `front = null` before that store, so it
        // cannot overwrite the producer's item. (Weakening it to Relaxed loses items; the
        // loom model `queue_push_push_pop` catches that.)
        match q.back.compare_exchange(
            first.as_ptr(),
            ptr::null_mut(),
            Ordering::Release,
            Ordering::Relaxed,
        ) {
            Ok(_) => Some(first),
            Err(_) => {
                // A producer claimed the back after `first`; wait for it to link its item.
                let next = wait_next(link);
                q.front.store(next, Ordering::Relaxed);
                Some(first)
            }
        }
    }

    /// Takes every item in the queue at once, in order.
    #[doc(alias = "popBatch")]
    #[must_use]
    pub fn pop_all(&mut self) -> Batch<T> {
        let q = self.queue;
        // A plain load first: an empty queue (the common case for an event loop's tick)
        // costs no read-modify-write. Relaxed: only decides whether to swap.
        if q.front.load(Ordering::Relaxed).is_null() {
            return Batch::new();
        }
        // Acquire: pairs with the Release store of a producer that found the queue empty.
        let first = q.front.swap(ptr::null_mut(), Ordering::Acquire);
        if first.is_null() {
            return Batch::new();
        }
        // AcqRel: Release orders our `front = null` before the `front` store of the next
        // producer (which reads this null); Acquire pairs with the producers' swaps.
        let last = q.back.swap(ptr::null_mut(), Ordering::AcqRel);
        debug_assert!(!last.is_null(), "`back` is null while `front` is not");
        let mut len = 1;
        let mut item = first;
        while item != last {
            // SAFETY: `item` is queued and not yet handed out: live.
            item = wait_next(unsafe { next_of(item) });
            len += 1;
        }
        Batch {
            front: first,
            back: last,
            len,
            _own: PhantomData,
        }
    }

    /// Whether the queue looks empty right now.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

/// Spins until a producer's link store lands in `link`.
fn wait_next<T>(link: &AtomicPtr<T>) -> *mut T {
    loop {
        // Acquire: pairs with the producer's Release store of the link.
        let next = link.load(Ordering::Acquire);
        if !next.is_null() {
            return next;
        }
        spin_loop();
    }
}

impl<T: Linked> Drop for Consumer<'_, T> {
    fn drop(&mut self) {
        // Release: pairs with the next `try_consumer`'s Acquire.
        self.queue.consuming.store(false, Ordering::Release);
    }
}

impl<T: Linked> fmt::Debug for Consumer<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("queue", self.queue)
            .finish()
    }
}
