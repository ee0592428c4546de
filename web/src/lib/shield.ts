// Shield (security posture) without a DOM: the modules and severities the server knows, the
// findings filters ↔ URL ↔ API query, remediation in the UI language, the quick-win /
// important-fix grouping of open findings, the loosely typed parts of a scan detail, and the
// trend sparkline's geometry.
import type { LocationQuery } from 'vue-router'
import type { FindingView, IssueView, Remediation, TrendPoint } from '../api'
import type { Locale } from '../i18n'
import { EXAMPLE_NETWORK, shellQuote } from './agentCommand'
import { queryChoice, queryInt, queryString } from './query'

/** Shield modules in display order (src/shield/mod.rs); labels under `shieldModule.<m>`. */
export const SHIELD_MODULES = ['tls', 'ports', 'headers', 'dns', 'cve', 'creds', 'owasp'] as const
export type ShieldModule = (typeof SHIELD_MODULES)[number]

/** Finding severities, worst first (labels and colours are the risk levels'). */
export const SHIELD_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type ShieldSeverity = (typeof SHIELD_SEVERITIES)[number]

/** What the status filter offers: open (the default), resolved, or both. */
export const FINDING_STATUSES = ['open', 'resolved', 'all'] as const
export type FindingStatus = (typeof FINDING_STATUSES)[number]

/** Remediation priorities of a check (`quick_win`: a configuration change). */
export const PRIORITIES = ['quick_win', 'important_fix'] as const
export type Priority = (typeof PRIORITIES)[number]

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Rank of a severity for sorting: 0 for critical … 4 for info, unknown ones last. */
export function severityRank(severity: string): number {
  const i = (SHIELD_SEVERITIES as readonly string[]).indexOf(severity)
  return i === -1 ? SHIELD_SEVERITIES.length : i
}

// --- findings filters ------------------------------------------------------------------------

export interface FindingFilters {
  severity: ShieldSeverity | ''
  module: ShieldModule | ''
  status: FindingStatus
  /** An asset id ("" for every asset). */
  asset: string
  page: number
}

/** The filters in a route query; anything the server would refuse is dropped. */
export function filtersFromQuery(query: LocationQuery): FindingFilters {
  const asset = queryString(query, 'asset')
  return {
    severity: queryChoice(query, 'severity', [...SHIELD_SEVERITIES, ''] as const, ''),
    module: queryChoice(query, 'module', [...SHIELD_MODULES, ''] as const, ''),
    status: queryChoice(query, 'status', FINDING_STATUSES, 'open'),
    asset: UUID.test(asset) ? asset : '',
    page: queryInt(query, 'page', 1),
  }
}

/** The route query of these filters (status `open` and page 1 are the defaults, left out). */
export function filtersToQuery(f: FindingFilters, site: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (site) out.site = site
  if (f.severity) out.severity = f.severity
  if (f.module) out.module = f.module
  if (f.status !== 'open') out.status = f.status
  if (f.asset) out.asset = f.asset
  if (f.page > 1) out.page = String(f.page)
  return out
}

/** The `GET /api/shield/findings` query: `all` sends no status (the server then lists both). */
export function findingsApiQuery(f: FindingFilters, site: string, perPage: number) {
  return {
    site: site || undefined,
    severity: f.severity || undefined,
    module: f.module || undefined,
    asset: f.asset || undefined,
    status: f.status === 'all' ? undefined : f.status,
    page: f.page,
    per_page: perPage,
  }
}

// --- remediation in the UI language ------------------------------------------------------------

/** A catalogue remediation in `locale`, the other language when that one is empty. */
export function remediationText(r: Remediation | null | undefined, locale: Locale): string {
  if (!r) return ''
  return locale === 'tr' ? r.tr || r.en : r.en || r.tr
}

/** A scan finding's remediation: `remediation_tr` in Turkish when present, else the English one. */
export function findingRemediation(f: Pick<FindingView, 'remediation' | 'remediation_tr'>, locale: Locale): string {
  return locale === 'tr' && f.remediation_tr ? f.remediation_tr : f.remediation
}

// --- evidence --------------------------------------------------------------------------------

/** A finding's evidence as key / text pairs, in the server's order; nested values as JSON. */
export function evidenceEntries(evidence: Record<string, unknown> | null | undefined): [string, string][] {
  if (!evidence || typeof evidence !== 'object') return []
  return Object.entries(evidence).map(([key, value]) => [key, evidenceValue(value)])
}

function evidenceValue(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(', ')
  return JSON.stringify(value)
}

const epssFormats = new Map<string, Intl.NumberFormat>()

/** An EPSS probability (0–1) as a percentage with up to two decimals: 0.00043 → "0.04%". */
export function formatEpss(epss: number, locale: string): string {
  let fmt = epssFormats.get(locale)
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 })
    epssFormats.set(locale, fmt)
  }
  return fmt.format(Math.min(1, Math.max(0, epss)))
}

/** `10.0.0.5:443`, `10.0.0.5`, or — when the finding names no address. */
export function targetText(ip: string | null | undefined, port: number | null | undefined): string {
  if (!ip) return port ? `:${port}` : '—'
  const host = ip.includes(':') && port ? `[${ip}]` : ip
  return port ? `${host}:${port}` : host
}

// --- quick wins and important fixes ----------------------------------------------------------

export interface RemediationGroup {
  checkId: string
  title: string
  module: string
  /** The worst severity among the group's findings. */
  severity: string
  /** The catalogue remediation (both languages). */
  remediation: Remediation
  /** Open findings of this check. */
  findings: number
  /** Distinct hosts (by address, else asset) with such a finding. */
  hosts: { ip: string; assetId: string | null }[]
}

export interface RemediationPlan {
  quickWins: RemediationGroup[]
  importantFixes: RemediationGroup[]
}

/**
 * Open findings grouped by check: quick wins (a configuration change) apart from the fixes
 * that take more (a reissue, an upgrade), each list worst first, then most hosts first.
 * Resolved findings are left out.
 */
export function groupRemediation(issues: readonly IssueView[]): RemediationPlan {
  const groups = new Map<string, RemediationGroup & { priority: string; hostKeys: Set<string> }>()
  for (const issue of issues) {
    if (issue.status !== 'open') continue
    let g = groups.get(issue.check_id)
    if (!g) {
      g = {
        checkId: issue.check_id,
        title: issue.title,
        module: issue.module,
        severity: issue.severity,
        remediation: issue.remediation,
        findings: 0,
        hosts: [],
        priority: issue.priority,
        hostKeys: new Set(),
      }
      groups.set(issue.check_id, g)
    }
    g.findings++
    if (severityRank(issue.severity) < severityRank(g.severity)) g.severity = issue.severity
    const key = issue.target_ip || issue.asset_id || ''
    if (key && !g.hostKeys.has(key)) {
      g.hostKeys.add(key)
      g.hosts.push({ ip: issue.target_ip || '', assetId: issue.asset_id ?? null })
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      b.hosts.length - a.hosts.length ||
      a.checkId.localeCompare(b.checkId),
  )
  const plain = (g: (typeof sorted)[number]): RemediationGroup => ({
    checkId: g.checkId,
    title: g.title,
    module: g.module,
    severity: g.severity,
    remediation: g.remediation,
    findings: g.findings,
    hosts: g.hosts,
  })
  return {
    quickWins: sorted.filter((g) => g.priority === 'quick_win').map(plain),
    importantFixes: sorted.filter((g) => g.priority !== 'quick_win').map(plain),
  }
}

// --- posture -----------------------------------------------------------------------------------

/** Module scores in display order (unknown modules of a newer server last); absent ones left out. */
export function scoredModules(scores: Record<string, number>): [string, number][] {
  const known = SHIELD_MODULES.filter((m) => typeof scores[m] === 'number').map((m): [string, number] => [m, scores[m]!])
  const other = Object.entries(scores)
    .filter(([m, v]) => !(SHIELD_MODULES as readonly string[]).includes(m) && typeof v === 'number')
    .sort(([a], [b]) => a.localeCompare(b))
  return [...known, ...other]
}

/** The known modules without a score: not run, or nothing they could assess. */
export function unscoredModules(scores: Record<string, number>): ShieldModule[] {
  return SHIELD_MODULES.filter((m) => typeof scores[m] !== 'number')
}

/**
 * A 0–100 score's colour on the grade scale of src/shield/score.rs, as ScoreGauge colours
 * grades: A and B (75 and up) green, C (60 and up) amber, D and F red.
 */
export function scoreColor(score: number): string {
  return score >= 75 ? 'var(--ok)' : score >= 60 ? 'var(--warn)' : 'var(--danger)'
}

/** Open findings per severity in display order, zeros included. */
export function severityCounts(counts: Record<string, number> | null | undefined): [ShieldSeverity, number][] {
  return SHIELD_SEVERITIES.map((s) => [s, counts?.[s] ?? 0])
}

export interface Sparkline {
  /** SVG path through the points ("" for none). */
  path: string
  /** The points, for dots and titles. */
  points: { x: number; y: number; score: number }[]
}

/**
 * The geometry of a 0–100 score line in a `width` × `height` box (oldest on the left); one
 * point sits in the middle. The y axis is the full 0–100 range, so lines of sites compare.
 */
export function sparkline(trend: readonly TrendPoint[], width: number, height: number, pad = 3): Sparkline {
  const n = trend.length
  const y = (score: number) => pad + (1 - Math.min(100, Math.max(0, score)) / 100) * (height - 2 * pad)
  const x = (i: number) => (n === 1 ? width / 2 : pad + (i / (n - 1)) * (width - 2 * pad))
  const points = trend.map((p, i) => ({ x: round(x(i)), y: round(y(p.score)), score: p.score }))
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ')
  return { path, points }
}

const round = (v: number) => Math.round(v * 10) / 10

// --- the scan detail's loosely typed lists --------------------------------------------------

export interface HostRow {
  ip: string
  modules: string[]
}

export interface NotAssessedRow {
  target: string
  module: string | null
  reason: string
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v))

/** `hosts` of a scan detail (typed as plain objects by the API), with the fields we show. */
export function assessedHosts(raw: readonly Record<string, unknown>[] | null | undefined): HostRow[] {
  return (raw ?? []).map((h) => ({
    ip: str(h.ip),
    modules: Array.isArray(h.modules) ? h.modules.map(str) : [],
  }))
}

/** `not_assessed` of a scan detail, with the fields we show. */
export function notAssessed(raw: readonly Record<string, unknown>[] | null | undefined): NotAssessedRow[] {
  return (raw ?? []).map((n) => ({
    target: str(n.target),
    module: typeof n.module === 'string' && n.module ? n.module : null,
    reason: str(n.reason),
  }))
}

/** The command that runs Shield from a machine in the network, with `--site` off the default. */
export function shieldCommand(site: string, plainSite: string): string {
  const command = `bigr shield ${EXAMPLE_NETWORK}`
  return site && site !== plainSite ? `${command} --site ${shellQuote(site)}` : command
}

/** The agent option that adds Shield to every scan of a site agent. */
export const AGENT_SHIELD_COMMAND = 'bigr agent start --shield'
