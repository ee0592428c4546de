import { describe, expect, it } from 'vitest'
import type { SiteSettings } from '../../api'
import { ADMIN, VIEWER, json, type FakeRequest } from '../../test/fakeApi'
import { site, siteConfig } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const ROUTES = {
  'GET /api/sites': { sites: [site('hq'), site('branch')] },
  'GET /api/sites/hq/config': siteConfig('hq'),
  'GET /api/sites/branch/config': siteConfig('branch', { version: 0, settings: {}, updated_at: null, updated_by: null }),
}

const value = (wrapper: Awaited<ReturnType<typeof mountApp>>['wrapper'], test: string) =>
  (wrapper.get(`[data-test="${test}"]`).element as HTMLInputElement).value

describe('SiteSettingsView', () => {
  it('shows the settings read-only to viewers, with what agents receive and who changed them', async () => {
    const { wrapper } = await mountApp('/sites/hq/settings', {
      session: VIEWER,
      routes: {
        ...ROUTES,
        'GET /api/sites/hq/config': siteConfig('hq', {
          fragile_ips: ['10.0.0.9', '10.0.0.10'],
          fragile_count: 1500,
          switches: ['<b>sw1</b>'],
        }),
      },
    })
    expect(wrapper.get('[data-page="site-settings"]').attributes('data-ready')).toBe('true')
    expect(wrapper.get('h1').text()).toContain('hq')
    expect(value(wrapper, 'settings-targets')).toBe('10.1.0.0/24')
    expect(value(wrapper, 'settings-interval')).toBe('15')
    expect((wrapper.get('[data-test="settings-fragile-type-printer"]').element as HTMLInputElement).checked).toBe(true)
    // Read-only: every control disabled, no save button.
    expect(wrapper.get('fieldset.plain').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-test="settings-save"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="settings-readonly"]').exists()).toBe(true)

    const version = wrapper.get('[data-test="settings-version"]').text()
    expect(version).toContain('Version 3')
    expect(version).toContain('last changed by admin')
    expect(wrapper.find('[data-test="settings-history"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="settings-intro"]').text()).toMatch(/registered subnets.*overrides each agent/)

    expect(wrapper.get('[data-test="received-subnets"]').text()).toBe('10.0.0.0/24')
    // Switch hosts come from the network's admins: text, never markup.
    expect(wrapper.get('[data-test="received-switches"]').text()).toBe('<b>sw1</b>')
    expect(wrapper.get('[data-test="received-fragile-count"]').text()).toContain('1,500')
    expect(wrapper.get('[data-test="settings-received"]').text()).toContain('The first 2 are listed.')
    // The page's menu entry is marked current.
    expect(wrapper.get('[data-test="nav-settings"]').attributes('aria-current')).toBe('page')
  })

  it('saves the form as the PUT body and shows the new version', async () => {
    let body: unknown
    const { wrapper, server } = await mountApp('/sites/hq/settings', {
      session: ADMIN,
      routes: {
        ...ROUTES,
        'PUT /api/sites/hq/config': (req: FakeRequest) => {
          body = req.body
          return siteConfig('hq', { version: 4, settings: req.body as SiteSettings, updated_by: 'admin' })
        },
      },
    })
    await wrapper.get('[data-test="settings-targets"]').setValue('10.1.0.0/24\n\n  10.2.0.0/24 ')
    await wrapper.get('[data-test="settings-ports"]').setValue('22,443')
    await wrapper.get('[data-test="settings-interval"]').setValue('')
    await wrapper.get('[data-test="settings-rate"]').setValue('300')
    await wrapper.get('[data-test="settings-fragile"]').setValue('10.1.0.9')
    await wrapper.get('[data-test="settings-fragile-type-camera"]').setValue(true)
    await wrapper.get('[data-test="settings-shield-preset"]').setValue('quick')
    await wrapper.get('[data-test="settings-shield-every"]').setValue('12')
    await wrapper.get('[data-test="settings-maintenance-start"]').setValue('22:00')
    await wrapper.get('[data-test="settings-maintenance-end"]').setValue('04:00')
    await wrapper.get('[data-test="settings-day-fri"]').setValue(true)
    await wrapper.get('[data-test="settings-updates-auto"]').setValue(true)
    await wrapper.get('[data-test="settings-updates-pinned"]').setValue(' 0.2.0 ')
    await wrapper.get('[data-test="settings-updates-rollout"]').setValue('20')
    await wrapper.get('[data-test="settings-form"]').trigger('submit')
    await settle()

    const [put] = server.callsTo('PUT /api/sites/hq/config')
    expect(put!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    expect(body).toEqual({
      targets: ['10.1.0.0/24', '10.2.0.0/24'],
      exclude: [],
      ports: '22,443',
      interval_seconds: null,
      rate: 300,
      max_concurrency: null,
      fragile: ['10.1.0.9'],
      fragile_types: ['printer', 'camera'],
      shield: { preset: 'quick', every_hours: 12 },
      maintenance: { start: '22:00', end: '04:00', days: ['fri'] },
      updates: { auto: true, pinned_version: '0.2.0', rollout_percent: 20 },
    })
    expect(wrapper.get('[role="status"]').text()).toContain('version 4')
    expect(wrapper.get('[data-test="settings-version"]').text()).toContain('Version 4')
    // The form now shows what the server stored.
    expect(value(wrapper, 'settings-targets')).toBe('10.1.0.0/24\n10.2.0.0/24')
    expect((wrapper.get('[data-test="settings-updates-auto"]').element as HTMLInputElement).checked).toBe(true)
    expect(value(wrapper, 'settings-updates-pinned')).toBe('0.2.0')
  })

  it('shows a refusal and marks the field it names', async () => {
    const { wrapper } = await mountApp('/sites/hq/settings', {
      session: ADMIN,
      routes: {
        ...ROUTES,
        'PUT /api/sites/hq/config': json(400, { error: 'invalid field `targets[1]`: invalid prefix length 33' }),
      },
    })
    await wrapper.get('[data-test="settings-targets"]').setValue('10.0.0.0/24\n10.0.0.0/33')
    await wrapper.get('[data-test="settings-form"]').trigger('submit')
    await settle()
    expect(wrapper.get('[data-test="settings-error"]').text()).toBe('invalid field `targets[1]`: invalid prefix length 33')
    const targets = wrapper.get('[data-test="settings-targets"]')
    expect(targets.attributes('aria-invalid')).toBe('true')
    const described = targets.attributes('aria-describedby')!.split(' ')
    const inline = wrapper.get(`[id="${described.at(-1)}"]`)
    expect(inline.text()).toBe('10.0.0.0/33: invalid prefix length 33')
    expect(wrapper.get('[data-test="settings-ports"]').attributes('aria-invalid')).toBeUndefined()
    // What was typed stays, to be fixed.
    expect(value(wrapper, 'settings-targets')).toBe('10.0.0.0/24\n10.0.0.0/33')
  })

  it('opens the selected site from the menu, and another site from its picker or the global filter', async () => {
    const { wrapper, router, server } = await mountApp('/settings?site=branch', { session: VIEWER, routes: ROUTES })
    expect(router.currentRoute.value.fullPath).toBe('/sites/branch/settings?site=branch')
    expect(wrapper.get('[data-test="settings-version"]').text()).toContain('No settings yet')

    await wrapper.get('[data-test="settings-site"]').setValue('hq')
    await settle()
    expect(router.currentRoute.value.fullPath).toBe('/sites/hq/settings?site=hq')
    expect(server.callsTo('GET /api/sites/hq/config')).toHaveLength(1)

    await wrapper.get('[data-test="site-select"]').setValue('branch')
    await settle()
    expect(router.currentRoute.value.params.site).toBe('branch')

    // Without a selected site, the menu opens the first one.
    await router.push('/settings')
    await settle()
    expect(router.currentRoute.value.path).toBe('/sites/hq/settings')
  })

  it('lets an admin configure a site that does not exist yet', async () => {
    const { wrapper, server } = await mountApp('/sites/lab/settings', {
      session: ADMIN,
      routes: {
        ...ROUTES,
        'GET /api/sites/lab/config': json(404, { error: "site 'lab' not found" }),
        'PUT /api/sites/lab/config': siteConfig('lab', { version: 1 }),
      },
    })
    expect(wrapper.get('[data-test="settings-missing"]').text()).toContain('saving these settings creates it')
    expect(value(wrapper, 'settings-targets')).toBe('')
    await wrapper.get('[data-test="settings-form"]').trigger('submit')
    await settle()
    expect(server.callsTo('PUT /api/sites/lab/config')).toHaveLength(1)
    expect(wrapper.find('[data-test="settings-missing"]').exists()).toBe(false)
    expect(server.callsTo('GET /api/sites').length).toBeGreaterThanOrEqual(2)
  })

  it('shows other failures as errors', async () => {
    const { wrapper } = await mountApp('/sites/hq/settings', {
      session: VIEWER,
      routes: { ...ROUTES, 'GET /api/sites/hq/config': json(404, { error: 'no such API endpoint' }) },
    })
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('no such API endpoint')
    expect(wrapper.find('[data-test="settings-form"]').exists()).toBe(false)
  })
})
