//! The plan: the versioned JSON contract between the compiler (`keepalived-check compile`)
//! and the runtime (`vigild`).
//!
//! A plan is fully resolved: no includes, definitions, conditionals or defaults are left,
//! durations are whole milliseconds (`*_ms`), addresses are parsed and printed in their
//! canonical form, and every object carries the file and line it was written at
//! ([`Origin`]). Lists keep the order of the configuration, so the same configuration always
//! gives the same bytes ([`to_json`]).
//!
//! The JSON Schema in `plan/plan.schema.json` is generated from these types
//! ([`json_schema`]); a test keeps the checked-in copy equal to the generated one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The plan format version. Bump it on any change a runtime of the previous version would
/// misread.
pub const PLAN_VERSION: u32 = 1;

/// The top-level plan document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Always [`PLAN_VERSION`] for plans this crate writes.
    pub plan_version: u32,
    /// The configuration the plan was compiled from.
    pub source: Source,
    pub global: Global,
    /// `static_ipaddress`: addresses installed at start-up whatever the VRRP state.
    pub static_addresses: Vec<Address>,
    /// `static_routes`.
    pub static_routes: Vec<Route>,
    /// `static_rules`.
    pub static_rules: Vec<Rule>,
    /// `vrrp_script` blocks that some instance or sync group tracks (keepalived never runs
    /// the others).
    pub vrrp_scripts: Vec<VrrpScript>,
    /// `track_file` blocks.
    pub track_files: Vec<TrackFile>,
    /// `vrrp_track_process` blocks.
    pub track_processes: Vec<TrackProcess>,
    /// `bfd_instance` blocks.
    pub bfd_instances: Vec<BfdInstance>,
    pub vrrp_instances: Vec<VrrpInstance>,
    pub sync_groups: Vec<SyncGroup>,
    /// `virtual_server_group` blocks that a virtual server uses.
    pub virtual_server_groups: Vec<VirtualServerGroup>,
    pub virtual_servers: Vec<VirtualServer>,
}

impl Plan {
    /// An empty plan of the current version.
    pub fn empty(source: Source) -> Plan {
        Plan {
            plan_version: PLAN_VERSION,
            source,
            global: Global::default(),
            static_addresses: Vec::new(),
            static_routes: Vec::new(),
            static_rules: Vec::new(),
            vrrp_scripts: Vec::new(),
            track_files: Vec::new(),
            track_processes: Vec::new(),
            bfd_instances: Vec::new(),
            vrrp_instances: Vec::new(),
            sync_groups: Vec::new(),
            virtual_server_groups: Vec::new(),
            virtual_servers: Vec::new(),
        }
    }
}

/// Where the plan came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The top-level configuration file, as it was named to the compiler.
    pub file: String,
    /// The `--config-id` that selected `@ID` lines, if any.
    pub config_id: Option<String>,
}

/// The file and line an object was written at (1-based line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub file: String,
    pub line: u32,
}

/// A command the runtime executes (notify scripts, tracking scripts, checkers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// The program and its arguments, split the way keepalived splits the command line
    /// (white space, with single and double quotes and backslash escapes).
    pub argv: Vec<String>,
    /// The user to run it as: the one written with the command, else the global
    /// `script_user`; `None` means keepalived's own choice (`keepalived_script` if that user
    /// exists, else root).
    pub user: Option<String>,
    /// The group, when one was written.
    pub group: Option<String>,
}

/// The global settings (`global_defs`) a runtime acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Global {
    pub router_id: Option<String>,
    /// `script_user` (user, group).
    pub script_user: Option<String>,
    pub script_group: Option<String>,
    pub enable_script_security: bool,
    /// The default VRRP version of instances that do not say (2 or 3).
    pub vrrp_version: u8,
    pub vrrp_strict: bool,
    pub vrrp_mcast_group4: Ipv4Addr,
    pub vrrp_mcast_group6: Ipv6Addr,
    pub vrrp_check_unicast_src: bool,
    pub vrrp_skip_check_adv_addr: bool,
    pub vrrp_garp_interval_ms: u64,
    pub vrrp_gna_interval_ms: u64,
    pub vrrp_startup_delay_ms: u64,
    /// FIFO receiving one line per state change of VRRP objects and virtual servers.
    pub notify_fifo: Option<Fifo>,
    pub vrrp_notify_fifo: Option<Fifo>,
    pub lvs_notify_fifo: Option<Fifo>,
    /// `lvs_timeouts`: IPVS connection timeouts; `None` leaves the kernel's value.
    pub lvs_timeout_tcp_ms: Option<u64>,
    pub lvs_timeout_tcpfin_ms: Option<u64>,
    pub lvs_timeout_udp_ms: Option<u64>,
    /// `dynamic_interfaces`: tolerate interfaces that do not exist yet.
    pub dynamic_interfaces: bool,
    /// The first `global_defs` block; `None` when there is none (all defaults).
    pub origin: Option<Origin>,
}

impl Default for Global {
    fn default() -> Self {
        Global {
            router_id: None,
            script_user: None,
            script_group: None,
            enable_script_security: false,
            vrrp_version: 2,
            vrrp_strict: false,
            vrrp_mcast_group4: Ipv4Addr::new(224, 0, 0, 18),
            vrrp_mcast_group6: Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x12),
            vrrp_check_unicast_src: false,
            vrrp_skip_check_adv_addr: false,
            vrrp_garp_interval_ms: 0,
            vrrp_gna_interval_ms: 0,
            vrrp_startup_delay_ms: 0,
            notify_fifo: None,
            vrrp_notify_fifo: None,
            lvs_notify_fifo: None,
            lvs_timeout_tcp_ms: None,
            lvs_timeout_tcpfin_ms: None,
            lvs_timeout_udp_ms: None,
            dynamic_interfaces: false,
            origin: None,
        }
    }
}

/// A notification FIFO and the script that reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fifo {
    pub path: String,
    pub script: Option<Command>,
}

/// An IP address with a prefix length; `prefix_len` is 0 with `any` for "default".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prefix {
    /// `None` for `default`/`any`/`all`.
    pub address: Option<IpAddr>,
    pub prefix_len: u8,
}

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

/// A number, or a name the runtime resolves in the host's iproute2 tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NameOrNumber {
    Number(u64),
    Name(String),
}

/// `brd` of an address line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Broadcast {
    Address(Ipv4Addr),
    /// `brd +`: the prefix's host bits set.
    HostBitsSet,
    /// `brd -`: the prefix's host bits cleared.
    HostBitsClear,
}

/// One address line (virtual, excluded or static).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub address: IpAddr,
    pub prefix_len: u8,
    /// The interface; `None` means the instance's interface.
    pub dev: Option<String>,
    pub scope: Option<u8>,
    pub broadcast: Option<Broadcast>,
    pub label: Option<String>,
    pub peer: Option<IpAddr>,
    pub home: bool,
    pub nodad: bool,
    pub mngtmpaddr: bool,
    pub noprefixroute: bool,
    pub autojoin: bool,
    /// The instance does not go to FAULT when this address is removed behind its back.
    pub no_track: bool,
    /// `preferred_lft` in seconds; `None` for forever or unset.
    pub preferred_lft_secs: Option<u32>,
    pub track_group: Option<String>,
    /// The address goes on the instance's VMAC interface.
    pub use_vmac: bool,
    pub origin: Origin,
}

/// One nexthop of a multipath route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nexthop {
    pub via: Option<IpAddr>,
    pub dev: Option<String>,
    pub weight: Option<u16>,
    pub onlink: bool,
}

/// One route line (virtual or static), as `ip route add` would take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub family: Family,
    /// `unicast` unless written (`blackhole`, `unreachable`, `prohibit`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    pub dst: Prefix,
    pub src: Option<IpAddr>,
    pub via: Option<IpAddr>,
    pub from: Option<Prefix>,
    pub dev: Option<String>,
    pub table: Option<NameOrNumber>,
    pub protocol: Option<NameOrNumber>,
    pub tos: Option<NameOrNumber>,
    pub scope: Option<u8>,
    pub metric: Option<u32>,
    pub pref: Option<u8>,
    pub onlink: bool,
    pub expires_secs: Option<u32>,
    /// Route metrics (`mtu 1400`, `lock mtu 1400`, `rtt 10ms`), as `ip route` words.
    pub metrics: Vec<String>,
    /// `encap TYPE ...` words.
    pub encap: Vec<String>,
    pub nexthops: Vec<Nexthop>,
    pub vrf: Option<String>,
    pub no_track: bool,
    pub track_group: Option<String>,
    /// `add` (default), `append` or `prepend`.
    pub mode: String,
    pub origin: Origin,
}

/// One rule line (virtual or static), as `ip rule add` would take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub family: Family,
    /// `table`, `goto`, `nop`, `blackhole`, `unreachable`, `prohibit` or `l3mdev`.
    pub action: String,
    /// The table (`table`) or target preference (`goto`).
    pub target: Option<NameOrNumber>,
    pub invert: bool,
    pub from: Option<Prefix>,
    pub to: Option<Prefix>,
    /// `None`: the runtime picks one, as keepalived does.
    pub preference: Option<u32>,
    pub tos: Option<NameOrNumber>,
    pub fwmark: Option<u32>,
    pub fwmask: Option<u32>,
    pub iif: Option<String>,
    pub oif: Option<String>,
    pub suppress_prefixlength: Option<u32>,
    pub uid_range: Option<(u32, u32)>,
    pub ipproto: Option<NameOrNumber>,
    pub sport: Option<(u16, u16)>,
    pub dport: Option<(u16, u16)>,
    pub no_track: bool,
    pub track_group: Option<String>,
    pub origin: Origin,
}

/// `vrrp_script NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VrrpScript {
    pub name: String,
    pub command: Command,
    pub interval_ms: u64,
    pub timeout_ms: u64,
    /// Default weight of tracking lines that give none.
    pub weight: i32,
    pub weight_reverse: bool,
    pub rise: u32,
    pub fall: u32,
    /// Start in the failed state.
    pub init_fail: bool,
    pub origin: Origin,
}

/// `track_file NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackFile {
    pub name: String,
    pub file: String,
    pub weight: i32,
    pub weight_reverse: bool,
    /// `init_file [VALUE] [overwrite]`: create the file with this value at start.
    pub init_value: Option<i64>,
    pub init_overwrite: bool,
    pub origin: Origin,
}

/// `vrrp_track_process NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackProcess {
    pub name: String,
    /// The process name, then the parameters to match.
    pub process: Vec<String>,
    /// `initial`, `partial` or `exact` (the default when parameters are given).
    pub param_match: Option<String>,
    pub full_command: bool,
    pub weight: i32,
    pub weight_reverse: bool,
    pub quorum: u32,
    pub quorum_max: Option<u32>,
    pub delay_ms: u64,
    pub terminate_delay_ms: u64,
    pub fork_delay_ms: u64,
    pub origin: Origin,
}

/// `bfd_instance NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BfdInstance {
    pub name: String,
    pub neighbor_ip: Option<IpAddr>,
    pub source_ip: Option<IpAddr>,
    pub min_rx_ms: u64,
    pub min_tx_ms: u64,
    pub idle_tx_ms: u64,
    pub multiplier: u32,
    pub passive: bool,
    pub multihop: bool,
    pub ttl: Option<u8>,
    pub max_hops: Option<u8>,
    pub weight: i32,
    pub weight_reverse: bool,
    /// Which processes follow the session: `vrrp`, `checker` (empty = both).
    pub used_by: Vec<String>,
    pub origin: Origin,
}

/// A tracked interface of an instance or sync group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackInterface {
    pub interface: String,
    /// 0: going down puts the instance in FAULT; otherwise the priority change.
    pub weight: i32,
    pub reverse: bool,
    pub origin: Origin,
}

/// A reference to a tracker (script, file, process, BFD session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackRef {
    pub name: String,
    /// The weight to apply: the tracking line's, else the tracker's own default.
    pub weight: i32,
    pub reverse: bool,
    pub origin: Origin,
}

/// What an instance or sync group tracks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracking {
    pub interfaces: Vec<TrackInterface>,
    pub scripts: Vec<TrackRef>,
    pub files: Vec<TrackRef>,
    pub processes: Vec<TrackRef>,
    pub bfds: Vec<TrackRef>,
}

/// Notify commands of an instance or sync group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    pub master: Option<Command>,
    pub backup: Option<Command>,
    pub fault: Option<Command>,
    pub stop: Option<Command>,
    pub deleted: Option<Command>,
    /// `notify`: run on every change with TYPE NAME STATE PRIORITY appended.
    pub any: Option<Command>,
    pub master_rx_lower_pri: Option<Command>,
    /// Also report priority changes on the notify FIFO.
    pub priority_changes: bool,
}

/// The initial state an instance is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Master,
    Backup,
}

/// VRRPv2 authentication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authentication {
    /// `PASS` or `AH`.
    #[serde(rename = "type")]
    pub kind: String,
    /// At most 8 bytes: keepalived uses only the first eight.
    pub password: String,
}

/// A unicast peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Peer {
    pub address: IpAddr,
    pub min_ttl: Option<u8>,
    pub max_ttl: Option<u8>,
    pub origin: Origin,
}

/// `use_vmac` / `use_ipvlan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vmac {
    /// `macvlan` or `ipvlan`.
    pub kind: String,
    /// The interface name (`vrrp.VRID` for IPv4 and `vrrp6.VRID` for IPv6 unless written).
    pub name: String,
    /// The MAC address when written (the VRRP virtual MAC otherwise).
    pub mac: Option<String>,
    /// Adverts go out on the parent interface.
    pub xmit_base: bool,
}

/// Gratuitous ARP / unsolicited NA timing of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Garp {
    pub master_delay_ms: u64,
    pub master_repeat: u32,
    /// 0: no periodic refresh.
    pub master_refresh_ms: u64,
    pub master_refresh_repeat: u32,
    /// After a lower-priority advert while MASTER: the delay before, and the size of, a new
    /// burst (0: none).
    pub lower_prio_delay_ms: u64,
    pub lower_prio_repeat: u32,
}

/// `vrrp_instance NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VrrpInstance {
    pub name: String,
    pub interface: Option<String>,
    pub virtual_router_id: u8,
    /// 2 or 3.
    pub version: u8,
    pub family: Family,
    pub initial_state: State,
    /// 1 to 255; 255 is the address owner.
    pub priority: u8,
    pub advert_int_ms: u64,
    pub preempt: bool,
    pub preempt_delay_ms: u64,
    /// Accept packets to the virtual addresses when master and not owner.
    pub accept: bool,
    pub authentication: Option<Authentication>,
    /// The multicast group adverts go to (unused in unicast mode).
    pub mcast_dst_ip: IpAddr,
    /// The advert source; `None` = the interface's primary address.
    pub src_ip: Option<IpAddr>,
    /// Non-empty: unicast mode.
    pub unicast_peers: Vec<Peer>,
    pub unicast_ttl: u8,
    pub unicast_fault_no_peer: bool,
    pub check_unicast_src: bool,
    pub virtual_addresses: Vec<Address>,
    pub excluded_addresses: Vec<Address>,
    pub virtual_routes: Vec<Route>,
    pub virtual_rules: Vec<Rule>,
    pub track: Tracking,
    pub dont_track_primary: bool,
    pub notify: Notify,
    pub garp: Garp,
    pub vmac: Option<Vmac>,
    pub down_timer_adverts: u32,
    pub lower_prio_no_advert: bool,
    pub higher_prio_send_advert: bool,
    pub skip_check_adv_addr: bool,
    /// VRRPv3 IPv4 checksum without the pseudo-header (RFC 9568 behaviour).
    pub v3_checksum_as_v2: bool,
    pub strict: bool,
    /// The sync group the instance belongs to.
    pub sync_group: Option<String>,
    pub origin: Origin,
}

/// `vrrp_sync_group NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncGroup {
    pub name: String,
    pub members: Vec<String>,
    pub track: Tracking,
    pub notify: Notify,
    /// Members keep their own tracker weights.
    pub tracking_weight: bool,
    pub origin: Origin,
}

/// One entry of a virtual_server_group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VsgEntry {
    /// First address of the range (or the address).
    pub address: Option<IpAddr>,
    /// Last address of a range `A-B`.
    pub address_end: Option<IpAddr>,
    pub port: Option<u16>,
    pub fwmark: Option<u32>,
    pub origin: Origin,
}

/// `virtual_server_group NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VirtualServerGroup {
    pub name: String,
    pub entries: Vec<VsgEntry>,
    pub origin: Origin,
}

/// What a virtual server listens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ServiceKey {
    Address { address: IpAddr, port: u16 },
    Fwmark { fwmark: u32, family: Family },
    Group { name: String },
}

/// IPVS forwarding method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Forwarding {
    Nat,
    Dr,
    Tun,
}

/// A health checker of a real server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Checker {
    /// `TCP_CHECK`, `HTTP_GET`, `SSL_GET`, `SMTP_CHECK`, `DNS_CHECK`, `MISC_CHECK`,
    /// `PING_CHECK`, `UDP_CHECK`, `FILE_CHECK` or `BFD_CHECK`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where the probe goes; `None` = the real server's address / port.
    pub connect_ip: Option<IpAddr>,
    pub connect_port: Option<u16>,
    pub bindto: Option<IpAddr>,
    pub bind_port: Option<u16>,
    pub bind_if: Option<String>,
    pub fwmark: Option<u32>,
    pub connect_timeout_ms: u64,
    pub retry: u32,
    pub delay_before_retry_ms: u64,
    /// Period between checks (the checker's own `delay_loop`, else the virtual server's).
    pub delay_loop_ms: u64,
    /// `None`: a random delay up to delay_loop before the first check.
    pub warmup_ms: Option<u64>,
    pub alpha: bool,
    pub log_all_failures: bool,
    /// HTTP_GET / SSL_GET.
    pub http: Option<HttpCheck>,
    /// MISC_CHECK.
    pub misc: Option<MiscCheck>,
    /// DNS_CHECK.
    pub dns: Option<DnsCheck>,
    /// SMTP_CHECK `helo_name`.
    pub helo_name: Option<String>,
    /// UDP_CHECK.
    pub udp: Option<UdpCheck>,
    /// FILE_CHECK: the track_file and weight.
    pub track_file: Option<TrackRef>,
    /// BFD_CHECK: the bfd_instance name.
    pub bfd: Option<String>,
    pub origin: Origin,
}

/// One URL of an HTTP_GET / SSL_GET checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Url {
    pub path: String,
    /// MD5 of the body, lower-case hex.
    pub digest: Option<String>,
    /// Accepted status codes as inclusive ranges.
    pub status_codes: Vec<(u16, u16)>,
    pub virtualhost: Option<String>,
    pub regex: Option<String>,
    pub regex_no_match: bool,
    pub origin: Origin,
}

/// HTTP_GET / SSL_GET settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpCheck {
    pub tls: bool,
    pub urls: Vec<Url>,
    pub virtualhost: Option<String>,
    /// `1.0`, `1.0C` or `1.1`.
    pub http_protocol: String,
    pub fast_recovery: bool,
    pub enable_sni: bool,
    pub sni_name: Option<String>,
}

/// MISC_CHECK settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MiscCheck {
    pub command: Command,
    /// `None`: the delay loop.
    pub timeout_ms: Option<u64>,
    /// Exit codes 2 to 255 set the weight to code - 2.
    pub dynamic: bool,
}

/// DNS_CHECK settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DnsCheck {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
}

/// UDP_CHECK settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UdpCheck {
    /// Hex bytes to send; `None` = random data.
    pub payload: Option<String>,
    pub require_reply: bool,
    /// Hex pattern (X = any nibble) a reply must match.
    pub reply_pattern: Option<String>,
    pub min_reply_length: u32,
    pub max_reply_length: u32,
}

/// A real (or sorry) server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealServer {
    pub address: IpAddr,
    /// The port IPVS uses (the virtual server's when not written or not NAT).
    pub port: u16,
    pub weight: u32,
    pub forwarding: Forwarding,
    pub inhibit_on_failure: bool,
    pub upper_threshold: Option<u32>,
    pub lower_threshold: Option<u32>,
    pub notify_up: Option<Command>,
    pub notify_down: Option<Command>,
    pub checkers: Vec<Checker>,
    pub origin: Origin,
}

/// `virtual_server ... { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VirtualServer {
    pub key: ServiceKey,
    /// `TCP`, `UDP` or `SCTP`; `None` for fwmark services.
    pub protocol: Option<String>,
    /// IPVS scheduler name (`wlc` unless written).
    pub scheduler: String,
    /// Scheduler flags (`flag-1`.. or their names), as written.
    pub scheduler_flags: Vec<String>,
    pub forwarding: Forwarding,
    /// `None`: not persistent.
    pub persistence_timeout_secs: Option<u32>,
    pub persistence_granularity: Option<String>,
    pub one_packet: bool,
    pub delay_loop_ms: u64,
    pub ha_suspend: bool,
    pub alpha: bool,
    pub omega: bool,
    pub quorum: u32,
    pub hysteresis: u32,
    pub quorum_up: Option<Command>,
    pub quorum_down: Option<Command>,
    pub inhibit_on_failure: bool,
    pub sorry_server: Option<RealServer>,
    pub real_servers: Vec<RealServer>,
    pub origin: Origin,
}

/// The plan as JSON: pretty, in declaration order, ending in a newline. The same plan always
/// gives the same bytes.
pub fn to_json(plan: &Plan) -> String {
    let mut out = Vec::new();
    write_json(plan, &mut out).expect("a plan always serialises");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// [`to_json`], written to `w` as it is produced (no copy of the whole text in memory).
pub fn write_json(plan: &Plan, mut w: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut w, plan)?;
    w.write_all(b"\n")
}

/// Why a plan could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Not JSON, or not a plan of this shape.
    Invalid(serde_json::Error),
    /// A plan of another version.
    Version { found: u64 },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Invalid(e) => write!(f, "not a valid plan: {e}"),
            LoadError::Version { found } => write!(
                f,
                "plan_version {found} is not supported (this build reads version {PLAN_VERSION})"
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads a plan, checking its version first so an old or new plan gets a clear message.
pub fn from_json(text: &str) -> Result<Plan, LoadError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(LoadError::Invalid)?;
    match v.get("plan_version").and_then(|v| v.as_u64()) {
        Some(n) if n == PLAN_VERSION as u64 => {}
        Some(n) => return Err(LoadError::Version { found: n }),
        None => {
            return Err(LoadError::Invalid(serde::de::Error::custom(
                "missing or non-numeric plan_version",
            )))
        }
    }
    serde_json::from_value(v).map_err(LoadError::Invalid)
}

/// The JSON Schema of a plan, generated from the types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Plan);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Source {
        Source {
            file: "keepalived.conf".into(),
            config_id: None,
        }
    }

    #[test]
    fn empty_plan_round_trips_with_version() {
        let plan = Plan::empty(source());
        let json = to_json(&plan);
        assert!(json.starts_with("{\n  \"plan_version\": 1,"), "{json}");
        assert_eq!(from_json(&json).unwrap(), plan);
    }

    #[test]
    fn other_versions_and_garbage_are_clear_errors() {
        let e = from_json(r#"{"plan_version": 2}"#).unwrap_err();
        assert!(e.to_string().contains("plan_version 2 is not supported"), "{e}");
        let e = from_json("{").unwrap_err();
        assert!(e.to_string().starts_with("not a valid plan"), "{e}");
        let e = from_json("{}").unwrap_err();
        assert!(e.to_string().contains("plan_version"), "{e}");
        let mut v = serde_json::to_value(Plan::empty(source())).unwrap();
        v["surprise"] = 1.into();
        let e = from_json(&v.to_string()).unwrap_err();
        assert!(e.to_string().contains("surprise"), "{e}");
    }

    #[test]
    fn checked_in_schema_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/plan.schema.json");
        let generated = json_schema();
        if std::env::var_os("VIGIL_UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == generated,
            "plan/plan.schema.json is out of date: run `VIGIL_UPDATE_SCHEMA=1 cargo test -p vigil-plan`"
        );
    }
}
