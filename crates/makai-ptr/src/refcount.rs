//! Intrusive reference counting (Bun's `RefCount` / `ThreadSafeRefCount` mixins and `RefPtr`).
//!
//! A type embeds a count field ([`RefCount`] or [`AtomicRefCount`]), implements [`RefCounted`]
//! (normally with [`ref_counted!`](crate::ref_counted)), and is shared through the 8-byte handle
//! [`RefPtr<T>`]. Because the count lives inside the object, a raw `NonNull<T>` that went through
//! C can be turned back into a counted handle ([`RefPtr::from_raw`], [`RefPtr::adopt`]).
//!
//! The atomic rules (std's and triomphe's, checked by loom in `tests/loom.rs`): increment with
//! `Relaxed` and abort once the old count is past `i32::MAX`; decrement with `Release`, and the
//! handle that brings the count to zero issues an `Acquire` fence before destroying the object.

use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;
use core::ptr::NonNull;

use makai_alloc::{Allocator, Global};
use makai_error::{AllocError, HandleOom};

use crate::sync::{AtomicU32, Ordering, fence};

/// Counts above this abort the process (the workspace's one rule, in `crate::overflow`).
const MAX_COUNT: u32 = crate::overflow::MAX_REF_COUNT;
use crate::overflow::overflow_abort as count_overflow;

/// The operations every count supports. Sealed: only [`RefCount`] and [`AtomicRefCount`]
/// implement it, and only this crate calls these methods, so safe code outside cannot
/// decrement a count that a live handle owns.
pub(crate) mod sealed {
    /// A value only makai-ptr can make. The operations that change a count take one, so that
    /// code outside cannot call them even through a generic `C: Counter` bound (which would
    /// otherwise reach a sealed supertrait's methods).
    #[derive(Clone, Copy, Debug)]
    pub struct Token(());

    /// The crate's token.
    pub(crate) const TOKEN: Token = Token(());

    /// Counter operations, private to makai-ptr.
    pub trait CounterOps {
        /// A count of one.
        fn one() -> Self;
        /// Adds one reference; aborts past `i32::MAX`.
        fn increment(&self, token: Token);
        /// Removes one reference; returns `true` when it was the last one, after making every
        /// other handle's uses of the object visible to the caller (the `Acquire` fence).
        fn decrement(&self, token: Token) -> bool;
        /// Whether this is the only reference, with every other former handle's uses of the
        /// object visible to the caller.
        fn is_unique(&self) -> bool;
        /// Moves the count from 1 to 0 (taking the object out); `false` if it was not 1.
        fn claim_unique(&self, token: Token) -> bool;
        /// The current count (a snapshot).
        fn get(&self) -> u32;
    }
}

/// Items the expansion of `ref_counted!` uses. Not a public interface.
#[doc(hidden)]
pub mod private {
    /// The identity on a count field, typed so that only a count stored inline passes: the
    /// argument of `ref_counted!`'s `ref_count_field` is `&FieldType`, and this accepts
    /// `&RefCount` or `&AtomicRefCount` only (no deref coercion happens in a generic call).
    #[inline(always)]
    pub fn own_count<C: super::Counter>(count: &C) -> &C {
        count
    }
}

/// A reference-count field: [`RefCount`] (one thread) or [`AtomicRefCount`] (any thread).
///
/// This trait is sealed; it names the two count types in bounds and in [`RefCounted`].
///
/// ```
/// use makai_ptr::{AtomicRefCount, Counter, RefCount};
/// fn is_counter<C: Counter>() {}
/// is_counter::<RefCount>();
/// is_counter::<AtomicRefCount>();
/// ```
///
/// Safe code cannot change a count that handles own, not even through a generic bound:
///
/// ```compile_fail,E0061
/// fn release_twice<C: makai_ptr::Counter>(c: &C) {
///     c.decrement(); // error: the operation needs a token only makai-ptr can make
/// }
/// ```
pub trait Counter: sealed::CounterOps {}

/// A non-atomic reference count (Bun's `RefCount`): a `u32` in a `Cell`, starting at 1.
///
/// It makes the type holding it `!Sync`, so a [`RefPtr`] to that type is neither `Send` nor
/// `Sync`: the "same thread" rule that Bun checks at run time with a `ThreadLock` is checked here
/// by the compiler.
///
/// ```
/// use makai_ptr::{RefCount, RefPtr, ref_counted};
/// struct Node { count: RefCount, value: u32 }
/// ref_counted!(Node, count);
/// let a = RefPtr::new(Node { count: RefCount::new(), value: 7 });
/// let b = a.clone();
/// assert_eq!(b.ref_count(), 2);
/// assert_eq!(a.value, 7);
/// ```
///
/// ```compile_fail,E0277
/// use makai_ptr::{RefCount, RefPtr, ref_counted};
/// struct Node { count: RefCount }
/// ref_counted!(Node, count);
/// let a = RefPtr::new(Node { count: RefCount::new() });
/// std::thread::spawn(move || drop(a)); // error: `Cell<u32>` cannot be shared between threads
/// ```
pub struct RefCount {
    count: Cell<u32>,
}

impl RefCount {
    /// A count of one: the reference the first handle ([`RefPtr::new`]) takes over.
    ///
    /// ```
    /// assert_eq!(makai_ptr::RefCount::new().get(), 1);
    /// ```
    #[inline]
    pub const fn new() -> Self {
        Self {
            count: Cell::new(1),
        }
    }

    /// The current number of references.
    ///
    /// ```
    /// assert_eq!(makai_ptr::RefCount::default().get(), 1);
    /// ```
    #[inline]
    pub fn get(&self) -> u32 {
        self.count.get()
    }
}

impl Default for RefCount {
    /// Same as [`RefCount::new`]: a count of one.
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for RefCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RefCount").field(&self.get()).finish()
    }
}

impl sealed::CounterOps for RefCount {
    #[inline]
    fn one() -> Self {
        Self::new()
    }
    #[inline]
    fn increment(&self, _: sealed::Token) {
        let old = self.count.get();
        if old >= MAX_COUNT {
            count_overflow();
        }
        self.count.set(old + 1);
    }
    #[inline]
    fn decrement(&self, _: sealed::Token) -> bool {
        let old = self.count.get();
        debug_assert!(old != 0, "reference count decremented below zero");
        self.count.set(old.wrapping_sub(1));
        old == 1
    }
    #[inline]
    fn is_unique(&self) -> bool {
        self.count.get() == 1
    }
    #[inline]
    fn claim_unique(&self, _: sealed::Token) -> bool {
        if self.count.get() == 1 {
            self.count.set(0);
            true
        } else {
            false
        }
    }
    #[inline]
    fn get(&self) -> u32 {
        self.count.get()
    }
}

impl Counter for RefCount {}

/// An atomic reference count (Bun's `ThreadSafeRefCount`): an `AtomicU32` starting at 1.
///
/// A [`RefPtr`] to a `Send + Sync` type with this count is `Send + Sync`.
///
/// ```
/// use makai_ptr::{AtomicRefCount, RefPtr, ref_counted};
/// struct Job { count: AtomicRefCount, id: u64 }
/// ref_counted!(Job, count);
/// let job = RefPtr::new(Job { count: AtomicRefCount::new(), id: 9 });
/// let other = job.clone();
/// let id = std::thread::spawn(move || other.id).join().unwrap();
/// assert_eq!(id, 9);
/// assert_eq!(job.ref_count(), 1);
/// ```
pub struct AtomicRefCount {
    count: AtomicU32,
}

impl AtomicRefCount {
    /// A count of one: the reference the first handle ([`RefPtr::new`]) takes over.
    ///
    /// ```
    /// assert_eq!(makai_ptr::AtomicRefCount::new().get(), 1);
    /// ```
    #[cfg(not(makai_loom))]
    #[inline]
    pub const fn new() -> Self {
        Self {
            count: AtomicU32::new(1),
        }
    }

    /// A count of one (loom build: loom's atomics are not `const`).
    #[cfg(makai_loom)]
    #[inline]
    pub fn new() -> Self {
        Self {
            count: AtomicU32::new(1),
        }
    }

    /// The current number of references: a snapshot that other threads may change at once.
    ///
    /// ```
    /// assert_eq!(makai_ptr::AtomicRefCount::default().get(), 1);
    /// ```
    #[inline]
    pub fn get(&self) -> u32 {
        // Relaxed: a statistic; it orders nothing and pairs with nothing.
        self.count.load(Ordering::Relaxed)
    }
}

impl Default for AtomicRefCount {
    /// Same as [`AtomicRefCount::new`]: a count of one.
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for AtomicRefCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AtomicRefCount").field(&self.get()).finish()
    }
}

impl sealed::CounterOps for AtomicRefCount {
    #[inline]
    fn one() -> Self {
        Self::new()
    }
    #[inline]
    fn increment(&self, _: sealed::Token) {
        // Relaxed: a new reference can only be made from an existing one, which already keeps
        // the object alive, so nothing needs ordering here (as in std's `Arc::clone`). The
        // decrement's Release / Acquire-fence pair orders the uses.
        let old = self.count.fetch_add(1, Ordering::Relaxed);
        crate::overflow::check_incremented(old);
    }
    #[inline]
    fn decrement(&self, _: sealed::Token) -> bool {
        // Release: pairs with the Acquire fence below, run by whichever handle drops last, so
        // every use of the object through this handle happens before its destruction.
        let old = self.count.fetch_sub(1, Ordering::Release);
        debug_assert!(old != 0, "reference count decremented below zero");
        if old != 1 {
            return false;
        }
        // Acquire: pairs with the Release `fetch_sub` of every other handle's drop above.
        fence(Ordering::Acquire);
        true
    }
    #[inline]
    fn is_unique(&self) -> bool {
        // Acquire: pairs with the Release `fetch_sub` in `decrement` of every handle dropped
        // earlier, so their uses happen before the caller's exclusive access.
        self.count.load(Ordering::Acquire) == 1
    }
    #[inline]
    fn claim_unique(&self, _: sealed::Token) -> bool {
        // Acquire on success: pairs with the Release `fetch_sub` of every handle dropped earlier
        // (as in `is_unique`). Relaxed on failure: nothing is accessed then.
        self.count
            .compare_exchange(1, 0, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }
    #[inline]
    fn get(&self) -> u32 {
        AtomicRefCount::get(self)
    }
}

impl Counter for AtomicRefCount {}

/// A type that carries its own reference count, so [`RefPtr`] can share it.
///
/// Implement it with [`ref_counted!`](crate::ref_counted) (`ref_counted!(Type, field);`); a
/// manual implementation is needed only for a custom [`destroy`](RefCounted::destroy).
///
/// # Safety
///
/// 1. [`ref_count_field`](RefCounted::ref_count_field) returns a count stored inside `self`,
///    the same one on every call, that nothing but makai-ptr's handles changes.
/// 2. [`destroy`](RefCounted::destroy) frees every object [`RefPtr::new`] creates: the default
///    drops the value in place and frees its memory from the global heap with
///    `Layout::new::<Self>()`, exactly what `Box::new` allocates. An override must accept that
///    too (or the type must never be passed to `RefPtr::new`/`try_new`).
/// 3. A type whose count is a [`RefCount`] is not `Sync`. This holds by itself (`RefCount`
///    holds a `Cell`) unless the type has a hand-written `unsafe impl Sync`, which would then be
///    wrong.
///
/// ```
/// use makai_ptr::{AtomicRefCount, Counter, RefCounted, RefPtr};
/// struct Blob { rc: AtomicRefCount, bytes: Vec<u8> }
/// // SAFETY: the count is a field of `self`; `destroy` is the default.
/// unsafe impl RefCounted for Blob {
///     fn ref_count_field(&self) -> &impl Counter {
///         &self.rc
///     }
/// }
/// let b = RefPtr::new(Blob { rc: AtomicRefCount::new(), bytes: vec![1, 2] });
/// assert_eq!(b.bytes, [1, 2]);
/// ```
pub unsafe trait RefCounted: Sized {
    /// The count field inside `self`.
    fn ref_count_field(&self) -> &impl Counter;

    /// The object's current number of references: a snapshot (Bun's `RefCount.get`). Handy
    /// where only `&T` is at hand, such as a borrowed view of a tagged pointer.
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefCounted, RefPtr, ref_counted};
    /// struct N { c: RefCount }
    /// ref_counted!(N, c);
    /// let a = RefPtr::new(N { c: RefCount::new() });
    /// let b = a.clone();
    /// let object: &N = &b;
    /// assert_eq!(object.ref_count(), 2);
    /// # drop(a);
    /// ```
    #[inline]
    fn ref_count(&self) -> u32 {
        sealed::CounterOps::get(self.ref_count_field())
    }

    /// Destroys an object whose count has dropped to zero: drops it and frees its memory.
    ///
    /// # Safety
    ///
    /// 1. `this` points to a live object that no handle or reference uses any more (its count
    ///    just reached zero), and
    /// 2. it was allocated the way this type's objects are (by default: by `RefPtr::new`, or
    ///    `Box::into_raw(Box::new(..))`).
    unsafe fn destroy(this: NonNull<Self>) {
        // SAFETY: 1. the object is live and unused, so it may be dropped in place; and it is
        // not touched again below except to free its memory.
        unsafe { this.as_ptr().drop_in_place() };
        // SAFETY: 2. the memory came from the global heap with `Layout::new::<Self>()` (what
        // `RefPtr::new` and `Box::new` allocate; `Global` is that heap).
        unsafe { Global.deallocate(this.cast(), core::alloc::Layout::new::<Self>()) };
    }
}

/// Implements [`RefCounted`] for a struct with a [`RefCount`] or [`AtomicRefCount`] field:
/// `ref_counted!(Type, field);`. The default [`destroy`](RefCounted::destroy) applies.
///
/// ```
/// use makai_ptr::{AtomicRefCount, RefPtr, ref_counted};
/// pub struct Conn { refs: AtomicRefCount, fd: i32 }
/// ref_counted!(Conn, refs);
/// let c = RefPtr::new(Conn { refs: AtomicRefCount::new(), fd: 3 });
/// assert_eq!((c.fd, c.ref_count()), (3, 1));
/// ```
///
/// A generic struct names its parameters first, in angle brackets, with any bounds in a
/// `where` clause after the field: `ref_counted!(<T> Type<T>, field);` or
/// `ref_counted!(<T, U> Type<T, U>, field where T: Clone, U: Send);`. Bounds go only in the
/// `where` clause (`<T: Clone>` is not accepted), and only type parameters are (no lifetime
/// or const parameters: implement [`RefCounted`] by hand for those). The rules below hold the
/// same way (the struct pattern still names the struct's own field):
///
/// ```
/// use makai_ptr::{RefCount, RefPtr, ref_counted};
/// pub struct Node<T> { count: RefCount, value: T }
/// ref_counted!(<T> Node<T>, count);
/// pub struct Shown<T> { count: RefCount, value: T }
/// ref_counted!(<T> Shown<T>, count where T: std::fmt::Display);
/// let n = RefPtr::new(Node { count: RefCount::new(), value: vec![1, 2] });
/// let s = RefPtr::new(Shown { count: RefCount::new(), value: 7 });
/// assert_eq!((n.value.len(), s.value.to_string()), (2, "7".to_owned()));
/// ```
///
/// A count whose type is a parameter must be bounded to the two count types:
///
/// ```compile_fail,E0277
/// pub struct Wrapped<C> { count: C }
/// makai_ptr::ref_counted!(<C> Wrapped<C>, count); // error: `C` is not a `Counter`
/// ```
///
/// The field must be a count:
///
/// ```compile_fail,E0277
/// struct Bad { refs: u32 }
/// makai_ptr::ref_counted!(Bad, refs); // error: `u32` is not a `Counter`
/// ```
///
/// # Only the object's own field
///
/// The count must be a field declared on the struct itself, stored inline, so that every
/// object has its own. Anything that would let several objects share one count is a compile
/// error, because two objects sharing a count free each other while handles still point at
/// them. A reference type is refused (here two `RefPtr::new(foo)` would share `foo.count`):
///
/// ```compile_fail,E0071
/// use makai_ptr::{RefCount, ref_counted};
/// pub struct Foo { count: RefCount }
/// ref_counted!(&'static Foo, count); // error: expected struct, found `&'static Foo`
/// ```
///
/// and so is a type that reaches a count through `Deref` (field access would auto-deref to
/// the shared `Inner::count`; the macro's struct pattern never does):
///
/// ```compile_fail,E0026
/// use makai_ptr::{RefCount, ref_counted};
/// pub struct Inner { count: RefCount }
/// pub struct Handle { inner: &'static Inner, data: Vec<u8> }
/// impl std::ops::Deref for Handle {
///     type Target = Inner;
///     fn deref(&self) -> &Inner { self.inner }
/// }
/// ref_counted!(Handle, count); // error: struct `Handle` does not have a field named `count`
/// ```
///
/// A field that points to a count elsewhere is not a count either:
///
/// ```compile_fail,E0277
/// use makai_ptr::{RefCount, ref_counted};
/// pub struct ByRef { count: &'static RefCount }
/// ref_counted!(ByRef, count); // error: `&'static RefCount` is not a `Counter`
/// ```
///
/// ```compile_fail,E0277
/// use makai_ptr::{AtomicRefCount, ref_counted};
/// pub struct Boxed { count: Box<AtomicRefCount> }
/// ref_counted!(Boxed, count); // error: `Box<AtomicRefCount>` is not a `Counter`
/// ```
///
/// Nor are enums, unions, or smart pointers to a counted struct (the error codes differ
/// between compiler versions, so these examples name none):
///
/// ```compile_fail
/// use makai_ptr::{RefCount, ref_counted};
/// pub enum Either { A { count: RefCount }, B { count: RefCount } }
/// ref_counted!(Either, count);
/// ```
///
/// ```compile_fail
/// use makai_ptr::{RefCount, ref_counted};
/// pub struct Foo { count: RefCount }
/// ref_counted!(Box<Foo>, count);
/// ```
///
/// A count in a packed struct could be misaligned, so that is refused too:
///
/// ```compile_fail,E0793
/// use makai_ptr::{RefCount, ref_counted};
/// #[repr(C, packed)]
/// pub struct Packed { tag: u8, count: RefCount }
/// ref_counted!(Packed, count);
/// ```
#[macro_export]
macro_rules! ref_counted {
    (<$($param:ident),+ $(,)?> $ty:ty, $field:ident $(where $($bound:tt)+)?) => {
        // SAFETY: as in the non-generic arm below: the struct pattern names a field of `Self`
        // itself, whatever the parameters are, and `own_count` accepts only the two inline
        // count types (the sealed `Counter`), so a parameter cannot smuggle in a shared count.
        unsafe impl<$($param),+> $crate::RefCounted for $ty $(where $($bound)+)? {
            #[inline]
            fn ref_count_field(&self) -> &impl $crate::Counter {
                let Self {
                    $field: __makai_count,
                    ..
                } = self;
                $crate::__refcount::own_count(__makai_count)
            }
        }
    };
    ($ty:ty, $field:ident $(,)?) => {
        // SAFETY: the count is the field `$field` declared on the struct `$ty` itself
        // (condition 1): the struct pattern `Self { $field: .., .. }` names a field of `Self`
        // and never auto-derefs, so it does not compile for a reference, a smart pointer, a
        // `Deref` type, an enum or a union, and `__own_count` accepts only the two count
        // types, stored inline (not `&RefCount`, `Box<RefCount>`, ...). `destroy` is the
        // default (condition 2); a `RefCount` field makes the type `!Sync` unless someone
        // wrote `unsafe impl Sync` for it (condition 3).
        unsafe impl $crate::RefCounted for $ty {
            #[inline]
            fn ref_count_field(&self) -> &impl $crate::Counter {
                let Self {
                    $field: __makai_count,
                    ..
                } = self;
                $crate::__refcount::own_count(__makai_count)
            }
        }
    };
}

/// An 8-byte counted handle to an object that carries its own count (Bun's `RefPtr`).
///
/// `Clone` adds a reference, `Drop` removes one and destroys the object at zero. It derefs to
/// `&T` only; mutation goes through interior mutability, since other handles may read at the
/// same time.
///
/// [`RefPtr::new`] allocates from the global heap ([`makai_alloc::Global`]); there is no
/// allocator parameter. Objects that live elsewhere can still be shared by overriding
/// [`RefCounted::destroy`] and handing them over with [`RefPtr::adopt`].
///
/// `RefPtr<T>` is `Send` and `Sync` when `T` is `Send + Sync`, which a type with a non-atomic
/// [`RefCount`] never is:
///
/// ```compile_fail,E0277
/// use makai_ptr::{RefCount, RefPtr, ref_counted};
/// struct Local { count: RefCount }
/// ref_counted!(Local, count);
/// fn needs_sync<T: Sync>(_: &T) {}
/// needs_sync(&RefPtr::new(Local { count: RefCount::new() }));
/// ```
///
/// ```
/// use makai_ptr::{RefCount, RefPtr, ref_counted};
/// struct Token { count: RefCount, text: String }
/// ref_counted!(Token, count);
/// let t = RefPtr::new(Token { count: RefCount::new(), text: "let".into() });
/// let u = t.clone();
/// assert!(t.ptr_eq(&u));
/// assert_eq!((u.text.as_str(), u.ref_count()), ("let", 2));
/// drop(t);
/// assert_eq!(u.ref_count(), 1);
/// assert_eq!(size_of::<RefPtr<Token>>(), 8);
/// ```
pub struct RefPtr<T: RefCounted> {
    /// Points to a live object whose count includes the reference this handle owns.
    ptr: NonNull<T>,
    /// Owns a share of a `T` (for drop check and auto traits).
    _owns: PhantomData<T>,
}

const _: () = assert!(size_of::<RefPtr<RefCountProbe>>() == size_of::<usize>());
const _: () = assert!(size_of::<Option<RefPtr<RefCountProbe>>>() == size_of::<usize>());

/// A minimal counted type for the layout assertions above.
struct RefCountProbe {
    count: RefCount,
}
ref_counted!(RefCountProbe, count);

// SAFETY: like `Arc<T>`: handles on several threads give shared access to `T` (needs `Sync`)
// and the last one may drop it anywhere (needs `Send`). The count is atomic, because a
// `RefCount` field would make `T: !Sync` (`RefCounted` safety condition 3).
unsafe impl<T: RefCounted + Send + Sync> Send for RefPtr<T> {}
// SAFETY: as for `Send`: `&RefPtr<T>` can clone a handle onto another thread.
unsafe impl<T: RefCounted + Send + Sync> Sync for RefPtr<T> {}

impl<T: RefCounted> RefPtr<T> {
    /// Moves `value` to the heap and returns the first handle to it.
    ///
    /// # Panics
    ///
    /// If `value`'s count is not 1 (a freshly made [`RefCount`]/[`AtomicRefCount`] is).
    /// Out of memory aborts through [`makai_error::out_of_memory`].
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefPtr, ref_counted};
    /// struct N { c: RefCount }
    /// ref_counted!(N, c);
    /// assert_eq!(RefPtr::new(N { c: RefCount::new() }).ref_count(), 1);
    /// ```
    #[inline]
    pub fn new(value: T) -> Self {
        Self::try_new(value).handle_oom()
    }

    /// Like [`new`](RefPtr::new), but reports out of memory instead of aborting.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the heap cannot provide the memory (`value` is dropped).
    ///
    /// # Panics
    ///
    /// If `value`'s count is not 1.
    ///
    /// ```
    /// use makai_ptr::{AtomicRefCount, RefPtr, ref_counted};
    /// struct N { c: AtomicRefCount }
    /// ref_counted!(N, c);
    /// let p = RefPtr::try_new(N { c: AtomicRefCount::new() }).unwrap();
    /// assert_eq!(p.ref_count(), 1);
    /// ```
    pub fn try_new(value: T) -> Result<Self, AllocError> {
        assert_eq!(
            sealed::CounterOps::get(value.ref_count_field()),
            1,
            "RefPtr::new: the object's count must start at 1"
        );
        let block = Global.allocate(core::alloc::Layout::new::<T>())?;
        let ptr = block.cast::<T>();
        // SAFETY: `block` is a fresh allocation fitting `T` (size and alignment of its layout).
        unsafe { ptr.as_ptr().write(value) };
        Ok(Self {
            ptr,
            _owns: PhantomData,
        })
    }

    /// The current number of handles (and raw references) to the object: a snapshot.
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefPtr, ref_counted};
    /// struct N { c: RefCount }
    /// ref_counted!(N, c);
    /// let a = RefPtr::new(N { c: RefCount::new() });
    /// let b = a.clone();
    /// assert_eq!(RefPtr::ref_count(&a), 2);
    /// # drop(b);
    /// ```
    #[inline]
    pub fn ref_count(&self) -> u32 {
        sealed::CounterOps::get(self.get().ref_count_field())
    }

    /// The object, for as long as this handle lives (same as `&*self`).
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefPtr, ref_counted};
    /// struct N { c: RefCount, v: u8 }
    /// ref_counted!(N, c);
    /// assert_eq!(RefPtr::new(N { c: RefCount::new(), v: 4 }).get().v, 4);
    /// ```
    #[inline]
    pub fn get(&self) -> &T {
        // SAFETY: the handle owns a reference, so the object is live; it is only ever accessed
        // through shared references while handles exist.
        unsafe { self.ptr.as_ref() }
    }

    /// Whether both handles point to the same object.
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefPtr, ref_counted};
    /// struct N { c: RefCount }
    /// ref_counted!(N, c);
    /// let a = RefPtr::new(N { c: RefCount::new() });
    /// let b = RefPtr::new(N { c: RefCount::new() });
    /// assert!(a.ptr_eq(&a.clone()) && !a.ptr_eq(&b));
    /// ```
    #[inline]
    pub fn ptr_eq(&self, other: &Self) -> bool {
        self.ptr == other.ptr
    }

    /// The object's address, without touching the count.
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefPtr, ref_counted};
    /// struct N { c: RefCount }
    /// ref_counted!(N, c);
    /// let a = RefPtr::new(N { c: RefCount::new() });
    /// assert_eq!(a.as_ptr(), std::ptr::NonNull::from(&*a));
    /// ```
    #[inline]
    pub fn as_ptr(&self) -> NonNull<T> {
        self.ptr
    }

    /// Gives up the handle without decrementing: the reference it owned now belongs to the
    /// returned pointer, to be reclaimed with [`from_raw`](RefPtr::from_raw) (for example after
    /// a trip through C, or inside a tagged pointer). The pointer keeps the allocation's full
    /// provenance.
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefPtr, ref_counted};
    /// struct N { c: RefCount, v: u8 }
    /// ref_counted!(N, c);
    /// let raw = RefPtr::new(N { c: RefCount::new(), v: 1 }).into_raw();
    /// // SAFETY: `raw` came from `into_raw` and is reclaimed once.
    /// let back = unsafe { RefPtr::from_raw(raw) };
    /// assert_eq!((back.v, back.ref_count()), (1, 1));
    /// ```
    #[inline]
    pub fn into_raw(self) -> NonNull<T> {
        ManuallyDrop::new(self).ptr
    }

    /// Takes back a reference given away by [`into_raw`](RefPtr::into_raw).
    ///
    /// # Safety
    ///
    /// `ptr` came from `RefPtr::<T>::into_raw` (or the object's count otherwise includes one
    /// reference that the caller owns and hands over), and that reference is reclaimed only
    /// once.
    ///
    /// ```
    /// use makai_ptr::{AtomicRefCount, RefPtr, ref_counted};
    /// struct N { c: AtomicRefCount }
    /// ref_counted!(N, c);
    /// let a = RefPtr::new(N { c: AtomicRefCount::new() });
    /// let raw = a.clone().into_raw();
    /// // SAFETY: `raw` owns the reference taken by the clone above.
    /// let b = unsafe { RefPtr::from_raw(raw) };
    /// assert_eq!(b.ref_count(), 2);
    /// # drop(a);
    /// ```
    #[inline]
    pub unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        Self {
            ptr,
            _owns: PhantomData,
        }
    }

    /// Adopts a freshly allocated object whose count is 1 and that no handle owns yet (Bun's
    /// `adoptRef`), such as `Box::into_raw(Box::new(value))` handed over by FFI code.
    ///
    /// # Safety
    ///
    /// 1. `ptr` points to a live `T`, allocated the way [`RefCounted::destroy`] frees (by
    ///    default: `Box::new` / [`RefPtr::new`]), and
    /// 2. nothing else owns or uses the object except through the returned handle.
    ///
    /// # Panics
    ///
    /// If the object's count is not 1.
    ///
    /// ```
    /// use makai_ptr::{RefCount, RefPtr, ref_counted};
    /// struct N { c: RefCount, v: u16 }
    /// ref_counted!(N, c);
    /// let raw = Box::into_raw(Box::new(N { c: RefCount::new(), v: 5 }));
    /// // SAFETY: a fresh `Box` allocation with count 1, handed over here.
    /// let p = unsafe { RefPtr::adopt(std::ptr::NonNull::new(raw).unwrap()) };
    /// assert_eq!(p.v, 5);
    /// ```
    #[inline]
    pub unsafe fn adopt(ptr: NonNull<T>) -> Self {
        // SAFETY: condition 1: the object is live.
        let count = sealed::CounterOps::get(unsafe { ptr.as_ref() }.ref_count_field());
        assert_eq!(count, 1, "RefPtr::adopt: the object's count must be 1");
        Self {
            ptr,
            _owns: PhantomData,
        }
    }
}

impl<T: RefCounted> Clone for RefPtr<T> {
    /// Adds a reference (aborts past `i32::MAX` references).
    #[inline]
    fn clone(&self) -> Self {
        sealed::CounterOps::increment(self.get().ref_count_field(), sealed::TOKEN);
        Self {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}

impl<T: RefCounted> Drop for RefPtr<T> {
    /// Removes a reference; the last one destroys the object with [`RefCounted::destroy`].
    #[inline]
    fn drop(&mut self) {
        // The shared reference made by `get` ends with this statement, before `destroy`.
        let last = sealed::CounterOps::decrement(self.get().ref_count_field(), sealed::TOKEN);
        if last {
            // SAFETY: the count reached zero, so no other handle exists and (by the decrement's
            // Acquire fence) all their uses happened before; the object was allocated by
            // `try_new` or handed over to `adopt`/`from_raw`, as `destroy` requires.
            unsafe { destroy_slow(self.ptr) };
        }
    }
}

/// Calls `T::destroy`, out of line (as std's `Arc::drop_slow` is) so a clone/drop loop stays
/// small.
///
/// # Safety
///
/// The same as [`RefCounted::destroy`].
#[inline(never)]
unsafe fn destroy_slow<T: RefCounted>(ptr: NonNull<T>) {
    // SAFETY: forwarded from this function's contract.
    unsafe { T::destroy(ptr) }
}

impl<T: RefCounted> Deref for RefPtr<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: RefCounted> AsRef<T> for RefPtr<T> {
    #[inline]
    fn as_ref(&self) -> &T {
        self.get()
    }
}

impl<T: RefCounted> alloc::borrow::Borrow<T> for RefPtr<T> {
    #[inline]
    fn borrow(&self) -> &T {
        self.get()
    }
}

impl<T: RefCounted + fmt::Debug> fmt::Debug for RefPtr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

impl<T: RefCounted + fmt::Display> fmt::Display for RefPtr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.get(), f)
    }
}

impl<T: RefCounted> fmt::Pointer for RefPtr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.ptr, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::rc::Rc;
    use core::cell::Cell;

    struct Tracked {
        count: RefCount,
        drops: Rc<Cell<u32>>,
    }
    ref_counted!(Tracked, count);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
        }
    }

    #[test]
    fn last_drop_destroys_exactly_once() {
        let drops = Rc::new(Cell::new(0));
        let a = RefPtr::new(Tracked {
            count: RefCount::new(),
            drops: drops.clone(),
        });
        let b = a.clone();
        let c = b.clone();
        assert_eq!(a.ref_count(), 3);
        drop(a);
        drop(c);
        assert_eq!(drops.get(), 0);
        assert_eq!(b.ref_count(), 1);
        drop(b);
        assert_eq!(drops.get(), 1);
    }

    #[test]
    fn raw_round_trip_keeps_count() {
        let drops = Rc::new(Cell::new(0));
        let a = RefPtr::new(Tracked {
            count: RefCount::new(),
            drops: drops.clone(),
        });
        let raw = a.clone().into_raw();
        assert_eq!(a.ref_count(), 2);
        // SAFETY: `raw` owns the reference of the clone above.
        let b = unsafe { RefPtr::from_raw(raw) };
        assert!(a.ptr_eq(&b));
        drop((a, b));
        assert_eq!(drops.get(), 1);
    }

    #[test]
    #[should_panic(expected = "count must be 1")]
    fn adopt_refuses_a_shared_object() {
        let a = RefPtr::new(Tracked {
            count: RefCount::new(),
            drops: Rc::new(Cell::new(0)),
        });
        let b = a.clone();
        // SAFETY: never reached past the count check, which panics (count is 2). The handles
        // `a` and `b` still own both references, so nothing leaks or double-frees.
        let _c = unsafe { RefPtr::adopt(b.as_ptr()) };
    }

    #[test]
    fn overflow_limit_is_i32_max() {
        let c = RefCount::new();
        c.count.set(MAX_COUNT - 1);
        sealed::CounterOps::increment(&c, sealed::TOKEN);
        assert_eq!(c.get(), MAX_COUNT);
        let a = AtomicRefCount::new();
        assert!(sealed::CounterOps::decrement(&a, sealed::TOKEN));
        assert_eq!(a.get(), 0);
    }

    #[test]
    fn claim_unique_needs_count_one() {
        let c = AtomicRefCount::new();
        sealed::CounterOps::increment(&c, sealed::TOKEN);
        assert!(!sealed::CounterOps::claim_unique(&c, sealed::TOKEN));
        assert!(!sealed::CounterOps::is_unique(&c));
        assert!(!sealed::CounterOps::decrement(&c, sealed::TOKEN));
        assert!(sealed::CounterOps::is_unique(&c));
        assert!(sealed::CounterOps::claim_unique(&c, sealed::TOKEN));
        let r = RefCount::new();
        assert!(sealed::CounterOps::claim_unique(&r, sealed::TOKEN));
        assert_eq!(r.get(), 0);
    }
}
