//! `bigr shield`: targets (or the site's known assets) → Shield modules → a scored report,
//! printed, and in the server build stored in the site (`shield_stored.rs`).
use super::exit::Exit;
use super::output;
use crate::cli::ShieldArgs;
use crate::config::Settings;
use crate::model::agent_api::ShieldSaved;
use crate::model::shield::ShieldReport;
use crate::shield::{self, Module, ShieldRequest, ShieldTarget, catalog};
use std::time::Duration;

pub async fn run(settings: &Settings, args: ShieldArgs) -> anyhow::Result<()> {
    let modules = if args.modules.is_empty() {
        shield::preset_modules(args.preset.into())
    } else {
        args.modules.clone()
    };
    #[cfg(feature = "server")]
    if !args.no_save || args.inventory {
        return super::shield_stored::run(settings, &args, modules).await;
    }
    #[cfg(not(feature = "server"))]
    {
        let _ = settings;
        if args.inventory {
            return Err(Exit::BadInput(
                "--inventory reads the server's inventory; this is the site agent's build".into(),
            )
            .into());
        }
        if !args.no_save {
            eprintln!(
                "note: this is the site agent's build of bigr: findings are shown, not stored"
            );
        }
    }
    let targets = given_targets(&args, &modules).await?;
    let report = check(&args, modules, targets, args.targets.join(" ")).await?;
    show(&args, &report, None)
}

/// Runs the modules over the targets; refuses an empty target list.
pub async fn check(
    args: &ShieldArgs,
    modules: Vec<Module>,
    targets: Vec<ShieldTarget>,
    label: String,
) -> anyhow::Result<ShieldReport> {
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
    let mut req = ShieldRequest::new(targets, args.preset.into(), label);
    req.modules = modules;
    req.intrusive = args.intrusive;
    req.connections = args.connections as usize;
    req.connect_timeout = Duration::from_millis(args.connect_timeout_ms);
    req.resolver = args.dns_server.map(|ip| std::net::SocketAddr::new(ip, 53));
    req.dkim_selectors = args.dkim_selectors.clone();
    Ok(shield::run(req).await)
}

/// The report as JSON (with what the store said, when saved) or as a table.
pub fn show(
    args: &ShieldArgs,
    report: &ShieldReport,
    saved: Option<&ShieldSaved>,
) -> anyhow::Result<()> {
    if args.json {
        let mut doc = serde_json::to_value(report)?;
        if let (Some(s), Some(obj)) = (saved, doc.as_object_mut()) {
            obj.insert("saved".into(), serde_json::to_value(s)?);
        }
        return output::json(&doc);
    }
    print(report, saved)
}

/// The hosts named on the command line. Networks go through discovery first (live hosts and
/// their open ports); addresses, names and host:port are checked as given.
pub async fn given_targets(
    args: &ShieldArgs,
    modules: &[Module],
) -> anyhow::Result<Vec<ShieldTarget>> {
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
    Ok(targets)
}

fn print(report: &ShieldReport, saved: Option<&ShieldSaved>) -> anyhow::Result<()> {
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
                f.severity.as_str().to_string(),
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
