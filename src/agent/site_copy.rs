//! The agent's copy of its site's configuration: fetched when a heartbeat answer announces a
//! version other than the one held, checked with the same rules the server applies, kept in
//! `$BIGR_HOME/site-config.json` (0600: it holds switch communities) and used while the server
//! is away. A copy that fails the checks never replaces the one held.
use super::client::{ApiClient, CallError};
use super::status::{AgentStatus, lock};
use crate::control::settings;
use crate::model::agent_api::paths;
use crate::model::site_config::SiteConfig;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

pub const FILE: &str = "site-config.json";

/// The copy in use, shared by the heartbeat (which replaces it) and the cycles (which read it).
pub type Held = watch::Sender<Option<Arc<SiteConfig>>>;

pub fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

/// The copy saved by an earlier run, if it is readable and passes the checks.
pub fn load(home: &Path) -> Option<SiteConfig> {
    let bytes = std::fs::read(path(home)).ok()?;
    match serde_json::from_slice::<SiteConfig>(&bytes) {
        Ok(c) if settings::check(&c.settings).is_ok() => Some(c),
        Ok(c) => {
            tracing::warn!(
                version = c.version,
                "ignoring a saved site configuration that fails its checks"
            );
            None
        }
        Err(e) => {
            tracing::warn!("ignoring an unreadable {}: {e}", path(home).display());
            None
        }
    }
}

fn save(home: &Path, c: &SiteConfig) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(c).map_err(std::io::Error::other)?;
    super::private::write_atomic(&path(home), &home.join(format!(".{FILE}.tmp")), &bytes)
}

/// Why a fetched copy was not taken.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot fetch the site configuration: {0}")]
    Fetch(#[from] CallError),
    #[error("site configuration v{version} refused: {why}")]
    Refused { version: i64, why: String },
    #[error("fetch task failed: {0}")]
    Task(String),
}

/// Brings the held copy to `announced`: fetches it (the ETag of the copy held lets the server
/// answer 304), checks it, saves it, and makes it the one in use. Returns the version now
/// held when it changed.
pub async fn sync(
    client: &Arc<ApiClient>,
    home: &Path,
    held: &Held,
    status: &Arc<Mutex<AgentStatus>>,
    announced: i64,
) -> Result<Option<i64>, SyncError> {
    let current = held.borrow().clone();
    let have = current.as_ref().map_or(0, |c| c.version);
    if announced == have {
        return Ok(None);
    }
    let etag = current.as_ref().map(|c| format!("\"v{}\"", c.version));
    let c = client.clone();
    let fetched = tokio::task::spawn_blocking(move || {
        c.get_unless_held::<SiteConfig>(paths::CONFIG, etag.as_deref())
    })
    .await
    .map_err(|e| SyncError::Task(e.to_string()))??;
    let Some((config, _)) = fetched else {
        return Ok(None);
    };
    if let Err(e) = settings::check(&config.settings) {
        return Err(SyncError::Refused {
            version: config.version,
            why: e.to_string(),
        });
    }
    let version = config.version;
    if let Err(e) = save(home, &config) {
        // Still used now; only a restart while offline would fall back to the older copy.
        tracing::warn!("cannot save the site configuration: {e}");
    }
    held.send_replace(Some(Arc::new(config)));
    lock(status).config_version = version;
    tracing::info!(version, "site configuration applied");
    Ok(Some(version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_saved_copy_is_private_and_read_back() {
        let home = tempfile::tempdir().unwrap();
        let c = SiteConfig {
            version: 3,
            site: "hq".into(),
            ..Default::default()
        };
        save(home.path(), &c).unwrap();
        let mode = std::fs::metadata(path(home.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load(home.path()), Some(c));
        std::fs::write(path(home.path()), b"{ not json").unwrap();
        assert_eq!(load(home.path()), None);
    }

    #[test]
    fn a_saved_copy_that_fails_its_checks_is_not_used() {
        let home = tempfile::tempdir().unwrap();
        let mut c = SiteConfig {
            version: 2,
            ..Default::default()
        };
        c.settings.interval_seconds = Some(5);
        save(home.path(), &c).unwrap();
        assert_eq!(load(home.path()), None);
    }
}
