//! Which commands keepalived 2.2.7 keeps: it checks every script (vrrp_script, notify
//! commands, MISC_CHECK, quorum and real-server notifies, FIFO scripts) when it loads the
//! configuration (`check_script_secure`), and disables the ones it cannot run.
//!
//! The rule that does not depend on the host: a program named without a `/` is looked up in
//! `PATH` (`find_path`) after keepalived has switched its effective uid to the script's user;
//! the `setgroups` that follows then fails (it needs CAP_SETGID, which a process loses with a
//! non-zero effective uid), so for any user but root the search fails with EACCES and
//! keepalived disables the script ("Permissions failure for script X in path - disabling"). A
//! disabled vrrp_script is no longer tracked. Whether the file exists, and (with
//! `enable_script_security`) whether its path is safe, depends on the host.

/// Why keepalived disables a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disabled {
    /// A bare program name run as a user other than root: the path search fails.
    PathSearchAsUser,
}

/// Whether keepalived disables a command whose program (the first word, as keepalived splits
/// the command line) is `program`, run as `user` (its own, else `script_user`; `None`: the
/// default user, which is root unless the host has a `keepalived_script` user).
pub fn disabled(program: &str, user: Option<&str>) -> Option<Disabled> {
    let bare = !program.is_empty() && !program.contains('/');
    match user {
        Some(u) if bare && u != "root" => Some(Disabled::PathSearchAsUser),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_names_run_only_as_root() {
        assert_eq!(disabled("killall", Some("nobody")), Some(Disabled::PathSearchAsUser));
        assert_eq!(disabled("killall", Some("root")), None);
        assert_eq!(disabled("killall", None), None);
        assert_eq!(disabled("/usr/bin/killall", Some("nobody")), None);
        assert_eq!(disabled("</dev/tcp/127.0.0.1/80", Some("nobody")), None);
    }
}
