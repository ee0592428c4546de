import { describe, expect, it } from 'vitest'
import type { SiteSettings } from '../api'
import { DEVICE_TYPES } from './groups'
import { fieldError, formFromSettings, linesToList, settingsFromForm, type SettingsForm } from './siteSettings'

const EMPTY_FORM: SettingsForm = formFromSettings({})

describe('linesToList', () => {
  it('keeps one trimmed entry per non-blank line, first occurrence only', () => {
    expect(linesToList(' 10.0.0.0/24 \r\n\n10.1.0.5-40\n   \n10.0.0.0/24\nprinter.lan')).toEqual([
      '10.0.0.0/24',
      '10.1.0.5-40',
      'printer.lan',
    ])
    expect(linesToList('')).toEqual([])
    expect(linesToList('  \n ')).toEqual([])
  })
})

describe('settingsFromForm (the PUT body)', () => {
  it('sends empty lists and nulls for an empty form, so every agent keeps its own choice', () => {
    expect(settingsFromForm(EMPTY_FORM, DEVICE_TYPES)).toEqual({
      targets: [],
      exclude: [],
      ports: null,
      interval_seconds: null,
      rate: null,
      max_concurrency: null,
      fragile: [],
      fragile_types: [],
      shield: { preset: null, every_hours: null },
      maintenance: null,
      updates: { auto: false, pinned_version: null, rollout_percent: null },
    })
  })

  it('turns lines into lists, typed numbers into numbers and minutes into seconds', () => {
    const body = settingsFromForm(
      {
        ...EMPTY_FORM,
        targets: '10.1.0.0/24\n\n 10.2.0.5-40 ',
        exclude: '10.1.0.1',
        ports: ' 22,80,8000-8100 ',
        intervalMinutes: 15,
        rate: '500',
        maxConcurrency: 64,
        fragile: '10.1.0.9\n10.1.3.0/28',
        fragileTypes: ['printer', 'camera'],
        shieldPreset: 'standard',
        shieldEveryHours: '24',
      },
      DEVICE_TYPES,
    )
    expect(body).toMatchObject({
      targets: ['10.1.0.0/24', '10.2.0.5-40'],
      exclude: ['10.1.0.1'],
      ports: '22,80,8000-8100',
      interval_seconds: 900,
      rate: 500,
      max_concurrency: 64,
      fragile: ['10.1.0.9', '10.1.3.0/28'],
      // In the classifier's order, as the checkboxes show them.
      fragile_types: ['printer', 'camera'],
      shield: { preset: 'standard', every_hours: 24 },
      maintenance: null,
    })
  })

  it('reads blank or cleared number fields as null', () => {
    const body = settingsFromForm({ ...EMPTY_FORM, intervalMinutes: '  ', rate: '', maxConcurrency: '', shieldEveryHours: '' })
    expect([body.interval_seconds, body.rate, body.max_concurrency, body.shield?.every_hours]).toEqual([null, null, null, null])
  })

  it('sends a maintenance window (UTC) once a start, an end or a day is given, days in week order', () => {
    const window = settingsFromForm({
      ...EMPTY_FORM,
      maintenanceStart: '22:00',
      maintenanceEnd: '04:00',
      maintenanceDays: ['sat', 'mon'],
    })
    expect(window.maintenance).toEqual({ start: '22:00', end: '04:00', days: ['mon', 'sat'] })
    // Half a window is sent as it is: the server names the missing field.
    expect(settingsFromForm({ ...EMPTY_FORM, maintenanceDays: ['sun'] }).maintenance).toEqual({
      start: '',
      end: '',
      days: ['sun'],
    })
  })

  it('round-trips what the server sent, an interval not in whole minutes included', () => {
    const settings: SiteSettings = {
      targets: ['10.1.0.0/24'],
      exclude: ['10.1.0.1', '10.1.0.2'],
      ports: 'none',
      interval_seconds: 90,
      rate: 200,
      max_concurrency: null,
      fragile: ['10.1.0.9'],
      fragile_types: ['printer', 'toaster'],
      shield: { preset: 'deep', every_hours: 12 },
      maintenance: { start: '01:00', end: '03:30', days: ['tue'] },
      updates: { auto: true, pinned_version: '0.2.0', rollout_percent: 25 },
    }
    const form = formFromSettings(settings)
    expect(form.exclude).toBe('10.1.0.1\n10.1.0.2')
    expect(form.intervalMinutes).toBe(1.5)
    // A type this dashboard does not know (a newer server's) is kept, after the known ones.
    expect(settingsFromForm(form, DEVICE_TYPES)).toEqual(settings)
  })
})

describe('the updates group', () => {
  it('reads an older server without `updates` as auto-update off', () => {
    expect(formFromSettings({})).toMatchObject({ updatesAuto: false, updatesPinned: '', updatesRollout: '' })
  })

  it('round-trips the update policy: auto, a pinned version and a staged rollout', () => {
    const updates = { auto: true, pinned_version: '1.4.2', rollout_percent: 10 }
    const form = formFromSettings({ updates })
    expect(form).toMatchObject({ updatesAuto: true, updatesPinned: '1.4.2', updatesRollout: 10 })
    expect(settingsFromForm(form).updates).toEqual(updates)
  })

  it('sends a blank version or percentage as null (newest release, every agent)', () => {
    const body = settingsFromForm({ ...EMPTY_FORM, updatesAuto: true, updatesPinned: '  ', updatesRollout: '' })
    expect(body.updates).toEqual({ auto: true, pinned_version: null, rollout_percent: null })
    expect(settingsFromForm({ ...EMPTY_FORM, updatesPinned: ' 0.3.1 ', updatesRollout: '50' }).updates).toEqual({
      auto: false,
      pinned_version: '0.3.1',
      rollout_percent: 50,
    })
  })

  it('marks the field a refusal of the update policy names', () => {
    expect(fieldError('invalid field `updates.pinned_version`: not a version', null)).toEqual({
      field: 'updatesPinned',
      text: 'not a version',
    })
    expect(fieldError('invalid field `updates.rollout_percent`: must be 1 to 100', null)?.field).toBe('updatesRollout')
  })
})

describe('fieldError', () => {
  const sent = settingsFromForm({ ...EMPTY_FORM, targets: '10.0.0.0/24\n10.0.0.0/33', fragileTypes: ['toaster'] })

  it('names the form field of a refused setting, with the refused entry of a list', () => {
    expect(fieldError('invalid field `targets[1]`: invalid prefix length 33', sent)).toEqual({
      field: 'targets',
      text: '10.0.0.0/33: invalid prefix length 33',
    })
    expect(fieldError("invalid field `fragile_types[0]`: unknown device type 'toaster'", sent)).toEqual({
      field: 'fragileTypes',
      text: "toaster: unknown device type 'toaster'",
    })
    expect(fieldError('invalid field `interval_seconds`: must be between 60 and 604800, not 30', sent)).toEqual({
      field: 'intervalMinutes',
      text: 'must be between 60 and 604800, not 30',
    })
    expect(fieldError("invalid field `shield.preset`: 'x' is not one of quick, standard, deep", sent)?.field).toBe('shieldPreset')
    expect(fieldError('invalid field `maintenance.end`: must differ from maintenance.start', sent)?.field).toBe('maintenanceEnd')
    expect(fieldError('invalid field `targets`: at most 256 entries', sent)).toEqual({
      field: 'targets',
      text: 'at most 256 entries',
    })
  })

  it('is null for other refusals', () => {
    expect(fieldError('unknown field `intervall`', sent)).toBeNull()
    expect(fieldError('invalid field `something_new`: x', sent)).toBeNull()
    expect(fieldError('You do not have permission.', sent)).toBeNull()
  })
})
