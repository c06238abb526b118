//! Value types of the keyword table: how each [`Ty`] is read from a word, how it reads in a
//! usage line, and the typed [`Value`] a valid word stands for. The structural checks
//! (KA0107), the IR, the resolver and the editor all type values here.

use super::{Keyword, Ty};
use std::net::IpAddr;

/// One typed argument value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Uint(u64),
    Int(i64),
    /// A duration (`Ty::Secs`) in microseconds.
    Micros(u64),
    /// An enum word, spelt as in the table.
    Enum(&'static str),
    Ip(IpAddr),
    /// `ADDR[/LEN]`.
    Prefix(IpAddr, Option<u8>),
    Port(u16),
    /// Any other word: names, interfaces, paths, commands, users, e-mail, hex (its text is
    /// the argument's own, [`crate::ir::Arg::text`]).
    Text,
}

/// How a type reads in a usage line.
pub fn ty_usage(ty: &Ty) -> String {
    match ty {
        Ty::Bool => "[yes|no]".into(),
        Ty::Uint { min, max } => format!("<{min}..{max}>"),
        Ty::Int { min, max } => format!("<{min}..{max}>"),
        Ty::Secs { .. } => "<seconds>".into(),
        Ty::Enum(v) | Ty::EnumNoCase(v) => v.join("|"),
        Ty::Word => "<word>".into(),
        Ty::Defines(_) => "<name>".into(),
        Ty::Ref(k) => format!("<{k:?} name>"),
        Ty::Ip => "<address>".into(),
        Ty::Ip4 => "<IPv4 address>".into(),
        Ty::Ip6 => "<IPv6 address>".into(),
        Ty::IpPrefix => "<address[/prefix]>".into(),
        Ty::Mcast4 => "<IPv4 multicast address>".into(),
        Ty::Mcast6 => "<IPv6 multicast address>".into(),
        Ty::Port => "<port>".into(),
        Ty::Iface => "<interface>".into(),
        Ty::Path => "<path>".into(),
        Ty::Script => "<\"command\">".into(),
        Ty::User => "<user> [<group>]".into(),
        Ty::Email => "<e-mail address>".into(),
        Ty::Hex => "<hex bytes>".into(),
        Ty::Custom => "<...>".into(),
    }
}

/// `keyword <arg> [<optional>]...`
pub fn usage(k: &Keyword) -> String {
    let mut s = k.name.to_string();
    for (i, ty) in k.args.iter().enumerate() {
        let u = ty_usage(ty);
        let u = if i >= k.required as usize && !u.starts_with('[') {
            format!("[{u}]")
        } else {
            u
        };
        s.push(' ');
        s.push_str(&u);
    }
    if k.variadic {
        s.push_str("...");
    }
    s
}

pub fn parse_secs(s: &str) -> Result<u64, String> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("`{s}` is not a number of seconds"));
    }
    if frac.len() > 6 {
        return Err(format!("`{s}` has more than 6 decimal places"));
    }
    let whole: u64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| format!("`{s}` is too large"))?
    };
    // The fraction's digits, padded to six (microseconds).
    let micro = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(6)
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(micro))
        .ok_or_else(|| format!("`{s}` is too large"))
}

fn fmt_secs(us: u64) -> String {
    if us.is_multiple_of(1_000_000) {
        format!("{}", us / 1_000_000)
    } else {
        let s = format!("{}.{:06}", us / 1_000_000, us % 1_000_000);
        s.trim_end_matches('0').to_string()
    }
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse().ok()
}

/// Whether `text` is a valid value of `ty`; the reason when not.
pub fn validate(ty: &Ty, text: &str) -> Result<(), String> {
    match ty {
        Ty::Bool => match text {
            "true" | "on" | "yes" | "false" | "off" | "no" => Ok(()),
            _ => Err(format!(
                "`{text}` is not yes/no (write one of true, on, yes, false, off, no)"
            )),
        },
        Ty::Uint { min, max } => {
            if text.starts_with('-') {
                return Err(format!(
                    "`{text}` is negative; a number from {min} to {max} is expected"
                ));
            }
            let v: u64 = text.parse().map_err(|_| format!("`{text}` is not a whole number"))?;
            if v < *min || v > *max {
                return Err(format!("{v} is outside the range {min} to {max}"));
            }
            Ok(())
        }
        Ty::Int { min, max } => {
            let v: i64 = text.parse().map_err(|_| format!("`{text}` is not a whole number"))?;
            if v < *min || v > *max {
                return Err(format!("{v} is outside the range {min} to {max}"));
            }
            Ok(())
        }
        Ty::Secs { min_us, max_us } => {
            let v = parse_secs(text)?;
            if v < *min_us || v > *max_us {
                return Err(format!(
                    "{text} seconds is outside the range {} to {} seconds",
                    fmt_secs(*min_us),
                    fmt_secs(*max_us)
                ));
            }
            Ok(())
        }
        Ty::Enum(v) => {
            if v.contains(&text) {
                Ok(())
            } else if let Some(c) = v.iter().find(|c| c.eq_ignore_ascii_case(text)) {
                Err(format!(
                    "`{text}` must be written `{c}` (keepalived compares it case-sensitively)"
                ))
            } else {
                Err(format!("`{text}` is not one of {}", v.join(", ")))
            }
        }
        Ty::EnumNoCase(v) => {
            if v.iter().any(|c| c.eq_ignore_ascii_case(text)) {
                Ok(())
            } else {
                Err(format!("`{text}` is not one of {}", v.join(", ")))
            }
        }
        Ty::Ip => parse_ip(text)
            .map(|_| ())
            .ok_or_else(|| format!("`{text}` is not an IP address")),
        Ty::Ip4 => match parse_ip(text) {
            Some(IpAddr::V4(_)) => Ok(()),
            _ => Err(format!("`{text}` is not an IPv4 address")),
        },
        Ty::Ip6 => match parse_ip(text) {
            Some(IpAddr::V6(_)) => Ok(()),
            _ => Err(format!("`{text}` is not an IPv6 address")),
        },
        Ty::IpPrefix => {
            let (addr, len) = text.split_once('/').map_or((text, None), |(a, l)| (a, Some(l)));
            let ip = parse_ip(addr).ok_or_else(|| format!("`{addr}` is not an IP address"))?;
            if let Some(l) = len {
                let max = if ip.is_ipv4() { 32 } else { 128 };
                match l.parse::<u8>() {
                    Ok(n) if n <= max => {}
                    _ => return Err(format!("`/{l}` is not a prefix length from 0 to {max}")),
                }
            }
            Ok(())
        }
        Ty::Mcast4 => match parse_ip(text) {
            Some(IpAddr::V4(a)) if a.is_multicast() => Ok(()),
            _ => Err(format!("`{text}` is not an IPv4 multicast address (224.0.0.0/4)")),
        },
        Ty::Mcast6 => match parse_ip(text) {
            Some(IpAddr::V6(a)) if a.is_multicast() => Ok(()),
            _ => Err(format!("`{text}` is not an IPv6 multicast address (ff00::/8)")),
        },
        Ty::Port => text
            .parse::<u16>()
            .map(|_| ())
            .map_err(|_| format!("`{text}` is not a port number (0 to 65535)")),
        Ty::Iface => {
            if text.len() > 15 {
                Err(format!(
                    "`{text}` is longer than the 15 bytes an interface name may have"
                ))
            } else if text.contains('/') {
                Err(format!("`{text}` is not an interface name"))
            } else {
                Ok(())
            }
        }
        Ty::Hex => {
            if text
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'x' || b == b'X' || b == b' ')
            {
                Ok(())
            } else {
                Err(format!("`{text}` is not hexadecimal"))
            }
        }
        Ty::Word | Ty::Defines(_) | Ty::Ref(_) | Ty::Path | Ty::Script | Ty::User | Ty::Email | Ty::Custom => Ok(()),
    }
}

/// Parses one word as `ty`; `None` when it is not a valid value of it.
pub fn value(ty: &Ty, text: &str) -> Option<Value> {
    validate(ty, text).ok()?;
    Some(match ty {
        Ty::Bool => Value::Bool(matches!(text, "true" | "on" | "yes")),
        Ty::Uint { .. } => Value::Uint(text.parse().ok()?),
        Ty::Int { .. } => Value::Int(text.parse().ok()?),
        Ty::Secs { .. } => Value::Micros(parse_secs(text).ok()?),
        Ty::Enum(v) | Ty::EnumNoCase(v) => Value::Enum(v.iter().find(|c| c.eq_ignore_ascii_case(text))?),
        Ty::Ip | Ty::Ip4 | Ty::Ip6 | Ty::Mcast4 | Ty::Mcast6 => Value::Ip(text.parse().ok()?),
        Ty::IpPrefix => {
            let (a, l) = text.split_once('/').map_or((text, None), |(a, l)| (a, Some(l)));
            Value::Prefix(a.parse().ok()?, l.and_then(|l| l.parse().ok()))
        }
        Ty::Port => Value::Port(text.parse().ok()?),
        _ => Value::Text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert!(validate(&Ty::Uint { min: 1, max: 255 }, "255").is_ok());
        assert!(validate(&Ty::Uint { min: 1, max: 255 }, "256").is_err());
        assert!(validate(&Ty::Uint { min: 1, max: 255 }, "-1")
            .unwrap_err()
            .contains("negative"));
        assert!(validate(&Ty::Uint { min: 1, max: 255 }, "10abc").is_err());
        assert!(validate(
            &Ty::Secs {
                min_us: 10_000,
                max_us: 255_000_000
            },
            "0.5"
        )
        .is_ok());
        assert!(validate(
            &Ty::Secs {
                min_us: 10_000,
                max_us: 255_000_000
            },
            "0.001"
        )
        .is_err());
        assert!(validate(
            &Ty::Secs {
                min_us: 0,
                max_us: 10_000_000
            },
            "1.0000001"
        )
        .unwrap_err()
        .contains("decimal"));
        assert!(validate(&Ty::Enum(&["MASTER", "BACKUP"]), "master")
            .unwrap_err()
            .contains("`MASTER`"));
        assert!(validate(&Ty::EnumNoCase(&["TCP", "UDP"]), "tcp").is_ok());
        assert!(validate(&Ty::IpPrefix, "192.0.2.1/24").is_ok());
        assert!(validate(&Ty::IpPrefix, "192.0.2.1/33").is_err());
        assert!(validate(&Ty::IpPrefix, "2001:db8::1/64").is_ok());
        assert!(validate(&Ty::Mcast4, "224.0.0.18").is_ok());
        assert!(validate(&Ty::Mcast4, "10.0.0.1").is_err());
        assert!(validate(&Ty::Bool, "yes").is_ok() && validate(&Ty::Bool, "Yes").is_err());
        assert!(validate(&Ty::Iface, "a-very-long-interface").is_err());
    }
}
