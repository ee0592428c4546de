//! A scan as a library call. Whoever asks (`bigr scan`'s flags, the agent's scan section, a
//! site configuration) fills a plain `ScanRequest`; `plan` turns it into a `ScanPlan` and
//! `execute` runs it. Nothing here prints: what a person should know comes back as notes in
//! the outcome, and every refusal is a `ScanError` naming what to change.
use super::dhcp::DhcpBook;
use super::discover::DiscoveryOptions;
use super::engine::{self, PassiveDhcp, ScanOutcome, ScanPlan};
use super::interfaces::{self, LocalNet};
use super::progress::Progress;
use super::snmp::SnmpOptions;
use super::targets::{self, Target, TargetError};
use super::{limits, ports, privilege, reverse_names};
use crate::classify::{Classifier, LoadError};
use crate::model::Privileges;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long mDNS listens: long enough for responders' randomised answer delays and one
/// re-query, short enough not to outlast the scan of a small network.
const MDNS_WINDOW: Duration = Duration::from_millis(1500);
/// How long a host name may take to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

pub const RATE: RangeInclusive<u32> = 1..=100_000;
pub const MAX_CONCURRENCY: RangeInclusive<u64> = 1..=8192;
pub const TIMEOUT_MS: RangeInclusive<u64> = 50..=30_000;

/// How to scan, whatever the targets: the part a user or an administrator chooses once and
/// keeps (the agent stores it as the `scan:` section of `agent.yaml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanSettings {
    /// A list and ranges (`22,80,1000-2000`), `default`, or `none` for discovery only;
    /// unset: the default list.
    pub ports: Option<String>,
    /// The first N ports of the default list.
    pub top_ports: Option<usize>,
    /// Addresses, networks or ranges to leave alone.
    pub exclude: Vec<String>,
    /// Allow targets larger than a /16.
    pub force: bool,
    /// ARP and ICMP packets per second.
    pub rate: u32,
    /// TCP connections in flight at once, across all hosts.
    pub max_concurrency: u64,
    /// Longest wait for a TCP connect, in milliseconds.
    pub timeout_ms: u64,
    pub reverse_dns: bool,
    pub mdns: bool,
    /// Ask live hosts for their SNMP system group.
    pub snmp: bool,
    /// Ask live IPv4 hosts for their NetBIOS name (UDP 137).
    pub netbios: bool,
    /// Ask live IPv4 hosts for their UPnP description (SSDP, UDP 1900).
    pub ssdp: bool,
    /// Ask live IPv4 hosts for the name of their own address over LLMNR (UDP 5355), and
    /// over mDNS (UDP 5353) when `mdns` is on.
    pub llmnr: bool,
    /// Ask the on-link networks for their IPv6 neighbours (ICMPv6 to all-nodes; needs
    /// capture rights) and tie their addresses to the assets by MAC.
    pub ipv6: bool,
    /// Listen for the DHCP requests clients broadcast while the scan runs (needs capture
    /// rights; nothing is sent).
    pub dhcp: bool,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            ports: None,
            top_ports: None,
            exclude: Vec::new(),
            force: false,
            rate: 2000,
            max_concurrency: 512,
            timeout_ms: 800,
            reverse_dns: true,
            mdns: true,
            snmp: true,
            netbios: true,
            ssdp: true,
            llmnr: true,
            ipv6: true,
            dhcp: true,
        }
    }
}

/// Everything one scan needs; no command line, no database.
#[derive(Clone, Debug, Default)]
pub struct ScanRequest {
    /// IPs, CIDR networks, ranges or host names; empty: the directly connected networks.
    pub targets: Vec<String>,
    pub settings: ScanSettings,
    /// Hosts known to be fragile (from the store or the site configuration): probed gently.
    pub fragile: HashSet<IpAddr>,
    /// SNMP communities to try when `settings.snmp` is on.
    pub snmp_communities: Vec<String>,
    /// Where the user's own rules and OUI overrides live (`$BIGR_HOME`); None: embedded only.
    pub rules_home: Option<PathBuf>,
    /// DHCP requests a longer-running listener collects (the agent's): read instead of
    /// listening only while this scan runs.
    pub dhcp_book: Option<DhcpBook>,
}

/// Why a scan request cannot run; each says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("invalid ports: {0}")]
    Ports(String),
    #[error("{setting} must be between {min} and {max}, not {value}")]
    OutOfRange {
        setting: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
    #[error("cannot resolve host name '{0}'")]
    Unresolved(String),
    #[error("no connected IPv4 network found; name a target (e.g. 192.168.1.0/24)")]
    NoNetwork,
    #[error(transparent)]
    Classifier(#[from] LoadError),
}

impl ScanError {
    /// A mistake in what was asked (as opposed to the machine's own rules files).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, ScanError::Classifier(_))
    }
}

/// A request turned into probes, with what the machine allows and what to tell the user.
pub struct Planned {
    pub plan: ScanPlan,
    pub privileges: Privileges,
    pub locals: Vec<LocalNet>,
    pub notes: Vec<String>,
}

fn within<T: Copy + Into<u64> + PartialOrd>(
    setting: &'static str,
    value: T,
    range: &RangeInclusive<T>,
) -> Result<(), ScanError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(ScanError::OutOfRange {
        setting,
        value: value.into(),
        min: (*range.start()).into(),
        max: (*range.end()).into(),
    })
}

impl ScanSettings {
    /// Refuses values no scan should run with (the bounds `bigr scan`'s flags have).
    pub fn check(&self) -> Result<(), ScanError> {
        within("rate", self.rate, &RATE)?;
        within("max_concurrency", self.max_concurrency, &MAX_CONCURRENCY)?;
        within("timeout_ms", self.timeout_ms, &TIMEOUT_MS)?;
        ports::select(self.ports.as_deref(), self.top_ports).map_err(ScanError::Ports)?;
        for t in &self.exclude {
            targets::parse(t)?;
        }
        Ok(())
    }
}

/// Expands the targets, reads the machine's interfaces and privileges, and sizes the probes.
pub async fn plan(req: &ScanRequest) -> Result<Planned, ScanError> {
    let s = &req.settings;
    s.check()?;
    let port_set = ports::select(s.ports.as_deref(), s.top_ports).map_err(ScanError::Ports)?;
    let locals = interfaces::list();
    let (wanted, target_text) = gather_targets(&req.targets, &locals).await?;
    let exclude = s
        .exclude
        .iter()
        .map(|t| targets::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    let addresses = targets::expand(&wanted, &exclude, s.force)?;
    let mut notes = Vec::new();
    let privileges = privilege::detect();
    if let Some(message) = privilege::explain(&privileges) {
        notes.push(message);
    }
    let mut discovery = DiscoveryOptions::default();
    discovery.arp.rate = s.rate;
    discovery.ping.rate = s.rate;
    let wanted_sockets = s.max_concurrency as usize;
    discovery.probe.max_in_flight = limits::socket_budget(wanted_sockets);
    if discovery.probe.max_in_flight < wanted_sockets {
        notes.push(format!(
            "the open-file limit allows {} sockets in flight, not {wanted_sockets} (raise it with ulimit -n)",
            discovery.probe.max_in_flight
        ));
    }
    discovery.probe.connect_timeout = Duration::from_millis(s.timeout_ms);
    discovery.reverse_dns = s.reverse_dns;
    let plan = ScanPlan {
        target_text,
        addresses,
        ports: port_set,
        discovery,
        mdns_window: if s.mdns { MDNS_WINDOW } else { Duration::ZERO },
        fragile: req.fragile.clone(),
        snmp: s.snmp.then(|| SnmpOptions {
            communities: req.snmp_communities.clone(),
            ..SnmpOptions::default()
        }),
        netbios: s.netbios,
        ssdp: s.ssdp,
        reverse_name_ports: [
            (s.llmnr, reverse_names::LLMNR_PORT),
            (s.mdns, reverse_names::MDNS_PORT),
        ]
        .into_iter()
        .filter_map(|(on, port)| on.then_some(port))
        .collect(),
        ipv6: s.ipv6,
        dhcp: match (&req.dhcp_book, s.dhcp) {
            (_, false) => PassiveDhcp::Off,
            (Some(book), true) => PassiveDhcp::Book(book.clone()),
            (None, true) => PassiveDhcp::DuringScan,
        },
    };
    Ok(Planned {
        plan,
        privileges,
        locals,
        notes,
    })
}

/// Runs a planned scan; the classifier loads beside the first probes (a broken rules file
/// still stops the scan at once).
pub async fn execute(
    planned: Planned,
    rules_home: Option<PathBuf>,
    progress: Arc<Progress>,
) -> Result<ScanOutcome, ScanError> {
    let loading = tokio::task::spawn_blocking(move || Classifier::load(rules_home.as_deref()));
    let classifier = async move {
        loading
            .await
            .map_err(|e| LoadError::Index(format!("loader stopped: {e}")))?
    };
    let Planned {
        plan,
        privileges,
        locals,
        notes,
    } = planned;
    let mut outcome = engine::run(&plan, &privileges, &locals, classifier, progress).await?;
    outcome.notes = notes;
    Ok(outcome)
}

/// `plan` then `execute`, without progress display.
pub async fn run(req: &ScanRequest) -> Result<ScanOutcome, ScanError> {
    let planned = plan(req).await?;
    execute(
        planned,
        req.rules_home.clone(),
        Arc::new(Progress::default()),
    )
    .await
}

/// The targets as given (host names resolved), or the connected networks; and the text
/// shown for them.
async fn gather_targets(
    texts: &[String],
    locals: &[LocalNet],
) -> Result<(Vec<Target>, String), ScanError> {
    let texts: Vec<String> = if texts.is_empty() {
        let nets = interfaces::connected_networks(locals);
        if nets.is_empty() {
            return Err(ScanError::NoNetwork);
        }
        nets.iter().map(ToString::to_string).collect()
    } else {
        texts.to_vec()
    };
    let mut out = Vec::new();
    for text in &texts {
        match targets::parse(text)? {
            Target::Host(name) => out.extend(resolve(&name).await?),
            t => out.push(t),
        }
    }
    Ok((out, texts.join(" ")))
}

/// A host name's addresses, IPv4 first.
async fn resolve(name: &str) -> Result<Vec<Target>, ScanError> {
    let lookup = tokio::time::timeout(
        RESOLVE_TIMEOUT,
        tokio::net::lookup_host(format!("{name}:0")),
    )
    .await;
    let mut ips: Vec<IpAddr> = match lookup {
        Ok(Ok(addrs)) => addrs.map(|a| a.ip()).collect(),
        _ => Vec::new(),
    };
    if ips.is_empty() {
        return Err(ScanError::Unresolved(name.to_string()));
    }
    ips.sort_by_key(|ip| ip.is_ipv6());
    ips.dedup();
    Ok(ips.into_iter().map(Target::Ip).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_outside_their_bounds_are_refused_by_name() {
        let mut s = ScanSettings {
            rate: 0,
            ..Default::default()
        };
        assert!(matches!(
            s.check(),
            Err(ScanError::OutOfRange {
                setting: "rate",
                ..
            })
        ));
        s.rate = 10;
        s.timeout_ms = 10;
        assert!(s.check().unwrap_err().to_string().contains("timeout_ms"));
        s.timeout_ms = 500;
        s.ports = Some("22".into());
        s.top_ports = Some(5);
        assert!(matches!(s.check(), Err(ScanError::Ports(_))));
        s.top_ports = None;
        s.exclude = vec!["10.0.0.300".into()];
        assert!(matches!(s.check(), Err(ScanError::Target(_))));
        s.exclude.clear();
        assert!(s.check().is_ok());
    }

    #[tokio::test]
    async fn a_plan_takes_every_setting_and_prints_nothing() {
        let req = ScanRequest {
            targets: vec!["127.0.0.1".into(), "127.0.0.8-10".into()],
            settings: ScanSettings {
                ports: Some("22,80".into()),
                exclude: vec!["127.0.0.9".into()],
                rate: 50,
                timeout_ms: 300,
                reverse_dns: false,
                mdns: false,
                snmp: false,
                ..Default::default()
            },
            fragile: ["127.0.0.8".parse().unwrap()].into(),
            ..Default::default()
        };
        let p = plan(&req).await.unwrap().plan;
        let want: Vec<IpAddr> = ["127.0.0.1", "127.0.0.8", "127.0.0.10"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        assert_eq!(p.addresses, want);
        assert_eq!(p.ports.to_string(), "22,80");
        assert_eq!(p.discovery.arp.rate, 50);
        assert_eq!(
            p.discovery.probe.connect_timeout,
            Duration::from_millis(300)
        );
        assert!(!p.discovery.reverse_dns && p.mdns_window.is_zero() && p.snmp.is_none());
        assert!(p.fragile.contains(&"127.0.0.8".parse().unwrap()));
        assert_eq!(p.target_text, "127.0.0.1 127.0.0.8-10");
    }

    #[tokio::test]
    async fn bad_targets_are_refused_naming_them() {
        let req = |t: &str| ScanRequest {
            targets: vec![t.into()],
            ..Default::default()
        };
        assert!(matches!(
            plan(&req("10.0.0.0/8")).await.err(),
            Some(ScanError::Target(TargetError::TooLarge { .. }))
        ));
        let e = plan(&req("10.0.0.300")).await.err().unwrap();
        assert!(
            e.is_bad_input() && e.to_string().contains("10.0.0.300"),
            "{e}"
        );
    }
}
