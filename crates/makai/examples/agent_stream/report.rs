//! The report mode (`--bench`): the three modes in alternating rounds over the same input,
//! events per second, allocations per event and peak live heap, their ratios, a check that
//! makai and std wrote the same bytes, and optionally an SVG bar chart.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use crate::{Mode, counting, generate};

/// What one mode measured over all rounds.
struct Measured {
    mode: Mode,
    /// Seconds of each round.
    secs: Vec<f64>,
    allocations_per_event: f64,
    /// Peak live heap above what was live before the run (input and output buffer excluded).
    peak_bytes: usize,
}

impl Measured {
    fn median_secs(&self) -> f64 {
        let mut s = self.secs.clone();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    }
}

pub(crate) fn run(
    file: Option<&str>,
    events: usize,
    seed: u64,
    rounds: usize,
    svg: Option<&str>,
) -> Result<ExitCode, String> {
    let input = match file {
        Some(path) => makai::error::fs::read_to_string(path).map_err(|e| e.to_string())?,
        None => generate::generate(events, seed),
    };
    // One warm-up run per mode, which also checks that the two implementations agree.
    let mut reference = Vec::new();
    let n_events = Mode::Std.run(&input, &mut reference);
    let mut makai_out = Vec::new();
    Mode::Makai.run(&input, &mut makai_out);
    let identical = makai_out == reference;
    Mode::ParseOnly.run(&input, &mut Vec::new());
    let records = reference.iter().filter(|&&b| b == b'\n').count();
    drop(makai_out);

    let mut measured: Vec<Measured> = Mode::ALL
        .iter()
        .map(|&mode| Measured {
            mode,
            secs: Vec::new(),
            allocations_per_event: 0.0,
            peak_bytes: 0,
        })
        .collect();
    for round in 0..rounds {
        // Rotate the order every round so no mode always runs first on a cold cache.
        for k in 0..measured.len() {
            let m = &mut measured[(k + round) % Mode::ALL.len()];
            // The output buffer is sized before the run, so its growth does not count as the
            // pipeline's heap: both implementations write the same bytes.
            let mut out = Vec::with_capacity(reference.len() + 64);
            let baseline = counting::reset_peak();
            let before = counting::snapshot();
            let start = Instant::now();
            let n = m.mode.run(&input, &mut out);
            let secs = start.elapsed().as_secs_f64();
            let after = counting::snapshot();
            let peak = counting::peak().saturating_sub(baseline);
            assert_eq!(n, n_events, "every mode sees every event");
            m.secs.push(secs);
            m.allocations_per_event = (after.allocations - before.allocations) as f64 / n as f64;
            m.peak_bytes = m.peak_bytes.max(peak);
            drop(out);
        }
    }

    let get = |mode: Mode| {
        measured
            .iter()
            .find(|m| m.mode == mode)
            .expect("every mode ran")
    };
    let (mk, sd, po) = (get(Mode::Makai), get(Mode::Std), get(Mode::ParseOnly));
    let eps = |m: &Measured| n_events as f64 / m.median_secs();
    println!(
        "agent_stream report: {n_events} events, {} bytes of input, {records} output lines, {rounds} rounds (median)",
        input.len()
    );
    println!(
        "{:<11} {:>14} {:>18} {:>16}",
        "mode", "events/s", "allocations/event", "peak live heap"
    );
    for m in [mk, sd, po] {
        println!(
            "{:<11} {:>14.0} {:>18.3} {:>13.1} KiB",
            m.mode.name(),
            eps(m),
            m.allocations_per_event,
            m.peak_bytes as f64 / 1024.0
        );
    }
    let speed = eps(mk) / eps(sd);
    let vs_parse = eps(po) / eps(mk);
    let heap = mk.peak_bytes as f64 / sd.peak_bytes.max(1) as f64;
    println!("makai vs std: {speed:.2}x events/s (target >= 1.10)");
    println!(
        "makai vs parse-only: {:.1} % slower (target <= 10 %)",
        (vs_parse - 1.0) * 100.0
    );
    println!(
        "allocations/event: makai {:.3}, std {:.3} (target makai <= 0.35)",
        mk.allocations_per_event, sd.allocations_per_event
    );
    println!("peak live heap: makai {heap:.2}x std (target <= 0.75)");
    println!(
        "output: makai and std {}",
        if identical {
            "wrote identical bytes"
        } else {
            "DIFFER"
        }
    );
    if let Some(path) = svg {
        let chart = chart(&[mk, sd, po], n_events);
        std::fs::write(path, chart).map_err(|e| format!("cannot write {path}: {e}"))?;
        println!("chart written to {path}");
    }
    Ok(if identical {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Three bar groups (events/s, allocations/event, peak heap), one bar per mode.
fn chart(modes: &[&Measured], n_events: usize) -> String {
    let colors = ["#2b7bb9", "#b0b0b0", "#6bbf59"];
    let panels: [(&str, Vec<f64>, &str); 3] = [
        (
            "events per second (higher is better)",
            modes
                .iter()
                .map(|m| n_events as f64 / m.median_secs())
                .collect(),
            "",
        ),
        (
            "allocations per event (lower is better)",
            modes.iter().map(|m| m.allocations_per_event).collect(),
            "",
        ),
        (
            "peak live heap, KiB (lower is better)",
            modes.iter().map(|m| m.peak_bytes as f64 / 1024.0).collect(),
            "",
        ),
    ];
    let (w, panel_h, bar_h) = (640.0, 120.0, 24.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{}" font-family="sans-serif" font-size="12">"#,
        panel_h * 3.0 + 20.0
    );
    for (p, (title, values, _)) in panels.iter().enumerate() {
        let top = 20.0 + p as f64 * panel_h;
        let _ = write!(
            svg,
            r#"<text x="10" y="{top}" font-weight="bold">{title}</text>"#
        );
        let max = values
            .iter()
            .copied()
            .fold(0.0_f64, f64::max)
            .max(f64::MIN_POSITIVE);
        for (i, (m, v)) in modes.iter().zip(values).enumerate() {
            let y = top + 10.0 + i as f64 * (bar_h + 4.0);
            let len = (w - 260.0) * v / max;
            let _ = write!(
                svg,
                r#"<text x="10" y="{}">{}</text><rect x="90" y="{y}" width="{len:.1}" height="{bar_h}" fill="{}"/><text x="{:.1}" y="{}">{}</text>"#,
                y + 16.0,
                m.mode.name(),
                colors[i % colors.len()],
                95.0 + len,
                y + 16.0,
                if *v >= 100.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.3}")
                }
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}
