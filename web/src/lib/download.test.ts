import { describe, expect, it, vi } from 'vitest'
import { downloadBlob, filenameFromDisposition } from './download'

describe('filenameFromDisposition', () => {
  it('reads the quoted or bare file name of an attachment', () => {
    expect(filenameFromDisposition('attachment; filename="bigr-report-hq-20261123.html"')).toBe('bigr-report-hq-20261123.html')
    expect(filenameFromDisposition('attachment; filename=bigr-report-all-sites-20261123.html')).toBe(
      'bigr-report-all-sites-20261123.html',
    )
    expect(filenameFromDisposition('ATTACHMENT;FILENAME = "a b.html" ; size=12')).toBe('a b.html')
    expect(filenameFromDisposition('attachment; filename="say \\"hi\\"; now.html"')).toBe('say "hi"; now.html')
  })

  it('prefers the UTF-8 filename* (RFC 8187) and falls back when it cannot be read', () => {
    const both = `attachment; filename="bigr-report-_zmir.html"; filename*=UTF-8''bigr-report-%C4%B0zmir.html`
    expect(filenameFromDisposition(both)).toBe('bigr-report-İzmir.html')
    expect(filenameFromDisposition(`attachment; filename*=utf-8'tr'%C5%9Fube.html`)).toBe('şube.html')
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''%E0%A4%A; filename=plain.html`)).toBe('plain.html')
    expect(filenameFromDisposition(`attachment; filename*=ISO-8859-1''caf%E9.html; filename=cafe.html`)).toBe('cafe.html')
  })

  it('keeps no folders or control characters, and names nothing when nothing is left', () => {
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd')
    expect(filenameFromDisposition('attachment; filename="C:\\\\temp\\\\r.html"')).toBe('r.html')
    expect(filenameFromDisposition('attachment; filename="a\u0007b.html"')).toBe('ab.html')
    expect(filenameFromDisposition('attachment; filename=".."')).toBeNull()
    expect(filenameFromDisposition('attachment; filename=""')).toBeNull()
    expect(filenameFromDisposition('attachment')).toBeNull()
    expect(filenameFromDisposition('inline; name="x.html"')).toBeNull()
    expect(filenameFromDisposition('')).toBeNull()
    expect(filenameFromDisposition(null)).toBeNull()
  })
})

describe('downloadBlob', () => {
  it('clicks a download link to an object URL, then lets the URL go', () => {
    vi.useFakeTimers()
    try {
      const blob = new Blob(['<!DOCTYPE html>'], { type: 'text/html' })
      vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:report')
      const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
      const clicked: HTMLAnchorElement[] = []
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        clicked.push(this)
      })
      downloadBlob('r.html', blob)
      expect(clicked.map((a) => [a.getAttribute('href'), a.download])).toEqual([['blob:report', 'r.html']])
      expect(document.querySelector('a')).toBeNull() // the link is gone again
      expect(revoke).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1000)
      expect(revoke).toHaveBeenCalledWith('blob:report')
    } finally {
      vi.useRealTimers()
    }
  })

  it('hands a binary file (a PDF) to the browser as the very Blob it got, never as text', async () => {
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0xe2, 0xe3, 0xcf, 0xd3, 0x00, 0xff])
    const blob = new Blob([bytes], { type: 'application/pdf' })
    const urls: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      urls.push(b as Blob)
      return 'blob:pdf'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const names: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    downloadBlob('bigr-report-hq-20261124.pdf', blob)
    expect(names).toEqual(['bigr-report-hq-20261124.pdf'])
    expect(urls[0]).toBe(blob)
    expect(new Uint8Array(await urls[0]!.arrayBuffer())).toEqual(bytes)
  })
})
