//! Transcripts of one instance: scripted inputs at given times, timers fired whenever the
//! instance's deadline comes first, every action written down. Snapshots (insta) plus
//! assertions on the times that matter.

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};
use vigil_vrrp::packet::{Addrs, Advert, Auth, ChecksumForm, Version};
use vigil_vrrp::{Action, InitialState, Input, Instance, InstanceConfig, Micros, RxMeta, State, Time};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn cfg(version: Version, priority: u8) -> InstanceConfig {
    let mut c = InstanceConfig::new("VI_1", 51, version, ip("10.0.0.2"), vec![ip("10.0.0.100")]);
    c.priority = priority;
    c
}

fn advert_from(version: Version, priority: u8, interval: u16) -> Advert {
    Advert {
        version,
        vrid: 51,
        priority,
        interval,
        auth: Auth::NONE,
        addrs: Addrs::V4(vec![Ipv4Addr::new(10, 0, 0, 100)]),
        checksum: if version == Version::V2 {
            ChecksumForm::VrrpOnly
        } else {
            ChecksumForm::PseudoHeader
        },
    }
}

/// An advert from `src` with `priority` and the wire `interval`.
fn adv(version: Version, src: &str, priority: u8, interval: u16) -> Input {
    Input::Advert {
        advert: advert_from(version, priority, interval),
        rx: RxMeta {
            src: ip(src),
            dst: ip("224.0.0.18"),
            ttl: 255,
        },
    }
}

fn describe(input: &Input) -> String {
    match input {
        Input::Advert { advert, rx } => format!(
            "advert from {} prio {} int {}",
            rx.src, advert.priority, advert.interval
        ),
        Input::PriorityChanged(p) => format!("priority changed to {p}"),
        other => format!("{other:?}"),
    }
}

struct Run {
    inst: Instance,
    log: String,
    /// (time, actions) of every step.
    steps: Vec<(Time, Vec<Action>)>,
}

impl Run {
    fn new(cfg: InstanceConfig) -> Run {
        Run {
            inst: Instance::new(cfg),
            log: String::new(),
            steps: Vec::new(),
        }
    }

    fn step(&mut self, now: Time, input: Input) {
        let what = describe(&input);
        let acts = self.inst.handle(now, input);
        let _ = write!(self.log, "{now} {what} -> {:?}", self.inst.state());
        for a in &acts {
            let _ = write!(self.log, "\n    {a:?}");
        }
        self.log.push('\n');
        self.steps.push((now, acts));
    }

    /// Fires timers up to `until` (exclusive of inputs scheduled later).
    fn timers_until(&mut self, until: Time) {
        while let Some(d) = self.inst.next_deadline() {
            if d > until {
                break;
            }
            self.step(d, Input::Timer);
        }
    }

    /// Runs the script: each (µs, input), with timers in between, then timers up to `end`.
    fn script(mut self, inputs: Vec<(u64, Input)>, end: u64) -> Run {
        for (t, input) in inputs {
            self.timers_until(Time(t.saturating_sub(1)));
            self.step(Time(t), input);
        }
        self.timers_until(Time(end));
        self
    }

    fn became_master_at(&self) -> Option<Time> {
        self.steps
            .iter()
            .find(|(_, acts)| {
                acts.iter()
                    .any(|a| matches!(a, Action::Transition { to: State::Master, .. }))
            })
            .map(|(t, _)| *t)
    }
}

const S: u64 = 1_000_000;

#[test]
fn backup_takes_over_when_master_goes_silent_v3() {
    let script = vec![
        (0, Input::Startup),
        (500_000, adv(Version::V3, "10.0.0.1", 200, 100)),
        (1_500_000, adv(Version::V3, "10.0.0.1", 200, 100)),
        (2_500_000, adv(Version::V3, "10.0.0.1", 200, 100)),
    ];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 8 * S);
    // Last advert at 2.5 s; master down = 3 × 1 s + 0.609375 s.
    assert_eq!(run.became_master_at(), Some(Time(2_500_000 + 3_609_375)));
    insta::assert_snapshot!(run.log);
}

#[test]
fn backup_takes_over_v2() {
    let script = vec![(0, Input::Startup), (1_000_000, adv(Version::V2, "10.0.0.1", 150, 1))];
    let run = Run::new(cfg(Version::V2, 100)).script(script, 6 * S);
    assert_eq!(run.became_master_at(), Some(Time(1_000_000 + 3_609_375)));
    insta::assert_snapshot!(run.log);
}

#[test]
fn owner_is_master_at_once() {
    let run = Run::new(cfg(Version::V3, 255)).script(vec![(0, Input::Startup)], 2 * S);
    assert_eq!(run.became_master_at(), Some(Time(0)));
    insta::assert_snapshot!(run.log);
}

#[test]
fn state_master_waits_one_interval() {
    let mut c = cfg(Version::V3, 100);
    c.initial_state = InitialState::Master;
    let run = Run::new(c).script(vec![(0, Input::Startup)], S + S / 2);
    // keepalived vrrp_init_state: master_adver_int + VRRP_TIMER_SKEW_MIN = 1 s + 3906 µs.
    assert_eq!(run.became_master_at(), Some(Time(1_003_906)));
    insta::assert_snapshot!(run.log);
}

#[test]
fn master_preempted_by_higher_priority() {
    let script = vec![(0, Input::Startup), (5 * S, adv(Version::V3, "10.0.0.1", 200, 100))];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 6 * S);
    assert_eq!(run.inst.state(), State::Backup);
    insta::assert_snapshot!(run.log);
}

#[test]
fn equal_priority_higher_address_wins() {
    let script = vec![
        (0, Input::Startup),
        // Lower address, same priority: we stay master and force an election.
        (4 * S, adv(Version::V3, "10.0.0.1", 100, 100)),
        // Higher address, same priority: we yield.
        (4 * S + S / 2, adv(Version::V3, "10.0.0.3", 100, 100)),
    ];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 5 * S);
    assert_eq!(run.inst.state(), State::Backup);
    insta::assert_snapshot!(run.log);
}

#[test]
fn lower_prio_no_advert() {
    let mut c = cfg(Version::V3, 100);
    c.lower_prio_no_advert = true;
    let script = vec![(0, Input::Startup), (4 * S, adv(Version::V3, "10.0.0.1", 50, 100))];
    let run = Run::new(c).script(script, 4 * S + 1);
    let at4: Vec<&Action> = run
        .steps
        .iter()
        .filter(|(t, _)| *t == Time(4 * S))
        .flat_map(|(_, a)| a)
        .collect();
    assert!(!at4.iter().any(|a| matches!(a, Action::SendAdvert { .. })));
    insta::assert_snapshot!(run.log);
}

#[test]
fn higher_prio_send_advert() {
    let mut c = cfg(Version::V3, 100);
    c.higher_prio_send_advert = true;
    let script = vec![(0, Input::Startup), (4 * S, adv(Version::V3, "10.0.0.1", 200, 100))];
    let run = Run::new(c).script(script, 4 * S + 1);
    let (_, last) = run.steps.last().unwrap();
    assert_eq!(last[0], Action::SendAdvert { priority: 100 });
    insta::assert_snapshot!(run.log);
}

#[test]
fn priority_zero_means_skew_time() {
    let script = vec![
        (0, Input::Startup),
        (S, adv(Version::V3, "10.0.0.1", 200, 5)),
        (S + 50_000, adv(Version::V3, "10.0.0.1", 0, 5)),
    ];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 2 * S);
    // v3 skew with the learned 5 cs: 156 × 5 × 625 / 16 = 30 468 µs.
    assert_eq!(run.became_master_at(), Some(Time(S + 50_000 + 30_468)));
    insta::assert_snapshot!(run.log);
}

#[test]
fn v3_learns_master_interval() {
    let script = vec![(0, Input::Startup), (S, adv(Version::V3, "10.0.0.1", 200, 50))];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 4 * S);
    // 3 × 0.5 s + 156 × 50 × 625 / 16 µs.
    assert_eq!(run.became_master_at(), Some(Time(S + 1_500_000 + 304_687)));
    // As master it advertises its own 1 s again.
    insta::assert_snapshot!(run.log);
}

#[test]
fn nopreempt_stays_backup() {
    let mut c = cfg(Version::V3, 200);
    c.preempt = false;
    let script: Vec<(u64, Input)> = (0..8)
        .map(|i| (S / 2 + i * S, adv(Version::V3, "10.0.0.1", 100, 100)))
        .collect();
    let run = Run::new(c).script([vec![(0, Input::Startup)], script].concat(), 8 * S);
    assert_eq!(run.became_master_at(), None);
    insta::assert_snapshot!(run.log);
}

#[test]
fn preempt_delay() {
    let mut c = cfg(Version::V3, 200);
    c.preempt_delay = Micros::from_secs(5);
    let script: Vec<(u64, Input)> = (1..12)
        .map(|i| (i * S, adv(Version::V3, "10.0.0.1", 100, 100)))
        .collect();
    let run = Run::new(c).script([vec![(0, Input::Startup)], script].concat(), 12 * S);
    // The delay starts at the first lower advert (1 s) and ends at 6 s; the adverts at
    // 2..5 s restart the down timer, the one at 6 s is ignored: 5 s + 3 s + 56/256 s.
    assert_eq!(run.became_master_at(), Some(Time(5 * S + 3 * S + 218_750)));
    insta::assert_snapshot!(run.log);
}

#[test]
fn shutdown_sends_priority_zero() {
    let script = vec![(0, Input::Startup), (5 * S, Input::Shutdown)];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 6 * S);
    let (_, last) = run.steps.last().unwrap();
    assert_eq!(last[0], Action::SendAdvert { priority: 0 });
    assert_eq!(run.inst.next_deadline(), None);
    insta::assert_snapshot!(run.log);
}

#[test]
fn fault_and_recovery() {
    let script = vec![
        (0, Input::Startup),
        (5 * S, Input::Fault),
        // Adverts are ignored in fault.
        (6 * S, adv(Version::V3, "10.0.0.1", 200, 100)),
        (7 * S, Input::FaultCleared),
    ];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 11 * S);
    assert_eq!(run.became_master_at(), Some(Time(3_609_375)));
    assert_eq!(run.inst.state(), State::Master);
    insta::assert_snapshot!(run.log);
}

#[test]
fn tracked_priority_moves_the_down_timer() {
    let script = vec![
        (0, Input::Startup),
        (S, adv(Version::V3, "10.0.0.1", 200, 100)),
        // 100 → 50: skew grows by 50/256 s, the running timer moves by as much.
        (2 * S, Input::PriorityChanged(50)),
    ];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 6 * S);
    assert_eq!(run.became_master_at(), Some(Time(S + 3 * S + 206 * 1_000_000 / 256)));
    insta::assert_snapshot!(run.log);
}

#[test]
fn two_owners_higher_address_keeps_it_if_the_rogue_backs_off() {
    let mut c = cfg(Version::V3, 255);
    c.primary_addr = ip("10.0.0.9");
    let script = vec![(0, Input::Startup), (S / 2, adv(Version::V3, "10.0.0.1", 255, 100))];
    let run = Run::new(c).script(script, 6 * S);
    assert_eq!(run.inst.state(), State::Master);
    assert_eq!(run.inst.priority(), 255);
    insta::assert_snapshot!(run.log);
}

#[test]
fn two_owners_higher_address_backs_off_if_the_rogue_persists() {
    let mut c = cfg(Version::V3, 255);
    c.primary_addr = ip("10.0.0.9");
    let script: Vec<(u64, Input)> = (0..6)
        .map(|i| (S / 2 + i * S, adv(Version::V3, "10.0.0.1", 255, 100)))
        .collect();
    let run = Run::new(c).script([vec![(0, Input::Startup)], script].concat(), 6 * S);
    assert_eq!(run.inst.state(), State::Backup);
    insta::assert_snapshot!(run.log);
}

#[test]
fn two_owners_lower_address_yields() {
    let c = cfg(Version::V3, 255);
    let script = vec![(0, Input::Startup), (S / 2, adv(Version::V3, "10.0.0.9", 255, 100))];
    let run = Run::new(c).script(script, 2 * S);
    assert_eq!(run.inst.state(), State::Backup);
    insta::assert_snapshot!(run.log);
}

#[test]
fn invalid_adverts_are_discarded() {
    let mut bad_ttl = adv(Version::V3, "10.0.0.1", 200, 100);
    if let Input::Advert { rx, .. } = &mut bad_ttl {
        rx.ttl = 64;
    }
    let script = vec![
        (0, Input::Startup),
        (S, bad_ttl),
        (2 * S, adv(Version::V2, "10.0.0.1", 200, 1)),
    ];
    let run = Run::new(cfg(Version::V3, 100)).script(script, 3 * S);
    assert_eq!(run.became_master_at(), None);
    insta::assert_snapshot!(run.log);
}

#[test]
fn a_configuration_fault_keeps_the_instance_in_fault() {
    // unicast_fault_no_peer without peers: FAULT at start, whatever the trackers say later.
    let mut c = cfg(Version::V3, 255);
    c.config_fault = true;
    let mut i = Instance::new(c);
    let acts = i.handle(Time(0), Input::Startup);
    assert_eq!(i.state(), State::Fault, "{acts:?}");
    i.handle(Time(10), Input::Fault);
    i.handle(Time(20), Input::FaultCleared);
    assert_eq!(i.state(), State::Fault);
    assert_eq!(i.handle(Time(5 * S), Input::Timer), vec![]);
    assert_eq!(i.state(), State::Fault);
}
