//! [`HiveArray`] and [`HiveBox`]: a fixed pool of `64 * W` slots with stable addresses.
//!
//! Layout (`repr(C)`, all of it zero in the empty state):
//!
//! - `summary`: bit `w` is set when word `w` of `used` is full (all 64 slots taken);
//! - `used`: one bit per slot, set while the slot holds a live value;
//! - `slots`: `W` rows of 64 `UnsafeCell<MaybeUninit<T>>`.
//!
//! Finding the lowest free slot is two `trailing_zeros`: the lowest word that is not full
//! (`!summary`), then the lowest clear bit in it. Every array length is the bare const
//! parameter `W`, which stable Rust can spell; Bun's Rust port could not write
//! `[usize; (CAP + 63) / 64]` and ended up with a 64-bit bitmap that silently capped every hive
//! at 64 slots.
//!
//! **Invariant:** a slot's `used` bit is set exactly while the slot holds an initialised `T`
//! (from the moment `alloc` writes it, or `alloc_with` claims it for its constructor, until the
//! owning box releases it). `summary` bit `w` is set exactly when `used[w] == u64::MAX`.
//!
//! All bookkeeping goes through `Cell` and the slots are `UnsafeCell`s, so allocation takes
//! `&self` and the hive is `!Sync`. No type here is shared between threads, so there is no
//! loom model: the `UnsafeCell` and `Cell` used are the plain single-threaded std types.

use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit};
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::ptr::NonNull;

/// Slots per bitmap word.
const WORD: usize = 64;

/// The one thing a [`HiveBox`] needs from whatever it came from: give the slot back.
pub(crate) trait SlotOwner<T> {
    /// Releases the storage of `ptr` **without** dropping the value in it.
    ///
    /// # Safety
    ///
    /// 1. `ptr` was handed out by this owner and is still live (not yet released), and
    /// 2. the value in it has been dropped or moved out.
    unsafe fn release(&self, ptr: NonNull<T>);
}

/// A fixed array of `64 * W` slots with stable addresses, allocated through `&self`.
///
/// `alloc` puts a value in the lowest free slot and returns a [`HiveBox`] that derefs to it;
/// dropping the box drops the value and frees the slot. The empty hive is all zero bytes, so a
/// `static` or `thread_local!` hive costs no file size (`.bss`), and
/// [`new_boxed`](HiveArray::new_boxed) builds a big one on the heap without a stack copy.
/// `W` may be at most 64 (4096 slots).
///
/// ```
/// use makai_collections::HiveArray;
///
/// let hive = HiveArray::<String, 1>::new(); // 64 slots
/// let a = hive.alloc("first".to_owned()).unwrap();
/// let b = hive.alloc("second".to_owned()).unwrap();
/// assert_eq!(hive.len(), 2);
/// assert_eq!(hive.index_of(&*b), Some(1));
/// drop(a);
/// // The lowest free slot is reused first.
/// let c = hive.alloc("third".to_owned()).unwrap();
/// assert_eq!(hive.index_of(&*c), Some(0));
/// ```
///
/// A box cannot outlive its hive:
///
/// ```compile_fail,E0597
/// use makai_collections::HiveArray;
/// let b = {
///     let hive = HiveArray::<u32, 1>::new();
///     hive.alloc(1).unwrap()
/// };
/// ```
///
/// and a hive cannot be shared between threads (its bookkeeping is `Cell`s):
///
/// ```compile_fail,E0277
/// use makai_collections::HiveArray;
/// fn shared<T: Sync>(_: &T) {}
/// shared(&HiveArray::<u32, 1>::new());
/// ```
#[repr(C)]
pub struct HiveArray<T, const W: usize> {
    /// Bit `w` set: `used[w]` is full.
    summary: Cell<u64>,
    /// Bit `b` of word `w` set: slot `64 * w + b` holds a live `T`.
    used: [Cell<u64>; W],
    /// The values. Uninitialised (zero bytes, in fact) while their `used` bit is clear.
    slots: [[UnsafeCell<MaybeUninit<T>>; WORD]; W],
}

impl<T, const W: usize> HiveArray<T, W> {
    /// Number of slots: `64 * W`.
    pub const CAPACITY: usize = WORD * W;

    /// `summary` bits that name a real word (the rest are never set).
    const LIVE_WORDS: u64 = if W >= 64 { u64::MAX } else { (1u64 << W) - 1 };

    /// Compile-time check that the summary word can describe every bitmap word.
    const W_FITS: () = assert!(W <= 64, "HiveArray supports at most W = 64 (4096 slots)");

    /// An empty hive: every byte is zero, so a `static` hive lands in `.bss`.
    ///
    /// A big hive built with `new()` is returned through the stack; use
    /// [`new_boxed`](HiveArray::new_boxed) to put one on the heap without that copy.
    ///
    /// ```
    /// use makai_collections::HiveArray;
    /// thread_local! {
    ///     static POOL: HiveArray<[u8; 32], 4> = const { HiveArray::new() };
    /// }
    /// POOL.with(|p| assert_eq!(p.capacity(), 256));
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        let () = Self::W_FITS;
        Self {
            summary: Cell::new(0),
            used: [const { Cell::new(0) }; W],
            slots: [const { [const { UnsafeCell::new(MaybeUninit::zeroed()) }; WORD] }; W],
        }
    }

    /// An empty hive on the heap, built in place: the memory comes zeroed from the global
    /// allocator (`Box::new_zeroed`) and no `HiveArray` value ever exists on the stack. Bun's
    /// Rust port measured an 816 KB stack copy for `Box::new(HiveArray::new())`.
    ///
    /// ```
    /// use makai_collections::HiveArray;
    /// let hive = HiveArray::<[u8; 320], 32>::new_boxed(); // 2048 slots, 655 KB
    /// assert!(hive.alloc([7; 320]).is_ok());
    /// ```
    #[must_use]
    pub fn new_boxed() -> Box<Self> {
        let () = Self::W_FITS;
        let zeroed = Box::<Self>::new_zeroed();
        // SAFETY: the all-zero bit pattern is a valid empty hive: `Cell<u64>` zero is an empty
        // bitmap word and `UnsafeCell<MaybeUninit<T>>` accepts any bytes (checked by the test
        // that `new()` is all zero bytes, so `new_boxed` and `new` build the same value).
        unsafe { zeroed.assume_init() }
    }

    /// Number of slots, `64 * W`.
    ///
    /// ```
    /// assert_eq!(makai_collections::HiveArray::<u8, 2>::new().capacity(), 128);
    /// ```
    #[inline]
    #[must_use]
    pub const fn capacity(&self) -> usize {
        Self::CAPACITY
    }

    /// Number of live values. O(W): one popcount per word.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 1>::new();
    /// let _a = hive.alloc(1).unwrap();
    /// assert_eq!(hive.len(), 1);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.used
            .iter()
            .map(|w| w.get().count_ones() as usize)
            .sum()
    }

    /// `true` when no slot is in use.
    ///
    /// ```
    /// assert!(makai_collections::HiveArray::<u8, 1>::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.used.iter().all(|w| w.get() == 0)
    }

    /// `true` when every slot is in use. O(1).
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 1>::new();
    /// let boxes: Vec<_> = (0..64).map(|i| hive.alloc(i).unwrap()).collect();
    /// assert!(hive.is_full());
    /// # drop(boxes);
    /// ```
    #[inline]
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.summary.get() & Self::LIVE_WORDS == Self::LIVE_WORDS
    }

    /// Moves `value` into the lowest free slot. O(1).
    ///
    /// # Errors
    ///
    /// Gives `value` back when every slot is in use.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<String, 1>::new();
    /// let mut b = hive.alloc(String::from("hi")).unwrap();
    /// b.push('!');
    /// assert_eq!(*b, "hi!");
    /// ```
    #[inline]
    pub fn alloc(&self, value: T) -> Result<HiveBox<'_, T>, T> {
        match self.claim() {
            Some(index) => {
                let ptr = self.slot_ptr(index);
                // SAFETY: the slot was free until `claim` marked it, so nothing else refers to
                // it; `ptr` is valid and aligned for a `T`.
                unsafe { ptr.write(value) };
                Ok(HiveBox::from_parts(ptr, self))
            }
            None => Err(value),
        }
    }

    /// Claims the lowest free slot and fills it with `init(address)`: the constructor learns
    /// its own stable address (for callbacks or user-data pointers registered during
    /// construction). The address must not be read through before `init` returns: it points at
    /// uninitialised memory until then. If `init` panics, the slot is released.
    ///
    /// # Errors
    ///
    /// Gives `init` back, uncalled, when every slot is in use.
    ///
    /// ```
    /// use std::ptr::NonNull;
    /// struct Node { me: NonNull<Node>, id: u32 }
    /// let hive = makai_collections::HiveArray::<Node, 1>::new();
    /// let node = hive.alloc_with(|me| Node { me, id: 7 }).ok().unwrap();
    /// assert_eq!(node.me.as_ptr().cast_const(), &*node as *const Node);
    /// assert_eq!(node.id, 7);
    /// ```
    pub fn alloc_with<F>(&self, init: F) -> Result<HiveBox<'_, T>, F>
    where
        F: FnOnce(NonNull<T>) -> T,
    {
        let Some(index) = self.claim() else {
            return Err(init);
        };
        let ptr = self.slot_ptr(index);
        /// Releases the claimed slot if the constructor unwinds.
        struct Unclaim<'a, T, const W: usize>(&'a HiveArray<T, W>, usize);
        impl<T, const W: usize> Drop for Unclaim<'_, T, W> {
            fn drop(&mut self) {
                self.0.unclaim(self.1);
            }
        }
        let guard = Unclaim(self, index);
        let value = init(ptr);
        std::mem::forget(guard);
        // SAFETY: the slot is claimed for us and holds no value; `ptr` is valid and aligned.
        unsafe { ptr.write(value) };
        Ok(HiveBox::from_parts(ptr, self))
    }

    /// `true` when `ptr` points into this hive's slot array (anywhere in it). Any pointer is
    /// accepted; nothing is read. For a zero-sized `T` every slot has the same address, and
    /// only that address is inside.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u64, 1>::new();
    /// let b = hive.alloc(5).unwrap();
    /// assert!(hive.contains(&*b));
    /// assert!(!hive.contains(&5u64));
    /// ```
    #[inline]
    #[must_use]
    pub fn contains(&self, ptr: *const T) -> bool {
        let base = self.base_addr();
        let addr = ptr.addr();
        if W == 0 {
            return false;
        }
        if size_of::<T>() == 0 {
            return addr == base;
        }
        addr.wrapping_sub(base) < Self::CAPACITY * size_of::<T>()
    }

    /// The slot index of `ptr`: `Some(i)` when `ptr` is exactly the start of slot `i` of this
    /// hive (whether or not the slot is in use), `None` for a pointer outside the hive or
    /// inside a slot but not at its start. For a zero-sized `T` all slots share one address and
    /// the answer is `Some(0)`.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u32, 1>::new();
    /// let _a = hive.alloc(1).unwrap();
    /// let b = hive.alloc(2).unwrap();
    /// assert_eq!(hive.index_of(&*b), Some(1));
    /// assert_eq!(hive.index_of(std::ptr::null()), None);
    /// ```
    #[must_use]
    pub fn index_of(&self, ptr: *const T) -> Option<usize> {
        if !self.contains(ptr) {
            return None;
        }
        let size = size_of::<T>();
        if size == 0 {
            return Some(0);
        }
        let offset = ptr.addr() - self.base_addr();
        let index = offset / size;
        (index * size == offset).then_some(index)
    }

    /// Takes back ownership of a value given away with [`HiveBox::into_raw`].
    ///
    /// # Panics
    ///
    /// In every build profile, with a message naming the problem, when `ptr` is not inside
    /// this hive, does not point at the start of a slot, or points at a free slot (a double
    /// free, or a pointer that was never handed out).
    ///
    /// # Safety
    ///
    /// 1. `ptr` came from [`HiveBox::into_raw`] of a box of this hive, and
    /// 2. no other box owns that value (each `into_raw` is matched by at most one `from_raw`).
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u32, 1>::new();
    /// let raw = makai_collections::HiveBox::into_raw(hive.alloc(9).unwrap());
    /// // SAFETY: `raw` came from `into_raw` on this hive and is reclaimed once.
    /// let b = unsafe { hive.from_raw(raw) };
    /// assert_eq!(*b, 9);
    /// ```
    #[track_caller]
    pub unsafe fn from_raw(&self, ptr: NonNull<T>) -> HiveBox<'_, T> {
        let index = self.checked_index(ptr);
        // Use the hive's own pointer to the slot (same address), so the box's provenance never
        // depends on how the caller stored the raw pointer.
        HiveBox::from_parts(self.slot_ptr(index), self)
    }

    /// Validates `ptr` as a live slot of this hive and returns its index; panics otherwise.
    #[track_caller]
    pub(crate) fn checked_index(&self, ptr: NonNull<T>) -> usize {
        let raw = ptr.as_ptr().cast_const();
        assert!(
            self.contains(raw),
            "HiveArray::from_raw: pointer {raw:p} is not inside this hive"
        );
        let Some(index) = self.index_of(raw) else {
            panic!("HiveArray::from_raw: pointer {raw:p} does not point at the start of a slot")
        };
        let index = if size_of::<T>() == 0 {
            self.lowest_used()
                .expect("HiveArray::from_raw: pointer points at a free slot (the hive is empty)")
        } else {
            index
        };
        assert!(
            self.is_used(index),
            "HiveArray::from_raw: pointer {raw:p} points at free slot {index} \
             (double free, or a pointer never handed out)"
        );
        index
    }

    /// The slot the next `alloc` will use: the lowest free one. O(1): the lowest word that is
    /// not full (from the summary word), then the lowest clear bit in it.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 2>::new();
    /// let boxes: Vec<_> = (0..70).map(|i| hive.alloc(i).unwrap()).collect();
    /// assert_eq!(hive.next_free_index(), Some(70));
    /// # drop(boxes);
    /// ```
    #[inline]
    #[must_use]
    pub fn next_free_index(&self) -> Option<usize> {
        let free_words = !self.summary.get() & Self::LIVE_WORDS;
        if free_words == 0 {
            return None;
        }
        let w = free_words.trailing_zeros() as usize;
        let b = (!self.used[w].get()).trailing_zeros() as usize;
        Some(w * WORD + b)
    }

    /// Marks the lowest free slot as used and returns its index.
    #[inline]
    fn claim(&self) -> Option<usize> {
        let index = self.next_free_index()?;
        let (w, b) = (index / WORD, index % WORD);
        let word = self.used[w].get() | (1 << b);
        self.used[w].set(word);
        if word == u64::MAX {
            self.summary.set(self.summary.get() | (1 << w));
        }
        Some(index)
    }

    /// Clears the `used` bit of slot `index` (the value is already gone).
    #[inline]
    fn unclaim(&self, index: usize) {
        let (w, b) = (index / WORD, index % WORD);
        let cell = &self.used[w];
        debug_assert!(cell.get() & (1 << b) != 0, "releasing a free slot");
        cell.set(cell.get() & !(1 << b));
        self.summary.set(self.summary.get() & !(1 << w));
    }

    /// `true` when slot `index` holds a live value.
    #[inline]
    fn is_used(&self, index: usize) -> bool {
        self.used[index / WORD].get() & (1 << (index % WORD)) != 0
    }

    /// The index of the lowest slot in use.
    fn lowest_used(&self) -> Option<usize> {
        self.used
            .iter()
            .enumerate()
            .find(|(_, w)| w.get() != 0)
            .map(|(i, w)| i * WORD + w.get().trailing_zeros() as usize)
    }

    /// Pointer to slot `index`, derived from the slot's `UnsafeCell` so writes through it are
    /// allowed while the hive is shared.
    #[inline]
    fn slot_ptr(&self, index: usize) -> NonNull<T> {
        let cell = &self.slots[index / WORD][index % WORD];
        // `UnsafeCell::get` is this same cast: a pointer from `&UnsafeCell` may write.
        NonNull::from(cell).cast::<T>()
    }

    /// Address of slot 0.
    #[inline]
    fn base_addr(&self) -> usize {
        (&raw const self.slots).addr()
    }
}

impl<T, const W: usize> SlotOwner<T> for HiveArray<T, W> {
    #[inline]
    unsafe fn release(&self, ptr: NonNull<T>) {
        let index = if size_of::<T>() == 0 {
            // Zero-sized values have no identity: any used slot stands for them.
            self.lowest_used().expect("a live box implies a used slot")
        } else {
            (ptr.addr().get() - self.base_addr()) / size_of::<T>()
        };
        self.unclaim(index);
    }
}

impl<T, const W: usize> Default for HiveArray<T, W> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const W: usize> Drop for HiveArray<T, W> {
    /// Drops the values still in the hive: those whose boxes were leaked with `mem::forget` or
    /// turned into raw pointers that were never reclaimed. A box cannot outlive its hive, so
    /// nothing else can reach them any more.
    fn drop(&mut self) {
        if !std::mem::needs_drop::<T>() {
            return;
        }
        for w in 0..W {
            let mut word = self.used[w].get();
            while word != 0 {
                let b = word.trailing_zeros() as usize;
                word &= word - 1;
                self.used[w].set(word);
                let slot = self.slots[w][b].get_mut();
                // SAFETY: the `used` bit was set, so the slot holds an initialised `T` that no
                // box refers to any more (`&mut self`); its bit is cleared first, so a panicking
                // destructor cannot lead to a second drop.
                unsafe { slot.assume_init_drop() };
            }
        }
    }
}

impl<T, const W: usize> fmt::Debug for HiveArray<T, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HiveArray")
            .field("len", &self.len())
            .field("capacity", &Self::CAPACITY)
            .finish_non_exhaustive()
    }
}

/// An owning pointer to a value in a [`HiveArray`] (or a [`HiveFallback`](crate::HiveFallback),
/// which may have put it on the heap): `Deref`/`DerefMut` to the value, and dropping it drops
/// the value and then frees its slot.
///
/// The box borrows its hive for `'h`, so the hive can neither move nor be dropped while a box
/// exists. It is neither `Send` (dropping it updates the hive's bitmap) nor a reference into
/// a `Sync` structure; it is `Sync` when `T` is, since `&HiveBox` only gives `&T`.
///
/// ```compile_fail,E0277
/// use makai_collections::HiveArray;
/// fn send<T: Send>(_: T) {}
/// let hive = HiveArray::<u32, 1>::new();
/// send(hive.alloc(1).unwrap());
/// ```
pub struct HiveBox<'h, T> {
    ptr: NonNull<T>,
    owner: &'h dyn SlotOwner<T>,
    _owns: PhantomData<T>,
}

// SAFETY: a shared `&HiveBox` only gives out `&T` (through `Deref`) and never touches the
// owner's bookkeeping, so sharing it across threads is sharing `&T`, which `T: Sync` allows.
unsafe impl<T: Sync> Sync for HiveBox<'_, T> {}

impl<'h, T> HiveBox<'h, T> {
    /// Wraps a live, initialised value at `ptr` owned by `owner`.
    #[inline]
    pub(crate) fn from_parts(ptr: NonNull<T>, owner: &'h dyn SlotOwner<T>) -> Self {
        Self {
            ptr,
            owner,
            _owns: PhantomData,
        }
    }

    /// Gives up ownership without dropping the value or freeing its slot; the slot stays in use
    /// until [`HiveArray::from_raw`] (or [`HiveFallback::from_raw`](crate::HiveFallback::from_raw))
    /// takes it back. Use it for C user-data pointers and intrusive back-pointers.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveBox};
    /// let hive = HiveArray::<u8, 1>::new();
    /// let raw = HiveBox::into_raw(hive.alloc(1).unwrap());
    /// assert_eq!(hive.len(), 1);
    /// // SAFETY: `raw` came from `into_raw` on this hive and is reclaimed once.
    /// drop(unsafe { hive.from_raw(raw) });
    /// assert_eq!(hive.len(), 0);
    /// ```
    #[inline]
    #[must_use = "the value stays in the hive until the pointer is passed to `from_raw`"]
    pub fn into_raw(b: Self) -> NonNull<T> {
        ManuallyDrop::new(b).ptr
    }

    /// Moves the value out and frees its slot.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<String, 1>::new();
    /// let s = makai_collections::HiveBox::into_inner(hive.alloc("x".into()).unwrap());
    /// assert_eq!((s.as_str(), hive.len()), ("x", 0));
    /// ```
    pub fn into_inner(b: Self) -> T {
        let b = ManuallyDrop::new(b);
        // SAFETY: the box owns an initialised value; it is read once and the box is not
        // dropped (`ManuallyDrop`), so the value is not dropped twice.
        let value = unsafe { b.ptr.read() };
        // SAFETY: the slot is live and its value was just moved out.
        unsafe { b.owner.release(b.ptr) };
        value
    }

    /// The address of the value, without giving up ownership.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 1>::new();
    /// let b = hive.alloc(3).unwrap();
    /// assert_eq!(makai_collections::HiveBox::as_ptr(&b).as_ptr().cast_const(), &*b as *const u8);
    /// ```
    #[inline]
    #[must_use]
    pub fn as_ptr(b: &Self) -> NonNull<T> {
        b.ptr
    }
}

impl<T> HiveBox<'static, T> {
    /// Pins the value where it is.
    ///
    /// Only boxes of a `'static` hive (a `static`/`thread_local!` hive, or a leaked
    /// [`new_boxed`](HiveArray::new_boxed)) can be pinned: a shorter-lived hive could be moved
    /// after a pinned box was `mem::forget`-ten, moving the pinned value without dropping it.
    /// The slot is reused only after the value's `Drop` has run, so `Pin`'s drop guarantee
    /// holds.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveBox};
    /// let raw = Box::into_raw(HiveArray::<u32, 1>::new_boxed());
    /// // SAFETY: `raw` is a live heap hive that is freed only after its last use below.
    /// let hive: &'static HiveArray<u32, 1> = unsafe { &*raw };
    /// let pinned = HiveBox::into_pin(hive.alloc(5).unwrap());
    /// assert_eq!(*pinned, 5);
    /// drop(pinned);
    /// // SAFETY: no box of the hive is left, and `hive` is not used again.
    /// drop(unsafe { Box::from_raw(raw) });
    /// ```
    ///
    /// A box of a local hive cannot be pinned:
    ///
    /// ```compile_fail,E0597
    /// use makai_collections::{HiveArray, HiveBox};
    /// let hive = HiveArray::<u32, 1>::new();
    /// let pinned = HiveBox::into_pin(hive.alloc(5).unwrap());
    /// ```
    #[must_use]
    pub fn into_pin(b: Self) -> Pin<Self> {
        // SAFETY: the value lives in a slot of a `'static` hive (or a heap block), which never
        // moves and is reused only after the box's `Drop` has dropped the value; `HiveBox` has
        // no API that moves the value out of a `Pin<HiveBox>` (`into_inner` takes `Self`).
        unsafe { Pin::new_unchecked(b) }
    }
}

impl<T> Deref for HiveBox<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the box owns an initialised value at `ptr` for as long as it lives.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> DerefMut for HiveBox<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and the box is the only owner, so `&mut self` is unique.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T> Drop for HiveBox<'_, T> {
    #[inline]
    fn drop(&mut self) {
        /// Frees the slot even if `T::drop` panics, so it cannot be dropped a second time.
        struct Release<'a, T>(&'a dyn SlotOwner<T>, NonNull<T>);
        impl<T> Drop for Release<'_, T> {
            #[inline]
            fn drop(&mut self) {
                // SAFETY: the slot is live and its value has been dropped (or its destructor
                // unwound, after which it counts as dropped).
                unsafe { self.0.release(self.1) };
            }
        }
        let _release = Release(self.owner, self.ptr);
        // SAFETY: the box owns an initialised value that nothing else will drop.
        unsafe { self.ptr.drop_in_place() };
    }
}

impl<T: fmt::Debug> fmt::Debug for HiveBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for HiveBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T> fmt::Pointer for HiveBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.ptr, f)
    }
}

impl<T> AsRef<T> for HiveBox<'_, T> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T> AsMut<T> for HiveBox<'_, T> {
    fn as_mut(&mut self) -> &mut T {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_order_crosses_words() {
        let hive = HiveArray::<u8, 3>::new();
        let boxes: Vec<_> = (0..150).map(|i| hive.alloc(i as u8).unwrap()).collect();
        assert_eq!(hive.summary.get(), 0b11);
        assert_eq!(hive.index_of(&raw const *boxes[70]), Some(70));
        drop(boxes);
        assert_eq!(hive.summary.get(), 0);
        assert!(hive.is_empty());
    }

    #[test]
    fn zero_words_is_always_full() {
        let hive = HiveArray::<u8, 0>::new();
        assert!(hive.is_full());
        assert_eq!(hive.alloc(1).unwrap_err(), 1);
        assert!(!hive.contains(std::ptr::null()));
    }
}
