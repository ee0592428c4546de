import { describe, expect, it } from 'vitest'
import { AUDIT_PREFIXES, auditDiff } from './audit'

describe('auditDiff', () => {
  it('lists only what changed, nested settings by their dotted path', () => {
    const before = { ports: null, targets: ['10.0.0.0/24'], shield: { preset: null, every_hours: null }, rate: 100 }
    const after = {
      ports: '22',
      targets: ['10.0.0.0/24', '10.1.0.0/24'],
      shield: { preset: 'quick', every_hours: null },
      rate: 100,
    }
    expect(auditDiff(before, after)).toEqual([
      { path: 'ports', before: null, after: '22' },
      { path: 'targets', before: '10.0.0.0/24', after: '10.0.0.0/24, 10.1.0.0/24' },
      { path: 'shield.preset', before: null, after: 'quick' },
    ])
  })

  it('shows an added object as its values and a removed one as what it was', () => {
    expect(auditDiff(null, { cidr: '10.0.0.0/24', label: 'core', vlan_id: null })).toEqual([
      { path: 'cidr', before: null, after: '10.0.0.0/24' },
      { path: 'label', before: null, after: 'core' },
    ])
    expect(auditDiff({ host: '10.0.0.2', community: '…' }, undefined)).toEqual([
      { path: 'host', before: '10.0.0.2', after: null },
      { path: 'community', before: '…', after: null },
    ])
  })

  it('handles bare values, unset values, lists of objects and long text', () => {
    expect(auditDiff('viewer', 'admin')).toEqual([{ path: '', before: 'viewer', after: 'admin' }])
    expect(auditDiff(undefined, null)).toEqual([])
    expect(auditDiff({ a: [] }, { a: {} })).toEqual([])
    expect(auditDiff({}, { days: [{ d: 'mon' }] })).toEqual([{ path: 'days', before: null, after: '[{"d":"mon"}]' }])
    const long = auditDiff(null, { note: 'x'.repeat(200) })[0]!.after!
    expect(long).toHaveLength(80)
    expect(long.endsWith('…')).toBe(true)
  })

  it('offers one prefix per family of actions', () => {
    expect(AUDIT_PREFIXES).toContain('agent.')
    expect(AUDIT_PREFIXES).not.toContain('logout.')
    expect(new Set(AUDIT_PREFIXES).size).toBe(AUDIT_PREFIXES.length)
    for (const prefix of AUDIT_PREFIXES) expect(prefix).toMatch(/^[a-z_]+\.$/)
  })
})
