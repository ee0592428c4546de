//! Compliance grade drops. Each site's grade comes from the same counts and formula as
//! `/api/compliance`; the grade a site held while no drop alert was open is its baseline. A
//! grade below the baseline opens one alert, which resolves when the grade is back; a grade
//! that rises (or holds) while no alert is open becomes the new baseline.
use super::AlertKind;
use super::evaluate::Tally;
use super::raise::{self, Condition};
use super::rules;
use crate::analysis::compliance::{Breakdown, grade};
use crate::store::entity::alert_baseline;
use crate::store::error::StoreResult;
use crate::store::{facts, sites};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

const BASELINE: &str = "compliance_grade";
const KEY: &str = "grade_drop";
const ORDER: [&str; 5] = ["A", "B", "C", "D", "F"];

fn worse(now: &str, before: &str) -> bool {
    let at = |g: &str| ORDER.iter().position(|x| *x == g).unwrap_or(0);
    at(now) > at(before)
}

async fn set_baseline<C: sea_orm::ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    value: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    alert_baseline::Entity::insert(alert_baseline::ActiveModel {
        site_id: Set(site_id),
        name: Set(BASELINE.into()),
        value: Set(value.into()),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([alert_baseline::Column::SiteId, alert_baseline::Column::Name])
            .update_columns([
                alert_baseline::Column::Value,
                alert_baseline::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Compares the grade of `only` these sites (None: every site) with its baseline. Nothing is
/// written unless a grade moved: a steady inventory costs one grouped count.
pub async fn evaluate(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    only: Option<&BTreeSet<Uuid>>,
) -> StoreResult<Tally> {
    let names = sites::names(db).await?;
    let ids: HashMap<&str, Uuid> = names.iter().map(|(id, n)| (n.as_str(), *id)).collect();
    let counts = match only {
        None => facts::classification_counts(db, None, None).await?,
        Some(set) => {
            let mut all = Vec::new();
            for name in set.iter().filter_map(|id| names.get(id)) {
                all.extend(facts::classification_counts(db, Some(name), None).await?);
            }
            all
        }
    };
    let mut per_site: BTreeMap<Uuid, Breakdown> = BTreeMap::new();
    for c in counts {
        if let Some(id) = ids.get(c.site.as_str()) {
            per_site.entry(*id).or_default().add(&c);
        }
    }
    let baselines: HashMap<Uuid, String> = alert_baseline::Entity::find()
        .filter(alert_baseline::Column::Name.eq(BASELINE))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.site_id, b.value))
        .collect();
    let live: HashMap<Uuid, ()> = raise::live_keys(db, AlertKind::GradeDrop)
        .await?
        .into_iter()
        .map(|(site, _)| (site, ()))
        .collect();
    let mut t = Tally::default();
    for (site_id, breakdown) in per_site {
        let score = breakdown.score();
        let now_grade = grade(score);
        let before = baselines.get(&site_id);
        let is_live = live.contains_key(&site_id);
        let dropped = before.is_some_and(|b| worse(now_grade, b));
        // The common case: nothing moved, nothing to write.
        if (dropped && is_live)
            || (!dropped && !is_live && before.map(String::as_str) == Some(now_grade))
        {
            continue;
        }
        let site = names.get(&site_id).cloned().unwrap_or_default();
        let rule = rules::effective(db, site_id)
            .await?
            .remove(&AlertKind::GradeDrop)
            .filter(|r| r.enabled);
        let txn = crate::store::begin_write(db).await?;
        match (before, rule) {
            (Some(before), Some(rule)) if worse(now_grade, before) => {
                if !is_live {
                    let cond = Condition {
                        site_id,
                        kind: AlertKind::GradeDrop,
                        key: KEY.into(),
                        severity: rule.severity,
                        title: format!(
                            "Compliance grade fell from {before} to {now_grade} (score {score})"
                        ),
                        detail: json!({"from": before, "to": now_grade, "score": score,
                            "assets": breakdown.total_assets}),
                    };
                    t.count(raise::open(&txn, cond, &site, now).await?);
                }
            }
            (before, _) => {
                if is_live && raise::resolve(&txn, site_id, KEY, &site, now).await? {
                    t.resolved += 1;
                }
                if before.map(String::as_str) != Some(now_grade) {
                    set_baseline(&txn, site_id, now_grade, now).await?;
                }
            }
        }
        txn.commit().await?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_order_from_a_to_f() {
        assert!(worse("C", "B"));
        assert!(worse("F", "A"));
        assert!(!worse("A", "B"));
        assert!(!worse("B", "B"));
    }
}
