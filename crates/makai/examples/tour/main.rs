//! A guided run through makai: each crate shows its types doing real work and prints facts
//! measured right now.
//!
//! Run it with `cargo run --release -p makai --example tour`.

mod alloc;
mod collections;
mod compose;
mod encode;
mod error;
mod fs;
mod ptr;
mod string;
mod tagged;
mod task;
mod tracked;

fn main() {
    println!("makai tour: every number below is measured on this machine, in this run.");
    error::section();
    fs::section();
    alloc::section();
    tracked::section();
    ptr::section();
    tagged::section();
    collections::section();
    string::section();
    encode::section();
    task::section();
    compose::section();
}

/// Prints a section heading.
fn heading(title: &str) {
    println!("\n== {title} ==");
}
