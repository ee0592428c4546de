// Typed client for the bigr HTTP API (same origin, cookie session).
//
// The session cookie is HttpOnly: this code never sees it. What it does see is the CSRF
// token returned by login and /api/auth/me, which every state-changing request except the
// login itself must echo in the X-CSRF-Token header. The token lives in the pinia session
// store; the client reads it through the `csrfToken` getter given to `configure()`.

export type Role = 'admin' | 'viewer'

export interface User {
  id: string
  username: string
  role: Role
}

/** Body of a successful POST /api/auth/login and GET /api/auth/me. */
export interface Session {
  user: User
  csrf_token: string
}

export interface Site {
  name: string
  asset_count: number
  [extra: string]: unknown
}

export type ConfidenceLevel = 'high' | 'medium' | 'low' | 'unclassified'

export interface AssetView {
  id: string
  site: string
  ip: string
  mac: string | null
  hostname: string | null
  vendor: string | null
  os_hint: string | null
  device_type: string
  category: string
  category_tr: string
  computed_category: string
  /** 0..1 */
  confidence: number
  confidence_level: ConfidenceLevel
  sensitivity: string
  open_ports: number[]
  manual_category: string | null
  manual_note: string | null
  switch_host: string | null
  switch_port: string | null
  /** ISO 8601 */
  first_seen: string
  /** ISO 8601 */
  last_seen: string
  missing: boolean
  missing_since: string | null
  change_count: number
}

export const SORT_FIELDS = [
  'ip',
  'hostname',
  'vendor',
  'category',
  'device_type',
  'confidence',
  'last_seen',
] as const
export type SortField = (typeof SORT_FIELDS)[number]
export type SortOrder = 'asc' | 'desc'

export interface DataQuery {
  page?: number
  per_page?: number
  q?: string
  site?: string
  sort?: SortField
  order?: SortOrder
}

export interface DataPage {
  items: AssetView[]
  total: number
  page: number
  per_page: number
  category_summary: Record<string, number>
}

/** A failed call: `status` is the HTTP status (0 when the server could not be reached). */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  /** Seconds from a Retry-After header (429), when the server sent one. */
  readonly retryAfter: number | null

  constructor(status: number, message: string, retryAfter: number | null = null) {
    super(message)
    this.status = status
    this.retryAfter = retryAfter
  }
}

type QueryValue = string | number | boolean | null | undefined

/**
 * `?a=1&b=x%20y` from the defined, non-empty values, in the given order; "" when none.
 */
export function buildQuery(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue
    search.append(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

export interface ApiClientOptions {
  /** Prefix for every path; "" for same origin. */
  baseUrl?: string
  /** The fetch to use (tests pass a stub). Defaults to the global fetch at call time. */
  fetch?: typeof fetch
  /** The current CSRF token, sent on POST/PUT/PATCH/DELETE. */
  csrfToken?: () => string | null | undefined
  /** Called when a request (other than login / me) gets 401: the session has expired. */
  onUnauthorized?: () => void
}

interface RequestOptions {
  method?: string
  body?: unknown
  signal?: AbortSignal
  /** Send X-CSRF-Token (default: true for state-changing methods). */
  csrf?: boolean
  /** Call onUnauthorized on a 401 (default: true). */
  notifyUnauthorized?: boolean
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return null
  return Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body: unknown = await res.json()
    if (body && typeof body === 'object' && 'error' in body) {
      const error = (body as { error: unknown }).error
      if (typeof error === 'string' && error) return error
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall through.
  }
  return res.statusText ? `${res.status} ${res.statusText}` : `HTTP ${res.status}`
}

export class ApiClient {
  private options: ApiClientOptions

  constructor(options: ApiClientOptions = {}) {
    this.options = { ...options }
  }

  /** Change options after creation (main.ts wires in the store and the router). */
  configure(options: ApiClientOptions): void {
    this.options = { ...this.options, ...options }
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const method = (opts.method ?? 'GET').toUpperCase()
    const headers: Record<string, string> = { Accept: 'application/json' }
    let body: string | undefined
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }
    const sendCsrf = opts.csrf ?? !SAFE_METHODS.has(method)
    if (sendCsrf) {
      const token = this.options.csrfToken?.()
      if (token) headers['X-CSRF-Token'] = token
    }

    const doFetch = this.options.fetch ?? globalThis.fetch
    let res: Response
    try {
      res = await doFetch(`${this.options.baseUrl ?? ''}${path}`, {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: opts.signal,
      })
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'AbortError') throw err
      throw new ApiError(0, 'cannot reach the bigr server')
    }

    if (!res.ok) {
      const message = await errorMessage(res)
      if (res.status === 401 && (opts.notifyUnauthorized ?? true)) {
        this.options.onUnauthorized?.()
      }
      throw new ApiError(res.status, message, parseRetryAfter(res.headers.get('Retry-After')))
    }
    if (res.status === 204 || res.status === 205) return undefined as T
    const text = await res.text()
    if (!text) return undefined as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new ApiError(res.status, 'the server sent a response that is not JSON')
    }
  }

  // --- auth -------------------------------------------------------------------------

  /** Throws ApiError 401 on bad credentials (no onUnauthorized), 429 when throttled. */
  login(username: string, password: string): Promise<Session> {
    return this.request<Session>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
      csrf: false,
      notifyUnauthorized: false,
    })
  }

  /** The current session, or null when not logged in (401). */
  async me(): Promise<Session | null> {
    try {
      return await this.request<Session>('/api/auth/me', { notifyUnauthorized: false })
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null
      throw err
    }
  }

  logout(): Promise<void> {
    return this.request<void>('/api/auth/logout', { method: 'POST' })
  }

  // --- inventory --------------------------------------------------------------------

  async sites(signal?: AbortSignal): Promise<Site[]> {
    const body = await this.request<{ sites: Site[] }>('/api/sites', { signal })
    return body.sites
  }

  data(query: DataQuery = {}, signal?: AbortSignal): Promise<DataPage> {
    const qs = buildQuery({
      page: query.page,
      per_page: query.per_page,
      q: query.q?.trim(),
      site: query.site,
      sort: query.sort,
      order: query.order,
    })
    return this.request<DataPage>(`/api/data${qs}`, { signal })
  }
}

/** The app's client; main.ts configures its CSRF getter and 401 handler. */
export const api = new ApiClient()
