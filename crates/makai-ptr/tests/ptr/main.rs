//! Integration tests of makai-ptr, one module per part of the crate.

mod tagged;
