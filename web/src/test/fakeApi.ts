// Test double for the bigr server: a fetch stub that answers by "METHOD /path" and records
// every request. Only fetch is faked; the real ApiClient, stores, router and views run.
import { vi } from 'vitest'
import { api, type ApiClient, type SessionInfo } from '../api'

export interface FakeRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: Headers
  body: unknown
}

/** A handler returns a Response, or any value (sent as 200 JSON). A fixed value may be given instead. */
export type FakeHandler = (req: FakeRequest) => unknown
export type FakeRoutes = Record<string, FakeHandler | object>

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

export function noContent(): Response {
  return new Response(null, { status: 204 })
}

export interface FakeApi {
  /** Every request so far, oldest first. */
  calls: FakeRequest[]
  /** The requests to `METHOD /path` (query ignored). */
  callsTo: (route: string) => FakeRequest[]
  /** Replace or add routes. */
  set: (routes: FakeRoutes) => void
  fetch: ReturnType<typeof vi.fn>
}

/** Installs the fake on `client` (the app's `api` by default). Unknown routes get 404. */
export function fakeApi(routes: FakeRoutes = {}, client: ApiClient = api): FakeApi {
  const table: FakeRoutes = { ...routes }
  const calls: FakeRequest[] = []
  const fetch = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://bigr.test')
    const text = typeof init.body === 'string' ? init.body : undefined
    const req: FakeRequest = {
      method: (init.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init.headers),
      // A JSON body parsed; a raw one (a Blob upload) as it was sent.
      body: text === undefined ? (init.body ?? undefined) : (JSON.parse(text) as unknown),
    }
    calls.push(req)
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError')
    const handler = table[`${req.method} ${req.path}`]
    if (handler === undefined) return json(404, { error: 'no such API endpoint' })
    if (handler instanceof Response) return handler.clone() // a fixed answer, reusable
    const answer = typeof handler === 'function' ? await (handler as FakeHandler)(req) : handler
    return answer instanceof Response ? answer : json(200, answer)
  })
  client.configure({ fetch: fetch as unknown as typeof globalThis.fetch })
  return {
    calls,
    callsTo: (route) => calls.filter((c) => `${c.method} ${c.path}` === route),
    set: (more) => Object.assign(table, more),
    fetch,
  }
}

export const ADMIN: SessionInfo = {
  user: { id: '0b7c9e2e-0000-4000-8000-000000000001', username: 'admin', role: 'admin' },
  csrf_token: 'csrf-admin',
  expires_at: '2026-11-24T10:00:00Z',
}

export const VIEWER: SessionInfo = {
  user: { id: '0b7c9e2e-0000-4000-8000-000000000002', username: 'ayse', role: 'viewer' },
  csrf_token: 'csrf-viewer',
  expires_at: '2026-11-24T10:00:00Z',
}
