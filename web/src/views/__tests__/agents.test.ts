import { describe, expect, it, vi } from 'vitest'
import { ADMIN, VIEWER, json, noContent } from '../../test/fakeApi'
import { agent, site, siteConfig } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const AGENTS = {
  'GET /api/agents': {
    agents: [
      agent(1),
      agent(2, { state: 'stale', queue_depth: 4, last_error: '<b>queue disk full</b>' }),
      agent(3, { state: 'revoked' }),
    ],
  },
  'GET /api/agents/enrollments': { enrollments: [] },
  'GET /api/sites': { sites: [site('hq'), site('branch')] },
}

describe('AgentsView', () => {
  it('shows a card per agent with its state, and no admin buttons for viewers', async () => {
    const { wrapper, server } = await mountApp('/agents', { session: VIEWER, routes: AGENTS })
    const cards = wrapper.findAll('[data-test="agent-card"]')
    expect(cards.map((c) => c.attributes('data-state'))).toEqual(['online', 'stale', 'revoked'])
    expect(cards[1]!.get('[data-test="agent-queue"]').text()).toBe('4')
    // The agent's own error text is shown as text.
    expect(cards[1]!.get('[data-test="agent-error"]').text()).toContain('<b>queue disk full</b>')
    expect(cards[1]!.find('b').exists()).toBe(false)
    for (const test of ['add-agent', 'agent-revoke', 'agent-rotate', 'agent-delete']) {
      expect(wrapper.find(`[data-test="${test}"]`).exists(), test).toBe(false)
    }
    expect(server.callsTo('GET /api/agents/enrollments')).toHaveLength(0)
  })

  it('filters by the global site', async () => {
    const { server } = await mountApp('/agents?site=branch', { session: VIEWER, routes: AGENTS })
    expect(server.callsTo('GET /api/agents')[0]!.query.get('site')).toBe('branch')
  })

  it('adds an agent and shows the exact, copyable register command', async () => {
    const { wrapper, server } = await mountApp('/agents?site=hq', {
      session: ADMIN,
      routes: {
        ...AGENTS,
        'POST /api/agents/enrollments': json(201, {
          id: 'e1',
          site: 'hq',
          token: 'bigr_enr_s3cret',
          expires_at: '2026-11-24T22:00:00Z',
        }),
      },
    })
    await wrapper.get('[data-test="add-agent"]').trigger('click')
    await settle()
    expect((wrapper.get('[data-test="enroll-site"]').element as HTMLInputElement).value).toBe('hq')
    await wrapper.get('[data-test="enroll-name"]').setValue('edge-1')
    await wrapper.get('[data-test="enroll-hours"]').setValue('48')
    await wrapper.get('[data-test="enroll-form"]').trigger('submit')
    await settle()

    const [post] = server.callsTo('POST /api/agents/enrollments')
    expect(post!.body).toEqual({ site: 'hq', expires_hours: 48 })
    expect(post!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    expect(wrapper.get('[data-test="enroll-command"]').text()).toBe(
      `bigr agent register --api-url ${window.location.origin} --name edge-1 --site hq --enroll-token bigr_enr_s3cret`,
    )
    expect(wrapper.find('[data-test="copy"]').exists()).toBe(true)
    // The enrollment list is refreshed so the new token shows up there.
    expect(server.callsTo('GET /api/agents/enrollments').length).toBeGreaterThanOrEqual(2)
  })

  it('revokes only after confirmation', async () => {
    const { wrapper, server } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...AGENTS, [`POST /api/agents/${agent(1).id}/revoke`]: agent(1, { state: 'revoked' }) },
    })
    await wrapper.findAll('[data-test="agent-revoke"]')[0]!.trigger('click')
    await settle()
    expect(server.callsTo(`POST /api/agents/${agent(1).id}/revoke`)).toHaveLength(0)
    expect(wrapper.get('[data-test="confirm-dialog"]').text()).toContain('agent-1')
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    expect(server.callsTo(`POST /api/agents/${agent(1).id}/revoke`)).toHaveLength(1)
    expect(server.callsTo('GET /api/agents')).toHaveLength(2)
  })

  it('rotates a token and shows the new one once', async () => {
    const id = agent(2).id
    const { wrapper } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...AGENTS, [`POST /api/agents/${id}/rotate`]: { agent_id: id, token: 'bigr_rotated' } },
    })
    await wrapper.findAll('[data-test="agent-rotate"]')[1]!.trigger('click')
    await settle()
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    expect(wrapper.get('[data-test="rotated-token"]').text()).toBe('bigr_rotated')
  })

  it('deletes after confirmation and keeps the dialog open with the reason on failure', async () => {
    const id = agent(3).id
    const { wrapper, server } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...AGENTS, [`DELETE /api/agents/${id}`]: json(409, { error: 'agent is busy' }) },
    })
    await wrapper.findAll('[data-test="agent-delete"]')[2]!.trigger('click')
    await settle()
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    expect(wrapper.get('[data-test="confirm-dialog"]').text()).toContain('agent is busy')

    server.set({ [`DELETE /api/agents/${id}`]: noContent() })
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-test="confirm-dialog"]').exists()).toBe(false)
  })

  it('says whether each agent runs its site configuration, and links the site settings', async () => {
    const { wrapper, router } = await mountApp('/agents', {
      session: VIEWER,
      routes: {
        ...AGENTS,
        'GET /api/agents': {
          agents: [
            agent(1, { config_version: 4, site_config_version: 4 }),
            agent(2, { config_version: 2, site_config_version: 4 }),
            agent(3, { site: 'branch', config_version: null, site_config_version: 0 }),
            agent(4, { config_version: null, site_config_version: 4 }),
          ],
        },
        'GET /api/sites/branch/config': { ...siteConfig('branch'), version: 0 },
      },
    })
    const cells = wrapper.findAll('[data-test="agent-config"]')
    expect(cells.map((c) => c.attributes('data-config'))).toEqual(['applied', 'pending', 'none', 'pending'])
    expect(cells.map((c) => c.text())).toEqual(['applied v4', 'pending v4 (runs v2)', '—', 'pending v4 (not reported)'])

    const link = wrapper.findAll('[data-test="agent-site"]')[2]!
    expect(link.attributes('href')).toBe('/sites/branch/settings?site=branch')
    await link.trigger('click')
    // The settings page is a lazy chunk: its first load may outlast settle().
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('site-settings'))
    expect(router.currentRoute.value.params.site).toBe('branch')
  })

  it('shows an error state when the server has no agent API yet', async () => {
    const { wrapper } = await mountApp('/agents', { session: VIEWER })
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('no such API endpoint')
  })
})
