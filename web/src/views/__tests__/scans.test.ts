import { describe, expect, it, vi } from 'vitest'
import { ADMIN, VIEWER, json, type FakeRequest } from '../../test/fakeApi'
import { agent, change, scan, site, uuid } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const SCANS = [
  scan(1, { partial: true, asset_count: 30, change_count: 2, duration_seconds: 45, target: '10.0.0.0/24' }),
  scan(2, { agent_id: uuid(799), scanner_version: '0.0.9', started_at: '2026-11-22T09:00:00Z' }),
  scan(3, { agent_id: null, method: 'tcp', duration_seconds: null }),
]
const page = (items = SCANS, total = items.length, n = 1) => ({ items, total, page: n, per_page: 25 })

const ROUTES = {
  'GET /api/sites': { sites: [site('hq'), site('branch')] },
  'GET /api/scans': page(),
  'GET /api/agents': { agents: [agent(1)] },
}

describe('ScansView', () => {
  it('lists the scans with duration, counts, agent and version, the partial one clearly marked', async () => {
    const { wrapper, server } = await mountApp('/scans', { session: VIEWER, routes: ROUTES })
    expect(wrapper.get('[data-page="scans"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="nav-scans"]').attributes('aria-current')).toBe('page')
    expect(wrapper.get('[data-test="scan-total"]').text()).toBe('3 scans')
    const rows = wrapper.findAll('[data-test="scan-row"]')
    expect(rows.map((r) => r.attributes('data-partial'))).toEqual(['true', 'false', 'false'])

    const cells = (i: number) => rows[i]!.findAll('td').map((c) => c.text())
    expect(cells(0).slice(1)).toEqual(['45 sec', 'hq', '10.0.0.0/24', 'hybrid', '30', '2', 'partial', 'agent-1', '0.1.0'])
    expect(rows[0]!.classes()).toContain('partial')
    expect(rows[0]!.get('[data-test="scan-partial"]').attributes('title')).toMatch(/cut short/)
    // An agent the list does not know shows as its id; a scan without agent as a local one.
    expect(cells(1).slice(1)).toEqual(['2 min 5 sec', 'hq', '10.0.0.0/24', 'hybrid', '42', '3', 'complete', uuid(799), '0.0.9'])
    expect(cells(2)[1]).toBe('—')
    expect(cells(2)[8]).toBe('local scan')

    expect(Object.fromEntries(server.callsTo('GET /api/scans')[0]!.query)).toEqual({ page: '1', per_page: '25' })
    expect(server.callsTo('GET /api/changes')).toHaveLength(0)
    expect(wrapper.find('[data-test="scan-diff"]').exists()).toBe(false)
  })

  it('follows the global site and pages through the URL', async () => {
    const { wrapper, router, server } = await mountApp('/scans?site=branch', {
      session: VIEWER,
      routes: { ...ROUTES, 'GET /api/scans': (req: FakeRequest) => page(SCANS, 60, Number(req.query.get('page'))) },
    })
    expect(server.callsTo('GET /api/scans')[0]!.query.get('site')).toBe('branch')
    expect(server.callsTo('GET /api/agents')[0]!.query.get('site')).toBe('branch')
    await wrapper.get('[data-test="next-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'branch', page: '2' })
    expect(server.callsTo('GET /api/scans').at(-1)!.query.get('page')).toBe('2')

    await wrapper.get('[data-test="site-select"]').setValue('hq')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq' })
    expect(server.callsTo('GET /api/scans').at(-1)!.query.get('site')).toBe('hq')
  })

  it('shows the changes a selected scan produced, with the change timeline', async () => {
    const id = SCANS[0]!.id
    const changes = [
      change(1, { scan_id: id, change_type: 'ports_opened', field: 'ports', new_value: '8080' }),
      change(2, { scan_id: id, change_type: 'new_asset', hostname: '<img src=x onerror=alert(1)>' }),
    ]
    const { wrapper, router, server } = await mountApp('/scans?site=hq', {
      session: ADMIN,
      routes: { ...ROUTES, 'GET /api/changes': { items: changes, total: 2, page: 1, per_page: 100 } },
    })
    const scrolled = vi.spyOn(HTMLElement.prototype, 'scrollIntoView').mockImplementation(() => undefined)
    await wrapper.findAll('[data-test="scan-link"]')[0]!.trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-test="scan-diff"]').exists()).toBe(true))
    await settle()

    expect(router.currentRoute.value.query).toEqual({ site: 'hq', scan: id })
    // Selecting a scan loads its changes once, and not the list again.
    expect(server.callsTo('GET /api/changes')).toHaveLength(1)
    expect(server.callsTo('GET /api/scans')).toHaveLength(1)
    const call = server.callsTo('GET /api/changes')[0]!
    expect(Object.fromEntries(call.query)).toEqual({ scan: id, page: '1', per_page: '100' })
    const diff = wrapper.get('[data-test="scan-diff"]')
    expect(diff.attributes('data-scan-id')).toBe(id)
    expect(diff.get('h2').text()).toContain('10.0.0.0/24')
    expect(diff.get('[data-test="scan-diff-partial"]').text()).toMatch(/not marked missing/)
    expect(diff.get('[data-test="scan-diff-total"]').text()).toBe('2 changes')
    const rows = diff.findAll('[data-test="change-row"]')
    expect(rows.map((r) => r.attributes('data-type'))).toEqual(['ports_opened', 'new_asset'])
    expect(rows[0]!.text()).toContain('ports: 8080')
    expect(rows[1]!.find('img').exists()).toBe(false)
    expect(wrapper.findAll('[data-test="scan-link"]')[0]!.attributes('aria-current')).toBe('true')
    expect(scrolled).toHaveBeenCalled()
    scrolled.mockRestore()

    await diff.get('[data-test="scan-diff-close"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq' })
    expect(wrapper.find('[data-test="scan-diff"]').exists()).toBe(false)
  })

  it('opens a linked scan that is not on the page, and says when it changed nothing', async () => {
    const { wrapper } = await mountApp('/scans?scan=scan-77', {
      session: VIEWER,
      routes: { ...ROUTES, 'GET /api/changes': { items: [], total: 0, page: 1, per_page: 100 } },
    })
    expect(wrapper.get('[data-page="scans"]').attributes('data-ready')).toBe('true')
    const diff = wrapper.get('[data-test="scan-diff"]')
    expect(diff.get('h2').text()).toBe('Changes of scan scan-77')
    expect(diff.get('[data-test="state-empty"]').text()).toBe('This scan changed nothing.')
  })

  it('keeps the list when agent names cannot be had, and shows a failing diff as an error', async () => {
    const { wrapper } = await mountApp(`/scans?scan=${SCANS[0]!.id}`, {
      session: VIEWER,
      routes: {
        ...ROUTES,
        'GET /api/agents': json(503, { error: 'database busy' }),
        'GET /api/changes': json(400, { error: "invalid scan id 'x'" }),
      },
    })
    expect(wrapper.get('[data-page="scans"]').attributes('data-ready')).toBe('true')
    expect(wrapper.findAll('[data-test="scan-agent"]')[0]!.text()).toBe(uuid(701))
    expect(wrapper.get('[data-test="scan-diff"]').get('[data-test="state-error"]').text()).toContain("invalid scan id 'x'")
  })
})
