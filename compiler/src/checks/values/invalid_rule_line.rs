//! KA0203 invalid-rule-line: a rule line keepalived skips, or an option of it that keepalived
//! ignores.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0203",
    name: "invalid-rule-line",
    severity: Severity::Error,
    finds: "A rule line (virtual_rules, static_rules) that keepalived drops, or an option on it that keepalived ignores.",
    why: "A dropped rule is never installed, so policy routing silently falls through to the main table; the usual causes are a missing or second action and mixed address families.",
    example: "virtual_rules {\n    from 192.0.2.0/24 priority 100\n    from 192.0.2.0/24 table 100 nop priority 101\n}",
    fix: "Give each rule exactly one action (`table N`, `goto N`, `nop`, `blackhole`, `unreachable`, `prohibit` or `l3mdev`) and addresses of one family.",
};

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn reports_bad_rule_lines() {
        let d = lint(
            "vrrp_instance VI_1 {\n    virtual_rules {\n        from 192.0.2.0/24 priority 100\n        from 192.0.2.0/24 table 100 nop priority 101\n        from 192.0.2.0/24 table 100 priority 102\n    }\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0203").collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("without an action"));
        assert!(d[1].message.contains("one action"));
    }
}
