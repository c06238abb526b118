//! Checks of value-block lines: address, route and rule lines are parsed into typed values
//! (`crate::values`) and what keepalived rejects, ignores or warns about is reported.
//! Virtual server group entries, unicast peers and tracking lines are read here too, as are
//! the arguments of a few keywords whose table type is `Ty::Custom` or too loose
//! ([`check_args`]). Other value kinds are not checked yet.

pub mod block_in_value_block;
pub mod deprecated_route_word;
pub mod invalid_address_line;
pub mod invalid_route_line;
pub mod invalid_rule_line;
pub mod invalid_smtp_server;
pub mod invalid_status_code;
pub mod invalid_track_line;
pub mod invalid_unicast_peer;
pub mod invalid_virtual_server;
pub mod invalid_vsg_entry;
pub mod rule_without_preference;
pub mod untracked_route;

use super::structure::Ctx;
use super::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{Keyword, ValueKind};
use crate::values::{self, address::Place, Problem, ProblemKind};
use vigil_grammar::{BlockRef, NodeRef};

pub static ALL: &[&Check] = &[
    &invalid_address_line::CHECK,
    &invalid_route_line::CHECK,
    &invalid_rule_line::CHECK,
    &deprecated_route_word::CHECK,
    &untracked_route::CHECK,
    &rule_without_preference::CHECK,
    &invalid_virtual_server::CHECK,
    &invalid_vsg_entry::CHECK,
    &invalid_unicast_peer::CHECK,
    &invalid_track_line::CHECK,
    &invalid_smtp_server::CHECK,
    &invalid_status_code::CHECK,
    &block_in_value_block::CHECK,
];

/// Checks the lines of a value block of keyword `k`.
pub fn check_block(ctx: &mut Ctx<'_>, k: &'static Keyword, kind: ValueKind, block: BlockRef<'_>) {
    let is_static = k.name.starts_with("static_");
    for node in block.nodes() {
        let words = node.words();
        // A line with a block of its own: keepalived does not nest in a block of values (or
        // a block left open swallowed it, which the front end reports).
        if let Some(inner) = node.block() {
            if !words.is_empty() {
                block_in_value_block::report(ctx, k, block, node, inner);
            }
            continue;
        }
        if words.is_empty() {
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
            ValueKind::VsgEntry => (&invalid_vsg_entry::CHECK, invalid_vsg_entry::problems(words)),
            ValueKind::UnicastPeer => (&invalid_unicast_peer::CHECK, invalid_unicast_peer::problems(words)),
            ValueKind::TrackInterface | ValueKind::TrackRef(_) => match invalid_track_line::problems(words, kind) {
                Some(p) => (&invalid_track_line::CHECK, p),
                None => return,
            },
            _ => return,
        };
        push(ctx, invalid, problems);
    }
}

/// Checks the arguments of the keywords whose arguments need code of their own.
pub fn check_args(ctx: &mut Ctx<'_>, k: &'static Keyword, node: NodeRef<'_>) {
    let args = node.args();
    let (check, problems) = match k.name {
        "virtual_server" => (
            &invalid_virtual_server::CHECK,
            invalid_virtual_server::problems(args, super::structure::words_span(node.words())),
        ),
        "smtp_server" => (&invalid_smtp_server::CHECK, invalid_smtp_server::problems(args)),
        "status_code" => (&invalid_status_code::CHECK, invalid_status_code::problems(args)),
        _ => return,
    };
    push(ctx, check, problems);
}

/// Files problems as diagnostics; invalid ones under `invalid`.
fn push(ctx: &mut Ctx<'_>, invalid: &'static Check, problems: Vec<Problem>) {
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

fn problems_of<T>(r: values::ParseResult<T>) -> Vec<Problem> {
    match r {
        Ok(p) => p.problems,
        Err(e) => e,
    }
}
