//! Adverts captured from a real keepalived 2.2.7 (scripts/capture-vrrp-fixtures.sh): each
//! decodes, re-encodes byte for byte, and passes receive validation for a peer configured
//! like the sender. Also the VRRP-only checksum form, derived from the v3 capture and
//! confirmed by tshark.

use std::net::IpAddr;
use std::path::Path;
use vigil_vrrp::packet::{decode, encode, Addrs, Auth, ChecksumForm, Version};
use vigil_vrrp::validate::{validate, RxMeta};
use vigil_vrrp::{AuthConfig, InstanceConfig, Micros, Peer};

struct Packet {
    src: IpAddr,
    dst: IpAddr,
    ttl: u8,
    bytes: Vec<u8>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn load(name: &str) -> Vec<Packet> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let packets: Vec<Packet> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Packet {
                src: f[0].parse().unwrap(),
                dst: f[1].parse().unwrap(),
                ttl: f[2].parse().unwrap(),
                bytes: hex(f[3]),
            }
        })
        .collect();
    assert!(!packets.is_empty(), "{name}: no packets");
    packets
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Checks every packet of `name` and returns the priorities seen (in file order).
fn check(name: &str, cfg: &InstanceConfig, form: ChecksumForm, auth: Auth) -> Vec<u8> {
    let mut prios = Vec::new();
    for p in load(name) {
        let a = decode(&p.bytes, p.src, p.dst).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(a.version, cfg.version, "{name}");
        assert_eq!(a.vrid, cfg.vrid, "{name}");
        assert_eq!(a.interval, cfg.wire_interval(), "{name}");
        assert_eq!(a.checksum, form, "{name}");
        assert_eq!(a.auth, auth, "{name}");
        assert_eq!(a.addrs.to_ip_addrs(), cfg.vips, "{name}");
        assert_eq!(p.ttl, 255, "{name}: keepalived sends TTL 255");
        assert_eq!(encode(&a, p.src, p.dst).unwrap(), p.bytes, "{name}: re-encode");
        // A peer configured like the sender accepts it.
        let rx = RxMeta {
            src: p.src,
            dst: p.dst,
            ttl: p.ttl,
        };
        assert_eq!(validate(&a, cfg, &rx, None), Ok(()), "{name}");
        // One flipped bit anywhere is caught (the checksum, or a field check).
        for i in 0..p.bytes.len() {
            let mut b = p.bytes.clone();
            b[i] ^= 0x01;
            assert!(
                decode(&b, p.src, p.dst).is_err(),
                "{name}: byte {i} flipped still decodes"
            );
        }
        prios.push(a.priority);
    }
    prios
}

fn peer_config(vrid: u8, version: Version, vips: &[&str], interval: Micros) -> InstanceConfig {
    let mut c = InstanceConfig::new(
        "peer",
        vrid,
        version,
        ip("10.99.0.2"),
        vips.iter().map(|v| ip(v)).collect(),
    );
    c.advert_interval = interval;
    c
}

#[test]
fn v2_ipv4_noauth() {
    let cfg = peer_config(51, Version::V2, &["10.99.0.100", "10.99.0.101"], Micros::from_secs(1));
    // keepalived's master adverts at 200 and the priority-0 advert at SIGTERM.
    assert_eq!(
        check("v2-ipv4-noauth", &cfg, ChecksumForm::VrrpOnly, Auth::NONE),
        [200, 0]
    );
}

#[test]
fn v2_ipv4_pass() {
    let mut cfg = peer_config(52, Version::V2, &["10.99.0.102"], Micros::from_secs(1));
    // `auth_pass secret123`: only the first eight characters are sent.
    cfg.auth = AuthConfig::Pass(*b"secret12");
    assert_eq!(
        check("v2-ipv4-pass", &cfg, ChecksumForm::VrrpOnly, Auth::Pass(*b"secret12")),
        [150, 0]
    );
    // A peer with another password drops it.
    let p = &load("v2-ipv4-pass")[0];
    let a = decode(&p.bytes, p.src, p.dst).unwrap();
    cfg.auth = AuthConfig::Pass(*b"secret13");
    let rx = RxMeta {
        src: p.src,
        dst: p.dst,
        ttl: p.ttl,
    };
    assert_eq!(validate(&a, &cfg, &rx, None), Err(vigil_vrrp::Drop::AuthPassword));
}

#[test]
fn v3_ipv4_pseudo_header() {
    let cfg = peer_config(
        53,
        Version::V3,
        &["10.99.0.103", "10.99.0.104", "10.99.0.105"],
        Micros::from_millis(500),
    );
    assert_eq!(check("v3-ipv4", &cfg, ChecksumForm::PseudoHeader, Auth::NONE), [200, 0]);
}

#[test]
fn v3_ipv4_vrrp_only() {
    let cfg = peer_config(
        53,
        Version::V3,
        &["10.99.0.103", "10.99.0.104", "10.99.0.105"],
        Micros::from_millis(500),
    );
    assert_eq!(
        check("v3-ipv4-vrrp-only", &cfg, ChecksumForm::VrrpOnly, Auth::NONE),
        [200, 0]
    );
    // Same message, the two forms differ only in the checksum field.
    let a = load("v3-ipv4");
    let b = load("v3-ipv4-vrrp-only");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.bytes[..6], y.bytes[..6]);
        assert_eq!(x.bytes[8..], y.bytes[8..]);
        assert_ne!(x.bytes[6..8], y.bytes[6..8]);
    }
}

#[test]
fn v3_ipv6() {
    let mut cfg = InstanceConfig::new(
        "peer",
        54,
        Version::V3,
        ip("fe80::2"),
        vec![ip("fe80::54"), ip("2001:db8::54")],
    );
    cfg.advert_interval = Micros::from_millis(250);
    assert_eq!(check("v3-ipv6", &cfg, ChecksumForm::PseudoHeader, Auth::NONE), [120, 0]);
    let p = &load("v3-ipv6")[0];
    assert!(matches!(decode(&p.bytes, p.src, p.dst).unwrap().addrs, Addrs::V6(ref v) if v.len() == 2));
}

#[test]
fn v3_ipv4_unicast() {
    let mut cfg = peer_config(55, Version::V3, &["10.99.0.106"], Micros::from_millis(500));
    cfg.unicast_peers = vec![Peer::new(ip("10.99.0.1"))];
    cfg.check_unicast_src = true;
    // The pseudo-header uses the real (unicast) destination, not 224.0.0.18.
    assert_eq!(
        check("v3-ipv4-unicast", &cfg, ChecksumForm::PseudoHeader, Auth::NONE),
        [180, 0]
    );
    for p in load("v3-ipv4-unicast") {
        assert_eq!(p.dst, ip("10.99.0.2"));
    }
}

#[test]
fn v2_ipv4_unicast() {
    let mut cfg = peer_config(56, Version::V2, &["10.99.0.107"], Micros::from_secs(1));
    cfg.unicast_peers = vec![Peer::new(ip("10.99.0.1"))];
    assert_eq!(
        check("v2-ipv4-unicast", &cfg, ChecksumForm::VrrpOnly, Auth::NONE),
        [90, 0]
    );
}

#[test]
fn keepalived_adverts_drive_a_backup() {
    // keepalived's master advert and then its priority-0 advert, as received by a peer
    // configured like it at priority 100: the peer stays backup, then takes over after
    // its skew time (v3, the learned 50 cs: 156 × 50 × 625 / 16 µs).
    use vigil_vrrp::{Action, Input, Instance, State, Time};
    let cfg = peer_config(
        53,
        Version::V3,
        &["10.99.0.103", "10.99.0.104", "10.99.0.105"],
        Micros::from_secs(1),
    );
    let mut inst = Instance::new(cfg);
    inst.handle(Time(0), Input::Startup);
    let packets = load("v3-ipv4");
    for (k, p) in packets.iter().enumerate() {
        let advert = decode(&p.bytes, p.src, p.dst).unwrap();
        let rx = RxMeta {
            src: p.src,
            dst: p.dst,
            ttl: p.ttl,
        };
        let acts = inst.handle(Time(1_000_000 * (k as u64 + 1)), Input::Advert { advert, rx });
        assert!(!acts.iter().any(|a| matches!(a, Action::Discarded(_))), "{acts:?}");
    }
    assert_eq!(inst.state(), State::Backup);
    assert_eq!(inst.master_adver_int(), Micros::from_millis(500));
    assert_eq!(inst.next_deadline(), Some(Time(2_000_000 + 156 * 50 * 625 / 16)));
    let acts = inst.handle(inst.next_deadline().unwrap(), Input::Timer);
    assert!(acts.contains(&Action::Transition {
        from: State::Backup,
        to: State::Master
    }));
}
