// Initial JavaScript as served: the module entry script of index.html plus every chunk it
// preloads (<link rel="modulepreload">), each gzip-compressed (level 9), summed. Same rule
// as web/scripts/bundle-size.mjs, but measured on what the running server sends.
import { gzipSync } from 'node:zlib'

export async function initialJsSize(baseUrl) {
  const res = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(10_000) })
  if (res.status !== 200) throw new Error(`GET / → ${res.status}`)
  const html = await res.text()
  const paths = new Set()
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const url = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1]
    if (!url || /^[a-z]+:|^\/\//i.test(url)) continue
    const isEntry = tag.startsWith('<script') && /\bsrc=/.test(tag)
    const isPreload = /rel="modulepreload"/.test(tag)
    if (isEntry || isPreload) paths.add(new URL(url, `${baseUrl}/`).pathname)
  }
  const files = []
  for (const path of paths) {
    const r = await fetch(baseUrl + path, { signal: AbortSignal.timeout(10_000) })
    if (r.status !== 200) throw new Error(`GET ${path} → ${r.status}`)
    const body = Buffer.from(await r.arrayBuffer())
    files.push({ path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length })
  }
  return { files, bytes: files.reduce((sum, f) => sum + f.gzip, 0) }
}
