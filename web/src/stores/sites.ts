import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type SiteSummary } from '../api'

/**
 * A site as `/api/sites` lists it. The server adds `demo` (the site `bigr demo load` or
 * `bigr serve --demo` generated); optional here so this compiles before and after openapi.json
 * and schema.ts are regenerated with it, and an older server's answer reads as "not demo".
 */
export type SiteInfo = SiteSummary & { demo?: boolean }

/** The site a plain `bigr scan` writes into (DEFAULT_SITE in src/store/sites.rs). */
export const SERVER_DEFAULT_SITE = 'local'

/**
 * The global site filter. The URL query `?site=` is the source of truth (links and reloads
 * keep it); the router copies it here after every navigation so any component can read it.
 * "" means all sites.
 */
export const useSitesStore = defineStore('sites', () => {
  const sites = ref<SiteInfo[]>([])
  const selected = ref('')
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  /** Site names for selectors; a site named in the URL stays listed even if unknown. */
  const names = computed(() => {
    const list = sites.value.map((s) => s.name)
    if (selected.value && !list.includes(selected.value)) list.push(selected.value)
    return list
  })

  /**
   * Where a new subnet, switch or agent goes unless the admin names a site: the selected one,
   * else the first known site, else the server's own default.
   */
  const defaultSite = computed(() => selected.value || names.value[0] || SERVER_DEFAULT_SITE)

  /** The selected site's summary, or every site's when "All sites" is selected. */
  const inScope = computed(() => (selected.value ? sites.value.filter((s) => s.name === selected.value) : sites.value))

  /** Generated demo data is on screen: the selected site is a demo site, or any site when all are shown. */
  const demoInScope = computed(() => inScope.value.some((s) => s.demo === true))

  /** (Re)load the list, e.g. after adding a subnet created a site. Failures keep the old list. */
  function refresh(): Promise<void> {
    pending ??= api
      .call('site_list')
      .then((body) => {
        sites.value = body.sites
        loaded.value = true
      })
      .catch(() => {
        // Not fatal: the selector still offers "All sites"; a 401 is handled globally.
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  function ensureLoaded(): Promise<void> {
    return loaded.value ? Promise.resolve() : refresh()
  }

  function select(name: string): void {
    selected.value = name
  }

  function reset(): void {
    sites.value = []
    loaded.value = false
  }

  return { sites, selected, loaded, names, defaultSite, inScope, demoInScope, refresh, ensureLoaded, select, reset }
})
