//! KA0516 bfd-without-neighbor: a bfd_instance with no neighbour address.

use super::{neighbor_keywords, Bfd};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0516",
    name: "bfd-without-neighbor",
    severity: Severity::Error,
    finds: "A bfd_instance block without neighbor_ip (or neighbour_ip).",
    why: "A BFD session is a conversation with one peer; without its address keepalived disables the instance, and every VRRP instance or BFD_CHECK tracking it follows a session that never exists. `keepalived -t` rejects the configuration.",
    example: "bfd_instance to_router {\n    source_ip 192.0.2.1\n}",
    fix: "Add `neighbor_ip ADDRESS` with the peer's address.",
};

/// Returns whether the instance has a neighbour line (keepalived keeps it).
pub fn check(b: &Bfd<'_>, out: &mut Vec<Diagnostic>) -> bool {
    if b.last(&neighbor_keywords()).is_some() {
        return true;
    }
    let at = b.name.map_or(b.node.span(), |w| w.span());
    out.push(
        Diagnostic::new(&CHECK, at, format!("bfd_instance `{}` has no neighbor_ip", b.label()))
            .help("keepalived -t rejects this and disables the instance; add `neighbor_ip ADDRESS`"),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn without_and_with_neighbor() {
        let d = lint("bfd_instance B1 {\n    source_ip 192.0.2.1\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0516");
        assert!(lint("bfd_instance B1 {\n    neighbour_ip 192.0.2.9\n}\n").is_empty());
    }
}
