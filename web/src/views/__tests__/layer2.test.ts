import { describe, expect, it, vi } from 'vitest'
import type { Layer2 } from '../../api'
import { ADMIN, VIEWER, json, type FakeRequest } from '../../test/fakeApi'
import { layer2Sample, site, switchView } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

/** The sample, and with `?vlan=20` only the device learned in VLAN 20. */
function answer(req: FakeRequest): Layer2 {
  const graph = layer2Sample()
  if (req.query.get('vlan') !== '20') return graph
  return { ...graph, devices: graph.devices.filter((d) => d.vlan === 20) }
}

const routes = {
  'GET /api/sites': { sites: [site('hq')] },
  'GET /api/topology/layer2': answer,
  'GET /api/switches': {
    switches: [
      switchView(1, {
        vlans: [
          { id: 10, name: 'office' },
          { id: 20, name: 'iot' },
        ],
      }),
    ],
  },
}

describe('Layer2View', () => {
  it('draws switches, heard neighbours and links with ports, reached from the topology tabs', async () => {
    const { wrapper, router } = await mountApp('/topology?site=hq', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/topology': { nodes: [], edges: [], node_kinds: {}, assets: 0, devices_omitted: 0 } },
    })
    await wrapper.get('[data-test="topology-tab-layer2"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/topology/layer2?site=hq'))
    await settle()
    expect(wrapper.get('[data-page="layer2"]').attributes('data-ready')).toBe('true')
    // The menu keeps Topology marked as the current page.
    expect(wrapper.get('[data-test="nav-topology"]').attributes('aria-current')).toBe('page')

    const nodes = wrapper.findAll('[data-test="layer2-node"]')
    expect(nodes).toHaveLength(5)
    expect(nodes.filter((n) => n.attributes('data-registered') === 'true')).toHaveLength(3)
    const heard = nodes.find((n) => n.attributes('data-node') === 'heard:hq/00:27:22:00:00:01')!
    expect(heard.classes()).toContain('heard')
    expect(heard.attributes('role')).toBe('img')
    expect(heard.attributes('aria-label')).toMatch(/^ap-1 Access point · 10\.0\.0\.20, heard over LLDP/)
    const failed = nodes.find((n) => n.attributes('data-node') === 'gear:hq/10.0.0.2')!
    expect(failed.classes()).toContain('failed')
    expect(wrapper.findAll('.warn-mark')).toHaveLength(1)
    expect(failed.attributes('aria-label')).toContain('timeout')

    const links = wrapper.findAll('[data-test="layer2-link"]')
    expect(links).toHaveLength(4)
    expect(links.filter((l) => l.attributes('data-registered') === 'true')).toHaveLength(2)
    expect(links[0]!.text()).toContain('Te1/1/1')
    expect(links[0]!.text()).toContain('Te1/0/1')
    expect(wrapper.get('[data-test="layer2-stats"]').attributes('data-devices')).toBe('4')
    // VLAN names come from the switch list.
    expect(wrapper.get('[data-test="layer2-vlan"]').text()).toContain('20 · iot')
  })

  it('keeps devices collapsed until a switch is opened, then lists them by port with asset links', async () => {
    const { wrapper, router } = await mountApp('/topology/layer2?site=hq', { session: VIEWER, routes })
    expect(wrapper.findAll('[data-test="layer2-device"]')).toHaveLength(0)
    const a1 = wrapper.get('[data-node="gear:hq/10.0.0.2"]')
    expect(a1.attributes('aria-expanded')).toBe('false')
    await a1.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(wrapper.get('[data-node="gear:hq/10.0.0.2"]').attributes('aria-expanded')).toBe('true')
    expect(wrapper.findAll('[data-test="layer2-device"]')).toHaveLength(3)
    const rows = wrapper.findAll('[data-test="layer2-port-row"]')
    expect(rows.map((r) => r.text().slice(0, 8))).toEqual(['Gi1/0/2d', 'Gi1/0/10'])
    await wrapper.get('[data-test="layer2-device-link"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/assets/00000000-0000-4000-8000-000000000011'))
  })

  it('filters by VLAN through the URL and the API', async () => {
    const { wrapper, router, server } = await mountApp('/topology/layer2?site=hq', { session: VIEWER, routes })
    await wrapper.get('[data-test="layer2-vlan"]').setValue('20')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', vlan: '20' })
    expect(server.callsTo('GET /api/topology/layer2').at(-1)!.query.get('vlan')).toBe('20')
    expect(wrapper.get('[data-test="layer2-stats"]').attributes('data-devices')).toBe('1')
    // The subnet panel links into the inventory with the same VLAN.
    const link = wrapper.get('[data-test="layer2-subnet-row"] a')
    expect(link.attributes('href')).toBe('/assets?site=hq&subnet=10.0.0.0/24&vlan=20')
  })

  it('lets an admin register a candidate, then reloads the graph', async () => {
    const { wrapper, server } = await mountApp('/topology/layer2?site=hq', {
      session: ADMIN,
      routes: { ...routes, 'POST /api/switches/candidates': json(201, switchView(9, { host: '10.0.0.249' })) },
    })
    const row = wrapper.get('[data-test="layer2-candidate"]')
    expect(row.text()).toContain('sw-floor')
    expect(row.text()).toContain('10.0.0.3 Gi1/0/48')
    await row.get('[data-test="layer2-candidate-add"]').trigger('click')
    await settle()
    const post = server.callsTo('POST /api/switches/candidates')[0]!
    expect(post.body).toEqual({ site: 'hq', address: '10.0.0.249', heard_by: '10.0.0.3' })
    expect(post.headers.get('X-CSRF-Token')).toBe(ADMIN.csrf_token)
    expect(server.callsTo('GET /api/topology/layer2')).toHaveLength(2)
    expect(wrapper.text()).toContain('sw-floor added')
  })

  it('shows viewers the candidates without an Add button', async () => {
    const { wrapper } = await mountApp('/topology/layer2?site=hq', { session: VIEWER, routes })
    expect(wrapper.find('[data-test="layer2-candidate"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="layer2-candidate-add"]').exists()).toBe(false)
  })

  it('explains how to get a graph when no switch is registered', async () => {
    const { wrapper } = await mountApp('/topology/layer2?site=hq', {
      session: ADMIN,
      routes: {
        ...routes,
        'GET /api/topology/layer2': { nodes: [], links: [], devices: [], devices_omitted: 0, candidates: [], vlans: [] },
      },
    })
    expect(wrapper.get('[data-test="layer2-empty"]').text()).toContain('No switches registered')
    expect(wrapper.get('[data-test="layer2-add-switch"]').attributes('href')).toBe('/switches?site=hq')
    expect(wrapper.find('[data-test="layer2-svg"]').exists()).toBe(false)
  })
})
