//! The plan: the versioned JSON contract between the compiler (`keepalived-check compile`)
//! and the runtime (`vigild`).
//!
//! Only the envelope exists so far; the plan's content arrives with the compiler issue.

use serde::{Deserialize, Serialize};

/// The plan format version. Bump it on any change a runtime of the previous version would
/// misread.
pub const PLAN_VERSION: u32 = 1;

/// The top-level plan document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Always [`PLAN_VERSION`] for plans this crate writes.
    pub plan_version: u32,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            plan_version: PLAN_VERSION,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_round_trips_with_version() {
        let json = serde_json::to_string(&Plan::default()).unwrap();
        assert_eq!(json, r#"{"plan_version":1}"#);
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back.plan_version, PLAN_VERSION);
    }
}
