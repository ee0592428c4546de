// The asset list's state (filters, sort, page) and its round trip through the URL query, so a
// reload, a shared link or the back button shows the same list.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { OperationQuery } from '../api'
import { compactQuery, queryChoice, queryInt, queryString, queryVlan } from './query'

export const ASSET_SORT_FIELDS = [
  'ip',
  'hostname',
  'vendor',
  'category',
  'device_type',
  'confidence',
  'first_seen',
  'last_seen',
] as const
export type AssetSortField = (typeof ASSET_SORT_FIELDS)[number]
export type SortOrder = 'asc' | 'desc'

/** Typing pauses this long before the search runs (one request per pause, not per key). */
export const SEARCH_DEBOUNCE_MS = 300

export const PER_PAGE_CHOICES = [25, 50, 100, 200] as const
export const DEFAULT_PER_PAGE = 50

/** Newest / most certain first is the useful default for these. */
const DESC_FIRST: readonly AssetSortField[] = ['confidence', 'last_seen', 'first_seen']

export interface AssetFilters {
  q: string
  category: string
  device_type: string
  subnet: string
  /** A VLAN id (1–4094) a switch learned the asset in, "" for any. */
  vlan: string
  confidence: string
  /** "" any, "true" only missing, "false" only present. */
  missing: '' | 'true' | 'false'
  sort: AssetSortField | ''
  order: SortOrder
  page: number
  per_page: number
}

export const EMPTY_FILTERS: AssetFilters = {
  q: '',
  category: '',
  device_type: '',
  subnet: '',
  vlan: '',
  confidence: '',
  missing: '',
  sort: '',
  order: 'asc',
  page: 1,
  per_page: DEFAULT_PER_PAGE,
}

export function filtersFromQuery(query: LocationQuery): AssetFilters {
  return {
    q: queryString(query, 'q'),
    category: queryString(query, 'category'),
    device_type: queryString(query, 'device_type'),
    subnet: queryString(query, 'subnet'),
    vlan: queryVlan(query) ? String(queryVlan(query)) : '',
    confidence: queryString(query, 'confidence'),
    missing: queryChoice(query, 'missing', ['', 'true', 'false'] as const, ''),
    sort: queryChoice(query, 'sort', ['', ...ASSET_SORT_FIELDS] as const, ''),
    order: queryChoice(query, 'order', ['asc', 'desc'] as const, 'asc'),
    page: queryInt(query, 'page', 1),
    per_page: queryInt(query, 'per_page', DEFAULT_PER_PAGE, 500),
  }
}

/** The URL query for `filters`, keeping `site` (owned by the global site selector). */
export function filtersToQuery(filters: AssetFilters, site: string): LocationQueryRaw {
  return compactQuery({
    site,
    q: filters.q.trim(),
    category: filters.category,
    device_type: filters.device_type,
    subnet: filters.subnet.trim(),
    vlan: filters.vlan,
    confidence: filters.confidence,
    missing: filters.missing,
    sort: filters.sort,
    order: filters.sort ? filters.order : '',
    page: filters.page > 1 ? filters.page : '',
    per_page: filters.per_page !== DEFAULT_PER_PAGE ? filters.per_page : '',
  })
}

/** The /api/data query for `filters`, without paging (the caller adds it). */
export function dataQuery(filters: AssetFilters, site: string): OperationQuery<'data'> {
  return {
    site: site || undefined,
    q: filters.q.trim() || undefined,
    category: filters.category || undefined,
    device_type: filters.device_type || undefined,
    subnet: filters.subnet.trim() || undefined,
    vlan: filters.vlan ? Number(filters.vlan) : undefined,
    confidence: filters.confidence || undefined,
    missing: filters.missing === '' ? undefined : filters.missing === 'true',
    sort: filters.sort || undefined,
    order: filters.sort ? filters.order : undefined,
  }
}

/** True when anything narrows the list (used to word the empty state). */
export function isFiltered(filters: AssetFilters, site: string): boolean {
  return Boolean(
    site ||
    filters.q ||
    filters.category ||
    filters.device_type ||
    filters.subnet ||
    filters.vlan ||
    filters.confidence ||
    filters.missing,
  )
}

/** Clicking a column header: same column flips the order, a new one starts at its default. */
export function nextSort(filters: AssetFilters, field: AssetSortField): Pick<AssetFilters, 'sort' | 'order'> {
  if (filters.sort === field) return { sort: field, order: filters.order === 'asc' ? 'desc' : 'asc' }
  return { sort: field, order: DESC_FIRST.includes(field) ? 'desc' : 'asc' }
}
