//! The control socket: a unix stream socket (mode 0600, so root only) taking one JSON request
//! line and answering one JSON line. `vigild status` and `vigild reload` are its clients.

use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::Duration;

/// The default control socket.
pub const DEFAULT_SOCKET: &str = "/run/vigild.sock";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Request {
    Status,
    /// Reread the plan (`plan`: another file to take it from).
    Reload {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstanceStatus {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_group: Option<String>,
    pub interface: String,
    pub vrid: u8,
    pub state: String,
    /// The priority adverts carry now (after trackers).
    pub priority: u8,
    pub base_priority: u8,
    /// The master last heard (as backup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<String>,
    pub holding_addresses: bool,
    pub stats: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScriptStatus {
    pub name: String,
    pub up: bool,
}

/// A tracked file and the number last read from it.
/// A tracked process: how many running processes match it, and whether that is a quorum.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessStatus {
    pub name: String,
    pub processes: usize,
    pub up: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileStatus {
    pub name: String,
    pub file: String,
    pub value: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub plan: String,
    pub source: String,
    pub instances: Vec<InstanceStatus>,
    pub scripts: Vec<ScriptStatus>,
    #[serde(default)]
    pub files: Vec<FileStatus>,
    #[serde(default)]
    pub processes: Vec<ProcessStatus>,
}

/// Listens on `path` (replacing a stale socket), mode 0600.
pub fn listen(path: &Path) -> std::io::Result<UnixListener> {
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                "another vigild is running on this socket",
            ));
        }
        std::fs::remove_file(path)?;
    }
    let l = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    l.set_nonblocking(true)?;
    Ok(l)
}

/// Reads one request line (bounded in time and size, so a stuck client cannot stall the
/// daemon).
pub fn read_request(stream: UnixStream) -> Option<(Request, UnixStream)> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_millis(200))).ok()?;
    stream.set_write_timeout(Some(Duration::from_millis(200))).ok()?;
    let mut line = String::new();
    let mut r = BufReader::new(stream.try_clone().ok()?).take(64 * 1024);
    r.read_line(&mut line).ok()?;
    match serde_json::from_str(&line) {
        Ok(req) => Some((req, stream)),
        Err(e) => {
            let mut s = stream;
            reply(
                &mut s,
                &serde_json::json!({"ok": false, "error": format!("bad request: {e}")}),
            );
            None
        }
    }
}

pub fn reply(stream: &mut UnixStream, v: &serde_json::Value) {
    let _ = writeln!(stream, "{v}");
}

/// The client side: sends `req` and returns the answer.
pub fn call(path: &Path, req: &Request) -> Result<serde_json::Value, String> {
    let mut s = UnixStream::connect(path).map_err(|e| format!("cannot reach vigild at {}: {e}", path.display()))?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let text = serde_json::to_string(req).map_err(|e| e.to_string())?;
    writeln!(s, "{text}").map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).map_err(|e| e.to_string())?;
    serde_json::from_str(&line).map_err(|e| format!("bad answer from vigild: {e}"))
}

use std::io::Read as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_one_json_line() {
        assert_eq!(
            serde_json::to_string(&Request::Status).unwrap(),
            r#"{"command":"status"}"#
        );
        let r: Request = serde_json::from_str(r#"{"command":"reload","plan":"/etc/p.json"}"#).unwrap();
        assert_eq!(
            r,
            Request::Reload {
                plan: Some("/etc/p.json".into())
            }
        );
        assert!(serde_json::from_str::<Request>(r#"{"command":"rm -rf"}"#).is_err());
    }

    #[test]
    fn serves_a_request_over_a_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sock");
        let l = listen(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(listen(&path).is_err(), "a second daemon on the same socket is refused");
        let p2 = path.clone();
        let client = std::thread::spawn(move || call(&p2, &Request::Status));
        // The first connection is the probe of the second `listen`: it sends nothing and is
        // dropped without an answer.
        let (req, mut s) = loop {
            match l.accept() {
                Ok((s, _)) => {
                    if let Some(r) = read_request(s) {
                        break r;
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        };
        assert_eq!(req, Request::Status);
        reply(&mut s, &serde_json::json!({"ok": true}));
        drop(s);
        assert_eq!(client.join().unwrap().unwrap(), serde_json::json!({"ok": true}));
    }
}
