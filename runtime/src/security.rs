//! Who a script runs as, and whether it may run at all, as keepalived 2.2.7 decides before it
//! runs any (`check_script_secure`):
//!
//! * the user is the command's (or `script_user`), else `keepalived_script` if that user
//!   exists, else root; the group is the one written, else the user's;
//! * a script that cannot be found or is not executable for its user is disabled, whatever
//!   the settings; a tracked one is dropped from every instance and sync group that tracks
//!   it (it moves no priority), a notify one is not run;
//! * a script run as root (or set-uid/gid root) whose path, or the path it resolves to, has a
//!   part that is not root's or is writable by someone else (a directory with the sticky bit
//!   excepted) is insecure: disabled under `enable_script_security`, warned about otherwise.
//!
//! The decisions are pure functions of what `lstat`/`stat`/`realpath` say, behind [`Fs`],
//! so they are tested without root; [`vet_plan`] applies them to a plan on the real
//! filesystem. One difference: keepalived resolves the path as the script's user
//! (seteuid); vigild resolves it as itself.

use std::path::{Path, PathBuf};
use tracing::{error, warn};
use vigil_plan::{Command, Plan};

/// What `stat` says of a path, the parts the rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
    pub kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
    Symlink,
    Other,
}

/// The filesystem as the checks see it.
pub trait Fs {
    /// `lstat`.
    fn lstat(&self, p: &Path) -> Option<Meta>;
    /// `stat` (following links).
    fn stat(&self, p: &Path) -> Option<Meta>;
    fn realpath(&self, p: &Path) -> Option<PathBuf>;
    /// The directories a bare command name is looked up in.
    fn search_path(&self) -> Vec<PathBuf>;
}

/// The host's filesystem.
pub struct RealFs;

fn meta(m: &std::fs::Metadata) -> Meta {
    use std::os::unix::fs::MetadataExt;
    let t = m.file_type();
    Meta {
        uid: m.uid(),
        gid: m.gid(),
        mode: m.mode(),
        kind: if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File
        } else if t.is_symlink() {
            Kind::Symlink
        } else {
            Kind::Other
        },
    }
}

impl Fs for RealFs {
    fn lstat(&self, p: &Path) -> Option<Meta> {
        std::fs::symlink_metadata(p).ok().map(|m| meta(&m))
    }
    fn stat(&self, p: &Path) -> Option<Meta> {
        std::fs::metadata(p).ok().map(|m| meta(&m))
    }
    fn realpath(&self, p: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(p).ok()
    }
    fn search_path(&self) -> Vec<PathBuf> {
        let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into());
        std::env::split_paths(&path).collect()
    }
}

/// The verdict on one script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Runs (`insecure`: a root script on a path others can change, allowed because
    /// `enable_script_security` is off).
    Run { insecure: bool },
    /// Does not run, for the reason given.
    Disabled(String),
}

const S_ISUID: u32 = 0o4000;
const S_ISGID: u32 = 0o2000;
const S_ISVTX: u32 = 0o1000;

fn executable(m: &Meta, uid: u32, gid: u32) -> bool {
    (uid == 0 && m.mode & 0o111 != 0)
        || (uid == m.uid && m.mode & 0o100 != 0)
        || (uid != m.uid && ((gid == m.gid && m.mode & 0o010 != 0) || (gid != m.gid && m.mode & 0o001 != 0)))
}

/// Every prefix of `path` from `/` to the path itself, each to be owned by root and not
/// writable by others. `Err` with the reason for the first part that is not.
fn path_secure(fs: &dyn Fs, path: &Path) -> Result<(), String> {
    let mut parts = vec![PathBuf::from("/")];
    let mut acc = PathBuf::from("/");
    for c in path.components().skip(1) {
        acc.push(c);
        parts.push(acc.clone());
    }
    let last = parts.len() - 1;
    for (k, p) in parts.iter().enumerate() {
        let Some(m) = fs.lstat(p) else {
            return Err(format!("{} cannot be found", p.display()));
        };
        let ok_kind = if k < last {
            m.kind == Kind::Dir
        } else {
            matches!(m.kind, Kind::File | Kind::Symlink)
        };
        if !ok_kind {
            return Err(format!("{} is of the wrong file type", p.display()));
        }
        let checked = (m.kind == Kind::Dir && m.mode & S_ISVTX == 0) || m.kind == Kind::File;
        if m.uid != 0 || (checked && ((m.gid != 0 && m.mode & 0o020 != 0) || m.mode & 0o002 != 0)) {
            return Err(format!("{} can be changed by a user other than root", p.display()));
        }
    }
    Ok(())
}

/// keepalived's checks of the script `argv0` run as `uid:gid`.
pub fn check(fs: &dyn Fs, argv0: &str, uid: u32, gid: u32, script_security: bool) -> Verdict {
    let given = if argv0.contains('/') {
        PathBuf::from(argv0)
    } else {
        let found = fs
            .search_path()
            .into_iter()
            .map(|d| d.join(argv0))
            .find(|p| fs.stat(p).is_some_and(|m| m.kind == Kind::File));
        match found {
            Some(p) => p,
            None => return Verdict::Disabled(format!("cannot find {argv0} in the search path")),
        }
    };
    let Some(real) = fs.realpath(&given) else {
        return Verdict::Disabled(format!("{} cannot be accessed", given.display()));
    };
    let Some(m) = fs.stat(&real) else {
        return Verdict::Disabled(format!("{} cannot be accessed", real.display()));
    };
    if !executable(&m, uid, gid) {
        return Verdict::Disabled(format!("{} is not executable for {uid}:{gid}", given.display()));
    }
    let as_root = uid == 0
        || gid == 0
        || (m.uid == 0 && m.mode & 0o100 != 0 && m.mode & S_ISUID != 0)
        || (m.gid == 0 && m.mode & 0o010 != 0 && m.mode & S_ISGID != 0);
    if !as_root {
        return Verdict::Run { insecure: false };
    }
    let absolute = if given.is_absolute() {
        given.clone()
    } else {
        std::env::current_dir().map(|d| d.join(&given)).unwrap_or(given.clone())
    };
    for p in [&absolute, &real] {
        if let Err(why) = path_secure(fs, p) {
            return if script_security {
                Verdict::Disabled(format!("unsafe permissions: {why}"))
            } else {
                warn!("script {argv0}: unsafe permissions: {why} (runs: enable_script_security is off)");
                Verdict::Run { insecure: true }
            };
        }
    }
    Verdict::Run { insecure: false }
}

/// The uid and gid a command runs as, or why it cannot run. `None`: as vigild itself.
pub fn identity(cmd: &Command, script_security: bool) -> Result<Option<(u32, u32)>, String> {
    use nix::unistd::{Group, User};
    let gid_of = |g: &str| match Group::from_name(g) {
        Ok(Some(g)) => Ok(g.gid.as_raw()),
        _ => Err(format!("no such group {g}")),
    };
    match &cmd.user {
        Some(name) => match User::from_name(name) {
            Ok(Some(u)) => {
                let gid = match &cmd.group {
                    Some(g) => gid_of(g)?,
                    None => u.gid.as_raw(),
                };
                Ok(Some((u.uid.as_raw(), gid)))
            }
            _ => Err(format!("no such user {name}")),
        },
        None => match User::from_name("keepalived_script") {
            Ok(Some(u)) => Ok(Some((u.uid.as_raw(), u.gid.as_raw()))),
            _ if script_security => Err(
                "no script_user, and the default user keepalived_script does not exist (enable_script_security)".into(),
            ),
            _ => Ok(None),
        },
    }
}

/// The verdict on a plan command on `fs`.
pub fn command_verdict(fs: &dyn Fs, cmd: &Command, script_security: bool) -> Verdict {
    let (uid, gid) = match identity(cmd, script_security) {
        Ok(Some(id)) => id,
        Ok(None) => (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw()),
        Err(e) => return Verdict::Disabled(e),
    };
    match cmd.argv.first() {
        Some(a) => check(fs, a, uid, gid, script_security),
        None => Verdict::Disabled("an empty command".into()),
    }
}

/// The plan as vigild runs it: scripts that may not run removed (a tracked script from every
/// tracking list, a notify command set to none), each logged once with its reason.
pub fn vet_plan(mut plan: Plan, fs: &dyn Fs) -> Plan {
    let security = plan.global.enable_script_security;
    let mut any = false;
    let mut verdict = |cmd: &Command, what: &str| -> bool {
        any = true;
        match command_verdict(fs, cmd, security) {
            Verdict::Run { .. } => true,
            Verdict::Disabled(why) => {
                error!("{what} `{}` is disabled: {why} (as keepalived)", cmd.argv.join(" "));
                false
            }
        }
    };
    let mut dropped = Vec::new();
    for s in &plan.vrrp_scripts {
        if !verdict(&s.command, &format!("vrrp_script {}", s.name)) {
            dropped.push(s.name.clone());
        }
    }
    plan.vrrp_scripts.retain(|s| !dropped.contains(&s.name));
    let mut vet = |n: &mut vigil_plan::Notify, owner: &str| {
        for (slot, kind) in [
            (&mut n.master, "notify_master"),
            (&mut n.backup, "notify_backup"),
            (&mut n.fault, "notify_fault"),
            (&mut n.stop, "notify_stop"),
            (&mut n.deleted, "notify_deleted"),
            (&mut n.any, "notify"),
            (&mut n.master_rx_lower_pri, "notify_master_rx_lower_pri"),
        ] {
            if slot.as_ref().is_some_and(|c| !verdict(c, &format!("{owner} {kind}"))) {
                *slot = None;
            }
        }
    };
    for i in &mut plan.vrrp_instances {
        vet(&mut i.notify, &format!("vrrp_instance {}", i.name));
        i.track.scripts.retain(|t| !dropped.contains(&t.name));
    }
    for g in &mut plan.sync_groups {
        vet(&mut g.notify, &format!("vrrp_sync_group {}", g.name));
        g.track.scripts.retain(|t| !dropped.contains(&t.name));
    }
    let g = &mut plan.global;
    for (fifo, kind) in [
        (&mut g.notify_fifo, "notify_fifo_script"),
        (&mut g.vrrp_notify_fifo, "vrrp_notify_fifo_script"),
    ] {
        if let Some(f) = fifo {
            if f.script.as_ref().is_some_and(|c| !verdict(c, kind)) {
                f.script = None;
            }
        }
    }
    if any && !security {
        warn!(
            "SECURITY VIOLATION - scripts are being executed but enable_script_security is off (as keepalived warns)"
        );
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct FakeFs {
        entries: HashMap<PathBuf, Meta>,
        links: HashMap<PathBuf, PathBuf>,
    }

    impl FakeFs {
        fn dir(mut self, p: &str, uid: u32, mode: u32) -> Self {
            self.entries.insert(
                p.into(),
                Meta {
                    uid,
                    gid: 0,
                    mode,
                    kind: Kind::Dir,
                },
            );
            self
        }
        fn file(mut self, p: &str, uid: u32, gid: u32, mode: u32) -> Self {
            self.entries.insert(
                p.into(),
                Meta {
                    uid,
                    gid,
                    mode,
                    kind: Kind::File,
                },
            );
            self
        }
        fn link(mut self, p: &str, to: &str) -> Self {
            self.entries.insert(
                p.into(),
                Meta {
                    uid: 0,
                    gid: 0,
                    mode: 0o777,
                    kind: Kind::Symlink,
                },
            );
            self.links.insert(p.into(), to.into());
            self
        }
    }

    impl Fs for FakeFs {
        fn lstat(&self, p: &Path) -> Option<Meta> {
            self.entries.get(p).copied()
        }
        fn stat(&self, p: &Path) -> Option<Meta> {
            match self.links.get(p) {
                Some(t) => self.stat(t),
                None => self.entries.get(p).copied(),
            }
        }
        fn realpath(&self, p: &Path) -> Option<PathBuf> {
            match self.links.get(p) {
                Some(t) => self.realpath(t),
                None => self.entries.contains_key(p).then(|| p.to_path_buf()),
            }
        }
        fn search_path(&self) -> Vec<PathBuf> {
            vec!["/usr/local/bin".into(), "/usr/bin".into()]
        }
    }

    fn base() -> FakeFs {
        FakeFs::default()
            .dir("/", 0, 0o755)
            .dir("/usr", 0, 0o755)
            .dir("/usr/bin", 0, 0o755)
            .dir("/tmp", 0, 0o1777)
            .dir("/home", 0, 0o755)
            .dir("/home/u", 1000, 0o755)
    }

    #[test]
    fn a_root_script_on_a_root_path_runs() {
        let fs = base().file("/usr/bin/chk", 0, 0, 0o755);
        assert_eq!(check(&fs, "/usr/bin/chk", 0, 0, true), Verdict::Run { insecure: false });
        // A bare name is looked up in the search path.
        assert_eq!(check(&fs, "chk", 0, 0, true), Verdict::Run { insecure: false });
    }

    #[test]
    fn missing_or_not_executable_scripts_are_disabled_whatever_the_security_setting() {
        let fs = base().file("/usr/bin/noexec", 0, 0, 0o644);
        assert!(matches!(
            check(&fs, "/usr/bin/nothere", 0, 0, false),
            Verdict::Disabled(_)
        ));
        assert!(matches!(check(&fs, "nothere", 0, 0, false), Verdict::Disabled(_)));
        assert!(matches!(
            check(&fs, "/usr/bin/noexec", 0, 0, false),
            Verdict::Disabled(_)
        ));
        // Executable by its owner only: not for another user.
        let fs = base().file("/usr/bin/own", 1000, 1000, 0o700);
        assert!(matches!(
            check(&fs, "/usr/bin/own", 1001, 1001, false),
            Verdict::Disabled(_)
        ));
        assert_eq!(
            check(&fs, "/usr/bin/own", 1000, 1000, false),
            Verdict::Run { insecure: false }
        );
    }

    #[test]
    fn a_root_script_others_can_change_is_disabled_only_under_script_security() {
        // A world-writable file, a user's directory, a group-writable file of a non-root group.
        for (fs, path) in [
            (base().file("/usr/bin/ww", 0, 0, 0o777), "/usr/bin/ww"),
            (base().file("/home/u/chk", 0, 0, 0o755), "/home/u/chk"),
            (base().file("/usr/bin/gw", 0, 50, 0o775), "/usr/bin/gw"),
        ] {
            assert!(matches!(check(&fs, path, 0, 0, true), Verdict::Disabled(_)), "{path}");
            assert_eq!(check(&fs, path, 0, 0, false), Verdict::Run { insecure: true }, "{path}");
        }
        // A sticky world-writable directory is fine; the file in it must still be root's.
        let fs = base().file("/tmp/chk", 0, 0, 0o755);
        assert_eq!(check(&fs, "/tmp/chk", 0, 0, true), Verdict::Run { insecure: false });
        // Not run as root: the path is not checked.
        let fs = base().file("/home/u/chk", 1000, 1000, 0o777);
        assert_eq!(
            check(&fs, "/home/u/chk", 1000, 1000, true),
            Verdict::Run { insecure: false }
        );
    }

    #[test]
    fn the_resolved_path_is_checked_too() {
        let fs = base()
            .file("/home/u/real", 0, 0, 0o755)
            .link("/usr/bin/chk", "/home/u/real");
        assert!(matches!(check(&fs, "/usr/bin/chk", 0, 0, true), Verdict::Disabled(_)));
        // A set-uid root script run by a user is checked as root's.
        let fs = base().file("/home/u/suid", 0, 0, 0o4755);
        assert!(matches!(
            check(&fs, "/home/u/suid", 1000, 1000, true),
            Verdict::Disabled(_)
        ));
    }
}
