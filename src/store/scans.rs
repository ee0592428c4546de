//! Scan history per site.
use super::entity::scan;
use super::error::StoreResult;
use super::page::{Page, PageRequest};
use super::sites::SiteScope;
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
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    page: PageRequest,
) -> StoreResult<Page<ScanView>> {
    let mut cond = Condition::all();
    let scope = SiteScope::of(db, site).await?;
    if let Some(id) = scope.id() {
        cond = cond.add(scan::Column::SiteId.eq(id));
    }
    let q = scan::Entity::find().filter(cond);
    let q = q
        .order_by_desc(scan::Column::StartedAt)
        .order_by_desc(scan::Column::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let items = rows
        .into_iter()
        .map(|s| ScanView {
            id: s.id,
            report_id: s.report_id,
            site: scope.name(s.site_id).to_string(),
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
