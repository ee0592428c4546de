// The HTTP calls the suite makes itself: an admin session (cookie + CSRF) to create
// enrollment tokens, and the agent channel (register, ingest of scans and Shield reports,
// heartbeat), exactly as a site agent uses it. Every request has a timeout.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function call(base, method, path, { body, headers = {}, timeoutMs = 30_000 } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const text = await res.text()
  let json = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, json, text }
}

function expect(res, statuses, what) {
  if (!statuses.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status} (expected ${statuses.join('/')}): ${res.text.slice(0, 500)}`)
  }
  return res.json
}

/** The value of cookie `name` from a response's Set-Cookie headers. */
function cookieFrom(res, name) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair.indexOf('=')
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim()
  }
  return null
}

/** Logs in as an admin; returns { cookie, csrf, get, post } for admin calls. */
export async function adminSession(base, username, password) {
  const res = await call(base, 'POST', '/api/auth/login', { body: { username, password } })
  const body = expect(res, [200], 'POST /api/auth/login')
  const session = cookieFrom(res, 'bigr_session')
  if (!session) throw new Error('login set no bigr_session cookie')
  const cookie = `bigr_session=${session}`
  const csrf = body.csrf_token
  return {
    cookie,
    get: (path) => call(base, 'GET', path, { headers: { Cookie: cookie } }),
    post: (path, b) => call(base, 'POST', path, { body: b, headers: { Cookie: cookie, 'X-CSRF-Token': csrf } }),
  }
}

/** GET `path` with only the given Cookie header (no CSRF needed for reads). */
export function getWithCookie(base, path, cookie) {
  return call(base, 'GET', path, { headers: { Cookie: cookie } })
}

/** Creates an enrollment token for `site` and registers agent `name` with it. */
export async function enrollAgent(base, admin, site, name) {
  const enr = expect(
    await admin.post('/api/agents/enrollments', { site, expires_hours: 1 }),
    [201],
    'POST /api/agents/enrollments',
  )
  if (!/^bigr_enr_/.test(enr.token)) throw new Error(`unexpected enrollment token ${enr.token}`)
  const reg = expect(
    await call(base, 'POST', '/api/agents/register', { body: { name, site, enroll_token: enr.token, version: 'e2e' } }),
    [201],
    'POST /api/agents/register',
  )
  return agentClient(base, reg)
}

function agentClient(base, reg) {
  const auth = { Authorization: `Bearer ${reg.token}` }
  return {
    id: reg.agent_id,
    site: reg.site,
    /** POSTs a ScanReport (object or JSON text); honours 429 Retry-After. */
    async ingest(report, { timeoutMs = 120_000 } = {}) {
      const body = typeof report === 'string' ? report : JSON.stringify(report)
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await call(base, 'POST', '/api/ingest/discovery', { body, headers: auth, timeoutMs })
        if (res.status === 429) {
          const wait = Number(res.headers.get('retry-after') ?? '1')
          await sleep(Math.min(Math.max(wait, 1), 30) * 1000)
          continue
        }
        return expect(res, [200, 201], 'POST /api/ingest/discovery')
      }
      throw new Error('POST /api/ingest/discovery: still rate limited after 20 tries')
    },
    /** POSTs a ShieldReport (src/model/shield.rs) as this agent; honours 429 Retry-After. */
    async ingestShield(report) {
      const body = JSON.stringify(report)
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await call(base, 'POST', '/api/ingest/shield', { body, headers: auth })
        if (res.status === 429) {
          const wait = Number(res.headers.get('retry-after') ?? '1')
          await sleep(Math.min(Math.max(wait, 1), 30) * 1000)
          continue
        }
        return expect(res, [200, 201], 'POST /api/ingest/shield')
      }
      throw new Error('POST /api/ingest/shield: still rate limited after 20 tries')
    },
    async heartbeat() {
      return expect(
        await call(base, 'POST', '/api/agents/heartbeat', {
          body: { activity: 'idle', heartbeat_seconds: 60 },
          headers: auth,
        }),
        [200],
        'POST /api/agents/heartbeat',
      )
    },
  }
}
