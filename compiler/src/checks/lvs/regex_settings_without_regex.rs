//! KA0524 regex-settings-without-regex: regex_* settings in a url that has no regex.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0524",
    name: "regex-settings-without-regex",
    severity: Severity::Warning,
    finds: "A url block with regex_options, regex_no_match, regex_min_offset (other than 0), regex_max_offset or regex_stack, but no `regex`.",
    why: "Those settings only shape how the regex is matched; without a pattern keepalived clears them and only logs it (a config test passes). Often the `regex` line was lost or misspelt, so the body is not checked at all.",
    example: "url {\n    path /health\n    regex_no_match\n}",
    fix: "Add the `regex` pattern the settings are for, or delete the settings.",
};

/// The settings that need a regex: every keyword of the url table starting with `regex_`.
fn is_regex_setting(kw: &str) -> bool {
    kw.starts_with("regex_")
}

/// `url` is a `url` block of an HTTP_GET / SSL_GET.
pub fn check(url: NodeRef<'_>, out: &mut Vec<Diagnostic>) {
    let Some(block) = url.block() else { return };
    let lines: Vec<NodeRef<'_>> = block.nodes().collect();
    if lines.iter().any(|n| n.keyword() == Some("regex")) {
        return;
    }
    for line in lines.iter().filter(|n| n.keyword().is_some_and(is_regex_setting)) {
        let kw = line.keyword().unwrap_or_default();
        // A zero minimum offset is the default: keepalived does not count it as set.
        if kw == "regex_min_offset" && line.args().first().is_some_and(|w| w.text().parse::<u64>() == Ok(0)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                line.words().span().unwrap_or(line.span()),
                format!("`{kw}` has no effect: this url has no regex"),
            )
            .help("keepalived drops regex settings without a pattern and only logs it; add the `regex` line or delete this one"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lint, url};
    use crate::schema;

    #[test]
    fn settings_are_url_keywords() {
        let n = schema::all()
            .into_iter()
            .filter(|(p, k)| p.ends_with(&format!("HTTP_GET/url/{}", k.name)) && super::is_regex_setting(k.name))
            .count();
        assert!(n >= 4, "{n}");
    }

    #[test]
    fn without_regex() {
        let d = lint(&url(
            "                regex_no_match\n                regex_min_offset 0\n                regex_max_offset 10\n",
        ));
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code() == "KA0524"));
        assert!(lint(&url("                regex ok\n                regex_no_match\n")).is_empty());
    }
}
