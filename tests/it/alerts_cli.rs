//! `bigr alerts` on the local inventory: channels added from the command line (the URL never
//! shown again, the generated key printed once), a test message through a real webhook
//! receiver and a real syslog listener, rules changed and refused, and an unreachable
//! channel reported in one line without its URL.
use super::alert_receiver::{Receiver, signature_ok};
use super::cli::bigr;
use std::net::UdpSocket;
use std::time::Duration;

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn channel_id(out: &str) -> String {
    out.split_whitespace()
        .find(|w| w.len() == 36 && w.matches('-').count() == 4)
        .unwrap_or_else(|| panic!("no channel id in: {out}"))
        .to_string()
}

#[test]
fn channels_from_the_command_line_reach_a_webhook_and_syslog() {
    let home = tempfile::tempdir().unwrap();
    let rx = Receiver::start();
    let add = bigr(home.path())
        .args([
            "alerts", "channel", "add", "webhook", "--name", "soc", "--url",
        ])
        .arg(rx.url("/in/secret-path"))
        .output()
        .unwrap();
    let said = text(&add);
    assert!(add.status.success(), "{said}");
    let id = channel_id(&said);
    let key = said.lines().last().unwrap().trim().to_string();
    assert_eq!(key.len(), 64, "the generated key, last: {said}");
    let test = bigr(home.path())
        .args(["alerts", "test", &id])
        .output()
        .unwrap();
    assert!(test.status.success(), "{}", text(&test));
    let got = rx.wait_for(Duration::from_secs(5), |g| !g.is_empty());
    assert_eq!(got.len(), 1);
    assert!(signature_ok(&got[0], &key));
    assert_eq!(got[0].json()["event"], "test");
    let list = bigr(home.path())
        .args(["alerts", "channel", "list", "--json"])
        .output()
        .unwrap();
    let listed = text(&list);
    assert!(
        listed.contains(&format!("http://127.0.0.1:{}", rx.port)),
        "{listed}"
    );
    assert!(
        !listed.contains("secret-path") && !listed.contains(&key),
        "{listed}"
    );

    // Syslog over UDP: one RFC 5424 line.
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let address = format!("udp://{}", sock.local_addr().unwrap());
    let add = bigr(home.path())
        .args(["alerts", "channel", "add", "syslog", "--address", &address])
        .output()
        .unwrap();
    assert!(add.status.success(), "{}", text(&add));
    let syslog = channel_id(&text(&add));
    let test = bigr(home.path())
        .args(["alerts", "test", &syslog])
        .output()
        .unwrap();
    assert!(test.status.success(), "{}", text(&test));
    let mut buf = [0u8; 2048];
    let (n, _) = sock.recv_from(&mut buf).expect("a syslog datagram");
    let line = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(line.starts_with("<134>1 "), "local0.info: {line}");
    assert!(
        line.contains(" bigr - alert [bigr@32473 event=\"test\""),
        "{line}"
    );

    // A channel nobody answers: one line naming the host, never the path; exit non-zero.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let add = bigr(home.path())
        .args(["alerts", "channel", "add", "slack", "--url"])
        .arg(format!("http://127.0.0.1:{dead}/services/T/B/xyz-token"))
        .output()
        .unwrap();
    let slack = channel_id(&text(&add));
    let test = bigr(home.path())
        .args(["alerts", "test", &slack])
        .output()
        .unwrap();
    let said = text(&test);
    assert!(!test.status.success(), "{said}");
    assert!(
        said.contains(&format!("127.0.0.1:{dead}")) && !said.contains("xyz-token"),
        "{said}"
    );

    // Bad input: one clear line, nothing stored.
    for (args, why) in [
        (
            vec!["alerts", "channel", "add", "webhook", "--url", "ftp://x/y"],
            "http",
        ),
        (
            vec![
                "alerts",
                "channel",
                "add",
                "syslog",
                "--address",
                "10.0.0.1",
            ],
            "udp://",
        ),
        (vec!["alerts", "channel", "add", "teams"], "needs a URL"),
    ] {
        let out = bigr(home.path()).args(&args).output().unwrap();
        assert!(!out.status.success());
        assert!(text(&out).contains(why), "{args:?}: {}", text(&out));
    }
    let list = bigr(home.path())
        .args(["alerts", "channel", "list", "--json"])
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);

    // Rules: defaults until changed; options only where they apply.
    let set = bigr(home.path())
        .args([
            "alerts",
            "rule",
            "cert-expiring",
            "--days",
            "10",
            "--severity",
            "high",
        ])
        .output()
        .unwrap();
    assert!(set.status.success(), "{}", text(&set));
    let rules = bigr(home.path())
        .args(["alerts", "rules", "--json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&rules.stdout).unwrap();
    let cert = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "cert_expiring")
        .unwrap();
    assert_eq!(
        (cert["params"]["days"].as_u64(), cert["severity"].as_str()),
        (Some(10), Some("high"))
    );
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["stored"] == false)
            .count()
            >= 6
    );
    let bad = bigr(home.path())
        .args(["alerts", "rule", "new-device", "--days", "3"])
        .output()
        .unwrap();
    assert!(
        !bad.status.success() && text(&bad).contains("does not apply"),
        "{}",
        text(&bad)
    );
}

#[test]
fn e_mail_arrives_in_turkish_over_starttls_with_a_login() {
    // Debian's own Python, where python3-aiosmtpd installs (not a pyenv on the PATH).
    const PYTHON: &str = "/usr/bin/python3";
    if std::process::Command::new(PYTHON)
        .args(["-c", "import aiosmtpd"])
        .status()
        .map_or(true, |s| !s.success())
    {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install python3-aiosmtpd"
        );
        crate::support::skipped("smtp alerts", "python3-aiosmtpd is not installed");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    // The relay's certificate for its address from a CA only this channel trusts.
    let ca = crate::shield_servers::Ca::new();
    let (leaf, key) = ca.leaf("127.0.0.1", -1, 30);
    let cert = crate::shield_servers::write(dir, "relay.pem", &leaf.pem());
    let key = crate::shield_servers::write(dir, "relay.key", &key.serialize_pem());
    let ca_file = crate::shield_servers::write(dir, "ca.pem", &ca.pem());
    let out = dir.join("mail.jsonl");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/smtp_sink.py");
    let _sink = crate::shield_servers::Proc(
        std::process::Command::new(PYTHON)
            .args([
                script,
                &port.to_string(),
                &cert,
                &key,
                "alerts",
                "Gizli-Parola-42",
            ])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.join("sink.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let add = |password: &str| {
        let pw = crate::shield_servers::write(dir, "pw", password);
        let added = bigr(dir)
            .args([
                "alerts",
                "channel",
                "add",
                "smtp",
                "--smtp-host",
                "127.0.0.1",
            ])
            .args(["--smtp-port", &port.to_string(), "--smtp-user", "alerts"])
            .args(["--smtp-password-file", &pw, "--smtp-ca-file", &ca_file])
            .args([
                "--from",
                "bigr@izmir.lan",
                "--to",
                "ayse@izmir.lan",
                "--to",
                "noc@izmir.lan",
            ])
            .output()
            .unwrap();
        assert!(added.status.success(), "{}", text(&added));
        channel_id(&text(&added))
    };
    let good = add("Gizli-Parola-42");
    let test = bigr(dir).args(["alerts", "test", &good]).output().unwrap();
    assert!(test.status.success(), "{}", text(&test));
    let mail = std::fs::read_to_string(&out).unwrap_or_default();
    let m: serde_json::Value =
        serde_json::from_str(mail.lines().next().expect("one message")).unwrap();
    assert_eq!(
        m["to"],
        serde_json::json!(["ayse@izmir.lan", "noc@izmir.lan"])
    );
    assert!(
        m["subject"]
            .as_str()
            .unwrap()
            .starts_with("[bigr] [BİLGİ] Deneme iletisi"),
        "{m}"
    );
    let body = m["body"].as_str().unwrap();
    assert!(
        body.contains("Önem: bilgi") && body.contains("Tekrar anahtarı: test."),
        "{body}"
    );
    assert_eq!(
        (m["content_type"].as_str(), m["charset"].as_str()),
        (Some("text/plain"), Some("utf-8"))
    );
    // A wrong password: refused, said in one line, the password nowhere.
    let bad = add("Yanlis-Parola-7");
    let test = bigr(dir).args(["alerts", "test", &bad]).output().unwrap();
    let said = text(&test);
    assert!(!test.status.success(), "{said}");
    assert!(
        said.contains(&format!("127.0.0.1:{port}")) && !said.contains("Yanlis-Parola-7"),
        "{said}"
    );
    // A password without encryption is refused outright.
    let pw = crate::shield_servers::write(dir, "pw", "x");
    let clear = bigr(dir)
        .args([
            "alerts",
            "channel",
            "add",
            "smtp",
            "--smtp-host",
            "localhost",
            "--security",
            "none",
        ])
        .args([
            "--smtp-user",
            "u",
            "--smtp-password-file",
            &pw,
            "--from",
            "a@b.lan",
            "--to",
            "c@d.lan",
        ])
        .output()
        .unwrap();
    assert!(
        !clear.status.success() && text(&clear).contains("in clear"),
        "{}",
        text(&clear)
    );
}
