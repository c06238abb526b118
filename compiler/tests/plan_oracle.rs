//! The plan's resolved values against keepalived's own view of the same configuration.
//!
//! keepalived 2.2.7 prints the configuration it has loaded, after all its defaults and
//! load-time adjustments, when started with `-d` (`--dump-conf`): the VRRP process its
//! instances, sync groups and scripts, the checker process its virtual servers, real servers
//! and checkers. This test starts keepalived (`-n -l -D -d`, VRRP only with `-P`, checkers
//! only with `-C`, so the two dumps do not interleave) inside a network namespace of its own
//! that holds every interface the configurations name, waits for the dump, kills it, and
//! compares the dump with the plan `keepalived-check compile` makes of the same file:
//!
//! - each vrrp_instance: VRID, version, priority, initial state, advert interval, preempt,
//!   preempt delay, accept, authentication, sync group, unicast peers (with TTL limits),
//!   virtual and excluded addresses, tracked interfaces, scripts and files with their weights,
//!   garp timing and down_timer_adverts;
//! - each tracked vrrp_script: interval, timeout, weight, rise, fall; each sync group's members;
//! - each virtual_server: scheduler, forwarding method, protocol, persistence, one-packet
//!   scheduling, quorum, hysteresis, delay_loop, sorry server; each real server: port, weight,
//!   forwarding; each checker: type, where it connects, connect_timeout, retry,
//!   delay_before_retry and delay_loop.
//!
//! The inputs are the Debian samples, the shared corpus, the shipped examples and the focused
//! configurations of `tests/data/plan-oracle/` (one per group of load-time adjustments) that
//! compile without errors. The kernel may have no IPVS: the checker process is then given a small
//! `LD_PRELOAD` shim (`plan_oracle/ipvs_shim.c`, built with `cc`) that answers IPVS socket
//! options, so it gets as far as its dump. Without `cc` the virtual servers are not compared.
//!
//! Prints `plan oracle: N configurations, F fields compared, M mismatches` and fails on any
//! mismatch; the full list goes to `target/plan-oracle-report.txt`. Needs root and the
//! keepalived package; otherwise it prints `SKIP: ...` and passes.

#[path = "plan_oracle/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "differential/keepalived.rs"]
mod keepalived;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use vigil_plan as p;

fn inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let list = |dir: &Path, keep: &dyn Fn(&str) -> bool| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(keep))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    out.extend(list(Path::new(SAMPLES_DIR), &|n| {
        n.starts_with("keepalived.conf.") && !n.ends_with(".sh") && !n.ends_with(".gz")
    }));
    out.extend(list(&root().join("../../shared/corpus"), &|n| n.ends_with(".conf")));
    out.extend(list(&root().join("../examples"), &|n| n.ends_with(".conf")));
    let focused = list(&root().join("tests/data/plan-oracle"), &|n| n.ends_with(".conf"));
    assert!(
        focused.len() >= 5,
        "tests/data/plan-oracle holds {} files",
        focused.len()
    );
    out.extend(focused);
    out
}

struct Run {
    name: String,
    plan: p::Plan,
    vrrp: Option<Dump>,
    check: Option<Dump>,
}

#[test]
fn plan_values_agree_with_keepalived_dump() {
    if !keepalived::can_run("plan oracle test") {
        return;
    }
    let _dev_null = keepalived::DevNullGuard::new();
    let started = Instant::now();
    let mut runs: Vec<(PathBuf, p::Plan, bool, bool)> = Vec::new();
    let mut ifaces = BTreeSet::new();
    let mut not_clean = Vec::new();
    for path in inputs() {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        let Some(plan) = plan_of(&path) else {
            not_clean.push(path);
            continue;
        };
        keepalived::interface_names(&text, &mut ifaces);
        let vrrp = !plan.vrrp_instances.is_empty() || text.contains("vrrp_instance");
        let check = !plan.virtual_servers.is_empty() || text.contains("virtual_server");
        runs.push((path, plan, vrrp, check));
    }
    // Every focused configuration must compile.
    let focused: Vec<&PathBuf> = not_clean
        .iter()
        .filter(|p| p.starts_with(root().join("tests/data/plan-oracle")))
        .collect();
    assert!(focused.is_empty(), "focused configurations with errors: {focused:?}");

    // The interfaces the configurations name, and eth0 for the ones that name none.
    ifaces.insert("eth0".to_string());
    // A namespace for each worker, reset after each run (a killed keepalived leaves its VMACs).
    let nss: Vec<keepalived::Netns> = (0..THREADS)
        .map(|w| {
            let mut ns = keepalived::Netns::numbered(Some(w)).expect("cannot create a network namespace");
            ns.add_interfaces(&ifaces);
            ns
        })
        .collect();
    keepalived::remove_stale_work_dirs(WORK_PREFIX);
    let work = tempfile::Builder::new()
        .prefix(&format!("{WORK_PREFIX}{}-", std::process::id()))
        .tempdir()
        .expect("temporary directory");
    let shim = build_shim(work.path());
    if let Err(e) = &shim {
        let _ = writeln!(
            std::io::stderr(),
            "SKIP (virtual servers only): cannot build the IPVS shim: {e}"
        );
    }
    let shim_path = shim.as_ref().ok().map(PathBuf::as_path);

    // Jobs: (run index, mode).
    let jobs: Vec<(usize, Mode)> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, (_, _, v, c))| {
            let mut j = Vec::new();
            if *v {
                j.push((i, Mode::Vrrp));
            }
            if *c && shim_path.is_some() {
                j.push((i, Mode::Check));
            }
            j
        })
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<(usize, Mode), Dump>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for ns in &nss {
            let (next, results, jobs, runs, work) = (&next, &results, &jobs, &runs, &work);
            s.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(i, mode)) = jobs.get(k) else { break };
                let tag = format!("{k}");
                let out = dump(&ns.name, &runs[i].0, work.path(), &tag, mode, shim_path);
                ns.reset();
                results.lock().unwrap().insert((i, mode), out);
            });
        }
    });
    drop(nss);
    let mut results = results.into_inner().unwrap();
    let mut runs: Vec<Run> = runs
        .into_iter()
        .enumerate()
        .map(|(i, (path, plan, _, _))| Run {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            plan,
            vrrp: results.remove(&(i, Mode::Vrrp)),
            check: results.remove(&(i, Mode::Check)),
        })
        .collect();

    let mut t = Tally::default();
    let mut host_dependent = 0;
    for r in &mut runs {
        host_dependent += host_view(&mut r.plan);
    }
    for r in &runs {
        let get = |x: &Option<Dump>, t: &mut Tally, what: &str| -> Option<Vec<String>> {
            match x {
                Some(Ok(lines)) => Some(lines.clone()),
                Some(Err(e)) => {
                    t.fail(&r.name, format!("{what} dump: {e}"));
                    None
                }
                None => None,
            }
        };
        let vrrp = get(&r.vrrp, &mut t, "VRRP");
        let check = get(&r.check, &mut t, "checker");
        compare(&mut t, &r.name, &r.plan, vrrp.as_deref(), check.as_deref());
    }

    let mut report = String::new();
    writeln!(
        report,
        "plan oracle: {} configurations ({} instances, {} virtual servers), {} fields compared, {} mismatches, {:.1}s",
        runs.len(),
        runs.iter().map(|r| r.plan.vrrp_instances.len()).sum::<usize>(),
        runs.iter().map(|r| r.plan.virtual_servers.len()).sum::<usize>(),
        t.fields,
        t.mismatches.len(),
        started.elapsed().as_secs_f64()
    )
    .unwrap();
    writeln!(report, "fields compared, by name:").unwrap();
    for (f, n) in &t.by_field {
        writeln!(report, "  {f:<28} {n}").unwrap();
    }
    writeln!(report, "not compared (errors in keepalived-check): {}", not_clean.len()).unwrap();
    writeln!(
        report,
        "not compared (vrrp_scripts and MISC_CHECKs whose program this host lacks): {host_dependent}"
    )
    .unwrap();
    writeln!(report, "mismatches:").unwrap();
    for m in &t.mismatches {
        writeln!(report, "  {m}").unwrap();
    }
    let path = target_dir().join("plan-oracle-report.txt");
    let _ = std::fs::write(&path, &report);
    println!("{report}");
    assert!(
        t.mismatches.is_empty(),
        "{} mismatches between plans and keepalived's dump (report: {})",
        t.mismatches.len(),
        path.display()
    );
}
