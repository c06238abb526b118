//! The one module that talks rtnetlink (through neli): the host's links and addresses, adding
//! and removing the addresses vigild owns, and a wake-up when either changes. Everything else
//! asks this module for changes.
//!
//! Request building ([`addr_request`]) is a pure function, tested without root; the rest is
//! the thin I/O shell around it.

use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Arphrd, Ifa, IfaF, Iff, Ifla, RtAddrFamily, RtScope, Rtm};
use neli::consts::socket::NlFamily;
use neli::nl::NlPayload;
use neli::router::synchronous::NlRouter;
use neli::rtnl::{Ifaddrmsg, IfaddrmsgBuilder, Ifinfomsg, IfinfomsgBuilder, RtattrBuilder};
use neli::types::{Buffer, RtBuffer};
use neli::utils::Groups;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::net::UnixStream;

/// An interface as the kernel reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub index: u32,
    pub name: String,
    /// Administratively up and with carrier (IFF_UP and IFF_RUNNING).
    pub up: bool,
    pub mac: Option<[u8; 6]>,
}

/// An address on an interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostAddr {
    pub index: u32,
    pub addr: IpAddr,
    pub prefix_len: u8,
    /// RT_SCOPE_* (0 global, 253 link, 254 host).
    pub scope: u8,
    /// IFA_F_SECONDARY: not the interface's primary address of its subnet.
    pub secondary: bool,
}

/// The host's interfaces and addresses at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Host {
    pub links: Vec<Link>,
    pub addrs: Vec<HostAddr>,
}

impl Host {
    pub fn link(&self, name: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.name == name)
    }

    /// The address adverts of `family` leave `index` from: the first primary IPv4 address
    /// (keepalived takes the interface's primary address), or the first IPv6 link-local one.
    /// Addresses in `exclude` (our own virtual addresses) never count.
    pub fn primary(&self, index: u32, v6: bool, exclude: &[IpAddr]) -> Option<IpAddr> {
        let mut candidates = self
            .addrs
            .iter()
            .filter(|a| a.index == index && a.addr.is_ipv6() == v6 && !exclude.contains(&a.addr));
        if v6 {
            candidates
                .find(|a| matches!(a.addr, IpAddr::V6(x) if (x.segments()[0] & 0xffc0) == 0xfe80))
                .map(|a| a.addr)
        } else {
            let all: Vec<&HostAddr> = candidates.by_ref().collect();
            all.iter().find(|a| !a.secondary).or(all.first()).map(|a| a.addr)
        }
    }

    pub fn has_addr(&self, index: u32, addr: IpAddr) -> bool {
        self.addrs.iter().any(|a| a.index == index && a.addr == addr)
    }
}

/// One address vigild installs: the parts of a plan `Address` the kernel is told.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AddrSpec {
    pub index: u32,
    pub addr: IpAddr,
    pub prefix_len: u8,
    pub scope: u8,
    pub broadcast: Option<Ipv4Addr>,
    pub label: Option<String>,
    pub nodad: bool,
    pub noprefixroute: bool,
}

impl AddrSpec {
    /// `plan`'s address on interface `index`.
    pub fn of(plan: &vigil_plan::Address, index: u32) -> AddrSpec {
        let broadcast = match (&plan.broadcast, plan.address) {
            (Some(vigil_plan::Broadcast::Address(b)), _) => Some(*b),
            (Some(vigil_plan::Broadcast::HostBitsSet), IpAddr::V4(a)) => Some(host_bits(a, plan.prefix_len, true)),
            (Some(vigil_plan::Broadcast::HostBitsClear), IpAddr::V4(a)) => Some(host_bits(a, plan.prefix_len, false)),
            _ => None,
        };
        AddrSpec {
            index,
            addr: plan.address,
            prefix_len: plan.prefix_len,
            scope: plan.scope.unwrap_or(0),
            broadcast,
            label: plan.label.clone(),
            // keepalived adds every IPv6 virtual address with IFA_F_NODAD: VRRP is its DAD.
            nodad: plan.nodad || plan.address.is_ipv6(),
            noprefixroute: plan.noprefixroute,
        }
    }
}

fn host_bits(a: Ipv4Addr, prefix_len: u8, set: bool) -> Ipv4Addr {
    let mask = if prefix_len >= 32 {
        u32::MAX
    } else {
        !(u32::MAX >> prefix_len)
    };
    let n = u32::from(a);
    Ipv4Addr::from(if set { n | !mask } else { n & mask })
}

const IFA_F_NODAD: u32 = 0x02;
const IFA_F_NOPREFIXROUTE: u32 = 0x200;

fn octets(a: IpAddr) -> Vec<u8> {
    match a {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// Why a netlink request failed, with what it was for.
#[derive(Debug)]
pub struct NetlinkError(pub String);

impl std::fmt::Display for NetlinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(what: &str, e: impl std::fmt::Display) -> NetlinkError {
    NetlinkError(format!("{what}: {e}"))
}

/// The RTM_NEWADDR (`add`) or RTM_DELADDR payload for `spec`, as keepalived builds it:
/// IFA_LOCAL, and on add the broadcast, IFA_FLAGS and label.
pub fn addr_request(spec: &AddrSpec, add: bool) -> Result<Ifaddrmsg, NetlinkError> {
    let family = if spec.addr.is_ipv6() {
        RtAddrFamily::Inet6
    } else {
        RtAddrFamily::Inet
    };
    let mut attrs: RtBuffer<Ifa, Buffer> = RtBuffer::new();
    let attr = |t: Ifa, payload: Vec<u8>| {
        RtattrBuilder::default()
            .rta_type(t)
            .rta_payload(payload)
            .build()
            .map_err(|e| err("building an address attribute", e))
    };
    attrs.push(attr(Ifa::Local, octets(spec.addr))?);
    if add {
        if let Some(b) = spec.broadcast {
            attrs.push(attr(Ifa::Broadcast, b.octets().to_vec())?);
        }
        let flags = if spec.nodad { IFA_F_NODAD } else { 0 } | if spec.noprefixroute { IFA_F_NOPREFIXROUTE } else { 0 };
        if flags != 0 {
            attrs.push(attr(Ifa::Flags, flags.to_ne_bytes().to_vec())?);
        }
        if let Some(l) = &spec.label {
            let mut b = l.as_bytes().to_vec();
            b.push(0);
            attrs.push(attr(Ifa::Label, b)?);
        }
    } else if !spec.addr.is_ipv6() {
        attrs.push(attr(Ifa::Address, octets(spec.addr))?);
    }
    IfaddrmsgBuilder::default()
        .ifa_family(family)
        .ifa_prefixlen(spec.prefix_len)
        .ifa_flags(IfaF::empty())
        .ifa_scope(RtScope::from(spec.scope))
        .ifa_index(spec.index)
        .rtattrs(attrs)
        .build()
        .map_err(|e| err("building an address request", e))
}

/// The rtnetlink connection: requests with acknowledgements, and a second socket subscribed
/// to link and address events whose arrival wakes the event loop.
pub struct Netlink {
    router: NlRouter,
    _events: NlRouter,
    /// Readable when a link or address changed (one byte per event).
    pub wake: UnixStream,
}

const RTNLGRP_LINK: u32 = 1;
const RTNLGRP_IPV4_IFADDR: u32 = 5;
const RTNLGRP_IPV6_IFADDR: u32 = 9;

impl Netlink {
    pub fn open() -> Result<Netlink, NetlinkError> {
        let (router, _) =
            NlRouter::connect(NlFamily::Route, None, Groups::empty()).map_err(|e| err("opening rtnetlink", e))?;
        let (events, mut multicast) = NlRouter::connect(
            NlFamily::Route,
            None,
            Groups::new_groups(&[RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR]),
        )
        .map_err(|e| err("subscribing to link and address events", e))?;
        let (wake, mut tx) = UnixStream::pair().map_err(|e| err("creating the netlink wake-up", e))?;
        wake.set_nonblocking(true)
            .map_err(|e| err("creating the netlink wake-up", e))?;
        std::thread::Builder::new()
            .name("netlink-events".into())
            .spawn(move || {
                use std::io::Write;
                while let Some(msg) = multicast.next_typed::<u16, Buffer>() {
                    if msg.is_ok() && tx.write_all(&[1]).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| err("starting the netlink event thread", e))?;
        Ok(Netlink {
            router,
            _events: events,
            wake,
        })
    }

    /// Every link and address now.
    pub fn host(&self) -> Result<Host, NetlinkError> {
        Ok(Host {
            links: self.links()?,
            addrs: self.addrs()?,
        })
    }

    fn links(&self) -> Result<Vec<Link>, NetlinkError> {
        let msg = IfinfomsgBuilder::default()
            .ifi_family(RtAddrFamily::Unspecified)
            .ifi_type(Arphrd::from(0))
            .build()
            .map_err(|e| err("building a link dump", e))?;
        let recv = self
            .router
            .send::<_, _, Rtm, Ifinfomsg>(Rtm::Getlink, NlmF::DUMP, NlPayload::Payload(msg))
            .map_err(|e| err("dumping links", e))?;
        let mut out = Vec::new();
        for m in recv {
            let m = m.map_err(|e| err("dumping links", e))?;
            let Some(p) = m.get_payload() else { continue };
            let h = p.rtattrs().get_attr_handle();
            let Ok(name) = h.get_attr_payload_as_with_len::<String>(Ifla::Ifname) else {
                continue;
            };
            let mac = h
                .get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifla::Address)
                .ok()
                .and_then(|b| <[u8; 6]>::try_from(b).ok());
            let flags = p.ifi_flags();
            out.push(Link {
                index: u32::try_from(*p.ifi_index()).unwrap_or(0),
                name,
                up: flags.contains(Iff::UP) && flags.contains(Iff::RUNNING),
                mac,
            });
        }
        Ok(out)
    }

    fn addrs(&self) -> Result<Vec<HostAddr>, NetlinkError> {
        let msg = IfaddrmsgBuilder::default()
            .ifa_family(RtAddrFamily::Unspecified)
            .ifa_prefixlen(0)
            .ifa_scope(RtScope::Universe)
            .ifa_index(0)
            .build()
            .map_err(|e| err("building an address dump", e))?;
        let recv = self
            .router
            .send::<_, _, Rtm, Ifaddrmsg>(Rtm::Getaddr, NlmF::DUMP, NlPayload::Payload(msg))
            .map_err(|e| err("dumping addresses", e))?;
        let mut out = Vec::new();
        for m in recv {
            let m = m.map_err(|e| err("dumping addresses", e))?;
            let Some(p) = m.get_payload() else { continue };
            let h = p.rtattrs().get_attr_handle();
            let bytes = h
                .get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifa::Local)
                .or_else(|_| h.get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifa::Address));
            let addr = match bytes {
                Ok(b) if b.len() == 4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(b).unwrap_or_default())),
                Ok(b) if b.len() == 16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b).unwrap_or_default())),
                _ => continue,
            };
            out.push(HostAddr {
                index: *p.ifa_index(),
                addr,
                prefix_len: *p.ifa_prefixlen(),
                scope: u8::from(*p.ifa_scope()),
                secondary: p.ifa_flags().contains(IfaF::SECONDARY),
            });
        }
        Ok(out)
    }

    /// Adds (`add`) or removes an address and waits for the kernel's answer. Adding an
    /// address that is there already, or removing one that is not, is not an error.
    pub fn address(&self, spec: &AddrSpec, add: bool) -> Result<(), NetlinkError> {
        let what = format!(
            "{} {}/{} on interface {}",
            if add { "adding" } else { "removing" },
            spec.addr,
            spec.prefix_len,
            spec.index
        );
        let msg = addr_request(spec, add)?;
        let (kind, flags) = if add {
            (Rtm::Newaddr, NlmF::ACK | NlmF::CREATE | NlmF::REPLACE)
        } else {
            (Rtm::Deladdr, NlmF::ACK)
        };
        let recv = self
            .router
            .send::<_, _, Rtm, Ifaddrmsg>(kind, flags, NlPayload::Payload(msg))
            .map_err(|e| err(&what, e))?;
        for m in recv {
            if let Err(e) = m {
                let text = e.to_string();
                // EADDRNOTAVAIL on delete: someone removed it already.
                if !add && (text.contains("-99") || text.contains("Cannot assign")) {
                    return Ok(());
                }
                return Err(err(&what, text));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neli::ToBytes;
    use std::io::Cursor;

    fn bytes(m: &Ifaddrmsg) -> Vec<u8> {
        let mut c = Cursor::new(Vec::new());
        m.to_bytes(&mut c).unwrap();
        c.into_inner()
    }

    #[test]
    fn builds_address_requests_as_keepalived_does() {
        let spec = AddrSpec {
            index: 7,
            addr: "10.0.0.100".parse().unwrap(),
            prefix_len: 24,
            scope: 0,
            broadcast: Some("10.0.0.255".parse().unwrap()),
            label: Some("eth0:1".into()),
            nodad: false,
            noprefixroute: false,
        };
        let b = bytes(&addr_request(&spec, true).unwrap());
        // ifaddrmsg: family AF_INET, prefix 24, flags 0, scope 0, index 7.
        assert_eq!(&b[..8], &[2, 24, 0, 0, 7, 0, 0, 0]);
        // IFA_LOCAL (2): 10.0.0.100; IFA_BROADCAST (4); IFA_LABEL (3) "eth0:1\0", padded.
        assert_eq!(&b[8..16], &[8, 0, 2, 0, 10, 0, 0, 100]);
        assert_eq!(&b[16..24], &[8, 0, 4, 0, 10, 0, 0, 255]);
        assert_eq!(&b[24..35], &[11, 0, 3, 0, b'e', b't', b'h', b'0', b':', b'1', 0]);
        // Delete: IFA_LOCAL and IFA_ADDRESS (1), nothing else.
        let d = bytes(&addr_request(&spec, false).unwrap());
        assert_eq!(d.len(), 8 + 8 + 8);
        assert_eq!(&d[16..20], &[8, 0, 1, 0]);
    }

    #[test]
    fn ipv6_virtual_addresses_skip_dad() {
        let plan: vigil_plan::Address =
            serde_json::from_str(r#"{"address": "fd00::100", "prefix_len": 64, "origin": {"file": "k", "line": 1}}"#)
                .unwrap();
        let spec = AddrSpec::of(&plan, 3);
        assert!(spec.nodad);
        let b = bytes(&addr_request(&spec, true).unwrap());
        assert_eq!(b[0], 10);
        // IFA_LOCAL (20 bytes), then IFA_FLAGS (8) = IFA_F_NODAD.
        assert_eq!(&b[28..36], &[8, 0, 8, 0, 2, 0, 0, 0]);
    }

    #[test]
    fn broadcast_plus_and_minus() {
        let a: Ipv4Addr = "192.168.1.77".parse().unwrap();
        assert_eq!(host_bits(a, 24, true), "192.168.1.255".parse::<Ipv4Addr>().unwrap());
        assert_eq!(host_bits(a, 24, false), "192.168.1.0".parse::<Ipv4Addr>().unwrap());
        assert_eq!(host_bits(a, 32, true), a);
        assert_eq!(host_bits(a, 0, true), Ipv4Addr::BROADCAST);
    }

    #[test]
    fn primary_address_of_a_family() {
        let host = Host {
            links: vec![],
            addrs: vec![
                HostAddr {
                    index: 2,
                    addr: "10.0.0.100".parse().unwrap(),
                    prefix_len: 32,
                    scope: 0,
                    secondary: false,
                },
                HostAddr {
                    index: 2,
                    addr: "10.0.0.1".parse().unwrap(),
                    prefix_len: 24,
                    scope: 0,
                    secondary: false,
                },
                HostAddr {
                    index: 2,
                    addr: "fd00::1".parse().unwrap(),
                    prefix_len: 64,
                    scope: 0,
                    secondary: false,
                },
                HostAddr {
                    index: 2,
                    addr: "fe80::1".parse().unwrap(),
                    prefix_len: 64,
                    scope: 253,
                    secondary: false,
                },
            ],
        };
        let vip: IpAddr = "10.0.0.100".parse().unwrap();
        assert_eq!(host.primary(2, false, &[vip]), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(host.primary(2, true, &[]), Some("fe80::1".parse().unwrap()));
        assert_eq!(host.primary(3, false, &[]), None);
    }
}
