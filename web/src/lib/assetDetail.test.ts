import { describe, expect, it } from 'vitest'
import { parseEvidence, parseMdns, parseServices, parseSnmp, portsWithServices } from './assetDetail'

describe('asset detail JSON', () => {
  it('reads evidence, strongest first, skipping junk', () => {
    const evidence = parseEvidence([
      { rule: 'port:9100', value: '9100', category: 'uygulamalar', device_type: 'printer', weight: 0.4 },
      { rule: 'vendor:hikvision', value: 'Hikvision', category: 'iot', weight: 0.9 },
      'garbage',
      { weight: 1 },
    ])
    expect(evidence.map((e) => e.rule)).toEqual(['vendor:hikvision', 'port:9100'])
    expect(evidence[0]).toEqual({ rule: 'vendor:hikvision', value: 'Hikvision', category: 'iot', device_type: null, weight: 0.9 })
    expect(parseEvidence({})).toEqual([]) // what the OpenAPI type claims; not a list
  })

  it('reads services by port with defaults', () => {
    const services = parseServices([
      { port: 443, name: 'https', tls: true, http_title: '<script>alert(1)</script>' },
      { port: 22, protocol: 'tcp', product: 'OpenSSH', version: '9.6' },
      { port: 'x' },
    ])
    expect(services.map((s) => s.port)).toEqual([22, 443])
    expect(services[1]).toMatchObject({ protocol: 'tcp', tls: true, http_title: '<script>alert(1)</script>' })
  })

  it('lists every open port once, with or without a service', () => {
    const rows = portsWithServices([22, 80, 443], parseServices([{ port: 443, name: 'https' }]))
    expect(rows.map((r) => [r.port, 'unknown' in r])).toEqual([
      [22, true],
      [80, true],
      [443, false],
    ])
  })

  it('reads mDNS names and SNMP facts', () => {
    expect(parseMdns(['_ipp._tcp', 5, null, 'printer.local'])).toEqual(['_ipp._tcp', '5', 'printer.local'])
    expect(parseSnmp({ sys_name: 'sw1', sys_descr: 'Cisco IOS' })).toEqual({ sys_name: 'sw1', sys_descr: 'Cisco IOS', sys_object_id: null })
    expect(parseSnmp({})).toBeNull()
    expect(parseSnmp(null)).toBeNull()
  })
})
