//! Non-intrusive reference counting without a weak count: [`Shared<T>`] (one thread) and
//! [`AtomicShared<T>`] (any thread), Bun's `Shared` / `AtomicShared`.
//!
//! The heap block is a `u32` count followed by the value (`repr(C)`), so the header costs 4 bytes
//! plus the value's alignment padding, against `Rc`/`Arc`'s 16 (strong and weak `usize`). The
//! handle is one pointer (8 bytes) to that block. With no weak count, uniqueness is the strong
//! count alone, which makes [`get_mut`](Shared::get_mut) and [`make_mut`](Shared::make_mut)
//! one load and one compare.

use core::alloc::Layout;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use core::mem::{ManuallyDrop, offset_of};
use core::ops::Deref;
use core::ptr::NonNull;

use makai_alloc::{Allocator, Global};
use makai_error::{AllocError, HandleOom};

use crate::refcount::sealed::TOKEN;
use crate::refcount::{AtomicRefCount, Counter, RefCount};

/// The heap block: the count, then the value.
#[repr(C)]
struct Inner<C, T> {
    count: C,
    value: T,
}

/// The shared implementation of both handle types: a pointer to a live `Inner` whose count
/// includes the reference this handle owns. Memory comes from [`Global`] with
/// `Layout::new::<Inner<C, T>>()`.
struct Raw<C: Counter, T> {
    ptr: NonNull<Inner<C, T>>,
    _owns: PhantomData<Inner<C, T>>,
}

impl<C: Counter, T> Raw<C, T> {
    const VALUE_OFFSET: usize = offset_of!(Inner<C, T>, value);

    fn try_new(value: T) -> Result<Self, AllocError> {
        let block = Global.allocate(Layout::new::<Inner<C, T>>())?;
        let ptr = block.cast::<Inner<C, T>>();
        // SAFETY: `block` is a fresh allocation that fits `Inner<C, T>`.
        unsafe {
            ptr.as_ptr().write(Inner {
                count: C::one(),
                value,
            })
        };
        Ok(Self {
            ptr,
            _owns: PhantomData,
        })
    }

    #[inline]
    fn inner(&self) -> &Inner<C, T> {
        // SAFETY: the handle owns a reference, so the block is live; while the count is above
        // one it is only accessed through shared references.
        unsafe { self.ptr.as_ref() }
    }

    #[inline]
    fn get_mut(&mut self) -> Option<&mut T> {
        if self.inner().count.is_unique() {
            // SAFETY: count 1 and `&mut self` make this the only handle, and `is_unique`'s
            // Acquire ordered every former handle's uses before us; the block pointer has
            // write provenance, so a unique borrow for as long as `self` is borrowed is sound.
            Some(unsafe { &mut (*self.ptr.as_ptr()).value })
        } else {
            None
        }
    }

    fn make_mut(&mut self) -> &mut T
    where
        T: Clone,
    {
        if !self.inner().count.is_unique() {
            let copy = Self::try_new(self.inner().value.clone()).handle_oom();
            // Dropping the old handle only decrements: other handles keep the old block.
            *self = copy;
        }
        self.get_mut()
            .expect("a fresh or unique block has a count of one")
    }

    fn try_unwrap(self) -> Result<T, Self> {
        if !self.inner().count.claim_unique(TOKEN) {
            return Err(self);
        }
        let this = ManuallyDrop::new(self);
        // SAFETY: `VALUE_OFFSET` is the value field's offset inside the live block.
        let value_ptr = unsafe { this.ptr.byte_add(Self::VALUE_OFFSET) }.cast::<T>();
        // SAFETY: the count went from 1 to 0 with Acquire ordering: no other handle exists and
        // all their uses happened before. The value is read out once and the block is freed
        // below without dropping it again.
        let value = unsafe { value_ptr.read() };
        // SAFETY: the block came from `Global` with this layout (`try_new`) and nothing refers
        // to it any more; the count needs no drop.
        unsafe { Global.deallocate(this.ptr.cast(), Layout::new::<Inner<C, T>>()) };
        Ok(value)
    }

    #[inline]
    fn into_raw(self) -> NonNull<T> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `VALUE_OFFSET` is the value field's offset inside the block, so the result
        // stays in bounds of the same allocation (and keeps the block's provenance).
        unsafe { this.ptr.byte_add(Self::VALUE_OFFSET) }.cast::<T>()
    }

    /// # Safety
    ///
    /// `ptr` came from `into_raw` of a handle of the same type, and is reclaimed once.
    #[inline]
    unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        // SAFETY: `ptr` points `VALUE_OFFSET` bytes into a block made by `try_new` (caller's
        // contract), so stepping back lands on the block's start, in bounds, with the
        // provenance `into_raw` kept.
        let block = unsafe { ptr.byte_sub(Self::VALUE_OFFSET) }.cast::<Inner<C, T>>();
        Self {
            ptr: block,
            _owns: PhantomData,
        }
    }
}

impl<C: Counter, T> Clone for Raw<C, T> {
    #[inline]
    fn clone(&self) -> Self {
        self.inner().count.increment(TOKEN);
        Self {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}

impl<C: Counter, T> Drop for Raw<C, T> {
    #[inline]
    fn drop(&mut self) {
        // The shared reference made by `inner` ends with this statement.
        if self.inner().count.decrement(TOKEN) {
            // SAFETY: the count reached zero, so this was the last handle and (by the Acquire
            // fence in `decrement`) every other handle's uses happened before.
            unsafe { self.drop_slow() };
        }
    }
}

impl<C: Counter, T> Raw<C, T> {
    /// Drops the value and frees the block. Kept out of line (as std's `Arc::drop_slow` is) so
    /// that a clone/drop loop stays small.
    ///
    /// # Safety
    ///
    /// The count has reached zero: no other handle exists and all their uses happened before.
    #[inline(never)]
    unsafe fn drop_slow(&mut self) {
        // SAFETY: the block is live and unused (caller's contract), so it is dropped in place
        // once.
        unsafe { self.ptr.as_ptr().drop_in_place() };
        // SAFETY: the block came from `Global` with this layout (`try_new`); it was just dropped
        // and nothing refers to it.
        unsafe { Global.deallocate(self.ptr.cast(), Layout::new::<Inner<C, T>>()) };
    }
}

macro_rules! shared_type {
    (
        $(#[$meta:meta])*
        $name:ident, $count:ty
    ) => {
        $(#[$meta])*
        pub struct $name<T> {
            raw: Raw<$count, T>,
        }

        impl<T> $name<T> {
            #[doc = concat!("Moves `value` into a new block with a count of one.")]
            ///
            /// # Panics
            ///
            /// Out of memory aborts through [`makai_error::out_of_memory`]; use `try_new` to
            /// handle it.
            ///
            /// ```
            #[doc = concat!("let s = makai_ptr::", stringify!($name), "::new([1u8, 2, 3]);")]
            /// assert_eq!(s[1], 2);
            /// ```
            #[inline]
            pub fn new(value: T) -> Self {
                Self::try_new(value).handle_oom()
            }

            /// Like `new`, but reports out of memory instead of aborting.
            ///
            /// The block always comes from the global heap ([`makai_alloc::Global`]); there is
            /// no allocator parameter (the handle stays 8 bytes).
            ///
            /// # Errors
            ///
            /// [`AllocError`] when the heap cannot provide the block (`value` is dropped).
            ///
            /// ```
            #[doc = concat!("let s = makai_ptr::", stringify!($name), "::try_new(5u64).unwrap();")]
            /// assert_eq!(*s, 5);
            /// ```
            #[inline]
            pub fn try_new(value: T) -> Result<Self, AllocError> {
                Ok(Self { raw: Raw::try_new(value)? })
            }

            /// The number of handles (and raw pointers from `into_raw`) to the value: a
            /// snapshot.
            ///
            /// ```
            #[doc = concat!("let a = makai_ptr::", stringify!($name), "::new(());")]
            /// let b = a.clone();
            /// assert_eq!((a.ref_count(), b.ref_count()), (2, 2));
            /// ```
            #[inline]
            pub fn ref_count(&self) -> u32 {
                self.raw.inner().count.get()
            }

            /// The value, mutably, if this is the only handle; `None` otherwise.
            ///
            /// ```
            #[doc = concat!("let mut a = makai_ptr::", stringify!($name), "::new(1);")]
            /// *a.get_mut().unwrap() += 1;
            /// let b = a.clone();
            /// assert!(a.get_mut().is_none());
            /// drop(b);
            /// assert_eq!(*a, 2);
            /// ```
            #[inline]
            pub fn get_mut(&mut self) -> Option<&mut T> {
                self.raw.get_mut()
            }

            /// The value, mutably: in place if this is the only handle, otherwise after cloning
            /// it into a new block that this handle then owns (the others keep the old one).
            ///
            /// # Panics
            ///
            /// If `T::clone` panics (`self` is unchanged then). Out of memory aborts through
            /// [`makai_error::out_of_memory`].
            ///
            /// ```
            #[doc = concat!("let mut a = makai_ptr::", stringify!($name), "::new(vec![1]);")]
            /// let b = a.clone();
            /// a.make_mut().push(2);
            /// assert_eq!((a.as_slice(), b.as_slice()), (&[1, 2][..], &[1][..]));
            /// assert!(!a.ptr_eq(&b));
            /// ```
            #[inline]
            pub fn make_mut(&mut self) -> &mut T
            where
                T: Clone,
            {
                self.raw.make_mut()
            }

            /// Takes the value out if this is the only handle; gives the handle back otherwise.
            ///
            /// # Errors
            ///
            /// `Err(self)` when other handles exist.
            ///
            /// ```
            #[doc = concat!("let a = makai_ptr::", stringify!($name), "::new(String::from(\"x\"));")]
            /// let b = a.clone();
            /// let a = a.try_unwrap().unwrap_err();
            /// drop(b);
            /// assert_eq!(a.try_unwrap().unwrap(), "x");
            /// ```
            #[inline]
            pub fn try_unwrap(self) -> Result<T, Self> {
                self.raw.try_unwrap().map_err(|raw| Self { raw })
            }

            /// Whether both handles point to the same block.
            ///
            /// ```
            #[doc = concat!("let a = makai_ptr::", stringify!($name), "::new(0);")]
            #[doc = concat!("let b = makai_ptr::", stringify!($name), "::new(0);")]
            /// assert!(a.ptr_eq(&a.clone()) && !a.ptr_eq(&b));
            /// ```
            #[inline]
            pub fn ptr_eq(&self, other: &Self) -> bool {
                self.raw.ptr == other.raw.ptr
            }

            /// The value's address, without touching the count.
            ///
            /// ```
            #[doc = concat!("let a = makai_ptr::", stringify!($name), "::new(3u8);")]
            /// assert_eq!(a.as_ptr(), std::ptr::NonNull::from(&*a));
            /// ```
            #[inline]
            pub fn as_ptr(&self) -> NonNull<T> {
                // SAFETY: `VALUE_OFFSET` is the value field's offset inside the live block.
                unsafe { self.raw.ptr.byte_add(Raw::<$count, T>::VALUE_OFFSET) }.cast()
            }

            /// Gives up the handle without decrementing; the returned pointer to the value owns
            /// its reference until [`from_raw`](Self::from_raw) takes it back.
            ///
            /// ```
            #[doc = concat!("use makai_ptr::", stringify!($name), ";")]
            #[doc = concat!("let raw = ", stringify!($name), "::new(7i32).into_raw();")]
            /// // SAFETY: `raw` came from `into_raw` and is reclaimed once.
            #[doc = concat!("let back = unsafe { ", stringify!($name), "::from_raw(raw) };")]
            /// assert_eq!(*back, 7);
            /// ```
            #[inline]
            pub fn into_raw(self) -> NonNull<T> {
                self.raw.into_raw()
            }

            /// Takes back a reference given away by [`into_raw`](Self::into_raw).
            ///
            /// # Safety
            ///
            #[doc = concat!("`ptr` came from `", stringify!($name), "::<T>::into_raw`, and each such pointer is")]
            /// reclaimed once.
            ///
            /// ```
            #[doc = concat!("use makai_ptr::", stringify!($name), ";")]
            #[doc = concat!("let a = ", stringify!($name), "::new('z');")]
            /// let raw = a.clone().into_raw();
            /// // SAFETY: `raw` owns the reference taken by the clone.
            #[doc = concat!("let b = unsafe { ", stringify!($name), "::from_raw(raw) };")]
            /// assert!(a.ptr_eq(&b));
            /// ```
            #[inline]
            pub unsafe fn from_raw(ptr: NonNull<T>) -> Self {
                // SAFETY: forwarded from this function's contract.
                Self { raw: unsafe { Raw::from_raw(ptr) } }
            }
        }

        impl<T> Clone for $name<T> {
            /// Adds a reference (aborts past `i32::MAX` references); the value is not copied.
            #[inline]
            fn clone(&self) -> Self {
                Self { raw: self.raw.clone() }
            }
        }

        impl<T> Deref for $name<T> {
            type Target = T;
            #[inline]
            fn deref(&self) -> &T {
                &self.raw.inner().value
            }
        }

        impl<T> AsRef<T> for $name<T> {
            #[inline]
            fn as_ref(&self) -> &T {
                self
            }
        }

        impl<T> alloc::borrow::Borrow<T> for $name<T> {
            #[inline]
            fn borrow(&self) -> &T {
                self
            }
        }

        impl<T: Default> Default for $name<T> {
            #[inline]
            fn default() -> Self {
                Self::new(T::default())
            }
        }

        impl<T> From<T> for $name<T> {
            #[inline]
            fn from(value: T) -> Self {
                Self::new(value)
            }
        }

        impl<T: fmt::Debug> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<T: fmt::Display> fmt::Display for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }

        impl<T> fmt::Pointer for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Pointer::fmt(&self.as_ptr(), f)
            }
        }

        impl<T: PartialEq> PartialEq for $name<T> {
            /// Compares the values (like `Rc`), not the addresses: see `ptr_eq`.
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }

        impl<T: Eq> Eq for $name<T> {}

        impl<T: PartialOrd> PartialOrd for $name<T> {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                (**self).partial_cmp(&**other)
            }
        }

        impl<T: Ord> Ord for $name<T> {
            #[inline]
            fn cmp(&self, other: &Self) -> core::cmp::Ordering {
                (**self).cmp(&**other)
            }
        }

        impl<T: Hash> Hash for $name<T> {
            #[inline]
            fn hash<H: Hasher>(&self, state: &mut H) {
                (**self).hash(state)
            }
        }

        const _: () = assert!(size_of::<$name<u64>>() == size_of::<usize>());
        const _: () = assert!(size_of::<Option<$name<u64>>>() == size_of::<usize>());
        // The 4-byte header (loom's atomics are larger, so only outside loom).
        #[cfg(not(makai_loom))]
        const _: () = assert!(size_of::<Inner<$count, u32>>() == 8);
    };
}

shared_type! {
    /// A shared value with a non-atomic `u32` count and no weak count: `Rc` in 8 bytes with a
    /// 4-byte header (Bun's `Shared`).
    ///
    /// Cloning adds a reference; the last handle dropped drops the value. `Shared` is neither
    /// `Send` nor `Sync`:
    ///
    /// ```compile_fail,E0277
    /// let s = makai_ptr::Shared::new(1);
    /// std::thread::spawn(move || drop(s)); // error: `Shared<i32>` cannot be sent between threads
    /// ```
    ///
    /// ```compile_fail,E0277
    /// fn needs_sync<T: Sync>(_: &T) {}
    /// needs_sync(&makai_ptr::Shared::new(1));
    /// ```
    ///
    /// ```
    /// use makai_ptr::Shared;
    /// let config = Shared::new(String::from("fast"));
    /// let users: Vec<Shared<String>> = (0..3).map(|_| config.clone()).collect();
    /// assert_eq!(config.ref_count(), 4);
    /// assert!(users.iter().all(|u| u.ptr_eq(&config) && u.as_str() == "fast"));
    /// assert_eq!(size_of::<Shared<String>>(), 8);
    /// ```
    Shared, RefCount
}

shared_type! {
    /// A shared value with an atomic `u32` count and no weak count: `Arc` in 8 bytes with a
    /// 4-byte header (Bun's `AtomicShared`).
    ///
    /// `Send + Sync` when `T: Send + Sync`, like `Arc`.
    ///
    /// ```
    /// use makai_ptr::AtomicShared;
    /// let table = AtomicShared::new(vec![10, 20, 30]);
    /// let worker = table.clone();
    /// let sum: i32 = std::thread::spawn(move || worker.iter().sum()).join().unwrap();
    /// assert_eq!(sum, 60);
    /// assert_eq!(table.ref_count(), 1);
    /// ```
    AtomicShared, AtomicRefCount
}

// SAFETY: like `Arc<T>`: the count is atomic; handles on several threads give shared access to
// `T` (needs `Sync`) and the last one may drop or `try_unwrap` it anywhere (needs `Send`).
unsafe impl<T: Send + Sync> Send for AtomicShared<T> {}
// SAFETY: as for `Send`: `&AtomicShared<T>` can clone a handle onto another thread.
unsafe impl<T: Send + Sync> Sync for AtomicShared<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::rc::Rc;
    use core::cell::Cell;

    struct CountDrops(Rc<Cell<u32>>);
    impl Drop for CountDrops {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn every_value_dropped_once() {
        let drops = Rc::new(Cell::new(0));
        let a = Shared::new(CountDrops(drops.clone()));
        let clones: Vec<_> = (0..5).map(|_| a.clone()).collect();
        drop(a);
        assert_eq!(drops.get(), 0);
        drop(clones);
        assert_eq!(drops.get(), 1);
    }

    #[test]
    fn try_unwrap_does_not_drop_the_value() {
        let drops = Rc::new(Cell::new(0));
        let a = Shared::new(CountDrops(drops.clone()));
        let v = a.try_unwrap().ok().unwrap();
        assert_eq!(drops.get(), 0);
        drop(v);
        assert_eq!(drops.get(), 1);
    }

    #[test]
    fn make_mut_on_shared_copies_and_keeps_the_other() {
        let mut a = AtomicShared::new(vec![1, 2]);
        let b = a.clone();
        a.make_mut().push(3);
        assert_eq!(*b, [1, 2]);
        assert_eq!(*a, [1, 2, 3]);
        assert_eq!((a.ref_count(), b.ref_count()), (1, 1));
        let before = a.as_ptr();
        a.make_mut().push(4);
        assert_eq!(a.as_ptr(), before, "unique make_mut works in place");
    }

    #[test]
    #[cfg(not(makai_loom))]
    fn header_is_four_bytes() {
        assert_eq!(size_of::<Inner<RefCount, u32>>(), 8);
        assert_eq!(size_of::<Inner<AtomicRefCount, [u8; 4]>>(), 8);
        assert_eq!(size_of::<Inner<RefCount, ()>>(), 4);
    }

    #[test]
    fn zero_sized_values() {
        let a = Shared::new(());
        let raw = a.clone().into_raw();
        // SAFETY: `raw` came from `into_raw` just above.
        let b = unsafe { Shared::from_raw(raw) };
        assert!(a.ptr_eq(&b));
        drop(b);
        assert_eq!(a.try_unwrap(), Ok(()));
    }
}
