import { describe, expect, it } from 'vitest'
import {
  dayToInstant,
  formatDateTime,
  formatDay,
  formatDuration,
  formatNumber,
  formatPorts,
  formatRelative,
  isoDay,
  orDash,
  percent,
  share,
} from './format'

describe('format', () => {
  it('formats durations in their two largest units, in the locale', () => {
    expect(formatDuration(45, 'en')).toBe('45 sec')
    expect(formatDuration(125, 'en')).toBe('2 min 5 sec')
    expect(formatDuration(120, 'en')).toBe('2 min')
    expect(formatDuration(3725, 'en')).toBe('1 hr 2 min')
    expect(formatDuration(0.4, 'en')).toBe('0 sec')
    expect(formatDuration(125, 'tr')).toBe('2 dk. 5 sn.')
    expect(formatDuration(null, 'en')).toBe('—')
    expect(formatDuration(-1, 'en')).toBe('—')
  })

  it('formats ports with a "+N" tail', () => {
    expect(formatPorts([])).toBe('—')
    expect(formatPorts([22, 80])).toBe('22, 80')
    expect(formatPorts([1, 2, 3, 4], 2)).toBe('1, 2 +2')
  })

  it('formats percentages in the locale, clamped', () => {
    expect(percent(0.423, 'en')).toBe('42%')
    expect(percent(0.423, 'tr')).toBe('%42')
    expect(percent(1.7, 'en')).toBe('100%')
    expect(percent(-1, 'en')).toBe('0%')
    expect(percent(Number.NaN, 'en')).toBe('—')
  })

  it('computes shares without dividing by zero', () => {
    expect(share(1, 4, 'en')).toBe('25%')
    expect(share(3, 0, 'en')).toBe('0%')
  })

  it('formats numbers with locale grouping', () => {
    expect(formatNumber(12345, 'en')).toBe('12,345')
    expect(formatNumber(12345, 'tr')).toBe('12.345')
    expect(formatNumber(82.456, 'en', 1)).toBe('82.5')
  })

  it('shows the raw text for unparsable dates and a dash for none', () => {
    expect(formatDateTime('not a date', 'en')).toBe('not a date')
    expect(formatDateTime(null, 'en')).toBe('—')
    expect(formatDateTime('2026-11-23T10:00:00Z', 'en')).toMatch(/\d/)
  })

  it('formats server day strings as UTC days', () => {
    expect(formatDay('2026-11-17', 'en')).toBe('Nov 17')
    expect(formatDay('2026-11-17', 'tr')).toBe('17 Kas')
  })

  it('formats relative times in the largest whole unit', () => {
    const now = Date.parse('2026-11-23T12:00:00Z')
    expect(formatRelative('2026-11-23T11:55:00Z', 'en', now)).toBe('5 minutes ago')
    expect(formatRelative('2026-11-21T12:00:00Z', 'en', now)).toBe('2 days ago')
    expect(formatRelative('2026-11-23T11:55:00Z', 'tr', now)).toBe('5 dakika önce')
    expect(formatRelative(null, 'en', now)).toBe('—')
  })

  it('turns date inputs into local-day instants', () => {
    const start = dayToInstant('2026-11-23')!
    const end = dayToInstant('2026-11-23', true)!
    expect(new Date(start).getDate()).toBe(23)
    expect(new Date(start).getHours()).toBe(0)
    expect(new Date(end).getHours()).toBe(23)
    expect(Date.parse(end) - Date.parse(start)).toBe(86_400_000 - 1)
    expect(dayToInstant('')).toBeNull()
    expect(dayToInstant('23.11.2026')).toBeNull()
  })

  it('writes local ISO days', () => {
    expect(isoDay(new Date(2026, 0, 5))).toBe('2026-01-05')
  })

  it('dashes empty values', () => {
    expect(orDash(null)).toBe('—')
    expect(orDash('')).toBe('—')
    expect(orDash(0)).toBe('0')
  })
})
