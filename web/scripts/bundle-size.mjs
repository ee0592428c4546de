#!/usr/bin/env node
// `npm run size` (also the last step of `npm run build`): gzip sizes of the built app.
//
// "Initial JS" is what the browser must fetch before the first page can render: the entry
// script in dist/index.html plus every chunk it preloads (<link rel="modulepreload">, which
// Vite emits for the entry's static imports). Pages are lazy chunks and are not counted.
// Exits non-zero when the initial JS is over the budget, so CI fails on regressions.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** Budget for the initial JavaScript, gzip, in bytes (250 kB). */
export const INITIAL_JS_BUDGET = 250 * 1000

function gzipSize(dist, file) {
  return gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
}

function kB(bytes) {
  return `${(bytes / 1000).toFixed(1)} kB`
}

/** Files index.html loads up front: entry script, modulepreloads and stylesheets. */
export function initialFiles(html) {
  const files = { js: new Set(), css: new Set() }
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const url = /\b(?:src|href)="\/?([^"]+)"/.exec(tag)?.[1]
    if (!url || /^[a-z]+:/i.test(url)) continue
    if (tag.startsWith('<script') && /type="module"/.test(tag)) files.js.add(url)
    else if (/rel="modulepreload"/.test(tag)) files.js.add(url)
    else if (/rel="stylesheet"/.test(tag)) files.css.add(url)
  }
  return { js: [...files.js], css: [...files.css] }
}

function main() {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url))
  const size = (file) => gzipSize(dist, file)
  const indexPath = join(dist, 'index.html')
  if (!existsSync(indexPath)) {
    console.error('bundle-size: dist/index.html not found; run `npm run build` first')
    process.exit(2)
  }
  const initial = initialFiles(readFileSync(indexPath, 'utf8'))
  if (initial.js.length === 0) {
    console.error('bundle-size: no entry script found in dist/index.html')
    process.exit(2)
  }
  const initialJs = initial.js.reduce((sum, f) => sum + size(f), 0)
  const initialCss = initial.css.reduce((sum, f) => sum + size(f), 0)
  const all = readdirSync(join(dist, 'assets')).map((f) => `assets/${f}`)
  const totalJs = all.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + size(f), 0)

  console.log('bundle size (gzip):')
  for (const f of initial.js) console.log(`  initial  ${f.padEnd(40)} ${kB(size(f))}`)
  console.log(`  initial JS  ${kB(initialJs)} (budget ${kB(INITIAL_JS_BUDGET)})`)
  console.log(`  initial CSS ${kB(initialCss)}`)
  console.log(`  all JS      ${kB(totalJs)} in ${all.filter((f) => f.endsWith('.js')).length} chunks`)
  if (initialJs > INITIAL_JS_BUDGET) {
    console.error(`bundle-size: initial JS ${kB(initialJs)} is over the ${kB(INITIAL_JS_BUDGET)} budget`)
    process.exit(1)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
