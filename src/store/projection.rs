//! The asset columns a summary row reads, once: the inventory's list rows and the analysis
//! facts both select these (each adds the few it alone needs) instead of keeping two lists
//! that drift. Rows are read by column name, so order does not matter.
use super::entity::asset::Column as A;

/// Identity, place, classification and lifecycle: what every summary of an asset shows.
pub const SUMMARY: [A; 16] = [
    A::Id,
    A::SiteId,
    A::Ip,
    A::Mac,
    A::Hostname,
    A::Vendor,
    A::Category,
    A::DeviceType,
    A::Confidence,
    A::ManualCategory,
    A::FirstSeen,
    A::LastSeen,
    A::Missing,
    A::ChangeCount,
    A::SwitchHost,
    A::SwitchPort,
];
