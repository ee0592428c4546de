//! The stored per-asset analysis (`analysis::scores`): written with every asset a save or a
//! tag changes, kept current as assets age (`refresh_due`) and after an upgrade brings a new
//! formula or CVE snapshot (`rescore_stale`), and read back as indexed pages and sums, so no
//! risk or CVE answer passes over the inventory.
use super::entity::asset;
use super::error::StoreResult;
use super::sites::SiteScope;
use super::{begin_write, placeholder};
use crate::analysis::risk::{self, LevelTotals};
use crate::analysis::scores::{self, AssetScores};
use crate::analysis::vulns::{CveSnapshot, Matcher, VulnTotals};
use crate::model::{AssetFacts, Service};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

/// Assets rescored per transaction: short write locks, so saves interleave.
const BATCH: u64 = 500;
/// `store_meta` key of the version every asset has been scored with.
const META_KEY: &str = "scored_with";

/// What scoring reads of a stored asset.
fn facts_of(a: &asset::Model) -> AssetFacts {
    AssetFacts {
        category: a.category.clone(),
        open_ports: serde_json::from_value(a.open_ports.clone()).unwrap_or_default(),
        services: serde_json::from_value::<Vec<Service>>(a.services.clone()).unwrap_or_default(),
        first_seen: a.first_seen,
        change_count: a.change_count,
        shield_worst: a.shield_worst,
        ..Default::default()
    }
}

/// Scores assets about to be written, remembering matches per distinct service list.
pub struct Scorer<'a> {
    matcher: Matcher<'a>,
    version: String,
    now: DateTime<Utc>,
}

impl<'a> Scorer<'a> {
    pub fn new(cves: &'a CveSnapshot, now: DateTime<Utc>) -> Self {
        Scorer {
            matcher: Matcher::new(cves),
            version: scores::version(cves),
            now,
        }
    }

    pub fn scores(&mut self, a: &asset::Model) -> AssetScores {
        let facts = facts_of(a);
        scores::of(&facts, self.matcher.matches(&facts), self.now)
    }

    /// Sets the stored figures of `a` from its own facts.
    pub fn fill(&mut self, a: &mut asset::Model) {
        let s = self.scores(a);
        a.risk_centis = s.risk_centis;
        a.risk_due = s.risk_due;
        a.cve_count = s.cves.count as i32;
        a.cve_max = s.cves.max_cvss;
        a.cve_kev = s.cves.kev;
        let [critical, high, medium, low] = s.cves.by_severity.map(|n| n as i32);
        (a.cve_critical, a.cve_high, a.cve_medium, a.cve_low) = (critical, high, medium, low);
        a.scored_with = self.version.clone();
    }
}

/// Rewrites the stored figures of `a` (filled by `Scorer::fill`) where `guard` still holds,
/// so a rescore never overwrites what a save wrote meanwhile.
async fn write<C: ConnectionTrait>(db: &C, a: &asset::Model, guard: Condition) -> StoreResult<()> {
    use asset::Column as A;
    asset::Entity::update_many()
        .col_expr(A::RiskCentis, Expr::value(a.risk_centis))
        .col_expr(A::RiskDue, Expr::value(a.risk_due))
        .col_expr(A::CveCount, Expr::value(a.cve_count))
        .col_expr(A::CveMax, Expr::value(a.cve_max))
        .col_expr(A::CveKev, Expr::value(a.cve_kev))
        .col_expr(A::CveCritical, Expr::value(a.cve_critical))
        .col_expr(A::CveHigh, Expr::value(a.cve_high))
        .col_expr(A::CveMedium, Expr::value(a.cve_medium))
        .col_expr(A::CveLow, Expr::value(a.cve_low))
        .col_expr(A::ScoredWith, Expr::value(a.scored_with.clone()))
        .filter(A::Id.eq(a.id))
        .filter(guard)
        .exec(db)
        .await?;
    Ok(())
}

/// Writes an asset's Shield rank with the scores it changes (inside the Shield save's
/// transaction).
pub async fn write_shield<C: ConnectionTrait>(db: &C, a: &asset::Model) -> StoreResult<()> {
    asset::Entity::update_many()
        .col_expr(asset::Column::ShieldWorst, Expr::value(a.shield_worst))
        .filter(asset::Column::Id.eq(a.id))
        .exec(db)
        .await?;
    write(db, a, Condition::all()).await
}

/// Rescores the assets whose age moved their score by `now`, in bounded batches; returns how
/// many changed. The lifecycle sweep calls it, so stored scores follow the calendar.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn refresh_due(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<u64> {
    use asset::Column as A;
    let cves = CveSnapshot::shared();
    let mut scorer = Scorer::new(cves, now);
    let mut done = 0;
    loop {
        let txn = begin_write(db).await?;
        let due = asset::Entity::find()
            .filter(A::RiskDue.lte(now))
            .order_by_asc(A::RiskDue)
            .limit(BATCH)
            .all(&txn)
            .await?;
        for mut a in due.iter().cloned() {
            scorer.fill(&mut a);
            write(&txn, &a, Condition::all().add(A::RiskDue.lte(now))).await?;
        }
        txn.commit().await?;
        done += due.len() as u64;
        if (due.len() as u64) < BATCH {
            return Ok(done);
        }
        tokio::task::yield_now().await;
    }
}

/// After an upgrade that changed the formula or the CVE snapshot, rescores every asset
/// scored with another version, in batches, then records the version; returns how many it
/// rescored. When the version is already recorded it costs one read.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn rescore_stale(db: &DatabaseConnection) -> StoreResult<u64> {
    use asset::Column as A;
    let cves = CveSnapshot::shared();
    let version = scores::version(cves);
    if recorded_version(db).await?.as_deref() == Some(version.as_str()) {
        return Ok(0);
    }
    let mut scorer = Scorer::new(cves, Utc::now());
    let mut after = Uuid::nil();
    let mut done = 0;
    loop {
        let txn = begin_write(db).await?;
        let stale = asset::Entity::find()
            .filter(A::ScoredWith.ne(version.as_str()))
            .filter(A::Id.gt(after))
            .order_by_asc(A::Id)
            .limit(BATCH)
            .all(&txn)
            .await?;
        for mut a in stale.iter().cloned() {
            scorer.fill(&mut a);
            write(
                &txn,
                &a,
                Condition::all().add(A::ScoredWith.ne(version.as_str())),
            )
            .await?;
        }
        txn.commit().await?;
        done += stale.len() as u64;
        match stale.last() {
            Some(last) if stale.len() as u64 == BATCH => after = last.id,
            _ => break,
        }
        tokio::task::yield_now().await;
    }
    record_version(db, &version).await?;
    Ok(done)
}

async fn recorded_version<C: ConnectionTrait>(db: &C) -> StoreResult<Option<String>> {
    let b = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            b,
            format!(
                "SELECT value FROM store_meta WHERE key = {}",
                placeholder(b, 1)
            ),
            [META_KEY.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("", "value")?),
        None => None,
    })
}

async fn record_version<C: ConnectionTrait>(db: &C, version: &str) -> StoreResult<()> {
    let b = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        b,
        format!(
            "INSERT INTO store_meta (key, value) VALUES ({}, {}) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            placeholder(b, 1),
            placeholder(b, 2)
        ),
        [META_KEY.into(), version.into()],
    ))
    .await?;
    Ok(())
}

fn count(r: &sea_orm::QueryResult, col: &str) -> StoreResult<u64> {
    let n: i64 = r.try_get("", col)?;
    Ok(n.max(0) as u64)
}

/// The risk summary of `site` (None: all sites), summed from the stored scores.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn risk_totals<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
) -> StoreResult<LevelTotals> {
    let b = db.get_database_backend();
    let scope = SiteScope::of(db, site).await?;
    let (filter, values) = super::facts::where_scope(b, &scope, None);
    let levels: String = risk::LEVELS
        .iter()
        .enumerate()
        .map(|(i, (from, _))| {
            let above = risk::LEVELS[..i]
                .last()
                .map(|(upper, _)| format!(" AND risk_centis < {upper}"))
                .unwrap_or_default();
            format!(
                ", CAST(COALESCE(SUM(CASE WHEN risk_centis >= {from}{above} THEN 1 ELSE 0 END), 0) AS BIGINT) AS l{i}"
            )
        })
        .collect();
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(COALESCE(SUM(risk_centis), 0) AS BIGINT) AS total, \
         CAST(COALESCE(MAX(risk_centis), 0) AS BIGINT) AS top{levels} FROM assets {filter}"
    );
    let Some(r) = db
        .query_one_raw(Statement::from_sql_and_values(b, sql, values))
        .await?
    else {
        return Ok(LevelTotals::default());
    };
    let assets = count(&r, "n")?;
    let mut per_level = [0u64; 5];
    for (i, slot) in per_level.iter_mut().take(risk::LEVELS.len()).enumerate() {
        *slot = count(&r, &format!("l{i}"))?;
    }
    per_level[risk::LEVELS.len()] = assets - per_level.iter().sum::<u64>();
    let top: i64 = r.try_get("", "top")?;
    Ok(LevelTotals {
        assets,
        sum_centis: r.try_get("", "total")?,
        max_centis: top as i32,
        per_level,
    })
}

/// Ids of `limit` assets of `site` from `offset`, highest risk first (then site, address, id:
/// the order of the risk indexes).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn risk_order<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<Uuid>> {
    use asset::Column as A;
    let scope = SiteScope::of(db, site).await?;
    let q = scope
        .filter(asset::Entity::find(), A::SiteId)
        .order_by_desc(A::RiskCentis);
    ids_from(db, q, offset, limit).await
}

/// The ids of `q` (already ordered by its key) from `offset`, ties broken by site, address
/// and id as the indexes hold them.
async fn ids_from<C: ConnectionTrait>(
    db: &C,
    q: sea_orm::Select<asset::Entity>,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<Uuid>> {
    use asset::Column as A;
    Ok(q.select_only()
        .column(A::Id)
        .order_by_asc(A::SiteId)
        .order_by_asc(A::IpSort)
        .order_by_asc(A::Id)
        .offset(offset)
        .limit(limit)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// The CVE totals of `site` (None: all sites), summed from the stored figures.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn vuln_totals<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
) -> StoreResult<VulnTotals> {
    let b = db.get_database_backend();
    let scope = SiteScope::of(db, site).await?;
    let (filter, values) = super::facts::where_scope(b, &scope, None);
    let sum =
        |expr: &str, name: &str| format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT) AS {name}");
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n, {}, {}, {}, {}, {}, {}, {} FROM assets {filter}",
        sum("CASE WHEN cve_count > 0 THEN 1 ELSE 0 END", "vulnerable"),
        sum("CASE WHEN cve_kev THEN 1 ELSE 0 END", "kev"),
        sum("cve_count", "matches"),
        sum("cve_critical", "critical"),
        sum("cve_high", "high"),
        sum("cve_medium", "medium"),
        sum("cve_low", "low"),
    );
    let Some(r) = db
        .query_one_raw(Statement::from_sql_and_values(b, sql, values))
        .await?
    else {
        return Ok(VulnTotals::default());
    };
    let mut by_severity = std::collections::BTreeMap::new();
    let mut rated = 0;
    for name in ["critical", "high", "medium", "low"] {
        let n = count(&r, name)? as usize;
        rated += n;
        if n > 0 {
            by_severity.insert(name.to_string(), n);
        }
    }
    let none = (count(&r, "matches")? as usize).saturating_sub(rated);
    if none > 0 {
        by_severity.insert("none".to_string(), none);
    }
    Ok(VulnTotals {
        assets_scanned: count(&r, "n")? as usize,
        vulnerable_assets: count(&r, "vulnerable")? as usize,
        by_severity,
        kev_assets: count(&r, "kev")? as usize,
    })
}

/// Ids of `limit` vulnerable assets of `site` from `offset`, worst first: actively exploited,
/// then the highest CVSS (then site, address, id: the order of the CVE indexes).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn vuln_order<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    kev_only: bool,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<Uuid>> {
    use asset::Column as A;
    let scope = SiteScope::of(db, site).await?;
    let mut q = scope
        .filter(asset::Entity::find(), A::SiteId)
        // As the partial indexes say it, so both backends use them.
        .filter(Expr::cust("cve_count > 0"));
    if kev_only {
        q = q.filter(A::CveKev.eq(true));
    }
    let q = q.order_by_desc(A::CveKev).order_by_desc(A::CveMax);
    ids_from(db, q, offset, limit).await
}
