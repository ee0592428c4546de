//! Site configurations: the settings an admin saved, and the version agents apply. An agent
//! is sent the settings plus the site's registered subnets, switches (with credentials) and
//! fragile addresses; the version steps whenever that whole changes, whatever changed it (a
//! settings save, a subnet or switch registered or removed, a scan that marked a device
//! fragile). `refresh` recomputes the digest and steps the version with a compare-and-set,
//! so two refreshes at once never give two different contents one version.
use super::entity::{asset, site, site_config};
use super::error::{StoreError, StoreResult};
use super::{sites, subnets, switches};
use crate::model::Sensitivity;
use crate::model::site_config::{SiteConfig, SiteConfigView, SiteSettings};
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Fragile addresses sent to an agent at most (a site's fragile devices are a handful; this
/// bounds the answer if a classifier rule marks a whole network).
const MAX_FRAGILE: u64 = 65_536;
/// Fragile addresses the dashboard is shown (the count says how many there are).
const VIEW_FRAGILE: usize = 1000;
/// Compare-and-set attempts before a refresh gives up (each loses only to another refresh).
const REFRESH_TRIES: usize = 5;

async fn row<C: ConnectionTrait>(db: &C, site_id: Uuid) -> StoreResult<Option<site_config::Model>> {
    Ok(site_config::Entity::find_by_id(site_id).one(db).await?)
}

fn settings_of(row: Option<&site_config::Model>) -> SiteSettings {
    row.and_then(|r| serde_json::from_value(r.settings.clone()).ok())
        .unwrap_or_default()
}

/// The fragile assets' addresses: marked fragile by the classifier, or of a fragile type.
async fn fragile_ips<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    types: &[String],
) -> StoreResult<Vec<String>> {
    let mut which =
        Condition::any().add(asset::Column::Sensitivity.eq(Sensitivity::Fragile.as_str()));
    if !types.is_empty() {
        which = which.add(asset::Column::DeviceType.is_in(types.iter().cloned()));
    }
    let mut ips: Vec<String> = asset::Entity::find()
        .select_only()
        .column(asset::Column::Ip)
        .filter(asset::Column::SiteId.eq(site_id))
        .filter(which)
        .limit(MAX_FRAGILE)
        .into_tuple()
        .all(db)
        .await?;
    ips.sort();
    Ok(ips)
}

/// Everything an agent of `site` is sent, version aside.
async fn assemble<C: ConnectionTrait>(
    db: &C,
    site: &site::Model,
    settings: SiteSettings,
) -> StoreResult<SiteConfig> {
    let subnets = subnets::list(db, Some(&site.name))
        .await?
        .into_iter()
        .map(|s| s.cidr)
        .collect();
    let switches = switches::access(db, &site.name).await?;
    let fragile_ips = fragile_ips(db, site.id, &settings.fragile_types).await?;
    Ok(SiteConfig {
        version: 0,
        site: site.name.clone(),
        settings,
        subnets,
        switches,
        fragile_ips,
    })
}

fn digest(c: &SiteConfig) -> String {
    let body = serde_json::to_vec(&(&c.settings, &c.subnets, &c.switches, &c.fragile_ips))
        .unwrap_or_default();
    let d = ring::digest::digest(&ring::digest::SHA256, &body);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// True when there is nothing to send: no row needs to exist for such a site.
fn is_empty(c: &SiteConfig) -> bool {
    c.settings == SiteSettings::default()
        && c.subnets.is_empty()
        && c.switches.is_empty()
        && c.fragile_ips.is_empty()
}

/// Recomputes what the site's agents are sent and steps the version when it changed. Returns
/// the configuration with its version (0: nothing configured). `settings` replaces the
/// stored settings when given (`by` names who saved them).
async fn refresh_with<C: ConnectionTrait>(
    db: &C,
    site: &site::Model,
    settings: Option<(&SiteSettings, Option<&str>)>,
) -> StoreResult<SiteConfig> {
    for _ in 0..REFRESH_TRIES {
        let stored = row(db, site.id).await?;
        let wanted = match settings {
            Some((s, _)) => s.clone(),
            None => settings_of(stored.as_ref()),
        };
        let mut config = assemble(db, site, wanted).await?;
        let d = digest(&config);
        let now = Utc::now();
        let settings_json = serde_json::to_value(&config.settings)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        match stored {
            None if is_empty(&config) => return Ok(config),
            None => {
                let inserted = site_config::Entity::insert(site_config::ActiveModel {
                    site_id: Set(site.id),
                    version: Set(1),
                    settings: Set(settings_json),
                    digest: Set(d),
                    updated_at: Set(now),
                    updated_by: Set(settings.and_then(|(_, by)| by.map(str::to_string))),
                })
                .on_conflict(
                    OnConflict::column(site_config::Column::SiteId)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
                if inserted == 1 {
                    config.version = 1;
                    return Ok(config);
                }
            }
            Some(r) if r.digest == d => {
                config.version = r.version;
                return Ok(config);
            }
            Some(r) => {
                let mut update = site_config::Entity::update_many()
                    .col_expr(site_config::Column::Version, Expr::value(r.version + 1))
                    .col_expr(site_config::Column::Digest, Expr::value(d))
                    .col_expr(site_config::Column::Settings, Expr::value(settings_json));
                if let Some((_, by)) = settings {
                    update = update
                        .col_expr(site_config::Column::UpdatedAt, Expr::value(now))
                        .col_expr(
                            site_config::Column::UpdatedBy,
                            Expr::value(by.map(str::to_string)),
                        );
                }
                let done = update
                    .filter(site_config::Column::SiteId.eq(site.id))
                    .filter(site_config::Column::Version.eq(r.version))
                    .exec(db)
                    .await?;
                if done.rows_affected == 1 {
                    config.version = r.version + 1;
                    return Ok(config);
                }
            }
        }
        // Another refresh won the race: read its result and compare again.
    }
    Err(StoreError::Invalid(format!(
        "the configuration of site '{}' is being changed by others; try again",
        site.name
    )))
}

/// Steps the site's version if what its agents are sent has changed (after a subnet, switch
/// or scan changed it). An unknown site has nothing to refresh.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn refresh<C: ConnectionTrait>(db: &C, site: &str) -> StoreResult<i64> {
    let Some(site) = sites::find(db, site).await? else {
        return Ok(0);
    };
    Ok(refresh_with(db, &site, None).await?.version)
}

/// `refresh` after a change that already succeeded: a failure is logged, not returned (the
/// next change, scan or agent fetch refreshes again).
pub async fn refresh_after_change<C: ConnectionTrait>(db: &C, site: &str) {
    if let Err(e) = refresh(db, site).await {
        tracing::warn!(site, error = %e, "site configuration version not refreshed");
    }
}

/// What an agent of `site_id` is sent, brought up to date first.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn for_agent<C: ConnectionTrait>(db: &C, site_id: Uuid) -> StoreResult<SiteConfig> {
    let site = site::Entity::find_by_id(site_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("site {site_id}")))?;
    refresh_with(db, &site, None).await
}

/// The version a heartbeat answers with: one primary-key read (0: none yet).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn version<C: ConnectionTrait>(db: &C, site_id: Uuid) -> StoreResult<i64> {
    Ok(row(db, site_id).await?.map_or(0, |r| r.version))
}

/// Every configured site's version, for the agent list.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn versions<C: ConnectionTrait>(db: &C) -> StoreResult<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, i64)> = site_config::Entity::find()
        .select_only()
        .column(site_config::Column::SiteId)
        .column(site_config::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

fn view_of(config: SiteConfig, stored: Option<&site_config::Model>) -> SiteConfigView {
    SiteConfigView {
        site: config.site,
        version: config.version,
        settings: config.settings,
        subnets: config.subnets,
        switches: config.switches.into_iter().map(|s| s.host).collect(),
        fragile_count: config.fragile_ips.len(),
        fragile_ips: config.fragile_ips.into_iter().take(VIEW_FRAGILE).collect(),
        updated_at: stored.map(|r| r.updated_at),
        updated_by: stored.and_then(|r| r.updated_by.clone()),
    }
}

/// What the dashboard shows of a site's configuration (no credentials).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn view<C: ConnectionTrait>(db: &C, site: &str) -> StoreResult<SiteConfigView> {
    let site = sites::require(db, site).await?;
    let config = refresh_with(db, &site, None).await?;
    let stored = row(db, site.id).await?;
    Ok(view_of(config, stored.as_ref()))
}

/// Saves a site's settings (checked by the caller) and returns the settings they replace and
/// the new view. The site is created if new, as registering a subnet does.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn save<C: ConnectionTrait>(
    db: &C,
    site: &str,
    settings: &SiteSettings,
    by: &str,
) -> StoreResult<(SiteSettings, SiteConfigView)> {
    let site = sites::ensure(db, site).await?;
    let before = settings_of(row(db, site.id).await?.as_ref());
    let config = refresh_with(db, &site, Some((settings, Some(by)))).await?;
    let stored = row(db, site.id).await?;
    Ok((before, view_of(config, stored.as_ref())))
}
