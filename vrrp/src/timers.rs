//! Skew time and master-down interval, in microseconds, exactly as keepalived 2.2.7
//! computes them (`include/vrrp.h`):
//!
//! ```text
//! VRRP_TIMER_SKEW_CALC(v, p) = v3: (p * (master_adver_int / TIMER_CENTI_HZ) * 625) / 16
//!                              v2: p * TIMER_HZ / 256
//! VRRP_TIMER_SKEW(v)         = SKEW_CALC(v, 256 - effective_priority)
//! VRRP_TIMER_SKEW_MIN(v)     = SKEW_CALC(v, 1)
//! VRRP_MS_DOWN_TIMER(v)      = down_timer_adverts * master_adver_int + SKEW(v)
//! ```
//!
//! All in integer µs (TIMER_HZ = 1 000 000, TIMER_CENTI_HZ = 10 000), truncating like C.
//! RFC 3768 §6.1: Skew_Time = (256 − Priority) / 256 s; RFC 5798 §6.1:
//! ((256 − Priority) × Master_Adver_Interval) / 256. v2 has no learned interval: the
//! "master" interval is always our own.

use crate::packet::Version;
use crate::time::Micros;

const TIMER_HZ: u64 = 1_000_000;
const TIMER_CENTI_HZ: u64 = 10_000;

fn skew_calc(version: Version, pri_val: u64, master_adver_int: Micros) -> Micros {
    match version {
        Version::V3 => Micros((pri_val * (master_adver_int.0 / TIMER_CENTI_HZ) * 625) / 16),
        Version::V2 => Micros(pri_val * TIMER_HZ / 256),
    }
}

/// Skew_Time for `priority` (the effective one; an owner's is 255).
pub fn skew_time(version: Version, priority: u8, master_adver_int: Micros) -> Micros {
    skew_calc(version, 256 - u64::from(priority), master_adver_int)
}

/// The smallest skew (priority 255), used by keepalived for `state MASTER` at startup.
pub fn skew_min(version: Version, master_adver_int: Micros) -> Micros {
    skew_calc(version, 1, master_adver_int)
}

/// Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time.
pub fn master_down_interval(
    version: Version,
    priority: u8,
    master_adver_int: Micros,
    down_timer_adverts: u32,
) -> Micros {
    Micros(u64::from(down_timer_adverts) * master_adver_int.0) + skew_time(version, priority, master_adver_int)
}

/// The interval carried in an advert, in µs: v2 seconds, v3 centiseconds (12 bits).
pub fn advert_interval(version: Version, wire: u16) -> Micros {
    match version {
        Version::V2 => Micros(u64::from(wire) * TIMER_HZ),
        Version::V3 => Micros(u64::from(wire & 0x0fff) * TIMER_CENTI_HZ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S1: Micros = Micros::from_secs(1);

    #[test]
    fn v2_one_second() {
        // (256-100)/256 s = 0.609375 s; 3 × 1 s + that = 3.609375 s (runtime.md §1.5).
        assert_eq!(skew_time(Version::V2, 100, S1), Micros(609_375));
        assert_eq!(master_down_interval(Version::V2, 100, S1, 3), Micros(3_609_375));
        // priority 254: 2/256 s = 7812.5 µs, truncated.
        assert_eq!(master_down_interval(Version::V2, 254, S1, 3), Micros(3_007_812));
        // priority 1: 255/256 s.
        assert_eq!(master_down_interval(Version::V2, 1, S1, 3), Micros(3_996_093));
        // v2 skew does not scale with the interval (seconds-based).
        assert_eq!(skew_time(Version::V2, 100, Micros::from_secs(5)), Micros(609_375));
        assert_eq!(
            master_down_interval(Version::V2, 100, Micros::from_secs(5), 3),
            Micros(15_609_375)
        );
    }

    #[test]
    fn v3_centiseconds() {
        // 100 cs, prio 100: 156 × 100 × 625 / 16 = 609 375 µs.
        assert_eq!(master_down_interval(Version::V3, 100, S1, 3), Micros(3_609_375));
        // 50 ms, prio 100: 156 × 5 × 625 / 16 = 30 468.75 → 30 468; + 150 ms = 180.468 ms
        // (measured 181.1 ms against keepalived, runtime.md §4.3).
        assert_eq!(skew_time(Version::V3, 100, Micros::from_millis(50)), Micros(30_468));
        assert_eq!(
            master_down_interval(Version::V3, 100, Micros::from_millis(50), 3),
            Micros(180_468)
        );
        // 10 ms, prio 100: 6 093.75 → 6 093; 36.093 ms.
        assert_eq!(
            master_down_interval(Version::V3, 100, Micros::from_millis(10), 3),
            Micros(36_093)
        );
        // 10 ms, prio 254: 78.125 → 78; 30.078 ms.
        assert_eq!(
            master_down_interval(Version::V3, 254, Micros::from_millis(10), 3),
            Micros(30_078)
        );
        // 10 ms, prio 150: 106 × 625 / 16 = 4 140.625 → 4 140.
        assert_eq!(skew_time(Version::V3, 150, Micros::from_millis(10)), Micros(4_140));
        // The largest interval, 40.95 s, prio 1.
        assert_eq!(
            master_down_interval(Version::V3, 1, Micros::from_centis(4095), 3),
            Micros(3 * 40_950_000 + 255 * 4095 * 625 / 16)
        );
        // Sub-centisecond parts of a learned interval are dropped by the skew, as in C.
        assert_eq!(skew_time(Version::V3, 100, Micros(19_999)), Micros(6_093));
    }

    #[test]
    fn down_timer_adverts_and_min_skew() {
        // man5 down_timer_adverts: 1 advert at 10 ms, prio 254: 10.078 ms (runtime.md §5.1).
        assert_eq!(
            master_down_interval(Version::V3, 254, Micros::from_millis(10), 1),
            Micros(10_078)
        );
        // issue #2179's suggestion: 0.1 s with 30 adverts.
        assert_eq!(
            master_down_interval(Version::V3, 100, Micros::from_millis(100), 30),
            Micros(3_060_937)
        );
        assert_eq!(skew_min(Version::V3, S1), Micros(3_906));
        assert_eq!(skew_min(Version::V2, S1), Micros(3_906));
        // Priority 255 (owner) has the minimum skew.
        assert_eq!(skew_time(Version::V3, 255, S1), skew_min(Version::V3, S1));
    }

    #[test]
    fn wire_intervals() {
        assert_eq!(advert_interval(Version::V2, 1), S1);
        assert_eq!(advert_interval(Version::V3, 100), S1);
        assert_eq!(advert_interval(Version::V3, 0xf064), Micros(1_000_000));
        assert_eq!(advert_interval(Version::V3, 4095), Micros(40_950_000));
    }
}
