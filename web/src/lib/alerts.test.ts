import { describe, expect, it } from 'vitest'
import { rule, uuid } from '../test/fixtures'
import {
  alertAssetId,
  alertFacts,
  alertFiltersFromQuery,
  alertFiltersToQuery,
  alertsApiQuery,
  channelBody,
  deliveryTone,
  describeSchedule,
  detailTime,
  emptyChannelForm,
  gradeDrop,
  isDefaultSchedule,
  isLive,
  ruleChange,
  ruleForm,
  recipientList,
  ruleSource,
  scheduleBody,
  scheduleForm,
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

  it('take the newer kinds', () => {
    expect(alertFiltersFromQuery({ kind: 'scan_failed' }).kind).toBe('scan_failed')
    expect(alertFiltersFromQuery({ kind: 'grade_drop' }).kind).toBe('grade_drop')
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

  it('reads a grade drop and when a scan failed', () => {
    expect(gradeDrop({ from: 'A', to: 'C', score: 55.0, assets: 20 })).toEqual({ from: 'A', to: 'C', score: 55, assets: 20 })
    expect(gradeDrop({ from: 'B', to: 'D' })).toEqual({ from: 'B', to: 'D', score: null, assets: null })
    expect(gradeDrop({ to: 'C' })).toBeNull()
    expect(gradeDrop(null)).toBeNull()
    const failed = { agent_id: uuid(7), agent: 'edge-1', at: '2026-12-04T10:17:00Z', reason: 'nmap exited with 1' }
    expect(detailTime(failed, 'at')).toBe('2026-12-04T10:17:00Z')
    expect(detailTime({ at: 'yesterday' }, 'at')).toBe('')
    expect(detailTime({ at: null }, 'at')).toBe('')
    // The agent is a fact like any other; the reason is in the title already.
    expect(alertFacts(failed)).toEqual(['edge-1'])
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

describe('delivery log', () => {
  it('styles a held message as waiting by design and a digested one as done', () => {
    expect(['sent', 'digested', 'failed', 'pending', 'sending', 'held'].map(deliveryTone)).toEqual([
      'ok',
      'ok',
      'danger',
      'warn',
      'warn',
      '',
    ])
  })
})

describe('channel schedules', () => {
  it('read every digest mode in both languages, with and without quiet hours', () => {
    const quiet = { quiet_hours: '22:00-07:00' }
    expect(describeSchedule({ digest: 'off' }, 'tr')).toBe('Hemen')
    expect(describeSchedule({ digest: 'off' }, 'en')).toBe('At once')
    expect(describeSchedule({}, 'en')).toBe('At once')
    expect(describeSchedule({ digest: 'hourly' }, 'tr')).toBe('Saatlik özet')
    expect(describeSchedule({ digest: 'hourly' }, 'en')).toBe('Hourly digest')
    expect(describeSchedule({ digest: 'daily' }, 'tr')).toBe('Günlük özet 08:00')
    expect(describeSchedule({ digest: 'daily', daily_at: '18:30' }, 'en')).toBe('Daily digest at 18:30')
    expect(describeSchedule({ digest: 'off', ...quiet }, 'tr')).toBe('Hemen, sessiz saatler 22:00-07:00')
    expect(describeSchedule({ digest: 'off', ...quiet }, 'en')).toBe('At once, quiet 22:00-07:00')
    expect(describeSchedule({ digest: 'hourly', ...quiet }, 'en')).toBe('Hourly digest, quiet 22:00-07:00')
    expect(describeSchedule({ digest: 'daily', ...quiet }, 'tr')).toBe('Günlük özet 08:00, sessiz saatler 22:00-07:00')
    expect(describeSchedule({ digest: 'daily', ...quiet }, 'en')).toBe('Daily digest at 08:00, quiet 22:00-07:00')
  })

  it('name the zone and the urgent severity only when they differ from the defaults and matter', () => {
    expect(describeSchedule({ digest: 'daily', timezone: 'UTC', urgent: 'high' }, 'en')).toBe(
      'Daily digest at 08:00 (UTC), high and above at once',
    )
    expect(describeSchedule({ digest: 'hourly', urgent: 'high' }, 'tr')).toBe('Saatlik özet, yüksek ve üstü hemen')
    // The server's own defaults, said out loud, are left out.
    expect(describeSchedule({ digest: 'daily', timezone: 'Europe/Istanbul', urgent: 'critical' }, 'en')).toBe(
      'Daily digest at 08:00',
    )
    // Nothing is held: neither the zone nor the urgent severity changes anything.
    expect(describeSchedule({ digest: 'off', timezone: 'UTC', urgent: 'high' }, 'en')).toBe('At once')
  })

  it('round-trip a stored schedule through the form', () => {
    expect(scheduleForm()).toEqual({
      digest: 'off',
      dailyAt: '08:00',
      quietFrom: '',
      quietTo: '',
      timezone: '',
      urgent: 'critical',
    })
    const stored = { digest: 'daily', daily_at: '18:30', quiet_hours: '22:00-07:00', timezone: 'UTC', urgent: 'high' } as const
    expect(scheduleForm(stored)).toEqual({
      digest: 'daily',
      dailyAt: '18:30',
      quietFrom: '22:00',
      quietTo: '07:00',
      timezone: 'UTC',
      urgent: 'high',
    })
    expect(scheduleBody(scheduleForm(stored))).toEqual(stored)
  })

  it('send only what applies: the daily time for daily digests, quiet hours with both ends', () => {
    const form = scheduleForm()
    expect(scheduleBody(form)).toEqual({ digest: 'off' })
    expect(scheduleBody({ ...form, digest: 'hourly', dailyAt: '09:00' })).toEqual({ digest: 'hourly' })
    expect(scheduleBody({ ...form, digest: 'daily' })).toEqual({ digest: 'daily', daily_at: '08:00' })
    expect(scheduleBody({ ...form, quietFrom: '22:00', quietTo: '07:00' })).toEqual({ digest: 'off', quiet_hours: '22:00-07:00' })
    expect(scheduleBody({ ...form, quietFrom: '22:00' })).toEqual({ digest: 'off' })
    expect(scheduleBody({ ...form, timezone: '  America/New_York ', urgent: 'medium' })).toEqual({
      digest: 'off',
      timezone: 'America/New_York',
      urgent: 'medium',
    })
  })

  it('leave a new channel without a schedule unless one was changed from the defaults', () => {
    const form = { ...emptyChannelForm(), name: 'hook', url: 'https://x.example/h' }
    expect(channelBody(form)).not.toHaveProperty('schedule')
    // A daily time typed while digests are off changes nothing.
    expect(channelBody({ ...form, schedule: { ...form.schedule, dailyAt: '09:00' } })).not.toHaveProperty('schedule')
    expect(channelBody({ ...form, schedule: { ...form.schedule, quietFrom: '22:00', quietTo: '07:00' } }).schedule).toEqual({
      digest: 'off',
      quiet_hours: '22:00-07:00',
    })
    expect(channelBody({ ...form, schedule: { ...form.schedule, digest: 'hourly' } }).schedule).toEqual({ digest: 'hourly' })
    expect(isDefaultSchedule({ digest: 'off' })).toBe(true)
    expect(isDefaultSchedule({})).toBe(true)
    expect(isDefaultSchedule({ digest: 'off', urgent: 'high' })).toBe(false)
  })
})
