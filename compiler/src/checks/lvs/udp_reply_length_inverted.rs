//! KA0515 udp-reply-length-inverted: a UDP_CHECK whose min_reply_length is above its
//! max_reply_length.

use super::default_of;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body};
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0515",
    name: "udp-reply-length-inverted",
    severity: Severity::Error,
    finds: "A UDP_CHECK whose min_reply_length is greater than its max_reply_length (255 by default).",
    why: "No reply can be both longer than the minimum and shorter than the maximum, so the check fails forever and the real server never enters the pool. `keepalived -t` rejects the configuration.",
    example: "UDP_CHECK {\n    require_reply\n    min_reply_length 300\n}",
    fix: "Make min_reply_length at most max_reply_length (raise max_reply_length for long replies).",
};

/// `checker` is a checker block of a real server; only UDP_CHECK is looked at.
pub fn check(checker: NodeRef<'_>, out: &mut Vec<Diagnostic>) {
    if checker.keyword() != Some("UDP_CHECK") {
        return;
    }
    let Some(block) = checker.block() else { return };
    let table = super::rs_table()
        .and_then(|t| schema::find(t, "UDP_CHECK"))
        .and_then(|k| match k.body {
            Body::Keywords(t) => Some(t),
            _ => None,
        });
    let read = |kw: &str| {
        block
            .nodes()
            .filter(|n| n.keyword() == Some(kw))
            .filter_map(|n| Some((super::uint_arg(table, n)?, n)))
            .last()
    };
    let min = read("min_reply_length");
    let max = read("max_reply_length");
    let (Some((lo, lo_line)), hi) = (min, max) else { return };
    let hi_value = hi
        .map(|h| h.0)
        .or_else(|| default_of(table, "max_reply_length"))
        .unwrap_or(255);
    if lo <= hi_value {
        return;
    }
    let at = lo_line.args().first().map_or(lo_line.span(), |w| w.span());
    let mut d = Diagnostic::new(
        &CHECK,
        at,
        format!("min_reply_length {lo} is above max_reply_length {hi_value}: no reply can pass this UDP_CHECK"),
    );
    if let Some((_, h)) = hi {
        d = d.label(h.args().first().map_or(h.span(), |w| w.span()), "maximum set here");
    }
    out.push(d.help(
        "keepalived -t rejects this; the check would always fail. Make min_reply_length at most max_reply_length",
    ));
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    fn udp(body: &str) -> String {
        vs(
            "192.0.2.1 53",
            &format!("    real_server 192.0.2.10 53 {{\n        UDP_CHECK {{\n{body}        }}\n    }}\n"),
        )
    }

    #[test]
    fn inverted_lengths() {
        let d = lint(&udp(
            "            min_reply_length 10\n            max_reply_length 5\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0515");
        let d = lint(&udp("            min_reply_length 300\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(lint(&udp("            min_reply_length 5\n            max_reply_length 5\n")).is_empty());
    }
}
