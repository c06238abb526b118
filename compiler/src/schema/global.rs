//! `global_defs` and the two small blocks whose tables live with it (`track_group`, `garp_group`).

use super::t::*;

/// Process nice value.
const NICE: Ty = Int { min: -20, max: 19 };
/// Real-time (SCHED_RR) priority.
const RT_PRIO: Ty = Uint { min: 1, max: 99 };
/// RLIMIT_RTTIME in microseconds.
const RTTIME: Ty = Uint {
    min: 1,
    max: u32::MAX as u64,
};
/// Gratuitous ARP / unsolicited NA spacing: at least one microsecond.
const GARP_INTERVAL: Ty = Secs {
    min_us: 1,
    max_us: u32::MAX as u64,
};
/// A repeat count held in a signed int.
const REPEAT: Ty = Uint {
    min: 1,
    max: i32::MAX as u64,
};
/// SNMP statistics refresh interval: 1 ms to 30 s.
const SNMP_STATS_INTERVAL: Ty = Secs {
    min_us: 1_000,
    max_us: 30_000_000,
};
/// Start-up delays: at least a millisecond.
const STARTUP_DELAY: Ty = Secs {
    min_us: 1_000,
    max_us: u32::MAX as u64 * 1_000_000,
};

pub(crate) static GLOBAL_DEFS: &[Keyword] = &[
    kw("process_names").doc(
        "Gives the child processes their standard names (keepalived_vrrp, keepalived_lvs, keepalived_bfd) so they \
         can be told apart in ps and the logs. Without it the children keep the parent's name.",
    ),
    kw("process_name").args(&[Word]).doc(
        "Sets the process name of the parent keepalived process. Names longer than 15 characters are cut to 15, \
         the kernel limit for a command name.",
    ),
    kw("vrrp_process_name").args(&[Word]).doc(
        "Sets the process name of the VRRP child process. Names longer than 15 characters are cut to 15, the \
         kernel limit for a command name.",
    ),
    kw("checker_process_name").args(&[Word]).doc(
        "Sets the process name of the health-checker (LVS) child process. Names longer than 15 characters are cut \
         to 15, the kernel limit for a command name.",
    ),
    kw("lvs_process_name")
        .args(&[Word])
        .deprecated("checker_process_name")
        .doc(
            "Old spelling of checker_process_name: names the health-checker child process. Write checker_process_name \
         instead.",
        ),
    kw("bfd_process_name").args(&[Word]).doc(
        "Sets the process name of the BFD child process. Names longer than 15 characters are cut to 15, the \
         kernel limit for a command name.",
    ),
    kw("use_symlink_paths").opt_args(0, OPT_BOOL).since(2, 3).doc(
        "Keeps script paths that go through symbolic links as written instead of resolving them once at load \
         time, so a link that is later repointed (as on NixOS) runs the new target. Off by default.",
    ),
    kw("set_supplementary_groups").opt_args(0, OPT_BOOL).since(2, 4).doc(
        "Runs scripts with the supplementary groups of their user as well as its primary group. By default \
         keepalived clears the supplementary groups, so a script only gets the primary group's permissions.",
    ),
    kw("router_id").args(&[Word]).doc(
        "A name identifying this machine in notification e-mails and logs; it need not be the host name. When \
         absent, the local host name is used.",
    ),
    kw("notification_email_from").args(&[Email]).doc(
        "The From: address of notification e-mails. When absent and an SMTP server is set, keepalived builds one \
         from the user and host name.",
    ),
    kw("smtp_server").opt_args(1, &[Word, Port]).doc(
        "The SMTP relay that notification e-mails are sent through: an IP address or a host name, optionally \
         followed by a port (25 when omitted). Without it no e-mail is sent.",
    ),
    kw("smtp_helo_name").args(&[Word]).doc(
        "The name keepalived announces in the SMTP HELO command when sending notifications. Defaults to the local \
         host name.",
    ),
    kw("smtp_connect_timeout")
        .args(&[Uint {
            min: 1,
            max: u32::MAX as u64,
        }])
        .default("30")
        .doc(
            "How long, in whole seconds, to wait for the SMTP server when sending a notification. 0 is rejected and \
         replaced by 1.",
        ),
    kw("notification_email").values(ValueKind::Email).doc(
        "Block listing the recipients of notification e-mails, one address per line. A display name must be \
         quoted together with the address, e.g. \"Ops <ops@example.com>\".",
    ),
    kw("smtp_alert").opt_args(0, OPT_BOOL).doc(
        "Sets whether VRRP instances, sync groups and checkers send e-mail alerts unless they say otherwise. The \
         more specific smtp_alert_vrrp and smtp_alert_checker override it.",
    ),
    kw("startup_script").opt_args(1, &[Script, User]).doc(
        "A command run once by the parent when keepalived starts, before any child process, optionally as the \
         given user and group. Useful to create firewall chains or marks that the rest of the configuration needs.",
    ),
    kw("startup_script_timeout")
        .args(&[Uint { min: 1, max: 1000 }])
        .default("10")
        .doc("Seconds (1 to 1000) the startup script may run before keepalived kills it and carries on."),
    kw("shutdown_script").opt_args(1, &[Script, User]).doc(
        "A command run once by the parent after all child processes have stopped, optionally as the given user \
         and group. Typically undoes what the startup script set up.",
    ),
    kw("shutdown_script_timeout")
        .args(&[Uint { min: 1, max: 1000 }])
        .default("10")
        .doc("Seconds (1 to 1000) the shutdown script may run before keepalived kills it and exits."),
    kw("max_auto_priority")
        .opt_args(0, &[Int { min: -1, max: 99 }])
        .default("0")
        .doc(
            "Upper limit for the real-time priority keepalived may give itself when it notices it is being scheduled \
         late. 0 disables the automatic raise, -1 also silences the start-up warning, and no value means the \
         system maximum.",
        ),
    kw("min_auto_priority_delay")
        .args(&[Uint {
            min: 1,
            max: 10_000_000,
        }])
        .default("1000000")
        .doc(
            "How late, in microseconds, keepalived must run after a timer expired before it raises its own priority \
         (see max_auto_priority). At most 10 seconds.",
        ),
    kw("smtp_alert_vrrp").opt_args(0, OPT_BOOL).doc(
        "Sets whether VRRP instances and sync groups send e-mail alerts unless they say otherwise; overrides the \
         global smtp_alert for VRRP.",
    ),
    kw("smtp_alert_checker").opt_args(0, OPT_BOOL).doc(
        "Sets whether virtual servers, real servers and checkers send e-mail alerts unless they say otherwise; \
         overrides the global smtp_alert for the checker side.",
    ),
    kw("checker_log_all_failures").opt_args(0, OPT_BOOL).doc(
        "Logs every failed health check, not only the ones that change a real server's state. E-mail is still \
         sent only when the server is declared down.",
    ),
    kw("dynamic_interfaces")
        .opt_args(0, &[Enum(&["allow_if_changes"])])
        .doc(
            "Accepts interfaces that do not exist when keepalived starts and copes with interfaces being deleted and \
         recreated. With allow_if_changes an interface may also come back with a different type or parent.",
        ),
    kw("no_email_faults")
        .doc("Stops e-mail alerts for transitions into and out of FAULT state; other state changes are still mailed."),
    kw("default_interface").args(&[Iface]).default("eth0").doc(
        "The interface used for static addresses that name no dev. If it does not exist, such an address is a \
         fatal configuration error.",
    ),
    kw("disable_local_igmp").doc(
        "Turns off the kernel's IGMP reports for link-local multicast groups (224.0.0.0/24), an alternative to \
         filtering them on VMAC interfaces. Needs a kernel that offers igmp_link_local_mcast_reports.",
    ),
    kw("v3_checksum_as_v2").since_patch(2, 2, 8).doc(
        "Makes VRRPv3 instances compute the IPv4 advert checksum without the pseudo-header, as some other vendors' \
         routers do, unless an instance says otherwise. Only needed to interoperate with such routers.",
    ),
    kw("lvs_timeouts").args(&[Custom]).variadic().doc(
        "Sets IPVS connection timeouts as pairs: tcp SECS, tcpfin SECS and/or udp SECS, each 0 to 2678400 \
         (31 days). At least one pair is needed; timeouts not given keep their current kernel value.",
    ),
    kw("lvs_flush").doc(
        "Deletes every existing IPVS virtual and real server when keepalived starts, including ones it did not \
         create.",
    ),
    kw("lvs_flush_on_stop").opt_args(0, &[Enum(&["VS"])]).doc(
        "On shutdown, removes the whole IPVS table in one go instead of server by server, which is much faster \
         for big setups. With VS it removes only keepalived's virtual servers and lets the kernel drop their real \
         servers.",
    ),
    kw("lvs_flush_onstop")
        .opt_args(0, &[Enum(&["VS"])])
        .deprecated("lvs_flush_on_stop")
        .doc("Old spelling of lvs_flush_on_stop, accepted silently. Write lvs_flush_on_stop instead."),
    kw("lvs_sync_daemon")
        .opt_args(1, &[Iface, Custom])
        .variadic()
        .once(Once::KeepsFirst)
        .doc(
            "Runs the IPVS connection-sync daemon on the given interface. Options: [inst] VRRP_INSTANCE to follow \
         that instance's master/backup state, id 0-255, maxlen 1-65507, port 1-65535, ttl 1-255 and group \
         MCAST_ADDR. May be given only once.",
        ),
    kw("vrrp_mcast_group4").args(&[Mcast4]).default("224.0.0.18").doc(
        "IPv4 multicast group that VRRP adverts are sent to. The IANA address is the default and should rarely \
         need changing.",
    ),
    kw("vrrp_mcast_group6")
        .args(&[Mcast6])
        .default("ff02::12")
        .doc("IPv6 multicast group that VRRP adverts are sent to. A group that is not link-local draws a warning."),
    kw("vrrp_garp_master_delay").args(&[U32]).default("5").doc(
        "Default for garp_master_delay: seconds after becoming master before the second burst of gratuitous \
         ARP/NA messages; 0 means no second burst.",
    ),
    kw("vrrp_garp_master_repeat").args(&[REPEAT]).default("5").doc(
        "Default for garp_master_repeat: how many gratuitous ARP/NA messages are sent in each burst after \
         becoming master. 0 is rejected and replaced by 1.",
    ),
    kw("vrrp_garp_master_refresh").args(&[U32]).default("0").doc(
        "Default for garp_master_refresh: interval in seconds at which a master repeats gratuitous ARP/NA \
         messages. 0 means no periodic refresh.",
    ),
    kw("vrrp_garp_master_refresh_repeat").args(&[REPEAT]).default("1").doc(
        "Default for garp_master_refresh_repeat: how many gratuitous ARP/NA messages each periodic refresh sends. \
         0 is rejected and replaced by 1.",
    ),
    kw("vrrp_garp_lower_prio_delay").args(&[U32]).doc(
        "Default for garp_lower_prio_delay: seconds before a master that heard a lower-priority advert sends its \
         second burst of gratuitous ARPs. Defaults to vrrp_garp_master_delay.",
    ),
    kw("vrrp_garp_lower_prio_repeat")
        .args(&[Uint {
            min: 0,
            max: i32::MAX as u64,
        }])
        .doc(
            "Default for garp_lower_prio_repeat: how many gratuitous ARP/NA messages a master sends after hearing a \
         lower-priority advert; 0 sends none. Defaults to vrrp_garp_master_repeat.",
        ),
    kw("vrrp_down_timer_adverts")
        .args(&[Uint { min: 1, max: 100 }])
        .default("3")
        .doc(
            "Default for down_timer_adverts: how many advert intervals a backup waits without hearing the master \
         before taking over. The RFC value is 3; other values break interoperability.",
        ),
    kw("vrrp_garp_interval").args(&[GARP_INTERVAL]).doc(
        "Pause, in seconds with microsecond resolution, between gratuitous ARP messages sent on one interface, for \
         switches that cannot take a flood. No pause by default; a value of a second or more is logged as \
         suspicious.",
    ),
    kw("vrrp_gna_interval").args(&[GARP_INTERVAL]).doc(
        "Pause, in seconds with microsecond resolution, between unsolicited IPv6 neighbour adverts sent on one \
         interface. No pause by default; a value of a second or more is logged as suspicious.",
    ),
    kw("vrrp_min_garp").opt_args(0, OPT_BOOL).doc(
        "Sends a single gratuitous ARP/NA on becoming master and no second burst or refresh, for modern switches. \
         Only changes the garp settings that are still at their defaults.",
    ),
    kw("vrrp_garp_extra_if").opt_args(1, &[Custom, Custom]).doc(
        "Written [all] SECS: periodically resends gratuitous ARP/NA, every SECS seconds (1 to 86400), for \
         addresses on interfaces other than the instance's own, to keep switch MAC tables fresh. Only VMAC \
         interfaces unless all is given.",
    ),
    kw("vrrp_vmac_garp_intvl")
        .opt_args(1, &[Custom, Custom])
        .deprecated("vrrp_garp_extra_if")
        .doc("Old name of vrrp_garp_extra_if, reported as deprecated. Write vrrp_garp_extra_if [all] SECS instead."),
    kw("vrrp_lower_prio_no_advert")
        .opt_args(0, OPT_BOOL)
        .default("false")
        .doc(
            "Default for lower_prio_no_advert: a master that hears a lower-priority advert does not answer with an \
         advert of its own, as the RFCs require. Forced on by strict mode.",
        ),
    kw("vrrp_higher_prio_send_advert")
        .opt_args(0, OPT_BOOL)
        .default("false")
        .doc(
            "Default for higher_prio_send_advert: a master that hears a higher-priority advert sends one more advert \
         before stepping down, so the other side refreshes its ARP entries after a split brain.",
        ),
    kw("vrrp_version").args(&[Uint { min: 2, max: 3 }]).default("2").doc(
        "Default VRRP protocol version, 2 or 3, for instances that do not set one. IPv6 instances always use \
         version 3.",
    ),
    kw("vrrp_iptables").opt_args(0, &[Word, Word]).doc(
        "Uses iptables for no_accept filtering and VMAC IGMP handling, with the given input and optional output \
         chains (INPUT/OUTPUT when omitted). The chains must already exist; on builds without iptables nftables \
         is used instead.",
    ),
    kw("vrrp_ipsets")
        .opt_args(0, &[Word, Word, Word, Word, Word, Word])
        .doc(
            "Names of the ipsets used together with vrrp_iptables; names left out are derived from the ones given. \
         Without any name ipsets are not used. Only available when keepalived is built with ipset support.",
        ),
    kw("nftables").opt_args(0, &[Word]).once(Once::KeepsFirst).doc(
        "Uses nftables for no_accept filtering and VMAC IGMP handling, in the given table (keepalived when \
         omitted). The table must not already exist and must be unique per keepalived instance.",
    ),
    kw("nftables_priority")
        .args(&[I32])
        .doc("Priority of the base chains keepalived creates in its nftables table. Defaults to -1."),
    kw("nftables_ifindex")
        .doc("Keys keepalived's IPv6 link-local nftables sets by interface index rather than interface name."),
    kw("vrrp_check_unicast_src").doc(
        "In unicast mode, drops adverts whose source address is not one of the instance's configured unicast \
         peers.",
    ),
    kw("vrrp_skip_check_adv_addr").opt_args(0, OPT_BOOL).doc(
        "Default for skip_check_adv_addr: skips checking the address list of an advert when it comes from the \
         same master as the previous one, which saves time with many addresses.",
    ),
    kw("vrrp_strict").opt_args(0, OPT_BOOL).doc(
        "Default for strict_mode: enforces strict RFC compliance (no authentication, no unicast peers, at least \
         one VIP, and more). Often turned on by copied sample configs, where it then blocks traffic to the VIPs.",
    ),
    kw("vrrp_priority")
        .args(&[NICE])
        .doc("Nice value (-20 to 19) of the VRRP child process; negative values get more CPU."),
    kw("vrrp_no_swap")
        .doc("Locks the VRRP child process in memory so it is never swapped out and cannot miss adverts."),
    kw("vrrp_rt_priority").args(&[RT_PRIO]).doc(
        "Runs the VRRP child process under real-time round-robin scheduling at this priority (1 to 99). \
         Out-of-range values are clamped.",
    ),
    kw("vrrp_cpu_affinity").args(&[U32]).variadic().doc(
        "Pins the VRRP child process to the listed CPU numbers. Each must be an existing CPU; a bad one empties \
         the set.",
    ),
    kw("vrrp_rlimit_rttime").args(&[RTTIME]).default("10000").doc(
        "CPU time, in microseconds, the VRRP child may use without blocking while on real-time scheduling \
         (RLIMIT_RTTIME). 1 is raised to 2.",
    ),
    kw("vrrp_rlimit_rtime")
        .args(&[RTTIME])
        .deprecated("vrrp_rlimit_rttime")
        .doc("Old misspelling of vrrp_rlimit_rttime, still accepted. Write vrrp_rlimit_rttime instead."),
    kw("nftables_ipvs").opt_args(0, &[Word]).doc(
        "Uses nftables to mark the traffic of virtual server groups with firewall marks, so that each group needs \
         only one IPVS service. The table is keepalived_ipvs when not named.",
    ),
    kw("nftables_ipvs_priority")
        .args(&[I32])
        .doc("Priority of the base chains keepalived creates in its nftables IPVS table."),
    kw("nftables_ipvs_start_fwmark")
        .args(&[Uint {
            min: 1,
            max: u32::MAX as u64,
        }])
        .default("1000")
        .doc(
            "First firewall mark keepalived hands out to virtual server groups with nftables_ipvs; each further group \
         gets the next one. Keep the range clear of marks used elsewhere.",
        ),
    kw("nftables_counters").doc("Adds counters to the nftables rules keepalived creates, mainly to help debugging."),
    kw("notify_fifo").opt_args(1, &[Path, User]).doc(
        "A FIFO that receives a line for every VRRP and checker state change, in order, optionally owned by the \
         given user and group. More reliable than notify scripts, whose runs may overlap.",
    ),
    kw("notify_fifo_script").opt_args(1, &[Script, User]).doc(
        "A command keepalived starts to read notify_fifo, optionally as the given user and group; the FIFO path is \
         appended as its last argument.",
    ),
    kw("vrrp_notify_fifo").opt_args(1, &[Path, User]).doc(
        "A FIFO that receives a line for every VRRP instance and sync group state change, optionally owned by the \
         given user and group. Must differ from notify_fifo.",
    ),
    kw("vrrp_notify_fifo_script").opt_args(1, &[Script, User]).doc(
        "A command keepalived starts to read vrrp_notify_fifo, optionally as the given user and group; the FIFO \
         path is appended as its last argument.",
    ),
    kw("vrrp_notify_priority_changes")
        .opt_args(0, OPT_BOOL)
        .doc("Also writes a line to the notify FIFOs whenever a VRRP instance's effective priority changes."),
    kw("fifo_write_vrrp_states_on_reload").doc(
        "Writes the current state of every VRRP instance and sync group to the notify FIFOs after a reload. By \
         default nothing is written on reload.",
    ),
    kw("lvs_notify_fifo").opt_args(1, &[Path, User]).doc(
        "A FIFO that receives a line for every virtual and real server up/down change, optionally owned by the \
         given user and group. Must differ from notify_fifo.",
    ),
    kw("lvs_notify_fifo_script").opt_args(1, &[Script, User]).doc(
        "A command keepalived starts to read lvs_notify_fifo, optionally as the given user and group; the FIFO \
         path is appended as its last argument.",
    ),
    kw("checker_priority")
        .args(&[NICE])
        .doc("Nice value (-20 to 19) of the health-checker child process; negative values get more CPU."),
    kw("checker_no_swap").doc("Locks the health-checker child process in memory so it is never swapped out."),
    kw("checker_rt_priority").args(&[RT_PRIO]).doc(
        "Runs the health-checker child process under real-time round-robin scheduling at this priority (1 to \
         99). Out-of-range values are clamped.",
    ),
    kw("checker_cpu_affinity").args(&[U32]).variadic().doc(
        "Pins the health-checker child process to the listed CPU numbers. Each must be an existing CPU; a bad one \
         empties the set.",
    ),
    kw("checker_rlimit_rttime").args(&[RTTIME]).default("10000").doc(
        "CPU time, in microseconds, the health-checker child may use without blocking while on real-time \
         scheduling (RLIMIT_RTTIME). 1 is raised to 2.",
    ),
    kw("checker_rlimit_rtime")
        .args(&[RTTIME])
        .deprecated("checker_rlimit_rttime")
        .doc("Old misspelling of checker_rlimit_rttime, still accepted. Write checker_rlimit_rttime instead."),
    kw("bfd_priority")
        .args(&[NICE])
        .doc("Nice value (-20 to 19) of the BFD child process; negative values get more CPU."),
    kw("bfd_no_swap").doc("Locks the BFD child process in memory so it is never swapped out and cannot miss packets."),
    kw("bfd_rt_priority").args(&[RT_PRIO]).doc(
        "Runs the BFD child process under real-time round-robin scheduling at this priority (1 to 99). \
         Out-of-range values are clamped.",
    ),
    kw("bfd_cpu_affinity").args(&[U32]).variadic().doc(
        "Pins the BFD child process to the listed CPU numbers. Each must be an existing CPU; a bad one empties the \
         set.",
    ),
    kw("bfd_rlimit_rttime").args(&[RTTIME]).default("10000").doc(
        "CPU time, in microseconds, the BFD child may use without blocking while on real-time scheduling \
         (RLIMIT_RTTIME). 1 is raised to 2.",
    ),
    kw("bfd_rlimit_rtime")
        .args(&[RTTIME])
        .deprecated("bfd_rlimit_rttime")
        .doc("Old misspelling of bfd_rlimit_rttime, still accepted. Write bfd_rlimit_rttime instead."),
    kw("snmp_socket")
        .args(&[Word])
        .default("unix:/var/agentx/master")
        .once(Once::KeepsFirst)
        .doc("Where to reach the SNMP master agent (AgentX), e.g. udp:1.2.3.4:705. May be given only once."),
    kw("enable_traps").doc("Sends SNMP traps to the master agent when VRRP instances or checked servers change state."),
    kw("enable_snmp_vrrp").doc("Serves the VRRP part of the KEEPALIVED-MIB through the SNMP master agent."),
    kw("enable_snmp_keepalived")
        .deprecated("enable_snmp_vrrp")
        .doc("Old name of enable_snmp_vrrp, accepted silently. Write enable_snmp_vrrp instead."),
    kw("enable_snmp_rfc")
        .doc("Serves both standard VRRP MIBs (RFC 2787 for v2 and RFC 6527 for v3) through the SNMP master agent."),
    kw("enable_snmp_rfcv2").doc("Serves the standard VRRPv2 MIB (RFC 2787) through the SNMP master agent."),
    kw("enable_snmp_rfcv3").doc("Serves the standard VRRPv3 MIB (RFC 6527) through the SNMP master agent."),
    kw("enable_snmp_checker")
        .doc("Serves the checker (virtual and real server) part of the KEEPALIVED-MIB through the SNMP master agent."),
    kw("snmp_vs_stats_update_interval")
        .args(&[SNMP_STATS_INTERVAL])
        .default("5")
        .since(2, 3)
        .doc(
            "How long, in seconds (0.001 to 30), IPVS virtual server statistics fetched for SNMP are reused before \
         being read from the kernel again.",
        ),
    kw("snmp_rs_stats_update_interval")
        .args(&[SNMP_STATS_INTERVAL])
        .since(2, 3)
        .doc(
            "How long, in seconds (0.001 to 30), IPVS real server statistics fetched for SNMP are reused before being \
         read again. Defaults to snmp_vs_stats_update_interval.",
        ),
    kw("enable_dbus").doc(
        "Publishes VRRP instance state on the system D-Bus and accepts commands there. Needs the D-Bus policy \
         files installed.",
    ),
    kw("dbus_service_name")
        .args(&[Word])
        .default("org.keepalived.Vrrp1")
        .doc(
            "Bus name keepalived claims on D-Bus; give each keepalived process its own when several run with D-Bus \
         enabled.",
        ),
    kw("dbus_no_interface_name")
        .args(&[Word])
        .default("none")
        .since(2, 3)
        .doc(
            "Word used in D-Bus object paths in place of the interface name for VRRP instances that have no \
         interface. Only worth changing if a real interface is called none.",
        ),
    kw("script_user").args(&[User]).doc(
        "User, and optionally group, that scripts run as when they do not name one. When absent, keepalived uses \
         keepalived_script if that user exists and otherwise the user it runs as (usually root).",
    ),
    kw("enable_script_security").doc(
        "Refuses to run a script as root if any part of its path is writable by a non-root user. Recommended \
         whenever scripts run as root.",
    ),
    kw("vrrp_netlink_cmd_rcv_bufs").args(&[U32]).doc(
        "Receive buffer size, in bytes, of the VRRP process's netlink command socket. Raise it if the log shows \
         netlink receive buffer overruns on hosts with many interfaces.",
    ),
    kw("vrrp_netlink_cmd_rcv_bufs_force")
        .opt_args(0, OPT_BOOL)
        .doc("Lets vrrp_netlink_cmd_rcv_bufs exceed the system limit net.core.rmem_max."),
    kw("vrrp_netlink_monitor_rcv_bufs").args(&[U32]).doc(
        "Receive buffer size, in bytes, of the VRRP process's netlink monitoring socket. Raise it if the log shows \
         netlink receive buffer overruns.",
    ),
    kw("vrrp_netlink_monitor_rcv_bufs_force")
        .opt_args(0, OPT_BOOL)
        .doc("Lets vrrp_netlink_monitor_rcv_bufs exceed the system limit net.core.rmem_max."),
    kw("process_monitor_rcv_bufs").args(&[U32]).doc(
        "Receive buffer size, in bytes, of the socket used to watch process events for vrrp_track_process. Needs \
         raising when many tracked processes can exit at once.",
    ),
    kw("process_monitor_rcv_bufs_force")
        .opt_args(0, OPT_BOOL)
        .doc("Lets process_monitor_rcv_bufs exceed the system limit net.core.rmem_max."),
    kw("lvs_netlink_cmd_rcv_bufs")
        .args(&[U32])
        .doc("Receive buffer size, in bytes, of the health-checker process's netlink command socket."),
    kw("lvs_netlink_cmd_rcv_bufs_force")
        .opt_args(0, OPT_BOOL)
        .doc("Lets lvs_netlink_cmd_rcv_bufs exceed the system limit net.core.rmem_max."),
    kw("lvs_netlink_monitor_rcv_bufs")
        .args(&[U32])
        .doc("Receive buffer size, in bytes, of the health-checker process's netlink monitoring socket."),
    kw("lvs_netlink_monitor_rcv_bufs_force")
        .opt_args(0, OPT_BOOL)
        .doc("Lets lvs_netlink_monitor_rcv_bufs exceed the system limit net.core.rmem_max."),
    kw("rs_init_notifies")
        .opt_args(0, OPT_BOOL)
        .doc("Sends notifications at start-up for the initial state of each real server, not only for later changes."),
    kw("no_checker_emails").opt_args(0, OPT_BOOL).doc(
        "Stops e-mails on every real server checker state change; mail is then sent only when a real server is \
         added to or removed from its virtual server.",
    ),
    kw("vrrp_rx_bufs_policy").args(&[Custom]).variadic().doc(
        "How big to make the receive buffers of VRRP sockets: MTU or ADVERT (interface MTU or advert size times \
         vrrp_rx_bufs_multiplier, per instance on the socket), or a size in bytes. Case-insensitive; by default \
         the system size is kept.",
    ),
    kw("vrrp_rx_bufs_multiplier")
        .args(&[Uint {
            min: 1,
            max: u32::MAX as u64,
        }])
        .default("3")
        .doc("Multiplier used by vrrp_rx_bufs_policy MTU or ADVERT when sizing VRRP receive buffers."),
    kw("vrrp_startup_delay").args(&[STARTUP_DELAY]).doc(
        "Seconds (at least 0.001) that VRRP instances wait after keepalived starts before running, for hosts \
         whose bonded or bridged interfaces pass traffic only after a pause at boot.",
    ),
    kw("vrrp_delay_after_boot").args(&[STARTUP_DELAY]).since(2, 4).doc(
        "Like vrrp_startup_delay but measured from system boot: VRRP instances do not start until the machine \
         has been up this many seconds. When both are set, whichever ends later wins.",
    ),
    kw("log_unknown_vrids")
        .doc("Logs adverts received for virtual router IDs that no instance on that interface uses."),
    kw("vrrp_owner_ignore_adverts").opt_args(0, OPT_BOOL).since(2, 3).doc(
        "Default for owner_ignore_adverts: an address owner (priority 255) drops every advert it receives, as the \
         RFCs say. Off by default, because two owners of one VRID would then both stay master.",
    ),
    kw("vmac_prefix")
        .args(&[Word])
        .default("vrrp")
        .doc("Prefix of the names keepalived gives the VMAC interfaces it creates. May be given only once."),
    kw("vmac_addr_prefix").args(&[Word]).doc(
        "Prefix of the names of VMAC interfaces created for VIPs on other interfaces than the instance's own. \
         Defaults to vmac_prefix.",
    ),
    kw("umask").args(&[Custom]).variadic().doc(
        "File creation mask for files keepalived writes: a number (decimal, 0octal or 0xhex, at most 0777) or \
         flags such as IWGRP|IWOTH joined by '|'. Ignored if the -u command-line option is used.",
    ),
    kw("random_seed").args(&[U32]).doc(
        "Fixed seed for ${_RANDOM} in the configuration, so that generated values repeat from run to run. By \
         default the seed comes from the clock.",
    ),
    kw("reload_check_config").opt_args(0, &[Path]).doc(
        "Checks a changed configuration before reloading and reloads only if it is valid, logging the check to \
         the given file (/dev/null when omitted). Avoids a reload loop on a broken file.",
    ),
    kw("reload_time_file").args(&[Path]).doc(
        "A file watched for a scheduled reload time: its first line holds HH:MM:SS or a date and time, with an \
         optional Z for UTC. Lets several machines reload at the same moment. The file is deleted after the \
         reload unless reload_repeat is set.",
    ),
    kw("reload_repeat").doc(
        "Keeps the reload_time_file after a scheduled reload, so a time without a date repeats the reload every \
         day.",
    ),
    kw("reload_file").opt_args(0, &[Path]).doc(
        "A file keepalived creates (or empties) while it reads its configuration and removes when done, so \
         update tools can wait for a reload to finish. Defaults to keepalived.reload in the pid directory.",
    ),
    kw("include_check").opt_args(0, &[Custom]).variadic().doc(
        "Turns a problem with an include into an error: readable, match, wildcard_match, brace_match, each \
         optionally prefixed with + or - to add or remove it; no option means all. Best set at the top of the \
         main file.",
    ),
    kw("config_save_dir").args(&[Path]).doc(
        "Directory where keepalived saves its configuration and state before and after each reload, for \
         debugging. Created if missing, but its parent must exist.",
    ),
    kw("tmp_config_directory").args(&[Path]).once(Once::KeepsFirst).doc(
        "Directory on whose filesystem the shared copy of the configuration is kept instead of memory, for very \
         large configurations. Cannot change on reload; set it early in the file.",
    ),
    kw("data_use_instance").opt_args(0, OPT_BOOL).doc(
        "Puts the instance name and network namespace into the names of the debug dump files, so several \
         keepalived processes on one host do not overwrite each other's.",
    ),
    kw("json_version")
        .args(&[Uint { min: 1, max: 2 }])
        .default("1")
        .since_patch(2, 2, 8)
        .doc(
            "Layout of the JSON state dump: 1 is a plain list of VRRP instances, 2 puts them in a named array and \
         adds tracked processes.",
        ),
    kw("iproute_usr_dir").args(&[Path]).since(2, 3).doc(
        "Directory holding the distribution's iproute2 name tables (rt_tables, rt_protos and so on), for systems \
         that keep them somewhere unusual.",
    ),
    kw("iproute_etc_dir").args(&[Path]).since(2, 3).doc(
        "Directory holding the administrator's iproute2 name tables (normally /etc/iproute2), read in preference \
         to iproute_usr_dir.",
    ),
    kw("state_dump_file").args(&[Path]).since(2, 3).doc(
        "Path of the file keepalived writes its data dump to when asked (the DATA signal) instead of the default \
         in the temporary directory.",
    ),
    kw("stats_dump_file").args(&[Path]).since(2, 3).doc(
        "Path of the file keepalived writes its statistics dump to when asked (the STATS signal) instead of the \
         default in the temporary directory.",
    ),
    kw("json_dump_file").args(&[Path]).since(2, 3).doc(
        "Path of the file keepalived writes its JSON state dump to when asked (the JSON signal) instead of the \
         default in the temporary directory.",
    ),
];

/// `track_group NAME { group { ... } }`.
pub(crate) static TRACK_GROUP: &[Keyword] = &[kw("group").values(ValueKind::Names(VrrpInstance)).doc(
    "Block listing the VRRP instances, one name per line, that go to FAULT when a static address, route or rule \
     naming this track group is lost.",
)];

/// `garp_group { ... }` (no name).
pub(crate) static GARP_GROUP: &[Keyword] = &[
    kw("garp_interval").args(&[GARP_INTERVAL]).doc(
        "Pause, in seconds with microsecond resolution, between gratuitous ARP messages on the interfaces of this \
         group. A value of a second or more is logged as suspicious.",
    ),
    kw("gna_interval").args(&[GARP_INTERVAL]).doc(
        "Pause, in seconds with microsecond resolution, between unsolicited IPv6 neighbour adverts on the \
         interfaces of this group. A value of a second or more is logged as suspicious.",
    ),
    kw("interface").args(&[Iface]).doc(
        "The one physical interface the group's limits apply to. Use either interface or interfaces in a group, \
         not both.",
    ),
    kw("interfaces").values(ValueKind::Ifaces).doc(
        "Block of interfaces, one per line, that share the group's limits, e.g. all ports cabled to one switch. An \
         interface may belong to only one garp_group.",
    ),
];
