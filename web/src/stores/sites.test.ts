import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { SERVER_DEFAULT_SITE, useSitesStore } from './sites'
import { fakeApi, json } from '../test/fakeApi'
import { site } from '../test/fixtures'

describe('sites store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('loads the site list once and lists the names', async () => {
    const server = fakeApi({ 'GET /api/sites': { sites: [site('hq'), site('branch')] } })
    const s = useSitesStore()
    await Promise.all([s.ensureLoaded(), s.ensureLoaded()])
    await s.ensureLoaded()
    expect(server.callsTo('GET /api/sites')).toHaveLength(1)
    expect(s.names).toEqual(['hq', 'branch'])
  })

  it('keeps a site named in the URL selectable even when the server does not list it', async () => {
    fakeApi({ 'GET /api/sites': { sites: [site('hq')] } })
    const s = useSitesStore()
    await s.refresh()
    s.select('old-branch')
    expect(s.names).toEqual(['hq', 'old-branch'])
  })

  it('scopes summaries to the selected site, or all of them', async () => {
    fakeApi({ 'GET /api/sites': { sites: [site('hq', { asset_count: 3 }), site('branch', { asset_count: 4 })] } })
    const s = useSitesStore()
    await s.refresh()
    expect(s.inScope.map((x) => x.name)).toEqual(['hq', 'branch'])
    s.select('branch')
    expect(s.inScope.map((x) => x.asset_count)).toEqual([4])
  })

  it('keeps the old list when a refresh fails', async () => {
    const server = fakeApi({ 'GET /api/sites': { sites: [site('hq')] } })
    const s = useSitesStore()
    await s.refresh()
    server.set({ 'GET /api/sites': json(500, { error: 'database unavailable' }) })
    await s.refresh()
    expect(s.names).toEqual(['hq'])
  })

  it('picks the default site for new subnets, switches and agents: selected, first known, or the server default', async () => {
    const server = fakeApi({ 'GET /api/sites': { sites: [] } })
    const s = useSitesStore()
    await s.refresh()
    expect(s.defaultSite).toBe(SERVER_DEFAULT_SITE)
    server.set({ 'GET /api/sites': { sites: [site('hq'), site('branch')] } })
    await s.refresh()
    expect(s.defaultSite).toBe('hq')
    s.select('branch')
    expect(s.defaultSite).toBe('branch')
    s.select('')
    expect(s.defaultSite).toBe('hq')
  })

  it('sees demo data in scope: the selected site is a demo site, or any site when all are shown', async () => {
    const server = fakeApi({ 'GET /api/sites': { sites: [site('hq'), site('demo', { demo: true })] } })
    const s = useSitesStore()
    await s.refresh()
    expect(s.demoInScope).toBe(true)
    s.select('hq')
    expect(s.demoInScope).toBe(false)
    s.select('demo')
    expect(s.demoInScope).toBe(true)
    s.select('gone')
    expect(s.demoInScope).toBe(false)

    // An older server sends no `demo` field at all: nothing is demo data.
    server.set({ 'GET /api/sites': { sites: [{ ...site('demo'), demo: undefined }] } })
    s.select('')
    await s.refresh()
    expect(s.demoInScope).toBe(false)
  })
})
