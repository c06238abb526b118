//! KA0506 empty-virtual-server: a virtual server without any real server keepalived keeps.

use super::VirtualServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0506",
    name: "empty-virtual-server",
    severity: Severity::Error,
    finds: "A virtual_server with no real_server, or whose real servers keepalived all drops (wrong address family).",
    why: "keepalived does not create the IPVS service at all, sorry server and quorum scripts included, so the address answers nobody. `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n}",
    fix: "Add at least one real_server block (of the service's address family unless tunnelled), or remove the virtual_server.",
};

pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) {
    // A real_server line whose address keepalived cannot read is reported on its own.
    let unreadable = vs.all("real_server").count() > vs.reals.len();
    if unreadable {
        return;
    }
    let dropped = !vs.reals.is_empty();
    let mut d = Diagnostic::new(
        &CHECK,
        vs.head_span(),
        if dropped {
            format!("every real server of virtual_server {} is dropped", vs.label())
        } else {
            format!("virtual_server {} has no real server", vs.label())
        },
    );
    for rs in &vs.reals {
        d = d.label(rs.at.span(), "dropped: wrong address family");
    }
    out.push(d.help("keepalived -t rejects this and leaves the whole service out; add a real_server block"));
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn no_real_server() {
        let d = lint(&vs("192.0.2.1 80", ""));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0506");
    }

    #[test]
    fn all_dropped_for_family() {
        let d = lint(&vs("192.0.2.1 80", "    real_server 2001:db8::1 80 {\n    }\n"));
        let codes: Vec<_> = d.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["KA0510", "KA0506"], "{d:?}");
    }
}
