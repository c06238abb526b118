//! The plan: the versioned JSON contract between the compiler (`keepalived-check compile`)
//! and the runtime (`vigild`).
//!
//! A plan is fully resolved: no includes, definitions, conditionals or defaults are left,
//! durations are whole milliseconds (every duration field is named `*_ms`), addresses are
//! parsed and printed in their canonical form, every closed set of keywords (route types,
//! schedulers, checker kinds, ...) is an enum, and every object carries the file and line it
//! was written at ([`Origin`]). Lists keep the order of the configuration, so the same
//! configuration always gives the same bytes ([`to_json`]).
//!
//! Fields at their default value are left out of the JSON and read back as that default: an
//! absent option is `null`, an absent list is empty, an absent flag is `false`, an absent
//! number is 0 unless its documentation (and the schema's `default`) gives keepalived's own
//! default.
//!
//! [`from_json`] only parses; [`load`] parses and then checks what the types cannot
//! ([`Plan::validate`]: cross references, unique names, ranges, address families), which is
//! what a runtime should use.
//!
//! The JSON Schema in `plan/plan.schema.json` is generated from these types
//! ([`json_schema`]); a test keeps the checked-in copy equal to the generated one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[cfg(feature = "vrrp")]
pub mod core;
mod validate;

pub use validate::ValidationError;

/// The plan format version. Bump it on any change a runtime of the previous version would
/// misread.
pub const PLAN_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------------------
// Defaults of omitted fields

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn d_true() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn d_1_u32() -> u32 {
    1
}
fn is_1_u32(v: &u32) -> bool {
    *v == 1
}
fn d_3_u32() -> u32 {
    3
}
fn is_3_u32(v: &u32) -> bool {
    *v == 3
}
fn d_5_u32() -> u32 {
    5
}
fn is_5_u32(v: &u32) -> bool {
    *v == 5
}
fn d_255_u32() -> u32 {
    255
}
fn is_255_u32(v: &u32) -> bool {
    *v == 255
}
fn d_10_u64() -> u64 {
    10
}
fn is_10_u64(v: &u64) -> bool {
    *v == 10
}
fn d_1000_u64() -> u64 {
    1000
}
fn is_1000_u64(v: &u64) -> bool {
    *v == 1000
}
fn d_5000_u64() -> u64 {
    5000
}
fn is_5000_u64(v: &u64) -> bool {
    *v == 5000
}
fn d_status_codes() -> Vec<(u16, u16)> {
    vec![(200, 299)]
}
fn is_default_status_codes(v: &[(u16, u16)]) -> bool {
    v == [(200, 299)]
}

/// Closed sets of keywords: a unit enum serialised as the given spelling, with `as_str`,
/// `Display` and `FromStr` in that spelling.
macro_rules! keywords {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? } $(default $d:ident)?) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $var),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The spelling in the plan.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $s),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownKeyword;
            fn from_str(s: &str) -> Result<Self, UnknownKeyword> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownKeyword(s.to_string()))
            }
        }

        $(
            impl Default for $name {
                fn default() -> Self {
                    $name::$d
                }
            }
        )?
    };
}

/// A word that is not one of a keyword enum's spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKeyword(pub String);

impl std::fmt::Display for UnknownKeyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown keyword `{}`", self.0)
    }
}

impl std::error::Error for UnknownKeyword {}

// ---------------------------------------------------------------------------------------------
// The document

/// The top-level plan document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Always [`PLAN_VERSION`] for plans this crate writes.
    pub plan_version: u32,
    /// The configuration the plan was compiled from.
    pub source: Source,
    /// Omitted when every global setting is at its default.
    #[serde(default, skip_serializing_if = "is_default")]
    pub global: Global,
    /// `static_ipaddress`: addresses installed at start-up whatever the VRRP state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub static_addresses: Vec<Address>,
    /// `static_routes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub static_routes: Vec<Route>,
    /// `static_rules`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub static_rules: Vec<Rule>,
    /// `vrrp_script` blocks that some instance or sync group tracks (keepalived never runs
    /// the others).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vrrp_scripts: Vec<VrrpScript>,
    /// `track_file` blocks that some instance, sync group or FILE_CHECK tracks (keepalived
    /// forgets the others).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub track_files: Vec<TrackFile>,
    /// `vrrp_track_process` blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub track_processes: Vec<TrackProcess>,
    /// `bfd_instance` blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bfd_instances: Vec<BfdInstance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vrrp_instances: Vec<VrrpInstance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync_groups: Vec<SyncGroup>,
    /// `virtual_server_group` blocks that a virtual server uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub virtual_server_groups: Vec<VirtualServerGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// (white space, with single and double quotes and backslash escapes). Never empty.
    pub argv: Vec<String>,
    /// The user to run it as: the one written with the command, else the global
    /// `script_user`; `None` means keepalived's own choice (`keepalived_script` if that user
    /// exists, else root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The group, when one was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A VRRP protocol version: the JSON integers 2 (RFC 3768) and 3 (RFC 5798 / 9568).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VrrpVersion {
    #[default]
    V2,
    V3,
}

impl VrrpVersion {
    /// 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            VrrpVersion::V2 => 2,
            VrrpVersion::V3 => 3,
        }
    }

    /// The version of a number, if it is 2 or 3.
    pub fn from_number(n: u64) -> Option<VrrpVersion> {
        match n {
            2 => Some(VrrpVersion::V2),
            3 => Some(VrrpVersion::V3),
            _ => None,
        }
    }
}

impl std::fmt::Display for VrrpVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.number())
    }
}

impl Serialize for VrrpVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for VrrpVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        VrrpVersion::from_number(n)
            .ok_or_else(|| serde::de::Error::custom(format!("VRRP version {n}: expected 2 or 3")))
    }
}

impl JsonSchema for VrrpVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "VrrpVersion".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A VRRP protocol version: 2 (RFC 3768) or 3 (RFC 5798 / 9568).",
            "type": "integer",
            "enum": [2, 3]
        })
    }
}

/// The global settings (`global_defs`) a runtime acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Global {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router_id: Option<String>,
    /// `script_user` (user, group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_group: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub enable_script_security: bool,
    /// The default VRRP version of instances that do not say. Default 2.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 2))]
    pub vrrp_version: VrrpVersion,
    #[serde(default, skip_serializing_if = "is_false")]
    pub vrrp_strict: bool,
    /// Default 224.0.0.18.
    #[serde(default = "default_mcast4", skip_serializing_if = "is_default_mcast4")]
    #[schemars(extend("default" = "224.0.0.18"))]
    pub vrrp_mcast_group4: Ipv4Addr,
    /// Default ff02::12.
    #[serde(default = "default_mcast6", skip_serializing_if = "is_default_mcast6")]
    #[schemars(extend("default" = "ff02::12"))]
    pub vrrp_mcast_group6: Ipv6Addr,
    #[serde(default, skip_serializing_if = "is_false")]
    pub vrrp_check_unicast_src: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub vrrp_skip_check_adv_addr: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub vrrp_garp_interval_ms: u64,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub vrrp_gna_interval_ms: u64,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub vrrp_startup_delay_ms: u64,
    /// FIFO receiving one line per state change of VRRP objects and virtual servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_fifo: Option<Fifo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vrrp_notify_fifo: Option<Fifo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lvs_notify_fifo: Option<Fifo>,
    /// `lvs_timeouts`: IPVS connection timeouts; `None` leaves the kernel's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lvs_timeout_tcp_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lvs_timeout_tcpfin_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lvs_timeout_udp_ms: Option<u64>,
    /// `dynamic_interfaces`: tolerate interfaces that do not exist yet.
    #[serde(default, skip_serializing_if = "is_false")]
    pub dynamic_interfaces: bool,
    /// E-mail alerts: where they go and through which server; `None` without `smtp_server`
    /// (keepalived then sends none). Which objects alert is each object's `smtp_alert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<Smtp>,
    /// `no_email_faults`: no alert for a change to FAULT.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_email_faults: bool,
    /// `lvs_sync_daemon`: the IPVS connection-synchronisation daemon, run as master on the
    /// node where `instance` is MASTER and as backup elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lvs_sync_daemon: Option<LvsSyncDaemon>,
    /// `lvs_flush`: delete every IPVS virtual server at start-up, also ones keepalived did not
    /// create.
    #[serde(default, skip_serializing_if = "is_false")]
    pub lvs_flush: bool,
    /// `lvs_flush_on_stop`: what to delete from IPVS in one go at shutdown.
    #[serde(default, skip_serializing_if = "is_default")]
    pub lvs_flush_on_stop: FlushOnStop,
    /// The first `global_defs` block; `None` when there is none (all defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// E-mail alerts (`notification_email`, `notification_email_from`, `smtp_server`,
/// `smtp_helo_name`, `smtp_connect_timeout`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    /// The relay: an IP address or a host name.
    pub server: String,
    /// Default 25.
    #[serde(default = "default_smtp_port", skip_serializing_if = "is_25_u16")]
    #[schemars(extend("default" = 25))]
    pub port: u16,
    /// The HELO name; `None`: the host name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helo_name: Option<String>,
    /// Default 30000.
    #[serde(default = "default_smtp_timeout", skip_serializing_if = "is_30000_u64")]
    #[schemars(extend("default" = 30000))]
    pub connect_timeout_ms: u64,
    /// The sender; `None`: keepalived's own default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The recipients, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
}

fn default_smtp_port() -> u16 {
    25
}

fn is_25_u16(v: &u16) -> bool {
    *v == 25
}

fn default_smtp_timeout() -> u64 {
    30_000
}

fn is_30000_u64(v: &u64) -> bool {
    *v == 30_000
}

/// `lvs_sync_daemon IFNAME [INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LvsSyncDaemon {
    /// The interface the sync messages are sent and received on.
    pub interface: String,
    /// The vrrp_instance whose state decides master or backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The sync id (0-255); `None`: the VRID of `instance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_id: Option<u8>,
    /// The largest sync message; `None`: the kernel's choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u16>,
    /// The multicast port; `None`: the kernel's (8848).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The multicast TTL; `None`: the kernel's (1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u8>,
    /// The multicast group; `None`: the kernel's (224.0.0.81).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<IpAddr>,
}

/// What `lvs_flush_on_stop` deletes at shutdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlushOnStop {
    /// Nothing in one go: each virtual server is removed on its own (the default).
    #[default]
    None,
    /// The whole IPVS table.
    All,
    /// Only keepalived's virtual servers (their real servers go with them).
    Vs,
}

fn default_mcast4() -> Ipv4Addr {
    Ipv4Addr::new(224, 0, 0, 18)
}
fn is_default_mcast4(a: &Ipv4Addr) -> bool {
    *a == default_mcast4()
}
fn default_mcast6() -> Ipv6Addr {
    Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x12)
}
fn is_default_mcast6(a: &Ipv6Addr) -> bool {
    *a == default_mcast6()
}

impl Default for Global {
    fn default() -> Self {
        Global {
            router_id: None,
            script_user: None,
            script_group: None,
            enable_script_security: false,
            vrrp_version: VrrpVersion::V2,
            vrrp_strict: false,
            vrrp_mcast_group4: default_mcast4(),
            vrrp_mcast_group6: default_mcast6(),
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
            smtp: None,
            no_email_faults: false,
            lvs_sync_daemon: None,
            lvs_flush: false,
            lvs_flush_on_stop: FlushOnStop::None,
            origin: None,
        }
    }
}

/// A notification FIFO and the script that reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fifo {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Command>,
    /// The owner a FIFO keepalived creates is given (`notify_fifo PATH USER [GROUP]`); `None`:
    /// the default script user (`keepalived_script` if it exists, else root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// An IP address with a prefix length; `prefix_len` is 0 with `any` for "default".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prefix {
    /// `None` for `default`/`any`/`all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

impl Family {
    /// The family of an address.
    pub fn of(a: &IpAddr) -> Family {
        if a.is_ipv6() {
            Family::Ipv6
        } else {
            Family::Ipv4
        }
    }

    /// The longest prefix: 32 or 128.
    pub fn max_prefix_len(self) -> u8 {
        match self {
            Family::Ipv4 => 32,
            Family::Ipv6 => 128,
        }
    }
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
    /// The interface; `None` means the instance's interface (its macvlan VMAC, for an
    /// address of the instance's family, as keepalived does; also when the line names the
    /// instance's interface).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broadcast: Option<Broadcast>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub home: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nodad: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub mngtmpaddr: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub noprefixroute: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub autojoin: bool,
    /// The instance does not go to FAULT when this address is removed behind its back.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_track: bool,
    /// `preferred_lft` in milliseconds (written in whole seconds); `None` for forever. An IPv6
    /// host address (/128) without one gets 0 (deprecated), as keepalived gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_lft_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_group: Option<String>,
    /// The address goes on the instance's VMAC interface.
    #[serde(default, skip_serializing_if = "is_false")]
    pub use_vmac: bool,
    pub origin: Origin,
}

/// One nexthop of a multipath route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nexthop {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u16>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub onlink: bool,
}

keywords! {
    /// A route type (iproute2's `rtntype`), spelled as `ip route` does; `brd` is written
    /// `broadcast`.
    pub enum RouteKind {
        Unicast = "unicast",
        Local = "local",
        Broadcast = "broadcast",
        Anycast = "anycast",
        Multicast = "multicast",
        Blackhole = "blackhole",
        Unreachable = "unreachable",
        Prohibit = "prohibit",
        Throw = "throw",
        Nat = "nat",
        Xresolve = "xresolve",
    } default Unicast
}

keywords! {
    /// How a route is installed: `add` (`ip route add`: refused when the route exists),
    /// `append` or `prepend` (keepalived's default: no `NLM_F_EXCL`).
    pub enum RouteMode {
        Add = "add",
        Append = "append",
        Prepend = "prepend",
    } default Prepend
}

/// One route line (virtual or static), as `ip route add` would take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub family: Family,
    /// `unicast` unless written (`blackhole`, `unreachable`, `prohibit`, ...); omitted when
    /// `unicast`.
    #[serde(rename = "type", default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = "unicast"))]
    pub kind: RouteKind,
    pub dst: Prefix,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Prefix>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<NameOrNumber>,
    /// The route's protocol: 18 (`keepalived`) unless `no_track` is written, then as
    /// written (keepalived installs 18 when none is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<NameOrNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos: Option<NameOrNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pref: Option<u8>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub onlink: bool,
    /// `expires` in milliseconds (written in whole seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<u64>,
    /// Route metrics (`mtu 1400`, `lock mtu 1400`, `rtt 300ms`), as `ip route` words; the
    /// times (`rtt`, `rttvar`, `rto_min`) in milliseconds as keepalived installs them (held
    /// between 200 ms and 120 s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<String>,
    /// `encap TYPE ...` words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encap: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nexthops: Vec<Nexthop>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vrf: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_track: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_group: Option<String>,
    /// How keepalived 2.2.7 installs it: `prepend` unless written, `add` for a route with a
    /// type (`blackhole`, `unicast`, ...) unless a later `prepend`/`append` says otherwise;
    /// omitted when `prepend`.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = "prepend"))]
    pub mode: RouteMode,
    pub origin: Origin,
}

keywords! {
    /// What a rule does, spelled as `ip rule` does.
    pub enum RuleAction {
        /// Look the packet up in the table of `target`.
        Table = "table",
        /// Go on at the rule whose preference is `target`.
        Goto = "goto",
        Nop = "nop",
        Blackhole = "blackhole",
        Unreachable = "unreachable",
        Prohibit = "prohibit",
        L3mdev = "l3mdev",
    }
}

/// One rule line (virtual or static), as `ip rule add` would take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub family: Family,
    pub action: RuleAction,
    /// The table (`table`) or target preference (`goto`); `None` for the other actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<NameOrNumber>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub invert: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Prefix>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Prefix>,
    /// As written, else the one keepalived picks: counting down from 16384, per family, over
    /// the rules in file order (static and virtual).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos: Option<NameOrNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fwmark: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fwmask: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iif: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oif: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppress_prefixlength: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid_range: Option<(u32, u32)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipproto: Option<NameOrNumber>,
    /// The rule's protocol: 18 (`keepalived`) unless `no_track` is written, then as written
    /// (`None`: the kernel's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sport: Option<(u16, u16)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dport: Option<(u16, u16)>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_track: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// Default weight of tracking lines that give none (-253 to 253).
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub weight: i32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub weight_reverse: bool,
    /// Default 1.
    #[serde(default = "d_1_u32", skip_serializing_if = "is_1_u32")]
    #[schemars(extend("default" = 1))]
    pub rise: u32,
    /// Default 1.
    #[serde(default = "d_1_u32", skip_serializing_if = "is_1_u32")]
    #[schemars(extend("default" = 1))]
    pub fall: u32,
    /// Start in the failed state.
    #[serde(default, skip_serializing_if = "is_false")]
    pub init_fail: bool,
    pub origin: Origin,
}

/// `track_file NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackFile {
    pub name: String,
    pub file: String,
    /// -254 to 254.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub weight: i32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub weight_reverse: bool,
    /// `init_file [VALUE] [overwrite]`: create the file with this value at start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_value: Option<i64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub init_overwrite: bool,
    pub origin: Origin,
}

keywords! {
    /// How the parameters of a tracked process are compared (`param_match`).
    pub enum ParamMatch {
        /// The parameters must be exactly the ones given.
        Exact = "exact",
        /// The first parameters must match.
        Partial = "partial",
        /// As `partial`, and the last one given may be a prefix.
        Initial = "initial",
    }
}

/// `vrrp_track_process NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackProcess {
    pub name: String,
    /// The process name, then the parameters to match.
    pub process: Vec<String>,
    /// `exact` is the default when parameters are given; `None` when none are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param_match: Option<ParamMatch>,
    /// Match the whole command line rather than the process name: `full_command`, or set by
    /// any parameter or `param_match`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub full_command: bool,
    /// -254 to 254.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub weight: i32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub weight_reverse: bool,
    /// Default 1.
    #[serde(default = "d_1_u32", skip_serializing_if = "is_1_u32")]
    #[schemars(extend("default" = 1))]
    pub quorum: u32,
    /// `quorum_max 0` (allowed with the default quorum) makes the quorum 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum_max: Option<u32>,
    /// `delay` as written; it sets both delays, read in file order with `terminate_delay` and
    /// `fork_delay`: the two fields below are what keepalived ends up with.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub delay_ms: u64,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub terminate_delay_ms: u64,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub fork_delay_ms: u64,
    pub origin: Origin,
}

keywords! {
    /// A process that follows a BFD session.
    pub enum BfdUser {
        Vrrp = "vrrp",
        Checker = "checker",
    }
}

/// `bfd_instance NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BfdInstance {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbor_ip: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<IpAddr>,
    /// Default 10.
    #[serde(default = "d_10_u64", skip_serializing_if = "is_10_u64")]
    #[schemars(extend("default" = 10))]
    pub min_rx_ms: u64,
    /// Default 10.
    #[serde(default = "d_10_u64", skip_serializing_if = "is_10_u64")]
    #[schemars(extend("default" = 10))]
    pub min_tx_ms: u64,
    /// Default 1000.
    #[serde(default = "d_1000_u64", skip_serializing_if = "is_1000_u64")]
    #[schemars(extend("default" = 1000))]
    pub idle_tx_ms: u64,
    /// Default 5.
    #[serde(default = "d_5_u32", skip_serializing_if = "is_5_u32")]
    #[schemars(extend("default" = 5))]
    pub multiplier: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub passive: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub multihop: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u8>,
    /// Lowered to the TTL (`ttl`, else 255 for IPv4 and 64 for IPv6) as keepalived does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hops: Option<u8>,
    /// -253 to 253.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub weight: i32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub weight_reverse: bool,
    /// Which processes follow the session (empty = both).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<BfdUser>,
    pub origin: Origin,
}

/// A tracked interface of an instance or sync group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackInterface {
    pub interface: String,
    /// 0: going down puts the instance in FAULT; otherwise the priority change (-254 to
    /// 254).
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub weight: i32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reverse: bool,
    pub origin: Origin,
}

/// A reference to a tracker (script, file, process, BFD session) by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackRef {
    pub name: String,
    /// The weight to apply: the tracking line's, else the tracker's own default.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub weight: i32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reverse: bool,
    pub origin: Origin,
}

/// What an instance or sync group tracks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracking {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<TrackInterface>,
    /// Names of `vrrp_scripts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<TrackRef>,
    /// Names of `track_files`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<TrackRef>,
    /// Names of `track_processes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<TrackRef>,
    /// Names of `bfd_instances`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bfds: Vec<TrackRef>,
}

/// Notify commands of an instance or sync group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<Command>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Command>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Command>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Command>,
    /// `notify_deleted SCRIPT`: run when a reload removes the instance (with `send_deleted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Command>,
    /// `notify_deleted`: a reload that removes the instance reports it DELETED (notify
    /// script, FIFO, e-mail); without it keepalived reports FAULT (nothing if it was in FAULT).
    #[serde(default, skip_serializing_if = "is_false")]
    pub send_deleted: bool,
    /// `notify`: run on every change with TYPE NAME STATE PRIORITY appended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Command>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_rx_lower_pri: Option<Command>,
    /// Also report effective-priority changes on the notify FIFOs (`MASTER_PRIORITY` /
    /// `BACKUP_PRIORITY`). An instance's is the effective value: its own
    /// `notify_priority_changes`, else its sync group's, else `vrrp_notify_priority_changes`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub priority_changes: bool,
}

/// The initial state an instance is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Master,
    Backup,
}

keywords! {
    /// VRRPv2 authentication type, spelled as keepalived's `auth_type`.
    pub enum AuthKind {
        /// Simple password.
        Pass = "PASS",
        /// IPsec AH (IPv4 only).
        Ah = "AH",
    }
}

/// VRRPv2 authentication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authentication {
    #[serde(rename = "type")]
    pub kind: AuthKind,
    /// At most 8 bytes: keepalived uses only the first eight.
    pub password: String,
}

/// A unicast peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Peer {
    pub address: IpAddr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ttl: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ttl: Option<u8>,
    pub origin: Origin,
}

keywords! {
    /// The kind of virtual interface of `use_vmac` (`macvlan`) and `use_ipvlan` (`ipvlan`).
    pub enum VmacKind {
        Macvlan = "macvlan",
        Ipvlan = "ipvlan",
    }
}

keywords! {
    /// How a VRRPv3 IPv4 unicast advert is checksummed (keepalived 2.2.7's
    /// `old_unicast_checksum`, for peers running keepalived 1.3.6 or older).
    pub enum OldUnicastChecksum {
        /// The pseudo-header holds the peer's address; switch to the old form for good once a
        /// received advert checks only that way.
        Auto = "auto",
        /// The pseudo-header holds the peer's address, never the old form (`old_unicast_checksum
        /// never`).
        Never = "never",
        /// The old form: the pseudo-header holds the multicast group (`vrrp_mcast_group4`)
        /// instead of the peer's address (`old_unicast_checksum`).
        Always = "always",
    } default Auto
}

/// `use_vmac` / `use_ipvlan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vmac {
    pub kind: VmacKind,
    /// The interface name: the written one when keepalived takes it, else the first name no
    /// other instance's VMAC or ipvlan and no interface the configuration names has, of
    /// `PREFIX.VRID`, then `PREFIX1.VRID`, `PREFIX2.VRID`, ... (IPv6: `PREFIX6.VRID` second,
    /// then 1 to 5, 7, ...), PREFIX being `vmac_prefix` (default `vrrp`), cut to 15 bytes.
    pub name: String,
    /// The MAC address when written and keepalived takes it (not multicast, not a VRRP virtual
    /// MAC), six lower-case octets (five written: the VRID is the sixth); the VRRP virtual MAC
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// Adverts go out on the parent interface.
    #[serde(default, skip_serializing_if = "is_false")]
    pub xmit_base: bool,
}

/// Gratuitous ARP / unsolicited NA timing of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Garp {
    pub master_delay_ms: u64,
    pub master_repeat: u32,
    /// 0: no periodic refresh.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub master_refresh_ms: u64,
    /// Default 1.
    #[serde(default = "d_1_u32", skip_serializing_if = "is_1_u32")]
    #[schemars(extend("default" = 1))]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<String>,
    /// 1 to 255.
    pub virtual_router_id: u8,
    pub version: VrrpVersion,
    pub family: Family,
    pub initial_state: State,
    /// 1 to 255; 255 is the address owner.
    pub priority: u8,
    /// More than 0; whole seconds for VRRPv2, centiseconds for VRRPv3.
    pub advert_int_ms: u64,
    /// Default true (omitted then).
    #[serde(default = "d_true", skip_serializing_if = "is_true")]
    #[schemars(extend("default" = true))]
    pub preempt: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub preempt_delay_ms: u64,
    /// Accept packets to the virtual addresses when master and not owner.
    #[serde(default, skip_serializing_if = "is_false")]
    pub accept: bool,
    /// VRRPv2 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    /// The multicast group adverts go to (unused in unicast mode); of the instance's family.
    pub mcast_dst_ip: IpAddr,
    /// The advert source; `None` = the interface's primary address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src_ip: Option<IpAddr>,
    /// Non-empty: unicast mode.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unicast_peers: Vec<Peer>,
    /// The TTL / hop limit of unicast adverts; `None`: the kernel's default (keepalived writes
    /// 255 for IPv4 and leaves IPv6 to the kernel unless `unicast_ttl` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unicast_ttl: Option<u8>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unicast_fault_no_peer: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub check_unicast_src: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub virtual_addresses: Vec<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_addresses: Vec<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub virtual_routes: Vec<Route>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub virtual_rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub track: Tracking,
    #[serde(default, skip_serializing_if = "is_false")]
    pub dont_track_primary: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    pub notify: Notify,
    pub garp: Garp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vmac: Option<Vmac>,
    /// Default 3.
    #[serde(default = "d_3_u32", skip_serializing_if = "is_3_u32")]
    #[schemars(extend("default" = 3))]
    pub down_timer_adverts: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub lower_prio_no_advert: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub higher_prio_send_advert: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub skip_check_adv_addr: bool,
    /// VRRPv3 IPv4 checksum without the pseudo-header (RFC 9568 behaviour; keepalived 2.2.8's
    /// `v3_checksum_as_v2`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub v3_checksum_as_v2: bool,
    /// keepalived 2.2.7's `old_unicast_checksum`: the destination in the pseudo-header of a
    /// VRRPv3 IPv4 unicast advert's checksum. Default `auto`.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = "auto"))]
    pub old_unicast_checksum: OldUnicastChecksum,
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    /// The sync group the instance belongs to (which lists it as a member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_group: Option<String>,
    /// Sends e-mail alerts on its changes (its own `smtp_alert`, else the global settings).
    #[serde(default, skip_serializing_if = "is_false")]
    pub smtp_alert: bool,
    pub origin: Origin,
}

/// `vrrp_sync_group NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncGroup {
    pub name: String,
    /// Names of `vrrp_instances` (each of which names this group as its `sync_group`).
    pub members: Vec<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub track: Tracking,
    #[serde(default, skip_serializing_if = "is_default")]
    pub notify: Notify,
    /// Members keep their own tracker weights.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tracking_weight: bool,
    /// Sends e-mail alerts on its changes (its own `smtp_alert`, else the global settings).
    #[serde(default, skip_serializing_if = "is_false")]
    pub smtp_alert: bool,
    pub origin: Origin,
}

/// One entry of a virtual_server_group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VsgEntry {
    /// First address of the range (or the address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// Last address of a range `A-B`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_end: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fwmark: Option<u32>,
    /// A fwmark entry's family when written (`fwmark N inet6`); `None`: the virtual
    /// server's, or both when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Family>,
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
    Address {
        address: IpAddr,
        port: u16,
    },
    Fwmark {
        fwmark: u32,
        family: Family,
    },
    /// The name of one of the plan's `virtual_server_groups`.
    Group {
        name: String,
    },
}

/// IPVS forwarding method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Forwarding {
    Nat,
    Dr,
    Tun,
}

keywords! {
    /// The transport protocol of a virtual service, spelled as keepalived's dump does.
    pub enum Protocol {
        Tcp = "TCP",
        Udp = "UDP",
        Sctp = "SCTP",
    }
}

keywords! {
    /// An IPVS scheduler keepalived accepts (`lb_algo` / `lvs_sched`), by its kernel name.
    pub enum Scheduler {
        /// Round robin.
        Rr = "rr",
        /// Weighted round robin.
        Wrr = "wrr",
        /// Least connection.
        Lc = "lc",
        /// Weighted least connection (keepalived's default).
        Wlc = "wlc",
        /// Locality-based least connection.
        Lblc = "lblc",
        /// Locality-based least connection with replication.
        Lblcr = "lblcr",
        /// Destination hashing.
        Dh = "dh",
        /// Source hashing.
        Sh = "sh",
        /// Shortest expected delay.
        Sed = "sed",
        /// Never queue.
        Nq = "nq",
        /// Weighted failover.
        Fo = "fo",
        /// Weighted overflow.
        Ovf = "ovf",
        /// Maglev hashing.
        Mh = "mh",
        /// Weighted random twos choice.
        Twos = "twos",
    } default Wlc
}

keywords! {
    /// A scheduler flag of a virtual service, spelled as keepalived's keyword (and
    /// ipvsadm's `-b`).
    pub enum SchedulerFlag {
        Flag1 = "flag-1",
        Flag2 = "flag-2",
        Flag3 = "flag-3",
        ShFallback = "sh-fallback",
        ShPort = "sh-port",
        MhFallback = "mh-fallback",
        MhPort = "mh-port",
    }
}

/// Where a checker connects and from where. Every field is optional: the probe goes to the
/// real server's address and port unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    /// Where the probe goes; `None` = the real server's address / port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_ip: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bindto: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_if: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fwmark: Option<u32>,
    /// Default 5000.
    #[serde(default = "d_5000_u64", skip_serializing_if = "is_5000_u64")]
    #[schemars(extend("default" = 5000))]
    pub connect_timeout_ms: u64,
}

impl Default for Connection {
    fn default() -> Self {
        Connection {
            connect_ip: None,
            connect_port: None,
            bindto: None,
            bind_port: None,
            bind_if: None,
            fwmark: None,
            connect_timeout_ms: 5000,
        }
    }
}

/// A health checker of a real server: the settings every kind has, and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Checker {
    /// Default 1.
    #[serde(default = "d_1_u32", skip_serializing_if = "is_1_u32")]
    #[schemars(extend("default" = 1))]
    pub retry: u32,
    pub delay_before_retry_ms: u64,
    /// Period between checks (the checker's own `delay_loop`, else the virtual server's).
    pub delay_loop_ms: u64,
    /// `None`: a random delay up to delay_loop before the first check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub alpha: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub log_all_failures: bool,
    pub kind: CheckerKind,
    pub origin: Origin,
}

/// What a checker probes, with the settings of that kind only. Tagged by `type`, the
/// lower-case keepalived keyword without `_CHECK` / `_GET`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CheckerKind {
    /// `TCP_CHECK`: a TCP connection.
    Tcp {
        #[serde(default, skip_serializing_if = "is_default")]
        connection: Connection,
    },
    /// `HTTP_GET`.
    Http(HttpCheck),
    /// `SSL_GET`: HTTP over TLS.
    Ssl(HttpCheck),
    /// `SMTP_CHECK` (each `host` block is a checker of its own).
    Smtp {
        #[serde(default, skip_serializing_if = "is_default")]
        connection: Connection,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        helo_name: Option<String>,
    },
    /// `DNS_CHECK`.
    Dns(DnsCheck),
    /// `UDP_CHECK`.
    Udp(UdpCheck),
    /// `PING_CHECK`: ICMP echo (the connection's port is unused).
    Ping {
        #[serde(default, skip_serializing_if = "is_default")]
        connection: Connection,
    },
    /// `MISC_CHECK`: a script.
    Misc(MiscCheck),
    /// `FILE_CHECK`: the name of one of the plan's `track_files`, and the weight.
    File(TrackRef),
    /// `BFD_CHECK`: the name of one of the plan's `bfd_instances`.
    Bfd { name: String },
}

impl CheckerKind {
    /// keepalived's keyword for the kind (`TCP_CHECK`, `HTTP_GET`, ...).
    pub fn keyword(&self) -> &'static str {
        match self {
            CheckerKind::Tcp { .. } => "TCP_CHECK",
            CheckerKind::Http(_) => "HTTP_GET",
            CheckerKind::Ssl(_) => "SSL_GET",
            CheckerKind::Smtp { .. } => "SMTP_CHECK",
            CheckerKind::Dns(_) => "DNS_CHECK",
            CheckerKind::Udp(_) => "UDP_CHECK",
            CheckerKind::Ping { .. } => "PING_CHECK",
            CheckerKind::Misc(_) => "MISC_CHECK",
            CheckerKind::File(_) => "FILE_CHECK",
            CheckerKind::Bfd { .. } => "BFD_CHECK",
        }
    }

    /// Where the checker connects, for the kinds that connect.
    pub fn connection(&self) -> Option<&Connection> {
        match self {
            CheckerKind::Tcp { connection }
            | CheckerKind::Smtp { connection, .. }
            | CheckerKind::Ping { connection } => Some(connection),
            CheckerKind::Http(h) | CheckerKind::Ssl(h) => Some(&h.connection),
            CheckerKind::Dns(d) => Some(&d.connection),
            CheckerKind::Udp(u) => Some(&u.connection),
            CheckerKind::Misc(_) | CheckerKind::File(_) | CheckerKind::Bfd { .. } => None,
        }
    }

    /// Where the checker connects, for the kinds that connect.
    pub fn connection_mut(&mut self) -> Option<&mut Connection> {
        match self {
            CheckerKind::Tcp { connection }
            | CheckerKind::Smtp { connection, .. }
            | CheckerKind::Ping { connection } => Some(connection),
            CheckerKind::Http(h) | CheckerKind::Ssl(h) => Some(&mut h.connection),
            CheckerKind::Dns(d) => Some(&mut d.connection),
            CheckerKind::Udp(u) => Some(&mut u.connection),
            CheckerKind::Misc(_) | CheckerKind::File(_) | CheckerKind::Bfd { .. } => None,
        }
    }
}

/// One URL of an HTTP_GET / SSL_GET checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Url {
    pub path: String,
    /// MD5 of the body, lower-case hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Accepted status codes as inclusive ranges; default 200 to 299.
    #[serde(default = "d_status_codes", skip_serializing_if = "is_default_status_codes")]
    #[schemars(extend("default" = [[200, 299]]))]
    pub status_codes: Vec<(u16, u16)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtualhost: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub regex_no_match: bool,
    pub origin: Origin,
}

keywords! {
    /// The HTTP version of a checker's requests (`http_protocol`).
    pub enum HttpProtocol {
        /// HTTP/1.0 (the default).
        Http10 = "1.0",
        /// HTTP/1.0 with a `Connection: close` header (keepalived's `1.0C`).
        Http10Close = "1.0C",
        /// HTTP/1.1.
        Http11 = "1.1",
    } default Http10
}

/// HTTP_GET / SSL_GET settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpCheck {
    #[serde(default, skip_serializing_if = "is_default")]
    pub connection: Connection,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtualhost: Option<String>,
    /// Default `1.0`.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = "1.0"))]
    pub http_protocol: HttpProtocol,
    #[serde(default, skip_serializing_if = "is_false")]
    pub fast_recovery: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub enable_sni: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni_name: Option<String>,
}

/// MISC_CHECK settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MiscCheck {
    pub command: Command,
    /// `misc_timeout` in milliseconds (written in whole seconds); `None`: the delay loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Exit codes 2 to 255 set the weight to code - 2.
    #[serde(default, skip_serializing_if = "is_false")]
    pub dynamic: bool,
}

keywords! {
    /// The query type of a DNS_CHECK, upper case.
    pub enum DnsType {
        A = "A",
        Ns = "NS",
        Cname = "CNAME",
        Soa = "SOA",
        Mx = "MX",
        Txt = "TXT",
        Aaaa = "AAAA",
        Rrsig = "RRSIG",
        Dnskey = "DNSKEY",
    } default Soa
}

/// DNS_CHECK settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DnsCheck {
    #[serde(default, skip_serializing_if = "is_default")]
    pub connection: Connection,
    /// Default `SOA`.
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = "SOA"))]
    pub query_type: DnsType,
    pub name: String,
}

/// UDP_CHECK settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UdpCheck {
    #[serde(default, skip_serializing_if = "is_default")]
    pub connection: Connection,
    /// Hex bytes to send; `None` = random data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub require_reply: bool,
    /// Hex pattern (X = any nibble) a reply must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_pattern: Option<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub min_reply_length: u32,
    /// Default 255.
    #[serde(default = "d_255_u32", skip_serializing_if = "is_255_u32")]
    #[schemars(extend("default" = 255))]
    pub max_reply_length: u32,
}

/// A real (or sorry) server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealServer {
    pub address: IpAddr,
    /// The port IPVS uses (the virtual server's when not written or not NAT).
    pub port: u16,
    /// Default 1.
    #[serde(default = "d_1_u32", skip_serializing_if = "is_1_u32")]
    #[schemars(extend("default" = 1))]
    pub weight: u32,
    pub forwarding: Forwarding,
    #[serde(default, skip_serializing_if = "is_false")]
    pub inhibit_on_failure: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_threshold: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_threshold: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_up: Option<Command>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_down: Option<Command>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkers: Vec<Checker>,
    /// Sends e-mail alerts on its changes (its own `smtp_alert`, else the global settings).
    #[serde(default, skip_serializing_if = "is_false")]
    pub smtp_alert: bool,
    pub origin: Origin,
}

/// `virtual_server ... { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VirtualServer {
    pub key: ServiceKey,
    /// `None` for fwmark services (a group's of firewall marks only too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// `wlc` unless written.
    pub scheduler: Scheduler,
    /// Scheduler flags, in keepalived's keyword order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduler_flags: Vec<SchedulerFlag>,
    pub forwarding: Forwarding,
    /// `persistence_timeout` in milliseconds (written in whole seconds); `None`: not
    /// persistent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistence_timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistence_granularity: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub one_packet: bool,
    pub delay_loop_ms: u64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ha_suspend: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub alpha: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub omega: bool,
    /// Default 1.
    #[serde(default = "d_1_u32", skip_serializing_if = "is_1_u32")]
    #[schemars(extend("default" = 1))]
    pub quorum: u32,
    #[serde(default, skip_serializing_if = "is_default")]
    #[schemars(extend("default" = 0))]
    pub hysteresis: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum_up: Option<Command>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum_down: Option<Command>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub inhibit_on_failure: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sorry_server: Option<RealServer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub real_servers: Vec<RealServer>,
    /// Sends e-mail alerts on its changes (its own `smtp_alert`, else the global settings).
    #[serde(default, skip_serializing_if = "is_false")]
    pub smtp_alert: bool,
    pub origin: Origin,
}

// ---------------------------------------------------------------------------------------------
// Reading and writing

/// The plan as JSON: pretty, in declaration order, fields at their default left out, ending
/// in a newline. The same plan always gives the same bytes.
pub fn to_json(plan: &Plan) -> String {
    let mut out = Vec::new();
    write_json(plan, &mut out, true).expect("a plan always serialises");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// The plan's JSON written to `w` as it is produced (no copy of the whole text in memory):
/// indented as [`to_json`] when `pretty`, else on one line (what `compile` writes by default).
/// Either way the same plan gives the same bytes.
pub fn write_json(plan: &Plan, mut w: impl std::io::Write, pretty: bool) -> std::io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut w, plan)?;
    } else {
        serde_json::to_writer(&mut w, plan)?;
    }
    w.write_all(b"\n")
}

/// Why a plan could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Not JSON, or not a plan of this shape.
    Invalid(serde_json::Error),
    /// A plan of another version.
    Version { found: u64 },
    /// A plan of this shape that [`Plan::validate`] refuses.
    Validation(Vec<ValidationError>),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Invalid(e) => write!(f, "not a valid plan: {e}"),
            LoadError::Version { found } => write!(
                f,
                "plan_version {found} is not supported (this build reads version {PLAN_VERSION})"
            ),
            LoadError::Validation(errors) => {
                write!(f, "invalid plan ({} problem(s)):", errors.len())?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Parses a plan, checking its version first so an old or new plan gets a clear message.
/// Only the shape is checked: use [`load`] to also [validate](Plan::validate) it.
pub fn from_json(text: &str) -> Result<Plan, LoadError> {
    // The version first, skipping the rest without building it: a plan of another version
    // may not fit the types. Then the plan itself, straight from the text (no JSON tree in
    // between, which took several times the plan's size, and errors keep their line).
    #[derive(Deserialize)]
    struct Version {
        plan_version: Option<serde_json::Value>,
    }
    let v: Version = serde_json::from_str(text).map_err(LoadError::Invalid)?;
    match v.plan_version.as_ref().and_then(|v| v.as_u64()) {
        Some(n) if n == PLAN_VERSION as u64 => {}
        Some(n) => return Err(LoadError::Version { found: n }),
        None => {
            return Err(LoadError::Invalid(serde::de::Error::custom(
                "missing or non-numeric plan_version",
            )))
        }
    }
    serde_json::from_str(text).map_err(LoadError::Invalid)
}

/// Parses a plan ([`from_json`]) and validates it ([`Plan::validate`]): what a runtime should
/// use before acting on a plan.
pub fn load(text: &str) -> Result<Plan, LoadError> {
    let plan = from_json(text)?;
    plan.validate().map_err(LoadError::Validation)?;
    Ok(plan)
}

/// The JSON Schema of a plan, generated from the types. Fields that may be left out and whose
/// default the types do not state get theirs: `false` for flags, `[]` for lists, `null` for
/// options.
pub fn json_schema() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(Plan)).expect("a schema always serialises");
    add_implicit_defaults(&mut schema);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}

/// Adds `default` to the optional properties of every object schema in `v` that have none:
/// booleans default to `false`, arrays to `[]`, nullable values to `null`.
fn add_implicit_defaults(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let required: Vec<String> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (name, prop) in props.iter_mut() {
                    let Value::Object(p) = prop else { continue };
                    if required.contains(name) || p.contains_key("default") {
                        continue;
                    }
                    let types: Vec<&str> = match p.get("type") {
                        Some(Value::String(t)) => vec![t.as_str()],
                        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    let nullable = types.contains(&"null")
                        || ["anyOf", "oneOf"].iter().any(|k| {
                            p.get(*k)
                                .and_then(Value::as_array)
                                .is_some_and(|alts| alts.iter().any(|a| a.get("type") == Some(&Value::from("null"))))
                        });
                    let default = if nullable {
                        Some(Value::Null)
                    } else if types == ["boolean"] {
                        Some(Value::Bool(false))
                    } else if types == ["array"] {
                        Some(Value::Array(Vec::new()))
                    } else {
                        None
                    };
                    if let Some(d) = default {
                        p.insert("default".into(), d);
                    }
                }
            }
            for (_, child) in map.iter_mut() {
                add_implicit_defaults(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_implicit_defaults),
        _ => {}
    }
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
        assert_eq!(load(&json).unwrap(), plan);
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
    fn vrrp_versions_are_the_integers_2_and_3() {
        assert_eq!(serde_json::to_string(&VrrpVersion::V3).unwrap(), "3");
        assert_eq!(serde_json::from_str::<VrrpVersion>("2").unwrap(), VrrpVersion::V2);
        let e = serde_json::from_str::<VrrpVersion>("4").unwrap_err();
        assert!(e.to_string().contains("expected 2 or 3"), "{e}");
        assert!(serde_json::from_str::<VrrpVersion>("\"3\"").is_err());
    }

    #[test]
    fn keywords_parse_and_print_their_spelling() {
        for s in Scheduler::ALL {
            assert_eq!(s.as_str().parse::<Scheduler>(), Ok(*s));
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{s}\""));
        }
        assert_eq!("1.0C".parse::<HttpProtocol>(), Ok(HttpProtocol::Http10Close));
        assert_eq!("sh-port".parse::<SchedulerFlag>(), Ok(SchedulerFlag::ShPort));
        assert!("WLC".parse::<Scheduler>().is_err());
    }

    #[test]
    fn checkers_are_tagged_by_type_with_only_their_own_fields() {
        let c = Checker {
            retry: 1,
            delay_before_retry_ms: 1000,
            delay_loop_ms: 1000,
            warmup_ms: None,
            alpha: false,
            log_all_failures: false,
            kind: CheckerKind::Bfd { name: "b".into() },
            origin: Origin {
                file: "k".into(),
                line: 1,
            },
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["kind"], serde_json::json!({"type": "bfd", "name": "b"}));
        assert!(v.get("retry").is_none(), "defaults are left out: {v}");
        let mut bad = v.clone();
        bad["kind"]["connect_port"] = 80.into();
        assert!(
            serde_json::from_value::<Checker>(bad).is_err(),
            "BFD checkers do not connect"
        );
        let back: Checker = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
        let http = serde_json::json!({
            "delay_before_retry_ms": 1, "delay_loop_ms": 1,
            "kind": {"type": "ssl", "connection": {"connect_port": 443}, "urls": [{"path": "/", "origin": {"file": "k", "line": 2}}]},
            "origin": {"file": "k", "line": 1}
        });
        let c: Checker = serde_json::from_value(http).unwrap();
        assert_eq!(c.kind.keyword(), "SSL_GET");
        let conn = c.kind.connection().unwrap();
        assert_eq!((conn.connect_port, conn.connect_timeout_ms), (Some(443), 5000));
        let CheckerKind::Ssl(h) = &c.kind else { unreachable!() };
        assert_eq!(h.urls[0].status_codes, [(200, 299)]);
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
