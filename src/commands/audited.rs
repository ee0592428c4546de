//! The audit log for admin actions taken on the server's machine with the command line
//! (`bigr user add`, `bigr subnets add`, `bigr tag`, …): the actor is `cli:<login user>`,
//! the address is empty, and a failure to record is a warning, as in the API.
use crate::store::audit::{self, Event};
use sea_orm::DatabaseConnection;
use serde::Serialize;

pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

pub async fn record(
    db: &DatabaseConnection,
    action: &str,
    site: Option<&str>,
    target: &str,
    after: Option<&impl Serialize>,
) {
    let event = Event {
        actor: actor(),
        address: None,
        action: action.into(),
        site: site.map(str::to_string),
        target: Some(target.to_string()),
        before: None,
        after: after.and_then(|a| serde_json::to_value(a).ok()),
    };
    if let Err(e) = audit::record(db, event).await {
        tracing::warn!(action, "audit entry not written: {e}");
    }
}
