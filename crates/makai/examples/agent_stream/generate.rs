//! The deterministic fixture generator: `agent_stream --generate N` writes about `N` events of
//! several chat-completion streams interleaved in one Server-Sent-Events file.
//!
//! Every event block carries the request it belongs to in the SSE `id:` field (the way a proxy
//! that multiplexes several upstream streams into one log would tag them), then the `event:`
//! line (Anthropic shape only) and one `data:` line:
//!
//! ```text
//! id: req_5kD2...
//! event: content_block_delta
//! data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}
//!
//! ```
//!
//! The shapes follow the public streaming formats: Anthropic's `message_start`,
//! `content_block_start/delta/stop` (`text_delta`, `input_json_delta`), `message_delta` with
//! usage, `message_stop`, `ping`; and OpenAI's `chat.completion.chunk` objects with content
//! and tool-call deltas, a finishing chunk, a usage chunk and `data: [DONE]`.
//!
//! The mix is what such logs contain: ids of 28–38 bytes, real model names, text deltas of
//! 1–10 bytes of which about a fifth carry a JSON escape or non-ASCII text, tool arguments
//! streamed in 1–8 byte fragments, a few unknown event types, and one data line in 25 cut
//! short (a truncated write).

use std::fmt::Write as _;

/// A small deterministic PRNG (xorshift64*), so the same `N` and seed give the same bytes on
/// every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const ANTHROPIC_MODELS: &[&str] = &[
    "claude-sonnet-4-5-20250929",
    "claude-opus-4-1-20250805",
    "claude-haiku-4-5-20251001",
];
const OPENAI_MODELS: &[&str] = &["gpt-4o-2024-08-06", "gpt-4.1-mini-2025-04-14"];
const TOOLS: &[(&str, &str)] = &[
    (
        "get_weather",
        r#"{"location":"San Francisco, CA","unit":"celsius"}"#,
    ),
    (
        "search_web",
        r#"{"query":"rust arena allocator benchmarks","max_results":5}"#,
    ),
    (
        "read_file",
        r#"{"path":"/srv/app/config/settings.toml","offset":0}"#,
    ),
    (
        "run_shell",
        r#"{"command":"cargo test --release","timeout_ms":120000}"#,
    ),
    (
        "lookup_order",
        r#"{"order_id":"A-1029-77","fields":["status","eta","carrier"]}"#,
    ),
];
/// Plain ASCII words the text deltas are cut from.
const WORDS: &[&str] = &[
    "The",
    " answer",
    " is",
    " that",
    " the",
    " allocator",
    " returns",
    " memory",
    " from",
    " a",
    " per",
    "-request",
    " arena",
    ",",
    " so",
    " freeing",
    " it",
    " costs",
    " one",
    " call",
    ".",
    " Let",
    " me",
    " check",
    " the",
    " weather",
    " first",
    " and",
    " then",
    " summarise",
    " results",
    " for",
    " you",
    " in",
    " order",
    ":",
];
/// Pieces that need a JSON escape or are not ASCII (about a fifth of the deltas).
const SPECIAL: &[&str] = &[
    "\"quoted\"",
    "\n\n",
    "café",
    "naïve",
    "日本語",
    "→",
    "😀",
    "\\path",
    "tab\there",
    "é",
    "“ok”",
    "Zürich",
    "\u{1F680}",
    "line\nbreak",
];

/// Writes the whole fixture for about `events` events into a string.
pub(crate) fn generate(events: usize, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut out = String::with_capacity(events * 170);
    // Twelve requests in flight at once, each a queue of pending blocks; the generator picks a
    // random live request for every next event, which interleaves them as a proxy log would.
    let mut live: Vec<Vec<Block>> = Vec::new();
    let mut written = 0;
    let mut message_seq = 0usize;
    while written < events {
        while live.len() < 12 && written + live.iter().map(Vec::len).sum::<usize>() < events {
            message_seq += 1;
            live.push(message(&mut rng, message_seq));
        }
        if live.is_empty() {
            break;
        }
        let slot = rng.below(live.len());
        let block = live[slot].remove(0);
        if live[slot].is_empty() {
            live.swap_remove(slot);
        }
        write_block(&mut rng, &mut out, &block);
        written += 1;
    }
    // Whatever is still queued ends the file as it would if the log were cut: nothing more.
    out
}

/// One event block before it is written.
struct Block {
    request: String,
    event: Option<&'static str>,
    data: String,
}

/// `prefix` followed by base-62 characters, `lo..=hi` bytes in all.
fn id(rng: &mut Rng, prefix: &str, lo: usize, hi: usize) -> String {
    let total = rng.range(lo, hi);
    let mut s = String::with_capacity(total);
    s.push_str(prefix);
    while s.len() < total {
        s.push(BASE62[rng.below(BASE62.len())] as char);
    }
    s
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a str always serializes")
}

/// A text delta of 1–10 bytes; about a fifth need an escape or are not ASCII.
fn text_piece(rng: &mut Rng) -> String {
    let mut piece = String::new();
    if rng.chance(20) {
        piece.push_str(rng.pick(SPECIAL));
    } else {
        while piece.is_empty() || (piece.len() < 4 && rng.chance(40)) {
            piece.push_str(rng.pick(WORDS));
        }
    }
    // Keep deltas within 1–10 bytes, cutting on a char boundary.
    while piece.len() > 10 {
        piece.pop();
    }
    piece
}

/// Splits `s` into fragments of 1–8 bytes, on char boundaries.
fn fragments(rng: &mut Rng, s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut n = rng.range(1, 8).min(rest.len());
        while !rest.is_char_boundary(n) {
            n += 1;
        }
        out.push(rest[..n].to_owned());
        rest = &rest[n..];
    }
    out
}

fn message(rng: &mut Rng, seq: usize) -> Vec<Block> {
    let request = id(rng, "req_", 24, 30);
    let _ = seq;
    if rng.chance(70) {
        anthropic(rng, &request)
    } else {
        openai(rng, &request)
    }
}

fn anthropic(rng: &mut Rng, request: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut push = |event: &'static str, data: String| {
        blocks.push(Block {
            request: request.to_owned(),
            event: Some(event),
            data,
        });
    };
    let msg_id = id(rng, "msg_01", 28, 38);
    let model = rng.pick(ANTHROPIC_MODELS);
    let input_tokens = rng.range(12, 4000);
    push(
        "message_start",
        format!(
            r#"{{"type":"message_start","message":{{"id":"{msg_id}","type":"message","role":"assistant","model":"{model}","content":[],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":{input_tokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}}}}"#
        ),
    );
    push("ping", r#"{"type": "ping"}"#.to_owned());
    let mut index = 0;
    let mut output_tokens = 1;
    let text_deltas = rng.range(4, 50);
    push(
        "content_block_start",
        format!(
            r#"{{"type":"content_block_start","index":{index},"content_block":{{"type":"text","text":""}}}}"#
        ),
    );
    for _ in 0..text_deltas {
        let text = json_str(&text_piece(rng));
        output_tokens += 1;
        push(
            "content_block_delta",
            format!(
                r#"{{"type":"content_block_delta","index":{index},"delta":{{"type":"text_delta","text":{text}}}}}"#
            ),
        );
        if rng.chance(2) {
            push("ping", r#"{"type": "ping"}"#.to_owned());
        }
    }
    push(
        "content_block_stop",
        format!(r#"{{"type":"content_block_stop","index":{index}}}"#),
    );
    let tools = if rng.chance(35) { rng.range(1, 2) } else { 0 };
    for _ in 0..tools {
        index += 1;
        let (name, args) = TOOLS[rng.below(TOOLS.len())];
        let tool_id = id(rng, "toolu_01", 28, 34);
        push(
            "content_block_start",
            format!(
                r#"{{"type":"content_block_start","index":{index},"content_block":{{"type":"tool_use","id":"{tool_id}","name":"{name}","input":{{}}}}}}"#
            ),
        );
        for fragment in fragments(rng, args) {
            let partial = json_str(&fragment);
            output_tokens += 1;
            push(
                "content_block_delta",
                format!(
                    r#"{{"type":"content_block_delta","index":{index},"delta":{{"type":"input_json_delta","partial_json":{partial}}}}}"#
                ),
            );
        }
        push(
            "content_block_stop",
            format!(r#"{{"type":"content_block_stop","index":{index}}}"#),
        );
    }
    if rng.chance(3) {
        push(
            "content_block_annotation",
            r#"{"type":"content_block_annotation","index":0}"#.to_owned(),
        );
    }
    let stop = if tools > 0 {
        "tool_use"
    } else if rng.chance(10) {
        "max_tokens"
    } else {
        "end_turn"
    };
    push(
        "message_delta",
        format!(
            r#"{{"type":"message_delta","delta":{{"stop_reason":"{stop}","stop_sequence":null}},"usage":{{"output_tokens":{output_tokens}}}}}"#
        ),
    );
    push("message_stop", r#"{"type":"message_stop"}"#.to_owned());
    blocks
}

fn openai(rng: &mut Rng, request: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let chat_id = id(rng, "chatcmpl-", 28, 38);
    let model = rng.pick(OPENAI_MODELS);
    let created = 1_764_000_000 + rng.below(1_000_000);
    let fp = id(rng, "fp_", 13, 13);
    let head = format!(
        r#"{{"id":"{chat_id}","object":"chat.completion.chunk","created":{created},"model":"{model}","service_tier":"default","system_fingerprint":"{fp}","choices":"#
    );
    let mut push = |data: String| {
        blocks.push(Block {
            request: request.to_owned(),
            event: None,
            data,
        });
    };
    push(format!(
        r#"{head}[{{"index":0,"delta":{{"role":"assistant","content":"","refusal":null}},"logprobs":null,"finish_reason":null}}]}}"#
    ));
    let mut completion_tokens = 0;
    for _ in 0..rng.range(4, 50) {
        let text = json_str(&text_piece(rng));
        completion_tokens += 1;
        push(format!(
            r#"{head}[{{"index":0,"delta":{{"content":{text}}},"logprobs":null,"finish_reason":null}}]}}"#
        ));
    }
    let tools = if rng.chance(35) { rng.range(1, 2) } else { 0 };
    for t in 0..tools {
        let (name, args) = TOOLS[rng.below(TOOLS.len())];
        let call_id = id(rng, "call_", 28, 32);
        push(format!(
            r#"{head}[{{"index":0,"delta":{{"tool_calls":[{{"index":{t},"id":"{call_id}","type":"function","function":{{"name":"{name}","arguments":""}}}}]}},"logprobs":null,"finish_reason":null}}]}}"#
        ));
        for fragment in fragments(rng, args) {
            let partial = json_str(&fragment);
            completion_tokens += 1;
            push(format!(
                r#"{head}[{{"index":0,"delta":{{"tool_calls":[{{"index":{t},"function":{{"arguments":{partial}}}}}]}},"logprobs":null,"finish_reason":null}}]}}"#
            ));
        }
    }
    let finish = if tools > 0 {
        "tool_calls"
    } else if rng.chance(10) {
        "length"
    } else {
        "stop"
    };
    push(format!(
        r#"{head}[{{"index":0,"delta":{{}},"logprobs":null,"finish_reason":"{finish}"}}]}}"#
    ));
    let prompt_tokens = rng.range(12, 4000);
    push(format!(
        r#"{head}[],"usage":{{"prompt_tokens":{prompt_tokens},"completion_tokens":{completion_tokens},"total_tokens":{}}}}}"#,
        prompt_tokens + completion_tokens
    ));
    push("[DONE]".to_owned());
    blocks
}

fn write_block(rng: &mut Rng, out: &mut String, block: &Block) {
    let _ = writeln!(out, "id: {}", block.request);
    if let Some(event) = block.event {
        let _ = writeln!(out, "event: {event}");
    }
    if block.data != "[DONE]" && rng.below(25) == 0 {
        // A truncated write: the line is cut somewhere inside its JSON.
        let mut cut = rng.range(1, block.data.len() - 1);
        while !block.data.is_char_boundary(cut) {
            cut -= 1;
        }
        let _ = writeln!(out, "data: {}", &block.data[..cut]);
    } else {
        let _ = writeln!(out, "data: {}", block.data);
    }
    out.push('\n');
}
