//! The event loop: one thread, one `ppoll` with a microsecond timeout over the VRRP sockets,
//! the netlink wake-up, the signals and the control socket. Each pass delivers what is due to
//! the pure VRRP core and carries out the actions it returns.
//!
//! Not tokio: its timers have millisecond granularity, and a backup must take over within a
//! millisecond of the master-down interval (issue 11's figure). Everything the loop does is
//! non-blocking except netlink requests, which the kernel answers in microseconds.

use crate::control::{self, Request};
use crate::model;
use crate::netlink::{AddrSpec, Host, Netlink};
use crate::scripts::{Notifier, TrackedScript};
use crate::sockets::{RxSocket, TxSocket};
use nix::poll::{ppoll, PollFd, PollFlags};
use nix::sys::time::TimeSpec;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::os::fd::AsFd;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{debug, error, info, warn};
use vigil_plan::{Plan, VrrpInstance};
use vigil_vrrp::{effective_priority, Action, Input, Instance, State, SyncGroup, Time, Tracked, Tracker, Unit};

/// Why the daemon could not start or a reload was refused.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One instance's I/O state beside its core state machine.
struct Inst {
    plan: Rc<VrrpInstance>,
    ifname: String,
    /// Its VMAC (`use_vmac`), which its addresses of its family go on.
    vmac: Option<String>,
    rx: (String, bool),
    tx: (String, IpAddr, Option<u8>),
    /// The send socket of `tx` (shared with the other instances of that key).
    sock: Rc<TxSocket>,
    /// The encoded adverts of the last priority sent, one per destination: a master sends
    /// the same bytes every interval until its priority changes.
    adverts: Option<(u8, EncodedAdverts)>,
    addrs: Vec<AddrSpec>,
    holding: bool,
    /// The last fault state given to the core.
    faulted: bool,
    /// The last priority given to the core.
    tracked_priority: u8,
    garp: Garp,
    stats: Stats,
    checksum_noted: bool,
    /// Its `virtual_routes` and `virtual_rules`: installed while it holds the addresses.
    routes: crate::routing::Set,
}

#[derive(Default, Clone, Serialize)]
struct Stats {
    adverts_sent: u64,
    adverts_received: u64,
    send_errors: u64,
    transitions: u64,
    /// Every drop reason seen, with its count.
    dropped: BTreeMap<String, u64>,
}

/// Pending gratuitous ARP / NA bursts.
#[derive(Default)]
struct Garp {
    bursts: Vec<(Instant, u32)>,
    refresh_at: Option<Instant>,
    /// Announcements held back by `vrrp_garp_interval` / `vrrp_gna_interval`.
    pending: Vec<crate::garp::Announce>,
}

/// A unit and the I/O state of its members (same order).
/// What must be equal for a unit to be kept across a reload: its plan without the places
/// it was written at (editing a comment moves every line) and without a non-owner's
/// priority, which is changed in place. Becoming or ceasing to be the owner (255) restarts.
/// A slot's definition: its instances (shared with the slot's members, so each instance's
/// plan is held once) and its sync group.
type SlotKey = (Vec<Rc<VrrpInstance>>, Option<vigil_plan::SyncGroup>);

fn restart_key(key: &SlotKey) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("origin");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let insts: Vec<&VrrpInstance> = key.0.iter().map(|i| &**i).collect();
    let mut v = serde_json::to_value((insts, &key.1)).unwrap_or_default();
    strip(&mut v);
    if let Some(insts) = v.get_mut(0).and_then(|i| i.as_array_mut()) {
        for i in insts.iter_mut().filter_map(|i| i.as_object_mut()) {
            if i.get("priority").and_then(|p| p.as_u64()) != Some(255) {
                i.remove("priority");
            }
        }
    }
    v
}

/// An advert encoded once per destination.
type EncodedAdverts = Vec<(IpAddr, Vec<u8>)>;

/// Per VRID (index 0..=255): the (slot, member) pairs an advert for it goes to.
type VridTable = Vec<Vec<(usize, usize)>>;

struct Slot {
    /// The definition it was built from, to tell on reload whether it changed.
    key: SlotKey,
    unit: Unit,
    insts: Vec<Inst>,
    /// A sync group's state as last written to the notify FIFOs (all members in it).
    group_state: Option<State>,
    /// Removed by a reload: its stop is reported as keepalived reports a deleted instance.
    deleted: bool,
    /// `unit.next_deadline()` as of the last time the unit was handed an input (in
    /// `put_slot`): the loop reads this rather than asking every unit on every pass.
    deadline: Option<Time>,
    /// The earliest GARP / NA burst or refresh due among the members.
    garp_due: Option<Instant>,
    /// Whether a member has announcements waiting for their interface's pacing slot (when
    /// that is depends on the other instances' sends, so it is asked of the pacing, not cached).
    garp_pending: bool,
}

impl Slot {
    /// Recomputes the cached deadlines after the unit or the members' GARP state changed.
    fn note_deadlines(&mut self) {
        self.deadline = self.unit.next_deadline();
        self.garp_due = self
            .insts
            .iter()
            .flat_map(|i| i.garp.bursts.iter().map(|b| b.0).chain(i.garp.refresh_at))
            .min();
        self.garp_pending = self.insts.iter().any(|i| !i.garp.pending.is_empty());
    }

    fn wake(&self) -> Wake {
        Wake {
            unit: self.deadline.map_or(u64::MAX, |t| t.0),
            garp: self.garp_due,
            garp_pending: self.garp_pending,
        }
    }
}

/// A slot's cached deadlines, kept beside the slots in a compact array: the loop scans it
/// on every pass, and striding over the slots themselves cost a cache miss each.
#[derive(Clone, Copy)]
struct Wake {
    /// The unit's deadline (µs since the epoch; `u64::MAX`: none).
    unit: u64,
    garp: Option<Instant>,
    garp_pending: bool,
}

/// What `vigild run` needs to know besides the plan.
pub struct Options {
    pub plan_path: PathBuf,
    pub socket: PathBuf,
}

pub struct Daemon {
    opts: Options,
    plan: Plan,
    epoch: Instant,
    netlink: Netlink,
    host: Host,
    slots: Vec<Slot>,
    scripts: HashMap<String, TrackedScript>,
    files: crate::files::TrackedFiles,
    processes: crate::procs::TrackedProcesses,
    /// The packet sockets GARP / NA go out through, opened on first use and kept.
    garp_tx: GarpSenders,
    pacing: crate::garp::Pacing,
    rx: rustc_hash::FxHashMap<(String, bool), RxSocket>,
    tx: rustc_hash::FxHashMap<(String, IpAddr, Option<u8>), Rc<TxSocket>>,
    /// `slots[i].wake()`, kept up to date by `put_slot`.
    wake: Vec<Wake>,
    /// The receive sockets' keys, in poll order.
    rx_order: Rc<[(String, bool)]>,
    /// Per receive socket, per VRID: the (slot, member) pairs an advert goes to.
    by_vrid: rustc_hash::FxHashMap<(String, bool), VridTable>,
    /// Reused action buffers of the timer path.
    scratch: Vec<Action>,
    acts: Vec<(usize, Action)>,
    notifier: Notifier,
    fifos: crate::fifo::NotifyFifos,
    /// The FIFOs of the first plan are not open yet.
    fifos_unopened: bool,
    control: UnixListener,
    signals: Signals,
    stopping: bool,
    buf: Vec<u8>,
    /// iproute2's table, protocol and dsfield names, read at start and on reload.
    names: crate::rtnames::Names,
    /// `static_ipaddress`, `static_routes` and `static_rules`: installed while vigild runs.
    statics: crate::routing::Set,
    /// The VMACs (`use_vmac`) vigild owns.
    vmacs: crate::vmac::Vmacs,
}

/// Checks a plan as `vigild check` and `reload` do: valid, and nothing in it refused.
pub fn check_plan(text: &str) -> Result<Plan, StartError> {
    let plan = crate::load_plan(text).map_err(|e| StartError(e.to_string()))?;
    let refused = model::refusals(&plan);
    if !refused.is_empty() {
        let mut msg = format!("the plan uses {} setting(s) vigild does not implement:", refused.len());
        for r in &refused {
            msg.push_str(&format!("\n  {r}"));
        }
        return Err(StartError(msg));
    }
    Ok(plan)
}

fn read_plan(path: &std::path::Path) -> Result<Plan, StartError> {
    let text = std::fs::read_to_string(path).map_err(|e| StartError(format!("cannot read {}: {e}", path.display())))?;
    check_plan(&text)
}

impl Daemon {
    pub fn start(opts: Options) -> Result<Daemon, StartError> {
        let plan = read_plan(&opts.plan_path)?;
        let signals = Signals::register().map_err(|e| StartError(format!("installing signal handlers: {e}")))?;
        let netlink = Netlink::open().map_err(|e| StartError(e.to_string()))?;
        let host = netlink.host().map_err(|e| StartError(e.to_string()))?;
        let control = control::listen(&opts.socket)
            .map_err(|e| StartError(format!("cannot listen on {}: {e}", opts.socket.display())))?;
        let mut d = Daemon {
            opts,
            plan: Plan::empty(plan.source.clone()),
            epoch: Instant::now(),
            netlink,
            host,
            slots: Vec::new(),
            scripts: HashMap::new(),
            files: crate::files::TrackedFiles::new(&[]),
            processes: crate::procs::TrackedProcesses::new(&[], Instant::now()),
            garp_tx: GarpSenders::default(),
            pacing: crate::garp::Pacing::default(),
            rx: Default::default(),
            tx: Default::default(),
            rx_order: Rc::from(Vec::new()),
            wake: Vec::new(),
            by_vrid: Default::default(),
            scratch: Vec::new(),
            acts: Vec::new(),
            notifier: Notifier::default(),
            fifos: crate::fifo::NotifyFifos::default(),
            fifos_unopened: true,
            control,
            signals,
            stopping: false,
            buf: vec![0u8; 65536],
            names: crate::rtnames::Names::read(),
            statics: crate::routing::Set::default(),
            vmacs: crate::vmac::Vmacs::default(),
        };
        d.apply(plan)?;
        Ok(d)
    }

    fn now(&self) -> Time {
        Time(self.epoch.elapsed().as_micros() as u64)
    }

    /// An e-mail alert, when the plan has an SMTP relay (`smtp_alert` without one does
    /// nothing in keepalived either).
    fn alert(&self, group: bool, name: &str, state: &str) {
        let g = &self.plan.global;
        let Some(smtp) = &g.smtp else { return };
        if g.no_email_faults && state == "FAULT" {
            return;
        }
        let router_id = g.router_id.clone().unwrap_or_else(crate::smtp::hostname);
        let from = smtp.from.clone().unwrap_or_else(crate::smtp::default_from);
        crate::smtp::send(smtp, from, crate::smtp::alert(&router_id, group, name, state));
    }

    fn default_user(&self) -> Option<String> {
        self.plan.global.script_user.clone()
    }

    /// Builds the slots of `plan`, keeping every unchanged one (state, timers, addresses) and
    /// stopping the ones that are gone or changed, then starts the new ones.
    fn apply(&mut self, plan: Plan) -> Result<(), StartError> {
        // Scripts that may not run (missing, not executable, insecure under
        // enable_script_security) are taken out first, as keepalived does.
        let mut plan = crate::security::vet_plan(plan, &crate::security::RealFs);
        // Each instance's plan is held once, by its slot and members: the daemon's copy of the
        // plan keeps everything else.
        let instances: Vec<Rc<VrrpInstance>> = std::mem::take(&mut plan.vrrp_instances)
            .into_iter()
            .map(Rc::new)
            .collect();
        // An instance on an interface that does not exist: keepalived refuses the whole
        // configuration ("Non-existent interface specified in configuration") unless
        // dynamic_interfaces (refused by vigild). Checked before anything changes, so a
        // reload is refused with the running plan untouched.
        for i in &instances {
            let ifname = i.interface.as_deref().unwrap_or_default();
            if self.host.link(ifname).is_none() {
                return Err(StartError(format!(
                    "{}:{}: vrrp_instance {}: interface {ifname} does not exist (keepalived refuses such a configuration too)",
                    i.origin.file, i.origin.line, i.name
                )));
            }
        }
        let mut wanted_vmacs = Vec::new();
        for i in &instances {
            let at = |e: String| StartError(format!("{}:{}: {e}", i.origin.file, i.origin.line));
            if let Some(v) = crate::vmac::of(i).map_err(at)? {
                self.vmacs.check(&v, &self.host).map_err(at)?;
                let ll = if v.v6 && !v.xmit_base {
                    let base = self.host.link(&v.base);
                    let base_ll = base.and_then(|b| self.host.primary(b.index, true, &[]));
                    crate::vmac::link_local(i, base_ll, base.and_then(|b| b.mac))
                } else {
                    None
                };
                wanted_vmacs.push((v, ll));
            }
        }
        // Work out the new units first: a plan whose instances cannot run is refused whole.
        let mut wanted: Vec<SlotKey> = Vec::new();
        for g in &plan.sync_groups {
            let members: Vec<Rc<VrrpInstance>> = g
                .members
                .iter()
                .filter_map(|m| instances.iter().find(|i| &i.name == m).cloned())
                .collect();
            wanted.push((members, Some(g.clone())));
        }
        for i in &instances {
            if i.sync_group.is_none() || !plan.sync_groups.iter().any(|g| g.members.contains(&i.name)) {
                wanted.push((vec![i.clone()], None));
            }
        }
        let now = self.now();
        let mut old: Vec<Slot> = std::mem::take(&mut self.slots);
        let mut kept: Vec<Option<Slot>> = Vec::new();
        // Units whose priority changed in place (their trackers recomputed below).
        let mut repriced: Vec<usize> = Vec::new();
        for (k, key) in wanted.iter().enumerate() {
            let pos = old.iter().position(|s| &s.key == key).or_else(|| {
                let want = restart_key(key);
                old.iter().position(|s| restart_key(&s.key) == want)
            });
            kept.push(pos.map(|p| {
                let mut slot = old.remove(p);
                if &slot.key != key {
                    // Only where it was written or a non-owner's priority changed: keep its
                    // state, timers and addresses, as keepalived does on reload.
                    for (inst, new) in slot.insts.iter_mut().zip(&key.0) {
                        inst.plan = new.clone();
                        inst.adverts = None;
                        // The same routes and rules (or the key would differ), written elsewhere.
                        let ctx = self.routes_ctx();
                        inst.routes =
                            std::mem::take(&mut inst.routes).update(crate::routing::Set::of_instance(new), &ctx);
                    }
                    slot.key = key.clone();
                    repriced.push(k);
                }
                slot
            }));
        }
        // Stop what is gone before starting what is new, so an address that moves between
        // instances is removed by one and added by the other.
        for mut s in old {
            s.deleted = true;
            let acts = s.unit.handle_all(now, Input::Shutdown);
            self.carry_out(&mut s, acts);
            for i in &mut s.insts {
                if i.holding {
                    self.remove_addresses(i);
                }
            }
        }
        // VMACs: those of instances gone removed, the wanted ones created (before any socket is
        // opened on them), as keepalived does when it loads a configuration.
        let names: Vec<&str> = wanted_vmacs.iter().map(|(v, _)| v.name.as_str()).collect();
        self.vmacs.remove_others(&self.netlink, &self.host, &names);
        let recreated = self.vmacs.ensure(&self.netlink, &mut self.host, &wanted_vmacs);
        self.rx.retain(|k, _| !recreated.contains(&k.0));
        self.tx.retain(|k, _| !recreated.contains(&k.0));
        let default_user = plan.global.script_user.clone();
        let mut scripts = std::mem::take(&mut self.scripts);
        let mut new_scripts = HashMap::new();
        for s in &plan.vrrp_scripts {
            let keep = scripts
                .remove(&s.name)
                .filter(|_| self.plan.vrrp_scripts.iter().any(|o| o == s));
            new_scripts.insert(
                s.name.clone(),
                keep.unwrap_or_else(|| TrackedScript::new(s, default_user.as_deref(), Instant::now())),
            );
        }
        for (_, mut s) in scripts {
            s.stop();
        }
        self.scripts = new_scripts;
        let g = (&plan.global.notify_fifo, &plan.global.vrrp_notify_fifo);
        if (&self.plan.global.notify_fifo, &self.plan.global.vrrp_notify_fifo) != g || self.fifos_unopened {
            self.fifos.close();
            let user = plan.global.script_user.clone();
            self.fifos =
                crate::fifo::NotifyFifos::open(g.0.as_ref(), g.1.as_ref(), &mut self.notifier, user.as_deref());
            self.fifos_unopened = false;
        }
        if self.plan.track_files != plan.track_files || plan.track_files.is_empty() {
            self.files = crate::files::TrackedFiles::new(&plan.track_files);
        } else {
            // The same files: reread them (a reload is also how to catch a missed change).
            self.files.changed();
        }
        let g = &plan.global;
        if !self.pacing.same(g.vrrp_garp_interval_ms, g.vrrp_gna_interval_ms) {
            self.pacing = crate::garp::Pacing::new(g.vrrp_garp_interval_ms, g.vrrp_gna_interval_ms);
        }
        if self.plan.track_processes != plan.track_processes {
            self.processes = crate::procs::TrackedProcesses::new(&plan.track_processes, Instant::now());
        } else if !plan.track_processes.is_empty() {
            self.processes.rescan(Instant::now());
        }
        // Static addresses, routes and rules before any instance starts, as keepalived.
        let old_statics = std::mem::take(&mut self.statics);
        let ctx = self.routes_ctx();
        let mut statics = old_statics.update(crate::routing::Set::statics(&plan), &ctx);
        statics.install(&ctx);
        self.statics = statics;
        self.plan = plan;
        let mut fresh = Vec::new();
        let mut changed = Vec::new();
        for (k, (key, keep)) in wanted.into_iter().zip(kept).enumerate() {
            match keep {
                Some(s) => {
                    if repriced.contains(&k) {
                        changed.push(self.slots.len());
                    }
                    self.slots.push(s)
                }
                None => match self.build_slot(key) {
                    Ok(s) => {
                        fresh.push(self.slots.len());
                        self.slots.push(s);
                    }
                    Err(e) => error!("{e}"),
                },
            }
        }
        self.wake = self.slots.iter().map(Slot::wake).collect();
        // Sockets nobody uses any more are closed.
        let rx_used: Vec<(String, bool)> = self
            .slots
            .iter()
            .flat_map(|s| s.insts.iter().map(|i| i.rx.clone()))
            .collect();
        self.rx.retain(|k, _| rx_used.contains(k));
        let tx_used: Vec<(String, IpAddr, Option<u8>)> = self
            .slots
            .iter()
            .flat_map(|s| s.insts.iter().map(|i| i.tx.clone()))
            .collect();
        self.tx.retain(|k, _| tx_used.contains(k));
        self.rx_order = self.rx.keys().cloned().collect::<Vec<_>>().into();
        self.by_vrid.clear();
        for (s, slot) in self.slots.iter().enumerate() {
            for (m, inst) in slot.insts.iter().enumerate() {
                let by_vrid = self
                    .by_vrid
                    .entry(inst.rx.clone())
                    .or_insert_with(|| vec![Vec::new(); 256]);
                by_vrid[usize::from(inst.plan.virtual_router_id)].push((s, m));
            }
        }
        // The GARP / NA sockets every instance may need, opened now rather than on its first
        // takeover (looking the interface up is a netlink dump: tens of milliseconds).
        let wanted: std::collections::BTreeSet<(u32, bool)> = self
            .slots
            .iter()
            .flat_map(|s| &s.insts)
            .flat_map(|i| i.addrs.iter().map(|a| (a.index, a.addr.is_ipv6())))
            .collect();
        for (index, v6) in wanted {
            if let Err(e) = self.garp_tx.get(index, v6) {
                warn!(interface = index, error = %e, "cannot open a packet socket for GARP/NA (will retry when announcing)");
            }
        }
        let watch = self.statics.needs_route_events()
            || self
                .slots
                .iter()
                .any(|s| s.insts.iter().any(|i| i.routes.needs_route_events()));
        if let Err(e) = self.netlink.watch_routes(watch) {
            warn!("{e}: a tracked route or rule removed behind our back is put back only on the next link or address change");
        }
        for idx in changed {
            self.refresh_trackers_of(idx);
        }
        for idx in fresh {
            self.refresh_trackers_of(idx);
            let now = self.now();
            let mut slot = self.take_slot(idx);
            let acts = slot.unit.handle_all(now, Input::Startup);
            self.carry_out(&mut slot, acts);
            self.put_slot(idx, slot);
        }
        Ok(())
    }

    fn take_slot(&mut self, idx: usize) -> Slot {
        std::mem::replace(
            &mut self.slots[idx],
            Slot {
                key: (Vec::new(), None),
                unit: Unit::Group(SyncGroup::new("", Vec::new())),
                insts: Vec::new(),
                group_state: None,
                deleted: false,
                deadline: None,
                garp_due: None,
                garp_pending: false,
            },
        )
    }
    fn put_slot(&mut self, idx: usize, mut slot: Slot) {
        slot.note_deadlines();
        if let Some(w) = self.wake.get_mut(idx) {
            *w = slot.wake();
        }
        self.slots[idx] = slot;
    }

    fn build_slot(&mut self, key: SlotKey) -> Result<Slot, StartError> {
        let mut cores = Vec::new();
        let mut insts = Vec::new();
        for p in &key.0 {
            let ifname = p.interface.clone().unwrap_or_default();
            let link = self
                .host
                .link(&ifname)
                .ok_or_else(|| {
                    StartError(format!(
                        "{}:{}: vrrp_instance {}: no interface {ifname}",
                        p.origin.file, p.origin.line, p.name
                    ))
                })?
                .clone();
            let v6 = p.family == vigil_plan::Family::Ipv6;
            let vmac = crate::vmac::of(p).map_err(StartError)?;
            let vmac_link = match &vmac {
                Some(v) => Some(self.host.link(&v.name).cloned().ok_or_else(|| {
                    StartError(format!(
                        "{}:{}: vrrp_instance {}: its VMAC {} could not be set up",
                        p.origin.file, p.origin.line, p.name, v.name
                    ))
                })?),
                None => None,
            };
            // Adverts go out (and come in) on the VMAC unless vmac_xmit_base.
            let sock_link = match (&vmac, &vmac_link) {
                (Some(v), Some(l)) if !v.xmit_base => l.clone(),
                _ => link.clone(),
            };
            // From the base's IPv4 address; an IPv6 VMAC has a link-local address of its own.
            let src_link = if v6 { &sock_link } else { &link };
            let vips: Vec<IpAddr> = p
                .virtual_addresses
                .iter()
                .chain(&p.excluded_addresses)
                .map(|a| a.address)
                .collect();
            let primary = match p.src_ip {
                Some(a) => a,
                None => self.host.primary(src_link.index, v6, &vips).ok_or_else(|| {
                    StartError(format!(
                        "{}:{}: vrrp_instance {}: interface {ifname} has no {} address to advertise from",
                        p.origin.file,
                        p.origin.line,
                        p.name,
                        if v6 { "IPv6 link-local" } else { "IPv4" }
                    ))
                })?,
            };
            let cfg = model::instance_config(p, primary);
            let ttl = model::send_ttl(p);
            let sock_if = sock_link.name.clone();
            let rx_key = (sock_if.clone(), v6);
            if !self.rx.contains_key(&rx_key) {
                let s = RxSocket::open(v6, &sock_if, sock_link.index).map_err(|e| {
                    StartError(format!(
                        "vrrp_instance {}: opening the receive socket on {ifname}: {e}",
                        p.name
                    ))
                })?;
                self.rx.insert(rx_key.clone(), s);
            }
            if cfg.unicast_peers.is_empty() {
                if let Some(s) = self.rx.get_mut(&rx_key) {
                    s.join(cfg.mcast_dst).map_err(|e| {
                        StartError(format!(
                            "vrrp_instance {}: joining {} on {ifname}: {e}",
                            p.name, cfg.mcast_dst
                        ))
                    })?;
                }
            }
            let tx_key = (sock_if.clone(), primary, ttl);
            let sock = match self.tx.get(&tx_key) {
                Some(s) => s.clone(),
                None => {
                    let s = Rc::new(TxSocket::open(&sock_if, sock_link.index, primary, ttl).map_err(|e| {
                        StartError(format!(
                            "vrrp_instance {}: opening the send socket on {ifname} from {primary}: {e}",
                            p.name
                        ))
                    })?);
                    self.tx.insert(tx_key.clone(), s.clone());
                    s
                }
            };
            let addrs = p
                .virtual_addresses
                .iter()
                .chain(&p.excluded_addresses)
                .map(|a| {
                    let own = match &vmac_link {
                        Some(l) if crate::vmac::on_vmac(p, a) => l.index,
                        _ => link.index,
                    };
                    let index = a
                        .dev
                        .as_ref()
                        .and_then(|d| self.host.link(d))
                        .map(|l| l.index)
                        .unwrap_or(own);
                    AddrSpec::of(a, index)
                })
                .collect();
            info!(instance = %p.name, interface = %ifname, vrid = p.virtual_router_id, source = %primary, "instance configured");
            cores.push(Instance::new(cfg));
            insts.push(Inst {
                plan: p.clone(),
                ifname,
                vmac: vmac.map(|v| v.name),
                rx: rx_key,
                tx: tx_key,
                sock,
                adverts: None,
                addrs,
                holding: false,
                faulted: false,
                tracked_priority: p.priority,
                garp: Garp::default(),
                stats: Stats::default(),
                checksum_noted: false,
                routes: crate::routing::Set::of_instance(p),
            });
        }
        let unit = match &key.1 {
            Some(g) => Unit::Group(SyncGroup::new(&g.name, cores)),
            None => Unit::Single(Box::new(cores.pop().ok_or_else(|| StartError("an empty unit".into()))?)),
        };
        let mut slot = Slot {
            key,
            unit,
            insts,
            group_state: None,
            deleted: false,
            deadline: None,
            garp_due: None,
            garp_pending: false,
        };
        slot.note_deadlines();
        Ok(slot)
    }

    /// The trackers of one instance (with those of its sync group `group`) from the host's
    /// links and the scripts', files' and processes' states.
    fn trackers(&self, inst: &Inst, group: Option<&vigil_plan::SyncGroup>) -> (Vec<Tracker>, bool) {
        use vigil_plan::core::TrackKind;
        let up = |name: &str| self.host.link(name).is_some_and(|l| l.up);
        let own_down =
            !inst.plan.dont_track_primary && (!up(&inst.ifname) || inst.vmac.as_deref().is_some_and(|v| !up(v)));
        let t = vigil_plan::core::tracked_objects(&inst.plan, group)
            .into_iter()
            .map(|o| {
                let up = match o.kind {
                    TrackKind::Interface => self.host.link(o.name).is_some_and(|l| l.up),
                    TrackKind::Script => self.scripts.get(o.name).is_none_or(|s| s.health.up),
                    TrackKind::File => {
                        return Tracker {
                            value: Some(self.files.value(o.name)),
                            ..o.tracker
                        }
                    }
                    TrackKind::Process => self.processes.up(o.name),
                    // Refused at start (model::refusals): a plan with these never runs.
                    TrackKind::Bfd => true,
                };
                Tracker { up, ..o.tracker }
            })
            .collect();
        (t, own_down)
    }

    fn refresh_all_trackers(&mut self) {
        for idx in 0..self.slots.len() {
            self.refresh_trackers_of(idx);
        }
    }

    /// Gives every member of slot `idx` its priority and fault state from its trackers.
    fn refresh_trackers_of(&mut self, idx: usize) {
        let now = self.now();
        let mut inputs = Vec::new();
        let group = self.slots[idx].key.1.as_ref();
        for (m, inst) in self.slots[idx].insts.iter().enumerate() {
            let (t, own_down) = self.trackers(inst, group);
            let (prio, fault) = match effective_priority(inst.plan.priority, &t) {
                Tracked::Priority(p) => (p, own_down),
                Tracked::Fault => (inst.tracked_priority, true),
            };
            inputs.push((m, prio, fault));
        }
        let mut slot = self.take_slot(idx);
        for (m, prio, fault) in inputs {
            let mut acts = Vec::new();
            if prio != slot.insts[m].tracked_priority {
                info!(instance = %slot.insts[m].plan.name, from = slot.insts[m].tracked_priority, to = prio, "effective priority changed");
                slot.insts[m].tracked_priority = prio;
                let before = slot.unit.instance(m).priority();
                acts.extend(slot.unit.handle(now, m, Input::PriorityChanged(prio)));
                let core = slot.unit.instance(m);
                if core.priority() != before && slot.insts[m].plan.notify.priority_changes {
                    let word = if core.state() == State::Master {
                        "MASTER_PRIORITY"
                    } else {
                        "BACKUP_PRIORITY"
                    };
                    self.fifos.write(&crate::fifo::line(
                        "INSTANCE",
                        &slot.insts[m].plan.name,
                        word,
                        core.priority(),
                    ));
                }
            }
            if fault != slot.insts[m].faulted {
                slot.insts[m].faulted = fault;
                acts.extend(
                    slot.unit
                        .handle(now, m, if fault { Input::Fault } else { Input::FaultCleared }),
                );
            }
            self.carry_out(&mut slot, acts);
        }
        self.put_slot(idx, slot);
    }

    fn carry_out(&mut self, slot: &mut Slot, acts: impl IntoIterator<Item = (usize, Action)>) {
        for (m, a) in acts {
            let Some(inst) = slot.insts.get_mut(m) else { continue };
            if m >= slot.unit.len() {
                continue;
            }
            let core = slot.unit.instance(m);
            match a {
                Action::SendAdvert { priority } => {
                    if inst.adverts.as_ref().is_none_or(|(p, _)| *p != priority) {
                        // Encoded once per priority: the rest of an advert is fixed by the plan.
                        let advert = core.advert(priority);
                        let src = inst.tx.1;
                        let mut encoded = Vec::new();
                        for dst in core.destinations() {
                            match vigil_vrrp::encode(&advert, src, dst) {
                                Ok(bytes) => encoded.push((dst, bytes)),
                                Err(e) => {
                                    inst.stats.send_errors += 1;
                                    warn!(instance = %inst.plan.name, error = ?e, "cannot encode the advert");
                                }
                            }
                        }
                        inst.adverts = Some((priority, encoded));
                    }
                    let Some((_, encoded)) = &inst.adverts else { continue };
                    for (dst, bytes) in encoded {
                        match inst.sock.send(bytes, *dst) {
                            Ok(()) => inst.stats.adverts_sent += 1,
                            Err(e) => {
                                inst.stats.send_errors += 1;
                                if inst.stats.send_errors.is_power_of_two() {
                                    warn!(instance = %inst.plan.name, %dst, error = %e, count = inst.stats.send_errors, "sending an advert failed");
                                }
                            }
                        }
                    }
                }
                Action::AddAddresses => {
                    for spec in &inst.addrs {
                        if let Err(e) = self.netlink.address(spec, true) {
                            error!(instance = %inst.plan.name, "{e}");
                        }
                    }
                    inst.holding = true;
                    // Routes and rules after the addresses they may go through.
                    inst.routes.install(&self.routes_ctx());
                }
                Action::RemoveAddresses => self.remove_addresses(inst),
                Action::SendGarp => {
                    let now = Instant::now();
                    let g = &inst.plan.garp;
                    inst.garp.bursts = vec![(now, g.master_repeat.max(1))];
                    if g.master_delay_ms > 0 {
                        inst.garp
                            .bursts
                            .push((now + Duration::from_millis(g.master_delay_ms), g.master_repeat.max(1)));
                    }
                    inst.garp.refresh_at =
                        (g.master_refresh_ms > 0).then(|| now + Duration::from_millis(g.master_refresh_ms));
                }
                Action::Transition { from, to } => {
                    inst.stats.transitions += 1;
                    info!(instance = %inst.plan.name, ?from, ?to, priority = core.priority(), "state change");
                    if to != State::Master {
                        inst.garp = Garp::default();
                    }
                    let notify = &inst.plan.notify;
                    let (script, word) = match to {
                        State::Master => (&notify.master, "MASTER"),
                        State::Backup => (&notify.backup, "BACKUP"),
                        State::Fault => (&notify.fault, "FAULT"),
                        // Removed by a reload: DELETED with notify_deleted, else FAULT as
                        // keepalived has always reported it (nothing if it was in FAULT).
                        State::Initialize if slot.deleted && notify.send_deleted => (&notify.deleted, "DELETED"),
                        State::Initialize if slot.deleted && from == State::Fault => continue,
                        State::Initialize if slot.deleted => (&notify.fault, "FAULT"),
                        State::Initialize => (&notify.stop, "STOP"),
                    };
                    let user = self.default_user();
                    if let Some(c) = script {
                        self.notifier.run(c, user.as_deref(), &[]);
                    }
                    self.fifos
                        .write(&crate::fifo::line("INSTANCE", &inst.plan.name, word, core.priority()));
                    if inst.plan.smtp_alert {
                        self.alert(false, &inst.plan.name, word);
                    }
                    // A sync group's line once all its members are in the new state.
                    if let (Unit::Group(g), Some(sg), false) = (&slot.unit, &slot.key.1, slot.deleted) {
                        let all = g.members().iter().all(|i| i.state() == to);
                        if all && slot.group_state != Some(to) {
                            slot.group_state = Some(to);
                            self.fifos.write(&crate::fifo::line("GROUP", &sg.name, word, 0));
                            if sg.smtp_alert {
                                self.alert(true, &sg.name, word);
                            }
                            // The group's own notify scripts, as keepalived runs them.
                            let n = &sg.notify;
                            let script = match to {
                                State::Master => &n.master,
                                State::Backup => &n.backup,
                                State::Fault => &n.fault,
                                State::Initialize => &n.stop,
                            };
                            if let Some(c) = script {
                                self.notifier.run(c, user.as_deref(), &[]);
                            }
                            if let Some(c) = &n.any {
                                let extra = ["GROUP".to_string(), sg.name.clone(), word.to_string(), "0".to_string()];
                                self.notifier.run(c, user.as_deref(), &extra);
                            }
                        }
                    }
                    if let Some(c) = &notify.any {
                        let extra = [
                            "INSTANCE".to_string(),
                            inst.plan.name.clone(),
                            word.to_string(),
                            core.priority().to_string(),
                        ];
                        self.notifier.run(c, user.as_deref(), &extra);
                    }
                }
                Action::Discarded(d) => {
                    let key = format!("{d:?}");
                    let n = inst.stats.dropped.entry(key.clone()).or_insert(0);
                    *n += 1;
                    if n.is_power_of_two() {
                        debug!(instance = %inst.plan.name, reason = %key, count = *n, "advert dropped");
                    }
                }
                Action::MasterRxLowerPriority { src, priority } => {
                    debug!(instance = %inst.plan.name, %src, priority, "master heard a lower priority");
                    // GARPs now and again after the delay, for every member of a sync group
                    // that has them, as keepalived.
                    let now_i = Instant::now();
                    let members: Vec<usize> = match slot.unit {
                        Unit::Group(_) => (0..slot.insts.len()).collect(),
                        _ => vec![m],
                    };
                    for k in members {
                        let Some(i) = slot.insts.get_mut(k) else { continue };
                        let g = &i.plan.garp;
                        if g.lower_prio_repeat > 0 {
                            i.garp.bursts.push((now_i, g.lower_prio_repeat));
                            if g.lower_prio_delay_ms > 0 {
                                i.garp.bursts.push((
                                    now_i + Duration::from_millis(g.lower_prio_delay_ms),
                                    g.lower_prio_repeat,
                                ));
                            }
                        }
                    }
                    let Some(inst) = slot.insts.get(m) else { continue };
                    // notify_master_rx_lower_pri, and the FIFO line keepalived always writes.
                    if let Some(c) = &inst.plan.notify.master_rx_lower_pri {
                        let user = self.default_user();
                        self.notifier.run(c, user.as_deref(), &[]);
                    }
                    self.fifos.write(&crate::fifo::line(
                        "INSTANCE",
                        &inst.plan.name,
                        "MASTER_RX_LOWER_PRI",
                        core.priority(),
                    ));
                }
                Action::IgnoredLowerPriority { src, priority } => {
                    debug!(instance = %inst.plan.name, %src, priority, "ignored a lower-priority advert");
                }
                Action::OwnerConflict { src } => {
                    warn!(instance = %inst.plan.name, %src, "another router also claims to own the addresses (priority 255)");
                }
                Action::WantMaster => {}
            }
        }
    }

    /// What route, rule and static address requests are resolved against.
    fn routes_ctx(&self) -> crate::routing::Ctx<'_> {
        crate::routing::Ctx {
            nl: &self.netlink,
            host: &self.host,
            names: &self.names,
        }
    }

    fn remove_addresses(&self, inst: &mut Inst) {
        // Rules and routes before the addresses, as keepalived.
        inst.routes.remove(&self.routes_ctx());
        for spec in &inst.addrs {
            if let Err(e) = self.netlink.address(spec, false) {
                error!(instance = %inst.plan.name, "{e}");
            }
        }
        inst.holding = false;
    }

    /// Sends the GARP / NA bursts that are due.
    fn garps(&mut self) {
        let now = Instant::now();
        let host = &self.host;
        let senders = &mut self.garp_tx;
        let pacing = &mut self.pacing;
        for (slot, wake) in self.slots.iter_mut().zip(self.wake.iter_mut()) {
            if wake.garp.is_none_or(|d| d > now) && !wake.garp_pending {
                continue;
            }
            for inst in &mut slot.insts {
                let mut due = 0;
                inst.garp.bursts.retain(|(at, n)| {
                    if *at <= now {
                        due += n;
                        false
                    } else {
                        true
                    }
                });
                if let Some(at) = inst.garp.refresh_at.filter(|at| *at <= now) {
                    due += inst.plan.garp.master_refresh_repeat.max(1);
                    inst.garp.refresh_at = Some(at + Duration::from_millis(inst.plan.garp.master_refresh_ms.max(1)));
                }
                if !inst.holding {
                    inst.garp.pending.clear();
                    continue;
                }
                let mut frames = pacing.drain(now, &mut inst.garp.pending);
                if due > 0 {
                    let addrs: Vec<crate::garp::Announce> = inst.addrs.iter().map(|a| (a.index, a.addr)).collect();
                    frames.extend(pacing.burst(now, &addrs, due, &mut inst.garp.pending));
                }
                if !frames.is_empty() {
                    announce(host, senders, &inst.plan.name, &frames);
                }
            }
            slot.note_deadlines();
            *wake = slot.wake();
        }
    }

    fn next_wake(&self) -> Option<Instant> {
        let mut best: Option<Instant> = None;
        let mut consider = |t: Instant| best = Some(best.map_or(t, |b| b.min(t)));
        let mut unit_due = u64::MAX;
        for (slot, wake) in self.slots.iter().zip(&self.wake) {
            unit_due = unit_due.min(wake.unit);
            if let Some(at) = wake.garp {
                consider(at);
            }
            if wake.garp_pending {
                for inst in &slot.insts {
                    if let Some(at) = self.pacing.due(&inst.garp.pending) {
                        consider(at);
                    }
                }
            }
        }
        if unit_due != u64::MAX {
            consider(self.epoch + Duration::from_micros(unit_due));
        }
        for s in self.scripts.values() {
            if self.tracked(&s.name) {
                consider(s.deadline());
            }
        }
        if let Some(t) = self.processes.deadline() {
            consider(t);
        }
        if self.notifier.pending() {
            consider(Instant::now() + Duration::from_millis(20));
        }
        best
    }

    /// Whether an instance or a sync group tracks `script` (keepalived runs no other).
    fn tracked(&self, script: &str) -> bool {
        self.slots.iter().any(|s| {
            s.insts
                .iter()
                .map(|i| &i.plan.track)
                .chain(s.key.1.as_ref().map(|g| &g.track))
                .any(|t| t.scripts.iter().any(|t| t.name == script))
        })
    }

    fn timers(&mut self) {
        let mut acts = std::mem::take(&mut self.acts);
        let mut scratch = std::mem::take(&mut self.scratch);
        // Adverts first: what else a timer brought (a takeover's addresses, GARPs,
        // notifications) is queued and done one unit at a time, with the adverts that fell
        // due meanwhile sent between them. With many instances taking over at once, no
        // instance's advert waits for more than one other's netlink round trips.
        let mut later: std::collections::VecDeque<(usize, Vec<(usize, Action)>)> = Default::default();
        loop {
            let now = self.now();
            for idx in 0..self.slots.len() {
                if self.wake.get(idx).is_some_and(|w| w.unit <= now.0) {
                    let mut slot = self.take_slot(idx);
                    acts.clear();
                    slot.unit.timer_into(now, &mut scratch, &mut acts);
                    if acts.iter().all(|(_, a)| matches!(a, Action::SendAdvert { .. })) {
                        self.carry_out(&mut slot, acts.drain(..));
                    } else {
                        let (sends, rest): (Vec<_>, Vec<_>) = acts
                            .drain(..)
                            .partition(|(_, a)| matches!(a, Action::SendAdvert { .. }));
                        self.carry_out(&mut slot, sends);
                        later.push_back((idx, rest));
                    }
                    self.put_slot(idx, slot);
                }
            }
            let Some((idx, rest)) = later.pop_front() else { break };
            let mut slot = self.take_slot(idx);
            self.carry_out(&mut slot, rest);
            self.put_slot(idx, slot);
        }
        self.acts = acts;
        self.scratch = scratch;
    }

    fn run_scripts(&mut self) {
        let now = Instant::now();
        let names: Vec<String> = self.scripts.keys().cloned().collect();
        let mut changed = false;
        for n in names {
            if !self.tracked(&n) {
                continue;
            }
            if let Some(s) = self.scripts.get_mut(&n) {
                if let Some(up) = s.poll(now) {
                    info!(script = %n, up, "tracked script changed state");
                    changed = true;
                }
            }
        }
        if changed {
            for idx in 0..self.slots.len() {
                self.refresh_trackers_of(idx);
            }
        }
        self.notifier.reap();
    }

    fn receive(&mut self, key: &(String, bool)) {
        loop {
            let Some(sock) = self.rx.get(key) else { return };
            let got = match sock.recv(&mut self.buf) {
                Ok(Some(g)) => g,
                Ok(None) => return,
                Err(e) => {
                    warn!(interface = %key.0, error = %e, "receiving adverts failed");
                    return;
                }
            };
            let now = self.now();
            let decoded = vigil_vrrp::decode(&got.payload, got.rx.src, got.rx.dst);
            let advert = match decoded {
                Ok(a) => a,
                Err(e) => {
                    let reason = format!("decode: {e:?}");
                    let reason = reason.split([' ', '{', '(']).take(2).collect::<Vec<_>>().join(" ");
                    // Counted on every instance of the socket: nobody owns a broken packet.
                    for slot in &mut self.slots {
                        for inst in slot.insts.iter_mut().filter(|i| &i.rx == key) {
                            *inst.stats.dropped.entry(reason.clone()).or_insert(0) += 1;
                        }
                    }
                    continue;
                }
            };
            let by_vrid = std::mem::take(&mut self.by_vrid);
            let targets = by_vrid
                .get(key)
                .and_then(|v| v.get(usize::from(advert.vrid)))
                .map_or(&[][..], Vec::as_slice);
            for &(idx, m) in targets {
                if idx >= self.slots.len() || m >= self.slots[idx].insts.len() {
                    continue;
                }
                let mut slot = self.take_slot(idx);
                {
                    let inst = &mut slot.insts[m];
                    inst.stats.adverts_received += 1;
                    if advert.version == vigil_vrrp::Version::V3
                        && got.rx.src.is_ipv4()
                        && !inst.checksum_noted
                        && advert.checksum != model::instance_config(&inst.plan, inst.tx.1).v3_ipv4_checksum
                    {
                        inst.checksum_noted = true;
                        warn!(instance = %inst.plan.name, peer = %got.rx.src, form = ?advert.checksum,
                            "the peer checksums VRRPv3 over IPv4 in the other form (accepted; set or clear old_unicast_checksum to match)");
                    }
                    let acts = slot.unit.handle(
                        now,
                        m,
                        Input::Advert {
                            advert: advert.clone(),
                            rx: got.rx,
                        },
                    );
                    self.carry_out(&mut slot, acts);
                }
                self.put_slot(idx, slot);
            }
            self.by_vrid = by_vrid;
        }
    }

    /// The host changed: interface states, and addresses someone removed while we master.
    fn host_changed(&mut self) {
        match self.netlink.host() {
            Ok(h) => self.host = h,
            Err(e) => {
                warn!("re-reading links and addresses: {e} (will retry)");
                return;
            }
        }
        for idx in 0..self.slots.len() {
            self.refresh_trackers_of(idx);
        }
        let mut statics = std::mem::take(&mut self.statics);
        let mut slots = std::mem::take(&mut self.slots);
        let ctx = self.routes_ctx();
        statics.refresh(&ctx);
        for inst in slots.iter_mut().flat_map(|s| s.insts.iter_mut()) {
            if !inst.holding {
                continue;
            }
            for spec in &inst.addrs {
                if !self.host.has_addr(spec.index, spec.addr) {
                    warn!(instance = %inst.plan.name, address = %spec.addr, "a virtual address was removed behind our back: putting it back");
                    if let Err(e) = self.netlink.address(spec, true) {
                        error!(instance = %inst.plan.name, "{e}");
                    }
                }
            }
            // Routes and rules after the addresses they may go through.
            inst.routes.refresh(&ctx);
        }
        self.statics = statics;
        self.slots = slots;
    }

    /// The status report of `vigild status`.
    pub fn status(&self) -> control::Status {
        let mut instances = Vec::new();
        for slot in &self.slots {
            let group = slot.key.1.as_ref().map(|g| g.name.clone());
            for (core, inst) in slot.unit.members().into_iter().zip(&slot.insts) {
                instances.push(control::InstanceStatus {
                    name: inst.plan.name.clone(),
                    sync_group: group.clone(),
                    interface: inst.ifname.clone(),
                    vrid: inst.plan.virtual_router_id,
                    state: format!("{:?}", core.state()).to_uppercase(),
                    priority: core.priority(),
                    base_priority: inst.plan.priority,
                    master: core.known_master().map(|a| a.to_string()),
                    holding_addresses: inst.holding,
                    stats: serde_json::to_value(&inst.stats).unwrap_or_default(),
                });
            }
        }
        let mut scripts: Vec<control::ScriptStatus> = self
            .scripts
            .values()
            .map(|s| control::ScriptStatus {
                name: s.name.clone(),
                up: s.health.up,
            })
            .collect();
        scripts.sort_by(|a, b| a.name.cmp(&b.name));
        let files = self
            .plan
            .track_files
            .iter()
            .map(|f| control::FileStatus {
                name: f.name.clone(),
                file: f.file.clone(),
                value: self.files.value(&f.name),
            })
            .collect();
        control::Status {
            plan: self.opts.plan_path.display().to_string(),
            source: self.plan.source.file.clone(),
            instances,
            scripts,
            files,
            processes: self
                .processes
                .counts()
                .into_iter()
                .map(|(name, processes, up)| control::ProcessStatus { name, processes, up })
                .collect(),
        }
    }

    fn reload(&mut self, path: Option<PathBuf>) -> Result<(), StartError> {
        let path = path.unwrap_or_else(|| self.opts.plan_path.clone());
        let plan = read_plan(&path)?;
        if let Ok(h) = self.netlink.host() {
            self.host = h;
        }
        self.names = crate::rtnames::Names::read();
        self.opts.plan_path = path;
        self.apply(plan)?;
        info!(plan = %self.opts.plan_path.display(), "plan reloaded");
        Ok(())
    }

    fn shutdown(&mut self) {
        self.stopping = true;
        let now = self.now();
        for idx in 0..self.slots.len() {
            let mut slot = self.take_slot(idx);
            let acts = slot.unit.handle_all(now, Input::Shutdown);
            self.carry_out(&mut slot, acts);
            for inst in &mut slot.insts {
                if inst.holding {
                    self.remove_addresses(inst);
                }
            }
            self.put_slot(idx, slot);
        }
        let mut statics = std::mem::take(&mut self.statics);
        statics.remove(&self.routes_ctx());
        self.vmacs.shutdown(&self.netlink, &self.host);
        for s in self.scripts.values_mut() {
            s.stop();
        }
        self.fifos.close();
        self.notifier.drain(Duration::from_secs(5));
        let _ = std::fs::remove_file(&self.opts.socket);
    }

    /// Runs until SIGTERM or SIGINT. SIGHUP rereads the plan file.
    pub fn run(mut self) -> Result<(), StartError> {
        crate::sd_notify("READY=1");
        info!(
            instances = self.slots.iter().map(|s| s.insts.len()).sum::<usize>(),
            "vigild running"
        );
        loop {
            self.timers();
            self.garps();
            self.run_scripts();
            if self.processes.tick(Instant::now()) {
                self.refresh_all_trackers();
            }
            let timeout = self.next_wake().map(|t| t.saturating_duration_since(Instant::now()));
            let rx_keys = self.rx_order.clone();
            let (ready_rx, ready_nl, ready_sig, ready_ctl, ready_files, ready_procs) = {
                let mut fds: Vec<PollFd> = rx_keys
                    .iter()
                    .filter_map(|k| self.rx.get(k))
                    .map(|s| PollFd::new(s.fd(), PollFlags::POLLIN))
                    .collect();
                fds.push(PollFd::new(self.netlink.wake.as_fd(), PollFlags::POLLIN));
                fds.push(PollFd::new(self.signals.wake.as_fd(), PollFlags::POLLIN));
                fds.push(PollFd::new(self.control.as_fd(), PollFlags::POLLIN));
                let files_at = self.files.fd().map(|fd| {
                    fds.push(PollFd::new(fd, PollFlags::POLLIN));
                    fds.len() - 1
                });
                let procs_at = self.processes.fd().map(|fd| {
                    fds.push(PollFd::new(fd, PollFlags::POLLIN));
                    fds.len() - 1
                });
                let ts = timeout.map(TimeSpec::from_duration);
                match ppoll(&mut fds, ts, None) {
                    Ok(_) => {}
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => return Err(StartError(format!("poll: {e}"))),
                }
                let ready = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
                let n = rx_keys.len();
                let rx: Vec<bool> = fds[..n].iter().map(ready).collect();
                let at = |i: Option<usize>| i.and_then(|i| fds.get(i)).is_some_and(ready);
                let (files, procs) = (at(files_at), at(procs_at));
                (rx, ready(&fds[n]), ready(&fds[n + 1]), ready(&fds[n + 2]), files, procs)
            };
            if ready_files && self.files.changed() {
                self.refresh_all_trackers();
            }
            if ready_procs && self.processes.ready(Instant::now()) {
                self.refresh_all_trackers();
            }
            for (k, r) in rx_keys.iter().zip(ready_rx) {
                if r {
                    self.receive(k);
                }
            }
            if ready_nl {
                use std::io::Read;
                let mut b = [0u8; 256];
                while matches!((&self.netlink.wake).read(&mut b), Ok(n) if n > 0) {}
                self.host_changed();
            }
            if ready_sig {
                use std::io::Read;
                let mut b = [0u8; 64];
                while matches!((&self.signals.wake).read(&mut b), Ok(n) if n > 0) {}
                if self.signals.term.swap(false, Ordering::SeqCst) {
                    info!("stopping (SIGTERM or SIGINT)");
                    crate::sd_notify("STOPPING=1");
                    self.shutdown();
                    return Ok(());
                }
                if self.signals.hup.swap(false, Ordering::SeqCst) {
                    if let Err(e) = self.reload(None) {
                        error!("reload refused, the running plan stays: {e}");
                    }
                }
            }
            if ready_ctl {
                self.serve_control();
            }
        }
    }

    fn serve_control(&mut self) {
        let Ok((stream, _)) = self.control.accept() else { return };
        let Some((req, mut stream)) = control::read_request(stream) else {
            return;
        };
        let reply = match req {
            Request::Status => serde_json::to_value(self.status()).unwrap_or_default(),
            Request::Reload { plan } => match self.reload(plan.map(PathBuf::from)) {
                Ok(()) => serde_json::json!({"ok": true}),
                Err(e) => {
                    error!("reload refused, the running plan stays: {e}");
                    serde_json::json!({"ok": false, "error": e.0})
                }
            },
        };
        control::reply(&mut stream, &reply);
    }
}

/// The GARP / NA senders: each interface as pnet describes it (looked up once: the lookup is
/// a netlink dump that took tens of milliseconds, long enough for a backup to miss adverts
/// when many instances announced at once), and one open packet socket per interface and
/// family.
#[derive(Default)]
struct GarpSenders {
    ifaces: HashMap<u32, pnet_datalink::NetworkInterface>,
    tx: HashMap<(u32, bool), Box<dyn pnet_datalink::DataLinkSender>>,
}

impl GarpSenders {
    /// The sender of interface `index` for a family, opened if need be (`None`: pnet does not
    /// know the interface).
    fn get(&mut self, index: u32, v6: bool) -> std::io::Result<Option<&mut Box<dyn pnet_datalink::DataLinkSender>>> {
        use std::collections::hash_map::Entry;
        Ok(Some(match self.tx.entry((index, v6)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => {
                let iface = match self.ifaces.entry(index) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(v) => {
                        let Some(iface) = pnet_datalink::interfaces().into_iter().find(|i| i.index == index) else {
                            return Ok(None);
                        };
                        v.insert(iface)
                    }
                };
                v.insert(packet_sender(iface, v6)?)
            }
        }))
    }
}

/// Gratuitous ARPs for the IPv4 and unsolicited NAs for the IPv6 announcements of instance
/// `name`, in order, each from its interface's MAC through the interface's packet socket for
/// that family (reopened after a send fails: the interface may have been recreated).
fn announce(host: &Host, senders: &mut GarpSenders, name: &str, frames: &[crate::garp::Announce]) {
    let mut failed: Vec<(u32, bool)> = Vec::new();
    for &(index, addr) in frames {
        let Some(link) = host.links.iter().find(|l| l.index == index) else {
            continue;
        };
        let Some(mac) = link.mac else { continue };
        let v6 = addr.is_ipv6();
        let tx = match senders.get(index, v6) {
            Ok(Some(tx)) => tx,
            Ok(None) => continue,
            Err(e) => {
                warn!(instance = %name, interface = %link.name, error = %e, "cannot open a packet socket for GARP/NA");
                failed.push((index, v6));
                continue;
            }
        };
        let frame = match addr {
            IpAddr::V4(v4) => crate::wire::garp(mac, v4),
            IpAddr::V6(v6) => crate::wire::unsolicited_na(mac, v6, false),
        };
        if let Some(Err(e)) = tx.send_to(&frame, None) {
            warn!(instance = %name, address = %addr, error = %e, "sending GARP/NA failed");
            failed.push((index, v6));
        }
    }
    for key in failed {
        senders.tx.remove(&key);
        senders.ifaces.remove(&key.0);
    }
    debug!(instance = %name, count = frames.len(), "GARP/NA sent");
}

/// A packet socket sending whole Ethernet frames on `iface`, bound to ARP's (IPv4) or IPv6's
/// ethertype rather than to every protocol, as keepalived binds its own.
///
/// A packet socket bound to every protocol taps each frame the interface sends, adverts
/// included, so one kept open cost the kernel a clone per advert (a fifth of the send path's
/// CPU with 100 instances at 10 ms); one bound to a single ethertype is only handed frames of
/// that type the interface receives, and its filter accepts none of them, since nothing is
/// read from it. Opening one per burst instead is no cure: closing a packet socket waits for
/// an RCU grace period, which stalled the adverts of 100 instances announcing at once.
/// Promiscuous mode stays off (pnet's default turns it on).
fn packet_sender(
    iface: &pnet_datalink::NetworkInterface,
    v6: bool,
) -> std::io::Result<Box<dyn pnet_datalink::DataLinkSender>> {
    use std::os::fd::IntoRawFd;
    const ETH_P_ARP: u16 = 0x0806;
    const ETH_P_IPV6: u16 = 0x86dd;
    let proto = if v6 { ETH_P_IPV6 } else { ETH_P_ARP };
    let sock = socket2::Socket::new(
        socket2::Domain::PACKET,
        socket2::Type::RAW,
        Some(socket2::Protocol::from(i32::from(proto.to_be()))),
    )?;
    sock.attach_filter(&[socket2::SockFilter::new(crate::sockets::BPF_RET_K, 0, 0, 0)])?;
    let cfg = pnet_datalink::Config {
        read_buffer_size: 4096,
        promiscuous: false,
        // pnet binds the socket to the interface with this ethertype; the socket stays raw
        // (the frames carry their Ethernet header).
        channel_type: pnet_datalink::ChannelType::Layer3(proto),
        // pnet owns the descriptor from here and closes it with the sender.
        socket_fd: Some(sock.into_raw_fd()),
        ..pnet_datalink::Config::default()
    };
    match pnet_datalink::channel(iface, cfg)? {
        pnet_datalink::Channel::Ethernet(tx, _rx) => Ok(tx),
        _ => Err(std::io::Error::other("pnet returned a channel of another kind")),
    }
}

/// SIGTERM/SIGINT and SIGHUP as flags, and a socket that becomes readable when one arrives.
struct Signals {
    term: Arc<AtomicBool>,
    hup: Arc<AtomicBool>,
    wake: std::os::unix::net::UnixStream,
}

impl Signals {
    fn register() -> std::io::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let term = Arc::new(AtomicBool::new(false));
        let hup = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(SIGTERM, Arc::clone(&term))?;
        signal_hook::flag::register(SIGINT, Arc::clone(&term))?;
        signal_hook::flag::register(SIGHUP, Arc::clone(&hup))?;
        let (wake, tx) = std::os::unix::net::UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        tx.set_nonblocking(true)?;
        for s in [SIGTERM, SIGINT, SIGHUP] {
            signal_hook::low_level::pipe::register(s, tx.try_clone()?)?;
        }
        Ok(Signals { term, hup, wake })
    }
}

#[cfg(test)]
mod reload_tests {
    use super::{restart_key, SlotKey};
    use std::rc::Rc;

    fn key(priority: u8, line: u32) -> SlotKey {
        let text = format!(
            r#"{{"plan_version": 1, "source": {{"file": "k.conf"}}, "vrrp_instances": [{{
                "name": "VI_1", "interface": "eth0", "virtual_router_id": 51, "version": 3,
                "family": "ipv4", "initial_state": "BACKUP", "priority": {priority}, "advert_int_ms": 50,
                "mcast_dst_ip": "224.0.0.18",
                "virtual_addresses": [{{"address": "10.0.0.100", "prefix_len": 32, "origin": {{"file": "k.conf", "line": {line}}}}}],
                "garp": {{"master_delay_ms": 5000, "master_repeat": 5, "lower_prio_delay_ms": 5000, "lower_prio_repeat": 5}},
                "origin": {{"file": "k.conf", "line": {line}}}}}]}}"#
        );
        let insts = crate::load_plan(&text).expect("plan").vrrp_instances;
        (insts.into_iter().map(Rc::new).collect(), None)
    }

    #[test]
    fn moved_lines_and_priorities_keep_a_unit_owners_do_not() {
        assert_eq!(restart_key(&key(100, 1)), restart_key(&key(100, 9)));
        assert_eq!(restart_key(&key(100, 1)), restart_key(&key(200, 1)));
        assert_ne!(restart_key(&key(100, 1)), restart_key(&key(255, 1)));
        assert_ne!(restart_key(&key(255, 1)), restart_key(&key(254, 1)));
        let mut other = key(100, 1);
        Rc::make_mut(&mut other.0[0]).virtual_router_id = 52;
        assert_ne!(restart_key(&key(100, 1)), restart_key(&other));
    }
}
