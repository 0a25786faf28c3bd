//! Server-Sent-Events framing and the output format, shared by every mode so that the modes
//! differ only in what they do with each event.
//!
//! A block is the lines up to a blank line. `id:` names the request the block belongs to,
//! `event:` its type (Anthropic streams only), `data:` its payload; lines starting with `:`
//! are comments. A block's line number is the line of its `data:` field, the line an error
//! message points at.

/// One event block, borrowed from the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame<'a> {
    /// 1-based line number of the `data:` line.
    pub(crate) line: usize,
    /// The request the event belongs to (the SSE `id:` field), empty when missing.
    pub(crate) request: &'a str,
    /// The `event:` field, if the block had one.
    pub(crate) event: Option<&'a str>,
    /// The `data:` payload.
    pub(crate) data: &'a str,
}

/// Iterates over the event blocks of a whole input.
pub(crate) struct Frames<'a> {
    rest: &'a str,
    line: usize,
}

/// The event blocks of `input`, in order.
pub(crate) fn frames(input: &str) -> Frames<'_> {
    Frames {
        rest: input,
        line: 0,
    }
}

impl<'a> Frames<'a> {
    /// The next line without its `\n` (or `\r\n`), found with `memchr`'s vectorised search
    /// (`str::lines` was a sixth of the whole run in a profile).
    fn next_line(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match memchr::memchr(b'\n', self.rest.as_bytes()) {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Frame<'a>;

    fn next(&mut self) -> Option<Frame<'a>> {
        let mut frame = Frame {
            line: 0,
            request: "",
            event: None,
            data: "",
        };
        let mut has_data = false;
        while let Some(text) = self.next_line() {
            self.line += 1;
            if text.is_empty() {
                if has_data {
                    return Some(frame);
                }
                frame = Frame {
                    line: 0,
                    request: "",
                    event: None,
                    data: "",
                };
                continue;
            }
            // The three fields this program reads are told apart by their first byte, then
            // checked whole; `split_once(':')` was a tenth of the whole run in a profile.
            let value = |name: &str| {
                let rest = text.strip_prefix(name)?.strip_prefix(':')?;
                Some(rest.strip_prefix(' ').unwrap_or(rest))
            };
            match text.as_bytes()[0] {
                b'd' => {
                    if let Some(data) = value("data") {
                        frame.data = data;
                        frame.line = self.line;
                        has_data = true;
                    }
                }
                b'i' => {
                    if let Some(id) = value("id") {
                        frame.request = id;
                    }
                }
                b'e' => {
                    if let Some(event) = value("event") {
                        frame.event = Some(event);
                    }
                }
                // Comments (`:`) and fields this program does not use (`retry`, others).
                _ => {}
            }
        }
        // A last block with no blank line after it still counts.
        has_data.then_some(frame)
    }
}

/// Appends `s` as a JSON string literal, escaped exactly as `serde_json` escapes it (`\"`,
/// `\\`, `\b \f \n \r \t`, other control bytes as `\u00xx`; everything else as is).
///
/// Both implementations write their records through this, so it is shared framing, like
/// [`frames`]. It copies runs of plain bytes in bulk and tests eight bytes at a time for a
/// byte that needs escaping; `serde_json::to_writer` looks at every byte through a table, and
/// was a fifth of the record-writing cost in a profile.
pub(crate) fn json_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut plain = 0; // start of the run of plain bytes not yet copied
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if !word_needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        while i < end {
            let b = bytes[i];
            if needs_escape(b) {
                out.extend_from_slice(&bytes[plain..i]);
                write_escape(out, b);
                plain = i + 1;
            }
            i += 1;
        }
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// Whether JSON needs `b` escaped.
#[inline(always)]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether any byte of `word` needs escaping: a byte below 0x20, a `"` or a `\` (the classic
/// "has a byte less than n" and "has a zero byte" tests, exact for the question "any?").
#[inline(always)]
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = word ^ (ONES * u64::from(b'"'));
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (below_space | quote | backslash) & HIGH != 0
}

/// Appends the escape sequence of one byte that [`needs_escape`].
#[cold]
fn write_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]),
    }
}

/// Appends one error line: `{"line":N,"request":"...","error":"..."}`.
pub(crate) fn write_error(out: &mut Vec<u8>, line: usize, request: &str, error: &str) {
    out.extend_from_slice(b"{\"line\":");
    out.extend_from_slice(itoa_buf(line as u64, &mut [0; 20]));
    out.extend_from_slice(b",\"request\":");
    json_string(out, request);
    out.extend_from_slice(b",\"error\":");
    json_string(out, error);
    out.extend_from_slice(b"}\n");
}

/// Formats `n` in decimal into `buf`, returning the digits.
pub(crate) fn itoa_buf(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Appends `n` in decimal.
pub(crate) fn write_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa_buf(n, &mut [0; 20]));
}

/// The error messages, the same words in every mode so outputs compare byte for byte.
pub(crate) mod errors {
    pub(crate) const BAD_JSON: &str = "invalid or truncated JSON in data";
    pub(crate) const UNKNOWN_EVENT: &str = "unknown event type";
    pub(crate) const BAD_ARGUMENTS: &str = "tool call arguments are not valid JSON";
    pub(crate) const UNFINISHED: &str = "stream ended before the message finished";
    pub(crate) const NO_REQUEST: &str = "event block has no request id";
}

/// One finished message, the shape every implementation writes.
///
/// Field order and formatting are fixed here so that both implementations produce the same
/// bytes: `{"request":..,"provider":..,"id":..,"model":..,"role":..,"text":..,
/// "tool_calls":[{"id":..,"name":..,"arguments":<JSON>}],"stop_reason":..|null,
/// "usage":{"input_tokens":N,"output_tokens":N}}`.
pub(crate) struct RecordOut<'r, I> {
    pub(crate) request: &'r str,
    pub(crate) provider: &'r str,
    pub(crate) id: &'r str,
    pub(crate) model: &'r str,
    pub(crate) role: &'r str,
    pub(crate) text: &'r str,
    /// `(id, name, arguments)`; `arguments` is `None` when it did not parse (written `null`).
    pub(crate) tool_calls: I,
    pub(crate) stop_reason: Option<&'r str>,
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
}

impl<'r, I: Iterator<Item = (&'r str, &'r str, Option<&'r str>)>> RecordOut<'r, I> {
    /// Appends the record as one JSON line.
    pub(crate) fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"request\":");
        json_string(out, self.request);
        out.extend_from_slice(b",\"provider\":");
        json_string(out, self.provider);
        out.extend_from_slice(b",\"id\":");
        json_string(out, self.id);
        out.extend_from_slice(b",\"model\":");
        json_string(out, self.model);
        out.extend_from_slice(b",\"role\":");
        json_string(out, self.role);
        out.extend_from_slice(b",\"text\":");
        json_string(out, self.text);
        out.extend_from_slice(b",\"tool_calls\":[");
        for (i, (id, name, args)) in self.tool_calls.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"id\":");
            json_string(out, id);
            out.extend_from_slice(b",\"name\":");
            json_string(out, name);
            out.extend_from_slice(b",\"arguments\":");
            match args {
                Some(a) => out.extend_from_slice(a.as_bytes()),
                None => out.extend_from_slice(b"null"),
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"stop_reason\":");
        match self.stop_reason {
            Some(s) => json_string(out, s),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"usage\":{\"input_tokens\":");
        write_u64(out, self.input_tokens);
        out.extend_from_slice(b",\"output_tokens\":");
        write_u64(out, self.output_tokens);
        out.extend_from_slice(b"}}\n");
    }
}

/// Whether `args` is exactly one JSON value (the check both implementations make before a
/// tool call's arguments are embedded in a record).
pub(crate) fn arguments_parse(args: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(args).is_ok()
}
