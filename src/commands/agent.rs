//! `bigr agent register|start|stop|status|install` (enrolment is the server's: `enroll.rs`).
use super::exit::Exit;
use crate::agent::client::{ApiClient, CallError};
use crate::agent::config::{self, AgentConfig};
use crate::agent::cycle::ShieldPolicy;
use crate::agent::daemon::{self, Finish, RunOptions};
use crate::agent::launcher::{self, ChildEnd};
use crate::agent::register;
use crate::agent::{parse_duration, pidfile, status::AgentStatus};
use crate::cli::{AgentInstallArgs, AgentStartArgs, AgentStopArgs, JsonArgs, RegisterArgs};
use crate::config::Settings;
use crate::scan::request::{ScanRequest, ScanSettings};
use anyhow::{Context, bail};
use std::time::{Duration, Instant};

/// A log file larger than this is moved to agent.log.1 when a detached agent starts.
const LOG_ROTATE_BYTES: u64 = 10 * 1024 * 1024;

/// A token kept in a file (or `-`: the first line of stdin), trimmed.
fn read_secret(path: &std::path::Path) -> anyhow::Result<String> {
    Ok(super::secret_file::read_secret(path)?.trim().to_string())
}

pub async fn register(settings: &Settings, args: RegisterArgs) -> anyhow::Result<()> {
    let api_url =
        config::check_api_url(&args.api_url).map_err(|e| Exit::BadInput(e.to_string()))?;
    if let Some(pid) = pidfile::running(&settings.home) {
        bail!("the agent is running (PID {pid}); stop it first (bigr agent stop)");
    }
    let secret = match &args.secret_file {
        Some(path) => Some(read_secret(path)?),
        None => None,
    };
    let enroll_token = match (&args.enroll_token_file, &args.enroll_token) {
        (Some(path), _) => Some(read_secret(path)?),
        (None, token) => token.clone(),
    };
    let body = register::request(&args.name, &args.site, enroll_token, secret, &args.targets);
    let made = register::register(&api_url, body)
        .await
        .map_err(|e| match e {
            CallError::Unauthorized => anyhow::anyhow!(
                "registration failed: the enrollment token (or secret) is not valid for this server \
                 (HTTP 401); check --api-url and make a new token on that server (`bigr agent enroll`)"
            ),
            other => anyhow::anyhow!("registration failed: {other}"),
        })?;
    let cfg = AgentConfig {
        api_url,
        agent_id: made.agent_id,
        name: args.name.trim().to_string(),
        site: made.site.clone(),
        token: made.token,
        targets: args.targets,
        scan: ScanSettings::default(),
        scan_options: Vec::new(),
        interval_seconds: 300,
        heartbeat_seconds: 60,
        queue_max_reports: 1000,
        queue_max_mib: 512,
        queue_max_days: 7,
        release_public_key: made.release_public_key.clone(),
    };
    let file = cfg.save(&settings.home)?;
    outln!(
        "registered agent '{}' ({}) in site '{}'; its token is in {} (mode 0600) and is not shown again",
        cfg.name,
        cfg.agent_id,
        made.site,
        file.display()
    );
    Ok(())
}

/// agent.yaml, with the server and token given on the command line (or in the environment)
/// in place of its own. With both given no agent.yaml is needed: a container can run an agent
/// from a read-only token file.
fn agent_config(settings: &Settings, args: &AgentStartArgs) -> anyhow::Result<AgentConfig> {
    let api_url = args
        .api_url
        .as_deref()
        .map(|u| config::check_api_url(u).map_err(|e| Exit::BadInput(e.to_string())))
        .transpose()?;
    let token = match &args.token_file {
        Some(path) => {
            Some(config::read_token_file(path).map_err(|e| Exit::BadInput(e.to_string()))?)
        }
        None => None,
    };
    let file_exists = config::path(&settings.home).exists();
    let mut cfg = match (&api_url, &token, file_exists) {
        (Some(url), Some(token), false) => AgentConfig::from_token(url, token),
        _ => AgentConfig::load(&settings.home)?,
    };
    if let Some(url) = api_url {
        cfg.api_url = url;
    }
    if let Some(token) = token {
        cfg.token = token;
    }
    Ok(cfg)
}

pub async fn start(settings: &Settings, args: AgentStartArgs) -> anyhow::Result<()> {
    let cfg = agent_config(settings, &args)?;
    let interval = match &args.interval {
        Some(t) => parse_duration(t).map_err(Exit::BadInput)?,
        None => Duration::from_secs(cfg.interval_seconds),
    };
    let heartbeat = match &args.heartbeat {
        Some(t) => parse_duration(t).map_err(Exit::BadInput)?,
        None => Duration::from_secs(cfg.heartbeat_seconds),
    };
    let targets = if args.targets.is_empty() {
        cfg.targets.clone()
    } else {
        args.targets.clone()
    };
    // Refuse bad targets now, not in the first cycle of a detached agent.
    for t in &targets {
        crate::scan::targets::parse(t).map_err(|e| Exit::BadInput(e.to_string()))?;
    }
    let shield = if args.shield {
        Some(ShieldPolicy {
            preset: args.shield_preset.into(),
            every: match &args.shield_every {
                Some(t) => parse_duration(t).map_err(Exit::BadInput)?,
                None => Duration::ZERO,
            },
        })
    } else {
        None
    };
    if !args.foreground && !args.once {
        return detach(settings, &args);
    }
    let opts = RunOptions {
        request: ScanRequest {
            targets,
            settings: cfg.scan.clone(),
            fragile: Default::default(),
            snmp_communities: settings.snmp_communities(),
            rules_home: Some(settings.home.clone()),
            dhcp_book: None,
        },
        interval,
        heartbeat,
        once: args.once,
        shield,
    };
    let finish = loop {
        if !args.once
            && !launcher::is_child()
            && let launcher::Next::Child { binary, version } = launcher::choose(&settings.home)
        {
            match launcher::supervise(&settings.home, &binary, &version, trial_time()).await? {
                ChildEnd::Updated | ChildEnd::RolledBack => continue,
                ChildEnd::Stopped | ChildEnd::Exited(0) => return Ok(()),
                ChildEnd::Exited(code) => std::process::exit(code),
            }
        }
        match daemon::run(&settings.home, cfg.clone(), opts.clone()).await? {
            Finish::Update if launcher::is_child() => std::process::exit(launcher::EXIT_UPDATE),
            Finish::Update => continue,
            other => break other,
        }
    };
    match finish {
        Finish::Delivered(answer, shield) => {
            if let Some(s) = shield {
                outln!(
                    "shield checks delivered to site '{}': {} finding(s), score {}",
                    s.site,
                    s.findings,
                    s.score.map_or("not assessed".to_string(), |v| format!(
                        "{v:.1} ({})",
                        s.grade.clone().unwrap_or_default()
                    ))
                );
            }
            match answer {
                Some(a) => {
                    let changes: usize = a.changes.values().sum();
                    outln!(
                        "scan delivered to site '{}': {} asset(s), {} change(s)",
                        a.site,
                        a.asset_count,
                        changes
                    );
                }
                None => outln!("scan delivered"),
            }
            Ok(())
        }
        Finish::Stopped => Ok(()),
        Finish::Queued(n) => Err(Exit::Undelivered(format!(
            "the server did not take the report: {n} report(s) wait in the offline queue"
        ))
        .into()),
        Finish::ScanFailed(e) => bail!("scan failed: {e}"),
        Finish::Maintenance => {
            outln!("inside the site's maintenance window: no scan ran");
            Ok(())
        }
        Finish::Update => Ok(()),
    }
}

/// How long a new version has to heartbeat before it is rolled back
/// (`BIGR_UPDATE_TRIAL_SECONDS`, default 10 minutes).
fn trial_time() -> Duration {
    std::env::var("BIGR_UPDATE_TRIAL_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|s| (5..=86_400).contains(s))
        .map_or(Duration::from_secs(600), Duration::from_secs)
}

/// Starts `bigr agent start --foreground` in its own process group, logging to agent.log,
/// and returns once it holds the PID file.
fn detach(settings: &Settings, args: &AgentStartArgs) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::process::CommandExt;
    let home = &settings.home;
    if let Some(pid) = pidfile::running(home) {
        bail!("the agent is already running (PID {pid})");
    }
    let log_path = home.join("agent.log");
    if std::fs::metadata(&log_path).is_ok_and(|m| m.len() > LOG_ROTATE_BYTES) {
        let _ = std::fs::rename(&log_path, home.join("agent.log.1"));
    }
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&log_path)
        .with_context(|| format!("cannot open {}", log_path.display()))?;
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.arg("--home")
        .arg(home)
        .args(["agent", "start", "--foreground"]);
    for (flag, value) in [
        ("--interval", &args.interval),
        ("--heartbeat", &args.heartbeat),
        ("--api-url", &args.api_url),
    ] {
        if let Some(v) = value {
            cmd.arg(flag).arg(v);
        }
    }
    if let Some(f) = &args.token_file {
        cmd.arg("--token-file").arg(f);
    }
    if args.shield {
        let preset: crate::model::shield::Preset = args.shield_preset.into();
        cmd.args(["--shield", "--shield-preset", preset.as_str()]);
        if let Some(every) = &args.shield_every {
            cmd.arg("--shield-every").arg(every);
        }
    }
    cmd.arg("--").args(&args.targets);
    let child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: a Ctrl-C in this terminal does not reach it.
        .process_group(0)
        .spawn()
        .context("cannot start the agent process")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if pidfile::read(home) == Some(child.id() as i32) {
            outln!(
                "agent started (PID {}); log: {}",
                child.id(),
                log_path.display()
            );
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("the agent did not start; see {}", log_path.display())
}

pub fn stop(settings: &Settings, args: AgentStopArgs) -> anyhow::Result<()> {
    let Some(pid) = pidfile::running(&settings.home) else {
        outln!("the agent is not running");
        return Ok(());
    };
    // SAFETY: kill(2) takes two integers and shares no memory with us.
    if unsafe { libc::kill(pid, libc::SIGTERM) } != 0 {
        bail!(
            "cannot signal PID {pid}: {}",
            std::io::Error::last_os_error()
        );
    }
    let deadline = Instant::now() + Duration::from_secs(args.timeout.max(1));
    while Instant::now() < deadline {
        if !pidfile::is_agent_alive(pid) {
            outln!("agent stopped (PID {pid})");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!(
        "the agent (PID {pid}) is still running after {} s",
        args.timeout
    )
}

pub async fn status(settings: &Settings, args: JsonArgs) -> anyhow::Result<()> {
    let home = &settings.home;
    let cfg = AgentConfig::load(home).ok();
    let pid = pidfile::running(home);
    let last = AgentStatus::load(home);
    // Read-only: opening the queue would clear temp files a running agent is writing.
    let queue_depth = crate::agent::queue::entries(&home.join("queue")).len();
    let server = match &cfg {
        Some(c) => {
            let client = ApiClient::new(&c.api_url, None);
            let answer =
                tokio::task::spawn_blocking(move || client.health(Duration::from_secs(5))).await?;
            match answer {
                Ok(body) => serde_json::json!({"reachable": true, "health": body}),
                Err(e) => serde_json::json!({"reachable": false, "error": e.to_string()}),
            }
        }
        None => serde_json::json!({"reachable": null, "error": "not registered"}),
    };
    let state = if pid.is_some() { "running" } else { "stopped" };
    let doc = serde_json::json!({
        "state": state,
        "pid": pid,
        "registered": cfg.is_some(),
        "agent_id": cfg.as_ref().map(|c| c.agent_id),
        "name": cfg.as_ref().map(|c| c.name.clone()),
        "site": cfg.as_ref().map(|c| c.site.clone()),
        "api_url": cfg.as_ref().map(|c| c.api_url.clone()),
        "queue_depth": queue_depth,
        "activity": last.as_ref().filter(|_| pid.is_some()).map(|s| s.activity.as_str()),
        "last_scan_at": last.as_ref().and_then(|s| s.last_scan_at),
        "last_delivery_at": last.as_ref().and_then(|s| s.last_delivery_at),
        "last_heartbeat_at": last.as_ref().and_then(|s| s.last_heartbeat_at),
        "last_error": last.as_ref().and_then(|s| s.last_error.clone()),
        "config_version": last.as_ref().map_or(0, |s| s.config_version),
        "in_maintenance": last.as_ref().is_some_and(|s| s.in_maintenance),
        "server": server,
    });
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "-".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let pid_text = pid.map(|p| format!(" (PID {p})")).unwrap_or_default();
    outln!("{:<18} {state}{pid_text}", "state:");
    for key in [
        "name",
        "site",
        "api_url",
        "activity",
        "last_scan_at",
        "last_delivery_at",
        "last_heartbeat_at",
        "queue_depth",
        "config_version",
        "last_error",
    ] {
        outln!("{:<18} {}", format!("{key}:"), show(&doc[key]));
    }
    let server_line = if doc["server"]["reachable"] == true {
        "reachable".to_string()
    } else {
        format!("not reachable ({})", show(&doc["server"]["error"]))
    };
    outln!("{:<18} {server_line}", "server:");
    Ok(())
}

/// The systemd unit, with the user, home and binary filled in.
/// Writes the systemd unit. Needs no settings: it runs on machines with no home yet (the
/// install script, a package build).
pub fn install(args: &AgentInstallArgs) -> anyhow::Result<()> {
    let user = args.user.trim();
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    };
    let (home, exe) = (
        args.agent_home.to_string_lossy(),
        args.exe.to_string_lossy(),
    );
    if !plain(user) || user.contains('/') || !plain(&home) || !plain(&exe) {
        return Err(Exit::BadInput(
            "--user, --agent-home and --exe take plain names and absolute paths (no spaces)".into(),
        )
        .into());
    }
    if !args.agent_home.is_absolute() || !args.exe.is_absolute() {
        return Err(Exit::BadInput("--agent-home and --exe must be absolute paths".into()).into());
    }
    let unit = include_str!("../../assets/systemd/bigr-agent.service")
        .replace("{user}", user)
        .replace("{home}", &home)
        .replace("{exe}", &exe);
    match &args.output {
        Some(path) => {
            std::fs::write(path, unit)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {}; then: useradd --system {user}; install -d -o {user} -m 700 {home}; systemctl daemon-reload; systemctl enable --now bigr-agent",
                path.display()
            );
        }
        None => out!("{unit}"),
    }
    Ok(())
}
