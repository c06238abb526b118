//! Names: what the configuration defines (`vrrp_script chk`, `vrrp_instance VI_1`, ...) and
//! what refers to it (`track_script { chk }`, sync-group members, `virtual_server group G`).
//! The keyword table says which argument defines or refers to what; this module only
//! collects, and its checks compare.

pub mod duplicate_name;
pub mod undefined_reference;

use crate::checks::Resolved;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body, Keyword, NameKind, Ty, ValueKind};
use vigil_grammar::{Children, NodeRef, Parsed, Span};

pub static ALL: &[&crate::checks::Check] = &[&undefined_reference::CHECK, &duplicate_name::CHECK];

/// A definition or a reference, with the document position (node index) it stands at.
#[derive(Clone, Debug)]
pub struct Name {
    pub kind: NameKind,
    pub name: String,
    pub span: Span,
    pub at: u32,
    /// keepalived resolves this reference when it reads it, so the definition must come
    /// first (`track_script`); otherwise it resolves after the whole file is read.
    pub ordered: bool,
}

#[derive(Default, Debug)]
pub struct Names {
    pub defs: Vec<Name>,
    pub refs: Vec<Name>,
}

/// Calls `f` for every node with its keyword in the block's table, descending into blocks of
/// keywords.
pub fn visit<'t>(
    kw: &Resolved,
    nodes: Children<'t>,
    table: &'static [Keyword],
    depth: usize,
    f: &mut dyn FnMut(NodeRef<'t>, &'static Keyword),
) {
    visit_where(kw, nodes, table, depth, &|_| true, f);
}

/// [`visit`], descending only into blocks whose table `descend` accepts.
pub fn visit_where<'t>(
    kw: &Resolved,
    nodes: Children<'t>,
    table: &'static [Keyword],
    depth: usize,
    descend: &dyn Fn(&'static [Keyword]) -> bool,
    f: &mut dyn FnMut(NodeRef<'t>, &'static Keyword),
) {
    if depth > 64 {
        return;
    }
    for node in nodes {
        let Some(k) = kw.get(node, table) else {
            continue;
        };
        f(node, k);
        if let (Body::Keywords(sub), Some(b)) = (k.body, node.block()) {
            if descend(sub) {
                visit_where(kw, b.nodes(), sub, depth + 1, descend, f);
            }
        }
    }
}

/// Whether a keyword defines or refers to a name (see [`collect`]).
fn names_something(k: &Keyword) -> bool {
    k.args.iter().any(|t| matches!(t, Ty::Defines(_) | Ty::Ref(_)))
        || matches!(k.body, Body::Values(ValueKind::TrackRef(_) | ValueKind::Names(_)))
        || k.name == "virtual_server"
}

pub fn collect(parsed: &Parsed, kw: &Resolved) -> Names {
    let mut names = Names::default();
    let add = |list: &mut Vec<Name>, kind, w: vigil_grammar::WordRef<'_>, at: u32, ordered| {
        list.push(Name {
            kind,
            name: w.text().to_string(),
            span: w.span(),
            at,
            ordered,
        });
    };
    static WITH_NAMES: std::sync::OnceLock<schema::Tables> = std::sync::OnceLock::new();
    let with_names = WITH_NAMES.get_or_init(|| schema::tables_with(names_something));
    let descend = |t: &'static [Keyword]| with_names.contains(t);
    visit_where(kw, parsed.tree.nodes(), schema::ROOT, 0, &descend, &mut |node, k| {
        let args = node.args();
        for (i, ty) in k.args.iter().enumerate() {
            match (ty, args.get(i)) {
                (Ty::Defines(kind), Some(w)) => add(&mut names.defs, *kind, w, node.id(), false),
                (Ty::Ref(kind), Some(w)) => add(&mut names.refs, *kind, w, node.id(), true),
                _ => {}
            }
        }
        if k.name == "virtual_server" && args.first().is_some_and(|w| w.text() == "group") {
            if let Some(w) = args.get(1) {
                add(&mut names.refs, NameKind::VirtualServerGroup, w, node.id(), false);
            }
        }
        if let (Body::Values(kind), Some(b)) = (k.body, node.block()) {
            for line in b.nodes().filter(|l| l.block().is_none()) {
                match kind {
                    ValueKind::TrackRef(kind) => {
                        if let Some(w) = line.words().first() {
                            add(&mut names.refs, kind, w, line.id(), true);
                        }
                    }
                    ValueKind::Names(kind) => {
                        for w in line.words().iter() {
                            add(&mut names.refs, kind, w, line.id(), false);
                        }
                    }
                    _ => {}
                }
            }
        }
    });
    names
}

/// What a name kind is called in messages.
pub fn kind_name(kind: NameKind) -> &'static str {
    match kind {
        NameKind::VrrpInstance => "vrrp_instance",
        NameKind::VrrpScript => "vrrp_script",
        NameKind::TrackFile => "track_file",
        NameKind::TrackProcess => "vrrp_track_process",
        NameKind::BfdInstance => "bfd_instance",
        NameKind::TrackGroup => "track_group",
        NameKind::SyncGroup => "vrrp_sync_group",
        NameKind::VirtualServerGroup => "virtual_server_group",
    }
}

/// Runs the name checks.
pub fn run(parsed: &Parsed, kw: &Resolved, out: &mut Vec<Diagnostic>) {
    let names = collect(parsed, kw);
    duplicate_name::check(&names, out);
    undefined_reference::check(&names, out);
}

#[cfg(test)]
pub(crate) fn lint(text: &str) -> Vec<Diagnostic> {
    crate::checks::lint_with(text, run)
}
