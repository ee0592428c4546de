//! Site configuration and the audit log over a real port, on SQLite and PostgreSQL: settings
//! refused by field, versions that step only when what agents are sent changes, ETags, one
//! site's configuration (and switch communities) never reaching another site's agents or the
//! dashboard, and every admin action in an append-only log without its secrets.
use super::agent_api::{as_agent, new_agent, report_json};
use super::support::server::{ADMIN, Client, TestServer, VIEWER, on_each_server};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const COMMUNITY: &str = "s3cret-community";

fn put_config(c: &Client, site: &str, body: Value) -> super::support::server::Resp {
    c.send(
        "PUT",
        &format!("/api/sites/{site}/config"),
        Some(&body.to_string()),
    )
}

fn heartbeat_version(s: &TestServer, token: &str, running: i64) -> i64 {
    let r = as_agent(
        s,
        token,
        "POST",
        "/api/agents/heartbeat",
        &json!({"config_version": running}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["config_version"].as_i64().expect("config_version")
}

fn fetch_config(s: &TestServer, token: &str, etag: Option<&str>) -> super::support::server::Resp {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("Authorization", auth.as_str())];
    if let Some(e) = etag {
        headers.push(("If-None-Match", e));
    }
    s.client().raw("GET", "/api/agents/config", None, &headers)
}

#[test]
fn bad_settings_are_refused_by_field_and_viewers_cannot_configure() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        for (body, field) in [
            (json!({"interval_seconds": 30}), "interval_seconds"),
            (
                json!({"targets": ["10.0.0.0/24", "10.0.0.0/33"]}),
                "targets[1]",
            ),
            (json!({"ports": "22,70000"}), "ports"),
            (json!({"exclude": ["not an address!"]}), "exclude[0]"),
            (json!({"intervall_seconds": 600}), "intervall_seconds"),
            (json!({"shield": {"preset": "paranoid"}}), "shield.preset"),
            (
                json!({"maintenance": {"start": "25:00", "end": "01:00"}}),
                "maintenance.start",
            ),
            (json!({"fragile": ["10.0.0.0/8"]}), "fragile[0]"),
            (json!({"rate": "fast"}), "rate"),
        ] {
            let r = put_config(&admin, "hq", body.clone());
            assert_eq!(r.status, 400, "{}: {body} -> {}", s.backend(), r.body);
            assert!(
                r.error().contains(&format!("`{field}`")),
                "{body}: {}",
                r.error()
            );
        }
        // Nothing was saved by the refusals.
        assert_eq!(admin.get("/api/sites/hq/config").status, 404);
        let viewer = s.signed_in(VIEWER);
        let r = put_config(&viewer, "hq", json!({"ports": "22"}));
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(s.client().get("/api/sites/hq/config").status, 401);
    });
}

#[test]
fn agents_get_their_own_sites_configuration_when_its_version_steps() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (hq_id, hq) = new_agent(s, &admin, "hq", "edge-hq");
        let (_, branch) = new_agent(s, &admin, "branch", "edge-branch");
        assert_eq!(heartbeat_version(s, &hq, 0), 0, "nothing configured yet");
        let settings = json!({
            "targets": ["10.2.0.0/24"], "exclude": ["10.2.0.1"], "ports": "22,80,443",
            "interval_seconds": 600, "fragile": ["10.2.0.50"],
            "maintenance": {"start": "01:00", "end": "03:00", "days": ["sun"]},
        });
        let r = put_config(&admin, "hq", settings.clone());
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["version"], 1);
        assert_eq!(r.json()["updated_by"], "admin");
        // A switch and a subnet change what agents are sent: the version steps with each.
        let sw = admin.send(
            "POST",
            "/api/switches",
            Some(&json!({"site": "hq", "host": "10.2.0.2", "community": COMMUNITY}).to_string()),
        );
        assert_eq!(sw.status, 201, "{}", sw.body);
        let sub = admin.send(
            "POST",
            "/api/subnets",
            Some(&json!({"site": "hq", "cidr": "10.1.0.0/24"}).to_string()),
        );
        assert_eq!(sub.status, 201, "{}", sub.body);
        // Saving the same settings again changes nothing.
        assert_eq!(put_config(&admin, "hq", settings).json()["version"], 3);
        assert_eq!(heartbeat_version(s, &hq, 0), 3);

        let r = fetch_config(s, &hq, None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("etag"), Some("\"v3\""));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let c = r.json();
        assert_eq!(
            (c["version"].as_i64(), c["site"].as_str()),
            (Some(3), Some("hq"))
        );
        assert_eq!(c["subnets"], json!(["10.1.0.0/24"]));
        assert_eq!(
            c["switches"][0]["community"], COMMUNITY,
            "the site's own agent polls it"
        );
        assert_eq!(c["settings"]["ports"], "22,80,443");
        assert_eq!(fetch_config(s, &hq, Some("\"v3\"")).status, 304);
        assert_eq!(fetch_config(s, &hq, Some("\"v2\"")).status, 200);

        // The other site's agent sees nothing of hq.
        assert_eq!(heartbeat_version(s, &branch, 0), 0);
        let other = fetch_config(s, &branch, None);
        assert_eq!(other.status, 200);
        assert_eq!(other.json()["site"], "branch");
        assert!(!other.body.contains(COMMUNITY) && !other.body.contains("10.1.0.0"));

        // The dashboard shows the configuration without the community.
        let view = admin.get("/api/sites/hq/config");
        assert_eq!(view.status, 200);
        assert!(!view.body.contains(COMMUNITY), "{}", view.body);
        assert_eq!(view.json()["switches"], json!(["10.2.0.2"]));
        // "applied" once the agent says it runs v3.
        let listed = |admin: &Client| -> Value {
            admin.get("/api/agents").json()["agents"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == hq_id.as_str())
                .cloned()
                .unwrap()
        };
        assert_eq!(listed(&admin)["site_config_version"], 3);
        assert_eq!(listed(&admin)["config_version"], 0);
        heartbeat_version(s, &hq, 3);
        assert_eq!(listed(&admin)["config_version"], 3);
    });
}

#[test]
fn devices_of_a_fragile_type_reach_the_agents_when_a_scan_finds_them() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (_, token) = new_agent(s, &admin, "hq", "edge-hq");
        let ingest = |ips: &[&str]| {
            let r = as_agent(
                s,
                &token,
                "POST",
                "/api/ingest/discovery",
                &report_json(ips).to_string(),
            );
            assert_eq!(r.status, 201, "{}", r.body);
        };
        ingest(&["10.9.0.5"]);
        let kind = admin.get("/api/data?site=hq").json()["items"][0]["device_type"]
            .as_str()
            .unwrap()
            .to_string();
        let r = put_config(&admin, "hq", json!({"fragile_types": [kind]}));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["fragile_ips"], json!(["10.9.0.5"]));
        let v = r.json()["version"].as_i64().unwrap();
        // A later scan finds one more of that type: agents are told at their next heartbeat.
        ingest(&["10.9.0.5", "10.9.0.6"]);
        assert_eq!(heartbeat_version(s, &token, v), v + 1);
        let c = fetch_config(s, &token, None).json();
        assert_eq!(c["fragile_ips"], json!(["10.9.0.5", "10.9.0.6"]));
    });
}

#[test]
fn admin_actions_are_audited_without_secrets_and_the_log_is_append_only() {
    on_each_server(|s| {
        let mut wrong = s.client();
        assert_eq!(wrong.login("admin", "not-the-password").status, 401);
        let admin = s.signed_in(ADMIN);
        put_config(&admin, "hq", json!({"ports": "22"}));
        admin.send(
            "POST",
            "/api/switches",
            Some(&json!({"site": "hq", "host": "10.2.0.2", "community": COMMUNITY}).to_string()),
        );
        admin.send(
            "POST",
            "/api/users",
            Some(
                &json!({"username": "ayse", "password": "a-long-password-9", "role": "viewer"})
                    .to_string(),
            ),
        );
        let (agent_id, _) = new_agent(s, &admin, "hq", "edge-hq");
        assert_eq!(
            admin
                .send("POST", &format!("/api/agents/{agent_id}/revoke"), None)
                .status,
            200
        );

        let log = admin.get("/api/audit?per_page=100");
        assert_eq!(log.status, 200, "{}", log.body);
        for secret in [COMMUNITY, "a-long-password-9", "not-the-password", "bigr_"] {
            assert!(
                !log.body.contains(secret),
                "{secret} in the audit log: {}",
                log.body
            );
        }
        let entries = log.json()["items"].as_array().unwrap().clone();
        let actions: Vec<&str> = entries
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for a in [
            "login.failed",
            "login",
            "site.configure",
            "switch.add",
            "user.add",
            "enrollment.add",
            "agent.revoke",
        ] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        let configured = entries
            .iter()
            .find(|e| e["action"] == "site.configure")
            .unwrap();
        assert_eq!(configured["actor"], "admin");
        assert_eq!(configured["site"], "hq");
        assert_eq!(configured["after"]["ports"], "22");
        assert!(
            configured["address"]
                .as_str()
                .is_some_and(|a| a.starts_with("127.0.0.1"))
        );
        // Filters: by action prefix and by user.
        let agent_only = admin.get("/api/audit?action=agent.").json();
        assert!(
            agent_only["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["action"].as_str().unwrap().starts_with("agent."))
        );
        assert_eq!(admin.get("/api/audit?user=nobody").json()["total"], 0);
        assert_eq!(s.signed_in(VIEWER).get("/api/audit").status, 403);
        assert_eq!(admin.get("/api/audit?from=yesterday").status, 400);

        // The database itself refuses to rewrite history.
        let total = || {
            admin.get("/api/audit?per_page=1").json()["total"]
                .as_u64()
                .unwrap()
        };
        let before = total();
        for sql in [
            "UPDATE audit_log SET actor = 'someone-else'",
            "DELETE FROM audit_log",
        ] {
            let done = s.rt.block_on(
                s.db.execute_raw(Statement::from_string(s.db.get_database_backend(), sql)),
            );
            assert!(done.is_err(), "{}: {sql} was allowed", s.backend());
        }
        assert_eq!(total(), before);
    });
}

fn issue(c: &Client, agent: &str, body: Value) -> super::support::server::Resp {
    c.send(
        "POST",
        &format!("/api/agents/{agent}/commands"),
        Some(&body.to_string()),
    )
}

fn tell(s: &TestServer, token: &str, command: &str, body: Value) -> super::support::server::Resp {
    as_agent(
        s,
        token,
        "POST",
        &format!("/api/agents/commands/{command}"),
        &body.to_string(),
    )
}

fn beat(s: &TestServer, token: &str, body: Value) -> Value {
    let r = as_agent(s, token, "POST", "/api/agents/heartbeat", &body.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[test]
fn a_command_is_taken_once_by_its_own_agent_and_followed_to_its_end() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (a_id, a) = new_agent(s, &admin, "hq", "edge-hq");
        let (_, b) = new_agent(s, &admin, "branch", "edge-branch");
        // Refusals name the field; viewers cannot command.
        let r = issue(
            &admin,
            &a_id,
            json!({"kind": "scan_now", "targets": ["10.0.0.0/33"]}),
        );
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.error().contains("`targets[0]`"), "{}", r.error());
        let r = issue(
            &admin,
            &a_id,
            json!({"kind": "reload_config", "ports": "22"}),
        );
        assert!(
            r.status == 400 && r.error().contains("`ports`"),
            "{}",
            r.body
        );
        assert_eq!(
            issue(&admin, &a_id, json!({"kind": "format_disk"})).status,
            400
        );
        let viewer = s.signed_in(VIEWER);
        assert_eq!(
            issue(&viewer, &a_id, json!({"kind": "scan_now"})).status,
            403
        );

        let r = issue(
            &admin,
            &a_id,
            json!({"kind": "scan_now", "targets": ["10.3.0.0/24"], "ports": "22,80"}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let cmd = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(r.json()["state"], "queued");
        // Only its own agent hears of it, and only it can take it.
        assert!(
            beat(s, &b, json!({}))["commands"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert_eq!(tell(s, &b, &cmd, json!({"state": "acked"})).status, 404);
        let orders = beat(s, &a, json!({}))["commands"].clone();
        assert_eq!(orders[0]["id"], cmd.as_str());
        assert_eq!(orders[0]["args"]["targets"], json!(["10.3.0.0/24"]));
        // Acked once: a second ack (a restarted agent, another instance) is refused.
        assert_eq!(tell(s, &a, &cmd, json!({"state": "acked"})).status, 200);
        assert_eq!(tell(s, &a, &cmd, json!({"state": "acked"})).status, 409);
        assert!(
            beat(s, &a, json!({}))["commands"]
                .as_array()
                .unwrap()
                .is_empty(),
            "no longer offered"
        );
        let r = tell(
            s,
            &a,
            &cmd,
            json!({"state": "running", "progress": {"phase": "scanning", "hosts_found": 12, "percent": 40}}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let seen = admin.get(&format!("/api/commands/{cmd}")).json();
        assert_eq!(
            (
                seen["state"].as_str(),
                seen["progress"]["hosts_found"].as_u64()
            ),
            (Some("running"), Some(12))
        );
        let scan = "0193a0e0-0000-7000-8000-000000000001";
        let r = tell(
            s,
            &a,
            &cmd,
            json!({"state": "completed", "result": {"scan_id": scan, "assets": 3, "changes": 1}}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            tell(s, &a, &cmd, json!({"state": "failed"})).status,
            409,
            "an ended command stays ended"
        );
        let listed = admin.get(&format!("/api/agents/{a_id}/commands")).json();
        assert_eq!(listed["items"][0]["state"], "completed");
        assert_eq!(listed["items"][0]["result"]["scan_id"], scan);
        assert_eq!(listed["items"][0]["issued_by"], "admin");
        let audit = admin.get("/api/audit?action=command.issue").json();
        assert_eq!(audit["total"], 1);
    });
}

#[test]
fn a_waiting_heartbeat_is_woken_by_a_command_and_unclaimed_commands_expire() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (a_id, a) = new_agent(s, &admin, "hq", "edge-hq");
        let base = s.base.clone();
        let token = a.clone();
        let waited = std::thread::spawn(move || {
            let began = std::time::Instant::now();
            let r = Client::new(&base).raw(
                "POST",
                "/api/agents/heartbeat",
                Some(&json!({"wait_seconds": 20}).to_string()),
                &[("Authorization", &format!("Bearer {token}"))],
            );
            (r.json(), began.elapsed())
        });
        std::thread::sleep(std::time::Duration::from_millis(500));
        let r = issue(&admin, &a_id, json!({"kind": "reload_config"}));
        assert_eq!(r.status, 201, "{}", r.body);
        let (answer, took) = waited.join().unwrap();
        assert_eq!(answer["commands"][0]["kind"], "reload_config", "{answer}");
        assert!(
            took < std::time::Duration::from_secs(15),
            "woken, not timed out: {took:?}"
        );
        // Nobody takes it: past its time it expires, and a late ack changes nothing.
        let cmd = r.json()["id"].as_str().unwrap().to_string();
        let later = chrono::Utc::now() + chrono::Duration::minutes(11);
        let ended =
            s.rt.block_on(bigr::store::commands::expire(&s.db, later))
                .unwrap();
        assert_eq!(ended, 1);
        assert_eq!(
            admin.get(&format!("/api/commands/{cmd}")).json()["state"],
            "expired"
        );
        assert_eq!(tell(s, &a, &cmd, json!({"state": "acked"})).status, 409);
    });
}
