// Alerts without a DOM: the kinds, severities and states the server knows, the list filters ↔
// URL ↔ API query, a line of facts from an alert's loosely typed detail, the rule and channel
// forms ↔ the bodies the API takes, and a channel's delivery schedule in words.
import type { LocationQuery } from 'vue-router'
import type { AlertKind, ChannelKind, Digest, MailSecurity, NewChannel, Rule, RuleChange, Schedule, SmtpSettings } from '../api'
import { translate, translateDynamic, type Locale } from '../i18n/locales'
import { linesToList } from './siteSettings'
import { compactQuery, queryChoice, queryInt } from './query'

/** Alert kinds in the server's order (AlertKind::ALL in src/store/alerts/mod.rs); labels under `alertKind.<k>`. */
export const ALERT_KINDS = [
  'new_device',
  'device_missing',
  'risky_port',
  'cert_expiring',
  'agent_down',
  'shield_finding',
  'scan_partial',
  'address_conflict',
  'scan_failed',
  'grade_drop',
] as const satisfies readonly AlertKind[]
export type AlertKindName = (typeof ALERT_KINDS)[number]

/** Alert severities, worst first (labels and colours are the risk levels'). */
export const ALERT_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number]

/** States an alert is in; labels under `alertStatus.<s>`. */
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const

/** What the status filter offers: `active` (open and acknowledged, the default), one state, or all. */
export const ALERT_STATUSES = ['active', ...ALERT_STATES, 'all'] as const
export type AlertStatusFilter = (typeof ALERT_STATUSES)[number]

/** Channel kinds the API takes; labels under `channelKind.<k>`. */
export const CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'smtp', 'syslog'] as const satisfies readonly ChannelKind[]

/** How an e-mail channel protects the connection, the default first; labels under `mailSecurity.<s>`. */
export const MAIL_SECURITIES = ['starttls', 'tls', 'none'] as const satisfies readonly MailSecurity[]

/** The port the server uses for each security when the channel names none. */
export const DEFAULT_SMTP_PORTS: Record<MailSecurity, number> = { starttls: 587, tls: 465, none: 25 }

/** Languages an e-mail channel writes in, the server's default first. */
export const MAIL_LANGS = ['tr', 'en'] as const
export type MailLang = (typeof MAIL_LANGS)[number]

/** The most recipients the server takes for one e-mail channel. */
export const MAX_MAIL_RECIPIENTS = 20

/**
 * Delivery states and events of the log; labels under `deliveryStatus.<s>`, `deliveryEvent.<e>`.
 * `held` waits for the channel's digest or the end of its quiet hours; `digested` went out in a
 * digest, which is a delivery (event `digest`) of its own.
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'held', 'digested'] as const
export const DELIVERY_EVENTS = ['opened', 'reopened', 'resolved', 'test', 'digest'] as const

/** The longest acknowledgement note the server takes. */
export const MAX_ACK_NOTE = 1000

/** The days before expiry a certificate alert opens when the rule names none (server default). */
export const DEFAULT_CERT_DAYS = 30
export const MIN_CERT_DAYS = 1
export const MAX_CERT_DAYS = 365

/** The severity below which a new channel sends nothing, unless the admin picks another. */
export const DEFAULT_MIN_SEVERITY = 'low'

/** The shortest HMAC key the server takes for a webhook. */
export const MIN_HMAC_KEY = 16

/** An alert that is still live (open or acknowledged) and so may be acknowledged. */
export function isLive(alert: { status: string }): boolean {
  return alert.status === 'open' || alert.status === 'acknowledged'
}

// --- list filters ------------------------------------------------------------------------------

export interface AlertFilters {
  status: AlertStatusFilter
  kind: AlertKindName | ''
  severity: AlertSeverity | ''
  page: number
}

/** The filters in a route query; anything the server would refuse is dropped. */
export function alertFiltersFromQuery(query: LocationQuery): AlertFilters {
  return {
    status: queryChoice(query, 'status', ALERT_STATUSES, 'active'),
    kind: queryChoice(query, 'kind', [...ALERT_KINDS, ''] as const, ''),
    severity: queryChoice(query, 'severity', [...ALERT_SEVERITIES, ''] as const, ''),
    page: queryInt(query, 'page', 1),
  }
}

/** The route query of these filters (status `active` and page 1 are the defaults, left out). */
export function alertFiltersToQuery(f: AlertFilters, site: string) {
  return compactQuery({
    site,
    status: f.status === 'active' ? '' : f.status,
    kind: f.kind,
    severity: f.severity,
    page: f.page > 1 ? f.page : '',
  })
}

/** The `GET /api/alerts` query: `all` sends no status (the server then lists every alert). */
export function alertsApiQuery(f: AlertFilters, site: string, perPage: number) {
  return {
    site: site || undefined,
    status: f.status === 'all' ? undefined : f.status,
    kind: f.kind || undefined,
    severity: f.severity || undefined,
    page: f.page,
    per_page: perPage,
  }
}

// --- an alert's detail ---------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function field(detail: unknown, key: string): string {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return ''
  const value = (detail as Record<string, unknown>)[key]
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return ''
}

/**
 * The facts of an alert's detail worth a glance, in one line: address and port (with the
 * service), MAC, vendor, host name, agent, certificate subject. Unknown keys are left out.
 */
export function alertFacts(detail: unknown): string[] {
  const ip = field(detail, 'ip')
  const port = field(detail, 'port')
  const service = field(detail, 'service')
  const endpoint = ip && port ? (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`) : ip || (port ? `:${port}` : '')
  const facts = [
    endpoint && service ? `${endpoint} (${service})` : endpoint || service,
    field(detail, 'mac'),
    field(detail, 'vendor'),
    field(detail, 'hostname'),
    field(detail, 'agent'),
    field(detail, 'subject'),
  ]
  return facts.filter((f) => f !== '')
}

/** A time the detail names (a scan_failed alert's `at`), or "". */
export function detailTime(detail: unknown, key: string): string {
  const value = field(detail, key)
  return value && !Number.isNaN(Date.parse(value)) ? value : ''
}

/** A grade_drop alert's grades, score and asset count; null when the detail has no grades. */
export function gradeDrop(detail: unknown): { from: string; to: string; score: number | null; assets: number | null } | null {
  const from = field(detail, 'from')
  const to = field(detail, 'to')
  if (!from || !to) return null
  const num = (key: string) => {
    const text = field(detail, key)
    return text === '' || Number.isNaN(Number(text)) ? null : Number(text)
  }
  return { from, to, score: num('score'), assets: num('assets') }
}

/** The asset an alert is about, when its detail names one. */
export function alertAssetId(detail: unknown): string | null {
  const id = field(detail, 'asset_id')
  return UUID.test(id) ? id : null
}

// --- rules --------------------------------------------------------------------------------------

/** What the form of one rule edits; lists are text, one entry per line. */
export interface RuleForm {
  enabled: boolean
  severity: string
  unknownVendorOnly: boolean
  vendors: string
  macs: string
  /** A number input's value: "" when cleared. */
  days: number | string
}

export function ruleForm(rule: Rule): RuleForm {
  return {
    enabled: rule.enabled,
    severity: rule.severity,
    unknownVendorOnly: rule.params.unknown_vendor_only ?? false,
    vendors: (rule.params.approved_vendors ?? []).join('\n'),
    macs: (rule.params.approved_macs ?? []).join('\n'),
    days: rule.params.days ?? DEFAULT_CERT_DAYS,
  }
}

/** Kinds that take options; any other kind refuses them, so its change sends none. */
export function hasParams(kind: string): boolean {
  return kind === 'new_device' || kind === 'cert_expiring'
}

/** The PUT body of a rule: on/off, severity, and the options of the kinds that have some. */
export function ruleChange(kind: string, form: RuleForm): RuleChange {
  const change: RuleChange = { enabled: form.enabled, severity: form.severity }
  if (kind === 'new_device') {
    change.params = {
      unknown_vendor_only: form.unknownVendorOnly,
      approved_vendors: linesToList(form.vendors),
      approved_macs: linesToList(form.macs),
    }
  } else if (kind === 'cert_expiring') {
    const days = String(form.days).trim()
    change.params = days === '' ? {} : { days: Number(days) }
  }
  return change
}

/** Where the rule in force comes from: the built-in default, the rule for every site, or the site's own. */
export function ruleSource(rule: Rule): 'default' | 'global' | 'site' {
  if (!rule.stored) return 'default'
  return rule.site ? 'site' : 'global'
}

// --- channels -----------------------------------------------------------------------------------

export interface ChannelForm {
  kind: ChannelKind
  name: string
  /** "" for every site. */
  site: string
  url: string
  hmacKey: string
  address: string
  minSeverity: string
  /** E-mail: the relay, how it is reached, who logs in, who sends and who receives. */
  smtpHost: string
  /** A number input's value: "" when empty (the server then picks the security's port). */
  smtpPort: number | string
  smtpSecurity: MailSecurity
  smtpUsername: string
  /** Write-only, like the URL. */
  smtpPassword: string
  smtpFrom: string
  /** Recipients as text: comma- or newline-separated. */
  smtpTo: string
  smtpLang: MailLang
  /** PEM text of the relay's internal CA; "" for none. */
  smtpCaPem: string
  /** When its messages go out. */
  schedule: ScheduleForm
}

/** The e-mail fields of the channel form. */
export type SmtpFields = Pick<ChannelForm, Extract<keyof ChannelForm, `smtp${string}`>>

/** The e-mail fields of an empty form (STARTTLS, Turkish, the server's defaults). */
export function emptySmtpFields(): SmtpFields {
  return {
    smtpHost: '',
    smtpPort: '',
    smtpSecurity: 'starttls',
    smtpUsername: '',
    smtpPassword: '',
    smtpFrom: '',
    smtpTo: '',
    smtpLang: 'tr',
    smtpCaPem: '',
  }
}

export function emptyChannelForm(site = ''): ChannelForm {
  return {
    kind: 'webhook',
    name: '',
    site,
    url: '',
    hmacKey: '',
    address: '',
    minSeverity: DEFAULT_MIN_SEVERITY,
    ...emptySmtpFields(),
    schedule: scheduleForm(),
  }
}

/** Webhook, Slack and Teams post to a URL; e-mail goes through a relay, syslog to an address. */
export function usesUrl(kind: string): boolean {
  return kind === 'webhook' || kind === 'slack' || kind === 'teams'
}

/**
 * Recipients typed comma- or newline-separated (semicolons, as mail programs write them, too):
 * trimmed, without empty entries or repeats.
 */
export function recipientList(text: string): string[] {
  const seen = new Set<string>()
  for (const part of text.split(/[,;\r\n]+/)) {
    const entry = part.trim()
    if (entry) seen.add(entry)
  }
  return [...seen]
}

/**
 * The relay settings of an e-mail channel. No port: the security's default. The credentials go
 * only over an encrypted connection (the server refuses a password without one), and only
 * those typed in: the server refuses a user name without a password and the other way round.
 */
export function smtpSettings(form: ChannelForm): SmtpSettings {
  const smtp: SmtpSettings = {
    host: form.smtpHost.trim(),
    security: form.smtpSecurity,
    from: form.smtpFrom.trim(),
    to: recipientList(form.smtpTo),
    lang: form.smtpLang,
  }
  const port = String(form.smtpPort).trim()
  if (port) smtp.port = Number(port)
  if (form.smtpSecurity !== 'none') {
    const username = form.smtpUsername.trim()
    if (username) smtp.username = username
    // A password is taken as typed: spaces may belong to it.
    if (form.smtpPassword) smtp.password = form.smtpPassword
  }
  const caPem = form.smtpCaPem.trim()
  if (caPem) smtp.ca_pem = caPem
  return smtp
}

/** The POST body of a channel: only the fields its kind takes (the server refuses the others). */
export function channelBody(form: ChannelForm): NewChannel {
  const body: NewChannel = { kind: form.kind, name: form.name.trim(), min_severity: form.minSeverity }
  if (form.site) body.site = form.site
  if (usesUrl(form.kind)) {
    body.url = form.url.trim()
    // An empty key: the server generates one and shows it once.
    if (form.kind === 'webhook' && form.hmacKey.trim()) body.hmac_key = form.hmacKey.trim()
  } else if (form.kind === 'smtp') {
    body.smtp = smtpSettings(form)
  } else {
    body.address = form.address.trim()
  }
  // Left at the defaults the server's own apply; the body stays what it was before schedules.
  const schedule = scheduleBody(form.schedule)
  if (!isDefaultSchedule(schedule)) body.schedule = schedule
  return body
}

/**
 * The badge class of a delivery state. A held message waits by design, so it is no warning; a
 * digested one is done here (its digest has a row of its own).
 */
export function deliveryTone(status: string): 'ok' | 'danger' | 'warn' | '' {
  if (status === 'sent' || status === 'digested') return 'ok'
  if (status === 'failed') return 'danger'
  if (status === 'held') return ''
  return 'warn'
}

// --- schedules ----------------------------------------------------------------------------------

/** How a channel gathers its messages; labels under `digest.<d>`. */
export const DIGESTS = ['off', 'hourly', 'daily'] as const satisfies readonly Digest[]

/** What the server assumes where a schedule says nothing (src/store/alerts/schedule.rs). */
export const DEFAULT_DAILY_AT = '08:00'
export const DEFAULT_TIMEZONE = 'Europe/Istanbul'
export const DEFAULT_URGENT = 'critical'

/** What the schedule fields edit. */
export interface ScheduleForm {
  digest: Digest
  /** A time input's `HH:MM`; sent only for daily digests. */
  dailyAt: string
  /** Quiet hours as two time inputs; sent only when both are set. */
  quietFrom: string
  quietTo: string
  /** "" for the server's zone. */
  timezone: string
  urgent: string
}

/** The form of a schedule (none: the defaults). */
export function scheduleForm(s: Schedule = {}): ScheduleForm {
  const [from = '', to = ''] = (s.quiet_hours ?? '').split('-', 2).map((t) => t.trim())
  return {
    digest: s.digest ?? 'off',
    dailyAt: s.daily_at?.trim() || DEFAULT_DAILY_AT,
    quietFrom: from,
    quietTo: to,
    timezone: s.timezone?.trim() ?? '',
    urgent: s.urgent || DEFAULT_URGENT,
  }
}

/**
 * The schedule of a form: the digest, and only what applies and differs from the server's
 * defaults. A PATCH replaces the whole schedule, so what is left out goes back to the default.
 */
export function scheduleBody(form: ScheduleForm): Schedule {
  const s: Schedule = { digest: form.digest }
  if (form.digest === 'daily' && form.dailyAt) s.daily_at = form.dailyAt
  if (form.quietFrom && form.quietTo) s.quiet_hours = `${form.quietFrom}-${form.quietTo}`
  const timezone = form.timezone.trim()
  if (timezone) s.timezone = timezone
  if (form.urgent !== DEFAULT_URGENT) s.urgent = form.urgent
  return s
}

/** A schedule that sends every message at once, as a channel without one does. */
export function isDefaultSchedule(s: Schedule): boolean {
  return Object.keys(s).every((key) => key === 'digest') && (s.digest ?? 'off') === 'off'
}

/**
 * A schedule in words for the channel list: "Daily digest at 08:00, quiet 22:00-07:00". The
 * zone and the urgent severity are named only when not the defaults and when they matter
 * (times shown; messages held).
 */
export function describeSchedule(s: Schedule, locale: Locale): string {
  const digest = s.digest ?? 'off'
  const parts = [
    digest === 'daily'
      ? translate(locale, 'alertSettings.scheduleDailyAt', { at: s.daily_at || DEFAULT_DAILY_AT })
      : translate(locale, digest === 'hourly' ? 'digest.hourly' : 'digest.off'),
  ]
  if (s.quiet_hours) parts.push(translate(locale, 'alertSettings.scheduleQuiet', { hours: s.quiet_hours }))
  let text = parts.join(', ')
  const timezone = s.timezone?.trim()
  if (timezone && timezone !== DEFAULT_TIMEZONE && (digest === 'daily' || s.quiet_hours)) text += ` (${timezone})`
  const urgent = s.urgent || DEFAULT_URGENT
  if (urgent !== DEFAULT_URGENT && (digest !== 'off' || s.quiet_hours)) {
    const level = translateDynamic(locale, `level.${urgent}`, urgent)
    text += `, ${translate(locale, 'alertSettings.scheduleUrgent', { level })}`
  }
  return text
}
