//! Signed agent updates with real processes on loopback: `bigr serve` holds a release signed
//! with a key made by `bigr release keygen`; a registered agent (which pinned the key) is
//! offered it by its heartbeat and replaces itself. Version B is a real second binary: a
//! copy of this build with another version stamped into it (`bigr release stamp`), signed
//! and added like any release. Tampered bytes, a bad signature, a version that exits at
//! start and a site policy that says off each leave the agent running as A, and say why.
use super::agent_e2e::{AgentHome, Server, agent_view};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const A: &str = env!("CARGO_PKG_VERSION");

fn bigr() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A release key in `dir`; its public half as text.
fn keygen(dir: &Path) -> String {
    ok(bigr()
        .args(["release", "keygen", "--out"])
        .arg(dir)
        .output()
        .unwrap());
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(dir.join("bigr-release.key"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode, 0o600, "the signing key is private");
    std::fs::read_to_string(dir.join("bigr-release.pub"))
        .unwrap()
        .trim()
        .to_string()
}

/// A copy of this build, stripped as releases are (a debug build is near 1 GB) and stamped
/// as `version`.
fn stamped(dir: &Path, version: &str) -> PathBuf {
    let out = dir.join(format!("bigr-{version}"));
    std::fs::copy(assert_cmd::cargo::cargo_bin!("bigr"), &out).unwrap();
    ok(Command::new("strip")
        .arg(&out)
        .output()
        .expect("strip (binutils)"));
    ok(bigr()
        .args(["release", "stamp"])
        .arg(&out)
        .args(["--version", version])
        .output()
        .unwrap());
    let said = ok(Command::new(&out)
        .args(["version", "--json"])
        .output()
        .unwrap());
    assert!(said.contains(&format!("\"{version}\"")), "{said}");
    out
}

/// Signs `file` as `version` and adds it to the server's database.
fn release(server: &Server, keys: &Path, file: &Path, version: &str) {
    let manifest = file.with_extension("manifest.json");
    ok(bigr()
        .args(["release", "sign"])
        .arg(file)
        .args(["--version", version, "--key"])
        .arg(keys.join("bigr-release.key"))
        .arg("-o")
        .arg(&manifest)
        .output()
        .unwrap());
    ok(server
        .cli(&["release", "add"])
        .arg(&manifest)
        .arg(file)
        .output()
        .unwrap());
}

fn set_policy(server: &Server, site: &str, policy: Value) {
    let admin = server.admin();
    let r = admin.send(
        "PUT",
        &format!("/api/sites/{site}/config"),
        Some(&serde_json::json!({ "updates": policy }).to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Runs SQL on the server's SQLite database (a server or its disk tampered with).
fn tamper(server: &Server, sql: &str) {
    let url = format!("sqlite://{}", server.home().join("bigr.db").display());
    let rt = super::support::server::runtime();
    rt.block_on(async {
        use sea_orm::ConnectionTrait;
        let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        db.execute_unprepared(sql).await.unwrap();
    });
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
