//! KA0434 vrf-with-interface-or-multicast: `vrf` in an instance that also has `interface` (an error), or that has no unicast peers (a warning).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0434",
    name: "vrf-with-interface-or-multicast",
    severity: Severity::Error,
    finds: "`vrf` in an instance that also has `interface` (an error), or that has no unicast peers (a warning).",
    why: "`vrf` names the VRF device for an interface-less unicast instance. keepalived ignores it with an error when `interface` is given; recent releases also clear it without unicast peers, since multicast needs an interface.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    vrf red\n}",
    fix: "Remove `vrf` (an interface's VRF is used anyway), or remove `interface` and use unicast peers.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let Some(n) = inst.last("vrf") else {
        return;
    };
    let name = inst.label();
    if inst.last("interface").is_some() {
        out.push(
            Diagnostic::new(
                &CHECK,
                n.span(),
                format!("vrf together with interface in vrrp_instance `{name}`"),
            )
            .help("keepalived ignores vrf when an interface is given; remove one of them"),
        );
    } else if inst.peers().is_empty() {
        let mut d = Diagnostic::new(&CHECK, n.span(), format!("vrf in multicast vrrp_instance `{name}`"))
            .help("vrf is only for interface-less unicast instances; add unicast peers or use `interface`");
        d.severity = Severity::Warning;
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0434").count()
    }

    #[test]
    fn vrf() {
        assert_eq!(count(&instance("    vrf red\n")), 1);
        let _ = strict("");
        let text =
            instance("    vrf red\n    unicast_src_ip 192.0.2.5\n    unicast_peer {\n        192.0.2.9\n    }\n")
                .replace("    interface eth0\n", "");
        assert_eq!(count(&text), 0);
    }
}
