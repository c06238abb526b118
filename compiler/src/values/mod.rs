//! Typed values of the free-form lines of value blocks: addresses (`virtual_ipaddress`,
//! `virtual_ipaddress_excluded`, `static_ipaddress`), routes (`virtual_routes`,
//! `static_routes`) and rules (`virtual_rules`, `static_rules`).
//!
//! Each parser is a pure function of a line's words. It never panics; it returns the typed
//! value when keepalived keeps the item, or `Err` with the problems when keepalived drops it.
//! Problems that keepalived reports but survives (an option ignored, a deprecated word)
//! travel with the value. Names that keepalived looks up in host files (`rt_tables`,
//! `rt_protos`, `rt_dsfield`, `rt_realms`, `group`, `/etc/protocols`) and interfaces are not
//! checked against the host: only their shape is.

pub mod address;
pub mod peer;
pub mod route;
pub mod rule;
pub mod track;
pub mod vsg;

use std::net::IpAddr;
use vigil_grammar::{Severity, Span, WordRef, Words};

/// What kind of problem, so that the checks can file it under the right code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// keepalived rejects the item or one of its options.
    Invalid,
    /// A word keepalived still accepts but has replaced (`gw`, `or`, `default6`).
    Deprecated,
    /// A route keepalived will not track, because it names no interface.
    Untracked,
    /// A rule without a preference: keepalived picks one itself.
    NoPreference,
}

/// One thing wrong with a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn invalid(span: Span, message: impl Into<String>) -> Problem {
        Problem {
            kind: ProblemKind::Invalid,
            severity: Severity::Error,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(kind: ProblemKind, span: Span, message: impl Into<String>) -> Problem {
        Problem {
            kind,
            severity: Severity::Warning,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// A value keepalived keeps, with what it reported on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    pub value: T,
    pub problems: Vec<Problem>,
}

/// `Err`: keepalived drops the item; the problems say why.
pub type ParseResult<T> = Result<Parsed<T>, Vec<Problem>>;

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// An address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(ip: &IpAddr) -> Family {
        if ip.is_ipv4() {
            Family::V4
        } else {
            Family::V6
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }

    pub fn other(self) -> Family {
        match self {
            Family::V4 => Family::V6,
            Family::V6 => Family::V4,
        }
    }

    pub fn max_prefix(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
}

/// A destination or selector: a prefix, or `default`/`any`/`all` (no family of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefix {
    Any,
    Net { addr: IpAddr, len: u8 },
}

impl Prefix {
    pub fn family(&self) -> Option<Family> {
        match self {
            Prefix::Any => None,
            Prefix::Net { addr, .. } => Some(Family::of(addr)),
        }
    }
}

/// Reads an address the way keepalived does: the family by the presence of `:`.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    if text.contains(':') {
        text.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        text.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
    }
}

/// `ADDR[/LEN]`. `Ok((addr, Some(Err(..))))` when the address is good but the length is not.
pub fn parse_ip_prefix(text: &str) -> Option<(IpAddr, Option<Result<u8, String>>)> {
    let (a, l) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (text, None),
    };
    let addr = parse_ip(a)?;
    let max = Family::of(&addr).max_prefix();
    let len = l.map(|l| match parse_dec(l, u64::from(max)) {
        Ok(n) => Ok(n as u8),
        Err(_) => Err(format!("`/{l}` is not a prefix length from 0 to {max}")),
    });
    Some((addr, len))
}

/// A prefix of a route or rule: `default`, `any`, `all` or `ADDR[/LEN]` (keepalived drops
/// the line on a bad length here).
pub fn parse_prefix(text: &str) -> Result<Prefix, String> {
    if matches!(text, "default" | "any" | "all") {
        return Ok(Prefix::Any);
    }
    match parse_ip_prefix(text) {
        None => Err(format!("`{text}` is not an address or prefix")),
        Some((addr, None)) => Ok(Prefix::Net {
            addr,
            len: Family::of(&addr).max_prefix(),
        }),
        Some((addr, Some(Ok(len)))) => Ok(Prefix::Net { addr, len }),
        Some((_, Some(Err(e)))) => Err(e),
    }
}

/// An unsigned decimal number up to `max` (keepalived's readers take no sign and no hex).
pub fn parse_dec(text: &str, max: u64) -> Result<u64, String> {
    if text.starts_with('-') {
        return Err(format!("`{text}` is negative"));
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a decimal number"));
    }
    match text.parse::<u64>() {
        Ok(v) if v <= max => Ok(v),
        _ => Err(format!("`{text}` is outside the range 0 to {max}")),
    }
}

/// A decimal integer as keepalived's `read_int`/`read_unsigned` take it: an optional `+` or
/// `-`, then digits only (no hex, no blanks), within `min..=max`.
pub fn read_int(text: &str, min: i64, max: i64) -> Result<i64, String> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a decimal number"));
    }
    match text.parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(format!("`{text}` is outside the range {min} to {max}")),
    }
}

/// A number in decimal, or in hex with `0x` (iproute2's files and `tos` values).
pub fn parse_num_or_hex(text: &str, max: u64) -> Option<u64> {
    let v = if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()?
    } else {
        return None;
    };
    (v <= max).then_some(v)
}

/// Something named in an iproute2 file (`rt_tables`, `rt_protos`, ...) or a number: names
/// are not checked against the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameOrNum {
    Num(u64),
    Name(String),
}

/// A number up to `max`, or a name (a letter first, then letters, digits, `_`, `-`, `.`).
pub fn parse_name_or_num(text: &str, max: u64, hex: bool) -> Result<NameOrNum, String> {
    if text.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        let v = if hex {
            parse_num_or_hex(text, max)
        } else {
            parse_dec(text, max).ok()
        };
        return v
            .map(NameOrNum::Num)
            .ok_or_else(|| format!("`{text}` is not a number from 0 to {max}"));
    }
    if text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        Ok(NameOrNum::Name(text.to_string()))
    } else {
        Err(format!("`{text}` is neither a number nor a name"))
    }
}

/// The scopes keepalived knows without `/etc/iproute2/rt_scopes`.
pub const SCOPES: &[(&str, u8)] = &[
    ("global", 0),
    ("universe", 0),
    ("site", 200),
    ("link", 253),
    ("host", 254),
    ("nowhere", 255),
];

/// A scope: a built-in name or a number from 0 to 255.
pub fn parse_scope(text: &str) -> Result<u8, String> {
    if let Some((_, v)) = SCOPES.iter().find(|(n, _)| *n == text) {
        return Ok(*v);
    }
    parse_dec(text, 255)
        .map(|v| v as u8)
        .map_err(|_| format!("`{text}` is not a scope (global, site, link, host, nowhere or 0 to 255)"))
}

/// Checks an interface name's shape: 1 to 15 bytes, no `/`, no blank.
pub fn check_ifname(text: &str) -> Result<(), String> {
    if text.is_empty() || text.len() > 15 {
        Err(format!("`{text}` is not an interface name (1 to 15 bytes)"))
    } else if text.contains('/') || text.bytes().any(|b| b.is_ascii_whitespace()) {
        Err(format!("`{text}` is not an interface name"))
    } else {
        Ok(())
    }
}

/// Realms: `[FROM/]TO`, each a number up to 65535 or a name from `rt_realms`.
pub fn parse_realms(text: &str) -> Result<(Option<NameOrNum>, NameOrNum), String> {
    let (from, to) = match text.split_once('/') {
        Some((f, t)) => (Some(f), t),
        None => (None, text),
    };
    let from = from.map(|f| parse_name_or_num(f, 0xffff, false)).transpose()?;
    Ok((from, parse_name_or_num(to, 0xffff, false)?))
}

/// A walk over a line's words, collecting problems.
pub(crate) struct Cursor<'t> {
    words: Words<'t>,
    pub at: usize,
    pub problems: Vec<Problem>,
}

impl<'t> Cursor<'t> {
    pub fn new(words: Words<'t>) -> Cursor<'t> {
        Cursor {
            words,
            at: 0,
            problems: Vec::new(),
        }
    }

    pub fn next(&mut self) -> Option<WordRef<'t>> {
        let w = self.words.get(self.at)?;
        self.at += 1;
        Some(w)
    }

    pub fn peek(&self) -> Option<WordRef<'t>> {
        self.words.get(self.at)
    }

    /// The value after option `opt`; reports it missing.
    pub fn value(&mut self, opt: WordRef<'t>) -> Option<WordRef<'t>> {
        let w = self.next();
        if w.is_none() {
            self.problems.push(
                Problem::invalid(opt.span(), format!("`{}` needs a value", opt.text()))
                    .help("keepalived stops reading the configuration at an option without its value"),
            );
        }
        w
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(Problem::invalid(span, message));
    }

    pub fn error_help(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push(Problem::invalid(span, message).help(help));
    }

    /// Takes `lock` if it comes next.
    pub fn lock(&mut self) -> bool {
        if self.peek().is_some_and(|w| w.text() == "lock") {
            self.at += 1;
            true
        } else {
            false
        }
    }

    pub fn span(&self) -> Span {
        self.words.span().unwrap_or(Span::new(vigil_grammar::FileId(0), 0, 0))
    }

    /// The item is dropped.
    pub fn drop_item<T>(self) -> ParseResult<T> {
        Err(self.problems)
    }

    pub fn keep<T>(self, value: T) -> ParseResult<T> {
        Ok(Parsed {
            value,
            problems: self.problems,
        })
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    /// Parses `text` as a value block line; calls `f` with its words.
    pub fn with_words<R>(line: &str, f: impl FnOnce(vigil_grammar::Words<'_>) -> R) -> R {
        let text = format!("static_routes {{\n{line}\n}}\n");
        let parsed = vigil_grammar::parse_text("/test/keepalived.conf", &text);
        let node = parsed.tree.nodes().next().expect("a node");
        let b = node.block().expect("a block");
        let line = b.nodes().next().expect("a line");
        f(line.words())
    }

    /// The problems' messages, joined, for assertion messages.
    pub fn msgs(ps: &[super::Problem]) -> String {
        ps.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(" | ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers() {
        assert_eq!(parse_ip("10.0.0.1"), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(parse_ip("::ffff:10.0.0.1").map(|a| a.is_ipv6()), Some(true));
        assert_eq!(parse_ip("10.0.0"), None);
        assert_eq!(parse_ip("010.0.0.1"), None);
        assert!(matches!(parse_ip_prefix("10.0.0.1/33"), Some((_, Some(Err(_))))));
        assert!(matches!(parse_ip_prefix("fe80::1/64"), Some((_, Some(Ok(64))))));
        assert_eq!(parse_prefix("all"), Ok(Prefix::Any));
        assert!(parse_prefix("10.0.0.0/x").is_err());
        assert_eq!(parse_dec("10", 255), Ok(10));
        assert!(parse_dec("0x10", 255).is_err());
        assert!(parse_dec("-1", 255).unwrap_err().contains("negative"));
        assert!(parse_dec("256", 255).is_err());
        assert_eq!(parse_num_or_hex("0x10", 255), Some(16));
        assert_eq!(parse_scope("link"), Ok(253));
        assert_eq!(parse_scope("7"), Ok(7));
        assert!(parse_scope("bogus").is_err());
        assert!(check_ifname("eth0").is_ok());
        assert!(check_ifname("a-very-long-interface").is_err());
        assert!(parse_realms("1/2").is_ok());
        assert!(parse_realms("70000").is_err());
        assert_eq!(
            parse_name_or_num("main", 100, false),
            Ok(NameOrNum::Name("main".into()))
        );
        assert!(parse_name_or_num("-1", 100, false).is_err());
    }
}
