// Display helpers shared by views. They return plain strings; templates render them as text.
// Every locale-dependent helper takes the locale explicitly so it stays a pure function.

const EMPTY = '—'

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()
const dateFormats = new Map<string, Intl.DateTimeFormat>()
const numberFormats = new Map<string, Intl.NumberFormat>()

function cached<T>(map: Map<string, T>, locale: string, make: () => T): T {
  let value = map.get(locale)
  if (!value) {
    value = make()
    map.set(locale, value)
  }
  return value
}

function parseDate(iso: string | null | undefined): Date | null {
  if (!iso) return null
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}

/** "23.11.2026 14:05" / "11/23/26, 2:05 PM"; the raw text when it is not a date; — for none. */
export function formatDateTime(iso: string | null | undefined, locale: string): string {
  const date = parseDate(iso)
  if (!date) return iso || EMPTY
  const fmt = cached(dateTimeFormats, locale, () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }))
  return fmt.format(date)
}

/** The date only, e.g. for chart axes and day headings. */
export function formatDate(iso: string | null | undefined, locale: string): string {
  const date = parseDate(iso)
  if (!date) return iso || EMPTY
  const fmt = cached(dateFormats, locale, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }))
  return fmt.format(date)
}

const shortDayFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * A calendar day "2026-11-17" as "17 Nov" / "17 Kas" for chart axes. The server's day strings
 * are UTC days, so format them in UTC to avoid shifting them by the local offset.
 */
export function formatDay(day: string, locale: string): string {
  const date = parseDate(/^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00Z` : day)
  if (!date) return day
  const fmt = cached(
    shortDayFormats,
    locale,
    () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
  )
  return fmt.format(date)
}

/** "5 minutes ago" / "5 dakika önce", in the largest whole unit; — for none. */
export function formatRelative(iso: string | null | undefined, locale: string, now = Date.now()): string {
  const date = parseDate(iso)
  if (!date) return iso || EMPTY
  const seconds = Math.round((date.getTime() - now) / 1000)
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ]
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.trunc(seconds / size), unit)
  }
  return rtf.format(seconds, 'second')
}

export function formatNumber(value: number, locale: string, maximumFractionDigits = 0): string {
  const key = `${locale}/${maximumFractionDigits}`
  const fmt = cached(numberFormats, key, () => new Intl.NumberFormat(locale, { maximumFractionDigits }))
  return fmt.format(value)
}

const percentFormats = new Map<string, Intl.NumberFormat>()

/** 0..1 → "42%" (en) / "%42" (tr), clamped to 0..1. */
export function percent(fraction: number, locale: string): string {
  if (!Number.isFinite(fraction)) return EMPTY
  const fmt = cached(percentFormats, locale, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }))
  return fmt.format(Math.min(1, Math.max(0, fraction)))
}

/** count / total as a whole percentage (0 % when total is 0). */
export function share(count: number, total: number, locale: string): string {
  return percent(total > 0 ? count / total : 0, locale)
}

/** The first `max` ports, then "+N" for the rest. */
export function formatPorts(ports: readonly number[], max = 8): string {
  if (ports.length === 0) return EMPTY
  const shown = ports.slice(0, max).join(', ')
  return ports.length > max ? `${shown} +${ports.length - max}` : shown
}

/** null / undefined / "" → —, anything else as text. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? EMPTY : String(value)
}

/** "2026-11-23" in local time, for <input type="date"> defaults. */
export function isoDay(date: Date): string {
  const y = date.getFullYear()
  const m = String(date.getMonth() + 1).padStart(2, '0')
  const d = String(date.getDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}

/**
 * A day from <input type="date"> as the RFC 3339 instant the API wants: the start of that
 * local day, or with `endOfDay` the last millisecond of it. null for an empty or bad value.
 */
export function dayToInstant(day: string, endOfDay = false): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return null
  const [, y, m, d] = match.map(Number) as [number, number, number, number]
  const date = endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

const unitFormats = new Map<string, Intl.NumberFormat>()

function unit(value: number, name: 'hour' | 'minute' | 'second', locale: string): string {
  const fmt = cached(unitFormats, `${locale}/${name}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: name }))
  return fmt.format(value)
}

/**
 * A duration in at most its two largest whole units, in the locale's words: "45 sec",
 * "3 min 5 sec", "1 hr 2 min" / "3 dk. 5 sn."; — for none or a negative value.
 */
export function formatDuration(seconds: number | null | undefined, locale: string): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return EMPTY
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return m > 0 ? `${unit(h, 'hour', locale)} ${unit(m, 'minute', locale)}` : unit(h, 'hour', locale)
  if (m > 0) return s > 0 ? `${unit(m, 'minute', locale)} ${unit(s, 'second', locale)}` : unit(m, 'minute', locale)
  return unit(s, 'second', locale)
}
