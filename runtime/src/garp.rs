//! The pacing of gratuitous ARPs and unsolicited NAs per interface (`vrrp_garp_interval`,
//! `vrrp_gna_interval`), pure: which announcements go now and which wait.
//!
//! As keepalived 2.2.7 (`vrrp_arp.c` send_gratuitous_arp, `vrrp_ndisc.c`, `vrrp_scheduler.c`
//! vrrp_arp_thread): after an interface sent a GARP (IPv4) or an NA (IPv6) it sends no other
//! of that kind before the interval has passed. An announcement asked for sooner waits, once
//! per address (asking again for an address that waits adds nothing), and the waiting ones go
//! in the order of the instance's addresses as the interface allows, while the instance is
//! still master with its addresses (checked against keepalived on the wire: a burst of 3 for
//! two addresses at 0.3 s is A, A, B, 0.3 s apart).
//! Both intervals apply to every interface (the plan carries no `garp_group`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// One announcement: the interface index and the address.
pub type Announce = (u32, IpAddr);

/// The intervals and, per interface and family, when the next announcement may go.
#[derive(Clone, Debug, Default)]
pub struct Pacing {
    garp: Duration,
    gna: Duration,
    next: HashMap<(u32, bool), Instant>,
}

impl Pacing {
    pub fn new(garp_ms: u64, gna_ms: u64) -> Pacing {
        Pacing {
            garp: Duration::from_millis(garp_ms),
            gna: Duration::from_millis(gna_ms),
            next: HashMap::new(),
        }
    }

    /// The same intervals (then the times of the next announcements are kept on reload).
    pub fn same(&self, garp_ms: u64, gna_ms: u64) -> bool {
        self.garp == Duration::from_millis(garp_ms) && self.gna == Duration::from_millis(gna_ms)
    }

    fn interval(&self, v6: bool) -> Duration {
        if v6 {
            self.gna
        } else {
            self.garp
        }
    }

    /// Whether `a` may go at `now`; if so, it is counted as sent.
    fn take(&mut self, now: Instant, a: &Announce) -> bool {
        let v6 = a.1.is_ipv6();
        let interval = self.interval(v6);
        if interval.is_zero() {
            return true;
        }
        if self.next.get(&(a.0, v6)).is_some_and(|t| now < *t) {
            return false;
        }
        self.next.insert((a.0, v6), now + interval);
        true
    }

    /// A burst of `count` rounds over `addrs` (the instance's addresses, in order): what goes
    /// now, in order; the rest joins `pending` (each address once).
    pub fn burst(
        &mut self,
        now: Instant,
        addrs: &[Announce],
        count: u32,
        pending: &mut Vec<Announce>,
    ) -> Vec<Announce> {
        let mut out = Vec::new();
        for _ in 0..count {
            for a in addrs {
                if self.take(now, a) {
                    out.push(*a);
                } else if !pending.contains(a) {
                    pending.push(*a);
                }
            }
        }
        // They go in the order of the instance's addresses, as keepalived walks its list.
        pending.sort_by_key(|p| addrs.iter().position(|a| a == p).unwrap_or(usize::MAX));
        out
    }

    /// The waiting announcements that may go now (taken out of `pending`).
    pub fn drain(&mut self, now: Instant, pending: &mut Vec<Announce>) -> Vec<Announce> {
        let mut out = Vec::new();
        pending.retain(|a| {
            if self.take(now, a) {
                out.push(*a);
                false
            } else {
                true
            }
        });
        out
    }

    /// When the first of `pending` may go (an announcement waits only behind one sent).
    pub fn due(&self, pending: &[Announce]) -> Option<Instant> {
        pending
            .iter()
            .filter_map(|a| self.next.get(&(a.0, a.1.is_ipv6())).copied())
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(index: u32, addr: &str) -> Announce {
        (index, addr.parse().unwrap())
    }

    #[test]
    fn without_intervals_everything_goes_at_once() {
        let mut p = Pacing::new(0, 0);
        let mut pending = Vec::new();
        let addrs = [a(2, "10.0.0.1"), a(2, "fe80::1")];
        let now = Instant::now();
        assert_eq!(
            p.burst(now, &addrs, 2, &mut pending),
            [addrs[0], addrs[1], addrs[0], addrs[1]]
        );
        assert!(pending.is_empty());
    }

    #[test]
    fn an_interval_spaces_announcements_per_interface_and_family() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut p = Pacing::new(100, 0);
        let mut pending = Vec::new();
        let addrs = [a(2, "10.0.0.1"), a(2, "10.0.0.2"), a(3, "10.0.1.1"), a(2, "fe80::1")];
        // A burst of 3: one GARP per interface now, NAs unpaced; the rest wait once each.
        assert_eq!(
            p.burst(t0, &addrs, 3, &mut pending),
            [addrs[0], addrs[2], addrs[3], addrs[3], addrs[3]]
        );
        assert_eq!(pending, [addrs[0], addrs[1], addrs[2]], "in the addresses' order");
        assert_eq!(p.due(&pending), Some(ms(100)));
        assert_eq!(p.drain(ms(99), &mut pending), []);
        // At 100 ms each interface sends its first waiting one.
        assert_eq!(p.drain(ms(100), &mut pending), [addrs[0], addrs[2]]);
        assert_eq!(pending, [addrs[1]]);
        assert_eq!(p.due(&pending), Some(ms(200)));
        assert_eq!(p.drain(ms(250), &mut pending), [addrs[1]]);
        assert!(pending.is_empty());
        // A later burst on a quiet interface goes at once.
        assert_eq!(p.burst(ms(1000), &addrs[2..3], 1, &mut pending), [addrs[2]]);
        assert!(p.same(100, 0) && !p.same(100, 5));
    }
}
