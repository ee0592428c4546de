import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ComplianceReport, Scope } from '../../api'
import { VIEWER, json, type FakeRoutes } from '../../test/fakeApi'
import { site } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const REPORT = 'GET /api/reports/compliance'
const BREAKDOWN = { total_assets: 5, fully_classified: 4, partially_classified: 1, unclassified: 0, manual_overrides: 0 }
const scope = (name: string, grade: string): Scope => ({ name, score: 80, grade, breakdown: BREAKDOWN })
const COMPLIANCE: ComplianceReport = {
  compliance_score: 82.5,
  grade: 'B',
  breakdown: { ...BREAKDOWN, total_assets: 10 },
  distribution: { iot: 10 },
  percentages: {},
  sites: [scope('hq', 'A'), scope('branch', 'C')],
  subnets: [scope('10.0.0.0/24', 'B')],
  action_items: [],
  action_items_total: 0,
}
const ROUTES: FakeRoutes = {
  'GET /api/compliance': COMPLIANCE,
  'GET /api/sites': { sites: [site('hq'), site('branch')] },
}

/** The report as the server sends it: streamed HTML, named by Content-Disposition. */
function html(name: string | null): Response {
  const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' }
  if (name) headers['Content-Disposition'] = `attachment; filename="${name}"`
  return new Response('<!DOCTYPE html><title>bigr</title>', { status: 200, headers })
}

/** The first bytes of a PDF, with bytes that are not UTF-8 (reading them as text would change them). */
const PDF_BYTES = new Uint8Array([
  0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a, 0x00, 0xff,
])

/** The report as a PDF, named by Content-Disposition. */
function pdf(name: string | null): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/pdf' }
  if (name) headers['Content-Disposition'] = `attachment; filename="${name}"`
  return new Response(PDF_BYTES, { status: 200, headers })
}

/** Records the downloads the page starts: file name and content of each. */
function catchDownloads() {
  const blobs = new Map<string, Blob>()
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:report-${blobs.size}`
    blobs.set(url, blob as Blob)
    return url
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
  const saved: { name: string; blob: Blob }[] = []
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href') ?? '')! })
  })
  return saved
}

type Wrapper = Awaited<ReturnType<typeof mountApp>>['wrapper']
const field = (wrapper: Wrapper, name: string) => wrapper.get(`[data-test="report-${name}"]`)
const value = (wrapper: Wrapper, name: string) => (field(wrapper, name).element as HTMLInputElement).value

// Today is 23 November 2026 (local time) in every test; only Date is faked, timers run.
const NOW = new Date(2026, 10, 23, 15, 30)
afterEach(() => vi.useRealTimers())

async function mountCompliance(path: string, routes: FakeRoutes = {}) {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] })
  return mountApp(path, { session: VIEWER, routes: { ...ROUTES, ...routes } })
}

describe('ComplianceView: download report', () => {
  it('downloads the selected site’s report for the chosen days, named as the server says', async () => {
    const saved = catchDownloads()
    const { wrapper, server } = await mountCompliance('/compliance?site=hq', {
      [REPORT]: html('bigr-report-hq-20261116.html'),
    })
    expect(wrapper.find('[data-test="report-dialog"]').exists()).toBe(false)
    await wrapper.get('[data-test="report-download"]').trigger('click')
    await settle()
    expect(wrapper.get('[data-test="report-dialog"] h2').text()).toBe('Compliance report: hq')
    // The last 30 days, today included, in the dashboard's language.
    expect([value(wrapper, 'from'), value(wrapper, 'to'), value(wrapper, 'lang')]).toEqual(['2026-10-25', '2026-11-23', 'en'])

    await field(wrapper, 'from').setValue('2026-11-01')
    await field(wrapper, 'to').setValue('2026-11-15')
    await field(wrapper, 'lang').setValue('tr')
    await field(wrapper, 'organisation').setValue(' Acme A.Ş. ')
    await field(wrapper, 'form').trigger('submit')
    await settle()

    const [req, ...more] = server.callsTo(REPORT)
    expect(more).toEqual([])
    expect(Object.fromEntries(req!.query)).toEqual({
      site: 'hq',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-16T00:00:00Z', // the day after the last one: 15 November is included
      lang: 'tr',
      organisation: 'Acme A.Ş.',
      format: 'html',
    })
    expect(saved.map((s) => s.name)).toEqual(['bigr-report-hq-20261116.html'])
    expect(await saved[0]!.blob.text()).toBe('<!DOCTYPE html><title>bigr</title>')
    expect(wrapper.find('[data-test="report-dialog"]').exists()).toBe(false)
  })

  it('downloads a PDF when PDF is chosen: format=pdf, the server’s .pdf name, the bytes untouched', async () => {
    const saved = catchDownloads()
    const { wrapper, server } = await mountCompliance('/compliance?site=hq', {
      [REPORT]: pdf('bigr-report-hq-20261124.pdf'),
    })
    await wrapper.get('[data-test="report-download"]').trigger('click')
    await settle()
    // HTML unless asked otherwise; the hint says what a PDF leaves out, tied to the control.
    expect(value(wrapper, 'format')).toBe('html')
    const select = field(wrapper, 'format')
    expect(select.findAll('option').map((o) => [o.attributes('value'), o.text()])).toEqual([
      ['html', 'HTML'],
      ['pdf', 'PDF'],
    ])
    expect(wrapper.get(`label[for="${select.attributes('id')}"]`).text()).toBe('File format')
    expect(wrapper.get(`[id="${select.attributes('aria-describedby')}"]`).text()).toBe(
      'A PDF lists up to 500 assets and counts the rest; the HTML file lists them all.',
    )

    await select.setValue('pdf')
    await field(wrapper, 'form').trigger('submit')
    await settle()

    const [req, ...more] = server.callsTo(REPORT)
    expect(more).toEqual([])
    expect(req!.query.getAll('format')).toEqual(['pdf'])
    expect(Object.fromEntries(req!.query)).toEqual({
      site: 'hq',
      from: '2026-10-25T00:00:00Z',
      to: '2026-11-24T00:00:00Z',
      lang: 'en',
      format: 'pdf',
    })
    expect(saved.map((s) => s.name)).toEqual(['bigr-report-hq-20261124.pdf'])
    expect(saved[0]!.blob.type).toBe('application/pdf')
    expect(new Uint8Array(await saved[0]!.blob.arrayBuffer())).toEqual(PDF_BYTES)
    expect(wrapper.find('[data-test="report-dialog"]').exists()).toBe(false)
  })

  it('names a PDF without Content-Disposition bigr-report.pdf, and offers HTML again on the next opening', async () => {
    localStorage.setItem('bigr.locale', 'tr')
    const saved = catchDownloads()
    const { wrapper } = await mountCompliance('/compliance', { [REPORT]: pdf(null) })
    await wrapper.get('[data-test="report-download"]').trigger('click')
    await settle()
    const select = field(wrapper, 'format')
    expect(wrapper.get(`label[for="${select.attributes('id')}"]`).text()).toBe('Dosya biçimi')
    expect(wrapper.get(`[id="${select.attributes('aria-describedby')}"]`).text()).toBe(
      'PDF en fazla 500 varlık listeler, kalanları sayar; HTML dosyası hepsini listeler.',
    )
    await select.setValue('pdf')
    await field(wrapper, 'form').trigger('submit')
    await settle()
    expect(saved.map((s) => s.name)).toEqual(['bigr-report.pdf'])

    await wrapper.get('[data-test="report-download"]').trigger('click')
    await settle()
    expect(value(wrapper, 'format')).toBe('html')
  })

  it('reports on all sites when none is selected, in Turkish for a Turkish dashboard', async () => {
    localStorage.setItem('bigr.locale', 'tr')
    const saved = catchDownloads()
    const { wrapper, server } = await mountCompliance('/compliance', { [REPORT]: html(null) })
    const button = wrapper.get('[data-test="report-download"]')
    expect(button.text()).toBe('Raporu indir')
    await button.trigger('click')
    await settle()
    expect(wrapper.get('[data-test="report-dialog"] h2').text()).toBe('Uyumluluk raporu: tüm lokasyonlar')
    await field(wrapper, 'form').trigger('submit')
    await settle()
    expect(Object.fromEntries(server.callsTo(REPORT)[0]!.query)).toEqual({
      from: '2026-10-25T00:00:00Z',
      to: '2026-11-24T00:00:00Z',
      lang: 'tr',
      format: 'html',
    })
    // No Content-Disposition: a name of its own.
    expect(saved.map((s) => s.name)).toEqual(['bigr-report.html'])
  })

  it('offers each site’s report from its row of the per-site table', async () => {
    const saved = catchDownloads()
    const { wrapper, server } = await mountCompliance('/compliance', { [REPORT]: html('bigr-report-branch-20261124.html') })
    const rows = wrapper.findAll('[data-test="report-download-site"]')
    expect(rows.map((b) => b.attributes('aria-label'))).toEqual(['Download report: hq', 'Download report: branch'])
    await rows[1]!.trigger('click')
    await settle()
    expect(wrapper.get('[data-test="report-dialog"] h2').text()).toBe('Compliance report: branch')
    await field(wrapper, 'form').trigger('submit')
    await settle()
    expect(server.callsTo(REPORT)[0]!.query.get('site')).toBe('branch')
    expect(saved.map((s) => s.name)).toEqual(['bigr-report-branch-20261124.html'])
  })

  it('shows the server’s refusal next to the button and saves nothing', async () => {
    const saved = catchDownloads()
    const { wrapper, server } = await mountCompliance('/compliance?site=hq', {
      [REPORT]: json(404, { error: 'unknown site "hq"' }),
    })
    await wrapper.get('[data-test="report-download"]').trigger('click')
    await settle()
    await field(wrapper, 'form').trigger('submit')
    await settle()
    const error = field(wrapper, 'error')
    expect(error.attributes('role')).toBe('alert')
    expect(error.text()).toBe('Could not download the report: unknown site "hq"')
    expect(saved).toEqual([])
    expect(wrapper.find('[data-test="report-dialog"]').exists()).toBe(true)
    expect(field(wrapper, 'submit').attributes('disabled')).toBeUndefined()

    // Two reports already being written: the reason, and that it is worth another try soon.
    server.set({ [REPORT]: json(503, { error: 'reports are being written; try again shortly' }, { 'Retry-After': '10' }) })
    await field(wrapper, 'form').trigger('submit')
    await settle()
    expect(field(wrapper, 'error').text()).toBe(
      'Could not download the report: reports are being written; try again shortly Other reports are being written right now; try again shortly.',
    )
    expect(saved).toEqual([])

    // Closed and opened again, the form starts afresh.
    await field(wrapper, 'cancel').trigger('click')
    await settle()
    await wrapper.get('[data-test="report-download"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-test="report-error"]').exists()).toBe(false)
  })

  it('refuses a period whose start is after its end, without asking the server', async () => {
    const { wrapper, server } = await mountCompliance('/compliance?site=hq', { [REPORT]: html('x.html') })
    await wrapper.get('[data-test="report-download"]').trigger('click')
    await settle()
    await field(wrapper, 'from').setValue('2026-11-20')
    await field(wrapper, 'to').setValue('2026-11-19')
    await field(wrapper, 'form').trigger('submit')
    await settle()
    const from = field(wrapper, 'from')
    expect(from.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get(`[id="${from.attributes('aria-describedby')}"]`).text()).toBe('The start cannot be after the end.')
    expect(field(wrapper, 'to').attributes('aria-invalid')).toBeUndefined()
    expect(server.callsTo(REPORT)).toEqual([])
  })
})
