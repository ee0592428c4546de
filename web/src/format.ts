// Display helpers shared by views. They return plain strings; templates render them as text.

/** English labels of the BİG asset groups (mirror of Category::label_en in src/model/category.rs). */
const CATEGORY_LABELS: Record<string, string> = {
  ag_ve_sistemler: 'Network & Systems',
  uygulamalar: 'Applications',
  iot: 'IoT',
  tasinabilir: 'Portable devices',
  unclassified: 'Unclassified',
}

/** Display order of the groups in summaries; unknown keys follow, alphabetically. */
const CATEGORY_ORDER = Object.keys(CATEGORY_LABELS)

export function categoryLabel(key: string): string {
  return CATEGORY_LABELS[key] ?? key
}

export function sortedCategorySummary(summary: Record<string, number>): [string, number][] {
  const rank = (k: string) => {
    const i = CATEGORY_ORDER.indexOf(k)
    return i === -1 ? CATEGORY_ORDER.length : i
  }
  return Object.entries(summary).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
}

/** "access_point" → "access point" */
export function deviceTypeLabel(value: string): string {
  return value.replace(/_/g, ' ')
}

export function percent(score: number): string {
  return `${Math.round(Math.min(1, Math.max(0, score)) * 100)}%`
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' })

export function formatDateTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date)
}

/** The first `max` ports, then "+N" for the rest. */
export function formatPorts(ports: readonly number[], max = 8): string {
  if (ports.length === 0) return '—'
  const shown = ports.slice(0, max).join(', ')
  return ports.length > max ? `${shown} +${ports.length - max}` : shown
}
