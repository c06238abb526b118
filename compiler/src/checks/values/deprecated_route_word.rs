//! KA0204 deprecated-route-word: `gw` and `or` in a route line.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0204",
    name: "deprecated-route-word",
    severity: Severity::Warning,
    finds: "A route line using `gw` (for `via`) or `or` (for a second `nexthop`).",
    why: "keepalived still installs the route, but reports each use as a configuration error under `keepalived -t`, which turns a config test red; the words may go in a later release.",
    example: "virtual_routes {\n    0.0.0.0/0 gw 192.0.2.1 dev eth0\n    10.0.0.0/8 via 192.0.2.1 or 192.0.2.2 dev eth0\n}",
    fix: "Write `via ADDR` instead of `gw ADDR`, and `nexthop via A nexthop via B` instead of `via A or B`.",
};

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn reports_gw_and_or() {
        let d = lint(
            "static_routes {\n    0.0.0.0/0 gw 192.0.2.1 dev eth0\n    10.0.0.0/8 via 192.0.2.1 or 192.0.2.2 dev eth0\n    10.1.0.0/16 via 192.0.2.1 dev eth0\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0204").collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("`gw`") && d[1].message.contains("`or`"));
    }
}
