import { describe, expect, it } from 'vitest'
import { issue, uuid } from '../test/fixtures'
import {
  assessedHosts,
  evidenceEntries,
  filtersFromQuery,
  filtersToQuery,
  findingRemediation,
  findingsApiQuery,
  formatEpss,
  groupRemediation,
  notAssessed,
  remediationText,
  scoredModules,
  severityCounts,
  shieldCommand,
  sparkline,
  targetText,
  unscoredModules,
} from './shield'

describe('findings filters', () => {
  it('read the URL, defaulting to open findings and dropping what the server would refuse', () => {
    expect(filtersFromQuery({})).toEqual({ severity: '', module: '', status: 'open', asset: '', page: 1 })
    expect(filtersFromQuery({ severity: 'high', module: 'tls', status: 'resolved', asset: uuid(3), page: '4' })).toEqual({
      severity: 'high',
      module: 'tls',
      status: 'resolved',
      asset: uuid(3),
      page: 4,
    })
    expect(filtersFromQuery({ severity: 'urgent', module: 'ssh', status: 'gone', asset: 'not-a-uuid', page: '-1' })).toEqual({
      severity: '',
      module: '',
      status: 'open',
      asset: '',
      page: 1,
    })
  })

  it('write the URL without the defaults, and the API query with `all` as no status', () => {
    const f = { severity: 'critical', module: 'ports', status: 'all', asset: uuid(9), page: 2 } as const
    expect(filtersToQuery(f, 'hq')).toEqual({
      site: 'hq',
      severity: 'critical',
      module: 'ports',
      status: 'all',
      asset: uuid(9),
      page: '2',
    })
    expect(filtersToQuery({ severity: '', module: '', status: 'open', asset: '', page: 1 }, '')).toEqual({})
    expect(findingsApiQuery(f, 'hq', 50)).toEqual({
      site: 'hq',
      severity: 'critical',
      module: 'ports',
      asset: uuid(9),
      status: undefined,
      page: 2,
      per_page: 50,
    })
    expect(findingsApiQuery({ ...f, status: 'open', severity: '', module: '', asset: '' }, '', 25)).toEqual({
      site: undefined,
      severity: undefined,
      module: undefined,
      asset: undefined,
      status: 'open',
      page: 2,
      per_page: 25,
    })
  })
})

describe('remediation language', () => {
  it('picks the UI language and falls back to the other one', () => {
    const r = { en: 'Disable TLS 1.0.', tr: 'TLS 1.0’ı kapatın.' }
    expect(remediationText(r, 'en')).toBe('Disable TLS 1.0.')
    expect(remediationText(r, 'tr')).toBe('TLS 1.0’ı kapatın.')
    expect(remediationText({ en: 'Only English.', tr: '' }, 'tr')).toBe('Only English.')
    expect(remediationText({ en: '', tr: 'Yalnızca Türkçe.' }, 'en')).toBe('Yalnızca Türkçe.')
    expect(remediationText(null, 'en')).toBe('')
  })

  it('uses remediation_tr of a scan finding in Turkish when there is one', () => {
    expect(findingRemediation({ remediation: 'Fix it.', remediation_tr: 'Düzeltin.' }, 'tr')).toBe('Düzeltin.')
    expect(findingRemediation({ remediation: 'Fix it.', remediation_tr: 'Düzeltin.' }, 'en')).toBe('Fix it.')
    expect(findingRemediation({ remediation: 'Fix it.', remediation_tr: null }, 'tr')).toBe('Fix it.')
    expect(findingRemediation({ remediation: 'Fix it.' }, 'tr')).toBe('Fix it.')
  })
})

describe('groupRemediation', () => {
  it('groups open findings by check into quick wins and important fixes, worst and widest first', () => {
    const issues = [
      issue(1), // tls10 quick win, high
      issue(2),
      issue(2, { id: uuid(1050), port: 8443 }), // same host, other port: one host
      issue(3, { check_id: 'headers.hsts_missing', module: 'headers', severity: 'medium', title: 'HSTS missing' }),
      issue(4, { check_id: 'tls.cert.expired', severity: 'critical', title: 'Certificate expired', priority: 'important_fix' }),
      issue(5, {
        check_id: 'ports.excessive',
        module: 'ports',
        severity: 'medium',
        priority: 'important_fix',
        title: 'Many ports',
      }),
      issue(6, { check_id: 'ports.excessive', module: 'ports', severity: 'low', priority: 'important_fix', title: 'Many ports' }),
      issue(7, { status: 'resolved', check_id: 'tls.protocol.sslv3', severity: 'critical' }), // left out
      issue(8, { target_ip: null, asset_id: null, check_id: 'dns.x', module: 'dns', severity: 'low', title: 'No host' }),
    ]
    const plan = groupRemediation(issues)
    expect(plan.quickWins.map((g) => [g.checkId, g.severity, g.hosts.length, g.findings])).toEqual([
      ['tls.protocol.tls10', 'high', 2, 3],
      ['headers.hsts_missing', 'medium', 1, 1],
      ['dns.x', 'low', 0, 1],
    ])
    expect(plan.importantFixes.map((g) => [g.checkId, g.severity, g.hosts.length])).toEqual([
      ['tls.cert.expired', 'critical', 1],
      ['ports.excessive', 'medium', 2],
    ])
    expect(plan.quickWins[0]!.hosts).toEqual([
      { ip: '10.0.0.1', assetId: uuid(1) },
      { ip: '10.0.0.2', assetId: uuid(2) },
    ])
    expect(plan.quickWins[0]!.remediation.en).toMatch(/Disable TLS 1.0/)
  })

  it('is empty without open findings', () => {
    expect(groupRemediation([issue(1, { status: 'resolved' })])).toEqual({ quickWins: [], importantFixes: [] })
  })
})

describe('posture helpers', () => {
  it('lists scored modules in display order and names the rest as not assessed', () => {
    const scores = { headers: 92, tls: 85, zz_new: 50 }
    expect(scoredModules(scores)).toEqual([
      ['tls', 85],
      ['headers', 92],
      ['zz_new', 50],
    ])
    expect(unscoredModules(scores)).toEqual(['ports', 'dns', 'cve', 'creds', 'owasp'])
  })

  it('counts every severity, zeros included', () => {
    expect(severityCounts({ high: 2, low: 1 })).toEqual([
      ['critical', 0],
      ['high', 2],
      ['medium', 0],
      ['low', 1],
      ['info', 0],
    ])
  })

  it('draws the trend on the full 0–100 scale, oldest on the left', () => {
    const line = sparkline(
      [
        { at: 'a', score: 0, grade: 'F' },
        { at: 'b', score: 100, grade: 'A+' },
      ],
      100,
      20,
      0,
    )
    expect(line.path).toBe('M0 20 L100 0')
    expect(sparkline([{ at: 'a', score: 50, grade: 'D' }], 100, 20, 0).points).toEqual([{ x: 50, y: 10, score: 50 }])
    expect(sparkline([], 100, 20).path).toBe('')
  })
})

describe('text helpers', () => {
  it('shows evidence as key / text pairs', () => {
    expect(
      evidenceEntries({ protocol: 'TLSv1.0', port: 443, weak: true, ciphers: ['RC4', 'DES'], nested: { a: 1 }, none: null }),
    ).toEqual([
      ['protocol', 'TLSv1.0'],
      ['port', '443'],
      ['weak', 'true'],
      ['ciphers', 'RC4, DES'],
      ['nested', '{"a":1}'],
      ['none', '—'],
    ])
    expect(evidenceEntries(null)).toEqual([])
  })

  it('writes targets, EPSS and the scan command', () => {
    expect(targetText('10.0.0.5', 443)).toBe('10.0.0.5:443')
    expect(targetText('10.0.0.5', null)).toBe('10.0.0.5')
    expect(targetText('fe80::1', 443)).toBe('[fe80::1]:443')
    expect(targetText(null, null)).toBe('—')
    expect(formatEpss(0.00043, 'en')).toBe('0.04%')
    expect(formatEpss(0.5, 'tr')).toBe('%50')
    expect(shieldCommand('', 'local')).toBe('bigr shield 192.168.1.0/24')
    expect(shieldCommand('local', 'local')).toBe('bigr shield 192.168.1.0/24')
    expect(shieldCommand('branch office', 'local')).toBe("bigr shield 192.168.1.0/24 --site 'branch office'")
  })

  it('reads the loosely typed host and not-assessed lists of a scan', () => {
    expect(assessedHosts([{ ip: '10.0.0.5', modules: ['tls', 'ports'] }, { ip: '10.0.0.6' }])).toEqual([
      { ip: '10.0.0.5', modules: ['tls', 'ports'] },
      { ip: '10.0.0.6', modules: [] },
    ])
    expect(
      notAssessed([
        { target: '10.0.0.9:443', module: 'tls', reason: 'timed out' },
        { target: 'x', module: null, reason: 'unreachable' },
      ]),
    ).toEqual([
      { target: '10.0.0.9:443', module: 'tls', reason: 'timed out' },
      { target: 'x', module: null, reason: 'unreachable' },
    ])
    expect(assessedHosts(undefined)).toEqual([])
  })
})
