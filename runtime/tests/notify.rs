//! What keepalived reports beyond state changes, compared line for line with keepalived 2.2.7
//! on the same config and the same events: effective-priority changes (`MASTER_PRIORITY`,
//! with `vrrp_notify_priority_changes`), a master hearing a lower priority
//! (`MASTER_RX_LOWER_PRI` and `notify_master_rx_lower_pri`), and instances removed by a
//! reload (`DELETED` with `notify_deleted`, FAULT without).
//!
//! Needs root, `ip` and keepalived; without them the test prints SKIP and why.

mod topo;

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;
use topo::{sh, sh_out, skip_reason, Topo};

/// One valid VRRPv3 advert for VRID 51 at priority 100 from `src` (argv 1), for `vip`.
const FORGE: &str = r#"
import sys
from scapy.all import Ether, IP, sendp, conf
from scapy.layers.vrrp import VRRPv3
conf.verb = 0
src, vip = sys.argv[1], sys.argv[2]
pkt = Ether(dst="01:00:5e:00:00:12") / IP(src=src, dst="224.0.0.18", ttl=255, proto=112) / VRRPv3(vrid=51, priority=100, ipcount=1, adv=5, addrlist=[vip])
sendp(pkt, iface="eth0")
print("sent")
"#;

fn instance(name: &str, vrid: u8, prio: u8, extra: &str, vip: &str) -> String {
    format!(
        "vrrp_instance {name} {{\n  state BACKUP\n  interface eth0\n  virtual_router_id {vrid}\n  priority {prio}\n  version 3\n  advert_int 0.05\n{extra}\n  virtual_ipaddress {{\n    {vip}\n  }}\n}}\n"
    )
}

/// Node 0's config: VI_1 tracks a file and runs a script on a lower-priority advert, VI_2 and
/// VI_3 are removed by the reload (`with_removed` false), VI_2 with notify_deleted.
fn config(t: &Topo, fifo: &Path, file: &Path, script: &Path, with_removed: bool) -> String {
    let s = t.subnet;
    let mut c = format!(
        "global_defs {{\n  notify_fifo {}\n  vrrp_notify_priority_changes\n}}\ntrack_file f {{\n  file {}\n  weight 1\n}}\n{}",
        fifo.display(),
        file.display(),
        instance(
            "VI_1",
            51,
            150,
            &format!("  track_file {{\n    f\n  }}\n  notify_master_rx_lower_pri {}", script.display()),
            &format!("10.{s}.0.100/24")
        )
    );
    if with_removed {
        c.push_str(&instance(
            "VI_2",
            52,
            150,
            "  notify_deleted",
            &format!("10.{s}.0.102/24"),
        ));
        c.push_str(&instance("VI_3", 53, 150, "", &format!("10.{s}.0.103/24")));
    }
    c
}

/// Runs the events against `vigild` (true) or keepalived on node 0 and returns the FIFO's
/// lines and what the script saw.
fn run(vigild: bool) -> (String, String) {
    let mut t = Topo::new(2);
    let d = t.dir.path().to_path_buf();
    let fifo = d.join("notify.fifo");
    let file = t.file("weight", "0\n");
    let seen = d.join("rx-lower");
    let script = t.file(
        "rx.sh",
        &format!("#!/bin/sh\necho \"rx-lower $@\" >> {}\n", seen.display()),
    );
    sh(&format!("chmod 755 {}", script.display()));
    let full = config(&t, &fifo, &file, &script, true);
    let child = if vigild {
        let plan = t.plan("a", &full);
        t.vigild(0, &plan)
    } else {
        t.keepalived(0, &full)
    };
    let vip = t.vip();
    t.wait_holders(&vip, &[0], Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(0o4000)
        .open(&fifo)
        .expect("the daemon created the FIFO");
    let mut got = String::new();
    // The priority moves by the file's number.
    std::fs::write(&file, "10\n").expect("write");
    std::thread::sleep(Duration::from_millis(500));
    // A lower-priority router's advert (one, forged on node 1: a real one stops
    // advertising as soon as it hears us).
    let forge = t.file("forge.py", FORGE);
    let out = sh_out(&format!(
        "ip netns exec {} python3 {} {} {vip} 2>&1",
        t.names[1],
        forge.display(),
        t.ip(1)
    ));
    assert!(out.contains("sent"), "scapy: {out}");
    std::thread::sleep(Duration::from_millis(500));
    // Reload without VI_2 and VI_3.
    let less = config(&t, &fifo, &file, &script, false);
    if vigild {
        t.plan("a", &less);
    } else {
        std::fs::write(d.join("ka0.conf"), &less).expect("write");
    }
    // To the parent only: keepalived's parent passes SIGHUP on to its VRRP child.
    sh(&format!("kill -HUP {}", t.children[child].1.id()));
    std::thread::sleep(Duration::from_millis(1000));
    let _ = reader.read_to_string(&mut got);
    // keepalived makes the FIFO anew on reload: read the one at the path from now on.
    reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(0o4000)
        .open(&fifo)
        .expect("the FIFO after the reload");
    let _ = reader.read_to_string(&mut got);
    t.signal(child, "TERM");
    t.wait_exit(child, Duration::from_secs(5));
    let _ = reader.read_to_string(&mut got);
    let ran = std::fs::read_to_string(&seen).unwrap_or_default();
    let logs = t.logs();
    assert!(!got.is_empty(), "no FIFO lines\n{logs}");
    (got, ran)
}

#[test]
fn priority_changes_lower_priority_adverts_and_deleted_instances_are_reported_as_keepalived_does() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIP: {why}");
        return;
    }
    if !sh_out("python3 -c 'import scapy; print(1)' 2>/dev/null").contains('1') {
        eprintln!("SKIP: scapy is not installed (pip install scapy; scripts/test-all.sh does as root)");
        return;
    }
    let (ka, ka_ran) = run(false);
    let (ours, ours_ran) = run(true);
    // Sorted per instance: the daemons interleave instances differently at start and stop.
    let per_instance = |s: &str| {
        let mut by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for l in s.lines() {
            let name = l.split('"').nth(1).unwrap_or("").to_string();
            by.entry(name).or_default().push(l.to_string());
        }
        by
    };
    eprintln!("keepalived:\n{ka}\nvigild:\n{ours}");
    // keepalived's reload recomputes a kept instance's tracked priority from its base and
    // reports the "change" (BACKUP_PRIORITY while it is master): vigild keeps the instance
    // as it is and reports nothing, deliberately.
    let ka: String = ka
        .lines()
        .filter(|l| *l != "INSTANCE \"VI_1\" BACKUP_PRIORITY 160")
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        per_instance(&ours),
        per_instance(&ka),
        "the FIFO lines differ from keepalived's"
    );
    for want in [
        "MASTER_PRIORITY 160",
        "MASTER_RX_LOWER_PRI 160",
        "\"VI_2\" DELETED",
        "\"VI_3\" FAULT",
    ] {
        assert!(ours.contains(want), "{want} missing:\n{ours}");
    }
    assert_eq!(
        ours_ran.lines().count(),
        ka_ran.lines().count(),
        "script runs: {ours_ran} / {ka_ran}"
    );
    assert!(ours_ran.starts_with("rx-lower"), "{ours_ran}");
}

#[test]
fn unicast_fault_no_peer_without_peers_holds_the_instance_in_fault_as_keepalived_does() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIP: {why}");
        return;
    }
    let lines = |vigild: bool| {
        let mut t = Topo::new(1);
        let fifo = t.dir.path().join("notify.fifo");
        let conf = format!(
            "global_defs {{\n  notify_fifo {}\n}}\n{}",
            fifo.display(),
            instance("VI_1", 51, 150, "  unicast_fault_no_peer", &format!("{}/24", t.vip()))
        );
        let child = if vigild {
            let plan = t.plan("a", &conf);
            t.vigild(0, &plan)
        } else {
            t.keepalived(0, &conf)
        };
        std::thread::sleep(Duration::from_millis(1500));
        let mut reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(0o4000)
            .open(&fifo)
            .expect("the daemon created the FIFO");
        let held = t.holders(&t.vip());
        let mut got = String::new();
        let _ = reader.read_to_string(&mut got);
        t.signal(child, "TERM");
        t.wait_exit(child, Duration::from_secs(5));
        (held, got)
    };
    let (ka_held, ka) = lines(false);
    let (held, ours) = lines(true);
    assert_eq!(ka_held, Vec::<usize>::new(), "keepalived holds nothing");
    assert_eq!(held, ka_held);
    assert!(ka.contains("FAULT"), "keepalived: {ka}");
    assert_eq!(ours, ka, "the FIFO lines differ from keepalived's");
}
