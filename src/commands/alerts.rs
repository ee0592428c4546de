//! `bigr alerts`: the alerts of the local inventory (the one `bigr serve` uses), their rules
//! and channels. `deliver` runs one evaluation and delivery pass, for installs without a
//! running server (from cron); `bigr serve` does the same every few seconds by itself.
use super::output::{self, opt_time};
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
    Channel(super::alert_channels::ChannelCommand),
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
            crate::store::alerts::digest::release_due(db, chrono::Utc::now()).await?;
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
        AlertsCommand::Channel(c) => super::alert_channels::run(db, c).await,
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
