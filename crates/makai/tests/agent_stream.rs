//! The agent_stream example's pipelines, checked: the checked-in fixture gives the checked-in
//! output in both implementations, generated streams give identical output in both, and the
//! bad-input rules (truncated lines, unknown events, bad tool arguments, unfinished streams)
//! produce their error lines without losing the rest of the stream.

#![cfg(all(
    feature = "serde",
    feature = "ptr",
    feature = "string",
    feature = "collections"
))]

#[path = "../examples/agent_stream/generate.rs"]
mod generate;
#[path = "../examples/agent_stream/makai_impl.rs"]
mod makai_impl;
#[path = "../examples/agent_stream/parse_only.rs"]
mod parse_only;
#[path = "../examples/agent_stream/sse.rs"]
mod sse;
#[path = "../examples/agent_stream/std_impl.rs"]
mod std_impl;

fn run(f: fn(&str, &mut Vec<u8>) -> usize, input: &str) -> String {
    let mut out = Vec::new();
    f(input, &mut out);
    String::from_utf8(out).expect("the output is UTF-8")
}

const FIXTURE: &str = include_str!("../examples/agent_stream/fixture.sse");
const EXPECTED: &str = include_str!("../examples/agent_stream/fixture.expected.jsonl");

#[test]
fn fixture_gives_the_checked_in_output_in_both_implementations() {
    assert_eq!(run(makai_impl::run, FIXTURE), EXPECTED, "makai");
    assert_eq!(run(std_impl::run, FIXTURE), EXPECTED, "std");
}

#[test]
fn fixture_is_what_the_generator_writes() {
    assert_eq!(
        generate::generate(400, 7),
        FIXTURE,
        "regenerate with --generate 400 --seed 7"
    );
}

#[test]
fn generated_streams_agree_between_implementations() {
    for seed in [1, 2, 3, 99] {
        let input = generate::generate(if cfg!(miri) { 60 } else { 3000 }, seed);
        assert_eq!(
            run(makai_impl::run, &input),
            run(std_impl::run, &input),
            "seed {seed}"
        );
    }
}

#[test]
fn every_mode_counts_every_event() {
    let input = generate::generate(500, 5);
    let blocks = input.matches("\ndata: ").count() + usize::from(input.starts_with("data: "));
    let mut out = Vec::new();
    assert_eq!(makai_impl::run(&input, &mut out), blocks);
    assert_eq!(std_impl::run(&input, &mut Vec::new()), blocks);
    assert_eq!(parse_only::run(&input, &mut Vec::new()), blocks);
}

#[test]
fn records_hold_the_streamed_text_and_tool_calls() {
    let input = "\
id: r1
event: message_start
data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}

id: r2
data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi \\\"there\\\"\"},\"finish_reason\":null}]}

id: r1
event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"caf\\u00e9 \"}}

id: r1
event: content_block_start
data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}

id: r1
event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}

id: r1
event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}

id: r1
event: mystery
data: {}

id: r1
event: message_delta
data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}

id: r2
data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_r

id: r1
event: message_stop
data: {\"type\":\"message_stop\"}

id: r2
data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]},\"finish_reason\":\"tool_calls\"}]}
";
    let expected = concat!(
        "{\"line\":26,\"request\":\"r1\",\"error\":\"unknown event type\"}\n",
        "{\"line\":33,\"request\":\"r2\",\"error\":\"invalid or truncated JSON in data\"}\n",
        "{\"request\":\"r1\",\"provider\":\"anthropic\",\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5-20250929\",\"role\":\"assistant\",\"text\":\"café \",\"tool_calls\":[{\"id\":\"toolu_1\",\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}],\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":3,\"output_tokens\":9}}\n",
        "{\"line\":40,\"request\":\"r2\",\"error\":\"stream ended before the message finished\"}\n",
        "{\"line\":40,\"request\":\"r2\",\"error\":\"tool call arguments are not valid JSON\"}\n",
        "{\"request\":\"r2\",\"provider\":\"openai\",\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-2024-08-06\",\"role\":\"assistant\",\"text\":\"Hi \\\"there\\\"\",\"tool_calls\":[{\"id\":\"call_1\",\"name\":\"f\",\"arguments\":null}],\"stop_reason\":\"tool_calls\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}\n",
    );
    assert_eq!(run(makai_impl::run, input), expected, "makai");
    assert_eq!(run(std_impl::run, input), expected, "std");
}

#[test]
fn a_block_without_a_request_id_is_reported() {
    let input = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    let expected = "{\"line\":2,\"request\":\"\",\"error\":\"event block has no request id\"}\n";
    assert_eq!(run(makai_impl::run, input), expected);
    assert_eq!(run(std_impl::run, input), expected);
}

#[test]
fn json_strings_are_escaped_exactly_as_serde_json_escapes_them() {
    // Every escape class at every offset inside and across the eight-byte words, plus
    // multi-byte characters and DEL (which JSON does not escape).
    let specials = [
        "\"", "\\", "\u{8}", "\u{c}", "\n", "\r", "\t", "\u{1}", "\u{1f}", "\u{7f}", "é", "€",
        "😀", " ", "~",
    ];
    for len in 0..20 {
        for special in specials {
            for at in 0..=len {
                let mut s = "a".repeat(len);
                s.insert_str(at, special);
                let mut ours = Vec::new();
                sse::json_string(&mut ours, &s);
                let theirs = serde_json::to_vec(&s).expect("a string serializes");
                assert_eq!(ours, theirs, "{s:?}");
            }
        }
    }
    let all: String = (0u8..0x80).map(char::from).collect();
    let mut ours = Vec::new();
    sse::json_string(&mut ours, &all);
    assert_eq!(ours, serde_json::to_vec(&all).expect("a string serializes"));
}
