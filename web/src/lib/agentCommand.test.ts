import { describe, expect, it } from 'vitest'
import { installCommand, registerCommand, scanCommand, shellQuote } from './agentCommand'

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

describe('installCommand', () => {
  it('is exactly the documented one-line install', () => {
    expect(installCommand({ origin: 'https://10.0.0.5:8090', name: 'edge-1', site: 'hq', token: 'bigr_enr_abc123' })).toBe(
      'curl -fsSL https://10.0.0.5:8090/api/install.sh | sudo BIGR_ENROLL_TOKEN=bigr_enr_abc123 sh -s -- ' +
        '--server https://10.0.0.5:8090 --site hq --name edge-1',
    )
  })

  it('quotes the token, site and name for the shell the same way as the register command', () => {
    expect(installCommand({ origin: 'https://bigr.lan', name: "Ayşe's laptop", site: 'İstanbul ofis', token: 'a b$c' })).toBe(
      "curl -fsSL https://bigr.lan/api/install.sh | sudo BIGR_ENROLL_TOKEN='a b$c' sh -s -- " +
        "--server https://bigr.lan --site 'İstanbul ofis' --name 'Ayşe'\\''s laptop'",
    )
  })

  it('leaves out --name when the agent has no name', () => {
    const line = installCommand({ origin: 'http://bigr.lan', name: '', site: 'hq', token: 't' })
    expect(line).toBe(
      'curl -fsSL http://bigr.lan/api/install.sh | sudo BIGR_ENROLL_TOKEN=t sh -s -- --server http://bigr.lan --site hq',
    )
    expect(installCommand({ origin: 'http://bigr.lan', name: '  ', site: 'hq', token: 't' })).toBe(line)
  })

  it('does not double the slash after an origin that ends in one', () => {
    expect(installCommand({ origin: 'http://bigr.lan/', name: 'n', site: 's', token: 't' })).toMatch(
      /^curl -fsSL http:\/\/bigr\.lan\/api\/install\.sh \| .* --server http:\/\/bigr\.lan --site s --name n$/,
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
