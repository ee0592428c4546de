//! Enrichment of live hosts: TCP connect scan (one global bound on sockets in flight, a
//! connect timeout fitted to each host's round-trip time, fragile hosts probed gently), then
//! banners on open ports and certificates on TLS ports.
use super::banner;
use super::probes;
use super::progress::Progress;
use super::tcp::{self, PortState, ProbeOptions};
use super::tls;
use crate::model::{CertificateObservation, DeviceInfo, PortSet, SeenName, Service};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// Sockets in flight at once for one fragile host (printers and PLCs crash under load).
pub const FRAGILE_IN_FLIGHT: usize = 2;

/// Ports where a TLS handshake is expected; the certificate is read there.
pub fn is_tls_port(port: u16) -> bool {
    matches!(
        port,
        443 | 465
            | 636
            | 853
            | 993
            | 995
            | 2376
            | 4443
            | 5001
            | 5061
            | 5986
            | 6443
            | 8006
            | 8443
            | 8883
            | 9443
            | 10443
    )
}

/// The connect timeout for a host: generous multiples of its measured round trip, never
/// below what a busy device needs to accept (100 ms, nmap -T4's floor too), never above
/// the configured ceiling.
pub fn connect_timeout(rtt: Option<Duration>, ceiling: Duration) -> Duration {
    const FLOOR: Duration = Duration::from_millis(100);
    match rtt {
        Some(rtt) => (rtt * 10 + FLOOR).min(ceiling),
        None => ceiling,
    }
}

/// The lower quartile of the round trips measured: what this network's hosts answer in
/// when nothing queues (None with fewer than four measured).
pub fn typical_rtt(hosts: &[Target]) -> Option<Duration> {
    let mut rtts: Vec<Duration> = hosts.iter().filter_map(|h| h.rtt).collect();
    if rtts.len() < 4 {
        return None;
    }
    rtts.sort_unstable();
    Some(rtts[rtts.len() / 4])
}

/// What enrichment learned.
#[derive(Debug, Default)]
pub struct Enrichment {
    pub open_ports: BTreeMap<IpAddr, Vec<u16>>,
    pub services: BTreeMap<IpAddr, Vec<Service>>,
    pub certificates: Vec<CertificateObservation>,
    /// Names services gave for their hosts (SMB's computer names).
    pub names: BTreeMap<IpAddr, Vec<SeenName>>,
    /// What services said their devices are (printer models, Windows builds).
    pub devices: BTreeMap<IpAddr, DeviceInfo>,
    pub failures: Vec<String>,
}

impl Enrichment {
    /// Adds what another enrichment of other hosts learned.
    pub fn absorb(&mut self, other: Enrichment) {
        self.open_ports.extend(other.open_ports);
        self.services.extend(other.services);
        self.certificates.extend(other.certificates);
        self.certificates.sort_by_key(|c| (c.ip, c.port));
        self.names.extend(other.names);
        self.devices.extend(other.devices);
        self.failures.extend(other.failures);
    }
}

/// One live host to enrich.
#[derive(Clone, Debug)]
pub struct Target {
    pub ip: IpAddr,
    pub rtt: Option<Duration>,
    pub fragile: bool,
}

/// Port scan, banners and certificates of `hosts`.
pub async fn enrich(
    hosts: &[Target],
    ports: &PortSet,
    probe: &ProbeOptions,
    progress: Arc<Progress>,
) -> Enrichment {
    let mut out = Enrichment::default();
    if ports.is_empty() || hosts.is_empty() {
        return out;
    }
    let typical = typical_rtt(hosts);
    let timed = |fragile: bool| -> Vec<(IpAddr, Duration)> {
        hosts
            .iter()
            .filter(|h| h.fragile == fragile)
            .map(|h| {
                // A host's own round trip, but never more than four times the network's
                // typical one: a burst of broadcast ARP queues the answers of many hosts
                // at once, and a silent port would then cost each of them the ceiling.
                let rtt = match (h.rtt, typical) {
                    (Some(own), Some(t)) => Some(own.min(t * 4)),
                    // Timed by nothing (an answer to someone else's ARP): like its peers.
                    (None, Some(t)) => Some(t * 4),
                    (own, None) => own,
                };
                (h.ip, connect_timeout(rtt, probe.connect_timeout))
            })
            .collect()
    };
    let (sturdy, fragile) = (timed(false), timed(true));
    let on_open = |_: &tcp::PortResult| progress.port_open();
    let gentle = ProbeOptions {
        max_in_flight: FRAGILE_IN_FLIGHT,
        ..probe.clone()
    };
    // Fragile hosts get a tiny budget each so the main scan never floods them; they are
    // scanned side by side, and the global bound is split so the sum stays within it.
    let fragile_hosts_at_once = if fragile.is_empty() {
        0
    } else {
        (probe.max_in_flight / 4 / FRAGILE_IN_FLIGHT).clamp(1, fragile.len())
    };
    let sturdy_opts = ProbeOptions {
        max_in_flight: probe
            .max_in_flight
            .saturating_sub(fragile_hosts_at_once * FRAGILE_IN_FLIGHT)
            .max(1),
        ..probe.clone()
    };
    let (mut results, gentle_results) = tokio::join!(
        tcp::scan_timed(&sturdy, ports, &sturdy_opts, &on_open),
        async {
            let mut all = Vec::new();
            for group in fragile.chunks(fragile_hosts_at_once.max(1)) {
                let scans = group.iter().map(|host| {
                    tcp::scan_timed(std::slice::from_ref(host), ports, &gentle, &on_open)
                });
                for found in futures_util::future::join_all(scans).await {
                    all.extend(found);
                }
            }
            all
        }
    );
    results.extend(gentle_results);
    tracing::debug!(probes = results.len(), "port scan done");
    for r in &results {
        progress.probe();
        if r.state == PortState::Open {
            out.open_ports.entry(r.ip).or_default().push(r.port);
        }
    }
    let fragile_ips: HashSet<IpAddr> = fragile.iter().map(|(ip, _)| *ip).collect();
    let harvest = read_services(&out.open_ports, &fragile_ips, probe).await;
    tracing::debug!(
        services = harvest.services.len(),
        "banners and certificates done"
    );
    out.services = harvest.services;
    out.certificates = harvest.certificates;
    out.names = harvest.names;
    out.devices = harvest.devices;
    out.failures = harvest.failures;
    out
}

#[derive(Default)]
struct ServiceHarvest {
    services: BTreeMap<IpAddr, Vec<Service>>,
    certificates: Vec<CertificateObservation>,
    names: BTreeMap<IpAddr, Vec<SeenName>>,
    devices: BTreeMap<IpAddr, DeviceInfo>,
    failures: Vec<String>,
}

/// Banner of every open port and certificate of every TLS port, bounded like the scan.
async fn read_services(
    open: &BTreeMap<IpAddr, Vec<u16>>,
    fragile: &HashSet<IpAddr>,
    probe: &ProbeOptions,
) -> ServiceHarvest {
    let mut out = ServiceHarvest::default();
    let tls_config = match tls::recording_config() {
        Ok(c) => Some(c),
        Err(e) => {
            out.failures.push(e.to_string());
            None
        }
    };
    let mut jobs: Vec<(IpAddr, u16)> = open
        .iter()
        .flat_map(|(ip, ports)| ports.iter().map(move |p| (*ip, *p)))
        .collect();
    // Fragile hosts last, so their few connections are spread out behind everyone else's.
    jobs.sort_by_key(|(ip, _)| fragile.contains(ip));
    let mut pending: std::collections::VecDeque<(IpAddr, u16)> = jobs.into();
    let mut running = JoinSet::new();
    // Connections open per fragile host: never more than FRAGILE_IN_FLIGHT.
    let mut fragile_busy: HashMap<IpAddr, usize> = HashMap::new();
    let mut ip_of_task = HashMap::new();
    // Each job holds at most two sockets (banner, then TLS).
    let limit = (probe.max_in_flight / 2).max(1);
    loop {
        while running.len() < limit {
            let eligible = pending.iter().position(|(ip, _)| {
                !fragile.contains(ip)
                    || fragile_busy.get(ip).copied().unwrap_or(0) < FRAGILE_IN_FLIGHT
            });
            let Some((ip, port)) = eligible.and_then(|i| pending.remove(i)) else {
                break;
            };
            if fragile.contains(&ip) {
                *fragile_busy.entry(ip).or_default() += 1;
            }
            let (probe, tls_config) = (probe.clone(), tls_config.clone());
            let is_fragile = fragile.contains(&ip);
            let handle = running.spawn(async move {
                let (Some(config), true) = (tls_config, is_tls_port(port)) else {
                    let answer = probes::identify(ip, port, &probe, is_fragile).await;
                    return (ip, answer, None);
                };
                let name = tls_service_name(port);
                let timeout = probe.connect_timeout + probe.read_timeout;
                let seen = tls::probe(config, ip, port, name == "https", timeout).await;
                let mut service = banner::parse(port, &seen.http_answer);
                if seen.certificate.is_some() {
                    service.tls = true;
                    service.name = Some(name.to_string());
                }
                (ip, probes::Answer::of(service), seen.certificate)
            });
            ip_of_task.insert(handle.id(), ip);
        }
        let (id, outcome) = match running.join_next_with_id().await {
            Some(Ok((id, done))) => (id, Ok(done)),
            Some(Err(e)) => (e.id(), Err(e)),
            None => break,
        };
        if let Some(ip) = ip_of_task.remove(&id)
            && let Some(busy) = fragile_busy.get_mut(&ip)
        {
            *busy = busy.saturating_sub(1);
        }
        match outcome {
            Ok((ip, answer, cert)) => {
                out.services.entry(ip).or_default().push(answer.service);
                out.certificates.extend(cert);
                for n in answer.names {
                    crate::model::names::add_name(
                        out.names.entry(ip).or_default(),
                        &n.name,
                        n.source,
                    );
                }
                if !answer.device.is_empty() {
                    out.devices.entry(ip).or_default().absorb(answer.device);
                }
            }
            Err(e) => out.failures.push(format!("banner task: {e}")),
        }
    }
    for list in out.services.values_mut() {
        list.sort_by_key(|s| s.port);
        super::ports::name_from_table(list);
    }
    out.certificates.sort_by_key(|c| (c.ip, c.port));
    out
}

fn tls_service_name(port: u16) -> &'static str {
    match port {
        993 => "imaps",
        995 => "pop3s",
        465 => "smtps",
        636 => "ldaps",
        853 => "dns-over-tls",
        5061 => "sips",
        8883 => "mqtts",
        _ => "https",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typical_round_trip_ignores_a_queued_majority() {
        let host = |ms: u64| Target {
            ip: "10.0.0.1".parse().unwrap(),
            rtt: Some(Duration::from_millis(ms)),
            fragile: false,
        };
        let hosts: Vec<Target> = [1, 2, 80, 90, 95, 99, 120, 150].map(host).to_vec();
        assert_eq!(typical_rtt(&hosts), Some(Duration::from_millis(80)));
        assert_eq!(typical_rtt(&hosts[..3]), None, "too few to say");
    }

    #[test]
    fn timeouts_follow_the_round_trip_within_bounds() {
        let ceiling = Duration::from_millis(800);
        assert_eq!(connect_timeout(None, ceiling), ceiling);
        assert_eq!(
            connect_timeout(Some(Duration::from_micros(100)), ceiling),
            Duration::from_millis(101)
        );
        assert_eq!(
            connect_timeout(Some(Duration::from_millis(300)), ceiling),
            ceiling,
            "a slow link is capped"
        );
    }
}
