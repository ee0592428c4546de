//! `bigr version --check`: what a freshly downloaded binary must prove before an agent
//! replaces itself with it: it starts on this machine (its shared libraries load), libpcap
//! answers, its built-in rules and vendor table parse, and it names its version and target.
use crate::classify::Classifier;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct SelfCheck {
    pub version: &'static str,
    pub target: String,
}

/// Runs the checks; an error names the part that failed.
pub fn run() -> Result<SelfCheck, String> {
    // A capture handle on no device: libpcap is loaded and works, no privilege needed.
    pcap::Capture::dead(pcap::Linktype::ETHERNET).map_err(|e| format!("libpcap: {e}"))?;
    Classifier::load(None).map_err(|e| format!("the built-in classification data: {e}"))?;
    Ok(SelfCheck {
        version: crate::version::current(),
        target: super::sign::this_target(),
    })
}
