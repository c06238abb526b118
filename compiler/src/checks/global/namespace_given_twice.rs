//! KA0802 namespace-given-twice: a second top-level `net_namespace`.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0802",
    name: "namespace-given-twice",
    severity: Severity::Warning,
    finds: "More than one top-level `net_namespace` line.",
    why: "keepalived runs in one network namespace: it uses the first line and ignores the others, saying so only in its log (a config test passes). Addresses and interfaces meant for the other namespace will not be found where you expect.",
    example: "net_namespace blue\nnet_namespace red",
    fix: "Keep one net_namespace line; run a separate keepalived (with its own `instance`) per namespace.",
};

pub fn check(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    let lines: Vec<_> = parsed
        .tree
        .nodes()
        .filter(|n| n.keyword() == Some("net_namespace"))
        .collect();
    let Some((first, rest)) = lines.split_first() else {
        return;
    };
    for line in rest {
        out.push(
            Diagnostic::new(
                &CHECK,
                line.words().span().unwrap_or(line.span()),
                format!(
                    "second net_namespace `{}`: keepalived stays in the first one",
                    line.args().joined()
                ),
            )
            .label(
                first.words().span().unwrap_or(first.span()),
                "the namespace keepalived uses",
            )
            .help("keepalived ignores this line and only logs it; keep one net_namespace"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn second_namespace() {
        let d = lint("net_namespace a\nnet_namespace b\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0802");
        assert!(lint("net_namespace a\n").is_empty());
    }
}
