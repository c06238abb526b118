//! The global settings the instances fall back on, as keepalived ends up with them: every
//! `global_defs` block read in file order (keepalived reads them all as one), the last valid
//! line of each keyword kept, else the keyword table's default.

use super::Decided;
use crate::schema::value::{value, Value};
use crate::schema::{self, Body, Keyword};
use std::net::IpAddr;
use vigil_grammar::{NodeRef, Parsed, Span};

/// The lines of the `global_defs` blocks with a keyword of their table, in file order.
pub struct Globals<'t> {
    lines: Vec<(NodeRef<'t>, &'static Keyword)>,
}

fn global_table() -> &'static [Keyword] {
    match schema::find(schema::ROOT, "global_defs").map(|k| k.body) {
        Some(Body::Keywords(sub)) => sub,
        _ => &[],
    }
}

/// Whether a flag line is on: written alone, or with a true value.
pub fn flag_value(n: NodeRef<'_>) -> bool {
    n.args()
        .first()
        .is_none_or(|w| matches!(w.text(), "true" | "on" | "yes"))
}

impl<'t> Globals<'t> {
    pub fn read(parsed: &'t Parsed) -> Globals<'t> {
        let table = global_table();
        let lines = crate::checks::global::block_lines(parsed, "global_defs")
            .filter_map(|n| Some((n, schema::find(table, n.keyword()?)?)))
            .collect();
        Globals { lines }
    }

    /// The last line of `kw` whose first argument is a valid value of its type, with that value.
    fn last_valid(&self, kw: &str) -> Option<(Value, Span)> {
        self.lines
            .iter()
            .rev()
            .filter(|(_, k)| k.name == kw)
            .find_map(|(n, k)| {
                let w = n.args().first()?;
                Some((value(k.args.first()?, w.text())?, n.span()))
            })
    }

    /// The table's default of `kw`, typed.
    fn default(&self, kw: &str) -> Option<Value> {
        let k = schema::find(global_table(), kw)?;
        value(k.args.first()?, k.default?.split_whitespace().next()?)
    }

    fn get(&self, kw: &str) -> Option<Decided<Value>> {
        match self.last_valid(kw) {
            Some((v, at)) => Some(Decided::at(v, at)),
            None => self.default(kw).map(Decided::default),
        }
    }

    /// A flag: its last line (alone or with a true value), else off.
    pub fn flag(&self, kw: &str) -> Decided<bool> {
        match self.lines.iter().rev().find(|(_, k)| k.name == kw) {
            Some((n, _)) => Decided::at(flag_value(*n), n.span()),
            None => Decided::default(false),
        }
    }

    /// A whole number (or port), its last valid line else the table's default.
    pub fn uint(&self, kw: &str) -> Option<Decided<u64>> {
        let d = self.get(kw)?;
        let v = match d.value {
            Value::Uint(v) => v,
            Value::Port(p) => u64::from(p),
            _ => return None,
        };
        Some(Decided::by(v, d.by))
    }

    /// A duration in microseconds (a whole number of seconds or a decimal one).
    pub fn micros(&self, kw: &str) -> Option<Decided<u64>> {
        let d = self.get(kw)?;
        let v = match d.value {
            Value::Micros(v) => v,
            Value::Uint(s) => s.checked_mul(1_000_000)?,
            _ => return None,
        };
        Some(Decided::by(v, d.by))
    }

    pub fn ip(&self, kw: &str) -> Option<Decided<IpAddr>> {
        let d = self.get(kw)?;
        match d.value {
            Value::Ip(a) | Value::Prefix(a, _) => Some(Decided::by(a, d.by)),
            _ => None,
        }
    }

    /// The first argument of the first line of `kw` (for settings keepalived takes once and
    /// then refuses, such as `vmac_prefix`), with that line.
    pub fn first_text(&self, kw: &str) -> Option<Decided<&'t str>> {
        self.lines
            .iter()
            .filter(|(_, k)| k.name == kw)
            .find_map(|(n, _)| Some(Decided::at(n.args().first()?.text(), n.span())))
    }
}
