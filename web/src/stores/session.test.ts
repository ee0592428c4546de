import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { api, ApiError, type Session } from '../api'
import { useSessionStore } from './session'

const SESSION: Session = {
  user: { id: '0b7c9e2e-0000-4000-8000-000000000001', username: 'admin', role: 'admin' },
  csrf_token: 'csrf-1',
}

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
    const login = vi.spyOn(api, 'login').mockResolvedValue(SESSION)
    const s = useSessionStore()
    await s.login('admin', 'secret')
    expect(login).toHaveBeenCalledWith('admin', 'secret')
    expect(s.user).toEqual(SESSION.user)
    expect(s.csrfToken).toBe('csrf-1')
    expect(s.isLoggedIn).toBe(true)
    expect(s.isAdmin).toBe(true)
  })

  it('a failed login keeps the store empty and rethrows', async () => {
    vi.spyOn(api, 'login').mockRejectedValue(new ApiError(401, 'invalid username or password'))
    const s = useSessionStore()
    await expect(s.login('admin', 'bad')).rejects.toThrow('invalid username or password')
    expect(s.user).toBeNull()
    expect(s.csrfToken).toBeNull()
  })

  it('logout clears the user and the token', async () => {
    vi.spyOn(api, 'login').mockResolvedValue(SESSION)
    const logout = vi.spyOn(api, 'logout').mockResolvedValue(undefined)
    const s = useSessionStore()
    await s.login('admin', 'secret')
    await s.logout()
    expect(logout).toHaveBeenCalledOnce()
    expect(s.user).toBeNull()
    expect(s.csrfToken).toBeNull()
    expect(s.isLoggedIn).toBe(false)
  })

  it('logout clears locally even when the server call fails', async () => {
    vi.spyOn(api, 'logout').mockRejectedValue(new ApiError(401, 'login required'))
    const s = useSessionStore()
    s.set(SESSION)
    await s.logout()
    expect(s.user).toBeNull()
    expect(s.csrfToken).toBeNull()
  })

  it('ensureLoaded asks /api/auth/me once and restores the session', async () => {
    const me = vi.spyOn(api, 'me').mockResolvedValue(SESSION)
    const s = useSessionStore()
    await Promise.all([s.ensureLoaded(), s.ensureLoaded()])
    await s.ensureLoaded()
    expect(me).toHaveBeenCalledOnce()
    expect(s.user?.username).toBe('admin')
    expect(s.csrfToken).toBe('csrf-1')
    expect(s.checked).toBe(true)
  })

  it('ensureLoaded leaves the store logged out when there is no session or no server', async () => {
    vi.spyOn(api, 'me').mockResolvedValueOnce(null)
    const s = useSessionStore()
    await s.ensureLoaded()
    expect(s.isLoggedIn).toBe(false)
    expect(s.checked).toBe(true)

    setActivePinia(createPinia())
    vi.spyOn(api, 'me').mockRejectedValueOnce(new ApiError(0, 'cannot reach the bigr server'))
    const t = useSessionStore()
    await t.ensureLoaded()
    expect(t.isLoggedIn).toBe(false)
    expect(t.checked).toBe(true)
  })
})
