import { describe, expect, it } from 'vitest'
import { countByState } from './agents'
import { certQuery } from './certFilters'
import { changeDetail } from './changes'
import { groupColor, groupCounts } from './groups'
import { weekSummary } from './weekSummary'

describe('weekSummary', () => {
  it('sums the daily counts and derives "changed" from the change-log total', () => {
    const report = {
      new_vs_missing: [
        { date: '2026-11-20', new: 2, missing: 1, returned: 0 },
        { date: '2026-11-21', new: 1, missing: 0, returned: 1 },
      ],
    }
    expect(weekSummary(report, 12)).toEqual({ new: 3, missing: 1, returned: 1, changed: 7 })
    expect(weekSummary(report, 2).changed).toBe(0) // never negative
  })
})

describe('groupCounts', () => {
  it('lists every BİGR group in order, then unknown keys', () => {
    expect(groupCounts({ iot: 4, zzz: 1, ag_ve_sistemler: 2 })).toEqual([
      ['ag_ve_sistemler', 2],
      ['uygulamalar', 0],
      ['iot', 4],
      ['tasinabilir', 0],
      ['unclassified', 0],
      ['zzz', 1],
    ])
  })

  it('gives unknown groups the unclassified colour', () => {
    expect(groupColor('zzz')).toBe(groupColor('unclassified'))
    expect(groupColor('iot')).not.toBe(groupColor('unclassified'))
  })
})

describe('countByState', () => {
  it('counts agents per state, listing empty states too', () => {
    const counts = countByState([{ state: 'online' }, { state: 'online' }, { state: 'revoked' }])
    expect(Object.fromEntries(counts)).toEqual({ online: 2, stale: 0, offline: 0, pending: 0, revoked: 1 })
  })
})

describe('certQuery', () => {
  it('maps presets to the API filter', () => {
    expect(certQuery('expired')).toEqual({ expiring_days: 0 })
    expect(certQuery('within7')).toEqual({ expiring_days: 7 })
    expect(certQuery('within30')).toEqual({ expiring_days: 30 })
    expect(certQuery('selfSigned')).toEqual({ self_signed: true })
    expect(certQuery('all')).toEqual({})
  })
})

describe('changeDetail', () => {
  it('describes field changes, value changes and bare values', () => {
    expect(changeDetail({ field: 'hostname', old_value: 'a', new_value: 'b' })).toBe('hostname: a → b')
    expect(changeDetail({ field: null, old_value: '10.0.0.1', new_value: '10.0.0.2' })).toBe('10.0.0.1 → 10.0.0.2')
    expect(changeDetail({ field: 'ports', old_value: null, new_value: '22,80' })).toBe('ports: 22,80')
    expect(changeDetail({ field: 'vendor', old_value: 'x', new_value: null })).toBe('vendor: x → —')
    expect(changeDetail({ field: null, old_value: null, new_value: null })).toBe('')
  })
})
