//! KA0801 setting-given-twice: a keyword keepalived takes only once per block, written a second
//! time. Which keywords those are, and what keepalived does with the repeat, is the keyword
//! table's `once`.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Keyword, Once};
use vigil_grammar::{NodeRef, Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0801",
    name: "setting-given-twice",
    severity: Severity::Error,
    finds: "A setting that keepalived takes only once per block, written again: lvs_sync_daemon, snmp_socket, nftables or tmp_config_directory in global_defs (also across several global_defs blocks), a second top-level `instance` or `SSL` block, a file of the SSL block, a url's `digest`; and, as a warning, a url's `path` or `virtualhost` or an HTTP_GET / SSL_GET `virtualhost`.",
    why: "keepalived does not merge the two lines. For the global settings, `instance` and `digest` it keeps the first and drops the later one; for SSL and its files it replaces the first; in both cases `keepalived -t` rejects the configuration. A repeated url `path` or checker `virtualhost` is replaced just as silently: keepalived 2.2.7 says nothing (later releases log it), and the check requests a page or host you did not mean. Either way one of the lines you wrote has no effect.",
    example: "global_defs {\n    lvs_sync_daemon eth0 VI_1\n    lvs_sync_daemon eth1 VI_2\n}",
    fix: "Keep one line per setting and delete the other.",
};

/// The lines of every global_defs block together (keepalived reads them into the same
/// settings). The lines of other blocks are checked block by block in the structural pass
/// ([`note`], [`report_all`]), which looks every line up anyway.
pub fn check(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    if let Some(global) = super::table_of("global_defs") {
        let mut seen = Vec::new();
        for n in super::global_lines(parsed) {
            if let Some(k) = n.keyword().and_then(|kw| schema::find(global, kw)) {
                note(&mut seen, k, n);
            }
        }
        report_all(seen, out);
    }
}

/// The lines of one block so far whose keyword is taken once, by keyword.
pub(crate) type Seen<'t> = Vec<(&'static Keyword, Once, Vec<NodeRef<'t>>)>;

/// Notes line `n` of keyword `k` (nothing unless keepalived takes `k` once).
pub(crate) fn note<'t>(seen: &mut Seen<'t>, k: &'static Keyword, n: NodeRef<'t>) {
    let Some(once) = k.once else { return };
    match seen.iter_mut().find(|(s, _, _)| s.name == k.name) {
        Some((_, _, all)) => all.push(n),
        None => seen.push((k, once, vec![n])),
    }
}

/// Reports the repeats among the lines noted for one block.
pub(crate) fn report_all(seen: Seen<'_>, out: &mut Vec<Diagnostic>) {
    for (k, once, all) in seen {
        report(k.name, once, &all, out);
    }
}

fn report(kw: &str, once: Once, all: &[NodeRef<'_>], out: &mut Vec<Diagnostic>) {
    let Some((first, rest)) = all.split_first() else {
        return;
    };
    let kept = match once {
        Once::KeepsFirst => *first,
        Once::KeepsLast | Once::KeepsLastSilently => *all.last().unwrap_or(first),
    };
    let at = |n: &NodeRef<'_>| n.words().span().unwrap_or(n.span());
    for (i, line) in rest.iter().enumerate() {
        let earlier = all[i];
        let (effect, help) = match once {
            Once::KeepsFirst => (
                "keepalived ignores this one and keeps the first",
                "keepalived -t rejects a repeated setting; keep one line",
            ),
            Once::KeepsLast => (
                "keepalived replaces the earlier one with this one",
                "keepalived -t rejects a repeated setting; keep one line",
            ),
            Once::KeepsLastSilently => (
                "keepalived uses this one and drops the earlier one",
                "keepalived 2.2.7 accepts this without a word (later releases log it); keep one line",
            ),
        };
        let mut d = Diagnostic::new(&CHECK, at(line), format!("`{kw}` is given again: {effect}"))
            .label(at(&earlier), "given here before");
        if kept.id() != earlier.id() && kept.id() != line.id() {
            d = d.label(at(&kept), "the one keepalived uses");
        }
        if once == Once::KeepsLastSilently {
            d.severity = Severity::Warning;
        }
        out.push(d.help(help));
    }
}

#[cfg(test)]
mod tests {
    /// The whole check (this check runs partly in the structural pass), its KA0801 findings.
    fn lint(text: &str) -> Vec<crate::Diagnostic> {
        let parsed = vigil_grammar::parse_text("/test/keepalived.conf", text);
        crate::check_parsed(parsed, &crate::CheckOptions::default())
            .diags
            .into_iter()
            .filter(|d| d.code() == "KA0801")
            .collect()
    }
    use crate::schema::{self, Once};
    use vigil_grammar::Severity;

    #[test]
    fn the_table_marks_the_settings() {
        let once: Vec<String> = schema::all()
            .into_iter()
            .filter(|(_, k)| k.once.is_some())
            .map(|(p, _)| p)
            .collect();
        for p in [
            "global_defs/nftables",
            "instance",
            "SSL",
            "SSL/key",
            "virtual_server/real_server/HTTP_GET/url/path",
        ] {
            assert!(once.iter().any(|o| o == p), "{p}");
        }
        let silent = schema::all()
            .into_iter()
            .filter(|(_, k)| k.once == Some(Once::KeepsLastSilently))
            .count();
        assert!(silent >= 3, "{silent}");
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
        assert!(d.iter().all(|d| d.code() == "KA0801" && d.severity == Severity::Error));
        assert!(lint("instance a\nSSL {\n    key /a\n}\n").is_empty());
    }

    #[test]
    fn a_second_ssl_block_replaces_the_first() {
        // keepalived starts a new context: the key of the second block is no repeat.
        let d = lint("SSL {\n    key /a\n}\nSSL {\n    key /b\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.starts_with("`SSL` is given again"), "{}", d[0].message);
    }

    fn checker(body: &str) -> String {
        format!("virtual_server 192.0.2.1 80 {{\n    real_server 192.0.2.10 80 {{\n        SSL_GET {{\n{body}        }}\n    }}\n}}\n")
    }

    #[test]
    fn url_path_and_virtualhost_are_warnings() {
        let mut d = lint(&checker(
            "            virtualhost a\n            virtualhost b\n            url {\n                path /a\n                path /b\n                virtualhost c\n            }\n            url {\n                path /c\n                virtualhost c\n            }\n",
        ));
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d
            .iter()
            .all(|d| d.code() == "KA0801" && d.severity == Severity::Warning));
        d.sort_by_key(|d| d.span.start);
        assert!(d[0].message.starts_with("`virtualhost`") && d[1].message.starts_with("`path`"));
    }

    #[test]
    fn url_digest_twice_is_an_error() {
        let d = lint(&checker(
            "            url {\n                path /\n                digest 0123456789abcdef0123456789abcdef\n                digest 0123456789abcdef0123456789abcdee\n            }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Error);
    }
}
