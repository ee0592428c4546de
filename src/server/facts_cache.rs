//! Per-asset facts (with services) for risk and CVE views, shared for a few seconds together
//! with the risk ranking computed from them (see `swr` for how entries age). One load of
//! 100 000 rows serves every request in the window, and the ranking is computed once.
use super::swr::Swr;
use crate::analysis::risk::{self, Ranking};
use crate::analysis::vulns::CveSnapshot;
use crate::model::AssetFacts;
use crate::store::{self, StoreResult};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

pub const TTL: Duration = Duration::from_secs(15);
/// Site filters remembered at once (all sites + a few single sites).
const SLOTS: usize = 4;

/// One site filter's facts and, once asked for, their risk ranking.
#[derive(Clone)]
pub struct Cached {
    pub facts: Arc<Vec<AssetFacts>>,
    ranking: Arc<OnceCell<Arc<Ranking>>>,
}

impl Cached {
    /// The risk ranking of these facts, computed by the first caller (off the async workers).
    pub async fn ranking(&self, cves: &Arc<CveSnapshot>) -> Result<Arc<Ranking>, String> {
        self.ranking
            .get_or_try_init(|| async {
                let (facts, cves) = (self.facts.clone(), cves.clone());
                let now = chrono::Utc::now();
                tokio::task::spawn_blocking(move || Arc::new(risk::rank(&facts, &cves, now)))
                    .await
                    .map_err(|e| format!("risk ranking task failed: {e}"))
            })
            .await
            .cloned()
    }
}

pub struct FactsCache {
    entries: Arc<Swr<Cached>>,
}

impl Default for FactsCache {
    fn default() -> Self {
        FactsCache {
            entries: Arc::new(Swr::new(TTL, SLOTS)),
        }
    }
}

impl FactsCache {
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        site: Option<&str>,
        cves: &Arc<CveSnapshot>,
    ) -> StoreResult<Cached> {
        let (db, owned_site, cves) = (db.clone(), site.map(str::to_string), cves.clone());
        let key = site.unwrap_or("*").to_string();
        self.entries
            .get(key, move |old| async move {
                let entry = Cached {
                    facts: Arc::new(store::facts::load(&db, owned_site.as_deref(), true).await?),
                    ranking: Arc::default(),
                };
                // A reload in the background also redoes what readers used, so they never
                // wait for it.
                if old.is_some_and(|o| o.ranking.initialized())
                    && let Err(e) = entry.ranking(&cves).await
                {
                    tracing::warn!("{e}");
                }
                Ok(entry)
            })
            .await
    }

    /// Forget everything: the inventory changed.
    pub fn invalidate(&self) {
        self.entries.invalidate();
    }
}
