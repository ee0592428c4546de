// Artifacts folder and the end-of-run summary.
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
export const E2E_DIR = join(HERE, '..')
export const ARTIFACTS = join(E2E_DIR, 'artifacts')
mkdirSync(ARTIFACTS, { recursive: true })
// Each run starts with an empty folder, so nothing stale (an old FAIL-*.png) is mistaken for new.
for (const f of readdirSync(ARTIFACTS)) if (/\.(png|log|html)$/.test(f)) rmSync(join(ARTIFACTS, f))

/** A file-name-safe form of a test name. */
export const slug = (s) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)

export const summary = {
  pages: [], // { name, ready, axe: { critical, serious, other }, errors }
  screenshots: [],
  axeSerious: [], // "page: rule (n nodes)"
  render: null, // { runs: [ms…], median }
  initialJs: null, // { files, bytes }
  notes: [],
}

/** Full-page screenshot to artifacts/<name>.png; recorded in the summary. */
export async function screenshot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true, timeout: 30_000 })
  summary.screenshots.push(relative(E2E_DIR, path))
  return path
}

export function printSummary() {
  const lines = ['', '== e2e summary']
  if (summary.pages.length) {
    lines.push(
      `pages checked (${summary.pages.length}; the menu tour plus login, asset detail, dark theme, phone width, first run, demo):`,
    )
    for (const p of summary.pages) {
      const a = p.axe
      lines.push(
        `  ${p.name.padEnd(18)} ready=${p.ready.padEnd(11)} axe critical=${a.critical} serious=${a.serious} other=${a.other}  console errors=${p.errors}`,
      )
    }
  }
  if (summary.axeSerious.length) {
    lines.push('axe serious (warnings):')
    for (const s of summary.axeSerious) lines.push(`  ${s}`)
  }
  lines.push(`screenshots (${summary.screenshots.length}): ${summary.screenshots.join(', ') || 'none'}`)
  if (summary.initialJs) {
    lines.push(`initial JS: ${(summary.initialJs.bytes / 1000).toFixed(1)} kB gzip in ${summary.initialJs.files.length} files`)
  }
  if (summary.render) {
    lines.push(
      `render: 100 rows of ${summary.render.total} assets in ${summary.render.median} ms (runs: ${summary.render.runs.join(', ')} ms)`,
    )
  } else {
    lines.push(`render: not measured${process.env.E2E_SKIP_BUDGET === '1' ? ' (E2E_SKIP_BUDGET=1)' : ''}`)
  }
  for (const n of summary.notes) lines.push(`note: ${n}`)
  console.log(lines.join('\n'))
}
