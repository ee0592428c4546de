//! What a service on an open TCP port is: a server-first greeting read, an HTTP request, or
//! a read-only protocol probe chosen by the port (SMB negotiate with its NTLMSSP challenge,
//! RDP X.224, MSRPC endpoint-mapper bind, NetBIOS session, RTSP and SIP OPTIONS, IPP
//! Get-Printer-Attributes, PJL INFO ID, LPD queue state, MQTT CONNECT). No probe
//! authenticates, writes or prints; each costs one connection, a few hundred bytes and a
//! bounded wait. Fragile hosts get the greeting read only.
mod binary;
mod ipp;
mod smb;
mod text;

use super::banner;
use super::tcp::{self, ProbeOptions};
use crate::model::{DeviceInfo, NameSource, SeenName, Service};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Most bytes read from one answer (headers and a `<title>`, an IPP attribute list, an
/// NTLMSSP challenge all fit).
const MAX_ANSWER: usize = 8192;
/// How long a port is given to greet before it is taken for a client-first service.
const GREETING_WAIT: Duration = Duration::from_millis(500);

/// What one open port told us.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    pub service: Service,
    /// Names the service gave for its host (the SMB challenge's computer names).
    pub names: Vec<SeenName>,
    /// What the device said it is (printer model, reported OS, domain).
    pub device: DeviceInfo,
}

impl Answer {
    pub fn of(service: Service) -> Answer {
        Answer {
            service,
            ..Default::default()
        }
    }

    fn name(&mut self, name: Option<String>, source: NameSource) {
        if let Some(n) = name {
            crate::model::names::add_name(&mut self.names, &n, source);
        }
    }
}

/// The protocol a port is asked in, when the client must speak first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Protocol {
    Http,
    Smb,
    Rdp,
    Msrpc,
    NetbiosSession,
    Rtsp,
    Sip,
    Ipp,
    Pjl,
    Lpd,
    Mqtt,
}

fn protocol_of(port: u16) -> Option<Protocol> {
    use Protocol::*;
    Some(match port {
        p if banner::is_http_port(p) => Http,
        445 => Smb,
        3389 => Rdp,
        135 => Msrpc,
        139 => NetbiosSession,
        554 | 8554 => Rtsp,
        5060 => Sip,
        631 => Ipp,
        9100 => Pjl,
        515 => Lpd,
        1883 => Mqtt,
        _ => return None,
    })
}

/// Connects to an open port and learns what it can. Returns at least the port, even when
/// nothing was said.
pub async fn identify(ip: IpAddr, port: u16, opts: &ProbeOptions, fragile: bool) -> Answer {
    let empty = Answer::of(Service {
        port,
        protocol: "tcp".into(),
        ..Default::default()
    });
    // The port answered the scan, so a connect that times out now lost its SYN or SYN-ACK:
    // try again as the scan does, rather than leave an open port unnamed.
    let addr = SocketAddr::new(ip, port);
    let mut connected = None;
    for _ in 0..=opts.retries.min(2) {
        if let Ok(s) = tcp::connect(addr, opts.connect_timeout).await {
            connected = Some(s);
            break;
        }
    }
    let Some(mut stream) = connected else {
        return empty;
    };
    let protocol = protocol_of(port).filter(|p| !fragile || *p == Protocol::Http);
    let mut io = Exchange {
        stream: &mut stream,
        opts,
    };
    let answer = match protocol {
        None => {
            // Server-first protocols greet at once. A port silent that long waits for the
            // client: most such unknown ports speak HTTP, so ask as a browser would.
            let raw = io
                .read(GREETING_WAIT.min(opts.read_timeout), greeting_complete)
                .await;
            if raw.is_empty() && !fragile {
                let raw = io.ask(&text::http_get(ip), http_complete).await;
                Some(Answer::of(banner::parse(port, &raw)))
            } else {
                Some(Answer::of(banner::parse(port, &raw)))
            }
        }
        Some(Protocol::Http) => {
            let raw = io.ask(&text::http_get(ip), http_complete).await;
            Some(Answer::of(banner::parse(port, &raw)))
        }
        Some(Protocol::Smb) => smb::identify(&mut io).await,
        Some(p) => {
            let raw = io.ask(&request(p, ip, port), complete_for(p)).await;
            parse(p, port, &raw)
        }
    };
    match answer {
        Some(mut a) => {
            a.service.port = port;
            a
        }
        None => empty,
    }
}

/// What `raw`, the answer read from `port`, says: the same parsing `identify` applies,
/// without the network (for the fuzz tests and anything replaying captured answers).
pub fn describe(port: u16, raw: &[u8]) -> Answer {
    let parsed = match protocol_of(port) {
        None | Some(Protocol::Http) => Some(Answer::of(banner::parse(port, raw))),
        Some(Protocol::Smb) => smb::describe(raw),
        Some(p) => parse(p, port, raw),
    };
    let mut a = parsed.unwrap_or_else(|| Answer::of(banner::parse(port, raw)));
    a.service.port = port;
    a
}

fn request(p: Protocol, ip: IpAddr, port: u16) -> Vec<u8> {
    match p {
        Protocol::Rdp => binary::RDP_REQUEST.to_vec(),
        Protocol::Msrpc => binary::MSRPC_BIND.to_vec(),
        Protocol::NetbiosSession => binary::netbios_session_request(),
        Protocol::Mqtt => binary::MQTT_CONNECT.to_vec(),
        Protocol::Rtsp => text::rtsp_options(ip, port),
        Protocol::Sip => text::sip_options(ip, port),
        Protocol::Pjl => text::PJL_INFO_ID.to_vec(),
        Protocol::Lpd => text::LPD_QUEUE_STATE.to_vec(),
        Protocol::Ipp => ipp::request(ip, port),
        Protocol::Http | Protocol::Smb => Vec::new(),
    }
}

fn complete_for(p: Protocol) -> fn(&[u8]) -> bool {
    match p {
        Protocol::Rdp => binary::tpkt_complete,
        Protocol::Msrpc => binary::dcerpc_complete,
        Protocol::NetbiosSession => |b: &[u8]| b.len() >= 4,
        Protocol::Mqtt => |b: &[u8]| b.len() >= 4,
        Protocol::Pjl => |b: &[u8]| b.contains(&0x0c),
        Protocol::Lpd => greeting_complete,
        Protocol::Rtsp | Protocol::Sip | Protocol::Ipp | Protocol::Http => http_complete,
        Protocol::Smb => smb::message_complete,
    }
}

/// Reads what the protocol answered. A port that answers something else (an HTTP server
/// on 554, a greeting on 515) is still described from its bytes.
fn parse(p: Protocol, port: u16, raw: &[u8]) -> Option<Answer> {
    if raw.is_empty() {
        return None;
    }
    let parsed = match p {
        Protocol::Rdp => binary::rdp(raw).map(Answer::of),
        Protocol::Msrpc => binary::msrpc(raw).map(Answer::of),
        Protocol::NetbiosSession => binary::netbios_session(raw).map(Answer::of),
        Protocol::Mqtt => binary::mqtt(raw).map(Answer::of),
        Protocol::Rtsp => text::rtsp(raw).map(Answer::of),
        Protocol::Sip => text::sip(raw).map(Answer::of),
        Protocol::Pjl => text::pjl(raw),
        Protocol::Lpd => text::lpd(raw).map(Answer::of),
        Protocol::Ipp => ipp::parse(raw),
        Protocol::Http | Protocol::Smb => None,
    };
    Some(parsed.unwrap_or_else(|| Answer::of(banner::parse(port, raw))))
}

/// Greeting protocols send one line; an HTTP answer on an unusual port keeps going (its
/// title comes later).
fn greeting_complete(buf: &[u8]) -> bool {
    !buf.starts_with(b"HTTP/") && buf.contains(&b'\n')
}

/// An HTTP-like answer (HTTP, RTSP, SIP, IPP) is complete when its headers are in and its
/// body has the announced length; without a length, the peer's pause or close ends it.
pub(crate) fn http_complete(buf: &[u8]) -> bool {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&buf[..end]);
    match banner::header(&head, "content-length").and_then(|v| v.parse::<usize>().ok()) {
        Some(len) => buf.len() >= end + 4 + len,
        None => false,
    }
}

/// One connection's reads and writes, each bounded in time and size.
struct Exchange<'a> {
    stream: &'a mut TcpStream,
    opts: &'a ProbeOptions,
}

impl Exchange<'_> {
    /// Sends `request`, then reads the answer.
    async fn ask(&mut self, request: &[u8], complete: fn(&[u8]) -> bool) -> Vec<u8> {
        let sent = tokio::time::timeout(self.opts.read_timeout, self.stream.write_all(request));
        if !matches!(sent.await, Ok(Ok(()))) {
            return Vec::new();
        }
        self.read(self.opts.read_timeout, complete).await
    }

    /// Reads until the answer is complete, the peer pauses or closes, or `MAX_ANSWER` bytes
    /// came. Each read may wait `wait`, all of them together twice that: a service that
    /// trickles a byte at a time cannot hold the socket (and its slot) for long.
    async fn read(&mut self, wait: Duration, complete: fn(&[u8]) -> bool) -> Vec<u8> {
        let mut buf = vec![0u8; MAX_ANSWER];
        let mut len = 0;
        let deadline = tokio::time::Instant::now() + wait * 2;
        while len < buf.len() {
            let until = deadline.min(tokio::time::Instant::now() + wait);
            match tokio::time::timeout_at(until, self.stream.read(&mut buf[len..])).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
                Ok(Ok(n)) => {
                    len += n;
                    if complete(&buf[..len]) {
                        break;
                    }
                }
            }
        }
        buf.truncate(len);
        buf
    }
}

#[cfg(test)]
mod tests;
