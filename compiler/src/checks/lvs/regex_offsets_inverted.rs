//! KA0525 regex-offsets-inverted: a url regex_min_offset above its regex_max_offset.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0525",
    name: "regex-offsets-inverted",
    severity: Severity::Warning,
    finds: "A url whose regex_min_offset is greater than its regex_max_offset.",
    why: "No match can start after the minimum and before the maximum. keepalived then drops both offsets and matches the whole body, saying so only in its log (a config test passes), so the window you meant is not applied.",
    example: "url {\n    path /\n    regex ok\n    regex_min_offset 100\n    regex_max_offset 10\n}",
    fix: "Make regex_min_offset at most regex_max_offset.",
};

/// `url` is a `url` block of an HTTP_GET / SSL_GET.
pub fn check(url: NodeRef<'_>, out: &mut Vec<Diagnostic>) {
    let Some(lines) = super::regex_url_lines(url) else {
        return;
    };
    let read = |kw: &str| {
        lines
            .iter()
            .copied()
            .filter(|n| n.keyword() == Some(kw))
            .filter_map(|n| Some((n.args().first()?.text().parse::<u64>().ok()?, n)))
            .next_back()
    };
    let (Some((min, min_line)), Some((max, max_line))) = (read("regex_min_offset"), read("regex_max_offset")) else {
        return;
    };
    if min <= max {
        return;
    }
    let span = |n: NodeRef<'_>| n.args().first().map_or(n.span(), |w| w.span());
    out.push(
        Diagnostic::new(
            &CHECK,
            span(min_line),
            format!("regex_min_offset {min} is above regex_max_offset {max}"),
        )
        .label(span(max_line), "maximum set here")
        .help("keepalived drops both offsets and only logs it; make the minimum at most the maximum"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn url(body: &str) -> String {
        super::super::url(&format!("                regex ok\n{body}"))
    }

    #[test]
    fn inverted() {
        let d = lint(&url(
            "                regex_min_offset 50\n                regex_max_offset 10\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0525");
        assert!(lint(&url(
            "                regex_min_offset 10\n                regex_max_offset 10\n"
        ))
        .is_empty());
    }
}
