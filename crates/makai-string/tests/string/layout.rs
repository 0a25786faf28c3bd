//! Layout facts: `SmolStr` and `Str` are 16 bytes with a niche, `Send`/`Sync`, and 16 bytes
//! stay inline while 17 go to the heap.

use makai_string::{Filler, SmolStr, Str};

use super::counted;

#[test]
fn sizes_are_sixteen_bytes_with_a_niche() {
    assert_eq!(size_of::<SmolStr>(), 16);
    assert_eq!(size_of::<Option<SmolStr>>(), 16);
    assert_eq!(size_of::<Str>(), 16);
    assert_eq!(size_of::<Option<Str>>(), 16);
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Str>();
    send_sync::<SmolStr>();
    fn send<T: Send>() {}
    send::<Filler>();
}

#[test]
fn sixteen_bytes_inline_seventeen_on_the_heap() {
    let s16 = "0123456789abcdef";
    let s17 = "0123456789abcdefg";
    let ((), allocs, _) = counted(|| {
        assert!(SmolStr::from(s16).is_inline());
        assert!(Str::from(s16).is_inline());
    });
    assert_eq!(allocs, 0, "16 bytes must not allocate");
    assert!(!SmolStr::from(s17).is_inline());
    assert!(!Str::from(s17).is_inline());
    assert_eq!(SmolStr::new().capacity(), 16);
}
