//! Scenarios on the simulated segment: who is master when.

use std::net::IpAddr;
use vigil_vrrp::packet::Version;
use vigil_vrrp::sim::{Event, Net, Sim};
use vigil_vrrp::{InstanceConfig, Micros, State, Time, Tracker};

const S: u64 = 1_000_000;
const DELAY: u64 = 100; // the default one-way delay, µs

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn t(us: u64) -> Time {
    Time(us)
}

fn cfg(vrid: u8, addr: &str, priority: u8) -> InstanceConfig {
    let mut c = InstanceConfig::new(
        &format!("VI_{vrid}"),
        vrid,
        Version::V3,
        ip(addr),
        vec![ip(&format!("10.0.{vrid}.100"))],
    );
    c.priority = priority;
    c
}

fn masters(sim: &Sim, vrid: u8, at: u64) -> Vec<String> {
    sim.masters_at(vrid, t(at))
}

/// After `from`, `vrid` never has more than one master for longer than one delivery (the
/// overlap while the loser's yield is in flight).
fn never_two_masters(sim: &Sim, vrid: u8, from: u64) -> bool {
    let h: Vec<_> = sim
        .history()
        .iter()
        .filter(|(at, v, _)| *v == vrid && at.0 >= from)
        .collect();
    h.iter()
        .enumerate()
        .all(|(i, (at, _, m))| m.len() <= 1 || h.get(i + 1).is_some_and(|(next, _, _)| next.0 - at.0 <= DELAY))
}

fn two_routers(a_prio: u8, b_prio: u8) -> Sim {
    let mut sim = Sim::new(1, Net::default());
    let a = sim.add_router("A", vec![cfg(1, "10.0.0.1", a_prio)]);
    let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", b_prio)]);
    sim.at(t(0), Event::Start(a));
    sim.at(t(0), Event::Start(b));
    sim
}

#[test]
fn election_at_start() {
    let mut sim = Sim::new(1, Net::default());
    for (name, addr, prio) in [("A", "10.0.0.1", 200), ("B", "10.0.0.2", 100), ("C", "10.0.0.3", 50)] {
        let r = sim.add_router(name, vec![cfg(1, addr, prio)]);
        sim.at(t(0), Event::Start(r));
    }
    sim.run_until(t(20 * S));
    // The highest priority has the shortest skew: 3 s + 56/256 s.
    assert_eq!(sim.first_time_masters(1, t(0), &["A"]), Some(t(3_218_750)));
    assert!(never_two_masters(&sim, 1, 0));
    assert_eq!(sim.masters(1), ["A"]);
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn preemption_by_a_higher_priority_that_starts_later() {
    let mut sim = Sim::new(1, Net::default());
    let a = sim.add_router("A", vec![cfg(1, "10.0.0.1", 200)]);
    let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", 100)]);
    sim.at(t(0), Event::Start(b));
    sim.at(t(10 * S), Event::Start(a));
    sim.run_until(t(20 * S));
    assert_eq!(masters(&sim, 1, 9 * S), ["B"]);
    // A discards B's lower adverts and takes over after its own master-down interval;
    // B yields as soon as A's first advert arrives.
    assert_eq!(
        sim.first_time_masters(1, t(10 * S), &["A", "B"]),
        Some(t(10 * S + 3_218_750))
    );
    assert_eq!(
        sim.first_time_masters(1, t(10 * S), &["A"]),
        Some(t(10 * S + 3_218_750 + DELAY))
    );
    assert_eq!(sim.masters(1), ["A"]);
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn nopreempt_keeps_the_running_master() {
    let mut sim = Sim::new(1, Net::default());
    let mut ca = cfg(1, "10.0.0.1", 200);
    ca.preempt = false;
    let a = sim.add_router("A", vec![ca]);
    let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", 100)]);
    sim.at(t(0), Event::Start(b));
    sim.at(t(10 * S), Event::Start(a));
    sim.run_until(t(30 * S));
    assert_eq!(masters(&sim, 1, 30 * S), ["B"]);
    assert_eq!(sim.state(a, 0), Some(State::Backup));
    // Until B goes away.
    sim.at(t(31 * S), Event::Crash(b));
    sim.run_until(t(40 * S));
    assert_eq!(sim.masters(1), ["A"]);
}

#[test]
fn preempt_delay_holds_back_the_takeover() {
    let mut sim = Sim::new(1, Net::default());
    let mut ca = cfg(1, "10.0.0.1", 200);
    ca.preempt_delay = Micros::from_secs(10);
    let a = sim.add_router("A", vec![ca]);
    let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", 100)]);
    sim.at(t(0), Event::Start(b));
    sim.at(t(10 * S), Event::Start(a));
    sim.run_until(t(40 * S));
    let took = sim.first_time_masters(1, t(10 * S), &["A"]).expect("A preempts");
    // Not before the delay has run from B's first advert, at most one master-down later.
    assert!(took.0 >= 20 * S && took.0 <= 20 * S + 3_218_750 + S, "{took}");
    assert_eq!(masters(&sim, 1, 19 * S), ["B"]);
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn graceful_stop_hands_over_within_skew_time() {
    let mut sim = Sim::new(1, Net::default());
    let mut ca = cfg(1, "10.0.0.1", 200);
    let mut cb = cfg(1, "10.0.0.2", 100);
    ca.advert_interval = Micros::from_millis(50);
    cb.advert_interval = Micros::from_millis(50);
    let a = sim.add_router("A", vec![ca]);
    let b = sim.add_router("B", vec![cb]);
    sim.at(t(0), Event::Start(a));
    sim.at(t(0), Event::Start(b));
    sim.at(t(5 * S), Event::Stop(a));
    sim.run_until(t(6 * S));
    // runtime.md §4.3: Skew_Time 30.47 ms (measured 32.3 ms against keepalived).
    let took = sim.first_time_masters(1, t(5 * S), &["B"]).unwrap();
    assert_eq!(took.0 - 5 * S, DELAY + 30_468);
    assert_eq!(sim.masters_at(1, t(5 * S)), Vec::<String>::new());
}

#[test]
fn crash_hands_over_after_master_down_interval() {
    let mut sim = Sim::new(1, Net::default());
    let mut ca = cfg(1, "10.0.0.1", 200);
    let mut cb = cfg(1, "10.0.0.2", 100);
    ca.advert_interval = Micros::from_millis(50);
    cb.advert_interval = Micros::from_millis(50);
    let a = sim.add_router("A", vec![ca]);
    let b = sim.add_router("B", vec![cb]);
    sim.at(t(0), Event::Start(a));
    sim.at(t(0), Event::Start(b));
    sim.at(t(5 * S), Event::Crash(a));
    sim.run_until(t(6 * S));
    let last = sim
        .adverts()
        .iter()
        .filter(|r| r.router == a && r.at.0 < 5 * S)
        .map(|r| r.at)
        .max()
        .unwrap();
    let took = sim.first_time_masters(1, t(5 * S), &["B"]).unwrap();
    // 150 ms + 30.468 ms after the last advert arrived (runtime.md §4.3: 181.1 ms measured).
    assert_eq!(took.0 - last.0, DELAY + 180_468);
}

#[test]
fn equal_priorities_higher_address_wins() {
    let mut sim = two_routers(100, 100);
    sim.run_until(t(10 * S));
    // Both time out together, both are master for the delay, the lower address yields.
    assert_eq!(masters(&sim, 1, 3_609_375), ["A", "B"]);
    assert_eq!(sim.first_time_masters(1, t(0), &["B"]), Some(t(3_609_375 + DELAY)));
    assert_eq!(sim.masters(1), ["B"]);
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn two_owners() {
    let mut sim = two_routers(255, 255);
    sim.run_until(t(10 * S));
    // Both are master at once; the lower address yields on the first advert; the higher
    // one stays master at 255 since the other stops advertising.
    assert_eq!(masters(&sim, 1, 0), ["A", "B"]);
    assert_eq!(sim.masters(1), ["B"]);
    assert_eq!(sim.priority(1, 0), Some(255));
    assert_eq!(sim.state(0, 0), Some(State::Backup));
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn tracked_script_weight() {
    let mut sim = two_routers(200, 100);
    sim.set_trackers(0, 0, vec![Tracker::new(-150, false)]);
    sim.at(
        t(10 * S),
        Event::Tracker {
            router: 0,
            instance: 0,
            tracker: 0,
            up: false,
        },
    );
    sim.at(
        t(30 * S),
        Event::Tracker {
            router: 0,
            instance: 0,
            tracker: 0,
            up: true,
        },
    );
    sim.run_until(t(45 * S));
    assert_eq!(masters(&sim, 1, 9 * S), ["A"]);
    // A advertises 50 from 10 s; B preempts after its master-down interval.
    assert_eq!(sim.priority(0, 0), Some(200));
    let b_took = sim.first_time_masters(1, t(10 * S), &["B"]).unwrap();
    assert!(b_took.0 > 10 * S && b_took.0 < 15 * S, "{b_took}");
    assert_eq!(masters(&sim, 1, 29 * S), ["B"]);
    // Back at 200 from 30 s; A preempts B again.
    let a_back = sim.first_time_masters(1, t(30 * S), &["A"]).unwrap();
    assert!(a_back.0 > 30 * S && a_back.0 < 35 * S, "{a_back}");
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn tracked_script_fault() {
    let mut sim = two_routers(200, 100);
    sim.set_trackers(0, 0, vec![Tracker::new(0, false)]);
    sim.at(
        t(10 * S),
        Event::Tracker {
            router: 0,
            instance: 0,
            tracker: 0,
            up: false,
        },
    );
    sim.at(
        t(30 * S),
        Event::Tracker {
            router: 0,
            instance: 0,
            tracker: 0,
            up: true,
        },
    );
    sim.run_until(t(45 * S));
    assert_eq!(sim.state(0, 0), Some(State::Master));
    // A leaves for FAULT with a priority-0 advert: B takes over within its skew time.
    assert_eq!(
        sim.first_time_masters(1, t(10 * S), &["B"]),
        Some(t(10 * S + DELAY + 609_375))
    );
    assert_eq!(masters(&sim, 1, 29 * S), ["B"]);
    assert!(sim
        .transitions()
        .iter()
        .any(|r| r.router == "A" && r.to == State::Fault && r.at == t(10 * S)));
    // Out of fault through BACKUP, then A preempts.
    let a_back = sim.first_time_masters(1, t(30 * S), &["A"]).unwrap();
    assert_eq!(a_back, t(30 * S + 3_218_750 + DELAY));
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn sync_group_members_move_together() {
    let mut sim = Sim::new(1, Net::default());
    let a = sim.add_router("A", vec![cfg(1, "10.0.0.1", 200), cfg(2, "10.0.0.1", 200)]);
    let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", 100), cfg(2, "10.0.0.2", 100)]);
    sim.add_sync_group(a, "G", &[0, 1]);
    sim.add_sync_group(b, "G", &[0, 1]);
    sim.at(t(0), Event::Start(a));
    sim.at(t(0), Event::Start(b));
    // Only VI_2's interface fails on A; the whole group follows.
    sim.at(
        t(10 * S),
        Event::Interface {
            router: a,
            instance: 1,
            up: false,
        },
    );
    sim.at(
        t(20 * S),
        Event::Interface {
            router: a,
            instance: 1,
            up: true,
        },
    );
    sim.run_until(t(30 * S));
    for vrid in [1, 2] {
        assert_eq!(masters(&sim, vrid, 9 * S), ["A"], "vrid {vrid}");
        assert_eq!(masters(&sim, vrid, 19 * S), ["B"], "vrid {vrid}");
        assert_eq!(masters(&sim, vrid, 30 * S), ["A"], "vrid {vrid}");
        assert!(never_two_masters(&sim, vrid, 0), "{}", sim.history_text(vrid));
    }
    assert!(sim
        .transitions()
        .iter()
        .any(|r| r.router == "A" && r.instance == "VI_1" && r.to == State::Fault));
    insta::assert_snapshot!(format!("{}---\n{}", sim.history_text(1), sim.history_text(2)));
}

#[test]
fn without_sync_group_only_the_faulted_instance_moves() {
    let mut sim = Sim::new(1, Net::default());
    let a = sim.add_router("A", vec![cfg(1, "10.0.0.1", 200), cfg(2, "10.0.0.1", 200)]);
    let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", 100), cfg(2, "10.0.0.2", 100)]);
    sim.at(t(0), Event::Start(a));
    sim.at(t(0), Event::Start(b));
    sim.at(
        t(10 * S),
        Event::Interface {
            router: a,
            instance: 1,
            up: false,
        },
    );
    sim.run_until(t(19 * S));
    assert_eq!(sim.masters(1), ["A"]);
    assert_eq!(sim.masters(2), ["B"]);
}

#[test]
fn sync_group_prefers_backup() {
    // A's VI_1 drops to 50 by a tracker. B's VI_1 would preempt, but B's VI_2 still hears
    // A's VI_2 at 200, so B's group does not go master: A keeps both, never split.
    let mut sim = Sim::new(1, Net::default());
    let a = sim.add_router("A", vec![cfg(1, "10.0.0.1", 200), cfg(2, "10.0.0.1", 200)]);
    let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", 100), cfg(2, "10.0.0.2", 100)]);
    sim.add_sync_group(a, "G", &[0, 1]);
    sim.add_sync_group(b, "G", &[0, 1]);
    sim.set_trackers(a, 0, vec![Tracker::new(-150, false)]);
    sim.at(t(0), Event::Start(a));
    sim.at(t(0), Event::Start(b));
    sim.at(
        t(10 * S),
        Event::Tracker {
            router: a,
            instance: 0,
            tracker: 0,
            up: false,
        },
    );
    sim.run_until(t(30 * S));
    assert_eq!(sim.masters(1), ["A"]);
    assert_eq!(sim.masters(2), ["A"]);
    assert_eq!(sim.state(b, 0), Some(State::Backup));
}

#[test]
fn partition_two_masters_then_healing_one() {
    let mut sim = two_routers(200, 100);
    sim.at(t(10 * S), Event::Partition(vec![vec![0], vec![1]]));
    sim.at(t(20 * S), Event::Heal);
    sim.run_until(t(30 * S));
    assert_eq!(masters(&sim, 1, 9 * S), ["A"]);
    assert_eq!(masters(&sim, 1, 19 * S), ["A", "B"]);
    // On healing, the first advert either way settles it: B yields to A's higher priority
    // (or A answers B's lower one, "forcing new election").
    let healed = sim.first_time_masters(1, t(20 * S), &["A"]).unwrap();
    assert!(healed.0 <= 20 * S + S + DELAY, "{healed}");
    assert_eq!(sim.masters(1), ["A"]);
    insta::assert_snapshot!(sim.history_text(1));
}

#[test]
fn loss_and_jitter_are_deterministic_per_seed() {
    let run = |seed| {
        let net = Net {
            delay: Micros(200),
            jitter: Micros(5_000),
            loss_ppm: 50_000,
        };
        let mut sim = Sim::new(seed, net);
        let a = sim.add_router("A", vec![cfg(1, "10.0.0.1", 200)]);
        let b = sim.add_router("B", vec![cfg(1, "10.0.0.2", 100)]);
        let c = sim.add_router("C", vec![cfg(1, "10.0.0.3", 50)]);
        for r in [a, b, c] {
            sim.at(t(0), Event::Start(r));
        }
        sim.at(t(60 * S), Event::Crash(a));
        sim.run_until(t(120 * S));
        (sim.history().to_vec(), sim.deliveries())
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42).1, run(43).1);
    let (history, _) = run(42);
    let at = |x: u64| {
        history
            .iter()
            .rev()
            .find(|(t, _, _)| t.0 <= x)
            .map(|(_, _, m)| m.clone())
            .unwrap()
    };
    assert_eq!(at(59 * S), ["A"]);
    assert_eq!(at(120 * S), ["B"]);
}

#[test]
fn adverts_cross_the_wire_v2_and_ipv6() {
    // Same election over VRRPv2/IPv4 and VRRPv3/IPv6: the simulator encodes and decodes.
    for (version, a_addr, b_addr, vip) in [
        (Version::V2, "10.0.0.1", "10.0.0.2", "10.0.1.100"),
        (Version::V3, "fe80::1", "fe80::2", "2001:db8::100"),
    ] {
        let mut sim = Sim::new(1, Net::default());
        let mk = |addr: &str, prio| {
            let mut c = InstanceConfig::new("VI_1", 1, version, ip(addr), vec![ip(vip)]);
            c.priority = prio;
            c
        };
        let a = sim.add_router("A", vec![mk(a_addr, 200)]);
        let b = sim.add_router("B", vec![mk(b_addr, 100)]);
        sim.at(t(0), Event::Start(a));
        sim.at(t(0), Event::Start(b));
        sim.at(t(10 * S), Event::Crash(a));
        sim.run_until(t(20 * S));
        assert_eq!(masters(&sim, 1, 9 * S), ["A"], "{version:?}");
        assert_eq!(sim.masters(1), ["B"], "{version:?}");
        assert_eq!(sim.decode_errors(), 0);
    }
}
