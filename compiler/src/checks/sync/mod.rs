//! Sync groups, trackers and scripts: what keepalived validates across blocks once it has
//! read the whole file (sync-group membership, tracker weights it ignores, who runs the
//! scripts). This module builds the views from the tree and the keyword table; its checks
//! read them.

pub mod duplicate_track_entry;
pub mod instance_in_two_sync_groups;
pub mod invalid_init_file;
pub mod script_path_not_absolute;
pub mod script_runs_as_root;
pub mod script_trailing_backslash;
pub mod script_unterminated_quote;
pub mod script_without_user;
pub mod sync_group_mixes_address_owners;
pub mod sync_group_too_small;
pub mod track_weight_ignored;

use super::vrrp::instances;
use crate::checks::Resolved;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body, Keyword, NameKind, Ty};
use vigil_grammar::{Children, NodeRef, Parsed, WordRef};

pub static ALL: &[&crate::checks::Check] = &[
    &instance_in_two_sync_groups::CHECK,
    &sync_group_too_small::CHECK,
    &track_weight_ignored::CHECK,
    &script_runs_as_root::CHECK,
    &script_without_user::CHECK,
    &script_path_not_absolute::CHECK,
    &script_unterminated_quote::CHECK,
    &script_trailing_backslash::CHECK,
    &invalid_init_file::CHECK,
    &duplicate_track_entry::CHECK,
    &sync_group_mixes_address_owners::CHECK,
];

pub use crate::resolve::sync::{groups, Group, Refused};

/// A command keepalived runs, the word holding it and who it runs as.
pub struct Script<'t> {
    pub node: NodeRef<'t>,
    pub command: WordRef<'t>,
    /// The user given for this script: after the command, or a `user` line of its block.
    pub user: Option<WordRef<'t>>,
}

impl Script<'_> {
    /// The program: the first word of the command line.
    pub fn program(&self) -> &str {
        self.command
            .text()
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['"', '\''])
    }
}

/// The tables with a script keyword in them or below them.
fn with_scripts() -> &'static schema::Tables {
    static T: std::sync::OnceLock<schema::Tables> = std::sync::OnceLock::new();
    T.get_or_init(|| schema::tables_with(|k| k.args.contains(&Ty::Script)))
}

/// Every argument the table types `Ty::Script`, with its user.
pub fn scripts<'t>(parsed: &'t Parsed, kw: &Resolved) -> Vec<Script<'t>> {
    fn walk<'t>(
        kw: &Resolved,
        nodes: Children<'t>,
        table: &'static [Keyword],
        depth: usize,
        out: &mut Vec<Script<'t>>,
    ) {
        if depth > 64 {
            return;
        }
        // A keyword whose only argument is a user names the user of the block's scripts
        // (wherever it stands in the block): one pass, then the block's scripts without a
        // user of their own get it.
        let mut block_user = None;
        let mut without_user = Vec::new();
        for node in nodes {
            let Some(k) = kw.get(node, table) else {
                continue;
            };
            if k.args == [Ty::User] {
                if let Some(u) = node.args().first() {
                    block_user = Some(u);
                }
            }
            if let Some(i) = k.args.iter().position(|t| *t == Ty::Script) {
                if let Some(command) = node.args().get(i) {
                    let own = match k.args.get(i + 1) {
                        Some(Ty::User) => node.args().get(i + 1),
                        _ => None,
                    };
                    if own.is_none() {
                        without_user.push(out.len());
                    }
                    out.push(Script {
                        node,
                        command,
                        user: own,
                    });
                }
            }
            if let (Body::Keywords(sub), Some(b)) = (k.body, node.block()) {
                if with_scripts().contains(sub) {
                    walk(kw, b.nodes(), sub, depth + 1, out);
                }
            }
        }
        if block_user.is_some() {
            for i in without_user {
                out[i].user = block_user;
            }
        }
    }
    let mut out = Vec::new();
    walk(kw, parsed.tree.nodes(), schema::ROOT, 0, &mut out);
    out
}

/// The script settings of `global_defs`.
pub struct Security<'t> {
    pub enabled: Option<NodeRef<'t>>,
    pub script_user: Option<WordRef<'t>>,
}

pub fn security(parsed: &Parsed) -> Security<'_> {
    let lines: Vec<NodeRef<'_>> = crate::checks::global::block_lines(parsed, "global_defs").collect();
    Security {
        enabled: lines
            .iter()
            .rfind(|n| n.keyword() == Some("enable_script_security"))
            .copied(),
        script_user: lines
            .iter()
            .rfind(|n| n.keyword() == Some("script_user"))
            .and_then(|n| n.args().first()),
    }
}

/// A tracker definition (`vrrp_script`, `track_file`, ...): its node and the weight trackers
/// get when their line gives none (`None` when keepalived would not keep the value written).
pub struct Tracker<'t> {
    pub kind: NameKind,
    pub node: NodeRef<'t>,
    pub name: WordRef<'t>,
    pub weight: Option<i64>,
}

/// Every top-level definition of a tracker kind, with its default weight from its block or
/// the table.
pub fn trackers(parsed: &Parsed) -> Vec<Tracker<'_>> {
    let mut out = Vec::new();
    for node in parsed.tree.nodes() {
        let Some(k) = node.keyword().and_then(|w| schema::find(schema::ROOT, w)) else {
            continue;
        };
        let (Some(Ty::Defines(kind)), Some(name), Body::Keywords(table)) =
            (k.args.first(), node.args().first(), k.body)
        else {
            continue;
        };
        let Some(wk) = schema::find(table, "weight") else {
            continue;
        };
        let written = node
            .block()
            .into_iter()
            .flat_map(|b| b.nodes())
            .filter(|n| n.keyword() == Some("weight"))
            .last()
            .map(|n| n.args().first().and_then(|w| w.text().parse::<i64>().ok()));
        let weight = match written {
            Some(Some(w)) if in_range(wk, w) => Some(w),
            Some(_) => None,
            None => Some(wk.default.and_then(|d| d.parse().ok()).unwrap_or(0)),
        };
        out.push(Tracker {
            kind: *kind,
            node,
            name,
            weight,
        });
    }
    out
}

fn in_range(k: &Keyword, w: i64) -> bool {
    match k.args.first() {
        Some(Ty::Int { min, max }) => (*min..=*max).contains(&w),
        _ => true,
    }
}

/// Runs the sync-group, tracker and script checks.
pub fn run(parsed: &Parsed, kw: &Resolved, out: &mut Vec<Diagnostic>) {
    let insts = instances(parsed);
    let (groups, refused) = groups(parsed, &insts);
    instance_in_two_sync_groups::check(&groups, &refused, out);
    sync_group_too_small::check(&groups, out);
    track_weight_ignored::check(&insts, &groups, &trackers(parsed), out);
    duplicate_track_entry::check(&insts, &groups, out);
    sync_group_mixes_address_owners::check(&insts, &groups, out);
    let scripts = scripts(parsed, kw);
    let sec = security(parsed);
    script_runs_as_root::check(&scripts, &sec, out);
    script_without_user::check(&scripts, &sec, out);
    script_path_not_absolute::check(&scripts, &sec, out);
    script_unterminated_quote::check(parsed, &scripts, out);
    script_trailing_backslash::check(parsed, &scripts, out);
    invalid_init_file::check(parsed, out);
}

#[cfg(test)]
pub(crate) fn lint(text: &str) -> Vec<Diagnostic> {
    crate::checks::lint_with(text, run)
}

#[cfg(test)]
pub(crate) fn inst(name: &str, vrid: u32, body: &str) -> String {
    format!("vrrp_instance {name} {{\n    interface eth0\n    virtual_router_id {vrid}\n{body}    virtual_ipaddress {{\n        192.0.2.{vrid}\n    }}\n}}\n")
}

#[cfg(test)]
pub(crate) fn group(name: &str, members: &str, body: &str) -> String {
    format!("vrrp_sync_group {name} {{\n    group {{\n        {members}\n    }}\n{body}}}\n")
}
