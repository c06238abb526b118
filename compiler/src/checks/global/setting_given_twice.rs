//! KA0801 setting-given-twice: a setting keepalived takes only once, written a second time.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0801",
    name: "setting-given-twice",
    severity: Severity::Error,
    finds: "A setting that keepalived accepts only once, written again: lvs_sync_daemon, snmp_socket, nftables or tmp_config_directory in global_defs (also across several global_defs blocks), a second top-level `instance`, or a file of the SSL block.",
    why: "keepalived does not merge the two lines. For the global settings and `instance` it keeps the first and drops the later one; for the SSL files it replaces the first. Either way one of the lines you wrote has no effect, and `keepalived -t` rejects the configuration.",
    example: "global_defs {\n    lvs_sync_daemon eth0 VI_1\n    lvs_sync_daemon eth1 VI_2\n}",
    fix: "Keep one line per setting and delete the other.",
};

/// Which occurrence keepalived keeps.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Keeps {
    First,
    Last,
}

/// The settings keepalived refuses to take twice: (top-level block, or "" for the top level;
/// keyword; the occurrence it keeps). Each is a keyword of the table (see the test).
const ONCE: &[(&str, &str, Keeps)] = &[
    ("global_defs", "lvs_sync_daemon", Keeps::First),
    ("global_defs", "snmp_socket", Keeps::First),
    ("global_defs", "nftables", Keeps::First),
    ("global_defs", "tmp_config_directory", Keeps::First),
    ("", "instance", Keeps::First),
    ("SSL", "password", Keeps::Last),
    ("SSL", "ca", Keeps::Last),
    ("SSL", "certificate", Keeps::Last),
    ("SSL", "key", Keeps::Last),
];

pub fn check(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    let mut blocks: Vec<&str> = ONCE.iter().map(|o| o.0).collect();
    blocks.dedup();
    for block in blocks {
        let lines: Vec<NodeRef<'_>> = if block.is_empty() {
            parsed.tree.nodes().collect()
        } else {
            super::lines_of(parsed, block)
        };
        for (_, kw, keeps) in ONCE.iter().filter(|o| o.0 == block) {
            let all: Vec<NodeRef<'_>> = lines.iter().copied().filter(|n| n.keyword() == Some(kw)).collect();
            let Some((first, rest)) = all.split_first() else {
                continue;
            };
            let kept = match keeps {
                Keeps::First => *first,
                Keeps::Last => *all.last().unwrap_or(first),
            };
            for (i, line) in rest.iter().enumerate() {
                let earlier = all[i];
                let at = line.words().span().unwrap_or(line.span());
                let effect = match keeps {
                    Keeps::First => "keepalived ignores this line and keeps the first".to_string(),
                    Keeps::Last => "keepalived replaces the earlier value with this one".to_string(),
                };
                let mut d = Diagnostic::new(&CHECK, at, format!("`{kw}` is given again: {effect}"))
                    .label(earlier.words().span().unwrap_or(earlier.span()), "given here before");
                if kept.id() != earlier.id() && kept.id() != line.id() {
                    d = d.label(kept.words().span().unwrap_or(kept.span()), "the one keepalived uses");
                }
                out.push(d.help("keepalived -t rejects a repeated setting; keep one line"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;
    use super::ONCE;
    use crate::schema;

    #[test]
    fn every_entry_is_a_keyword_of_its_block() {
        for (block, kw, _) in ONCE {
            let table = if block.is_empty() {
                schema::ROOT
            } else {
                super::super::table_of(block).expect(block)
            };
            assert!(schema::find(table, kw).is_some(), "{block}/{kw}");
        }
    }

    #[test]
    fn repeated_global_settings() {
        let d = lint("global_defs {\n    snmp_socket udp:1.2.3.4:705\n    tmp_config_directory /a\n}\nglobal_defs {\n    snmp_socket udp:1.2.3.4:706\n    nftables\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0801");
        assert!(d[0].message.contains("snmp_socket"));
    }

    #[test]
    fn instance_and_ssl() {
        let d = lint("instance a\ninstance b\nSSL {\n    key /a\n    key /b\n    ca /c\n}\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code() == "KA0801"));
        assert!(lint("instance a\nSSL {\n    key /a\n}\n").is_empty());
    }
}
