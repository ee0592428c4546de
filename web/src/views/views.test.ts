import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import { api, ApiError, type AssetView, type DataPage, type Session } from '../api'
import { connectApi, createAppRouter } from '../router'
import { useSessionStore } from '../stores/session'
import App from '../App.vue'

const SESSION: Session = {
  user: { id: '0b7c9e2e-0000-4000-8000-000000000001', username: 'ayse', role: 'viewer' },
  csrf_token: 'csrf-1',
}

function asset(i: number, patch: Partial<AssetView> = {}): AssetView {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    site: 'default',
    ip: `10.0.0.${i}`,
    mac: null,
    hostname: null,
    vendor: null,
    os_hint: null,
    device_type: 'unknown',
    category: 'unclassified',
    category_tr: 'Sınıflandırılmamış',
    computed_category: 'unclassified',
    confidence: 0.2,
    confidence_level: 'unclassified',
    sensitivity: 'safe',
    open_ports: [],
    manual_category: null,
    manual_note: null,
    switch_host: null,
    switch_port: null,
    first_seen: '2026-11-01T10:00:00Z',
    last_seen: '2026-11-20T10:00:00Z',
    missing: false,
    missing_since: null,
    change_count: 0,
    ...patch,
  }
}

function page(items: AssetView[], total = items.length, p = 1): DataPage {
  return { items, total, page: p, per_page: 50, category_summary: { unclassified: total } }
}

let pinia: Pinia

async function mountAt(path: string) {
  const router = createAppRouter(createMemoryHistory())
  connectApi(api, router)
  await router.push(path)
  await router.isReady()
  const wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  vi.useFakeTimers({ shouldAdvanceTime: true })
})

afterEach(() => {
  api.configure({ fetch: undefined, csrfToken: undefined, onUnauthorized: undefined })
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('navigation guard', () => {
  it('sends a visitor without a session to /login', async () => {
    vi.spyOn(api, 'me').mockResolvedValue(null)
    const { router, wrapper } = await mountAt('/')
    expect(router.currentRoute.value.name).toBe('login')
    expect(wrapper.find('[data-test="login-username"]').exists()).toBe(true)
  })
})

describe('LoginView', () => {
  it('shows the server error and re-enables the button', async () => {
    vi.spyOn(api, 'me').mockResolvedValue(null)
    let reject!: (e: unknown) => void
    vi.spyOn(api, 'login').mockReturnValue(new Promise((_, r) => (reject = r)))
    const { wrapper } = await mountAt('/login')

    await wrapper.get('[data-test="login-username"]').setValue('admin')
    await wrapper.get('[data-test="login-password"]').setValue('wrong')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('[data-test="login-submit"]').attributes('disabled')).toBeDefined()

    reject(new ApiError(401, 'invalid username or password'))
    await flushPromises()
    expect(wrapper.get('[data-test="login-error"]').text()).toBe('invalid username or password')
    expect(wrapper.get('[data-test="login-submit"]').attributes('disabled')).toBeUndefined()
  })

  it('logs in and opens the inventory', async () => {
    vi.spyOn(api, 'me').mockResolvedValue(null)
    vi.spyOn(api, 'login').mockResolvedValue(SESSION)
    vi.spyOn(api, 'sites').mockResolvedValue([])
    vi.spyOn(api, 'data').mockResolvedValue(page([]))
    const { wrapper, router } = await mountAt('/login')
    await wrapper.get('[data-test="login-username"]').setValue('ayse')
    await wrapper.get('[data-test="login-password"]').setValue('pw')
    await wrapper.get('form').trigger('submit')
    // The inventory view is a lazy chunk: give its import time to settle.
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('inventory'))
    await flushPromises()
    expect(useSessionStore().csrfToken).toBe('csrf-1')
    expect(wrapper.text()).toContain('ayse')
    expect(wrapper.text()).toContain('viewer')
  })
})

describe('InventoryView', () => {
  beforeEach(() => {
    vi.spyOn(api, 'me').mockResolvedValue(SESSION)
    vi.spyOn(api, 'sites').mockResolvedValue([
      { name: 'default', asset_count: 60 },
      { name: 'izmir', asset_count: 1 },
    ])
  })

  it('renders network-supplied text as text, never as HTML', async () => {
    const evil = '<img src=x onerror="alert(1)"><b>pwn</b>'
    vi.spyOn(api, 'data').mockResolvedValue(
      page([asset(1, { hostname: evil, vendor: evil, mac: 'aa:bb:cc:00:11:22' })]),
    )
    const { wrapper } = await mountAt('/')
    const rows = wrapper.findAll('[data-test="asset-row"]')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.text()).toContain(evil)
    expect(wrapper.find('tbody img').exists()).toBe(false)
    expect(wrapper.find('tbody b').exists()).toBe(false)
  })

  it('shows the empty state with no assets', async () => {
    vi.spyOn(api, 'data').mockResolvedValue(page([]))
    const { wrapper } = await mountAt('/')
    expect(wrapper.get('[data-test="inventory-empty"]').text()).toContain('No assets yet')
    expect(wrapper.get('[data-test="asset-total"]').text()).toBe('0')
  })

  it('shows the error state', async () => {
    vi.spyOn(api, 'data').mockRejectedValue(new ApiError(500, 'database unavailable'))
    const { wrapper } = await mountAt('/')
    expect(wrapper.get('[data-test="inventory-error"]').text()).toContain('database unavailable')
  })

  it('pages, sorts, filters by site and searches through the server', async () => {
    const data = vi
      .spyOn(api, 'data')
      .mockImplementation(async (q) => page([asset(1), asset(2)], 120, q?.page ?? 1))
    const { wrapper, router } = await mountAt('/')
    expect(data).toHaveBeenLastCalledWith(
      { page: 1, per_page: 50, q: '', site: '' },
      expect.any(AbortSignal),
    )
    expect(wrapper.get('[data-test="asset-total"]').text()).toBe('120')
    expect(wrapper.text()).toContain('Page 1 of 3')
    expect(wrapper.get('[data-test="prev-page"]').attributes('disabled')).toBeDefined()

    await wrapper.get('[data-test="next-page"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.page).toBe('2')
    expect(data.mock.lastCall![0]).toMatchObject({ page: 2 })
    expect(wrapper.text()).toContain('Page 2 of 3')

    await wrapper.get('[data-test="sort-last_seen"]').trigger('click')
    await flushPromises()
    expect(data.mock.lastCall![0]).toMatchObject({ page: 1, sort: 'last_seen', order: 'desc' })
    await wrapper.get('[data-test="sort-last_seen"]').trigger('click')
    await flushPromises()
    expect(data.mock.lastCall![0]).toMatchObject({ sort: 'last_seen', order: 'asc' })

    const select = wrapper.get('[data-test="site-select"]')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['All sites', 'default', 'izmir'])
    await select.setValue('izmir')
    await flushPromises()
    expect(data.mock.lastCall![0]).toMatchObject({ site: 'izmir', page: 1 })

    const calls = data.mock.calls.length
    const search = wrapper.get('[data-test="search"]')
    await search.setValue('prin')
    await search.setValue('printer')
    vi.advanceTimersByTime(299)
    await flushPromises()
    expect(data.mock.calls.length).toBe(calls)
    vi.advanceTimersByTime(1)
    await flushPromises()
    expect(data.mock.calls.length).toBe(calls + 1)
    expect(data.mock.lastCall![0]).toMatchObject({ q: 'printer', site: 'izmir', page: 1 })
  })

  it('logs out', async () => {
    vi.spyOn(api, 'data').mockResolvedValue(page([]))
    const logout = vi.spyOn(api, 'logout').mockResolvedValue(undefined)
    const { wrapper, router } = await mountAt('/')
    await wrapper.get('[data-test="logout"]').trigger('click')
    await flushPromises()
    expect(logout).toHaveBeenCalledOnce()
    expect(router.currentRoute.value.name).toBe('login')
    expect(useSessionStore().user).toBeNull()
  })
})

describe('session wiring', () => {
  function stubFetch(respond: (url: string, init: RequestInit) => Response) {
    const fetch = vi.fn(async (url: string, init: RequestInit) => respond(url, init))
    api.configure({ fetch: fetch as unknown as typeof globalThis.fetch })
    return fetch
  }

  it('a 401 from any call drops the user and returns to /login', async () => {
    vi.spyOn(api, 'me').mockResolvedValue(SESSION)
    vi.spyOn(api, 'sites').mockResolvedValue([])
    stubFetch(
      () =>
        new Response(JSON.stringify({ error: 'login required' }), {
          status: 401,
          headers: { 'Content-Type': 'application/json' },
        }),
    )
    const { router, wrapper } = await mountAt('/?q=nas')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    expect(router.currentRoute.value.query.redirect).toBe('/?q=nas')
    expect(useSessionStore().user).toBeNull()
    await flushPromises()
    expect(wrapper.find('[data-test="logout"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="inventory-error"]').exists()).toBe(false)
  })

  it('sends the store\'s CSRF token on logout', async () => {
    vi.spyOn(api, 'me').mockResolvedValue(SESSION)
    vi.spyOn(api, 'sites').mockResolvedValue([])
    vi.spyOn(api, 'data').mockResolvedValue(page([]))
    const fetch = stubFetch(() => new Response(null, { status: 204 }))
    const { wrapper } = await mountAt('/')
    await wrapper.get('[data-test="logout"]').trigger('click')
    await flushPromises()
    expect(fetch).toHaveBeenCalledOnce()
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/auth/logout')
    expect(new Headers(init.headers).get('X-CSRF-Token')).toBe('csrf-1')
  })
})
