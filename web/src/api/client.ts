// Typed client for the bigr HTTP API (same origin, cookie session).
//
// Every endpoint is called by its OpenAPI operationId: `api.call('data', { query })`. Paths,
// methods, parameters, bodies and answers all come from the generated `Operations` table in
// schema.ts, so a change to openapi.json that the dashboard does not follow fails
// `npm run build`. The few that answer a file (an HTML or PDF report) are in the `Downloads`
// table, fetched with `api.download(id, { query })`; `api.text(path)` reads a text answer by
// its path (the agent install script).
//
// The session cookie is HttpOnly: this code never sees it. What it does see is the CSRF
// token returned by login and /api/auth/me, which every state-changing request except the
// login itself must echo in the X-CSRF-Token header. The token lives in the pinia session
// store; the client reads it through the `csrfToken` getter given to `configure()`.

import { DOWNLOADS, OPERATIONS, type Downloads, type Operations, type SessionInfo } from './schema'

export type OperationId = keyof Operations
type Op<K extends OperationId> = Operations[K]
export type OperationResponse<K extends OperationId> = Op<K>['response']
export type OperationQuery<K extends OperationId> = Op<K>['query']

export type DownloadId = keyof Downloads
export type DownloadQuery<K extends DownloadId> = Downloads[K]['query']

type IsNever<T> = [T] extends [never] ? true : false

/** What an operation takes, in either table. */
interface Inputs {
  pathParams: unknown
  query: unknown
  body: unknown
}

/** What `call()` / `download()` take besides the operationId: only the parts the operation has. */
type ArgsOf<O extends Inputs> = (IsNever<O['pathParams']> extends true ? unknown : { path: O['pathParams'] }) &
  (IsNever<O['query']> extends true ? unknown : { query?: O['query'] }) &
  (IsNever<O['body']> extends true ? unknown : { body: O['body'] }) & {
    signal?: AbortSignal
    /** Extra request headers, e.g. the signed manifest of an uploaded release. */
    headers?: Record<string, string>
  }

/** Optional when the operation needs neither path parameters nor a body. */
type RestOf<O extends Inputs> =
  IsNever<O['pathParams']> extends true
    ? IsNever<O['body']> extends true
      ? [args?: ArgsOf<O>]
      : [args: ArgsOf<O>]
    : [args: ArgsOf<O>]

export type CallArgs<K extends OperationId> = ArgsOf<Op<K>>

/** A file the server sent: its bytes, and the answer's headers (Content-Disposition names the file). */
export interface DownloadedFile {
  blob: Blob
  headers: Headers
}

/** A failed call: `status` is the HTTP status (0 when the server could not be reached). */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  /** Seconds from a Retry-After header (429, 503), when the server sent one. */
  readonly retryAfter: number | null

  constructor(status: number, message: string, retryAfter: number | null = null) {
    super(message)
    this.status = status
    this.retryAfter = retryAfter
  }
}

type QueryValue = string | number | boolean | null | undefined

/** `?a=1&b=x%20y` from the defined, non-empty values, in the given order; "" when none. */
export function buildQuery(params: object | undefined): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params ?? {}) as [string, QueryValue][]) {
    if (value === undefined || value === null || value === '') continue
    search.append(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

/** `/api/assets/{id}` + `{id: 'a b'}` → `/api/assets/a%20b`. Throws when a parameter is missing. */
export function expandPath(template: string, params: object | undefined): string {
  const values = (params ?? {}) as Record<string, string | number | undefined>
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined || value === '') throw new Error(`missing path parameter "${name}"`)
    return encodeURIComponent(String(value))
  })
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
  /** Send `body` as it is (a Blob or File) with this Content-Type instead of as JSON. */
  rawBody?: string
  /** Extra headers (they cannot replace Accept, Content-Type or X-CSRF-Token). */
  headers?: Record<string, string>
  signal?: AbortSignal
  /** The Accept header (default: application/json). */
  accept?: string
  /** Send X-CSRF-Token (default: true for state-changing methods). */
  csrf?: boolean
  /** Call onUnauthorized on a 401 (default: true). */
  notifyUnauthorized?: boolean
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Headers the client sets itself: a caller's extra headers never replace them. */
const RESERVED_HEADERS = new Set(['accept', 'content-type', 'x-csrf-token'])

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return null
  return Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

/** The server's `{"error": "reason"}`, else the status line. */
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

  /** Calls one operation by its operationId, typed from the OpenAPI document. */
  call<K extends OperationId>(id: K, ...rest: RestOf<Op<K>>): Promise<OperationResponse<K>> {
    const args = (rest[0] ?? {}) as {
      path?: object
      query?: object
      body?: unknown
      signal?: AbortSignal
      headers?: Record<string, string>
    }
    // `rawBody`: an upload whose body goes unencoded (a release binary), with that Content-Type.
    const { method, path, rawBody } = OPERATIONS[id] as { method: string; path: string; rawBody?: string }
    const url = expandPath(path, args.path) + buildQuery(args.query)
    return this.request<OperationResponse<K>>(url, {
      method,
      body: args.body,
      rawBody,
      headers: args.headers,
      signal: args.signal,
    })
  }

  /**
   * Fetches one file by the operationId of the `Downloads` table, e.g. an HTML or PDF report.
   * Fails like `call()` (ApiError with the server's reason), so a refusal is never saved as a
   * file. The body is taken as a Blob, never read as text, so binary files arrive intact.
   */
  async download<K extends DownloadId>(id: K, ...rest: RestOf<Downloads[K]>): Promise<DownloadedFile> {
    const args = (rest[0] ?? {}) as {
      path?: object
      query?: object
      body?: unknown
      signal?: AbortSignal
      headers?: Record<string, string>
    }
    const { method, path, contentTypes } = DOWNLOADS[id]
    const url = expandPath(path, args.path) + buildQuery(args.query)
    const res = await this.send(url, {
      method,
      body: args.body,
      headers: args.headers,
      signal: args.signal,
      // Any of the operation's file types (a query parameter picks one); a refusal comes as JSON.
      accept: [...contentTypes, 'application/json'].join(', '),
    })
    try {
      return { blob: await res.blob(), headers: res.headers }
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'AbortError') throw err
      throw new ApiError(0, 'the download was cut off')
    }
  }

  /**
   * GETs a text answer that is not JSON, by its path: the agent install script
   * (`/api/install.sh`, text/x-shellscript) until the generated `Downloads` table has it.
   * `accept` is the expected media type; a refusal comes as JSON and is thrown like `call()`
   * does (ApiError with the server's reason, status 0 when the server cannot be reached).
   */
  async text(path: string, opts: { accept: string; signal?: AbortSignal }): Promise<string> {
    const res = await this.send(path, { accept: `${opts.accept}, application/json`, signal: opts.signal })
    try {
      return await res.text()
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'AbortError') throw err
      throw new ApiError(0, 'the answer was cut off')
    }
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(path, opts)
    if (res.status === 204 || res.status === 205) return undefined as T
    const text = await res.text()
    if (!text) return undefined as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new ApiError(res.status, 'the server sent a response that is not JSON')
    }
  }

  /** One request; a successful answer is returned unread, any other thrown as an ApiError. */
  private async send(path: string, opts: RequestOptions): Promise<Response> {
    const method = (opts.method ?? 'GET').toUpperCase()
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value
    }
    headers['Accept'] = opts.accept ?? 'application/json'
    let body: string | Blob | undefined
    if (opts.body !== undefined && opts.rawBody) {
      if (!(opts.body instanceof Blob)) throw new Error('a raw request body must be a Blob or File')
      headers['Content-Type'] = opts.rawBody
      body = opts.body
    } else if (opts.body !== undefined) {
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
    return res
  }

  // --- auth: the three calls whose 401 means something else than "session expired" -------

  /** Throws ApiError 401 on bad credentials (no onUnauthorized), 429 when throttled. */
  login(username: string, password: string): Promise<SessionInfo> {
    return this.request<SessionInfo>(OPERATIONS.login.path, {
      method: OPERATIONS.login.method,
      body: { username, password },
      csrf: false,
      notifyUnauthorized: false,
    })
  }

  /** The current session, or null when not logged in (401). */
  async me(): Promise<SessionInfo | null> {
    try {
      return await this.request<SessionInfo>(OPERATIONS.me.path, { notifyUnauthorized: false })
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null
      throw err
    }
  }

  /** A 401 here just means the session was already gone. */
  logout(): Promise<void> {
    return this.request<void>(OPERATIONS.logout.path, {
      method: OPERATIONS.logout.method,
      notifyUnauthorized: false,
    })
  }
}

/** The app's client; main.ts configures its CSRF getter and 401 handler. */
export const api = new ApiClient()
