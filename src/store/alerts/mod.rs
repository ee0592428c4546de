//! Alerts: state transitions the store already records (a new device, one gone missing, a
//! risky port opened, an agent gone silent, a critical Shield finding, a partial scan, a
//! certificate about to expire) become one alert per open condition, resolved when the
//! condition clears. Messages for the channels go through an outbox in the same transaction,
//! so an alert is never raised without its messages, nor sent twice by two servers.
pub mod channel_update;
pub mod channels;
pub mod digest;
pub mod evaluate;
mod grade;
pub mod outbox;
mod raise;
pub mod rules;
mod scan_changes;
pub mod schedule;
pub mod views;

use serde::{Deserialize, Serialize};

/// What an alert is about.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A device seen for the first time.
    NewDevice,
    /// A device missed by the scans that cover it (resolved when it returns).
    DeviceMissing,
    /// A risky service (Telnet, SMB, RDP, VNC, databases…) opened on a device.
    RiskyPort,
    /// A certificate expired or expiring within the rule's days.
    CertExpiring,
    /// A site agent stale, offline or revoked.
    AgentDown,
    /// A critical or high Shield finding.
    ShieldFinding,
    /// A scan that came back partial (resolved by the next complete scan).
    ScanPartial,
    /// A site agent's scan failed (resolved when one succeeds).
    ScanFailed,
    /// A site's compliance grade fell below the grade it last held (resolved when it is
    /// back).
    GradeDrop,
    /// An address claimed by a second MAC, or a MAC moving between addresses faster than
    /// DHCP would move it: possible spoofing (open until acknowledged).
    AddressConflict,
}

impl AlertKind {
    pub const ALL: [AlertKind; 10] = [
        AlertKind::NewDevice,
        AlertKind::DeviceMissing,
        AlertKind::RiskyPort,
        AlertKind::CertExpiring,
        AlertKind::AgentDown,
        AlertKind::ShieldFinding,
        AlertKind::ScanPartial,
        AlertKind::AddressConflict,
        AlertKind::ScanFailed,
        AlertKind::GradeDrop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::NewDevice => "new_device",
            AlertKind::DeviceMissing => "device_missing",
            AlertKind::RiskyPort => "risky_port",
            AlertKind::CertExpiring => "cert_expiring",
            AlertKind::AgentDown => "agent_down",
            AlertKind::ShieldFinding => "shield_finding",
            AlertKind::ScanPartial => "scan_partial",
            AlertKind::AddressConflict => "address_conflict",
            AlertKind::ScanFailed => "scan_failed",
            AlertKind::GradeDrop => "grade_drop",
        }
    }

    pub fn parse(s: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The severity a rule has until an admin sets another.
    pub fn default_severity(self) -> &'static str {
        match self {
            AlertKind::NewDevice | AlertKind::ScanPartial => "medium",
            AlertKind::DeviceMissing | AlertKind::CertExpiring | AlertKind::GradeDrop => "medium",
            AlertKind::ScanFailed => "high",
            AlertKind::RiskyPort
            | AlertKind::AgentDown
            | AlertKind::ShieldFinding
            | AlertKind::AddressConflict => "high",
        }
    }
}

/// Severities an alert or a channel's threshold may have, lowest first.
pub const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// Where a severity stands, lowest 0 (unknown names count as the lowest).
pub fn rank(severity: &str) -> usize {
    SEVERITIES.iter().position(|s| *s == severity).unwrap_or(0)
}

/// A severity name as given by a user, checked.
pub fn severity(s: &str) -> Result<&'static str, crate::store::StoreError> {
    SEVERITIES
        .into_iter()
        .find(|x| x.eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| {
            crate::store::StoreError::Invalid(format!(
                "severity must be one of {}",
                SEVERITIES.join(", ")
            ))
        })
}
