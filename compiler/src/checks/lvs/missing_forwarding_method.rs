//! KA0507 missing-forwarding-method: a virtual server without `lb_kind` (or `lvs_method`)
//! whose real servers do not all set their own method.

use super::{Fwd, VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0507",
    name: "missing-forwarding-method",
    severity: Severity::Error,
    finds: "A virtual_server with no valid lb_kind / lvs_method, where some real server (or the sorry server) sets no method of its own either.",
    why: "keepalived falls back to NAT, which only works when the real servers route their replies back through this host; with servers set up for direct routing the service silently fails. `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    protocol TCP\n    real_server 192.0.2.10 80 {\n    }\n}",
    fix: "Write `lb_kind NAT`, `lb_kind DR` or `lb_kind TUN` in the virtual_server.",
};

pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    if vs.method().is_some() {
        return;
    }
    // The servers whose method is keepalived's default (resolve::lvs).
    let without: Vec<_> = vs
        .live()
        .zip(&eff.reals)
        .filter(|(_, r)| r.forwarding.by.is_none())
        .map(|(rs, _)| rs)
        .collect();
    let sorry = vs
        .sorry
        .as_ref()
        .filter(|_| eff.sorry.as_ref().is_some_and(|s| s.forwarding.by.is_none()));
    if without.is_empty() && sorry.is_none() {
        return;
    }
    let mut d = Diagnostic::new(
        &CHECK,
        vs.head_span(),
        format!("virtual_server {} sets no forwarding method (lb_kind)", vs.label()),
    );
    for rs in &without {
        d = d.label(rs.at.span(), "no lvs_method of its own");
    }
    if let Some(s) = sorry {
        d = d.label(s.span(), "no sorry_server_lvs_method");
    }
    out.push(d.help(format!(
        "keepalived -t rejects this; it would default to {}. Write `lb_kind NAT`, `lb_kind DR` or `lb_kind TUN`",
        Fwd::Nat.name()
    )));
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn missing_lb_kind() {
        let d = lint("virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    protocol TCP\n    real_server 192.0.2.10 80 {\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0507");
        assert!(d[0].help.as_deref().unwrap().contains("default to NAT"));
    }

    #[test]
    fn every_server_with_its_own_method() {
        let d = lint("virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    protocol TCP\n    real_server 192.0.2.10 80 {\n        lvs_method NAT\n    }\n}\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn invalid_method_counts_as_missing() {
        let d = lint("virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    lb_kind nat\n    protocol TCP\n    real_server 192.0.2.10 80 {\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
