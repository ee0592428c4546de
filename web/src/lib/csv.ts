// CSV for spreadsheets (RFC 4180), safe to open in Excel / LibreOffice.
//
// Asset data comes from the network (hostnames, vendors, banners), so a device could name
// itself `=HYPERLINK(...)`. Spreadsheets run such cells as formulas ("CSV injection"): any
// cell starting with = + - @ (or a tab / carriage return, which some apps strip first) gets a
// leading apostrophe, which spreadsheets show as text.

import { downloadBlob } from './download'

export type CsvValue = string | number | boolean | null | undefined | readonly (string | number)[]

const FORMULA_START = /^[=+\-@\t\r]/

/** One cell: neutralised against formulas, quoted when it holds a separator, quote or newline. */
export function csvCell(value: CsvValue): string {
  let text: string
  if (value === null || value === undefined) text = ''
  else if (Array.isArray(value)) text = value.join(' ')
  else text = String(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',')
}

/**
 * A whole document: header row, then rows, CRLF line ends (RFC 4180). Starts with a UTF-8
 * byte-order mark so Excel reads Turkish characters (İ, ş, ğ) correctly.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return `\uFEFF${[csvRow(header), ...rows.map(csvRow)].join('\r\n')}\r\n`
}

/** Offers `text` as a file download (browser only). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  downloadBlob(filename, new Blob([text], { type }))
}
