//! The assets of a site that one report can touch: those it names (identity keys and IPs,
//! including its certificates' IPs) and those inside the networks it swept (which it may mark
//! absent). A report's cost then grows with the report, not with the site.
use super::entity::asset;
use super::error::StoreResult;
use super::identity::{ip_sort_key, ip_sort_range};
use crate::model::AssetObservation;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeSet, HashSet};
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
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut keep = |rows: Vec<asset::Model>, out: &mut Vec<asset::Model>| {
        for row in rows {
            if seen.insert(row.id) {
                out.push(row);
            }
        }
    };
    let keys: Vec<&str> = keys.into_iter().collect();
    for chunk in keys.chunks(PER_QUERY) {
        let rows = in_site(site_id)
            .filter(asset::Column::IdentityKey.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        keep(rows, &mut out);
    }
    let ips: Vec<String> = ips.into_iter().collect();
    for chunk in ips.chunks(PER_QUERY) {
        let rows = in_site(site_id)
            .filter(asset::Column::IpSort.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        keep(rows, &mut out);
    }
    for chunk in touched.networks.chunks(RANGES_PER_QUERY) {
        let any = chunk.iter().fold(Condition::any(), |c, net| {
            let (lo, hi) = ip_sort_range(net);
            c.add(asset::Column::IpSort.between(lo, hi))
        });
        let rows = in_site(site_id).filter(any).all(db).await?;
        keep(rows, &mut out);
    }
    // The order the whole-site load had (by id), so change rows come out the same.
    out.sort_by_key(|a| a.id);
    Ok(out)
}

fn in_site(site_id: Uuid) -> sea_orm::Select<asset::Entity> {
    asset::Entity::find().filter(asset::Column::SiteId.eq(site_id))
}
