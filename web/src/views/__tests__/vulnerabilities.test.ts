import { describe, expect, it } from 'vitest'
import { VIEWER, type FakeRequest, type FakeRoutes } from '../../test/fakeApi'
import { assetVulns, site, vulnReport } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

async function mountVulns(path: string, report: FakeRoutes[string], more: FakeRoutes = {}) {
  return mountApp(path, { session: VIEWER, routes: { 'GET /api/vulnerabilities': report, ...more } })
}

/** The query of a request as a plain object, to compare whole. */
function params(req: FakeRequest | undefined): Record<string, string> {
  return Object.fromEntries(req!.query.entries())
}

describe('VulnerabilitiesView', () => {
  it('shows the totals, the severity chart and the page of assets exactly as the server sent it', async () => {
    // A KEV asset and a plain one, in the server's order; the totals are the inventory's.
    const assets = [assetVulns(1, { hostname: '<b>web</b>' }, true), assetVulns(2, { vendor: 'Acme' })]
    const { wrapper, server } = await mountVulns(
      '/vulnerabilities',
      vulnReport(assets, 2, 1, 50, { assets_scanned: 321, vulnerable_assets: 2, kev_assets: 1 }),
    )
    expect(wrapper.get('[data-page="vulnerabilities"]').attributes('data-ready')).toBe('true')
    expect(params(server.callsTo('GET /api/vulnerabilities')[0])).toEqual({ page: '1', per_page: '50' })

    const cards = wrapper.findAll('.cards .stat-card').map((c) => [c.get('.stat-label').text(), c.get('.stat-value').text()])
    expect(cards).toEqual([
      ['Assets checked', '321'],
      ['Vulnerable assets', '2'],
      ['With exploited CVEs (KEV)', '1'],
    ])
    expect(wrapper.text()).toContain('CVE snapshot of 2026-11-20, 1,234 entries')
    expect(wrapper.text()).toContain('CVEs by severity')

    const rows = wrapper.findAll('[data-test="vuln-asset"]')
    expect(rows.map((r) => r.find('a').text())).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(rows[0]!.text()).toContain('<b>web</b>') // network-supplied text stays text
    expect(rows[0]!.find('b').exists()).toBe(false)
    expect(rows[0]!.get('abbr.badge').text()).toBe('KEV 1')
    expect(rows[1]!.find('abbr.badge').exists()).toBe(false)
    expect((wrapper.get('[data-test="kev-only"]').element as HTMLInputElement).checked).toBe(false)
    expect(wrapper.find('.pager').exists()).toBe(false) // total ≤ per_page
  })

  it('sends kev and page from the URL and does not filter the answer again', async () => {
    // The server decides what the KEV listing holds; a non-KEV asset in it is still shown.
    const assets = [assetVulns(101, {}, true), assetVulns(102)]
    const { wrapper, server } = await mountVulns('/vulnerabilities?kev=1&page=3', vulnReport(assets, 260, 3))
    expect(params(server.callsTo('GET /api/vulnerabilities')[0])).toEqual({ kev: 'true', page: '3', per_page: '50' })
    expect((wrapper.get('[data-test="kev-only"]').element as HTMLInputElement).checked).toBe(true)
    expect(wrapper.findAll('[data-test="vuln-asset"]')).toHaveLength(2)
    const pager = wrapper.get('nav.pager')
    expect(pager.attributes('aria-label')).toBe('Pagination')
    expect(pager.text()).toContain('Page 3 of 6')
  })

  it('shows the pager only when the listing is longer than one page', async () => {
    const full = await mountVulns('/vulnerabilities', vulnReport([assetVulns(1)], 50))
    expect(full.wrapper.find('nav.pager').exists()).toBe(false)
    full.wrapper.unmount()

    const more = await mountVulns('/vulnerabilities', vulnReport([assetVulns(1)], 51))
    expect(more.wrapper.get('nav.pager').text()).toContain('Page 1 of 2')
  })

  it('pages through the URL and keeps the KEV filter', async () => {
    const { wrapper, router, server } = await mountVulns('/vulnerabilities?kev=1', (req: FakeRequest) =>
      vulnReport([assetVulns(Number(req.query.get('page')), {}, true)], 120, Number(req.query.get('page'))),
    )
    await wrapper.get('[data-test="next-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ kev: '1', page: '2' })
    expect(params(server.callsTo('GET /api/vulnerabilities').at(-1))).toEqual({ kev: 'true', page: '2', per_page: '50' })
    expect(wrapper.get('[data-test="vuln-asset"]').text()).toContain('10.0.0.2')

    await wrapper.get('[data-test="prev-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ kev: '1' })
    expect(server.callsTo('GET /api/vulnerabilities').at(-1)!.query.get('page')).toBe('1')
  })

  it('asks the server for KEV-only assets when the box is checked, back on page 1', async () => {
    const { wrapper, router, server } = await mountVulns('/vulnerabilities?site=hq&page=2', vulnReport([assetVulns(1)], 120, 2), {
      'GET /api/sites': { sites: [site('hq')] },
    })
    expect(params(server.callsTo('GET /api/vulnerabilities')[0])).toEqual({ site: 'hq', page: '2', per_page: '50' })

    await wrapper.get('[data-test="kev-only"]').setValue(true)
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', kev: '1' })
    expect(params(server.callsTo('GET /api/vulnerabilities').at(-1))).toEqual({
      site: 'hq',
      kev: 'true',
      page: '1',
      per_page: '50',
    })

    await wrapper.get('[data-test="kev-only"]').setValue(false)
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq' })
    expect(server.callsTo('GET /api/vulnerabilities').at(-1)!.query.has('kev')).toBe(false)
  })

  it('goes back to page 1 when the site changes, keeping the KEV filter', async () => {
    const { wrapper, router, server } = await mountVulns(
      '/vulnerabilities?kev=1&page=2',
      vulnReport([assetVulns(1, {}, true)], 120, 2),
      {
        'GET /api/sites': { sites: [site('hq'), site('branch')] },
      },
    )
    await wrapper.get('[data-test="site-select"]').setValue('branch')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ kev: '1', site: 'branch' })
    expect(params(server.callsTo('GET /api/vulnerabilities').at(-1))).toEqual({
      site: 'branch',
      kev: 'true',
      page: '1',
      per_page: '50',
    })
  })

  it('says why the list is empty: nothing vulnerable, nothing exploited, or a page past the end', async () => {
    const none = await mountVulns('/vulnerabilities', vulnReport([], 0))
    expect(none.wrapper.get('[data-test="vulns-empty"]').text()).toBe('No known vulnerabilities on the checked assets.')
    expect(none.wrapper.text()).toContain('CVEs by severity') // the totals still show
    none.wrapper.unmount()

    const noKev = await mountVulns('/vulnerabilities?kev=1', vulnReport([], 0))
    expect(noKev.wrapper.get('[data-test="vulns-empty"]').text()).toBe('No checked asset has an actively exploited (KEV) CVE.')
    noKev.wrapper.unmount()

    const { wrapper, router, server } = await mountVulns('/vulnerabilities?kev=1&page=9', (req: FakeRequest) =>
      req.query.get('page') === '1' ? vulnReport([assetVulns(1, {}, true)], 60) : vulnReport([], 60, 9),
    )
    expect(wrapper.get('[data-test="vulns-empty"]').text()).toContain('Nothing on this page.')
    await wrapper.get('[data-test="vulns-empty"] button').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ kev: '1' })
    expect(server.callsTo('GET /api/vulnerabilities').at(-1)!.query.get('page')).toBe('1')
    expect(wrapper.findAll('[data-test="vuln-asset"]')).toHaveLength(1)
  })
})
