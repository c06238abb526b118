//! KA0431 unicast-in-strict-mode: Unicast peers in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0431",
    name: "unicast-in-strict-mode",
    severity: Severity::Warning,
    finds: "Unicast peers in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "RFC VRRP is multicast only. keepalived 2.2.7 accepts unicast peers in strict mode silently, but later releases refuse them on an interface that can multicast, so the instance stops working after an upgrade.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    unicast_peer {\n        192.0.2.2\n    }\n}",
    fix: "Use multicast in strict mode, or leave strict mode for unicast instances.",
};

pub fn check(inst: &Instance<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !strict || inst.peers().is_empty() {
        return;
    }
    let Some(n) = inst.last("unicast_peer") else {
        return;
    };
    let at = n.words().first().map_or(n.span(), |w| w.span());
    out.push(
        Diagnostic::new(&CHECK, at, format!("unicast peers in strict vrrp_instance `{}`", inst.label()))
            .help("strict mode is multicast only; newer keepalived releases refuse this instance. Use multicast or drop strict mode"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0431").count()
    }

    #[test]
    fn strict_unicast() {
        let peers = "    unicast_peer {\n        192.0.2.9\n    }\n";
        assert_eq!(count(&strict(peers)), 1);
        assert_eq!(count(&instance(peers)), 0);
    }
}
