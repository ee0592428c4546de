// The first hour: an empty inventory offers its two ways in, a score over no assets is "no
// data", and generated demo data is labelled on every page.
import { describe, expect, it } from 'vitest'
import type { ComplianceReport, Topology } from '../../api'
import { ADMIN, VIEWER, type FakeRoutes } from '../../test/fakeApi'
import { inventory, site } from '../../test/fixtures'
import { mountApp } from '../../test/mountApp'

const NO_ASSETS = { total_assets: 0, fully_classified: 0, partially_classified: 0, unclassified: 0, manual_overrides: 0 }

// What the server answers today for an empty inventory: a perfect score.
const EMPTY_COMPLIANCE: ComplianceReport = {
  compliance_score: 100,
  grade: 'A',
  breakdown: NO_ASSETS,
  distribution: {},
  percentages: {},
  sites: [],
  subnets: [],
  action_items: [],
  action_items_total: 0,
}

const EMPTY_TOPOLOGY: Topology = { nodes: [], edges: [], node_kinds: {}, assets: 0, devices_omitted: 0 }

const EMPTY: FakeRoutes = {
  'GET /api/data': inventory([]),
  'GET /api/analytics': {
    days: 7,
    since: '2026-11-17T00:00:00Z',
    asset_count_trend: { name: 'asset_count', points: [] },
    category_trends: [],
    new_vs_missing: [],
    scan_frequency: [],
    most_changed_assets: [],
  },
  'GET /api/changes': { items: [], total: 0, page: 1, per_page: 10 },
  'GET /api/agents': { agents: [] },
  'GET /api/compliance': EMPTY_COMPLIANCE,
  'GET /api/subnets': { subnets: [] },
  'GET /api/topology': EMPTY_TOPOLOGY,
}

describe('empty inventory', () => {
  it('Overview: the panel sits in the no-assets block, and the admin button opens the enrollment dialog', async () => {
    const { wrapper } = await mountApp('/', { session: ADMIN, routes: EMPTY })
    const block = wrapper.get('[data-test="no-assets"]')
    expect(block.find('[data-test="empty-inventory"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="group-card-iot"]').exists()).toBe(false)
    expect(block.get('[data-test="empty-scan-command"]').text()).toBe('bigr scan 192.168.1.0/24')
    expect(wrapper.find('[data-test="enroll-dialog"]').exists()).toBe(false)
    await block.get('[data-test="empty-add-agent"]').trigger('click')
    expect(wrapper.find('[data-test="enroll-dialog"]').exists()).toBe(true)
    // The compliance card says so too, instead of the A that zero assets score.
    expect(wrapper.get('[data-test="compliance-no-data"]').text()).toBe('No data yet')
    expect(wrapper.find('[data-test="compliance-grade"]').exists()).toBe(false)
    expect(wrapper.get('[data-page="overview"]').attributes('data-ready')).toBe('true')
  })

  it('Overview: viewers get no button but a sentence telling them to ask an admin', async () => {
    const { wrapper } = await mountApp('/', { session: VIEWER, routes: EMPTY })
    const panel = wrapper.get('[data-test="empty-inventory"]')
    expect(panel.find('[data-test="empty-add-agent"]').exists()).toBe(false)
    expect(panel.get('[data-test="empty-ask-admin"]').text()).toContain('ask an admin')
    expect(panel.find('[data-test="empty-scan-command"]').exists()).toBe(true)
  })

  it('Overview: no panel once there are assets', async () => {
    const { wrapper } = await mountApp('/', { session: ADMIN, routes: { ...EMPTY, 'GET /api/data': inventory([], 3) } })
    expect(wrapper.find('[data-test="no-assets"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="empty-inventory"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="group-card-iot"]').exists()).toBe(true)
  })

  it('Assets: the panel for an empty selected site, with the scan command for that site', async () => {
    const { wrapper, server } = await mountApp('/assets?site=hq', {
      session: ADMIN,
      routes: { ...EMPTY, 'GET /api/sites': { sites: [site('hq')] } },
    })
    expect(server.callsTo('GET /api/data')[0]!.query.get('site')).toBe('hq')
    expect(wrapper.find('[data-test="empty-add-agent"]').exists()).toBe(true)
    expect(wrapper.get('[data-test="empty-scan-command"]').text()).toBe('bigr scan 192.168.1.0/24 --site hq')
    expect(wrapper.find('[data-test="inventory-empty"]').exists()).toBe(false)
    expect(wrapper.get('[data-page="assets"]').attributes('data-ready')).toBe('true')
  })

  it('Topology: the panel instead of "nothing to draw"', async () => {
    const { wrapper } = await mountApp('/topology', { session: VIEWER, routes: EMPTY })
    expect(wrapper.find('[data-test="empty-inventory"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="state-empty"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="topology-stats"]').exists()).toBe(false)
  })
})

describe('ComplianceView', () => {
  it('shows "No data yet" and the empty panel instead of a grade over zero assets', async () => {
    const { wrapper } = await mountApp('/compliance', { session: ADMIN, routes: EMPTY })
    const noData = wrapper.get('[data-test="compliance-no-data"]')
    expect(noData.get('[data-test="empty-title"]').text()).toBe('No data yet')
    expect(noData.find('[data-test="empty-add-agent"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="score-gauge"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="compliance-breakdown"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('100')
    expect(wrapper.get('[data-page="compliance"]').attributes('data-ready')).toBe('true')
  })

  it('shows the score as soon as there is one asset', async () => {
    const report = { ...EMPTY_COMPLIANCE, breakdown: { ...NO_ASSETS, total_assets: 1, fully_classified: 1 } }
    const { wrapper } = await mountApp('/compliance', { session: ADMIN, routes: { ...EMPTY, 'GET /api/compliance': report } })
    expect(wrapper.find('[data-test="compliance-no-data"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="score-gauge"]').exists()).toBe(true)
  })
})

describe('demo banner', () => {
  const SITES = { 'GET /api/sites': { sites: [site('hq', { asset_count: 3 }), site('demo', { demo: true, asset_count: 150 })] } }
  const routes = { ...EMPTY, 'GET /api/data': inventory([], 3), ...SITES }

  it('is on every page while all sites are shown and one of them is a demo site', async () => {
    for (const path of ['/', '/assets', '/agents']) {
      const { wrapper } = await mountApp(path, { session: VIEWER, routes })
      const banner = wrapper.get('[data-test="demo-banner"]')
      expect(banner.attributes('role'), path).toBe('status')
      expect(banner.text(), path).toContain('bigr demo remove')
      wrapper.unmount()
    }
  })

  it('follows the site selector: shown for the demo site, gone for a real one', async () => {
    const demo = await mountApp('/?site=demo', { session: VIEWER, routes })
    expect(demo.wrapper.find('[data-test="demo-banner"]').exists()).toBe(true)
    demo.wrapper.unmount()
    const real = await mountApp('/?site=hq', { session: VIEWER, routes })
    expect(real.wrapper.find('[data-test="demo-banner"]').exists()).toBe(false)
  })

  it('is not shown by a server that does not mark sites (no demo field), even for a site named demo', async () => {
    const { wrapper } = await mountApp('/', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/sites': { sites: [{ ...site('demo'), demo: undefined }] } },
    })
    expect(wrapper.find('[data-test="demo-banner"]').exists()).toBe(false)
  })
})
