//! Conversions to and from [`smol_str::SmolStr`] (feature `smol_str`). They copy the bytes:
//! the two crates lay strings out differently.

use crate::{SmolStr, Str};

impl From<smol_str::SmolStr> for SmolStr {
    fn from(s: smol_str::SmolStr) -> SmolStr {
        SmolStr::from(s.as_str())
    }
}

impl From<&smol_str::SmolStr> for SmolStr {
    fn from(s: &smol_str::SmolStr) -> SmolStr {
        SmolStr::from(s.as_str())
    }
}

impl From<smol_str::SmolStr> for Str {
    fn from(s: smol_str::SmolStr) -> Str {
        Str::from(s.as_str())
    }
}

impl From<&smol_str::SmolStr> for Str {
    fn from(s: &smol_str::SmolStr) -> Str {
        Str::from(s.as_str())
    }
}

impl From<SmolStr> for smol_str::SmolStr {
    fn from(s: SmolStr) -> smol_str::SmolStr {
        smol_str::SmolStr::new(s.as_str())
    }
}

impl From<Str> for smol_str::SmolStr {
    fn from(s: Str) -> smol_str::SmolStr {
        smol_str::SmolStr::new(s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_smol_str() {
        for text in [
            "",
            "short",
            "a string that is longer than twenty-three bytes",
        ] {
            let theirs = smol_str::SmolStr::new(text);
            let ours = SmolStr::from(&theirs);
            assert_eq!(ours, text);
            let shared = Str::from(theirs.clone());
            assert_eq!(smol_str::SmolStr::from(shared), theirs);
            assert_eq!(smol_str::SmolStr::from(ours), theirs);
        }
    }
}
