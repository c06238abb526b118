//! Bytes around the VRRP payload, as pure functions: the IPv4 header vigild writes (raw
//! socket with IP_HDRINCL, as keepalived), the IPv4 header it reads, and the link-layer
//! announcements of a new master (gratuitous ARP, unsolicited neighbour advertisement).

use std::net::{Ipv4Addr, Ipv6Addr};
use vigil_vrrp::packet::{fold, pseudo_header_sum_v6, sum_bytes};

/// keepalived's TOS for adverts: internetwork control.
pub const TOS_INTERNETWORK_CONTROL: u8 = 0xc0;

/// A 20-byte IPv4 header for a VRRP payload of `payload_len` bytes.
pub fn ipv4_header(src: Ipv4Addr, dst: Ipv4Addr, ttl: u8, id: u16, payload_len: usize) -> [u8; 20] {
    let total = (20 + payload_len).min(usize::from(u16::MAX)) as u16;
    let mut h = [0u8; 20];
    h[0] = 0x45;
    h[1] = TOS_INTERNETWORK_CONTROL;
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h[4..6].copy_from_slice(&id.to_be_bytes());
    h[8] = ttl;
    h[9] = vigil_vrrp::packet::IPPROTO_VRRP;
    h[12..16].copy_from_slice(&src.octets());
    h[16..20].copy_from_slice(&dst.octets());
    let c = !fold(sum_bytes(0, &h));
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h
}

/// What a received IPv4 datagram says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Meta {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    pub protocol: u8,
    /// Where the payload starts.
    pub header_len: usize,
    /// Where it ends (the header's total length, bounded by what was read).
    pub end: usize,
}

/// Reads the IPv4 header a raw socket delivers; `None` for anything that is not one.
pub fn parse_ipv4(b: &[u8]) -> Option<Ipv4Meta> {
    if b.len() < 20 || b[0] >> 4 != 4 {
        return None;
    }
    let header_len = usize::from(b[0] & 0x0f) * 4;
    if header_len < 20 || b.len() < header_len {
        return None;
    }
    let total = usize::from(u16::from_be_bytes([b[2], b[3]]));
    Some(Ipv4Meta {
        src: Ipv4Addr::new(b[12], b[13], b[14], b[15]),
        dst: Ipv4Addr::new(b[16], b[17], b[18], b[19]),
        ttl: b[8],
        protocol: b[9],
        header_len,
        end: total.clamp(header_len, b.len()),
    })
}

/// A gratuitous ARP request for `ip` from `mac`, broadcast (keepalived's form: an ARP request
/// whose sender and target address are both `ip`, target hardware address broadcast).
pub fn garp(mac: [u8; 6], ip: Ipv4Addr) -> Vec<u8> {
    let mut f = Vec::with_capacity(42);
    f.extend_from_slice(&[0xff; 6]);
    f.extend_from_slice(&mac);
    f.extend_from_slice(&0x0806u16.to_be_bytes());
    f.extend_from_slice(&1u16.to_be_bytes()); // Ethernet
    f.extend_from_slice(&0x0800u16.to_be_bytes());
    f.push(6);
    f.push(4);
    f.extend_from_slice(&1u16.to_be_bytes()); // request
    f.extend_from_slice(&mac);
    f.extend_from_slice(&ip.octets());
    f.extend_from_slice(&[0xff; 6]);
    f.extend_from_slice(&ip.octets());
    f
}

/// An unsolicited neighbour advertisement for `ip` from `mac` to all nodes (ff02::1), with
/// the override flag and the target link-layer address option, in an Ethernet frame.
pub fn unsolicited_na(mac: [u8; 6], ip: Ipv6Addr, router: bool) -> Vec<u8> {
    let all_nodes = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
    let mut icmp = Vec::with_capacity(32);
    icmp.push(136);
    icmp.push(0);
    icmp.extend_from_slice(&[0, 0]);
    icmp.push(0x20 | if router { 0x80 } else { 0 });
    icmp.extend_from_slice(&[0, 0, 0]);
    icmp.extend_from_slice(&ip.octets());
    icmp.extend_from_slice(&[2, 1]);
    icmp.extend_from_slice(&mac);
    // The ICMPv6 pseudo-header has next header 58; the VRRP helper writes 112, so correct it.
    let sum = pseudo_header_sum_v6(ip, all_nodes, icmp.len()) + 58 - u64::from(vigil_vrrp::packet::IPPROTO_VRRP);
    let c = !fold(sum_bytes(sum, &icmp));
    icmp[2..4].copy_from_slice(&c.to_be_bytes());
    let mut f = Vec::with_capacity(14 + 40 + icmp.len());
    f.extend_from_slice(&[0x33, 0x33, 0, 0, 0, 1]);
    f.extend_from_slice(&mac);
    f.extend_from_slice(&0x86ddu16.to_be_bytes());
    f.extend_from_slice(&[0x60, 0, 0, 0]);
    f.extend_from_slice(&(icmp.len() as u16).to_be_bytes());
    f.push(58);
    f.push(255);
    f.extend_from_slice(&ip.octets());
    f.extend_from_slice(&all_nodes.octets());
    f.extend_from_slice(&icmp);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_header_round_trip_and_checksum() {
        let h = ipv4_header("10.0.0.1".parse().unwrap(), "224.0.0.18".parse().unwrap(), 255, 7, 20);
        assert_eq!(fold(sum_bytes(0, &h)), 0xffff, "a valid header sums to all ones");
        let mut pkt = h.to_vec();
        pkt.extend_from_slice(&[0; 20]);
        let m = parse_ipv4(&pkt).unwrap();
        assert_eq!((m.ttl, m.protocol, m.header_len, m.end), (255, 112, 20, 40));
        assert_eq!(m.dst, "224.0.0.18".parse::<Ipv4Addr>().unwrap());
        assert_eq!(h[1], 0xc0);
    }

    #[test]
    fn parse_ipv4_refuses_garbage() {
        assert_eq!(parse_ipv4(&[]), None);
        assert_eq!(parse_ipv4(&[0x65; 40]), None);
        let mut short = ipv4_header(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, 1, 0, 0).to_vec();
        short[0] = 0x4f; // claims 60 bytes of header
        assert_eq!(parse_ipv4(&short), None);
        // A total length beyond what was read is bounded.
        let h = ipv4_header(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, 1, 0, 1000);
        assert_eq!(parse_ipv4(&h).unwrap().end, 20);
    }

    #[test]
    fn garp_layout() {
        let f = garp([2, 0, 0, 0, 0, 1], "10.0.0.100".parse().unwrap());
        assert_eq!(f.len(), 42);
        assert_eq!(&f[12..14], &[8, 6]);
        assert_eq!(&f[28..32], &[10, 0, 0, 100]);
        assert_eq!(&f[38..42], &[10, 0, 0, 100]);
    }

    #[test]
    fn na_checksum_is_valid() {
        let ip: Ipv6Addr = "fd00::100".parse().unwrap();
        let f = unsolicited_na([2, 0, 0, 0, 0, 1], ip, false);
        let icmp = &f[54..];
        let all = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
        let sum = pseudo_header_sum_v6(ip, all, icmp.len()) + 58 - 112;
        assert_eq!(fold(sum_bytes(sum, icmp)), 0xffff);
        assert_eq!(icmp[4], 0x20);
    }
}
