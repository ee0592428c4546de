//! One scan from addresses to a classified `ScanReport`: discovery, then enrichment of the
//! live hosts, with mDNS listening for the whole run; then the classifier.
use super::arp::ArpReply;
use super::dhcp::{self, DhcpBook};
use super::discover::{self, DiscoveryOptions};
use super::enrich::{self, Enrichment};
use super::interfaces::{self, LocalNet};
use super::mdns::{self, Announced};
use super::ndp;
use super::neighbours;
use super::netbios;
use super::progress::Progress;
use super::reverse_names::{self, ReverseNames};
use super::snmp::SnmpOptions;
use super::snmp_sweep;
use super::ssdp;
use crate::classify::{Classifier, LoadError, Observed};
use crate::model::names::{add_name, fused_hostname};
use crate::model::{
    AssetObservation, DeviceInfo, NameSource, PortSet, Privileges, ScanMethod, ScanReport, SeenName,
};
use chrono::Utc;
use futures_util::FutureExt;
use ipnet::IpNet;
use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// Everything a scan needs to know before it starts.
#[derive(Clone, Debug)]
pub struct ScanPlan {
    /// The targets as the user wrote them, for display.
    pub target_text: String,
    /// Addresses to probe (expanded, exclusions removed).
    pub addresses: Vec<IpAddr>,
    pub ports: PortSet,
    pub discovery: DiscoveryOptions,
    /// How long to listen for mDNS announcements (zero: not at all).
    pub mdns_window: Duration,
    /// Hosts known to be fragile: probed gently.
    pub fragile: HashSet<IpAddr>,
    /// SNMP system group of live hosts (None: not asked).
    pub snmp: Option<SnmpOptions>,
    /// Ask live IPv4 hosts for their NetBIOS name (UDP 137), fragile ones excepted.
    pub netbios: bool,
    /// Ask live IPv4 hosts for their UPnP description (SSDP), fragile ones excepted.
    pub ssdp: bool,
    /// Where live IPv4 hosts are asked for their own address's name (LLMNR 5355, mDNS
    /// 5353), fragile ones excepted; empty: not at all.
    pub reverse_name_ports: Vec<u16>,
    /// Ask the on-link networks for their IPv6 neighbours (needs capture rights).
    pub ipv6: bool,
    /// Where DHCP requests come from.
    pub dhcp: PassiveDhcp,
}

/// Passive DHCP for one scan.
#[derive(Clone, Debug, Default)]
pub enum PassiveDhcp {
    #[default]
    Off,
    /// Capture on the on-link interfaces while the scan runs.
    DuringScan,
    /// Read what a listener that outlives the scan (the agent's) has collected.
    Book(DhcpBook),
}

/// A finished scan and what it could not do.
#[derive(Debug)]
pub struct ScanOutcome {
    pub report: ScanReport,
    /// Engines or probes that failed (the exit code says so); when discovery itself failed
    /// the report is also marked partial.
    pub failures: Vec<String>,
    /// What the person who asked should know (fewer privileges, a lowered socket budget):
    /// the caller decides whether to print or log them.
    pub notes: Vec<String>,
}

/// Every name a host was seen with: the name sources' answers, the names its services
/// gave, and the host names its own certificates carry.
fn seen_names<'a>(
    sources: impl IntoIterator<Item = (Option<&'a str>, NameSource)>,
    from_services: Vec<SeenName>,
    tls_subjects: &[String],
) -> Vec<SeenName> {
    let mut names = Vec::new();
    for (name, source) in sources {
        if let Some(name) = name {
            add_name(&mut names, name, source);
        }
    }
    for n in from_services {
        add_name(&mut names, &n.name, n.source);
    }
    for n in tls_subjects.iter().filter(|n| is_host_name(n)) {
        add_name(&mut names, n, NameSource::Tls);
    }
    names
}

/// The subject CNs and SANs of the certificates `ip` served: what the classifier reads as
/// TLS evidence.
pub fn tls_names(certificates: &[crate::model::CertificateObservation], ip: IpAddr) -> Vec<String> {
    certificates
        .iter()
        .filter(|c| c.ip == ip)
        .flat_map(|c| c.subject_cn.iter().chain(c.sans.iter()).cloned())
        .collect()
}

/// Certificate names that name this host: a dotted DNS name, not a wildcard, an address or
/// a vendor default such as "localhost".
pub fn is_host_name(name: &str) -> bool {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    const GENERIC: [&str; 4] = [
        "localhost",
        "localhost.localdomain",
        "example.com",
        "router.local",
    ];
    n.contains('.')
        && !n.starts_with("*.")
        && n.parse::<IpAddr>().is_err()
        && !GENERIC.contains(&n.as_str())
        && !n.ends_with(".localdomain")
        && n.len() <= 253
        && n.split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// The networks a scan covered completely: its addresses, aggregated into CIDR blocks.
pub fn covered_networks(addresses: &[IpAddr]) -> Vec<IpNet> {
    let singles: Vec<IpNet> = addresses.iter().map(|ip| IpNet::from(*ip)).collect();
    IpNet::aggregate(&singles)
}

/// Interfaces on which targets sit on-link: where mDNS may listen and ask.
fn mdns_interfaces(addresses: &[IpAddr], locals: &[LocalNet]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ip in addresses {
        if let IpAddr::V4(v4) = ip
            && let Some(l) = interfaces::on_link(locals, *v4)
            && !out.contains(&l.interface)
        {
            out.push(l.interface.clone());
        }
    }
    out
}

/// Runs the scan. The classifier is still loading when the probes start (its rules take
/// tens of milliseconds to compile); a classifier that fails to load stops the scan at once.
pub async fn run<C>(
    plan: &ScanPlan,
    privs: &Privileges,
    locals: &[LocalNet],
    classifier: C,
    progress: Arc<Progress>,
) -> Result<ScanOutcome, LoadError>
where
    C: Future<Output = Result<Classifier, LoadError>>,
{
    let (classifier, gathered) = tokio::try_join!(classifier, async {
        Ok(gather(plan, privs, locals, progress).await)
    })?;
    Ok(assemble(plan, privs, gathered, &classifier))
}

/// The kernel keeps resolving neighbours while we probe; a host found before its entry was
/// complete (TCP ping under load, unprivileged) gets its MAC from the table read now.
fn fill_macs_from_neighbours(hosts: &mut BTreeMap<IpAddr, discover::Host>) {
    if hosts.values().all(|h| h.mac.is_some()) {
        return;
    }
    for n in neighbours::read() {
        if let Some(h) = hosts.get_mut(&IpAddr::V4(n.ip))
            && h.mac.is_none()
        {
            tracing::debug!(ip = %n.ip, "MAC from the neighbour table after probing");
            h.mac = Some(n.mac);
        }
    }
}

/// What an engine found, or nothing and a line in the failures when it could not run.
fn or_failure<T: Default>(
    result: Result<T, super::error::ProbeError>,
    failures: &mut Vec<String>,
) -> T {
    result.unwrap_or_else(|e| {
        failures.push(e.to_string());
        T::default()
    })
}

/// What the probes learned, before classification.
struct Gathered {
    started_at: chrono::DateTime<Utc>,
    failures: Vec<String>,
    partial: bool,
    found: discover::Discovery,
    open_ports: BTreeMap<IpAddr, Vec<u16>>,
    services: BTreeMap<IpAddr, Vec<crate::model::Service>>,
    certificates: Vec<crate::model::CertificateObservation>,
    announced: BTreeMap<IpAddr, Announced>,
    snmp_facts: BTreeMap<IpAddr, crate::model::SnmpFacts>,
    netbios: BTreeMap<IpAddr, netbios::NodeStatus>,
    names: BTreeMap<IpAddr, Vec<SeenName>>,
    devices: BTreeMap<IpAddr, DeviceInfo>,
    upnp: BTreeMap<IpAddr, ssdp::Described>,
    reverse: ReverseNames,
    dhcp: Option<DhcpBook>,
    ipv6: ndp::Neighbours,
}

/// What the UDP name sources said, merged over the batches of hosts they asked.
#[derive(Default)]
struct Asked {
    snmp_facts: BTreeMap<IpAddr, crate::model::SnmpFacts>,
    netbios: BTreeMap<IpAddr, netbios::NodeStatus>,
    upnp: BTreeMap<IpAddr, ssdp::Described>,
    reverse: ReverseNames,
    failures: Vec<String>,
}

impl Asked {
    fn absorb(&mut self, mut other: Asked) {
        self.snmp_facts.append(&mut other.snmp_facts);
        self.netbios.append(&mut other.netbios);
        self.upnp.append(&mut other.upnp);
        self.reverse.append(&mut other.reverse);
        self.failures.append(&mut other.failures);
    }
}

/// SNMP, NetBIOS, SSDP and the LLMNR/mDNS reverse question for `live`: one datagram per
/// host each, all from one socket per source, all at once, each waiting only as long as
/// this network's round trips say an answer can take. Fragile hosts get only SNMP (one
/// read-only GET, as before); the rest are for sturdy IPv4 hosts.
async fn ask_names(plan: &ScanPlan, live: &[IpAddr], udp_wait: Duration) -> Asked {
    let mut out = Asked::default();
    if live.is_empty() {
        return out;
    }
    tracing::debug!(
        hosts = live.len(),
        wait_ms = udp_wait.as_millis(),
        "asking names"
    );
    let askable: Vec<std::net::Ipv4Addr> = live
        .iter()
        .filter_map(|ip| match ip {
            IpAddr::V4(v4) if !plan.fragile.contains(ip) => Some(*v4),
            _ => None,
        })
        .collect();
    let snmp_job = async {
        match &plan.snmp {
            Some(opts) => snmp_sweep::sweep(live, opts, udp_wait).await,
            None => Ok(BTreeMap::new()),
        }
    };
    let none = &[][..];
    let netbios_job = netbios::sweep(if plan.netbios { &askable } else { none }, udp_wait);
    let ssdp_job = ssdp::sweep(
        if plan.ssdp { &askable } else { none },
        udp_wait,
        plan.discovery.probe.connect_timeout + plan.discovery.probe.read_timeout,
    );
    let reverse_job = reverse_names::sweep(&askable, &plan.reverse_name_ports, udp_wait);
    let started = std::time::Instant::now();
    let timed = |source: &'static str| {
        move || {
            tracing::debug!(
                source,
                ms = started.elapsed().as_millis(),
                "name source done"
            )
        }
    };
    let (snmp_facts, netbios, upnp, reverse) = tokio::join!(
        snmp_job.inspect(|_| timed("snmp")()),
        netbios_job.inspect(|_| timed("netbios")()),
        ssdp_job.inspect(|_| timed("ssdp")()),
        reverse_job.inspect(|_| timed("reverse")())
    );
    out.snmp_facts = or_failure(snmp_facts, &mut out.failures);
    out.netbios = or_failure(netbios, &mut out.failures);
    out.upnp = or_failure(upnp, &mut out.failures);
    out.reverse = or_failure(reverse, &mut out.failures);
    out
}

/// IPv6 neighbours of every on-link interface with IPv6 addresses, asked on blocking
/// threads beside discovery; what failed is said, not fatal.
fn ipv6_neighbours(
    plan: &ScanPlan,
    privs: &Privileges,
    locals: &[LocalNet],
) -> tokio::task::JoinHandle<(ndp::Neighbours, Vec<String>)> {
    let links: Vec<(String, crate::model::MacAddr)> = if plan.ipv6 && privs.arp {
        mdns_interfaces(&plan.addresses, locals)
            .into_iter()
            .filter_map(|i| {
                let mac = locals.iter().find(|l| l.interface == i)?.mac?;
                Some((i, mac))
            })
            .collect()
    } else {
        Vec::new()
    };
    tokio::task::spawn_blocking(move || {
        let mut found = ndp::Neighbours::new();
        let mut errors = Vec::new();
        for (interface, mac) in links {
            let sources = ndp::own_addresses(&interface);
            match ndp::sweep(&interface, mac, &sources, ndp::WINDOW) {
                Ok(n) => {
                    for (mac, addresses) in n {
                        found.entry(mac).or_default().extend(addresses);
                    }
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        (found, errors)
    })
}

/// Starts the scan's own DHCP capture when it should have one; the book to read after.
/// Without capture rights there is nothing to hear, and the privilege note says so.
fn start_dhcp(
    plan: &ScanPlan,
    privs: &Privileges,
    locals: &[LocalNet],
) -> (Option<dhcp::Listener>, Option<DhcpBook>) {
    match &plan.dhcp {
        PassiveDhcp::Off => (None, None),
        PassiveDhcp::Book(book) => (None, Some(book.clone())),
        PassiveDhcp::DuringScan => {
            let ifaces = mdns_interfaces(&plan.addresses, locals);
            if !privs.arp || ifaces.is_empty() {
                return (None, None);
            }
            let book = DhcpBook::default();
            match dhcp::listen(&ifaces, book.clone()) {
                Ok(listener) => (Some(listener), Some(book)),
                Err(e) => {
                    tracing::debug!(error = %e, "no DHCP capture");
                    (None, None)
                }
            }
        }
    }
}

/// Discovery, enrichment, mDNS and SNMP.
async fn gather(
    plan: &ScanPlan,
    privs: &Privileges,
    locals: &[LocalNet],
    progress: Arc<Progress>,
) -> Gathered {
    let started_at = Utc::now();
    let t0 = std::time::Instant::now();
    let mut failures = Vec::new();
    // Set once every other probe is done: mDNS then stops listening after its minimum.
    let probes_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (dhcp_listener, dhcp_book) = start_dhcp(plan, privs, locals);
    let ipv6_job = ipv6_neighbours(plan, privs, locals);
    let mdns_job = {
        let ifaces = mdns_interfaces(&plan.addresses, locals);
        let wanted: HashSet<IpAddr> = plan.addresses.iter().copied().collect();
        let window = plan.mdns_window;
        let done = probes_done.clone();
        (!ifaces.is_empty() && !window.is_zero()).then(|| {
            tokio::task::spawn_blocking(move || mdns::browse(&ifaces, &wanted, window, &done))
        })
    };
    // Hosts that answer the first ARP round are port-scanned while discovery still runs;
    // the TCP ping of off-link targets runs meanwhile, so the socket bound is split.
    let wants_early = !plan.ports.is_empty();
    let mut discovery_opts = plan.discovery.clone();
    let mut early_probe = plan.discovery.probe.clone();
    if wants_early {
        // The quarter serves the TCP ping, then the reverse DNS lookups after it.
        discovery_opts.probe.max_in_flight = (early_probe.max_in_flight / 4).max(1);
        early_probe.max_in_flight = early_probe
            .max_in_flight
            .saturating_sub(discovery_opts.probe.max_in_flight)
            .max(1);
    }
    let (early_tx, mut early_rx) =
        tokio::sync::mpsc::unbounded_channel::<Vec<(std::net::Ipv4Addr, ArpReply)>>();
    // Each live host is port-scanned and asked for its names once, by whichever side claims
    // it first: the first ARP round's hosts while the later rounds still run, the rest as
    // soon as discovery ends, beside the first batch's work rather than after it.
    let claimed: std::sync::Mutex<HashSet<IpAddr>> = Default::default();
    let claim = |ip: IpAddr| claimed.lock().expect("claimed hosts").insert(ip);
    let early_batches = std::sync::atomic::AtomicBool::new(false);
    let early_enrich = async {
        let mut enriched = Enrichment::default();
        let mut asked = Asked::default();
        while let Some(batch) = early_rx.recv().await {
            early_batches.store(true, std::sync::atomic::Ordering::Relaxed);
            let rtts: Vec<Duration> = batch.iter().filter_map(|(_, r)| r.rtt).collect();
            let targets: Vec<enrich::Target> = batch
                .into_iter()
                .filter(|(ip, _)| claim(IpAddr::V4(*ip)))
                .map(|(ip, reply)| enrich::Target {
                    ip: IpAddr::V4(ip),
                    rtt: reply.rtt,
                    fragile: plan.fragile.contains(&IpAddr::V4(ip)),
                })
                .collect();
            let live: Vec<IpAddr> = targets.iter().map(|t| t.ip).collect();
            let ports = async {
                if wants_early {
                    enrich::enrich(&targets, &plan.ports, &early_probe, progress.clone()).await
                } else {
                    Enrichment::default()
                }
            };
            let (more, names) =
                tokio::join!(ports, ask_names(plan, &live, netbios::fitted_wait(&rtts)));
            enriched.absorb(more);
            asked.absorb(names);
            tracing::debug!(
                ms = t0.elapsed().as_millis(),
                "first ARP round's hosts done"
            );
        }
        (enriched, asked)
    };
    // This machine's own addresses among the targets are live before any probe answers:
    // asked at once, beside the first ARP round's hosts, they cost no late round of their
    // own (ICMP finds them last, after every ARP round).
    let own_first = async {
        let own: Vec<IpAddr> = locals
            .iter()
            .map(|l| IpAddr::V4(l.ip))
            .filter(|ip| plan.addresses.contains(ip))
            .filter(|ip| claim(*ip))
            .collect();
        if own.is_empty() {
            return (Enrichment::default(), Asked::default());
        }
        let targets: Vec<enrich::Target> = own
            .iter()
            .map(|ip| enrich::Target {
                ip: *ip,
                rtt: None,
                fragile: plan.fragile.contains(ip),
            })
            .collect();
        let ports = async {
            if wants_early {
                enrich::enrich(
                    &targets,
                    &plan.ports,
                    &discovery_opts.probe,
                    progress.clone(),
                )
                .await
            } else {
                Enrichment::default()
            }
        };
        // Its own stack answers at once: the shortest fitted wait.
        let wait = netbios::fitted_wait(&[Duration::ZERO]);
        tokio::join!(ports, ask_names(plan, &own, wait))
    };
    let discover_then_rest = async {
        let found = discover::discover(
            &plan.addresses,
            locals,
            privs,
            &discovery_opts,
            progress.clone(),
            Some(early_tx),
        )
        .await;
        // While the first batch is still being worked on, the rest get the quarter of the
        // socket budget discovery had; alone (routed networks, no ARP), all of it.
        let first_batch_busy = early_batches.load(std::sync::atomic::Ordering::Relaxed);
        let targets: Vec<enrich::Target> = found
            .hosts
            .iter()
            .filter(|(ip, _)| claim(**ip))
            .map(|(ip, h)| enrich::Target {
                ip: *ip,
                rtt: h.rtt,
                fragile: plan.fragile.contains(ip),
            })
            .collect();
        let late: Vec<IpAddr> = targets.iter().map(|t| t.ip).collect();
        let rtts: Vec<Duration> = found.hosts.values().filter_map(|h| h.rtt).collect();
        let budget = if first_batch_busy && wants_early {
            &discovery_opts.probe
        } else {
            &plan.discovery.probe
        };
        let (rest, late_names) = tokio::join!(
            enrich::enrich(&targets, &plan.ports, budget, progress.clone()),
            ask_names(plan, &late, netbios::fitted_wait(&rtts))
        );
        (found, rest, late_names)
    };
    let ((mut enriched, mut asked), (own_enriched, own_names), (mut found, rest, late_names)) =
        tokio::join!(early_enrich, own_first, discover_then_rest);
    enriched.absorb(own_enriched);
    asked.absorb(own_names);
    // Absence proves something only when discovery ran in full; enrichment failures cost
    // details, not coverage.
    let partial = !found.failures.is_empty();
    failures.append(&mut found.failures);
    asked.absorb(late_names);
    tracing::debug!(
        ms = t0.elapsed().as_millis(),
        "ports and name questions done"
    );
    failures.append(&mut asked.failures);
    let Asked {
        snmp_facts,
        netbios,
        upnp,
        reverse,
        ..
    } = asked;
    enriched.absorb(rest);
    fill_macs_from_neighbours(&mut found.hosts);
    probes_done.store(true, std::sync::atomic::Ordering::Relaxed);
    let announced = match mdns_job {
        Some(job) => match job.await {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => {
                failures.push(e.to_string());
                BTreeMap::new()
            }
            Err(e) => {
                failures.push(format!("mDNS: {e}"));
                BTreeMap::new()
            }
        },
        None => BTreeMap::new(),
    };
    tracing::debug!(ms = t0.elapsed().as_millis(), "mDNS done");
    let ipv6 = match ipv6_job.await {
        Ok((found, errors)) => {
            failures.extend(errors);
            found
        }
        Err(e) => {
            failures.push(format!("IPv6 neighbours: {e}"));
            ndp::Neighbours::new()
        }
    };
    if let Some(e) = dhcp_listener.and_then(dhcp::Listener::stop) {
        failures.push(e.to_string());
    }
    tracing::debug!(ms = t0.elapsed().as_millis(), "IPv6 and DHCP done");
    let Enrichment {
        open_ports,
        services,
        certificates,
        names,
        devices,
        failures: enrich_failures,
    } = enriched;
    failures.extend(enrich_failures);
    Gathered {
        started_at,
        failures,
        partial,
        found,
        open_ports,
        services,
        certificates,
        announced,
        snmp_facts,
        netbios,
        names,
        devices,
        upnp,
        reverse,
        dhcp: dhcp_book,
        ipv6,
    }
}

/// The classified report.
fn assemble(
    plan: &ScanPlan,
    privs: &Privileges,
    g: Gathered,
    classifier: &Classifier,
) -> ScanOutcome {
    let Gathered {
        started_at,
        failures,
        partial,
        found,
        mut open_ports,
        mut services,
        certificates,
        announced,
        mut snmp_facts,
        mut netbios,
        mut names,
        mut devices,
        mut upnp,
        mut reverse,
        dhcp,
        mut ipv6,
    } = g;
    let mut assets = Vec::with_capacity(found.hosts.len());
    for (ip, host) in &found.hosts {
        let mut obs = AssetObservation::new(*ip);
        obs.mac = host.mac;
        obs.ipv6 = host
            .mac
            .and_then(|m| ipv6.remove(&m))
            .map(|set| set.into_iter().collect())
            .unwrap_or_default();
        obs.open_ports = open_ports.remove(ip).unwrap_or_default();
        obs.services = services.remove(ip).unwrap_or_default();
        let mdns = announced
            .get(ip)
            .cloned()
            .unwrap_or_else(Announced::default);
        obs.snmp = snmp_facts.remove(ip);
        let nb = netbios.remove(ip).unwrap_or_default();
        let tls_subjects = tls_names(&certificates, *ip);
        let instances = mdns
            .instance_names
            .iter()
            .map(|n| (Some(n.as_str()), NameSource::Mdns));
        let described = upnp.remove(ip).unwrap_or_default();
        let requested = host
            .mac
            .zip(dhcp.as_ref())
            .and_then(|(mac, book)| book.get(mac));
        let friendly = (described.friendly_name.as_deref(), NameSource::Upnp);
        let own = reverse.remove(ip).unwrap_or_default();
        let own = own.iter().map(|(n, s)| (Some(n.as_str()), *s));
        obs.names = seen_names(
            [
                (host.hostname.as_deref(), NameSource::Dns),
                (mdns.hostname.as_deref(), NameSource::Mdns),
                (nb.name.as_deref(), NameSource::Netbios),
                (
                    obs.snmp.as_ref().and_then(|s| s.sys_name.as_deref()),
                    NameSource::Snmp,
                ),
                (
                    requested.as_ref().and_then(|r| r.host_name.as_deref()),
                    NameSource::Dhcp,
                ),
            ]
            .into_iter()
            .chain(instances)
            .chain(own)
            .chain([friendly]),
            names.remove(ip).unwrap_or_default(),
            &tls_subjects,
        );
        obs.hostname = fused_hostname(&obs.names);
        // Off-link hosts have no MAC from ARP; the one a host reports itself is next best.
        if obs.mac.is_none() {
            obs.mac = nb.mac.map(crate::model::MacAddr);
        }
        let mut device = devices.remove(ip).unwrap_or_default();
        device.absorb(mdns.device.clone());
        device.absorb(described.device);
        device.absorb(DeviceInfo {
            domain: nb.group,
            ..Default::default()
        });
        if let Some(r) = &requested {
            device.absorb(r.device_info());
        }
        obs.device_info = (!device.is_empty()).then_some(device);
        obs.mdns_services = mdns.services.into_iter().collect();
        let verdict = classifier.classify(&Observed {
            obs: &obs,
            tls_subjects: &tls_subjects,
            ttl: host.ttl,
        });
        verdict.apply_to(&mut obs);
        assets.push(obs);
    }
    let report = ScanReport {
        id: uuid::Uuid::new_v4(),
        target: plan.target_text.clone(),
        // A partial scan proves no absence: it claims no network as covered.
        networks: if partial {
            Vec::new()
        } else {
            covered_networks(&plan.addresses)
        },
        method: ScanMethod::Active,
        started_at,
        completed_at: Some(Utc::now()),
        partial,
        ports_probed: plan.ports.clone(),
        privileges: privs.clone(),
        scanner_version: env!("CARGO_PKG_VERSION").to_string(),
        assets,
        certificates,
        switches: Vec::new(),
    };
    ScanOutcome {
        report,
        failures,
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_certificate_names_that_name_a_host_count() {
        for good in ["nas-01.office.example", "soon.lab", "Printer.Corp.local."] {
            assert!(is_host_name(good), "{good}");
        }
        for bad in [
            "localhost",
            "*.office.example",
            "10.0.0.1",
            "Synology",
            "localhost.localdomain",
            "nas.localdomain",
            "bad name.lab",
            "",
        ] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }

    #[test]
    fn coverage_is_the_aggregate_of_the_probed_addresses() {
        let ips: Vec<IpAddr> = (1..=254u8)
            .map(|i| IpAddr::from([10, 0, 0, i]))
            .filter(|ip| *ip != IpAddr::from([10, 0, 0, 100]))
            .collect();
        let nets = covered_networks(&ips);
        assert!(
            nets.iter()
                .all(|n| !n.contains(&IpAddr::from([10, 0, 0, 100])))
        );
        assert!(
            nets.iter()
                .any(|n| n.contains(&IpAddr::from([10, 0, 0, 254])))
        );
        assert_eq!(
            covered_networks(&["10.0.0.4".parse().unwrap(), "10.0.0.5".parse().unwrap()]),
            ["10.0.0.4/31".parse::<IpNet>().unwrap()]
        );
    }
}
