//! The assets of a site that one report can touch: those it names (identity keys and IPs,
//! including its certificates' IPs) and those inside the networks it swept (which it may mark
//! absent). A report's cost then grows with the report, not with the site.
use super::entity::asset;
use super::error::StoreResult;
use super::identity::{ip_sort_key, ip_sort_range};
use crate::model::AssetObservation;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Values per `IN (…)` list: well inside SQLite's and PostgreSQL's parameter limits.
const PER_QUERY: usize = 500;
/// Network ranges per query (each is two parameters).
const RANGES_PER_QUERY: usize = 200;

/// What a report names, and the networks it covered.
pub struct Touched<'a> {
    pub observations: &'a [(String, AssetObservation)],
    pub extra_ips: Vec<std::net::IpAddr>,
    pub networks: &'a [ipnet::IpNet],
}

/// Loads every asset of `site_id` the report can touch, once each, in a stable order.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn load<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    touched: &Touched<'_>,
) -> StoreResult<Vec<asset::Model>> {
    let keys: BTreeSet<&str> = touched
        .observations
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    // By `ip_sort` (the address as the (site_id, ip_sort) index holds it), not by `ip`,
    // which no index of the site covers: that filter read every asset of the site.
    let mut ips: BTreeSet<String> = touched
        .observations
        .iter()
        .map(|(_, o)| ip_sort_key(o.ip))
        .collect();
    ips.extend(touched.extra_ips.iter().map(|ip| ip_sort_key(*ip)));
    // Ids first (the indexes answer them), then each row once: a report that names every
    // asset of the networks it swept would otherwise read every row three times over.
    let mut ids: BTreeSet<Uuid> = BTreeSet::new();
    let keys: Vec<&str> = keys.into_iter().collect();
    for chunk in keys.chunks(PER_QUERY) {
        let q = in_site(site_id).filter(asset::Column::IdentityKey.is_in(chunk.iter().copied()));
        ids.extend(ids_of(db, q).await?);
    }
    let ips: Vec<String> = ips.into_iter().collect();
    for chunk in ips.chunks(PER_QUERY) {
        let q = in_site(site_id).filter(asset::Column::IpSort.is_in(chunk.iter().cloned()));
        ids.extend(ids_of(db, q).await?);
    }
    for chunk in touched.networks.chunks(RANGES_PER_QUERY) {
        let any = chunk.iter().fold(Condition::any(), |c, net| {
            let (lo, hi) = ip_sort_range(net);
            c.add(asset::Column::IpSort.between(lo, hi))
        });
        ids.extend(ids_of(db, in_site(site_id).filter(any)).await?);
    }
    // In id order, as the whole-site load had, so change rows come out the same.
    let ids: Vec<Uuid> = ids.into_iter().collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(PER_QUERY) {
        let rows = asset::Entity::find()
            .filter(asset::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(asset::Column::Id)
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

async fn ids_of<C: ConnectionTrait>(
    db: &C,
    q: sea_orm::Select<asset::Entity>,
) -> StoreResult<Vec<Uuid>> {
    Ok(q.select_only()
        .column(asset::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

fn in_site(site_id: Uuid) -> sea_orm::Select<asset::Entity> {
    asset::Entity::find().filter(asset::Column::SiteId.eq(site_id))
}
