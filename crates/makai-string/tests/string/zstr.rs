//! `ZStr`, `zstr!`, `PathBuffer` and the per-thread pool.

use std::ffi::CStr;
use std::path::PathBuf;

use makai_string::{
    PATH_MAX, PathBuffer, PathBufferError, PooledPathBuffer, ZStr, ZStrError, path_buffer, zstr,
};
use proptest::prelude::*;

const CONST_Z: &ZStr = zstr!("compile time");

#[test]
fn zstr_errors_name_the_problem() {
    assert_eq!(ZStr::from_bytes_with_nul(b""), Err(ZStrError::MissingNul));
    assert_eq!(
        ZStr::from_bytes_with_nul(b"abc"),
        Err(ZStrError::MissingNul)
    );
    assert_eq!(
        ZStr::from_bytes_with_nul(b"\0\0"),
        Err(ZStrError::InteriorNul { position: 0 })
    );
    assert_eq!(
        ZStr::from_bytes_with_nul(b"ab\0c\0"),
        Err(ZStrError::InteriorNul { position: 2 })
    );
    assert_eq!(
        ZStr::from_bytes_until_nul(b"no nul"),
        Err(ZStrError::MissingNul)
    );
    assert_eq!(
        ZStrError::InteriorNul { position: 2 }.to_string(),
        "bytes contain a NUL at position 2 before their end"
    );
    let z = ZStr::from_bytes_with_nul(b"\0").unwrap();
    assert!(z.is_empty());
    assert_eq!(z, ZStr::EMPTY);
    assert_eq!(<&ZStr>::default(), ZStr::EMPTY);
}

#[test]
fn zstr_views_agree_with_cstr() {
    assert_eq!(CONST_Z.len(), 12);
    assert_eq!(CONST_Z.as_c_str(), c"compile time");
    // SAFETY: `as_ptr` points at a live NUL-terminated string.
    let back = unsafe { CStr::from_ptr(CONST_Z.as_ptr()) };
    assert_eq!(back.to_bytes(), CONST_Z.as_bytes());
    assert_eq!(ZStr::from_c_str(c"xyz").as_bytes_with_nul(), b"xyz\0");
    let z = ZStr::from_bytes_until_nul(b"head\0tail\0").unwrap();
    assert_eq!(z.as_bytes(), b"head");
    assert_eq!(
        format!("{:?}", zstr!("tab\there\u{e9}")),
        "\"tab\\there\\xc3\\xa9\""
    );
    assert_eq!(zstr!("é").to_str(), Ok("é"));
    assert!(
        ZStr::from_bytes_with_nul(b"\xFF\0")
            .unwrap()
            .to_str()
            .is_err()
    );
    assert!(zstr!("a") < zstr!("b"));
    assert_eq!(std::ffi::CString::from(zstr!("own")).as_bytes(), b"own");
}

proptest! {
    #![proptest_config(super::encode::config())]

    #[test]
    fn zstr_matches_cstr_on_any_bytes(bytes in prop::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..20)) {
        let ours = ZStr::from_bytes_with_nul(&bytes);
        let std = CStr::from_bytes_with_nul(&bytes);
        prop_assert_eq!(ours.is_ok(), std.is_ok());
        if let (Ok(z), Ok(c)) = (ours, std) {
            prop_assert_eq!(z.as_c_str(), c);
            prop_assert_eq!(z.len(), c.count_bytes());
        }
        if let Err(ZStrError::InteriorNul { position }) = ours {
            prop_assert_eq!(bytes.iter().position(|&b| b == 0), Some(position));
        }
        let until = ZStr::from_bytes_until_nul(&bytes).map(ZStr::as_c_str).ok();
        prop_assert_eq!(until, CStr::from_bytes_until_nul(&bytes).ok());
    }

    #[test]
    fn push_and_pop_match_pathbuf(parts in prop::collection::vec("/?[a-c/]{0,4}", 0..8), pops in 0usize..6) {
        let mut ours = PathBuffer::new();
        let mut model = PathBuf::new();
        for p in &parts {
            ours.push(p).unwrap();
            model.push(p);
            prop_assert_eq!(ours.as_bytes(), model.as_os_str().as_encoded_bytes());
        }
        for _ in 0..pops {
            prop_assert_eq!(ours.pop(), model.pop());
            prop_assert_eq!(ours.as_bytes(), model.as_os_str().as_encoded_bytes());
            prop_assert_eq!(ours.as_zstr().as_bytes_with_nul().last(), Some(&0));
        }
        let mut joined = PathBuffer::new();
        joined.join(&parts).unwrap();
        let mut again = PathBuffer::new();
        for p in &parts {
            again.push(p).unwrap();
        }
        prop_assert_eq!(joined, again);
    }
}

#[test]
fn path_buffer_overflow_is_an_error_never_a_truncation() {
    let cap = PathBuffer::capacity();
    assert_eq!(cap, PATH_MAX - 1);
    let full = vec![b'x'; cap];
    let mut p = PathBuffer::from_bytes(&full).unwrap();
    assert_eq!(p.len(), cap);
    assert_eq!(p.as_zstr().as_bytes_with_nul().len(), PATH_MAX);
    assert_eq!(
        p.append("y"),
        Err(PathBufferError::TooLong {
            needed: cap + 1,
            capacity: cap
        })
    );
    assert_eq!(p.len(), cap, "unchanged after the error");
    // `push` needs room for the separator too.
    let mut q = PathBuffer::from_bytes(&full[..cap - 1]).unwrap();
    assert!(
        matches!(q.push("z"), Err(PathBufferError::TooLong { needed, .. }) if needed == cap + 1)
    );
    assert_eq!(q.as_bytes(), &full[..cap - 1]);
    assert!(PathBuffer::from_bytes(vec![b'a'; cap + 1]).is_err());
    // A failed join changes nothing, even after an absolute part that would have fit.
    let mut r = PathBuffer::from_bytes("/keep/me").unwrap();
    let long = vec![b'n'; cap];
    assert!(r.join(&[b"/short".as_slice(), &long]).is_err());
    assert_eq!(r.as_bytes(), b"/keep/me");
    assert_eq!(r.join(&["ok", "a\0b"]), Err(PathBufferError::InteriorNul));
    assert_eq!(r.as_bytes(), b"/keep/me");
    let io: std::io::Error = PathBufferError::InteriorNul.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        PathBufferError::TooLong {
            needed: 5000,
            capacity: cap
        }
        .to_string()
        .contains("5000")
    );
}

#[test]
fn pool_reuses_buffers_per_thread_and_hands_them_out_empty() {
    let addr = {
        let mut a = path_buffer();
        a.push("/used").unwrap();
        a.as_bytes().as_ptr()
    };
    let pooled = PooledPathBuffer::pooled();
    assert!(pooled >= 1);
    let b = path_buffer();
    assert_eq!(b.as_bytes().as_ptr(), addr, "the returned buffer is reused");
    assert!(b.is_empty(), "and comes back empty");
    assert_eq!(PooledPathBuffer::pooled(), pooled - 1);
    // Nested guards: each level gets its own buffer.
    let guards: Vec<_> = (0..12).map(|_| path_buffer()).collect();
    let mut addrs: Vec<_> = guards.iter().map(|g| g.as_bytes().as_ptr()).collect();
    addrs.push(b.as_bytes().as_ptr());
    addrs.sort();
    addrs.dedup();
    assert_eq!(addrs.len(), 13);
    drop(guards);
    drop(b);
    assert!(
        PooledPathBuffer::pooled() <= 8,
        "the pool keeps a bounded number"
    );
    // Another thread has its own pool.
    std::thread::spawn(|| assert_eq!(PooledPathBuffer::pooled(), 0))
        .join()
        .unwrap();
}

#[cfg(unix)]
#[test]
#[cfg_attr(miri, ignore = "Miri isolates the file system")]
fn path_buffer_opens_files() {
    let mut p = path_buffer();
    p.push(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .push("Cargo.toml")
        .unwrap();
    assert!(std::fs::metadata(p.as_path()).unwrap().is_file());
    p.pop();
    p.push("no-such-file").unwrap();
    let err = std::fs::File::open(p.as_path()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}
