//! What the store keeps per asset so that the risk and CVE views are indexed queries and sums
//! (migration 10): the risk score, when the asset's age next moves it, and its CVEs in brief.
//! They are computed from the asset's facts whenever those change, again when `risk_due`
//! passes, and once more for every asset when `version` changes (a new formula or snapshot).
use super::risk;
use super::vulns::{self, CveSnapshot};
use crate::model::AssetFacts;
use chrono::{DateTime, Utc};

/// Bump when the risk formula or the CVE matching rules change what they give.
// 2: open Shield findings count in the vulnerability factor.
const FORMULA: u32 = 2;

/// Names the formula and the CVE snapshot stored scores were computed with.
pub fn version(cves: &CveSnapshot) -> String {
    format!("f{FORMULA}/{}/{}", cves.snapshot_date, cves.len())
}

#[derive(Clone, Debug, PartialEq)]
pub struct AssetScores {
    /// The risk score in hundredths (`risk::centis`).
    pub risk_centis: i32,
    /// When the asset's age next changes its score.
    pub risk_due: Option<DateTime<Utc>>,
    pub cves: vulns::Worst,
}

/// The stored figures of one asset whose CVE matches are known.
pub fn of(a: &AssetFacts, matches: &[vulns::CveMatch], now: DateTime<Utc>) -> AssetScores {
    AssetScores {
        risk_centis: risk::centis(risk::score_of(a, matches, now)),
        risk_due: risk::next_age_step(a.first_seen, now),
        cves: vulns::worst(matches),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_agree_with_the_profile_the_api_shows() {
        let cves = CveSnapshot::embedded().unwrap();
        let now = Utc::now();
        let mut svc: crate::model::Service =
            serde_json::from_value(serde_json::json!({"port": 80})).unwrap();
        svc.http_server = Some("Apache/2.4.49 (Unix)".into());
        let a = AssetFacts {
            ip: "10.0.0.5".into(),
            category: "iot".into(),
            open_ports: vec![80, 23],
            services: vec![svc],
            first_seen: now - chrono::Duration::days(40),
            change_count: 3,
            ..Default::default()
        };
        let matches = vulns::match_asset(&cves, &a);
        let s = of(&a, &matches, now);
        let p = risk::profile(&a, &cves, now);
        assert_eq!(s.risk_centis, risk::centis(p.risk_score));
        assert_eq!(s.cves.count, p.cve_count);
        assert!(
            s.cves.count > 0 && s.cves.kev,
            "Apache 2.4.49 is in the KEV list"
        );
        assert_eq!(
            s.risk_due,
            Some(a.first_seen + chrono::Duration::days(91)),
            "40 days old: the next step is at 91"
        );
        assert_ne!(version(&cves), "", "a version names the snapshot");
    }
}
