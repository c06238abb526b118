//! KA0807 iptables-chains-equal: vrrp_iptables with the same chain for input and output.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0807",
    name: "iptables-chains-equal",
    severity: Severity::Warning,
    finds: "A vrrp_iptables line whose input chain and output chain are the same name.",
    why: "keepalived adds its accept/drop rules for incoming traffic to the first chain and for outgoing traffic to the second; it refuses one chain for both and drops the setting, saying so only in its log (a config test passes). The rules you expect are then not installed.",
    example: "global_defs {\n    vrrp_iptables KEEPALIVED KEEPALIVED\n}",
    fix: "Name two different chains, or give only the input chain.",
};

pub fn check(global: &[NodeRef<'_>], out: &mut Vec<Diagnostic>) {
    for line in global.iter().filter(|n| n.keyword() == Some("vrrp_iptables")) {
        let args = line.args();
        let (Some(a), Some(b)) = (args.get(0), args.get(1)) else {
            continue;
        };
        if a.text() != b.text() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                b.span(),
                format!("vrrp_iptables uses chain `{}` for both directions", a.text()),
            )
            .label(a.span(), "input chain")
            .help("keepalived drops this setting and only logs it; name two different chains"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn equal() {
        let d = lint("global_defs {\n    vrrp_iptables A A\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0807");
        assert!(lint("global_defs {\n    vrrp_iptables A B\n}\n").is_empty());
    }
}
