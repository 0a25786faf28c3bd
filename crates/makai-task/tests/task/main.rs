//! Integration tests of makai-task: the queue, the pool, the waits and the event loop.

mod event_loop;
mod pool;
mod queue;
mod wait;
