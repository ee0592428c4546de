//! Black-box tests of the control plane's API on a real port, on SQLite and PostgreSQL:
//! sessions, roles, CSRF, throttling, every dashboard endpoint with data and without, site
//! isolation, input validation and the SPA fallback rules.
use super::support::server::{ADMIN, Client, TestServer, VIEWER, on_each_server};
use super::support::{host, report};
use bigr::model::{Category, CertificateObservation, DeviceType, Service};
use bigr::store::{self, SaveOptions};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

/// Every dashboard GET endpoint (with harmless parameters).
const READS: &[&str] = &[
    "/api/auth/me",
    "/api/data",
    "/api/sites",
    "/api/scans",
    "/api/changes",
    "/api/subnets",
    "/api/switches",
    "/api/certificates",
    "/api/topology",
    "/api/topology/layer2",
    "/api/compliance",
    "/api/analytics",
    "/api/risk",
    "/api/vulnerabilities",
    "/api/users",
    "/api/agents",
    "/api/agents/enrollments",
    "/api/shield/scans",
];

fn svc(port: u16) -> Service {
    serde_json::from_value(json!({ "port": port })).expect("service")
}

/// Two sites that both use 10.1.0.10; istanbul's camera runs vsftpd 2.3.4 (the backdoored
/// release) and Apache 2.4.49 (path traversal, actively exploited).
fn seed(s: &TestServer) {
    let now = Utc::now() - Duration::minutes(5);
    let mut router = host("10.1.0.1", Some("00:11:22:33:44:01"), &[22, 80]);
    router.category = Category::AgVeSistemler;
    router.device_type = DeviceType::Router;
    router.confidence = 0.9;
    router.hostname = Some("gw-istanbul".into());
    let mut cam = host("10.1.0.10", Some("00:11:22:33:44:10"), &[21, 80, 443]);
    cam.category = Category::Iot;
    cam.device_type = DeviceType::Camera;
    cam.confidence = 0.8;
    cam.hostname = Some("cam-lobby".into());
    let mut ftp = svc(21);
    ftp.banner = Some("220 (vsFTPd 2.3.4)".into());
    let mut web = svc(80);
    web.http_server = Some("Apache/2.4.49 (Unix)".into());
    cam.services = vec![ftp, web];
    let mut odd = host("10.1.0.20", None, &[]);
    odd.confidence = 0.1;
    let mut r = report(
        now,
        &["10.1.0.0/24"],
        "21,22,80,443",
        vec![router, cam, odd],
    );
    r.certificates.push(CertificateObservation {
        ip: "10.1.0.10".parse().expect("ip"),
        port: 443,
        subject_cn: Some("cam-lobby".into()),
        sans: vec![],
        issuer: Some("cam-lobby".into()),
        serial: Some("01".into()),
        not_before: Some(now - Duration::days(300)),
        not_after: Some(now + Duration::days(5)),
        key_type: Some("RSA".into()),
        key_bits: Some(2048),
        signature_algorithm: Some("sha256WithRSAEncryption".into()),
        fingerprint_sha256: "ab".repeat(32),
        self_signed: true,
    });
    let mut laptop = host("10.1.0.10", Some("00:11:22:33:55:10"), &[445]);
    laptop.category = Category::Tasinabilir;
    laptop.device_type = DeviceType::Laptop;
    laptop.confidence = 0.5;
    laptop.hostname = Some("ank-laptop".into());
    let r2 = report(now, &["10.1.0.0/24"], "445", vec![laptop]);
    s.rt.block_on(async {
        store::save_scan(&s.db, &r, "istanbul", &SaveOptions::default())
            .await
            .expect("save istanbul");
        store::save_scan(&s.db, &r2, "ankara", &SaveOptions::default())
            .await
            .expect("save ankara");
    });
}

fn ips(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| {
            format!(
                "{}/{}",
                a["site"].as_str().unwrap_or("?"),
                a["ip"].as_str().unwrap_or("?")
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_dashboard_endpoint_needs_a_session() {
    on_each_server(|s| {
        let anon = s.client();
        for path in READS {
            let r = anon.get(path);
            assert_eq!(r.status, 401, "{} GET {path}: {}", s.backend(), r.body);
            assert_eq!(r.error(), "login required");
        }
        for (method, path) in [
            ("POST", "/api/auth/logout"),
            (
                "PUT",
                "/api/assets/00000000-0000-0000-0000-000000000000/tag",
            ),
            (
                "DELETE",
                "/api/assets/00000000-0000-0000-0000-000000000000/tag",
            ),
            ("POST", "/api/subnets"),
            ("DELETE", "/api/subnets?cidr=10.0.0.0/24"),
            ("POST", "/api/switches"),
            ("POST", "/api/switches/candidates"),
            ("POST", "/api/users"),
            ("DELETE", "/api/users/viewer"),
            ("POST", "/api/agents/enrollments"),
            (
                "POST",
                "/api/agents/00000000-0000-0000-0000-000000000000/revoke",
            ),
            (
                "POST",
                "/api/agents/00000000-0000-0000-0000-000000000000/rotate",
            ),
            ("DELETE", "/api/agents/00000000-0000-0000-0000-000000000000"),
        ] {
            let body = (method != "DELETE").then_some("{}");
            assert_eq!(anon.send(method, path, body).status, 401, "{method} {path}");
        }
        // A made-up cookie is no session either.
        let mut forged = s.client();
        forged.cookie = Some(format!("bigr_session={}", "a".repeat(64)));
        assert_eq!(forged.get("/api/data").status, 401);
        // Public: health, the OpenAPI document.
        assert_eq!(anon.get("/api/health").status, 200);
        assert_eq!(anon.get("/api/openapi.json").status, 200);
    });
}

#[test]
fn login_sets_a_safe_cookie_and_logout_ends_the_session() {
    on_each_server(|s| {
        let mut c = s.client();
        let bad = c.login(ADMIN.0, "wrong-password!");
        assert_eq!(bad.status, 401);
        assert_eq!(bad.error(), "invalid username or password");
        let unknown = c.login("nobody", "whatever-password");
        assert_eq!(
            unknown.error(),
            "invalid username or password",
            "no user enumeration"
        );
        let ok = c.login(ADMIN.0, ADMIN.1);
        assert_eq!(ok.status, 200, "{}", ok.body);
        let cookie = ok.header("set-cookie").expect("cookie");
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(attr), "{cookie}");
        }
        assert!(
            !cookie.contains("Secure"),
            "loopback server: not Secure ({cookie})"
        );
        assert_eq!(ok.json()["user"]["role"], "admin");
        assert!(!ok.body.contains("password"), "{}", ok.body);
        let me = c.get("/api/auth/me");
        assert_eq!(me.json()["user"]["username"], "admin");
        assert_eq!(me.json()["csrf_token"], ok.json()["csrf_token"]);
        // The cookie value is not what the database stores.
        let value = c
            .cookie
            .clone()
            .unwrap()
            .split('=')
            .nth(1)
            .unwrap()
            .to_string();
        let stored: i64 = s.rt.block_on(async {
            use sea_orm::{ConnectionTrait, Statement};
            let b = s.db.get_database_backend();
            let row =
                s.db.query_one_raw(Statement::from_string(
                    b,
                    format!("SELECT COUNT(*) AS n FROM sessions WHERE id = '{value}'"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        });
        assert_eq!(stored, 0, "the raw cookie must not be a session key");
        assert_eq!(c.send("POST", "/api/auth/logout", None).status, 204);
        assert_eq!(c.get("/api/data").status, 401, "the old cookie is dead");
    });
}

#[test]
fn writes_need_the_csrf_token() {
    on_each_server(|s| {
        let mut c = s.signed_in(ADMIN);
        let body = json!({"cidr": "10.9.0.0/24", "label": "lab"}).to_string();
        let token = c.csrf.take();
        let r = c.send("POST", "/api/subnets", Some(&body));
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.error().contains("X-CSRF-Token"));
        c.csrf = Some("0".repeat(64));
        assert_eq!(c.send("POST", "/api/subnets", Some(&body)).status, 403);
        c.csrf = token;
        let ok = c.send("POST", "/api/subnets", Some(&body));
        assert_eq!(ok.status, 201, "{}", ok.body);
        assert_eq!(ok.json()["cidr"], "10.9.0.0/24");
    });
}

#[test]
fn viewers_read_and_admins_write() {
    on_each_server(|s| {
        seed(s);
        let viewer = s.signed_in(VIEWER);
        let admin = s.signed_in(ADMIN);
        let admin_only = ["/api/users", "/api/agents/enrollments"];
        for path in READS.iter().filter(|p| !admin_only.contains(p)) {
            let r = viewer.get(path);
            assert_eq!(r.status, 200, "viewer GET {path}: {}", r.body);
        }
        for path in admin_only {
            assert_eq!(viewer.get(path).status, 403, "viewer GET {path}");
        }
        let id = admin.get("/api/data?site=istanbul&q=cam-lobby").json()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let tag = json!({"category": "ag_ve_sistemler", "note": "NVR, not a camera"}).to_string();
        let denied = viewer.send("PUT", &format!("/api/assets/{id}/tag"), Some(&tag));
        assert_eq!(denied.status, 403);
        assert_eq!(denied.error(), "this needs the admin role");
        for (m, p, b) in [
            ("POST", "/api/subnets", Some(r#"{"cidr":"10.5.0.0/24"}"#)),
            (
                "POST",
                "/api/switches",
                Some(r#"{"host":"sw1","community":"c"}"#),
            ),
            (
                "POST",
                "/api/users",
                Some(r#"{"username":"x","password":"long-enough-pw","role":"viewer"}"#),
            ),
            ("DELETE", "/api/users/admin", None),
            ("POST", "/api/agents/enrollments", Some(r#"{"site":"x"}"#)),
        ] {
            assert_eq!(viewer.send(m, p, b).status, 403, "viewer {m} {p}");
        }
        let group_factor = || {
            viewer.get("/api/risk?per_page=500").json()["profiles"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["asset_id"] == id.as_str())
                .expect("the camera is ranked")["factors"]["classification"]
                .clone()
        };
        assert_eq!(group_factor(), 0.8, "an IoT device");
        let tagged = admin.send("PUT", &format!("/api/assets/{id}/tag"), Some(&tag));
        assert_eq!(tagged.status, 200, "{}", tagged.body);
        // The cached ranking does not outlive the tag.
        assert_eq!(group_factor(), 0.3, "network & systems after the tag");
        assert_eq!(tagged.json()["category"], "ag_ve_sistemler");
        assert_eq!(tagged.json()["manual_note"], "NVR, not a camera");
        let detail = viewer.get(&format!("/api/assets/{id}")).json();
        assert_eq!(detail["manual_category"], "ag_ve_sistemler");
        let untagged = admin.send("DELETE", &format!("/api/assets/{id}/tag"), None);
        assert_eq!(untagged.json()["category"], "iot");
    });
}

#[test]
fn login_is_throttled_per_account_and_address() {
    let s = TestServer::start(false, Default::default()).expect("sqlite server");
    let mut c = s.client();
    for _ in 0..5 {
        assert_eq!(c.login(ADMIN.0, "not-the-password").status, 401);
    }
    let blocked = c.login(ADMIN.0, ADMIN.1);
    assert_eq!(
        blocked.status, 429,
        "even the right password waits: {}",
        blocked.body
    );
    let wait: u64 = blocked
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 900, "{wait}");
    // Another account is still open from this address…
    assert_eq!(c.login(VIEWER.0, VIEWER.1).status, 200);
    // …until the address has failed 20 times (password spraying).
    for i in 0..20 {
        c.login(&format!("ghost{i}"), "not-the-password");
    }
    assert_eq!(c.login(VIEWER.0, VIEWER.1).status, 429);
}

#[test]
fn inventory_filters_pages_and_never_leaks_another_site() {
    on_each_server(|s| {
        seed(s);
        let c = s.signed_in(VIEWER);
        let all = c.get("/api/data").json();
        assert_eq!(all["total"], 4);
        assert_eq!(
            ips(&all),
            [
                "ankara/10.1.0.10",
                "istanbul/10.1.0.1",
                "istanbul/10.1.0.10",
                "istanbul/10.1.0.20"
            ]
        );
        let ist = c.get("/api/data?site=istanbul").json();
        assert_eq!(
            ips(&ist),
            [
                "istanbul/10.1.0.1",
                "istanbul/10.1.0.10",
                "istanbul/10.1.0.20"
            ]
        );
        assert_eq!(ist["category_summary"]["iot"], 1);
        assert!(
            ist["category_summary"].get("tasinabilir").is_none(),
            "ankara's laptop leaked: {ist}"
        );
        let ank = c.get("/api/data?site=ankara&q=10.1.0.10").json();
        assert_eq!(ips(&ank), ["ankara/10.1.0.10"]);
        assert_eq!(
            ips(&c.get("/api/data?q=LOBBY").json()),
            ["istanbul/10.1.0.10"]
        );
        // Search text is data, never SQL or a pattern: quotes, backslashes, % and _ match
        // themselves, and a match never spans two fields (address, MAC, hostname, vendor).
        for q in [
            "%27%3B%20DROP%20TABLE%20assets%3B%20--",
            "%5C",
            "%5C%27",
            "cam%25lobby",
            "cam_lobby",
            "10.1.0.10%20cam",
            "lobby00:11",
        ] {
            let r = c.get(&format!("/api/data?q={q}"));
            assert_eq!(r.status, 200, "q={q}: {}", r.body);
            assert_eq!(r.json()["total"], 0, "q={q}");
        }
        assert_eq!(c.get("/api/data").json()["total"], 4, "nothing was dropped");
        assert_eq!(
            ips(&c.get("/api/data?q=M-LOB").json()),
            ["istanbul/10.1.0.10"]
        );
        assert_eq!(
            ips(&c.get("/api/data?category=iot").json()),
            ["istanbul/10.1.0.10"]
        );
        assert_eq!(
            ips(&c.get("/api/data?confidence=unclassified").json()),
            ["istanbul/10.1.0.20"]
        );
        let page2 = c.get("/api/data?per_page=3&page=2&sort=ip").json();
        assert_eq!(page2["items"].as_array().unwrap().len(), 1);
        assert_eq!(page2["total"], 4);
        let desc = c
            .get("/api/data?sort=confidence&order=desc&per_page=1")
            .json();
        assert_eq!(desc["items"][0]["confidence"], 0.9);
        // The same walk by cursor: the next page at the cost of the first.
        let opening = c.get("/api/data?per_page=3&sort=ip").json();
        let cursor = opening["next_cursor"]
            .as_str()
            .expect("a full page offers a cursor");
        let next = c
            .get(&format!("/api/data?per_page=3&sort=ip&cursor={cursor}"))
            .json();
        assert_eq!(next["items"], page2["items"]);
        assert_eq!(
            (next["page"].clone(), next["total"].clone()),
            (0.into(), 4.into())
        );
        assert!(next.get("next_cursor").is_none(), "the last page: {next}");
        let other_order = c.get(&format!(
            "/api/data?per_page=3&sort=ip&order=desc&cursor={cursor}"
        ));
        assert_eq!(other_order.status, 400);
        assert!(
            other_order.error().contains("ip.asc"),
            "{}",
            other_order.body
        );
        let both = c.get(&format!("/api/data?per_page=3&page=2&cursor={cursor}"));
        assert_eq!(both.status, 400);
        assert_eq!(c.get("/api/data?site=nowhere").status, 404);
        // Every per-site list keeps to its site.
        for path in [
            "/api/scans",
            "/api/changes",
            "/api/certificates",
            "/api/subnets",
            "/api/topology",
            "/api/risk",
            "/api/vulnerabilities",
            "/api/compliance",
        ] {
            let body = c.get(&format!("{path}?site=ankara")).body;
            assert!(
                !body.contains("istanbul") && !body.contains("cam-lobby"),
                "{path} leaked istanbul: {body}"
            );
        }
        let sites = c.get("/api/sites").json();
        let names: Vec<&str> = sites["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ankara", "istanbul"]);
        assert_eq!(sites["sites"][1]["asset_count"], 3);
    });
}

#[test]
fn asset_detail_records_and_analysis_with_data() {
    on_each_server(|s| {
        seed(s);
        let c = s.signed_in(VIEWER);
        let cam = &c.get("/api/data?site=istanbul&q=cam-lobby").json()["items"][0];
        let id = cam["id"].as_str().unwrap();
        let d = c.get(&format!("/api/assets/{id}")).json();
        assert_eq!(d["hostname"], "cam-lobby");
        assert_eq!(d["history"].as_array().unwrap().len(), 1);
        assert_eq!(d["certificates"][0]["port"], 443);
        assert_eq!(d["changes"][0]["change_type"], "new_asset");
        let cves: Vec<&str> = d["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["cve_id"].as_str().unwrap())
            .collect();
        for id in ["CVE-2011-2523", "CVE-2021-41773", "CVE-2021-42013"] {
            assert!(cves.contains(&id), "{id} not in {cves:?}");
        }
        // Actively exploited first, then by CVSS.
        assert_eq!(d["vulnerabilities"][0]["kev"], true);
        assert_eq!(d["vulnerabilities"][0]["cve_id"], "CVE-2021-42013");
        assert_eq!(d["risk"]["top_cve"], "CVE-2021-42013");
        assert_eq!(d["risk"]["cve_count"], cves.len());
        assert!(d["risk"]["factors"]["cve"].as_f64().unwrap() > 0.9);
        assert!(d["risk"]["factors"]["exposure"].as_f64().unwrap() > 0.0);
        assert_eq!(
            c.get("/api/assets/00000000-0000-0000-0000-000000000000")
                .status,
            404
        );
        assert_eq!(
            c.get("/api/assets/not-an-id").error(),
            "invalid asset id 'not-an-id'"
        );

        let scans = c.get("/api/scans?site=istanbul").json();
        assert_eq!(scans["total"], 1);
        assert_eq!(scans["items"][0]["asset_count"], 3);
        let changes = c.get("/api/changes?type=new_asset").json();
        assert_eq!(changes["total"], 4);
        // One scan's diff: the istanbul scan produced its three new assets, no more.
        let scan = scans["items"][0]["id"].as_str().unwrap();
        let diff = c.get(&format!("/api/changes?scan={scan}")).json();
        assert_eq!(diff["total"], 3, "{diff}");
        assert!(
            diff["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["scan_id"] == scan)
        );
        let certs = c.get("/api/certificates?expiring_days=7").json();
        assert_eq!(certs["total"], 1);
        assert_eq!(certs["items"][0]["self_signed"], true);
        assert_eq!(
            c.get("/api/certificates?expiring_days=1").json()["total"],
            0
        );

        let comp = c.get("/api/compliance").json();
        // istanbul: router full, camera full, unknown unclassified; ankara: laptop partial.
        assert_eq!(comp["breakdown"]["total_assets"], 4);
        assert_eq!(comp["breakdown"]["fully_classified"], 2);
        assert_eq!(comp["breakdown"]["partially_classified"], 1);
        assert_eq!(comp["compliance_score"], 62.5);
        assert_eq!(comp["grade"], "D");
        assert_eq!(comp["action_items"][0]["priority"], "critical");
        let risk = c.get("/api/risk").json();
        assert_eq!(risk["assets"], 4);
        assert_eq!(risk["top_risks"][0]["ip"], "10.1.0.10");
        assert_eq!(risk["top_risks"][0]["site"], "istanbul");
        // Pages of the ranking join up to the whole ranking, in the same order.
        let whole = c.get("/api/risk?per_page=4").json();
        let mut paged = Vec::new();
        for page in 1..=3 {
            let r = c.get(&format!("/api/risk?per_page=2&page={page}")).json();
            assert_eq!(r["total"], 4);
            paged.extend(r["profiles"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(&paged, whole["profiles"].as_array().unwrap());
        assert_eq!(whole["profiles"][0], risk["top_risks"][0]);
        let vulns = c.get("/api/vulnerabilities").json();
        assert_eq!(vulns["vulnerable_assets"], 1);
        assert_eq!(vulns["kev_assets"], 1);
        assert_eq!(vulns["assets_scanned"], 4);
        assert_eq!(vulns["total"], 1);
        assert_eq!(vulns["assets"][0]["ip"], "10.1.0.10");
        assert!(vulns["assets"][0]["kev_count"].as_u64().unwrap() >= 1);
        let kev = c.get("/api/vulnerabilities?kev=true&site=istanbul").json();
        assert_eq!(kev["total"], 1);
        assert_eq!(kev["assets"][0]["asset_id"], vulns["assets"][0]["asset_id"]);
        let past = c.get("/api/vulnerabilities?page=2&per_page=1").json();
        assert_eq!(past["total"], 1);
        assert_eq!(past["assets"].as_array().unwrap().len(), 0);
        let other_site = c.get("/api/vulnerabilities?site=ankara").json();
        assert_eq!(other_site["vulnerable_assets"], 0);
        assert_eq!(other_site["assets_scanned"], 1);
        let analytics = c.get("/api/analytics?days=7").json();
        let points = analytics["asset_count_trend"]["points"].as_array().unwrap();
        assert_eq!(points.len(), 7);
        // The day the seed's scans happened (today, unless midnight passed since).
        let day = &analytics["most_changed_assets"][0]["last_change"]
            .as_str()
            .expect("a change")[..10];
        let on_day = |series: &Value| -> Value {
            series
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["date"] == day)
                .unwrap_or_else(|| panic!("no point for {day}: {analytics}"))
                .clone()
        };
        assert_eq!(
            on_day(&analytics["asset_count_trend"]["points"])["value"],
            4,
            "{analytics}"
        );
        assert_eq!(on_day(&analytics["new_vs_missing"])["new"], 4);
        assert_eq!(on_day(&analytics["scan_frequency"])["scan_count"], 2);
        let topo = c.get("/api/topology").json();
        assert_eq!(topo["node_kinds"]["site"], 2);
        assert_eq!(topo["node_kinds"]["gateway"], 1);
        assert_eq!(topo["assets"], 4);
        // One subnet opened on demand: only the devices inside it.
        let gateway = topo["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "gateway")
            .unwrap();
        let (site, ip) = (
            gateway["site"].as_str().unwrap(),
            gateway["ip"].as_str().unwrap(),
        );
        let part = c
            .get(&format!("/api/topology?site={site}&subnet={ip}/32"))
            .json();
        assert_eq!(part["assets"], 1, "{part}");
        assert_eq!(part["node_kinds"]["gateway"], 1);
        let bad = c.get("/api/topology?subnet=10.0.0.0/33");
        assert_eq!(bad.status, 400);
        assert!(bad.error().contains("subnet"), "{}", bad.error());
    });
}

#[test]
fn the_cli_prints_the_figures_the_api_serves() {
    on_each_server(|s| {
        seed(s);
        let c = s.signed_in(VIEWER);
        let url = &s.test_db.as_ref().expect("a test database").url;
        let home = tempfile::tempdir().expect("home");
        let cli = |args: &[&str]| -> Value {
            let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
                .args([
                    "--home",
                    home.path().to_str().unwrap(),
                    "--database-url",
                    url,
                ])
                .args(args)
                .env_remove("DATABASE_URL")
                .output()
                .expect("bigr");
            assert!(out.status.success(), "{args:?}: {out:?}");
            serde_json::from_slice(&out.stdout).expect("JSON")
        };
        for (args, path) in [
            (vec!["compliance", "--json"], "/api/compliance"),
            (vec!["risk", "--top", "3", "--json"], "/api/risk?per_page=3"),
            (
                vec!["risk", "--site", "istanbul", "--json"],
                "/api/risk?site=istanbul&per_page=20",
            ),
            (vec!["vulns", "--json"], "/api/vulnerabilities"),
            (
                vec!["vulns", "--kev", "--top", "1", "--json"],
                "/api/vulnerabilities?kev=true&per_page=1",
            ),
            (
                vec!["analytics", "--days", "7", "--json"],
                "/api/analytics?days=7",
            ),
        ] {
            assert_eq!(cli(&args), c.get(path).json(), "bigr {args:?} vs {path}");
        }
    });
}

#[test]
fn empty_inventory_answers_every_endpoint() {
    on_each_server(|s| {
        let c = s.signed_in(ADMIN);
        for path in READS {
            let r = c.get(path);
            assert_eq!(r.status, 200, "{path}: {}", r.body);
        }
        assert_eq!(c.get("/api/data").json()["total"], 0);
        assert_eq!(c.get("/api/compliance").json()["compliance_score"], 100.0);
        assert_eq!(c.get("/api/risk").json()["total"], 0);
        assert_eq!(c.get("/api/vulnerabilities").json()["vulnerable_assets"], 0);
        assert_eq!(
            c.get("/api/topology").json()["nodes"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
    });
}

#[test]
fn bad_input_gets_a_4xx_naming_the_field() {
    on_each_server(|s| {
        let c = s.signed_in(ADMIN);
        let cases: &[(&str, &str, Option<&str>, u16, &str)] = &[
            ("GET", "/api/data?per_page=100000", None, 400, "`per_page`"),
            ("GET", "/api/data?page=0", None, 400, "`page`"),
            ("GET", "/api/data?page=abc", None, 400, "`page`"),
            (
                "GET",
                "/api/data?category=printers",
                None,
                400,
                "`category`",
            ),
            ("GET", "/api/data?sort=password", None, 400, "`sort`"),
            ("GET", "/api/data?order=sideways", None, 400, "`order`"),
            ("GET", "/api/data?subnet=10.0.0.0/99", None, 400, "`subnet`"),
            ("GET", "/api/data?missing=maybe", None, 400, "`missing`"),
            ("GET", "/api/data?limit=5", None, 400, "`limit`"),
            ("GET", "/api/data?cursor=ip.asc.x", None, 400, "`cursor`"),
            ("GET", "/api/changes?cursor=tomorrow", None, 400, "`cursor`"),
            ("GET", "/api/analytics?days=100000", None, 400, "`days`"),
            ("GET", "/api/analytics?days=0", None, 400, "`days`"),
            (
                "GET",
                "/api/certificates?expiring_days=-5",
                None,
                400,
                "`expiring_days`",
            ),
            ("GET", "/api/changes?since=yesterday", None, 400, "`since`"),
            ("GET", "/api/changes?scan=last", None, 400, "`scan`"),
            ("GET", "/api/changes?type=exploded", None, 400, "exploded"),
            (
                "POST",
                "/api/subnets",
                Some("{\"cidr\": "),
                400,
                "malformed JSON",
            ),
            ("POST", "/api/subnets", Some("{\"cidr\": 5}"), 400, "`cidr`"),
            (
                "POST",
                "/api/subnets",
                Some("{\"cidr\": \"10.0.0.0/24\", \"vlan_id\": \"ten\"}"),
                400,
                "`vlan_id`",
            ),
            (
                "POST",
                "/api/subnets",
                Some("{\"cidr\": \"10.0.0.0/24\", \"owner\": \"me\"}"),
                400,
                "owner",
            ),
            (
                "POST",
                "/api/subnets",
                Some("{\"label\": \"x\"}"),
                400,
                "cidr",
            ),
            (
                "POST",
                "/api/subnets",
                Some("{\"cidr\": \"not-a-net\"}"),
                400,
                "not-a-net",
            ),
            (
                "POST",
                "/api/users",
                Some("{\"username\":\"u1\",\"password\":\"short\",\"role\":\"viewer\"}"),
                400,
                "`password`",
            ),
            (
                "POST",
                "/api/users",
                Some("{\"username\":\"u1\",\"password\":\"long-enough-pw\",\"role\":\"root\"}"),
                400,
                "`role`",
            ),
            (
                "PUT",
                "/api/assets/not-a-uuid/tag",
                Some("{\"category\":\"iot\"}"),
                400,
                "asset id",
            ),
        ];
        for (method, path, body, status, needle) in cases {
            let r = c.send(method, path, *body);
            assert_eq!(
                r.status,
                *status,
                "{} {method} {path}: {}",
                s.backend(),
                r.body
            );
            let e = r.error();
            assert!(
                e.contains(needle),
                "{method} {path}: '{e}' should name {needle}"
            );
            assert!(
                !e.to_lowercase().contains("select") && !e.contains("/tmp/"),
                "leak: {e}"
            );
        }
        // Not JSON at all.
        let r = c.raw(
            "POST",
            "/api/subnets",
            Some("cidr=10.0.0.0/24"),
            &[("Content-Type", "application/x-www-form-urlencoded")],
        );
        assert_eq!(r.status, 400);
        assert!(r.error().contains("JSON"));
        // Oversized body: refused, nothing stored.
        let huge = json!({"cidr": "10.0.0.0/24", "label": "x".repeat(200_000)}).to_string();
        let r = c.send("POST", "/api/subnets", Some(&huge));
        assert_eq!(r.status, 413, "{}", r.body);
        assert!(r.error().contains("too large"));
        assert_eq!(
            c.get("/api/subnets").json()["subnets"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
    });
}

#[test]
fn switch_communities_are_write_only() {
    on_each_server(|s| {
        let c = s.signed_in(ADMIN);
        let r = c.send(
            "POST",
            "/api/switches",
            Some(
                r#"{"site":"hq","host":"10.0.0.2","community":"s3cr3t-community","label":"core"}"#,
            ),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert!(!r.body.contains("s3cr3t"), "{}", r.body);
        assert_eq!(r.json()["community_set"], true);
        let list = c.get("/api/switches?site=hq");
        assert!(!list.body.contains("s3cr3t"));
        assert_eq!(list.json()["switches"][0]["host"], "10.0.0.2");
        assert_eq!(
            c.send("DELETE", "/api/switches?site=hq&host=10.0.0.2", None)
                .status,
            204
        );
        assert_eq!(
            c.send("DELETE", "/api/switches?site=hq&host=10.0.0.2", None)
                .status,
            404
        );
    });
}

#[test]
fn snmpv3_pass_phrases_are_write_only_and_the_layer2_graph_checks_its_input() {
    on_each_server(|s| {
        let c = s.signed_in(ADMIN);
        let body = r#"{"site":"hq","host":"10.0.0.3","snmp_version":"3","role":"router",
            "usm":{"user":"netops","auth":"sha256","auth_pass":"auth-s3cr3t-1",
                   "privacy":"aes128","priv_pass":"priv-s3cr3t-2"}}"#;
        let r = c.send("POST", "/api/switches", Some(body));
        assert_eq!(r.status, 201, "{}", r.body);
        assert!(!r.body.contains("s3cr3t"), "{}", r.body);
        let v = r.json();
        assert_eq!(
            (
                v["role"].as_str(),
                v["auth"].as_str(),
                v["privacy"].as_str()
            ),
            (Some("router"), Some("SHA256"), Some("AES128"))
        );
        let list = c.get("/api/switches?site=hq");
        assert!(!list.body.contains("s3cr3t"), "{}", list.body);
        let audit = c.get("/api/audit");
        assert!(!audit.body.contains("s3cr3t"), "{}", audit.body);
        // A short pass phrase: 400 naming the field's rule, not the value.
        let short = body.replace("auth-s3cr3t-1", "s3cr");
        let r = c.send("POST", "/api/switches", Some(&short));
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(
            r.error().contains("pass phrase") && !r.body.contains("s3cr\""),
            "{}",
            r.body
        );
        // The graph: the router drawn, VLANs bounded.
        let g = c.get("/api/topology/layer2?site=hq");
        assert_eq!(g.status, 200, "{}", g.body);
        assert_eq!(g.json()["nodes"][0]["kind"], "router");
        for bad in ["0", "4095", "x"] {
            assert_eq!(
                c.get(&format!("/api/topology/layer2?vlan={bad}")).status,
                400,
                "vlan={bad}"
            );
        }
        // Only a neighbour actually heard can be accepted; viewers cannot.
        let accept = r#"{"site":"hq","address":"10.0.0.9","heard_by":"10.0.0.3"}"#;
        let r = c.send("POST", "/api/switches/candidates", Some(accept));
        assert_eq!(r.status, 404, "{}", r.body);
        let viewer = s.signed_in(VIEWER);
        assert_eq!(
            viewer
                .send("POST", "/api/switches/candidates", Some(accept))
                .status,
            403
        );
        assert_eq!(viewer.get("/api/topology/layer2?site=hq").status, 200);
    });
}

#[test]
fn admins_manage_users_and_changes_end_sessions() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let viewer = s.signed_in(VIEWER);
        let added = admin.send(
            "POST",
            "/api/users",
            Some(r#"{"username":"ops","password":"ops-password-1","role":"viewer"}"#),
        );
        assert_eq!(added.status, 201, "{}", added.body);
        assert!(!added.body.contains("argon2"), "no hash in answers");
        assert_eq!(
            admin
                .send(
                    "POST",
                    "/api/users",
                    Some(r#"{"username":"ops","password":"ops-password-1","role":"viewer"}"#)
                )
                .status,
            409
        );
        let list = admin.get("/api/users");
        assert!(!list.body.contains("argon2") && !list.body.contains("password_hash"));
        // A password reset ends the user's sessions.
        assert_eq!(
            admin
                .send(
                    "PUT",
                    "/api/users/viewer",
                    Some(r#"{"password":"new-viewer-pw-2"}"#)
                )
                .status,
            200
        );
        assert_eq!(viewer.get("/api/data").status, 401);
        let mut again = s.client();
        assert_eq!(again.login("viewer", VIEWER.1).status, 401);
        assert_eq!(again.login("viewer", "new-viewer-pw-2").status, 200);
        // Promote, and the last admin cannot be demoted or remove itself.
        assert_eq!(
            admin
                .send("PUT", "/api/users/ops", Some(r#"{"role":"admin"}"#))
                .json()["role"],
            "admin"
        );
        assert_eq!(admin.send("DELETE", "/api/users/ops", None).status, 204);
        assert_eq!(
            admin
                .send("PUT", "/api/users/admin", Some(r#"{"role":"viewer"}"#))
                .status,
            409
        );
        assert_eq!(admin.send("DELETE", "/api/users/admin", None).status, 409);
        assert_eq!(admin.send("DELETE", "/api/users/ghost", None).status, 404);
    });
}

#[test]
fn spa_fallback_rules_and_static_files() {
    let s = TestServer::start(false, Default::default()).expect("server");
    let c = s.client();
    let built = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("web/dist/index.html")
        .exists();
    let root = c.get("/");
    let route = c.get("/assets-page/deep/link");
    if built {
        assert_eq!(root.status, 200);
        assert!(root.body.contains("<div id=\"app\""), "{}", root.body);
        assert_eq!(root.header("cache-control"), Some("no-cache"));
        assert_eq!(route.body, root.body, "client routes get index.html");
        let etag = root.header("etag").expect("etag").to_string();
        let again = c.raw("GET", "/", None, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304);
        // A hashed asset: long cache.
        let asset = root
            .body
            .split("src=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("script src")
            .to_string();
        let js = c.get(&asset);
        assert_eq!(js.status, 200, "{asset}");
        assert!(js.header("cache-control").unwrap().contains("immutable"));
        assert!(js.header("content-type").unwrap().contains("javascript"));
    } else {
        assert_eq!(root.status, 503);
        assert!(root.body.contains("npm run build"));
    }
    assert_eq!(c.get("/assets/missing-file.js").status, 404);
    assert_eq!(c.get("/favicon-nope.png").status, 404);
    let api = c.get("/api/no-such-thing");
    assert_eq!(api.status, 404);
    assert_eq!(api.error(), "no such API endpoint");
    assert_eq!(c.get("/api").status, 404);
    let headers = c.get("/api/health");
    assert_eq!(headers.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(headers.header("x-frame-options"), Some("DENY"));
    assert!(
        headers
            .header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers.header("referrer-policy"), Some("no-referrer"));
    let docs = c.get("/api/docs/");
    assert_eq!(docs.status, 200);
    assert!(docs.body.contains("swagger-ui-bundle.js"));
    assert_eq!(
        c.get("/api/docs/swagger-ui-bundle.js").status,
        200,
        "docs work offline"
    );
}

/// The dashboard's TypeScript types are generated from `web/openapi.json`; this keeps that
/// copy identical to what the server serves (`BIGR_UPDATE_OPENAPI=1` rewrites it).
#[test]
fn the_dashboards_openapi_copy_matches_the_server() {
    let s = TestServer::start(false, Default::default()).expect("server");
    let served = Client::new(&s.base).get("/api/openapi.json").json();
    let copy_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/openapi.json");
    if std::env::var("BIGR_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        let text = serde_json::to_string_pretty(&served).expect("json") + "\n";
        std::fs::write(&copy_path, text).expect("write web/openapi.json");
    }
    let copy: Value = serde_json::from_slice(&std::fs::read(&copy_path).expect("web/openapi.json"))
        .expect("web/openapi.json is JSON");
    assert!(
        copy == served,
        "web/openapi.json differs from the served document: run `BIGR_UPDATE_OPENAPI=1 cargo test --test it the_dashboards_openapi_copy` then `npm run gen:api` in web/"
    );
}

#[test]
fn openapi_documents_every_endpoint() {
    let s = TestServer::start(false, Default::default()).expect("server");
    let doc = Client::new(&s.base).get("/api/openapi.json").json();
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/api/health",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/data",
        "/api/assets/{id}",
        "/api/assets/{id}/tag",
        "/api/sites",
        "/api/scans",
        "/api/changes",
        "/api/certificates",
        "/api/subnets",
        "/api/switches",
        "/api/compliance",
        "/api/risk",
        "/api/vulnerabilities",
        "/api/analytics",
        "/api/topology",
        "/api/users",
        "/api/users/{username}",
        "/api/agents",
        "/api/agents/enrollments",
        "/api/agents/register",
        "/api/agents/heartbeat",
        "/api/agents/rotate-token",
        "/api/agents/{id}/revoke",
        "/api/ingest/discovery",
        "/api/ingest/shield",
        "/api/shield/scans",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "AssetView",
        "Inventory",
        "ErrorBody",
        "ComplianceReport",
        "SessionInfo",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

#[test]
fn metrics_count_requests_and_assets() {
    let s = TestServer::start(false, Default::default()).expect("server");
    seed(&s);
    let c = s.signed_in(VIEWER);
    c.get("/api/data");
    let m = Client::new(&s.base).get("/metrics");
    assert_eq!(m.status, 200, "loopback scrapers are allowed");
    assert!(
        m.body.contains(
            "bigr_http_requests_total{method=\"GET\",route=\"/api/data\",status=\"200\"} 1"
        ),
        "{}",
        m.body
    );
    assert!(m.body.contains("bigr_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/data\",le=\"+Inf\"} 1"));
    assert!(m.body.contains("bigr_assets{state=\"present\"} 4"));
    assert!(m.body.contains("bigr_agents{state=\"online\"} 0"));
    assert!(!m.body.contains("cam-lobby"));
}

#[test]
fn cors_only_for_configured_origins() {
    let rt = super::support::server::runtime();
    let db = rt.block_on(super::support::TestDb::sqlite());
    let handle = db.db.clone();
    let opts = bigr::server::ServerOptions {
        cors_origins: vec!["https://dash.example.org".into()],
        ..Default::default()
    };
    let s = TestServer::over(rt, Some(db), handle, opts);
    let c = s.client();
    let pre = |origin: &str| {
        c.raw(
            "OPTIONS",
            "/api/data",
            None,
            &[("Origin", origin), ("Access-Control-Request-Method", "GET")],
        )
    };
    let ok = pre("https://dash.example.org");
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://dash.example.org")
    );
    assert_eq!(ok.header("access-control-allow-credentials"), Some("true"));
    let other = pre("https://evil.example.com");
    assert_eq!(other.header("access-control-allow-origin"), None);
    // Without configured origins there are no CORS headers at all.
    let plain = TestServer::start(false, Default::default()).unwrap();
    let r = plain.client().raw(
        "GET",
        "/api/health",
        None,
        &[("Origin", "https://dash.example.org")],
    );
    assert_eq!(r.header("access-control-allow-origin"), None);
}
