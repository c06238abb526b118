//! Route lines, as keepalived reads them in `virtual_routes` and `static_routes`: an
//! `ip route add` line without the command, `[TYPE] [to] DEST [option...] [nexthop...]`.

use super::{
    check_ifname, parse_dec, parse_ip, parse_name_or_num, parse_prefix, parse_realms, parse_scope, Cursor, Family,
    NameOrNum, ParseResult, Prefix, Problem, ProblemKind, Spanned,
};
use std::net::IpAddr;
use vigil_grammar::{Severity, Span, WordRef, Words};

/// Route types (`rtntype`).
pub const TYPES: &[&str] = &[
    "unicast",
    "local",
    "broadcast",
    "brd",
    "anycast",
    "multicast",
    "blackhole",
    "unreachable",
    "prohibit",
    "throw",
    "nat",
    "xresolve",
];

/// A route metric (RTAX_*) with its `lock`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    /// The option: `mtu`, `advmss`, `rtt`, `rttvar`, `reordering`, `window`, `cwnd`,
    /// `ssthresh`, `rto_min`, `initcwnd`, `initrwnd`, `hoplimit`, `quickack`,
    /// `fastopen_no_cookie`.
    pub name: &'static str,
    pub lock: bool,
    pub value: MetricValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricValue {
    Num(u32),
    /// A time as written (`rtt 10ms`).
    Time(String),
}

/// Lightweight tunnel encapsulation (`encap TYPE ...`), kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encap {
    /// `mpls`, `ip`, `ip6` or `ila`.
    pub kind: String,
    pub args: Vec<String>,
    pub span: Span,
}

/// `nexthop ...`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nexthop {
    pub via: Option<Spanned<IpAddr>>,
    pub dev: Option<Spanned<String>>,
    /// 1 to 256.
    pub weight: Option<Spanned<u16>>,
    pub onlink: bool,
    pub realms: Option<Spanned<(Option<NameOrNum>, NameOrNum)>>,
    pub encap: Option<Encap>,
}

/// `add`, `append`, `prepend`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AddMode {
    /// keepalived's own default (`ip route prepend`: no `NLM_F_EXCL`).
    #[default]
    Prepend,
    Add,
    Append,
}

/// One route line as keepalived keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The family keepalived settles on (IPv4 when nothing tells).
    pub family: Family,
    pub kind: Option<Spanned<&'static str>>,
    pub dst: Spanned<Prefix>,
    pub src: Option<Spanned<IpAddr>>,
    pub via: Option<Spanned<IpAddr>>,
    /// `from` (IPv6 source routing).
    pub from: Option<Spanned<Prefix>>,
    pub tos: Option<Spanned<NameOrNum>>,
    pub table: Option<Spanned<NameOrNum>>,
    pub protocol: Option<Spanned<NameOrNum>>,
    pub scope: Option<Spanned<u8>>,
    pub metric: Option<Spanned<u32>>,
    pub dev: Option<Spanned<String>>,
    pub onlink: bool,
    pub encap: Option<Encap>,
    pub expires: Option<Spanned<u32>>,
    pub metrics: Vec<Metric>,
    pub realms: Option<Spanned<(Option<NameOrNum>, NameOrNum)>>,
    pub features_ecn: bool,
    pub congctl: Option<(bool, Spanned<String>)>,
    pub pref: Option<Spanned<u8>>,
    pub ttl_propagate: Option<Spanned<bool>>,
    pub nexthops: Vec<Nexthop>,
    pub no_track: bool,
    pub track_group: Option<Spanned<String>>,
    pub vrf: Option<Spanned<String>>,
    /// `add`, `append` or `prepend` as written (the last one).
    pub mode: Option<Spanned<AddMode>>,
    /// How keepalived 2.2.7 installs the route, the words read in order: `prepend` unless
    /// written; a route type (`unicast` too) means `add` there, because 2.2.7's
    /// `IPROUTE_BIT_ADD` is the route-type bit, so a later `prepend`/`append` clears it again
    /// (`append blackhole X` is added, `blackhole X append` appended).
    pub installed: AddMode,
}

/// Whether `rtt 10ms`-style times read: a number, optionally with a fraction and a unit.
fn is_time(t: &str) -> bool {
    let num_end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (n, unit) = t.split_at(num_end);
    !n.is_empty()
        && n.bytes().filter(|&b| b == b'.').count() <= 1
        && n != "."
        && matches!(
            unit,
            "" | "s" | "sec" | "secs" | "ms" | "msec" | "msecs" | "us" | "usec" | "usecs"
        )
}

struct State {
    fam: Option<Family>,
}

impl State {
    /// Sets or checks the family; `false` on a mix.
    fn family(&mut self, c: &mut Cursor<'_>, f: Option<Family>, span: Span, what: &str) -> bool {
        match (self.fam, f) {
            (None, f) => {
                self.fam = f;
                true
            }
            (Some(a), Some(b)) if a == b => true,
            (Some(a), _) => {
                c.error_help(
                    span,
                    format!("{what} mixes address families in a route already {}: keepalived skips this route", a.name()),
                    "a route's addresses must all be IPv4 or all IPv6; `default`/`any`/`all` must come before any family clue",
                );
                false
            }
        }
    }
}

fn parse_encap<'t>(c: &mut Cursor<'t>, w: WordRef<'t>) -> Option<Encap> {
    let t = c.value(w)?;
    let mut e = Encap {
        kind: t.text().to_string(),
        args: Vec::new(),
        span: t.span(),
    };
    match t.text() {
        "mpls" | "ila" => {
            let a = c.value(t)?;
            e.args.push(a.text().to_string());
        }
        "ip" | "ip6" => {
            let mut has_dst_or_id = false;
            while let Some(k) = c.peek() {
                if !matches!(
                    k.text(),
                    "id" | "dst" | "src" | "tos" | "tc" | "ttl" | "hoplimit" | "flags"
                ) {
                    break;
                }
                c.at += 1;
                let v = c.value(k)?;
                has_dst_or_id |= matches!(k.text(), "id" | "dst");
                e.args.push(k.text().to_string());
                e.args.push(v.text().to_string());
            }
            if !has_dst_or_id {
                c.error(
                    t.span(),
                    format!(
                        "`encap {}` needs `dst` or `id`: keepalived ignores the encapsulation",
                        t.text()
                    ),
                );
                return None;
            }
        }
        other => {
            c.error_help(
                t.span(),
                format!("unknown encapsulation `{other}`: keepalived ignores it"),
                "write `encap mpls`, `encap ip`, `encap ip6` or `encap ila`",
            );
            return None;
        }
    }
    Some(e)
}

/// Reads `[lock] VALUE` of a metric.
fn metric<'t>(
    c: &mut Cursor<'t>,
    w: WordRef<'t>,
    name: &'static str,
    lockable: bool,
    time: bool,
    max: u64,
) -> Result<Metric, ()> {
    let lock = lockable && c.lock();
    let v = c.value(w).ok_or(())?;
    let value = if time {
        if !is_time(v.text()) {
            c.error(
                v.span(),
                format!(
                    "invalid `{name}`: `{}` is not a time (`10ms`, `1s`): keepalived skips this route",
                    v.text()
                ),
            );
            return Err(());
        }
        MetricValue::Time(v.text().to_string())
    } else {
        match parse_dec(v.text(), max) {
            Ok(n) => MetricValue::Num(n as u32),
            Err(why) => {
                c.error(
                    v.span(),
                    format!("invalid `{name}`: {why}: keepalived skips this route"),
                );
                return Err(());
            }
        }
    };
    Ok(Metric {
        name,
        lock,
        value,
        span: v.span(),
    })
}

fn nexthops<'t>(c: &mut Cursor<'t>, st: &mut State, out: &mut Vec<Nexthop>) {
    while let Some(w) = c.peek() {
        if w.text() != "nexthop" {
            c.error_help(
                w.span(),
                format!(
                    "`{}` after the nexthops: keepalived ignores the rest of the line",
                    w.text()
                ),
                "nexthops end the line; put the route's own options before the first `nexthop`",
            );
            return;
        }
        c.at += 1;
        let mut nh = Nexthop::default();
        let mut bad = false;
        while let Some(w) = c.peek() {
            let t = w.text();
            if !matches!(t, "via" | "dev" | "weight" | "onlink" | "encap" | "realms" | "as") {
                break;
            }
            c.at += 1;
            match t {
                "via" => {
                    let Some(mut v) = c.value(w) else { return };
                    let mut fam = None;
                    if matches!(v.text(), "inet" | "inet6") {
                        fam = Some(if v.text() == "inet" { Family::V4 } else { Family::V6 });
                        let Some(n) = c.value(v) else { return };
                        v = n;
                    }
                    if fam.is_some() && !st.family(c, fam, v.span(), "the nexthop") {
                        bad = true;
                        continue;
                    }
                    match parse_ip(v.text()) {
                        None => {
                            c.error(
                                v.span(),
                                format!("`{}` is not a nexthop address: keepalived drops the nexthop", v.text()),
                            );
                            bad = true;
                        }
                        Some(a) => {
                            if st.fam.is_some_and(|f| f != Family::of(&a)) {
                                c.error(
                                    v.span(),
                                    "the nexthop's family differs from the route's: keepalived drops the nexthop",
                                );
                                bad = true;
                            } else {
                                st.fam = Some(Family::of(&a));
                                nh.via = Some(Spanned::new(a, v.span()));
                            }
                        }
                    }
                }
                "dev" => {
                    let Some(v) = c.value(w) else { return };
                    match check_ifname(v.text()) {
                        Ok(()) => nh.dev = Some(Spanned::new(v.text().to_string(), v.span())),
                        Err(why) => {
                            c.error(v.span(), format!("{why}: keepalived drops the nexthop"));
                            bad = true;
                        }
                    }
                }
                "weight" => {
                    let Some(v) = c.value(w) else { return };
                    match parse_dec(v.text(), 256) {
                        Ok(n) if n > 0 => nh.weight = Some(Spanned::new(n as u16, v.span())),
                        _ => {
                            c.error(
                                v.span(),
                                format!(
                                    "nexthop weight `{}` is not from 1 to 256: keepalived drops the nexthop",
                                    v.text()
                                ),
                            );
                            bad = true;
                        }
                    }
                }
                "onlink" => nh.onlink = true,
                "encap" => nh.encap = parse_encap(c, w),
                "realms" => {
                    let Some(v) = c.value(w) else { return };
                    match parse_realms(v.text()) {
                        Ok(r) if st.fam != Some(Family::V6) => {
                            st.fam = Some(Family::V4);
                            nh.realms = Some(Spanned::new(r, v.span()));
                        }
                        Ok(_) => {
                            c.error(v.span(), "realms are IPv4 only: keepalived drops the nexthop");
                            bad = true;
                        }
                        Err(why) => {
                            c.error(v.span(), format!("invalid realms: {why}: keepalived drops the nexthop"));
                            bad = true;
                        }
                    }
                }
                _ => {
                    // `as [to] ADDR`
                    if c.peek().is_some_and(|w| w.text() == "to") {
                        c.at += 1;
                    }
                    c.next();
                    c.error(
                        w.span(),
                        "`as` (NAT) is not supported in a nexthop: keepalived drops the nexthop",
                    );
                    bad = true;
                }
            }
        }
        if !bad {
            out.push(nh);
        }
    }
}

/// After `inet`/`inet6` keepalived (2.2.7 to 2.4) steps over the next word as well, unread:
/// the word is lost (`inet6 2001:db8::/32` loses its destination) unless it is one the line
/// can do without (a route's `to`).
pub(super) fn skip_after_family(c: &mut Cursor<'_>, family: &str, what: &str) {
    if let Some(n) = c.next() {
        if !(what == "route" && n.text() == "to") {
            let mut p = Problem::invalid(
                n.span(),
                format!(
                    "keepalived skips the word after `{family}`: `{}` is not read as part of this {what}",
                    n.text()
                ),
            )
            .help(format!(
                "leave `{family}` out (keepalived takes the family from the addresses){}",
                if what == "route" {
                    ", or write `to` after it"
                } else {
                    ""
                }
            ));
            p.severity = Severity::Warning;
            c.problems.push(p);
        }
    }
}

/// Parses one route line. `Err` when keepalived drops the route. `is_static`: the line
/// stands in `static_routes` (where `track_group` is allowed).
pub fn parse(words: Words<'_>, is_static: bool) -> ParseResult<Route> {
    let mut c = Cursor::new(words);
    let mut st = State { fam: None };
    let mut kind = None;
    let mut dst: Option<Spanned<Prefix>> = None;
    let mut r = Route {
        family: Family::V4,
        kind: None,
        dst: Spanned::new(Prefix::Any, c.span()),
        src: None,
        via: None,
        from: None,
        tos: None,
        table: None,
        protocol: None,
        scope: None,
        metric: None,
        dev: None,
        onlink: false,
        encap: None,
        expires: None,
        metrics: Vec::new(),
        realms: None,
        features_ecn: false,
        congctl: None,
        pref: None,
        ttl_propagate: None,
        nexthops: Vec::new(),
        no_track: false,
        track_group: None,
        vrf: None,
        mode: None,
        installed: AddMode::Prepend,
    };
    macro_rules! val {
        ($w:expr) => {
            match c.value($w) {
                Some(v) => v,
                None => return c.drop_item(),
            }
        };
    }
    macro_rules! bad {
        ($span:expr, $($msg:tt)*) => {{
            c.error($span, format!("{}: keepalived skips this route", format!($($msg)*)));
            return c.drop_item();
        }};
    }
    while let Some(w) = c.next() {
        let t = w.text();
        match t {
            "inet" | "inet6" => {
                let f = if t == "inet" { Family::V4 } else { Family::V6 };
                if !st.family(&mut c, Some(f), w.span(), &format!("`{t}`")) {
                    return c.drop_item();
                }
                skip_after_family(&mut c, t, "route");
            }
            "src" => {
                let v = val!(w);
                let Some(a) = parse_ip(v.text()) else {
                    bad!(v.span(), "`{}` is not a source address", v.text())
                };
                if !st.family(&mut c, Some(Family::of(&a)), v.span(), "`src`") {
                    return c.drop_item();
                }
                r.src = Some(Spanned::new(a, v.span()));
            }
            "as" => {
                let mut v = val!(w);
                if v.text() == "to" {
                    v = val!(v);
                }
                c.error_help(
                    w.span().to(v.span()),
                    "`as [to]` is for MPLS routes only: keepalived ignores it",
                    "remove it",
                );
            }
            "via" | "gw" => {
                if t == "gw" {
                    c.problems.push(
                        Problem::warning(ProblemKind::Deprecated, w.span(), "`gw` is deprecated in routes")
                            .help("write `via`: keepalived reports `gw` as an error under `-t`"),
                    );
                }
                let mut v = val!(w);
                if matches!(v.text(), "inet" | "inet6") {
                    let f = if v.text() == "inet" { Family::V4 } else { Family::V6 };
                    let sp = v.span();
                    v = val!(v);
                    if !st.family(&mut c, Some(f), sp, "the gateway's family") {
                        return c.drop_item();
                    }
                }
                let Some(a) = parse_ip(v.text()) else {
                    bad!(v.span(), "`{}` is not a gateway address", v.text())
                };
                if !st.family(&mut c, Some(Family::of(&a)), v.span(), "the gateway") {
                    return c.drop_item();
                }
                r.via = Some(Spanned::new(a, v.span()));
            }
            "from" => {
                let v = val!(w);
                let p = match parse_prefix(v.text()) {
                    Ok(p) => p,
                    Err(why) => bad!(v.span(), "invalid `from`: {why}"),
                };
                if p.family() != Some(Family::V6) {
                    c.error_help(
                        v.span(),
                        "`from` is for IPv6 routes only: keepalived skips this route",
                        "for an IPv4 source address write `src ADDR`",
                    );
                    return c.drop_item();
                }
                if !st.family(&mut c, p.family(), v.span(), "`from`") {
                    return c.drop_item();
                }
                r.from = Some(Spanned::new(p, v.span()));
            }
            "tos" | "dsfield" => {
                let v = val!(w);
                match parse_name_or_num(v.text(), 255, true) {
                    Ok(n) => r.tos = Some(Spanned::new(n, v.span())),
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                }
            }
            "table" => {
                let v = val!(w);
                match parse_name_or_num(v.text(), u64::from(u32::MAX), false) {
                    Ok(n) => r.table = Some(Spanned::new(n, v.span())),
                    Err(why) => bad!(v.span(), "invalid `table`: {why}"),
                }
            }
            "protocol" => {
                let v = val!(w);
                match parse_name_or_num(v.text(), 255, false) {
                    Ok(n) => r.protocol = Some(Spanned::new(n, v.span())),
                    Err(why) => bad!(v.span(), "invalid `protocol`: {why}"),
                }
            }
            "scope" => {
                let v = val!(w);
                match parse_scope(v.text()) {
                    Ok(s) => r.scope = Some(Spanned::new(s, v.span())),
                    Err(why) => bad!(v.span(), "{why}"),
                }
            }
            "metric" | "priority" | "preference" => {
                let v = val!(w);
                match parse_dec(v.text(), u64::from(u32::MAX)) {
                    Ok(n) => r.metric = Some(Spanned::new(n as u32, v.span())),
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                }
            }
            "dev" | "oif" => {
                let v = val!(w);
                if let Err(why) = check_ifname(v.text()) {
                    bad!(v.span(), "{why}");
                }
                r.dev = Some(Spanned::new(v.text().to_string(), v.span()));
            }
            "vrf" => {
                let v = val!(w);
                if let Err(why) = check_ifname(v.text()) {
                    bad!(v.span(), "{why}");
                }
                r.vrf = Some(Spanned::new(v.text().to_string(), v.span()));
            }
            "onlink" => r.onlink = true,
            "encap" => r.encap = parse_encap(&mut c, w),
            "expires" => {
                let v = val!(w);
                if st.fam == Some(Family::V4) {
                    bad!(w.span(), "`expires` is for IPv6 routes only");
                }
                st.fam = Some(Family::V6);
                match parse_dec(v.text(), u64::from(u32::MAX)) {
                    Ok(n) => r.expires = Some(Spanned::new(n as u32, v.span())),
                    Err(why) => bad!(v.span(), "invalid `expires`: {why}"),
                }
            }
            "mtu" | "advmss" | "reordering" | "cwnd" | "ssthresh" | "window" | "initcwnd" | "initrwnd" | "hoplimit"
            | "rtt" | "rttvar" | "rto_min" | "quickack" | "fastopen_no_cookie" => {
                let (name, lockable, time, max): (&'static str, bool, bool, u64) = match t {
                    "mtu" => ("mtu", true, false, u64::from(u32::MAX)),
                    "advmss" => ("advmss", true, false, u64::from(u32::MAX)),
                    "reordering" => ("reordering", true, false, u64::from(u32::MAX)),
                    "cwnd" => ("cwnd", true, false, u64::from(u32::MAX)),
                    "ssthresh" => ("ssthresh", true, false, u64::from(u32::MAX)),
                    "window" => ("window", false, false, u64::from(u32::MAX)),
                    "initcwnd" => ("initcwnd", false, false, u64::from(u32::MAX)),
                    "initrwnd" => ("initrwnd", false, false, u64::from(u32::MAX)),
                    "hoplimit" => ("hoplimit", false, false, 255),
                    "rtt" => ("rtt", true, true, 0),
                    "rttvar" => ("rttvar", true, true, 0),
                    "rto_min" => ("rto_min", true, true, 0),
                    "quickack" => ("quickack", false, false, 1),
                    _ => ("fastopen_no_cookie", false, false, 1),
                };
                match metric(&mut c, w, name, lockable, time, max) {
                    Ok(m) => r.metrics.push(m),
                    Err(()) => return c.drop_item(),
                }
            }
            "realms" => {
                let v = val!(w);
                let rl = match parse_realms(v.text()) {
                    Ok(rl) => rl,
                    Err(why) => bad!(v.span(), "invalid `realms`: {why}"),
                };
                if st.fam == Some(Family::V6) {
                    bad!(w.span(), "`realms` is for IPv4 routes only");
                }
                st.fam = Some(Family::V4);
                r.realms = Some(Spanned::new(rl, v.span()));
            }
            "features" => {
                let v = val!(w);
                if v.text() == "ecn" {
                    r.features_ecn = true;
                } else {
                    c.error_help(
                        v.span(),
                        format!("unknown route feature `{}`: keepalived ignores it", v.text()),
                        "the only feature is `ecn`",
                    );
                }
            }
            "congctl" => {
                let lock = c.lock();
                let v = val!(w);
                r.congctl = Some((lock, Spanned::new(v.text().to_string(), v.span())));
            }
            "pref" => {
                let v = val!(w);
                if st.fam == Some(Family::V4) {
                    bad!(w.span(), "`pref` is for IPv6 routes only");
                }
                st.fam = Some(Family::V6);
                let p = match v.text() {
                    "low" => 3,
                    "medium" => 0,
                    "high" => 1,
                    n => match parse_dec(n, 255) {
                        Ok(n) => n as u8,
                        Err(_) => bad!(
                            v.span(),
                            "`{n}` is not a route preference (low, medium, high or 0 to 255)"
                        ),
                    },
                };
                r.pref = Some(Spanned::new(p, v.span()));
            }
            "ttl-propagate" => {
                let v = val!(w);
                match v.text() {
                    "enabled" => r.ttl_propagate = Some(Spanned::new(true, v.span())),
                    "disabled" => r.ttl_propagate = Some(Spanned::new(false, v.span())),
                    o => c.error_help(
                        v.span(),
                        format!("`ttl-propagate {o}` is not recognised: keepalived ignores it"),
                        "write `enabled` or `disabled`",
                    ),
                }
            }
            "add" | "append" | "prepend" => {
                let m = match t {
                    "add" => AddMode::Add,
                    "append" => AddMode::Append,
                    _ => AddMode::Prepend,
                };
                r.mode = Some(Spanned::new(m, w.span()));
                r.installed = m;
            }
            "or" => {
                c.problems.push(
                    Problem::warning(ProblemKind::Deprecated, w.span(), "`or` is deprecated in routes")
                        .help("write the gateways as `nexthop via A nexthop via B`: keepalived reports `or` as an error under `-t`"),
                );
                let v = val!(w);
                if !r.nexthops.is_empty() {
                    c.error(v.span(), "a second `or`: keepalived ignores it");
                    continue;
                }
                let Some(a) = parse_ip(v.text()) else {
                    bad!(v.span(), "`{}` is not an address", v.text())
                };
                let first = Nexthop {
                    via: r.via.take(),
                    ..Nexthop::default()
                };
                r.nexthops.push(first);
                r.nexthops.push(Nexthop {
                    via: Some(Spanned::new(a, v.span())),
                    ..Nexthop::default()
                });
            }
            "nexthop" => {
                if !r.nexthops.is_empty() {
                    c.error(w.span(), "`nexthop` after `or`: keepalived skips this route");
                    return c.drop_item();
                } else {
                    c.at -= 1;
                    nexthops(&mut c, &mut st, &mut r.nexthops);
                }
                break;
            }
            "no_track" => r.no_track = true,
            "track_group" if is_static => {
                let v = val!(w);
                if r.track_group.is_some() {
                    c.error(
                        v.span(),
                        "a second `track_group`: keepalived stops reading the line here",
                    );
                    break;
                }
                r.track_group = Some(Spanned::new(v.text().to_string(), v.span()));
            }
            _ => {
                // The destination, after an optional `to` or route type.
                let mut d = w;
                if t == "to" {
                    d = val!(w);
                } else if let Some(k) = TYPES.iter().find(|k| **k == t) {
                    kind = Some(Spanned::new(*k, w.span()));
                    r.installed = AddMode::Add;
                    d = val!(w);
                }
                let p = match parse_prefix(d.text()) {
                    Ok(p) => p,
                    Err(_) => {
                        let help = if t == "track_group" {
                            "`track_group` belongs to static_routes lines only".to_string()
                        } else if TYPES.contains(&d.text()) || d.text() == "to" {
                            "write the route type first, without `to`: `blackhole 192.0.2.0/24`".to_string()
                        } else {
                            "see `ip route add` for the words a route line takes".to_string()
                        };
                        c.error_help(
                            d.span(),
                            format!("unknown route option `{}`: keepalived skips this route", d.text()),
                            help,
                        );
                        return c.drop_item();
                    }
                };
                if !st.family(&mut c, p.family(), d.span(), &format!("destination `{}`", d.text())) {
                    return c.drop_item();
                }
                dst = Some(Spanned::new(p, d.span()));
            }
        }
    }
    let Some(dst) = dst else {
        c.error_help(
            c.span(),
            "a route without a destination: keepalived skips it",
            "write the destination prefix (or `default`) first",
        );
        return c.drop_item();
    };
    r.dst = dst;
    r.kind = kind;
    if !r.no_track {
        if let Some(p) = &r.protocol {
            if !matches!(&p.value, NameOrNum::Num(18)) && p.value != NameOrNum::Name("keepalived".into()) {
                c.error_help(
                    p.span,
                    "keepalived tracks this route, so it sets protocol `keepalived` and ignores this one",
                    "remove `protocol`, or add `no_track`",
                );
            }
        }
        if r.dev.is_none() {
            let mut p = Problem::warning(
                ProblemKind::Untracked,
                c.span(),
                "keepalived cannot track a route without `dev`: it turns tracking off for it, so a removed route goes unnoticed",
            )
            .help("add `dev IFNAME`, or `no_track` to say the route is not to be tracked");
            // keepalived reports it as a configuration error, so `keepalived -t` fails.
            p.severity = Severity::Error;
            c.problems.push(p);
        }
    }
    if let Some(g) = &r.track_group {
        if r.dev.is_none() {
            c.error_help(
                g.span,
                "a route with `track_group` needs `dev`: keepalived ignores the track group",
                "add `dev IFNAME`",
            );
            r.track_group = None;
        }
    }
    r.family = st.fam.unwrap_or(Family::V4);
    c.keep(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::test_util::{msgs, with_words};

    fn p(line: &str) -> ParseResult<Route> {
        with_words(line, |w| parse(w, false))
    }

    fn ok(line: &str) -> Route {
        let r = p(line).unwrap_or_else(|e| panic!("{line}: {}", msgs(&e)));
        assert!(r.problems.is_empty(), "{line}: {}", msgs(&r.problems));
        r.value
    }

    fn kept_with(line: &str, kind: ProblemKind, needle: &str) -> Route {
        let r = p(line).unwrap_or_else(|e| panic!("{line}: dropped: {}", msgs(&e)));
        assert!(
            r.problems.iter().any(|p| p.kind == kind && p.message.contains(needle)),
            "{line}: {}",
            msgs(&r.problems)
        );
        r.value
    }

    fn dropped_with(line: &str, needle: &str) {
        match p(line) {
            Ok(r) => panic!("{line}: kept: {}", msgs(&r.problems)),
            Err(e) => assert!(msgs(&e).contains(needle), "{line}: {}", msgs(&e)),
        }
    }

    #[test]
    fn every_option() {
        let r = ok("src 192.0.2.1 to 10.0.0.0/8 via 192.0.2.254 dev eth0 table 100 protocol keepalived scope link metric 10 onlink tos 0x10 mtu lock 1400 advmss 1360 rtt 10ms rttvar lock 5ms reordering 3 window 10 cwnd 10 ssthresh 5 initcwnd 10 initrwnd 10 hoplimit 64 rto_min 200ms quickack 1 fastopen_no_cookie 0 realms 1/2 features ecn congctl lock cubic ttl-propagate enabled append vrf red");
        assert_eq!(r.family, Family::V4);
        assert_eq!(
            r.dst.value,
            Prefix::Net {
                addr: "10.0.0.0".parse().unwrap(),
                len: 8
            }
        );
        assert_eq!(r.via.unwrap().value, "192.0.2.254".parse::<IpAddr>().unwrap());
        assert_eq!(r.table.unwrap().value, NameOrNum::Num(100));
        assert_eq!(r.metrics.len(), 14);
        assert!(r.metrics[0].lock && r.metrics[0].name == "mtu");
        assert_eq!(r.mode.unwrap().value, AddMode::Append);
        let r = ok("inet6 to 2001:db8::/32 from 2001:db8:1::/48 via inet6 fe80::1 dev eth0 expires 60 pref high encap ip6 dst 2001:db8::9 hoplimit 3");
        assert_eq!(r.family, Family::V6);
        assert_eq!(r.pref.unwrap().value, 1);
        assert_eq!(r.encap.unwrap().kind, "ip6");
        assert_eq!(ok("blackhole 192.0.2.0/24 no_track").kind.unwrap().value, "blackhole");
        assert_eq!(ok("default via 10.0.0.1 dev eth0").dst.value, Prefix::Any);
        let r = ok("10.11.0.0/16 dev eth0 nexthop via 10.0.0.1 dev eth0 weight 2 nexthop via 10.0.0.2 onlink");
        assert_eq!(r.nexthops.len(), 2);
        assert_eq!(r.nexthops[0].weight.as_ref().unwrap().value, 2);
        let s = with_words("10.0.0.0/8 dev eth0 track_group G", |w| parse(w, true)).unwrap();
        assert!(s.problems.is_empty() && s.value.track_group.is_some());
    }

    /// keepalived 2.2.7's `IPROUTE_BIT_ADD` is the route-type bit: a typed route is added,
    /// an untyped one prepended, and the words count in order.
    #[test]
    fn installed_mode() {
        for (line, mode) in [
            ("10.0.0.0/8 dev eth0", AddMode::Prepend),
            ("blackhole 10.0.0.0/8 no_track", AddMode::Add),
            ("unicast 10.0.0.0/8 dev eth0", AddMode::Add),
            ("10.0.0.0/8 dev eth0 add", AddMode::Add),
            ("10.0.0.0/8 dev eth0 append", AddMode::Append),
            ("append blackhole 10.0.0.0/8 no_track", AddMode::Add),
            ("blackhole 10.0.0.0/8 no_track append", AddMode::Append),
            ("prepend unreachable 10.0.0.0/8 no_track", AddMode::Add),
            ("unreachable 10.0.0.0/8 no_track prepend", AddMode::Prepend),
        ] {
            assert_eq!(ok(line).installed, mode, "{line}");
        }
    }

    #[test]
    fn deprecated_words() {
        let r = kept_with("10.2.0.0/16 gw 10.0.0.254 dev eth0", ProblemKind::Deprecated, "`gw`");
        assert!(r.via.is_some());
        let r = kept_with(
            "10.10.0.0/16 dev eth0 via 10.0.0.1 or 10.0.0.2",
            ProblemKind::Deprecated,
            "`or`",
        );
        assert_eq!(r.nexthops.len(), 2);
    }

    #[test]
    fn untracked_and_ignored() {
        kept_with("10.3.0.0/16 via 10.0.0.254", ProblemKind::Untracked, "without `dev`");
        kept_with("10.8.0.0/16 dev eth0 protocol static", ProblemKind::Invalid, "protocol");
        kept_with("10.9.0.0/16 dev eth0 as to 10.0.0.1", ProblemKind::Invalid, "MPLS");
        let r = kept_with(
            "inet 10.9.0.0/16 10.9.1.0/24 dev eth0",
            ProblemKind::Invalid,
            "skips the word",
        );
        assert_eq!(
            r.dst.value,
            Prefix::Net {
                addr: "10.9.1.0".parse().unwrap(),
                len: 24
            }
        );
        kept_with("10.9.0.0/16 dev eth0 features foo", ProblemKind::Invalid, "feature");
        kept_with(
            "10.9.0.0/16 dev eth0 ttl-propagate maybe",
            ProblemKind::Invalid,
            "ttl-propagate",
        );
        kept_with("10.9.0.0/16 dev eth0 encap foo", ProblemKind::Invalid, "encapsulation");
        kept_with(
            "10.11.0.0/16 dev eth0 nexthop via 10.0.0.1 bogus",
            ProblemKind::Invalid,
            "after the nexthops",
        );
        kept_with(
            "10.11.0.0/16 dev eth0 nexthop via 10.0.0.1 weight 0",
            ProblemKind::Invalid,
            "weight",
        );
        let s = with_words("10.0.0.0/8 via 10.0.0.1 track_group G no_track", |w| parse(w, true)).unwrap();
        assert!(msgs(&s.problems).contains("needs `dev`"));
    }

    #[test]
    fn dropped_routes() {
        dropped_with("src 10.0.0.1 default via 10.0.0.254 dev eth0", "mixes address families");
        dropped_with("10.6.0.0/16 via fe80::1 dev eth0", "mixes address families");
        dropped_with("inet6 to 10.0.0.0/8 dev eth0", "mixes");
        // keepalived steps over the word after `inet6`: here the destination.
        dropped_with("inet6 2001:db8::/32 dev eth0", "without a destination");
        dropped_with("blackhole to 10.7.0.0/16", "unknown route option `to`");
        dropped_with(
            "10.14.0.0/16 dev eth0 track_group G",
            "unknown route option `track_group`",
        );
        dropped_with("10.12.0.0/16 dev eth0 metric 0x10", "metric");
        dropped_with("10.13.0.0/16 dev eth0 table", "needs a value");
        dropped_with("via 10.0.0.1 dev eth0", "without a destination");
        dropped_with("10.0.0.0/8 dev eth0 from 10.1.0.0/16", "IPv6 routes only");
        dropped_with("10.0.0.0/8 dev eth0 expires 5", "IPv6 routes only");
        dropped_with("2001:db8::/32 dev eth0 realms 5", "IPv4 routes only");
        dropped_with("10.0.0.0/8 dev eth0 pref low", "IPv6 routes only");
        dropped_with("10.0.0.0/8 dev eth0 hoplimit 256", "hoplimit");
        dropped_with("10.0.0.0/8 dev eth0 rtt fast", "not a time");
        dropped_with("10.0.0.0/8 dev eth0 quickack 2", "quickack");
        dropped_with("10.0.0.0/8 dev eth0 scope bogus", "not a scope");
        dropped_with("10.0.0.0/8 dev eth0 via bogus", "gateway");
        dropped_with("10.0.0.0/33 dev eth0", "unknown route option");
        dropped_with("10.0.0.0/8 dev a-very-long-interface", "interface name");
    }

    #[test]
    fn never_panics_on_odd_words() {
        for line in [
            "to",
            "blackhole",
            "nexthop",
            "10.0.0.0/8 nexthop via",
            "or",
            "as",
            "as to",
            "encap ip",
            "mtu lock",
            "via inet6",
            "/",
        ] {
            let _ = p(line);
        }
    }
}
