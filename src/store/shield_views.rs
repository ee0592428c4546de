//! What the API, the CLI and the dashboard read of Shield: findings with their life and
//! remediation (quick wins and important fixes), each site's posture with its trend, one scan
//! in full.
use super::entity::{shield_finding, shield_issue, shield_scan};
use super::error::{StoreError, StoreResult};
use super::page::{Page, PageRequest};
use super::shield_issues::OPEN;
use super::sites::SiteScope;
use crate::shield::catalog;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Remediation in both languages, from the catalogue when the check is known.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Remediation {
    pub en: String,
    pub tr: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssueView {
    pub id: Uuid,
    pub site: String,
    pub check_id: String,
    pub module: String,
    pub severity: String,
    pub title: String,
    /// What the latest scan saw.
    pub description: String,
    #[schema(value_type = Option<Object>)]
    pub evidence: serde_json::Value,
    pub target_ip: Option<String>,
    pub port: Option<i32>,
    pub asset_id: Option<Uuid>,
    /// `open` or `resolved`.
    pub status: String,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub reopened_count: i32,
    pub last_scan_id: Uuid,
    pub cve_id: Option<String>,
    pub cvss_score: Option<f64>,
    pub epss: Option<f64>,
    pub kev: Option<bool>,
    pub attack_technique: Option<String>,
    pub remediation: Remediation,
    /// `quick_win` (a configuration change) or `important_fix` (a reissue, an upgrade, a
    /// redesign).
    pub priority: String,
}

#[derive(Debug, Clone, Default)]
pub struct IssueFilter {
    pub site: Option<String>,
    pub severity: Option<String>,
    pub module: Option<String>,
    pub asset: Option<Uuid>,
    /// `open` (default for the dashboard), `resolved`, or None for both.
    pub status: Option<String>,
}

pub const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn severity_rank(s: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|x| *x == s)
        .unwrap_or(SEVERITIES.len())
}

async fn views<C: ConnectionTrait>(
    db: &C,
    scope: &SiteScope,
    issues: Vec<shield_issue::Model>,
) -> StoreResult<Vec<IssueView>> {
    let ids: Vec<Uuid> = issues.iter().map(|i| i.last_finding_id).collect();
    let mut findings: HashMap<Uuid, shield_finding::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        for f in shield_finding::Entity::find()
            .filter(shield_finding::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            findings.insert(f.id, f);
        }
    }
    Ok(issues
        .into_iter()
        .map(|i| {
            let f = findings.remove(&i.last_finding_id);
            let sent = f
                .as_ref()
                .map(|f| f.remediation.clone())
                .unwrap_or_default();
            let evidence = f.as_ref().map(|f| f.evidence.clone()).unwrap_or_default();
            let (en, tr) = catalog::remediation_of(&i.check_id, &evidence, &sent);
            IssueView {
                site: scope.name(i.site_id).to_string(),
                remediation: Remediation { en, tr },
                priority: if catalog::low_effort(&i.check_id) {
                    "quick_win".into()
                } else {
                    "important_fix".into()
                },
                description: f
                    .as_ref()
                    .map(|f| f.description.clone())
                    .unwrap_or_default(),
                evidence,
                cve_id: f.as_ref().and_then(|f| f.cve_id.clone()),
                cvss_score: f.as_ref().and_then(|f| f.cvss_score),
                epss: f.as_ref().and_then(|f| f.epss),
                kev: f.as_ref().and_then(|f| f.kev),
                // A sender that names a known check but no technique gets the catalogue's.
                attack_technique: f
                    .as_ref()
                    .and_then(|f| f.attack_technique.clone())
                    .or_else(|| catalog::check(&i.check_id).map(|c| c.attack.to_string())),
                id: i.id,
                check_id: i.check_id,
                module: i.module,
                severity: i.severity,
                title: i.title,
                target_ip: (!i.target_ip.is_empty()).then_some(i.target_ip),
                port: (i.port != 0).then_some(i.port),
                asset_id: i.asset_id,
                status: i.status,
                first_seen_at: i.first_seen_at,
                last_seen_at: i.last_seen_at,
                resolved_at: i.resolved_at,
                reopened_count: i.reopened_count,
                last_scan_id: i.last_scan_id,
            }
        })
        .collect())
}

/// Findings by filter, most severe first, then newest.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn findings<C: ConnectionTrait>(
    db: &C,
    filter: &IssueFilter,
    page: PageRequest,
) -> StoreResult<Page<IssueView>> {
    let scope = SiteScope::of(db, filter.site.as_deref()).await?;
    let mut q = scope.filter(shield_issue::Entity::find(), shield_issue::Column::SiteId);
    if let Some(s) = &filter.severity {
        if !SEVERITIES.contains(&s.as_str()) {
            return Err(StoreError::Invalid(format!(
                "severity must be one of {}",
                SEVERITIES.join(", ")
            )));
        }
        q = q.filter(shield_issue::Column::Severity.eq(s.as_str()));
    }
    if let Some(m) = &filter.module {
        q = q.filter(shield_issue::Column::Module.eq(m.as_str()));
    }
    if let Some(a) = filter.asset {
        q = q.filter(shield_issue::Column::AssetId.eq(a));
    }
    if let Some(s) = &filter.status {
        if s != OPEN && s != super::shield_issues::RESOLVED {
            return Err(StoreError::Invalid(
                "status must be open or resolved".into(),
            ));
        }
        q = q.filter(shield_issue::Column::Status.eq(s.as_str()));
    }
    // Most severe first (the names do not sort that way).
    let rank = sea_orm::sea_query::Expr::cust(
        "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END",
    );
    let q = q
        .order_by(rank, sea_orm::Order::Asc)
        .order_by_desc(shield_issue::Column::LastSeenAt)
        .order_by_asc(shield_issue::Column::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let items = views(db, &scope, rows).await?;
    Ok(page.wrap(items, total))
}

/// Open findings of one asset, most severe first.
pub async fn open_for_asset<C: ConnectionTrait>(
    db: &C,
    asset_id: Uuid,
) -> StoreResult<Vec<IssueView>> {
    let scope = SiteScope::of(db, None).await?;
    let mut rows = shield_issue::Entity::find()
        .filter(shield_issue::Column::AssetId.eq(asset_id))
        .filter(shield_issue::Column::Status.eq(OPEN))
        .limit(500)
        .all(db)
        .await?;
    rows.sort_by_key(|i| {
        (
            severity_rank(&i.severity),
            std::cmp::Reverse(i.last_seen_at),
        )
    });
    views(db, &scope, rows).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub at: DateTime<Utc>,
    pub score: f64,
    pub grade: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SitePosture {
    pub site: String,
    /// The latest scored scan's.
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub module_scores: BTreeMap<String, f64>,
    pub last_scan_id: Option<Uuid>,
    pub last_scan_at: Option<DateTime<Utc>>,
    /// Open findings per severity.
    pub open: BTreeMap<String, u64>,
    /// Scores of the latest scans, oldest first.
    pub trend: Vec<TrendPoint>,
}

const TREND_POINTS: u64 = 30;

/// Posture of each site in scope that has a Shield scan.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn posture<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
) -> StoreResult<Vec<SitePosture>> {
    let scope = SiteScope::of(db, site).await?;
    let mut site_ids: Vec<Uuid> = scope
        .filter(shield_scan::Entity::find(), shield_scan::Column::SiteId)
        .select_only()
        .column(shield_scan::Column::SiteId)
        .distinct()
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    site_ids.sort_by_key(|id| scope.name(*id).to_string());
    let mut out = Vec::new();
    for site_id in site_ids {
        let recent = shield_scan::Entity::find()
            .filter(shield_scan::Column::SiteId.eq(site_id))
            .filter(shield_scan::Column::Score.is_not_null())
            .order_by_desc(shield_scan::Column::StartedAt)
            .order_by_desc(shield_scan::Column::Id)
            .limit(TREND_POINTS)
            .all(db)
            .await?;
        let counts: Vec<(String, i64)> = shield_issue::Entity::find()
            .filter(shield_issue::Column::SiteId.eq(site_id))
            .filter(shield_issue::Column::Status.eq(OPEN))
            .select_only()
            .column(shield_issue::Column::Severity)
            .column_as(shield_issue::Column::Id.count(), "n")
            .group_by(shield_issue::Column::Severity)
            .into_tuple()
            .all(db)
            .await?;
        let latest = recent.first();
        out.push(SitePosture {
            site: scope.name(site_id).to_string(),
            score: latest.and_then(|s| s.score),
            grade: latest.and_then(|s| s.grade.clone()),
            module_scores: latest
                .and_then(|s| s.module_scores.clone())
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
            last_scan_id: latest.map(|s| s.id),
            last_scan_at: latest.map(|s| s.completed_at.unwrap_or(s.started_at)),
            open: counts
                .into_iter()
                .map(|(s, n)| (s, n.max(0) as u64))
                .collect(),
            trend: recent
                .iter()
                .rev()
                .filter_map(|s| {
                    Some(TrendPoint {
                        at: s.completed_at.unwrap_or(s.started_at),
                        score: s.score?,
                        grade: s.grade.clone()?,
                    })
                })
                .collect(),
        });
    }
    Ok(out)
}
