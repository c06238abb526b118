//! Notify FIFOs (`notify_fifo`, `vrrp_notify_fifo`): a line per state change,
//! `INSTANCE "VI_1" MASTER 100`, as keepalived 2.2.7 writes them (lib/notify.c fifo_open,
//! vrrp_notify.c notify_fifo): the FIFO is created (mode 0644) unless it exists, its
//! `*_notify_fifo_script` started, then it is opened read-write and non-blocking so a missing
//! or slow reader never stalls the daemon (a full FIFO loses lines, as keepalived's does).
//! A FIFO vigild created is removed when it stops. The VRRP FIFO is ignored when it is the
//! global one.

use crate::scripts::Notifier;
use nix::sys::stat::Mode;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use tracing::warn;
use vigil_plan::Fifo;

struct Open {
    path: PathBuf,
    file: File,
    created: bool,
}

/// The open notify FIFOs.
#[derive(Default)]
pub struct NotifyFifos {
    open: Vec<Open>,
}

/// One line as keepalived writes it.
pub fn line(kind: &str, name: &str, state: &str, priority: u8) -> String {
    format!("{kind} \"{name}\" {state} {priority}\n")
}

impl NotifyFifos {
    /// Opens the global and the VRRP FIFO (when it is another path), starting their scripts.
    pub fn open(
        global: Option<&Fifo>,
        vrrp: Option<&Fifo>,
        notifier: &mut Notifier,
        user: Option<&str>,
    ) -> NotifyFifos {
        let mut open = Vec::new();
        let vrrp = vrrp.filter(|v| global.is_none_or(|g| g.path != v.path));
        for f in global.into_iter().chain(vrrp) {
            let path = PathBuf::from(&f.path);
            let created = match nix::unistd::mkfifo(&path, Mode::from_bits_truncate(0o644)) {
                Ok(()) => {
                    // Owned by its user (the default script user when none is written).
                    let owner = vigil_plan::Command {
                        argv: Vec::new(),
                        user: f.user.clone(),
                        group: f.group.clone(),
                    };
                    match crate::security::identity(&owner, false) {
                        Ok(Some((uid, gid))) => {
                            if let Err(e) = nix::unistd::chown(
                                &path,
                                Some(nix::unistd::Uid::from_raw(uid)),
                                Some(nix::unistd::Gid::from_raw(gid)),
                            ) {
                                warn!(fifo = %f.path, error = %e, "cannot give the notify FIFO its owner");
                            }
                        }
                        Ok(None) => {}
                        Err(e) => warn!(fifo = %f.path, "{e}: the notify FIFO stays root's"),
                    }
                    true
                }
                Err(nix::errno::Errno::EEXIST) => false,
                Err(e) => {
                    warn!(fifo = %f.path, error = %e, "cannot create the notify FIFO");
                    continue;
                }
            };
            if let Some(s) = &f.script {
                notifier.run(s, user, &[]);
            }
            match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOFOLLOW)
                .open(&path)
            {
                Ok(file) => open.push(Open { path, file, created }),
                Err(e) => {
                    warn!(fifo = %f.path, error = %e, "cannot open the notify FIFO");
                    if created {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
        }
        NotifyFifos { open }
    }

    /// Writes one line to every FIFO; a full FIFO drops it.
    pub fn write(&mut self, line: &str) {
        for o in &mut self.open {
            let _ = o.file.write(line.as_bytes());
        }
    }

    /// Closes the FIFOs, removing those vigild created (first, so a reader that reopens it in
    /// a loop cannot).
    pub fn close(&mut self) {
        for o in self.open.drain(..) {
            if o.created {
                let _ = std::fs::remove_file(&o.path);
            }
        }
    }
}

impl Drop for NotifyFifos {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_created_fifo_belongs_to_its_user() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIP: not root (chown needs it)");
            return;
        }
        let Ok(Some(nobody)) = nix::unistd::User::from_name("nobody") else {
            eprintln!("SKIP: no user nobody");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        let fifo = Fifo {
            path: path.display().to_string(),
            script: None,
            user: Some("nobody".into()),
            group: None,
        };
        let mut n = Notifier::default();
        let mut f = NotifyFifos::open(Some(&fifo), None, &mut n, None);
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(&path).unwrap();
        assert_eq!((m.uid(), m.gid()), (nobody.uid.as_raw(), nobody.gid.as_raw()));
        assert_eq!(m.mode() & 0o777, 0o644);
        f.close();
    }

    #[test]
    fn lines_go_to_the_fifo_which_is_removed_when_created_here() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        let fifo = Fifo {
            path: path.display().to_string(),
            script: None,
            user: None,
            group: None,
        };
        let mut n = Notifier::default();
        let mut f = NotifyFifos::open(Some(&fifo), Some(&fifo), &mut n, None);
        assert_eq!(f.open.len(), 1, "the VRRP FIFO is ignored when it is the global one");
        let mut reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open(&path)
            .unwrap();
        f.write(&line("INSTANCE", "VI_1", "MASTER", 100));
        let mut got = String::new();
        let _ = reader.read_to_string(&mut got);
        assert_eq!(got, "INSTANCE \"VI_1\" MASTER 100\n");
        // Nobody reading and the FIFO full: writing never blocks.
        drop(reader);
        for _ in 0..10_000 {
            f.write(&line("INSTANCE", "VI_1", "BACKUP", 100));
        }
        f.close();
        assert!(!path.exists(), "created here, removed here");
        // One that existed stays.
        nix::unistd::mkfifo(&path, Mode::from_bits_truncate(0o600)).unwrap();
        let mut f = NotifyFifos::open(Some(&fifo), None, &mut n, None);
        f.close();
        assert!(path.exists());
    }
}
