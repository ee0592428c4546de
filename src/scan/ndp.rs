//! IPv6 neighbours on the link, tied to their MACs. From each of the interface's own IPv6
//! addresses (link-local and global, so both kinds answer) questions go to all-nodes
//! (ff02::1): an ICMPv6 echo request; the same echo behind a destination option no host
//! knows (type 0x80: "discard, and send a Parameter Problem even to multicast", RFC 8200
//! §4.2); and, from the link-local address, an MLDv2 general query, which every host
//! answers with a report from its link-local address even when its firewall drops echo
//! (Windows), since IPv6 itself needs MLD. The answers' Ethernet source and IPv6 source give
//! (MAC, address). Needs CAP_NET_RAW.
use super::error::ProbeError;
use crate::model::MacAddr;
use etherparse::{
    IcmpEchoHeader, Icmpv6Header, Icmpv6Type, LinkSlice, NetSlice, SlicedPacket, TransportSlice,
};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv6Addr;
use std::time::{Duration, Instant};

/// The IPv6 addresses each MAC answered from.
pub type Neighbours = BTreeMap<MacAddr, BTreeSet<Ipv6Addr>>;

const ALL_NODES: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
const ALL_NODES_MAC: [u8; 6] = [0x33, 0x33, 0, 0, 0, 1];
const NEXT_ICMPV6: u8 = 58;
const NEXT_DEST_OPTS: u8 = 60;
/// Most neighbours kept, and addresses per neighbour: a hostile link cannot grow the scan.
const MAX_NEIGHBOURS: usize = 4096;
pub const MAX_ADDRESSES: usize = 16;
/// How long a sweep listens: hosts answer multicast echo and report unknown options at
/// once, and MLD queries within their response delay.
pub const WINDOW: Duration = Duration::from_millis(MLD_MAX_DELAY_MS as u64 + 250);
/// Sleep when the capture has nothing (the handle is non-blocking).
const IDLE_SLEEP: Duration = Duration::from_millis(2);

/// The questions a sweep sends from each of its addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// ICMPv6 echo request: Linux, macOS, printers answer multicast echo.
    Echo,
    /// The echo behind an unknown destination option (type 0x80): hosts that ignore
    /// multicast echo must still report the option with a Parameter Problem.
    BadOption,
    /// An MLDv2 general query: every host must report its multicast groups (its
    /// solicited-node groups at least) from its link-local address, within the response
    /// delay. Firewalls let MLD through, or IPv6 itself would break.
    MldQuery,
}

pub const PROBES: [Probe; 3] = [Probe::Echo, Probe::BadOption, Probe::MldQuery];

const NEXT_HOP_BY_HOP: u8 = 0;
const MLD_QUERY: u8 = 130;
const MLD_REPORT_V1: u8 = 131;
const MLD_REPORT_V2: u8 = 143;
/// Hosts answer an MLD query after a random delay up to this (milliseconds).
const MLD_MAX_DELAY_MS: u16 = 250;

/// One Ethernet frame to all-nodes from `src` asking `probe`.
pub fn probe_frame(own_mac: MacAddr, src: Ipv6Addr, id: u16, probe: Probe) -> Vec<u8> {
    let (first_next, options, icmp_type, payload): (u8, &[u8], Icmpv6Type, Vec<u8>) = match probe {
        Probe::Echo => (
            NEXT_ICMPV6,
            &[],
            Icmpv6Type::EchoRequest(IcmpEchoHeader { id, seq: 1 }),
            b"bigr".to_vec(),
        ),
        // Next header ICMPv6, length 0 (8 bytes): option type 0x80 with 4 bytes of data.
        Probe::BadOption => (
            NEXT_DEST_OPTS,
            &[NEXT_ICMPV6, 0, 0x80, 4, 0, 0, 0, 0],
            Icmpv6Type::EchoRequest(IcmpEchoHeader { id, seq: 2 }),
            b"bigr".to_vec(),
        ),
        // Hop-by-hop router alert (MLD, RFC 2711) padded to 8 bytes; the query's multicast
        // address is unspecified (a general query), robustness 2, interval 125 s, no sources.
        Probe::MldQuery => {
            let [hi, lo] = MLD_MAX_DELAY_MS.to_be_bytes();
            let mut payload = vec![0u8; 16];
            payload.extend_from_slice(&[2, 125, 0, 0]);
            (
                NEXT_HOP_BY_HOP,
                &[NEXT_ICMPV6, 0, 5, 2, 0, 0, 1, 0],
                Icmpv6Type::Unknown {
                    type_u8: MLD_QUERY,
                    code_u8: 0,
                    bytes5to8: [hi, lo, 0, 0],
                },
                payload,
            )
        }
    };
    let icmp = Icmpv6Header::with_checksum(icmp_type, src.octets(), ALL_NODES.octets(), &payload)
        .expect("a short payload");
    let mut upper = icmp.to_bytes().to_vec();
    upper.extend_from_slice(&payload);
    let mut f = Vec::with_capacity(14 + 40 + options.len() + upper.len());
    f.extend_from_slice(&ALL_NODES_MAC);
    f.extend_from_slice(&own_mac.0);
    f.extend_from_slice(&0x86ddu16.to_be_bytes());
    f.extend_from_slice(&[0x60, 0, 0, 0]);
    f.extend_from_slice(&((options.len() + upper.len()) as u16).to_be_bytes());
    f.push(first_next);
    // Hop limit 1: these never leave the link (and MLD requires it).
    f.push(1);
    f.extend_from_slice(&src.octets());
    f.extend_from_slice(&ALL_NODES.octets());
    f.extend_from_slice(options);
    f.extend(upper);
    f
}

/// The (MAC, address) an answer to our probes came from: an echo reply with our id, or a
/// parameter problem; None for anything else.
pub fn parse_answer(frame: &[u8], id: u16) -> Option<(MacAddr, Ipv6Addr)> {
    let p = SlicedPacket::from_ethernet(frame).ok()?;
    let Some(LinkSlice::Ethernet2(eth)) = &p.link else {
        return None;
    };
    let Some(NetSlice::Ipv6(ip)) = &p.net else {
        return None;
    };
    let Some(TransportSlice::Icmpv6(icmp)) = &p.transport else {
        return None;
    };
    let answered = match icmp.icmp_type() {
        Icmpv6Type::EchoReply(echo) => echo.id == id,
        Icmpv6Type::ParameterProblem(_) => true,
        Icmpv6Type::Unknown { type_u8, .. } => {
            matches!(type_u8, MLD_REPORT_V1 | MLD_REPORT_V2)
        }
        _ => false,
    };
    let src = ip.header().source_addr();
    let mac = MacAddr(eth.source());
    (answered && !src.is_unspecified() && !src.is_multicast() && mac.0[0] & 1 == 0)
        .then_some((mac, src))
}

/// Asks the link behind `interface` and listens for `window` (answers to multicast come
/// within milliseconds; hosts delay them at random by up to a second only for NDP itself).
pub fn sweep(
    interface: &str,
    own_mac: MacAddr,
    sources: &[Ipv6Addr],
    window: Duration,
) -> Result<Neighbours, ProbeError> {
    let mut out = Neighbours::new();
    if sources.is_empty() {
        return Ok(out);
    }
    let mut capture = pcap::Capture::from_device(interface)
        .and_then(|c| c.immediate_mode(true).snaplen(256).timeout(20).open())
        .and_then(|c| c.setnonblock())
        .map_err(|e| ProbeError::interface("cannot capture", interface, e))?;
    capture
        // ICMPv6, or ICMPv6 right behind a hop-by-hop header (MLD reports); `protochain`
        // would say it in one word but cannot run in the kernel (libpcap then warns on stderr).
        .filter("icmp6 or (ip6 and ip6[6] == 0 and ip6[40] == 58)", true)
        .map_err(|e| ProbeError::interface("ICMPv6 filter", interface, e))?;
    let id = uuid::Uuid::new_v4().as_u128() as u16;
    for src in sources {
        for probe in PROBES {
            // MLD queries count only from a link-local address (RFC 3810 §5.1.14).
            if probe == Probe::MldQuery && !src.is_unicast_link_local() {
                continue;
            }
            capture
                .sendpacket(probe_frame(own_mac, *src, id, probe))
                .map_err(|e| ProbeError::interface("sending ICMPv6", interface, e))?;
        }
    }
    let end = Instant::now() + window;
    while Instant::now() < end {
        match capture.next_packet() {
            Ok(packet) => {
                let Some((mac, ip)) = parse_answer(packet.data, id) else {
                    continue;
                };
                if mac == own_mac || sources.contains(&ip) {
                    continue;
                }
                if out.len() >= MAX_NEIGHBOURS && !out.contains_key(&mac) {
                    continue;
                }
                let seen = out.entry(mac).or_default();
                if seen.len() < MAX_ADDRESSES {
                    seen.insert(ip);
                }
            }
            Err(pcap::Error::TimeoutExpired) => std::thread::sleep(IDLE_SLEEP),
            Err(e) => return Err(ProbeError::interface("ICMPv6 capture", interface, e)),
        }
    }
    Ok(out)
}

/// The IPv6 addresses of `interface` to ask from (not loopback, not multicast).
pub fn own_addresses(interface: &str) -> Vec<Ipv6Addr> {
    let Ok(devices) = pcap::Device::list() else {
        return Vec::new();
    };
    devices
        .into_iter()
        .filter(|d| d.name == interface)
        .flat_map(|d| d.addresses)
        .filter_map(|a| match a.addr {
            std::net::IpAddr::V6(v6) if !v6.is_loopback() && !v6.is_multicast() => Some(v6),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);

    /// The answer a neighbour sends: `icmp_type` from `src` to our `dst`.
    fn answer(mac: [u8; 6], src: Ipv6Addr, dst: Ipv6Addr, icmp_type: Icmpv6Type) -> Vec<u8> {
        let b = etherparse::PacketBuilder::ethernet2(mac, OURS.0)
            .ipv6(src.octets(), dst.octets(), 64)
            .icmpv6(icmp_type);
        let mut out = Vec::new();
        b.write(&mut out, b"bigr").unwrap();
        out
    }

    #[test]
    fn probes_are_well_formed_and_answers_name_the_neighbour() {
        let src: Ipv6Addr = "fe80::1".parse().unwrap();
        let plain = probe_frame(OURS, src, 7, Probe::Echo);
        let p = SlicedPacket::from_ethernet(&plain).unwrap();
        assert!(matches!(
            p.transport,
            Some(TransportSlice::Icmpv6(ref i)) if matches!(i.icmp_type(), Icmpv6Type::EchoRequest(e) if e.id == 7)
        ));
        let odd = probe_frame(OURS, src, 7, Probe::BadOption);
        let p = SlicedPacket::from_ethernet(&odd).unwrap();
        assert!(
            matches!(p.transport, Some(TransportSlice::Icmpv6(_))),
            "behind the option"
        );
        assert_eq!(odd.len(), plain.len() + 8);

        let host = [0x3c, 0x22, 0xfb, 1, 2, 3];
        let there: Ipv6Addr = "fe80::3e22:fbff:fe01:203".parse().unwrap();
        let reply = answer(
            host,
            there,
            src,
            Icmpv6Type::EchoReply(IcmpEchoHeader { id: 7, seq: 1 }),
        );
        assert_eq!(parse_answer(&reply, 7), Some((MacAddr(host), there)));
        assert_eq!(parse_answer(&reply, 8), None, "another sweep's echo");
        let problem = answer(
            host,
            there,
            src,
            Icmpv6Type::ParameterProblem(etherparse::icmpv6::ParameterProblemHeader {
                code: etherparse::icmpv6::ParameterProblemCode::UnrecognizedIpv6Option,
                pointer: 42,
            }),
        );
        assert_eq!(parse_answer(&problem, 7), Some((MacAddr(host), there)));
        let query = probe_frame(OURS, src, 7, Probe::MldQuery);
        let p = SlicedPacket::from_ethernet(&query).unwrap();
        assert!(
            matches!(
                p.transport,
                Some(TransportSlice::Icmpv6(ref i)) if matches!(i.icmp_type(), Icmpv6Type::Unknown { type_u8: MLD_QUERY, .. })
            ),
            "behind the router alert"
        );
        let report = answer(
            host,
            there,
            "ff02::16".parse().unwrap(),
            Icmpv6Type::Unknown {
                type_u8: MLD_REPORT_V2,
                code_u8: 0,
                bytes5to8: [0, 0, 0, 1],
            },
        );
        assert_eq!(parse_answer(&report, 7), Some((MacAddr(host), there)));
        assert_eq!(parse_answer(&query, 7), None, "our own query is no answer");
        for n in 0..reply.len() {
            assert_eq!(parse_answer(&reply[..n], 7), None);
        }
    }
}
