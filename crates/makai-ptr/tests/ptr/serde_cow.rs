//! serde (feature `serde`): deserializing borrows what the input holds as it is and owns only
//! what the format had to build; every type round-trips through serde_json.

use makai_ptr::{CowBytes, CowCStr, CowSlice, CowStr, MaybeOwned};
use serde::{Deserialize, Serialize};

/// The shape of a streaming event, as a first real program declared it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Event<'a> {
    #[serde(borrow)]
    r#type: CowStr<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    text: Option<CowStr<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    id: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    tags: Vec<CowStr<'a>>,
}

/// Whether `s` points into `input`.
fn inside(s: &str, input: &str) -> bool {
    let range = input.as_bytes().as_ptr_range();
    range.contains(&s.as_ptr()) || s.is_empty()
}

#[test]
fn unescaped_strings_borrow_and_escaped_ones_own() {
    let line = r#"{"type":"content_block_delta","text":"line\nbreak","id":"msg_01","tags":["a","\u00e9","b"]}"#;
    let e: Event<'_> = serde_json::from_str(line).unwrap();
    assert_eq!(e.r#type, "content_block_delta");
    assert!(!e.r#type.is_owned() && inside(&e.r#type, line));
    let text = e.text.as_ref().unwrap();
    assert_eq!(text, "line\nbreak");
    assert!(text.is_owned() && !inside(text, line));
    let id = e.id.as_ref().unwrap();
    assert!(!id.is_owned() && inside(id, line));
    let owned: Vec<bool> = e.tags.iter().map(CowStr::is_owned).collect();
    assert_eq!(owned, [false, true, false]);
    assert_eq!(e.tags[1], "é");
}

#[test]
fn missing_and_null_options() {
    let e: Event<'_> = serde_json::from_str(r#"{"type":"ping","text":null}"#).unwrap();
    assert_eq!((e.text, e.id, e.tags.len()), (None, None, 0));
}

#[test]
fn json_round_trips() {
    let src = Event {
        r#type: CowStr::borrowed("message_start"),
        text: Some(CowStr::copy_of("quote \" and \\ and é and \u{1}")),
        id: None,
        tags: vec![CowStr::borrowed(""), CowStr::from_string("x".repeat(40))],
    };
    let json = serde_json::to_string(&src).unwrap();
    let back: Event<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, src);
    // Through serde_json::Value (owned strings handed over) as well.
    let value: serde_json::Value = serde_json::to_value(&src).unwrap();
    {
        let back = Event::deserialize(&value).unwrap();
        assert_eq!(back, src);
        assert!(
            !back.r#type.is_owned(),
            "a Value's strings are borrowed from it"
        );
    }
    let back = Event::deserialize(value).unwrap();
    assert!(
        back.r#type.is_owned(),
        "an owned Value hands its Strings over"
    );
    assert_eq!(back, src);
}

#[test]
fn from_a_reader_everything_is_owned() {
    let json = br#"["plain","also plain"]"#;
    // `from_reader` asks for `DeserializeOwned`, which a borrowing type is not (like `&str`);
    // a reader's deserializer works for any input lifetime, so `'static` values come out.
    let mut de = serde_json::Deserializer::from_reader(&json[..]);
    let v: Vec<CowStr<'static>> = Vec::deserialize(&mut de).unwrap();
    assert_eq!(v, ["plain", "also plain"]);
    assert!(v.iter().all(CowStr::is_owned));
}

#[test]
fn cow_str_rejects_non_strings_and_bad_utf8() {
    assert!(serde_json::from_str::<CowStr<'_>>("12").is_err());
    // Bytes that are not UTF-8 cannot become a CowStr.
    let bad: &[u8] = b"\xff";
    let d = serde::de::value::BorrowedBytesDeserializer::<serde::de::value::Error>::new(bad);
    assert!(CowStr::deserialize(d).is_err());
    let ok: &[u8] = "é".as_bytes();
    let d = serde::de::value::BorrowedBytesDeserializer::<serde::de::value::Error>::new(ok);
    let s = CowStr::deserialize(d).unwrap();
    assert!(!s.is_owned() && s == "é");
}

#[test]
fn bytes_borrow_strings_and_own_arrays() {
    let input = r#"["raw",[0,159,255],"esc\"aped"]"#;
    let v: Vec<CowBytes<'_>> = serde_json::from_str(input).unwrap();
    assert_eq!(&*v[0], b"raw");
    assert!(!v[0].is_owned());
    assert_eq!(&*v[1], &[0, 159, 255]);
    assert!(v[1].is_owned());
    assert_eq!(&*v[2], b"esc\"aped");
    assert!(v[2].is_owned());
    // Serialized as bytes: serde_json writes an array, which reads back owned.
    let json = serde_json::to_string(&CowSlice::borrowed(&b"\x00\xff"[..])).unwrap();
    assert_eq!(json, "[0,255]");
    let back: CowBytes<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(&*back, b"\x00\xff");
    assert!(serde_json::from_str::<CowBytes<'_>>("[256]").is_err());
    assert!(serde_json::from_str::<CowBytes<'_>>("{}").is_err());
}

#[test]
fn c_strings_copy_check_nul_and_borrow_with_a_terminator() {
    let c: CowCStr<'_> = serde_json::from_str(r#""/tmp/x""#).unwrap();
    assert_eq!(c.as_bytes_with_nul(), b"/tmp/x\0");
    assert!(c.is_owned());
    assert!(serde_json::from_str::<CowCStr<'_>>(r#""a\u0000b""#).is_err());
    // A trailing NUL is the terminator, and then the input can stay borrowed.
    let with_nul: &[u8] = b"ls\0";
    let d = serde::de::value::BorrowedBytesDeserializer::<serde::de::value::Error>::new(with_nul);
    let c = CowCStr::deserialize(d).unwrap();
    assert!(!c.is_owned() && c.as_ptr().cast::<u8>() == with_nul.as_ptr());
    let empty: CowCStr<'_> = serde_json::from_str(r#""""#).unwrap();
    assert!(empty.is_empty());
    // Round trip: serialized as its bytes without the NUL.
    let json = serde_json::to_string(&CowCStr::borrowed(c"ab")).unwrap();
    assert_eq!(json, "[97,98]");
    let back: CowCStr<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, CowCStr::borrowed(c"ab"));
    assert!(serde_json::from_str::<CowCStr<'_>>("[97,0,98]").is_err());
}

#[test]
fn maybe_owned_serializes_the_value_and_deserializes_owned() {
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Limits {
        retries: u32,
    }
    let shared = Limits { retries: 3 };
    let m: MaybeOwned<'_, Limits> = MaybeOwned::Borrowed(&shared);
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(json, r#"{"retries":3}"#);
    let back: MaybeOwned<'_, Limits> = serde_json::from_str(&json).unwrap();
    assert!(back.is_owned());
    assert_eq!(*back, shared);
    let s: MaybeOwned<'_, str> = serde_json::from_str(r#""text""#).unwrap();
    assert_eq!(&*s, "text");
}

#[test]
fn generic_slices_through_serde_seq() {
    #[derive(Serialize, Deserialize)]
    struct Doc<'a> {
        #[serde(with = "makai_ptr::serde_seq")]
        words: CowSlice<'a, String>,
    }
    let words = vec!["a".to_string(), "b\"c".to_string()];
    let json = serde_json::to_string(&Doc {
        words: CowSlice::borrowed(&words),
    })
    .unwrap();
    assert_eq!(json, r#"{"words":["a","b\"c"]}"#);
    let back: Doc<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(&*back.words, &words[..]);
    assert!(serde_json::from_str::<Doc<'_>>(r#"{"words":"x"}"#).is_err());
}
