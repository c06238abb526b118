//! One VRRP instance on its own or a sync group of them, behind one interface: what a
//! router runs for each. The simulator and the daemon both drive these, so they cannot
//! disagree on how a group's members are delivered their inputs.

use crate::instance::{Action, Input, Instance};
use crate::sync::SyncGroup;
use crate::time::Time;

/// A lone instance or a sync group; actions come back with the member index they belong to
/// (always 0 for a lone instance).
#[derive(Clone, Debug)]
pub enum Unit {
    Single(Box<Instance>),
    Group(SyncGroup),
}

impl Unit {
    /// The members, in order (one for a lone instance).
    pub fn members(&self) -> Vec<&Instance> {
        match self {
            Unit::Single(i) => vec![i],
            Unit::Group(g) => g.members().iter().collect(),
        }
    }

    /// How many members (one for a lone instance).
    pub fn len(&self) -> usize {
        match self {
            Unit::Single(_) => 1,
            Unit::Group(g) => g.members().len(),
        }
    }

    /// Whether it has no member (an empty sync group).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn next_deadline(&self) -> Option<Time> {
        match self {
            Unit::Single(i) => i.next_deadline(),
            Unit::Group(g) => g.next_deadline(),
        }
    }
    pub fn instance(&self, member: usize) -> &Instance {
        match self {
            Unit::Single(i) => i,
            Unit::Group(g) => &g.members()[member],
        }
    }
    pub fn handle(&mut self, now: Time, member: usize, input: Input) -> Vec<(usize, Action)> {
        match self {
            Unit::Single(i) => i.handle(now, input).into_iter().map(|a| (0, a)).collect(),
            Unit::Group(g) => g.handle(now, member, input),
        }
    }
    pub fn handle_all(&mut self, now: Time, input: Input) -> Vec<(usize, Action)> {
        match self {
            Unit::Single(i) => i.handle(now, input).into_iter().map(|a| (0, a)).collect(),
            Unit::Group(g) => g.handle_all(now, input),
        }
    }
    /// As [`Unit::timer`], appending to `out` with `scratch` as the lone instance's buffer:
    /// a master of many instances fires a timer per advert, and this allocates nothing.
    pub fn timer_into(&mut self, now: Time, scratch: &mut Vec<Action>, out: &mut Vec<(usize, Action)>) {
        match self {
            Unit::Single(i) => {
                if i.next_deadline().is_some_and(|d| d <= now) {
                    scratch.clear();
                    i.handle_into(now, Input::Timer, scratch);
                    out.extend(scratch.drain(..).map(|a| (0, a)));
                }
            }
            Unit::Group(g) => out.extend(g.timer(now)),
        }
    }

    pub fn timer(&mut self, now: Time) -> Vec<(usize, Action)> {
        match self {
            Unit::Single(i) => {
                if i.next_deadline().is_some_and(|d| d <= now) {
                    i.handle(now, Input::Timer).into_iter().map(|a| (0, a)).collect()
                } else {
                    Vec::new()
                }
            }
            Unit::Group(g) => g.timer(now),
        }
    }
}
