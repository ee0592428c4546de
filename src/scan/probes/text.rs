//! Text protocols asked one question each: HTTP GET, RTSP and SIP OPTIONS, PJL INFO ID on
//! raw printing ports, LPD short queue state.
use super::Answer;
use crate::model::Service;
use crate::scan::banner::{self, printable};
use std::net::IpAddr;

/// An address as the authority part of a URL.
fn authority(ip: IpAddr, port: Option<u16>) -> String {
    let host = match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    match port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

pub fn http_get(ip: IpAddr) -> Vec<u8> {
    format!(
        "GET / HTTP/1.0\r\nHost: {}\r\nUser-Agent: bigr/{}\r\nAccept: */*\r\n\r\n",
        authority(ip, None),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

pub fn rtsp_options(ip: IpAddr, port: u16) -> Vec<u8> {
    format!(
        "OPTIONS rtsp://{}/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: bigr/{}\r\n\r\n",
        authority(ip, Some(port)),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

pub fn sip_options(ip: IpAddr, port: u16) -> Vec<u8> {
    let to = authority(ip, Some(port));
    format!(
        "OPTIONS sip:{to} SIP/2.0\r\nVia: SIP/2.0/TCP bigr.invalid;branch=z9hG4bKbigr1\r\n\
         Max-Forwards: 0\r\nFrom: <sip:bigr@bigr.invalid>;tag=bigr1\r\nTo: <sip:{to}>\r\n\
         Call-ID: bigr-probe-1\r\nCSeq: 1 OPTIONS\r\nAccept: application/sdp\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// Universal exit, the identification request, universal exit: a PJL printer answers with
/// its model and prints nothing.
pub const PJL_INFO_ID: &[u8] = b"\x1b%-12345X@PJL INFO ID\r\n\x1b%-12345X\r\n";

/// "Send queue state (short)" for queue `lp` (RFC 1179 §5.3): read-only.
pub const LPD_QUEUE_STATE: &[u8] = b"\x03lp\n";

/// `Product/1.2 extra` → ("Product", "1.2").
pub fn product_version(software: &str) -> (Option<String>, Option<String>) {
    let token = software.split_whitespace().next().unwrap_or("");
    let (product, version) = token.split_once('/').unwrap_or((token, ""));
    let keep = |s: &str| Some(printable(s.as_bytes())).filter(|s| !s.is_empty());
    (keep(product), keep(version))
}

/// The status line and headers of an HTTP-like answer.
fn head(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let end = text.find("\r\n\r\n").unwrap_or(text.len());
    text[..end].to_string()
}

fn described(name: &str, raw: &[u8], software_headers: &[&str]) -> Service {
    let head = head(raw);
    let software = software_headers
        .iter()
        .find_map(|h| banner::header(&head, h));
    let (product, version) = software.map(product_version).unwrap_or_default();
    Service {
        name: Some(name.into()),
        protocol: "tcp".into(),
        product,
        version,
        banner: Some(printable(head.as_bytes())),
        ..Default::default()
    }
}

pub fn rtsp(raw: &[u8]) -> Option<Service> {
    raw.starts_with(b"RTSP/1.")
        .then(|| described("rtsp", raw, &["server"]))
}

pub fn sip(raw: &[u8]) -> Option<Service> {
    raw.starts_with(b"SIP/2.0 ")
        .then(|| described("sip", raw, &["server", "user-agent"]))
}

/// `@PJL INFO ID` answers with the echo, then the model in quotes, then a form feed.
pub fn pjl(raw: &[u8]) -> Option<Answer> {
    let text = printable(raw);
    let mut lines = text.lines().map(str::trim);
    lines.find(|l| l.eq_ignore_ascii_case("@PJL INFO ID"))?;
    let model = lines.next()?.trim_matches('"').trim().to_string();
    if model.is_empty() {
        return None;
    }
    let mut a = Answer::of(Service {
        name: Some("jetdirect".into()),
        protocol: "tcp".into(),
        product: Some(model.clone()),
        banner: Some(format!("@PJL INFO ID: {model}")),
        ..Default::default()
    });
    a.device.model = Some(model);
    Some(a)
}

/// Any printable answer to a queue-state question is an LPD (often an error text naming
/// the queue).
pub fn lpd(raw: &[u8]) -> Option<Service> {
    let text = printable(raw);
    let line = text.lines().next()?.trim();
    (!line.is_empty() && !raw.starts_with(b"HTTP/") && !raw.starts_with(b"SSH-")).then(|| Service {
        name: Some("lpd".into()),
        protocol: "tcp".into(),
        banner: Some(line.to_string()),
        ..Default::default()
    })
}
