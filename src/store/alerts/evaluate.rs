//! When alerts are raised and cleared. Two ways, both idempotent and safe with several
//! servers on one database:
//! - **scans**: each stored scan is claimed once (`scans.alerts_done`), and its recorded
//!   changes (new, missing, returned, ports opened and closed) and its completeness are turned
//!   into alerts in the claiming transaction; a crash leaves the scan unclaimed for the sweep;
//! - **states**: agents (down, or reporting a failed scan), open Shield findings,
//!   certificates and sites' compliance grades are compared with the live alerts of their
//!   kinds, opening what is missing and resolving what cleared.
use super::AlertKind;
use super::raise::{self, Condition, Opened};
use super::rules::{self, Rule};
use crate::store::entity::{agent, certificate, scan, shield_issue};
use crate::store::error::StoreResult;
use crate::store::sites;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Scans evaluated per call, at most (the rest wait for the next call).
const SCANS_PER_PASS: u64 = 50;

/// What a pass raised and cleared.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub opened: usize,
    pub resolved: usize,
}

impl Tally {
    pub(super) fn add(&mut self, other: Tally) {
        self.opened += other.opened;
        self.resolved += other.resolved;
    }
}

impl Tally {
    pub(super) fn count(&mut self, o: Opened) {
        if o != Opened::AlreadyOpen {
            self.opened += 1;
        }
    }
}

/// Everything due: unevaluated scans, then the states. The ingest path and the sweep call it.
pub async fn run(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<Tally> {
    let mut t = scans(db, now).await?;
    t.add(states(db, now).await?);
    Ok(t)
}

/// Evaluates the scans not yet evaluated, each claimed in its own transaction.
pub async fn scans(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<Tally> {
    let due: Vec<(Uuid, Uuid, bool)> = scan::Entity::find()
        .select_only()
        .column(scan::Column::Id)
        .column(scan::Column::SiteId)
        .column(scan::Column::Partial)
        .filter(scan::Column::AlertsDone.eq(false))
        .order_by_asc(scan::Column::StartedAt)
        .limit(SCANS_PER_PASS)
        .into_tuple()
        .all(db)
        .await?;
    let mut tally = Tally::default();
    let mut touched = std::collections::BTreeSet::new();
    for (scan_id, site_id, partial) in due {
        // Worked out before the transaction: only the claim and the alert rows are written
        // under it (another server may plan the same scan; only one claims it).
        let plan = super::scan_changes::one_scan(db, scan_id, site_id, partial).await?;
        let site = sites::name_of(db, site_id).await?;
        let txn = crate::store::begin_write(db).await?;
        let claimed = scan::Entity::update_many()
            .col_expr(scan::Column::AlertsDone, Expr::value(true))
            .filter(scan::Column::Id.eq(scan_id))
            .filter(scan::Column::AlertsDone.eq(false))
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed == 0 {
            continue; // another server took it
        }
        touched.insert(site_id);
        for c in plan.opens {
            tally.count(raise::open(&txn, c, &site, now).await?);
        }
        for key in plan.resolves {
            tally.resolved += usize::from(raise::resolve(&txn, site_id, &key, &site, now).await?);
        }
        txn.commit().await?;
    }
    // New scans may move a site's compliance grade.
    if !touched.is_empty() {
        tally.add(super::grade::evaluate(db, now, Some(&touched)).await?);
    }
    Ok(tally)
}

/// A state that should have a live alert: its site, key, title and detail.
struct Wanted {
    site_id: Uuid,
    key: String,
    title: String,
    detail: serde_json::Value,
    /// The severity when the rule leaves it to the state (Shield findings keep theirs).
    severity: Option<String>,
}

/// Opens the alerts of `kind` that `wanted` lacks and resolves the live ones it no longer
/// holds, per the rules of each site.
async fn reconcile(
    db: &DatabaseConnection,
    kind: AlertKind,
    wanted: Vec<Wanted>,
    now: DateTime<Utc>,
) -> StoreResult<Tally> {
    let mut t = Tally::default();
    let names = sites::names(db).await?;
    let mut rules_of: HashMap<Uuid, BTreeMap<AlertKind, Rule>> = HashMap::new();
    let live: HashSet<(Uuid, String)> = raise::live_keys(db, kind).await?.into_iter().collect();
    let mut keep = HashSet::new();
    for w in wanted {
        if let std::collections::hash_map::Entry::Vacant(e) = rules_of.entry(w.site_id) {
            e.insert(rules::effective(db, w.site_id).await?);
        }
        let Some(rule) = rules_of[&w.site_id].get(&kind).filter(|r| r.enabled) else {
            continue;
        };
        keep.insert((w.site_id, w.key.clone()));
        if live.contains(&(w.site_id, w.key.clone())) {
            continue;
        }
        let site = names.get(&w.site_id).cloned().unwrap_or_default();
        let cond = Condition {
            site_id: w.site_id,
            kind,
            key: w.key,
            severity: w.severity.unwrap_or_else(|| rule.severity.clone()),
            title: w.title,
            detail: w.detail,
        };
        let txn = crate::store::begin_write(db).await?;
        t.count(raise::open(&txn, cond, &site, now).await?);
        txn.commit().await?;
    }
    for (site_id, key) in live.difference(&keep) {
        let site = names.get(site_id).cloned().unwrap_or_default();
        let txn = crate::store::begin_write(db).await?;
        if raise::resolve(&txn, *site_id, key, &site, now).await? {
            t.resolved += 1;
        }
        txn.commit().await?;
    }
    Ok(t)
}

/// Agents, Shield findings and certificates against their live alerts.
pub async fn states(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<Tally> {
    let mut t = Tally::default();
    let agents = agent::Entity::find()
        .filter(agent::Column::Status.is_in(["stale", "offline", "revoked"]))
        .all(db)
        .await?;
    let wanted = agents
        .into_iter()
        .map(|a| Wanted {
            site_id: a.site_id,
            key: format!("agent_down:{}", a.id),
            title: format!("Agent {} is {}", a.name, a.status),
            detail: json!({"agent_id": a.id, "agent": a.name, "state": a.status}),
            severity: None,
        })
        .collect();
    t.add(reconcile(db, AlertKind::AgentDown, wanted, now).await?);
    let failing = agent::Entity::find()
        .filter(agent::Column::ScanFailedAt.is_not_null())
        .filter(agent::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    let wanted = failing
        .into_iter()
        .map(|a| {
            let why = a.scan_failure.unwrap_or_default();
            Wanted {
                site_id: a.site_id,
                key: format!("scan_failed:{}", a.id),
                title: format!("Scan failed on agent {}: {why}", a.name),
                detail: json!({"agent_id": a.id, "agent": a.name, "at": a.scan_failed_at,
                    "reason": why}),
                severity: None,
            }
        })
        .collect();
    t.add(reconcile(db, AlertKind::ScanFailed, wanted, now).await?);
    let issues = shield_issue::Entity::find()
        .filter(shield_issue::Column::Status.eq("open"))
        .filter(shield_issue::Column::Severity.is_in(["critical", "high"]))
        .all(db)
        .await?;
    let wanted = issues
        .into_iter()
        .map(|i| Wanted {
            site_id: i.site_id,
            key: format!("shield_finding:{}", i.id),
            title: match (i.target_ip.is_empty(), i.port) {
                (true, _) => i.title.clone(),
                (false, 0) => format!("{} on {}", i.title, i.target_ip),
                (false, p) => format!("{} on {}:{p}", i.title, i.target_ip),
            },
            detail: json!({"check_id": i.check_id, "ip": i.target_ip, "port": i.port,
                "asset_id": i.asset_id, "severity": i.severity}),
            severity: Some(i.severity),
        })
        .collect();
    t.add(reconcile(db, AlertKind::ShieldFinding, wanted, now).await?);
    t.add(certificates(db, now).await?);
    t.add(super::grade::evaluate(db, now, None).await?);
    Ok(t)
}

/// Certificates seen on their endpoint's latest scan that expire within each site's days.
async fn certificates(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<Tally> {
    // The widest window any stored rule sets (30 days by default); each site's own days
    // filter below. Certificates further out are not read at all.
    let widest = crate::store::entity::alert_rule::Entity::find()
        .filter(crate::store::entity::alert_rule::Column::Kind.eq(AlertKind::CertExpiring.as_str()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| serde_json::from_value::<rules::RuleParams>(r.params).ok())
        .map(|p| p.days())
        .fold(30, i64::max);
    let horizon = now + chrono::Duration::days(widest);
    let certs = certificate::Entity::find()
        .filter(certificate::Column::NotAfter.lte(horizon))
        .all(db)
        .await?;
    let mut days_of: HashMap<Uuid, i64> = HashMap::new();
    let mut wanted = Vec::new();
    for c in certs {
        let Some(not_after) = c.not_after else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(e) = days_of.entry(c.site_id) {
            let days = rules::effective(db, c.site_id)
                .await?
                .get(&AlertKind::CertExpiring)
                .map_or(30, |r| r.params.days());
            e.insert(days);
        }
        if not_after > now + chrono::Duration::days(days_of[&c.site_id]) {
            continue;
        }
        let name = c.subject_cn.clone().unwrap_or_else(|| c.ip.clone());
        let title = if not_after <= now {
            format!("Certificate {name} on {}:{} has expired", c.ip, c.port)
        } else {
            format!(
                "Certificate {name} on {}:{} expires in {} days",
                c.ip,
                c.port,
                (not_after - now).num_days()
            )
        };
        wanted.push(Wanted {
            site_id: c.site_id,
            // Per endpoint and certificate: a renewed one clears the old alert.
            key: format!(
                "cert:{}:{}:{}",
                c.ip,
                c.port,
                &c.fingerprint_sha256[..c.fingerprint_sha256.len().min(16)]
            ),
            title,
            detail: json!({"ip": c.ip, "port": c.port, "subject": c.subject_cn,
                "not_after": not_after, "fingerprint_sha256": c.fingerprint_sha256}),
            severity: (not_after <= now).then(|| "high".to_string()),
        });
    }
    reconcile(db, AlertKind::CertExpiring, wanted, now).await
}
