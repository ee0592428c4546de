import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, ApiError, type SessionInfo, type SessionUser } from '../api'

/**
 * Who is logged in, and the CSRF token that goes with the (HttpOnly) session cookie.
 * Nothing is persisted in the browser: after a reload `ensureLoaded()` asks /api/auth/me.
 */
export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null)
  const csrfToken = ref<string | null>(null)
  /** True once /api/auth/me has answered (or a login/logout settled the question). */
  const checked = ref(false)
  /** Set when the server ended the session under us (a 401), for the login page to explain. */
  const expired = ref(false)
  let pending: Promise<void> | null = null

  const isLoggedIn = computed(() => user.value !== null)
  const isAdmin = computed(() => user.value?.role === 'admin')

  function set(session: SessionInfo): void {
    user.value = session.user
    csrfToken.value = session.csrf_token
    checked.value = true
    expired.value = false
  }

  /** Forget the session locally (logout, or a 401 anywhere). */
  function clear(): void {
    user.value = null
    csrfToken.value = null
    checked.value = true
  }

  /** A request got 401: the session expired or was revoked on the server. */
  function markExpired(): void {
    if (user.value) expired.value = true
    clear()
  }

  async function login(username: string, password: string): Promise<void> {
    set(await api.login(username, password))
  }

  /** Ends the session on the server; the local state is cleared even if that call fails. */
  async function logout(): Promise<void> {
    try {
      await api.logout()
    } catch (err) {
      // 401: already expired, nothing to end. Anything else: still leave locally.
      if (!(err instanceof ApiError)) throw err
    } finally {
      clear()
      expired.value = false
    }
  }

  /** Ask the server once whether the cookie is still a session; later calls reuse the answer. */
  function ensureLoaded(): Promise<void> {
    if (checked.value) return Promise.resolve()
    pending ??= api
      .me()
      .then((session) => (session ? set(session) : clear()))
      .catch(() => clear()) // server unreachable: show the login page, which reports errors
      .finally(() => {
        pending = null
      })
    return pending
  }

  return {
    user,
    csrfToken,
    checked,
    expired,
    isLoggedIn,
    isAdmin,
    set,
    clear,
    markExpired,
    login,
    logout,
    ensureLoaded,
  }
})
