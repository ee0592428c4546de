//! Sites: the unit of identity and of agent authority.
use super::entity::{asset, scan, site};
use super::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, Statement,
};
use serde::Serialize;
use uuid::Uuid;

/// The site a plain `bigr scan` writes into.
pub const DEFAULT_SITE: &str = "local";

/// Checks a site name: 1–64 characters of letters, digits, space, `.`, `_` or `-`.
pub fn validate_name(name: &str) -> StoreResult<&str> {
    let trimmed = name.trim();
    let ok = !trimmed.is_empty()
        && trimmed.chars().count() <= 64
        && trimmed
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-'));
    if ok {
        Ok(trimmed)
    } else {
        Err(StoreError::Invalid(format!(
            "invalid site name '{name}': use 1-64 letters, digits, spaces, '.', '_' or '-'"
        )))
    }
}

/// Finds a site by name or creates it; safe against two writers creating it at once.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn ensure<C: ConnectionTrait>(db: &C, name: &str) -> StoreResult<site::Model> {
    let name = validate_name(name)?;
    if let Some(s) = find(db, name).await? {
        return Ok(s);
    }
    let row = site::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_string()),
        created_at: Set(Utc::now()),
        demo: Set(false),
    };
    site::Entity::insert(row)
        .on_conflict_do_nothing_on([site::Column::Name])
        .exec(db)
        .await?;
    find(db, name)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("site '{name}'")))
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn find<C: ConnectionTrait>(db: &C, name: &str) -> StoreResult<Option<site::Model>> {
    Ok(site::Entity::find()
        .filter(site::Column::Name.eq(name.trim()))
        .one(db)
        .await?)
}

/// Serialises writers of one site until the transaction ends. On PostgreSQL this locks the
/// site row; on SQLite `begin_write` already holds the database's single write lock.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn lock<C: ConnectionTrait>(db: &C, site_id: Uuid) -> StoreResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM sites WHERE id = $1 FOR UPDATE",
            [site_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Site id → name, for views that show the site.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn names<C: ConnectionTrait>(
    db: &C,
) -> StoreResult<std::collections::HashMap<Uuid, String>> {
    Ok(site::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// The name of a site by id.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn name_of<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<String> {
    site::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|s| s.name)
        .ok_or_else(|| StoreError::NotFound(format!("site {id}")))
}

/// A site that must already exist (for filters and reads).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn require<C: ConnectionTrait>(db: &C, name: &str) -> StoreResult<site::Model> {
    find(db, name)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("site '{}'", name.trim())))
}

/// The site scope of a read, resolved once: the filter by one site (which must exist) or by
/// none, and the id → name map the views show. One query where each read used to find the
/// site, require it, filter by its id and load the names on its own.
pub struct SiteScope {
    site: Option<Uuid>,
    names: std::collections::HashMap<Uuid, String>,
}

impl SiteScope {
    /// `site` by name (trimmed, as `find` matches), or every site when `None`.
    pub async fn of<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<SiteScope> {
        let names = names(db).await?;
        let site = match site.map(str::trim) {
            None => None,
            Some(wanted) => Some(
                names
                    .iter()
                    .find(|(_, n)| n.as_str() == wanted)
                    .map(|(id, _)| *id)
                    .ok_or_else(|| StoreError::NotFound(format!("site '{wanted}'")))?,
            ),
        };
        Ok(SiteScope { site, names })
    }

    /// The one site of the scope, if it has one.
    pub fn id(&self) -> Option<Uuid> {
        self.site
    }

    /// `q` limited to the scope's site by `column`, or unchanged for every site.
    pub fn filter<Q: QueryFilter>(&self, q: Q, column: impl ColumnTrait) -> Q {
        match self.site {
            Some(id) => q.filter(column.eq(id)),
            None => q,
        }
    }

    /// A site's name for a view ("" for a site removed meanwhile).
    pub fn name(&self, id: Uuid) -> &str {
        self.names.get(&id).map_or("", String::as_str)
    }
}

/// A site with its inventory size and latest scan, for `/api/sites`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SiteSummary {
    pub id: Uuid,
    pub name: String,
    pub asset_count: u64,
    pub missing_count: u64,
    pub scan_count: u64,
    pub last_scan_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Generated demo data (`bigr demo load`), not a real network.
    pub demo: bool,
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<SiteSummary>> {
    let sites = site::Entity::find()
        .order_by_asc(site::Column::Name)
        .all(db)
        .await?;
    let assets: Vec<(Uuid, bool, i64)> = asset::Entity::find()
        .select_only()
        .column(asset::Column::SiteId)
        .column(asset::Column::Missing)
        .column_as(asset::Column::Id.count(), "n")
        .group_by(asset::Column::SiteId)
        .group_by(asset::Column::Missing)
        .into_tuple()
        .all(db)
        .await?;
    let scans: Vec<(Uuid, i64, Option<DateTime<Utc>>)> = scan::Entity::find()
        .select_only()
        .column(scan::Column::SiteId)
        .column_as(scan::Column::Id.count(), "n")
        .column_as(scan::Column::StartedAt.max(), "last")
        .group_by(scan::Column::SiteId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(sites
        .into_iter()
        .map(|s| {
            let count = |missing: bool| {
                assets
                    .iter()
                    .filter(|(id, m, _)| *id == s.id && *m == missing)
                    .map(|(_, _, n)| *n as u64)
                    .sum::<u64>()
            };
            let scan = scans.iter().find(|(id, _, _)| *id == s.id);
            SiteSummary {
                id: s.id,
                asset_count: count(false) + count(true),
                missing_count: count(true),
                scan_count: scan.map(|(_, n, _)| *n as u64).unwrap_or(0),
                last_scan_at: scan.and_then(|(_, _, t)| *t),
                name: s.name,
                created_at: s.created_at,
                demo: s.demo,
            }
        })
        .collect())
}
