import { describe, expect, it, vi } from 'vitest'
import type { CertificateView, ComplianceReport, Topology } from '../../api'
import { ADMIN, VIEWER, json, noContent } from '../../test/fakeApi'
import { agent, change, inventory, site, uuid } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const COMPLIANCE: ComplianceReport = {
  compliance_score: 82.5,
  grade: 'B',
  breakdown: { total_assets: 10, fully_classified: 8, partially_classified: 1, unclassified: 1, manual_overrides: 0 },
  distribution: { ag_ve_sistemler: 4, uygulamalar: 3, iot: 2, tasinabilir: 0, unclassified: 1 },
  percentages: {},
  sites: [],
  subnets: [
    {
      name: '10.0.0.0/24',
      label: 'core (hq)',
      score: 91,
      grade: 'A',
      breakdown: { total_assets: 5, fully_classified: 5, partially_classified: 0, unclassified: 0, manual_overrides: 0 },
    },
  ],
  action_items: [],
  action_items_total: 0,
}

function analytics(days: number) {
  return {
    days,
    since: '2026-11-17T00:00:00Z',
    asset_count_trend: { name: 'asset_count', points: [{ date: '2026-11-17', value: 10 }] },
    category_trends: [],
    new_vs_missing: [
      { date: '2026-11-17', new: 3, missing: 1, returned: 0 },
      { date: '2026-11-18', new: 1, missing: 0, returned: 1 },
    ],
    scan_frequency: [{ date: '2026-11-17', scan_count: 2, assets_reported: 20 }],
    most_changed_assets: [],
  }
}

describe('OverviewView', () => {
  const routes = {
    'GET /api/data': (req: { query: URLSearchParams }) =>
      req.query.get('missing') === 'true'
        ? inventory([], 2)
        : { ...inventory([], 10), category_summary: { ag_ve_sistemler: 4, iot: 6 } },
    'GET /api/analytics': analytics(7),
    'GET /api/changes': (req: { query: URLSearchParams }) =>
      req.query.get('per_page') === '1'
        ? { items: [], total: 9, page: 1, per_page: 1 }
        : { items: [change(1, { hostname: '<i>x</i>' })], total: 1, page: 1, per_page: 10 },
    'GET /api/agents': { agents: [agent(1), agent(2), agent(3, { state: 'offline' })] },
    'GET /api/compliance': COMPLIANCE,
    'GET /api/sites': { sites: [site('hq')] },
  }

  it('shows totals, group cards with shares, the week, agents, grade and latest changes', async () => {
    const { wrapper, server } = await mountApp('/', { session: VIEWER, routes })
    expect(wrapper.get('[data-page="overview"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="total-assets"]').text()).toContain('10')
    const iot = wrapper.get('[data-test="group-card-iot"]')
    expect(iot.text()).toContain('IoT')
    expect(iot.text()).toContain('60%')
    expect(iot.attributes('href')).toBe('/assets?category=iot')
    // 9 changes in the window − 4 new − 1 missing − 1 returned = 3 changed
    const week = wrapper
      .get('[data-test="week-stats"]')
      .findAll('a')
      .map((a) => a.text().replace(/\s+/g, ' '))
    expect(week).toEqual(['4 New', '3 Changed', '1 Went missing'])
    const windowCall = server.callsTo('GET /api/changes').find((c) => c.query.get('per_page') === '1')
    expect(windowCall!.query.get('since')).toBe('2026-11-17T00:00:00Z')
    expect(wrapper.get('[data-test="agent-states"]').text()).toMatch(/online\s*2/)
    expect(wrapper.get('[data-test="compliance-grade"]').text()).toContain('B')
    expect(wrapper.get('[data-test="change-row"]').text()).toContain('<i>x</i>')
  })

  it('keeps working when one block fails (an older server without agents)', async () => {
    const { wrapper } = await mountApp('/', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/agents': json(404, { error: 'no such API endpoint' }) },
    })
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('no such API endpoint')
    expect(wrapper.get('[data-test="total-assets"]').text()).toContain('10')
    expect(wrapper.get('[data-page="overview"]').attributes('data-ready')).toBe('true')
  })

  it('asks every endpoint for the selected site', async () => {
    const { server } = await mountApp('/?site=hq', { session: VIEWER, routes })
    const sited = server.calls.filter((c) => c.path !== '/api/auth/me' && c.path !== '/api/sites')
    expect(sited.length).toBeGreaterThan(5)
    for (const c of sited) expect(c.query.get('site'), c.path).toBe('hq')
  })
})

function cert(i: number, patch: Partial<CertificateView> = {}): CertificateView {
  return {
    id: uuid(300 + i),
    site: 'hq',
    ip: `10.0.0.${i}`,
    port: 443,
    sans: ['a.lan'],
    expiry_status: 'expired',
    fingerprint_sha256: 'ab',
    self_signed: true,
    first_seen: '2026-11-01T00:00:00Z',
    last_seen: '2026-11-20T00:00:00Z',
    subject_cn: '<script>x</script>',
    asset_id: uuid(i),
    days_until_expiry: -3,
    ...patch,
  }
}

describe('CertificatesView', () => {
  it('lists certificates and switches presets through the URL and the API filter', async () => {
    const { wrapper, router, server } = await mountApp('/certificates', {
      session: VIEWER,
      routes: { 'GET /api/certificates': { items: [cert(1)], total: 1, page: 1, per_page: 50 } },
    })
    expect(wrapper.findAll('[data-test="cert-row"]')).toHaveLength(1)
    expect(wrapper.get('[data-test="cert-row"]').text()).toContain('<script>x</script>')
    await wrapper.get('[data-test="cert-filter-within7"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query.show).toBe('within7')
    const listCalls = server.callsTo('GET /api/certificates').filter((c) => c.query.get('per_page') === '50')
    expect(listCalls.at(-1)!.query.get('expiring_days')).toBe('7')
    expect(wrapper.get('[data-test="cert-filter-within7"]').attributes('aria-pressed')).toBe('true')
  })
})

describe('ChangesView', () => {
  it('filters by type and dates through the URL', async () => {
    const { wrapper, router, server } = await mountApp('/changes?type=asset_missing&since=2026-11-01', {
      session: VIEWER,
      routes: { 'GET /api/changes': { items: [change(1, { change_type: 'asset_missing' })], total: 1, page: 1, per_page: 50 } },
    })
    const q = server.callsTo('GET /api/changes')[0]!.query
    expect(q.get('type')).toBe('asset_missing')
    expect(new Date(q.get('since')!).getDate()).toBe(1)
    expect(wrapper.get('[data-test="change-row"]').attributes('data-type')).toBe('asset_missing')
    await wrapper.get('[data-test="change-type"]').setValue('new_asset')
    await settle()
    expect(router.currentRoute.value.query).toMatchObject({ type: 'new_asset', since: '2026-11-01' })
  })
})

describe('TopologyView', () => {
  const topology: Topology = {
    nodes: [
      { id: 'site:hq', kind: 'site', label: 'hq', site: 'hq' },
      { id: 'subnet:hq/10.0.0.0/24', kind: 'subnet', label: '10.0.0.0/24', site: 'hq' },
      {
        id: `asset:${uuid(5)}`,
        kind: 'device',
        label: 'printer',
        site: 'hq',
        asset_id: uuid(5),
        ip: '10.0.0.5',
        category: 'uygulamalar',
      },
    ],
    edges: [
      { source: 'site:hq', target: 'subnet:hq/10.0.0.0/24', kind: 'contains' },
      { source: 'subnet:hq/10.0.0.0/24', target: `asset:${uuid(5)}`, kind: 'contains' },
    ],
    node_kinds: {},
    assets: 1,
    devices_omitted: 0,
  }

  it('starts with subnets collapsed, expands on click and opens a device', async () => {
    const { wrapper, router } = await mountApp('/topology', {
      session: VIEWER,
      routes: { 'GET /api/topology': topology, [`GET /api/assets/${uuid(5)}`]: json(404, { error: 'gone' }) },
    })
    expect(wrapper.findAll('[data-test="topology-device"]')).toHaveLength(0)
    const subnet = wrapper.get('[data-node="subnet:hq/10.0.0.0/24"]')
    expect(subnet.attributes('aria-expanded')).toBe('false')
    // axe label-content-name-mismatch: the accessible name starts with the visible text.
    expect(subnet.findAll('text').map((el) => el.text())).toEqual(['10.0.0.0/24']) // the count is drawn outside
    expect(subnet.attributes('aria-label')).toMatch(/^10\.0\.0\.0\/24 \(Subnet\): \d+ devices/)
    await subnet.trigger('keydown', { key: 'Enter' })
    const device = wrapper.get('[data-test="topology-device"]')
    expect(device.attributes('href')).toBe(`/assets/${uuid(5)}`)
    await device.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.params.id).toBe(uuid(5)), { timeout: 5000 })
  })

  it('opens one subnet on its own when devices were left out, then goes back to the whole graph', async () => {
    const whole: Topology = { ...topology, devices_omitted: 7000 }
    const { wrapper, server } = await mountApp('/topology?site=hq', {
      session: VIEWER,
      routes: {
        'GET /api/topology': (req: { query: URLSearchParams }) =>
          req.query.get('subnet') ? { ...topology, devices_omitted: 0 } : whole,
      },
    })
    expect(wrapper.find('[data-test="topology-whole"]').exists()).toBe(false)
    await wrapper.get('[data-test="topology-subnet"]').setValue('subnet:hq/10.0.0.0/24')
    await settle()
    const sub = server.callsTo('GET /api/topology').at(-1)!
    expect([sub.query.get('site'), sub.query.get('subnet')]).toEqual(['hq', '10.0.0.0/24'])
    // The opened subnet starts expanded, and the picker gives way to the way back.
    expect(wrapper.get('[data-node="subnet:hq/10.0.0.0/24"]').attributes('aria-expanded')).toBe('true')
    expect(wrapper.find('[data-test="topology-subnet"]').exists()).toBe(false)

    const before = server.callsTo('GET /api/topology').length
    await wrapper.get('[data-test="topology-whole"]').trigger('click')
    await settle()
    const calls = server.callsTo('GET /api/topology')
    expect(calls).toHaveLength(before + 1)
    expect([calls.at(-1)!.query.get('site'), calls.at(-1)!.query.has('subnet')]).toEqual(['hq', false])
    expect(wrapper.find('[data-test="topology-whole"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="topology-subnet"]').exists()).toBe(true)
  })
})

describe('admin registries', () => {
  it('adds a subnet with label and VLAN, shows its compliance, removes it after confirmation', async () => {
    const subnet = {
      id: uuid(1),
      site: 'hq',
      cidr: '10.0.0.0/24',
      label: 'core',
      vlan_id: 10,
      asset_count: 5,
      created_at: '2026-11-01T00:00:00Z',
    }
    const { wrapper, server } = await mountApp('/subnets?site=hq', {
      session: ADMIN,
      routes: {
        'GET /api/subnets': { subnets: [subnet] },
        'GET /api/compliance': COMPLIANCE,
        'POST /api/subnets': json(201, subnet),
        'DELETE /api/subnets': noContent(),
      },
    })
    expect(wrapper.get('[data-test="subnet-row"]').text()).toContain('91')
    await wrapper.get('[data-test="subnet-cidr"]').setValue('10.0.1.0/24')
    await wrapper.get('[data-test="subnet-label"]').setValue('cams')
    await wrapper.get('[data-test="subnet-vlan"]').setValue('20')
    await wrapper.get('[data-test="subnet-form"]').trigger('submit')
    await settle()
    expect(server.callsTo('POST /api/subnets')[0]!.body).toEqual({ site: 'hq', cidr: '10.0.1.0/24', label: 'cams', vlan_id: 20 })

    await wrapper.get('[data-test="subnet-remove"]').trigger('click')
    await settle()
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    const del = server.callsTo('DELETE /api/subnets')[0]!
    expect([del.query.get('site'), del.query.get('cidr')]).toEqual(['hq', '10.0.0.0/24'])
  })

  it('sends the SNMP community once, from a password field, and never shows it', async () => {
    const sw = {
      id: uuid(2),
      site: 'hq',
      host: '10.0.0.2',
      snmp_version: '2c',
      label: 'core',
      community_set: true,
      mac_count: 12,
    }
    const { wrapper, server } = await mountApp('/switches?site=hq', {
      session: ADMIN,
      routes: {
        'GET /api/switches': { switches: [sw] },
        'GET /api/topology': { nodes: [], edges: [], node_kinds: {}, assets: 0, devices_omitted: 0 },
        'POST /api/switches': json(201, sw),
      },
    })
    const community = wrapper.get('[data-test="switch-community"]')
    expect(community.attributes('type')).toBe('password')
    await wrapper.get('[data-test="switch-host"]').setValue('10.0.0.3')
    await community.setValue('s3cret-community')
    await wrapper.get('[data-test="switch-form"]').trigger('submit')
    await settle()
    expect(server.callsTo('POST /api/switches')[0]!.body).toMatchObject({ host: '10.0.0.3', community: 's3cret-community' })
    expect((wrapper.get('[data-test="switch-community"]').element as HTMLInputElement).value).toBe('')
    expect(wrapper.html()).not.toContain('s3cret-community')
  })

  it('hides registry forms from viewers', async () => {
    const { wrapper } = await mountApp('/subnets', {
      session: VIEWER,
      routes: { 'GET /api/subnets': { subnets: [] }, 'GET /api/compliance': COMPLIANCE },
    })
    expect(wrapper.find('[data-test="subnet-form"]').exists()).toBe(false)
  })

  it('changes a role and shows the server refusing to demote the last admin', async () => {
    const users = [{ id: uuid(1), username: 'admin', role: 'admin', created_at: '2026-11-01T00:00:00Z' }]
    const { wrapper, server } = await mountApp('/users', {
      session: ADMIN,
      routes: {
        'GET /api/users': { users },
        'PUT /api/users/admin': json(409, { error: 'cannot demote the last admin' }),
      },
    })
    const role = wrapper.get('[data-test="user-role-select"]')
    await role.setValue('viewer')
    await settle()
    expect(server.callsTo('PUT /api/users/admin')[0]!.body).toEqual({ role: 'viewer' })
    expect(wrapper.get('[data-test="user-change-error"]').text()).toBe('cannot demote the last admin')
    expect((wrapper.get('[data-test="user-role-select"]').element as HTMLSelectElement).value).toBe('admin')
  })
})
