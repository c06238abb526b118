//! KA0201 invalid-address-line: an address line keepalived skips, or an option of it that
//! keepalived ignores.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0201",
    name: "invalid-address-line",
    severity: Severity::Error,
    finds: "An address line (virtual_ipaddress, virtual_ipaddress_excluded, static_ipaddress) that keepalived drops, or an option on it that keepalived ignores.",
    why: "The address is never configured, or is configured without the device, scope, label or flag you wrote; failover then moves less than you expect.",
    example: "virtual_ipaddress {\n    192.0.2.10/24 dev eth0 nodad\n    2001:db8::10/64 brd +\n}",
    fix: "Write one address a line as `ADDR[/LEN] [dev IF] [scope S] [brd B] [label L] ...`, with options that suit its family: `-nodad`, and no brd, scope or label on IPv6.",
};

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn reports_bad_address_lines() {
        let d = lint(
            "vrrp_instance VI_1 {\n    virtual_ipaddress {\n        192.0.2.10/24 dev eth0 nodad\n        2001:db8::10/64 brd +\n        192.0.2.11/24 dev eth0 label eth0:1\n    }\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0201").collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("nodad"));
        assert_eq!(d[0].help.as_deref(), Some("the flag is spelt `-nodad`"));
        assert!(d[1].message.contains("broadcast"));
    }

    #[test]
    fn static_addresses_take_track_group() {
        let d = lint(
            "static_ipaddress {\n    192.0.2.10/24 dev eth0 track_group G\n}\nvrrp_instance VI_1 {\n    virtual_ipaddress_excluded {\n        192.0.2.12 track_group G\n    }\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0201").collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.span.start > 60));
    }
}
