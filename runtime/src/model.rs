//! What vigild runs, worked out from a plan without any I/O: which plan settings it refuses
//! (by name and origin), and each instance's core configuration once the host has said what
//! its interfaces' addresses are.
//!
//! A plan setting is either carried out, or refused here: never silently ignored.

use vigil_plan::{AuthKind, Origin, Plan, VrrpInstance};

/// A plan setting vigild does not carry out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The setting as keepalived.conf spells it, with the object it is in.
    pub setting: String,
    pub origin: Option<Origin>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.origin {
            Some(o) => write!(f, "{}:{}: {}", o.file, o.line, self.setting),
            None => write!(f, "{}", self.setting),
        }
    }
}

/// Every setting of `plan` vigild would not carry out, in plan order. Empty: vigild can run
/// the plan as keepalived would.
pub fn refusals(plan: &Plan) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut refuse = |setting: String, origin: Option<&Origin>| {
        out.push(Refusal {
            setting,
            origin: origin.cloned(),
        })
    };
    let g = &plan.global;
    let go = g.origin.as_ref();
    for (set, name) in [
        (g.lvs_notify_fifo.is_some(), "lvs_notify_fifo"),
        (g.lvs_sync_daemon.is_some(), "lvs_sync_daemon"),
        (g.dynamic_interfaces, "dynamic_interfaces"),
    ] {
        if set {
            refuse(format!("global_defs {name}"), go);
        }
    }
    for a in &plan.static_addresses {
        if a.dev.is_none() {
            refuse(format!("static_ipaddress {} without a dev", a.address), Some(&a.origin));
        }
        address_refusals(a, &|what| format!("static_ipaddress {} {what}", a.address), &mut refuse);
    }
    for r in &plan.static_routes {
        route_refusals(r, &|what| format!("static_routes {what}"), &mut refuse);
    }
    for r in &plan.static_rules {
        rule_refusals(r, &|what| format!("static_rules {what}"), &mut refuse);
    }
    for b in &plan.bfd_instances {
        refuse(format!("bfd_instance {}", b.name), Some(&b.origin));
    }
    for vs in &plan.virtual_servers {
        refuse(
            "virtual_server (IPVS and health checks are not implemented yet)".into(),
            Some(&vs.origin),
        );
    }
    for i in &plan.vrrp_instances {
        let at = |what: &str| format!("vrrp_instance {} {what}", i.name);
        let o = Some(&i.origin);
        if i.interface.is_none() {
            refuse(at("without an interface"), o);
        }
        if i.version == vigil_plan::VrrpVersion::V2 && i.family == vigil_plan::Family::Ipv6 {
            refuse(at("version 2 over IPv6 (keepalived runs it; outside RFC 3768)"), o);
        }
        if let Some(a) = &i.authentication {
            if a.kind == AuthKind::Ah {
                refuse(at("auth_type AH"), o);
            }
        }
        if i.vmac.as_ref().is_some_and(|v| v.kind == vigil_plan::VmacKind::Ipvlan) {
            refuse(at("use_ipvlan"), o);
        }
        if i.strict && !i.accept && i.priority != 255 {
            refuse(
                at("no_accept under strict mode (keepalived filters the virtual addresses with nftables)"),
                o,
            );
        }
        if i.old_unicast_checksum == vigil_plan::OldUnicastChecksum::Always
            && i.version == vigil_plan::VrrpVersion::V3
            && i.family == vigil_plan::Family::Ipv4
            && !i.unicast_peers.is_empty()
        {
            refuse(at("old_unicast_checksum"), o);
        }
        for r in &i.virtual_routes {
            route_refusals(r, &|what| at(&format!("virtual_routes {what}")), &mut refuse);
        }
        for r in &i.virtual_rules {
            rule_refusals(r, &|what| at(&format!("virtual_rules {what}")), &mut refuse);
        }
        for a in i.virtual_addresses.iter().chain(&i.excluded_addresses) {
            address_refusals(
                a,
                &|what| at(&format!("virtual_ipaddress {} {what}", a.address)),
                &mut refuse,
            );
        }
        for t in &i.track.bfds {
            refuse(at(&format!("track_bfd {}", t.name)), Some(&t.origin));
        }
    }
    for sg in &plan.sync_groups {
        let at = |what: &str| format!("vrrp_sync_group {} {what}", sg.name);
        for t in &sg.track.bfds {
            refuse(at(&format!("track_bfd {}", t.name)), Some(&t.origin));
        }
    }
    out
}

/// The options of an address vigild does not set.
fn address_refusals(
    a: &vigil_plan::Address,
    at: &dyn Fn(&str) -> String,
    refuse: &mut dyn FnMut(String, Option<&Origin>),
) {
    for (set, what) in [
        (a.track_group.is_some(), "track_group"),
        (a.use_vmac, "use_vmac"),
        (a.peer.is_some(), "peer"),
        (a.home, "home"),
        (a.mngtmpaddr, "mngtmpaddr"),
        (a.autojoin, "autojoin"),
    ] {
        if set {
            refuse(at(what), Some(&a.origin));
        }
    }
}

/// The options of a route vigild does not install.
fn route_refusals(r: &vigil_plan::Route, at: &dyn Fn(&str) -> String, refuse: &mut dyn FnMut(String, Option<&Origin>)) {
    for (set, what) in [
        (!r.encap.is_empty(), "encap"),
        (r.vrf.is_some(), "vrf"),
        (r.track_group.is_some(), "track_group"),
    ] {
        if set {
            refuse(at(what), Some(&r.origin));
        }
    }
}

/// The options of a rule vigild does not install.
fn rule_refusals(r: &vigil_plan::Rule, at: &dyn Fn(&str) -> String, refuse: &mut dyn FnMut(String, Option<&Origin>)) {
    if r.track_group.is_some() {
        refuse(at("track_group"), Some(&r.origin));
    }
}

/// The VRRP core's configuration of a plan instance: the one mapping, shared with
/// keepalived-check's failover analysis (`vigil_plan::core`).
pub use vigil_plan::core::instance_config;

/// The TTL / hop limit adverts of `i` are sent with: 255, or the plan's `unicast_ttl` in
/// unicast mode (`None`: the kernel's default, keepalived's IPv6 unicast behaviour).
pub fn send_ttl(i: &VrrpInstance) -> Option<u8> {
    if i.unicast_peers.is_empty() {
        Some(255)
    } else if let Some(t) = i.unicast_ttl {
        Some(t)
    } else if i.family == vigil_plan::Family::Ipv4 {
        Some(255)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;
    use vigil_vrrp::{ChecksumForm, InitialState, Micros, Version};

    fn plan(text: &str) -> Plan {
        crate::load_plan(text).unwrap()
    }

    const BASE: &str = r#"{
        "plan_version": 1,
        "source": {"file": "k.conf"},
        "vrrp_instances": [{
            "name": "VI_1", "interface": "eth0", "virtual_router_id": 51, "version": 3,
            "family": "ipv4", "initial_state": "MASTER", "priority": 150, "advert_int_ms": 50,
            "preempt": false, "mcast_dst_ip": "224.0.0.18",
            "unicast_peers": [{"address": "10.0.0.2", "min_ttl": 250, "origin": {"file": "k.conf", "line": 9}}],
            "virtual_addresses": [{"address": "10.0.0.100", "prefix_len": 32, "origin": {"file": "k.conf", "line": 5}}],
            "garp": {"master_delay_ms": 5000, "master_repeat": 5, "lower_prio_delay_ms": 5000, "lower_prio_repeat": 5},
            "v3_checksum_as_v2": true,
            "origin": {"file": "k.conf", "line": 1}
        }]
    }"#;

    #[test]
    fn maps_a_plan_instance_onto_the_core() {
        let p = plan(BASE);
        assert_eq!(refusals(&p), []);
        let c = instance_config(&p.vrrp_instances[0], "10.0.0.1".parse().unwrap());
        assert_eq!(c.vrid, 51);
        assert_eq!(c.version, Version::V3);
        assert_eq!(c.priority, 150);
        assert_eq!(c.advert_interval, Micros(50_000));
        assert!(!c.preempt);
        assert_eq!(c.initial_state, InitialState::Master);
        assert_eq!(c.unicast_peers[0].min_ttl, 250);
        assert_eq!(c.unicast_peers[0].max_ttl, 255);
        assert_eq!(c.vips, ["10.0.0.100".parse::<IpAddr>().unwrap()]);
        assert_eq!(c.v3_ipv4_checksum, ChecksumForm::VrrpOnly);
        assert_eq!(send_ttl(&p.vrrp_instances[0]), Some(255));
    }

    #[test]
    fn routes_rules_and_static_items_run_but_their_unsupported_options_are_refused() {
        let route = |extra: &str, line: u32| {
            format!(
                r#"{{"family": "ipv4", "dst": {{"address": "10.9.0.0", "prefix_len": 16}}, "dev": "eth0"{extra}, "origin": {{"file": "k.conf", "line": {line}}}}}"#
            )
        };
        let text = BASE
            .replace(
                r#""v3_checksum_as_v2": true,"#,
                &format!(
                    r#""v3_checksum_as_v2": true,
                       "virtual_routes": [{}, {}],
                       "virtual_rules": [{{"family": "ipv4", "action": "table", "target": 100, "origin": {{"file": "k.conf", "line": 12}}}}],"#,
                    route("", 10),
                    route(r#", "vrf": "blue""#, 11)
                ),
            )
            .replace(
                r#""vrrp_instances""#,
                &format!(
                    r#""static_addresses": [{{"address": "192.0.2.9", "prefix_len": 24, "dev": "eth0", "origin": {{"file": "k.conf", "line": 30}}}}],
                       "static_routes": [{}],
                       "static_rules": [{{"family": "ipv4", "action": "table", "target": 7, "track_group": "g", "origin": {{"file": "k.conf", "line": 33}}}}],
                       "vrrp_instances""#,
                    route(r#", "encap": ["mpls", "200"]"#, 31)
                ),
            );
        let shown: Vec<String> = refusals(&plan(&text)).iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "k.conf:31: static_routes encap",
                "k.conf:33: static_rules track_group",
                "k.conf:11: vrrp_instance VI_1 virtual_routes vrf",
            ]
        );
    }

    #[test]
    fn refuses_what_it_does_not_do_by_name_and_line() {
        let text = BASE
            .replace(
                r#""v3_checksum_as_v2": true,"#,
                r#""vmac": {"kind": "ipvlan", "name": "vrrp.51"},
                   "track": {"processes": [{"name": "f", "origin": {"file": "k.conf", "line": 7}}]},"#,
            )
            .replace(
                r#""vrrp_instances""#,
                r#""track_processes": [{"name": "f", "process": ["nginx"], "origin": {"file": "k.conf", "line": 20}}],
                   "bfd_instances": [{"name": "b", "origin": {"file": "k.conf", "line": 21}}],
                   "vrrp_instances""#,
            )
            .replace(
                r#""track": {"processes""#,
                r#""track": {"bfds": [{"name": "b", "origin": {"file": "k.conf", "line": 8}}], "processes""#,
            );
        let shown: Vec<String> = refusals(&plan(&text)).iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "k.conf:21: bfd_instance b",
                "k.conf:1: vrrp_instance VI_1 use_ipvlan",
                "k.conf:8: vrrp_instance VI_1 track_bfd b",
            ]
        );
    }
}
