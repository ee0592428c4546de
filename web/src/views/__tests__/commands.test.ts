import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { NewCommand } from '../../api'
import { ADMIN, VIEWER, json, type FakeRequest } from '../../test/fakeApi'
import { agent, command, site } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const A1 = agent(1)
const ROUTES = {
  'GET /api/agents': { agents: [A1, agent(2, { site: 'branch' }), agent(3, { state: 'revoked' })] },
  'GET /api/agents/enrollments': { enrollments: [] },
  'GET /api/sites': { sites: [site('hq'), site('branch')] },
}
const ISSUE = `POST /api/agents/${A1.id}/commands`
const GET = `GET /api/commands/${command(1).id}`

type Wrapper = Awaited<ReturnType<typeof mountApp>>['wrapper']
const card = (wrapper: Wrapper, i: number) => wrapper.findAll('[data-test="agent-card"]')[i]!

/** An issue endpoint that answers with a queued command for whatever body it got. */
function issuing(bodies: NewCommand[]) {
  return (req: FakeRequest) => {
    const body = req.body as NewCommand
    bodies.push(body)
    return json(201, command(1, { kind: body.kind, args: { targets: body.targets ?? [], ports: body.ports ?? null } }))
  }
}

afterEach(() => vi.useRealTimers())

/** settle() under fake timers: `ms` pass, and every answer and re-render due by then lands. */
async function tick(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
  for (let i = 0; i < 5; i++) await flushPromises()
}

describe('agent commands on the agents page', () => {
  it('gives admins the command buttons on live agents only, and everyone the history', async () => {
    const admin = await mountApp('/agents', { session: ADMIN, routes: ROUTES })
    const buttons = (i: number) =>
      card(admin.wrapper, i)
        .findAll('[data-test^="agent-command-"]')
        .map((b) => b.text())
    expect(buttons(0)).toEqual(['Scan now', 'Poll switches', 'Reload configuration', 'Rotate token on the agent'])
    expect(buttons(2)).toEqual([]) // revoked: no commands
    expect(card(admin.wrapper, 2).find('[data-test="agent-history"]').exists()).toBe(true)
    admin.wrapper.unmount()

    const { wrapper } = await mountApp('/agents?site=hq', { session: VIEWER, routes: ROUTES })
    expect(wrapper.find('[data-test^="agent-command-"]').exists()).toBe(false)
    expect(card(wrapper, 0).get('[data-test="agent-history"]').attributes('href')).toBe(`/agents/${A1.id}/commands?site=hq`)
  })

  it('sends a scan with the typed targets and ports, then follows it live to its result', async () => {
    const bodies: NewCommand[] = []
    let state = command(1, { state: 'running', progress: { phase: 'scanning', hosts_found: 12, percent: 37 } })
    const { wrapper, server } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...ROUTES, [ISSUE]: issuing(bodies), [GET]: () => state },
    })
    // Only timeouts are faked: flushPromises() still runs on setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await card(wrapper, 0).get('[data-test="agent-command-scan_now"]').trigger('click')
    await tick()
    expect(wrapper.get('[data-test="scan-dialog"]').text()).toContain('agent-1')
    await wrapper.get('[data-test="scan-targets"]').setValue('10.0.0.0/28\n\n 10.0.1.5 \n')
    await wrapper.get('[data-test="scan-ports"]').setValue(' 22,443 ')
    await wrapper.get('[data-test="scan-form"]').trigger('submit')
    await tick()

    expect(bodies).toEqual([{ kind: 'scan_now', targets: ['10.0.0.0/28', '10.0.1.5'], ports: '22,443' }])
    expect(server.callsTo(ISSUE)[0]!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    expect(wrapper.find('[data-test="scan-dialog"]').exists()).toBe(false)
    const status = () => card(wrapper, 0).get('[data-test="command-status"]')
    expect(status().get('[data-test="command-state"]').attributes('data-state')).toBe('queued')
    expect(status().text()).toContain('Waiting for the agent')

    await tick(1000)
    expect(status().attributes('data-state')).toBe('running')
    expect(status().get('[data-test="command-progress"]').text()).toContain('scanning')
    expect(status().get('[data-test="command-hosts"]').text()).toBe('12 hosts found')
    expect(status().get('[data-test="command-percent"]').attributes('aria-valuenow')).toBe('37')

    state = command(1, {
      state: 'completed',
      finished_at: '2026-11-23T10:03:00Z',
      result: { scan_id: 'scan-77', assets: 1234, changes: 5 },
    })
    await tick(1000)
    expect(status().attributes('data-state')).toBe('completed')
    expect(status().find('[data-test="command-percent"]').exists()).toBe(false)
    expect(status().get('[data-test="command-result"]').text()).toContain('1,234 assets, 5 changes.')
    expect(status().get('[data-test="command-scan"]').attributes('href')).toBe('/scans?site=hq&scan=scan-77')
    const asked = server.callsTo(GET).length
    await vi.advanceTimersByTimeAsync(5000)
    expect(server.callsTo(GET)).toHaveLength(asked) // a completed command is not asked about again
  })

  it('sends an empty scan form without targets or ports, and shows a refusal at the field it names', async () => {
    const bodies: NewCommand[] = []
    const { wrapper, server } = await mountApp('/agents', { session: ADMIN, routes: { ...ROUTES, [ISSUE]: issuing(bodies) } })
    await card(wrapper, 0).get('[data-test="agent-command-scan_now"]').trigger('click')
    await settle()
    server.set({ [ISSUE]: json(400, { error: 'invalid field `targets[1]`: invalid prefix length 33' }) })
    await wrapper.get('[data-test="scan-targets"]').setValue('10.0.0.0/24\n10.0.0.0/33')
    await wrapper.get('[data-test="scan-form"]').trigger('submit')
    await settle()
    expect(wrapper.get('[data-test="scan-error"]').text()).toContain('targets[1]')
    const targets = wrapper.get('[data-test="scan-targets"]')
    expect(targets.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get(`[id="${targets.attributes('aria-describedby')!.split(' ').at(-1)}"]`).text()).toBe(
      '10.0.0.0/33: invalid prefix length 33',
    )
    expect(wrapper.get('[data-test="scan-ports"]').attributes('aria-invalid')).toBeUndefined()

    // Cleared, the form asks for the site's own targets and ports.
    server.set({ [ISSUE]: issuing(bodies) })
    await wrapper.get('[data-test="scan-targets"]').setValue('')
    await wrapper.get('[data-test="scan-form"]').trigger('submit')
    await settle()
    expect(bodies).toEqual([{ kind: 'scan_now' }])
    wrapper.unmount() // stops following the queued scan
  })

  it('polls switches at once, and shows why a command was refused', async () => {
    const bodies: NewCommand[] = []
    const { wrapper } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...ROUTES, [ISSUE]: json(409, { error: 'agent already has 20 commands waiting' }) },
    })
    await card(wrapper, 0).get('[data-test="agent-command-poll_switches"]').trigger('click')
    await settle()
    expect(card(wrapper, 0).get('[data-test="command-error"]').text()).toBe('agent already has 20 commands waiting')

    wrapper.unmount()
    const again = await mountApp('/agents', { session: ADMIN, routes: { ...ROUTES, [ISSUE]: issuing(bodies) } })
    await card(again.wrapper, 0).get('[data-test="agent-command-reload_config"]').trigger('click')
    await settle()
    expect(card(again.wrapper, 0).find('[data-test="command-error"]').exists()).toBe(false)
    expect(card(again.wrapper, 0).get('[data-test="command-status"]').text()).toContain('Reload configuration')
    expect(bodies).toEqual([{ kind: 'reload_config' }])
    expect(again.server.callsTo(ISSUE)).toHaveLength(1)
    again.wrapper.unmount()
  })

  it('rotates the token on the agent only after a confirmation that says what happens', async () => {
    const bodies: NewCommand[] = []
    const { wrapper, server } = await mountApp('/agents', { session: ADMIN, routes: { ...ROUTES, [ISSUE]: issuing(bodies) } })
    await card(wrapper, 0).get('[data-test="agent-command-rotate_token"]').trigger('click')
    await settle()
    const dialog = wrapper.get('[data-test="confirm-dialog"]')
    expect(dialog.text()).toContain('agent-1')
    expect(dialog.text()).toContain('old token stops working')
    expect(server.callsTo(ISSUE)).toHaveLength(0)
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    expect(bodies).toEqual([{ kind: 'rotate_token' }])
    expect(card(wrapper, 0).get('[data-test="command-status"]').text()).toContain('Rotate token on the agent')
    wrapper.unmount()
  })
})

describe('AgentCommandsView', () => {
  const HISTORY = `GET /api/agents/${A1.id}/commands`

  it('lists an agent’s commands with their outcome, paged through the URL', async () => {
    const items = [
      command(1, { state: 'running', progress: { phase: 'scanning', hosts_found: 3, percent: null } }),
      command(2, {
        state: 'completed',
        args: { targets: ['10.0.0.0/28'], ports: '22' },
        finished_at: '2026-11-23T10:05:00Z',
        result: { scan_id: 'scan-2', assets: 14, changes: 0 },
      }),
      command(3, { kind: 'reload_config', state: 'failed', result: { detail: '<b>config fetch failed</b>' } }),
      command(4, { kind: 'poll_switches', state: 'expired' }),
    ]
    const { wrapper, router, server } = await mountApp(`/agents/${A1.id}/commands?site=hq`, {
      session: VIEWER,
      routes: {
        ...ROUTES,
        [HISTORY]: (req: FakeRequest) => ({ items, total: 45, page: Number(req.query.get('page')), per_page: 20 }),
      },
    })
    expect(wrapper.get('[data-page="agent-commands"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('h1').text()).toBe('Commands of agent-1')
    expect(wrapper.get('[data-test="nav-agents"]').attributes('aria-current')).toBe('page')
    const rows = wrapper.findAll('[data-test="command-row"]')
    expect(rows.map((r) => r.attributes('data-state'))).toEqual(['running', 'completed', 'failed', 'expired'])
    expect(rows[0]!.text()).toContain('3 hosts found')
    expect(rows[0]!.find('[data-test="command-percent"]').exists()).toBe(false)
    expect(rows[1]!.get('[data-test="command-targets"]').text()).toBe('10.0.0.0/28')
    expect(rows[1]!.get('[data-test="command-scan"]').attributes('href')).toBe('/scans?site=hq&scan=scan-2')
    // The agent's own words are text.
    expect(rows[2]!.get('[data-test="command-detail"]').text()).toBe('<b>config fetch failed</b>')
    expect(rows[2]!.find('b').exists()).toBe(false)
    expect(rows[3]!.get('[data-test="command-detail"]').text()).toBe('The agent did not take it in time.')
    expect(Object.fromEntries(server.callsTo(HISTORY)[0]!.query)).toEqual({ page: '1', per_page: '20' })

    await wrapper.get('[data-test="next-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', page: '2' })
    expect(server.callsTo(HISTORY).at(-1)!.query.get('page')).toBe('2')

    await wrapper.get('[data-test="history-refresh"]').trigger('click')
    await settle()
    expect(server.callsTo(HISTORY)).toHaveLength(3)
  })

  it('says when an agent has had no commands', async () => {
    const { wrapper } = await mountApp(`/agents/${A1.id}/commands`, {
      session: ADMIN,
      routes: { ...ROUTES, [HISTORY]: { items: [], total: 0, page: 1, per_page: 20 } },
    })
    expect(wrapper.get('[data-test="state-empty"]').text()).toBe('No commands have been sent to this agent.')
  })
})
