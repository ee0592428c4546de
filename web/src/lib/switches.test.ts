import { describe, expect, it } from 'vitest'
import { switchView } from '../test/fixtures'
import { clearSecrets, emptySwitchForm, resetAfterAdd, snmpSummary, switchBody, vlanNameMap, vlanNames } from './switches'

describe('switch form ↔ POST /api/switches', () => {
  it('sends the community for v2c and no USM user', () => {
    const form = { ...emptySwitchForm(), host: ' 10.0.0.2 ', community: 'public-ish', label: ' core ' }
    expect(switchBody(form, 'hq')).toEqual({
      site: 'hq',
      host: '10.0.0.2',
      role: 'switch',
      snmp_version: '2c',
      label: 'core',
      community: 'public-ish',
    })
  })

  it('sends a USM user for v3, with privacy and its pass phrase only when privacy is chosen', () => {
    const form = {
      ...emptySwitchForm(),
      site: 'izmir',
      host: '10.0.0.1',
      role: 'router' as const,
      version: '3' as const,
      community: 'left-over',
      user: ' bigr ',
      auth: 'sha512' as const,
      authPass: 'auth-secret',
      privacy: 'aes256' as const,
      privPass: 'priv-secret',
      context: ' vlan-10 ',
    }
    const body = switchBody(form, 'hq')
    expect(body).toEqual({
      site: 'izmir',
      host: '10.0.0.1',
      role: 'router',
      snmp_version: '3',
      label: '',
      usm: {
        user: 'bigr',
        auth: 'sha512',
        auth_pass: 'auth-secret',
        privacy: 'aes256',
        priv_pass: 'priv-secret',
        context: 'vlan-10',
      },
    })
    expect(body).not.toHaveProperty('community')

    const authOnly = switchBody({ ...form, privacy: '' }, 'hq')
    expect(authOnly.usm).toEqual({ user: 'bigr', auth: 'sha512', auth_pass: 'auth-secret', privacy: null, context: 'vlan-10' })
    expect(JSON.stringify(authOnly)).not.toContain('priv-secret')
  })

  it('forgets every secret after a submission, and host and label after an added one', () => {
    const form = {
      ...emptySwitchForm(),
      host: '10.0.0.9',
      label: 'edge',
      version: '3' as const,
      user: 'bigr',
      community: 'c0mmunity',
      authPass: 'auth-secret',
      privPass: 'priv-secret',
    }
    clearSecrets(form)
    expect([form.community, form.authPass, form.privPass]).toEqual(['', '', ''])
    expect([form.host, form.user, form.version]).toEqual(['10.0.0.9', 'bigr', '3'])
    resetAfterAdd(form)
    expect([form.host, form.label, form.user, form.version]).toEqual(['', '', 'bigr', '3'])
  })
})

describe('switch list', () => {
  it('summarises SNMP settings without any secret', () => {
    expect(snmpSummary(switchView(1))).toBe('v2c')
    expect(snmpSummary(switchView(1, { snmp_version: '1' }))).toBe('v1')
    expect(snmpSummary(switchView(1, { snmp_version: '3', snmp_user: 'bigr', auth: 'sha256', privacy: 'aes128' }))).toBe(
      'v3 bigr SHA256/AES128',
    )
    expect(snmpSummary(switchView(1, { snmp_version: '3', snmp_user: 'bigr', auth: 'sha1', privacy: null }))).toBe('v3 bigr SHA1')
  })

  it('names VLANs in id order, and finds a name for each id across switches', () => {
    const vlans = [{ id: 30, name: 'servers' }, { id: 10, name: 'office' }, { id: 99 }]
    expect(vlanNames(vlans)).toBe('10 office, 30 servers, 99')
    const names = vlanNameMap([switchView(1, { vlans: [{ id: 10 }] }), switchView(2, { vlans })])
    expect([...names].sort()).toEqual([
      [10, 'office'],
      [30, 'servers'],
    ])
  })
})
