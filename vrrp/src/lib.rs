//! The pure VRRP core of Vigil: wire formats, timers, the per-instance state machine,
//! effective priority from trackers, sync groups, and a deterministic simulator.
//!
//! # What this crate must not know
//!
//! * **No sockets, no syscalls, no I/O.** Packets come in as byte slices with the source,
//!   destination and TTL the shell read from the IP header; packets go out as bytes the
//!   shell puts behind an IP header it builds itself. Addresses, GARP/NA, notify scripts
//!   are [`instance::Action`]s the shell carries out.
//! * **No clock.** Time is passed in as [`time::Time`] (µs since an arbitrary epoch); the
//!   state machine says when it next needs to run ([`instance::Instance::next_deadline`]).
//!   Nothing here sleeps or spawns.
//! * **No plan JSON, no keepalived.conf.** The runtime maps the plan's types onto
//!   [`config::InstanceConfig`]; this crate depends on no other Vigil crate and on nothing
//!   outside `std`.
//! * **No randomness** except the simulator's own seeded generator ([`sim::Rng`]).
//! * **No unsafe code** and no panics on received bytes: [`packet::decode`] returns a
//!   typed [`packet::DecodeError`] for every malformed input.
//!
//! Modules: [`packet`] (encode/decode, checksums), [`validate`] (receive checks),
//! [`timers`] (skew and master-down as keepalived computes them), [`instance`] (the state
//! machine), [`priority`] (trackers), [`sync`] (sync groups), [`sim`] (the simulator).
#![forbid(unsafe_code)]

pub mod config;
pub mod instance;
pub mod packet;
pub mod priority;
pub mod sim;
pub mod sync;
pub mod time;
pub mod timers;
pub mod unit;
pub mod validate;

pub use config::{AuthConfig, InitialState, InstanceConfig, Peer};
pub use instance::{Action, Input, Instance, State};
pub use packet::{decode, encode, Addrs, Advert, Auth, ChecksumForm, DecodeError, EncodeError, Family, Version};
pub use priority::{effective_priority, Tracked, Tracker};
pub use sync::SyncGroup;
pub use time::{Micros, Time};
pub use unit::Unit;
pub use validate::{validate, Drop, RxMeta};
