// Files the dashboard hands to the browser's download: made here (CSV) or sent by the server
// (reports), the latter named by their Content-Disposition header.

/** Offers `blob` as a file download named `filename` (browser only). */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  // Give the browser a moment to start the download before the URL dies.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** `; name=value` or `; name="quoted \"value\""` parameters of a header (RFC 6266 / 7230). */
const PARAMETER = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g

/** `UTF-8''bigr-report-%C4%B0zmir.html` (RFC 8187): the decoded value, or null. */
function extendedValue(value: string): string | null {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value)
  if (!match || match[1]!.toLowerCase() !== 'utf-8') return null
  try {
    return decodeURIComponent(match[2]!)
  } catch {
    return null
  }
}

/** A name for the local disk: no folders, no control characters; null when nothing is left. */
function safeName(name: string): string | null {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).at(-1) ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim()
  return base && base !== '.' && base !== '..' ? base : null
}

/**
 * The file name a Content-Disposition header gives (`filename*` before `filename`, as RFC
 * 6266 says), reduced to a plain name; null when the header names none.
 */
export function filenameFromDisposition(header: string | null | undefined): string | null {
  if (!header) return null
  let plain: string | null = null
  let extended: string | null = null
  // The parameters after the disposition type (`attachment`).
  for (const [, rawName, rawValue] of header.replace(/^[^;]*/, '').matchAll(PARAMETER)) {
    const name = rawName!.toLowerCase()
    let value = rawValue!.trim()
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1')
    if (name === 'filename*') extended ??= extendedValue(value)
    else if (name === 'filename') plain ??= value
  }
  return (extended !== null ? safeName(extended) : null) ?? (plain !== null ? safeName(plain) : null)
}
