//! ICMP echo sweep with surge-ping: the unprivileged ICMP socket when
//! `net.ipv4.ping_group_range` allows it, else a raw socket (CAP_NET_RAW). Requests leave at
//! a controlled rate; silent addresses are asked again, at most twice.
use super::error::ProbeError;
use super::progress::Progress;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use surge_ping::{Client, Config, IcmpPacket, PingIdentifier, PingSequence};
use tokio::task::JoinSet;
use tokio::time::Instant;

#[derive(Clone, Debug)]
pub struct PingOptions {
    /// Echo requests per second.
    pub rate: u32,
    /// Extra rounds for silent addresses (capped at 2).
    pub retries: u32,
    /// How long one request waits for its reply.
    pub timeout: Duration,
}

impl Default for PingOptions {
    fn default() -> Self {
        PingOptions {
            rate: 2000,
            retries: 2,
            timeout: Duration::from_millis(800),
        }
    }
}

/// An answered echo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EchoReply {
    pub rtt: Duration,
    /// The reply's IP TTL (a hint of the OS); raw sockets see it, ICMP sockets may not.
    pub ttl: Option<u8>,
}

/// An IPv4 echo client, or why this process cannot have one.
pub fn client() -> Result<Client, ProbeError> {
    Client::new(&Config::default()).map_err(|e| ProbeError::setup("ICMP socket", e))
}

static IDENT: AtomicU16 = AtomicU16::new(1);

/// Replies as they arrive: readable while the sweep still runs, so a sweep cut short (the
/// ARP sweep beside it has finished) keeps what it learned.
pub type Replies = Arc<Mutex<HashMap<Ipv4Addr, EchoReply>>>;

/// ICMP type 0 (echo reply), sent by `ip`.
fn is_echo_reply_from(packet: &surge_ping::Icmpv4Packet, ip: Ipv4Addr) -> bool {
    const ECHO_REPLY: u8 = 0;
    packet.get_icmp_type().0 == ECHO_REPLY && packet.get_source() == ip
}

/// Pings `targets` until each answered, its retries ran out, or `deadline` passed; replies
/// are also written to `sink` as they come.
pub async fn sweep(
    client: &Client,
    targets: &[Ipv4Addr],
    opts: &PingOptions,
    progress: &Progress,
    deadline: Instant,
    sink: Replies,
) -> HashMap<Ipv4Addr, EchoReply> {
    let mut found = HashMap::new();
    let gap = Duration::from_secs_f64(1.0 / f64::from(opts.rate.max(1)));
    for round in 0..=opts.retries.min(2) {
        let mut running = JoinSet::new();
        let mut next = Instant::now();
        for ip in targets
            .iter()
            .filter(|ip| !found.contains_key(*ip))
            .copied()
        {
            if next >= deadline {
                break;
            }
            tokio::time::sleep_until(next).await;
            next += gap;
            let wait = opts
                .timeout
                .min(deadline.saturating_duration_since(Instant::now()));
            let client = client.clone();
            progress.probe();
            running.spawn(async move {
                let ident = PingIdentifier(IDENT.fetch_add(1, Ordering::Relaxed));
                let mut pinger = client.pinger(IpAddr::V4(ip), ident).await;
                pinger.timeout(wait);
                match pinger.ping(PingSequence(round as u16), &[0u8; 16]).await {
                    // surge-ping also hands over ICMP errors quoting our request (the
                    // kernel's own "host unreachable" for an address whose ARP failed):
                    // only an echo reply from the address itself proves a live host.
                    Ok((IcmpPacket::V4(reply), rtt)) if is_echo_reply_from(&reply, ip) => Some((
                        ip,
                        EchoReply {
                            rtt,
                            ttl: reply.get_ttl(),
                        },
                    )),
                    _ => None,
                }
            });
        }
        while let Some(done) = running.join_next().await {
            if let Ok(Some((ip, reply))) = done {
                found.insert(ip, reply);
                sink.lock().expect("replies").insert(ip, reply);
            }
        }
        if found.len() == targets.len() || Instant::now() >= deadline {
            break;
        }
    }
    found
}
