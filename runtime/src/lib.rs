//! vigild: executes a compiled plan. It never parses keepalived.conf.
//!
//! Only the plan check exists so far; VRRP, netlink and IPVS arrive with the runtime issues.

use vigil_plan::{Plan, PLAN_VERSION};

/// Why a plan was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PlanError {
    /// The text is not a plan document.
    Malformed(String),
    /// The plan was written for another format version.
    Version { found: u32 },
}

/// Reads a plan, refusing any version this daemon was not built for.
pub fn load_plan(text: &str) -> Result<Plan, PlanError> {
    let plan: Plan = serde_json::from_str(text).map_err(|e| PlanError::Malformed(e.to_string()))?;
    if plan.plan_version != PLAN_VERSION {
        return Err(PlanError::Version {
            found: plan.plan_version,
        });
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_versions_and_garbage() {
        assert_eq!(load_plan(r#"{"plan_version":2}"#), Err(PlanError::Version { found: 2 }));
        assert!(matches!(load_plan("{"), Err(PlanError::Malformed(_))));
        assert!(load_plan(r#"{"plan_version":1}"#).is_ok());
    }
}
