//! `bigr alerts channel`: where alerts are sent, and when (digests, quiet hours).
use super::output;
use crate::store::alerts::channel_update::{self, ChannelChange};
use crate::store::alerts::channels::{self, ChannelKind, MailSecurity, NewChannel, SmtpSettings};
use crate::store::alerts::schedule::{Digest, Schedule};
use clap::{Args, Subcommand};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// Add a channel: webhook|slack|teams with --url, syslog with --address, smtp with
    /// --smtp-host, --from and --to
    Add {
        kind: ChannelKind,
        /// Where to POST (webhook, Slack, Teams); stored, never shown again
        #[arg(long)]
        url: Option<String>,
        /// syslog: udp://host:port or tcp://host:port
        #[arg(long)]
        address: Option<String>,
        /// Webhook: a file holding the HMAC key (else one is generated and printed once)
        #[arg(long)]
        hmac_key_file: Option<std::path::PathBuf>,
        #[arg(long)]
        name: Option<String>,
        /// Only this site's alerts (default: every site's)
        #[arg(long)]
        site: Option<String>,
        /// Alerts below this severity are not sent here
        #[arg(long, default_value = "low")]
        min_severity: String,
        #[command(flatten)]
        mail: Box<MailArgs>,
        #[command(flatten)]
        schedule: ScheduleArgs,
    },
    /// Change a channel: on or off, its severity threshold, its digests and quiet hours
    Set {
        id: Uuid,
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        #[arg(long)]
        disable: bool,
        #[arg(long)]
        min_severity: Option<String>,
        #[command(flatten)]
        schedule: ScheduleArgs,
    },
    /// List channels (without their URLs or keys)
    List {
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Remove a channel
    Remove { id: Uuid },
}

/// When a channel's messages go out. Left out: as it was (default: each message at once).
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// off (each message at once), hourly or daily summaries
    #[arg(long, value_parser = parse_digest)]
    pub digest: Option<Digest>,
    /// Daily digests: local time HH:MM (default 08:00)
    #[arg(long)]
    pub daily_at: Option<String>,
    /// Hold messages between these local times, e.g. 22:00-07:00 ("off" to clear)
    #[arg(long)]
    pub quiet_hours: Option<String>,
    /// IANA time zone of the times above (default Europe/Istanbul)
    #[arg(long)]
    pub timezone: Option<String>,
    /// Messages of this severity or above skip digests and quiet hours (default critical)
    #[arg(long)]
    pub urgent: Option<String>,
}

fn parse_digest(s: &str) -> Result<Digest, String> {
    Digest::parse(s).ok_or_else(|| format!("{s:?}: use off, hourly or daily"))
}

impl ScheduleArgs {
    fn given(&self) -> bool {
        self.digest.is_some()
            || self.daily_at.is_some()
            || self.quiet_hours.is_some()
            || self.timezone.is_some()
            || self.urgent.is_some()
    }

    /// `base` with the given fields changed.
    fn apply(self, base: Schedule) -> Schedule {
        Schedule {
            digest: self.digest.unwrap_or(base.digest),
            daily_at: self.daily_at.or(base.daily_at),
            quiet_hours: match self.quiet_hours {
                Some(q) if q.trim().eq_ignore_ascii_case("off") => None,
                Some(q) => Some(q),
                None => base.quiet_hours,
            },
            timezone: self.timezone.or(base.timezone),
            urgent: self.urgent.or(base.urgent),
        }
    }
}

/// How a schedule reads in a list: "at once", "hourly, quiet 22:00-07:00".
fn describe(s: &Schedule) -> String {
    let mut parts = vec![match s.digest {
        Digest::Off => "at once".to_string(),
        Digest::Hourly => "hourly digest".to_string(),
        Digest::Daily => format!(
            "daily digest at {}",
            s.daily_at
                .as_deref()
                .unwrap_or(crate::store::alerts::schedule::DEFAULT_DAILY_AT)
        ),
    }];
    if let Some(q) = &s.quiet_hours {
        parts.push(format!("quiet {q}"));
    }
    parts.join(", ")
}

/// The e-mail channel's settings (`channel add smtp`).
#[derive(Debug, Args)]
pub struct MailArgs {
    /// SMTP relay host
    #[arg(long)]
    pub smtp_host: Option<String>,
    #[arg(long)]
    pub smtp_port: Option<u16>,
    #[arg(long, value_enum, default_value = "starttls")]
    pub security: MailSecurityArg,
    #[arg(long)]
    pub smtp_user: Option<String>,
    /// A file holding the SMTP password (stored, never shown again)
    #[arg(long)]
    pub smtp_password_file: Option<std::path::PathBuf>,
    #[arg(long)]
    pub from: Option<String>,
    /// A recipient (repeat for more)
    #[arg(long)]
    pub to: Vec<String>,
    /// Language of the messages
    #[arg(long, value_parser = ["tr", "en"], default_value = "tr")]
    pub mail_lang: String,
    /// A CA certificate (PEM) the relay's certificate chains to
    #[arg(long)]
    pub smtp_ca_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MailSecurityArg {
    Starttls,
    Tls,
    None,
}

impl MailArgs {
    fn settings(self) -> anyhow::Result<Option<SmtpSettings>> {
        let Some(host) = self.smtp_host else {
            return Ok(None);
        };
        Ok(Some(SmtpSettings {
            host,
            port: self.smtp_port,
            security: match self.security {
                MailSecurityArg::Starttls => MailSecurity::Starttls,
                MailSecurityArg::Tls => MailSecurity::Tls,
                MailSecurityArg::None => MailSecurity::None,
            },
            username: self.smtp_user,
            password: self
                .smtp_password_file
                .as_deref()
                .map(super::secret_file::read_secret)
                .transpose()?,
            from: self.from.unwrap_or_default(),
            to: self.to,
            lang: Some(self.mail_lang),
            ca_pem: self
                .smtp_ca_file
                .as_deref()
                .map(super::secret_file::read_secret)
                .transpose()?,
        }))
    }
}

pub async fn run(db: &DatabaseConnection, c: ChannelCommand) -> anyhow::Result<()> {
    match c {
        ChannelCommand::Add {
            kind,
            url,
            address,
            hmac_key_file,
            name,
            site,
            min_severity,
            mail,
            schedule,
        } => {
            let hmac_key = match hmac_key_file {
                Some(path) => Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?
                        .trim()
                        .to_string(),
                ),
                None => None,
            };
            let created = channels::add(
                db,
                NewChannel {
                    kind,
                    name: name.unwrap_or_else(|| kind.as_str().to_string()),
                    site,
                    url,
                    hmac_key,
                    address,
                    smtp: mail.settings()?,
                    min_severity: Some(min_severity),
                    schedule: schedule
                        .given()
                        .then(|| schedule.apply(Schedule::default())),
                },
            )
            .await?;
            let v = &created.channel;
            super::audited::record(
                db,
                "alert_channel.add",
                v.site.as_deref(),
                &format!("{} {} → {}", v.kind.as_str(), v.name, v.target),
                Some(v),
            )
            .await;
            outln!(
                "channel {} ({} → {}) added: {}",
                v.name,
                v.kind.as_str(),
                v.target,
                v.id
            );
            if let Some(key) = created.hmac_key {
                // The one time it is shown: the receiver needs it to check signatures.
                outln!(
                    "HMAC key (shown once; the receiver checks X-Bigr-Signature with it):\n{key}"
                );
            }
            Ok(())
        }
        ChannelCommand::List { site, json } => {
            let list = channels::list(db, site.as_deref()).await?;
            if json {
                return output::json(&list);
            }
            output::table(
                &[
                    "ID",
                    "KIND",
                    "NAME",
                    "SITE",
                    "TARGET",
                    "MIN SEVERITY",
                    "ON",
                    "SENDS",
                ],
                list.into_iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            c.kind.as_str().into(),
                            c.name,
                            c.site.unwrap_or_else(|| "*".into()),
                            c.target,
                            c.min_severity,
                            if c.enabled { "yes" } else { "no" }.into(),
                            describe(&c.schedule),
                        ]
                    })
                    .collect(),
            )?;
            Ok(())
        }
        ChannelCommand::Set {
            id,
            enable,
            disable,
            min_severity,
            schedule,
        } => {
            let current = channels::one(db, id).await?;
            let change = ChannelChange {
                enabled: (enable || disable).then_some(enable),
                min_severity,
                schedule: schedule
                    .given()
                    .then(|| schedule.apply(current.schedule.clone())),
            };
            let v = channel_update::update(db, id, change, chrono::Utc::now()).await?;
            super::audited::record(
                db,
                "alert_channel.update",
                v.site.as_deref(),
                &format!("{} {}", v.kind.as_str(), v.name),
                Some(&v),
            )
            .await;
            outln!(
                "channel {}: {}, {} and above, {}",
                v.name,
                if v.enabled { "on" } else { "off" },
                v.min_severity,
                describe(&v.schedule)
            );
            Ok(())
        }
        ChannelCommand::Remove { id } => {
            let gone = channels::remove(db, id).await?;
            super::audited::record(
                db,
                "alert_channel.remove",
                gone.site.as_deref(),
                &format!("{} {}", gone.kind.as_str(), gone.name),
                None::<&()>,
            )
            .await;
            outln!("channel {} removed", gone.name);
            Ok(())
        }
    }
}
