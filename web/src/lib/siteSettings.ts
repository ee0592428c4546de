// A site's settings in the dashboard: the editable form (text as typed) ↔ the SiteSettings
// body of PUT /api/sites/{site}/config, and the form field a 400 answer names.
import type { SiteSettings } from '../api'

/** Shield presets the server accepts (SHIELD_PRESETS in src/control/settings.rs). */
export const SHIELD_PRESETS = ['quick', 'standard', 'deep'] as const

/** A pinned agent version: MAJOR.MINOR.PATCH (the form's pattern; the server checks too). */
export const VERSION_PATTERN = '[0-9]+\\.[0-9]+\\.[0-9]+'

/** Weekdays of a maintenance window, in week order, as the server spells them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

/** Scan interval bounds, in minutes (60 to 604 800 seconds on the server). */
export const MIN_INTERVAL_MINUTES = 1
export const MAX_INTERVAL_MINUTES = 10_080

/**
 * The form as the user edits it: lists as one entry per line, numbers as typed (a number
 * input's v-model gives a number, or "" when empty), the interval in minutes.
 */
export interface SettingsForm {
  targets: string
  exclude: string
  ports: string
  intervalMinutes: string | number
  rate: string | number
  maxConcurrency: string | number
  fragile: string
  fragileTypes: string[]
  shieldPreset: string
  shieldEveryHours: string | number
  maintenanceStart: string
  maintenanceEnd: string
  maintenanceDays: string[]
  /** Agents of the site install new releases by themselves. */
  updatesAuto: boolean
  /** A MAJOR.MINOR.PATCH version to run exactly, or "" for the newest. */
  updatesPinned: string
  /** A staged rollout's percentage (1–100), or "" for all agents. */
  updatesRollout: string | number
}

export type SettingsField = keyof SettingsForm

/** One entry per non-blank line, trimmed, first occurrence kept (as the server stores them). */
export function linesToList(text: string): string[] {
  const seen = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const entry = line.trim()
    if (entry) seen.add(entry)
  }
  return [...seen]
}

/** "" (or only spaces) → null, else the number; a number input never holds other text. */
function numberOrNull(value: string | number): number | null {
  const text = String(value).trim()
  if (!text) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}

/** `values` in the order of `order`, then any value `order` does not know (a newer server's). */
function inOrder(values: readonly string[], order: readonly string[]): string[] {
  const known = order.filter((v) => values.includes(v))
  return [...known, ...values.filter((v) => !order.includes(v))]
}

/** The form showing `settings` (what GET answered). */
export function formFromSettings(settings: SiteSettings): SettingsForm {
  const w = settings.maintenance ?? null
  const seconds = settings.interval_seconds ?? null
  return {
    targets: (settings.targets ?? []).join('\n'),
    exclude: (settings.exclude ?? []).join('\n'),
    ports: settings.ports ?? '',
    // 90 s set elsewhere reads 1.5 min and goes back as 90 s.
    intervalMinutes: seconds === null ? '' : seconds / 60,
    rate: settings.rate ?? '',
    maxConcurrency: settings.max_concurrency ?? '',
    fragile: (settings.fragile ?? []).join('\n'),
    fragileTypes: [...(settings.fragile_types ?? [])],
    shieldPreset: settings.shield?.preset ?? '',
    shieldEveryHours: settings.shield?.every_hours ?? '',
    maintenanceStart: w?.start ?? '',
    maintenanceEnd: w?.end ?? '',
    maintenanceDays: [...(w?.days ?? [])],
    updatesAuto: settings.updates?.auto ?? false,
    updatesPinned: settings.updates?.pinned_version ?? '',
    updatesRollout: settings.updates?.rollout_percent ?? '',
  }
}

/**
 * The PUT body: lines → lists, empty → null (the agent's own choice stays in force), minutes →
 * seconds, and no maintenance window unless a start, an end or a day is given.
 */
export function settingsFromForm(form: SettingsForm, deviceTypes: readonly string[] = []): SiteSettings {
  const minutes = numberOrNull(form.intervalMinutes)
  const start = form.maintenanceStart.trim()
  const end = form.maintenanceEnd.trim()
  const days = inOrder(form.maintenanceDays, WEEKDAYS)
  return {
    targets: linesToList(form.targets),
    exclude: linesToList(form.exclude),
    ports: form.ports.trim() || null,
    interval_seconds: minutes === null ? null : Math.round(minutes * 60),
    rate: numberOrNull(form.rate),
    max_concurrency: numberOrNull(form.maxConcurrency),
    fragile: linesToList(form.fragile),
    fragile_types: inOrder(form.fragileTypes, deviceTypes),
    shield: { preset: form.shieldPreset || null, every_hours: numberOrNull(form.shieldEveryHours) },
    maintenance: start || end || days.length > 0 ? { start, end, days } : null,
    updates: {
      auto: form.updatesAuto,
      pinned_version: form.updatesPinned.trim() || null,
      rollout_percent: numberOrNull(form.updatesRollout),
    },
  }
}

/** The form field of each setting path the server names (`shield.preset`, `targets`). */
const FIELD_OF_PATH: Record<string, SettingsField> = {
  targets: 'targets',
  exclude: 'exclude',
  ports: 'ports',
  interval_seconds: 'intervalMinutes',
  rate: 'rate',
  max_concurrency: 'maxConcurrency',
  fragile: 'fragile',
  fragile_types: 'fragileTypes',
  shield: 'shieldPreset',
  'shield.preset': 'shieldPreset',
  'shield.every_hours': 'shieldEveryHours',
  maintenance: 'maintenanceStart',
  'maintenance.start': 'maintenanceStart',
  'maintenance.end': 'maintenanceEnd',
  'maintenance.days': 'maintenanceDays',
  updates: 'updatesAuto',
  'updates.auto': 'updatesAuto',
  'updates.pinned_version': 'updatesPinned',
  'updates.rollout_percent': 'updatesRollout',
}

export interface FieldError {
  field: SettingsField
  /** The server's reason, led by the refused entry of a list ("10.0.0.0/33: …"). */
  text: string
}

/**
 * The field a refusal names: "invalid field `targets[1]`: bad prefix" → the targets field,
 * with the entry that was sent at index 1. null when the message names no known field.
 */
export function fieldError(message: string, sent: SiteSettings | null): FieldError | null {
  const match = /^invalid field `([^`]+)`:\s*([\s\S]*)$/.exec(message)
  if (!match) return null
  const [, path = '', reason = ''] = match
  const base = path.replace(/\[\d+\]/g, '')
  const field = FIELD_OF_PATH[base]
  if (!field) return null
  const index = /\[(\d+)\]$/.exec(path)?.[1]
  let entry: unknown
  if (index !== undefined && sent) {
    const list = base.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | null)?.[key], sent)
    entry = Array.isArray(list) ? list[Number(index)] : undefined
  }
  return { field, text: typeof entry === 'string' ? `${entry}: ${reason}` : reason }
}
