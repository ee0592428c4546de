//! Shield scans and their findings, as agents deliver them. Saving is idempotent on the
//! report id, like discovery scans.
use super::entity::{shield_finding, shield_scan};
use super::error::{StoreError, StoreResult};
use super::page::{Page, PageRequest};
use super::shield_issues;
use super::sites::SiteScope;
use super::{begin_write, rows_per_insert, sites};
use crate::model::shield::{Severity, ShieldReport};
use crate::shield::score;
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
        score: existing.score,
        grade: existing.grade,
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
    // The score is the server's own, from the findings over the modules that ran.
    let module_scores = score::module_scores(&report.modules, &report.findings);
    let total = score::overall(&module_scores);
    let grade = total.map(|s| score::grade(s).to_string());
    shield_scan::Entity::insert(shield_scan::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        agent_id: Set(agent_id),
        target: Set(report.target.clone()),
        preset: Set(report.preset.as_str().into()),
        modules: Set(serde_json::json!(report.modules)),
        started_at: Set(report.started_at),
        completed_at: Set(report.completed_at),
        score: Set(total),
        grade: Set(grade.clone()),
        report_id: Set(Some(report.id)),
        module_scores: Set(Some(serde_json::json!(module_scores))),
        hosts: Set(Some(serde_json::json!(report.hosts))),
        not_assessed: Set(Some(serde_json::json!(report.not_assessed))),
    })
    .exec(&txn)
    .await?;
    let now = Utc::now();
    let assets = shield_issues::assets_by_ip(&txn, site.id, report).await?;
    let rows: Vec<shield_finding::ActiveModel> = report
        .findings
        .iter()
        .map(|f| {
            let ip = f.target_ip.map(|ip| ip.to_string());
            shield_finding::ActiveModel {
                id: Set(Uuid::now_v7()),
                shield_scan_id: Set(id),
                module: Set(f.module.clone()),
                severity: Set(severity_name(f.severity).into()),
                title: Set(f.title.clone()),
                description: Set(f.description.clone()),
                remediation: Set(f.remediation.clone()),
                asset_id: Set(ip.as_ref().and_then(|ip| assets.get(ip).copied())),
                target_ip: Set(ip),
                port: Set(f.port.map(i32::from)),
                evidence: Set(f.evidence.clone()),
                created_at: Set(now),
                cve_id: Set(f.cve_id.clone()),
                cvss_score: Set(f.cvss_score),
                attack_technique: Set(f.attack_technique.clone()),
                check_id: Set(Some(shield_issues::check_id_of(f))),
                epss: Set(f.epss),
                kev: Set(f.kev),
            }
        })
        .collect();
    let count = rows.len();
    let finding_ids: Vec<Uuid> = rows.iter().map(|r| *r.id.as_ref()).collect();
    let mut chunks = rows.into_iter().peekable();
    while chunks.peek().is_some() {
        let chunk: Vec<_> = chunks
            .by_ref()
            .take(rows_per_insert::<shield_finding::Entity>())
            .collect();
        shield_finding::Entity::insert_many(chunk)
            .exec(&txn)
            .await?;
    }
    shield_issues::record(&txn, site.id, id, report, &finding_ids, &assets).await?;
    txn.commit().await?;
    Ok(ShieldSaved {
        shield_scan_id: id,
        site: site.name,
        already_saved: false,
        findings: count,
        score: total,
        grade,
    })
}

pub fn severity_name(s: Severity) -> &'static str {
    s.as_str()
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
    pub check_id: Option<String>,
    pub epss: Option<f64>,
    pub kev: Option<bool>,
    pub asset_id: Option<Uuid>,
    /// The remediation in Turkish, from the catalogue (`remediation` is English).
    pub remediation_tr: Option<String>,
}

fn finding_view(f: shield_finding::Model) -> FindingView {
    FindingView {
        remediation_tr: f
            .check_id
            .as_deref()
            .map(|id| crate::shield::catalog::remediation_of(id, &f.evidence, &f.remediation).1),
        check_id: f.check_id,
        epss: f.epss,
        kev: f.kev,
        asset_id: f.asset_id,
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShieldScanDetail {
    #[serde(flatten)]
    pub scan: ShieldScanView,
    /// Score of each module that ran.
    pub module_scores: BTreeMap<String, f64>,
    #[schema(value_type = Vec<Object>)]
    pub hosts: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub not_assessed: serde_json::Value,
    pub findings: Vec<FindingView>,
}

/// One shield scan with its scores, coverage and findings.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn detail<C: ConnectionTrait>(db: &C, scan_id: Uuid) -> StoreResult<ShieldScanDetail> {
    let Some(s) = shield_scan::Entity::find_by_id(scan_id).one(db).await? else {
        return Err(StoreError::NotFound(format!("shield scan {scan_id}")));
    };
    let findings: Vec<FindingView> = findings_of(db, &[scan_id])
        .await?
        .into_iter()
        .map(finding_view)
        .collect();
    let mut severity_counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        *severity_counts.entry(f.severity.clone()).or_default() += 1;
    }
    Ok(ShieldScanDetail {
        module_scores: s
            .module_scores
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
        hosts: s.hosts.clone().unwrap_or_else(|| serde_json::json!([])),
        not_assessed: s
            .not_assessed
            .clone()
            .unwrap_or_else(|| serde_json::json!([])),
        scan: ShieldScanView {
            site: sites::name_of(db, s.site_id).await?,
            severity_counts,
            id: s.id,
            agent_id: s.agent_id,
            target: s.target,
            preset: s.preset,
            modules: serde_json::from_value(s.modules).unwrap_or_default(),
            started_at: s.started_at,
            completed_at: s.completed_at,
            score: s.score,
            grade: s.grade,
        },
        findings,
    })
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

/// A known asset Shield can check: its address, name, open ports and whether it is fragile.
#[derive(Debug, Clone)]
pub struct KnownHost {
    pub ip: std::net::IpAddr,
    pub hostname: Option<String>,
    pub open_ports: Vec<u16>,
    pub fragile: bool,
}

/// The present assets of `site` with at least one of `ports` open.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn known_hosts<C: ConnectionTrait>(
    db: &C,
    site: &str,
    ports: &[u16],
) -> StoreResult<Vec<KnownHost>> {
    use super::entity::asset;
    let Some(site) = sites::find(db, site).await? else {
        return Err(StoreError::NotFound(format!("site '{site}'")));
    };
    let rows = asset::Entity::find()
        .filter(asset::Column::SiteId.eq(site.id))
        .filter(asset::Column::Missing.eq(false))
        .order_by_asc(asset::Column::IpSort)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let open_ports: Vec<u16> = serde_json::from_value(a.open_ports).unwrap_or_default();
            if !open_ports.iter().any(|p| ports.contains(p)) {
                return None;
            }
            Some(KnownHost {
                ip: a.ip.parse().ok()?,
                hostname: a.hostname,
                open_ports,
                fragile: a.sensitivity == crate::model::Sensitivity::Fragile.as_str(),
            })
        })
        .collect())
}
