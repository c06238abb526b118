//! The plan's VRRP part mapped onto the pure core's types (`vigil-vrrp`), in one place:
//! vigild runs these configurations, and keepalived-check's failover analysis simulates the
//! same ones, so the daemon and the prediction cannot read a plan differently.
//!
//! Only with the `vrrp` feature. Nothing here does I/O: the advert source address, which
//! only the host (or, for the analysis, the cluster's other nodes) knows, is a parameter.

use crate::{AuthKind, Origin, Plan, SyncGroup, Tracking, VrrpInstance};
use std::net::IpAddr;
use vigil_vrrp::{AuthConfig, ChecksumForm, Family, InitialState, InstanceConfig, Micros, Peer, Tracker, Version};

/// The VRRP core's configuration of a plan instance. `primary` is the advert source: the
/// plan's `src_ip` (`unicast_src_ip` / `mcast_src_ip`) or the interface's primary address of
/// the instance's family (IPv6: its link-local address).
pub fn instance_config(i: &VrrpInstance, primary: IpAddr) -> InstanceConfig {
    let version = match i.version {
        crate::VrrpVersion::V2 => Version::V2,
        crate::VrrpVersion::V3 => Version::V3,
    };
    let vips: Vec<IpAddr> = i.virtual_addresses.iter().map(|a| a.address).collect();
    let mut cfg = InstanceConfig::new(&i.name, i.virtual_router_id, version, primary, vips);
    cfg.family = match i.family {
        crate::Family::Ipv4 => Family::V4,
        crate::Family::Ipv6 => Family::V6,
    };
    cfg.priority = i.priority;
    cfg.advert_interval = Micros(i.advert_int_ms.saturating_mul(1000));
    cfg.mcast_dst = i.mcast_dst_ip;
    cfg.initial_state = match i.initial_state {
        crate::State::Master => InitialState::Master,
        crate::State::Backup => InitialState::Backup,
    };
    cfg.preempt = i.preempt;
    cfg.preempt_delay = Micros(i.preempt_delay_ms.saturating_mul(1000));
    cfg.auth = match &i.authentication {
        None => AuthConfig::None,
        Some(a) if a.kind == AuthKind::Ah => AuthConfig::Ah,
        Some(a) => {
            let mut p = [0u8; 8];
            for (d, s) in p.iter_mut().zip(a.password.bytes()) {
                *d = s;
            }
            AuthConfig::Pass(p)
        }
    };
    cfg.unicast_peers = i
        .unicast_peers
        .iter()
        .map(|p| Peer {
            addr: p.address,
            min_ttl: p.min_ttl.unwrap_or(0),
            max_ttl: p.max_ttl.unwrap_or(255),
        })
        .collect();
    cfg.check_unicast_src = i.check_unicast_src;
    cfg.skip_check_adv_addr = i.skip_check_adv_addr;
    cfg.down_timer_adverts = i.down_timer_adverts.clamp(1, 100);
    cfg.lower_prio_no_advert = i.lower_prio_no_advert;
    // keepalived: "Cannot use unicast without any peers - going to fault state".
    cfg.config_fault = i.unicast_fault_no_peer && i.unicast_peers.is_empty();
    cfg.higher_prio_send_advert = i.higher_prio_send_advert;
    cfg.owner_ignore_adverts = i.strict;
    cfg.v3_ipv4_checksum = if i.v3_checksum_as_v2 {
        ChecksumForm::VrrpOnly
    } else {
        ChecksumForm::PseudoHeader
    };
    cfg
}

/// What kind of object an instance tracks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrackKind {
    Interface,
    Script,
    File,
    Process,
    Bfd,
}

impl TrackKind {
    /// The keyword that names such an object in keepalived.conf.
    pub fn keyword(self) -> &'static str {
        match self {
            TrackKind::Interface => "track_interface",
            TrackKind::Script => "track_script",
            TrackKind::File => "track_file",
            TrackKind::Process => "track_process",
            TrackKind::Bfd => "track_bfd",
        }
    }
}

/// One object an instance tracks, with the core's tracker for it (up at first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackedObject<'p> {
    pub kind: TrackKind,
    /// The interface, script, file, process or BFD session name.
    pub name: &'p str,
    pub tracker: Tracker,
    pub origin: &'p Origin,
}

/// The sync group `i` is a member of (the group that lists it), if any.
pub fn sync_group_of<'p>(plan: &'p Plan, i: &VrrpInstance) -> Option<&'p SyncGroup> {
    plan.sync_groups.iter().find(|g| g.members.contains(&i.name))
}

/// The objects `i` tracks, in the order the core is given them: its own interfaces, scripts,
/// files, processes and BFD sessions, then those its sync group `group` tracks. The weights
/// are the plan's: the compiler has already cleared the ones keepalived ignores (sync-group
/// members without `sync_group_tracking_weight`, owners, a group's weights when a member is
/// the owner) and applied each tracking line's override of the tracker's own weight. The
/// instance's own interface is not here: unless `dont_track_primary`, its going down is a
/// fault.
///
/// A sync group's trackers apply to every member, with the group's weights (keepalived 2.2.7
/// `sync_group_tracking_init`): an object the member already tracks keeps one entry, which
/// takes the group's weight and `reverse` unless the member's own weight is 0 (then it stays
/// a fault-when-down tracker; for a process keepalived takes only the weight, not `reverse`;
/// as `keepalived -d` dumps the objects' tracking lists).
/// A group's interface that is the member's own one adds nothing unless the member has
/// `dont_track_primary` (keepalived's own-interface entry has weight 0 then, or none).
pub fn tracked_objects<'p>(i: &'p VrrpInstance, group: Option<&'p SyncGroup>) -> Vec<TrackedObject<'p>> {
    let mut out = objects_of(&i.track);
    let Some(g) = group else { return out };
    for o in objects_of(&g.track) {
        if o.kind == TrackKind::Interface && i.interface.as_deref() == Some(o.name) && !i.dont_track_primary {
            continue;
        }
        match out.iter_mut().find(|m| m.kind == o.kind && m.name == o.name) {
            Some(m) => {
                if m.tracker.weight != 0 {
                    m.tracker.weight = o.tracker.weight;
                    if o.kind != TrackKind::Process {
                        m.tracker.reverse = o.tracker.reverse;
                    }
                }
            }
            None => out.push(o),
        }
    }
    out
}

fn objects_of(t: &Tracking) -> Vec<TrackedObject<'_>> {
    let mut out: Vec<TrackedObject<'_>> = t
        .interfaces
        .iter()
        .map(|ti| TrackedObject {
            kind: TrackKind::Interface,
            name: &ti.interface,
            tracker: Tracker::new(ti.weight, ti.reverse),
            origin: &ti.origin,
        })
        .collect();
    for (kind, refs) in [
        (TrackKind::Script, &t.scripts),
        (TrackKind::File, &t.files),
        (TrackKind::Process, &t.processes),
        (TrackKind::Bfd, &t.bfds),
    ] {
        out.extend(refs.iter().map(|r| TrackedObject {
            kind,
            name: &r.name,
            tracker: Tracker::new(r.weight, r.reverse),
            origin: &r.origin,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(inst_track: &str, group_track: &str, dont_track_primary: bool) -> Plan {
        let o = r#"{"file": "k.conf", "line": 1}"#;
        let inst = |name: &str, track: &str| {
            format!(
                r#"{{"name": "{name}", "interface": "eth0", "virtual_router_id": 51, "version": 2,
                "family": "ipv4", "initial_state": "BACKUP", "priority": 100, "advert_int_ms": 1000,
                "mcast_dst_ip": "224.0.0.18", "sync_group": "G", "dont_track_primary": {dont_track_primary},
                "track": {track},
                "garp": {{"master_delay_ms": 5000, "master_repeat": 5, "lower_prio_delay_ms": 5000, "lower_prio_repeat": 5}},
                "origin": {o}}}"#
            )
        };
        let text = format!(
            r#"{{"plan_version": 1, "source": {{"file": "k.conf"}},
            "vrrp_scripts": [{{"name": "s", "command": {{"argv": ["/bin/true"]}}, "interval_ms": 1000, "timeout_ms": 1000, "origin": {o}}},
                             {{"name": "t", "command": {{"argv": ["/bin/true"]}}, "interval_ms": 1000, "timeout_ms": 1000, "origin": {o}}}],
            "track_processes": [{{"name": "p", "process": ["sleep"], "origin": {o}}}],
            "vrrp_instances": [{}, {}],
            "sync_groups": [{{"name": "G", "members": ["A", "B"], "track": {group_track}, "origin": {o}}}]}}"#,
            inst("A", inst_track),
            inst("B", "{}")
        );
        crate::from_json(&text).expect("plan")
    }

    fn view(p: &Plan, n: usize) -> Vec<(TrackKind, String, i32, bool)> {
        let i = &p.vrrp_instances[n];
        tracked_objects(i, sync_group_of(p, i))
            .into_iter()
            .map(|o| (o.kind, o.name.to_string(), o.tracker.weight, o.tracker.reverse))
            .collect()
    }

    #[test]
    fn a_sync_groups_trackers_apply_to_every_member() {
        let o = r#""origin": {"file": "k.conf", "line": 2}"#;
        let group = format!(
            r#"{{"interfaces": [{{"interface": "eth1", "weight": -20, {o}}}, {{"interface": "eth0", "weight": 5, {o}}}],
                "scripts": [{{"name": "s", "weight": 10, "reverse": true, {o}}}, {{"name": "t", "weight": 7, {o}}}],
                "processes": [{{"name": "p", "weight": -30, "reverse": true, {o}}}]}}"#
        );
        let own = format!(
            r#"{{"scripts": [{{"name": "s", "weight": 3, {o}}}, {{"name": "t", {o}}}],
                "processes": [{{"name": "p", "weight": 4, {o}}}]}}"#
        );
        let p = plan(&own, &group, false);
        use TrackKind::*;
        // A tracks s (weighted: takes the group's weight and reverse), t (weight 0: stays),
        // p (weighted: takes only the weight); eth0 is its own interface.
        assert_eq!(
            view(&p, 0),
            [
                (Script, "s".into(), 10, true),
                (Script, "t".into(), 0, false),
                (Process, "p".into(), -30, false),
                (Interface, "eth1".into(), -20, false),
            ]
        );
        assert_eq!(
            view(&p, 1),
            [
                (Interface, "eth1".into(), -20, false),
                (Script, "s".into(), 10, true),
                (Script, "t".into(), 7, false),
                (Process, "p".into(), -30, true),
            ]
        );
        // With dont_track_primary the group's tracking of the own interface counts.
        let p = plan("{}", &group, true);
        assert!(view(&p, 1).contains(&(Interface, "eth0".into(), 5, false)));
        // Outside a group, only the instance's own.
        let mut p = plan(&own, &group, false);
        p.sync_groups.clear();
        assert_eq!(view(&p, 1), []);
    }
}
