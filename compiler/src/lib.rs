//! keepalived-check: the library behind the binary. It runs the front end, the structural
//! pass over the keyword table, and the checks; the binary renders the diagnostics.

pub mod checks;
pub mod diagnostic;
pub mod ir;
pub mod lower;
pub mod report;
pub mod schema;
mod suppress;
pub mod values;

pub use diagnostic::Diagnostic;
use std::path::Path;
use vigil_grammar::{FileId, FileSystem, Options, Parsed, Severity, SourceMap, Span};

/// What a check run needs to know beyond the files.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub preprocess: Options,
    /// `--target-version`: warn about keywords newer than this keepalived.
    pub target: Option<schema::Version>,
    /// `--host-checks`: also check the config against this machine (interfaces, addresses,
    /// scripts, users). Off by default: results then never depend on the host.
    pub host_checks: bool,
}

/// The outcome of checking one top-level file.
pub struct Checked {
    pub parsed: Parsed,
    pub diags: Vec<Diagnostic>,
}

/// Checks an already parsed configuration.
pub fn check_parsed(mut parsed: Parsed, opts: &CheckOptions) -> Checked {
    let mut diags: Vec<Diagnostic> = parsed.diags.iter().map(Diagnostic::from_frontend).collect();
    parsed.diags.clear();
    // The check modules only read the parse: they run on two threads of about equal work on
    // big configs, and their findings are sorted below.
    let kw = &checks::Resolved::new(&parsed);
    let other = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let mut out = Vec::new();
            checks::lvs::run(&parsed, kw, &mut out);
            checks::sync::run(&parsed, kw, &mut out);
            out
        });
        let mut ctx = checks::structure::Ctx {
            parsed: &parsed,
            kw,
            target: opts.target,
            out: &mut diags,
        };
        checks::structure::run(&mut ctx);
        checks::names::run(&parsed, kw, &mut diags);
        checks::vrrp::run(&parsed, kw, &mut diags);
        checks::global::run(&parsed, kw, &mut diags);
        other.join()
    });
    match other {
        Ok(found) => diags.extend(found),
        // A panic in a check is a bug; re-raise it on this thread as it would have been.
        Err(panic) => std::panic::resume_unwind(panic),
    }
    if opts.host_checks {
        checks::host::run(&parsed, &checks::host::RealHost, &mut diags);
    }
    suppress::apply(&parsed, &mut diags);
    diags.sort_by_key(|d| (d.span.file, d.span.start, d.severity, d.check.code));
    Checked { parsed, diags }
}

/// Checks one file. `Err` only when the file itself cannot be read.
pub fn check_path(path: &Path, opts: &CheckOptions, fs: &dyn FileSystem) -> std::io::Result<Checked> {
    let parsed = vigil_grammar::parse_path(path, &opts.preprocess, fs)?;
    Ok(check_parsed(parsed, opts))
}

/// The plan of a checked configuration. Call it only when `checked` has no errors: a plan
/// from a configuration with errors would not be what keepalived runs.
pub fn compile(checked: &Checked, source: vigil_plan::Source) -> vigil_plan::Plan {
    let ir = ir::build(&checked.parsed);
    lower::lower(&checked.parsed, &ir, source)
}

/// The outcome of checking the nodes of one cluster together.
pub struct ClusterChecked {
    /// Every node's files, laid end to end: node `i`'s file `f` is `bases[i] + f`.
    pub sources: SourceMap,
    pub bases: Vec<u32>,
    /// Each node's own diagnostics and the cluster checks', all with spans in `sources`,
    /// duplicates (the same finding in a file two nodes share) reported once.
    pub diags: Vec<Diagnostic>,
    /// Each node's parse, in the order given.
    pub nodes: Vec<(String, Parsed)>,
}

/// Checks each node (a name for messages and its parse) on its own, then compares them as
/// the nodes of one cluster (`checks::cluster`).
pub fn check_cluster(nodes: Vec<(String, Parsed)>, opts: &CheckOptions) -> ClusterChecked {
    let mut sources = SourceMap::default();
    let mut bases = Vec::new();
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for (name, p) in nodes {
        let checked = check_parsed(p, opts);
        let base = sources.len() as u32;
        for (_, f) in checked.parsed.sources.files() {
            sources.add(f.path.clone(), f.text.clone());
        }
        let shift = |s: Span| Span {
            file: FileId(s.file.0 + base),
            ..s
        };
        diags.extend(checked.diags.into_iter().map(|mut d| {
            d.span = shift(d.span);
            for l in &mut d.labels {
                l.span = shift(l.span);
            }
            d
        }));
        bases.push(base);
        parsed.push((name, checked.parsed));
    }
    let views: Vec<checks::cluster::Node<'_>> = parsed
        .iter()
        .zip(&bases)
        .map(|((name, p), base)| checks::cluster::Node {
            name,
            parsed: p,
            base: *base,
        })
        .collect();
    let mut found = Vec::new();
    checks::cluster::run(&views, &mut found);
    suppress::apply_sources(&sources, &mut found);
    diags.extend(found);
    // A file shared by several nodes (one file, several config ids) gives the same finding once
    // per node: keep the first.
    let key = |d: &Diagnostic| {
        let at = |s: Span| (sources.get(s.file).path.clone(), s.start, s.end);
        (
            at(d.span),
            d.check.code,
            d.message.clone(),
            d.labels
                .iter()
                .map(|l| (at(l.span), l.message.clone()))
                .collect::<Vec<_>>(),
        )
    };
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert(key(d)));
    diags.sort_by_key(|d| (d.span.file, d.span.start, d.severity, d.check.code));
    ClusterChecked {
        sources,
        bases,
        diags,
        nodes: parsed,
    }
}

/// Counts by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn add(&mut self, diags: &[Diagnostic]) {
        for d in diags {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }
}
