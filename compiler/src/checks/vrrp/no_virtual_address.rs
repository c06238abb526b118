//! KA0420 no-virtual-address: an instance without any virtual address.

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0420",
    name: "no-virtual-address",
    severity: Severity::Error,
    finds: "A vrrp_instance with no address in `virtual_ipaddress` (the block is missing, empty, or holds only `virtual_ipaddress_excluded`).",
    why: "The adverts carry the virtual addresses and failing them over is what the instance is for. keepalived reports a configuration error (so `keepalived -t` fails); with VRRPv3 or strict mode it refuses to start VRRP at all.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}",
    fix: "List the virtual addresses in virtual_ipaddress. For an instance without addresses on purpose (keepalived 2.2.8 or later), write `no_virtual_ipaddress`.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, out: &mut Vec<Diagnostic>) {
    if !inst.vips().is_empty() || inst.last("no_virtual_ipaddress").is_some() {
        return;
    }
    // Lines that do not parse as addresses are reported by the address-line check.
    let written = inst
        .all("virtual_ipaddress")
        .filter_map(|n| n.block())
        .flat_map(|b| b.nodes())
        .any(|l| l.block().is_none() && !l.words().is_empty());
    if written {
        return;
    }
    let at = inst
        .last("virtual_ipaddress")
        .and_then(|n| n.words().first())
        .or(inst.name)
        .or_else(|| inst.node.words().first());
    let Some(at) = at else {
        return;
    };
    let consequence = if v.version == 3 {
        "with VRRPv3 keepalived refuses to start VRRP"
    } else {
        "keepalived reports it as a configuration error"
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            at.span(),
            format!("vrrp_instance `{}` has no virtual address", inst.label()),
        )
        .help(format!(
            "{consequence}; list the addresses to fail over in virtual_ipaddress"
        )),
    );
}

#[cfg(test)]
mod tests {

    /// This check's diagnostics only (other VRRP checks may fire on the same input).
    fn lint(text: &str) -> Vec<crate::Diagnostic> {
        super::super::lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0420")
            .collect()
    }

    #[test]
    fn instance_without_vip() {
        let d = lint("vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0420");
        let d =
            lint("vrrp_instance VI_1 {\n    virtual_router_id 51\n    version 3\n    virtual_ipaddress {\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].help.as_deref().unwrap().contains("VRRPv3"));
        let d = lint("vrrp_instance VI_1 {\n    virtual_router_id 51\n    virtual_ipaddress_excluded {\n        192.0.2.1\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(lint("vrrp_instance VI_1 {\n    no_virtual_ipaddress\n}\n").is_empty());
        assert!(lint(&super::super::instance("")).is_empty());
    }
}
