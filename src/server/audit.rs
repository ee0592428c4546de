//! Recording admin actions in the audit log from handlers:
//! `Audit::new("subnet.add").site(s).target(cidr).after(&view).by(&who, &state).await`.
//! The entry is written after the action succeeded; a failure to write it is logged as an
//! error (the action has happened and is not undone), never answered to the client.
use super::session::SignedIn;
use super::state::AppState;
use crate::store::audit::{self, Event};
use serde::Serialize;

#[must_use = "an audit entry is written only by `by` or `by_actor`"]
pub struct Audit(Event);

fn json(v: &impl Serialize) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

impl Audit {
    pub fn new(action: &str) -> Audit {
        Audit(Event {
            action: action.to_string(),
            ..Default::default()
        })
    }

    pub fn site(mut self, site: impl Into<String>) -> Audit {
        self.0.site = Some(site.into());
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Audit {
        self.0.target = Some(target.into());
        self
    }

    pub fn before(mut self, v: &impl Serialize) -> Audit {
        self.0.before = json(v);
        self
    }

    pub fn after(mut self, v: &impl Serialize) -> Audit {
        self.0.after = json(v);
        self
    }

    /// Writes the entry as done by the signed-in `who`.
    pub async fn by(self, who: &SignedIn, state: &AppState) {
        self.by_actor(&who.user.username, &who.address, state).await;
    }

    /// Writes the entry for an actor without a session (a login, failed or not).
    pub async fn by_actor(mut self, actor: &str, address: &str, state: &AppState) {
        self.0.actor = actor.to_string();
        self.0.address = Some(address.to_string());
        let action = self.0.action.clone();
        if let Err(e) = audit::record(&state.db, self.0).await {
            tracing::error!(action, error = %e, "audit entry not written");
        }
    }
}
