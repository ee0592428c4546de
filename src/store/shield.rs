//! Shield scans and their findings, as agents deliver them. Saving is idempotent on the
//! report id, like discovery scans.
use super::entity::{shield_finding, shield_scan};
use super::error::{StoreError, StoreResult};
use super::page::{Page, PageRequest};
use super::sites::SiteScope;
use super::{begin_write, rows_per_insert, sites};
use crate::model::shield::ShieldReport;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub use crate::model::agent_api::ShieldSaved;

/// Stores a shield report for `site` in one transaction.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn save(
    db: &DatabaseConnection,
    report: &ShieldReport,
    site: &str,
    agent_id: Option<Uuid>,
) -> StoreResult<ShieldSaved> {
    report.validate()?;
    match save_once(db, report, site, agent_id).await {
        Ok(saved) => Ok(saved),
        // Two deliveries of one report raced (PostgreSQL lets both reach the INSERT, and the
        // loser hits the unique report id): the loser answers with the winner's row.
        Err(StoreError::Db(e)) => {
            let site = sites::validate_name(site)?;
            match already_saved(db, report, site).await? {
                Some(saved) => Ok(saved),
                None => Err(StoreError::Db(e)),
            }
        }
        Err(e) => Err(e),
    }
}

/// The stored copy of this report, if any; a conflict when another site holds it.
async fn already_saved<C: ConnectionTrait>(
    db: &C,
    report: &ShieldReport,
    site_name: &str,
) -> StoreResult<Option<ShieldSaved>> {
    let Some(existing) = shield_scan::Entity::find()
        .filter(shield_scan::Column::ReportId.eq(report.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let owner = sites::name_of(db, existing.site_id).await?;
    if owner != site_name {
        return Err(StoreError::Conflict(format!(
            "shield report {} was already stored for another site",
            report.id
        )));
    }
    let findings = shield_finding::Entity::find()
        .filter(shield_finding::Column::ShieldScanId.eq(existing.id))
        .count(db)
        .await? as usize;
    Ok(Some(ShieldSaved {
        shield_scan_id: existing.id,
        site: owner,
        already_saved: true,
        findings,
    }))
}

async fn save_once(
    db: &DatabaseConnection,
    report: &ShieldReport,
    site: &str,
    agent_id: Option<Uuid>,
) -> StoreResult<ShieldSaved> {
    let txn = begin_write(db).await?;
    let site = sites::ensure(&txn, site).await?;
    if let Some(saved) = already_saved(&txn, report, &site.name).await? {
        return Ok(saved);
    }
    let id = Uuid::now_v7();
    shield_scan::Entity::insert(shield_scan::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        agent_id: Set(agent_id),
        target: Set(report.target.clone()),
        preset: Set(report.preset.as_str().into()),
        modules: Set(serde_json::json!(report.modules)),
        started_at: Set(report.started_at),
        completed_at: Set(report.completed_at),
        score: Set(report.score),
        grade: Set(report.grade.clone()),
        report_id: Set(Some(report.id)),
    })
    .exec(&txn)
    .await?;
    let now = Utc::now();
    let rows: Vec<shield_finding::ActiveModel> = report
        .findings
        .iter()
        .map(|f| shield_finding::ActiveModel {
            id: Set(Uuid::now_v7()),
            shield_scan_id: Set(id),
            module: Set(f.module.clone()),
            severity: Set(serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()),
            title: Set(f.title.clone()),
            description: Set(f.description.clone()),
            remediation: Set(f.remediation.clone()),
            target_ip: Set(f.target_ip.map(|ip| ip.to_string())),
            port: Set(f.port.map(i32::from)),
            evidence: Set(f.evidence.clone()),
            created_at: Set(now),
            cve_id: Set(f.cve_id.clone()),
            cvss_score: Set(f.cvss_score),
            attack_technique: Set(f.attack_technique.clone()),
        })
        .collect();
    let count = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows
            .by_ref()
            .take(rows_per_insert::<shield_finding::Entity>())
            .collect();
        shield_finding::Entity::insert_many(chunk)
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(ShieldSaved {
        shield_scan_id: id,
        site: site.name,
        already_saved: false,
        findings: count,
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShieldScanView {
    pub id: Uuid,
    pub site: String,
    pub agent_id: Option<Uuid>,
    pub target: String,
    pub preset: String,
    pub modules: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub score: Option<f64>,
    pub grade: Option<String>,
    /// Findings per severity.
    pub severity_counts: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    pub id: Uuid,
    pub module: String,
    pub severity: String,
    pub title: String,
    pub description: String,
    pub remediation: String,
    pub target_ip: Option<String>,
    pub port: Option<i32>,
    /// Whatever the check recorded (an object, or null when it recorded nothing).
    #[schema(value_type = Option<Object>)]
    pub evidence: serde_json::Value,
    pub cve_id: Option<String>,
    pub cvss_score: Option<f64>,
    pub attack_technique: Option<String>,
}

fn finding_view(f: shield_finding::Model) -> FindingView {
    FindingView {
        id: f.id,
        module: f.module,
        severity: f.severity,
        title: f.title,
        description: f.description,
        remediation: f.remediation,
        target_ip: f.target_ip,
        port: f.port,
        evidence: f.evidence,
        cve_id: f.cve_id,
        cvss_score: f.cvss_score,
        attack_technique: f.attack_technique,
    }
}

async fn findings_of<C: ConnectionTrait>(
    db: &C,
    scan_ids: &[Uuid],
) -> StoreResult<Vec<shield_finding::Model>> {
    Ok(shield_finding::Entity::find()
        .filter(shield_finding::Column::ShieldScanId.is_in(scan_ids.iter().copied()))
        .order_by_asc(shield_finding::Column::Id)
        .all(db)
        .await?)
}

/// Newest shield scans first, one site or all.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    page: PageRequest,
) -> StoreResult<Page<ShieldScanView>> {
    let mut q = shield_scan::Entity::find();
    let scope = SiteScope::of(db, site).await?;
    q = scope.filter(q, shield_scan::Column::SiteId);
    let q = q
        .order_by_desc(shield_scan::Column::StartedAt)
        .order_by_desc(shield_scan::Column::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut counts: BTreeMap<Uuid, BTreeMap<String, usize>> = BTreeMap::new();
    for f in findings_of(db, &ids).await? {
        *counts
            .entry(f.shield_scan_id)
            .or_default()
            .entry(f.severity)
            .or_default() += 1;
    }
    let items = rows
        .into_iter()
        .map(|s| ShieldScanView {
            severity_counts: counts.remove(&s.id).unwrap_or_default(),
            site: scope.name(s.site_id).to_string(),
            id: s.id,
            agent_id: s.agent_id,
            target: s.target,
            preset: s.preset,
            modules: serde_json::from_value(s.modules).unwrap_or_default(),
            started_at: s.started_at,
            completed_at: s.completed_at,
            score: s.score,
            grade: s.grade,
        })
        .collect();
    Ok(page.wrap(items, total))
}

/// Every finding of one shield scan.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn findings<C: ConnectionTrait>(db: &C, scan_id: Uuid) -> StoreResult<Vec<FindingView>> {
    if shield_scan::Entity::find_by_id(scan_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("shield scan {scan_id}")));
    }
    Ok(findings_of(db, &[scan_id])
        .await?
        .into_iter()
        .map(finding_view)
        .collect())
}
