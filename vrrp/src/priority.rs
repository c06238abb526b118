//! Effective priority from trackers, as a pure function (keepalived 2.2.7 `vrrp_track.c`:
//! process_script_update_priority, initialise_track_script_state,
//! vrrp_set_effective_priority).
//!
//! Each tracked object (script, interface, file, process, BFD) is up or down. With
//! `reverse` keepalived multiplies the weight by −1, which comes to the same as inverting
//! the object's state:
//!
//! * weight 0: the instance is in FAULT while the (possibly inverted) object is down;
//! * weight > 0: adds the weight while it is up;
//! * weight < 0: adds the (negative) weight while it is down.
//!
//! The total is clamped to 1..=254; an owner (255) is never adjusted, but a weight-0
//! tracker still faults it.
//!
//! A tracked file (`track_file`) has a number instead of up/down (keepalived 2.2.7
//! `track_file.c`: update_track_file_status): with weight 0 a non-zero number is a fault (with
//! `reverse`, zero is); otherwise it adds number × weight (× −1 with `reverse`), clamped to
//! −254..=253, and −254 is a fault.

/// One tracked object as seen by one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tracker {
    /// −254..=254 (keepalived's range); 0 means "fault when down".
    pub weight: i32,
    pub reverse: bool,
    pub up: bool,
    /// A tracked file's number (then `up` is not read); `None` for the other objects.
    pub value: Option<i64>,
}

impl Tracker {
    pub fn new(weight: i32, reverse: bool) -> Tracker {
        Tracker {
            weight,
            reverse,
            up: true,
            value: None,
        }
    }
    /// A tracked file reading `value`.
    pub fn file(weight: i32, reverse: bool, value: i64) -> Tracker {
        Tracker {
            value: Some(value),
            ..Tracker::new(weight, reverse)
        }
    }
    /// A file's status: its number times the weight (and −1 with reverse), in −254..=253.
    fn file_status(&self, v: i64) -> i32 {
        let m = if self.reverse { -1 } else { 1 };
        v.saturating_mul(i64::from(self.weight))
            .saturating_mul(m)
            .clamp(-254, 253) as i32
    }
    fn effective_up(&self) -> bool {
        self.up != self.reverse
    }
    /// What this tracker adds to the priority now.
    pub fn contribution(&self) -> i32 {
        if let Some(v) = self.value {
            return if self.weight == 0 { 0 } else { self.file_status(v) };
        }
        match self.weight {
            w if w > 0 && self.effective_up() => w,
            w if w < 0 && !self.effective_up() => w,
            _ => 0,
        }
    }
    pub fn faults(&self) -> bool {
        if let Some(v) = self.value {
            return if self.weight == 0 {
                (v != 0) != self.reverse
            } else {
                self.file_status(v) == -254
            };
        }
        self.weight == 0 && !self.effective_up()
    }
}

/// The outcome of the trackers for one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tracked {
    Priority(u8),
    /// A weight-0 tracker is down.
    Fault,
}

/// The effective priority for configured priority `base` and the trackers.
pub fn effective_priority(base: u8, trackers: &[Tracker]) -> Tracked {
    if trackers.iter().any(Tracker::faults) {
        return Tracked::Fault;
    }
    if base == 255 {
        return Tracked::Priority(255);
    }
    let total = i64::from(base) + trackers.iter().map(|t| i64::from(t.contribution())).sum::<i64>();
    Tracked::Priority(total.clamp(1, 254) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(weight: i32, reverse: bool, up: bool) -> Tracker {
        Tracker {
            weight,
            reverse,
            up,
            value: None,
        }
    }

    #[test]
    fn a_tracked_file_multiplies_its_number_by_the_weight() {
        let f = Tracker::file;
        // Weight 0: non-zero is a fault; reversed, zero is.
        assert_eq!(effective_priority(100, &[f(0, false, 0)]), Tracked::Priority(100));
        assert_eq!(effective_priority(100, &[f(0, false, 3)]), Tracked::Fault);
        assert_eq!(effective_priority(100, &[f(0, false, -1)]), Tracked::Fault);
        assert_eq!(effective_priority(100, &[f(0, true, 0)]), Tracked::Fault);
        assert_eq!(effective_priority(100, &[f(0, true, 7)]), Tracked::Priority(100));
        // Weighted: number x weight, reverse negates.
        assert_eq!(effective_priority(100, &[f(10, false, 3)]), Tracked::Priority(130));
        assert_eq!(effective_priority(100, &[f(-10, false, 3)]), Tracked::Priority(70));
        assert_eq!(effective_priority(100, &[f(10, true, 3)]), Tracked::Priority(70));
        assert_eq!(effective_priority(100, &[f(-10, false, 0)]), Tracked::Priority(100));
        // Clamped to -254..=253, and -254 is a fault; the total to 1..=254.
        assert_eq!(effective_priority(100, &[f(-2, false, 126)]), Tracked::Priority(1));
        assert_eq!(
            effective_priority(100, &[f(-2, false, 127)]),
            Tracked::Fault,
            "-254 exactly"
        );
        assert_eq!(effective_priority(100, &[f(-2, false, 127_000)]), Tracked::Fault);
        assert_eq!(effective_priority(100, &[f(254, false, 1)]), Tracked::Priority(254));
        assert_eq!(
            effective_priority(100, &[f(i32::MAX, false, i64::MAX)]),
            Tracked::Priority(254)
        );
        // `up` is not read for a file.
        let mut down = f(10, false, 1);
        down.up = false;
        assert_eq!(effective_priority(100, &[down]), Tracked::Priority(110));
    }

    #[test]
    fn weights_and_signs() {
        assert_eq!(effective_priority(100, &[]), Tracked::Priority(100));
        assert_eq!(effective_priority(100, &[t(20, false, true)]), Tracked::Priority(120));
        assert_eq!(effective_priority(100, &[t(20, false, false)]), Tracked::Priority(100));
        assert_eq!(effective_priority(100, &[t(-30, false, true)]), Tracked::Priority(100));
        assert_eq!(effective_priority(100, &[t(-30, false, false)]), Tracked::Priority(70));
        assert_eq!(
            effective_priority(100, &[t(20, false, true), t(-30, false, false)]),
            Tracked::Priority(90)
        );
    }

    #[test]
    fn reverse_inverts_the_state() {
        assert_eq!(effective_priority(100, &[t(20, true, true)]), Tracked::Priority(100));
        assert_eq!(effective_priority(100, &[t(20, true, false)]), Tracked::Priority(120));
        assert_eq!(effective_priority(100, &[t(-30, true, true)]), Tracked::Priority(70));
        assert_eq!(effective_priority(100, &[t(-30, true, false)]), Tracked::Priority(100));
        assert_eq!(effective_priority(100, &[t(0, true, true)]), Tracked::Fault);
        assert_eq!(effective_priority(100, &[t(0, true, false)]), Tracked::Priority(100));
    }

    #[test]
    fn clamps_owner_and_fault() {
        assert_eq!(effective_priority(250, &[t(20, false, true)]), Tracked::Priority(254));
        assert_eq!(effective_priority(10, &[t(-50, false, false)]), Tracked::Priority(1));
        assert_eq!(effective_priority(255, &[t(-50, false, false)]), Tracked::Priority(255));
        assert_eq!(effective_priority(255, &[t(0, false, false)]), Tracked::Fault);
        assert_eq!(
            effective_priority(100, &[t(0, false, false), t(50, false, true)]),
            Tracked::Fault
        );
        assert_eq!(
            effective_priority(100, &[t(0, false, true), t(50, false, true)]),
            Tracked::Priority(150)
        );
    }
}
