//! Folding several observations of the same device inside one report into one.
use super::identity::{identity_key, is_mac_identity};
use crate::model::{AssetObservation, Category};
use std::collections::{BTreeSet, HashMap};

/// Merges the observations of one report into one per device, in order of first appearance:
/// 1. the same identity key at the same IP is one observation;
/// 2. a MAC seen at several IPs (secondary addresses, proxy ARP) keeps its MAC identity on
///    the lowest IP; each other IP becomes a device keyed by that IP, so no IP is lost;
/// 3. a MAC-less observation is folded into the single MAC-keyed one claiming its IP (a TCP
///    probe and an ARP reply of one host).
pub fn merge_observations(observations: &[AssetObservation]) -> Vec<(String, AssetObservation)> {
    let mut grouped = Grouped::default();
    for obs in observations {
        grouped.add(
            format!("{}@{}", identity_key(obs), obs.ip),
            identity_key(obs),
            obs,
        );
    }
    // Step 2: lowest IP of each MAC keeps the MAC key.
    let mut lowest: HashMap<&str, std::net::IpAddr> = HashMap::new();
    for (key, obs) in &grouped.items {
        if is_mac_identity(key) {
            let ip = lowest.entry(key.as_str()).or_insert(obs.ip);
            *ip = (*ip).min(obs.ip);
        }
    }
    let mut rekeyed = Grouped::default();
    for (key, obs) in &grouped.items {
        let key = match lowest.get(key.as_str()) {
            Some(ip) if *ip != obs.ip => format!("ip:{}", obs.ip),
            _ => key.clone(),
        };
        rekeyed.add(key.clone(), key, obs);
    }
    // Step 3: fold MAC-less observations into the one MAC-keyed observation at their IP.
    let mut mac_claims: HashMap<std::net::IpAddr, Vec<usize>> = HashMap::new();
    for (i, (key, obs)) in rekeyed.items.iter().enumerate() {
        if is_mac_identity(key) {
            mac_claims.entry(obs.ip).or_default().push(i);
        }
    }
    let mut folded_into: Vec<Option<usize>> = vec![None; rekeyed.items.len()];
    for (i, (key, obs)) in rekeyed.items.iter().enumerate() {
        if !is_mac_identity(key)
            && obs.mac.is_none()
            && let Some(claims) = mac_claims.get(&obs.ip)
            && claims.len() == 1
        {
            folded_into[i] = Some(claims[0]);
        }
    }
    let mut items = rekeyed.items;
    for (i, target) in folded_into.iter().enumerate() {
        if let Some(t) = *target {
            let extra = items[i].1.clone();
            merge_into(&mut items[t].1, &extra);
        }
    }
    items
        .into_iter()
        .zip(folded_into)
        .filter_map(|(item, folded)| folded.is_none().then_some(item))
        .collect()
}

/// Observations merged by a grouping key, in order of first appearance.
#[derive(Default)]
struct Grouped {
    index: HashMap<String, usize>,
    items: Vec<(String, AssetObservation)>,
}

impl Grouped {
    fn add(&mut self, group: String, key: String, obs: &AssetObservation) {
        match self.index.get(&group) {
            Some(&i) => merge_into(&mut self.items[i].1, obs),
            None => {
                self.index.insert(group, self.items.len());
                self.items.push((key, obs.clone()));
            }
        }
    }
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
    for n in &other.names {
        crate::model::names::add_name(&mut into.names, &n.name, n.source);
    }
    for v6 in &other.ipv6 {
        if !into.ipv6.contains(v6) && into.ipv6.len() < crate::model::limits::IPV6_PER_ASSET {
            into.ipv6.push(*v6);
        }
    }
    if let Some(theirs) = &other.device_info {
        into.device_info
            .get_or_insert_with(Default::default)
            .absorb(theirs.clone());
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
    fn one_mac_at_two_ips_keeps_both_ips() {
        let merged = merge_observations(&[
            obs("10.0.0.9", Some("00:1b:21:3a:4f:10"), &[80]),
            obs("10.0.0.5", Some("00:1b:21:3a:4f:10"), &[22]),
            obs("10.0.0.9", None, &[443]),
        ]);
        let keys: Vec<&str> = merged.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["ip:10.0.0.9", "mac:00:1b:21:3a:4f:10"]);
        assert_eq!(merged[0].1.open_ports, vec![80, 443]);
        assert_eq!(merged[1].1.ip.to_string(), "10.0.0.5");
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
