//! Shield: security posture checks of the hosts a site can reach. Modules run concurrently
//! under one bound on connections in flight; every probe is bounded in time and bytes; what
//! cannot be reached is "not assessed", never a finding. The engine is a library: `bigr
//! shield` and the agent call [`run`] with a [`ShieldRequest`] and get a scored report.
pub mod catalog;
mod creds;
mod cve;
pub mod discover;
pub mod dns;
mod engine;
mod headers;
pub mod http;
pub mod net;
mod owasp;
pub mod ports;
pub mod score;
pub mod target;
pub mod tls;

pub use engine::{ShieldRequest, candidates as candidate_ports, run};
pub use target::ShieldTarget;

use crate::model::shield::Preset;
use serde::{Deserialize, Serialize};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Module {
    Tls,
    Ports,
    Headers,
    Dns,
    Cve,
    Creds,
    Owasp,
}

impl Module {
    pub const ALL: [Module; 7] = [
        Module::Tls,
        Module::Ports,
        Module::Headers,
        Module::Dns,
        Module::Cve,
        Module::Creds,
        Module::Owasp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Module::Tls => "tls",
            Module::Ports => "ports",
            Module::Headers => "headers",
            Module::Dns => "dns",
            Module::Cve => "cve",
            Module::Creds => "creds",
            Module::Owasp => "owasp",
        }
    }

    /// Modules that send login attempts or attack-like requests: only with `--intrusive`,
    /// never against fragile devices.
    pub fn intrusive(self) -> bool {
        matches!(self, Module::Creds | Module::Owasp)
    }
}

/// The modules of a preset (quick: tls; standard: tls, ports, headers, dns, cve; deep: all).
pub fn preset_modules(preset: Preset) -> Vec<Module> {
    match preset {
        Preset::Quick => vec![Module::Tls],
        Preset::Standard => vec![
            Module::Tls,
            Module::Ports,
            Module::Headers,
            Module::Dns,
            Module::Cve,
        ],
        Preset::Deep => Module::ALL.to_vec(),
    }
}
