//! Host discovery: which target addresses are alive. The engines run concurrently and their
//! answers are merged per IP:
//! - on-link networks with CAP_NET_RAW: ARP sweep (authoritative there: a host that does not
//!   answer ARP cannot be reached by anything else either) plus ICMP echo inside the same
//!   time budget, which gives a lost ARP reply a second, independent chance;
//! - everything else (routed networks, or no privilege): ICMP echo where allowed and a TCP
//!   "ping" to a few common ports (an answer or a reset both prove a live host);
//! - afterwards the kernel neighbour table adds MACs (and, without ARP, hosts whose firewall
//!   ate the TCP probes but whose kernel answered ARP), and reverse DNS adds names.
use super::arp::{self, ArpOptions};
use super::icmp::{self, PingOptions};
use super::interfaces::{self, LocalNet};
use super::neighbours;
use super::progress::Progress;
use super::rdns;
use super::tcp::{self, PortState, ProbeOptions};
use crate::model::{MacAddr, PortSet, Privileges};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Ports of the TCP "ping": services most LAN devices run, or reset promptly.
pub const TCP_PING_PORTS: [u16; 8] = [80, 443, 22, 445, 139, 3389, 8080, 62078];

#[derive(Clone, Debug)]
pub struct DiscoveryOptions {
    pub arp: ArpOptions,
    pub ping: PingOptions,
    pub probe: ProbeOptions,
    /// Look up PTR names of live hosts.
    pub reverse_dns: bool,
    pub dns_timeout: Duration,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            arp: ArpOptions::default(),
            ping: PingOptions::default(),
            probe: ProbeOptions::default(),
            reverse_dns: true,
            dns_timeout: Duration::from_millis(1500),
        }
    }
}

/// How a host made itself known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    Arp,
    Icmp,
    Tcp,
    Neighbour,
}

/// One live host.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Host {
    pub mac: Option<MacAddr>,
    /// Best round-trip time seen: sets this host's port timeouts.
    pub rtt: Option<Duration>,
    pub ttl: Option<u8>,
    pub hostname: Option<String>,
    pub via: BTreeSet<Evidence>,
}

impl Host {
    fn saw_rtt(&mut self, rtt: Option<Duration>) {
        if let Some(r) = rtt {
            self.rtt = Some(self.rtt.map_or(r, |old| old.min(r)));
        }
    }
}

/// What discovery found and what it could not do.
#[derive(Debug, Default)]
pub struct Discovery {
    pub hosts: BTreeMap<IpAddr, Host>,
    /// Engines that failed to run (a partial scan).
    pub failures: Vec<String>,
}

/// How long on-link ICMP may run on once the ARP sweep of its link is over.
const ON_LINK_ICMP_GRACE: Duration = Duration::from_millis(50);

/// Splits targets into on-link groups that ARP can sweep and the rest.
fn plan(
    targets: &[IpAddr],
    locals: &[LocalNet],
    privs: &Privileges,
) -> (Vec<(LocalNet, Vec<Ipv4Addr>)>, Vec<IpAddr>) {
    let mut by_link: Vec<(LocalNet, Vec<Ipv4Addr>)> = Vec::new();
    let mut rest = Vec::new();
    for ip in targets {
        let link = match ip {
            IpAddr::V4(v4) if privs.arp => interfaces::on_link(locals, *v4)
                .filter(|l| l.mac.is_some())
                .map(|l| (l, *v4)),
            _ => None,
        };
        match link {
            Some((l, v4)) => match by_link.iter_mut().find(|(g, _)| g.interface == l.interface) {
                Some((_, list)) => list.push(v4),
                None => by_link.push((l.clone(), vec![v4])),
            },
            None => rest.push(*ip),
        }
    }
    (by_link, rest)
}

/// The time an ARP sweep of `n` addresses may take: sending every round plus each window.
fn arp_budget(n: usize, opts: &ArpOptions) -> Duration {
    let rounds = opts.retries.min(2) + 1;
    let sending = Duration::from_secs_f64(n as f64 / f64::from(opts.rate.max(1)));
    sending + opts.window * rounds
}

/// The time an ICMP sweep of `n` addresses may take: every round sent at the rate, each
/// followed by one reply timeout.
fn icmp_budget(n: usize, opts: &PingOptions) -> Duration {
    let rounds = opts.retries.min(2) + 1;
    let sending = Duration::from_secs_f64(n as f64 / f64::from(opts.rate.max(1)));
    (sending + opts.timeout) * rounds
}

/// Finds the live hosts among `targets`. Hosts that answer the first ARP round also go to
/// `early` while discovery goes on (the sender is dropped when discovery ends).
pub async fn discover(
    targets: &[IpAddr],
    locals: &[LocalNet],
    privs: &Privileges,
    opts: &DiscoveryOptions,
    progress: Arc<Progress>,
    early: Option<arp::FirstAnswers>,
) -> Discovery {
    let (by_link, rest) = plan(targets, locals, privs);
    let mut out = Discovery::default();
    let pinger = if privs.icmp {
        match icmp::client() {
            Ok(c) => Some(c),
            Err(e) => {
                out.failures.push(e.to_string());
                None
            }
        }
    } else {
        None
    };
    let start = Instant::now();

    // ARP per link, on blocking threads; ICMP over the same addresses within ARP's budget.
    let mut arp_jobs = Vec::new();
    let mut icmp_jobs = Vec::new();
    // On-link, ARP finds every live host; ICMP there only adds TTL and round trips, so it
    // ends shortly after ARP does, keeping what it heard.
    let mut on_link_icmp = Vec::new();
    let on_link_echoes: icmp::Replies = Default::default();
    for (link, ips) in by_link {
        let budget = arp_budget(ips.len(), &opts.arp);
        if let Some(client) = &pinger {
            let (client, ips, popts, progress) = (
                client.clone(),
                ips.clone(),
                opts.ping.clone(),
                progress.clone(),
            );
            let sink = on_link_echoes.clone();
            on_link_icmp.push(tokio::spawn(async move {
                icmp::sweep(&client, &ips, &popts, &progress, start + budget, sink).await
            }));
        }
        let (aopts, progress, first) = (opts.arp.clone(), progress.clone(), early.clone());
        arp_jobs.push(tokio::task::spawn_blocking(move || {
            arp::sweep(&link, &ips, &aopts, &progress, first)
        }));
    }
    // The rest: ICMP (if allowed) and TCP ping together.
    let rest_v4: Vec<Ipv4Addr> = rest
        .iter()
        .filter_map(|ip| match ip {
            IpAddr::V4(v4) => Some(*v4),
            IpAddr::V6(_) => None,
        })
        .collect();
    if let Some(client) = &pinger
        && !rest_v4.is_empty()
    {
        let (client, popts, progress) = (client.clone(), opts.ping.clone(), progress.clone());
        let deadline = start + icmp_budget(rest_v4.len(), &opts.ping);
        icmp_jobs.push(tokio::spawn(async move {
            icmp::sweep(
                &client,
                &rest_v4,
                &popts,
                &progress,
                deadline,
                Default::default(),
            )
            .await
        }));
    }
    let tcp_job = {
        let (rest, probe) = (rest.clone(), opts.probe.clone());
        tokio::spawn(async move { neighbours::collect_while(tcp_ping(&rest, &probe)).await })
    };

    for job in arp_jobs {
        match job.await {
            Ok(swept) => {
                for (ip, reply) in swept.found {
                    let h = out.hosts.entry(IpAddr::V4(ip)).or_default();
                    h.mac = Some(reply.mac);
                    h.saw_rtt(reply.rtt);
                    h.via.insert(Evidence::Arp);
                }
                out.failures.extend(swept.error.map(|e| e.to_string()));
            }
            Err(e) => out.failures.push(format!("ARP sweep: {e}")),
        }
        progress.set_hosts_found(out.hosts.len());
    }
    tracing::debug!(
        ms = start.elapsed().as_millis(),
        hosts = out.hosts.len(),
        "ARP done"
    );
    // Nothing more comes early: the consumer may move on.
    drop(early);
    let grace = tokio::time::sleep(ON_LINK_ICMP_GRACE);
    tokio::pin!(grace);
    for mut job in on_link_icmp {
        if tokio::time::timeout_at(grace.deadline(), &mut job)
            .await
            .is_err()
        {
            job.abort();
        }
    }
    let echoes = std::mem::take(&mut *on_link_echoes.lock().expect("replies"));
    let mut icmp_results = vec![echoes];
    for job in icmp_jobs {
        match job.await {
            Ok(found) => icmp_results.push(found),
            Err(e) => out.failures.push(format!("ICMP sweep: {e}")),
        }
    }
    for (ip, reply) in icmp_results.into_iter().flatten() {
        let h = out.hosts.entry(IpAddr::V4(ip)).or_default();
        h.saw_rtt(Some(reply.rtt));
        h.ttl = h.ttl.or(reply.ttl);
        h.via.insert(Evidence::Icmp);
    }
    progress.set_hosts_found(out.hosts.len());
    tracing::debug!(
        ms = start.elapsed().as_millis(),
        hosts = out.hosts.len(),
        "ICMP done"
    );
    let resolved = match tcp_job.await {
        Ok((alive, resolved)) => {
            for ip in alive {
                out.hosts.entry(ip).or_default().via.insert(Evidence::Tcp);
            }
            resolved
        }
        Err(e) => {
            out.failures.push(format!("TCP ping: {e}"));
            neighbours::read()
        }
    };
    add_neighbours(&mut out, &rest, resolved);
    // This machine answers its own probes; its MAC comes from the interface, not from ARP.
    for local in locals {
        if let Some(h) = out.hosts.get_mut(&IpAddr::V4(local.ip)) {
            h.mac = h.mac.or(local.mac);
        }
    }
    progress.set_hosts_found(out.hosts.len());
    tracing::debug!(
        ms = start.elapsed().as_millis(),
        hosts = out.hosts.len(),
        "TCP ping done"
    );
    if opts.reverse_dns {
        let ips: Vec<IpAddr> = out.hosts.keys().copied().collect();
        for (ip, name) in rdns::lookup_all(&ips, opts.dns_timeout, opts.probe.max_in_flight).await {
            if let Some(h) = out.hosts.get_mut(&ip) {
                h.hostname = Some(name);
            }
        }
        tracing::debug!(ms = start.elapsed().as_millis(), "reverse DNS done");
    }
    out
}

/// Live hosts by TCP: any answer, even a reset, on any of a few common ports.
async fn tcp_ping(targets: &[IpAddr], probe: &ProbeOptions) -> BTreeSet<IpAddr> {
    if targets.is_empty() {
        return BTreeSet::new();
    }
    let ports = PortSet::from_ports(TCP_PING_PORTS);
    tcp::scan(targets, &ports, probe)
        .await
        .into_iter()
        .filter(|r| r.state != PortState::Filtered)
        .map(|r| r.ip)
        .collect()
}

/// MACs from the kernel's table for hosts already found; and, for addresses ARP did not
/// sweep (`unswept`), resolved entries count as live hosts: the kernel just resolved them
/// for our probes.
fn add_neighbours(out: &mut Discovery, unswept: &[IpAddr], table: Vec<neighbours::Neighbour>) {
    let unswept: std::collections::HashSet<&IpAddr> = unswept.iter().collect();
    let by_ip: HashMap<IpAddr, MacAddr> = table
        .into_iter()
        .map(|n| (IpAddr::V4(n.ip), n.mac))
        .collect();
    for (ip, mac) in by_ip {
        if let Some(h) = out.hosts.get_mut(&ip) {
            h.mac = h.mac.or(Some(mac));
        } else if unswept.contains(&ip) {
            let h = out.hosts.entry(ip).or_default();
            h.mac = Some(mac);
            h.via.insert(Evidence::Neighbour);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> LocalNet {
        LocalNet {
            interface: "eth0".into(),
            ip: Ipv4Addr::new(10, 0, 0, 2),
            net: "10.0.0.0/24".parse().unwrap(),
            mac: Some(MacAddr([2, 0, 0, 0, 0, 2])),
        }
    }

    #[test]
    fn arp_takes_on_link_addresses_only_when_allowed() {
        let targets: Vec<IpAddr> = ["10.0.0.5", "10.0.0.6", "192.168.9.1", "::1"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let allowed = Privileges {
            raw_sockets: true,
            arp: true,
            icmp: true,
        };
        let (links, rest) = plan(&targets, &[local()], &allowed);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].1.len(), 2);
        assert_eq!(rest.len(), 2);
        let (links, rest) = plan(&targets, &[local()], &Privileges::default());
        assert!(links.is_empty());
        assert_eq!(rest.len(), 4);
    }

    #[test]
    fn neighbour_entries_add_macs_and_unswept_hosts_only() {
        let mut d = Discovery::default();
        let known: IpAddr = "10.0.0.5".parse().unwrap();
        d.hosts.insert(known, Host::default());
        let entry = |ip: &str, last: u8| neighbours::Neighbour {
            ip: ip.parse().unwrap(),
            mac: MacAddr([0x54, 0x8c, 0x81, 0, 0, last]),
            interface: "eth0".into(),
        };
        let table = vec![
            entry("10.0.0.5", 5),
            entry("10.0.0.6", 6),
            entry("10.0.0.7", 7),
        ];
        // 10.0.0.6 was probed without ARP; 10.0.0.7 was swept by ARP and stayed silent.
        add_neighbours(&mut d, &["10.0.0.6".parse().unwrap()], table);
        assert_eq!(
            d.hosts[&known].mac,
            Some(MacAddr([0x54, 0x8c, 0x81, 0, 0, 5]))
        );
        let six: IpAddr = "10.0.0.6".parse().unwrap();
        assert!(d.hosts[&six].via.contains(&Evidence::Neighbour));
        assert_eq!(
            d.hosts.len(),
            2,
            "a stale entry ARP disproved is not a host"
        );
    }

    #[test]
    fn the_arp_budget_covers_sending_and_every_window() {
        let opts = ArpOptions {
            rate: 1000,
            retries: 2,
            window: Duration::from_millis(300),
        };
        assert_eq!(arp_budget(254, &opts), Duration::from_millis(254 + 900));
    }
}
