//! vigild for real: nodes in network namespaces on a bridge, vigild against vigild and against
//! keepalived 2.2.7, with the election read from where the virtual address actually is.
//!
//! Needs root, `ip` and keepalived; without them each test prints SKIP and why. Every test
//! makes its own namespaces (named after the test and this process) and removes them, and
//! sends nothing outside them.

mod topo;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use topo::{sh_out, skip_reason, Topo};

macro_rules! require_root {
    () => {
        if let Some(why) = skip_reason() {
            eprintln!("SKIP: {why}");
            return;
        }
    };
}

fn instance(state: &str, prio: u8, extra: &str, vip: &str) -> String {
    format!(
        "vrrp_instance VI_1 {{\n  state {state}\n  interface eth0\n  virtual_router_id 51\n  priority {prio}\n{extra}\n  virtual_ipaddress {{\n    {vip}\n  }}\n}}\n"
    )
}

const V2_PASS: &str = "  advert_int 1\n  authentication {\n    auth_type PASS\n    auth_pass s3cret\n  }";
const V3_FAST: &str = "  version 3\n  advert_int 0.05";

#[test]
fn v2_pass_ipv4_against_keepalived_elects_hands_over_and_preempts_back() {
    require_root!();
    let mut t = Topo::new(2);
    let vip = t.vip();
    let plan = t.plan("a", &instance("BACKUP", 150, V2_PASS, &format!("{vip}/24")));
    let ours = t.vigild(0, &plan);
    t.keepalived(1, &instance("BACKUP", 100, V2_PASS, &format!("{vip}/24")));
    // Both start as backup; the higher priority (vigild) takes the address.
    t.wait_holders(&vip, &[0], Duration::from_secs(8));
    t.stays(&vip, &[0], Duration::from_millis(2500));
    let adverts = t.capture(1, 2, 4);
    if !adverts.is_empty() {
        assert!(adverts.contains("Authentication String: s3cret"), "{adverts}");
        assert!(adverts.contains("[Checksum Status: Good]"), "{adverts}");
        assert!(adverts.contains("Time to Live: 255"), "{adverts}");
        assert!(!adverts.contains("Malformed"), "{adverts}");
    }
    let st = t.status(0);
    assert_eq!(st["instances"][0]["state"], "MASTER", "{st}");
    // Graceful stop: priority 0, keepalived takes over within its skew time (0.6 s at 100).
    t.signal(ours, "TERM");
    let exit = t
        .wait_exit(ours, Duration::from_secs(5))
        .expect("vigild exits on SIGTERM");
    assert!(exit.success(), "exit status {exit}");
    let took = t.wait_holders(&vip, &[1], Duration::from_secs(2));
    assert!(took < Duration::from_millis(1500), "handover took {took:?}");
    // Restarted on the same plan, vigild preempts back.
    t.vigild(0, &plan);
    t.wait_holders(&vip, &[0], Duration::from_secs(8));
}

#[test]
fn v3_ipv6_against_a_higher_keepalived_takes_over_when_it_freezes_and_gives_back() {
    require_root!();
    let mut t = Topo::new(2);
    let vip = "fd00:51::100";
    let ka = t.keepalived(1, &instance("MASTER", 200, V3_FAST, &format!("{vip}/64")));
    std::thread::sleep(Duration::from_millis(500));
    let plan = t.plan("a", &instance("BACKUP", 100, V3_FAST, &format!("{vip}/64")));
    let _ours = t.vigild(0, &plan);
    t.wait_holders(vip, &[1], Duration::from_secs(5));
    // A restarted or newly started vigild does not disturb a higher master.
    t.stays(vip, &[1], Duration::from_millis(800));
    // What vigild sends as backup: nothing; so dissect keepalived's here and ours after the
    // takeover below.
    let theirs = t.capture(0, 2, 3);
    if !theirs.is_empty() {
        assert!(theirs.contains("[Checksum Status: Good]"), "{theirs}");
    }
    // The master freezes (no priority-0 advert): vigild takes over after the master-down
    // interval (3 x 50 ms + skew), keepalived still holding its address frozen.
    t.signal(ka, "STOP");
    let took = t.wait_holders(vip, &[0, 1], Duration::from_secs(2));
    assert!(took < Duration::from_millis(600), "takeover took {took:?}");
    let ours = t.capture(1, 3, 3);
    if !ours.is_empty() {
        assert!(ours.contains("Version 3, Packet type 1"), "{ours}");
        assert!(ours.contains("[Checksum Status: Good]"), "{ours}");
        assert!(ours.contains("Hop Limit: 255"), "{ours}");
        assert!(!ours.contains("Malformed"), "{ours}");
    }
    // Thawed, keepalived preempts and vigild gives the address up.
    t.signal(ka, "CONT");
    t.wait_holders(vip, &[1], Duration::from_secs(3));
    let st = t.status(0);
    assert_eq!(st["instances"][0]["state"], "BACKUP", "{st}");
}

#[test]
fn three_vigild_nodes_in_unicast_v3_elect_one_master_and_move_on_each_failure() {
    require_root!();
    let mut t = Topo::new(3);
    let vip = t.vip();
    let mut kids = Vec::new();
    for (i, prio) in [(0usize, 200u8), (1, 150), (2, 100)] {
        let peers: String = (0..3)
            .filter(|&j| j != i)
            .map(|j| format!("    {}\n", t.ip(j)))
            .collect();
        let extra = format!(
            "{V3_FAST}\n  unicast_src_ip {}\n  unicast_peer {{\n{peers}  }}",
            t.ip(i)
        );
        let plan = t.plan(
            &format!("n{i}"),
            &instance("BACKUP", prio, &extra, &format!("{vip}/24")),
        );
        kids.push(t.vigild(i, &plan));
    }
    t.wait_holders(&vip, &[0], Duration::from_secs(5));
    t.stays(&vip, &[0], Duration::from_millis(500));
    // Each stop moves the address to the next priority.
    t.signal(kids[0], "TERM");
    t.wait_holders(&vip, &[1], Duration::from_secs(2));
    t.signal(kids[1], "KILL");
    // A killed daemon leaves its address behind (as keepalived does): node 2 must still
    // take over.
    let end = Instant::now() + Duration::from_secs(2);
    while !t.holders(&vip).contains(&2) {
        assert!(Instant::now() < end, "node 2 never took over\n{}", t.logs());
        std::thread::sleep(Duration::from_millis(10));
    }
    let st = t.status(2);
    assert_eq!(st["instances"][0]["state"], "MASTER", "{st}");
}

/// Malformed and hostile adverts, forged with scapy: each kind is one the receive path must
/// drop and count (the election must not move).
const FORGE: &str = r#"
import sys
from scapy.all import Ether, IP, Raw, sendp, conf
from scapy.layers.vrrp import VRRPv3, VRRP
conf.verb = 0
src, vip = sys.argv[1], sys.argv[2]
eth = Ether(dst="01:00:5e:00:00:12")
def ip(ttl=255):
    return IP(src=src, dst="224.0.0.18", ttl=ttl, proto=112)
good = VRRPv3(vrid=51, priority=250, ipcount=1, adv=5, addrlist=[vip])
kinds = {
    "bad-checksum": ip() / VRRPv3(vrid=51, priority=250, ipcount=1, adv=5, addrlist=[vip], chksum=0x1234),
    "ttl-64": ip(64) / good,
    "version-2": ip() / VRRP(vrid=51, priority=250, ipcount=1, adv=1, addrlist=[vip]),
    "truncated": ip() / Raw(bytes(good)[:5]),
    "count-mismatch": ip() / Raw(bytes(good) + bytes([10, 0, 0, 1])),
    "bad-type": ip() / VRRPv3(vrid=51, priority=250, ipcount=1, adv=5, addrlist=[vip], type=2),
    "zero-interval": ip() / VRRPv3(vrid=51, priority=250, ipcount=1, adv=0, addrlist=[vip]),
}
for _ in range(20):
    for name, pkt in kinds.items():
        sendp(eth / pkt, iface="eth0")
print("sent", len(kinds) * 20)
"#;

#[test]
fn forged_malformed_adverts_are_dropped_and_counted_while_the_election_holds() {
    require_root!();
    if !sh_out("python3 -c 'import scapy; print(1)' 2>/dev/null").contains('1') {
        eprintln!("SKIP: scapy is not installed (pip install scapy; scripts/test-all.sh does as root)");
        return;
    }
    let mut t = Topo::new(3);
    let vip = t.vip();
    for (i, prio) in [(0usize, 200u8), (1, 100)] {
        let plan = t.plan(
            &format!("n{i}"),
            &instance("BACKUP", prio, V3_FAST, &format!("{vip}/24")),
        );
        t.vigild(i, &plan);
    }
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    let script = t.file("forge.py", FORGE);
    let forger = format!(
        "ip netns exec {} python3 {} {} {vip}",
        t.names[2],
        script.display(),
        t.ip(2)
    );
    let flood = std::thread::spawn(move || sh_out(&forger));
    t.stays(&vip, &[0], Duration::from_millis(1500));
    let sent = flood.join().expect("scapy ran");
    assert!(sent.contains("sent 140"), "scapy: {sent}");
    t.stays(&vip, &[0], Duration::from_millis(300));
    for node in [0, 1] {
        let st = t.status(node);
        let dropped = &st["instances"][0]["stats"]["dropped"];
        let keys: Vec<&str> = dropped
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        for want in [
            "BadChecksum",
            "Ttl",
            "VersionMismatch",
            "Truncated",
            "AddressCountMismatch",
            "BadType",
            "ZeroInterval",
        ] {
            assert!(
                keys.iter().any(|k| k.contains(want)),
                "node {node}: no `{want}` among the drops {keys:?}\n{st}"
            );
        }
        assert_eq!(
            st["instances"][0]["state"],
            if node == 0 { "MASTER" } else { "BACKUP" },
            "{st}"
        );
    }
}

#[test]
fn a_failing_tracked_script_moves_the_address_and_its_recovery_brings_it_back() {
    require_root!();
    let mut t = Topo::new(2);
    let vip = t.vip();
    let flag = t.dir.path().join("healthy");
    std::fs::write(&flag, "").expect("flag");
    let script = format!(
        "vrrp_script chk {{\n  script \"/usr/bin/test -e {}\"\n  interval 1\n  weight -150\n}}\n",
        flag.display()
    );
    let tracked = format!("{V3_FAST}\n  track_script {{\n    chk\n  }}");
    let a = t.plan(
        "a",
        &format!("{script}{}", instance("BACKUP", 200, &tracked, &format!("{vip}/24"))),
    );
    let b = t.plan("b", &instance("BACKUP", 100, V3_FAST, &format!("{vip}/24")));
    t.vigild(0, &a);
    t.vigild(1, &b);
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    std::fs::remove_file(&flag).expect("rm flag");
    // The next run (within 1 s) fails: 200 - 150 = 50 < 100, node 1 preempts.
    t.wait_holders(&vip, &[1], Duration::from_secs(3));
    let st = t.status(0);
    assert_eq!(st["instances"][0]["priority"], 50, "{st}");
    assert_eq!(st["scripts"][0]["up"], false, "{st}");
    std::fs::write(&flag, "").expect("flag");
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
}

#[test]
fn reloading_an_unchanged_plan_keeps_state_and_adverts_flowing() {
    require_root!();
    let mut t = Topo::new(2);
    let vip = t.vip();
    let a = t.plan("a", &instance("BACKUP", 200, V3_FAST, &format!("{vip}/24")));
    let b = t.plan("b", &instance("BACKUP", 100, V3_FAST, &format!("{vip}/24")));
    t.vigild(0, &a);
    t.vigild(1, &b);
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    std::thread::sleep(Duration::from_millis(300));
    let before = t.status(0)["instances"][0]["stats"]["transitions"].clone();
    let sock = t.dir.path().join("vigild0.sock");
    let reload = |plan: &Path| {
        Command::new(env!("CARGO_BIN_EXE_vigild"))
            .arg("--socket")
            .arg(&sock)
            .arg("reload")
            .arg(plan)
            .output()
            .expect("vigild reload")
    };
    let capture = (!sh_out("command -v tshark").trim().is_empty()).then(|| {
        let cmd = format!(
            "timeout 5 ip netns exec {} tshark -i eth0 -c 40 -f 'ip proto 112' -T fields -e frame.time_relative 2>/dev/null",
            t.names[1]
        );
        std::thread::spawn(move || sh_out(&cmd))
    });
    std::thread::sleep(Duration::from_millis(700));
    for _ in 0..5 {
        let out = reload(&a);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    t.stays(&vip, &[0], Duration::from_millis(300));
    if let Some(c) = capture {
        let times: Vec<f64> = c
            .join()
            .expect("tshark")
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        assert!(times.len() >= 20, "captured {times:?}");
        let gap = times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        assert!(
            gap < 0.1,
            "an advert gap of {gap} s across the reloads (interval 50 ms)"
        );
    }
    let st = t.status(0);
    assert_eq!(
        st["instances"][0]["stats"]["transitions"], before,
        "no state change: {st}"
    );
    assert_eq!(t.status(1)["instances"][0]["state"], "BACKUP");
    // A plan that does not validate is refused and the running one stays.
    let bad = t.file(
        "bad.json",
        r#"{"plan_version": 1, "source": {"file": "x"}, "vrrp_instances": [{"name": "x"}]}"#,
    );
    let out = reload(&bad);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("reload refused"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.stays(&vip, &[0], Duration::from_millis(300));
    // A plan that differs only in where things were written (lines added above) and in a
    // non-owner's priority keeps the instance as it is, as keepalived does: no transition,
    // the new priority advertised.
    let moved = t.plan(
        "a1",
        &format!("# edited\n\n{}", instance("BACKUP", 220, V3_FAST, &format!("{vip}/24"))),
    );
    assert!(reload(&moved).status.success());
    t.stays(&vip, &[0], Duration::from_millis(300));
    let st = t.status(0);
    assert_eq!(
        st["instances"][0]["stats"]["transitions"], before,
        "no state change: {st}"
    );
    assert_eq!(st["instances"][0]["priority"], 220, "{st}");
    assert_eq!(st["instances"][0]["base_priority"], 220, "{st}");
    // A changed priority takes effect: node 0 at 50 loses to node 1.
    let lower = t.plan("a2", &instance("BACKUP", 50, V3_FAST, &format!("{vip}/24")));
    assert!(reload(&lower).status.success());
    t.wait_holders(&vip, &[1], Duration::from_secs(3));
}

#[test]
fn a_tracked_file_moves_the_priority_by_its_number_against_keepalived() {
    require_root!();
    let mut t = Topo::new(2);
    let vip = t.vip();
    let file = t.dir.path().join("prio");
    // init_file creates it with 0; each unit in it costs 30 priority points.
    let def = format!(
        "track_file prio {{\n  file {}\n  weight -30\n  init_file 0\n}}\n",
        file.display()
    );
    let tracked = format!("{V3_FAST}\n  track_file {{\n    prio\n  }}");
    let a = t.plan(
        "a",
        &format!("{def}{}", instance("BACKUP", 200, &tracked, &format!("{vip}/24"))),
    );
    t.vigild(0, &a);
    t.keepalived(1, &instance("BACKUP", 100, V3_FAST, &format!("{vip}/24")));
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    assert_eq!(std::fs::read_to_string(&file).expect("init_file").trim(), "0");
    // 2 x -30: 140, still above keepalived's 100.
    std::fs::write(&file, "2\n").expect("write");
    t.stays(&vip, &[0], Duration::from_millis(500));
    assert_eq!(t.status(0)["instances"][0]["priority"], 140);
    // 4 x -30: 80; keepalived preempts.
    std::fs::write(&file, "4\n").expect("write");
    t.wait_holders(&vip, &[1], Duration::from_secs(2));
    assert_eq!(t.status(0)["instances"][0]["priority"], 80);
    assert_eq!(t.status(0)["files"][0]["value"], 4, "status shows the file's number");
    // Removed: reads 0, vigild preempts back at 200.
    std::fs::remove_file(&file).expect("rm");
    t.wait_holders(&vip, &[0], Duration::from_secs(2));
    assert_eq!(t.status(0)["instances"][0]["priority"], 200);
}

#[test]
fn notify_fifo_gets_a_line_per_state_change() {
    require_root!();
    let mut t = Topo::new(1);
    let vip = t.vip();
    let fifo = t.dir.path().join("notify.fifo");
    let conf = format!(
        "global_defs {{\n  notify_fifo {}\n}}\n{}",
        fifo.display(),
        instance("BACKUP", 150, V3_FAST, &format!("{vip}/24"))
    );
    let plan = t.plan("a", &conf);
    let ours = t.vigild(0, &plan);
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix_nonblock())
        .open(&fifo)
        .expect("vigild created the FIFO");
    t.signal(ours, "TERM");
    t.wait_exit(ours, Duration::from_secs(5)).expect("exits");
    let mut got = String::new();
    let _ = reader.read_to_string(&mut got);
    assert_eq!(
        got, "INSTANCE \"VI_1\" BACKUP 150\nINSTANCE \"VI_1\" MASTER 150\nINSTANCE \"VI_1\" STOP 150\n",
        "keepalived's lines, in order"
    );
    assert!(!fifo.exists(), "the FIFO vigild created is removed when it stops");
}

/// O_NONBLOCK, so opening and reading the FIFO never waits on the writer.
fn nix_nonblock() -> i32 {
    0o4000
}

#[test]
fn notify_fifo_gets_group_lines_for_a_sync_group() {
    require_root!();
    let mut t = Topo::new(1);
    let vip = t.vip();
    let fifo = t.dir.path().join("notify.fifo");
    let second = instance(
        "BACKUP",
        150,
        V3_FAST,
        &format!("{}.2/24", vip.trim_end_matches(".100")),
    )
    .replace("VI_1", "VI_2")
    .replace("virtual_router_id 51", "virtual_router_id 52");
    let seen = t.dir.path().join("group-notify");
    let script = t.file("group.sh", &format!("#!/bin/sh\necho \"$@\" >> {}\n", seen.display()));
    topo::sh(&format!("chmod 755 {}", script.display()));
    let conf = format!(
        "global_defs {{\n  vrrp_notify_fifo {}\n}}\nvrrp_sync_group G {{\n  group {{\n    VI_1\n    VI_2\n  }}\n  notify {}\n}}\n{}{second}",
        fifo.display(),
        script.display(),
        instance("BACKUP", 150, V3_FAST, &format!("{vip}/24"))
    );
    let plan = t.plan("a", &conf);
    let ours = t.vigild(0, &plan);
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix_nonblock())
        .open(&fifo)
        .expect("vigild created the FIFO");
    t.signal(ours, "TERM");
    t.wait_exit(ours, Duration::from_secs(5)).expect("exits");
    let mut got = String::new();
    let _ = reader.read_to_string(&mut got);
    for want in [
        "INSTANCE \"VI_1\" MASTER 150\n",
        "INSTANCE \"VI_2\" MASTER 150\n",
        "GROUP \"G\" BACKUP 0\n",
        "GROUP \"G\" MASTER 0\n",
        "GROUP \"G\" STOP 0\n",
    ] {
        assert!(got.contains(want), "{want:?} missing from {got:?}");
    }
    assert_eq!(
        got.matches("GROUP \"G\" MASTER").count(),
        1,
        "once per group change: {got}"
    );
    // The group's notify script ran with keepalived's arguments.
    std::thread::sleep(Duration::from_millis(300));
    let ran = std::fs::read_to_string(&seen).unwrap_or_default();
    assert!(ran.contains("GROUP G MASTER 0"), "{ran:?}");
}

#[test]
fn smtp_alerts_reach_the_relay_as_keepalived_writes_them() {
    require_root!();
    if std::process::Command::new("python3")
        .args(["-W", "ignore", "-c", "import smtpd"])
        .output()
        .map_or(true, |o| !o.status.success())
    {
        eprintln!("SKIP: python3 without the smtpd module (a relay to receive the alerts)");
        return;
    }
    let mut t = Topo::new(1);
    let vip = t.vip();
    let mail = t.dir.path().join("mail.txt");
    // A relay on the node's loopback that prints what it receives.
    let relay = format!(
        "ip netns exec {} sh -c 'python3 -W ignore -u -m smtpd -n -c DebuggingServer 127.0.0.1:2525 > {} 2>&1' &",
        t.names[0],
        mail.display()
    );
    // Its output is not ours to wait for: the relay runs on after this shell.
    topo::sh(&format!("setsid sh -c \"{relay}\" > /dev/null 2>&1 < /dev/null"));
    std::thread::sleep(Duration::from_millis(700));
    let conf = format!(
        "global_defs {{\n  router_id lb1\n  notification_email {{\n    ops@example.com\n  }}\n  notification_email_from vigild@lb1\n  smtp_server 127.0.0.1 2525\n  smtp_alert\n}}\n{}",
        instance("BACKUP", 150, V3_FAST, &format!("{vip}/24"))
    );
    let plan = t.plan("a", &conf);
    let ours = t.vigild(0, &plan);
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    let end = std::time::Instant::now() + Duration::from_secs(5);
    let mut got = String::new();
    while std::time::Instant::now() < end && !got.contains("Entering MASTER state") {
        std::thread::sleep(Duration::from_millis(100));
        got = std::fs::read_to_string(&mail).unwrap_or_default();
    }
    t.signal(ours, "TERM");
    let _ = t.wait_exit(ours, Duration::from_secs(5));
    sh_out(&format!("ip netns pids {} | xargs -r kill", t.names[0]));
    for want in [
        "Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state",
        "From: vigild@lb1",
        "To: ops@example.com",
        "X-Mailer: Keepalived",
        "=> VRRP Instance is now owning VRRP VIPs <=",
    ] {
        assert!(got.contains(want), "{want:?} not in what the relay got:\n{got}");
    }
}

#[test]
fn a_plan_naming_a_missing_interface_is_refused_at_start_and_on_reload() {
    require_root!();
    let mut t = Topo::new(1);
    let vip = t.vip();
    // keepalived 2.2.7 exits on it: "Non-existent interface specified in configuration".
    let bad = t.plan(
        "bad",
        &instance("BACKUP", 150, V3_FAST, &format!("{vip}/24")).replace("interface eth0", "interface eth9"),
    );
    let refused = t.vigild(0, &bad);
    let status = t.wait_exit(refused, Duration::from_secs(3)).expect("vigild exits");
    assert!(!status.success());
    let log = std::fs::read_to_string(t.dir.path().join("vigild0.log")).unwrap_or_default();
    assert!(log.contains("interface eth9 does not exist"), "{log}");
    // Running on a good plan, a reload naming it is refused and the instance keeps running.
    let good = t.plan("good", &instance("BACKUP", 150, V3_FAST, &format!("{vip}/24")));
    t.vigild(0, &good);
    t.wait_holders(&vip, &[0], Duration::from_secs(3));
    let out = Command::new(env!("CARGO_BIN_EXE_vigild"))
        .arg("--socket")
        .arg(t.dir.path().join("vigild0.sock"))
        .arg("reload")
        .arg(&bad)
        .output()
        .expect("vigild reload");
    assert!(!out.status.success(), "the reload is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("eth9"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.stays(&vip, &[0], Duration::from_millis(300));
    assert_eq!(t.status(0)["instances"][0]["state"], "MASTER");
}
