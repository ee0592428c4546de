//! Why the classifier could not load: always names the file (and line) at fault.
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A rules folder or file, or the OUI overrides, that exists but cannot be read.
    #[error("cannot read {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// A rules file that does not parse or compile.
    #[error("rules file {file}{}: {reason}", at_line(*line))]
    Rules {
        file: String,
        line: Option<usize>,
        reason: String,
    },
    /// A malformed line of `oui-overrides.csv`.
    #[error("{}, line {line}: {reason}", path.display())]
    Vendors {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// The rules parse one by one but cannot be combined into one index.
    #[error("cannot index the rules: {0}")]
    Index(String),
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(", line {l}")).unwrap_or_default()
}
