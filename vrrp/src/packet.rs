//! VRRP advertisements on the wire: the VRRP message only (the IP header is the shell's).
//!
//! Contract: [`decode`] never panics, on any input; every length is checked before a read.
//! [`encode`] of a consistent [`Advert`] (see [`Advert::is_consistent`]) followed by
//! [`decode`] gives the same value back.
//!
//! VRRPv2 (RFC 3768 §5.1):
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Auth Type   |   Adver Int   |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         IP Address (1..n)                     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     Authentication Data (1)                   |
//! |                     Authentication Data (2)                   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! VRRPv3 (RFC 5798 §5.2, RFC 9568 §5.2):
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |(rsvd) |     Max Adver Int     |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     IPvX Address(es) (1..n)                   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Checksums (runtime.md §1.4): v2 over the VRRP message only; over IPv6 always with the
//! IPv6 pseudo-header (the kernel's IPV6_CHECKSUM does that for any version, so keepalived's
//! VRRPv2-over-IPv6 has it too); v3 over IPv4 either with the IPv4 pseudo-header
//! (keepalived's and FRR's default) or without it (RFC 9568, Cisco, Juniper, keepalived's
//! later `v3_checksum_as_v2`). Decoding accepts either for v3 over IPv4 and says which.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IP protocol number / IPv6 next header of VRRP.
pub const IPPROTO_VRRP: u8 = 112;
/// The multicast destinations (RFC 5798 §5.1.1.2, §5.1.2.2).
pub const MCAST_V4: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 18);
pub const MCAST_V6: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x12);
/// TTL / hop limit every advert is sent with and multicast adverts must arrive with.
pub const VRRP_TTL: u8 = 255;
/// Size of the fixed header, both versions.
pub const HEADER_LEN: usize = 8;
/// Size of the v2 authentication data.
pub const AUTH_LEN: usize = 8;
/// The only packet type (ADVERTISEMENT).
pub const TYPE_ADVERT: u8 = 1;

/// The protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    V2,
    V3,
}

/// The address family of the IP header carrying the advert (and of its address list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(addr: &IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }
    pub fn addr_len(self) -> usize {
        match self {
            Family::V4 => 4,
            Family::V6 => 16,
        }
    }
}

/// v2 authentication (RFC 2338 §5.3.6; "reserved" in RFC 3768, kept by keepalived).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Auth {
    /// Type 0; the auth data is carried as is (zero when keepalived sends).
    None([u8; AUTH_LEN]),
    /// Type 1: simple text password, the first 8 bytes, zero padded.
    Pass([u8; AUTH_LEN]),
    /// Type 2: IPsec AH. Recognised and reported only: the AH header is in front of this
    /// message in the IP packet and is the shell's to check (this core does not).
    Ah([u8; AUTH_LEN]),
}

impl Auth {
    /// No authentication with zero auth data: what keepalived sends.
    pub const NONE: Auth = Auth::None([0; AUTH_LEN]);

    /// A PASS password from configuration text: only the first eight bytes count (man5).
    pub fn pass(text: &str) -> Auth {
        let mut data = [0u8; AUTH_LEN];
        for (d, b) in data.iter_mut().zip(text.bytes()) {
            *d = b;
        }
        Auth::Pass(data)
    }
    pub fn type_code(&self) -> u8 {
        match self {
            Auth::None(_) => 0,
            Auth::Pass(_) => 1,
            Auth::Ah(_) => 2,
        }
    }
    pub fn data(&self) -> &[u8; AUTH_LEN] {
        match self {
            Auth::None(d) | Auth::Pass(d) | Auth::Ah(d) => d,
        }
    }
}

/// Which checksum a packet carries (or is to carry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChecksumForm {
    /// One's complement sum including the IP pseudo-header (v3 default in keepalived/FRR;
    /// always for IPv6).
    PseudoHeader,
    /// Over the VRRP message only (v2 always; v3 IPv4 per RFC 9568 / `v3_checksum_as_v2`).
    VrrpOnly,
}

/// The address list, all of one family.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Addrs {
    V4(Vec<Ipv4Addr>),
    V6(Vec<Ipv6Addr>),
}

impl Addrs {
    pub fn family(&self) -> Family {
        match self {
            Addrs::V4(_) => Family::V4,
            Addrs::V6(_) => Family::V6,
        }
    }
    pub fn len(&self) -> usize {
        match self {
            Addrs::V4(v) => v.len(),
            Addrs::V6(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The addresses as `IpAddr`s, in packet order.
    pub fn to_ip_addrs(&self) -> Vec<IpAddr> {
        match self {
            Addrs::V4(v) => v.iter().map(|a| IpAddr::V4(*a)).collect(),
            Addrs::V6(v) => v.iter().map(|a| IpAddr::V6(*a)).collect(),
        }
    }
    /// Builds a list from `IpAddr`s of `family`; `None` when one is of the other family.
    /// The addresses of `family` among `addrs`, in order (those of the other family left out).
    pub fn of_family(family: Family, addrs: &[IpAddr]) -> Addrs {
        match family {
            Family::V4 => Addrs::V4(
                addrs
                    .iter()
                    .filter_map(|a| match a {
                        IpAddr::V4(a) => Some(*a),
                        IpAddr::V6(_) => None,
                    })
                    .collect(),
            ),
            Family::V6 => Addrs::V6(
                addrs
                    .iter()
                    .filter_map(|a| match a {
                        IpAddr::V6(a) => Some(*a),
                        IpAddr::V4(_) => None,
                    })
                    .collect(),
            ),
        }
    }

    pub fn from_ip_addrs(family: Family, addrs: &[IpAddr]) -> Option<Addrs> {
        match family {
            Family::V4 => addrs
                .iter()
                .map(|a| match a {
                    IpAddr::V4(a) => Some(*a),
                    IpAddr::V6(_) => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(Addrs::V4),
            Family::V6 => addrs
                .iter()
                .map(|a| match a {
                    IpAddr::V6(a) => Some(*a),
                    IpAddr::V4(_) => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(Addrs::V6),
        }
    }
}

/// One decoded advertisement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Advert {
    pub version: Version,
    pub vrid: u8,
    pub priority: u8,
    /// v2: Adver Int in seconds (8 bits); v3: Max Adver Int in centiseconds (12 bits).
    pub interval: u16,
    /// v2 only; for v3 always `Auth::NONE` (there is no field).
    pub auth: Auth,
    pub addrs: Addrs,
    /// On decode: the form that matched. On encode: the form to write (only a choice for v3
    /// over IPv4; see [`Advert::is_consistent`]).
    pub checksum: ChecksumForm,
}

impl Advert {
    /// The checksum form the rules force for this version and family, if there is no choice.
    pub fn forced_checksum(version: Version, family: Family) -> Option<ChecksumForm> {
        match (version, family) {
            (_, Family::V6) => Some(ChecksumForm::PseudoHeader),
            (Version::V2, Family::V4) => Some(ChecksumForm::VrrpOnly),
            (Version::V3, Family::V4) => None,
        }
    }

    /// True when [`encode`] accepts it and [`decode`] gives it back: at most 255 addresses,
    /// v2 interval ≤ 255, v3 interval ≤ 4095 and no auth, checksum form allowed.
    pub fn is_consistent(&self) -> bool {
        self.addrs.len() <= 255
            && match self.version {
                Version::V2 => self.interval <= 255,
                Version::V3 => self.interval <= 0x0fff && self.auth == Auth::NONE,
            }
            && Advert::forced_checksum(self.version, self.addrs.family()).is_none_or(|f| f == self.checksum)
    }

    /// Length of the VRRP message on the wire.
    pub fn wire_len(&self) -> usize {
        message_len(self.version, self.addrs.family(), self.addrs.len())
    }
}

fn message_len(version: Version, family: Family, count: usize) -> usize {
    HEADER_LEN
        + count * family.addr_len()
        + match version {
            Version::V2 => AUTH_LEN,
            Version::V3 => 0,
        }
}

/// Why a packet could not be decoded: one variant per drop reason, for the counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecodeError {
    /// Shorter than the fixed header, or than the count of addresses announces.
    Truncated { len: usize, needed: usize },
    /// Longer than the count of addresses announces (keepalived: "vrrp packet too long").
    AddressCountMismatch { count: u8, len: usize, expected: usize },
    /// Version nibble other than 2 or 3.
    BadVersion(u8),
    /// Type nibble other than 1 (ADVERTISEMENT).
    BadType(u8),
    /// v2 auth type other than 0, 1, 2.
    BadAuthType(u8),
    /// The source and destination are of different families.
    FamilyMismatch,
    /// Neither allowed checksum form matches. `found` is the field, `expected` the value the
    /// preferred form (pseudo-header for v3) would have.
    BadChecksum { found: u16, expected: u16 },
}

/// Why [`encode`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncodeError {
    TooManyAddresses(usize),
    IntervalOutOfRange(u16),
    AuthInV3,
    /// The source, destination or address list are not all of one family.
    FamilyMismatch,
    /// The checksum form is not allowed for this version and family.
    ChecksumFormNotAllowed,
}

// --- checksums ----------------------------------------------------------------------------

/// Adds `data` to a running one's complement sum (RFC 1071), as 16-bit big-endian words,
/// an odd last byte padded with zero. The sum is kept unfolded in a u32/u64 accumulator.
pub fn sum_bytes(mut acc: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u64::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        acc += u64::from(*last) << 8;
    }
    acc
}

/// Folds a running sum to 16 bits (not complemented).
pub fn fold(mut acc: u64) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// The IPv4 pseudo-header sum: src, dst, zero, protocol 112, VRRP length.
pub fn pseudo_header_sum_v4(src: Ipv4Addr, dst: Ipv4Addr, vrrp_len: usize) -> u64 {
    let mut acc = sum_bytes(0, &src.octets());
    acc = sum_bytes(acc, &dst.octets());
    acc + u64::from(IPPROTO_VRRP) + (vrrp_len as u64 & 0xffff)
}

/// The IPv6 pseudo-header sum (RFC 8200 §8.1): src, dst, upper-layer length (32 bits),
/// three zero bytes, next header 112.
pub fn pseudo_header_sum_v6(src: Ipv6Addr, dst: Ipv6Addr, vrrp_len: usize) -> u64 {
    let mut acc = sum_bytes(0, &src.octets());
    acc = sum_bytes(acc, &dst.octets());
    acc + (vrrp_len as u64 & 0xffff_ffff) + u64::from(IPPROTO_VRRP)
}

/// The pseudo-header sum for a pair of addresses; `None` if their families differ.
pub fn pseudo_header_sum(src: IpAddr, dst: IpAddr, vrrp_len: usize) -> Option<u64> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => Some(pseudo_header_sum_v4(s, d, vrrp_len)),
        (IpAddr::V6(s), IpAddr::V6(d)) => Some(pseudo_header_sum_v6(s, d, vrrp_len)),
        _ => None,
    }
}

/// The checksum field value for `msg` (whose checksum bytes 6..8 are taken as zero) in the
/// given form.
pub fn checksum(msg: &[u8], form: ChecksumForm, src: IpAddr, dst: IpAddr) -> Option<u16> {
    let start = match form {
        ChecksumForm::VrrpOnly => 0,
        ChecksumForm::PseudoHeader => pseudo_header_sum(src, dst, msg.len())?,
    };
    let (head, rest) = msg.split_at(msg.len().min(6));
    let mut acc = sum_bytes(start, head);
    if rest.len() >= 2 {
        acc = sum_bytes(acc, &rest[2..]);
    }
    Some(!fold(acc))
}

// --- encode / decode ----------------------------------------------------------------------

/// Writes the VRRP message for `advert` as sent from `src` to `dst` (used only for the
/// pseudo-header; unicast copies need one encode per peer, or [`checksum`] per copy).
pub fn encode(advert: &Advert, src: IpAddr, dst: IpAddr) -> Result<Vec<u8>, EncodeError> {
    let family = advert.addrs.family();
    if Family::of(&src) != family || Family::of(&dst) != family {
        return Err(EncodeError::FamilyMismatch);
    }
    let count = advert.addrs.len();
    if count > 255 {
        return Err(EncodeError::TooManyAddresses(count));
    }
    if let Some(forced) = Advert::forced_checksum(advert.version, family) {
        if forced != advert.checksum {
            return Err(EncodeError::ChecksumFormNotAllowed);
        }
    }
    let mut out = Vec::with_capacity(advert.wire_len());
    match advert.version {
        Version::V2 => {
            let interval =
                u8::try_from(advert.interval).map_err(|_| EncodeError::IntervalOutOfRange(advert.interval))?;
            out.extend_from_slice(&[
                0x20 | TYPE_ADVERT,
                advert.vrid,
                advert.priority,
                count as u8,
                advert.auth.type_code(),
                interval,
                0,
                0,
            ]);
        }
        Version::V3 => {
            if advert.interval > 0x0fff {
                return Err(EncodeError::IntervalOutOfRange(advert.interval));
            }
            if advert.auth != Auth::NONE {
                return Err(EncodeError::AuthInV3);
            }
            let [hi, lo] = advert.interval.to_be_bytes();
            out.extend_from_slice(&[
                0x30 | TYPE_ADVERT,
                advert.vrid,
                advert.priority,
                count as u8,
                hi,
                lo,
                0,
                0,
            ]);
        }
    }
    match &advert.addrs {
        Addrs::V4(v) => v.iter().for_each(|a| out.extend_from_slice(&a.octets())),
        Addrs::V6(v) => v.iter().for_each(|a| out.extend_from_slice(&a.octets())),
    }
    if advert.version == Version::V2 {
        out.extend_from_slice(advert.auth.data());
    }
    let sum = checksum(&out, advert.checksum, src, dst).ok_or(EncodeError::FamilyMismatch)?;
    out[6..8].copy_from_slice(&sum.to_be_bytes());
    Ok(out)
}

/// Reads one VRRP message (the IP payload, exactly as long as the IP header says) that
/// arrived from `src` to `dst`. Never panics.
pub fn decode(bytes: &[u8], src: IpAddr, dst: IpAddr) -> Result<Advert, DecodeError> {
    let family = Family::of(&src);
    if Family::of(&dst) != family {
        return Err(DecodeError::FamilyMismatch);
    }
    let Some(head) = bytes.get(..HEADER_LEN) else {
        return Err(DecodeError::Truncated {
            len: bytes.len(),
            needed: HEADER_LEN,
        });
    };
    let version = match head[0] >> 4 {
        2 => Version::V2,
        3 => Version::V3,
        v => return Err(DecodeError::BadVersion(v)),
    };
    if head[0] & 0x0f != TYPE_ADVERT {
        return Err(DecodeError::BadType(head[0] & 0x0f));
    }
    let count = head[3];
    let needed = message_len(version, family, usize::from(count));
    if bytes.len() < needed {
        return Err(DecodeError::Truncated {
            len: bytes.len(),
            needed,
        });
    }
    if bytes.len() > needed {
        return Err(DecodeError::AddressCountMismatch {
            count,
            len: bytes.len(),
            expected: needed,
        });
    }
    let found = u16::from_be_bytes([head[6], head[7]]);
    let (interval, auth) = match version {
        Version::V2 => {
            let mut data = [0u8; AUTH_LEN];
            data.copy_from_slice(&bytes[needed - AUTH_LEN..needed]);
            let auth = match head[4] {
                0 => Auth::None(data),
                1 => Auth::Pass(data),
                2 => Auth::Ah(data),
                t => return Err(DecodeError::BadAuthType(t)),
            };
            (u16::from(head[5]), auth)
        }
        // The top four bits are reserved: sent as zero, ignored on receipt.
        Version::V3 => (u16::from_be_bytes([head[4], head[5]]) & 0x0fff, Auth::NONE),
    };
    let forms: &[ChecksumForm] = match Advert::forced_checksum(version, family) {
        Some(ChecksumForm::PseudoHeader) => &[ChecksumForm::PseudoHeader],
        Some(ChecksumForm::VrrpOnly) => &[ChecksumForm::VrrpOnly],
        None => &[ChecksumForm::PseudoHeader, ChecksumForm::VrrpOnly],
    };
    let mut form = None;
    let mut expected = None;
    for f in forms {
        let sum = checksum(bytes, *f, src, dst).ok_or(DecodeError::FamilyMismatch)?;
        expected.get_or_insert(sum);
        if sum == found {
            form = Some(*f);
            break;
        }
    }
    let Some(checksum) = form else {
        return Err(DecodeError::BadChecksum {
            found,
            expected: expected.unwrap_or(0),
        });
    };
    let list = &bytes[HEADER_LEN..HEADER_LEN + usize::from(count) * family.addr_len()];
    let addrs = match family {
        Family::V4 => Addrs::V4(
            list.chunks_exact(4)
                .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
                .collect(),
        ),
        Family::V6 => Addrs::V6(
            list.chunks_exact(16)
                .map(|c| {
                    let mut o = [0u8; 16];
                    o.copy_from_slice(c);
                    Ipv6Addr::from(o)
                })
                .collect(),
        ),
    };
    Ok(Advert {
        version,
        vrid: head[1],
        priority: head[2],
        interval,
        auth,
        addrs,
        checksum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_vector() {
        // runtime.md §1.4: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 (checksum 0x220d).
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(fold(sum_bytes(0, &data)), 0xddf2);
        assert_eq!(!fold(sum_bytes(0, &data)), 0x220d);
        let mut odd = data.to_vec();
        odd.push(0x01);
        assert_eq!(fold(sum_bytes(0, &odd)), 0xdef2);
    }

    #[test]
    fn spec_example_v3_checksum() {
        // runtime.md §1.3: keepalived 2.2.7, v3, VRID 60, prio 200, 1 cs, VIP 10.78.0.61,
        // checksum 0x1159. It matches the pseudo-header form for source 10.77.0.1 (the
        // first router of the measurement setup, §6); the VRRP-only form would be 0xfc35.
        let bytes = [0x31, 0x3c, 0xc8, 0x01, 0x00, 0x01, 0x11, 0x59, 0x0a, 0x4e, 0x00, 0x3d];
        let (src, dst) = ("10.77.0.1".parse().unwrap(), "224.0.0.18".parse().unwrap());
        let a = decode(&bytes, src, dst).unwrap();
        assert_eq!((a.vrid, a.priority, a.interval), (60, 200, 1));
        assert_eq!(a.checksum, ChecksumForm::PseudoHeader);
        assert_eq!(a.addrs, Addrs::V4(vec![Ipv4Addr::new(10, 78, 0, 61)]));
        assert_eq!(encode(&a, src, dst).unwrap(), bytes);
        let only = Advert {
            checksum: ChecksumForm::VrrpOnly,
            ..a
        };
        assert_eq!(encode(&only, src, dst).unwrap()[6..8], [0xfc, 0x35]);
    }

    fn v4(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn errors() {
        let src = v4("10.0.0.1");
        let dst = v4("224.0.0.18");
        let good = encode(
            &Advert {
                version: Version::V3,
                vrid: 7,
                priority: 100,
                interval: 100,
                auth: Auth::NONE,
                addrs: Addrs::V4(vec![Ipv4Addr::new(10, 0, 0, 7)]),
                checksum: ChecksumForm::PseudoHeader,
            },
            src,
            dst,
        )
        .unwrap();
        assert_eq!(
            decode(&good[..3], src, dst),
            Err(DecodeError::Truncated { len: 3, needed: 8 })
        );
        assert_eq!(
            decode(&good[..10], src, dst),
            Err(DecodeError::Truncated { len: 10, needed: 12 })
        );
        let mut long = good.clone();
        long.extend_from_slice(&[0, 0]);
        assert!(matches!(
            decode(&long, src, dst),
            Err(DecodeError::AddressCountMismatch { count: 1, .. })
        ));
        let mut b = good.clone();
        b[0] = 0x41;
        assert_eq!(decode(&b, src, dst), Err(DecodeError::BadVersion(4)));
        b[0] = 0x32;
        assert_eq!(decode(&b, src, dst), Err(DecodeError::BadType(2)));
        let mut b = good.clone();
        b[2] = 99;
        assert!(matches!(decode(&b, src, dst), Err(DecodeError::BadChecksum { .. })));
        assert_eq!(decode(&good, src, v4("::1")), Err(DecodeError::FamilyMismatch));
        // The same bytes are good without the pseudo-header only if the sender made them so.
        let other_src = v4("10.0.0.2");
        assert!(matches!(
            decode(&good, other_src, dst),
            Err(DecodeError::BadChecksum { .. })
        ));
    }

    #[test]
    fn v3_ipv4_both_forms() {
        let src = v4("10.0.0.1");
        let dst = v4("224.0.0.18");
        for form in [ChecksumForm::PseudoHeader, ChecksumForm::VrrpOnly] {
            let a = Advert {
                version: Version::V3,
                vrid: 1,
                priority: 254,
                interval: 5,
                auth: Auth::NONE,
                addrs: Addrs::V4(vec![Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2)]),
                checksum: form,
            };
            let bytes = encode(&a, src, dst).unwrap();
            assert_eq!(decode(&bytes, src, dst).unwrap(), a);
        }
    }

    #[test]
    fn v2_bad_auth_type_and_pass() {
        let src = v4("10.0.0.1");
        let dst = v4("224.0.0.18");
        let a = Advert {
            version: Version::V2,
            vrid: 9,
            priority: 100,
            interval: 1,
            auth: Auth::pass("secret123"),
            addrs: Addrs::V4(vec![Ipv4Addr::new(10, 0, 0, 9)]),
            checksum: ChecksumForm::VrrpOnly,
        };
        assert_eq!(a.auth, Auth::Pass(*b"secret12"));
        let mut bytes = encode(&a, src, dst).unwrap();
        assert_eq!(decode(&bytes, src, dst).unwrap(), a);
        bytes[4] = 3;
        assert_eq!(decode(&bytes, src, dst), Err(DecodeError::BadAuthType(3)));
        assert_eq!(
            encode(
                &Advert {
                    version: Version::V3,
                    interval: 100,
                    ..a.clone()
                },
                src,
                dst
            ),
            Err(EncodeError::AuthInV3)
        );
        assert_eq!(
            encode(
                &Advert {
                    interval: 256,
                    auth: Auth::NONE,
                    ..a
                },
                src,
                dst
            ),
            Err(EncodeError::IntervalOutOfRange(256))
        );
    }

    #[test]
    fn addresses_of_one_family() {
        let addrs: Vec<IpAddr> = ["10.0.0.1", "fe80::1", "10.0.0.2"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        assert_eq!(
            Addrs::of_family(Family::V4, &addrs),
            Addrs::V4(vec!["10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()])
        );
        assert_eq!(
            Addrs::of_family(Family::V6, &addrs),
            Addrs::V6(vec!["fe80::1".parse().unwrap()])
        );
        assert_eq!(Addrs::from_ip_addrs(Family::V4, &addrs), None);
    }
}
