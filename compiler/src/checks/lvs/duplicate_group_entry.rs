//! KA0530 duplicate-group-entry: a virtual_server_group entry whose services an earlier entry
//! of the group already lists (the same fwmark, or an address with the same port).

use crate::checks::values::invalid_vsg_entry::{entry, Entry};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0530",
    name: "duplicate-group-entry",
    severity: Severity::Warning,
    finds: "A virtual_server_group entry that repeats an earlier entry of the same group: the same `fwmark` (and family), or an address, or an address range overlapping an earlier one, with the same port.",
    why: "Each service a group stands for exists once: listing it again adds nothing. keepalived 2.2.7 accepts the repeat without a word (a config test passes), so the mistake behind it stays hidden: usually a copied line where another address, range end or port was meant, which is then missing from the group.",
    example: "virtual_server_group WEB {\n    10.0.0.1 80\n    10.0.0.1 80\n    10.0.0.5-9 443\n    10.0.0.8 443\n}",
    fix: "Delete the repeated entry, or correct the address, range or port you meant.",
};

pub fn check(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    for group in parsed
        .tree
        .nodes()
        .filter(|n| n.keyword() == Some("virtual_server_group"))
    {
        let Some(block) = group.block() else { continue };
        let mut seen: Vec<(Entry, NodeRef<'_>)> = Vec::new();
        for line in block.nodes().filter(|l| l.block().is_none()) {
            let Some(e) = entry(line.words()) else { continue };
            if let Some((earlier, at)) = seen.iter().find(|(s, _)| overlaps(s, &e)) {
                let how = if *earlier == e { "repeats" } else { "overlaps" };
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        line.words().span().unwrap_or(line.span()),
                        format!("`{}` {how} the earlier entry `{}`", line.words().joined(), at.words().joined()),
                    )
                    .label(at.words().span().unwrap_or(at.span()), "listed here before")
                    .help("each service is in the group once; keepalived accepts the repeat silently: delete it or correct the address or port"),
                );
            }
            seen.push((e, line));
        }
    }
}

/// Whether two entries stand for a common service.
fn overlaps(a: &Entry, b: &Entry) -> bool {
    match (a, b) {
        (Entry::Fwmark { .. }, Entry::Fwmark { .. }) => a == b,
        (
            Entry::Addrs { first, last, port },
            Entry::Addrs {
                first: f2,
                last: l2,
                port: p2,
            },
        ) => port == p2 && first.is_ipv4() == f2.is_ipv4() && first <= l2 && f2 <= last,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn group(lines: &str) -> Vec<String> {
        lint(&format!("virtual_server_group G {{\n{lines}}}\n"))
            .iter()
            .filter(|d| d.code() == "KA0530")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn repeats_and_overlaps() {
        let d = group(
            "    10.0.0.1 80\n    10.0.0.1 80\n    10.0.0.5-7 80\n    10.0.0.5-7 80\n    10.0.0.7 80\n    fwmark 3\n    fwmark 3\n    2001:db8::1-ff 443\n    2001:db8::10 443\n",
        );
        assert_eq!(
            d,
            [
                "`10.0.0.1 80` repeats the earlier entry `10.0.0.1 80`",
                "`10.0.0.5-7 80` repeats the earlier entry `10.0.0.5-7 80`",
                "`10.0.0.7 80` overlaps the earlier entry `10.0.0.5-7 80`",
                "`fwmark 3` repeats the earlier entry `fwmark 3`",
                "`2001:db8::10 443` overlaps the earlier entry `2001:db8::1-ff 443`",
            ]
        );
    }

    #[test]
    fn different_ports_families_marks_and_groups_pass() {
        let d = group(
            "    10.0.0.1 80\n    10.0.0.1 443\n    10.0.0.1\n    10.0.0.2-9 80\n    fwmark 3\n    fwmark 3 inet6\n    fwmark 4\n    ::ffff:10.0.0.1 80\n    10.0.0.300 80\n    10.0.0.300 80\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let two = lint("virtual_server_group A {\n    10.0.0.1 80\n}\nvirtual_server_group B {\n    10.0.0.1 80\n}\n");
        assert!(two.is_empty(), "{two:?}");
    }

    #[test]
    fn no_port_is_port_zero() {
        assert_eq!(group("    10.0.0.1\n    10.0.0.1 0\n").len(), 1);
    }
}
