import { describe, expect, it } from 'vitest'
import { ApiClient } from '../api'
import { fakeApi } from '../test/fakeApi'
import { asset } from '../test/fixtures'
import { EXPORT_PAGE_SIZE, assetsToCsv, exportFilename, fetchAllAssets } from './assetExport'

/** A server holding `count` assets, paging like the real one. */
function server(count: number) {
  const all = Array.from({ length: count }, (_, i) => asset(i + 1))
  const client = new ApiClient()
  const fake = fakeApi(
    {
      'GET /api/data': (req) => {
        const page = Number(req.query.get('page'))
        const per = Number(req.query.get('per_page'))
        return { items: all.slice((page - 1) * per, page * per), total: count, page, per_page: per, category_summary: {} }
      },
    },
    client,
  )
  return { client, fake }
}

describe('fetchAllAssets', () => {
  it('walks pages of 500 until the total, keeping the filter', async () => {
    const { client, fake } = server(1203)
    const progress: number[] = []
    const items = await fetchAllAssets(
      client,
      { site: 'hq', category: 'iot', sort: 'ip' },
      {
        onProgress: (done) => progress.push(done),
      },
    )
    expect(items).toHaveLength(1203)
    expect(fake.calls.map((c) => c.query.get('page'))).toEqual(['1', '2', '3'])
    for (const c of fake.calls) {
      expect(c.query.get('per_page')).toBe(String(EXPORT_PAGE_SIZE))
      expect(c.query.get('site')).toBe('hq')
      expect(c.query.get('category')).toBe('iot')
    }
    expect(progress).toEqual([500, 1000, 1203])
  })

  it('makes one request for an empty inventory', async () => {
    const { client, fake } = server(0)
    expect(await fetchAllAssets(client, {})).toEqual([])
    expect(fake.calls).toHaveLength(1)
  })
})

describe('assetsToCsv', () => {
  it('writes one row per asset with a header, quoting and formula protection', () => {
    const csv = assetsToCsv([asset(1, { hostname: '=cmd|calc', vendor: 'Acme, Inc.', open_ports: [22, 80], category: 'iot' })])
    const [header, row] = csv.replace('\uFEFF', '').trimEnd().split('\r\n')
    expect(header!.split(',').slice(0, 5)).toEqual(['ip', 'mac', 'vendor', 'hostname', 'group'])
    expect(row).toContain('10.0.0.1,,"Acme, Inc.",\'=cmd|calc,iot')
    expect(row).toContain(',22 80,')
  })
})

describe('exportFilename', () => {
  it('names the file after the site and day, safely', () => {
    expect(exportFilename('hq', '2026-11-23')).toBe('bigr-assets-hq-2026-11-23.csv')
    expect(exportFilename('İstanbul ofis/../', '2026-11-23')).toBe('bigr-assets-_stanbul_ofis_-2026-11-23.csv')
    expect(exportFilename('', '2026-11-23')).toBe('bigr-assets-2026-11-23.csv')
  })
})
