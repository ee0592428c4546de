import { describe, expect, it, vi } from 'vitest'
import { ApiClient, ApiError, buildQuery, type DataPage, type Session } from './api'

type FetchArgs = [input: string, init: RequestInit]

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

/** A client over a stub fetch that answers every call with `respond()`. */
function setup(respond: () => Response = () => jsonResponse(200, {}), csrf = 'tok-123') {
  const fetch = vi.fn(async (..._args: FetchArgs) => respond())
  const onUnauthorized = vi.fn()
  const client = new ApiClient({
    fetch: fetch as unknown as typeof globalThis.fetch,
    csrfToken: () => csrf,
    onUnauthorized,
  })
  const call = (i = 0) => {
    const [url, init] = fetch.mock.calls[i]!
    return { url, init, headers: new Headers(init.headers) }
  }
  return { client, fetch, onUnauthorized, call }
}

const SESSION: Session = {
  user: { id: '0b7c9e2e-0000-4000-8000-000000000001', username: 'admin', role: 'admin' },
  csrf_token: 'csrf-from-server',
}

describe('buildQuery', () => {
  it('encodes values and skips empty ones', () => {
    expect(buildQuery({ page: 2, q: 'a b&c', site: '', sort: undefined, order: null })).toBe(
      '?page=2&q=a+b%26c',
    )
  })

  it('returns an empty string when nothing is set', () => {
    expect(buildQuery({ q: '', site: undefined })).toBe('')
  })

  it('keeps zero and false', () => {
    expect(buildQuery({ page: 0, missing: false })).toBe('?page=0&missing=false')
  })
})

describe('ApiClient', () => {
  it('builds the /api/data query string from a DataQuery', async () => {
    const page: DataPage = { items: [], total: 0, page: 3, per_page: 50, category_summary: {} }
    const { client, call } = setup(() => jsonResponse(200, page))
    const result = await client.data({
      page: 3,
      per_page: 50,
      q: '  printer ',
      site: 'istanbul ofis',
      sort: 'last_seen',
      order: 'desc',
    })
    expect(result).toEqual(page)
    const url = new URL(call().url, 'http://x')
    expect(url.pathname).toBe('/api/data')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      page: '3',
      per_page: '50',
      q: 'printer',
      site: 'istanbul ofis',
      sort: 'last_seen',
      order: 'desc',
    })
  })

  it('leaves out unset filters', async () => {
    const { client, call } = setup(() =>
      jsonResponse(200, { items: [], total: 0, page: 1, per_page: 50, category_summary: {} }),
    )
    await client.data({ page: 1, q: '', site: '' })
    expect(call().url).toBe('/api/data?page=1')
  })

  it('does not send X-CSRF-Token on GET', async () => {
    const { client, call } = setup(() => jsonResponse(200, { sites: [] }))
    await client.sites()
    expect(call().init.method).toBe('GET')
    expect(call().headers.has('X-CSRF-Token')).toBe(false)
  })

  it('sends X-CSRF-Token on state-changing requests', async () => {
    const { client, call } = setup(() => new Response(null, { status: 204 }))
    await expect(client.logout()).resolves.toBeUndefined()
    expect(call().init.method).toBe('POST')
    expect(call().url).toBe('/api/auth/logout')
    expect(call().headers.get('X-CSRF-Token')).toBe('tok-123')

    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      await client.request('/api/thing', { method, body: { a: 1 } })
    }
    for (const i of [1, 2, 3]) {
      expect(call(i).headers.get('X-CSRF-Token')).toBe('tok-123')
      expect(call(i).headers.get('Content-Type')).toBe('application/json')
    }
  })

  it('logs in with a JSON body and without X-CSRF-Token', async () => {
    const { client, call } = setup(() => jsonResponse(200, SESSION))
    await expect(client.login('admin', 'pw"{')).resolves.toEqual(SESSION)
    expect(call().url).toBe('/api/auth/login')
    expect(call().init.method).toBe('POST')
    expect(JSON.parse(call().init.body as string)).toEqual({ username: 'admin', password: 'pw"{' })
    expect(call().headers.has('X-CSRF-Token')).toBe(false)
    expect(call().init.credentials).toBe('same-origin')
  })

  it('turns an {"error"} body into an ApiError with status and message', async () => {
    const { client } = setup(() => jsonResponse(500, { error: 'database unavailable' }))
    const err = await client.sites().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 500, message: 'database unavailable' })
  })

  it('falls back to the status when the error body is not JSON', async () => {
    const { client } = setup(
      () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    )
    await expect(client.sites()).rejects.toMatchObject({ status: 502, message: '502 Bad Gateway' })
  })

  it('reports Retry-After on 429', async () => {
    const { client, onUnauthorized } = setup(() =>
      jsonResponse(429, { error: 'too many login attempts' }, { 'Retry-After': '30' }),
    )
    await expect(client.login('admin', 'x')).rejects.toMatchObject({
      status: 429,
      message: 'too many login attempts',
      retryAfter: 30,
    })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('calls onUnauthorized on a 401 and still throws', async () => {
    const { client, onUnauthorized } = setup(() => jsonResponse(401, { error: 'login required' }))
    await expect(client.data({ page: 1 })).rejects.toMatchObject({
      status: 401,
      message: 'login required',
    })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('does not treat bad credentials at login as an expired session', async () => {
    const { client, onUnauthorized } = setup(() =>
      jsonResponse(401, { error: 'invalid username or password' }),
    )
    await expect(client.login('admin', 'wrong')).rejects.toMatchObject({
      status: 401,
      message: 'invalid username or password',
    })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('me() returns the session, or null on 401 without calling onUnauthorized', async () => {
    const ok = setup(() => jsonResponse(200, SESSION))
    await expect(ok.client.me()).resolves.toEqual(SESSION)
    expect(ok.call().headers.has('X-CSRF-Token')).toBe(false)

    const out = setup(() => jsonResponse(401, { error: 'login required' }))
    await expect(out.client.me()).resolves.toBeNull()
    expect(out.onUnauthorized).not.toHaveBeenCalled()
  })

  it('reports an unreachable server as status 0', async () => {
    const { client } = setup(() => {
      throw new TypeError('fetch failed')
    })
    await expect(client.sites()).rejects.toMatchObject({ status: 0 })
  })

  it('lets aborts through untouched', async () => {
    const { client } = setup(() => {
      throw new DOMException('aborted', 'AbortError')
    })
    await expect(client.sites()).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('uses the global fetch when none is given', async () => {
    const stub = vi.fn(async () => jsonResponse(200, { sites: [{ name: 'default', asset_count: 2 }] }))
    vi.stubGlobal('fetch', stub)
    await expect(new ApiClient().sites()).resolves.toEqual([{ name: 'default', asset_count: 2 }])
    expect(stub).toHaveBeenCalledOnce()
  })
})
