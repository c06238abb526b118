//! KA0412 track-weight-ignored: a weighted tracker that keepalived strips of its weight or
//! drops, because its instance is in a sync group or owns the addresses (priority 255), or
//! because a sync group's trackers would change an address owner's priority.

use super::{Group, Tracker};
use crate::checks::vrrp::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::resolve::track::{in_group, in_instance, instance_override, Adjusted, Kind};
use crate::schema::{self, Body, NameKind, ValueKind};
use vigil_grammar::{NodeRef, Severity, Span, WordRef};

pub static CHECK: Check = Check {
    code: "KA0412",
    name: "track-weight-ignored",
    severity: Severity::Error,
    finds: "A tracker with a non-zero weight (written on the line or inherited from the vrrp_script, track_file or bfd_instance) in a vrrp_instance that is in a sync group (without sync_group_tracking_weight) or has priority 255, or in a sync group with a member of priority 255.",
    why: "Members of a sync group must keep equal priorities and an address owner's priority never changes, so keepalived sets such weights to 0 or drops the tracker, with a configuration error (`keepalived -t` fails). The failover you designed with weights does not happen: the tracker either does nothing or puts the instance, and its whole group, in FAULT.",
    example: "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\nvrrp_instance VI_1 {\n    track_interface {\n        eth1 weight -20\n    }\n}",
    fix: "Use weight 0 (FAULT on failure) inside sync groups and for address owners; put shared trackers on the sync group, add sync_group_tracking_weight if every member tracks alike, or give the owner a priority below 255.",
};

/// One tracker line with the weight keepalived would give it.
struct Line<'t> {
    kind: Kind,
    name: WordRef<'t>,
    weight: i64,
    at: Span,
}

fn kind_of(refkind: Option<NameKind>) -> Kind {
    match refkind {
        None => Kind::Interface,
        Some(NameKind::VrrpScript) => Kind::Script,
        Some(NameKind::TrackFile) => Kind::File,
        Some(NameKind::TrackProcess) => Kind::Process,
        Some(_) => Kind::Bfd,
    }
}

/// The weighted tracker lines of the blocks `lines`, looked up in `table`.
fn weighted<'t>(
    lines: impl Iterator<Item = NodeRef<'t>>,
    table: &'static [schema::Keyword],
    trackers: &[Tracker<'t>],
    own_iface: Option<&str>,
) -> Vec<Line<'t>> {
    let mut out: Vec<Line<'t>> = Vec::new();
    for n in lines {
        let Some(Body::Values(kind)) = n.keyword().and_then(|k| schema::find(table, k)).map(|k| k.body) else {
            continue;
        };
        let refkind = match kind {
            ValueKind::TrackInterface => None,
            ValueKind::TrackRef(k) => Some(k),
            _ => continue,
        };
        let mut seen: Vec<&str> = Vec::new();
        for l in n
            .block()
            .into_iter()
            .flat_map(|b| b.nodes())
            .filter(|l| l.block().is_none())
        {
            let words = l.words();
            let Some(name) = words.first() else {
                continue;
            };
            if seen.contains(&name.text()) || (refkind.is_none() && Some(name.text()) == own_iface) {
                continue;
            }
            seen.push(name.text());
            let (weight, at) = if words.get(1).is_some_and(|w| w.text() == "weight") {
                let Some(w) = words.get(2) else {
                    continue;
                };
                match w.text().parse::<i64>() {
                    Ok(v) if v.abs() <= 254 => (v, w.span()),
                    _ => continue,
                }
            } else {
                let inherited = match refkind {
                    None => Some(0),
                    Some(k) => trackers
                        .iter()
                        .find(|t| t.kind == k && t.name.text() == name.text() && t.node.id() < l.id())
                        .and_then(|t| t.weight),
                };
                match inherited {
                    Some(v) => (v, name.span()),
                    None => continue,
                }
            };
            if weight != 0 {
                out.push(Line {
                    kind: kind_of(refkind),
                    name,
                    weight,
                    at,
                });
            }
        }
    }
    out
}

fn table(kw: &str) -> Option<&'static [schema::Keyword]> {
    match schema::find(schema::ROOT, kw)?.body {
        Body::Keywords(t) => Some(t),
        _ => None,
    }
}

/// The word that makes an instance the address owner.
fn owner_word<'t>(inst: &Instance<'t>) -> Option<WordRef<'t>> {
    inst.arg("priority").or_else(|| inst.arg("state"))
}

pub fn check(insts: &[Instance<'_>], groups: &[Group<'_>], trackers: &[Tracker<'_>], out: &mut Vec<Diagnostic>) {
    let (Some(itable), Some(gtable)) = (table("vrrp_instance"), table("vrrp_sync_group")) else {
        return;
    };
    for inst in insts {
        let member = groups.iter().find_map(|g| {
            g.members
                .iter()
                .find(|m| inst.name.is_some() && m.text() == inst.label())
                .map(|m| (g, *m))
        });
        let owner = inst.priority() == 255;
        let own_iface = inst.arg("interface").map(|w| w.text());
        let why = instance_override(owner, member.is_some_and(|(g, _)| !g.tracking_weight()));
        // What keepalived keeps unchanged (a weighted process, say) is not reported.
        let lines = weighted(inst.own.iter().copied(), itable, trackers, own_iface)
            .into_iter()
            .filter(|l| in_instance(l.kind, l.weight as i32, why) != Adjusted::Weight(l.weight as i32));
        for l in lines {
            let d = match member {
                Some((g, m)) if !g.tracking_weight() => Diagnostic::new(
                    &CHECK,
                    l.at,
                    format!(
                        "weight {} of `{}` is ignored: vrrp_instance `{}` is in sync group `{}`",
                        l.weight,
                        l.name.text(),
                        inst.label(),
                        g.label()
                    ),
                )
                .label(m.span(), format!("member of `{}` here", g.label()))
                .help("keepalived zeroes tracker weights of sync-group members, so a failure puts the whole group in FAULT; track it on the sync group, or add sync_group_tracking_weight if every member tracks alike"),
                _ if owner => {
                    let mut d = Diagnostic::new(
                        &CHECK,
                        l.at,
                        format!(
                            "weight {} of `{}` is ignored: vrrp_instance `{}` has priority 255",
                            l.weight,
                            l.name.text(),
                            inst.label()
                        ),
                    )
                    .help("an address owner's priority never changes, so keepalived zeroes or drops weighted trackers; use weight 0 (FAULT on failure) or a priority below 255");
                    if let Some(w) = owner_word(inst) {
                        d = d.label(w.span(), "address owner (priority 255) because of this");
                    }
                    d
                }
                _ => continue,
            };
            out.push(d);
        }
    }
    for g in groups {
        let Some((inst, m)) = g.members.iter().find_map(|m| {
            insts
                .iter()
                .find(|i| i.name.is_some() && i.label() == m.text() && i.priority() == 255)
                .map(|i| (i, *m))
        }) else {
            continue;
        };
        let lines = g.node.block().into_iter().flat_map(|b| b.nodes());
        for l in weighted(lines, gtable, trackers, None)
            .into_iter()
            .filter(|l| in_group(l.weight as i32, true) != l.weight as i32)
        {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    l.at,
                    format!(
                        "weight {} of `{}` is ignored: sync group `{}` has a member with priority 255",
                        l.weight,
                        l.name.text(),
                        g.label()
                    ),
                )
                .label(m.span(), format!("`{}` is an address owner", inst.label()))
                .help("an address owner's priority never changes, so keepalived zeroes the weights of the group's trackers; use weight 0, or give every member a priority below 255"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{group, inst, lint};

    fn ignored(text: &str) -> Vec<String> {
        lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0412")
            .map(|d| d.message)
            .collect()
    }

    const TRACK: &str = "    track_interface {\n        eth1 weight 10\n        eth2\n        eth0 weight 5\n    }\n";

    #[test]
    fn weights_in_sync_group_members() {
        let text = group("G", "VI_1 VI_2", "") + &inst("VI_1", 1, TRACK) + &inst("VI_2", 2, "");
        let d = ignored(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("sync group `G`"));
        let text = group("G", "VI_1 VI_2", "    sync_group_tracking_weight\n")
            + &inst("VI_1", 1, TRACK)
            + &inst("VI_2", 2, "");
        assert!(ignored(&text).is_empty());
    }

    #[test]
    fn weights_of_an_address_owner() {
        let d = ignored(&inst("VI_1", 1, &format!("    priority 255\n{TRACK}")));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("priority 255"));
        assert!(ignored(&inst("VI_1", 1, &format!("    priority 254\n{TRACK}"))).is_empty());
    }

    #[test]
    fn inherited_weights() {
        let defs = "track_file tf {\n    file /tmp/x\n}\ntrack_file tf0 {\n    file /tmp/x\n    weight 0\n}\n";
        let body = "    priority 255\n    track_file {\n        tf\n        tf0\n    }\n";
        let d = ignored(&(defs.to_string() + &inst("VI_1", 1, body)));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("`tf`"));
    }

    #[test]
    fn group_trackers_with_an_owner_member() {
        let text = group(
            "G",
            "VI_1 VI_2",
            "    track_interface {\n        eth1 weight 10\n    }\n",
        ) + &inst("VI_1", 1, "    state MASTER\n")
            + &inst("VI_2", 2, "");
        let d = ignored(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("member with priority 255"));
    }
}
