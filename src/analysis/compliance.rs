//! Compliance: how much of the inventory is classified under the BİG guide.
//! score = (fully classified + manual + ½ partially) / total × 100; grade A–F in steps of 10.
use super::round;
use crate::model::{AssetFacts, Category};
use serde::Serialize;
use std::collections::BTreeMap;

/// Fully classified: confidence ≥ 0.7; partially: ≥ 0.3.
pub const FULL: f64 = 0.7;
pub const PARTIAL: f64 = 0.3;
/// Action items listed at most (the counts always cover everything).
pub const MAX_ACTION_ITEMS: usize = 200;

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Breakdown {
    pub total_assets: u64,
    pub fully_classified: u64,
    pub partially_classified: u64,
    pub unclassified: u64,
    pub manual_overrides: u64,
}

impl Breakdown {
    pub fn add(&mut self, a: &AssetFacts) {
        self.total_assets += 1;
        if a.manual {
            self.manual_overrides += 1;
        } else if a.category == Category::Unclassified.as_str() || a.confidence < PARTIAL {
            self.unclassified += 1;
        } else if a.confidence >= FULL {
            self.fully_classified += 1;
        } else {
            self.partially_classified += 1;
        }
    }

    /// 0–100, one decimal; an empty inventory is trivially compliant.
    pub fn score(&self) -> f64 {
        if self.total_assets == 0 {
            return 100.0;
        }
        let good = self.fully_classified as f64
            + self.manual_overrides as f64
            + 0.5 * self.partially_classified as f64;
        round(good / self.total_assets as f64 * 100.0, 1)
    }
}

pub fn grade(score: f64) -> &'static str {
    match score {
        s if s >= 90.0 => "A",
        s if s >= 80.0 => "B",
        s if s >= 70.0 => "C",
        s if s >= 60.0 => "D",
        _ => "F",
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ActionItem {
    /// `classify` (unclassified) or `review` (low confidence).
    pub kind: &'static str,
    /// `critical` or `normal`.
    pub priority: &'static str,
    pub asset_id: uuid::Uuid,
    pub site: String,
    pub ip: String,
    pub hostname: Option<String>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Scope {
    /// Site name, or the subnet's CIDR.
    pub name: String,
    pub label: Option<String>,
    pub score: f64,
    pub grade: &'static str,
    pub breakdown: Breakdown,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ComplianceReport {
    pub compliance_score: f64,
    pub grade: &'static str,
    pub breakdown: Breakdown,
    /// Assets per group (manual tags count as their tag).
    pub distribution: BTreeMap<String, u64>,
    pub percentages: BTreeMap<String, f64>,
    pub sites: Vec<Scope>,
    pub subnets: Vec<Scope>,
    pub action_items: Vec<ActionItem>,
    /// Action items beyond the listed ones.
    pub action_items_total: u64,
}

/// A registered subnet to score separately.
pub struct SubnetScope {
    pub site: String,
    pub cidr: ipnet::IpNet,
    pub label: String,
}

fn scope(name: String, label: Option<String>, b: Breakdown) -> Scope {
    let score = b.score();
    Scope {
        name,
        label,
        score,
        grade: grade(score),
        breakdown: b,
    }
}

pub fn report(assets: &[AssetFacts], subnets: &[SubnetScope]) -> ComplianceReport {
    let mut all = Breakdown::default();
    let mut per_site: BTreeMap<&str, Breakdown> = BTreeMap::new();
    let mut per_subnet: Vec<Breakdown> = vec![Breakdown::default(); subnets.len()];
    let mut distribution: BTreeMap<String, u64> = Category::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), 0))
        .collect();
    let mut items = Vec::new();
    let mut items_total = 0u64;
    for a in assets {
        all.add(a);
        per_site.entry(&a.site).or_default().add(a);
        if let Ok(ip) = a.ip.parse::<std::net::IpAddr>() {
            for (i, s) in subnets.iter().enumerate() {
                if s.site == a.site && s.cidr.contains(&ip) {
                    per_subnet[i].add(a);
                }
            }
        }
        *distribution.entry(a.category.clone()).or_insert(0) += 1;
        if a.manual {
            continue;
        }
        let item = if a.category == Category::Unclassified.as_str() || a.confidence < PARTIAL {
            Some((
                "classify",
                "critical",
                format!("unclassified (confidence {:.2})", a.confidence),
            ))
        } else if a.confidence < FULL {
            Some((
                "review",
                "normal",
                format!(
                    "low-confidence classification (confidence {:.2})",
                    a.confidence
                ),
            ))
        } else {
            None
        };
        if let Some((kind, priority, reason)) = item {
            items_total += 1;
            items.push(ActionItem {
                kind,
                priority,
                asset_id: a.id,
                site: a.site.clone(),
                ip: a.ip.clone(),
                hostname: a.hostname.clone(),
                reason,
            });
        }
    }
    items.sort_by(|x, y| {
        (x.priority != "critical")
            .cmp(&(y.priority != "critical"))
            .then(x.site.cmp(&y.site))
            .then(x.ip.cmp(&y.ip))
    });
    items.truncate(MAX_ACTION_ITEMS);
    let total = all.total_assets.max(1) as f64;
    let percentages = distribution
        .iter()
        .map(|(k, v)| (k.clone(), round(*v as f64 / total * 100.0, 1)))
        .collect();
    let score = all.score();
    ComplianceReport {
        compliance_score: score,
        grade: grade(score),
        breakdown: all,
        distribution,
        percentages,
        sites: per_site
            .into_iter()
            .map(|(name, b)| scope(name.to_string(), None, b))
            .collect(),
        subnets: subnets
            .iter()
            .zip(per_subnet)
            .map(|(s, b)| {
                scope(
                    s.cidr.to_string(),
                    Some(format!("{} ({})", s.label, s.site)),
                    b,
                )
            })
            .collect(),
        action_items: items,
        action_items_total: items_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(category: &str, confidence: f64, manual: bool) -> AssetFacts {
        AssetFacts {
            site: "hq".into(),
            ip: "10.0.0.1".into(),
            category: category.into(),
            confidence,
            manual,
            ..Default::default()
        }
    }

    #[test]
    fn score_follows_the_formula_and_grades_in_steps_of_ten() {
        let assets = vec![
            asset("iot", 0.9, false),
            asset("iot", 0.5, false),
            asset("unclassified", 0.1, false),
            asset("tasinabilir", 0.0, true),
        ];
        let r = report(&assets, &[]);
        // (1 full + 1 manual + 0.5 × 1 partial) / 4 = 62.5
        assert_eq!(r.compliance_score, 62.5);
        assert_eq!(r.grade, "D");
        assert_eq!(r.breakdown.unclassified, 1);
        assert_eq!(r.action_items.len(), 2);
        assert_eq!(r.action_items[0].priority, "critical");
        assert_eq!(r.distribution["iot"], 2);
        assert_eq!(grade(90.0), "A");
        assert_eq!(grade(59.9), "F");
        assert_eq!(report(&[], &[]).compliance_score, 100.0);
    }

    #[test]
    fn subnets_score_only_their_own_site_and_addresses() {
        let mut a = asset("iot", 0.9, false);
        a.ip = "10.0.1.5".into();
        let mut b = asset("unclassified", 0.0, false);
        b.ip = "10.0.2.5".into();
        let mut other_site = asset("unclassified", 0.0, false);
        other_site.site = "branch".into();
        other_site.ip = "10.0.1.6".into();
        let subnets = [SubnetScope {
            site: "hq".into(),
            cidr: "10.0.1.0/24".parse().unwrap(),
            label: "cams".into(),
        }];
        let r = report(&[a, b, other_site], &subnets);
        assert_eq!(r.subnets[0].breakdown.total_assets, 1);
        assert_eq!(r.subnets[0].grade, "A");
        assert_eq!(r.sites.len(), 2);
    }
}
