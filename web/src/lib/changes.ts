// Change-log helpers shared by the timeline views.
import type { ChangeView } from '../api'

/** Change types the server records (mirror of the `type` filter of /api/changes). */
export const CHANGE_TYPES = [
  'new_asset',
  'ip_changed',
  'field_changed',
  'ports_opened',
  'ports_closed',
  'asset_missing',
  'asset_returned',
] as const

/** "hostname: old → new", "old → new", or just the new value; "" when there is nothing. */
export function changeDetail(c: Pick<ChangeView, 'field' | 'old_value' | 'new_value'>): string {
  const oldValue = c.old_value ?? null
  const newValue = c.new_value ?? null
  let values = ''
  if (oldValue !== null) values = `${oldValue} → ${newValue ?? '—'}`
  else if (newValue !== null) values = newValue
  if (!values) return ''
  return c.field ? `${c.field}: ${values}` : values
}
