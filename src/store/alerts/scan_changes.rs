//! A stored scan's recorded changes turned into alerts, once per scan. A scan with more
//! changes of one type than `PER_SCAN_ALERTS` (the first scan of a large site, a subnet going
//! dark) raises one summary alert for them instead of one per device: storm control, and a
//! transaction that stays short. Resolutions are not read from the changes but from the
//! state the scan left: live missing and risky-port alerts whose device is back or whose
//! port is closed clear, however many there are.
use super::AlertKind;
use super::raise::Condition;
use super::rules::{self, Rule};
use crate::store::apply::change_type as ct;
use crate::store::entity::{alert, asset, asset_change};
use crate::store::error::StoreResult;
use crate::store::sites;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Changes of one type in one scan beyond which they are summed up in one alert.
pub const PER_SCAN_ALERTS: usize = 50;

/// What a scan's evaluation will do, worked out with reads only, so that the transaction
/// that claims the scan and writes the alerts stays short (on SQLite it holds the one write
/// lock every ingest needs).
#[derive(Default)]
pub(super) struct Plan {
    pub opens: Vec<Condition>,
    /// Condition keys to resolve.
    pub resolves: Vec<String>,
}

impl Plan {
    fn open(&mut self, c: Condition) {
        self.opens.push(c);
    }

    fn resolve(&mut self, key: String) {
        self.resolves.push(key);
    }

    fn add(&mut self, other: Plan) {
        self.opens.extend(other.opens);
        self.resolves.extend(other.resolves);
    }
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

async fn assets_by_id<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> StoreResult<HashMap<Uuid, asset::Model>> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
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
    Ok(out)
}

/// One alert for a scan's storm of `n` changes, when its kind is on.
fn summary(rule: Option<&Rule>, site_id: Uuid, scan_id: Uuid, title: String, n: usize) -> Plan {
    let mut t = Plan::default();
    if let Some(r) = rule {
        t.open(Condition {
            site_id,
            kind: r.kind,
            key: format!("{}:scan:{scan_id}", r.kind.as_str()),
            severity: r.severity.clone(),
            title,
            detail: json!({"scan_id": scan_id, "count": n}),
        });
    }
    t
}

pub(super) async fn one_scan<C: ConnectionTrait>(
    db: &C,
    scan_id: Uuid,
    site_id: Uuid,
    partial: bool,
) -> StoreResult<Plan> {
    let rules = rules::effective(db, site_id).await?;
    let site = sites::name_of(db, site_id).await?;
    let on = |k: AlertKind| rules.get(&k).filter(|r| r.enabled);
    let mut t = Plan::default();
    let counts: Vec<(String, i64)> = asset_change::Entity::find()
        .select_only()
        .column(asset_change::Column::ChangeType)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(asset_change::Column::ScanId.eq(scan_id))
        .group_by(asset_change::Column::ChangeType)
        .into_tuple()
        .all(db)
        .await?;
    let mut itemised = Vec::new();
    for (change, n) in counts {
        let n = n.max(0) as usize;
        if n <= PER_SCAN_ALERTS {
            itemised.push(change);
            continue;
        }
        // A re-addressing of many devices at once is a network change, not spoofing; ports
        // are counted below, risky ones only.
        let storm = match change.as_str() {
            ct::NEW_ASSET => Some((
                AlertKind::NewDevice,
                format!("{n} new devices in one scan of site {site}"),
            )),
            ct::ASSET_MISSING => Some((
                AlertKind::DeviceMissing,
                format!("{n} devices went missing in one scan of site {site}"),
            )),
            _ => None,
        };
        if let Some((kind, title)) = storm {
            t.add(summary(on(kind), site_id, scan_id, title, n));
        }
    }
    itemised.retain(|c| {
        matches!(
            c.as_str(),
            ct::NEW_ASSET | ct::ASSET_MISSING | ct::IP_CHANGED | ct::FIELD_CHANGED
        )
    });
    let changes = if itemised.is_empty() {
        Vec::new()
    } else {
        asset_change::Entity::find()
            .filter(asset_change::Column::ScanId.eq(scan_id))
            .filter(asset_change::Column::ChangeType.is_in(itemised))
            .all(db)
            .await?
    };
    let assets = assets_by_id(db, changes.iter().map(|c| c.asset_id)).await?;
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
            t.open(cond);
        }
        match c.change_type.as_str() {
            ct::NEW_ASSET => {
                if let Some(r) = on(AlertKind::NewDevice)
                    && r.params
                        .wants_new_device(a.vendor.as_deref(), a.mac.as_deref())
                {
                    let title = format!("New device {}", asset_label(a));
                    let key = asset_key(AlertKind::NewDevice);
                    t.open(condition(site_id, r, key, title, a));
                }
            }
            ct::ASSET_MISSING => {
                if let Some(r) = on(AlertKind::DeviceMissing) {
                    let title = format!("Device {} is missing", asset_label(a));
                    let key = asset_key(AlertKind::DeviceMissing);
                    t.open(condition(site_id, r, key, title, a));
                }
            }
            ct::FIELD_CHANGED if c.field_name.as_deref() == Some("mac") => {
                // A first MAC learned is news of nothing; a different one on the same
                // address is.
                let (Some(old), Some(new)) = (c.old_value.as_deref(), c.new_value.as_deref())
                else {
                    continue;
                };
                if !stable_mac(old) && !stable_mac(new) {
                    continue;
                }
                if let Some(r) = on(AlertKind::AddressConflict) {
                    let title = format!("{} now answers with MAC {new} (was {old})", a.ip);
                    let key = format!("{}:ip:{}", AlertKind::AddressConflict.as_str(), a.ip);
                    let mut cond = condition(site_id, r, key, title, a);
                    cond.detail["previous_mac"] = json!(old);
                    t.open(cond);
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
                    t.open(cond);
                }
            }
            _ => {}
        }
    }
    if let Some(r) = on(AlertKind::RiskyPort) {
        t.add(risky_ports(db, r, site_id, scan_id, &site).await?);
    }
    t.add(clear_resolved(db, site_id).await?);
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
            t.open(cond);
        }
    } else {
        t.resolve("scan_partial".into());
    }
    Ok(t)
}

/// Risky services among the ports this scan saw open: one alert per device and port, or one
/// summary when there are more than `PER_SCAN_ALERTS`.
async fn risky_ports<C: ConnectionTrait>(
    db: &C,
    r: &Rule,
    site_id: Uuid,
    scan_id: Uuid,
    site: &str,
) -> StoreResult<Plan> {
    let opened: Vec<(Uuid, Option<String>)> = asset_change::Entity::find()
        .select_only()
        .column(asset_change::Column::AssetId)
        .column(asset_change::Column::NewValue)
        .filter(asset_change::Column::ScanId.eq(scan_id))
        .filter(asset_change::Column::ChangeType.eq(ct::PORTS_OPENED))
        .into_tuple()
        .all(db)
        .await?;
    let mut risky: Vec<(Uuid, u16, &str)> = opened
        .iter()
        .flat_map(|(id, ports)| {
            ports_of(ports.as_deref())
                .into_iter()
                .filter_map(move |p| crate::shield::ports::risky_service(p).map(|s| (*id, p, s)))
        })
        .collect();
    // A device that arrives with a risky service open opened it too.
    let new_ids: Vec<Uuid> = asset_change::Entity::find()
        .select_only()
        .column(asset_change::Column::AssetId)
        .filter(asset_change::Column::ScanId.eq(scan_id))
        .filter(asset_change::Column::ChangeType.eq(ct::NEW_ASSET))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in new_ids.chunks(500) {
        let rows: Vec<(Uuid, serde_json::Value)> = asset::Entity::find()
            .select_only()
            .column(asset::Column::Id)
            .column(asset::Column::OpenPorts)
            .filter(asset::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, ports) in rows {
            let ports: Vec<u16> = serde_json::from_value(ports).unwrap_or_default();
            risky.extend(
                ports
                    .into_iter()
                    .filter_map(|p| crate::shield::ports::risky_service(p).map(|s| (id, p, s))),
            );
        }
    }
    if risky.len() > PER_SCAN_ALERTS {
        let title = format!(
            "Risky services opened {} times in one scan of site {site}",
            risky.len()
        );
        return Ok(summary(Some(r), site_id, scan_id, title, risky.len()));
    }
    let assets = assets_by_id(db, risky.iter().map(|(id, _, _)| *id)).await?;
    let mut t = Plan::default();
    for (id, port, service) in risky {
        let Some(a) = assets.get(&id) else {
            continue;
        };
        let title = format!("{service} (port {port}) opened on {}", asset_label(a));
        let key = format!("{}:asset:{}:{port}", AlertKind::RiskyPort.as_str(), a.id);
        let mut cond = condition(site_id, r, key, title, a);
        cond.detail["port"] = json!(port);
        cond.detail["service"] = json!(service);
        t.open(cond);
    }
    Ok(t)
}

/// Resolves the site's live per-device missing and risky-port alerts whose device is back
/// or whose port is no longer open (or whose device is gone).
async fn clear_resolved<C: ConnectionTrait>(db: &C, site_id: Uuid) -> StoreResult<Plan> {
    let live = alert::Entity::find()
        .filter(alert::Column::SiteId.eq(site_id))
        .filter(alert::Column::Live.eq(1))
        .filter(alert::Column::Kind.is_in([
            AlertKind::DeviceMissing.as_str(),
            AlertKind::RiskyPort.as_str(),
        ]))
        .all(db)
        .await?;
    let asset_of = |a: &alert::Model| {
        a.detail["asset_id"]
            .as_str()
            .and_then(|s| s.parse::<Uuid>().ok())
    };
    let assets = assets_by_id(db, live.iter().filter_map(asset_of)).await?;
    let mut t = Plan::default();
    for a in &live {
        // Summary alerts name no device: they stay until someone acknowledges them.
        let Some(id) = asset_of(a) else {
            continue;
        };
        let cleared = match assets.get(&id) {
            None => true,
            Some(device) if a.kind == AlertKind::DeviceMissing.as_str() => !device.missing,
            Some(device) => {
                let open: Vec<u16> =
                    serde_json::from_value(device.open_ports.clone()).unwrap_or_default();
                a.detail["port"]
                    .as_u64()
                    .is_some_and(|p| !open.contains(&(p as u16)))
            }
        };
        if cleared {
            t.resolve(a.condition_key.clone());
        }
    }
    Ok(t)
}

/// DHCP keeps a device on its address for hours; moves closer together than this look like
/// one MAC answering for several addresses.
const MAC_MOVES_WITHIN: chrono::Duration = chrono::Duration::hours(1);

/// A vendor-assigned MAC: randomised (locally administered) ones rotate by design, so a
/// change of one is not a conflict.
fn stable_mac(m: &str) -> bool {
    m.parse::<crate::model::MacAddr>()
        .is_ok_and(|m| m.is_stable_identity())
}

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
    Ok(others.into_iter().find(|o| {
        o.mac
            .as_deref()
            .is_some_and(|m| m != mac && stable_mac(m) && stable_mac(mac))
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
