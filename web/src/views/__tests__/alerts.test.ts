import { describe, expect, it } from 'vitest'
import type { ChannelCreated, NewChannel, Rule, RuleChange } from '../../api'
import { ADMIN, VIEWER, json, noContent, type FakeRequest } from '../../test/fakeApi'
import { alert, channel, delivery, rule, site, uuid } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const page = <T>(items: T[], total = items.length) => ({ items, total, page: 1, per_page: 50 })

const ALERTS = [
  alert(1, { severity: 'high', occurrences: 3 }),
  alert(2, {
    kind: 'risky_port',
    title: 'Telnet open on 10.0.0.2',
    detail: { ip: '10.0.0.2', port: 23, service: 'telnet' },
    status: 'acknowledged',
    acknowledged_by: 'admin',
    acknowledged_at: '2026-11-23T09:00:00Z',
    ack_note: '<b>on it</b>',
  }),
  alert(3, { kind: 'device_missing', status: 'resolved', resolved_at: '2026-11-23T10:00:00Z' }),
]

const ROUTES = {
  'GET /api/sites': { sites: [site('hq'), site('branch')] },
  'GET /api/alerts': page(ALERTS),
}

describe('AlertsView', () => {
  it('lists alerts with severity, facts, flapping count and who acknowledged, without admin buttons for viewers', async () => {
    const { wrapper, server } = await mountApp('/alerts', { session: VIEWER, routes: ROUTES })
    expect(wrapper.get('[data-page="alerts"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="nav-alerts"]').attributes('aria-current')).toBe('page')
    expect(wrapper.find('[data-test="nav-alert-settings"]').exists()).toBe(false)

    const rows = wrapper.findAll('[data-test="alert-row"]')
    expect(rows.map((r) => r.attributes('data-status'))).toEqual(['open', 'acknowledged', 'resolved'])
    expect(rows[0]!.get('.level-badge').text()).toBe('high')
    expect(rows[0]!.get('[data-test="alert-occurrences"]').text()).toBe('×3 (flapping)')
    expect(rows[0]!.get('[data-test="alert-facts"]').text()).toBe('10.0.0.1 · aa:bb:cc:dd:ee:01 · Acme')
    expect(rows[0]!.get('[data-test="alert-asset-link"]').attributes('href')).toBe(`/assets/${uuid(1)}`)
    expect(rows[1]!.get('[data-test="alert-occurrences"]').text()).toBe('1')
    expect(rows[1]!.get('[data-test="alert-facts"]').text()).toBe('10.0.0.2:23 (telnet)')
    expect(rows[1]!.text()).toContain('Risky port')
    // The note someone typed is text.
    expect(rows[1]!.get('[data-test="alert-ack-note"]').text()).toBe('<b>on it</b>')
    expect(rows[1]!.find('b').exists()).toBe(false)
    expect(rows[1]!.get('[data-test="alert-acked"]').text()).toContain('admin')
    expect(rows[2]!.get('[data-test="alert-acked"]').text()).toBe('—')

    expect(wrapper.find('[data-test="alert-ack"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="alerts-settings-link"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="alert-total"]').text()).toBe('3 alerts')
    // Live alerts by default.
    const call = server.callsTo('GET /api/alerts')[0]!
    expect(Object.fromEntries(call.query)).toEqual({ status: 'active', page: '1', per_page: '50' })
  })

  it('sends the filters from the URL and writes new ones there', async () => {
    const { wrapper, router, server } = await mountApp('/alerts?site=hq&status=resolved&kind=risky_port&page=2', {
      session: VIEWER,
      routes: {
        ...ROUTES,
        'GET /api/alerts': (req: FakeRequest) => ({ ...page(ALERTS, 120), page: Number(req.query.get('page')) }),
      },
    })
    const first = server.callsTo('GET /api/alerts')[0]!.query
    expect(Object.fromEntries(first)).toEqual({ site: 'hq', status: 'resolved', kind: 'risky_port', page: '2', per_page: '50' })

    await wrapper.get('[data-test="alert-severity"]').setValue('critical')
    await settle()
    // A new filter starts again at page 1 and keeps the others.
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', status: 'resolved', kind: 'risky_port', severity: 'critical' })
    expect(server.callsTo('GET /api/alerts').at(-1)!.query.get('severity')).toBe('critical')

    await wrapper.get('[data-test="alert-status"]').setValue('all')
    await settle()
    expect(router.currentRoute.value.query.status).toBe('all')
    // "all" asks for every state: no status at all.
    expect(server.callsTo('GET /api/alerts').at(-1)!.query.has('status')).toBe(false)

    await wrapper.get('[data-test="alert-clear"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq' })
  })

  it('lets admins acknowledge a live alert with a note, and updates the row', async () => {
    const target = ALERTS[0]!
    const ACK = `POST /api/alerts/${target.id}/ack`
    const { wrapper, server } = await mountApp('/alerts', {
      session: ADMIN,
      routes: {
        ...ROUTES,
        [ACK]: (req: FakeRequest) =>
          alert(1, {
            ...target,
            status: 'acknowledged',
            acknowledged_by: 'admin',
            acknowledged_at: '2026-11-23T11:00:00Z',
            ack_note: (req.body as { note: string }).note,
          }),
      },
    })
    const buttons = wrapper.findAll('[data-test="alert-ack"]')
    // Open and acknowledged alerts are live; the resolved one has no button.
    expect(buttons.map((b) => b.text())).toEqual(['Acknowledge', 'Edit note'])
    expect(wrapper.find('[data-test="alerts-settings-link"]').exists()).toBe(true)

    await buttons[0]!.trigger('click')
    await settle()
    expect(wrapper.get('[data-test="ack-dialog"]').text()).toContain(target.title)
    await wrapper.get('[data-test="ack-note"]').setValue('  Printer of the new office, expected.  ')
    await wrapper.get('[data-test="ack-form"]').trigger('submit')
    await settle()

    const [post] = server.callsTo(ACK)
    expect(post!.body).toEqual({ note: 'Printer of the new office, expected.' })
    expect(post!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    expect(wrapper.find('[data-test="ack-dialog"]').exists()).toBe(false)
    const row = wrapper.findAll('[data-test="alert-row"]')[0]!
    expect(row.attributes('data-status')).toBe('acknowledged')
    expect(row.get('[data-test="alert-ack-note"]').text()).toBe('Printer of the new office, expected.')
    expect(row.get('[data-test="alert-ack"]').text()).toBe('Edit note')
    // No reload needed: the answer is the updated alert.
    expect(server.callsTo('GET /api/alerts')).toHaveLength(1)
  })

  it('keeps the dialog open with the reason when the alert resolved meanwhile', async () => {
    const target = ALERTS[1]!
    const { wrapper } = await mountApp('/alerts', {
      session: ADMIN,
      routes: {
        ...ROUTES,
        [`POST /api/alerts/${target.id}/ack`]: json(409, { error: 'alert is resolved; only open alerts are acknowledged' }),
      },
    })
    await wrapper.findAll('[data-test="alert-ack"]')[1]!.trigger('click')
    await settle()
    // An acknowledged alert's dialog starts from its note.
    expect((wrapper.get('[data-test="ack-note"]').element as HTMLTextAreaElement).value).toBe('<b>on it</b>')
    await wrapper.get('[data-test="ack-form"]').trigger('submit')
    await settle()
    expect(wrapper.get('[data-test="ack-error"]').text()).toContain('only open alerts are acknowledged')
    expect(wrapper.find('[data-test="ack-dialog"]').exists()).toBe(true)
  })

  it('offers the newer kinds and shows their detail in words', async () => {
    const failed = alert(4, {
      kind: 'scan_failed',
      severity: 'high',
      title: 'Scan failed on agent edge-1: nmap exited with 1',
      detail: { agent_id: uuid(7), agent: 'edge-1', at: '2026-11-23T07:45:00Z', reason: 'nmap exited with 1' },
    })
    const dropped = alert(5, {
      kind: 'grade_drop',
      title: 'Compliance grade fell from A to C (score 55)',
      detail: { from: 'A', to: 'C', score: 55.0, assets: 20 },
    })
    const { wrapper } = await mountApp('/alerts', {
      session: VIEWER,
      routes: { ...ROUTES, 'GET /api/alerts': page([failed, dropped]) },
    })
    const kinds = wrapper.findAll('[data-test="alert-kind"] option').map((o) => o.attributes('value'))
    expect(kinds.slice(-3)).toEqual(['address_conflict', 'scan_failed', 'grade_drop'])
    expect(wrapper.get('[data-test="alert-kind"] option[value="grade_drop"]').text()).toBe('Compliance grade dropped')

    const [first, second] = wrapper.findAll('[data-test="alert-row"]')
    expect(first!.text()).toContain('Scan failed')
    expect(first!.get('[data-test="alert-facts"]').text()).toMatch(/^edge-1 · last failed \S/)
    expect(second!.text()).toContain('Compliance grade dropped')
    expect(second!.get('[data-test="alert-facts"]').text()).toBe('grade A → C · score 55 · 20 assets')
    // No asset to link to.
    expect(second!.find('[data-test="alert-asset-link"]').exists()).toBe(false)
  })

  it('says so when there is nothing active', async () => {
    const { wrapper } = await mountApp('/alerts', { session: VIEWER, routes: { ...ROUTES, 'GET /api/alerts': page([]) } })
    expect(wrapper.get('[data-test="state-empty"]').text()).toBe('No active alerts: all quiet.')
  })
})

const RULES: Rule[] = [
  rule('new_device', { params: { unknown_vendor_only: true, approved_vendors: ['Apple'] }, stored: true }),
  rule('device_missing'),
  rule('risky_port', { severity: 'high' }),
  rule('cert_expiring'),
  rule('agent_down', { severity: 'high', enabled: false, stored: true }),
  rule('shield_finding', { severity: 'high' }),
  rule('scan_partial'),
  rule('address_conflict', { severity: 'high' }),
  rule('scan_failed', { severity: 'high' }),
  rule('grade_drop'),
]

const SETTINGS = {
  'GET /api/sites': { sites: [site('hq'), site('branch')] },
  'GET /api/alerts/rules': RULES,
  'GET /api/alerts/channels': [
    channel(1),
    channel(2, { kind: 'syslog', name: 'siem', target: 'udp://10.0.0.9:514', site: 'hq', min_severity: 'high' }),
    channel(3, { kind: 'smtp', name: 'mail', target: 'smtp://mail.example.com:587 → soc@example.com, it@example.com' }),
  ],
  'GET /api/alerts/deliveries': page([
    delivery(1),
    delivery(2, { status: 'failed', attempts: 8, sent_at: null, last_error: 'connection refused' }),
  ]),
}

type Wrapper = Awaited<ReturnType<typeof mountApp>>['wrapper']
const ruleRow = (wrapper: Wrapper, kind: string) => wrapper.get(`[data-test="rule-row"][data-kind="${kind}"]`)

describe('AlertSettingsView', () => {
  it('is for admins only, in the menu and by address', async () => {
    const admin = await mountApp('/', { session: ADMIN, routes: SETTINGS })
    expect(admin.wrapper.find('[data-test="nav-alert-settings"]').exists()).toBe(true)
    admin.wrapper.unmount()

    const { wrapper, router, server } = await mountApp('/alerts/settings', { session: VIEWER, routes: SETTINGS })
    expect(wrapper.find('[data-test="nav-alert-settings"]').exists()).toBe(false)
    expect(router.currentRoute.value.name).toBe('overview')
    expect(server.calls.filter((c) => c.path.startsWith('/api/alerts'))).toHaveLength(0)
  })

  it('shows one rule per kind with its options, and saves one rule for every site', async () => {
    const bodies: RuleChange[] = []
    const { wrapper, server } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'PUT /api/alerts/rules/new_device': (req: FakeRequest) => {
          bodies.push(req.body as RuleChange)
          return { ...RULES[0]!, ...(req.body as RuleChange), stored: true }
        },
      },
    })
    expect(wrapper.get('[data-page="alert-settings"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="nav-alert-settings"]').attributes('aria-current')).toBe('page')
    expect(wrapper.findAll('[data-test="rule-row"]').map((r) => r.attributes('data-kind'))).toEqual(RULES.map((r) => r.kind))
    expect(wrapper.get('[data-test="rules-scope"]').text()).toContain('every site')
    expect(server.callsTo('GET /api/alerts/rules')[0]!.query.has('site')).toBe(false)

    const agent = ruleRow(wrapper, 'agent_down')
    expect((agent.get('[data-test="rule-enabled"]').element as HTMLInputElement).checked).toBe(false)
    expect(agent.get('[data-test="rule-source"]').text()).toBe('for every site')
    expect(ruleRow(wrapper, 'scan_partial').get('[data-test="rule-source"]').text()).toBe('default')
    expect(ruleRow(wrapper, 'scan_failed').get('h3').text()).toBe('Scan failed')
    expect(ruleRow(wrapper, 'grade_drop').get('h3').text()).toBe('Compliance grade dropped')
    expect(ruleRow(wrapper, 'grade_drop').find('[data-test="rule-days"]').exists()).toBe(false)
    // Options only where the kind has some.
    expect(ruleRow(wrapper, 'risky_port').find('[data-test="rule-vendors"]').exists()).toBe(false)
    expect(ruleRow(wrapper, 'risky_port').find('[data-test="rule-days"]').exists()).toBe(false)
    expect((ruleRow(wrapper, 'cert_expiring').get('[data-test="rule-days"]').element as HTMLInputElement).value).toBe('30')

    const row = ruleRow(wrapper, 'new_device')
    expect((row.get('[data-test="rule-unknown-vendor"]').element as HTMLInputElement).checked).toBe(true)
    expect((row.get('[data-test="rule-vendors"]').element as HTMLTextAreaElement).value).toBe('Apple')
    await row.get('[data-test="rule-unknown-vendor"]').setValue(false)
    await row.get('[data-test="rule-severity"]').setValue('low')
    await row.get('[data-test="rule-vendors"]').setValue('Apple\n\n  Raspberry Pi \nApple')
    await row.get('[data-test="rule-macs"]').setValue('aa:bb:cc:dd:ee:ff\n')
    // Another row being edited meanwhile.
    await ruleRow(wrapper, 'scan_partial').get('[data-test="rule-severity"]').setValue('critical')
    await row.get('form').trigger('submit')
    await settle()

    const put = server.callsTo('PUT /api/alerts/rules/new_device')[0]!
    expect(put.query.has('site')).toBe(false)
    expect(put.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    expect(bodies[0]).toEqual({
      enabled: true,
      severity: 'low',
      params: { unknown_vendor_only: false, approved_vendors: ['Apple', 'Raspberry Pi'], approved_macs: ['aa:bb:cc:dd:ee:ff'] },
    })
    expect(row.text()).toContain('Rule saved.')
    // The answer replaces this row only; no reload undoes what other rows are being edited to.
    expect(row.get('[data-test="rule-source"]').text()).toBe('for every site')
    expect((row.get('[data-test="rule-vendors"]').element as HTMLTextAreaElement).value).toBe('Apple\nRaspberry Pi')
    expect(server.callsTo('GET /api/alerts/rules')).toHaveLength(1)
    const other = ruleRow(wrapper, 'scan_partial').get('[data-test="rule-severity"]').element as HTMLSelectElement
    expect(other.value).toBe('critical')
  })

  it('edits a selected site’s own rules, and sends options only for the kinds that take them', async () => {
    const bodies: Record<string, RuleChange> = {}
    const answer = (kind: Rule['kind']) => (req: FakeRequest) => {
      bodies[kind] = req.body as RuleChange
      return rule(kind, { site: 'hq', stored: true })
    }
    const { wrapper, server } = await mountApp('/alerts/settings?site=hq', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'PUT /api/alerts/rules/cert_expiring': answer('cert_expiring'),
        'PUT /api/alerts/rules/risky_port': answer('risky_port'),
      },
    })
    expect(server.callsTo('GET /api/alerts/rules')[0]!.query.get('site')).toBe('hq')
    expect(server.callsTo('GET /api/alerts/channels')[0]!.query.get('site')).toBe('hq')
    expect(wrapper.get('[data-test="rules-scope"]').text()).toContain('site hq')

    const cert = ruleRow(wrapper, 'cert_expiring')
    await cert.get('[data-test="rule-days"]').setValue('14')
    await cert.get('form').trigger('submit')
    const risky = ruleRow(wrapper, 'risky_port')
    await risky.get('[data-test="rule-enabled"]').setValue(false)
    await risky.get('form').trigger('submit')
    await settle()

    expect(server.callsTo('PUT /api/alerts/rules/cert_expiring')[0]!.query.get('site')).toBe('hq')
    expect(bodies.cert_expiring).toEqual({ enabled: true, severity: 'medium', params: { days: 14 } })
    expect(bodies.risky_port).toEqual({ enabled: false, severity: 'high' })
    expect(ruleRow(wrapper, 'risky_port').get('[data-test="rule-source"]').text()).toBe('this site’s own')
  })

  it('shows a refusal next to the rule', async () => {
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'PUT /api/alerts/rules/new_device': json(400, { error: '"nope" is not a MAC address' }),
      },
    })
    const row = ruleRow(wrapper, 'new_device')
    await row.get('[data-test="rule-macs"]').setValue('nope')
    await row.get('form').trigger('submit')
    await settle()
    expect(row.get('[data-test="rule-error"]').text()).toBe('"nope" is not a MAC address')
  })

  it('lists channels by host only, and the kind select switches between URL and address', async () => {
    const { wrapper } = await mountApp('/alerts/settings', { session: ADMIN, routes: SETTINGS })
    const rows = wrapper.findAll('[data-test="channel-row"]')
    expect(rows.map((r) => r.get('[data-test="channel-target"]').text())).toEqual([
      'alerts.example.com',
      'udp://10.0.0.9:514',
      'smtp://mail.example.com:587 → soc@example.com, it@example.com',
    ])
    expect(rows[0]!.text()).toContain('All sites')
    expect(rows[1]!.text()).toContain('Syslog')
    expect(rows[2]!.text()).toContain('E-mail (SMTP)')

    const form = wrapper.get('[data-test="channel-form"]')
    expect(form.find('[data-test="channel-url"]').exists()).toBe(true)
    expect(form.find('[data-test="channel-hmac"]').exists()).toBe(true)
    expect(form.find('[data-test="channel-address"]').exists()).toBe(false)

    await form.get('[data-test="channel-kind"]').setValue('syslog')
    expect(form.find('[data-test="channel-url"]').exists()).toBe(false)
    expect(form.find('[data-test="channel-hmac"]').exists()).toBe(false)
    expect(form.find('[data-test="channel-address"]').exists()).toBe(true)

    await form.get('[data-test="channel-kind"]').setValue('slack')
    expect(form.find('[data-test="channel-url"]').exists()).toBe(true)
    // Only webhooks are signed.
    expect(form.find('[data-test="channel-hmac"]').exists()).toBe(false)
    expect(form.find('[data-test="channel-smtp-host"]').exists()).toBe(false)
  })

  it('shows the relay, sender and recipient fields for e-mail, and no login without encryption', async () => {
    const { wrapper } = await mountApp('/alerts/settings', { session: ADMIN, routes: SETTINGS })
    const form = wrapper.get('[data-test="channel-form"]')
    const kinds = form.findAll('[data-test="channel-kind"] option')
    expect(kinds.map((o) => o.attributes('value'))).toEqual(['webhook', 'slack', 'teams', 'smtp', 'syslog'])
    expect(kinds[3]!.text()).toBe('E-mail (SMTP)')

    await form.get('[data-test="channel-kind"]').setValue('smtp')
    for (const field of ['host', 'port', 'security', 'username', 'password', 'from', 'to', 'lang', 'ca']) {
      expect(form.find(`[data-test="channel-smtp-${field}"]`).exists(), field).toBe(true)
    }
    expect(form.find('[data-test="channel-url"]').exists()).toBe(false)
    expect(form.find('[data-test="channel-hmac"]').exists()).toBe(false)
    expect(form.find('[data-test="channel-address"]').exists()).toBe(false)

    const password = form.get('[data-test="channel-smtp-password"]')
    expect(password.attributes('type')).toBe('password')
    expect(password.attributes('autocomplete')).toBe('new-password')
    expect(form.text()).toContain('Stored on the server and never shown again.')
    expect(form.get('[data-test="channel-smtp-host"]').attributes('required')).toBeDefined()
    expect(form.get('[data-test="channel-smtp-from"]').attributes('type')).toBe('email')
    expect(form.get('[data-test="channel-smtp-to"]').element.tagName).toBe('TEXTAREA')
    // STARTTLS and Turkish unless picked otherwise; the port shown is the security's default.
    expect((form.get('[data-test="channel-smtp-security"]').element as HTMLSelectElement).value).toBe('starttls')
    expect((form.get('[data-test="channel-smtp-lang"]').element as HTMLSelectElement).value).toBe('tr')
    const port = form.get('[data-test="channel-smtp-port"]')
    expect(port.attributes('placeholder')).toBe('587')
    await form.get('[data-test="channel-smtp-security"]').setValue('tls')
    expect(port.attributes('placeholder')).toBe('465')

    // A user name asks for a password, and the other way round.
    expect(password.attributes('required')).toBeUndefined()
    await form.get('[data-test="channel-smtp-username"]').setValue('bigr')
    expect(password.attributes('required')).toBeDefined()

    await form.get('[data-test="channel-smtp-security"]').setValue('none')
    expect(port.attributes('placeholder')).toBe('25')
    expect(form.find('[data-test="channel-smtp-username"]').exists()).toBe(false)
    expect(form.find('[data-test="channel-smtp-password"]').exists()).toBe(false)

    await form.get('[data-test="channel-kind"]').setValue('syslog')
    expect(form.find('[data-test="channel-smtp-host"]').exists()).toBe(false)
    expect(form.find('[data-test="channel-address"]').exists()).toBe(true)
  })

  it('adds an e-mail channel with the nested relay settings and forgets the password', async () => {
    const bodies: NewChannel[] = []
    const { wrapper, server } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'POST /api/alerts/channels': (req: FakeRequest) => {
          bodies.push(req.body as NewChannel)
          return json(201, { channel: channel(5, { kind: 'smtp', name: 'mail' }) })
        },
      },
    })
    const form = wrapper.get('[data-test="channel-form"]')
    // Left over from another kind: not sent.
    await form.get('[data-test="channel-url"]').setValue('https://left.over/from-webhook')
    await form.get('[data-test="channel-kind"]').setValue('smtp')
    await form.get('[data-test="channel-name"]').setValue(' mail ')
    await form.get('[data-test="channel-smtp-host"]').setValue('mail.example.com')
    await form.get('[data-test="channel-smtp-port"]').setValue('2525')
    await form.get('[data-test="channel-smtp-username"]').setValue('bigr')
    await form.get('[data-test="channel-smtp-password"]').setValue('s3cret-pass')
    await form.get('[data-test="channel-smtp-from"]').setValue('bigr@example.com')
    await form.get('[data-test="channel-smtp-to"]').setValue('soc@example.com, it@example.com\nops@example.com\n')
    await form.get('[data-test="channel-smtp-lang"]').setValue('en')
    await form.trigger('submit')
    await settle()

    expect(bodies).toEqual([
      {
        kind: 'smtp',
        name: 'mail',
        min_severity: 'low',
        smtp: {
          host: 'mail.example.com',
          port: 2525,
          security: 'starttls',
          username: 'bigr',
          password: 's3cret-pass',
          from: 'bigr@example.com',
          to: ['soc@example.com', 'it@example.com', 'ops@example.com'],
          lang: 'en',
        },
      },
    ])
    expect(bodies[0]).not.toHaveProperty('url')
    expect(bodies[0]).not.toHaveProperty('address')
    expect(server.callsTo('POST /api/alerts/channels')[0]!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    // No key to show for e-mail; the list is reloaded.
    expect(wrapper.find('[data-test="channel-key-dialog"]').exists()).toBe(false)
    expect(form.text()).toContain('Channel mail added.')
    expect(server.callsTo('GET /api/alerts/channels')).toHaveLength(2)
    // The password is gone, and so is the rest of this channel; the language stays for the next.
    const value = (test: string) => (form.get(`[data-test="${test}"]`).element as HTMLInputElement).value
    expect(value('channel-smtp-password')).toBe('')
    expect(value('channel-smtp-host')).toBe('')
    expect(value('channel-smtp-to')).toBe('')
    expect(value('channel-smtp-lang')).toBe('en')
    expect(wrapper.html()).not.toContain('s3cret-pass')
  })

  it('shows why an e-mail channel was refused, and forgets the password anyway', async () => {
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'POST /api/alerts/channels': json(400, { error: 'smtp: give both username and password, or neither' }),
      },
    })
    const form = wrapper.get('[data-test="channel-form"]')
    await form.get('[data-test="channel-kind"]').setValue('smtp')
    await form.get('[data-test="channel-name"]').setValue('mail')
    await form.get('[data-test="channel-smtp-host"]').setValue('mail.example.com')
    await form.get('[data-test="channel-smtp-password"]').setValue('s3cret-pass')
    await form.get('[data-test="channel-smtp-from"]').setValue('bigr@example.com')
    await form.get('[data-test="channel-smtp-to"]').setValue('soc@example.com')
    await form.trigger('submit')
    await settle()

    expect(form.get('[data-test="channel-error"]').text()).toBe('smtp: give both username and password, or neither')
    const value = (test: string) => (form.get(`[data-test="${test}"]`).element as HTMLInputElement).value
    expect(value('channel-smtp-password')).toBe('')
    // The rest stays to be corrected.
    expect(value('channel-smtp-host')).toBe('mail.example.com')
    expect(value('channel-smtp-to')).toBe('soc@example.com')
  })

  it('adds a webhook and shows its generated key once', async () => {
    const bodies: NewChannel[] = []
    const created: ChannelCreated = { channel: channel(3, { name: 'soc' }), hmac_key: 'k3y-shown-only-once-0123456789' }
    const { wrapper, server } = await mountApp('/alerts/settings?site=hq', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'POST /api/alerts/channels': (req: FakeRequest) => {
          bodies.push(req.body as NewChannel)
          return json(201, created)
        },
      },
    })
    const form = wrapper.get('[data-test="channel-form"]')
    // The selected site is the default.
    expect((form.get('[data-test="channel-site"]').element as HTMLSelectElement).value).toBe('hq')
    await form.get('[data-test="channel-name"]').setValue(' soc ')
    await form.get('[data-test="channel-url"]').setValue('https://alerts.example.com/bigr?token=secret')
    await form.get('[data-test="channel-min-severity"]').setValue('medium')
    await form.trigger('submit')
    await settle()

    expect(bodies).toEqual([
      { kind: 'webhook', name: 'soc', site: 'hq', url: 'https://alerts.example.com/bigr?token=secret', min_severity: 'medium' },
    ])
    expect(server.callsTo('POST /api/alerts/channels')[0]!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    const dialog = wrapper.get('[data-test="channel-key-dialog"]')
    expect(dialog.get('[data-test="channel-hmac-key"]').text()).toBe('k3y-shown-only-once-0123456789')
    expect(dialog.text()).toContain('Shown only this once')
    expect(dialog.find('[data-test="copy"]').exists()).toBe(true)
    // The URL is write-only: gone from the form, and the list is reloaded.
    expect((form.get('[data-test="channel-url"]').element as HTMLInputElement).value).toBe('')
    expect(server.callsTo('GET /api/alerts/channels')).toHaveLength(2)

    await dialog.get('[data-test="channel-key-done"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-test="channel-key-dialog"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('k3y-shown-only-once')
  })

  it('adds a syslog channel with its address only, and no key to show', async () => {
    const bodies: NewChannel[] = []
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'POST /api/alerts/channels': (req: FakeRequest) => {
          bodies.push(req.body as NewChannel)
          return json(201, { channel: channel(4, { kind: 'syslog' }) })
        },
      },
    })
    const form = wrapper.get('[data-test="channel-form"]')
    await form.get('[data-test="channel-url"]').setValue('https://left.over/from-webhook')
    await form.get('[data-test="channel-kind"]').setValue('syslog')
    await form.get('[data-test="channel-name"]').setValue('siem')
    await form.get('[data-test="channel-address"]').setValue('tcp://10.0.0.9:6514')
    await form.trigger('submit')
    await settle()
    expect(bodies).toEqual([{ kind: 'syslog', name: 'siem', address: 'tcp://10.0.0.9:6514', min_severity: 'low' }])
    expect(wrapper.find('[data-test="channel-key-dialog"]').exists()).toBe(false)
    expect(form.text()).toContain('Channel siem added.')
  })

  it('removes a channel only after confirmation', async () => {
    const id = channel(2).id
    const { wrapper, server } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: { ...SETTINGS, [`DELETE /api/alerts/channels/${id}`]: noContent() },
    })
    await wrapper.findAll('[data-test="channel-remove"]')[1]!.trigger('click')
    await settle()
    expect(server.callsTo(`DELETE /api/alerts/channels/${id}`)).toHaveLength(0)
    expect(wrapper.get('[data-test="confirm-dialog"]').text()).toContain('siem')
    await wrapper.get('[data-test="confirm-ok"]').trigger('click')
    await settle()
    expect(server.callsTo(`DELETE /api/alerts/channels/${id}`)).toHaveLength(1)
    expect(server.callsTo('GET /api/alerts/channels')).toHaveLength(2)
  })

  it('sends a test message and shows that it was sent, or why not', async () => {
    const [a, b] = [channel(1).id, channel(2).id]
    const { wrapper, server } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        [`POST /api/alerts/channels/${a}/test`]: delivery(9, { event: 'test', alert_id: null }),
        [`POST /api/alerts/channels/${b}/test`]: delivery(10, {
          event: 'test',
          status: 'pending',
          sent_at: null,
          last_error: 'connection refused',
        }),
      },
    })
    const buttons = wrapper.findAll('[data-test="channel-test"]')
    await buttons[0]!.trigger('click')
    await settle()
    await buttons[1]!.trigger('click')
    await settle()
    const results = wrapper.findAll('[data-test="channel-test-result"]')
    expect(results.map((r) => r.attributes('data-ok'))).toEqual(['true', 'false'])
    expect(results[0]!.text()).toBe('Test message sent.')
    expect(results[1]!.text()).toBe('Test message pending: connection refused')
    expect(server.callsTo(`POST /api/alerts/channels/${a}/test`)[0]!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    // The test shows up in the log.
    expect(server.callsTo('GET /api/alerts/deliveries')).toHaveLength(3)
  })

  it('lists deliveries, pages them and filters by channel through the URL', async () => {
    const { wrapper, router, server } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'GET /api/alerts/deliveries': (req: FakeRequest) => ({
          ...page(
            [delivery(1), delivery(2, { status: 'failed', attempts: 8, sent_at: null, last_error: 'connection refused' })],
            120,
          ),
          page: Number(req.query.get('page')),
        }),
      },
    })
    const rows = wrapper.findAll('[data-test="delivery-row"]')
    expect(rows.map((r) => r.attributes('data-status'))).toEqual(['sent', 'failed'])
    expect(rows[1]!.get('[data-test="delivery-error"]').text()).toBe('connection refused')
    expect(wrapper.get('[data-test="delivery-total"]').text()).toBe('120 deliveries')

    await wrapper.get('[data-test="next-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query.page).toBe('2')
    expect(server.callsTo('GET /api/alerts/deliveries').at(-1)!.query.get('page')).toBe('2')

    await wrapper.get('[data-test="delivery-channel"]').setValue(channel(2).id)
    await settle()
    expect(router.currentRoute.value.query).toEqual({ channel: channel(2).id })
    const last = server.callsTo('GET /api/alerts/deliveries').at(-1)!.query
    expect(last.get('channel')).toBe(channel(2).id)
    expect(last.get('page')).toBe('1')
  })
})
