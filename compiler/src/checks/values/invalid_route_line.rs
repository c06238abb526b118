//! KA0202 invalid-route-line: a route line keepalived skips, or an option of it that
//! keepalived ignores.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0202",
    name: "invalid-route-line",
    severity: Severity::Error,
    finds: "A route line (virtual_routes, static_routes) that keepalived drops, or an option on it that keepalived ignores.",
    why: "A dropped route is never installed when the instance becomes master, so traffic that depends on it goes nowhere; an ignored option changes the route you get.",
    example: "virtual_routes {\n    192.0.2.0/24 via 2001:db8::1 dev eth0\n    blackhole to 198.51.100.0/24\n}",
    fix: "Write the line as `ip route add` would take it, with addresses of one family and the route type before the destination: `blackhole 198.51.100.0/24`.",
};

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn reports_bad_route_lines() {
        let d = lint(
            "vrrp_instance VI_1 {\n    virtual_routes {\n        192.0.2.0/24 via 2001:db8::1 dev eth0\n        blackhole to 198.51.100.0/24\n        10.0.0.0/8 via 192.0.2.1 dev eth0\n    }\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0202").collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("families"));
        assert!(d[1].message.contains("`to`"));
    }
}
