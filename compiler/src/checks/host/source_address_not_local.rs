//! KA0602 source-address-not-local (host check): `unicast_src_ip` / `mcast_src_ip` is not an
//! address of this machine.

use super::{Host, Uses};
use crate::checks::vrrp::ip;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0602",
    name: "source-address-not-local",
    severity: Severity::Error,
    finds: "With --host-checks: a unicast_src_ip or mcast_src_ip that is not configured on any interface of this machine (nor added by static_ipaddress).",
    why: "keepalived sends its adverts from that address. When the machine does not have it, the instance goes to FAULT or its adverts never arrive, and every node believes it is MASTER. keepalived -t does not look.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    unicast_src_ip 192.0.2.99\n    unicast_peer {\n        192.0.2.2\n    }\n}",
    fix: "Write an address this machine has on the instance's interface (`ip -br addr`), or configure it before keepalived starts. A config copied from the other node usually still has that node's address.",
};

pub fn check(uses: &Uses<'_>, host: &dyn Host, out: &mut Vec<Diagnostic>) {
    if uses.sources.is_empty() {
        return;
    }
    let Some(have) = host.addresses() else {
        return;
    };
    for f in &uses.sources {
        let Some(a) = ip(f.text) else {
            continue;
        };
        if have.contains(&a) || uses.static_addresses.contains(&a) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                f.span,
                format!("`{a}` ({}) is not an address of this machine", f.keyword),
            )
            .help("was this file copied from another node? each node sends from one of its own addresses"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, lint, FakeHost};

    #[test]
    fn flags_foreign_source_addresses() {
        let h = FakeHost::typical();
        let d = lint(
            "vrrp_instance V {\n    interface eth0\n    unicast_src_ip 192.0.2.2\n    mcast_src_ip 192.0.2.1\n}\n",
            &h,
        );
        assert_eq!(codes(&d), ["KA0602"]);
        assert!(d[0].message.contains("192.0.2.2"));
    }

    #[test]
    fn static_addresses_count_as_local() {
        let h = FakeHost::typical();
        let d = lint("static_ipaddress {\n    192.0.2.50/24 dev eth0\n}\nvrrp_instance V {\n    unicast_src_ip 192.0.2.50\n    unicast_src_ip bogus\n}\n", &h);
        assert!(d.is_empty(), "{d:?}");
    }
}
