import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, ApiError, type Session, type User } from '../api'

/**
 * Who is logged in, and the CSRF token that goes with the (HttpOnly) session cookie.
 * Nothing is persisted in the browser: after a reload `ensureLoaded()` asks /api/auth/me.
 */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const csrfToken = ref<string | null>(null)
  /** True once /api/auth/me has answered (or a login/logout settled the question). */
  const checked = ref(false)
  let pending: Promise<void> | null = null

  const isLoggedIn = computed(() => user.value !== null)
  const isAdmin = computed(() => user.value?.role === 'admin')

  function set(session: Session): void {
    user.value = session.user
    csrfToken.value = session.csrf_token
    checked.value = true
  }

  /** Forget the session locally (logout, or a 401 anywhere). */
  function clear(): void {
    user.value = null
    csrfToken.value = null
    checked.value = true
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

  return { user, csrfToken, checked, isLoggedIn, isAdmin, set, clear, login, logout, ensureLoaded }
})
