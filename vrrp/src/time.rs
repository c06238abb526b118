//! Time as plain numbers, passed in by the caller. The core never reads a clock.

use std::fmt;
use std::ops::{Add, Sub};

/// An instant: microseconds since an arbitrary epoch chosen by the caller (the daemon uses
/// a monotonic clock, the simulator starts at zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub u64);

/// A span of time in microseconds (keepalived's `TIMER_HZ` unit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Micros(pub u64);

impl Micros {
    pub const ZERO: Micros = Micros(0);
    pub const fn from_secs(s: u64) -> Micros {
        Micros(s * 1_000_000)
    }
    pub const fn from_millis(ms: u64) -> Micros {
        Micros(ms * 1_000)
    }
    /// Centiseconds, the VRRPv3 interval unit.
    pub const fn from_centis(cs: u64) -> Micros {
        Micros(cs * 10_000)
    }
}

impl Add<Micros> for Time {
    type Output = Time;
    fn add(self, d: Micros) -> Time {
        Time(self.0.saturating_add(d.0))
    }
}

impl Sub<Time> for Time {
    type Output = Micros;
    /// Saturating: an earlier minus a later instant is zero.
    fn sub(self, earlier: Time) -> Micros {
        Micros(self.0.saturating_sub(earlier.0))
    }
}

impl Add for Micros {
    type Output = Micros;
    fn add(self, o: Micros) -> Micros {
        Micros(self.0.saturating_add(o.0))
    }
}

impl fmt::Display for Time {
    /// Seconds with six decimals, as in the transcripts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}", self.0 / 1_000_000, self.0 % 1_000_000)
    }
}

impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}s", self.0 / 1_000_000, self.0 % 1_000_000)
    }
}
