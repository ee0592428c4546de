//! When alerts are raised and cleared. Two ways, both idempotent and safe with several
//! servers on one database:
//! - **scans**: each stored scan is claimed once (`scans.alerts_done`), and its recorded
//!   changes (new, missing, returned, ports opened and closed) and its completeness are turned
//!   into alerts in the claiming transaction; a crash leaves the scan unclaimed for the sweep;
//! - **states**: agents, open Shield findings and certificates are compared with the live
//!   alerts of their kinds, opening what is missing and resolving what cleared.
use super::AlertKind;
use super::raise::{self, Condition, Opened};
use super::rules::{self, Rule};
use crate::store::apply::change_type as ct;
use crate::store::entity::{agent, asset, asset_change, certificate, scan, shield_issue};
use crate::store::error::StoreResult;
use crate::store::sites;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
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
    fn add(&mut self, other: Tally) {
        self.opened += other.opened;
        self.resolved += other.resolved;
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
    for (scan_id, site_id, partial) in due {
        let txn = db.begin().await?;
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
        let t = one_scan(&txn, scan_id, site_id, partial, now).await?;
        txn.commit().await?;
        tally.add(t);
    }
    Ok(tally)
}

fn ports_of(text: Option<&str>) -> Vec<u16> {
    text.and_then(|t| t.parse::<crate::model::PortSet>().ok())
        .map(|p| p.iter().collect())
        .unwrap_or_default()
}

fn asset_label(a: &asset::Model) -> String {
    match (&a.hostname, &a.vendor) {
        (Some(h), _) if !h.is_empty() => format!("{} ({h})", a.ip),
        (_, Some(v)) if !v.is_empty() => format!("{} ({v})", a.ip),
        _ => a.ip.clone(),
    }
}

async fn one_scan<C: ConnectionTrait>(
    db: &C,
    scan_id: Uuid,
    site_id: Uuid,
    partial: bool,
    now: DateTime<Utc>,
) -> StoreResult<Tally> {
    let rules = rules::effective(db, site_id).await?;
    let site = sites::name_of(db, site_id).await?;
    let on = |k: AlertKind| rules.get(&k).filter(|r| r.enabled);
    let mut t = Tally::default();
    let changes = asset_change::Entity::find()
        .filter(asset_change::Column::ScanId.eq(scan_id))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = changes.iter().map(|c| c.asset_id).collect();
    let assets: HashMap<Uuid, asset::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            for a in asset::Entity::find()
                .filter(asset::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                out.insert(a.id, a);
            }
        }
        out
    };
    for c in &changes {
        let Some(a) = assets.get(&c.asset_id) else {
            continue;
        };
        // Keys name the kind: one device may be new and missing at once.
        let asset_key = |kind: AlertKind| format!("{}:asset:{}", kind.as_str(), a.id);
        // An address taken by a device while another device (a stable MAC) held it within
        // the hour: the same change is also news of its own kind, below.
        if matches!(c.change_type.as_str(), ct::NEW_ASSET | ct::IP_CHANGED)
            && let Some(r) = on(AlertKind::AddressConflict)
            && let Some(other) = other_claimant(db, a, c.detected_at).await?
        {
            let title = format!(
                "{} claimed by MAC {} while MAC {} held it",
                a.ip,
                a.mac.as_deref().unwrap_or("?"),
                other.mac.as_deref().unwrap_or("?")
            );
            let key = format!("{}:ip:{}", AlertKind::AddressConflict.as_str(), a.ip);
            let mut cond = condition(site_id, r, key, title, a);
            cond.detail["previous_mac"] = json!(other.mac);
            cond.detail["previous_asset_id"] = json!(other.id);
            t.count(raise::open(db, cond, &site, now).await?);
        }
        match c.change_type.as_str() {
            ct::NEW_ASSET => {
                if let Some(r) = on(AlertKind::NewDevice)
                    && r.params
                        .wants_new_device(a.vendor.as_deref(), a.mac.as_deref())
                {
                    let title = format!("New device {}", asset_label(a));
                    let key = asset_key(AlertKind::NewDevice);
                    t.count(
                        raise::open(db, condition(site_id, r, key, title, a), &site, now).await?,
                    );
                }
            }
            ct::ASSET_MISSING => {
                if let Some(r) = on(AlertKind::DeviceMissing) {
                    let title = format!("Device {} is missing", asset_label(a));
                    let key = asset_key(AlertKind::DeviceMissing);
                    t.count(
                        raise::open(db, condition(site_id, r, key, title, a), &site, now).await?,
                    );
                }
            }
            ct::ASSET_RETURNED => {
                let key = asset_key(AlertKind::DeviceMissing);
                t.resolved += usize::from(raise::resolve(db, site_id, &key, &site, now).await?);
            }
            ct::FIELD_CHANGED if c.field_name.as_deref() == Some("mac") => {
                // A first MAC learned is news of nothing; a different one on the same
                // address is.
                let (Some(old), Some(new)) = (c.old_value.as_deref(), c.new_value.as_deref())
                else {
                    continue;
                };
                // Randomised (locally administered) MACs rotate by design: not a conflict.
                let stable = |m: &str| {
                    m.parse::<crate::model::MacAddr>()
                        .is_ok_and(|m| m.is_stable_identity())
                };
                if !stable(old) && !stable(new) {
                    continue;
                }
                if let Some(r) = on(AlertKind::AddressConflict) {
                    let title = format!("{} now answers with MAC {new} (was {old})", a.ip);
                    let key = format!("{}:ip:{}", AlertKind::AddressConflict.as_str(), a.ip);
                    let mut cond = condition(site_id, r, key, title, a);
                    cond.detail["previous_mac"] = json!(old);
                    t.count(raise::open(db, cond, &site, now).await?);
                }
            }
            ct::IP_CHANGED => {
                let Some(r) = on(AlertKind::AddressConflict) else {
                    continue;
                };
                let earlier =
                    moves_since(db, a.id, scan_id, c.detected_at - MAC_MOVES_WITHIN).await?;
                if earlier > 0 {
                    let title = format!(
                        "MAC {} moved to {} after {} other move(s) within an hour",
                        a.mac.as_deref().unwrap_or("?"),
                        a.ip,
                        earlier
                    );
                    let key = asset_key(AlertKind::AddressConflict);
                    let mut cond = condition(site_id, r, key, title, a);
                    cond.detail["previous_ip"] = json!(c.old_value);
                    t.count(raise::open(db, cond, &site, now).await?);
                }
            }
            ct::PORTS_OPENED => {
                let Some(r) = on(AlertKind::RiskyPort) else {
                    continue;
                };
                for port in ports_of(c.new_value.as_deref()) {
                    let Some(service) = crate::shield::ports::risky_service(port) else {
                        continue;
                    };
                    let title = format!("{service} (port {port}) opened on {}", asset_label(a));
                    let key = format!("{}:{port}", asset_key(AlertKind::RiskyPort));
                    let mut cond = condition(site_id, r, key, title, a);
                    cond.detail["port"] = json!(port);
                    cond.detail["service"] = json!(service);
                    t.count(raise::open(db, cond, &site, now).await?);
                }
            }
            ct::PORTS_CLOSED => {
                for port in ports_of(c.old_value.as_deref()) {
                    let key = format!("{}:{port}", asset_key(AlertKind::RiskyPort));
                    t.resolved += usize::from(raise::resolve(db, site_id, &key, &site, now).await?);
                }
            }
            _ => {}
        }
    }
    // One condition per site: the last scan was partial; a complete scan clears it.
    if partial {
        if let Some(r) = on(AlertKind::ScanPartial) {
            let cond = Condition {
                site_id,
                kind: AlertKind::ScanPartial,
                key: "scan_partial".into(),
                severity: r.severity.clone(),
                title: format!("A scan of site {site} came back partial"),
                detail: json!({"scan_id": scan_id}),
            };
            t.count(raise::open(db, cond, &site, now).await?);
        }
    } else if raise::resolve(db, site_id, "scan_partial", &site, now).await? {
        t.resolved += 1;
    }
    Ok(t)
}

/// DHCP keeps a device on its address for hours; moves closer together than this look like
/// one MAC answering for several addresses.
const MAC_MOVES_WITHIN: chrono::Duration = chrono::Duration::hours(1);

/// Another device of the site on `a`'s address, with a different stable MAC, seen within
/// `MAC_MOVES_WITHIN` before `at` and not missing.
async fn other_claimant<C: ConnectionTrait>(
    db: &C,
    a: &asset::Model,
    at: DateTime<Utc>,
) -> StoreResult<Option<asset::Model>> {
    let Some(mac) = a.mac.as_deref() else {
        return Ok(None);
    };
    let others = asset::Entity::find()
        .filter(asset::Column::SiteId.eq(a.site_id))
        .filter(asset::Column::Ip.eq(a.ip.as_str()))
        .filter(asset::Column::Id.ne(a.id))
        .filter(asset::Column::Missing.eq(false))
        .filter(asset::Column::LastSeen.gte(at - MAC_MOVES_WITHIN))
        .all(db)
        .await?;
    let stable = |m: &str| {
        m.parse::<crate::model::MacAddr>()
            .is_ok_and(|m| m.is_stable_identity())
    };
    Ok(others.into_iter().find(|o| {
        o.mac
            .as_deref()
            .is_some_and(|m| m != mac && stable(m) && stable(mac))
    }))
}

/// Address moves of an asset recorded since `since`, other than in `scan_id`.
async fn moves_since<C: ConnectionTrait>(
    db: &C,
    asset_id: Uuid,
    scan_id: Uuid,
    since: DateTime<Utc>,
) -> StoreResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(asset_change::Entity::find()
        .filter(asset_change::Column::AssetId.eq(asset_id))
        .filter(asset_change::Column::ChangeType.eq(ct::IP_CHANGED))
        .filter(asset_change::Column::ScanId.ne(scan_id))
        .filter(asset_change::Column::DetectedAt.gte(since))
        .count(db)
        .await?)
}

impl Tally {
    fn count(&mut self, o: Opened) {
        if o != Opened::AlreadyOpen {
            self.opened += 1;
        }
    }
}

fn condition(site_id: Uuid, r: &Rule, key: String, title: String, a: &asset::Model) -> Condition {
    Condition {
        site_id,
        kind: r.kind,
        key,
        severity: r.severity.clone(),
        title,
        detail: json!({
            "asset_id": a.id,
            "ip": a.ip,
            "mac": a.mac,
            "hostname": a.hostname,
            "vendor": a.vendor,
        }),
    }
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
        let txn = db.begin().await?;
        t.count(raise::open(&txn, cond, &site, now).await?);
        txn.commit().await?;
    }
    for (site_id, key) in live.difference(&keep) {
        let site = names.get(site_id).cloned().unwrap_or_default();
        let txn = db.begin().await?;
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
