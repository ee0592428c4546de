//! Pagination shared by every list query.
use super::error::{StoreError, StoreResult};
use serde::Serialize;

pub const MAX_PER_PAGE: u64 = 500;

/// A 1-based page request, bounded so no caller can ask for the whole table at once.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: 50,
        }
    }
}

impl PageRequest {
    pub fn new(page: u64, per_page: u64) -> StoreResult<Self> {
        if page == 0 {
            return Err(StoreError::Invalid("page starts at 1".into()));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(StoreError::Invalid(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}"
            )));
        }
        Ok(PageRequest { page, per_page })
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// One page of results with the total count of the filter.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}
