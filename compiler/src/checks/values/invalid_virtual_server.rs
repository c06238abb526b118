//! KA0207 invalid-virtual-server: the `virtual_server` line names no service keepalived can
//! read (a bad address, port or firewall mark, or a missing mark or group name).

use crate::checks::Check;
use crate::values::{parse_ip, read_int, Problem};
use vigil_grammar::{Severity, Span, Words};

pub static CHECK: Check = Check {
    code: "KA0207",
    name: "invalid-virtual-server",
    severity: Severity::Error,
    finds: "A virtual_server whose address, port, firewall mark or group name keepalived cannot read.",
    why: "keepalived skips the whole virtual_server block, real servers and health checks included, so the service is never set up in IPVS.",
    example: "virtual_server 10.10.10.300 80 {\n    real_server 192.0.2.2 80 {\n    }\n}\nvirtual_server fwmark 4294967296 {\n}",
    fix: "Write `virtual_server ADDR PORT` with an IPv4 or IPv6 address and a port up to 65535, `virtual_server fwmark N` with N from 0 to 4294967295, or `virtual_server group NAME`.",
};

/// The problems of a `virtual_server` line's arguments (none given is reported elsewhere).
pub fn problems(args: Words<'_>, line: Span) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(first) = args.first() else {
        return out;
    };
    match first.text() {
        "fwmark" => match args.get(1) {
            None => out.push(Problem::invalid(line, "`virtual_server fwmark` names no firewall mark")),
            Some(w) => {
                if let Err(e) = read_int(w.text(), 0, u32::MAX.into()) {
                    out.push(Problem::invalid(w.span(), format!("bad firewall mark: {e}")));
                }
            }
        },
        "group" => {
            if args.get(1).is_none() {
                out.push(Problem::invalid(
                    line,
                    "`virtual_server group` names no virtual_server_group",
                ));
            }
        }
        text => {
            // keepalived ignores a `/LEN` after the address here.
            let addr = text.split_once('/').map_or(text, |(a, _)| a);
            if parse_ip(addr).is_none() {
                out.push(Problem::invalid(
                    first.span(),
                    format!("`{text}` is not an IP address (write `fwmark N` or `group NAME` for the other forms)"),
                ));
            }
            if let Some(p) = args.get(1) {
                if let Err(e) = read_int(p.text(), 0, 65535) {
                    out.push(Problem::invalid(p.span(), format!("bad port: {e}")));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    fn codes(text: &str) -> Vec<String> {
        lint(text, None)
            .iter()
            .filter(|d| d.code() == "KA0207")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn reports_bad_services() {
        let d = codes(
            "virtual_server 10.10.10.300 80 {\n}\nvirtual_server 10.1.1.1 abc {\n}\nvirtual_server 10.1.1.1 65536 {\n}\n\
             virtual_server fwmark 4294967296 {\n}\nvirtual_server fwmark {\n}\nvirtual_server group {\n}\n\
             virtual_server host.example 80 {\n}\nvirtual_server 10.1.1.1 0x50 {\n}\n",
        );
        assert_eq!(d.len(), 8, "{d:?}");
        assert!(d[0].contains("10.10.10.300"));
        assert!(d[3].contains("4294967296"));
    }

    #[test]
    fn accepts_what_keepalived_accepts() {
        let d = codes(
            "virtual_server 10.1.1.1 080 {\n}\nvirtual_server 10.1.1.1/24 80 {\n}\nvirtual_server 10.1.1.1 {\n}\n\
             virtual_server 2001:db8::1 0 {\n}\nvirtual_server fwmark 4294967295 {\n}\nvirtual_server group G {\n}\n",
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
