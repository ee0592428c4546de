//! `bigr scan`: targets → discovery → enrichment → classification → store → output.
use super::exit::Exit;
use super::scan_output;
use crate::classify::Classifier;
use crate::cli::ScanArgs;
use crate::config::Settings;
use crate::scan::discover::DiscoveryOptions;
use crate::scan::engine::{self, ScanPlan};
use crate::scan::interfaces;
use crate::scan::progress::Progress;
use crate::scan::snmp::SnmpOptions;
use crate::scan::switch_poll::{self, SwitchTarget};
use crate::scan::targets::{self, Target};
use crate::scan::{limits, ports, privilege};
use crate::store;
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// How long mDNS listens: long enough for responders' randomised answer delays and one
/// re-query, short enough not to outlast the scan of a small network.
const MDNS_WINDOW: Duration = Duration::from_millis(1500);

pub async fn run(settings: &Settings, args: ScanArgs) -> anyhow::Result<()> {
    for ip in &args.explain {
        ip.parse::<IpAddr>()
            .map_err(|_| Exit::BadInput(format!("--explain wants an IP address, not '{ip}'")))?;
    }
    let db = if args.no_save {
        None
    } else {
        Some(super::open(settings).await?)
    };
    let mut outcome = observe(settings, &args, db.as_ref(), true).await?;
    // After discovery: the sweep has made every live device talk, so switches have learned
    // their MACs by now.
    let polls = match &db {
        Some(db) => poll_switches(db, &args.site).await?,
        None => Vec::new(),
    };
    switch_poll::place(&mut outcome.report.assets, &polls);
    let diff = match &db {
        Some(db) => {
            let diff = save_and_diff(db, settings, &args.site, &outcome.report).await?;
            outcome.failures.extend(poll_failures(
                &polls,
                &record_polls(db, &args.site, &polls).await,
            ));
            Some(diff)
        }
        None => None,
    };
    scan_output::write(&args, &outcome.report, diff.as_deref())?;
    if !outcome.failures.is_empty() {
        return Err(Exit::Partial(outcome.failures.join("; ")).into());
    }
    Ok(())
}

/// Probes and classifies what `args` names; nothing is stored or printed (the agent's scans
/// are this too). `db` supplies the site's fragile hosts and registered subnets.
pub async fn observe(
    settings: &Settings,
    args: &ScanArgs,
    db: Option<&DatabaseConnection>,
    show_progress: bool,
) -> anyhow::Result<engine::ScanOutcome> {
    let port_set = ports::select(args.ports.as_deref(), args.top_ports).map_err(Exit::BadInput)?;
    let locals = interfaces::list();
    let (wanted, target_text) = gather_targets(args, db, &locals).await?;
    let exclude = args
        .exclude
        .iter()
        .map(|t| targets::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Exit::BadInput(e.to_string()))?;
    let addresses = targets::expand(&wanted, &exclude, args.force)
        .map_err(|e| Exit::BadInput(e.to_string()))?;
    let fragile: HashSet<IpAddr> = match db {
        Some(db) => store::inventory::fragile_ips(db, &args.site)
            .await?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let privs = privilege::detect();
    if let Some(message) = privilege::explain(&privs) {
        eprintln!("note: {message}");
    }
    let mut discovery = DiscoveryOptions::default();
    discovery.arp.rate = args.rate;
    discovery.ping.rate = args.rate;
    let wanted = args.max_concurrency as usize;
    discovery.probe.max_in_flight = limits::socket_budget(wanted);
    if discovery.probe.max_in_flight < wanted {
        eprintln!(
            "note: the open-file limit allows {} sockets in flight, not {wanted} (raise it with ulimit -n)",
            discovery.probe.max_in_flight
        );
    }
    discovery.probe.connect_timeout = Duration::from_millis(args.timeout_ms);
    discovery.reverse_dns = !args.no_dns;
    let plan = ScanPlan {
        target_text,
        addresses,
        ports: port_set,
        discovery,
        mdns_window: if args.no_mdns {
            Duration::ZERO
        } else {
            MDNS_WINDOW
        },
        fragile,
        snmp: (!args.no_snmp).then(|| SnmpOptions {
            communities: settings.snmp_communities(),
            ..SnmpOptions::default()
        }),
    };
    // Loaded beside the first probes; a broken rules file still stops the scan at once.
    let home = settings.home.clone();
    let loading = tokio::task::spawn_blocking(move || Classifier::load(Some(&home)));
    let classifier = async move { loading.await.map_err(|e| e.to_string())? };
    let progress = Arc::new(Progress::default());
    let bar =
        show_progress.then(|| scan_output::progress_bar(plan.addresses.len(), progress.clone()));
    let outcome = engine::run(&plan, &privs, &locals, classifier, progress).await;
    if let Some(bar) = bar {
        bar.finish();
    }
    outcome.map_err(anyhow::Error::msg)
}

/// Forwarding tables of the site's registered switches.
pub async fn poll_switches(
    db: &DatabaseConnection,
    site: &str,
) -> anyhow::Result<Vec<switch_poll::SwitchPoll>> {
    let targets: Vec<SwitchTarget> = store::switches::access(db, site)
        .await?
        .into_iter()
        .map(|s| SwitchTarget {
            host: s.host,
            community: s.community,
            snmp_version: s.snmp_version,
        })
        .collect();
    Ok(switch_poll::poll_all(&targets, &SnmpOptions::default()).await)
}

/// Stores what each switch answered; returns one failure line per switch that did not.
/// Stores each switch's poll; per switch, the assets placed or why it failed. A switch
/// removed meanwhile, or a write the database refused, loses that poll, not the others.
pub async fn record_polls(
    db: &DatabaseConnection,
    site: &str,
    polls: &[switch_poll::SwitchPoll],
) -> Vec<Result<u64, String>> {
    let mut out = Vec::with_capacity(polls.len());
    for poll in polls {
        out.push(match &poll.table {
            Ok(table) => {
                store::switches::record_poll(db, site, &poll.host, table.len(), &poll.placements())
                    .await
                    .map_err(|e| format!("not recorded: {e}"))
            }
            Err(e) => Err(e.clone()),
        });
    }
    out
}

/// One failure line per switch whose poll or record failed.
fn poll_failures(
    polls: &[switch_poll::SwitchPoll],
    recorded: &[Result<u64, String>],
) -> Vec<String> {
    polls
        .iter()
        .zip(recorded)
        .filter_map(|(p, r)| r.as_ref().err().map(|e| format!("switch {}: {e}", p.host)))
        .collect()
}

/// The targets as given, `--all`'s registered subnets, or the connected networks.
async fn gather_targets(
    args: &ScanArgs,
    db: Option<&DatabaseConnection>,
    locals: &[interfaces::LocalNet],
) -> anyhow::Result<(Vec<Target>, String)> {
    let texts: Vec<String> = if args.all {
        let Some(db) = db else {
            return Err(
                Exit::BadInput("--all reads registered subnets; drop --no-save".into()).into(),
            );
        };
        let subnets = store::subnets::list(db, Some(&args.site)).await?;
        if subnets.is_empty() {
            return Err(Exit::BadInput(format!(
                "site '{}' has no registered subnets (bigr subnets add CIDR)",
                args.site
            ))
            .into());
        }
        subnets.into_iter().map(|s| s.cidr).collect()
    } else if args.targets.is_empty() {
        let nets = interfaces::connected_networks(locals);
        if nets.is_empty() {
            return Err(Exit::BadInput(
                "no connected IPv4 network found; name a target (bigr scan 192.168.1.0/24)".into(),
            )
            .into());
        }
        nets.iter().map(ToString::to_string).collect()
    } else {
        args.targets.clone()
    };
    let mut out = Vec::new();
    for text in &texts {
        match targets::parse(text).map_err(|e| Exit::BadInput(e.to_string()))? {
            Target::Host(name) => out.extend(resolve(&name).await?),
            t => out.push(t),
        }
    }
    Ok((out, texts.join(" ")))
}

/// A host name's addresses (IPv4 first), or a bad-input error naming it.
async fn resolve(name: &str) -> anyhow::Result<Vec<Target>> {
    let lookup = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host(format!("{name}:0")),
    )
    .await;
    let mut ips: Vec<IpAddr> = match lookup {
        Ok(Ok(addrs)) => addrs.map(|a| a.ip()).collect(),
        _ => Vec::new(),
    };
    if ips.is_empty() {
        return Err(Exit::BadInput(format!("cannot resolve host name '{name}'")).into());
    }
    ips.sort_by_key(|ip| ip.is_ipv6());
    ips.dedup();
    Ok(ips.into_iter().map(Target::Ip).collect())
}

/// Stores the report and returns the changes this scan recorded.
async fn save_and_diff(
    db: &DatabaseConnection,
    settings: &Settings,
    site: &str,
    report: &crate::model::ScanReport,
) -> anyhow::Result<Vec<store::changes::ChangeView>> {
    let saved = store::save_scan(db, report, site, &super::save_options(settings)).await?;
    let filter = store::changes::ChangeFilter {
        site: Some(saved.site.clone()),
        scan_id: Some(saved.scan_id),
        ..Default::default()
    };
    let page = store::PageRequest::new(1, 500)?;
    Ok(store::changes::list(db, &filter, page).await?.items)
}
