//! `bigr scan` in the server build: the site's registered subnets and fragile hosts from
//! the inventory, switch polls after discovery, then the scan stored and its diff shown.
use super::labels::Lang;
use super::scan::{observe, partial, scan_request};
use super::scan_output;
use crate::cli::ScanArgs;
use crate::config::Settings;
use crate::scan::snmp::SnmpOptions;
use crate::scan::switch_poll;
use crate::store;
use crate::store::changes::ChangeView;
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::net::IpAddr;

/// Changes listed one by one before the rest is summarised.
const DIFF_LINES: usize = 40;

pub async fn run(settings: &Settings, args: ScanArgs, lang: Lang) -> anyhow::Result<()> {
    let db = super::open(settings).await?;
    let targets = if args.all {
        registered_subnets(&db, &args.site).await?
    } else {
        args.targets.clone()
    };
    let fragile: HashSet<IpAddr> = store::inventory::fragile_ips(&db, &args.site)
        .await?
        .into_iter()
        .collect();
    let mut outcome = observe(scan_request(settings, &args, targets, fragile)).await?;
    // After discovery: the sweep has made every live device talk, so switches have learned
    // their MACs by now.
    let polls = poll_switches(&db, &args.site).await?;
    switch_poll::settle(&mut outcome.report, &polls, Some(&settings.home)).await;
    let diff = save_and_diff(&db, settings, &args.site, &outcome.report).await?;
    outcome.failures.extend(poll_failures(
        &polls,
        &record_polls(&db, &args.site, &polls).await,
    ));
    scan_output::write(&args, &outcome.report, Some(&changes(&diff)), lang)?;
    partial(&outcome.failures)
}

/// `--all`: the site's registered subnets, which needs the database.
async fn registered_subnets(db: &DatabaseConnection, site: &str) -> anyhow::Result<Vec<String>> {
    let subnets = store::subnets::list(db, Some(site)).await?;
    if subnets.is_empty() {
        return Err(super::exit::Exit::BadInput(format!(
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
    let targets = store::switches::access(db, site).await?;
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
            Ok(tables) => store::switches::record_poll(
                db,
                site,
                &poll.host,
                tables.forwarding.len(),
                &poll.placements(),
            )
            .await
            .map_err(|e| format!("not recorded: {e}")),
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

fn changes(diff: &[ChangeView]) -> String {
    if diff.is_empty() {
        return "No changes since the previous scan.\n".into();
    }
    let mut out = format!("\nChanges since the previous scan ({}):\n", diff.len());
    for c in diff.iter().take(DIFF_LINES) {
        let detail = match (&c.field, &c.old_value, &c.new_value) {
            (Some(f), old, new) => format!(
                "{f}: {} → {}",
                old.as_deref().unwrap_or("-"),
                new.as_deref().unwrap_or("-")
            ),
            (None, None, Some(new)) => new.clone(),
            (None, Some(old), None) => old.clone(),
            (None, Some(old), Some(new)) => format!("{old} → {new}"),
            (None, None, None) => String::new(),
        };
        let detail = if detail == c.ip {
            String::new()
        } else {
            detail
        };
        let _ = writeln!(out, "  {:<15} {:<15} {detail}", c.change_type, c.ip);
    }
    if diff.len() > DIFF_LINES {
        let _ = writeln!(
            out,
            "  … and {} more (bigr changes)",
            diff.len() - DIFF_LINES
        );
    }
    out
}
