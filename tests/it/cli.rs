//! The `bigr` command line as users run it: every store-backed command, and bad input giving
//! one clear line, a non-zero exit and nothing half-written.
use crate::support::PgDatabase;
use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use std::path::Path;

/// `bigr` with its own home and none of the caller's BIGR_*/DATABASE_URL settings.
pub fn bigr(home: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("bigr"));
    for (k, _) in std::env::vars() {
        if k.starts_with("BIGR_") || k == "DATABASE_URL" || k == "PORT" {
            cmd.env_remove(k);
        }
    }
    cmd.env("BIGR_HOME", home)
        .env("BIGR_DB_CONNECT_ATTEMPTS", "2");
    cmd
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

#[test]
fn help_lists_only_commands_that_exist() {
    let home = tempfile::tempdir().unwrap();
    let out = bigr(home.path())
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(out).unwrap();
    for present in [
        "tag",
        "untag",
        "tags",
        "history",
        "changes",
        "subnets",
        "switches",
        "certs",
        "user",
        "db",
        "config",
        "version",
        "completions",
        "scan",
        "serve",
        "health",
        "compliance",
        "risk",
        "vulns",
        "analytics",
        "agent",
        "shield",
        "alerts",
    ] {
        assert!(
            help.contains(&format!("  {present} ")),
            "missing {present}:\n{help}"
        );
    }
}

#[test]
fn version_and_completions() {
    let home = tempfile::tempdir().unwrap();
    bigr(home.path())
        .arg("version")
        .assert()
        .success()
        .stdout(contains(env!("CARGO_PKG_VERSION")));
    let v = json(
        &bigr(home.path())
            .args(["version", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    bigr(home.path())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(contains("_bigr()"));
    bigr(home.path())
        .args(["completions", "klingon"])
        .assert()
        .failure();
}

fn subnets_round_trip(home: &Path, db_url: Option<&str>) {
    let with_db = |mut c: Command| {
        if let Some(u) = db_url {
            c.env("DATABASE_URL", u);
        }
        c
    };
    with_db(bigr(home))
        .args([
            "subnets",
            "add",
            "10.1.0.0/24",
            "--label",
            "HQ",
            "--vlan",
            "12",
        ])
        .assert()
        .success()
        .stdout(contains("10.1.0.0/24"));
    with_db(bigr(home))
        .args(["subnets", "list"])
        .assert()
        .success()
        .stdout(contains("HQ").and(contains("10.1.0.0/24")));
    let list = json(
        &with_db(bigr(home))
            .args(["subnets", "list", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(list[0]["cidr"], "10.1.0.0/24");
    assert_eq!(list[0]["vlan_id"], 12);
    assert_eq!(list[0]["site"], "local");
    // A malformed CIDR: one clear line, exit 1, nothing written.
    with_db(bigr(home))
        .args(["subnets", "add", "10.1.0.0/33"])
        .assert()
        .code(1)
        .stderr(contains("'10.1.0.0/33' is not a CIDR network").and(contains("\n").count(1)));
    with_db(bigr(home))
        .args(["subnets", "remove", "10.1.0.0/24"])
        .assert()
        .success();
    with_db(bigr(home))
        .args(["subnets", "remove", "10.1.0.0/24"])
        .assert()
        .code(1)
        .stderr(contains("not found"));
    let list = json(
        &with_db(bigr(home))
            .args(["subnets", "list", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(list, serde_json::json!([]));
}

#[test]
fn subnets_work_on_sqlite() {
    let home = tempfile::tempdir().unwrap();
    subnets_round_trip(home.path(), None);
    assert!(home.path().join("bigr.db").exists());
}

#[tokio::test]
async fn subnets_work_on_postgres() {
    for pooled in [false, true] {
        let Some(pg) = PgDatabase::create().await else {
            return;
        };
        let Some(u) = pg.reach(pooled) else {
            return;
        };
        let home = tempfile::tempdir().unwrap();
        tokio::task::spawn_blocking(move || subnets_round_trip(home.path(), Some(&u)))
            .await
            .unwrap();
    }
}

#[test]
fn the_database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let inner = home.path().join("fresh-home");
    bigr(&inner).args(["subnets", "list"]).assert().success();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&inner), 0o700);
    assert_eq!(mode(&inner.join("bigr.db")), 0o600);
}

#[test]
fn config_layers_and_redaction() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "port = 7000\nlog = \"info\"\n",
    )
    .unwrap();
    let shown = json(
        &bigr(home.path())
            .args(["config", "show", "--json"])
            .env("PORT", "9000")
            .env("BIGR_LOG", "debug")
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let get = |k: &str| {
        shown
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (get("port")["value"].clone(), get("port")["source"].clone()),
        (
            serde_json::json!(9000),
            serde_json::json!("environment PORT")
        )
    );
    assert_eq!(get("log")["value"], "debug");
    assert_eq!(get("missing_after_scans")["source"], "default");
    // SNMP communities are counted, never printed.
    let out = bigr(home.path())
        .args(["config", "show", "--json"])
        .env("BIGR_SNMP_COMMUNITIES", "s3cret-one, s3cret-two")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("2 set"), "{text}");
    // A numeric community is a community, not a type error that prints it.
    let out = bigr(home.path())
        .args(["config", "show"])
        .env("BIGR_SNMP_COMMUNITIES", "735194")
        .assert()
        .success()
        .get_output()
        .clone();
    let text = format!("{out:?}");
    assert!(!text.contains("735194"), "{text}");
    // The flag beats everything; a password never reaches the output.
    let out = bigr(home.path())
        .args([
            "--database-url",
            "postgres://bob:hunter2@db.example/app?sslmode=require",
            "config",
            "show",
        ])
        .env("DATABASE_URL", "postgres://eve:other-secret@x/y")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("postgres://bob:***@db.example/app?sslmode=require")
            && text.contains("--database-url"),
        "{text}"
    );
    assert!(!text.contains("hunter2") && !text.contains("other-secret"));
}

#[test]
fn a_readable_config_file_with_a_password_is_flagged() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("config.toml");
    std::fs::write(
        &file,
        "database_url = \"postgres://bob:hunter2@127.0.0.1:1/x\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    bigr(home.path())
        .args(["config", "show"])
        .assert()
        .success()
        .stderr(contains("chmod 600").and(contains("hunter2").not()));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    bigr(home.path())
        .args(["config", "show"])
        .assert()
        .success()
        .stderr(contains("chmod").not());
}

#[test]
fn bad_configs_are_named_clearly() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "port = 7000\nprot = 7001\n",
    )
    .unwrap();
    bigr(home.path())
        .args(["subnets", "list"])
        .assert()
        .code(1)
        .stderr(contains("config.toml, line 2").and(contains("unknown field `prot`")));
    std::fs::write(home.path().join("config.toml"), "port = \"eighty\"\n").unwrap();
    bigr(home.path())
        .args(["subnets", "list"])
        .assert()
        .code(1)
        .stderr(contains("config.toml, line 1"));
    // Unreadable (here: a directory where the file should be).
    std::fs::remove_file(home.path().join("config.toml")).unwrap();
    std::fs::create_dir(home.path().join("config.toml")).unwrap();
    bigr(home.path())
        .args(["subnets", "list"])
        .assert()
        .code(1)
        .stderr(contains("cannot read config file"));
    assert!(
        !home.path().join("bigr.db").exists(),
        "nothing may be created before the config is valid"
    );
}

#[test]
fn unreachable_or_unsupported_databases_fail_in_one_line() {
    let home = tempfile::tempdir().unwrap();
    bigr(home.path())
        .args(["subnets", "list"])
        .env("DATABASE_URL", "postgres://bob:hunter2@127.0.0.1:1/bigr")
        .assert()
        .code(1)
        .stderr(
            contains("connection refused")
                .and(contains("hunter2").not())
                .and(contains("error:").count(1))
                .and(contains("\x1b[").not()),
        );
    bigr(home.path())
        .args(["--database-url", "mysql://x@y/z", "subnets", "list"])
        .assert()
        .code(1)
        .stderr(contains("database_url must start with"));
}

#[test]
fn users_are_managed_without_ever_showing_a_hash() {
    let home = tempfile::tempdir().unwrap();
    bigr(home.path())
        .args([
            "user",
            "add",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .write_stdin("a long password\n")
        .assert()
        .success();
    bigr(home.path())
        .args(["user", "add", "admin", "--password-stdin"])
        .write_stdin("a long password\n")
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    bigr(home.path())
        .args(["user", "add", "viewer1", "--password-stdin"])
        .write_stdin("short\n")
        .assert()
        .code(1)
        .stderr(contains("at least 10"));
    bigr(home.path())
        .args([
            "user",
            "add",
            "viewer1",
            "--role",
            "root",
            "--password-stdin",
        ])
        .write_stdin("a long password\n")
        .assert()
        .code(1)
        .stderr(contains("unknown role"));
    // No terminal and no --password-stdin: refuse instead of hanging.
    bigr(home.path())
        .args(["user", "add", "viewer1"])
        .assert()
        .code(1)
        .stderr(contains("--password-stdin"));
    bigr(home.path())
        .args(["user", "passwd", "admin", "--password-stdin"])
        .write_stdin("another long password\n")
        .assert()
        .success();
    let out = bigr(home.path())
        .args(["user", "list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list = json(&out);
    assert_eq!(list[0]["username"], "admin");
    assert!(!String::from_utf8_lossy(&out).contains("argon2"));
    bigr(home.path())
        .args(["user", "remove", "admin"])
        .assert()
        .code(1)
        .stderr(contains("last admin"));
}

#[test]
fn processes_starting_together_migrate_once() {
    let home = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("bigr"));
            c.env("BIGR_HOME", home.path())
                .args(["db", "migrate"])
                .stdout(std::process::Stdio::null());
            c.spawn().unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let s = json(
        &bigr(home.path())
            .args(["db", "status", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    use migration::MigratorTrait;
    assert_eq!(
        s["schema"]["applied"].as_array().unwrap().len(),
        migration::Migrator::migrations().len()
    );
}

#[test]
fn db_status_and_migrate() {
    let home = tempfile::tempdir().unwrap();
    bigr(home.path())
        .args(["db", "migrate"])
        .assert()
        .success()
        .stdout(contains("schema up to date"));
    let s = json(
        &bigr(home.path())
            .args(["db", "status", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(s["backend"], "sqlite");
    assert_eq!(s["schema"]["pending"], serde_json::json!([]));
    assert_eq!(s["rows"]["assets"], 0);
}

#[test]
fn a_broken_rules_file_stops_a_scan_before_it_reports() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("rules")).unwrap();
    std::fs::write(
        home.path().join("rules/ports.toml"),
        "[[rule]]\nid = \"x\"\ncategory = \"iot\"\nweight = \"heavy\"\n",
    )
    .unwrap();
    // Loopback only: nothing leaves the machine.
    let out = bigr(home.path())
        .args(["scan", "127.0.0.1", "--ports", "22", "--no-save", "--json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        out.stdout.is_empty(),
        "no report from a scan that cannot classify"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ports.toml") && err.contains("line 4"),
        "{err}"
    );
}

/// A reader that goes away (`bigr risk --json | head -1`) ends the command quietly with 0.
#[test]
fn a_closed_pipe_exits_zero_without_a_panic() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["completions", "bash"][..],
        &["risk", "--json"],
        &["vulns"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
            .env("BIGR_HOME", home.path())
            .env_remove("DATABASE_URL")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// Container secrets arrive as files (`…_FILE`); `config show` says "(set)", never the value.
#[test]
fn secrets_come_from_files_and_show_only_as_set() {
    let home = tempfile::tempdir().unwrap();
    let secret = home.path().join("registration.secret");
    std::fs::write(&secret, "file-secret-value-1\n").unwrap();
    let out = bigr(home.path())
        .args(["config", "show", "--json"])
        .env("AGENT_REGISTRATION_SECRET_FILE", &secret)
        .env("BIGR_METRICS_TOKEN", "env-metrics-token-1")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("file-secret-value-1") && !text.contains("env-metrics-token-1"));
    let shown = json(text.as_bytes());
    let value = |key: &str| {
        shown
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .map(|s| s["value"].clone())
            .unwrap_or_else(|| panic!("{key} not shown: {text}"))
    };
    assert_eq!(value("agent_registration_secret"), "(set)");
    assert_eq!(value("metrics_token"), "(set)");
    assert_eq!(value("admin_password"), "(not set)");
    // Both ways at once is refused: which one would be in force?
    bigr(home.path())
        .args(["config", "show"])
        .env("AGENT_REGISTRATION_SECRET_FILE", &secret)
        .env("AGENT_REGISTRATION_SECRET", "another")
        .assert()
        .failure()
        .stderr(contains("set twice").and(contains("another").not()));
}
