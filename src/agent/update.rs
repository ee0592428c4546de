//! The agent's side of signed updates. An offer from the heartbeat is checked against the
//! release key pinned at registration (signature, target, no downgrade unless pinned), the
//! binary is downloaded into the agent's home with its size bounded and hashed as it
//! arrives, the new binary must pass its own self-check, and only then does the update
//! state say "run this version". The launcher (`launcher.rs`) starts it and rolls it back
//! when it does not heartbeat in time. Every refusal is kept and reported in heartbeats.
use super::client::ApiClient;
use super::private;
use crate::model::release_api::{UpdateOffer, UpdateReport, UpdateState};
use crate::release::sign::{self, Expectation, PublicKey, Refusal};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a new binary's self-check may take.
const SELF_CHECK_TIMEOUT: Duration = Duration::from_secs(30);
/// Versions remembered as failed here (oldest forgotten first).
const FAILED_KEPT: usize = 20;

/// A version the launcher is trying out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trial {
    pub version: String,
    pub started_at: chrono::DateTime<Utc>,
    /// Starts of the new version so far (a crash loop ends the trial).
    #[serde(default)]
    pub starts: u32,
}

/// `<home>/update.json`: which version runs, what ran before, the trial under way, the
/// versions that failed here, and the latest state to report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateFile {
    /// Run `versions/<active>/bigr`; None: the binary that was started (the installed one).
    pub active: Option<String>,
    /// The site pinned `active`: keep it even when the installed binary is newer.
    pub pinned: bool,
    /// What ran before `active` (None: the installed binary): the way back.
    pub previous: Option<String>,
    pub trial: Option<Trial>,
    pub failed: Vec<String>,
    /// Manifests refused here (their SHA-256) and when: not fetched again for an hour.
    pub refused: Vec<(String, chrono::DateTime<Utc>)>,
    pub report: Option<UpdateReport>,
}

pub fn state_path(home: &Path) -> PathBuf {
    home.join("update.json")
}

pub fn versions_dir(home: &Path) -> PathBuf {
    home.join("versions")
}

/// The binary of an installed version.
pub fn binary_of(home: &Path, version: &str) -> PathBuf {
    versions_dir(home).join(version).join("bigr")
}

impl UpdateFile {
    /// The file, or a fresh state when there is none or it does not parse (a damaged state
    /// file must never keep an agent from starting: it then runs the installed binary).
    pub fn load(home: &Path) -> UpdateFile {
        std::fs::read(state_path(home))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, home: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        private::write_atomic(&state_path(home), &home.join(".update.json.tmp"), &bytes)
    }

    pub fn record(&mut self, state: UpdateState, version: &str, reason: Option<String>) {
        self.report = Some(UpdateReport {
            state,
            version: version.chars().take(32).collect(),
            reason: reason.map(|r| r.chars().take(512).collect()),
            at: Utc::now(),
        });
    }

    /// Ends a failed trial: back to the previous version, the failed one remembered.
    pub fn roll_back(&mut self, reason: &str) {
        if let Some(v) = self.active.take() {
            self.failed.retain(|f| f != &v);
            self.failed.push(v.clone());
            if self.failed.len() > FAILED_KEPT {
                self.failed.remove(0);
            }
            self.record(UpdateState::RolledBack, &v, Some(reason.to_string()));
        }
        self.active = self.previous.take();
        self.pinned = false;
        self.trial = None;
    }
}

/// Called by a running agent after a heartbeat the server accepted: a version on trial has
/// proved itself.
pub fn confirm(home: &Path) {
    let mut f = UpdateFile::load(home);
    let mine = crate::version::current();
    if f.trial.as_ref().is_some_and(|t| t.version == mine) {
        f.trial = None;
        f.record(UpdateState::Updated, mine, None);
        if let Err(e) = f.save(home) {
            tracing::warn!("cannot record the update as done: {e}");
        }
        tracing::info!(version = mine, "update confirmed: this version heartbeated");
    }
}

/// Takes the offers heartbeats bring, one at a time, off the async threads; stops the agent
/// when one is installed so that the launcher starts it.
pub struct Updater {
    home: PathBuf,
    key: Option<String>,
    stop: Arc<tokio::sync::watch::Sender<bool>>,
    busy: AtomicBool,
    installed: AtomicBool,
    /// This version is on trial: its first answered heartbeat confirms it.
    on_trial: AtomicBool,
}

impl Updater {
    pub fn new(
        home: &Path,
        key: Option<String>,
        stop: Arc<tokio::sync::watch::Sender<bool>>,
    ) -> Updater {
        let on_trial = UpdateFile::load(home)
            .trial
            .is_some_and(|t| t.version == crate::version::current());
        Updater {
            home: home.to_path_buf(),
            key,
            stop,
            busy: AtomicBool::new(false),
            installed: AtomicBool::new(false),
            on_trial: AtomicBool::new(on_trial),
        }
    }

    /// Whether an update was installed and the agent is stopping to run it.
    pub fn installed(&self) -> bool {
        self.installed.load(Ordering::SeqCst)
    }

    /// After a heartbeat the server answered: confirm a trial, take an offer.
    pub fn after_beat(self: &Arc<Self>, client: &Arc<ApiClient>, offer: Option<&UpdateOffer>) {
        if self.on_trial.swap(false, Ordering::SeqCst) {
            confirm(&self.home);
        }
        let Some(offer) = offer.cloned() else {
            return;
        };
        if self.installed() || self.busy.swap(true, Ordering::SeqCst) {
            return;
        }
        let (me, client) = (self.clone(), client.clone());
        tokio::task::spawn_blocking(move || {
            let version = offer.manifest.signed.version.clone();
            match apply(&me.home, &client, me.key.as_deref(), &offer) {
                Outcome::Installed(v) => {
                    tracing::info!(version = %v, "update installed: restarting into it");
                    me.installed.store(true, Ordering::SeqCst);
                    let _ = me.stop.send(true);
                }
                Outcome::Refused(why) => {
                    tracing::warn!(%version, "update refused: {why}");
                    me.busy.store(false, Ordering::SeqCst);
                }
                Outcome::Skipped => me.busy.store(false, Ordering::SeqCst),
            }
        });
    }
}

/// What came of an offer.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Installed and recorded: restart into it.
    Installed(String),
    /// Already running it, or it failed here before: nothing done.
    Skipped,
    Refused(String),
}

/// Checks, downloads, verifies and installs an offered release. Blocking (file and network
/// I/O, the self-check): call it off the async threads.
pub fn apply(home: &Path, client: &ApiClient, key: Option<&str>, offer: &UpdateOffer) -> Outcome {
    let version = offer.manifest.signed.version.clone();
    let mut state = UpdateFile::load(home);
    if version == crate::version::current() || state.trial.is_some() {
        return Outcome::Skipped;
    }
    if state.failed.contains(&version) && !offer.pinned {
        return Outcome::Skipped;
    }
    let sha = offer.manifest.signed.sha256.clone();
    let now = Utc::now();
    state
        .refused
        .retain(|(_, at)| now - *at < chrono::Duration::hours(1));
    if state.refused.iter().any(|(s, _)| *s == sha) {
        return Outcome::Skipped;
    }
    let result = install(home, client, key, offer);
    match &result {
        Ok(()) => {
            state.previous = state.active.clone();
            state.active = Some(version.clone());
            state.pinned = offer.pinned;
            state.trial = Some(Trial {
                version: version.clone(),
                started_at: Utc::now(),
                starts: 0,
            });
            state.record(UpdateState::Updating, &version, None);
        }
        Err(why) => {
            state.refused.push((sha, now));
            if state.refused.len() > FAILED_KEPT {
                state.refused.remove(0);
            }
            state.record(UpdateState::Refused, &version, Some(why.clone()));
        }
    }
    if let Err(e) = state.save(home) {
        return Outcome::Refused(format!("cannot record the update: {e}"));
    }
    match result {
        Ok(()) => Outcome::Installed(version),
        Err(why) => Outcome::Refused(why),
    }
}

fn install(
    home: &Path,
    client: &ApiClient,
    key: Option<&str>,
    offer: &UpdateOffer,
) -> Result<(), String> {
    let key = key.ok_or("no release key was pinned when this agent registered")?;
    let key = PublicKey::parse(key)?;
    let m = &offer.manifest;
    let target = sign::this_target();
    sign::check_manifest(
        m,
        &Expectation {
            key: &key,
            target: &target,
            current_version: crate::version::current(),
            pinned: offer.pinned.then_some(m.signed.version.as_str()),
        },
    )
    .map_err(|r| r.to_string())?;
    if !offer.download.starts_with("/api/") {
        return Err("the offer's download is not a path on this server".into());
    }
    let dir = versions_dir(home);
    private::dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let part = dir.join(format!(".{}.part", m.signed.version));
    let _ = std::fs::remove_file(&part);
    let got = {
        let mut file =
            private::create_new(&part).map_err(|e| format!("{}: {e}", part.display()))?;
        client
            .download(&offer.download, &mut file, m.signed.size + 1)
            .map_err(|e| format!("download: {e}"))?
    };
    let checked = std::fs::File::open(&part)
        .map_err(|e| Refusal::Io(e.to_string()))
        .and_then(|f| sign::check_download(&m.signed, f));
    if let Err(r) = checked {
        let _ = std::fs::remove_file(&part);
        return Err(match r {
            Refusal::WrongSize { want, .. } if got < want => {
                format!("the download broke off after {got} of {want} bytes")
            }
            other => other.to_string(),
        });
    }
    let dest_dir = dir.join(&m.signed.version);
    let _ = std::fs::remove_dir_all(&dest_dir);
    private::dir(&dest_dir).map_err(|e| format!("{}: {e}", dest_dir.display()))?;
    let dest = dest_dir.join("bigr");
    std::fs::rename(&part, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("{}: {e}", dest.display()))?;
    if let Err(why) = self_check(&dest, &m.signed.version, &target) {
        let _ = std::fs::remove_dir_all(&dest_dir);
        return Err(why);
    }
    Ok(())
}

/// Runs `bin version --check --json`: it must start, pass, and be what the manifest says.
pub fn self_check(bin: &Path, version: &str, target: &str) -> Result<(), String> {
    let mut child = std::process::Command::new(bin)
        .args(["version", "--check", "--json"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("the new binary does not start: {e}"))?;
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if started.elapsed() > SELF_CHECK_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the new binary's self-check did not finish in 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "the new binary's self-check failed ({status}): {}",
            err.trim().chars().take(200).collect::<String>()
        ));
    }
    #[derive(Deserialize)]
    struct Check {
        version: String,
        target: String,
    }
    let c: Check = serde_json::from_slice(&out.stdout)
        .map_err(|_| "the new binary's self-check printed no verdict".to_string())?;
    if c.version != version || c.target != target {
        return Err(format!(
            "the new binary says it is {} for {}, the manifest {version} for {target}",
            c.version, c.target
        ));
    }
    Ok(())
}
