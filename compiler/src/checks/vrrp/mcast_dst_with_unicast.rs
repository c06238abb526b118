//! KA0439 mcast-dst-with-unicast: `mcast_dst_ip` in an instance with unicast peers.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0439",
    name: "mcast-dst-with-unicast",
    severity: Severity::Error,
    finds: "`mcast_dst_ip` in an instance with unicast peers.",
    why: "A unicast instance sends its adverts to its peers, never to a multicast group; keepalived drops `mcast_dst_ip` with an error.",
    example: "vrrp_instance VI_1 {\n    mcast_dst_ip 224.0.0.19\n    unicast_peer {\n        192.0.2.2\n    }\n}",
    fix: "Remove `mcast_dst_ip`, or the unicast peers to use multicast.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.peers().is_empty() {
        return;
    }
    let Some(n) = inst.last("mcast_dst_ip") else {
        return;
    };
    out.push(
        Diagnostic::new(&CHECK, n.span(), format!("mcast_dst_ip in unicast vrrp_instance `{}`", inst.label()))
            .help("unicast adverts go to the peers; keepalived drops the multicast destination with an error. Remove the line"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0439").count()
    }

    #[test]
    fn unicast_dst() {
        let peers = "    unicast_peer {\n        192.0.2.9\n    }\n";
        assert_eq!(count(&instance(&format!("    mcast_dst_ip 224.0.0.19\n{peers}"))), 1);
        assert_eq!(count(&strict("    mcast_dst_ip 224.0.0.19\n")), 0);
    }
}
