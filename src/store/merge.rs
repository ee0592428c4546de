//! Folding several observations of the same device inside one report into one.
use super::identity::{identity_key, is_mac_identity};
use crate::model::{AssetObservation, Category};
use std::collections::{BTreeSet, HashMap};

/// Merges observations that share an identity key, then folds a MAC-less observation into
/// the single MAC-bearing one that claims the same IP (a TCP probe and an ARP reply of one
/// host). Order of first appearance is kept.
pub fn merge_observations(observations: &[AssetObservation]) -> Vec<(String, AssetObservation)> {
    let mut order: Vec<String> = Vec::new();
    let mut by_key: HashMap<String, AssetObservation> = HashMap::new();
    for obs in observations {
        let key = identity_key(obs);
        match by_key.get_mut(&key) {
            Some(existing) => merge_into(existing, obs),
            None => {
                order.push(key.clone());
                by_key.insert(key, obs.clone());
            }
        }
    }
    // IP → the MAC-keyed observations claiming it.
    let mut mac_claims: HashMap<std::net::IpAddr, Vec<String>> = HashMap::new();
    for key in order.iter().filter(|k| is_mac_identity(k)) {
        mac_claims
            .entry(by_key[key].ip)
            .or_default()
            .push(key.clone());
    }
    let mut result = Vec::with_capacity(order.len());
    let mut folded: Vec<(String, AssetObservation)> = Vec::new();
    for key in order {
        let obs = by_key.remove(&key).unwrap_or_else(|| unreachable_obs(&key));
        if !is_mac_identity(&key)
            && let Some(claims) = mac_claims.get(&obs.ip)
            && claims.len() == 1
        {
            folded.push((claims[0].clone(), obs));
            continue;
        }
        result.push((key, obs));
    }
    for (target, obs) in folded {
        if let Some((_, into)) = result.iter_mut().find(|(k, _)| *k == target) {
            merge_into(into, &obs);
        }
    }
    result
}

// `order` and `by_key` hold the same keys by construction; this keeps the code panic-free.
fn unreachable_obs(key: &str) -> AssetObservation {
    let ip = key
        .trim_start_matches("ip:")
        .parse()
        .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    AssetObservation::new(ip)
}

/// Adds what `other` knows to `into`: union of ports and services, first non-empty text,
/// the stronger classification.
pub fn merge_into(into: &mut AssetObservation, other: &AssetObservation) {
    let ports: BTreeSet<u16> = into
        .open_ports
        .iter()
        .chain(&other.open_ports)
        .copied()
        .collect();
    into.open_ports = ports.into_iter().collect();
    for s in &other.services {
        if !into
            .services
            .iter()
            .any(|x| x.port == s.port && x.protocol == s.protocol)
        {
            into.services.push(s.clone());
        }
    }
    for (mine, theirs) in [
        (&mut into.hostname, &other.hostname),
        (&mut into.vendor, &other.vendor),
        (&mut into.os_hint, &other.os_hint),
    ] {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    }
    if into.mac.is_none() {
        into.mac = other.mac;
    }
    if into.snmp.is_none() {
        into.snmp.clone_from(&other.snmp);
    }
    if into.switch_port.is_none() {
        into.switch_port.clone_from(&other.switch_port);
    }
    for m in &other.mdns_services {
        if !into.mdns_services.contains(m) {
            into.mdns_services.push(m.clone());
        }
    }
    let stronger = other.category != Category::Unclassified
        && (into.category == Category::Unclassified || other.confidence > into.confidence);
    if stronger {
        into.category = other.category;
        into.confidence = other.confidence;
        into.device_type = other.device_type;
        into.sensitivity = other.sensitivity;
        into.evidence.clone_from(&other.evidence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(ip: &str, mac: Option<&str>, ports: &[u16]) -> AssetObservation {
        let mut o = AssetObservation::new(ip.parse().unwrap());
        o.mac = mac.map(|m| m.parse().unwrap());
        o.open_ports = ports.to_vec();
        o
    }

    #[test]
    fn duplicates_and_macless_twins_become_one() {
        let merged = merge_observations(&[
            obs("10.0.0.5", Some("00:1b:21:3a:4f:10"), &[22]),
            obs("10.0.0.5", None, &[80]),
            obs("10.0.0.6", None, &[443]),
            obs("10.0.0.6", None, &[22]),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].0, "mac:00:1b:21:3a:4f:10");
        assert_eq!(merged[0].1.open_ports, vec![22, 80]);
        assert_eq!(merged[1].1.open_ports, vec![22, 443]);
    }

    #[test]
    fn two_macs_on_one_ip_stay_two_devices() {
        let merged = merge_observations(&[
            obs("10.0.0.5", Some("00:1b:21:3a:4f:10"), &[]),
            obs("10.0.0.5", Some("00:1b:21:3a:4f:11"), &[]),
            obs("10.0.0.5", None, &[80]),
        ]);
        assert_eq!(
            merged.len(),
            3,
            "an IP claimed by two MACs is ambiguous: keep the MAC-less one apart"
        );
    }
}
