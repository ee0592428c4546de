//! SSDP/UPnP: a unicast M-SEARCH (UPnP 1.1 §1.3.2) to UDP 1900 of every live IPv4 host,
//! then the device description each answer's LOCATION points to, fetched over HTTP with a
//! size and time limit: friendlyName, manufacturer, modelName, modelNumber, serialNumber
//! and deviceType. Unicast keeps the question to the scan's own targets (no multicast onto
//! the link), and a LOCATION on any other address than the answering host is never fetched.
use super::error::ProbeError;
use crate::model::DeviceInfo;
use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

const PORT: u16 = 1900;
/// Questions sent per millisecond at most (a /24 goes out in about 30 ms).
const PER_MS: usize = 8;
/// An SSDP answer is a few hundred bytes; more is not an answer we read.
const MAX_ANSWER: usize = 2048;
/// Descriptions are a few KiB; a 64 KiB cap bounds a hostile one.
const MAX_DESCRIPTION: usize = 64 * 1024;
/// Descriptions fetched at once.
const FETCHES_IN_FLIGHT: usize = 32;

/// What one host said over SSDP and in its description.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Described {
    /// The description's `friendlyName` (a label for people, e.g. "Living Room TV").
    pub friendly_name: Option<String>,
    pub device: DeviceInfo,
    /// The answer's SERVER header ("Linux/4.9 UPnP/1.0 Sonos/70.3").
    pub server: Option<String>,
}

pub fn m_search(ip: Ipv4Addr) -> Vec<u8> {
    format!(
        "M-SEARCH * HTTP/1.1\r\nHOST: {ip}:{PORT}\r\nMAN: \"ssdp:discover\"\r\n\
         ST: upnp:rootdevice\r\nUSER-AGENT: bigr/{} UPnP/1.1\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

/// (LOCATION, SERVER) of an M-SEARCH answer; None for anything else.
pub fn parse_answer(packet: &[u8]) -> Option<(String, Option<String>)> {
    let text = std::str::from_utf8(packet).ok()?;
    if !text.starts_with("HTTP/1.1 200") && !text.starts_with("HTTP/1.0 200") {
        return None;
    }
    let location = super::banner::header(text, "location")?.to_string();
    let server =
        super::banner::header(text, "server").map(|s| super::banner::printable(s.as_bytes()));
    Some((location, server))
}

/// `http://10.0.0.5:49152/desc.xml` → (10.0.0.5:49152, "/desc.xml"), only for plain HTTP to
/// the host that answered.
pub fn description_url(location: &str, host: Ipv4Addr) -> Option<(SocketAddr, String)> {
    let rest = location.trim().strip_prefix("http://")?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let addr: SocketAddr = match authority.parse() {
        Ok(a) => a,
        Err(_) => SocketAddr::new(authority.parse().ok()?, 80),
    };
    (addr.ip() == IpAddr::V4(host)).then(|| (addr, format!("/{path}")))
}

/// The text of the first `<tag>` element (namespace prefixes and attributes allowed), with
/// the five XML entities and numeric references decoded.
fn element(xml: &str, tag: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = xml[from..].find('<').map(|i| from + i) {
        let rest = &xml[at + 1..];
        let end_of_name = rest.find(|c: char| c == '>' || c.is_whitespace())?;
        let name = &rest[..end_of_name];
        let local = name.rsplit(':').next().unwrap_or(name);
        from = at + 1;
        if local != tag {
            continue;
        }
        let open_end = at + 1 + rest.find('>')? + 1;
        let close = open_end + xml[open_end..].find("</")?;
        let raw = xml[open_end..close].trim();
        let text = decode_entities(raw.trim_start_matches("<![CDATA[").trim_end_matches("]]>"));
        let text: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
        return Some(text.trim().to_string()).filter(|t| !t.is_empty());
    }
    None
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(semi) = tail.find(';').filter(|i| *i <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The root device's facts from a description document.
pub fn parse_description(xml: &str) -> Described {
    // The root device comes first; embedded devices follow inside <deviceList>.
    let root = xml.find("<deviceList").map_or(xml, |i| &xml[..i]);
    Described {
        friendly_name: element(root, "friendlyName"),
        device: DeviceInfo {
            manufacturer: element(root, "manufacturer"),
            model: element(root, "modelName"),
            model_number: element(root, "modelNumber"),
            serial: element(root, "serialNumber"),
            upnp_type: element(root, "deviceType"),
            ..Default::default()
        },
        server: None,
    }
}

/// GET of a description, bounded in size and in time.
async fn fetch(addr: SocketAddr, path: &str, timeout: Duration) -> Option<String> {
    let work = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        let request = format!(
            "GET {path} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: bigr/{}\r\n\r\n",
            env!("CARGO_PKG_VERSION")
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut body = Vec::new();
        let mut chunk = [0u8; 4096];
        while body.len() < MAX_DESCRIPTION {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => body.extend_from_slice(&chunk[..n.min(MAX_DESCRIPTION - body.len())]),
            }
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        text.starts_with("HTTP/1.").then(|| {
            let start = text.find("\r\n\r\n").map_or(0, |i| i + 4);
            text[start..].to_string()
        })
    };
    tokio::time::timeout(timeout, work).await.ok().flatten()
}

/// Asks every host, listens until all answered or `wait` passed after the last question,
/// asks the silent ones once more the same way, then fetches each description (`FETCHES_IN_FLIGHT` at once, each within `fetch_timeout`).
pub async fn sweep(
    hosts: &[Ipv4Addr],
    wait: Duration,
    fetch_timeout: Duration,
) -> Result<BTreeMap<IpAddr, Described>, ProbeError> {
    if hosts.is_empty() {
        return Ok(BTreeMap::new());
    }
    let socket = UdpSocket::bind(("0.0.0.0", 0))
        .await
        .map_err(|e| ProbeError::setup("SSDP", e))?;
    let mut pending: HashSet<Ipv4Addr> = hosts.iter().copied().collect();
    let mut answers: BTreeMap<Ipv4Addr, (String, Option<String>)> = BTreeMap::new();
    let mut buf = [0u8; MAX_ANSWER];
    // Two rounds: the second asks only the hosts still silent (a lost datagram either way).
    for _round in 0..2 {
        let asked: Vec<Ipv4Addr> = hosts
            .iter()
            .filter(|h| pending.contains(h))
            .copied()
            .collect();
        let mut pace = super::pace::Pace::new(PER_MS);
        for host in &asked {
            let _ = socket.send_to(&m_search(*host), (*host, PORT)).await;
            pace.sent_one().await;
        }
        // Each round listens half the fitted wait: an answer slower than the first half
        // still lands in the second, which also repeats the question to the silent.
        let deadline = Instant::now() + wait / 2;
        while !pending.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let Ok(Ok((n, from))) = tokio::time::timeout(left, socket.recv_from(&mut buf)).await
            else {
                break;
            };
            let IpAddr::V4(ip) = from.ip() else { continue };
            if pending.contains(&ip)
                && let Some(answer) = parse_answer(&buf[..n])
            {
                pending.remove(&ip);
                answers.insert(ip, answer);
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut jobs = tokio::task::JoinSet::new();
    let mut queue = answers.into_iter();
    loop {
        while jobs.len() < FETCHES_IN_FLIGHT {
            let Some((ip, (location, server))) = queue.next() else {
                break;
            };
            jobs.spawn(async move {
                let mut described = match description_url(&location, ip) {
                    Some((addr, path)) => fetch(addr, &path, fetch_timeout)
                        .await
                        .map(|xml| parse_description(&xml))
                        .unwrap_or_default(),
                    None => Described::default(),
                };
                described.server = server;
                (ip, described)
            });
        }
        match jobs.join_next().await {
            Some(Ok((ip, d))) => {
                out.insert(IpAddr::V4(ip), d);
            }
            Some(Err(e)) => tracing::debug!("SSDP description task: {e}"),
            None => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TV: &str = r#"<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
 <specVersion><major>1</major><minor>0</minor></specVersion>
 <device>
  <deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>
  <friendlyName>[TV] Living Room &amp; Kitchen</friendlyName>
  <manufacturer>Samsung Electronics</manufacturer>
  <modelName>QE55Q70TAT</modelName>
  <modelNumber>AllShare1.0</modelNumber>
  <serialNumber><![CDATA[0AB1CDEF]]></serialNumber>
  <deviceList><device><deviceType>urn:x:device:Embedded:1</deviceType>
   <friendlyName>inner</friendlyName></device></deviceList>
 </device>
</root>"#;

    #[test]
    fn a_description_gives_the_root_devices_facts() {
        let d = parse_description(TV);
        assert_eq!(
            d.friendly_name.as_deref(),
            Some("[TV] Living Room & Kitchen")
        );
        assert_eq!(
            d.device.manufacturer.as_deref(),
            Some("Samsung Electronics")
        );
        assert_eq!(d.device.model.as_deref(), Some("QE55Q70TAT"));
        assert_eq!(d.device.serial.as_deref(), Some("0AB1CDEF"));
        assert_eq!(
            d.device.upnp_type.as_deref(),
            Some("urn:schemas-upnp-org:device:MediaRenderer:1")
        );
        assert_eq!(parse_description("not xml <").device, DeviceInfo::default());
        for cut in 0..TV.len() {
            if TV.is_char_boundary(cut) {
                let _ = parse_description(&TV[..cut]);
            }
        }
    }

    #[test]
    fn answers_and_locations_are_read_strictly() {
        let answer = b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://10.0.0.5:49152/desc.xml\r\nSERVER: Linux/4.9 UPnP/1.0 Sonos/70.3\r\nST: upnp:rootdevice\r\n\r\n";
        let (location, server) = parse_answer(answer).unwrap();
        assert_eq!(server.as_deref(), Some("Linux/4.9 UPnP/1.0 Sonos/70.3"));
        let host = Ipv4Addr::new(10, 0, 0, 5);
        assert_eq!(
            description_url(&location, host),
            Some(("10.0.0.5:49152".parse().unwrap(), "/desc.xml".into()))
        );
        assert_eq!(
            description_url("http://10.0.0.5/", host),
            Some(("10.0.0.5:80".parse().unwrap(), "/".into()))
        );
        // Never somewhere else, never over another scheme.
        assert_eq!(description_url("http://192.0.2.1:80/desc.xml", host), None);
        assert_eq!(description_url("https://10.0.0.5/desc.xml", host), None);
        assert_eq!(description_url("http://evil.example/desc.xml", host), None);
        assert_eq!(parse_answer(b"NOTIFY * HTTP/1.1\r\n\r\n"), None);
        assert!(
            String::from_utf8(m_search(host))
                .unwrap()
                .contains("HOST: 10.0.0.5:1900\r\n")
        );
    }

    #[test]
    fn entities_decode_and_broken_ones_stay_literal() {
        assert_eq!(
            decode_entities("a &amp; b &#233; &#x41; &bogus; &"),
            "a & b é A &bogus; &"
        );
    }
}
