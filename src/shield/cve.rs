//! The `cve` module: the product and version each open port names (greetings, HTTP and HTTPS
//! `Server` headers, handshakes — the scanner's own probes), matched against the CVE snapshot
//! shipped in the binary on product *and* version. Each CVE is a finding of its own, with its
//! CVSS, KEV and (where the snapshot has it) EPSS.
use super::catalog::finding;
use super::net::Budget;
use crate::analysis::vulns::{CveSnapshot, match_services};
use crate::model::Service;
use crate::model::shield::{Finding, Severity};
use crate::scan::tcp::ProbeOptions;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;

/// Ports whose greetings and headers name products the snapshot knows (with the web and TLS
/// ports of the other modules).
pub const PORTS: [u16; 14] = [
    21, 22, 23, 25, 53, 80, 110, 143, 445, 1883, 3306, 5432, 6379, 8080,
];

/// Ports asked per host at most (the open ports, most common first).
const MAX_PORTS: usize = 32;

/// Severity as the CVE's weight and its use in the wild say: critical when a CVSS ≥ 9 flaw is
/// exploited (KEV) or likely to be (EPSS ≥ 0.5); high for CVSS ≥ 7, anything in KEV, or a
/// medium flaw likely exploited; then by CVSS.
pub fn severity(cvss: f64, kev: bool, epss: Option<f64>) -> Severity {
    let epss = epss.unwrap_or(0.0);
    if cvss >= 9.0 && (kev || epss >= 0.5) {
        Severity::Critical
    } else if cvss >= 7.0 || kev || (epss >= 0.3 && cvss >= 4.0) {
        Severity::High
    } else if cvss >= 4.0 {
        Severity::Medium
    } else if cvss > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// ATT&CK: remote services are entered through (T1133), the rest is a public-facing
/// application (T1190).
fn technique(port: u16) -> &'static str {
    match port {
        22 | 23 | 3389 | 5900 | 5901 => "T1133",
        _ => "T1190",
    }
}

/// What the service on ip:port says it is.
async fn identify(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    fragile: bool,
) -> Option<Service> {
    let _permit = budget.permit().await?;
    if super::tls::PORTS.contains(&port) {
        let probe =
            crate::scan::tls::probe(recording.clone(), ip, port, true, budget.exchange_timeout)
                .await;
        if probe.certificate.is_some() && !probe.http_answer.is_empty() {
            return Some(crate::scan::banner::parse(port, &probe.http_answer));
        }
    }
    let opts = ProbeOptions {
        connect_timeout: budget.connect_timeout,
        read_timeout: budget
            .exchange_timeout
            .min(std::time::Duration::from_secs(3)),
        max_in_flight: 1,
        retries: 0,
    };
    let answer = crate::scan::probes::identify(ip, port, &opts, fragile).await;
    Some(answer.service)
}

/// Findings for the CVEs of what `open` ports say; `assessed` is false when no port said a
/// product and version (nothing to match is not "no CVE").
pub async fn assess(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    open: &[u16],
    fragile: bool,
) -> (bool, Vec<Finding>) {
    let asks = open
        .iter()
        .take(MAX_PORTS)
        .map(|p| identify(budget, recording, ip, *p, fragile));
    let services: Vec<Service> = futures_util::future::join_all(asks)
        .await
        .into_iter()
        .flatten()
        .collect();
    let named = services
        .iter()
        .any(|s| s.product.is_some() || s.http_server.is_some() || s.banner.is_some());
    let snapshot = CveSnapshot::shared();
    let findings = match_services(snapshot, &services)
        .into_iter()
        .map(|m| {
            let epss = snapshot.epss(&m.cve_id);
            let mut f = finding(
                "cve.known",
                ip,
                Some(m.port),
                format!(
                    "{} {} on port {}: {}",
                    m.product, m.version, m.port, m.summary
                ),
                json!({"product": m.product, "version": m.version, "fixed_in": m.fixed_in}),
            );
            f.check_id = Some(cve_check_id(&m.cve_id));
            f.severity = severity(m.cvss, m.kev, epss);
            f.title = format!("{} in {} {}", m.cve_id, m.product, m.version);
            f.remediation = match &m.fixed_in {
                Some(v) => format!(
                    "Upgrade {} to {v} or later (or apply the vendor's fix).",
                    m.product
                ),
                None => format!(
                    "Apply the vendor's fix for {} or replace {}.",
                    m.cve_id, m.product
                ),
            };
            f.cve_id = Some(m.cve_id);
            f.cvss_score = Some(m.cvss);
            f.kev = Some(m.kev);
            f.epss = epss;
            f.attack_technique = Some(technique(m.port).into());
            f
        })
        .collect();
    (named, findings)
}

/// The check id of one CVE: its findings live on their own (`cve.cve_2021_41773`).
pub fn cve_check_id(cve: &str) -> String {
    format!("cve.{}", cve.to_ascii_lowercase().replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_weighs_exploitation_with_the_score() {
        assert_eq!(severity(9.8, true, None), Severity::Critical);
        assert_eq!(severity(9.8, false, Some(0.6)), Severity::Critical);
        assert_eq!(severity(9.8, false, None), Severity::High);
        assert_eq!(severity(5.0, true, None), Severity::High);
        assert_eq!(severity(5.0, false, Some(0.4)), Severity::High);
        assert_eq!(severity(5.0, false, None), Severity::Medium);
        assert_eq!(severity(2.0, false, None), Severity::Low);
        assert_eq!(cve_check_id("CVE-2021-41773"), "cve.cve_2021_41773");
        assert!(crate::model::shield::valid_check_id(&cve_check_id(
            "CVE-2021-41773"
        )));
    }
}
