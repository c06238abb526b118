//! The plan's VRRP part mapped onto the pure core's types (`vigil-vrrp`), in one place:
//! vigild runs these configurations, and keepalived-check's failover analysis simulates the
//! same ones, so the daemon and the prediction cannot read a plan differently.
//!
//! Only with the `vrrp` feature. Nothing here does I/O: the advert source address, which
//! only the host (or, for the analysis, the cluster's other nodes) knows, is a parameter.

use crate::{AuthKind, Origin, VrrpInstance};
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

/// The objects `i` tracks, in the order the core is given them: interfaces, scripts, files,
/// processes, BFD sessions. The weights are the plan's: the compiler has already cleared the
/// ones keepalived ignores (sync-group members without `sync_group_tracking_weight`, owners)
/// and applied each tracking line's override of the tracker's own weight. The instance's own
/// interface is not here: unless `dont_track_primary`, its going down is a fault.
pub fn tracked_objects(i: &VrrpInstance) -> Vec<TrackedObject<'_>> {
    let t = &i.track;
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
