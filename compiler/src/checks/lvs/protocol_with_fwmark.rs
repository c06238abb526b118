//! KA0505 protocol-with-fwmark: `protocol` on a virtual server addressed by firewall mark.

use super::VirtualServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0505",
    name: "protocol-with-fwmark",
    severity: Severity::Error,
    finds: "A `protocol` line in a virtual_server addressed by firewall mark (directly or through a group of marks only).",
    why: "A firewall-mark service matches whatever the mark was set on, whatever the protocol, so keepalived ignores the line; it usually means the service was expected to be limited to TCP or UDP, which it is not. `keepalived -t` rejects the configuration.",
    example: "virtual_server fwmark 5 {\n    protocol TCP\n    real_server 192.0.2.10 {\n    }\n}",
    fix: "Remove the protocol line, and limit the protocol where the mark is set (the firewall rule).",
};

pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) {
    if !vs.fwmark_only() {
        return;
    }
    let Some((proto, line)) = vs.protocol() else { return };
    let span = line.words().span().unwrap_or(line.span());
    out.push(
        Diagnostic::new(
            &CHECK,
            span,
            format!("`protocol {proto}` has no effect on firewall-mark virtual_server {}", vs.label()),
        )
        .label(vs.head_span(), "addressed by firewall mark")
        .help("keepalived -t rejects this and ignores the protocol; remove the line and match the protocol in the rule that sets the mark"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn fwmark_with_protocol() {
        let d = lint(&vs("fwmark 5", "    real_server 192.0.2.10 {\n    }\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0505");
    }

    #[test]
    fn group_with_an_address_needs_it() {
        let text = "virtual_server_group G {\n    fwmark 3\n    192.0.2.1 80\n}\n".to_string()
            + &vs("group G", "    real_server 192.0.2.10 80 {\n    }\n");
        assert!(lint(&text).is_empty());
        let text = "virtual_server_group G {\n    fwmark 3\n}\n".to_string()
            + &vs("group G", "    real_server 192.0.2.10 {\n    }\n");
        assert_eq!(lint(&text).len(), 1);
    }
}
