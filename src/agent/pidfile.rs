//! `$BIGR_HOME/agent.pid`: one agent per home. A PID file whose process is gone (or is not a
//! bigr) is stale and is replaced; the file is removed when the agent stops.
use super::error::AgentError;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const FILE: &str = "agent.pid";

pub fn path(home: &Path) -> PathBuf {
    home.join(FILE)
}

/// Whether `pid` is a live (not zombie) bigr process.
pub fn is_agent_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state letter follows the parenthesised command name, which may contain spaces.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    if matches!(state, Some("Z") | Some("X") | None) {
        return false;
    }
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmd| {
        let argv0 = cmd.split(|b| *b == 0).next().unwrap_or_default();
        String::from_utf8_lossy(argv0).contains("bigr")
    })
}

/// The PID in the file, when the file exists and holds one.
pub fn read(home: &Path) -> Option<i32> {
    std::fs::read_to_string(path(home))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The running agent's PID; a stale file is removed on the way.
pub fn running(home: &Path) -> Option<i32> {
    let pid = read(home)?;
    if is_agent_alive(pid) {
        Some(pid)
    } else {
        let _ = std::fs::remove_file(path(home));
        None
    }
}

/// This process's claim on the home; dropping it removes the file.
pub struct PidFile {
    path: PathBuf,
    pid: i32,
}

impl PidFile {
    pub fn acquire(home: &Path) -> Result<PidFile, AgentError> {
        let file = path(home);
        let pid = std::process::id() as i32;
        for _ in 0..2 {
            match super::private::create_new(&file) {
                Ok(mut f) => {
                    writeln!(f, "{pid}").map_err(|e| AgentError::file("cannot write", &file, e))?;
                    return Ok(PidFile { path: file, pid });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if let Some(other) = running(home) {
                        return Err(AgentError::Running(other));
                    }
                    // `running` removed the stale file: try again.
                }
                Err(e) => return Err(AgentError::file("cannot create", &file, e)),
            }
        }
        Err(AgentError::File {
            what: "cannot claim",
            path: file,
            reason: "another process keeps recreating it".into(),
        })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        // Only our own claim: a newer agent may have replaced a file we no longer own.
        if std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
            == Some(self.pid)
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_is_refused_and_a_stale_file_replaced() {
        let dir = tempfile::tempdir().unwrap();
        // The test binary's name does not contain "bigr" only if cargo renames it; it is
        // `it-…` or `bigr-…`, so write a PID that is certainly dead instead.
        std::fs::write(path(dir.path()), "999999999\n").unwrap();
        let claim = PidFile::acquire(dir.path()).expect("stale file replaced");
        assert_eq!(read(dir.path()), Some(std::process::id() as i32));
        drop(claim);
        assert!(!path(dir.path()).exists(), "removed on drop");
    }

    #[test]
    fn garbage_and_dead_pids_are_not_running() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(path(dir.path()), "not a pid").unwrap();
        assert_eq!(running(dir.path()), None);
        assert!(!is_agent_alive(0));
        assert!(!is_agent_alive(999_999_999));
    }
}
