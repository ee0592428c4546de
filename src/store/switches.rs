//! SNMP switches per site. The community is write-only: stored for the poller, never shown.
use super::entity::{asset, switch};
use super::error::{StoreError, StoreResult};
use super::sites;
use super::sites::SiteScope;
use crate::model::{MacAddr, SwitchPort};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use uuid::Uuid;

/// A switch as every reader sees it: no community string.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SwitchView {
    pub id: Uuid,
    pub site: String,
    pub host: String,
    pub snmp_version: String,
    pub label: String,
    pub community_set: bool,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub mac_count: i32,
}

fn validate_host(host: &str) -> StoreResult<&str> {
    let h = host.trim();
    let ok = !h.is_empty()
        && h.len() <= 255
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    if ok {
        Ok(h)
    } else {
        Err(StoreError::Invalid(format!(
            "'{host}' is not a host name or IP address"
        )))
    }
}

/// Registers a switch or updates its community, version and label.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn add<C: ConnectionTrait>(
    db: &C,
    site: &str,
    host: &str,
    community: &str,
    version: &str,
    label: &str,
) -> StoreResult<SwitchView> {
    let host = validate_host(host)?;
    if community.is_empty() || community.len() > 255 {
        return Err(StoreError::Invalid(
            "the SNMP community must be 1-255 characters".into(),
        ));
    }
    if !matches!(version, "1" | "2c") {
        return Err(StoreError::Invalid(format!(
            "SNMP version '{version}' is not supported (use 1 or 2c)"
        )));
    }
    let site = sites::ensure(db, site).await?;
    let row = switch::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site.id),
        host: Set(host.to_string()),
        community: Set(community.to_string()),
        snmp_version: Set(version.to_string()),
        label: Set(label.trim().to_string()),
        created_at: Set(Utc::now()),
        last_polled_at: Set(None),
        mac_count: Set(0),
    };
    use switch::Column as C;
    switch::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::SiteId, C::Host])
                .update_columns([C::Community, C::SnmpVersion, C::Label])
                .to_owned(),
        )
        .exec(db)
        .await?;
    super::site_config::refresh_after_change(db, &site.name).await;
    list(db, Some(&site.name))
        .await?
        .into_iter()
        .find(|s| s.host == host)
        .ok_or_else(|| StoreError::NotFound(format!("switch {host}")))
}

fn not_registered(host: &str, site: &str) -> StoreError {
    StoreError::NotFound(format!("switch {} in site '{site}'", host.trim()))
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn remove<C: ConnectionTrait>(db: &C, site: &str, host: &str) -> StoreResult<()> {
    let site = sites::require(db, site).await?;
    let res = switch::Entity::delete_many()
        .filter(switch::Column::SiteId.eq(site.id))
        .filter(switch::Column::Host.eq(host.trim()))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(not_registered(host, &site.name));
    }
    super::site_config::refresh_after_change(db, &site.name).await;
    Ok(())
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<Vec<SwitchView>> {
    let mut q = switch::Entity::find();
    let scope = SiteScope::of(db, site).await?;
    q = scope.filter(q, switch::Column::SiteId);
    Ok(q.order_by_asc(switch::Column::Host)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SwitchView {
            id: s.id,
            site: scope.name(s.site_id).to_string(),
            host: s.host,
            snmp_version: s.snmp_version,
            label: s.label,
            community_set: !s.community.is_empty(),
            last_polled_at: s.last_polled_at,
            mac_count: s.mac_count,
        })
        .collect())
}

/// What the poller needs to reach a switch, community included. Never serialised: it exists
/// only between the store and the SNMP client.
#[derive(Clone)]
pub struct SwitchAccess {
    pub host: String,
    pub community: String,
    pub snmp_version: String,
}

impl std::fmt::Debug for SwitchAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SwitchAccess")
            .field("host", &self.host)
            .field("snmp_version", &self.snmp_version)
            .finish_non_exhaustive()
    }
}

/// The switches of `site` with their communities, for polling. An unknown site has none.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn access<C: ConnectionTrait>(db: &C, site: &str) -> StoreResult<Vec<SwitchAccess>> {
    let Some(site) = sites::find(db, site).await? else {
        return Ok(Vec::new());
    };
    Ok(switch::Entity::find()
        .filter(switch::Column::SiteId.eq(site.id))
        .order_by_asc(switch::Column::Host)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SwitchAccess {
            host: s.host,
            community: s.community,
            snmp_version: s.snmp_version,
        })
        .collect())
}

/// Records one poll of `host`: how many MACs its table held, and for each placed MAC the
/// port it sits on, written to the site's assets with that MAC. Returns the assets placed.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn record_poll<C: ConnectionTrait>(
    db: &C,
    site: &str,
    host: &str,
    mac_count: usize,
    placements: &[(MacAddr, SwitchPort)],
) -> StoreResult<u64> {
    let site = sites::require(db, site).await?;
    let res = switch::Entity::update_many()
        .col_expr(switch::Column::LastPolledAt, Expr::value(Utc::now()))
        .col_expr(
            switch::Column::MacCount,
            Expr::value(i32::try_from(mac_count).unwrap_or(i32::MAX)),
        )
        .filter(switch::Column::SiteId.eq(site.id))
        .filter(switch::Column::Host.eq(host.trim()))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(not_registered(host, &site.name));
    }
    let mut placed = 0;
    for (mac, port) in placements {
        placed += asset::Entity::update_many()
            .col_expr(asset::Column::SwitchHost, Expr::value(port.host.clone()))
            .col_expr(asset::Column::SwitchPort, Expr::value(port.port.clone()))
            .col_expr(
                asset::Column::SwitchPortIndex,
                Expr::value(port.port_index.and_then(|i| i32::try_from(i).ok())),
            )
            .filter(asset::Column::SiteId.eq(site.id))
            .filter(asset::Column::Mac.eq(mac.to_string()))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(placed)
}
