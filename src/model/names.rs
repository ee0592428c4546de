//! Names and self-descriptions a host gives out: every name is kept with the source that
//! gave it, and one of them becomes the asset's `hostname` by a fixed precedence.
use serde::{Deserialize, Serialize};

/// Where a name was seen. The declaration order is the precedence of the fused hostname:
/// names an administrator or the host's own OS publishes for machines to resolve come
/// first, labels meant for people (UPnP friendly names) last.
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
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NameSource {
    /// Reverse DNS (PTR) of the address: what the network's administrators registered.
    Dns,
    /// The DNS computer name a Windows or Samba host gives in its SMB NTLMSSP challenge.
    Smb,
    /// The `.local` host name the device announces over multicast DNS.
    Mdns,
    /// The NetBIOS computer name from a node-status answer (UDP 137).
    Netbios,
    /// The name a host gives for its own address over LLMNR (UDP 5355): Windows, systemd.
    Llmnr,
    /// SNMP `sysName`.
    Snmp,
    /// DHCP option 12, heard passively.
    Dhcp,
    /// The DNS name in the host's own TLS certificate (CN or SAN).
    Tls,
    /// A UPnP device description's `friendlyName`.
    Upnp,
}

impl NameSource {
    pub fn as_str(self) -> &'static str {
        match self {
            NameSource::Dns => "dns",
            NameSource::Smb => "smb",
            NameSource::Mdns => "mdns",
            NameSource::Netbios => "netbios",
            NameSource::Llmnr => "llmnr",
            NameSource::Snmp => "snmp",
            NameSource::Dhcp => "dhcp",
            NameSource::Tls => "tls",
            NameSource::Upnp => "upnp",
        }
    }
}

/// One name seen for a host.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeenName {
    pub name: String,
    pub source: NameSource,
}

/// Adds `name` from `source` unless it is empty or already known from that source.
pub fn add_name(names: &mut Vec<SeenName>, name: &str, source: NameSource) {
    let name = name.trim().trim_end_matches('.');
    if name.is_empty() || name.len() > 253 || name.chars().any(char::is_control) {
        return;
    }
    if !names
        .iter()
        .any(|n| n.source == source && n.name.eq_ignore_ascii_case(name))
    {
        names.push(SeenName {
            name: name.to_string(),
            source,
        });
    }
}

/// The hostname an asset shows: the first name of the most trusted source that gave one.
pub fn fused_hostname(names: &[SeenName]) -> Option<String> {
    names
        .iter()
        .enumerate()
        .min_by_key(|(i, n)| (n.source, *i))
        .map(|(_, n)| n.name.clone())
}

/// What a device says it is, in its own words (UPnP description, mDNS device-info, IPP,
/// PJL, SMB, its DHCP requests): the facts device-type and OS rules read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// Model name, e.g. "HP LaserJet M404dn" or an Apple model id such as "iPhone14,2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// UPnP device type, e.g. `urn:schemas-upnp-org:device:MediaRenderer:1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upnp_type: Option<String>,
    /// The operating system the device reports, with a version where it gives one
    /// (e.g. "Windows 10 (build 19045)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Windows domain or workgroup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The DHCP client's vendor class (option 60), e.g. "MSFT 5.0" or "android-dhcp-13".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_vendor_class: Option<String>,
    /// The options the DHCP client asks for (option 55), e.g. "1,3,6,15": an OS fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_fingerprint: Option<String>,
    /// The DHCP client identifier (option 61), in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_client_id: Option<String>,
}

impl DeviceInfo {
    pub fn is_empty(&self) -> bool {
        *self == DeviceInfo::default()
    }

    /// Fills what is still unknown from `other` (the first source to speak keeps its word).
    pub fn absorb(&mut self, mut other: DeviceInfo) {
        for (slot, value) in self.fields_mut().into_iter().zip(other.fields_mut()) {
            if slot.is_none() {
                *slot = value.take().filter(|v| !v.trim().is_empty());
            }
        }
    }

    /// Every field by name, for validation.
    pub fn fields(&self) -> [(&'static str, &Option<String>); 10] {
        [
            ("manufacturer", &self.manufacturer),
            ("model", &self.model),
            ("model_number", &self.model_number),
            ("serial", &self.serial),
            ("upnp_type", &self.upnp_type),
            ("os", &self.os),
            ("domain", &self.domain),
            ("dhcp_vendor_class", &self.dhcp_vendor_class),
            ("dhcp_fingerprint", &self.dhcp_fingerprint),
            ("dhcp_client_id", &self.dhcp_client_id),
        ]
    }

    /// Every field, to clean network-sourced text in place.
    pub fn fields_mut(&mut self) -> [&mut Option<String>; 10] {
        [
            &mut self.manufacturer,
            &mut self.model,
            &mut self.model_number,
            &mut self.serial,
            &mut self.upnp_type,
            &mut self.os,
            &mut self.domain,
            &mut self.dhcp_vendor_class,
            &mut self.dhcp_fingerprint,
            &mut self.dhcp_client_id,
        ]
    }

    /// Every text field, for matching rules against "what the device says it is".
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [
            &self.manufacturer,
            &self.model,
            &self.model_number,
            &self.upnp_type,
        ]
        .into_iter()
        .filter_map(|v| v.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_trusted_source_names_the_host() {
        let mut names = Vec::new();
        add_name(&mut names, "Living Room TV", NameSource::Upnp);
        add_name(&mut names, "DESKTOP-7QK2", NameSource::Netbios);
        add_name(&mut names, "desktop-7qk2.corp.example.", NameSource::Smb);
        add_name(&mut names, "DESKTOP-7QK2", NameSource::Netbios);
        add_name(&mut names, "  ", NameSource::Dns);
        assert_eq!(names.len(), 3, "duplicates and blanks are dropped");
        assert_eq!(
            fused_hostname(&names).as_deref(),
            Some("desktop-7qk2.corp.example")
        );
        add_name(&mut names, "pc1.corp.example", NameSource::Dns);
        assert_eq!(fused_hostname(&names).as_deref(), Some("pc1.corp.example"));
        assert_eq!(fused_hostname(&[]), None);
    }

    #[test]
    fn device_info_keeps_the_first_word() {
        let mut info = DeviceInfo {
            model: Some("LaserJet M404dn".into()),
            ..Default::default()
        };
        info.absorb(DeviceInfo {
            model: Some("other".into()),
            manufacturer: Some("HP".into()),
            serial: Some(" ".into()),
            ..Default::default()
        });
        assert_eq!(info.model.as_deref(), Some("LaserJet M404dn"));
        assert_eq!(info.manufacturer.as_deref(), Some("HP"));
        assert_eq!(info.serial, None);
        assert!(!info.is_empty() && DeviceInfo::default().is_empty());
    }
}
