//! `use_vmac`: the private-mode macvlan ("VMAC") an instance runs on, as keepalived 2.2.7 runs
//! it (`vrrp_vmac.c`, `vrrp_if_config.c`). What to create or change, the sysctls it needs and
//! the `rp_filter` juggling are worked out here without I/O; [`Vmacs`] is the thin shell that
//! carries them out (rtnetlink through [`crate::netlink`], sysctls as files in /proc/sys).
//!
//! keepalived creates the VMAC when it loads the configuration (the instance still in BACKUP,
//! the link up), puts the instance's virtual addresses of its family on it, and sends adverts
//! and gratuitous ARPs / NAs from it, so they leave with the virtual MAC; the same socket
//! receives. With `vmac_xmit_base` the adverts' socket is on the parent interface instead.
//! The VMAC goes when keepalived stops or a reload drops the instance.

use crate::netlink::{self, Host, Link, MacvlanSpec, Netlink, NetlinkError, MACVLAN_MODE_PRIVATE};
use neli::consts::nl::NlmF;
use neli::consts::rtnl::Rtm;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv6Addr};
use tracing::{info, warn};
use vigil_plan::{Family, VmacKind, VrrpInstance};

/// The VMAC of an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vmac {
    pub name: String,
    /// The instance's interface, which the VMAC sits on.
    pub base: String,
    pub mac: [u8; 6],
    /// An IPv6 instance.
    pub v6: bool,
    /// IPv6 stays enabled on the VMAC: an IPv6 instance, or an IPv4 one with an excluded
    /// address of the other family (keepalived's VRRP_FLAG_EVIP_OTHER_FAMILY).
    pub ipv6: bool,
    /// Adverts are sent and received on the base interface (`vmac_xmit_base`).
    pub xmit_base: bool,
}

/// The VMAC of `i`, if it has one: the plan's MAC, else the VRRP virtual MAC
/// 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID). `Err`: a MAC the plan spells wrongly, or
/// an ipvlan (refused by [`crate::model::refusals`]).
pub fn of(i: &VrrpInstance) -> Result<Option<Vmac>, String> {
    let Some(v) = &i.vmac else { return Ok(None) };
    if v.kind != VmacKind::Macvlan {
        return Err(format!("vrrp_instance {}: use_ipvlan is not implemented", i.name));
    }
    let v6 = i.family == Family::Ipv6;
    let mac = match &v.mac {
        Some(text) => parse_mac(text).ok_or_else(|| {
            format!(
                "vrrp_instance {}: use_vmac MAC address {text:?} is not six hex octets",
                i.name
            )
        })?,
        None => [0, 0, 0x5e, 0, if v6 { 2 } else { 1 }, i.virtual_router_id],
    };
    let other_family = i.excluded_addresses.iter().any(|a| a.address.is_ipv6() != v6);
    Ok(Some(Vmac {
        name: v.name.clone(),
        base: i.interface.clone().unwrap_or_default(),
        mac,
        v6,
        ipv6: v6 || other_family,
        xmit_base: v.xmit_base,
    }))
}

fn parse_mac(text: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    let mut parts = text.split(':');
    for o in &mut out {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        *o = u8::from_str_radix(p, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Whether an address of instance `i` without a `dev` goes on its VMAC: one of the
/// instance's family (keepalived puts the other family's on the base interface).
pub fn on_vmac(i: &VrrpInstance, addr: &vigil_plan::Address) -> bool {
    i.vmac.is_some() && addr.dev.is_none() && addr.address.is_ipv6() == (i.family == Family::Ipv6)
}

/// What to do to have VMAC `v` on a host, given the link of its name (keepalived's
/// `netlink_link_add_vmac`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// No link of that name: create it.
    Create,
    /// A macvlan of that name on the base, with another MAC or mode: change it in place.
    Update(u32),
    /// A macvlan of that name on another interface: delete it and create ours.
    Replace(u32),
    /// The macvlan is there as it should be: take it over as it is.
    Reuse(u32),
    /// Another kind of interface has the name: keepalived does not touch it.
    Conflict,
}

pub fn step(v: &Vmac, existing: Option<&Link>, base_index: u32) -> Step {
    match existing {
        None => Step::Create,
        Some(l) if l.kind.as_deref() != Some("macvlan") => Step::Conflict,
        Some(l) if l.parent != Some(base_index) => Step::Replace(l.index),
        Some(l) if l.mac != Some(v.mac) || l.macvlan_mode != Some(MACVLAN_MODE_PRIVATE) => Step::Update(l.index),
        Some(l) => Step::Reuse(l.index),
    }
}

/// A sysctl (its path under /proc/sys) and the value to write.
pub type Sysctl = (String, u8);

fn ipv4_conf(ifname: &str, key: &str) -> String {
    format!("net/ipv4/conf/{ifname}/{key}")
}

/// The sysctls keepalived sets for VMAC `v`. Only when it created or changed the link
/// (`configured`), for an IPv4 instance: on the VMAC arp_ignore 1, accept_local 1, rp_filter 0
/// and promote_secondaries 1; on the base arp_ignore 1 and arp_filter 1 (keepalived means to
/// put the base's back when the VMAC goes, but puts back the values it has by then, which are
/// these: they stay). Always: IPv6 disabled on the VMAC unless [`Vmac::ipv6`].
pub fn sysctls(v: &Vmac, configured: bool) -> Vec<Sysctl> {
    let mut out = Vec::new();
    if configured && !v.v6 {
        for (k, val) in [
            ("arp_ignore", 1),
            ("accept_local", 1),
            ("rp_filter", 0),
            ("promote_secondaries", 1),
        ] {
            out.push((ipv4_conf(&v.name, k), val));
        }
        for k in ["arp_ignore", "arp_filter"] {
            out.push((ipv4_conf(&v.base, k), 1));
        }
    }
    out.push((format!("net/ipv6/conf/{}/disable_ipv6", v.name), u8::from(!v.ipv6)));
    out
}

/// What keepalived changed to turn `all.rp_filter` off (the VMAC's own rp_filter 0 only
/// counts with `all` at 0), to put back at stop.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RpFilter {
    /// `all.rp_filter` before.
    pub all: u8,
    /// `default.rp_filter` before, when it was raised to `all`.
    pub default: Option<u8>,
    /// The interfaces raised to `all`, with their value before.
    pub raised: Vec<(String, u8)>,
}

/// keepalived's `clear_rp_filter`, the first time it configures an IPv4 VMAC: with
/// `all.rp_filter` on, every interface below it (and `default`) is raised to it, so that no
/// interface's filtering changes, then `all` is set to 0. `read` gives a sysctl's value
/// (`None`: unreadable); `ifaces` are the host's interfaces. `None`: nothing to do.
pub fn clear_rp_filter(read: impl Fn(&str) -> Option<u8>, ifaces: &[String]) -> Option<(Vec<Sysctl>, RpFilter)> {
    let all = read(&ipv4_conf("all", "rp_filter"))?;
    if all == 0 {
        return None;
    }
    let mut writes = Vec::new();
    let mut saved = RpFilter {
        all,
        ..RpFilter::default()
    };
    if let Some(d) = read(&ipv4_conf("default", "rp_filter")).filter(|d| *d < all) {
        writes.push((ipv4_conf("default", "rp_filter"), all));
        saved.default = Some(d);
    }
    for name in ifaces {
        if let Some(v) = read(&ipv4_conf(name, "rp_filter")).filter(|v| *v < all) {
            writes.push((ipv4_conf(name, "rp_filter"), all));
            saved.raised.push((name.clone(), v));
        }
    }
    writes.push((ipv4_conf("all", "rp_filter"), 0));
    Some((writes, saved))
}

/// keepalived's `restore_rp_filter` at stop: each value put back only where it is still what
/// keepalived made it.
pub fn restore_rp_filter(saved: &RpFilter, read: impl Fn(&str) -> Option<u8>) -> Vec<Sysctl> {
    let mut out = Vec::new();
    if read(&ipv4_conf("all", "rp_filter")) == Some(0) {
        out.push((ipv4_conf("all", "rp_filter"), saved.all));
    }
    if let Some(d) = saved.default {
        if read(&ipv4_conf("default", "rp_filter")) == Some(saved.all) {
            out.push((ipv4_conf("default", "rp_filter"), d));
        }
    }
    for (name, v) in &saved.raised {
        if read(&ipv4_conf(name, "rp_filter")) == Some(saved.all) {
            out.push((ipv4_conf(name, "rp_filter"), *v));
        }
    }
    out
}

/// The IPv6 link-local address an IPv6 instance's VMAC is given (unless it sends on the base
/// interface), which its adverts leave from: the instance's source address, else the base
/// interface's link-local address, else the EUI-64 one of the base's MAC (keepalived's
/// `set_link_local_address`).
pub fn link_local(i: &VrrpInstance, base_ll: Option<IpAddr>, base_mac: Option<[u8; 6]>) -> Option<Ipv6Addr> {
    match (i.src_ip, base_ll) {
        (Some(IpAddr::V6(a)), _) | (_, Some(IpAddr::V6(a))) => Some(a),
        _ => base_mac.map(|m| {
            Ipv6Addr::from([
                0xfe,
                0x80,
                0,
                0,
                0,
                0,
                0,
                0,
                m[0] ^ 2,
                m[1],
                m[2],
                0xff,
                0xfe,
                m[3],
                m[4],
                m[5],
            ])
        }),
    }
}

fn read_sysctl(path: &str) -> Option<u8> {
    std::fs::read_to_string(format!("/proc/sys/{path}"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn write_sysctls(writes: &[Sysctl]) {
    for (path, v) in writes {
        if let Err(e) = std::fs::write(format!("/proc/sys/{path}"), v.to_string()) {
            warn!(sysctl = %path, value = v, error = %e, "cannot set a sysctl a VMAC needs");
        }
    }
}

/// The VMACs vigild owns (created or taken over), by name, and what it changed of rp_filter.
#[derive(Default)]
pub struct Vmacs {
    owned: BTreeMap<String, Vmac>,
    rp_filter: Option<RpFilter>,
}

impl Vmacs {
    /// Whether a link of `v`'s name can be made ours (checked before a plan is applied).
    pub fn check(&self, v: &Vmac, host: &Host) -> Result<(), String> {
        let base = host.link(&v.base).map_or(0, |l| l.index);
        if self.owned.get(&v.name) != Some(v) && step(v, host.link(&v.name), base) == Step::Conflict {
            return Err(format!(
                "the VMAC {} would replace an existing interface of that name that is not a macvlan (keepalived leaves it alone too)",
                v.name
            ));
        }
        Ok(())
    }

    /// Deletes the VMACs vigild owns that `keep` does not name (their instances gone).
    pub fn remove_others(&mut self, nl: &Netlink, host: &Host, keep: &[&str]) {
        let gone: Vec<String> = self
            .owned
            .keys()
            .filter(|n| !keep.contains(&n.as_str()))
            .cloned()
            .collect();
        for name in gone {
            self.owned.remove(&name);
            delete(nl, host, &name);
        }
    }

    /// Has each of `wanted` on the host as keepalived would (created, changed or taken over,
    /// configured, up), leaving alone those already as wanted. Returns the names of the links
    /// (re)created, whose old sockets are stale. `host` is read again after each change.
    pub fn ensure(&mut self, nl: &Netlink, host: &mut Host, wanted: &[(Vmac, Option<Ipv6Addr>)]) -> Vec<String> {
        let mut recreated = Vec::new();
        for (v, ll) in wanted {
            if self.owned.get(&v.name) == Some(v) && host.link(&v.name).is_some() {
                continue;
            }
            match self.configure(nl, host, v, *ll) {
                Ok(fresh) => {
                    if fresh {
                        recreated.push(v.name.clone());
                    }
                    self.owned.insert(v.name.clone(), v.clone());
                }
                Err(e) => warn!(vmac = %v.name, "{e}"),
            }
        }
        recreated
    }

    fn configure(
        &mut self,
        nl: &Netlink,
        host: &mut Host,
        v: &Vmac,
        ll: Option<Ipv6Addr>,
    ) -> Result<bool, NetlinkError> {
        let base = host
            .link(&v.base)
            .ok_or_else(|| NetlinkError(format!("no interface {} for the VMAC {}", v.base, v.name)))?
            .clone();
        let spec = MacvlanSpec {
            name: v.name.clone(),
            parent: base.index,
            mac: v.mac,
        };
        let what = format!("creating the VMAC {} on {}", v.name, v.base);
        let s = step(v, host.link(&v.name), base.index);
        let (configured, fresh) = match s {
            Step::Conflict => {
                return Err(NetlinkError(format!(
                    "{what}: an interface of that name exists and is not a macvlan"
                )))
            }
            Step::Reuse(_) => (false, false),
            Step::Update(index) => {
                nl.link(
                    Rtm::Newlink,
                    NlmF::empty(),
                    netlink::macvlan_request(&spec, Some(index))?,
                    &what,
                )?;
                (true, false)
            }
            Step::Replace(index) => {
                info!(vmac = %v.name, "removing a macvlan of that name on another interface");
                nl.link(Rtm::Dellink, NlmF::empty(), netlink::del_link_request(index)?, &what)?;
                nl.link(
                    Rtm::Newlink,
                    NlmF::CREATE | NlmF::EXCL,
                    netlink::macvlan_request(&spec, None)?,
                    &what,
                )?;
                (true, true)
            }
            Step::Create => {
                nl.link(
                    Rtm::Newlink,
                    NlmF::CREATE | NlmF::EXCL,
                    netlink::macvlan_request(&spec, None)?,
                    &what,
                )?;
                (true, true)
            }
        };
        *host = nl.host()?;
        let index = host
            .link(&v.name)
            .map(|l| l.index)
            .ok_or_else(|| NetlinkError(format!("{what}: the kernel does not show it")))?;
        if configured && !v.v6 && self.rp_filter.is_none() {
            let names: Vec<String> = host.links.iter().map(|l| l.name.clone()).collect();
            if let Some((writes, saved)) = clear_rp_filter(read_sysctl, &names) {
                info!(
                    from = saved.all,
                    "setting net.ipv4.conf.all.rp_filter to 0 for the VMACs, as keepalived"
                );
                write_sysctls(&writes);
                self.rp_filter = Some(saved);
            }
        }
        write_sysctls(&sysctls(v, configured));
        nl.link(
            Rtm::Newlink,
            NlmF::empty(),
            netlink::addr_gen_mode_none_request(index)?,
            &what,
        )?;
        nl.link(Rtm::Newlink, NlmF::empty(), netlink::link_up_request(index)?, &what)?;
        if let Some(a) = ll {
            let spec = netlink::AddrSpec {
                index,
                addr: IpAddr::V6(a),
                prefix_len: 64,
                scope: 0,
                broadcast: None,
                label: None,
                nodad: true,
                noprefixroute: false,
                // keepalived adds it deprecated (its address carries a preferred lifetime
                // of 0): the advert socket is bound to it, nothing else picks it.
                preferred_lft: Some(0),
            };
            nl.address(&spec, true)?;
        }
        *host = nl.host()?;
        info!(vmac = %v.name, base = %v.base, step = ?s, "VMAC ready");
        Ok(fresh)
    }

    /// At stop: rp_filter put back, then every VMAC vigild owns deleted (keepalived's
    /// `shutdown_vrrp_instances`).
    pub fn shutdown(&mut self, nl: &Netlink, host: &Host) {
        if let Some(saved) = self.rp_filter.take() {
            write_sysctls(&restore_rp_filter(&saved, read_sysctl));
        }
        for name in std::mem::take(&mut self.owned).into_keys() {
            delete(nl, host, &name);
        }
    }
}

fn delete(nl: &Netlink, host: &Host, name: &str) {
    let Some(l) = host.link(name) else { return };
    let r = netlink::del_link_request(l.index)
        .and_then(|m| nl.link(Rtm::Dellink, NlmF::empty(), m, &format!("removing the VMAC {name}")));
    match r {
        Ok(()) => info!(vmac = %name, "VMAC removed"),
        Err(e) => warn!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(extra: &str) -> VrrpInstance {
        let text = format!(
            r#"{{"plan_version": 1, "source": {{"file": "k.conf"}}, "vrrp_instances": [{{
                "name": "VI_1", "interface": "eth0", "virtual_router_id": 51, "version": 3,
                "family": "ipv4", "initial_state": "BACKUP", "priority": 100, "advert_int_ms": 1000,
                "mcast_dst_ip": "224.0.0.18",
                "virtual_addresses": [{{"address": "10.0.0.100", "prefix_len": 32, "origin": {{"file": "k.conf", "line": 2}}}}],
                "garp": {{"master_delay_ms": 5000, "master_repeat": 5, "lower_prio_delay_ms": 5000, "lower_prio_repeat": 5}},
                {extra}
                "origin": {{"file": "k.conf", "line": 1}}}}]}}"#
        );
        crate::load_plan(&text).expect("plan").vrrp_instances.remove(0)
    }

    #[test]
    fn the_vmac_of_an_instance() {
        assert_eq!(of(&inst("")), Ok(None));
        let v = of(&inst(r#""vmac": {"kind": "macvlan", "name": "vrrp.51"},"#))
            .unwrap()
            .unwrap();
        assert_eq!(
            v,
            Vmac {
                name: "vrrp.51".into(),
                base: "eth0".into(),
                mac: [0, 0, 0x5e, 0, 1, 51],
                v6: false,
                ipv6: false,
                xmit_base: false,
            }
        );
        let v = of(&inst(
            r#""vmac": {"kind": "macvlan", "name": "x", "mac": "02:00:00:00:0a:ff", "xmit_base": true},
               "excluded_addresses": [{"address": "fd00::1", "prefix_len": 64, "origin": {"file": "k.conf", "line": 3}}],"#,
        ))
        .unwrap()
        .unwrap();
        assert_eq!((v.mac, v.ipv6, v.xmit_base), ([2, 0, 0, 0, 10, 255], true, true));
        assert!(of(&inst(
            r#""vmac": {"kind": "macvlan", "name": "x", "mac": "02:00:zz:00:0a:ff"},"#
        ))
        .is_err());
        assert!(of(&inst(r#""vmac": {"kind": "ipvlan", "name": "x"},"#)).is_err());
        let i = inst(r#""vmac": {"kind": "macvlan", "name": "vrrp.51"},"#);
        assert!(on_vmac(&i, &i.virtual_addresses[0]));
        assert!(!on_vmac(&inst(""), &i.virtual_addresses[0]));
    }

    #[test]
    fn creates_updates_replaces_or_takes_over_a_link_as_keepalived() {
        let v = of(&inst(r#""vmac": {"kind": "macvlan", "name": "vrrp.51"},"#))
            .unwrap()
            .unwrap();
        let link = |kind: &str, parent: u32, mac: [u8; 6], mode: u32| Link {
            index: 9,
            name: "vrrp.51".into(),
            up: true,
            mac: Some(mac),
            kind: Some(kind.into()),
            macvlan_mode: (kind == "macvlan").then_some(mode),
            parent: Some(parent),
        };
        let ours = [0, 0, 0x5e, 0, 1, 51];
        assert_eq!(step(&v, None, 2), Step::Create);
        assert_eq!(step(&v, Some(&link("macvlan", 2, ours, 1)), 2), Step::Reuse(9));
        assert_eq!(step(&v, Some(&link("macvlan", 2, ours, 4)), 2), Step::Update(9));
        assert_eq!(
            step(&v, Some(&link("macvlan", 2, [2, 0, 0, 0, 0, 1], 1)), 2),
            Step::Update(9)
        );
        assert_eq!(step(&v, Some(&link("macvlan", 3, ours, 1)), 2), Step::Replace(9));
        assert_eq!(step(&v, Some(&link("dummy", 2, ours, 1)), 2), Step::Conflict);
    }

    #[test]
    fn sysctls_as_keepalived_sets_them() {
        let v = of(&inst(r#""vmac": {"kind": "macvlan", "name": "vrrp.51"},"#))
            .unwrap()
            .unwrap();
        let s = sysctls(&v, true);
        assert_eq!(
            s,
            [
                ("net/ipv4/conf/vrrp.51/arp_ignore".to_string(), 1),
                ("net/ipv4/conf/vrrp.51/accept_local".to_string(), 1),
                ("net/ipv4/conf/vrrp.51/rp_filter".to_string(), 0),
                ("net/ipv4/conf/vrrp.51/promote_secondaries".to_string(), 1),
                ("net/ipv4/conf/eth0/arp_ignore".to_string(), 1),
                ("net/ipv4/conf/eth0/arp_filter".to_string(), 1),
                ("net/ipv6/conf/vrrp.51/disable_ipv6".to_string(), 1),
            ]
        );
        // Taken over as it was: only IPv6.
        assert_eq!(
            sysctls(&v, false),
            [("net/ipv6/conf/vrrp.51/disable_ipv6".to_string(), 1)]
        );
    }

    #[test]
    fn rp_filter_cleared_and_put_back_where_unchanged() {
        let now: BTreeMap<&str, u8> = [
            ("net/ipv4/conf/all/rp_filter", 2),
            ("net/ipv4/conf/default/rp_filter", 1),
            ("net/ipv4/conf/eth0/rp_filter", 0),
            ("net/ipv4/conf/eth1/rp_filter", 2),
        ]
        .into();
        let read = |p: &str| now.get(p).copied();
        assert_eq!(clear_rp_filter(|_| Some(0), &["eth0".into()]), None);
        let (writes, saved) = clear_rp_filter(read, &["eth0".into(), "eth1".into()]).unwrap();
        assert_eq!(
            writes,
            [
                ("net/ipv4/conf/default/rp_filter".to_string(), 2),
                ("net/ipv4/conf/eth0/rp_filter".to_string(), 2),
                ("net/ipv4/conf/all/rp_filter".to_string(), 0),
            ]
        );
        let after: BTreeMap<&str, u8> = [
            ("net/ipv4/conf/all/rp_filter", 0),
            ("net/ipv4/conf/default/rp_filter", 2),
            // Changed by someone meanwhile: left alone.
            ("net/ipv4/conf/eth0/rp_filter", 1),
        ]
        .into();
        assert_eq!(
            restore_rp_filter(&saved, |p| after.get(p).copied()),
            [
                ("net/ipv4/conf/all/rp_filter".to_string(), 2),
                ("net/ipv4/conf/default/rp_filter".to_string(), 1),
            ]
        );
    }

    #[test]
    fn the_link_local_address_of_an_ipv6_vmac() {
        let i = inst("");
        let ll: IpAddr = "fe80::1".parse().unwrap();
        assert_eq!(link_local(&i, Some(ll), None), Some("fe80::1".parse().unwrap()));
        assert_eq!(
            link_local(&i, None, Some([0x82, 0xea, 0xa9, 0x90, 0x4b, 0xa2])),
            Some("fe80::80ea:a9ff:fe90:4ba2".parse().unwrap())
        );
        assert_eq!(link_local(&i, None, None), None);
    }
}
