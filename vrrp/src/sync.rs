//! Sync groups as a pure layer over several instances (keepalived `vrrp_sync.c`): the
//! members move together.
//!
//! * one member in FAULT puts every member in FAULT (vrrp_sync_fault); they leave it when
//!   no member is faulted any more;
//! * one member going from MASTER to BACKUP sends the other masters to BACKUP
//!   (vrrp_sync_backup);
//! * a member whose master-down timer runs out only *wants* MASTER; the group goes MASTER
//!   when every member wants it ("prefer backup to avoid thrashing",
//!   vrrp_sync_can_goto_master); a member that hears a master again stops wanting.

use crate::instance::{Action, Input, Instance, State};
use crate::time::Time;

/// A group of instances on one router.
#[derive(Clone, Debug)]
pub struct SyncGroup {
    pub name: String,
    members: Vec<Instance>,
}

impl SyncGroup {
    pub fn new(name: &str, mut members: Vec<Instance>) -> SyncGroup {
        for m in &mut members {
            m.set_sync_held(true);
        }
        SyncGroup {
            name: name.to_string(),
            members,
        }
    }

    pub fn members(&self) -> &[Instance] {
        &self.members
    }

    pub fn next_deadline(&self) -> Option<Time> {
        self.members.iter().filter_map(Instance::next_deadline).min()
    }

    /// Delivers `input` to member `index` and then applies the group rules. Actions are
    /// returned with the index of the member they belong to.
    pub fn handle(&mut self, now: Time, index: usize, input: Input) -> Vec<(usize, Action)> {
        let mut out = Vec::new();
        if index >= self.members.len() {
            return out;
        }
        let mut acts = Vec::new();
        self.members[index].handle_into(now, input, &mut acts);
        out.extend(acts.into_iter().map(|a| (index, a)));
        self.settle(now, &mut out);
        out
    }

    /// Delivers `input` to every member (startup, shutdown), then applies the rules.
    pub fn handle_all(&mut self, now: Time, input: Input) -> Vec<(usize, Action)> {
        let mut out = Vec::new();
        for (i, m) in self.members.iter_mut().enumerate() {
            let mut acts = Vec::new();
            m.handle_into(now, input.clone(), &mut acts);
            out.extend(acts.into_iter().map(|a| (i, a)));
        }
        self.settle(now, &mut out);
        out
    }

    /// Fires the timers of every member that is due.
    pub fn timer(&mut self, now: Time) -> Vec<(usize, Action)> {
        let mut out = Vec::new();
        for (i, m) in self.members.iter_mut().enumerate() {
            if m.next_deadline().is_some_and(|d| d <= now) {
                let mut acts = Vec::new();
                m.handle_into(now, Input::Timer, &mut acts);
                out.extend(acts.into_iter().map(|a| (i, a)));
            }
        }
        self.settle(now, &mut out);
        out
    }

    fn settle(&mut self, now: Time, out: &mut Vec<(usize, Action)>) {
        // Each pass can only move members towards fault, backup or master once; three
        // passes reach a fixed point.
        let mut seen = 0;
        for _ in 0..3 {
            let before = out.len();
            let any_fault = self.members.iter().any(Instance::own_fault);
            for (i, m) in self.members.iter_mut().enumerate() {
                let mut acts = Vec::new();
                m.set_group_fault(now, any_fault && !m.own_fault(), &mut acts);
                out.extend(acts.into_iter().map(|a| (i, a)));
            }
            let someone_left_master = out[seen..].iter().any(|(_, a)| {
                matches!(
                    a,
                    Action::Transition {
                        from: State::Master,
                        to: State::Backup
                    }
                )
            });
            seen = out.len();
            if someone_left_master {
                for (i, m) in self.members.iter_mut().enumerate() {
                    let mut acts = Vec::new();
                    m.force_backup(now, &mut acts);
                    out.extend(acts.into_iter().map(|a| (i, a)));
                }
            }
            let all_want = self
                .members
                .iter()
                .all(|m| m.wants_master() || m.state() == State::Master);
            if all_want && self.members.iter().any(Instance::wants_master) {
                for (i, m) in self.members.iter_mut().enumerate() {
                    let mut acts = Vec::new();
                    m.promote(now, &mut acts);
                    out.extend(acts.into_iter().map(|a| (i, a)));
                }
            }
            if out.len() == before {
                break;
            }
        }
    }
}
