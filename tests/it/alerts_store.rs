//! Alerts from states rather than scans, on SQLite and PostgreSQL: an agent gone silent, a
//! critical Shield finding and an expiring certificate each open one alert, a second pass
//! opens nothing more, and each clears when its state does. Rules switch kinds off.
use super::support::{host, on_each_backend, report};
use bigr::model::shield::ShieldReport;
use bigr::store::alerts::rules::{self, RuleChange, RuleParams};
use bigr::store::alerts::views::{self, AlertFilter};
use bigr::store::alerts::{AlertKind, evaluate};
use bigr::store::{PageRequest, SaveOptions, agents, save_scan};
use chrono::{Duration, Utc};
use serde_json::json;

async fn live(db: &sea_orm::DatabaseConnection, kind: AlertKind) -> Vec<views::AlertView> {
    let f = AlertFilter {
        status: Some("active".into()),
        kind: Some(kind.as_str().into()),
        ..Default::default()
    };
    views::list(db, &f, PageRequest::default())
        .await
        .unwrap()
        .items
}

fn shield(ip: &str, findings: serde_json::Value) -> ShieldReport {
    let at = Utc::now() - Duration::minutes(1);
    serde_json::from_value(json!({
        "id": uuid::Uuid::now_v7(), "target": ip, "preset": "standard", "modules": ["ports"],
        "started_at": at, "completed_at": at + Duration::seconds(5), "findings": findings,
        "hosts": [{"ip": ip, "modules": ["ports"]}],
    }))
    .unwrap()
}

#[tokio::test]
async fn agents_findings_and_certificates_open_and_clear_alerts() {
    on_each_backend(async |t| {
        let db = &t.db;
        let now = Utc::now();
        // A certificate on a device that expires in five days.
        let mut r = report(now - Duration::minutes(2), &["10.4.0.0/24"], "443", vec![host("10.4.0.9", None, &[443])]);
        r.certificates.push(bigr::model::CertificateObservation {
            ip: "10.4.0.9".parse().unwrap(),
            port: 443,
            subject_cn: Some("nas.lan".into()),
            sans: vec![],
            issuer: None,
            serial: None,
            not_before: None,
            not_after: Some(now + Duration::days(5)),
            key_type: None,
            key_bits: None,
            signature_algorithm: None,
            fingerprint_sha256: "ab".repeat(32),
            self_signed: true,
        });
        save_scan(db, &r, "izmir", &SaveOptions::default()).await.unwrap();
        // An agent of the site that stops calling.
        let new = agents::NewAgent {
            name: "edge".into(),
            site: "ankara".into(),
            version: None,
            subnets: vec![],
        };
        let reg = agents::register(db, &new, agents::Authority::Open).await.unwrap();
        let hb = agents::Heartbeat {
            activity: "idle".into(),
            heartbeat_seconds: 60,
            ..Default::default()
        };
        agents::heartbeat(db, reg.agent_id, &hb, now).await.unwrap();
        agents::sweep(db, now + Duration::hours(30)).await.unwrap();
        // A critical Shield finding.
        let telnet = json!([{"check_id": "creds.telnet_default", "module": "ports", "severity": "critical",
            "title": "Telnet accepts a default login", "target_ip": "10.4.0.9", "port": 23}]);
        bigr::store::shield::save(db, &shield("10.4.0.9", telnet), "izmir", None).await.unwrap();

        let first = evaluate::states(db, now).await.unwrap();
        assert_eq!(first.opened, 3, "{first:?}");
        let again = evaluate::states(db, now).await.unwrap();
        assert_eq!((again.opened, again.resolved), (0, 0), "a second pass changes nothing");
        let agent_alerts = live(db, AlertKind::AgentDown).await;
        assert_eq!(agent_alerts.len(), 1);
        assert_eq!(agent_alerts[0].title, "Agent edge is offline");
        assert_eq!(agent_alerts[0].site, "ankara");
        let finding = live(db, AlertKind::ShieldFinding).await;
        assert_eq!(finding[0].severity, "critical", "a finding keeps its severity");
        assert!(finding[0].title.contains("10.4.0.9:23"), "{}", finding[0].title);
        assert!(live(db, AlertKind::CertExpiring).await[0].title.contains("expires in"));

        // The agent calls again; the finding is gone from a later scan of that host; the
        // site only wants certificates expiring within a day.
        agents::heartbeat(db, reg.agent_id, &hb, now).await.unwrap();
        bigr::store::shield::save(db, &shield("10.4.0.9", json!([])), "izmir", None).await.unwrap();
        let change = RuleChange {
            params: Some(RuleParams { days: Some(1), ..Default::default() }),
            ..Default::default()
        };
        rules::set(db, Some("izmir"), AlertKind::CertExpiring, change).await.unwrap();
        let cleared = evaluate::states(db, now).await.unwrap();
        assert_eq!((cleared.opened, cleared.resolved), (0, 3), "{cleared:?}");
        for kind in [AlertKind::AgentDown, AlertKind::ShieldFinding, AlertKind::CertExpiring] {
            assert!(live(db, kind).await.is_empty(), "{kind:?} cleared");
        }

        // A kind switched off opens nothing.
        agents::sweep(db, now + Duration::hours(60)).await.unwrap();
        let off = RuleChange { enabled: Some(false), ..Default::default() };
        rules::set(db, None, AlertKind::AgentDown, off).await.unwrap();
        let quiet = evaluate::states(db, now).await.unwrap();
        assert_eq!(quiet.opened, 0, "{quiet:?}");
    })
    .await;
}

#[tokio::test]
async fn a_second_mac_on_an_address_and_a_mac_hopping_addresses_alert() {
    on_each_backend(async |t| {
        let db = &t.db;
        let now = Utc::now();
        let net = ["10.4.1.0/24"];
        let scan = |minutes_ago: i64, hosts: Vec<bigr::model::AssetObservation>| {
            report(now - Duration::minutes(minutes_ago), &net, "80", hosts)
        };
        // Vendor-assigned MACs: randomised ones rotate by design and are not conflicts.
        let a = "00:11:32:00:00:0a";
        let b = "00:1b:21:00:00:0b";
        let c = "3c:22:fb:00:00:0c";
        for r in [
            scan(
                50,
                vec![
                    host("10.4.1.5", Some(a), &[80]),
                    host("10.4.1.20", Some(c), &[]),
                    host("10.4.1.30", Some("02:00:00:00:00:01"), &[]),
                ],
            ),
            // .5 answers with another MAC; C hops .20 → .21 → .22 within the hour.
            scan(
                40,
                vec![
                    host("10.4.1.5", Some(b), &[80]),
                    host("10.4.1.21", Some(c), &[]),
                    host("10.4.1.30", Some("02:00:00:00:00:02"), &[]),
                ],
            ),
            scan(
                30,
                vec![
                    host("10.4.1.5", Some(b), &[80]),
                    host("10.4.1.22", Some(c), &[]),
                ],
            ),
        ] {
            save_scan(db, &r, "izmir", &SaveOptions::default())
                .await
                .unwrap();
        }
        evaluate::scans(db, now).await.unwrap();
        let conflicts = live(db, AlertKind::AddressConflict).await;
        let titles: Vec<&str> = conflicts.iter().map(|c| c.title.as_str()).collect();
        assert!(
            titles
                .iter()
                .any(|t| t.contains("10.4.1.5") && t.contains(b)),
            "{titles:?}"
        );
        assert!(
            titles
                .iter()
                .any(|t| t.contains(c) && t.contains("10.4.1.22")),
            "{titles:?}"
        );
        // A phone rotating its randomised MAC is not a conflict.
        assert!(
            !titles.iter().any(|t| t.contains("10.4.1.30")),
            "{titles:?}"
        );
        assert_eq!(conflicts.len(), 2, "{titles:?}");
    })
    .await;
}

#[tokio::test]
async fn a_storm_of_changes_in_one_scan_is_one_alert() {
    on_each_backend(async |t| {
        let db = &t.db;
        let now = Utc::now();
        let many = |n: usize| -> Vec<bigr::model::AssetObservation> {
            (0..n)
                .map(|i| host(&format!("10.5.{}.{}", i / 200, i % 200 + 1), None, &[23]))
                .collect()
        };
        // The first scan of a big site: 120 new devices, 120 with Telnet open.
        let first = report(
            now - Duration::minutes(30),
            &["10.5.0.0/16"],
            "23",
            many(120),
        );
        save_scan(db, &first, "izmir", &SaveOptions::default())
            .await
            .unwrap();
        evaluate::scans(db, now).await.unwrap();
        let new = live(db, AlertKind::NewDevice).await;
        assert_eq!(new.len(), 1, "one summary, not 120");
        assert_eq!(new[0].title, "120 new devices in one scan of site izmir");
        assert_eq!(new[0].detail["count"], 120);
        let risky = live(db, AlertKind::RiskyPort).await;
        assert_eq!(risky.len(), 1);
        assert!(
            risky[0]
                .title
                .starts_with("Risky services opened 120 times"),
            "{}",
            risky[0].title
        );
        // A small change after it is itemised again.
        let mut hosts = many(120);
        hosts.push(host("10.5.9.9", None, &[]));
        let second = report(now - Duration::minutes(20), &["10.5.0.0/16"], "23", hosts);
        save_scan(db, &second, "izmir", &SaveOptions::default())
            .await
            .unwrap();
        evaluate::scans(db, now).await.unwrap();
        let titles: Vec<String> = live(db, AlertKind::NewDevice)
            .await
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(
            titles.contains(&"New device 10.5.9.9".to_string()),
            "{titles:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_mail_channel_to_twenty_long_addresses_is_stored_with_its_target_cut() {
    use bigr::store::alerts::channels::{self, ChannelKind, NewChannel, SmtpSettings};
    on_each_backend(async |t| {
        let to: Vec<String> = (0..20)
            .map(|i| {
                format!(
                    "{}{i}@a-rather-long-mail-domain-name.example.lan",
                    "x".repeat(30)
                )
            })
            .collect();
        let smtp: SmtpSettings = serde_json::from_value(json!({
            "host": "relay.lan", "from": "bigr@lan.example", "to": to,
        }))
        .unwrap();
        let new = NewChannel {
            kind: ChannelKind::Smtp,
            name: "noc".into(),
            site: None,
            url: None,
            hmac_key: None,
            address: None,
            smtp: Some(smtp),
            min_severity: None,
            schedule: None,
        };
        let made = channels::add(&t.db, new)
            .await
            .expect("stored on both backends");
        assert_eq!(made.channel.target.chars().count(), 500);
        assert!(made.channel.target.ends_with('…'));
        assert_eq!(channels::list(&t.db, None).await.unwrap().len(), 1);
    })
    .await;
}
