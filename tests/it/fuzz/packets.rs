//! Packets off the wire: ARP frames, ICMP replies (raw IPv4 and ICMP-socket forms), SNMP
//! responses and DNS / mDNS messages, built well-formed from their fields, then mutated.
use super::mutate::{junk, lower, mutated, unicode};
use bigr::scan::{arp, mdns, snmp};
use proptest::prelude::*;
use proptest::sample::select;
use std::net::Ipv4Addr;

const BINARY_TOKENS: &[&[u8]] = &[
    b"\x00",
    b"\xff",
    b"\x80",
    b"\x81\xff",
    b"\x82\xff\xff",
    b"\x84\xff\xff\xff\xff",
    b"\x08\x06",
    b"\x08\x00",
    b"\x81\x00",
    b"\x30\x80",
    b"\x06\x00",
    b"\x05\x00",
    b"\xc0\x0c",
    b"\xc0\x00",
    b"\x3f",
    b"\x40",
    b"\x00\x00\x00\x00",
    b"\xff\xff\xff\xff",
];

/// Bytes `n` long, repeating `material` (zeros when there is none).
fn fill(material: &[u8], n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            material
                .get(i % material.len().max(1))
                .copied()
                .unwrap_or(0)
        })
        .collect()
}

fn byte_len(usual: u8) -> impl Strategy<Value = u8> {
    prop_oneof![12 => Just(usual), 1 => any::<u8>(), 1 => 0u8..8]
}

/// An Ethernet frame carrying ARP: usually Ethernet/IPv4, sometimes other sizes and types.
fn arp_frame() -> impl Strategy<Value = Vec<u8>> {
    (
        (
            any::<[u8; 12]>(),
            prop::option::of((select(&[0x8100u16, 0x88a8, 0x9100][..]), any::<u16>())),
        ),
        (
            prop_oneof![12 => Just(0x0806u16), 1 => any::<u16>()],
            prop_oneof![12 => Just(1u16), 1 => any::<u16>()],
            prop_oneof![12 => Just(0x0800u16), 1 => any::<u16>()],
            byte_len(6),
            byte_len(4),
            prop_oneof![Just(1u16), Just(2u16), any::<u16>()],
        ),
        (
            prop_oneof![4 => any::<[u8; 6]>(), 1 => Just([0; 6]), 1 => Just([0xff; 6])],
            prop_oneof![4 => any::<[u8; 4]>(), 1 => Just([0; 4])],
            prop::collection::vec(any::<u8>(), 0..32),
            prop::collection::vec(any::<u8>(), 0..24),
        ),
    )
        .prop_map(
            |(
                (eth, vlan),
                (ethertype, htype, ptype, hlen, plen, oper),
                (sha, spa, other, trailer),
            )| {
                let mut f = eth.to_vec();
                if let Some((tpid, tci)) = vlan {
                    f.extend(tpid.to_be_bytes());
                    f.extend(tci.to_be_bytes());
                }
                f.extend(ethertype.to_be_bytes());
                f.extend(htype.to_be_bytes());
                f.extend(ptype.to_be_bytes());
                f.extend([hlen, plen]);
                f.extend(oper.to_be_bytes());
                let (hlen, plen) = (usize::from(hlen), usize::from(plen));
                f.extend(if hlen == 6 {
                    sha.to_vec()
                } else {
                    fill(&sha, hlen)
                });
                f.extend(if plen == 4 {
                    spa.to_vec()
                } else {
                    fill(&spa, plen)
                });
                f.extend(fill(&other, hlen + plen));
                f.extend(trailer);
                f
            },
        )
}

/// Inputs of `arp::parse_sender`.
pub fn arp_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => arp_frame(),
        3 => mutated(arp_frame(), BINARY_TOKENS),
        1 => junk(),
    ]
}

/// Parses one captured frame the way the ARP sweep's capture thread does.
pub fn feed_arp(frame: &[u8]) {
    let _ = arp::parse_sender(frame);
}

/// The Internet checksum, so well-formed packets look the part.
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn icmp_message(kind: u8, code: u8, rest: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut m = vec![kind, code, 0, 0];
    m.extend(rest);
    m.extend(payload);
    let sum = checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

type Ipv4Fields = (u8, Option<u16>, u8, u8, [u8; 4], [u8; 4], Vec<u8>);

fn ipv4_header() -> impl Strategy<Value = Ipv4Fields> {
    (
        prop_oneof![12 => Just(0x45u8), 1 => 0x46u8..=0x4f, 1 => any::<u8>()],
        prop::option::of(any::<u16>()),
        any::<u8>(),
        prop_oneof![12 => Just(1u8), 1 => any::<u8>()],
        any::<[u8; 4]>(),
        any::<[u8; 4]>(),
        prop::collection::vec(any::<u8>(), 0..40),
    )
}

fn ipv4_packet(
    (vihl, total, ttl, proto, src, dst, options): &Ipv4Fields,
    payload: &[u8],
) -> Vec<u8> {
    let options = fill(options, usize::from(vihl & 0x0f).saturating_sub(5) * 4);
    let len = 20 + options.len() + payload.len();
    let total = total.unwrap_or(u16::try_from(len).unwrap_or(u16::MAX));
    let mut p = vec![*vihl, 0];
    p.extend(total.to_be_bytes());
    p.extend([0, 0, 0x40, 0, *ttl, *proto, 0, 0]);
    p.extend(src);
    p.extend(dst);
    p.extend(options);
    let sum = checksum(&p);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p.extend(payload);
    p
}

/// An ICMP message: an echo reply, or an error quoting (part of) our echo request.
fn icmp() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![4 => Just(0u8), 1 => Just(8u8), 2 => Just(3u8), 2 => Just(11u8), 1 => any::<u8>()],
        any::<u8>(),
        any::<[u8; 4]>(),
        prop::collection::vec(any::<u8>(), 0..48),
        ipv4_header(),
        (any::<[u8; 4]>(), 0usize..=8),
    )
        .prop_map(|(kind, code, rest, data, quoted_ip, (echo, quoted_len))| {
            if kind == 0 || kind == 8 {
                return icmp_message(kind, code, rest, &data);
            }
            let request = icmp_message(8, 0, echo, &[0; 16]);
            let quoted = ipv4_packet(&quoted_ip, &request[..quoted_len]);
            icmp_message(kind, code, [0; 4], &quoted)
        })
}

/// What an ICMP socket (datagram: the ICMP message) or a raw socket (the IPv4 packet)
/// hands over, with the addresses the socket reports.
pub type IcmpInput = (bool, Vec<u8>, Ipv4Addr, Ipv4Addr);

/// Inputs of surge-ping's `Icmpv4Packet::decode`, as the ICMP sweep receives them.
pub fn icmp_input() -> impl Strategy<Value = IcmpInput> {
    let raw = || (ipv4_header(), icmp()).prop_map(|(ip, icmp)| ipv4_packet(&ip, &icmp));
    let bytes = prop_oneof![
        2 => icmp(),
        2 => raw(),
        2 => mutated(icmp(), BINARY_TOKENS),
        2 => mutated(raw(), BINARY_TOKENS),
        1 => junk(),
    ];
    (any::<bool>(), bytes, any::<Ipv4Addr>(), any::<Ipv4Addr>())
}

/// Decodes one reply and reads what `scan::icmp` reads of it (type, source, TTL).
pub fn feed_icmp((datagram, bytes, source, destination): &IcmpInput) {
    let kind = if *datagram {
        socket2::Type::DGRAM
    } else {
        socket2::Type::RAW
    };
    if let Ok(reply) = surge_ping::Icmpv4Packet::decode(bytes, kind, *source, *destination) {
        let _ = reply.get_icmp_type().0 == 0 && reply.get_source() == *source;
        let _ = (reply.get_ttl(), reply.get_real_dest(), reply.get_size());
        let _ = (
            reply.get_identifier(),
            reply.get_sequence(),
            reply.get_icmp_code(),
        );
    }
}

/// A BER tag-length-value, long-form length when needed.
fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match u8::try_from(body.len()) {
        Ok(n) if n < 0x80 => out.push(n),
        _ => {
            let len = body.len().to_be_bytes();
            let skip = len.iter().take_while(|b| **b == 0).count();
            out.push(0x80 | (len.len() - skip) as u8);
            out.extend(&len[skip..]);
        }
    }
    out.extend(body);
    out
}

fn ber_int(tag: u8, n: i64) -> Vec<u8> {
    let b = n.to_be_bytes();
    let mut start = 0;
    while start < 7
        && ((b[start] == 0 && b[start + 1] & 0x80 == 0)
            || (b[start] == 0xff && b[start + 1] & 0x80 != 0))
    {
        start += 1;
    }
    tlv(tag, &b[start..])
}

fn ber_uint(tag: u8, n: u64) -> Vec<u8> {
    let mut body = n.to_be_bytes().to_vec();
    while body.len() > 1 && body[0] == 0 && body[1] & 0x80 == 0 {
        body.remove(0);
    }
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    tlv(tag, &body)
}

fn base128(mut n: u64, out: &mut Vec<u8>) {
    let mut groups = vec![(n & 0x7f) as u8];
    n >>= 7;
    while n > 0 {
        groups.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    out.extend(groups.iter().rev());
}

fn ber_oid(components: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    match components {
        [a, b, rest @ ..] => {
            base128(a.min(&2).saturating_mul(40).saturating_add(*b), &mut body);
            rest.iter().for_each(|c| base128(*c, &mut body));
        }
        [a] => base128(*a, &mut body),
        [] => {}
    }
    tlv(0x06, &body)
}

/// The tables `scan::snmp` reads, as row-name prefixes.
const SNMP_ROOTS: &[&[u64]] = &[
    &[1, 3, 6, 1, 2, 1, 1, 1, 0],
    &[1, 3, 6, 1, 2, 1, 1, 2, 0],
    &[1, 3, 6, 1, 2, 1, 1, 5, 0],
    &[1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2],
    &[1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 2],
    &[1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2],
    &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1],
    &[1, 3, 6, 1, 2, 1, 2, 2, 1, 2],
];

fn oid_components() -> impl Strategy<Value = Vec<u64>> {
    let part = prop_oneof![8 => 0u64..256, 1 => 256u64..70_000, 1 => any::<u64>()];
    prop_oneof![
        4 => (select(SNMP_ROOTS), prop::collection::vec(part, 0..8))
            .prop_map(|(root, index)| [root.to_vec(), index].concat()),
        1 => prop::collection::vec(any::<u64>(), 0..12),
    ]
}

fn snmp_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<i64>().prop_map(|n| ber_int(0x02, n)),
        prop_oneof![
            unicode(0..25).prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..40),
        ]
        .prop_map(|b| tlv(0x04, &b)),
        Just(tlv(0x05, &[])),
        oid_components().prop_map(|c| ber_oid(&c)),
        any::<[u8; 4]>().prop_map(|ip| tlv(0x40, &ip)),
        (select(&[0x41u8, 0x42, 0x43, 0x46][..]), any::<u64>()).prop_map(|(t, n)| ber_uint(t, n)),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(|b| tlv(0x44, &b)),
        select(&[0x80u8, 0x81, 0x82][..]).prop_map(|t| tlv(t, &[])),
        (any::<u8>(), prop::collection::vec(any::<u8>(), 0..16)).prop_map(|(t, b)| tlv(t, &b)),
    ]
}

/// An SNMP v1/v2c message, usually a GetResponse carrying the rows the scanner asks for.
fn snmp_message() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![8 => Just(1i64), 4 => Just(0i64), 1 => Just(3i64), 1 => any::<i64>()],
        prop_oneof![Just(b"public".to_vec()), prop::collection::vec(any::<u8>(), 0..12)],
        prop_oneof![8 => Just(0xa2u8), 1 => select(&[0xa0u8, 0xa1, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8][..])],
        prop_oneof![8 => any::<i32>().prop_map(i64::from), 1 => any::<i64>()],
        prop_oneof![8 => Just(0i64), 2 => Just(2i64), 1 => 0i64..20, 1 => any::<i64>()],
        prop_oneof![8 => 0i64..20, 1 => any::<i64>()],
        prop::collection::vec((oid_components(), snmp_value()), 0..12),
    )
        .prop_map(|(version, community, pdu, id, status, index, rows)| {
            let binds: Vec<u8> = rows
                .iter()
                .flat_map(|(name, value)| tlv(0x30, &[ber_oid(name), value.clone()].concat()))
                .collect();
            let body = [ber_int(0x02, id), ber_int(0x02, status), ber_int(0x02, index), tlv(0x30, &binds)].concat();
            let message = [ber_int(0x02, version), tlv(0x04, &community), tlv(pdu, &body)].concat();
            tlv(0x30, &message)
        })
}

/// Inputs of the SNMP response path: snmp2's `Pdu::from_bytes`, then `snmp::owned_rows`.
pub fn snmp_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => snmp_message(),
        3 => mutated(snmp_message(), BINARY_TOKENS),
        1 => junk(),
    ]
}

/// Decodes an agent's answer and reads its rows as the system group and a table walk do.
pub fn feed_snmp(datagram: &[u8]) {
    let Ok(pdu) = snmp2::Pdu::from_bytes(datagram) else {
        return;
    };
    let Ok(rows) = snmp::owned_rows(pdu) else {
        return;
    };
    for (name, value) in &rows {
        let _ = snmp::text(value);
        let _ = snmp::mac_of(name);
        let _ = snmp::mac_of(&name[name.len().saturating_sub(6)..]);
    }
}

const DNS_LABELS: &[&[u8]] = &[
    b"local",
    b"_tcp",
    b"_udp",
    b"_services",
    b"_dns-sd",
    b"_ipp",
    b"in-addr",
    b"arpa",
];

fn dns_name() -> impl Strategy<Value = Vec<u8>> {
    let label = prop_oneof![
        6 => lower("_-", 1..13).prop_map(String::into_bytes),
        2 => select(DNS_LABELS).prop_map(<[u8]>::to_vec),
        1 => unicode(1..9).prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 1..64),
    ];
    (
        prop::collection::vec(label, 0..5),
        prop_oneof![
            40 => Just(None),
            1 => prop_oneof![4 => Just(12u16), 1 => 12u16..80, 1 => any::<u16>()].prop_map(Some),
        ],
        prop_oneof![12 => Just(true), 1 => Just(false)],
    )
        .prop_map(|(labels, pointer, terminated)| {
            let mut out = Vec::new();
            for l in labels {
                out.push(l.len() as u8);
                out.extend(l);
            }
            match pointer {
                Some(p) => out.extend((0xc000 | p).to_be_bytes()),
                None if terminated => out.push(0),
                None => {}
            }
            out
        })
}

fn rdata(rtype: u16) -> BoxedStrategy<Vec<u8>> {
    let strings = |n| {
        prop::collection::vec(
            prop::collection::vec(any::<u8>(), 0..40)
                .prop_map(|s| [vec![s.len() as u8], s].concat()),
            n,
        )
        .prop_map(|s| s.concat())
    };
    match rtype {
        1 => any::<[u8; 4]>().prop_map(|a| a.to_vec()).boxed(),
        28 => any::<[u8; 16]>().prop_map(|a| a.to_vec()).boxed(),
        2 | 5 | 12 => dns_name().boxed(),
        13 => strings(2..3).boxed(),
        16 => strings(1..4).boxed(),
        33 => (any::<[u8; 6]>(), dns_name())
            .prop_map(|(h, n)| [h.to_vec(), n].concat())
            .boxed(),
        47 => (dns_name(), prop::collection::vec(any::<u8>(), 1..33))
            .prop_map(|(n, bits)| [n, vec![0, bits.len() as u8], bits].concat())
            .boxed(),
        _ => prop::collection::vec(any::<u8>(), 0..32).boxed(),
    }
}

fn dns_record() -> impl Strategy<Value = Vec<u8>> {
    (
        dns_name(),
        prop_oneof![
            40 => select(&[1u16, 2, 5, 12, 13, 16, 28, 33, 47][..]),
            1 => select(&[41u16, 255][..]),
            1 => any::<u16>(),
        ],
        prop_oneof![Just(1u16), Just(0x8001u16), Just(255u16), any::<u16>()],
        any::<u32>(),
        prop_oneof![12 => Just(None), 1 => any::<u16>().prop_map(Some)],
    )
        .prop_flat_map(|(name, rtype, class, ttl, rdlength)| {
            rdata(rtype).prop_map(move |data| {
                let len = rdlength.unwrap_or(data.len() as u16);
                let mut r = name.clone();
                r.extend(rtype.to_be_bytes());
                r.extend(class.to_be_bytes());
                r.extend(ttl.to_be_bytes());
                r.extend(len.to_be_bytes());
                r.extend(data);
                r
            })
        })
}

/// A DNS message: header, questions and records, counts usually right.
fn dns_message() -> impl Strategy<Value = Vec<u8>> {
    let question = (
        dns_name(),
        any::<u16>(),
        prop_oneof![Just(1u16), Just(0x8001u16), any::<u16>()],
    )
        .prop_map(|(name, t, c)| {
            [name, t.to_be_bytes().to_vec(), c.to_be_bytes().to_vec()].concat()
        });
    (
        any::<u16>(),
        prop_oneof![
            Just(0x8400u16),
            Just(0x0000u16),
            Just(0x8180u16),
            any::<u16>()
        ],
        prop::collection::vec(question, 0..3),
        [
            prop::collection::vec(dns_record(), 0..6),
            prop::collection::vec(dns_record(), 0..2),
            prop::collection::vec(dns_record(), 0..3),
        ],
        prop_oneof![12 => Just(None), 1 => any::<[u16; 4]>().prop_map(Some)],
    )
        .prop_map(
            |(id, flags, questions, [answers, authority, additional], counts)| {
                let counts = counts.unwrap_or([
                    questions.len() as u16,
                    answers.len() as u16,
                    authority.len() as u16,
                    additional.len() as u16,
                ]);
                let mut m = id.to_be_bytes().to_vec();
                m.extend(flags.to_be_bytes());
                counts.iter().for_each(|c| m.extend(c.to_be_bytes()));
                for part in [questions, answers, authority, additional] {
                    part.into_iter().for_each(|p| m.extend(p));
                }
                m
            },
        )
}

/// DNS and mDNS datagrams.
pub fn dns_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => dns_message(),
        3 => mutated(dns_message(), BINARY_TOKENS),
        1 => junk(),
    ]
}

/// An assertion of mdns-sd's fuzz entry point that its parser no longer keeps: questions of
/// an unknown type are skipped (the daemon never checks it, so it is no crash of a scan).
const STALE_MDNS_INVARIANT: &str = "parsed question count must match the header";

/// Parses a datagram as the mDNS daemon does (mdns-sd's own parser, through its fuzz entry
/// point) and shortens names as `scan::mdns` does.
pub fn feed_mdns(datagram: &[u8]) {
    let parsed = std::panic::catch_unwind(|| mdns_sd::fuzz_api::parse_packet(datagram));
    if let Err(panic) = parsed {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if !message.contains(STALE_MDNS_INVARIANT) {
            std::panic::resume_unwind(panic);
        }
    }
    let _ = mdns::short_name(&String::from_utf8_lossy(datagram));
}

/// Parses a datagram as the reverse-DNS resolver does and reads its PTR names.
pub fn feed_dns(datagram: &[u8]) {
    use hickory_resolver::proto::op::Message;
    use hickory_resolver::proto::rr::RData;
    if let Ok(message) = Message::from_vec(datagram) {
        for record in &message.answers {
            if let RData::PTR(ptr) = &record.data {
                let _ = ptr.0.to_utf8().trim_end_matches('.').to_ascii_lowercase();
            }
        }
    }
}
