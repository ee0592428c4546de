// Mounts the whole app (router, stores, shell) at a path, against a fake API.
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '../App.vue'
import { api, type SessionInfo } from '../api'
import { connectApi, createAppRouter } from '../router'
import { fakeApi, json, type FakeRoutes } from './fakeApi'

export interface MountOptions {
  /** Who is logged in (GET /api/auth/me); null for nobody. */
  session?: SessionInfo | null
  routes?: FakeRoutes
}

export async function mountApp(path: string, options: MountOptions = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const server = fakeApi({
    'GET /api/auth/me': options.session ? options.session : json(401, { error: 'login required' }),
    'GET /api/sites': { sites: [] },
    ...options.routes,
  })
  const router = createAppRouter(createMemoryHistory())
  connectApi(api, router)
  await router.push(path)
  await router.isReady()
  const wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await settle()
  return { wrapper, router, server, pinia }
}

/** Lets lazy route chunks load and pending requests answer. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

/** Resets what tests change on the shared client and the document. */
export function resetApp(): void {
  api.configure({ fetch: undefined, csrfToken: undefined, onUnauthorized: undefined })
  document.body.innerHTML = ''
  localStorage.clear()
}
