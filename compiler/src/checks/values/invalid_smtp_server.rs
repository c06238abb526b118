//! KA0211 invalid-smtp-server: an `smtp_server` written as a numeric address that is not
//! one, or with port 0.

use crate::checks::Check;
use crate::values::Problem;
use vigil_grammar::{Severity, Words};

pub static CHECK: Check = Check {
    code: "KA0211",
    name: "invalid-smtp-server",
    severity: Severity::Error,
    finds: "An smtp_server written as a numeric IPv4 or IPv6 address that is not a valid one, or given port 0.",
    why: "keepalived rejects the SMTP server, so no notification e-mail is ever sent; a dotted number that is not an address is no host name either.",
    example: "global_defs {\n    smtp_server 10.1.1.300\n}",
    fix: "Give a valid address (or a host name) and a port from 1 to 65535, or leave the port out for 25.",
};

/// inet_aton's reading of a string of digits and dots: 1 to 4 parts, each decimal, or octal
/// with a leading 0; the last part fills the remaining bytes.
fn inet_aton(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 4 {
        return false;
    }
    let mut values = Vec::new();
    for p in &parts {
        let v = if p.is_empty() {
            None
        } else if p.len() > 1 && p.starts_with('0') {
            u64::from_str_radix(&p[1..], 8).ok()
        } else {
            p.parse::<u64>().ok()
        };
        match v {
            Some(v) => values.push(v),
            None => return false,
        }
    }
    let (last, head) = values.split_last().expect("split gives one part at least");
    head.iter().all(|v| *v <= 255) && *last < 1u64 << (8 * (5 - values.len()))
}

/// The problems of `smtp_server HOST [PORT]`. Host names are not looked up.
pub fn problems(args: Words<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(host) = args.first() else {
        return out;
    };
    let text = host.text();
    let numeric4 = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let bad = if numeric4 {
        !inet_aton(text)
    } else {
        text.contains(':') && !text.contains('%') && text.parse::<std::net::Ipv6Addr>().is_err()
    };
    if bad {
        out.push(Problem::invalid(
            host.span(),
            format!("`{text}` is not a valid IP address"),
        ));
    }
    if let Some(p) = args.get(1) {
        if p.text().trim_start_matches('+').parse::<u64>() == Ok(0) {
            out.push(Problem::invalid(p.span(), "port 0: the SMTP port is from 1 to 65535"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    fn count(server: &str) -> usize {
        let text = format!("global_defs {{\n    smtp_server {server}\n}}\n");
        lint(&text, None).iter().filter(|d| d.code() == "KA0211").count()
    }

    #[test]
    fn reports_bad_numeric_addresses() {
        for s in [
            "10.1.1.300",
            "256.1.1.1 25",
            "1.2.3.4.5",
            "2001:db8::zz",
            "10.1.1.3 0",
            "08.1.1.1",
            "1.2.3.",
            "1.16777216",
            "4294967296",
        ] {
            assert_eq!(count(s), 1, "{s}");
        }
    }

    #[test]
    fn accepts_what_keepalived_accepts() {
        for s in [
            "10.1.1.3",
            "01.02.03.04",
            "10.1.1",
            "999",
            "4294967295",
            "1.16777215",
            "1.2.3",
            "2001:db8::1",
            "mail.example",
            "10.1.1.3 25",
        ] {
            assert_eq!(count(s), 0, "{s}");
        }
    }
}
