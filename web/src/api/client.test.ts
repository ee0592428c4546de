import { describe, expect, it, vi } from 'vitest'
import { ApiClient, ApiError, buildQuery, expandPath } from './client'
import { fakeApi, json, noContent, ADMIN } from '../test/fakeApi'

/** A client over the fake server, with a CSRF token and a spy for the 401 hook. */
function setup(routes: Parameters<typeof fakeApi>[0] = {}, csrf: string | null = 'tok-123') {
  const onUnauthorized = vi.fn()
  const client = new ApiClient({ csrfToken: () => csrf, onUnauthorized })
  const server = fakeApi(routes, client)
  return { client, server, onUnauthorized }
}

describe('buildQuery', () => {
  it('encodes values and skips empty ones', () => {
    expect(buildQuery({ page: 2, q: 'a b&c', site: '', sort: undefined, order: null })).toBe('?page=2&q=a+b%26c')
  })

  it('returns an empty string when nothing is set', () => {
    expect(buildQuery({ q: '', site: undefined })).toBe('')
    expect(buildQuery(undefined)).toBe('')
  })

  it('keeps zero and false', () => {
    expect(buildQuery({ page: 0, missing: false })).toBe('?page=0&missing=false')
  })
})

describe('expandPath', () => {
  it('fills and encodes path parameters', () => {
    expect(expandPath('/api/users/{username}', { username: 'ayşe k/1' })).toBe('/api/users/ay%C5%9Fe%20k%2F1')
  })

  it('refuses a missing parameter rather than calling a wrong URL', () => {
    expect(() => expandPath('/api/assets/{id}', {})).toThrow(/id/)
  })
})

describe('ApiClient.call', () => {
  it('uses the operation table: path, query string and answer', async () => {
    const page = { items: [], total: 0, page: 3, per_page: 50, category_summary: {} }
    const { client, server } = setup({ 'GET /api/data': page })
    const result = await client.call('data', {
      query: { page: 3, per_page: 50, q: 'printer', site: 'istanbul ofis', sort: 'last_seen', order: 'desc', missing: false },
    })
    expect(result).toEqual(page)
    const [req] = server.calls
    expect(req!.path).toBe('/api/data')
    expect(Object.fromEntries(req!.query)).toEqual({
      page: '3',
      per_page: '50',
      q: 'printer',
      site: 'istanbul ofis',
      sort: 'last_seen',
      order: 'desc',
      missing: 'false',
    })
  })

  it('substitutes path parameters and sends the JSON body with the CSRF header', async () => {
    const { client, server } = setup({ 'PUT /api/assets/abc/tag': { id: 'abc' } })
    await client.call('tag', { path: { id: 'abc' }, body: { category: 'iot', note: 'kamera' } })
    const [req] = server.calls
    expect(req!.method).toBe('PUT')
    expect(req!.body).toEqual({ category: 'iot', note: 'kamera' })
    expect(req!.headers.get('X-CSRF-Token')).toBe('tok-123')
    expect(req!.headers.get('Content-Type')).toBe('application/json')
  })

  it('sends a raw upload as it is: octet-stream, extra headers and the CSRF header', async () => {
    const release = { id: 'r1', version: '0.2.0' }
    const { client, server } = setup({ 'POST /api/releases': json(201, release) })
    const binary = new Blob([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00, 0xff])])
    await expect(
      client.call('release_add', { body: binary, headers: { 'X-Release-Manifest': 'eyJ2IjoxfQ==' } }),
    ).resolves.toEqual(release)
    const [req] = server.calls
    expect(req!.method).toBe('POST')
    expect(req!.body).toBe(binary)
    expect(req!.headers.get('Content-Type')).toBe('application/octet-stream')
    expect(req!.headers.get('X-Release-Manifest')).toBe('eyJ2IjoxfQ==')
    expect(req!.headers.get('X-CSRF-Token')).toBe('tok-123')
    expect(req!.headers.get('Accept')).toBe('application/json')
  })

  it('lets extra headers replace none of its own', async () => {
    const { client, server } = setup({ 'POST /api/releases': json(201, {}) })
    await client.call('release_add', {
      body: new Blob(['x']),
      headers: { 'content-type': 'text/plain', 'x-csrf-token': 'forged', Accept: 'text/html' },
    })
    const [req] = server.calls
    expect(req!.headers.get('Content-Type')).toBe('application/octet-stream')
    expect(req!.headers.get('X-CSRF-Token')).toBe('tok-123')
    expect(req!.headers.get('Accept')).toBe('application/json')
  })

  it("shows the server's reason when a raw upload is refused", async () => {
    const { client } = setup({ 'POST /api/releases': json(409, { error: 'release 0.2.0 for x86_64-linux exists' }) })
    await expect(client.call('release_add', { body: new Blob(['x']), headers: {} })).rejects.toMatchObject({
      status: 409,
      message: 'release 0.2.0 for x86_64-linux exists',
    })
  })

  it('calls the agent endpoints from the generated table', async () => {
    const { client, server } = setup({ 'POST /api/agents/a1/rotate': { agent_id: 'a1', site: 'hq', token: 'bigr_new' } })
    await expect(client.call('agent_rotate', { path: { id: 'a1' } })).resolves.toEqual({
      agent_id: 'a1',
      site: 'hq',
      token: 'bigr_new',
    })
    expect(server.calls[0]!.headers.get('X-CSRF-Token')).toBe('tok-123')
  })

  it('resolves 204 answers to undefined', async () => {
    const { client } = setup({ 'DELETE /api/subnets': noContent() })
    await expect(client.call('subnet_remove', { query: { site: 'hq', cidr: '10.0.0.0/24' } })).resolves.toBeUndefined()
  })

  it('does not send X-CSRF-Token on GET', async () => {
    const { client, server } = setup({ 'GET /api/sites': { sites: [] } })
    await client.call('site_list')
    expect(server.calls[0]!.method).toBe('GET')
    expect(server.calls[0]!.headers.has('X-CSRF-Token')).toBe(false)
  })

  it('turns an {"error"} body into an ApiError with status and message', async () => {
    const { client } = setup({ 'GET /api/sites': json(500, { error: 'database unavailable' }) })
    const err = await client.call('site_list').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 500, message: 'database unavailable' })
  })

  it('falls back to the status line when the error body is not JSON', async () => {
    const { client } = setup({
      'GET /api/sites': new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    })
    await expect(client.call('site_list')).rejects.toMatchObject({ status: 502, message: '502 Bad Gateway' })
  })

  it('calls onUnauthorized on a 401 and still throws', async () => {
    const { client, onUnauthorized } = setup({ 'GET /api/data': json(401, { error: 'login required' }) })
    await expect(client.call('data')).rejects.toMatchObject({ status: 401, message: 'login required' })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('does not call onUnauthorized on 403 (a viewer trying an admin action)', async () => {
    const { client, onUnauthorized } = setup({ 'DELETE /api/agents/x': json(403, { error: 'admin role required' }) })
    await expect(client.call('agent_remove', { path: { id: 'x' } })).rejects.toMatchObject({ status: 403 })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('reports an unreachable server as status 0 and lets aborts through', async () => {
    const { client } = setup({
      'GET /api/sites': () => {
        throw new TypeError('fetch failed')
      },
    })
    await expect(client.call('site_list')).rejects.toMatchObject({ status: 0 })

    const controller = new AbortController()
    controller.abort()
    await expect(client.call('site_list', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('rejects an answer that is not JSON', async () => {
    const { client } = setup({ 'GET /api/sites': new Response('<html>', { status: 200 }) })
    await expect(client.call('site_list')).rejects.toMatchObject({ status: 200 })
  })

  it('uses the global fetch when none is given', async () => {
    const stub = vi.fn(async () => json(200, { sites: [] }))
    vi.stubGlobal('fetch', stub)
    await expect(new ApiClient().call('site_list')).resolves.toEqual({ sites: [] })
    expect(stub).toHaveBeenCalledOnce()
  })
})

describe('ApiClient.download', () => {
  const REPORT = 'GET /api/reports/compliance'
  const html = (text: string, headers: Record<string, string> = {}) =>
    new Response(text, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers } })

  it('fetches the file from the download table with the query, and hands back its bytes and headers', async () => {
    const disposition = 'attachment; filename="bigr-report-hq-20261123.html"'
    const { client, server } = setup({ [REPORT]: html('<!DOCTYPE html><p>ok</p>', { 'Content-Disposition': disposition }) })
    const file = await client.download('download_compliance_report', { query: { site: 'hq', lang: 'en', organisation: '' } })
    expect(await file.blob.text()).toBe('<!DOCTYPE html><p>ok</p>')
    expect(file.headers.get('Content-Disposition')).toBe(disposition)
    const [req] = server.calls
    expect(req!.path).toBe('/api/reports/compliance')
    expect(Object.fromEntries(req!.query)).toEqual({ site: 'hq', lang: 'en' })
    expect(req!.headers.get('Accept')).toBe('application/pdf, text/html, application/json')
    expect(req!.headers.has('X-CSRF-Token')).toBe(false)
  })

  it('hands back a binary file (a PDF) byte for byte', async () => {
    // Bytes that are not UTF-8: reading the body as text would replace them.
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x00, 0xff])
    const disposition = 'attachment; filename="bigr-report-all-sites-20261123.pdf"'
    const pdf = new Response(bytes, {
      status: 200,
      headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': disposition },
    })
    const { client, server } = setup({ [REPORT]: pdf })
    const file = await client.download('download_compliance_report', { query: { format: 'pdf' } })
    expect(file.blob.type).toBe('application/pdf')
    expect(new Uint8Array(await file.blob.arrayBuffer())).toEqual(bytes)
    expect(file.headers.get('Content-Disposition')).toBe(disposition)
    expect(Object.fromEntries(server.calls[0]!.query)).toEqual({ format: 'pdf' })
  })

  it('throws the server’s reason and Retry-After instead of handing back an error body as a file', async () => {
    const { client, server, onUnauthorized } = setup({ [REPORT]: json(404, { error: 'unknown site "x"' }) })
    await expect(client.download('download_compliance_report', { query: { site: 'x' } })).rejects.toMatchObject({
      status: 404,
      message: 'unknown site "x"',
    })
    server.set({ [REPORT]: json(503, { error: 'reports are being written; try again shortly' }, { 'Retry-After': '10' }) })
    await expect(client.download('download_compliance_report')).rejects.toMatchObject({ status: 503, retryAfter: 10 })
    server.set({ [REPORT]: json(401, { error: 'login required' }) })
    await expect(client.download('download_compliance_report')).rejects.toMatchObject({ status: 401 })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })
})

describe('ApiClient.text', () => {
  const SCRIPT = 'GET /api/install.sh'
  const shell = (text: string) =>
    new Response(text, { status: 200, headers: { 'Content-Type': 'text/x-shellscript; charset=utf-8' } })

  it('GETs the text as it is, asking for its media type (or a JSON refusal), without a CSRF header', async () => {
    const { client, server } = setup({ [SCRIPT]: shell('#!/bin/sh\nset -eu\necho "{not json}"\n') })
    await expect(client.text('/api/install.sh', { accept: 'text/x-shellscript' })).resolves.toBe(
      '#!/bin/sh\nset -eu\necho "{not json}"\n',
    )
    const [req] = server.calls
    expect(req!.method).toBe('GET')
    expect(req!.headers.get('Accept')).toBe('text/x-shellscript, application/json')
    expect(req!.headers.has('X-CSRF-Token')).toBe(false)
    expect(server.fetch.mock.calls[0]![1].credentials).toBe('same-origin')
  })

  it('throws the server’s reason on a refusal, and status 0 when the server cannot be reached', async () => {
    const { client, server } = setup({ [SCRIPT]: json(404, { error: 'this server has no release key' }) })
    await expect(client.text('/api/install.sh', { accept: 'text/x-shellscript' })).rejects.toMatchObject({
      name: 'ApiError',
      status: 404,
      message: 'this server has no release key',
    })
    server.set({
      [SCRIPT]: () => {
        throw new TypeError('Failed to fetch')
      },
    })
    await expect(client.text('/api/install.sh', { accept: 'text/x-shellscript' })).rejects.toMatchObject({ status: 0 })
  })
})

describe('ApiClient auth calls', () => {
  it('logs in with a JSON body and without X-CSRF-Token', async () => {
    const { client, server } = setup({ 'POST /api/auth/login': ADMIN })
    await expect(client.login('admin', 'pw"{')).resolves.toEqual(ADMIN)
    const [req] = server.calls
    expect(req!.body).toEqual({ username: 'admin', password: 'pw"{' })
    expect(req!.headers.has('X-CSRF-Token')).toBe(false)
    expect(server.fetch.mock.calls[0]![1].credentials).toBe('same-origin')
  })

  it('does not treat bad credentials at login as an expired session', async () => {
    const { client, onUnauthorized } = setup({
      'POST /api/auth/login': json(401, { error: 'invalid username or password' }),
    })
    await expect(client.login('admin', 'wrong')).rejects.toMatchObject({ status: 401, message: 'invalid username or password' })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('reports Retry-After on 429', async () => {
    const { client } = setup({
      'POST /api/auth/login': json(429, { error: 'too many login attempts' }, { 'Retry-After': '30' }),
    })
    await expect(client.login('admin', 'x')).rejects.toMatchObject({ status: 429, retryAfter: 30 })
  })

  it('me() returns the session, or null on 401 without calling onUnauthorized', async () => {
    const ok = setup({ 'GET /api/auth/me': ADMIN })
    await expect(ok.client.me()).resolves.toEqual(ADMIN)

    const out = setup({ 'GET /api/auth/me': json(401, { error: 'login required' }) })
    await expect(out.client.me()).resolves.toBeNull()
    expect(out.onUnauthorized).not.toHaveBeenCalled()
  })

  it('logout sends the CSRF token', async () => {
    const { client, server } = setup({ 'POST /api/auth/logout': noContent() })
    await client.logout()
    expect(server.calls[0]!.headers.get('X-CSRF-Token')).toBe('tok-123')
  })
})
