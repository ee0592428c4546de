//! The change log: what happened to which asset, when, in which scan.
use super::entity::{asset, asset_change};
use super::error::{StoreError, StoreResult};
use super::page::{Page, PageRequest};
use super::sites::SiteScope;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
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
    /// Keyset paging: only the changes after this one in the log's order (newest first);
    /// the page then costs what the first does, however deep.
    pub after: Option<Uuid>,
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

/// What a change shows of its asset: IP, MAC, hostname.
type Shown = (String, Option<String>, Option<String>);

fn view(c: asset_change::Model, site: String, asset: Option<&Shown>) -> ChangeView {
    ChangeView {
        id: c.id,
        site,
        asset_id: c.asset_id,
        // The IP at the time of an ip_changed is its new value; otherwise the current one.
        ip: asset.map(|a| a.0.clone()).unwrap_or_default(),
        mac: asset.and_then(|a| a.1.clone()),
        hostname: asset.and_then(|a| a.2.clone()),
        scan_id: c.scan_id,
        change_type: c.change_type,
        field: c.field_name,
        old_value: c.old_value,
        new_value: c.new_value,
        detected_at: c.detected_at,
    }
}

/// The newest `limit` changes of one asset (its detail page): one query, no count.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn of_asset<C: ConnectionTrait>(
    db: &C,
    a: &asset::Model,
    site: &str,
    limit: u64,
) -> StoreResult<Vec<ChangeView>> {
    let shown: Shown = (a.ip.clone(), a.mac.clone(), a.hostname.clone());
    Ok(asset_change::Entity::find()
        .filter(asset_change::Column::AssetId.eq(a.id))
        .order_by_desc(asset_change::Column::DetectedAt)
        .order_by_desc(asset_change::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|c| view(c, site.to_string(), Some(&shown)))
        .collect())
}

/// Changes, newest first.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    f: &ChangeFilter,
    page: PageRequest,
) -> StoreResult<Page<ChangeView>> {
    let mut cond = Condition::all();
    let scope = SiteScope::of(db, f.site.as_deref()).await?;
    if let Some(id) = scope.id() {
        cond = cond.add(asset_change::Column::SiteId.eq(id));
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
    let (rows, total, page) = match f.after {
        None => {
            let (rows, total) = page.fetch(db, q).await?;
            (rows, total, page)
        }
        Some(after) => {
            let anchor = asset_change::Entity::find_by_id(after)
                .one(db)
                .await?
                .ok_or_else(|| {
                    StoreError::Invalid(
                        "the cursor's change no longer exists; start again from the first page"
                            .into(),
                    )
                })?;
            let total = super::page::count(db, q.clone()).await?;
            let older = Condition::any()
                .add(asset_change::Column::DetectedAt.lt(anchor.detected_at))
                .add(
                    Condition::all()
                        .add(asset_change::Column::DetectedAt.eq(anchor.detected_at))
                        .add(asset_change::Column::Id.lt(anchor.id)),
                );
            let rows = q.filter(older).limit(page.per_page).all(db).await?;
            let by_cursor = PageRequest {
                page: 0,
                per_page: page.per_page,
            };
            (rows, total, by_cursor)
        }
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.asset_id).collect();
    // Only what a change shows of its asset, not the asset's documents.
    let assets: HashMap<Uuid, Shown> = asset::Entity::find()
        .select_only()
        .columns([
            asset::Column::Id,
            asset::Column::Ip,
            asset::Column::Mac,
            asset::Column::Hostname,
        ])
        .filter(asset::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String, Option<String>, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, ip, mac, hostname)| (id, (ip, mac, hostname)))
        .collect();
    let items = rows
        .into_iter()
        .map(|c| {
            let site = scope.name(c.site_id).to_string();
            let shown = assets.get(&c.asset_id);
            view(c, site, shown)
        })
        .collect();
    Ok(page
        .wrap(items, total)
        .with_next(|last: &ChangeView| last.id.to_string()))
}
