//! KA0517 bfd-family-mismatch: a bfd_instance whose source and neighbour addresses are of
//! different families.

use super::{neighbor_keywords, Bfd};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::values::Family;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0517",
    name: "bfd-family-mismatch",
    severity: Severity::Error,
    finds: "A bfd_instance whose source_ip and neighbor_ip are not both IPv4 or both IPv6.",
    why: "One session cannot send from an address of one family to an address of the other; keepalived disables the instance, and whatever tracks it follows a session that never comes up. `keepalived -t` rejects the configuration.",
    example: "bfd_instance to_router {\n    source_ip 192.0.2.1\n    neighbor_ip 2001:db8::1\n}",
    fix: "Use a source address of the neighbour's family, or leave source_ip out.",
};

/// Returns whether keepalived keeps the instance.
pub fn check(b: &Bfd<'_>, out: &mut Vec<Diagnostic>) -> bool {
    let (Some((src, sw)), Some((nbr, nw))) = (b.addr(&["source_ip"]), b.addr(&neighbor_keywords())) else {
        return true;
    };
    let (fs, fnb) = (Family::of(&src), Family::of(&nbr));
    if fs == fnb {
        return true;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            sw.span(),
            format!(
                "bfd_instance `{}` sends from {} address {} to {} neighbour {}",
                b.label(),
                fs.name(),
                sw.text(),
                fnb.name(),
                nw.text()
            ),
        )
        .label(nw.span(), format!("{} neighbour", fnb.name()))
        .help("keepalived -t rejects this and disables the instance; use a source address of the neighbour's family"),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn mixed_families() {
        let d = lint("bfd_instance B1 {\n    source_ip 192.0.2.1\n    neighbor_ip 2001:db8::1\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0517");
        assert!(lint("bfd_instance B1 {\n    source_ip 2001:db8::2\n    neighbor_ip 2001:db8::1\n}\n").is_empty());
    }
}
