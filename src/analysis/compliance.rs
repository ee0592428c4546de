//! Compliance: how much of the inventory is classified under the BİG guide.
//! score = (fully classified + manual + ½ partially) / total × 100; grade A–F in steps of 10.
use super::round;
use crate::model::{AssetFacts, Category, ClassCount};
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
    /// Adds `c.n` assets of one classification state.
    pub fn add(&mut self, c: &ClassCount) {
        self.total_assets += c.n;
        if c.manual {
            self.manual_overrides += c.n;
        } else if c.category == Category::Unclassified.as_str() || c.band == 0 {
            self.unclassified += c.n;
        } else if c.band == 2 {
            self.fully_classified += c.n;
        } else {
            self.partially_classified += c.n;
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
    /// `classify` (unclassified), `review` (low confidence) or `secure` (an open critical or
    /// high Shield finding).
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

/// A registered subnet scored separately, with its counts.
pub struct SubnetScope {
    pub site: String,
    pub cidr: ipnet::IpNet,
    pub label: String,
    pub counts: Vec<ClassCount>,
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

/// The action item for one asset that is not fully classified, if it needs one.
fn action_item(a: &AssetFacts) -> Option<ActionItem> {
    let (kind, priority, reason) =
        if a.category == Category::Unclassified.as_str() || a.confidence < PARTIAL {
            (
                "classify",
                "critical",
                format!("unclassified (confidence {:.2})", a.confidence),
            )
        } else if a.confidence < FULL {
            (
                "review",
                "normal",
                format!(
                    "low-confidence classification (confidence {:.2})",
                    a.confidence
                ),
            )
        } else {
            return None;
        };
    Some(ActionItem {
        kind,
        priority,
        asset_id: a.id,
        site: a.site.clone(),
        ip: a.ip.clone(),
        hostname: a.hostname.clone(),
        reason,
    })
}

/// Adds open Shield findings to the to-dos: critical ones among the critical items, high ones
/// after them; the list stays at most `MAX_ACTION_ITEMS` long and the total counts them all.
pub fn add_security_items(report: &mut ComplianceReport, items: Vec<ActionItem>, total: u64) {
    report.action_items.extend(items);
    // Stable: within a priority, classification to-dos keep their order before security ones.
    report
        .action_items
        .sort_by_key(|i| (i.priority != "critical", i.kind == "secure"));
    report.action_items.truncate(MAX_ACTION_ITEMS);
    report.action_items_total += total;
}

/// `counts`: the whole scope; `candidates`: the first assets needing work (unclassified
/// first), `candidates_total` how many there are in all.
pub fn report(
    counts: &[ClassCount],
    subnets: &[SubnetScope],
    candidates: &[AssetFacts],
    candidates_total: u64,
) -> ComplianceReport {
    let mut all = Breakdown::default();
    let mut per_site: BTreeMap<&str, Breakdown> = BTreeMap::new();
    let mut distribution: BTreeMap<String, u64> = Category::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), 0))
        .collect();
    for c in counts {
        all.add(c);
        per_site.entry(&c.site).or_default().add(c);
        *distribution.entry(c.category.clone()).or_insert(0) += c.n;
    }
    let mut items: Vec<ActionItem> = candidates.iter().filter_map(action_item).collect();
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
            .map(|s| {
                let mut b = Breakdown::default();
                s.counts.iter().for_each(|c| b.add(c));
                scope(
                    s.cidr.to_string(),
                    Some(format!("{} ({})", s.label, s.site)),
                    b,
                )
            })
            .collect(),
        action_items: items,
        action_items_total: candidates_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(site: &str, category: &str, manual: bool, band: u8, n: u64) -> ClassCount {
        ClassCount {
            site: site.into(),
            category: category.into(),
            manual,
            band,
            n,
        }
    }

    fn asset(category: &str, confidence: f64) -> AssetFacts {
        AssetFacts {
            site: "hq".into(),
            ip: "10.0.0.1".into(),
            category: category.into(),
            confidence,
            ..Default::default()
        }
    }

    #[test]
    fn score_follows_the_formula_and_grades_in_steps_of_ten() {
        let counts = [
            count("hq", "iot", false, 2, 1),
            count("hq", "iot", false, 1, 1),
            count("hq", "unclassified", false, 0, 1),
            count("hq", "tasinabilir", true, 0, 1),
        ];
        let candidates = [asset("iot", 0.5), asset("unclassified", 0.1)];
        let r = report(&counts, &[], &candidates, 2);
        // (1 full + 1 manual + 0.5 × 1 partial) / 4 = 62.5
        assert_eq!(r.compliance_score, 62.5);
        assert_eq!(r.grade, "D");
        assert_eq!(r.breakdown.unclassified, 1);
        assert_eq!(r.action_items.len(), 2);
        assert_eq!(r.action_items[0].priority, "critical");
        assert_eq!(r.distribution["iot"], 2);
        assert_eq!(grade(90.0), "A");
        assert_eq!(grade(59.9), "F");
        assert_eq!(report(&[], &[], &[], 0).compliance_score, 100.0);
    }

    #[test]
    fn an_unclassified_group_counts_as_unclassified_whatever_the_confidence() {
        let r = report(&[count("hq", "unclassified", false, 2, 3)], &[], &[], 0);
        assert_eq!(r.breakdown.unclassified, 3);
        assert_eq!(r.compliance_score, 0.0);
    }

    #[test]
    fn sites_and_subnets_are_scored_separately() {
        let counts = [
            count("hq", "iot", false, 2, 1),
            count("branch", "unclassified", false, 0, 1),
        ];
        let subnets = [SubnetScope {
            site: "hq".into(),
            cidr: "10.0.1.0/24".parse().unwrap(),
            label: "cams".into(),
            counts: vec![count("hq", "iot", false, 2, 1)],
        }];
        let r = report(&counts, &subnets, &[], 1);
        assert_eq!(r.subnets[0].breakdown.total_assets, 1);
        assert_eq!(r.subnets[0].grade, "A");
        assert_eq!(r.sites.len(), 2);
        assert_eq!(r.sites[0].name, "branch");
        assert_eq!(r.sites[0].grade, "F");
    }
}
