//! `bigr scan`: targets → discovery → enrichment → classification → store → output.
use super::exit::Exit;
use super::labels::Lang;
use super::scan_output;
use crate::cli::ScanArgs;
use crate::config::Settings;
use crate::scan::engine;
use crate::scan::progress::Progress;
use crate::scan::request::{self, ScanError, ScanRequest, ScanSettings};
use crate::scan::snmp::SnmpOptions;
use crate::scan::switch_poll::{self, SwitchTarget};
use crate::store;
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

pub async fn run(settings: &Settings, args: ScanArgs, lang: Lang) -> anyhow::Result<()> {
    for ip in &args.explain {
        ip.parse::<IpAddr>()
            .map_err(|_| Exit::BadInput(format!("--explain wants an IP address, not '{ip}'")))?;
    }
    let db = if args.no_save {
        None
    } else {
        Some(super::open(settings).await?)
    };
    let mut outcome = observe(settings, &args, db.as_ref()).await?;
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
    scan_output::write(&args, &outcome.report, diff.as_deref(), lang)?;
    if !outcome.failures.is_empty() {
        return Err(Exit::Partial(outcome.failures.join("; ")).into());
    }
    Ok(())
}

/// Probes and classifies what `args` names; nothing is stored. `db` supplies the site's
/// fragile hosts and registered subnets. The planner's notes go to stderr.
async fn observe(
    settings: &Settings,
    args: &ScanArgs,
    db: Option<&DatabaseConnection>,
) -> anyhow::Result<engine::ScanOutcome> {
    let request = scan_request(settings, args, db).await?;
    let planned = request::plan(&request).await.map_err(scan_error)?;
    for note in &planned.notes {
        eprintln!("note: {note}");
    }
    let progress = Arc::new(Progress::default());
    let bar = scan_output::progress_bar(planned.plan.addresses.len(), progress.clone());
    let outcome = request::execute(planned, request.rules_home.clone(), progress).await;
    bar.finish();
    outcome.map_err(scan_error)
}

/// A bad request is bad input (exit 2); a broken rules file is the machine's problem.
fn scan_error(e: ScanError) -> anyhow::Error {
    if e.is_bad_input() {
        Exit::BadInput(e.to_string()).into()
    } else {
        anyhow::Error::new(e)
    }
}

/// `bigr scan`'s flags as a library request: `--all` becomes the registered subnets, and the
/// store adds the site's fragile hosts.
async fn scan_request(
    settings: &Settings,
    args: &ScanArgs,
    db: Option<&DatabaseConnection>,
) -> anyhow::Result<ScanRequest> {
    let targets = if args.all {
        registered_subnets(db, &args.site).await?
    } else {
        args.targets.clone()
    };
    let fragile: HashSet<IpAddr> = match db {
        Some(db) => store::inventory::fragile_ips(db, &args.site)
            .await?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    Ok(ScanRequest {
        targets,
        settings: ScanSettings {
            ports: args.ports.clone(),
            top_ports: args.top_ports,
            exclude: args.exclude.clone(),
            force: args.force,
            rate: args.rate,
            max_concurrency: args.max_concurrency,
            timeout_ms: args.timeout_ms,
            reverse_dns: !args.no_dns,
            mdns: !args.no_mdns,
            snmp: !args.no_snmp,
            netbios: !args.no_netbios,
            ssdp: !args.no_ssdp,
            llmnr: !args.no_llmnr,
            ipv6: !args.no_ipv6,
            dhcp: !args.no_dhcp,
        },
        fragile,
        snmp_communities: settings.snmp_communities(),
        rules_home: Some(settings.home.clone()),
        dhcp_book: None,
    })
}

/// `--all`: the site's registered subnets, which needs the database.
async fn registered_subnets(
    db: Option<&DatabaseConnection>,
    site: &str,
) -> anyhow::Result<Vec<String>> {
    let Some(db) = db else {
        return Err(Exit::BadInput("--all reads registered subnets; drop --no-save".into()).into());
    };
    let subnets = store::subnets::list(db, Some(site)).await?;
    if subnets.is_empty() {
        return Err(Exit::BadInput(format!(
            "site '{site}' has no registered subnets (bigr subnets add CIDR)"
        ))
        .into());
    }
    Ok(subnets.into_iter().map(|s| s.cidr).collect())
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
            Err(e) => Err(e.to_string()),
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
