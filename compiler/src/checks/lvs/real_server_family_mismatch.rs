//! KA0510 real-server-family-mismatch: a real or sorry server of another address family than
//! its virtual server, without tunnelling.

use super::VirtualServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0510",
    name: "real-server-family-mismatch",
    severity: Severity::Error,
    finds: "A real_server or sorry_server whose address family (IPv4 or IPv6) differs from the virtual server's, while it is not forwarded by TUN. For a firewall-mark service the family is `ip_family` or that of the first such real server.",
    why: "Only a tunnel can carry a packet to a server of the other family; keepalived drops the server with its checkers, so the service has one backend fewer than you think (or none). `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    lb_kind NAT\n    real_server 2001:db8::10 80 {\n    }\n}",
    fix: "Give the server an address of the service's family, or forward it by TUN (`lvs_method TUN` in the real server, or `lb_kind TUN` before it).",
};

pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) {
    for rs in &vs.reals {
        let Some((family, by)) = rs.dropped_for_family else {
            continue;
        };
        let mut d = Diagnostic::new(
            &CHECK,
            rs.at.addr_word.span(),
            format!(
                "real server {} is {}, but virtual_server {} is {}",
                rs.at.addr_word.text(),
                rs.at.family().name(),
                vs.label(),
                family.name()
            ),
        );
        d = match by {
            Some(n) => d.label(
                n.words().span().unwrap_or(n.span()),
                format!("the service's family is {} from here", family.name()),
            ),
            None => d.label(vs.head_span(), format!("{} service", family.name())),
        };
        out.push(d.help(
            "keepalived -t rejects this and drops the real server; use an address of the service's family, or forward it by TUN (lb_kind TUN before the block, or lvs_method TUN in it)",
        ));
    }
    if let (Some(s), Some(family)) = (&vs.sorry, vs.sorry_family_clash) {
        out.push(
            Diagnostic::new(
                &CHECK,
                s.addr_word.span(),
                format!(
                    "sorry server {} is {}, but virtual_server {} is {}",
                    s.addr_word.text(),
                    s.family().name(),
                    vs.label(),
                    family.name()
                ),
            )
            .label(vs.head_span(), format!("{} service", family.name()))
            .help("keepalived -t rejects this and drops the sorry server; use an address of the service's family, or sorry_server_lvs_method TUN"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn ipv6_real_server_of_ipv4_service() {
        let d = lint(&vs(
            "192.0.2.1 80",
            "    real_server 2001:db8::1 80 {\n    }\n    real_server 192.0.2.10 80 {\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0510");
    }

    #[test]
    fn tunnel_may_cross_families_if_set_before() {
        let tun = "virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    protocol TCP\n    lb_kind TUN\n    real_server 2001:db8::1 80 {\n    }\n}\n";
        assert!(lint(tun).is_empty());
        let late = "virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    protocol TCP\n    real_server 2001:db8::1 80 {\n    }\n    lb_kind TUN\n}\n";
        let codes: Vec<_> = lint(late).iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["KA0510", "KA0506"]);
    }

    #[test]
    fn fwmark_family_from_first_server_or_ip_family() {
        let d = lint(&vs(
            "fwmark 1",
            "    real_server 192.0.2.10 {\n    }\n    real_server 2001:db8::1 {\n    }\n",
        ));
        assert!(
            d.iter()
                .any(|d| d.code() == "KA0510" && d.message.contains("2001:db8::1")),
            "{d:?}"
        );
        let d = lint("virtual_server fwmark 1 {\n    lb_algo rr\n    lb_kind NAT\n    ip_family inet6\n    sorry_server 192.0.2.9\n    real_server 2001:db8::1 {\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.starts_with("sorry server"));
    }
}
