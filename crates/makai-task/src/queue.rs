//! [`UnboundedQueue`]: the intrusive multi-producer, single-consumer queue (Bun's
//! `UnboundedQueue`), with [`Batch`] for pushing and taking many items at once.
//!
//! The queue has two ends on separate cache lines. Producers share `back`, the last item
//! pushed: a push swaps its item in and then stores the item it displaced into its *own*
//! item's link, so the shared chain is linked backwards (newest to oldest) and a producer
//! writes no memory but `back` and its own item. The consumer owns `front`, a forward list of
//! items it has already taken: when that list runs out it swaps `back` to null, taking the
//! whole chain, and reverses it into the list. Each item carries its own [`Link`], so pushing
//! allocates nothing and is one atomic swap plus two stores into the item, whatever the number
//! of producers.

use std::fmt;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use crossbeam_utils::CachePadded;

use crate::sync::{AtomicBool, AtomicPtr, AtomicUsize, Ordering, spin_loop};

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

#[cfg(makai_loom)]
impl<T> Link<T> {
    /// For the loom models: a non-atomic read of the link, as the owner's free of a popped
    /// item is. loom reports it if a producer's store to the link does not happen before it.
    #[doc(hidden)]
    pub fn loom_assert_quiescent(&self) {
        // SAFETY: loom's `unsync_load` is a checked model of a plain read; under loom it
        // reads the model's value and reports a concurrent store instead of racing.
        let _ = unsafe { self.next.unsync_load() };
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

/// The link of an item whose producer has swapped it into `back` but not yet stored the item
/// it displaced. Address 1 is never a `T` (a `T` holds a `Link`, so it is pointer-aligned), and
/// this pointer is only compared, never dereferenced.
#[inline]
fn unset<T>() -> *mut T {
    ptr::without_provenance_mut(1)
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
    /// from the queue this batch is pushed to). As for [`UnboundedQueue::push`], a pointer
    /// from a shared reference is fine; it comes back out with the permissions it went in with.
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
            // this thread (`push_back`) or by a consumer that took the items (`pop_all`,
            // ordered before this thread by the queue's handle or by the batch's move).
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
/// steps (the swap that claims the back, and the store of the displaced item into its own
/// link) and then spins until that store lands; this window is two instructions long, so the
/// spin ends as soon as the producer runs again.
///
/// **Cost.** A push writes the shared `back` word and its own item, nothing else: it never
/// stores into an item another producer pushed, nor into the consumer's words. The consumer
/// takes everything pushed so far with one swap and reverses it (one pass over the items) into
/// its own list, from which [`Consumer::pop`] then takes items without any read-modify-write.
/// `back` and the consumer's words sit on separate cache lines: producers hammer `back` while
/// the consumer works on its list.
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
    /// The last item pushed and not yet taken by the consumer, or null. Swapped by producers
    /// (and to null by the consumer). Each item of this chain links to the item pushed just
    /// before it (null for the first one after the consumer's last take), or holds `unset()`
    /// while its producer is between its swap and its link store.
    back: CachePadded<AtomicPtr<T>>,
    /// The consumer's side, on its own cache line.
    own: CachePadded<ConsumerSide<T>>,
}

/// The words only the consumer writes: a forward-linked list of items already taken from the
/// producers' chain, oldest first. Other threads only read `front` (in `is_empty`).
struct ConsumerSide<T> {
    /// The oldest item taken and not yet popped, or null.
    front: AtomicPtr<T>,
    /// The newest item of the list (meaningful only while `front` is not null).
    tail: AtomicPtr<T>,
    /// How many items the list holds.
    len: AtomicUsize,
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
            own: CachePadded::new(ConsumerSide {
                front: AtomicPtr::new(ptr::null_mut()),
                tail: AtomicPtr::new(ptr::null_mut()),
                len: AtomicUsize::new(0),
                consuming: AtomicBool::new(false),
            }),
        }
    }

    /// Pushes one item at the back.
    ///
    /// # Safety
    ///
    /// `item` points to a live `T` that stays alive, and is neither moved nor pushed to any
    /// queue or batch again, until the consumer pops it.
    ///
    /// A pointer made from a shared reference (`NonNull::from(&value)`) is fine: the queue
    /// writes only the link's atomic field, which a shared reference allows. The popped
    /// pointer is the pushed one, with the same permissions: writing through it (or
    /// `Box::from_raw`) needs a pointer that allowed that when it was pushed (from `&mut`,
    /// `Box::into_raw` or `Box::leak`).
    #[inline]
    pub unsafe fn push(&self, item: NonNull<T>) {
        // SAFETY: forwarded from the caller.
        unsafe { self.push_chain(item.as_ptr(), item.as_ptr()) }
    }

    /// Pushes every item of `batch` at the back, in order, with one atomic swap. An empty
    /// batch is a no-op. (Before the swap it turns the batch's links around, one store per
    /// item, all into the batch's own items.)
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
    /// `first ..= last` is a chain of live items linked forward through their `Link`s, owned
    /// by the caller, that stays alive until popped.
    unsafe fn push_chain(&self, first: *mut T, last: *mut T) {
        // Turn the chain around: each item links to the one before it, and `first` is marked
        // unset until we know what it follows. Relaxed: the items are ours until the swap
        // below, whose Release publishes these stores.
        let mut before = unset::<T>();
        let mut item = first;
        loop {
            // SAFETY: `item` is a live item of the caller's chain.
            let link = unsafe { next_of(item) };
            let next = link.load(Ordering::Relaxed);
            link.store(before, Ordering::Relaxed);
            if item == last {
                break;
            }
            before = item;
            item = next;
        }
        // Release: publishes the items (their contents and the links stored above) to the
        // consumer's Acquire swap in `take_chain`. Every write to `back` is a swap, so the
        // swaps form one release sequence: the consumer's swap synchronises with the swap of
        // every item it takes, not only the last one. (Weakened to Relaxed, or to Acquire, all
        // three queue loom models report the consumer reading an item's contents unpublished.)
        let prev = self.back.swap(last, Ordering::Release);
        // Release, paired with the consumer's Acquire load in `wait_set`: this store is the
        // producer's last access to `first`, and the consumer goes on to write the link and
        // to hand `first` to its owner, who may free it. Reading the value alone (Relaxed)
        // would not order this store before those accesses: the store and the owner's free
        // would race (Miri reported exactly that for a `ConcurrentTask` freed by the event
        // loop; the loom models check it with a non-atomic read of the link after each pop).
        // The item it names was published by its own producer's swap (see above), and our
        // `unset()` store comes before our swap, so a consumer that took `first` reads either
        // `unset()` or this value, never an older one.
        // SAFETY: `first` is still ours to write: the consumer waits for this store (it sees
        // `unset()` until then) before it touches `first`'s link or hands `first` out.
        unsafe { next_of(first) }.store(prev, Ordering::Release);
    }

    /// Whether the queue looks empty right now (a concurrent push may change that at once).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        // Acquire: pairs with the producers' swap, so a caller that sees "not empty" and then
        // pops finds the items' writes. Relaxed for `front`: its items were published to the
        // consumer that took them, and reach the next consumer through the handle's
        // Acquire/Release; a caller only learns "not empty" from it.
        self.back.load(Ordering::Acquire).is_null()
            && self.own.front.load(Ordering::Relaxed).is_null()
    }

    /// The consumer handle, unless one exists already (then `None`).
    ///
    /// Taking and dropping the handle costs one atomic each, so several threads can take turns
    /// consuming (the thread pool's workers do this with its shared queue).
    #[must_use]
    pub fn try_consumer(&self) -> Option<Consumer<'_, T>> {
        // Acquire: pairs with the Release in `Consumer::drop`, so this consumer sees the
        // previous one's writes to `front`.
        if self.own.consuming.swap(true, Ordering::Acquire) {
            None
        } else {
            Some(Consumer { queue: self })
        }
    }

    /// The consumer handle, from exclusive access (no other handle can exist).
    pub fn consumer(&mut self) -> Consumer<'_, T> {
        // Relaxed: `&mut self` already orders this with every other access.
        self.own.consuming.store(true, Ordering::Relaxed);
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
        let own = &*self.queue.own;
        // Relaxed (the list's three words): only consumers write them, and each consumer
        // handle is ordered after the previous one by `consuming` (Acquire/Release).
        let mut first = own.front.load(Ordering::Relaxed);
        if first.is_null() {
            let (chain_first, chain_last, n) = self.take_chain()?;
            own.tail.store(chain_last, Ordering::Relaxed);
            own.len.store(n, Ordering::Relaxed);
            first = chain_first;
        }
        // SAFETY: `first` is in the consumer's list: live (push contract), and its link was
        // written by a consumer (`take_chain`).
        let next = unsafe { next_of(first) }.load(Ordering::Relaxed);
        own.front.store(next, Ordering::Relaxed);
        own.len
            .store(own.len.load(Ordering::Relaxed) - 1, Ordering::Relaxed);
        NonNull::new(first)
    }

    /// Takes every item in the queue at once, in order.
    #[doc(alias = "popBatch")]
    #[must_use]
    pub fn pop_all(&mut self) -> Batch<T> {
        let own = &*self.queue.own;
        let mut batch = Batch::new();
        // Relaxed: as in `pop`.
        let front = own.front.load(Ordering::Relaxed);
        if !front.is_null() {
            batch = Batch {
                front,
                back: own.tail.load(Ordering::Relaxed),
                len: own.len.load(Ordering::Relaxed),
                _own: PhantomData,
            };
            own.front.store(ptr::null_mut(), Ordering::Relaxed);
            own.len.store(0, Ordering::Relaxed);
        }
        if let Some((first, last, len)) = self.take_chain() {
            batch.append(Batch {
                front: first,
                back: last,
                len,
                _own: PhantomData,
            });
        }
        batch
    }

    /// Takes the producers' whole chain and turns it into a forward list: returns its oldest
    /// item, its newest item and its length, or `None` when no item was pushed since the
    /// last take.
    fn take_chain(&mut self) -> Option<(*mut T, *mut T, usize)> {
        let q = self.queue;
        // A plain load first: an empty queue (the common case for an event loop's tick)
        // costs no read-modify-write. Relaxed: only decides whether to swap.
        if q.back.load(Ordering::Relaxed).is_null() {
            return None;
        }
        // Acquire: pairs with the producers' Release swaps (one release sequence: every item
        // of the chain, not only `last`), so the items' contents and the links they stored
        // before their swap are visible. (Weakened to Relaxed, all three queue loom models
        // report a causality violation.)
        let last = q.back.swap(ptr::null_mut(), Ordering::Acquire);
        if last.is_null() {
            return None;
        }
        // Walk from the newest item to the oldest, pointing each link forward instead.
        let mut after: *mut T = ptr::null_mut();
        let mut item = last;
        let mut len = 1;
        loop {
            // SAFETY: `item` is in the chain we took: live (push contract), and ours now.
            let link = unsafe { next_of(item) };
            let before = wait_set(link);
            // Relaxed: the link is ours now; the consumer side alone reads it from here on.
            link.store(after, Ordering::Relaxed);
            if before.is_null() {
                return Some((item, last, len));
            }
            after = item;
            item = before;
            len += 1;
        }
    }

    /// Whether the queue looks empty right now.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

/// Spins until a producer's link store replaces `unset()` in `link` (an item the caller took
/// with its swap), and returns the item it stored (the one pushed before, or null).
fn wait_set<T>(link: &AtomicPtr<T>) -> *mut T {
    loop {
        // Acquire: pairs with the producer's Release store of this link in `push_chain`, its
        // last access to the item, so everything the consumer and the item's owner do with
        // the item afterwards (rewriting the link, freeing the item) happens after it. The
        // item named by the value was published to us by our Acquire swap in `take_chain`.
        let before = link.load(Ordering::Acquire);
        if before != unset() {
            return before;
        }
        spin_loop();
    }
}

impl<T: Linked> Drop for Consumer<'_, T> {
    fn drop(&mut self) {
        // Release: pairs with the next `try_consumer`'s Acquire.
        self.queue.own.consuming.store(false, Ordering::Release);
    }
}

impl<T: Linked> fmt::Debug for Consumer<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("queue", self.queue)
            .finish()
    }
}
