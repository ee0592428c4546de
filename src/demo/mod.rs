//! Demo data for someone who cannot scan anything yet: `bigr demo load` (or `bigr serve
//! --demo`) fills a site named `demo`, marked as demo data, with a generated office
//! (`office`) through the store path agent reports take — a registered agent, its reports
//! classified and saved one by one with their change tracking, its heartbeat, a Shield
//! report. `bigr demo remove` deletes that site and everything in it, and only that site.
mod gear;
pub mod office;

use crate::classify::{Classifier, Observed};
use crate::model::shield::{Finding, Preset, Severity, ShieldReport};
use crate::store::agents::{self, Authority, Heartbeat, NewAgent};
use crate::store::entity::site;
use crate::store::{self, SaveOptions, StoreError, sites};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};
use std::path::Path;
use uuid::Uuid;

/// The demo's site name.
pub const SITE: &str = "demo";

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub assets: u64,
    pub scans: usize,
    /// The demo site was there already: nothing was written.
    pub already: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "a site named '{SITE}' holds real data; the demo needs that name (rename or remove the site first)"
    )]
    NameTaken,
    #[error("there is no demo site to remove")]
    NotLoaded,
    #[error(transparent)]
    Classifier(#[from] crate::classify::LoadError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for DemoError {
    fn from(e: sea_orm::DbErr) -> Self {
        DemoError::Store(e.into())
    }
}

/// Loads the demo site unless it is there (a real site named `demo` is never touched).
/// `rules_home` supplies the user's own classification rules, as a scan would use them.
pub async fn load(
    db: &DatabaseConnection,
    save: &SaveOptions,
    rules_home: Option<&Path>,
) -> Result<Loaded, DemoError> {
    if let Some(existing) = sites::find(db, SITE).await? {
        if !existing.demo {
            return Err(DemoError::NameTaken);
        }
        return Ok(Loaded {
            assets: asset_count(db).await?,
            scans: 0,
            already: true,
        });
    }
    let classifier = Classifier::load(rules_home)?;
    // The site is marked first: a load cut short leaves a demo site `remove` can clean up.
    let site = sites::ensure(db, SITE).await?;
    let mut row = site.into_active_model();
    row.demo = Set(true);
    row.update(db).await?;
    let agent = agents::register(
        db,
        &NewAgent {
            name: "demo-agent".into(),
            site: SITE.into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            subnets: vec![office::NETWORK.into()],
        },
        Authority::SharedSecret,
    )
    .await
    .map_err(|e| match e {
        agents::RegisterError::Store(s) => DemoError::Store(s),
        other => DemoError::Store(StoreError::Invalid(format!("{other:?}"))),
    })?;
    let now = Utc::now();
    let opts = SaveOptions {
        agent_id: Some(agent.agent_id),
        ..save.clone()
    };
    for (host, name) in gear::SWITCHES {
        store::switches::add(db, SITE, host, gear::COMMUNITY, "2c", name).await?;
    }
    let reports = office::reports(now);
    let scans = reports.len();
    for mut report in reports {
        classify(&classifier, &mut report);
        let at = report.observed_at();
        store::save_scan(db, &report, SITE, &opts).await?;
        agents::record_delivery(db, agent.agent_id, at, at).await?;
    }
    let beat = Heartbeat {
        version: Some(env!("CARGO_PKG_VERSION").into()),
        activity: "idle".into(),
        subnets: Some(vec![office::NETWORK.into()]),
        queue_depth: 0,
        last_scan_at: Some(now),
        heartbeat_seconds: 3600,
        last_error: None,
        config_version: None,
        scan_failure: None,
        target: None,
        update: None,
    };
    agents::heartbeat(db, agent.agent_id, &beat, now).await?;
    store::shield::save(db, &shield_report(now), SITE, Some(agent.agent_id)).await?;
    Ok(Loaded {
        assets: asset_count(db).await?,
        scans,
        already: false,
    })
}

/// Assets the demo site holds, missing ones included.
async fn asset_count(db: &DatabaseConnection) -> Result<u64, DemoError> {
    Ok(sites::list(db)
        .await?
        .into_iter()
        .find(|s| s.name == SITE)
        .map_or(0, |s| s.asset_count))
}

/// Removes the demo site and everything in it (assets, scans, changes, agent, findings).
pub async fn remove(db: &DatabaseConnection) -> Result<(), DemoError> {
    match sites::find(db, SITE).await? {
        Some(s) if s.demo => {
            site::Entity::delete_by_id(s.id).exec(db).await?;
            Ok(())
        }
        Some(_) => Err(DemoError::NameTaken),
        None => Err(DemoError::NotLoaded),
    }
}

/// What a scan's classification step does to each asset.
fn classify(classifier: &Classifier, report: &mut crate::model::ScanReport) {
    let crate::model::ScanReport {
        assets,
        certificates,
        ..
    } = report;
    for obs in assets {
        let subjects = crate::scan::engine::tls_names(certificates, obs.ip);
        let verdict = classifier.classify(&Observed {
            obs,
            tls_subjects: &subjects,
            ttl: None,
        });
        verdict.apply_to(obs);
    }
}

/// A few findings an agent's Shield modules would report on this office.
fn shield_report(now: DateTime<Utc>) -> ShieldReport {
    let finding = |severity, title: &str, ip: &str, port, remediation: &str| Finding {
        check_id: None,
        module: "demo".into(),
        severity,
        title: title.into(),
        description: format!("{title} (demo data)"),
        remediation: remediation.into(),
        target_ip: ip.parse().ok(),
        port: Some(port),
        evidence: serde_json::json!({"demo": true}),
        cve_id: None,
        cvss_score: None,
        attack_technique: None,
        epss: None,
        kev: None,
    };
    ShieldReport {
        id: Uuid::now_v7(),
        target: office::NETWORK.into(),
        preset: Preset::Quick,
        modules: vec!["tls".into(), "ports".into()],
        started_at: now - chrono::Duration::minutes(3),
        completed_at: Some(now - chrono::Duration::minutes(1)),
        score: Some(72.0),
        grade: Some("C".into()),
        findings: vec![
            finding(
                Severity::High,
                "MySQL reachable from the whole office",
                "10.20.0.14",
                3306,
                "Bind the database to the application host or firewall the port",
            ),
            finding(
                Severity::Medium,
                "Camera serves a 1024-bit RSA certificate",
                "10.20.0.27",
                443,
                "Replace the camera certificate with a 2048-bit or EC key",
            ),
            finding(
                Severity::Low,
                "Self-signed certificate on the access points",
                "10.20.0.8",
                443,
                "Issue the access points a certificate from the internal CA",
            ),
        ],
        hosts: Vec::new(),
        not_assessed: Vec::new(),
    }
}
