//! TCP connect probes with a bounded number in flight (file descriptors included), each
//! probe's outcome being data — open, closed or filtered — never an abort.
use crate::model::PortSet;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// Limits of one probing run.
#[derive(Clone, Debug)]
pub struct ProbeOptions {
    /// How long a connect may take; a silent (dropping) port costs this much.
    pub connect_timeout: Duration,
    /// How long to wait for a greeting or an HTTP answer.
    pub read_timeout: Duration,
    /// Probes (sockets) in flight at once, across all hosts.
    pub max_in_flight: usize,
    /// Extra attempts for a port that stayed silent (capped at 2): a lost SYN is not a
    /// filtered port.
    pub retries: u32,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            connect_timeout: Duration::from_millis(800),
            read_timeout: Duration::from_millis(1500),
            max_in_flight: 512,
            retries: 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortState {
    /// The handshake completed.
    Open,
    /// Refused (RST): the host is alive, nothing listens.
    Closed,
    /// No answer in time, or unreachable.
    Filtered,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortResult {
    pub ip: IpAddr,
    pub port: u16,
    pub state: PortState,
}

/// How many times a probe that failed for lack of local resources (EMFILE, ENOBUFS) is tried
/// again before it counts as filtered.
const LOCAL_RETRIES: u32 = 2;

pub(super) async fn connect(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, PortState> {
    let mut tries = 0;
    loop {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return Err(PortState::Closed);
            }
            // Out of sockets or buffers here, not an answer from the host: wait and retry.
            Ok(Err(e))
                if matches!(e.raw_os_error(), Some(23 | 24 | 105)) && tries < LOCAL_RETRIES =>
            {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(50 * u64::from(tries))).await;
            }
            Ok(Err(_)) | Err(_) => return Err(PortState::Filtered),
        }
    }
}

/// Probes every port of `ports` on every host, at most `max_in_flight` at a time.
pub async fn scan(hosts: &[IpAddr], ports: &PortSet, opts: &ProbeOptions) -> Vec<PortResult> {
    let timed: Vec<(IpAddr, Duration)> =
        hosts.iter().map(|ip| (*ip, opts.connect_timeout)).collect();
    scan_timed(&timed, ports, opts, &|_| {}).await
}

/// Silent ports of one host always retried, however many were probed.
const ALWAYS_RETRY_UP_TO: usize = 8;

/// Whether a host's silent ports deserve another try. A few silent ports among answering
/// ones look like lost packets; a host silent on most of its ports is a firewall that drops,
/// and asking again would only cost the timeout again (nmap's users know that wait).
pub fn worth_retrying(silent: usize, probed: usize) -> bool {
    silent <= ALWAYS_RETRY_UP_TO.max(probed / 2)
}

/// Like [`scan`], with a connect timeout per host (fitted to its round-trip time) and a
/// callback for each open port found. Silent ports are tried again, up to `opts.retries`
/// times, on hosts where [`worth_retrying`] holds; only ports that stay silent are reported
/// filtered.
pub async fn scan_timed(
    hosts: &[(IpAddr, Duration)],
    ports: &PortSet,
    opts: &ProbeOptions,
    on_open: &(dyn Fn(&PortResult) + Sync),
) -> Vec<PortResult> {
    let mut todo: Vec<(IpAddr, u16, Duration)> = hosts
        .iter()
        .flat_map(|(ip, t)| ports.iter().map(move |p| (*ip, p, *t)))
        .collect();
    let mut out = Vec::with_capacity(todo.len());
    let probed = ports.len();
    let mut retry_hosts: Option<HashSet<IpAddr>> = None;
    for attempt in 0..=opts.retries.min(2) {
        let started = std::time::Instant::now();
        let probes = todo.len();
        let results = probe_batch(std::mem::take(&mut todo), opts, on_open).await;
        tracing::debug!(
            attempt,
            probes,
            silent = results
                .iter()
                .filter(|(r, _)| r.state == PortState::Filtered)
                .count(),
            ms = started.elapsed().as_millis(),
            "connect pass"
        );
        // Decided once, on the first pass: the only one that saw every port.
        let retry = retry_hosts.get_or_insert_with(|| {
            let mut silent: HashMap<IpAddr, usize> = HashMap::new();
            for (r, _) in &results {
                if r.state == PortState::Filtered {
                    *silent.entry(r.ip).or_default() += 1;
                }
            }
            silent
                .into_iter()
                .filter(|(_, n)| worth_retrying(*n, probed))
                .map(|(ip, _)| ip)
                .collect()
        });
        for (r, timeout) in results {
            if r.state == PortState::Filtered
                && attempt < opts.retries.min(2)
                && retry.contains(&r.ip)
            {
                todo.push((r.ip, r.port, timeout));
            } else {
                out.push(r);
            }
        }
        if todo.is_empty() {
            break;
        }
    }
    out.extend(todo.into_iter().map(|(ip, port, _)| PortResult {
        ip,
        port,
        state: PortState::Filtered,
    }));
    out.sort_by_key(|r| (r.ip, r.port));
    out
}

async fn probe_batch(
    todo: Vec<(IpAddr, u16, Duration)>,
    opts: &ProbeOptions,
    on_open: &(dyn Fn(&PortResult) + Sync),
) -> Vec<(PortResult, Duration)> {
    let mut pending = todo.into_iter();
    let mut running = JoinSet::new();
    let mut out = Vec::new();
    loop {
        while running.len() < opts.max_in_flight.max(1) {
            let Some((ip, port, timeout)) = pending.next() else {
                break;
            };
            running.spawn(async move {
                let state = match connect(SocketAddr::new(ip, port), timeout).await {
                    Ok(_stream) => PortState::Open,
                    Err(state) => state,
                };
                (PortResult { ip, port, state }, timeout)
            });
        }
        match running.join_next().await {
            Some(Ok(result)) => {
                if result.0.state == PortState::Open {
                    on_open(&result.0);
                }
                out.push(result);
            }
            // A probe task cannot panic by design; if one did, its port stays unreported.
            Some(Err(e)) => tracing::warn!("port probe task failed: {e}"),
            None => break,
        }
    }
    out
}

/// A loopback listener that answers every connection with `reply`, for unit tests (they
/// only probe their own loopback listeners).
#[cfg(test)]
pub(crate) async fn serve_loopback(reply: &'static [u8]) -> u16 {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = s.write_all(reply).await;
            });
        }
    });
    port
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_ports_are_retried_unless_the_host_drops_most_of_them() {
        assert!(worth_retrying(3, 2), "a short list is always retried");
        assert!(worth_retrying(8, 100));
        assert!(worth_retrying(20, 100), "20% silent: lost packets");
        assert!(worth_retrying(50, 100));
        assert!(
            !worth_retrying(51, 100),
            "mostly silent: a dropping firewall"
        );
        assert!(!worth_retrying(99, 100));
    }
    use tokio::net::TcpListener;

    /// A loopback port with nothing listening.
    async fn closed_port() -> u16 {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn finds_open_and_closed_ports_with_few_sockets_in_flight() {
        let open: Vec<u16> = vec![
            serve_loopback(b"SSH-2.0-Test\r\n").await,
            serve_loopback(b"x").await,
            serve_loopback(b"y").await,
        ];
        let closed = closed_port().await;
        let mut wanted = open.clone();
        wanted.push(closed);
        let opts = ProbeOptions {
            max_in_flight: 2,
            ..Default::default()
        };
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let results = scan(&[local], &PortSet::from_ports(wanted), &opts).await;
        let state = |p: u16| results.iter().find(|r| r.port == p).map(|r| r.state);
        for p in &open {
            assert_eq!(state(*p), Some(PortState::Open));
        }
        assert_eq!(state(closed), Some(PortState::Closed));
        assert_eq!(results.len(), 4);
    }
}
