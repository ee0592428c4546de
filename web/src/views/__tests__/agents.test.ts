import { describe, expect, it, vi } from 'vitest'
import { ADMIN, VIEWER, json, noContent, type FakeRoutes } from '../../test/fakeApi'
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
  'GET /api/agents/versions': [{ version: '0.1.0', agents: 2 }],
  'GET /api/releases': { items: [], public_key: null, key_id: null },
}

const SHA = 'ab12cd34ef56'.padEnd(64, '0')
const RELEASE = {
  id: '0b7c9e2e-0000-4000-8000-000000000900',
  version: '0.2.0',
  target: 'x86_64-linux',
  sha256: SHA,
  size: 7 * 1024 * 1024,
  signed_at: '2026-11-20T10:00:00Z',
  key_id: 'k-2026',
  added_at: '2026-11-21T10:00:00Z',
  added_by: 'admin',
}
const WITH_KEY = { items: [RELEASE], public_key: 'bigr-ed25519:AAAA', key_id: 'k-2026' }

/** Puts `file` in a file input (happy-dom cannot pick files) and fires its change event. */
async function pickFile(input: { element: Element; trigger: (e: string) => Promise<void> }, file: File): Promise<void> {
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
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

  describe('the one-line install', () => {
    const ENROLLMENT = { id: 'e1', site: 'İstanbul ofis', token: 'bigr_enr_s3cret', expires_at: '2026-11-24T22:00:00Z' }
    const SCRIPT = '#!/bin/sh\n# bigr agent install <script>alert(1)</script>\nset -eu\n'
    const shellScript = (text: string) =>
      new Response(text, { status: 200, headers: { 'Content-Type': 'text/x-shellscript; charset=utf-8' } })

    /** Adds agent edge-1 to site "İstanbul ofis" with GET /api/install.sh answering `script`. */
    async function enroll(script: FakeRoutes[string]) {
      const mounted = await mountApp('/agents', {
        session: ADMIN,
        routes: { ...AGENTS, 'POST /api/agents/enrollments': json(201, ENROLLMENT), 'GET /api/install.sh': script },
      })
      const { wrapper, server } = mounted
      await wrapper.get('[data-test="add-agent"]').trigger('click')
      await settle()
      await wrapper.get('[data-test="enroll-name"]').setValue('edge-1')
      await wrapper.get('[data-test="enroll-site"]').setValue('İstanbul ofis')
      expect(server.callsTo('GET /api/install.sh')).toHaveLength(0)
      await wrapper.get('[data-test="enroll-form"]').trigger('submit')
      await settle()
      return mounted
    }

    const origin = window.location.origin
    const REGISTER = `bigr agent register --api-url ${origin} --name edge-1 --site 'İstanbul ofis' --enroll-token bigr_enr_s3cret`

    it('shows the install line first, explains it, and shows the server’s script on request', async () => {
      const { wrapper, server } = await enroll(shellScript(SCRIPT))
      const result = wrapper.get('[data-test="enroll-result"]')
      expect(result.get('[data-test="enroll-install"]').text()).toBe(
        `curl -fsSL ${origin}/api/install.sh | sudo BIGR_ENROLL_TOKEN=bigr_enr_s3cret sh -s -- ` +
          `--server ${origin} --site 'İstanbul ofis' --name edge-1`,
      )
      expect(result.text()).toContain('Install on a new Linux machine (one line, as root)')
      expect(result.get('[data-test="enroll-install-explain"]').text()).toContain('Ed25519')
      // The register command stays, after the install line.
      expect(result.get('[data-test="enroll-command"]').text()).toBe(REGISTER)
      const html = result.html()
      expect(html.indexOf('data-test="enroll-install"')).toBeLessThan(html.indexOf('data-test="enroll-command"'))
      expect(result.findAll('[data-test="copy"]')).toHaveLength(2)

      // Fetched once, as a plain GET of the session (no CSRF header), asking for a shell script.
      const [get] = server.callsTo('GET /api/install.sh')
      expect(server.callsTo('GET /api/install.sh')).toHaveLength(1)
      expect(get!.headers.get('Accept')).toBe('text/x-shellscript, application/json')
      expect(get!.headers.has('X-CSRF-Token')).toBe(false)

      const details = result.get('[data-test="install-script-details"]')
      expect(details.element.tagName).toBe('DETAILS')
      expect(details.get('summary').text()).toBe('Show the install script')
      const pre = details.get('[data-test="install-script"]')
      expect(pre.element.tagName).toBe('PRE')
      expect(pre.text()).toBe(SCRIPT.trim())
      expect(pre.element.textContent).toBe(SCRIPT)
      expect(pre.find('script').exists()).toBe(false) // the server's text stays text
      expect(pre.attributes('aria-label')).toBe('Install script')
      expect(pre.attributes('tabindex')).toBe('0') // it scrolls: keyboard users must reach it
      expect(result.find('[data-test="install-script-error"]').exists()).toBe(false)
      expect(result.find('[data-test="enroll-install-unavailable"]').exists()).toBe(false)
    })

    it('replaces the install line by the server’s reason when it has no install script (404)', async () => {
      const reason = 'this server has no release key (BIGR_RELEASE_PUBLIC_KEY): set one'
      const { wrapper } = await enroll(json(404, { error: reason }))
      const result = wrapper.get('[data-test="enroll-result"]')
      expect(result.find('[data-test="enroll-install"]').exists()).toBe(false)
      expect(result.find('[data-test="enroll-install-explain"]').exists()).toBe(false)
      expect(result.text()).not.toContain('curl -fsSL')
      expect(result.get('[data-test="enroll-install-unavailable"]').text()).toBe(
        `The one-line install does not work on this server: ${reason}`,
      )
      expect(result.find('[data-test="install-script"]').exists()).toBe(false)
      const error = result.get('[data-test="install-script-error"]')
      expect(error.text()).toBe(reason)
      expect(error.classes()).toContain('notice')
      // Registering a machine that already has bigr still works.
      expect(result.get('[data-test="enroll-command"]').text()).toBe(REGISTER)
    })

    it('says so when the script cannot be loaded, and keeps the install line', async () => {
      const { wrapper } = await enroll(() => {
        throw new TypeError('Failed to fetch')
      })
      const result = wrapper.get('[data-test="enroll-result"]')
      expect(result.find('[data-test="install-script"]').exists()).toBe(false)
      const error = result.get('[data-test="install-script-error"]')
      expect(error.text()).toBe('Could not load the install script: Cannot reach the bigr server.')
      expect(error.classes()).toContain('error')
      expect(result.get('[data-test="enroll-install"]').text()).toMatch(/^curl -fsSL /)
      expect(result.find('[data-test="enroll-install-unavailable"]').exists()).toBe(false)
      expect(result.get('[data-test="enroll-command"]').text()).toBe(REGISTER)
    })

    it('shows the generic message with the server’s reason for other failures', async () => {
      const { wrapper } = await enroll(json(500, { error: 'internal error' }))
      expect(wrapper.get('[data-test="install-script-error"]').text()).toBe('Could not load the install script: internal error')
      expect(wrapper.find('[data-test="enroll-install"]').exists()).toBe(true)
    })
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

  it("sums up the versions the agents run and shows each agent's version and update state", async () => {
    const { wrapper } = await mountApp('/agents', {
      session: VIEWER,
      routes: {
        ...AGENTS,
        'GET /api/agents/versions': [
          { version: '0.2.0', agents: 3 },
          { version: null, agents: 1 },
          { version: '0.1.0', agents: 12 },
        ],
        'GET /api/agents': {
          agents: [
            agent(1, { version: '0.2.0', target: 'x86_64-linux', update_state: 'updated', update_version: '0.2.0' }),
            agent(2, { update_state: 'refused', update_version: '0.2.0', update_reason: 'signature does not verify' }),
            agent(3, { update_state: 'rolled_back', update_version: '0.2.0', update_reason: 'no heartbeat after 5 min' }),
            agent(4),
          ],
        },
      },
    })
    expect(wrapper.get('[data-test="agent-versions"]').text()).toBe('Versions: 0.1.0 ×12 · 0.2.0 ×3 · unknown ×1')
    const cards = wrapper.findAll('[data-test="agent-card"]')
    expect(cards[0]!.get('[data-test="agent-version"]').text()).toBe('0.2.0 (x86_64-linux)')
    const states = cards.map((c) => c.find('[data-test="agent-update"]'))
    expect(states[0]!.attributes('data-update-state')).toBe('updated')
    expect(states[0]!.get('[data-test="agent-update-badge"]').text()).toBe('updated to 0.2.0')
    expect(states[0]!.find('[data-test="agent-update-reason"]').exists()).toBe(false)
    expect(states[1]!.get('[data-test="agent-update-badge"]').classes()).toContain('warn')
    expect(states[1]!.get('[data-test="agent-update-badge"]').attributes('title')).toBe('Reason: signature does not verify')
    expect(states[1]!.get('[data-test="agent-update-reason"]').text()).toBe('Reason: signature does not verify')
    expect(states[2]!.get('[data-test="agent-update-badge"]').text()).toBe('rolled back to 0.2.0')
    expect(states[2]!.get('[data-test="agent-update-badge"]').classes()).toContain('danger')
    // Never updated: no update row.
    expect(states[3]!.exists()).toBe(false)
  })

  it('lists releases for everyone, but only admins add or remove them', async () => {
    const { wrapper } = await mountApp('/agents', { session: VIEWER, routes: { ...AGENTS, 'GET /api/releases': WITH_KEY } })
    const [row] = wrapper.findAll('[data-test="release-row"]')
    expect(row!.text()).toContain('0.2.0')
    expect(row!.text()).toContain('x86_64-linux')
    expect(row!.text()).toContain('7 MiB')
    expect(row!.get('[data-test="release-sha"]').text()).toBe('ab12cd34ef56…')
    expect(row!.get('[data-test="release-sha"]').attributes('title')).toBe(SHA)
    expect(wrapper.get('[data-test="release-key"]').text()).toContain('k-2026')
    expect(wrapper.find('[data-test="release-form"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="release-remove"]').exists()).toBe(false)
  })

  it('says releases cannot be added while the server has no release key', async () => {
    const { wrapper } = await mountApp('/agents', { session: ADMIN, routes: AGENTS })
    expect(wrapper.get('[data-test="release-no-key"]').text()).toContain('BIGR_RELEASE_PUBLIC_KEY')
    expect(wrapper.find('[data-test="release-form"]').exists()).toBe(false)
  })

  it('uploads a release: the binary as the raw body, the manifest base64 in X-Release-Manifest', async () => {
    let answer: Response = json(409, { error: 'release 0.2.0 for x86_64-linux already exists' })
    const { wrapper, server } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...AGENTS, 'GET /api/releases': WITH_KEY, 'POST /api/releases': () => answer },
    })
    const manifestText = '{"version":"0.3.0","target":"x86_64-linux","note":"sürüm"}\n'
    const binary = new File([new Uint8Array([0x7f, 0x45, 0x4c, 0x46])], 'bigr')
    await pickFile(wrapper.get('[data-test="release-binary"]'), binary)
    await pickFile(wrapper.get('[data-test="release-manifest"]'), new File([manifestText], 'bigr.manifest.json'))
    await wrapper.get('[data-test="release-form"]').trigger('submit')
    await settle()

    const [post] = server.callsTo('POST /api/releases')
    expect(post!.body).toBe(binary)
    expect(post!.headers.get('Content-Type')).toBe('application/octet-stream')
    expect(post!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    const header = post!.headers.get('X-Release-Manifest')!
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(header), (c) => c.charCodeAt(0)))
    expect(decoded).toBe(manifestText.trim())
    // The server's refusal, word for word.
    expect(wrapper.get('[data-test="release-error"]').text()).toBe('release 0.2.0 for x86_64-linux already exists')

    answer = json(201, { ...RELEASE, version: '0.3.0' })
    const lists = server.callsTo('GET /api/releases').length
    await wrapper.get('[data-test="release-form"]').trigger('submit')
    await settle()
    expect(wrapper.get('[data-test="release-form"]').text()).toContain('Release 0.3.0 (x86_64-linux) added.')
    expect(server.callsTo('GET /api/releases').length).toBe(lists + 1)
  })

  it('asks for both files before uploading', async () => {
    const { wrapper, server } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...AGENTS, 'GET /api/releases': WITH_KEY },
    })
    await wrapper.get('[data-test="release-form"]').trigger('submit')
    await settle()
    expect(wrapper.get('[data-test="release-error"]').text()).toBe('Choose the binary and its manifest.')
    expect(server.callsTo('POST /api/releases')).toHaveLength(0)
  })

  it('removes a release only after confirmation', async () => {
    const { wrapper, server } = await mountApp('/agents', {
      session: ADMIN,
      routes: { ...AGENTS, 'GET /api/releases': WITH_KEY, [`DELETE /api/releases/${RELEASE.id}`]: RELEASE },
    })
    await wrapper.get('[data-test="release-remove"]').trigger('click')
    await settle()
    expect(server.callsTo(`DELETE /api/releases/${RELEASE.id}`)).toHaveLength(0)
    expect(wrapper.get('[data-test="confirm-dialog"]').text()).toContain('0.2.0 (x86_64-linux)')
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    const [del] = server.callsTo(`DELETE /api/releases/${RELEASE.id}`)
    expect(del!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
  })

  it('shows an error state when the server has no agent API yet', async () => {
    const { wrapper } = await mountApp('/agents', { session: VIEWER })
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('no such API endpoint')
  })
})
