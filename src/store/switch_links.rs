//! What polls learn of registered switches and routers beyond their forwarding tables: their
//! identity, VLANs and LLDP/CDP neighbours (the links of the layer-2 graph), and registering
//! a neighbour they heard.
use super::entity::{switch, switch_link};
use super::error::{StoreError, StoreResult};
use super::sites;
use super::switches::{SwitchView, credentials, not_registered, register};
use crate::model::gear::{Neighbour, SwitchObservation};
use crate::model::snmp_access::GearRole;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Most neighbours kept per switch (a chassis lists at most a few per port).
const MAX_LINKS_PER_SWITCH: usize = 2048;

/// Records what a scan's polls learned of each registered switch of `site`: its identity,
/// VLANs, neighbours (replacing those of its previous poll), counts, or the reason it
/// failed (which keeps what the last good poll learned). A host no longer registered is
/// skipped. Each switch is its own transaction.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn record_observations(
    db: &DatabaseConnection,
    site: &str,
    observed: &[SwitchObservation],
) -> StoreResult<()> {
    if observed.is_empty() {
        return Ok(());
    }
    let Some(site) = sites::find(db, site).await? else {
        return Ok(());
    };
    for o in observed {
        let Some(row) = switch::Entity::find()
            .filter(switch::Column::SiteId.eq(site.id))
            .filter(switch::Column::Host.eq(o.host.trim()))
            .one(db)
            .await?
        else {
            continue;
        };
        let now = Utc::now();
        let tx = super::begin_write(db).await?;
        let mut update = switch::Entity::update_many()
            .col_expr(switch::Column::LastPolledAt, Expr::value(now))
            .filter(switch::Column::Id.eq(row.id));
        if let Some(error) = &o.error {
            let cut: String = error.chars().take(500).collect();
            update = update.col_expr(switch::Column::PollError, Expr::value(cut));
        } else {
            let vlans: BTreeMap<u16, Option<String>> =
                o.vlans.iter().map(|v| (v.id, v.name.clone())).collect();
            update = update
                .col_expr(
                    switch::Column::PollError,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(
                    switch::Column::MacCount,
                    Expr::value(i32::try_from(o.mac_count).unwrap_or(i32::MAX)),
                )
                .col_expr(
                    switch::Column::ChassisId,
                    Expr::value(o.identity.chassis_id.clone()),
                )
                .col_expr(
                    switch::Column::SysName,
                    Expr::value(o.identity.sys_name.clone()),
                )
                .col_expr(
                    switch::Column::Vlans,
                    Expr::value(serde_json::to_string(&vlans).unwrap_or_else(|_| "{}".into())),
                )
                .col_expr(
                    switch::Column::RoutedCount,
                    Expr::value(i32::try_from(o.routed).unwrap_or(i32::MAX)),
                );
            switch_link::Entity::delete_many()
                .filter(switch_link::Column::SwitchId.eq(row.id))
                .exec(&tx)
                .await?;
            let links: Vec<switch_link::ActiveModel> = o
                .neighbours
                .iter()
                .take(MAX_LINKS_PER_SWITCH)
                .map(|n| link_row(row.id, site.id, n, now))
                .collect();
            for chunk in links.chunks(200) {
                switch_link::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&tx)
                    .await?;
            }
        }
        update.exec(&tx).await?;
        tx.commit().await?;
    }
    Ok(())
}

fn link_row(
    switch_id: Uuid,
    site_id: Uuid,
    n: &Neighbour,
    now: DateTime<Utc>,
) -> switch_link::ActiveModel {
    let cut = |s: &str, max: usize| s.chars().take(max).collect::<String>();
    let opt = |s: &Option<String>, max: usize| s.as_deref().map(|s| cut(s, max));
    switch_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        switch_id: Set(switch_id),
        site_id: Set(site_id),
        protocol: Set(cut(&n.protocol, 8)),
        local_port: Set(cut(&n.local_port, 128)),
        local_port_index: Set(n.local_port_index.and_then(|i| i32::try_from(i).ok())),
        chassis_id: Set(cut(&n.chassis_id, 128)),
        port_id: Set(cut(&n.port_id, 128)),
        port_descr: Set(opt(&n.port_descr, 255)),
        sys_name: Set(opt(&n.sys_name, 255)),
        description: Set(opt(&n.description, 512)),
        capabilities: Set(cut(&n.capabilities.join(","), 128)),
        mgmt_address: Set(n.mgmt_address.map(|a| a.to_string())),
        seen_at: Set(now),
    }
}

/// Registers a neighbour `heard_by` reported with management address `address`, with the
/// credentials of `heard_by` (one site's gear usually shares them) and the role its
/// capabilities announce. Only a neighbour actually heard can be accepted.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn accept_candidate(
    db: &DatabaseConnection,
    site: &str,
    address: &str,
    heard_by: &str,
) -> StoreResult<SwitchView> {
    let site_row = sites::require(db, site).await?;
    let Some(parent) = switch::Entity::find()
        .filter(switch::Column::SiteId.eq(site_row.id))
        .filter(switch::Column::Host.eq(heard_by))
        .one(db)
        .await?
    else {
        return Err(not_registered(heard_by, &site_row.name));
    };
    let Some(link) = switch_link::Entity::find()
        .filter(switch_link::Column::SwitchId.eq(parent.id))
        .filter(switch_link::Column::MgmtAddress.eq(address))
        .one(db)
        .await?
    else {
        return Err(StoreError::NotFound(format!(
            "no neighbour with management address {address} heard by {heard_by}"
        )));
    };
    let caps: Vec<&str> = link.capabilities.split(',').collect();
    let role = if caps.contains(&"router") && !caps.contains(&"bridge") {
        GearRole::Router
    } else {
        GearRole::Switch
    };
    let mut access = credentials(parent);
    access.host = address.to_string();
    access.role = role;
    let label = link.sys_name.unwrap_or_default();
    register(db, &site_row.name, &access, &label).await
}
