//! The audit log: who did what, when, from where, and what it changed. Append-only: the
//! application has no update or delete here, and the database refuses them (triggers of
//! migration 12). Callers pass values with secrets already removed; `scrub` is the last
//! guard, dropping any field whose name says it holds one.
use super::entity::audit_entry;
use super::error::StoreResult;
use super::page::{Page, PageRequest};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use uuid::Uuid;

/// Field names whose values never enter the log, at any depth.
const SECRET_FIELDS: [&str; 9] = [
    "password",
    "community",
    "auth_pass",
    "priv_pass",
    "token",
    "secret",
    "csrf_token",
    "enroll_token",
    "password_hash",
];

/// One action to record.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// The user who acted (for a failed login: the name tried).
    pub actor: String,
    /// The client's address as the server saw it.
    pub address: Option<String>,
    /// Dotted verb, e.g. `subnet.add`, `agent.revoke`, `login.failed`.
    pub action: String,
    pub site: Option<String>,
    /// What was acted on: a CIDR, a host, an agent id, a user name.
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Replaces the value of every secret-named field with `"…"` (the fact that it changed stays
/// visible; the value does not).
pub fn scrub(mut v: serde_json::Value) -> serde_json::Value {
    match &mut v {
        serde_json::Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if SECRET_FIELDS.contains(&k.to_ascii_lowercase().as_str()) {
                    *val = serde_json::Value::String("…".into());
                } else {
                    *val = scrub(std::mem::take(val));
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items.iter_mut() {
                *item = scrub(std::mem::take(item));
            }
        }
        _ => {}
    }
    v
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Appends one entry.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn record<C: ConnectionTrait>(db: &C, e: Event) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        id: Set(id),
        at: Set(Utc::now()),
        actor: Set(cut(&e.actor, 64)),
        address: Set(e.address.map(|a| cut(&a, 64))),
        action: Set(cut(&e.action, 48)),
        site: Set(e.site.map(|s| cut(&s, 64))),
        target: Set(e.target.map(|t| cut(&t, 256))),
        before: Set(e.before.map(scrub)),
        after: Set(e.after.map(scrub)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// An entry as the API shows it.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct AuditView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub site: Option<String>,
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Which entries to list; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<String>,
    /// An action, or a prefix ending in `.` (`agent.` for every agent action).
    pub action: Option<String>,
    pub site: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    f: &Filter,
    page: PageRequest,
) -> StoreResult<Page<AuditView>> {
    use audit_entry::Column as A;
    let mut cond = Condition::all();
    if let Some(a) = &f.actor {
        cond = cond.add(A::Actor.eq(a.trim()));
    }
    match f.action.as_deref().map(str::trim) {
        Some(prefix) if prefix.ends_with('.') => {
            cond = cond.add(A::Action.starts_with(prefix));
        }
        Some(action) => cond = cond.add(A::Action.eq(action)),
        None => {}
    }
    if let Some(s) = &f.site {
        cond = cond.add(A::Site.eq(s.trim()));
    }
    if let Some(t) = f.from {
        cond = cond.add(A::At.gte(t));
    }
    if let Some(t) = f.to {
        cond = cond.add(A::At.lt(t));
    }
    let q = audit_entry::Entity::find()
        .filter(cond)
        .order_by_desc(A::At)
        .order_by_desc(A::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let items = rows
        .into_iter()
        .map(|r| AuditView {
            id: r.id,
            at: r.at,
            actor: r.actor,
            address: r.address,
            action: r.action,
            site: r.site,
            target: r.target,
            before: r.before,
            after: r.after,
        })
        .collect();
    Ok(page.wrap(items, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_at_any_depth() {
        let v = serde_json::json!({
            "host": "10.0.0.2", "community": "public",
            "switches": [{"host": "a", "Community": "private"}],
            "user": {"name": "ayse", "password": "hunter2"},
        });
        let text = scrub(v).to_string();
        for secret in ["public", "private", "hunter2"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("10.0.0.2") && text.contains("ayse"));
    }
}
