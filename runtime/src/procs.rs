//! Tracked processes (`vrrp_track_process`): a tracker is up while the number of running
//! processes that match it is within its quorum (`quorum` ..= `quorum_max`), with a delay
//! before a gained quorum counts (`fork_delay`) and before a lost one does
//! (`terminate_delay`). Its up/down state moves instances as any tracker does
//! (`vigil_vrrp::priority`).
//!
//! As keepalived 2.2.7 (`core/track_process.c`): the processes are found by one scan of
//! `/proc` at start (skipping zombies), then followed through the kernel's proc connector
//! (netlink `NETLINK_CONNECTOR`, `PROC_EVENT_FORK` / `EXEC` / `COMM` / `EXIT`, threads
//! ignored): a child of a counted process is counted at once (the fork delay applies), an
//! exec reads the process's name again, an exit uncounts it (the terminate delay applies).
//! When events were lost (`ENOBUFS`) `/proc` is scanned again a second later. Without the
//! proc connector (not root, a kernel without `CONFIG_PROC_EVENTS`, or no answer to the
//! subscription within a second) vigild warns and scans `/proc` every second instead.
//!
//! Matching (`Matcher`): without `full_command` the process name is the kernel's `comm`
//! (`/proc/PID/stat`, at most 15 bytes); with it (also set by parameters or `param_match`)
//! the first word of `/proc/PID/cmdline`, compared whole. The parameters are compared as
//! keepalived does: `exact` all of them, `partial` the first ones given, `initial` as partial
//! with the last one given a prefix.
//!
//! Two differences with keepalived, both where it miscounts: a process that execs and still
//! matches is counted once (keepalived counts it again), and after lost events the rescan's
//! gained quorum waits for `fork_delay` (keepalived starts a timer of `terminate_delay` and
//! reports the gain at once).
//!
//! Everything but `TrackedProcesses` (the socket and the reads of `/proc`) is pure.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};
use tracing::{debug, info, warn};
use vigil_plan::{ParamMatch, TrackProcess};

/// How often `/proc` is scanned without the proc connector, and how long after lost events
/// it is scanned again (keepalived: one second).
const RESCAN: Duration = Duration::from_secs(1);

/// How a tracked process is recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    path: Vec<u8>,
    /// The parameters, each followed by a NUL as in `/proc/PID/cmdline`; `None`: none given.
    params: Option<Vec<u8>>,
    param_match: Option<ParamMatch>,
    full_command: bool,
}

impl Matcher {
    pub fn of(t: &TrackProcess) -> Matcher {
        let path = t.process.first().map(|s| s.as_bytes().to_vec()).unwrap_or_default();
        let params = (t.process.len() > 1).then(|| {
            let mut v = Vec::new();
            for p in &t.process[1..] {
                v.extend_from_slice(p.as_bytes());
                v.push(0);
            }
            v
        });
        let param_match = t.param_match.or(params.as_ref().map(|_| ParamMatch::Exact));
        Matcher {
            full_command: t.full_command || params.is_some() || param_match.is_some(),
            path,
            params,
            param_match,
        }
    }

    /// Whether the name compared is the command line's first word (else `comm`).
    pub fn full_command(&self) -> bool {
        self.full_command
    }

    /// The bytes of the command line that are enough to decide (keepalived reads no more).
    fn cmdline_len(&self) -> usize {
        self.path.len() + 1 + self.params.as_ref().map_or(0, Vec::len) + 2
    }

    /// Whether a process whose `comm` and `/proc/PID/cmdline` are these is one of ours.
    pub fn matches(&self, comm: &[u8], cmdline: &[u8]) -> bool {
        if !self.full_command {
            return comm == self.path.as_slice();
        }
        let (argv0, rest) = match cmdline.iter().position(|&b| b == 0) {
            Some(n) => (&cmdline[..n], &cmdline[n + 1..]),
            None => (cmdline, &[][..]),
        };
        if argv0 != self.path.as_slice() {
            return false;
        }
        match self.param_match {
            None => true,
            Some(m) => check_params(m, self.params.as_deref(), rest),
        }
    }
}

/// keepalived's `check_params`: `got` is the command line after the first word.
fn check_params(m: ParamMatch, want: Option<&[u8]>, got: &[u8]) -> bool {
    let Some(want) = want else {
        // No parameters given: `exact` wants none, the others take any.
        return m != ParamMatch::Exact || got.is_empty();
    };
    if got.len() < want.len() {
        return false;
    }
    match m {
        ParamMatch::Exact => got == want,
        ParamMatch::Partial => got.starts_with(want),
        ParamMatch::Initial => want.len() == 1 || got.starts_with(&want[..want.len() - 1]),
    }
}

/// The `comm` field of `/proc/PID/stat` and whether the process is a zombie, read as
/// keepalived reads it (up to the first `)`).
pub fn comm_of_stat(stat: &[u8]) -> Option<(&[u8], bool)> {
    let open = 2 + stat.get(2..)?.iter().position(|&b| b == b'(')?;
    let close = open + stat[open..].iter().position(|&b| b == b')')?;
    let zombie = stat.get(close + 2) == Some(&b'Z');
    Some((&stat[open + 1..close], zombie))
}

/// One tracked process's count of matching processes and its quorum state.
#[derive(Clone, Debug)]
pub struct Count {
    quorum: u64,
    quorum_max: u64,
    fork_delay: Duration,
    terminate_delay: Duration,
    pids: BTreeSet<i32>,
    /// Has quorum.
    pub up: bool,
    fork_timer: Option<Instant>,
    terminate_timer: Option<Instant>,
}

impl Count {
    pub fn new(t: &TrackProcess) -> Count {
        Count {
            quorum: u64::from(t.quorum),
            quorum_max: u64::from(t.quorum_max.unwrap_or(u32::MAX)),
            fork_delay: Duration::from_millis(t.fork_delay_ms),
            terminate_delay: Duration::from_millis(t.terminate_delay_ms),
            pids: BTreeSet::new(),
            up: false,
            fork_timer: None,
            terminate_timer: None,
        }
    }

    /// How many running processes match.
    pub fn processes(&self) -> usize {
        self.pids.len()
    }

    fn in_range(&self) -> bool {
        let n = self.pids.len() as u64;
        n >= self.quorum && n <= self.quorum_max
    }

    fn set(&mut self, up: bool) -> bool {
        let changed = self.up != up;
        self.up = up;
        changed
    }

    /// The processes found by a scan at start: the state follows at once.
    pub fn start(&mut self, pids: BTreeSet<i32>) {
        self.pids = pids;
        self.fork_timer = None;
        self.terminate_timer = None;
        self.up = self.in_range();
    }

    /// `pid` now matches: a child of a counted process (`forked`, the fork delay applies) or
    /// a process whose exec or new name matches. Whether the state changed.
    pub fn add(&mut self, pid: i32, now: Instant, forked: bool) -> bool {
        if !self.pids.insert(pid) {
            return false;
        }
        let n = self.pids.len() as u64;
        if n != self.quorum && n != self.quorum_max + 1 {
            return false;
        }
        if self.terminate_timer.take().is_none() && forked && !self.fork_delay.is_zero() {
            self.fork_timer = Some(now + self.fork_delay);
            return false;
        }
        self.set(n == self.quorum)
    }

    /// `pid` no longer matches: it exited (`exited`, the terminate delay applies), or exec'd
    /// or was renamed into something else. Whether the state changed.
    pub fn remove(&mut self, pid: i32, now: Instant, exited: bool) -> bool {
        if !self.pids.remove(&pid) {
            return false;
        }
        let n = self.pids.len() as u64;
        if n + 1 != self.quorum && n != self.quorum_max {
            return false;
        }
        if self.fork_timer.take().is_none() && exited && !self.terminate_delay.is_zero() {
            self.terminate_timer = Some(now + self.terminate_delay);
            return false;
        }
        self.set(n == self.quorum_max)
    }

    /// The processes found by a scan after lost events (or by the periodic scan): a change
    /// of state waits for the delay of its direction.
    pub fn resync(&mut self, pids: BTreeSet<i32>, now: Instant) -> bool {
        self.pids = pids;
        self.fork_timer = None;
        self.terminate_timer = None;
        let want = self.in_range();
        if want == self.up {
            return false;
        }
        let delay = if want { self.fork_delay } else { self.terminate_delay };
        if delay.is_zero() {
            return self.set(want);
        }
        let at = Some(now + delay);
        if want {
            self.fork_timer = at;
        } else {
            self.terminate_timer = at;
        }
        false
    }

    /// Ends the delays that are due: the state is then whether the count is in range.
    pub fn expire(&mut self, now: Instant) -> bool {
        let mut changed = false;
        for t in [&mut self.fork_timer, &mut self.terminate_timer] {
            if t.is_some_and(|at| at <= now) {
                *t = None;
                let n = self.pids.len() as u64;
                let want = n >= self.quorum && n <= self.quorum_max;
                changed |= self.up != want;
                self.up = want;
            }
        }
        changed
    }

    pub fn deadline(&self) -> Option<Instant> {
        [self.fork_timer, self.terminate_timer].into_iter().flatten().min()
    }
}

/// Every tracked process of a plan, in plan order.
#[derive(Clone, Debug, Default)]
pub struct Table {
    procs: Vec<(String, Matcher, Count)>,
}

impl Table {
    pub fn new(defs: &[TrackProcess]) -> Table {
        Table {
            procs: defs
                .iter()
                .map(|d| (d.name.clone(), Matcher::of(d), Count::new(d)))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.procs.is_empty()
    }

    /// What has to be read of a process: its `comm`, its command line, and how many bytes
    /// of the command line are enough.
    pub fn needs(&self) -> (bool, bool, usize) {
        let comm = self.procs.iter().any(|p| !p.1.full_command);
        let cmd = self.procs.iter().any(|p| p.1.full_command);
        let len = self.procs.iter().map(|p| p.1.cmdline_len()).max().unwrap_or(0);
        (comm, cmd, len)
    }

    /// The trackers a process with this `comm` and command line matches.
    pub fn matching(&self, comm: &[u8], cmdline: &[u8]) -> Vec<usize> {
        (0..self.procs.len())
            .filter(|&k| self.procs[k].1.matches(comm, cmdline))
            .collect()
    }

    /// The scan at start: the matching pids of each tracker (same order).
    pub fn start(&mut self, found: Vec<BTreeSet<i32>>) {
        for (p, pids) in self.procs.iter_mut().zip(found) {
            p.2.start(pids);
        }
    }

    /// A later scan; whether any state changed.
    pub fn resync(&mut self, found: Vec<BTreeSet<i32>>, now: Instant) -> bool {
        let mut changed = false;
        for (p, pids) in self.procs.iter_mut().zip(found) {
            changed |= p.2.resync(pids, now);
        }
        changed
    }

    /// Whether some tracker counts `pid`.
    pub fn tracks(&self, pid: i32) -> bool {
        self.procs.iter().any(|p| p.2.pids.contains(&pid))
    }

    /// A process forked: the child counts wherever the parent does.
    pub fn fork(&mut self, parent: i32, child: i32, now: Instant) -> bool {
        let mut changed = false;
        for p in &mut self.procs {
            if p.2.pids.contains(&parent) {
                changed |= p.2.add(child, now, true);
            }
        }
        changed
    }

    /// A process exec'd and now has this `comm` and command line.
    pub fn exec(&mut self, pid: i32, comm: &[u8], cmdline: &[u8], now: Instant) -> bool {
        let mut changed = false;
        for p in &mut self.procs {
            changed |= if p.1.matches(comm, cmdline) {
                p.2.add(pid, now, false)
            } else {
                p.2.remove(pid, now, false)
            };
        }
        changed
    }

    /// A process changed its `comm` (`prctl(PR_SET_NAME)`): only the trackers of the name
    /// (not `full_command`) see it. As keepalived, a rename into the name of a tracker that
    /// already counts the process changes nothing further.
    pub fn rename(&mut self, pid: i32, comm: &[u8], now: Instant) -> bool {
        let mut changed = false;
        for p in self.procs.iter_mut().filter(|p| !p.1.full_command) {
            if p.2.pids.contains(&pid) {
                if comm == p.1.path.as_slice() {
                    return changed;
                }
                changed |= p.2.remove(pid, now, false);
            }
        }
        for p in self.procs.iter_mut().filter(|p| !p.1.full_command) {
            if comm == p.1.path.as_slice() {
                changed |= p.2.add(pid, now, false);
            }
        }
        changed
    }

    /// A process exited.
    pub fn exit(&mut self, pid: i32, now: Instant) -> bool {
        let mut changed = false;
        for p in &mut self.procs {
            changed |= p.2.remove(pid, now, true);
        }
        changed
    }

    pub fn expire(&mut self, now: Instant) -> bool {
        let mut changed = false;
        for p in &mut self.procs {
            changed |= p.2.expire(now);
        }
        changed
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.procs.iter().filter_map(|p| p.2.deadline()).min()
    }

    /// Whether tracker `name` has quorum (a name the plan does not define: up).
    pub fn up(&self, name: &str) -> bool {
        self.procs.iter().find(|p| p.0 == name).is_none_or(|p| p.2.up)
    }

    /// Each tracker's name, number of matching processes and state.
    pub fn counts(&self) -> Vec<(String, usize, bool)> {
        self.procs
            .iter()
            .map(|p| (p.0.clone(), p.2.processes(), p.2.up))
            .collect()
    }
}

// --- The proc connector's messages (linux/connector.h, linux/cn_proc.h), native endian ---

const NLMSG_HDR: usize = 16;
const CN_MSG: usize = 20;
const NLMSG_NOOP: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const CN_IDX_PROC: u32 = 1;
const CN_VAL_PROC: u32 = 1;
const NETLINK_CONNECTOR: i32 = 11;

/// The subscription (`PROC_CN_MCAST_LISTEN`) or its end (`PROC_CN_MCAST_IGNORE`).
pub fn subscribe_message(listen: bool) -> Vec<u8> {
    let mut m = Vec::with_capacity(NLMSG_HDR + CN_MSG + 4);
    m.extend_from_slice(&((NLMSG_HDR + CN_MSG + 4) as u32).to_ne_bytes());
    m.extend_from_slice(&NLMSG_DONE.to_ne_bytes());
    m.extend_from_slice(&0u16.to_ne_bytes()); // flags
    m.extend_from_slice(&0u32.to_ne_bytes()); // seq
    m.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel fills it in
    m.extend_from_slice(&CN_IDX_PROC.to_ne_bytes());
    m.extend_from_slice(&CN_VAL_PROC.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes()); // seq
    m.extend_from_slice(&0u32.to_ne_bytes()); // ack
    m.extend_from_slice(&4u16.to_ne_bytes()); // len
    m.extend_from_slice(&0u16.to_ne_bytes()); // flags
    m.extend_from_slice(&(if listen { 1u32 } else { 2u32 }).to_ne_bytes());
    m
}

/// The events vigild acts on (`pid` is the thread id, `tgid` the process id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcEvent {
    /// The kernel's answer to the subscription (`err` 0: subscribed).
    Ack {
        err: u32,
    },
    Fork {
        parent_tgid: i32,
        child_pid: i32,
        child_tgid: i32,
    },
    Exec {
        pid: i32,
        tgid: i32,
    },
    Comm {
        pid: i32,
        tgid: i32,
        comm: [u8; 16],
    },
    Exit {
        pid: i32,
        tgid: i32,
    },
}

/// One received message; `None` for one that is not a proc event of interest (or is cut).
pub fn parse_event(b: &[u8]) -> Option<ProcEvent> {
    let u16_at = |o: usize| b.get(o..o + 2).map(|s| u16::from_ne_bytes([s[0], s[1]]));
    let u32_at = |o: usize| b.get(o..o + 4).map(|s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]));
    let i32_at = |o: usize| u32_at(o).map(|v| v as i32);
    let len = u32_at(0)? as usize;
    if len < NLMSG_HDR || len > b.len() {
        return None;
    }
    let kind = u16_at(4)?;
    if kind == NLMSG_ERROR || kind == NLMSG_NOOP {
        return None;
    }
    if u32_at(NLMSG_HDR)? != CN_IDX_PROC || u32_at(NLMSG_HDR + 4)? != CN_VAL_PROC {
        return None;
    }
    let ack = u32_at(NLMSG_HDR + 12)?;
    let ev = NLMSG_HDR + CN_MSG;
    let what = u32_at(ev)?;
    if (what == 0) != (ack != 0) {
        return None;
    }
    let d = ev + 16;
    Some(match what {
        0 => ProcEvent::Ack { err: u32_at(d)? },
        0x1 => ProcEvent::Fork {
            parent_tgid: i32_at(d + 4)?,
            child_pid: i32_at(d + 8)?,
            child_tgid: i32_at(d + 12)?,
        },
        0x2 => ProcEvent::Exec {
            pid: i32_at(d)?,
            tgid: i32_at(d + 4)?,
        },
        0x200 => {
            let mut comm = [0u8; 16];
            comm.copy_from_slice(b.get(d + 8..d + 24)?);
            ProcEvent::Comm {
                pid: i32_at(d)?,
                tgid: i32_at(d + 4)?,
                comm,
            }
        }
        // PROC_EVENT_EXIT, and PROC_EVENT_NONZERO_EXIT of newer kernels.
        0x8000_0000 | 0x2000_0000 => ProcEvent::Exit {
            pid: i32_at(d)?,
            tgid: i32_at(d + 4)?,
        },
        _ => return None,
    })
}

/// A C string in a fixed buffer, up to its NUL.
fn c_str(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]
}

// --- I/O ---

/// The tracked processes of a plan, with the proc connector socket that follows them (or
/// the periodic scan that stands in for it).
pub struct TrackedProcesses {
    table: Table,
    sock: Option<socket2::Socket>,
    /// The subscription is not answered yet: give up on events at this time.
    ack_by: Option<Instant>,
    /// Scan `/proc` at this time (after lost events, or every second without events).
    rescan_at: Option<Instant>,
    polling: bool,
}

impl TrackedProcesses {
    /// Subscribes to process events (when the plan tracks any process), then scans `/proc`.
    pub fn new(defs: &[TrackProcess], now: Instant) -> TrackedProcesses {
        Self::with(defs, now, true)
    }

    fn with(defs: &[TrackProcess], now: Instant, events: bool) -> TrackedProcesses {
        let mut t = TrackedProcesses {
            table: Table::new(defs),
            sock: None,
            ack_by: None,
            rescan_at: None,
            polling: false,
        };
        if t.table.is_empty() {
            return t;
        }
        match if events {
            connect()
        } else {
            Err(std::io::Error::other("not asked for"))
        } {
            Ok(s) => {
                t.sock = Some(s);
                t.ack_by = Some(now + RESCAN);
            }
            Err(e) => t.poll_instead(now, &format!("{e}")),
        }
        let found = scan(&t.table);
        t.table.start(found);
        for (name, n, up) in t.table.counts() {
            info!(track_process = %name, processes = n, up, "tracked process");
        }
        t
    }

    fn poll_instead(&mut self, now: Instant, why: &str) {
        warn!("track_process: no process events ({why}); scanning /proc every second instead");
        self.sock = None;
        self.ack_by = None;
        self.polling = true;
        self.rescan_at = Some(now + RESCAN);
    }

    /// The fd to poll for events.
    pub fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.sock.as_ref().map(|s| s.as_fd())
    }

    /// Whether tracker `name` has quorum.
    pub fn up(&self, name: &str) -> bool {
        self.table.up(name)
    }

    /// Each tracker's name, number of matching processes and state.
    pub fn counts(&self) -> Vec<(String, usize, bool)> {
        self.table.counts()
    }

    pub fn deadline(&self) -> Option<Instant> {
        [self.table.deadline(), self.ack_by, self.rescan_at]
            .into_iter()
            .flatten()
            .min()
    }

    /// The same definitions on reload: scan again, as keepalived does.
    pub fn rescan(&mut self, now: Instant) -> bool {
        let found = scan(&self.table);
        self.table.resync(found, now)
    }

    /// Delays, scans and the subscription's answer that are due; whether a state changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        if self.ack_by.is_some_and(|t| t <= now) {
            self.poll_instead(now, "the kernel did not answer the subscription");
        }
        let mut changed = self.table.expire(now);
        if self.rescan_at.is_some_and(|t| t <= now) {
            self.rescan_at = self.polling.then(|| now + RESCAN);
            changed |= self.rescan(now);
        }
        changed
    }

    /// After the fd polled ready: handles every queued event; whether a state changed.
    pub fn ready(&mut self, now: Instant) -> bool {
        let mut changed = false;
        let mut buf = [0u8; 256];
        while let Some(sock) = &self.sock {
            let fd = sock.as_raw_fd();
            match nix::sys::socket::recvfrom::<nix::sys::socket::NetlinkAddr>(fd, &mut buf) {
                Ok((n, from)) => {
                    // Only the kernel's messages.
                    if from.map(|a| a.pid()) != Some(0) {
                        continue;
                    }
                    if let Some(ev) = parse_event(&buf[..n]) {
                        changed |= self.handle(ev, now);
                    }
                }
                Err(nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::EAGAIN) => break,
                Err(nix::errno::Errno::ENOBUFS) => {
                    warn!("track_process: process events were lost; scanning /proc again in a second");
                    self.rescan_at = Some(now + RESCAN);
                }
                Err(e) => {
                    warn!("track_process: receiving process events: {e}");
                    break;
                }
            }
        }
        changed
    }

    fn handle(&mut self, ev: ProcEvent, now: Instant) -> bool {
        match ev {
            ProcEvent::Ack { err } => {
                if self.ack_by.take().is_some() {
                    if err != 0 {
                        let e = nix::errno::Errno::from_raw(err as i32);
                        self.poll_instead(now, &format!("the kernel refused the subscription: {e}"));
                    } else {
                        debug!("track_process: the kernel answered the subscription");
                    }
                }
                false
            }
            ProcEvent::Fork {
                parent_tgid,
                child_pid,
                child_tgid,
            } if child_pid == child_tgid => self.table.fork(parent_tgid, child_tgid, now),
            ProcEvent::Exec { pid, tgid } if pid == tgid => {
                let (need_comm, need_cmd, len) = self.table.needs();
                let comm = if need_comm {
                    match read_bounded(&format!("/proc/{pid}/comm"), 17) {
                        Some(mut c) => {
                            if c.last() == Some(&b'\n') {
                                c.pop();
                            }
                            c
                        }
                        None => return false,
                    }
                } else {
                    Vec::new()
                };
                let cmdline = if need_cmd {
                    match read_bounded(&format!("/proc/{pid}/cmdline"), len) {
                        Some(c) => c,
                        None => return false,
                    }
                } else {
                    Vec::new()
                };
                self.table.exec(pid, &comm, &cmdline, now)
            }
            ProcEvent::Comm { pid, tgid, comm } if pid == tgid => self.table.rename(pid, c_str(&comm), now),
            ProcEvent::Exit { pid, tgid } if pid == tgid => self.table.exit(pid, now),
            _ => false,
        }
    }
}

impl Drop for TrackedProcesses {
    fn drop(&mut self) {
        if let Some(s) = &self.sock {
            let _ = s.send(&subscribe_message(false));
        }
    }
}

/// A proc connector socket, bound to the process events group and subscribed. The kernel
/// has the connector only in the initial network namespace (elsewhere the subscription is
/// refused with `ECONNREFUSED`): vigild started in another one (`ip netns exec`) opens the
/// socket from a thread that enters PID 1's network namespace (else its parent's, where PID
/// 1's cannot be opened), as keepalived opens it before it enters its `net_namespace`. The socket stays in the namespace it was made in; the
/// events are the same in all (they are not per namespace).
fn connect() -> std::io::Result<socket2::Socket> {
    match connect_here() {
        Err(e) if e.raw_os_error() == Some(nix::libc::ECONNREFUSED) => {
            let mut why = format!("{e}");
            let parent = nix::unistd::getppid();
            for pid in ["1".to_string(), parent.to_string()] {
                let path = format!("/proc/{pid}/ns/net");
                let p = path.clone();
                let got = std::thread::spawn(move || {
                    let ns = std::fs::File::open(&p)?;
                    nix::sched::setns(&ns, nix::sched::CloneFlags::CLONE_NEWNET)?;
                    connect_here()
                })
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the thread entering it failed")));
                match got {
                    Ok(s) => {
                        info!("track_process: process events from the network namespace of {path}");
                        return Ok(s);
                    }
                    Err(e) => why.push_str(&format!("; from {path}: {e}")),
                }
            }
            Err(std::io::Error::other(why))
        }
        r => r,
    }
}

fn connect_here() -> std::io::Result<socket2::Socket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let s = Socket::new(
        Domain::from(nix::libc::AF_NETLINK),
        Type::DGRAM.nonblocking().cloexec(),
        Some(Protocol::from(NETLINK_CONNECTOR)),
    )?;
    nix::sys::socket::bind(s.as_raw_fd(), &nix::sys::socket::NetlinkAddr::new(0, CN_IDX_PROC))?;
    s.send(&subscribe_message(true))?;
    Ok(s)
}

/// Up to `max` bytes of a file; `None` when it cannot be read (the process is gone).
fn read_bounded(path: &str, max: usize) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut out = Vec::new();
    f.take(max as u64).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The pids each tracker of `table` matches now, from `/proc` (zombies left out).
fn scan(table: &Table) -> Vec<BTreeSet<i32>> {
    let mut found = vec![BTreeSet::new(); table.procs.len()];
    let (need_comm, need_cmd, len) = table.needs();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        warn!("track_process: cannot read /proc");
        return found;
    };
    for ent in dir.flatten() {
        let name = ent.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.starts_with(|c: char| ('1'..='9').contains(&c)))
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let cmdline = if need_cmd {
            match read_bounded(&format!("/proc/{pid}/cmdline"), len) {
                Some(c) => c,
                None => continue,
            }
        } else {
            Vec::new()
        };
        let mut comm = Vec::new();
        if need_comm {
            let Some(stat) = read_bounded(&format!("/proc/{pid}/stat"), 127) else {
                continue;
            };
            match comm_of_stat(&stat) {
                Some((_, true)) | None => continue,
                Some((c, false)) => comm = c.to_vec(),
            }
        }
        for k in table.matching(&comm, &cmdline) {
            found[k].insert(pid);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(process: &[&str], param_match: Option<ParamMatch>, full: bool) -> TrackProcess {
        TrackProcess {
            name: "p".into(),
            process: process.iter().map(|s| s.to_string()).collect(),
            param_match,
            full_command: full,
            weight: 0,
            weight_reverse: false,
            quorum: 1,
            quorum_max: None,
            delay_ms: 0,
            terminate_delay_ms: 0,
            fork_delay_ms: 0,
            origin: vigil_plan::Origin {
                file: "k.conf".into(),
                line: 1,
            },
        }
    }

    #[test]
    fn names_and_parameters_match_as_keepalived_compares_them() {
        let m = |p: &[&str], pm, full| Matcher::of(&def(p, pm, full));
        // By comm.
        let by_name = m(&["sleep"], None, false);
        assert!(by_name.matches(b"sleep", b"/bin/sleep\x001000\x00"));
        assert!(!by_name.matches(b"sleeper", b"sleep\x00"));
        // full_command: the first word whole, no basename.
        let full = m(&["/bin/sleep"], None, true);
        assert!(full.matches(b"x", b"/bin/sleep\x001000\x00"));
        assert!(!full.matches(b"sleep", b"sleep\x001000\x00"));
        assert!(full.matches(b"x", b"/bin/sleep"), "a command line without its NUL");
        // Parameters: exact by default.
        let exact = m(&["sleep", "1000", "x"], None, false);
        assert!(exact.full_command());
        assert!(exact.matches(b"", b"sleep\x001000\x00x\x00"));
        assert!(!exact.matches(b"", b"sleep\x001000\x00x\x00y\x00"));
        assert!(!exact.matches(b"", b"sleep\x001000\x00"));
        assert!(!exact.matches(b"", b"sleep\x001000\x00xy\x00"));
        let partial = m(&["sleep", "1000"], Some(ParamMatch::Partial), false);
        assert!(partial.matches(b"", b"sleep\x001000\x00"));
        assert!(partial.matches(b"", b"sleep\x001000\x00more\x00"));
        assert!(!partial.matches(b"", b"sleep\x0010000\x00"));
        let initial = m(&["sleep", "10"], Some(ParamMatch::Initial), false);
        assert!(initial.matches(b"", b"sleep\x0010\x00"));
        assert!(initial.matches(b"", b"sleep\x0010000\x00"));
        assert!(initial.matches(b"", b"sleep\x0010000\x00more\x00"));
        assert!(!initial.matches(b"", b"sleep\x001\x00"));
        // param_match without parameters: exact wants none, the others any.
        let none_exact = m(&["sleep"], Some(ParamMatch::Exact), false);
        assert!(none_exact.matches(b"", b"sleep\x00"));
        assert!(!none_exact.matches(b"", b"sleep\x001\x00"));
        assert!(m(&["sleep"], Some(ParamMatch::Partial), false).matches(b"", b"sleep\x001\x00"));
    }

    #[test]
    fn reads_comm_and_zombies_from_stat() {
        assert_eq!(comm_of_stat(b"123 (sleep) S 1 2 3"), Some((&b"sleep"[..], false)));
        assert_eq!(comm_of_stat(b"123 (sl eep) Z 1"), Some((&b"sl eep"[..], true)));
        // As keepalived: up to the first ')'.
        assert_eq!(comm_of_stat(b"9 (a)b) R"), Some((&b"a"[..], false)));
        assert_eq!(comm_of_stat(b"123 sleep"), None);
    }

    fn count(quorum: u32, quorum_max: Option<u32>, fork: u64, term: u64) -> Count {
        let mut d = def(&["x"], None, false);
        d.quorum = quorum;
        d.quorum_max = quorum_max;
        d.fork_delay_ms = fork;
        d.terminate_delay_ms = term;
        Count::new(&d)
    }

    #[test]
    fn quorum_and_quorum_max() {
        let t0 = Instant::now();
        let mut c = count(2, Some(3), 0, 0);
        c.start(BTreeSet::from([10]));
        assert!(!c.up);
        assert!(c.add(11, t0, false), "two: quorum");
        assert!(!c.add(11, t0, false), "counted once");
        assert!(!c.add(12, t0, true));
        assert!(c.up);
        assert!(c.add(13, t0, true), "four: above quorum_max");
        assert!(!c.up);
        assert!(c.remove(13, t0, true), "back to three");
        assert!(c.up);
        assert!(!c.remove(99, t0, true), "not counted");
        assert!(!c.remove(12, t0, true));
        assert!(c.remove(11, t0, true), "one: below quorum");
        assert!(!c.up);
        // quorum_max 0: up while none runs.
        let mut z = count(0, Some(0), 0, 0);
        z.start(BTreeSet::new());
        assert!(z.up);
        assert!(z.add(5, t0, false));
        assert!(!z.up);
        assert!(z.remove(5, t0, true));
        assert!(z.up);
    }

    #[test]
    fn fork_and_terminate_delays() {
        let t0 = Instant::now();
        let s = |n| t0 + Duration::from_millis(n);
        let mut c = count(1, None, 500, 300);
        c.start(BTreeSet::new());
        // An exec'd match counts at once; a forked child waits for fork_delay.
        assert!(c.add(1, s(0), false));
        assert!(c.remove(1, s(0), false), "exec into something else: at once");
        assert!(!c.add(2, s(0), true));
        assert_eq!(c.deadline(), Some(s(500)));
        assert!(!c.expire(s(499)));
        assert!(c.expire(s(500)));
        assert!(c.up);
        // Exit waits for terminate_delay; a new child within it cancels it, state kept.
        assert!(!c.remove(2, s(600), true));
        assert_eq!(c.deadline(), Some(s(900)));
        assert!(!c.add(3, s(700), true));
        assert_eq!(c.deadline(), None);
        assert!(c.up);
        // Exit while the fork delay runs: the delay is cancelled and the state follows.
        assert!(!c.remove(3, s(800), true));
        assert!(c.expire(s(1100)));
        assert!(!c.up);
        assert!(!c.add(4, s(1200), true));
        assert!(!c.remove(4, s(1300), true), "fork timer cancelled, still down");
        assert_eq!(c.deadline(), None);
        assert!(!c.up);
        // A rescan waits for the delay of its direction.
        assert!(!c.resync(BTreeSet::from([7]), s(2000)));
        assert_eq!(c.deadline(), Some(s(2500)));
        assert!(c.expire(s(2500)));
        assert!(!c.resync(BTreeSet::from([7, 8]), s(2600)));
        assert!(c.up);
    }

    #[test]
    fn the_table_follows_forks_execs_renames_and_exits() {
        let t0 = Instant::now();
        let mut by_name = def(&["sleep"], None, false);
        by_name.name = "n".into();
        let mut full = def(&["sleep", "1000"], None, false);
        full.name = "f".into();
        let mut t = Table::new(&[by_name, full]);
        assert_eq!(t.needs(), (true, true, 5 + 1 + 5 + 2));
        t.start(vec![BTreeSet::new(), BTreeSet::new()]);
        assert!(!t.up("n") && !t.up("f") && t.up("undefined"));
        // A shell forks (not counted), the child execs sleep 1000.
        assert!(!t.fork(100, 101, t0));
        assert!(t.exec(101, b"sleep", b"sleep\x001000\x00", t0));
        assert!(t.up("n") && t.up("f"));
        // It forks: the child counts for both at once (no fork delay).
        assert!(!t.fork(101, 102, t0));
        assert_eq!(t.counts(), [("n".into(), 2, true), ("f".into(), 2, true)]);
        // The child renames itself: gone from the name tracker only.
        assert!(!t.rename(102, b"other", t0));
        assert_eq!(t.counts()[0].1, 1);
        assert_eq!(t.counts()[1].1, 2);
        // Renaming to the same name changes nothing.
        assert!(!t.rename(101, b"sleep", t0));
        assert_eq!(t.counts()[0].1, 1);
        // Exec into something else, then exits.
        assert!(!t.exec(102, b"true", b"/bin/true\x00", t0));
        assert!(!t.tracks(102));
        assert!(t.exit(101, t0));
        assert!(!t.up("n") && !t.up("f"));
    }

    #[test]
    fn builds_and_reads_proc_connector_messages() {
        let m = subscribe_message(true);
        assert_eq!(m.len(), 40);
        assert_eq!(&m[..4], &40u32.to_ne_bytes());
        assert_eq!(&m[4..6], &3u16.to_ne_bytes());
        assert_eq!(&m[16..20], &1u32.to_ne_bytes());
        assert_eq!(&m[32..34], &4u16.to_ne_bytes());
        assert_eq!(&m[36..], &1u32.to_ne_bytes());
        assert_eq!(&subscribe_message(false)[36..], &2u32.to_ne_bytes());

        let msg = |what: u32, ack: u32, data: &[i32]| {
            let mut b = Vec::new();
            let len = 16 + 20 + 16 + 4 * data.len() as u32;
            b.extend_from_slice(&len.to_ne_bytes());
            b.extend_from_slice(&3u16.to_ne_bytes());
            b.extend_from_slice(&[0; 10]);
            for v in [1u32, 1, 7, ack] {
                b.extend_from_slice(&v.to_ne_bytes());
            }
            b.extend_from_slice(&(16 + 4 * data.len() as u16).to_ne_bytes());
            b.extend_from_slice(&0u16.to_ne_bytes());
            b.extend_from_slice(&what.to_ne_bytes());
            b.extend_from_slice(&0u32.to_ne_bytes());
            b.extend_from_slice(&0u64.to_ne_bytes());
            for v in data {
                b.extend_from_slice(&v.to_ne_bytes());
            }
            b
        };
        assert_eq!(parse_event(&msg(0, 1, &[0])), Some(ProcEvent::Ack { err: 0 }));
        assert_eq!(parse_event(&msg(0, 1, &[1])), Some(ProcEvent::Ack { err: 1 }));
        assert_eq!(parse_event(&msg(0, 0, &[0])), None, "an ack without ack");
        assert_eq!(
            parse_event(&msg(1, 0, &[10, 10, 11, 11])),
            Some(ProcEvent::Fork {
                parent_tgid: 10,
                child_pid: 11,
                child_tgid: 11
            })
        );
        assert_eq!(parse_event(&msg(1, 1, &[10, 10, 11, 11])), None, "an event marked ack");
        assert_eq!(
            parse_event(&msg(2, 0, &[5, 5])),
            Some(ProcEvent::Exec { pid: 5, tgid: 5 })
        );
        assert_eq!(
            parse_event(&msg(0x8000_0000, 0, &[5, 5, 0, 9, 1, 1])),
            Some(ProcEvent::Exit { pid: 5, tgid: 5 })
        );
        let comm = i32::from_ne_bytes(*b"abc\0");
        assert_eq!(
            parse_event(&msg(0x200, 0, &[5, 5, comm, 0, 0, 0])),
            Some(ProcEvent::Comm {
                pid: 5,
                tgid: 5,
                comm: *b"abc\0\0\0\0\0\0\0\0\0\0\0\0\0"
            })
        );
        assert_eq!(parse_event(&msg(4, 0, &[5, 5, 0, 0])), None, "uid changes are not read");
        // Cut messages are dropped, never read past.
        let full = msg(1, 0, &[10, 10, 11, 11]);
        for n in 0..full.len() {
            assert_eq!(parse_event(&full[..n]), None, "{n}");
        }
        let mut other = msg(2, 0, &[5, 5]);
        other[16] = 2;
        assert_eq!(parse_event(&other), None, "another connector");
    }

    /// Real processes, followed by events (root) and by the periodic scan (anyone).
    #[test]
    fn follows_a_real_process() {
        let tag = format!("1000.{}", std::process::id());
        let d = def(&["sleep", &tag], None, false);
        let root = nix::unistd::geteuid().is_root();
        for events in [true, false] {
            if events && !root {
                eprintln!("skipping the proc connector part: not root");
                continue;
            }
            let mut t = TrackedProcesses::with(std::slice::from_ref(&d), Instant::now(), events);
            assert_eq!(t.fd().is_some(), events);
            assert!(!t.up("p"));
            let wait_for = |t: &mut TrackedProcesses, up: bool| {
                let end = Instant::now() + Duration::from_secs(5);
                while Instant::now() < end {
                    let now = Instant::now();
                    t.ready(now);
                    t.tick(now);
                    if t.up("p") == up {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                panic!("track_process did not become {}", if up { "up" } else { "down" });
            };
            let mut child = std::process::Command::new("sleep").arg(&tag).spawn().unwrap();
            wait_for(&mut t, true);
            assert_eq!(t.fd().is_some(), events, "still on events");
            assert!(t.ack_by.is_none(), "the subscription was answered");
            child.kill().unwrap();
            child.wait().unwrap();
            wait_for(&mut t, false);
            assert_eq!(t.fd().is_some(), events, "still on events");
            // Started while it runs: the scan finds it.
            let mut child = std::process::Command::new("sleep").arg(&tag).spawn().unwrap();
            std::thread::sleep(Duration::from_millis(50));
            assert!(TrackedProcesses::with(std::slice::from_ref(&d), Instant::now(), events).up("p"));
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}
