//! Address lines: `ADDR[/LEN] [dev IF] [scope S] [brd B] [label L] [peer P] [flags...]`,
//! as keepalived reads them in `virtual_ipaddress`, `virtual_ipaddress_excluded` and
//! `static_ipaddress`.

use super::{check_ifname, parse_dec, parse_ip, parse_ip_prefix, parse_scope, Cursor, Family, ParseResult, Spanned};
use std::net::IpAddr;
use vigil_grammar::{Span, Words};

/// Which block the line stands in: some options belong to one kind only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// `virtual_ipaddress`
    Virtual,
    /// `virtual_ipaddress_excluded`
    Excluded,
    /// `static_ipaddress`
    Static,
}

/// `brd`: an address, or `+`/`-` (host bits set or cleared).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broadcast {
    Addr(std::net::Ipv4Addr),
    Plus,
    Minus,
}

/// `preferred_lft`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    Secs(u32),
    Forever,
}

/// The address flags (IFA_F_*).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddrFlags {
    pub home: bool,
    /// `-nodad`
    pub nodad: bool,
    pub mngtmpaddr: bool,
    pub noprefixroute: bool,
    pub autojoin: bool,
}

/// One address line as keepalived keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub addr: IpAddr,
    /// The prefix length keepalived uses (32/128 when none or a bad one was written).
    pub prefix: u8,
    /// The `ADDR[/LEN]` word.
    pub span: Span,
    pub dev: Option<Spanned<String>>,
    pub scope: Option<Spanned<u8>>,
    pub broadcast: Option<Spanned<Broadcast>>,
    pub label: Option<Spanned<String>>,
    pub peer: Option<Spanned<IpAddr>>,
    pub flags: AddrFlags,
    pub no_track: bool,
    pub preferred_lft: Option<Spanned<Lifetime>>,
    pub track_group: Option<Spanned<String>>,
    pub use_vmac: bool,
}

impl Address {
    pub fn family(&self) -> Family {
        Family::of(&self.addr)
    }
}

const OPTIONS: &str = "dev, scope, brd, broadcast, label, peer, home, -nodad, mngtmpaddr, noprefixroute, autojoin, no_track, preferred_lft, use_vmac (VIPs), track_group (static addresses)";

/// Parses one address line. `Err` when keepalived drops the address.
pub fn parse(words: Words<'_>, place: Place) -> ParseResult<Address> {
    let mut c = Cursor::new(words);
    let Some(first) = c.next() else {
        return c.drop_item();
    };
    let text = first.text();
    let Some((addr, len)) = parse_ip_prefix(text) else {
        let a = text.split_once('/').map_or(text, |(a, _)| a);
        c.error_help(
            first.span(),
            format!("`{a}` is not an IP address: keepalived skips this address"),
            "an address line starts with the address: `192.0.2.10/24 dev eth0`",
        );
        return c.drop_item();
    };
    let family = Family::of(&addr);
    let mut prefix = family.max_prefix();
    let mut prefix_given = false;
    match len {
        Some(Ok(l)) => {
            prefix = l;
            prefix_given = true;
        }
        Some(Err(why)) => c.error_help(
            first.span(),
            format!("{why}: keepalived uses /{prefix}"),
            format!("write a prefix length from 0 to {prefix}"),
        ),
        None => {}
    }
    let mut a = Address {
        addr,
        prefix,
        span: first.span(),
        dev: None,
        scope: None,
        broadcast: None,
        label: None,
        peer: None,
        flags: AddrFlags::default(),
        no_track: false,
        preferred_lft: None,
        track_group: None,
        use_vmac: false,
    };
    let mut dropped = false;
    while let Some(w) = c.next() {
        match w.text() {
            "dev" => {
                let Some(v) = c.value(w) else { return c.drop_item() };
                if a.dev.is_some() {
                    c.error(
                        w.span(),
                        format!("a second `dev` for {text}: keepalived skips this address"),
                    );
                    dropped = true;
                } else if let Err(why) = check_ifname(v.text()) {
                    c.error(v.span(), format!("{why}: keepalived skips this address"));
                    dropped = true;
                } else {
                    a.dev = Some(Spanned::new(v.text().to_string(), v.span()));
                }
            }
            "scope" => {
                let Some(v) = c.value(w) else { return c.drop_item() };
                match parse_scope(v.text()) {
                    Ok(s) => a.scope = Some(Spanned::new(s, v.span())),
                    Err(why) => c.error_help(
                        v.span(),
                        format!("{why}: keepalived ignores the scope"),
                        "unless /etc/iproute2/rt_scopes defines it, write global, site, link, host or nowhere",
                    ),
                }
            }
            "brd" | "broadcast" => {
                let Some(v) = c.value(w) else { return c.drop_item() };
                if family == Family::V6 {
                    c.error_help(
                        w.span(),
                        format!("IPv6 addresses have no broadcast address: keepalived skips {text}"),
                        format!("remove `{} {}`", w.text(), v.text()),
                    );
                    dropped = true;
                    continue;
                }
                let b = match v.text() {
                    "+" => Broadcast::Plus,
                    "-" => Broadcast::Minus,
                    t => match t.parse::<std::net::Ipv4Addr>() {
                        Ok(ip) => Broadcast::Addr(ip),
                        Err(_) => {
                            c.error(
                                v.span(),
                                format!("`{t}` is not a broadcast address (IPv4, `+` or `-`): keepalived skips this address"),
                            );
                            dropped = true;
                            continue;
                        }
                    },
                };
                a.broadcast = Some(Spanned::new(b, v.span()));
            }
            "label" => {
                let Some(v) = c.value(w) else { return c.drop_item() };
                if v.text().len() > 15 {
                    c.error_help(
                        v.span(),
                        format!(
                            "label `{}` is {} bytes, longer than 15: keepalived skips this address",
                            v.text(),
                            v.text().len()
                        ),
                        "write a label of at most 15 bytes, usually `IFNAME:N`",
                    );
                    dropped = true;
                } else {
                    a.label = Some(Spanned::new(v.text().to_string(), v.span()));
                }
            }
            "peer" => {
                let Some(v) = c.value(w) else { return c.drop_item() };
                if a.peer.is_some() {
                    c.error(w.span(), "a second `peer`: keepalived ignores it");
                    continue;
                }
                match parse_ip(v.text()) {
                    None => c.error_help(
                        v.span(),
                        format!("`{}` is not a peer address: keepalived ignores it", v.text()),
                        "write the peer as a plain address, without a prefix length",
                    ),
                    Some(p) if Family::of(&p) != family => c.error(
                        v.span(),
                        format!(
                            "peer `{}` is not {} like {text}: keepalived ignores it",
                            v.text(),
                            family.name()
                        ),
                    ),
                    Some(p) => {
                        if prefix_given {
                            c.error_help(
                                first.span(),
                                "an address with a peer takes no prefix length: keepalived ignores it",
                                "write the address without `/LEN`",
                            );
                        }
                        a.peer = Some(Spanned::new(p, v.span()));
                    }
                }
            }
            "home" => a.flags.home = true,
            "-nodad" => a.flags.nodad = true,
            "mngtmpaddr" => a.flags.mngtmpaddr = true,
            "noprefixroute" => a.flags.noprefixroute = true,
            "autojoin" => a.flags.autojoin = true,
            "no_track" => a.no_track = true,
            "preferred_lft" => {
                let Some(v) = c.value(w) else { return c.drop_item() };
                if v.text() == "forever" {
                    a.preferred_lft = Some(Spanned::new(Lifetime::Forever, v.span()));
                } else {
                    match parse_dec(v.text(), u64::from(u32::MAX)) {
                        Ok(n) => a.preferred_lft = Some(Spanned::new(Lifetime::Secs(n as u32), v.span())),
                        Err(why) => c.error_help(
                            v.span(),
                            format!("invalid `preferred_lft`: {why}"),
                            "write a number of seconds or `forever`",
                        ),
                    }
                }
            }
            "use_vmac" if place != Place::Static => a.use_vmac = true,
            "track_group" if place == Place::Static => {
                let Some(v) = c.value(w) else { return c.drop_item() };
                if a.track_group.is_some() {
                    c.error(
                        v.span(),
                        "a second `track_group`: keepalived stops reading the line here",
                    );
                    break;
                }
                a.track_group = Some(Spanned::new(v.text().to_string(), v.span()));
            }
            other => {
                let help = match other {
                    "nodad" => "the flag is spelt `-nodad`".to_string(),
                    "track_group" => "`track_group` belongs to static_ipaddress lines only".to_string(),
                    "use_vmac" => "`use_vmac` belongs to virtual_ipaddress lines only".to_string(),
                    _ if parse_ip(other.split_once('/').map_or(other, |(a, _)| a)).is_some() => {
                        "one address a line: keepalived reads a second address as an unknown option".to_string()
                    }
                    _ => format!("address options are {OPTIONS}"),
                };
                c.error_help(
                    w.span(),
                    format!("unknown address option `{other}`: keepalived ignores it"),
                    help,
                );
            }
        }
    }
    if family == Family::V6 {
        if let Some(s) = &a.scope {
            c.error_help(
                s.span,
                format!("IPv6 addresses take no scope: keepalived ignores it for {text}"),
                "remove the scope",
            );
            a.scope = None;
        }
        if let Some(l) = &a.label {
            c.error_help(
                l.span,
                format!("IPv6 addresses take no label: keepalived ignores it for {text}"),
                "remove the label",
            );
            a.label = None;
        }
    }
    if let Some(b) = a.broadcast.clone() {
        if a.peer.is_some() {
            c.error(
                b.span,
                "an address with a peer takes no broadcast address: keepalived ignores it",
            );
            a.broadcast = None;
        } else if matches!(b.value, Broadcast::Plus | Broadcast::Minus) && prefix > 30 {
            c.error(
                b.span,
                format!(
                    "`brd {}` needs a prefix length of 30 or less, not /{prefix}: keepalived ignores it",
                    if b.value == Broadcast::Plus { "+" } else { "-" }
                ),
            );
            a.broadcast = None;
        }
    }
    if a.peer.is_some() {
        a.prefix = family.max_prefix();
    }
    if dropped {
        return c.drop_item();
    }
    c.keep(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::test_util::{msgs, with_words};

    fn p(line: &str, place: Place) -> ParseResult<Address> {
        with_words(line, |w| parse(w, place))
    }

    fn ok(line: &str) -> Address {
        let r = p(line, Place::Virtual).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        assert!(r.problems.is_empty(), "{line}: {:?}", r.problems);
        r.value
    }

    /// Kept, with one problem whose message contains `needle`.
    fn kept_with(line: &str, place: Place, needle: &str) -> Address {
        let r = p(line, place).unwrap_or_else(|e| panic!("{line}: dropped: {}", msgs(&e)));
        assert!(msgs(&r.problems).contains(needle), "{line}: {}", msgs(&r.problems));
        r.value
    }

    fn dropped_with(line: &str, place: Place, needle: &str) {
        match p(line, place) {
            Ok(r) => panic!("{line}: kept: {:?}", r.problems),
            Err(e) => assert!(msgs(&e).contains(needle), "{line}: {}", msgs(&e)),
        }
    }

    #[test]
    fn every_option() {
        let a = ok("192.0.2.10/24 dev eth0 scope link brd 192.0.2.255 label eth0:1 home -nodad mngtmpaddr noprefixroute autojoin no_track preferred_lft 30 use_vmac");
        assert_eq!(a.addr, "192.0.2.10".parse::<IpAddr>().unwrap());
        assert_eq!(a.prefix, 24);
        assert_eq!(a.dev.unwrap().value, "eth0");
        assert_eq!(a.scope.unwrap().value, 253);
        assert_eq!(
            a.broadcast.unwrap().value,
            Broadcast::Addr("192.0.2.255".parse().unwrap())
        );
        assert_eq!(a.label.unwrap().value, "eth0:1");
        assert_eq!(
            a.flags,
            AddrFlags {
                home: true,
                nodad: true,
                mngtmpaddr: true,
                noprefixroute: true,
                autojoin: true
            }
        );
        assert!(a.no_track && a.use_vmac);
        assert_eq!(a.preferred_lft.unwrap().value, Lifetime::Secs(30));
        assert_eq!(ok("10.0.0.1").prefix, 32);
        assert_eq!(ok("fe80::1").prefix, 128);
        assert_eq!(
            ok("2001:db8::1/64 preferred_lft forever").preferred_lft.unwrap().value,
            Lifetime::Forever
        );
        assert_eq!(ok("10.0.0.1/24 brd +").broadcast.unwrap().value, Broadcast::Plus);
        assert_eq!(ok("10.0.0.1/24 broadcast -").broadcast.unwrap().value, Broadcast::Minus);
        assert_eq!(ok("10.0.0.1 scope 7").scope.unwrap().value, 7);
        let a = ok("10.0.0.1 peer 10.0.0.2");
        assert_eq!(a.peer.unwrap().value, "10.0.0.2".parse::<IpAddr>().unwrap());
        let s = p("10.0.0.1 dev eth0 track_group G", Place::Static).unwrap();
        assert!(s.problems.is_empty());
        assert_eq!(s.value.track_group.unwrap().value, "G");
        assert!(p("10.0.1.1 use_vmac", Place::Excluded).unwrap().problems.is_empty());
    }

    #[test]
    fn dropped_lines() {
        dropped_with("10.0.0.256/24", Place::Virtual, "not an IP address");
        dropped_with("eth0", Place::Virtual, "not an IP address");
        dropped_with("10.0.0.1 dev", Place::Virtual, "needs a value");
        dropped_with("10.0.0.1 dev eth0 dev eth1", Place::Virtual, "second `dev`");
        dropped_with("10.0.0.1 dev a-very-long-interface", Place::Virtual, "interface name");
        dropped_with("fe80::1 brd +", Place::Virtual, "no broadcast");
        dropped_with("10.0.0.1 brd foo", Place::Virtual, "not a broadcast address");
        dropped_with(
            "10.0.0.1 label eth0:averyverylonglabel",
            Place::Virtual,
            "longer than 15",
        );
    }

    #[test]
    fn ignored_options() {
        assert_eq!(kept_with("10.0.0.4/40", Place::Virtual, "/40").prefix, 32);
        let r = p("10.0.0.2 nodad", Place::Virtual).unwrap();
        assert_eq!(r.problems[0].help.as_deref(), Some("the flag is spelt `-nodad`"));
        kept_with("10.0.0.1 scope bogus", Place::Virtual, "not a scope");
        assert!(kept_with("fe80::1 scope link", Place::Virtual, "no scope")
            .scope
            .is_none());
        assert!(kept_with("fe80::2 label x", Place::Virtual, "no label").label.is_none());
        kept_with("10.0.0.3 peer 10.0.0.9/30", Place::Virtual, "not a peer address");
        kept_with("10.0.0.3 peer fe80::1", Place::Virtual, "not IPv4");
        kept_with("10.0.0.3/24 peer 10.0.0.9", Place::Virtual, "no prefix length");
        kept_with("10.0.0.3 peer 10.0.0.9 peer 10.0.0.8", Place::Virtual, "second `peer`");
        kept_with("10.0.0.3 peer 10.0.0.9 brd 10.0.0.255", Place::Virtual, "no broadcast");
        kept_with("10.0.0.3/31 brd +", Place::Virtual, "30 or less");
        kept_with("10.0.0.6 preferred_lft abc", Place::Virtual, "preferred_lft");
        kept_with("10.0.1.2 track_group G", Place::Excluded, "track_group");
        kept_with("10.0.1.2 use_vmac", Place::Static, "use_vmac");
        let r = p("10.0.0.1 10.0.0.2", Place::Virtual).unwrap();
        assert!(r.problems[0].help.as_deref().unwrap().contains("one address a line"));
    }

    #[test]
    fn never_panics_on_odd_words() {
        for line in [
            "/",
            "1.2.3.4/",
            "::/",
            "1.2.3.4 brd",
            "1.2.3.4 peer",
            "\"\"",
            "1.2.3.4 label \"\"",
        ] {
            let _ = p(line, Place::Virtual);
        }
    }
}
