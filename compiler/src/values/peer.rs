//! `unicast_peer` lines: `ADDR [min_ttl N] [max_ttl N]`, read as keepalived reads them.

use super::{parse_ip, read_int, Problem};
use std::net::IpAddr;
use vigil_grammar::Words;

/// A unicast peer as keepalived keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    pub address: IpAddr,
    pub min_ttl: Option<u8>,
    pub max_ttl: Option<u8>,
}

/// The problems of one peer line.
pub fn problems(words: Words<'_>) -> Vec<Problem> {
    read(words).0
}

/// The peer a line stands for, when keepalived takes it without a problem.
pub fn peer(words: Words<'_>) -> Option<Peer> {
    let (problems, peer) = read(words);
    peer.filter(|_| problems.is_empty())
}

/// The problems of one peer line and, as far as it reads, the peer.
fn read(words: Words<'_>) -> (Vec<Problem>, Option<Peer>) {
    let mut out = Vec::new();
    let Some(first) = words.first() else {
        return (out, None);
    };
    // keepalived ignores a `/LEN` after the address.
    let text = first.text();
    let addr = text.split_once('/').map_or(text, |(a, _)| a);
    let Some(address) = parse_ip(addr) else {
        out.push(Problem::invalid(first.span(), format!("`{text}` is not an IP address")));
        return (out, None);
    };
    let (mut min, mut max) = (None, None);
    let mut i = 1;
    while let Some(opt) = words.get(i) {
        let Some(v) = words.get(i + 1) else {
            out.push(Problem::invalid(
                opt.span(),
                format!("`{}` is missing a value", opt.text()),
            ));
            break;
        };
        let n = match read_int(v.text(), 0, 255) {
            Ok(n) => n,
            Err(e) => {
                out.push(Problem::invalid(v.span(), format!("bad TTL: {e}")));
                break;
            }
        };
        match opt.text() {
            "min_ttl" => min = Some(n),
            "max_ttl" => max = Some(n),
            o => {
                out.push(Problem::invalid(
                    opt.span(),
                    format!("`{o}` is not an option of unicast_peer (`min_ttl`, `max_ttl`)"),
                ));
                break;
            }
        }
        i += 2;
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            out.push(
                Problem::invalid(
                    first.span(),
                    format!("min_ttl {lo} is greater than max_ttl {hi}: every advert is discarded"),
                )
                .help("keepalived accepts adverts only with a TTL from min_ttl to max_ttl"),
            );
        }
    }
    let peer = Peer {
        address,
        min_ttl: min.map(|v| v as u8),
        max_ttl: max.map(|v| v as u8),
    };
    (out, Some(peer))
}
