//! Touches every re-export of the facade, so a missing or renamed one fails to compile.

#[test]
fn error_reexports() {
    use makai::prelude::*;
    let e: SysError<'_> = makai::error::SysError::new(makai::Errno::NOENT, makai::Syscall::Open);
    assert_eq!(e.errno(), Errno::NOENT);
    let r: Result<u8, AllocError> = Ok(3);
    assert_eq!(r.handle_oom(), 3);
    let m: Maybe<usize> = makai::error::check(4, Syscall::Read);
    assert_eq!(m, Ok(4));
    assert_eq!(makai::AllocError.to_string(), "out of memory");
}

#[test]
fn alloc_reexports() {
    use makai::prelude::*;
    let layout = std::alloc::Layout::new::<u64>();
    let block = makai::alloc::Global.allocate(layout).unwrap();
    assert!(block.len() >= 8);
    // SAFETY: allocated just above by `Global` with `layout`.
    unsafe { makai::Global.deallocate(block.cast(), layout) };
    fn takes_allocator(_: &dyn Allocator) {}
    takes_allocator(&Global);
}

#[test]
fn ptr_tagged_reexports() {
    makai::tagged_union! { Job { Small(Box<u8>), Wide(&'static u64) } }
    static W: u64 = 9;
    let jobs = [Job::Small(Box::new(1)), Job::Wide(&W)];
    let sum: u64 = jobs
        .iter()
        .map(|j| match j.as_ref() {
            JobRef::Small(v) => u64::from(*v),
            JobRef::Wide(v) => *v,
        })
        .sum();
    assert_eq!(sum, 10);
    assert_eq!(size_of::<Job>(), 8);
    let x = 3u64;
    let p = makai::TaggedPtr::<u64, 3>::new(std::ptr::NonNull::from(&x), 6);
    assert_eq!(p.tag(), 6);
    assert_eq!(makai::TagScheme::bits_for(8), 3);
    assert_eq!(makai::ptr::TaggedPtr::<u64, 1>::TAG_LIMIT, 2);
}

#[test]
fn ptr_reexports() {
    use makai::prelude::*;
    let input = String::from("a b");
    let token: CowStr<'_> = CowStr::borrowed(&input[2..]);
    let bytes: CowBytes<'_> = CowSlice::from_vec(vec![1u8]);
    assert!(!token.is_owned() && bytes.is_owned());
    let shared = makai::Shared::new(1u8);
    let atomic = AtomicShared::new(2u8);
    assert_eq!((shared.ref_count(), *atomic), (1, 2));
    struct Node {
        count: makai::RefCount,
    }
    makai::ref_counted!(Node, count);
    let node: RefPtr<Node> = makai::ptr::RefPtr::new(Node {
        count: makai::RefCount::new(),
    });
    assert_eq!(node.clone().ref_count(), 2);
    let m: MaybeOwned<'_, str> = MaybeOwned::Borrowed("m");
    assert_eq!(&*m, "m");
    assert_eq!(makai::CowCStr::borrowed(c"c").len(), 1);
}

#[test]
fn alloc_allocator_reexports() {
    use makai::prelude::*;
    let arena = Arena::new();
    assert_eq!(*arena.alloc(7_u8), 7);
    let boxed: makai::ArenaBox<'_, String> = arena.alloc_boxed(String::from("boxed"));
    assert_eq!(&*boxed, "boxed");
    let buf = StackFallback::<64>::new();
    let layout = std::alloc::Layout::new::<u32>();
    let block = (&buf).allocate(layout).unwrap();
    // SAFETY: allocated just above by `&buf` with `layout`.
    unsafe { (&buf).deallocate(block.cast(), layout) };
    assert_eq!(buf.fallback_count(), 0);
    let mut storage = [std::mem::MaybeUninit::uninit(); 16];
    let fixed = makai::BufferFallback::new_in(&mut storage, makai::NoAlloc);
    assert_eq!(fixed.capacity(), 16);
    assert!(makai::NullableAllocator::null().is_null());
    assert_eq!(size_of::<makai::MiHeap>(), 8);
    assert_eq!(size_of::<makai::Mimalloc>(), 0);
    let _: &dyn Allocator = &makai::alloc::Global;
}

#[test]
fn collections_reexports() {
    use makai::collections::{Dynamic, Static};
    use makai::prelude::*;
    let hive = HiveArray::<u32, 1>::new();
    let b: HiveBox<'_, u32> = hive.alloc(7).unwrap();
    assert_eq!(hive.index_of(&raw const *b), Some(0));
    let pool = makai::HiveFallback::<u8, 0>::new();
    let _spilled = pool.alloc(1);
    assert_eq!(pool.fallback_count(), 1);
    let mut bits = BitSet::<1>::new();
    bits.set(3);
    let mut dyn_bits = DynBitSet::with_len(4);
    dyn_bits.set(3);
    assert_eq!(bits.find_first_set(), dyn_bits.find_first_set());
    let mut fifo = LinearFifo::<u8, Static<4>>::new();
    fifo.write(b"ab").unwrap();
    let mut heap = makai::LinearFifo::<u8, Dynamic>::new();
    heap.write(fifo.readable_slice(0)).unwrap();
    assert_eq!(heap.read_item(), Some(b'a'));
}

#[test]
fn alloc_tracked_reexports() {
    let tracked = makai::Tracked::new(makai::Global);
    let layout = std::alloc::Layout::new::<u64>();
    let block = makai::prelude::Allocator::allocate(&tracked, layout).unwrap();
    let report: makai::LeakReport = tracked.finish().unwrap_err();
    assert_eq!((report.leaked_blocks(), report.leaked_bytes()), (1, 8));
    // SAFETY: the leaked block is still allocated in `Global`, with `layout`.
    unsafe { makai::prelude::Allocator::deallocate(&makai::Global, block.cast(), layout) };
    let scope = makai::DebugScope::new(makai::Global);
    assert!(scope.finish().is_ok());
    let failing = makai::Failing::new(makai::Global, 0);
    assert!(makai::prelude::Allocator::allocate(&failing, layout).is_err());
    let points = makai::alloc::testing::check_all_allocation_failures_counted(|_| Ok::<(), ()>(()));
    assert_eq!(points.unwrap(), 0);
}

#[test]
fn string_reexports() {
    use makai::prelude::*;
    let mut s = SmolStr::from("facade");
    s.push_str(" string re-exports");
    let shared: Str = s.freeze();
    let mut b = StringBuilder::new();
    b.count("x");
    let f: makai::string::Filler = b.allocate();
    assert_eq!(f.append("x"), "x");
    assert_eq!(shared, makai::Str::from("facade string re-exports"));
    assert_eq!(makai::StringBuilder::new().len(), 0);
}

#[cfg(feature = "string")]
#[test]
fn string_encoding_reexports() {
    use makai::{PathBuffer, ZStr, encode, path_buffer, zstr};
    let z: &ZStr = zstr!("/tmp");
    let mut p: makai::string::PooledPathBuffer = path_buffer();
    p.push(z.as_bytes()).unwrap().push("x").unwrap();
    assert_eq!(p.as_bytes(), b"/tmp/x");
    assert_eq!(PathBuffer::capacity(), makai::string::PATH_MAX - 1);
    assert_eq!(encode::latin1_to_string(b"\xE9"), "é");
    let e: makai::EncStr = makai::EncStr::from_latin1(b"\xE9");
    assert_eq!(e.encoding(), makai::Encoding::Latin1);
    assert_eq!(e, "é");
}

#[cfg(feature = "task")]
#[test]
fn task_reexports() {
    use makai::prelude::*;
    struct Nop;
    impl LoopTask for Nop {
        fn run(self, _: &mut EventLoop<Nop>) {}
    }
    let pool = ThreadPool::new(1);
    let wg = std::sync::Arc::new(WaitGroup::new());
    wg.add(1);
    let w = std::sync::Arc::clone(&wg);
    pool.spawn(move || w.done());
    wg.wait();
    let mut ev = makai::EventLoop::<Nop>::new();
    let mut keep = KeepAlive::new();
    keep.activate(&mut ev);
    let handle: makai::LoopHandle<Nop> = ev.handle();
    handle.wake();
    keep.done(&mut ev);
    ev.run();
    let ev2 = makai::ResetEvent::new();
    ev2.set();
    assert!(ev2.is_set());
    let q = makai::UnboundedQueue::<makai::task::Task>::new();
    assert!(q.is_empty());
    pool.shutdown().unwrap();
}

/// The root is a superset of the prelude: every name `use makai::prelude::*` brings is the
/// same item as `makai::Name` (`same` only accepts two values of one type, or one function).
#[test]
fn root_is_a_superset_of_the_prelude() {
    use std::marker::PhantomData;
    fn same<T>(_: PhantomData<T>, _: PhantomData<T>) {}
    macro_rules! same_type {
        ($($t:ty => $root:ty),* $(,)?) => {
            $( same(PhantomData::<$t>, PhantomData::<$root>); )*
        };
    }
    {
        use makai::prelude::*;
        same_type! {
            AllocError => makai::AllocError,
            Errno => makai::Errno,
            Maybe<u8> => makai::Maybe<u8>,
            SysError<'static> => makai::SysError<'static>,
            Syscall => makai::Syscall,
            Arena => makai::Arena,
            Global => makai::Global,
            StackFallback<8> => makai::StackFallback<8>,
            AtomicShared<u8> => makai::AtomicShared<u8>,
            CowBytes<'static> => makai::CowBytes<'static>,
            CowSlice<'static, u8> => makai::CowSlice<'static, u8>,
            CowStr<'static> => makai::CowStr<'static>,
            MaybeOwned<'static, str> => makai::MaybeOwned<'static, str>,
            Shared<u8> => makai::Shared<u8>,
            BitSet<1> => makai::BitSet<1>,
            DynBitSet => makai::DynBitSet,
            HiveArray<u8, 4> => makai::HiveArray<u8, 4>,
            HiveBox<'static, u8> => makai::HiveBox<'static, u8>,
            HiveFallback<u8, 4> => makai::HiveFallback<u8, 4>,
            SmolStr => makai::SmolStr,
            Str => makai::Str,
            StringBuilder => makai::StringBuilder,
            ThreadPool => makai::ThreadPool,
            WaitGroup => makai::WaitGroup,
            KeepAlive => makai::KeepAlive,
        }
        // Traits: usable as bounds under both names.
        fn allocators<T: Allocator + makai::Allocator>() {}
        allocators::<makai::Global>();
        fn statics<T: IntoStatic + makai::IntoStatic>() {}
        statics::<CowStr<'static>>();
        fn oom<T: HandleOom<Output = u8> + makai::HandleOom<Output = u8>>() {}
        oom::<Result<u8, AllocError>>();
        fn oom_errors<T: OomError + makai::OomError>() {}
        oom_errors::<std::io::Error>();
        // The cleanup guards are at the root too.
        let ran = std::cell::Cell::new(0);
        {
            let _a = defer(|| ran.set(ran.get() + 1));
            let _b = makai::defer(|| ran.set(ran.get() + 10));
            let armed = errdefer(|| ran.set(ran.get() + 100));
            armed.disarm();
            let _c = makai::errdefer(|| ran.set(ran.get() + 1000));
        }
        assert_eq!(ran.get(), 1011);
    }
}

/// Every name renamed by the naming convention still compiles under its earlier name (hidden
/// from the docs, same behaviour), so code written against it keeps working until 1.0.
#[test]
fn earlier_names_still_compile() {
    use makai::alloc::{BufferFallback, Failing, Global, NoAlloc, StackFallback};
    use makai::collections::HiveFallback;
    use makai::error::{Errno, FsError, SysError, Syscall};
    use makai::ptr::{CowCStr, CowSlice, CowStr};
    use makai::string::StringBuilder;
    use std::mem::MaybeUninit;
    use std::path::Path;

    assert!(CowSlice::dupe(&[1u8, 2]).is_owned());
    assert_eq!(CowStr::dupe("x"), CowStr::copy_of("x"));
    assert_eq!(CowCStr::dupe(c"x").as_bytes(), b"x");

    let stack = StackFallback::<16, NoAlloc>::with_fallback(NoAlloc);
    assert_eq!(stack.fallback_count(), 0);
    let mut storage = [MaybeUninit::uninit(); 8];
    let buf = BufferFallback::with_fallback(&mut storage, NoAlloc);
    assert_eq!(buf.capacity(), 8);
    assert_eq!(Failing::new(Global, 3).fail_index(), 3);

    let pool = HiveFallback::<u8, 0>::new();
    let _spilled = pool.alloc(1);
    assert_eq!(pool.spill_count(), pool.fallback_count());

    let e = SysError::new(Errno::NOENT, Syscall::Rename)
        .with_path_ref(Path::new("a"))
        .with_dest_ref(Path::new("b"));
    assert_eq!((e.path(), e.dest()), (Some(&b"a"[..]), Some(&b"b"[..])));
    let f = FsError::from(SysError::new(Errno::NOENT, Syscall::Open)).with_path_ref(Path::new("c"));
    assert_eq!(f.path(), Some(&b"c"[..]));

    let mut b = StringBuilder::with_allocator(&Global);
    b.count_z("ls");
    assert_eq!(b.allocate().append_z("ls"), c"ls");

    // Secondary names that moved into their type's module keep their root paths.
    assert_eq!(
        makai::alloc::DEFAULT_BACKTRACE_DEPTH,
        makai::alloc::Tracked::DEFAULT_BACKTRACE_DEPTH
    );
    let _: Option<makai::alloc::Stats> = None;
    fn capacity_of<S: makai::collections::Storage<u8>>(
        f: &makai::collections::LinearFifo<u8, S>,
    ) -> usize {
        f.capacity()
    }
    let f = makai::collections::LinearFifo::<u8, makai::collections::Static<4>>::new();
    assert_eq!(capacity_of(&f), 4);
}
