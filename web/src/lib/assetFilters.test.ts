import { describe, expect, it } from 'vitest'
import { EMPTY_FILTERS, dataQuery, filtersFromQuery, filtersToQuery, isFiltered, nextSort } from './assetFilters'

describe('asset filters and the URL', () => {
  it('reads every filter from the query, ignoring junk', () => {
    const f = filtersFromQuery({
      q: 'cam',
      category: 'iot',
      device_type: 'camera',
      subnet: '10.0.0.0/24',
      vlan: '20',
      confidence: 'low',
      missing: 'true',
      sort: 'vendor',
      order: 'desc',
      page: '3',
      per_page: '100',
    })
    expect(f).toEqual({
      q: 'cam',
      category: 'iot',
      device_type: 'camera',
      subnet: '10.0.0.0/24',
      vlan: '20',
      confidence: 'low',
      missing: 'true',
      sort: 'vendor',
      order: 'desc',
      page: 3,
      per_page: 100,
    })
    expect(
      filtersFromQuery({ sort: 'password', order: 'sideways', page: '-2', missing: 'maybe', per_page: '9999', vlan: '4095' }),
    ).toEqual({
      ...EMPTY_FILTERS,
      per_page: 500,
    })
  })

  it('round-trips through the query and keeps the global site', () => {
    const f = { ...EMPTY_FILTERS, q: ' printer ', category: 'iot', sort: 'last_seen' as const, order: 'desc' as const, page: 2 }
    const query = filtersToQuery(f, 'hq')
    expect(query).toEqual({ site: 'hq', q: 'printer', category: 'iot', sort: 'last_seen', order: 'desc', page: '2' })
    expect(filtersFromQuery(query as Record<string, string>)).toEqual({ ...f, q: 'printer' })
  })

  it('keeps defaults out of the URL', () => {
    expect(filtersToQuery(EMPTY_FILTERS, '')).toEqual({})
  })

  it('builds the /api/data query', () => {
    expect(dataQuery({ ...EMPTY_FILTERS, missing: 'false', subnet: '10.1.0.0/16' }, 'hq')).toEqual({
      site: 'hq',
      q: undefined,
      category: undefined,
      device_type: undefined,
      subnet: '10.1.0.0/16',
      vlan: undefined,
      confidence: undefined,
      missing: false,
      sort: undefined,
      order: undefined,
    })
  })

  it('knows when anything narrows the list', () => {
    expect(isFiltered(EMPTY_FILTERS, '')).toBe(false)
    expect(isFiltered(EMPTY_FILTERS, 'hq')).toBe(true)
    expect(isFiltered({ ...EMPTY_FILTERS, missing: 'true' }, '')).toBe(true)
    expect(isFiltered({ ...EMPTY_FILTERS, vlan: '20' }, '')).toBe(true)
  })

  it('keeps the VLAN filter in the URL and sends it as a number', () => {
    const f = { ...EMPTY_FILTERS, vlan: '20' }
    expect(filtersToQuery(f, 'hq')).toEqual({ site: 'hq', vlan: '20' })
    expect(dataQuery(f, '').vlan).toBe(20)
    for (const junk of ['0', '4095', 'ten', '1e2', '-5']) expect(filtersFromQuery({ vlan: junk }).vlan, junk).toBe('')
  })

  it('flips the order on the same column and starts new columns at their natural order', () => {
    expect(nextSort(EMPTY_FILTERS, 'ip')).toEqual({ sort: 'ip', order: 'asc' })
    expect(nextSort(EMPTY_FILTERS, 'last_seen')).toEqual({ sort: 'last_seen', order: 'desc' })
    expect(nextSort({ ...EMPTY_FILTERS, sort: 'ip', order: 'asc' }, 'ip')).toEqual({ sort: 'ip', order: 'desc' })
  })
})
