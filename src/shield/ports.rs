//! The `ports` module: risky services a host exposes; for the data stores that are often left
//! open, one safe read-only command tells whether they answer without authentication; UPnP
//! IGD and SNMP default communities over UDP; and too many open ports.
use super::catalog::finding;
use super::net::Budget;
use crate::model::shield::Finding;
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// More open ports than this is a finding.
pub const EXCESSIVE_OPEN_PORTS: usize = 15;

/// (port, service, check id when merely exposed).
const RISKY: &[(u16, &str, &str)] = &[
    (21, "FTP", "ports.ftp"),
    (23, "Telnet", "ports.telnet"),
    (2323, "Telnet", "ports.telnet"),
    (139, "SMB (NetBIOS)", "ports.smb"),
    (445, "SMB", "ports.smb"),
    (3389, "RDP", "ports.rdp"),
    (5900, "VNC", "ports.vnc"),
    (5901, "VNC", "ports.vnc"),
    (1433, "Microsoft SQL Server", "ports.database"),
    (1521, "Oracle", "ports.database"),
    (3306, "MySQL", "ports.database"),
    (5432, "PostgreSQL", "ports.database"),
    (5984, "CouchDB", "ports.database"),
    (9042, "Cassandra", "ports.database"),
    (6379, "Redis", "ports.database"),
    (27017, "MongoDB", "ports.database"),
    (9200, "Elasticsearch", "ports.database"),
    (11211, "Memcached", "ports.database"),
];

/// The service behind a risky port (Telnet, SMB, RDP, VNC, databases…), if it is one.
pub fn risky_service(port: u16) -> Option<&'static str> {
    RISKY
        .iter()
        .find(|(p, _, _)| *p == port)
        .map(|(_, s, _)| *s)
}

/// Ports the module asks about when the open ports are not known.
pub fn candidate_ports() -> Vec<u16> {
    RISKY.iter().map(|(p, _, _)| *p).collect()
}

/// An OP_MSG `{listDatabases: 1, nameOnly: true, $db: "admin"}`: read-only, and refused with
/// "requires authentication" when authorization is on.
fn mongo_list_databases() -> Vec<u8> {
    fn element(out: &mut Vec<u8>, kind: u8, name: &str, value: &[u8]) {
        out.push(kind);
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(value);
    }
    let mut doc = Vec::new();
    element(&mut doc, 0x10, "listDatabases", &1i32.to_le_bytes());
    element(&mut doc, 0x08, "nameOnly", &[1]);
    let admin = b"admin\0";
    let mut s = (admin.len() as i32).to_le_bytes().to_vec();
    s.extend_from_slice(admin);
    element(&mut doc, 0x02, "$db", &s);
    doc.push(0);
    let mut bson = ((doc.len() + 4) as i32).to_le_bytes().to_vec();
    bson.extend_from_slice(&doc);
    let mut body = 0u32.to_le_bytes().to_vec(); // flag bits
    body.push(0); // section kind 0: the command document
    body.extend_from_slice(&bson);
    let mut msg = ((body.len() + 16) as i32).to_le_bytes().to_vec();
    msg.extend_from_slice(&1i32.to_le_bytes()); // request id
    msg.extend_from_slice(&0i32.to_le_bytes()); // response to
    msg.extend_from_slice(&2013i32.to_le_bytes()); // OP_MSG
    msg.extend_from_slice(&body);
    msg
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether the answer of the data store on `port` is complete.
fn whole(port: u16, b: &[u8]) -> bool {
    match port {
        // A MongoDB message starts with its length.
        27017 => b.len() >= 4 && b.len() >= u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize,
        // HTTP/1.0: the server closes when it is done.
        9200 => false,
        _ => b.contains(&b'\n'),
    }
}

/// Whether a data store on `port` answered a read-only command without credentials, with
/// what it said; None when it asked for authentication, or did not answer.
async fn unauthenticated(budget: &Budget, ip: IpAddr, port: u16) -> Option<(&'static str, String)> {
    let addr = SocketAddr::new(ip, port);
    let (id, request, cap): (&str, Vec<u8>, usize) = match port {
        6379 => ("ports.redis_noauth", b"PING\r\n".to_vec(), 256),
        11211 => ("ports.memcached_noauth", b"version\r\n".to_vec(), 256),
        27017 => ("ports.mongodb_noauth", mongo_list_databases(), 16 * 1024),
        9200 => (
            "ports.elasticsearch_noauth",
            format!("GET / HTTP/1.0\r\nHost: {ip}\r\nUser-Agent: bigr-shield\r\n\r\n").into_bytes(),
            16 * 1024,
        ),
        _ => return None,
    };
    let answer = budget
        .exchange(addr, &request, cap, |b| whole(port, b))
        .await
        .ok()?;
    let open = match port {
        6379 => answer.starts_with(b"+PONG"),
        11211 => answer.starts_with(b"VERSION "),
        // ok: 1.0 with a databases list; refused answers carry ok: 0 and an errmsg.
        27017 => contains(&answer, b"databases\0") && !contains(&answer, b"errmsg\0"),
        _ => {
            answer.starts_with(b"HTTP/1.")
                && answer.get(9..12) == Some(b"200")
                && (contains(&answer, b"\"cluster_name\"")
                    || contains(&answer, b"\"lucene_version\""))
        }
    };
    let said = crate::scan::banner::printable(&answer[..answer.len().min(200)]);
    open.then_some((id, said))
}

/// Asks a UPnP device on ip for an Internet Gateway Device (a unicast M-SEARCH).
async fn upnp_igd(budget: &Budget, ip: IpAddr, wait: Duration) -> Option<String> {
    let _permit = budget.permit().await?;
    let bind = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let sock = tokio::net::UdpSocket::bind(bind).await.ok()?;
    let st = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
    let q = format!(
        "M-SEARCH * HTTP/1.1\r\nHOST: {ip}:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: {st}\r\n\r\n"
    );
    sock.send_to(q.as_bytes(), SocketAddr::new(ip, 1900))
        .await
        .ok()?;
    let mut buf = [0u8; 2048];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let (n, from) = tokio::time::timeout_at(deadline, sock.recv_from(&mut buf))
            .await
            .ok()?
            .ok()?;
        let text = String::from_utf8_lossy(&buf[..n]).to_string();
        if from.ip() == ip && text.to_ascii_lowercase().contains("internetgatewaydevice") {
            let location = text
                .lines()
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
                })
                .map(|(_, v)| v.trim().to_string());
            return Some(location.unwrap_or_default());
        }
    }
}

/// The default communities an SNMP agent answers on ip.
async fn snmp_default_communities(
    budget: &Budget,
    ip: IpAddr,
    wait: Duration,
) -> Vec<&'static str> {
    use crate::scan::snmp_sweep::{get_system, parse_system};
    let mut answered = Vec::new();
    let Some(_permit) = budget.permit().await else {
        return answered;
    };
    let bind = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let Ok(sock) = tokio::net::UdpSocket::bind(bind).await else {
        return answered;
    };
    const COMMUNITIES: [&str; 2] = ["public", "private"];
    let to = SocketAddr::new(ip, 161);
    // Both communities at once, then once more for the silent ones: a lost datagram does not
    // hide an open agent, and a host without SNMP costs two waits, not four.
    for _ in 0..2 {
        let mut asked = false;
        for (i, community) in COMMUNITIES.into_iter().enumerate() {
            if !answered.contains(&community) {
                asked |= sock
                    .send_to(&get_system(community, 0x5e00 + i as i32), to)
                    .await
                    .is_ok();
            }
        }
        if !asked {
            break;
        }
        let mut buf = [0u8; 4096];
        let deadline = tokio::time::Instant::now() + wait;
        while answered.len() < COMMUNITIES.len() {
            let Ok(Ok((n, from))) =
                tokio::time::timeout_at(deadline, sock.recv_from(&mut buf)).await
            else {
                break;
            };
            for (i, community) in COMMUNITIES.into_iter().enumerate() {
                if from.ip() == ip
                    && !answered.contains(&community)
                    && parse_system(&buf[..n], community)
                        .is_some_and(|(r, _)| r == 0x5e00 + i as i32)
                {
                    answered.push(community);
                }
            }
        }
        if answered.len() == COMMUNITIES.len() {
            break;
        }
    }
    answered
}

/// Findings on a host whose open TCP ports are `open`.
pub async fn assess(budget: &Budget, ip: IpAddr, open: &[u16]) -> Vec<Finding> {
    let mut out = Vec::new();
    let data_stores = futures_util::future::join_all(
        open.iter()
            .map(|p| async move { (*p, unauthenticated(budget, ip, *p).await) }),
    )
    .await;
    for (port, service, id) in RISKY {
        if !open.contains(port) {
            continue;
        }
        match data_stores
            .iter()
            .find(|(p, _)| p == port)
            .and_then(|(_, r)| r.clone())
        {
            Some((noauth, said)) => out.push(finding(
                noauth,
                ip,
                Some(*port),
                format!(
                    "{service} on port {port} answered a read-only command without credentials."
                ),
                json!({"service": service, "answer": said}),
            )),
            None => out.push(finding(
                id,
                ip,
                Some(*port),
                format!("{service} is reachable on port {port}."),
                json!({"service": service}),
            )),
        }
    }
    let wait = budget.exchange_timeout.min(Duration::from_secs(2));
    let (igd, communities) = tokio::join!(
        upnp_igd(budget, ip, wait),
        snmp_default_communities(budget, ip, wait)
    );
    if let Some(location) = igd {
        out.push(finding(
            "ports.upnp_igd",
            ip,
            Some(1900),
            "The host answers UPnP searches as an Internet Gateway Device.".into(),
            json!({"location": location}),
        ));
    }
    if !communities.is_empty() {
        out.push(finding(
            "ports.snmp_default_community",
            ip,
            Some(161),
            format!("SNMP answers the community {}.", communities.join(" and ")),
            json!({"communities": communities}),
        ));
    }
    if open.len() > EXCESSIVE_OPEN_PORTS {
        out.push(finding(
            "ports.excessive",
            ip,
            None,
            format!(
                "{} open TCP ports (more than {EXCESSIVE_OPEN_PORTS}).",
                open.len()
            ),
            json!({"open_ports": open}),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mongodb_command_is_one_well_formed_op_msg() {
        let m = mongo_list_databases();
        assert_eq!(
            i32::from_le_bytes(m[0..4].try_into().unwrap()) as usize,
            m.len()
        );
        assert_eq!(i32::from_le_bytes(m[12..16].try_into().unwrap()), 2013);
        let bson = &m[21..];
        assert_eq!(
            i32::from_le_bytes(bson[0..4].try_into().unwrap()) as usize,
            bson.len()
        );
        assert_eq!(*bson.last().unwrap(), 0);
        assert!(contains(bson, b"listDatabases\0"));
    }
}
