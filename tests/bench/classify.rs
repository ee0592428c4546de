//! Classification benchmark: 100 000 observations on one core.
//!
//! `cargo bench --bench classify`. The observations cycle through the labelled corpus in
//! tests/data/classify/ (real-looking MACs, ports, banners, titles, mDNS, SNMP) with distinct
//! IPs. The bar: under one second for 100 000. For scale, nmap -sV spent 742 s naming
//! the services of a 250-host lab (shared/reference/peers.md).
use bigr::classify::{Classifier, Observed};
use bigr::model::AssetObservation;
use std::time::Instant;

const N: usize = 100_000;

#[derive(serde::Deserialize)]
struct Case {
    observation: AssetObservation,
    #[serde(default)]
    ttl: Option<u8>,
    #[serde(default)]
    tls_subjects: Vec<String>,
}

fn corpus() -> Vec<Case> {
    ["tuned", "heldout"]
        .iter()
        .flat_map(|name| {
            let path = format!(
                "{}/tests/data/classify/{name}.jsonl",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).expect("corpus");
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).expect("case"))
                .collect::<Vec<Case>>()
        })
        .collect()
}

fn main() {
    let start = Instant::now();
    let classifier = Classifier::load(None).expect("rules");
    println!(
        "load rules (embedded): {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    let cases = corpus();
    let inputs: Vec<(AssetObservation, Option<u8>, &[String])> = (0..N)
        .map(|i| {
            let c = &cases[i % cases.len()];
            let mut obs = c.observation.clone();
            obs.ip = std::net::Ipv4Addr::from(0x0A00_0000 + i as u32 + 1).into();
            (obs, c.ttl, c.tls_subjects.as_slice())
        })
        .collect();
    // The first lookup parses the embedded IEEE registry.
    let start = Instant::now();
    let _ = classifier.classify(&Observed {
        obs: &inputs[0].0,
        tls_subjects: inputs[0].2,
        ttl: inputs[0].1,
    });
    println!(
        "first classification (parses the IEEE registry): {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    let start = Instant::now();
    let mut classified = 0usize;
    for (obs, ttl, tls) in &inputs {
        let c = classifier.classify(&Observed {
            obs,
            tls_subjects: tls,
            ttl: *ttl,
        });
        classified += usize::from(c.category != bigr::model::Category::Unclassified);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "classify {N} observations on one core: {:.0} ms, {:.0} observations/s ({classified} classified)",
        secs * 1000.0,
        N as f64 / secs
    );
    println!("bar: 100 000 in under 1 000 ms; nmap -sV: 742 s for 69 service hosts (peers.md)");
}
