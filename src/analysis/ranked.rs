//! A ranking of assets that holds only what ordering and paging need (a key, the site, the
//! address as a number, the id), so ranking 100 000 assets costs a few megabytes; a page is
//! then built from the few assets it lists, loaded by id.
use std::cmp::Ordering;
use std::ops::Range;
use uuid::Uuid;

/// One asset's place.
#[derive(Clone, Copy, Debug)]
pub struct Place<K> {
    pub key: K,
    /// Index into the ranking's site names.
    site: u32,
    /// The address as a number, so 10.0.0.9 sorts before 10.0.0.10.
    addr: u128,
    pub id: Uuid,
}

#[derive(Clone, Debug)]
pub struct Places<K> {
    items: Vec<Place<K>>,
    sites: Vec<String>,
}

impl<K> Default for Places<K> {
    fn default() -> Self {
        Places {
            items: Vec::new(),
            sites: Vec::new(),
        }
    }
}

/// An address as a number for ordering (IPv4 as its IPv6-mapped form); unparsable sorts first.
pub fn address_number(ip: &str) -> u128 {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => u128::from(a.to_ipv6_mapped()),
        Ok(std::net::IpAddr::V6(a)) => u128::from(a),
        Err(_) => 0,
    }
}

/// The index range of page `page` (from 1) of `per_page` items among `len`.
pub fn page_range(len: usize, page: u64, per_page: u64) -> Range<usize> {
    let start = usize::try_from((page.max(1) - 1).saturating_mul(per_page))
        .unwrap_or(usize::MAX)
        .min(len);
    let end = start
        .saturating_add(usize::try_from(per_page).unwrap_or(usize::MAX))
        .min(len);
    start..end
}

impl<K> Places<K> {
    pub fn push(&mut self, key: K, site: &str, ip: &str, id: Uuid) {
        // Assets arrive grouped by site: the last site is nearly always the one.
        let site = match self.sites.iter().rposition(|s| s == site) {
            Some(i) => i,
            None => {
                self.sites.push(site.to_string());
                self.sites.len() - 1
            }
        };
        self.items.push(Place {
            key,
            site: site as u32,
            addr: address_number(ip),
            id,
        });
    }

    /// Orders by `by_key`, then site name, address and id, so pages are stable.
    pub fn sort(&mut self, by_key: impl Fn(&K, &K) -> Ordering) {
        let mut by_name: Vec<usize> = (0..self.sites.len()).collect();
        by_name.sort_by(|a, b| self.sites[*a].cmp(&self.sites[*b]));
        let mut site_rank = vec![0u32; self.sites.len()];
        for (rank, site) in by_name.into_iter().enumerate() {
            site_rank[site] = rank as u32;
        }
        self.items.sort_unstable_by(|a, b| {
            by_key(&a.key, &b.key)
                .then_with(|| site_rank[a.site as usize].cmp(&site_rank[b.site as usize]))
                .then_with(|| a.addr.cmp(&b.addr))
                .then_with(|| a.id.cmp(&b.id))
        });
        self.items.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn all(&self) -> &[Place<K>] {
        &self.items
    }

    /// Page `page` (from 1) of the first `within` places.
    pub fn page(&self, within: usize, page: u64, per_page: u64) -> &[Place<K>] {
        let within = within.min(self.items.len());
        &self.items[page_range(within, page, per_page)]
    }
}

/// The distinct ids of some lists of places, to load them in one query.
pub fn ids_of<K>(lists: &[&[Place<K>]]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = lists.iter().flat_map(|l| l.iter().map(|p| p.id)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_key_then_site_name_then_address_as_a_number() {
        let mut p = Places::default();
        let id = |n: u128| Uuid::from_u128(n);
        p.push(1, "zeta", "10.0.0.1", id(1));
        p.push(5, "zeta", "10.0.0.10", id(2));
        p.push(5, "alpha", "10.0.0.10", id(3));
        p.push(5, "alpha", "10.0.0.9", id(4));
        p.sort(|a: &i32, b: &i32| b.cmp(a));
        let order: Vec<Uuid> = p.all().iter().map(|x| x.id).collect();
        assert_eq!(order, vec![id(4), id(3), id(2), id(1)]);
        assert_eq!(p.page(4, 2, 3).len(), 1);
        assert_eq!(p.page(2, 1, 3).len(), 2, "limited to the first two");
        assert!(p.page(4, 9, 3).is_empty());
        assert!(p.page(4, u64::MAX, u64::MAX).is_empty());
        assert_eq!(ids_of(&[p.page(4, 1, 2), p.page(4, 1, 3)]).len(), 3);
    }
}
