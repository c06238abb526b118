//! KA0806 iptables-and-nftables: global_defs asks for both vrrp_iptables and nftables.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0806",
    name: "iptables-and-nftables",
    severity: Severity::Warning,
    finds: "A global_defs with both vrrp_iptables and nftables.",
    why: "keepalived installs its firewall rules through one of them only. With both it uses nftables and drops the iptables setting, saying so only in its log (a build without iptables support reports the conflict differently). Rules you expect in the iptables chains will not be there.",
    example: "global_defs {\n    vrrp_iptables\n    nftables\n}",
    fix: "Keep one of the two lines: nftables on current systems.",
};

pub fn check(global: &[NodeRef<'_>], out: &mut Vec<Diagnostic>) {
    let ipt = global.iter().find(|n| n.keyword() == Some("vrrp_iptables"));
    let nft = global.iter().find(|n| n.keyword() == Some("nftables"));
    let (Some(ipt), Some(nft)) = (ipt, nft) else { return };
    out.push(
        Diagnostic::new(
            &CHECK,
            ipt.words().span().unwrap_or(ipt.span()),
            "vrrp_iptables is set together with nftables: keepalived uses nftables only",
        )
        .label(nft.words().span().unwrap_or(nft.span()), "nftables set here")
        .help("keepalived ignores vrrp_iptables here and only logs it; keep one of the two"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn both() {
        let d = lint("global_defs {\n    vrrp_iptables\n    nftables\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0806");
        assert!(lint("global_defs {\n    vrrp_iptables IN OUT\n}\n").is_empty());
    }
}
