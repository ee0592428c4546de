import { describe, expect, it, vi } from 'vitest'
import { VIEWER, json, type FakeRoutes } from '../../test/fakeApi'
import { asset, inventory } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'
import { SEARCH_DEBOUNCE_MS } from '../../lib/assetFilters'

const SUBNETS = { 'GET /api/subnets': { subnets: [] } }

async function mountAssets(path: string, data: FakeRoutes[string]) {
  return mountApp(path, { session: VIEWER, routes: { ...SUBNETS, 'GET /api/data': data } })
}

describe('AssetsView', () => {
  it('renders network-supplied text as text, never as HTML', async () => {
    const evil = '<img src=x onerror="alert(1)">'
    const { wrapper } = await mountAssets('/assets', inventory([asset(1, { hostname: evil, vendor: '<b>Acme</b>' })]))
    const row = wrapper.get('[data-test="asset-row"]')
    expect(row.text()).toContain(evil)
    expect(row.text()).toContain('<b>Acme</b>')
    expect(row.find('img').exists()).toBe(false)
    expect(row.find('b').exists()).toBe(false)
  })

  it('shows the total, rows and readiness marker', async () => {
    const { wrapper } = await mountAssets('/assets', inventory([asset(1), asset(2)], 120))
    expect(wrapper.findAll('[data-test="asset-row"]')).toHaveLength(2)
    expect(wrapper.get('[data-test="asset-total"]').text()).toBe('120')
    expect(wrapper.get('[data-page="assets"]').attributes('data-ready')).toBe('true')
    expect(wrapper.find('[data-test="page-ready"]').exists()).toBe(true)
  })

  it('counts one asset in the singular', async () => {
    const one = await mountAssets('/assets', inventory([asset(1)], 1))
    expect(one.wrapper.get('[data-test="asset-total"]').element.parentElement?.textContent).toMatch(/1\s+asset$/)
    const many = await mountAssets('/assets', inventory([asset(1), asset(2)], 2))
    expect(many.wrapper.get('[data-test="asset-total"]').element.parentElement?.textContent).toMatch(/2\s+assets$/)
  })

  it('shows the empty state with no assets and the error state with a retry', async () => {
    const empty = await mountAssets('/assets', inventory([]))
    expect(empty.wrapper.get('[data-test="empty-inventory"]').text()).toContain('No assets yet')
    expect(empty.wrapper.find('[data-test="asset-row"]').exists()).toBe(false)
    empty.wrapper.unmount()

    const unmatched = await mountAssets('/assets?q=nothing', inventory([]))
    expect(unmatched.wrapper.get('[data-test="inventory-empty"]').text()).toContain('No assets match these filters')
    expect(unmatched.wrapper.find('[data-test="empty-inventory"]').exists()).toBe(false)
    unmatched.wrapper.unmount()

    let fail = true
    const { wrapper, server } = await mountAssets('/assets', () =>
      fail ? json(500, { error: 'database unavailable' }) : inventory([asset(1)]),
    )
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('database unavailable')
    expect(wrapper.get('[data-page="assets"]').attributes('data-ready')).toBe('true')
    fail = false
    await wrapper.get('[data-test="state-error"] button').trigger('click')
    await settle()
    expect(wrapper.findAll('[data-test="asset-row"]')).toHaveLength(1)
    expect(server.callsTo('GET /api/data')).toHaveLength(2)
  })

  it('pages and sorts through the server, with aria-sort on the header', async () => {
    const { wrapper, router, server } = await mountAssets('/assets', inventory([asset(1)], 120))
    await wrapper.get('[data-test="next-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query.page).toBe('2')
    expect(server.callsTo('GET /api/data').at(-1)!.query.get('page')).toBe('2')

    await wrapper.get('[data-test="sort-last_seen"]').trigger('click')
    await settle()
    const last = server.callsTo('GET /api/data').at(-1)!.query
    expect([last.get('sort'), last.get('order'), last.get('page')]).toEqual(['last_seen', 'desc', '1'])
    expect(wrapper.get('[data-test="sort-last_seen"]').element.closest('th')!.getAttribute('aria-sort')).toBe('descending')
    expect(wrapper.get('[data-test="sort-ip"]').element.closest('th')!.getAttribute('aria-sort')).toBe('none')
  })

  it('debounces the search into one request', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    try {
      const { wrapper, router, server } = await mountAssets('/assets', inventory([]))
      const before = server.callsTo('GET /api/data').length
      const input = wrapper.get('[data-test="search"]')
      for (const text of ['p', 'pr', 'printer']) await input.setValue(text)
      await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS + 10)
      await settle()
      expect(router.currentRoute.value.query.q).toBe('printer')
      const searches = server.callsTo('GET /api/data').slice(before)
      expect(searches.map((c) => c.query.get('q'))).toEqual(['printer'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('applies filters from the URL and writes new ones to it', async () => {
    const { wrapper, router, server } = await mountAssets(
      '/assets?site=hq&category=iot&confidence=low&missing=true&subnet=10.0.0.0/24',
      inventory([]),
    )
    const q = server.callsTo('GET /api/data')[0]!.query
    expect(Object.fromEntries(q)).toMatchObject({
      site: 'hq',
      category: 'iot',
      confidence: 'low',
      missing: 'true',
      subnet: '10.0.0.0/24',
    })
    expect((wrapper.get('[data-test="filter-group"]').element as HTMLSelectElement).value).toBe('iot')

    await wrapper.get('[data-test="filter-device-type"]').setValue('camera')
    await settle()
    expect(router.currentRoute.value.query).toMatchObject({ site: 'hq', category: 'iot', device_type: 'camera' })
    expect(server.callsTo('GET /api/data').at(-1)!.query.get('device_type')).toBe('camera')
  })

  it('filters by VLAN: from the URL to the API, and back to the URL from the field', async () => {
    const { wrapper, router, server } = await mountAssets('/assets?site=hq&vlan=20', inventory([asset(1, { vlan: 20 })]))
    expect(server.callsTo('GET /api/data')[0]!.query.get('vlan')).toBe('20')
    const field = wrapper.get('[data-test="filter-vlan"]')
    expect((field.element as HTMLInputElement).value).toBe('20')

    await field.setValue('30')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', vlan: '30' })
    expect(server.callsTo('GET /api/data').at(-1)!.query.get('vlan')).toBe('30')

    // Not a VLAN id: the filter goes away instead of a request the server refuses.
    await field.setValue('5000')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq' })
    expect(server.callsTo('GET /api/data').at(-1)!.query.has('vlan')).toBe(false)
  })

  it('exports the whole filter as CSV, fetching pages of 500', async () => {
    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob)
      return 'blob:x'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const all = Array.from({ length: 700 }, (_, i) => asset(i + 1, { hostname: i === 0 ? '=evil()' : null }))
    const { wrapper, server } = await mountAssets('/assets?category=iot', (req) => {
      const page = Number(req.query.get('page') ?? 1)
      const per = Number(req.query.get('per_page') ?? 50)
      return inventory(all.slice((page - 1) * per, page * per), all.length, page, per)
    })
    await wrapper.get('[data-test="export-csv"]').trigger('click')
    await settle()
    const exports = server.callsTo('GET /api/data').filter((c) => c.query.get('per_page') === '500')
    expect(exports.map((c) => [c.query.get('page'), c.query.get('category')])).toEqual([
      ['1', 'iot'],
      ['2', 'iot'],
    ])
    expect(created).toHaveLength(1)
    const text = await created[0]!.text()
    expect(text.trim().split('\r\n')).toHaveLength(701)
    expect(text).toContain("'=evil()")
  })
})
