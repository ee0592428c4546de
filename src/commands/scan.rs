//! `bigr scan`: targets → discovery → enrichment → classification → output; the server
//! build also stores the scan (`scan_stored.rs`).
use super::exit::Exit;
use super::labels::Lang;
use super::scan_output;
use crate::cli::ScanArgs;
use crate::config::Settings;
use crate::scan::engine;
use crate::scan::progress::Progress;
use crate::scan::request::{self, ScanError, ScanRequest, ScanSettings};
use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

pub async fn run(settings: &Settings, args: ScanArgs, lang: Lang) -> anyhow::Result<()> {
    for ip in &args.explain {
        ip.parse::<IpAddr>()
            .map_err(|_| Exit::BadInput(format!("--explain wants an IP address, not '{ip}'")))?;
    }
    #[cfg(feature = "server")]
    if !args.no_save {
        return super::scan_stored::run(settings, args, lang).await;
    }
    #[cfg(not(feature = "server"))]
    if !args.no_save {
        eprintln!("note: this is the site agent's build of bigr: scans are shown, not stored");
    }
    if args.all {
        return Err(Exit::BadInput(
            "--all reads the registered subnets from the inventory; drop --no-save".into(),
        )
        .into());
    }
    let request = scan_request(settings, &args, args.targets.clone(), HashSet::new());
    let outcome = observe(request).await?;
    scan_output::write(&args, &outcome.report, None, lang)?;
    partial(&outcome.failures)
}

/// A scan with failures (a switch that did not answer, a save refused) exits as partial.
pub fn partial(failures: &[String]) -> anyhow::Result<()> {
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Exit::Partial(failures.join("; ")).into())
    }
}

/// Probes and classifies what the request names; nothing is stored. The planner's notes go
/// to stderr.
pub async fn observe(request: ScanRequest) -> anyhow::Result<engine::ScanOutcome> {
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

/// `bigr scan`'s flags as a library request over `targets`, sparing the `fragile` hosts.
pub fn scan_request(
    settings: &Settings,
    args: &ScanArgs,
    targets: Vec<String>,
    fragile: HashSet<IpAddr>,
) -> ScanRequest {
    ScanRequest {
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
    }
}
