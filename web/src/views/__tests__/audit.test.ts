import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import AuditDiff from '../../components/AuditDiff.vue'
import { ADMIN, VIEWER, type FakeRequest } from '../../test/fakeApi'
import { auditEntry, site } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const page = (items = [auditEntry(1)], total = items.length) => ({ items, total, page: 1, per_page: 50 })

const ROUTES = {
  'GET /api/sites': { sites: [site('hq')] },
  'GET /api/audit': page([
    auditEntry(1, {
      action: 'site.configure',
      target: 'v4',
      before: { ports: null, targets: [] },
      after: { ports: '22', targets: ['10.1.0.0/24'] },
    }),
    auditEntry(2, { action: 'login.failed', actor: '<img src=x onerror=alert(1)>', site: null, target: null, after: null }),
  ]),
}

describe('AuditView', () => {
  it('lists entries with who, from where, what and a compact diff', async () => {
    const { wrapper, server } = await mountApp('/audit', { session: ADMIN, routes: ROUTES })
    expect(wrapper.get('[data-page="audit"]').attributes('data-ready')).toBe('true')
    const rows = wrapper.findAll('[data-test="audit-row"]')
    expect(rows.map((r) => r.attributes('data-action'))).toEqual(['site.configure', 'login.failed'])
    expect(rows[0]!.text()).toContain('Site settings changed')
    expect(rows[0]!.text()).toContain('192.0.2.10')
    expect(rows[0]!.findAll('[data-test="diff-line"]').map((l) => l.text())).toEqual(['+ ports: 22', '+ targets: 10.1.0.0/24'])
    // The name someone typed at the login prompt is text.
    expect(rows[1]!.text()).toContain('<img src=x onerror=alert(1)>')
    expect(rows[1]!.find('img').exists()).toBe(false)
    expect(wrapper.get('[data-test="audit-total"]').text()).toBe('2 entries')
    const call = server.callsTo('GET /api/audit')[0]!
    expect(Object.fromEntries(call.query)).toEqual({ page: '1', per_page: '50' })
  })

  it('sends the filters from the URL and writes new ones there', async () => {
    const { wrapper, router, server } = await mountApp('/audit?site=hq&user=ayse&action=agent.&from=2026-11-01&page=2', {
      session: ADMIN,
      routes: {
        ...ROUTES,
        'GET /api/audit': (req: FakeRequest) => ({ ...page([auditEntry(1)], 120), page: Number(req.query.get('page')) }),
      },
    })
    const first = server.callsTo('GET /api/audit')[0]!.query
    expect(first.get('site')).toBe('hq')
    expect(first.get('user')).toBe('ayse')
    expect(first.get('action')).toBe('agent.')
    expect(first.get('from')).toBe(new Date(2026, 10, 1).toISOString())
    expect(first.get('to')).toBeNull()
    expect(first.get('page')).toBe('2')

    await wrapper.get('[data-test="next-page"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query.page).toBe('3')

    const action = wrapper.get('[data-test="audit-action"]')
    await action.setValue('user.add')
    await action.trigger('change')
    await settle()
    // A new filter starts again at page 1 and keeps the others.
    expect(router.currentRoute.value.query).toEqual({ site: 'hq', user: 'ayse', action: 'user.add', from: '2026-11-01' })
    expect(server.callsTo('GET /api/audit').at(-1)!.query.get('action')).toBe('user.add')

    await wrapper.get('[data-test="audit-clear"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ site: 'hq' })
  })

  it('is for admins only, in the menu and by address', async () => {
    const admin = await mountApp('/', { session: ADMIN, routes: ROUTES })
    expect(admin.wrapper.find('[data-test="nav-audit"]').exists()).toBe(true)
    admin.wrapper.unmount()

    const { wrapper, router, server } = await mountApp('/audit', { session: VIEWER, routes: ROUTES })
    expect(wrapper.find('[data-test="nav-audit"]').exists()).toBe(false)
    expect(router.currentRoute.value.name).toBe('overview')
    expect(server.callsTo('GET /api/audit')).toHaveLength(0)
  })
})

describe('AuditDiff', () => {
  const render = (before: unknown, after: unknown) =>
    mount(AuditDiff, { props: { before, after }, global: { plugins: [createPinia()] } })

  it('shows changed values as old → new and folds long diffs', async () => {
    const before = { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' }
    const after = { a: '10', b: '20', c: '30', d: '40', e: '50', f: '6' }
    const diff = render(before, after)
    const lines = () => diff.findAll('[data-test="diff-line"]').map((l) => l.text())
    expect(lines()).toEqual(['a: 1 → 10', 'b: 2 → 20', 'c: 3 → 30', 'd: 4 → 40'])
    expect(diff.get('[data-test="diff-more"]').text()).toBe('1 more')
    await diff.get('[data-test="diff-more"]').trigger('click')
    expect(lines()).toHaveLength(5)
    expect(diff.get('[data-test="diff-more"]').attributes('aria-expanded')).toBe('true')
  })

  it('marks removed values and shows a dash when nothing changed', () => {
    const removed = render({ cidr: '10.0.0.0/24' }, null)
    expect(removed.get('li').classes()).toContain('removed')
    expect(removed.get('li').text()).toBe('− cidr: 10.0.0.0/24')
    expect(render(null, null).text()).toBe('—')
  })
})
