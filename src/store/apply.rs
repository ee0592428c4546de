//! The change rules, applied in memory to a site's assets; `save_scan` then writes the result.
use super::entity::asset;
use super::identity::{ip_sort_key, is_mac_identity};
use super::save_scan::SaveOptions;
pub use super::state::SiteState;
use crate::model::{AssetObservation, Category, DeviceType, PortSet};
use std::collections::BTreeSet;
use std::net::IpAddr;
use uuid::Uuid;

/// The change types of DOMAIN.md.
pub mod change_type {
    pub const NEW_ASSET: &str = "new_asset";
    pub const IP_CHANGED: &str = "ip_changed";
    pub const FIELD_CHANGED: &str = "field_changed";
    pub const PORTS_OPENED: &str = "ports_opened";
    pub const PORTS_CLOSED: &str = "ports_closed";
    pub const ASSET_MISSING: &str = "asset_missing";
    pub const ASSET_RETURNED: &str = "asset_returned";
    pub const ALL: [&str; 7] = [
        NEW_ASSET,
        IP_CHANGED,
        FIELD_CHANGED,
        PORTS_OPENED,
        PORTS_CLOSED,
        ASSET_MISSING,
        ASSET_RETURNED,
    ];
}
use change_type::*;

/// Applies one merged observation to the asset `SiteState::resolve_all` chose for it (None:
/// a new asset). Returns the asset's id, or None when the observation has nowhere to go
/// (its key already belongs to an asset this report bound elsewhere), so no snapshot.
pub fn apply_observation(
    state: &mut SiteState,
    target: Option<usize>,
    key: &str,
    obs: &AssetObservation,
    probed: &PortSet,
) -> Option<Uuid> {
    match target {
        Some(i) => Some(update_existing(state, i, key, obs, probed)),
        None if state.by_key.contains_key(key) => {
            tracing::warn!(
                key,
                "observation skipped: its identity is already bound in this report"
            );
            None
        }
        None => Some(insert_new(state, key, obs)),
    }
}

fn insert_new(state: &mut SiteState, key: &str, obs: &AssetObservation) -> Uuid {
    let id = Uuid::now_v7();
    let ports: BTreeSet<u16> = obs.open_ports.iter().copied().collect();
    let i = state.push(asset::Model {
        id,
        site_id: state.site_id,
        identity_key: key.to_string(),
        ip: obs.ip.to_string(),
        ip_sort: ip_sort_key(obs.ip),
        mac: obs.mac.map(|m| m.to_string()),
        hostname: obs.hostname.clone(),
        vendor: obs.vendor.clone(),
        os_hint: obs.os_hint.clone(),
        device_type: obs.device_type.as_str().to_string(),
        category: obs.category.as_str().to_string(),
        computed_category: obs.category.as_str().to_string(),
        confidence: obs.confidence,
        sensitivity: obs.sensitivity.as_str().to_string(),
        open_ports: json(&ports),
        services: json(&obs.services),
        evidence: json(&obs.evidence),
        mdns_services: json(&obs.mdns_services),
        snmp: obs.snmp.as_ref().map(json),
        names: (!obs.names.is_empty()).then(|| json(&obs.names)),
        device_info: obs.device_info.as_ref().map(json),
        ipv6: (!obs.ipv6.is_empty()).then(|| json(&obs.ipv6)),
        switch_host: obs.switch_port.as_ref().map(|s| s.host.clone()),
        switch_port: obs.switch_port.as_ref().map(|s| s.port.clone()),
        switch_port_index: obs
            .switch_port
            .as_ref()
            .and_then(|s| s.port_index)
            .map(|p| p as i32),
        vlan: obs.switch_port.as_ref().and_then(|s| s.vlan).map(i32::from),
        manual_category: None,
        manual_note: None,
        tagged_at: None,
        tagged_by: None,
        first_seen: state.now,
        last_seen: state.now,
        missing: false,
        missing_since: None,
        missed_scans: 0,
        change_count: 0,
        last_scan_id: Some(state.scan_id),
        // Scored with the other dirty assets just before they are written (`save_scan`).
        risk_centis: 0,
        risk_due: None,
        cve_count: 0,
        cve_max: 0.0,
        cve_kev: false,
        cve_critical: 0,
        cve_high: 0,
        cve_medium: 0,
        cve_low: 0,
        scored_with: String::new(),
        shield_worst: 0,
    });
    state.change(i, NEW_ASSET, None, None, Some(obs.ip.to_string()));
    id
}

fn update_existing(
    state: &mut SiteState,
    i: usize,
    key: &str,
    obs: &AssetObservation,
    probed: &PortSet,
) -> Uuid {
    state.seen[i] = true;
    let id = state.assets[i].id;
    // A report older than what we know (a queued report delivered late, or one from before
    // the asset was declared missing) only adds history.
    let a = &state.assets[i];
    if state.now < a.last_seen || a.missing_since.is_some_and(|m| state.now <= m) {
        return id;
    }
    state.dirty[i] = true;
    let now = state.now;
    if state.assets[i].missing {
        state.change(i, ASSET_RETURNED, None, None, Some(obs.ip.to_string()));
        let a = &mut state.assets[i];
        a.missing = false;
        a.missing_since = None;
    }
    state.assets[i].missed_scans = 0;

    if state.assets[i].identity_key != key && is_mac_identity(key) {
        state.set_key(i, key);
    }
    let new_ip = obs.ip.to_string();
    if state.assets[i].ip != new_ip {
        let old = state.set_ip(i, new_ip.clone());
        state.assets[i].ip_sort = ip_sort_key(obs.ip);
        state.change(i, IP_CHANGED, Some("ip"), Some(old), Some(new_ip));
    }
    if let Some(mac) = obs.mac.map(|m| m.to_string())
        && state.assets[i].mac.as_deref() != Some(mac.as_str())
    {
        // On a MAC-keyed asset a MAC-less or different-MAC observation never gets here with a
        // new MAC (the key would differ); this records IP-keyed devices gaining or rotating one.
        let old = state.assets[i].mac.replace(mac.clone());
        state.change(i, FIELD_CHANGED, Some("mac"), old, Some(mac));
    }
    let hostname = merge_identity(&mut state.assets[i], obs);
    // An absent value means "not learned this time", not "gone": it never erases what we know.
    for field in ["hostname", "vendor", "os_hint"] {
        let new = match field {
            "hostname" => &hostname,
            "vendor" => &obs.vendor,
            _ => &obs.os_hint,
        };
        let Some(new) = new.clone() else { continue };
        let slot = match field {
            "hostname" => &mut state.assets[i].hostname,
            "vendor" => &mut state.assets[i].vendor,
            _ => &mut state.assets[i].os_hint,
        };
        if slot.as_deref() != Some(new.as_str()) {
            let old = slot.replace(new.clone());
            state.change(i, FIELD_CHANGED, Some(field), old, Some(new));
        }
    }
    apply_classification(state, i, obs);
    apply_ports(state, i, obs, probed);
    let a = &mut state.assets[i];
    if !obs.mdns_services.is_empty() {
        a.mdns_services = json(&obs.mdns_services);
    }
    if let Some(snmp) = &obs.snmp {
        a.snmp = Some(json(snmp));
    }
    if let Some(sw) = &obs.switch_port {
        a.switch_host = Some(sw.host.clone());
        a.switch_port = Some(sw.port.clone());
        a.switch_port_index = sw.port_index.map(|p| p as i32);
        a.vlan = sw.vlan.map(i32::from);
    }
    a.last_seen = now;
    a.last_scan_id = Some(state.scan_id);
    id
}

/// Adds this scan's names to those stored (this scan's first, so a renamed host takes its
/// new name; a source silent this time keeps its last word) and its device facts over the
/// stored ones. Returns the hostname the merged names give: a scan whose DNS lookup failed
/// does not rename a host to its NetBIOS name.
fn merge_identity(a: &mut asset::Model, obs: &AssetObservation) -> Option<String> {
    use crate::model::names::{add_name, fused_hostname};
    use crate::model::{DeviceInfo, SeenName, limits::NAMES_PER_ASSET};
    if !obs.ipv6.is_empty() {
        a.ipv6 = Some(json(&merged_ipv6(a.ipv6.clone(), &obs.ipv6)));
    }
    if obs.names.is_empty() && obs.device_info.is_none() {
        return obs.hostname.clone();
    }
    let stored: Vec<SeenName> = a
        .names
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut names = obs.names.clone();
    for n in stored {
        if names.len() >= NAMES_PER_ASSET {
            break;
        }
        add_name(&mut names, &n.name, n.source);
    }
    if let Some(new) = &obs.device_info {
        let mut device = new.clone();
        if let Some(old) = a
            .device_info
            .clone()
            .and_then(|v| serde_json::from_value::<DeviceInfo>(v).ok())
        {
            device.absorb(old);
        }
        a.device_info = Some(json(&device));
    }
    let hostname = fused_hostname(&names).or_else(|| obs.hostname.clone());
    a.names = Some(json(&names));
    hostname
}

/// This scan's IPv6 addresses first, then the stored ones, up to the per-asset bound: a
/// host's temporary addresses rotate, and the newest are the ones worth keeping.
fn merged_ipv6(
    stored: Option<serde_json::Value>,
    seen: &[std::net::Ipv6Addr],
) -> Vec<std::net::Ipv6Addr> {
    use crate::model::limits::IPV6_PER_ASSET;
    let stored: Vec<std::net::Ipv6Addr> = stored
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut out: Vec<std::net::Ipv6Addr> = Vec::new();
    for v6 in seen.iter().chain(stored.iter()) {
        if out.len() < IPV6_PER_ASSET && !out.contains(v6) {
            out.push(*v6);
        }
    }
    out
}

/// Category and device type change only on real evidence: a scan that learned too little to
/// classify (unclassified / unknown) does not undo an earlier classification, and confidence
/// jitter alone is never a change.
fn apply_classification(state: &mut SiteState, i: usize, obs: &AssetObservation) {
    if obs.device_type != DeviceType::Unknown
        && state.assets[i].device_type != obs.device_type.as_str()
    {
        let old = std::mem::replace(
            &mut state.assets[i].device_type,
            obs.device_type.as_str().to_string(),
        );
        state.change(
            i,
            FIELD_CHANGED,
            Some("device_type"),
            Some(old),
            Some(obs.device_type.as_str().to_string()),
        );
    }
    if obs.category == Category::Unclassified {
        return;
    }
    let new = obs.category.as_str().to_string();
    if state.assets[i].computed_category != new {
        let old = std::mem::replace(&mut state.assets[i].computed_category, new.clone());
        state.change(
            i,
            FIELD_CHANGED,
            Some("category"),
            Some(old),
            Some(new.clone()),
        );
    }
    let a = &mut state.assets[i];
    if a.manual_category.is_none() {
        a.category = new;
    }
    a.confidence = obs.confidence;
    a.sensitivity = obs.sensitivity.as_str().to_string();
    a.evidence = json(&obs.evidence);
}

/// Opened = open now and not before; closed = open before, probed now, not open now. Ports
/// outside the probed set keep their last known state.
fn apply_ports(state: &mut SiteState, i: usize, obs: &AssetObservation, probed: &PortSet) {
    let old: BTreeSet<u16> =
        serde_json::from_value(state.assets[i].open_ports.clone()).unwrap_or_default();
    let new: BTreeSet<u16> = obs.open_ports.iter().copied().collect();
    let opened: Vec<u16> = new.difference(&old).copied().collect();
    let closed: Vec<u16> = old
        .iter()
        .filter(|p| probed.contains(**p) && !new.contains(p))
        .copied()
        .collect();
    let current: BTreeSet<u16> = old
        .iter()
        .filter(|p| !probed.contains(**p))
        .chain(&new)
        .copied()
        .collect();
    if !opened.is_empty() {
        state.change(
            i,
            PORTS_OPENED,
            Some("open_ports"),
            None,
            Some(PortSet::from_ports(opened).to_string()),
        );
    }
    if !closed.is_empty() {
        state.change(
            i,
            PORTS_CLOSED,
            Some("open_ports"),
            Some(PortSet::from_ports(closed).to_string()),
            None,
        );
    }
    let a = &mut state.assets[i];
    let mut services: Vec<crate::model::Service> =
        serde_json::from_value(a.services.clone()).unwrap_or_default();
    // Keep what we knew about ports that are still open and that this scan did not describe
    // (it may not have looked at services at all); drop details of ports now closed.
    services
        .retain(|s| current.contains(&s.port) && !obs.services.iter().any(|n| n.port == s.port));
    services.extend(obs.services.iter().cloned());
    services.sort_by_key(|s| s.port);
    a.services = json(&services);
    a.open_ports = json(&current);
}

/// Counts a covering, complete scan that did not see an asset; after the grace window
/// (N scans and M minutes) the asset is missing.
pub fn mark_absent(state: &mut SiteState, networks: &[ipnet::IpNet], opts: &SaveOptions) {
    if networks.is_empty() {
        return;
    }
    for i in 0..state.assets.len() {
        let a = &state.assets[i];
        if state.seen[i] || a.missing || a.last_seen >= state.now {
            continue;
        }
        let Ok(ip) = a.ip.parse::<IpAddr>() else {
            continue;
        };
        if !networks.iter().any(|n| n.contains(&ip)) {
            continue;
        }
        state.dirty[i] = true;
        let a = &mut state.assets[i];
        a.missed_scans += 1;
        if a.missed_scans as u32 >= opts.missing_after_scans
            && state.now - a.last_seen >= opts.missing_after
        {
            a.missing = true;
            a.missing_since = Some(state.now);
            let ip = a.ip.clone();
            state.change(i, ASSET_MISSING, None, Some(ip), None);
        }
    }
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
