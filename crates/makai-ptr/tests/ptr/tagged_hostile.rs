//! Hostile inputs for `tagged_union!` (issue 11, bug 5 and the macro review): payload types
//! named like the macro's own generics, user items named like the prelude and core paths the
//! expansion uses, traits named `T`, lifetimes in payloads, generic payloads, and payloads
//! whose `Clone` or `Drop` panics. Each would break or mislead a macro that pasted the user's
//! tokens into its own scopes.
#![cfg(all(
    target_pointer_width = "64",
    not(all(target_arch = "aarch64", target_os = "android"))
))]

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use makai_ptr::{RefCount, RefCounted, RefPtr, ref_counted, tagged_union};

/// A payload type named like the macro's former generic parameter.
#[expect(
    clippy::box_collection,
    reason = "payloads are thin pointers: a boxed String is the point"
)]
mod named_t {
    use makai_ptr::tagged_union;

    #[derive(Debug, Clone, PartialEq)]
    struct T(u64);
    #[derive(Debug, Clone, PartialEq)]
    struct A(u8);

    tagged_union! { U { First(Box<T>), Second(Box<String>), Third(Box<A>) } }

    #[test]
    fn get_is_and_get_ptr_compare_the_users_t() {
        let u = U::First(Box::new(T(7)));
        // The bug: `get::<String>()` returned `Some(&String)` pointing into the 8-byte `T`.
        assert!(u.get::<String>().is_none());
        assert!(!u.is::<String>());
        assert!(u.get_ptr::<String>().is_none());
        assert_eq!(u.get::<T>(), Some(&T(7)));
        assert!(u.is::<T>());
        assert!(u.get_ptr::<T>().is_some());
        assert!(u.get::<A>().is_none());

        let s = U::Second(Box::new(String::from("seven")));
        assert!(s.get::<T>().is_none() && !s.is::<T>());
        assert_eq!(s.get::<String>().map(String::as_str), Some("seven"));

        let a = U::Third(Box::new(A(3)));
        assert_eq!(a.get::<A>(), Some(&A(3)));
        assert!(a.get::<T>().is_none() && a.get::<String>().is_none());
        let copy = a.clone();
        assert!(matches!(copy.into_inner(), UOwned::Third(b) if *b == A(3)));
    }
}

/// User items that shadow every prelude name, primitive type and std macro the expansion
/// could have used unqualified.
#[expect(
    dead_code,
    non_camel_case_types,
    unused_macros,
    reason = "the items exist only to shadow the names the expansion must not use"
)]
mod shadowed_names {
    use makai_ptr::tagged_union;

    struct Option;
    struct Some;
    struct None;
    struct Result;
    struct Ok;
    struct Err;
    struct Box;
    struct Clone;
    struct Copy;
    struct Drop;
    struct From;
    struct Into;
    struct Send;
    struct Sync;
    struct Sized;
    struct TypeId;
    struct NonNull;
    struct ManuallyDrop;
    struct TagScheme;
    struct RawUnion;
    struct u16;
    struct usize;
    struct bool;
    struct str;
    fn drop(_: ()) {}
    macro_rules! panic {
        ($($t:tt)*) => {
            compile_error!("user panic! used")
        };
    }
    macro_rules! assert {
        ($($t:tt)*) => {
            compile_error!("user assert! used")
        };
    }
    macro_rules! debug_assert {
        ($($t:tt)*) => {
            compile_error!("user debug_assert! used")
        };
    }
    macro_rules! concat {
        ($($t:tt)*) => {
            compile_error!("user concat! used")
        };
    }
    macro_rules! stringify {
        ($($t:tt)*) => {
            compile_error!("user stringify! used")
        };
    }
    macro_rules! write {
        ($($t:tt)*) => {
            compile_error!("user write! used")
        };
    }

    #[derive(std::clone::Clone)]
    struct Payload(u32);

    tagged_union! {
        /// Every name the expansion uses is shadowed here.
        Hostile {
            One(std::boxed::Box<Payload>),
            Two(&'static u64),
            Three(std::ptr::NonNull<u8>),
        }
    }

    #[test]
    fn the_expansion_uses_absolute_paths_only() {
        let h = Hostile::One(std::boxed::Box::new(Payload(5)));
        std::assert_eq!(
            h.get::<Payload>().map(|p| p.0),
            std::option::Option::Some(5)
        );
        std::assert_eq!(h.tag(), 0);
        std::assert_eq!(h.variant_name(), "One");
        let two = Hostile::Two(&9);
        let cloned = std::clone::Clone::clone(&two);
        std::assert!(std::matches!(cloned.as_ref(), HostileRef::Two(9)));
        let word = 0xA5_u8;
        let three = Hostile::Three(std::ptr::NonNull::from(&word));
        std::assert!(
            three.get::<u8>().is_none(),
            "NonNull payloads never lend references"
        );
        std::assert!(three.is::<u8>());
        std::assert!(std::format!("{three:?}").starts_with("Hostile::Three(0x"));
    }
}

/// A user trait named `T`, reached through a thin `Box<Box<dyn T>>` payload.
mod trait_named_t {
    use makai_ptr::tagged_union;

    trait T {
        fn value(&self) -> u32;
    }
    struct Seven;
    impl T for Seven {
        fn value(&self) -> u32 {
            7
        }
    }

    tagged_union! { Dyn { Obj(Box<Box<dyn T>>), Num(Box<u32>) } }

    #[test]
    fn a_trait_named_t_is_the_users_trait() {
        let d = Dyn::Obj(Box::new(Box::new(Seven)));
        match d.as_ref() {
            DynRef::Obj(obj) => assert_eq!(obj.value(), 7),
            DynRef::Num(_) => panic!("wrong variant"),
        }
        assert!(d.is::<Box<dyn T>>());
        assert_eq!(d.get::<Box<dyn T>>().map(|b| b.value()), Some(7));
        assert!(d.get::<u32>().is_none());
        assert_eq!(Dyn::Num(Box::new(3)).get::<u32>(), Some(&3));
    }
}

/// Payload types that carry their own lifetimes (a shadowed `'a` used to be an error) and
/// generic arguments.
#[expect(
    clippy::box_collection,
    clippy::type_complexity,
    reason = "payloads are thin pointers to deliberately nested generic types"
)]
mod generic_payloads {
    use super::*;

    struct Node {
        refs: RefCount,
        items: Vec<String>,
    }
    ref_counted!(Node, refs);

    fn first_len(s: &str) -> usize {
        s.len()
    }

    tagged_union! {
        Mixed {
            Strings(Box<Vec<String>>),
            Counted(RefPtr<Node>),
            Array(&'static [u16; 3]),
            Callback(Box<for<'a> fn(&'a str) -> usize>),
            Closure(Box<Box<dyn for<'a> Fn(&'a str) -> usize>>),
            Unit(Box<()>),
            Nested(Box<Option<Box<u64>>>),
        }
    }

    static ARRAY: [u16; 3] = [1, 2, 3];

    #[test]
    fn generic_and_lifetime_carrying_payloads() {
        let all = [
            Mixed::Strings(Box::new(vec!["a".into(), "bc".into()])),
            Mixed::Counted(RefPtr::new(Node {
                refs: RefCount::new(),
                items: vec!["x".into()],
            })),
            Mixed::Array(&ARRAY),
            Mixed::Callback(Box::new(first_len as for<'a> fn(&'a str) -> usize)),
            Mixed::Closure(Box::new(Box::new(|s: &str| s.len() * 2))),
            Mixed::Unit(Box::new(())),
            Mixed::Nested(Box::new(Some(Box::new(11)))),
        ];
        let mut seen = Vec::new();
        for m in &all {
            seen.push(match m.as_ref() {
                MixedRef::Strings(v) => v.len(),
                MixedRef::Counted(n) => n.items.len() + n.ref_count() as usize,
                MixedRef::Array(a) => usize::from(a[2]),
                MixedRef::Callback(f) => f("four"),
                MixedRef::Closure(f) => f("four"),
                MixedRef::Unit(()) => 0,
                MixedRef::Nested(n) => n.as_deref().copied().unwrap_or(0) as usize,
            });
        }
        assert_eq!(seen, [2, 2, 3, 4, 8, 0, 11]);
        assert_eq!(all[0].get::<Vec<String>>().map(Vec::len), Some(2));
        assert!(all[0].get::<Vec<u8>>().is_none());
        assert_eq!(all[2].get::<[u16; 3]>(), Some(&[1, 2, 3]));
        assert!(all[5].is::<()>());
        assert_eq!(Mixed::VARIANT_COUNT, 7);
    }
}

/// Payloads whose `Clone` or `Drop` panics: the union stays valid, nothing leaks and nothing
/// is dropped twice (Miri's leak check and aliasing checks watch this).
mod panicking_payloads {
    use super::*;

    struct Bomb {
        drops: Rc<Cell<usize>>,
        panic_on_clone: bool,
        panic_on_drop: bool,
    }

    impl Clone for Bomb {
        fn clone(&self) -> Self {
            assert!(!self.panic_on_clone, "clone panics on purpose");
            Bomb {
                drops: Rc::clone(&self.drops),
                panic_on_clone: false,
                panic_on_drop: false,
            }
        }
    }

    impl Drop for Bomb {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
            if self.panic_on_drop && !std::thread::panicking() {
                panic!("drop panics on purpose");
            }
        }
    }

    tagged_union! { Fuse { Lit(Box<Bomb>), Idle(&'static u32) } }

    fn bomb(drops: &Rc<Cell<usize>>, panic_on_clone: bool, panic_on_drop: bool) -> Fuse {
        Fuse::Lit(Box::new(Bomb {
            drops: Rc::clone(drops),
            panic_on_clone,
            panic_on_drop,
        }))
    }

    #[test]
    fn a_panicking_clone_leaves_the_original_intact() {
        let drops = Rc::new(Cell::new(0));
        let f = bomb(&drops, true, false);
        let r = catch_unwind(AssertUnwindSafe(|| f.clone()));
        assert!(r.is_err());
        assert_eq!(drops.get(), 0, "nothing half-made was dropped");
        match f.as_ref() {
            FuseRef::Lit(b) => assert!(b.panic_on_clone),
            FuseRef::Idle(_) => panic!("wrong variant"),
        }
        drop(f);
        assert_eq!(drops.get(), 1);
    }

    #[test]
    fn a_panicking_drop_frees_the_box_once() {
        let drops = Rc::new(Cell::new(0));
        let f = bomb(&drops, false, true);
        let r = catch_unwind(AssertUnwindSafe(move || drop(f)));
        assert!(r.is_err());
        assert_eq!(drops.get(), 1);
        // Through `into_inner` as well: the owned view's drop panics the same way.
        let g = bomb(&drops, false, true);
        let r = catch_unwind(AssertUnwindSafe(move || drop(g.into_inner())));
        assert!(r.is_err());
        assert_eq!(drops.get(), 2);
    }

    #[test]
    fn a_clone_of_a_clean_payload_is_independent() {
        let drops = Rc::new(Cell::new(0));
        let f = bomb(&drops, false, false);
        let g = f.clone();
        assert_ne!(f.get_ptr::<Bomb>(), g.get_ptr::<Bomb>());
        drop(f);
        assert_eq!(drops.get(), 1);
        drop(g);
        assert_eq!(drops.get(), 2);
    }
}
