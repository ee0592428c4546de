import { describe, expect, it } from 'vitest'
import { registerCommand, scanCommand, shellQuote } from './agentCommand'

describe('registerCommand', () => {
  it('is exactly the documented command', () => {
    expect(registerCommand({ apiUrl: 'http://10.0.0.5:8090', name: 'edge-1', site: 'hq', token: 'bigr_enr_abc123' })).toBe(
      'bigr agent register --api-url http://10.0.0.5:8090 --name edge-1 --site hq --enroll-token bigr_enr_abc123',
    )
  })

  it('quotes names with spaces or shell characters so the paste still works', () => {
    expect(registerCommand({ apiUrl: 'https://bigr.lan', name: "Ayşe's laptop", site: 'İstanbul ofis', token: 't' })).toBe(
      "bigr agent register --api-url https://bigr.lan --name 'Ayşe'\\''s laptop' --site 'İstanbul ofis' --enroll-token t",
    )
  })
})

describe('scanCommand', () => {
  it('is exactly `bigr scan 192.168.1.0/24` for all sites and for the site a plain scan writes into', () => {
    expect(scanCommand('', 'local')).toBe('bigr scan 192.168.1.0/24')
    expect(scanCommand('local', 'local')).toBe('bigr scan 192.168.1.0/24')
  })

  it('names another selected site, quoted for the shell', () => {
    expect(scanCommand('hq', 'local')).toBe('bigr scan 192.168.1.0/24 --site hq')
    expect(scanCommand('İstanbul ofis', 'local')).toBe("bigr scan 192.168.1.0/24 --site 'İstanbul ofis'")
  })
})

describe('shellQuote', () => {
  it('leaves plain words and quotes everything else', () => {
    expect(shellQuote('edge-1.lan')).toBe('edge-1.lan')
    expect(shellQuote('')).toBe("''")
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'")
    expect(shellQuote('a;b')).toBe("'a;b'")
  })
})
