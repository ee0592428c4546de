//! CLI commands over an inventory written by the store: tags, history, changes, certificates,
//! switches and `db copy`.
use crate::cli::bigr;
use crate::support::{PgDatabase, host, minutes, report, t0};
use bigr::model::{Category, CertificateObservation};
use bigr::store::{self, OpenOptions, SaveOptions, save_scan};
use predicates::prelude::*;
use predicates::str::contains;
use std::path::Path;

async fn seed(home: &Path) {
    let url = format!("sqlite://{}", home.join("bigr.db").display());
    let db = store::open(&url, &OpenOptions::default()).await.unwrap();
    let mut nas = host("10.0.0.2", Some("00:11:32:aa:bb:cc"), &[22, 443, 5000]);
    nas.category = Category::AgVeSistemler;
    nas.confidence = 0.8;
    nas.hostname = Some("nas.lan".into());
    let mut r = report(
        t0(),
        &["10.0.0.0/24"],
        "1-10000",
        vec![nas, host("10.0.0.50", None, &[])],
    );
    r.certificates.push(CertificateObservation {
        ip: "10.0.0.2".parse().unwrap(),
        port: 5001,
        subject_cn: Some("nas.lan".into()),
        sans: vec![],
        issuer: Some("CN=nas.lan".into()),
        serial: None,
        not_before: None,
        not_after: Some(chrono::Utc::now() + chrono::Duration::days(3)),
        key_type: Some("RSA".into()),
        key_bits: Some(1024),
        signature_algorithm: None,
        fingerprint_sha256: "cd".repeat(32),
        self_signed: true,
    });
    save_scan(&db, &r, "local", &SaveOptions::default())
        .await
        .unwrap();
    let later = report(
        t0() + minutes(20),
        &["10.0.0.0/24"],
        "1-10000",
        vec![host("10.0.0.3", Some("00:11:32:aa:bb:cc"), &[22, 443])],
    );
    save_scan(&db, &later, "local", &SaveOptions::default())
        .await
        .unwrap();
    db.close().await.ok();
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap()
}

#[tokio::test]
async fn tag_untag_tags_history_and_changes() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path()).await;
    let h = home.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let h = h.as_path();
        bigr(h)
            .args(["tag", "10.0.0.50", "--category", "printers"])
            .assert()
            .code(1)
            .stderr(contains("unknown category 'printers'"));
        bigr(h)
            .args(["tag", "10.9.9.9", "-c", "iot"])
            .assert()
            .code(1)
            .stderr(contains("not found"));
        bigr(h)
            .args(["tag", "not-an-address", "-c", "iot"])
            .assert()
            .code(1)
            .stderr(contains("not an asset id, IP or MAC"));
        bigr(h)
            .args(["tag", "10.0.0.50", "-c", "iot", "--note", "thermostat"])
            .assert()
            .success()
            .stdout(contains("tagged 10.0.0.50"));
        let tags = json(
            &bigr(h)
                .args(["tags", "--json"])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(
            (
                tags[0]["ip"].clone(),
                tags[0]["category"].clone(),
                tags[0]["manual_note"].clone()
            ),
            ("10.0.0.50".into(), "iot".into(), "thermostat".into())
        );
        bigr(h).args(["untag", "10.0.0.50"]).assert().success();
        assert_eq!(
            json(
                &bigr(h)
                    .args(["tags", "--json"])
                    .assert()
                    .success()
                    .get_output()
                    .stdout
            ),
            serde_json::json!([])
        );

        let scans = json(
            &bigr(h)
                .args(["history", "--json"])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(scans["total"], 2);
        let asset = json(
            &bigr(h)
                .args(["history", "00:11:32:AA:BB:CC", "--json"])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(asset["items"][0]["ip"], "10.0.0.3");
        assert_eq!(asset["items"][1]["ip"], "10.0.0.2");
        bigr(h)
            .args(["history"])
            .assert()
            .success()
            .stdout(contains("10.0.0.0/24"));

        let moved = json(
            &bigr(h)
                .args(["changes", "--type", "ip_changed", "--json"])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(moved["total"], 1);
        assert_eq!(moved["items"][0]["new_value"], "10.0.0.3");
        let closed = json(
            &bigr(h)
                .args([
                    "changes",
                    "--asset",
                    "10.0.0.3",
                    "--type",
                    "ports_closed",
                    "--json",
                ])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(closed["items"][0]["old_value"], "5000");
        // One change a page: the cursor of the first leads to the second, as page 2 does.
        let page = |extra: &[&str]| {
            let mut args = vec!["changes", "--limit", "1", "--json"];
            args.extend_from_slice(extra);
            json(&bigr(h).args(&args).assert().success().get_output().stdout)
        };
        let first = page(&[]);
        let cursor = first["next_cursor"].as_str().expect("a cursor").to_string();
        assert_eq!(
            page(&["--cursor", &cursor])["items"],
            page(&["--page", "2"])["items"]
        );
        bigr(h)
            .args(["changes", "--cursor", "somewhere"])
            .assert()
            .code(1)
            .stderr(contains("not a cursor"));
        bigr(h)
            .args(["changes", "--type", "exploded"])
            .assert()
            .code(1)
            .stderr(contains("unknown change type"));
        bigr(h)
            .args(["changes", "--since", "tomorrowish"])
            .assert()
            .code(1)
            .stderr(contains("not a date"));
        bigr(h)
            .args(["changes", "--limit", "9999"])
            .assert()
            .code(1)
            .stderr(contains("per_page"));
        bigr(h)
            .args(["changes", "--site", "nowhere"])
            .assert()
            .code(1)
            .stderr(contains("site 'nowhere' not found"));
        bigr(h)
            .args(["changes"])
            .assert()
            .success()
            .stdout(contains("new_asset").and(contains("ip_changed")));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn certs_and_switches() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path()).await;
    let h = home.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let h = h.as_path();
        bigr(h)
            .args(["certs", "list"])
            .assert()
            .success()
            .stdout(contains("10.0.0.2:5001").and(contains("critical")));
        let soon = json(
            &bigr(h)
                .args(["certs", "expiring", "--days", "7", "--json"])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(soon["total"], 1);
        assert_eq!(soon["items"][0]["expiry_status"], "critical");
        let none = json(
            &bigr(h)
                .args(["certs", "expiring", "--days", "1", "--json"])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(none["total"], 0);
        bigr(h)
            .args(["certs", "expiring", "--days", "-3"])
            .assert()
            .failure();

        bigr(h)
            .args([
                "switches",
                "add",
                "sw1.lan",
                "--community",
                "n0t-public",
                "--label",
                "Core",
            ])
            .assert()
            .success();
        let out = bigr(h)
            .args(["switches", "list", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(!String::from_utf8_lossy(&out).contains("n0t-public"));
        assert_eq!(json(&out)[0]["community_set"], true);
        bigr(h)
            .args([
                "switches",
                "add",
                "sw2",
                "--community",
                "c",
                "--snmp-version",
                "4",
            ])
            .assert()
            .code(1)
            .stderr(contains("not supported"));
        // SNMPv3 takes a user, not a community; pass phrases come from files only.
        bigr(h)
            .args([
                "switches",
                "add",
                "sw2",
                "--community",
                "c",
                "--snmp-version",
                "3",
            ])
            .assert()
            .code(1)
            .stderr(contains("--user"));
        bigr(h)
            .args([
                "switches",
                "add",
                "sw2",
                "--snmp-version",
                "3",
                "--user",
                "u",
                "--auth",
                "SHA",
            ])
            .assert()
            .code(2)
            .stderr(contains("--auth-pass-file"));
        bigr(h)
            .args([
                "switches",
                "add",
                "sw2",
                "--snmp-version",
                "3",
                "--user",
                "u",
                "--auth",
                "SHA3",
            ])
            .args(["--auth-pass-file", "/nonexistent"])
            .assert()
            .failure()
            .stderr(contains("SHA512").or(contains("/nonexistent")));
        bigr(h)
            .args(["switches", "remove", "sw1.lan"])
            .assert()
            .success();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn db_copy_moves_an_inventory_and_is_idempotent() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path()).await;
    let from = format!("sqlite://{}", home.path().join("bigr.db").display());
    let pg = PgDatabase::create().await;
    // Into PostgreSQL through PgBouncer where there is one (Neon's pooled URL is what users
    // paste; the store's own copy test goes direct), else directly, else into SQLite.
    let to = pg
        .as_ref()
        .and_then(|p| p.reach(true).or_else(|| p.reach(false)))
        .unwrap_or_else(|| format!("sqlite://{}", home.path().join("copy.db").display()));
    let h = home.path().to_path_buf();
    let (f, t) = (from.clone(), to.clone());
    tokio::task::spawn_blocking(move || {
        let h = h.as_path();
        bigr(h)
            .args(["db", "copy", "--from", &f, "--to", &t])
            .assert()
            .success()
            .stdout(contains("assets").and(contains("copied 0 of").not()));
        bigr(h)
            .args(["db", "copy", "--from", &f, "--to", &t])
            .assert()
            .success()
            .stdout(contains("copied 0 of"));
        bigr(h)
            .args(["db", "copy", "--from", &f, "--to", &f])
            .assert()
            .code(1)
            .stderr(contains("same database"));
        let typo = format!("sqlite://{}", h.join("typo.db").display());
        bigr(h)
            .args(["db", "copy", "--from", &typo, "--to", &t])
            .assert()
            .code(1)
            .stderr(contains("does not exist"));
        assert!(!h.join("typo.db").exists());
        let status = json(
            &bigr(h)
                .args(["--database-url", &t, "db", "status", "--json"])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(status["rows"]["assets"], 2);
    })
    .await
    .unwrap();
    drop(pg);
}

#[tokio::test]
async fn command_line_admin_actions_enter_the_audit_log_without_secrets() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path()).await;
    for args in [
        &["subnets", "add", "10.0.0.0/24", "--label", "office"][..],
        &["switches", "add", "10.0.0.254", "-c", "s3cret-community"],
        &[
            "tag",
            "10.0.0.50",
            "--category",
            "iot",
            "--note",
            "the NAS is a camera box",
        ],
    ] {
        bigr(home.path())
            .args(args)
            .env("USER", "ayse")
            .assert()
            .success();
    }
    let out = bigr(home.path())
        .args(["audit", "--json"])
        .assert()
        .success()
        .stdout(contains("s3cret").not())
        .get_output()
        .stdout
        .clone();
    let log = json(&out);
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["asset.tag", "switch.add", "subnet.add"],
        "newest first"
    );
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "cli:ayse")
    );
    // Filters.
    bigr(home.path())
        .args(["audit", "--action", "switch.", "--json"])
        .assert()
        .success()
        .stdout(contains("switch.add").and(contains("subnet.add").not()));
    bigr(home.path())
        .args(["audit"])
        .assert()
        .success()
        .stdout(contains("cli:ayse").and(contains("10.0.0.254")));
}
