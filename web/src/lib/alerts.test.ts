import { describe, expect, it } from 'vitest'
import { rule, uuid } from '../test/fixtures'
import {
  alertAssetId,
  alertFacts,
  alertFiltersFromQuery,
  alertFiltersToQuery,
  alertsApiQuery,
  channelBody,
  emptyChannelForm,
  isLive,
  ruleChange,
  ruleForm,
  recipientList,
  ruleSource,
} from './alerts'

describe('alert filters', () => {
  it('read the URL, dropping what the server would refuse, with live alerts by default', () => {
    expect(alertFiltersFromQuery({})).toEqual({ status: 'active', kind: '', severity: '', page: 1 })
    expect(alertFiltersFromQuery({ status: 'resolved', kind: 'risky_port', severity: 'high', page: '3' })).toEqual({
      status: 'resolved',
      kind: 'risky_port',
      severity: 'high',
      page: 3,
    })
    expect(alertFiltersFromQuery({ status: 'bogus', kind: 'quantum', severity: 'meh', page: '-1' })).toEqual({
      status: 'active',
      kind: '',
      severity: '',
      page: 1,
    })
  })

  it('write short URLs and send "all" as no status', () => {
    const f = { status: 'active', kind: '', severity: '', page: 1 } as const
    expect(alertFiltersToQuery(f, '')).toEqual({})
    expect(alertFiltersToQuery({ ...f, status: 'all', page: 2 }, 'hq')).toEqual({ site: 'hq', status: 'all', page: '2' })
    expect(alertsApiQuery({ ...f, status: 'all' }, '', 50)).toEqual({
      site: undefined,
      status: undefined,
      kind: undefined,
      severity: undefined,
      page: 1,
      per_page: 50,
    })
    expect(alertsApiQuery({ ...f, kind: 'new_device' }, 'hq', 50)).toMatchObject({
      site: 'hq',
      status: 'active',
      kind: 'new_device',
    })
  })

  it('know which alerts are live', () => {
    expect(['open', 'acknowledged', 'resolved'].map((status) => isLive({ status }))).toEqual([true, true, false])
  })
})

describe('alert detail', () => {
  it('sums up the facts worth a glance, in order', () => {
    expect(alertFacts({ ip: '10.0.0.5', port: 23, service: 'telnet', mac: 'aa:bb', vendor: 'Acme', hostname: 'pr-1' })).toEqual([
      '10.0.0.5:23 (telnet)',
      'aa:bb',
      'Acme',
      'pr-1',
    ])
    expect(alertFacts({ ip: 'fe80::1', port: 443 })).toEqual(['[fe80::1]:443'])
    expect(alertFacts({ agent: 'edge-1', state: 'offline' })).toEqual(['edge-1'])
    expect(alertFacts({ ip: null, vendor: '  ', extra: { nested: true } })).toEqual([])
    expect(alertFacts(null)).toEqual([])
    expect(alertFacts(['10.0.0.1'])).toEqual([])
  })

  it('links the asset only for a real id', () => {
    expect(alertAssetId({ asset_id: uuid(1) })).toBe(uuid(1))
    expect(alertAssetId({ asset_id: '../../admin' })).toBeNull()
    expect(alertAssetId({})).toBeNull()
  })
})

describe('rule forms', () => {
  it('round-trip the options of new devices, one entry per line', () => {
    const r = rule('new_device', { params: { unknown_vendor_only: true, approved_vendors: ['Apple', 'HP'] } })
    const form = ruleForm(r)
    expect(form).toMatchObject({ enabled: true, severity: 'medium', unknownVendorOnly: true, vendors: 'Apple\nHP', macs: '' })
    form.macs = ' aa:bb:cc:dd:ee:ff \n\naa:bb:cc:dd:ee:ff'
    expect(ruleChange('new_device', form)).toEqual({
      enabled: true,
      severity: 'medium',
      params: { unknown_vendor_only: true, approved_vendors: ['Apple', 'HP'], approved_macs: ['aa:bb:cc:dd:ee:ff'] },
    })
  })

  it('send days for certificates (30 unless set) and no options for other kinds', () => {
    const form = ruleForm(rule('cert_expiring'))
    expect(form.days).toBe(30)
    expect(ruleChange('cert_expiring', { ...form, days: '7' }).params).toEqual({ days: 7 })
    expect(ruleChange('cert_expiring', { ...form, days: '' }).params).toEqual({})
    expect(ruleChange('risky_port', { ...ruleForm(rule('risky_port')), enabled: false })).toEqual({
      enabled: false,
      severity: 'medium',
    })
  })

  it('name where a rule comes from', () => {
    expect(ruleSource(rule('scan_partial'))).toBe('default')
    expect(ruleSource(rule('scan_partial', { stored: true }))).toBe('global')
    expect(ruleSource(rule('scan_partial', { stored: true, site: 'hq' }))).toBe('site')
  })
})

describe('channel form', () => {
  it('sends only the fields of the kind', () => {
    const form = { ...emptyChannelForm(), name: ' hook ', url: ' https://x.example/h ', address: 'udp://a:1' }
    expect(channelBody(form)).toEqual({ kind: 'webhook', name: 'hook', url: 'https://x.example/h', min_severity: 'low' })
    expect(channelBody({ ...form, hmacKey: '0123456789abcdef' }).hmac_key).toBe('0123456789abcdef')
    expect(channelBody({ ...form, kind: 'teams', hmacKey: '0123456789abcdef' })).toEqual({
      kind: 'teams',
      name: 'hook',
      url: 'https://x.example/h',
      min_severity: 'low',
    })
    expect(channelBody({ ...form, kind: 'syslog', site: 'hq', minSeverity: 'high' })).toEqual({
      kind: 'syslog',
      name: 'hook',
      site: 'hq',
      address: 'udp://a:1',
      min_severity: 'high',
    })
  })

  it('sends an e-mail channel as the nested relay settings, recipients as a list', () => {
    const form = {
      ...emptyChannelForm('hq'),
      kind: 'smtp' as const,
      name: ' mail ',
      url: 'https://left.over/h',
      hmacKey: '0123456789abcdef',
      address: 'udp://a:1',
      smtpHost: ' mail.example.com ',
      smtpFrom: ' bigr@example.com ',
      smtpTo: 'soc@example.com, it@example.com\n\n ops@example.com ,soc@example.com',
    }
    // Defaults: STARTTLS, Turkish, no port (the server's 587), no login, no CA.
    expect(channelBody(form)).toEqual({
      kind: 'smtp',
      name: 'mail',
      site: 'hq',
      min_severity: 'low',
      smtp: {
        host: 'mail.example.com',
        security: 'starttls',
        from: 'bigr@example.com',
        to: ['soc@example.com', 'it@example.com', 'ops@example.com'],
        lang: 'tr',
      },
    })
    const full = channelBody({
      ...form,
      smtpPort: 2525,
      smtpSecurity: 'tls',
      smtpUsername: ' bigr ',
      smtpPassword: ' s3cret ',
      smtpLang: 'en',
      smtpCaPem: '\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    })
    expect(full.smtp).toEqual({
      host: 'mail.example.com',
      port: 2525,
      security: 'tls',
      username: 'bigr',
      password: ' s3cret ',
      from: 'bigr@example.com',
      to: ['soc@example.com', 'it@example.com', 'ops@example.com'],
      lang: 'en',
      ca_pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    })
    expect(full).not.toHaveProperty('url')
    expect(full).not.toHaveProperty('hmac_key')
    expect(full).not.toHaveProperty('address')
    // A cleared number input is "": the server's port for the security.
    expect(channelBody({ ...form, smtpPort: '' }).smtp).not.toHaveProperty('port')
    // No credentials without encryption.
    const plain = channelBody({ ...form, smtpSecurity: 'none', smtpUsername: 'bigr', smtpPassword: 'pw' }).smtp!
    expect(plain.security).toBe('none')
    expect(plain).not.toHaveProperty('username')
    expect(plain).not.toHaveProperty('password')
    // Other kinds carry no relay settings.
    expect(channelBody({ ...form, kind: 'syslog' })).not.toHaveProperty('smtp')
  })

  it('reads recipients separated by commas, semicolons or lines', () => {
    expect(recipientList(' a@x.example,b@y.example;\r\nc@z.example\n\n, ,a@x.example ')).toEqual([
      'a@x.example',
      'b@y.example',
      'c@z.example',
    ])
    expect(recipientList('  \n , ')).toEqual([])
  })
})
