//! Types shared by scan, agent and server. The wire format lives here once; this module
//! depends on no other module of the crate.
pub mod agent_api;
mod category;
pub mod commands;
mod facts;
pub mod gear;
mod mac;
pub mod names;
pub mod nul;
mod ports;
pub mod release_api;
mod report;
pub mod shield;
pub mod site_config;
pub mod snmp_access;
pub mod token;
mod validate;

pub use category::{Category, ConfidenceLevel, DeviceType, Sensitivity};
pub use facts::{AssetFacts, ClassCount, DailyRows, MostChanged};
pub use mac::MacAddr;
pub use names::{DeviceInfo, NameSource, SeenName};
pub use ports::PortSet;
pub use report::{
    AssetObservation, CertificateObservation, Evidence, Privileges, ScanMethod, ScanReport,
    Service, SnmpFacts, SwitchPort,
};
pub use validate::{ReportError, limits};
