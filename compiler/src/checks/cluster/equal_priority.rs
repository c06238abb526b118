//! KA0706 equal-priority (cluster check): two nodes of one virtual router have the same
//! priority.

use super::Router;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0706",
    name: "equal-priority",
    severity: Severity::Warning,
    finds: "With --cluster: two nodes whose instances of one virtual router have the same effective priority (below 255).",
    why: "VRRP breaks a tie by the higher primary IP address, so which node is MASTER depends on addressing rather than on the configuration, and it can change when an address does.",
    example: "# lb1\nvrrp_instance VI_1 {\n    priority 100\n}\n# lb2\nvrrp_instance VI_1 {\n    priority 100\n}",
    fix: "Give each node its own priority, highest on the node that should normally be MASTER. Equal priorities are only deliberate with nopreempt, where any node may keep the role.",
};

pub fn check(r: &Router<'_, '_>, out: &mut Vec<Diagnostic>) {
    for (j, b) in r.members.iter().enumerate().skip(1) {
        let pb = b.inst.priority();
        if pb == 255 {
            continue;
        }
        if let Some(a) = r.members[..j].iter().find(|a| a.inst.priority() == pb) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    b.arg_span("priority"),
                    format!("{} has priority {pb}, the same as {}", b.label(), a.who()),
                )
                .label(a.arg_span("priority"), format!("priority {pb} on {}", a.who()))
                .help("VRRP then elects the node with the higher IP address; give the preferred MASTER the higher priority"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};

    #[test]
    fn flags_ties_including_defaults() {
        let a = inst("    priority 100\n");
        let b = inst("");
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0706"], "100 is the default priority");
        assert!(lint(&[&a, &inst("    priority 90\n")]).is_empty());
    }
}
