//! KA0522 link-local-without-bind-if: a checker that connects to an IPv6 link-local address
//! without naming the interface.

use super::RealServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body};
use crate::values::parse_ip;
use std::net::IpAddr;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0522",
    name: "link-local-without-bind-if",
    severity: Severity::Error,
    finds: "A health checker whose target (its connect_ip, else the real server's address) is an IPv6 link-local address (fe80::/10), with no bind_if in the checker.",
    why: "A link-local address is only meaningful together with an interface: the same fe80:: address can exist on every link. Without bind_if keepalived cannot connect, so it drops the checker, and `keepalived -t` rejects the configuration.",
    example: "TCP_CHECK {\n    connect_ip fe80::10\n}",
    fix: "Add `bind_if IFNAME` to the checker, naming the interface the address is reached on.",
};

fn link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V6(a) => a.segments()[0] & 0xffc0 == 0xfe80,
        IpAddr::V4(_) => false,
    }
}

/// `checker` is a checker block of `rs`; only checkers whose table has `bind_if` connect.
pub fn check(rs: &RealServer<'_>, checker: NodeRef<'_>, out: &mut Vec<Diagnostic>) {
    let Some(block) = checker.block() else { return };
    let Some(table) = super::rs_table()
        .and_then(|t| schema::find(t, checker.keyword()?))
        .and_then(|k| match k.body {
            Body::Keywords(t) => Some(t),
            _ => None,
        })
    else {
        return;
    };
    if schema::find(table, "bind_if").is_none() {
        return;
    }
    if block.nodes().any(|n| n.keyword() == Some("bind_if")) {
        return;
    }
    let connect = block
        .nodes()
        .filter(|n| n.keyword() == Some("connect_ip"))
        .filter_map(|n| {
            let w = n.args().first()?;
            Some((parse_ip(w.text())?, w.span()))
        })
        .last();
    let (ip, at, whose) = match connect {
        Some((ip, at)) => (ip, at, "connect_ip"),
        None => (rs.at.ip, rs.at.addr_word.span(), "real server address"),
    };
    if !link_local(&ip) {
        return;
    }
    let mut d = Diagnostic::new(
        &CHECK,
        at,
        format!(
            "{} connects to link-local {ip} ({whose}) but names no interface",
            checker.keyword().unwrap_or("checker")
        ),
    );
    if connect.is_none() {
        d = d.label(checker.words().span().unwrap_or(checker.span()), "this checker");
    }
    out.push(d.help("keepalived -t rejects this and drops the checker; add `bind_if IFNAME` to the checker"));
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    fn rs(addr: &str, checker: &str) -> String {
        vs(
            "2001:db8::1 80",
            &format!("    real_server {addr} 80 {{\n        {checker}\n    }}\n"),
        )
    }

    #[test]
    fn link_local_targets() {
        let d = lint(&rs(
            "2001:db8::10",
            "TCP_CHECK {\n            connect_ip fe80::1\n        }",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0522");
        let d = lint(&rs("fe80::10", "TCP_CHECK {\n        }"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(lint(&rs("fe80::10", "TCP_CHECK {\n            bind_if eth0\n        }")).is_empty());
        assert!(lint(&rs(
            "fe80::10",
            "TCP_CHECK {\n            connect_ip 2001:db8::10\n        }"
        ))
        .is_empty());
        assert!(lint(&rs(
            "fe80::10",
            "MISC_CHECK {\n            misc_path /bin/true\n        }"
        ))
        .iter()
        .all(|d| d.code() != "KA0522"));
    }
}
