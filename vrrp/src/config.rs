//! What one VRRP instance is configured to do, as plain data. The runtime maps the plan's
//! types onto this; this crate never reads the plan.

use crate::packet::{Auth, ChecksumForm, Family, Version};
use crate::time::Micros;
use std::net::IpAddr;

/// The authentication an instance expects and sends (v2 only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthConfig {
    None,
    /// The eight password bytes (zero padded; only the first eight characters count).
    Pass([u8; 8]),
    /// IPsec AH: recognised only. This core does not implement AH; adverts claiming it are
    /// dropped with [`crate::validate::Drop::AuthAhUnsupported`].
    Ah,
}

/// A unicast peer and the TTL range its adverts must arrive with (keepalived's per-peer
/// `min_ttl`/`max_ttl`; default 0..=255, i.e. no check).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    pub addr: IpAddr,
    pub min_ttl: u8,
    pub max_ttl: u8,
}

impl Peer {
    pub fn new(addr: IpAddr) -> Peer {
        Peer {
            addr,
            min_ttl: 0,
            max_ttl: 255,
        }
    }
}

/// `state MASTER` / `state BACKUP` in keepalived.conf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitialState {
    Backup,
    /// keepalived 2.2.7: a non-owner starts as backup but waits only one advert interval
    /// plus the minimum skew (`vrrp_init_state`); an owner becomes master at once.
    Master,
}

/// One instance's settings, already resolved (defaults applied, `vrrp_strict` folded in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceConfig {
    pub name: String,
    pub vrid: u8,
    pub version: Version,
    pub family: Family,
    /// Configured (base) priority, 1..=255; 255 is the address owner.
    pub priority: u8,
    /// Advertisement interval. v2: whole seconds; v3: whole centiseconds (keepalived rounds
    /// `advert_int` so; the resolver has done that).
    pub advert_interval: Micros,
    /// Our primary address on the interface (or `unicast_src_ip`): the advert source and the
    /// tie-break between equal priorities.
    pub primary_addr: IpAddr,
    /// The virtual addresses carried in adverts (not `virtual_ipaddress_excluded`).
    pub vips: Vec<IpAddr>,
    /// The multicast group adverts go to in multicast mode (`mcast_dst_ip`, else the
    /// family's 224.0.0.18 or ff02::12).
    pub mcast_dst: IpAddr,
    pub initial_state: InitialState,
    /// False for `nopreempt`.
    pub preempt: bool,
    pub preempt_delay: Micros,
    pub auth: AuthConfig,
    /// Empty: multicast. Otherwise one advert copy per peer.
    pub unicast_peers: Vec<Peer>,
    /// Drop unicast adverts whose source is not a configured peer.
    pub check_unicast_src: bool,
    /// Skip the address-list check for adverts from the master we already know.
    pub skip_check_adv_addr: bool,
    /// keepalived's `down_timer_adverts` (1..=100; RFC 3).
    pub down_timer_adverts: u32,
    /// Master does not answer a lower-priority advert with its own (RFC before 9568).
    pub lower_prio_no_advert: bool,
    /// Master sends one more advert before yielding to a higher priority.
    pub higher_prio_send_advert: bool,
    /// An owner drops every received advert (RFC; `vrrp_strict`; keepalived's default is off).
    pub owner_ignore_adverts: bool,
    /// How v3 over IPv4 adverts are checksummed when sent (receive accepts both).
    pub v3_ipv4_checksum: ChecksumForm,
    /// A configuration fault (keepalived's `num_config_faults`: `unicast_fault_no_peer`
    /// without peers): the instance stays in FAULT whatever its trackers say.
    pub config_fault: bool,
}

impl InstanceConfig {
    /// keepalived's defaults for a multicast instance: priority 100, 1 s, preempt, 3 adverts.
    pub fn new(name: &str, vrid: u8, version: Version, primary_addr: IpAddr, vips: Vec<IpAddr>) -> InstanceConfig {
        InstanceConfig {
            name: name.to_string(),
            vrid,
            version,
            family: Family::of(&primary_addr),
            priority: 100,
            advert_interval: Micros::from_secs(1),
            primary_addr,
            vips,
            mcast_dst: match Family::of(&primary_addr) {
                Family::V4 => IpAddr::V4(crate::packet::MCAST_V4),
                Family::V6 => IpAddr::V6(crate::packet::MCAST_V6),
            },
            initial_state: InitialState::Backup,
            preempt: true,
            preempt_delay: Micros::ZERO,
            auth: AuthConfig::None,
            unicast_peers: Vec::new(),
            check_unicast_src: false,
            skip_check_adv_addr: false,
            down_timer_adverts: 3,
            lower_prio_no_advert: false,
            higher_prio_send_advert: false,
            owner_ignore_adverts: false,
            v3_ipv4_checksum: ChecksumForm::PseudoHeader,
            config_fault: false,
        }
    }

    pub fn is_owner(&self) -> bool {
        self.priority == 255
    }

    pub fn is_unicast(&self) -> bool {
        !self.unicast_peers.is_empty()
    }

    /// The interval as it goes on the wire: seconds (v2) or centiseconds (v3).
    pub fn wire_interval(&self) -> u16 {
        match self.version {
            Version::V2 => (self.advert_interval.0 / 1_000_000).min(255) as u16,
            Version::V3 => (self.advert_interval.0 / 10_000).min(0x0fff) as u16,
        }
    }

    /// The auth field this instance sends.
    pub fn wire_auth(&self) -> Auth {
        match (self.version, self.auth) {
            (Version::V3, _) | (_, AuthConfig::None) => Auth::NONE,
            (Version::V2, AuthConfig::Pass(p)) => Auth::Pass(p),
            (Version::V2, AuthConfig::Ah) => Auth::Ah([0; 8]),
        }
    }
}
