//! Sync groups as keepalived resolves them: which instances each group keeps, and the initial
//! state its members start in.

use super::vrrp::{Effective, Instance};
use crate::schema::{self, Body, Keyword};
use vigil_grammar::{NodeRef, Parsed, WordRef};

/// One `vrrp_sync_group` block.
pub struct Group<'t> {
    pub node: NodeRef<'t>,
    pub name: Option<WordRef<'t>>,
    /// The member names as written in `group` blocks, in order.
    pub listed: Vec<WordRef<'t>>,
    /// The members keepalived keeps: defined instances not claimed before (by an earlier
    /// group or earlier in this one).
    pub members: Vec<WordRef<'t>>,
}

impl<'t> Group<'t> {
    pub fn label(&self) -> &'t str {
        self.name.map_or("(unnamed)", |w| w.text())
    }

    /// Lines of keyword `kw` directly in the group.
    pub fn all(&self, kw: &'static str) -> impl Iterator<Item = NodeRef<'t>> + '_ {
        self.node
            .block()
            .into_iter()
            .flat_map(|b| b.nodes())
            .filter(move |n| n.keyword() == Some(kw))
    }

    /// Whether the members keep their own tracker weights (`sync_group_tracking_weight` or its
    /// old spelling, found through the table).
    pub fn tracking_weight(&self) -> bool {
        let Some(b) = self.node.block() else {
            return false;
        };
        b.nodes().any(|n| {
            n.keyword().is_some_and(|k| {
                k == "sync_group_tracking_weight"
                    || group_table()
                        .and_then(|t| schema::find(t, k))
                        .is_some_and(|kw| kw.replaced_by == Some("sync_group_tracking_weight"))
            })
        })
    }
}

fn group_table() -> Option<&'static [Keyword]> {
    match schema::find(schema::ROOT, "vrrp_sync_group")?.body {
        Body::Keywords(t) => Some(t),
        _ => None,
    }
}

/// A member that keepalived refuses because an earlier claim took the instance.
pub struct Refused<'t> {
    pub group: usize,
    pub word: WordRef<'t>,
    pub earlier: WordRef<'t>,
    pub earlier_group: usize,
}

/// Every sync group with its members resolved as keepalived does, and the refused members.
pub fn groups<'t>(parsed: &'t Parsed, insts: &[Instance<'t>]) -> (Vec<Group<'t>>, Vec<Refused<'t>>) {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    let mut claimed: Vec<(WordRef<'t>, usize)> = Vec::new();
    for node in parsed.tree.nodes() {
        if node.keyword() != Some("vrrp_sync_group") {
            continue;
        }
        let gi = out.len();
        let mut g = Group {
            node,
            name: node.args().first(),
            listed: Vec::new(),
            members: Vec::new(),
        };
        let words = node
            .block()
            .into_iter()
            .flat_map(|b| b.nodes())
            .filter(|n| n.keyword() == Some("group"))
            .filter_map(|n| n.block())
            .flat_map(|b| b.nodes())
            .filter(|l| l.block().is_none())
            .flat_map(|l| l.words().iter());
        for w in words {
            g.listed.push(w);
            if !insts.iter().any(|i| i.label() == w.text() && i.name.is_some()) {
                continue;
            }
            match claimed.iter().find(|(c, _)| c.text() == w.text()) {
                Some((earlier, eg)) => refused.push(Refused {
                    group: gi,
                    word: w,
                    earlier: *earlier,
                    earlier_group: *eg,
                }),
                None => {
                    claimed.push((w, gi));
                    g.members.push(w);
                }
            }
        }
        out.push(g);
    }
    (out, refused)
}

/// The initial state of each instance once the sync groups are applied (`true`: MASTER). A
/// group starts as MASTER only when every member is an address owner starting as MASTER;
/// otherwise all its members start as BACKUP.
pub fn initial_masters(insts: &[Instance<'_>], effective: &[Effective<'_>], groups: &[Group<'_>]) -> Vec<bool> {
    let mut out: Vec<bool> = effective.iter().map(|e| e.master.value).collect();
    for g in groups {
        let members: Vec<usize> = g
            .members
            .iter()
            .filter_map(|m| insts.iter().position(|i| i.name.is_some() && i.label() == m.text()))
            .collect();
        let all_owners = members
            .iter()
            .all(|&i| effective[i].priority.value == 255 && effective[i].master.value);
        if !all_owners {
            for &i in &members {
                out[i] = false;
            }
        }
    }
    out
}
