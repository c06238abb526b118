//! KA0601 unknown-interface (host check): an interface the config names does not exist on
//! this machine.

use super::{Host, Uses};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0601",
    name: "unknown-interface",
    severity: Severity::Error,
    finds: "With --host-checks: an interface named by the configuration (an instance's interface, a tracked interface, `dev` of an address or route, a rule's iif/oif, a garp_group or linkbeat interface, a bind interface) that this machine does not have.",
    why: "keepalived cannot bind, track or add addresses on an interface that is not there: under -t a missing VRRP interface stops the remaining VRRP checks, and at start-up the instance goes to FAULT or the address, route or tracker is dropped. Unless dynamic_interfaces is set, keepalived does not wait for it to appear.",
    example: "vrrp_instance VI_1 {\n    interface eht0\n    virtual_router_id 51\n}",
    fix: "Name an interface this machine has (`ip link` lists them), or set dynamic_interfaces in global_defs if it is created later. Run the check on the machine the file is for.",
};

pub fn check(uses: &Uses<'_>, host: &dyn Host, out: &mut Vec<Diagnostic>) {
    let Some(have) = host.interfaces() else {
        return;
    };
    for f in &uses.interfaces {
        if f.text.is_empty() || have.iter().any(|h| h == f.text) || uses.created.iter().any(|c| c == f.text) {
            continue;
        }
        let mut known = have.clone();
        known.sort();
        let mut d = Diagnostic::new(
            &CHECK,
            f.span,
            format!("`{}` ({}) is not an interface of this machine", f.text, f.keyword),
        );
        d = if uses.dynamic_interfaces {
            d.severity = Severity::Warning;
            d.help(format!(
                "dynamic_interfaces is set: keepalived waits for it to appear; this machine has: {}",
                known.join(", ")
            ))
        } else {
            d.help(format!("this machine has: {}", known.join(", ")))
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, lint, FakeHost};

    #[test]
    fn flags_interfaces_the_host_lacks() {
        let h = FakeHost::typical();
        let d = lint("vrrp_instance V {\n    interface eth0\n    virtual_router_id 1\n    track_interface {\n        eth7\n    }\n    virtual_ipaddress {\n        192.0.2.9/24 dev eth8\n    }\n}\n", &h);
        assert_eq!(codes(&d), ["KA0601", "KA0601"]);
        assert!(d[0].message.contains("`eth7`"));
        assert!(d[1].message.contains("`eth8`"));
    }

    #[test]
    fn vmac_interfaces_and_dynamic_interfaces() {
        let h = FakeHost::typical();
        // With dynamic_interfaces, an address on a VMAC named before it.
        let d = lint("global_defs {\n    dynamic_interfaces\n}\nvrrp_instance V {\n    interface eth0\n    virtual_router_id 7\n    use_vmac vm7\n    virtual_ipaddress {\n        192.0.2.9/24 dev vm7\n    }\n}\n", &h);
        assert!(d.is_empty(), "{d:?}");
        // An address on `vrrp.7` makes keepalived think that name taken: its VMAC is vrrp1.7,
        // and vrrp.7 does not exist (keepalived 2.2.7 stops with a configuration error).
        let d = lint("vrrp_instance V {\n    interface eth0\n    virtual_router_id 7\n    use_vmac\n    virtual_ipaddress {\n        192.0.2.9/24 dev vrrp.7\n    }\n}\n", &h);
        assert_eq!(codes(&d), ["KA0601"]);
        let d = lint(
            "global_defs {\n    dynamic_interfaces\n}\nvrrp_instance V {\n    interface eth5\n}\n",
            &h,
        );
        assert_eq!(codes(&d), ["KA0601"]);
        assert_eq!(d[0].severity, vigil_grammar::Severity::Warning);
    }

    #[test]
    fn silent_when_the_host_cannot_tell() {
        let h = FakeHost {
            interfaces: None,
            ..FakeHost::typical()
        };
        assert!(lint("vrrp_instance V {\n    interface eth5\n}\n", &h).is_empty());
    }
}
