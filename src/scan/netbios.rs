//! NetBIOS node status (RFC 1002 §4.2.17–18, UDP 137): one "NBSTAT *" question to each live
//! IPv4 host; Windows PCs, Samba servers, NAS boxes and many printers answer with their
//! computer name, their workgroup or domain, and their MAC. No credentials, no session:
//! one datagram out, one back. All hosts are asked from one socket at once; the wait is
//! fitted to the round trips discovery saw, and ends early once every host has answered.
use super::error::ProbeError;
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

const PORT: u16 = 137;
/// Shortest and longest wait for answers after the last question.
const MIN_WAIT: Duration = Duration::from_millis(250);
const MAX_WAIT: Duration = Duration::from_millis(1000);
/// Questions sent per millisecond at most (a /24 goes out in about 30 ms).
const PER_MS: usize = 8;
/// A name-status answer is 57 + 18 × names + 46 bytes; 60 names is plenty.
const MAX_ANSWER: usize = 2048;

/// What a host said about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeStatus {
    /// The unique name with suffix 0x00: the computer name.
    pub name: Option<String>,
    /// The group name with suffix 0x00: workgroup or domain.
    pub group: Option<String>,
    /// The adapter address the host reports (all zeros on some Samba builds: dropped).
    pub mac: Option<[u8; 6]>,
}

/// The 50-byte NBSTAT question for "*", with transaction id `id`.
pub fn question(id: u16) -> [u8; 50] {
    let mut q = [0u8; 50];
    q[0..2].copy_from_slice(&id.to_be_bytes());
    // Flags 0 (a query, not recursive); one question.
    q[5] = 1;
    q[12] = 0x20;
    // "*" padded with NULs, each nibble + 'A' (first-level encoding).
    let mut raw = [0u8; 16];
    raw[0] = b'*';
    for (i, b) in raw.iter().enumerate() {
        q[13 + 2 * i] = b'A' + (b >> 4);
        q[14 + 2 * i] = b'A' + (b & 0x0f);
    }
    q[45] = 0;
    // QTYPE NBSTAT (0x21), QCLASS IN.
    q[46..50].copy_from_slice(&[0x00, 0x21, 0x00, 0x01]);
    q
}

/// Reads a name-status answer; None for anything else (or anything malformed).
pub fn parse(packet: &[u8]) -> Option<(u16, NodeStatus)> {
    let id = u16::from_be_bytes([*packet.first()?, *packet.get(1)?]);
    let flags = u16::from_be_bytes([*packet.get(2)?, *packet.get(3)?]);
    let answers = u16::from_be_bytes([*packet.get(6)?, *packet.get(7)?]);
    // A response (bit 15), no error code, one answer at least.
    if flags & 0x8000 == 0 || flags & 0x000f != 0 || answers == 0 {
        return None;
    }
    // The answer's name: length-prefixed labels, or a compression pointer.
    let mut at = 12;
    loop {
        let len = *packet.get(at)? as usize;
        if len == 0 {
            at += 1;
            break;
        }
        if len & 0xc0 == 0xc0 {
            at += 2;
            break;
        }
        at += 1 + len;
    }
    let rr_type = u16::from_be_bytes([*packet.get(at)?, *packet.get(at + 1)?]);
    if rr_type != 0x21 {
        return None;
    }
    let rdlength = u16::from_be_bytes([*packet.get(at + 8)?, *packet.get(at + 9)?]) as usize;
    let data = packet.get(at + 10..at + 10 + rdlength)?;
    let count = *data.first()? as usize;
    let names = data.get(1..1 + count * 18)?;
    let mut status = NodeStatus::default();
    for entry in names.chunks_exact(18) {
        let suffix = entry[15];
        let group = entry[16] & 0x80 != 0;
        let text = clean(&entry[..15]);
        if suffix != 0x00 || text.is_empty() {
            continue;
        }
        let slot = if group {
            &mut status.group
        } else {
            &mut status.name
        };
        if slot.is_none() {
            *slot = Some(text);
        }
    }
    if let Some(mac) = data.get(1 + count * 18..1 + count * 18 + 6) {
        let mac: [u8; 6] = mac.try_into().ok()?;
        status.mac = (mac != [0; 6]).then_some(mac);
    }
    Some((id, status))
}

/// A name field: printable ASCII, trailing blanks trimmed (names are space-padded).
fn clean(raw: &[u8]) -> String {
    raw.iter()
        .take_while(|b| **b != 0)
        .map(|b| {
            if b.is_ascii_graphic() {
                *b as char
            } else {
                ' '
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A name-status answer as Windows sends it: (name, suffix, group) entries, then the MAC and
/// the statistics block. For the lab's responder and the tests; the scanner only reads these.
#[doc(hidden)]
pub fn status_answer(id: u16, names: &[(&str, u8, bool)], mac: [u8; 6]) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&[0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0]);
    p.extend_from_slice(&question(0)[12..46]);
    p.extend_from_slice(&[0x00, 0x21, 0x00, 0x01, 0, 0, 0, 0]);
    let rdlength = 1 + names.len() * 18 + 46;
    p.extend_from_slice(&(rdlength as u16).to_be_bytes());
    p.push(names.len() as u8);
    for (name, suffix, group) in names {
        let mut field = [b' '; 15];
        let text = &name.as_bytes()[..name.len().min(15)];
        field[..text.len()].copy_from_slice(text);
        p.extend_from_slice(&field);
        p.push(*suffix);
        p.extend_from_slice(&[if *group { 0x84 } else { 0x04 }, 0x00]);
    }
    p.extend_from_slice(&mac);
    p.extend_from_slice(&[0u8; 40]);
    p
}

/// How long to wait for answers: a few times the slowest round trip discovery saw.
pub fn fitted_wait(rtts: &[Duration]) -> Duration {
    let slowest = rtts.iter().max().copied().unwrap_or(MIN_WAIT);
    (slowest * 4 + Duration::from_millis(100)).clamp(MIN_WAIT, MAX_WAIT)
}

/// Asks every host, twice for those that stay silent, and returns who answered what.
pub async fn sweep(
    hosts: &[Ipv4Addr],
    wait: Duration,
) -> Result<BTreeMap<IpAddr, NodeStatus>, ProbeError> {
    let mut out = BTreeMap::new();
    if hosts.is_empty() {
        return Ok(out);
    }
    let socket = UdpSocket::bind(("0.0.0.0", 0))
        .await
        .map_err(|e| ProbeError::setup("NetBIOS socket", e))?;
    // Transaction ids tell answers apart; a random base keeps a stale answer from matching.
    let base = uuid::Uuid::new_v4().as_u128() as u16;
    let id_of: HashMap<u16, Ipv4Addr> = hosts
        .iter()
        .enumerate()
        .map(|(i, ip)| (base.wrapping_add(i as u16), *ip))
        .collect();
    for _round in 0..2 {
        let silent: Vec<(u16, Ipv4Addr)> = id_of
            .iter()
            .filter(|(_, ip)| !out.contains_key(&IpAddr::V4(**ip)))
            .map(|(id, ip)| (*id, *ip))
            .collect();
        if silent.is_empty() {
            break;
        }
        let mut pace = super::pace::Pace::new(PER_MS);
        for (id, ip) in &silent {
            // Unreachable hosts make send fail now and then: that host stays silent.
            let _ = socket
                .send_to(&question(*id), SocketAddr::from((*ip, PORT)))
                .await;
            pace.sent_one().await;
        }
        // Each round listens half the fitted wait: an answer slower than the first half
        // still lands in the second, which also repeats the question to the silent.
        let deadline = Instant::now() + wait / 2;
        let mut buf = vec![0u8; MAX_ANSWER];
        while out.len() < id_of.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let Ok(Ok((n, from))) = tokio::time::timeout(left, socket.recv_from(&mut buf)).await
            else {
                continue;
            };
            let Some((id, status)) = parse(&buf[..n]) else {
                continue;
            };
            // The answer must come from the host the id was sent to.
            if id_of
                .get(&id)
                .is_some_and(|ip| IpAddr::V4(*ip) == from.ip())
            {
                out.insert(from.ip(), status);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_is_nbstat_for_star() {
        let q = question(0x1234);
        assert_eq!(&q[..2], &[0x12, 0x34]);
        assert_eq!(q[12], 0x20);
        assert_eq!(&q[13..15], b"CK", "'*' = 0x2A");
        assert_eq!(&q[15..45], [b'A'; 30].as_slice());
        assert_eq!(&q[46..], &[0, 0x21, 0, 1]);
    }

    #[test]
    fn an_answer_gives_computer_name_workgroup_and_mac() {
        let mac = [0x10, 0xc5, 0x95, 1, 2, 3];
        let p = status_answer(
            7,
            &[
                ("PC-ACC-01", 0x00, false),
                ("OFFICE", 0x00, true),
                ("PC-ACC-01", 0x20, false),
                ("OFFICE", 0x1e, true),
            ],
            mac,
        );
        let (id, s) = parse(&p).unwrap();
        assert_eq!(id, 7);
        assert_eq!(s.name.as_deref(), Some("PC-ACC-01"));
        assert_eq!(s.group.as_deref(), Some("OFFICE"));
        assert_eq!(s.mac, Some(mac));
        assert_eq!(parse(&status_answer(1, &[], [0; 6])).unwrap().1.mac, None);
    }

    #[test]
    fn anything_else_is_refused_without_panicking() {
        let good = status_answer(7, &[("HOST", 0, false)], [1; 6]);
        for cut in 0..good.len() {
            let _ = parse(&good[..cut]);
        }
        assert!(parse(&question(1)).is_none(), "a question is not an answer");
        let mut error = good.clone();
        error[3] = 0x03;
        assert!(parse(&error).is_none());
    }

    #[test]
    fn the_wait_follows_the_network() {
        assert_eq!(fitted_wait(&[]), Duration::from_millis(1000));
        assert_eq!(fitted_wait(&[Duration::from_millis(1)]), MIN_WAIT);
        assert_eq!(
            fitted_wait(&[Duration::from_millis(100)]),
            Duration::from_millis(500)
        );
        assert_eq!(fitted_wait(&[Duration::from_secs(2)]), MAX_WAIT);
    }
}
