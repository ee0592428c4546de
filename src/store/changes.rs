//! The change log: what happened to which asset, when, in which scan.
use super::entity::{asset, asset_change};
use super::error::{StoreError, StoreResult};
use super::page::{Page, PageRequest};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Debug, Default)]
pub struct ChangeFilter {
    pub site: Option<String>,
    pub asset_id: Option<Uuid>,
    /// Only the changes one scan produced (its diff against what was known before).
    pub scan_id: Option<Uuid>,
    pub change_type: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    pub id: Uuid,
    pub site: String,
    pub asset_id: Uuid,
    pub ip: String,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub scan_id: Uuid,
    pub change_type: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub detected_at: DateTime<Utc>,
}

/// Changes, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    f: &ChangeFilter,
    page: PageRequest,
) -> StoreResult<Page<ChangeView>> {
    let mut cond = Condition::all();
    if let Some(name) = &f.site {
        let site = super::sites::require(db, name).await?;
        cond = cond.add(asset_change::Column::SiteId.eq(site.id));
    }
    if let Some(id) = f.asset_id {
        cond = cond.add(asset_change::Column::AssetId.eq(id));
    }
    if let Some(id) = f.scan_id {
        cond = cond.add(asset_change::Column::ScanId.eq(id));
    }
    if let Some(t) = &f.change_type {
        if !super::change_type::ALL.contains(&t.as_str()) {
            return Err(StoreError::Invalid(format!(
                "unknown change type '{t}' (expected one of: {})",
                super::change_type::ALL.join(", ")
            )));
        }
        cond = cond.add(asset_change::Column::ChangeType.eq(t.as_str()));
    }
    if let Some(t) = f.since {
        cond = cond.add(asset_change::Column::DetectedAt.gte(t));
    }
    if let Some(t) = f.until {
        cond = cond.add(asset_change::Column::DetectedAt.lt(t));
    }
    let q = asset_change::Entity::find().filter(cond);
    let q = q
        .order_by_desc(asset_change::Column::DetectedAt)
        .order_by_desc(asset_change::Column::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.asset_id).collect();
    let assets: HashMap<Uuid, asset::Model> = asset::Entity::find()
        .filter(asset::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let names = super::sites::names(db).await?;
    let items = rows
        .into_iter()
        .map(|c| {
            let a = assets.get(&c.asset_id);
            ChangeView {
                id: c.id,
                site: names.get(&c.site_id).cloned().unwrap_or_default(),
                asset_id: c.asset_id,
                // The IP at the time of an ip_changed is its new value; otherwise the current one.
                ip: a.map(|a| a.ip.clone()).unwrap_or_default(),
                mac: a.and_then(|a| a.mac.clone()),
                hostname: a.and_then(|a| a.hostname.clone()),
                scan_id: c.scan_id,
                change_type: c.change_type,
                field: c.field_name,
                old_value: c.old_value,
                new_value: c.new_value,
                detected_at: c.detected_at,
            }
        })
        .collect();
    Ok(page.wrap(items, total))
}
