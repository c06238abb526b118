//! KA0523 invalid-regex: an HTTP_GET / SSL_GET url regex that cannot compile.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use regex_syntax::ast::{parse::Parser, ErrorKind};
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0523",
    name: "invalid-regex",
    severity: Severity::Warning,
    finds: "A url `regex` that is certainly not a valid pattern: an unclosed or unopened group, an unclosed character class, a trailing backslash, or a pattern that starts with a repetition.",
    why: "keepalived compiles the pattern with PCRE2 when it loads the checker; a pattern that fails is only logged (a config test passes) and the url is checked without it, so the body test you meant does not happen.",
    example: "url {\n    path /health\n    regex \"status: (ok\"\n}",
    fix: "Correct the pattern; quote it when it holds spaces, and escape literal parentheses and brackets with a backslash.",
};

/// Options under which the pattern reads differently; we do not judge those patterns.
const OPTIONS_SKIPPED: [&str; 4] = ["extended", "extended_more", "literal", "allow_empty_class"];

/// Why `pattern` cannot compile under PCRE2, for the mistakes both PCRE2 and Rust's parser
/// reject; None when it compiles or we cannot be sure.
pub fn problem(pattern: &str) -> Option<&'static str> {
    // PCRE2-only syntax that Rust's parser misreads: verbs `(*...)`, `\Q...\E` quoting.
    if pattern.contains("(*") || pattern.contains("\\Q") {
        return None;
    }
    let err = Parser::new().parse(pattern).err()?;
    match err.kind() {
        ErrorKind::GroupUnclosed => Some("a group is opened with `(` and never closed"),
        ErrorKind::GroupUnopened => Some("a `)` closes no group"),
        ErrorKind::ClassUnclosed => Some("a character class `[` is never closed"),
        ErrorKind::EscapeUnexpectedEof => Some("the pattern ends with a lone backslash"),
        ErrorKind::RepetitionMissing if err.span().start.offset == 0 && !pattern.starts_with('{') => {
            Some("the pattern starts with a repetition that has nothing to repeat")
        }
        _ => None,
    }
}

/// `url` is a `url` block of an HTTP_GET / SSL_GET.
pub fn check(url: NodeRef<'_>, out: &mut Vec<Diagnostic>) {
    let Some(block) = url.block() else { return };
    let lines: Vec<NodeRef<'_>> = block.nodes().collect();
    let skipped = lines
        .iter()
        .filter(|n| n.keyword() == Some("regex_options"))
        .flat_map(|n| n.args().iter())
        .any(|w| OPTIONS_SKIPPED.contains(&w.text()));
    if skipped {
        return;
    }
    let Some(w) = lines
        .iter()
        .filter(|n| n.keyword() == Some("regex"))
        .filter_map(|n| n.args().first())
        .next_back()
    else {
        return;
    };
    let Some(why) = problem(w.text()) else { return };
    out.push(
        Diagnostic::new(
            &CHECK,
            w.span(),
            format!("regex `{}` is not a valid pattern: {why}", w.text()),
        )
        .help("keepalived only logs a pattern that fails to compile and checks the url without it"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};
    use super::problem;

    #[test]
    fn certain_mistakes_only() {
        for bad in ["a(b", "a)b", "[abc", "abc\\", "*a", "+a"] {
            assert!(problem(bad).is_some(), "{bad}");
        }
        for ok in [
            "a(b)c",
            "(?<=a)b",
            "a++",
            "\\Q(\\E",
            "(*UTF)a",
            "x{",
            "[]a]",
            "\\d+\\.\\d+",
            "(?i)ok",
            "\\bok\\b",
        ] {
            assert!(problem(ok).is_none(), "{ok}");
        }
    }

    #[test]
    fn in_a_url() {
        let url = |body: &str| {
            vs(
                "192.0.2.1 80",
                &format!("    real_server 192.0.2.10 80 {{\n        HTTP_GET {{\n            url {{\n                path /\n{body}            }}\n        }}\n    }}\n"),
            )
        };
        let d = lint(&url("                regex \"a(b\"\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0523");
        assert!(lint(&url(
            "                regex \"a(b\"\n                regex_options extended\n"
        ))
        .is_empty());
        assert!(lint(&url("                regex ok\n")).is_empty());
    }
}
