//! The auditor's compliance report over a real port and from the CLI, on SQLite and
//! PostgreSQL: its score, grade and group counts are the API's own, Turkish text survives,
//! manual tags show their note and author, the period's changes and expiring certificates
//! are listed, the file is strict HTML that asks nothing of the network, a viewer may
//! download it and nobody else may.
use super::support::server::{ADMIN, TestServer, VIEWER, on_each_server};
use super::support::{host, report};
use bigr::model::{Category, DeviceType, Evidence};
use bigr::store::{SaveOptions, save_scan};
use chrono::{Duration, Utc};
use serde_json::Value;
use std::process::Command;

/// Two scans of site izmir: an office of classified devices a week ago, then new arrivals
/// (one unclassified), a moved device and an expiring certificate today; and a hand tag.
fn seed(s: &TestServer) {
    let now = Utc::now();
    let dev = |ip: &str, mac: &str, cat: Category, conf: f64, vendor: &str| {
        let mut o = host(ip, Some(mac), &[443]);
        o.category = cat;
        o.confidence = conf;
        o.vendor = Some(vendor.into());
        o.hostname = Some(format!("cihaz-{}.ofis", ip.rsplit('.').next().unwrap()));
        o.device_type = DeviceType::Server;
        o.evidence = vec![Evidence {
            rule: format!("vendor:{}", vendor.to_lowercase()),
            value: vendor.into(),
            category: Some(cat),
            device_type: None,
            weight: 0.6,
        }];
        o
    };
    let first = vec![
        dev(
            "10.20.0.10",
            "00:1c:00:00:00:10",
            Category::AgVeSistemler,
            0.9,
            "Cisco",
        ),
        dev(
            "10.20.0.11",
            "00:1c:00:00:00:11",
            Category::Iot,
            0.8,
            "Hikvision",
        ),
        dev(
            "10.20.0.12",
            "00:1c:00:00:00:12",
            Category::Tasinabilir,
            0.5,
            "Apple",
        ),
    ];
    let r = report(now - Duration::days(7), &["10.20.0.0/24"], "443", first);
    s.rt.block_on(save_scan(&s.db, &r, "izmir", &SaveOptions::default()))
        .unwrap();
    let mut second = vec![
        dev(
            "10.20.0.10",
            "00:1c:00:00:00:10",
            Category::AgVeSistemler,
            0.9,
            "Cisco",
        ),
        dev(
            "10.20.0.21",
            "00:1c:00:00:00:11",
            Category::Iot,
            0.8,
            "Hikvision",
        ),
        dev(
            "10.20.0.12",
            "00:1c:00:00:00:12",
            Category::Tasinabilir,
            0.5,
            "Apple",
        ),
        dev(
            "10.20.0.30",
            "00:1c:00:00:00:30",
            Category::Uygulamalar,
            0.95,
            "Şirket Yazılım",
        ),
    ];
    second.push(host("10.20.0.40", Some("00:1c:00:00:00:40"), &[23]));
    let mut r = report(
        now - Duration::hours(1),
        &["10.20.0.0/24"],
        "23,443",
        second,
    );
    r.certificates.push(bigr::model::CertificateObservation {
        ip: "10.20.0.30".parse().unwrap(),
        port: 443,
        subject_cn: Some("portal.ofis".into()),
        sans: vec![],
        issuer: None,
        serial: None,
        not_before: None,
        not_after: Some(now + Duration::days(9)),
        key_type: None,
        key_bits: None,
        signature_algorithm: None,
        fingerprint_sha256: "cd".repeat(32),
        self_signed: true,
    });
    s.rt.block_on(save_scan(&s.db, &r, "izmir", &SaveOptions::default()))
        .unwrap();
}

/// `seed`, then a hand tag with a Turkish note on the Apple device; the admin's client.
fn seed_and_tag(s: &TestServer) -> super::support::server::Client {
    seed(s);
    let admin = s.signed_in(ADMIN);
    let apple = admin.get("/api/data?site=izmir&q=10.20.0.12").json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tagged = admin.send(
        "PUT",
        &format!("/api/assets/{apple}/tag"),
        Some(r#"{"category":"tasinabilir","note":"Müdürün dizüstü bilgisayarı"}"#),
    );
    assert_eq!(tagged.status, 200, "{}", tagged.body);
    admin
}

fn get_report(s: &TestServer, query: &str) -> super::support::server::Resp {
    s.signed_in(VIEWER)
        .get(&format!("/api/reports/compliance?{query}"))
}

/// The text of the element carrying `data-figure="{name}"`.
fn figure(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("data-figure=\"{name}\">"))
        .unwrap_or_else(|| panic!("figure {name}"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    rest[start..end].to_string()
}

fn group_counts(html: &str) -> Vec<u64> {
    html.match_indices("data-group-count>")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('<').unwrap()].parse().unwrap()
        })
        .collect()
}

/// Checks the document with html5lib's strict parser (any parse error fails).
fn strict_html(html: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    std::fs::write(&path, html).unwrap();
    let out = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb').read()); print('ok')",
        ])
        .arg(&path)
        .output()
        .expect("python3 with html5lib (Debian python3-html5lib)");
    assert!(
        out.status.success(),
        "not strict HTML: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_report_carries_the_apis_figures_as_strict_self_contained_html() {
    on_each_server(|s| {
        let admin = seed_and_tag(s);

        let r = get_report(s, "site=izmir");
        assert_eq!(r.status, 200, "{}: {}", s.backend(), r.body);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(
            r.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment; filename=\"bigr-report-izmir-")),
            "{:?}",
            r.headers
        );
        let html = r.body;
        let api: Value = admin.get("/api/compliance?site=izmir").json();
        assert_eq!(figure(&html, "grade"), api["grade"].as_str().unwrap());
        let score = api["compliance_score"].as_f64().unwrap();
        assert!(html.contains(&format!("<div class=\"value\">{score:.1}</div>")));
        assert_eq!(
            figure(&html, "assets"),
            api["breakdown"]["total_assets"].to_string()
        );
        let want: Vec<u64> = [
            "ag_ve_sistemler",
            "uygulamalar",
            "iot",
            "tasinabilir",
            "unclassified",
        ]
        .iter()
        .map(|g| api["distribution"][g].as_u64().unwrap())
        .collect();
        assert_eq!(group_counts(&html), want);
        // Turkish intact, evidence and the hand tag with its note and author.
        for text in [
            "BİGR Uyum Raporu",
            "Ağ ve Sistemler",
            "Taşınabilir Cihazlar",
            "Şirket Yazılım",
            "vendor:hikvision: Hikvision",
            "Müdürün dizüstü bilgisayarı",
            "Etiketleyen: admin",
            "portal.ofis",
        ] {
            assert!(html.contains(text), "{}: {text} missing", s.backend());
        }
        // The period's changes: four new devices this week against three before, one moved.
        assert!(html.contains("data-change=\"ip_changed\"><td>Adres değiştiren cihazlar</td><td class=\"num\">1</td>"), "moved");
        assert!(html.contains("10.20.0.11 → 10.20.0.21"));
        assert!(html.contains("<h3 data-group=\"unclassified\">Sınıflandırılmamış (1)</h3>"));
        // Nothing to fetch: the only URL is the SVG namespace.
        let urls: Vec<&str> = html
            .match_indices("http")
            .map(|(i, _)| &html[i..(i + 30).min(html.len())])
            .filter(|u| !u.starts_with("http://www.w3.org/2000/svg"))
            .collect();
        assert!(urls.is_empty(), "external references: {urls:?}");
        assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("<img"));
        strict_html(&html);

        let en = get_report(s, "site=izmir&lang=en&organisation=Acme%20%3Cb%3E");
        assert_eq!(en.status, 200);
        assert!(en.body.contains("Compliance score") && en.body.contains("Acme &lt;b&gt;"));
    });
}

/// Where the rendered pages are kept for a person to look at: `$BIGR_ARTIFACTS` or a folder
/// beside the build.
fn artifacts(name: &str) -> std::path::PathBuf {
    let base = std::env::var_os("BIGR_ARTIFACTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(std::env::temp_dir)
                .join("artifacts")
        });
    let dir = base.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (Debian poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether a binary PPM page (`pdftoppm`'s default output) has any ink on it.
fn inked(ppm: &[u8]) -> bool {
    // Header: "P6", width, height, max value, each followed by whitespace.
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 && at < ppm.len() {
        while at < ppm.len() && ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < ppm.len() && !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    ppm[at + 1..].iter().any(|&v| v < 160)
}

/// Checks a PDF the way an auditor's tools see it: its metadata, its text, and every page
/// rendered (kept as PNG under `artifacts`). Returns the text and the page count.
fn read_pdf(pdf: &[u8], artifacts_name: &str) -> (String, usize) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let dir = artifacts(artifacts_name);
    let file = dir.join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let info = poppler("pdfinfo", &[file.as_os_str()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count: {info}"));
    assert!(info.contains("Creator:") && info.contains("bigr"), "{info}");
    // -layout keeps a table row on one line.
    let text = poppler(
        "pdftotext",
        &["-layout".as_ref(), file.as_os_str(), "-".as_ref()],
    );
    let ppm = dir.join("check");
    poppler(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "20".as_ref(),
            file.as_os_str(),
            ppm.as_os_str(),
        ],
    );
    let mut rendered: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ppm"))
        .collect();
    rendered.sort();
    assert_eq!(rendered.len(), pages, "pdftoppm rendered every page");
    for page in &rendered {
        assert!(
            inked(&std::fs::read(page).unwrap()),
            "{} is blank",
            page.display()
        );
        std::fs::remove_file(page).unwrap();
    }
    let png = dir.join("page");
    poppler(
        "pdftoppm",
        &[
            "-png".as_ref(),
            "-r".as_ref(),
            "60".as_ref(),
            file.as_os_str(),
            png.as_os_str(),
        ],
    );
    (text, pages)
}

#[test]
fn the_pdf_report_shows_the_apis_figures_with_turkish_intact_on_every_page() {
    on_each_server(|s| {
        let admin = seed_and_tag(s);
        let r = get_report(
            s,
            "site=izmir&format=pdf&organisation=%C3%96rnek%20A.%C5%9E.",
        );
        assert_eq!(r.status, 200, "{}: {}", s.backend(), r.body);
        assert_eq!(r.header("content-type"), Some("application/pdf"));
        assert!(
            r.header("content-disposition")
                .is_some_and(|d| d.contains("bigr-report-izmir-") && d.ends_with(".pdf\"")),
            "{:?}",
            r.headers
        );
        let (text, pages) = read_pdf(&r.bytes, &format!("report-pdf-{}", s.backend()));
        // Cover, contents and one page per section at least.
        assert!(pages >= 9, "{pages} pages");
        let api: Value = admin.get("/api/compliance?site=izmir").json();
        let score = api["compliance_score"].as_f64().unwrap();
        let grade = api["grade"].as_str().unwrap();
        assert!(text.contains(&format!("{score:.1}")), "score {score:.1}");
        assert!(text.contains(&format!("Not: {grade}")), "grade {grade}");
        // Each group's row of the summary table: its name, the API's count and share.
        let total = api["breakdown"]["total_assets"].as_u64().unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (group, label) in [
            ("ag_ve_sistemler", "Ağ ve Sistemler"),
            ("uygulamalar", "Uygulamalar"),
            ("iot", "IoT"),
            ("tasinabilir", "Taşınabilir Cihazlar"),
            ("unclassified", "Sınıflandırılmamış"),
        ] {
            let n = api["distribution"][group].as_u64().unwrap();
            let share = format!("{:.1} %", n as f64 / total as f64 * 100.0);
            assert!(
                flat.contains(&format!("{label} {n} {share}")),
                "{}: {label} {n} {share} missing from: {flat}",
                s.backend()
            );
        }
        // Words, not phrases: a table cell may wrap a phrase over two lines.
        for word in [
            "BİGR Uyum Raporu",
            "Örnek A.Ş.",
            "Şirket",
            "Yazılım",
            "Müdürün",
            "dizüstü",
            "bilgisayarı",
            "Etiketleyen:",
            "10.20.0.11",
            "→",
            "portal.ofis",
        ] {
            assert!(flat.contains(word), "{}: {word} missing", s.backend());
        }
    });
}

#[test]
fn only_signed_in_users_get_a_report_and_bad_requests_say_why() {
    on_each_server(|s| {
        seed(s);
        let anon = s.client().get("/api/reports/compliance");
        assert_eq!(anon.status, 401);
        for (query, status, word) in [
            ("site=nowhere", 404, "nowhere"),
            ("lang=de", 400, "lang"),
            ("format=docx", 400, "format"),
            ("format=pdf&site=nowhere", 404, "nowhere"),
            (
                "from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z",
                400,
                "start",
            ),
            ("colour=red", 400, "colour"),
        ] {
            let r = get_report(s, query);
            assert_eq!(r.status, status, "{query}: {}", r.body);
            assert!(r.error().contains(word), "{query}: {}", r.body);
        }
        let all = get_report(s, "");
        assert_eq!(all.status, 200);
        assert!(all.body.contains("Tüm lokasyonlar"));
        let audit = s
            .signed_in(ADMIN)
            .get("/api/audit?action=report.compliance")
            .json();
        // Refused requests made no report; the one made is on record with who asked.
        assert_eq!(audit["total"], 1, "{audit}");
        assert_eq!(audit["items"][0]["actor"], "viewer");
    });
}

#[test]
fn the_cli_writes_the_same_report_to_a_file() {
    let home = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", home.path().join("bigr.db").display());
    let rt = super::support::server::runtime();
    rt.block_on(async {
        let db = bigr::store::open(&db_url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        let mut o = host("10.30.0.5", Some("00:1c:00:00:05:05"), &[22]);
        o.category = Category::AgVeSistemler;
        o.confidence = 0.9;
        let r = report(
            Utc::now() - Duration::hours(2),
            &["10.30.0.0/24"],
            "22",
            vec![o],
        );
        save_scan(&db, &r, "kars", &SaveOptions::default())
            .await
            .unwrap();
    });
    let out = home.path().join("rapor.html");
    let bin = assert_cmd::cargo::cargo_bin!("bigr");
    let run = Command::new(bin)
        .arg("--home")
        .arg(home.path())
        .args([
            "report",
            "--site",
            "kars",
            "--lang",
            "en",
            "--from",
            "2026-01-01",
            "-o",
        ])
        .arg(&out)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("BİGR Compliance Report") && html.contains("2026-01-01"));
    assert_eq!(figure(&html, "grade"), "A");
    strict_html(&html);
    let docx = Command::new(bin)
        .arg("--home")
        .arg(home.path())
        .args(["report", "--format", "docx"])
        .output()
        .unwrap();
    assert!(!docx.status.success());
    assert!(String::from_utf8_lossy(&docx.stderr).contains("html or pdf"));
    let pdf_path = home.path().join("rapor.pdf");
    let pdf = Command::new(bin)
        .arg("--home")
        .arg(home.path())
        .args([
            "report", "--site", "kars", "--format", "pdf", "--lang", "en", "-o",
        ])
        .arg(&pdf_path)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        pdf.status.success(),
        "{}",
        String::from_utf8_lossy(&pdf.stderr)
    );
    let (text, _) = read_pdf(&std::fs::read(&pdf_path).unwrap(), "report-pdf-cli");
    assert!(text.contains("BİGR Compliance Report") && text.contains("Grade: A"));
    let bad = Command::new(bin)
        .arg("--home")
        .arg(home.path())
        .args(["report", "--site", "nowhere", "-o"])
        .arg(home.path().join("x.html"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nowhere"));
    assert!(
        !home.path().join("x.html").exists(),
        "no file for a refused report"
    );
}
