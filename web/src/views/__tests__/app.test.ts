import { describe, expect, it, vi } from 'vitest'
import { ADMIN, VIEWER, json, noContent } from '../../test/fakeApi'
import { inventory, site } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'
import { NAV_ITEMS } from '../../navigation'
import { useSessionStore } from '../../stores/session'

const EMPTY_INVENTORY = inventory([])

describe('navigation guard and login', () => {
  it('sends a visitor without a session to /login, keeping where they wanted to go', async () => {
    const { router, wrapper } = await mountApp('/assets?category=iot')
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/assets?category=iot')
    expect(wrapper.find('[data-test="login-username"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="logout"]').exists()).toBe(false)
  })

  it('shows the server error and re-enables the button', async () => {
    const { wrapper, server } = await mountApp('/login')
    server.set({ 'POST /api/auth/login': json(401, { error: 'invalid username or password' }) })
    await wrapper.get('[data-test="login-username"]').setValue('admin')
    await wrapper.get('[data-test="login-password"]').setValue('wrong')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(wrapper.get('[data-test="login-error"]').text()).toBe('invalid username or password')
    expect(wrapper.get('[data-test="login-submit"]').attributes('disabled')).toBeUndefined()
  })

  it('logs in and returns to the page it was sent from', async () => {
    const { wrapper, router, server } = await mountApp('/assets?category=iot', {
      routes: { 'GET /api/data': EMPTY_INVENTORY, 'GET /api/subnets': { subnets: [] } },
    })
    server.set({ 'POST /api/auth/login': VIEWER })
    await wrapper.get('[data-test="login-username"]').setValue('ayse')
    await wrapper.get('[data-test="login-password"]').setValue('pw')
    await wrapper.get('form').trigger('submit')
    // The assets page is a lazy chunk: give its first import time.
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/assets?category=iot'), { timeout: 5000 })
    await settle()
    expect(wrapper.get('[data-test="user-name"]').text()).toBe('ayse')
    expect(server.callsTo('GET /api/data')[0]!.query.get('category')).toBe('iot')
  })

  it('a 401 from any call drops the session and shows the login page with a message, then goes back', async () => {
    const { wrapper, router, server } = await mountApp('/changes', {
      session: ADMIN,
      routes: { 'GET /api/changes': json(401, { error: 'session expired' }) },
    })
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/changes')
    expect(wrapper.get('[data-test="session-expired"]').text()).toContain('expired')
    expect(useSessionStore().isLoggedIn).toBe(false)

    server.set({
      'POST /api/auth/login': ADMIN,
      'GET /api/changes': { items: [], total: 0, page: 1, per_page: 50 },
    })
    await wrapper.get('[data-test="login-username"]').setValue('admin')
    await wrapper.get('[data-test="login-password"]').setValue('pw')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(router.currentRoute.value.path).toBe('/changes')
    expect(wrapper.find('[data-test="session-expired"]').exists()).toBe(false)
  })

  it('logs out with the CSRF token and lands on the login page without further requests', async () => {
    const { wrapper, router, server } = await mountApp('/changes', {
      session: ADMIN,
      routes: {
        'POST /api/auth/logout': noContent(),
        'GET /api/changes': { items: [], total: 0, page: 1, per_page: 50 },
      },
    })
    const before = server.calls.length
    await wrapper.get('[data-test="logout"]').trigger('click')
    await settle()
    expect(server.callsTo('POST /api/auth/logout')[0]!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    expect(router.currentRoute.value.name).toBe('login')
    expect(wrapper.find('[data-test="session-expired"]').exists()).toBe(false)
    // The page must not be mounted again outside the shell and ask the API without a session.
    expect(server.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/auth/logout'])
  })
})

describe('shell', () => {
  it('links every page in the menu, with users for admins only', async () => {
    const admin = await mountApp('/', { session: ADMIN })
    for (const item of NAV_ITEMS) expect(admin.wrapper.find(`[data-test="nav-${item.name}"]`).exists(), item.name).toBe(true)
    admin.wrapper.unmount()

    const viewer = await mountApp('/', { session: VIEWER })
    expect(viewer.wrapper.find('[data-test="nav-users"]').exists()).toBe(false)
    expect(viewer.wrapper.find('[data-test="nav-alert-settings"]').exists()).toBe(false)
    expect(viewer.wrapper.find('[data-test="nav-assets"]').exists()).toBe(true)
    expect(viewer.wrapper.find('[data-test="nav-alerts"]').exists()).toBe(true)
  })

  it('keeps viewers out of the users page', async () => {
    const { router } = await mountApp('/users?site=hq', { session: VIEWER })
    expect(router.currentRoute.value.name).toBe('overview')
    expect(router.currentRoute.value.query.site).toBe('hq')
  })

  it('the site selector writes ?site=, drops the page, and nav links keep the site', async () => {
    const { wrapper, router } = await mountApp('/changes?page=3', {
      session: VIEWER,
      routes: {
        'GET /api/sites': { sites: [site('hq'), site('branch')] },
        'GET /api/changes': { items: [], total: 0, page: 1, per_page: 50 },
      },
    })
    const select = wrapper.get('[data-test="site-select"]')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['All sites', 'hq', 'branch'])
    await select.setValue('branch')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'branch' })
    expect(wrapper.get('[data-test="nav-assets"]').attributes('href')).toBe('/assets?site=branch')
  })

  it('switches language and theme and remembers both', async () => {
    const { wrapper } = await mountApp('/', { session: VIEWER })
    await wrapper.get('[data-test="lang-select"]').setValue('tr')
    expect(wrapper.get('[data-test="nav-assets"]').text()).toBe('Varlıklar')
    expect(document.documentElement.lang).toBe('tr')
    expect(localStorage.getItem('bigr.locale')).toBe('tr')

    const before = document.documentElement.dataset.theme
    await wrapper.get('[data-test="theme-toggle"]').trigger('click')
    expect(document.documentElement.dataset.theme).not.toBe(before)
    expect(localStorage.getItem('bigr.theme')).toBe(document.documentElement.dataset.theme)
  })

  it('has a skip link to the main content', async () => {
    const { wrapper } = await mountApp('/', { session: VIEWER })
    const skip = wrapper.get('[data-test="skip-link"]')
    await skip.trigger('click')
    expect(document.activeElement?.id).toBe('main')
  })

  it('shows a not-found page for unknown paths', async () => {
    const { wrapper } = await mountApp('/nope', { session: VIEWER })
    expect(wrapper.get('[data-page="not-found"]').attributes('data-ready')).toBe('true')
  })
})
