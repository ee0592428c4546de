import { describe, expect, it } from 'vitest'
import { buildQuery } from '../api'
import {
  REPORT_FALLBACK_NAME,
  REPORT_FORMATS,
  REPORT_PDF_MAX_ASSETS,
  addDays,
  defaultReportForm,
  reportFilename,
  reportFormError,
  reportQuery,
} from './report'

describe('addDays', () => {
  it('moves across months, leap days and years', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-11-23', -29)).toBe('2026-10-25')
  })

  it('gives "" for what is not a day', () => {
    expect(addDays('', 1)).toBe('')
    expect(addDays('2026-02-30', 1)).toBe('')
    expect(addDays('23.11.2026', 1)).toBe('')
  })
})

describe('defaultReportForm', () => {
  it('covers the 30 days up to and including today, in the given language, as HTML', () => {
    expect(defaultReportForm('2026-11-23', 'tr')).toEqual({
      from: '2026-10-25',
      to: '2026-11-23',
      lang: 'tr',
      organisation: '',
      format: 'html',
    })
  })

  it('offers HTML first, then PDF (which lists up to 500 assets)', () => {
    expect(REPORT_FORMATS).toEqual(['html', 'pdf'])
    expect(REPORT_PDF_MAX_ASSETS).toBe(500)
  })
})

describe('reportFormError', () => {
  const form = defaultReportForm('2026-11-23', 'en')

  it('accepts a period of one day or more', () => {
    expect(reportFormError(form)).toBeNull()
    expect(reportFormError({ ...form, from: '2026-11-23' })).toBeNull()
  })

  it('names the missing day, or the start after the end', () => {
    expect(reportFormError({ ...form, from: '' })).toEqual({ field: 'from', key: 'report.dayMissing' })
    expect(reportFormError({ ...form, to: '2026-13-01' })).toEqual({ field: 'to', key: 'report.dayMissing' })
    expect(reportFormError({ ...form, from: '2026-11-24' })).toEqual({ field: 'from', key: 'report.order' })
  })
})

describe('reportQuery', () => {
  it('sends the first day’s 00:00 UTC and the 00:00 UTC after the last day (which is included)', () => {
    const query = reportQuery('istanbul', {
      from: '2026-10-25',
      to: '2026-11-23',
      lang: 'en',
      organisation: '  Acme A.Ş.  ',
      format: 'html',
    })
    expect(query).toEqual({
      site: 'istanbul',
      from: '2026-10-25T00:00:00Z',
      to: '2026-11-24T00:00:00Z',
      lang: 'en',
      organisation: 'Acme A.Ş.',
      format: 'html',
    })
    expect(buildQuery(query)).toBe(
      '?site=istanbul&from=2026-10-25T00%3A00%3A00Z&to=2026-11-24T00%3A00%3A00Z&lang=en&organisation=Acme+A.%C5%9E.&format=html',
    )
  })

  it('leaves out the site for all sites and a blank organisation', () => {
    const query = reportQuery('', { from: '2026-12-31', to: '2026-12-31', lang: 'tr', organisation: ' ', format: 'html' })
    expect(buildQuery(query)).toBe('?from=2026-12-31T00%3A00%3A00Z&to=2027-01-01T00%3A00%3A00Z&lang=tr&format=html')
  })

  it('asks for the chosen format: format=pdf for a PDF, format=html (the default) otherwise', () => {
    const form = defaultReportForm('2026-11-23', 'en')
    expect(reportQuery('hq', form).format).toBe('html')
    expect(new URLSearchParams(buildQuery(reportQuery('hq', form))).getAll('format')).toEqual(['html'])
    const pdf = reportQuery('hq', { ...form, format: 'pdf' })
    expect(pdf).toEqual({ ...reportQuery('hq', form), format: 'pdf' })
    expect(new URLSearchParams(buildQuery(pdf)).getAll('format')).toEqual(['pdf'])
  })
})

describe('reportFilename', () => {
  it('uses the server’s name, else a fixed one', () => {
    expect(reportFilename('attachment; filename="bigr-report-all-sites-20261124.html"')).toBe(
      'bigr-report-all-sites-20261124.html',
    )
    expect(reportFilename(null)).toBe(REPORT_FALLBACK_NAME)
    expect(reportFilename('attachment')).toBe('bigr-report.html')
  })

  it('keeps the server’s .pdf name, and falls back to a .pdf name for a PDF', () => {
    expect(reportFilename('attachment; filename="bigr-report-hq-20261124.pdf"', 'pdf')).toBe('bigr-report-hq-20261124.pdf')
    expect(reportFilename(null, 'pdf')).toBe('bigr-report.pdf')
    expect(reportFilename(null, 'html')).toBe('bigr-report.html')
  })
})
