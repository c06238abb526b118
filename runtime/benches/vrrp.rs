//! vigild beside keepalived 2.2.7, as users see them: two nodes on a bridge in network
//! namespaces, timings read on the wire (tshark on the bridge), CPU and memory from /proc.
//!
//! * failover excess: the master (keepalived, priority 200) is frozen with SIGSTOP, so it
//!   sends no priority-0 advert; the backup under test (priority 100) should send its first
//!   advert one master-down interval after the master's last one. The excess over that
//!   interval, for 1 instance at 50 ms and 100 instances at 10 ms (VRRPv3).
//! * CPU per advert sent by a master of 100 instances at 10 ms, and resident memory with
//!   255 instances (one per VRID on one interface).
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
    for v in 1..=n {
        s.push_str(&format!(
            "vrrp_instance VI_{v} {{\n  state {state}\n  interface eth0\n  virtual_router_id {v}\n  priority {prio}\n  version 3\n  advert_int {interval}\n  virtual_ipaddress {{\n    10.{subnet}.{}.{}/32\n  }}\n}}\n",
            v / 250 + 1,
            v % 250 + 1
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

/// Median of the failover excess (ms) per instance, over `reps` freezes.
fn failover(which: Impl, n: u32, interval_ms: u64, reps: usize) -> Vec<f64> {
    let mut excess = Vec::new();
    for _ in 0..reps {
        let mut t = Topo::new(2);
        let interval = format!("{}", interval_ms as f64 / 1000.0);
        let master = t.keepalived(0, &instances(n, 200, "MASTER", &interval, t.subnet));
        let backup_conf = instances(n, 100, "BACKUP", &interval, t.subnet);
        start(&mut t, which, 1, &backup_conf, "backup");
        std::thread::sleep(Duration::from_millis(2500));
        let cap = format!(
            "timeout 4 ip netns exec {} tshark -i br0 -f 'ip proto 112' -T fields -e frame.time_epoch -e ip.src -e vrrp.virt_rtr_id 2>/dev/null",
            t.bridge
        );
        let capture = std::thread::spawn(move || sh_out(&cap));
        std::thread::sleep(Duration::from_millis(1500));
        t.signal(master, "STOP");
        let text = capture.join().unwrap_or_default();
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
        for (vrid, b) in &first_backup {
            if let Some(m) = last_master.get(vrid) {
                excess.push((b - m) * 1000.0 - down);
            }
        }
        t.signal(master, "CONT");
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

/// (CPU µs per advert sent, resident KiB) of a lone master of `n` instances.
fn cpu_and_rss(which: Impl, n: u32, interval: &str, secs: u64) -> (f64, u64) {
    let mut t = Topo::new(1);
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
    let before = ticks(&pids);
    std::thread::sleep(Duration::from_secs(secs));
    let used = (ticks(&pids) - before) as f64 / hz;
    let per_s = 1.0 / interval.parse::<f64>().unwrap_or(1.0);
    let adverts = f64::from(n) * per_s * secs as f64;
    (used * 1e6 / adverts, rss)
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
    println!("vigild beside keepalived 2.2.7, on one bridge in network namespaces (ms, medians)");
    for (label, n, ms, reps) in [
        ("1 instance, v3 at 50 ms", 1, 50, 5),
        ("100 instances, v3 at 10 ms", 100, 10, 2),
    ] {
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
    let (cpu_v, _) = cpu_and_rss(Impl::Vigild, 100, "0.01", 5);
    let (cpu_k, _) = cpu_and_rss(Impl::Keepalived, 100, "0.01", 5);
    println!(
        "CPU per advert, master of 100 instances at 10 ms: vigild {cpu_v:.1} µs, keepalived {cpu_k:.1} µs, ratio {:.2}",
        cpu_v / cpu_k
    );
    // 255 instances: one per VRID on the one interface (1,000 needs more interfaces).
    let (_, rss_v) = cpu_and_rss(Impl::Vigild, 255, "1", 1);
    let (_, rss_k) = cpu_and_rss(Impl::Keepalived, 255, "1", 1);
    println!(
        "resident memory with 255 instances: vigild {rss_v} KiB, keepalived {rss_k} KiB (its two processes), ratio {:.2}",
        rss_v as f64 / rss_k as f64
    );
}
