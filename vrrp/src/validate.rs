//! Receive validation of a decoded advert against the instance it is for: RFC 3768 §7.1 /
//! RFC 5798 §7.1 plus keepalived 2.2.7's rules (`vrrp_check_packet`, `vrrp_state_backup`),
//! in keepalived's order, so the first failing check names the drop.

use crate::config::{AuthConfig, InstanceConfig};
use crate::packet::{Advert, Auth, Version, VRRP_TTL};
use std::net::IpAddr;

/// What the shell knows about a received packet besides its VRRP payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RxMeta {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IPv4 TTL or IPv6 hop limit as received.
    pub ttl: u8,
}

/// Why a well-formed advert is dropped: one variant per reason, for counters and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Drop {
    /// Multicast advert with TTL/hop limit other than 255 (RFC 5798 §7.1).
    Ttl {
        ttl: u8,
    },
    /// Unicast advert outside the peer's configured `min_ttl`..=`max_ttl`.
    PeerTtl {
        ttl: u8,
    },
    VersionMismatch,
    /// v2: the auth type differs from ours.
    AuthTypeMismatch {
        received: u8,
        expected: u8,
    },
    /// v2 PASS: the password differs (compared without an early exit).
    AuthPassword,
    /// v2 AH is recognised but not implemented here.
    AuthAhUnsupported,
    /// v2: the Adver Int differs from ours (RFC 3768 §7.1; keepalived drops, "to prevent
    /// concurrent VRID running").
    IntervalMismatch {
        received: u16,
        expected: u16,
    },
    /// An interval of zero (v3) would make the down timer the skew alone.
    ZeroInterval,
    VridMismatch {
        received: u8,
    },
    /// The address count differs from our VIP count.
    AddressCount {
        received: usize,
        expected: usize,
    },
    /// One of our VIPs is missing from the advert.
    AddressMissing(IpAddr),
    /// A multicast destination on a unicast instance, or a unicast one on a multicast instance.
    WrongDestinationMode,
    /// `check_unicast_src`: the source is none of our peers.
    UnknownSource,
    /// We are the owner and configured to ignore adverts (RFC; `owner_ignore_adverts`).
    OwnerIgnores,
    /// The advert carries our own source address (a loop, or a misconfigured peer).
    OwnAddress,
}

/// Checks `advert` for `cfg`. `known_master` is the source of the last accepted advert:
/// with `skip_check_adv_addr`, adverts from it skip the address list check (keepalived).
pub fn validate(advert: &Advert, cfg: &InstanceConfig, rx: &RxMeta, known_master: Option<IpAddr>) -> Result<(), Drop> {
    let unicast = cfg.is_unicast();
    let peer = cfg.unicast_peers.iter().find(|p| p.addr == rx.src);
    if !unicast && rx.ttl != VRRP_TTL {
        return Err(Drop::Ttl { ttl: rx.ttl });
    }
    if let Some(p) = peer {
        if rx.ttl < p.min_ttl || rx.ttl > p.max_ttl {
            return Err(Drop::PeerTtl { ttl: rx.ttl });
        }
    }
    if advert.version != cfg.version {
        return Err(Drop::VersionMismatch);
    }
    if advert.version == Version::V2 {
        let expected = match cfg.auth {
            AuthConfig::None => 0,
            AuthConfig::Pass(_) => 1,
            AuthConfig::Ah => 2,
        };
        let received = advert.auth.type_code();
        if received != expected {
            return Err(Drop::AuthTypeMismatch { received, expected });
        }
        match (cfg.auth, advert.auth) {
            (AuthConfig::Pass(ours), Auth::Pass(theirs)) => {
                // Constant time, as keepalived's memcmp_constant_time.
                let diff = ours.iter().zip(theirs.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
                if diff != 0 {
                    return Err(Drop::AuthPassword);
                }
            }
            (AuthConfig::Ah, _) => return Err(Drop::AuthAhUnsupported),
            _ => {}
        }
        if advert.interval != cfg.wire_interval() {
            return Err(Drop::IntervalMismatch {
                received: advert.interval,
                expected: cfg.wire_interval(),
            });
        }
    }
    if advert.interval == 0 {
        return Err(Drop::ZeroInterval);
    }
    if advert.vrid != cfg.vrid {
        return Err(Drop::VridMismatch { received: advert.vrid });
    }
    let check_addrs = !cfg.skip_check_adv_addr || known_master != Some(rx.src);
    if check_addrs && advert.addrs.len() != cfg.vips.len() {
        return Err(Drop::AddressCount {
            received: advert.addrs.len(),
            expected: cfg.vips.len(),
        });
    }
    let multicast_dst = match rx.dst {
        IpAddr::V4(d) => d.is_multicast(),
        IpAddr::V6(d) => d.is_multicast(),
    };
    if multicast_dst == unicast {
        return Err(Drop::WrongDestinationMode);
    }
    if check_addrs {
        let theirs = advert.addrs.to_ip_addrs();
        if let Some(missing) = cfg.vips.iter().find(|v| !theirs.contains(v)) {
            return Err(Drop::AddressMissing(*missing));
        }
    }
    if unicast && cfg.check_unicast_src && peer.is_none() {
        return Err(Drop::UnknownSource);
    }
    if cfg.is_owner() && cfg.owner_ignore_adverts {
        return Err(Drop::OwnerIgnores);
    }
    if rx.src == cfg.primary_addr {
        return Err(Drop::OwnAddress);
    }
    Ok(())
}

/// The destination a multicast advert of `cfg`'s family is sent to.
pub fn multicast_group(cfg: &InstanceConfig) -> IpAddr {
    cfg.mcast_dst
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Peer;
    use crate::packet::{Addrs, ChecksumForm};
    use crate::time::Micros;
    use std::net::Ipv4Addr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn cfg(version: Version) -> InstanceConfig {
        InstanceConfig::new(
            "VI_1",
            51,
            version,
            ip("10.0.0.1"),
            vec![ip("10.0.0.100"), ip("10.0.0.101")],
        )
    }

    fn advert(version: Version) -> Advert {
        Advert {
            version,
            vrid: 51,
            priority: 100,
            interval: if version == Version::V2 { 1 } else { 100 },
            auth: Auth::NONE,
            addrs: Addrs::V4(vec![Ipv4Addr::new(10, 0, 0, 101), Ipv4Addr::new(10, 0, 0, 100)]),
            checksum: if version == Version::V2 {
                ChecksumForm::VrrpOnly
            } else {
                ChecksumForm::PseudoHeader
            },
        }
    }

    fn rx(src: &str, dst: &str, ttl: u8) -> RxMeta {
        RxMeta {
            src: ip(src),
            dst: ip(dst),
            ttl,
        }
    }

    #[test]
    fn accepts_and_drops() {
        let c = cfg(Version::V2);
        let a = advert(Version::V2);
        let m = rx("10.0.0.2", "224.0.0.18", 255);
        assert_eq!(validate(&a, &c, &m, None), Ok(()));
        assert_eq!(
            validate(&a, &c, &rx("10.0.0.2", "224.0.0.18", 64), None),
            Err(Drop::Ttl { ttl: 64 })
        );
        assert_eq!(validate(&advert(Version::V3), &c, &m, None), Err(Drop::VersionMismatch));
        assert_eq!(
            validate(
                &Advert {
                    interval: 2,
                    ..a.clone()
                },
                &c,
                &m,
                None
            ),
            Err(Drop::IntervalMismatch {
                received: 2,
                expected: 1
            })
        );
        assert_eq!(
            validate(&Advert { vrid: 52, ..a.clone() }, &c, &m, None),
            Err(Drop::VridMismatch { received: 52 })
        );
        let short = Advert {
            addrs: Addrs::V4(vec![Ipv4Addr::new(10, 0, 0, 100)]),
            ..a.clone()
        };
        assert_eq!(
            validate(&short, &c, &m, None),
            Err(Drop::AddressCount {
                received: 1,
                expected: 2
            })
        );
        let other = Advert {
            addrs: Addrs::V4(vec![Ipv4Addr::new(10, 0, 0, 100), Ipv4Addr::new(10, 0, 0, 9)]),
            ..a.clone()
        };
        assert_eq!(
            validate(&other, &c, &m, None),
            Err(Drop::AddressMissing(ip("10.0.0.101")))
        );
        // skip_check_adv_addr: only for the master we know.
        let skip = InstanceConfig {
            skip_check_adv_addr: true,
            ..c.clone()
        };
        assert_eq!(validate(&other, &skip, &m, Some(ip("10.0.0.2"))), Ok(()));
        assert_eq!(
            validate(&other, &skip, &m, Some(ip("10.0.0.3"))),
            Err(Drop::AddressMissing(ip("10.0.0.101")))
        );
        assert_eq!(
            validate(&a, &c, &rx("10.0.0.2", "10.0.0.1", 255), None),
            Err(Drop::WrongDestinationMode)
        );
        assert_eq!(
            validate(&a, &c, &rx("10.0.0.1", "224.0.0.18", 255), None),
            Err(Drop::OwnAddress)
        );
        let owner = InstanceConfig {
            priority: 255,
            owner_ignore_adverts: true,
            ..c.clone()
        };
        assert_eq!(validate(&a, &owner, &m, None), Err(Drop::OwnerIgnores));
    }

    #[test]
    fn auth() {
        let c = InstanceConfig {
            auth: AuthConfig::Pass(*b"secret12"),
            ..cfg(Version::V2)
        };
        let m = rx("10.0.0.2", "224.0.0.18", 255);
        let a = advert(Version::V2);
        assert_eq!(
            validate(&a, &c, &m, None),
            Err(Drop::AuthTypeMismatch {
                received: 0,
                expected: 1
            })
        );
        let good = Advert {
            auth: Auth::pass("secret12"),
            ..a.clone()
        };
        assert_eq!(validate(&good, &c, &m, None), Ok(()));
        let bad = Advert {
            auth: Auth::pass("secret13"),
            ..a.clone()
        };
        assert_eq!(validate(&bad, &c, &m, None), Err(Drop::AuthPassword));
        let ah = InstanceConfig {
            auth: AuthConfig::Ah,
            ..cfg(Version::V2)
        };
        let a_ah = Advert {
            auth: Auth::Ah([0; 8]),
            ..a
        };
        assert_eq!(validate(&a_ah, &ah, &m, None), Err(Drop::AuthAhUnsupported));
    }

    #[test]
    fn unicast() {
        let mut c = cfg(Version::V3);
        c.advert_interval = Micros::from_secs(1);
        c.unicast_peers = vec![
            Peer {
                addr: ip("10.0.0.2"),
                min_ttl: 250,
                max_ttl: 255,
            },
            Peer::new(ip("10.0.0.3")),
        ];
        c.check_unicast_src = true;
        let a = advert(Version::V3);
        // TTL is not checked for unicast, except against a peer's range.
        assert_eq!(validate(&a, &c, &rx("10.0.0.3", "10.0.0.1", 64), None), Ok(()));
        assert_eq!(
            validate(&a, &c, &rx("10.0.0.2", "10.0.0.1", 64), None),
            Err(Drop::PeerTtl { ttl: 64 })
        );
        assert_eq!(
            validate(&a, &c, &rx("10.0.0.4", "10.0.0.1", 255), None),
            Err(Drop::UnknownSource)
        );
        assert_eq!(
            validate(&a, &c, &rx("10.0.0.3", "224.0.0.18", 255), None),
            Err(Drop::WrongDestinationMode)
        );
        // v3 does not compare intervals (the backup learns the master's).
        assert_eq!(
            validate(
                &Advert {
                    interval: 7,
                    ..a.clone()
                },
                &c,
                &rx("10.0.0.3", "10.0.0.1", 255),
                None
            ),
            Ok(())
        );
        assert_eq!(
            validate(&Advert { interval: 0, ..a }, &c, &rx("10.0.0.3", "10.0.0.1", 255), None),
            Err(Drop::ZeroInterval)
        );
    }
}
