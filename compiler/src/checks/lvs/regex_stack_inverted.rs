//! KA0529 regex-stack-inverted: a url `regex_stack` whose starting size is above its maximum.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0529",
    name: "regex-stack-inverted",
    severity: Severity::Warning,
    finds: "A `regex_stack START MAX` line in a url (with a regex) whose START is greater than its MAX.",
    why: "The two numbers size the stack PCRE2's JIT matcher starts with and the most it may grow to, so the start cannot exceed the maximum. keepalived drops the whole line and only logs it (a config test passes): the pattern then runs with the default stack, and a complex regex that needed the larger one fails on big pages.",
    example: "url {\n    path /\n    regex \"(a|b)*c\"\n    regex_stack 65536 32768\n}",
    fix: "Give the starting size first and the maximum second, the start at most the maximum.",
};

/// `url` is a `url` block of an HTTP_GET / SSL_GET.
pub fn check(url: NodeRef<'_>, out: &mut Vec<Diagnostic>) {
    let Some(lines) = super::regex_url_lines(url) else {
        return;
    };
    for line in lines.iter().filter(|n| n.keyword() == Some("regex_stack")) {
        let args = line.args();
        let (Some(start), Some(max)) = (args.first(), args.get(1)) else {
            continue;
        };
        let (Ok(s), Ok(m)) = (start.text().parse::<u64>(), max.text().parse::<u64>()) else {
            continue;
        };
        if s <= m {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                start.span(),
                format!("regex_stack starts at {s} bytes, above its maximum of {m}"),
            )
            .label(max.span(), "maximum")
            .help(
                "keepalived ignores this regex_stack line and only logs it; write the start first, at most the maximum",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn url(regex: &str, body: &str) -> String {
        super::super::url(&format!("{regex}{body}"))
    }

    #[test]
    fn inverted() {
        let d = lint(&url(
            "                regex ok\n",
            "                regex_stack 100000 1000\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0529");
        assert_eq!(
            d[0].message,
            "regex_stack starts at 100000 bytes, above its maximum of 1000"
        );
    }

    #[test]
    fn in_order_equal_or_without_regex() {
        for body in [
            "                regex_stack 1000 100000\n",
            "                regex_stack 1000 1000\n",
        ] {
            assert!(lint(&url("                regex ok\n", body)).is_empty(), "{body}");
        }
        // Without a regex KA0524 reports the line; this check stays quiet.
        let d = lint(&url("", "                regex_stack 100000 1000\n"));
        assert!(d.iter().all(|d| d.code() == "KA0524"), "{d:?}");
    }
}
