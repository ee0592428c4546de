//! The agent's packaging, installed for real in a chroot of a clean Debian root filesystem
//! (`tests/rootfs.sh` makes it once; every test works on its own copy and never touches this
//! machine's files): the .deb installs, registers, upgrades and purges; the one-line install
//! script served by `bigr serve` downloads, verifies, installs and registers, and refuses a
//! tampered release with nothing installed. The chroot shares this machine's loopback, where
//! the test's server listens; nothing in it probes a network.
use super::agent_e2e::{Server, agent_view};
use super::support::releases::{keygen, ok, release, stamped, tamper};
use super::support::server::Client;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOTFS: &str = "/var/tmp/bigr-rootfs/bookworm";

/// A private copy of the clean root filesystem, removed when dropped.
struct Root {
    dir: PathBuf,
}

impl Root {
    /// None (and said why) when this machine cannot run chroot tests.
    fn fresh() -> Option<Root> {
        let part = "packaging (chroot)";
        if !nix::unistd::geteuid().is_root() {
            super::support::skipped(part, "needs root");
            return None;
        }
        let source = std::env::var("BIGR_TEST_ROOTFS").unwrap_or_else(|_| ROOTFS.into());
        if !Path::new(&source).join(".complete").exists() {
            let why = format!("no clean root filesystem at {source}: run tests/rootfs.sh");
            assert!(std::env::var_os("CI").is_none(), "required under CI: {why}");
            super::support::skipped(part, &why);
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("bigr-chroot-")
            .tempdir_in("/var/tmp")
            .unwrap()
            .keep();
        let copied = Command::new("cp")
            .arg("-a")
            .arg(format!("{source}/."))
            .arg(&dir)
            .status()
            .unwrap();
        assert!(copied.success(), "cannot copy {source}");
        Some(Root { dir })
    }

    fn path(&self, inside: &str) -> PathBuf {
        self.dir.join(inside.trim_start_matches('/'))
    }

    /// Runs `script` with sh inside the root, /proc mounted in a private mount namespace
    /// (gone when the command ends, so nothing is left mounted on this machine).
    fn sh(&self, script: &str, env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "--", "sh", "-c"])
            .arg(r#"mount -t proc proc "$0/proc" && exec chroot "$0" /bin/sh -c "$1""#)
            .arg(&self.dir)
            .arg(script)
            .env_clear()
            .env(
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            )
            .env("LANG", "C.UTF-8");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn ok(&self, script: &str) -> String {
        ok(self.sh(script, &[]))
    }

    /// The passwd line of `user`, if the root has one.
    fn user(&self, user: &str) -> Option<String> {
        std::fs::read_to_string(self.path("/etc/passwd"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with(&format!("{user}:")))
            .map(str::to_string)
    }

    fn group(&self, group: &str) -> bool {
        std::fs::read_to_string(self.path("/etc/group"))
            .unwrap()
            .lines()
            .any(|l| l.starts_with(&format!("{group}:")))
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn sha256(path: &Path) -> String {
    let out = ok(Command::new("sha256sum").arg(path).output().unwrap());
    out.split_whitespace().next().unwrap().to_string()
}

fn owner_and_mode(path: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.uid(), m.mode() & 0o7777)
}

fn uid_in(passwd_line: &str) -> u32 {
    passwd_line.split(':').nth(2).unwrap().parse().unwrap()
}

/// `assets/deb/build.sh` on `binary`, uncompressed (the test's binary is a large debug one).
fn build_deb(binary: &Path, out: &Path, version: &str) -> PathBuf {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/deb/build.sh");
    let printed = ok(Command::new(script)
        .arg(binary)
        .arg(out)
        .arg(version)
        .env("BIGR_DEB_COMPRESSION", "none")
        .output()
        .unwrap());
    PathBuf::from(printed.trim())
}

#[test]
fn the_deb_installs_registers_upgrades_and_purges_in_a_clean_root() {
    let Some(root) = Root::fresh() else { return };
    let builds = tempfile::tempdir().unwrap();
    let binary = stamped(builds.path(), "0.1.0");
    let first = build_deb(&binary, builds.path(), "0.1.0");
    let info = ok(Command::new("dpkg-deb")
        .arg("--info")
        .arg(&first)
        .output()
        .unwrap());
    assert!(info.contains("Package: bigr-agent"), "{info}");
    assert!(info.contains("libpcap0.8"), "{info}");

    std::fs::copy(&first, root.path("/tmp/first.deb")).unwrap();
    let said = root.ok("dpkg -i /tmp/first.deb");
    assert!(said.contains("register, then start"), "{said}");
    let passwd = root.user("bigr").expect("the package made the bigr user");
    assert!(
        passwd.ends_with(":/var/lib/bigr:/usr/sbin/nologin"),
        "{passwd}"
    );
    assert!(uid_in(&passwd) < 1000, "a system user: {passwd}");
    assert_eq!(
        owner_and_mode(&root.path("/var/lib/bigr")),
        (uid_in(&passwd), 0o700)
    );
    assert_eq!(sha256(&root.path("/usr/bin/bigr")), sha256(&binary));
    let unit_path = root.path("/lib/systemd/system/bigr-agent.service");
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    for line in [
        "User=bigr",
        "ExecStart=/usr/bin/bigr --home /var/lib/bigr agent start --foreground",
        "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
        "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN",
        "NoNewPrivileges=yes",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line} in\n{unit}");
    }
    verify_unit(&root, "/lib/systemd/system/bigr-agent.service");

    // It starts: the installed binary passes its self-check as the bigr user, and registers
    // with a real server (the agent's token lands in its home, readable by bigr alone).
    let said = root.ok("runuser -u bigr -- bigr --home /var/lib/bigr version --check");
    assert!(said.contains("self-check passed"), "{said}");
    let server = Server::start_with(&[]);
    let token = server.enroll("plant");
    let out = root.sh(
        &format!(
            "printf '%s\\n' \"$T\" | runuser -u bigr -- bigr --home /var/lib/bigr agent register \
             --api-url {} --name packaged --site plant --enroll-token-file -",
            server.base()
        ),
        &[("T", &token)],
    );
    ok(out);
    assert_eq!(agent_view(&server, "packaged")["site"], "plant");
    let yaml = root.path("/var/lib/bigr/agent.yaml");
    assert_eq!(owner_and_mode(&yaml), (uid_in(&passwd), 0o600));

    // An upgrade keeps the user, the home and the registration.
    let second = build_deb(&binary, builds.path(), "0.1.1");
    std::fs::copy(&second, root.path("/tmp/second.deb")).unwrap();
    let said = root.ok("dpkg -i /tmp/second.deb");
    assert!(!said.contains("register, then start"), "registered: {said}");
    assert!(root.ok("dpkg-query -W bigr-agent").contains("0.1.1"));
    assert_eq!(root.user("bigr"), Some(passwd.clone()));
    assert!(yaml.exists(), "the registration survives an upgrade");

    // Remove keeps the agent's state; purge takes it, the user and the group.
    root.ok("dpkg -r bigr-agent");
    assert!(!root.path("/usr/bin/bigr").exists());
    assert!(!unit_path.exists());
    assert!(yaml.exists(), "remove keeps the state");
    root.ok("dpkg -P bigr-agent");
    assert!(!root.path("/var/lib/bigr").exists());
    assert_eq!(root.user("bigr"), None);
    assert!(!root.group("bigr"));
    let out = root.sh("dpkg-query -W bigr-agent", &[]);
    assert!(!out.status.success(), "purged: {}", text(&out));
}

/// `systemd-analyze verify` of a unit inside the root (its ExecStart resolved there).
fn verify_unit(root: &Root, unit: &str) {
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", root.dir.display()))
        .arg(unit)
        .output()
        .expect("systemd-analyze");
    assert!(out.status.success(), "{}", text(&out));
}

/// A server holding a signed release of this build as 0.2.0, and the install script it serves.
struct Installer {
    server: Server,
    binary: PathBuf,
    _keys: tempfile::TempDir,
    _builds: tempfile::TempDir,
}

fn installer() -> Installer {
    let keys = tempfile::tempdir().unwrap();
    let public = keygen(keys.path());
    let server = Server::start_with(&[("BIGR_RELEASE_PUBLIC_KEY", public.as_str())]);
    let builds = tempfile::tempdir().unwrap();
    let binary = stamped(builds.path(), "0.2.0");
    release(&server, keys.path(), &binary, "0.2.0");
    Installer {
        server,
        binary,
        _keys: keys,
        _builds: builds,
    }
}

impl Installer {
    /// Fetches the script as a new machine does (no login) and puts it into the root.
    fn script_into(&self, root: &Root) -> String {
        let r = Client::new(&self.server.base()).get("/api/install.sh");
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.starts_with("#!/bin/sh\n"), "{}", r.body);
        assert!(!r.body.contains("@RELEASE_KEY"), "the key is filled in");
        std::fs::write(root.path("/tmp/install.sh"), &r.body).unwrap();
        r.body
    }

    fn run(&self, root: &Root, token: &str) -> Output {
        root.sh(
            &format!(
                "sh /tmp/install.sh --server {} --site branch --name edge-1",
                self.server.base()
            ),
            &[("BIGR_ENROLL_TOKEN", token)],
        )
    }
}

#[test]
fn the_one_line_install_verifies_installs_and_registers() {
    let Some(root) = Root::fresh() else { return };
    let lab = installer();
    let script = lab.script_into(&root);
    if let Ok(out) = Command::new("shellcheck")
        .args(["-s", "sh", "-"])
        .stdin(std::fs::File::open(root.path("/tmp/install.sh")).unwrap())
        .output()
    {
        assert!(out.status.success(), "shellcheck: {}", text(&out));
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "shellcheck is required under CI"
        );
    }
    assert!(script.contains("openssl pkeyutl -verify"), "{script}");

    let token = lab.server.enroll("branch");
    let out = lab.run(&root, &token);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains(&token), "the token is never printed: {said}");
    assert_eq!(
        sha256(&root.path("/usr/local/bin/bigr")),
        sha256(&lab.binary)
    );
    let version = root.ok("bigr version");
    assert!(version.contains("0.2.0"), "{version}");
    let passwd = root.user("bigr").expect("the bigr user");
    let yaml = root.path("/var/lib/bigr/agent.yaml");
    assert_eq!(owner_and_mode(&yaml), (uid_in(&passwd), 0o600));
    let agent = agent_view(&lab.server, "edge-1");
    assert_eq!(agent["site"], "branch", "{agent}");
    let unit = std::fs::read_to_string(root.path("/etc/systemd/system/bigr-agent.service"))
        .expect("the unit is written");
    assert!(
        unit.contains("ExecStart=/usr/local/bin/bigr --home /var/lib/bigr agent start"),
        "{unit}"
    );
    verify_unit(&root, "/etc/systemd/system/bigr-agent.service");

    // The token was spent by the registration: the same line again is refused by the server,
    // in its own words, and what is installed stays.
    let again = lab.run(&root, &token);
    let said = text(&again);
    assert!(!again.status.success(), "{said}");
    assert!(said.contains("already used"), "{said}");
    assert_eq!(
        sha256(&root.path("/usr/local/bin/bigr")),
        sha256(&lab.binary)
    );
}

#[test]
fn the_one_line_install_refuses_tampered_releases_and_installs_nothing() {
    let Some(root) = Root::fresh() else { return };
    let cases = [
        (
            "UPDATE release_chunks SET data = zeroblob(length(data)) WHERE seq = 0",
            "SHA-256 is not the signed one",
        ),
        (
            "UPDATE releases SET version = '0.2.1'",
            "signature does not verify",
        ),
        (
            "UPDATE releases SET key_id = '0011223344556677'",
            "not this server's key",
        ),
    ];
    for (sql, refusal) in cases {
        // Each case on its own server holding the genuine release, then tampered with.
        let lab = installer();
        lab.script_into(&root);
        tamper(&lab.server, sql);
        let token = lab.server.enroll("branch");
        let out = lab.run(&root, &token);
        let said = text(&out);
        assert!(!out.status.success(), "{sql}: {said}");
        assert!(
            said.contains(refusal),
            "{sql}: wanted '{refusal}' in {said}"
        );
        assert!(said.contains("nothing was installed"), "{said}");
        assert!(!root.path("/usr/local/bin/bigr").exists(), "{sql}");
        assert_eq!(root.user("bigr"), None, "{sql}");
        // The refused install did not spend the token.
        let r = Client::new(&lab.server.base()).raw(
            "GET",
            &format!(
                "/api/install/manifest?target={}-linux",
                std::env::consts::ARCH
            ),
            None,
            &[("Authorization", &format!("Bearer {token}"))],
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
}
