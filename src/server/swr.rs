//! A small keyed cache for expensive dashboard reads over the whole inventory: an entry
//! younger than the TTL is served as is; an older one is still served while one background
//! task reloads it (stale-while-revalidate), so no request waits for a reload of 100 000
//! rows; a write through this server (`invalidate`) makes the next read wait for fresh data,
//! an agent's report (`mark_stale`) starts a reload. Another instance's writes show within
//! TTL + one reload; an entry unread for `STALE_LIMIT` TTLs is reloaded before it is served.
use crate::store::StoreResult;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Past this many TTLs an entry is not served even stale.
const STALE_LIMIT: u32 = 20;

struct Entry<V> {
    value: V,
    generation: u64,
    loaded: Instant,
    refreshing: bool,
}

pub struct Swr<V> {
    ttl: Duration,
    max_entries: usize,
    entries: std::sync::Mutex<HashMap<String, Entry<V>>>,
    /// Held while a missing or invalidated entry loads: concurrent first reads share one load.
    loading: tokio::sync::Mutex<()>,
    generation: AtomicU64,
}

impl<V: Clone + Send + 'static> Swr<V> {
    pub fn new(ttl: Duration, max_entries: usize) -> Swr<V> {
        Swr {
            ttl,
            max_entries: max_entries.max(1),
            entries: Default::default(),
            loading: Default::default(),
            generation: AtomicU64::new(0),
        }
    }

    fn lookup(&self, key: &str) -> Option<(V, bool)> {
        let generation = self.generation.load(Ordering::SeqCst);
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.get_mut(key).filter(|e| e.generation == generation)?;
        // Stale-while-revalidate is for a busy dashboard; after a quiet spell the first read
        // waits for fresh figures rather than showing old ones.
        if e.loaded.elapsed() >= self.ttl * STALE_LIMIT {
            return None;
        }
        let stale = e.loaded.elapsed() >= self.ttl && !e.refreshing;
        if stale {
            e.refreshing = true;
        }
        Some((e.value.clone(), stale))
    }

    fn store(&self, key: String, value: V, generation: u64) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.max_entries && !map.contains_key(&key) {
            let oldest = map
                .iter()
                .min_by_key(|(_, e)| e.loaded)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                map.remove(&k);
            }
        }
        map.insert(
            key,
            Entry {
                value,
                generation,
                loaded: Instant::now(),
                refreshing: false,
            },
        );
    }

    /// The value for `key`: cached, or stale while `load` runs in the background, or loaded
    /// now. `load` gets whether an older value existed (to warm what it had warmed).
    pub async fn get<F, Fut>(self: &Arc<Self>, key: String, load: F) -> StoreResult<V>
    where
        F: FnOnce(Option<V>) -> Fut + Send + 'static,
        Fut: Future<Output = StoreResult<V>> + Send + 'static,
    {
        if let Some((value, stale)) = self.lookup(&key) {
            if stale {
                let (me, old) = (self.clone(), value.clone());
                let generation = self.generation.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    match load(Some(old)).await {
                        Ok(fresh) => me.store(key, fresh, generation),
                        Err(e) => {
                            tracing::warn!("background reload failed: {e}");
                            let mut map = me.entries.lock().unwrap_or_else(|p| p.into_inner());
                            if let Some(e) = map.get_mut(&key) {
                                e.refreshing = false;
                            }
                        }
                    }
                });
            }
            return Ok(value);
        }
        let _one = self.loading.lock().await;
        // Someone else may have loaded it while we waited.
        if let Some((value, _)) = self.lookup(&key) {
            return Ok(value);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let value = load(None).await?;
        self.store(key, value.clone(), generation);
        Ok(value)
    }

    /// The inventory changed through this server: the next read waits for fresh data.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Every entry counts as expired: the next read of each is answered from it while one
    /// reload runs.
    pub fn mark_stale(&self) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let expired = Instant::now().checked_sub(self.ttl);
        for e in map.values_mut() {
            if let Some(at) = expired {
                e.loaded = e.loaded.min(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[tokio::test]
    async fn stale_values_are_served_while_one_reload_runs() {
        let cache = Arc::new(Swr::<u32>::new(Duration::from_millis(50), 8));
        let loads = Arc::new(AtomicU32::new(0));
        let loader = |loads: Arc<AtomicU32>| {
            move |_old: Option<u32>| async move {
                tokio::time::sleep(Duration::from_millis(30)).await;
                Ok(loads.fetch_add(1, Ordering::SeqCst) + 1)
            }
        };
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            1
        );
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            1
        );
        tokio::time::sleep(Duration::from_millis(60)).await;
        // Stale: answered at once with the old value; one reload starts.
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            1
        );
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            1
        );
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(loads.load(Ordering::SeqCst), 2, "one background reload");
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            2
        );
        // A local write: the next read waits for a fresh value.
        cache.invalidate();
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            3
        );
        // An agent's report: the next read is answered from the old value at once, and
        // starts one reload.
        cache.mark_stale();
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            3
        );
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(
            loads.load(Ordering::SeqCst),
            4,
            "reloaded in the background"
        );
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            4
        );
        // Long unread: not served stale, the read waits for a fresh value.
        tokio::time::sleep(Duration::from_millis(50) * STALE_LIMIT).await;
        assert_eq!(
            cache.get("k".into(), loader(loads.clone())).await.unwrap(),
            5
        );
    }
}
