//! A sync group on its own: a transcript of the group rules.

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};
use vigil_vrrp::packet::{Addrs, Advert, Auth, ChecksumForm, Version};
use vigil_vrrp::{Action, Input, Instance, InstanceConfig, Micros, RxMeta, State, SyncGroup, Time};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn member(vrid: u8, interval_ms: u64) -> Instance {
    let mut c = InstanceConfig::new(
        &format!("VI_{vrid}"),
        vrid,
        Version::V3,
        ip("10.0.0.2"),
        vec![ip(&format!("10.0.{vrid}.100"))],
    );
    c.advert_interval = Micros::from_millis(interval_ms);
    Instance::new(c)
}

fn advert(vrid: u8, priority: u8) -> Input {
    Input::Advert {
        advert: Advert {
            version: Version::V3,
            vrid,
            priority,
            interval: 100,
            auth: Auth::NONE,
            addrs: Addrs::V4(vec![Ipv4Addr::new(10, 0, vrid, 100)]),
            checksum: ChecksumForm::PseudoHeader,
        },
        rx: RxMeta {
            src: ip("10.0.0.1"),
            dst: ip("224.0.0.18"),
            ttl: 255,
        },
    }
}

fn log(out: &mut String, now: Time, what: &str, g: &SyncGroup, acts: &[(usize, Action)]) {
    let states: Vec<String> = g.members().iter().map(|m| format!("{:?}", m.state())).collect();
    let _ = writeln!(out, "{now} {what} -> [{}]", states.join(", "));
    for (i, a) in acts {
        let _ = writeln!(out, "    VI_{} {a:?}", i + 1);
    }
}

#[test]
fn sync_group_transcript() {
    // VI_1 advertises every second, VI_2 every 2 s: their down timers run out at different
    // times, and the group goes master only when both have.
    let mut g = SyncGroup::new("G", vec![member(1, 1000), member(2, 2000)]);
    let mut out = String::new();
    let acts = g.handle_all(Time(0), Input::Startup);
    log(&mut out, Time(0), "Startup", &g, &acts);
    let until = |g: &mut SyncGroup, out: &mut String, end: u64| {
        while let Some(d) = g.next_deadline() {
            if d.0 > end {
                break;
            }
            let acts = g.timer(d);
            log(out, d, "Timer", g, &acts);
        }
    };
    until(&mut g, &mut out, 7_500_000);
    assert!(g.members().iter().all(|m| m.state() == State::Master));
    // VI_2 hears a higher priority: both go back to backup.
    let acts = g.handle(Time(8_000_000), 1, advert(2, 200));
    log(&mut out, Time(8_000_000), "VI_2 advert prio 200", &g, &acts);
    assert!(g.members().iter().all(|m| m.state() == State::Backup));
    // VI_1 faults: both fault; cleared: both backup.
    let acts = g.handle(Time(9_000_000), 0, Input::Fault);
    log(&mut out, Time(9_000_000), "VI_1 Fault", &g, &acts);
    assert!(g.members().iter().all(|m| m.state() == State::Fault));
    let acts = g.handle(Time(10_000_000), 0, Input::FaultCleared);
    log(&mut out, Time(10_000_000), "VI_1 FaultCleared", &g, &acts);
    assert!(g.members().iter().all(|m| m.state() == State::Backup));
    until(&mut g, &mut out, 20_000_000);
    insta::assert_snapshot!(out);
}
