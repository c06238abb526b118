//! vigild for real: nodes in network namespaces on a bridge, vigild against vigild and against
//! keepalived 2.2.7, with the election read from where the virtual address actually is.
//!
//! Needs root, `ip` and keepalived; without them each test prints SKIP and why. Every test
//! makes its own namespaces (named after the test and this process) and removes them, and
//! sends nothing outside them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

fn skip_reason() -> Option<String> {
    if !nix_is_root() {
        return Some("not root (network namespaces need it)".into());
    }
    for tool in ["ip", "keepalived"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .map_or(true, |s| !s.success())
        {
            return Some(format!("{tool} is not installed"));
        }
    }
    None
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

macro_rules! require_root {
    () => {
        if let Some(why) = skip_reason() {
            eprintln!("SKIP: {why}");
            return;
        }
    };
}

fn sh(cmd: &str) {
    let out = Command::new("sh").args(["-c", cmd]).output().expect("sh runs");
    assert!(
        out.status.success(),
        "`{cmd}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sh_out(cmd: &str) -> String {
    let out = Command::new("sh").args(["-c", cmd]).output().expect("sh runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A bridge namespace and `n` node namespaces, node `i` with `eth0` = 10.S.0.(i+1)/24 and an
/// IPv6 link-local address without DAD.
struct Topo {
    names: Vec<String>,
    bridge: String,
    dir: tempfile::TempDir,
    subnet: u32,
    children: Vec<(usize, Child)>,
}

impl Topo {
    fn new(n: usize) -> Topo {
        let k = NEXT.fetch_add(1, Ordering::SeqCst);
        let id = format!("vg{}x{k}", std::process::id() % 100_000);
        let subnet = 100 + (std::process::id() % 50) * 3 + k;
        let bridge = format!("{id}br");
        let names: Vec<String> = (0..n).map(|i| format!("{id}n{i}")).collect();
        sh(&format!("ip netns add {bridge}"));
        sh(&format!(
            "ip -n {bridge} link add br0 type bridge && ip -n {bridge} link set br0 up"
        ));
        for (i, ns) in names.iter().enumerate() {
            sh(&format!("ip netns add {ns}"));
            sh(&format!(
                "ip netns exec {ns} sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
            ));
            sh(&format!(
                "ip link add eth0 netns {ns} type veth peer name p{i} netns {bridge}"
            ));
            sh(&format!("ip -n {bridge} link set p{i} master br0 up"));
            sh(&format!("ip -n {ns} link set lo up"));
            sh(&format!(
                "ip -n {ns} addr add 10.{subnet}.0.{}/24 dev eth0 && ip -n {ns} link set eth0 up",
                i + 1
            ));
        }
        Topo {
            names,
            bridge,
            dir: tempfile::tempdir().expect("temp dir"),
            subnet,
            children: Vec::new(),
        }
    }

    fn ip(&self, node: usize) -> String {
        format!("10.{}.0.{}", self.subnet, node + 1)
    }
    fn vip(&self) -> String {
        format!("10.{}.0.100", self.subnet)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Compiles `conf` with the real compiler into a plan file.
    fn plan(&self, name: &str, conf: &str) -> PathBuf {
        let path = self.file(&format!("{name}.conf"), conf);
        let checked =
            vigil_compiler::check_path(&path, &vigil_compiler::CheckOptions::default(), &vigil_grammar::RealFs)
                .expect("readable");
        let plan = vigil_compiler::compile(&checked, vigil_plan_source(&path));
        let out = self.dir.path().join(format!("{name}.json"));
        std::fs::write(&out, serde_json::to_string(&plan).expect("json")).expect("write plan");
        out
    }

    fn vigild(&mut self, node: usize, plan: &Path) -> usize {
        let sock = self.dir.path().join(format!("vigild{node}.sock"));
        let log = std::fs::File::create(self.dir.path().join(format!("vigild{node}.log"))).expect("log");
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.names[node],
                env!("CARGO_BIN_EXE_vigild"),
                "--socket",
            ])
            .arg(&sock)
            .arg("run")
            .arg(plan)
            .env("VIGILD_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("vigild starts");
        self.children.push((node, child));
        self.children.len() - 1
    }

    fn keepalived(&mut self, node: usize, conf: &str) -> usize {
        let d = self.dir.path();
        let path = self.file(&format!("ka{node}.conf"), conf);
        let log = std::fs::File::create(d.join(format!("ka{node}.log"))).expect("log");
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.names[node],
                "keepalived",
                "-P",
                "-n",
                "-l",
                "-D",
                "-f",
            ])
            .arg(&path)
            .arg("-p")
            .arg(d.join(format!("ka{node}.pid")))
            .arg("-r")
            .arg(d.join(format!("ka{node}v.pid")))
            .arg("-c")
            .arg(d.join(format!("ka{node}c.pid")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("keepalived starts");
        self.children.push((node, child));
        self.children.len() - 1
    }

    fn signal(&mut self, child: usize, sig: &str) {
        let pid = self.children[child].1.id();
        // keepalived's VRRP child follows its parent's SIGTERM; SIGSTOP must reach the child
        // itself, so signal the whole process tree.
        sh(&format!("pkill -{sig} -P {pid} ; kill -{sig} {pid}"));
    }

    fn wait_exit(&mut self, child: usize, limit: Duration) -> Option<std::process::ExitStatus> {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Ok(Some(s)) = self.children[child].1.try_wait() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// The nodes holding `addr` on eth0.
    fn holders(&self, addr: &str) -> Vec<usize> {
        (0..self.names.len())
            .filter(|&i| {
                sh_out(&format!("ip -n {} addr show dev eth0", self.names[i]))
                    .split_whitespace()
                    .any(|w| w.split('/').next() == Some(addr))
            })
            .collect()
    }

    /// Waits until exactly `want` holds `addr` (and nobody else), for up to `limit`.
    fn wait_holders(&self, addr: &str, want: &[usize], limit: Duration) -> Duration {
        let start = Instant::now();
        loop {
            let h = self.holders(addr);
            if h == want {
                return start.elapsed();
            }
            if start.elapsed() > limit {
                panic!(
                    "after {:?}, {addr} is held by {h:?}, expected {want:?}\n{}",
                    start.elapsed(),
                    self.logs()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Holds for `span`: `addr` stays on exactly `want`.
    fn stays(&self, addr: &str, want: &[usize], span: Duration) {
        let end = Instant::now() + span;
        while Instant::now() < end {
            let h = self.holders(addr);
            assert_eq!(h, want, "{addr} moved to {h:?}\n{}", self.logs());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn logs(&self) -> String {
        let mut s = String::new();
        if let Ok(rd) = std::fs::read_dir(self.dir.path()) {
            let mut entries: Vec<_> = rd
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
                .collect();
            entries.sort_by_key(|e| e.path());
            for e in entries {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(25).collect();
                s.push_str(&format!("--- {}\n", e.path().display()));
                for l in tail.into_iter().rev() {
                    s.push_str(l);
                    s.push('\n');
                }
            }
        }
        s
    }

    fn status(&self, node: usize) -> serde_json::Value {
        let sock = self.dir.path().join(format!("vigild{node}.sock"));
        let out = Command::new(env!("CARGO_BIN_EXE_vigild"))
            .arg("--socket")
            .arg(&sock)
            .args(["status", "--json"])
            .output()
            .expect("vigild status");
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    }

    /// Captures `count` VRRP packets on node `node`'s eth0 with tshark and returns its
    /// verbose dissection (empty if tshark is missing).
    fn capture(&self, node: usize, count: usize, secs: u32) -> String {
        if sh_out("command -v tshark").trim().is_empty() {
            eprintln!("tshark is not installed: adverts not dissected");
            return String::new();
        }
        let text = sh_out(&format!(
            "timeout {secs} ip netns exec {} tshark -i eth0 -c {count} -f 'ip proto 112 or ip6 proto 112' -V 2>/dev/null",
            self.names[node]
        ));
        assert!(
            text.contains("Virtual Router Redundancy Protocol"),
            "tshark saw no advert:\n{text}"
        );
        text
    }
}

fn vigil_plan_source(path: &Path) -> vigil_plan::Source {
    vigil_plan::Source {
        file: path.display().to_string(),
        config_id: None,
    }
}

impl Drop for Topo {
    fn drop(&mut self) {
        for (_, c) in &mut self.children {
            let pid = c.id();
            let _ = Command::new("sh")
                .args(["-c", &format!("pkill -KILL -P {pid}; kill -KILL {pid}")])
                .status();
            let _ = c.wait();
        }
        for ns in self.names.iter().chain(std::iter::once(&self.bridge)) {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
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
    // A changed priority takes effect: node 0 at 50 loses to node 1.
    let lower = t.plan("a2", &instance("BACKUP", 50, V3_FAST, &format!("{vip}/24")));
    assert!(reload(&lower).status.success());
    t.wait_holders(&vip, &[1], Duration::from_secs(3));
}
