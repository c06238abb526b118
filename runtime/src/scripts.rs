//! Child processes: tracked `vrrp_script`s (interval, timeout, rise, fall) and notify
//! scripts. Each child runs in its own process group, as the plan's user, so a hung script is
//! killed with everything it started.
//!
//! [`Health`] is keepalived's rise/fall counter as a pure state machine.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tracing::{debug, warn};

/// keepalived's result counter of a tracked script (`vrrp_scheduler.c`
/// vrrp_script_child_thread): `rise` successes in a row bring a failed script up, `fall`
/// failures in a row take an up script down. At start the script counts as up ("one success
/// is enough") unless `init_fail`, and its first failure takes it down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Health {
    rise: u32,
    fall: u32,
    r: u32,
    initialising: bool,
    pub up: bool,
}

impl Health {
    pub fn new(rise: u32, fall: u32, init_fail: bool) -> Health {
        let rise = rise.max(1);
        let fall = fall.max(1);
        Health {
            rise,
            fall,
            r: if init_fail { 0 } else { rise - 1 },
            initialising: !init_fail,
            up: !init_fail,
        }
    }

    /// Feeds one result; returns the new state when it changed.
    pub fn result(&mut self, ok: bool) -> Option<bool> {
        let was = self.up;
        let top = self.rise + self.fall - 1;
        if ok {
            if self.r < self.rise - 1 {
                self.r += 1;
            } else {
                self.r = top;
                self.up = true;
            }
        } else if self.r > self.rise {
            self.r -= 1;
        } else {
            self.r = 0;
            self.up = false;
        }
        self.initialising = false;
        (self.up != was).then_some(self.up)
    }
}

/// How a plan command is run: as its user and group (`crate::security::identity`).
fn command(cmd: &vigil_plan::Command, extra: &[String]) -> Option<Command> {
    let (prog, args) = cmd.argv.split_first()?;
    let mut c = Command::new(prog);
    c.args(args).args(extra);
    c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    c.process_group(0);
    match crate::security::identity(cmd, false) {
        Ok(Some((uid, gid))) => {
            c.uid(uid).gid(gid);
        }
        Ok(None) => {}
        Err(e) => {
            warn!(command = prog, "{e}: the script is not run");
            return None;
        }
    }
    Some(c)
}

/// `cmd` with the default user when it has none of its own.
fn with_user(cmd: &vigil_plan::Command, default_user: Option<&str>) -> vigil_plan::Command {
    let mut c = cmd.clone();
    if c.user.is_none() {
        c.user = default_user.map(str::to_string);
    }
    c
}

/// Kills a child's whole process group.
fn kill_group(child: &Child, sig: nix::sys::signal::Signal) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid), sig);
    }
}

/// One tracked `vrrp_script`.
pub struct TrackedScript {
    pub name: String,
    cmd: vigil_plan::Command,
    interval: Duration,
    timeout: Duration,
    pub health: Health,
    next_run: Instant,
    running: Option<(Child, Instant)>,
    /// A child killed at its timeout, reaped (or killed harder) later.
    killed: Vec<(Child, Instant)>,
}

impl TrackedScript {
    pub fn new(s: &vigil_plan::VrrpScript, default_user: Option<&str>, now: Instant) -> TrackedScript {
        TrackedScript {
            name: s.name.clone(),
            cmd: with_user(&s.command, default_user),
            interval: Duration::from_millis(s.interval_ms.max(1)),
            timeout: Duration::from_millis(if s.timeout_ms == 0 {
                s.interval_ms.max(1)
            } else {
                s.timeout_ms
            }),
            health: Health::new(s.rise, s.fall, s.init_fail),
            next_run: now,
            running: None,
            killed: Vec::new(),
        }
    }

    /// When this script next needs attention.
    pub fn deadline(&self) -> Instant {
        let mut d = match &self.running {
            Some((_, started)) => *started + self.timeout,
            None => self.next_run,
        };
        if self.running.is_some() {
            // Reap promptly: the exit is seen by polling.
            d = d.min(Instant::now() + Duration::from_millis(5));
        }
        for (_, at) in &self.killed {
            d = d.min(*at + Duration::from_millis(100));
        }
        d
    }

    /// Starts, reaps or kills as due; returns the new up/down state when it changed.
    pub fn poll(&mut self, now: Instant) -> Option<bool> {
        self.killed.retain_mut(|(c, at)| match c.try_wait() {
            Ok(Some(_)) | Err(_) => false,
            Ok(None) => {
                if now.duration_since(*at) >= Duration::from_secs(2) {
                    kill_group(c, nix::sys::signal::Signal::SIGKILL);
                }
                true
            }
        });
        let mut change = None;
        if let Some((child, started)) = &mut self.running {
            match child.try_wait() {
                Ok(Some(status)) => {
                    let ok = status.success();
                    debug!(script = %self.name, ok, "script finished");
                    self.running = None;
                    change = self.health.result(ok);
                }
                Ok(None) if now.duration_since(*started) >= self.timeout => {
                    warn!(script = %self.name, timeout_ms = self.timeout.as_millis() as u64, "script timed out: killed, counted as a failure");
                    kill_group(child, nix::sys::signal::Signal::SIGTERM);
                    if let Some((c, _)) = self.running.take() {
                        self.killed.push((c, now));
                    }
                    change = self.health.result(false);
                }
                Ok(None) => {}
                Err(e) => {
                    warn!(script = %self.name, error = %e, "waiting for the script failed");
                    self.running = None;
                    change = self.health.result(false);
                }
            }
        }
        if self.running.is_none() && now >= self.next_run {
            self.next_run = now + self.interval;
            match command(&self.cmd, &[]).map(|mut c| c.spawn()) {
                Some(Ok(child)) => self.running = Some((child, now)),
                Some(Err(e)) => {
                    warn!(script = %self.name, error = %e, "cannot start the script: counted as a failure");
                    change = change.or(self.health.result(false));
                }
                None => change = change.or(self.health.result(false)),
            }
        }
        change
    }

    /// Kills what is still running (at shutdown).
    pub fn stop(&mut self) {
        if let Some((c, _)) = self.running.take() {
            kill_group(&c, nix::sys::signal::Signal::SIGKILL);
        }
        for (c, _) in self.killed.drain(..) {
            kill_group(&c, nix::sys::signal::Signal::SIGKILL);
        }
    }
}

/// Notify scripts in flight: started and left to finish, reaped as they exit.
#[derive(Default)]
pub struct Notifier {
    children: Vec<Child>,
}

impl Notifier {
    pub fn run(&mut self, cmd: &vigil_plan::Command, default_user: Option<&str>, extra: &[String]) {
        if let Some(mut c) = command(&with_user(cmd, default_user), extra) {
            match c.spawn() {
                Ok(child) => self.children.push(child),
                Err(e) => warn!(command = ?cmd.argv, error = %e, "cannot run the notify script"),
            }
        }
    }

    pub fn reap(&mut self) {
        self.children.retain_mut(|c| matches!(c.try_wait(), Ok(None)));
    }

    pub fn pending(&self) -> bool {
        !self.children.is_empty()
    }

    /// Waits up to `limit` for the children still running (notify_stop at shutdown).
    pub fn drain(&mut self, limit: Duration) {
        let end = Instant::now() + limit;
        while self.pending() && Instant::now() < end {
            self.reap();
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rise_and_fall_as_keepalived_counts() {
        // rise 2, fall 3: starts up; the first failure takes it down (initialising).
        let mut h = Health::new(2, 3, false);
        assert!(h.up);
        assert_eq!(h.result(false), Some(false));
        assert_eq!(h.result(true), None);
        assert_eq!(h.result(true), Some(true), "two successes in a row");
        assert_eq!(h.result(false), None);
        assert_eq!(h.result(false), None);
        assert_eq!(h.result(false), Some(false), "three failures in a row");
        // A failure in the middle of a rise starts it again.
        assert_eq!(h.result(true), None);
        assert_eq!(h.result(false), None);
        assert_eq!(h.result(true), None);
        assert_eq!(h.result(true), Some(true));
    }

    #[test]
    fn init_fail_starts_down_and_one_success_is_not_enough_for_rise_2() {
        let mut h = Health::new(2, 1, true);
        assert!(!h.up);
        assert_eq!(h.result(true), None);
        assert_eq!(h.result(true), Some(true));
        let mut one = Health::new(1, 1, false);
        assert_eq!(one.result(true), None);
        assert_eq!(one.result(false), Some(false));
        assert_eq!(one.result(true), Some(true));
    }

    #[test]
    fn a_hung_script_is_killed_at_its_timeout_and_fails() {
        let plan: vigil_plan::VrrpScript = serde_json::from_str(
            r#"{"name": "hang", "command": {"argv": ["/bin/sh", "-c", "sleep 30"]},
                "interval_ms": 1000, "timeout_ms": 50, "origin": {"file": "k", "line": 1}}"#,
        )
        .unwrap();
        let start = Instant::now();
        let mut s = TrackedScript::new(&plan, None, start);
        assert_eq!(s.poll(start), None);
        let mut change = None;
        while change.is_none() && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
            change = s.poll(Instant::now());
        }
        assert_eq!(change, Some(false));
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "killed at its timeout, not later"
        );
        s.stop();
    }
}
