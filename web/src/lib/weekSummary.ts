// "New / changed / missing this week" on the overview.
import type { AnalyticsReport } from '../api'

export interface WeekSummary {
  new: number
  missing: number
  returned: number
  changed: number
}

/**
 * New, missing and returned come from the analytics report's daily counts; "changed" is
 * every other change in the same window. The analytics counts are themselves counts of the
 * change log by type (new_asset, asset_missing, asset_returned), so subtracting them from the
 * change-log total for the same `since` leaves exactly the IP, field and port changes
 * without a request per change type.
 */
export function weekSummary(report: Pick<AnalyticsReport, 'new_vs_missing'>, changesInWindow: number): WeekSummary {
  const sum = (key: 'new' | 'missing' | 'returned') => report.new_vs_missing.reduce((total, day) => total + day[key], 0)
  const result = { new: sum('new'), missing: sum('missing'), returned: sum('returned') }
  return { ...result, changed: Math.max(0, changesInWindow - result.new - result.missing - result.returned) }
}
