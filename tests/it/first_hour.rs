//! What a new user meets in the first hour: the demo site (loaded, idempotent, removable, and
//! never over a real site), topology right after the first report, an agent home refused by
//! `agent enroll`, a registration 401 that names the real cause, CLI labels in the user's
//! language, and no WARN for the login page's expected 401.
use super::agent_api::{as_agent, new_agent, report_json};
use super::cli::bigr;
use super::support::server::{ADMIN, Served, TestServer, free_port, on_each_server, wait_healthy};
use bigr::demo;
use bigr::store::{self, SaveOptions};
use predicates::prelude::*;
use predicates::str::contains;
use std::process::{Command, Stdio};

fn save_options() -> SaveOptions {
    SaveOptions {
        missing_after_scans: 2,
        missing_after: chrono::Duration::minutes(15),
        agent_id: None,
        max_site_assets: None,
    }
}

#[test]
fn the_demo_site_loads_once_through_ingest_and_removes_cleanly() {
    on_each_server(|s| {
        let loaded =
            s.rt.block_on(demo::load(&s.db, &save_options(), None))
                .expect("demo loads");
        assert!(!loaded.already && loaded.scans == 8, "{loaded:?}");
        assert_eq!(loaded.assets, 150, "{loaded:?}");
        let admin = s.signed_in(ADMIN);
        let sites = admin.get("/api/sites").json();
        let site = sites
            .as_array()
            .or_else(|| sites["sites"].as_array())
            .expect("site list")
            .iter()
            .find(|x| x["name"] == "demo")
            .cloned()
            .expect("demo site listed");
        assert_eq!(site["demo"], true, "{site}");
        // Two weeks of scans leave changes, certificates, an agent and Shield findings.
        let changes = admin.get("/api/changes?site=demo").json();
        assert!(changes["total"].as_u64().unwrap_or(0) > 150, "{changes}");
        let certs = admin.get("/api/certificates?site=demo").json();
        assert!(certs["total"].as_u64().unwrap_or(0) > 10, "{certs}");
        let agents = admin.get("/api/agents?site=demo").json();
        assert_eq!(agents["agents"][0]["state"], "online", "{agents}");
        let shield = admin.get("/api/shield/scans?site=demo").json();
        assert_eq!(shield["total"], 1, "{shield}");
        let inv = admin.get("/api/data?site=demo&per_page=500").json();
        let classified = inv["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["category"] != "unclassified")
            .count();
        assert!(
            classified * 10 >= loaded.assets as usize * 7,
            "{classified} classified"
        );

        let again =
            s.rt.block_on(demo::load(&s.db, &save_options(), None))
                .unwrap();
        assert!(again.already && again.assets == loaded.assets, "{again:?}");
        s.rt.block_on(demo::remove(&s.db)).expect("removed");
        assert_eq!(admin.get("/api/data?site=demo").status, 404);
        assert!(matches!(
            s.rt.block_on(demo::remove(&s.db)),
            Err(demo::DemoError::NotLoaded)
        ));

        // A real site that happens to be called "demo" is never touched.
        s.rt.block_on(store::save_scan(
            &s.db,
            &serde_json::from_value(report_json(&["10.9.0.1"])).unwrap(),
            "demo",
            &save_options(),
        ))
        .unwrap();
        assert!(matches!(
            s.rt.block_on(demo::load(&s.db, &save_options(), None)),
            Err(demo::DemoError::NameTaken)
        ));
        assert!(matches!(
            s.rt.block_on(demo::remove(&s.db)),
            Err(demo::DemoError::NameTaken)
        ));
        // Read from the store: the server's few-second count cache never saw this write.
        let sites = s.rt.block_on(store::sites::list(&s.db)).unwrap();
        let real = sites.iter().find(|x| x.name == "demo").expect("real site");
        assert_eq!((real.asset_count, real.demo), (1, false));
    });
}

#[test]
fn the_first_report_into_an_empty_inventory_shows_on_the_topology_at_once() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let empty = admin.get("/api/topology").json();
        assert_eq!(empty["nodes"].as_array().map_or(0, Vec::len), 0, "{empty}");
        let (_, token) = new_agent(s, &admin, "first", "edge");
        let r = as_agent(
            s,
            &token,
            "POST",
            "/api/ingest/discovery",
            &report_json(&["10.9.0.7"]).to_string(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let topo = admin.get("/api/topology").json().to_string();
        assert!(topo.contains("10.9.0.7"), "{topo}");
    });
}

#[test]
fn enroll_refuses_an_agent_home_and_names_it() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("agent.yaml"), "api_url: x\n").unwrap();
    bigr(home.path())
        .args(["agent", "enroll", "--site", "s"])
        .assert()
        .failure()
        .stderr(contains("agent's home").and(contains(home.path().to_str().unwrap())));
    assert!(!home.path().join("bigr.db").exists(), "no second database");
}

#[test]
fn a_registration_401_says_the_token_is_not_valid_for_this_server() {
    let s = TestServer::start(false, Default::default()).expect("server");
    let home = tempfile::tempdir().unwrap();
    bigr(home.path())
        .args(["agent", "register", "--api-url", &s.base, "--name", "n"])
        .args([
            "--site",
            "s",
            "--enroll-token",
            "bigr_e_0123456789abcdef_0123456789",
        ])
        .assert()
        .failure()
        .stderr(contains("not valid for this server").and(contains("revoked").not()));
}

#[test]
fn scan_tables_speak_the_users_language() {
    let home = tempfile::tempdir().unwrap();
    let scan = |lang: &str| {
        let out = bigr(home.path())
            .args(["scan", "--no-save", "--ports", "22", "-n", "--no-mdns"])
            .args([
                "--no-snmp",
                "--timeout-ms",
                "200",
                "--lang",
                lang,
                "127.0.0.1",
            ])
            .assert()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let tr = scan("tr");
    assert!(tr.contains("1 cihaz"), "{tr}");
    assert!(
        !tr.contains("unclassified"),
        "keys stay out of the table: {tr}"
    );
    let en = scan("en");
    assert!(en.contains("1 host,"), "{en}");
    let json = bigr(home.path())
        .args([
            "scan",
            "--no-save",
            "--ports",
            "none",
            "-n",
            "--no-mdns",
            "--no-snmp",
        ])
        .args(["--lang", "tr", "--json", "127.0.0.1"])
        .assert()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        v["assets"][0]["category"], "unclassified",
        "--json keeps the keys"
    );
}

#[test]
fn the_login_page_401_is_not_a_warning() {
    let home = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = home.path().join("serve.log");
    let child = Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
        .args(["--home", home.path().to_str().unwrap(), "serve", "--port"])
        .arg(port.to_string())
        .env_remove("DATABASE_URL")
        .env("BIGR_LOG", "info")
        .env("BIGR_ADMIN_PASSWORD", "first-hour-admin-1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let served = Served(child);
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base);
    let client = super::support::server::Client::new(&base);
    for _ in 0..3 {
        assert_eq!(client.get("/api/auth/me").status, 401);
    }
    drop(served);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("WARN"), "{text}");
    assert!(text.contains("listening"), "the log was captured: {text}");
}

#[test]
fn compliance_of_an_empty_inventory_is_no_data_not_a_grade() {
    let home = tempfile::tempdir().unwrap();
    bigr(home.path())
        .args(["compliance"])
        .assert()
        .success()
        .stdout(contains("no assets yet").and(contains("(grade").not()));
}
