//! VRRP keywords: sync groups, instances (with their authentication blocks), tracking scripts,
//! tracked processes and files, and BFD sessions.
use super::t::*;

/// Whole seconds of a GARP delay: keepalived keeps them in microseconds in 32 bits.
const GARP_DELAY: Ty = Uint {
    min: 0,
    max: u32::MAX as u64 / 1_000_000,
};
/// A tracker weight with an optional `reverse`, as in `vrrp_script` and `bfd_instance`.
/// A repeat count: keepalived turns 0 into 1 with an error.
const REPEAT: Ty = Uint {
    min: 1,
    max: i32::MAX as u64,
};
const WEIGHT_253: &[Ty] = &[Int { min: -253, max: 253 }, Enum(&["reverse"])];
/// A tracker weight with an optional `reverse`, as in `track_file` and `vrrp_track_process`.
const WEIGHT_254: &[Ty] = &[Int { min: -254, max: 254 }, Enum(&["reverse"])];
/// A notify script: the command (quote it to pass parameters), then an optional user and group.
const NOTIFY: &[Ty] = &[Script, User];

/// `vrrp_sync_group NAME { ... }`.
pub(crate) static VRRP_SYNC_GROUP: &[Keyword] = &[
    kw("group").values(ValueKind::Names(VrrpInstance)).doc(
        "The vrrp_instance names that make up the group, one or more per line. Every member changes state \
         together: when one goes to FAULT or BACKUP the others follow. Members may be defined before or after \
         the group, but each instance can belong to only one sync group, and a group of a single instance is \
         almost certainly a mistake.",
    ),
    kw("track_interface").values(ValueKind::TrackInterface).doc(
        "Interfaces watched on behalf of every member instance, one per line as `IFNAME [weight W [reverse]]`. \
         Without a weight a down interface puts the whole group in FAULT; with a weight (-253 to 253) the \
         members' priority is adjusted instead.",
    ),
    kw("track_script").values(ValueKind::TrackRef(VrrpScript)).doc(
        "vrrp_script checks applied to the whole group, one per line as `NAME [weight W [reverse|noreverse]]`. \
         The script must be defined earlier in the file. An unweighted failing script puts every member in \
         FAULT; the weight defaults to the one set in the vrrp_script block.",
    ),
    kw("track_file").values(ValueKind::TrackRef(TrackFile)).doc(
        "track_file objects applied to the whole group, one per line as `NAME [weight W [reverse|noreverse]]`, \
         W from -254 to 254. The number read from the file, multiplied by the weight, adjusts the members' \
         priority; the track_file must be defined earlier in the file.",
    ),
    kw("track_process").values(ValueKind::TrackRef(TrackProcess)).doc(
        "vrrp_track_process objects applied to the whole group, one per line as \
         `NAME [weight W [reverse|noreverse]]`, W from -254 to 254. When too few (or too many) matching \
         processes run, the members go to FAULT or lose priority. The process tracker must be defined earlier.",
    ),
    kw("track_bfd").values(ValueKind::TrackRef(BfdInstance)).doc(
        "bfd_instance sessions applied to the whole group, one per line as `NAME [weight W [reverse|noreverse]]`, \
         W from -253 to 253. A session going down puts the members in FAULT, or changes their priority when \
         weighted. The bfd_instance must be defined earlier in the file.",
    ),
    kw("notify_backup").opt_args(1, NOTIFY).doc(
        "Command run when the group moves to BACKUP. Quote it to pass arguments; an optional user and group to \
         run it as may follow, otherwise the global script_user applies. Only the first occurrence counts.",
    ),
    kw("notify_master").opt_args(1, NOTIFY).doc(
        "Command run when the group becomes MASTER. Quote it to pass arguments; an optional user and group to \
         run it as may follow, otherwise the global script_user applies. Only the first occurrence counts.",
    ),
    kw("notify_fault").opt_args(1, NOTIFY).doc(
        "Command run when the group enters FAULT. Quote it to pass arguments; an optional user and group to run \
         it as may follow, otherwise the global script_user applies. Only the first occurrence counts.",
    ),
    kw("notify_stop").opt_args(1, NOTIFY).doc(
        "Command run when the VRRP process stops the group, for example at shutdown. Quote it to pass \
         arguments; an optional user and group to run it as may follow. Only the first occurrence counts.",
    ),
    kw("notify").opt_args(1, NOTIFY).doc(
        "Command run on every state change of the group, after any notify_* script for that state. keepalived \
         appends four arguments: GROUP, the group name, the new state and the priority. An optional user and \
         group to run it as may follow the command.",
    ),
    kw("smtp_alert").opt_args(0, OPT_BOOL).doc(
        "Sends an e-mail to the global notification_email addresses whenever the group changes state. Written \
         alone it means true; when absent the global smtp_alert / smtp_alert_vrrp setting decides (off by \
         default).",
    ),
    kw("global_tracking").deprecated("sync_group_tracking_weight").doc(
        "Old spelling of sync_group_tracking_weight: lets member instances keep their own tracker weights. \
         keepalived still honours it but reports an error; write sync_group_tracking_weight instead, or better, \
         put the trackers on the sync group itself.",
    ),
    kw("sync_group_tracking_weight").doc(
        "Keeps the weights of trackers configured on the member instances. Normally keepalived forces those \
         weights to 0 inside a sync group, because members with diverging priorities keep re-electing; only \
         use this if every member tracks the same things with the same weights.",
    ),
    kw("notify_priority_changes").opt_args(0, OPT_BOOL).doc(
        "Also reports priority changes of the group's instances on the notify FIFOs, not just state changes. \
         Written alone it means true; off by default.",
    ),
];

/// `vrrp_instance NAME { authentication { ... } }`.
pub(crate) static AUTHENTICATION: &[Keyword] = &[
    kw("auth_type").args(&[Enum(&["PASS", "AH"])]).doc(
        "The legacy VRRPv2 authentication method: PASS sends a clear-text password, AH uses an IPsec AH style \
         header. Both are obsolete (RFC 3768 dropped them), unavailable with VRRPv3 or strict mode, and AH \
         cannot be used with IPv6. Every router of the VRID must use the same setting.",
    ),
    kw("auth_pass").args(&[Word]).doc(
        "The shared password for the legacy authentication. Only the first 8 characters are used: a longer \
         password is truncated with an error. It travels in clear text, so it guards against mistakes, not \
         attackers; every router of the VRID must use the same one.",
    ),
];

/// `vrrp_instance NAME { auth_hmac { ... } }`.
pub(crate) static AUTH_HMAC: &[Keyword] = &[
    kw("key").args(&[Uint { min: 1, max: 255 }, Custom]).since(2, 4).doc(
        "Defines an HMAC key: an id from 1 to 255, then the secret as `hex:DIGITS`, `file:PATH` or plain ASCII; \
         the secret must be 32 to 64 bytes long. Several keys may be defined to rotate them. A key file that \
         group or others can read is refused as a security error, and an id may be defined only once.",
    ),
    kw("active_key").args(&[Uint { min: 1, max: 255 }]).since(2, 4).doc(
        "The id of the key used to sign outgoing adverts; received adverts are checked against whichever \
         defined key they name. It must refer to a key defined in this block, or the HMAC extension is \
         disabled.",
    ),
    kw("time_window").args(&[Uint { min: 1, max: 300 }]).since(2, 4).doc(
        "How many seconds (1 to 300) a signed advert stays acceptable under `anti_replay time`. The default is \
         three advert intervals, and at least 5 seconds; the routers' clocks must agree within this window.",
    ),
    kw("anti_replay")
        .args(&[Enum(&["time", "monotonic"])])
        .default("time")
        .since(2, 4)
        .doc(
            "How replayed adverts are detected: `time` (the default) requires a fresh timestamp and a growing \
         sequence number, so clocks must be synchronised; `monotonic` only requires each sender's sequence to \
         grow, for hosts without reliable time.",
        ),
    kw("mode")
        .args(&[Enum(&["enforce", "permissive", "receive-only"])])
        .default("enforce")
        .since(2, 4)
        .doc(
            "What happens to adverts without a valid signature: `enforce` (the default) drops them, `permissive` \
         signs but still accepts unsigned adverts, for migrating a running cluster; `receive-only` is a further \
         migration setting, see keepalived.conf(5) of your version. Strict mode forces enforce.",
        ),
];

/// `vrrp_instance NAME { ... }`.
pub(crate) static VRRP_INSTANCE: &[Keyword] = &[
    kw("use_vmac").opt_args(0, &[Custom]).variadic().doc(
        "Runs the instance on a macvlan interface carrying the RFC virtual MAC address, created on top of \
         `interface`. Options, in any order: `[name] IFNAME` for the macvlan's name, a MAC address (6 octets, \
         or 5 with the VRID as the last), `netlink_notify_msg`, and `group GROUP`. With unicast peers it also \
         needs vmac_xmit_base.",
    ),
    kw("use_vmac_addr").doc(
        "Also creates virtual-MAC interfaces for the other interfaces that carry this instance's addresses \
         (those given with `dev`, or of the other address family), so that they answer with the virtual MAC \
         too.",
    ),
    kw("vmac_xmit_base").doc(
        "Sends and receives the adverts on the underlying interface rather than on the virtual-MAC interface. \
         Needed when using unicast peers with use_vmac; it has no effect without use_vmac.",
    ),
    kw("use_ipvlan").opt_args(0, &[Custom]).variadic().doc(
        "Runs the instance on an L2 ipvlan interface created on top of `interface`. Options: `[name] IFNAME`, \
         an address `ADDR[/PREFIX]` (required for IPv4), the mode `bridge` (default), `private` or `vepa`, and \
         `group GROUP`. All ipvlans on one interface must use the same mode.",
    ),
    kw("unicast_peer").values(ValueKind::UnicastPeer).doc(
        "Sends adverts by unicast to these addresses instead of multicast, one per line as \
         `ADDR [min_ttl N] [max_ttl N]`. Peers must be of the instance's address family; the TTL bounds (0 to \
         255) make keepalived drop adverts whose TTL or hop limit falls outside them. List the other routers, \
         not this host.",
    ),
    kw("unicast_fault_no_peer").doc(
        "With unicast configured but no peer listed, puts the instance in FAULT instead of silently falling \
         back to multicast, which is what keepalived does otherwise.",
    ),
    kw("check_unicast_src").doc(
        "In unicast mode, accepts adverts only when their source address is one of the unicast_peer entries. \
         Setting min_ttl or max_ttl on a peer turns this on as well; it also counts as configuring unicast.",
    ),
    kw("old_unicast_checksum").opt_args(0, &[Enum(&["never"])]).doc(
        "Computes the VRRPv3 unicast checksum the way keepalived did up to 1.3.6, to talk to such old \
         versions. With `never`, keepalived also stops detecting old-style checksums automatically. Only in \
         builds with OLD_CHKSUM_COMPAT.",
    ),
    kw("native_ipv6").doc(
        "Forces the instance to IPv6 and VRRPv3. Obsolete: the address family is deduced from the virtual \
         addresses; it is refused with an error once an IPv4 address has been seen for the instance.",
    ),
    kw("state").args(&[Enum(&["MASTER", "BACKUP"])]).doc(
        "The state to start in, MASTER or BACKUP, in capitals. Without it the instance starts as BACKUP unless \
         its priority is 255. Pitfall: `state MASTER` with no priority sets the priority to 255 (address \
         owner), which also cancels nopreempt. Any other word is treated as BACKUP with an error.",
    ),
    kw("interface").args(&[Iface]).doc(
        "The network interface the instance runs on and where its virtual addresses go by default. Required \
         unless unicast is used; loopback is refused. A name that does not exist is an error unless \
         dynamic_interfaces is set globally.",
    ),
    kw("vrf").args(&[Iface]).doc(
        "The VRF device to run a unicast instance in when no `interface` is given. It is ignored together with \
         `interface` or without unicast configuration.",
    ),
    kw("dont_track_primary").doc(
        "Ignores faults of the instance's own interface: the instance does not go to FAULT when that interface \
         goes down. Note that downing an interface normally deletes its IPv6 addresses anyway.",
    ),
    kw("track_interface").values(ValueKind::TrackInterface).doc(
        "More interfaces to watch, one per line as `IFNAME [weight W [reverse]]`. Without a weight an interface \
         going down puts the instance in FAULT; with a weight (-253 to 253) the priority changes instead. \
         Weights are ignored inside a sync group and for an address owner.",
    ),
    kw("track_script").values(ValueKind::TrackRef(VrrpScript)).doc(
        "vrrp_script checks to follow, one per line as `NAME [weight W [reverse|noreverse]]`; the script must \
         be defined earlier. The weight defaults to the script's own; with weight 0 a failing script puts the \
         instance in FAULT.",
    ),
    kw("track_file").values(ValueKind::TrackRef(TrackFile)).doc(
        "track_file objects to follow, one per line as `NAME [weight W [reverse|noreverse]]`, W from -254 to \
         254 (default: the track_file's weight). The value in the file times the weight changes the priority; \
         the track_file must be defined earlier.",
    ),
    kw("track_process").values(ValueKind::TrackRef(TrackProcess)).doc(
        "vrrp_track_process objects to follow, one per line as `NAME [weight W [reverse|noreverse]]`, W from \
         -254 to 254 (default: the tracker's weight). Without a weight, losing the process quorum puts the \
         instance in FAULT.",
    ),
    kw("track_bfd").values(ValueKind::TrackRef(BfdInstance)).doc(
        "bfd_instance sessions to follow, one per line as `NAME [weight W [reverse|noreverse]]`, W from -253 \
         to 253 (default: the session's weight). Unweighted, a session going down puts the instance in FAULT.",
    ),
    kw("mcast_src_ip").args(&[Ip]).doc(
        "The source address of the adverts, instead of the interface's primary address. It must be of the \
         instance's address family.",
    ),
    kw("unicast_src_ip").args(&[Ip]).doc(
        "The source address of unicast adverts; it also switches the instance to unicast. It must be of the \
         instance's family, and should be an address this host really has: keepalived does not check that, \
         and an address the host lacks breaks the exchange of adverts.",
    ),
    kw("mcast_dst_ip").args(&[Ip]).doc(
        "A multicast group to send and listen to adverts on instead of the standard one (224.0.0.18 or \
         ff02::12). It must be IPv4 multicast or IPv6 link-local multicast of the instance's family, and is \
         ignored when unicast peers are used.",
    ),
    kw("track_src_ip").doc(
        "Puts the instance in FAULT when its configured source address (mcast_src_ip or unicast_src_ip) is \
         missing from the host or gets removed.",
    ),
    kw("virtual_router_id")
        .args(&[Uint { min: 1, max: 255 }])
        .mandatory()
        .doc(
            "The VRID, 1 to 255, identifying this virtual router on the link. Required. All routers backing the \
         same addresses use the same VRID, and no other cluster on the same network may use it with the same \
         family and multicast group: keepalived cannot see another host's VRIDs.",
        ),
    kw("unicast_ttl").args(&[U8]).doc(
        "The TTL or hop limit (0 to 255) put on unicast adverts. Without unicast peers it is reset with an \
         error.",
    ),
    kw("version").args(&[Uint { min: 2, max: 3 }]).doc(
        "The VRRP protocol version, 2 or 3. When absent the global vrrp_version applies (2 by default); IPv6 \
         instances normally use 3. A version that conflicts with one set or deduced earlier is ignored with an \
         error.",
    ),
    kw("priority").args(&[Uint { min: 1, max: 255 }]).default("100").doc(
        "The priority in the election, 1 to 255; the highest wins. 255 means address owner: such an instance \
         takes over at once and its priority is never changed by trackers. An invalid value becomes 100 with \
         an error; when absent it is 100, or 255 if `state MASTER` is set.",
    ),
    kw("advert_int")
        .args(&[Secs {
            min_us: 10_000,
            max_us: 255_000_000,
        }])
        .default("1")
        .doc(
            "Seconds between adverts, from 0.01 to 255. VRRPv2 needs a whole number of seconds (other values are \
         rounded); VRRPv3 uses steps of 10 ms below 40.96 s. All routers of the VRID should use the same value.",
        ),
    kw("virtual_ipaddress").values(ValueKind::Address).doc(
        "The virtual addresses carried in the adverts, added when the instance becomes MASTER and removed when \
         it leaves. One per line as `ADDR[/PREFIX] [dev IF] [label L] [scope S] [brd B] ...`; all must be of \
         the same family, and every router of the VRID should list the same addresses.",
    ),
    kw("virtual_ipaddress_excluded").values(ValueKind::Address).doc(
        "Addresses managed like virtual_ipaddress but left out of the adverts: for long lists, or to mix IPv4 \
         and IPv6 in one instance. Same line syntax as virtual_ipaddress.",
    ),
    kw("no_virtual_ipaddress").since_patch(2, 2, 8).doc(
        "Declares that the instance has no virtual addresses on purpose: keepalived then neither warns nor, \
         with VRRPv3, refuses the instance. Ignored in strict mode.",
    ),
    kw("promote_secondaries").doc(
        "Sets promote_secondaries on the interface, so removing one address does not also remove the other \
         addresses of the same subnet. Automatically on for virtual-MAC and ipvlan interfaces.",
    ),
    kw("linkbeat_use_polling").deprecated("linkbeat_interfaces").doc(
        "Old per-instance way to poll the interface's link state instead of relying on netlink. keepalived \
         still honours it with an error; list the interface in the top-level linkbeat_interfaces block \
         instead.",
    ),
    kw("v3_checksum_as_v2").opt_args(0, OPT_BOOL).since_patch(2, 2, 8).doc(
        "Leaves the pseudo-header out of the VRRPv3 checksum of IPv4 adverts, as some vendors (Cisco, for \
         instance) do. Written alone it means true; when absent the global v3_checksum_as_v2 applies. Both \
         ends must agree or every advert is dropped as corrupt.",
    ),
    kw("virtual_routes").values(ValueKind::Route).doc(
        "Routes added when the instance becomes MASTER and removed when it leaves, one per line in `ip route` \
         syntax (`[TYPE] DEST[/PREFIX] [via GW] [dev IF] [table T] ...`); `no_track` stops a deleted route from \
         faulting the instance.",
    ),
    kw("virtual_rules").values(ValueKind::Rule).doc(
        "Policy-routing rules added when the instance becomes MASTER and removed when it leaves, one per line in \
         `ip rule` syntax. Give each rule a preference: without one keepalived picks a number for it.",
    ),
    kw("accept").doc(
        "Accept mode: a MASTER that is not the address owner still accepts packets sent to the virtual \
         addresses. This is the default unless strict mode is on.",
    ),
    kw("no_accept").doc(
        "Turns accept mode off: unless it is the address owner, the MASTER drops packets addressed to the \
         virtual addresses (through firewall rules), so they only serve for routing. A common cause of \
         unreachable VIPs.",
    ),
    kw("skip_check_adv_addr").opt_args(0, OPT_BOOL).doc(
        "Skips comparing the address list of adverts from the current master with our own, which saves work \
         with many addresses. Pitfall: any valid boolean, even `false`, turns it on. When absent the global \
         vrrp_skip_check_adv_addr applies.",
    ),
    kw("strict_mode").opt_args(0, OPT_BOOL).doc(
        "Enforces RFC conformance for this instance: no authentication, no unicast on multicast-capable links, \
         no accept mode, and several settings forced. Written alone it means true; when absent the global \
         vrrp_strict applies.",
    ),
    kw("preempt").doc(
        "Cancels an earlier nopreempt. Kept for backwards compatibility: preemption is already the default, so \
         this keyword is normally not needed.",
    ),
    kw("nopreempt").doc(
        "Stops this instance from taking over from a lower-priority MASTER when it comes up. Only works when \
         the instance starts as BACKUP and its priority is below 255; otherwise it is cleared with an error.",
    ),
    kw("preempt_delay")
        .args(&[Secs {
            min_us: 0,
            max_us: 1_000_000_000,
        }])
        .default("0")
        .doc(
            "Seconds (0 to 1000) to wait, on top of the usual timeout, before taking over from a lower-priority \
         MASTER at start-up or when seeing one. Ignored with state MASTER, nopreempt or strict mode.",
        ),
    kw("debug").args(&[Uint { min: 0, max: 4 }]).default("0").doc(
        "A debug level from 0 to 4 for the instance. keepalived accepts it but does not use it: it has no \
         effect.",
    ),
    kw("notify_backup").opt_args(1, NOTIFY).doc(
        "Command run when the instance moves to BACKUP. Quote it to pass arguments; an optional user and group \
         to run it as may follow, otherwise the global script_user applies. Only the first occurrence counts.",
    ),
    kw("notify_master").opt_args(1, NOTIFY).doc(
        "Command run when the instance becomes MASTER. Quote it to pass arguments; an optional user and group \
         to run it as may follow, otherwise the global script_user applies. Only the first occurrence counts.",
    ),
    kw("notify_fault").opt_args(1, NOTIFY).doc(
        "Command run when the instance enters FAULT. Quote it to pass arguments; an optional user and group to \
         run it as may follow, otherwise the global script_user applies. Only the first occurrence counts.",
    ),
    kw("notify_stop").opt_args(1, NOTIFY).doc(
        "Command run when the instance is stopped, for example at shutdown. Quote it to pass arguments; an \
         optional user and group to run it as may follow. Only the first occurrence counts.",
    ),
    kw("notify_deleted").opt_args(0, NOTIFY).doc(
        "When the instance disappears from the configuration at a reload, report the state DELETED to notify \
         scripts instead of FAULT. An optional command (with user and group) is run at that moment too.",
    ),
    kw("notify").opt_args(1, NOTIFY).doc(
        "Command run on every state change, after any notify_* script for that state. keepalived appends four \
         arguments: INSTANCE, the instance name, the new state and the priority. An optional user and group to \
         run it as may follow the command.",
    ),
    kw("notify_master_rx_lower_pri").opt_args(1, NOTIFY).doc(
        "Command run when this MASTER receives an advert with a lower priority than its own, for instance to \
         reclaim an address another node grabbed during a split. Quote it to pass arguments; a user and group \
         may follow.",
    ),
    kw("smtp_alert").opt_args(0, OPT_BOOL).doc(
        "Sends an e-mail to the global notification_email addresses whenever the instance changes state. \
         Written alone it means true; when absent the global smtp_alert / smtp_alert_vrrp setting decides (off \
         by default).",
    ),
    kw("notify_priority_changes").opt_args(0, OPT_BOOL).doc(
        "Also reports changes of the instance's effective priority on the notify FIFOs, not just state \
         changes. Written alone it means true; off by default.",
    ),
    kw("lvs_sync_daemon_interface")
        .args(&[Iface])
        .deprecated("lvs_sync_daemon")
        .doc(
            "Old way to start the IPVS connection-sync daemon on an interface, tied to this instance. keepalived \
         still applies it, once, with an error; use lvs_sync_daemon in global_defs instead.",
        ),
    kw("garp_master_delay").args(&[GARP_DELAY]).doc(
        "Seconds after becoming MASTER before a second burst of gratuitous ARPs / unsolicited neighbour adverts \
         is sent; 0 sends none. When absent the global vrrp_garp_master_delay applies (5).",
    ),
    kw("garp_master_refresh").args(&[U32]).doc(
        "While MASTER, re-send gratuitous ARPs / neighbour adverts every this many seconds, to keep switch \
         tables fresh. 0 (the default, from the global vrrp_garp_master_refresh) turns it off.",
    ),
    kw("garp_master_repeat").args(&[REPEAT]).doc(
        "How many gratuitous ARPs / neighbour adverts are sent in each burst on becoming MASTER. 0 is changed to \
         1 with an error. When absent the global vrrp_garp_master_repeat applies (5).",
    ),
    kw("garp_master_refresh_repeat").args(&[REPEAT]).doc(
        "How many gratuitous ARPs / neighbour adverts each periodic refresh sends (see garp_master_refresh). 0 \
         is changed to 1 with an error. When absent the global setting applies (1).",
    ),
    kw("garp_lower_prio_delay").args(&[GARP_DELAY]).doc(
        "Seconds to wait before re-sending gratuitous ARPs after a lower-priority advert arrives while MASTER. \
         When absent the global vrrp_garp_lower_prio_delay applies; strict mode forces 0.",
    ),
    kw("garp_lower_prio_repeat")
        .args(&[Uint {
            min: 0,
            max: i32::MAX as u64,
        }])
        .doc(
            "How many gratuitous ARPs to send when a lower-priority advert arrives while MASTER; 0 sends none. When \
         absent the global vrrp_garp_lower_prio_repeat applies; strict mode forces 0.",
        ),
    kw("down_timer_adverts").args(&[Uint { min: 1, max: 100 }]).doc(
        "How many advert intervals without adverts (plus the skew time) before a BACKUP declares the master \
         dead. The RFC value is 3; any other value departs from the protocol and must match on every router. \
         When absent the global vrrp_down_timer_adverts applies (3). Strict mode resets it to 3.",
    ),
    kw("timer_expired_backup")
        .opt_args(0, &[Uint { min: 1, max: 254 }])
        .since_patch(2, 2, 8)
        .doc(
            "If keepalived was not scheduled for so long that another router has probably taken over, return to \
         BACKUP instead of carrying on as MASTER. The optional number (1 to 254, default 254) is the highest \
         priority assumed for the other routers. Requires nopreempt, else it is reset with an error.",
        ),
    kw("thread_timer_expired")
        .opt_args(0, &[Uint { min: 1, max: 254 }])
        .deprecated("timer_expired_backup")
        .since(2, 3)
        .doc(
            "Another spelling of timer_expired_backup, accepted because early release notes used it. keepalived \
         reports an error asking for timer_expired_backup; write that instead.",
        ),
    kw("garp_extra_if").args(&[Custom]).variadic().doc(
        "Written `[all] SECS`: while MASTER, send gratuitous ARPs / neighbour adverts every SECS seconds (0 to \
         86400; 0 disables) for the addresses on interfaces other than the instance's own; with `all`, on every \
         interface used. Helps switches keep learning those MACs.",
    ),
    kw("vmac_garp_intvl")
        .args(&[Custom])
        .variadic()
        .deprecated("garp_extra_if")
        .doc(
            "Old name of garp_extra_if, with the same `[all] SECS` arguments. Still accepted with a deprecation \
         message; write garp_extra_if instead.",
        ),
    kw("lower_prio_no_advert").opt_args(0, OPT_BOOL).doc(
        "When MASTER and an advert with lower priority arrives, do not answer it with an extra advert, as the \
         RFCs require. Written alone it means true; when absent the global \
         vrrp_lower_prio_no_advert applies. Strict mode forces it on.",
    ),
    kw("higher_prio_send_advert").opt_args(0, OPT_BOOL).doc(
        "When MASTER and a higher-priority advert arrives, send one more advert before stepping down, so a \
         peer that also was MASTER re-sends its gratuitous ARPs. Written alone it means true; when absent the \
         global vrrp_higher_prio_send_advert applies. Strict mode turns it off.",
    ),
    kw("owner_ignore_adverts").opt_args(0, OPT_BOOL).since(2, 3).doc(
        "For an address owner (priority 255), drop every advert received, as the RFCs literally say; by default \
         keepalived processes them so that two owners sort themselves out. Only valid with priority 255; \
         strict mode turns it on for owners.",
    ),
    kw("kernel_rx_buf_size").args(&[U32]).doc(
        "The receive buffer size, in bytes, of the instance's socket (see vrrp_rx_bufs_policy in global_defs). \
         Exactly one number is required, although older documentation shows none.",
    ),
    kw("authentication").block(AUTHENTICATION).doc(
        "The legacy VRRPv2 authentication block (auth_type, auth_pass). Removed from the VRRP standard, not \
         supported with VRRPv3 or strict mode, and dropped when auth_hmac is also given; it mainly helps to \
         keep unicast clusters apart.",
    ),
    kw("auth_hmac").block(AUTH_HMAC).since(2, 4).doc(
        "Signs every advert with an HMAC-SHA256 trailer and checks the trailer of received ones, protecting \
         against forged and replayed adverts, in VRRPv2 and v3, unicast or multicast. All routers of the VRID \
         need the same keys and a keepalived that supports it. Replaces the authentication block.",
    ),
];

/// `vrrp_script NAME { ... }`.
pub(crate) static VRRP_SCRIPT: &[Keyword] = &[
    kw("script").args(&[Script]).variadic().mandatory().doc(
        "The command to run periodically: a program and its arguments, quoted as a whole or not. Required: a \
         vrrp_script without it is removed. Exit status 0 means success, anything else failure.",
    ),
    kw("interval")
        .args(&[Secs {
            min_us: 1_000,
            max_us: u32::MAX as u64,
        }])
        .default("1")
        .doc(
            "Seconds between two runs of the script, with millisecond resolution. 0 is changed to 1 with an error. \
         Only scripts that an instance or sync group tracks are run.",
        ),
    kw("timeout")
        .args(&[Secs {
            min_us: 1_000,
            max_us: u32::MAX as u64,
        }])
        .doc(
            "Seconds after which a still-running script counts as failed, with millisecond resolution. When absent \
         it equals the interval; 0 is changed to 1 with an error.",
        ),
    kw("weight").opt_args(1, WEIGHT_253).default("0").doc(
        "The default weight (-253 to 253) for instances tracking this script. 0 means a failure puts them in \
         FAULT; a positive weight is added to the priority while the script succeeds, a negative one \
         subtracted while it fails; `reverse` inverts that. Pitfall: an out-of-range value is reported but \
         still used.",
    ),
    kw("rise")
        .args(&[Uint {
            min: 1,
            max: i32::MAX as u64,
        }])
        .default("1")
        .doc(
            "How many successive successes are needed before a failed script counts as OK again. An invalid value \
         is replaced by 1.",
        ),
    kw("fall")
        .args(&[Uint {
            min: 1,
            max: i32::MAX as u64,
        }])
        .default("1")
        .doc(
            "How many successive failures are needed before an OK script counts as failed. An invalid value is \
         replaced by 1.",
        ),
    kw("user").args(&[User]).doc(
        "The user, and optionally the group, to run the script as. When absent the global script_user applies; \
         if the user cannot be resolved the script is removed.",
    ),
    kw("init_fail").doc(
        "Starts the script in the failed state, so tracking instances stay down until it has succeeded `rise` \
         times.",
    ),
];

/// `vrrp_track_process NAME { ... }`.
pub(crate) static VRRP_TRACK_PROCESS: &[Keyword] = &[
    kw("process").args(&[Word]).variadic().mandatory().doc(
        "The process to watch: its name as in /proc/PID/status (an exact match, not a pattern), optionally \
         followed by the parameters it must have been started with, which switches to matching the full \
         command line. Quote a name or parameter that contains spaces. Required.",
    ),
    kw("param_match").opt_args(0, &[Enum(&["initial", "partial"])]).doc(
        "How the parameters of `process` are compared: alone, they must match exactly (so a process without \
         parameters can be required); `partial` needs the first ones to match, `initial` lets the last given \
         parameter be a prefix.",
    ),
    kw("weight").opt_args(1, WEIGHT_254).default("0").doc(
        "The default weight (-254 to 254) for instances tracking this process. 0 puts them in FAULT when the \
         quorum is not met; a positive weight is added to the priority while it is met, a negative one \
         subtracted while not; `reverse` inverts that. May be given once.",
    ),
    kw("quorum").args(&[Uint { min: 1, max: 65_535 }]).default("1").doc(
        "The minimum number of matching processes (1 to 65535) for the tracker to be up. It cannot exceed \
         quorum_max.",
    ),
    kw("quorum_max").args(&[Uint { min: 0, max: 65_535 }]).doc(
        "The maximum number of matching processes (0 to 65535) for the tracker to be up; unlimited by default. \
         0 means the process must not run at all. Beware of short-lived forks counting twice (see \
         fork_delay).",
    ),
    kw("delay")
        .args(&[Secs {
            min_us: 1,
            max_us: 3_600_000_000,
        }])
        .doc(
            "Sets both fork_delay and terminate_delay, in seconds (up to 3600, microsecond resolution), to avoid \
         flapping while a process restarts.",
        ),
    kw("terminate_delay")
        .args(&[Secs {
            min_us: 1,
            max_us: 3_600_000_000,
        }])
        .doc(
            "Seconds (up to 3600) to wait after the quorum is lost before declaring the tracker down, so a quick \
         restart goes unnoticed.",
        ),
    kw("fork_delay")
        .args(&[Secs {
            min_us: 1,
            max_us: 3_600_000_000,
        }])
        .doc(
            "Seconds (up to 3600) to wait after a fork brings the quorum back before declaring the tracker up, so \
         a fork-then-exec does not bounce the state.",
        ),
    kw("full_command").doc(
        "Matches `process` against the full command line (/proc/PID/cmdline) instead of the process name, like \
         `pgrep -f`. Implied when parameters are given.",
    ),
];

/// `track_file NAME { ... }` (and its old spelling `vrrp_track_file`).
pub(crate) static TRACK_FILE: &[Keyword] = &[
    kw("file").args(&[Path]).mandatory().doc(
        "The file to watch; it is re-read whenever it changes and should hold a number. Required, and may be \
         given once. Its directory must exist.",
    ),
    kw("weight").opt_args(1, WEIGHT_254).default("1").doc(
        "The default weight (-254 to 254) for trackers of this file: the number in the file times the weight \
         is added to the priority. With weight 0, any non-zero number means failure. `reverse` inverts the \
         sign. Older documentation shows a wider range, but keepalived rejects values beyond 254.",
    ),
    kw("init_file").opt_args(0, &[Custom]).variadic().doc(
        "Written `[VALUE] [overwrite]`: creates the file at start-up with VALUE (default 0, from -254 to 254) \
         if it does not exist; with `overwrite`, also replaces the contents of an existing file.",
    ),
];

/// `bfd_instance NAME { ... }`.
pub(crate) static BFD_INSTANCE: &[Keyword] = &[
    kw("source_ip").args(&[Ip]).doc(
        "The local address of the BFD session. Optional, but needed to be sure of the local port; it must be \
         of the same family as the neighbour.",
    ),
    kw("neighbor_ip")
        .args(&[Ip])
        .doc("The address of the BFD peer. Required: a session without one is disabled. Same as neighbour_ip."),
    kw("neighbour_ip")
        .args(&[Ip])
        .doc("The address of the BFD peer. Required: a session without one is disabled. Same as neighbor_ip."),
    kw("min_rx").args(&[Custom]).default("10").doc(
        "The slowest rate, in milliseconds between packets (decimals allowed, microsecond resolution, 1 to \
         4294967), at which we want to receive control packets. The default is 10 ms; values above 1000 are \
         logged as unusual.",
    ),
    kw("min_tx").args(&[Custom]).default("10").doc(
        "The fastest rate, in milliseconds between packets (decimals allowed, 1 to 4294967), at which we want \
         to send control packets while the session is up. The default is 10 ms.",
    ),
    kw("idle_tx").args(&[Custom]).default("1000").doc(
        "The interval, in milliseconds (1000 to 4294967, decimals allowed), between control packets while the \
         session is not up. The default is 1000 ms.",
    ),
    kw("multiplier")
        .args(&[Uint { min: 1, max: 255 }])
        .default("5")
        .doc("How many intervals without a packet (1 to 255) before the session is declared down. The default is 5."),
    kw("passive")
        .doc("Waits for the peer to start the session instead of sending first. By default keepalived is active."),
    kw("ttl").args(&[Uint { min: 1, max: 255 }]).doc(
        "The TTL (IPv4) or hop limit (IPv6) of outgoing packets, 1 to 255. The default is 255 for IPv4 and 64 \
         for IPv6. Same as hoplimit.",
    ),
    kw("hoplimit").args(&[Uint { min: 1, max: 255 }]).doc(
        "The hop limit (IPv6) or TTL (IPv4) of outgoing packets, 1 to 255. The default is 64 for IPv6 and 255 \
         for IPv4. Same as ttl.",
    ),
    kw("max_hops").args(&[Int { min: -1, max: 255 }]).default("0").doc(
        "How much the TTL / hop limit of received packets may have been reduced in transit; 0 (the default) \
         means the peer must be directly connected, 255 turns the check off. A value above ttl is lowered to \
         it.",
    ),
    kw("multihop").opt_args(0, OPT_BOOL).since_patch(2, 2, 8).doc(
        "Uses the multihop BFD port 4784 (RFC 5883) instead of the single-hop port 3784. Written alone it \
         means true; both peers must agree.",
    ),
    kw("weight").opt_args(1, WEIGHT_253).doc(
        "The default weight (-253 to 253) for VRRP instances tracking this session: positive weights are added \
         to the priority while it is up, negative ones subtracted while it is down, `reverse` inverts that, \
         and 0 means FAULT when down. Checkers ignore it.",
    ),
    kw("vrrp").doc(
        "Sends this session's state changes to the VRRP process only. By default both VRRP and the checkers \
         are told.",
    ),
    kw("checker").doc(
        "Sends this session's state changes to the checker process only. By default both VRRP and the \
         checkers are told.",
    ),
];
