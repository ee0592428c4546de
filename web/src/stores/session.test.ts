import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSessionStore } from './session'
import { ADMIN, VIEWER, fakeApi, json, noContent } from '../test/fakeApi'

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('starts logged out and unchecked', () => {
    const s = useSessionStore()
    expect(s.user).toBeNull()
    expect(s.csrfToken).toBeNull()
    expect(s.isLoggedIn).toBe(false)
    expect(s.checked).toBe(false)
  })

  it('login stores the user and the CSRF token', async () => {
    const server = fakeApi({ 'POST /api/auth/login': ADMIN })
    const s = useSessionStore()
    await s.login('admin', 'secret')
    expect(server.calls[0]!.body).toEqual({ username: 'admin', password: 'secret' })
    expect(s.user).toEqual(ADMIN.user)
    expect(s.csrfToken).toBe('csrf-admin')
    expect(s.isAdmin).toBe(true)
  })

  it('knows a viewer is not an admin', async () => {
    fakeApi({ 'POST /api/auth/login': VIEWER })
    const s = useSessionStore()
    await s.login('ayse', 'secret')
    expect(s.isLoggedIn).toBe(true)
    expect(s.isAdmin).toBe(false)
  })

  it('a failed login keeps the store empty and rethrows', async () => {
    fakeApi({ 'POST /api/auth/login': json(401, { error: 'invalid username or password' }) })
    const s = useSessionStore()
    await expect(s.login('admin', 'bad')).rejects.toThrow('invalid username or password')
    expect(s.user).toBeNull()
    expect(s.csrfToken).toBeNull()
  })

  it('logout clears the user and the token, even when the server call fails', async () => {
    const server = fakeApi({ 'POST /api/auth/logout': noContent() })
    const s = useSessionStore()
    s.set(ADMIN)
    await s.logout()
    expect(server.callsTo('POST /api/auth/logout')).toHaveLength(1)
    expect(s.isLoggedIn).toBe(false)

    server.set({ 'POST /api/auth/logout': json(401, { error: 'login required' }) })
    s.set(ADMIN)
    await s.logout()
    expect(s.user).toBeNull()
    expect(s.csrfToken).toBeNull()
  })

  it('markExpired drops the session and remembers why, until the next login', async () => {
    fakeApi({ 'POST /api/auth/login': ADMIN })
    const s = useSessionStore()
    s.set(ADMIN)
    s.markExpired()
    expect(s.isLoggedIn).toBe(false)
    expect(s.expired).toBe(true)
    await s.login('admin', 'secret')
    expect(s.expired).toBe(false)
  })

  it('markExpired without a session (a stale tab) does not claim an expiry', () => {
    const s = useSessionStore()
    s.markExpired()
    expect(s.expired).toBe(false)
  })

  it('ensureLoaded asks /api/auth/me once and restores the session', async () => {
    const server = fakeApi({ 'GET /api/auth/me': ADMIN })
    const s = useSessionStore()
    await Promise.all([s.ensureLoaded(), s.ensureLoaded()])
    await s.ensureLoaded()
    expect(server.callsTo('GET /api/auth/me')).toHaveLength(1)
    expect(s.user?.username).toBe('admin')
    expect(s.csrfToken).toBe('csrf-admin')
  })

  it('ensureLoaded leaves the store logged out when there is no session or no server', async () => {
    fakeApi({ 'GET /api/auth/me': json(401, { error: 'login required' }) })
    const s = useSessionStore()
    await s.ensureLoaded()
    expect(s.isLoggedIn).toBe(false)
    expect(s.checked).toBe(true)

    setActivePinia(createPinia())
    fakeApi({
      'GET /api/auth/me': () => {
        throw new TypeError('fetch failed')
      },
    })
    const t = useSessionStore()
    await t.ensureLoaded()
    expect(t.isLoggedIn).toBe(false)
    expect(t.checked).toBe(true)
  })
})
