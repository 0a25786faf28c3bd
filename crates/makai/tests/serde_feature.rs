//! `makai = { features = ["serde"] }` forwards `serde` to the crates that have such types.
#![cfg(all(feature = "serde", feature = "ptr", feature = "string"))]

use makai::ptr::CowStr;
use makai::string::{SmolStr, Str};

#[derive(serde::Deserialize, serde::Serialize)]
struct Event<'a> {
    #[serde(borrow)]
    model: CowStr<'a>,
    #[serde(borrow)]
    delta: Option<CowStr<'a>>,
    kind: Str,
    scratch: SmolStr,
}

#[test]
fn facade_types_deserialize_and_borrow() {
    let line = r#"{"model":"claude","delta":"a\"b","kind":"message_delta","scratch":"s"}"#;
    let e: Event<'_> = serde_json::from_str(line).unwrap();
    assert!(!e.model.is_owned());
    assert!(e.delta.as_ref().unwrap().is_owned());
    assert_eq!(
        (e.kind.as_str(), e.scratch.as_str()),
        ("message_delta", "s")
    );
    assert_eq!(serde_json::to_string(&e).unwrap(), line);
}
