//! Manual classification: a tag sets the group with certainty and follows the asset (not its
//! IP); re-scans never overwrite it and `untag` restores the computed group.
use super::entity::asset;
use super::error::{StoreError, StoreResult};
use super::inventory::{self, AssetView};
use crate::model::Category;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub const MAX_NOTE: usize = 1024;

/// Tags the asset a user names (id, IP or MAC; `site` disambiguates).
pub async fn tag<C: ConnectionTrait>(
    db: &C,
    reference: &str,
    site: Option<&str>,
    category: Category,
    note: Option<&str>,
) -> StoreResult<AssetView> {
    if category == Category::Unclassified {
        return Err(StoreError::Invalid(
            "a manual tag must name a group (ag_ve_sistemler, uygulamalar, iot, tasinabilir); use untag to clear one".into(),
        ));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(StoreError::Invalid(format!(
            "the note is longer than {MAX_NOTE} characters"
        )));
    }
    let a = inventory::resolve(db, reference, site).await?;
    let mut row: asset::ActiveModel = a.into();
    row.manual_category = Set(Some(category.as_str().to_string()));
    row.manual_note = Set(note.map(str::to_string));
    row.tagged_at = Set(Some(Utc::now()));
    row.category = Set(category.as_str().to_string());
    let saved = row.update(db).await?;
    view_with_site(db, &saved).await
}

/// Clears a manual tag; the asset returns to its computed group.
pub async fn untag<C: ConnectionTrait>(
    db: &C,
    reference: &str,
    site: Option<&str>,
) -> StoreResult<AssetView> {
    let a = inventory::resolve(db, reference, site).await?;
    if a.manual_category.is_none() {
        return Err(StoreError::NotFound(format!(
            "a manual tag on '{}'",
            reference.trim()
        )));
    }
    let computed = a.computed_category.clone();
    let mut row: asset::ActiveModel = a.into();
    row.manual_category = Set(None);
    row.manual_note = Set(None);
    row.tagged_at = Set(None);
    row.category = Set(computed);
    let saved = row.update(db).await?;
    view_with_site(db, &saved).await
}

/// Every tagged asset, optionally of one site.
pub async fn list<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<Vec<AssetView>> {
    let mut q = asset::Entity::find().filter(asset::Column::ManualCategory.is_not_null());
    if let Some(name) = site {
        let s = super::sites::require(db, name).await?;
        q = q.filter(asset::Column::SiteId.eq(s.id));
    }
    let names = super::certificates::site_names(db).await?;
    Ok(q.order_by_asc(asset::Column::IpSort)
        .all(db)
        .await?
        .iter()
        .map(|a| inventory::view(a, names.get(&a.site_id).map_or("", |s| s)))
        .collect())
}

async fn view_with_site<C: ConnectionTrait>(db: &C, a: &asset::Model) -> StoreResult<AssetView> {
    let names = super::certificates::site_names(db).await?;
    Ok(inventory::view(a, names.get(&a.site_id).map_or("", |s| s)))
}
