//! A deterministic discrete-event simulator: several routers, each running a set of
//! instances (alone or in sync groups), on one virtual segment with a virtual clock.
//!
//! Adverts really go through [`encode`] and [`decode`] on their way across the segment.
//! Loss and delay jitter come from a seeded xorshift generator of its own, so a seed
//! replays exactly. Scenario events (start, crash, graceful stop, partitions, tracker and
//! interface failures) are scheduled at virtual times; the simulator records who is master
//! of each VRID at every moment, every transition and every advert sent.

use crate::config::InstanceConfig;
use crate::instance::{Action, Input, Instance, State};
use crate::packet::{decode, encode, Family, VRRP_TTL};
use crate::priority::{effective_priority, Tracked, Tracker};
use crate::sync::SyncGroup;
use crate::time::{Micros, Time};
use crate::unit::Unit;
use crate::validate::RxMeta;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// xorshift64* (Vigna 2016): small, seedable, good enough for loss and jitter.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // One splitmix64 step spreads nearby seeds apart; a zero state would stay zero.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Rng(if z == 0 { 1 } else { z })
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    /// True with probability `ppm` / 1 000 000.
    pub fn chance(&mut self, ppm: u32) -> bool {
        self.below(1_000_000) < u64::from(ppm)
    }
}

/// The segment's behaviour.
#[derive(Clone, Copy, Debug)]
pub struct Net {
    /// Fixed one-way delay.
    pub delay: Micros,
    /// Extra delay, uniform in 0..=jitter.
    pub jitter: Micros,
    /// Loss per delivery, in parts per million.
    pub loss_ppm: u32,
}

impl Default for Net {
    fn default() -> Net {
        Net {
            delay: Micros(100),
            jitter: Micros::ZERO,
            loss_ppm: 0,
        }
    }
}

pub type RouterId = usize;

/// A scenario event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Start (or restart after a crash/stop) every instance of the router.
    Start(RouterId),
    /// The router dies: it stops sending at once, no priority-0 advert, state lost.
    Crash(RouterId),
    /// Graceful stop: every instance shuts down (masters send priority 0).
    Stop(RouterId),
    /// Only routers in the same group hear each other; routers in no group are alone.
    Partition(Vec<Vec<RouterId>>),
    /// Everybody hears everybody again.
    Heal,
    /// A tracked object of instance `instance` changes state.
    Tracker {
        router: RouterId,
        instance: usize,
        tracker: usize,
        up: bool,
    },
    /// The instance's interface goes down (fault) or up.
    Interface {
        router: RouterId,
        instance: usize,
        up: bool,
    },
}

/// One recorded state change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionRecord {
    pub at: Time,
    pub router: String,
    pub instance: String,
    pub from: State,
    pub to: State,
}

/// One advert put on the segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdvertRecord {
    pub at: Time,
    pub router: RouterId,
    pub vrid: u8,
    pub priority: u8,
}

#[derive(Clone, Debug)]
struct Router {
    name: String,
    configs: Vec<InstanceConfig>,
    groups: Vec<(String, Vec<usize>)>,
    trackers: Vec<Vec<Tracker>>,
    iface_down: Vec<bool>,
    /// The fault last told to each instance.
    told_fault: Vec<bool>,
    running: bool,
    units: Vec<Unit>,
    /// instance index → (unit, member)
    place: Vec<(usize, usize)>,
    color: u32,
}

impl Router {
    fn instance(&self, index: usize) -> &Instance {
        let (u, m) = self.place[index];
        self.units[u].instance(m)
    }
    fn index_of(&self, unit: usize, member: usize) -> usize {
        self.place.iter().position(|&p| p == (unit, member)).unwrap_or(0)
    }
}

#[derive(Clone, Debug)]
enum Queued {
    Scenario(Event),
    Deliver {
        to: RouterId,
        bytes: Vec<u8>,
        src: IpAddr,
        dst: IpAddr,
    },
}

/// The most events and timers one simulator processes before it stops (see [`Sim::stalled`]).
pub const MAX_STEPS: u64 = 50_000_000;

/// The simulator.
#[derive(Clone, Debug)]
pub struct Sim {
    now: Time,
    net: Net,
    rng: Rng,
    routers: Vec<Router>,
    queue: BTreeMap<(Time, u64), Queued>,
    seq: u64,
    history: Vec<(Time, u8, Vec<String>)>,
    transitions: Vec<TransitionRecord>,
    adverts: Vec<AdvertRecord>,
    decode_errors: u64,
    deliveries: u64,
    steps: u64,
    /// Set when a run hit [`MAX_STEPS`] and stopped early.
    stalled: bool,
}

impl Sim {
    pub fn new(seed: u64, net: Net) -> Sim {
        Sim {
            now: Time(0),
            net,
            rng: Rng::new(seed),
            routers: Vec::new(),
            queue: BTreeMap::new(),
            seq: 0,
            history: Vec::new(),
            transitions: Vec::new(),
            adverts: Vec::new(),
            decode_errors: 0,
            deliveries: 0,
            steps: 0,
            stalled: false,
        }
    }

    /// Adds a router running `configs` (not started: schedule [`Event::Start`]).
    pub fn add_router(&mut self, name: &str, configs: Vec<InstanceConfig>) -> RouterId {
        let n = configs.len();
        self.routers.push(Router {
            name: name.to_string(),
            configs,
            groups: Vec::new(),
            trackers: vec![Vec::new(); n],
            iface_down: vec![false; n],
            told_fault: vec![false; n],
            running: false,
            units: Vec::new(),
            place: Vec::new(),
            color: 0,
        });
        self.routers.len() - 1
    }

    /// Puts instances `members` of `router` in one sync group (before it starts).
    pub fn add_sync_group(&mut self, router: RouterId, name: &str, members: &[usize]) {
        self.routers[router].groups.push((name.to_string(), members.to_vec()));
    }

    /// The trackers of one instance, all up at first.
    pub fn set_trackers(&mut self, router: RouterId, instance: usize, trackers: Vec<Tracker>) {
        self.routers[router].trackers[instance] = trackers;
    }

    /// Schedules `event` at `at`.
    pub fn at(&mut self, at: Time, event: Event) {
        self.push(at, Queued::Scenario(event));
    }

    fn push(&mut self, at: Time, q: Queued) {
        self.seq += 1;
        self.queue.insert((at, self.seq), q);
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// Whether a run stopped early at [`MAX_STEPS`] events and timers (a configuration whose
    /// routers never settle); what it recorded up to then stays valid.
    pub fn stalled(&self) -> bool {
        self.stalled
    }

    /// Runs every event and timer up to and including `end` (at most [`MAX_STEPS`] in all).
    pub fn run_until(&mut self, end: Time) {
        loop {
            let t_event = self.queue.keys().next().map(|k| k.0);
            let t_timer = self
                .routers
                .iter()
                .filter(|r| r.running)
                .flat_map(|r| r.units.iter().filter_map(Unit::next_deadline))
                .min();
            let next = match (t_event, t_timer) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => break,
            };
            if next > end {
                break;
            }
            self.steps += 1;
            if self.steps >= MAX_STEPS {
                // A run that never settles stops here instead of spinning (or panicking).
                self.stalled = true;
                break;
            }
            self.now = self.now.max(next);
            if t_event == Some(next) {
                if let Some((_, q)) = self.queue.pop_first() {
                    self.process(q);
                }
            } else {
                for r in 0..self.routers.len() {
                    if !self.routers[r].running {
                        continue;
                    }
                    for u in 0..self.routers[r].units.len() {
                        let acts = self.routers[r].units[u].timer(self.now);
                        self.apply(r, u, acts);
                    }
                }
            }
            self.record_masters();
        }
        self.now = self.now.max(end);
    }

    fn process(&mut self, q: Queued) {
        match q {
            Queued::Deliver { to, bytes, src, dst } => self.deliver(to, &bytes, src, dst),
            Queued::Scenario(e) => match e {
                Event::Start(r) => self.start(r),
                Event::Crash(r) => {
                    let router = &mut self.routers[r];
                    router.running = false;
                    router.units.clear();
                    router.place.clear();
                }
                Event::Stop(r) => {
                    if self.routers[r].running {
                        for u in 0..self.routers[r].units.len() {
                            let acts = self.routers[r].units[u].handle_all(self.now, Input::Shutdown);
                            self.apply(r, u, acts);
                        }
                    }
                    let router = &mut self.routers[r];
                    router.running = false;
                    router.units.clear();
                    router.place.clear();
                }
                Event::Partition(groups) => {
                    for (i, r) in self.routers.iter_mut().enumerate() {
                        r.color = groups
                            .iter()
                            .position(|g| g.contains(&i))
                            .map_or(1000 + i as u32, |g| g as u32);
                    }
                }
                Event::Heal => self.routers.iter_mut().for_each(|r| r.color = 0),
                Event::Tracker {
                    router,
                    instance,
                    tracker,
                    up,
                } => {
                    if let Some(t) = self.routers[router].trackers[instance].get_mut(tracker) {
                        t.up = up;
                    }
                    self.retrack(router, instance);
                }
                Event::Interface { router, instance, up } => {
                    self.routers[router].iface_down[instance] = !up;
                    self.retrack(router, instance);
                }
            },
        }
    }

    fn start(&mut self, r: RouterId) {
        if self.routers[r].running {
            return;
        }
        let router = &mut self.routers[r];
        let mut grouped = vec![false; router.configs.len()];
        let mut units = Vec::new();
        let mut place = vec![(0, 0); router.configs.len()];
        for (name, members) in &router.groups {
            let insts = members
                .iter()
                .map(|&m| Instance::new(router.configs[m].clone()))
                .collect();
            for (k, &m) in members.iter().enumerate() {
                grouped[m] = true;
                place[m] = (units.len(), k);
            }
            units.push(Unit::Group(SyncGroup::new(name, insts)));
        }
        for (i, cfg) in router.configs.iter().enumerate() {
            if !grouped[i] {
                place[i] = (units.len(), 0);
                units.push(Unit::Single(Box::new(Instance::new(cfg.clone()))));
            }
        }
        router.units = units;
        router.place = place;
        router.running = true;
        router.told_fault = vec![false; router.configs.len()];
        for i in 0..self.routers[r].configs.len() {
            self.retrack(r, i);
        }
        for u in 0..self.routers[r].units.len() {
            let acts = self.routers[r].units[u].handle_all(self.now, Input::Startup);
            self.apply(r, u, acts);
        }
    }

    /// Tells instance `i` of router `r` what its trackers and interface come to now.
    fn retrack(&mut self, r: RouterId, i: usize) {
        let router = &self.routers[r];
        if !router.running {
            return;
        }
        let tracked = effective_priority(router.configs[i].priority, &router.trackers[i]);
        let fault = router.iface_down[i] || tracked == Tracked::Fault;
        let mut inputs = Vec::new();
        if let Tracked::Priority(p) = tracked {
            inputs.push(Input::PriorityChanged(p));
        }
        if fault != router.told_fault[i] {
            inputs.push(if fault { Input::Fault } else { Input::FaultCleared });
        }
        self.routers[r].told_fault[i] = fault;
        let (u, m) = self.routers[r].place[i];
        for input in inputs {
            let acts = self.routers[r].units[u].handle(self.now, m, input);
            self.apply(r, u, acts);
        }
    }

    fn apply(&mut self, r: RouterId, unit: usize, acts: Vec<(usize, Action)>) {
        for (member, action) in acts {
            let index = self.routers[r].index_of(unit, member);
            let inst = self.routers[r].units[unit].instance(member);
            match action {
                Action::SendAdvert { priority } => {
                    let advert = inst.advert(priority);
                    let src = inst.config().primary_addr;
                    let vrid = inst.config().vrid;
                    for dst in inst.destinations() {
                        let Ok(bytes) = encode(&advert, src, dst) else { continue };
                        self.send(r, bytes, src, dst);
                    }
                    self.adverts.push(AdvertRecord {
                        at: self.now,
                        router: r,
                        vrid,
                        priority,
                    });
                }
                Action::Transition { from, to } => {
                    let rec = TransitionRecord {
                        at: self.now,
                        router: self.routers[r].name.clone(),
                        instance: self.routers[r].configs[index].name.clone(),
                        from,
                        to,
                    };
                    self.transitions.push(rec);
                }
                _ => {}
            }
        }
    }

    fn send(&mut self, from: RouterId, bytes: Vec<u8>, src: IpAddr, dst: IpAddr) {
        let multicast = match dst {
            IpAddr::V4(d) => d.is_multicast(),
            IpAddr::V6(d) => d.is_multicast(),
        };
        let color = self.routers[from].color;
        for to in 0..self.routers.len() {
            if to == from || self.routers[to].color != color {
                continue;
            }
            if !multicast && !self.routers[to].configs.iter().any(|c| c.primary_addr == dst) {
                continue;
            }
            if self.rng.chance(self.net.loss_ppm) {
                continue;
            }
            let delay = self.net.delay + Micros(self.rng.below(self.net.jitter.0 + 1));
            self.push(
                self.now + delay,
                Queued::Deliver {
                    to,
                    bytes: bytes.clone(),
                    src,
                    dst,
                },
            );
        }
    }

    fn deliver(&mut self, to: RouterId, bytes: &[u8], src: IpAddr, dst: IpAddr) {
        if !self.routers[to].running {
            return;
        }
        self.deliveries += 1;
        let advert = match decode(bytes, src, dst) {
            Ok(a) => a,
            Err(_) => {
                self.decode_errors += 1;
                return;
            }
        };
        let rx = RxMeta {
            src,
            dst,
            ttl: VRRP_TTL,
        };
        for i in 0..self.routers[to].configs.len() {
            let cfg = &self.routers[to].configs[i];
            if cfg.vrid != advert.vrid || cfg.family != Family::of(&src) {
                continue;
            }
            let (u, m) = self.routers[to].place[i];
            let acts = self.routers[to].units[u].handle(
                self.now,
                m,
                Input::Advert {
                    advert: advert.clone(),
                    rx,
                },
            );
            self.apply(to, u, acts);
        }
    }

    fn record_masters(&mut self) {
        let mut now: BTreeMap<u8, Vec<String>> = BTreeMap::new();
        for r in &self.routers {
            for c in &r.configs {
                now.entry(c.vrid).or_default();
            }
            if !r.running {
                continue;
            }
            for i in 0..r.configs.len() {
                let inst = r.instance(i);
                if inst.state() == State::Master {
                    now.entry(inst.config().vrid).or_default().push(r.name.clone());
                }
            }
        }
        for (vrid, masters) in now {
            if self
                .history
                .iter()
                .rev()
                .find(|(_, v, _)| *v == vrid)
                .map(|(_, _, m)| m)
                != Some(&masters)
            {
                self.history.push((self.now, vrid, masters));
            }
        }
    }

    /// The routers that are master of `vrid` now.
    pub fn masters(&self, vrid: u8) -> Vec<String> {
        self.masters_at(vrid, self.now)
    }

    /// The routers that were master of `vrid` at `at` (after everything at that instant).
    pub fn masters_at(&self, vrid: u8, at: Time) -> Vec<String> {
        self.history
            .iter()
            .rev()
            .find(|(t, v, _)| *v == vrid && *t <= at)
            .map(|(_, _, m)| m.clone())
            .unwrap_or_default()
    }

    /// Every change of the master set: (time, vrid, masters).
    pub fn history(&self) -> &[(Time, u8, Vec<String>)] {
        &self.history
    }

    /// The history of one VRID as text, one line per change, for snapshots.
    pub fn history_text(&self, vrid: u8) -> String {
        self.history
            .iter()
            .filter(|(_, v, _)| *v == vrid)
            .map(|(t, _, m)| format!("{t} [{}]\n", m.join(", ")))
            .collect()
    }

    pub fn transitions(&self) -> &[TransitionRecord] {
        &self.transitions
    }

    pub fn adverts(&self) -> &[AdvertRecord] {
        &self.adverts
    }

    /// Packets that reached a running router (after loss).
    pub fn deliveries(&self) -> u64 {
        self.deliveries
    }

    pub fn decode_errors(&self) -> u64 {
        self.decode_errors
    }

    /// The state of instance `instance` of `router` (`None` while the router is down).
    pub fn state(&self, router: RouterId, instance: usize) -> Option<State> {
        let r = &self.routers[router];
        r.running.then(|| r.instance(instance).state())
    }

    /// The priority instance `instance` of `router` advertises now.
    pub fn priority(&self, router: RouterId, instance: usize) -> Option<u8> {
        let r = &self.routers[router];
        r.running.then(|| r.instance(instance).priority())
    }

    /// The first time after `after` at which `vrid` had exactly `masters` as masters.
    pub fn first_time_masters(&self, vrid: u8, after: Time, masters: &[&str]) -> Option<Time> {
        self.history
            .iter()
            .find(|(t, v, m)| *v == vrid && *t >= after && m.iter().map(String::as_str).eq(masters.iter().copied()))
            .map(|(t, _, _)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_spread() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<u64> = (0..100).map(|_| a.below(10)).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.below(10)).collect();
        assert_eq!(xs, ys);
        for d in 0..10 {
            assert!(xs.contains(&d));
        }
        let hits = (0..100_000).filter(|_| a.chance(100_000)).count();
        assert!((9_000..11_000).contains(&hits), "{hits}");
        assert_ne!(Rng::new(0).next_u64(), 0);
        assert_ne!(Rng::new(42).next_u64(), Rng::new(43).next_u64());
    }
}
