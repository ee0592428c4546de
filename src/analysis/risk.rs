//! Risk 0–10 per asset = 10 × Σ factor × weight, every factor fed from stored data:
//! known weaknesses (max CVSS / 10, or the most severe open Shield finding if worse; weight
//! 0.35), exposure of risky open ports (0.25), the asset group
//! (0.20), age since first seen (0.10) and how often it changed (0.10).
use super::ranked::{address_number, page_range};
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

/// A critical Shield finding weighs as a CVSS 10 CVE, a high one as 7.5.
pub fn shield_factor(worst: i16) -> f64 {
    match worst {
        4.. => 1.0,
        3 => 0.75,
        2 => 0.45,
        1 => 0.2,
        _ => 0.0,
    }
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
    // The steps are `AGE_STEPS`: 31, 91, 181 and 366 days.
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

/// The levels' lower bounds in hundredths of a point, highest first; below the last: info.
pub const LEVELS: [(i32, &str); 4] = [
    (800, "critical"),
    (600, "high"),
    (400, "medium"),
    (200, "low"),
];

pub fn level(score: f64) -> &'static str {
    level_of(centis(score))
}

/// The level of a score given in hundredths.
pub fn level_of(centis: i32) -> &'static str {
    LEVELS
        .iter()
        .find(|(from, _)| centis >= *from)
        .map_or("info", |(_, name)| name)
}

/// A 0–10 score (two decimals) in hundredths, as the store keeps it: exact to sum and compare.
pub fn centis(score: f64) -> i32 {
    (score * 100.0).round() as i32
}

/// Days since first seen at which the age factor steps up.
const AGE_STEPS: [i64; 4] = [31, 91, 181, 366];

/// When the age of an asset first seen at `first_seen` next changes its score (None: it has
/// reached the last step). Stored scores are recomputed then.
pub fn next_age_step(first_seen: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let days = (now - first_seen).num_days();
    AGE_STEPS
        .iter()
        .find(|step| days < **step)
        .map(|step| first_seen + chrono::Duration::days(*step))
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Factors {
    pub cve: f64,
    /// The most severe open Shield finding's weight (critical 1, high 0.75, medium 0.45, low
    /// 0.2); the vulnerability factor takes the larger of it and `cve`.
    pub shield: f64,
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

/// The 0–10 score of one asset whose CVE matches are known.
pub fn score_of(a: &AssetFacts, matches: &[vulns::CveMatch], now: DateTime<Utc>) -> f64 {
    score(a, matches, now).1
}

/// The factors and the 0–10 score of one asset.
fn score(a: &AssetFacts, matches: &[vulns::CveMatch], now: DateTime<Utc>) -> (Factors, f64) {
    let f = Factors {
        cve: matches.iter().map(|m| m.cvss).fold(0.0, f64::max) / 10.0,
        shield: shield_factor(a.shield_worst),
        exposure: exposure(&a.open_ports),
        classification: group(&a.category),
        age: age(a.first_seen, now),
        changes: changes(a.change_count),
    };
    let raw = W_CVE * f.cve.max(f.shield)
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
            shield: f.shield,
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

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
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

/// The figures a summary is made of, as the store sums them (`store::scores`) or as
/// `LevelTotals::add` counts them from scores: both give the same `RiskSummary`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LevelTotals {
    pub assets: u64,
    pub sum_centis: i64,
    pub max_centis: i32,
    /// Assets per level, in `LEVELS` order, then info.
    pub per_level: [u64; 5],
}

impl LevelTotals {
    pub fn add(&mut self, centis: i32) {
        self.assets += 1;
        self.sum_centis += i64::from(centis);
        self.max_centis = self.max_centis.max(centis);
        let at = LEVELS
            .iter()
            .position(|(from, _)| centis >= *from)
            .unwrap_or(LEVELS.len());
        self.per_level[at] += 1;
    }

    pub fn summary(&self) -> RiskSummary {
        let average = if self.assets == 0 {
            0.0
        } else {
            round(self.sum_centis as f64 / self.assets as f64 / 100.0, 2)
        };
        RiskSummary {
            assets: self.assets as usize,
            average_risk: average,
            max_risk: f64::from(self.max_centis) / 100.0,
            critical_count: self.per_level[0] as usize,
            high_count: self.per_level[1] as usize,
            medium_count: self.per_level[2] as usize,
            low_count: self.per_level[3] as usize,
            info_count: self.per_level[4] as usize,
        }
    }
}

/// The assets one risk page shows, each list in order: the top risks and the page itself.
pub struct Listed<'a> {
    pub top: &'a [AssetFacts],
    pub page: &'a [AssetFacts],
}

/// One report page: the summary over every asset, with profiles of the assets listed.
pub fn page_of(
    summary: RiskSummary,
    listed: Listed<'_>,
    cves: &CveSnapshot,
    now: DateTime<Utc>,
    page: u64,
    per_page: u64,
) -> RiskReport {
    let mut matcher = vulns::Matcher::new(cves);
    let mut build = |assets: &[AssetFacts]| -> Vec<RiskProfile> {
        assets
            .iter()
            .map(|a| profile_with(a, matcher.matches(a), now))
            .collect()
    };
    RiskReport {
        total: summary.assets,
        top_risks: build(listed.top),
        profiles: build(listed.page),
        summary,
        page,
        per_page,
    }
}

/// The whole report computed from a slice of assets in memory: what the stored figures must
/// equal (tests compare them), and the answer for inputs too small to store. Ties are ordered
/// by site name and address; the store orders them by site id and address.
pub fn report(
    assets: &[AssetFacts],
    cves: &CveSnapshot,
    now: DateTime<Utc>,
    page: u64,
    per_page: u64,
) -> RiskReport {
    let mut matcher = vulns::Matcher::new(cves);
    let mut totals = LevelTotals::default();
    let mut ranked: Vec<(i32, &AssetFacts)> = assets
        .iter()
        .map(|a| {
            let c = centis(score(a, matcher.matches(a), now).1);
            totals.add(c);
            (c, a)
        })
        .collect();
    ranked.sort_by(|(x, a), (y, b)| {
        y.cmp(x)
            .then_with(|| a.site.cmp(&b.site))
            .then_with(|| address_number(&a.ip).cmp(&address_number(&b.ip)))
            .then_with(|| a.id.cmp(&b.id))
    });
    let in_order: Vec<AssetFacts> = ranked.into_iter().map(|(_, a)| a.clone()).collect();
    let top = &in_order[page_range(in_order.len(), 1, TOP as u64)];
    let listed = &in_order[page_range(in_order.len(), page, per_page)];
    page_of(
        totals.summary(),
        Listed { top, page: listed },
        cves,
        now,
        page,
        per_page,
    )
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
    fn the_age_factor_steps_when_next_age_step_says() {
        let first = Utc::now() - chrono::Duration::days(10);
        let a = AssetFacts {
            category: "iot".into(),
            first_seen: first,
            ..Default::default()
        };
        let mut now = first;
        let mut steps = 0;
        while let Some(due) = next_age_step(first, now) {
            let before = score_of(&a, &[], due - chrono::Duration::seconds(1));
            assert!(score_of(&a, &[], due) > before, "step {steps} at {due}");
            assert_eq!(score_of(&a, &[], now), before, "no step before {due}");
            now = due;
            steps += 1;
        }
        assert_eq!(steps, AGE_STEPS.len());
        assert_eq!(
            score_of(&a, &[], now + chrono::Duration::days(3650)),
            score_of(&a, &[], now)
        );
    }

    #[test]
    fn totals_give_the_summary_levels_and_an_exact_average() {
        let mut t = LevelTotals::default();
        for c in [800, 799, 600, 400, 200, 199, 0, 101] {
            t.add(c);
        }
        let s = t.summary();
        assert_eq!(
            (
                s.critical_count,
                s.high_count,
                s.medium_count,
                s.low_count,
                s.info_count
            ),
            (1, 2, 1, 1, 3)
        );
        assert_eq!(s.max_risk, 8.0);
        assert_eq!(s.average_risk, 3.87); // 3099 / 8 = 387.375 hundredths
        assert_eq!(level_of(600), "high");
        assert_eq!(
            level(5.999),
            "high",
            "a score is compared as shown, to two decimals"
        );
    }

    #[test]
    fn an_open_shield_finding_weighs_like_a_cve_of_its_severity() {
        let now = Utc::now();
        let base = AssetFacts {
            category: "ag_ve_sistemler".into(),
            first_seen: now,
            ..Default::default()
        };
        let found = AssetFacts {
            shield_worst: 4,
            ..base.clone()
        };
        let (plain, critical) = (score(&base, &[], now), score(&found, &[], now));
        assert_eq!(critical.0.shield, 1.0);
        assert!(
            (critical.1 - plain.1 - 3.5).abs() < 1e-9,
            "{} vs {}",
            critical.1,
            plain.1
        );
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
                id: uuid::Uuid::from_u128(i as u128 + 1),
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
        let scores: Vec<f64> = report(&assets, &snap(), now, 1, 30)
            .profiles
            .iter()
            .map(|p| p.risk_score)
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        // Past the end: an empty page, the same totals.
        let past = report(&assets, &snap(), now, 9, 10);
        assert!(past.profiles.is_empty());
        assert_eq!(past.total, 30);
    }
}
