import { describe, expect, it } from 'vitest'
import { en } from './en'
import { tr } from './tr'
import { detectLocale, interpolate, translate, translateDynamic } from './locales'
import { CHANGE_TYPES } from '../lib/changes'
import { CONFIDENCE_LEVELS, DEVICE_TYPES, GROUPS, RISK_LEVELS } from '../lib/groups'
import { AGENT_STATES } from '../lib/agents'
import { NAME_SOURCES } from '../lib/assetDetail'
import { UPDATE_STATES } from '../lib/releases'
import { AUDIT_ACTIONS } from '../lib/audit'
import { COMMAND_KINDS, COMMAND_PHASES, COMMAND_STATES } from '../lib/commands'
import { SHIELD_PRESETS, WEEKDAYS } from '../lib/siteSettings'
import { FINDING_STATUSES, PRIORITIES, SHIELD_MODULES, SHIELD_SEVERITIES } from '../lib/shield'
import { GEAR_KINDS } from '../lib/layer2'
import { GEAR_ROLES } from '../lib/switches'
import { NAV_ITEMS } from '../navigation'
import {
  ALERT_KINDS,
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  CHANNEL_KINDS,
  DELIVERY_EVENTS,
  DELIVERY_STATUSES,
  DIGESTS,
  MAIL_SECURITIES,
} from '../lib/alerts'

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('dictionaries', () => {
  it('have exactly the same keys in English and Turkish', () => {
    expect(Object.keys(tr).sort()).toEqual(Object.keys(en).sort())
  })

  it('have no empty messages', () => {
    for (const [key, text] of [...Object.entries(en), ...Object.entries(tr)]) {
      expect(text.trim(), key).not.toBe('')
    }
  })

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(tr[key]), key).toEqual(placeholders(en[key]))
    }
  })

  it('label every value the server sends for the run-time keys', () => {
    const dynamic = [
      ...GROUPS.map((g) => `group.${g}`),
      ...DEVICE_TYPES.map((d) => `device.${d}`),
      ...CONFIDENCE_LEVELS.map((c) => `confidence.${c}`),
      ...RISK_LEVELS.map((l) => `level.${l}`),
      ...CHANGE_TYPES.map((c) => `change.${c}`),
      ...AGENT_STATES.map((s) => `agentState.${s}`),
      ...NAME_SOURCES.map((s) => `nameSource.${s}`),
      ...['fragile', 'cautious', 'safe'].map((s) => `sensitivity.${s}`),
      ...['active', 'used', 'expired'].map((s) => `enrollmentState.${s}`),
      ...['expired', 'critical', 'warning', 'ok', 'unknown'].map((s) => `certStatus.${s}`),
      ...['admin', 'viewer'].map((r) => `role.${r}`),
      ...SHIELD_PRESETS.map((p) => `shieldPreset.${p}`),
      ...WEEKDAYS.map((d) => `weekday.${d}`),
      ...AUDIT_ACTIONS.map((a) => `auditAction.${a}`),
      ...COMMAND_KINDS.map((k) => `commandKind.${k}`),
      ...COMMAND_STATES.map((s) => `commandState.${s}`),
      ...COMMAND_PHASES.map((p) => `commandPhase.${p}`),
      ...SHIELD_MODULES.map((m) => `shieldModule.${m}`),
      ...SHIELD_SEVERITIES.map((s) => `level.${s}`),
      ...FINDING_STATUSES.map((s) => `findingStatus.${s}`),
      ...PRIORITIES.map((p) => `shieldPriority.${p}`),
      ...ALERT_KINDS.map((k) => `alertKind.${k}`),
      ...ALERT_KINDS.map((k) => `alertKindHelp.${k}`),
      ...ALERT_SEVERITIES.map((s) => `level.${s}`),
      ...ALERT_STATUSES.map((s) => `alertStatus.${s}`),
      ...CHANNEL_KINDS.map((k) => `channelKind.${k}`),
      ...MAIL_SECURITIES.map((s) => `mailSecurity.${s}`),
      ...DELIVERY_STATUSES.map((s) => `deliveryStatus.${s}`),
      ...DELIVERY_EVENTS.map((e) => `deliveryEvent.${e}`),
      ...DIGESTS.map((d) => `digest.${d}`),
      ...UPDATE_STATES.map((s) => `updateState.${s}`),
      ...GEAR_ROLES.map((r) => `gearRole.${r}`),
      ...GEAR_KINDS.map((k) => `kind.${k}`),
    ]
    for (const key of dynamic) {
      expect(en, key).toHaveProperty([key])
      expect(tr, key).toHaveProperty([key])
    }
  })

  it('name every menu page', () => {
    for (const item of NAV_ITEMS) expect(en).toHaveProperty([item.titleKey])
  })

  it('use the BİGR group names of the issue', () => {
    expect(tr['group.ag_ve_sistemler']).toBe('Ağ ve Sistemler')
    expect(tr['group.tasinabilir']).toBe('Taşınabilir')
    expect(tr['group.unclassified']).toBe('Sınıflandırılmamış')
    expect(en['group.ag_ve_sistemler']).toBe('Network & systems')
  })

  it('write the Shield pages in Turkish with Turkish letters', () => {
    expect(tr['asset.shieldFindings']).toBe('Güvenlik bulguları')
    expect(tr['shield.quickWins']).toBe('Hızlı kazanımlar')
    expect(tr['shield.importantFixes']).toBe('Önemli düzeltmeler')
    expect(tr['findingStatus.resolved']).toBe('çözüldü')
  })

  it('write the switch pages in Turkish with Turkish letters', () => {
    expect(tr['nav.layer2']).toBe('Katman 2 topolojisi')
    expect(tr['kind.router']).toBe('Yönlendirici')
    expect(tr['kind.wlan-ap']).toBe('Erişim noktası')
    expect(tr['switches.privPass']).toBe('Gizlilik parolası')
  })

  it('write the alert pages in Turkish with Turkish letters', () => {
    expect(tr['nav.alerts']).toBe('Uyarılar')
    expect(tr['nav.alertSettings']).toBe('Uyarı ayarları')
    expect(tr['alerts.ack']).toBe('Onayla')
    expect(tr['alertSettings.sendTest']).toBe('Test gönder')
    expect(tr['alertKind.cert_expiring']).toBe('Süresi dolan sertifika')
    expect(tr['alertKind.scan_failed']).toBe('Tarama başarısız')
    expect(tr['alertKind.grade_drop']).toBe('Uyum notu düştü')
    expect(tr['deliveryStatus.held']).toBe('bekletiliyor')
    expect(tr['deliveryEvent.digest']).toBe('özet')
  })
})

describe('translate', () => {
  it('fills placeholders in the chosen language', () => {
    expect(translate('en', 'changes.total', { n: 5 })).toBe('5 changes')
    expect(translate('tr', 'changes.total', { n: 5 })).toBe('5 değişiklik')
  })

  it('leaves unknown placeholders visible instead of dropping text', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}')
  })

  it('falls back for run-time keys the dictionary does not have', () => {
    expect(translateDynamic('tr', 'group.iot', 'x')).toBe('IoT')
    expect(translateDynamic('tr', 'device.quantum_fridge', 'quantum fridge')).toBe('quantum fridge')
  })
})

describe('detectLocale', () => {
  it('picks the first supported browser language', () => {
    expect(detectLocale(['tr-TR', 'en-US'])).toBe('tr')
    expect(detectLocale(['de-DE', 'en-GB'])).toBe('en')
    expect(detectLocale(['TR'])).toBe('tr')
  })

  it('defaults to English', () => {
    expect(detectLocale([])).toBe('en')
    expect(detectLocale(['fr'])).toBe('en')
  })
})

describe('dictionary hygiene', () => {
  // Every source file's text, to find the keys the app really uses.
  const sources = Object.values(
    import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts', '!../i18n/en.ts', '!../i18n/tr.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
  ).join('\n') as string

  // Keys built at run time (`label('device', …)`) are used through their prefix, as long as
  // some source still builds keys with that prefix.
  const dynamicPrefixes = new Set([...sources.matchAll(/\blabel\('(\w+)'/g)].map((m) => m[1]))

  it('has no unused messages (the no-unused-keys lint of this home-made i18n)', () => {
    const used = (key: string) => sources.includes(`'${key}'`) || dynamicPrefixes.has(key.split('.')[0])
    expect(Object.keys(en).filter((key) => !used(key))).toEqual([])
  })
})
