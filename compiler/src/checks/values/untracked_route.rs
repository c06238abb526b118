//! KA0205 untracked-route: a tracked route without `dev`, which keepalived cannot track.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0205",
    name: "untracked-route",
    severity: Severity::Error,
    finds: "A route line without `dev` (or `oif`) and without `no_track`.",
    why: "keepalived tracks a route through its interface; without one it turns tracking off for that route and reports a configuration error (`keepalived -t` fails), and a route deleted behind its back is not noticed.",
    example: "virtual_routes {\n    10.0.0.0/8 via 192.0.2.1\n}",
    fix: "Add `dev IFNAME`, or add `no_track` if the route is not to be tracked.",
};

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn reports_route_without_dev() {
        let d = lint(
            "static_routes {\n    10.0.0.0/8 via 192.0.2.1\n    10.1.0.0/16 via 192.0.2.1 no_track\n    10.2.0.0/16 via 192.0.2.1 dev eth0\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0205").collect();
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
