//! KA0421 conflicting-state: `state BACKUP` after `state MASTER` in the same instance.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0421",
    name: "conflicting-state",
    severity: Severity::Error,
    finds: "A `state BACKUP` line after a `state MASTER` line in the same vrrp_instance.",
    why: "Unlike most settings, where the last line wins, keepalived keeps MASTER once it has read it and ignores the later BACKUP with a configuration error (so `keepalived -t` fails). The instance starts as MASTER (and, without a priority, as address owner with priority 255), which is probably not what the later line meant.",
    example: "vrrp_instance VI_1 {\n    state MASTER\n    state BACKUP\n}",
    fix: "Keep a single `state` line with the state you mean.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let mut master = None;
    for n in inst.all("state") {
        let Some(w) = n.args().first() else {
            continue;
        };
        match (w.text(), master) {
            ("MASTER", None) => master = Some(w),
            ("BACKUP", Some(m)) => out.push(
                Diagnostic::new(
                    &CHECK,
                    w.span(),
                    format!("vrrp_instance `{}` is already set to start as MASTER", inst.label()),
                )
                .label(m.span(), "state MASTER set here")
                .help("keepalived ignores a state BACKUP after state MASTER and starts the instance as MASTER; keep one state line"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    #[test]
    fn backup_after_master() {
        let d = lint(&instance("    priority 100\n    state MASTER\n    state BACKUP\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0421");
        assert!(lint(&instance("    priority 100\n    state BACKUP\n    state MASTER\n")).is_empty());
    }
}
