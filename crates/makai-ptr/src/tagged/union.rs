//! The `tagged_union!` macro and the private pieces its expansion calls.
//!
//! Split of work: `tagged_union!` (a `macro_rules!` macro) parses the invocation; the procedural
//! `makai_macros::__tagged_union_names` only pastes `TaskRef`/`TaskOwned` from `Task` and calls
//! back `__tagged_union_impl!`, which writes the code. All bit handling lives in
//! [`TagScheme`](super::TagScheme) and the generic functions below, so the expansion holds only
//! the per-variant `match`es.

use core::marker::PhantomData;
use core::ptr::NonNull;

use super::{TagScheme, TaggedPayload};

/// Items the expansion of `tagged_union!` uses. Not a public interface.
pub mod private {
    pub use super::{RawUnion, encode, min_align, valid_word};
    pub use makai_macros::__tagged_union_names as tagged_union_names;
}

/// The storage of a generated union: one tagged word that owns a payload.
///
/// `P` is the tuple of the union's payload types, so the union's auto traits (`Send`, `Sync`)
/// and drop check follow its payloads. Only `unsafe` code builds one, so code in the module
/// that invokes `tagged_union!` (which can see the union's private field) cannot forge one.
///
/// **Invariant:** `word` was made by `TagScheme::encode` with the union's scheme, from the
/// `into_raw` of a payload of the variant its tag names (tags are `0..variant count`), and
/// owns that payload.
#[repr(transparent)]
pub struct RawUnion<P> {
    /// The tagged pointer.
    word: NonNull<()>,
    /// Owns one of the payloads in `P`.
    _payloads: PhantomData<P>,
}

// SAFETY: a `RawUnion<P>` is one of the payloads in `P`, held as a pointer: sending it sends
// that payload, so it is `Send` exactly when every payload is.
unsafe impl<P: Send> Send for RawUnion<P> {}
// SAFETY: through `&RawUnion<P>` the union only lends, clones or reads the payload the way
// `&payload` could, so it is `Sync` exactly when every payload is.
unsafe impl<P: Sync> Sync for RawUnion<P> {}

impl<P> RawUnion<P> {
    /// Wraps an encoded word.
    ///
    /// # Safety
    ///
    /// `word` satisfies the type's invariant for the union whose payload tuple is `P`, and its
    /// ownership passes to the result.
    #[inline]
    pub unsafe fn from_word(word: NonNull<()>) -> Self {
        Self {
            word,
            _payloads: PhantomData,
        }
    }

    /// The tagged word.
    #[inline]
    pub fn word(&self) -> NonNull<()> {
        self.word
    }

    /// The payload's pointer, tag cleared.
    ///
    /// # Safety
    ///
    /// `scheme` is the union's scheme (the one the word was encoded with).
    #[inline]
    pub unsafe fn ptr(&self, scheme: TagScheme) -> NonNull<()> {
        let raw = scheme.untag(self.word);
        // SAFETY: the word was encoded from a non-null pointer with this scheme (the type's
        // invariant and the caller's promise), and untagging gives that pointer back.
        unsafe { NonNull::new_unchecked(raw) }
    }
}

impl<P> core::fmt::Debug for RawUnion<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RawUnion({:p})", self.word)
    }
}

/// Turns a payload into a tagged word.
///
/// # Panics
///
/// If the word cannot hold the tag: under [`TagScheme::High16`] the address already uses the
/// top 16 bits; under [`TagScheme::LowBits`] a payload that may be misaligned (`NonNull`) is.
/// The payload is dropped first, so nothing leaks.
#[inline]
#[track_caller]
pub fn encode<P: TaggedPayload>(
    scheme: TagScheme,
    tag: usize,
    payload: P,
    union: &'static str,
    variant: &'static str,
) -> NonNull<()> {
    let raw = P::into_raw(payload);
    match scheme.encode(raw.cast(), tag) {
        Some(word) => word,
        None => {
            // SAFETY: `raw` came from `P::into_raw` just above and is reclaimed once, here.
            drop(unsafe { P::from_raw(raw) });
            cannot_tag(scheme, raw.cast(), union, variant)
        }
    }
}

/// The panic of [`encode`], out of line so the constructors stay small.
#[cold]
#[inline(never)]
#[track_caller]
fn cannot_tag(scheme: TagScheme, ptr: NonNull<()>, union: &str, variant: &str) -> ! {
    match scheme {
        TagScheme::High16 => panic!(
            "tagged_union! {union}::{variant}: address {ptr:p} uses the top 16 bits, where this \
             union keeps its tag (a hardware-tagged heap such as Android's, Intel LAM or \
             5-level paging); refusing to truncate it"
        ),
        TagScheme::LowBits { bits } => panic!(
            "tagged_union! {union}::{variant}: address {ptr:p} is not aligned to {} bytes, so \
             its low {bits} bits cannot hold the tag (a misaligned NonNull payload)",
            1usize << bits
        ),
    }
}

/// The smallest of `aligns` (all powers of two), or `usize::MAX` for none.
pub const fn min_align(aligns: &[usize]) -> usize {
    let mut min = usize::MAX;
    let mut i = 0;
    while i < aligns.len() {
        if aligns[i] < min {
            min = aligns[i];
        }
        i += 1;
    }
    min
}

/// Whether `word` could have come from a union with this scheme and `variants` tags: not null,
/// tag in range, address not zero. (It cannot tell whether a pointer is live.)
#[inline]
pub fn valid_word(scheme: TagScheme, variants: usize, word: *const ()) -> bool {
    let Some(word) = NonNull::new(word.cast_mut()) else {
        return false;
    };
    scheme.tag(word) < variants && !scheme.untag(word).is_null()
}

/// Declares an 8-byte tagged union of pointer payloads (Bun's `TaggedPointerUnion`), with an
/// owned and a borrowed `enum` view so that every `match` is exhaustive.
///
/// ```
/// use makai_ptr::{RefCount, RefPtr, ref_counted, tagged_union};
/// use std::ptr::NonNull;
///
/// pub struct StatTask { path: String }
/// pub struct TimerTask { ms: u32 }
/// pub struct ReadTask { refs: RefCount, fd: i32 }
/// ref_counted!(ReadTask, refs);
/// pub struct Thing;
///
/// tagged_union! {
///     /// One queued unit of work.
///     pub Task {
///         Stat(Box<StatTask>),
///         Timer(&'static TimerTask),
///         Read(RefPtr<ReadTask>),
///         Raw(NonNull<Thing>),
///     }
/// }
///
/// static TICK: TimerTask = TimerTask { ms: 16 };
/// let queue = [
///     Task::Stat(Box::new(StatTask { path: "/tmp".into() })),
///     Task::Timer(&TICK),
///     Task::Read(RefPtr::new(ReadTask { refs: RefCount::new(), fd: 3 })),
/// ];
/// let mut log = Vec::new();
/// for task in &queue {
///     // Exhaustive: adding a variant to `Task` makes this `match` a compile error.
///     match task.as_ref() {
///         TaskRef::Stat(s) => log.push(format!("stat {}", s.path)),
///         TaskRef::Timer(t) => log.push(format!("timer {}ms", t.ms)),
///         TaskRef::Read(r) => log.push(format!("read fd {}", r.fd)),
///         TaskRef::Raw(p) => log.push(format!("raw {p:p}")),
///     }
/// }
/// assert_eq!(log, ["stat /tmp", "timer 16ms", "read fd 3"]);
/// assert_eq!(queue[1].tag() as usize, 1);
/// assert_eq!(size_of::<Task>(), 8);
/// assert_eq!(size_of::<Option<Task>>(), 8);
/// # let _ = Task::Raw(NonNull::from(&Thing));
/// ```
///
/// # What it generates
///
/// For `tagged_union! { pub Task { A(PA), B(PB), ... } }` (any visibility, doc comments on the
/// union and on variants allowed):
///
/// - `pub struct Task`: `#[repr(transparent)]` over one non-null tagged word, so `Task` and
///   `Option<Task>` are both pointer-sized (const asserted). Its auto traits follow the
///   payloads (`NonNull` makes it neither `Send` nor `Sync`, as it should). One payload that is
///   not `Send` makes the whole union not `Send`, so a makai-task task union with one such
///   variant cannot be sent across threads at all (`LoopHandle::send` needs `T: Send`): keep
///   thread-local tasks in a union of their own. The union itself takes no type or lifetime
///   parameters; payloads name concrete types.
/// - A constructor per variant, named like the variant: `Task::A(pa)`.
/// - `pub enum TaskRef<'a>` from `task.as_ref()`: one variant per payload holding what the
///   payload lends (`&'a T` for `Box<T>`, `&'static T` and `RefPtr<T>`; the `NonNull<T>`
///   itself for `NonNull<T>`). `Copy`, and `Debug` when the lent values are.
/// - `pub enum TaskOwned` from `task.into_inner()`, holding the payload itself;
///   `Task::from(owned)` goes back. `Debug` when every payload is.
/// - `tag() -> u16` (dense, `0..n` in declaration order; castable `as usize`),
///   `variant_name()`, `VARIANT_COUNT`, `VARIANT_NAMES`, `SCHEME`.
/// - `is::<T>()` (does the payload point to a `T`?), `get::<T>() -> Option<&T>` (for payloads
///   that lend references; `None` for `NonNull` payloads), `get_ptr::<T>() -> Option<NonNull<T>>`.
/// - `into_raw_word(self) -> *mut ()`, `unsafe from_raw_word(*mut ())`,
///   `unsafe try_from_raw_word(*mut ()) -> Option<Task>` (rejects null and out-of-range tags)
///   and the safe check `is_valid_raw_word(*const ())`, for trips through C.
/// - `Drop` (drops the payload), `Clone` when every payload is `Clone` (a union with a
///   non-`Clone` payload still compiles; it just is not `Clone`), and `Debug`
///   (`Task::A(0x...)`: the variant and the address; use the views to print payloads).
///
/// # Tag scheme
///
/// Chosen at compile time, with no syntax to opt in ([`TagScheme::choose`]): in the low
/// alignment bits when every payload's pointee alignment leaves `ceil(log2(n))` of them,
/// otherwise in the top 16 bits with each address checked at construction. A union of 20
/// variants, or one with an alignment-1 payload, therefore works on 64-bit targets; on targets
/// without free top bits (32-bit, aarch64 Android) it is a compile error that names the
/// payload.
///
/// # Panics
///
/// A constructor panics (after dropping its payload) if the address cannot carry the tag: it
/// uses the top 16 bits under the high-bit scheme, or a `NonNull` payload is misaligned under
/// the low-bit scheme. Never a silent truncation.
///
/// A `match` on the borrowed view that misses a variant does not compile:
///
/// ```compile_fail,E0004
/// use makai_ptr::tagged_union;
/// tagged_union! { pub Job { Small(Box<u8>), Big(Box<u64>), Fixed(&'static str) } }
/// let job = Job::Small(Box::new(1));
/// let n = match job.as_ref() {
///     JobRef::Small(v) => u64::from(*v),
///     JobRef::Big(v) => *v,
///     // `JobRef::Fixed` is missing.
/// };
/// ```
///
/// A union with a non-`Clone` payload compiles, but is not `Clone`:
///
/// ```compile_fail,E0599
/// use makai_ptr::tagged_union;
/// struct Unique;
/// tagged_union! { pub Job { Once(Box<Unique>), Shared(&'static u64) } }
/// let job = Job::Shared(&7);
/// let copy = job.clone();
/// ```
///
/// A union with a `NonNull` payload is neither `Send` nor `Sync` (unsafe code may assert it):
///
/// ```compile_fail,E0277
/// use makai_ptr::tagged_union;
/// use std::ptr::NonNull;
/// tagged_union! { pub Job { Boxed(Box<u64>), Raw(NonNull<u64>) } }
/// fn send<T: Send>(_: T) {}
/// send(Job::Boxed(Box::new(1)));
/// ```
///
/// A type that is not a pointer payload is rejected:
///
/// ```compile_fail,E0277
/// use makai_ptr::tagged_union;
/// tagged_union! { pub Job { Small(u64) } }
/// ```
///
/// Only thin pointers fit in the word, so a payload pointing to an unsized type is rejected
/// (box it once more: `Box<Box<dyn Shape>>` works):
///
/// ```compile_fail,E0277
/// use makai_ptr::tagged_union;
/// trait Shape {}
/// tagged_union! { pub Job { Any(Box<dyn Shape>), Name(Box<str>) } }
/// ```
///
/// # Hygiene
///
/// The expansion uses absolute paths only (`::core::option::Option`, `::core::primitive::u16`,
/// `::core::panic!`, ...) and never pastes a payload type inside a generic scope of its own,
/// so payload types and traits named `T` or `A`, and user items named `Option`, `Some`,
/// `Box`, `Clone`, `u16` or `panic`, mean what they mean at the call site. `is::<T>()` and
/// `get::<T>()` compare `T` with the payload's real target type.
#[macro_export]
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        $vis:vis $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident ( $payload:ty ) ),+ $(,)?
        }
    ) => {
        $crate::__tagged::tagged_union_names! {
            ($crate::__tagged_union_impl) $name
            [$(#[$meta])*] [$vis]
            { $( [$(#[$vmeta])*] $variant($payload) ),+ }
        }
    };
}

/// The expansion of [`tagged_union!`], called back with the pasted view names. Not a public
/// interface.
///
/// Hygiene rules, because the user's tokens (`$payload`, `$variant`, `$name`) are pasted into
/// it and resolve where the user wrote them:
///
/// - every path is absolute (`::core::option::Option`, `::core::primitive::u16`,
///   `::core::panic!`, `$crate::...`), so user items named `Option`, `Some`, `Box`, `Clone`,
///   `u16`, `panic`, ... change nothing;
/// - no payload type is pasted inside the scope of a generic parameter or lifetime of the
///   expansion (`is`/`get`/`get_ptr` compare against a table computed outside them), so a
///   payload type or trait named `T` means the user's `T`;
/// - the const block has no `use` declarations, and its private items carry a `__makai_`
///   prefix, so they do not capture names inside pasted payload types.
#[doc(hidden)]
#[macro_export]
macro_rules! __tagged_union_impl {
    (
        $name:ident $view:ident $owned:ident
        [$(#[$meta:meta])*] [$vis:vis]
        { $( [$(#[$vmeta:meta])*] $variant:ident($payload:ty) ),+ }
    ) => {
        $(#[$meta])*
        #[doc = ""]
        #[doc = ::core::concat!(
            "A tagged union from `makai_ptr::tagged_union!`: one pointer-sized word holding one of ",
            $( "`", ::core::stringify!($variant), "(", ::core::stringify!($payload), ")` ", )+
            ". `as_ref()` gives a [`", ::core::stringify!($view), "`], `into_inner()` a [`",
            ::core::stringify!($owned), "`]."
        )]
        #[repr(transparent)]
        $vis struct $name($crate::__tagged::RawUnion<($($payload,)+)>);

        #[doc = ::core::concat!(
            "The borrowed view of a [`", ::core::stringify!($name), "`], from `",
            ::core::stringify!($name), "::as_ref()`: match on it to dispatch exhaustively."
        )]
        #[derive(::core::clone::Clone, ::core::marker::Copy)]
        $vis enum $view<'__makai_view> {
            $(
                $(#[$vmeta])*
                #[doc = ::core::concat!("What a `", ::core::stringify!($payload), "` payload lends.")]
                $variant(<$payload as $crate::TaggedPayload>::Ref<'__makai_view>),
            )+
        }

        #[doc = ::core::concat!(
            "The owned view of a [`", ::core::stringify!($name), "`], from `",
            ::core::stringify!($name), "::into_inner()`; `", ::core::stringify!($name),
            "::from` turns it back."
        )]
        $vis enum $owned {
            $(
                $(#[$vmeta])*
                #[doc = ::core::concat!("The `", ::core::stringify!($payload), "` payload.")]
                $variant($payload),
            )+
        }

        const _: () = {
            /// The dense tags `0..n`, in declaration order.
            #[derive(::core::clone::Clone, ::core::marker::Copy)]
            #[repr(u16)]
            enum __MakaiTag {
                $( $variant, )+
            }

            const __MAKAI_NAMES: &[&::core::primitive::str] = &[$( ::core::stringify!($variant) ),+];
            const __MAKAI_COUNT: ::core::primitive::usize = __MAKAI_NAMES.len();
            const __MAKAI_SCHEME: $crate::TagScheme = match $crate::TagScheme::choose(
                __MAKAI_COUNT,
                $crate::__tagged::min_align(&[
                    $( ::core::mem::align_of::<<$payload as $crate::TaggedPayload>::Target>() ),+
                ]),
            ) {
                ::core::option::Option::Some(scheme) => scheme,
                ::core::option::Option::None => ::core::panic!(::core::concat!(
                    "tagged_union! ", ::core::stringify!($name),
                    ": no room for the tag (more than 65536 variants, or payloads aligned too \
                     little on a target without free top address bits)"
                )),
            };

            // The compile-time check that names the payload: it can only fail where the top
            // bits are not free (32-bit targets, aarch64 Android) and the payload's alignment
            // leaves too few low bits.
            $(
                const _: () = ::core::assert!(
                    $crate::TagScheme::HIGH_BITS_AVAILABLE
                        || ::core::mem::align_of::<<$payload as $crate::TaggedPayload>::Target>()
                            >= 1 << $crate::TagScheme::bits_for(__MAKAI_COUNT),
                    ::core::concat!(
                        "tagged_union! ", ::core::stringify!($name), ": payload `",
                        ::core::stringify!($payload), "` (variant `", ::core::stringify!($variant),
                        "`) is aligned too little to keep the tag in its low bits, and this \
                         target has no free top address bits"
                    )
                );
            )+

            const _: () = ::core::assert!(
                ::core::mem::size_of::<$name>() == ::core::mem::size_of::<::core::primitive::usize>()
                    && ::core::mem::size_of::<::core::option::Option<$name>>()
                        == ::core::mem::size_of::<::core::primitive::usize>()
            );

            /// The tag of a live union.
            #[inline(always)]
            fn __makai_tag_of(this: &$name) -> __MakaiTag {
                let tag = __MAKAI_SCHEME.tag(this.0.word()) as ::core::primitive::u16;
                // SAFETY: `RawUnion`'s invariant: the word's tag is one of `0..__MAKAI_COUNT`,
                // which are exactly the discriminants of the `repr(u16)` fieldless `__MakaiTag`.
                unsafe { ::core::mem::transmute::<::core::primitive::u16, __MakaiTag>(tag) }
            }

            /// The payload's pointer of a live union.
            #[inline(always)]
            fn __makai_ptr_of(this: &$name) -> ::core::ptr::NonNull<()> {
                // SAFETY: every word of this union is encoded with `__MAKAI_SCHEME`.
                unsafe { this.0.ptr(__MAKAI_SCHEME) }
            }

            /// The `TypeId` of the payload's target for a tag, and whether the payload lends
            /// `&Target`. Computed here, outside any generic scope, so the pasted payload types
            /// can never be captured by a generic parameter of `is`/`get`/`get_ptr`.
            #[inline(always)]
            fn __makai_target(tag: __MakaiTag) -> (::core::any::TypeId, ::core::primitive::bool) {
                match tag {
                    $(
                        __MakaiTag::$variant => (
                            ::core::any::TypeId::of::<<$payload as $crate::TaggedPayload>::Target>(),
                            <$payload as $crate::TaggedPayload>::LENDS_REF,
                        ),
                    )+
                }
            }

            impl $name {
                /// The number of variants.
                pub const VARIANT_COUNT: ::core::primitive::usize = __MAKAI_COUNT;
                /// The variants' names, indexed by tag.
                pub const VARIANT_NAMES: &'static [&'static ::core::primitive::str] = __MAKAI_NAMES;
                /// Where the tag lives, chosen at compile time from the payloads' alignment.
                pub const SCHEME: $crate::TagScheme = __MAKAI_SCHEME;

                $(
                    $(#[$vmeta])*
                    #[doc = ::core::concat!(
                        "Wraps a `", ::core::stringify!($payload), "` as the `",
                        ::core::stringify!($variant), "` variant."
                    )]
                    #[doc = ""]
                    #[doc = "# Panics"]
                    #[doc = ""]
                    #[doc = "If the address cannot carry the tag (it uses the top 16 bits under \
                             the high-bit scheme, or a `NonNull` is misaligned under the \
                             low-bit scheme); the payload is dropped first."]
                    #[allow(non_snake_case)]
                    #[inline]
                    #[track_caller]
                    $vis fn $variant(payload: $payload) -> Self {
                        let word = $crate::__tagged::encode::<$payload>(
                            __MAKAI_SCHEME,
                            __MakaiTag::$variant as ::core::primitive::usize,
                            payload,
                            ::core::stringify!($name),
                            ::core::stringify!($variant),
                        );
                        // SAFETY: `encode` made `word` from this variant's payload, with this
                        // union's scheme and tag, and hands over its ownership.
                        Self(unsafe { $crate::__tagged::RawUnion::from_word(word) })
                    }
                )+

                /// The tag: the variant's index in declaration order (`0..VARIANT_COUNT`).
                #[inline]
                $vis fn tag(&self) -> ::core::primitive::u16 {
                    __makai_tag_of(self) as ::core::primitive::u16
                }

                /// The variant's name.
                $vis fn variant_name(&self) -> &'static ::core::primitive::str {
                    __MAKAI_NAMES[self.tag() as ::core::primitive::usize]
                }

                /// Borrows the payload as the view enum, for an exhaustive `match`.
                #[inline]
                $vis fn as_ref(&self) -> $view<'_> {
                    let ptr = __makai_ptr_of(self);
                    match __makai_tag_of(self) {
                        $(
                            __MakaiTag::$variant => $view::$variant(
                                // SAFETY: the tag says the word owns a `$payload` made by
                                // `into_raw`; `&self` keeps it from being reclaimed while the
                                // view lives.
                                unsafe { <$payload as $crate::TaggedPayload>::borrow(ptr.cast()) }
                            ),
                        )+
                    }
                }

                /// Takes the payload out, as the owned view enum.
                #[inline]
                $vis fn into_inner(self) -> $owned {
                    let this = ::core::mem::ManuallyDrop::new(self);
                    let ptr = __makai_ptr_of(&this);
                    match __makai_tag_of(&this) {
                        $(
                            __MakaiTag::$variant => $owned::$variant(
                                // SAFETY: the tag says the word owns a `$payload` made by
                                // `into_raw`; `ManuallyDrop` makes this its only reclaim.
                                unsafe { <$payload as $crate::TaggedPayload>::from_raw(ptr.cast()) }
                            ),
                        )+
                    }
                }

                /// Whether the payload points to a `T`.
                #[inline]
                $vis fn is<__MakaiT: 'static>(&self) -> ::core::primitive::bool {
                    __makai_target(__makai_tag_of(self)).0 == ::core::any::TypeId::of::<__MakaiT>()
                }

                /// The payload's target as `&T`, if the payload points to a `T` and lends
                /// references (`Box`, `&'static`, `RefPtr`; never `NonNull`).
                #[inline]
                $vis fn get<__MakaiT: 'static>(&self) -> ::core::option::Option<&__MakaiT> {
                    let (target, lends_ref) = __makai_target(__makai_tag_of(self));
                    if lends_ref && target == ::core::any::TypeId::of::<__MakaiT>() {
                        // SAFETY: the payload's target is a `T` (same `TypeId`), it lends
                        // shared references while it lives (`LENDS_REF`), and `&self` keeps
                        // it alive for the result's lifetime.
                        ::core::option::Option::Some(unsafe {
                            __makai_ptr_of(self).cast::<__MakaiT>().as_ref()
                        })
                    } else {
                        ::core::option::Option::None
                    }
                }

                /// The payload's pointer as `NonNull<T>`, if the payload points to a `T`.
                #[inline]
                $vis fn get_ptr<__MakaiT: 'static>(
                    &self,
                ) -> ::core::option::Option<::core::ptr::NonNull<__MakaiT>> {
                    if self.is::<__MakaiT>() {
                        ::core::option::Option::Some(__makai_ptr_of(self).cast::<__MakaiT>())
                    } else {
                        ::core::option::Option::None
                    }
                }

                /// Gives up the handle as its tagged word (pointer and tag), for C. Take it
                /// back with `from_raw_word`, or the payload leaks.
                #[inline]
                $vis fn into_raw_word(self) -> *mut () {
                    ::core::mem::ManuallyDrop::new(self).0.word().as_ptr()
                }

                /// Takes back a handle given away by `into_raw_word`.
                ///
                /// # Safety
                ///
                /// `word` came from `into_raw_word` of this same union type and is taken
                /// back at most once.
                #[inline]
                $vis unsafe fn from_raw_word(word: *mut ()) -> Self {
                    ::core::debug_assert!(Self::is_valid_raw_word(word));
                    // SAFETY: the caller's contract: `word` came from `into_raw_word`, which
                    // never gives out null.
                    let word = unsafe { ::core::ptr::NonNull::new_unchecked(word) };
                    // SAFETY: the caller's contract: the word is this union's and owns its
                    // payload, which passes to the result.
                    Self(unsafe { $crate::__tagged::RawUnion::from_word(word) })
                }

                /// Like `from_raw_word`, but returns `None` for a null word, a tag out of
                /// range or a zero address (Zig's `isValidPtr`), so a slot shared with other
                /// kinds of words can be probed.
                ///
                /// # Safety
                ///
                /// If the word passes those checks, it came from `into_raw_word` of this
                /// union type and is taken back at most once.
                #[inline]
                $vis unsafe fn try_from_raw_word(word: *mut ()) -> ::core::option::Option<Self> {
                    if Self::is_valid_raw_word(word) {
                        // SAFETY: the caller's contract, for a word that passes the checks.
                        ::core::option::Option::Some(unsafe { Self::from_raw_word(word) })
                    } else {
                        ::core::option::Option::None
                    }
                }

                /// Whether `word` could be one of this union's words: not null, tag in
                /// range, address not zero. It cannot tell whether the pointer is live.
                #[inline]
                $vis fn is_valid_raw_word(word: *const ()) -> ::core::primitive::bool {
                    $crate::__tagged::valid_word(__MAKAI_SCHEME, __MAKAI_COUNT, word)
                }
            }

            impl ::core::ops::Drop for $name {
                #[inline]
                fn drop(&mut self) {
                    let ptr = __makai_ptr_of(self);
                    match __makai_tag_of(self) {
                        $(
                            __MakaiTag::$variant => ::core::mem::drop(
                                // SAFETY: the tag says the word owns a `$payload`; the handle
                                // is being dropped, so this is the only reclaim.
                                unsafe { <$payload as $crate::TaggedPayload>::from_raw(ptr.cast()) }
                            ),
                        )+
                    }
                }
            }

            impl ::core::clone::Clone for $name
            where
                $( for<'__makai_c> $payload: ::core::clone::Clone, )+
            {
                #[inline]
                fn clone(&self) -> Self {
                    let ptr = __makai_ptr_of(self);
                    match __makai_tag_of(self) {
                        $(
                            __MakaiTag::$variant => Self::$variant(
                                // SAFETY: the tag says the word owns a `$payload`; `&self`
                                // keeps it alive during the clone.
                                unsafe {
                                    <$payload as $crate::TaggedPayload>::clone_raw(ptr.cast())
                                }
                            ),
                        )+
                    }
                }
            }

            impl ::core::fmt::Debug for $name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::write!(
                        f,
                        "{}::{}({:p})",
                        ::core::stringify!($name),
                        self.variant_name(),
                        __makai_ptr_of(self)
                    )
                }
            }

            impl ::core::convert::From<$owned> for $name {
                #[inline]
                fn from(owned: $owned) -> Self {
                    match owned {
                        $( $owned::$variant(payload) => Self::$variant(payload), )+
                    }
                }
            }

            impl<'__makai_view> ::core::fmt::Debug for $view<'__makai_view>
            where
                $( <$payload as $crate::TaggedPayload>::Ref<'__makai_view>: ::core::fmt::Debug, )+
            {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    match self {
                        $(
                            $view::$variant(v) => {
                                f.debug_tuple(::core::stringify!($variant)).field(v).finish()
                            }
                        )+
                    }
                }
            }

            impl ::core::fmt::Debug for $owned
            where
                $( for<'__makai_d> $payload: ::core::fmt::Debug, )+
            {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    match self {
                        $(
                            $owned::$variant(v) => {
                                f.debug_tuple(::core::stringify!($variant)).field(v).finish()
                            }
                        )+
                    }
                }
            }
        };
    };
}
