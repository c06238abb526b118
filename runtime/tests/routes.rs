//! vigild's routes, rules, static addresses and excluded (IPv6) addresses for real, in network namespaces, against
//! keepalived 2.2.7 running the same keepalived.conf in the same namespace: the routing
//! tables, rules and addresses each leaves as master and after it stops must be the same.
//! Then vigild alone: virtual routes and rules leave with mastership and come back with it,
//! static ones stay, and a tracked route deleted behind its back is put back.
//!
//! Needs root, `ip` and keepalived; without them each test prints SKIP and why.

mod topo;

use std::time::{Duration, Instant};
use topo::{sh, sh_out, skip_reason, Topo};

macro_rules! require_root {
    () => {
        if let Some(why) = skip_reason() {
            eprintln!("SKIP: {why}");
            return;
        }
    };
}

/// The config both daemons run on node 0 (`prio` for its instance).
fn config(t: &Topo, prio: u8) -> String {
    let s = t.subnet;
    let vip = t.vip();
    format!(
        "static_ipaddress {{
  192.168.{s}.1/24 dev eth0
}}
static_routes {{
  198.51.100.0/24 via 10.{s}.0.254 dev eth0
  203.0.113.0/24 dev eth0 table 101 metric 7
  172.16.95.0/24 dev eth0
}}
static_rules {{
  from 192.168.{s}.0/24 table 101 priority 200
  to 172.16.94.0/24 table 101 priority 201
}}
vrrp_instance VI_1 {{
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority {prio}
  version 3
  advert_int 0.05
  virtual_ipaddress {{
    {vip}/24
  }}
  virtual_ipaddress_excluded {{
    fd00:{s}::10
    fd00:{s}::11/64
  }}
  virtual_routes {{
    172.16.99.0/24 via 10.{s}.0.254 dev eth0
    src {vip} 172.16.98.0/24 dev eth0 table 102
    blackhole 172.16.97.0/24
  }}
  virtual_rules {{
    from {vip}/32 table 102 priority 300
    to 172.16.96.0/24 table 101 priority 301
  }}
}}
"
    )
}

/// Node 0's IPv4 routes (every table), rules and eth0 addresses (IPv6 global ones too, with
/// their flags: a /128 goes in deprecated), one per line, sorted.
fn snapshot(t: &Topo) -> String {
    let ns = &t.names[0];
    let mut lines: Vec<String> = sh_out(&format!(
        "ip -n {ns} -4 route show table all; ip -n {ns} -4 rule show; ip -n {ns} -4 -o addr show dev eth0; ip -n {ns} -6 -o addr show dev eth0 scope global"
    ))
    .lines()
    // Address lifetimes tick; everything else must match.
    .map(|l| l.split("\\").next().unwrap_or(l).trim().to_string())
    .filter(|l| !l.is_empty())
    .collect();
    lines.sort();
    lines.join("\n")
}

fn wait_for(t: &Topo, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let s = snapshot(t);
        if ok(&s) {
            return s;
        }
        assert!(
            start.elapsed() < limit,
            "after {:?}, still not {what}:\n{s}\n{}",
            start.elapsed(),
            t.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn routes_rules_and_static_addresses_match_keepalived_and_follow_mastership() {
    require_root!();
    let mut t = Topo::new(2);
    let ns0 = t.names[0].clone();
    let vip = t.vip();
    // Someone else's route exactly as static_routes writes it (keepalived's protocol and
    // scope): the kernel answers EEXIST, which keepalived takes as success for a route, so
    // the route counts as its own and goes at stop.
    sh(&format!(
        "ip -n {ns0} route add 172.16.95.0/24 dev eth0 scope global proto 18"
    ));
    // And a rule: EEXIST is a failure for a rule, so it stays.
    sh(&format!(
        "ip -n {ns0} rule add to 172.16.94.0/24 table 101 priority 201"
    ));
    let conf = config(&t, 200);
    let has_all = |s: &str| {
        s.contains("172.16.99.0/24 via")
            && s.contains("172.16.98.0/24 dev eth0 table 102")
            && s.contains("blackhole 172.16.97.0/24")
            && s.contains("300:")
            && s.contains("301:")
            && s.contains("200:")
            && s.contains("198.51.100.0/24")
            && s.contains("203.0.113.0/24")
            && s.contains("::10/128")
    };

    // keepalived first: what it installs as master, and what it leaves when it stops.
    let ka = t.keepalived(0, &conf);
    t.wait_holders(&vip, &[0], Duration::from_secs(5));
    let ka_master = wait_for(&t, "keepalived's routes", Duration::from_secs(3), has_all);
    t.signal(ka, "TERM");
    assert!(t.wait_exit(ka, Duration::from_secs(5)).is_some(), "keepalived stops");
    let ka_stopped = snapshot(&t);
    assert_ne!(ka_stopped, ka_master);

    // vigild on the same config in the same namespace, the foreign route there again.
    sh(&format!(
        "ip -n {ns0} route replace 172.16.95.0/24 dev eth0 scope global proto 18"
    ));
    let plan = t.plan("a", &conf);
    let v = t.vigild(0, &plan);
    t.wait_holders(&vip, &[0], Duration::from_secs(5));
    let ours = wait_for(&t, "vigild's routes", Duration::from_secs(3), has_all);
    assert_eq!(
        ours, ka_master,
        "vigild's routes, rules and addresses as master differ from keepalived's"
    );

    // A tracked virtual route deleted behind our back is put back.
    sh(&format!("ip -n {ns0} route del 172.16.99.0/24"));
    let back = wait_for(&t, "the deleted route put back", Duration::from_secs(2), |s| {
        s.contains("172.16.99.0/24 via")
    });
    assert_eq!(back, ka_master);

    // A higher keepalived on node 1: vigild goes BACKUP, its virtual routes and rules leave
    // with the address, the static ones stay.
    let peer = t.keepalived(
        1,
        &config(&t, 250).replace(&format!("192.168.{}.", t.subnet), "192.168.250."),
    );
    t.wait_holders(&vip, &[1], Duration::from_secs(5));
    let backup = wait_for(&t, "the virtual routes removed", Duration::from_secs(2), |s| {
        !s.contains("172.16.99.0/24") && !s.contains("300:") && !s.contains("301:")
    });
    for kept in [
        "198.51.100.0/24",
        "203.0.113.0/24",
        "200:",
        &format!("192.168.{}.1/24", t.subnet),
    ] {
        assert!(backup.contains(kept), "{kept} is static: it stays\n{backup}");
    }
    // The peer gone, vigild is master again and everything is back.
    t.signal(peer, "TERM");
    assert!(t.wait_exit(peer, Duration::from_secs(5)).is_some(), "keepalived stops");
    t.wait_holders(&vip, &[0], Duration::from_secs(5));
    let again = wait_for(&t, "vigild's routes again", Duration::from_secs(3), has_all);
    assert_eq!(again, ka_master);

    // Stopped, vigild leaves what keepalived leaves (the route that was there before gone too).
    t.signal(v, "TERM");
    assert!(t.wait_exit(v, Duration::from_secs(5)).is_some(), "vigild stops");
    let stopped = snapshot(&t);
    assert_eq!(
        stopped, ka_stopped,
        "what vigild leaves at stop differs from keepalived"
    );
    assert!(
        !stopped.contains("172.16.95.0/24"),
        "as keepalived, the route that was there is removed\n{stopped}"
    );
    assert!(
        stopped.contains("201:"),
        "as keepalived, the rule that was there stays\n{stopped}"
    );
}
