//! KA0206 rule-without-preference: a rule line without `preference`.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0206",
    name: "rule-without-preference",
    severity: Severity::Warning,
    finds: "A rule line without `preference` (or `priority`, `order`).",
    why: "keepalived numbers such rules itself, downwards from 16384 in the order it reads them, and reports it under `keepalived -t`; the order then depends on where the rule sits in the file rather than on what you meant.",
    example: "virtual_rules {\n    from 192.0.2.0/24 table 100\n}",
    fix: "Give every rule an explicit `preference N`.",
};

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn reports_rule_without_preference() {
        let d = lint(
            "static_rules {\n    from 192.0.2.0/24 table 100\n    from 192.0.2.0/24 table 100 preference 5\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0206").collect();
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
