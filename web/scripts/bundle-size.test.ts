import { describe, expect, it } from 'vitest'
import { INITIAL_JS_BUDGET, initialFiles } from './bundle-size.mjs'

describe('bundle-size initialFiles', () => {
  it('counts the entry script and its modulepreloads, not lazy chunks', () => {
    const html = `<!doctype html><html><head>
      <script type="module" crossorigin src="/assets/index-AAAA.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/api-BBBB.js">
      <link rel="stylesheet" crossorigin href="/assets/index-CCCC.css">
      <link rel="icon" href="/favicon.ico">
      </head><body><div id="app"></div></body></html>`
    expect(initialFiles(html)).toEqual({
      js: ['assets/index-AAAA.js', 'assets/api-BBBB.js'],
      css: ['assets/index-CCCC.css'],
    })
  })

  it('ignores absolute URLs (nothing comes from a CDN anyway)', () => {
    const html = '<script type="module" src="https://cdn.example/x.js"></script>'
    expect(initialFiles(html).js).toEqual([])
  })

  it('has the 250 kB budget of the issue', () => {
    expect(INITIAL_JS_BUDGET).toBe(250_000)
  })
})
