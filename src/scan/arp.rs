//! ARP sweep of an on-link network through pcap: requests leave at a controlled rate, a
//! capture thread collects every ARP sender it sees, and only the addresses that have not
//! answered are asked again, after a retry window. The sweep ends when the last window
//! closes (or at once when everyone has answered). Needs CAP_NET_RAW.
use super::error::ProbeError;
use super::interfaces::LocalNet;
use super::progress::Progress;
use crate::model::MacAddr;
use etherparse::{ArpEthIpv4Packet, ArpOperation, NetSlice, PacketBuilder, SlicedPacket};
use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Pacing and patience of one sweep.
#[derive(Clone, Debug)]
pub struct ArpOptions {
    /// Requests per second.
    pub rate: u32,
    /// Extra rounds for addresses that stayed silent (the scan etiquette caps it at 2; answers
    /// seen going missing earn a few more on small networks, see `loss_warrants_another_round`).
    pub retries: u32,
    /// How long to listen after each round before asking again.
    pub window: Duration,
}

impl Default for ArpOptions {
    fn default() -> Self {
        ArpOptions {
            rate: 2000,
            retries: 2,
            window: Duration::from_millis(300),
        }
    }
}

/// One address that answered (or announced itself) during the sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpReply {
    pub mac: MacAddr,
    /// Time from our last request to its answer; None for unsolicited announcements.
    pub rtt: Option<Duration>,
}

const BROADCAST: [u8; 6] = [0xff; 6];
/// The capture's read timeout (the handle is non-blocking; this only bounds the kernel's
/// batching).
const CAPTURE_POLL_MS: i32 = 20;
/// Sleep of the capture thread when nothing is waiting: short, so the sweep's end is seen at
/// once (a blocking read lingered up to 800 ms past the last window).
const IDLE_SLEEP: Duration = Duration::from_millis(1);
/// Shortest wait after a round: an Ethernet LAN answers ARP in well under a millisecond.
const MIN_WINDOW: Duration = Duration::from_millis(25);
/// Shortest wait after the last round, for the slow (Wi-Fi power-save) answers.
const MIN_LAST_WINDOW: Duration = Duration::from_millis(100);

/// Shared between the sender and the capture thread.
#[derive(Default)]
struct Ledger {
    /// When each request went out (monotonic, and wall clock to compare with the
    /// capture's kernel timestamps).
    sent: HashMap<Ipv4Addr, (Instant, SystemTime)>,
    found: HashMap<Ipv4Addr, ArpReply>,
    /// The latest an answer was seen by the capture thread after its request: what the
    /// listening windows must allow for.
    slowest_seen: Duration,
    /// Why the capture stopped listening early, if it did.
    capture_error: Option<ProbeError>,
}

/// What a sweep found, and why it could not finish if it could not: hosts found before a
/// failure are kept, and the failure makes the scan partial.
#[derive(Debug, Default)]
pub struct SweepResult {
    pub found: HashMap<Ipv4Addr, ArpReply>,
    pub error: Option<ProbeError>,
}

fn open_capture(interface: &str) -> Result<pcap::Capture<pcap::Active>, ProbeError> {
    let cap = pcap::Capture::from_device(interface)
        .and_then(|c| {
            c.immediate_mode(true)
                .snaplen(128)
                .timeout(CAPTURE_POLL_MS)
                .open()
        })
        .map_err(|e| ProbeError::interface("cannot capture", interface, e))?;
    Ok(cap)
}

/// A capture timestamp as wall-clock time (None when the kernel gave none).
fn captured_at(ts: &libc::timeval) -> Option<SystemTime> {
    let secs = u64::try_from(ts.tv_sec).ok()?;
    let micros = u32::try_from(ts.tv_usec).ok().filter(|u| *u < 1_000_000)?;
    (secs > 0).then(|| UNIX_EPOCH + Duration::new(secs, micros * 1000))
}

/// The 42-byte Ethernet frame asking who has `target`.
pub fn request_frame(local: &LocalNet, own_mac: MacAddr, target: Ipv4Addr) -> Vec<u8> {
    let arp = ArpEthIpv4Packet {
        operation: ArpOperation::REQUEST,
        sender_mac: own_mac.0,
        sender_ipv4: local.ip.octets(),
        target_mac: [0; 6],
        target_ipv4: target.octets(),
    };
    let mut frame = Vec::with_capacity(42);
    PacketBuilder::ethernet2(own_mac.0, BROADCAST)
        .arp(arp.to_arp_packet())
        .write(&mut frame)
        .expect("writing to a Vec cannot fail");
    frame
}

/// The sender of an ARP frame (request or reply), if it is a well-formed Ethernet/IPv4 one.
pub fn parse_sender(frame: &[u8]) -> Option<(Ipv4Addr, MacAddr)> {
    let packet = SlicedPacket::from_ethernet(frame).ok()?;
    let Some(NetSlice::Arp(arp)) = packet.net else {
        return None;
    };
    let arp = arp.to_packet().try_eth_ipv4().ok()?;
    let ip = arp.sender_ipv4_addr();
    // Probes ("who has X" from 0.0.0.0) and broken senders say nothing about a live host.
    (!ip.is_unspecified() && arp.sender_mac != [0; 6] && arp.sender_mac != BROADCAST)
        .then_some((ip, MacAddr(arp.sender_mac)))
}

/// Who answered the first round, handed over while the retries still run: the port scan
/// can start on them at once.
pub type FirstAnswers = tokio::sync::mpsc::UnboundedSender<Vec<(Ipv4Addr, ArpReply)>>;

/// Sweeps `targets` (all on `local`'s network) and returns who answered; the answers of the
/// first round also go to `first` as soon as its window closes. Blocking: run it on a
/// blocking thread.
pub fn sweep(
    local: &LocalNet,
    targets: &[Ipv4Addr],
    opts: &ArpOptions,
    progress: &Progress,
    first: Option<FirstAnswers>,
) -> SweepResult {
    match run_sweep(local, targets, opts, progress, first) {
        Ok(result) => result,
        Err(e) => SweepResult {
            found: HashMap::new(),
            error: Some(e),
        },
    }
}

fn run_sweep(
    local: &LocalNet,
    targets: &[Ipv4Addr],
    opts: &ArpOptions,
    progress: &Progress,
    first: Option<FirstAnswers>,
) -> Result<SweepResult, ProbeError> {
    let own_mac = local.mac.ok_or_else(|| {
        ProbeError::interface("ARP sweep", &local.interface, "no Ethernet address")
    })?;
    let wanted: HashSet<Ipv4Addr> = targets.iter().copied().collect();
    let t0 = Instant::now();
    let mut receiver = open_capture(&local.interface)?
        .setnonblock()
        .map_err(|e| ProbeError::interface("cannot capture", &local.interface, e))?;
    receiver
        .filter("arp", true)
        .map_err(|e| ProbeError::interface("ARP filter", &local.interface, e))?;
    let mut sender = open_capture(&local.interface)?;
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let done = Arc::new(AtomicBool::new(false));
    let capture = {
        let (ledger, done) = (ledger.clone(), done.clone());
        let own_ip = local.ip;
        let interface = local.interface.clone();
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let (frame, arrived) = match receiver.next_packet() {
                    Ok(p) => (p.data.to_vec(), captured_at(&p.header.ts)),
                    Err(pcap::Error::TimeoutExpired) => {
                        std::thread::sleep(IDLE_SLEEP);
                        continue;
                    }
                    Err(e) => {
                        ledger.lock().expect("ledger").capture_error =
                            Some(ProbeError::interface("ARP capture stopped", &interface, e));
                        break;
                    }
                };
                let Some((ip, mac)) = parse_sender(&frame) else {
                    continue;
                };
                if ip == own_ip || !wanted.contains(&ip) {
                    continue;
                }
                let mut l = ledger.lock().expect("ledger");
                // The kernel's capture time, not ours: this thread may run late under load,
                // and a host's round trip sets its connect timeouts later.
                let rtt = l.sent.get(&ip).map(|(at, wall)| {
                    arrived
                        .and_then(|a| a.duration_since(*wall).ok())
                        .unwrap_or_else(|| at.elapsed())
                });
                if let Some(late) = l.sent.get(&ip).map(|(at, _)| at.elapsed()) {
                    l.slowest_seen = l.slowest_seen.max(late);
                }
                // An answer to the kernel's own ARP (a socket connecting meanwhile) can come
                // before our request: it finds the host but times nothing; the answer to our
                // request, when it comes, gives the round trip.
                l.found
                    .entry(ip)
                    .and_modify(|r| r.rtt = r.rtt.or(rtt))
                    .or_insert(ArpReply { mac, rtt });
            }
        })
    };
    tracing::debug!(ms = t0.elapsed().as_millis(), "ARP captures open");
    let gap = Duration::from_secs_f64(1.0 / f64::from(opts.rate.max(1)));
    let mut outcome = Ok(());
    let rounds = opts.retries.min(2) + 1;
    let mut answered_first = 0;
    let mut round = 0;
    'rounds: loop {
        if round >= rounds {
            let found = ledger.lock().expect("ledger").found.len();
            if !loss_warrants_another_round(answered_first, found, round, targets.len()) {
                break;
            }
            tracing::debug!(
                round,
                answered_first,
                found,
                "ARP answers went missing: one more round"
            );
        }
        let pending: Vec<Ipv4Addr> = {
            let l = ledger.lock().expect("ledger");
            targets
                .iter()
                .filter(|ip| !l.found.contains_key(ip))
                .copied()
                .collect()
        };
        if pending.is_empty() {
            break;
        }
        let mut next = Instant::now();
        for ip in pending {
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
            next += gap;
            ledger
                .lock()
                .expect("ledger")
                .sent
                .insert(ip, (Instant::now(), SystemTime::now()));
            if let Err(e) = sender.sendpacket(request_frame(local, own_mac, ip)) {
                outcome = Err(ProbeError::interface("sending ARP", &local.interface, e));
                break 'rounds;
            }
            progress.probe();
        }
        let window = fitted_window(&ledger, opts.window, round + 1 >= rounds);
        wait_window(&ledger, targets.len(), window);
        tracing::debug!(ms = t0.elapsed().as_millis(), round, "ARP window closed");
        if round == 0 {
            let answered: Vec<(Ipv4Addr, ArpReply)> = {
                let l = ledger.lock().expect("ledger");
                l.found.iter().map(|(ip, r)| (*ip, *r)).collect()
            };
            answered_first = answered.len();
            if let Some(first) = &first {
                // A closed receiver only means nobody wants them early.
                let _ = first.send(answered);
            }
        }
        round += 1;
    }
    done.store(true, Ordering::Relaxed);
    let _ = capture.join();
    tracing::debug!(ms = t0.elapsed().as_millis(), "ARP capture joined");
    let mut l = ledger.lock().expect("ledger");
    Ok(SweepResult {
        found: std::mem::take(&mut l.found),
        error: outcome.err().or(l.capture_error.take()),
    })
}

/// Most rounds a sweep makes when answers are being lost.
const MAX_ROUNDS: u32 = 6;
/// Extra rounds are only worth their cost while one round is short: at the default rate,
/// 1,024 silent addresses take half a second to ask again.
const MAX_EXTRA_ROUND_TARGETS: usize = 1024;
/// How many live hosts may still be expected silent before the sweep stops asking.
const ACCEPTED_MISSING: f64 = 0.01;

/// Whether the configured rounds left live hosts behind, judged from the loss they showed:
/// a host that answered only a repeated request lost the first one, so `1 - answered_first
/// / found` estimates the chance a request goes unanswered, and `found × loss^rounds` the
/// live hosts every round so far missed. A clean network (everyone answered the first
/// request) never pays for an extra round.
fn loss_warrants_another_round(
    answered_first: usize,
    found: usize,
    rounds_done: u32,
    targets: usize,
) -> bool {
    if rounds_done >= MAX_ROUNDS || targets > MAX_EXTRA_ROUND_TARGETS || found == 0 {
        return false;
    }
    let loss = 1.0 - answered_first.min(found) as f64 / found as f64;
    found as f64 * loss.powi(rounds_done as i32) >= ACCEPTED_MISSING
}

/// How long to listen after a round: a multiple of the slowest answer seen so far, within
/// [`MIN_WINDOW`] (or [`MIN_LAST_WINDOW`] after the last round) and the configured window.
/// Before any answer the configured window holds: nothing is known about the link yet.
fn fitted_window(ledger: &Mutex<Ledger>, configured: Duration, last: bool) -> Duration {
    let slowest = Some(ledger.lock().expect("ledger").slowest_seen).filter(|d| !d.is_zero());
    let floor = if last { MIN_LAST_WINDOW } else { MIN_WINDOW };
    match slowest {
        Some(rtt) => (rtt * if last { 8 } else { 4 }).clamp(floor, configured.max(floor)),
        None => configured,
    }
}

/// Listens for up to `window`, returning early once every target has answered.
fn wait_window(ledger: &Mutex<Ledger>, targets: usize, window: Duration) {
    let end = Instant::now() + window;
    while Instant::now() < end {
        if ledger.lock().expect("ledger").found.len() >= targets {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_answers_earn_extra_rounds_and_a_clean_network_none() {
        // Everyone answered the first request: nothing suggests anyone is missing.
        assert!(!loss_warrants_another_round(40, 40, 3, 254));
        // 8 of 40 needed a repeat (20% loss): after 3 rounds 40 × 0.2³ = 0.32 hosts may
        // still hide; after 5, 0.013; after 6 the cap holds.
        assert!(loss_warrants_another_round(32, 40, 3, 254));
        assert!(loss_warrants_another_round(32, 40, 5, 254));
        assert!(!loss_warrants_another_round(32, 40, 6, 254));
        // One late answer among 100 (1%): three rounds already make a miss unlikely.
        assert!(!loss_warrants_another_round(99, 100, 3, 254));
        // A /16 pays 30 s per round: its configured rounds are all it gets.
        assert!(!loss_warrants_another_round(32, 40, 3, 65_534));
        assert!(!loss_warrants_another_round(0, 0, 3, 254));
    }

    #[test]
    fn a_request_frame_parses_back_as_our_own_question() {
        let local = LocalNet {
            interface: "eth0".into(),
            ip: Ipv4Addr::new(10, 0, 0, 2),
            net: "10.0.0.0/24".parse().unwrap(),
            mac: None,
        };
        let mac = MacAddr([0x02, 0, 0, 0, 0, 2]);
        let frame = request_frame(&local, mac, Ipv4Addr::new(10, 0, 0, 7));
        assert_eq!(frame.len(), 42);
        assert_eq!(&frame[..6], &BROADCAST);
        assert_eq!(parse_sender(&frame), Some((local.ip, mac)));
        // Target address sits in the last four bytes.
        assert_eq!(&frame[38..], &[10, 0, 0, 7]);
    }

    #[test]
    fn probes_and_garbage_name_no_sender() {
        let local = LocalNet {
            interface: "eth0".into(),
            ip: Ipv4Addr::UNSPECIFIED,
            net: "10.0.0.0/24".parse().unwrap(),
            mac: None,
        };
        let probe = request_frame(
            &local,
            MacAddr([2, 0, 0, 0, 0, 3]),
            Ipv4Addr::new(10, 0, 0, 7),
        );
        assert_eq!(parse_sender(&probe), None, "ARP probe from 0.0.0.0");
        assert_eq!(parse_sender(&[0u8; 20]), None);
        assert_eq!(parse_sender(&[]), None);
    }
}
