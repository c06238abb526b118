//! vigild: executes a compiled plan. It never parses keepalived.conf.
//!
//! Only the plan check exists so far; VRRP, netlink and IPVS arrive with the runtime issues.

use vigil_plan::{LoadError, Plan};

/// Why a plan was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PlanError {
    /// The text is not a plan document.
    Malformed(String),
    /// The plan was written for another format version.
    Version { found: u64 },
}

/// Reads a plan, refusing any version this daemon was not built for.
pub fn load_plan(text: &str) -> Result<Plan, PlanError> {
    vigil_plan::from_json(text).map_err(|e| match e {
        LoadError::Version { found } => PlanError::Version { found },
        LoadError::Invalid(e) => PlanError::Malformed(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_versions_and_garbage() {
        assert_eq!(load_plan(r#"{"plan_version":2}"#), Err(PlanError::Version { found: 2 }));
        assert!(matches!(load_plan("{"), Err(PlanError::Malformed(_))));
        assert!(matches!(
            load_plan(r#"{"plan_version":1}"#),
            Err(PlanError::Malformed(_))
        ));
        let plan = Plan::empty(vigil_plan::Source {
            file: "k.conf".into(),
            config_id: None,
        });
        assert_eq!(load_plan(&vigil_plan::to_json(&plan)), Ok(plan));
    }
}
