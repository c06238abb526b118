//! KA0427 vmac-unicast-without-xmit-base: `use_vmac` or `use_ipvlan` in a unicast instance (one with unicast peers) that lacks `vmac_xmit_base`.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0427",
    name: "vmac-unicast-without-xmit-base",
    severity: Severity::Error,
    finds: "`use_vmac` or `use_ipvlan` in a unicast instance (one with unicast peers) that lacks `vmac_xmit_base`.",
    why: "Unicast adverts cannot leave through the virtual-MAC or ipvlan interface, so keepalived turns `vmac_xmit_base` on itself and reports it as a configuration error (for ipvlan it then also rejects that setting), so `keepalived -t` fails.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    use_vmac\n    unicast_peer {\n        192.0.2.2\n    }\n}",
    fix: "Add `vmac_xmit_base` with use_vmac; with use_ipvlan use multicast or drop use_ipvlan.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.last("interface").is_none() || inst.last("vmac_xmit_base").is_some() || inst.peers().is_empty() {
        return;
    }
    let Some(n) = inst.last("use_vmac").or_else(|| inst.last("use_ipvlan")) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            n.span(),
            format!("{} in unicast vrrp_instance `{}` without vmac_xmit_base", n.keyword().unwrap_or("use_vmac"), inst.label()),
        )
        .help("unicast adverts go out through the base interface; keepalived sets vmac_xmit_base itself with an error. Write vmac_xmit_base"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0427").count()
    }

    #[test]
    fn unicast_vmac() {
        let peers = "    unicast_peer {\n        192.0.2.9\n    }\n";
        assert_eq!(count(&instance(&format!("    use_vmac\n{peers}"))), 1);
        assert_eq!(
            count(&instance(&format!("    use_vmac\n    vmac_xmit_base\n{peers}"))),
            0
        );
        assert_eq!(count(&strict("    use_vmac\n")), 0);
    }
}
