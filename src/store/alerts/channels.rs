//! Alert channels: a generic webhook (HMAC-signed), Slack and Microsoft Teams incoming
//! webhooks, e-mail over SMTP, and syslog (RFC 5424 over UDP or TCP). What addresses a channel is a secret
//! (a webhook URL's path is its credential): stored, used, never shown; a channel shows its
//! kind, name and host only.
use super::schedule::Schedule;
use super::severity;
use crate::store::entity::alert_channel;
use crate::store::error::{StoreError, StoreResult};
use crate::store::sites;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Webhook,
    Slack,
    Teams,
    Smtp,
    Syslog,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Slack => "slack",
            ChannelKind::Teams => "teams",
            ChannelKind::Smtp => "smtp",
            ChannelKind::Syslog => "syslog",
        }
    }

    pub fn parse(s: &str) -> Option<ChannelKind> {
        [
            ChannelKind::Webhook,
            ChannelKind::Slack,
            ChannelKind::Teams,
            ChannelKind::Smtp,
            ChannelKind::Syslog,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// How an SMTP channel protects the connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// Plain connection upgraded with STARTTLS (refused if the server does not offer it).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only for a relay on the same host or LAN, and never with a password.
    None,
}

/// An SMTP channel's relay, sender and recipients.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    /// Default: 587 with STARTTLS, 465 with TLS, 25 without.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: MailSecurity,
    #[serde(default)]
    pub username: Option<String>,
    /// Write-only.
    #[serde(default)]
    pub password: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    /// `tr` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// A CA certificate (PEM) the relay's certificate chains to, for relays with an
    /// internal CA; the system's public roots are trusted as well.
    #[serde(default)]
    pub ca_pem: Option<String>,
}

impl SmtpSettings {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            MailSecurity::Starttls => 587,
            MailSecurity::Tls => 465,
            MailSecurity::None => 25,
        })
    }

    fn check(&self) -> StoreResult<()> {
        let bad = |why: String| Err(StoreError::Invalid(why));
        let host = self.host.trim();
        if host.is_empty() || host.len() > 253 || host.contains(['/', ' ', '@']) {
            return bad("smtp.host must be a host name or address".into());
        }
        if self.port == Some(0) {
            return bad("smtp.port must be 1 to 65535".into());
        }
        if self.security == MailSecurity::None && self.password.is_some() {
            return bad("a password would travel in clear: use security starttls or tls".into());
        }
        if self.username.is_some() != self.password.is_some() {
            return bad("give smtp.username and smtp.password together".into());
        }
        if self.to.is_empty() || self.to.len() > 20 {
            return bad("smtp.to needs 1 to 20 recipients".into());
        }
        for addr in std::iter::once(&self.from).chain(&self.to) {
            addr.parse::<lettre::message::Mailbox>()
                .map_err(|_| StoreError::Invalid(format!("{addr:?} is not an e-mail address")))?;
        }
        if !matches!(self.lang.as_deref(), None | Some("tr") | Some("en")) {
            return bad("smtp.lang is tr or en".into());
        }
        if let Some(pem) = &self.ca_pem {
            lettre::transport::smtp::client::Certificate::from_pem(pem.as_bytes())
                .map_err(|_| StoreError::Invalid("smtp.ca_pem is not a PEM certificate".into()))?;
        }
        Ok(())
    }
}

/// What a channel needs to send; kept in the `secret` column as JSON.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Destination {
    /// Webhook, Slack and Teams: where to POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Webhook: the key of the `X-Bigr-Signature` HMAC-SHA256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_key: Option<String>,
    /// Syslog: `udp://host:port` or `tcp://host:port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syslog: Option<String>,
    /// E-mail: the relay and the message's addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<SmtpSettings>,
}

/// A new channel, as an admin gives it.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChannel {
    pub kind: ChannelKind,
    pub name: String,
    /// Only this site's alerts; none: every site's.
    #[serde(default)]
    pub site: Option<String>,
    /// Webhook, Slack, Teams: the URL to POST to (write-only).
    #[serde(default)]
    pub url: Option<String>,
    /// Webhook: the HMAC key (write-only); generated and shown once when left out.
    #[serde(default)]
    pub hmac_key: Option<String>,
    /// Syslog: `udp://host:port` or `tcp://host:port`.
    #[serde(default)]
    pub address: Option<String>,
    /// E-mail: the relay, sender and recipients (the password is write-only).
    #[serde(default)]
    pub smtp: Option<SmtpSettings>,
    /// Alerts below this severity are not sent here (default: low).
    #[serde(default)]
    pub min_severity: Option<String>,
    /// Digests and quiet hours (default: every message at once).
    #[serde(default)]
    pub schedule: Option<Schedule>,
}

/// A channel as it may be shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelView {
    pub id: Uuid,
    pub kind: ChannelKind,
    pub name: String,
    pub site: Option<String>,
    /// The host it sends to; never a URL's path or query.
    pub target: String,
    pub min_severity: String,
    pub enabled: bool,
    pub schedule: Schedule,
    pub created_at: DateTime<Utc>,
    /// Failed sends in a row; 0 when the last one went through.
    pub failures: i32,
    /// After failures, messages for this channel wait until then (doubling, at most an hour).
    pub paused_until: Option<DateTime<Utc>>,
}

/// A channel just made, with the HMAC key when the server generated it (shown this once).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelCreated {
    pub channel: ChannelView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hmac_key: Option<String>,
}

/// scheme://host[:port] of an http(s) URL; an error for anything else.
fn web_target(url: &str) -> StoreResult<String> {
    let u = url::Url::parse(url.trim())
        .map_err(|e| StoreError::Invalid(format!("the URL is not valid: {e}")))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(StoreError::Invalid(
            "the URL must be http:// or https://".into(),
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(StoreError::Invalid(
            "put no user or password in the URL".into(),
        ));
    }
    Ok(match u.port() {
        Some(p) => format!("{}://{}:{p}", u.scheme(), u.host_str().unwrap_or_default()),
        None => format!("{}://{}", u.scheme(), u.host_str().unwrap_or_default()),
    })
}

/// Checks a syslog address, `udp://host:port` or `tcp://host:port`.
pub fn syslog_target(address: &str) -> StoreResult<(bool, String)> {
    let a = address.trim();
    let (tcp, rest) = if let Some(r) = a.strip_prefix("tcp://") {
        (true, r)
    } else if let Some(r) = a.strip_prefix("udp://") {
        (false, r)
    } else {
        return Err(StoreError::Invalid(
            "a syslog address is udp://host:port or tcp://host:port".into(),
        ));
    };
    let ok = rest
        .rsplit_once(':')
        .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|p| p > 0));
    if !ok {
        return Err(StoreError::Invalid(format!(
            "{a:?}: the address needs a host and a port"
        )));
    }
    Ok((tcp, rest.to_string()))
}

/// A channel's delivery schedule (kept in `settings`; the default when none is stored).
pub fn schedule_of(c: &alert_channel::Model) -> Schedule {
    c.settings
        .get("schedule")
        .and_then(|s| serde_json::from_value(s.clone()).ok())
        .unwrap_or_default()
}

pub(super) fn view(c: alert_channel::Model, site: Option<String>) -> ChannelView {
    ChannelView {
        schedule: schedule_of(&c),
        id: c.id,
        kind: ChannelKind::parse(&c.kind).unwrap_or(ChannelKind::Webhook),
        name: c.name,
        site,
        target: c.target,
        min_severity: c.min_severity,
        enabled: c.enabled,
        created_at: c.created_at,
        failures: c.failures,
        paused_until: c.paused_until,
    }
}

/// Adds a channel.
pub async fn add<C: ConnectionTrait>(db: &C, new: NewChannel) -> StoreResult<ChannelCreated> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::Invalid(
            "a channel needs a name of 1 to 100 characters".into(),
        ));
    }
    let site = match new.site.as_deref() {
        Some(s) => Some(sites::require(db, s).await?),
        None => None,
    };
    let min_severity = severity(new.min_severity.as_deref().unwrap_or("low"))?;
    let schedule = new.schedule.clone().unwrap_or_default();
    schedule.check()?;
    let mut generated = None;
    let (target, destination) =
        match new.kind {
            ChannelKind::Webhook | ChannelKind::Slack | ChannelKind::Teams => {
                let url = new.url.as_deref().ok_or_else(|| {
                    StoreError::Invalid(format!("a {} channel needs a URL", new.kind.as_str()))
                })?;
                if new.address.is_some() {
                    return Err(StoreError::Invalid(
                        "an address is for syslog channels".into(),
                    ));
                }
                let hmac_key = match (new.kind, new.hmac_key) {
                    (ChannelKind::Webhook, Some(k)) if k.trim().len() >= 16 => {
                        Some(k.trim().to_string())
                    }
                    (ChannelKind::Webhook, Some(_)) => {
                        return Err(StoreError::Invalid(
                            "an HMAC key needs at least 16 characters".into(),
                        ));
                    }
                    (ChannelKind::Webhook, None) => {
                        let k = crate::model::token::random_hex(32).map_err(StoreError::Invalid)?;
                        generated = Some(k.clone());
                        Some(k)
                    }
                    (_, Some(_)) => {
                        return Err(StoreError::Invalid(
                            "an HMAC key is for webhook channels".into(),
                        ));
                    }
                    (_, None) => None,
                };
                (
                    web_target(url)?,
                    Destination {
                        url: Some(url.trim().to_string()),
                        hmac_key,
                        ..Default::default()
                    },
                )
            }
            ChannelKind::Smtp => {
                let smtp = new.smtp.clone().ok_or_else(|| {
                    StoreError::Invalid("an smtp channel needs smtp settings".into())
                })?;
                if new.url.is_some() || new.hmac_key.is_some() || new.address.is_some() {
                    return Err(StoreError::Invalid(
                        "an smtp channel takes smtp settings only".into(),
                    ));
                }
                smtp.check()?;
                let target = format!(
                    "smtp://{}:{} → {}",
                    smtp.host.trim(),
                    smtp.port(),
                    smtp.to.join(", ")
                );
                (
                    target,
                    Destination {
                        smtp: Some(SmtpSettings {
                            host: smtp.host.trim().to_string(),
                            ..smtp
                        }),
                        ..Default::default()
                    },
                )
            }
            ChannelKind::Syslog => {
                let address = new.address.as_deref().ok_or_else(|| {
                    StoreError::Invalid("a syslog channel needs an address".into())
                })?;
                if new.url.is_some() || new.hmac_key.is_some() {
                    return Err(StoreError::Invalid(
                        "a syslog channel takes an address only".into(),
                    ));
                }
                syslog_target(address)?;
                (
                    address.trim().to_string(),
                    Destination {
                        syslog: Some(address.trim().to_string()),
                        ..Default::default()
                    },
                )
            }
        };
    // What is shown fits its column (20 long recipients would not): cut, with a mark.
    let target = if target.chars().count() > 500 {
        target.chars().take(499).chain(['…']).collect()
    } else {
        target
    };
    let row = alert_channel::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site.as_ref().map(|s| s.id)),
        kind: Set(new.kind.as_str().into()),
        name: Set(name.to_string()),
        target: Set(target),
        secret: Set(serde_json::to_string(&destination).unwrap_or_default()),
        settings: Set(serde_json::json!({ "schedule": schedule })),
        min_severity: Set(min_severity.into()),
        enabled: Set(true),
        created_at: Set(Utc::now()),
        failures: Set(0),
        paused_until: Set(None),
    };
    let model: alert_channel::Model = row.clone().try_into().expect("every field set");
    alert_channel::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(ChannelCreated {
        channel: view(model, site.map(|s| s.name)),
        hmac_key: generated,
    })
}

/// Channels of `site` and of every site (all channels when `site` is None).
pub async fn list<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<Vec<ChannelView>> {
    let mut q = alert_channel::Entity::find().order_by_asc(alert_channel::Column::CreatedAt);
    if let Some(name) = site {
        let s = sites::require(db, name).await?;
        q = q.filter(
            alert_channel::Column::SiteId
                .is_null()
                .or(alert_channel::Column::SiteId.eq(s.id)),
        );
    }
    let rows = q.all(db).await?;
    let names = sites::names(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let site = r.site_id.and_then(|id| names.get(&id).cloned());
            view(r, site)
        })
        .collect())
}

/// One channel with its destination, for sending.
pub async fn destination<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> StoreResult<(alert_channel::Model, Destination)> {
    let c = alert_channel::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("alert channel {id}")))?;
    let d = serde_json::from_str(&c.secret).unwrap_or_default();
    Ok((c, d))
}

/// Removes a channel and its undelivered messages; its view, for the audit log.
pub async fn remove<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<ChannelView> {
    let gone = one(db, id).await?;
    alert_channel::Entity::delete_by_id(id).exec(db).await?;
    Ok(gone)
}

/// One channel as it may be shown.
pub async fn one<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<ChannelView> {
    let (c, _) = destination(db, id).await?;
    shown(db, c).await
}

/// `c` as it may be shown, with its site's name.
pub(super) async fn shown<C: ConnectionTrait>(
    db: &C,
    c: alert_channel::Model,
) -> StoreResult<ChannelView> {
    let site = match c.site_id {
        Some(s) => Some(sites::name_of(db, s).await?),
        None => None,
    };
    Ok(view(c, site))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_shows_its_host_never_its_path() {
        assert_eq!(
            web_target("https://hooks.slack.com/services/T0/B0/secret").unwrap(),
            "https://hooks.slack.com"
        );
        assert_eq!(
            web_target("http://10.0.0.5:8080/hook?token=x").unwrap(),
            "http://10.0.0.5:8080"
        );
        assert!(web_target("ftp://x/y").is_err());
        assert!(web_target("https://user:pw@x/y").is_err());
        assert!(syslog_target("udp://10.0.0.9:514").is_ok());
        assert!(syslog_target("tcp://siem.lan:6514").unwrap().0);
        assert!(syslog_target("10.0.0.9:514").is_err());
        assert!(syslog_target("udp://10.0.0.9").is_err());
    }
}
