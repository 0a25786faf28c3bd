//! [`HiveArray`] and its handles: a fixed pool of `N` slots with stable addresses.
//!
//! Layout (`repr(C)`, all of it zero in the empty state):
//!
//! - `words`: the occupancy bitmap, `ceil(N / 64)` words **stored in reverse order** (word `w`
//!   is array element `W - 1 - w`, so it sits `8 * (w + 1)` bytes before `summary`);
//! - `summary`: bit `w` is set when bitmap word `w` is full (all 64 of its bits set);
//! - `claims`: how many [`HiveClaim`]s are live (their slots are owned but hold no value);
//! - `slots`: `N` `UnsafeCell<MaybeUninit<T>>`.
//!
//! Finding the lowest free slot is two `trailing_zeros`: the lowest word that is not full
//! (`!summary`), then the lowest clear bit in it; an index `>= N` (the unused bits of a
//! partial last word) means the hive is full. One summary word covers 64 bitmap words, which
//! is why the capacity stops at 4096.
//!
//! **Why this layout.** Stable Rust cannot size an array by `N.div_ceil(64)` for a generic `N`,
//! so the bitmap type comes from a helper trait, `Slots<N>: SlotCount`, implemented for every
//! `N` from 0 to 4096 (`caps.rs`). And a handle must free its slot without knowing `N`: it
//! keeps a pointer to `summary`, from which the slots start at the next multiple of
//! `align_of::<T>()` after `claims` (the hive is aligned to at least that) and bitmap word `w` lies `w + 1`
//! words *before* it (hence the reversed order). So a [`HiveBox`] is two pointers and frees with
//! a subtraction, a shift and two bit clears, with no `&dyn` call.
//!
//! **Zero-sized `T`.** Slots of a zero-sized type take no memory, so each slot gets a distinct
//! *address* instead: slot `i` of a ZST hive is at `base + i * align_of::<T>()` (zero-sized
//! accesses are valid at any aligned address). Every box therefore knows its own slot, as for
//! any other `T`, and releasing a box can never free a slot that somebody else (say, an
//! `alloc_with` constructor still running) holds.
//!
//! **Invariant:** a slot's bitmap bit is set exactly while the slot is owned by one handle (a
//! [`HiveBox`], a [`HiveClaim`], the [`HiveRc`]s of one value) or by a raw pointer from
//! `into_raw`; an owned slot holds an initialised `T` except while a [`HiveClaim`] owns it.
//! `summary` bit `w` is set exactly when bitmap word `w` is all ones. `claims` counts the live
//! claims, including `mem::forget`-ten ones: while it is not zero the hive cannot tell which
//! owned slots hold values, so its `Drop` leaks them all rather than drop an uninitialised slot.
//!
//! All bookkeeping goes through `Cell`/`UnsafeCell`, so allocation takes `&self` and the hive is
//! `!Sync`. Nothing here is shared between threads, so there is no loom model.

use alloc::boxed::Box;
use core::cell::{Cell, UnsafeCell};
use core::fmt;
use core::marker::PhantomData;
use core::mem::{ManuallyDrop, MaybeUninit};
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::ptr::NonNull;

/// Slots per bitmap word.
const WORD: usize = 64;

pub(crate) mod sealed {
    /// Only this crate implements [`SlotCount`](super::SlotCount).
    pub trait Sealed {}
}

/// The capacity marker of a [`HiveArray`]: `Slots<N>` stands for `N` slots.
///
/// Code that is generic over a hive's capacity writes the bound `Slots<N>: SlotCount`, which
/// holds for every `N` from 0 to 4096:
///
/// ```
/// use makai_collections::{HiveArray, capacity::{SlotCount, Slots}};
/// fn free_slots<T, const N: usize>(hive: &HiveArray<T, N>) -> usize
/// where
///     Slots<N>: SlotCount,
/// {
///     hive.capacity() - hive.len()
/// }
/// assert_eq!(free_slots(&HiveArray::<u8, 100>::new()), 100);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Slots<const N: usize>;

/// Implemented for [`Slots<N>`] for every supported capacity, `N` from 0 to 4096: names the
/// bitmap of `ceil(N / 64)` words. Sealed.
///
/// A larger capacity is a compile error:
///
/// ```compile_fail,E0277
/// let hive = makai_collections::HiveArray::<u8, 4097>::new();
/// ```
#[diagnostic::on_unimplemented(
    message = "a HiveArray holds 0 to 4096 slots, not {Self}",
    label = "unsupported hive capacity",
    note = "use a HiveFallback, or several hives, for more slots"
)]
pub trait SlotCount: sealed::Sealed {
    /// The bitmap: `[u64; WORDS]`.
    type Words;
    /// Number of bitmap words, `ceil(N / 64)`.
    const WORDS: usize;
    /// The empty bitmap.
    const ZERO: Self::Words;
}

/// A pointer to a hive's `summary` word, with the provenance of the whole hive: enough to find
/// any slot index and bitmap word without knowing `N` (see the module docs).
///
/// **Invariant:** points at the `summary` field of a live `HiveArray<T, N>` for some `N`, and
/// was derived from a reference to that whole hive.
#[derive(Clone, Copy)]
pub(crate) struct HiveRef(NonNull<Cell<u64>>);

impl HiveRef {
    /// The summary word.
    #[inline]
    fn summary(&self) -> &Cell<u64> {
        // SAFETY: points at the live hive's `summary`, a `Cell<u64>` (type invariant).
        unsafe { self.0.as_ref() }
    }

    /// Bitmap word `w`.
    ///
    /// # Safety
    ///
    /// `w < ceil(N / 64)` of the hive.
    #[inline]
    unsafe fn word(&self, w: usize) -> &Cell<u64> {
        // SAFETY: word `w` is stored `w + 1` words before `summary` (reversed order, module
        // docs), inside the same hive, whose provenance the pointer has; `w < WORDS` (caller).
        // The words are in an `UnsafeCell<[u64; W]>`, and `Cell<u64>` has `u64`'s layout.
        unsafe { &*self.0.as_ptr().wrapping_sub(w + 1) }
    }

    /// The count of live claims, the word after `summary`.
    #[inline]
    fn claims(&self) -> &Cell<u64> {
        // SAFETY: `claims` is the `Cell<u64>` field right after `summary` (`repr(C)`, both 8
        // bytes), inside the live hive whose provenance the pointer has.
        unsafe { &*self.0.as_ptr().wrapping_add(1) }
    }

    /// Address of slot 0 of a hive of `T`s: the first multiple of `align_of::<T>()` after
    /// `claims` (the `repr(C)` field offset, since the hive itself is that aligned).
    #[inline]
    fn base_addr<T>(&self) -> usize {
        let after = self.0.addr().get() + 2 * size_of::<u64>();
        if align_of::<T>() <= align_of::<u64>() {
            // `summary` is a `u64`, so `after` is already a multiple of the slot alignment:
            // slot 0 is right after `claims` (a constant offset, no rounding on the free path).
            after
        } else {
            after.next_multiple_of(align_of::<T>())
        }
    }

    /// Index of the slot at `ptr`, which must be a slot of this hive.
    #[inline]
    fn index_of<T>(&self, ptr: NonNull<T>) -> usize {
        (ptr.addr().get() - self.base_addr::<T>()) / stride::<T>()
    }

    /// Clears the bit of slot `index`.
    ///
    /// # Safety
    ///
    /// `index < N`, and the caller owned the slot (its bit is set) and gives it up.
    #[inline]
    unsafe fn free(&self, index: usize) {
        let (w, b) = (index / WORD, index % WORD);
        // SAFETY: `index < N`, so `w < ceil(N / 64)` (caller).
        let cell = unsafe { self.word(w) };
        let word = cell.get();
        debug_assert!(word & (1 << b) != 0, "releasing a free slot");
        cell.set(word & !(1 << b));
        // Only a full word has its summary bit set. Skipping the summary store otherwise keeps
        // the next `alloc`'s summary load from waiting on a store (measured on the churn bench
        // with 64 slots of `u64`: 4.4 -> 3.9 ns per operation).
        if word == u64::MAX {
            let summary = self.summary();
            summary.set(summary.get() & !(1 << w));
        }
    }
}

/// Distance between the addresses of consecutive slots: `size_of::<T>()`, or
/// `align_of::<T>()` for a zero-sized `T` (module docs).
#[inline]
const fn stride<T>() -> usize {
    if size_of::<T>() == 0 {
        align_of::<T>()
    } else {
        size_of::<T>()
    }
}

/// A fixed array of `N` slots with stable addresses, allocated through `&self` (Bun's
/// `HiveArray`). `N` may be anything from 0 to 4096; the hive takes `N` slots plus a bitmap of
/// `ceil(N / 64) + 2` words.
///
/// `alloc` puts a value in the lowest free slot and returns a [`HiveBox`] that derefs to it;
/// dropping the box drops the value and frees the slot. [`claim`](HiveArray::claim) hands out an
/// uninitialised slot for in-place construction, and a hive of [`RcSlot`]s hands out shared
/// [`HiveRc`] handles. The empty hive is all zero bytes, so a `thread_local!` hive costs no
/// file size (`.bss`), and [`new_boxed`](HiveArray::new_boxed) builds a big one on the heap
/// without a stack copy. A hive is not `Sync` (its occupancy bits are plain `Cell`s), so a
/// plain `static` hive does not compile: use `thread_local!`, or, without `std`, a leaked
/// [`new_boxed`](HiveArray::new_boxed) (`Box::leak`) held by the one thread that uses it.
///
/// ```
/// use makai_collections::HiveArray;
///
/// let hive = HiveArray::<String, 4>::new(); // 4 slots
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
/// **Addresses are stable while the hive stays where it is.** A box borrows the hive, so the
/// hive cannot move while one exists; but after [`HiveBox::into_raw`] nothing borrows it, and
/// moving the hive then moves every slot (the raw pointer is stale: [`from_raw`](Self::from_raw)
/// rejects it). Keep a hive whose pointers outlive their boxes in a `thread_local!`, a `Box` or another
/// place that does not move.
///
/// A box cannot outlive its hive:
///
/// ```compile_fail,E0597
/// use makai_collections::HiveArray;
/// let b = {
///     let hive = HiveArray::<u32, 8>::new();
///     hive.alloc(1).unwrap()
/// };
/// ```
///
/// and a hive cannot be shared between threads (its bookkeeping is `Cell`s):
///
/// ```compile_fail,E0277
/// use makai_collections::HiveArray;
/// fn shared<T: Sync>(_: &T) {}
/// shared(&HiveArray::<u32, 8>::new());
/// ```
///
/// It can be *moved* to another thread when `T: Send` (with no box out, since a box borrows
/// it), for every capacity. (The "Auto Trait Implementations" section of this page may show
/// `!Send`: rustdoc cannot see through the capacity's `Slots<N>: SlotCount` bound. This
/// example is the check.)
///
/// ```
/// use makai_collections::HiveArray;
/// fn sendable<S: Send>(_: S) {}
/// fn any_send_t<T: Send>(hive: HiveArray<T, 4096>) {
///     sendable(hive);
/// }
/// let hive = HiveArray::<String, 4>::new();
/// std::thread::spawn(move || assert!(hive.is_empty())).join().unwrap();
/// # let _ = any_send_t::<u8>;
/// ```
#[doc(alias = "HiveAllocator")]
#[repr(C)]
pub struct HiveArray<T, const N: usize>
where
    Slots<N>: SlotCount,
{
    /// The bitmap, word `w` at element `WORDS - 1 - w`: bit `b` of word `w` set means slot
    /// `64 * w + b` is owned.
    words: UnsafeCell<<Slots<N> as SlotCount>::Words>,
    /// Bit `w` set: bitmap word `w` is full.
    summary: Cell<u64>,
    /// Number of live [`HiveClaim`]s.
    claims: Cell<u64>,
    /// The values. Uninitialised (zero bytes, in fact) while their bit is clear.
    slots: [UnsafeCell<MaybeUninit<T>>; N],
}

impl<T, const N: usize> HiveArray<T, N>
where
    Slots<N>: SlotCount,
{
    /// Number of slots: `N`.
    pub const CAPACITY: usize = N;

    /// Number of bitmap words.
    const WORDS: usize = <Slots<N> as SlotCount>::WORDS;

    /// `summary` bits that name a real word (the rest are never set).
    const LIVE_WORDS: u64 = if Self::WORDS >= 64 {
        u64::MAX
    } else {
        (1u64 << Self::WORDS) - 1
    };

    /// Compile-time layout checks the handles rely on.
    const LAYOUT: () = {
        assert!(N <= 4096, "one summary word covers at most 4096 slots");
        assert!(size_of::<<Slots<N> as SlotCount>::Words>() == Self::WORDS * size_of::<u64>());
        assert!(align_of::<<Slots<N> as SlotCount>::Words>() == align_of::<u64>() || N == 0);
    };

    /// An empty hive: every byte is zero, so a `thread_local!` hive lands in `.bss`.
    ///
    /// A big hive built with `new()` is returned through the stack; use
    /// [`new_boxed`](HiveArray::new_boxed) to put one on the heap without that copy.
    ///
    /// ```
    /// use makai_collections::HiveArray;
    /// thread_local! {
    ///     static POOL: HiveArray<[u8; 32], 200> = const { HiveArray::new() };
    /// }
    /// POOL.with(|p| assert_eq!(p.capacity(), 200));
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        let () = Self::LAYOUT;
        Self {
            words: UnsafeCell::new(<Slots<N> as SlotCount>::ZERO),
            summary: Cell::new(0),
            claims: Cell::new(0),
            slots: [const { UnsafeCell::new(MaybeUninit::zeroed()) }; N],
        }
    }

    /// An empty hive on the heap, built in place: the memory comes zeroed from the global
    /// allocator (`Box::new_zeroed`) and no `HiveArray` value ever exists on the stack. Bun's
    /// Rust port measured an 816 KB stack copy for `Box::new(HiveArray::new())`.
    ///
    /// ```
    /// use makai_collections::HiveArray;
    /// let hive = HiveArray::<[u8; 320], 2048>::new_boxed(); // 655 KB
    /// assert!(hive.alloc([7; 320]).is_ok());
    /// ```
    #[must_use]
    pub fn new_boxed() -> Box<Self> {
        let () = Self::LAYOUT;
        let zeroed = Box::<Self>::new_zeroed();
        // SAFETY: the all-zero bit pattern is a valid empty hive: zero bitmap and summary words,
        // and `UnsafeCell<MaybeUninit<T>>` accepts any bytes (the test that `new()` is all zero
        // bytes checks that `new_boxed` and `new` build the same value).
        unsafe { zeroed.assume_init() }
    }

    /// Number of slots, `N`.
    ///
    /// ```
    /// assert_eq!(makai_collections::HiveArray::<u8, 100>::new().capacity(), 100);
    /// ```
    #[inline]
    #[must_use]
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The hive's handle to its own bookkeeping, with the provenance of the whole hive.
    #[inline]
    fn href(&self) -> HiveRef {
        let whole = NonNull::from(self);
        // SAFETY: `summary` is a field of `*self`, so its offset stays in bounds.
        HiveRef(unsafe { whole.byte_add(core::mem::offset_of!(Self, summary)) }.cast())
    }

    /// Bitmap word `w`.
    #[inline]
    fn word(&self, w: usize) -> &Cell<u64> {
        assert!(w < Self::WORDS);
        // Word `w` is element `WORDS - 1 - w` (reversed order, module docs).
        let words = self.words.get().cast::<Cell<u64>>();
        // SAFETY: `w < WORDS`, just checked, so the element is inside the `[u64; WORDS]` in an
        // `UnsafeCell`, and `Cell<u64>` has `u64`'s layout.
        unsafe { &*words.wrapping_add(Self::WORDS - 1 - w) }
    }

    /// Number of live values. O(N / 64): one popcount per word.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 8>::new();
    /// let _a = hive.alloc(1).unwrap();
    /// assert_eq!(hive.len(), 1);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        (0..Self::WORDS)
            .map(|w| self.word(w).get().count_ones() as usize)
            .sum()
    }

    /// `true` when no slot is in use.
    ///
    /// ```
    /// assert!(makai_collections::HiveArray::<u8, 8>::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        (0..Self::WORDS).all(|w| self.word(w).get() == 0)
    }

    /// `true` when every slot is in use. O(1).
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 3>::new();
    /// let boxes: Vec<_> = (0..3).map(|i| hive.alloc(i).unwrap()).collect();
    /// assert!(hive.is_full());
    /// # drop(boxes);
    /// ```
    #[inline]
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.next_free_index().is_none()
    }

    /// Moves `value` into the lowest free slot. O(1).
    ///
    /// # Errors
    ///
    /// Gives `value` back when every slot is in use. (`Result::unwrap` on that needs
    /// `T: Debug`; [`alloc_expect`](HiveArray::alloc_expect) does not.)
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<String, 4>::new();
    /// let mut b = hive.alloc(String::from("hi")).unwrap();
    /// b.push('!');
    /// assert_eq!(*b, "hi!");
    /// ```
    #[inline]
    pub fn alloc(&self, value: T) -> Result<HiveBox<'_, T>, T> {
        let Some(index) = self.take_slot() else {
            return Err(value);
        };
        let ptr = self.slot_ptr(index);
        // SAFETY: the slot was free until `take_slot` marked it, so nothing else refers to it;
        // `ptr` is valid and aligned for a `T`.
        unsafe { ptr.write(value) };
        Ok(HiveBox::from_parts(ptr, self.href()))
    }

    /// Like [`alloc`](HiveArray::alloc), panicking with `msg` when the hive is full; for any
    /// `T` (no `Debug` bound, unlike `alloc(..).unwrap()`). The value is dropped before the
    /// panic.
    ///
    /// # Panics
    ///
    /// When every slot is in use, with `msg` and the capacity.
    ///
    /// ```
    /// struct Conn; // not `Debug`
    /// let hive = makai_collections::HiveArray::<Conn, 2>::new();
    /// let c = hive.alloc_expect(Conn, "connection pool full");
    /// # drop(c);
    /// ```
    #[track_caller]
    #[inline]
    pub fn alloc_expect(&self, value: T, msg: &str) -> HiveBox<'_, T> {
        match self.alloc(value) {
            Ok(b) => b,
            Err(value) => {
                drop(value);
                panic!("{msg}: HiveArray full ({N} slots)")
            }
        }
    }

    /// Claims the lowest free slot and fills it with `init(address)`: the constructor learns
    /// its own stable address (for callbacks or user-data pointers registered during
    /// construction). The address must not be read through before `init` returns: it points at
    /// uninitialised memory until then. If `init` panics, the slot is released. `init` may use
    /// the hive itself (allocate, drop other boxes): the claimed slot stays its own.
    ///
    /// # Errors
    ///
    /// Gives `init` back, uncalled, when every slot is in use.
    ///
    /// ```
    /// use std::ptr::NonNull;
    /// struct Node { me: NonNull<Node>, id: u32 }
    /// let hive = makai_collections::HiveArray::<Node, 4>::new();
    /// let node = hive.alloc_with(|me| Node { me, id: 7 }).ok().unwrap();
    /// assert_eq!(node.me.as_ptr().cast_const(), &*node as *const Node);
    /// assert_eq!(node.id, 7);
    /// ```
    pub fn alloc_with<F>(&self, init: F) -> Result<HiveBox<'_, T>, F>
    where
        F: FnOnce(NonNull<T>) -> T,
    {
        let Some(index) = self.take_slot() else {
            return Err(init);
        };
        let ptr = self.slot_ptr(index);
        // If `init` unwinds, the guard frees the slot (and drops no `T`). The slot's bit stays
        // set until then, so nothing `init` does with the hive can hand it out or free it.
        let guard = FreeOnDrop(self.href(), index);
        let value = init(ptr);
        core::mem::forget(guard);
        // SAFETY: the slot is still owned by this call (its bit is set, and no box names it),
        // and `ptr` is valid and aligned for a `T`.
        unsafe { ptr.write(value) };
        Ok(HiveBox::from_parts(ptr, self.href()))
    }

    /// Claims the lowest free slot for in-place initialisation, the first phase of a two-phase
    /// allocation (Bun's `hive.get()` → fill → use): write the value through the claim (or its
    /// pointer) and turn it into a [`HiveBox`]. Dropping the claim unused frees the slot again;
    /// nothing leaks and no `T` is dropped.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<[u8; 4096], 2>::new_boxed();
    /// let mut claim = hive.claim().unwrap();
    /// assert_eq!(claim.index(), 0);
    /// // Build the value in the slot itself: no 4 KiB value on the stack.
    /// let page = claim.as_uninit_mut();
    /// // SAFETY: `[u8; N]` is valid when zeroed.
    /// unsafe { page.as_mut_ptr().write_bytes(0, 1) };
    /// // SAFETY: the slot was just fully initialised.
    /// let page = unsafe { claim.assume_init() };
    /// assert_eq!(page[4095], 0);
    /// drop(hive.claim()); // abandoned: the slot is free again
    /// assert_eq!(hive.len(), 1);
    /// ```
    #[inline]
    #[must_use]
    pub fn claim(&self) -> Option<HiveClaim<'_, T>> {
        let index = self.take_slot()?;
        self.claims.set(self.claims.get() + 1);
        Some(HiveClaim {
            ptr: self.slot_ptr(index),
            hive: self.href(),
            _hive: PhantomData,
        })
    }

    /// `true` when `ptr` points into this hive's slots (any byte of any slot, used or free).
    /// For a zero-sized `T`, slot `i` is at `base + i * align_of::<T>()` (see
    /// [`index_of`](HiveArray::index_of)).
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u64, 8>::new();
    /// let b = hive.alloc(1).unwrap();
    /// assert!(hive.contains(&*b));
    /// assert!(!hive.contains(&0u64));
    /// ```
    #[must_use]
    pub fn contains(&self, ptr: *const T) -> bool {
        let base = self.href().base_addr::<T>();
        let addr = ptr.addr();
        addr >= base && addr - base < N * stride::<T>()
    }

    /// The slot index of `ptr`: `Some(i)` when it points at the start of slot `i`, `None` when
    /// it is outside the hive or inside a slot but not at its start. Zero-sized values get
    /// distinct addresses too: slot `i` of a ZST hive is `align_of::<T>() * i` bytes after slot 0.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u32, 8>::new();
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
        let offset = ptr.addr() - self.href().base_addr::<T>();
        let index = offset / stride::<T>();
        (index * stride::<T>() == offset).then_some(index)
    }

    /// Takes back ownership of a value given away with [`HiveBox::into_raw`].
    ///
    /// # Panics
    ///
    /// In every build profile, with a message naming the problem, when `ptr` is not inside
    /// this hive (a foreign pointer, or one taken before the hive moved), does not point at the
    /// start of a slot, or points at a free slot (a double free, or a pointer that was never
    /// handed out).
    ///
    /// # Safety
    ///
    /// 1. `ptr` came from [`HiveBox::into_raw`] of a box of this hive, **and the hive has not
    ///    moved since** (a moved hive's old addresses may now belong to anything; most such
    ///    pointers are caught by the panic above, but not one that lands inside the moved hive
    ///    again), and
    /// 2. no other box owns that value (each `into_raw` is matched by at most one `from_raw`).
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u32, 8>::new();
    /// let raw = makai_collections::HiveBox::into_raw(hive.alloc(9).unwrap());
    /// // SAFETY: `raw` came from `into_raw` on this hive, which has not moved; reclaimed once.
    /// let b = unsafe { hive.from_raw(raw) };
    /// assert_eq!(*b, 9);
    /// ```
    #[track_caller]
    pub unsafe fn from_raw(&self, ptr: NonNull<T>) -> HiveBox<'_, T> {
        let index = self.checked_index(ptr);
        // Use the hive's own pointer to the slot (same address), so the box's provenance never
        // depends on how the caller stored the raw pointer.
        HiveBox::from_parts(self.slot_ptr(index), self.href())
    }

    /// Validates `ptr` as a live slot of this hive and returns its index; panics otherwise.
    #[track_caller]
    pub(crate) fn checked_index(&self, ptr: NonNull<T>) -> usize {
        let raw = ptr.as_ptr().cast_const();
        assert!(
            self.contains(raw),
            "HiveArray::from_raw: pointer {raw:p} is not inside this hive \
             (a foreign pointer, or the hive moved after `into_raw`)"
        );
        let Some(index) = self.index_of(raw) else {
            panic!("HiveArray::from_raw: pointer {raw:p} does not point at the start of a slot")
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
    /// let hive = makai_collections::HiveArray::<u8, 100>::new();
    /// let boxes: Vec<_> = (0..70).map(|i| hive.alloc(i).unwrap()).collect();
    /// assert_eq!(hive.next_free_index(), Some(70));
    /// # drop(boxes);
    /// ```
    #[inline]
    #[must_use]
    pub fn next_free_index(&self) -> Option<usize> {
        self.find_free().map(|(w, b, _)| w * WORD + b)
    }

    /// The lowest free slot as (bitmap word `w`, bit `b`, the word's current value), so that
    /// [`take_slot`](Self::take_slot) sets the bit without a second index split and load.
    #[inline]
    fn find_free(&self) -> Option<(usize, usize, u64)> {
        let w = if Self::WORDS == 1 {
            // One word: no need to ask the summary which word has room (one load fewer on the
            // allocation's critical path).
            0
        } else {
            let free_words = !self.summary.get() & Self::LIVE_WORDS;
            if free_words == 0 {
                return None;
            }
            free_words.trailing_zeros() as usize
        };
        let word = self.word(w).get();
        let b = (!word).trailing_zeros() as usize;
        // Only the last word can be partial, and every word before it is full: an index past
        // the end (or `b == 64` in a full single word) means there is no free slot.
        (w * WORD + b < N).then_some((w, b, word))
    }

    /// Marks the lowest free slot as owned and returns its index.
    #[inline]
    fn take_slot(&self) -> Option<usize> {
        let (w, b, word) = self.find_free()?;
        let word = word | (1 << b);
        self.word(w).set(word);
        if word == u64::MAX {
            self.summary.set(self.summary.get() | (1 << w));
        }
        Some(w * WORD + b)
    }

    /// `true` when slot `index` is owned.
    #[inline]
    fn is_used(&self, index: usize) -> bool {
        self.word(index / WORD).get() & (1 << (index % WORD)) != 0
    }

    /// Pointer to slot `index` (`index < N`), derived from the hive so writes through it are
    /// allowed while the hive is shared (the slots are `UnsafeCell`s).
    #[inline]
    fn slot_ptr(&self, index: usize) -> NonNull<T> {
        if size_of::<T>() == 0 {
            // A zero-sized slot's address is virtual (module docs): slot 0's address plus
            // `index * align`; zero-sized accesses are valid at any aligned, non-null address.
            let base = NonNull::from(&self.slots).cast::<T>();
            return base.map_addr(|a| {
                a.checked_add(index * stride::<T>())
                    .expect("ZST slot addresses stay below usize::MAX")
            });
        }
        NonNull::from(&self.slots[index]).cast::<T>()
    }
}

impl<T, const N: usize> HiveArray<RcSlot<T>, N>
where
    Slots<N>: SlotCount,
{
    /// Moves `value` into the lowest free slot behind a reference-counted handle: cloning the
    /// [`HiveRc`] increments the count, and the last handle dropped drops the value and frees
    /// the slot (Bun's `HiveRef`).
    ///
    /// # Errors
    ///
    /// Gives `value` back when every slot is in use.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveRc, RcSlot};
    /// let hive = HiveArray::<RcSlot<String>, 4>::new();
    /// let a = hive.alloc_rc("shared".to_owned()).ok().unwrap();
    /// let b = a.clone();
    /// assert_eq!((HiveRc::strong_count(&b), hive.len()), (2, 1));
    /// drop(a);
    /// assert_eq!(*b, "shared");
    /// drop(b);
    /// assert!(hive.is_empty());
    /// ```
    pub fn alloc_rc(&self, value: T) -> Result<HiveRc<'_, T>, T> {
        let slot = self.alloc(RcSlot {
            count: Cell::new(1),
            value,
        });
        let slot = ManuallyDrop::new(slot.map_err(|slot| slot.value)?);
        Ok(HiveRc {
            ptr: slot.ptr,
            hive: slot.hive,
            _hive: PhantomData,
        })
    }
}

impl<T, const N: usize> Default for HiveArray<T, N>
where
    Slots<N>: SlotCount,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> Drop for HiveArray<T, N>
where
    Slots<N>: SlotCount,
{
    /// Drops the values still in the hive: those whose boxes were leaked with `mem::forget` or
    /// turned into raw pointers that were never reclaimed. A box cannot outlive its hive, so
    /// nothing else can reach them any more. If a [`HiveClaim`] was leaked, the hive cannot
    /// tell its empty slot from the others, and leaks every value instead (no destructor runs).
    fn drop(&mut self) {
        if !core::mem::needs_drop::<T>() || self.claims.get() != 0 {
            return;
        }
        for w in 0..Self::WORDS {
            let cell = self.word(w);
            let mut word = cell.get();
            while word != 0 {
                let b = word.trailing_zeros() as usize;
                word &= word - 1;
                cell.set(word);
                let slot = self.slot_ptr(w * WORD + b);
                // SAFETY: the bit was set, no claim is live (`claims == 0`) and no handle refers
                // to the slot any more (`&mut self`), so it holds an initialised `T`; its bit is
                // cleared first, so a panicking destructor cannot lead to a second drop.
                unsafe { slot.drop_in_place() };
            }
        }
    }
}

impl<T, const N: usize> fmt::Debug for HiveArray<T, N>
where
    Slots<N>: SlotCount,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HiveArray")
            .field("len", &self.len())
            .field("capacity", &N)
            .finish_non_exhaustive()
    }
}

/// An owning pointer to a value in a [`HiveArray`]: `Deref`/`DerefMut` to the value, and
/// dropping it drops the value and then frees its slot. Two pointers wide; freeing needs no
/// indirect call.
///
/// The box borrows its hive for `'h`, so the hive can neither move nor be dropped while a box
/// exists. It is not `Send` (dropping it updates the hive's bitmap); it is `Sync` when `T` is,
/// since `&HiveBox` only gives `&T`.
///
/// ```compile_fail,E0277
/// use makai_collections::HiveArray;
/// fn send<T: Send>(_: T) {}
/// let hive = HiveArray::<u32, 8>::new();
/// send(hive.alloc(1).unwrap());
/// ```
pub struct HiveBox<'h, T> {
    /// The value's slot.
    ptr: NonNull<T>,
    /// The hive's bookkeeping.
    hive: HiveRef,
    _hive: PhantomData<(&'h (), T)>,
}

const _: () = assert!(size_of::<HiveBox<'static, u64>>() == 2 * size_of::<usize>());

// SAFETY: a shared `&HiveBox` only gives out `&T` (through `Deref`) and never touches the
// hive's bookkeeping, so sharing it across threads is sharing `&T`, which `T: Sync` allows.
unsafe impl<T: Sync> Sync for HiveBox<'_, T> {}

impl<T> HiveBox<'_, T> {
    /// Wraps a live, initialised value in a slot owned by the caller.
    #[inline]
    fn from_parts(ptr: NonNull<T>, hive: HiveRef) -> Self {
        Self {
            ptr,
            hive,
            _hive: PhantomData,
        }
    }

    /// Gives up ownership without dropping the value or freeing its slot; the slot stays in use
    /// until [`HiveArray::from_raw`] takes it back. Use it for C user-data pointers and
    /// intrusive back-pointers.
    ///
    /// The pointer stays valid only while the hive stays where it is: once the box is gone
    /// nothing borrows the hive, so moving it is allowed, and moves the value with it.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveBox};
    /// let hive = HiveArray::<u8, 4>::new();
    /// let raw = HiveBox::into_raw(hive.alloc(1).unwrap());
    /// assert_eq!(hive.len(), 1);
    /// // SAFETY: `raw` came from `into_raw` on this hive, which has not moved; reclaimed once.
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
    /// let hive = makai_collections::HiveArray::<String, 4>::new();
    /// let s = makai_collections::HiveBox::into_inner(hive.alloc("x".into()).unwrap());
    /// assert_eq!((s.as_str(), hive.len()), ("x", 0));
    /// ```
    pub fn into_inner(b: Self) -> T {
        let b = ManuallyDrop::new(b);
        // SAFETY: the box owns an initialised value; it is read once and the box is not
        // dropped (`ManuallyDrop`), so the value is not dropped twice.
        let value = unsafe { b.ptr.read() };
        // SAFETY: the box owned slot `index_of(ptr) < N` of this hive, and its value was just
        // moved out.
        unsafe { b.hive.free(b.hive.index_of(b.ptr)) };
        value
    }

    /// The address of the value, without giving up ownership.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 4>::new();
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
    /// Only boxes of a `'static` hive (a `thread_local!` hive, or a leaked
    /// [`new_boxed`](HiveArray::new_boxed)) can be pinned: the address of a slot is stable only
    /// while the hive stays where it is, and a shorter-lived hive could be moved after a pinned
    /// box was `mem::forget`-ten, moving the pinned value without dropping it. A `'static` hive
    /// is borrowed forever, so it never moves. The slot is reused only after the value's `Drop`
    /// has run, so `Pin`'s drop guarantee holds.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveBox};
    /// let raw = Box::into_raw(HiveArray::<u32, 8>::new_boxed());
    /// // SAFETY: `raw` is a live heap hive that is freed only after its last use below.
    /// let hive: &'static HiveArray<u32, 8> = unsafe { &*raw };
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
    /// let hive = HiveArray::<u32, 8>::new();
    /// let pinned = HiveBox::into_pin(hive.alloc(5).unwrap());
    /// ```
    #[must_use]
    pub fn into_pin(b: Self) -> Pin<Self> {
        // SAFETY: the value lives in a slot of a `'static` hive, which never moves and is
        // reused only after the box's `Drop` has dropped the value; `HiveBox` has no API that
        // moves the value out of a `Pin<HiveBox>` (`into_inner` takes `Self`).
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

/// Frees slot `index` when dropped, also while unwinding from a value's destructor.
struct FreeOnDrop(HiveRef, usize);

impl Drop for FreeOnDrop {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: made only by handles that own slot `self.1 < N` of this hive and whose value
        // is dropped (or whose destructor unwound, after which it counts as dropped).
        unsafe { self.0.free(self.1) };
    }
}

impl<T> Drop for HiveBox<'_, T> {
    #[inline]
    fn drop(&mut self) {
        let _free = FreeOnDrop(self.hive, self.hive.index_of(self.ptr));
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

/// A claimed, still uninitialised slot of a [`HiveArray`] (from [`HiveArray::claim`]): write a
/// value with [`write`](HiveClaim::write), or initialise the slot in place through
/// [`as_uninit_mut`](HiveClaim::as_uninit_mut) / [`as_ptr`](HiveClaim::as_ptr) and call
/// [`assume_init`](HiveClaim::assume_init); either gives a [`HiveBox`]. Dropping the claim frees
/// the slot and drops nothing.
///
/// A `mem::forget`-ten claim keeps its slot forever, and makes the hive leak (not drop) the
/// values still in it when it is dropped, since it can no longer tell which slot is empty.
///
/// ```
/// let hive = makai_collections::HiveArray::<u64, 4>::new();
/// let claim = hive.claim().unwrap();
/// let b = claim.write(42);
/// assert_eq!((*b, hive.len()), (42, 1));
/// ```
pub struct HiveClaim<'h, T> {
    ptr: NonNull<T>,
    hive: HiveRef,
    _hive: PhantomData<(&'h (), T)>,
}

impl<'h, T> HiveClaim<'h, T> {
    /// The slot's index in its hive.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 4>::new();
    /// assert_eq!(hive.claim().unwrap().index(), 0);
    /// ```
    #[inline]
    #[must_use]
    pub fn index(&self) -> usize {
        self.hive.index_of(self.ptr)
    }

    /// The slot's stable address (uninitialised memory: write before reading).
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 4>::new();
    /// let claim = hive.claim().unwrap();
    /// assert_eq!(hive.index_of(claim.as_ptr().as_ptr()), Some(0));
    /// ```
    #[inline]
    #[must_use]
    pub fn as_ptr(&self) -> NonNull<T> {
        self.ptr
    }

    /// The slot, for initialisation in place.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u8, 4>::new();
    /// let mut claim = hive.claim().unwrap();
    /// claim.as_uninit_mut().write(5);
    /// // SAFETY: just initialised.
    /// assert_eq!(*unsafe { claim.assume_init() }, 5);
    /// ```
    #[inline]
    pub fn as_uninit_mut(&mut self) -> &mut MaybeUninit<T> {
        // SAFETY: the claim owns the slot exclusively; `MaybeUninit<T>` has `T`'s layout and
        // accepts any contents.
        unsafe { self.ptr.cast::<MaybeUninit<T>>().as_mut() }
    }

    /// Writes `value` into the slot and returns the box owning it.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<String, 4>::new();
    /// let b = hive.claim().unwrap().write("x".into());
    /// assert_eq!(*b, "x");
    /// ```
    #[inline]
    pub fn write(self, value: T) -> HiveBox<'h, T> {
        // SAFETY: the claim owns the uninitialised slot exclusively; `ptr` is valid and aligned
        // for a `T` (a zero-sized write is valid at any aligned address).
        unsafe { self.ptr.write(value) };
        // SAFETY: the slot is now initialised.
        unsafe { self.assume_init() }
    }

    /// Turns the claim into a box of the value the caller wrote into the slot.
    ///
    /// # Safety
    ///
    /// The slot holds a fully initialised `T`.
    ///
    /// ```
    /// let hive = makai_collections::HiveArray::<u32, 4>::new();
    /// let claim = hive.claim().unwrap();
    /// // SAFETY: the claim's pointer is valid for a write of a `u32`.
    /// unsafe { claim.as_ptr().write(3) };
    /// // SAFETY: just initialised.
    /// assert_eq!(*unsafe { claim.assume_init() }, 3);
    /// ```
    #[inline]
    pub unsafe fn assume_init(self) -> HiveBox<'h, T> {
        let claim = ManuallyDrop::new(self);
        let claims = claim.hive.claims();
        claims.set(claims.get() - 1);
        HiveBox::from_parts(claim.ptr, claim.hive)
    }
}

impl<T> Drop for HiveClaim<'_, T> {
    #[inline]
    fn drop(&mut self) {
        let claims = self.hive.claims();
        claims.set(claims.get() - 1);
        // SAFETY: the claim owns slot `index < N`, which holds no value.
        unsafe { self.hive.free(self.index()) };
    }
}

impl<T> fmt::Debug for HiveClaim<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HiveClaim")
            .field("index", &self.index())
            .finish_non_exhaustive()
    }
}

/// The slot type of a hive of reference-counted values: a `u32` count and the value. Make the
/// hive a `HiveArray<RcSlot<T>, N>` and allocate with [`HiveArray::alloc_rc`].
///
/// ```
/// use makai_collections::{HiveArray, RcSlot};
/// let hive = HiveArray::<RcSlot<u64>, 16>::new();
/// assert!(hive.alloc_rc(1).is_ok());
/// ```
pub struct RcSlot<T> {
    count: Cell<u32>,
    value: T,
}

impl<T> fmt::Debug for RcSlot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RcSlot")
            .field("count", &self.count.get())
            .finish_non_exhaustive()
    }
}

/// A reference-counted handle to a value in a hive of [`RcSlot`]s (Bun's `HiveRef`): `Clone`
/// increments the count, `Drop` decrements it, and the last handle drops the value and frees
/// the slot. Two pointers wide, `!Send` and `!Sync` (the count is not atomic).
///
/// ```
/// use makai_collections::{HiveArray, HiveRc, RcSlot};
/// let hive = HiveArray::<RcSlot<Vec<u8>>, 8>::new();
/// let owner_a = hive.alloc_rc(vec![1, 2, 3]).ok().unwrap();
/// let owner_b = HiveRc::clone(&owner_a);
/// assert!(HiveRc::ptr_eq(&owner_a, &owner_b));
/// drop(owner_a);
/// assert_eq!(owner_b.len(), 3);
/// ```
///
/// ```compile_fail,E0277
/// use makai_collections::{HiveArray, RcSlot};
/// fn sync<T: Sync>(_: &T) {}
/// let hive = HiveArray::<RcSlot<u8>, 8>::new();
/// sync(&hive.alloc_rc(1).ok().unwrap());
/// ```
pub struct HiveRc<'h, T> {
    ptr: NonNull<RcSlot<T>>,
    hive: HiveRef,
    _hive: PhantomData<(&'h (), RcSlot<T>)>,
}

impl<T> HiveRc<'_, T> {
    /// Number of handles to this value.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveRc, RcSlot};
    /// let hive = HiveArray::<RcSlot<u8>, 2>::new();
    /// let a = hive.alloc_rc(1).unwrap();
    /// assert_eq!(HiveRc::strong_count(&a), 1);
    /// ```
    #[must_use]
    pub fn strong_count(this: &Self) -> u32 {
        this.slot().count.get()
    }

    /// `true` when both handles share one value.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveRc, RcSlot};
    /// let hive = HiveArray::<RcSlot<u8>, 2>::new();
    /// let (a, b) = (hive.alloc_rc(1).unwrap(), hive.alloc_rc(1).unwrap());
    /// assert!(!HiveRc::ptr_eq(&a, &b) && HiveRc::ptr_eq(&a, &a.clone()));
    /// ```
    #[must_use]
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        this.ptr == other.ptr
    }

    /// The value, mutably, when this is the only handle.
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveRc, RcSlot};
    /// let hive = HiveArray::<RcSlot<u8>, 2>::new();
    /// let mut a = hive.alloc_rc(1).unwrap();
    /// *HiveRc::get_mut(&mut a).unwrap() = 2;
    /// let b = a.clone();
    /// assert!(HiveRc::get_mut(&mut a).is_none());
    /// # drop(b);
    /// ```
    #[must_use]
    pub fn get_mut(this: &mut Self) -> Option<&mut T> {
        if this.slot().count.get() != 1 {
            return None;
        }
        // SAFETY: the slot holds an initialised `RcSlot<T>`, and this is its only handle, so
        // nothing else refers to the value while `this` is borrowed mutably.
        Some(unsafe { &mut (*this.ptr.as_ptr()).value })
    }

    /// The address of the value (for reading and comparing: the value is shared).
    ///
    /// ```
    /// use makai_collections::{HiveArray, HiveRc, RcSlot};
    /// let hive = HiveArray::<RcSlot<u8>, 2>::new();
    /// let a = hive.alloc_rc(7).unwrap();
    /// assert_eq!(HiveRc::as_ptr(&a).as_ptr().cast_const(), &*a as *const u8);
    /// ```
    #[must_use]
    pub fn as_ptr(this: &Self) -> NonNull<T> {
        NonNull::from(&this.slot().value)
    }

    #[inline]
    fn slot(&self) -> &RcSlot<T> {
        // SAFETY: the slot holds an initialised `RcSlot<T>` while any handle lives.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> Clone for HiveRc<'_, T> {
    /// Another handle to the same value.
    ///
    /// # Panics
    ///
    /// Never; more than `u32::MAX` handles to one value abort the process.
    fn clone(&self) -> Self {
        let count = &self.slot().count;
        match count.get().checked_add(1) {
            Some(n) => count.set(n),
            None => makai_error::abort_with(
                "makai: HiveRc count overflow (more than u32::MAX handles); aborting",
            ),
        }
        Self {
            ptr: self.ptr,
            hive: self.hive,
            _hive: PhantomData,
        }
    }
}

impl<T> Deref for HiveRc<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.slot().value
    }
}

impl<T> Drop for HiveRc<'_, T> {
    fn drop(&mut self) {
        let count = &self.slot().count;
        let n = count.get() - 1;
        count.set(n);
        if n != 0 {
            return;
        }
        let _free = FreeOnDrop(self.hive, self.hive.index_of(self.ptr));
        // SAFETY: this was the last handle, so the slot's value is dropped exactly once here.
        unsafe { self.ptr.drop_in_place() };
    }
}

impl<T: fmt::Debug> fmt::Debug for HiveRc<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for HiveRc<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_order_crosses_words() {
        let hive = HiveArray::<u8, 150>::new();
        let boxes: Vec<_> = (0..150).map(|i| hive.alloc(i as u8).unwrap()).collect();
        assert_eq!(hive.summary.get(), 0b11);
        assert!(hive.is_full());
        assert_eq!(hive.index_of(&raw const *boxes[70]), Some(70));
        drop(boxes);
        assert_eq!(hive.summary.get(), 0);
        assert!(hive.is_empty());
    }

    #[test]
    fn zero_slots_is_always_full() {
        let hive = HiveArray::<u8, 0>::new();
        assert!(hive.is_full());
        assert_eq!(hive.alloc(1).unwrap_err(), 1);
        assert!(!hive.contains(core::ptr::null()));
    }

    #[test]
    fn words_are_stored_in_reverse() {
        let hive = HiveArray::<u8, 130>::new();
        let boxes: Vec<_> = (0..129).map(|i| hive.alloc(i as u8).unwrap()).collect();
        // SAFETY: read-only look at the bitmap while no handle writes it.
        let words = unsafe { *hive.words.get() };
        assert_eq!(words, [1, u64::MAX, u64::MAX]);
        drop(boxes);
    }

    #[test]
    fn sizes() {
        assert_eq!(size_of::<HiveArray<u64, 1>>(), 8 + 16 + 8);
        assert_eq!(size_of::<HiveArray<u64, 65>>(), 2 * 8 + 16 + 65 * 8);
        assert_eq!(size_of::<HiveArray<[u8; 1024], 4>>(), 8 + 16 + 4 * 1024);
        assert_eq!(size_of::<HiveArray<u8, 4096>>(), 64 * 8 + 16 + 4096);
        assert_eq!(size_of::<HiveArray<u8, 0>>(), 16);
        assert_eq!(size_of::<HiveRc<'_, u8>>(), 16);
    }
}
