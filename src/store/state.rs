//! A site's assets in memory while one report is applied: indexes by identity key and by IP,
//! which asset each observation belongs to, and the change rows produced.
use super::entity::{asset, asset_change};
use super::identity::is_mac_identity;
use crate::model::AssetObservation;
use chrono::{DateTime, Utc};
use sea_orm::Set;
use std::collections::HashMap;
use uuid::Uuid;

pub struct SiteState {
    pub(super) site_id: Uuid,
    pub(super) scan_id: Uuid,
    pub(super) now: DateTime<Utc>,
    pub(super) assets: Vec<asset::Model>,
    pub(super) by_key: HashMap<String, usize>,
    by_ip: HashMap<String, Vec<usize>>,
    /// Bound to an observation of this report (or created by one).
    pub(super) seen: Vec<bool>,
    pub(super) dirty: Vec<bool>,
    changes: Vec<asset_change::ActiveModel>,
}

impl SiteState {
    pub fn new(
        site_id: Uuid,
        scan_id: Uuid,
        now: DateTime<Utc>,
        assets: Vec<asset::Model>,
    ) -> Self {
        let mut by_key = HashMap::with_capacity(assets.len());
        let mut by_ip: HashMap<String, Vec<usize>> = HashMap::with_capacity(assets.len());
        for (i, a) in assets.iter().enumerate() {
            by_key.insert(a.identity_key.clone(), i);
            by_ip.entry(a.ip.clone()).or_default().push(i);
        }
        let n = assets.len();
        SiteState {
            site_id,
            scan_id,
            now,
            assets,
            by_key,
            by_ip,
            seen: vec![false; n],
            dirty: vec![false; n],
            changes: Vec::new(),
        }
    }

    /// Decides, for every merged observation, which existing asset it is (None: a new one).
    /// Exact identity keys bind first, for all observations, so an IP-based guess can never
    /// take an asset that another observation names exactly.
    pub fn resolve_all(
        &mut self,
        observations: &[(String, AssetObservation)],
    ) -> Vec<Option<usize>> {
        let mut targets: Vec<Option<usize>> = observations
            .iter()
            .map(|(key, _)| self.by_key.get(key).copied())
            .collect();
        for t in targets.iter().flatten() {
            self.seen[*t] = true;
        }
        for (slot, (key, obs)) in targets.iter_mut().zip(observations) {
            if slot.is_none() {
                *slot = self.fallback(key, obs);
                if let Some(i) = *slot {
                    self.seen[i] = true;
                }
            }
        }
        targets
    }

    fn fallback(&self, key: &str, obs: &AssetObservation) -> Option<usize> {
        let candidates = self.by_ip.get(&obs.ip.to_string())?;
        let free = candidates.iter().copied().filter(|i| !self.seen[*i]);
        if is_mac_identity(key) {
            // A device first seen without its MAC (routed or unprivileged scan) is the same
            // device once ARP shows the MAC: adopt the IP-keyed asset that never had one.
            free.into_iter().find(|i| {
                let a = &self.assets[*i];
                !is_mac_identity(&a.identity_key) && a.mac.is_none()
            })
        } else if obs.mac.is_none() {
            // No MAC this time: credit the MAC-identified device that holds this IP. An
            // observation that does carry a (randomized) MAC is another device.
            free.filter(|i| {
                let a = &self.assets[*i];
                is_mac_identity(&a.identity_key) && !a.missing
            })
            .max_by_key(|i| self.assets[*i].last_seen)
        } else {
            None
        }
    }

    /// Adds a new asset row and indexes it.
    pub(super) fn push(&mut self, a: asset::Model) -> usize {
        let i = self.assets.len();
        self.by_key.insert(a.identity_key.clone(), i);
        self.by_ip.entry(a.ip.clone()).or_default().push(i);
        self.assets.push(a);
        self.seen.push(true);
        self.dirty.push(true);
        i
    }

    /// Moves asset `i` to another IP, keeping the index right.
    pub(super) fn set_ip(&mut self, i: usize, ip: String) -> String {
        if let Some(list) = self.by_ip.get_mut(&self.assets[i].ip) {
            list.retain(|x| *x != i);
        }
        self.by_ip.entry(ip.clone()).or_default().push(i);
        std::mem::replace(&mut self.assets[i].ip, ip)
    }

    /// Re-keys asset `i` (an IP-keyed asset adopted by its MAC).
    pub(super) fn set_key(&mut self, i: usize, key: &str) {
        let old = std::mem::replace(&mut self.assets[i].identity_key, key.to_string());
        self.by_key.remove(&old);
        self.by_key.insert(key.to_string(), i);
    }

    pub(super) fn change(
        &mut self,
        i: usize,
        kind: &str,
        field: Option<&str>,
        old: Option<String>,
        new: Option<String>,
    ) {
        let a = &mut self.assets[i];
        a.change_count += 1;
        self.changes.push(asset_change::ActiveModel {
            id: Set(Uuid::now_v7()),
            site_id: Set(self.site_id),
            asset_id: Set(a.id),
            scan_id: Set(self.scan_id),
            change_type: Set(kind.to_string()),
            field_name: Set(field.map(str::to_string)),
            old_value: Set(old),
            new_value: Set(new),
            detected_at: Set(self.now),
        });
    }

    pub fn take_changes(&mut self) -> Vec<asset_change::ActiveModel> {
        std::mem::take(&mut self.changes)
    }

    /// Assets inserted or modified by this report.
    pub fn dirty_assets(&self) -> Vec<asset::Model> {
        self.assets
            .iter()
            .zip(&self.dirty)
            .filter(|(_, d)| **d)
            .map(|(a, _)| a.clone())
            .collect()
    }

    /// Which asset holds each IP: those seen in this report first, then the other present ones.
    pub fn ip_owners(&self) -> HashMap<String, Uuid> {
        let mut owners = HashMap::new();
        for (a, seen) in self.assets.iter().zip(&self.seen) {
            if *seen {
                owners.insert(a.ip.clone(), a.id);
            }
        }
        for a in self.assets.iter().filter(|a| !a.missing) {
            owners.entry(a.ip.clone()).or_insert(a.id);
        }
        owners
    }
}
