//! `bigr alerts`: the alerts of the local inventory (the one `bigr serve` uses), their rules
//! and channels. `deliver` runs one evaluation and delivery pass, for installs without a
//! running server (from cron); `bigr serve` does the same every few seconds by itself.
use super::output::{self, opt_time};
use crate::store::alerts::channels::{self, ChannelKind, MailSecurity, NewChannel, SmtpSettings};
use crate::store::alerts::rules::{self, RuleChange, RuleParams};
use crate::store::alerts::views::{self, AlertFilter};
use crate::store::alerts::{AlertKind, evaluate};
use clap::{Args, Subcommand};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Alerts, newest first (default: the active ones, open or acknowledged)
    List(ListArgs),
    /// Acknowledge an alert: someone is on it (it still resolves when the condition clears)
    Ack {
        id: Uuid,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Send a test message to a channel now and say whether it arrived
    Test { channel: Uuid },
    /// Evaluate stored scans and states, and send what is due (what `serve` does by itself)
    Deliver,
    /// Where alerts are sent
    #[command(subcommand)]
    Channel(ChannelCommand),
    /// The rules in force (a site's own, else every site's, else the default: on)
    Rules {
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change one rule, for a site or (no --site) every site
    Rule(RuleArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    pub site: Option<String>,
    /// open, acknowledged, resolved or active
    #[arg(long, default_value = "active")]
    pub status: String,
    #[arg(long)]
    pub kind: Option<AlertKind>,
    #[command(flatten)]
    pub page: crate::cli::PageArgs,
    #[arg(long)]
    pub json: bool,
}

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

fn read_secret(path: &std::path::Path) -> anyhow::Result<String> {
    Ok(std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?
        .trim_end_matches(['\r', '\n'])
        .to_string())
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
                .map(read_secret)
                .transpose()?,
            from: self.from.unwrap_or_default(),
            to: self.to,
            lang: Some(self.mail_lang),
            ca_pem: self.smtp_ca_file.as_deref().map(read_secret).transpose()?,
        }))
    }
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    pub kind: AlertKind,
    #[arg(long)]
    pub site: Option<String>,
    #[arg(long, conflicts_with = "off")]
    pub on: bool,
    #[arg(long)]
    pub off: bool,
    #[arg(long)]
    pub severity: Option<String>,
    /// cert_expiring: days before expiry
    #[arg(long)]
    pub days: Option<u16>,
    /// new_device: only devices of unknown vendors
    #[arg(long)]
    pub unknown_vendor_only: Option<bool>,
}

pub async fn run(db: &DatabaseConnection, cmd: AlertsCommand) -> anyhow::Result<()> {
    match cmd {
        AlertsCommand::List(a) => list(db, a).await,
        AlertsCommand::Ack { id, note } => {
            let actor = super::audited::actor();
            let v = views::acknowledge(db, id, &actor, &note, chrono::Utc::now()).await?;
            super::audited::record(
                db,
                "alert.ack",
                Some(&v.site),
                &v.title,
                Some(&serde_json::json!({"note": v.ack_note})),
            )
            .await;
            outln!("alert {} acknowledged: {}", v.id, v.title);
            Ok(())
        }
        AlertsCommand::Test { channel } => {
            let d = crate::alerts::send_test(db, channel).await?;
            if d.status == "sent" {
                outln!("test message sent to {}", d.channel);
                Ok(())
            } else {
                anyhow::bail!(
                    "test message to {} not delivered: {} (it will be retried)",
                    d.channel,
                    d.last_error.unwrap_or_default()
                )
            }
        }
        AlertsCommand::Deliver => {
            let t = evaluate::run(db, chrono::Utc::now()).await?;
            let worker = crate::alerts::worker_name();
            let mut sent = 0;
            // Everything due now, in bounded passes.
            for _ in 0..50 {
                let n = crate::alerts::deliver_due(db, &worker).await?;
                sent += n;
                if n == 0 {
                    break;
                }
            }
            outln!(
                "{} alerts opened, {} resolved, {sent} messages sent",
                t.opened,
                t.resolved
            );
            Ok(())
        }
        AlertsCommand::Channel(c) => channel(db, c).await,
        AlertsCommand::Rules { site, json } => {
            let list = rules::list(db, site.as_deref()).await?;
            if json {
                return output::json(&list);
            }
            output::table(
                &["KIND", "ON", "SEVERITY", "FROM", "OPTIONS"],
                list.into_iter()
                    .map(|r| {
                        vec![
                            r.kind.as_str().into(),
                            if r.enabled { "yes" } else { "no" }.into(),
                            r.severity,
                            match (r.stored, r.site) {
                                (false, _) => "default".into(),
                                (true, Some(s)) => format!("site {s}"),
                                (true, None) => "every site".into(),
                            },
                            serde_json::to_string(&r.params).unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )?;
            Ok(())
        }
        AlertsCommand::Rule(a) => {
            let params = if a.days.is_some() || a.unknown_vendor_only.is_some() {
                let current = rules::list(db, a.site.as_deref())
                    .await?
                    .into_iter()
                    .find(|r| r.kind == a.kind)
                    .map(|r| r.params)
                    .unwrap_or_default();
                Some(RuleParams {
                    days: a.days.or(current.days),
                    unknown_vendor_only: a
                        .unknown_vendor_only
                        .unwrap_or(current.unknown_vendor_only),
                    ..current
                })
            } else {
                None
            };
            let change = RuleChange {
                enabled: (a.on || a.off).then_some(a.on),
                severity: a.severity,
                params,
            };
            let r = rules::set(db, a.site.as_deref(), a.kind, change).await?;
            super::audited::record(
                db,
                "alert_rule.set",
                r.site.as_deref(),
                r.kind.as_str(),
                Some(&r),
            )
            .await;
            outln!(
                "rule {}: {} at {}",
                r.kind.as_str(),
                if r.enabled { "on" } else { "off" },
                r.severity
            );
            Ok(())
        }
    }
}

async fn list(db: &DatabaseConnection, a: ListArgs) -> anyhow::Result<()> {
    let f = AlertFilter {
        site: a.site,
        status: Some(a.status),
        kind: a.kind.map(|k| k.as_str().to_string()),
        severity: None,
    };
    let page = crate::store::PageRequest::new(a.page.page, a.page.limit)?;
    let p = views::list(db, &f, page).await?;
    if a.json {
        return output::json(&p);
    }
    output::table(
        &[
            "ID", "SEVERITY", "STATUS", "SITE", "OPENED", "TIMES", "TITLE",
        ],
        p.items
            .into_iter()
            .map(|v| {
                vec![
                    v.id.to_string(),
                    v.severity,
                    v.status,
                    v.site,
                    opt_time(&Some(v.opened_at)),
                    v.occurrences.to_string(),
                    v.title,
                ]
            })
            .collect(),
    )?;
    Ok(())
}

async fn channel(db: &DatabaseConnection, c: ChannelCommand) -> anyhow::Result<()> {
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
                &["ID", "KIND", "NAME", "SITE", "TARGET", "MIN SEVERITY"],
                list.into_iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            c.kind.as_str().into(),
                            c.name,
                            c.site.unwrap_or_else(|| "*".into()),
                            c.target,
                            c.min_severity,
                        ]
                    })
                    .collect(),
            )?;
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
