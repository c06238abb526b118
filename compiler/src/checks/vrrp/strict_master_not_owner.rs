//! KA0429 strict-master-not-owner: In strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`), `state MASTER` with a priority below 255, or `state BACKUP` with priority 255.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0429",
    name: "strict-master-not-owner",
    severity: Severity::Error,
    finds: "In strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`), `state MASTER` with a priority below 255, or `state BACKUP` with priority 255.",
    why: "RFC VRRP lets only the address owner (priority 255) start as MASTER, and the owner always does. keepalived in strict mode overrides the written state with an error, so `keepalived -t` fails and the instance starts in the other state.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    state MASTER\n    priority 100\n}",
    fix: "Write `state BACKUP` below priority 255, or `state MASTER` with priority 255 (or leave out `state`).",
};

pub fn check(inst: &Instance<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !strict {
        return;
    }
    let Some(state) = inst.last("state") else {
        return;
    };
    let master = inst.starts_master();
    let prio = inst.priority();
    if master == (prio == 255) {
        return;
    }
    let written = if master { "MASTER" } else { "BACKUP" };
    out.push(
        Diagnostic::new(
            &CHECK,
            state.span(),
            format!("state {written} with priority {prio} in strict vrrp_instance `{}`", inst.label()),
        )
        .help("in strict mode only the address owner (priority 255) starts as MASTER and it always does; keepalived changes the state with an error"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0429").count()
    }

    #[test]
    fn master_below_255() {
        assert_eq!(count(&strict("    state MASTER\n    priority 100\n")), 1);
        assert_eq!(count(&strict("    state BACKUP\n    priority 255\n")), 1);
        assert_eq!(count(&strict("    state MASTER\n")), 0);
        assert_eq!(count(&instance("    state MASTER\n    priority 100\n")), 0);
        assert_eq!(
            count(&instance("    strict_mode\n    state MASTER\n    priority 100\n")),
            1
        );
        assert_eq!(
            count(&strict("    strict_mode false\n    state MASTER\n    priority 100\n")),
            0
        );
    }
}
