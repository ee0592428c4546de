//! Manual classification: a tag sets the group with certainty and follows the asset (not its
//! IP); re-scans never overwrite it and `untag` restores the computed group.
use super::entity::asset;
use super::error::{StoreError, StoreResult};
use super::inventory::{self, AssetView};
use super::sites::SiteScope;
use super::{begin_write, sites};
use crate::analysis::vulns::CveSnapshot;
use crate::model::Category;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub const MAX_NOTE: usize = 1024;

/// Tags the asset a user names (id, IP or MAC; `site` disambiguates).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn tag(
    db: &DatabaseConnection,
    reference: &str,
    site: Option<&str>,
    category: Category,
    note: Option<&str>,
    by: &str,
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
    let category = category.as_str().to_string();
    let note = note.map(str::to_string);
    let by: String = by.chars().take(128).collect();
    write_tag(db, reference, site, move |_, row| {
        row.tagged_by = Set(Some(by.clone()));
        row.manual_category = Set(Some(category.clone()));
        row.manual_note = Set(note.clone());
        row.tagged_at = Set(Some(Utc::now()));
        row.category = Set(category.clone());
        Ok(())
    })
    .await
}

/// Resolves the asset and applies `edit` under the site's write lock, so a scan being saved
/// at the same moment cannot write back the old tag.
async fn write_tag(
    db: &DatabaseConnection,
    reference: &str,
    site: Option<&str>,
    edit: impl FnOnce(&asset::Model, &mut asset::ActiveModel) -> StoreResult<()>,
) -> StoreResult<AssetView> {
    let found = inventory::resolve(db, reference, site).await?;
    let txn = begin_write(db).await?;
    sites::lock(&txn, found.site_id).await?;
    let a = asset::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("asset '{}'", reference.trim())))?;
    let mut row: asset::ActiveModel = a.clone().into();
    edit(&a, &mut row)?;
    // The group is a risk factor: score the asset as it will be stored.
    let mut scored = a.clone();
    if let sea_orm::ActiveValue::Set(category) = &row.category {
        scored.category = category.clone();
    }
    super::scores::Scorer::new(CveSnapshot::shared(), Utc::now()).fill(&mut scored);
    row.risk_centis = Set(scored.risk_centis);
    row.risk_due = Set(scored.risk_due);
    row.scored_with = Set(scored.scored_with);
    let saved = row.update(&txn).await?;
    let view = view_with_site(&txn, &saved).await?;
    txn.commit().await?;
    Ok(view)
}

/// Clears a manual tag; the asset returns to its computed group.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn untag(
    db: &DatabaseConnection,
    reference: &str,
    site: Option<&str>,
) -> StoreResult<AssetView> {
    write_tag(db, reference, site, |a, row| {
        if a.manual_category.is_none() {
            return Err(StoreError::NotFound(format!(
                "a manual tag on '{}'",
                reference.trim()
            )));
        }
        row.manual_category = Set(None);
        row.manual_note = Set(None);
        row.tagged_at = Set(None);
        row.tagged_by = Set(None);
        row.category = Set(a.computed_category.clone());
        Ok(())
    })
    .await
}

/// Every tagged asset, optionally of one site.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<Vec<AssetView>> {
    let mut q = asset::Entity::find().filter(asset::Column::ManualCategory.is_not_null());
    let scope = SiteScope::of(db, site).await?;
    q = scope.filter(q, asset::Column::SiteId);
    Ok(q.order_by_asc(asset::Column::IpSort)
        .all(db)
        .await?
        .iter()
        .map(|a| inventory::view(a, scope.name(a.site_id)))
        .collect())
}

async fn view_with_site<C: ConnectionTrait>(db: &C, a: &asset::Model) -> StoreResult<AssetView> {
    Ok(inventory::view(
        a,
        &super::sites::name_of(db, a.site_id).await?,
    ))
}
