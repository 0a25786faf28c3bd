//! Integration tests of makai-alloc: one binary, one module per topic.

mod alloc_failures;
mod api2_bridge;
mod arena;
mod arena_drop_rule;
mod containers;
mod failing;
mod fallback;
mod mi_heap;
mod model;
mod nullable;
mod oom_no_unwind;
mod stress;
mod tracked;
mod tracked_ordering;
