//! `$BIGR_HOME/agent.yaml`: where the agent reports and with which token. The file holds a
//! secret, so it is written with mode 0600 and refused when group- or world-readable.
use super::error::AgentError;
use crate::scan::request::ScanSettings;
use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Format, Yaml};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub const FILE: &str = "agent.yaml";

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// The server's base URL, e.g. https://bigr.example.com
    pub api_url: String,
    pub agent_id: Uuid,
    pub name: String,
    pub site: String,
    /// `bigr_…`: never printed, never logged.
    pub token: String,
    /// What to scan; empty means the directly connected networks.
    #[serde(default)]
    pub targets: Vec<String>,
    /// How every cycle scans: ports, exclusions, rate, DNS, mDNS and SNMP on or off.
    #[serde(default)]
    pub scan: ScanSettings,
    /// The pre-0.2 form of `scan`: `bigr scan` flags as strings. Read once, turned into
    /// `scan`, and dropped when the file is rewritten.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scan_options: Vec<String>,
    #[serde(default = "default_interval")]
    pub interval_seconds: u64,
    #[serde(default = "default_heartbeat")]
    pub heartbeat_seconds: u64,
    /// Offline queue bounds: reports kept, total size, and age.
    #[serde(default = "default_queue_reports")]
    pub queue_max_reports: usize,
    #[serde(default = "default_queue_mib")]
    pub queue_max_mib: u64,
    #[serde(default = "default_queue_days")]
    pub queue_max_days: u64,
    /// The key releases must be signed with, pinned at registration (`bigr-ed25519:…`).
    /// None: this agent installs no update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_public_key: Option<String>,
}

// The token must never reach a log line through `{:?}`.
impl std::fmt::Debug for AgentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentConfig")
            .field("api_url", &self.api_url)
            .field("agent_id", &self.agent_id)
            .field("name", &self.name)
            .field("site", &self.site)
            .field("token", &"…")
            .field("targets", &self.targets)
            .field("scan", &self.scan)
            .finish_non_exhaustive()
    }
}

fn default_interval() -> u64 {
    300
}
fn default_heartbeat() -> u64 {
    60
}
fn default_queue_reports() -> usize {
    1000
}
fn default_queue_mib() -> u64 {
    512
}
fn default_queue_days() -> u64 {
    7
}

pub fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

/// This machine's name, for an agent without agent.yaml.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "agent".into())
}

/// Normalises and checks a server URL: http(s) only, no trailing slash, no credentials.
pub fn check_api_url(url: &str) -> anyhow::Result<String> {
    let parsed =
        url::Url::parse(url.trim()).with_context(|| format!("invalid --api-url '{url}'"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        bail!("--api-url must start with https:// (or http:// on a trusted network)");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        bail!("--api-url must not contain credentials");
    }
    Ok(url.trim().trim_end_matches('/').to_string())
}

/// Reads an agent token from a file that only its owner can read (a container's secret).
pub fn read_token_file(file: &Path) -> anyhow::Result<String> {
    let meta = std::fs::metadata(file)
        .with_context(|| format!("cannot read the token file {}", file.display()))?;
    if meta.permissions().mode() & 0o077 != 0 {
        bail!(
            "{} is readable by other users; run `chmod 600 {}` and rotate the token",
            file.display(),
            file.display()
        );
    }
    let token = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the token file {}", file.display()))?
        .trim()
        .to_string();
    if crate::model::token::parse(crate::model::token::TokenKind::Agent, &token).is_none() {
        bail!("{} does not hold an agent token (bigr_…)", file.display());
    }
    Ok(token)
}

impl AgentConfig {
    /// A configuration from a server and a token alone (no agent.yaml): the agent's id and
    /// site are the server's to know, and show as such until it answers.
    pub fn from_token(api_url: &str, token: &str) -> AgentConfig {
        AgentConfig {
            api_url: api_url.to_string(),
            agent_id: Uuid::nil(),
            name: hostname(),
            site: String::new(),
            token: token.to_string(),
            targets: Vec::new(),
            scan: ScanSettings::default(),
            scan_options: Vec::new(),
            interval_seconds: default_interval(),
            heartbeat_seconds: default_heartbeat(),
            queue_max_reports: default_queue_reports(),
            queue_max_mib: default_queue_mib(),
            queue_max_days: default_queue_days(),
            release_public_key: None,
        }
    }

    /// Reads the file, refusing it when others could read the token in it.
    pub fn load(home: &Path) -> anyhow::Result<AgentConfig> {
        let file = path(home);
        let meta = std::fs::metadata(&file).with_context(|| {
            format!(
                "no agent configuration at {} (run `bigr agent register` first)",
                file.display()
            )
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            bail!(
                "{} is readable by other users (mode {mode:o}) and holds the agent token; run `chmod 600 {}` and rotate the token",
                file.display(),
                file.display()
            );
        }
        let mut cfg: AgentConfig = Figment::from(Yaml::file(&file))
            .extract()
            .with_context(|| format!("invalid {}", file.display()))?;
        if !cfg.scan_options.is_empty() {
            cfg.upgrade_scan_options(home)?;
        }
        cfg.scan
            .check()
            .with_context(|| format!("invalid scan settings in {}", file.display()))?;
        if cfg.interval_seconds == 0 || cfg.heartbeat_seconds == 0 {
            bail!(
                "{}: interval_seconds and heartbeat_seconds must be above 0",
                file.display()
            );
        }
        Ok(cfg)
    }

    /// Turns the legacy flag strings into the typed `scan` section and rewrites the file, so
    /// an agent registered by an older bigr keeps its settings.
    fn upgrade_scan_options(&mut self, home: &Path) -> anyhow::Result<()> {
        let file = path(home);
        if self.scan != ScanSettings::default() {
            bail!(
                "{}: give either `scan` or the older `scan_options`, not both",
                file.display()
            );
        }
        self.scan = super::legacy::settings_from_flags(&self.scan_options).map_err(|reason| {
            AgentError::ScanOptions {
                path: file.clone(),
                reason,
            }
        })?;
        self.scan_options.clear();
        self.save(home)?;
        tracing::info!(file = %file.display(), "scan_options rewritten as the typed scan section");
        Ok(())
    }

    /// Writes the file atomically with mode 0600 (never briefly readable by others).
    pub fn save(&self, home: &Path) -> anyhow::Result<PathBuf> {
        super::private::dir(home).with_context(|| format!("cannot create {}", home.display()))?;
        let file = path(home);
        let tmp = home.join(format!(".{FILE}.tmp"));
        let text = serde_yaml::to_string(self).context("cannot encode the agent configuration")?;
        let _ = std::fs::remove_file(&tmp);
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        out.write_all(
            b"# bigr agent configuration: holds the agent token, keep it private (mode 0600)\n",
        )?;
        out.write_all(text.as_bytes())?;
        out.sync_all()?;
        std::fs::rename(&tmp, &file).with_context(|| format!("cannot write {}", file.display()))?;
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AgentConfig {
        AgentConfig {
            api_url: "https://bigr.example.com".into(),
            agent_id: Uuid::now_v7(),
            name: "edge-1".into(),
            site: "istanbul".into(),
            token: "bigr_0123456789abcdef_secret".into(),
            targets: vec!["10.0.0.0/24".into()],
            scan: ScanSettings::default(),
            scan_options: Vec::new(),
            interval_seconds: 300,
            heartbeat_seconds: 60,
            queue_max_reports: 1000,
            queue_max_mib: 512,
            queue_max_days: 7,
            release_public_key: None,
        }
    }

    #[test]
    fn saved_config_is_private_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = sample().save(dir.path()).unwrap();
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let back = AgentConfig::load(dir.path()).unwrap();
        assert_eq!(back.token, sample().token);
        assert_eq!(back.targets, sample().targets);
        assert!(
            !format!("{back:?}").contains("secret"),
            "Debug hides the token"
        );
    }

    #[test]
    fn a_readable_config_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = sample().save(dir.path()).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = AgentConfig::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("readable by other users"), "{e}");
    }

    #[test]
    fn legacy_scan_flags_are_read_once_and_rewritten_typed() {
        let dir = tempfile::tempdir().unwrap();
        let mut old = sample();
        old.scan_options = ["--top-ports", "10", "--no-mdns", "--timeout-ms", "300"]
            .map(String::from)
            .to_vec();
        old.save(dir.path()).unwrap();
        let cfg = AgentConfig::load(dir.path()).unwrap();
        assert_eq!(cfg.scan.top_ports, Some(10));
        assert!(!cfg.scan.mdns && cfg.scan.snmp);
        assert_eq!(cfg.scan.timeout_ms, 300);
        let text = std::fs::read_to_string(path(dir.path())).unwrap();
        assert!(
            !text.contains("scan_options") && text.contains("top_ports: 10"),
            "{text}"
        );
        assert_eq!(AgentConfig::load(dir.path()).unwrap().scan, cfg.scan);

        old.scan_options = vec!["--json".into()];
        old.save(dir.path()).unwrap();
        let e = format!("{:#}", AgentConfig::load(dir.path()).unwrap_err());
        assert!(e.contains("scan_options") && e.contains("--json"), "{e}");
    }

    #[test]
    fn api_urls_are_checked() {
        assert_eq!(
            check_api_url("https://x.example/ ").unwrap(),
            "https://x.example"
        );
        assert!(check_api_url("ftp://x").is_err());
        assert!(check_api_url("https://user:pw@x").is_err());
        assert!(check_api_url("not a url").is_err());
    }
}
