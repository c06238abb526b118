//! `use_vmac` for real, in network namespaces, against keepalived 2.2.7 on the same
//! keepalived.conf in the same namespace: the VMAC link, its addresses and the sysctls as
//! master and after stop must be the same; adverts and gratuitous ARPs leave with the virtual
//! MAC; a vigild and a keepalived peer, both on VMACs, elect one master.
//!
//! Needs root, `ip` and keepalived (tshark for the MAC check); without them it prints SKIP.

mod topo;

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

fn config(t: &Topo, prio: u8) -> String {
    format!(
        "vrrp_instance VI_1 {{
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority {prio}
  version 3
  advert_int 0.05
  use_vmac
  virtual_ipaddress {{
    {}/24
  }}
}}
",
        t.vip()
    )
}

/// Node `n`'s VMAC (kind, mode, MAC, flags), its addresses and the sysctls keepalived sets.
fn snapshot(t: &Topo, n: usize) -> String {
    let ns = &t.names[n];
    let link: String = sh_out(&format!("ip -n {ns} -d -o link show dev vrrp.51 2>/dev/null"))
        .split_whitespace()
        // Indices, queue and GSO figures are not ours to compare.
        .filter(|w| !w.ends_with(':') || w.starts_with("vrrp"))
        .collect::<Vec<_>>()
        .join(" ");
    let keep = [
        "vrrp.51@eth0:",
        "link/ether",
        "macvlan",
        "mode",
        "private",
        "addrgenmode",
        "none",
        "UP",
    ];
    let link: Vec<&str> = link
        .split(' ')
        .filter(|w| keep.iter().any(|k| w.contains(k)) || w.contains(":00:5e:"))
        .collect();
    let addrs = sh_out(&format!(
        "ip -n {ns} -o addr show dev vrrp.51 2>/dev/null | sed 's/^[0-9]*: //; s/\\\\.*//'"
    ));
    let sysctls = sh_out(&format!(
        "ip netns exec {ns} sh -c 'for d in eth0 vrrp.51 all default; do for k in arp_ignore arp_filter rp_filter accept_local promote_secondaries; do echo $d $k $(cat /proc/sys/net/ipv4/conf/$d/$k 2>/dev/null); done; echo $d disable_ipv6 $(cat /proc/sys/net/ipv6/conf/$d/disable_ipv6 2>/dev/null); done'"
    ));
    format!(
        "{}\n{}{}",
        link.join(" "),
        addrs.trim_end(),
        "\n".to_string() + &sysctls
    )
}

/// The nodes holding the VIP on their VMAC.
fn holders(t: &Topo) -> Vec<usize> {
    let vip = format!("{}/24", t.vip());
    (0..t.names.len())
        .filter(|&n| sh_out(&format!("ip -n {} addr show dev vrrp.51 2>/dev/null", t.names[n])).contains(&vip))
        .collect()
}

fn wait_holders(t: &Topo, want: &[usize], limit: Duration) {
    let start = Instant::now();
    loop {
        let h = holders(t);
        if h == want {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "VIP held by {h:?}, expected {want:?}\n{}",
            t.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Source MACs of the VRRP and ARP frames on the bridge port of node 0, for `secs`.
fn capture_start(t: &Topo, secs: u32) -> std::path::PathBuf {
    let out = t.dir.path().join("cap.txt");
    let cmd = format!(
        "timeout {secs} ip netns exec {} tshark -l -i p0 -f 'vrrp or arp' -T fields -e eth.src -e arp.src.hw_mac -e vrrp.prio > {} 2>/dev/null &",
        t.bridge,
        out.display()
    );
    sh_out(&cmd);
    std::thread::sleep(Duration::from_millis(800));
    out
}

#[test]
fn vmac_matches_keepalived_and_elects_with_a_keepalived_peer() {
    require_root!();
    let tshark = !sh_out("command -v tshark").trim().is_empty();
    let mut t = Topo::new(2);
    let conf = config(&t, 200);

    let ka = t.keepalived(0, &conf);
    wait_holders(&t, &[0], Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    let ka_master = snapshot(&t, 0);
    t.signal(ka, "TERM");
    assert!(t.wait_exit(ka, Duration::from_secs(5)).is_some(), "keepalived stops");
    let ka_stopped = snapshot(&t, 0);
    eprintln!("keepalived as master:\n{ka_master}\nstopped:\n{ka_stopped}");
    assert!(
        ka_master.contains("macvlan") && ka_master.contains("00:00:5e:00:01:33"),
        "{ka_master}"
    );
    assert!(
        !ka_stopped.contains("macvlan"),
        "keepalived removes its VMAC\n{ka_stopped}"
    );

    let cap = tshark.then(|| capture_start(&t, 4));
    let plan = t.plan("a", &conf);
    let v = t.vigild(0, &plan);
    wait_holders(&t, &[0], Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        snapshot(&t, 0),
        ka_master,
        "vigild's VMAC as master differs from keepalived's\n{}",
        t.logs()
    );
    if let Some(cap) = cap {
        std::thread::sleep(Duration::from_millis(3500));
        let text = std::fs::read_to_string(cap).unwrap_or_default();
        let adverts: Vec<&str> = text.lines().filter(|l| l.ends_with("\t200")).collect();
        let garps: Vec<&str> = text
            .lines()
            .filter(|l| l.split('\t').nth(1).is_some_and(|m| !m.is_empty()))
            .collect();
        assert!(
            !adverts.is_empty() && !garps.is_empty(),
            "adverts and GARPs seen\n{text}"
        );
        for l in adverts.iter().chain(&garps) {
            assert!(
                l.starts_with("00:00:5e:00:01:33"),
                "sent from the virtual MAC: {l}\n{text}"
            );
        }
    }
    // A keepalived peer on node 1, higher, also on a VMAC: one master, node 1.
    let peer = t.keepalived(1, &config(&t, 250));
    wait_holders(&t, &[1], Duration::from_secs(5));
    t.signal(peer, "TERM");
    assert!(t.wait_exit(peer, Duration::from_secs(5)).is_some(), "keepalived stops");
    wait_holders(&t, &[0], Duration::from_secs(5));
    // And lower: vigild stays master.
    let peer = t.keepalived(1, &config(&t, 100));
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(holders(&t), [0]);
    t.signal(peer, "TERM");
    assert!(t.wait_exit(peer, Duration::from_secs(5)).is_some());

    t.signal(v, "TERM");
    assert!(t.wait_exit(v, Duration::from_secs(5)).is_some(), "vigild stops");
    assert_eq!(
        snapshot(&t, 0),
        ka_stopped,
        "what vigild leaves at stop differs from keepalived"
    );
}

#[test]
fn rp_filter_is_cleared_and_put_back_as_keepalived_does() {
    require_root!();
    let mut t = Topo::new(1);
    let ns = t.names[0].clone();
    let set = format!("ip netns exec {ns} sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.lo.rp_filter=2");
    topo::sh(&set);
    let conf = config(&t, 200);
    let ka = t.keepalived(0, &conf);
    wait_holders(&t, &[0], Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    let lo = || sh_out(&format!("ip netns exec {ns} cat /proc/sys/net/ipv4/conf/lo/rp_filter"));
    let ka_master = snapshot(&t, 0) + &lo();
    t.signal(ka, "TERM");
    assert!(t.wait_exit(ka, Duration::from_secs(5)).is_some(), "keepalived stops");
    let ka_stopped = snapshot(&t, 0) + &lo();
    assert!(ka_master.contains("all rp_filter 0"), "{ka_master}");
    assert!(ka_stopped.contains("all rp_filter 1"), "{ka_stopped}");

    topo::sh(&set);
    let plan = t.plan("a", &conf);
    let v = t.vigild(0, &plan);
    wait_holders(&t, &[0], Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(snapshot(&t, 0) + &lo(), ka_master, "as master\n{}", t.logs());
    t.signal(v, "TERM");
    assert!(t.wait_exit(v, Duration::from_secs(5)).is_some(), "vigild stops");
    assert_eq!(snapshot(&t, 0) + &lo(), ka_stopped, "after stop");
}

#[test]
fn a_reload_keeps_the_vmac_of_a_kept_instance_and_removes_a_dropped_ones() {
    require_root!();
    let mut t = Topo::new(1);
    let ns = t.names[0].clone();
    let conf = config(&t, 200);
    let plan = t.plan("a", &conf);
    let v = t.vigild(0, &plan);
    wait_holders(&t, &[0], Duration::from_secs(5));
    let index = || {
        sh_out(&format!(
            "ip -n {ns} -o link show dev vrrp.51 2>/dev/null | cut -d: -f1"
        ))
    };
    let first = index();
    assert!(!first.trim().is_empty());
    let reload = |t: &mut Topo, conf: &str| {
        t.plan("a", conf);
        t.signal(v, "HUP");
        std::thread::sleep(Duration::from_millis(700));
    };
    // The same instance, its priority changed: kept in place, the same link.
    let higher = config(&t, 210);
    reload(&mut t, &higher);
    assert_eq!(index(), first, "the VMAC is kept\n{}", t.logs());
    assert_eq!(holders(&t), [0]);
    // The instance gone (another VRID, no VMAC): its VMAC goes.
    let other = config(&t, 200)
        .replace("virtual_router_id 51", "virtual_router_id 52")
        .replace("  use_vmac\n", "");
    reload(&mut t, &other);
    assert!(index().trim().is_empty(), "the VMAC is removed\n{}", t.logs());
    // Back: created again.
    reload(&mut t, &conf);
    wait_holders(&t, &[0], Duration::from_secs(5));
    t.signal(v, "TERM");
    assert!(t.wait_exit(v, Duration::from_secs(5)).is_some(), "vigild stops");
    assert!(index().trim().is_empty(), "removed at stop");
}

#[test]
fn an_ipv6_vmac_matches_keepalived() {
    require_root!();
    let mut t = Topo::new(2);
    let ns = t.names[0].clone();
    let conf = "vrrp_instance VI_6 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 200
  version 3
  advert_int 0.05
  use_vmac
  virtual_ipaddress {
    fd00:51::100/64
  }
}
"
    .to_string();
    let show = || {
        let link: Vec<String> = sh_out(&format!("ip -n {ns} -d -o link show dev vrrp.51 2>/dev/null"))
            .split_whitespace()
            .filter(|w| w.contains(":00:5e:") || ["macvlan", "private", "none"].contains(w))
            .map(str::to_string)
            .collect();
        let addrs = sh_out(&format!(
            "ip -n {ns} -o -6 addr show dev vrrp.51 2>/dev/null | sed 's/^[0-9]*: //; s/\\\\.*//'; ip netns exec {ns} cat /proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6 2>/dev/null"
        ));
        format!("{}\n{addrs}", link.join(" "))
    };
    let has_vip = |s: &str| s.contains("fd00:51::100/64");
    let wait = |t: &Topo, what: &str| {
        let start = Instant::now();
        loop {
            let s = show();
            if has_vip(&s) {
                std::thread::sleep(Duration::from_millis(300));
                return show();
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "{what}: no VIP\n{s}\n{}",
                t.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let ka = t.keepalived(0, &conf);
    let ka_master = wait(&t, "keepalived");
    t.signal(ka, "TERM");
    assert!(t.wait_exit(ka, Duration::from_secs(5)).is_some());
    assert!(ka_master.contains("00:00:5e:00:02:33"), "{ka_master}");
    let plan = t.plan("a", &conf);
    let v = t.vigild(0, &plan);
    let ours = wait(&t, "vigild");
    // A higher keepalived peer on a VMAC takes over, and gives back when it stops.
    let peer = t.keepalived(1, &conf.replace("priority 200", "priority 250"));
    until(&t, "the peer takes over", |t| v6_on(t, 1) && !v6_on(t, 0));
    t.signal(peer, "TERM");
    assert!(t.wait_exit(peer, Duration::from_secs(5)).is_some());
    until(&t, "vigild takes back", |t| v6_on(t, 0));
    t.signal(v, "TERM");
    assert!(t.wait_exit(v, Duration::from_secs(5)).is_some());
    assert_eq!(
        ours,
        ka_master,
        "vigild's IPv6 VMAC differs from keepalived's\n{}",
        t.logs()
    );
    assert!(show().trim().is_empty() || !show().contains("macvlan"));
}

fn v6_on(t: &Topo, n: usize) -> bool {
    sh_out(&format!("ip -n {} -6 addr show dev vrrp.51 2>/dev/null", t.names[n])).contains("fd00:51::100/64")
}

fn until(t: &Topo, what: &str, ok: impl Fn(&Topo) -> bool) {
    let start = Instant::now();
    while !ok(t) {
        assert!(start.elapsed() < Duration::from_secs(5), "{what}\n{}", t.logs());
        std::thread::sleep(Duration::from_millis(20));
    }
}
