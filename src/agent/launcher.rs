//! The launcher: what `bigr agent start --foreground` does before it runs the agent. When an
//! update installed another version, the launcher starts that version's binary as its child
//! and watches it: a version on trial that exits, or does not heartbeat within the trial
//! time, is stopped and rolled back, and the previous version runs again. The launcher is the
//! installed binary (the one systemd starts), so a broken new version can never keep the
//! agent down. Signals reach the child; its exit is the launcher's.
use super::update::{UpdateFile, binary_of};
use crate::release::sign::parse_version;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Set on a child the launcher starts: it runs the agent itself and never launches another.
pub const CHILD_ENV: &str = "BIGR_AGENT_CHILD";
/// The exit status of an agent that installed an update and asks to be replaced by it.
pub const EXIT_UPDATE: i32 = 75;
/// A version on trial that starts this often without heartbeating is rolled back.
const TRIAL_STARTS: u32 = 3;
/// How long a stopped child may take to say goodbye before it is killed.
const CHILD_STOP_GRACE: Duration = Duration::from_secs(30);
/// How often the launcher looks at a trial's progress.
const TRIAL_POLL: Duration = Duration::from_millis(250);

/// What to run next.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// This binary runs the agent.
    InProcess,
    /// Another installed version, as a child.
    Child { binary: PathBuf, version: String },
}

pub fn is_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// Decides what runs, repairing the state when it points at something that cannot run.
pub fn choose(home: &Path) -> Next {
    let mine = crate::version::current();
    // Bounded: each round either decides or moves the state one version back.
    for _ in 0..8 {
        let mut f = UpdateFile::load(home);
        let Some(version) = f.active.clone() else {
            return Next::InProcess;
        };
        if version == mine {
            return Next::InProcess;
        }
        let binary = binary_of(home, &version);
        let newer_installed = matches!(
            (parse_version(mine), parse_version(&version)),
            (Ok(m), Ok(v)) if m > v
        );
        let reason = if !binary.is_file() {
            Some(format!("the binary of {version} is gone"))
        } else if f
            .trial
            .as_ref()
            .is_some_and(|t| t.version == version && t.starts >= TRIAL_STARTS)
        {
            Some(format!(
                "{version} started {TRIAL_STARTS} times without heartbeating"
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            tracing::warn!(version, "rolling back: {reason}");
            f.roll_back(&reason);
        } else if newer_installed && !f.pinned && f.trial.is_none() {
            // A package upgrade installed a newer binary than the one updates put here.
            tracing::info!(
                installed = mine,
                version,
                "the installed binary is newer: running it"
            );
            f.active = None;
            f.previous = None;
        } else {
            return Next::Child { binary, version };
        }
        if let Err(e) = f.save(home) {
            tracing::warn!("cannot save the update state: {e}");
            return Next::InProcess;
        }
    }
    Next::InProcess
}

/// How a child ended.
#[derive(Debug, PartialEq)]
pub enum ChildEnd {
    /// It installed an update: choose again.
    Updated,
    /// Its trial failed and the state went back a version: choose again.
    RolledBack,
    /// The launcher was told to stop and passed it on.
    Stopped,
    /// It ended by itself with this status.
    Exited(i32),
}

fn signal(pid: u32, sig: libc::c_int) {
    // SAFETY: kill(2) with a child's pid has no memory effects.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
    }
}

/// Stops a child: SIGTERM, then SIGKILL after the grace period.
async fn stop_child(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        signal(pid, libc::SIGTERM);
    }
    if tokio::time::timeout(CHILD_STOP_GRACE, child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
}

/// Runs `binary` with this process's own arguments and watches it.
pub async fn supervise(
    home: &Path,
    binary: &Path,
    version: &str,
    trial_time: Duration,
) -> anyhow::Result<ChildEnd> {
    use tokio::signal::unix::{SignalKind, signal as on};
    let mut f = UpdateFile::load(home);
    if let Some(t) = f.trial.as_mut().filter(|t| t.version == version) {
        t.starts += 1;
        f.save(home)?;
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut cmd = tokio::process::Command::new(binary);
    cmd.args(&args).env(CHILD_ENV, "1").kill_on_drop(true);
    // SAFETY: prctl(2) only, between fork and exec. The child gets SIGTERM when the
    // launcher dies, even by SIGKILL: no agent is ever left running without its launcher.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", binary.display()))?;
    tracing::info!(version, binary = %binary.display(), "running the updated agent");
    let (mut term, mut int) = (on(SignalKind::terminate())?, on(SignalKind::interrupt())?);
    let mut tick = tokio::time::interval(TRIAL_POLL);
    loop {
        tokio::select! {
            status = child.wait() => {
                let status = status?;
                let mut f = UpdateFile::load(home);
                if status.code() == Some(EXIT_UPDATE) {
                    return Ok(ChildEnd::Updated);
                }
                if f.trial.as_ref().is_some_and(|t| t.version == version) {
                    f.roll_back(&format!("{version} exited ({status}) before its first heartbeat"));
                    f.save(home)?;
                    return Ok(ChildEnd::RolledBack);
                }
                return Ok(ChildEnd::Exited(status.code().unwrap_or(1)));
            }
            _ = term.recv() => { stop_child(&mut child).await; return Ok(ChildEnd::Stopped); }
            _ = int.recv() => { stop_child(&mut child).await; return Ok(ChildEnd::Stopped); }
            _ = tick.tick() => {
                let f = UpdateFile::load(home);
                let overdue = f.trial.as_ref().is_some_and(|t| {
                    t.version == version
                        && chrono::Utc::now() - t.started_at
                            > chrono::Duration::from_std(trial_time).unwrap_or(chrono::Duration::MAX)
                });
                if overdue {
                    stop_child(&mut child).await;
                    let mut f = UpdateFile::load(home);
                    f.roll_back(&format!(
                        "{version} did not heartbeat within {} s",
                        trial_time.as_secs()
                    ));
                    f.save(home)?;
                    return Ok(ChildEnd::RolledBack);
                }
            }
        }
    }
}
