//! KA0805 startup-delay-very-large: a vrrp_startup_delay of a minute or more.

use super::last_secs;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0805",
    name: "startup-delay-very-large",
    severity: Severity::Warning,
    finds: "A vrrp_startup_delay in global_defs of 60 seconds or more.",
    why: "For that long after keepalived starts no VRRP instance runs, so a node that restarts while it should be master leaves the addresses unserved (or a lone node serves nothing) for over a minute. keepalived only logs it (a config test passes).",
    example: "global_defs {\n    vrrp_startup_delay 300\n}",
    fix: "Use a delay of a few seconds, enough for the network to come up.",
};

pub fn check(global: &[NodeRef<'_>], out: &mut Vec<Diagnostic>) {
    let Some((us, line)) = last_secs(global, "vrrp_startup_delay") else {
        return;
    };
    if us < 60_000_000 {
        return;
    }
    let w = line.args().first().map_or(line.span(), |w| w.span());
    out.push(
        Diagnostic::new(
            &CHECK,
            w,
            format!("vrrp_startup_delay of {} s is very large", line.args().joined()),
        )
        .help("keepalived accepts it and only logs it; VRRP stays idle that long after every start"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn large() {
        let d = lint("global_defs {\n    vrrp_startup_delay 60\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0805");
        assert!(lint("global_defs {\n    vrrp_startup_delay 59.9\n}\n").is_empty());
    }
}
