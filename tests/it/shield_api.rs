//! Shield results over a real port, on SQLite and PostgreSQL: the server scores reports itself,
//! findings live across scans (open, resolved when a scan of that host by that module no longer
//! sees them, reopened), a late report changes nothing a newer scan said, and the dashboard's
//! reads (findings by filter with remediation in both languages, posture with its trend, one
//! scan in full, findings on the asset page) need a login.
use super::agent_api::{as_agent, new_agent, report_json};
use super::support::server::{ADMIN, Client, TestServer, VIEWER, on_each_server};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

const IP: &str = "10.9.0.5";

fn finding(check: &str, module: &str, severity: &str, port: u16) -> Value {
    json!({"check_id": check, "module": module, "severity": severity, "title": check,
           "description": format!("{check} seen"), "target_ip": IP, "port": port,
           "evidence": {"seen": check}})
}

/// Delivers a report started `minutes_ago`, claiming a perfect score the server must ignore.
fn deliver(
    s: &TestServer,
    token: &str,
    minutes_ago: i64,
    modules: &[&str],
    findings: Vec<Value>,
) -> Value {
    let at = Utc::now() - Duration::minutes(minutes_ago);
    let report = json!({
        "id": uuid::Uuid::now_v7(), "target": IP, "preset": "standard",
        "modules": modules, "started_at": at, "completed_at": at + Duration::seconds(20),
        "score": 100.0, "grade": "A+", "findings": findings,
        "hosts": [{"ip": IP, "modules": modules}],
    });
    let r = as_agent(s, token, "POST", "/api/ingest/shield", &report.to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()
}

fn open_checks(c: &Client) -> Vec<(String, i64)> {
    let page = c.get("/api/shield/findings?site=izmir&status=open").json();
    let mut v: Vec<(String, i64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_id"].as_str().unwrap().to_string(),
                i["reopened_count"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn shield_findings_live_across_scans_and_the_server_scores_them() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let viewer = s.signed_in(VIEWER);
        let (_, token) = new_agent(s, &admin, "izmir", "edge");
        let r = as_agent(
            s,
            &token,
            "POST",
            "/api/ingest/discovery",
            &report_json(&[IP]).to_string(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let asset_id = admin.get("/api/data?site=izmir").json()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();

        let all = ["tls", "headers", "ports"];
        let first = deliver(
            s,
            &token,
            30,
            &all,
            vec![
                finding("tls.protocol.tls10", "tls", "high", 443),
                finding("headers.csp_missing", "headers", "medium", 443),
                finding("ports.telnet", "ports", "high", 23),
            ],
        );
        // tls 85, headers 92, ports 85, weighted 20/10/20: the sender's 100 is not trusted.
        assert_eq!(
            (first["score"].clone(), first["grade"].clone()),
            (json!(86.4), json!("B+"))
        );
        let page = viewer
            .get("/api/shield/findings?site=izmir&status=open")
            .json();
        assert_eq!(page["total"], 3);
        let order: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["severity"].as_str().unwrap())
            .collect();
        assert_eq!(order, ["high", "high", "medium"], "most severe first");
        let tls10 = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["check_id"] == "tls.protocol.tls10")
            .unwrap();
        assert_eq!(tls10["asset_id"], json!(asset_id));
        assert_eq!(tls10["priority"], "quick_win");
        assert!(
            tls10["remediation"]["tr"]
                .as_str()
                .unwrap()
                .contains("TLS 1.0'ı kapatın")
        );
        assert!(
            tls10["remediation"]["en"]
                .as_str()
                .unwrap()
                .starts_with("Disable TLS 1.0")
        );
        assert_eq!(tls10["description"], "tls.protocol.tls10 seen");
        for (query, total) in [
            ("severity=medium", 1),
            ("module=tls", 1),
            (&format!("asset={asset_id}") as &str, 3),
            ("status=resolved", 0),
        ] {
            let r = viewer.get(&format!("/api/shield/findings?site=izmir&{query}"));
            assert_eq!(r.json()["total"], total, "{query}: {}", r.body);
        }
        for bad in [
            "severity=urgent",
            "status=gone",
            "asset=not-a-uuid",
            "per_page=0",
        ] {
            let r = viewer.get(&format!("/api/shield/findings?{bad}"));
            assert_eq!(r.status, 400, "{bad}: {}", r.body);
        }

        // Ports not assessed this time: telnet stays open; the missing CSP is resolved.
        deliver(
            s,
            &token,
            20,
            &["tls", "headers"],
            vec![finding("tls.protocol.tls10", "tls", "high", 443)],
        );
        assert_eq!(
            open_checks(&admin),
            [("ports.telnet".into(), 0), ("tls.protocol.tls10".into(), 0)]
        );
        let resolved = admin
            .get("/api/shield/findings?site=izmir&status=resolved")
            .json();
        assert_eq!(resolved["items"][0]["check_id"], "headers.csp_missing");
        assert!(resolved["items"][0]["resolved_at"].is_string());

        // Back again: reopened, counted; telnet gone now that ports were assessed.
        let last = deliver(
            s,
            &token,
            10,
            &all,
            vec![
                finding("tls.protocol.tls10", "tls", "high", 443),
                finding("headers.csp_missing", "headers", "medium", 443),
            ],
        );
        assert_eq!(
            open_checks(&admin),
            [
                ("headers.csp_missing".into(), 1),
                ("tls.protocol.tls10".into(), 0)
            ]
        );

        // A report from the offline queue, older than the last scan, changes nothing.
        deliver(s, &token, 25, &all, vec![]);
        assert_eq!(
            open_checks(&admin),
            [
                ("headers.csp_missing".into(), 1),
                ("tls.protocol.tls10".into(), 0)
            ]
        );

        let posture = viewer.get("/api/shield/posture?site=izmir").json();
        let site = &posture["sites"][0];
        assert_eq!(
            site["last_scan_id"], last["shield_scan_id"],
            "the latest by start, not by arrival"
        );
        assert_eq!(
            site["module_scores"],
            json!({"headers": 92.0, "ports": 100.0, "tls": 85.0})
        );
        assert_eq!(site["open"], json!({"high": 1, "medium": 1}));
        assert_eq!(site["trend"].as_array().unwrap().len(), 4);
        let sid = last["shield_scan_id"].as_str().unwrap();
        let detail = viewer.get(&format!("/api/shield/scans/{sid}")).json();
        assert_eq!(detail["hosts"][0]["ip"], IP);
        assert_eq!(detail["findings"].as_array().unwrap().len(), 2);
        assert!(detail["findings"][0]["remediation_tr"].is_string());
        assert_eq!(detail["module_scores"]["tls"], 85.0);
        let asset = viewer.get(&format!("/api/assets/{asset_id}")).json();
        assert_eq!(asset["shield_findings"].as_array().unwrap().len(), 2);
        // The open high finding weighs in the risk like a CVSS 7.5 CVE, stored and shown alike.
        assert_eq!(asset["risk"]["factors"]["shield"], 0.75);
        let risk = viewer.get("/api/risk?site=izmir").json();
        let stored = risk["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["asset_id"] == asset_id.as_str())
            .unwrap()
            .clone();
        assert_eq!(stored["risk_score"], asset["risk"]["risk_score"], "{risk}");
        assert!(
            asset["risk"]["risk_score"].as_f64().unwrap() >= 3.5 * 0.75,
            "{}",
            asset["risk"]
        );
        let checks = viewer.get("/api/shield/checks").json();
        assert!(
            checks["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == "ports.redis_noauth")
        );

        // Compliance lists the open high finding as a to-do (not the medium one).
        let compliance = viewer.get("/api/compliance?site=izmir").json();
        let secure: Vec<&Value> = compliance["action_items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "secure")
            .collect();
        assert_eq!(secure.len(), 1, "{compliance}");
        assert!(
            secure[0]["reason"]
                .as_str()
                .unwrap()
                .contains("tls.protocol.tls10")
        );
        assert_eq!(
            (
                secure[0]["priority"].as_str(),
                secure[0]["asset_id"].as_str()
            ),
            (Some("normal"), Some(asset_id.as_str()))
        );

        let anonymous = Client::new(&s.base);
        for path in [
            "/api/shield/findings",
            "/api/shield/posture",
            "/api/shield/checks",
            &format!("/api/shield/scans/{sid}"),
        ] {
            assert_eq!(anonymous.get(path).status, 401, "{path}");
        }
        assert_eq!(viewer.get("/api/shield/scans/not-a-uuid").status, 400);
        assert_eq!(
            viewer
                .get(&format!("/api/shield/scans/{}", uuid::Uuid::now_v7()))
                .status,
            404
        );
    });
}
