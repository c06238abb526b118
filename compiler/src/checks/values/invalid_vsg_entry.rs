//! KA0208 invalid-vsg-entry: a virtual_server_group line keepalived skips.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0208",
    name: "invalid-vsg-entry",
    severity: Severity::Error,
    finds: "A virtual_server_group entry that is not `ADDR [PORT]`, `ADDR-END [PORT]` or `fwmark N [inet|inet6]` as keepalived reads them.",
    why: "keepalived skips the entry, so the services of every virtual_server using the group lack that address or mark; a group left empty is removed.",
    example: "virtual_server_group WEB {\n    10.1.1.300 80\n    10.1.1.10-5 80\n    fwmark abc\n}",
    fix: "Give a valid address without a prefix length, a range whose end (the last byte of an IPv4 address in decimal, the last group of an IPv6 address in hex) is greater than the start's, a port up to 65535 and marks from 0 to 4294967295.",
};

pub use crate::values::vsg::{entry, problems, Entry};

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    fn messages(lines: &str) -> Vec<String> {
        let text = format!("virtual_server_group G {{\n{lines}}}\n");
        lint(&text, None)
            .iter()
            .filter(|d| d.code() == "KA0208")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn reports_bad_entries() {
        let d = messages(
            "10.1.1.300 80\n10.1.1.1 abc\n10.1.1.1 70000\n10.1.1.1-300 80\n10.1.1.10-5 80\nfwmark 4294967296\n\
             fwmark abc\nfwmark\nhost.example 80\n10.1.1.1/24 80\n10.1.1.20-20 81\n2001:db8::1-fffff 80\n\
             2001:db8::a-2 80\n10.1.1.1- 80\n10.1.1.1-abc 80\nfwmark 5 extra\n10.1.1.1-0x5 80\n",
        );
        assert_eq!(d.len(), 17, "{d:#?}");
    }

    #[test]
    fn accepts_what_keepalived_accepts() {
        let d = messages(
            "10.1.1.1 80\n10.1.1.1-10 80\nfwmark 0\nfwmark 4294967295\n2001:db8::1-ff 80\n10.1.1.1 0\n\
             10.1.1.1 080\n10.1.1.1-05 80\n10.1.1.1\n10.1.1.1 +80\n10.1.1.1-10 80 extra\nfwmark 1 inet6\n",
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn reads_the_entries() {
        use super::Entry;
        let parsed = vigil_grammar::parse_text(
            "/t.conf",
            "virtual_server_group G {\n    10.1.1.5-7 +80\n    2001:db8::1-ff\n    fwmark 3 inet6\n    10.1.1.300 80\n}\n",
        );
        let group = parsed.tree.nodes().next().unwrap().block().unwrap();
        let entries: Vec<_> = group.nodes().map(|l| super::entry(l.words())).collect();
        let ip = |s: &str| s.parse().unwrap();
        assert_eq!(
            entries,
            [
                Some(Entry::Addrs {
                    first: ip("10.1.1.5"),
                    last: ip("10.1.1.7"),
                    port: 80
                }),
                Some(Entry::Addrs {
                    first: ip("2001:db8::1"),
                    last: ip("2001:db8::ff"),
                    port: 0
                }),
                Some(Entry::Fwmark {
                    mark: 3,
                    family: Some(true)
                }),
                None,
            ]
        );
    }
}
