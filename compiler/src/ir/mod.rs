//! The typed IR: the configuration as a tree of typed settings, read with the keyword table.
//!
//! Every block becomes a [`Block`] of [`Setting`]s in file order; every argument is parsed
//! into a [`Value`] of the type the table gives it, and keeps the span it was written at.
//! Keywords the table gives a default for and that the block does not set are added with
//! that default ([`Setting::from_default`], spanned at the block's keyword), so readers never
//! apply defaults themselves. Value-line blocks keep their lines, and address, route and rule
//! lines are parsed into [`crate::values`] types.
//!
//! Building never fails and never stops at the first problem: what the structural checks
//! reject (unknown keywords, bad values, missing arguments) is left out, exactly as
//! keepalived ignores it, and the rest is kept. The plan ([`crate::lower`]) is built from
//! this IR.

use crate::schema::{self, Body, Keyword, ValueKind};
use crate::values::{address, peer, route, rule, track, vsg};
use std::net::IpAddr;
use vigil_grammar::{Children, ExpansionKind, FileId, Parsed, Span, WordRef, Words};

pub use crate::schema::value::{value, Value};

/// An argument: its value, the text it was read from and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub value: Value,
    /// Inline up to 24 bytes: most arguments need no heap string of their own.
    pub text: compact_str::CompactString,
    pub span: Span,
}

/// Microseconds as the plan's whole milliseconds: rounded half up, but a duration that is
/// not zero stays at least 1 ms (zero means "off" for several settings, such as the garp
/// intervals, and keepalived reads 0.0004 s as on).
pub fn us_to_ms(us: u64) -> u64 {
    if us == 0 {
        0
    } else {
        (us.saturating_add(500) / 1000).max(1)
    }
}

/// A value line of a value block.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Address(Box<address::Address>),
    Route(Box<route::Route>),
    Rule(Box<rule::Rule>),
    /// A `unicast_peer` line.
    Peer(peer::Peer),
    /// A tracking line (`track_script`, `track_interface`, ...).
    Track(track::Track),
    /// A `virtual_server_group` entry.
    Vsg(vsg::Entry),
    /// Any other kind of line, as words (names, track lines, peers, VSG entries...).
    Words,
}

/// One line of a value block.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The words of an untyped line ([`Item::Words`]) or a group entry; empty for the typed
    /// lines, whose item holds what keepalived reads.
    pub words: Vec<(String, Span)>,
    pub span: Span,
    /// Where the line is written in the file that holds it: for a line whose first word came
    /// from a `$NAME` or a generator, the place of the reference, not of the definition.
    pub site: Span,
    pub item: Item,
}

/// What follows a setting's arguments.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingBody {
    None,
    /// Boxed: most settings have no block, and every setting is as big as the biggest body.
    Block(Box<Block>),
    Lines(Vec<Line>),
}

/// One keyword line with its typed arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub keyword: &'static Keyword,
    /// The keyword word (for a default: the enclosing block's keyword).
    pub name_span: Span,
    /// Where the statement is written (see [`Line::site`]).
    pub site: Span,
    /// Keyword and arguments.
    pub span: Span,
    pub args: Vec<Arg>,
    /// Not written: added from the table's default.
    pub from_default: bool,
    pub body: SettingBody,
}

impl Setting {
    pub fn name(&self) -> &'static str {
        self.keyword.name
    }

    pub fn arg(&self, i: usize) -> Option<&Arg> {
        self.args.get(i)
    }

    pub fn block(&self) -> Option<&Block> {
        match &self.body {
            SettingBody::Block(b) => Some(b),
            _ => None,
        }
    }

    pub fn lines(&self) -> &[Line] {
        match &self.body {
            SettingBody::Lines(l) => l,
            _ => &[],
        }
    }
}

/// A block: its settings in file order. The table's defaults are not stored in every block:
/// [`Block::get`] falls back on them (one shared [`Setting`] per keyword, with no span of its
/// own), so a 200,000-line configuration does not carry hundreds of thousands of copies.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Block {
    pub settings: Vec<Setting>,
    /// The table the block was read with, whose defaults apply (empty: none).
    pub table: &'static [Keyword],
}

/// The span of a default setting: not written anywhere.
pub const NOWHERE: Span = Span {
    file: FileId(0),
    start: 0,
    end: 0,
};

/// The default setting of keyword `k` (one per keyword with a default, built once).
fn default_setting(k: &'static Keyword) -> Option<&'static Setting> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static DEFAULTS: OnceLock<HashMap<usize, Setting>> = OnceLock::new();
    let all = DEFAULTS.get_or_init(|| {
        let mut out = HashMap::new();
        let mut seen = Vec::new();
        fn walk(table: &'static [Keyword], seen: &mut Vec<usize>, out: &mut HashMap<usize, Setting>) {
            if seen.contains(&(table.as_ptr() as usize)) {
                return;
            }
            seen.push(table.as_ptr() as usize);
            for k in table {
                if let Some(d) = k.default {
                    out.insert(
                        k as *const Keyword as usize,
                        Setting {
                            keyword: k,
                            name_span: NOWHERE,
                            site: NOWHERE,
                            span: NOWHERE,
                            args: default_args(k, d, NOWHERE),
                            from_default: true,
                            body: SettingBody::None,
                        },
                    );
                }
                if let Body::Keywords(sub) = k.body {
                    walk(sub, seen, out);
                }
            }
        }
        walk(schema::ROOT, &mut seen, &mut out);
        out
    });
    all.get(&(k as *const Keyword as usize))
}

impl Block {
    /// Every setting of keyword `name` written in the block, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Setting> + 'a {
        self.settings.iter().filter(move |s| s.keyword.name == name)
    }

    /// The setting keepalived uses for `name`: the last one written, else the table's default.
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.settings
            .iter()
            .rev()
            .find(|s| s.keyword.name == name)
            .or_else(|| default_setting(schema::find(self.table, name)?))
    }

    /// Whether `name` was written (not only defaulted).
    pub fn has(&self, name: &str) -> bool {
        self.all(name).any(|s| !s.from_default)
    }

    fn first_value(&self, name: &str) -> Option<&Value> {
        self.get(name).and_then(|s| s.args.first()).map(|a| &a.value)
    }

    pub fn uint(&self, name: &str) -> Option<u64> {
        match self.first_value(name)? {
            Value::Uint(v) => Some(*v),
            Value::Port(p) => Some(*p as u64),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.first_value(name)? {
            Value::Int(v) => Some(*v),
            Value::Uint(v) => i64::try_from(*v).ok(),
            _ => None,
        }
    }

    /// A duration in microseconds.
    pub fn micros(&self, name: &str) -> Option<u64> {
        match self.first_value(name)? {
            Value::Micros(v) => Some(*v),
            Value::Uint(v) => v.checked_mul(1_000_000),
            _ => None,
        }
    }

    /// A duration in whole milliseconds (rounded half up).
    pub fn millis(&self, name: &str) -> Option<u64> {
        self.micros(name).map(us_to_ms)
    }

    pub fn ip(&self, name: &str) -> Option<IpAddr> {
        match self.first_value(name)? {
            Value::Ip(a) | Value::Prefix(a, _) => Some(*a),
            _ => None,
        }
    }

    /// The first argument's text.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|s| s.args.first()).map(|a| a.text.as_str())
    }

    /// A flag keyword, written alone (true) or with a yes/no argument. Absent: `false`
    /// unless the table gives a default.
    pub fn flag(&self, name: &str) -> bool {
        match self.get(name) {
            None => false,
            Some(s) => match s.args.first().map(|a| &a.value) {
                Some(Value::Bool(b)) => *b,
                _ => true,
            },
        }
    }

    /// A `yes|no` keyword that may be absent: `None` when neither written nor defaulted.
    pub fn opt_flag(&self, name: &str) -> Option<bool> {
        self.get(name).map(|_| self.flag(name))
    }

    /// The blocks of every `name` setting (`real_server`, `vrrp_instance`...).
    pub fn blocks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a Setting, &'a Block)> + 'a {
        self.all(name).filter_map(|s| s.block().map(|b| (s, b)))
    }
}

/// The whole configuration.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Config {
    pub root: Block,
    /// The global settings as keepalived ends up with them: the settings of every
    /// `global_defs` block in file order (keepalived reads them all), then the table's defaults
    /// of those no block sets, also when there is no `global_defs` at all.
    pub global: Block,
}

/// Builds the IR of a parsed configuration.
pub fn build(parsed: &Parsed) -> Config {
    let root = build_block(parsed, Some(parsed.tree.nodes()), schema::ROOT, None, 0);
    let global = merged_global(&root);
    Config { root, global }
}

fn merged_global(root: &Block) -> Block {
    let settings: Vec<Setting> = root
        .blocks("global_defs")
        .flat_map(|(_, b)| b.settings.iter().cloned())
        .collect();
    let table = match schema::find(schema::ROOT, "global_defs").map(|k| k.body) {
        Some(Body::Keywords(sub)) => sub,
        _ => &[],
    };
    Block { settings, table }
}

const MAX_DEPTH: usize = 64;

fn build_block(
    parsed: &Parsed,
    nodes: Option<Children<'_>>,
    table: &'static [Keyword],
    header: Option<Span>,
    depth: usize,
) -> Block {
    let mut block = Block::default();
    if let Some(nodes) = nodes {
        collect(parsed, nodes, table, depth, &mut block.settings);
        // Grown by doubling: up to half of it unused, in every block of the configuration.
        block.settings.shrink_to_fit();
    }
    if header.is_some() {
        block.table = table;
    }
    block
}

fn collect(parsed: &Parsed, nodes: Children<'_>, table: &'static [Keyword], depth: usize, out: &mut Vec<Setting>) {
    if depth > MAX_DEPTH {
        return;
    }
    for node in nodes {
        let Some(first) = node.words().first() else {
            // A block after no keyword: keepalived reads its lines as part of this block.
            if let Some(b) = node.block() {
                collect(parsed, b.nodes(), table, depth + 1, out);
            }
            continue;
        };
        let Some(k) = schema::find(table, first.text()) else {
            continue;
        };
        let Some(args) = typed_args(k, node.args()) else {
            continue;
        };
        let body = match (k.body, node.block()) {
            (Body::Keywords(sub), Some(b)) => SettingBody::Block(Box::new(build_block(
                parsed,
                Some(b.nodes()),
                sub,
                Some(first.span()),
                depth + 1,
            ))),
            (Body::Keywords(sub), None) => {
                SettingBody::Block(Box::new(build_block(parsed, None, sub, Some(first.span()), depth + 1)))
            }
            (Body::Values(kind), Some(b)) => SettingBody::Lines(lines(parsed, k, kind, b.nodes())),
            (Body::Values(_), None) => SettingBody::Lines(Vec::new()),
            (Body::None, _) => SettingBody::None,
        };
        let span = node.words().span().unwrap_or(first.span());
        out.push(Setting {
            keyword: k,
            name_span: first.span(),
            site: site(parsed, first),
            span,
            args,
            from_default: false,
            body,
        });
    }
}

/// The typed arguments, or `None` when a required one is missing or invalid (keepalived
/// ignores such a line). An invalid optional argument ends the list.
pub(crate) fn typed_args(k: &Keyword, words: Words<'_>) -> Option<Vec<Arg>> {
    // Sized up front: a grown Vec starts at four arguments, and most lines have one.
    let mut out = Vec::with_capacity(if k.variadic {
        words.len()
    } else {
        words.len().min(k.args.len())
    });
    for (i, w) in words.iter().enumerate() {
        let ty = match k.args.get(i) {
            Some(t) => t,
            None if k.variadic => match k.args.last() {
                Some(t) => t,
                None => break,
            },
            None => break,
        };
        match value(ty, w.text()) {
            Some(v) => out.push(Arg {
                value: v,
                text: w.text().into(),
                span: w.span(),
            }),
            None if i < k.required as usize => return None,
            None => break,
        }
    }
    if out.len() < k.required as usize {
        return None;
    }
    Some(out)
}

fn default_args(k: &Keyword, default: &str, span: Span) -> Vec<Arg> {
    let mut out = Vec::new();
    for (i, word) in default.split_whitespace().enumerate() {
        let Some(ty) = k.args.get(i).or(if k.variadic { k.args.last() } else { None }) else {
            break;
        };
        if let Some(v) = value(ty, word) {
            out.push(Arg {
                value: v,
                text: word.into(),
                span,
            });
        }
    }
    out
}

fn lines(parsed: &Parsed, k: &Keyword, kind: ValueKind, nodes: Children<'_>) -> Vec<Line> {
    let is_static = k.name.starts_with("static_");
    let mut out = Vec::new();
    for node in nodes {
        let words = node.words();
        let Some(span) = words.span() else {
            continue;
        };
        if node.block().is_some() {
            continue;
        }
        let item = match kind {
            ValueKind::Address => {
                let place = match k.name {
                    "virtual_ipaddress" => address::Place::Virtual,
                    "virtual_ipaddress_excluded" => address::Place::Excluded,
                    _ => address::Place::Static,
                };
                match address::parse(words, place) {
                    Ok(p) => Item::Address(Box::new(p.value)),
                    Err(_) => continue,
                }
            }
            ValueKind::Route => match route::parse(words, is_static) {
                Ok(p) => Item::Route(Box::new(p.value)),
                Err(_) => continue,
            },
            ValueKind::Rule => match rule::parse(words, is_static) {
                Ok(p) => Item::Rule(Box::new(p.value)),
                Err(_) => continue,
            },
            ValueKind::UnicastPeer => match peer::peer(words) {
                Some(p) => Item::Peer(p),
                None => continue,
            },
            ValueKind::TrackInterface | ValueKind::TrackRef(_) => match track::track(words, kind) {
                Some(t) => Item::Track(t),
                None => continue,
            },
            ValueKind::VsgEntry => match vsg::entry(words) {
                Some(e) => Item::Vsg(e),
                None => continue,
            },
            _ => Item::Words,
        };
        // Typed lines keep no copy of their words (the item has what keepalived reads).
        let keep_words = matches!(item, Item::Words | Item::Vsg(_));
        out.push(Line {
            words: if keep_words {
                words.iter().map(|w| (w.text().to_string(), w.span())).collect()
            } else {
                Vec::new()
            },
            span,
            site: words.first().map_or(span, |w| site(parsed, w)),
            item,
        });
    }
    out.shrink_to_fit();
    out
}

/// Where a word is written in the file that holds its statement: through `$NAME` and
/// generator expansions to the reference, but not out of an included file.
pub fn site(parsed: &Parsed, w: WordRef<'_>) -> Span {
    let mut at = w.span();
    for e in parsed.chain(w.exp()) {
        match e.kind {
            ExpansionKind::Include { .. } => break,
            _ => at = e.site,
        }
    }
    at
}

/// Re-exported for the lowering: a value line's words as text.
pub fn texts(line: &Line) -> Vec<&str> {
    line.words.iter().map(|(t, _)| t.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_that_is_not_zero_never_rounds_to_zero() {
        assert_eq!(us_to_ms(0), 0);
        assert_eq!(us_to_ms(1), 1);
        assert_eq!(us_to_ms(400), 1);
        assert_eq!(us_to_ms(1_499), 1);
        assert_eq!(us_to_ms(1_500), 2);
        assert_eq!(us_to_ms(u64::MAX), u64::MAX / 1000);
        let c = ir("global_defs {\n    vrrp_garp_interval 0.0004\n}\n");
        assert_eq!(c.global.millis("vrrp_garp_interval"), Some(1));
    }

    fn ir(text: &str) -> Config {
        build(&vigil_grammar::parse_text("/t/keepalived.conf", text))
    }

    #[test]
    fn settings_are_typed_and_defaults_added() {
        let c = ir("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n advert_int 0.5\n nopreempt\n}\n");
        let (s, vi) = c.root.blocks("vrrp_instance").next().unwrap();
        assert_eq!(s.arg(0).unwrap().text, "VI_1");
        assert_eq!(vi.uint("virtual_router_id"), Some(51));
        assert_eq!(vi.micros("advert_int"), Some(500_000));
        assert_eq!(vi.millis("advert_int"), Some(500));
        assert!(vi.flag("nopreempt"));
        assert!(!vi.flag("dont_track_primary"));
        assert_eq!(vi.text("interface"), Some("eth0"));
        // priority is not written: the table's default is there, marked as such.
        let p = vi.get("priority").unwrap();
        assert!(p.from_default);
        assert_eq!(vi.uint("priority"), Some(100));
        assert!(!vi.has("priority"));
    }

    #[test]
    fn invalid_values_are_left_out_and_the_rest_kept() {
        let c = ir("vrrp_instance VI_1 {\n virtual_router_id 300\n priority x\n interface eth0\n bogus 1\n}\n");
        let (_, vi) = c.root.blocks("vrrp_instance").next().unwrap();
        assert_eq!(vi.uint("virtual_router_id"), None);
        assert_eq!(vi.uint("priority"), Some(100), "the default replaces the bad value");
        assert_eq!(vi.text("interface"), Some("eth0"));
    }

    #[test]
    fn value_lines_are_parsed() {
        let c = ir("vrrp_instance VI_1 {\n virtual_ipaddress {\n 10.0.0.1/24 dev eth1\n 300.1.1.1\n }\n}\n");
        let (_, vi) = c.root.blocks("vrrp_instance").next().unwrap();
        let lines = vi.get("virtual_ipaddress").unwrap().lines();
        assert_eq!(lines.len(), 1, "the bad address is dropped");
        match &lines[0].item {
            Item::Address(a) => {
                assert_eq!(a.addr.to_string(), "10.0.0.1");
                assert_eq!(a.prefix, 24);
                assert_eq!(a.dev.as_ref().unwrap().value, "eth1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn last_setting_wins() {
        let c = ir("global_defs {\n router_id a\n router_id b\n}\n");
        let (_, g) = c.root.blocks("global_defs").next().unwrap();
        assert_eq!(g.text("router_id"), Some("b"));
        assert_eq!(g.all("router_id").count(), 2);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "global_defs {\n".repeat(120) + &"}\n".repeat(120);
        let _ = ir(&text);
    }
}
