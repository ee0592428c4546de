//! The SNMP system group (sysName, sysDescr, sysObjectID) of every live host, asked from
//! one UDP socket at once: one v2c GET per host and community, answers matched by source
//! address and request id, a wait fitted to the network's round trips, and one more round
//! for the silent. Most hosts are not managed devices and never answer, so the sweep costs
//! (communities × rounds) short waits, not one timeout per host.
use super::error::ProbeError;
use super::snmp::{SnmpOptions, owned_rows, text};
use crate::model::SnmpFacts;
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

const SYS_DESCR: &[u64] = &[1, 3, 6, 1, 2, 1, 1, 1, 0];
const SYS_OBJECT_ID: &[u64] = &[1, 3, 6, 1, 2, 1, 1, 2, 0];
const SYS_NAME: &[u64] = &[1, 3, 6, 1, 2, 1, 1, 5, 0];
/// Questions sent per millisecond at most (a /24 goes out in about 30 ms).
const PER_MS: usize = 8;
/// A system group answer is a few hundred bytes; sysDescr may reach 255.
const MAX_ANSWER: usize = 4096;

/// A v2c GetRequest for the three system objects.
pub fn get_system(community: &str, request_id: i32) -> Vec<u8> {
    use super::ber::{integer, oid, tlv};
    let bind = |o: &[u64]| tlv(0x30, &[oid(o), vec![0x05, 0x00]].concat());
    let binds = tlv(
        0x30,
        &[bind(SYS_DESCR), bind(SYS_OBJECT_ID), bind(SYS_NAME)].concat(),
    );
    let pdu = tlv(
        0xa0,
        &[integer(request_id.into()), integer(0), integer(0), binds].concat(),
    );
    let version_v2c = integer(1);
    tlv(
        0x30,
        &[version_v2c, tlv(0x04, community.as_bytes()), pdu].concat(),
    )
}

/// (request id, facts) of a response; None for anything else, or for no facts at all.
pub fn parse_system(packet: &[u8], community: &str) -> Option<(i32, SnmpFacts)> {
    let pdu = snmp2::Pdu::from_bytes(packet).ok()?;
    if pdu.message_type != snmp2::MessageType::Response || pdu.community != community.as_bytes() {
        return None;
    }
    let id = pdu.req_id;
    let rows = owned_rows(pdu).ok()?;
    let find = |want: &[u64]| {
        rows.iter()
            .find(|(o, _)| o == want)
            .and_then(|(_, v)| text(v))
    };
    let facts = SnmpFacts {
        sys_name: find(SYS_NAME),
        sys_descr: find(SYS_DESCR),
        sys_object_id: find(SYS_OBJECT_ID),
    };
    (facts != SnmpFacts::default()).then_some((id, facts))
}

/// Asks every host in `ips`, community by community, each round waiting at most `wait`
/// after its last question and ending as soon as every asked host answered.
pub async fn sweep(
    ips: &[IpAddr],
    opts: &SnmpOptions,
    wait: Duration,
) -> Result<BTreeMap<IpAddr, SnmpFacts>, ProbeError> {
    let mut out = BTreeMap::new();
    if ips.is_empty() || opts.communities.is_empty() {
        return Ok(out);
    }
    let v4 = UdpSocket::bind(("0.0.0.0", 0)).await;
    let v6 = UdpSocket::bind(("::", 0)).await;
    let (v4, v6) = (v4.ok(), v6.ok());
    if v4.is_none() && v6.is_none() {
        return Err(ProbeError::setup("SNMP", "no UDP socket"));
    }
    // Request ids: a random base per sweep, plus the host's index, so a late answer from an
    // earlier sweep or another host never matches.
    let base = (uuid::Uuid::new_v4().as_u128() as u32 & 0x3fff_0000) as i32;
    let index: HashMap<IpAddr, usize> = ips.iter().enumerate().map(|(i, ip)| (*ip, i)).collect();
    for community in &opts.communities {
        for _round in 0..=opts.retries.min(2) {
            let asked: Vec<IpAddr> = ips
                .iter()
                .filter(|ip| !out.contains_key(*ip))
                .copied()
                .collect();
            if asked.is_empty() {
                return Ok(out);
            }
            let mut pace = super::pace::Pace::new(PER_MS);
            for ip in &asked {
                let socket = if ip.is_ipv4() { &v4 } else { &v6 };
                if let Some(s) = socket {
                    let question = get_system(community, base + index[ip] as i32);
                    // A lost datagram costs one host's facts, not the sweep.
                    let _ = s.send_to(&question, SocketAddr::new(*ip, opts.port)).await;
                }
                pace.sent_one().await;
            }
            let mut waiting: std::collections::HashSet<IpAddr> = asked.into_iter().collect();
            // Each round listens half the fitted wait: an answer slower than the first half
            // still lands in the second, which also repeats the question to the silent.
            let deadline = Instant::now() + wait / 2;
            let (mut buf, mut buf6) = (vec![0u8; MAX_ANSWER], vec![0u8; MAX_ANSWER]);
            while !waiting.is_empty() {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                let received = tokio::time::timeout(left, async {
                    match (&v4, &v6) {
                        (Some(a), Some(b)) => tokio::select! {
                            r = a.recv_from(&mut buf) => r.map(|(n, f)| (n, f, false)),
                            r = b.recv_from(&mut buf6) => r.map(|(n, f)| (n, f, true)),
                        },
                        (Some(a), None) => a.recv_from(&mut buf).await.map(|(n, f)| (n, f, false)),
                        (None, Some(b)) => b.recv_from(&mut buf6).await.map(|(n, f)| (n, f, true)),
                        (None, None) => unreachable!("checked above"),
                    }
                })
                .await;
                let Ok(Ok((n, from, on_v6))) = received else {
                    break;
                };
                let packet = if on_v6 { &buf6[..n] } else { &buf[..n] };
                let ip = from.ip().to_canonical();
                let Some(&i) = index.get(&ip) else { continue };
                if let Some((id, facts)) = parse_system(packet, community)
                    && id == base + i as i32
                    && waiting.remove(&ip)
                {
                    out.insert(ip, facts);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_is_a_v2c_get_the_library_reads_back() {
        let q = get_system("public", 0x0102_0304);
        let pdu = snmp2::Pdu::from_bytes(&q).expect("well-formed");
        assert_eq!(pdu.message_type, snmp2::MessageType::GetRequest);
        assert_eq!((pdu.community, pdu.req_id), (&b"public"[..], 0x0102_0304));
        let names: Vec<String> = pdu.varbinds.map(|(o, _)| o.to_id_string()).collect();
        assert_eq!(
            names,
            [
                "1.3.6.1.2.1.1.1.0",
                "1.3.6.1.2.1.1.2.0",
                "1.3.6.1.2.1.1.5.0"
            ]
        );
        assert_eq!(
            parse_system(&q, "public"),
            None,
            "a question is not an answer"
        );
        assert_eq!(parse_system(b"garbage", "public"), None);
    }
}
