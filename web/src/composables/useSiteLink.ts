import type { RouteLocationRaw } from 'vue-router'
import { useSitesStore } from '../stores/sites'

/**
 * Links inside the app keep the global `?site=` so moving between pages keeps the filter.
 * `siteLink('assets', { category: 'iot' })` → { name: 'assets', query: { site, category } }.
 */
export function useSiteLink() {
  const sites = useSitesStore()
  return (name: string, query: Record<string, string | undefined> = {}, params?: Record<string, string>): RouteLocationRaw => {
    const merged: Record<string, string> = {}
    if (sites.selected) merged.site = sites.selected
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') merged[k] = v
    return params ? { name, params, query: merged } : { name, query: merged }
  }
}
