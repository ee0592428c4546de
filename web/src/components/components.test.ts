import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import AsyncState from './AsyncState.vue'
import CopyableText from './CopyableText.vue'
import DemoBanner from './DemoBanner.vue'
import EmptyInventory from './EmptyInventory.vue'
import PagerNav from './PagerNav.vue'
import ScoreGauge from './ScoreGauge.vue'
import SortHeader from './SortHeader.vue'
import ServiceTable from './asset/ServiceTable.vue'
import { ringSegments } from './topology/ringSegments'
import { GROUP_COLORS } from '../lib/groups'
import { usePreferencesStore } from '../stores/preferences'
import { useSessionStore } from '../stores/session'
import { useSitesStore } from '../stores/sites'
import { ADMIN, VIEWER } from '../test/fakeApi'
import { site } from '../test/fixtures'

const plugins = () => ({ global: { plugins: [createPinia()] } })

function state(patch: Partial<{ data: unknown; error: string; loading: boolean }> = {}) {
  return { data: null, error: '', loading: false, reload: vi.fn(), ...patch }
}

describe('AsyncState', () => {
  it('shows loading, then error with retry, then empty, then content', async () => {
    setActivePinia(createPinia())
    const slots = { default: '<p class="content">rows</p>' }
    const loading = mount(AsyncState, { props: { state: state({ loading: true }) }, slots, ...plugins() })
    expect(loading.find('[data-test="state-loading"]').exists()).toBe(true)
    expect(loading.find('.content').exists()).toBe(false)

    const failed = state({ error: 'database unavailable' })
    const error = mount(AsyncState, { props: { state: failed }, slots, ...plugins() })
    expect(error.get('[role="alert"]').text()).toContain('database unavailable')
    await error.get('button').trigger('click')
    expect(failed.reload).toHaveBeenCalledOnce()

    const empty = mount(AsyncState, {
      props: { state: state({ data: [] }), empty: true, emptyText: 'No rows.' },
      slots,
      ...plugins(),
    })
    expect(empty.get('[data-test="state-empty"]').text()).toBe('No rows.')

    const content = mount(AsyncState, { props: { state: state({ data: [1], loading: true }) }, slots, ...plugins() })
    expect(content.find('.content').exists()).toBe(true)
    expect(content.get('.state-content').classes()).toContain('stale') // reload keeps rows, dimmed
  })
})

describe('SortHeader', () => {
  it('exposes the order with aria-sort and emits its field', async () => {
    const header = mount(SortHeader, { props: { label: 'IP', field: 'ip', sortedBy: 'ip', order: 'desc' } })
    expect(header.get('th').attributes('aria-sort')).toBe('descending')
    await header.get('button').trigger('click')
    expect(header.emitted('sort')).toEqual([['ip']])
    await header.setProps({ sortedBy: 'vendor' })
    expect(header.get('th').attributes('aria-sort')).toBe('none')
  })
})

describe('PagerNav', () => {
  it('disables the ends and never emits a page out of range', async () => {
    setActivePinia(createPinia())
    const pager = mount(PagerNav, { props: { page: 1, perPage: 50, total: 120 }, ...plugins() })
    expect(pager.get('[data-test="prev-page"]').attributes('disabled')).toBeDefined()
    expect(pager.text()).toContain('Page 1 of 3')
    await pager.get('[data-test="next-page"]').trigger('click')
    expect(pager.emitted('go')).toEqual([[2]])
    await pager.setProps({ page: 3 })
    expect(pager.get('[data-test="next-page"]').attributes('disabled')).toBeDefined()
  })
})

describe('CopyableText', () => {
  it('copies the text and says so, or asks the user to copy by hand', async () => {
    setActivePinia(createPinia())
    const writeText = vi.fn(async () => undefined)
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as unknown as Clipboard)
    const box = mount(CopyableText, { props: { text: 'bigr agent register x', testId: 'cmd' }, ...plugins() })
    expect(box.get('[data-test="cmd"]').text()).toBe('bigr agent register x')
    await box.get('[data-test="copy"]').trigger('click')
    await vi.waitFor(() => expect(box.get('[role="status"]').text()).toBe('Copied'))
    expect(writeText).toHaveBeenCalledWith('bigr agent register x')

    writeText.mockRejectedValueOnce(new Error('denied'))
    Object.defineProperty(document, 'execCommand', { value: () => false, configurable: true })
    await box.get('[data-test="copy"]').trigger('click')
    await vi.waitFor(() => expect(box.get('[role="status"]').text()).toContain('copy it by hand'))
  })
})

describe('EmptyInventory', () => {
  function mountAs(session: typeof ADMIN, props: { title?: string } = {}) {
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(session)
    return mount(EmptyInventory, { props, global: { plugins: [pinia] }, attachTo: document.body })
  }

  it('gives admins the button that opens the enrollment dialog, and the local scan command', async () => {
    const panel = mountAs(ADMIN)
    expect(panel.get('[data-test="empty-title"]').text()).toBe('No assets yet')
    expect(panel.get('[data-test="empty-scan-command"]').text()).toBe('bigr scan 192.168.1.0/24')
    expect(panel.text()).toContain('same BIGR_HOME')
    expect(panel.find('[data-test="empty-ask-admin"]').exists()).toBe(false)
    expect(panel.find('[data-test="enroll-dialog"]').exists()).toBe(false)
    await panel.get('[data-test="empty-add-agent"]').trigger('click')
    expect(panel.find('[data-test="enroll-dialog"]').exists()).toBe(true)
    expect(panel.find('[data-test="enroll-form"]').exists()).toBe(true)
  })

  it('tells viewers to ask an admin, and still shows the scan command', () => {
    const panel = mountAs(VIEWER, { title: 'No data yet' })
    expect(panel.get('[data-test="empty-title"]').text()).toBe('No data yet')
    expect(panel.find('[data-test="empty-add-agent"]').exists()).toBe(false)
    expect(panel.find('[data-test="enroll-dialog"]').exists()).toBe(false)
    expect(panel.get('[data-test="empty-ask-admin"]').text()).toContain('ask an admin')
    expect(panel.get('[data-test="empty-scan-command"]').text()).toBe('bigr scan 192.168.1.0/24')
  })

  it('names a selected site other than the one a plain scan writes into', async () => {
    const panel = mountAs(VIEWER)
    useSitesStore().select('hq')
    await panel.vm.$nextTick()
    expect(panel.get('[data-test="empty-scan-command"]').text()).toBe('bigr scan 192.168.1.0/24 --site hq')
  })
})

describe('DemoBanner', () => {
  it('shows while a demo site is in scope, with the remove command, in both languages', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const sites = useSitesStore()
    const banner = mount(DemoBanner, { global: { plugins: [pinia] } })
    expect(banner.find('[data-test="demo-banner"]').exists()).toBe(false)

    sites.sites = [site('hq'), site('demo', { demo: true })]
    await banner.vm.$nextTick()
    const line = banner.get('[data-test="demo-banner"]')
    expect(line.attributes('role')).toBe('status')
    expect(line.text()).toBe('Demo data: this site is generated. Remove it with bigr demo remove.')
    expect(line.get('code').text()).toBe('bigr demo remove')

    usePreferencesStore().setLocale('tr')
    await banner.vm.$nextTick()
    expect(banner.get('[data-test="demo-banner"]').text()).toBe(
      'Demo verisi: bu lokasyon üretilmiştir. bigr demo remove komutuyla kaldırın.',
    )

    sites.select('hq')
    await banner.vm.$nextTick()
    expect(banner.find('[data-test="demo-banner"]').exists()).toBe(false)
  })
})

describe('ScoreGauge', () => {
  it('fills the arc in proportion to the score', () => {
    const gauge = mount(ScoreGauge, { props: { score: 50, grade: 'F', label: 'score 50' } })
    const arc = gauge.get('.gauge-value')
    const [filled, rest] = arc.attributes('stroke-dasharray')!.split(' ').map(Number)
    expect(filled).toBeCloseTo(rest! / 2)
    expect(gauge.get('figure').attributes('aria-label')).toBe('score 50')
  })
})

describe('ringSegments', () => {
  it('splits the ring by group share, end to end', () => {
    const r = 10
    const c = 2 * Math.PI * r
    const segments = ringSegments({ iot: 3, ag_ve_sistemler: 1 }, r)
    expect(segments.map((s) => s.color)).toEqual([GROUP_COLORS.ag_ve_sistemler, GROUP_COLORS.iot])
    const lengths = segments.map((s) => Number(s.dasharray.split(' ')[0]))
    expect(lengths[0]).toBeCloseTo(c / 4)
    expect(lengths[1]).toBeCloseTo((3 * c) / 4)
    expect(segments[1]!.dashoffset).toBeCloseTo(-c / 4)
    expect(ringSegments({}, r)).toEqual([])
  })
})

describe('ServiceTable', () => {
  it('marks a name guessed from the port number, and only that one', () => {
    setActivePinia(createPinia())
    const svc = (port: number, name: string, port_only: boolean) => ({ port, protocol: 'tcp', name, tls: false, port_only })
    const w = mount(ServiceTable, {
      props: { openPorts: [22, 3389], services: [svc(22, 'ssh', false), svc(3389, 'rdp', true)] },
      ...plugins(),
    })
    const rows = w.findAll('[data-test="service-row"]')
    expect(rows[0].find('[data-test="port-only"]').exists()).toBe(false)
    expect(rows[1].text()).toContain('rdp')
    expect(rows[1].find('[data-test="port-only"]').exists()).toBe(true)
  })
})
