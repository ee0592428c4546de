// Reading typed values out of vue-router's loosely typed query objects.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

/** The first value of a query key as a string ("" when absent). */
export function queryString(query: LocationQuery, key: string): string {
  const raw = query[key]
  const value = Array.isArray(raw) ? raw[0] : raw
  return typeof value === 'string' ? value : ''
}

/** A positive integer from the query, else `fallback`. */
export function queryInt(query: LocationQuery, key: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number.parseInt(queryString(query, key), 10)
  return Number.isFinite(value) && value > 0 ? Math.min(value, max) : fallback
}

/** One of `allowed`, else `fallback`. */
export function queryChoice<T extends string>(query: LocationQuery, key: string, allowed: readonly T[], fallback: T): T {
  const value = queryString(query, key)
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback
}

/** A query object without empty values, so URLs stay short and stable. */
export function compactQuery(query: Record<string, string | number | undefined | null>): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    out[key] = String(value)
  }
  return out
}

/** A VLAN id (1–4094) from the query, else 0 (no VLAN filter). */
export function queryVlan(query: LocationQuery, key = 'vlan'): number {
  const text = queryString(query, key)
  const value = Number(text)
  return /^\d{1,4}$/.test(text) && value >= 1 && value <= 4094 ? value : 0
}
