//! The pipeline as a good Rust programmer writes it with the standard library alone:
//! `serde` structs with `#[serde(borrow)] Cow<str>` fields, a `HashMap<String, _>` of requests
//! in flight, `String` and `Vec` for what each request accumulates.
//!
//! It is the yardstick for the makai version, so it is written to be fast, not to lose:
//! borrowed deserialization, one dispatch on the SSE `event:` name instead of an internally
//! tagged enum (which would buffer every event), no per-event formatting.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;

use crate::sse::{self, Frame, RecordOut, errors};

#[derive(Deserialize)]
struct MessageStart<'a> {
    #[serde(borrow)]
    message: StartedMessage<'a>,
}

#[derive(Deserialize)]
struct StartedMessage<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    model: Cow<'a, str>,
    #[serde(borrow)]
    role: Cow<'a, str>,
    usage: Usage,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

#[derive(Deserialize)]
struct BlockStart<'a> {
    index: usize,
    #[serde(borrow)]
    content_block: ContentBlock<'a>,
}

#[derive(Deserialize)]
struct ContentBlock<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct BlockDelta<'a> {
    index: usize,
    #[serde(borrow)]
    delta: Delta<'a>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    partial_json: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct MessageDelta<'a> {
    #[serde(borrow)]
    delta: StopDelta<'a>,
    usage: Usage,
}

#[derive(Deserialize)]
struct StopDelta<'a> {
    #[serde(borrow, default)]
    stop_reason: Option<Cow<'a, str>>,
}

/// Events whose payload carries nothing this program keeps (`ping`, `content_block_stop`,
/// `message_stop`): parsed only to check that they are well formed.
#[derive(Deserialize)]
struct Bare<'a> {
    #[serde(borrow, rename = "type")]
    _kind: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    model: Cow<'a, str>,
    #[serde(borrow)]
    choices: Vec<Choice<'a>>,
    #[serde(default)]
    usage: Option<ChunkUsage>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow)]
    delta: ChunkDelta<'a>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ChunkDelta<'a> {
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<Vec<ToolCallDelta<'a>>>,
}

#[derive(Deserialize)]
struct ToolCallDelta<'a> {
    index: usize,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    function: Option<FunctionDelta<'a>>,
}

#[derive(Deserialize)]
struct FunctionDelta<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    arguments: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ChunkUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// A tool call being streamed.
struct Tool {
    index: usize,
    id: String,
    name: String,
    arguments: String,
    /// Whether `arguments` parsed, set when the record is written.
    valid: bool,
}

/// Everything one request has accumulated so far.
struct Request {
    seq: u64,
    last_line: usize,
    anthropic: bool,
    id: String,
    model: String,
    role: String,
    text: String,
    tools: Vec<Tool>,
    stop_reason: Option<String>,
    input_tokens: u64,
    output_tokens: u64,
}

impl Request {
    fn tool(&mut self, index: usize) -> &mut Tool {
        let pos = match self.tools.iter().position(|t| t.index == index) {
            Some(pos) => pos,
            None => {
                self.tools.push(Tool {
                    index,
                    id: String::new(),
                    name: String::new(),
                    arguments: String::new(),
                    valid: false,
                });
                self.tools.len() - 1
            }
        };
        &mut self.tools[pos]
    }

    fn write(&mut self, key: &str, line: usize, out: &mut Vec<u8>) {
        // Check every tool call's arguments first: an error line comes before its record.
        for tool in &mut self.tools {
            tool.valid = sse::arguments_parse(&tool.arguments);
            if !tool.valid {
                sse::write_error(out, line, key, errors::BAD_ARGUMENTS);
            }
        }
        RecordOut {
            request: key,
            provider: if self.anthropic {
                "anthropic"
            } else {
                "openai"
            },
            id: &self.id,
            model: &self.model,
            role: &self.role,
            text: &self.text,
            tool_calls: self.tools.iter().map(|t| {
                (
                    t.id.as_str(),
                    t.name.as_str(),
                    t.valid.then_some(t.arguments.as_str()),
                )
            }),
            stop_reason: self.stop_reason.as_deref(),
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
        }
        .write(out);
    }
}

/// The requests in flight.
#[derive(Default)]
struct Pipeline {
    requests: HashMap<String, Request>,
    next_seq: u64,
}

impl Pipeline {
    fn request(&mut self, frame: &Frame<'_>) -> &mut Request {
        let seq = &mut self.next_seq;
        let r = self
            .requests
            .entry(frame.request.to_owned())
            .or_insert_with(|| {
                *seq += 1;
                Request {
                    seq: *seq,
                    last_line: 0,
                    anthropic: frame.event.is_some(),
                    id: String::new(),
                    model: String::new(),
                    role: String::new(),
                    text: String::new(),
                    tools: Vec::new(),
                    stop_reason: None,
                    input_tokens: 0,
                    output_tokens: 0,
                }
            });
        r.last_line = frame.line;
        r
    }

    /// Writes and forgets a finished request.
    fn finish(&mut self, frame: &Frame<'_>, out: &mut Vec<u8>) {
        self.request(frame);
        if let Some(mut r) = self.requests.remove(frame.request) {
            r.write(frame.request, frame.line, out);
        }
    }

    fn anthropic(&mut self, frame: &Frame<'_>, event: &str, out: &mut Vec<u8>) {
        let bad =
            |out: &mut Vec<u8>| sse::write_error(out, frame.line, frame.request, errors::BAD_JSON);
        match event {
            "content_block_delta" => {
                let Ok(ev) = serde_json::from_str::<BlockDelta<'_>>(frame.data) else {
                    return bad(out);
                };
                let r = self.request(frame);
                match &*ev.delta.kind {
                    "text_delta" => r.text.push_str(ev.delta.text.as_deref().unwrap_or("")),
                    "input_json_delta" => {
                        let part = ev.delta.partial_json.as_deref().unwrap_or("");
                        r.tool(ev.index).arguments.push_str(part);
                    }
                    _ => {}
                }
            }
            "message_start" => {
                let Ok(ev) = serde_json::from_str::<MessageStart<'_>>(frame.data) else {
                    return bad(out);
                };
                let r = self.request(frame);
                r.id = ev.message.id.into_owned();
                r.model = ev.message.model.into_owned();
                r.role = ev.message.role.into_owned();
                r.input_tokens = ev.message.usage.input_tokens;
                r.output_tokens = ev.message.usage.output_tokens;
            }
            "content_block_start" => {
                let Ok(ev) = serde_json::from_str::<BlockStart<'_>>(frame.data) else {
                    return bad(out);
                };
                let r = self.request(frame);
                if ev.content_block.kind == "tool_use" {
                    let tool = r.tool(ev.index);
                    tool.id = ev.content_block.id.map(Cow::into_owned).unwrap_or_default();
                    tool.name = ev
                        .content_block
                        .name
                        .map(Cow::into_owned)
                        .unwrap_or_default();
                }
            }
            "message_delta" => {
                let Ok(ev) = serde_json::from_str::<MessageDelta<'_>>(frame.data) else {
                    return bad(out);
                };
                let r = self.request(frame);
                r.stop_reason = ev.delta.stop_reason.map(Cow::into_owned);
                r.output_tokens = ev.usage.output_tokens;
            }
            "ping" | "content_block_stop" | "message_stop" => {
                if serde_json::from_str::<Bare<'_>>(frame.data).is_err() {
                    return bad(out);
                }
                if event == "message_stop" {
                    self.finish(frame, out);
                } else {
                    self.request(frame);
                }
            }
            _ => sse::write_error(out, frame.line, frame.request, errors::UNKNOWN_EVENT),
        }
    }

    fn openai(&mut self, frame: &Frame<'_>, out: &mut Vec<u8>) {
        if frame.data == "[DONE]" {
            return self.finish(frame, out);
        }
        let Ok(chunk) = serde_json::from_str::<Chunk<'_>>(frame.data) else {
            return sse::write_error(out, frame.line, frame.request, errors::BAD_JSON);
        };
        let r = self.request(frame);
        if r.id.is_empty() {
            r.id = chunk.id.into_owned();
            r.model = chunk.model.into_owned();
        }
        if let Some(choice) = chunk.choices.into_iter().next() {
            if let Some(role) = choice.delta.role {
                r.role = role.into_owned();
            }
            if let Some(content) = choice.delta.content {
                r.text.push_str(&content);
            }
            for call in choice.delta.tool_calls.into_iter().flatten() {
                let tool = r.tool(call.index);
                if let Some(id) = call.id {
                    tool.id = id.into_owned();
                }
                if let Some(function) = call.function {
                    if let Some(name) = function.name {
                        tool.name = name.into_owned();
                    }
                    if let Some(args) = function.arguments {
                        tool.arguments.push_str(&args);
                    }
                }
            }
            if let Some(reason) = choice.finish_reason {
                r.stop_reason = Some(reason.into_owned());
            }
        }
        if let Some(usage) = chunk.usage {
            r.input_tokens = usage.prompt_tokens;
            r.output_tokens = usage.completion_tokens;
        }
    }
}

/// Runs the pipeline over a whole input, appending records and error lines to `out`.
pub(crate) fn run(input: &str, out: &mut Vec<u8>) -> usize {
    let mut pipeline = Pipeline::default();
    let mut events = 0;
    for frame in sse::frames(input) {
        events += 1;
        if frame.request.is_empty() {
            sse::write_error(out, frame.line, "", errors::NO_REQUEST);
            continue;
        }
        match frame.event {
            Some(event) => pipeline.anthropic(&frame, event, out),
            None => pipeline.openai(&frame, out),
        }
    }
    // Requests whose last event never came: report, then write what they had.
    let mut left: Vec<(String, Request)> = pipeline.requests.drain().collect();
    left.sort_by_key(|(_, r)| r.seq);
    for (key, mut r) in left {
        sse::write_error(out, r.last_line, &key, errors::UNFINISHED);
        r.write(&key, r.last_line, out);
    }
    events
}
