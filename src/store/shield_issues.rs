//! The life of Shield findings across scans: one `shield_issues` row per (site, check,
//! address, port), open while scans see it, resolved (kept) when a later scan of that host by
//! that module does not, reopened when it returns. A report delivered late (from an agent's
//! offline queue) never overrides what a newer scan said.
use super::entity::{asset, shield_issue};
use super::error::StoreResult;
use crate::model::shield::{Finding, ShieldReport, valid_check_id};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

pub const OPEN: &str = "open";
pub const RESOLVED: &str = "resolved";

/// The stored rank of a severity (`assets.shield_worst`): 4 critical … 1 low, 0 otherwise.
pub fn severity_rank(severity: &str) -> i16 {
    match severity {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

/// Values per IN list (well under SQLite's and PostgreSQL's parameter limits).
const IN_CHUNK: usize = 500;

/// The stable id of a finding: its own, or one made from its module and title for senders
/// that do not give one.
pub fn check_id_of(f: &Finding) -> String {
    if let Some(id) = f.check_id.as_deref().filter(|id| valid_check_id(id)) {
        return id.to_string();
    }
    let slug = |s: &str| -> String {
        let mut out = String::new();
        for c in s.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('_') {
                out.push('_');
            }
        }
        out.trim_matches('_').to_string()
    };
    let mut id = format!("{}.{}", slug(&f.module), slug(&f.title));
    id.truncate(64);
    id
}

type Key = (String, String, i32);

fn key_of(f: &Finding) -> Key {
    (
        check_id_of(f),
        f.target_ip.map(|ip| ip.to_string()).unwrap_or_default(),
        f.port.map(i32::from).unwrap_or(0),
    )
}

/// Asset ids of the report's addresses in this site (the most recently seen asset of each).
pub async fn assets_by_ip<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    report: &ShieldReport,
) -> StoreResult<HashMap<String, Uuid>> {
    let ips: BTreeSet<String> = report
        .findings
        .iter()
        .filter_map(|f| f.target_ip.map(|ip| ip.to_string()))
        .chain(report.hosts.iter().map(|h| h.ip.to_string()))
        .collect();
    let ips: Vec<String> = ips.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in ips.chunks(IN_CHUNK) {
        let rows = asset::Entity::find()
            .filter(asset::Column::SiteId.eq(site_id))
            .filter(asset::Column::Ip.is_in(chunk.iter().cloned()))
            .order_by_asc(asset::Column::LastSeen)
            .all(db)
            .await?;
        // Ascending: the newest of one address is written last and wins.
        for a in rows {
            out.insert(a.ip, a.id);
        }
    }
    Ok(out)
}

async fn issues_at<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    ips: &BTreeSet<String>,
) -> StoreResult<Vec<shield_issue::Model>> {
    let ips: Vec<String> = ips.iter().cloned().collect();
    let mut out = Vec::new();
    for chunk in ips.chunks(IN_CHUNK) {
        out.extend(
            shield_issue::Entity::find()
                .filter(shield_issue::Column::SiteId.eq(site_id))
                .filter(shield_issue::Column::TargetIp.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Records one stored report's findings (`finding_ids` in report order) in the issues.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    scan_id: Uuid,
    report: &ShieldReport,
    finding_ids: &[Uuid],
    assets: &HashMap<String, Uuid>,
) -> StoreResult<()> {
    let at: DateTime<Utc> = report.started_at;
    let mut seen: HashMap<Key, (&Finding, Uuid)> = HashMap::new();
    for (f, id) in report.findings.iter().zip(finding_ids) {
        seen.insert(key_of(f), (f, *id));
    }
    let mut ips: BTreeSet<String> = seen.keys().map(|k| k.1.clone()).collect();
    ips.extend(report.hosts.iter().map(|h| h.ip.to_string()));
    let existing = issues_at(db, site_id, &ips).await?;
    let mut known: HashMap<Key, shield_issue::Model> = existing
        .into_iter()
        .map(|i| ((i.check_id.clone(), i.target_ip.clone(), i.port), i))
        .collect();
    let assessed: HashMap<String, BTreeSet<&str>> = report
        .hosts
        .iter()
        .map(|h| {
            (
                h.ip.to_string(),
                h.modules.iter().map(String::as_str).collect(),
            )
        })
        .collect();

    let mut inserts = Vec::new();
    for (key, (f, finding_id)) in &seen {
        let severity = super::shield::severity_name(f.severity).to_string();
        let asset_id = assets.get(&key.1).copied();
        match known.remove(key) {
            // A newer scan already spoke about this one: a late report changes nothing.
            Some(i) if i.last_seen_at > at || i.resolved_at.is_some_and(|r| r > at) => {}
            Some(i) => {
                let reopened = i.status != OPEN;
                shield_issue::Entity::update_many()
                    .col_expr(shield_issue::Column::Status, Expr::value(OPEN))
                    .col_expr(shield_issue::Column::LastSeenAt, Expr::value(at))
                    .col_expr(shield_issue::Column::LastScanId, Expr::value(scan_id))
                    .col_expr(
                        shield_issue::Column::LastFindingId,
                        Expr::value(*finding_id),
                    )
                    .col_expr(shield_issue::Column::Severity, Expr::value(severity))
                    .col_expr(shield_issue::Column::Title, Expr::value(f.title.clone()))
                    .col_expr(
                        shield_issue::Column::AssetId,
                        Expr::value(asset_id.or(i.asset_id)),
                    )
                    .col_expr(
                        shield_issue::Column::ResolvedAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(
                        shield_issue::Column::ReopenedCount,
                        Expr::value(i.reopened_count + i32::from(reopened)),
                    )
                    .filter(shield_issue::Column::Id.eq(i.id))
                    .exec(db)
                    .await?;
            }
            None => inserts.push(shield_issue::ActiveModel {
                id: Set(Uuid::now_v7()),
                site_id: Set(site_id),
                check_id: Set(key.0.clone()),
                module: Set(f.module.clone()),
                target_ip: Set(key.1.clone()),
                port: Set(key.2),
                severity: Set(severity),
                title: Set(f.title.clone()),
                status: Set(OPEN.into()),
                first_seen_at: Set(at),
                last_seen_at: Set(at),
                resolved_at: Set(None),
                reopened_count: Set(0),
                last_scan_id: Set(scan_id),
                last_finding_id: Set(*finding_id),
                asset_id: Set(asset_id),
            }),
        }
    }
    let mut rows = inserts.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows
            .by_ref()
            .take(super::rows_per_insert::<shield_issue::Entity>())
            .collect();
        shield_issue::Entity::insert_many(chunk).exec(db).await?;
    }
    // What is left is known but not seen now: resolved when this scan looked for it.
    let resolved: Vec<Uuid> = known
        .into_values()
        .filter(|i| {
            i.status == OPEN
                && i.last_seen_at <= at
                && assessed
                    .get(&i.target_ip)
                    .is_some_and(|modules| modules.contains(i.module.as_str()))
        })
        .map(|i| i.id)
        .collect();
    for chunk in resolved.chunks(IN_CHUNK) {
        shield_issue::Entity::update_many()
            .col_expr(shield_issue::Column::Status, Expr::value(RESOLVED))
            .col_expr(shield_issue::Column::ResolvedAt, Expr::value(at))
            .col_expr(shield_issue::Column::LastScanId, Expr::value(scan_id))
            .filter(shield_issue::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let touched: BTreeSet<Uuid> = assets.values().copied().collect();
    rescore_assets(db, site_id, &touched).await
}

/// Sets each asset's most severe open finding and rescores it: its stored risk takes the
/// findings as a factor.
async fn rescore_assets<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    ids: &BTreeSet<Uuid>,
) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = ids.iter().copied().collect();
    let mut worst: HashMap<Uuid, i16> = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let open = shield_issue::Entity::find()
            .filter(shield_issue::Column::SiteId.eq(site_id))
            .filter(shield_issue::Column::Status.eq(OPEN))
            .filter(shield_issue::Column::AssetId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for i in open {
            if let Some(a) = i.asset_id {
                let w = worst.entry(a).or_default();
                *w = (*w).max(severity_rank(&i.severity));
            }
        }
    }
    let mut scorer =
        super::scores::Scorer::new(crate::analysis::vulns::CveSnapshot::shared(), Utc::now());
    for chunk in ids.chunks(IN_CHUNK) {
        for mut a in asset::Entity::find()
            .filter(asset::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            let w = worst.get(&a.id).copied().unwrap_or(0);
            if a.shield_worst == w {
                continue;
            }
            a.shield_worst = w;
            scorer.fill(&mut a);
            super::scores::write_shield(db, &a).await?;
        }
    }
    Ok(())
}
