//! Reads the API and CLI rely on: inventory filters and pages, tags, subnets, switches,
//! certificates, changes, scans, sites and users.
use crate::support::{TestDb, host, minutes, on_each_backend, report, t0};
use bigr::model::{Category, CertificateObservation, ConfidenceLevel, DeviceType};
use bigr::store::certificates::{self, CertificateFilter};
use bigr::store::inventory::{self, AssetFilter, AssetSort};
use bigr::store::users::{self, Role};
use bigr::store::{
    PageRequest, SaveOptions, StoreError, save_scan, scans, sites, subnets, switches, tags,
};
use chrono::Duration;

async fn seed(t: &TestDb) {
    let mut printer = host("10.0.0.10", Some("00:1b:21:3a:4f:10"), &[9100, 631]);
    printer.category = Category::Iot;
    printer.device_type = DeviceType::Printer;
    printer.confidence = 0.85;
    printer.hostname = Some("HP-LaserJet.lan".into());
    printer.vendor = Some("HP Inc.".into());
    let mut server = host("10.0.0.2", Some("00:1b:21:3a:4f:11"), &[22, 443]);
    server.category = Category::AgVeSistemler;
    server.device_type = DeviceType::Server;
    server.confidence = 0.5;
    let unknown = host("10.0.1.7", None, &[]);
    let mut r = report(
        t0(),
        &["10.0.0.0/23"],
        "1-10000",
        vec![printer, server, unknown],
    );
    r.certificates.push(cert("10.0.0.2", 443, 5));
    r.certificates.push(cert("10.0.0.10", 443, 400));
    save_scan(&t.db, &r, "hq", &SaveOptions::default())
        .await
        .unwrap();
    let other = report(
        t0(),
        &["10.0.0.0/24"],
        "",
        vec![host("10.0.0.10", None, &[80])],
    );
    save_scan(&t.db, &other, "branch", &SaveOptions::default())
        .await
        .unwrap();
}

fn cert(ip: &str, port: u16, days_left: i64) -> CertificateObservation {
    CertificateObservation {
        ip: ip.parse().unwrap(),
        port,
        subject_cn: Some(format!("{ip}.lan")),
        sans: vec![format!("{ip}.lan")],
        issuer: Some("CN=Test CA".into()),
        serial: Some("01".into()),
        not_before: Some(t0() - Duration::days(30)),
        not_after: Some(chrono::Utc::now() + Duration::days(days_left) + Duration::hours(1)),
        key_type: Some("RSA".into()),
        key_bits: Some(2048),
        signature_algorithm: Some("sha256WithRSAEncryption".into()),
        fingerprint_sha256: format!("{:0>64}", port),
        self_signed: days_left < 10,
    }
}

fn page() -> PageRequest {
    PageRequest::new(1, 50).unwrap()
}

async fn ips(t: &TestDb, f: AssetFilter) -> Vec<String> {
    inventory::list(&t.db, &f, page())
        .await
        .unwrap()
        .page
        .items
        .into_iter()
        .map(|a| a.ip)
        .collect()
}

#[tokio::test]
async fn inventory_filters_sorts_and_pages() {
    on_each_backend(async |t: &TestDb| {
        seed(t).await;
        let hq = || AssetFilter {
            site: Some("hq".into()),
            ..Default::default()
        };
        // Sorted by IP numerically, not as text.
        assert_eq!(
            ips(t, hq()).await,
            ["10.0.0.2", "10.0.0.10", "10.0.1.7"],
            "{}",
            t.backend
        );
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    descending: true,
                    ..hq()
                }
            )
            .await,
            ["10.0.1.7", "10.0.0.10", "10.0.0.2"]
        );
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    subnet: Some("10.0.1.0/24".parse().unwrap()),
                    ..hq()
                }
            )
            .await,
            ["10.0.1.7"]
        );
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    category: Some(Category::Iot),
                    ..hq()
                }
            )
            .await,
            ["10.0.0.10"]
        );
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    device_type: Some(DeviceType::Server),
                    ..hq()
                }
            )
            .await,
            ["10.0.0.2"]
        );
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    confidence: Some(ConfidenceLevel::High),
                    ..hq()
                }
            )
            .await,
            ["10.0.0.10"]
        );
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    confidence: Some(ConfidenceLevel::Medium),
                    ..hq()
                }
            )
            .await,
            ["10.0.0.2"]
        );
        // Search is case-insensitive over hostname, vendor, IP and MAC; LIKE wildcards are literal.
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    q: Some("laserjet".into()),
                    ..hq()
                }
            )
            .await,
            ["10.0.0.10"]
        );
        assert_eq!(
            ips(
                t,
                AssetFilter {
                    q: Some("4F:11".into()),
                    ..hq()
                }
            )
            .await,
            ["10.0.0.2"]
        );
        assert!(
            ips(
                t,
                AssetFilter {
                    q: Some("%".into()),
                    ..hq()
                }
            )
            .await
            .is_empty()
        );
        let all = inventory::list(
            &t.db,
            &AssetFilter {
                sort: AssetSort::Confidence,
                descending: true,
                ..Default::default()
            },
            page(),
        )
        .await
        .unwrap();
        assert_eq!(all.page.total, 4);
        assert_eq!(all.page.items[0].ip, "10.0.0.10");
        assert_eq!(all.category_summary.get("iot"), Some(&1));
        assert_eq!(all.category_summary.get("unclassified"), Some(&2));
        // Pages: two per page over four rows.
        let p2 = inventory::list(
            &t.db,
            &AssetFilter::default(),
            PageRequest::new(2, 2).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!((p2.page.items.len(), p2.page.total), (2, 4));
        assert!(PageRequest::new(1, 501).is_err() && PageRequest::new(0, 10).is_err());
        // An unknown site is an error, not an empty list.
        let err = inventory::list(
            &t.db,
            &AssetFilter {
                site: Some("nowhere".into()),
                ..Default::default()
            },
            page(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)));
    })
    .await;
}

#[tokio::test]
async fn asset_detail_has_history_changes_and_certificates() {
    on_each_backend(async |t: &TestDb| {
        seed(t).await;
        let a = inventory::resolve(&t.db, "10.0.0.2", Some("hq"))
            .await
            .unwrap();
        let d = inventory::detail(&t.db, a.id, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(d.asset.ip, "10.0.0.2");
        assert_eq!(d.history.len(), 1);
        assert_eq!(d.changes[0].change_type, "new_asset");
        assert_eq!(d.certificates.len(), 1);
        assert_eq!(d.certificates[0].port, 443);
    })
    .await;
}

#[tokio::test]
async fn tags_follow_the_asset_survive_rescans_and_untag_restores() {
    on_each_backend(async |t: &TestDb| {
        seed(t).await;
        // 10.0.0.10 exists in two sites: the reference is ambiguous without --site.
        let err = tags::tag(&t.db, "10.0.0.10", None, Category::Tasinabilir, None, "ops")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("branch") && err.to_string().contains("hq"),
            "{err}"
        );
        let tagged = tags::tag(
            &t.db,
            "00-1B-21-3A-4F-10",
            None,
            Category::AgVeSistemler,
            Some("print server"),
            "ops",
        )
        .await
        .unwrap();
        assert_eq!(
            (tagged.category.as_str(), tagged.computed_category.as_str()),
            ("ag_ve_sistemler", "iot")
        );
        assert_eq!((tagged.confidence, tagged.confidence_level), (1.0, "high"));
        assert!(
            tags::tag(
                &t.db,
                "10.0.0.2",
                Some("hq"),
                Category::Unclassified,
                None,
                "ops"
            )
            .await
            .is_err()
        );
        // The device moves and is re-classified: the manual tag stays with it.
        let mut moved = host("10.0.0.11", Some("00:1b:21:3a:4f:10"), &[9100]);
        moved.category = Category::Iot;
        moved.confidence = 0.9;
        save_scan(
            &t.db,
            &report(t0() + minutes(5), &["10.0.0.0/24"], "", vec![moved]),
            "hq",
            &SaveOptions::default(),
        )
        .await
        .unwrap();
        let list = tags::list(&t.db, Some("hq")).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            (list[0].ip.as_str(), list[0].category.as_str()),
            ("10.0.0.11", "ag_ve_sistemler")
        );
        assert_eq!(list[0].manual_note.as_deref(), Some("print server"));
        let back = tags::untag(&t.db, &list[0].id.to_string(), None)
            .await
            .unwrap();
        assert_eq!(back.category, "iot");
        assert!(
            (back.confidence - 0.9).abs() < 1e-9,
            "untag restores the computed confidence"
        );
        assert!(tags::list(&t.db, None).await.unwrap().is_empty());
        assert!(matches!(
            tags::untag(&t.db, "10.0.0.11", Some("hq"))
                .await
                .unwrap_err(),
            StoreError::NotFound(_)
        ));
    })
    .await;
}

#[tokio::test]
async fn subnets_are_upserted_normalised_and_counted_by_scans() {
    on_each_backend(async |t: &TestDb| {
        subnets::add(&t.db, "hq", "10.0.0.7/24", "Office", Some(10))
            .await
            .unwrap();
        let again = subnets::add(&t.db, "hq", "10.0.0.0/24", "Office LAN", Some(20))
            .await
            .unwrap();
        assert_eq!(
            (again.cidr.as_str(), again.label.as_str(), again.vlan_id),
            ("10.0.0.0/24", "Office LAN", Some(20))
        );
        subnets::add(&t.db, "hq", "10.0.1.0/24", "", None)
            .await
            .unwrap();
        for bad in ["10.0.0.0/33", "banana", "10.0.0.0/24/1"] {
            assert!(
                matches!(
                    subnets::add(&t.db, "hq", bad, "", None).await.unwrap_err(),
                    StoreError::Invalid(_)
                ),
                "{bad}"
            );
        }
        assert!(
            subnets::add(&t.db, "hq", "10.2.0.0/24", "", Some(5000))
                .await
                .is_err()
        );
        seed(t).await;
        let list = subnets::list(&t.db, Some("hq")).await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[0].asset_count, list[1].asset_count),
            (2, 1),
            "{}",
            t.backend
        );
        assert!(list.iter().all(|s| s.last_scanned_at.is_some()));
        subnets::remove(&t.db, "hq", "10.0.1.0/24").await.unwrap();
        assert!(matches!(
            subnets::remove(&t.db, "hq", "10.0.1.0/24")
                .await
                .unwrap_err(),
            StoreError::NotFound(_)
        ));
        assert_eq!(subnets::list(&t.db, None).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn switch_communities_are_stored_but_never_read_back() {
    on_each_backend(async |t: &TestDb| {
        let s = switches::add(
            &t.db,
            "hq",
            "core-sw1.lan",
            "s3cr3t-community",
            "2c",
            "Core",
        )
        .await
        .unwrap();
        assert!(s.community_set);
        switches::add(&t.db, "hq", "core-sw1.lan", "rotated", "2c", "Core switch")
            .await
            .unwrap();
        let list = switches::list(&t.db, None).await.unwrap();
        assert_eq!(list.len(), 1);
        let json = serde_json::to_string(&list).unwrap();
        assert!(
            !json.contains("s3cr3t") && !json.contains("rotated"),
            "{json}"
        );
        assert!(
            switches::add(&t.db, "hq", "bad host!", "c", "2c", "")
                .await
                .is_err()
        );
        assert!(
            switches::add(&t.db, "hq", "sw2", "c", "3", "")
                .await
                .is_err()
        );
        switches::remove(&t.db, "hq", "core-sw1.lan").await.unwrap();
        assert!(switches::remove(&t.db, "hq", "core-sw1.lan").await.is_err());
    })
    .await;
}

#[tokio::test]
async fn certificates_are_one_row_per_endpoint_with_expiry_computed_when_read() {
    on_each_backend(async |t: &TestDb| {
        seed(t).await;
        let mut again = report(
            t0() + minutes(1),
            &["10.0.0.0/24"],
            "",
            vec![host("10.0.0.2", Some("00:1b:21:3a:4f:11"), &[443])],
        );
        let mut renewed = cert("10.0.0.2", 443, 200);
        renewed.self_signed = false;
        again.certificates.push(renewed);
        save_scan(&t.db, &again, "hq", &SaveOptions::default())
            .await
            .unwrap();
        let now = chrono::Utc::now();
        let all = certificates::list(&t.db, &CertificateFilter::default(), page(), now)
            .await
            .unwrap();
        assert_eq!(all.total, 2, "{}", t.backend);
        let soon = certificates::list(
            &t.db,
            &CertificateFilter {
                expiring_days: Some(300),
                ..Default::default()
            },
            page(),
            now,
        )
        .await
        .unwrap();
        assert_eq!(soon.items.len(), 1);
        assert_eq!(
            (soon.items[0].days_until_expiry, soon.items[0].expiry_status),
            (Some(200), "ok")
        );
        assert!(!soon.items[0].self_signed);
        assert!(
            certificates::list(
                &t.db,
                &CertificateFilter {
                    expiring_days: Some(30),
                    ..Default::default()
                },
                page(),
                now
            )
            .await
            .unwrap()
            .items
            .is_empty()
        );
        let later = now + Duration::days(260);
        let expired = certificates::list(
            &t.db,
            &CertificateFilter {
                expiring_days: Some(0),
                ..Default::default()
            },
            page(),
            later,
        )
        .await
        .unwrap();
        assert_eq!(expired.items[0].expiry_status, "expired");
    })
    .await;
}

#[tokio::test]
async fn scans_sites_and_changes_list_per_site() {
    on_each_backend(async |t: &TestDb| {
        seed(t).await;
        let hq = scans::list(&t.db, Some("hq"), page()).await.unwrap();
        assert_eq!(
            (hq.total, hq.items[0].asset_count, hq.items[0].site.as_str()),
            (1, 3, "hq")
        );
        assert_eq!(hq.items[0].duration_seconds, Some(5.0));
        let s = sites::list(&t.db).await.unwrap();
        assert_eq!(
            s.iter()
                .map(|s| (s.name.as_str(), s.asset_count))
                .collect::<Vec<_>>(),
            [("branch", 1), ("hq", 3)]
        );
        let f = bigr::store::changes::ChangeFilter {
            site: Some("branch".into()),
            ..Default::default()
        };
        assert_eq!(
            bigr::store::changes::list(&t.db, &f, page())
                .await
                .unwrap()
                .total,
            1
        );
        let f = bigr::store::changes::ChangeFilter {
            change_type: Some("exploded".into()),
            ..Default::default()
        };
        assert!(bigr::store::changes::list(&t.db, &f, page()).await.is_err());
        let f = bigr::store::changes::ChangeFilter {
            since: Some(t0() + minutes(60)),
            ..Default::default()
        };
        assert_eq!(
            bigr::store::changes::list(&t.db, &f, page())
                .await
                .unwrap()
                .total,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn users_are_unique_and_the_last_admin_stays() {
    on_each_backend(async |t: &TestDb| {
        let hash = bigr::password::hash("a long password").unwrap();
        users::add(&t.db, "admin", &hash, Role::Admin)
            .await
            .unwrap();
        assert!(matches!(
            users::add(&t.db, "admin", &hash, Role::Viewer)
                .await
                .unwrap_err(),
            StoreError::Conflict(_)
        ));
        assert!(
            users::add(&t.db, "bad name", &hash, Role::Viewer)
                .await
                .is_err()
        );
        assert!(matches!(
            users::remove(&t.db, "admin").await.unwrap_err(),
            StoreError::Conflict(_)
        ));
        users::add(&t.db, "ops", &hash, Role::Admin).await.unwrap();
        users::remove(&t.db, "admin").await.unwrap();
        let new_hash = bigr::password::hash("another long one").unwrap();
        users::change(&t.db, "ops", None, Some(&new_hash))
            .await
            .unwrap();
        let stored = users::find(&t.db, "ops").await.unwrap().unwrap();
        assert!(bigr::password::verify(
            "another long one",
            &stored.password_hash
        ));
        let json = serde_json::to_string(&users::list(&t.db).await.unwrap()).unwrap();
        assert!(!json.contains("argon2"), "{json}");
    })
    .await;
}

/// Two admins demoting each other at the same moment: one wins, one is refused, and an
/// admin is always left (before, PostgreSQL let both through about once in twelve).
#[tokio::test]
async fn concurrent_demotions_leave_an_admin() {
    on_each_backend(async |t: &TestDb| {
        let hash = bigr::password::hash("a long password").unwrap();
        for round in 0..12 {
            let (a, b) = (format!("a{round}"), format!("b{round}"));
            users::add(&t.db, &a, &hash, Role::Admin).await.unwrap();
            users::add(&t.db, &b, &hash, Role::Admin).await.unwrap();
            // Leave exactly these two admins.
            for u in users::list(&t.db).await.unwrap() {
                if u.username != a && u.username != b && u.role == "admin" {
                    users::change(&t.db, &u.username, Some(Role::Viewer), None)
                        .await
                        .unwrap();
                }
            }
            let (ra, rb) = tokio::join!(
                users::change(&t.db, &a, Some(Role::Viewer), None),
                users::change(&t.db, &b, Some(Role::Viewer), None),
            );
            let admins = users::list(&t.db)
                .await
                .unwrap()
                .into_iter()
                .filter(|u| u.role == "admin")
                .count();
            assert_eq!(admins, 1, "round {round} on {}: {ra:?} {rb:?}", t.backend);
            assert!(ra.is_ok() != rb.is_ok(), "round {round}: {ra:?} {rb:?}");
        }
    })
    .await;
}

/// Search over every site follows the inventory as it changes (on SQLite through the FTS5
/// index its triggers keep, on PostgreSQL through the trigram expression).
#[tokio::test]
async fn search_over_every_site_follows_renames_and_ignores_wildcards() {
    on_each_backend(async |t: &TestDb| {
        let mut cam = host("10.5.0.7", Some("00:1b:21:aa:bb:01"), &[554]);
        cam.hostname = Some("Alpha-Cam.lan".into());
        let first = report(t0(), &["10.5.0.0/24"], "554", vec![cam.clone()]);
        save_scan(&t.db, &first, "izmir", &SaveOptions::default())
            .await
            .unwrap();
        let mut other = host("10.5.0.7", None, &[22]);
        other.hostname = Some("alpha-nas".into());
        let elsewhere = report(t0(), &["10.5.0.0/24"], "22", vec![other]);
        save_scan(&t.db, &elsewhere, "bursa", &SaveOptions::default())
            .await
            .unwrap();
        let q = |text: &str| AssetFilter {
            q: Some(text.into()),
            ..Default::default()
        };
        let mut found = ips(t, q("ALPHA")).await;
        found.sort();
        assert_eq!(found, ["10.5.0.7", "10.5.0.7"], "{}", t.backend);
        assert_eq!(ips(t, q("aa:bb:01")).await, ["10.5.0.7"]);
        cam.hostname = Some("beta-cam.lan".into());
        let renamed = report(t0() + minutes(5), &["10.5.0.0/24"], "554", vec![cam]);
        save_scan(&t.db, &renamed, "izmir", &SaveOptions::default())
            .await
            .unwrap();
        assert_eq!(
            ips(t, q("alpha-cam")).await,
            Vec::<String>::new(),
            "{}",
            t.backend
        );
        assert_eq!(ips(t, q("beta-cam")).await, ["10.5.0.7"]);
        // Wildcards are text: no asset holds a '%' or '_'.
        assert!(ips(t, q("a%c")).await.is_empty());
        assert!(ips(t, q("beta_cam")).await.is_empty());
        // A match never spans two fields.
        assert!(ips(t, q("10.5.0.700")).await.is_empty());
    })
    .await;
}

/// Every sort and order, with ties and missing names: walking by cursor visits exactly the
/// rows, in exactly the order, that numbered pages show (and so does the change log).
#[tokio::test]
async fn cursor_pages_walk_what_numbered_pages_show_on_both_backends() {
    use bigr::store::inventory::Cursor;
    on_each_backend(async |t: &TestDb| {
        let hosts = |only_every: usize| {
            (0..23usize)
                .filter(|i| i.is_multiple_of(only_every))
                .map(|i| {
                    let mut h = host(&format!("10.1.{}.{}", i % 3, 200 - i), None, &[22]);
                    h.hostname = (i % 3 != 0).then(|| format!("h{}", i % 4));
                    h.vendor = (i % 4 == 1).then(|| "Acme".to_string());
                    h.confidence = [0.2, 0.5, 0.9][i % 3];
                    h.device_type = [DeviceType::Server, DeviceType::Printer][i % 2];
                    h
                })
                .collect::<Vec<_>>()
        };
        let first = report(t0(), &["10.1.0.0/16"], "22", hosts(1));
        save_scan(&t.db, &first, "hq", &SaveOptions::default())
            .await
            .unwrap();
        // A later scan of a third of them: last_seen differs, and changes accumulate.
        let mut later = report(t0() + minutes(5), &["10.1.0.0/16"], "22,80", hosts(3));
        for h in &mut later.assets {
            h.open_ports = vec![22, 80];
        }
        save_scan(&t.db, &later, "hq", &SaveOptions::default())
            .await
            .unwrap();
        let sorts = [
            AssetSort::Ip,
            AssetSort::Hostname,
            AssetSort::Vendor,
            AssetSort::Category,
            AssetSort::DeviceType,
            AssetSort::Confidence,
            AssetSort::FirstSeen,
            AssetSort::LastSeen,
        ];
        for sort in sorts {
            for descending in [false, true] {
                let f = AssetFilter {
                    sort,
                    descending,
                    ..Default::default()
                };
                let ids =
                    |items: &[inventory::AssetView]| items.iter().map(|a| a.id).collect::<Vec<_>>();
                let all = inventory::list(&t.db, &f, PageRequest::new(1, 500).unwrap())
                    .await
                    .unwrap();
                assert_eq!(all.page.items.len(), 23);
                assert!(all.page.next_cursor.is_none(), "a short page is the last");
                let opening = inventory::list(&t.db, &f, PageRequest::new(1, 4).unwrap())
                    .await
                    .unwrap();
                let mut walked = ids(&opening.page.items);
                let mut cursor = opening.page.next_cursor.clone();
                for _ in 0..10 {
                    let Some(c) = cursor.take() else { break };
                    let after = c.parse::<Cursor>().unwrap().anchor_for(&f).unwrap();
                    let rows = inventory::rows_after(&t.db, &f, after, 4).await.unwrap();
                    walked.extend(ids(&rows));
                    if rows.len() == 4 {
                        cursor = Some(Cursor::after(&f, rows[3].id).to_string());
                    }
                }
                assert_eq!(
                    walked,
                    ids(&all.page.items),
                    "{sort:?} descending={descending} on {}",
                    t.backend
                );
                // A cursor is for the order it came from.
                let other = AssetFilter {
                    descending: !descending,
                    ..f.clone()
                };
                let c: Cursor = opening.page.next_cursor.unwrap().parse().unwrap();
                assert!(matches!(c.anchor_for(&other), Err(StoreError::Invalid(_))));
            }
        }
        assert!("ip.asc.nope".parse::<Cursor>().is_err());
        assert!(
            "size.asc.7d1c0c7e-6f43-4b8e-9d0a-2f0c6a4d6a11"
                .parse::<Cursor>()
                .is_err()
        );
        // An anchor that is gone is said to be gone, not taken for the start.
        let gone =
            inventory::rows_after(&t.db, &AssetFilter::default(), uuid::Uuid::nil(), 4).await;
        assert!(matches!(gone, Err(StoreError::Invalid(_))), "{gone:?}");

        // The change log, newest first, by cursor.
        let log = |after| bigr::store::changes::ChangeFilter {
            site: Some("hq".into()),
            after,
            ..Default::default()
        };
        let everything =
            bigr::store::changes::list(&t.db, &log(None), PageRequest::new(1, 500).unwrap())
                .await
                .unwrap();
        assert!(everything.items.len() > 23, "new assets, then opened ports");
        let mut walked = Vec::new();
        let mut after = None;
        for _ in 0..30 {
            let page =
                bigr::store::changes::list(&t.db, &log(after), PageRequest::new(1, 5).unwrap())
                    .await
                    .unwrap();
            assert_eq!(page.total, everything.total);
            walked.extend(page.items.iter().map(|c| c.id));
            match page.next_cursor {
                Some(c) => after = Some(c.parse().unwrap()),
                None => break,
            }
        }
        let all: Vec<_> = everything.items.iter().map(|c| c.id).collect();
        assert_eq!(walked, all, "{}", t.backend);
    })
    .await;
}

/// Past the first thousand rows a page finds its ids before its rows: the same rows, in the
/// same order, as the shallow pages that lead there.
#[tokio::test]
async fn deep_numbered_pages_show_what_the_walk_to_them_shows() {
    on_each_backend(async |t: &TestDb| {
        let hosts: Vec<_> = (0..1_120u32)
            .map(|i| {
                let mut h = host(&format!("10.2.{}.{}", i / 200, 10 + i % 200), None, &[]);
                h.hostname = (i % 5 != 0).then(|| format!("h{}", i % 37));
                h
            })
            .collect();
        let r = report(t0(), &["10.2.0.0/16"], "", hosts);
        save_scan(&t.db, &r, "hq", &SaveOptions::default())
            .await
            .unwrap();
        for (sort, descending) in [
            (AssetSort::Ip, false),
            (AssetSort::Ip, true),
            (AssetSort::Hostname, false),
        ] {
            let f = AssetFilter {
                sort,
                descending,
                ..Default::default()
            };
            // The first thousand by shallow pages, the rest by cursor: no deep offset.
            let mut walked = Vec::new();
            for page in 1..=2 {
                let rows = inventory::rows(&t.db, &f, PageRequest::new(page, 500).unwrap())
                    .await
                    .unwrap();
                walked.extend(rows.into_iter().map(|a| a.id));
            }
            let rest = inventory::rows_after(&t.db, &f, *walked.last().unwrap(), 500)
                .await
                .unwrap();
            walked.extend(rest.into_iter().map(|a| a.id));
            assert_eq!(walked.len(), 1_120);
            for page in [21, 22, 23] {
                let rows = inventory::rows(&t.db, &f, PageRequest::new(page, 50).unwrap())
                    .await
                    .unwrap();
                let from = (page as usize - 1) * 50;
                let expected = &walked[from..(from + 50).min(walked.len())];
                let got: Vec<_> = rows.into_iter().map(|a| a.id).collect();
                assert_eq!(
                    got, expected,
                    "{sort:?} desc={descending} page {page} on {}",
                    t.backend
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_search_over_every_site_shows_the_same_pages_whichever_path_answers() {
    on_each_backend(async |t: &TestDb| {
        // 7 000 assets in two sites: a word every tenth carries (its first pages are found
        // by walking the address order), one only the far end carries, and a single one.
        let name = |i: u32| {
            if i % 10 == 3 {
                format!("muhasebe-{i}.corp")
            } else if i > 6_000 && i.is_multiple_of(7) {
                format!("depo-{i}.corp")
            } else if i == 6_500 {
                "kasa-tek.corp".to_string()
            } else {
                format!("pc-{i}.corp")
            }
        };
        let ip = |i: u32| format!("10.3.{}.{}", i / 250, 1 + i % 250);
        for (site, range) in [("hq", 0..3_500u32), ("branch", 3_500..7_000)] {
            // Saved against address order, so ids do not follow addresses.
            let hosts: Vec<_> = range
                .clone()
                .rev()
                .map(|i| {
                    let mut h = host(&ip(i), None, &[]);
                    h.hostname = Some(name(i));
                    h
                })
                .collect();
            let r = report(t0(), &["10.3.0.0/16"], "", hosts);
            save_scan(&t.db, &r, site, &SaveOptions::default())
                .await
                .unwrap();
        }
        for word in ["MUHASEBE", "depo", "kasa-tek", "nothing-here"] {
            let mut expected: Vec<u32> = (0..7_000)
                .filter(|i| name(*i).contains(&word.to_lowercase()))
                .collect();
            for descending in [false, true] {
                if descending {
                    expected.reverse();
                }
                let f = AssetFilter {
                    q: Some(word.into()),
                    descending,
                    ..Default::default()
                };
                for page in 1..=3u64 {
                    let got: Vec<String> =
                        inventory::rows(&t.db, &f, PageRequest::new(page, 50).unwrap())
                            .await
                            .unwrap()
                            .into_iter()
                            .map(|a| a.ip)
                            .collect();
                    let want: Vec<String> = expected
                        .iter()
                        .skip((page as usize - 1) * 50)
                        .take(50)
                        .map(|i| ip(*i))
                        .collect();
                    assert_eq!(
                        got, want,
                        "{word} desc={descending} page {page} on {}",
                        t.backend
                    );
                }
            }
        }
    })
    .await;
}
