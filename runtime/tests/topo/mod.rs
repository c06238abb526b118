//! Network-namespace topologies for vigild's tests and benchmarks: a bridge namespace and
//! node namespaces on it, vigild and keepalived started in them, and where an address is.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub fn skip_reason() -> Option<String> {
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

pub fn sh(cmd: &str) {
    let out = Command::new("sh").args(["-c", cmd]).output().expect("sh runs");
    assert!(
        out.status.success(),
        "`{cmd}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn sh_out(cmd: &str) -> String {
    let out = Command::new("sh").args(["-c", cmd]).output().expect("sh runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A bridge namespace and `n` node namespaces, node `i` with `eth0` = 10.S.0.(i+1)/24 and an
/// IPv6 link-local address without DAD.
pub struct Topo {
    pub names: Vec<String>,
    pub bridge: String,
    pub dir: tempfile::TempDir,
    pub subnet: u32,
    pub children: Vec<(usize, Child)>,
}

impl Topo {
    pub fn new(n: usize) -> Topo {
        let k = NEXT.fetch_add(1, Ordering::SeqCst);
        let id = format!("vg{}x{k}", std::process::id() % 100_000);
        // Each topology has namespaces of its own, so subnets only need to be valid (one
        // test may build dozens of topologies).
        let subnet = 10 + ((std::process::id() % 50) * 3 + k) % 240;
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

    pub fn ip(&self, node: usize) -> String {
        format!("10.{}.0.{}", self.subnet, node + 1)
    }
    pub fn vip(&self) -> String {
        format!("10.{}.0.100", self.subnet)
    }

    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Compiles `conf` with the real compiler into a plan file.
    pub fn plan(&self, name: &str, conf: &str) -> PathBuf {
        let path = self.file(&format!("{name}.conf"), conf);
        let checked =
            vigil_compiler::check_path(&path, &vigil_compiler::CheckOptions::default(), &vigil_grammar::RealFs)
                .expect("readable");
        let plan = vigil_compiler::compile(&checked, vigil_plan_source(&path));
        let out = self.dir.path().join(format!("{name}.json"));
        std::fs::write(&out, serde_json::to_string(&plan).expect("json")).expect("write plan");
        out
    }

    pub fn vigild(&mut self, node: usize, plan: &Path) -> usize {
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
            // Tests read the debug log when something fails; the benchmark logs as users do.
            .env(
                "VIGILD_LOG",
                std::env::var("VIGIL_TOPO_LOG").unwrap_or_else(|_| "debug".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("vigild starts");
        self.children.push((node, child));
        self.children.len() - 1
    }

    pub fn keepalived(&mut self, node: usize, conf: &str) -> usize {
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

    pub fn signal(&mut self, child: usize, sig: &str) {
        let pid = self.children[child].1.id();
        // keepalived's VRRP child follows its parent's SIGTERM; SIGSTOP must reach the child
        // itself, so signal the whole process tree.
        sh(&format!("pkill -{sig} -P {pid} ; kill -{sig} {pid}"));
    }

    pub fn wait_exit(&mut self, child: usize, limit: Duration) -> Option<std::process::ExitStatus> {
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
    pub fn holders(&self, addr: &str) -> Vec<usize> {
        (0..self.names.len())
            .filter(|&i| {
                sh_out(&format!("ip -n {} addr show dev eth0", self.names[i]))
                    .split_whitespace()
                    .any(|w| w.split('/').next() == Some(addr))
            })
            .collect()
    }

    /// Waits until exactly `want` holds `addr` (and nobody else), for up to `limit`.
    pub fn wait_holders(&self, addr: &str, want: &[usize], limit: Duration) -> Duration {
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
    pub fn stays(&self, addr: &str, want: &[usize], span: Duration) {
        let end = Instant::now() + span;
        while Instant::now() < end {
            let h = self.holders(addr);
            assert_eq!(h, want, "{addr} moved to {h:?}\n{}", self.logs());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn logs(&self) -> String {
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

    pub fn status(&self, node: usize) -> serde_json::Value {
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
    pub fn capture(&self, node: usize, count: usize, secs: u32) -> String {
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
