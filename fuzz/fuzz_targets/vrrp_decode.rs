//! The VRRP decoder on arbitrary bytes, and the state machine on whatever decodes.
//!
//! Input layout: byte 0 picks the family (bit 0: IPv6) and whether the destination is
//! multicast (bit 1); bytes 1..5 (IPv4) or 1..17 (IPv6) are the source address; the rest is
//! the VRRP message. `decode` must never panic; whatever decodes must re-encode to the same
//! bytes (except for the v3 reserved bits, which are ignored on receipt and sent as zero) and
//! decode again to the same advert; then it is validated and fed to a backup and a master
//! instance of the same VRID, which must not panic either. Any violation panics: that is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use vigil_vrrp::packet::{decode, encode, MCAST_V4, MCAST_V6};
use vigil_vrrp::{Input, Instance, InstanceConfig, RxMeta, Time};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let v6 = flags & 1 != 0;
    let multicast = flags & 2 != 0;
    let (src, dst, bytes) = if v6 {
        if rest.len() < 16 {
            return;
        }
        let mut o = [0u8; 16];
        o.copy_from_slice(&rest[..16]);
        let src = IpAddr::V6(Ipv6Addr::from(o));
        let dst = if multicast { IpAddr::V6(MCAST_V6) } else { IpAddr::V6(Ipv6Addr::LOCALHOST) };
        (src, dst, &rest[16..])
    } else {
        if rest.len() < 4 {
            return;
        }
        let src = IpAddr::V4(Ipv4Addr::new(rest[0], rest[1], rest[2], rest[3]));
        let dst = if multicast { IpAddr::V4(MCAST_V4) } else { IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)) };
        (src, dst, &rest[4..])
    };
    let Ok(advert) = decode(bytes, src, dst) else { return };
    let again = encode(&advert, src, dst).expect("a decoded advert encodes");
    if advert.version == vigil_vrrp::Version::V2 || bytes[4] & 0xf0 == 0 {
        assert_eq!(again, bytes, "re-encode differs");
    }
    assert_eq!(decode(&again, src, dst).as_ref(), Ok(&advert), "decode(encode(decode(x)))");

    let primary = if v6 { IpAddr::V6(Ipv6Addr::LOCALHOST) } else { IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)) };
    let mut cfg = InstanceConfig::new("F", advert.vrid, advert.version, primary, advert.addrs.to_ip_addrs());
    cfg.priority = 100;
    let rx = RxMeta { src, dst, ttl: 255 };
    let _ = vigil_vrrp::validate(&advert, &cfg, &rx, None);
    let mut backup = Instance::new(cfg.clone());
    let _ = backup.handle(Time(0), Input::Startup);
    let _ = backup.handle(Time(1), Input::Advert { advert: advert.clone(), rx });
    let _ = backup.next_deadline();
    cfg.priority = 255;
    let mut master = Instance::new(cfg);
    let _ = master.handle(Time(0), Input::Startup);
    let _ = master.handle(Time(1), Input::Advert { advert, rx });
    let _ = master.handle(Time(2), Input::Timer);
});
