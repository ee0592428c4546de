// The compliance report's download form (ComplianceView): a period of whole days, the
// report's language, the organisation on its cover and the file format (HTML or PDF), turned
// into the query of GET /api/reports/compliance, and the name the downloaded file is saved under.
import type { DownloadQuery } from '../api'
import type { Locale, MessageKey } from '../i18n/locales'
import { filenameFromDisposition } from './download'

/** The period a new form offers: this many days, up to and including today. */
export const REPORT_DAYS = 30

/** The file formats the server writes: HTML (the default; streamed, every asset) or PDF. */
export const REPORT_FORMATS = ['html', 'pdf'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** The label of each format in the form. */
export const REPORT_FORMAT_LABELS: Record<ReportFormat, MessageKey> = { html: 'report.formatHtml', pdf: 'report.formatPdf' }

/** The most assets a PDF report lists (it counts the rest); the HTML report lists them all. */
export const REPORT_PDF_MAX_ASSETS = 500

/** The name of an HTML report whose answer names no file. */
export const REPORT_FALLBACK_NAME = 'bigr-report.html'

export type ReportQuery = DownloadQuery<'download_compliance_report'>

/** The form as typed: days as <input type="date"> gives them (YYYY-MM-DD), both included. */
export interface ReportForm {
  from: string
  to: string
  lang: Locale
  organisation: string
  format: ReportFormat
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A YYYY-MM-DD day as the Date of its 00:00 UTC; null when it is not a real day. */
function dayStart(day: string): Date | null {
  const match = DAY.exec(day)
  if (!match) return null
  const [, y, m, d] = match.map(Number) as [number, number, number, number]
  const date = new Date(Date.UTC(y, m - 1, d))
  // Date.UTC rolls 2026-02-30 over into March: such a day does not exist.
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : null
}

/** `day` moved by `days` calendar days ("2026-03-01", -1 → "2026-02-28"); "" for a bad day. */
export function addDays(day: string, days: number): string {
  const start = dayStart(day)
  if (!start) return ''
  start.setUTCDate(start.getUTCDate() + days)
  return start.toISOString().slice(0, 10)
}

/** A new form: the REPORT_DAYS days up to and including `today` (YYYY-MM-DD), in `lang`, as HTML. */
export function defaultReportForm(today: string, lang: Locale): ReportForm {
  return { from: addDays(today, 1 - REPORT_DAYS), to: today, lang, organisation: '', format: 'html' }
}

/** What is wrong with the period, as the field to mark and its message; null when nothing. */
export function reportFormError(form: ReportForm): { field: 'from' | 'to'; key: MessageKey } | null {
  const from = dayStart(form.from)
  const to = dayStart(form.to)
  if (!from) return { field: 'from', key: 'report.dayMissing' }
  if (!to) return { field: 'to', key: 'report.dayMissing' }
  if (from > to) return { field: 'from', key: 'report.order' }
  return null
}

/**
 * The query of the report of `site` ("" for every site): `from` is the first day's 00:00 UTC
 * and `to` the 00:00 UTC after the last day, so the last day is included. A blank
 * organisation is left out (the server's cover then names none).
 */
export function reportQuery(site: string, form: ReportForm): ReportQuery {
  const from = dayStart(form.from)
  const to = dayStart(addDays(form.to, 1))
  return {
    site: site || undefined,
    from: from?.toISOString().replace('.000Z', 'Z'),
    to: to?.toISOString().replace('.000Z', 'Z'),
    lang: form.lang,
    organisation: form.organisation.trim() || undefined,
    format: form.format,
  }
}

/**
 * The name to save a report under: the server's (Content-Disposition), else
 * REPORT_FALLBACK_NAME with the extension of the format asked for (`bigr-report.pdf`).
 */
export function reportFilename(disposition: string | null | undefined, format: ReportFormat = 'html'): string {
  return filenameFromDisposition(disposition) ?? REPORT_FALLBACK_NAME.replace(/\.html$/, `.${format}`)
}
