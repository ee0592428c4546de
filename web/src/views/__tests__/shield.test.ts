import { describe, expect, it } from 'vitest'
import { VIEWER, json, type FakeRequest } from '../../test/fakeApi'
import { agent, assetPage, issue, posture, scanFinding, shieldScan, shieldScanDetail, site, uuid } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'
import type { IssueView } from '../../api'

/** The query of a request as a plain object, to compare whole. */
function params(req: FakeRequest | undefined): Record<string, string> {
  return Object.fromEntries(req!.query.entries())
}

const page = (items: IssueView[], total = items.length, n = 1, perPage = 50) => ({ items, total, page: n, per_page: perPage })

const SITES = { 'GET /api/sites': { sites: [site('hq'), site('branch')] } }

describe('ShieldView (posture)', () => {
  const routes = {
    ...SITES,
    'GET /api/shield/posture': { sites: [posture('hq')] },
    'GET /api/shield/findings': page([issue(1)], 1, 1, 500),
  }

  it('shows score, grade, open findings per severity, the trend and only the modules that ran', async () => {
    const { wrapper, server } = await mountApp('/shield?site=hq', { session: VIEWER, routes })
    expect(wrapper.get('[data-page="shield"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="nav-shield"]').attributes('aria-current')).toBe('page')
    expect(wrapper.get('[data-test="shield-tab-shield"]').attributes('aria-current')).toBe('page')
    expect(params(server.callsTo('GET /api/shield/posture')[0])).toEqual({ site: 'hq' })

    const card = wrapper.get('[data-test="shield-site"]')
    expect(card.attributes('data-site')).toBe('hq')
    expect(card.get('h2').text()).toBe('hq')
    const gauge = card.get('[data-test="score-gauge"]')
    expect(gauge.attributes('aria-label')).toBe('Security score 82.5 of 100, grade B')
    expect(gauge.text()).toContain('B')
    expect(card.get('[data-test="posture-scan-link"]').attributes('href')).toBe(`/shield/scans/${uuid(1100)}?site=hq`)

    const counts = card.findAll('[data-test="severity-counts"] li')
    expect(counts.map((c) => [c.attributes('data-severity'), c.text()])).toEqual([
      ['critical', 'critical 0'],
      ['high', 'high 2'],
      ['medium', 'medium 3'],
      ['low', 'low 1'],
      ['info', 'info 0'],
    ])
    // A count opens that site's findings of that severity; zeros are no link.
    expect(counts[1]!.get('a').attributes('href')).toBe('/shield/findings?site=hq&severity=high')
    expect(counts[0]!.find('a').exists()).toBe(false)

    const modules = card.findAll('[data-test="module-card"]')
    expect(modules.map((m) => [m.attributes('data-module'), m.get('.stat-label').text(), m.get('.stat-value').text()])).toEqual([
      ['tls', 'TLS', '85 / 100'],
      ['ports', 'Open ports', '100 / 100'],
      ['headers', 'HTTP headers', '62 / 100'],
    ])
    expect(card.get('[data-test="modules-absent"]').text()).toMatch(
      /^Not assessed: DNS, Known CVEs, Default credentials, Web application \(OWASP\)\. A module without a score was not run/,
    )

    expect(card.get('[data-test="trend"] svg').attributes('aria-label')).toBe(
      'Score over the last 3 scans, from 61 (C) to 82.5 (B)',
    )
    expect(card.get('[data-test="trend-text"]').text()).toBe('Last 3 scans: 61 (C) → 82.5 (B)')
    expect(card.findAll('[data-test="trend"] circle')).toHaveLength(3)
  })

  it('shows one panel per site for all sites, and a site without a score says so', async () => {
    const { wrapper, server } = await mountApp('/shield', {
      session: VIEWER,
      routes: {
        ...routes,
        'GET /api/shield/posture': {
          sites: [
            posture('branch', { score: null, grade: null, module_scores: {}, trend: [], open: {} }),
            posture('hq', { trend: [{ at: '2026-11-23T10:00:00Z', score: 90, grade: 'A' }] }),
          ],
        },
      },
    })
    expect(params(server.callsTo('GET /api/shield/posture')[0])).toEqual({})
    const cards = wrapper.findAll('[data-test="shield-site"]')
    expect(cards.map((c) => c.attributes('data-site'))).toEqual(['branch', 'hq'])
    expect(cards[0]!.find('[data-test="score-gauge"]').exists()).toBe(false)
    expect(cards[0]!.get('[data-test="posture-unscored"]').text()).toMatch(/^Not scored/)
    expect(cards[0]!.get('[data-test="modules-none"]').text()).toBe('No module gave a score in the latest scan.')
    expect(cards[0]!.get('[data-test="trend-none"]').text()).toBe('No scored scan yet.')
    expect(cards[1]!.get('[data-test="trend-one"]').text()).toBe('One scored scan so far: 90 (A).')
    // With "All sites" selected, a count still opens the findings of its own site.
    expect(cards[1]!.get('[data-severity="high"] a').attributes('href')).toBe('/shield/findings?site=hq&severity=high')
  })

  it('groups the open findings into quick wins and important fixes, with the hosts they touch', async () => {
    const open = [
      issue(1),
      issue(2),
      issue(2, { id: uuid(1050), port: 8443 }),
      issue(3, { check_id: 'headers.hsts_missing', module: 'headers', severity: 'medium', title: 'HSTS missing' }),
      issue(4, {
        check_id: 'tls.cert.expired',
        severity: 'critical',
        title: 'Certificate expired',
        priority: 'important_fix',
        remediation: { en: 'Reissue the certificate.', tr: 'Sertifikayı yeniden düzenleyin.' },
      }),
    ]
    const { wrapper, server } = await mountApp('/shield?site=hq', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/shield/findings': page(open, open.length, 1, 500) },
    })
    expect(params(server.callsTo('GET /api/shield/findings')[0])).toEqual({
      site: 'hq',
      status: 'open',
      page: '1',
      per_page: '500',
    })

    const quick = wrapper.get('[data-test="fix-quick_win"]')
    expect(quick.get('h3').text()).toBe('Quick wins')
    const quickGroups = quick.findAll('[data-test="fix-group"]')
    expect(quickGroups.map((g) => [g.attributes('data-check'), g.get('[data-test="fix-hosts"]').text()])).toEqual([
      ['tls.protocol.tls10', 'Hosts affected: 2'],
      ['headers.hsts_missing', 'Hosts affected: 1'],
    ])
    expect(quickGroups[0]!.get('[data-test="fix-remediation"]').text()).toBe('Disable TLS 1.0; offer TLS 1.2 and 1.3 only.')
    expect(quickGroups[0]!.findAll('details li a').map((a) => a.attributes('href'))).toEqual([
      `/assets/${uuid(1)}?site=hq`,
      `/assets/${uuid(2)}?site=hq`,
    ])
    expect(quickGroups[0]!.get('details').text()).toContain('Findings: 3')

    const important = wrapper.get('[data-test="fix-important_fix"]')
    expect(important.get('h3').text()).toBe('Important fixes')
    const fixes = important.findAll('[data-test="fix-group"]')
    expect(fixes.map((g) => g.attributes('data-check'))).toEqual(['tls.cert.expired'])
    expect(fixes[0]!.get('.level-badge').attributes('data-level')).toBe('critical')

    // The same plan in Turkish: the remediation follows the UI language.
    await wrapper.get('[data-test="lang-select"]').setValue('tr')
    expect(wrapper.get('[data-test="fix-quick_win"] h3').text()).toBe('Hızlı kazanımlar')
    expect(wrapper.get('[data-test="fix-important_fix"] h3').text()).toBe('Önemli düzeltmeler')
    expect(wrapper.get('[data-test="fix-important_fix"] [data-test="fix-remediation"]').text()).toBe(
      'Sertifikayı yeniden düzenleyin.',
    )
    expect(wrapper.get('[data-test="fix-hosts"]').text()).toBe('Etkilenen makine: 2')
  })

  it('pages through the open findings for the plan and says when it grouped only some', async () => {
    const handler = (req: FakeRequest) => {
      const n = Number(req.query.get('page'))
      const items = Array.from({ length: 500 }, (_, i) =>
        issue(1, { id: uuid(10_000 + n * 1000 + i), target_ip: `10.${n}.${i >> 8}.${i & 255}` }),
      )
      return page(items, 2500, n, 500)
    }
    const { wrapper, server } = await mountApp('/shield', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/shield/findings': handler },
    })
    expect(server.callsTo('GET /api/shield/findings').map((r) => r.query.get('page'))).toEqual(['1', '2', '3', '4'])
    expect(wrapper.get('[data-test="plan-partial"]').text()).toBe('Grouped over the first 2,000 of 2,500 open findings.')
    expect(wrapper.get('[data-test="fix-hosts"]').text()).toBe('Hosts affected: 2,000')
    expect(wrapper.get('[data-test="fix-important_fix"] [data-test="fix-none"]').text()).toBe('No important fixes open.')
  })

  it('says there is nothing to fix when no finding is open', async () => {
    const { wrapper } = await mountApp('/shield', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/shield/findings': page([], 0, 1, 500) },
    })
    expect(wrapper.get('[data-test="shield-plan"] [data-test="state-empty"]').text()).toBe('No open findings: nothing to fix.')
  })

  it('without any Shield scan explains where results come from, with the commands to run', async () => {
    const empty = { ...routes, 'GET /api/shield/posture': { sites: [] }, 'GET /api/shield/findings': page([], 0, 1, 500) }
    const { wrapper } = await mountApp('/shield', { session: VIEWER, routes: empty })
    expect(wrapper.get('[data-page="shield"]').attributes('data-ready')).toBe('true')
    const panel = wrapper.get('[data-test="shield-empty"]')
    expect(panel.get('h2').text()).toBe('No Shield results yet')
    expect(panel.text()).toContain('The server never scans customer networks itself')
    expect(panel.get('[data-test="shield-command"]').text()).toBe('bigr shield 192.168.1.0/24')
    expect(panel.get('[data-test="shield-agent-command"]').text()).toBe('bigr agent start --shield')
    expect(wrapper.find('[data-test="shield-site"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="shield-plan"]').exists()).toBe(false)
    wrapper.unmount()

    // A selected site gets its own --site; the text is Turkish in Turkish.
    localStorage.setItem('bigr.locale', 'tr')
    const branch = await mountApp('/shield?site=branch', { session: VIEWER, routes: empty })
    const trPanel = branch.wrapper.get('[data-test="shield-empty"]')
    expect(trPanel.get('h2').text()).toBe('Henüz Shield sonucu yok')
    expect(trPanel.text()).toContain('Sunucu müşteri ağlarını hiçbir zaman kendisi taramaz')
    expect(trPanel.get('[data-test="shield-command"]').text()).toBe('bigr shield 192.168.1.0/24 --site branch')
  })

  it('shows a failing posture as an error with retry', async () => {
    const { wrapper } = await mountApp('/shield', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/shield/posture': json(503, { error: 'database busy' }) },
    })
    expect(wrapper.get('[data-page="shield"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('database busy')
  })
})

describe('ShieldFindingsView', () => {
  const findings = [
    issue(1, {
      severity: 'critical',
      check_id: 'cve.match',
      module: 'cve',
      title: 'Apache 2.4.49 path traversal',
      cve_id: 'CVE-2021-41773',
      cvss_score: 7.5,
      epss: 0.975,
      kev: true,
      attack_technique: 'T1190',
      priority: 'important_fix',
      evidence: { server: '<img src=x onerror=alert(1)>', version: '2.4.49' },
      remediation: { en: 'Upgrade Apache to 2.4.51 or later.', tr: 'Apache’yi 2.4.51 veya sonrasına yükseltin.' },
      reopened_count: 2,
    }),
    issue(2, { asset_id: null, port: null, status: 'resolved', resolved_at: '2026-11-22T10:00:00Z' }),
  ]
  const routes = { ...SITES, 'GET /api/shield/findings': page(findings, 2) }

  it('lists the findings of the URL filters, open by default, with target, module, dates and status', async () => {
    const { wrapper, server } = await mountApp('/shield/findings?site=hq', { session: VIEWER, routes })
    expect(wrapper.get('[data-page="shield-findings"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="nav-shield"]').attributes('aria-current')).toBe('page')
    expect(wrapper.get('[data-test="shield-tab-shield-findings"]').attributes('aria-current')).toBe('page')
    expect(params(server.callsTo('GET /api/shield/findings')[0])).toEqual({
      site: 'hq',
      status: 'open',
      page: '1',
      per_page: '50',
    })
    expect(wrapper.get('[data-test="finding-total"]').text()).toBe('2 findings')
    expect((wrapper.get('[data-test="finding-status"]').element as HTMLSelectElement).value).toBe('open')

    const rows = wrapper.findAll('[data-test="finding-row"]')
    const cells = (i: number) => rows[i]!.findAll('td').map((c) => c.text())
    expect(cells(0)[0]).toBe('critical')
    expect(cells(0).slice(1, 4)).toEqual(['▸Apache 2.4.49 path traversal', '10.0.0.1:443', 'Known CVEs'])
    expect(cells(0)[6]).toBe('2')
    expect(cells(0)[7]).toBe('open')
    expect(rows[0]!.get('[data-test="finding-asset-link"]').attributes('href')).toBe(`/assets/${uuid(1)}?site=hq`)
    // Without an asset the target is text; a resolved finding says when.
    expect(rows[1]!.find('[data-test="finding-asset-link"]').exists()).toBe(false)
    expect(cells(1)[2]).toBe('10.0.0.2')
    expect(rows[1]!.attributes('data-status')).toBe('resolved')
    expect(cells(1)[7]).toMatch(/^resolved\s*Resolved /)
    expect(wrapper.find('[data-test="finding-details"]').exists()).toBe(false)
  })

  it('builds the API query from each filter and keeps them in the URL', async () => {
    const { wrapper, router, server } = await mountApp('/shield/findings?site=hq&page=3', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/shield/findings': (req: FakeRequest) => page(findings, 200, Number(req.query.get('page'))) },
    })
    const last = () => params(server.callsTo('GET /api/shield/findings').at(-1))
    expect(last()).toEqual({ site: 'hq', status: 'open', page: '3', per_page: '50' })

    await wrapper.get('[data-test="finding-severity"]').setValue('high')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', severity: 'high' })
    expect(last()).toEqual({ site: 'hq', severity: 'high', status: 'open', page: '1', per_page: '50' })

    await wrapper.get('[data-test="finding-module"]').setValue('tls')
    await settle()
    expect(last()).toEqual({ site: 'hq', severity: 'high', module: 'tls', status: 'open', page: '1', per_page: '50' })

    await wrapper.get('[data-test="finding-status"]').setValue('resolved')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', severity: 'high', module: 'tls', status: 'resolved' })
    expect(last()).toEqual({ site: 'hq', severity: 'high', module: 'tls', status: 'resolved', page: '1', per_page: '50' })

    // Open and resolved: the server gets no status at all.
    await wrapper.get('[data-test="finding-status"]').setValue('all')
    await settle()
    expect(router.currentRoute.value.query.status).toBe('all')
    expect(last()).toEqual({ site: 'hq', severity: 'high', module: 'tls', page: '1', per_page: '50' })

    await wrapper.get('[data-test="next-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', severity: 'high', module: 'tls', status: 'all', page: '2' })
    expect(last().page).toBe('2')

    await wrapper.get('[data-test="finding-clear"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq' })
    expect(last()).toEqual({ site: 'hq', status: 'open', page: '1', per_page: '50' })
    expect((wrapper.get('[data-test="finding-clear"]').element as HTMLButtonElement).disabled).toBe(true)
  })

  it('filters by asset from a row, names it, and clears it', async () => {
    const { wrapper, router, server } = await mountApp('/shield/findings', { session: VIEWER, routes })
    await wrapper.findAll('[data-test="finding-toggle"]')[0]!.trigger('click')
    await wrapper.get('[data-test="finding-only-asset"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ asset: uuid(1) })
    expect(params(server.callsTo('GET /api/shield/findings').at(-1))).toEqual({
      asset: uuid(1),
      status: 'open',
      page: '1',
      per_page: '50',
    })
    expect(wrapper.get('[data-test="finding-asset"] a').text()).toBe('Only asset 10.0.0.1')

    await wrapper.get('[data-test="finding-asset-clear"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({})
    expect(wrapper.find('[data-test="finding-asset"]').exists()).toBe(false)
    // A malformed asset id in the URL is not sent (the server would refuse it).
    await router.replace({ query: { asset: 'x' } })
    await settle()
    expect(server.callsTo('GET /api/shield/findings').at(-1)!.query.has('asset')).toBe(false)
  })

  it('opens a row to description, evidence as text, ATT&CK, CVE facts and the remediation in the UI language', async () => {
    const { wrapper } = await mountApp('/shield/findings', { session: VIEWER, routes })
    const toggle = wrapper.findAll('[data-test="finding-toggle"]')[0]!
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(toggle.attributes('aria-controls')).toBeUndefined()
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const details = wrapper.get('[data-test="finding-details"]')
    expect(toggle.attributes('aria-controls')).toBe(details.attributes('id'))
    expect(details.get('td').attributes('colspan')).toBe('8')

    expect(details.get('[data-test="finding-description"]').text()).toBe('The service accepts a TLS 1.0 handshake.')
    expect(details.get('[data-test="finding-attack"]').text()).toBe('T1190')
    expect(details.get('[data-test="finding-cve"]').text()).toContain('CVE-2021-41773')
    expect(details.get('[data-test="finding-kev"]').text()).toBe('KEV')
    expect(details.get('[data-test="finding-cvss"]').text()).toBe('7.5')
    expect(details.get('[data-test="finding-epss"]').text()).toBe('97.5%')
    const evidence = details.findAll('[data-test="finding-evidence"] > div').map((d) => [d.get('dt').text(), d.get('dd').text()])
    expect(evidence).toEqual([
      ['server', '<img src=x onerror=alert(1)>'],
      ['version', '2.4.49'],
    ])
    expect(details.find('img').exists()).toBe(false)
    expect(details.get('[data-test="finding-remediation"]').text()).toBe('Upgrade Apache to 2.4.51 or later.')
    expect(details.text()).toContain('important fix')

    await wrapper.get('[data-test="lang-select"]').setValue('tr')
    expect(wrapper.get('[data-test="finding-remediation"]').text()).toBe('Apache’yi 2.4.51 veya sonrasına yükseltin.')
    expect(wrapper.get('[data-test="finding-details"]').text()).toContain('önemli düzeltme')
    expect(wrapper.get('[data-test="finding-total"]').text()).toBe('2 bulgu')

    await toggle.trigger('click')
    expect(wrapper.find('[data-test="finding-details"]').exists()).toBe(false)
  })

  it('leaves out the CVE facts a finding does not have', async () => {
    const { wrapper } = await mountApp('/shield/findings', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/shield/findings': page([issue(3, { evidence: null, attack_technique: null })]) },
    })
    await wrapper.get('[data-test="finding-toggle"]').trigger('click')
    const details = wrapper.get('[data-test="finding-details"]')
    for (const part of ['finding-cve', 'finding-kev', 'finding-cvss', 'finding-epss', 'finding-attack', 'finding-evidence']) {
      expect(details.find(`[data-test="${part}"]`).exists(), part).toBe(false)
    }
    expect(details.text()).toContain('No details recorded.')
  })

  it('says when nothing matches', async () => {
    const { wrapper } = await mountApp('/shield/findings?severity=critical', {
      session: VIEWER,
      routes: { ...routes, 'GET /api/shield/findings': page([], 0) },
    })
    expect(wrapper.get('[data-test="state-empty"]').text()).toBe('No findings match these filters.')
  })
})

describe('ShieldScansView and ShieldScanView', () => {
  const scans = [
    shieldScan(1, { agent_id: uuid(701) }),
    shieldScan(2, { agent_id: null, score: null, grade: null, completed_at: null, severity_counts: {} }),
  ]
  const routes = {
    ...SITES,
    'GET /api/shield/scans': { items: scans, total: 2, page: 1, per_page: 25 },
    'GET /api/agents': { agents: [agent(1)] },
  }

  it('lists the scans with preset, modules, grade, findings and agent, each linking to its page', async () => {
    const { wrapper, server } = await mountApp('/shield/scans?site=hq', { session: VIEWER, routes })
    expect(wrapper.get('[data-page="shield-scans"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('[data-test="shield-tab-shield-scans"]').attributes('aria-current')).toBe('page')
    expect(params(server.callsTo('GET /api/shield/scans')[0])).toEqual({ site: 'hq', page: '1', per_page: '25' })
    expect(wrapper.get('[data-test="shield-scan-total"]').text()).toBe('2 Shield scans')
    const rows = wrapper.findAll('[data-test="shield-scan-row"]')
    const cells = (i: number) => rows[i]!.findAll('td').map((c) => c.text())
    expect(cells(0).slice(2)).toEqual([
      'hq',
      '10.0.0.0/24',
      'Standard',
      'TLS, Open ports, HTTP headers',
      'B82.5',
      'high 2medium 1',
      'agent-1',
    ])
    expect(cells(1)[1]).toBe('not finished')
    expect(cells(1).slice(6)).toEqual(['—', 'none', 'local scan'])
    expect(rows[0]!.get('[data-test="shield-scan-link"]').attributes('href')).toBe(`/shield/scans/${uuid(1101)}?site=hq`)
  })

  it('shows one scan: facts, module scores, hosts, what was not assessed and why, findings in the UI language', async () => {
    const id = uuid(1101)
    const detail = shieldScanDetail(1, {
      findings: [
        scanFinding(6, {
          severity: 'low',
          title: 'Referrer-Policy missing',
          remediation_tr: null,
          remediation: 'Send Referrer-Policy.',
        }),
        scanFinding(5),
      ],
    })
    const { wrapper, server } = await mountApp(`/shield/scans/${id}?site=hq`, {
      session: VIEWER,
      routes: { ...routes, [`GET /api/shield/scans/${id}`]: detail },
    })
    expect(server.callsTo(`GET /api/shield/scans/${id}`)).toHaveLength(1)
    expect(wrapper.get('[data-page="shield-scan"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('h1').text()).toBe('Shield scan of 10.0.0.0/24')
    expect(wrapper.get('[data-test="shield-tab-shield-scans"]').attributes('aria-current')).toBe('page')
    expect(wrapper.get('[data-test="nav-shield"]').attributes('aria-current')).toBe('page')
    const facts = wrapper.get('[data-test="shield-scan-facts"]').text()
    for (const part of ['hq', 'Standard', 'TLS, Open ports, HTTP headers', '3 min 20 sec']) expect(facts).toContain(part)
    expect(wrapper.get('[data-test="shield-scan-agent"]').text()).toBe('agent-1')
    expect(params(server.callsTo('GET /api/agents')[0])).toEqual({ site: 'hq' })
    expect(wrapper.get('[data-test="score-gauge"]').attributes('aria-label')).toBe('Security score 82.5 of 100, grade B')
    expect(wrapper.findAll('[data-test="module-card"]').map((m) => m.attributes('data-module'))).toEqual([
      'tls',
      'ports',
      'headers',
    ])
    expect(wrapper.findAll('[data-test="shield-host-row"]').map((r) => r.text())).toEqual([
      '10.0.0.5TLS, Open ports, HTTP headers',
      '10.0.0.6Open ports',
    ])
    expect(wrapper.findAll('[data-test="not-assessed-row"]').map((r) => r.findAll('td').map((c) => c.text()))).toEqual([
      ['10.0.0.9:443', 'TLS', 'connection timed out'],
      ['10.0.0.10', 'every module', 'host unreachable'],
    ])

    // Worst first; the remediation is remediation_tr in Turkish when there is one, else English.
    const rows = wrapper.findAll('[data-test="scan-finding-row"]')
    expect(rows.map((r) => r.attributes('data-severity'))).toEqual(['high', 'low'])
    for (const toggle of wrapper.findAll('[data-test="finding-toggle"]')) await toggle.trigger('click')
    const remediation = () => wrapper.findAll('[data-test="finding-remediation"]').map((r) => r.text())
    expect(remediation()).toEqual(['Disable TLS 1.0; offer TLS 1.2 and 1.3 only.', 'Send Referrer-Policy.'])
    await wrapper.get('[data-test="lang-select"]').setValue('tr')
    expect(remediation()).toEqual(['TLS 1.0’ı kapatın; yalnızca TLS 1.2 ve 1.3 sunun.', 'Send Referrer-Policy.'])
    expect(wrapper.get('h1').text()).toBe('10.0.0.0/24 Shield taraması')
  })

  it('says when a scan found nothing and could assess everything', async () => {
    const id = uuid(1101)
    const { wrapper } = await mountApp(`/shield/scans/${id}`, {
      session: VIEWER,
      routes: { ...routes, [`GET /api/shield/scans/${id}`]: shieldScanDetail(1, { findings: [], not_assessed: [], hosts: [] }) },
    })
    expect(wrapper.get('[data-test="shield-scan-findings"]').text()).toContain('This scan found nothing to fix.')
    expect(wrapper.get('[data-test="shield-scan-hosts"]').text()).toContain('No host was assessed.')
    expect(wrapper.find('[data-test="shield-not-assessed"]').exists()).toBe(false)
  })

  it('shows an unknown scan as an error', async () => {
    const { wrapper } = await mountApp(`/shield/scans/${uuid(9)}`, { session: VIEWER, routes })
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('no such API endpoint')
  })
})

describe('AssetDetailView: security findings', () => {
  const ID = uuid(7)

  it('lists the open Shield findings with port and remediation in the UI language', async () => {
    const findings = [
      issue(7, {
        severity: 'critical',
        title: 'Certificate expired',
        check_id: 'tls.cert.expired',
        remediation: { en: 'Reissue it.', tr: 'Yeniden düzenleyin.' },
      }),
      issue(7, {
        id: uuid(1077),
        port: null,
        module: 'dns',
        severity: 'low',
        title: 'No SPF record',
        remediation: { en: 'Publish SPF.', tr: '' },
      }),
    ]
    const { wrapper } = await mountApp(`/assets/${ID}?site=hq`, {
      session: VIEWER,
      routes: { [`GET /api/assets/${ID}`]: assetPage(7, { shield_findings: findings }) },
    })
    const section = wrapper.get('[data-test="asset-shield"]')
    expect(section.get('h2').text()).toBe('Security findings')
    expect(section.get('[data-test="asset-shield-all"]').attributes('href')).toBe(
      `/shield/findings?site=hq&asset=${ID}&status=all`,
    )
    const rows = section.findAll('[data-test="asset-shield-row"]')
    expect(rows.map((r) => r.findAll('td').map((c) => c.text()))).toEqual([
      ['critical', 'Certificate expired TLS', '443', 'Reissue it.'],
      ['low', 'No SPF record DNS', '—', 'Publish SPF.'],
    ])

    await wrapper.get('[data-test="lang-select"]').setValue('tr')
    expect(wrapper.get('[data-test="asset-shield"] h2').text()).toBe('Güvenlik bulguları')
    expect(wrapper.findAll('[data-test="asset-shield-remediation"]').map((c) => c.text())).toEqual([
      'Yeniden düzenleyin.',
      'Publish SPF.', // no Turkish text: the English one rather than nothing
    ])
  })

  it('has no section when the asset has no open finding', async () => {
    const { wrapper } = await mountApp(`/assets/${ID}`, {
      session: VIEWER,
      routes: { [`GET /api/assets/${ID}`]: assetPage(7) },
    })
    expect(wrapper.find('[data-test="asset-detail"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="asset-shield"]').exists()).toBe(false)
  })
})
