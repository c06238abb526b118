//! Reading keepalived's verdict: the exit status and every stderr line, sorted into
//! host-dependent reasons (which say nothing about the configuration text) and the rest.
//! Every regex that decides lives here.

use super::keepalived::{Exit, Outcome};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// stderr lines whose cause is the machine, not the text. A rejection made only of these
/// does not count: keepalived-check, which never looks at the host, cannot be expected to
/// report it.
static HOST_DEPENDENT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // Interfaces: the namespace holds every name the corpus uses, but a mutation or a
        // name the kernel refuses (too long, odd characters) leaves some missing.
        r"interface .* doesn't exist",
        r"tracked interface .* doesn't exist",
        r"Non-existent interface specified",
        r"Unknown interface",
        r"(?i)cannot find interface",
        r"interface .* not found",
        r"(?i)no such (device|interface)",
        // Users and groups of scripts (keepalived_script, `user` lines, script_user).
        r"(?i)unable to find (script )?user",
        r"(?i)user .* (not found|does not exist)",
        r"(?i)(unknown|invalid) (user|group)",
        r"(?i)group .* (not found|does not exist)",
        r"(?i)script user",
        r"(?i)default user",
        r"keepalived_script",
        r"Error setting global script uid/gid",
        // Script files: missing, not executable, insecure (script_security is off).
        r"SECURITY VIOLATION",
        r"(?i)script_security",
        r"(?i)insecure",
        r"(?i)not executable",
        r"(?i)cannot (access|find|open|execute)",
        r"(?i)unable to (access|open|execute|stat)",
        r"(?i)no such file or directory",
        r"(?i)permission denied",
        r"(?i)disabling track script",
        r"(?i)is not a (regular )?file",
        // Include files that are not on this machine.
        r"(?i)could not find",
        r"(?i)no config files matched",
        r"(?i)unable to open include",
        r"(?i)configuration file .* (not found|missing)",
        r"Config files missing",
        // Host names resolved through DNS (an SMTP server given by name).
        r"Invalid smtp server [A-Za-z]",
        // Names resolved through /etc/iproute2 (rt_tables, rt_realms, rt_protos, ...).
        r"/etc/iproute2",
        r"Routing table .* not found",
        r"(?i)invalid (table|realm|protocol|scope|group)\b",
        // Network namespaces and other host state.
        r"(?i)namespace",
        r"(?i)netlink",
        r"(?i)unable to (get|set|bind|create)",
    ]
    .iter()
    .map(|r| Regex::new(r).expect("valid regex"))
    .collect()
});

/// `Unknown keyword 'X'`: host-dependent when X is a keyword our table knows but introduced
/// after keepalived 2.2.7 (the installed version): the verdict depends on the version.
static UNKNOWN_KEYWORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"Unknown keyword '([^']*)'").expect("regex"));

/// Strips keepalived's `(FILE: Line N) ` / `(Line N) ` prefix.
static LOCATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\((?:[^()]*: )?Line \d+\) ").expect("regex"));

/// keepalived's verdict on one configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Exit 0 (or the SIGTERM quirk) and nothing on stderr.
    AcceptedSilently,
    /// Exit 0 with lines on stderr (warnings, notes; or the SIGTERM quirk with only
    /// host-dependent lines).
    AcceptedWithNotes,
    /// Rejected, and at least one stderr line is not host-dependent.
    Rejected,
    /// Rejected, but every stderr line is host-dependent (or there are none).
    RejectedHostDependent,
    /// Crashed (SIGSEGV, SIGABRT) after printing a host-independent error: keepalived
    /// would not run this configuration either, so it counts as rejected.
    Crashed,
    /// Timed out, crashed without a host-independent line, or could not run.
    Broken,
}

/// A reference to a vrrp_script keepalived no longer has.
static SCRIPT_NOT_FOUND: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"track script \S+ not found").expect("regex"));

/// keepalived removed a vrrp_script because the user it is to run as does not resolve on this
/// host (a `user` line, script_user, or the keepalived_script default).
static SCRIPT_USER_FAILED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)uid/gid for script|default user (keepalived_script )?for (vrrp )?script").expect("regex")
});

/// Whether `line`, one of `all` that keepalived printed for one configuration, has a cause on
/// the machine rather than in the text. `track script X not found` is host-dependent when the
/// same run removed a script for want of its user: the script was defined, the host lacks the
/// user (references to undefined or later scripts are caught by KA0301 anyway).
pub fn is_host_dependent(line: &str, all: &[String], too_new: &BTreeSet<&str>) -> bool {
    if let Some(c) = UNKNOWN_KEYWORD.captures(line) {
        if too_new.contains(&c[1]) {
            return true;
        }
    }
    if SCRIPT_NOT_FOUND.is_match(line) && all.iter().any(|l| SCRIPT_USER_FAILED.is_match(l)) {
        return true;
    }
    HOST_DEPENDENT.iter().any(|r| r.is_match(line))
}

/// A line without its location, for grouping causes.
pub fn shape(line: &str) -> String {
    let l = LOCATION.replace(line, "");
    let digits = Regex::new(r"\d+").expect("regex");
    let quoted = Regex::new(r"'[^']*'").expect("regex");
    let l = quoted.replace_all(&l, "'…'");
    digits.replace_all(&l, "N").into_owned()
}

pub fn verdict(o: &Outcome, too_new: &BTreeSet<&str>) -> Verdict {
    let indep = o.lines.iter().any(|l| !is_host_dependent(l, &o.lines, too_new));
    match o.exit {
        Exit::Code(0) if o.lines.is_empty() => Verdict::AcceptedSilently,
        Exit::Code(0) => Verdict::AcceptedWithNotes,
        // The SIGTERM quirk (exit 143): keepalived stopped itself after reading the
        // configuration. Accepted when it printed no error line.
        Exit::Signal(15) | Exit::Code(143) if o.lines.is_empty() => Verdict::AcceptedSilently,
        Exit::Signal(15) | Exit::Code(143) if !indep => Verdict::AcceptedWithNotes,
        Exit::Code(2 | 4 | 5 | 6) | Exit::Signal(15) | Exit::Code(143) if indep => Verdict::Rejected,
        Exit::Code(2 | 4 | 5 | 6) => Verdict::RejectedHostDependent,
        Exit::Signal(6 | 7 | 11) if indep => Verdict::Crashed,
        _ => Verdict::Broken,
    }
}
