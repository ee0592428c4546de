//! Names a host gives for its own address when asked directly: a reverse (PTR) question for
//! `d.c.b.a.in-addr.arpa`, sent unicast to the host over LLMNR (UDP 5355, RFC 4795: Windows,
//! systemd-resolved) and over mDNS (UDP 5353, RFC 6762 §6.7 "legacy unicast": Apple
//! devices, Avahi, printers). A device that announces no service still answers for its own
//! address. One socket asks every host; the wait is fitted to the network's round trips and
//! ends once every host has answered both.
use super::error::ProbeError;
use crate::model::NameSource;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

pub const LLMNR_PORT: u16 = 5355;
pub const MDNS_PORT: u16 = 5353;
/// Questions sent per millisecond at most: two per host, so hosts are asked as fast as the
/// other name sources ask them (8 a millisecond).
const PER_MS: usize = 16;
/// A PTR answer with its question is a few hundred bytes; mDNS may add records.
const MAX_ANSWER: usize = 1500;
/// Compression pointers followed per name at most: a loop in a hostile packet ends here.
const MAX_JUMPS: usize = 16;
const TYPE_PTR: u16 = 12;

/// `192.168.1.23` → `23.1.168.192.in-addr.arpa`.
pub fn reverse_name(ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    format!("{d}.{c}.{b}.{a}.in-addr.arpa")
}

/// A DNS question for the PTR of `ip`, with transaction id `id` (no recursion wanted).
pub fn question(id: u16, ip: Ipv4Addr) -> Vec<u8> {
    let mut q = Vec::with_capacity(48);
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    encode_name(&mut q, &reverse_name(ip));
    q.extend_from_slice(&TYPE_PTR.to_be_bytes());
    q.extend_from_slice(&1u16.to_be_bytes());
    q
}

fn encode_name(out: &mut Vec<u8>, name: &str) {
    for label in name.trim_end_matches('.').split('.') {
        let label = &label.as_bytes()[..label.len().min(63)];
        out.push(label.len() as u8);
        out.extend_from_slice(label);
    }
    out.push(0);
}

/// A PTR answer to `question` naming `target`: how the lab's responders answer, and what
/// the tests and fuzzers feed the parser.
#[doc(hidden)]
pub fn answer(question: &[u8], target: &str) -> Vec<u8> {
    let mut p = question.to_vec();
    // A response, authoritative; one answer.
    p[2] = 0x84;
    p[3] = 0;
    p[7] = 1;
    // The answer's owner points back at the question's name (offset 12).
    p.extend_from_slice(&[0xc0, 12]);
    p.extend_from_slice(&TYPE_PTR.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0, 0, 0, 120]);
    let mut rdata = Vec::new();
    encode_name(&mut rdata, target);
    p.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    p.extend(rdata);
    p
}

/// Reads a DNS name at `at`, following compression pointers (boundedly); returns it and the
/// offset just past it in the record it started in.
fn read_name(packet: &[u8], mut at: usize) -> Option<(String, usize)> {
    let mut labels: Vec<String> = Vec::new();
    let mut end = None;
    let mut jumps = 0;
    loop {
        let len = *packet.get(at)? as usize;
        match len {
            0 => {
                end.get_or_insert(at + 1);
                break;
            }
            l if l & 0xc0 == 0xc0 => {
                jumps += 1;
                if jumps > MAX_JUMPS {
                    return None;
                }
                end.get_or_insert(at + 2);
                at = ((l & 0x3f) << 8) | *packet.get(at + 1)? as usize;
            }
            l if l <= 63 => {
                let raw = packet.get(at + 1..at + 1 + l)?;
                labels.push(String::from_utf8_lossy(raw).into_owned());
                at += 1 + l;
                if labels.len() > 127 {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some((labels.join("."), end?))
}

/// The transaction id and PTR target of an answer; None for anything else (a question, an
/// error, no PTR record, a malformed packet).
pub fn parse(packet: &[u8]) -> Option<(u16, String)> {
    let id = u16::from_be_bytes([*packet.first()?, *packet.get(1)?]);
    let flags = u16::from_be_bytes([*packet.get(2)?, *packet.get(3)?]);
    if flags & 0x8000 == 0 || flags & 0x000f != 0 {
        return None;
    }
    let questions = u16::from_be_bytes([*packet.get(4)?, *packet.get(5)?]);
    let answers = u16::from_be_bytes([*packet.get(6)?, *packet.get(7)?]);
    let mut at = 12;
    for _ in 0..questions {
        at = read_name(packet, at)?.1 + 4;
    }
    for _ in 0..answers {
        let (_, after) = read_name(packet, at)?;
        let rr_type = u16::from_be_bytes([*packet.get(after)?, *packet.get(after + 1)?]);
        let rdlength =
            u16::from_be_bytes([*packet.get(after + 8)?, *packet.get(after + 9)?]) as usize;
        let rdata = after + 10;
        packet.get(rdata..rdata + rdlength)?;
        if rr_type == TYPE_PTR {
            let (target, _) = read_name(packet, rdata)?;
            return host_name(&target).map(|n| (id, n));
        }
        at = rdata + rdlength;
    }
    None
}

/// The host part of a PTR target: `.local` and a trailing dot gone, printable, bounded;
/// None for names that name nothing (empty, or an address's own reverse name).
fn host_name(target: &str) -> Option<String> {
    let name: String = target
        .trim_end_matches('.')
        .trim_end_matches(".local")
        .chars()
        .filter(|c| !c.is_control())
        .take(253)
        .collect();
    let name = name.trim().to_string();
    (!name.is_empty() && !name.ends_with(".in-addr.arpa")).then_some(name)
}

/// The names hosts gave for their own addresses, by source (LLMNR names stay as given; mDNS
/// names lose `.local`).
pub type ReverseNames = BTreeMap<IpAddr, Vec<(String, NameSource)>>;

/// Asks every host on each of `ports` (LLMNR, mDNS or both), twice for questions still
/// unanswered, and returns who answered what.
pub async fn sweep(
    hosts: &[Ipv4Addr],
    ports: &[u16],
    wait: Duration,
) -> Result<ReverseNames, ProbeError> {
    let mut out = ReverseNames::new();
    if hosts.is_empty() || ports.is_empty() {
        return Ok(out);
    }
    let socket = UdpSocket::bind(("0.0.0.0", 0))
        .await
        .map_err(|e| ProbeError::setup("LLMNR/mDNS socket", e))?;
    // One id per host and protocol; a random base keeps a stale answer from matching.
    let base = uuid::Uuid::new_v4().as_u128() as u16;
    let mut asked: HashMap<u16, (Ipv4Addr, u16)> = HashMap::new();
    for (i, ip) in hosts.iter().enumerate() {
        for (j, port) in ports.iter().enumerate() {
            let id = base.wrapping_add((ports.len() * i + j) as u16);
            asked.insert(id, (*ip, *port));
        }
    }
    let mut answered: HashSet<u16> = HashSet::new();
    let mut buf = vec![0u8; MAX_ANSWER];
    for _round in 0..2 {
        let silent: Vec<(u16, Ipv4Addr, u16)> = asked
            .iter()
            .filter(|(id, _)| !answered.contains(id))
            .map(|(id, (ip, port))| (*id, *ip, *port))
            .collect();
        if silent.is_empty() {
            break;
        }
        let mut pace = super::pace::Pace::new(PER_MS);
        for (id, ip, port) in &silent {
            // An unreachable host makes a send fail now and then: it stays silent.
            let _ = socket
                .send_to(&question(*id, *ip), SocketAddr::from((*ip, *port)))
                .await;
            pace.sent_one().await;
        }
        // Each round listens half the fitted wait: an answer slower than the first half
        // still lands in the second, which also repeats the question to the silent.
        let deadline = Instant::now() + wait / 2;
        while answered.len() < asked.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let Ok(Ok((n, from))) = tokio::time::timeout(left, socket.recv_from(&mut buf)).await
            else {
                continue;
            };
            let Some((id, name)) = parse(&buf[..n]) else {
                continue;
            };
            // Only the host asked, from the port asked, answers for its address.
            let Some((ip, port)) = asked.get(&id).copied() else {
                continue;
            };
            if from != SocketAddr::from((ip, port)) || !answered.insert(id) {
                continue;
            }
            let source = if port == LLMNR_PORT {
                NameSource::Llmnr
            } else {
                NameSource::Mdns
            };
            out.entry(IpAddr::V4(ip)).or_default().push((name, source));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 23);

    #[test]
    fn a_ptr_answer_gives_the_host_name() {
        let q = question(0x1234, IP);
        assert!(parse(&q).is_none(), "a question is no answer");
        let a = answer(&q, "ACC-PC-07");
        assert_eq!(parse(&a), Some((0x1234, "ACC-PC-07".into())));
        let m = answer(&q, "Ayses-iPhone.local.");
        assert_eq!(parse(&m), Some((0x1234, "Ayses-iPhone".into())));
        assert!(reverse_name(IP) == "23.1.168.192.in-addr.arpa");
    }

    #[test]
    fn errors_loops_and_truncations_are_refused() {
        let q = question(7, IP);
        let mut refused = answer(&q, "x");
        refused[3] = 3;
        assert!(parse(&refused).is_none(), "NXDOMAIN");
        let good = answer(&q, "printer");
        for n in 0..good.len() {
            assert!(parse(&good[..n]).is_none(), "cut at {n}");
        }
        // An answer whose name points at itself.
        let mut looped = good.clone();
        let owner = q.len();
        looped[owner] = 0xc0;
        looped[owner + 1] = owner as u8;
        assert!(parse(&looped).is_none());
        // A PTR naming an address's own reverse name names nothing.
        assert!(parse(&answer(&q, &reverse_name(IP))).is_none());
    }
}
