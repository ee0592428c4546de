// Headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), page readiness,
// console-error capture, axe-core checks and screenshots.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** Bound on any single wait in the suite (selectors, navigation, page readiness). */
export const WAIT_MS = Number(process.env.E2E_WAIT_MS || 15_000)

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    timeout: 30_000,
  })
}

/** A fresh context (own cookies and storage) in English, light theme, desktop size; downloads are kept. */
export async function newContext(browser, baseURL, { width = 1366, height = 900, locale = 'en-US' } = {}) {
  const context = await browser.newContext({
    baseURL,
    viewport: { width, height },
    locale,
    colorScheme: 'light',
    reducedMotion: 'reduce',
    // The compliance report is saved through a download (a Blob behind an <a download>).
    acceptDownloads: true,
  })
  context.setDefaultTimeout(WAIT_MS)
  context.setDefaultNavigationTimeout(WAIT_MS)
  return context
}

/**
 * Collects uncaught exceptions and console errors of `page` into `errors` (strings).
 * `errors.take()` returns and clears what was collected since the last call.
 */
export function watchErrors(page) {
  const errors = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location()
      errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`)
    }
  })
  errors.take = () => errors.splice(0, errors.length)
  return errors
}

/**
 * Waits until page `name` says it has loaded: `[data-page=name][data-ready=true]` (PageShell
 * and the login page set it). Pages without the marker fall back to network idle.
 */
export async function waitReady(page, name, timeout = WAIT_MS) {
  const ready = `[data-page="${name}"][data-ready="true"]`
  try {
    await page.waitForSelector(ready, { state: 'attached', timeout })
    return 'data-ready'
  } catch (err) {
    if ((await page.locator(`[data-page="${name}"]`).count()) > 0) {
      throw new Error(`page "${name}" never became ready (${ready}) within ${timeout} ms; url ${page.url()}`, { cause: err })
    }
    await page.waitForLoadState('networkidle', { timeout }).catch(() => {
      throw err
    })
    return 'networkidle'
  }
}

/** Runs axe-core on the page; returns the violations ({ id, impact, help, nodes }). */
export async function runAxe(page) {
  // evaluate() runs through the DevTools protocol, so the app's CSP (script-src 'self')
  // does not block it and stays in force for the app itself.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }))
  })
  return result
}

/** The elements with data-test=`name`, as a Locator. */
export function byTest(page, name) {
  return page.locator(`[data-test="${name}"]`)
}
