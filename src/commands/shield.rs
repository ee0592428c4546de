//! `bigr shield`: targets (or the site's known assets) → Shield modules → a scored report,
//! stored in the site (the store recomputes the score) and printed.
use super::exit::Exit;
use super::output;
use crate::cli::ShieldArgs;
use crate::config::Settings;
use crate::model::shield::{Preset, ShieldReport};
use crate::shield::{self, Module, ShieldRequest, ShieldTarget, catalog};
use crate::store;
use std::collections::HashSet;
use std::net::IpAddr;
use std::time::Duration;

pub async fn run(settings: &Settings, args: ShieldArgs) -> anyhow::Result<()> {
    let preset: Preset = args.preset.into();
    let modules = if args.modules.is_empty() {
        shield::preset_modules(preset)
    } else {
        args.modules.clone()
    };
    let db = if args.no_save && !args.inventory {
        None
    } else {
        Some(super::open(settings).await?)
    };
    let (targets, label) = targets(db.as_ref(), &args, &modules).await?;
    if targets.is_empty() {
        return Err(Exit::BadInput(if args.inventory {
            format!(
                "no known asset of site '{}' has a port Shield checks open",
                args.site
            )
        } else {
            "no live host with a port Shield checks was found".to_string()
        })
        .into());
    }
    let mut req = ShieldRequest::new(targets, preset, label);
    req.modules = modules;
    req.intrusive = args.intrusive;
    req.connections = args.connections as usize;
    req.connect_timeout = Duration::from_millis(args.connect_timeout_ms);
    req.resolver = args.dns_server.map(|ip| std::net::SocketAddr::new(ip, 53));
    req.dkim_selectors = args.dkim_selectors.clone();
    let report = shield::run(req).await;
    let saved = match (&db, args.no_save) {
        (Some(db), false) => Some(store::shield::save(db, &report, &args.site, None).await?),
        _ => None,
    };
    if args.json {
        let mut doc = serde_json::to_value(&report)?;
        if let (Some(s), Some(obj)) = (&saved, doc.as_object_mut()) {
            obj.insert("saved".into(), serde_json::to_value(s)?);
        }
        return output::json(&doc);
    }
    print(&report, saved.as_ref())?;
    Ok(())
}

/// The hosts to check and the label the report keeps. Fragile hosts of the site are marked,
/// so intrusive modules skip them.
async fn targets(
    db: Option<&sea_orm::DatabaseConnection>,
    args: &ShieldArgs,
    modules: &[Module],
) -> anyhow::Result<(Vec<ShieldTarget>, String)> {
    if args.inventory {
        let db = db.expect("the inventory needs the database");
        let known = store::shield::known_hosts(db, &args.site, &shield::candidate_ports(modules))
            .await
            .map_err(|e| Exit::BadInput(e.to_string()))?;
        let targets = known
            .into_iter()
            .map(|h| ShieldTarget {
                ip: h.ip,
                name: h.hostname.filter(|n| n.contains('.')),
                ports: Some(h.open_ports),
                fragile: h.fragile,
                pinned: false,
            })
            .collect();
        return Ok((targets, format!("inventory of site {}", args.site)));
    }
    // Networks go through discovery first (live hosts and their open ports); addresses,
    // names and host:port are checked as given.
    let (networks, direct): (Vec<String>, Vec<String>) =
        args.targets.iter().cloned().partition(|t| t.contains('/'));
    let mut targets = shield::target::resolve(&direct)
        .await
        .map_err(|e| Exit::BadInput(e.to_string()))?;
    if !networks.is_empty() {
        // Refuse a bad network before any probe, with the same words as for the others.
        shield::target::resolve(&networks)
            .await
            .map_err(|e| Exit::BadInput(e.to_string()))?;
        let (found, notes) = shield::discover::live_hosts(networks, modules)
            .await
            .map_err(|e| Exit::BadInput(e.to_string()))?;
        for note in notes {
            eprintln!("note: {note}");
        }
        for t in found {
            if !targets.iter().any(|d| d.ip == t.ip) {
                targets.push(t);
            }
        }
    }
    if let Some(db) = db {
        let fragile: HashSet<IpAddr> = store::inventory::fragile_ips(db, &args.site)
            .await?
            .into_iter()
            .collect();
        for t in &mut targets {
            t.fragile = fragile.contains(&t.ip);
        }
    }
    Ok((targets, args.targets.join(" ")))
}

fn print(report: &ShieldReport, saved: Option<&store::shield::ShieldSaved>) -> anyhow::Result<()> {
    let (score, grade) = shield::score::of(&report.modules, &report.findings);
    match (score, grade) {
        (Some(s), Some(g)) => println!("Shield score {s:.1} / 100, grade {g}"),
        _ => println!("Shield: nothing could be assessed"),
    }
    let modules = shield::score::module_scores(&report.modules, &report.findings);
    if !modules.is_empty() {
        let list: Vec<String> = modules.iter().map(|(m, s)| format!("{m} {s:.0}")).collect();
        println!("modules: {}", list.join(", "));
    }
    println!(
        "{} host(s) assessed, {} finding(s)",
        report.hosts.len(),
        report.findings.len()
    );
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by_key(|f| (f.severity as u8, f.target_ip, f.port));
    let rows = findings
        .iter()
        .map(|f| {
            let id = f.check_id.clone().unwrap_or_default();
            vec![
                store::shield::severity_name(f.severity).to_string(),
                match (f.target_ip, f.port) {
                    (Some(ip), Some(p)) => std::net::SocketAddr::new(ip, p).to_string(),
                    (Some(ip), None) => ip.to_string(),
                    _ => String::new(),
                },
                id.clone(),
                f.title.clone(),
                catalog::remediation(&id, "en")
                    .unwrap_or(&f.remediation)
                    .to_string(),
            ]
        })
        .collect();
    if !findings.is_empty() {
        output::table(&["Severity", "Where", "Check", "Finding", "Fix"], rows)?;
    }
    if !report.not_assessed.is_empty() {
        eprintln!("not assessed ({}):", report.not_assessed.len());
        for n in report.not_assessed.iter().take(20) {
            let module = n
                .module
                .as_deref()
                .map(|m| format!(" [{m}]"))
                .unwrap_or_default();
            eprintln!("  {}{module}: {}", n.target, n.reason);
        }
        if report.not_assessed.len() > 20 {
            eprintln!(
                "  … and {} more (--json lists them all)",
                report.not_assessed.len() - 20
            );
        }
    }
    if let Some(s) = saved {
        println!(
            "saved as shield scan {} in site {}",
            s.shield_scan_id, s.site
        );
    }
    Ok(())
}
