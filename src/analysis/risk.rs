//! Risk 0–10 per asset = 10 × Σ factor × weight, every factor fed from stored data:
//! CVEs (max CVSS / 10, weight 0.35), exposure of risky open ports (0.25), the asset group
//! (0.20), age since first seen (0.10) and how often it changed (0.10).
use super::round;
use super::vulns::{self, CveSnapshot};
use crate::model::AssetFacts;
use chrono::{DateTime, Utc};
use serde::Serialize;

const W_CVE: f64 = 0.35;
const W_EXPOSURE: f64 = 0.25;
const W_GROUP: f64 = 0.20;
const W_AGE: f64 = 0.10;
const W_CHANGES: f64 = 0.10;
/// Profiles listed in `top_risks`.
pub const TOP: usize = 10;

/// How much an open port alone exposes a device (clear-text admin, file sharing, databases).
pub fn port_risk(port: u16) -> f64 {
    match port {
        23 => 0.9,
        445 | 27017 | 6379 | 9200 => 0.8,
        21 | 1433 | 3306 | 5432 | 5900 => 0.7,
        554 | 3389 => 0.6,
        25 | 8080 | 9100 | 161 => 0.5,
        80 => 0.4,
        53 | 443 | 22 => 0.3,
        _ => 0.2,
    }
}

fn exposure(ports: &[u16]) -> f64 {
    let Some(worst) = ports.iter().map(|p| port_risk(*p)).reduce(f64::max) else {
        return 0.0;
    };
    let multiplier = match ports.len() {
        n if n >= 10 => 1.3,
        n if n >= 5 => 1.2,
        n if n >= 3 => 1.1,
        _ => 1.0,
    };
    (worst * multiplier).min(1.0)
}

fn group(category: &str) -> f64 {
    match category {
        "iot" => 0.8,
        "tasinabilir" => 0.5,
        "uygulamalar" => 0.4,
        "ag_ve_sistemler" => 0.3,
        _ => 0.9,
    }
}

fn age(first_seen: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    match (now - first_seen).num_days() {
        d if d > 365 => 1.0,
        d if d > 180 => 0.7,
        d if d > 90 => 0.5,
        d if d > 30 => 0.3,
        _ => 0.1,
    }
}

fn changes(n: i32) -> f64 {
    match n {
        n if n > 20 => 1.0,
        n if n > 10 => 0.7,
        n if n > 5 => 0.5,
        n if n > 0 => 0.3,
        _ => 0.0,
    }
}

pub fn level(score: f64) -> &'static str {
    match score {
        s if s >= 8.0 => "critical",
        s if s >= 6.0 => "high",
        s if s >= 4.0 => "medium",
        s if s >= 2.0 => "low",
        _ => "info",
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Factors {
    pub cve: f64,
    pub exposure: f64,
    pub classification: f64,
    pub age: f64,
    pub changes: f64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RiskProfile {
    pub asset_id: uuid::Uuid,
    pub site: String,
    pub ip: String,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub vendor: Option<String>,
    pub category: String,
    pub risk_score: f64,
    pub risk_level: &'static str,
    pub factors: Factors,
    pub cve_count: usize,
    pub top_cve: Option<String>,
    pub open_ports: Vec<u16>,
}

pub fn profile(a: &AssetFacts, cves: &CveSnapshot, now: DateTime<Utc>) -> RiskProfile {
    profile_with(a, &vulns::match_asset(cves, a), now)
}

/// The factors and the 0–10 score of one asset.
fn score(a: &AssetFacts, matches: &[vulns::CveMatch], now: DateTime<Utc>) -> (Factors, f64) {
    let f = Factors {
        cve: matches.iter().map(|m| m.cvss).fold(0.0, f64::max) / 10.0,
        exposure: exposure(&a.open_ports),
        classification: group(&a.category),
        age: age(a.first_seen, now),
        changes: changes(a.change_count),
    };
    let raw = W_CVE * f.cve
        + W_EXPOSURE * f.exposure
        + W_GROUP * f.classification
        + W_AGE * f.age
        + W_CHANGES * f.changes;
    (f, round((raw * 10.0).clamp(0.0, 10.0), 2))
}

fn profile_with(a: &AssetFacts, matches: &[vulns::CveMatch], now: DateTime<Utc>) -> RiskProfile {
    let (f, score) = score(a, matches, now);
    RiskProfile {
        asset_id: a.id,
        site: a.site.clone(),
        ip: a.ip.clone(),
        mac: a.mac.clone(),
        hostname: a.hostname.clone(),
        vendor: a.vendor.clone(),
        category: a.category.clone(),
        risk_score: score,
        risk_level: level(score),
        factors: Factors {
            cve: round(f.cve, 3),
            exposure: round(f.exposure, 3),
            classification: f.classification,
            age: f.age,
            changes: f.changes,
        },
        cve_count: matches.len(),
        top_cve: matches.first().map(|m| m.cve_id.clone()),
        open_ports: a.open_ports.clone(),
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RiskSummary {
    pub assets: usize,
    pub average_risk: f64,
    pub max_risk: f64,
    pub critical_count: usize,
    pub high_count: usize,
    pub medium_count: usize,
    pub low_count: usize,
    pub info_count: usize,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RiskReport {
    #[serde(flatten)]
    pub summary: RiskSummary,
    /// Highest risks first.
    pub top_risks: Vec<RiskProfile>,
    /// One page of every profile, highest first.
    pub profiles: Vec<RiskProfile>,
    pub total: usize,
    pub page: u64,
    pub per_page: u64,
}

/// Every asset's score, highest first, with the summary: the costly part of a risk report,
/// which the server keeps while the facts it came from are current.
#[derive(Clone, Debug)]
pub struct Ranking {
    /// (score, index into the facts), highest first; ties by site and address.
    scored: Vec<(f64, usize)>,
    summary: RiskSummary,
}

/// Scores every asset. Only scores are kept; profiles are built for the listed ones.
pub fn rank(assets: &[AssetFacts], cves: &CveSnapshot, now: DateTime<Utc>) -> Ranking {
    let mut matcher = vulns::Matcher::new(cves);
    let mut scored: Vec<(f64, usize)> = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (score(a, matcher.matches(a), now).1, i))
        .collect();
    // Highest first; ties by site and address so pages are stable.
    scored.sort_unstable_by(|(sa, ia), (sb, ib)| {
        sb.total_cmp(sa)
            .then_with(|| assets[*ia].site.cmp(&assets[*ib].site))
            .then_with(|| assets[*ia].ip.cmp(&assets[*ib].ip))
    });
    let mut s = RiskSummary {
        assets: scored.len(),
        ..Default::default()
    };
    for (score, _) in &scored {
        match level(*score) {
            "critical" => s.critical_count += 1,
            "high" => s.high_count += 1,
            "medium" => s.medium_count += 1,
            "low" => s.low_count += 1,
            _ => s.info_count += 1,
        }
    }
    if let Some((max, _)) = scored.first() {
        s.average_risk = round(
            scored.iter().map(|(x, _)| x).sum::<f64>() / scored.len() as f64,
            2,
        );
        s.max_risk = *max;
    }
    Ranking { scored, summary: s }
}

/// Builds the report page of a ranking made from the same `assets`.
pub fn page_of(
    ranking: &Ranking,
    assets: &[AssetFacts],
    cves: &CveSnapshot,
    now: DateTime<Utc>,
    page: u64,
    per_page: u64,
) -> RiskReport {
    let mut matcher = vulns::Matcher::new(cves);
    let mut build = |i: usize| profile_with(&assets[i], matcher.matches(&assets[i]), now);
    let start = ((page.max(1) - 1) * per_page) as usize;
    let top_risks = ranking
        .scored
        .iter()
        .take(TOP)
        .map(|(_, i)| build(*i))
        .collect();
    let profiles = ranking
        .scored
        .iter()
        .skip(start)
        .take(per_page as usize)
        .map(|(_, i)| build(*i))
        .collect();
    RiskReport {
        summary: ranking.summary.clone(),
        top_risks,
        profiles,
        total: ranking.scored.len(),
        page,
        per_page,
    }
}

/// Profiles every asset and returns the summary with one page of profiles, highest first.
pub fn report(
    assets: &[AssetFacts],
    cves: &CveSnapshot,
    now: DateTime<Utc>,
    page: u64,
    per_page: u64,
) -> RiskReport {
    page_of(&rank(assets, cves, now), assets, cves, now, page, per_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> CveSnapshot {
        CveSnapshot::parse(
            r#"{"snapshot_date":"d","source":"s","cves":[{"id":"CVE-X","product":"vsftpd","affected":[{"exact":"2.3.4"}],"cvss":9.8,"kev":true,"summary":"backdoor"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn every_factor_moves_the_score() {
        let now = Utc::now();
        let base = AssetFacts {
            ip: "10.0.0.5".into(),
            category: "ag_ve_sistemler".into(),
            first_seen: now,
            ..Default::default()
        };
        let quiet = profile(&base, &snap(), now);
        // group 0.3 × 0.2 + age 0.1 × 0.1 = 0.07 → 0.7
        assert_eq!(quiet.risk_score, 0.7);
        let mut ftp = base.clone();
        ftp.open_ports = vec![21];
        let mut svc: crate::model::Service =
            serde_json::from_value(serde_json::json!({"port": 21})).unwrap();
        svc.banner = Some("220 (vsFTPd 2.3.4)".into());
        ftp.services = vec![svc];
        let exposed = profile(&ftp, &snap(), now);
        assert_eq!(exposed.top_cve.as_deref(), Some("CVE-X"));
        assert!((exposed.factors.cve - 0.98).abs() < 1e-9);
        assert_eq!(exposed.factors.exposure, 0.7);
        let mut old = base.clone();
        old.first_seen = now - chrono::Duration::days(400);
        old.change_count = 30;
        old.category = "unclassified".into();
        let churned = profile(&old, &snap(), now);
        assert!(churned.risk_score > quiet.risk_score);
        assert_eq!(churned.factors.changes, 1.0);
        assert_eq!(level(8.0), "critical");
        assert_eq!(level(1.99), "info");
    }

    #[test]
    fn report_pages_highest_first() {
        let now = Utc::now();
        let assets: Vec<AssetFacts> = (0..30)
            .map(|i| AssetFacts {
                ip: format!("10.0.0.{i}"),
                category: "iot".into(),
                open_ports: (0..i as u16).map(|p| 20 + p).collect(),
                first_seen: now,
                ..Default::default()
            })
            .collect();
        let r = report(&assets, &snap(), now, 2, 10);
        assert_eq!(r.total, 30);
        assert_eq!(r.profiles.len(), 10);
        assert_eq!(r.top_risks.len(), TOP);
        assert!(r.top_risks[0].risk_score >= r.profiles[0].risk_score);
        assert_eq!(r.summary.max_risk, r.top_risks[0].risk_score);
    }
}
