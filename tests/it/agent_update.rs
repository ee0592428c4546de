//! Signed agent updates with real processes on loopback: `bigr serve` holds a release signed
//! with a key made by `bigr release keygen`; a registered agent (which pinned the key) is
//! offered it by its heartbeat and replaces itself. Version B is a real second binary: a
//! copy of this build with another version stamped into it (`bigr release stamp`), signed
//! and added like any release. Tampered bytes, a bad signature, a version that exits at
//! start and a site policy that says off each leave the agent running as A, and say why.
use super::agent_e2e::{AgentHome, Server, agent_view};
use super::support::releases::{keygen, release, stamped, tamper};
use serde_json::Value;
use std::time::Duration;

const A: &str = env!("CARGO_PKG_VERSION");

fn set_policy(server: &Server, site: &str, policy: Value) {
    let admin = server.admin();
    let r = admin.send(
        "PUT",
        &format!("/api/sites/{site}/config"),
        Some(&serde_json::json!({ "updates": policy }).to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Waits for `done`; on a timeout, says what the server and the agent's log show.
fn wait_for(lab: &Lab, home: &AgentHome, what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while !done() {
        if std::time::Instant::now() > deadline {
            panic!(
                "timed out waiting for {what}; agent: {}\n{}",
                agent_view(&lab.server, "edge"),
                home.diagnosis()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn update_of(server: &Server, name: &str) -> (Option<String>, Option<String>, Option<String>) {
    let a = agent_view(server, name);
    let s = |k: &str| a[k].as_str().map(str::to_string);
    (s("version"), s("update_state"), s("update_reason"))
}

struct Lab {
    server: Server,
    keys: tempfile::TempDir,
    builds: tempfile::TempDir,
}

fn lab(site: &str, policy: Value) -> Lab {
    let keys = tempfile::tempdir().unwrap();
    let public = keygen(keys.path());
    let server = Server::start_with(&[("BIGR_RELEASE_PUBLIC_KEY", public.as_str())]);
    set_policy(&server, site, policy);
    Lab {
        server,
        keys,
        builds: tempfile::tempdir().unwrap(),
    }
}

fn agent(lab: &Lab, site: &str, name: &str) -> AgentHome {
    let home = AgentHome::register_with(&lab.server.base(), site, name, &lab.server.enroll(site));
    let yaml = std::fs::read_to_string(home.path().join("agent.yaml")).unwrap();
    assert!(
        yaml.contains("release_public_key: bigr-ed25519:"),
        "pinned at registration"
    );
    home
}

#[test]
fn an_agent_updates_itself_to_a_signed_release_and_heartbeats_as_it() {
    let lab = lab("izmir", serde_json::json!({"auto": true}));
    let b = "99.0.1";
    let file = stamped(lab.builds.path(), b);
    release(&lab.server, lab.keys.path(), &file, b);
    let home = agent(&lab, "izmir", "edge");
    let _run = home.foreground_with("1h", &[("BIGR_UPDATE_TRIAL_SECONDS", "120")]);
    wait_for(&lab, &home, "the agent heartbeats as B", 120, || {
        update_of(&lab.server, "edge") == (Some(b.into()), Some("updated".into()), None)
    });
    let state: Value =
        serde_json::from_slice(&std::fs::read(home.path().join("update.json")).unwrap()).unwrap();
    assert_eq!(state["active"], b);
    assert!(state["trial"].is_null());
    assert!(home.path().join(format!("versions/{b}/bigr")).is_file());
    let counts = lab.server.admin().get("/api/agents/versions").json();
    assert_eq!(counts, serde_json::json!([{"version": b, "agents": 1}]));
}

#[test]
fn tampered_bytes_and_bad_signatures_are_refused_and_the_agent_runs_on() {
    let lab = lab("van", serde_json::json!({"auto": true}));
    let b = "99.0.2";
    let file = stamped(lab.builds.path(), b);
    release(&lab.server, lab.keys.path(), &file, b);
    // The server's disk is changed after the release was checked and stored.
    tamper(
        &lab.server,
        "UPDATE release_chunks SET data = zeroblob(length(data)) WHERE seq = 0",
    );
    let home = agent(&lab, "van", "edge");
    let _run = home.foreground_with("1h", &[]);
    wait_for(&lab, &home, "a refusal", 90, || {
        update_of(&lab.server, "edge").1.as_deref() == Some("refused")
    });
    let (version, _, reason) = update_of(&lab.server, "edge");
    assert_eq!(version.as_deref(), Some(A));
    assert!(reason.as_deref().unwrap().contains("SHA-256"), "{reason:?}");
    assert!(!home.path().join(format!("versions/{b}")).exists());

    // Now a manifest whose signature does not match what it says (a forged size), put in
    // place while the site's updates are off so that no heartbeat sees it before.
    set_policy(&lab.server, "van", serde_json::json!({"auto": false}));
    let c = "99.0.3";
    let file = stamped(lab.builds.path(), c);
    release(&lab.server, lab.keys.path(), &file, c);
    tamper(
        &lab.server,
        &format!("UPDATE releases SET size = size + 1 WHERE version = '{c}'"),
    );
    set_policy(&lab.server, "van", serde_json::json!({"auto": true}));
    wait_for(&lab, &home, "a refusal of the forged manifest", 90, || {
        let (_, state, reason) = update_of(&lab.server, "edge");
        state.as_deref() == Some("refused")
            && reason.as_deref().is_some_and(|r| r.contains("signature"))
    });
    assert_eq!(update_of(&lab.server, "edge").0.as_deref(), Some(A));
}

#[test]
fn a_new_version_that_exits_at_start_is_rolled_back() {
    let lab = lab("kars", serde_json::json!({"auto": true}));
    let b = "99.0.4";
    // A real, signed executable that passes the self-check and dies when started as an agent.
    let file = lab.builds.path().join("broken");
    let target = format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS);
    std::fs::write(
        &file,
        format!(
            "#!/bin/sh\nif [ \"$1\" = version ]; then echo '{{\"version\":\"{b}\",\"target\":\"{target}\"}}'; exit 0; fi\necho broken >&2\nexit 3\n"
        ),
    )
    .unwrap();
    release(&lab.server, lab.keys.path(), &file, b);
    let home = agent(&lab, "kars", "edge");
    let run = home.foreground_with("1h", &[("BIGR_UPDATE_TRIAL_SECONDS", "120")]);
    wait_for(&lab, &home, "a roll-back", 120, || {
        update_of(&lab.server, "edge").1.as_deref() == Some("rolled_back")
    });
    let (version, _, reason) = update_of(&lab.server, "edge");
    assert_eq!(version.as_deref(), Some(A), "A runs again");
    assert!(reason.unwrap().contains("exited"));
    // Still the same process tree: the launcher went back to A rather than dying.
    let mut run = run;
    assert!(
        run.0.try_wait().unwrap().is_none(),
        "the agent is still running"
    );
}

#[test]
fn updates_stay_off_when_the_site_policy_says_off() {
    let lab = lab("mus", serde_json::json!({"auto": false}));
    let b = "99.0.5";
    let file = stamped(lab.builds.path(), b);
    release(&lab.server, lab.keys.path(), &file, b);
    let home = agent(&lab, "mus", "edge");
    let _run = home.foreground_with("1h", &[]);
    wait_for(&lab, &home, "heartbeats", 60, || {
        agent_view(&lab.server, "edge")["last_seen_at"].is_string()
    });
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(update_of(&lab.server, "edge"), (Some(A.into()), None, None));
    assert!(!home.path().join("versions").exists());
}

/// The one-line install's endpoints: the script needs no login but a release key; the
/// manifest and the binary need a valid, unspent enrollment token and nothing else will do.
#[test]
fn the_install_endpoints_answer_only_a_valid_unspent_enrollment_token() {
    use super::support::server::Client;
    let keyless = Server::start_with(&[]);
    let r = Client::new(&keyless.base()).get("/api/install.sh");
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.error().contains("no release key"), "{}", r.body);

    let lab = lab("depo", serde_json::json!({}));
    let anon = Client::new(&lab.server.base());
    let r = anon.get("/api/install.sh");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/x-shellscript")
    );
    let file = stamped(lab.builds.path(), "0.3.0");
    release(&lab.server, lab.keys.path(), &file, "0.3.0");
    let target = format!("{}-linux", std::env::consts::ARCH);
    let manifest = |token: &str, target: &str| {
        anon.raw(
            "GET",
            &format!("/api/install/manifest?target={target}"),
            None,
            &[("Authorization", &format!("Bearer {token}"))],
        )
    };
    let token = lab.server.enroll("depo");
    // Concurrent strangers: each refused, none served.
    let refused: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let manifest = &manifest;
                let target = &target;
                s.spawn(move || {
                    manifest(&format!("bigr_enr_{i:016x}_{}", "0".repeat(64)), target).status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(refused.iter().all(|s| *s == 401), "{refused:?}");
    assert_eq!(
        anon.get(&format!("/api/install/manifest?target={target}"))
            .status,
        401
    );
    assert_eq!(manifest("not-a-token", &target).status, 401);
    assert_eq!(manifest(&token, "../../etc").status, 400);
    let r = manifest(&token, "mips-linux");
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(
        r.error().contains("no release for mips-linux"),
        "{}",
        r.body
    );
    let r = manifest(&token, &target);
    assert_eq!(r.status, 200, "{}", r.body);
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(lines[0], "bigr-install-manifest v1");
    let release_id = lines[1].strip_prefix("release ").unwrap();
    let download = |token: &str| {
        anon.raw(
            "GET",
            &format!("/api/install/releases/{release_id}"),
            None,
            &[("Authorization", &format!("Bearer {token}"))],
        )
    };
    assert_eq!(download("bigr_enr_0_0").status, 401);
    // The release's bytes, whole (larger than the test client reads: curl takes them).
    let got = lab.builds.path().join("downloaded");
    let status = std::process::Command::new("curl")
        .args(["-sS", "-o"])
        .arg(&got)
        .args(["-w", "%{http_code}", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!(
            "{}/api/install/releases/{release_id}",
            lab.server.base()
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "200");
    assert!(
        std::fs::read(&got).unwrap() == std::fs::read(&file).unwrap(),
        "the download is the release"
    );
    // Registration spends the token; after that it opens nothing.
    let _home = agent(&lab, "depo", "edge");
    let r = manifest(&lab.server.enroll("depo"), &target);
    assert_eq!(r.status, 200, "a fresh token works");
    let spent = lab.server.enroll("depo");
    super::agent_e2e::AgentHome::register_with(&lab.server.base(), "depo", "edge-2", &spent);
    let r = manifest(&spent, &target);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("already used"), "{}", r.body);
    assert_eq!(download(&spent).status, 403);
}
