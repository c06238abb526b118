//! Checks of value-block lines: address, route and rule lines are parsed into typed values
//! (`crate::values`) and what keepalived rejects, ignores or warns about is reported.
//! Other value kinds are not checked yet.

pub mod deprecated_route_word;
pub mod invalid_address_line;
pub mod invalid_route_line;
pub mod invalid_rule_line;
pub mod rule_without_preference;
pub mod untracked_route;

use super::structure::Ctx;
use super::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{Keyword, ValueKind};
use crate::values::{self, address::Place, Problem, ProblemKind};
use vigil_grammar::BlockRef;

pub static ALL: &[&Check] = &[
    &invalid_address_line::CHECK,
    &invalid_route_line::CHECK,
    &invalid_rule_line::CHECK,
    &deprecated_route_word::CHECK,
    &untracked_route::CHECK,
    &rule_without_preference::CHECK,
];

/// Checks the lines of a value block of keyword `k`.
pub fn check_block(ctx: &mut Ctx<'_>, k: &'static Keyword, kind: ValueKind, block: BlockRef<'_>) {
    let is_static = k.name.starts_with("static_");
    for node in block.nodes() {
        let words = node.words();
        // A line with a block of its own is a keyword swallowed by a block left open (the
        // front end reports the brace): no address, route or rule to read.
        if words.is_empty() || node.block().is_some() {
            continue;
        }
        let (invalid, problems) = match kind {
            ValueKind::Address => {
                let place = match k.name {
                    "static_ipaddress" => Place::Static,
                    "virtual_ipaddress_excluded" => Place::Excluded,
                    _ => Place::Virtual,
                };
                (
                    &invalid_address_line::CHECK,
                    problems_of(values::address::parse(words, place)),
                )
            }
            ValueKind::Route => (
                &invalid_route_line::CHECK,
                problems_of(values::route::parse(words, is_static)),
            ),
            ValueKind::Rule => (
                &invalid_rule_line::CHECK,
                problems_of(values::rule::parse(words, is_static)),
            ),
            _ => return,
        };
        for p in problems {
            let check = match p.kind {
                ProblemKind::Invalid => invalid,
                ProblemKind::Deprecated => &deprecated_route_word::CHECK,
                ProblemKind::Untracked => &untracked_route::CHECK,
                ProblemKind::NoPreference => &rule_without_preference::CHECK,
            };
            let mut d = Diagnostic::new(check, p.span, p.message);
            d.severity = p.severity;
            if let Some(h) = p.help {
                d = d.help(h);
            }
            ctx.out.push(d);
        }
    }
}

fn problems_of<T>(r: values::ParseResult<T>) -> Vec<Problem> {
    match r {
        Ok(p) => p.problems,
        Err(e) => e,
    }
}
