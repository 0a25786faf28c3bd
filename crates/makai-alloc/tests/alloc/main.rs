//! Integration tests of makai-alloc: one binary, one module per topic.

mod api2_bridge;
mod arena;
mod containers;
mod failing;
mod fallback;
mod mi_heap;
mod model;
mod nullable;
mod stress;
mod tracked;
mod tracked_ordering;
