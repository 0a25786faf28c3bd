//! The `encode` module against std, encoding_rs and (when it is the backend) simdutf.

use makai_string::encode;
use proptest::prelude::*;

/// The proptest configuration of these files: no failure file (Miri's isolation forbids the
/// file system) and, under Miri, the cheaper XorShift generator.
pub(crate) fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        rng_algorithm: if cfg!(miri) {
            proptest::test_runner::RngAlgorithm::XorShift
        } else {
            ProptestConfig::default().rng_algorithm
        },
        ..ProptestConfig::default()
    }
}

/// UTF-16 units biased towards the interesting ranges: ASCII, Latin-1, BMP, surrogates
/// (paired by chance or lone).
fn unit() -> impl Strategy<Value = u16> {
    prop_oneof![
        0u16..0x80,
        0x80u16..0x100,
        0x100u16..0xD800,
        0xD800u16..0xDC00,
        0xDC00u16..0xE000,
        0xE000u16..=0xFFFF,
    ]
}

/// Astral-heavy UTF-16: well-formed pairs mixed with ASCII and lone surrogates.
fn utf16_input() -> impl Strategy<Value = Vec<u16>> {
    prop_oneof![
        prop::collection::vec(unit(), 0..80),
        prop::collection::vec(
            prop_oneof![
                any::<char>().prop_map(|c| {
                    let mut b = [0u16; 2];
                    c.encode_utf16(&mut b).to_vec()
                }),
                (0xD800u16..0xE000).prop_map(|u| vec![u]),
                (0u16..0x80).prop_map(|u| vec![u]),
            ],
            0..40,
        )
        .prop_map(|v| v.concat()),
    ]
}

/// The std model of the WTF-8 encoding of UTF-16: lone surrogates as generalised UTF-8.
fn wtf8_model(units: &[u16]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            Err(e) => {
                let u = e.unpaired_surrogate();
                out.extend_from_slice(&[
                    0xE0 | (u >> 12) as u8,
                    0x80 | ((u >> 6) & 0x3F) as u8,
                    0x80 | (u & 0x3F) as u8,
                ]);
            }
        }
    }
    out
}

/// Whether `bytes` contain a WTF-8 surrogate sequence start (`ED A0..=BF`), where makai's
/// WTF-8 reading and std's lossy UTF-8 reading differ on purpose.
fn has_surrogate_sequence(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|w| w[0] == 0xED && w[1] >= 0xA0 && w[1] <= 0xBF)
}

#[test]
fn every_latin1_byte_round_trips() {
    let all: Vec<u8> = (0..=255u8).collect();
    let utf8 = encode::latin1_to_string(&all);
    let model: String = all.iter().map(|&b| char::from(b)).collect();
    assert_eq!(utf8, model);
    assert_eq!(encode::utf8_len_from_latin1(&all), model.len());
    let utf16 = encode::utf8_to_utf16(utf8.as_bytes());
    assert_eq!(utf16, all.iter().map(|&b| u16::from(b)).collect::<Vec<_>>());
    assert_eq!(encode::latin1_to_utf16(&all), utf16);
    assert_eq!(encode::utf16_to_string(&utf16), model);
    assert_eq!(encode::first_non_ascii(&all), Some(0x80));
    assert_eq!(encode::first_non_ascii_utf16(&utf16), Some(0x80));
    // Each byte alone and at every offset of a longer buffer (SIMD tails and heads).
    for b in 0..=255u8 {
        let pads: &[usize] = if cfg!(miri) {
            &[0, 17]
        } else {
            &[0, 1, 15, 16, 31, 63]
        };
        for &pad in pads {
            let mut input = vec![b'a'; pad];
            input.push(b);
            let want: String = input.iter().map(|&x| char::from(x)).collect();
            assert_eq!(
                encode::latin1_to_string(&input),
                want,
                "byte {b:#x} after {pad}"
            );
            let want_pos = (b >= 0x80).then_some(pad);
            assert_eq!(encode::first_non_ascii(&input), want_pos);
        }
    }
}

#[test]
fn lone_surrogates_follow_the_one_rule() {
    let units = [0x61, 0xD800, 0x62, 0xDFFF, 0xD83D, 0xDE00, 0xDBFF];
    // Bytes: WTF-8.
    let bytes = encode::utf16_to_wtf8(&units);
    assert_eq!(
        bytes,
        b"a\xED\xA0\x80b\xED\xBF\xBF\xF0\x9F\x98\x80\xED\xAF\xBF"
    );
    assert_eq!(bytes.len(), encode::utf8_len_from_utf16(&units));
    // Back to UTF-16: identity.
    assert_eq!(encode::utf8_to_utf16(&bytes), units);
    // A `str`: U+FFFD, same as std.
    let s = encode::utf16_to_string(&units);
    assert_eq!(s, String::from_utf16_lossy(&units));
    assert_eq!(s.len(), bytes.len());
    assert!(!encode::is_utf16(&units));
    assert_eq!(encode::utf16_valid_up_to(&units), 1);
    assert!(!encode::is_utf8(&bytes));
}

#[test]
fn buffers_too_small_are_errors_and_untouched() {
    let latin1 = b"caf\xE9 cr\xE8me br\xFBl\xE9e";
    let need = encode::utf8_len_from_latin1(latin1);
    for len in 0..need {
        let mut dst = vec![0xAAu8; len];
        let err = encode::latin1_to_utf8_into(latin1, &mut dst).unwrap_err();
        assert_eq!(err.needed(), need);
        assert!(
            dst.iter().all(|&b| b == 0xAA),
            "written into a {len}-byte buffer"
        );
    }
    let mut exact = vec![0u8; need];
    assert_eq!(encode::latin1_to_utf8_into(latin1, &mut exact), Ok(need));
    assert_eq!(exact, "café crème brûlée".as_bytes());

    let units: Vec<u16> = "日本語😀".encode_utf16().chain([0xD800]).collect();
    let need = encode::utf8_len_from_utf16(&units);
    assert_eq!(need, 9 + 4 + 3);
    for len in 0..need {
        let mut dst = vec![0u8; len];
        let err = encode::utf16_to_utf8_into(&units, &mut dst).unwrap_err();
        assert_eq!(err.needed(), need);
        assert!(dst.iter().all(|&b| b == 0));
    }
    let mut exact = vec![0u8; need];
    assert_eq!(encode::utf16_to_utf8_into(&units, &mut exact), Ok(need));

    let bytes = "日本語😀\u{FF}".as_bytes();
    let need = encode::utf16_len_from_utf8(bytes);
    assert_eq!(need, 3 + 2 + 1);
    let mut dst = vec![0u16; need - 1];
    assert_eq!(
        encode::utf8_to_utf16_into(bytes, &mut dst)
            .unwrap_err()
            .needed(),
        need
    );
    let mut dst = vec![0u16; 2];
    assert_eq!(
        encode::latin1_to_utf16_into(b"abc", &mut dst)
            .unwrap_err()
            .needed(),
        3
    );
    assert!(encode::latin1_to_utf16_into(b"", &mut []).is_ok());
}

#[test]
fn case_insensitive_helpers_edges() {
    assert!(encode::eq_ignore_ascii_case(b"", b""));
    assert!(!encode::eq_ignore_ascii_case(b"a", b""));
    assert!(encode::eq_ignore_ascii_case(
        b"ACCEPT-ENCODING: GZIP, DEFLATE",
        b"accept-encoding: gzip, deflate"
    ));
    // '@' and '[' sit just outside 'A'..='Z'; '`' and '{' just outside 'a'..='z'.
    assert!(!encode::eq_ignore_ascii_case(b"@@@@@@@@[", b"````````{"));
    assert!(encode::starts_with_ignore_ascii_case(b"anything", b""));
    assert!(!encode::starts_with_ignore_ascii_case(b"", b"x"));
}

#[test]
fn search_helpers_edges() {
    assert_eq!(encode::index_of_byte(b"", b'a'), None);
    assert_eq!(encode::last_index_of_byte(b"a.b.c", b'.'), Some(3));
    let long: Vec<u8> = (0..1000)
        .map(|i| b'a' + (i % 20) as u8)
        .chain([b'~'])
        .collect();
    assert_eq!(encode::index_of_any(&long, b"~!@#$"), Some(1000));
    assert_eq!(encode::index_of_any(&long, b"~!"), Some(1000));
    assert_eq!(encode::find(b"abc", b""), Some(0));
    assert_eq!(encode::rfind(b"abc", b""), Some(3));
    assert_eq!(encode::find(b"abc", b"abcd"), None);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn latin1_round_trip_matches_std_and_encoding_rs(latin1 in prop::collection::vec(any::<u8>(), 0..200)) {
        let model: String = latin1.iter().map(|&b| char::from(b)).collect();
        let utf8 = encode::latin1_to_string(&latin1);
        prop_assert_eq!(&utf8, &model);
        prop_assert_eq!(encode::utf8_len_from_latin1(&latin1), model.len());
        let mut peer = vec![0u8; latin1.len() * 2];
        let n = encoding_rs::mem::convert_latin1_to_utf8(&latin1, &mut peer);
        prop_assert_eq!(&peer[..n], utf8.as_bytes());
        // Latin-1 -> UTF-8 -> UTF-16 -> UTF-8.
        let utf16 = encode::utf8_to_utf16(utf8.as_bytes());
        prop_assert_eq!(&utf16, &model.encode_utf16().collect::<Vec<_>>());
        prop_assert_eq!(&encode::latin1_to_utf16(&latin1), &utf16);
        prop_assert_eq!(encode::utf16_to_string(&utf16), model);
        prop_assert_eq!(encode::first_non_ascii(&latin1), latin1.iter().position(|&b| b >= 0x80));
        prop_assert_eq!(encode::is_ascii(&latin1), latin1.is_ascii());
    }

    #[test]
    fn utf16_matches_std_and_round_trips(units in utf16_input()) {
        let wtf8 = encode::utf16_to_wtf8(&units);
        prop_assert_eq!(&wtf8, &wtf8_model(&units));
        prop_assert_eq!(encode::utf8_len_from_utf16(&units), wtf8.len());
        prop_assert_eq!(encode::utf8_to_utf16(&wtf8), units.clone());
        prop_assert_eq!(encode::utf16_len_from_utf8(&wtf8), units.len());
        let s = encode::utf16_to_string(&units);
        prop_assert_eq!(&s, &String::from_utf16_lossy(&units));
        let valid = String::from_utf16(&units).is_ok();
        prop_assert_eq!(encode::is_utf16(&units), valid);
        prop_assert_eq!(encode::is_utf8(&wtf8), valid);
        let first_lone = char::decode_utf16(units.iter().copied())
            .scan(0usize, |at, r| {
                let here = *at;
                *at += r.as_ref().map_or(1, |c| c.len_utf16());
                Some((here, r.is_err()))
            })
            .find(|&(_, bad)| bad)
            .map_or(units.len(), |(at, _)| at);
        prop_assert_eq!(encode::utf16_valid_up_to(&units), first_lone);
        prop_assert_eq!(encode::first_non_ascii_utf16(&units), units.iter().position(|&u| u >= 0x80));
        // encoding_rs replaces lone surrogates, as the `str` side of the rule does.
        let mut peer = vec![0u8; units.len() * 3];
        let n = encoding_rs::mem::convert_utf16_to_utf8(&units, &mut peer);
        prop_assert_eq!(&peer[..n], s.as_bytes());
    }

    #[test]
    fn strings_round_trip_through_utf16(s in any::<String>()) {
        let utf16 = encode::utf8_to_utf16(s.as_bytes());
        prop_assert_eq!(&utf16, &s.encode_utf16().collect::<Vec<_>>());
        prop_assert_eq!(encode::utf16_len_from_utf8(s.as_bytes()), utf16.len());
        prop_assert_eq!(&encode::utf16_to_wtf8(&utf16), s.as_bytes());
        prop_assert_eq!(encode::utf16_to_string(&utf16), s.clone());
        let mut peer = vec![0u16; s.len()];
        let n = encoding_rs::mem::convert_str_to_utf16(&s, &mut peer);
        prop_assert_eq!(&peer[..n], &utf16[..]);
        prop_assert!(encode::is_utf8(s.as_bytes()));
    }

    #[test]
    fn arbitrary_bytes_decode_like_from_utf8_lossy(bytes in prop::collection::vec(
        prop_oneof![any::<u8>(), 0x80u8..0xC0, Just(0xEDu8), 0xF0u8..0xF5], 0..100)
    ) {
        let units = encode::utf8_to_utf16(&bytes);
        prop_assert_eq!(encode::utf16_len_from_utf8(&bytes), units.len());
        let valid_up_to = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| bytes.len());
        prop_assert_eq!(encode::utf8_valid_up_to(&bytes), valid_up_to);
        prop_assert_eq!(encode::is_utf8(&bytes), valid_up_to == bytes.len());
        if !has_surrogate_sequence(&bytes) {
            let model: Vec<u16> = String::from_utf8_lossy(&bytes).encode_utf16().collect();
            prop_assert_eq!(&units, &model);
            let mut peer = vec![0u16; bytes.len() + 1];
            let n = encoding_rs::mem::convert_utf8_to_utf16(&bytes, &mut peer);
            prop_assert_eq!(&peer[..n], &model[..]);
        }
    }

    #[test]
    fn case_insensitive_and_search_match_std(
        a in prop::collection::vec(prop_oneof![b'@'..=b'`', any::<u8>()], 0..40),
        flips in prop::collection::vec(any::<bool>(), 40),
        needle in any::<u8>(),
        set in prop::collection::vec(any::<u8>(), 0..6),
    ) {
        let b: Vec<u8> = a.iter().zip(&flips).map(|(&x, &f)| if f { x ^ 0x20 } else { x }).collect();
        prop_assert_eq!(encode::eq_ignore_ascii_case(&a, &b), a.eq_ignore_ascii_case(&b));
        let cut = b.len() / 2;
        prop_assert_eq!(
            encode::starts_with_ignore_ascii_case(&a, &b[..cut]),
            a.len() >= cut && a[..cut].eq_ignore_ascii_case(&b[..cut])
        );
        prop_assert_eq!(encode::index_of_byte(&a, needle), a.iter().position(|&x| x == needle));
        prop_assert_eq!(encode::last_index_of_byte(&a, needle), a.iter().rposition(|&x| x == needle));
        prop_assert_eq!(encode::index_of_any(&a, &set), a.iter().position(|x| set.contains(x)));
        if cut > 0 {
            let model = a.windows(cut).position(|w| w == &b[..cut]);
            prop_assert_eq!(encode::find(&a, &b[..cut]), model);
        }
    }
}

/// simdutf called directly agrees with `encode` (which uses the portable loops for short
/// inputs, so this also compares the two backends).
#[cfg(all(
    feature = "simdutf",
    any(target_arch = "x86_64", target_arch = "aarch64"),
    not(miri)
))]
mod against_simdutf {
    use super::*;

    proptest! {
    #![proptest_config(config())]

        #[test]
        fn valid_text_transcodes_like_simdutf(s in any::<String>()) {
            assert!(encode::uses_simdutf());
            let units: Vec<u16> = s.encode_utf16().collect();
            let mut peer = vec![0u8; simdutf::utf8_length_from_utf16(&units)];
            // SAFETY: `peer` holds the output and `units` is well-formed.
            let n = unsafe {
                simdutf::convert_valid_utf16_to_utf8(units.as_ptr(), units.len(), peer.as_mut_ptr())
            };
            prop_assert_eq!(&peer[..n], &encode::utf16_to_wtf8(&units)[..]);
            prop_assert_eq!(simdutf::utf16_length_from_utf8(s.as_bytes()), encode::utf16_len_from_utf8(s.as_bytes()));
            prop_assert_eq!(simdutf::validate_utf16(&units), encode::is_utf16(&units));
        }
    }
}

/// Valid text long enough for every backend path: ASCII, Latin-1, CJK and astral runs.
fn long_valid_text(len_chars: usize) -> String {
    "plain text, café crème, 漢字かな, 😀🎉 and more "
        .chars()
        .cycle()
        .take(len_chars)
        .collect()
}

/// The `_into` result for each interesting destination size: too short by one, exact, one
/// more, the worst case less one, the worst case, and more.
fn destination_sizes(needed: usize, worst: usize) -> Vec<usize> {
    let mut sizes = vec![
        needed,
        needed + 1,
        worst.saturating_sub(1),
        worst,
        worst + 7,
    ];
    if needed > 0 {
        sizes.push(needed - 1);
    }
    sizes
}

#[test]
fn lone_surrogates_anywhere_convert_the_same_in_every_buffer() {
    // Short inputs take the portable loops, longer ones the one-pass SIMD call (when it is
    // compiled in) with its fallback; every position and buffer size must agree with std.
    let lens: &[usize] = if cfg!(miri) {
        &[0, 3, 20]
    } else {
        &[0, 1, 5, 15, 16, 17, 40, 300, 5000]
    };
    for &len in lens {
        let base: Vec<u16> = long_valid_text(len).encode_utf16().collect();
        let n = base.len();
        let mut positions = vec![0, n / 2, n];
        if n > 1 {
            positions.extend([1, n - 1]);
        }
        for pos in positions {
            for lone in [0xD800u16, 0xDBFF, 0xDC00, 0xDFFF] {
                let mut units = base.clone();
                units.insert(pos, lone);
                let model = wtf8_model(&units);
                assert_eq!(encode::utf16_to_wtf8(&units), model, "len {len} at {pos}");
                assert_eq!(
                    encode::utf16_to_string(&units),
                    String::from_utf16_lossy(&units)
                );
                let worst = encode::max_utf8_len_from_utf16(units.len());
                for size in destination_sizes(model.len(), worst) {
                    let mut dst = vec![0xAAu8; size];
                    match encode::utf16_to_utf8_into(&units, &mut dst) {
                        Ok(w) => {
                            assert!(size >= model.len());
                            assert_eq!(&dst[..w], &model[..], "len {len} at {pos}, dst {size}");
                        }
                        Err(e) => {
                            assert!(size < model.len(), "len {len} at {pos}, dst {size}");
                            assert_eq!(e.needed(), model.len());
                            assert!(dst.iter().all(|&b| b == 0xAA));
                        }
                    }
                }
            }
        }
        // And the same text well-formed, in every buffer.
        let model = wtf8_model(&base);
        assert_eq!(
            encode::utf16_to_string(&base),
            String::from_utf16(&base).unwrap()
        );
        for size in destination_sizes(model.len(), encode::max_utf8_len_from_utf16(n)) {
            let mut dst = vec![0u8; size];
            let r = encode::utf16_to_utf8_into(&base, &mut dst);
            assert_eq!(r.is_ok(), size >= model.len());
            if let Ok(w) = r {
                assert_eq!(&dst[..w], &model[..]);
            }
        }
    }
}

#[test]
fn invalid_utf8_anywhere_converts_the_same_in_every_buffer() {
    let lens: &[usize] = if cfg!(miri) {
        &[0, 3, 20]
    } else {
        &[0, 1, 5, 15, 16, 17, 40, 300, 5000]
    };
    // Each invalid piece and the units it decodes to: a lone byte, a cut sequence (one
    // maximal subpart), an overlong form (two subparts) and a WTF-8 surrogate.
    let pieces: [(&[u8], &[u16]); 4] = [
        (b"\xFF", &[0xFFFD]),
        (b"\xE2\x82", &[0xFFFD]),
        (b"\xC0\x80", &[0xFFFD, 0xFFFD]),
        (b"\xED\xA0\x80", &[0xD800]),
    ];
    for &len in lens {
        let text = long_valid_text(len);
        let mut positions: Vec<usize> = vec![0, text.len()];
        let mid = (0..=text.len() / 2)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        positions.push(mid);
        if let Some((i, _)) = text.char_indices().nth(1) {
            positions.push(i);
        }
        if let Some((i, _)) = text.char_indices().last() {
            positions.push(i);
        }
        for pos in positions {
            for (bad, decoded) in pieces {
                let (head, tail) = text.split_at(pos);
                let bytes = [head.as_bytes(), bad, tail.as_bytes()].concat();
                let model: Vec<u16> = head
                    .encode_utf16()
                    .chain(decoded.iter().copied())
                    .chain(tail.encode_utf16())
                    .collect();
                assert_eq!(encode::utf8_to_utf16(&bytes), model, "len {len} at {pos}");
                for size in destination_sizes(model.len(), bytes.len()) {
                    let mut dst = vec![0xAAAAu16; size];
                    match encode::utf8_to_utf16_into(&bytes, &mut dst) {
                        Ok(w) => {
                            assert!(size >= model.len());
                            assert_eq!(&dst[..w], &model[..], "len {len} at {pos}, dst {size}");
                        }
                        Err(e) => {
                            assert!(size < model.len(), "len {len} at {pos}, dst {size}");
                            assert_eq!(e.needed(), model.len());
                            assert!(dst.iter().all(|&u| u == 0xAAAA));
                        }
                    }
                }
            }
        }
    }
}
