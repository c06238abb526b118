//! KA0518 bfd-duplicate-session: two bfd_instances for the same session (neighbour, source,
//! multihop).

use super::{neighbor_keywords, Bfd};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use std::net::IpAddr;
use vigil_grammar::{Severity, WordRef};

pub static CHECK: Check = Check {
    code: "KA0518",
    name: "bfd-duplicate-session",
    severity: Severity::Error,
    finds: "A bfd_instance with the same neighbour as an earlier one, where the two sources are equal or either has none (and both agree on multihop).",
    why: "BFD tells sessions apart by their addresses, so two instances for one session would read each other's packets; keepalived ignores the second instance and whatever tracks it by name follows nothing. `keepalived -t` rejects the configuration.",
    example: "bfd_instance to_router {\n    neighbor_ip 192.0.2.254\n}\nbfd_instance to_router_again {\n    neighbor_ip 192.0.2.254\n}",
    fix: "Track the first instance wherever the second is used and remove the second, or give each instance its own source_ip.",
};

struct Key<'a, 't> {
    bfd: &'a Bfd<'t>,
    nbr: IpAddr,
    nbr_word: WordRef<'t>,
    src: Option<IpAddr>,
    multihop: bool,
}

fn multihop(b: &Bfd<'_>) -> bool {
    match b.last(&["multihop"]) {
        None => false,
        Some(n) => !matches!(n.args().first().map(|w| w.text()), Some("false" | "off" | "no")),
    }
}

pub fn check(bfds: &[&Bfd<'_>], out: &mut Vec<Diagnostic>) {
    let nk = neighbor_keywords();
    let keys: Vec<Key<'_, '_>> = bfds
        .iter()
        .filter_map(|b| {
            let (nbr, nbr_word) = b.addr(&nk)?;
            Some(Key {
                bfd: b,
                nbr,
                nbr_word,
                src: b.addr(&["source_ip"]).map(|a| a.0),
                multihop: multihop(b),
            })
        })
        .collect();
    let mut kept: Vec<&Key<'_, '_>> = Vec::new();
    for k in &keys {
        let clash = kept.iter().find(|o| {
            o.nbr == k.nbr
                && o.multihop == k.multihop
                && match (o.src, k.src) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        });
        let Some(o) = clash else {
            kept.push(k);
            continue;
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                k.nbr_word.span(),
                format!(
                    "bfd_instance `{}` is the same session as `{}` (neighbour {})",
                    k.bfd.label(),
                    o.bfd.label(),
                    k.nbr_word.text()
                ),
            )
            .label(o.nbr_word.span(), format!("`{}` already talks to this neighbour", o.bfd.label()))
            .help("keepalived -t rejects this and ignores the second instance; track the first one instead, or give both distinct source_ip addresses"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn bfd(name: &str, body: &str) -> String {
        format!("bfd_instance {name} {{\n{body}}}\n")
    }

    #[test]
    fn same_neighbour() {
        let n = "    neighbor_ip 192.0.2.9\n";
        let d = lint(&(bfd("B1", n) + &bfd("B2", n)));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0518");
        // One source missing still clashes; two different sources do not.
        let d = lint(&(bfd("B1", &format!("    source_ip 192.0.2.1\n{n}")) + &bfd("B2", n)));
        assert_eq!(d.len(), 1, "{d:?}");
        let d = lint(
            &(bfd("B1", &format!("    source_ip 192.0.2.1\n{n}"))
                + &bfd("B2", &format!("    source_ip 192.0.2.2\n{n}"))),
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn disabled_instance_does_not_clash() {
        let d = lint(
            &(bfd("B1", "    neighbor_ip 192.0.2.9\n    source_ip 2001:db8::1\n")
                + &bfd("B2", "    neighbor_ip 192.0.2.9\n")),
        );
        let codes: Vec<_> = d.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["KA0517"]);
    }
}
