//! `keepalived-check --cluster --failover` against reality: the analysis predicts who is
//! master of a three-node cluster normally and after each single failure, then real
//! keepalived 2.2.7 daemons run the same configs in network namespaces, each failure is
//! induced, and the node that really holds the virtual address must be the predicted master.
//!
//! Needs root, `ip` and keepalived; without them it prints SKIP and why. Each scenario gets
//! its own namespaces (a fresh cluster, so every failure starts from the normal state), a
//! few at a time, and sends nothing outside them.

mod topo;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use topo::{sh, sh_out, skip_reason, Topo};
use vigil_compiler::failover::{FailureKind, Scenario};

/// The three nodes: lb1 (150, tracks a script with weight -60 and eth1 with weight -30, does
/// not preempt), lb2 (100), lb3 (50); VRRPv3 at 250 ms on eth0 (at 100 ms, keepalived backups on a loaded two-core CI machine missed adverts and flapped on their own).
fn config(t: &Topo, node: usize, dir: &std::path::Path) -> String {
    let vip = t.vip();
    let prio = [150, 100, 50][node];
    let (script, track) = if node == 0 {
        let flag = dir.join("fail");
        let path = dir.join("chk.sh");
        std::fs::write(&path, format!("#!/bin/sh\ntest ! -e {}\n", flag.display())).expect("script");
        sh(&format!("chmod 755 {}", path.display()));
        (
            format!(
                "vrrp_script chk {{\n  script \"{}\"\n  interval 1\n  weight -60\n  fall 1\n  rise 1\n}}\n",
                path.display()
            ),
            "  nopreempt\n  track_script {\n    chk\n  }\n  track_interface {\n    eth1 weight -30\n  }\n".to_string(),
        )
    } else {
        (String::new(), String::new())
    };
    format!(
        "global_defs {{\n  router_id lb{n}\n}}\n{script}vrrp_instance VI_1 {{\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  version 3\n  advert_int 0.25\n  priority {prio}\n{track}  virtual_ipaddress {{\n    {vip}/24\n  }}\n}}\n",
        n = node + 1
    )
}

/// A fresh cluster: the topology with an `eth1` on each node, and each node's config.
fn cluster() -> (Topo, Vec<String>) {
    let t = Topo::new(3);
    for ns in &t.names {
        sh(&format!(
            "ip -n {ns} link add eth1 type veth peer name eth1p && ip -n {ns} link set eth1p up && ip -n {ns} link set eth1 up"
        ));
    }
    let dir = t.dir.path().to_path_buf();
    let confs = (0..3).map(|i| config(&t, i, &dir)).collect();
    (t, confs)
}

fn node_index(name: &str) -> usize {
    name.trim_start_matches("lb").parse::<usize>().expect("lbN") - 1
}

/// The analysis of the three configs, as `keepalived-check --cluster --failover` makes it.
fn predict(t: &Topo, confs: &[String]) -> (Vec<Scenario>, Vec<(String, Vec<String>)>) {
    let nodes: Vec<(String, vigil_grammar::Parsed)> = confs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let path: PathBuf = t.file(&format!("lb{}.conf", i + 1), c);
            let p = vigil_grammar::parse_path(&path, &vigil_grammar::Options::default(), &vigil_grammar::RealFs)
                .expect("readable");
            (format!("lb{}", i + 1), p)
        })
        .collect();
    let checked = vigil_compiler::check_cluster_with(nodes, &vigil_compiler::CheckOptions::default(), true);
    let report = checked.failover.expect("the analysis ran");
    assert_eq!(report.groups.len(), 1, "one virtual router");
    let codes: Vec<&str> = checked.diags.iter().map(|d| d.code()).collect();
    // eth1's weight -30 leaves lb1 (150 -> 120) above lb2 (100): the analysis says so.
    assert!(codes.contains(&"KA0714"), "{codes:?}");
    // lb1 does not preempt: whoever starts first stays master.
    assert!(codes.contains(&"KA0716"), "{codes:?}");
    (
        report.groups[0].scenarios.clone(),
        report.groups[0].started_first.clone(),
    )
}

/// Starts node `first` alone, then the others once it is master: `want` must be master.
fn run_order(first: usize, want: usize) -> Result<String, String> {
    let (mut t, confs) = cluster();
    let vip = t.vip();
    t.keepalived(first, &confs[first]);
    let settle = |t: &Topo, want: usize| -> Result<(), String> {
        let end = std::time::Instant::now() + Duration::from_secs(10);
        while t.holders(&vip) != [want] {
            if std::time::Instant::now() > end {
                return Err(format!(
                    "lb{} first: held by {:?}, predicted lb{}\n{}",
                    first + 1,
                    t.holders(&vip),
                    want + 1,
                    t.logs()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    };
    settle(&t, first)?;
    for n in (0..3).filter(|&n| n != first) {
        t.keepalived(n, &confs[n]);
    }
    std::thread::sleep(Duration::from_millis(1500));
    settle(&t, want)?;
    Ok(format!("lb{} started first: lb{}", first + 1, want + 1))
}

/// Runs one scenario on a fresh cluster and returns what really happened, or a mismatch.
fn run(s: &Scenario) -> Result<String, String> {
    let (mut t, confs) = cluster();
    let vip = t.vip();
    let want_normal = [0];
    let wait = |t: &Topo, among: &[usize], want: &[usize]| -> Result<(), String> {
        let end = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let h: Vec<usize> = t.holders(&vip).into_iter().filter(|n| among.contains(n)).collect();
            if h == want {
                break;
            }
            if std::time::Instant::now() > end {
                return Err(format!(
                    "{}: held by {h:?}, predicted {want:?}\n{}",
                    s.failure,
                    t.logs()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // And it stays so.
        for _ in 0..30 {
            let h: Vec<usize> = t.holders(&vip).into_iter().filter(|n| among.contains(n)).collect();
            if h != want {
                return Err(format!(
                    "{}: moved to {h:?}, predicted {want:?}\n{}",
                    s.failure,
                    t.logs()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    };
    let all = [0, 1, 2];
    let predicted: Vec<usize> = s.masters.iter().map(|m| node_index(m)).collect();
    // lb1 does not preempt, so which node is master first depends on which keepalived is
    // ready first (the analysis warns: KA0716). Start lb1 first, as an operator would.
    let mut ka = vec![t.keepalived(0, &confs[0])];
    wait(&t, &all, &want_normal)?;
    ka.push(t.keepalived(1, &confs[1]));
    ka.push(t.keepalived(2, &confs[2]));
    if s.failure.kind == FailureKind::None {
        wait(&t, &all, &predicted)?;
        return Ok(format!("{}: {predicted:?}", s.failure));
    }
    wait(&t, &all, &want_normal)?;
    let n = s.failure.node.as_deref().map(node_index).expect("a node");
    let ns = t.names[n].clone();
    let name = s.failure.name.clone().unwrap_or_default();
    let mut among: Vec<usize> = all.to_vec();
    match s.failure.kind {
        FailureKind::NodeDown => {
            t.signal(ka[n], "KILL");
            // Its address stays where it died; only the others count.
            among.retain(|&x| x != n);
        }
        FailureKind::NodeReturns => {
            t.signal(ka[n], "KILL");
            let others: Vec<usize> = all.iter().copied().filter(|&x| x != n).collect();
            let after_down = if n == 0 { vec![1] } else { vec![0] };
            wait(&t, &others, &after_down)?;
            sh_out(&format!("ip -n {ns} addr del {vip}/24 dev eth0"));
            ka[n] = t.keepalived(n, &confs[n]);
        }
        FailureKind::PriorityZero => {
            t.signal(ka[n], "TERM");
        }
        FailureKind::ScriptFails => {
            assert_eq!(name, "chk");
            std::fs::write(t.dir.path().join("fail"), "").expect("flag");
        }
        FailureKind::InterfaceDown => {
            sh(&format!("ip -n {ns} link set {name} down"));
        }
        FailureKind::FileDown | FailureKind::ProcessDown | FailureKind::None => unreachable!("not in this cluster"),
    }
    wait(&t, &among, &predicted)?;
    Ok(format!("{}: {predicted:?}", s.failure))
}

#[test]
fn real_keepalived_masters_match_the_failover_prediction() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIP: {why}");
        return;
    }
    let (scenarios, orders) = {
        let (t, confs) = cluster();
        predict(&t, &confs)
    };
    // The matrix covers each kind of failure this cluster has.
    let kinds: Vec<FailureKind> = scenarios.iter().map(|s| s.failure.kind).collect();
    for k in [
        FailureKind::None,
        FailureKind::NodeDown,
        FailureKind::NodeReturns,
        FailureKind::PriorityZero,
        FailureKind::ScriptFails,
        FailureKind::InterfaceDown,
    ] {
        assert!(kinds.contains(&k), "no {k:?} scenario: {kinds:?}");
    }
    let find = |text: &str| scenarios.iter().find(|s| s.failure.to_string() == text).expect(text);
    // What the analysis must say here, before reality is asked.
    assert_eq!(find("none (all start)").master.as_deref(), Some("lb1"));
    assert_eq!(find("lb1 down").master.as_deref(), Some("lb2"));
    assert_eq!(
        find("lb1 returns").master.as_deref(),
        Some("lb2"),
        "lb1 does not preempt"
    );
    assert_eq!(find("script chk fails on lb1").master.as_deref(), Some("lb2"));
    assert_eq!(find("eth1 down on lb1").master.as_deref(), Some("lb1"));
    assert_eq!(find("lb2 down").master.as_deref(), Some("lb1"));

    assert_eq!(
        orders,
        [
            ("lb1".to_string(), vec!["lb1".to_string()]),
            ("lb2".to_string(), vec!["lb2".to_string()]),
            ("lb3".to_string(), vec!["lb2".to_string()]),
        ],
        "lb1 never preempts; lb2 preempts lb3 and then keeps the addresses from lb1"
    );

    enum Job<'a> {
        Failure(&'a Scenario),
        Order(usize, usize),
    }
    let mut jobs: Vec<Job<'_>> = scenarios.iter().map(Job::Failure).collect();
    for (first, masters) in &orders {
        jobs.push(Job::Order(node_index(first), node_index(&masters[0])));
    }
    let total = jobs.len();
    let queue = Mutex::new(jobs);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| loop {
                let Some(job) = queue.lock().unwrap().pop() else { break };
                let r = match job {
                    Job::Failure(s) => run(s),
                    Job::Order(first, want) => run_order(first, want),
                };
                results.lock().unwrap().push(r);
            });
        }
    });
    let results = results.into_inner().unwrap();
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for r in results.iter().flatten() {
        eprintln!("reality agrees: {r}");
    }
    assert_eq!(results.len(), total);
    assert!(
        failed.is_empty(),
        "{} of {} scenarios disagree:\n{}",
        failed.len(),
        results.len(),
        failed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}
