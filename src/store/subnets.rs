//! Registered subnets per site: what `scan --all` sweeps and what compliance groups by.
use super::entity::{asset, subnet};
use super::error::{StoreError, StoreResult};
use super::sites;
use super::sites::SiteScope;
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use std::net::IpAddr;
use uuid::Uuid;

/// Parses a CIDR as users type it; host bits are cleared (`10.1.0.7/24` → `10.1.0.0/24`).
pub fn parse_cidr(text: &str) -> StoreResult<IpNet> {
    let t = text.trim();
    let net: IpNet = if t.contains('/') {
        t.parse().map_err(|_| {
            StoreError::Invalid(format!(
                "'{t}' is not a CIDR network (example: 10.1.0.0/24)"
            ))
        })?
    } else {
        let ip: IpAddr = t.parse().map_err(|_| {
            StoreError::Invalid(format!(
                "'{t}' is not a CIDR network (example: 10.1.0.0/24)"
            ))
        })?;
        IpNet::from(ip)
    };
    Ok(net.trunc())
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SubnetView {
    pub id: Uuid,
    pub site: String,
    pub cidr: String,
    pub label: String,
    pub vlan_id: Option<i32>,
    pub asset_count: i32,
    pub last_scanned_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Registers a subnet, or updates its label and VLAN when it exists.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn add<C: ConnectionTrait>(
    db: &C,
    site: &str,
    cidr: &str,
    label: &str,
    vlan: Option<i32>,
) -> StoreResult<SubnetView> {
    let net = parse_cidr(cidr)?;
    if let Some(v) = vlan
        && !(1..=4094).contains(&v)
    {
        return Err(StoreError::Invalid(format!(
            "VLAN {v} is out of range (1-4094)"
        )));
    }
    if label.chars().count() > 128 {
        return Err(StoreError::Invalid(
            "label is longer than 128 characters".into(),
        ));
    }
    let site = sites::ensure(db, site).await?;
    let row = subnet::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site.id),
        cidr: Set(net.to_string()),
        label: Set(label.trim().to_string()),
        vlan_id: Set(vlan),
        created_at: Set(Utc::now()),
        last_scanned_at: Set(None),
        asset_count: Set(0),
    };
    subnet::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([subnet::Column::SiteId, subnet::Column::Cidr])
                .update_columns([subnet::Column::Label, subnet::Column::VlanId])
                .to_owned(),
        )
        .exec(db)
        .await?;
    let saved = subnet::Entity::find()
        .filter(subnet::Column::SiteId.eq(site.id))
        .filter(subnet::Column::Cidr.eq(net.to_string()))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("subnet {net}")))?;
    super::site_config::refresh_after_change(db, &site.name).await;
    Ok(view(saved, &site.name))
}

/// Removes a subnet; an unknown one is an error so typos do not pass silently.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn remove<C: ConnectionTrait>(db: &C, site: &str, cidr: &str) -> StoreResult<()> {
    let net = parse_cidr(cidr)?;
    let site = sites::require(db, site).await?;
    let res = subnet::Entity::delete_many()
        .filter(subnet::Column::SiteId.eq(site.id))
        .filter(subnet::Column::Cidr.eq(net.to_string()))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound(format!(
            "subnet {net} in site '{}'",
            site.name
        )));
    }
    super::site_config::refresh_after_change(db, &site.name).await;
    Ok(())
}

/// Subnets of one site, or of every site, ordered by site then address.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<Vec<SubnetView>> {
    let mut q = subnet::Entity::find();
    let scope = SiteScope::of(db, site).await?;
    q = scope.filter(q, subnet::Column::SiteId);
    let mut rows: Vec<SubnetView> = q
        .order_by_asc(subnet::Column::Cidr)
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let name = scope.name(s.site_id).to_string();
            view(s, &name)
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |v: &SubnetView| (v.site.clone(), v.cidr.parse::<IpNet>().ok());
        key(a).cmp(&key(b))
    });
    Ok(rows)
}

fn view(s: subnet::Model, site: &str) -> SubnetView {
    SubnetView {
        id: s.id,
        site: site.to_string(),
        cidr: s.cidr,
        label: s.label,
        vlan_id: s.vlan_id,
        asset_count: s.asset_count,
        last_scanned_at: s.last_scanned_at,
        created_at: s.created_at,
    }
}

/// After a save: subnets the scan covered get `last_scanned_at`; every subnet of the site gets
/// its count of present assets.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn record_scan<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    now: DateTime<Utc>,
    networks: &[IpNet],
) -> StoreResult<()> {
    let subnets = subnet::Entity::find()
        .filter(subnet::Column::SiteId.eq(site_id))
        .all(db)
        .await?;
    for s in subnets {
        let Ok(net) = s.cidr.parse::<IpNet>() else {
            continue;
        };
        // Covered by this scan, and not already marked by a later one (late reports).
        let covered = networks.iter().any(|n| n.contains(&net) || net.contains(n))
            && s.last_scanned_at.is_none_or(|t| t < now);
        // Counted in the database: the save holds only the assets its report touched.
        let (lo, hi) = super::identity::ip_sort_range(&net);
        let count = asset::Entity::find()
            .filter(asset::Column::SiteId.eq(site_id))
            .filter(asset::Column::Missing.eq(false))
            .filter(asset::Column::IpSort.between(lo, hi))
            .count(db)
            .await? as i32;
        if !covered && count == s.asset_count {
            continue;
        }
        let mut row: subnet::ActiveModel = s.into();
        if covered {
            row.last_scanned_at = Set(Some(now));
        }
        row.asset_count = Set(count);
        row.update(db).await?;
    }
    Ok(())
}
