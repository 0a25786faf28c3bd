//! serde (feature `serde`) for `Str` and `SmolStr` with serde_json: escaped and unescaped
//! input, round trips, and no intermediate `String` for short unescaped strings.

use makai_ptr::CowStr;
use makai_string::{SmolStr, Str};
use serde::{Deserialize, Serialize};

use super::counted;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Record<'a> {
    model: Str,
    stop_reason: Option<Str>,
    scratch: SmolStr,
    #[serde(borrow)]
    delta: CowStr<'a>,
}

#[test]
fn escaped_and_unescaped_input_and_round_trips() {
    let line = r#"{"model":"claude-sonnet-4-5-20250929","stop_reason":"end_turn","scratch":"tab\there","delta":"caf\u00e9"}"#;
    let r: Record<'_> = serde_json::from_str(line).unwrap();
    assert_eq!(r.model, "claude-sonnet-4-5-20250929");
    assert_eq!(r.stop_reason.as_deref(), Some("end_turn"));
    assert!(r.stop_reason.as_ref().unwrap().is_inline());
    assert_eq!(r.scratch, "tab\there");
    assert_eq!((r.delta.as_str(), r.delta.is_owned()), ("café", true));
    let json = serde_json::to_string(&r).unwrap();
    let back: Record<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    assert!(
        !back.delta.is_owned(),
        "serde_json writes é unescaped, so it borrows now"
    );
    let null: Record<'_> =
        serde_json::from_str(r#"{"model":"m","stop_reason":null,"scratch":"","delta":""}"#)
            .unwrap();
    assert_eq!(null.stop_reason, None);
}

#[test]
fn short_unescaped_strings_allocate_nothing_and_long_ones_once() {
    let (s, allocs, _) = counted(|| serde_json::from_str::<Str>(r#""message_delta""#).unwrap());
    assert_eq!((s.as_str(), allocs), ("message_delta", 0));
    let (s, allocs, _) = counted(|| serde_json::from_str::<SmolStr>(r#""ping""#).unwrap());
    assert_eq!((s.as_str(), allocs), ("ping", 0));
    let long = format!("\"{}\"", "x".repeat(100));
    let (s, allocs, _) = counted(|| serde_json::from_str::<Str>(&long).unwrap());
    assert_eq!(
        (s.len(), allocs),
        (100, 1),
        "one heap buffer, no intermediate String"
    );
    // An owned `Value` hands its `String` over: adopted, not copied.
    let value = serde_json::Value::String("y".repeat(64));
    let (s, allocs, _) = counted(|| Str::deserialize(value).unwrap());
    assert_eq!(s.len(), 64);
    assert!(
        allocs <= 1,
        "adopting allocates at most the header: {allocs}"
    );
}
