//! Release artifacts (issue 20): builds them as the release job does (`.ci/artifacts`: profile
//! dist, whole-program LTO, one codegen unit, stripped) and prints each binary's size, its
//! shared libraries and how long its self-check (`bigr version --check`, what an update runs
//! before it is trusted) takes. Target: the site agent at most 15 MB. Peer: the earlier
//! release binary was 47 MB, unstripped, server and agent in one (the figure).
//! Profiles: dist for the server binary, dist-agent (size) for the agent ones.
//! `cargo bench --bench dist` (half an hour cold on two cores; OUT: /var/tmp/bigr-artifacts).
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const AGENT_TARGET_MB: f64 = 15.0;
const EARLIER_MB: f64 = 47.0;

fn needed(path: &Path) -> String {
    let out = Command::new("objdump").arg("-p").arg(path).output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("NEEDED"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Median wall time of five self-checks, in milliseconds.
fn self_check_ms(path: &Path) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let ok = Command::new(path)
                .args(["version", "--check"])
                .output()
                .is_ok_and(|o| o.status.success());
            assert!(ok, "{} failed its self-check", path.display());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}

fn main() {
    let out = std::env::var("BIGR_ARTIFACTS").unwrap_or_else(|_| "/var/tmp/bigr-artifacts".into());
    let root = env!("CARGO_MANIFEST_DIR");
    let t = Instant::now();
    let status = Command::new(format!("{root}/.ci/artifacts"))
        .arg(&out)
        .status()
        .expect(".ci/artifacts");
    assert!(status.success(), ".ci/artifacts failed");
    println!(
        "built the release artifacts in {:.0} s\n",
        t.elapsed().as_secs_f64()
    );
    println!(
        "{:<48} {:>8} {:>10}  shared libraries",
        "artifact", "MB", "check ms"
    );
    let mut entries: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SHA256SUMS"))
        .collect();
    entries.sort();
    let mut agent_mb = None;
    for path in &entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mb = std::fs::metadata(path).unwrap().len() as f64 / 1e6;
        let is_binary = !name.ends_with(".deb");
        let check = if is_binary {
            format!("{:.0}", self_check_ms(path))
        } else {
            "-".into()
        };
        if name.starts_with("bigr-agent-") && !name.contains("static") {
            agent_mb = Some(mb);
        }
        println!(
            "{name:<48} {mb:>8.1} {check:>10}  {}",
            if is_binary {
                needed(path)
            } else {
                String::new()
            }
        );
    }
    let agent_mb = agent_mb.expect("the agent binary");
    println!(
        "\nsite agent: {agent_mb:.1} MB (target at most {AGENT_TARGET_MB} MB: {}); the earlier \
         release binary: {EARLIER_MB} MB unstripped",
        if agent_mb <= AGENT_TARGET_MB {
            "met"
        } else {
            "MISSED"
        }
    );
    println!("checksums: {out}/SHA256SUMS");
}
