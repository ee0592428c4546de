//! Errors that choose the process exit code, so scripts can tell bad input from a scan
//! that ran but could not do everything.
use std::process::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Exit {
    /// The command line or its targets cannot be used: nothing was probed.
    #[error("{0}")]
    BadInput(String),
    /// The scan ran and its results were printed (and stored), but some probes could not.
    #[error("scan incomplete: {0}")]
    Partial(String),
    /// The agent scanned, but its reports wait in the offline queue.
    #[error("{0}")]
    Undelivered(String),
}

impl Exit {
    /// 2 for bad input (as for command-line usage errors), 3 for a partial scan or reports
    /// left undelivered.
    pub fn code(&self) -> ExitCode {
        match self {
            Exit::BadInput(_) => ExitCode::from(2),
            Exit::Partial(_) | Exit::Undelivered(_) => ExitCode::from(3),
        }
    }
}

/// The exit code for an error `run` returned: 1 unless it says otherwise.
pub fn code_for(e: &anyhow::Error) -> ExitCode {
    e.downcast_ref::<Exit>()
        .map(Exit::code)
        .unwrap_or(ExitCode::FAILURE)
}
