//! Rule lines, as keepalived reads them in `virtual_rules` and `static_rules`: an
//! `ip rule add` line without the command. A rule needs exactly one action.

use super::{
    check_ifname, parse_dec, parse_name_or_num, parse_prefix, parse_realms, Cursor, Family, NameOrNum, ParseResult,
    Prefix, Problem, ProblemKind, Spanned,
};
use vigil_grammar::Words;

/// What a rule does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `table N` / `lookup N`
    Table(NameOrNum),
    Goto(u32),
    Nop,
    Blackhole,
    Unreachable,
    Prohibit,
    /// `l3mdev`: the table of the device's VRF.
    L3mdev,
}

/// One rule line as keepalived keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub family: Family,
    pub action: Spanned<Action>,
    /// `not`
    pub invert: bool,
    pub from: Option<Spanned<Prefix>>,
    pub to: Option<Spanned<Prefix>>,
    /// `preference`/`priority`/`order`; keepalived picks one when absent.
    pub preference: Option<Spanned<u32>>,
    pub tos: Option<Spanned<NameOrNum>>,
    /// `fwmark MARK[/MASK]`
    pub fwmark: Option<Spanned<(u32, Option<u32>)>>,
    pub realms: Option<Spanned<(Option<NameOrNum>, NameOrNum)>>,
    pub suppress_prefixlength: Option<Spanned<u32>>,
    pub suppress_ifgroup: Option<Spanned<NameOrNum>>,
    /// `iif`/`dev`
    pub iif: Option<Spanned<String>>,
    pub oif: Option<Spanned<String>>,
    pub tunnel_id: Option<Spanned<u64>>,
    pub uidrange: Option<Spanned<(u32, u32)>>,
    pub protocol: Option<Spanned<u8>>,
    pub ipproto: Option<Spanned<NameOrNum>>,
    pub sport: Option<Spanned<(u16, u16)>>,
    pub dport: Option<Spanned<(u16, u16)>>,
    pub no_track: bool,
    pub track_group: Option<Spanned<String>>,
}

/// `MARK[/MASK]`, each decimal, hex (`0x`) or octal (`0`) as strtoul with base 0 reads.
fn parse_fwmark(t: &str) -> Option<(u32, Option<u32>)> {
    fn num(s: &str) -> Option<u32> {
        if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            u32::from_str_radix(h, 16).ok()
        } else if s.len() > 1 && s.starts_with('0') {
            u32::from_str_radix(&s[1..], 8).ok()
        } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    }
    match t.split_once('/') {
        Some((m, k)) => Some((num(m)?, Some(num(k)?))),
        None => Some((num(t)?, None)),
    }
}

/// `A-B` ports. keepalived 2.2.7 reads a single port (`80`) as an invalid range: it reports
/// it and ignores the option.
fn parse_ports(t: &str) -> Option<(u16, u16)> {
    let (a, b) = t.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Parses one rule line. `Err` when keepalived drops the rule. `is_static`: the line stands
/// in `static_rules` (where `track_group` is allowed).
pub fn parse(words: Words<'_>, is_static: bool) -> ParseResult<Rule> {
    let mut c = Cursor::new(words);
    let mut fam: Option<Family> = None;
    let mut action: Option<Spanned<Action>> = None;
    let mut table_option = None;
    let mut r = Rule {
        family: Family::V4,
        action: Spanned::new(Action::Nop, c.span()),
        invert: false,
        from: None,
        to: None,
        preference: None,
        tos: None,
        fwmark: None,
        realms: None,
        suppress_prefixlength: None,
        suppress_ifgroup: None,
        iif: None,
        oif: None,
        tunnel_id: None,
        uidrange: None,
        protocol: None,
        ipproto: None,
        sport: None,
        dport: None,
        no_track: false,
        track_group: None,
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
            c.error($span, format!("{}: keepalived skips this rule", format!($($msg)*)));
            return c.drop_item();
        }};
    }
    macro_rules! family {
        ($f:expr, $span:expr) => {{
            let f: Option<Family> = $f;
            match fam {
                None => fam = f,
                Some(a) if Some(a) == f => {}
                Some(a) => {
                    c.error_help(
                        $span,
                        format!("this mixes address families in a rule already {}: keepalived skips this rule", a.name()),
                        "a rule's addresses must all be IPv4 or all IPv6; `all`/`any`/`default` must come before any family clue",
                    );
                    return c.drop_item();
                }
            }
        }};
    }
    macro_rules! set_action {
        ($a:expr, $span:expr) => {{
            if let Some(prev) = &action {
                c.error_help(
                    $span,
                    "a rule takes one action: keepalived skips this rule",
                    "keep one of table/lookup, goto, nop, blackhole, unreachable, prohibit, l3mdev",
                );
                let _ = prev;
                return c.drop_item();
            }
            action = Some(Spanned::new($a, $span));
        }};
    }
    while let Some(w) = c.next() {
        let t = w.text();
        match t {
            "inet" | "inet6" => {
                family!(Some(if t == "inet" { Family::V4 } else { Family::V6 }), w.span());
                super::route::skip_after_family(&mut c, t, "rule");
            }
            "from" | "to" => {
                let v = val!(w);
                let p = match parse_prefix(v.text()) {
                    Ok(p) => p,
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                };
                family!(p.family(), v.span());
                if t == "from" {
                    r.from = Some(Spanned::new(p, v.span()));
                } else {
                    r.to = Some(Spanned::new(p, v.span()));
                }
            }
            "table" | "lookup" => {
                let v = val!(w);
                let n = match parse_name_or_num(v.text(), u64::from(u32::MAX), false) {
                    Ok(n) => n,
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                };
                if n == NameOrNum::Num(0) {
                    bad!(v.span(), "table 0 is not a table");
                }
                set_action!(Action::Table(n), w.span().to(v.span()));
            }
            "not" => r.invert = true,
            "preference" | "priority" | "order" => {
                let v = val!(w);
                match parse_dec(v.text(), u64::from(u32::MAX)) {
                    Ok(n) => r.preference = Some(Spanned::new(n as u32, v.span())),
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                }
            }
            "tos" | "dsfield" => {
                let v = val!(w);
                match parse_name_or_num(v.text(), 255, true) {
                    Ok(n) => r.tos = Some(Spanned::new(n, v.span())),
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                }
            }
            "fwmark" => {
                let v = val!(w);
                match parse_fwmark(v.text()) {
                    Some(m) => r.fwmark = Some(Spanned::new(m, v.span())),
                    None => bad!(v.span(), "`{}` is not a firewall mark (`MARK[/MASK]`)", v.text()),
                }
            }
            "realms" => {
                let v = val!(w);
                let rl = match parse_realms(v.text()) {
                    Ok(rl) => rl,
                    Err(why) => bad!(v.span(), "invalid `realms`: {why}"),
                };
                family!(Some(Family::V4), w.span());
                table_option.get_or_insert(w.span());
                r.realms = Some(Spanned::new(rl, v.span()));
            }
            "suppress_prefixlength" | "sup_pl" => {
                let v = val!(w);
                match parse_dec(v.text(), i32::MAX as u64) {
                    Ok(n) => r.suppress_prefixlength = Some(Spanned::new(n as u32, v.span())),
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                }
                table_option.get_or_insert(w.span());
            }
            "suppress_ifgroup" | "sup_group" => {
                let v = val!(w);
                match parse_name_or_num(v.text(), u64::from(u32::MAX), false) {
                    Ok(n) => r.suppress_ifgroup = Some(Spanned::new(n, v.span())),
                    Err(why) => bad!(v.span(), "invalid `{t}`: {why}"),
                }
                table_option.get_or_insert(w.span());
            }
            "dev" | "iif" | "oif" => {
                let v = val!(w);
                if let Err(why) = check_ifname(v.text()) {
                    bad!(v.span(), "{why}");
                }
                let s = Some(Spanned::new(v.text().to_string(), v.span()));
                if t == "oif" {
                    r.oif = s;
                } else {
                    r.iif = s;
                }
            }
            "tunnel-id" => {
                let v = val!(w);
                match parse_dec(v.text(), u64::MAX) {
                    Ok(n) => r.tunnel_id = Some(Spanned::new(n, v.span())),
                    Err(why) => bad!(v.span(), "invalid `tunnel-id`: {why}"),
                }
            }
            "uidrange" => {
                let v = val!(w);
                let range = v
                    .text()
                    .split_once('-')
                    .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
                match range {
                    Some(u) => r.uidrange = Some(Spanned::new(u, v.span())),
                    None => bad!(v.span(), "`{}` is not a uid range (`A-B`)", v.text()),
                }
            }
            "l3mdev" => set_action!(Action::L3mdev, w.span()),
            "protocol" => {
                let v = val!(w);
                match parse_dec(v.text(), 255) {
                    Ok(n) => r.protocol = Some(Spanned::new(n as u8, v.span())),
                    Err(why) => c.error_help(
                        v.span(),
                        format!("invalid rule `protocol`: {why}: keepalived ignores it"),
                        "rules take the protocol as a number from 0 to 255",
                    ),
                }
            }
            "ipproto" => {
                let v = val!(w);
                match parse_name_or_num(v.text(), 127, false) {
                    Ok(n) => r.ipproto = Some(Spanned::new(n, v.span())),
                    Err(why) => c.error(v.span(), format!("invalid `ipproto`: {why}: keepalived ignores it")),
                }
            }
            "sport" | "dport" => {
                let v = val!(w);
                match parse_ports(v.text()) {
                    Some(p) if t == "sport" => r.sport = Some(Spanned::new(p, v.span())),
                    Some(p) => r.dport = Some(Spanned::new(p, v.span())),
                    None => c.error_help(
                        v.span(),
                        format!("`{}` is not a port range: keepalived ignores `{t}`", v.text()),
                        "write `FIRST-LAST` (a single port as `80-80`: keepalived 2.2.7 refuses a lone port)",
                    ),
                }
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
                let a = if t == "type" { val!(w) } else { w };
                let span = w.span().to(a.span());
                match a.text() {
                    "goto" => {
                        let v = val!(a);
                        match parse_dec(v.text(), u64::from(u32::MAX)) {
                            Ok(n) => set_action!(Action::Goto(n as u32), span.to(v.span())),
                            Err(why) => bad!(v.span(), "invalid `goto` target: {why}"),
                        }
                    }
                    "nop" => set_action!(Action::Nop, span),
                    "blackhole" => set_action!(Action::Blackhole, span),
                    "unreachable" => set_action!(Action::Unreachable, span),
                    "prohibit" => set_action!(Action::Prohibit, span),
                    o if super::route::TYPES.contains(&o) => {
                        c.error_help(
                            a.span(),
                            format!("`{o}` is not a rule action: keepalived skips this rule"),
                            "rule actions are table/lookup, goto, nop, blackhole, unreachable, prohibit, l3mdev",
                        );
                        return c.drop_item();
                    }
                    o => {
                        let help = if o == "track_group" {
                            "`track_group` belongs to static_rules lines only"
                        } else {
                            "see `ip rule add` for the words a rule line takes"
                        };
                        c.error_help(
                            a.span(),
                            format!("unknown rule option `{o}`: keepalived skips this rule"),
                            help,
                        );
                        return c.drop_item();
                    }
                }
            }
        }
    }
    let Some(action) = action else {
        c.error_help(
            c.span(),
            "a rule without an action: keepalived skips it",
            "add one of `table N`, `goto N`, `nop`, `blackhole`, `unreachable`, `prohibit`, `l3mdev`",
        );
        return c.drop_item();
    };
    if let Action::Goto(target) = action.value {
        match &r.preference {
            Some(p) if p.value >= target => {
                bad!(
                    p.span,
                    "`goto {target}` must jump forward, to a preference above this rule's {}",
                    p.value
                )
            }
            Some(_) => {}
            None => bad!(action.span, "`goto` needs the rule's own `preference`"),
        }
    }
    if let Some(span) = table_option {
        if !matches!(action.value, Action::Table(_)) {
            bad!(span, "realms and suppressors apply to `table` rules only");
        }
    }
    if !r.no_track {
        if let Some(p) = &r.protocol {
            if p.value != 18 {
                c.error_help(
                    p.span,
                    "keepalived tracks this rule, so it sets protocol 18 (keepalived) and ignores this one",
                    "remove `protocol`, or add `no_track`",
                );
            }
        }
    }
    if let Some(g) = &r.track_group {
        if r.iif.is_none() {
            c.error_help(
                g.span,
                "a rule with `track_group` needs `iif`/`dev`: keepalived ignores the track group",
                "add `iif IFNAME`",
            );
            r.track_group = None;
        }
    }
    if r.preference.is_none() {
        c.problems.push(
            Problem::warning(
                ProblemKind::NoPreference,
                c.span(),
                "a rule without `preference`: keepalived numbers it itself, counting down from 16384",
            )
            .help("add `preference N` so the rules are ordered as you mean"),
        );
    }
    r.family = fam.unwrap_or(Family::V4);
    r.action = action;
    c.keep(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::test_util::{msgs, with_words};

    fn p(line: &str) -> ParseResult<Rule> {
        with_words(line, |w| parse(w, false))
    }

    fn ok(line: &str) -> Rule {
        let r = p(line).unwrap_or_else(|e| panic!("{line}: {}", msgs(&e)));
        assert!(r.problems.is_empty(), "{line}: {}", msgs(&r.problems));
        r.value
    }

    fn kept_with(line: &str, kind: ProblemKind, needle: &str) -> Rule {
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
        let r = ok("not from 10.0.0.0/8 to 192.0.2.0/24 table 100 preference 10 tos 0x10 fwmark 0x10/0xff realms 1/2 suppress_prefixlength 0 sup_group 3 iif eth0 oif eth1 tunnel-id 5 uidrange 1-2 protocol 18 ipproto tcp sport 80-90 dport 443-443 no_track");
        assert!(r.invert);
        assert_eq!(r.action.value, Action::Table(NameOrNum::Num(100)));
        assert_eq!(r.fwmark.unwrap().value, (16, Some(255)));
        assert_eq!(r.sport.unwrap().value, (80, 90));
        assert_eq!(r.dport.unwrap().value, (443, 443));
        assert_eq!(ok("from 2001:db8::/32 lookup main priority 5").family, Family::V6);
        assert_eq!(ok("to all from 10.0.0.0/8 table 1 order 11").family, Family::V4);
        assert_eq!(ok("from 10.0.0.0/8 goto 50 priority 13").action.value, Action::Goto(50));
        assert_eq!(ok("from all nop priority 1").action.value, Action::Nop);
        assert_eq!(ok("from all type prohibit priority 1").action.value, Action::Prohibit);
        assert_eq!(ok("from all blackhole priority 1").action.value, Action::Blackhole);
        assert_eq!(ok("from all unreachable priority 1").action.value, Action::Unreachable);
        assert_eq!(ok("iif eth0 l3mdev priority 1").action.value, Action::L3mdev);
        let s = with_words("iif eth0 table 1 priority 2 track_group G", |w| parse(w, true)).unwrap();
        assert!(s.problems.is_empty() && s.value.track_group.is_some());
    }

    #[test]
    fn kept_with_problems() {
        kept_with(
            "from 10.0.0.0/8 table 100",
            ProblemKind::NoPreference,
            "without `preference`",
        );
        kept_with(
            "from 10.0.0.0/8 table 1 protocol static priority 15",
            ProblemKind::Invalid,
            "protocol",
        );
        kept_with(
            "from 10.0.0.0/8 table 1 protocol 4 priority 15",
            ProblemKind::Invalid,
            "protocol 18",
        );
        kept_with(
            "from 10.0.0.0/8 table 1 dport x priority 15",
            ProblemKind::Invalid,
            "port range",
        );
        kept_with(
            "from 10.0.0.0/8 table 1 sport 80 priority 15",
            ProblemKind::Invalid,
            "port range",
        );
        // keepalived steps over the word after `inet6`: here a second `inet6`.
        let r = kept_with(
            "inet6 inet6 to fd00::/64 table 1 priority 15",
            ProblemKind::Invalid,
            "skips the word",
        );
        assert_eq!(r.family, Family::V6);
        let s = with_words("table 1 priority 2 track_group G", |w| parse(w, true)).unwrap();
        assert!(msgs(&s.problems).contains("needs `iif`"));
    }

    #[test]
    fn dropped_rules() {
        dropped_with("from 10.0.0.0/8 to all table 100 priority 10", "mixes address families");
        dropped_with(
            "from 10.0.0.0/8 to 2001:db8::/32 table 100 priority 10",
            "mixes address families",
        );
        dropped_with("from 10.0.0.0/8 table 100 nop priority 12", "one action");
        dropped_with("from 10.0.0.0/8 table 1 l3mdev priority 12", "one action");
        dropped_with("from 10.0.0.0/8 goto 5 priority 13", "jump forward");
        dropped_with("from 10.0.0.0/8 goto 5", "own `preference`");
        dropped_with("from 10.0.0.0/8 table 0 priority 14", "table 0");
        dropped_with("from 10.0.0.0/8 unicast priority 16", "not a rule action");
        dropped_with("from 10.0.0.0/8 priority 18", "without an action");
        dropped_with("from 10.0.0.0/8 bogus table 1", "unknown rule option `bogus`");
        // keepalived steps over the word after `inet6`: `from`, so `all` is an unknown option.
        dropped_with("inet6 from all table 1 priority 15", "unknown rule option `all`");
        dropped_with("from 10.0.0.0/8 nop realms 1 priority 3", "table` rules only");
        dropped_with("from 10.0.0.0/8 table 1 fwmark 0x10/x priority 3", "firewall mark");
        dropped_with("from 10.0.0.0/33 table 1", "invalid `from`");
        dropped_with("from 10.0.0.0/8 table", "needs a value");
        dropped_with(
            "iif eth0 table 1 priority 2 track_group G",
            "unknown rule option `track_group`",
        );
    }

    #[test]
    fn never_panics_on_odd_words() {
        for line in [
            "from",
            "type",
            "type goto",
            "goto",
            "fwmark /",
            "uidrange -",
            "sport -",
            "not",
        ] {
            let _ = p(line);
        }
    }
}
