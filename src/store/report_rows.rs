//! What the compliance report reads beyond the analyses: the inventory of one BİG group with
//! each asset's evidence and tag, a page at a time in (site, address) order so that a large
//! inventory is never held in memory; and the classification counts as they stood at an
//! earlier time (from each asset's latest scan record then), for the trend.
use super::entity::asset;
use super::error::StoreResult;
use super::sites::SiteScope;
use crate::model::{ClassCount, Evidence};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, ExprTrait as _};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// One asset as the report lists it.
#[derive(Debug, Clone)]
pub struct InventoryRow {
    pub site: String,
    pub ip: String,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub vendor: Option<String>,
    pub device_type: String,
    pub confidence: f64,
    pub manual: bool,
    pub manual_note: Option<String>,
    pub tagged_by: Option<String>,
    pub tagged_at: Option<DateTime<Utc>>,
    /// The strongest evidence for its group, strongest first (at most three).
    pub evidence: Vec<Evidence>,
    pub missing: bool,
}

/// Where the next page starts: after this (site, address order, id).
pub type After = (Uuid, String, Uuid);

/// Up to `limit` assets of `category` in `scope`, after `after`.
pub async fn inventory_page<C: ConnectionTrait>(
    db: &C,
    scope: &SiteScope,
    category: &str,
    after: Option<&After>,
    limit: u64,
) -> StoreResult<(Vec<InventoryRow>, Option<After>)> {
    use asset::Column as A;
    let mut q = scope
        .filter(asset::Entity::find(), A::SiteId)
        .filter(A::Category.eq(category));
    if let Some((site, ip_sort, id)) = after {
        q = q.filter(
            Condition::any()
                .add(A::SiteId.gt(*site))
                .add(A::SiteId.eq(*site).and(A::IpSort.gt(ip_sort.as_str())))
                .add(
                    A::SiteId
                        .eq(*site)
                        .and(A::IpSort.eq(ip_sort.as_str()))
                        .and(A::Id.gt(*id)),
                ),
        );
    }
    let rows = q
        .order_by_asc(A::SiteId)
        .order_by_asc(A::IpSort)
        .order_by_asc(A::Id)
        .limit(limit)
        .all(db)
        .await?;
    let next = rows
        .last()
        .filter(|_| rows.len() as u64 == limit)
        .map(|a| (a.site_id, a.ip_sort.clone(), a.id));
    let out = rows
        .into_iter()
        .map(|a| {
            let mut evidence: Vec<Evidence> =
                serde_json::from_value(a.evidence.clone()).unwrap_or_default();
            evidence.retain(|e| {
                e.category
                    .is_none_or(|c| c.as_str() == a.computed_category.as_str())
            });
            evidence.sort_by(|x, y| y.weight.total_cmp(&x.weight));
            evidence.truncate(3);
            InventoryRow {
                site: scope.name(a.site_id).to_string(),
                ip: a.ip,
                mac: a.mac,
                hostname: a.hostname,
                vendor: a.vendor,
                device_type: a.device_type,
                confidence: a.confidence,
                manual: a.manual_category.is_some(),
                manual_note: a.manual_note,
                tagged_by: a.tagged_by,
                tagged_at: a.tagged_at,
                evidence,
                missing: a.missing,
            }
        })
        .collect();
    Ok((out, next))
}

/// Assets per (site, group, manual, confidence band) as they stood at `at`: each asset's
/// latest scan record at or before then, its manual tag if it was tagged by then. The same
/// shape as `facts::classification_counts`, so the same formula scores it.
pub async fn classification_counts_at<C: ConnectionTrait>(
    db: &C,
    scope: &SiteScope,
    at: DateTime<Utc>,
) -> StoreResult<Vec<ClassCount>> {
    let b = db.get_database_backend();
    let p = |n| super::placeholder(b, n);
    let mut values: Vec<sea_orm::Value> = vec![at.into()];
    let site_filter = match scope.id() {
        Some(id) => {
            values.push(id.into());
            format!(" AND a.site_id = {}", p(2))
        }
        None => String::new(),
    };
    let tagged = format!("a.manual_category IS NOT NULL AND a.tagged_at <= {}", p(1));
    let sql = format!(
        "SELECT a.site_id AS site_id, \
           CASE WHEN {tagged} THEN a.manual_category ELSE sa.category END AS category, \
           CASE WHEN {tagged} THEN 1 ELSE 0 END AS manual, \
           CASE WHEN sa.confidence >= 0.7 THEN 2 WHEN sa.confidence >= 0.3 THEN 1 ELSE 0 END AS band, \
           COUNT(*) AS n \
         FROM assets a JOIN scan_assets sa ON sa.asset_id = a.id \
         WHERE sa.scanned_at = (SELECT MAX(s2.scanned_at) FROM scan_assets s2 \
             WHERE s2.asset_id = a.id AND s2.scanned_at <= {at}){site_filter} \
         GROUP BY 1, 2, 3, 4",
        at = p(1),
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(b, sql, values))
        .await?;
    rows.iter()
        .map(|r| super::facts::class_count_of(r, scope))
        .collect()
}
