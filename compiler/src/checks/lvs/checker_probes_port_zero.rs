//! KA0528 checker-probes-port-zero: a health checker that connects to port 0, because neither
//! the real server line nor the checker names a port.

use super::RealServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0528",
    name: "checker-probes-port-zero",
    severity: Severity::Warning,
    finds: "A TCP_CHECK, HTTP_GET, SSL_GET or UDP_CHECK of a real server written without a port, with no connect_port in the checker.",
    why: "A checker connects to the real server's address and port as written, not to the port IPVS forwards to: with no port on the real_server line it probes port 0, which never answers. The check fails for ever, so the real server is never added (or is removed at once), and keepalived says nothing about it.",
    example: "virtual_server fwmark 10 {\n    real_server 192.0.2.10 {\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n}",
    fix: "Add `connect_port PORT` to the checker (or write the port on the real_server line when the service is not a firewall-mark one).",
};

/// The checkers that connect to the real server's port (SMTP_CHECK and DNS_CHECK have ports
/// of their own; the others connect to nothing).
const PORTED: &[&str] = &["TCP_CHECK", "HTTP_GET", "SSL_GET", "UDP_CHECK"];

/// `checker` is a checker block of `rs`.
pub fn check(rs: &RealServer<'_>, checker: NodeRef<'_>, out: &mut Vec<Diagnostic>) {
    if rs.at.port_word.is_some() {
        return;
    }
    let Some(kind) = checker.keyword().filter(|k| PORTED.contains(k)) else {
        return;
    };
    let Some(block) = checker.block() else { return };
    if block.nodes().any(|n| n.keyword() == Some("connect_port")) {
        return;
    }
    let head = checker.words().span().unwrap_or(checker.span());
    out.push(
        Diagnostic::new(
            &CHECK,
            head,
            format!("{kind} of real server {} probes port 0", rs.at.label()),
        )
        .label(rs.at.span(), "no port here, and the checker names none")
        .help("add `connect_port PORT` to the checker: it connects to the port written on the real_server line, which is none"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    fn codes(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0528").count()
    }

    #[test]
    fn checker_without_any_port() {
        let t = vs(
            "10.0.0.1 80",
            "    real_server 10.0.1.1 {\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n",
        );
        assert_eq!(codes(&t), 1);
    }

    #[test]
    fn a_port_anywhere_or_a_portless_checker_is_fine() {
        let with_rs_port = vs(
            "10.0.0.1 80",
            "    real_server 10.0.1.1 80 {\n        TCP_CHECK {\n        }\n    }\n",
        );
        let with_connect_port = vs(
            "10.0.0.1 80",
            "    real_server 10.0.1.1 {\n        HTTP_GET {\n            connect_port 8080\n            url {\n                path /\n            }\n        }\n    }\n",
        );
        let ping = vs(
            "10.0.0.1 80",
            "    real_server 10.0.1.1 {\n        PING_CHECK {\n        }\n    }\n",
        );
        assert_eq!(codes(&with_rs_port), 0);
        assert_eq!(codes(&with_connect_port), 0);
        assert_eq!(codes(&ping), 0);
    }
}
