//! KA0804 garp-interval-very-large: a gratuitous ARP / NA interval of a second or more, global
//! or of a garp_group.

use super::last_secs;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0804",
    name: "garp-interval-very-large",
    severity: Severity::Warning,
    finds: "A vrrp_garp_interval or vrrp_gna_interval in global_defs, or a garp_interval or gna_interval in a garp_group, of one second or more.",
    why: "The interval is the pause between successive gratuitous ARP / unsolicited NA messages on one interface; it is meant to be milliseconds. At a second or more, a new master with several addresses takes seconds to announce them all and traffic keeps going to the old one. keepalived only logs it (a config test passes); the value is often seconds written where milliseconds were meant.",
    example: "global_defs {\n    vrrp_garp_interval 5\n}",
    fix: "Write the interval in seconds with decimals, e.g. 0.001 for one millisecond.",
};

/// The blocks and the interval keywords this check reads (each a keyword of its block; see
/// the test). keepalived reads every global_defs block into one set of settings; each
/// garp_group is a group of its own.
const KEYWORDS: [(&str, [&str; 2]); 2] = [
    ("global_defs", ["vrrp_garp_interval", "vrrp_gna_interval"]),
    ("garp_group", ["garp_interval", "gna_interval"]),
];

pub fn check(parsed: &Parsed, global: &[NodeRef<'_>], out: &mut Vec<Diagnostic>) {
    report(global, KEYWORDS[0].1, out);
    let (group, kws) = KEYWORDS[1];
    for g in parsed.tree.nodes().filter(|n| n.keyword() == Some(group)) {
        if let Some(b) = g.block() {
            report(&b.nodes().collect::<Vec<_>>(), kws, out);
        }
    }
}

/// The last line of each of `kws` among `lines`, when one second or more.
fn report(lines: &[NodeRef<'_>], kws: [&str; 2], out: &mut Vec<Diagnostic>) {
    for kw in kws {
        let Some((us, line)) = last_secs(lines, kw) else {
            continue;
        };
        if us < 1_000_000 {
            continue;
        }
        let w = line.args().first().map_or(line.span(), |w| w.span());
        out.push(
            Diagnostic::new(&CHECK, w, format!("{kw} of {} s is very large", line.args().joined()))
                .help("keepalived accepts it and only logs it; the value is in seconds, so 0.001 is one millisecond"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;
    use crate::schema;

    #[test]
    fn keywords_are_in_the_table() {
        for (block, kws) in super::KEYWORDS {
            let t = super::super::table_of(block).unwrap();
            for k in kws {
                assert!(schema::find(t, k).is_some(), "{block}/{k}");
            }
        }
    }

    #[test]
    fn large() {
        let d = lint("global_defs {\n    vrrp_garp_interval 1\n    vrrp_gna_interval 0.5\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0804");
        assert!(lint("global_defs {\n    vrrp_garp_interval 0.999999\n}\n").is_empty());
    }

    #[test]
    fn garp_groups_each_on_their_own() {
        let d = lint("garp_group {\n    garp_interval 5\n    gna_interval 0.5\n    interface eth0\n}\ngarp_group {\n    gna_interval 1\n    interface eth1\n}\ngarp_group {\n    garp_interval 0.01\n    interface eth2\n}\n");
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "garp_interval of 5 s is very large",
                "gna_interval of 1 s is very large"
            ]
        );
        assert!(d.iter().all(|d| d.code() == "KA0804"));
    }
}
