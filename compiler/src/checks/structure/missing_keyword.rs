//! KA0110 missing-keyword: a block without a keyword it cannot do without (the table marks
//! them `mandatory`: a vrrp_script's `script`, a checker's `url`, ...).

use super::Ctx;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::Keyword;
use vigil_grammar::{BlockRef, NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0110",
    name: "missing-keyword",
    severity: Severity::Error,
    finds: "A block without a keyword it cannot work without: a vrrp_script without `script`, a track_file without `file`, a vrrp_track_process without `process`, a MISC_CHECK without `misc_path`, an HTTP_GET or SSL_GET without `url`, a `url` without `path`, a FILE_CHECK without `track_file`, a BFD_CHECK without `name`, a vrrp_instance without `virtual_router_id`.",
    why: "keepalived drops such a block, or for a vrrp_instance without virtual_router_id refuses to start VRRP at all (and 2.2.7 crashes on a checker url without path): whatever tracks that script or relies on that health check silently runs without it.",
    example: "vrrp_script chk_nginx {\n    interval 2\n}",
    fix: "Add the missing keyword, or remove the block.",
};

pub fn check(
    ctx: &mut Ctx<'_>,
    k: &'static Keyword,
    node: NodeRef<'_>,
    table: &'static [Keyword],
    block: BlockRef<'_>,
) {
    for m in table.iter().filter(|t| t.mandatory) {
        if block.nodes().any(|n| n.keyword() == Some(m.name)) {
            continue;
        }
        let name = node
            .args()
            .first()
            .map(|w| format!(" `{}`", w.text()))
            .unwrap_or_default();
        let at = node.words().first().map_or(block.open(), |w| w.span());
        ctx.out.push(
            Diagnostic::new(&CHECK, at, format!("{}{name} has no `{}`", k.name, m.name)).help(format!(
                "keepalived cannot use a {} without `{}`; add `{}`",
                k.name,
                m.name,
                crate::schema::value::usage(m)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn script_without_command_and_checker_without_url() {
        let d = lint("vrrp_script chk {\n    interval 2\n}\n", None);
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0110").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "vrrp_script `chk` has no `script`");
        let text = "virtual_server 192.0.2.1 80 {\n    real_server 192.0.2.2 80 {\n        HTTP_GET {\n            url {\n                digest 0\n            }\n        }\n        MISC_CHECK {\n        }\n    }\n}\n";
        let codes: Vec<_> = lint(text, None)
            .iter()
            .filter(|d| d.code() == "KA0110")
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(
            codes,
            ["url has no `path`", "MISC_CHECK has no `misc_path`"],
            "{codes:?}"
        );
    }

    #[test]
    fn file_and_bfd_checkers_without_their_tracker() {
        let text = "virtual_server 192.0.2.1 80 {\n    real_server 192.0.2.2 80 {\n        FILE_CHECK {\n        }\n        BFD_CHECK {\n        }\n    }\n}\n";
        let msgs: Vec<_> = lint(text, None)
            .iter()
            .filter(|d| d.code() == "KA0110")
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(
            msgs,
            ["FILE_CHECK has no `track_file`", "BFD_CHECK has no `name`"],
            "{msgs:?}"
        );
    }

    #[test]
    fn complete_blocks_pass() {
        let d = lint(
            "vrrp_script chk {\n    script \"/bin/true\"\n}\ntrack_file f {\n    file /run/f\n}\n",
            None,
        );
        assert!(d.iter().all(|d| d.code() != "KA0110"), "{d:?}");
    }
}
