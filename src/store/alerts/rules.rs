//! Alert rules: per kind, on or off, a severity and options, for one site or (no site) every
//! site. A site's own rule wins over the global one, which wins over the default: with no
//! rules stored, every kind is on at its default severity.
use super::{AlertKind, severity};
use crate::store::entity::alert_rule;
use crate::store::error::{StoreError, StoreResult};
use crate::store::sites;
use chrono::Utc;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Options of the kinds that have some; unknown fields are refused.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RuleParams {
    /// new_device: only devices whose vendor is unknown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown_vendor_only: bool,
    /// new_device: vendors (case-insensitive substrings) that are expected, never alerted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approved_vendors: Vec<String>,
    /// new_device: MAC addresses that are expected, never alerted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approved_macs: Vec<String>,
    /// cert_expiring: days before expiry (default 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u16>,
}

impl RuleParams {
    fn check(&self, kind: AlertKind) -> StoreResult<()> {
        let bad = |what: &str| {
            Err(StoreError::Invalid(format!(
                "{what} does not apply to {} rules",
                kind.as_str()
            )))
        };
        if kind != AlertKind::NewDevice
            && (self.unknown_vendor_only
                || !self.approved_vendors.is_empty()
                || !self.approved_macs.is_empty())
        {
            return bad("a vendor or MAC filter");
        }
        if kind != AlertKind::CertExpiring && self.days.is_some() {
            return bad("days");
        }
        if self.days.is_some_and(|d| !(1..=365).contains(&d)) {
            return Err(StoreError::Invalid("days must be 1 to 365".into()));
        }
        if self.approved_vendors.len() + self.approved_macs.len() > 1000 {
            return Err(StoreError::Invalid("at most 1000 approved entries".into()));
        }
        for mac in &self.approved_macs {
            mac.parse::<crate::model::MacAddr>()
                .map_err(|_| StoreError::Invalid(format!("{mac:?} is not a MAC address")))?;
        }
        Ok(())
    }

    /// Days before expiry that a certificate alert opens.
    pub fn days(&self) -> i64 {
        i64::from(self.days.unwrap_or(30))
    }

    /// Whether a new device with this vendor and MAC is news under these options.
    pub fn wants_new_device(&self, vendor: Option<&str>, mac: Option<&str>) -> bool {
        let vendor = vendor.map(str::trim).filter(|v| !v.is_empty());
        if self.unknown_vendor_only && vendor.is_some() {
            return false;
        }
        if let Some(v) = vendor {
            let v = v.to_lowercase();
            if self
                .approved_vendors
                .iter()
                .any(|a| !a.trim().is_empty() && v.contains(&a.trim().to_lowercase()))
            {
                return false;
            }
        }
        if let Some(m) = mac.and_then(|m| m.parse::<crate::model::MacAddr>().ok())
            && self
                .approved_macs
                .iter()
                .any(|a| a.parse::<crate::model::MacAddr>().ok() == Some(m))
        {
            return false;
        }
        true
    }
}

/// One rule as it applies.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rule {
    pub kind: AlertKind,
    /// The site the stored rule is for; None for every site (or the default).
    pub site: Option<String>,
    pub enabled: bool,
    pub severity: String,
    pub params: RuleParams,
    /// False when nothing is stored and the default applies.
    pub stored: bool,
}

impl Rule {
    fn default_for(kind: AlertKind) -> Rule {
        Rule {
            kind,
            site: None,
            enabled: true,
            severity: kind.default_severity().into(),
            params: RuleParams::default(),
            stored: false,
        }
    }
}

/// Defaults, then global rows, then the site's own rows over them.
fn merge(rows: Vec<alert_rule::Model>, site_name: Option<&str>) -> BTreeMap<AlertKind, Rule> {
    let mut out: BTreeMap<AlertKind, Rule> = AlertKind::ALL
        .into_iter()
        .map(|k| (k, Rule::default_for(k)))
        .collect();
    let (global, own): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.site_id.is_none());
    for r in global.into_iter().chain(own) {
        if let Some(kind) = AlertKind::parse(&r.kind) {
            out.insert(
                kind,
                Rule {
                    kind,
                    site: r.site_id.and(site_name.map(str::to_string)),
                    enabled: r.enabled,
                    severity: r.severity,
                    params: serde_json::from_value(r.params).unwrap_or_default(),
                    stored: true,
                },
            );
        }
    }
    out
}

async fn rows_for<C: ConnectionTrait>(
    db: &C,
    site_id: Option<Uuid>,
) -> StoreResult<Vec<alert_rule::Model>> {
    let global = alert_rule::Column::SiteId.is_null();
    Ok(alert_rule::Entity::find()
        .filter(match site_id {
            Some(id) => global.or(alert_rule::Column::SiteId.eq(id)),
            None => global,
        })
        .all(db)
        .await?)
}

/// The rules in force for a site (every kind present).
pub async fn effective<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
) -> StoreResult<BTreeMap<AlertKind, Rule>> {
    Ok(merge(rows_for(db, Some(site_id)).await?, None))
}

/// The rules in force for `site` (or for every site), each naming where it comes from.
pub async fn list<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<Vec<Rule>> {
    let site_row = match site {
        Some(name) => Some(sites::require(db, name).await?),
        None => None,
    };
    let rows = rows_for(db, site_row.as_ref().map(|s| s.id)).await?;
    Ok(merge(rows, site_row.as_ref().map(|s| s.name.as_str()))
        .into_values()
        .collect())
}

/// A change to one rule; fields left None keep their value.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleChange {
    pub enabled: Option<bool>,
    pub severity: Option<String>,
    pub params: Option<RuleParams>,
}

/// Stores the rule of `kind` for `site` (None: every site), starting from the one in force.
pub async fn set<C: ConnectionTrait>(
    db: &C,
    site: Option<&str>,
    kind: AlertKind,
    change: RuleChange,
) -> StoreResult<Rule> {
    let site_row = match site {
        Some(name) => Some(sites::require(db, name).await?),
        None => None,
    };
    let site_id = site_row.as_ref().map(|s| s.id);
    let current = list(db, site)
        .await?
        .into_iter()
        .find(|r| r.kind == kind)
        .unwrap_or_else(|| Rule::default_for(kind));
    let severity = match &change.severity {
        Some(s) => severity(s)?.to_string(),
        None => current.severity.clone(),
    };
    let params = change.params.unwrap_or(current.params.clone());
    params.check(kind)?;
    let enabled = change.enabled.unwrap_or(current.enabled);
    let existing = alert_rule::Entity::find()
        .filter(alert_rule::Column::Kind.eq(kind.as_str()))
        .filter(match site_id {
            Some(id) => alert_rule::Column::SiteId.eq(id),
            None => alert_rule::Column::SiteId.is_null(),
        })
        .one(db)
        .await?;
    let row = alert_rule::ActiveModel {
        id: Set(existing.as_ref().map_or_else(Uuid::now_v7, |r| r.id)),
        site_id: Set(site_id),
        kind: Set(kind.as_str().into()),
        severity: Set(severity.clone()),
        enabled: Set(enabled),
        params: Set(serde_json::to_value(&params).unwrap_or_default()),
        updated_at: Set(Utc::now()),
    };
    if existing.is_some() {
        alert_rule::Entity::update(row).exec(db).await?;
    } else {
        alert_rule::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
    }
    Ok(Rule {
        kind,
        site: site_row.map(|s| s.name),
        enabled,
        severity,
        params,
        stored: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_device_filters_follow_vendor_and_mac() {
        let p = RuleParams {
            approved_vendors: vec!["Apple".into()],
            approved_macs: vec!["aa:bb:cc:dd:ee:ff".into()],
            ..Default::default()
        };
        assert!(!p.wants_new_device(Some("Apple, Inc."), None));
        assert!(!p.wants_new_device(Some("Dell"), Some("AA-BB-CC-DD-EE-FF")));
        assert!(p.wants_new_device(Some("Dell"), Some("aa:bb:cc:dd:ee:00")));
        let unknown_only = RuleParams {
            unknown_vendor_only: true,
            ..Default::default()
        };
        assert!(!unknown_only.wants_new_device(Some("Dell"), None));
        assert!(unknown_only.wants_new_device(None, None));
        assert!(unknown_only.wants_new_device(Some("  "), None));
    }

    #[test]
    fn options_only_apply_to_their_kind() {
        let days = RuleParams {
            days: Some(14),
            ..Default::default()
        };
        assert!(days.check(AlertKind::CertExpiring).is_ok());
        assert!(days.check(AlertKind::NewDevice).is_err());
        let zero = RuleParams {
            days: Some(0),
            ..Default::default()
        };
        assert!(zero.check(AlertKind::CertExpiring).is_err());
        let bad_mac = RuleParams {
            approved_macs: vec!["nope".into()],
            ..Default::default()
        };
        assert!(bad_mac.check(AlertKind::NewDevice).is_err());
    }
}
