//! vigild: executes a compiled plan. It never parses keepalived.conf.
//!
//! The VRRP protocol itself is the pure core in `vigil-vrrp`; this crate is the I/O shell
//! around it:
//!
//! * [`model`]: what of a plan vigild runs, what it refuses (by name and origin), and each
//!   instance's core configuration (pure);
//! * [`wire`]: the IPv4 header, gratuitous ARP and unsolicited NA bytes (pure);
//! * [`netlink`]: the only module that talks rtnetlink (links, addresses, their events);
//! * [`sockets`]: the raw VRRP sockets, pooled per interface and family;
//! * [`scripts`]: tracked and notify scripts as child processes in their own process groups;
//! * [`control`]: the control socket (`vigild status`, `vigild reload`);
//! * [`daemon`]: the event loop that ties them to the core.
//!
//! Health checks and IPVS come with their own issue; a plan with virtual servers is refused.

pub mod control;
pub mod daemon;
pub mod fifo;
pub mod files;
pub mod garp;
pub mod model;
pub mod netlink;
pub mod procs;
pub mod routing;
pub mod rtnames;
pub mod scripts;
pub mod security;
pub mod smtp;
pub mod sockets;
pub mod vmac;
pub mod wire;

use vigil_plan::{LoadError, Plan, ValidationError};

/// Why a plan was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PlanError {
    /// The text is not a plan document.
    Malformed(String),
    /// The plan was written for another format version.
    Version { found: u64 },
    /// A plan document that is not consistent (a reference to nothing, a value out of range,
    /// ...): every problem, each naming the field (`vrrp_instances[2].track.scripts[0].name`).
    Invalid(Vec<ValidationError>),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::Malformed(e) => write!(f, "not a valid plan: {e}"),
            PlanError::Version { found } => write!(
                f,
                "plan_version {found} is not supported (this build reads version {})",
                vigil_plan::PLAN_VERSION
            ),
            PlanError::Invalid(errors) => {
                write!(f, "invalid plan ({} problem(s)):", errors.len())?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// Reads and validates a plan ([`vigil_plan::load`]), refusing any version this daemon was
/// not built for and any plan [`Plan::validate`] finds inconsistent.
pub fn load_plan(text: &str) -> Result<Plan, PlanError> {
    vigil_plan::load(text).map_err(|e| match e {
        LoadError::Version { found } => PlanError::Version { found },
        LoadError::Invalid(e) => PlanError::Malformed(e.to_string()),
        LoadError::Validation(errors) => PlanError::Invalid(errors),
    })
}

/// Tells systemd about a state change (`READY=1`, `STOPPING=1`) when it started us with
/// `Type=notify`; does nothing otherwise.
pub fn sd_notify(state: &str) {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let path = path.to_string_lossy().into_owned();
    let addr = match path.strip_prefix('@') {
        Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
        None => SocketAddr::from_pathname(&path),
    };
    if let (Ok(addr), Ok(sock)) = (addr, UnixDatagram::unbound()) {
        let _ = sock.send_to_addr(state.as_bytes(), &addr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_versions_and_garbage() {
        assert_eq!(load_plan(r#"{"plan_version":2}"#), Err(PlanError::Version { found: 2 }));
        assert!(matches!(load_plan("{"), Err(PlanError::Malformed(_))));
        assert!(matches!(
            load_plan(r#"{"plan_version":1}"#),
            Err(PlanError::Malformed(_))
        ));
        let plan = Plan::empty(vigil_plan::Source {
            file: "k.conf".into(),
            config_id: None,
        });
        assert_eq!(load_plan(&vigil_plan::to_json(&plan)), Ok(plan));
    }

    #[test]
    fn refuses_an_inconsistent_plan_naming_the_field() {
        let text = r#"{
            "plan_version": 1,
            "source": {"file": "k.conf"},
            "vrrp_instances": [{
                "name": "A", "virtual_router_id": 0, "version": 2, "family": "ipv4",
                "initial_state": "BACKUP", "priority": 100, "advert_int_ms": 1000,
                "mcast_dst_ip": "224.0.0.18",
                "track": {"scripts": [{"name": "missing", "origin": {"file": "k.conf", "line": 3}}]},
                "garp": {"master_delay_ms": 5000, "master_repeat": 5, "lower_prio_delay_ms": 5000, "lower_prio_repeat": 5},
                "origin": {"file": "k.conf", "line": 1}
            }]
        }"#;
        let Err(PlanError::Invalid(errors)) = load_plan(text) else {
            panic!("accepted: {:?}", load_plan(text));
        };
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "vrrp_instances[0].virtual_router_id",
                "vrrp_instances[0].track.scripts[0].name"
            ]
        );
        let shown = PlanError::Invalid(errors).to_string();
        assert!(
            shown.contains("vrrp_instances[0].track.scripts[0].name: no vrrp_script named `missing`"),
            "{shown}"
        );
    }
}

/// Whether systemd connected stderr to the journal: `JOURNAL_STREAM` names the device and
/// inode of the stream it gave (systemd.exec(5)), and stderr is still that stream (a child
/// whose stderr was redirected inherits the variable but not the stream).
pub fn stderr_is_journal() -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(var) = std::env::var("JOURNAL_STREAM") else {
        return false;
    };
    let Ok(m) = std::fs::metadata("/proc/self/fd/2") else {
        return false;
    };
    journal_stream_is(&var, m.dev(), m.ino())
}

/// `JOURNAL_STREAM`'s `DEVICE:INODE` (decimal) against a stream's device and inode.
pub fn journal_stream_is(var: &str, dev: u64, ino: u64) -> bool {
    let mut parts = var.trim().splitn(2, ':');
    let (Some(d), Some(i)) = (parts.next(), parts.next()) else {
        return false;
    };
    d.parse::<u64>().ok() == Some(dev) && i.parse::<u64>().ok() == Some(ino)
}

#[cfg(test)]
mod journal_tests {
    use super::journal_stream_is;

    #[test]
    fn journal_stream_names_device_and_inode() {
        assert!(journal_stream_is("8:12345", 8, 12345));
        assert!(journal_stream_is("8:12345\n", 8, 12345));
        assert!(!journal_stream_is("8:12346", 8, 12345));
        assert!(!journal_stream_is("9:12345", 8, 12345));
        for bad in ["", ":", "8", "8:", ":1", "x:y", "8:12345:1"] {
            assert!(!journal_stream_is(bad, 8, 12345), "{bad}");
        }
    }
}
