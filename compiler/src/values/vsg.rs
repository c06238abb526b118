//! `virtual_server_group` entries: `ADDR [PORT]`, `ADDR-END [PORT]`, `fwmark N [inet|inet6]`,
//! read as keepalived reads them.

use super::{parse_ip, read_int, Problem};
use std::net::IpAddr;
use vigil_grammar::Words;

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
