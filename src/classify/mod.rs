//! BİGR classification: every asset gets a group, a device type, an OS hint, a sensitivity
//! and a confidence that measures the strength and agreement of its evidence.
//!
//! Scoring: rules fire on an observation; within one kind of signal (vendor, ports, banner,
//! HTTP, TLS, SNMP, mDNS, hostname, MAC, TTL) only the strongest rule counts for a group, and
//! the kinds combine as independent evidence: `1 − Π(1 − wᵢ)`. Confidence is the winning
//! group's strength minus half of the strongest competitor's, so one weak hint stays low,
//! agreeing signals climb towards 1, and contradictions pull it down. Below 0.3 the asset is
//! `unclassified`: no evidence is never a guess.
mod error;
mod matcher;
pub mod rules;
pub mod vendor;

pub use error::LoadError;

use crate::model::{AssetObservation, Category, DeviceType, Evidence, Sensitivity};
use rules::{RuleSet, Signal};
use std::path::Path;

/// Below this confidence nothing is claimed.
pub const MIN_CONFIDENCE: f64 = 0.3;

/// The most one kind of signal can say about a group: "high" (≥ 0.7) always takes two kinds
/// of evidence that agree, however convincing one title or banner looks.
pub const MAX_SINGLE_SIGNAL: f64 = 0.65;

/// The groups a device type can belong to (servers and VMs can run infrastructure or an
/// application).
pub fn group_of(d: DeviceType) -> &'static [Category] {
    use DeviceType::*;
    match d {
        Router | Switch | Firewall | AccessPoint | Nas | Hypervisor => &[Category::AgVeSistemler],
        Server | Vm => &[Category::AgVeSistemler, Category::Uygulamalar],
        Printer | Camera | Iot | Media | Voip => &[Category::Iot],
        Phone | Tablet | Laptop | Desktop => &[Category::Tasinabilir],
        Unknown => &[],
    }
}

/// What the classifier needs beyond the observation itself.
pub struct Observed<'a> {
    pub obs: &'a AssetObservation,
    /// Subjects and SANs of certificates served by the host.
    pub tls_subjects: &'a [String],
    /// IP TTL seen in its replies.
    pub ttl: Option<u8>,
}

/// The classifier's verdict with the evidence behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    pub vendor: Option<String>,
    pub category: Category,
    pub device_type: DeviceType,
    pub confidence: f64,
    pub os_hint: Option<String>,
    pub sensitivity: Sensitivity,
    pub evidence: Vec<Evidence>,
}

impl Classification {
    /// Writes the verdict into the observation that goes into the report.
    pub fn apply_to(self, obs: &mut AssetObservation) {
        if obs.vendor.is_none() {
            obs.vendor = self.vendor;
        }
        if obs.os_hint.is_none() {
            obs.os_hint = self.os_hint;
        }
        obs.category = self.category;
        obs.device_type = self.device_type;
        obs.confidence = self.confidence;
        obs.sensitivity = self.sensitivity;
        obs.evidence = self.evidence;
    }
}

/// Rules and vendor table, loaded once and shared.
pub struct Classifier {
    rules: RuleSet,
    vendors: vendor::VendorLookup,
}

impl Classifier {
    /// Embedded rules and registry, with the user's additions from `home` when given.
    pub fn load(home: Option<&Path>) -> Result<Classifier, LoadError> {
        Ok(Classifier {
            rules: RuleSet::load(home)?,
            vendors: vendor::VendorLookup::load(home)?,
        })
    }

    pub fn classify(&self, input: &Observed) -> Classification {
        let vendor = input
            .obs
            .vendor
            .clone()
            .or_else(|| input.obs.mac.and_then(|m| self.vendors.lookup(&m)));
        let features = matcher::Features::new(
            &self.rules,
            input.obs,
            vendor,
            input.tls_subjects,
            input.ttl,
        );
        let mut fired = Vec::new();
        for (idx, rule) in self.rules.rules.iter().enumerate() {
            if let Some(value) = features.check(idx, rule) {
                fired.push((rule, value));
            }
        }
        let mut verdict = decide(features.vendor.clone(), &fired);
        // The OS a device reports itself, with its version, says more than a rule's family.
        if let Some(os) = input.obs.device_info.as_ref().and_then(|d| d.os.clone()) {
            verdict.os_hint = Some(os);
        }
        verdict
    }
}

/// Strength per key: the best weight of each signal kind, combined across kinds. A handful
/// of rules fire per asset, so small vectors beat hash maps here.
fn combine<K: PartialEq + Clone>(items: impl Iterator<Item = (K, Signal, f64)>) -> Vec<(K, f64)> {
    let mut best: Vec<((K, Signal), f64)> = Vec::new();
    for (k, s, w) in items {
        match best.iter_mut().find(|(key, _)| key.0 == k && key.1 == s) {
            Some((_, slot)) => *slot = slot.max(w),
            None => best.push(((k, s), w)),
        }
    }
    let mut miss: Vec<(K, f64)> = Vec::new();
    for ((k, _), w) in best {
        match miss.iter_mut().find(|(key, _)| *key == k) {
            Some((_, m)) => *m *= 1.0 - w,
            None => miss.push((k, 1.0 - w)),
        }
    }
    miss.into_iter().map(|(k, m)| (k, 1.0 - m)).collect()
}

fn score_of<K: PartialEq>(scores: &[(K, f64)], key: &K) -> Option<f64> {
    scores.iter().find(|(k, _)| k == key).map(|(_, s)| *s)
}

/// The best key and its strength, and the runner-up's strength. Ties go to the first key in
/// `order` so results never depend on the order rules fired in.
fn ranked<K: Clone + PartialEq>(scores: &[(K, f64)], order: &[K]) -> Option<(K, f64, f64)> {
    let mut v: Vec<(K, f64)> = order
        .iter()
        .filter_map(|k| score_of(scores, k).map(|s| (k.clone(), s)))
        .collect();
    // Stable sort: equal strengths keep `order`.
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    let second = v.get(1).map_or(0.0, |x| x.1);
    let (k, s) = v.into_iter().next()?;
    Some((k, s, second))
}

fn decide(vendor: Option<String>, fired: &[(&rules::Rule, String)]) -> Classification {
    let groups = combine(fired.iter().flat_map(|(r, _)| {
        // A device type that fits several groups (a VM) says nothing about the group.
        let groups: Vec<Category> = match (r.category, r.device_type.map(group_of)) {
            (Some(c), _) => vec![c],
            (None, Some([only])) => vec![*only],
            _ => vec![],
        };
        groups
            .into_iter()
            .map(|c| (c, r.signal, r.weight.min(MAX_SINGLE_SIGNAL)))
    }));
    let (category, confidence) = match ranked(&groups, &Category::ALL[..4]) {
        Some((c, best, second)) => (c, round4((best - 0.5 * second).clamp(0.0, 1.0))),
        None => (Category::Unclassified, 0.0),
    };
    let category = if confidence >= MIN_CONFIDENCE {
        category
    } else {
        Category::Unclassified
    };
    let vm_evidence = combine(
        fired
            .iter()
            .filter(|(r, _)| r.device_type == Some(DeviceType::Vm))
            .map(|(r, _)| ((), r.signal, r.weight)),
    );
    let vm = score_of(&vm_evidence, &()).unwrap_or(0.0) >= 0.5;
    // VM evidence refines "server"; it never outranks a firewall or NAS that runs as a VM.
    let types = combine(
        fired
            .iter()
            .filter_map(|(r, _)| {
                r.device_type
                    .filter(|d| *d != DeviceType::Vm)
                    .map(|d| (d, r.signal, r.weight))
            })
            .filter(|(d, _, _)| group_of(*d).contains(&category)),
    );
    let device_type = match ranked(&types, &DeviceType::ALL) {
        Some((DeviceType::Server, _, _)) if vm => DeviceType::Vm,
        Some((d, _, _)) => d,
        None if vm && group_of(DeviceType::Vm).contains(&category) => DeviceType::Vm,
        None if category == Category::Uygulamalar => DeviceType::Server,
        None => DeviceType::Unknown,
    };
    let oses = combine(
        fired
            .iter()
            .filter_map(|(r, _)| r.os.clone().map(|o| (o, r.signal, r.weight))),
    );
    let mut os_order: Vec<String> = oses.iter().map(|(k, _)| k.clone()).collect();
    os_order.sort();
    let os_hint = ranked(&oses, &os_order)
        .filter(|(_, s, _)| *s >= MIN_CONFIDENCE)
        .map(|(o, _, _)| o);
    let evidence = fired
        .iter()
        .map(|(r, value)| Evidence {
            rule: r.id.clone(),
            value: value.clone(),
            category: r.category,
            device_type: r.device_type,
            weight: r.weight,
        })
        .collect();
    Classification {
        sensitivity: sensitivity(category, device_type, os_hint.as_deref()),
        vendor,
        category,
        device_type,
        confidence,
        os_hint,
        evidence,
    }
}

/// Confidence as stored and shown; thresholds apply to this value, so a score printed as
/// 0.30 is never "unclassified" because of a floating-point hair.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Fragile devices (cameras, sensors, embedded stacks) get gentle probing and no intrusive
/// checks; other IoT, embedded and unidentified devices get care; identified computers and
/// network equipment are safe to probe normally.
pub fn sensitivity(
    category: Category,
    device_type: DeviceType,
    os_hint: Option<&str>,
) -> Sensitivity {
    match device_type {
        DeviceType::Camera | DeviceType::Iot => Sensitivity::Fragile,
        DeviceType::Printer | DeviceType::Media | DeviceType::Voip => Sensitivity::Cautious,
        // Unidentified devices and other IoT may be fragile: handle them with care.
        _ if matches!(category, Category::Iot | Category::Unclassified) => Sensitivity::Cautious,
        _ if os_hint.is_some_and(|o| o.to_lowercase().contains("embedded")) => {
            Sensitivity::Cautious
        }
        _ => Sensitivity::Safe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Service;

    fn classify(obs: &AssetObservation) -> Classification {
        Classifier::load(None).unwrap().classify(&Observed {
            obs,
            tls_subjects: &[],
            ttl: None,
        })
    }

    fn host(mac: Option<&str>, ports: &[u16]) -> AssetObservation {
        let mut o = AssetObservation::new("10.0.0.5".parse().unwrap());
        o.mac = mac.map(|m| m.parse().unwrap());
        o.open_ports = ports.to_vec();
        o
    }

    #[test]
    fn what_a_device_says_it_is_types_it_and_its_reported_os_wins() {
        let mut pc = host(None, &[445]);
        pc.device_info = Some(crate::model::DeviceInfo {
            os: Some("Windows 10 (build 19045)".into()),
            ..Default::default()
        });
        let c = classify(&pc);
        assert_eq!(c.device_type, DeviceType::Desktop, "{c:?}");
        assert_eq!(c.os_hint.as_deref(), Some("Windows 10 (build 19045)"));
        assert!(c.evidence.iter().any(|e| e.rule == "device.windows_client"));
        let mut phone = host(Some("5e:1a:77:90:12:aa"), &[]);
        phone.device_info = Some(crate::model::DeviceInfo {
            model: Some("iPhone14,2".into()),
            ..Default::default()
        });
        let c = classify(&phone);
        assert_eq!(
            (c.device_type, c.category),
            (DeviceType::Phone, Category::Tasinabilir)
        );
        assert_eq!(c.os_hint.as_deref(), Some("iOS"));
        // Every name counts, not only the chosen one.
        let mut named = host(None, &[]);
        named.hostname = Some("pc1.corp.example".into());
        named.names = vec![crate::model::SeenName {
            name: "LAPTOP-8FQ2ZK1".into(),
            source: crate::model::NameSource::Netbios,
        }];
        assert_eq!(classify(&named).device_type, DeviceType::Laptop);
    }

    #[test]
    fn nothing_to_go_on_is_unclassified_not_a_guess() {
        let c = classify(&host(None, &[]));
        assert_eq!(
            (c.category, c.device_type, c.confidence),
            (Category::Unclassified, DeviceType::Unknown, 0.0)
        );
        assert!(c.evidence.is_empty());
    }

    #[test]
    fn one_weak_hint_stays_low_and_agreeing_signals_are_high() {
        // A Lenovo NIC alone: a hint, never "high".
        let weak = classify(&host(Some("10:c5:95:12:34:56"), &[]));
        assert_eq!(weak.vendor.as_deref(), Some("Lenovo"));
        assert!(
            !weak.evidence.is_empty() && weak.confidence < 0.4,
            "{weak:?}"
        );
        // Hikvision OUI + RTSP port + camera web server agree: high.
        let mut cam = host(Some("54:8c:81:12:34:56"), &[80, 554, 8000]);
        cam.services.push(Service {
            port: 80,
            http_server: Some("App-webs/".into()),
            ..Default::default()
        });
        let strong = classify(&cam);
        assert_eq!(
            (strong.category, strong.device_type),
            (Category::Iot, DeviceType::Camera)
        );
        assert!(strong.confidence >= 0.85, "{strong:?}");
        assert_eq!(strong.sensitivity, Sensitivity::Fragile);
        assert!(strong.vendor.unwrap().contains("Hikvision"));
        let rules: Vec<&str> = strong.evidence.iter().map(|e| e.rule.as_str()).collect();
        assert!(
            rules.contains(&"vendor.camera_makers") && rules.contains(&"ports.rtsp"),
            "{rules:?}"
        );
    }

    #[test]
    fn contradicting_evidence_lowers_confidence() {
        let mut agree = host(None, &[9100]);
        agree.hostname = Some("NPI1A2B3C".into());
        let mut clash = agree.clone();
        clash.services.push(Service {
            port: 9100,
            http_title: Some("MikroTik RouterOS".into()),
            ..Default::default()
        });
        assert!(classify(&clash).confidence < classify(&agree).confidence);
    }

    #[test]
    fn randomized_macs_are_never_looked_up() {
        let c = classify(&host(Some("da:a1:19:00:00:01"), &[]));
        assert_eq!(c.vendor, None);
        assert_eq!(
            c.category,
            Category::Unclassified,
            "a randomized MAC alone is only a hint"
        );
    }

    #[test]
    fn ordinary_words_and_common_ports_do_not_make_devices() {
        let mut proxy = host(None, &[80]);
        proxy.services.push(Service {
            port: 80,
            http_title: Some("502 Bad Gateway".into()),
            ..Default::default()
        });
        assert_eq!(
            classify(&proxy).category,
            Category::Unclassified,
            "an nginx error page is not a router"
        );
        let mut exporter = host(None, &[22, 9100]);
        exporter.hostname = Some("monitoring.corp.local".into());
        assert_ne!(
            classify(&exporter).device_type,
            DeviceType::Printer,
            "node_exporter is not JetDirect"
        );
        for name in [
            "Ahmet-VivoBook",
            "github-runner",
            "ws12.ad.example.com",
            "iPadmin-srv",
        ] {
            let mut h = host(None, &[]);
            h.hostname = Some(name.into());
            let c = classify(&h);
            assert!(
                !matches!(
                    c.device_type,
                    DeviceType::Phone | DeviceType::Iot | DeviceType::Tablet
                ),
                "{name}: {c:?}"
            );
        }
    }

    #[test]
    fn one_convincing_signal_is_at_most_medium() {
        let mut nas = host(None, &[5000]);
        nas.services.push(Service {
            port: 5000,
            http_title: Some("Synology DiskStation".into()),
            ..Default::default()
        });
        let c = classify(&nas);
        assert_eq!(
            (c.category, c.device_type),
            (Category::AgVeSistemler, DeviceType::Nas)
        );
        assert!(
            c.confidence < 0.7,
            "one title alone must not read as high: {c:?}"
        );
    }

    #[test]
    fn long_and_odd_banners_are_safe_and_evidence_is_bounded() {
        let mut h = host(None, &[22]);
        let banner = format!(
            "SSH-2.0-OpenSSH_9.2p1 Debian {}",
            "ü\u{FFFD}x".repeat(20_000)
        );
        h.services.push(Service {
            port: 22,
            banner: Some(banner),
            ..Default::default()
        });
        let c = classify(&h);
        assert!(
            c.evidence.iter().all(|e| e.value.chars().count() <= 257),
            "{:?}",
            c.evidence.iter().map(|e| e.value.len()).collect::<Vec<_>>()
        );
        assert_eq!(c.os_hint.as_deref(), Some("Linux"));
    }
}
