//! vigild's trackers for real, in network namespaces against keepalived 2.2.7: a tracked
//! process (`vrrp_track_process`) started and killed, a sync group's own tracker failing both
//! members, and GARPs spaced by `vrrp_garp_interval`.
//!
//! Needs root, `ip` and keepalived; without them each test prints SKIP and why.

mod topo;

use std::process::{Child, Command};
use std::time::Duration;
use topo::{sh_out, skip_reason, Topo};

macro_rules! require_root {
    () => {
        if let Some(why) = skip_reason() {
            eprintln!("SKIP: {why}");
            return;
        }
    };
}

const V3_FAST: &str = "  version 3\n  advert_int 0.05";

fn instance(name: &str, vrid: u8, prio: u8, extra: &str, vip: &str) -> String {
    format!(
        "vrrp_instance {name} {{\n  state BACKUP\n  interface eth0\n  virtual_router_id {vrid}\n  priority {prio}\n{extra}\n  virtual_ipaddress {{\n    {vip}\n  }}\n}}\n"
    )
}

/// A `sleep` with an argument no other process has, killed when dropped.
struct Sleeper {
    child: Option<Child>,
}

impl Sleeper {
    fn tag() -> String {
        format!("1000.{}", std::process::id())
    }
    fn start() -> Sleeper {
        let child = Command::new("sleep").arg(Self::tag()).spawn().expect("sleep starts");
        Sleeper { child: Some(child) }
    }
    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn a_tracked_process_moves_the_priority_and_its_death_moves_the_address() {
    require_root!();
    let mut t = Topo::new(2);
    let vip = t.vip();
    let tag = Sleeper::tag();
    // Matched by its whole command line; down costs 150 points (200 - 150 < 100).
    let def = format!("vrrp_track_process sleeper {{\n  process sleep {tag}\n  weight -150\n}}\n");
    let tracked = format!("{V3_FAST}\n  track_process {{\n    sleeper\n  }}");
    let a = t.plan(
        "a",
        &format!("{def}{}", instance("VI_1", 51, 200, &tracked, &format!("{vip}/24"))),
    );
    let mut proc = Sleeper::start();
    t.vigild(0, &a);
    t.keepalived(1, &instance("VI_1", 51, 100, V3_FAST, &format!("{vip}/24")));
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    assert_eq!(t.status(0)["instances"][0]["priority"], 200);
    // Killed: the exit event drops the quorum, keepalived preempts.
    proc.stop();
    let took = t.wait_holders(&vip, &[1], Duration::from_secs(2));
    assert!(took < Duration::from_millis(1000), "took {took:?}");
    assert_eq!(t.status(0)["instances"][0]["priority"], 50);
    let st = t.status(0);
    assert_eq!(st["processes"][0]["processes"], 0, "{st}");
    assert_eq!(st["processes"][0]["up"], false, "{st}");
    // Started again: the exec event counts it, vigild preempts back.
    let _proc = Sleeper::start();
    t.wait_holders(&vip, &[0], Duration::from_secs(2));
    assert_eq!(t.status(0)["instances"][0]["priority"], 200);
    let log = std::fs::read_to_string(t.dir.path().join("vigild0.log")).unwrap_or_default();
    assert!(
        !log.contains("scanning /proc every second"),
        "events, not the fallback: {log}"
    );
}

#[test]
fn a_sync_groups_own_tracker_failing_moves_both_members() {
    require_root!();
    let mut t = Topo::new(2);
    let vip = t.vip();
    let vip2 = format!("10.{}.0.101", t.subnet);
    let tag = Sleeper::tag();
    // The group tracks the process with weight 0: without it both members are in FAULT.
    let def = format!("vrrp_track_process sleeper {{\n  process sleep {tag}\n}}\n");
    let group = "vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  track_process {\n    sleeper\n  }\n}\n";
    let ours = format!(
        "{def}{group}{}{}",
        instance("VI_1", 51, 200, V3_FAST, &format!("{vip}/24")),
        instance("VI_2", 52, 200, V3_FAST, &format!("{vip2}/24"))
    );
    let a = t.plan("a", &ours);
    let mut proc = Sleeper::start();
    t.vigild(0, &a);
    t.keepalived(
        1,
        &format!(
            "{}{}",
            instance("VI_1", 51, 100, V3_FAST, &format!("{vip}/24")),
            instance("VI_2", 52, 100, V3_FAST, &format!("{vip2}/24"))
        ),
    );
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    t.wait_holders(&vip2, &[0], Duration::from_secs(1));
    proc.stop();
    t.wait_holders(&vip, &[1], Duration::from_secs(2));
    t.wait_holders(&vip2, &[1], Duration::from_secs(1));
    let st = t.status(0);
    for i in 0..2 {
        assert_eq!(st["instances"][i]["state"], "FAULT", "{st}");
    }
    let _proc = Sleeper::start();
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    t.wait_holders(&vip2, &[0], Duration::from_secs(1));
}

#[test]
fn garp_interval_spaces_the_gratuitous_arps_of_a_burst() {
    require_root!();
    if sh_out("command -v tshark").trim().is_empty() {
        eprintln!("SKIP: tshark is not installed");
        return;
    }
    let mut t = Topo::new(1);
    let vip = t.vip();
    let vip2 = format!("10.{}.0.101", t.subnet);
    // A burst of 3 for two addresses, one GARP per 300 ms on the interface: the first goes at
    // once and the others wait, once per address, in the addresses' order (keepalived sends
    // 3 in all, not 6).
    let conf = format!(
        "global_defs {{\n  vrrp_garp_interval 0.3\n}}\n{}",
        instance(
            "VI_1",
            51,
            150,
            &format!("{V3_FAST}\n  garp_master_delay 0\n  garp_master_repeat 3"),
            &format!("{vip}/24\n    {vip2}/24")
        )
    );
    let plan = t.plan("a", &conf);
    let ns = t.names[0].clone();
    let cap = t.dir.path().join("arp.txt");
    let tshark = Command::new("sh")
        .args([
            "-c",
            &format!(
                "timeout 3 ip netns exec {ns} tshark -i eth0 -l -f arp -T fields -e frame.time_relative -e arp.src.proto_ipv4 > {} 2>/dev/null",
                cap.display()
            ),
        ])
        .spawn()
        .expect("tshark");
    std::thread::sleep(Duration::from_millis(1000));
    t.vigild(0, &plan);
    t.wait_holders(&vip, &[0], Duration::from_secs(2));
    let mut tshark = tshark;
    let _ = tshark.wait();
    let text = std::fs::read_to_string(&cap).unwrap_or_default();
    let seen: Vec<(f64, String)> = text
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.parse().ok()?, w.next()?.to_string()))
        })
        .collect();
    assert_eq!(seen.len(), 3, "{text}");
    // keepalived 2.2.7 on this config: 10.x.0.100 at 0, again at 0.3 s, 10.x.0.101 at 0.6 s.
    assert_eq!(seen[0].1, vip, "{text}");
    assert_eq!(seen[1].1, vip, "{text}");
    assert_eq!(seen[2].1, vip2, "{text}");
    for w in seen.windows(2) {
        let gap = w[1].0 - w[0].0;
        assert!((0.28..0.5).contains(&gap), "gap {gap} s: {text}");
    }
}
