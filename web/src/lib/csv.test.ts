import { describe, expect, it } from 'vitest'
import { csvCell, csvRow, toCsv } from './csv'

describe('csvCell', () => {
  it('leaves plain values alone', () => {
    expect(csvCell('printer')).toBe('printer')
    expect(csvCell(42)).toBe('42')
    expect(csvCell(true)).toBe('true')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
  })

  it('quotes separators, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"')
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"')
  })

  it('neutralises formulas: = + - @ and tab / CR starts get an apostrophe', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`)
    expect(csvCell('+1+1')).toBe("'+1+1")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\t=1')).toBe("'\t=1")
    expect(csvCell('\r=1')).toBe(`"'\r=1"`)
  })

  it('does not touch those characters in the middle of a value', () => {
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell('fe80::1')).toBe('fe80::1')
  })

  it('joins lists with spaces', () => {
    expect(csvCell([22, 80, 443])).toBe('22 80 443')
  })
})

describe('toCsv', () => {
  it('writes a BOM, the header and CRLF-separated rows', () => {
    const text = toCsv(
      ['ip', 'hostname'],
      [
        ['10.0.0.1', 'gw, core'],
        ['10.0.0.2', null],
      ],
    )
    expect(text).toBe('\uFEFFip,hostname\r\n10.0.0.1,"gw, core"\r\n10.0.0.2,\r\n')
  })

  it('keeps Turkish characters as they are', () => {
    expect(csvRow(['Ağ ve Sistemler', 'Taşınabilir'])).toBe('Ağ ve Sistemler,Taşınabilir')
  })
})
