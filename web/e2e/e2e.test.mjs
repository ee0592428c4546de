// End-to-end tests of the bigr dashboard: a real `bigr serve` ($BIGR_BIN) seeded through the
// agent ingest API, driven in headless Chromium. See README.md.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN_USER, startServer } from './lib/server.mjs'
import { adminSession, enrollAgent, getWithCookie } from './lib/api.mjs'
import { SHIELD, SMALL, assetCounts, bigReport, shieldReports, smallDataSet } from './lib/seed.mjs'
import { WAIT_MS, byTest, launchBrowser, newContext, runAxe, waitReady, watchErrors } from './lib/browser.mjs'
import { ARTIFACTS, printSummary, screenshot, slug, summary } from './lib/report.mjs'
import { initialJsSize } from './lib/bundle.mjs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Every page of the main menu (src/navigation.ts), in menu order. */
const NAV_PAGES = [
  'overview',
  'assets',
  'changes',
  'alerts',
  'scans',
  'topology',
  'certificates',
  'compliance',
  'risk',
  'vulnerabilities',
  'shield',
  'analytics',
  'agents',
  'subnets',
  'switches',
  'settings',
  'alert-settings',
  'users',
  'audit',
]

/**
 * Where menu link `name` lands: `path` (a string or a RegExp of the pathname) and the page's
 * data-page. Most pages are /<name> and <name>; the settings entry opens one site's settings,
 * the alert settings are under /alerts.
 */
function landing(name) {
  if (name === 'overview') return { path: '/', page: 'overview' }
  if (name === 'settings') return { path: /^\/sites\/[^/]+\/settings$/, page: 'site-settings' }
  if (name === 'alert-settings') return { path: '/alerts/settings', page: 'alert-settings' }
  return { path: `/${name}`, page: name }
}
const landed = (url, path) => (typeof path === 'string' ? url.pathname === path : path.test(url.pathname))

/**
 * The one console error that is not a fault: the browser's "Failed to load resource: 401"
 * for /api/auth/me, which is how the app learns that nobody is signed in.
 */
const expectedError = (e) => /status of 401/.test(e) && /\/api\/auth\/me\b/.test(e)

after(printSummary)

/** Runs `fn`; on failure saves artifacts/FAIL-<name>.png of `page()` before rethrowing. */
async function withFailShot(name, page, fn) {
  try {
    await fn()
  } catch (err) {
    const p = page()
    if (p && !p.isClosed()) {
      await p.screenshot({ path: join(ARTIFACTS, `FAIL-${slug(name)}.png`), fullPage: true, timeout: 10_000 }).catch(() => {})
    }
    throw err
  }
}

/**
 * Runs axe on `page` and records it in the summary as `label`. Serious violations are printed
 * as warnings; returns the critical ones as messages (the caller fails on them).
 */
async function audit(page, label, ready = 'data-ready') {
  const entry = { name: label, ready, axe: { critical: 0, serious: 0, other: 0 }, errors: 0 }
  summary.pages.push(entry)
  const critical = []
  for (const v of await runAxe(page)) {
    const bucket = v.impact === 'critical' ? 'critical' : v.impact === 'serious' ? 'serious' : 'other'
    entry.axe[bucket]++
    const text = `${label}: ${v.id} (${v.impact}, ${v.nodes} nodes: ${v.targets.join(', ')}) ${v.help}`
    if (bucket === 'critical') critical.push(`axe critical — ${text}`)
    if (bucket === 'serious') {
      summary.axeSerious.push(text)
      console.warn(`warning: axe serious — ${text}`)
    }
  }
  return { entry, critical }
}

async function submitLogin(page, password) {
  await byTest(page, 'login-username').fill(ADMIN_USER)
  await byTest(page, 'login-password').fill(password)
  await byTest(page, 'login-submit').click()
}

/** Logs in through the form and waits for the Overview it lands on. */
async function signIn(page, password) {
  await page.goto('/login')
  await waitReady(page, 'login')
  await submitLogin(page, password)
  await page.waitForURL((u) => u.pathname === '/', { timeout: WAIT_MS })
  await waitReady(page, 'overview')
}

/** Opens menu page `name` through its `nav-<name>` link (which keeps ?site=) and waits until it is ready. */
async function visit(page, name) {
  const to = landing(name)
  await byTest(page, `nav-${name}`).click()
  await page.waitForURL((u) => landed(u, to.path))
  await waitReady(page, to.page)
}

/** The number an element shows ("1,234 assets" → 1234); NaN when it shows none. */
async function numberIn(locator) {
  const digits = (await locator.innerText()).replace(/\D/g, '')
  return digits ? Number(digits) : NaN
}

/**
 * Fails when `errors` (watchErrors) caught something since the last check, the 401 of
 * /api/auth/me aside, and the `refused` answers (e.g. /status of 400/ for /api/…/config)
 * that a step provokes on purpose.
 */
function assertNoErrorsIn(errors, where, refused = []) {
  const got = errors.take().filter((e) => !expectedError(e) && !refused.some(([status, path]) => status.test(e) && path.test(e)))
  assert.deepEqual(got, [], `${where}: console errors / uncaught exceptions`)
}

/** `test(name, fn)` that leaves artifacts/FAIL-<name>.png of `page()` when it fails. */
const stepsOn = (page) => (name, fn) => test(name, { timeout: 120_000 }, () => withFailShot(name, page, fn))

/**
 * Before the enclosing describe block: a server of its own (`startServer` options), a browser
 * and one page on it, all stopped after the block. Returns the object the hooks fill in.
 */
function ownServer(options) {
  const env = { srv: null, browser: null, context: null, page: null, errors: null }
  before(async () => {
    env.srv = await startServer(options)
    env.browser = await launchBrowser()
    env.context = await newContext(env.browser, env.srv.url)
    env.page = await env.context.newPage()
    env.errors = watchErrors(env.page)
  })
  after(async () => {
    await env.context?.close().catch(() => {})
    await env.browser?.close().catch(() => {})
    await env.srv?.stop()
  })
  return env
}

/** The asset page's readiness, row texts and total, read in the page. */
function readAssetTable(page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-page="assets"]')
    return {
      ready: root?.getAttribute('data-ready') === 'true',
      rows: [...document.querySelectorAll('[data-test="asset-row"]')].map((r) => r.innerText),
      total: Number((document.querySelector('[data-test="asset-total"]')?.textContent ?? '').replace(/\D/g, '')),
    }
  })
}

/**
 * Polls (at most WAIT_MS) until the ready asset page's rows satisfy `check(rows, total)`.
 * The check runs here, not in the page: the app's CSP forbids eval there.
 */
async function waitRows(page, description, check) {
  const deadline = Date.now() + WAIT_MS
  let last = { ready: false, rows: [], total: 0 }
  while (Date.now() < deadline) {
    last = await readAssetTable(page)
    if (last.ready && check(last.rows, last.total)) return last
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(
    `assets page: ${description} — not reached within ${WAIT_MS} ms (url ${page.url()}, ready=${last.ready}, total=${last.total}, ${last.rows.length} rows: ${last.rows.slice(0, 5).join(' | ')})`,
  )
}

describe('dashboard', { timeout: 600_000 }, () => {
  const data = smallDataSet()
  const count = assetCounts(data) // { istanbul: 26, ankara: 19 }
  const all = count.istanbul + count.ankara
  let srv, browser, context, page, errors

  before(async () => {
    srv = await startServer({ logFile: join(ARTIFACTS, 'server.log') })
    const admin = await adminSession(srv.url, ADMIN_USER, srv.password)
    for (const { site, reports } of data) {
      const agent = await enrollAgent(srv.url, admin, site, `edge-${site.slice(0, 3)}`)
      for (const r of reports) await agent.ingest(r)
      if (site === SHIELD.site) for (const r of shieldReports()) await agent.ingestShield(r)
      await agent.heartbeat()
    }
    browser = await launchBrowser()
    context = await newContext(browser, srv.url)
    page = await context.newPage()
    errors = watchErrors(page)
  })

  after(async () => {
    await context?.close().catch(() => {})
    await browser?.close().catch(() => {})
    await srv?.stop()
  })

  const assertNoErrors = (where, refused) => assertNoErrorsIn(errors, where, refused)
  const step = stepsOn(() => page)

  step('login through the form', async () => {
    await page.goto('/login')
    await waitReady(page, 'login')
    await screenshot(page, 'login')
    assert.deepEqual((await audit(page, 'login')).critical, [], 'login page')
    await submitLogin(page, srv.password)
    await page.waitForURL((u) => u.pathname === '/', { timeout: WAIT_MS })
    await waitReady(page, 'overview')
    assert.equal(await byTest(page, 'user-name').innerText(), ADMIN_USER)
    assertNoErrors('login')
  })

  step('site switch shows only that site’s assets', async () => {
    await page.goto('/assets')
    await waitReady(page, 'assets')
    const { istanbulOnly: ist, ankaraOnly: ank } = SMALL
    await waitRows(
      page,
      'both sites listed',
      (rows, total) => total === all && rows.some((r) => r.includes(ist)) && rows.some((r) => r.includes(ank)),
    )

    await byTest(page, 'site-select').selectOption('ankara')
    await page.waitForURL((u) => u.searchParams.get('site') === 'ankara')
    await waitRows(
      page,
      'only ankara',
      (rows, total) =>
        total === count.ankara &&
        rows.length === count.ankara &&
        !rows.some((r) => r.includes(ist)) &&
        rows.some((r) => r.includes(ank)) &&
        rows.some((r) => r.includes('ank-printer-lobby')),
    )
    // The shared IP is ankara's device here, not istanbul's camera.
    const overlap = await byTest(page, 'asset-row').filter({ hasText: SMALL.overlapIp }).allInnerTexts()
    assert.ok(
      overlap.every((r) => !r.includes('cam-lobby')),
      `ankara shows istanbul's ${SMALL.overlapIp}: ${overlap}`,
    )

    await byTest(page, 'site-select').selectOption('istanbul')
    await page.waitForURL((u) => u.searchParams.get('site') === 'istanbul')
    await waitRows(
      page,
      'only istanbul',
      (rows, total) =>
        total === count.istanbul &&
        rows.length === count.istanbul &&
        !rows.some((r) => r.includes(ank)) &&
        !rows.some((r) => r.includes('ank-printer-lobby')) &&
        rows.some((r) => r.includes(ist)),
    )
    assertNoErrors('site switch')
  })

  step('search filters the rows', async () => {
    await byTest(page, 'search').fill(SMALL.search)
    await page.waitForURL((u) => u.searchParams.get('q') === SMALL.search)
    const { search: q, searchCount: n } = SMALL
    await waitRows(page, `search "${q}"`, (rows, total) => total === n && rows.length === n && rows.every((r) => r.includes(q)))
    assertNoErrors('search')
  })

  step('open an asset and tag it; the tag persists', async () => {
    await byTest(page, 'search').fill(SMALL.tagHost)
    await waitRows(
      page,
      `search "${SMALL.tagHost}"`,
      (rows, total) => total === 1 && rows.length === 1 && rows[0].includes(SMALL.tagHost),
    )
    await byTest(page, 'asset-link').first().click()
    await page.waitForURL((u) => u.pathname.startsWith('/assets/'))
    await waitReady(page, 'asset')
    await byTest(page, 'asset-detail').waitFor()
    const badge = page.locator('[data-test="asset-group"] .group-badge')
    assert.equal(await badge.getAttribute('data-group'), 'unclassified')

    const note = 'e2e: moved to portable devices by the browser test'
    await byTest(page, 'tag-category').selectOption('tasinabilir')
    await byTest(page, 'tag-note').fill(note)
    await byTest(page, 'tag-submit').click()
    await page.locator('[data-test="asset-group"] .group-badge[data-group="tasinabilir"]').waitFor()
    await byTest(page, 'tag-current').filter({ hasText: note }).waitFor()
    assert.equal(await byTest(page, 'tag-error').count(), 0)

    await page.reload()
    await waitReady(page, 'asset')
    assert.equal(await badge.getAttribute('data-group'), 'tasinabilir', 'tag lost after reload')
    assert.match(await byTest(page, 'tag-current').innerText(), new RegExp(note))
    await screenshot(page, 'asset-detail')
    assert.deepEqual((await audit(page, 'asset (detail)')).critical, [], 'asset detail')
    assertNoErrors('asset detail / tag')
  })

  step('certificates list the expiring certificate', async () => {
    await byTest(page, 'nav-certificates').click()
    await page.waitForURL((u) => u.pathname === '/certificates')
    await waitReady(page, 'certificates')
    const row = byTest(page, 'cert-row').filter({ hasText: SMALL.expiringCn })
    await row.first().waitFor()
    assert.equal(await row.first().getAttribute('data-status'), 'critical', 'expiring certificate not marked critical (≤ 7 days)')
    // The site filter (istanbul) still applies: ankara's expired certificate is not listed.
    assert.equal(await byTest(page, 'cert-row').filter({ hasText: 'core-router-ank' }).count(), 0)
    assertNoErrors('certificates')
  })

  step('agents: cards, and an enrollment shows the one-line install, its script and the register command', async () => {
    await page.goto('/agents')
    await waitReady(page, 'agents')
    const cards = byTest(page, 'agent-card')
    assert.equal(await cards.count(), 2, 'one agent card per site')
    assert.deepEqual((await cards.evaluateAll((els) => els.map((e) => e.dataset.state))).sort(), ['online', 'online'])

    await byTest(page, 'add-agent').click()
    await byTest(page, 'enroll-name').fill('edge-izm')
    await byTest(page, 'enroll-site').fill('izmir')
    await byTest(page, 'enroll-submit').click()
    const command = (await byTest(page, 'enroll-command').innerText()).trim()
    assert.match(command, /bigr agent register --api-url/)
    assert.match(command, /--enroll-token bigr_enr_/)
    assert.ok(command.includes(srv.url), `command does not name this server (${srv.url}): ${command}`)
    const token = command.match(/--enroll-token (\S+)/)?.[1]

    // First the one-line install for a new machine: this server's script, run as root with the same token.
    const install = (await byTest(page, 'enroll-install').innerText()).trim()
    assert.equal(
      install,
      `curl -fsSL ${srv.url}/api/install.sh | sudo BIGR_ENROLL_TOKEN=${token} sh -s -- --server ${srv.url} --site izmir --name edge-izm`,
    )
    const installFirst = await page.evaluate(() => {
      const [line, register] = ['enroll-install', 'enroll-command'].map((t) => document.querySelector(`[data-test="${t}"]`))
      return Boolean(line && register && line.compareDocumentPosition(register) & Node.DOCUMENT_POSITION_FOLLOWING)
    })
    assert.ok(installFirst, 'the one-line install is not shown before the register command')
    assert.equal(
      await byTest(page, 'enroll-install-unavailable').count(),
      0,
      'one-line install refused though the server has a release key',
    )

    // "Show the install script": GET /api/install.sh, as the server wrote it (with the release key).
    await byTest(page, 'install-script-details').locator('summary').click()
    await page.locator('[data-test="install-script"], [data-test="install-script-error"]').first().waitFor()
    const scriptError = byTest(page, 'install-script-error')
    assert.equal(await scriptError.count(), 0, `install script not shown: ${await scriptError.allInnerTexts()}`)
    const script = byTest(page, 'install-script')
    await script.waitFor({ state: 'visible' })
    const scriptText = await script.textContent()
    assert.ok(scriptText.startsWith('#!/bin/sh'), `install script does not start with #!/bin/sh: ${scriptText.slice(0, 80)}`)
    assert.equal(await script.getAttribute('aria-label'), 'Install script')
    await screenshot(page, 'agents-enroll')
    assert.deepEqual(
      (await audit(page, 'agents (enrollment, install script)')).critical,
      [],
      'enrollment dialog with the install script',
    )
    await byTest(page, 'enroll-close').click()
    await byTest(page, 'enrollment-row').filter({ hasText: 'izmir' }).first().waitFor()
    assertNoErrors('agents')
  })

  step('site settings: an admin saves a setting and sees the new version; a bad value names its field', async () => {
    const site = 'istanbul'
    await page.goto(`/sites/${site}/settings?site=${site}`)
    await waitReady(page, 'site-settings')
    const version = byTest(page, 'settings-version')
    const versionOf = async () => Number(/Version (\d+)/.exec(await version.innerText())?.[1] ?? 0)
    const before = await versionOf()

    await byTest(page, 'settings-ports').fill('22,80')
    await byTest(page, 'settings-save').click()
    const saved = before + 1
    await page.waitForFunction(
      (n) => new RegExp(`\\bVersion ${n}\\b`).test(document.querySelector('[data-test="settings-version"]')?.textContent ?? ''),
      saved,
    )
    assert.match(await page.locator('[data-page="site-settings"] [role="status"]').innerText(), new RegExp(`version ${saved}\\b`))
    const stored = (await (await page.request.get(`/api/sites/${site}/config`)).json()).settings
    assert.equal(stored.ports, '22,80', 'GET config after the save')

    // A refused value: the error names the field, which is marked, and nothing is saved.
    await byTest(page, 'settings-targets').fill('10.0.0.0/33')
    await byTest(page, 'settings-save').click()
    const error = byTest(page, 'settings-error')
    await error.waitFor()
    assert.match(await error.innerText(), /invalid field `targets\[0\]`/)
    const targets = byTest(page, 'settings-targets')
    assert.equal(await targets.getAttribute('aria-invalid'), 'true', 'the targets field is not marked')
    const inline = (await targets.getAttribute('aria-describedby')).split(' ').at(-1)
    assert.match(await page.locator(`[id="${inline}"]`).innerText(), /^10\.0\.0\.0\/33: /)
    assert.equal(await byTest(page, 'settings-ports').getAttribute('aria-invalid'), null)
    assert.equal(await versionOf(), saved, 'a refused save changed the version')

    await page.reload()
    await waitReady(page, 'site-settings')
    assert.equal(await versionOf(), saved)
    assert.equal(await byTest(page, 'settings-ports').inputValue(), '22,80')
    assert.equal(await byTest(page, 'settings-targets').inputValue(), '')
    await screenshot(page, 'site-settings-saved')
    assertNoErrors('site settings', [[/status of 400\b/, /\/api\/sites\/istanbul\/config\b/]])
  })

  step('audit log: the settings change is listed', async () => {
    await visit(page, 'audit')
    assert.equal(new URL(page.url()).searchParams.get('site'), 'istanbul', 'the menu link lost ?site=')
    const rows = page.locator('[data-test="audit-row"][data-action="site.configure"]')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 1, 'one site.configure entry (the refused save is not one)')
    const text = await rows.first().innerText()
    assert.match(text, /\badmin\b/)
    assert.match(text, /\bistanbul\b/)
    assert.match(text, /ports: 22,80/)
    assertNoErrors('audit')
  })

  step('scans: the seeded scans are listed, and a scan shows its diff', async () => {
    await visit(page, 'scans')
    const rows = byTest(page, 'scan-row')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 2, 'istanbul has two scans')
    assert.deepEqual(await byTest(page, 'scan-agent').allInnerTexts(), ['edge-ist', 'edge-ist'])
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.partial)), ['false', 'false'])
    const { total } = await (await page.request.get('/api/scans?per_page=1')).json()
    assert.equal(total, 3, 'GET /api/scans: every site')

    // The newest scan (the second of istanbul): its changes (a port opened, a new tablet), through the change timeline.
    const newest = rows.first()
    const counted = await numberIn(newest.locator('td').nth(6))
    await newest.locator('[data-test="scan-link"]').click()
    await page.waitForURL((u) => u.searchParams.has('scan'))
    const diff = byTest(page, 'scan-diff')
    await diff.locator('[data-test="change-row"]').first().waitFor()
    await waitReady(page, 'scans')
    assert.equal(await diff.getAttribute('data-scan-id'), await newest.getAttribute('data-scan-id'))
    assert.equal(await numberIn(byTest(page, 'scan-diff-total')), counted, 'diff total vs the row’s change count')
    const types = await diff.locator('[data-test="change-row"]').evaluateAll((els) => els.map((e) => e.dataset.type))
    for (const type of ['new_asset', 'ports_opened']) assert.ok(types.includes(type), `no ${type} in ${types}`)
    assert.ok((await diff.innerText()).includes('ist-new-tablet'), 'the new tablet is not in the diff')
    await screenshot(page, 'scans-diff')
    assert.deepEqual((await audit(page, 'scans (diff)')).critical, [], 'scans with a diff')
    assertNoErrors('scans')
  })

  step('shield: posture, what to fix, findings and a scan of the seeded Shield runs', async () => {
    await visit(page, 'shield')
    assert.equal(new URL(page.url()).searchParams.get('site'), SHIELD.site, 'the menu link lost ?site=')
    const card = page.locator(`[data-test="shield-site"][data-site="${SHIELD.site}"]`)
    await card.waitFor()
    assert.equal(await byTest(page, 'shield-site').count(), 1, 'one posture panel for the selected site')
    assert.equal(await card.locator('[data-test="score-gauge"]').count(), 1, 'no score gauge')
    const modules = await card.locator('[data-test="module-card"]').evaluateAll((els) => els.map((e) => e.dataset.module))
    assert.deepEqual([...modules].sort(), [...SHIELD.modules].sort(), 'module cards: the modules that ran')
    assert.match(await card.locator('[data-test="modules-absent"]').innerText(), /^Not assessed: DNS/)
    assert.match(await card.locator('[data-test="trend-text"]').innerText(), /^Last 2 scans: /)
    const open = async (severity) => numberIn(card.locator(`[data-test="severity-counts"] [data-severity="${severity}"]`))
    assert.deepEqual([await open('high'), await open('medium')], [1, 2], 'open findings per severity')
    const checks = (id) =>
      byTest(page, id)
        .locator('[data-test="fix-group"]')
        .evaluateAll((els) => els.map((e) => e.dataset.check).sort())
    assert.deepEqual(await checks('fix-quick_win'), [...SHIELD.quickWins].sort(), 'quick wins')
    assert.deepEqual(await checks('fix-important_fix'), [...SHIELD.importantFixes].sort(), 'important fixes')
    await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {})
    await screenshot(page, 'shield-posture')
    assert.deepEqual((await audit(page, 'shield (posture)')).critical, [], 'shield posture')

    // The findings: open ones by default, worst first; a row opens to its remediation.
    await byTest(page, 'shield-tab-shield-findings').click()
    await page.waitForURL((u) => u.pathname === '/shield/findings')
    await waitReady(page, 'shield-findings')
    const rows = byTest(page, 'finding-row')
    await rows.first().waitFor()
    assert.equal(await rows.count(), SHIELD.open.length, 'open findings listed')
    const first = rows.first()
    assert.equal(await first.getAttribute('data-severity'), 'high')
    assert.equal((await first.locator('[data-test="finding-asset-link"]').innerText()).trim(), `${SHIELD.camera}:443`)
    await first.locator('[data-test="finding-toggle"]').click()
    const details = byTest(page, 'finding-details')
    await details.waitFor()
    assert.match(await details.locator('[data-test="finding-remediation"]').innerText(), /Disable TLS 1\.0/)
    assert.equal((await details.locator('[data-test="finding-attack"]').innerText()).trim(), 'T1557')
    assert.match(await details.locator('[data-test="finding-evidence"]').innerText(), /TLSv1\.0/)
    await screenshot(page, 'shield-findings')
    assert.deepEqual((await audit(page, 'shield (findings)')).critical, [], 'shield findings')

    await byTest(page, 'finding-status').selectOption('resolved')
    await page.waitForURL((u) => u.searchParams.get('status') === 'resolved')
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-test="finding-row"]')]
      return rows.length === n && rows.every((r) => r.dataset.status === 'resolved')
    }, SHIELD.resolved.length)

    // The scans: both runs, the newest opens with its hosts, what was not assessed and its findings.
    await byTest(page, 'shield-tab-shield-scans').click()
    await page.waitForURL((u) => u.pathname === '/shield/scans')
    await waitReady(page, 'shield-scans')
    assert.equal(await byTest(page, 'shield-scan-row').count(), 2, 'two Shield runs')
    await byTest(page, 'shield-scan-link').first().click()
    await page.waitForURL((u) => u.pathname.startsWith('/shield/scans/'))
    await waitReady(page, 'shield-scan')
    assert.equal(await byTest(page, 'shield-host-row').count(), 2, 'hosts assessed')
    assert.match(await byTest(page, 'not-assessed-row').first().innerText(), /connection timed out/)
    assert.equal(await byTest(page, 'scan-finding-row').count(), SHIELD.open.length, 'findings of the newest run')
    await screenshot(page, 'shield-scan')
    assert.deepEqual((await audit(page, 'shield (scan)')).critical, [], 'shield scan')

    // The camera's asset page lists its open findings with their remediation.
    await byTest(page, 'scan-finding-row').first().locator('a').click()
    await page.waitForURL((u) => u.pathname.startsWith('/assets/'))
    await waitReady(page, 'asset')
    const section = byTest(page, 'asset-shield')
    await section.waitFor()
    assert.equal(await section.locator('[data-test="asset-shield-row"]').count(), 2, 'the camera has two open findings')
    assert.match(await section.innerText(), /Disable TLS 1\.0/)
    await screenshot(page, 'shield-asset')
    assert.deepEqual((await audit(page, 'asset (security findings)')).critical, [], 'asset with security findings')
    assertNoErrors('shield')
  })

  step('scan now: a command to an agent seeded through the API shows as queued', async () => {
    await visit(page, 'agents')
    const card = byTest(page, 'agent-card').filter({ hasText: 'edge-ist' })
    await card.locator('[data-test="agent-command-scan_now"]').click()
    const dialog = byTest(page, 'scan-dialog')
    await dialog.waitFor()

    await byTest(page, 'scan-targets').fill('10.0.0.0/33')
    await byTest(page, 'scan-submit').click()
    await byTest(page, 'scan-error').waitFor()
    assert.match(await byTest(page, 'scan-error').innerText(), /targets\[0\]/)
    assert.equal(await byTest(page, 'scan-targets').getAttribute('aria-invalid'), 'true')

    await byTest(page, 'scan-targets').fill('10.1.0.0/28')
    await byTest(page, 'scan-ports').fill('22,80')
    await byTest(page, 'scan-submit').click()
    await dialog.waitFor({ state: 'detached' })
    const state = card.locator('[data-test="command-state"]')
    await state.waitFor()
    assert.equal(await state.getAttribute('data-state'), 'queued')
    const id = await card.locator('[data-test="command-status"]').getAttribute('data-command-id')
    // No agent runs here: a few polls later it is still waiting, and the server says the same.
    await page.waitForTimeout(2500)
    assert.equal(await state.getAttribute('data-state'), 'queued')
    const command = await (await page.request.get(`/api/commands/${id}`)).json()
    assert.equal(command.state, 'queued')
    assert.equal(command.kind, 'scan_now')
    assert.deepEqual(command.args.targets, ['10.1.0.0/28'])
    assert.equal(command.args.ports, '22,80')
    await screenshot(page, 'agents-command')
    assert.deepEqual((await audit(page, 'agents (command)')).critical, [], 'agents with a command')

    await card.locator('[data-test="agent-history"]').click()
    await waitReady(page, 'agent-commands')
    const row = byTest(page, 'command-row').first()
    assert.equal(await row.getAttribute('data-state'), 'queued')
    assert.equal(await row.getAttribute('data-kind'), 'scan_now')
    assert.match(await row.innerText(), /10\.1\.0\.0\/28/)
    await screenshot(page, 'agent-commands')
    assert.deepEqual((await audit(page, 'agent commands')).critical, [], 'agent command history')
    assertNoErrors('scan now', [[/status of 400\b/, /\/api\/agents\/[^/]+\/commands\b/]])
  })

  step('compliance report: downloaded from the page, a self-contained HTML file', async () => {
    await visit(page, 'compliance')
    assert.equal(new URL(page.url()).searchParams.get('site'), 'istanbul', 'the menu link lost ?site=')
    const grade = await byTest(page, 'score-gauge').getAttribute('data-grade')
    assert.match(grade ?? '', /^[A-F]$/, 'the page shows no grade')

    await byTest(page, 'report-download').click()
    const dialog = byTest(page, 'report-dialog')
    await dialog.waitFor()
    const organisation = 'E2E Holding A.Ş.'
    await byTest(page, 'report-organisation').fill(organisation)
    assert.equal(await byTest(page, 'report-format').inputValue(), 'html', 'the format the form offers first')
    await screenshot(page, 'compliance-report-dialog')
    assert.deepEqual((await audit(page, 'compliance (report form)')).critical, [], 'the report form')
    const [download] = await Promise.all([page.waitForEvent('download'), byTest(page, 'report-submit').click()])
    assert.match(download.suggestedFilename(), /^bigr-report-istanbul-\d{8}\.html$/, 'the server’s file name')
    const file = join(ARTIFACTS, 'compliance-report.html')
    await download.saveAs(file)
    await dialog.waitFor({ state: 'detached' })
    const html = readFileSync(file, 'utf8')
    assert.ok(html.startsWith('<!DOCTYPE html>'), `the report starts with ${JSON.stringify(html.slice(0, 40))}`)
    assert.ok(html.includes(`data-figure="grade">${grade}</b>`), `the report does not give the page's grade ${grade}`)
    assert.ok(html.includes(organisation), 'the organisation is not on the cover')
    assertNoErrors('compliance report download')

    // Opened from disk, the report asks for nothing: any other request is refused and counted.
    const url = pathToFileURL(file).href
    const viewer = await context.newPage()
    try {
      const viewerErrors = watchErrors(viewer)
      const requested = []
      viewer.on('request', (r) => {
        if (r.url() !== url) requested.push(r.url())
      })
      await viewer.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()))
      await viewer.goto(url, { waitUntil: 'load' })
      await viewer.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {})
      assert.deepEqual(requested, [], 'requests made by the report')
      assert.ok((await viewer.locator('body').innerText()).includes(organisation), 'the opened report does not show its cover')
      await screenshot(viewer, 'compliance-report')
      assert.deepEqual(viewerErrors.take(), [], 'the opened report: console errors / uncaught exceptions')
    } finally {
      await viewer.close()
    }
  })

  step('compliance report: PDF chosen in the form, a PDF file named by the server', async () => {
    await visit(page, 'compliance')
    await byTest(page, 'report-download').click()
    const dialog = byTest(page, 'report-dialog')
    await dialog.waitFor()
    const format = byTest(page, 'report-format')
    await format.selectOption('pdf')
    assert.equal(await format.inputValue(), 'pdf')
    // The hint on what a PDF leaves out is read with the control.
    const hint = await format.getAttribute('aria-describedby')
    assert.ok(hint, 'the format control has no hint')
    assert.match(await page.locator(`[id="${hint}"]`).innerText(), /PDF/, 'the format hint')
    assert.deepEqual((await audit(page, 'compliance (report form, PDF)')).critical, [], 'the report form with PDF chosen')

    const asked = []
    const onRequest = (r) => {
      if (new URL(r.url()).pathname === '/api/reports/compliance') asked.push(new URL(r.url()).searchParams.get('format'))
    }
    page.on('request', onRequest)
    try {
      const [download] = await Promise.all([page.waitForEvent('download'), byTest(page, 'report-submit').click()])
      assert.match(download.suggestedFilename(), /^bigr-report-istanbul-\d{8}\.pdf$/, 'the server’s file name')
      const file = join(ARTIFACTS, 'compliance-report.pdf')
      await download.saveAs(file)
      await dialog.waitFor({ state: 'detached' })
      const head = readFileSync(file).subarray(0, 5).toString('latin1')
      assert.equal(head, '%PDF-', `the report starts with ${JSON.stringify(head)}`)
    } finally {
      page.off('request', onRequest)
    }
    assert.deepEqual(asked, ['pdf'], 'the report request’s format')
    assertNoErrors('compliance report download (PDF)')
  })

  step('every page of the menu: ready, screenshot, axe, no console errors', async () => {
    await page.goto('/')
    await waitReady(page, 'overview')
    const inMenu = await page.locator('[data-test^="nav-"]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(4)))
    assert.deepEqual([...inMenu].sort(), [...NAV_PAGES].sort(), 'menu entries')

    const failures = []
    for (const name of NAV_PAGES) {
      errors.take()
      let entry = null
      try {
        const to = landing(name)
        await byTest(page, `nav-${name}`).click()
        await page.waitForURL((u) => landed(u, to.path))
        const ready = await waitReady(page, to.page)
        await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {})
        const stateError = byTest(page, 'state-error')
        if (await stateError.count()) failures.push(`${name}: shows an error state: ${await stateError.first().innerText()}`)
        await screenshot(page, name)
        const result = await audit(page, name, ready)
        entry = result.entry
        failures.push(...result.critical)
      } catch (err) {
        failures.push(`${name}: ${err.message.split('\n')[0]}`)
        await page.screenshot({ path: join(ARTIFACTS, `FAIL-${slug(name)}.png`), fullPage: true }).catch(() => {})
      }
      if (!entry) {
        entry = { name, ready: 'FAILED', axe: { critical: '-', serious: '-', other: '-' }, errors: 0 }
        summary.pages.push(entry)
      }
      const errs = errors.take().filter((e) => !expectedError(e))
      entry.errors = errs.length
      for (const e of errs) failures.push(`${name}: ${e}`)
    }
    assert.deepEqual(failures, [], 'page tour')
  })

  step('language switch changes the visible text', async () => {
    const nav = byTest(page, 'nav-assets')
    const before = await nav.innerText()
    const lang = byTest(page, 'lang-select')
    const from = await lang.inputValue()
    const to = from === 'tr' ? 'en' : 'tr'
    await lang.selectOption(to)
    await page.waitForFunction((l) => document.documentElement.lang === l, to)
    await page.waitForFunction((b) => document.querySelector('[data-test="nav-assets"]')?.textContent.trim() !== b, before.trim())
    const afterText = await nav.innerText()
    assert.notEqual(afterText, before)
    await screenshot(page, `users-${to}`)
    await lang.selectOption(from)
    await page.waitForFunction((b) => document.querySelector('[data-test="nav-assets"]')?.textContent.trim() === b, before.trim())
    assertNoErrors('language switch')
  })

  step('theme toggle changes the theme', async () => {
    const look = () =>
      page.evaluate(() => ({
        theme: document.documentElement.dataset.theme,
        bg: getComputedStyle(document.documentElement).backgroundColor,
      }))
    const start = await look()
    await byTest(page, 'theme-toggle').click()
    await page.waitForFunction((t) => document.documentElement.dataset.theme !== t, start.theme)
    const flipped = await look()
    assert.notEqual(flipped.theme, start.theme)
    assert.notEqual(flipped.bg, start.bg, `background stays ${start.bg} in the ${flipped.theme} theme`)
    await page.goto('/')
    await waitReady(page, 'overview')
    assert.equal((await look()).theme, flipped.theme, 'theme not remembered across a reload')
    await screenshot(page, `overview-${flipped.theme}`)
    assert.deepEqual((await audit(page, `overview (${flipped.theme})`)).critical, [], `overview, ${flipped.theme} theme`)
    await byTest(page, 'theme-toggle').click()
    await page.waitForFunction((t) => document.documentElement.dataset.theme === t, start.theme)
    assertNoErrors('theme toggle')
  })

  step('phone width (390×844): assets page', async () => {
    const phone = await newContext(browser, srv.url, { width: 390, height: 844 })
    try {
      await phone.addCookies(await context.cookies())
      const p = await phone.newPage()
      const phoneErrors = watchErrors(p)
      await p.goto('/assets')
      await waitReady(p, 'assets')
      await byTest(p, 'asset-row').first().waitFor()
      await screenshot(p, 'assets-phone')
      assert.deepEqual((await audit(p, 'assets (phone)')).critical, [], 'assets, phone width')
      assert.deepEqual(
        phoneErrors.take().filter((e) => !expectedError(e)),
        [],
        'assets (phone): console errors',
      )
    } finally {
      await phone.close()
    }
  })

  step('logout: pages and the API refuse the old session', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'bigr_session')
    assert.ok(cookie, 'no bigr_session cookie in the browser')
    await byTest(page, 'logout').click()
    await page.waitForURL((u) => u.pathname === '/login')
    await waitReady(page, 'login')
    assert.equal(await byTest(page, 'session-expired').count(), 0, 'a deliberate logout is reported as an expired session')
    await screenshot(page, 'logged-out')
    await page.goto('/assets')
    await page.waitForURL((u) => u.pathname === '/login')
    await waitReady(page, 'login')
    assert.equal(await byTest(page, 'asset-row').count(), 0)
    const res = await getWithCookie(srv.url, '/api/data', `bigr_session=${cookie.value}`)
    assert.equal(res.status, 401, `GET /api/data with the logged-out cookie: ${res.status}`)
    assertNoErrors('logout')
  })
})

/** What the first-run panel offers when no site is selected (src/lib/agentCommand.ts). */
const FIRST_SCAN = 'bigr scan 192.168.1.0/24'

describe('first run: an empty inventory', { timeout: 120_000 }, () => {
  const env = ownServer({ logFile: join(ARTIFACTS, 'server-empty.log') })
  const step = stepsOn(() => env.page)

  /** The page in view shows the first-run panel, with the admin's button and the scan command. */
  async function assertEmptyPanel(page, where) {
    const panel = byTest(page, 'empty-inventory')
    await panel.waitFor()
    assert.equal(await panel.count(), 1, `${where}: one empty panel`)
    assert.equal(await panel.locator('[data-test="empty-add-agent"]').count(), 1, `${where}: no "Add an agent" for an admin`)
    assert.equal((await panel.locator('[data-test="empty-scan-command"]').innerText()).trim(), FIRST_SCAN, where)
    assert.equal(await byTest(page, 'demo-banner').count(), 0, `${where}: demo banner on a real (empty) install`)
  }

  step('Overview: the empty panel, no compliance grade, no demo banner', async () => {
    const { page, srv } = env
    await signIn(page, srv.password)
    // Once the site list has loaded too, so a demo banner would have had its chance to appear.
    await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {})
    assert.equal(await byTest(page, 'demo-banner').count(), 0, 'overview: demo banner on a real (empty) install')
    assert.equal(await byTest(page, 'no-assets').locator('[data-test="empty-inventory"]').count(), 1, 'panel not in no-assets')
    await assertEmptyPanel(page, 'overview')
    assert.equal(await numberIn(byTest(page, 'total-assets').locator('.stat-value')), 0)
    // Zero assets score a perfect A on the server: the card says "no data" instead.
    assert.equal(await byTest(page, 'compliance-no-data').count(), 1, 'overview: compliance card not "no data"')
    assert.equal(await byTest(page, 'compliance-grade').count(), 0, 'overview: a grade over zero assets')
    const { sites } = await (await page.request.get('/api/sites')).json()
    assert.ok(
      sites.every((s) => s.demo === false),
      `fresh install has a demo site: ${JSON.stringify(sites)}`,
    )
    await screenshot(page, 'first-run-overview')
    assert.deepEqual((await audit(page, 'overview (empty)')).critical, [], 'empty overview')
    assertNoErrorsIn(env.errors, 'empty overview')
  })

  step('"Add an agent" opens the enrollment dialog', async () => {
    const { page } = env
    const dialog = byTest(page, 'enroll-dialog')
    assert.equal(await dialog.count(), 0, 'enrollment dialog open before the click')
    await byTest(page, 'no-assets').locator('[data-test="empty-add-agent"]').click()
    await dialog.waitFor()
    assert.ok(await byTest(page, 'enroll-name').isVisible(), 'enrollment dialog has no agent name field')
    assert.ok(await byTest(page, 'enroll-submit').isVisible(), 'enrollment dialog has no submit button')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    assertNoErrorsIn(env.errors, 'add an agent')
  })

  step('Assets and Topology: the empty panel instead of rows or a graph', async () => {
    const { page } = env
    await visit(page, 'assets')
    await assertEmptyPanel(page, 'assets')
    assert.equal(await byTest(page, 'asset-row').count(), 0)
    assert.equal(await byTest(page, 'inventory-empty').count(), 0, 'assets: "nothing matches" instead of the panel')
    assert.deepEqual((await audit(page, 'assets (empty)')).critical, [], 'empty assets')

    await visit(page, 'topology')
    await assertEmptyPanel(page, 'topology')
    assert.equal(await byTest(page, 'topology-node').count(), 0)
    assert.equal(await byTest(page, 'state-empty').count(), 0, 'topology: "nothing to draw" instead of the panel')
    assert.deepEqual((await audit(page, 'topology (empty)')).critical, [], 'empty topology')
    assertNoErrorsIn(env.errors, 'empty assets / topology')
  })

  step('Shield: no results yet, and where they come from', async () => {
    const { page } = env
    await visit(page, 'shield')
    const empty = byTest(page, 'shield-empty')
    await empty.waitFor()
    assert.equal((await byTest(page, 'shield-command').innerText()).trim(), 'bigr shield 192.168.1.0/24')
    assert.equal((await byTest(page, 'shield-agent-command').innerText()).trim(), 'bigr agent start --shield')
    assert.equal(await byTest(page, 'shield-site').count(), 0)
    await screenshot(page, 'first-run-shield')
    assert.deepEqual((await audit(page, 'shield (empty)')).critical, [], 'empty shield')
    assertNoErrorsIn(env.errors, 'empty shield')
  })

  step('Compliance: "No data yet" instead of a grade', async () => {
    const { page } = env
    await visit(page, 'compliance')
    const noData = byTest(page, 'compliance-no-data')
    await noData.waitFor()
    await assertEmptyPanel(page, 'compliance')
    assert.equal(await noData.locator('[data-test="empty-inventory"]').count(), 1, 'panel not in compliance-no-data')
    assert.equal((await noData.locator('[data-test="empty-title"]').innerText()).trim(), 'No data yet')
    assert.equal(await byTest(page, 'score-gauge').count(), 0, 'compliance: a grade over zero assets')
    assert.equal(await byTest(page, 'compliance-breakdown').count(), 0)
    await screenshot(page, 'first-run-compliance')
    assert.deepEqual((await audit(page, 'compliance (empty)')).critical, [], 'empty compliance')
    assertNoErrorsIn(env.errors, 'empty compliance')
  })
})

/** What `bigr serve --demo` loads (src/demo/): a generated office, its agent. */
const DEMO = {
  site: 'demo',
  agent: 'demo-agent',
  minAssets: 140,
  maxAssets: 150,
  // Its network gear (src/demo/gear.rs): a core switch and three access switches, and a switch
  // heard over LLDP on the third access switch but not registered.
  switches: ['10.20.0.4', '10.20.0.5', '10.20.0.6', '10.20.0.7'],
  candidate: { name: 'sw-floor3.office.example', address: '10.20.0.249', heardBy: '10.20.0.7' },
}

describe('demo site: serve --demo', { timeout: 120_000 }, () => {
  const env = ownServer({ logFile: join(ARTIFACTS, 'server-demo.log'), args: ['--demo'] })
  const step = stepsOn(() => env.page)
  const inRange = (n) => n >= DEMO.minAssets && n <= DEMO.maxAssets

  /** The page in view carries the demo banner: a status line that says how to remove the data. */
  async function assertBanner(page, where) {
    const banner = byTest(page, 'demo-banner')
    await banner.waitFor()
    assert.equal(await banner.getAttribute('role'), 'status', `${where}: banner role`)
    assert.match(await banner.innerText(), /bigr demo remove/, `${where}: banner text`)
  }

  step('Overview of the demo site: banner and about 150 assets', async () => {
    const { page, srv } = env
    await signIn(page, srv.password)
    await assertBanner(page, 'overview (all sites)')
    const { sites } = await (await page.request.get('/api/sites')).json()
    assert.deepEqual(
      sites.map((s) => [s.name, s.demo]),
      [[DEMO.site, true]],
      'GET /api/sites: the demo site, marked as demo data',
    )
    const { total } = await (await page.request.get(`/api/data?site=${DEMO.site}&per_page=1`)).json()
    assert.ok(inRange(total), `GET /api/data?site=${DEMO.site}: ${total} assets, expected ${DEMO.minAssets}–${DEMO.maxAssets}`)

    await byTest(page, 'site-select').selectOption(DEMO.site)
    await page.waitForURL((u) => u.searchParams.get('site') === DEMO.site)
    await waitReady(page, 'overview')
    const shown = byTest(page, 'total-assets').locator('.stat-value')
    await page.waitForFunction(
      (n) => document.querySelector('[data-test="total-assets"] .stat-value')?.textContent.replace(/\D/g, '') === String(n),
      total,
      { timeout: WAIT_MS },
    )
    assert.ok(inRange(await numberIn(shown)))
    await assertBanner(page, 'overview (demo site)')
    assert.equal(await byTest(page, 'no-assets').count(), 0, 'overview: the demo site is shown as empty')
    assert.equal(await byTest(page, 'compliance-grade').count(), 1, 'overview: no compliance grade for the demo site')
    await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {})
    await screenshot(page, 'demo-overview')
    assert.deepEqual((await audit(page, 'overview (demo)')).critical, [], 'demo overview')
    assertNoErrorsIn(env.errors, 'demo overview')
  })

  step('Assets: banner and the office’s rows', async () => {
    const { page } = env
    await visit(page, 'assets')
    assert.equal(new URL(page.url()).searchParams.get('site'), DEMO.site, 'the menu link lost ?site=')
    await assertBanner(page, 'assets')
    await byTest(page, 'asset-row').first().waitFor()
    const total = await numberIn(byTest(page, 'asset-total'))
    assert.ok(inRange(total), `assets: asset-total ${total}`)
    assert.equal(await byTest(page, 'empty-inventory').count(), 0)
    assertNoErrorsIn(env.errors, 'demo assets')
  })

  step('Changes, Topology and Agents show the fortnight, the office and demo-agent', async () => {
    const { page } = env
    await visit(page, 'changes')
    await assertBanner(page, 'changes')
    await byTest(page, 'change-row').first().waitFor()
    assert.ok((await numberIn(byTest(page, 'change-total'))) > 0, 'changes: no change counted')

    await visit(page, 'topology')
    await assertBanner(page, 'topology')
    await byTest(page, 'topology-node').first().waitFor()
    assert.ok((await byTest(page, 'topology-node').count()) > 1, 'topology: no graph')
    assert.equal(await byTest(page, 'empty-inventory').count(), 0)

    await visit(page, 'agents')
    await assertBanner(page, 'agents')
    const card = byTest(page, 'agent-card').filter({ hasText: DEMO.agent })
    await card.first().waitFor()
    assert.equal(await card.count(), 1, `agents: one ${DEMO.agent} card`)
    assert.equal(await card.getAttribute('data-state'), 'online', `${DEMO.agent} is not online`)
    assertNoErrorsIn(env.errors, 'demo changes / topology / agents')
  })

  step('Switches: the office’s four switches with their SNMP summary, VLANs and last poll', async () => {
    const { page } = env
    await visit(page, 'switches')
    await assertBanner(page, 'switches')
    const rows = byTest(page, 'switch-row')
    await rows.first().waitFor()
    const hosts = await rows.locator('h2').allInnerTexts()
    assert.deepEqual(hosts.sort(), [...DEMO.switches].sort(), 'switches: registered hosts')
    assert.deepEqual(await byTest(page, 'switch-snmp').allInnerTexts(), ['v2c', 'v2c', 'v2c', 'v2c'], 'switches: SNMP summary')
    for (const text of await byTest(page, 'switch-vlans').allInnerTexts()) {
      assert.match(text, /^3\b/, 'switches: VLAN count')
      assert.match(text, /10 office, 20 iot, 30 servers/, 'switches: VLAN names')
    }
    assert.equal(await byTest(page, 'switch-poll-error').count(), 0, 'switches: a poll error on the demo')
    assertNoErrorsIn(env.errors, 'demo switches')
  })

  step('Layer 2: switches, their links, the candidate, a VLAN filter and a switch opened', async () => {
    const { page } = env
    await visit(page, 'topology')
    await byTest(page, 'topology-tab-layer2').click()
    await page.waitForURL((u) => u.pathname === '/topology/layer2' && u.searchParams.get('site') === DEMO.site)
    await waitReady(page, 'layer2')
    await assertBanner(page, 'layer 2')

    const registered = page.locator('[data-test="layer2-node"][data-registered="true"]')
    await registered.first().waitFor()
    const drawn = await registered.evaluateAll((els) => els.map((e) => e.dataset.node))
    assert.deepEqual(drawn.sort(), DEMO.switches.map((h) => `gear:${DEMO.site}/${h}`).sort(), 'layer 2: registered nodes')
    // Heard neighbours (the access points, the floor-3 switch) are drawn too, dashed.
    const heard = page.locator('[data-test="layer2-node"][data-registered="false"]')
    assert.ok((await heard.count()) >= 1, 'layer 2: no heard neighbour')
    assert.ok((await heard.first().getAttribute('class')).includes('heard'), 'layer 2: heard node not marked')
    const gearLinks = page.locator('[data-test="layer2-link"][data-registered="true"]')
    assert.equal(await gearLinks.count(), 3, 'layer 2: switch-to-switch links (core ↔ each access switch)')
    for (const text of await gearLinks.allTextContents()) assert.match(text, /Te1\/1\/\d.*Te1\/0\/1/s, 'layer 2: link ports')

    const candidate = byTest(page, 'layer2-candidate').filter({ hasText: DEMO.candidate.name })
    assert.equal(await candidate.count(), 1, 'layer 2: the candidate is listed')
    const candidateText = await candidate.innerText()
    assert.ok(candidateText.includes(DEMO.candidate.address) && candidateText.includes(DEMO.candidate.heardBy), candidateText)
    assert.equal(await candidate.locator('[data-test="layer2-candidate-add"]').count(), 1, 'layer 2: no Add for the admin')

    const stats = byTest(page, 'layer2-stats')
    const all = Number(await stats.getAttribute('data-devices'))
    assert.ok(all >= 130, `layer 2: ${all} devices on access ports`)
    await byTest(page, 'layer2-vlan').selectOption('20')
    await page.waitForURL((u) => u.searchParams.get('vlan') === '20')
    await page.waitForFunction((n) => Number(document.querySelector('[data-test="layer2-stats"]')?.dataset.devices) < n, all, {
      timeout: WAIT_MS,
    })
    await waitReady(page, 'layer2')
    const iot = Number(await stats.getAttribute('data-devices'))
    assert.ok(iot > 0 && iot < all, `layer 2: VLAN 20 shows ${iot} of ${all} devices`)
    assert.equal(await registered.count(), 4, 'layer 2: switches of VLAN 20')

    // Devices stay collapsed until a switch is opened; then they link to their assets.
    assert.equal(await byTest(page, 'layer2-device').count(), 0, 'layer 2: devices drawn before opening a switch')
    const access = page.locator(`[data-test="layer2-node"][data-node="gear:${DEMO.site}/${DEMO.switches[1]}"]`)
    const onAccess = Number(await access.getAttribute('data-devices'))
    await access.click()
    await byTest(page, 'layer2-devices').waitFor()
    assert.equal(await access.getAttribute('aria-expanded'), 'true')
    assert.equal(await byTest(page, 'layer2-device').count(), onAccess, 'layer 2: dots of the opened switch')
    assert.equal(await byTest(page, 'layer2-device-link').count(), onAccess, 'layer 2: asset links of the opened switch')
    assert.match(await byTest(page, 'layer2-device-link').first().getAttribute('href'), /^\/assets\/[0-9a-f-]{36}\?site=demo$/)

    await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {})
    await screenshot(page, 'layer2-topology')
    assert.deepEqual((await audit(page, 'layer 2 (demo)')).critical, [], 'layer 2 page')
    assertNoErrorsIn(env.errors, 'demo layer 2')
  })
})

/** Where the measured time went: the API calls inside the window, and the rest (JS, render). */
async function breakdown(page, t0, totalMs) {
  const calls = await page.evaluate(
    (t0) =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.startTime >= t0 - 1 && /\/api\/(auth\/login|data)\b/.test(e.name))
        .map((e) => ({ path: new URL(e.name).pathname, ms: e.responseEnd - e.startTime })),
    t0,
  )
  const api = calls.reduce((sum, c) => sum + c.ms, 0)
  const parts = calls.map((c) => `${c.path} ${Math.round(c.ms)} ms`)
  parts.push(`everything else (chunks, other calls, rendering) ${Math.round(totalMs - api)} ms`)
  return parts.join(', ')
}

const BIG = { reports: 20, perReport: 5000, sites: ['istanbul', 'ankara', 'izmir', 'bursa'], budgetMs: 1000, runs: 3 }

describe('budget: 100,000 assets', { skip: process.env.E2E_SKIP_BUDGET === '1' && 'E2E_SKIP_BUDGET=1', timeout: 900_000 }, () => {
  let srv, browser

  before(async () => {
    srv = await startServer({ logFile: join(ARTIFACTS, 'server-100k.log') })
    const admin = await adminSession(srv.url, ADMIN_USER, srv.password)
    const agents = []
    for (const site of BIG.sites) agents.push(await enrollAgent(srv.url, admin, site, `edge-${site.slice(0, 3)}`))
    const started = Date.now()
    for (let i = 0; i < BIG.reports; i++) {
      const answer = await agents[i % agents.length].ingest(bigReport(i, BIG.perReport))
      assert.equal(answer.asset_count, BIG.perReport)
    }
    for (const a of agents) await a.heartbeat()
    const total = (await admin.get('/api/data?per_page=1')).json.total
    assert.equal(total, BIG.reports * BIG.perReport, 'assets stored')
    console.log(`seeded ${total} assets in ${BIG.reports} reports in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await srv?.stop()
  })

  test('initial JS size', { timeout: 60_000 }, async () => {
    summary.initialJs = await initialJsSize(srv.url)
    const { files, bytes } = summary.initialJs
    assert.ok(files.length > 0, 'index.html loads no script')
    console.log(
      `initial JS: ${(bytes / 1000).toFixed(1)} kB gzip (${files.map((f) => `${f.path} ${(f.gzip / 1000).toFixed(1)} kB`).join(', ')})`,
    )
  })

  test('inventory renders 100 rows within the budget after login', { timeout: 300_000 }, async () => {
    const runs = []
    let total = 0
    for (let run = 1; run <= BIG.runs; run++) {
      const context = await newContext(browser, srv.url)
      const page = await context.newPage()
      const errors = watchErrors(page)
      try {
        await withFailShot(
          `budget-${run}`,
          () => page,
          async () => {
            await page.goto(`/login?redirect=${encodeURIComponent('/assets?per_page=100')}`)
            await waitReady(page, 'login')
            await byTest(page, 'login-username').fill(ADMIN_USER)
            await byTest(page, 'login-password').fill(srv.password)
            // The clock starts in the page when the form is submitted.
            await page.evaluate(() => {
              document.querySelector('[data-test="login-submit"]').form.addEventListener(
                'submit',
                () => {
                  window.__e2eSubmitAt = performance.now()
                },
                { capture: true, once: true },
              )
            })
            await byTest(page, 'login-submit').click()
            const handle = await page.waitForFunction(
              () => {
                if (window.__e2eSubmitAt === undefined) return false
                const rows = document.querySelectorAll('[data-test="asset-row"]').length
                const total = Number((document.querySelector('[data-test="asset-total"]')?.textContent ?? '').replace(/\D/g, ''))
                return rows === 100 && total >= 99_000
                  ? { ms: performance.now() - window.__e2eSubmitAt, at: window.__e2eSubmitAt, total }
                  : false
              },
              null,
              { polling: 'raf', timeout: 30_000 },
            )
            const got = await handle.jsonValue()
            runs.push(Math.round(got.ms))
            total = got.total
            console.log(`run ${run}: ${Math.round(got.ms)} ms — ${await breakdown(page, got.at, got.ms)}`)
            if (run === 1) await screenshot(page, 'assets-100k')
            assert.deepEqual(
              errors.take().filter((e) => !expectedError(e)),
              [],
              'console errors',
            )
          },
        )
      } finally {
        await context.close()
      }
    }
    const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]
    summary.render = { runs, median, total }
    console.log(
      `inventory: 100 rows of ${total} assets rendered in ${median} ms after login (median of ${runs.length}: ${runs.join(', ')} ms)`,
    )
    assert.ok(median <= BIG.budgetMs, `inventory render ${median} ms is over the ${BIG.budgetMs} ms budget`)
  })
})
