//! Scan history per site.
use super::entity::scan;
use super::error::StoreResult;
use super::page::{Page, PageRequest};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScanView {
    pub id: Uuid,
    pub report_id: Uuid,
    pub site: String,
    pub agent_id: Option<Uuid>,
    pub target: String,
    pub method: String,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub duration_seconds: Option<f64>,
    pub partial: bool,
    pub asset_count: i32,
    pub change_count: i32,
    pub scanner_version: String,
    #[schema(value_type = crate::model::Privileges)]
    pub privileges: serde_json::Value,
}

/// Scans newest first, optionally of one site.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    page: PageRequest,
) -> StoreResult<Page<ScanView>> {
    let mut cond = Condition::all();
    if let Some(name) = site {
        let s = super::sites::require(db, name).await?;
        cond = cond.add(scan::Column::SiteId.eq(s.id));
    }
    let q = scan::Entity::find().filter(cond);
    let q = q
        .order_by_desc(scan::Column::StartedAt)
        .order_by_desc(scan::Column::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let names = super::sites::names(db).await?;
    let items = rows
        .into_iter()
        .map(|s| ScanView {
            id: s.id,
            report_id: s.report_id,
            site: names.get(&s.site_id).cloned().unwrap_or_default(),
            agent_id: s.agent_id,
            duration_seconds: s
                .completed_at
                .map(|c| (c - s.started_at).num_milliseconds() as f64 / 1000.0),
            target: s.target,
            method: s.method,
            started_at: s.started_at,
            completed_at: s.completed_at,
            partial: s.partial,
            asset_count: s.asset_count,
            change_count: s.change_count,
            scanner_version: s.scanner_version,
            privileges: s.privileges,
        })
        .collect();
    Ok(page.wrap(items, total))
}
