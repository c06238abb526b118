//! KA0404 preemption-setting-ignored: `nopreempt` or `preempt_delay` where keepalived cancels it
//! (address owner, initial state MASTER, or both together).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0404",
    name: "preemption-setting-ignored",
    severity: Severity::Error,
    finds: "`nopreempt` in an instance with priority 255 or initial state MASTER, or `preempt_delay` in an instance that starts as MASTER or also has `nopreempt`.",
    why: "keepalived cancels these settings (and `keepalived -t` reports it): an address owner (priority 255, which is also what `state MASTER` without a priority means) always takes the addresses back, and an instance that starts as MASTER has nothing to delay. The failback you meant to prevent or slow down still happens at once, typically right after the repaired node reboots.",
    example: "vrrp_instance VI_1 {\n    state MASTER\n    nopreempt\n}",
    fix: "For nopreempt, use `state BACKUP` on every node and a priority below 255; use either nopreempt or preempt_delay, not both.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let name = inst.label();
    // The last of nopreempt / preempt wins.
    let mut nopreempt = inst
        .own
        .iter()
        .rfind(|n| matches!(n.keyword(), Some("nopreempt" | "preempt")))
        .filter(|n| n.keyword() == Some("nopreempt"))
        .copied();
    let owner = inst.priority() == 255;
    let master = inst.starts_master();
    if let Some(n) = nopreempt {
        if owner || master {
            let why = if owner && inst.arg("priority").is_none() {
                "state MASTER without a priority means priority 255, the address owner, which always takes over"
            } else if owner {
                "the address owner (priority 255) always takes over"
            } else {
                "an instance that starts as MASTER takes over regardless"
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    n.span(),
                    format!("nopreempt has no effect in vrrp_instance `{name}`"),
                )
                .help(format!(
                    "{why}; keepalived clears nopreempt. Use state BACKUP and a priority below 255 on every node"
                )),
            );
            nopreempt = None;
        }
    }
    let Some(pd) = inst.last("preempt_delay") else {
        return;
    };
    let delay = pd.args().first().and_then(|w| w.text().parse::<f64>().ok());
    if !delay.is_some_and(|d| d > 0.0 && d <= 1000.0) {
        return;
    }
    let why = if master {
        "the instance starts as MASTER, so there is nothing to delay"
    } else if nopreempt.is_some() {
        "with nopreempt the instance never preempts"
    } else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            pd.span(),
            format!("preempt_delay has no effect in vrrp_instance `{name}`"),
        )
        .help(format!("{why}; keepalived resets the delay to 0")),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    fn codes(body: &str) -> Vec<String> {
        lint(&instance(body)).into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn nopreempt_with_owner_or_master() {
        assert_eq!(codes("    priority 255\n    nopreempt\n").len(), 1);
        assert_eq!(codes("    state MASTER\n    priority 100\n    nopreempt\n").len(), 1);
        let d = lint(&instance("    state MASTER\n    nopreempt\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].help.as_deref().unwrap().contains("without a priority"));
        assert!(codes("    state BACKUP\n    priority 100\n    nopreempt\n").is_empty());
        assert!(codes("    state MASTER\n    nopreempt\n    preempt\n").is_empty());
    }

    #[test]
    fn preempt_delay() {
        assert_eq!(
            codes("    state MASTER\n    priority 100\n    preempt_delay 10\n").len(),
            1
        );
        assert_eq!(codes("    priority 255\n    preempt_delay 10\n").len(), 1);
        assert_eq!(
            codes("    priority 100\n    nopreempt\n    preempt_delay 10\n").len(),
            1
        );
        assert!(codes("    priority 100\n    preempt_delay 10\n").is_empty());
        assert!(codes("    state MASTER\n    priority 100\n    preempt_delay 0\n").is_empty());
    }
}
