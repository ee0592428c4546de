//! Why the agent could not do something, keeping the file or the server call that failed.
use super::client::CallError;
use crate::scan::request::ScanError;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgentError {
    /// A file or folder of the agent's home (queue, PID file, configuration).
    #[error("{what} {}: {reason}", path.display())]
    File {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("the agent is already running (PID {0})")]
    Running(i32),
    #[error(transparent)]
    Call(#[from] CallError),
    #[error("scan failed: {0}")]
    Scan(#[from] ScanError),
    /// A legacy `scan_options` flag list that cannot be read as scan settings.
    #[error("{}: scan_options: {reason}", path.display())]
    ScanOptions { path: PathBuf, reason: String },
}

impl AgentError {
    pub fn file(what: &'static str, path: &std::path::Path, e: std::io::Error) -> AgentError {
        AgentError::File {
            what,
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }
}
