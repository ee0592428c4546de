//! The `creds` module (intrusive, opt-in, never on fragile devices): whether a service lets
//! anyone in with a well-known default. Anonymous FTP, HTTP Basic admin pages and Telnet
//! logins from a short curated list, and SNMP communities that accept a write. At most
//! `MAX_ATTEMPTS` tries per service and host, one at a time, stopped at the first sign of a
//! lockout. The SNMP write sets sysContact to the value it already has: nothing changes.
use super::catalog::finding;
use super::http::{self, Request};
use super::net::{Budget, read_answer};
use crate::model::shield::Finding;
use base64::Engine;
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Tries per service and host, at most.
pub const MAX_ATTEMPTS: usize = 5;
/// The defaults tried, most common first (each service takes the first `MAX_ATTEMPTS`).
const DEFAULTS: [(&str, &str); 5] = [
    ("admin", "admin"),
    ("admin", "password"),
    ("root", "root"),
    ("admin", "1234"),
    ("admin", ""),
];
/// Pages that ask for a password on common devices.
const LOGIN_PATHS: [&str; 3] = ["/", "/admin/", "/manager/html"];
/// Words a service uses when it starts refusing everyone.
const LOCKOUT: [&str; 4] = ["locked", "too many", "try again later", "temporarily"];
const SYS_CONTACT: [u64; 9] = [1, 3, 6, 1, 2, 1, 1, 4, 0];

fn locked_out(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    LOCKOUT.iter().any(|w| t.contains(w))
}

fn line_done(b: &[u8]) -> bool {
    b.ends_with(b"\r\n") || b.ends_with(b"\n")
}

/// Whether the FTP server on ip:21 takes an anonymous login.
async fn ftp_anonymous(budget: &Budget, ip: IpAddr) -> Option<String> {
    let mut conn = budget.connect(SocketAddr::new(ip, 21)).await.ok()?;
    let t = budget.exchange_timeout;
    let greeting = read_answer(&mut conn.stream, b"", 1024, t, line_done)
        .await
        .ok()?;
    if !greeting.starts_with(b"220") {
        return None;
    }
    let user = read_answer(&mut conn.stream, b"USER anonymous\r\n", 1024, t, line_done)
        .await
        .ok()?;
    if !user.starts_with(b"331") && !user.starts_with(b"230") {
        return None;
    }
    let pass = if user.starts_with(b"230") {
        user
    } else {
        read_answer(
            &mut conn.stream,
            b"PASS bigr@example.invalid\r\n",
            1024,
            t,
            line_done,
        )
        .await
        .ok()?
    };
    let _ = read_answer(&mut conn.stream, b"QUIT\r\n", 256, t, line_done).await;
    pass.starts_with(b"230")
        .then(|| crate::scan::banner::printable(&greeting).trim().to_string())
}

/// The first default that opens an HTTP Basic prompt on ip:port, with its path.
async fn http_basic(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    tls: bool,
    host: &str,
) -> Option<(String, &'static str, &'static str)> {
    let ask = |path: &'static str, auth: Option<String>| {
        let host = host.to_string();
        async move {
            let req = Request {
                method: "GET",
                path,
                host: &host,
                tls,
                authorization: auth.as_deref(),
            };
            http::fetch(budget, recording, ip, port, &req, false)
                .await
                .ok()
                .flatten()
        }
    };
    for path in LOGIN_PATHS {
        let Some(prompt) = ask(path, None).await else {
            continue;
        };
        let basic = prompt.status == 401
            && prompt
                .header("www-authenticate")
                .is_some_and(|h| h.to_ascii_lowercase().starts_with("basic"));
        if !basic {
            continue;
        }
        for (user, pass) in DEFAULTS.iter().take(MAX_ATTEMPTS) {
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
            let a = ask(path, Some(format!("Basic {token}"))).await?;
            if a.status == 429 || a.status == 403 || locked_out(&String::from_utf8_lossy(&a.body)) {
                return None;
            }
            if (200..400).contains(&a.status) {
                return Some((path.to_string(), user, pass));
            }
        }
        return None;
    }
    None
}

/// The first default a Telnet login on ip:23 accepts.
async fn telnet(budget: &Budget, ip: IpAddr) -> Option<(&'static str, &'static str)> {
    let t = budget.exchange_timeout.min(Duration::from_secs(3));
    let ends_with_prompt = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).to_ascii_lowercase();
        let s = s.trim_end();
        s.ends_with(':') || s.ends_with('>') || s.ends_with('#') || s.ends_with('$')
    };
    for (user, pass) in DEFAULTS.iter().take(MAX_ATTEMPTS) {
        let mut conn = budget.connect(SocketAddr::new(ip, 23)).await.ok()?;
        let s = &mut conn.stream;
        let login = read_answer(s, b"", 2048, t, ends_with_prompt).await.ok()?;
        if !String::from_utf8_lossy(&login)
            .to_ascii_lowercase()
            .contains("login")
        {
            return None;
        }
        read_answer(
            s,
            format!("{user}\r\n").as_bytes(),
            2048,
            t,
            ends_with_prompt,
        )
        .await
        .ok()?;
        let after = read_answer(
            s,
            format!("{pass}\r\n").as_bytes(),
            2048,
            t,
            ends_with_prompt,
        )
        .await
        .unwrap_or_default();
        let text = String::from_utf8_lossy(&after).to_ascii_lowercase();
        if locked_out(&text) {
            return None;
        }
        let refused = ["incorrect", "invalid", "failed", "denied", "login:"]
            .iter()
            .any(|w| text.contains(w));
        if !refused && !text.trim().is_empty() {
            return Some((user, pass));
        }
    }
    None
}

/// Communities (of `private` and `public`) that accept a write of sysContact.
async fn snmp_write(budget: &Budget, ip: IpAddr) -> Vec<&'static str> {
    use crate::scan::ber::{integer, oid, tlv};
    let mut writable = Vec::new();
    let Some(_permit) = budget.permit().await else {
        return writable;
    };
    let bind = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let Ok(sock) = tokio::net::UdpSocket::bind(bind).await else {
        return writable;
    };
    let to = SocketAddr::new(ip, 161);
    let message = |community: &str, kind: u8, id: i32, value: &[u8]| {
        let bind = tlv(0x30, &[oid(&SYS_CONTACT), value.to_vec()].concat());
        let pdu = tlv(
            kind,
            &[integer(id.into()), integer(0), integer(0), tlv(0x30, &bind)].concat(),
        );
        tlv(
            0x30,
            &[integer(1), tlv(0x04, community.as_bytes()), pdu].concat(),
        )
    };
    let wait = budget.exchange_timeout.min(Duration::from_secs(2));
    for (i, community) in ["private", "public"].into_iter().enumerate() {
        let id = 0x6c00 + i as i32 * 2;
        let ask = |packet: Vec<u8>, id: i32| {
            let sock = &sock;
            async move {
                sock.send_to(&packet, to).await.ok()?;
                let mut buf = [0u8; 2048];
                tokio::time::timeout(wait, async {
                    loop {
                        let (n, from) = sock.recv_from(&mut buf).await.ok()?;
                        let Ok(pdu) = snmp2::Pdu::from_bytes(&buf[..n]) else {
                            continue;
                        };
                        if from == to && pdu.req_id == id {
                            let value = pdu.varbinds.clone().next().and_then(|(_, v)| match v {
                                snmp2::Value::OctetString(b) => Some(b.to_vec()),
                                _ => None,
                            });
                            return Some((pdu.error_status, value));
                        }
                    }
                })
                .await
                .ok()?
            }
        };
        // Read the current value first: the write puts back exactly that.
        let Some((0, Some(current))) = ask(message(community, 0xa0, id, &[0x05, 0x00]), id).await
        else {
            continue;
        };
        let set = message(community, 0xa3, id + 1, &tlv(0x04, &current));
        if matches!(ask(set, id + 1).await, Some((0, _))) {
            writable.push(community);
        }
    }
    writable
}

/// Findings on one host; `web` are its (port, over TLS) web ports. None when no service the
/// module knows was there to try.
pub async fn assess(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    open: &[u16],
    web: &[(u16, bool)],
    name: Option<&str>,
) -> Option<Vec<Finding>> {
    let host = name.map(str::to_string).unwrap_or_else(|| ip.to_string());
    let ftp = async {
        if open.contains(&21) {
            ftp_anonymous(budget, ip).await
        } else {
            None
        }
    };
    let tel = async {
        if open.contains(&23) {
            telnet(budget, ip).await
        } else {
            None
        }
    };
    let http = futures_util::future::join_all(web.iter().map(|(p, tls)| {
        let host = host.clone();
        async move { (*p, http_basic(budget, recording, ip, *p, *tls, &host).await) }
    }));
    let (ftp, tel, http, snmp) = tokio::join!(ftp, tel, http, snmp_write(budget, ip));
    let tried = open.contains(&21) || open.contains(&23) || !web.is_empty() || !snmp.is_empty();
    if !tried {
        return None;
    }
    let mut out = Vec::new();
    if let Some(greeting) = ftp {
        out.push(finding(
            "creds.ftp_anonymous",
            ip,
            Some(21),
            "The FTP server accepts an anonymous login.".into(),
            json!({"greeting": greeting}),
        ));
    }
    if let Some((user, _)) = tel {
        out.push(finding(
            "creds.telnet_default",
            ip,
            Some(23),
            format!("Telnet accepts the default login of user {user}."),
            json!({"user": user}),
        ));
    }
    for (port, hit) in http {
        if let Some((path, user, _)) = hit {
            out.push(finding(
                "creds.http_default",
                ip,
                Some(port),
                format!("{path} accepts the default login of user {user}."),
                json!({"path": path, "user": user}),
            ));
        }
    }
    if !snmp.is_empty() {
        out.push(finding(
            "creds.snmp_write",
            ip,
            Some(161),
            format!(
                "SNMP accepts writes with the community {}.",
                snmp.join(" and ")
            ),
            json!({"communities": snmp}),
        ));
    }
    Some(out)
}
