//! Per-asset facts (with services) for risk and CVE views, loaded once and shared for a few
//! seconds. One load runs at a time, so a burst of dashboard requests over 100 000 assets costs
//! one query, not one each (and memory stays bounded). A write through this server (a tag)
//! drops the cache at once; another instance's writes show within the TTL.
use crate::model::AssetFacts;
use crate::store::{self, StoreResult};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(15);
/// Site filters remembered at once (all sites + a few single sites).
const SLOTS: usize = 4;

struct Slot {
    site: Option<String>,
    generation: u64,
    loaded: Instant,
    facts: Arc<Vec<AssetFacts>>,
}

#[derive(Default)]
pub struct FactsCache {
    slots: tokio::sync::Mutex<Vec<Slot>>,
    generation: AtomicU64,
}

impl FactsCache {
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        site: Option<&str>,
    ) -> StoreResult<Arc<Vec<AssetFacts>>> {
        let mut slots = self.slots.lock().await;
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(s) = slots.iter().find(|s| {
            s.site.as_deref() == site && s.generation == generation && s.loaded.elapsed() < TTL
        }) {
            return Ok(s.facts.clone());
        }
        let facts = Arc::new(store::facts::load(db, site, true).await?);
        slots.retain(|s| s.site.as_deref() != site && s.generation == generation);
        if slots.len() >= SLOTS {
            slots.sort_by_key(|s| s.loaded);
            slots.remove(0);
        }
        slots.push(Slot {
            site: site.map(str::to_string),
            generation,
            loaded: Instant::now(),
            facts: facts.clone(),
        });
        Ok(facts)
    }

    /// Forget everything: the inventory changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}
