//! vigild beside keepalived 2.2.7, as users see them: two nodes on a bridge in network
//! namespaces, timings read on the wire (tshark on the bridge), CPU and memory from /proc.
//!
//! * failover excess: the master (keepalived, priority 200) is frozen with SIGSTOP, so it
//!   sends no priority-0 advert; the backup under test (priority 100) should send its first
//!   advert one master-down interval after the master's last one. The excess over that
//!   interval, for 1 instance at 50 ms and 100 instances at 10 ms (VRRPv3).
//! * takeover after a graceful stop: the master (keepalived) is sent SIGTERM and advertises
//!   priority 0; the backup under test should advertise one skew time later. The excess.
//! * CPU per advert sent by a master of 100 instances at 10 ms, and resident memory with
//!   1,000 instances (250 VRIDs on each of four interfaces).
//! * start-up: two nodes of 100 instances at 10 ms (MASTER 200, BACKUP 100) started at the
//!   same moment: how long until each instance has had one master for good, and how many
//!   times mastership changed after that first settling (flaps), over 8 s.
//! * reload of an unchanged configuration under that load (`vigild reload`, keepalived's
//!   SIGHUP): the longest gap between a master's adverts of one instance across the reload,
//!   and whether the backup ever advertised (a state change).
//!
//! `cargo bench -p vigild --bench vrrp` as root (prints SKIP otherwise).
#[path = "../tests/topo/mod.rs"]
mod topo;

use std::collections::HashMap;
use std::time::Duration;
use topo::{sh_out, skip_reason, Topo};

#[derive(Clone, Copy, PartialEq)]
enum Impl {
    Vigild,
    Keepalived,
}

fn instances(n: u32, prio: u8, state: &str, interval: &str, subnet: u32) -> String {
    let mut s = String::new();
    for k in 1..=n {
        // 250 VRIDs per interface: eth0, then the interfaces dN `cpu_and_rss` adds.
        let (iface, v) = match (k - 1) / 250 {
            0 => ("eth0".to_string(), k),
            d => (format!("d{d}"), (k - 1) % 250 + 1),
        };
        s.push_str(&format!(
            "vrrp_instance VI_{k} {{\n  state {state}\n  interface {iface}\n  virtual_router_id {v}\n  priority {prio}\n  version 3\n  advert_int {interval}\n  virtual_ipaddress {{\n    10.{subnet}.{}.{}/32 dev eth0\n  }}\n}}\n",
            k / 250 + 1,
            k % 250 + 1
        ));
    }
    s
}

fn start(t: &mut Topo, which: Impl, node: usize, conf: &str, name: &str) -> usize {
    match which {
        Impl::Keepalived => t.keepalived(node, conf),
        Impl::Vigild => {
            let plan = t.plan(name, conf);
            t.vigild(node, &plan)
        }
    }
}

/// A keepalived master (priority 200) of `n` instances on node 0 and the backup under test
/// (priority 100) on node 1; once settled, the master gets `sig` while tshark on the bridge
/// records `secs` seconds of adverts: (epoch seconds, source, `field`) per line.
fn master_stops(which: Impl, n: u32, interval: &str, sig: &str, secs: u32, field: &str) -> (Topo, usize, String) {
    let mut t = Topo::new(2);
    let master = t.keepalived(0, &instances(n, 200, "MASTER", interval, t.subnet));
    let backup_conf = instances(n, 100, "BACKUP", interval, t.subnet);
    start(&mut t, which, 1, &backup_conf, "backup");
    std::thread::sleep(Duration::from_millis(2500));
    let cap = format!(
        "timeout {secs} ip netns exec {} tshark -i br0 -f 'ip proto 112' -T fields -e frame.time_epoch -e ip.src -e {field} 2>/dev/null",
        t.bridge
    );
    let capture = std::thread::spawn(move || sh_out(&cap));
    std::thread::sleep(Duration::from_millis(1500));
    t.signal(master, sig);
    let text = capture.join().unwrap_or_default();
    (t, master, text)
}

/// Median of the failover excess (ms) per instance, over `reps` freezes.
fn failover(which: Impl, n: u32, interval_ms: u64, reps: usize) -> Vec<f64> {
    let mut excess = Vec::new();
    for _ in 0..reps {
        let interval = format!("{}", interval_ms as f64 / 1000.0);
        let (mut t, master, text) = master_stops(which, n, &interval, "STOP", 4, "vrrp.virt_rtr_id");
        let (m_ip, b_ip) = (t.ip(0), t.ip(1));
        let mut last_master: HashMap<u32, f64> = HashMap::new();
        let mut first_backup: HashMap<u32, f64> = HashMap::new();
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            let (Some(ts), Some(src), Some(vrid)) = (f.first(), f.get(1), f.get(2)) else {
                continue;
            };
            let (Ok(ts), Ok(vrid)) = (ts.parse::<f64>(), vrid.parse::<u32>()) else {
                continue;
            };
            if *src == m_ip && !first_backup.contains_key(&vrid) {
                last_master.insert(vrid, ts);
            } else if *src == b_ip {
                first_backup.entry(vrid).or_insert(ts);
            }
        }
        // Master-down as keepalived and vigild compute it for priority 100.
        let adver = interval_ms as f64;
        let down = 3.0 * adver + (256.0 - 100.0) * adver / 256.0;
        let before = excess.len();
        for (vrid, b) in &first_backup {
            if let Some(m) = last_master.get(vrid) {
                excess.push((b - m) * 1000.0 - down);
            }
        }
        if excess.len() == before {
            // Say why a repetition gave nothing, rather than only a smaller sample count.
            eprintln!(
                "failover repetition without a sample: {} lines captured, {} VRIDs heard from the master, {} from the backup",
                text.lines().count(),
                last_master.len(),
                first_backup.len()
            );
            if std::env::var_os("VRRP_BENCH_DEBUG").is_some() {
                eprintln!("{}", t.logs());
            }
        }
        t.signal(master, "CONT");
    }
    excess.sort_by(|a, b| a.total_cmp(b));
    excess
}

/// Captures VRRP adverts on the bridge for `secs`: (epoch seconds, source, VRID) each.
fn capture(t: &Topo, secs: u32) -> std::thread::JoinHandle<Vec<(f64, String, u32)>> {
    let cap = format!(
        "timeout {secs} ip netns exec {} tshark -i br0 -f 'ip proto 112' -T fields -e frame.time_epoch -e ip.src -e vrrp.virt_rtr_id 2>/dev/null",
        t.bridge
    );
    std::thread::spawn(move || {
        sh_out(&cap)
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some((f.first()?.parse().ok()?, f.get(1)?.to_string(), f.get(2)?.parse().ok()?))
            })
            .collect()
    })
}

/// Per VRID, the adverts' sources in time order, from `from` (epoch seconds).
fn by_vrid(adverts: &[(f64, String, u32)], from: f64) -> HashMap<u32, Vec<(f64, String)>> {
    let mut m: HashMap<u32, Vec<(f64, String)>> = HashMap::new();
    for (ts, src, vrid) in adverts.iter().filter(|a| a.0 >= from) {
        m.entry(*vrid).or_default().push((*ts, src.clone()));
    }
    m
}

/// Start-up of two nodes at once: (the longest time, over the instances, from an instance's
/// first advert to its last change of advertiser, changes of advertiser after the first one summed over the instances).
fn startup(which: Impl, n: u32) -> (f64, usize) {
    let mut t = Topo::new(2);
    let a = instances(n, 200, "MASTER", "0.01", t.subnet);
    let b = instances(n, 100, "BACKUP", "0.01", t.subnet);
    let plans = (which == Impl::Vigild).then(|| (t.plan("a", &a), t.plan("b", &b)));
    let cap = capture(&t, 9);
    std::thread::sleep(Duration::from_millis(800));
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    match &plans {
        Some((pa, pb)) => {
            t.vigild(0, pa);
            t.vigild(1, pb);
        }
        None => {
            t.keepalived(0, &a);
            t.keepalived(1, &b);
        }
    }
    let adverts = cap.join().unwrap_or_default();
    let mut settle = Vec::new();
    let mut flaps = 0;
    for (_, seq) in by_vrid(&adverts, start) {
        // A change of advertiser that lasts: the new source sends at least twice in a row.
        let mut changes = Vec::new();
        for w in seq.windows(3) {
            if w[1].1 != w[0].1 && w[2].1 == w[1].1 {
                changes.push(w[1].0);
            }
        }
        flaps += changes.len().saturating_sub(1);
        // From the instance's first advert: the processes' own start-up is not the election.
        let first = seq.first().map_or(start, |x| x.0);
        let last = changes.last().copied().unwrap_or(first);
        settle.push((last - first) * 1000.0);
    }
    settle.sort_by(|a, b| a.total_cmp(b));
    (settle.last().copied().unwrap_or(f64::NAN), flaps)
}

/// Reload of an unchanged configuration under load: (longest gap in ms between one
/// instance's adverts from the master across the reload, adverts the backup sent).
fn reload_gap(which: Impl, n: u32) -> (f64, usize) {
    let mut t = Topo::new(2);
    let a = instances(n, 200, "MASTER", "0.01", t.subnet);
    let b = instances(n, 100, "BACKUP", "0.01", t.subnet);
    let master = start(&mut t, which, 0, &a, "a");
    start(&mut t, which, 1, &b, "b");
    std::thread::sleep(Duration::from_millis(4000));
    let cap = capture(&t, 5);
    std::thread::sleep(Duration::from_millis(1500));
    match which {
        Impl::Vigild => {
            let sock = t.dir.path().join("vigild0.sock");
            let plan = t.dir.path().join("a.json");
            let _ = std::process::Command::new(env!("CARGO_BIN_EXE_vigild"))
                .arg("--socket")
                .arg(&sock)
                .arg("reload")
                .arg(&plan)
                .output();
        }
        Impl::Keepalived => {
            let pid = t.children[master].1.id();
            sh_out(&format!("kill -HUP {pid}"));
        }
    }
    let adverts = cap.join().unwrap_or_default();
    let (m_ip, b_ip) = (t.ip(0), t.ip(1));
    let backup = adverts.iter().filter(|a| a.1 == b_ip).count();
    let mut gap: f64 = 0.0;
    for (_, seq) in by_vrid(&adverts, 0.0) {
        let times: Vec<f64> = seq.iter().filter(|x| x.1 == m_ip).map(|x| x.0).collect();
        for w in times.windows(2) {
            gap = gap.max((w[1] - w[0]) * 1000.0);
        }
    }
    (gap, backup)
}

/// The takeover after a graceful stop: the master (keepalived, priority 200) is sent SIGTERM
/// and advertises priority 0; the backup under test (priority 100, one instance v3 at 50 ms)
/// should send its first advert one skew time after that. The excess over the skew time (ms),
/// per stop.
fn graceful(which: Impl, reps: usize) -> Vec<f64> {
    let mut excess = Vec::new();
    for _ in 0..reps {
        let (t, _, text) = master_stops(which, 1, "0.05", "TERM", 3, "vrrp.prio");
        let (m_ip, b_ip) = (t.ip(0), t.ip(1));
        let mut zero = None;
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            let (Some(Ok(ts)), Some(src), Some(prio)) = (f.first().map(|x| x.parse::<f64>()), f.get(1), f.get(2))
            else {
                continue;
            };
            if *src == m_ip && *prio == "0" && zero.is_none() {
                zero = Some(ts);
            } else if *src == b_ip {
                if let Some(z) = zero {
                    // Skew time for priority 100 at 50 ms, as both compute it.
                    excess.push((ts - z) * 1000.0 - (256.0 - 100.0) * 50.0 / 256.0);
                    break;
                }
            }
        }
    }
    excess.sort_by(|a, b| a.total_cmp(b));
    excess
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

/// (CPU µs per advert sent, counted on the wire, resident KiB) of a lone master of `n`
/// instances.
fn cpu_and_rss(which: Impl, n: u32, interval: &str, secs: u64) -> (f64, u64) {
    let mut t = Topo::new(1);
    // Instances past the 250th go on veth interfaces d1, d2, ... (one VRID space each; this
    // kernel may have no dummy driver).
    for d in 1..=(n.saturating_sub(1) / 250) {
        topo::sh(&format!(
            "ip -n {ns} link add d{d} type veth peer name d{d}p && ip -n {ns} addr add 10.{}.{d}.250/24 dev d{d} && ip -n {ns} link set d{d} up && ip -n {ns} link set d{d}p up",
            200 + d,
            ns = t.names[0]
        ));
    }
    let conf = instances(n, 200, "MASTER", interval, t.subnet);
    let child = start(&mut t, which, 0, &conf, "master");
    std::thread::sleep(Duration::from_millis(3000));
    let pid = t.children[child].1.id();
    // keepalived's work is in its VRRP child process.
    let pids: Vec<String> = match which {
        Impl::Vigild => vec![pid.to_string()],
        Impl::Keepalived => sh_out(&format!("pgrep -P {pid}"))
            .split_whitespace()
            .map(str::to_string)
            .chain([pid.to_string()])
            .collect(),
    };
    let ticks = |pids: &[String]| -> u64 {
        pids.iter()
            .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
            .map(|s| {
                let after = s
                    .rsplit(')')
                    .next()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>();
                after.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
                    + after.get(12).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
            })
            .sum()
    };
    let rss: u64 = pids
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/status")).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .sum();
    let hz = sh_out("getconf CLK_TCK").trim().parse::<f64>().unwrap_or(100.0);
    // The adverts actually sent in the window, counted on the wire (not the nominal rate).
    let cap = capture(&t, secs as u32 + 3);
    std::thread::sleep(Duration::from_millis(1500));
    let epoch = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    };
    let (from, before) = (epoch(), ticks(&pids));
    std::thread::sleep(Duration::from_secs(secs));
    let (to, after) = (epoch(), ticks(&pids));
    let used = (after - before) as f64 / hz;
    let sent = cap
        .join()
        .unwrap_or_default()
        .iter()
        .filter(|a| a.0 >= from && a.0 <= to)
        .count();
    if sent == 0 {
        return (f64::NAN, rss);
    }
    (used * 1e6 / sent as f64, rss)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if let Some(why) = skip_reason() {
        println!("SKIP: {why}");
        return;
    }
    if sh_out("command -v tshark").trim().is_empty() {
        println!("SKIP: tshark is not installed");
        return;
    }
    // vigild logs at its default level, as keepalived does (debug logs every advert).
    std::env::set_var("VIGIL_TOPO_LOG", "info");
    // `VRRP_BENCH_ONLY=startup` (failover, graceful, reload, cpu, memory) runs one part.
    let only = std::env::var("VRRP_BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only == part;
    println!("vigild beside keepalived 2.2.7, on one bridge in network namespaces (ms, medians)");
    for (label, n, ms, reps) in [
        ("1 instance, v3 at 50 ms", 1, 50, 5),
        ("100 instances, v3 at 10 ms", 100, 10, 2),
    ]
    .into_iter()
    .filter(|_| run("failover"))
    {
        let ours = failover(Impl::Vigild, n, ms, reps);
        let theirs = failover(Impl::Keepalived, n, ms, reps);
        println!(
            "failover excess over master-down, {label}: vigild {:+.2} ms (max {:+.2}, {} samples), keepalived {:+.2} ms (max {:+.2}, {} samples)",
            median(&ours),
            ours.last().copied().unwrap_or(f64::NAN),
            ours.len(),
            median(&theirs),
            theirs.last().copied().unwrap_or(f64::NAN),
            theirs.len()
        );
    }
    if run("graceful") {
        let ours = graceful(Impl::Vigild, 5);
        let theirs = graceful(Impl::Keepalived, 5);
        println!(
            "takeover after a graceful stop (priority-0 advert to the backup's first), 1 instance v3 at 50 ms: excess over the skew time vigild {:+.2} ms (max {:+.2}, {} samples), keepalived {:+.2} ms (max {:+.2}, {} samples) (goal: under 1 ms)",
            median(&ours),
            ours.last().copied().unwrap_or(f64::NAN),
            ours.len(),
            median(&theirs),
            theirs.last().copied().unwrap_or(f64::NAN),
            theirs.len()
        );
    }
    if run("startup") {
        let (sv, fv) = startup(Impl::Vigild, 100);
        let (sk, fk) = startup(Impl::Keepalived, 100);
        println!(
        "start-up, 2 nodes x 100 instances at 10 ms started together: settled (slowest instance, from its first advert) vigild {sv:.0} ms, keepalived {sk:.0} ms; flaps after settling in 8 s: vigild {fv}, keepalived {fk} (goal: settled within one master-down interval, 36 ms after the first advert, and 0 flaps)"
    );
    }
    if run("reload") {
        let (gv, bv) = reload_gap(Impl::Vigild, 100);
        let (gk, bk) = reload_gap(Impl::Keepalived, 100);
        println!(
        "reload of an unchanged plan, 100 instances at 10 ms: longest advert gap vigild {gv:.1} ms, keepalived {gk:.1} ms (ratio {:.2}); adverts from the backup (state changes): vigild {bv}, keepalived {bk}",
        gv / gk
    );
    }
    if run("cpu") {
        let (cpu_v, _) = cpu_and_rss(Impl::Vigild, 100, "0.01", 5);
        let (cpu_k, _) = cpu_and_rss(Impl::Keepalived, 100, "0.01", 5);
        println!(
        "CPU per advert, master of 100 instances at 10 ms: vigild {cpu_v:.1} µs, keepalived {cpu_k:.1} µs, ratio {:.2}",
        cpu_v / cpu_k
    );
    }
    if run("memory") {
        // 1,000 instances: 250 VRIDs on eth0 and on each of three more interfaces.
        let (_, rss_v) = cpu_and_rss(Impl::Vigild, 1000, "1", 1);
        let (_, rss_k) = cpu_and_rss(Impl::Keepalived, 1000, "1", 1);
        println!(
            "resident memory with 1,000 instances (4 interfaces): vigild {rss_v} KiB, keepalived {rss_k} KiB (its two processes), ratio {:.2} (goal: below keepalived)",
            rss_v as f64 / rss_k as f64
        );
    }
}
