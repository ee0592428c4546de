//! Stored per-asset analysis: risk and CVE answers read from stored scores equal those of a
//! pass over every asset in memory, on both backends, and stay equal as assets age, are
//! tagged, or are scored by a new formula or snapshot.
use crate::support::{TestDb, host, on_each_backend, report};
use bigr::analysis::risk;
use bigr::analysis::vulns::{self, CveSnapshot, VulnListing};
use bigr::model::{AssetFacts, AssetObservation, Category, Service};
use bigr::store::{self, PageRequest, SaveOptions, save_scan, tags};
use bigr::stored_analysis;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

fn service(port: u16, field: &str, text: &str) -> Service {
    serde_json::from_value(serde_json::json!({ "port": port, field: text })).unwrap()
}

/// Host `i` of a /24: a mix of groups, ports and (some) vulnerable products.
fn varied(net: u8, i: u8) -> AssetObservation {
    let mac = format!("02:00:00:00:{net:02x}:{i:02x}");
    let ports: &[u16] = match i % 5 {
        0 => &[22, 80],
        1 => &[21],
        2 => &[23, 445, 3389, 5900, 80, 443],
        3 => &[],
        _ => &[8080],
    };
    let mut o = host(&format!("10.{net}.0.{i}"), Some(&mac), ports);
    o.category = [
        Category::Iot,
        Category::AgVeSistemler,
        Category::Uygulamalar,
        Category::Tasinabilir,
        Category::Unclassified,
    ][usize::from(i % 5)];
    o.confidence = 0.8;
    o.services = match i % 7 {
        0 => vec![service(80, "http_server", "Apache/2.4.49 (Unix)")],
        1 => vec![service(21, "banner", "220 (vsFTPd 2.3.4)")],
        2 => vec![service(22, "banner", "SSH-2.0-OpenSSH_9.2p1 Debian")],
        3 => vec![service(80, "http_server", "nginx/1.25.3")],
        _ => Vec::new(),
    };
    o
}

/// Two sites whose assets were first seen 400, 100 and 10 days ago, and changed since.
async fn seed(t: &TestDb, now: DateTime<Utc>) {
    for (site, net) in [("hq", 1u8), ("branch", 2u8)] {
        let cidr = format!("10.{net}.0.0/24");
        for (days, hosts) in [(400, 0..20u8), (100, 0..40), (10, 0..60)] {
            let assets = hosts.map(|i| varied(net, i)).collect();
            let r = report(now - Duration::days(days), &[&cidr], "1-10000", assets);
            save_scan(&t.db, &r, site, &SaveOptions::default())
                .await
                .unwrap();
        }
        // Changes: new ports on some, others gone from the last sweep.
        let assets = (0..50u8)
            .map(|i| {
                let mut o = varied(net, i);
                if i % 3 == 0 {
                    o.open_ports.push(6379);
                }
                o
            })
            .collect();
        let r = report(now - Duration::days(1), &[&cidr], "1-10000", assets);
        save_scan(&t.db, &r, site, &SaveOptions::default())
            .await
            .unwrap();
    }
}

/// Every asset of `site` with its services: the input of the whole-inventory pass.
async fn all_facts(t: &TestDb, site: Option<&str>) -> Vec<AssetFacts> {
    let mut ids = Vec::new();
    let reach = store::facts::Reach {
        site,
        ..Default::default()
    };
    store::facts::for_each(&t.db, reach, |a| ids.push(a.id))
        .await
        .unwrap();
    store::facts::by_ids(&t.db, &ids).await.unwrap()
}

/// The stored risk answer for `site` equals the pass over every asset: the same summary,
/// and every asset listed once across the pages with the score the pass gives it, highest
/// first (ties may come in another order: the store breaks them by site id).
async fn risk_agrees(t: &TestDb, site: Option<&str>, now: DateTime<Utc>) {
    let cves = CveSnapshot::shared();
    let facts = all_facts(t, site).await;
    let expected = risk::report(&facts, cves, now, 1, facts.len() as u64);
    let want: HashMap<Uuid, f64> = expected
        .profiles
        .iter()
        .map(|p| (p.asset_id, p.risk_score))
        .collect();
    let mut seen = HashSet::new();
    let mut scores = Vec::new();
    for page in 1.. {
        let r = stored_analysis::risk(&t.db, cves, site, PageRequest::new(page, 25).unwrap(), now)
            .await
            .unwrap();
        assert_eq!(r.summary, expected.summary, "{} {site:?}", t.backend);
        assert_eq!(r.total, facts.len());
        let top: Vec<f64> = r.top_risks.iter().map(|p| p.risk_score).collect();
        let want_top: Vec<f64> = expected.top_risks.iter().map(|p| p.risk_score).collect();
        assert_eq!(top, want_top, "{}", t.backend);
        if r.profiles.is_empty() {
            break;
        }
        for p in &r.profiles {
            assert!(seen.insert(p.asset_id), "listed twice: {}", p.ip);
            assert_eq!(Some(&p.risk_score), want.get(&p.asset_id), "{}", p.ip);
            scores.push(p.risk_score);
        }
    }
    assert_eq!(seen.len(), facts.len(), "{}: every asset listed", t.backend);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

/// The stored CVE answer for `site` equals the pass over every asset, for both listings.
async fn vulns_agree(t: &TestDb, site: Option<&str>) {
    let cves = CveSnapshot::shared();
    let facts = all_facts(t, site).await;
    for kev_only in [false, true] {
        let listing = |page, per_page| VulnListing {
            kev_only,
            page,
            per_page,
        };
        let expected = vulns::report(cves, &facts, listing(1, 10_000));
        let want: HashMap<Uuid, &vulns::AssetVulns> =
            expected.assets.iter().map(|a| (a.asset_id, a)).collect();
        let mut listed = Vec::new();
        for page in 1.. {
            let r = stored_analysis::vulnerabilities(&t.db, cves, site, listing(page, 7))
                .await
                .unwrap();
            assert_eq!(
                (r.assets_scanned, r.vulnerable_assets, r.kev_assets, r.total),
                (
                    expected.assets_scanned,
                    expected.vulnerable_assets,
                    expected.kev_assets,
                    expected.total
                ),
                "{} {site:?} kev_only={kev_only}",
                t.backend
            );
            assert_eq!(r.by_severity, expected.by_severity);
            if r.assets.is_empty() {
                break;
            }
            listed.extend(r.assets);
        }
        assert_eq!(listed.len(), expected.assets.len(), "{}", t.backend);
        for a in &listed {
            let w = want.get(&a.asset_id).expect("listed by the pass too");
            assert_eq!(
                (a.max_cvss, a.kev_count, a.critical_count, a.high_count),
                (w.max_cvss, w.kev_count, w.critical_count, w.high_count),
                "{}",
                a.ip
            );
        }
        // Ordered as the report sorts: exploited (1) before not (0), then by CVSS.
        let order: Vec<(u8, f64)> = listed
            .iter()
            .map(|a| (u8::from(a.kev_count > 0), a.max_cvss))
            .collect();
        assert!(
            order
                .windows(2)
                .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1)),
            "exploited first, then worst CVSS: {order:?}"
        );
    }
}

#[tokio::test]
async fn stored_risk_and_cve_answers_equal_a_pass_over_every_asset() {
    on_each_backend(async |t: &TestDb| {
        let now = Utc::now();
        seed(t, now).await;
        let facts = all_facts(t, None).await;
        assert_eq!(facts.len(), 120);
        assert!(
            facts
                .iter()
                .any(|a| !vulns::match_asset(CveSnapshot::shared(), a).is_empty()),
            "the seed has vulnerable products"
        );
        for site in [None, Some("hq"), Some("branch")] {
            risk_agrees(t, site, now).await;
            vulns_agree(t, site).await;
        }
        // A tag changes the group, a risk factor: the stored score follows at once.
        let unclassified = facts.iter().find(|a| a.category == "unclassified").unwrap();
        tags::tag(
            &t.db,
            &unclassified.id.to_string(),
            None,
            Category::AgVeSistemler,
            None,
            "ops",
        )
        .await
        .unwrap();
        risk_agrees(t, None, now).await;
        tags::untag(&t.db, &unclassified.id.to_string(), None)
            .await
            .unwrap();
        risk_agrees(t, Some(&unclassified.site), now).await;
    })
    .await;
}

#[tokio::test]
async fn stored_scores_follow_age_and_a_new_formula_or_snapshot() {
    on_each_backend(async |t: &TestDb| {
        // An upgrade with another formula or snapshot: every asset is rescored, once.
        let now = Utc::now();
        seed(t, now).await;
        let totals = store::scores::risk_totals(&t.db, None).await.unwrap();
        let cve_totals = store::scores::vuln_totals(&t.db, None).await.unwrap();
        let b = t.db.get_database_backend();
        for sql in [
            "UPDATE assets SET risk_centis = 0, cve_count = 0, cve_kev = FALSE, scored_with = 'f0'",
            "DELETE FROM store_meta",
        ] {
            t.db.execute_raw(Statement::from_string(b, sql))
                .await
                .unwrap();
        }
        assert_eq!(store::scores::rescore_stale(&t.db).await.unwrap(), 120);
        assert_eq!(store::scores::rescore_stale(&t.db).await.unwrap(), 0);
        assert_eq!(
            store::scores::risk_totals(&t.db, None).await.unwrap(),
            totals
        );
        assert_eq!(
            store::scores::vuln_totals(&t.db, None).await.unwrap(),
            cve_totals
        );
        vulns_agree(t, None).await;

        // First seen 30 days and 23 h 50 min ago: its age steps up in ten minutes.
        let first = now - Duration::days(31) + Duration::minutes(10);
        let r = report(first, &["10.9.0.0/24"], "1-1000", vec![varied(9, 4)]);
        save_scan(&t.db, &r, "lab", &SaveOptions::default())
            .await
            .unwrap();
        let max = async || {
            store::scores::risk_totals(&t.db, Some("lab"))
                .await
                .unwrap()
                .max_centis
        };
        let before = max().await;
        assert_eq!(store::scores::refresh_due(&t.db, now).await.unwrap(), 0);
        let later = now + Duration::minutes(11);
        assert_eq!(store::scores::refresh_due(&t.db, later).await.unwrap(), 1);
        assert!(max().await > before, "the age factor stepped up");
        risk_agrees(t, Some("lab"), later).await;
        assert_eq!(
            store::scores::refresh_due(&t.db, later).await.unwrap(),
            0,
            "rescored once: its next step is 60 days away"
        );
    })
    .await;
}

/// Node ids with kinds, and edges, as sets: the graph without its order.
fn shape(t: &bigr::analysis::topology::Topology) -> (Vec<String>, Vec<String>) {
    let mut nodes: Vec<String> = t
        .nodes
        .iter()
        .map(|n| format!("{} {} {}", n.kind, n.id, n.label))
        .collect();
    let mut edges: Vec<String> = t
        .edges
        .iter()
        .map(|e| format!("{} {}->{} {:?}", e.kind, e.source, e.target, e.label))
        .collect();
    nodes.sort();
    edges.sort();
    (nodes, edges)
}

#[tokio::test]
async fn the_stored_topology_equals_a_pass_over_every_asset() {
    use bigr::analysis::topology::{self, KnownSubnet};
    on_each_backend(async |t: &TestDb| {
        let now = Utc::now();
        seed(t, now).await;
        // hq: one registered subnet covers 10.1.0.0/24 whole; branch: one holds part of its
        // /24 (the rest stays an implied subnet), another holds no asset at all.
        for (site, cidr) in [
            ("hq", "10.1.0.0/23"),
            ("branch", "10.2.0.0/27"),
            ("branch", "10.7.0.0/24"),
        ] {
            store::subnets::add(&t.db, site, cidr, "lab", None)
                .await
                .unwrap();
        }
        let all = all_facts(t, None).await;
        let known: Vec<KnownSubnet> = store::subnets::list(&t.db, None)
            .await
            .unwrap()
            .into_iter()
            .map(|s| KnownSubnet {
                net: s.cidr.parse().unwrap(),
                site: s.site,
                label: s.label,
            })
            .collect();
        for site in [None, Some("hq"), Some("branch")] {
            let facts: Vec<AssetFacts> = all
                .iter()
                .filter(|a| site.is_none_or(|s| a.site == s))
                .cloned()
                .collect();
            let subnets: Vec<KnownSubnet> = known
                .iter()
                .filter(|k| site.is_none_or(|s| k.site == s))
                .map(|k| KnownSubnet {
                    net: k.net,
                    site: k.site.clone(),
                    label: k.label.clone(),
                })
                .collect();
            let expected = topology::build(&facts, &subnets, &[]);
            let got = stored_analysis::topology(&t.db, site, None).await.unwrap();
            assert_eq!(shape(&got), shape(&expected), "{} {site:?}", t.backend);
            assert_eq!((got.assets, got.devices_omitted), (expected.assets, 0));
            assert!(
                got.nodes
                    .iter()
                    .any(|n| n.id == "subnet:branch/10.2.0.0/24")
                    == site.is_none_or(|s| s == "branch"),
                "branch's assets outside its /27 keep their implied /24"
            );
        }
        // One subnet on demand: only what is inside it.
        let net: ipnet::IpNet = "10.2.0.0/27".parse().unwrap();
        let got = stored_analysis::topology(&t.db, Some("branch"), Some(&net))
            .await
            .unwrap();
        let inside: Vec<AssetFacts> = all
            .iter()
            .filter(|a| {
                a.site == "branch" && net.contains(&a.ip.parse::<std::net::IpAddr>().unwrap())
            })
            .cloned()
            .collect();
        let subnets = [KnownSubnet {
            net,
            site: "branch".into(),
            label: "lab".into(),
        }];
        assert_eq!(shape(&got), shape(&topology::build(&inside, &subnets, &[])));
        assert_eq!(got.assets, inside.len());
    })
    .await;
}
