//! The ceiling: deserialize every event into the makai implementation's borrowed event types
//! and keep nothing. Neither implementation can be faster than this.

use crate::makai_impl::wire;
use crate::sse;

/// Parses every event of `input`; writes nothing. Returns the event count.
pub(crate) fn run(input: &str, _out: &mut Vec<u8>) -> usize {
    let mut events = 0;
    let mut parsed = 0usize;
    for frame in sse::frames(input) {
        events += 1;
        parsed += usize::from(wire::parse(&frame).is_ok());
    }
    std::hint::black_box(parsed);
    events
}
