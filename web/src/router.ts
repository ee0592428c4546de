import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router'
import type { ApiClient } from './api'
import { useSessionStore } from './stores/session'

/** Only same-app absolute paths are followed after login (no `//host` or `https:` escapes). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')
    ? value
    : '/'
}

export function createAppRouter(history: RouterHistory = createWebHistory('/')): Router {
  const router = createRouter({
    history,
    routes: [
      {
        path: '/login',
        name: 'login',
        component: () => import('./views/LoginView.vue'),
        meta: { public: true, title: 'Sign in' },
      },
      {
        path: '/',
        name: 'inventory',
        component: () => import('./views/InventoryView.vue'),
        meta: { title: 'Inventory' },
      },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    await session.ensureLoaded() // asks /api/auth/me once per page load
    if (!to.meta.public && !session.isLoggedIn) {
      return {
        name: 'login',
        query: to.fullPath === '/' ? {} : { redirect: to.fullPath },
        replace: true,
      }
    }
    if (to.name === 'login' && session.isLoggedIn) {
      return { path: safeRedirect(to.query.redirect), replace: true }
    }
    return true
  })

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · bigr` : 'bigr'
  })

  return router
}

/**
 * Give the API client the store's CSRF token, and make any 401 outside login / me (the
 * session expired or was revoked) drop the user and go to the login page, coming back to the
 * same page afterwards.
 */
export function connectApi(client: ApiClient, router: Router): void {
  const session = useSessionStore()
  client.configure({
    csrfToken: () => session.csrfToken,
    onUnauthorized: () => {
      session.clear()
      const current = router.currentRoute.value
      if (current.name !== 'login') {
        void router.replace({
          name: 'login',
          query: current.fullPath === '/' ? {} : { redirect: current.fullPath },
        })
      }
    },
  })
}
