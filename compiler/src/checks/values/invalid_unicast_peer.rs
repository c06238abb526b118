//! KA0209 invalid-unicast-peer: a unicast_peer line keepalived skips, or an option of it that
//! keepalived rejects.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0209",
    name: "invalid-unicast-peer",
    severity: Severity::Error,
    finds: "A unicast_peer line whose address is malformed, or whose `min_ttl`/`max_ttl` options keepalived rejects.",
    why: "A peer with a bad address is skipped, so adverts never reach it (and an instance left without peers falls back to multicast); a bad TTL option is dropped, and min_ttl above max_ttl discards every advert.",
    example: "unicast_peer {\n    192.0.2.300\n    192.0.2.2 min_ttl 256\n    192.0.2.3 min_ttl 10 max_ttl 5\n}",
    fix: "Write `ADDR [min_ttl N] [max_ttl N]` with N from 0 to 255 and min_ttl no greater than max_ttl.",
};

pub use crate::values::peer::problems;

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    fn messages(lines: &str) -> Vec<String> {
        let text = format!("vrrp_instance VI {{\n    unicast_peer {{\n{lines}    }}\n}}\n");
        lint(&text, None)
            .iter()
            .filter(|d| d.code() == "KA0209")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn reports_bad_peers() {
        let d = messages(
            "10.1.1.300\nhost.example\n10.1.1.2 min_ttl 256\n10.1.1.2 min_ttl -1\n10.1.1.2 max_ttl abc\n\
             10.1.1.2 min_ttl\n10.1.1.2 foo 5\n10.1.1.2 foo bar\n10.1.1.2 min_ttl 10 max_ttl 5\n10.1.1.300/24\n",
        );
        assert_eq!(d.len(), 10, "{d:#?}");
    }

    #[test]
    fn accepts_what_keepalived_accepts() {
        let d = messages(
            "10.1.1.2\n10.1.1.2/24\n10.1.1.2/abc\n10.1.1.2 min_ttl 0 max_ttl 255\n10.1.1.2 max_ttl 0\n\
             10.1.1.2 min_ttl +5\n10.1.1.2 min_ttl 5 min_ttl 6\n2001:db8::5\n",
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
