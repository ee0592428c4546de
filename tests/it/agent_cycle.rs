//! Single agent cycles in-process against a real server port, with a canned scanner: no root,
//! no PID file, no process. Delivery, an outage that queues, replay once the server is back
//! (each report stored once), a failed and an abandoned scan, typed heartbeats; and the wire
//! types, built by the agent's code and parsed by the server's.
use super::agent_api::new_agent;
use super::support::server::{ADMIN, TestServer, on_each_server};
use super::support::{Backend, host, report};
use bigr::agent::beat::Announce;
use bigr::agent::client::CallError;
use bigr::agent::config::AgentConfig;
use bigr::agent::cycle::{Agent, CycleReport, Scanned, Scanner};
use bigr::agent::register;
use bigr::agent::status::AgentStatus;
use bigr::model::agent_api::{
    Activity, AgentState, ErrorBody, HeartbeatAnswer, HeartbeatRequest, IngestAnswer,
    RegisterRequest, Registered,
};
use bigr::scan::engine::ScanOutcome;
use bigr::scan::request::{ScanError, ScanSettings};
use bigr::server::parse_json;
use chrono::{Duration as Days, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

const WORKS: u8 = 0;
const FAILS: u8 = 1;
const HANGS: u8 = 2;

/// A scanner that returns a fresh two-host report, fails, or never finishes, as told.
struct Canned(Arc<AtomicU8>);

impl Scanner for Canned {
    async fn scan(&self) -> Result<ScanOutcome, ScanError> {
        match self.0.load(Ordering::SeqCst) {
            FAILS => Err(ScanError::NoNetwork),
            HANGS => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Err(ScanError::NoNetwork)
            }
            _ => Ok(ScanOutcome {
                report: report(
                    Utc::now() - Days::minutes(1),
                    &["10.9.0.0/24"],
                    "80",
                    vec![host("10.9.0.1", None, &[80]), host("10.9.0.2", None, &[])],
                ),
                failures: Vec::new(),
                notes: vec!["canned".into()],
            }),
        }
    }
}

fn config(s: &TestServer, token: String, id: &str) -> AgentConfig {
    AgentConfig {
        api_url: s.base.clone(),
        agent_id: id.parse().unwrap(),
        name: "cycle".into(),
        site: "cycles".into(),
        token,
        targets: vec!["10.9.0.0/24".into()],
        scan: ScanSettings::default(),
        scan_options: Vec::new(),
        interval_seconds: 300,
        heartbeat_seconds: 60,
        queue_max_reports: 100,
        queue_max_mib: 16,
        queue_max_days: 1,
        release_public_key: None,
    }
}

fn scans(s: &TestServer) -> i64 {
    s.rt.block_on(s.test_db.as_ref().expect("db").count("scans"))
}

fn queued(r: &CycleReport) -> bool {
    matches!(r.scanned, Scanned::Queued { assets: 2, .. })
}

#[test]
fn cycles_deliver_queue_through_an_outage_and_replay_once() {
    for backend in Backend::ALL {
        let Some(mut s) = TestServer::start_on(backend, Default::default()) else {
            continue;
        };
        let admin = s.signed_in(ADMIN);
        let (id, token) = new_agent(&s, &admin, "cycles", "cycle");
        let home = tempfile::tempdir().unwrap();
        let mode = Arc::new(AtomicU8::new(WORKS));
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut agent = Agent::new(
            &config(&s, token, &id),
            home.path(),
            Canned(mode.clone()),
            Duration::from_secs(2),
            stop_rx,
        )
        .unwrap();

        let first = s.rt.block_on(agent.cycle());
        assert!(queued(&first), "{} {first:?}", s.backend());
        assert_eq!((first.delivered, first.waiting), (1, 0));
        assert_eq!(first.delivery_error, None);
        assert_eq!(scans(&s), 1);

        s.stop();
        for n in 1..=2 {
            let r = s.rt.block_on(agent.cycle());
            assert!(queued(&r), "{r:?}");
            assert_eq!((r.delivered, r.waiting), (0, n), "outage cycle {n}");
            assert!(
                matches!(r.delivery_error, Some(CallError::Unreachable(_))),
                "{r:?}"
            );
        }
        let announce = Announce::new(&["10.9.0.0/24".into()], Duration::from_secs(60));
        assert!(
            s.rt.block_on(agent.heartbeat(&announce, Activity::Idle))
                .is_none()
        );
        assert_eq!(scans(&s), 1, "nothing reached the stopped server");

        s.restart();
        mode.store(FAILS, Ordering::SeqCst);
        let back = s.rt.block_on(agent.cycle());
        assert!(matches!(back.scanned, Scanned::Failed(ref e) if e.contains("no connected")));
        assert_eq!((back.delivered, back.waiting), (2, 0), "replayed in order");
        assert_eq!(scans(&s), 3, "each report stored once");

        // The heartbeat is typed both ways and the server shows what the agent said.
        assert!(
            s.rt.block_on(agent.heartbeat(&announce, Activity::Idle))
                .is_some()
        );
        let row = admin.get("/api/agents").json()["agents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id.as_str())
            .cloned()
            .unwrap();
        assert_eq!(row["state"], "online");
        assert_eq!(row["queue_depth"], 0);
        assert!(
            row["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("scan failed")),
            "{row}"
        );

        // A stop cuts a hanging scan short and queues nothing.
        mode.store(HANGS, Ordering::SeqCst);
        stop_tx.send(true).unwrap();
        let stopped = s
            .rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), agent.cycle()).await });
        let stopped = stopped.expect("a stop ends the cycle");
        assert_eq!(stopped.scanned, Scanned::Abandoned);
        assert_eq!(stopped.waiting, 0);
        // Four scans ran to the end; the one cut short made no report and is not counted.
        let status = AgentStatus::load(home.path()).expect("status file");
        assert_eq!(status.cycles, 4);
    }
}

#[test]
fn a_revoked_agent_keeps_its_reports_and_is_told_why() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (id, token) = new_agent(s, &admin, "cycles", "revoked");
        let home = tempfile::tempdir().unwrap();
        let (_stop, stop_rx) = watch::channel(false);
        let mut agent = Agent::new(
            &config(s, token, &id),
            home.path(),
            Canned(Arc::new(AtomicU8::new(WORKS))),
            Duration::from_secs(2),
            stop_rx,
        )
        .unwrap();
        let r = admin.send("POST", &format!("/api/agents/{id}/revoke"), None);
        assert_eq!(r.status, 200, "{}", r.body);
        let cycle = s.rt.block_on(agent.cycle());
        assert_eq!((cycle.delivered, cycle.waiting), (0, 1));
        assert_eq!(cycle.delivery_error, Some(CallError::Unauthorized));
    });
}

/// Serialises with the agent's code, parses with the server's, and back for answers.
#[test]
fn the_wire_types_round_trip_between_agent_and_server() {
    let status = AgentStatus {
        queue_depth: 3,
        last_scan_at: Some(Utc::now()),
        last_error: Some("é".repeat(600)),
        ..Default::default()
    };
    let announce = Announce::new(
        &["10.0.0.0/24".into(), "printer.local".into()],
        Duration::from_secs(30),
    );
    let beat = announce.request(&status, Activity::Scanning, None);
    assert_eq!(
        beat.subnets.as_deref(),
        Some(&["10.0.0.0/24".to_string()][..])
    );
    assert_eq!(
        beat.last_error.as_ref().map(|e| e.chars().count()),
        Some(500)
    );
    let parsed: HeartbeatRequest = parse_json(&serde_json::to_vec(&beat).unwrap()).unwrap();
    assert_eq!(parsed, beat);
    let idle: HeartbeatRequest = parse_json(b"{}").unwrap();
    assert_eq!(idle.activity.unwrap_or_default(), Activity::Idle);

    let reg = register::request(
        " edge-1 ",
        "istanbul",
        Some("bigr_e_x".into()),
        None,
        &["10.1.0.0/16".into(), "10.1.0.5".into()],
    );
    let parsed: RegisterRequest = parse_json(&serde_json::to_vec(&reg).unwrap()).unwrap();
    assert_eq!(parsed, reg);
    assert_eq!((parsed.name.as_str(), parsed.subnets.len()), ("edge-1", 1));

    // Answers: what the server writes, the agent reads back equal.
    fn back<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(v: T) {
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<T>(&text).unwrap(), v, "{text}");
    }
    back(Registered {
        agent_id: Uuid::now_v7(),
        site: "s".into(),
        token: "bigr_a_b".into(),
        release_public_key: Some("bigr-ed25519:AAAA".into()),
    });
    back(HeartbeatAnswer {
        agent_id: Uuid::now_v7(),
        state: AgentState::Stale,
        server_time: Utc::now(),
        config_version: 7,
        commands: vec![bigr::model::commands::CommandOrder {
            id: Uuid::now_v7(),
            kind: bigr::model::commands::CommandKind::ScanNow,
            args: bigr::model::commands::CommandArgs {
                targets: vec!["10.0.0.0/24".into()],
                ports: Some("22".into()),
                shield: false,
            },
            expires_at: Utc::now(),
        }],
        update: None,
    });
    back(IngestAnswer {
        scan_id: Uuid::now_v7(),
        site: "s".into(),
        already_saved: true,
        asset_count: 2,
        changes: [("new_device".to_string(), 2)].into(),
    });
    back(ErrorBody {
        error: "nope".into(),
    });
    // A renamed or unknown field is refused by the server, not silently dropped.
    assert!(parse_json::<HeartbeatRequest>(br#"{"queue_len": 1}"#).is_err());
    assert!(parse_json::<RegisterRequest>(br#"{"name": "a", "token": "x"}"#).is_err());
}
