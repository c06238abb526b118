//! Raw IP sockets for VRRP adverts (socket2), pooled as keepalived pools them: one receive
//! socket per (interface, family) shared by every instance on it and dispatched by VRID, one
//! send socket per (interface, family, source address, TTL).
//!
//! IPv4 is sent with IP_HDRINCL and a header vigild writes ([`crate::wire::ipv4_header`]),
//! as keepalived does, so TTL and TOS are exact; IPv6 gets its hop limit from the socket and
//! reports hop limit and destination through ancillary data on receive.

use crate::wire;
use nix::sys::socket::{recvmsg, setsockopt, sockopt, ControlMessageOwned, MsgFlags, SockaddrIn6};
use socket2::{Domain, InterfaceIndexOrAddress, Protocol, SockAddr, Socket, Type};
use std::io::{self, IoSliceMut, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use vigil_vrrp::RxMeta;

const VRRP: i32 = vigil_vrrp::packet::IPPROTO_VRRP as i32;

/// The receive socket's queue: 4 MiB, some 5,000 adverts.
const RX_BUFFER: usize = 4 << 20;

/// Classic BPF `ret #k` (BPF_RET | BPF_K): with k = 0, accept no byte of any packet.
pub(crate) const BPF_RET_K: u16 = 0x06;

/// A received VRRP payload and what its IP header said.
#[derive(Debug)]
pub struct Received {
    pub payload: Vec<u8>,
    pub rx: RxMeta,
}

/// The receive socket of one interface and family.
pub struct RxSocket {
    sock: Socket,
    pub v6: bool,
    pub ifname: String,
    pub ifindex: u32,
    joined: Vec<IpAddr>,
}

impl RxSocket {
    pub fn open(v6: bool, ifname: &str, ifindex: u32) -> io::Result<RxSocket> {
        let domain = if v6 { Domain::IPV6 } else { Domain::IPV4 };
        let sock = Socket::new(domain, Type::RAW, Some(Protocol::from(VRRP)))?;
        sock.bind_device(Some(ifname.as_bytes()))?;
        sock.set_nonblocking(true)?;
        // The default queue (about 270 adverts) is 27 ms of 100 instances at 10 ms: a pass of
        // the loop that adds addresses for many instances at once would drop adverts, and
        // the missed adverts make more instances master. Root may exceed rmem_max.
        if setsockopt(&sock, sockopt::RcvBufForce, &RX_BUFFER).is_err() {
            let _ = sock.set_recv_buffer_size(RX_BUFFER);
        }
        if v6 {
            sock.set_recv_hoplimit_v6(true)?;
            setsockopt(&sock, sockopt::Ipv6RecvPacketInfo, &true).map_err(io::Error::from)?;
        }
        Ok(RxSocket {
            sock,
            v6,
            ifname: ifname.to_string(),
            ifindex,
            joined: Vec::new(),
        })
    }

    /// Joins a multicast group on this socket's interface (once per group).
    pub fn join(&mut self, group: IpAddr) -> io::Result<()> {
        if self.joined.contains(&group) {
            return Ok(());
        }
        match group {
            IpAddr::V4(g) => self
                .sock
                .join_multicast_v4_n(&g, &InterfaceIndexOrAddress::Index(self.ifindex))?,
            IpAddr::V6(g) => self.sock.join_multicast_v6(&g, self.ifindex)?,
        }
        self.joined.push(group);
        Ok(())
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }

    /// The next queued advert, `Ok(None)` when the queue is empty. Datagrams that are not
    /// well-formed IP are returned with an empty payload so the caller counts them.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<Option<Received>> {
        if self.v6 {
            self.recv_v6(buf)
        } else {
            match (&self.sock).read(buf) {
                Ok(n) => {
                    let data = &buf[..n];
                    Ok(Some(match wire::parse_ipv4(data) {
                        Some(m) if m.protocol == VRRP as u8 => Received {
                            payload: data[m.header_len..m.end].to_vec(),
                            rx: RxMeta {
                                src: IpAddr::V4(m.src),
                                dst: IpAddr::V4(m.dst),
                                ttl: m.ttl,
                            },
                        },
                        _ => Received {
                            payload: Vec::new(),
                            rx: RxMeta {
                                src: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                                dst: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                                ttl: 0,
                            },
                        },
                    }))
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
                Err(e) => Err(e),
            }
        }
    }

    fn recv_v6(&self, buf: &mut [u8]) -> io::Result<Option<Received>> {
        let mut cmsg = nix::cmsg_space!(libc_in6_pktinfo, i32);
        let (n, src, dst, ttl) = {
            let mut iov = [IoSliceMut::new(buf)];
            let msg = match recvmsg::<SockaddrIn6>(self.sock.as_raw_fd(), &mut iov, Some(&mut cmsg), MsgFlags::empty())
            {
                Ok(m) => m,
                Err(nix::errno::Errno::EAGAIN) => return Ok(None),
                Err(e) => return Err(io::Error::from(e)),
            };
            let src = msg.address.map(|a| a.ip()).unwrap_or(Ipv6Addr::UNSPECIFIED);
            let mut dst = Ipv6Addr::UNSPECIFIED;
            let mut ttl = 0u8;
            if let Ok(cmsgs) = msg.cmsgs() {
                for c in cmsgs {
                    match c {
                        ControlMessageOwned::Ipv6HopLimit(h) => ttl = u8::try_from(h).unwrap_or(0),
                        ControlMessageOwned::Ipv6PacketInfo(info) => dst = Ipv6Addr::from(info.ipi6_addr.s6_addr),
                        _ => {}
                    }
                }
            }
            (msg.bytes, src, dst, ttl)
        };
        Ok(Some(Received {
            payload: buf[..n.min(buf.len())].to_vec(),
            rx: RxMeta {
                src: IpAddr::V6(src),
                dst: IpAddr::V6(dst),
                ttl,
            },
        }))
    }
}

/// Size stand-in for `cmsg_space!`: an `in6_pktinfo` is 20 bytes (16 + 4).
#[allow(non_camel_case_types)]
type libc_in6_pktinfo = [u8; 20];

/// The send socket of one interface, family, source address and TTL.
pub struct TxSocket {
    sock: Socket,
    pub src: IpAddr,
    pub ttl: Option<u8>,
    pub ifindex: u32,
    ip_id: std::cell::Cell<u16>,
}

impl TxSocket {
    pub fn open(ifname: &str, ifindex: u32, src: IpAddr, ttl: Option<u8>) -> io::Result<TxSocket> {
        let sock = match src {
            IpAddr::V4(_) => {
                let s = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(VRRP)))?;
                s.set_header_included_v4(true)?;
                s.set_multicast_loop_v4(false)?;
                s
            }
            IpAddr::V6(a) => {
                let s = Socket::new(Domain::IPV6, Type::RAW, Some(Protocol::from(VRRP)))?;
                let scope = if (a.segments()[0] & 0xffc0) == 0xfe80 {
                    ifindex
                } else {
                    0
                };
                s.bind(&SockAddr::from(SocketAddrV6::new(a, 0, 0, scope)))?;
                s.set_multicast_if_v6(ifindex)?;
                s.set_multicast_hops_v6(255)?;
                s.set_multicast_loop_v6(false)?;
                if let Some(t) = ttl {
                    s.set_unicast_hops_v6(u32::from(t))?;
                }
                s
            }
        };
        sock.bind_device(Some(ifname.as_bytes()))?;
        sock.set_nonblocking(true)?;
        // A raw socket gets a copy of every VRRP packet that arrives; this one only sends, so
        // a filter that accepts nothing keeps the kernel from queueing (and dropping) them.
        sock.attach_filter(&[socket2::SockFilter::new(BPF_RET_K, 0, 0, 0)])?;
        Ok(TxSocket {
            sock,
            src,
            ttl,
            ifindex,
            ip_id: std::cell::Cell::new(0),
        })
    }

    /// Sends one encoded VRRP payload to `dst` (a multicast group or a unicast peer).
    /// Nothing is allocated: the IPv4 header and the payload go out as two slices.
    pub fn send(&self, payload: &[u8], dst: IpAddr) -> io::Result<()> {
        match (self.src, dst) {
            (IpAddr::V4(src), IpAddr::V4(d)) => {
                let id = self.ip_id.get().wrapping_add(1);
                self.ip_id.set(id);
                let ttl = if d.is_multicast() { 255 } else { self.ttl.unwrap_or(255) };
                let header = wire::ipv4_header(src, d, ttl, id, payload.len());
                self.sock.send_to_vectored(
                    &[io::IoSlice::new(&header), io::IoSlice::new(payload)],
                    &SockAddr::from(SocketAddrV4::new(d, 0)),
                )?;
            }
            (IpAddr::V6(_), IpAddr::V6(d)) => {
                let scope = if d.is_multicast() || (d.segments()[0] & 0xffc0) == 0xfe80 {
                    self.ifindex
                } else {
                    0
                };
                self.sock
                    .send_to(payload, &SockAddr::from(SocketAddrV6::new(d, 0, 0, scope)))?;
            }
            _ => return Err(io::Error::new(io::ErrorKind::InvalidInput, "address families differ")),
        }
        Ok(())
    }
}
