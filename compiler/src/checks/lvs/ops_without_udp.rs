//! KA0512 ops-without-udp: one-packet scheduling on a TCP or SCTP service.

use super::{VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0512",
    name: "ops-without-udp",
    severity: Severity::Error,
    finds: "`ops` (one-packet scheduling) in an address-based virtual_server whose protocol is TCP or SCTP.",
    why: "Scheduling each packet on its own only makes sense for datagrams; keepalived clears the flag for connection protocols, so the option you wrote does nothing. `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 53 {\n    protocol TCP\n    ops\n    real_server 192.0.2.10 53 {\n    }\n}",
    fix: "Remove `ops`, or use it on the UDP service (`protocol UDP`).",
};

pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    // Written, and cleared by keepalived for want of UDP (resolve::lvs).
    let Some(line) = vs.last("ops").filter(|_| !eff.one_packet.value) else {
        return;
    };
    let Some(p) = &eff.protocol else { return };
    let Some(pline) = vs.line_at(p.by) else { return };
    let proto = &p.value;
    let span = line.words().span().unwrap_or(line.span());
    out.push(
        Diagnostic::new(
            &CHECK,
            span,
            format!(
                "one-packet scheduling needs UDP, but virtual_server {} is {proto}",
                vs.label()
            ),
        )
        .label(
            pline.words().span().unwrap_or(pline.span()),
            format!("protocol {proto} here"),
        )
        .help("keepalived -t rejects this and clears `ops`; remove it or make the service UDP"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn ops_on_tcp() {
        let d = lint(&vs("192.0.2.1 80", "    ops\n    real_server 192.0.2.10 80 {\n    }\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0512");
        let ok = "virtual_server 192.0.2.1 53 {\n    lb_algo rr\n    lb_kind NAT\n    protocol udp\n    ops\n    real_server 192.0.2.10 53 {\n    }\n}\n";
        assert!(lint(ok).is_empty());
    }
}
