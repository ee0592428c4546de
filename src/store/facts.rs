//! What analysis reads about the assets of a site (or all sites): streamed one row at a time
//! with only the columns it needs (topology skips services), counted in SQL (compliance and
//! the network's shape), or loaded by id for the page being shown.
use super::entity::asset;
use super::error::StoreResult;
use super::sites::SiteScope;
use crate::model::{AssetFacts, ClassCount};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    site_id: Uuid,
    ip: String,
    mac: Option<String>,
    hostname: Option<String>,
    vendor: Option<String>,
    category: String,
    device_type: String,
    confidence: f64,
    manual_category: Option<String>,
    /// JSON documents are read as text and parsed once, straight into their types (not into
    /// a `serde_json::Value` tree first): the cost of a pass over 100 000 assets.
    open_ports: String,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    missing: bool,
    change_count: i32,
    switch_host: Option<String>,
    switch_port: Option<String>,
    services: String,
    shield_worst: i16,
}

/// The columns facts are made of; without services, an empty list stands in under that name
/// so the row type stays one.
fn select_facts(
    q: sea_orm::Select<asset::Entity>,
    with_services: bool,
) -> sea_orm::Selector<sea_orm::SelectModel<Row>> {
    let services = if with_services {
        "CAST(services AS TEXT)"
    } else {
        "'[]'"
    };
    q.select_only()
        .columns(super::projection::SUMMARY)
        .column_as(Expr::cust("CAST(open_ports AS TEXT)"), "open_ports")
        .column_as(Expr::cust(services), "services")
        .column(asset::Column::ShieldWorst)
        .into_model::<Row>()
}

fn facts_of(r: Row, scope: &SiteScope, with_services: bool) -> AssetFacts {
    AssetFacts {
        id: r.id,
        site: scope.name(r.site_id).to_string(),
        ip: r.ip,
        mac: r.mac,
        hostname: r.hostname,
        vendor: r.vendor,
        category: r.category,
        device_type: r.device_type,
        confidence: r.confidence,
        manual: r.manual_category.is_some(),
        open_ports: serde_json::from_str(&r.open_ports).unwrap_or_default(),
        services: if with_services {
            serde_json::from_str(&r.services).unwrap_or_default()
        } else {
            Vec::new()
        },
        first_seen: r.first_seen,
        last_seen: r.last_seen,
        missing: r.missing,
        change_count: r.change_count,
        switch_host: r.switch_host,
        switch_port: r.switch_port,
        shield_worst: r.shield_worst,
    }
}

/// The assets of `site` (None: all sites); an unknown site is an error, not an empty list.
async fn assets_of<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
) -> StoreResult<(sea_orm::Select<asset::Entity>, SiteScope)> {
    let scope = SiteScope::of(db, site).await?;
    Ok((
        scope.filter(asset::Entity::find(), asset::Column::SiteId),
        scope,
    ))
}

/// Which assets a read covers: one site or all, optionally one address range, and at most
/// `limit` of them (in site and address order).
#[derive(Clone, Copy, Debug, Default)]
pub struct Reach<'a> {
    pub site: Option<&'a str>,
    pub within: Option<&'a ipnet::IpNet>,
    pub limit: Option<u64>,
}

/// Hands the assets `reach` covers, without their services, to `each`, ordered by site and
/// address, one row at a time: 100 000 assets are never all in memory at once.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn for_each<C: ConnectionTrait + sea_orm::StreamTrait>(
    db: &C,
    reach: Reach<'_>,
    mut each: impl FnMut(AssetFacts),
) -> StoreResult<()> {
    use asset::Column as A;
    let (mut q, scope) = assets_of(db, reach.site).await?;
    if let Some(net) = reach.within {
        let (lo, hi) = super::identity::ip_sort_range(net);
        q = q.filter(A::IpSort.between(lo, hi));
    }
    let mut q = q
        .order_by_asc(A::SiteId)
        .order_by_asc(A::IpSort)
        .order_by_asc(A::Id);
    if let Some(n) = reach.limit {
        q = q.limit(n);
    }
    let rows = select_facts(q, false).stream(db).await?;
    let mut rows = std::pin::pin!(rows);
    while let Some(r) = futures_util::StreamExt::next(&mut rows).await {
        each(facts_of(r?, &scope, false));
    }
    Ok(())
}

/// Assets per site and implied network (the /24 of an IPv4 address, the /64 of an IPv6 one),
/// counted in SQL from the (site, address) index: the shape of the network without a row
/// per asset.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn per_network<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    within: Option<&ipnet::IpNet>,
) -> StoreResult<Vec<(String, ipnet::IpNet, u64)>> {
    let b = db.get_database_backend();
    let scope = SiteScope::of(db, site).await?;
    let (filter, values) = where_scope(b, &scope, within);
    // `ip_sort` is 32 hex digits of the IPv6(-mapped) address: an IPv4 /24 is its first 30
    // digits, an IPv6 /64 its first 16.
    let sql = format!(
        "SELECT site_id, CASE WHEN substr(ip_sort, 1, 24) = '{V4_MAPPED}' \
         THEN substr(ip_sort, 1, 30) ELSE substr(ip_sort, 1, 16) END AS net, \
         CAST(COUNT(*) AS BIGINT) AS n FROM assets {filter} GROUP BY 1, 2"
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(b, sql, values))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let site_id: Uuid = r.try_get("", "site_id")?;
        let prefix: String = r.try_get("", "net")?;
        let n: i64 = r.try_get("", "n")?;
        if let Some(net) = network_of_prefix(&prefix) {
            out.push((scope.name(site_id).to_string(), net, n.max(0) as u64));
        }
    }
    Ok(out)
}

/// `ip_sort`'s leading digits of an IPv4-mapped address.
const V4_MAPPED: &str = "00000000000000000000ffff";

/// The network a `per_network` prefix stands for.
fn network_of_prefix(prefix: &str) -> Option<ipnet::IpNet> {
    let n = u128::from_str_radix(&format!("{prefix:0<32}"), 16).ok()?;
    let v6 = std::net::Ipv6Addr::from(n);
    match (prefix.len(), v6.to_ipv4_mapped()) {
        (30, Some(v4)) => ipnet::Ipv4Net::new(v4, 24).ok().map(Into::into),
        (16, _) => ipnet::Ipv6Net::new(v6, 64).ok().map(Into::into),
        _ => None,
    }
}

/// Assets of `site` inside `net` but outside every one of `except`.
pub async fn count_outside<C: ConnectionTrait>(
    db: &C,
    site: &str,
    net: &ipnet::IpNet,
    except: &[ipnet::IpNet],
) -> StoreResult<u64> {
    use asset::Column as A;
    use sea_orm::PaginatorTrait;
    let scope = SiteScope::of(db, Some(site)).await?;
    let (lo, hi) = super::identity::ip_sort_range(net);
    let mut q = scope
        .filter(asset::Entity::find(), A::SiteId)
        .filter(A::IpSort.between(lo, hi));
    for e in except {
        let (lo, hi) = super::identity::ip_sort_range(e);
        q = q.filter(A::IpSort.not_between(lo, hi));
    }
    Ok(q.count(db).await?)
}

/// Bound parameters per `IN (…)` list, well under every backend's limit.
const IDS_PER_QUERY: usize = 500;

/// The facts (with services) of the assets with these ids; unknown ids are skipped.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn by_ids<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> StoreResult<Vec<AssetFacts>> {
    let scope = SiteScope::of(db, None).await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let q = asset::Entity::find().filter(asset::Column::Id.is_in(chunk.iter().copied()));
        for r in select_facts(q, true).all(db).await? {
            out.push(facts_of(r, &scope, true));
        }
    }
    Ok(out)
}

/// A raw `WHERE` over the assets of `scope`, optionally inside one address range, with its
/// bound values (empty when it covers every asset).
pub(super) fn where_scope(
    b: sea_orm::DbBackend,
    scope: &SiteScope,
    within: Option<&ipnet::IpNet>,
) -> (String, Vec<sea_orm::Value>) {
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut conds: Vec<String> = Vec::new();
    if let Some(id) = scope.id() {
        values.push(id.into());
        conds.push(format!("site_id = {}", super::placeholder(b, values.len())));
    }
    if let Some(net) = within {
        let (lo, hi) = super::identity::ip_sort_range(net);
        values.push(lo.into());
        values.push(hi.into());
        conds.push(format!(
            "ip_sort BETWEEN {} AND {}",
            super::placeholder(b, values.len() - 1),
            super::placeholder(b, values.len())
        ));
    }
    if conds.is_empty() {
        (String::new(), values)
    } else {
        (format!("WHERE {}", conds.join(" AND ")), values)
    }
}

/// Assets counted by (site, group, manual, confidence band), optionally inside one site and
/// address range: compliance without loading a row per asset.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn classification_counts<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    net: Option<&ipnet::IpNet>,
) -> StoreResult<Vec<ClassCount>> {
    let b = db.get_database_backend();
    let scope = SiteScope::of(db, site).await?;
    let (filter, values) = where_scope(b, &scope, net);
    let sql = format!(
        "SELECT site_id, category, \
         CASE WHEN manual_category IS NULL THEN 0 ELSE 1 END AS manual, \
         CASE WHEN confidence >= 0.7 THEN 2 WHEN confidence >= 0.3 THEN 1 ELSE 0 END AS band, \
         COUNT(*) AS n FROM assets {filter} GROUP BY 1, 2, 3, 4"
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(b, sql, values))
        .await?;
    rows.iter().map(|r| class_count_of(r, &scope)).collect()
}

/// A row of (site_id, category, manual, band, n) as counted above.
pub(crate) fn class_count_of(
    r: &sea_orm::QueryResult,
    scope: &SiteScope,
) -> StoreResult<ClassCount> {
    let site_id: Uuid = r.try_get("", "site_id")?;
    let manual: i32 = r.try_get("", "manual")?;
    let band: i32 = r.try_get("", "band")?;
    let n: i64 = r.try_get("", "n")?;
    Ok(ClassCount {
        site: scope.name(site_id).to_string(),
        category: r.try_get("", "category")?,
        manual: manual != 0,
        band: band.clamp(0, 2) as u8,
        n: n.max(0) as u64,
    })
}

/// Assets needing classification work (not tagged by hand; unclassified first, then low
/// confidence), at most `limit`, with how many there are in all.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn action_candidates<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    limit: u64,
) -> StoreResult<(Vec<AssetFacts>, u64)> {
    use asset::Column as A;
    use sea_orm::{Condition, PaginatorTrait};
    let scope = SiteScope::of(db, site).await?;
    let base = scope.filter(
        asset::Entity::find().filter(A::ManualCategory.is_null()),
        A::SiteId,
    );
    let unclassified = Condition::any()
        .add(A::Confidence.lt(0.3))
        .add(A::Category.eq("unclassified"));
    let review = Condition::all()
        .add(A::Confidence.gte(0.3))
        .add(A::Confidence.lt(0.7))
        .add(A::Category.ne("unclassified"));
    let mut out = Vec::new();
    let mut total = 0;
    for cond in [unclassified, review] {
        let q = base.clone().filter(cond);
        total += q.clone().count(db).await?;
        let room = limit.saturating_sub(out.len() as u64);
        if room == 0 {
            continue;
        }
        let rows = q
            .order_by_asc(A::SiteId)
            .order_by_asc(A::IpSort)
            .limit(room)
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|a| AssetFacts {
            id: a.id,
            site: scope.name(a.site_id).to_string(),
            ip: a.ip,
            hostname: a.hostname,
            category: a.category,
            confidence: a.confidence,
            ..Default::default()
        }));
    }
    Ok((out, total))
}
