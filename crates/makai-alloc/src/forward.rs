//! [`forward_allocator!`]: writes the allocator methods that only pass a call on, so each
//! forwarding impl states once where its calls go instead of repeating six method bodies.
//!
//! The macro expands to methods, not to an impl: the caller writes the `unsafe impl` and its
//! `// SAFETY:` comment (why forwarding keeps the contract for that type), and any method that
//! does more than forward. It has three forms.
//!
//! - `forward:` each named method calls the same method of the `via:` trait (makai's
//!   [`Allocator`](crate::Allocator) or `allocator_api2`'s, by fully qualified path) on the
//!   `to:` expression, with the same arguments, optionally mapping the error:
//!
//!   ```text
//!   forward_allocator! {
//!       forward: [allocate allocate_zeroed deallocate grow grow_zeroed shrink],
//!       attrs: #[inline],
//!       to: |self| &self.0,
//!       via: Allocator,
//!       error: AllocError,
//!   }
//!   ```
//!
//!   `map_err: |_| AllocError,` may follow `error:` (for the bridges between the two traits).
//!   The `to:` expression may use `?` in every method but `deallocate` (which returns `()`).
//! - `allocate:` writes `allocate` and `allocate_zeroed` from one body, in which the named
//!   `bool` is `false` and `true` respectively (`|self, layout, zero| { ... }`).
//! - `resize:` writes `grow`, `grow_zeroed` and `shrink` from one body, in which the named
//!   `bool` is `false`, `true` and `false` (whether the grown tail must be zeroed).
//!
//!   In these two forms the body writes its own `unsafe` block and `// SAFETY:` comment, since
//!   what it calls, and why that is sound, is the caller's:
//!
//!   ```text
//!   forward_allocator! {
//!       resize: |self, ptr, old, new, zero| {
//!           // SAFETY: ...
//!           unsafe { realloc_block(ptr, old, new, zero) }
//!       },
//!       attrs: #[inline],
//!   }
//!   ```
//!
//! `attrs:` are put on every method written (`#[inline]` or `#[inline(always)]`). The receiver
//! is named as `|self|` at the call site because `self` in the caller's tokens only refers to
//! a receiver those same tokens declare.

/// Writes allocator methods that forward a call unchanged, or share one body (the forms are
/// in the module docs).
macro_rules! forward_allocator {
    (
        forward: [$($method:ident)+],
        attrs: $(#[$attr:meta])*,
        to: |$this:ident| $inner:expr,
        via: $via:path,
        error: $err:ty
        $(, map_err: $map:expr)? $(,)?
    ) => {
        $crate::forward::forward_allocator!(
            @each [$($method)+] [[$(#[$attr])*] $this [$inner] [$via] [$err] [$($map)?]]
        );
    };

    (
        allocate: |$this:ident, $layout:ident, $zero:ident| $body:block,
        attrs: $(#[$attr:meta])* $(,)?
    ) => {
        $crate::forward::forward_allocator!(
            @allocate allocate [$(#[$attr])*] $this $layout [::makai_error::AllocError]
            { let $zero = false; $body }
        );
        $crate::forward::forward_allocator!(
            @allocate allocate_zeroed [$(#[$attr])*] $this $layout [::makai_error::AllocError]
            { let $zero = true; $body }
        );
    };

    (
        resize: |$this:ident, $ptr:ident, $old:ident, $new:ident, $zero:ident| $body:block,
        attrs: $(#[$attr:meta])* $(,)?
    ) => {
        $crate::forward::forward_allocator!(
            @resize grow [$(#[$attr])*] $this $ptr $old $new [::makai_error::AllocError]
            { let $zero = false; $body }
        );
        $crate::forward::forward_allocator!(
            @resize grow_zeroed [$(#[$attr])*] $this $ptr $old $new [::makai_error::AllocError]
            { let $zero = true; $body }
        );
        $crate::forward::forward_allocator!(
            @resize shrink [$(#[$attr])*] $this $ptr $old $new [::makai_error::AllocError]
            { let $zero = false; $body }
        );
    };

    // `allocate` or `allocate_zeroed` with the given body.
    (@allocate $name:ident [$(#[$attr:meta])*] $this:ident $layout:ident [$err:ty] $body:block) => {
        $(#[$attr])*
        fn $name(
            &$this,
            $layout: ::core::alloc::Layout,
        ) -> ::core::result::Result<::core::ptr::NonNull<[u8]>, $err> $body
    };

    // `grow`, `grow_zeroed` or `shrink` with the given body.
    (@resize $name:ident [$(#[$attr:meta])*] $this:ident $ptr:ident $old:ident $new:ident
        [$err:ty] $body:block) => {
        $(#[$attr])*
        unsafe fn $name(
            &$this,
            $ptr: ::core::ptr::NonNull<u8>,
            $old: ::core::alloc::Layout,
            $new: ::core::alloc::Layout,
        ) -> ::core::result::Result<::core::ptr::NonNull<[u8]>, $err> $body
    };

    (@each [$($method:ident)+] $args:tt) => {
        $($crate::forward::forward_allocator!(@forward $method $args);)+
    };

    (@forward allocate $args:tt) => {
        $crate::forward::forward_allocator!(@forward_allocate allocate $args);
    };
    (@forward allocate_zeroed $args:tt) => {
        $crate::forward::forward_allocator!(@forward_allocate allocate_zeroed $args);
    };
    (@forward grow $args:tt) => {
        $crate::forward::forward_allocator!(@forward_resize grow $args);
    };
    (@forward grow_zeroed $args:tt) => {
        $crate::forward::forward_allocator!(@forward_resize grow_zeroed $args);
    };
    (@forward shrink $args:tt) => {
        $crate::forward::forward_allocator!(@forward_resize shrink $args);
    };
    (@forward deallocate [[$(#[$attr:meta])*] $this:ident [$inner:expr] [$via:path] [$err:ty]
        [$($map:expr)?]]) => {
        $(#[$attr])*
        unsafe fn deallocate(&$this, ptr: ::core::ptr::NonNull<u8>, layout: ::core::alloc::Layout) {
            let inner = $inner;
            // SAFETY: the caller upholds `deallocate`'s contract for this allocator; its blocks
            // are the inner allocator's (every call is forwarded there unchanged), and the
            // `via` trait's `deallocate` has the same contract (makai's trait and
            // `allocator_api2`'s both mirror `core::alloc::Allocator`).
            unsafe { <_ as $via>::deallocate(inner, ptr, layout) }
        }
    };

    (@forward_allocate $method:ident [[$(#[$attr:meta])*] $this:ident [$inner:expr] [$via:path]
        [$err:ty] [$($map:expr)?]]) => {
        $crate::forward::forward_allocator!(
            @allocate $method [$(#[$attr])*] $this layout [$err]
            { <_ as $via>::$method($inner, layout)$(.map_err($map))? }
        );
    };

    (@forward_resize $method:ident [[$(#[$attr:meta])*] $this:ident [$inner:expr] [$via:path]
        [$err:ty] [$($map:expr)?]]) => {
        $crate::forward::forward_allocator!(@resize $method [$(#[$attr])*] $this ptr old new [$err] {
            let inner = $inner;
            // SAFETY: the caller upholds this method's contract (`grow`, `grow_zeroed` or
            // `shrink`) for this allocator; its blocks are the inner allocator's (every call is
            // forwarded there unchanged), and the `via` trait's method of the same name has the
            // same contract (makai's trait and `allocator_api2`'s both mirror
            // `core::alloc::Allocator`).
            unsafe { <_ as $via>::$method(inner, ptr, old, new) }$(.map_err($map))?
        });
    };
}
pub(crate) use forward_allocator;
