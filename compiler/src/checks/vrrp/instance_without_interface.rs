//! KA0428 instance-without-interface: A vrrp_instance without `interface`: multicast (no unicast peers), with `use_vmac`/`use_ipvlan`, without a source address, or with a link-local IPv6 source.

use super::{ip, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use std::net::IpAddr;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0428",
    name: "instance-without-interface",
    severity: Severity::Error,
    finds: "A vrrp_instance without `interface`: multicast (no unicast peers), with `use_vmac`/`use_ipvlan`, without a source address, or with a link-local IPv6 source.",
    why: "Without an interface keepalived cannot know where to send multicast adverts, where to create a virtual-MAC interface, or which link a link-local source belongs to, and it refuses the instance. Interface-less unicast with a routable `unicast_src_ip` is accepted by recent releases only: keepalived 2.2.7 refuses that too (a warning).",
    example: "vrrp_instance VI_1 {\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}",
    fix: "Add `interface` with the interface facing the other routers.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.last("interface").is_some() {
        return;
    }
    let at = inst.name.map_or(inst.node.span(), |w| w.span());
    let name = inst.label();
    let src = inst
        .last("unicast_src_ip")
        .or_else(|| inst.last("mcast_src_ip"))
        .and_then(|n| n.args().first().and_then(|w| ip(w.text())));
    let vmac = inst.last("use_vmac").or_else(|| inst.last("use_ipvlan"));
    let (message, help, warn) = if let Some(v) = vmac {
        (
            format!(
                "vrrp_instance `{name}` has {} but no interface",
                v.keyword().unwrap_or("use_vmac")
            ),
            "a virtual-MAC or ipvlan interface is made on top of the instance's interface; add `interface`",
            false,
        )
    } else if inst.peers().is_empty() {
        (
            format!("multicast vrrp_instance `{name}` has no interface"),
            "keepalived needs the interface to send and receive multicast adverts and refuses the instance; add `interface`",
            false,
        )
    } else {
        match src {
            None => (
                format!("unicast vrrp_instance `{name}` has neither an interface nor unicast_src_ip"),
                "keepalived cannot choose the source address and refuses the instance; add `interface` or `unicast_src_ip`",
                false,
            ),
            Some(IpAddr::V6(a)) if a.segments()[0] & 0xffc0 == 0xfe80 => (
                format!("vrrp_instance `{name}` has a link-local source address but no interface"),
                "a link-local address means nothing without its interface, and keepalived refuses the instance; add `interface` or use a routable source",
                false,
            ),
            Some(_) => (
                format!("unicast vrrp_instance `{name}` has no interface"),
                "keepalived 2.2.7 still refuses an instance without interface; later releases accept it with unicast_src_ip. Add `interface` to run on both",
                true,
            ),
        }
    };
    let mut d = Diagnostic::new(&CHECK, at, message).help(help);
    if warn {
        d.severity = Severity::Warning;
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0428").count()
    }

    use vigil_grammar::Severity;

    fn without(body: &str) -> Vec<crate::Diagnostic> {
        lint(&instance(body).replace("    interface eth0\n", ""))
            .into_iter()
            .filter(|d| d.code() == "KA0428")
            .collect()
    }

    #[test]
    fn no_interface() {
        assert_eq!(without("").len(), 1);
        assert_eq!(count(&strict("")), 0);
        let peers = "    unicast_peer {\n        192.0.2.9\n    }\n";
        assert_eq!(without(peers)[0].severity, Severity::Error);
        let d = without(&format!("    unicast_src_ip 192.0.2.5\n{peers}"));
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(
            without(&format!("    use_vmac\n    unicast_src_ip 192.0.2.5\n{peers}"))[0].severity,
            Severity::Error
        );
    }
}
