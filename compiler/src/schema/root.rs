//! Top-level keywords: the root of the keyword tree.

use super::global::{GARP_GROUP, GLOBAL_DEFS, TRACK_GROUP};
use super::lvs::{SSL, VIRTUAL_SERVER};
use super::t::*;
use super::vrrp::{BFD_INSTANCE, TRACK_FILE, VRRP_INSTANCE, VRRP_SCRIPT, VRRP_SYNC_GROUP, VRRP_TRACK_PROCESS};

pub static ROOT: &[Keyword] = &[
    kw("linkbeat_use_polling").doc(
        "Detects link loss on every interface by polling (MII, then ethtool, then ioctl) instead of waiting for \
         netlink events. Top level only: inside global_defs it is an unknown keyword. Prefer the per-interface \
         linkbeat_interfaces block.",
    ),
    kw("net_namespace").args(&[Word]).doc(
        "Runs keepalived inside the named network namespace; pid files move to their own directory and log \
         lines carry the name. Cannot be changed by a reload.",
    ),
    kw("net_namespace_ipvs").opt_args(0, &[Word]).doc(
        "Network namespace in which IPVS is configured, so that load-balanced traffic and health checks can live \
         in different namespaces. Without a name the default namespace is used.",
    ),
    kw("namespace_with_ipsets").doc(
        "Allows ipsets inside a network namespace on kernels older than 3.13, where ipsets were not \
         namespace-aware and are otherwise disabled.",
    ),
    kw("use_pid_dir").doc(
        "Puts the pid files in a keepalived subdirectory of the run directory (e.g. /run/keepalived) instead of \
         directly in it.",
    ),
    kw("instance").args(&[Word]).once(Once::KeepsFirst).doc(
        "Names this keepalived instance so several can run in one namespace: the name goes into the pid file \
         names, which are then kept in the pid directory. Ignored on reload.",
    ),
    kw("child_wait_time").args(&[U32]).default("5").doc(
        "Seconds the parent waits for its child processes to exit on shutdown before killing them. Very large \
         configurations may need longer.",
    ),
    kw("global_defs").block(GLOBAL_DEFS).doc(
        "Block of settings for the whole daemon: identity, e-mail alerts, process scheduling, firewall backends, \
         SNMP/D-Bus and defaults that VRRP instances inherit.",
    ),
    kw("track_group").args(&[Defines(TrackGroup)]).block(TRACK_GROUP).doc(
        "Names a set of VRRP instances that static addresses, routes and rules can refer to with track_group; \
         losing such an address, route or rule puts those instances into FAULT.",
    ),
    kw("static_ipaddress").values(ValueKind::Address).doc(
        "Block of addresses keepalived adds and keeps on this host whatever the VRRP state, one per line in ip \
         address syntax. An address without dev goes on default_interface.",
    ),
    kw("static_routes").values(ValueKind::Route).doc(
        "Block of routes keepalived installs on this host whatever the VRRP state, one per line in ip route \
         syntax (no abbreviated option names).",
    ),
    kw("static_rules").values(ValueKind::Rule).doc(
        "Block of policy-routing rules keepalived installs on this host whatever the VRRP state, one per line in \
         ip rule syntax. Give each a preference, or keepalived picks one for you.",
    ),
    kw("vrrp_sync_group")
        .args(&[Defines(SyncGroup)])
        .block(VRRP_SYNC_GROUP)
        .doc(
            "Groups VRRP instances that must change state together: if one goes to FAULT or BACKUP, all members \
         follow. Also the place for group-level notify scripts.",
        ),
    kw("garp_group").block(GARP_GROUP).doc(
        "Block (without a name) limiting how fast gratuitous ARPs and unsolicited neighbour adverts are sent on \
         one interface or a set of interfaces, for switches that cannot take a burst.",
    ),
    kw("linkbeat_interfaces").values(ValueKind::Linkbeat).doc(
        "Block of interfaces whose link state is polled instead of read from netlink, one per line, optionally \
         followed by MII, ETHTOOL or IOCTL. An unknown interface is a fatal error unless dynamic_interfaces is \
         set.",
    ),
    kw("vrrp_instance")
        .args(&[Defines(VrrpInstance)])
        .block(VRRP_INSTANCE)
        .doc(
            "Defines one VRRP virtual router: its interface, router id, priority and the virtual addresses it holds \
         while master.",
        ),
    kw("vrrp_script").args(&[Defines(VrrpScript)]).block(VRRP_SCRIPT).doc(
        "Defines a check command run at an interval; VRRP instances and sync groups that track it go to FAULT or \
         change priority according to its exit status.",
    ),
    kw("vrrp_track_process")
        .args(&[Defines(TrackProcess)])
        .block(VRRP_TRACK_PROCESS)
        .doc(
            "Defines a tracked process, watched through kernel process events; instances that track it react when \
         the number of matching processes falls below its quorum.",
        ),
    kw("interface_up_down_delays").values(ValueKind::UpDownDelay).doc(
        "Block of per-interface debounce delays, one IFNAME DOWN_DELAY [UP_DELAY] line each, in seconds up to \
         255. A missing UP_DELAY is taken as 0, not as the down delay.",
    ),
    kw("SSL")
        .block(SSL)
        .once(Once::KeepsLast)
        .doc("Block with the client certificate, key and CA used by SSL_GET health checks."),
    kw("virtual_server_group")
        .args(&[Defines(VirtualServerGroup)])
        .values(ValueKind::VsgEntry)
        .doc(
            "Block listing the addresses, address ranges and firewall marks that one virtual_server group NAME \
         definition serves, so several services share one set of real servers and health checks.",
        ),
    kw("virtual_server")
        .opt_args(1, &[Custom, Custom])
        .block(VIRTUAL_SERVER)
        .doc(
            "Defines an IPVS virtual service, written ADDR PORT, fwmark N or group NAME, with its scheduler and \
         real servers. The port may be omitted only for persistent services.",
        ),
    kw("bfd_instance")
        .args(&[Defines(BfdInstance)])
        .block(BFD_INSTANCE)
        .doc(
            "Defines a BFD session with a neighbour; VRRP instances and BFD_CHECK checkers can track its up/down \
         state.",
        ),
    kw("track_file").args(&[Defines(TrackFile)]).block(TRACK_FILE).doc(
        "Defines a tracked file holding a number: instances tracking it add that number times the weight to their \
         priority, and with weight 0 any non-zero number puts them in FAULT.",
    ),
    kw("vrrp_track_file")
        .args(&[Defines(TrackFile)])
        .block(TRACK_FILE)
        .deprecated("track_file")
        .doc("Old spelling of track_file, with the same contents. Write track_file instead."),
];
