//! `save_scan`: one report into one site, in one transaction, with the identity and change
//! rules of DOMAIN.md. Saving the same report again returns the first scan id.
use super::apply::{SiteState, apply_observation, mark_absent};
use super::entity::{asset, asset_change, scan, scan_asset};
use super::error::{StoreError, StoreResult};
use super::merge::merge_observations;
use super::{begin_write, certificates, rows_per_insert, sites, subnets};
use crate::analysis::vulns::CveSnapshot;
use crate::model::{ReportError, ScanReport};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Iterable, PaginatorTrait,
    QueryFilter, Set,
};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Rules for a save that come from configuration.
#[derive(Clone, Debug)]
pub struct SaveOptions {
    /// Consecutive covering scans an asset must miss before it is reported missing.
    pub missing_after_scans: u32,
    /// And how long since it was last seen.
    pub missing_after: chrono::Duration,
    /// The agent that sent the report, when it came through ingest.
    pub agent_id: Option<Uuid>,
    /// Assets the site may hold after the save; more is refused, naming the limit.
    pub max_site_assets: Option<u64>,
}

impl Default for SaveOptions {
    fn default() -> Self {
        SaveOptions {
            missing_after_scans: 2,
            missing_after: chrono::Duration::minutes(15),
            agent_id: None,
            max_site_assets: None,
        }
    }
}

/// What a save did.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SaveOutcome {
    pub scan_id: Uuid,
    pub site: String,
    /// True when this report id was already stored: nothing was written this time.
    pub already_saved: bool,
    pub asset_count: usize,
    /// Number of change rows per change type.
    pub changes: BTreeMap<String, usize>,
}

/// Stores a report for `site` (created if needed) as one transaction.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn save_scan(
    db: &DatabaseConnection,
    report: &ScanReport,
    site: &str,
    opts: &SaveOptions,
) -> StoreResult<SaveOutcome> {
    let mut clean = report.clone();
    clean.sanitize();
    clean.validate()?;
    refuse_future(&clean, Utc::now())?;
    let report = &clean;
    let site = sites::validate_name(site)?.to_string();
    match save_once(db, report, &site, opts).await {
        Ok(outcome) => {
            // A scan may have marked devices fragile: agents of the site learn it.
            super::site_config::refresh_after_change(db, &site).await;
            // The switches polled with it: their identity, VLANs and neighbours. The scan
            // is stored either way; a switch not recorded keeps its last poll.
            if let Err(e) = super::switches::record_observations(db, &site, &report.switches).await
            {
                tracing::warn!(site, error = %e, "switch polls of a scan not recorded");
            }
            Ok(outcome)
        }
        // Two writers raced with the same report id (PostgreSQL lets both reach the INSERT):
        // the loser answers with the winner's scan.
        Err(StoreError::Db(e)) => match already_saved(db, report, &site).await? {
            Some(outcome) => Ok(outcome),
            None => Err(StoreError::Db(e)),
        },
        Err(e) => Err(e),
    }
}

/// How far ahead of this machine's clock a report may claim to be.
const CLOCK_TOLERANCE_MINUTES: i64 = 10;

/// A report dated in the future would make every later, correct report look stale.
fn refuse_future(report: &ScanReport, now: DateTime<Utc>) -> StoreResult<()> {
    let limit = now + chrono::Duration::minutes(CLOCK_TOLERANCE_MINUTES);
    let field = if report.started_at > limit {
        "started_at"
    } else if report.completed_at.is_some_and(|t| t > limit) {
        "completed_at"
    } else {
        return Ok(());
    };
    Err(ReportError {
        field: field.into(),
        reason: "is in the future; check the scanner's clock".into(),
    }
    .into())
}

async fn already_saved<C: sea_orm::ConnectionTrait>(
    db: &C,
    report: &ScanReport,
    site: &str,
) -> StoreResult<Option<SaveOutcome>> {
    let Some(existing) = scan::Entity::find()
        .filter(scan::Column::ReportId.eq(report.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let owner = super::entity::site::Entity::find_by_id(existing.site_id)
        .one(db)
        .await?;
    match owner {
        Some(s) if s.name == site => Ok(Some(SaveOutcome {
            scan_id: existing.id,
            site: s.name,
            already_saved: true,
            asset_count: existing.asset_count as usize,
            changes: BTreeMap::new(),
        })),
        _ => Err(StoreError::Conflict(format!(
            "report {} was already stored for another site",
            report.id
        ))),
    }
}

async fn save_once(
    db: &DatabaseConnection,
    report: &ScanReport,
    site_name: &str,
    opts: &SaveOptions,
) -> StoreResult<SaveOutcome> {
    let txn = begin_write(db).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Plans made for this site's values: sites range from five assets to fifty thousand,
        // and a plan cached on this connection after small saves read a big site's rows for
        // seconds. Only here: reads keep cached plans (a deep page planned for its offset
        // sorted the whole table instead of walking the index).
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
            .await?;
    }
    if let Some(outcome) = already_saved(&txn, report, site_name).await? {
        return Ok(outcome);
    }
    let site = sites::ensure(&txn, site_name).await?;
    sites::lock(&txn, site.id).await?;
    let scan_id = Uuid::now_v7();
    let now = report.observed_at();

    let merged = merge_observations(&report.assets);
    let touched = super::touched::Touched {
        observations: &merged,
        extra_ips: report.certificates.iter().map(|c| c.ip).collect(),
        networks: &report.networks,
    };
    let existing = super::touched::load(&txn, site.id, &touched).await?;
    let mut state = SiteState::new(site.id, scan_id, now, existing);
    let targets = state.resolve_all(&merged);
    let new_assets = targets.iter().filter(|t| t.is_none()).count() as u64;
    if new_assets > 0
        && let Some(cap) = opts.max_site_assets
    {
        let held = asset::Entity::find()
            .filter(asset::Column::SiteId.eq(site.id))
            .count(&txn)
            .await?;
        if held + new_assets > cap {
            return Err(ReportError {
                field: "assets".into(),
                reason: format!(
                    "site '{site_name}' holds {held} assets and this report adds {new_assets}: \
                     more than its limit of {cap} (max_site_assets)"
                ),
            }
            .into());
        }
    }
    let mut snapshots = Vec::with_capacity(merged.len());
    for ((key, obs), target) in merged.iter().zip(targets) {
        if let Some(asset_id) =
            apply_observation(&mut state, target, key, obs, &report.ports_probed)
        {
            snapshots.push(snapshot(scan_id, asset_id, now, obs));
        }
    }
    if !report.partial {
        mark_absent(&mut state, &report.networks, opts);
    }

    let changes = state.take_changes();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for c in &changes {
        if let sea_orm::ActiveValue::Set(t) = &c.change_type {
            *counts.entry(t.clone()).or_default() += 1;
        }
    }
    scan::Entity::insert(scan::ActiveModel {
        id: Set(scan_id),
        report_id: Set(report.id),
        site_id: Set(site.id),
        agent_id: Set(opts.agent_id),
        target: Set(report.target.clone()),
        networks: Set(serde_json::to_value(&report.networks).unwrap_or_default()),
        method: Set(report.method.as_str().to_string()),
        started_at: Set(report.started_at),
        completed_at: Set(report.completed_at),
        partial: Set(report.partial),
        ports_probed: Set(report.ports_probed.to_string()),
        privileges: Set(serde_json::to_value(&report.privileges).unwrap_or_default()),
        scanner_version: Set(report.scanner_version.clone()),
        asset_count: Set(merged.len() as i32),
        change_count: Set(changes.len() as i32),
        saved_at: Set(chrono::Utc::now()),
        alerts_done: Set(false),
    })
    .exec(&txn)
    .await?;

    let mut dirty = state.dirty_assets();
    let mut scorer = super::scores::Scorer::new(CveSnapshot::shared(), Utc::now());
    dirty.iter_mut().for_each(|a| scorer.fill(a));
    for chunk in dirty.chunks(rows_per_insert::<asset::Entity>()) {
        let rows = chunk.iter().cloned().map(asset::ActiveModel::from);
        asset::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(asset::Column::Id)
                    // The manual tag is the user's, never the scan's to write.
                    .update_columns(asset::Column::iter().filter(|c| {
                        !matches!(
                            c,
                            asset::Column::Id
                                | asset::Column::ManualCategory
                                | asset::Column::ManualNote
                                | asset::Column::TaggedAt
                        )
                    }))
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    for chunk in snapshots.chunks(rows_per_insert::<scan_asset::Entity>()) {
        scan_asset::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in changes.chunks(rows_per_insert::<asset_change::Entity>()) {
        asset_change::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    certificates::upsert_observed(&txn, site.id, now, &report.certificates, &state.ip_owners())
        .await?;
    subnets::record_scan(&txn, site.id, now, &report.networks).await?;
    txn.commit().await?;
    Ok(SaveOutcome {
        scan_id,
        site: site.name,
        already_saved: false,
        asset_count: merged.len(),
        changes: counts,
    })
}

fn snapshot(
    scan_id: Uuid,
    asset_id: Uuid,
    scanned_at: chrono::DateTime<chrono::Utc>,
    obs: &crate::model::AssetObservation,
) -> scan_asset::ActiveModel {
    scan_asset::ActiveModel {
        scan_id: Set(scan_id),
        asset_id: Set(asset_id),
        scanned_at: Set(scanned_at),
        ip: Set(obs.ip.to_string()),
        mac: Set(obs.mac.map(|m| m.to_string())),
        hostname: Set(obs.hostname.clone()),
        vendor: Set(obs.vendor.clone()),
        os_hint: Set(obs.os_hint.clone()),
        device_type: Set(obs.device_type.as_str().to_string()),
        category: Set(obs.category.as_str().to_string()),
        confidence: Set(obs.confidence),
        open_ports: Set(serde_json::to_value(&obs.open_ports).unwrap_or_default()),
        services: Set(serde_json::to_value(&obs.services).unwrap_or_default()),
        evidence: Set(serde_json::to_value(&obs.evidence).unwrap_or_default()),
    }
}
