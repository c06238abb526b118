//! KA0208 invalid-vsg-entry: a virtual_server_group line keepalived skips.

use crate::checks::Check;
use crate::values::{parse_ip, read_int, Problem};
use std::net::IpAddr;
use vigil_grammar::{Severity, Words};

pub static CHECK: Check = Check {
    code: "KA0208",
    name: "invalid-vsg-entry",
    severity: Severity::Error,
    finds: "A virtual_server_group entry that is not `ADDR [PORT]`, `ADDR-END [PORT]` or `fwmark N [inet|inet6]` as keepalived reads them.",
    why: "keepalived skips the entry, so the services of every virtual_server using the group lack that address or mark; a group left empty is removed.",
    example: "virtual_server_group WEB {\n    10.1.1.300 80\n    10.1.1.10-5 80\n    fwmark abc\n}",
    fix: "Give a valid address without a prefix length, a range whose end (the last byte of an IPv4 address in decimal, the last group of an IPv6 address in hex) is greater than the start's, a port up to 65535 and marks from 0 to 4294967295.",
};

/// What a valid entry line stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `fwmark N [inet|inet6]`, with the family word when one is given.
    Fwmark { mark: u64, family: Option<bool> },
    /// `ADDR[-END] [PORT]`: the first and the last address, and the port (0 when none).
    Addrs { first: IpAddr, last: IpAddr, port: u16 },
}

/// The problems of one entry line.
pub fn problems(words: Words<'_>) -> Vec<Problem> {
    read(words).0
}

/// What an entry line stands for, when keepalived takes it.
pub fn entry(words: Words<'_>) -> Option<Entry> {
    let (problems, entry) = read(words);
    entry.filter(|_| problems.is_empty())
}

/// The problems of one entry line and, as far as it reads, what it stands for.
fn read(words: Words<'_>) -> (Vec<Problem>, Option<Entry>) {
    let mut out = Vec::new();
    let Some(first) = words.first() else {
        return (out, None);
    };
    let bad = |out: &mut Vec<Problem>, msg: String| out.push(Problem::invalid(first.span(), msg));
    if first.text() == "fwmark" {
        let mut mark = None;
        match words.get(1) {
            None => bad(&mut out, "`fwmark` without a mark".into()),
            Some(w) => match read_int(w.text(), 0, u32::MAX.into()) {
                Ok(m) => mark = u64::try_from(m).ok(),
                Err(e) => out.push(Problem::invalid(w.span(), format!("bad firewall mark: {e}"))),
            },
        }
        let family = words.get(2).map(|f| f.text() == "inet6");
        if let Some(f) = words.get(2) {
            if !matches!(f.text(), "inet" | "inet6") {
                out.push(Problem::invalid(
                    f.span(),
                    format!("`{}` is not an address family (`inet` or `inet6`)", f.text()),
                ));
            }
        }
        return (out, mark.map(|mark| Entry::Fwmark { mark, family }));
    }
    let text = first.text();
    let (addr_part, end) = match text.split_once('-') {
        Some((a, e)) => (a, Some(e)),
        None => (text, None),
    };
    let (addr_text, len) = match addr_part.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (addr_part, None),
    };
    let Some(addr) = parse_ip(addr_text) else {
        bad(&mut out, format!("`{addr_text}` is not an IP address"));
        return (out, None);
    };
    let mut last_addr = addr;
    let (max_len, last, radix, max_end) = match addr {
        IpAddr::V4(a) => (32, u32::from(a.octets()[3]), 10, 255),
        IpAddr::V6(a) => (128, u32::from(a.segments()[7]), 16, 0xffff),
    };
    if let Some(l) = len {
        if l.parse::<u32>().ok() != Some(max_len) {
            bad(
                &mut out,
                format!("`{text}` has a prefix length: an entry is one address or a range"),
            );
        }
    }
    if let Some(e) = end {
        let digits = e.bytes().take_while(|b| (*b as char).is_digit(radix)).count();
        let value = if digits == 0 {
            Some(0)
        } else {
            u32::from_str_radix(&e[..digits], radix).ok()
        };
        if digits < e.len() {
            bad(&mut out, format!("the range end `{e}` has extra characters"));
        } else if value.is_none_or(|v| v > max_end) {
            let most = if radix == 10 { "255" } else { "ffff" };
            bad(&mut out, format!("the range end `{e}` is too large (at most {most})"));
        } else if value.is_some_and(|v| v <= last) {
            bad(
                &mut out,
                format!("the range end `{e}` is not greater than the start's last part"),
            );
        } else if let Some(v) = value {
            last_addr = match addr {
                IpAddr::V4(a) => {
                    let o = a.octets();
                    IpAddr::from([o[0], o[1], o[2], v as u8])
                }
                IpAddr::V6(a) => {
                    let mut g = a.segments();
                    g[7] = v as u16;
                    IpAddr::from(g)
                }
            };
        }
    }
    let mut port = 0;
    if let Some(p) = words.get(1) {
        match read_int(p.text(), 0, 65535) {
            Ok(v) => port = v as u16,
            Err(e) => out.push(Problem::invalid(p.span(), format!("bad port: {e}"))),
        }
    }
    let entry = Entry::Addrs {
        first: addr,
        last: last_addr,
        port,
    };
    (out, Some(entry))
}

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
