//! Passive DHCP: a pcap capture of the DHCP requests clients broadcast on the link
//! (DISCOVER, REQUEST, INFORM). Nothing is sent. Each request names its client by MAC and
//! often says more than any probe gets: its host name (option 12), its DHCP software
//! (vendor class, option 60: "MSFT 5.0", "android-dhcp-13", "dhcpcd-9.4.1:Linux…"), the
//! options it asks for (55, an operating-system fingerprint) and its client identifier
//! (61). `bigr scan` listens while it runs; `bigr agent` listens for as long as it runs, so
//! it learns the names of devices that answer no probe at all.
use super::error::ProbeError;
use crate::model::{DeviceInfo, MacAddr};
use etherparse::{SlicedPacket, TransportSlice};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What one client said about itself in its latest request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpSighting {
    pub mac: MacAddr,
    /// The address it holds (`ciaddr`) or asks for (option 50).
    pub ip: Option<Ipv4Addr>,
    pub host_name: Option<String>,
    pub vendor_class: Option<String>,
    /// The parameter request list (option 55), as "1,3,6,15,…".
    pub fingerprint: Option<String>,
    /// Option 61 in hex.
    pub client_id: Option<String>,
}

impl DhcpSighting {
    /// The facts rules read (vendor class and fingerprint) and the client id, for
    /// `AssetObservation.device_info`.
    pub fn device_info(&self) -> DeviceInfo {
        DeviceInfo {
            dhcp_vendor_class: self.vendor_class.clone(),
            dhcp_fingerprint: self.fingerprint.clone(),
            dhcp_client_id: self.client_id.clone(),
            ..DeviceInfo::default()
        }
    }
}

const BOOTREQUEST: u8 = 1;
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// The fixed BOOTP header before the cookie.
const HEADER: usize = 236;
/// Longest text kept from a client: host names are at most 63 bytes per label anyway.
const MAX_TEXT: usize = 64;
/// Longest client identifier kept (a DUID is at most 130 bytes; MACs are 7).
const MAX_CLIENT_ID: usize = 32;

/// Reads a DHCP request from a UDP payload; anything else (server answers, BOOTP without
/// options, truncated packets) is None.
pub fn parse(payload: &[u8]) -> Option<DhcpSighting> {
    if payload.len() < HEADER + 4 || payload[0] != BOOTREQUEST || payload[1] != 1 {
        return None;
    }
    // Hardware type 1 (Ethernet) with a 6-byte address.
    if payload[2] != 6 || payload[HEADER..HEADER + 4] != MAGIC_COOKIE {
        return None;
    }
    let mac = MacAddr(payload[28..34].try_into().ok()?);
    let ciaddr = Ipv4Addr::new(payload[12], payload[13], payload[14], payload[15]);
    let mut s = DhcpSighting {
        mac,
        ip: (!ciaddr.is_unspecified()).then_some(ciaddr),
        host_name: None,
        vendor_class: None,
        fingerprint: None,
        client_id: None,
    };
    let mut message_type = None;
    let mut rest = &payload[HEADER + 4..];
    while let Some((&code, tail)) = rest.split_first() {
        match code {
            0 => {
                rest = tail;
                continue;
            }
            255 => break,
            _ => {}
        }
        let (&len, tail) = tail.split_first()?;
        let value = tail.get(..usize::from(len))?;
        rest = &tail[usize::from(len)..];
        match code {
            12 => s.host_name = text(value),
            50 if value.len() == 4 && s.ip.is_none() => {
                s.ip = Some(Ipv4Addr::new(value[0], value[1], value[2], value[3]));
            }
            53 => message_type = value.first().copied(),
            55 if !value.is_empty() => {
                let codes: Vec<String> = value.iter().map(u8::to_string).collect();
                s.fingerprint = Some(codes.join(","));
            }
            60 => s.vendor_class = text(value),
            61 if !value.is_empty() => {
                let id = &value[..value.len().min(MAX_CLIENT_ID)];
                s.client_id = Some(id.iter().map(|b| format!("{b:02x}")).collect());
            }
            _ => {}
        }
    }
    // DISCOVER, REQUEST and INFORM speak for the client; DECLINE and RELEASE are not worth
    // a name, and a request without a type is plain BOOTP.
    matches!(message_type, Some(1 | 3 | 8)).then_some(s)
}

/// Printable text from a client, trimmed and bounded; None when nothing printable is left.
fn text(value: &[u8]) -> Option<String> {
    let s: String = String::from_utf8_lossy(value)
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT)
        .collect();
    let s = s.trim().trim_end_matches('\0').to_string();
    (!s.is_empty()).then_some(s)
}

/// A DHCP request as a client builds it: BOOTP header, cookie, then `options` (each at most
/// 255 bytes) and the end mark. For the test harness and the fuzzers, which play clients.
pub fn request_packet(mac: [u8; 6], options: &[(u8, &[u8])]) -> Vec<u8> {
    let mut p = vec![0u8; HEADER];
    p[0] = BOOTREQUEST;
    p[1] = 1;
    p[2] = 6;
    p[28..34].copy_from_slice(&mac);
    p.extend_from_slice(&MAGIC_COOKIE);
    for (code, value) in options {
        let value = &value[..value.len().min(255)];
        p.push(*code);
        p.push(value.len() as u8);
        p.extend_from_slice(value);
    }
    p.push(255);
    p
}

/// Reads a DHCP request from a captured Ethernet frame.
pub fn parse_frame(frame: &[u8]) -> Option<DhcpSighting> {
    let packet = SlicedPacket::from_ethernet(frame).ok()?;
    let Some(TransportSlice::Udp(udp)) = packet.transport else {
        return None;
    };
    (udp.destination_port() == 67).then(|| parse(udp.payload()))?
}

/// Most clients one book remembers; past it the longest unseen is forgotten.
const BOOK_CAPACITY: usize = 4096;
/// How long a sighting stays good: long enough for a week's DHCP leases to renew.
const BOOK_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// The latest request of each client seen, shared between the capture threads and the
/// scans that read it; bounded in entries and age.
#[derive(Clone, Debug, Default)]
pub struct DhcpBook {
    seen: Arc<Mutex<HashMap<MacAddr, (DhcpSighting, Instant)>>>,
}

impl DhcpBook {
    pub fn record(&self, sighting: DhcpSighting) {
        let mut seen = self.seen.lock().expect("DHCP book");
        if seen.len() >= BOOK_CAPACITY && !seen.contains_key(&sighting.mac) {
            seen.retain(|_, (_, at)| at.elapsed() < BOOK_TTL);
            if seen.len() >= BOOK_CAPACITY
                && let Some(oldest) = seen.iter().min_by_key(|(_, (_, at))| *at).map(|(m, _)| *m)
            {
                seen.remove(&oldest);
            }
        }
        // A later request may leave out what an earlier one said (a REQUEST without the
        // host name): keep the earlier word.
        let merged = match seen.remove(&sighting.mac) {
            Some((old, _)) => DhcpSighting {
                ip: sighting.ip.or(old.ip),
                host_name: sighting.host_name.or(old.host_name),
                vendor_class: sighting.vendor_class.or(old.vendor_class),
                fingerprint: sighting.fingerprint.or(old.fingerprint),
                client_id: sighting.client_id.or(old.client_id),
                mac: sighting.mac,
            },
            None => sighting,
        };
        seen.insert(merged.mac, (merged, Instant::now()));
    }

    /// What `mac` last said, if it spoke within the book's time to live.
    pub fn get(&self, mac: MacAddr) -> Option<DhcpSighting> {
        let seen = self.seen.lock().expect("DHCP book");
        seen.get(&mac)
            .filter(|(_, at)| at.elapsed() < BOOK_TTL)
            .map(|(s, _)| s.clone())
    }

    pub fn len(&self) -> usize {
        self.seen.lock().expect("DHCP book").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Capture threads feeding a book; they stop when this is stopped or dropped.
#[derive(Debug)]
pub struct Listener {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<Option<ProbeError>>>,
}

/// The capture's read timeout (the handle is non-blocking; this only bounds the kernel's
/// batching).
const POLL_MS: i32 = 100;
/// Sleep when nothing waits: how late a stop is noticed. A blocking read cannot be used:
/// libpcap may block in it long past its timeout, and a stop would never be seen.
const IDLE_SLEEP: Duration = Duration::from_millis(20);

/// Starts listening on each interface. Fails if no capture opens (no CAP_NET_RAW); an
/// interface that cannot be captured while others can is left out.
pub fn listen(interfaces: &[String], book: DhcpBook) -> Result<Listener, ProbeError> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    let mut first_error = None;
    for interface in interfaces {
        let capture = match open(interface) {
            Ok(c) => c,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        let (stop, book, interface) = (stop.clone(), book.clone(), interface.clone());
        threads.push(std::thread::spawn(move || {
            capture_loop(capture, &stop, &book, &interface)
        }));
    }
    match (threads.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(Listener { stop, threads }),
    }
}

fn open(interface: &str) -> Result<pcap::Capture<pcap::Active>, ProbeError> {
    let mut cap = pcap::Capture::from_device(interface)
        .and_then(|c| c.immediate_mode(true).snaplen(1500).timeout(POLL_MS).open())
        .and_then(|c| c.setnonblock())
        .map_err(|e| ProbeError::interface("cannot capture", interface, e))?;
    cap.filter("udp dst port 67", true)
        .map_err(|e| ProbeError::interface("DHCP filter", interface, e))?;
    Ok(cap)
}

fn capture_loop(
    mut capture: pcap::Capture<pcap::Active>,
    stop: &AtomicBool,
    book: &DhcpBook,
    interface: &str,
) -> Option<ProbeError> {
    while !stop.load(Ordering::Relaxed) {
        match capture.next_packet() {
            Ok(p) => {
                if let Some(s) = parse_frame(p.data) {
                    tracing::debug!(mac = %s.mac, name = ?s.host_name, "DHCP request seen");
                    book.record(s);
                }
            }
            Err(pcap::Error::TimeoutExpired) => std::thread::sleep(IDLE_SLEEP),
            Err(e) => return Some(ProbeError::interface("DHCP capture stopped", interface, e)),
        }
    }
    None
}

impl Listener {
    /// Stops the captures and says why one ended early, if one did.
    pub fn stop(mut self) -> Option<ProbeError> {
        self.stop.store(true, Ordering::Relaxed);
        let mut error = None;
        for t in self.threads.drain(..) {
            if let Ok(Some(e)) = t.join() {
                error.get_or_insert(e);
            }
        }
        error
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(mac: [u8; 6], options: &[(u8, &[u8])]) -> Vec<u8> {
        request_packet(mac, options)
    }

    const MAC: [u8; 6] = [0x3c, 0x22, 0xfb, 1, 2, 3];

    #[test]
    fn a_windows_request_gives_name_vendor_class_fingerprint_and_client_id() {
        let prl = [1u8, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252];
        let p = request(
            MAC,
            &[
                (53, &[3]),
                (61, &[1, 0x3c, 0x22, 0xfb, 1, 2, 3]),
                (50, &[192, 168, 1, 23]),
                (12, b"ACC-PC-07"),
                (60, b"MSFT 5.0"),
                (55, &prl),
            ],
        );
        let s = parse(&p).expect("a REQUEST");
        assert_eq!(s.mac, MacAddr(MAC));
        assert_eq!(s.ip, Some(Ipv4Addr::new(192, 168, 1, 23)));
        assert_eq!(s.host_name.as_deref(), Some("ACC-PC-07"));
        assert_eq!(s.vendor_class.as_deref(), Some("MSFT 5.0"));
        assert_eq!(
            s.fingerprint.as_deref(),
            Some("1,3,6,15,31,33,43,44,46,47,119,121,249,252")
        );
        assert_eq!(s.client_id.as_deref(), Some("013c22fb010203"));
    }

    #[test]
    fn answers_truncations_and_other_messages_are_not_requests() {
        let good = request(MAC, &[(53, &[1]), (12, b"phone")]);
        assert!(parse(&good).is_some());
        let mut answer = good.clone();
        answer[0] = 2;
        assert!(parse(&answer).is_none(), "a server's OFFER");
        assert!(parse(&request(MAC, &[(53, &[7])])).is_none(), "RELEASE");
        assert!(
            parse(&request(MAC, &[(12, b"x")])).is_none(),
            "no message type"
        );
        // An option whose length runs past the packet ends the parse without a panic.
        let mut cut = request(MAC, &[(53, &[1])]);
        cut.pop();
        cut.extend_from_slice(&[12, 200, b'a']);
        assert!(parse(&cut).is_none());
        for n in 0..good.len() {
            let _ = parse(&good[..n]);
        }
    }

    #[test]
    fn client_text_is_printable_and_bounded() {
        let long = [b'a'; 200];
        let p = request(MAC, &[(53, &[1]), (12, b"evil\x1b[31m\x00"), (60, &long)]);
        let s = parse(&p).unwrap();
        assert_eq!(s.host_name.as_deref(), Some("evil[31m"));
        assert_eq!(s.vendor_class.map(|v| v.len()), Some(MAX_TEXT));
        let blank = request(MAC, &[(53, &[1]), (12, b"  \x00")]);
        assert_eq!(parse(&blank).unwrap().host_name, None);
    }

    #[test]
    fn the_book_keeps_earlier_words_and_stays_bounded() {
        let book = DhcpBook::default();
        let mut first = parse(&request(MAC, &[(53, &[1]), (12, b"phone")])).unwrap();
        book.record(first.clone());
        first.host_name = None;
        first.vendor_class = Some("android-dhcp-13".into());
        book.record(first);
        let s = book.get(MacAddr(MAC)).unwrap();
        assert_eq!(s.host_name.as_deref(), Some("phone"));
        assert_eq!(s.vendor_class.as_deref(), Some("android-dhcp-13"));
        for i in 0..(BOOK_CAPACITY as u32 + 10) {
            let b = i.to_be_bytes();
            book.record(parse(&request([2, 0, b[0], b[1], b[2], b[3]], &[(53, &[1])])).unwrap());
        }
        assert_eq!(book.len(), BOOK_CAPACITY);
    }
}
