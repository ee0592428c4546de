//! The `dns` module. For domains (names that are a zone's apex): SPF, DMARC, DKIM at the
//! given selectors, CAA, MX and DNSSEC, asked of the resolver the machine uses (or the one
//! named). For DNS servers found on the network (port 53 open): whether they recurse for
//! names they do not serve (an open resolver) and whether they hand out a zone (AXFR).
use super::catalog::finding;
use super::net::Budget;
use crate::model::shield::Finding;
use hickory_resolver::proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// DKIM selectors tried when none are given (the common defaults of mail providers).
pub const DEFAULT_SELECTORS: [&str; 4] = ["default", "selector1", "google", "dkim"];
/// A name no LAN resolver is authoritative for (RFC 2606): asked to see whether it recurses.
const OUTSIDE_NAME: &str = "example.com.";
/// Largest zone transfer read: enough to prove one is given.
const MAX_AXFR: usize = 64 * 1024;

/// One question to one server: UDP, then TCP when the answer was truncated.
pub async fn ask(
    budget: &Budget,
    server: SocketAddr,
    name: &str,
    rtype: RecordType,
    recursion: bool,
) -> Option<Message> {
    let name = Name::from_str(name).ok()?;
    let id = (uuid::Uuid::new_v4().as_u128() & 0xffff) as u16;
    let mut q = Message::new(id, MessageType::Query, OpCode::Query);
    q.metadata.recursion_desired = recursion;
    q.add_query(Query::query(name, rtype));
    let bytes = q.to_vec().ok()?;
    let answer = {
        let _permit = budget.permit().await?;
        let bind = if server.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        };
        let sock = tokio::net::UdpSocket::bind(bind).await.ok()?;
        sock.send_to(&bytes, server).await.ok()?;
        let mut buf = vec![0u8; 4096];
        let deadline =
            tokio::time::Instant::now() + budget.exchange_timeout.min(Duration::from_secs(3));
        loop {
            let (n, from) = tokio::time::timeout_at(deadline, sock.recv_from(&mut buf))
                .await
                .ok()?
                .ok()?;
            if from != server {
                continue;
            }
            match Message::from_vec(&buf[..n]) {
                Ok(m) if m.metadata.id == id => break m,
                _ => continue,
            }
        }
    };
    if !answer.metadata.truncation {
        return Some(answer);
    }
    let raw = tcp_exchange(budget, server, &bytes, 65_535).await?;
    Message::from_vec(raw.get(2..)?).ok()
}

/// Sends one length-prefixed message over TCP and reads what comes back (up to `cap`).
async fn tcp_exchange(
    budget: &Budget,
    server: SocketAddr,
    msg: &[u8],
    cap: usize,
) -> Option<Vec<u8>> {
    let mut conn = budget.connect(server).await.ok()?;
    let mut framed = (msg.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(msg);
    let deadline = tokio::time::Instant::now() + budget.exchange_timeout;
    tokio::time::timeout_at(deadline, conn.stream.write_all(&framed))
        .await
        .ok()?
        .ok()?;
    let mut out = Vec::new();
    let mut chunk = [0u8; 4096];
    while out.len() < cap {
        match tokio::time::timeout_at(deadline, conn.stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => out.extend_from_slice(&chunk[..n]),
            _ => break,
        }
        // One whole message is enough for the queries; a transfer reads on to the cap.
        if cap <= 65_535
            && out.len() >= 2
            && out.len() >= 2 + u16::from_be_bytes([out[0], out[1]]) as usize
        {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn txt_of(m: &Message) -> Vec<String> {
    m.answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(t) => Some(
                t.txt_data
                    .iter()
                    .map(|s| String::from_utf8_lossy(s).to_string())
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect()
}

fn count(m: &Option<Message>, t: RecordType) -> usize {
    m.as_ref().map_or(0, |m| {
        m.answers.iter().filter(|r| r.record_type() == t).count()
    })
}

/// Whether `name` is a zone apex (has its own SOA): the names the mail and domain checks are
/// for. A host name inside a zone is not a domain to hold SPF or DMARC.
pub async fn is_domain(budget: &Budget, resolver: SocketAddr, name: &str) -> bool {
    let fq = format!("{}.", name.trim_end_matches('.'));
    count(
        &ask(budget, resolver, &fq, RecordType::SOA, true).await,
        RecordType::SOA,
    ) > 0
}

/// The domain checks of `domain`; `ip` is the address findings are filed under (the
/// domain's own, as resolved).
pub async fn assess_domain(
    budget: &Budget,
    resolver: SocketAddr,
    domain: &str,
    ip: IpAddr,
    selectors: &[String],
) -> Vec<Finding> {
    let d = domain.trim_end_matches('.');
    let at = |label: &str| {
        if label.is_empty() {
            format!("{d}.")
        } else {
            format!("{label}.{d}.")
        }
    };
    let (apex, dmarc_name) = (at(""), at("_dmarc"));
    let (apex_txt, dmarc, caa, mx, dnskey) = tokio::join!(
        ask(budget, resolver, &apex, RecordType::TXT, true),
        ask(budget, resolver, &dmarc_name, RecordType::TXT, true),
        ask(budget, resolver, &apex, RecordType::CAA, true),
        ask(budget, resolver, &apex, RecordType::MX, true),
        ask(budget, resolver, &apex, RecordType::DNSKEY, true),
    );
    let mut out = Vec::new();
    let mut push = |id: &str, description: String, evidence: serde_json::Value| {
        out.push(finding(id, ip, Some(53), description, evidence))
    };
    let spf: Vec<String> = apex_txt
        .as_ref()
        .map(txt_of)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.to_ascii_lowercase().starts_with("v=spf1"))
        .collect();
    match spf.first() {
        None => push(
            "dns.spf_missing",
            format!("{d} publishes no SPF record: anyone can send mail as it."),
            json!({"domain": d}),
        ),
        Some(record) => {
            let all = record
                .split_whitespace()
                .find(|m| m.trim_start_matches(['+', '-', '~', '?']) == "all");
            match all {
                Some("-all") => {}
                Some("~all") => push(
                    "dns.spf_softfail",
                    format!("{d}'s SPF ends in ~all: forged mail is only marked."),
                    json!({"domain": d, "spf": record}),
                ),
                _ => push(
                    "dns.spf_permissive",
                    format!("{d}'s SPF does not end in -all: {record}"),
                    json!({"domain": d, "spf": record}),
                ),
            }
        }
    }
    let dmarc: Vec<String> = dmarc
        .as_ref()
        .map(txt_of)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.to_ascii_lowercase().starts_with("v=dmarc1"))
        .collect();
    match dmarc.first() {
        None => push(
            "dns.dmarc_missing",
            format!("_dmarc.{d} has no DMARC policy."),
            json!({"domain": d}),
        ),
        Some(record) => {
            let policy = record
                .split(';')
                .map(str::trim)
                .find_map(|kv| kv.strip_prefix("p="))
                .unwrap_or("none")
                .to_ascii_lowercase();
            if policy == "none" {
                push(
                    "dns.dmarc_none",
                    format!("{d}'s DMARC policy is p=none: forged mail is delivered."),
                    json!({"domain": d, "dmarc": record}),
                );
            }
        }
    }
    let selectors: Vec<String> = if selectors.is_empty() {
        DEFAULT_SELECTORS.iter().map(|s| s.to_string()).collect()
    } else {
        selectors.to_vec()
    };
    let keys = futures_util::future::join_all(selectors.iter().map(|s| {
        let name = at(&format!("{s}._domainkey"));
        async move { ask(budget, resolver, &name, RecordType::TXT, true).await }
    }))
    .await;
    let found: Vec<&String> = selectors
        .iter()
        .zip(&keys)
        .filter(|(_, m)| {
            m.as_ref()
                .map(txt_of)
                .unwrap_or_default()
                .iter()
                .any(|t| t.contains("p="))
        })
        .map(|(s, _)| s)
        .collect();
    if found.is_empty() {
        push(
            "dns.dkim_missing",
            format!(
                "No DKIM key at the selectors {} of {d}.",
                selectors.join(", ")
            ),
            json!({"domain": d, "selectors": selectors}),
        );
    }
    if count(&caa, RecordType::CAA) == 0 {
        push(
            "dns.caa_missing",
            format!("{d} has no CAA record: any CA may issue for it."),
            json!({"domain": d}),
        );
    }
    if count(&dnskey, RecordType::DNSKEY) == 0 {
        push(
            "dns.dnssec_missing",
            format!("{d} is not signed (no DNSKEY)."),
            json!({"domain": d, "mx": count(&mx, RecordType::MX)}),
        );
    }
    out
}

/// The checks of a DNS server at ip:53; `zones` are the zones to try a transfer of. None
/// when it did not answer DNS at all (not assessed).
pub async fn assess_server(budget: &Budget, ip: IpAddr, zones: &[String]) -> Option<Vec<Finding>> {
    let server = SocketAddr::new(ip, 53);
    let probe = ask(budget, server, OUTSIDE_NAME, RecordType::A, true).await?;
    let mut out = Vec::new();
    let rcode = probe.metadata.response_code;
    // An authoritative-only server clears RA; one that offers recursion sets it and answers
    // (or fails upstream) instead of refusing.
    if probe.metadata.recursion_available && rcode != ResponseCode::Refused {
        out.push(finding(
            "dns.open_resolver",
            ip,
            Some(53),
            format!("The server recurses for {OUTSIDE_NAME} (a name it does not serve) for anyone who asks."),
            json!({"asked": OUTSIDE_NAME, "rcode": rcode.to_string(), "answers": probe.answers.len()}),
        ));
    }
    for zone in zones {
        if let Some(records) = axfr(budget, server, zone).await {
            out.push(finding(
                "dns.zone_transfer",
                ip,
                Some(53),
                format!(
                    "The server hands out the whole zone {zone} ({records} records) to anyone."
                ),
                json!({"zone": zone, "records": records}),
            ));
        }
    }
    Some(out)
}

/// Records of `zone` the server gives in a transfer; None when it refuses.
async fn axfr(budget: &Budget, server: SocketAddr, zone: &str) -> Option<usize> {
    let name = Name::from_str(&format!("{}.", zone.trim_end_matches('.'))).ok()?;
    let mut q = Message::new(0x5a5a, MessageType::Query, OpCode::Query);
    q.add_query(Query::query(name, RecordType::AXFR));
    let raw = tcp_exchange(budget, server, &q.to_vec().ok()?, MAX_AXFR).await?;
    let len = u16::from_be_bytes([*raw.first()?, *raw.get(1)?]) as usize;
    let first = Message::from_vec(raw.get(2..2 + len)?).ok()?;
    let soa = first
        .answers
        .iter()
        .any(|r| r.record_type() == RecordType::SOA);
    (first.metadata.response_code == ResponseCode::NoError && soa).then_some(first.answers.len())
}

/// The resolver the machine uses (the first nameserver of /etc/resolv.conf).
pub fn system_resolver() -> Option<SocketAddr> {
    let text = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    text.lines().find_map(|l| {
        let ip: IpAddr = l.trim().strip_prefix("nameserver")?.trim().parse().ok()?;
        Some(SocketAddr::new(ip, 53))
    })
}
