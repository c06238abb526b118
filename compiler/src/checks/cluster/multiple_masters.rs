//! KA0707 multiple-masters (cluster check): more than one node starts as MASTER, or more
//! than one claims to own the addresses (priority 255).

use super::{Member, Router};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0707",
    name: "multiple-masters",
    severity: Severity::Warning,
    finds: "With --cluster: several nodes of one virtual router with `state MASTER`, or (an error) several with priority 255, the address owner's priority.",
    why: "Priority 255 says \"this node owns the addresses\": two owners never yield to each other on priority and fight over the addresses until the IP tie-break settles it. Two initial MASTERs both take the addresses at start-up and send gratuitous ARPs until one yields.",
    example: "# lb1\nvrrp_instance VI_1 {\n    state MASTER\n    priority 255\n}\n# lb2\nvrrp_instance VI_1 {\n    state MASTER\n    priority 255\n}",
    fix: "Make one node MASTER with the highest priority and the others BACKUP with lower priorities; use 255 on at most one node.",
};

fn owner(m: &Member<'_, '_>) -> bool {
    m.inst.priority() == 255
}

pub fn check(r: &Router<'_, '_>, out: &mut Vec<Diagnostic>) {
    for (j, b) in r.members.iter().enumerate().skip(1) {
        let earlier = &r.members[..j];
        if owner(b) {
            if let Some(a) = earlier.iter().find(|a| owner(a)) {
                let mut d = Diagnostic::new(
                    &CHECK,
                    b.arg_span("priority"),
                    format!(
                        "{} has priority 255 (address owner), and so does {}",
                        b.label(),
                        a.who()
                    ),
                )
                .label(a.arg_span("priority"), format!("priority 255 on {}", a.who()))
                .help("at most one node may own the addresses; give the others a priority below 255");
                d.severity = Severity::Error;
                out.push(d);
                continue;
            }
        }
        if b.inst.starts_master() {
            if let Some(a) = earlier.iter().find(|a| a.inst.starts_master()) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        b.line_span("state"),
                        format!("{} starts as MASTER, and so does {}", b.label(), a.who()),
                    )
                    .label(a.line_span("state"), format!("MASTER on {}", a.who()))
                    .help("both take the addresses at start-up until one hears the other; start the others as BACKUP"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};
    use vigil_grammar::Severity;

    #[test]
    fn two_owners_are_an_error() {
        let a = inst("    state MASTER\n");
        let d = lint(&[&a, &a]);
        assert_eq!(codes(&d), ["KA0707"]);
        assert_eq!(d[0].severity, Severity::Error);
    }

    #[test]
    fn two_initial_masters_are_a_warning() {
        let a = inst("    state MASTER\n    priority 150\n");
        let b = inst("    state MASTER\n    priority 100\n");
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0707"]);
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(lint(&[&a, &inst("    state BACKUP\n    priority 100\n")]).is_empty());
    }
}
