//! `keepalived-check --cluster --failover`: who is master when, for every virtual router of
//! a cluster, in the normal state and after each single failure.
//!
//! Each node's plan is mapped onto the VRRP core by `vigil_plan::core` (the mapping vigild
//! runs) and the nodes are run together in the core's simulator (`vigil_vrrp::sim`) on a
//! virtual clock: the one election model of the project, so the prediction and the daemon
//! cannot disagree. Instances are matched into virtual routers by the cluster checks'
//! grouping (`checks::cluster::routers`); what then goes on the wire decides who hears whom:
//! two nodes whose VRIDs, versions, passwords or unicast peer lists disagree do not hear each
//! other in the simulation either.
//!
//! Virtual routers tied together by a sync group on some node are simulated together (their
//! VRIDs renumbered apart, so that routers on different interfaces with the same VRID do not
//! hear each other). A node's advert source address is its `unicast_src_ip` /
//! `mcast_src_ip`, else the address the other nodes list it by as a unicast peer, else a
//! documentation address that only breaks ties between equal priorities (KA0706 warns).

use crate::checks::cluster::{routers, Member, Node, Router};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use vigil_grammar::{Severity, Span};
use vigil_plan::core::{instance_config, sync_group_of, tracked_objects, TrackKind};
use vigil_plan::{Plan, ServiceKey, VrrpInstance};
use vigil_vrrp::sim::{Event, Net, Sim};
use vigil_vrrp::{Micros, Time, Tracker};

/// What fails in a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// Every node starts at the same moment; nothing fails.
    None,
    /// The node dies (no priority-0 advert).
    NodeDown,
    /// A tracked script (`track_script`) starts failing.
    ScriptFails,
    /// An interface (the instance's own or a `track_interface` one) goes down.
    InterfaceDown,
    /// A `track_file` reads as down.
    FileDown,
    /// A `vrrp_track_process` loses its quorum.
    ProcessDown,
    /// keepalived stops on the node: masters send priority 0.
    PriorityZero,
    /// The node that died comes back.
    NodeReturns,
}

/// The failure of a tracked object of this kind (BFD sessions are not simulated).
fn failure_of(kind: TrackKind) -> Option<FailureKind> {
    match kind {
        TrackKind::Interface => Some(FailureKind::InterfaceDown),
        TrackKind::Script => Some(FailureKind::ScriptFails),
        TrackKind::File => Some(FailureKind::FileDown),
        TrackKind::Process => Some(FailureKind::ProcessDown),
        TrackKind::Bfd => None,
    }
}

/// One scenario's failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub kind: FailureKind,
    /// The node it happens on.
    pub node: Option<String>,
    /// The script, interface or file that fails.
    pub name: Option<String>,
}

impl From<FailureKind> for Failure {
    fn from(kind: FailureKind) -> Failure {
        Failure {
            kind,
            node: None,
            name: None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let node = self.node.as_deref().unwrap_or("?");
        let name = self.name.as_deref().unwrap_or("?");
        match self.kind {
            FailureKind::None => write!(f, "none (all start)"),
            FailureKind::NodeDown => write!(f, "{node} down"),
            FailureKind::ScriptFails => write!(f, "script {name} fails on {node}"),
            FailureKind::InterfaceDown => write!(f, "{name} down on {node}"),
            FailureKind::FileDown => write!(f, "file {name} down on {node}"),
            FailureKind::ProcessDown => write!(f, "process {name} down on {node}"),
            FailureKind::PriorityZero => write!(f, "{node} stops (priority 0)"),
            FailureKind::NodeReturns => write!(f, "{node} returns"),
        }
    }
}

/// Who is master after one failure.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub failure: Failure,
    /// The one master once the routers have settled; `None` with no master or several.
    pub master: Option<String>,
    /// Every node that was master at some moment between the failure and settling, in the
    /// order they became master (the final master included); empty when nothing changed.
    pub masters_during_transition: Vec<String>,
    /// From the failure to the last change of master.
    pub settles_ms: u64,
    /// The masters once settled (several: a split).
    #[serde(skip)]
    pub masters: Vec<String>,
    /// Whether mastership kept changing to the end of the simulated window.
    #[serde(skip)]
    pub unsettled: bool,
}

/// One virtual router of the cluster.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub vrid: u8,
    pub interface: String,
    pub family: &'static str,
    /// The nodes that have the instance.
    pub nodes: Vec<String>,
    pub scenarios: Vec<Scenario>,
    /// The instance's name (the first node's).
    #[serde(skip)]
    pub instance: String,
    /// For each node: the masters once settled when that node starts a master-down interval
    /// before the others.
    #[serde(skip)]
    pub started_first: Vec<(String, Vec<String>)>,
}

/// The analysis of a cluster.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub groups: Vec<Group>,
}

pub static NO_MASTER: Check = Check {
    code: "KA0711",
    name: "failover-leaves-no-master",
    severity: Severity::Error,
    finds: "With --cluster --failover: a single failure (a node down, a tracked script failing, an interface going down, a graceful stop) after which no node of the virtual router becomes master, though some node that has it is still running.",
    why: "Nobody holds the virtual addresses: the service is down although a healthy node is there to take it. Usual causes: the surviving node's tracked script or interface faults it too, or it does not hear the others and faults on `unicast_fault_no_peer`.",
    example: "# lb1\nvrrp_instance VI_1 {\n    track_interface {\n        eth1\n    }\n}\n# lb2: tracks the same shared link, so a switch failure faults both\nvrrp_instance VI_1 {\n    track_interface {\n        eth1\n    }\n}",
    fix: "Give the tracker a weight instead of faulting (`weight -50`), or make sure the nodes do not all depend on the same failing object.",
};

pub static TWO_MASTERS: Check = Check {
    code: "KA0712",
    name: "failover-split-brain",
    severity: Severity::Error,
    finds: "With --cluster --failover: a scenario (the normal start-up or after a failure) in which two or more nodes are master of one virtual router at once and stay so.",
    why: "Two masters both answer ARP for the virtual addresses: traffic flips between them and connections break. The simulation sends the real adverts between the nodes' plans, so this means they cannot hear each other: different VRIDs, versions, passwords, intervals, multicast groups, or unicast peer lists that miss a node.",
    example: "# lb1\nvrrp_instance VI_1 {\n    virtual_router_id 51\n}\n# lb2\nvrrp_instance VI_1 {\n    virtual_router_id 52\n}",
    fix: "Fix the setting the cluster checks (KA0701-KA0708) point at; the nodes must send adverts the others accept.",
};

pub static MASTER_WITHOUT_LB: Check = Check {
    code: "KA0713",
    name: "failover-master-without-virtual-server",
    severity: Severity::Warning,
    finds: "With --cluster --failover: a node that becomes master of a virtual router in some scenario lacks a `virtual_server` another node has for one of the router's virtual addresses.",
    why: "The addresses move to that node but its load balancer has no service for them: clients reach the address and get refused.",
    example: "# lb1\nvirtual_server 192.0.2.1 80 {\n    real_server 10.0.0.5 80 {\n    }\n}\n# lb2: no virtual_server 192.0.2.1 80",
    fix: "Give every node that can become master the same virtual_server blocks for the router's addresses (an `include` shared by the nodes keeps them equal).",
};

pub static WEIGHT_NEVER_DECIDES: Check = Check {
    code: "KA0714",
    name: "tracking-weight-never-moves-master",
    severity: Severity::Warning,
    finds: "With --cluster --failover: a tracked script, interface or file with a weight whose failure on the master does not move mastership to another node.",
    why: "The tracker is there to hand the addresses over when the checked service fails, but the weight is too small to bring the master's priority below a backup's: the failing node keeps the addresses.",
    example: "# lb1: priority 150, weight -20 gives 130\nvrrp_instance VI_1 {\n    priority 150\n    track_script {\n        chk_haproxy weight -20\n    }\n}\n# lb2\nvrrp_instance VI_1 {\n    priority 100\n}",
    fix: "Make the weight larger than the gap between the master's priority and the best backup's (here at least -51), or use weight 0 to fault the instance.",
};

pub static STATE_MASTER_LOSES: Check = Check {
    code: "KA0715",
    name: "state-master-does-not-win",
    severity: Severity::Warning,
    finds: "With --cluster --failover: a node with `state MASTER` that is not the master once the cluster has started and settled.",
    why: "`state MASTER` only says how a node starts; the election goes to the highest priority. The config claims one node is master while another one holds the addresses, which misleads whoever reads it, and the start-up takes an extra transition.",
    example: "# lb1\nvrrp_instance VI_1 {\n    state MASTER\n    priority 100\n}\n# lb2\nvrrp_instance VI_1 {\n    state BACKUP\n    priority 150\n}",
    fix: "Give the `state MASTER` node the highest priority, or start it as BACKUP.",
};

pub static START_ORDER: Check = Check {
    code: "KA0716",
    name: "start-order-decides-master",
    severity: Severity::Warning,
    finds: "With --cluster --failover: a virtual router whose master depends on which node starts first: started alone first, some node stays master although another one wins when all start together.",
    why: "With `nopreempt` (or a `preempt_delay` longer than the start-up gap) a node that is master keeps the addresses when a higher-priority node arrives, so after a reboot or a rolling restart the addresses end up wherever keepalived happened to be ready first. Operators then read the priorities and expect the wrong node.",
    example: "# lb1\nvrrp_instance VI_1 {\n    state BACKUP\n    nopreempt\n    priority 150\n}\n# lb2\nvrrp_instance VI_1 {\n    state BACKUP\n    priority 100\n}",
    fix: "If the master must not move back, keep `nopreempt` and expect any node to be master; if it must be the highest priority, remove `nopreempt` (or shorten `preempt_delay`).",
};

pub static ALL: &[&Check] = &[
    &NO_MASTER,
    &TWO_MASTERS,
    &MASTER_WITHOUT_LB,
    &WEIGHT_NEVER_DECIDES,
    &STATE_MASTER_LOSES,
    &START_ORDER,
];

/// One node's instance in a simulated component.
struct Slot {
    node: usize,
    /// Index of the instance in the node's plan.
    inst: usize,
    /// Index of the instance in its sim router's configs.
    sim_index: usize,
    /// What each of the core's trackers of this instance is.
    trackers: Vec<(TrackKind, String, Tracker)>,
}

/// Runs the failover analysis. `nodes` are the cluster's nodes and `plans` their plans, in
/// the same order; diagnostics go to `out` with spans in the combined source map.
pub fn analyse(nodes: &[Node<'_>], plans: &[Plan], out: &mut Vec<Diagnostic>) -> Report {
    let routers = routers(nodes);
    let node_of = |m: &Member<'_, '_>| nodes.iter().position(|n| std::ptr::eq(n, m.node)).unwrap_or(0);
    // (router, node) → plan instance index
    let mut place: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (ri, r) in routers.iter().enumerate() {
        for m in &r.members {
            let n = node_of(m);
            if let Some(i) = plans[n].vrrp_instances.iter().position(|p| p.name == m.inst.label()) {
                place.insert((ri, n), i);
            }
        }
    }
    // Routers tied by a sync group on some node are one component.
    let mut parent: Vec<usize> = (0..routers.len()).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut x = x;
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (n, plan) in plans.iter().enumerate() {
        for sg in &plan.sync_groups {
            let rs: Vec<usize> = sg
                .members
                .iter()
                .filter_map(|name| plan.vrrp_instances.iter().position(|p| &p.name == name))
                .filter_map(|i| {
                    place
                        .iter()
                        .find(|(&(_, pn), &pi)| pn == n && pi == i)
                        .map(|(&(r, _), _)| r)
                })
                .collect();
            for w in rs.windows(2) {
                let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
                parent[a] = b;
            }
        }
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for r in 0..routers.len() {
        if place.keys().any(|&(pr, _)| pr == r) {
            let root = find(&mut parent, r);
            components.entry(root).or_default().push(r);
        }
    }
    let mut groups: Vec<(usize, Group)> = Vec::new();
    for comp in components.values() {
        if comp.len() > 255 {
            continue;
        }
        groups.extend(component(nodes, plans, &place, comp));
    }
    groups.sort_by_key(|(r, _)| *r);
    for (r, g) in &groups {
        diagnose(nodes, plans, &routers[*r], &place, *r, g, out);
    }
    Report {
        groups: groups.into_iter().map(|(_, g)| g).collect(),
    }
}

fn family_name(i: &VrrpInstance) -> &'static str {
    match i.family {
        vigil_plan::Family::Ipv4 => "inet",
        vigil_plan::Family::Ipv6 => "inet6",
    }
}

/// The advert source of each node's instance of one router.
fn sources(plans: &[Plan], members: &[(usize, usize)]) -> Vec<IpAddr> {
    let mut chosen: Vec<IpAddr> = Vec::new();
    for (k, &(n, i)) in members.iter().enumerate() {
        let inst = &plans[n].vrrp_instances[i];
        let v6 = inst.family == vigil_plan::Family::Ipv6;
        let own: BTreeSet<IpAddr> = inst.unicast_peers.iter().map(|p| p.address).collect();
        let listed = members
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .flat_map(|(_, &(on, oi))| plans[on].vrrp_instances[oi].unicast_peers.iter().map(|p| p.address))
            .find(|a| a.is_ipv6() == v6 && !own.contains(a) && !chosen.contains(a));
        let synthetic = if v6 {
            IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, n as u16 + 1))
        } else {
            IpAddr::V4(Ipv4Addr::new(198, 51, 100, (n % 250) as u8 + 1))
        };
        chosen.push(inst.src_ip.or(listed).unwrap_or(synthetic));
    }
    chosen
}

/// How long one scenario is simulated for: three times the slowest instance's take-over
/// (its master-down interval and preempt delay) and a second.
fn window(plans: &[Plan], slots: &[Slot]) -> Micros {
    let slowest = slots
        .iter()
        .map(|s| {
            let i = &plans[s.node].vrrp_instances[s.inst];
            let adv = i.advert_int_ms.max(1);
            (u64::from(i.down_timer_adverts.clamp(1, 100)) + 3) * adv + i.preempt_delay_ms
        })
        .max()
        .unwrap_or(1000);
    Micros::from_millis(3 * slowest + 1000)
}

/// Simulates one component and returns its groups.
fn component(
    nodes: &[Node<'_>],
    plans: &[Plan],
    place: &BTreeMap<(usize, usize), usize>,
    comp: &[usize],
) -> Vec<(usize, Group)> {
    let mut sim = Sim::new(1, Net::default());
    // The component's nodes, in node order; sim router k is node comp_nodes[k].
    let comp_nodes: Vec<usize> = (0..nodes.len())
        .filter(|n| comp.iter().any(|r| place.contains_key(&(*r, *n))))
        .collect();
    let mut configs: Vec<Vec<vigil_vrrp::InstanceConfig>> = vec![Vec::new(); comp_nodes.len()];
    let mut slots: Vec<Slot> = Vec::new();
    // (router, real VRID) → the VRID it has in the simulation.
    let mut renumber: BTreeMap<(usize, u8), u8> = BTreeMap::new();
    for &r in comp {
        let members: Vec<(usize, usize)> = comp_nodes
            .iter()
            .filter_map(|&n| place.get(&(r, n)).map(|&i| (n, i)))
            .collect();
        let srcs = sources(plans, &members);
        for (&(n, i), src) in members.iter().zip(srcs) {
            let inst = &plans[n].vrrp_instances[i];
            let next = renumber.len() as u8 + 1;
            let vrid = *renumber.entry((r, inst.virtual_router_id)).or_insert(next);
            let mut cfg = instance_config(inst, src);
            cfg.vrid = vrid;
            let k = comp_nodes.iter().position(|&c| c == n).unwrap_or(0);
            let trackers = tracked_objects(inst, sync_group_of(&plans[n], inst))
                .into_iter()
                .map(|o| (o.kind, o.name.to_string(), o.tracker))
                .collect();
            slots.push(Slot {
                node: n,
                inst: i,
                sim_index: configs[k].len(),
                trackers,
            });
            configs[k].push(cfg);
        }
    }
    for (k, cfgs) in configs.into_iter().enumerate() {
        let n = comp_nodes[k];
        let id = sim.add_router(nodes[n].name, cfgs);
        for s in slots.iter().filter(|s| s.node == n) {
            sim.set_trackers(id, s.sim_index, s.trackers.iter().map(|t| t.2).collect());
        }
        for sg in &plans[n].sync_groups {
            let members: Vec<usize> = sg
                .members
                .iter()
                .filter_map(|name| {
                    slots
                        .iter()
                        .find(|s| s.node == n && plans[n].vrrp_instances[s.inst].name == *name)
                        .map(|s| s.sim_index)
                })
                .collect();
            if members.len() > 1 {
                sim.add_sync_group(id, &sg.name, &members);
            }
        }
    }
    let sim_router = |n: usize| comp_nodes.iter().position(|&c| c == n).unwrap_or(0);
    let span = window(plans, &slots);
    // Each node started alone first, the others a master-down interval and more later.
    let lead = Micros(span.0 / 3);
    let orders: Vec<Sim> = (0..comp_nodes.len())
        .map(|first| {
            let mut s = sim.clone();
            for k in 0..comp_nodes.len() {
                s.at(if k == first { Time(0) } else { Time(0) + lead }, Event::Start(k));
            }
            s.run_until(Time(0) + lead + span);
            s
        })
        .collect();
    for k in 0..comp_nodes.len() {
        sim.at(Time(0), Event::Start(k));
    }
    let t0 = Time(0) + span;
    sim.run_until(t0);
    let base = sim;

    // The failures: each node down, stopping and returning; each tracked object failing.
    let mut failures: Vec<(Failure, Vec<Event>)> = Vec::new();
    let mut objects: BTreeSet<(usize, FailureKind, String)> = BTreeSet::new();
    for s in &slots {
        let inst = &plans[s.node].vrrp_instances[s.inst];
        if let Some(ifname) = &inst.interface {
            if !inst.dont_track_primary {
                objects.insert((s.node, FailureKind::InterfaceDown, ifname.clone()));
            }
        }
        for (kind, name, _) in &s.trackers {
            if let Some(k) = failure_of(*kind) {
                objects.insert((s.node, k, name.clone()));
            }
        }
    }
    for &n in &comp_nodes {
        let who = Some(nodes[n].name.to_string());
        let failure = |kind| Failure {
            kind,
            node: who.clone(),
            name: None,
        };
        failures.push((failure(FailureKind::NodeDown), vec![Event::Crash(sim_router(n))]));
        failures.push((failure(FailureKind::PriorityZero), vec![Event::Stop(sim_router(n))]));
    }
    for (n, kind, name) in &objects {
        let mut events = Vec::new();
        for s in slots.iter().filter(|s| s.node == *n) {
            let inst = &plans[s.node].vrrp_instances[s.inst];
            let (router, instance) = (sim_router(*n), s.sim_index);
            if *kind == FailureKind::InterfaceDown && inst.interface.as_ref() == Some(name) && !inst.dont_track_primary
            {
                events.push(Event::Interface {
                    router,
                    instance,
                    up: false,
                });
            }
            for (t, (tk, tn, _)) in s.trackers.iter().enumerate() {
                if failure_of(*tk) == Some(*kind) && tn == name {
                    events.push(Event::Tracker {
                        router,
                        instance,
                        tracker: t,
                        up: false,
                    });
                }
            }
        }
        let f = Failure {
            kind: *kind,
            node: Some(nodes[*n].name.to_string()),
            name: Some(name.clone()),
        };
        failures.push((f, events));
    }

    // Each router's VRIDs in the simulation.
    let vrids_of = |r: usize| -> Vec<u8> {
        renumber
            .iter()
            .filter(|((rr, _), _)| *rr == r)
            .map(|(_, v)| *v)
            .collect()
    };
    let mut results: Vec<(Failure, Sim, Time)> = vec![(
        Failure {
            kind: FailureKind::None,
            node: None,
            name: None,
        },
        base.clone(),
        Time(0),
    )];
    for (f, events) in failures {
        let mut sim = base.clone();
        for e in events {
            sim.at(t0, e);
        }
        sim.run_until(t0 + span);
        if f.kind == FailureKind::NodeDown {
            let mut back = sim.clone();
            let t1 = t0 + span;
            let router = comp_nodes
                .iter()
                .position(|&c| Some(nodes[c].name) == f.node.as_deref())
                .unwrap_or(0);
            back.at(t1, Event::Start(router));
            back.run_until(t1 + span);
            results.push((f.clone(), sim, t0));
            let returns = Failure {
                kind: FailureKind::NodeReturns,
                ..f
            };
            results.push((returns, back, t1));
        } else {
            results.push((f, sim, t0));
        }
    }

    let mut out = Vec::new();
    for &r in comp {
        let members: Vec<usize> = comp_nodes
            .iter()
            .copied()
            .filter(|&n| place.contains_key(&(r, n)))
            .collect();
        let Some((first_node, first_inst)) = members.first().and_then(|&n| place.get(&(r, n)).map(|&i| (n, i))) else {
            continue;
        };
        let inst = &plans[first_node].vrrp_instances[first_inst];
        let vrids = vrids_of(r);
        let scenarios = results
            .iter()
            .map(|(f, sim, from)| outcome(f.clone(), sim, *from, span, &vrids))
            .collect();
        out.push((
            r,
            Group {
                vrid: inst.virtual_router_id,
                interface: inst.interface.clone().unwrap_or_default(),
                family: family_name(inst),
                nodes: members.iter().map(|&n| nodes[n].name.to_string()).collect(),
                scenarios,
                instance: inst.name.clone(),
                started_first: orders
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| members.contains(&comp_nodes[*k]))
                    .map(|(k, o)| {
                        let s = outcome(FailureKind::None.into(), o, Time(0), lead + span, &vrids);
                        (nodes[comp_nodes[k]].name.to_string(), s.masters)
                    })
                    .collect(),
            },
        ));
    }
    out
}

/// What one simulated run says about the router with simulated VRIDs `vrids`, from `from`
/// for one window.
fn outcome(failure: Failure, sim: &Sim, from: Time, span: Micros, vrids: &[u8]) -> Scenario {
    let masters_at = |t: Time| -> Vec<String> {
        let mut m: Vec<String> = vrids.iter().flat_map(|&v| sim.masters_at(v, t)).collect();
        m.sort();
        m.dedup();
        m
    };
    let end = from + span;
    let mut seen: Vec<String> = Vec::new();
    let mut last_change = from;
    let mut before = if from == Time(0) { Vec::new() } else { masters_at(from) };
    // A master from before the failure that is still master at the first change comes first.
    let held = before.clone();
    let changes: BTreeSet<Time> = sim
        .history()
        .iter()
        .filter(|(t, v, _)| vrids.contains(v) && *t >= from && *t <= end)
        .map(|(t, _, _)| *t)
        .collect();
    for t in changes {
        let now = masters_at(t);
        if now != before {
            last_change = t;
            let first = seen.is_empty();
            for m in held.iter().filter(|m| first && now.contains(m)).chain(&now) {
                if !seen.contains(m) {
                    seen.push(m.clone());
                }
            }
            before = now;
        }
    }
    let masters = masters_at(end);
    // Settled: no change in the last third of the window.
    let unsettled = (last_change - from).0 * 3 > span.0 * 2;
    Scenario {
        failure,
        master: (masters.len() == 1).then(|| masters[0].clone()),
        masters_during_transition: seen,
        settles_ms: (last_change - from).0 / 1000,
        masters,
        unsettled,
    }
}

/// The span of a plan origin (file and line) in node `n`'s files, in the combined map.
fn origin_span(node: &Node<'_>, o: &vigil_plan::Origin) -> Option<Span> {
    let (id, f) = node
        .parsed
        .sources
        .files()
        .find(|(_, f)| f.path.display().to_string() == o.file)?;
    let starts = f.line_starts();
    let line = (o.line as usize).checked_sub(1)?;
    let start = *starts.get(line)?;
    let text = &f.text[start as usize..];
    let len = text.find('\n').unwrap_or(text.len());
    let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
    let start = start + indent.min(len) as u32;
    Some(node.span(Span {
        file: id,
        start,
        end: start + (len - indent.min(len)) as u32,
    }))
}

/// The services a node's load balancer has for `vips`.
fn services(plan: &Plan, vips: &BTreeSet<IpAddr>) -> BTreeSet<(IpAddr, u16)> {
    let mut out = BTreeSet::new();
    for vs in &plan.virtual_servers {
        match &vs.key {
            ServiceKey::Address { address, port } if vips.contains(address) => {
                out.insert((*address, *port));
            }
            ServiceKey::Group { name } => {
                for g in plan.virtual_server_groups.iter().filter(|g| &g.name == name) {
                    for e in &g.entries {
                        if let (Some(a), None) = (e.address, e.address_end) {
                            if vips.contains(&a) {
                                out.insert((a, e.port.unwrap_or(0)));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn diagnose(
    nodes: &[Node<'_>],
    plans: &[Plan],
    router: &Router<'_, '_>,
    place: &BTreeMap<(usize, usize), usize>,
    r: usize,
    g: &Group,
    out: &mut Vec<Diagnostic>,
) {
    let member_of = |name: &str| router.members.iter().find(|m| m.who() == name);
    let node_index = |name: &str| nodes.iter().position(|n| n.name == name);
    let Some(first) = router.members.first() else { return };
    let label = first.inst.label();
    let normal = &g.scenarios[0];
    let multi = g.nodes.len() > 1;

    // KA0712: two masters, reported once per router with the first scenario that shows it.
    let splits: Vec<&Scenario> = g.scenarios.iter().filter(|s| s.masters.len() > 1).collect();
    if let Some(s) = splits.first() {
        let at = member_of(&s.masters[0]).map_or(first.name_span(), Member::name_span);
        let mut d = Diagnostic::new(
            &TWO_MASTERS,
            at,
            format!(
                "`{label}` has {} masters at once ({}) {}",
                s.masters.len(),
                s.masters.join(", "),
                if s.failure.kind == FailureKind::None {
                    "once the cluster has started".to_string()
                } else {
                    format!("after: {}", s.failure)
                }
            ),
        );
        for m in s.masters.iter().skip(1).filter_map(|m| member_of(m)) {
            d = d.label(m.name_span(), format!("also master: {}", m.who()));
        }
        out.push(d.help(format!(
            "{} scenario(s) end with several masters: the nodes do not accept each other's adverts; the cluster checks (KA0701-KA0708) name the setting that differs",
            splits.len()
        )));
    }

    // KA0711: no master although a node that has the router still runs.
    if multi {
        for s in &g.scenarios {
            let gone = matches!(s.failure.kind, FailureKind::NodeDown | FailureKind::PriorityZero);
            let alive = g
                .nodes
                .iter()
                .filter(|n| !(gone && s.failure.node.as_deref() == Some(n.as_str())))
                .count();
            if !s.masters.is_empty() || alive == 0 {
                continue;
            }
            let on = s.failure.node.as_deref().and_then(member_of).unwrap_or(first);
            let mut d = Diagnostic::new(
                &NO_MASTER,
                on.name_span(),
                format!("no node is master of `{label}` after: {}", s.failure),
            );
            for m in router.members.iter().filter(|m| !std::ptr::eq(*m, on)) {
                d = d.label(m.name_span(), format!("{} does not take over", m.who()));
            }
            out.push(d.help("the surviving nodes are in FAULT too (a shared tracked object, or their own interface)"));
        }
    }

    // KA0713: a master without the load balancer the others have for the router's addresses.
    let vips: BTreeSet<IpAddr> = g
        .nodes
        .iter()
        .filter_map(|n| node_index(n))
        .filter_map(|n| place.get(&(r, n)).map(|&i| &plans[n].vrrp_instances[i]))
        .flat_map(|i| i.virtual_addresses.iter().map(|a| a.address))
        .collect();
    let all: BTreeMap<usize, BTreeSet<(IpAddr, u16)>> = g
        .nodes
        .iter()
        .filter_map(|n| node_index(n))
        .map(|n| (n, services(&plans[n], &vips)))
        .collect();
    let wanted: BTreeSet<(IpAddr, u16)> = all.values().flatten().copied().collect();
    let mut flagged = BTreeSet::new();
    for s in &g.scenarios {
        for m in &s.masters {
            let Some(n) = node_index(m) else { continue };
            let missing: Vec<String> = wanted
                .difference(all.get(&n).unwrap_or(&BTreeSet::new()))
                .map(|(a, p)| match a {
                    IpAddr::V6(_) => format!("[{a}]:{p}"),
                    IpAddr::V4(_) => format!("{a}:{p}"),
                })
                .collect();
            if missing.is_empty() || !flagged.insert(n) {
                continue;
            }
            let Some(mem) = member_of(m) else { continue };
            let when = if s.failure.kind == FailureKind::None {
                "at start-up".to_string()
            } else {
                format!("after: {}", s.failure)
            };
            let mut d = Diagnostic::new(
                &MASTER_WITHOUT_LB,
                mem.name_span(),
                format!(
                    "{m} becomes master of `{label}` ({when}) but has no virtual_server for {}",
                    missing.join(", ")
                ),
            );
            if let Some(other) = all.iter().find(|(o, set)| **o != n && !set.is_empty()).map(|(o, _)| *o) {
                if let Some(om) = member_of(nodes[other].name) {
                    d = d.label(om.name_span(), format!("{} has the virtual servers", om.who()));
                }
            }
            out.push(d);
        }
    }

    // KA0714: a weighted tracker whose failure on the master leaves it master.
    if let (Some(master), true) = (&normal.master, multi) {
        if let (Some(n), Some(mem)) = (node_index(master), member_of(master)) {
            if let Some(&i) = place.get(&(r, n)) {
                let inst = &plans[n].vrrp_instances[i];
                for o in tracked_objects(inst, sync_group_of(&plans[n], inst)) {
                    let Some(kind) = failure_of(o.kind) else { continue };
                    if o.tracker.weight == 0 || o.tracker.reverse {
                        continue;
                    }
                    let Some(s) = g.scenarios.iter().find(|s| {
                        s.failure.kind == kind
                            && s.failure.node.as_deref() == Some(master.as_str())
                            && s.failure.name.as_deref() == Some(o.name)
                    }) else {
                        continue;
                    };
                    if s.master.as_deref() != Some(master.as_str()) {
                        continue;
                    }
                    let at = origin_span(&nodes[n], o.origin).unwrap_or(mem.name_span());
                    let base = i32::from(inst.priority);
                    let low = if o.tracker.weight > 0 {
                        base
                    } else {
                        base + o.tracker.weight
                    };
                    let best = router
                        .members
                        .iter()
                        .filter(|m| m.who() != master)
                        .max_by_key(|m| m.inst.priority());
                    let mut d = Diagnostic::new(
                        &WEIGHT_NEVER_DECIDES,
                        at,
                        format!(
                            "when {} `{}` fails on {master}, {master} stays master of `{label}` (weight {})",
                            o.kind.keyword().trim_start_matches("track_"),
                            o.name,
                            o.tracker.weight
                        ),
                    );
                    if let Some(b) = best {
                        d = d.label(
                            b.arg_span("priority"),
                            format!("{} has priority {}", b.who(), b.inst.priority()),
                        );
                        d = d.help(format!(
                            "{master}'s priority goes from {} to {} at the lowest; it must fall below the best backup's",
                            if o.tracker.weight > 0 { base + o.tracker.weight } else { base },
                            low.clamp(1, 254)
                        ));
                    }
                    out.push(d);
                }
            }
        }
    }

    // KA0716: the master depends on which node starts first.
    if let (Some(master), true) = (&normal.master, multi) {
        if let Some((early, masters)) = g.started_first.iter().find(|(_, m)| m.len() == 1 && &m[0] != master) {
            let stays = member_of(&masters[0]);
            let at = member_of(master).map_or(first.name_span(), |w| w.line_span("nopreempt"));
            let mut d = Diagnostic::new(
                &START_ORDER,
                at,
                format!(
                    "the master of `{label}` depends on start order: {master} wins when all start together, but {early} started first stays master"
                ),
            );
            if let Some(w) = stays {
                d = d.label(
                    w.arg_span("priority"),
                    format!("{} keeps the addresses with priority {}", w.who(), w.inst.priority()),
                );
            }
            out.push(d.help("a master that does not preempt keeps the addresses when a higher priority arrives; remove nopreempt if the highest priority must win"));
        }
    }

    // KA0715: `state MASTER` on a node that does not win.
    if let (Some(master), true) = (&normal.master, multi) {
        for m in router.members.iter().filter(|m| m.who() != master) {
            if m.inst.state_line().is_some_and(|(is_master, _)| is_master) {
                let mut d = Diagnostic::new(
                    &STATE_MASTER_LOSES,
                    m.line_span("state"),
                    format!(
                        "{} starts `{label}` as MASTER, but {master} is master once the cluster has settled",
                        m.who()
                    ),
                );
                if let Some(w) = member_of(master) {
                    d = d.label(
                        w.arg_span("priority"),
                        format!("{master} wins with priority {}", w.inst.priority()),
                    );
                }
                out.push(d);
            }
        }
    }
}

/// The report as tables, one per virtual router.
pub fn render(report: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for g in &report.groups {
        let _ = writeln!(
            s,
            "{}: VRID {} on {} ({}), nodes {}",
            g.instance,
            g.vrid,
            if g.interface.is_empty() { "?" } else { &g.interface },
            g.family,
            g.nodes.join(", ")
        );
        let rows: Vec<[String; 4]> = g
            .scenarios
            .iter()
            .map(|sc| {
                let master = match (&sc.master, sc.masters.len()) {
                    (Some(m), _) => m.clone(),
                    (None, 0) => "(none)".into(),
                    (None, _) => format!("SPLIT: {}", sc.masters.join(" + ")),
                };
                let settles = if sc.unsettled {
                    "never".to_string()
                } else if sc.masters_during_transition.is_empty() {
                    "-".to_string()
                } else {
                    format!("{} ms", sc.settles_ms)
                };
                [
                    sc.failure.to_string(),
                    master,
                    sc.masters_during_transition.join(" > "),
                    settles,
                ]
            })
            .collect();
        let head = ["failure", "master", "masters on the way", "settles"];
        let mut w = head.map(str::len);
        for row in &rows {
            for (c, cell) in row.iter().enumerate() {
                w[c] = w[c].max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 4]| {
            format!(
                "  {:<a$}  {:<b$}  {:<c$}  {}\n",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                a = w[0],
                b = w[1],
                c = w[2]
            )
        };
        s.push_str(&line(head));
        for row in &rows {
            s.push_str(&line([&row[0], &row[1], &row[2], &row[3]]));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysis of node texts `lb1`, `lb2`, ...: the report and the KA071x codes found.
    fn run(texts: &[&str]) -> (Report, Vec<Diagnostic>) {
        let nodes = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let name = format!("lb{}", i + 1);
                let p = vigil_grammar::parse_text(&format!("/{name}.conf"), t);
                (name, p)
            })
            .collect();
        let c = crate::check_cluster_with(nodes, &crate::CheckOptions::default(), true);
        let diags = c
            .diags
            .into_iter()
            .filter(|d| ALL.iter().any(|k| std::ptr::eq(*k, d.check)))
            .collect();
        (c.failover.unwrap_or_default(), diags)
    }

    fn node(body: &str) -> String {
        format!(
            "vrrp_instance VI_1 {{\n    interface eth0\n    virtual_router_id 51\n    advert_int 1\n    virtual_ipaddress {{\n        192.0.2.10/24\n    }}\n{body}}}\n"
        )
    }

    fn master(r: &Report, failure: &str) -> Option<String> {
        let s = r.groups[0].scenarios.iter().find(|s| s.failure.to_string() == failure);
        s.unwrap_or_else(|| panic!("no scenario {failure}")).master.clone()
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(Diagnostic::code).collect()
    }

    #[test]
    fn the_higher_priority_wins_fails_over_and_preempts_back() {
        let (r, d) = run(&[&node("    priority 150\n"), &node("    priority 100\n")]);
        assert_eq!(codes(&d), Vec::<&str>::new());
        assert_eq!(r.groups.len(), 1);
        let g = &r.groups[0];
        assert_eq!((g.vrid, g.interface.as_str(), g.family), (51, "eth0", "inet"));
        assert_eq!(g.nodes, ["lb1", "lb2"]);
        assert_eq!(master(&r, "none (all start)").as_deref(), Some("lb1"));
        assert_eq!(master(&r, "lb1 down").as_deref(), Some("lb2"));
        assert_eq!(master(&r, "lb1 returns").as_deref(), Some("lb1"));
        assert_eq!(master(&r, "lb1 stops (priority 0)").as_deref(), Some("lb2"));
        assert_eq!(master(&r, "lb2 down").as_deref(), Some("lb1"));
        assert_eq!(master(&r, "eth0 down on lb1").as_deref(), Some("lb2"));
        let down = g
            .scenarios
            .iter()
            .find(|s| s.failure.kind == FailureKind::NodeDown)
            .unwrap();
        // The master-down interval at priority 100: 3 s + (256 - 100) / 256 s after the last
        // advert, which came up to one interval before the crash.
        assert!((2_600..=3_610).contains(&down.settles_ms), "{}", down.settles_ms);
        assert_eq!(down.masters_during_transition, ["lb2"]);
        let stop = g
            .scenarios
            .iter()
            .find(|s| s.failure.kind == FailureKind::PriorityZero)
            .unwrap();
        // Priority 0: the backup takes over after its skew time, 0.61 s.
        assert!((600..=620).contains(&stop.settles_ms), "{}", stop.settles_ms);
        let back = g
            .scenarios
            .iter()
            .find(|s| s.failure.kind == FailureKind::NodeReturns)
            .unwrap();
        assert_eq!(back.masters_during_transition.first().map(String::as_str), Some("lb2"));
    }

    #[test]
    fn nopreempt_keeps_the_backup_master_when_the_node_returns() {
        let a = node("    state BACKUP\n    nopreempt\n    priority 150\n");
        let b = node("    state BACKUP\n    nopreempt\n    priority 100\n");
        let (r, d) = run(&[&a, &b]);
        assert_eq!(master(&r, "lb1 down").as_deref(), Some("lb2"));
        assert_eq!(master(&r, "lb1 returns").as_deref(), Some("lb2"));
        // Whoever starts first stays master.
        assert_eq!(codes(&d), ["KA0716"]);
        assert_eq!(
            r.groups[0].started_first,
            [
                ("lb1".to_string(), vec!["lb1".to_string()]),
                ("lb2".to_string(), vec!["lb2".to_string()])
            ]
        );
        // With preemption the highest priority wins whatever the order.
        let (r, d) = run(&[&node("    priority 150\n"), &node("    priority 100\n")]);
        assert_eq!(codes(&d), Vec::<&str>::new());
        assert!(r.groups[0].started_first.iter().all(|(_, m)| m == &["lb1"]));
    }

    #[test]
    fn nodes_that_do_not_hear_each_other_are_a_split_brain() {
        let b = node("    priority 100\n").replace("virtual_router_id 51", "virtual_router_id 52");
        let (r, d) = run(&[&node("    priority 150\n"), &b]);
        assert!(codes(&d).contains(&"KA0712"), "{:?}", codes(&d));
        assert_eq!(master(&r, "none (all start)"), None);
        assert_eq!(r.groups[0].scenarios[0].masters, ["lb1", "lb2"]);
        // A password that differs splits them too.
        let auth = |p: &str| {
            node(&format!(
                "    priority 100\n    authentication {{\n        auth_type PASS\n        auth_pass {p}\n    }}\n"
            ))
        };
        let (_, d) = run(&[&auth("secret1"), &auth("secret2")]);
        assert!(codes(&d).contains(&"KA0712"));
        let (_, d) = run(&[
            &auth("secret1"),
            &auth("secret1").replace("priority 100", "priority 90"),
        ]);
        assert!(!codes(&d).contains(&"KA0712"));
    }

    #[test]
    fn a_weight_too_small_to_move_the_master() {
        let script = "vrrp_script chk {\n    script \"/bin/true\"\n    weight -20\n}\n";
        let a = format!(
            "{script}{}",
            node("    priority 150\n    track_script {\n        chk\n    }\n")
        );
        let (r, d) = run(&[&a, &node("    priority 100\n")]);
        assert_eq!(codes(&d), ["KA0714"]);
        assert_eq!(master(&r, "script chk fails on lb1").as_deref(), Some("lb1"));
        // The diagnostic points at the tracking line.
        assert_eq!(d[0].span.file, vigil_grammar::FileId(0));
        let big = a.replace("weight -20", "weight -60");
        let (r, d) = run(&[&big, &node("    priority 100\n")]);
        assert_eq!(codes(&d), Vec::<&str>::new());
        assert_eq!(master(&r, "script chk fails on lb1").as_deref(), Some("lb2"));
        // Weight 0 faults the instance: the backup takes over.
        let zero = a.replace("weight -20", "weight 0");
        let (r, _) = run(&[&zero, &node("    priority 100\n")]);
        assert_eq!(master(&r, "script chk fails on lb1").as_deref(), Some("lb2"));
    }

    #[test]
    fn state_master_that_loses_and_a_master_without_the_virtual_server() {
        let a = node("    state MASTER\n    priority 100\n");
        let vs = "virtual_server 192.0.2.10 80 {\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n}\n";
        let b = format!("{}{vs}", node("    state BACKUP\n    priority 150\n"));
        let (r, d) = run(&[&a, &b]);
        assert_eq!(master(&r, "none (all start)").as_deref(), Some("lb2"));
        let mut c = codes(&d);
        c.sort();
        assert_eq!(c, ["KA0713", "KA0715"]);
        let lb = d.iter().find(|d| d.code() == "KA0713").unwrap();
        assert!(lb.message.contains("lb1 becomes master"), "{}", lb.message);
        assert!(lb.message.contains("192.0.2.10:80"), "{}", lb.message);
    }

    #[test]
    fn sync_groups_move_together() {
        let two = |p1: u8, p2: u8| {
            format!(
                "vrrp_sync_group G {{\n    group {{\n        A\n        B\n    }}\n}}\n\
                 vrrp_instance A {{\n    interface eth0\n    virtual_router_id 1\n    priority {p1}\n    virtual_ipaddress {{\n        192.0.2.1\n    }}\n}}\n\
                 vrrp_instance B {{\n    interface eth1\n    virtual_router_id 1\n    priority {p2}\n    virtual_ipaddress {{\n        198.51.100.1\n    }}\n}}\n"
            )
        };
        let (r, _) = run(&[&two(150, 150), &two(100, 100)]);
        assert_eq!(r.groups.len(), 2);
        for g in &r.groups {
            let eth1_down = g
                .scenarios
                .iter()
                .find(|s| s.failure.to_string() == "eth1 down on lb1")
                .unwrap();
            // B's interface fails on lb1: the whole group moves to lb2, A too.
            assert_eq!(eth1_down.master.as_deref(), Some("lb2"), "{}", g.instance);
        }
    }

    #[test]
    fn a_sync_groups_own_tracker_fails_every_member() {
        // lb1's group tracks a script (weight 0) and an interface with a weight of its own.
        let two = |p: u8, group_track: &str| {
            format!(
                "vrrp_script chk {{\n    script \"/bin/true\"\n}}\nvrrp_track_process web {{\n    process nginx\n}}\n\
                 vrrp_sync_group G {{\n    group {{\n        A\n        B\n    }}\n{group_track}}}\n\
                 vrrp_instance A {{\n    interface eth0\n    virtual_router_id 1\n    priority {p}\n    virtual_ipaddress {{\n        192.0.2.1\n    }}\n}}\n\
                 vrrp_instance B {{\n    interface eth1\n    virtual_router_id 2\n    priority {p}\n    virtual_ipaddress {{\n        198.51.100.1\n    }}\n}}\n"
            )
        };
        let tracked = "    track_script {\n        chk\n    }\n    track_interface {\n        eth2 weight -60\n    }\n    track_process {\n        web\n    }\n";
        let (r, _) = run(&[&two(150, tracked), &two(100, "")]);
        assert_eq!(r.groups.len(), 2);
        for g in &r.groups {
            let after = |f: &str| {
                let s = g.scenarios.iter().find(|s| s.failure.to_string() == f);
                s.unwrap_or_else(|| panic!("no scenario {f} for {}", g.instance))
                    .master
                    .clone()
            };
            assert_eq!(after("none (all start)").as_deref(), Some("lb1"), "{}", g.instance);
            // The group's script fails: both members fault and move to lb2.
            assert_eq!(
                after("script chk fails on lb1").as_deref(),
                Some("lb2"),
                "{}",
                g.instance
            );
            // The group's weighted interface: 150 - 60 < 100 for both.
            assert_eq!(after("eth2 down on lb1").as_deref(), Some("lb2"), "{}", g.instance);
            assert_eq!(
                after("process web down on lb1").as_deref(),
                Some("lb2"),
                "{}",
                g.instance
            );
        }
    }

    #[test]
    fn unicast_peers_decide_who_hears_whom() {
        let uni = |prio: u8, src: &str, peers: &[&str]| {
            let list: String = peers.iter().map(|p| format!("        {p}\n")).collect();
            node(&format!(
                "    priority {prio}\n    unicast_src_ip {src}\n    unicast_peer {{\n{list}    }}\n"
            ))
        };
        let (r, d) = run(&[
            &uni(150, "10.0.0.1", &["10.0.0.2", "10.0.0.3"]),
            &uni(100, "10.0.0.2", &["10.0.0.1", "10.0.0.3"]),
            &uni(50, "10.0.0.3", &["10.0.0.1", "10.0.0.2"]),
        ]);
        assert!(!codes(&d).contains(&"KA0712"), "{:?}", codes(&d));
        assert_eq!(master(&r, "lb1 down").as_deref(), Some("lb2"));
        // lb2 does not list lb3, so lb3 never hears lb2: when lb1 is down, both are master.
        let (r, d) = run(&[
            &uni(150, "10.0.0.1", &["10.0.0.2", "10.0.0.3"]),
            &uni(100, "10.0.0.2", &["10.0.0.1"]),
            &uni(50, "10.0.0.3", &["10.0.0.1", "10.0.0.2"]),
        ]);
        assert!(codes(&d).contains(&"KA0712"), "{:?}", codes(&d));
        let s = r.groups[0]
            .scenarios
            .iter()
            .find(|s| s.failure.to_string() == "lb1 down")
            .unwrap();
        assert_eq!(s.masters, ["lb2", "lb3"]);
    }

    #[test]
    fn bad_input_does_not_panic() {
        for t in [
            "vrrp_instance {\n}\n",
            "vrrp_instance V {\n virtual_router_id\n unicast_peer {\n }\n}\n",
            "vrrp_instance V {\n virtual_router_id 999\n advert_int x\n priority -1\n",
            "vrrp_sync_group G { group { V V } }\nvrrp_instance V { interface e virtual_router_id 3 track_script { nope } }",
        ] {
            let _ = run(&[t, t, "vrrp_instance V {\n virtual_router_id 3\n}\n"]);
        }
    }
}
