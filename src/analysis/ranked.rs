//! Ordering and paging helpers shared by the in-memory analyses.
use std::ops::Range;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_order_as_numbers_and_pages_stay_in_bounds() {
        assert!(address_number("10.0.0.9") < address_number("10.0.0.10"));
        assert!(address_number("nonsense") < address_number("0.0.0.1"));
        assert_eq!(page_range(4, 2, 3), 3..4);
        assert_eq!(page_range(4, 9, 3), 4..4);
        assert_eq!(page_range(4, u64::MAX, u64::MAX), 4..4);
        assert_eq!(page_range(4, 0, 3), 0..3);
    }
}
