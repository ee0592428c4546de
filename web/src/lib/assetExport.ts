// "Export CSV" on the asset list: every asset of the current filter, not just the page shown.
// The server caps per_page at 500, so walk the pages until `total` is reached.
import type { ApiClient, AssetView, OperationQuery } from '../api'
import { toCsv, type CsvValue } from './csv'

export const EXPORT_PAGE_SIZE = 500

export interface ExportOptions {
  signal?: AbortSignal
  /** Called after each page with how many assets arrived so far and the total. */
  onProgress?: (done: number, total: number) => void
}

/** All assets matching `query` (its page / per_page are ignored). */
export async function fetchAllAssets(
  client: ApiClient,
  query: OperationQuery<'data'>,
  options: ExportOptions = {},
): Promise<AssetView[]> {
  const items: AssetView[] = []
  let total = Number.POSITIVE_INFINITY
  for (let page = 1; items.length < total; page++) {
    const result = await client.call('data', {
      query: { ...query, page, per_page: EXPORT_PAGE_SIZE },
      signal: options.signal,
    })
    total = result.total
    items.push(...result.items)
    options.onProgress?.(items.length, total)
    // The inventory can shrink while we page through it: stop at the first short page.
    if (result.items.length < EXPORT_PAGE_SIZE) break
  }
  return items
}

/** Columns of the export: stable English field names, so scripts can read the file. */
const COLUMNS: [header: string, value: (a: AssetView) => CsvValue][] = [
  ['ip', (a) => a.ip],
  ['mac', (a) => a.mac],
  ['vendor', (a) => a.vendor],
  ['hostname', (a) => a.hostname],
  ['group', (a) => a.category],
  ['group_tr', (a) => a.category_tr],
  ['manual_group', (a) => a.manual_category],
  ['manual_note', (a) => a.manual_note],
  ['device_type', (a) => a.device_type],
  ['confidence', (a) => a.confidence.toFixed(2)],
  ['confidence_level', (a) => a.confidence_level],
  ['open_ports', (a) => a.open_ports],
  ['os_hint', (a) => a.os_hint],
  ['site', (a) => a.site],
  ['switch', (a) => a.switch_host],
  ['switch_port', (a) => a.switch_port],
  ['vlan', (a) => a.vlan],
  ['first_seen', (a) => a.first_seen],
  ['last_seen', (a) => a.last_seen],
  ['missing', (a) => a.missing],
  ['id', (a) => a.id],
]

export function assetsToCsv(assets: readonly AssetView[]): string {
  return toCsv(
    COLUMNS.map(([header]) => header),
    assets.map((a) => COLUMNS.map(([, value]) => value(a))),
  )
}

/** `bigr-assets-hq-2026-11-23.csv`; the site part is dropped for all sites. */
export function exportFilename(site: string, today: string): string {
  const safeSite = site.replace(/[^A-Za-z0-9_-]+/g, '_')
  return safeSite ? `bigr-assets-${safeSite}-${today}.csv` : `bigr-assets-${today}.csv`
}
