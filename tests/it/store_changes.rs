//! `save_scan` identity and change rules, each change produced exactly when it should be.
use crate::support::{TestDb, host, minutes, on_each_backend, report, t0};
use bigr::model::{Category, DeviceType, ScanReport};
use bigr::store::changes::{self, ChangeFilter};
use bigr::store::entity::asset;
use bigr::store::{PageRequest, SaveOptions, SaveOutcome, StoreError, save_scan};
use sea_orm::EntityTrait;
use std::collections::BTreeMap;

const MAC_A: &str = "00:1b:21:3a:4f:10";
const MAC_B: &str = "00:1b:21:3a:4f:11";
const NET: &str = "10.0.0.0/24";

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Saves a report into site "hq" with the default grace rules.
async fn save(t: &TestDb, r: ScanReport) -> SaveOutcome {
    save_scan(&t.db, &r, "hq", &SaveOptions::default())
        .await
        .unwrap()
}

async fn assets(t: &TestDb) -> Vec<asset::Model> {
    asset::Entity::find().all(&t.db).await.unwrap()
}

async fn change_rows(t: &TestDb, kind: &str) -> Vec<changes::ChangeView> {
    let f = ChangeFilter {
        change_type: Some(kind.into()),
        ..Default::default()
    };
    changes::list(&t.db, &f, PageRequest::new(1, 500).unwrap())
        .await
        .unwrap()
        .items
}

#[tokio::test]
async fn first_scan_creates_assets_and_a_rescan_without_news_records_nothing() {
    on_each_backend(async |t: &TestDb| {
        let mut a = host("10.0.0.5", Some(MAC_A), &[22, 80]);
        a.category = Category::AgVeSistemler;
        a.confidence = 0.81;
        let first = save(
            t,
            report(
                t0(),
                &[NET],
                "1-1024",
                vec![a.clone(), host("10.0.0.6", None, &[])],
            ),
        )
        .await;
        assert_eq!(first.changes, counts(&[("new_asset", 2)]), "{}", t.backend);
        assert!(!first.already_saved);
        // Confidence jitter and an unchanged world are not changes.
        a.confidence = 0.78;
        let second = save(
            t,
            report(
                t0() + minutes(5),
                &[NET],
                "1-1024",
                vec![a, host("10.0.0.6", None, &[])],
            ),
        )
        .await;
        assert_eq!(second.changes, counts(&[]), "{}", t.backend);
        assert_eq!(assets(t).await.len(), 2);
        assert_eq!(t.count("scan_assets").await, 4);
    })
    .await;
}

#[tokio::test]
async fn saving_the_same_report_twice_stores_it_once() {
    on_each_backend(async |t: &TestDb| {
        let r = report(t0(), &[NET], "", vec![host("10.0.0.5", Some(MAC_A), &[22])]);
        let a = save_scan(&t.db, &r, "hq", &SaveOptions::default())
            .await
            .unwrap();
        let b = save_scan(&t.db, &r, "hq", &SaveOptions::default())
            .await
            .unwrap();
        assert_eq!(a.scan_id, b.scan_id);
        assert!(b.already_saved && b.changes.is_empty());
        assert_eq!(
            (
                t.count("scans").await,
                t.count("scan_assets").await,
                t.count("asset_changes").await
            ),
            (1, 1, 1)
        );
        // The same report id claimed by another site is a conflict, not a silent success.
        let err = save_scan(&t.db, &r, "branch", &SaveOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    })
    .await;
}

#[tokio::test]
async fn concurrent_saves_of_one_report_store_it_once() {
    on_each_backend(async |t: &TestDb| {
        let r = report(t0(), &[NET], "", vec![host("10.0.0.5", Some(MAC_A), &[22])]);
        let opts = SaveOptions::default();
        let (a, b) = tokio::join!(
            save_scan(&t.db, &r, "hq", &opts),
            save_scan(&t.db, &r, "hq", &opts)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.scan_id, b.scan_id, "{}", t.backend);
        assert!(a.already_saved != b.already_saved);
        assert_eq!(t.count("scans").await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_writers_all_succeed() {
    // On SQLite a read-then-write transaction would fail at once with "database is locked"
    // when another writer got in between; every save must queue and succeed instead.
    on_each_backend(async |t: &TestDb| {
        let mut saves = tokio::task::JoinSet::new();
        for i in 0..8 {
            let db = t.db.clone();
            let r = report(
                t0() + minutes(i),
                &[NET],
                "",
                vec![host(&format!("10.0.0.{}", 10 + i), None, &[22])],
            );
            saves.spawn(async move { save_scan(&db, &r, "hq", &SaveOptions::default()).await });
        }
        while let Some(out) = saves.join_next().await {
            out.unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", t.backend));
        }
        assert_eq!(t.count("scans").await, 8);
    })
    .await;
}

#[tokio::test]
async fn a_device_moving_to_another_ip_is_one_asset_with_an_ip_change() {
    on_each_backend(async |t: &TestDb| {
        save(
            t,
            report(t0(), &[NET], "", vec![host("10.0.0.5", Some(MAC_A), &[])]),
        )
        .await;
        let out = save(
            t,
            report(
                t0() + minutes(1),
                &[NET],
                "",
                vec![host("10.0.0.77", Some(MAC_A), &[])],
            ),
        )
        .await;
        assert_eq!(out.changes, counts(&[("ip_changed", 1)]));
        let all = assets(t).await;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].ip, "10.0.0.77");
        let c = &change_rows(t, "ip_changed").await[0];
        assert_eq!(
            (c.old_value.as_deref(), c.new_value.as_deref()),
            (Some("10.0.0.5"), Some("10.0.0.77"))
        );
    })
    .await;
}

#[tokio::test]
async fn macless_assets_are_keyed_by_ip_and_adopted_once_their_mac_is_seen() {
    on_each_backend(async |t: &TestDb| {
        let mut h = host("10.0.0.9", None, &[443]);
        h.hostname = Some("printer.lan".into());
        save(t, report(t0(), &[NET], "", vec![h.clone()])).await;
        h.hostname = Some("printer-2.lan".into());
        let out = save(t, report(t0() + minutes(1), &[NET], "", vec![h])).await;
        assert_eq!(out.changes, counts(&[("field_changed", 1)]));
        let c = &change_rows(t, "field_changed").await[0];
        assert_eq!(c.field.as_deref(), Some("hostname"));
        // ARP now shows the MAC: same device, not a new one.
        let out = save(
            t,
            report(
                t0() + minutes(2),
                &[NET],
                "",
                vec![host("10.0.0.9", Some(MAC_B), &[443])],
            ),
        )
        .await;
        assert_eq!(
            out.changes,
            counts(&[("field_changed", 1)]),
            "{}",
            t.backend
        );
        let all = assets(t).await;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].identity_key, format!("mac:{MAC_B}"));
        // And a later MAC-less probe of that IP is credited to the MAC-identified device.
        let out = save(
            t,
            report(
                t0() + minutes(3),
                &[NET],
                "",
                vec![host("10.0.0.9", None, &[443])],
            ),
        )
        .await;
        assert_eq!(out.changes, counts(&[]));
        assert_eq!(assets(t).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn randomized_macs_do_not_become_identities() {
    on_each_backend(async |t: &TestDb| {
        save(
            t,
            report(
                t0(),
                &[NET],
                "",
                vec![host("10.0.0.20", Some("da:a1:19:00:00:01"), &[])],
            ),
        )
        .await;
        // The phone rotates its MAC but keeps its lease: same asset, the MAC change recorded.
        let out = save(
            t,
            report(
                t0() + minutes(1),
                &[NET],
                "",
                vec![host("10.0.0.20", Some("da:a1:19:00:00:02"), &[])],
            ),
        )
        .await;
        assert_eq!(out.changes, counts(&[("field_changed", 1)]));
        assert_eq!(assets(t).await.len(), 1);
        assert_eq!(assets(t).await[0].identity_key, "ip:10.0.0.20");
    })
    .await;
}

#[tokio::test]
async fn two_sites_with_the_same_ip_never_collide() {
    on_each_backend(async |t: &TestDb| {
        let opts = SaveOptions::default();
        save_scan(
            &t.db,
            &report(
                t0(),
                &["192.168.1.0/24"],
                "",
                vec![host("192.168.1.10", None, &[80])],
            ),
            "istanbul",
            &opts,
        )
        .await
        .unwrap();
        let out = save_scan(
            &t.db,
            &report(
                t0(),
                &["192.168.1.0/24"],
                "",
                vec![host("192.168.1.10", None, &[22])],
            ),
            "ankara",
            &opts,
        )
        .await
        .unwrap();
        assert_eq!(out.changes, counts(&[("new_asset", 1)]));
        let all = assets(t).await;
        assert_eq!(all.len(), 2);
        assert_ne!(all[0].site_id, all[1].site_id);
        // Each site still has its own ports: nothing was overwritten across sites.
        let ports: Vec<serde_json::Value> = all.iter().map(|a| a.open_ports.clone()).collect();
        assert!(
            ports.contains(&serde_json::json!([80])) && ports.contains(&serde_json::json!([22]))
        );
    })
    .await;
}

#[tokio::test]
async fn a_duplicate_ip_inside_one_report_is_merged_not_fatal() {
    on_each_backend(async |t: &TestDb| {
        let r = report(
            t0(),
            &[NET],
            "",
            vec![
                host("10.0.0.5", None, &[22]),
                host("10.0.0.5", None, &[80]),
                host("10.0.0.5", Some(MAC_A), &[443]),
            ],
        );
        let out = save_scan(&t.db, &r, "hq", &SaveOptions::default())
            .await
            .unwrap();
        assert_eq!(out.changes, counts(&[("new_asset", 1)]), "{}", t.backend);
        let all = assets(t).await;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].open_ports, serde_json::json!([22, 80, 443]));
        assert_eq!(all[0].mac.as_deref(), Some(MAC_A));
    })
    .await;
}

#[tokio::test]
async fn ports_open_and_close_only_within_what_was_probed() {
    on_each_backend(async |t: &TestDb| {
        save(
            t,
            report(
                t0(),
                &[NET],
                "1-1024,8080",
                vec![host("10.0.0.5", Some(MAC_A), &[22, 80, 8080])],
            ),
        )
        .await;
        // 80 closes, 443 opens; 8080 was not probed this time so it is not "closed".
        let out = save(
            t,
            report(
                t0() + minutes(1),
                &[NET],
                "1-1024",
                vec![host("10.0.0.5", Some(MAC_A), &[22, 443])],
            ),
        )
        .await;
        assert_eq!(
            out.changes,
            counts(&[("ports_closed", 1), ("ports_opened", 1)])
        );
        assert_eq!(
            change_rows(t, "ports_opened").await[0].new_value.as_deref(),
            Some("443")
        );
        assert_eq!(
            change_rows(t, "ports_closed").await[0].old_value.as_deref(),
            Some("80")
        );
        assert_eq!(
            assets(t).await[0].open_ports,
            serde_json::json!([22, 443, 8080])
        );
        // A discovery-only scan (no ports probed) closes nothing.
        let out = save(
            t,
            report(
                t0() + minutes(2),
                &[NET],
                "",
                vec![host("10.0.0.5", Some(MAC_A), &[])],
            ),
        )
        .await;
        assert_eq!(out.changes, counts(&[]));
    })
    .await;
}

#[tokio::test]
async fn missing_needs_two_covering_scans_and_fifteen_minutes_then_returns() {
    on_each_backend(async |t: &TestDb| {
        let opts = SaveOptions::default();
        let both = || {
            vec![
                host("10.0.0.5", Some(MAC_A), &[]),
                host("10.0.0.6", Some(MAC_B), &[]),
            ]
        };
        let only_a = || vec![host("10.0.0.5", Some(MAC_A), &[])];
        save(t, report(t0(), &[NET], "", both())).await;
        // One miss: not missing yet.
        let out = save(t, report(t0() + minutes(10), &[NET], "", only_a())).await;
        assert_eq!(out.changes, counts(&[]));
        // A partial scan and a scan of another network prove nothing.
        let mut partial = report(t0() + minutes(20), &[NET], "", only_a());
        partial.partial = true;
        assert_eq!(
            save_scan(&t.db, &partial, "hq", &opts)
                .await
                .unwrap()
                .changes,
            counts(&[])
        );
        let elsewhere = report(
            t0() + minutes(21),
            &["10.9.0.0/24"],
            "",
            vec![host("10.9.0.1", None, &[])],
        );
        assert_eq!(
            save_scan(&t.db, &elsewhere, "hq", &opts)
                .await
                .unwrap()
                .changes,
            counts(&[("new_asset", 1)])
        );
        // Second covering miss, 22 minutes after last seen: missing now.
        let out = save(t, report(t0() + minutes(22), &[NET], "", only_a())).await;
        assert_eq!(
            out.changes,
            counts(&[("asset_missing", 1)]),
            "{}",
            t.backend
        );
        let gone = assets(t)
            .await
            .into_iter()
            .find(|a| a.ip == "10.0.0.6")
            .unwrap();
        assert!(gone.missing && gone.missing_since.is_some());
        // Further misses do not repeat the event; seeing it again is a return.
        assert_eq!(
            save(t, report(t0() + minutes(30), &[NET], "", only_a()))
                .await
                .changes,
            counts(&[])
        );
        let out = save(t, report(t0() + minutes(40), &[NET], "", both())).await;
        assert_eq!(out.changes, counts(&[("asset_returned", 1)]));
        assert!(!assets(t).await.iter().any(|a| a.missing));
    })
    .await;
}

#[tokio::test]
async fn two_quick_misses_are_not_enough_without_the_time_window() {
    on_each_backend(async |t: &TestDb| {
        save(
            t,
            report(t0(), &[NET], "", vec![host("10.0.0.6", Some(MAC_B), &[])]),
        )
        .await;
        for m in [2, 4, 6] {
            let out = save(t, report(t0() + minutes(m), &[NET], "", vec![])).await;
            assert_eq!(
                out.changes,
                counts(&[]),
                "a sleeping phone must not flap after {m} minutes"
            );
        }
        let out = save(t, report(t0() + minutes(16), &[NET], "", vec![])).await;
        assert_eq!(out.changes, counts(&[("asset_missing", 1)]));
    })
    .await;
}

#[tokio::test]
async fn classification_changes_are_recorded_but_thin_scans_do_not_undo_them() {
    on_each_backend(async |t: &TestDb| {
        let mut cam = host("10.0.0.30", Some(MAC_A), &[554]);
        cam.category = Category::Iot;
        cam.device_type = DeviceType::Camera;
        cam.confidence = 0.9;
        cam.vendor = Some("Hikvision".into());
        save(t, report(t0(), &[NET], "", vec![cam.clone()])).await;
        // A scan that learned nothing (unclassified, unknown type, no vendor) changes nothing.
        let thin = host("10.0.0.30", Some(MAC_A), &[554]);
        assert_eq!(
            save(t, report(t0() + minutes(1), &[NET], "", vec![thin]))
                .await
                .changes,
            counts(&[])
        );
        let a = &assets(t).await[0];
        assert_eq!(
            (
                a.category.as_str(),
                a.device_type.as_str(),
                a.vendor.as_deref()
            ),
            ("iot", "camera", Some("Hikvision"))
        );
        // Real new evidence: category, device type and vendor each recorded.
        cam.category = Category::AgVeSistemler;
        cam.device_type = DeviceType::Nas;
        cam.vendor = Some("Synology".into());
        let out = save(t, report(t0() + minutes(2), &[NET], "", vec![cam])).await;
        assert_eq!(out.changes, counts(&[("field_changed", 3)]));
        let mut fields: Vec<String> = change_rows(t, "field_changed")
            .await
            .into_iter()
            .filter_map(|c| c.field)
            .collect();
        fields.sort();
        assert_eq!(fields, ["category", "device_type", "vendor"]);
    })
    .await;
}

#[tokio::test]
async fn a_late_report_older_than_what_we_know_only_adds_history() {
    on_each_backend(async |t: &TestDb| {
        let opts = SaveOptions::default();
        save(
            t,
            report(
                t0() + minutes(30),
                &[NET],
                "",
                vec![host("10.0.0.5", Some(MAC_A), &[22])],
            ),
        )
        .await;
        let old = report(
            t0(),
            &[NET],
            "",
            vec![host("10.0.0.99", Some(MAC_A), &[80])],
        );
        let out = save_scan(&t.db, &old, "hq", &opts).await.unwrap();
        assert_eq!(out.changes, counts(&[]));
        let a = &assets(t).await[0];
        assert_eq!(
            (a.ip.as_str(), a.open_ports.clone()),
            ("10.0.0.5", serde_json::json!([22]))
        );
        assert_eq!(t.count("scan_assets").await, 2);
        // History is in scan order, not arrival order.
        let h = bigr::store::inventory::history(&t.db, a.id, PageRequest::new(1, 10).unwrap())
            .await
            .unwrap();
        let ips: Vec<&str> = h.items.iter().map(|e| e.ip.as_str()).collect();
        assert_eq!(ips, ["10.0.0.5", "10.0.0.99"]);
    })
    .await;
}

#[tokio::test]
async fn a_save_that_fails_midway_leaves_nothing_behind() {
    on_each_backend(async |t: &TestDb| {
        // The certificates table disappears under us: the write fails after assets were
        // written inside the transaction, and all of it must roll back.
        let drop = if t.is_postgres() {
            "DROP TABLE certificates CASCADE"
        } else {
            "DROP TABLE certificates"
        };
        sea_orm::ConnectionTrait::execute_unprepared(&t.db, drop)
            .await
            .unwrap();
        let mut r = report(
            t0(),
            &[NET],
            "",
            vec![host("10.0.0.5", Some(MAC_A), &[443])],
        );
        r.certificates.push(bigr::model::CertificateObservation {
            ip: "10.0.0.5".parse().unwrap(),
            port: 443,
            subject_cn: Some("nas.lan".into()),
            sans: vec![],
            issuer: None,
            serial: None,
            not_before: None,
            not_after: None,
            key_type: None,
            key_bits: None,
            signature_algorithm: None,
            fingerprint_sha256: "ab".repeat(32),
            self_signed: true,
        });
        assert!(
            save_scan(&t.db, &r, "hq", &SaveOptions::default())
                .await
                .is_err()
        );
        for table in ["scans", "assets", "scan_assets", "asset_changes", "sites"] {
            assert_eq!(
                t.count(table).await,
                0,
                "{}: {table} kept rows of a failed save",
                t.backend
            );
        }
    })
    .await;
}

#[tokio::test]
async fn invalid_reports_are_refused_before_anything_is_written() {
    on_each_backend(async |t: &TestDb| {
        let mut bad = host("10.0.0.5", None, &[]);
        bad.confidence = 7.0;
        let err = save_scan(
            &t.db,
            &report(t0(), &[NET], "", vec![bad]),
            "hq",
            &SaveOptions::default(),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("assets[0].confidence"), "{err}");
        let err = save_scan(
            &t.db,
            &report(t0(), &[NET], "", vec![]),
            "no/slashes",
            &SaveOptions::default(),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("invalid site name"), "{err}");
        assert_eq!(t.count("scans").await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_device_moving_while_another_takes_its_old_ip() {
    on_each_backend(async |t: &TestDb| {
        let opts = SaveOptions::default();
        save(
            t,
            report(t0(), &[NET], "", vec![host("10.0.0.5", Some(MAC_A), &[])]),
        )
        .await;
        // The MAC-less newcomer at .5 comes first in the report: the exact MAC match must
        // still bind A to .7, and .5 becomes a new device.
        let r = report(
            t0() + minutes(1),
            &[NET],
            "",
            vec![
                host("10.0.0.5", None, &[80]),
                host("10.0.0.7", Some(MAC_A), &[]),
            ],
        );
        let out = save_scan(&t.db, &r, "hq", &opts).await.unwrap();
        assert_eq!(
            out.changes,
            counts(&[("ip_changed", 1), ("new_asset", 1)]),
            "{}",
            t.backend
        );
        assert_eq!(assets(t).await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_randomized_mac_at_a_known_ip_is_another_device() {
    on_each_backend(async |t: &TestDb| {
        let mut laptop = host("10.0.0.20", Some(MAC_A), &[]);
        laptop.hostname = Some("laptop".into());
        save(t, report(t0(), &[NET], "", vec![laptop])).await;
        let mut phone = host("10.0.0.20", Some("da:a1:19:00:00:01"), &[]);
        phone.hostname = Some("phone".into());
        let out = save(t, report(t0() + minutes(1), &[NET], "", vec![phone])).await;
        assert_eq!(out.changes, counts(&[("new_asset", 1)]));
        let laptop = assets(t)
            .await
            .into_iter()
            .find(|a| a.identity_key == format!("mac:{MAC_A}"))
            .unwrap();
        assert_eq!(
            (laptop.mac.as_deref(), laptop.hostname.as_deref()),
            (Some(MAC_A), Some("laptop"))
        );
    })
    .await;
}

#[tokio::test]
async fn one_mac_at_two_ips_keeps_both() {
    on_each_backend(async |t: &TestDb| {
        let r = || {
            vec![
                host("10.0.0.5", Some(MAC_A), &[22]),
                host("10.0.0.6", Some(MAC_A), &[80]),
            ]
        };
        let out = save(t, report(t0(), &[NET], "", r())).await;
        assert_eq!(out.changes, counts(&[("new_asset", 2)]));
        let out = save(t, report(t0() + minutes(1), &[NET], "", r())).await;
        assert_eq!(
            out.changes,
            counts(&[]),
            "a stable second address must not flap"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_seeing_the_same_new_device_create_it_once() {
    on_each_backend(async |t: &TestDb| {
        let mut saves = tokio::task::JoinSet::new();
        for i in 0..6 {
            let db = t.db.clone();
            let r = report(
                t0() + minutes(i),
                &[NET],
                "",
                vec![host("10.0.0.5", Some(MAC_A), &[22])],
            );
            saves.spawn(async move { save_scan(&db, &r, "hq", &SaveOptions::default()).await });
        }
        while let Some(out) = saves.join_next().await {
            out.unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", t.backend));
        }
        assert_eq!(assets(t).await.len(), 1);
        assert_eq!(change_rows(t, "new_asset").await.len(), 1, "{}", t.backend);
    })
    .await;
}

#[tokio::test]
async fn a_late_report_does_not_undo_missing_or_renewed_certificates() {
    on_each_backend(async |t: &TestDb| {
        let opts = SaveOptions::default();
        let cert = |fp: &str| bigr::model::CertificateObservation {
            ip: "10.0.0.5".parse().unwrap(),
            port: 443,
            subject_cn: Some("nas".into()),
            sans: vec![],
            issuer: None,
            serial: None,
            not_before: None,
            not_after: None,
            key_type: None,
            key_bits: None,
            signature_algorithm: None,
            fingerprint_sha256: fp.repeat(32),
            self_signed: false,
        };
        let mut first = report(
            t0(),
            &[NET],
            "",
            vec![host("10.0.0.5", Some(MAC_A), &[443])],
        );
        first.certificates.push(cert("aa"));
        save_scan(&t.db, &first, "hq", &opts).await.unwrap();
        let mut renewed = report(
            t0() + minutes(12),
            &[NET],
            "",
            vec![host("10.0.0.5", Some(MAC_A), &[443])],
        );
        renewed.certificates.push(cert("bb"));
        save_scan(&t.db, &renewed, "hq", &opts).await.unwrap();
        for m in [20, 30] {
            save(t, report(t0() + minutes(m), &[NET], "", vec![])).await;
        }
        assert!(assets(t).await[0].missing);
        // Seen at minute 15 but delivered late: after it was last seen (12), before it was
        // declared missing (30). It proves nothing about now: no return.
        let late = report(
            t0() + minutes(15),
            &[NET],
            "",
            vec![host("10.0.0.5", Some(MAC_A), &[443])],
        );
        let out = save_scan(&t.db, &late, "hq", &opts).await.unwrap();
        assert_eq!(out.changes, counts(&[]), "{}", t.backend);
        assert!(assets(t).await[0].missing);
        // A report from minute 10 still carrying the old certificate does not bring it back.
        let mut older = report(
            t0() + minutes(10),
            &[NET],
            "",
            vec![host("10.0.0.5", Some(MAC_A), &[443])],
        );
        older.certificates.push(cert("aa"));
        save_scan(&t.db, &older, "hq", &opts).await.unwrap();
        let certs = bigr::store::certificates::list(
            &t.db,
            &Default::default(),
            PageRequest::default(),
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(certs.items[0].fingerprint_sha256, "bb".repeat(32));
    })
    .await;
}

#[tokio::test]
async fn reports_from_the_future_are_refused() {
    on_each_backend(async |t: &TestDb| {
        let r = report(
            chrono::Utc::now() + chrono::Duration::days(365),
            &[NET],
            "",
            vec![host("10.0.0.5", None, &[])],
        );
        let err = save_scan(&t.db, &r, "hq", &SaveOptions::default())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("started_at") && err.to_string().contains("clock"),
            "{err}"
        );
        assert_eq!(t.count("scans").await, 0);
    })
    .await;
}

#[tokio::test]
async fn service_details_survive_a_scan_that_did_not_look_at_services() {
    on_each_backend(async |t: &TestDb| {
        let mut h = host("10.0.0.5", Some(MAC_A), &[22]);
        h.services.push(bigr::model::Service {
            port: 22,
            protocol: "tcp".into(),
            banner: Some("SSH-2.0-OpenSSH_9.2".into()),
            ..Default::default()
        });
        save(t, report(t0(), &[NET], "1-1024", vec![h])).await;
        save(
            t,
            report(
                t0() + minutes(1),
                &[NET],
                "1-1024",
                vec![host("10.0.0.5", Some(MAC_A), &[22])],
            ),
        )
        .await;
        assert_eq!(
            assets(t).await[0].services[0]["banner"],
            "SSH-2.0-OpenSSH_9.2"
        );
        // Once the port closes, its details go with it.
        save(
            t,
            report(
                t0() + minutes(2),
                &[NET],
                "1-1024",
                vec![host("10.0.0.5", Some(MAC_A), &[])],
            ),
        )
        .await;
        assert_eq!(assets(t).await[0].services, serde_json::json!([]));
    })
    .await;
}

#[tokio::test]
async fn names_accumulate_and_the_most_trusted_names_the_host() {
    use bigr::model::{DeviceInfo, NameSource, SeenName};
    let seen = |name: &str, source| SeenName {
        name: name.into(),
        source,
    };
    on_each_backend(async |t: &TestDb| {
        let mut a = host("10.0.0.7", Some(MAC_A), &[445]);
        a.names = vec![
            seen("pc7.corp.example", NameSource::Dns),
            seen("PC7", NameSource::Netbios),
        ];
        a.hostname = Some("pc7.corp.example".into());
        a.device_info = Some(DeviceInfo {
            os: Some("Windows 10 (build 19045)".into()),
            domain: Some("CORP".into()),
            ..Default::default()
        });
        save(t, report(t0(), &[NET], "1-1024", vec![a.clone()])).await;
        // The next scan's DNS lookup failed: only NetBIOS named it, and SMB now gives a
        // newer build. The host keeps its DNS name; the build is updated.
        let mut b = host("10.0.0.7", Some(MAC_A), &[445]);
        b.names = vec![seen("PC7", NameSource::Netbios)];
        b.hostname = Some("PC7".into());
        b.device_info = Some(DeviceInfo {
            os: Some("Windows 10 (build 19045.4412)".into()),
            ..Default::default()
        });
        let second = save(t, report(t0() + minutes(10), &[NET], "1-1024", vec![b])).await;
        assert!(
            !second.changes.contains_key("field_changed"),
            "{}: {:?}",
            t.backend,
            second.changes
        );
        let stored = &assets(t).await[0];
        assert_eq!(stored.hostname.as_deref(), Some("pc7.corp.example"));
        let names: Vec<SeenName> = serde_json::from_value(stored.names.clone().unwrap()).unwrap();
        assert_eq!(names.len(), 2, "{names:?}");
        let device: DeviceInfo =
            serde_json::from_value(stored.device_info.clone().unwrap()).unwrap();
        assert_eq!(
            (device.os.as_deref(), device.domain.as_deref()),
            (Some("Windows 10 (build 19045.4412)"), Some("CORP"))
        );
        // A real rename in DNS wins over the old DNS name.
        let mut c = host("10.0.0.7", Some(MAC_A), &[445]);
        c.names = vec![seen("acc-07.corp.example", NameSource::Dns)];
        c.hostname = Some("acc-07.corp.example".into());
        save(t, report(t0() + minutes(20), &[NET], "1-1024", vec![c])).await;
        let renamed = &assets(t).await[0];
        assert_eq!(renamed.hostname.as_deref(), Some("acc-07.corp.example"));
        assert_eq!(change_rows(t, "field_changed").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn ipv6_addresses_accumulate_newest_first_and_stay_bounded() {
    use bigr::model::limits::IPV6_PER_ASSET;
    use std::net::Ipv6Addr;
    let v6 = |i: usize| -> Ipv6Addr { format!("fd00::{:x}", i + 1).parse().unwrap() };
    on_each_backend(async |t: &TestDb| {
        let mut a = host("10.0.0.7", Some(MAC_A), &[22]);
        a.ipv6 = vec!["fe80::1".parse().unwrap(), v6(0)];
        save(t, report(t0(), &[NET], "1-1024", vec![a])).await;
        // A scan that did not ask IPv6 keeps what is stored.
        save(
            t,
            report(
                t0() + minutes(10),
                &[NET],
                "1-1024",
                vec![host("10.0.0.7", Some(MAC_A), &[22])],
            ),
        )
        .await;
        let stored: Vec<Ipv6Addr> =
            serde_json::from_value(assets(t).await[0].ipv6.clone().unwrap()).unwrap();
        assert_eq!(stored, vec!["fe80::1".parse::<Ipv6Addr>().unwrap(), v6(0)]);
        // Rotating temporary addresses: the newest are kept, the oldest fall off the bound.
        let mut b = host("10.0.0.7", Some(MAC_A), &[22]);
        b.ipv6 = (1..=IPV6_PER_ASSET).map(v6).collect();
        save(t, report(t0() + minutes(20), &[NET], "1-1024", vec![b])).await;
        let stored: Vec<Ipv6Addr> =
            serde_json::from_value(assets(t).await[0].ipv6.clone().unwrap()).unwrap();
        assert_eq!(stored.len(), IPV6_PER_ASSET, "{}", t.backend);
        assert_eq!(stored[0], v6(1));
        assert!(!stored.contains(&"fe80::1".parse().unwrap()));
        // Too many, or a multicast address, and the report is refused whole.
        let mut c = host("10.0.0.7", Some(MAC_A), &[22]);
        c.ipv6 = vec!["ff02::1".parse().unwrap()];
        let mut bad = report(t0() + minutes(30), &[NET], "1-1024", vec![c]);
        assert!(bad.validate().is_err());
        bad.assets[0].ipv6 = (0..=IPV6_PER_ASSET).map(v6).collect();
        assert!(bad.validate().is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn token_rotations_alert_evaluation_and_saves_at_once_all_succeed() {
    // The dashboard's "rotate token" read the agent, then wrote it, in a deferred transaction:
    // on SQLite a save or the alert worker writing in between made it fail at once with
    // "database is locked" (a 503 the schema walk met). Every store write must queue instead.
    use bigr::store::agents;
    use bigr::store::alerts::evaluate;
    on_each_backend(async |t: &TestDb| {
        let mut ids = Vec::new();
        for i in 0..4 {
            let new = agents::NewAgent {
                name: format!("edge-{i}"),
                site: "hq".into(),
                version: None,
                subnets: vec![],
            };
            let reg = agents::register(&t.db, &new, agents::Authority::SharedSecret)
                .await
                .unwrap();
            ids.push(reg.agent_id);
        }
        let mut work = tokio::task::JoinSet::new();
        for round in 0..3i64 {
            for (i, id) in ids.iter().enumerate() {
                let (db, id) = (t.db.clone(), *id);
                work.spawn(async move { agents::rotate(&db, id).await.map(|_| ()) });
                let db = t.db.clone();
                let r = report(
                    t0() + minutes(round * 10 + i as i64),
                    &[NET],
                    "",
                    vec![host(&format!("10.0.0.{}", 20 + i), None, &[22])],
                );
                work.spawn(async move {
                    save_scan(&db, &r, "hq", &SaveOptions::default())
                        .await
                        .map(|_| ())
                });
            }
            let db = t.db.clone();
            work.spawn(async move { evaluate::run(&db, chrono::Utc::now()).await.map(|_| ()) });
        }
        while let Some(out) = work.join_next().await {
            out.unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", t.backend));
        }
        assert_eq!(t.count("scans").await, 12);
    })
    .await;
}
