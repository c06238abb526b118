//! KA0509 missing-protocol: an address-based virtual server without `protocol`.

use super::VirtualServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0509",
    name: "missing-protocol",
    severity: Severity::Error,
    finds: "A virtual_server addressed by IP address (directly or through a group with addresses) without a valid `protocol` line.",
    why: "keepalived then sets the service up for UDP, so a TCP service (the common case) receives no traffic at all. `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    lb_kind NAT\n    real_server 192.0.2.10 80 {\n    }\n}",
    fix: "Write `protocol TCP` (or UDP, or SCTP).",
};

pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) {
    if !vs.has_addr() || vs.protocol().is_some() {
        return;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            vs.head_span(),
            format!("virtual_server {} sets no protocol", vs.label()),
        )
        .help("keepalived -t rejects this; it would default to UDP. Write `protocol TCP`, `protocol UDP` or `protocol SCTP`"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn address_service_without_protocol() {
        let d = lint("virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    lb_kind NAT\n    real_server 192.0.2.10 80 {\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0509");
        let d = lint(
            "virtual_server fwmark 1 {\n    lb_algo rr\n    lb_kind NAT\n    real_server 192.0.2.10 {\n    }\n}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let d = lint("virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol udp\n    real_server 192.0.2.10 80 {\n    }\n}\n");
        assert!(d.is_empty(), "{d:?}");
    }
}
