import { describe, expect, it } from 'vitest'
import { ADMIN, VIEWER, json } from '../../test/fakeApi'
import { switchView } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const EMPTY_TOPOLOGY = { nodes: [], edges: [], node_kinds: {}, assets: 0, devices_omitted: 0 }

const value = (wrapper: Awaited<ReturnType<typeof mountApp>>['wrapper'], test: string): string =>
  (wrapper.get(`[data-test="${test}"]`).element as HTMLInputElement).value

describe('SwitchesView', () => {
  it('shows role, SNMP summary, VLANs, routed count and the last poll error', async () => {
    const v3router = switchView(1, {
      role: 'router',
      snmp_version: '3',
      snmp_user: 'bigr',
      auth: 'sha256',
      privacy: 'aes128',
      context: 'vlan-10',
      community_set: false,
      routed_count: 42,
      vlans: [
        { id: 20, name: 'iot' },
        { id: 10, name: 'office' },
      ],
      poll_error: 'no answer from 10.0.0.1 (user bigr)',
    })
    const { wrapper } = await mountApp('/switches?site=hq', {
      session: VIEWER,
      routes: { 'GET /api/switches': { switches: [v3router, switchView(2)] }, 'GET /api/topology': EMPTY_TOPOLOGY },
    })
    expect(wrapper.find('[data-test="switch-form"]').exists()).toBe(false)
    const [router, sw] = wrapper.findAll('[data-test="switch-row"]')
    expect(router!.attributes('data-role')).toBe('router')
    expect(router!.get('[data-test="switch-role-badge"]').text()).toBe('Router')
    expect(router!.get('[data-test="switch-snmp"]').text()).toBe('v3 bigr SHA256/AES128')
    expect(router!.text()).toContain('vlan-10')
    expect(router!.get('[data-test="switch-vlans"]').text()).toContain('2')
    expect(router!.get('[data-test="switch-vlans"]').attributes('title')).toBe('10 office, 20 iot')
    expect(router!.get('[data-test="switch-routed"]').text()).toBe('42')
    expect(router!.get('[data-test="switch-poll-error"]').text()).toContain('no answer from 10.0.0.1')
    expect(sw!.get('[data-test="switch-snmp"]').text()).toBe('v2c')
    expect(sw!.find('[data-test="switch-routed"]').exists()).toBe(false)
    expect(sw!.find('[data-test="switch-poll-error"]').exists()).toBe(false)
  })

  it('adds a v3 router: USM fields instead of the community, pass phrases cleared after a refusal too', async () => {
    const { wrapper, server } = await mountApp('/switches?site=hq', {
      session: ADMIN,
      routes: {
        'GET /api/switches': { switches: [] },
        'GET /api/topology': EMPTY_TOPOLOGY,
        'POST /api/switches': json(400, { error: 'authentication pass phrase: at least 8 characters' }),
      },
    })
    await wrapper.get('[data-test="switch-version"]').setValue('3')
    expect(wrapper.find('[data-test="switch-community"]').exists()).toBe(false)
    for (const field of ['switch-auth-pass', 'switch-priv-pass']) {
      const input = wrapper.get(`[data-test="${field}"]`)
      expect(input.attributes('type'), field).toBe('password')
      expect(input.attributes('autocomplete'), field).toBe('new-password')
    }
    await wrapper.get('[data-test="switch-role"]').setValue('router')
    await wrapper.get('[data-test="switch-host"]').setValue('10.0.0.1')
    await wrapper.get('[data-test="switch-user"]').setValue('bigr')
    await wrapper.get('[data-test="switch-auth"]').setValue('sha384')
    await wrapper.get('[data-test="switch-auth-pass"]').setValue('auth-s3cret')
    await wrapper.get('[data-test="switch-privacy"]').setValue('aes256')
    await wrapper.get('[data-test="switch-priv-pass"]').setValue('priv-s3cret')
    await wrapper.get('[data-test="switch-form"]').trigger('submit')
    await settle()

    expect(server.callsTo('POST /api/switches')[0]!.body).toEqual({
      site: 'hq',
      host: '10.0.0.1',
      role: 'router',
      snmp_version: '3',
      label: '',
      usm: { user: 'bigr', auth: 'sha384', auth_pass: 'auth-s3cret', privacy: 'aes256', priv_pass: 'priv-s3cret', context: '' },
    })
    expect(wrapper.get('[data-test="switch-error"]').text()).toBe('authentication pass phrase: at least 8 characters')
    expect(value(wrapper, 'switch-auth-pass')).toBe('')
    expect(value(wrapper, 'switch-priv-pass')).toBe('')
    // The rest stays for a corrected retry; no secret is left in the page.
    expect(value(wrapper, 'switch-host')).toBe('10.0.0.1')
    expect(value(wrapper, 'switch-user')).toBe('bigr')
    expect(wrapper.html()).not.toContain('s3cret')

    // Without privacy there is no privacy pass phrase to fill in.
    await wrapper.get('[data-test="switch-privacy"]').setValue('')
    expect(wrapper.find('[data-test="switch-priv-pass"]').exists()).toBe(false)
  })

  it('clears the community after an accepted v2c switch and reloads the list', async () => {
    const sw = switchView(3)
    const { wrapper, server } = await mountApp('/switches?site=hq', {
      session: ADMIN,
      routes: {
        'GET /api/switches': { switches: [] },
        'GET /api/topology': EMPTY_TOPOLOGY,
        'POST /api/switches': json(201, sw),
      },
    })
    await wrapper.get('[data-test="switch-host"]').setValue('10.0.0.3')
    await wrapper.get('[data-test="switch-community"]').setValue('c0mmunity-s3cret')
    await wrapper.get('[data-test="switch-form"]').trigger('submit')
    await settle()
    expect(server.callsTo('POST /api/switches')[0]!.body).toMatchObject({ role: 'switch', community: 'c0mmunity-s3cret' })
    expect(value(wrapper, 'switch-community')).toBe('')
    expect(value(wrapper, 'switch-host')).toBe('')
    expect(server.callsTo('GET /api/switches')).toHaveLength(2)
    expect(wrapper.html()).not.toContain('s3cret')
  })
})
