//! How bigr reaches a switch or router over SNMP: v1/v2c with a community, or v3 with a USM
//! user (authentication and, optionally, privacy). One shape for the store, the wire to
//! agents and the poller; secrets never reach a `{:?}`.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a registered device is polled for.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum GearRole {
    /// Forwarding table (which MAC on which port), VLANs and neighbours.
    #[default]
    Switch,
    /// Also its ARP/neighbour table: the addresses and MACs of routed subnets.
    Router,
}

impl GearRole {
    pub fn as_str(self) -> &'static str {
        match self {
            GearRole::Switch => "switch",
            GearRole::Router => "router",
        }
    }
}

impl FromStr for GearRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "switch" | "" => Ok(GearRole::Switch),
            "router" => Ok(GearRole::Router),
            other => Err(format!(
                "role '{other}' is not known (use switch or router)"
            )),
        }
    }
}

/// USM authentication (RFC 3414; SHA-2 from RFC 7860).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthProtocol {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

/// USM privacy. `aes192c`/`aes256c` extend the key as Cisco does (Reeder); `aes192`/`aes256`
/// as net-snmp and most others do (Blumenthal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PrivProtocol {
    Des,
    Aes128,
    Aes192,
    Aes256,
    Aes192c,
    Aes256c,
}

const AUTH_NAMES: [(&str, AuthProtocol); 7] = [
    ("md5", AuthProtocol::Md5),
    ("sha", AuthProtocol::Sha1),
    ("sha1", AuthProtocol::Sha1),
    ("sha224", AuthProtocol::Sha224),
    ("sha256", AuthProtocol::Sha256),
    ("sha384", AuthProtocol::Sha384),
    ("sha512", AuthProtocol::Sha512),
];

const PRIV_NAMES: [(&str, PrivProtocol); 7] = [
    ("des", PrivProtocol::Des),
    ("aes", PrivProtocol::Aes128),
    ("aes128", PrivProtocol::Aes128),
    ("aes192", PrivProtocol::Aes192),
    ("aes256", PrivProtocol::Aes256),
    ("aes192c", PrivProtocol::Aes192c),
    ("aes256c", PrivProtocol::Aes256c),
];

/// `SHA-256`, `sha256` and `SHA256` are one name.
fn normalised(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(['-', '_'], "")
}

impl FromStr for AuthProtocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let n = normalised(s);
        AUTH_NAMES
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                format!(
                    "authentication '{s}' is not known (MD5, SHA, SHA224, SHA256, SHA384, SHA512)"
                )
            })
    }
}

impl FromStr for PrivProtocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let n = normalised(s);
        PRIV_NAMES
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                format!(
                    "privacy '{s}' is not known (DES, AES128, AES192, AES256, AES192C, AES256C)"
                )
            })
    }
}

impl fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = AUTH_NAMES
            .iter()
            .rev()
            .find(|(_, p)| p == self)
            .map(|(n, _)| *n);
        f.write_str(&name.unwrap_or("?").to_ascii_uppercase())
    }
}

impl fmt::Display for PrivProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = PRIV_NAMES
            .iter()
            .rev()
            .find(|(_, p)| p == self)
            .map(|(n, _)| *n);
        f.write_str(&name.unwrap_or("?").to_ascii_uppercase())
    }
}

/// The shortest pass phrase net-snmp accepts (RFC 3414 recommends at least 8 characters).
pub const MIN_PASS_LEN: usize = 8;
/// A bound for every name and secret here (what the store's columns hold).
pub const MAX_FIELD_LEN: usize = 255;

/// An SNMPv3 user's credentials.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UsmCredentials {
    pub user: String,
    pub auth: AuthProtocol,
    /// Write-only: stored for the poller, never shown.
    pub auth_pass: String,
    /// Unset: authentication without encryption (authNoPriv).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<PrivProtocol>,
    /// Write-only; required with `privacy`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub priv_pass: String,
    /// SNMPv3 context (per-VLAN tables on Cisco: `vlan-10`); empty: the default context.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context: String,
}

impl fmt::Debug for UsmCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsmCredentials")
            .field("user", &self.user)
            .field("auth", &self.auth)
            .field("privacy", &self.privacy)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl UsmCredentials {
    /// The first problem with these credentials, in words that name no secret.
    pub fn problem(&self) -> Option<String> {
        let user = self.user.trim();
        if user.is_empty() || user.len() > 32 {
            return Some("the SNMPv3 user must be 1-32 characters".into());
        }
        let pass_ok = |p: &str| (MIN_PASS_LEN..=MAX_FIELD_LEN).contains(&p.len());
        if !pass_ok(&self.auth_pass) {
            return Some(format!(
                "the SNMPv3 authentication pass phrase must be {MIN_PASS_LEN}-{MAX_FIELD_LEN} characters"
            ));
        }
        match self.privacy {
            Some(_) if !pass_ok(&self.priv_pass) => Some(format!(
                "the SNMPv3 privacy pass phrase must be {MIN_PASS_LEN}-{MAX_FIELD_LEN} characters"
            )),
            None if !self.priv_pass.is_empty() => {
                Some("a privacy pass phrase needs a privacy protocol (--priv)".into())
            }
            _ if self.context.len() > 32 => {
                Some("the SNMPv3 context must be at most 32 characters".into())
            }
            _ => None,
        }
    }
}

/// A switch or router to poll, with what it takes to reach it. Sent only to agents of its
/// own site; `{:?}` shows neither the community nor any pass phrase.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SwitchCredentials {
    pub host: String,
    /// v1/v2c only; empty for v3.
    #[serde(default)]
    pub community: String,
    /// `2c`, `1` or `3`.
    pub snmp_version: String,
    /// Present exactly when `snmp_version` is `3`. Older agents ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usm: Option<UsmCredentials>,
    #[serde(default)]
    pub role: GearRole,
}

impl fmt::Debug for SwitchCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SwitchCredentials")
            .field("host", &self.host)
            .field("snmp_version", &self.snmp_version)
            .field("usm", &self.usm)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl SwitchCredentials {
    /// v1/v2c credentials for a switch.
    pub fn community(host: &str, community: &str, version: &str) -> Self {
        SwitchCredentials {
            host: host.to_string(),
            community: community.to_string(),
            snmp_version: version.to_string(),
            usm: None,
            role: GearRole::Switch,
        }
    }

    /// The first problem with these credentials, naming no secret.
    pub fn problem(&self) -> Option<String> {
        match (self.snmp_version.as_str(), &self.usm) {
            ("1" | "2c", None) if self.community.is_empty() || self.community.len() > MAX_FIELD_LEN => {
                Some("the SNMP community must be 1-255 characters".into())
            }
            ("1" | "2c", None) => None,
            ("1" | "2c", Some(_)) => Some(format!(
                "SNMPv3 credentials need --snmp-version 3 (not {})",
                self.snmp_version
            )),
            ("3", Some(_)) if !self.community.is_empty() => {
                Some("SNMPv3 uses a user, not a community".into())
            }
            ("3", Some(usm)) => usm.problem(),
            ("3", None) => Some("SNMPv3 needs a user and an authentication protocol and pass phrase (--user, --auth, --auth-pass-file)".into()),
            (v, _) => Some(format!("SNMP version '{v}' is not supported (use 1, 2c or 3)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v3(privacy: Option<PrivProtocol>, priv_pass: &str) -> SwitchCredentials {
        SwitchCredentials {
            host: "10.0.0.2".into(),
            community: String::new(),
            snmp_version: "3".into(),
            usm: Some(UsmCredentials {
                user: "bigr".into(),
                auth: AuthProtocol::Sha256,
                auth_pass: "auth-s3cret".into(),
                privacy,
                priv_pass: priv_pass.into(),
                context: String::new(),
            }),
            role: GearRole::Switch,
        }
    }

    #[test]
    fn protocol_names_read_as_operators_write_them() {
        for (name, want) in [
            ("SHA-256", AuthProtocol::Sha256),
            ("sha", AuthProtocol::Sha1),
            ("MD5", AuthProtocol::Md5),
        ] {
            assert_eq!(name.parse::<AuthProtocol>(), Ok(want));
        }
        assert_eq!("AES".parse::<PrivProtocol>(), Ok(PrivProtocol::Aes128));
        assert_eq!(
            "aes-256-c".parse::<PrivProtocol>(),
            Ok(PrivProtocol::Aes256c)
        );
        assert!(
            "sha3"
                .parse::<AuthProtocol>()
                .unwrap_err()
                .contains("SHA512")
        );
        assert_eq!(AuthProtocol::Sha1.to_string(), "SHA1");
        assert_eq!(PrivProtocol::Aes128.to_string(), "AES128");
    }

    #[test]
    fn credentials_are_checked_without_naming_a_secret() {
        assert_eq!(
            v3(Some(PrivProtocol::Aes128), "priv-s3cret").problem(),
            None
        );
        assert_eq!(v3(None, "").problem(), None);
        let short = v3(Some(PrivProtocol::Des), "short").problem().unwrap();
        assert!(
            short.contains("privacy pass phrase") && !short.contains("short"),
            "{short}"
        );
        assert!(
            v3(None, "priv-s3cret")
                .problem()
                .unwrap()
                .contains("--priv")
        );
        let mut no_usm = v3(None, "");
        no_usm.usm = None;
        assert!(no_usm.problem().unwrap().contains("--user"));
        assert!(
            SwitchCredentials::community("h", "", "2c")
                .problem()
                .is_some()
        );
        assert!(
            SwitchCredentials::community("h", "c", "4")
                .problem()
                .unwrap()
                .contains("1, 2c or 3")
        );
        assert_eq!(SwitchCredentials::community("h", "c", "1").problem(), None);
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut c = v3(Some(PrivProtocol::Aes256), "priv-s3cret");
        c.community = "community-s3cret".into();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("Sha256") && shown.contains("bigr"),
            "{shown}"
        );
    }

    #[test]
    fn an_older_server_config_reads_as_a_v2c_switch() {
        let c: SwitchCredentials = serde_json::from_value(
            serde_json::json!({"host": "h", "community": "c", "snmp_version": "2c"}),
        )
        .unwrap();
        assert_eq!((c.role, c.usm.is_none()), (GearRole::Switch, true));
    }
}
