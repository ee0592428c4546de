//! Signed releases for tests: a key made by `bigr release keygen`, a copy of this build stamped
//! with another version (`bigr release stamp`), signed and added to a running server like any
//! release, and the server's database tampered with as an attacker with its disk would.
use super::super::agent_e2e::Server;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn bigr() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
}

pub fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A release key in `dir`; its public half as text.
pub fn keygen(dir: &Path) -> String {
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
pub fn stamped(dir: &Path, version: &str) -> PathBuf {
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
pub fn release(server: &Server, keys: &Path, file: &Path, version: &str) {
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

/// Runs SQL on the server's SQLite database (a server or its disk tampered with).
pub fn tamper(server: &Server, sql: &str) {
    let url = format!("sqlite://{}", server.home().join("bigr.db").display());
    let rt = super::server::runtime();
    rt.block_on(async {
        use sea_orm::ConnectionTrait;
        let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        db.execute_unprepared(sql).await.unwrap();
    });
}
