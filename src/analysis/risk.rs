//! Risk 0–10 per asset = 10 × Σ factor × weight, every factor fed from stored data:
//! CVEs (max CVSS / 10, weight 0.35), exposure of risky open ports (0.25), the asset group
//! (0.20), age since first seen (0.10) and how often it changed (0.10).
use super::ranked::{self, Place, Places};
use super::round;
use super::vulns::{self, CveSnapshot};
use crate::model::AssetFacts;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

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
/// which the server keeps while the inventory it came from is current. It holds places, not
/// assets; a page is built from the assets it lists (`ids_for`, then `page_of`).
#[derive(Clone, Debug, Default)]
pub struct Ranking {
    places: Places<f64>,
    summary: RiskSummary,
}

/// Builds a ranking from assets streamed past it one at a time.
pub struct Ranker<'a> {
    matcher: vulns::Matcher<'a>,
    now: DateTime<Utc>,
    places: Places<f64>,
}

impl<'a> Ranker<'a> {
    pub fn new(cves: &'a CveSnapshot, now: DateTime<Utc>) -> Self {
        Ranker {
            matcher: vulns::Matcher::new(cves),
            now,
            places: Places::default(),
        }
    }

    pub fn add(&mut self, a: &AssetFacts) {
        let score = score(a, self.matcher.matches(a), self.now).1;
        self.places.push(score, &a.site, &a.ip, a.id);
    }

    /// `add` for an asset read without its services, given as their stored JSON.
    pub fn add_stored(&mut self, a: &AssetFacts, services_json: &str) {
        let score = score(a, self.matcher.matches_json(services_json), self.now).1;
        self.places.push(score, &a.site, &a.ip, a.id);
    }

    pub fn finish(mut self) -> Ranking {
        self.places.sort(|a, b| b.total_cmp(a));
        let summary = summarise(self.places.all().iter().map(|p| p.key));
        Ranking {
            places: self.places,
            summary,
        }
    }
}

fn summarise(scores: impl Iterator<Item = f64>) -> RiskSummary {
    let mut s = RiskSummary::default();
    let mut sum = 0.0;
    for score in scores {
        s.assets += 1;
        sum += score;
        s.max_risk = s.max_risk.max(score);
        match level(score) {
            "critical" => s.critical_count += 1,
            "high" => s.high_count += 1,
            "medium" => s.medium_count += 1,
            "low" => s.low_count += 1,
            _ => s.info_count += 1,
        }
    }
    if s.assets > 0 {
        s.average_risk = round(sum / s.assets as f64, 2);
    }
    s
}

/// Scores every asset of a slice (tests and small inputs; the server streams into a `Ranker`).
pub fn rank(assets: &[AssetFacts], cves: &CveSnapshot, now: DateTime<Utc>) -> Ranking {
    let mut ranker = Ranker::new(cves, now);
    for a in assets {
        ranker.add(a);
    }
    ranker.finish()
}

impl Ranking {
    fn top(&self) -> &[Place<f64>] {
        self.places.page(self.places.len(), 1, TOP as u64)
    }

    fn listed(&self, page: u64, per_page: u64) -> &[Place<f64>] {
        self.places.page(self.places.len(), page, per_page)
    }

    /// The assets a page shows: the top risks and the page itself.
    pub fn ids_for(&self, page: u64, per_page: u64) -> Vec<Uuid> {
        ranked::ids_of(&[self.top(), self.listed(page, per_page)])
    }
}

/// Builds one report page of `ranking` from the assets it lists (`Ranking::ids_for`, in any
/// order). An asset deleted since the ranking was made is left out.
pub fn page_of(
    ranking: &Ranking,
    assets: &[AssetFacts],
    cves: &CveSnapshot,
    now: DateTime<Utc>,
    page: u64,
    per_page: u64,
) -> RiskReport {
    let by_id: HashMap<Uuid, &AssetFacts> = assets.iter().map(|a| (a.id, a)).collect();
    let mut matcher = vulns::Matcher::new(cves);
    let mut build = |listed: &[Place<f64>]| -> Vec<RiskProfile> {
        listed
            .iter()
            .filter_map(|p| by_id.get(&p.id))
            .map(|a| profile_with(a, matcher.matches(a), now))
            .collect()
    };
    RiskReport {
        summary: ranking.summary.clone(),
        top_risks: build(ranking.top()),
        profiles: build(ranking.listed(page, per_page)),
        total: ranking.places.len(),
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
                id: Uuid::from_u128(i as u128 + 1),
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
        // The same page from only the assets it lists (what the server loads by id).
        let ranking = rank(&assets, &snap(), now);
        let ids = ranking.ids_for(2, 10);
        assert_eq!(ids.len(), TOP + 10);
        let listed: Vec<AssetFacts> = assets
            .iter()
            .filter(|a| ids.contains(&a.id))
            .cloned()
            .collect();
        let from_listed = page_of(&ranking, &listed, &snap(), now, 2, 10);
        let ips = |r: &RiskReport| r.profiles.iter().map(|p| p.ip.clone()).collect::<Vec<_>>();
        assert_eq!(ips(&from_listed), ips(&r));
        assert_eq!(from_listed.summary.assets, 30);
        // Past the end: an empty page, the same totals.
        let past = page_of(&ranking, &listed, &snap(), now, 9, 10);
        assert!(past.profiles.is_empty());
        assert_eq!(past.total, 30);
    }
}
