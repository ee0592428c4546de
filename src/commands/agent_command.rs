//! `bigr agent command AGENT KIND`: queues a command in the server's database (as the
//! dashboard's "Scan now" does), tells the running server instances on PostgreSQL at once
//! (on SQLite the agent's heartbeat finds it within its 25 s wait), records it in the audit
//! log, and with `--wait` follows it to its end.
use super::exit::Exit;
use super::output;
use crate::cli::AgentCommandArgs;
use crate::config::Settings;
use crate::model::commands::{CommandKind, CommandView, NewCommand};
use crate::store::{self, audit};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How often `--wait` looks at the command.
const POLL: Duration = Duration::from_millis(500);

async fn agent_id(db: &DatabaseConnection, text: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = Uuid::parse_str(text.trim()) {
        return Ok(id);
    }
    let named: Vec<Uuid> = store::agents::list(db, None)
        .await?
        .into_iter()
        .filter(|a| a.name == text.trim() && a.revoked_at.is_none())
        .map(|a| a.id)
        .collect();
    match named.as_slice() {
        [one] => Ok(*one),
        [] => Err(Exit::BadInput(format!("no live agent is named '{}'", text.trim())).into()),
        _ => Err(Exit::BadInput(format!(
            "several agents are named '{}': give the agent id (bigr agent list in the dashboard)",
            text.trim()
        ))
        .into()),
    }
}

pub async fn run(settings: &Settings, args: AgentCommandArgs) -> anyhow::Result<()> {
    let kind = CommandKind::parse(&args.kind.replace('-', "_"))
        .ok_or_else(|| Exit::BadInput(format!("unknown command '{}'", args.kind)))?;
    let wait = args
        .wait
        .as_deref()
        .map(crate::agent::parse_duration)
        .transpose()
        .map_err(Exit::BadInput)?;
    let cargs = crate::control::command_args::check(&NewCommand {
        kind,
        targets: args.targets.clone(),
        ports: args.ports.clone(),
        shield: args.shield,
    })
    .map_err(|e| Exit::BadInput(format!("--{}: {}", e.field, e.why)))?;
    let db = super::open(settings).await?;
    let agent = agent_id(&db, &args.agent).await?;
    let actor = super::audited::actor();
    let view = store::commands::issue(&db, agent, kind, &cargs, &actor, chrono::Utc::now())
        .await
        .map_err(|e| match e {
            store::StoreError::NotFound(_) | store::StoreError::Conflict(_) => {
                anyhow::Error::from(Exit::BadInput(e.to_string()))
            }
            other => other.into(),
        })?;
    store::commands::announce(&db, agent)
        .await
        .context("cannot notify the server")?;
    audit::record(
        &db,
        audit::Event {
            actor,
            action: "command.issue".into(),
            site: Some(view.site.clone()),
            target: Some(format!("{} → agent {agent}", kind.as_str())),
            after: serde_json::to_value(&view.args).ok(),
            ..Default::default()
        },
    )
    .await?;
    let Some(limit) = wait else {
        return show(&view, args.json);
    };
    let deadline = Instant::now() + limit;
    let mut last = view;
    while !last.state.is_final() && Instant::now() < deadline {
        tokio::time::sleep(POLL).await;
        last = store::commands::get(&db, last.id).await?;
    }
    show(&last, args.json)?;
    match last.state {
        s if !s.is_final() => Err(Exit::Undelivered(format!(
            "command {} is still {} after {}",
            last.id,
            s.as_str(),
            args.wait.unwrap_or_default()
        ))
        .into()),
        crate::model::commands::CommandState::Completed => Ok(()),
        s => anyhow::bail!(
            "command {} {}: {}",
            last.id,
            s.as_str(),
            last.result
                .as_ref()
                .and_then(|r| r.detail.clone())
                .unwrap_or_default()
        ),
    }
}

fn show(view: &CommandView, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json(view);
    }
    let result = view
        .result
        .as_ref()
        .map(|r| {
            let mut parts = Vec::new();
            if let Some(id) = r.scan_id {
                parts.push(format!("scan {id}"));
            }
            if let Some(n) = r.assets {
                parts.push(format!("{n} asset(s)"));
            }
            if let Some(n) = r.changes {
                parts.push(format!("{n} change(s)"));
            }
            if let Some(d) = &r.detail {
                parts.push(d.clone());
            }
            parts.join(", ")
        })
        .unwrap_or_default();
    outln!(
        "command {} ({}) for agent {} in site '{}': {}{}",
        view.id,
        view.kind.as_str(),
        view.agent_id,
        view.site,
        view.state.as_str(),
        if result.is_empty() {
            String::new()
        } else {
            format!(": {result}")
        }
    );
    Ok(())
}
