//! One VRRP instance as a state machine without I/O: `handle(now, input) -> actions` and
//! `next_deadline()`. The caller feeds it inputs (startup, the deadline passing, a received
//! and decoded advert, tracker changes, faults, shutdown) and carries out the actions.
//!
//! The structure is RFC 5798 §6.4 (RFC 9568 the same); where keepalived 2.2.7 differs the
//! branch says so (`vrrp.c` vrrp_state_backup / vrrp_state_master_rx /
//! vrrp_state_master_tx, `vrrp_scheduler.c` vrrp_init_state, `vrrp_track.c`
//! vrrp_set_effective_priority). The two-owners rule follows keepalived HEAD (runtime.md
//! §1.8), which 2.2.7 does not have.

use crate::config::{InitialState, InstanceConfig};
use crate::packet::{Addrs, Advert, Version};
use crate::time::{Micros, Time};
use crate::timers;
use crate::validate::{self, multicast_group, RxMeta};
use std::cmp::Ordering;
use std::net::IpAddr;

/// RFC 5798 §6.4 states plus keepalived's FAULT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    Initialize,
    Backup,
    Master,
    Fault,
}

/// Something that happened to the instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The instance is started (RFC "Startup event").
    Startup,
    /// `next_deadline()` has passed; whichever timers are due fire.
    Timer,
    /// A decoded advert for this VRID and family, with what the IP header said.
    Advert {
        advert: Advert,
        rx: RxMeta,
    },
    /// The effective priority from the trackers (see [`crate::priority`]); ignored by an
    /// owner, clamped to 1..=254 otherwise.
    PriorityChanged(u8),
    /// Something the instance depends on failed (interface down, weight-0 tracker, ...).
    Fault,
    FaultCleared,
    /// The instance is stopped (RFC "Shutdown event").
    Shutdown,
}

/// Something the caller must do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send an advert with this priority; [`Instance::advert`] builds it, to the multicast
    /// group or to each unicast peer ([`Instance::destinations`]).
    SendAdvert { priority: u8 },
    /// Install the VIPs (and keepalived's virtual routes/rules) as master.
    AddAddresses,
    /// Remove them.
    RemoveAddresses,
    /// Gratuitous ARP / unsolicited NA for the VIPs (the shell applies garp_master_delay,
    /// repeat and pacing).
    SendGarp,
    /// A state change, for notify scripts and the FIFO.
    Transition { from: State, to: State },
    /// A valid-looking advert was dropped (counters, rate-limited logs).
    Discarded(validate::Drop),
    /// A backup ignored a lower-priority advert because it preempts.
    IgnoredLowerPriority { src: IpAddr, priority: u8 },
    /// Master heard a lower priority (keepalived's `notify_master_rx_lower_pri`).
    MasterRxLowerPriority { src: IpAddr, priority: u8 },
    /// Another router also claims to be the owner (a configuration error to report).
    OwnerConflict { src: IpAddr },
    /// In a sync group: our master-down timer ran out, but the group decides.
    WantMaster,
}

/// keepalived HEAD's rogue owner handling, when we are the owner with the higher address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Rogue {
    /// Own adverts still to send before arming the deadline.
    counter: u8,
    interval: Micros,
    /// While armed, another owner advert means the rogue does not back off: we do.
    deadline: Option<Time>,
}

/// One VRRP instance.
#[derive(Clone, Debug)]
pub struct Instance {
    cfg: InstanceConfig,
    state: State,
    /// From the trackers; the owner's is always 255.
    tracked_priority: u8,
    /// Two owners: we dropped to 254 until we are backup.
    owner_demoted: bool,
    master_adver_int: Micros,
    adver_deadline: Option<Time>,
    down_deadline: Option<Time>,
    preempt_time: Option<Time>,
    known_master: Option<IpAddr>,
    fault: bool,
    group_fault: bool,
    sync_held: bool,
    wants_master: bool,
    rogue: Rogue,
}

impl Instance {
    pub fn new(cfg: InstanceConfig) -> Instance {
        let tracked_priority = cfg.priority.max(1);
        let master_adver_int = cfg.advert_interval;
        Instance {
            cfg,
            state: State::Initialize,
            tracked_priority,
            owner_demoted: false,
            master_adver_int,
            adver_deadline: None,
            down_deadline: None,
            preempt_time: None,
            known_master: None,
            fault: false,
            group_fault: false,
            sync_held: false,
            wants_master: false,
            rogue: Rogue::default(),
        }
    }

    pub fn config(&self) -> &InstanceConfig {
        &self.cfg
    }
    pub fn state(&self) -> State {
        self.state
    }
    /// The priority adverts carry now.
    pub fn priority(&self) -> u8 {
        if self.owner_demoted {
            254
        } else {
            self.tracked_priority
        }
    }
    /// The interval the backup timers use: the master's (v3, learned) or our own.
    pub fn master_adver_int(&self) -> Micros {
        self.master_adver_int
    }
    pub fn known_master(&self) -> Option<IpAddr> {
        self.known_master
    }
    /// Faulted, by itself or by its sync group.
    pub fn is_faulted(&self) -> bool {
        self.fault || self.group_fault || self.cfg.config_fault
    }
    pub fn own_fault(&self) -> bool {
        self.fault || self.cfg.config_fault
    }
    pub fn wants_master(&self) -> bool {
        self.wants_master
    }

    /// The earliest time at which [`Input::Timer`] must be delivered.
    pub fn next_deadline(&self) -> Option<Time> {
        [self.adver_deadline, self.down_deadline, self.rogue.deadline]
            .into_iter()
            .flatten()
            .min()
    }

    /// The advert this instance sends with `priority`.
    pub fn advert(&self, priority: u8) -> Advert {
        let checksum = Advert::forced_checksum(self.cfg.version, self.cfg.family).unwrap_or(self.cfg.v3_ipv4_checksum);
        Advert {
            version: self.cfg.version,
            vrid: self.cfg.vrid,
            priority,
            interval: self.cfg.wire_interval(),
            auth: self.cfg.wire_auth(),
            addrs: Addrs::of_family(self.cfg.family, &self.cfg.vips),
            checksum,
        }
    }

    /// Where adverts go: the multicast group, or each unicast peer.
    pub fn destinations(&self) -> Vec<IpAddr> {
        if self.cfg.is_unicast() {
            self.cfg.unicast_peers.iter().map(|p| p.addr).collect()
        } else {
            vec![multicast_group(&self.cfg)]
        }
    }

    /// Handles one input at `now` and returns the actions.
    pub fn handle(&mut self, now: Time, input: Input) -> Vec<Action> {
        let mut out = Vec::new();
        self.handle_into(now, input, &mut out);
        out
    }

    /// As [`Instance::handle`], appending to the caller's buffer.
    pub fn handle_into(&mut self, now: Time, input: Input, out: &mut Vec<Action>) {
        match input {
            Input::Startup => self.startup(now, out),
            Input::Timer => self.timer(now, out),
            Input::Advert { advert, rx } => self.receive(now, &advert, &rx, out),
            Input::PriorityChanged(p) => self.priority_changed(p),
            Input::Fault => {
                self.fault = true;
                self.enter_fault(out);
            }
            Input::FaultCleared => {
                self.fault = false;
                self.leave_fault(now, out);
            }
            Input::Shutdown => self.shutdown(out),
        }
    }

    fn skew(&self) -> Micros {
        timers::skew_time(self.cfg.version, self.priority(), self.master_adver_int)
    }

    fn master_down(&self) -> Micros {
        timers::master_down_interval(
            self.cfg.version,
            self.priority(),
            self.master_adver_int,
            self.cfg.down_timer_adverts,
        )
    }

    fn startup(&mut self, now: Time, out: &mut Vec<Action>) {
        if self.state != State::Initialize {
            return;
        }
        if self.is_faulted() {
            self.state = State::Fault;
            out.push(Action::Transition {
                from: State::Initialize,
                to: State::Fault,
            });
            return;
        }
        // RFC 5798 §6.4.1: the owner goes straight to Master (in a sync group the group
        // decides, so it only wants to, at once).
        if self.cfg.is_owner() && !self.sync_held {
            self.become_master(now, State::Initialize, out);
            return;
        }
        self.master_adver_int = self.cfg.advert_interval;
        let down = if self.cfg.is_owner() {
            Micros::ZERO
        } else if self.cfg.initial_state == InitialState::Master {
            // keepalived vrrp_init_state: "allow one adver_int to pass to ensure there is no
            // other master".
            self.master_adver_int + timers::skew_min(self.cfg.version, self.master_adver_int)
        } else {
            self.master_down()
        };
        self.become_backup(now, State::Initialize, down, out);
    }

    fn timer(&mut self, now: Time, out: &mut Vec<Action>) {
        if self.rogue.deadline.is_some_and(|d| d <= now) {
            // The rogue owner stopped advertising in time: we stay master.
            self.rogue.deadline = None;
        }
        match self.state {
            State::Master => {
                if self.adver_deadline.is_some_and(|d| d <= now) {
                    // RFC §6.4.3: Adver_Timer fires → send an advert, restart the timer.
                    out.push(Action::SendAdvert {
                        priority: self.priority(),
                    });
                    self.adver_deadline = Some(now + self.cfg.advert_interval);
                    if self.cfg.is_owner() && self.rogue.counter > 0 {
                        self.rogue.counter -= 1;
                        if self.rogue.counter == 0 {
                            let wait = self.rogue.interval.max(self.cfg.advert_interval);
                            self.rogue.deadline = Some(now + Micros(wait.0 * 12 / 10));
                        }
                    }
                }
            }
            State::Backup => {
                if self.down_deadline.is_some_and(|d| d <= now) {
                    self.down_deadline = None;
                    if self.sync_held {
                        self.wants_master = true;
                        out.push(Action::WantMaster);
                    } else {
                        // RFC §6.4.2: Master_Down_Timer fires → become master.
                        self.become_master(now, State::Backup, out);
                    }
                }
            }
            State::Initialize | State::Fault => {}
        }
    }

    fn become_master(&mut self, now: Time, from: State, out: &mut Vec<Action>) {
        self.state = State::Master;
        self.wants_master = false;
        self.down_deadline = None;
        self.preempt_time = None;
        self.known_master = None;
        // RFC §6.4.3: Master_Adver_Interval is our own again.
        self.master_adver_int = self.cfg.advert_interval;
        // keepalived sends the advert first so the old master drops the VIPs before GARP.
        out.push(Action::SendAdvert {
            priority: self.priority(),
        });
        out.push(Action::AddAddresses);
        out.push(Action::SendGarp);
        out.push(Action::Transition {
            from,
            to: State::Master,
        });
        self.adver_deadline = Some(now + self.cfg.advert_interval);
    }

    fn become_backup(&mut self, now: Time, from: State, down: Micros, out: &mut Vec<Action>) {
        self.state = State::Backup;
        self.adver_deadline = None;
        self.rogue = Rogue::default();
        self.owner_demoted = false;
        if from == State::Master {
            out.push(Action::RemoveAddresses);
        }
        out.push(Action::Transition {
            from,
            to: State::Backup,
        });
        self.down_deadline = Some(now + down);
    }

    fn receive(&mut self, now: Time, advert: &Advert, rx: &RxMeta, out: &mut Vec<Action>) {
        if !matches!(self.state, State::Backup | State::Master) {
            return;
        }
        if let Err(d) = validate::validate(advert, &self.cfg, rx, self.known_master) {
            out.push(Action::Discarded(d));
            return;
        }
        match self.state {
            State::Backup => self.backup_rx(now, advert, rx, out),
            State::Master => self.master_rx(now, advert, rx, out),
            _ => {}
        }
    }

    fn learn_interval(&mut self, advert: &Advert) {
        // RFC 5798 §6.4.2: Master_Adver_Interval := the advert's interval (v3 only).
        if self.cfg.version == Version::V3 {
            self.master_adver_int = timers::advert_interval(Version::V3, advert.interval);
        }
    }

    fn backup_rx(&mut self, now: Time, advert: &Advert, rx: &RxMeta, out: &mut Vec<Action>) {
        let p = advert.priority;
        let ours = self.priority();
        if p == 0 {
            // RFC §6.4.2: the master is leaving: Master_Down_Timer := Skew_Time.
            self.down_deadline = Some(now + self.skew());
            return;
        }
        let delaying = self.cfg.preempt_delay > Micros::ZERO && self.preempt_time.is_none_or(|t| t > now);
        if !self.cfg.preempt || p >= ours || delaying {
            self.learn_interval(advert);
            self.down_deadline = Some(now + self.master_down());
            self.known_master = Some(rx.src);
            if self.cfg.preempt_delay > Micros::ZERO {
                // keepalived: the delay starts when a lower-priority master is first seen
                // and stops when a higher or equal one is.
                if p >= ours {
                    self.preempt_time = None;
                } else if self.preempt_time.is_none() {
                    self.preempt_time = Some(now + self.cfg.preempt_delay);
                }
            }
            // A held sync member that hears a master wants backup again.
            self.wants_master = false;
        } else {
            // Preempting a lower priority: discard, so that the timer runs out.
            out.push(Action::IgnoredLowerPriority {
                src: rx.src,
                priority: p,
            });
        }
    }

    fn master_rx(&mut self, now: Time, advert: &Advert, rx: &RxMeta, out: &mut Vec<Action>) {
        let p = advert.priority;
        let cmp = rx.src.cmp(&self.cfg.primary_addr);
        let ours = self.priority();
        let higher = p > ours || (p == ours && cmp == Ordering::Greater);
        if p == 0 {
            // RFC §6.4.3: another master is leaving: advertise now. (keepalived does not
            // restart the Adver_Timer here; neither do we.)
            out.push(Action::SendAdvert { priority: ours });
            return;
        }
        if self.cfg.higher_prio_send_advert && higher {
            out.push(Action::SendAdvert { priority: ours });
        }
        if p == ours && ours == 255 && cmp == Ordering::Less {
            // Two owners, and ours is the higher address (keepalived HEAD): wait for two of
            // our adverts and then a bit more than an interval; if the rogue still
            // advertises after that, we back off.
            if self.rogue.deadline.is_some() {
                self.rogue = Rogue::default();
                self.owner_demoted = true;
            } else if self.rogue.counter == 0 {
                out.push(Action::OwnerConflict { src: rx.src });
                self.rogue.counter = 2;
                self.rogue.interval = timers::advert_interval(advert.version, advert.interval);
            }
        } else if p == ours && ours == 255 && cmp == Ordering::Greater {
            out.push(Action::OwnerConflict { src: rx.src });
        }
        let ours = self.priority();
        if p < ours || (p == ours && cmp == Ordering::Less) {
            // keepalived: "forcing new election" unless lower_prio_no_advert (RFC < 9568).
            if !self.cfg.lower_prio_no_advert {
                out.push(Action::SendAdvert { priority: ours });
            }
            out.push(Action::MasterRxLowerPriority {
                src: rx.src,
                priority: p,
            });
            return;
        }
        if p > ours || (p == ours && cmp == Ordering::Greater) {
            // RFC §6.4.3: higher priority, or equal and a higher primary address → Backup.
            self.learn_interval(advert);
            self.known_master = Some(rx.src);
            let down = self.master_down();
            self.become_backup(now, State::Master, down, out);
        }
        // Equal priority and our own address: a loop; validate drops those already.
    }

    fn priority_changed(&mut self, p: u8) {
        if self.cfg.is_owner() {
            return;
        }
        let new = p.clamp(1, 254);
        if new == self.tracked_priority {
            return;
        }
        let old_down = self.master_down();
        self.tracked_priority = new;
        let new_down = self.master_down();
        // keepalived vrrp_set_effective_priority: a running down timer moves by the change.
        if self.state == State::Backup {
            if let Some(d) = self.down_deadline {
                self.down_deadline = Some(if new_down >= old_down {
                    d + Micros(new_down.0 - old_down.0)
                } else {
                    Time(d.0.saturating_sub(old_down.0 - new_down.0))
                });
            }
        }
    }

    fn enter_fault(&mut self, out: &mut Vec<Action>) {
        match self.state {
            State::Master => {
                // keepalived vrrp_state_leave_master: one priority-0 advert on the way out.
                out.push(Action::SendAdvert { priority: 0 });
                out.push(Action::RemoveAddresses);
                out.push(Action::Transition {
                    from: State::Master,
                    to: State::Fault,
                });
            }
            State::Backup => out.push(Action::Transition {
                from: State::Backup,
                to: State::Fault,
            }),
            State::Initialize | State::Fault => return,
        }
        self.state = State::Fault;
        self.clear_timers();
    }

    fn leave_fault(&mut self, now: Time, out: &mut Vec<Action>) {
        if self.state != State::Fault || self.is_faulted() {
            return;
        }
        self.master_adver_int = self.cfg.advert_interval;
        // keepalived try_up_instance: through BACKUP; an owner may go straight to MASTER.
        if self.cfg.is_owner() && !self.sync_held {
            self.become_master(now, State::Fault, out);
        } else {
            let down = self.master_down();
            self.become_backup(now, State::Fault, down, out);
        }
    }

    fn clear_timers(&mut self) {
        self.adver_deadline = None;
        self.down_deadline = None;
        self.preempt_time = None;
        self.known_master = None;
        self.wants_master = false;
        self.rogue = Rogue::default();
    }

    fn shutdown(&mut self, out: &mut Vec<Action>) {
        match self.state {
            State::Master => {
                // RFC §6.4.3: send an advert with priority 0.
                out.push(Action::SendAdvert { priority: 0 });
                out.push(Action::RemoveAddresses);
            }
            State::Initialize => return,
            State::Backup | State::Fault => {}
        }
        out.push(Action::Transition {
            from: self.state,
            to: State::Initialize,
        });
        self.state = State::Initialize;
        self.clear_timers();
        self.owner_demoted = false;
    }

    // --- the sync group's levers (crate::sync) ------------------------------------------

    /// Members of a sync group do not become master on their own: they report
    /// [`Action::WantMaster`] and the group promotes them.
    pub fn set_sync_held(&mut self, held: bool) {
        self.sync_held = held;
    }

    /// The group lets a member that wants master become master.
    pub fn promote(&mut self, now: Time, out: &mut Vec<Action>) {
        if self.state == State::Backup && self.wants_master && !self.is_faulted() {
            self.become_master(now, State::Backup, out);
        }
    }

    /// The group sends a master member back to backup (another member went backup).
    pub fn force_backup(&mut self, now: Time, out: &mut Vec<Action>) {
        if self.state == State::Master {
            let down = self.master_down();
            self.become_backup(now, State::Master, down, out);
        }
    }

    /// The group's fault: set while another member is faulted.
    pub fn set_group_fault(&mut self, now: Time, faulted: bool, out: &mut Vec<Action>) {
        if faulted == self.group_fault {
            return;
        }
        self.group_fault = faulted;
        if faulted {
            self.enter_fault(out);
        } else {
            self.leave_fault(now, out);
        }
    }
}
