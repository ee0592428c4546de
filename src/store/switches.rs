//! SNMP switches and routers per site. Communities and SNMPv3 pass phrases are write-only:
//! stored for the poller, never shown.
use super::entity::{asset, switch};
use super::error::{StoreError, StoreResult};
use super::sites;
use super::sites::SiteScope;
use crate::model::snmp_access::{AuthProtocol, GearRole, SwitchCredentials, UsmCredentials};
use crate::model::{MacAddr, SwitchPort};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub use super::switch_links::{accept_candidate, record_observations};

/// A switch or router as every reader sees it: no community, no pass phrase.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SwitchView {
    pub id: Uuid,
    pub site: String,
    pub host: String,
    /// `switch` or `router`.
    pub role: GearRole,
    pub snmp_version: String,
    pub label: String,
    pub community_set: bool,
    /// SNMPv3 user, protocols and context (the pass phrases are never shown).
    pub snmp_user: Option<String>,
    pub auth: Option<String>,
    pub privacy: Option<String>,
    pub context: Option<String>,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub mac_count: i32,
    /// From the last poll: its LLDP chassis id and system name, VLANs (id and name), the
    /// devices a router's address table listed, and why the poll failed.
    pub chassis_id: Option<String>,
    pub sys_name: Option<String>,
    pub vlans: Vec<VlanView>,
    pub routed_count: i32,
    pub poll_error: Option<String>,
}

/// A VLAN a switch carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct VlanView {
    pub id: u16,
    pub name: Option<String>,
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

/// Registers a v1/v2c switch or updates its community, version and label.
pub async fn add<C: ConnectionTrait>(
    db: &C,
    site: &str,
    host: &str,
    community: &str,
    version: &str,
    label: &str,
) -> StoreResult<SwitchView> {
    register(
        db,
        site,
        &SwitchCredentials::community(host, community, version),
        label,
    )
    .await
}

/// Registers a switch or router, or replaces its credentials, role and label.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn register<C: ConnectionTrait>(
    db: &C,
    site: &str,
    access: &SwitchCredentials,
    label: &str,
) -> StoreResult<SwitchView> {
    let host = validate_host(&access.host)?;
    if let Some(problem) = access.problem() {
        return Err(StoreError::Invalid(problem));
    }
    if label.len() > 255 {
        return Err(StoreError::Invalid(
            "the label must be at most 255 characters".into(),
        ));
    }
    let site = sites::ensure(db, site).await?;
    let usm = access.usm.as_ref();
    let text = |f: fn(&UsmCredentials) -> String| usm.map(f).unwrap_or_default();
    let row = switch::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site.id),
        host: Set(host.to_string()),
        community: Set(access.community.clone()),
        snmp_version: Set(access.snmp_version.clone()),
        label: Set(label.trim().to_string()),
        created_at: Set(Utc::now()),
        last_polled_at: Set(None),
        mac_count: Set(0),
        role: Set(access.role.as_str().to_string()),
        snmp_user: Set(text(|u| u.user.trim().to_string())),
        snmp_auth: Set(text(|u| u.auth.to_string())),
        snmp_auth_pass: Set(text(|u| u.auth_pass.clone())),
        snmp_priv: Set(text(|u| {
            u.privacy.map(|p| p.to_string()).unwrap_or_default()
        })),
        snmp_priv_pass: Set(text(|u| u.priv_pass.clone())),
        snmp_context: Set(text(|u| u.context.clone())),
        chassis_id: Set(None),
        sys_name: Set(None),
        vlans: Set("{}".into()),
        routed_count: Set(0),
        poll_error: Set(None),
    };
    use switch::Column as C;
    switch::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::SiteId, C::Host])
                .update_columns([
                    C::Community,
                    C::SnmpVersion,
                    C::Label,
                    C::Role,
                    C::SnmpUser,
                    C::SnmpAuth,
                    C::SnmpAuthPass,
                    C::SnmpPriv,
                    C::SnmpPrivPass,
                    C::SnmpContext,
                ])
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

pub(super) fn not_registered(host: &str, site: &str) -> StoreError {
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
        .map(|s| view(scope.name(s.site_id), s))
        .collect())
}

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn view(site: &str, s: switch::Model) -> SwitchView {
    let vlans: BTreeMap<u16, Option<String>> = serde_json::from_str(&s.vlans).unwrap_or_default();
    SwitchView {
        id: s.id,
        site: site.to_string(),
        role: s.role.parse().unwrap_or_default(),
        snmp_version: s.snmp_version,
        label: s.label,
        community_set: !s.community.is_empty(),
        snmp_user: some(s.snmp_user),
        auth: some(s.snmp_auth),
        privacy: some(s.snmp_priv),
        context: some(s.snmp_context),
        last_polled_at: s.last_polled_at,
        mac_count: s.mac_count,
        chassis_id: s.chassis_id,
        sys_name: s.sys_name,
        vlans: vlans
            .into_iter()
            .map(|(id, name)| VlanView { id, name })
            .collect(),
        routed_count: s.routed_count,
        poll_error: s.poll_error,
        host: s.host,
    }
}

/// The credentials a stored row holds (a row whose v3 protocols no longer parse is sent
/// without them, and its poll fails with a clear error rather than the list failing).
pub(super) fn credentials(s: switch::Model) -> SwitchCredentials {
    let usm = (s.snmp_version == "3").then(|| UsmCredentials {
        user: s.snmp_user,
        auth: s.snmp_auth.parse().unwrap_or(AuthProtocol::Sha1),
        auth_pass: s.snmp_auth_pass,
        privacy: some(s.snmp_priv).and_then(|p| p.parse().ok()),
        priv_pass: s.snmp_priv_pass,
        context: s.snmp_context,
    });
    SwitchCredentials {
        host: s.host,
        community: s.community,
        snmp_version: s.snmp_version,
        usm,
        role: s.role.parse().unwrap_or_default(),
    }
}

/// The switches and routers of `site` with their credentials, for polling. An unknown site
/// has none.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn access<C: ConnectionTrait>(db: &C, site: &str) -> StoreResult<Vec<SwitchCredentials>> {
    let Some(site) = sites::find(db, site).await? else {
        return Ok(Vec::new());
    };
    Ok(switch::Entity::find()
        .filter(switch::Column::SiteId.eq(site.id))
        .order_by_asc(switch::Column::Host)
        .all(db)
        .await?
        .into_iter()
        .map(credentials)
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
            .col_expr(asset::Column::Vlan, Expr::value(port.vlan.map(i32::from)))
            .filter(asset::Column::SiteId.eq(site.id))
            .filter(asset::Column::Mac.eq(mac.to_string()))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(placed)
}
