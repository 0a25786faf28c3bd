//! `agent_stream`: an LLM agent's event pipeline, written twice — once the way makai is meant
//! to be used, once with the standard library alone — and measured side by side.
//!
//! It reads a Server-Sent-Events log of several streaming chat completions interleaved
//! (Anthropic's and OpenAI's streaming shapes), and writes one JSON line per finished message:
//! request, provider, id, model, role, text, tool calls with their arguments, stop reason and
//! usage. Bad input (a truncated line, bad JSON, tool arguments that do not parse, an unknown
//! event type) becomes an error line with its line number, and the stream goes on.
//!
//! ```text
//! cargo run --release -p makai --example agent_stream -- --generate 20000 > /tmp/events.sse
//! cargo run --release -p makai --example agent_stream -- /tmp/events.sse          # makai
//! cargo run --release -p makai --example agent_stream -- --mode std /tmp/events.sse
//! cargo run --release -p makai --example agent_stream -- --bench                  # the report
//! ```

mod counting;
mod generate;
mod makai_impl;
mod parse_only;
mod report;
mod sse;
mod std_impl;

use std::io::Write as _;
use std::process::ExitCode;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

/// Which implementation runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Makai,
    Std,
    ParseOnly,
}

impl Mode {
    pub(crate) const ALL: [Mode; 3] = [Mode::Makai, Mode::Std, Mode::ParseOnly];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Mode::Makai => "makai",
            Mode::Std => "std",
            Mode::ParseOnly => "parse-only",
        }
    }

    /// Runs this mode over `input`, appending its output to `out`; returns the event count.
    pub(crate) fn run(self, input: &str, out: &mut Vec<u8>) -> usize {
        match self {
            Mode::Makai => makai_impl::run(input, out),
            Mode::Std => std_impl::run(input, out),
            Mode::ParseOnly => parse_only::run(input, out),
        }
    }
}

const USAGE: &str = "usage: agent_stream [--mode makai|std|parse-only] FILE
       agent_stream --generate N [--seed S]
       agent_stream --bench [FILE] [--events N] [--rounds R] [--svg PATH]";

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("agent_stream: {message}");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> Result<ExitCode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut mode = Mode::Makai;
    let mut file = None;
    let mut generate = None;
    let mut seed = 2026_u64;
    let mut bench = false;
    let mut events = 20_000;
    let mut rounds = 5;
    let mut svg = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--mode" => {
                mode = match value("--mode")?.as_str() {
                    "makai" => Mode::Makai,
                    "std" => Mode::Std,
                    "parse-only" => Mode::ParseOnly,
                    other => return Err(format!("unknown mode `{other}`\n{USAGE}")),
                }
            }
            "--generate" => generate = Some(parse_num(&value("--generate")?)?),
            "--seed" => seed = parse_num(&value("--seed")?)? as u64,
            "--bench" => bench = true,
            "--events" => events = parse_num(&value("--events")?)?,
            "--rounds" => rounds = parse_num(&value("--rounds")?)?.max(1),
            "--svg" => svg = Some(value("--svg")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            path if !path.starts_with("--") => file = Some(path.to_owned()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    if let Some(n) = generate {
        let text = generate::generate(n, seed);
        std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    if bench {
        return report::run(file.as_deref(), events, seed, rounds, svg.as_deref());
    }
    let Some(path) = file else {
        return Err(format!("no input file\n{USAGE}"));
    };
    // The file error carries the syscall and the path, printed the way Node prints it.
    let input = makai::error::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(input.len() / 4);
    mode.run(&input, &mut out);
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn parse_num(s: &str) -> Result<usize, String> {
    s.replace('_', "")
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))
}
