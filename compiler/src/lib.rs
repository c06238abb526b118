//! keepalived-check: the library behind the binary. It runs the front end, the structural
//! pass over the keyword table, and the checks; the binary renders the diagnostics.

pub mod checks;
pub mod diagnostic;
pub mod failover;
pub mod ir;
pub mod lower;
pub mod report;
pub mod resolve;
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
    let kw = checks::Resolved::new(&parsed);
    diags.extend(run_modules(&parsed, &kw, opts));
    if opts.host_checks {
        checks::host::run(&parsed, &checks::host::RealHost, &mut diags);
    }
    suppress::apply(&parsed, &mut diags);
    diags.sort_by_key(|d| (d.span.file, d.span.start, d.severity, d.check.code));
    Checked { parsed, diags }
}

/// Below this many statements the check modules run one after the other on this thread.
const PARALLEL_MIN_NODES: usize = 20_000;

/// The parts the top level is cut into for the structural pass and the LVS checks, so that
/// two threads taking tasks in turn end at about the same time.
const PARTS: usize = 4;

type Task<'a> = Box<dyn Fn(&mut Vec<Diagnostic>) + Sync + 'a>;

/// Runs the check modules (they only read the parse) as tasks that two threads take in turn,
/// the biggest first. The findings come out in task order, the order of running the modules
/// one after the other, whichever thread ran what.
fn run_modules(parsed: &Parsed, kw: &checks::Resolved, opts: &CheckOptions) -> Vec<Diagnostic> {
    let top: Vec<vigil_grammar::NodeRef<'_>> = parsed.tree.nodes().collect();
    // Cut where the statements (at any depth) reach each quarter of the tree.
    let n = parsed.tree.len().max(1);
    let mut cuts = vec![0];
    for (i, s) in top.iter().enumerate() {
        if (s.id() as usize) * PARTS >= n * cuts.len() && cuts.len() < PARTS && i > *cuts.last().unwrap_or(&0) {
            cuts.push(i);
        }
    }
    cuts.push(top.len());
    let parts: Vec<&[vigil_grammar::NodeRef<'_>]> = cuts.windows(2).map(|w| &top[w[0]..w[1]]).collect();
    let groups = checks::lvs::groups(parsed);
    let target = opts.target;
    let ctx = |out: &mut Vec<Diagnostic>, f: &dyn Fn(&mut checks::structure::Ctx<'_>)| {
        f(&mut checks::structure::Ctx {
            parsed,
            kw,
            target,
            out,
        })
    };
    let mut tasks: Vec<Task<'_>> = Vec::new();
    // (task, weight): the bigger tasks are taken first.
    let mut weights = Vec::new();
    for part in &parts {
        weights.push((tasks.len(), 3));
        tasks.push(Box::new(move |out| {
            ctx(out, &|c| checks::structure::run_part(c, part.iter().copied()))
        }));
    }
    weights.push((tasks.len(), 0));
    tasks.push(Box::new(move |out| ctx(out, &checks::structure::run_top_level_once)));
    weights.push((tasks.len(), 2));
    tasks.push(Box::new(|out| checks::names::run(parsed, kw, out)));
    weights.push((tasks.len(), 2));
    tasks.push(Box::new(|out| checks::vrrp::run(parsed, kw, out)));
    weights.push((tasks.len(), 0));
    tasks.push(Box::new(|out| checks::global::run(parsed, kw, out)));
    weights.push((tasks.len(), 0));
    tasks.push(Box::new(|out| checks::lvs::run_groups(parsed, out)));
    for part in &parts {
        let groups = &groups;
        weights.push((tasks.len(), 4));
        tasks.push(Box::new(move |out| {
            checks::lvs::run_virtual_servers(part.iter().copied(), groups, kw, out)
        }));
    }
    weights.push((tasks.len(), 0));
    tasks.push(Box::new(|out| checks::lvs::run_bfd(parsed, out)));
    weights.push((tasks.len(), 2));
    tasks.push(Box::new(|out| checks::sync::run(parsed, kw, out)));
    // Stable: equal weights keep the task order.
    weights.sort_by_key(|&(_, w)| std::cmp::Reverse(w));
    let order: Vec<usize> = weights.into_iter().map(|(t, _)| t).collect();
    let results: Vec<std::sync::OnceLock<Vec<Diagnostic>>> = tasks.iter().map(|_| std::sync::OnceLock::new()).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        while let Some(&t) = order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            let mut out = Vec::new();
            tasks[t](&mut out);
            let _ = results[t].set(out);
        }
    };
    if parsed.tree.len() < PARALLEL_MIN_NODES {
        work();
    } else {
        std::thread::scope(|scope| {
            let other = scope.spawn(work);
            work();
            // A panic in a check is a bug; re-raise it on this thread as it would have been.
            if let Err(panic) = other.join() {
                std::panic::resume_unwind(panic);
            }
        });
    }
    results
        .into_iter()
        .flat_map(|r| r.into_inner().unwrap_or_default())
        .collect()
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
    lower::lower_owned(&checked.parsed, ir, source)
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
    /// The failover analysis (`--failover`), when asked for.
    pub failover: Option<failover::Report>,
}

/// Checks each node (a name for messages and its parse) on its own, then compares them as
/// the nodes of one cluster (`checks::cluster`).
pub fn check_cluster(nodes: Vec<(String, Parsed)>, opts: &CheckOptions) -> ClusterChecked {
    check_cluster_with(nodes, opts, false)
}

/// [`check_cluster`], and with `failover` the failover analysis too: each node compiled to
/// its plan and the plans run together in the VRRP core's simulator (`failover`), its
/// findings (KA0711-KA0715) among the diagnostics.
pub fn check_cluster_with(nodes: Vec<(String, Parsed)>, opts: &CheckOptions, failover: bool) -> ClusterChecked {
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
    let report = failover.then(|| {
        let plans: Vec<vigil_plan::Plan> = parsed
            .iter()
            .map(|(name, p)| {
                let source = vigil_plan::Source {
                    file: name.clone(),
                    config_id: None,
                };
                lower::lower_owned(p, ir::build(p), source)
            })
            .collect();
        failover::analyse(&views, &plans, &mut found)
    });
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
        failover: report,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A config of more than `PARALLEL_MIN_NODES` statements with findings of every module.
    fn big_config_with_mistakes() -> String {
        let mut t = String::from(
            "instance a\ninstance b\nglobal_defs {\n    router_id x\n    vrrp_version 7\n}\nglobal_defs {\n    nftables\n    nftables\n}\n",
        );
        t.push_str("vrrp_script chk {\n    script \"check.sh\"\n}\nvrrp_sync_group G {\n    group {\n        VI_0\n        NOPE\n    }\n}\n");
        for i in 0..400 {
            t.push_str(&format!(
                "vrrp_instance VI_{i} {{\n    state MASTER\n    interface eth0\n    virtual_router_id {}\n    priority {}\n    advert_int 1.5\n    bogus_keyword 1\n    track_script {{\n        chk\n        missing_{i}\n    }}\n    virtual_ipaddress {{\n        10.{}.{}.1/24\n        2001:db8::{i:x}\n    }}\n}}\n",
                i % 300 + 1,
                if i % 7 == 0 { 300 } else { 100 },
                i / 250,
                i % 250
            ));
        }
        for i in 0..1500 {
            t.push_str(&format!(
                "virtual_server 192.168.{}.{} 80 {{\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n    quorum 50\n    real_server 10.1.{}.{} 8080 {{\n        weight 1\n        HTTP_GET {{\n            url {{\n                path /a\n                path /b\n            }}\n        }}\n    }}\n    real_server 10.1.{}.{} 8080 {{\n        weight 1\n        TCP_CHECK {{\n            connect_timeout 0x\n        }}\n        MISC_CHECK {{\n            misc_path /bin/true\n        }}\n    }}\n}}\n",
                i / 250,
                i % 250,
                i / 250,
                i % 250,
                i / 250,
                i % 250
            ));
        }
        t
    }

    /// The modules as tasks on two threads find the same as one after the other, in the same
    /// order.
    #[test]
    fn tasks_on_two_threads_match_one_after_the_other() {
        let parsed = vigil_grammar::parse_text("/t/keepalived.conf", &big_config_with_mistakes());
        assert!(parsed.tree.len() >= PARALLEL_MIN_NODES, "{}", parsed.tree.len());
        let kw = checks::Resolved::new(&parsed);
        let opts = CheckOptions::default();
        let tasks = run_modules(&parsed, &kw, &opts);
        let mut one = Vec::new();
        checks::structure::run(&mut checks::structure::Ctx {
            parsed: &parsed,
            kw: &kw,
            target: None,
            out: &mut one,
        });
        checks::names::run(&parsed, &kw, &mut one);
        checks::vrrp::run(&parsed, &kw, &mut one);
        checks::global::run(&parsed, &kw, &mut one);
        checks::lvs::run(&parsed, &kw, &mut one);
        checks::sync::run(&parsed, &kw, &mut one);
        let codes: std::collections::BTreeSet<&str> = one.iter().map(|d| d.code()).collect();
        assert!(codes.len() >= 12, "{codes:?}");
        assert!(one.len() > 5_000, "{}", one.len());
        assert_eq!(tasks.len(), one.len());
        assert!(tasks == one, "the findings differ or come in another order");
    }
}
